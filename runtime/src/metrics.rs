//! Delivery metrics, recorded through the facade of the `metrics` crate.
//!
//! Nothing is exported until the application installs a recorder, such as
//! `metrics-exporter-prometheus`. Call [`describe`] once after installing it
//! so the exporter can show units and help text. The typed functions below
//! are the only place that spells metric names and label keys.
//!
//! | name | kind | labels | meaning |
//! |------|------|--------|---------|
//! | `hookforge_delivery_attempts_total` | counter | `endpoint`, `outcome` | delivery attempts made |
//! | `hookforge_delivery_latency_seconds` | histogram | `endpoint` | time from sending a request to its response or failure |
//! | `hookforge_delivery_payload_bytes` | histogram | `endpoint` | request body size of each attempt |
//! | `hookforge_dead_letter_depth` | gauge | none | deliveries in the dead-letter queue |
//! | `hookforge_breaker_state` | gauge | `endpoint` | circuit breaker state: 0 closed, 1 half-open, 2 open |
//! | `hookforge_breaker_transitions_total` | counter | `endpoint`, `from`, `to` | circuit breaker state changes |
//!
//! The `outcome` label takes one of the values that [`outcome_label`]
//! returns: `1xx` to `5xx` by status class, `other_status` for status 600
//! and above, `connection`, `timeout` and `invalid_request`. The `from` and
//! `to` labels take the values of [`BreakerState::as_str`]: `closed`,
//! `half_open` and `open`.
//!
//! Each endpoint adds a label value, so pass an endpoint id or a URL without
//! credentials, and keep the number of endpoints per process bounded.
//!
//! # Example
//!
//! ```
//! use std::time::Duration;
//! use hookforge::metrics::record_attempt;
//! use hookforge::retry::AttemptOutcome;
//! use http::StatusCode;
//!
//! // Without an installed recorder this records nothing, and costs little.
//! record_attempt(
//!     "orders-endpoint",
//!     &AttemptOutcome::Response(StatusCode::OK),
//!     Duration::from_millis(85),
//!     1_024,
//! );
//! ```

use std::time::Duration;

use ::metrics::{
    counter, describe_counter, describe_gauge, describe_histogram, gauge, histogram, Unit,
};

use crate::breaker::BreakerState;
use crate::retry::AttemptOutcome;

/// Name of the counter of delivery attempts.
pub const DELIVERY_ATTEMPTS_TOTAL: &str = "hookforge_delivery_attempts_total";
/// Name of the histogram of attempt latency, in seconds.
pub const DELIVERY_LATENCY_SECONDS: &str = "hookforge_delivery_latency_seconds";
/// Name of the histogram of request body sizes, in bytes.
pub const DELIVERY_PAYLOAD_BYTES: &str = "hookforge_delivery_payload_bytes";
/// Name of the gauge of dead-letter queue depth.
pub const DEAD_LETTER_DEPTH: &str = "hookforge_dead_letter_depth";
/// Name of the gauge of circuit breaker state per endpoint.
pub const BREAKER_STATE: &str = "hookforge_breaker_state";
/// Name of the counter of circuit breaker transitions.
pub const BREAKER_TRANSITIONS_TOTAL: &str = "hookforge_breaker_transitions_total";

const ENDPOINT: &str = "endpoint";
const OUTCOME: &str = "outcome";
const FROM: &str = "from";
const TO: &str = "to";

/// Registers the unit and help text of every metric with the installed
/// recorder.
///
/// Call it once after installing the recorder. Recording works without it,
/// but exporters then show no help text.
pub fn describe() {
    describe_counter!(
        DELIVERY_ATTEMPTS_TOTAL,
        Unit::Count,
        "Webhook delivery attempts, by endpoint and outcome."
    );
    describe_histogram!(
        DELIVERY_LATENCY_SECONDS,
        Unit::Seconds,
        "Time from sending a webhook request to its response or failure."
    );
    describe_histogram!(
        DELIVERY_PAYLOAD_BYTES,
        Unit::Bytes,
        "Request body size of each webhook delivery attempt."
    );
    describe_gauge!(
        DEAD_LETTER_DEPTH,
        Unit::Count,
        "Webhook deliveries waiting in the dead-letter queue."
    );
    describe_gauge!(
        BREAKER_STATE,
        "Circuit breaker state per endpoint: 0 closed, 1 half-open, 2 open."
    );
    describe_counter!(
        BREAKER_TRANSITIONS_TOTAL,
        Unit::Count,
        "Circuit breaker state changes, by endpoint and states."
    );
}

/// Records one delivery attempt: its outcome, latency and payload size.
pub fn record_attempt(
    endpoint: &str,
    outcome: &AttemptOutcome,
    latency: Duration,
    payload_bytes: usize,
) {
    counter!(
        DELIVERY_ATTEMPTS_TOTAL,
        ENDPOINT => endpoint.to_owned(),
        OUTCOME => outcome_label(outcome),
    )
    .increment(1);
    histogram!(DELIVERY_LATENCY_SECONDS, ENDPOINT => endpoint.to_owned())
        .record(latency.as_secs_f64());
    // Exact up to 2^53 bytes, far above any webhook body.
    histogram!(DELIVERY_PAYLOAD_BYTES, ENDPOINT => endpoint.to_owned())
        .record(payload_bytes as f64);
}

/// Sets the number of deliveries in the dead-letter queue.
pub fn set_dead_letter_depth(depth: u64) {
    // Exact up to 2^53 deliveries.
    gauge!(DEAD_LETTER_DEPTH).set(depth as f64);
}

/// Returns the `outcome` label value for an attempt.
///
/// ```
/// use hookforge::metrics::outcome_label;
/// use hookforge::retry::AttemptOutcome;
/// use http::StatusCode;
///
/// assert_eq!(outcome_label(&AttemptOutcome::Response(StatusCode::BAD_GATEWAY)), "5xx");
/// assert_eq!(outcome_label(&AttemptOutcome::TimedOut), "timeout");
/// ```
pub fn outcome_label(outcome: &AttemptOutcome) -> &'static str {
    match outcome {
        AttemptOutcome::Response(status) => match status.as_u16() / 100 {
            1 => "1xx",
            2 => "2xx",
            3 => "3xx",
            4 => "4xx",
            5 => "5xx",
            _ => "other_status",
        },
        AttemptOutcome::ConnectionFailed => "connection",
        AttemptOutcome::TimedOut => "timeout",
        AttemptOutcome::InvalidRequest => "invalid_request",
    }
}

/// Sets the breaker state gauge of `endpoint`.
pub(crate) fn record_breaker_state(endpoint: &str, state: BreakerState) {
    gauge!(BREAKER_STATE, ENDPOINT => endpoint.to_owned()).set(state.gauge_value());
}

/// Counts a breaker transition of `endpoint` and updates its state gauge.
pub(crate) fn record_breaker_transition(endpoint: &str, from: BreakerState, to: BreakerState) {
    counter!(
        BREAKER_TRANSITIONS_TOTAL,
        ENDPOINT => endpoint.to_owned(),
        FROM => from.as_str(),
        TO => to.as_str(),
    )
    .increment(1);
    record_breaker_state(endpoint, to);
}
