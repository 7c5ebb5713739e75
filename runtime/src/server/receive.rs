//! The receiving steps: read, verify, claim, handle, store.

use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::extract::Request;
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use tracing::Instrument;

use super::body::{read_limited, BodyError};
use super::{VerifiedWebhook, WebhookReceiver, HEADER_DUPLICATE};
use crate::idempotency::{Claim, IdempotencyStore, StoredResponse};
use crate::signing::{WebhookHeaders, HEADER_ID};
use crate::trace::{webhook_span, TraceContext};

/// The longest `webhook-id` quoted in a log line, in characters.
const MAX_LOGGED_ID_CHARS: usize = 100;

/// Receives one webhook request: reads and verifies it, deduplicates it by
/// `webhook-id` and runs `handler` for a new id.
///
/// The [module documentation](super) lists every status code it returns.
/// The handler's future runs on its own tokio task, so it must be `Send`
/// and `'static`. It finishes, and its response is stored, even when the
/// client disconnects first.
///
/// # Example
///
/// ```
/// use std::sync::Arc;
/// use axum::extract::Request;
/// use axum::http::StatusCode;
/// use axum::routing::post;
/// use axum::Router;
/// use hookforge::idempotency::memory::MemoryIdempotency;
/// use hookforge::server::{receive, VerifiedWebhook, WebhookReceiver};
/// use hookforge::signing::Verifier;
///
/// let verifier = Verifier::new(vec!["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".parse()?]);
/// let receiver = Arc::new(WebhookReceiver::new(verifier, MemoryIdempotency::new(100_000)));
///
/// let app: Router = Router::new().route(
///     "/webhooks",
///     post(move |request: Request| async move {
///         receive(&receiver, request, |webhook: VerifiedWebhook| async move {
///             println!("received {}", webhook.id);
///             StatusCode::NO_CONTENT
///         })
///         .await
///     }),
/// );
/// # let _ = app;
/// # Ok::<(), hookforge::signing::KeyError>(())
/// ```
pub async fn receive<S, H, F, R>(
    receiver: &WebhookReceiver<S>,
    request: Request,
    handler: H,
) -> Response
where
    S: IdempotencyStore,
    H: FnOnce(VerifiedWebhook) -> F,
    F: Future<Output = R> + Send + 'static,
    R: IntoResponse + 'static,
{
    let (parts, body) = request.into_parts();
    let limit = receiver.max_body_bytes;
    let body = match read_limited(&parts.headers, body, limit, receiver.body_timeout).await {
        Ok(body) => body,
        Err(BodyError::TooLarge) => return empty(StatusCode::PAYLOAD_TOO_LARGE),
        Err(BodyError::TimedOut) => {
            tracing::warn!(
                webhook_id = logged_id(&parts.headers),
                "timed out reading a webhook body"
            );
            return empty(StatusCode::REQUEST_TIMEOUT);
        }
        Err(BodyError::Unreadable(error)) => {
            tracing::warn!(webhook_id = logged_id(&parts.headers), %error, "failed to read a webhook body");
            return empty(StatusCode::BAD_REQUEST);
        }
    };

    let now = SystemTime::now();
    if let Err(error) = receiver
        .verifier
        .verify_header_map(&parts.headers, &body, now)
    {
        tracing::warn!(webhook_id = logged_id(&parts.headers), %error, "rejected a webhook that failed verification");
        return empty(StatusCode::UNAUTHORIZED);
    }
    let Some(webhook) = verified_webhook(parts.headers, body) else {
        // Unreachable while verification checks what `verified_webhook` reads.
        tracing::warn!("rejected a verified webhook whose headers could not be read again");
        return empty(StatusCode::UNAUTHORIZED);
    };

    let id = webhook.id.clone();
    match receiver.store.claim(&id, receiver.lease, now).await {
        Ok(Claim::New) => {}
        Ok(Claim::Done(stored)) => {
            tracing::debug!(webhook_id = %id, status = stored.status, "replayed the stored response to a duplicate webhook");
            return replay(&id, stored);
        }
        Ok(Claim::InProgress) => {
            tracing::debug!(webhook_id = %id, "a duplicate webhook arrived while the first is being handled");
            return retry_soon(StatusCode::TOO_MANY_REQUESTS);
        }
        Err(error) => {
            tracing::error!(webhook_id = %id, %error, "failed to claim a webhook id");
            return retry_soon(StatusCode::SERVICE_UNAVAILABLE);
        }
    }

    let claimed = Claimed {
        store: Arc::clone(&receiver.store),
        id,
        ttl: receiver.ttl,
    };
    let span = webhook.trace.as_ref().map(|trace| {
        let span = webhook_span(&trace.parent);
        #[cfg(feature = "otel")]
        crate::trace::otel::set_parent(&span, &trace.parent);
        span
    });
    // A handler that panics before returning its future gets the same
    // treatment as one whose future panics: the claim is released.
    let future = match panic::catch_unwind(AssertUnwindSafe(|| handler(webhook))) {
        Ok(future) => future,
        Err(_) => {
            tracing::error!(webhook_id = %claimed.id, "the webhook handler panicked; releasing the claim");
            claimed.release().await;
            return empty(StatusCode::INTERNAL_SERVER_ERROR);
        }
    };
    // The task keeps running when this request future is dropped, so the
    // claim is completed or released even after the client disconnects.
    match tokio::spawn(claimed.run(future, span)).await {
        Ok(response) => response,
        Err(error) => {
            tracing::error!(%error, "the webhook handling task failed");
            empty(StatusCode::INTERNAL_SERVER_ERROR)
        }
    }
}

/// A claimed webhook id, completed or released once the handler finishes.
struct Claimed<S> {
    store: Arc<S>,
    id: String,
    ttl: Duration,
}

impl<S: IdempotencyStore> Claimed<S> {
    /// Runs the handler's future and records its outcome in the store.
    async fn run<F, R>(self, future: F, span: Option<tracing::Span>) -> Response
    where
        F: Future<Output = R> + Send + 'static,
        R: IntoResponse + 'static,
    {
        let respond = async move { future.await.into_response() };
        // A task of its own turns a panic of the handler into a `JoinError`.
        let handled = match span {
            Some(span) => tokio::spawn(respond.instrument(span)).await,
            None => tokio::spawn(respond).await,
        };
        let response = match handled {
            Ok(response) => response,
            Err(error) => {
                tracing::error!(webhook_id = %self.id, %error, "the webhook handler panicked; releasing the claim");
                self.release().await;
                return empty(StatusCode::INTERNAL_SERVER_ERROR);
            }
        };
        if !response.status().is_success() {
            tracing::debug!(webhook_id = %self.id, status = response.status().as_u16(), "the webhook handler failed; releasing the claim");
            self.release().await;
            return response;
        }

        let (parts, body) = response.into_parts();
        let body = match axum::body::to_bytes(body, usize::MAX).await {
            Ok(body) => body,
            Err(error) => {
                tracing::error!(webhook_id = %self.id, %error, "failed to read the webhook handler's response body; releasing the claim");
                self.release().await;
                return empty(StatusCode::INTERNAL_SERVER_ERROR);
            }
        };
        self.complete(parts.status, &body).await;
        Response::from_parts(parts, Body::from(body))
    }

    async fn complete(&self, status: StatusCode, body: &Bytes) {
        let stored = StoredResponse {
            status: status.as_u16(),
            body: body.to_vec(),
        };
        // A failure leaves the claim in progress until its lease runs out;
        // a retry after that runs the handler again.
        if let Err(error) = self
            .store
            .complete(&self.id, stored, self.ttl, SystemTime::now())
            .await
        {
            tracing::warn!(webhook_id = %self.id, %error, "failed to store a webhook response; a retry may run the handler again");
        }
    }

    async fn release(&self) {
        // A failure leaves the claim in progress until its lease runs out,
        // and retries get 429 Too Many Requests until then.
        if let Err(error) = self.store.release(&self.id).await {
            tracing::warn!(webhook_id = %self.id, %error, "failed to release a webhook claim");
        }
    }
}

/// Builds the handler's input from headers that passed verification.
fn verified_webhook(headers: axum::http::HeaderMap, body: Bytes) -> Option<VerifiedWebhook> {
    let read = WebhookHeaders::from_header_map(&headers).ok()?;
    let seconds: i64 = read.timestamp.parse().ok()?;
    let offset = Duration::from_secs(seconds.unsigned_abs());
    let timestamp = if seconds >= 0 {
        UNIX_EPOCH.checked_add(offset)?
    } else {
        UNIX_EPOCH.checked_sub(offset)?
    };
    let id = read.id.to_owned();
    let trace = TraceContext::extract(&headers);
    Some(VerifiedWebhook {
        id,
        timestamp,
        headers,
        body,
        trace,
    })
}

/// Builds the response to a duplicate from the stored status and body.
fn replay(id: &str, stored: StoredResponse) -> Response {
    let Ok(status) = StatusCode::from_u16(stored.status) else {
        tracing::error!(webhook_id = %id, status = stored.status, "the idempotency store returned an invalid HTTP status");
        return empty(StatusCode::INTERNAL_SERVER_ERROR);
    };
    // `Vec<u8>` would add `content-type: application/octet-stream`, which
    // the first response may not have had; the stores keep no headers.
    let mut response = (status, Body::from(stored.body)).into_response();
    response
        .headers_mut()
        .insert(HEADER_DUPLICATE, HeaderValue::from_static("true"));
    response
}

/// Builds an empty response with `status` and `Retry-After: 1`, so the
/// sender tries again in a second.
fn retry_soon(status: StatusCode) -> Response {
    let mut response = empty(status);
    response
        .headers_mut()
        .insert(RETRY_AFTER, HeaderValue::from_static("1"));
    response
}

fn empty(status: StatusCode) -> Response {
    status.into_response()
}

/// Returns the `webhook-id` for a log line, cut to
/// [`MAX_LOGGED_ID_CHARS`], or `"-"` when it is missing or not text.
fn logged_id(headers: &axum::http::HeaderMap) -> &str {
    let Some(id) = headers.get(HEADER_ID).and_then(|value| value.to_str().ok()) else {
        return "-";
    };
    match id.char_indices().nth(MAX_LOGGED_ID_CHARS) {
        Some((end, _)) => &id[..end],
        None => id,
    }
}
