//! The receiving half of generated routers: decoding, calling the handler
//! and mapping its result to a response.

use std::future::Future;

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::headers::{read_headers, HeaderError};
use super::message::Message;
use crate::idempotency::IdempotencyStore;
use crate::server::{receive, VerifiedWebhook, WebhookReceiver};
use crate::validation::{PayloadError, PayloadSchema, ValidationIssue};

/// Why a handler did not handle a message.
///
/// | variant | status | sender |
/// |---------|--------|--------|
/// | [`Failed`](HandlerError::Failed) | 500 Internal Server Error | retries |
/// | [`Unavailable`](HandlerError::Unavailable) | 503 Service Unavailable | retries |
/// | [`Reject`](HandlerError::Reject) | 422 Unprocessable Entity, with the reason as JSON | gives up (dead-letter queue) |
///
/// ```
/// use hookforge::api::HandlerError;
///
/// let error = HandlerError::reject("unknown customer");
/// assert_eq!(error.status(), hookforge::api::axum::http::StatusCode::UNPROCESSABLE_ENTITY);
/// ```
#[derive(Debug, thiserror::Error)]
pub enum HandlerError {
    /// Handling failed in a way a retry may fix (a database error, say).
    #[error("handler failed: {0}")]
    Failed(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// A dependency is down; the sender should retry later.
    #[error("handler unavailable: {0}")]
    Unavailable(String),
    /// The message is valid but will never be accepted; retrying is
    /// useless.
    #[error("message rejected: {0}")]
    Reject(String),
}

impl HandlerError {
    /// Creates a [`HandlerError::Failed`] from any error.
    pub fn failed(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self::Failed(error.into())
    }

    /// Creates a [`HandlerError::Reject`] with a reason sent to the sender.
    pub fn reject(reason: impl Into<String>) -> Self {
        Self::Reject(reason.into())
    }

    /// Returns the status the router answers with.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Failed(_) => StatusCode::INTERNAL_SERVER_ERROR,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Reject(_) => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }
}

impl IntoResponse for HandlerError {
    fn into_response(self) -> Response {
        match self {
            // The cause stays in the log: it may name internals.
            Self::Failed(error) => {
                tracing::error!(%error, "a webhook handler failed");
                StatusCode::INTERNAL_SERVER_ERROR.into_response()
            }
            Self::Unavailable(reason) => {
                tracing::warn!(%reason, "a webhook handler is unavailable");
                StatusCode::SERVICE_UNAVAILABLE.into_response()
            }
            Self::Reject(reason) => {
                let body = serde_json::json!({ "error": reason });
                json_response(StatusCode::UNPROCESSABLE_ENTITY, &body)
            }
        }
    }
}

/// Why a received webhook does not decode into the operation's message.
///
/// A payload that fails its JSON Schema or does not decode answers 400 Bad
/// Request with a JSON body `{"error": "...", "details": [...], "errors":
/// [...]}`. `errors` lists the schema violations, each once, in the shape
/// of [`ValidationIssue`](crate::validation::ValidationIssue). For an
/// operation with several messages, `messages` has one entry per
/// candidate message, `{"message": "<name>", "error": "...", "errors":
/// [...]}`, with that message's own violations, and `details` one line per
/// candidate. A schema that does not compile is the generator's fault, so
/// the router responds 500 and the sender retries.
///
/// Its `Display` is the message followed by up to five violations, for
/// logs; the 400 body carries them all.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}", self.summary())]
pub struct DecodeError {
    /// What failed.
    pub message: String,
    /// One entry per candidate message that failed.
    pub details: Vec<String>,
    /// The schema violations, when the payload failed its JSON Schema,
    /// without repeats.
    pub errors: Vec<ValidationIssue>,
    /// The failure of each candidate message, for an operation with
    /// several messages; empty otherwise.
    pub messages: Vec<CandidateFailure>,
    /// Whether the schema itself failed to compile.
    pub schema_failed: bool,
}

/// The reason one candidate message of an operation did not decode, as listed in
/// the `messages` array of a 400 body.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CandidateFailure {
    /// The message's name in the document.
    pub message: String,
    /// The failure of this message.
    pub error: String,
    /// This message's schema violations, without repeats.
    pub errors: Vec<ValidationIssue>,
}

impl DecodeError {
    /// The number of violations that `Display` lists.
    const SHOWN_VIOLATIONS: usize = 5;

    /// Returns the message, then the first violations and how many more
    /// there are: one line for a log.
    fn summary(&self) -> String {
        let mut text = self.message.clone();
        for (index, issue) in self.errors.iter().take(Self::SHOWN_VIOLATIONS).enumerate() {
            text.push_str(if index == 0 { ": " } else { "; " });
            text.push_str(&issue.to_string());
        }
        let hidden = self.errors.len().saturating_sub(Self::SHOWN_VIOLATIONS);
        if hidden > 0 {
            text.push_str(&format!("; and {hidden} more"));
        }
        text
    }

    /// Creates an error without details.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            details: Vec::new(),
            errors: Vec::new(),
            messages: Vec::new(),
            schema_failed: false,
        }
    }

    /// Combines the errors of every candidate message of a route (the
    /// messages of one operation, or of several operations sharing the
    /// route), none of which decoded. Each candidate keeps its own schema violations in
    /// [`messages`](Self::messages); [`errors`](Self::errors) lists the
    /// violations of all candidates, each once.
    pub fn no_match(candidates: Vec<(&str, DecodeError)>) -> Self {
        let mut combined = Self::new("the webhook matches none of the messages its route accepts");
        for (name, error) in candidates {
            let mut text = format!("{name}: {}", error.message);
            for detail in &error.details {
                text.push_str("; ");
                text.push_str(detail);
            }
            combined.details.push(text);
            let mut own_errors = Vec::with_capacity(error.errors.len());
            for issue in error.errors {
                push_unique(&mut combined.errors, &issue);
                push_unique(&mut own_errors, &issue);
            }
            combined.messages.push(CandidateFailure {
                message: name.to_owned(),
                error: error.message,
                errors: own_errors,
            });
            combined.schema_failed |= error.schema_failed;
        }
        combined
    }
}

/// Appends `issue` unless `issues` already contains it. The lists hold at
/// most [`MAX_REPORTED_ERRORS`](crate::validation::MAX_REPORTED_ERRORS)
/// per candidate, so a linear search is enough.
fn push_unique(issues: &mut Vec<ValidationIssue>, issue: &ValidationIssue) {
    if !issues.contains(issue) {
        issues.push(issue.clone());
    }
}

impl IntoResponse for DecodeError {
    fn into_response(self) -> Response {
        if self.schema_failed {
            tracing::error!(error = %self, details = ?self.details, "a generated payload schema does not compile");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
        let mut body = serde_json::json!({
            "error": self.message,
            "details": self.details,
            "errors": self.errors,
        });
        if !self.messages.is_empty() {
            body["messages"] = serde_json::json!(self.messages);
        }
        json_response(StatusCode::BAD_REQUEST, &body)
    }
}

impl From<HeaderError> for DecodeError {
    fn from(error: HeaderError) -> Self {
        Self::new(error.to_string())
    }
}

fn json_response<T: Serialize + ?Sized>(status: StatusCode, value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(body) => {
            let mut response = (status, body).into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            response
        }
        Err(error) => {
            tracing::error!(%error, "failed to serialize a webhook response");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// Decodes the body as the JSON payload `P`.
///
/// # Errors
///
/// A [`DecodeError`] with serde's message.
pub fn decode_json<P: DeserializeOwned>(webhook: &VerifiedWebhook) -> Result<P, DecodeError> {
    decode_json_body(&webhook.body)
}

/// Validates the body against `schema` and then decodes it as the JSON
/// payload `P`.
///
/// # Errors
///
/// A [`DecodeError`] with the schema violations, or serde's message.
pub fn decode_validated<P: DeserializeOwned>(
    webhook: &VerifiedWebhook,
    schema: &PayloadSchema,
) -> Result<P, DecodeError> {
    decode_validated_body(&webhook.body, schema)
}

/// Decodes `body` as the JSON payload `P`, for any transport.
pub(super) fn decode_json_body<P: DeserializeOwned>(body: &[u8]) -> Result<P, DecodeError> {
    serde_json::from_slice(body)
        .map_err(|error| DecodeError::new(format!("invalid payload: {error}")))
}

/// Validates `body` against `schema` and decodes it as the JSON payload
/// `P`, for any transport.
pub(super) fn decode_validated_body<P: DeserializeOwned>(
    body: &[u8],
    schema: &PayloadSchema,
) -> Result<P, DecodeError> {
    let value: serde_json::Value = serde_json::from_slice(body)
        .map_err(|error| DecodeError::new(format!("invalid payload: {error}")))?;
    match schema.validate(&value) {
        Ok(()) => {}
        Err(PayloadError::Invalid(invalid)) => {
            let mut error = DecodeError::new("the payload does not match its schema");
            error.errors = invalid.errors;
            return Err(error);
        }
        Err(PayloadError::Schema(schema_error)) => {
            let mut error = DecodeError::new(schema_error.to_string());
            error.schema_failed = true;
            return Err(error);
        }
    }
    serde_json::from_value(value)
        .map_err(|error| DecodeError::new(format!("invalid payload: {error}")))
}

/// Validates the body against `schema`, when there is one, and decodes it
/// as the JSON payload `P` with the headers listed in `header_names` as
/// `H`.
///
/// # Errors
///
/// A [`DecodeError`] with the schema violations, or serde's message.
pub fn decode_validated_message<P: DeserializeOwned, H: DeserializeOwned>(
    webhook: &VerifiedWebhook,
    schema: &PayloadSchema,
    header_names: &[&str],
) -> Result<Message<P, H>, DecodeError> {
    let payload = decode_validated(webhook, schema)?;
    let headers = read_headers(&webhook.headers, header_names)?;
    Ok(Message { payload, headers })
}

/// Decodes the body as the JSON payload `P` and the headers listed in
/// `header_names` as `H`.
///
/// # Errors
///
/// A [`DecodeError`] with serde's message.
pub fn decode_message<P: DeserializeOwned, H: DeserializeOwned>(
    webhook: &VerifiedWebhook,
    header_names: &[&str],
) -> Result<Message<P, H>, DecodeError> {
    let payload = decode_json(webhook)?;
    let headers = read_headers(&webhook.headers, header_names)?;
    Ok(Message { payload, headers })
}

/// The response to a handled message without a reply: 204 No Content.
pub fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}

/// The response carrying a reply message: 200 OK with the reply as JSON.
pub fn json_reply<R: Serialize + ?Sized>(reply: &R) -> Response {
    json_response(StatusCode::OK, reply)
}

/// The response to a path whose parameters do not parse: 404 Not Found,
/// as for an unknown path.
pub fn not_found() -> Response {
    StatusCode::NOT_FOUND.into_response()
}

/// Receives one request the way generated routers do: runs
/// [`receive`] (body limit, signature, idempotency), then `decode`, then
/// `handle`.
///
/// A decode error answers 400 and a handler error its
/// [`status`](HandlerError::status); neither is stored as the response to
/// the `webhook-id`, so a retry runs again. The handler's response is
/// stored and replayed to duplicates when it is 2xx.
pub async fn serve<S, T, D, F, Fut>(
    receiver: &WebhookReceiver<S>,
    request: Request,
    decode: D,
    handle: F,
) -> Response
where
    S: IdempotencyStore,
    T: Send + 'static,
    D: FnOnce(&VerifiedWebhook) -> Result<T, DecodeError> + Send + 'static,
    F: FnOnce(T, VerifiedWebhook) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Response, HandlerError>> + Send + 'static,
{
    receive(receiver, request, move |webhook: VerifiedWebhook| async move {
        let message = match decode(&webhook) {
            Ok(message) => message,
            Err(error) => {
                tracing::warn!(webhook_id = %webhook.id, %error, "rejected a webhook that does not decode");
                return error.into_response();
            }
        };
        match handle(message, webhook).await {
            Ok(response) => response,
            Err(error) => error.into_response(),
        }
    })
    .await
}
