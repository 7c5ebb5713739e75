//! W3C Trace Context: the `traceparent` and `tracestate` headers.
//!
//! A sender continues the application's trace into each webhook request, so
//! a receiver that traces its own work links it to the event's origin.
//! [`TraceContext::extract`] reads both headers from a request,
//! [`TraceContext::child`] makes the context for an outgoing request, and
//! [`TraceContext::inject`] writes it. [`webhook_span`] opens a `tracing`
//! span that carries the ids, so logs can be matched with traces.
//!
//! The module follows W3C Trace Context Level 1
//! (<https://www.w3.org/TR/trace-context/>).
//!
//! With the `otel` feature, the `otel` module connects these headers to OpenTelemetry
//! spans recorded through `tracing-opentelemetry`: the sender continues the
//! current span's trace, and the receiver's span becomes a child of the
//! sender's. Outgoing requests are not recorded as client spans of their
//! own; the attempt's `tracing` span is what an OpenTelemetry layer exports.

#[cfg(feature = "otel")]
pub mod otel;
mod parent;
mod state;

use http::header::{HeaderMap, HeaderName, HeaderValue};

pub use parent::{TraceParent, TraceParentError};
pub use state::{TraceState, TraceStateError, MAX_MEMBERS};

/// Name of the header that carries the [`TraceParent`].
pub const TRACEPARENT: HeaderName = HeaderName::from_static("traceparent");
/// Name of the header that carries the [`TraceState`].
pub const TRACESTATE: HeaderName = HeaderName::from_static("tracestate");

/// The trace context of one request: its `traceparent` and, when present
/// and valid, its `tracestate`.
///
/// # Example
///
/// ```
/// use http::HeaderMap;
/// use hookforge::trace::{TraceContext, TRACEPARENT};
///
/// let mut incoming = HeaderMap::new();
/// incoming.insert(
///     TRACEPARENT,
///     "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".parse()?,
/// );
/// incoming.insert("tracestate", "rojo=00f067aa0ba902b7".parse()?);
///
/// let context = TraceContext::extract(&incoming).expect("valid traceparent");
/// let outgoing_context = context.child(&mut || fastrand::u64(..));
///
/// let mut outgoing = HeaderMap::new();
/// outgoing_context.inject(&mut outgoing);
/// assert_eq!(outgoing["tracestate"], "rojo=00f067aa0ba902b7");
/// let sent = outgoing[TRACEPARENT].to_str()?;
/// assert!(sent.starts_with("00-4bf92f3577b34da6a3ce929d0e0e4736-"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TraceContext {
    /// The trace and the caller's span.
    pub parent: TraceParent,
    /// Vendor data that travels with the trace, if any.
    pub state: Option<TraceState>,
}

impl TraceContext {
    /// Starts a new trace with no `tracestate`. See
    /// [`TraceParent::new_root`].
    pub fn new_root(random: &mut impl FnMut() -> u64) -> Self {
        Self {
            parent: TraceParent::new_root(random),
            state: None,
        }
    }

    /// Returns the context for a request made on behalf of this one: a new
    /// parent id and the same `tracestate`. See [`TraceParent::child`].
    pub fn child(&self, random: &mut impl FnMut() -> u64) -> Self {
        Self {
            parent: self.parent.child(random),
            state: self.state.clone(),
        }
    }

    /// Reads the trace context from request headers.
    ///
    /// Returns `None` when `traceparent` is missing, invalid, not ASCII, or
    /// present more than once, as W3C Trace Context requires. Several
    /// `tracestate` headers are joined with commas, as HTTP combines
    /// repeated fields, and an invalid `tracestate` is dropped while the
    /// `traceparent` is kept.
    pub fn extract(headers: &HeaderMap) -> Option<Self> {
        let mut values = headers.get_all(TRACEPARENT).iter();
        let (Some(value), None) = (values.next(), values.next()) else {
            return None;
        };
        let parent = value.to_str().ok()?.parse().ok()?;
        Some(Self {
            parent,
            state: extract_state(headers),
        })
    }

    /// Writes `traceparent`, and `tracestate` when it has list-members,
    /// replacing any earlier values of both headers.
    pub fn inject(&self, headers: &mut HeaderMap) {
        headers.remove(TRACESTATE);
        // A `TraceParent` displays as hex digits and dashes, and
        // `TraceState` parsing admits only printable ASCII and tabs, so
        // neither conversion fails.
        if let Ok(value) = HeaderValue::try_from(self.parent.to_string()) {
            headers.insert(TRACEPARENT, value);
        }
        let Some(state) = self.state.as_ref().filter(|state| !state.is_empty()) else {
            return;
        };
        if let Ok(value) = HeaderValue::try_from(state.as_str()) {
            headers.insert(TRACESTATE, value);
        }
    }
}

fn extract_state(headers: &HeaderMap) -> Option<TraceState> {
    let mut combined = String::new();
    for value in headers.get_all(TRACESTATE) {
        if !combined.is_empty() {
            combined.push(',');
        }
        combined.push_str(value.to_str().ok()?);
    }
    if combined.is_empty() {
        return None;
    }
    combined.parse().ok()
}

/// Opens an `info` span named `webhook` with the trace's ids as fields
/// `trace_id`, `parent_id` (both lowercase hex) and `sampled`.
///
/// Enter it around the work for one request so every event logged inside
/// carries the ids.
///
/// ```
/// use hookforge::trace::{webhook_span, TraceParent};
///
/// let parent = TraceParent::new_root(&mut || fastrand::u64(..));
/// let span = webhook_span(&parent);
/// let _entered = span.enter();
/// ```
pub fn webhook_span(parent: &TraceParent) -> tracing::Span {
    tracing::info_span!(
        "webhook",
        trace_id = %parent.trace_id_hex(),
        parent_id = %parent.parent_id_hex(),
        sampled = parent.sampled(),
    )
}
