//! The `webhook-timestamp` header: parsing and the tolerance check.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::VerifyError;

/// Maximum length of a header value quoted in an error message, in
/// characters.
const MAX_QUOTED_CHARS: usize = 40;

/// Number of digits of a current Unix time in milliseconds (from 2001 to
/// 2286). A seconds value of that length would lie past the year 33000.
const MILLISECOND_DIGITS: usize = 13;

/// Parses a `webhook-timestamp` value: an optional `-` and ASCII digits,
/// nothing else (no sign `+`, spaces, fraction or exponent), within `i64`.
pub(crate) fn parse(value: &str) -> Result<i64, VerifyError> {
    let digits = value.strip_prefix('-').unwrap_or(value);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(VerifyError::MalformedTimestamp {
            value: quote(value),
        });
    }
    if digits.len() == MILLISECOND_DIGITS && digits.len() == value.len() {
        return Err(VerifyError::TimestampInMilliseconds {
            value: quote(value),
        });
    }
    value
        .parse::<i64>()
        .map_err(|_| VerifyError::MalformedTimestamp {
            value: quote(value),
        })
}

/// Checks that `timestamp` lies within `tolerance` of `now` in either
/// direction. A difference equal to the tolerance passes. Both sides are
/// whole seconds: `now` is rounded down and the sub-second part of
/// `tolerance` is ignored.
pub(crate) fn check_tolerance(
    timestamp: i64,
    now: SystemTime,
    tolerance: Duration,
) -> Result<(), VerifyError> {
    let now = unix_seconds(now);
    let tolerance_seconds = tolerance.as_secs();
    // Every difference of two i64 values fits in an i128, so nothing overflows.
    let age = now - i128::from(timestamp);
    if age > i128::from(tolerance_seconds) {
        return Err(VerifyError::TimestampTooOld {
            timestamp,
            seconds: age.unsigned_abs(),
            tolerance_seconds,
        });
    }
    if -age > i128::from(tolerance_seconds) {
        return Err(VerifyError::TimestampTooNew {
            timestamp,
            seconds: age.unsigned_abs(),
            tolerance_seconds,
        });
    }
    Ok(())
}

/// Returns `time` as Unix seconds, rounded down (also before 1970).
pub(crate) fn unix_seconds(time: SystemTime) -> i128 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(since) => i128::from(since.as_secs()),
        Err(before) => {
            let before = before.duration();
            let partial = i128::from(before.subsec_nanos() > 0);
            -i128::from(before.as_secs()) - partial
        }
    }
}

/// Returns `value` cut to [`MAX_QUOTED_CHARS`], so an error never carries
/// a long attacker-chosen header.
fn quote(value: &str) -> String {
    match value.char_indices().nth(MAX_QUOTED_CHARS) {
        Some((end, _)) => format!("{}...", &value[..end]),
        None => value.to_owned(),
    }
}
