//! Sending webhooks: durable, signed and retried, over reqwest.
//!
//! [`WebhookSender::send`] stores a webhook in the [outbox](crate::outbox)
//! and returns once it is durable. [`WebhookSender::run`] is the worker: it
//! claims due deliveries, signs each attempt afresh with the current
//! timestamp and the same `webhook-id`, posts it, and then completes,
//! reschedules (with [full-jitter backoff](crate::retry)) or dead-letters
//! the delivery. A [circuit breaker](crate::breaker) per endpoint stops the
//! worker from hammering an endpoint that keeps failing.
//!
//! Delivery is at least once: a sender that crashes after the endpoint
//! answered but before the store recorded it sends the webhook again, with
//! the same `webhook-id`, so receivers deduplicate by that id (see
//! [`crate::idempotency`]).
//!
//! # Example
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use hookforge::client::{SenderConfig, Webhook, WebhookSender};
//! use hookforge::outbox::sqlite::SqliteOutbox;
//! use hookforge::signing::Signer;
//!
//! let store = SqliteOutbox::open("outbox.sqlite3")?;
//! let signer = Signer::new(vec!["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".parse()?]);
//! let sender = WebhookSender::new(store, signer, SenderConfig::default())?;
//!
//! let webhook = Webhook::json(
//!     "https://example.com/webhooks",
//!     "invoice.paid",
//!     &serde_json::json!({"invoice": "in_1", "amount": 1050}),
//! )?;
//! let accepted = sender.send(webhook).await?;
//! println!("stored as {}", accepted.webhook_id);
//!
//! // Deliver until the process is asked to stop.
//! sender.run(std::future::pending()).await;
//! # Ok(())
//! # }
//! ```

mod config;
mod excerpt;
pub mod request;
mod transport;
mod webhook;
mod worker;

pub use config::{install_crypto_provider, ConfigError, SenderConfig};
pub use excerpt::RESPONSE_BODY_LABEL;
/// The reqwest version the sender uses, for building a custom client, a
/// `Certificate` or an `Identity` (with the `tls` feature) without a
/// dependency of your own.
pub use reqwest;
pub use webhook::{Accepted, SendError, Webhook};
pub use worker::WebhookSender;
