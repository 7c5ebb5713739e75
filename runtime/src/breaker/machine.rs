//! The circuit breaker state machine for one endpoint.

use std::time::Instant;

use super::window::SlidingWindow;
use super::{BreakerConfig, BreakerState, Rejected};

/// The circuit breaker of one endpoint, driven by explicit times.
///
/// Every attempt calls [`try_acquire`](Self::try_acquire) first and then
/// returns its [`Permit`] through [`record_success`](Self::record_success),
/// [`record_failure`](Self::record_failure) or [`release`](Self::release).
/// Results of permits handed out before the latest state change are
/// ignored, so a slow attempt that started while the breaker was closed
/// cannot close or reopen it later.
///
/// For use from many tasks, see
/// [`BreakerRegistry`](super::BreakerRegistry).
///
/// # Example
///
/// ```
/// use std::time::{Duration, Instant};
/// use hookforge::breaker::{BreakerConfig, BreakerState, CircuitBreaker};
///
/// let config = BreakerConfig { consecutive_failures: 2, ..BreakerConfig::default() };
/// let mut breaker = CircuitBreaker::new("orders-endpoint", config);
/// let start = Instant::now();
///
/// for _ in 0..2 {
///     let permit = breaker.try_acquire(start).expect("closed breakers let attempts through");
///     breaker.record_failure(permit, start);
/// }
/// assert_eq!(breaker.state(), BreakerState::Open);
///
/// let rejected = breaker.try_acquire(start + Duration::from_secs(10)).expect_err("breaker rejects the attempt");
/// assert_eq!(rejected.retry_in, Duration::from_secs(20));
///
/// let probe = breaker.try_acquire(start + Duration::from_secs(30)).expect("cool-down over");
/// assert!(probe.is_probe());
/// breaker.record_success(probe, start + Duration::from_secs(31));
/// assert_eq!(breaker.state(), BreakerState::Closed);
/// ```
#[derive(Debug, Clone)]
pub struct CircuitBreaker {
    endpoint: String,
    config: BreakerConfig,
    state: State,
    /// Incremented on every state change, to recognise stale permits.
    generation: u64,
}

#[derive(Debug, Clone)]
enum State {
    Closed {
        window: SlidingWindow,
        consecutive_failures: u32,
    },
    Open {
        since: Instant,
    },
    HalfOpen {
        admitted: u32,
        succeeded: u32,
    },
}

/// Permission for one attempt, handed out by
/// [`CircuitBreaker::try_acquire`].
///
/// A permit must go back to the breaker that issued it. Dropping a probe's
/// permit without returning it keeps that probe slot taken for good, and a
/// half-open breaker whose slots are all lost this way rejects every
/// attempt. [`EndpointPermit`](super::EndpointPermit) avoids this by
/// releasing itself on drop.
#[derive(Debug, PartialEq, Eq)]
#[must_use = "return the permit through record_success, record_failure or release"]
pub struct Permit {
    generation: u64,
    probe: bool,
}

impl Permit {
    /// Returns whether the attempt is a probe of a half-open breaker.
    pub fn is_probe(&self) -> bool {
        self.probe
    }
}

/// Cause of a closed breaker opening, for the log.
#[derive(Debug, Clone, Copy)]
enum TripReason {
    ConsecutiveFailures,
    FailureRatio,
}

impl CircuitBreaker {
    /// Creates a closed breaker for `endpoint`, the name used in logs and
    /// metric labels.
    pub fn new(endpoint: impl Into<String>, config: BreakerConfig) -> Self {
        let breaker = Self {
            endpoint: endpoint.into(),
            config,
            state: closed_state(&config),
            generation: 0,
        };
        crate::metrics::record_breaker_state(&breaker.endpoint, BreakerState::Closed);
        breaker
    }

    /// Returns the endpoint name given at creation.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// Returns the current state.
    ///
    /// An open breaker whose cool-down has passed stays `Open` until the
    /// next [`try_acquire`](Self::try_acquire) moves it to half-open.
    pub fn state(&self) -> BreakerState {
        match self.state {
            State::Closed { .. } => BreakerState::Closed,
            State::Open { .. } => BreakerState::Open,
            State::HalfOpen { .. } => BreakerState::HalfOpen,
        }
    }

    /// Lets an attempt through, or returns how long to wait.
    ///
    /// A closed breaker always lets it through. An open breaker rejects it
    /// until `cool_down` has passed since it opened, then turns half-open.
    /// A half-open breaker lets through up to `half_open_probes` probes and
    /// rejects further attempts until a probe's result arrives.
    pub fn try_acquire(&mut self, now: Instant) -> Result<Permit, Rejected> {
        if let State::Open { since } = self.state {
            let elapsed = now.saturating_duration_since(since);
            if elapsed < self.config.cool_down {
                return Err(Rejected {
                    retry_in: self.config.cool_down - elapsed,
                });
            }
            self.transition(
                State::HalfOpen {
                    admitted: 0,
                    succeeded: 0,
                },
                None,
            );
        }

        let probe_limit = self.probe_limit();
        match &mut self.state {
            State::Closed { .. } => Ok(Permit {
                generation: self.generation,
                probe: false,
            }),
            State::HalfOpen { admitted, .. } if *admitted < probe_limit => {
                *admitted += 1;
                Ok(Permit {
                    generation: self.generation,
                    probe: true,
                })
            }
            State::HalfOpen { .. } | State::Open { .. } => Err(Rejected {
                retry_in: self.config.cool_down,
            }),
        }
    }

    /// Records that the permitted attempt succeeded.
    ///
    /// In the closed state the success is counted. In the half-open state
    /// the breaker closes once every probe it let through has succeeded.
    pub fn record_success(&mut self, permit: Permit, now: Instant) {
        if permit.generation != self.generation {
            return;
        }
        let probe_limit = self.probe_limit();
        match &mut self.state {
            State::Closed {
                window,
                consecutive_failures,
            } => {
                window.record(now, true);
                *consecutive_failures = 0;
            }
            State::HalfOpen { succeeded, .. } => {
                *succeeded += 1;
                if *succeeded >= probe_limit {
                    self.transition(closed_state(&self.config), None);
                }
            }
            State::Open { .. } => {}
        }
    }

    /// Records that the permitted attempt failed.
    ///
    /// In the closed state the failure is counted and may open the breaker.
    /// In the half-open state any probe failure reopens it for another
    /// cool-down starting at `now`.
    pub fn record_failure(&mut self, permit: Permit, now: Instant) {
        if permit.generation != self.generation {
            return;
        }
        match &mut self.state {
            State::Closed {
                window,
                consecutive_failures,
            } => {
                window.record(now, false);
                *consecutive_failures = consecutive_failures.saturating_add(1);
                let consecutive_failures = *consecutive_failures;
                if let Some(reason) = self.trip_reason(consecutive_failures, now) {
                    self.transition(State::Open { since: now }, Some(reason));
                }
            }
            State::HalfOpen { .. } => self.transition(State::Open { since: now }, None),
            State::Open { .. } => {}
        }
    }

    /// Returns a permit whose attempt produced no result about the
    /// endpoint, such as a cancelled attempt or an invalid request.
    ///
    /// A released probe frees its slot for another probe.
    pub fn release(&mut self, permit: Permit) {
        if permit.generation != self.generation {
            return;
        }
        if let State::HalfOpen { admitted, .. } = &mut self.state {
            *admitted = admitted.saturating_sub(1);
        }
    }

    fn probe_limit(&self) -> u32 {
        self.config.half_open_probes.max(1)
    }

    fn trip_reason(&mut self, consecutive_failures: u32, now: Instant) -> Option<TripReason> {
        let threshold = self.config.consecutive_failures;
        if threshold > 0 && consecutive_failures >= threshold {
            return Some(TripReason::ConsecutiveFailures);
        }
        let State::Closed { window, .. } = &mut self.state else {
            return None;
        };
        let counts = window.counts(now);
        let min_requests = u64::from(self.config.min_requests.max(1));
        if counts.total < min_requests {
            return None;
        }
        // Counts stay far below 2^53, so the ratio is exact enough.
        let ratio = counts.failures as f64 / counts.total as f64;
        (ratio >= self.config.failure_ratio).then_some(TripReason::FailureRatio)
    }

    fn transition(&mut self, to: State, reason: Option<TripReason>) {
        let from_state = self.state();
        self.state = to;
        self.generation = self.generation.wrapping_add(1);
        let to_state = self.state();

        let endpoint = self.endpoint.as_str();
        let (from, to) = (from_state.as_str(), to_state.as_str());
        match (to_state, reason) {
            (BreakerState::Open, Some(TripReason::ConsecutiveFailures)) => tracing::warn!(
                endpoint,
                from,
                to,
                consecutive_failures = self.config.consecutive_failures,
                "circuit breaker opened after consecutive failures"
            ),
            (BreakerState::Open, Some(TripReason::FailureRatio)) => tracing::warn!(
                endpoint,
                from,
                to,
                failure_ratio = self.config.failure_ratio,
                "circuit breaker opened because the failure ratio reached its threshold"
            ),
            (BreakerState::Open, None) => tracing::warn!(
                endpoint,
                from,
                to,
                cool_down = ?self.config.cool_down,
                "circuit breaker reopened after a failed probe"
            ),
            _ => tracing::info!(endpoint, from, to, "circuit breaker changed state"),
        }
        crate::metrics::record_breaker_transition(endpoint, from_state, to_state);
    }
}

fn closed_state(config: &BreakerConfig) -> State {
    State::Closed {
        window: SlidingWindow::new(config.window),
        consecutive_failures: 0,
    }
}
