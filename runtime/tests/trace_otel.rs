//! The OpenTelemetry bridge: webhooks continue the current span's trace,
//! and received ones join the sender's trace.
#![cfg(feature = "otel")]

use hookforge::trace::{otel, TraceParent};
use opentelemetry::trace::{TraceContextExt, TracerProvider as _};
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::layer::SubscriberExt;

fn subscriber() -> impl tracing::Subscriber + Send + Sync {
    let provider = SdkTracerProvider::builder().build();
    let tracer = provider.tracer("hookforge-test");
    tracing_subscriber::registry().with(tracing_opentelemetry::layer().with_tracer(tracer))
}

#[test]
fn current_reads_active_span() {
    tracing::subscriber::with_default(subscriber(), || {
        let span = tracing::info_span!("request");
        let _entered = span.enter();
        let expected = span.context().span().span_context().clone();
        assert!(expected.is_valid(), "the SDK tracer records the span");

        let parent = otel::current().expect("a current OpenTelemetry span");
        assert_eq!(parent.trace_id(), expected.trace_id().to_bytes());
        assert_eq!(parent.parent_id(), expected.span_id().to_bytes());
    });
}

#[test]
fn current_none_without_span() {
    tracing::subscriber::with_default(subscriber(), || {
        assert_eq!(otel::current(), None);
    });
}

#[test]
fn set_parent_joins_remote_trace() {
    tracing::subscriber::with_default(subscriber(), || {
        let remote: TraceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
            .parse()
            .expect("traceparent");
        let span = tracing::info_span!("webhook");
        otel::set_parent(&span, &remote);
        let _entered = span.enter();

        let context = span.context();
        let recorded = context.span().span_context().clone();
        assert_eq!(recorded.trace_id().to_bytes(), remote.trace_id());
        assert_ne!(
            recorded.span_id().to_bytes(),
            remote.parent_id(),
            "the receiver's span is a new child, not the sender's span"
        );
    });
}

#[cfg(all(feature = "client", feature = "sqlite"))]
#[tokio::test]
async fn send_continues_current_trace() {
    use hookforge::client::{SenderConfig, Webhook, WebhookSender};
    use hookforge::outbox::sqlite::SqliteOutbox;
    use hookforge::outbox::OutboxStore;
    use hookforge::signing::{Signer, SigningKey};
    use std::time::{Duration, SystemTime};

    let folder = std::env::temp_dir().join(format!("hookforge-otel-{}", std::process::id()));
    std::fs::create_dir_all(&folder).expect("create folder");
    let store = SqliteOutbox::open(folder.join("outbox.sqlite3")).expect("open outbox");
    let key = SigningKey::hmac_from_bytes(b"otel test key of at least 24 bytes").expect("key");
    let sender =
        WebhookSender::new(store, Signer::new(vec![key]), SenderConfig::default()).expect("sender");

    let _guard = tracing::subscriber::set_default(subscriber());
    let span = tracing::info_span!("checkout");
    let expected = span.context().span().span_context().trace_id().to_bytes();
    let webhook = Webhook::new("http://127.0.0.1:9/hooks", "order.paid", b"{}".to_vec());
    {
        let _entered = span.enter();
        sender.send(webhook).await.expect("send");
    }

    let claimed = sender
        .store()
        .claim_due(SystemTime::now(), 1, Duration::from_secs(5))
        .await
        .expect("claim");
    let stored = claimed[0]
        .message
        .headers
        .iter()
        .find(|(name, _)| name == "traceparent")
        .map(|(_, value)| value.parse::<TraceParent>().expect("traceparent"))
        .expect("a stored traceparent");
    assert_eq!(stored.trace_id(), expected);
    let _ = std::fs::remove_dir_all(&folder);
}
