//! Hostile requests against `receive`, sent over a real loopback socket as
//! hand-written HTTP/1.1, with the memory and SQLite idempotency stores.
//!
//! Each test states what the receiver must do with one kind of bad input.
//! Tests marked `#[ignore]` reproduce a known gap and fail today.
#![cfg(all(feature = "server", feature = "sqlite"))]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use axum::http::StatusCode;
use axum::Router;
use hookforge::idempotency::memory::MemoryIdempotency;
use hookforge::idempotency::sqlite::SqliteIdempotency;
use hookforge::idempotency::{Claim, IdempotencyStore, StoredResponse};
use hookforge::server::{VerifiedWebhook, WebhookReceiver};
use hookforge::signing::{Signer, SigningKey, Verifier, VerifyingKey};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const PATH: &str = "/hooks";
const MAX_BODY: usize = 4096;
const BODY: &[u8] = br#"{"type":"attack.test"}"#;

fn signing_key() -> SigningKey {
    SigningKey::hmac_from_bytes(b"attack receiver test key, 32 byte").expect("valid HMAC key")
}

fn signer() -> Signer {
    Signer::new(vec![signing_key()])
}

/// A running receiver and the number of handler calls it made.
struct Target {
    address: SocketAddr,
    calls: Arc<AtomicUsize>,
}

/// The body timeout of the test receivers, short so the stalled-body test
/// finishes quickly.
const BODY_TIMEOUT: Duration = Duration::from_secs(2);

/// Serves a receiver over `store` whose handler sleeps for `pause`, then
/// answers 200 with the webhook id length.
async fn serve<S: IdempotencyStore>(store: S, pause: Duration) -> Target {
    let calls = Arc::new(AtomicUsize::new(0));
    let verifier = Verifier::new(vec![VerifyingKey::from(&signing_key())]);
    let receiver = WebhookReceiver::new(verifier, store)
        .with_max_body_bytes(MAX_BODY)
        .with_body_timeout(BODY_TIMEOUT);
    let handler_calls = Arc::clone(&calls);
    let route = receiver.route(move |webhook: VerifiedWebhook| {
        let calls = Arc::clone(&handler_calls);
        async move {
            tokio::time::sleep(pause).await;
            calls.fetch_add(1, Ordering::SeqCst);
            (StatusCode::OK, format!("id length {}", webhook.id.len()))
        }
    });
    let router = Router::new().route(PATH, route);
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("local address");
    tokio::spawn(async move {
        axum::serve(listener, router).await.expect("serve");
    });
    Target { address, calls }
}

async fn serve_memory() -> Target {
    serve(MemoryIdempotency::new(1_000), Duration::ZERO).await
}

/// Builds a POST head with `Content-Length: length` (or chunked when
/// `None`) and the given header lines.
fn head(length: Option<u64>, lines: &[String]) -> Vec<u8> {
    let framing = match length {
        Some(length) => format!("Content-Length: {length}"),
        None => "Transfer-Encoding: chunked".to_owned(),
    };
    let mut text =
        format!("POST {PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n{framing}\r\n");
    for line in lines {
        text.push_str(line);
        text.push_str("\r\n");
    }
    text.push_str("\r\n");
    text.into_bytes()
}

/// The three webhook header lines for a signature made now.
fn signed_lines(id: &str, body: &[u8]) -> Vec<String> {
    let signed = signer().sign_now(id, body);
    vec![
        format!("webhook-id: {}", signed.id),
        format!("webhook-timestamp: {}", signed.timestamp),
        format!("webhook-signature: {}", signed.signature),
    ]
}

/// Sends `request` and returns the status code of the response, or `None`
/// when the server closed the connection without one. Write errors are
/// ignored, because a server may answer and close before the body is sent.
async fn status_of(address: SocketAddr, request: &[u8]) -> Option<u16> {
    let exchange = async {
        let mut stream = TcpStream::connect(address).await.expect("connect");
        let _ = stream.write_all(request).await;
        read_status(&mut stream).await
    };
    tokio::time::timeout(Duration::from_secs(10), exchange)
        .await
        .expect("a response or a close within 10 s")
}

async fn read_status(stream: &mut TcpStream) -> Option<u16> {
    let mut received = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = received.windows(2).position(|pair| pair == b"\r\n") {
            let line = String::from_utf8_lossy(&received[..end]).into_owned();
            return line.split(' ').nth(1).and_then(|code| code.parse().ok());
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(read) => received.extend_from_slice(&chunk[..read]),
        }
    }
}

async fn send_signed(address: SocketAddr, id: &str, body: &[u8]) -> Option<u16> {
    let mut request = head(Some(body.len() as u64), &signed_lines(id, body));
    request.extend_from_slice(body);
    status_of(address, &request).await
}

/// Sends `BODY` with these webhook header lines, unsigned or badly signed.
async fn send_with_lines(address: SocketAddr, lines: &[String]) -> Option<u16> {
    let mut request = head(Some(BODY.len() as u64), lines);
    request.extend_from_slice(BODY);
    status_of(address, &request).await
}

#[tokio::test]
async fn valid_webhook_is_accepted() {
    let target = serve_memory().await;
    assert_eq!(send_signed(target.address, "msg_ok", BODY).await, Some(200));
    assert_eq!(target.calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn huge_content_length_rejected_unread() {
    let target = serve_memory().await;
    let lines = signed_lines("msg_huge", BODY);
    for length in [MAX_BODY as u64 + 1, 1 << 40, u64::MAX] {
        let status = status_of(target.address, &head(Some(length), &lines)).await;
        assert!(
            matches!(status, Some(413) | Some(400) | Some(431)),
            "Content-Length {length}: {status:?}"
        );
    }
    assert_eq!(target.calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn endless_chunked_body_gets_413() {
    let target = serve_memory().await;
    let mut stream = TcpStream::connect(target.address).await.expect("connect");
    stream
        .write_all(&head(None, &signed_lines("msg_chunked", BODY)))
        .await
        .expect("write head");
    // Chunks of 1 KiB until the server stops reading, at most 1 MiB.
    let chunk = format!("400\r\n{}\r\n", "a".repeat(1024));
    let started = Instant::now();
    for _ in 0..1024 {
        if stream.write_all(chunk.as_bytes()).await.is_err() {
            break;
        }
        if started.elapsed() > Duration::from_secs(2) {
            break;
        }
    }
    let status = tokio::time::timeout(Duration::from_secs(10), read_status(&mut stream))
        .await
        .expect("an answer within 10 s");
    assert_eq!(status, Some(413));
    assert_eq!(target.calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn content_length_shorter_than_body() {
    let target = serve_memory().await;
    // The signature covers all of BODY but only part of it is declared.
    let mut request = head(Some(5), &signed_lines("msg_short", BODY));
    request.extend_from_slice(BODY);
    assert_eq!(status_of(target.address, &request).await, Some(401));
    assert_eq!(target.calls.load(Ordering::SeqCst), 0);
}

/// A client declares a body and sends only part of it. Every such
/// connection holds a task and up to `max_body_bytes` of buffer for as long
/// as the client wants, because nothing in the receiver bounds the time to
/// read a body.
#[tokio::test]
async fn stalled_body_times_out() {
    let target = serve_memory().await;
    let mut stream = TcpStream::connect(target.address).await.expect("connect");
    let mut request = head(Some(BODY.len() as u64), &signed_lines("msg_stall", BODY));
    request.extend_from_slice(&BODY[..5]);
    stream.write_all(&request).await.expect("write");
    let answer = tokio::time::timeout(BODY_TIMEOUT * 3, read_status(&mut stream)).await;
    let status = answer.expect("the receiver still waits for the body");
    assert_eq!(status, Some(408));
    assert_eq!(target.calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn missing_empty_or_odd_headers_get_401() {
    let target = serve_memory().await;
    let good = signed_lines("msg_hdr", BODY);
    let cases: Vec<(&str, Vec<String>)> = vec![
        ("no headers", vec![]),
        ("id missing", good[1..].to_vec()),
        (
            "empty id",
            vec!["webhook-id: ".into(), good[1].clone(), good[2].clone()],
        ),
        (
            "empty signature",
            vec![
                good[0].clone(),
                good[1].clone(),
                "webhook-signature:".into(),
            ],
        ),
        (
            "spaces-only signature",
            vec![
                good[0].clone(),
                good[1].clone(),
                "webhook-signature:    ,".into(),
            ],
        ),
        (
            "non-ASCII id",
            vec![
                "webhook-id: msg_\u{e9}".into(),
                good[1].clone(),
                good[2].clone(),
            ],
        ),
        (
            "bad first of two signature headers",
            vec![
                good[0].clone(),
                good[1].clone(),
                "webhook-signature: v1,AAAA".into(),
                good[2].clone(),
            ],
        ),
    ];
    for (case, lines) in cases {
        assert_eq!(
            send_with_lines(target.address, &lines).await,
            Some(401),
            "{case}"
        );
    }
    assert_eq!(target.calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn control_bytes_in_id_never_reach_handler() {
    let target = serve_memory().await;
    let good = signed_lines("msg_ctl", BODY);
    for id in ["msg\0nul", "msg\rcr", "msg\nforged: 1", "msg\x7fdel"] {
        let lines = vec![
            format!("webhook-id: {id}"),
            good[1].clone(),
            good[2].clone(),
        ];
        let status = send_with_lines(target.address, &lines).await;
        assert!(
            matches!(status, None | Some(400) | Some(401)),
            "{id:?}: {status:?}"
        );
    }
    assert_eq!(target.calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn thousands_of_signature_entries_rejected_fast() {
    let target = serve_memory().await;
    let good = signed_lines("msg_many", BODY);
    let valid_entry = good[2].trim_start_matches("webhook-signature: ").to_owned();
    let headers = [
        // The valid entry last, after 10 000 checked entries.
        format!("{}{valid_entry}", "v1,AAAA ".repeat(10_000)),
        // 40 000 entries of an unknown version.
        "v9,x ".repeat(40_000),
        // One entry with 200 KB of base64.
        format!("v1,{}", "A".repeat(200_000)),
    ];
    for header in headers {
        let lines = vec![
            good[0].clone(),
            good[1].clone(),
            format!("webhook-signature: {header}"),
        ];
        let started = Instant::now();
        let status = send_with_lines(target.address, &lines).await;
        assert_eq!(status, Some(401), "header of {} bytes", header.len());
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "took {:?}",
            started.elapsed()
        );
    }
    assert_eq!(target.calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn hostile_timestamps_get_401() {
    let target = serve_memory().await;
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs();
    let cases = [
        i64::MAX.to_string(),
        i64::MIN.to_string(),
        "99999999999999999999999".to_owned(),
        "-1".to_owned(),
        "-0".to_owned(),
        format!("+{now}"),
        format!("{now}.0"),
        format!("{now}000"),
        format!("{now}e0"),
        format!("0x{now:x}"),
        format!("{now} {now}"),
        "\u{661}\u{662}".to_owned(),
    ];
    let good = signed_lines("msg_ts", BODY);
    for timestamp in cases {
        // Signed over the hostile text itself, so only the timestamp check
        // can reject it.
        let signature = sign_text("msg_ts", &timestamp, BODY);
        let lines = vec![
            good[0].clone(),
            format!("webhook-timestamp: {timestamp}"),
            format!("webhook-signature: {signature}"),
        ];
        assert_eq!(
            send_with_lines(target.address, &lines).await,
            Some(401),
            "{timestamp:?}"
        );
    }
    assert_eq!(target.calls.load(Ordering::SeqCst), 0);
}

/// Signs `id.timestamp.body` with the test key as a `v1` entry, for
/// timestamp text that `Signer` would never produce.
fn sign_text(id: &str, timestamp: &str, body: &[u8]) -> String {
    use base64::Engine;
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(b"attack receiver test key, 32 byte")
        .expect("any key length");
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    let tag = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    format!("v1,{tag}")
}

/// A sender that holds the key may use ids of any length that fits in the
/// HTTP head. Both stores keep such a key whole.
#[tokio::test]
async fn long_signed_id_is_stored_whole() {
    let id = format!("msg_{}", "x".repeat(300_000));
    let memory = serve_memory().await;
    assert_eq!(send_signed(memory.address, &id, BODY).await, Some(200));
    assert_eq!(send_signed(memory.address, &id, BODY).await, Some(200));
    assert_eq!(memory.calls.load(Ordering::SeqCst), 1, "duplicate replayed");

    let folder = TempFolder::new("long-id");
    let sqlite = SqliteIdempotency::open(folder.0.join("idem.sqlite3"))
        .await
        .expect("open SQLite store");
    let target = serve(sqlite, Duration::ZERO).await;
    assert_eq!(send_signed(target.address, &id, BODY).await, Some(200));
    assert_eq!(send_signed(target.address, &id, BODY).await, Some(200));
    assert_eq!(target.calls.load(Ordering::SeqCst), 1, "duplicate replayed");
}

#[tokio::test]
async fn stores_accept_megabyte_key() {
    let key = "k".repeat(1 << 20);
    let lease = Duration::from_secs(30);
    let now = SystemTime::now();
    let done = StoredResponse {
        status: 200,
        body: b"ok".to_vec(),
    };

    let memory = MemoryIdempotency::new(4);
    assert_eq!(memory.claim(&key, lease, now).await.ok(), Some(Claim::New));
    memory
        .complete(&key, done.clone(), lease, now)
        .await
        .expect("complete in memory");
    assert_eq!(
        memory.claim(&key, lease, now).await.ok(),
        Some(Claim::Done(done.clone()))
    );

    let folder = TempFolder::new("mb-key");
    let sqlite = SqliteIdempotency::open(folder.0.join("idem.sqlite3"))
        .await
        .expect("open SQLite store");
    assert_eq!(sqlite.claim(&key, lease, now).await.ok(), Some(Claim::New));
    sqlite
        .complete(&key, done.clone(), lease, now)
        .await
        .expect("complete in SQLite");
    assert_eq!(
        sqlite.claim(&key, lease, now).await.ok(),
        Some(Claim::Done(done))
    );
}

/// Redis keys are binary-safe up to 512 MB, so a megabyte id and ids
/// with NUL, line breaks or glob characters round-trip under the prefix.
#[cfg(feature = "redis")]
#[tokio::test]
async fn redis_accepts_hostile_keys() {
    use hookforge::idempotency::redis::RedisIdempotency;
    const URL: &str = "redis://127.0.0.1:6379";
    let connected =
        tokio::time::timeout(Duration::from_secs(2), RedisIdempotency::connect(URL)).await;
    let store = match connected {
        Ok(Ok(store)) => store,
        Ok(Err(error)) => return skip_redis(&error.to_string()),
        Err(_) => return skip_redis("connection timed out after 2 s"),
    };
    let store = store.with_prefix(format!(
        "attack:{}:{}:",
        std::process::id(),
        fastrand::u64(..)
    ));
    let lease = Duration::from_secs(30);
    let now = SystemTime::now();
    let done = StoredResponse {
        status: 200,
        body: b"ok".to_vec(),
    };
    for key in [
        "k".repeat(1 << 20),
        "a\0b\r\nc".to_owned(),
        "*".to_owned(),
        "[a-z]?".to_owned(),
    ] {
        assert_eq!(
            store.claim(&key, lease, now).await.ok(),
            Some(Claim::New),
            "{}",
            key.len()
        );
        store
            .complete(&key, done.clone(), lease, now)
            .await
            .expect("complete in Redis");
        assert_eq!(
            store.claim(&key, lease, now).await.ok(),
            Some(Claim::Done(done.clone())),
            "{}",
            key.len()
        );
    }
}

#[cfg(feature = "redis")]
fn skip_redis(reason: &str) {
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("Redis at 127.0.0.1:6379 is unreachable and CI=true: {reason}");
    }
    eprintln!("skipped redis_accepts_hostile_keys: Redis is unreachable: {reason}");
}

/// Distinct ids beyond the capacity of the memory store, all in progress
/// at once: the extra ones get 503 with `Retry-After`, the rest succeed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_memory_store_answers_503() {
    let target = serve(MemoryIdempotency::new(3), Duration::from_millis(800)).await;
    let mut tasks = Vec::new();
    for index in 0..8 {
        let address = target.address;
        tasks.push(tokio::spawn(async move {
            send_signed(address, &format!("msg_full_{index}"), BODY).await
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.expect("task"));
    }
    let ok = statuses.iter().filter(|s| **s == Some(200)).count();
    let unavailable = statuses.iter().filter(|s| **s == Some(503)).count();
    assert_eq!(ok, 3, "{statuses:?}");
    assert_eq!(unavailable, 5, "{statuses:?}");
    assert_eq!(target.calls.load(Ordering::SeqCst), 3);
}

/// The client hangs up while a slow handler runs. The handler finishes, and
/// the retry gets the stored response without a second call.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disconnect_during_slow_handler() {
    let target = serve(MemoryIdempotency::new(10), Duration::from_millis(500)).await;
    let mut request = head(Some(BODY.len() as u64), &signed_lines("msg_gone", BODY));
    request.extend_from_slice(BODY);
    {
        let mut stream = TcpStream::connect(target.address).await.expect("connect");
        stream.write_all(&request).await.expect("write");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(target.calls.load(Ordering::SeqCst), 1);
    assert_eq!(
        send_signed(target.address, "msg_gone", BODY).await,
        Some(200)
    );
    assert_eq!(target.calls.load(Ordering::SeqCst), 1);
}

/// Captures the `webhook_id` field of every tracing event.
#[derive(Clone, Default)]
struct IdCapture(Arc<Mutex<Vec<String>>>);

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for IdCapture {
    fn on_event(
        &self,
        event: &tracing::Event<'_>,
        _context: tracing_subscriber::layer::Context<'_, S>,
    ) {
        struct Visitor<'a>(&'a Mutex<Vec<String>>);
        impl tracing::field::Visit for Visitor<'_> {
            fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
                if field.name() == "webhook_id" {
                    self.0.lock().expect("capture lock").push(value.to_owned());
                }
            }
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                if field.name() == "webhook_id" {
                    self.0
                        .lock()
                        .expect("capture lock")
                        .push(format!("{value:?}"));
                }
            }
        }
        event.record(&mut Visitor(&self.0));
    }
}

/// An unsigned request with a long id logs at most 100 characters of it.
#[tokio::test]
async fn rejected_long_id_logged_short() {
    use tracing_subscriber::layer::SubscriberExt;
    let capture = IdCapture::default();
    let subscriber = tracing_subscriber::registry().with(capture.clone());
    let _guard = tracing::subscriber::set_default(subscriber);

    let target = serve_memory().await;
    let good = signed_lines("msg_log", BODY);
    let long_id = "i".repeat(200_000);
    let lines = vec![
        format!("webhook-id: {long_id}"),
        good[1].clone(),
        good[2].clone(),
    ];
    assert_eq!(send_with_lines(target.address, &lines).await, Some(401));

    let logged = capture.0.lock().expect("capture lock").clone();
    assert!(!logged.is_empty(), "the rejection was not logged");
    for id in logged {
        assert!(id.len() <= 100, "logged id of {} bytes", id.len());
    }
}

/// A folder under the system temp folder, removed on drop.
struct TempFolder(std::path::PathBuf);

impl TempFolder {
    fn new(name: &str) -> Self {
        let path = std::env::temp_dir().join(format!(
            "hookforge-attack-{name}-{}-{}",
            std::process::id(),
            fastrand::u64(..)
        ));
        std::fs::create_dir_all(&path).expect("create temp folder");
        Self(path)
    }
}

impl Drop for TempFolder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A handler that outlives its lease loses its claim to a retry. When it
/// then fails, its release drops the retry's claim too, because `release`
/// takes only the key, and a third copy runs while the second still does.
#[tokio::test]
#[ignore = "known gap: release after an expired lease drops the next holder's claim"]
async fn stale_release_keeps_newer_claim() {
    let store = MemoryIdempotency::new(10);
    let lease = Duration::from_millis(100);
    let start = SystemTime::now();
    assert_eq!(
        store.claim("msg_lease", lease, start).await.ok(),
        Some(Claim::New)
    );

    let after_lease = start + Duration::from_millis(200);
    assert_eq!(
        store.claim("msg_lease", lease, after_lease).await.ok(),
        Some(Claim::New),
        "the retry takes over the expired claim"
    );
    // The first handler fails late and releases what it thinks is its claim.
    store.release("msg_lease").await.expect("release");
    assert_eq!(
        store.claim("msg_lease", lease, after_lease).await.ok(),
        Some(Claim::InProgress),
        "a third copy may run while the retry is still in progress"
    );
}
