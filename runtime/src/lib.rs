//! Runtime support for code that Hookforge generates, and for applications
//! that send or receive webhooks.
//!
//! Generated code refers to its dependencies only through this crate, so an
//! application adds one dependency and never meets a version mismatch.
//!
//! | feature    | what it adds |
//! |------------|--------------|
//! | `signing`  | [`signing`]: Standard Webhooks signatures (default) |
//! | `delivery` | [`retry`], [`breaker`], [`outbox`], [`idempotency`], [`trace`], [`metrics`] |
//! | `sqlite`   | the embedded store in one SQLite file |
//! | `postgres` | the PostgreSQL outbox, for several senders on one queue |
//! | `redis`    | the Redis idempotency store |
//! | `client`   | the HTTP sender over reqwest |
//! | `tls`      | HTTPS and client certificates for the sender |
//! | `server`   | axum building blocks for receivers |
//! | `cloudevents` | `cloudevents`: `#[derive(CloudEvent)]` and the HTTP encodings |
//! | `otel`     | `trace::otel`: trace context from and to OpenTelemetry spans |
//! | `validation` | [`validation`]: JSON Schema checks of received payloads |
//! | `transport` | `transport`: the `Transport` trait for message brokers |
//! | `nats`     | `transport::nats` and `api::nats`: signed messages over NATS and JetStream (default) |
//! | `api`      | `api`: what generated senders and receivers use (default; turns on `client`, `server` and `validation`) |
//! | `include`  | `include_asyncapi!`: code generated from a document at compile time |

#[cfg(feature = "api")]
pub mod api;
pub mod formats;
pub mod serde_support;
#[cfg(feature = "signing")]
pub mod signing;

#[cfg(feature = "delivery")]
pub mod breaker;
#[cfg(feature = "client")]
pub mod client;
#[cfg(feature = "cloudevents")]
pub mod cloudevents;
#[cfg(feature = "delivery")]
pub mod idempotency;
#[cfg(feature = "delivery")]
pub mod metrics;
#[cfg(feature = "delivery")]
pub mod outbox;
#[cfg(feature = "delivery")]
pub mod retry;
#[cfg(feature = "server")]
pub mod server;
#[cfg(feature = "delivery")]
pub mod trace;
#[cfg(feature = "transport")]
pub mod transport;
#[cfg(feature = "validation")]
pub mod validation;

/// Expands to the code generated from an AsyncAPI document; see
/// [`hookforge_include::include_asyncapi`].
///
/// ```ignore
/// // Cargo.toml: hookforge = { version = "0.1", features = ["include"] }
/// mod orders {
///     hookforge::include_asyncapi!("asyncapi/orders.yaml");
/// }
/// ```
#[cfg(feature = "include")]
pub use hookforge_include::include_asyncapi;
pub use serde;
pub use serde_json;
