//! Signed requests whose response the caller reads: request/reply.
//!
//! [`WebhookSender::send`](super::WebhookSender::send) hands a webhook to
//! the outbox and returns before any attempt, so the endpoint's response is
//! lost to the caller. A request/reply operation needs that response, so
//! [`RequestSender::request`] posts directly: it signs the webhook with the
//! same Standard Webhooks headers, makes one attempt, retries the failures
//! that [`classify`] calls retryable up to
//! [`max_attempts`](RequestSender::with_max_attempts) times with the
//! delays of the [`RetryPolicy`](crate::retry::RetryPolicy), and returns the
//! first 2xx response. Nothing is stored: a request that fails is the
//! caller's to handle.
//!
//! # Example
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use hookforge::client::request::RequestSender;
//! use hookforge::client::{SenderConfig, Webhook};
//! use hookforge::signing::Signer;
//!
//! let signer = Signer::new(vec!["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".parse()?]);
//! let requester = RequestSender::new(signer, SenderConfig::default())?;
//! let webhook = Webhook::json("https://example.com/quotes", "quote.requested", &serde_json::json!({"sku": "A1"}))?;
//! let response = requester.request(webhook).await?;
//! println!("{} {:?}", response.status(), response.body());
//! # Ok(())
//! # }
//! ```

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::header::{HeaderMap, HeaderName, HeaderValue};
use http::StatusCode;

use super::config::{ConfigError, SenderConfig};
use super::transport::error_chain;
use super::webhook::Webhook;
use crate::retry::{classify, AttemptOutcome, NextStep};
use crate::signing::{Signer, HEADER_ID, HEADER_SIGNATURE, HEADER_TIMESTAMP};

/// How many attempts [`RequestSender::request`] makes unless
/// [`RequestSender::with_max_attempts`] sets another: 3.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;

/// Sends signed webhooks and returns the endpoint's response.
///
/// Cloning is cheap and shares the HTTP connection pool. See the
/// [module documentation](self) for an example.
#[derive(Debug, Clone)]
pub struct RequestSender {
    signer: Signer,
    http: reqwest::Client,
    config: SenderConfig,
    max_attempts: u32,
}

/// Why [`RequestSender::request`] returned no 2xx response.
#[derive(Debug, thiserror::Error)]
pub enum RequestError {
    /// The webhook cannot be sent as given: the endpoint, a header, the id
    /// or the body size is invalid.
    #[error("invalid request: {0}")]
    Invalid(String),
    /// The last attempt got a response that is not 2xx.
    #[error("the endpoint answered {status} after {attempts} attempt(s)")]
    Status {
        /// The status of the last response.
        status: StatusCode,
        /// Its body, at most `max_payload_bytes` long.
        body: Bytes,
        /// Attempts made.
        attempts: u32,
    },
    /// The last attempt failed before a response: connection error or
    /// timeout.
    #[error("the request failed after {attempts} attempt(s): {detail}")]
    Transport {
        /// The error with its causes.
        detail: String,
        /// Attempts made.
        attempts: u32,
    },
    /// The 2xx response body is longer than `max_payload_bytes`.
    #[error("the response body exceeds the {limit}-byte limit")]
    ResponseTooLarge {
        /// The configured limit.
        limit: usize,
    },
}

impl RequestSender {
    /// Creates a request sender that signs with `signer`. It uses the
    /// timeouts, the user agent, the payload limit (for the request and the
    /// response body) and the retry delays of `config`.
    pub fn new(signer: Signer, config: SenderConfig) -> Result<Self, ConfigError> {
        config.check()?;
        let http = config.http_client()?;
        Ok(Self {
            signer,
            http,
            config,
            max_attempts: DEFAULT_MAX_ATTEMPTS,
        })
    }

    /// Sets how many attempts a request gets, at least 1.
    pub fn with_max_attempts(mut self, max_attempts: u32) -> Self {
        self.max_attempts = max_attempts.max(1);
        self
    }

    /// Posts `webhook`, signed, and returns the first 2xx response.
    ///
    /// Every attempt is signed afresh with the same `webhook-id` (the given
    /// one, or `msg_` and a UUID v7), so a receiver deduplicates the
    /// retries and replays its stored reply. Retryable failures
    /// (connection errors, timeouts, 408, 429, 5xx) are retried after the
    /// retry policy's delay, or the endpoint's `Retry-After`, until
    /// `max_attempts`.
    ///
    /// # Errors
    ///
    /// [`RequestError`]: an invalid webhook before any attempt, or the
    /// outcome of the last attempt.
    pub async fn request(&self, webhook: Webhook) -> Result<http::Response<Bytes>, RequestError> {
        let prepared = self.prepare(webhook)?;
        let first_attempt_at = SystemTime::now();
        let mut attempts = 0;
        loop {
            attempts += 1;
            let (outcome, retry_after, failure) = match self.attempt(&prepared).await {
                Attempt::Success(response) => return Ok(response),
                Attempt::TooLarge => {
                    return Err(RequestError::ResponseTooLarge {
                        limit: self.config.max_payload_bytes,
                    })
                }
                Attempt::Failed {
                    outcome,
                    retry_after,
                    failure,
                } => (outcome, retry_after, failure),
            };
            let now = SystemTime::now();
            let step = self.config.retry.next_attempt(
                attempts,
                first_attempt_at,
                now,
                classify(&outcome),
                retry_after,
                &mut fastrand::f64,
            );
            let wait = match step {
                NextStep::RetryAt(at) if attempts < self.max_attempts => {
                    at.duration_since(now).unwrap_or(Duration::ZERO)
                }
                _ => return Err(failure.into_error(attempts)),
            };
            tracing::info!(webhook_id = %prepared.webhook_id, attempt = attempts, ?wait, "request failed; retrying");
            tokio::time::sleep(wait).await;
        }
    }

    fn prepare(&self, webhook: Webhook) -> Result<Prepared, RequestError> {
        let limit = self.config.max_payload_bytes;
        if webhook.body.len() > limit {
            return Err(RequestError::Invalid(format!(
                "payload of {} bytes exceeds the {limit}-byte limit",
                webhook.body.len()
            )));
        }
        let url = reqwest::Url::parse(&webhook.endpoint).map_err(|error| {
            RequestError::Invalid(format!("endpoint is not a valid URL: {error}"))
        })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(RequestError::Invalid(
                "the endpoint scheme must be http or https".to_owned(),
            ));
        }
        let mut headers = HeaderMap::with_capacity(webhook.headers.len() + 3);
        for (name, value) in &webhook.headers {
            let parsed = HeaderName::from_bytes(name.as_bytes()).map_err(|error| {
                RequestError::Invalid(format!("header {name:?} is invalid: {error}"))
            })?;
            if [HEADER_ID, HEADER_TIMESTAMP, HEADER_SIGNATURE].contains(&parsed.as_str()) {
                return Err(RequestError::Invalid(format!(
                    "header {name:?} is set by the sender; remove it from the webhook"
                )));
            }
            let value = HeaderValue::from_str(value).map_err(|error| {
                RequestError::Invalid(format!("value of header {name:?} is invalid: {error}"))
            })?;
            headers.append(parsed, value);
        }
        let webhook_id = match webhook.webhook_id {
            Some(id) if id.is_empty() || !id.bytes().all(|byte| byte.is_ascii_graphic()) => {
                return Err(RequestError::Invalid(format!(
                    "webhook id {id:?} must be non-empty visible ASCII without spaces"
                )))
            }
            Some(id) => id,
            None => format!("msg_{}", uuid::Uuid::now_v7().simple()),
        };
        Ok(Prepared {
            url,
            webhook_id,
            headers,
            body: Bytes::from(webhook.body),
        })
    }

    async fn attempt(&self, prepared: &Prepared) -> Attempt {
        let mut headers = prepared.headers.clone();
        let signed = self
            .signer
            .sign_at(&prepared.webhook_id, &prepared.body, SystemTime::now());
        if let Err(error) = signed.insert_into(&mut headers) {
            return Attempt::Failed {
                outcome: AttemptOutcome::InvalidRequest,
                retry_after: None,
                failure: Failure::Transport(format!("signature headers are invalid: {error}")),
            };
        }
        let result = self
            .http
            .post(prepared.url.clone())
            .headers(headers)
            .body(prepared.body.clone())
            .send()
            .await;
        let response = match result {
            Ok(response) => response,
            Err(error) => {
                let outcome = if error.is_timeout() {
                    AttemptOutcome::TimedOut
                } else if error.is_builder() {
                    AttemptOutcome::InvalidRequest
                } else {
                    AttemptOutcome::ConnectionFailed
                };
                return Attempt::Failed {
                    outcome,
                    retry_after: None,
                    failure: Failure::Transport(error_chain(&error)),
                };
            }
        };
        let status = response.status();
        let retry_after = response
            .headers()
            .get(http::header::RETRY_AFTER)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| crate::retry::parse_retry_after(value, SystemTime::now()));
        let response_headers = response.headers().clone();
        let body = match read_limited(response, self.config.max_payload_bytes).await {
            Ok(Some(body)) => body,
            Ok(None) if status.is_success() => return Attempt::TooLarge,
            Ok(None) => Bytes::new(),
            Err(error) => {
                return Attempt::Failed {
                    outcome: AttemptOutcome::ConnectionFailed,
                    retry_after: None,
                    failure: Failure::Transport(error_chain(&error)),
                }
            }
        };
        if status.is_success() {
            let mut reply = http::Response::new(body);
            *reply.status_mut() = status;
            *reply.headers_mut() = response_headers;
            return Attempt::Success(reply);
        }
        Attempt::Failed {
            outcome: AttemptOutcome::Response(status),
            retry_after,
            failure: Failure::Status(status, body),
        }
    }
}

/// A checked webhook, ready to sign.
struct Prepared {
    url: reqwest::Url,
    webhook_id: String,
    headers: HeaderMap,
    body: Bytes,
}

enum Attempt {
    Success(http::Response<Bytes>),
    TooLarge,
    Failed {
        outcome: AttemptOutcome,
        retry_after: Option<Duration>,
        failure: Failure,
    },
}

enum Failure {
    Status(StatusCode, Bytes),
    Transport(String),
}

impl Failure {
    fn into_error(self, attempts: u32) -> RequestError {
        match self {
            Failure::Status(status, body) => RequestError::Status {
                status,
                body,
                attempts,
            },
            Failure::Transport(detail) => RequestError::Transport { detail, attempts },
        }
    }
}

/// Reads the body up to `limit` bytes. Returns `None` when it is longer.
async fn read_limited(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<Option<Bytes>, reqwest::Error> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > limit {
            return Ok(None);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Some(Bytes::from(body)))
}
