//! The webhook a handler receives.

use std::time::SystemTime;

use axum::http::HeaderMap;
use bytes::Bytes;

use crate::trace::TraceContext;

/// A webhook whose signature and timestamp passed verification, as the
/// handler receives it.
///
/// # Example
///
/// ```
/// use std::time::SystemTime;
/// use hookforge::server::VerifiedWebhook;
///
/// let webhook = VerifiedWebhook {
///     id: "msg_1".to_owned(),
///     timestamp: SystemTime::now(),
///     headers: Default::default(),
///     body: r#"{"type":"invoice.paid"}"#.into(),
///     trace: None,
/// };
/// let event: hookforge::serde_json::Value = webhook.json()?;
/// assert_eq!(event["type"], "invoice.paid");
/// # Ok::<(), hookforge::serde_json::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct VerifiedWebhook {
    /// The `webhook-id`, the same on every retry of one message.
    pub id: String,
    /// The `webhook-timestamp`: when the sender made this attempt.
    pub timestamp: SystemTime,
    /// All request headers.
    pub headers: HeaderMap,
    /// The body exactly as signed and received.
    pub body: Bytes,
    /// The sender's W3C trace context, when the request carried a valid
    /// `traceparent`. It is not covered by the signature.
    pub trace: Option<TraceContext>,
}

impl VerifiedWebhook {
    /// Parses the body as JSON into `T`.
    ///
    /// # Errors
    ///
    /// The [`serde_json::Error`] when the body is not valid JSON for `T`.
    pub fn json<'a, T: serde::Deserialize<'a>>(&'a self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }
}
