//! The sending half of the end-to-end delivery test: a worker that drains
//! one SQLite outbox until it receives SIGTERM or SIGINT.
//!
//! Usage: `e2e_sender OUTBOX_FILE`, with the signing secret in the
//! `HOOKFORGE_E2E_SECRET` environment variable. The test enqueues the
//! deliveries itself, so this process can be killed and restarted at any
//! point.

use std::process::ExitCode;
use std::time::Duration;

use hookforge::breaker::BreakerConfig;
use hookforge::client::{SenderConfig, WebhookSender};
use hookforge::outbox::sqlite::SqliteOutbox;
use hookforge::retry::RetryPolicy;
use hookforge::signing::Signer;

/// Retries fast and gives up after five attempts, so that a 30% failure rate
/// leaves some deliveries in the dead-letter queue for the test to replay.
fn config() -> SenderConfig {
    SenderConfig {
        request_timeout: Duration::from_secs(5),
        connect_timeout: Duration::from_secs(1),
        lease: Duration::from_secs(10),
        poll_interval: Duration::from_millis(50),
        concurrency: 32,
        retry: RetryPolicy {
            base: Duration::from_millis(20),
            cap: Duration::from_millis(500),
            max_attempts: 5,
            deadline: Duration::from_secs(600),
            max_retry_after: Duration::from_secs(2),
        },
        breaker: BreakerConfig {
            cool_down: Duration::from_millis(500),
            ..BreakerConfig::default()
        },
        ..SenderConfig::default()
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: e2e_sender OUTBOX_FILE");
        return ExitCode::from(2);
    };
    let secret = match std::env::var("HOOKFORGE_E2E_SECRET") {
        Ok(secret) => secret,
        Err(error) => {
            eprintln!("error: HOOKFORGE_E2E_SECRET: {error}");
            return ExitCode::from(2);
        }
    };
    let key = match secret.parse() {
        Ok(key) => key,
        Err(error) => {
            eprintln!("error: HOOKFORGE_E2E_SECRET: {error}");
            return ExitCode::from(2);
        }
    };
    let store = match SqliteOutbox::open(&path) {
        Ok(store) => store,
        Err(error) => {
            eprintln!("error: {}: {error}", path.to_string_lossy());
            return ExitCode::FAILURE;
        }
    };
    let sender = match WebhookSender::new(store, Signer::new(vec![key]), config()) {
        Ok(sender) => sender,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    sender.run(shutdown_signal()).await;
    ExitCode::SUCCESS
}

/// Completes on SIGTERM or SIGINT.
async fn shutdown_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    let Ok(mut terminate) = signal(SignalKind::terminate()) else {
        return std::future::pending().await;
    };
    tokio::select! {
        _ = terminate.recv() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
}
