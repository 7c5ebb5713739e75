//! Parsing and printing of the instants `hookforge dlq` reads and shows:
//! RFC 3339 timestamps and Unix seconds, without a date library.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

const SECONDS_PER_DAY: i64 = 86_400;

/// Parses `text` as Unix seconds (`1700000000`) or an RFC 3339 timestamp
/// (`2026-12-04T20:30:00Z`, `2026-12-04T21:30:00.250+01:00`).
///
/// Fractions beyond nanoseconds are truncated. Leap seconds (`:60`) are
/// rejected, because Unix time has no place for them.
pub fn parse_instant(text: &str) -> Result<SystemTime, String> {
    if !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit()) {
        let seconds: u64 = text
            .parse()
            .map_err(|_| format!("Unix time {text:?} is out of range"))?;
        return Ok(UNIX_EPOCH + Duration::from_secs(seconds));
    }
    parse_rfc3339(text).ok_or_else(|| {
        format!(
            "invalid time {text:?}: expected RFC 3339 (2026-12-04T20:30:00Z) \
             or Unix seconds (1796409000)"
        )
    })
}

fn parse_rfc3339(text: &str) -> Option<SystemTime> {
    let bytes = text.as_bytes();
    if bytes.len() < 20 {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = text.get(range)?;
        if !part.bytes().all(|byte| byte.is_ascii_digit()) {
            return None;
        }
        part.parse().ok()
    };

    let year = number(0..4)?;
    let month = number(5..7)?;
    let day = number(8..10)?;
    let hour = number(11..13)?;
    let minute = number(14..16)?;
    let second = number(17..19)?;
    let separators_valid = bytes[4] == b'-'
        && bytes[7] == b'-'
        && matches!(bytes[10], b'T' | b't' | b' ')
        && bytes[13] == b':'
        && bytes[16] == b':';
    if !separators_valid
        || !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }

    let mut rest = &text[19..];
    let mut nanos: u32 = 0;
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        for (position, byte) in fraction
            .bytes()
            .take(9)
            .take_while(u8::is_ascii_digit)
            .enumerate()
        {
            nanos += u32::from(byte - b'0') * 10u32.pow(8 - position as u32);
        }
        rest = &fraction[digits..];
    }

    let offset_seconds = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            if rest.len() != 6 || rest.as_bytes()[3] != b':' {
                return None;
            }
            let offset_hour: i64 = rest.get(1..3)?.parse().ok()?;
            let offset_minute: i64 = rest.get(4..6)?.parse().ok()?;
            if offset_hour > 23 || offset_minute > 59 {
                return None;
            }
            sign * (offset_hour * 3600 + offset_minute * 60)
        }
    };

    let local_seconds =
        days_from_civil(year, month, day) * SECONDS_PER_DAY + hour * 3600 + minute * 60 + second;
    let unix_seconds = local_seconds - offset_seconds;
    let whole = Duration::from_secs(unix_seconds.unsigned_abs());
    let instant = if unix_seconds >= 0 {
        UNIX_EPOCH + whole
    } else {
        UNIX_EPOCH - whole
    };
    Some(instant + Duration::from_nanos(u64::from(nanos)))
}

/// Formats `time` as RFC 3339 in UTC with millisecond precision, the
/// precision the outbox stores.
pub fn format_instant(time: SystemTime) -> String {
    let (millis, before_epoch) = match time.duration_since(UNIX_EPOCH) {
        Ok(after) => (after.as_millis(), false),
        Err(before) => (before.duration().as_millis(), true),
    };
    let millis = i64::try_from(millis).unwrap_or(i64::MAX);
    let millis = if before_epoch { -millis } else { millis };

    let seconds = millis.div_euclid(1000);
    let fraction = millis.rem_euclid(1000);
    let days = seconds.div_euclid(SECONDS_PER_DAY);
    let second_of_day = seconds.rem_euclid(SECONDS_PER_DAY);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{fraction:03}Z",
        second_of_day / 3600,
        second_of_day % 3600 / 60,
        second_of_day % 60,
    )
}

fn is_leap_year(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to the given proleptic Gregorian date, by Howard
/// Hinnant's `days_from_civil` algorithm (eras of 400 years).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let shifted_month = (month + 9) % 12;
    let day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// Converts days since 1970-01-01 to a date, inverting [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unix(seconds: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(seconds)
    }

    #[test]
    fn parses_unix_seconds() {
        assert_eq!(parse_instant("0"), Ok(UNIX_EPOCH));
        assert_eq!(parse_instant("1700000000"), Ok(unix(1_700_000_000)));
    }

    #[test]
    fn parses_rfc3339_utc() {
        // 2023-11-14T22:13:20Z is Unix 1_700_000_000.
        assert_eq!(
            parse_instant("2023-11-14T22:13:20Z"),
            Ok(unix(1_700_000_000))
        );
        assert_eq!(
            parse_instant("2023-11-14t22:13:20z"),
            Ok(unix(1_700_000_000))
        );
        assert_eq!(parse_instant("1970-01-01T00:00:00Z"), Ok(UNIX_EPOCH));
    }

    #[test]
    fn parses_rfc3339_offset_and_fraction() {
        let expected = unix(1_700_000_000) + Duration::from_millis(250);
        assert_eq!(parse_instant("2023-11-14T23:43:20.25+01:30"), Ok(expected));
        assert_eq!(parse_instant("2023-11-14T20:13:20.250-02:00"), Ok(expected));
    }

    #[test]
    fn parses_leap_day() {
        // 2024-02-29T00:00:00Z is Unix 1_709_164_800.
        assert_eq!(
            parse_instant("2024-02-29T00:00:00Z"),
            Ok(unix(1_709_164_800))
        );
    }

    #[test]
    fn rejects_invalid_times() {
        for text in [
            "",
            "yesterday",
            "-5",
            "2023-11-14",
            "2023-11-14T22:13:20",
            "2023-02-29T00:00:00Z",
            "2023-13-01T00:00:00Z",
            "2023-11-14T24:00:00Z",
            "2023-11-14T23:59:60Z",
            "2023-11-14T22:13:20.Z",
            "2023-11-14T22:13:20+0100",
            "2023-11-14T22:13:20+24:00",
            "99999999999999999999999",
        ] {
            assert!(parse_instant(text).is_err(), "{text:?} must be rejected");
        }
    }

    #[test]
    fn formats_utc_with_millis() {
        let time = unix(1_700_000_000) + Duration::from_millis(7);
        assert_eq!(format_instant(time), "2023-11-14T22:13:20.007Z");
        assert_eq!(format_instant(UNIX_EPOCH), "1970-01-01T00:00:00.000Z");
    }

    #[test]
    fn format_and_parse_round_trip() {
        for seconds in [0, 951_782_400, 1_709_164_800, 4_102_444_800] {
            let time = unix(seconds) + Duration::from_millis(123);
            assert_eq!(parse_instant(&format_instant(time)), Ok(time));
        }
    }
}
