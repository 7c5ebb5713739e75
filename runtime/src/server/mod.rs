//! axum building blocks for receiving signed webhooks.
//!
//! A [`WebhookReceiver`] holds the signature [`Verifier`](crate::signing::Verifier),
//! an [`IdempotencyStore`](crate::idempotency::IdempotencyStore) and the
//! limits. It plugs into axum in three ways:
//!
//! - [`WebhookReceiver::route`] builds a `POST` route around a closure that
//!   takes a [`VerifiedWebhook`].
//! - [`WebhookReceiver::layer`] builds a [`WebhookLayer`] that goes in front
//!   of ordinary axum handlers, which then may use any extractor.
//! - [`receive`] runs the steps for one request, for callers that build
//!   their own handler.
//!
//! # Steps and status codes
//!
//! For each request, the receiver runs these steps in order:
//!
//! 1. Reads the body, at most [`max_body_bytes`](WebhookReceiver::with_max_body_bytes).
//!    A `Content-Length` over the limit is rejected before any byte is read.
//! 2. Verifies the Standard Webhooks signature over exactly those bytes,
//!    before anything parses them.
//! 3. Claims the `webhook-id` in the store.
//! 4. Runs the handler with a [`VerifiedWebhook`], on its own task so that a
//!    client that disconnects does not cancel it half way. When the request
//!    carries a valid W3C `traceparent`, the handler runs inside the
//!    [`webhook_span`](crate::trace::webhook_span) of that trace.
//! 5. Stores a 2xx response for duplicates, or releases the claim so the
//!    sender's retry runs the handler again.
//!
//! | situation | status | body and headers |
//! |-----------|--------|------------------|
//! | `Content-Length` or body larger than the limit | 413 Payload Too Large | empty |
//! | body could not be read (the connection broke) | 400 Bad Request | empty |
//! | body not received within the body timeout (30 s by default) | 408 Request Timeout | empty |
//! | signature header missing or invalid, no signature matches, timestamp outside the tolerance | 401 Unauthorized | empty |
//! | the idempotency store failed on claim | 503 Service Unavailable | empty, `Retry-After: 1` |
//! | the same id is being handled right now | 429 Too Many Requests | empty, `Retry-After: 1` |
//! | the same id was handled before | the stored status | the stored body, `webhook-duplicate: true` |
//! | new id, the handler returned 2xx | the handler's response | stored for duplicates |
//! | new id, the handler returned anything else | the handler's response | claim released |
//! | new id, the handler panicked | 500 Internal Server Error | empty, claim released |
//!
//! A 401 tells the client nothing about which check failed. The reason is
//! logged through `tracing` at `warn` level with the `webhook-id`.
//!
//! A 429 for a delivery in progress makes the sender retry after a second.
//! Hookforge's sender retries only connection errors, timeouts, 408, 429
//! and 5xx, so a 409 Conflict would end the delivery in its dead-letter
//! queue. 429 also keeps these answers out of a receiver's 5xx alerts. By
//! the time the retry arrives the first delivery has usually finished, and
//! the retry gets its stored response. Answering 2xx at once would instead
//! tell the sender the webhook was handled while the handler could still
//! fail.
//!
//! A duplicate gets the status and body of the first response, but none of
//! its headers, because the stores keep only status and body. Responses are
//! stored whole, so keep handler responses small.
//!
//! # Example
//!
//! ```
//! use axum::http::StatusCode;
//! use axum::Router;
//! use hookforge::idempotency::memory::MemoryIdempotency;
//! use hookforge::server::{VerifiedWebhook, WebhookReceiver};
//! use hookforge::signing::Verifier;
//!
//! let verifier = Verifier::new(vec!["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".parse()?]);
//! let receiver = WebhookReceiver::new(verifier, MemoryIdempotency::new(100_000));
//!
//! let app: Router = Router::new().route(
//!     "/webhooks",
//!     receiver.route(|webhook: VerifiedWebhook| async move {
//!         match webhook.json::<hookforge::serde_json::Value>() {
//!             Ok(_event) => StatusCode::NO_CONTENT,
//!             Err(_) => StatusCode::UNPROCESSABLE_ENTITY,
//!         }
//!     }),
//! );
//! # let _ = app;
//! # Ok::<(), hookforge::signing::KeyError>(())
//! ```

mod body;
mod layer;
mod receive;
mod receiver;
mod route;
mod webhook;

pub use layer::{WebhookLayer, WebhookService};
pub use receive::receive;
pub use receiver::{
    WebhookReceiver, DEFAULT_BODY_TIMEOUT, DEFAULT_LEASE, DEFAULT_MAX_BODY_BYTES, DEFAULT_TTL,
};
pub use webhook::VerifiedWebhook;

/// The header set on a replayed response, with the value `true`.
pub const HEADER_DUPLICATE: &str = "webhook-duplicate";
