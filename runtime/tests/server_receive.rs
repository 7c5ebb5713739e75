//! The webhook receiver, driven over a real socket with hand-written
//! HTTP/1.1 and through `tower::ServiceExt::oneshot`.
#![cfg(feature = "server")]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use hookforge::idempotency::memory::MemoryIdempotency;
use hookforge::idempotency::IdempotencyStore;
use hookforge::server::{VerifiedWebhook, WebhookReceiver, HEADER_DUPLICATE};
use hookforge::signing::{
    SignedHeaders, Signer, SigningKey, Verifier, VerifyingKey, HEADER_ID, HEADER_SIGNATURE,
    HEADER_TIMESTAMP,
};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tower::ServiceExt;

const PATH: &str = "/webhooks";
/// A small body limit keeps the oversized requests small.
const MAX_BODY: usize = 4096;
const BODY: &[u8] = br#"{"type":"payment.captured","amount":500,"note":"caf\u00e9 \/ 10.50"}"#;

fn signing_key() -> SigningKey {
    SigningKey::hmac_from_bytes(b"hookforge receiver test key, 32+").expect("valid HMAC key")
}

fn signer() -> Signer {
    Signer::new(vec![signing_key()])
}

fn verifier() -> Verifier {
    Verifier::new(vec![VerifyingKey::from(&signing_key())])
}

/// How the test handler answers its `n`th call (1-based).
#[derive(Clone, Copy)]
enum Behaviour {
    /// 200 with a body naming the id and the call number.
    Succeed,
    /// Like `Succeed`, after a pause.
    SucceedSlowly(Duration),
    /// 500 on the first call, then like `Succeed`.
    FailFirst,
    /// A panic inside the future on the first call, then like `Succeed`.
    PanicFirst,
    /// A panic before the future exists on the first call, then like
    /// `Succeed`.
    PanicEarlyFirst,
}

/// A router whose handler counts its calls and records the bodies it saw.
struct TestApp {
    router: Router,
    calls: Arc<AtomicUsize>,
    bodies: Arc<std::sync::Mutex<Vec<Vec<u8>>>>,
    /// Notified each time the handler starts.
    started: Arc<Notify>,
}

fn app<S: IdempotencyStore>(store: S, behaviour: Behaviour) -> TestApp {
    let calls = Arc::new(AtomicUsize::new(0));
    let bodies = Arc::new(std::sync::Mutex::new(Vec::new()));
    let receiver = WebhookReceiver::new(verifier(), store).with_max_body_bytes(MAX_BODY);

    let started = Arc::new(Notify::new());
    let handler_calls = Arc::clone(&calls);
    let handler_bodies = Arc::clone(&bodies);
    let handler_started = Arc::clone(&started);
    let route = receiver.route(move |webhook: VerifiedWebhook| {
        handler_started.notify_one();
        let call = handler_calls.fetch_add(1, Ordering::SeqCst) + 1;
        if matches!(behaviour, Behaviour::PanicEarlyFirst) && call == 1 {
            panic!("test handler panics on purpose before its future");
        }
        handler_bodies
            .lock()
            .expect("bodies lock")
            .push(webhook.body.to_vec());
        async move {
            match behaviour {
                Behaviour::FailFirst if call == 1 => {
                    return (StatusCode::INTERNAL_SERVER_ERROR, "try again".to_owned());
                }
                Behaviour::PanicFirst if call == 1 => panic!("test handler panics on purpose"),
                Behaviour::SucceedSlowly(pause) => tokio::time::sleep(pause).await,
                _ => {}
            }
            let trace = webhook
                .trace
                .as_ref()
                .map_or("none".to_owned(), |trace| trace.parent.to_string());
            (
                StatusCode::OK,
                format!("handled {} call {call} trace {trace}", webhook.id),
            )
        }
    });
    TestApp {
        router: Router::new().route(PATH, route),
        calls,
        bodies,
        started,
    }
}

fn memory_app(behaviour: Behaviour) -> TestApp {
    app(MemoryIdempotency::new(1_000), behaviour)
}

/// Starts `router` on 127.0.0.1 with an OS-chosen port.
async fn serve(router: Router) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("local address");
    tokio::spawn(async move {
        axum::serve(listener, router).await.expect("serve");
    });
    address
}

/// A response as read off the socket.
#[derive(Debug, Clone, PartialEq, Eq)]
struct RawResponse {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl RawResponse {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// Builds the head of a signed POST, with `extra` header lines appended.
fn request_head(signed: &SignedHeaders, content_length: usize, extra: &[&str]) -> String {
    let mut head = format!(
        "POST {PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {content_length}\r\n\
         {HEADER_ID}: {}\r\n{HEADER_TIMESTAMP}: {}\r\n{HEADER_SIGNATURE}: {}\r\n",
        signed.id, signed.timestamp, signed.signature
    );
    for line in extra {
        head.push_str(line);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    head
}

/// Writes `head` and `body` to a new connection and reads one response.
async fn send_raw(address: SocketAddr, head: &str, body: &[u8]) -> RawResponse {
    let exchange = async {
        let stream = TcpStream::connect(address).await.expect("connect");
        write_all(&stream, head.as_bytes()).await;
        write_all(&stream, body).await;
        read_response(&stream).await
    };
    tokio::time::timeout(Duration::from_secs(10), exchange)
        .await
        .expect("response within 10 s")
}

/// Signs `body` under `id` now and sends it.
async fn send_signed(address: SocketAddr, id: &str, body: &[u8]) -> RawResponse {
    let signed = signer().sign_now(id, body);
    send_raw(address, &request_head(&signed, body.len(), &[]), body).await
}

async fn write_all(stream: &TcpStream, mut data: &[u8]) {
    while !data.is_empty() {
        stream.writable().await.expect("writable");
        match stream.try_write(data) {
            Ok(written) => data = &data[written..],
            Err(error) if error.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(error) => panic!("write failed: {error}"),
        }
    }
}

/// Reads one response with a `Content-Length` body, or up to EOF.
async fn read_response(stream: &TcpStream) -> RawResponse {
    let mut received = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        if let Some(response) = parse_response(&received) {
            return response;
        }
        stream.readable().await.expect("readable");
        match stream.try_read(&mut chunk) {
            Ok(0) => break,
            Ok(read) => received.extend_from_slice(&chunk[..read]),
            Err(error) if error.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(error) => panic!("read failed: {error}"),
        }
    }
    parse_response(&received).unwrap_or_else(|| {
        panic!(
            "incomplete response: {:?}",
            String::from_utf8_lossy(&received)
        )
    })
}

/// Parses a complete response, or returns `None` while bytes are missing.
fn parse_response(received: &[u8]) -> Option<RawResponse> {
    let end = received
        .windows(4)
        .position(|window| window == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&received[..end]).expect("ASCII head");
    let mut lines = head.split("\r\n");
    let status_line = lines.next().expect("status line");
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .expect("status code");
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
        .map(|(_, value)| value.parse().expect("numeric content-length"))
        .expect("responses here carry content-length");
    let body = received.get(end + 4..end + 4 + length)?.to_vec();
    Some(RawResponse {
        status,
        headers,
        body,
    })
}

/// Builds a signed request for `oneshot`.
fn oneshot_request(signed: &SignedHeaders, body: Vec<u8>) -> Request<Body> {
    Request::post(PATH)
        .header(HEADER_ID, &signed.id)
        .header(HEADER_TIMESTAMP, &signed.timestamp)
        .header(HEADER_SIGNATURE, &signed.signature)
        .body(Body::from(body))
        .expect("request")
}

async fn oneshot(router: &Router, request: Request<Body>) -> (StatusCode, Vec<u8>) {
    let response = router.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("response body");
    (status, body.to_vec())
}

fn body_text(response: &RawResponse) -> String {
    String::from_utf8_lossy(&response.body).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn good_signature_runs_handler_once() {
    let app = memory_app(Behaviour::Succeed);
    let address = serve(app.router).await;

    let response = send_signed(address, "msg_good", BODY).await;

    assert_eq!(response.status, 200);
    assert_eq!(body_text(&response), "handled msg_good call 1 trace none");
    assert_eq!(response.header(HEADER_DUPLICATE), None);
    assert_eq!(app.calls.load(Ordering::SeqCst), 1);
    let bodies = app.bodies.lock().expect("bodies lock").clone();
    assert_eq!(
        bodies,
        vec![BODY.to_vec()],
        "the handler gets the exact bytes"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_signature_rejected_silently() {
    let app = memory_app(Behaviour::Succeed);
    let address = serve(app.router).await;

    // Signed for one body, sent with another.
    let signed = signer().sign_now("msg_tampered", BODY);
    let tampered = br#"{"type":"payment.captured","amount":50000}"#;
    let response = send_raw(
        address,
        &request_head(&signed, tampered.len(), &[]),
        tampered,
    )
    .await;
    assert_eq!(response.status, 401);
    assert!(response.body.is_empty(), "{:?}", body_text(&response));

    // Signed with another key.
    let other = SigningKey::hmac_from_bytes(b"a different key of 32 bytes long").expect("key");
    let signed = Signer::new(vec![other]).sign_now("msg_other_key", BODY);
    let response = send_raw(address, &request_head(&signed, BODY.len(), &[]), BODY).await;
    assert_eq!(response.status, 401);
    assert!(response.body.is_empty(), "{:?}", body_text(&response));

    // A malformed signature entry.
    let mut signed = signer().sign_now("msg_garbage", BODY);
    signed.signature = "v1,not-base64!".to_owned();
    let response = send_raw(address, &request_head(&signed, BODY.len(), &[]), BODY).await;
    assert_eq!(response.status, 401);
    assert!(response.body.is_empty(), "{:?}", body_text(&response));

    assert_eq!(app.calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn missing_headers_rejected() {
    let app = memory_app(Behaviour::Succeed);
    let signed = signer().sign_now("msg_missing", BODY);

    for missing in [HEADER_ID, HEADER_TIMESTAMP, HEADER_SIGNATURE] {
        let mut request = oneshot_request(&signed, BODY.to_vec());
        request.headers_mut().remove(missing);
        let (status, body) = oneshot(&app.router, request).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "without {missing}");
        assert!(body.is_empty(), "without {missing}: {body:?}");
    }

    let mut request = oneshot_request(&signed, BODY.to_vec());
    request
        .headers_mut()
        .insert(HEADER_SIGNATURE, "".parse().expect("header value"));
    let (status, _) = oneshot(&app.router, request).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "empty signature header");

    assert_eq!(app.calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn stale_timestamp_rejected() {
    let app = memory_app(Behaviour::Succeed);
    let ten_minutes = Duration::from_secs(600);

    let old = signer().sign_at("msg_old", BODY, SystemTime::now() - ten_minutes);
    let (status, body) = oneshot(&app.router, oneshot_request(&old, BODY.to_vec())).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(body.is_empty());

    let future = signer().sign_at("msg_future", BODY, SystemTime::now() + ten_minutes);
    let (status, _) = oneshot(&app.router, oneshot_request(&future, BODY.to_vec())).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    assert_eq!(app.calls.load(Ordering::SeqCst), 0);

    // A rejected attempt claims nothing: a fresh signature of the same id runs.
    let fresh = signer().sign_now("msg_old", BODY);
    let (status, _) = oneshot(&app.router, oneshot_request(&fresh, BODY.to_vec())).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(app.calls.load(Ordering::SeqCst), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_declared_length_rejected_unread() {
    let app = memory_app(Behaviour::Succeed);
    let address = serve(app.router).await;

    // Declares one byte over the limit but sends no body: a 413 that
    // arrives anyway shows that the server did not wait to read it.
    let body = vec![b'x'; MAX_BODY + 1];
    let signed = signer().sign_now("msg_declared", &body);
    let response = send_raw(address, &request_head(&signed, body.len(), &[]), b"").await;

    assert_eq!(response.status, 413);
    assert!(response.body.is_empty());
    assert_eq!(app.calls.load(Ordering::SeqCst), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_chunked_body_rejected() {
    let app = memory_app(Behaviour::Succeed);
    let address = serve(app.router).await;

    let body = vec![b'x'; MAX_BODY + 1];
    let signed = signer().sign_now("msg_chunked", &body);
    let head = format!(
        "POST {PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\
         Transfer-Encoding: chunked\r\n{HEADER_ID}: {}\r\n{HEADER_TIMESTAMP}: {}\r\n\
         {HEADER_SIGNATURE}: {}\r\n\r\n",
        signed.id, signed.timestamp, signed.signature
    );
    let mut chunked = Vec::new();
    for piece in body.chunks(1000) {
        chunked.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
        chunked.extend_from_slice(piece);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let response = send_raw(address, &head, &chunked).await;

    assert_eq!(response.status, 413);
    assert_eq!(app.calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn body_at_limit_accepted() {
    let app = memory_app(Behaviour::Succeed);

    let at_limit = vec![b'a'; MAX_BODY];
    let signed = signer().sign_now("msg_at_limit", &at_limit);
    let (status, _) = oneshot(&app.router, oneshot_request(&signed, at_limit)).await;
    assert_eq!(status, StatusCode::OK);

    // Without Content-Length, only the bytes read count.
    let over = vec![b'a'; MAX_BODY + 1];
    let signed = signer().sign_now("msg_over", &over);
    let (status, _) = oneshot(&app.router, oneshot_request(&signed, over)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);

    assert_eq!(app.calls.load(Ordering::SeqCst), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_sequential_duplicates_replayed() {
    let app = memory_app(Behaviour::Succeed);
    let address = serve(app.router).await;

    let mut responses = Vec::new();
    for _ in 0..5 {
        // Each retry is signed afresh, as a sender does.
        responses.push(send_signed(address, "msg_dup01", BODY).await);
    }

    assert_eq!(app.calls.load(Ordering::SeqCst), 1);
    for (attempt, response) in responses.iter().enumerate() {
        assert_eq!(response.status, 200, "attempt {attempt}");
        assert_eq!(
            body_text(response),
            "handled msg_dup01 call 1 trace none",
            "attempt {attempt}"
        );
    }
    assert_eq!(responses[0].header(HEADER_DUPLICATE), None);
    for response in &responses[1..] {
        assert_eq!(response.header(HEADER_DUPLICATE), Some("true"));
    }

    // Another id with the same body is another webhook.
    let other = send_signed(address, "msg_dup02", BODY).await;
    assert_eq!(body_text(&other), "handled msg_dup02 call 2 trace none");
    assert_eq!(app.calls.load(Ordering::SeqCst), 2);
}

/// Sends 20 copies of one webhook at once to a slow handler.
async fn twenty_concurrent_duplicates(app: TestApp) {
    let address = serve(app.router).await;
    let start = Arc::new(tokio::sync::Barrier::new(20));
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let start = Arc::clone(&start);
        tasks.push(tokio::spawn(async move {
            start.wait().await;
            send_signed(address, "msg_concurrent", BODY).await
        }));
    }
    let mut responses = Vec::new();
    for task in tasks {
        responses.push(task.await.expect("request task"));
    }

    assert_eq!(app.calls.load(Ordering::SeqCst), 1);
    let first = responses
        .iter()
        .filter(|response| response.status == 200 && response.header(HEADER_DUPLICATE).is_none())
        .count();
    assert_eq!(first, 1, "one response comes from the handler");
    for response in &responses {
        match response.status {
            200 => assert_eq!(
                body_text(response),
                "handled msg_concurrent call 1 trace none"
            ),
            429 => {
                assert_eq!(response.header("retry-after"), Some("1"));
                assert!(response.body.is_empty());
            }
            other => panic!("unexpected status {other}: {response:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_duplicates_run_once_memory() {
    let app = memory_app(Behaviour::SucceedSlowly(Duration::from_millis(300)));
    twenty_concurrent_duplicates(app).await;
}

#[cfg(feature = "sqlite")]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_duplicates_run_once_sqlite() {
    use hookforge::idempotency::sqlite::SqliteIdempotency;

    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|since| since.as_nanos())
        .unwrap_or_default();
    let folder =
        std::env::temp_dir().join(format!("hookforge-server-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&folder).expect("create temporary folder");
    let store = SqliteIdempotency::open(folder.join("receiver.sqlite3"))
        .await
        .expect("open SQLite store");

    let app = app(store, Behaviour::SucceedSlowly(Duration::from_millis(300)));
    twenty_concurrent_duplicates(app).await;
    let _ = std::fs::remove_dir_all(&folder);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn handler_error_lets_retry_run() {
    let app = memory_app(Behaviour::FailFirst);
    let address = serve(app.router).await;

    let failed = send_signed(address, "msg_flaky", BODY).await;
    assert_eq!(failed.status, 500);
    assert_eq!(body_text(&failed), "try again");

    let retried = send_signed(address, "msg_flaky", BODY).await;
    assert_eq!(retried.status, 200);
    assert_eq!(body_text(&retried), "handled msg_flaky call 2 trace none");
    assert_eq!(retried.header(HEADER_DUPLICATE), None);

    let duplicate = send_signed(address, "msg_flaky", BODY).await;
    assert_eq!(duplicate.status, 200);
    assert_eq!(duplicate.header(HEADER_DUPLICATE), Some("true"));
    assert_eq!(app.calls.load(Ordering::SeqCst), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn handler_panic_lets_retry_run() {
    let app = memory_app(Behaviour::PanicFirst);
    let address = serve(app.router).await;

    let failed = send_signed(address, "msg_panics", BODY).await;
    assert_eq!(failed.status, 500);
    assert!(failed.body.is_empty());

    let retried = send_signed(address, "msg_panics", BODY).await;
    assert_eq!(retried.status, 200);
    assert_eq!(app.calls.load(Ordering::SeqCst), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn early_handler_panic_lets_retry_run() {
    let app = memory_app(Behaviour::PanicEarlyFirst);
    let address = serve(app.router).await;

    let failed = send_signed(address, "msg_panics_early", BODY).await;
    assert_eq!(failed.status, 500);
    assert!(failed.body.is_empty());

    let retried = send_signed(address, "msg_panics_early", BODY).await;
    assert_eq!(retried.status, 200);
    assert_eq!(
        body_text(&retried),
        "handled msg_panics_early call 2 trace none"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn traceparent_reaches_handler() {
    let app = memory_app(Behaviour::Succeed);
    let address = serve(app.router).await;

    let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    let signed = signer().sign_now("msg_traced", BODY);
    let head = request_head(
        &signed,
        BODY.len(),
        &[&format!("traceparent: {traceparent}")],
    );
    let response = send_raw(address, &head, BODY).await;

    assert_eq!(response.status, 200);
    assert_eq!(
        body_text(&response),
        format!("handled msg_traced call 1 trace {traceparent}")
    );

    // An invalid traceparent is dropped; the webhook is still handled.
    let signed = signer().sign_now("msg_bad_trace", BODY);
    let head = request_head(&signed, BODY.len(), &["traceparent: 00-not-a-trace-01"]);
    let response = send_raw(address, &head, BODY).await;
    assert_eq!(response.status, 200);
    assert_eq!(
        body_text(&response),
        "handled msg_bad_trace call 2 trace none"
    );
}

#[tokio::test]
async fn other_methods_not_allowed() {
    let app = memory_app(Behaviour::Succeed);
    let request = Request::get(PATH).body(Body::empty()).expect("request");
    let (status, _) = oneshot(&app.router, request).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(app.calls.load(Ordering::SeqCst), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropped_request_still_stores_response() {
    let app = memory_app(Behaviour::SucceedSlowly(Duration::from_millis(300)));
    let signed = signer().sign_now("msg_dropped", BODY);

    // The client gives up while the handler runs: its request future is dropped.
    let router = app.router.clone();
    let request = oneshot_request(&signed, BODY.to_vec());
    let pending = tokio::spawn(async move { router.oneshot(request).await });
    app.started.notified().await;
    pending.abort();
    let aborted = pending.await;
    assert!(aborted.is_err_and(|error| error.is_cancelled()));

    tokio::time::sleep(Duration::from_millis(800)).await;
    let retry = signer().sign_now("msg_dropped", BODY);
    let response = app
        .router
        .clone()
        .oneshot(oneshot_request(&retry, BODY.to_vec()))
        .await
        .expect("infallible");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response
            .headers()
            .get(HEADER_DUPLICATE)
            .map(|value| value.as_bytes()),
        Some(&b"true"[..])
    );
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("response body");
    assert_eq!(&body[..], b"handled msg_dropped call 1 trace none");
    assert_eq!(app.calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn store_failure_asks_for_retry() {
    // A store with room for nothing fails every claim.
    let app = app(MemoryIdempotency::new(0), Behaviour::Succeed);
    let signed = signer().sign_now("msg_no_room", BODY);

    let response = app
        .router
        .clone()
        .oneshot(oneshot_request(&signed, BODY.to_vec()))
        .await
        .expect("infallible");

    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        response
            .headers()
            .get("retry-after")
            .map(|value| value.as_bytes()),
        Some(&b"1"[..])
    );
    assert_eq!(app.calls.load(Ordering::SeqCst), 0);
}

/// The state of the router behind the layer.
#[derive(Clone, Default)]
struct LayerState {
    calls: Arc<AtomicUsize>,
}

/// An ordinary axum handler behind the layer: it fails its first call for
/// `msg_layer_flaky` and answers the others with what it extracted.
async fn layered_handler(
    axum::extract::State(state): axum::extract::State<LayerState>,
    axum::Extension(webhook): axum::Extension<VerifiedWebhook>,
    method: axum::http::Method,
    body: axum::body::Bytes,
) -> (StatusCode, String) {
    let call = state.calls.fetch_add(1, Ordering::SeqCst) + 1;
    if webhook.id == "msg_layer_flaky" && call == 1 {
        return (StatusCode::SERVICE_UNAVAILABLE, "busy".to_owned());
    }
    let same_body = body == webhook.body;
    (
        StatusCode::ACCEPTED,
        format!("{method} {} call {call} same body {same_body}", webhook.id),
    )
}

fn layered_router(state: LayerState) -> Router {
    let receiver = WebhookReceiver::new(verifier(), MemoryIdempotency::new(1_000))
        .with_max_body_bytes(MAX_BODY);
    Router::new()
        .route(PATH, axum::routing::post(layered_handler))
        .route_layer(receiver.layer())
        .with_state(state)
}

async fn send_oneshot(
    router: &Router,
    request: Request<Body>,
) -> (StatusCode, Option<String>, Vec<u8>) {
    let response = router.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let duplicate = response
        .headers()
        .get(HEADER_DUPLICATE)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("response body");
    (status, duplicate, body.to_vec())
}

#[tokio::test]
async fn layer_runs_axum_handler_once() {
    let state = LayerState::default();
    let router = layered_router(state.clone());

    let mut responses = Vec::new();
    for _ in 0..3 {
        let signed = signer().sign_now("msg_layer", BODY);
        responses.push(send_oneshot(&router, oneshot_request(&signed, BODY.to_vec())).await);
    }

    assert_eq!(state.calls.load(Ordering::SeqCst), 1);
    for (status, _, body) in &responses {
        assert_eq!(*status, StatusCode::ACCEPTED);
        assert_eq!(
            String::from_utf8_lossy(body),
            "POST msg_layer call 1 same body true"
        );
    }
    assert_eq!(responses[0].1, None);
    assert_eq!(responses[1].1.as_deref(), Some("true"));
    assert_eq!(responses[2].1.as_deref(), Some("true"));
}

#[tokio::test]
async fn layer_rejects_before_handler() {
    let state = LayerState::default();
    let router = layered_router(state.clone());

    let signed = signer().sign_now("msg_layer_bad", BODY);
    let tampered = b"{}".to_vec();
    let (status, _, body) = send_oneshot(&router, oneshot_request(&signed, tampered)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(body.is_empty());

    let over = vec![b'x'; MAX_BODY + 1];
    let signed = signer().sign_now("msg_layer_big", &over);
    let (status, _, _) = send_oneshot(&router, oneshot_request(&signed, over)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);

    // An unknown path is not read or verified.
    let unknown = Request::post("/elsewhere")
        .body(Body::from(BODY.to_vec()))
        .expect("request");
    let (status, _, _) = send_oneshot(&router, unknown).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    assert_eq!(state.calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn layer_failure_lets_retry_run() {
    let state = LayerState::default();
    let router = layered_router(state.clone());

    let signed = signer().sign_now("msg_layer_flaky", BODY);
    let (status, _, body) = send_oneshot(&router, oneshot_request(&signed, BODY.to_vec())).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body, b"busy");

    let signed = signer().sign_now("msg_layer_flaky", BODY);
    let (status, duplicate, body) =
        send_oneshot(&router, oneshot_request(&signed, BODY.to_vec())).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(duplicate, None);
    assert_eq!(
        String::from_utf8_lossy(&body),
        "POST msg_layer_flaky call 2 same body true"
    );
}
