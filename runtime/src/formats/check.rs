//! Syntax checks for the string formats.

fn digits(text: &str, count: usize) -> Option<u32> {
    if text.len() == count && text.bytes().all(|b| b.is_ascii_digit()) {
        text.parse().ok()
    } else {
        None
    }
}

/// `YYYY-MM-DD` with a day that exists in that month.
pub(super) fn date(text: &str) -> bool {
    let mut parts = text.split('-');
    let (Some(y), Some(m), Some(d), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let (Some(year), Some(month), Some(day)) = (digits(y, 4), digits(m, 2), digits(d, 2)) else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// `HH:MM:SS`, an optional fraction and an optional offset (`Z` or
/// `+HH:MM`). Second 60 is allowed for leap seconds.
pub(super) fn time(text: &str) -> bool {
    let (clock, offset) = split_offset(text);
    if let Some(offset) = offset {
        if !(offset.eq_ignore_ascii_case("z") || numeric_offset(offset)) {
            return false;
        }
    }
    let (clock, fraction) = match clock.split_once('.') {
        Some((c, f)) => (c, Some(f)),
        None => (clock, None),
    };
    if fraction.is_some_and(|f| f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit())) {
        return false;
    }
    let mut parts = clock.split(':');
    let (Some(h), Some(m), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    matches!((digits(h, 2), digits(m, 2), digits(s, 2)), (Some(h), Some(m), Some(s)) if h < 24 && m < 60 && s <= 60)
}

fn split_offset(text: &str) -> (&str, Option<&str>) {
    if let Some(clock) = text.strip_suffix(['Z', 'z']) {
        return (clock, Some("Z"));
    }
    match text.rfind(['+', '-']) {
        Some(i) => (&text[..i], Some(&text[i..])),
        None => (text, None),
    }
}

fn numeric_offset(offset: &str) -> bool {
    let Some(rest) = offset.strip_prefix(['+', '-']) else {
        return false;
    };
    match rest.split_once(':') {
        Some((h, m)) => {
            matches!((digits(h, 2), digits(m, 2)), (Some(h), Some(m)) if h < 24 && m < 60)
        }
        None => false,
    }
}

/// Checks an RFC 3339 `date-time`: a date, `T` (any case, or a space), and a time
/// with a required offset.
pub(super) fn date_time(text: &str) -> bool {
    let Some(split) = text.find(['T', 't', ' ']) else {
        return false;
    };
    let (day, clock) = (&text[..split], &text[split + 1..]);
    date(day) && time(clock) && split_offset(clock).1.is_some()
}

/// Five groups of 8-4-4-4-12 hexadecimal digits.
pub(super) fn uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    let lengths = [8, 4, 4, 4, 12];
    groups.len() == 5
        && groups
            .iter()
            .zip(lengths)
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Checks a URI: a scheme (a letter, then letters, digits, `+`, `-` or `.`), a colon and
/// a rest without whitespace.
pub(super) fn uri(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !rest.chars().any(char::is_whitespace)
}

/// `local@domain` with both parts non-empty and no whitespace.
pub(super) fn email(text: &str) -> bool {
    match text.rsplit_once('@') {
        Some((local, domain)) => {
            !local.is_empty() && !domain.is_empty() && !text.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

/// Base64 in the standard or URL-safe alphabet, with or without padding.
pub(super) fn base64(text: &str) -> bool {
    let body = text.trim_end_matches('=');
    let padding = text.len() - body.len();
    padding <= 2
        && (padding == 0 || text.len() % 4 == 0)
        && body.len() % 4 != 1
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert!(date("2024-02-29"));
        assert!(!date("2023-02-29"));
        assert!(!date("2024-13-01"));
        assert!(!date("24-01-01"));
    }

    #[test]
    fn date_times() {
        assert!(date_time("2024-05-01T12:30:00Z"));
        assert!(date_time("2024-05-01t12:30:00.5+02:00"));
        assert!(!date_time("2024-05-01T12:30:00"));
        assert!(!date_time("2024-05-01"));
    }

    #[test]
    fn times() {
        assert!(time("12:30:00"));
        assert!(time("23:59:60Z"));
        assert!(!time("24:00:00"));
    }

    #[test]
    fn other_formats() {
        assert!(uuid("123e4567-e89b-12d3-a456-426614174000"));
        assert!(!uuid("123e4567e89b12d3a456426614174000"));
        assert!(uri("https://example.com/a?b"));
        assert!(uri("urn:isbn:0451450523"));
        assert!(!uri("/relative/path"));
        assert!(email("a.b@example.com"));
        assert!(!email("nobody"));
        assert!(base64("aGVsbG8="));
        assert!(base64("aGVsbG8"));
        assert!(!base64("a"));
    }
}
