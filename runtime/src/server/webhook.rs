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

#[cfg(feature = "cloudevents")]
impl VerifiedWebhook {
    /// Decodes the request as a CloudEvent, in whichever mode its
    /// `Content-Type` selects, as [`from_http`](crate::cloudevents::http::from_http)
    /// does.
    ///
    /// The CloudEvents `id` must equal the `webhook-id`. The signature
    /// covers the `webhook-id`, and idempotency is keyed on it, while
    /// CloudEvents consumers deduplicate by the event `id`. If the two
    /// differed, a replay under a new `webhook-id` would pass the receiver's
    /// duplicate check, and in binary mode the unsigned `ce-id` header could
    /// be changed freely. Requiring equality makes the event id as trusted
    /// as the signature. An empty `id` field skips the check.
    ///
    /// # Errors
    ///
    /// The [`DecodeError`](crate::cloudevents::http::DecodeError) from
    /// decoding, or [`DecodeError::WebhookIdMismatch`](crate::cloudevents::http::DecodeError::WebhookIdMismatch).
    ///
    /// # Example
    ///
    /// ```
    /// use std::time::SystemTime;
    /// use hookforge::cloudevents::sdk::AttributesReader;
    /// use hookforge::server::VerifiedWebhook;
    ///
    /// let mut headers = axum::http::HeaderMap::new();
    /// headers.insert("content-type", "application/cloudevents+json".parse()?);
    /// let webhook = VerifiedWebhook {
    ///     id: "evt_1".to_owned(),
    ///     timestamp: SystemTime::now(),
    ///     headers,
    ///     body: r#"{"specversion":"1.0","id":"evt_1","source":"/billing","type":"invoice.paid"}"#.into(),
    ///     trace: None,
    /// };
    /// assert_eq!(webhook.cloudevent()?.ty(), "invoice.paid");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn cloudevent(
        &self,
    ) -> Result<crate::cloudevents::Event, crate::cloudevents::http::DecodeError> {
        use cloudevents::AttributesReader as _;

        let event = crate::cloudevents::http::from_http(&self.headers, &self.body)?;
        if !self.id.is_empty() && event.id() != self.id {
            return Err(crate::cloudevents::http::DecodeError::WebhookIdMismatch {
                event_id: event.id().to_owned(),
                webhook_id: self.id.clone(),
            });
        }
        Ok(event)
    }
}
