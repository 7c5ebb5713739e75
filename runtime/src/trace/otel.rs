//! The bridge between [`TraceParent`] and OpenTelemetry spans recorded
//! through `tracing-opentelemetry`.
//!
//! Without an OpenTelemetry layer on the `tracing` subscriber, spans carry
//! no OpenTelemetry context: [`current`] returns `None` and [`set_parent`]
//! has no effect, so the plain `traceparent` handling still applies.

use opentelemetry::trace::{
    SpanContext, SpanId, TraceContextExt, TraceFlags, TraceId, TraceState as OtelTraceState,
};
use opentelemetry::Context;
use tracing_opentelemetry::OpenTelemetrySpanExt;

use super::TraceParent;

/// Returns the trace context of the current `tracing` span as a
/// `traceparent`, or `None` when the span has no valid OpenTelemetry
/// context.
pub fn current() -> Option<TraceParent> {
    let context = tracing::Span::current().context();
    let span = context.span();
    let span_context = span.span_context();
    if !span_context.is_valid() {
        return None;
    }
    TraceParent::new(
        span_context.trace_id().to_bytes(),
        span_context.span_id().to_bytes(),
        span_context.trace_flags().to_u8(),
    )
    .ok()
}

/// Makes `span` a child of the remote span that `parent` names, so the
/// receiver's work joins the sender's trace in the OpenTelemetry exporter.
pub fn set_parent(span: &tracing::Span, parent: &TraceParent) {
    let remote = SpanContext::new(
        TraceId::from_bytes(parent.trace_id()),
        SpanId::from_bytes(parent.parent_id()),
        TraceFlags::new(parent.flags()),
        true,
        OtelTraceState::default(),
    );
    let _ = span.set_parent(Context::new().with_remote_span_context(remote));
}
