//! One HTTP attempt of a stored delivery.

use std::time::{Duration, Instant, SystemTime};

use http::header::{HeaderMap, HeaderName, HeaderValue};

use super::excerpt::{body_excerpt, MAX_EXCERPT_BYTES, RESPONSE_BODY_LABEL};
use crate::outbox::Delivery;
use crate::retry::{parse_retry_after, AttemptOutcome};
use crate::signing::Signer;

/// The result of one attempt.
#[derive(Debug)]
pub(crate) struct AttemptReport {
    /// The outcome for [`crate::retry::classify`].
    pub outcome: AttemptOutcome,
    /// The endpoint's `Retry-After`, already converted to a delay.
    pub retry_after: Option<Duration>,
    /// From sending the request to receiving the response headers, or to
    /// the failure.
    pub latency: Duration,
    /// A one-line description for logs and the dead-letter queue.
    pub detail: String,
    /// The start of the response body of a non-2xx answer, one line with
    /// control characters escaped; `None` for 2xx, an empty body or no
    /// response.
    pub response_body: Option<String>,
}

impl AttemptReport {
    /// Formats the error stored with a failed attempt: the detail, then
    /// `reason` (why the sender gives up) when there is one, then the
    /// response-body excerpt behind [`RESPONSE_BODY_LABEL`].
    pub(crate) fn failure_text(&self, reason: Option<&dyn std::fmt::Display>) -> String {
        let mut text = self.detail.clone();
        if let Some(reason) = reason {
            text.push_str("; ");
            text.push_str(&reason.to_string());
        }
        if let Some(body) = &self.response_body {
            text.push_str(RESPONSE_BODY_LABEL);
            text.push_str(body);
        }
        text
    }
}

/// Builds the request headers of one attempt: the stored headers, then a
/// fresh signature for `now`, then `traceparent`.
pub(crate) fn attempt_headers(
    delivery: &Delivery,
    signer: &Signer,
    traceparent: &str,
    now: SystemTime,
) -> Result<HeaderMap, String> {
    let message = &delivery.message;
    let mut headers = HeaderMap::with_capacity(message.headers.len() + 4);
    for (name, value) in &message.headers {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|error| format!("stored header name {name:?} is invalid: {error}"))?;
        let value = HeaderValue::from_str(value)
            .map_err(|error| format!("stored value of header {name} is invalid: {error}"))?;
        headers.append(name, value);
    }
    let signed = signer.sign_at(&message.webhook_id, &message.body, now);
    signed
        .insert_into(&mut headers)
        .map_err(|error| format!("signature headers are invalid: {error}"))?;
    let traceparent = HeaderValue::from_str(traceparent)
        .map_err(|error| format!("traceparent is invalid: {error}"))?;
    headers.insert(crate::trace::TRACEPARENT, traceparent);
    Ok(headers)
}

/// Posts `body` with `headers` to `endpoint` and reports the outcome.
pub(crate) async fn post(
    client: &reqwest::Client,
    endpoint: &str,
    headers: HeaderMap,
    body: Vec<u8>,
) -> AttemptReport {
    let started = Instant::now();
    let result = client
        .post(endpoint)
        .headers(headers)
        .body(body)
        .send()
        .await;
    let latency = started.elapsed();
    match result {
        Ok(response) => {
            let status = response.status();
            let retry_after = response
                .headers()
                .get(http::header::RETRY_AFTER)
                .and_then(|value| value.to_str().ok())
                .and_then(|value| parse_retry_after(value, SystemTime::now()));
            let keep = if status.is_success() {
                0
            } else {
                MAX_EXCERPT_BYTES
            };
            let (head, truncated) = drain_response(response, keep).await;
            AttemptReport {
                outcome: AttemptOutcome::Response(status),
                retry_after,
                latency,
                detail: format!("HTTP {status}"),
                response_body: body_excerpt(&head, truncated),
            }
        }
        Err(error) => {
            let outcome = if error.is_timeout() {
                AttemptOutcome::TimedOut
            } else if error.is_builder() {
                AttemptOutcome::InvalidRequest
            } else {
                AttemptOutcome::ConnectionFailed
            };
            AttemptReport {
                outcome,
                retry_after: None,
                latency,
                detail: error_chain(&error),
                response_body: None,
            }
        }
    }
}

/// The maximum number of response-body bytes read after an attempt. Reading a short
/// body to its end lets the connection go back to the pool, and a longer
/// one is dropped with its connection instead of being buffered.
const MAX_DRAINED_BYTES: usize = 64 * 1024;

/// Reads up to [`MAX_DRAINED_BYTES`] of the response body and returns its
/// first `keep` bytes, with whether the body had more than those. A failure
/// to read ends the body early and does not change the outcome that the
/// status decided.
async fn drain_response(mut response: reqwest::Response, keep: usize) -> (Vec<u8>, bool) {
    let mut head = Vec::new();
    let mut truncated = false;
    let mut drained = 0usize;
    while drained <= MAX_DRAINED_BYTES {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                drained += chunk.len();
                let room = keep.saturating_sub(head.len());
                head.extend_from_slice(&chunk[..chunk.len().min(room)]);
                truncated |= chunk.len() > room;
            }
            Ok(None) | Err(_) => return (head, truncated),
        }
    }
    // The body is longer than the drained bytes, so the kept head is cut.
    (head, truncated || keep > 0)
}

/// Formats an error with its sources, because reqwest's top-level message
/// alone ("error sending request") hides the cause.
pub(crate) fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
