//! Runs the provider binary against the consumer's application, served
//! in this process on a loopback port with the same code as the consumer
//! binary, and checks what the consumer handled.

use std::collections::BTreeMap;
use std::process::Output;
use std::time::Duration;

use hookforge_example_orders_consumer::{app, Journal, Settings, PORT_VARIABLE, SECRET_VARIABLE};

const PROVIDER: &str = env!("CARGO_BIN_EXE_hookforge-example-orders-provider");

/// A secret other than the development default, so the test shows that
/// both sides read it from the environment.
const SECRET: &str = "whsec_b3JkZXJzIGV4YW1wbGUgdGVzdCBzZWNyZXQsIDMyYg==";

/// Serves the consumer's application on 127.0.0.1 with `secret`, and
/// returns its port and journal.
async fn serve_consumer(secret: &str) -> (u16, Journal) {
    let journal = Journal::default();
    let settings = Settings {
        port: 0,
        secret: secret.to_owned(),
        idempotency_db: None,
    };
    let app = app(&settings, journal.clone())
        .await
        .expect("the consumer application builds");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port is free");
    let port = listener.local_addr().expect("a bound address").port();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (port, journal)
}

/// Runs the provider binary against `port` with `secret`, for at most a
/// minute.
async fn run_provider(port: u16, secret: &str) -> Output {
    let run = tokio::process::Command::new(PROVIDER)
        .env(PORT_VARIABLE, port.to_string())
        .env(SECRET_VARIABLE, secret)
        .kill_on_drop(true)
        .output();
    tokio::time::timeout(Duration::from_secs(60), run)
        .await
        .expect("the provider finishes within a minute")
        .expect("the provider starts")
}

/// Returns the webhook ids of the provider's `queued` lines, in order.
fn queued_ids(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter(|line| line.starts_with("queued "))
        .map(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            let id = if words.get(2) == Some(&"again") {
                words[3]
            } else {
                words[2]
            };
            id.to_owned()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_message_handled_exactly_once() {
    let (port, journal) = serve_consumer(SECRET).await;
    let output = run_provider(port, SECRET).await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the provider failed:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("delivered 6 of 6 webhooks (0 in the dead-letter queue)"),
        "{stdout}"
    );

    let handled = journal.entries();
    let mut per_id: BTreeMap<&str, usize> = BTreeMap::new();
    let mut per_type: BTreeMap<&str, usize> = BTreeMap::new();
    for entry in &handled {
        *per_id.entry(&entry.webhook_id).or_default() += 1;
        *per_type.entry(&entry.event_type).or_default() += 1;
    }
    let repeated: Vec<_> = per_id.iter().filter(|(_, count)| **count > 1).collect();
    assert!(repeated.is_empty(), "handled more than once: {repeated:?}");
    let expected_types = BTreeMap::from([
        ("endpoint.ping", 1),
        ("order.cancelled", 1),
        ("order.created", 2),
        ("order.shipped", 1),
        ("stock.check_requested", 2),
    ]);
    assert_eq!(per_type, expected_types, "{handled:#?}");

    // Six queued lines: five webhooks and the replay of the first
    // order.created, whose id it repeats.
    let queued = queued_ids(&stdout);
    assert_eq!(queued.len(), 6, "{stdout}");
    assert_eq!(queued[5], queued[1], "{stdout}");
    for id in &queued {
        assert_eq!(
            per_id.get(id.as_str()),
            Some(&1),
            "webhook {id}: {handled:#?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_secret_fails_the_run() {
    let (port, journal) = serve_consumer(SECRET).await;
    let output = run_provider(port, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(stderr.contains("401 Unauthorized"), "{stderr}");
    assert!(
        stderr.contains("give both sides the same ORDERS_WEBHOOK_SECRET"),
        "{stderr}"
    );
    assert_eq!(journal.entries(), []);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_consumer_fails_quickly() {
    // Bind and drop a listener to find a port that nothing listens on.
    let port = {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port is free");
        listener.local_addr().expect("a bound address").port()
    };
    let started = std::time::Instant::now();
    let output = run_provider(port, SECRET).await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(stderr.contains("is the consumer running?"), "{stderr}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
}
