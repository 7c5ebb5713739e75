//! The webhook sender against a scripted axum endpoint on loopback, with a
//! SQLite outbox in a temporary folder.
#![cfg(all(feature = "client", feature = "server", feature = "sqlite"))]

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use hookforge::breaker::{BreakerConfig, OpenPolicy};
use hookforge::client::{SendError, SenderConfig, Webhook, WebhookSender};
use hookforge::outbox::sqlite::SqliteOutbox;
use hookforge::outbox::{DeadLetterFilter, OutboxStore};
use hookforge::retry::RetryPolicy;
use hookforge::signing::{Signer, SigningKey, Verifier, VerifyingKey};
use hookforge::trace::TraceParent;

/// One request as the endpoint received it.
#[derive(Debug, Clone)]
struct Received {
    headers: HeaderMap,
    body: Bytes,
    at: Instant,
}

/// An endpoint that answers from a script and records every request.
#[derive(Clone, Default)]
struct Endpoint {
    script: Arc<Mutex<VecDeque<Response>>>,
    received: Arc<Mutex<Vec<Received>>>,
}

impl Endpoint {
    /// Queues the responses of the next requests; when the script runs out,
    /// the endpoint answers 204.
    fn script(&self, responses: Vec<Response>) {
        self.script.lock().expect("lock").extend(responses);
    }

    fn received(&self) -> Vec<Received> {
        self.received.lock().expect("lock").clone()
    }

    async fn serve(&self) -> SocketAddr {
        let endpoint = self.clone();
        let app = Router::new().route(
            "/hooks",
            post(move |headers: HeaderMap, body: Bytes| {
                let endpoint = endpoint.clone();
                async move {
                    endpoint.received.lock().expect("lock").push(Received {
                        headers,
                        body,
                        at: Instant::now(),
                    });
                    let next = endpoint.script.lock().expect("lock").pop_front();
                    next.unwrap_or_else(|| StatusCode::NO_CONTENT.into_response())
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let address = listener.local_addr().expect("address");
        tokio::spawn(async move { axum::serve(listener, app).await });
        address
    }
}

fn key() -> SigningKey {
    SigningKey::hmac_from_bytes(b"client delivery test key, 32 bytes").expect("key")
}

fn fast_config() -> SenderConfig {
    SenderConfig {
        request_timeout: Duration::from_secs(2),
        lease: Duration::from_secs(5),
        poll_interval: Duration::from_millis(20),
        retry: RetryPolicy {
            base: Duration::from_millis(10),
            cap: Duration::from_millis(50),
            max_attempts: 4,
            deadline: Duration::from_secs(60),
            max_retry_after: Duration::from_secs(2),
        },
        ..SenderConfig::default()
    }
}

struct Fixture {
    sender: WebhookSender<SqliteOutbox>,
    endpoint: Endpoint,
    url: String,
    _folder: TempFolder,
}

async fn fixture(config: SenderConfig) -> Fixture {
    let folder = TempFolder::new();
    let store = SqliteOutbox::open(folder.0.join("outbox.sqlite3")).expect("open outbox");
    let sender = WebhookSender::new(store, Signer::new(vec![key()]), config).expect("sender");
    let endpoint = Endpoint::default();
    let address = endpoint.serve().await;
    Fixture {
        sender,
        endpoint,
        url: format!("http://{address}/hooks"),
        _folder: folder,
    }
}

/// Runs the worker until the outbox has no pending row, or fails after 20 s.
async fn drain(sender: &WebhookSender<SqliteOutbox>) {
    tokio::time::timeout(Duration::from_secs(20), sender.run_until_idle())
        .await
        .expect("outbox did not drain within 20 s");
    let counts = sender.store().counts().await.expect("counts");
    assert_eq!(counts.pending, 0);
}

fn status(code: u16) -> Response {
    StatusCode::from_u16(code).expect("status").into_response()
}

fn header<'a>(received: &'a Received, name: &str) -> &'a str {
    received
        .headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_else(|| panic!("request has no {name} header"))
}

#[tokio::test]
async fn delivers_signed_raw_body() {
    let fixture = fixture(fast_config()).await;
    let body = br#"{"b":1,  "a":"caf\u00e9"}"#.to_vec();
    let webhook = Webhook::new(&fixture.url, "invoice.paid", body.clone())
        .with_header("content-type", "application/json");
    let accepted = fixture.sender.send(webhook).await.expect("send");
    assert!(accepted.webhook_id.starts_with("msg_"));
    drain(&fixture.sender).await;

    let received = fixture.endpoint.received();
    assert_eq!(received.len(), 1);
    let request = &received[0];
    assert_eq!(
        request.body.as_ref(),
        body.as_slice(),
        "body must be sent byte for byte"
    );
    assert_eq!(header(request, "webhook-id"), accepted.webhook_id);
    assert_eq!(header(request, "content-type"), "application/json");
    let verifier = Verifier::new(vec![VerifyingKey::from(&key())]);
    verifier
        .verify_header_map(&request.headers, &request.body, SystemTime::now())
        .expect("signature verifies");
    assert!(header(request, "traceparent")
        .parse::<TraceParent>()
        .is_ok());
    assert_eq!(
        fixture.sender.store().counts().await.expect("counts").dead,
        0
    );
}

#[tokio::test]
async fn retries_resign_with_same_id() {
    let fixture = fixture(fast_config()).await;
    fixture
        .endpoint
        .script(vec![status(500), status(503), status(429)]);
    let webhook = Webhook::new(&fixture.url, "invoice.paid", b"{}".to_vec());
    let accepted = fixture.sender.send(webhook).await.expect("send");
    drain(&fixture.sender).await;

    let received = fixture.endpoint.received();
    assert_eq!(received.len(), 4, "three failures then a success");
    let verifier = Verifier::new(vec![VerifyingKey::from(&key())]);
    let mut trace_ids = Vec::new();
    for request in &received {
        assert_eq!(header(request, "webhook-id"), accepted.webhook_id);
        verifier
            .verify_header_map(&request.headers, &request.body, SystemTime::now())
            .expect("every attempt verifies");
        let parent: TraceParent = header(request, "traceparent").parse().expect("traceparent");
        trace_ids.push(parent.trace_id());
    }
    assert!(
        trace_ids.windows(2).all(|pair| pair[0] == pair[1]),
        "one trace across attempts"
    );
    let counts = fixture.sender.store().counts().await.expect("counts");
    assert_eq!(counts.dead, 0);
}

#[tokio::test]
async fn timestamp_fresh_on_each_attempt() {
    let mut config = fast_config();
    config.retry.base = Duration::from_millis(1200);
    config.retry.cap = Duration::from_millis(1200);
    let fixture = fixture(config).await;
    let mut retry_after = status(503);
    retry_after
        .headers_mut()
        .insert("retry-after", HeaderValue::from_static("2"));
    fixture.endpoint.script(vec![retry_after]);
    let webhook = Webhook::new(&fixture.url, "invoice.paid", b"{}".to_vec());
    fixture.sender.send(webhook).await.expect("send");
    drain(&fixture.sender).await;

    let received = fixture.endpoint.received();
    assert_eq!(received.len(), 2);
    let first: i64 = header(&received[0], "webhook-timestamp")
        .parse()
        .expect("timestamp");
    let second: i64 = header(&received[1], "webhook-timestamp")
        .parse()
        .expect("timestamp");
    assert!(
        second > first,
        "the retry must be signed with a new timestamp"
    );
    let gap = received[1].at - received[0].at;
    assert!(
        gap >= Duration::from_secs(2),
        "Retry-After: 2 was not honoured: {gap:?}"
    );
}

#[tokio::test]
async fn permanent_failure_dead_letters_at_once() {
    let fixture = fixture(fast_config()).await;
    fixture.endpoint.script(vec![status(400)]);
    let webhook = Webhook::new(&fixture.url, "invoice.paid", b"{}".to_vec()).with_id("evt_1");
    fixture.sender.send(webhook).await.expect("send");
    drain(&fixture.sender).await;

    assert_eq!(fixture.endpoint.received().len(), 1, "a 400 is not retried");
    let dead = fixture
        .sender
        .store()
        .list_dead(&DeadLetterFilter::default())
        .await
        .expect("list");
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].message.webhook_id, "evt_1");
    assert_eq!(dead[0].attempts, 1);
    let error = dead[0].last_error.as_deref().unwrap_or_default();
    assert!(
        error.contains("400"),
        "last error should name the status: {error}"
    );
}

/// A response with `status` and a JSON `body`, as a rejecting receiver
/// answers.
fn json_status(code: u16, body: &str) -> Response {
    let mut response =
        (StatusCode::from_u16(code).expect("status"), body.to_owned()).into_response();
    response
        .headers_mut()
        .insert("content-type", HeaderValue::from_static("application/json"));
    response
}

async fn only_dead_letter_error(fixture: &Fixture) -> String {
    let dead = fixture
        .sender
        .store()
        .list_dead(&DeadLetterFilter::default())
        .await
        .expect("list");
    assert_eq!(dead.len(), 1);
    dead[0].last_error.clone().unwrap_or_default()
}

#[tokio::test]
async fn dead_letter_keeps_response_body() {
    let fixture = fixture(fast_config()).await;
    let body = "{\"error\": \"the payload does not match its schema\",\n \"errors\": [{\"keyword\": \"minimum\"}]}";
    fixture.endpoint.script(vec![json_status(400, body)]);
    let webhook = Webhook::new(&fixture.url, "invoice.paid", b"{}".to_vec());
    fixture.sender.send(webhook).await.expect("send");
    drain(&fixture.sender).await;

    let error = only_dead_letter_error(&fixture).await;
    assert!(
        error.starts_with("HTTP 400 Bad Request; the attempt failed permanently; response body: "),
        "{error}"
    );
    assert!(
        error.ends_with("\"errors\": [{\"keyword\": \"minimum\"}]}"),
        "{error}"
    );
    assert!(
        error.contains("schema\",\\n \"errors"),
        "line feed escaped: {error}"
    );
    assert!(!error.contains('\n'), "{error}");
}

#[tokio::test]
async fn retried_error_keeps_response_body() {
    let mut config = fast_config();
    config.retry.max_attempts = 2;
    let fixture = fixture(config).await;
    fixture.endpoint.script(vec![
        json_status(503, "{\"error\": \"database down\"}"),
        json_status(500, "{\"error\": \"still down\"}"),
    ]);
    let webhook = Webhook::new(&fixture.url, "invoice.paid", b"{}".to_vec());
    fixture.sender.send(webhook).await.expect("send");
    drain(&fixture.sender).await;

    let error = only_dead_letter_error(&fixture).await;
    assert!(
        error.starts_with("HTTP 500 Internal Server Error; "),
        "{error}"
    );
    assert!(
        error.ends_with("; response body: {\"error\": \"still down\"}"),
        "the last attempt's body: {error}"
    );
}

#[tokio::test]
async fn long_response_body_is_cut() {
    let fixture = fixture(fast_config()).await;
    let body = format!("{}\u{1b}[2J", "é".repeat(5000));
    fixture.endpoint.script(vec![json_status(422, &body)]);
    let webhook = Webhook::new(&fixture.url, "invoice.paid", b"{}".to_vec());
    fixture.sender.send(webhook).await.expect("send");
    drain(&fixture.sender).await;

    let error = only_dead_letter_error(&fixture).await;
    let (_, excerpt) = error
        .split_once("; response body: ")
        .expect("a response body excerpt");
    assert!(excerpt.ends_with('…'), "cut excerpt is marked: {excerpt}");
    assert!(
        !excerpt.contains('\u{fffd}'),
        "no split character: {excerpt}"
    );
    assert!(!excerpt.contains('\u{1b}'), "{excerpt}");
    let kept = excerpt.trim_end_matches('…');
    assert!(kept.len() <= 2048, "kept {} bytes", kept.len());
    assert!(kept.len() >= 2046, "kept {} bytes", kept.len());
}

#[tokio::test]
async fn empty_response_body_adds_nothing() {
    let fixture = fixture(fast_config()).await;
    fixture.endpoint.script(vec![status(400)]);
    let webhook = Webhook::new(&fixture.url, "invoice.paid", b"{}".to_vec());
    fixture.sender.send(webhook).await.expect("send");
    drain(&fixture.sender).await;

    let error = only_dead_letter_error(&fixture).await;
    assert_eq!(
        error,
        "HTTP 400 Bad Request; the attempt failed permanently"
    );
}

#[tokio::test]
async fn redirect_not_followed() {
    let fixture = fixture(fast_config()).await;
    let mut redirect = status(307);
    redirect.headers_mut().insert(
        "location",
        HeaderValue::from_static("http://127.0.0.1:9/elsewhere"),
    );
    fixture.endpoint.script(vec![redirect]);
    let webhook = Webhook::new(&fixture.url, "invoice.paid", b"{}".to_vec());
    fixture.sender.send(webhook).await.expect("send");
    drain(&fixture.sender).await;

    assert_eq!(fixture.endpoint.received().len(), 1);
    assert_eq!(
        fixture.sender.store().counts().await.expect("counts").dead,
        1
    );
}

#[tokio::test]
async fn attempts_exhausted_dead_letter() {
    let fixture = fixture(fast_config()).await;
    fixture
        .endpoint
        .script(vec![status(500), status(500), status(500), status(500)]);
    let webhook = Webhook::new(&fixture.url, "invoice.paid", b"{}".to_vec());
    fixture.sender.send(webhook).await.expect("send");
    drain(&fixture.sender).await;

    assert_eq!(fixture.endpoint.received().len(), 4, "max_attempts is 4");
    let dead = fixture
        .sender
        .store()
        .list_dead(&DeadLetterFilter::default())
        .await
        .expect("list");
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].attempts, 4);

    // A replay delivers it with the same id.
    let replayed = fixture
        .sender
        .store()
        .replay(&DeadLetterFilter::default(), SystemTime::now())
        .await
        .expect("replay");
    assert_eq!(replayed, 1);
    drain(&fixture.sender).await;
    let received = fixture.endpoint.received();
    assert_eq!(received.len(), 5);
    assert_eq!(
        header(&received[4], "webhook-id"),
        dead[0].message.webhook_id
    );
}

#[tokio::test]
async fn connection_refused_is_retried() {
    let mut config = fast_config();
    config.retry.max_attempts = 3;
    let fixture = fixture(config).await;
    // Port 9 (discard) on loopback has no listener here.
    let closed = "http://127.0.0.1:9/hooks";
    let webhook = Webhook::new(closed, "invoice.paid", b"{}".to_vec());
    fixture.sender.send(webhook).await.expect("send");
    drain(&fixture.sender).await;

    let dead = fixture
        .sender
        .store()
        .list_dead(&DeadLetterFilter::default())
        .await
        .expect("list");
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].attempts, 3, "connection errors are retried");
}

#[tokio::test]
async fn open_circuit_dead_letters_by_policy() {
    let mut config = fast_config();
    config.retry.max_attempts = 1;
    config.open_policy = OpenPolicy::DeadLetter;
    config.breaker = BreakerConfig {
        consecutive_failures: 2,
        cool_down: Duration::from_secs(60),
        ..BreakerConfig::default()
    };
    let fixture = fixture(config).await;
    fixture
        .endpoint
        .script(vec![status(500), status(500), status(500), status(500)]);
    for index in 0..2 {
        let webhook = Webhook::new(&fixture.url, "invoice.paid", b"{}".to_vec())
            .with_id(format!("evt_{index}"));
        fixture.sender.send(webhook).await.expect("send");
        drain(&fixture.sender).await;
    }
    assert_eq!(fixture.endpoint.received().len(), 2);

    // The circuit is open now: the next delivery is not attempted.
    let webhook = Webhook::new(&fixture.url, "invoice.paid", b"{}".to_vec()).with_id("evt_open");
    fixture.sender.send(webhook).await.expect("send");
    drain(&fixture.sender).await;
    assert_eq!(
        fixture.endpoint.received().len(),
        2,
        "an open circuit sends nothing"
    );
    let dead = fixture
        .sender
        .store()
        .list_dead(&DeadLetterFilter {
            event_type: Some("invoice.paid".into()),
            ..DeadLetterFilter::default()
        })
        .await
        .expect("list");
    let open = dead
        .iter()
        .find(|row| row.message.webhook_id == "evt_open")
        .expect("evt_open is dead-lettered");
    assert_eq!(open.attempts, 0);
}

#[tokio::test]
async fn send_rejects_bad_input() {
    let mut config = fast_config();
    config.max_payload_bytes = 16;
    let fixture = fixture(config).await;
    let cases = [
        (
            Webhook::new("ftp://example.test/hooks", "t", b"{}".to_vec()),
            "InvalidEndpoint",
        ),
        (
            Webhook::new("not a url", "t", b"{}".to_vec()),
            "InvalidEndpoint",
        ),
        (
            Webhook::new(&fixture.url, "t", vec![b'x'; 17]),
            "PayloadTooLarge",
        ),
        (
            Webhook::new(&fixture.url, "t", b"{}".to_vec())
                .with_header("webhook-signature", "v1,x"),
            "ReservedHeader",
        ),
        (
            Webhook::new(&fixture.url, "t", b"{}".to_vec()).with_header("bad header", "x"),
            "InvalidHeader",
        ),
        (
            Webhook::new(&fixture.url, "t", b"{}".to_vec()).with_header("x-note", "line\nbreak"),
            "InvalidHeader",
        ),
        (
            Webhook::new(&fixture.url, "t", b"{}".to_vec()).with_id("has space"),
            "InvalidWebhookId",
        ),
    ];
    for (webhook, expected) in cases {
        let error = fixture.sender.send(webhook).await.expect_err(expected);
        let name = match &error {
            SendError::InvalidEndpoint { .. } => "InvalidEndpoint",
            SendError::PayloadTooLarge { .. } => "PayloadTooLarge",
            SendError::ReservedHeader(_) => "ReservedHeader",
            SendError::InvalidHeader { .. } => "InvalidHeader",
            SendError::InvalidWebhookId(_) => "InvalidWebhookId",
            SendError::Store(_) => "Store",
        };
        assert_eq!(name, expected, "{error}");
    }
    let counts = fixture.sender.store().counts().await.expect("counts");
    assert_eq!(counts.pending, 0, "rejected webhooks must not be stored");
}

#[tokio::test]
async fn lease_shorter_than_timeout_rejected() {
    let folder = TempFolder::new();
    let store = SqliteOutbox::open(folder.0.join("outbox.sqlite3")).expect("open");
    let config = SenderConfig {
        lease: Duration::from_secs(1),
        request_timeout: Duration::from_secs(30),
        ..SenderConfig::default()
    };
    let error = WebhookSender::new(store, Signer::new(vec![key()]), config)
        .err()
        .expect("config must be rejected");
    assert!(error.to_string().contains("lease"), "{error}");
}

/// A folder under the system temp folder, removed on drop.
struct TempFolder(PathBuf);

impl TempFolder {
    fn new() -> Self {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let index = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("hookforge-client-{}-{index}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create temp folder");
        Self(path)
    }
}

impl Drop for TempFolder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[tokio::test]
async fn identical_bodies_get_distinct_ids() {
    let fixture = fixture(fast_config()).await;
    fixture.endpoint.script(vec![status(500)]);
    let body = br#"{"type":"payment.captured","amount":500}"#.to_vec();
    let first = fixture
        .sender
        .send(Webhook::new(&fixture.url, "payment.captured", body.clone()))
        .await
        .expect("send");
    let second = fixture
        .sender
        .send(Webhook::new(&fixture.url, "payment.captured", body.clone()))
        .await
        .expect("send");
    assert_ne!(first.webhook_id, second.webhook_id);
    drain(&fixture.sender).await;

    // Three requests: one event failed once and was retried.
    let received = fixture.endpoint.received();
    assert_eq!(received.len(), 3);
    for request in &received {
        assert_eq!(
            request.body.as_ref(),
            body.as_slice(),
            "attempts resend identical bytes"
        );
    }
    let ids: std::collections::HashSet<&str> = received
        .iter()
        .map(|request| header(request, "webhook-id"))
        .collect();
    assert_eq!(ids.len(), 2);
}
