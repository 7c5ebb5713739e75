//! A tower layer that puts [`receive`] in front of ordinary axum handlers.

use std::convert::Infallible;
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::body::Body;
use axum::extract::Request;
use axum::response::Response;
use tower::{Layer, Service};

use super::{receive, VerifiedWebhook, WebhookReceiver};
use crate::idempotency::IdempotencyStore;

/// A [`Layer`] that verifies and deduplicates webhooks before the wrapped
/// service sees them.
///
/// The wrapped service gets the original method, URI and headers, the
/// verified body bytes as the body, and the [`VerifiedWebhook`] as a
/// request extension. Its handlers can therefore use any axum extractor,
/// `State` included, next to `Extension<VerifiedWebhook>`. Its response
/// is treated as the handler's response in the
/// [status table](super#steps-and-status-codes).
///
/// Built by [`WebhookReceiver::layer`].
#[derive(Debug)]
pub struct WebhookLayer<S> {
    receiver: Arc<WebhookReceiver<S>>,
}

impl<S> Clone for WebhookLayer<S> {
    fn clone(&self) -> Self {
        Self {
            receiver: Arc::clone(&self.receiver),
        }
    }
}

impl<S: IdempotencyStore> WebhookReceiver<S> {
    /// Builds a [`WebhookLayer`] for a route or router.
    ///
    /// Apply it with `MethodRouter::layer` or `Router::route_layer`, so
    /// requests that match no route get 404 without being read.
    ///
    /// # Example
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// use std::sync::Arc;
    /// use axum::extract::State;
    /// use axum::http::StatusCode;
    /// use axum::routing::post;
    /// use axum::{Extension, Router};
    /// use hookforge::idempotency::memory::MemoryIdempotency;
    /// use hookforge::server::{VerifiedWebhook, WebhookReceiver};
    /// use hookforge::signing::Verifier;
    ///
    /// async fn handle(
    ///     State(handled): State<Arc<AtomicUsize>>,
    ///     Extension(webhook): Extension<VerifiedWebhook>,
    /// ) -> StatusCode {
    ///     handled.fetch_add(1, Ordering::Relaxed);
    ///     println!("received {}", webhook.id);
    ///     StatusCode::NO_CONTENT
    /// }
    ///
    /// let verifier = Verifier::new(vec!["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".parse()?]);
    /// let receiver = WebhookReceiver::new(verifier, MemoryIdempotency::new(100_000));
    ///
    /// let app: Router = Router::new()
    ///     .route("/webhooks", post(handle))
    ///     .route_layer(receiver.layer())
    ///     .with_state(Arc::new(AtomicUsize::new(0)));
    /// # let _ = app;
    /// # Ok::<(), hookforge::signing::KeyError>(())
    /// ```
    pub fn layer(self) -> WebhookLayer<S> {
        WebhookLayer {
            receiver: Arc::new(self),
        }
    }
}

impl<S, I> Layer<I> for WebhookLayer<S> {
    type Service = WebhookService<S, I>;

    fn layer(&self, inner: I) -> Self::Service {
        WebhookService {
            receiver: Arc::clone(&self.receiver),
            inner,
        }
    }
}

/// The service that [`WebhookLayer`] wraps around `I`.
#[derive(Debug)]
pub struct WebhookService<S, I> {
    receiver: Arc<WebhookReceiver<S>>,
    inner: I,
}

impl<S, I: Clone> Clone for WebhookService<S, I> {
    fn clone(&self) -> Self {
        Self {
            receiver: Arc::clone(&self.receiver),
            inner: self.inner.clone(),
        }
    }
}

impl<S, I> Service<Request> for WebhookService<S, I>
where
    S: IdempotencyStore,
    I: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    I::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    /// Always ready: each request drives its own clone of the inner service
    /// to readiness, after the webhook has been verified and claimed.
    fn poll_ready(&mut self, _context: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let receiver = Arc::clone(&self.receiver);
        let mut inner = self.inner.clone();
        let (head, body) = request.into_parts();
        let inner_head = head.clone();
        Box::pin(async move {
            let request = Request::from_parts(head, body);
            let handler = move |webhook: VerifiedWebhook| {
                let body = Body::from(webhook.body.clone());
                let mut head = inner_head;
                head.extensions.insert(webhook);
                let request = Request::from_parts(head, body);
                async move {
                    poll_fn(|context| inner.poll_ready(context)).await?;
                    inner.call(request).await
                }
            };
            Ok(receive(&receiver, request, handler).await)
        })
    }
}
