//! Reading a request body with a size limit.

use axum::body::Body;
use axum::http::header::CONTENT_LENGTH;
use axum::http::HeaderMap;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, LengthLimitError, Limited};

/// The reason a body was not read.
#[derive(Debug)]
pub(super) enum BodyError {
    /// The declared or received length is over the limit.
    TooLarge,
    /// The body did not arrive within the time limit.
    TimedOut,
    /// The body stream failed, usually because the connection broke.
    Unreadable(axum::BoxError),
}

/// Reads `body` whole when it has at most `max_bytes` bytes and arrives
/// within `timeout`.
///
/// A `Content-Length` over the limit fails before any byte is read.
/// Otherwise reading stops at the first chunk that crosses the limit.
pub(super) async fn read_limited(
    headers: &HeaderMap,
    body: Body,
    max_bytes: usize,
    timeout: Duration,
) -> Result<Bytes, BodyError> {
    if declared_length(headers).is_some_and(|length| length > max_bytes as u64) {
        return Err(BodyError::TooLarge);
    }
    let collect = Limited::new(body, max_bytes).collect();
    match tokio::time::timeout(timeout, collect).await {
        Err(_elapsed) => Err(BodyError::TimedOut),
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
        Ok(Err(error)) if error.is::<LengthLimitError>() => Err(BodyError::TooLarge),
        Ok(Err(error)) => Err(BodyError::Unreadable(error)),
    }
}

/// Returns the `Content-Length`, when present and a valid number. An invalid
/// value is ignored here because the limit on bytes read still applies.
fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers.get(CONTENT_LENGTH)?.to_str().ok()?.parse().ok()
}
