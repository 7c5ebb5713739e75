//! The receiver's configuration.

use std::sync::Arc;
use std::time::Duration;

use crate::idempotency::IdempotencyStore;
use crate::signing::Verifier;

/// How long a stored response answers duplicates unless
/// [`WebhookReceiver::with_ttl`] sets another: 24 hours. That is longer
/// than the roughly 13 hours over which Hookforge's default `RetryPolicy`
/// retries a delivery.
pub const DEFAULT_TTL: Duration = Duration::from_secs(24 * 60 * 60);

/// How long a claim blocks duplicates while its handler runs, unless
/// [`WebhookReceiver::with_lease`] sets another: 60 seconds, twice the
/// default request timeout of Hookforge's sender.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(60);

/// The largest body read unless [`WebhookReceiver::with_max_body_bytes`]
/// sets another: 1 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;

/// How long reading a request body may take unless
/// [`WebhookReceiver::with_body_timeout`] sets another: 30 seconds. The
/// body is read before the signature can be checked, so without a limit an
/// unauthenticated client could hold a task and a buffer by sending slowly.
pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(30);

/// The configuration of a webhook endpoint: who may sign, where claims are
/// stored and the limits.
///
/// Cloning is cheap: clones share the store.
///
/// # Example
///
/// ```
/// use std::time::Duration;
/// use hookforge::idempotency::memory::MemoryIdempotency;
/// use hookforge::server::WebhookReceiver;
/// use hookforge::signing::Verifier;
///
/// let verifier = Verifier::new(vec!["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".parse()?]);
/// let receiver = WebhookReceiver::new(verifier, MemoryIdempotency::new(100_000))
///     .with_ttl(Duration::from_secs(3 * 24 * 60 * 60))
///     .with_lease(Duration::from_secs(120))
///     .with_max_body_bytes(256 * 1024);
/// assert_eq!(receiver.max_body_bytes(), 256 * 1024);
/// # Ok::<(), hookforge::signing::KeyError>(())
/// ```
#[derive(Debug)]
pub struct WebhookReceiver<S> {
    pub(super) verifier: Verifier,
    pub(super) store: Arc<S>,
    pub(super) ttl: Duration,
    pub(super) lease: Duration,
    pub(super) max_body_bytes: usize,
    pub(super) body_timeout: Duration,
}

impl<S> Clone for WebhookReceiver<S> {
    fn clone(&self) -> Self {
        Self {
            verifier: self.verifier.clone(),
            store: Arc::clone(&self.store),
            ttl: self.ttl,
            lease: self.lease,
            max_body_bytes: self.max_body_bytes,
            body_timeout: self.body_timeout,
        }
    }
}

impl<S: IdempotencyStore> WebhookReceiver<S> {
    /// Creates a receiver that checks signatures with `verifier` and claims
    /// webhook ids in `store`, with [`DEFAULT_TTL`], [`DEFAULT_LEASE`] and
    /// [`DEFAULT_MAX_BODY_BYTES`] and [`DEFAULT_BODY_TIMEOUT`].
    pub fn new(verifier: Verifier, store: S) -> Self {
        Self {
            verifier,
            store: Arc::new(store),
            ttl: DEFAULT_TTL,
            lease: DEFAULT_LEASE,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            body_timeout: DEFAULT_BODY_TIMEOUT,
        }
    }

    /// Sets how long a stored response is replayed to duplicates. Set it to at
    /// least the sender's retry window: a retry after the TTL runs the
    /// handler again.
    #[must_use]
    pub fn with_ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl;
        self
    }

    /// Sets how long a claim blocks duplicates while its handler runs. Set
    /// it above the slowest handler: a duplicate that arrives after the
    /// lease runs the handler a second time.
    #[must_use]
    pub fn with_lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// Sets the largest request body read, in bytes. Larger requests get
    /// 413 Payload Too Large.
    #[must_use]
    pub fn with_max_body_bytes(mut self, max_body_bytes: usize) -> Self {
        self.max_body_bytes = max_body_bytes;
        self
    }

    /// Sets how long reading a request body may take. A slower body gets
    /// 408 Request Timeout.
    #[must_use]
    pub fn with_body_timeout(mut self, body_timeout: Duration) -> Self {
        self.body_timeout = body_timeout;
        self
    }

    /// Returns how long reading a request body may take.
    pub fn body_timeout(&self) -> Duration {
        self.body_timeout
    }

    /// Returns the signature verifier.
    pub fn verifier(&self) -> &Verifier {
        &self.verifier
    }

    /// Returns the idempotency store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// Returns how long a stored response is replayed to duplicates.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// Returns how long a claim blocks duplicates.
    pub fn lease(&self) -> Duration {
        self.lease
    }

    /// Returns the largest request body read, in bytes.
    pub fn max_body_bytes(&self) -> usize {
        self.max_body_bytes
    }
}
