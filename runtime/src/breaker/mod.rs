//! Circuit breakers that stop sending to an endpoint that keeps failing.
//!
//! Each endpoint has its own breaker. While it is *closed*, every attempt
//! goes through and its result is counted. The breaker *opens* when too
//! many recent attempts failed, and then rejects attempts for a cool-down,
//! which spares both the failing endpoint and the sender's workers. After
//! the cool-down it is *half-open* and lets a few probe attempts through:
//! if they all succeed it closes again, and if one fails it reopens for
//! another cool-down.
//!
//! [`CircuitBreaker`] is the state machine for one endpoint, driven by
//! explicit [`Instant`](std::time::Instant)s. [`BreakerRegistry`] keeps one
//! breaker per endpoint behind a mutex, reads time from a [`Clock`], and
//! hands out [`EndpointPermit`]s that many tasks can hold at once.
//!
//! Which results count as failures: report an attempt that
//! [`classify`](crate::retry::classify) would retry (connection failure,
//! timeout, 408, 429, 5xx) as a failure, and any other response as a
//! success, because the endpoint responded. An invalid request says nothing
//! about the endpoint, so its permit is released without a result.
//! [`EndpointPermit::record`] applies this mapping.
//!
//! Every state change is logged through `tracing` (at `warn` when the
//! breaker opens, `info` otherwise) with the endpoint and both states, and
//! counted in the metrics of [`crate::metrics`]. The endpoint string appears
//! in both, so use an endpoint id or a URL without credentials.

mod machine;
mod registry;
mod window;

use std::fmt;
use std::time::Duration;

pub use machine::{CircuitBreaker, Permit};
pub use registry::{BreakerRegistry, Clock, EndpointPermit, SystemClock};

/// Thresholds and timings of a circuit breaker.
///
/// | field | default |
/// |-------|---------|
/// | `failure_ratio` | 0.5 |
/// | `window` | 60 s |
/// | `min_requests` | 10 |
/// | `consecutive_failures` | 5 |
/// | `cool_down` | 30 s |
/// | `half_open_probes` | 1 |
///
/// With these defaults a busy endpoint opens its breaker when at least half
/// of the last minute's attempts (10 or more) failed, and a quiet endpoint
/// opens it after 5 failures in a row.
///
/// # Example
///
/// ```
/// use std::time::Duration;
/// use hookforge::breaker::BreakerConfig;
///
/// let config = BreakerConfig {
///     cool_down: Duration::from_secs(120),
///     ..BreakerConfig::default()
/// };
/// assert_eq!(config.half_open_probes, 1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BreakerConfig {
    /// The share of failed attempts in the window, from 0 to 1, that opens
    /// the breaker once it is reached. NaN never opens it.
    pub failure_ratio: f64,
    /// How far back the failure ratio looks. Results leave the window in
    /// steps of a tenth of it, and a zero window turns the ratio check off.
    pub window: Duration,
    /// Minimum number of attempts in the window before the ratio is
    /// checked, so that one failure out of one attempt does not open the breaker. 0 is
    /// treated as 1.
    pub min_requests: u32,
    /// The number of failures in a row that opens the breaker whatever the
    /// ratio. 0 turns this check off.
    pub consecutive_failures: u32,
    /// How long an open breaker rejects attempts before it lets probes
    /// through.
    pub cool_down: Duration,
    /// How many probes a half-open breaker lets through. All of them must
    /// succeed to close it. 0 is treated as 1.
    pub half_open_probes: u32,
}

impl Default for BreakerConfig {
    fn default() -> Self {
        Self {
            failure_ratio: 0.5,
            window: Duration::from_secs(60),
            min_requests: 10,
            consecutive_failures: 5,
            cool_down: Duration::from_secs(30),
            half_open_probes: 1,
        }
    }
}

/// The state of one endpoint's circuit breaker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BreakerState {
    /// Attempts go through and their results are counted.
    Closed,
    /// A limited number of probe attempts go through.
    HalfOpen,
    /// Attempts are rejected until the cool-down ends.
    Open,
}

impl BreakerState {
    /// Returns the name used in logs and metric labels: `closed`,
    /// `half_open` or `open`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Closed => "closed",
            Self::HalfOpen => "half_open",
            Self::Open => "open",
        }
    }

    /// Returns the value of the `hookforge_breaker_state` gauge.
    pub(crate) fn gauge_value(self) -> f64 {
        match self {
            Self::Closed => 0.0,
            Self::HalfOpen => 1.0,
            Self::Open => 2.0,
        }
    }
}

impl fmt::Display for BreakerState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A circuit breaker's refusal to let an attempt through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the circuit breaker rejected the attempt, retry in {retry_in:?}")]
pub struct Rejected {
    /// How long until the breaker may let an attempt through. For an open
    /// breaker this is the rest of its cool-down. A half-open breaker whose
    /// probes are all in flight cannot know when they finish, so it
    /// returns the whole cool-down.
    pub retry_in: Duration,
}

/// Action a sender takes on a delivery whose endpoint's breaker is open.
///
/// # Example
///
/// ```
/// use hookforge::breaker::OpenPolicy;
///
/// assert_eq!(OpenPolicy::default(), OpenPolicy::Wait);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum OpenPolicy {
    /// Reschedule the delivery for when the breaker may let it through,
    /// without using up one of its attempts.
    #[default]
    Wait,
    /// Move the delivery to the dead-letter queue at once.
    DeadLetter,
}
