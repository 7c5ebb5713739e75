//! When to retry a failed delivery, and when to give up on it.
//!
//! The module is pure: the current time and a source of random numbers come
//! in as arguments, so every decision can be replayed in a test. A delivery
//! worker combines the three parts after each attempt:
//!
//! 1. [`classify`] turns what happened ([`AttemptOutcome`]) into a
//!    [`Verdict`].
//! 2. [`parse_retry_after`] reads the endpoint's `Retry-After` header, if it
//!    sent one.
//! 3. [`RetryPolicy::next_attempt`] combines both with the attempt count
//!    and the delivery's age into a [`NextStep`].

mod classify;
mod retry_after;

use std::time::{Duration, SystemTime};

pub use classify::{classify, AttemptOutcome, Verdict};
pub use retry_after::parse_retry_after;

/// Limits and backoff for retrying one delivery.
///
/// Delays use "full jitter" exponential backoff: the delay before retry `n`
/// (counting from 0) is drawn uniformly from `[0, min(cap, base * 2^n)]`.
/// Spreading retries over the whole interval keeps many deliveries that
/// failed together, for example during an endpoint outage, from retrying in
/// lockstep.
///
/// The defaults suit webhooks, where an endpoint may be down for hours and
/// a late delivery is still worth making:
///
/// | field | default | why |
/// |-------|---------|-----|
/// | `base` | 1 s | a brief blip (a deploy, a dropped connection) is retried at once |
/// | `cap` | 1 h | an endpoint that is down for long is still probed every hour or so |
/// | `max_attempts` | 25 | the backoff ceilings of the 24 retries add up to about 13 h, so a delivery is retried for about 6.5 h on average and at most about 13 h |
/// | `deadline` | 24 h | a bound on the age of an event when it arrives, even when `Retry-After` stretches the delays |
/// | `max_retry_after` | 1 h | an endpoint cannot push a retry past the `cap` |
///
/// # Example
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use hookforge::retry::{NextStep, RetryPolicy, Verdict};
///
/// let policy = RetryPolicy { max_attempts: 5, ..RetryPolicy::default() };
/// let first_attempt_at = SystemTime::now();
///
/// // A random source that always returns 0.5 puts each delay at half its ceiling.
/// let mut half = || 0.5;
/// let step = policy.next_attempt(1, first_attempt_at, first_attempt_at, Verdict::Retry, None, &mut half);
/// assert_eq!(step, NextStep::RetryAt(first_attempt_at + Duration::from_millis(500)));
///
/// let step = policy.next_attempt(5, first_attempt_at, first_attempt_at, Verdict::Retry, None, &mut half);
/// assert!(matches!(step, NextStep::DeadLetter(_)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The ceiling of the first retry's delay, doubled for each later retry.
    pub base: Duration,
    /// The largest backoff ceiling, however many retries came before.
    pub cap: Duration,
    /// Maximum number of attempts for one delivery, the first one included.
    /// A value of 0 or 1 means no retries.
    pub max_attempts: u32,
    /// How long after the first attempt a retry may still start.
    pub deadline: Duration,
    /// Maximum delay a `Retry-After` header can request.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            base: Duration::from_secs(1),
            cap: Duration::from_secs(60 * 60),
            max_attempts: 25,
            deadline: Duration::from_secs(24 * 60 * 60),
            max_retry_after: Duration::from_secs(60 * 60),
        }
    }
}

/// Next action for a delivery after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextStep {
    /// The endpoint accepted the delivery, so nothing remains to do.
    Delivered,
    /// Attempt the delivery again at this time.
    RetryAt(SystemTime),
    /// Stop retrying and move the delivery to the dead-letter queue.
    DeadLetter(DeadLetterReason),
}

/// Reason a delivery moved to the dead-letter queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DeadLetterReason {
    /// The last attempt failed in a way a retry would not fix (see
    /// [`classify`]).
    #[error("the attempt failed permanently")]
    PermanentFailure,
    /// The delivery used every attempt the policy allows.
    #[error("gave up after {attempts} attempts")]
    AttemptsExhausted {
        /// Attempts made, the first one included.
        attempts: u32,
    },
    /// The next retry would start after the policy's deadline.
    #[error("the next retry would start after the {deadline:?} deadline")]
    DeadlineExceeded {
        /// The policy's deadline, counted from the first attempt.
        deadline: Duration,
    },
}

impl RetryPolicy {
    /// Returns the jittered delay before retry number `retry` (0-based).
    ///
    /// Retry 0 is the delay after the first attempt failed, so after `k`
    /// failed attempts a caller passes `k - 1`. The result lies in
    /// `[0, min(cap, base * 2^retry)]` for every `retry`, and doubling stops
    /// at `cap` without overflow.
    ///
    /// `random` returns a number in `[0, 1)`, such as `fastrand::f64`.
    /// Values outside that range are clamped to it, and NaN counts as 0.
    ///
    /// # Example
    ///
    /// ```
    /// use std::time::Duration;
    /// use hookforge::retry::RetryPolicy;
    ///
    /// let policy = RetryPolicy::default();
    /// let delay = policy.backoff(3, &mut fastrand::f64);
    /// assert!(delay <= Duration::from_secs(8));
    /// assert_eq!(policy.backoff(u32::MAX, &mut || 1.0), policy.cap);
    /// ```
    pub fn backoff(&self, retry: u32, random: &mut impl FnMut() -> f64) -> Duration {
        let ceiling = self.backoff_ceiling(retry);
        let fraction = random();
        // `clamp` keeps NaN, and `max` maps it to 0.
        let fraction = fraction.clamp(0.0, 1.0).max(0.0);
        let delay =
            Duration::try_from_secs_f64(ceiling.as_secs_f64() * fraction).unwrap_or(ceiling);
        // Rounding through f64 can land a few nanoseconds above the ceiling.
        delay.min(ceiling)
    }

    /// Returns `min(cap, base * 2^retry)`, computed in nanoseconds so that no
    /// retry number overflows.
    fn backoff_ceiling(&self, retry: u32) -> Duration {
        let base_nanos = self.base.as_nanos();
        if base_nanos == 0 {
            return Duration::ZERO;
        }
        // The shift is exact when `base_nanos` has more than `retry` leading
        // zero bits. Otherwise the product exceeds u128, which is above any
        // cap because every `Duration` fits in u128 nanoseconds.
        if base_nanos.leading_zeros() <= retry {
            return self.cap;
        }
        let ceiling_nanos = base_nanos << retry;
        if ceiling_nanos >= self.cap.as_nanos() {
            self.cap
        } else {
            duration_from_nanos(ceiling_nanos)
        }
    }

    /// Decides what happens to a delivery after an attempt.
    ///
    /// - `attempts_made` counts the attempts so far, the one just made
    ///   included, so it is 1 after the first attempt (0 is treated as 1).
    /// - `first_attempt_at` is when the first attempt started, the origin of
    ///   [`deadline`](Self::deadline). A `now` before it counts as no time
    ///   passed.
    /// - `verdict` is [`classify`]'s decision on the attempt just made.
    /// - `retry_after` is the parsed `Retry-After` header, if the response
    ///   had one (see [`parse_retry_after`]).
    /// - `random` is the jitter source, as for [`backoff`](Self::backoff).
    ///
    /// A retry waits for the jittered backoff, or for `retry_after` clamped
    /// to [`max_retry_after`](Self::max_retry_after) when that is longer.
    /// The backoff is a floor so that an endpoint that sends
    /// `Retry-After: 0` on every response cannot pull retries into a tight
    /// loop. The retry becomes a dead letter when `max_attempts` attempts
    /// were made, or when it would start after `first_attempt_at +
    /// deadline`.
    pub fn next_attempt(
        &self,
        attempts_made: u32,
        first_attempt_at: SystemTime,
        now: SystemTime,
        verdict: Verdict,
        retry_after: Option<Duration>,
        random: &mut impl FnMut() -> f64,
    ) -> NextStep {
        match verdict {
            Verdict::Delivered => return NextStep::Delivered,
            Verdict::GiveUp => return NextStep::DeadLetter(DeadLetterReason::PermanentFailure),
            Verdict::Retry => {}
        }

        let attempts_made = attempts_made.max(1);
        if attempts_made >= self.max_attempts {
            return NextStep::DeadLetter(DeadLetterReason::AttemptsExhausted {
                attempts: attempts_made,
            });
        }

        let backoff = self.backoff(attempts_made - 1, random);
        let requested = retry_after.map_or(Duration::ZERO, |delay| delay.min(self.max_retry_after));
        let delay = backoff.max(requested);

        let deadline_exceeded = DeadLetterReason::DeadlineExceeded {
            deadline: self.deadline,
        };
        let Some(retry_at) = now.checked_add(delay) else {
            return NextStep::DeadLetter(deadline_exceeded);
        };
        // A deadline past the end of `SystemTime` never passes.
        if let Some(deadline_at) = first_attempt_at.checked_add(self.deadline) {
            if retry_at > deadline_at {
                return NextStep::DeadLetter(deadline_exceeded);
            }
        }
        NextStep::RetryAt(retry_at)
    }
}

/// Converts nanoseconds below `Duration::MAX` into a `Duration`.
fn duration_from_nanos(nanos: u128) -> Duration {
    const NANOS_PER_SEC: u128 = 1_000_000_000;
    let secs = u64::try_from(nanos / NANOS_PER_SEC).unwrap_or(u64::MAX);
    // The remainder is below one billion, so it fits in u32.
    let subsec = u32::try_from(nanos % NANOS_PER_SEC).unwrap_or(0);
    Duration::new(secs, subsec)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ceiling_doubles_then_caps() {
        let policy = RetryPolicy {
            base: Duration::from_millis(100),
            cap: Duration::from_secs(1),
            ..RetryPolicy::default()
        };
        let ceilings: Vec<_> = (0..6).map(|retry| policy.backoff_ceiling(retry)).collect();
        let expected = [100, 200, 400, 800, 1000, 1000].map(Duration::from_millis);
        assert_eq!(ceilings, expected);
    }

    #[test]
    fn ceiling_is_exact_below_cap_for_large_shifts() {
        // One nanosecond doubled 100 times still fits in u128 and stays below
        // a cap of Duration::MAX.
        let policy = RetryPolicy {
            base: Duration::from_nanos(1),
            cap: Duration::MAX,
            ..RetryPolicy::default()
        };
        assert_eq!(policy.backoff_ceiling(40), Duration::from_nanos(1 << 40));
        assert_eq!(policy.backoff_ceiling(200), Duration::MAX);
    }

    #[test]
    fn zero_base_gives_zero_ceiling() {
        let policy = RetryPolicy {
            base: Duration::ZERO,
            ..RetryPolicy::default()
        };
        assert_eq!(policy.backoff_ceiling(u32::MAX), Duration::ZERO);
    }

    #[test]
    fn duration_from_nanos_splits_seconds() {
        assert_eq!(
            duration_from_nanos(1_500_000_000),
            Duration::from_millis(1500)
        );
        assert_eq!(duration_from_nanos(Duration::MAX.as_nanos()), Duration::MAX);
    }
}
