//! Resolution of plain YAML scalars by the YAML 1.2 core schema.

use crate::tree::{Number, Value};

/// Resolves a plain (unquoted, untagged) scalar to null, a boolean, a number
/// or a string, as the YAML 1.2 core schema does. YAML 1.1 forms such as
/// `yes`, `off` or `0777` octal are strings or decimal numbers here.
pub(crate) fn resolve_plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    if let Some(number) = resolve_number(text) {
        return Value::Number(number);
    }
    Value::String(text.to_owned())
}

/// Parses a core-schema integer or float into a JSON-syntax [`Number`].
pub(crate) fn resolve_number(text: &str) -> Option<Number> {
    if let Some(hex) = text.strip_prefix("0x") {
        return radix_integer(hex, 16);
    }
    if let Some(octal) = text.strip_prefix("0o") {
        return radix_integer(octal, 8);
    }
    let (negative, unsigned) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    match unsigned {
        ".inf" | ".Inf" | ".INF" => {
            let text = if negative { "-.inf" } else { ".inf" };
            return Some(Number::new(text, false));
        }
        ".nan" | ".NaN" | ".NAN" if unsigned.len() == text.len() => {
            return Some(Number::new(".nan", false));
        }
        _ => {}
    }
    let sign = if negative { "-" } else { "" };
    if !unsigned.is_empty() && unsigned.bytes().all(|b| b.is_ascii_digit()) {
        let digits = unsigned.trim_start_matches('0');
        let digits = if digits.is_empty() { "0" } else { digits };
        let sign = if digits == "0" { "" } else { sign };
        return Some(Number::new(format!("{sign}{digits}"), true));
    }
    float_text(unsigned).map(|t| Number::new(format!("{sign}{t}"), false))
}

fn radix_integer(digits: &str, radix: u32) -> Option<Number> {
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    match u128::from_str_radix(digits, radix) {
        Ok(value) => Some(Number::new(value.to_string(), true)),
        // Too large for 128 bits: keep it as an approximate float rather
        // than dropping it.
        Err(_) => {
            let value = digits
                .chars()
                .filter_map(|c| c.to_digit(radix))
                .fold(0f64, |acc, d| acc * f64::from(radix) + f64::from(d));
            Some(Number::new(format!("{value:e}"), false))
        }
    }
}

/// Checks `[0-9]*(\.[0-9]*)?([eE][-+]?[0-9]+)?` with at least one mantissa
/// digit, and rewrites it in JSON syntax (`.5` → `0.5`, `1.` → `1.0`).
fn float_text(text: &str) -> Option<String> {
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(i) => (&text[..i], Some(&text[i + 1..])),
        None => (text, None),
    };
    let (whole, fraction) = match mantissa.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (mantissa, None),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !fraction.is_none_or(digits) {
        return None;
    }
    if whole.is_empty() && fraction.is_none_or(str::is_empty) {
        return None;
    }
    if fraction.is_none() && exponent.is_none() {
        return None;
    }
    let mut out = String::with_capacity(text.len() + 2);
    out.push_str(if whole.is_empty() { "0" } else { whole });
    if let Some(f) = fraction {
        out.push('.');
        out.push_str(if f.is_empty() { "0" } else { f });
    }
    if let Some(e) = exponent {
        let e_digits = e.strip_prefix(['+', '-']).unwrap_or(e);
        if e_digits.is_empty() || !digits(e_digits) {
            return None;
        }
        // JSON allows both `e` and `E`; keep the one that was written.
        out.push_str(&text[text.len() - e.len() - 1..]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(text: &str) -> (String, bool) {
        match resolve_plain(text) {
            Value::Number(n) => (n.as_str().to_owned(), n.is_integer()),
            other => panic!("{text:?} resolved to {other:?}, not a number"),
        }
    }

    #[test]
    fn core_schema_nulls_and_booleans() {
        for text in ["", "~", "null", "Null", "NULL"] {
            assert_eq!(resolve_plain(text), Value::Null, "{text:?}");
        }
        assert_eq!(resolve_plain("True"), Value::Bool(true));
        assert_eq!(resolve_plain("FALSE"), Value::Bool(false));
    }

    #[test]
    fn yaml_1_1_words_stay_strings() {
        for text in [
            "yes",
            "no",
            "on",
            "off",
            "y",
            "2020-01-01",
            "1.2.3",
            "0x",
            "+",
            ".",
        ] {
            assert_eq!(resolve_plain(text), Value::String(text.into()), "{text:?}");
        }
    }

    #[test]
    fn integers_in_json_syntax() {
        assert_eq!(number("42"), ("42".into(), true));
        assert_eq!(number("+7"), ("7".into(), true));
        assert_eq!(number("-0"), ("0".into(), true));
        assert_eq!(number("007"), ("7".into(), true));
        assert_eq!(number("0x1F"), ("31".into(), true));
        assert_eq!(number("0o17"), ("15".into(), true));
        assert_eq!(
            number("18446744073709551616"),
            ("18446744073709551616".into(), true)
        );
    }

    #[test]
    fn floats_in_json_syntax() {
        assert_eq!(number(".5"), ("0.5".into(), false));
        assert_eq!(number("-1."), ("-1.0".into(), false));
        assert_eq!(number("1e3"), ("1e3".into(), false));
        assert_eq!(number("2.5E-3"), ("2.5E-3".into(), false));
        assert_eq!(number("-.inf"), ("-.inf".into(), false));
        assert_eq!(number(".NaN"), (".nan".into(), false));
    }
}
