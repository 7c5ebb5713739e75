//! The `Retry-After` response header (RFC 9110, section 10.2.3).

use std::time::{Duration, SystemTime};

/// Parses a `Retry-After` header value into the delay it requests from `now`.
///
/// Both forms of the header are accepted: delta-seconds (`120`) and an
/// HTTP-date (`Fri, 04 Dec 2026 21:00:00 GMT`, or the obsolete RFC 850 and
/// asctime forms). A date at or before `now` returns [`Duration::ZERO`].
/// Delta-seconds too large for a `u64` saturate at `u64::MAX` seconds, and
/// [`RetryPolicy`](super::RetryPolicy) clamps the result anyway. Surrounding
/// spaces and tabs are ignored. Returns `None` for anything else, including
/// signs, fractions and an empty value.
///
/// # Example
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use hookforge::retry::parse_retry_after;
///
/// let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
/// assert_eq!(parse_retry_after("120", now), Some(Duration::from_secs(120)));
/// // 1_000_000_060 seconds after the epoch.
/// assert_eq!(
///     parse_retry_after("Sun, 09 Sep 2001 01:47:40 GMT", now),
///     Some(Duration::from_secs(60)),
/// );
/// assert_eq!(parse_retry_after("soon", now), None);
/// ```
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim_matches([' ', '\t']);
    if value.is_empty() {
        return None;
    }
    if value.bytes().all(|byte| byte.is_ascii_digit()) {
        // Only digits remain, so parsing fails only on overflow.
        let seconds = value.parse::<u64>().unwrap_or(u64::MAX);
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}
