//! Metric names, labels and values, read back through a debugging recorder.
#![cfg(feature = "delivery")]

use std::time::{Duration, Instant};

use hookforge::breaker::{BreakerConfig, CircuitBreaker};
use hookforge::metrics::{
    describe, outcome_label, record_attempt, set_dead_letter_depth, BREAKER_STATE,
    BREAKER_TRANSITIONS_TOTAL, DEAD_LETTER_DEPTH, DELIVERY_ATTEMPTS_TOTAL,
    DELIVERY_LATENCY_SECONDS, DELIVERY_PAYLOAD_BYTES,
};
use hookforge::retry::AttemptOutcome;
use http::StatusCode;
use metrics::Unit;
use metrics_util::debugging::{DebugValue, DebuggingRecorder, Snapshotter};
use metrics_util::MetricKind;

/// One metric from a snapshot, with its labels sorted by key.
#[derive(Debug)]
struct Sample {
    kind: MetricKind,
    name: String,
    labels: Vec<(String, String)>,
    unit: Option<Unit>,
    description: Option<String>,
    value: DebugValue,
}

/// Runs `record` with a fresh thread-local recorder and returns what it
/// recorded.
fn capture(record: impl FnOnce()) -> Vec<Sample> {
    let recorder = DebuggingRecorder::new();
    let snapshotter: Snapshotter = recorder.snapshotter();
    metrics::with_local_recorder(&recorder, record);
    snapshotter
        .snapshot()
        .into_vec()
        .into_iter()
        .map(|(key, unit, description, value)| {
            let (kind, key) = key.into_parts();
            let mut labels: Vec<_> = key
                .labels()
                .map(|label| (label.key().to_owned(), label.value().to_owned()))
                .collect();
            labels.sort();
            Sample {
                kind,
                name: key.name().to_owned(),
                labels,
                unit,
                description: description.map(|text| text.into_owned()),
                value,
            }
        })
        .collect()
}

fn labels(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut labels: Vec<_> = pairs
        .iter()
        .map(|(key, value)| (key.to_string(), value.to_string()))
        .collect();
    labels.sort();
    labels
}

/// Finds the one sample with this name and these labels.
fn find<'a>(samples: &'a [Sample], name: &str, pairs: &[(&str, &str)]) -> &'a Sample {
    let wanted = labels(pairs);
    let matches: Vec<_> = samples
        .iter()
        .filter(|sample| sample.name == name && sample.labels == wanted)
        .collect();
    assert_eq!(
        matches.len(),
        1,
        "expected one {name} with labels {wanted:?}, got {samples:#?}"
    );
    matches[0]
}

fn counter(sample: &Sample) -> u64 {
    assert_eq!(sample.kind, MetricKind::Counter, "{sample:?}");
    match sample.value {
        DebugValue::Counter(value) => value,
        _ => panic!("{} is not a counter", sample.name),
    }
}

fn gauge(sample: &Sample) -> f64 {
    assert_eq!(sample.kind, MetricKind::Gauge, "{sample:?}");
    match &sample.value {
        DebugValue::Gauge(value) => value.0,
        _ => panic!("{} is not a gauge", sample.name),
    }
}

fn histogram(sample: &Sample) -> Vec<f64> {
    assert_eq!(sample.kind, MetricKind::Histogram, "{sample:?}");
    match &sample.value {
        DebugValue::Histogram(values) => values.iter().map(|value| value.0).collect(),
        _ => panic!("{} is not a histogram", sample.name),
    }
}

#[test]
fn metric_names_are_stable() {
    assert_eq!(DELIVERY_ATTEMPTS_TOTAL, "hookforge_delivery_attempts_total");
    assert_eq!(
        DELIVERY_LATENCY_SECONDS,
        "hookforge_delivery_latency_seconds"
    );
    assert_eq!(DELIVERY_PAYLOAD_BYTES, "hookforge_delivery_payload_bytes");
    assert_eq!(DEAD_LETTER_DEPTH, "hookforge_dead_letter_depth");
    assert_eq!(BREAKER_STATE, "hookforge_breaker_state");
    assert_eq!(
        BREAKER_TRANSITIONS_TOTAL,
        "hookforge_breaker_transitions_total"
    );
}

#[test]
fn attempts_counted_by_endpoint_and_outcome() {
    let samples = capture(|| {
        let ok = AttemptOutcome::Response(StatusCode::OK);
        let unavailable = AttemptOutcome::Response(StatusCode::SERVICE_UNAVAILABLE);
        let not_found = AttemptOutcome::Response(StatusCode::NOT_FOUND);
        record_attempt("a", &ok, Duration::from_millis(20), 100);
        record_attempt("a", &ok, Duration::from_millis(40), 200);
        record_attempt("a", &unavailable, Duration::from_millis(500), 100);
        record_attempt("a", &AttemptOutcome::TimedOut, Duration::from_secs(30), 100);
        record_attempt("b", &not_found, Duration::from_millis(10), 50);
        record_attempt("b", &AttemptOutcome::ConnectionFailed, Duration::ZERO, 50);
    });

    let cases = [
        ("a", "2xx", 2),
        ("a", "5xx", 1),
        ("a", "timeout", 1),
        ("b", "4xx", 1),
        ("b", "connection", 1),
    ];
    for (endpoint, outcome, expected) in cases {
        let sample = find(
            &samples,
            DELIVERY_ATTEMPTS_TOTAL,
            &[("endpoint", endpoint), ("outcome", outcome)],
        );
        assert_eq!(counter(sample), expected, "{endpoint} {outcome}");
    }
    let attempt_series = samples
        .iter()
        .filter(|sample| sample.name == DELIVERY_ATTEMPTS_TOTAL)
        .count();
    assert_eq!(attempt_series, cases.len());
}

#[test]
fn latency_and_payload_recorded_per_endpoint() {
    let samples = capture(|| {
        let ok = AttemptOutcome::Response(StatusCode::OK);
        record_attempt("a", &ok, Duration::from_millis(250), 1_024);
        record_attempt(
            "a",
            &AttemptOutcome::TimedOut,
            Duration::from_secs(30),
            2_048,
        );
        record_attempt("b", &ok, Duration::from_micros(1_500), 7);
    });

    let latency_a = histogram(find(
        &samples,
        DELIVERY_LATENCY_SECONDS,
        &[("endpoint", "a")],
    ));
    assert_eq!(latency_a, vec![0.25, 30.0]);
    let latency_b = histogram(find(
        &samples,
        DELIVERY_LATENCY_SECONDS,
        &[("endpoint", "b")],
    ));
    assert_eq!(latency_b, vec![0.0015]);

    let payload_a = histogram(find(&samples, DELIVERY_PAYLOAD_BYTES, &[("endpoint", "a")]));
    assert_eq!(payload_a, vec![1_024.0, 2_048.0]);
    let payload_b = histogram(find(&samples, DELIVERY_PAYLOAD_BYTES, &[("endpoint", "b")]));
    assert_eq!(payload_b, vec![7.0]);
}

#[test]
fn outcome_labels_by_class() {
    let status = |code: u16| {
        AttemptOutcome::Response(StatusCode::from_u16(code).expect("valid status code"))
    };
    let table = [
        (status(100), "1xx"),
        (status(204), "2xx"),
        (status(299), "2xx"),
        (status(308), "3xx"),
        (status(429), "4xx"),
        (status(500), "5xx"),
        (status(599), "5xx"),
        (status(600), "other_status"),
        (status(999), "other_status"),
        (AttemptOutcome::ConnectionFailed, "connection"),
        (AttemptOutcome::TimedOut, "timeout"),
        (AttemptOutcome::InvalidRequest, "invalid_request"),
    ];
    for (outcome, label) in table {
        assert_eq!(outcome_label(&outcome), label, "{outcome:?}");
    }
}

#[test]
fn dead_letter_depth_is_a_gauge() {
    let samples = capture(|| {
        set_dead_letter_depth(12);
        set_dead_letter_depth(3);
    });
    let sample = find(&samples, DEAD_LETTER_DEPTH, &[]);
    assert_eq!(gauge(sample), 3.0);
}

#[test]
fn describe_sets_units_and_help() {
    let samples = capture(|| {
        describe();
        record_attempt(
            "a",
            &AttemptOutcome::Response(StatusCode::OK),
            Duration::from_millis(1),
            1,
        );
        set_dead_letter_depth(0);
    });
    let expected_units = [
        (DELIVERY_ATTEMPTS_TOTAL, Unit::Count),
        (DELIVERY_LATENCY_SECONDS, Unit::Seconds),
        (DELIVERY_PAYLOAD_BYTES, Unit::Bytes),
        (DEAD_LETTER_DEPTH, Unit::Count),
    ];
    for (name, unit) in expected_units {
        let sample = samples
            .iter()
            .find(|sample| sample.name == name)
            .unwrap_or_else(|| panic!("{name} missing from {samples:#?}"));
        assert_eq!(sample.unit, Some(unit), "{name}");
        let description = sample.description.as_deref().unwrap_or_default();
        assert!(!description.is_empty(), "{name} has no help text");
    }
}

#[test]
fn breaker_transitions_counted_with_states() {
    let start = Instant::now();
    let config = BreakerConfig {
        consecutive_failures: 2,
        cool_down: Duration::from_secs(10),
        ..BreakerConfig::default()
    };

    let samples = capture(|| {
        let mut breaker = CircuitBreaker::new("orders", config);
        for _ in 0..2 {
            let permit = breaker.try_acquire(start).expect("closed");
            breaker.record_failure(permit, start);
        }
    });
    let opened = find(
        &samples,
        BREAKER_TRANSITIONS_TOTAL,
        &[("endpoint", "orders"), ("from", "closed"), ("to", "open")],
    );
    assert_eq!(counter(opened), 1);
    let state = find(&samples, BREAKER_STATE, &[("endpoint", "orders")]);
    assert_eq!(gauge(state), 2.0);
}

#[test]
fn breaker_state_gauge_follows_each_state() {
    let start = Instant::now();
    let config = BreakerConfig {
        consecutive_failures: 1,
        cool_down: Duration::from_secs(10),
        ..BreakerConfig::default()
    };
    let mut breaker = None;
    let mut probe = None;

    let samples = capture(|| {
        breaker = Some(CircuitBreaker::new("orders", config));
    });
    assert_eq!(
        gauge(find(&samples, BREAKER_STATE, &[("endpoint", "orders")])),
        0.0
    );
    let breaker = breaker.as_mut().expect("breaker created");

    let samples = capture(|| {
        let permit = breaker.try_acquire(start).expect("closed");
        breaker.record_failure(permit, start);
        probe = Some(
            breaker
                .try_acquire(start + Duration::from_secs(10))
                .expect("probe"),
        );
    });
    let to_half_open = find(
        &samples,
        BREAKER_TRANSITIONS_TOTAL,
        &[
            ("endpoint", "orders"),
            ("from", "open"),
            ("to", "half_open"),
        ],
    );
    assert_eq!(counter(to_half_open), 1);
    assert_eq!(
        gauge(find(&samples, BREAKER_STATE, &[("endpoint", "orders")])),
        1.0
    );

    let samples = capture(|| {
        let probe = probe.take().expect("probe granted");
        breaker.record_success(probe, start + Duration::from_secs(11));
    });
    let closed = find(
        &samples,
        BREAKER_TRANSITIONS_TOTAL,
        &[
            ("endpoint", "orders"),
            ("from", "half_open"),
            ("to", "closed"),
        ],
    );
    assert_eq!(counter(closed), 1);
    assert_eq!(
        gauge(find(&samples, BREAKER_STATE, &[("endpoint", "orders")])),
        0.0
    );
}
