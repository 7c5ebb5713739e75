//! Hostile `traceparent` and `tracestate` values.
#![cfg(feature = "delivery")]

use std::time::{Duration, Instant};

use hookforge::trace::{TraceContext, TraceParent, TraceState, TRACEPARENT, TRACESTATE};
use http::{HeaderMap, HeaderValue};

const VALID: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

#[test]
fn traceparent_rejects_hostile_shapes() {
    let cases = [
        String::new(),
        VALID.to_uppercase(),
        format!("{VALID}-"),
        format!(" {VALID}"),
        VALID.replacen("00-", "ff-", 1),
        VALID.replace('-', "_"),
        // A two-byte character across the version delimiter.
        format!("0\u{e9}{}", &VALID[3..]),
        format!("00-{}-00f067aa0ba902b7-01", "\u{e9}".repeat(16)),
        format!(
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01{}",
            "x".repeat(1 << 20)
        ),
    ];
    for text in cases {
        let started = Instant::now();
        assert!(
            text.parse::<TraceParent>().is_err(),
            "accepted {:?}",
            text.get(..80)
        );
        assert!(started.elapsed() < Duration::from_millis(200));
    }
}

/// A later version may carry more fields. A megabyte of them parses in
/// linear time and is dropped, so it never reaches an outgoing request.
#[test]
fn later_version_tail_is_dropped() {
    let text = format!(
        "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-{}",
        "x".repeat(1 << 20)
    );
    let started = Instant::now();
    let parent: TraceParent = text.parse().expect("later version");
    assert!(started.elapsed() < Duration::from_millis(200));
    assert_eq!(parent.to_string().len(), 55);
}

#[test]
fn tracestate_limits_hold_in_linear_time() {
    let many_members = (0..100_000)
        .map(|index| format!("k{index}=v"))
        .collect::<Vec<_>>()
        .join(",");
    let duplicate = format!("{},a=1", "a=1,".repeat(10));
    let long_value = format!("k={}", "v".repeat(257));
    let long_key = format!("{}=v", "k".repeat(257));
    for text in [
        many_members,
        duplicate,
        long_value,
        long_key,
        "k=v\u{0}".to_owned(),
    ] {
        let started = Instant::now();
        assert!(
            text.parse::<TraceState>().is_err(),
            "accepted {:?}",
            text.get(..80)
        );
        assert!(
            started.elapsed() < Duration::from_millis(500),
            "{:?}",
            started.elapsed()
        );
    }
}

/// W3C Trace Context allows at most 32 list-members. Empty members are
/// allowed, so a header padded with commas must be forwarded without them.
#[test]
fn tracestate_of_commas_not_forwarded_whole() {
    let text = format!("a=1{}", ",".repeat(100_000));
    let mut headers = HeaderMap::new();
    headers.insert(TRACEPARENT, HeaderValue::from_static(VALID));
    headers.insert(TRACESTATE, HeaderValue::from_str(&text).expect("header"));
    let context = TraceContext::extract(&headers).expect("valid traceparent");
    let mut outgoing = HeaderMap::new();
    context.child(&mut || 7).inject(&mut outgoing);
    let forwarded = outgoing.get(TRACESTATE).map_or(0, |value| value.len());
    assert!(
        forwarded <= 512,
        "forwarded a tracestate of {forwarded} bytes"
    );
}

/// Errors about attacker-chosen text should quote a bounded part of it, as
/// the signing errors do, because callers log them.
#[test]
fn tracestate_error_quotes_short() {
    let text = "k".repeat(200_000);
    let error = text.parse::<TraceState>().expect_err("no '='");
    assert!(
        error.to_string().len() < 400,
        "message of {} bytes",
        error.to_string().len()
    );
}

#[test]
fn extract_ignores_duplicate_or_bad_traceparent() {
    let mut headers = HeaderMap::new();
    headers.append(TRACEPARENT, HeaderValue::from_static(VALID));
    headers.append(TRACEPARENT, HeaderValue::from_static(VALID));
    assert_eq!(TraceContext::extract(&headers), None);

    let mut headers = HeaderMap::new();
    headers.insert(
        TRACEPARENT,
        HeaderValue::from_bytes(b"00-\xff\xfe").expect("obs-text"),
    );
    assert_eq!(TraceContext::extract(&headers), None);
}
