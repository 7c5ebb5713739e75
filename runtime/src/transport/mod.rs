//! Message transports other than HTTP, behind one publishing trait.
//!
//! Generated senders publish each message through a [`Transport`]: they
//! render the channel address of the AsyncAPI document, serialize the
//! payload and pass both with the message headers. The transport decides
//! what the address means. For NATS it is the subject (see
//! [`nats::subject_for_address`] for the mapping from channel addresses).
//!
//! | transport | feature | module |
//! |-----------|---------|--------|
//! | NATS, core or JetStream | `nats` | [`nats`] |

mod error;
#[cfg(feature = "nats")]
pub mod nats;

use std::future::Future;

use bytes::Bytes;

pub use error::TransportError;

/// A way to publish a message to a channel address.
///
/// `publish` returns once the transport accepted the message. How durable
/// the message is at that point depends on the implementation: for example,
/// [`nats::NatsTransport`] in JetStream mode returns after the stream
/// stored it, and in core mode after the server received it.
///
/// # Example
///
/// A transport that records messages, as a test double for generated
/// senders:
///
/// ```
/// use std::sync::Mutex;
/// use bytes::Bytes;
/// use hookforge::transport::{Transport, TransportError};
///
/// #[derive(Default)]
/// struct Recorded(Mutex<Vec<(String, Bytes)>>);
///
/// impl Transport for Recorded {
///     async fn publish(
///         &self,
///         address: &str,
///         _headers: Vec<(String, String)>,
///         body: Bytes,
///     ) -> Result<(), TransportError> {
///         if let Ok(mut messages) = self.0.lock() {
///             messages.push((address.to_owned(), body));
///         }
///         Ok(())
///     }
/// }
/// ```
pub trait Transport: Send + Sync + 'static {
    /// Publishes `body` with `headers` to `address`, the rendered channel
    /// address.
    ///
    /// # Errors
    ///
    /// A [`TransportError`] when the address or a header is invalid for
    /// this transport, or the message could not be delivered to it.
    fn publish(
        &self,
        address: &str,
        headers: Vec<(String, String)>,
        body: Bytes,
    ) -> impl Future<Output = Result<(), TransportError>> + Send;
}
