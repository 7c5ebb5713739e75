//! W3C Trace Context parsing, generation and header propagation.
#![cfg(feature = "delivery")]

use std::fmt;
use std::sync::{Arc, Mutex};

use hookforge::trace::{
    webhook_span, TraceContext, TraceParent, TraceParentError, TraceState, TraceStateError,
    MAX_MEMBERS, TRACEPARENT, TRACESTATE,
};
use http::{HeaderMap, HeaderValue};

const TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT_ID: &str = "00f067aa0ba902b7";
const VALID: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

const TRACE_ID_BYTES: [u8; 16] = [
    0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6, 0xa3, 0xce, 0x92, 0x9d, 0x0e, 0x0e, 0x47, 0x36,
];
const PARENT_ID_BYTES: [u8; 8] = [0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7];

fn parse(value: &str) -> Result<TraceParent, TraceParentError> {
    value.parse()
}

/// A random source that returns 1, 2, 3, ...
fn counter() -> impl FnMut() -> u64 {
    let mut next = 0;
    move || {
        next += 1;
        next
    }
}

#[test]
fn traceparent_parses_fields() {
    let parent = parse(VALID).expect("valid traceparent");
    assert_eq!(parent.version(), 0);
    assert_eq!(parent.trace_id(), TRACE_ID_BYTES);
    assert_eq!(parent.parent_id(), PARENT_ID_BYTES);
    assert_eq!(parent.flags(), 0x01);
    assert!(parent.sampled());
    assert_eq!(parent.trace_id_hex(), TRACE_ID);
    assert_eq!(parent.parent_id_hex(), PARENT_ID);
}

#[test]
fn traceparent_valid_vectors_round_trip() {
    let valid = [
        VALID,
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-ff",
        "00-00000000000000000000000000000001-0000000000000001-00",
        "00-ffffffffffffffffffffffffffffffff-ffffffffffffffff-09",
        "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "fe-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    ];
    for value in valid {
        let parent = parse(value).unwrap_or_else(|error| panic!("{value}: {error}"));
        assert_eq!(parent.to_string(), value);
    }
}

#[test]
fn traceparent_flags_other_than_sampled() {
    let parent = parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-02")
        .expect("valid traceparent");
    assert_eq!(parent.flags(), 0x02);
    assert!(!parent.sampled());
}

#[test]
fn future_version_ignores_trailing_fields() {
    let value = "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-holds";
    let parent = parse(value).expect("future version parses");
    assert_eq!(parent.version(), 0xcc);
    assert_eq!(parent.trace_id(), TRACE_ID_BYTES);
    assert_eq!(parent.parent_id(), PARENT_ID_BYTES);
    assert!(parent.sampled());
    assert_eq!(
        parent.to_string(),
        "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    );

    let bare_dash = "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-";
    assert!(parse(bare_dash).is_ok());
}

#[test]
fn traceparent_invalid_vectors() {
    use TraceParentError::*;
    let cases: &[(&str, TraceParentError)] = &[
        ("", InvalidLength(0)),
        (
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0",
            InvalidLength(54),
        ),
        (
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-011",
            InvalidLength(56),
        ),
        // Version 00 has exactly four fields.
        (
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
            InvalidLength(61),
        ),
        (
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01 ",
            InvalidLength(56),
        ),
        (
            " 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            InvalidVersion,
        ),
        (
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            InvalidVersion,
        ),
        (
            "0A-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            InvalidVersion,
        ),
        (
            "0g-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            InvalidVersion,
        ),
        (
            "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            InvalidDelimiter,
        ),
        (
            "00-4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7-01",
            InvalidDelimiter,
        ),
        (
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7_01",
            InvalidDelimiter,
        ),
        // A shorter trace id moves every later delimiter.
        (
            "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01x",
            InvalidDelimiter,
        ),
        // A later version may only add fields after a '-'.
        (
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x",
            InvalidDelimiter,
        ),
        (
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            InvalidTraceId,
        ),
        (
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            InvalidTraceId,
        ),
        (
            "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",
            InvalidTraceId,
        ),
        (
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00F067AA0BA902B7-01",
            InvalidParentId,
        ),
        (
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            InvalidParentId,
        ),
        (
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0A",
            InvalidFlags,
        ),
        (
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-.1",
            InvalidFlags,
        ),
        // Two bytes of UTF-8 in place of one hex digit keep the length at 55.
        (
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902é-01",
            InvalidParentId,
        ),
        // Future versions still reject invalid ids.
        (
            "01-00000000000000000000000000000000-00f067aa0ba902b7-01-x",
            InvalidTraceId,
        ),
    ];
    for (value, expected) in cases {
        assert_eq!(parse(value), Err(*expected), "value {value:?}");
    }
}

#[test]
fn traceparent_new_rejects_zero_ids() {
    assert_eq!(
        TraceParent::new([0; 16], PARENT_ID_BYTES, 1),
        Err(TraceParentError::InvalidTraceId)
    );
    assert_eq!(
        TraceParent::new(TRACE_ID_BYTES, [0; 8], 1),
        Err(TraceParentError::InvalidParentId)
    );
    let parent = TraceParent::new(TRACE_ID_BYTES, PARENT_ID_BYTES, 1).expect("valid ids");
    assert_eq!(parent.to_string(), VALID);
}

#[test]
fn new_root_uses_random_ids() {
    let parent = TraceParent::new_root(&mut counter());
    assert_eq!(
        parent.to_string(),
        "00-00000000000000010000000000000002-0000000000000003-01"
    );
    assert!(parent.sampled());
    assert_eq!(parse(&parent.to_string()), Ok(parent));
}

#[test]
fn new_root_never_yields_zero_ids() {
    let parent = TraceParent::new_root(&mut || 0);
    assert_ne!(parent.trace_id(), [0; 16]);
    assert_ne!(parent.parent_id(), [0; 8]);
    assert_eq!(parse(&parent.to_string()), Ok(parent));
}

#[test]
fn new_roots_differ() {
    let mut rng = fastrand::Rng::with_seed(3);
    let first = TraceParent::new_root(&mut || rng.u64(..));
    let second = TraceParent::new_root(&mut || rng.u64(..));
    assert_ne!(first.trace_id(), second.trace_id());
    assert_ne!(first.parent_id(), second.parent_id());
}

#[test]
fn child_keeps_trace_and_flags() {
    let parent = parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00")
        .expect("valid traceparent");
    let child = parent.child(&mut || 0x1122_3344_5566_7788);
    assert_eq!(
        child.to_string(),
        "00-4bf92f3577b34da6a3ce929d0e0e4736-1122334455667788-00"
    );
    assert!(!child.sampled());
}

#[test]
fn child_of_future_version_is_version_00() {
    let parent = parse("7f-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-more")
        .expect("future version parses");
    let child = parent.child(&mut counter());
    assert_eq!(child.version(), 0);
    assert_eq!(child.trace_id(), TRACE_ID_BYTES);
}

#[test]
fn with_sampled_toggles_only_sampled_bit() {
    let parent = parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03")
        .expect("valid traceparent");
    let unsampled = parent.with_sampled(false);
    assert_eq!(unsampled.flags(), 0x02);
    assert_eq!(unsampled.with_sampled(true).flags(), 0x03);
}

fn parse_state(value: &str) -> Result<TraceState, TraceStateError> {
    value.parse()
}

#[test]
fn tracestate_valid_values_normalized() {
    // (header as received, header as forwarded)
    let valid = [
        (
            "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE",
            "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE",
        ),
        (
            "rojo=00f067aa0ba902b7 ,\tcongo=t61rcWkgMzE",
            "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE",
        ),
        ("fw529a3039@dt=abc", "fw529a3039@dt=abc"),
        ("1tenant@sys=v", "1tenant@sys=v"),
        (
            "a_-*/9=value with spaces inside",
            "a_-*/9=value with spaces inside",
        ),
        (
            "k=!\"#$%&'()*+-./:;<>?@[\\]^_`{|}~",
            "k=!\"#$%&'()*+-./:;<>?@[\\]^_`{|}~",
        ),
        ("", ""),
        (" , ,\t,", ""),
    ];
    for (received, forwarded) in valid {
        let state = parse_state(received).unwrap_or_else(|error| panic!("{received:?}: {error}"));
        assert_eq!(state.as_str(), forwarded);
        assert_eq!(state.to_string(), forwarded);
    }
}

#[test]
fn tracestate_lookup_and_order() {
    let state = parse_state(" rojo=1, ,congo=two words\t,x@y=3").expect("valid tracestate");
    assert_eq!(state.len(), 3);
    assert!(!state.is_empty());
    assert_eq!(state.get("rojo"), Some("1"));
    assert_eq!(state.get("congo"), Some("two words"));
    assert_eq!(state.get("x@y"), Some("3"));
    assert_eq!(state.get("blue"), None);
    let entries: Vec<_> = state.entries().collect();
    assert_eq!(
        entries,
        vec![("rojo", "1"), ("congo", "two words"), ("x@y", "3")]
    );

    let empty = parse_state(", ,").expect("empty members are allowed");
    assert!(empty.is_empty());
    assert_eq!(empty.len(), 0);
}

#[test]
fn tracestate_member_limit() {
    let members = |count: usize| {
        (0..count)
            .map(|index| format!("k{index}=v"))
            .collect::<Vec<_>>()
            .join(",")
    };
    let state = parse_state(&members(MAX_MEMBERS)).expect("32 members are allowed");
    assert_eq!(state.len(), 32);
    // Empty members do not count toward the limit.
    assert!(parse_state(&format!("{},,,", members(MAX_MEMBERS))).is_ok());
    assert_eq!(
        parse_state(&members(MAX_MEMBERS + 1)),
        Err(TraceStateError::TooManyMembers(33))
    );
}

#[test]
fn tracestate_length_limits() {
    let key_256 = format!("k{}", "a".repeat(255));
    assert!(parse_state(&format!("{key_256}=v")).is_ok());
    let key_257 = format!("k{}", "a".repeat(256));
    assert!(matches!(
        parse_state(&format!("{key_257}=v")),
        Err(TraceStateError::InvalidKey(_))
    ));

    let tenant_241 = "t".repeat(241);
    let tenant_242 = "t".repeat(242);
    let system_14 = "s".repeat(14);
    let system_15 = "s".repeat(15);
    assert!(parse_state(&format!("{tenant_241}@{system_14}=v")).is_ok());
    assert!(parse_state(&format!("{tenant_242}@{system_14}=v")).is_err());
    assert!(parse_state(&format!("{tenant_241}@{system_15}=v")).is_err());

    assert!(parse_state(&format!("k={}", "v".repeat(256))).is_ok());
    assert_eq!(
        parse_state(&format!("k={}", "v".repeat(257))),
        Err(TraceStateError::InvalidValue("k".to_owned()))
    );
}

#[test]
fn tracestate_invalid_vectors() {
    use TraceStateError::*;
    let cases = [
        ("Rojo=1", InvalidKey("Rojo".to_owned())),
        ("1abc=1", InvalidKey("1abc".to_owned())),
        ("ro jo=1", InvalidKey("ro jo".to_owned())),
        ("=1", InvalidKey(String::new())),
        ("a@=1", InvalidKey("a@".to_owned())),
        ("@b=1", InvalidKey("@b".to_owned())),
        ("a@1b=1", InvalidKey("a@1b".to_owned())),
        ("a@b@c=1", InvalidKey("a@b@c".to_owned())),
        ("_a=1", InvalidKey("_a".to_owned())),
        ("rojo", MissingEquals("rojo".to_owned())),
        ("rojo=1,congo", MissingEquals("congo".to_owned())),
        ("rojo=", InvalidValue("rojo".to_owned())),
        ("rojo= ", InvalidValue("rojo".to_owned())),
        ("rojo=a=b", InvalidValue("rojo".to_owned())),
        ("rojo=é", InvalidValue("rojo".to_owned())),
        ("rojo=a\u{7f}", InvalidValue("rojo".to_owned())),
        ("rojo=a\tb", InvalidValue("rojo".to_owned())),
        ("rojo=1,rojo=2", DuplicateKey("rojo".to_owned())),
    ];
    for (value, expected) in cases {
        assert_eq!(parse_state(value), Err(expected), "value {value:?}");
    }
}

fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        let name: http::HeaderName = name.parse().expect("valid header name");
        map.append(
            name,
            HeaderValue::from_str(value).expect("valid header value"),
        );
    }
    map
}

#[test]
fn extract_reads_both_headers() {
    let map = headers(&[("traceparent", VALID), ("tracestate", "rojo=1,congo=2")]);
    let context = TraceContext::extract(&map).expect("valid context");
    assert_eq!(context.parent.to_string(), VALID);
    let state = context.state.expect("valid tracestate");
    assert_eq!(state.as_str(), "rojo=1,congo=2");
}

#[test]
fn extract_rejects_missing_invalid_or_repeated_traceparent() {
    let missing = headers(&[("tracestate", "rojo=1")]);
    assert_eq!(TraceContext::extract(&missing), None);

    let invalid = headers(&[(
        "traceparent",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
    )]);
    assert_eq!(TraceContext::extract(&invalid), None);

    let repeated = headers(&[("traceparent", VALID), ("traceparent", VALID)]);
    assert_eq!(TraceContext::extract(&repeated), None);

    let mut non_ascii = HeaderMap::new();
    non_ascii.insert(
        TRACEPARENT,
        HeaderValue::from_bytes("00-é".as_bytes()).expect("opaque bytes are allowed"),
    );
    assert_eq!(TraceContext::extract(&non_ascii), None);
}

#[test]
fn extract_drops_only_invalid_tracestate() {
    let map = headers(&[("traceparent", VALID), ("tracestate", "Rojo=1")]);
    let context = TraceContext::extract(&map).expect("traceparent is valid");
    assert_eq!(context.parent.to_string(), VALID);
    assert_eq!(context.state, None);

    let map = headers(&[("traceparent", VALID)]);
    let context = TraceContext::extract(&map).expect("traceparent is valid");
    assert_eq!(context.state, None);
}

#[test]
fn extract_joins_repeated_tracestate() {
    let map = headers(&[
        ("traceparent", VALID),
        ("tracestate", "rojo=1"),
        ("tracestate", "congo=2"),
    ]);
    let state = TraceContext::extract(&map)
        .and_then(|context| context.state)
        .expect("valid tracestate");
    assert_eq!(state.as_str(), "rojo=1,congo=2");
    assert_eq!(state.get("congo"), Some("2"));

    let duplicate = headers(&[
        ("traceparent", VALID),
        ("tracestate", "rojo=1"),
        ("tracestate", "rojo=2"),
    ]);
    let context = TraceContext::extract(&duplicate).expect("traceparent is valid");
    assert_eq!(context.state, None);
}

#[test]
fn inject_writes_and_replaces() {
    let mut map = headers(&[
        (
            "traceparent",
            "00-11111111111111111111111111111111-1111111111111111-01",
        ),
        ("tracestate", "old=1"),
        ("tracestate", "older=2"),
        ("content-type", "application/json"),
    ]);
    let context = TraceContext {
        parent: VALID.parse().expect("valid traceparent"),
        state: Some(parse_state("rojo=1").expect("valid tracestate")),
    };
    context.inject(&mut map);

    assert_eq!(map.get_all(TRACEPARENT).iter().count(), 1);
    assert_eq!(map[TRACEPARENT], VALID);
    assert_eq!(map.get_all(TRACESTATE).iter().count(), 1);
    assert_eq!(map[TRACESTATE], "rojo=1");
    assert_eq!(map["content-type"], "application/json");
}

#[test]
fn inject_omits_empty_tracestate() {
    let mut map = headers(&[("tracestate", "stale=1")]);
    let context = TraceContext {
        parent: VALID.parse().expect("valid traceparent"),
        state: Some(parse_state(" , ").expect("empty tracestate is valid")),
    };
    context.inject(&mut map);
    assert!(map.get(TRACESTATE).is_none());

    let root = TraceContext::new_root(&mut counter());
    root.inject(&mut map);
    assert!(map.get(TRACESTATE).is_none());
    assert_eq!(
        map[TRACEPARENT],
        "00-00000000000000010000000000000002-0000000000000003-01"
    );
}

#[test]
fn child_context_round_trips_through_headers() {
    let incoming = headers(&[("traceparent", VALID), ("tracestate", "rojo=1")]);
    let context = TraceContext::extract(&incoming).expect("valid context");
    let child = context.child(&mut counter());

    let mut outgoing = HeaderMap::new();
    child.inject(&mut outgoing);
    let received = TraceContext::extract(&outgoing).expect("valid context");
    assert_eq!(received, child);
    assert_eq!(received.parent.trace_id(), TRACE_ID_BYTES);
    assert_ne!(received.parent.parent_id(), PARENT_ID_BYTES);
    assert_eq!(
        received.state.as_ref().map(TraceState::as_str),
        Some("rojo=1")
    );
}

/// A span's name and its fields, each value in `Debug` form.
type RecordedSpan = (String, Vec<(String, String)>);

/// A subscriber that stores the name and fields of every new span.
#[derive(Clone, Default)]
struct SpanRecorder {
    spans: Arc<Mutex<Vec<RecordedSpan>>>,
}

struct FieldVisitor<'a>(&'a mut Vec<(String, String)>);

impl tracing::field::Visit for FieldVisitor<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn fmt::Debug) {
        self.0.push((field.name().to_owned(), format!("{value:?}")));
    }
}

impl tracing::Subscriber for SpanRecorder {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, attributes: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let mut fields = Vec::new();
        attributes.record(&mut FieldVisitor(&mut fields));
        let mut spans = self.spans.lock().expect("span lock");
        spans.push((attributes.metadata().name().to_owned(), fields));
        tracing::span::Id::from_u64(spans.len() as u64)
    }

    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}

    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}

    fn event(&self, _: &tracing::Event<'_>) {}

    fn enter(&self, _: &tracing::span::Id) {}

    fn exit(&self, _: &tracing::span::Id) {}
}

#[test]
fn webhook_span_carries_ids() {
    let recorder = SpanRecorder::default();
    let parent: TraceParent = VALID.parse().expect("valid traceparent");
    tracing::subscriber::with_default(recorder.clone(), || {
        let _span = webhook_span(&parent);
    });

    let spans = recorder.spans.lock().expect("span lock");
    assert_eq!(spans.len(), 1);
    let (name, fields) = &spans[0];
    assert_eq!(name, "webhook");
    let expected = vec![
        ("trace_id".to_owned(), TRACE_ID.to_owned()),
        ("parent_id".to_owned(), PARENT_ID.to_owned()),
        ("sampled".to_owned(), "true".to_owned()),
    ];
    assert_eq!(fields, &expected);
}
