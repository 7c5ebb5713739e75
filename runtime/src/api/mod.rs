//! Runtime support for the senders and receivers that `hookforge generate`
//! writes.
//!
//! Generated code calls these functions by absolute path; applications
//! mostly meet [`Message`], [`HandlerError`] and [`ClientError`].
//!
//! - Addresses: [`render_address`] fills a channel address with
//!   percent-encoded parameter values, [`fill_variables`] fills a server
//!   URL.
//! - Sending: [`Outgoing`] encodes a message as a webhook, and [`send`]
//!   hands it to the outbox; [`request`] sends it directly and decodes the
//!   reply.
//! - Receiving: [`serve`] runs [`crate::server::receive`], validates the
//!   payload against its JSON Schema ([`decode_validated`]), decodes the
//!   message and calls the handler; [`HandlerError`] and [`DecodeError`]
//!   map to status codes.
//! - Headers: [`header_pairs`] and [`read_headers`] convert typed message
//!   headers to HTTP headers and back; [`read_header_pairs`] reads them
//!   from a broker message's header pairs.
//! - NATS (feature `nats`): the `nats` module renders subjects, publishes
//!   envelopes through a [`Transport`](crate::transport::Transport) and
//!   decodes received messages.

mod address;
mod handle;
mod headers;
mod message;
#[cfg(feature = "nats")]
pub mod nats;
mod send;

pub use address::{encode_segment, fill_variables, join_url, path_parameter, render_address};
pub use handle::{
    decode_json, decode_message, decode_validated, decode_validated_message, json_reply,
    no_content, not_found, serve, CandidateFailure, DecodeError, HandlerError,
};
pub use headers::{header_pairs, read_header_pairs, read_headers, HeaderError};
pub use message::Message;
pub use send::{new_correlation_id, request, send, ClientError, Outgoing};

/// The axum version generated routers are built with.
pub use axum;
