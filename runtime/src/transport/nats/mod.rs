//! NATS as a transport for signed messages, through core NATS or JetStream.
//!
//! - [`NatsTransport`] publishes messages, signed like webhooks with
//!   `webhook-id`, `webhook-timestamp` and `webhook-signature` carried as
//!   NATS headers, and retries transient failures.
//! - [`NatsReceiver`] reads a [`Subscription`] (a core subscription,
//!   optionally in a queue group, or a [`DurableConsumer`] on a JetStream
//!   stream), verifies each message, deduplicates it by webhook id and runs
//!   a handler.
//!
//! # Channel addresses and subjects
//!
//! A channel address becomes a subject through [`subject_for_address`]:
//! one leading `/` is dropped and every other `/` becomes `.`, so
//! `/orders/created` is published to `orders.created`. Empty tokens,
//! whitespace and wildcards are rejected with
//! [`TransportError::InvalidAddress`](crate::transport::TransportError::InvalidAddress).
//!
//! # Core NATS or JetStream
//!
//! | | core | JetStream |
//! |---|---|---|
//! | `publish` returns when | the server received the message | a stream stored it |
//! | receivers offline when published | miss the message | get it when they connect |
//! | handler failure | the message is lost | redelivered after a backoff |
//! | duplicates removed by | the idempotency store | the stream (`Nats-Msg-Id`) and the store |
//!
//! # Redelivery
//!
//! A JetStream message is delivered again when its handler fails (after
//! the `NAK` delay that [`NatsReceiver`] chooses), when no acknowledgement
//! arrives within the consumer's ack wait (see
//! [`DurableConsumer::with_ack_wait`]), and when its webhook id is claimed
//! by another receiver that has not finished. The delivery count grows each
//! time. The receiver's redelivery policy, and the consumer's
//! [`max_deliver`](DurableConsumer::with_max_deliver), bound the deliveries.

pub use async_nats;

mod headers;
mod message;
mod publisher;
mod receiver;
mod subject;
mod subscription;

pub use message::{HandlerError, VerifiedMessage};
pub use publisher::{NatsTransport, Published, HEADER_NATS_MSG_ID};
pub use receiver::NatsReceiver;
pub use subject::{subject_filter_for_address, subject_for_address};
pub use subscription::{DurableConsumer, Subscription};
