//! What an application hands to [`WebhookSender::send`](super::WebhookSender::send).

use crate::outbox::{DeliveryId, StoreError};

/// One webhook to deliver to one endpoint.
///
/// The body is sent byte for byte; signatures are computed over these exact
/// bytes at each attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    /// The URL to post to, `http` or `https`.
    pub endpoint: String,
    /// The event type, used to filter the dead-letter queue.
    pub event_type: String,
    /// The `webhook-id`. When `None`, [`send`](super::WebhookSender::send)
    /// assigns `msg_` followed by a UUID v7. Give an id of your own to make
    /// a resend of the same event recognisable as a duplicate.
    pub webhook_id: Option<String>,
    /// Extra request headers, such as `content-type` or `traceparent`.
    pub headers: Vec<(String, String)>,
    /// The request body.
    pub body: Vec<u8>,
}

impl Webhook {
    /// Creates a webhook with a raw body and no headers.
    pub fn new(endpoint: impl Into<String>, event_type: impl Into<String>, body: Vec<u8>) -> Self {
        Self {
            endpoint: endpoint.into(),
            event_type: event_type.into(),
            webhook_id: None,
            headers: Vec::new(),
            body,
        }
    }

    /// Creates a webhook whose body is `payload` serialized as JSON, with
    /// `content-type: application/json`.
    pub fn json<T: serde::Serialize + ?Sized>(
        endpoint: impl Into<String>,
        event_type: impl Into<String>,
        payload: &T,
    ) -> Result<Self, serde_json::Error> {
        let body = serde_json::to_vec(payload)?;
        Ok(Self::new(endpoint, event_type, body).with_header("content-type", "application/json"))
    }

    /// Sets the `webhook-id`.
    pub fn with_id(mut self, webhook_id: impl Into<String>) -> Self {
        self.webhook_id = Some(webhook_id.into());
        self
    }

    /// Adds a request header.
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
}

#[cfg(feature = "cloudevents")]
impl Webhook {
    /// Creates a webhook carrying a CloudEvent in structured mode: the body
    /// is the event as JSON with `content-type: application/cloudevents+json`,
    /// so the signature covers every attribute. The `webhook-id` is the
    /// CloudEvents `id`, so a resend of the same event is recognisable as a
    /// duplicate, and the event type is the CloudEvents `type`.
    ///
    /// [`send`](super::WebhookSender::send) rejects the webhook when the
    /// event id is not visible ASCII without spaces, as it does any
    /// `webhook-id`.
    ///
    /// # Errors
    ///
    /// The [`EncodeError`](crate::cloudevents::http::EncodeError) from
    /// [`to_structured`](crate::cloudevents::http::to_structured).
    ///
    /// # Example
    ///
    /// ```
    /// use hookforge::client::Webhook;
    /// use hookforge::cloudevents::sdk::{EventBuilder, EventBuilderV10};
    ///
    /// let event = EventBuilderV10::new().id("evt_1").source("/billing").ty("invoice.paid").build()?;
    /// let webhook = Webhook::cloudevent("https://example.com/hooks", &event)?;
    /// assert_eq!(webhook.webhook_id.as_deref(), Some("evt_1"));
    /// assert_eq!(webhook.event_type, "invoice.paid");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn cloudevent(
        endpoint: impl Into<String>,
        event: &crate::cloudevents::Event,
    ) -> Result<Self, crate::cloudevents::http::EncodeError> {
        let encoded = crate::cloudevents::http::to_structured(event)?;
        Ok(Self::from_cloudevent(endpoint, event, encoded))
    }

    /// Creates a webhook carrying a CloudEvent in binary mode: `ce-`
    /// headers and the data as the body, with the same `webhook-id` and
    /// event type as [`Webhook::cloudevent`].
    ///
    /// The signature does not cover the `ce-` headers, so only the data and
    /// the id are protected; see
    /// [`to_binary`](crate::cloudevents::http::to_binary). Prefer
    /// [`Webhook::cloudevent`] unless the receiver requires binary mode.
    ///
    /// # Errors
    ///
    /// The [`EncodeError`](crate::cloudevents::http::EncodeError) from
    /// [`to_binary`](crate::cloudevents::http::to_binary).
    pub fn cloudevent_binary(
        endpoint: impl Into<String>,
        event: &crate::cloudevents::Event,
    ) -> Result<Self, crate::cloudevents::http::EncodeError> {
        let encoded = crate::cloudevents::http::to_binary(event)?;
        Ok(Self::from_cloudevent(endpoint, event, encoded))
    }

    fn from_cloudevent(
        endpoint: impl Into<String>,
        event: &crate::cloudevents::Event,
        (headers, body): (http::HeaderMap, Vec<u8>),
    ) -> Self {
        use cloudevents::AttributesReader as _;

        let mut webhook = Self::new(endpoint, event.ty(), body).with_id(event.id());
        for (name, value) in &headers {
            // The encoders emit only visible ASCII, so no value is skipped.
            if let Ok(value) = value.to_str() {
                webhook = webhook.with_header(name.as_str(), value);
            }
        }
        webhook
    }
}

/// A webhook the outbox has stored durably.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    /// The outbox row, for `hookforge dlq show`.
    pub id: DeliveryId,
    /// The `webhook-id` every attempt carries.
    pub webhook_id: String,
}

/// Why [`send`](super::WebhookSender::send) rejected a webhook. Nothing was
/// stored when it returns an error.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// The endpoint is not an absolute `http` or `https` URL.
    #[error("endpoint {endpoint:?} is not an absolute http or https URL: {reason}")]
    InvalidEndpoint {
        /// The endpoint as given.
        endpoint: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The body exceeds [`SenderConfig::max_payload_bytes`](super::SenderConfig::max_payload_bytes).
    #[error("payload of {size} bytes exceeds the {limit}-byte limit; raise max_payload_bytes or send less")]
    PayloadTooLarge {
        /// The body size.
        size: usize,
        /// The configured limit.
        limit: usize,
    },
    /// A header name or value cannot be sent over HTTP.
    #[error("header {name:?} is not a valid HTTP header: {reason}")]
    InvalidHeader {
        /// The header name as given.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A header the sender sets itself was given by the caller.
    #[error("header {0:?} is set by the sender; remove it from the webhook")]
    ReservedHeader(String),
    /// The webhook id is empty or contains characters outside visible ASCII.
    #[error("webhook id {0:?} must be non-empty visible ASCII without spaces")]
    InvalidWebhookId(String),
    /// The outbox could not store the webhook.
    #[error(transparent)]
    Store(#[from] StoreError),
}
