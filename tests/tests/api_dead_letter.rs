//! A message that the receiver's schema rejects, sent through the generated
//! Application-perspective client of `fixtures/api/shop_v3.yaml` to the
//! Mirror-perspective router of the same document: the dead letter keeps
//! the router's explanation.

#![deny(warnings)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use hookforge::api::HandlerError;
use hookforge::client::{SenderConfig, WebhookSender};
use hookforge::idempotency::memory::MemoryIdempotency;
use hookforge::outbox::sqlite::SqliteOutbox;
use hookforge::outbox::{DeadLetterFilter, OutboxStore};
use hookforge::server::{VerifiedWebhook, WebhookReceiver};
use hookforge::signing::{Signer, SigningKey, Verifier, VerifyingKey};

#[rustfmt::skip]
#[allow(missing_docs, dead_code)]
#[path = "../golden/api_v3_application.rs"]
mod app;

#[rustfmt::skip]
#[allow(missing_docs, dead_code)]
#[path = "../golden/api_v3_mirror.rs"]
mod mirror;

fn signing_key() -> SigningKey {
    SigningKey::hmac_from_bytes(b"hookforge api dead letter key 32+").expect("valid HMAC key")
}

/// A handler that accepts every message that decodes.
struct Accept;

impl mirror::Handler for Accept {
    async fn publish_order_event(
        &self,
        _parameters: mirror::OrderEventsParameters,
        _message: mirror::PublishOrderEventMessage,
        _webhook: &VerifiedWebhook,
    ) -> Result<(), HandlerError> {
        Ok(())
    }

    async fn publish_stock_change(
        &self,
        _message: hookforge::api::Message<mirror::StockChangedPayload, mirror::StockChangedHeaders>,
        _webhook: &VerifiedWebhook,
    ) -> Result<(), HandlerError> {
        Ok(())
    }

    async fn request_quote(
        &self,
        _message: mirror::QuoteRequestedPayload,
        _webhook: &VerifiedWebhook,
    ) -> Result<mirror::QuoteIssuedPayload, HandlerError> {
        Ok(mirror::QuoteIssuedPayload::default())
    }
}

/// A folder under the system temp folder, removed on drop.
struct TempFolder(PathBuf);

impl TempFolder {
    fn new() -> Self {
        let nanos = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_nanos());
        let path = std::env::temp_dir().join(format!(
            "hookforge-api-dead-letter-{}-{nanos}",
            std::process::id()
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

async fn serve() -> SocketAddr {
    let verifier = Verifier::new(vec![VerifyingKey::from(&signing_key())]);
    let receiver = WebhookReceiver::new(verifier, MemoryIdempotency::new(1000));
    let router = mirror::router(Accept, receiver);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let address = listener.local_addr().expect("local address");
    tokio::spawn(async move {
        axum::serve(listener, router).await.expect("server runs");
    });
    address
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dead_letter_explains_rejection() {
    let address = serve().await;
    let folder = TempFolder::new();
    let store = SqliteOutbox::open(folder.0.join("outbox.sqlite3")).expect("open outbox");
    let sender = WebhookSender::new(
        store,
        Signer::new(vec![signing_key()]),
        SenderConfig::default(),
    )
    .expect("valid sender");
    let client = app::Client::new(sender.clone(), format!("http://{address}/"));

    let parameters = app::OrderEventsParameters {
        store_id: "s1".to_owned(),
        region: app::OrderEventsRegion::Eu,
    };
    let negative = app::OrderPlacedPayload {
        order_id: "o-5".to_owned(),
        total: -1,
        ..Default::default()
    };
    client
        .publish_order_event(
            &parameters,
            app::PublishOrderEventMessage::OrderPlaced(negative),
        )
        .await
        .expect("stored");
    tokio::time::timeout(Duration::from_secs(20), sender.run_until_idle())
        .await
        .expect("outbox drains within 20 s");

    let dead = sender
        .store()
        .list_dead(&DeadLetterFilter::default())
        .await
        .expect("list dead letters");
    assert_eq!(dead.len(), 1, "a 400 is not retried");
    let error = dead[0].last_error.as_deref().unwrap_or_default();
    assert!(
        error.starts_with("HTTP 400 Bad Request; the attempt failed permanently; response body: "),
        "{error}"
    );
    assert!(
        error.contains("\"keyword\":\"minimum\""),
        "names the violation: {error}"
    );
    assert!(
        error.contains("\"message\":\"order.placed\""),
        "names the message: {error}"
    );
}
