//! The receiving half of the end-to-end delivery test: an axum server that
//! verifies, deduplicates and handles webhooks, failing a share of them at
//! random.
//!
//! Usage: `e2e_receiver ADDRESS DATABASE_FILE FAIL_RATIO`, with the signing
//! secret in `HOOKFORGE_E2E_SECRET`. Each handled webhook adds one row to
//! the `handled` table of `DATABASE_FILE`, in the same transaction that
//! marks its id done in the idempotency table of that file. A kill at any
//! instant therefore leaves either both or neither, and the test counts the
//! rows to find webhooks handled twice.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::extract::Request;
use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;
use hookforge::idempotency::sqlite::SqliteIdempotency;
use hookforge::idempotency::StoredResponse;
use hookforge::server::{receive, VerifiedWebhook, WebhookReceiver};
use hookforge::signing::Verifier;

/// How long a handled id is remembered.
const TTL: Duration = Duration::from_secs(24 * 60 * 60);

struct Settings {
    address: String,
    database: String,
    fail_ratio: f64,
    secret: String,
}

fn settings() -> Result<Settings, String> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: e2e_receiver ADDRESS DATABASE_FILE FAIL_RATIO";
    let address = args.next().ok_or(usage)?;
    let database = args.next().ok_or(usage)?;
    let fail_ratio = args
        .next()
        .ok_or(usage)?
        .parse()
        .map_err(|error| format!("FAIL_RATIO: {error}"))?;
    let secret = std::env::var("HOOKFORGE_E2E_SECRET")
        .map_err(|error| format!("HOOKFORGE_E2E_SECRET: {error}"))?;
    Ok(Settings {
        address,
        database,
        fail_ratio,
        secret,
    })
}

#[tokio::main]
async fn main() -> ExitCode {
    match serve().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn serve() -> Result<(), Box<dyn std::error::Error>> {
    let settings = settings()?;
    let verifier = Verifier::new(vec![settings.secret.parse()?]);
    let store = SqliteIdempotency::open(&settings.database).await?;
    store
        .execute_batch(
            "CREATE TABLE IF NOT EXISTS handled (
                 webhook_id TEXT NOT NULL,
                 body BLOB NOT NULL,
                 handled_at INTEGER NOT NULL
             )",
        )
        .await?;
    let receiver = Arc::new(WebhookReceiver::new(verifier, store).with_ttl(TTL));
    let fail_ratio = settings.fail_ratio;
    let app = Router::new().route(
        "/hooks/{tenant}",
        post(move |request: Request| {
            let receiver = Arc::clone(&receiver);
            async move {
                let store = receiver.store().clone();
                receive(&receiver, request, move |webhook: VerifiedWebhook| {
                    handle(store, webhook, fail_ratio)
                })
                .await
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind(&settings.address).await?;
    axum::serve(listener, app).await?;
    Ok(())
}

/// Fails `fail_ratio` of the calls with 500, and otherwise records the
/// webhook and marks its id done in one transaction.
async fn handle(store: SqliteIdempotency, webhook: VerifiedWebhook, fail_ratio: f64) -> StatusCode {
    if fastrand::f64() < fail_ratio {
        return StatusCode::INTERNAL_SERVER_ERROR;
    }
    let response = StoredResponse {
        status: StatusCode::NO_CONTENT.as_u16(),
        body: Vec::new(),
    };
    let id = webhook.id.clone();
    let body = webhook.body.to_vec();
    let result = store
        .complete_with(&id, response, TTL, SystemTime::now(), move |transaction| {
            let now = SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .map_or(0, |elapsed| elapsed.as_millis());
            transaction.execute(
                "INSERT INTO handled (webhook_id, body, handled_at) VALUES (?1, ?2, ?3)",
                (&webhook.id, &body, i64::try_from(now).unwrap_or(i64::MAX)),
            )?;
            Ok(())
        })
        .await;
    match result {
        Ok(()) => StatusCode::NO_CONTENT,
        Err(error) => {
            eprintln!("error: cannot record webhook {id}: {error}");
            StatusCode::SERVICE_UNAVAILABLE
        }
    }
}
