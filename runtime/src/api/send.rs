//! The sending half of generated clients: messages to webhooks.

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::headers::{header_pairs, HeaderError};
use crate::client::request::{RequestError, RequestSender};
use crate::client::{Accepted, SendError, Webhook, WebhookSender};
use crate::outbox::OutboxStore;
use crate::signing::{HEADER_ID, HEADER_SIGNATURE, HEADER_TIMESTAMP};

/// Why a generated client method failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The payload did not serialize to JSON.
    #[error("failed to serialize the payload as JSON: {0}")]
    Encode(#[source] serde_json::Error),
    /// The message headers could not become HTTP headers.
    #[error(transparent)]
    Headers(#[from] HeaderError),
    /// The outbox rejected the webhook.
    #[error(transparent)]
    Send(#[from] SendError),
    /// A request/reply operation was called on a client built without a
    /// [`RequestSender`].
    #[error("this operation waits for a reply, so the client needs a RequestSender; add one with `with_requester`")]
    NoRequester,
    /// The request of a request/reply operation failed.
    #[error(transparent)]
    Request(#[from] RequestError),
    /// The reply body does not decode as the reply message.
    #[error("failed to decode the reply: {0}")]
    DecodeReply(#[source] serde_json::Error),
}

/// One message, encoded and ready to send to an endpoint.
///
/// ```
/// use hookforge::api::Outgoing;
///
/// let outgoing = Outgoing::json("orderCreated", "application/json", &serde_json::json!({"id": 1}))?
///     .with_headers(&serde_json::json!({"x-tenant": "t1"}))?;
/// let webhook = outgoing.into_webhook("https://example.com/orders".to_owned());
/// assert_eq!(webhook.event_type, "orderCreated");
/// assert_eq!(webhook.body, br#"{"id":1}"#);
/// # Ok::<(), hookforge::api::ClientError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    event_type: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Outgoing {
    /// Serializes `payload` as JSON, sent with `content_type`, for the event
    /// type `event_type` (the message name).
    ///
    /// # Errors
    ///
    /// [`ClientError::Encode`] when serialization fails.
    pub fn json<P: Serialize + ?Sized>(
        event_type: &str,
        content_type: &str,
        payload: &P,
    ) -> Result<Self, ClientError> {
        let body = serde_json::to_vec(payload).map_err(ClientError::Encode)?;
        Ok(Self {
            event_type: event_type.to_owned(),
            headers: vec![("content-type".to_owned(), content_type.to_owned())],
            body,
        })
    }

    /// Adds the typed message headers as HTTP headers.
    ///
    /// # Errors
    ///
    /// [`ClientError::Headers`] when they do not serialize to an object.
    pub fn with_headers<H: Serialize + ?Sized>(mut self, headers: &H) -> Result<Self, ClientError> {
        self.headers.extend(header_pairs(headers)?);
        Ok(self)
    }

    /// Builds the webhook to `endpoint`.
    ///
    /// Documents often declare the Standard Webhooks headers in a message's
    /// headers schema. The sender sets those itself at every attempt, so a
    /// `webhook-id` header becomes the webhook's id (when not empty), and
    /// `webhook-timestamp` and `webhook-signature` headers are dropped.
    pub fn into_webhook(self, endpoint: String) -> Webhook {
        let mut webhook_id = None;
        let mut headers = Vec::with_capacity(self.headers.len());
        for (name, value) in self.headers {
            if name.eq_ignore_ascii_case(HEADER_ID) {
                webhook_id = Some(value).filter(|id| !id.is_empty());
            } else if !name.eq_ignore_ascii_case(HEADER_TIMESTAMP)
                && !name.eq_ignore_ascii_case(HEADER_SIGNATURE)
            {
                headers.push((name, value));
            }
        }
        Webhook {
            endpoint,
            event_type: self.event_type,
            webhook_id,
            headers,
            body: self.body,
        }
    }
}

/// Creates a correlation id: a UUID v7 in its hyphenated form, so ids sort
/// by creation time.
///
/// ```
/// let id = hookforge::api::new_correlation_id();
/// assert_eq!(id.len(), 36);
/// assert_ne!(id, hookforge::api::new_correlation_id());
/// ```
pub fn new_correlation_id() -> String {
    uuid::Uuid::now_v7().hyphenated().to_string()
}

/// Stores `outgoing` for delivery to `endpoint` in `sender`'s outbox.
///
/// # Errors
///
/// [`ClientError::Send`] when the outbox rejects it.
pub async fn send<S: OutboxStore>(
    sender: &WebhookSender<S>,
    endpoint: String,
    outgoing: Outgoing,
) -> Result<Accepted, ClientError> {
    Ok(sender.send(outgoing.into_webhook(endpoint)).await?)
}

/// Sends `outgoing` to `endpoint` directly and decodes the 2xx response
/// body as JSON into the reply type `R`.
///
/// # Errors
///
/// [`ClientError::NoRequester`] without a requester,
/// [`ClientError::Request`] when no 2xx response arrives, and
/// [`ClientError::DecodeReply`] when its body is not a valid `R`.
pub async fn request<R: DeserializeOwned>(
    requester: Option<&RequestSender>,
    endpoint: String,
    outgoing: Outgoing,
) -> Result<R, ClientError> {
    let requester = requester.ok_or(ClientError::NoRequester)?;
    let response = requester.request(outgoing.into_webhook(endpoint)).await?;
    serde_json::from_slice(response.body()).map_err(ClientError::DecodeReply)
}

#[cfg(test)]
mod tests {
    use super::Outgoing;

    #[test]
    fn webhook_headers_go_to_the_sender() {
        let headers = serde_json::json!({
            "webhook-id": "msg_1",
            "webhook-timestamp": "0",
            "webhook-signature": "v1,placeholder",
            "x-tenant": "t1",
        });
        let webhook = Outgoing::json("orderCreated", "application/json", &serde_json::json!({}))
            .and_then(|outgoing| outgoing.with_headers(&headers))
            .expect("encodes")
            .into_webhook("https://example.com/orders".to_owned());
        assert_eq!(webhook.webhook_id.as_deref(), Some("msg_1"));
        let names: Vec<&str> = webhook
            .headers
            .iter()
            .map(|(name, _)| name.as_str())
            .collect();
        assert_eq!(names, ["content-type", "x-tenant"]);
    }

    #[test]
    fn empty_webhook_id_left_to_sender() {
        let headers = serde_json::json!({"webhook-id": ""});
        let webhook = Outgoing::json("orderCreated", "application/json", &serde_json::json!({}))
            .and_then(|outgoing| outgoing.with_headers(&headers))
            .expect("encodes")
            .into_webhook("https://example.com/orders".to_owned());
        assert_eq!(webhook.webhook_id, None);
    }
}
