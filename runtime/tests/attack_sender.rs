//! Hostile endpoints and webhooks against `WebhookSender`: endpoints that
//! never answer, answer with huge bodies or ask for a retry in years, and
//! endpoint URLs that carry credentials.
#![cfg(all(feature = "client", feature = "sqlite"))]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use hookforge::client::{SendError, SenderConfig, Webhook, WebhookSender};
use hookforge::outbox::sqlite::SqliteOutbox;
use hookforge::outbox::{DeliveryState, OutboxStore};
use hookforge::retry::RetryPolicy;
use hookforge::signing::{Signer, SigningKey};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

fn config() -> SenderConfig {
    SenderConfig {
        request_timeout: Duration::from_secs(1),
        lease: Duration::from_secs(3),
        poll_interval: Duration::from_millis(20),
        retry: RetryPolicy {
            base: Duration::from_millis(10),
            cap: Duration::from_millis(50),
            max_attempts: 2,
            deadline: Duration::from_secs(60),
            max_retry_after: Duration::from_secs(2),
        },
        ..SenderConfig::default()
    }
}

fn sender(folder: &TempFolder, config: SenderConfig) -> WebhookSender<SqliteOutbox> {
    let store = SqliteOutbox::open(folder.0.join("outbox.sqlite3")).expect("open outbox");
    let key = SigningKey::hmac_from_bytes(b"attack sender test key, 32 bytes!").expect("key");
    WebhookSender::new(store, Signer::new(vec![key]), config).expect("sender")
}

/// Runs the worker until nothing is pending or `limit` passes.
async fn run_until_idle(sender: &WebhookSender<SqliteOutbox>, limit: Duration) {
    let worker = sender.clone();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        worker
            .run(async {
                let _ = stopped.await;
            })
            .await;
    });
    let started = Instant::now();
    while started.elapsed() < limit {
        if sender.store().counts().await.expect("counts").pending == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let _ = stop.send(());
    task.await.expect("worker");
}

/// A TCP server that reads each request head and then runs `answer` on the
/// connection. Returns its address and the number of connections.
async fn raw_endpoint<F, Fut>(answer: F) -> (SocketAddr, Arc<AtomicUsize>)
where
    F: Fn(TcpStream) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    let connections = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&connections);
    let answer = Arc::new(answer);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            let answer = Arc::clone(&answer);
            tokio::spawn(async move {
                let mut received = Vec::new();
                let mut chunk = [0u8; 8192];
                while !received.windows(4).any(|window| window == b"\r\n\r\n") {
                    match stream.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(read) => received.extend_from_slice(&chunk[..read]),
                    }
                }
                answer(stream).await;
            });
        }
    });
    (address, connections)
}

/// An endpoint that accepts and never responds: each attempt ends at the
/// request timeout, no attempt overlaps another through an expired lease,
/// and the delivery reaches the dead-letter queue after `max_attempts`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_endpoint_times_out() {
    let (address, connections) = raw_endpoint(|stream| async move {
        tokio::time::sleep(Duration::from_secs(3600)).await;
        drop(stream);
    })
    .await;
    let folder = TempFolder::new("silent");
    let sender = sender(&folder, config());
    let accepted = sender
        .send(Webhook::new(
            format!("http://{address}/hooks"),
            "t",
            b"{}".to_vec(),
        ))
        .await
        .expect("send");

    let started = Instant::now();
    run_until_idle(&sender, Duration::from_secs(15)).await;
    assert!(
        started.elapsed() < Duration::from_secs(6),
        "{:?}",
        started.elapsed()
    );
    let delivery = sender
        .store()
        .get(accepted.id)
        .await
        .expect("get")
        .expect("row");
    assert_eq!(delivery.state, DeliveryState::Dead);
    assert_eq!(delivery.attempts, 2);
    assert_eq!(connections.load(Ordering::SeqCst), 2);
    let error = delivery.last_error.unwrap_or_default();
    assert!(error.to_lowercase().contains("timed out"), "{error}");
}

/// `Retry-After` of about 3000 years is clamped to `max_retry_after`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_after_of_years_is_clamped() {
    let (address, _) = raw_endpoint(|mut stream| async move {
        let _ = stream
            .write_all(b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 99999999999\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            .await;
    })
    .await;
    let folder = TempFolder::new("retry-after");
    let mut config = config();
    config.retry.max_attempts = 5;
    let sender = sender(&folder, config);
    let accepted = sender
        .send(Webhook::new(
            format!("http://{address}/hooks"),
            "t",
            b"{}".to_vec(),
        ))
        .await
        .expect("send");
    run_until_idle(&sender, Duration::from_millis(700)).await;

    let delivery = sender
        .store()
        .get(accepted.id)
        .await
        .expect("get")
        .expect("row");
    assert_eq!(delivery.state, DeliveryState::Pending);
    assert_eq!(delivery.attempts, 1);
    let wait = delivery
        .next_attempt_at
        .duration_since(SystemTime::now())
        .unwrap_or(Duration::ZERO);
    assert!(wait <= Duration::from_secs(2), "next attempt in {wait:?}");
}

/// The response body is never used, so the sender reads at most a few KiB
/// of it: a hostile endpoint that streams an endless body must not make an
/// in-flight delivery hold as much memory as it can send in
/// `request_timeout`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn huge_response_body_not_buffered() {
    let written = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&written);
    let (address, _) = raw_endpoint(move |mut stream| {
        let counter = Arc::clone(&counter);
        async move {
            let head = b"HTTP/1.1 200 OK\r\nContent-Length: 1099511627776\r\n\r\n";
            if stream.write_all(head).await.is_err() {
                return;
            }
            let chunk = vec![b'x'; 64 * 1024];
            // Stops at 256 MiB so the test cannot exhaust the machine.
            for _ in 0..4096 {
                if stream.write_all(&chunk).await.is_err() {
                    return;
                }
                counter.fetch_add(chunk.len(), Ordering::SeqCst);
            }
        }
    })
    .await;
    let folder = TempFolder::new("huge-response");
    let sender = sender(&folder, config());
    sender
        .send(Webhook::new(
            format!("http://{address}/hooks"),
            "t",
            b"{}".to_vec(),
        ))
        .await
        .expect("send");
    run_until_idle(&sender, Duration::from_secs(10)).await;
    // The server counts bytes that the kernel accepted, and loopback socket
    // buffers take a few MiB that the sender never reads. Reading the whole
    // body would reach the 256 MiB cap within the run.
    let read = written.load(Ordering::SeqCst);
    assert!(
        read <= 16 << 20,
        "the sender read {read} bytes of a response body"
    );
}

/// Credentials in an endpoint URL would reach metric labels, span fields
/// and the dead-letter queue, so the sender rejects them and the error does
/// not repeat the password.
#[tokio::test]
async fn endpoint_with_credentials_rejected() {
    let folder = TempFolder::new("credentials");
    let sender = sender(&folder, config());
    let error = sender
        .send(Webhook::new(
            "http://admin:s3cret@127.0.0.1:9/hooks",
            "t",
            b"{}".to_vec(),
        ))
        .await
        .expect_err("credentials are rejected");
    assert!(
        matches!(error, SendError::InvalidEndpoint { .. }),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(!message.contains("s3cret"), "{message}");
    assert!(message.contains("authorization"), "{message}");
    assert_eq!(sender.store().counts().await.expect("counts").pending, 0);
}

/// The endpoint URL, password included, is echoed in the error.
#[tokio::test]
async fn invalid_endpoint_error_hides_password() {
    let folder = TempFolder::new("bad-endpoint");
    let sender = sender(&folder, config());
    let error = sender
        .send(Webhook::new(
            "ftp://admin:s3cret@127.0.0.1/hooks",
            "t",
            Vec::new(),
        ))
        .await
        .expect_err("ftp is rejected");
    assert!(
        matches!(error, SendError::InvalidEndpoint { .. }),
        "{error:?}"
    );
    assert!(!error.to_string().contains("s3cret"), "{error}");
}

#[tokio::test]
async fn hostile_webhook_fields_rejected() {
    let folder = TempFolder::new("hostile-fields");
    let sender = sender(&folder, config());
    let endpoint = "http://127.0.0.1:9/hooks";
    let cases = [
        Webhook::new(endpoint, "t", Vec::new()).with_header("x-a", "one\r\nx-injected: 1"),
        Webhook::new(endpoint, "t", Vec::new()).with_header("x-a", "nul\0"),
        Webhook::new(endpoint, "t", Vec::new()).with_header("x a", "v"),
        Webhook::new(endpoint, "t", Vec::new()).with_header("Webhook-Signature", "v1,x"),
        Webhook::new(endpoint, "t", Vec::new()).with_id("msg\r\nx"),
        Webhook::new(endpoint, "t", Vec::new()).with_id("msg 1"),
        Webhook::new(endpoint, "t", Vec::new()).with_id(""),
        Webhook::new("javascript:alert(1)", "t", Vec::new()),
        Webhook::new("http://", "t", Vec::new()),
        Webhook::new(endpoint, "t", vec![0; (1 << 20) + 1]),
    ];
    for webhook in cases {
        let described = format!(
            "{:?}",
            (&webhook.endpoint, &webhook.webhook_id, &webhook.headers)
        );
        assert!(sender.send(webhook).await.is_err(), "accepted {described}");
    }
    assert_eq!(sender.store().counts().await.expect("counts").pending, 0);
}

/// The URL parser drops tabs and line breaks, so an endpoint with them
/// passes the check and is stored, logged in the `endpoint` span field and
/// used as a metric label as given. Plain-text logs then show forged lines.
#[tokio::test]
async fn endpoint_with_line_breaks_rejected() {
    let folder = TempFolder::new("crlf-endpoint");
    let sender = sender(&folder, config());
    for endpoint in [
        "http://127.0.0.1:9/hooks\r\nlevel=ERROR forged log line",
        "http://127.0.0.1:9/ho\toks",
    ] {
        let result = sender.send(Webhook::new(endpoint, "t", Vec::new())).await;
        assert!(
            matches!(result, Err(SendError::InvalidEndpoint { .. })),
            "{endpoint:?}: {result:?}"
        );
    }
}

/// A folder under the system temp folder, removed on drop.
struct TempFolder(PathBuf);

impl TempFolder {
    fn new(name: &str) -> Self {
        let path = std::env::temp_dir().join(format!(
            "hookforge-attack-sender-{name}-{}-{}",
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
