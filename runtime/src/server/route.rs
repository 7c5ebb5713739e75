//! A ready axum route around [`receive`].

use std::future::Future;
use std::sync::Arc;

use axum::extract::Request;
use axum::response::IntoResponse;
use axum::routing::{post, MethodRouter};

use super::{receive, VerifiedWebhook, WebhookReceiver};
use crate::idempotency::IdempotencyStore;

impl<S: IdempotencyStore> WebhookReceiver<S> {
    /// Builds a `POST` route that passes each request through [`receive`]
    /// with `handler`. Other methods get 405 Method Not Allowed.
    ///
    /// The route fits a router of any state type. A handler that needs
    /// application state captures a clone of it.
    ///
    /// # Example
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// use std::sync::Arc;
    /// use axum::http::StatusCode;
    /// use axum::Router;
    /// use hookforge::idempotency::memory::MemoryIdempotency;
    /// use hookforge::server::{VerifiedWebhook, WebhookReceiver};
    /// use hookforge::signing::Verifier;
    ///
    /// let verifier = Verifier::new(vec!["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".parse()?]);
    /// let receiver = WebhookReceiver::new(verifier, MemoryIdempotency::new(100_000));
    /// let handled = Arc::new(AtomicUsize::new(0));
    ///
    /// let app: Router = Router::new().route(
    ///     "/webhooks/orders",
    ///     receiver.route(move |_webhook: VerifiedWebhook| {
    ///         let handled = Arc::clone(&handled);
    ///         async move {
    ///             handled.fetch_add(1, Ordering::Relaxed);
    ///             StatusCode::NO_CONTENT
    ///         }
    ///     }),
    /// );
    /// # let _ = app;
    /// # Ok::<(), hookforge::signing::KeyError>(())
    /// ```
    pub fn route<H, F, R, St>(self, handler: H) -> MethodRouter<St>
    where
        H: Fn(VerifiedWebhook) -> F + Clone + Send + Sync + 'static,
        F: Future<Output = R> + Send + 'static,
        R: IntoResponse + 'static,
        St: Clone + Send + Sync + 'static,
    {
        let receiver = Arc::new(self);
        post(move |request: Request| {
            let receiver = Arc::clone(&receiver);
            let handler = handler.clone();
            async move { receive(&receiver, request, handler).await }
        })
    }
}
