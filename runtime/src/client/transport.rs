//! One HTTP attempt of a stored delivery.

use std::time::{Duration, Instant, SystemTime};

use http::header::{HeaderMap, HeaderName, HeaderValue};

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
            drain_response(response).await;
            AttemptReport {
                outcome: AttemptOutcome::Response(status),
                retry_after,
                latency,
                detail: format!("HTTP {status}"),
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
            }
        }
    }
}

/// The most response-body bytes read after an attempt. The content is not
/// used; reading a short body to its end lets the connection go back to
/// the pool, and a longer one is dropped with its connection instead of
/// being buffered.
const MAX_DRAINED_BYTES: usize = 64 * 1024;

/// Reads and discards up to [`MAX_DRAINED_BYTES`] of the response body.
/// A failure to read does not change the outcome that the status decided.
async fn drain_response(mut response: reqwest::Response) {
    let mut drained = 0usize;
    while drained <= MAX_DRAINED_BYTES {
        match response.chunk().await {
            Ok(Some(chunk)) => drained += chunk.len(),
            Ok(None) | Err(_) => return,
        }
    }
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
