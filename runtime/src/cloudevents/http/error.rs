//! Errors from encoding events to HTTP and decoding them back.

use super::name::ExtensionNameError;

/// The reason [`to_structured`](super::to_structured) or
/// [`to_binary`](super::to_binary) could not encode an event.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EncodeError {
    /// The event uses a specification version other than 1.0.
    #[error("specversion {version:?} is not supported; build the event with EventBuilderV10")]
    UnsupportedSpecVersion {
        /// The event's `specversion`.
        version: String,
    },
    /// A context attribute that must be non-empty when present is empty.
    #[error("the {name} attribute is empty; CloudEvents requires a non-empty value")]
    EmptyAttribute {
        /// The attribute name, such as `id`.
        name: &'static str,
    },
    /// An extension attribute has a name CloudEvents does not allow.
    #[error("invalid extension attribute name: {0}")]
    InvalidExtensionName(#[from] ExtensionNameError),
    /// The data is a string, the `datacontenttype` declares JSON, and the
    /// string is not a JSON document, so structured mode cannot embed it.
    #[error(
        "the data is a string that is not valid JSON, but datacontenttype {content_type:?} \
         declares JSON: {source}"
    )]
    InvalidJsonData {
        /// The event's `datacontenttype`.
        content_type: String,
        /// The JSON parse error.
        source: serde_json::Error,
    },
    /// A value cannot be sent as an HTTP header, such as a
    /// `datacontenttype` with non-ASCII characters in binary mode.
    #[error("header {header} cannot carry {value:?}: {reason}")]
    InvalidHeaderValue {
        /// The header name.
        header: String,
        /// The value as given.
        value: String,
        /// The reason it is invalid.
        reason: String,
    },
    /// Serializing the event's JSON failed.
    #[error("failed to serialize the event as JSON: {0}")]
    Json(#[source] serde_json::Error),
}

/// The reason [`from_http`](super::from_http) or
/// [`from_http_batch`](super::from_http_batch) could not decode a request.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The request is neither in structured mode nor carries a
    /// `ce-specversion` header for binary mode.
    #[error(
        "not a CloudEvent: Content-Type is {content_type:?} and the ce-specversion header \
         is missing"
    )]
    NotACloudEvent {
        /// The request's `Content-Type`, when it has one.
        content_type: Option<String>,
    },
    /// The request is a batch (`application/cloudevents-batch+json`).
    #[error("the request is a batch of CloudEvents; decode it with from_http_batch")]
    UnexpectedBatch,
    /// [`from_http_batch`](super::from_http_batch) received a request that is
    /// not a batch.
    #[error("not a CloudEvents batch: Content-Type is {content_type:?}, expected application/cloudevents-batch+json")]
    NotABatch {
        /// The request's `Content-Type`, when it has one.
        content_type: Option<String>,
    },
    /// The structured-mode format is not JSON, such as
    /// `application/cloudevents+xml`.
    #[error("structured CloudEvents format {media_type:?} is not supported; only JSON is")]
    UnsupportedFormat {
        /// The media type, lowercased.
        media_type: String,
    },
    /// The body of a structured-mode request is not valid JSON.
    #[error("the body is not valid JSON: {0}")]
    InvalidJson(#[source] serde_json::Error),
    /// The JSON body has the wrong shape: not an object for one event, or
    /// not an array for a batch.
    #[error("the JSON body is {found}, expected {expected}")]
    UnexpectedJson {
        /// The expected JSON type.
        expected: &'static str,
        /// The JSON type found.
        found: &'static str,
    },
    /// A required context attribute is absent.
    #[error("the required attribute {name} is missing")]
    MissingAttribute {
        /// The attribute name.
        name: &'static str,
    },
    /// An attribute or member has the wrong JSON type.
    #[error("the attribute {name} is a JSON {found}, expected {expected}")]
    InvalidAttributeType {
        /// The attribute or member name.
        name: String,
        /// The expected JSON type.
        expected: &'static str,
        /// The JSON type found.
        found: &'static str,
    },
    /// An attribute has a value CloudEvents does not allow.
    #[error("the attribute {name} is invalid: {reason}")]
    InvalidAttribute {
        /// The attribute name.
        name: String,
        /// The reason it is invalid.
        reason: String,
    },
    /// The `specversion` is not `1.0`.
    #[error("specversion {version:?} is not supported; only 1.0 is")]
    UnsupportedSpecVersion {
        /// The `specversion` received.
        version: String,
    },
    /// A structured event has both `data` and `data_base64`.
    #[error("the event has both data and data_base64; an event carries at most one of them")]
    DataAndDataBase64,
    /// `data_base64` is not valid base64.
    #[error("data_base64 is not valid base64: {reason}")]
    InvalidDataBase64 {
        /// The decoder's message.
        reason: String,
    },
    /// An extension attribute name is not allowed.
    #[error("invalid extension attribute name: {0}")]
    InvalidExtensionName(#[from] ExtensionNameError),
    /// A `ce-` header cannot be read: not visible ASCII, a broken
    /// percent-encoding, invalid UTF-8 after decoding, or repeated.
    #[error("header {name} is invalid: {reason}")]
    InvalidHeader {
        /// The header name.
        name: String,
        /// The reason it is invalid.
        reason: String,
    },
    /// One event of a batch failed to decode.
    #[error("event {index} of the batch is invalid: {source}")]
    BatchElement {
        /// The event's position in the batch, from 0.
        index: usize,
        /// The event's decoding error.
        source: Box<DecodeError>,
    },
    /// The CloudEvents `id` differs from the signed `webhook-id`.
    #[error(
        "the CloudEvents id {event_id:?} differs from the webhook-id {webhook_id:?}; the \
         sender must use the event id as the webhook-id"
    )]
    WebhookIdMismatch {
        /// The CloudEvents `id`.
        event_id: String,
        /// The verified `webhook-id`.
        webhook_id: String,
    },
}

/// Returns the JSON type name of `value`, for error messages.
pub(super) fn json_type(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "boolean",
        serde_json::Value::Number(_) => "number",
        serde_json::Value::String(_) => "string",
        serde_json::Value::Array(_) => "array",
        serde_json::Value::Object(_) => "object",
    }
}
