//! One circuit breaker per endpoint, shared between tasks.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use super::machine::{CircuitBreaker, Permit};
use super::{BreakerConfig, BreakerState, Rejected};
use crate::retry::{classify, AttemptOutcome, Verdict};

/// A source of the current time, so tests can drive breakers with a fake
/// clock.
pub trait Clock: Send + Sync {
    /// Returns the current time.
    fn now(&self) -> Instant;
}

/// The real monotonic clock, [`Instant::now`].
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
}

impl<C: Clock + ?Sized> Clock for Arc<C> {
    fn now(&self) -> Instant {
        (**self).now()
    }
}

/// Circuit breakers keyed by endpoint, safe to share between tasks.
///
/// Cloning the registry is cheap and shares the breakers. A breaker is
/// created, closed, the first time its endpoint is seen, and is never
/// removed, so the registry grows with the number of distinct endpoints.
///
/// # Example
///
/// ```
/// use hookforge::breaker::{BreakerConfig, BreakerRegistry, BreakerState};
///
/// let registry = BreakerRegistry::new(BreakerConfig::default());
/// match registry.try_acquire("orders-endpoint") {
///     Ok(permit) => {
///         // Send the request, then report how it went.
///         permit.success();
///     }
///     Err(rejected) => {
///         // Wait or dead-letter, as the sender's `OpenPolicy` sets.
///         let _ = rejected.retry_in;
///     }
/// }
/// assert_eq!(registry.state("orders-endpoint"), BreakerState::Closed);
/// ```
#[derive(Clone)]
pub struct BreakerRegistry {
    shared: Arc<Shared>,
}

struct Shared {
    config: BreakerConfig,
    clock: Box<dyn Clock>,
    breakers: Mutex<HashMap<String, CircuitBreaker>>,
}

impl Shared {
    /// Locks the breakers. Breaker methods do no arithmetic that can panic
    /// and update their state before calling `tracing` or `metrics`, so a
    /// poisoned lock still guards consistent state.
    fn lock(&self) -> MutexGuard<'_, HashMap<String, CircuitBreaker>> {
        self.breakers.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `action` on the breaker of `endpoint`, if it exists. The time is
    /// read under the lock, so a monotonic clock gives each breaker
    /// non-decreasing times.
    fn with_breaker(&self, endpoint: &str, action: impl FnOnce(&mut CircuitBreaker, Instant)) {
        let mut breakers = self.lock();
        if let Some(breaker) = breakers.get_mut(endpoint) {
            action(breaker, self.clock.now());
        }
    }
}

impl fmt::Debug for BreakerRegistry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BreakerRegistry")
            .field("config", &self.shared.config)
            .field("endpoints", &self.shared.lock().len())
            .finish_non_exhaustive()
    }
}

impl BreakerRegistry {
    /// Creates an empty registry that uses the system clock.
    pub fn new(config: BreakerConfig) -> Self {
        Self::with_clock(config, SystemClock)
    }

    /// Creates an empty registry that reads time from `clock`.
    pub fn with_clock(config: BreakerConfig, clock: impl Clock + 'static) -> Self {
        Self {
            shared: Arc::new(Shared {
                config,
                clock: Box::new(clock),
                breakers: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// Returns the configuration every breaker of this registry uses.
    pub fn config(&self) -> &BreakerConfig {
        &self.shared.config
    }

    /// Lets an attempt to `endpoint` through, or returns how long to wait.
    ///
    /// See [`CircuitBreaker::try_acquire`] for the rules.
    pub fn try_acquire(&self, endpoint: &str) -> Result<EndpointPermit, Rejected> {
        let mut breakers = self.shared.lock();
        let now = self.shared.clock.now();
        let breaker = match breakers.get_mut(endpoint) {
            Some(breaker) => breaker,
            None => breakers
                .entry(endpoint.to_owned())
                .or_insert_with(|| CircuitBreaker::new(endpoint, self.shared.config)),
        };
        let permit = breaker.try_acquire(now)?;
        Ok(EndpointPermit {
            shared: Arc::clone(&self.shared),
            endpoint: endpoint.to_owned(),
            permit: Some(permit),
        })
    }

    /// Returns the state of the breaker of `endpoint`, `Closed` for an
    /// endpoint not seen yet.
    ///
    /// An open breaker whose cool-down has passed stays `Open` until the
    /// next [`try_acquire`](Self::try_acquire) for it.
    pub fn state(&self, endpoint: &str) -> BreakerState {
        self.shared
            .lock()
            .get(endpoint)
            .map_or(BreakerState::Closed, CircuitBreaker::state)
    }
}

/// Permission for one attempt to an endpoint, handed out by
/// [`BreakerRegistry::try_acquire`].
///
/// Report the attempt's result with [`success`](Self::success),
/// [`failure`](Self::failure) or [`record`](Self::record). Dropping the
/// permit without a result releases it, which frees a half-open breaker's
/// probe slot, so a cancelled task cannot leave the breaker stuck.
#[derive(Debug)]
#[must_use = "report the attempt's result through success, failure or record"]
pub struct EndpointPermit {
    shared: Arc<Shared>,
    endpoint: String,
    permit: Option<Permit>,
}

impl fmt::Debug for Shared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Shared")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl EndpointPermit {
    /// Returns the endpoint the permit is for.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// Returns whether the attempt is a probe of a half-open breaker.
    pub fn is_probe(&self) -> bool {
        self.permit.as_ref().is_some_and(Permit::is_probe)
    }

    /// Records that the attempt succeeded.
    pub fn success(mut self) {
        if let Some(permit) = self.permit.take() {
            self.shared.with_breaker(&self.endpoint, |breaker, now| {
                breaker.record_success(permit, now);
            });
        }
    }

    /// Records that the attempt failed.
    pub fn failure(mut self) {
        if let Some(permit) = self.permit.take() {
            self.shared.with_breaker(&self.endpoint, |breaker, now| {
                breaker.record_failure(permit, now);
            });
        }
    }

    /// Records the attempt by its outcome: an outcome that
    /// [`classify`] would retry is a failure, any other response a
    /// success, and an invalid request releases the permit.
    pub fn record(self, outcome: &AttemptOutcome) {
        match (outcome, classify(outcome)) {
            (AttemptOutcome::InvalidRequest, _) => drop(self),
            (_, Verdict::Retry) => self.failure(),
            (_, Verdict::Delivered | Verdict::GiveUp) => self.success(),
        }
    }
}

impl Drop for EndpointPermit {
    fn drop(&mut self) {
        if let Some(permit) = self.permit.take() {
            self.shared.with_breaker(&self.endpoint, |breaker, _| {
                breaker.release(permit);
            });
        }
    }
}
