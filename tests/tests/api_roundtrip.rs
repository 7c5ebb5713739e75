//! End to end over loopback: the Application-perspective client generated
//! from `fixtures/api/shop_v3.yaml` sends every message through a SQLite
//! outbox to the Mirror-perspective router of the same document, and the
//! handler sees each one typed, once, with its path parameters decoded.
//! The same holds for `fixtures/api/shared_route.yaml`, whose two
//! operations post to one path: each message reaches the handler method of
//! its own operation.

#![deny(warnings)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use hookforge::api::HandlerError;
use hookforge::client::request::RequestSender;
use hookforge::client::reqwest;
use hookforge::client::{SenderConfig, WebhookSender};
use hookforge::idempotency::memory::MemoryIdempotency;
use hookforge::outbox::sqlite::SqliteOutbox;
use hookforge::server::{VerifiedWebhook, WebhookReceiver};
use hookforge::signing::{Signer, SigningKey, Verifier, VerifyingKey};
use serde_json::{json, Value};

#[rustfmt::skip]
#[allow(missing_docs, dead_code)]
#[path = "../golden/api_v3_application.rs"]
mod app;

#[rustfmt::skip]
#[allow(missing_docs, dead_code)]
#[path = "../golden/api_v3_mirror.rs"]
mod mirror;

#[rustfmt::skip]
#[allow(missing_docs, dead_code)]
#[path = "../golden/api_shared_application.rs"]
mod shared_app;

#[rustfmt::skip]
#[allow(missing_docs, dead_code)]
#[path = "../golden/api_shared_mirror.rs"]
mod shared_mirror;

fn signing_key() -> SigningKey {
    SigningKey::hmac_from_bytes(b"hookforge api roundtrip key, 32+").expect("valid HMAC key")
}

/// What the mirror handler saw, in arrival order.
#[derive(Debug, Clone, PartialEq)]
enum Seen {
    Order(
        mirror::OrderEventsParameters,
        mirror::PublishOrderEventMessage,
    ),
    Stock(mirror::StockChangedPayload, mirror::StockChangedHeaders),
    Quote(mirror::QuoteRequestedPayload),
}

#[derive(Clone, Default)]
struct Recorder {
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Recorder {
    fn record(&self, seen: Seen) {
        self.seen.lock().expect("not poisoned").push(seen);
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().expect("not poisoned").clone()
    }
}

impl mirror::Handler for Recorder {
    async fn publish_order_event(
        &self,
        parameters: mirror::OrderEventsParameters,
        message: mirror::PublishOrderEventMessage,
        _webhook: &VerifiedWebhook,
    ) -> Result<(), HandlerError> {
        self.record(Seen::Order(parameters, message));
        Ok(())
    }

    async fn publish_stock_change(
        &self,
        message: hookforge::api::Message<mirror::StockChangedPayload, mirror::StockChangedHeaders>,
        _webhook: &VerifiedWebhook,
    ) -> Result<(), HandlerError> {
        if message.payload.sku == "reject-me" {
            return Err(HandlerError::reject("unknown product"));
        }
        self.record(Seen::Stock(message.payload, message.headers));
        Ok(())
    }

    async fn request_quote(
        &self,
        message: mirror::QuoteRequestedPayload,
        _webhook: &VerifiedWebhook,
    ) -> Result<mirror::QuoteIssuedPayload, HandlerError> {
        let price = i64::try_from(message.destination.len()).unwrap_or(0) * 100;
        self.record(Seen::Quote(message));
        Ok(mirror::QuoteIssuedPayload {
            price,
            currency: "EUR".to_owned(),
            ..Default::default()
        })
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
            "hookforge-api-roundtrip-{}-{nanos}",
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

/// Serves the mirror router on an ephemeral loopback port.
async fn serve(recorder: Recorder) -> SocketAddr {
    let verifier = Verifier::new(vec![VerifyingKey::from(&signing_key())]);
    let receiver = WebhookReceiver::new(verifier, MemoryIdempotency::new(1000));
    let router = mirror::router(recorder, receiver);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let address = listener.local_addr().expect("local address");
    tokio::spawn(async move {
        axum::serve(listener, router).await.expect("server runs");
    });
    address
}

/// Posts `body` to `path`, signed with the shared key unless `signed` is
/// false, and returns the status and the body.
async fn post(
    address: SocketAddr,
    path: &str,
    id: &str,
    body: &[u8],
    signed: bool,
) -> (u16, Vec<u8>) {
    let key = if signed {
        signing_key()
    } else {
        SigningKey::hmac_from_bytes(b"some other key, also 32 bytes ok").expect("valid HMAC key")
    };
    let mut headers = axum::http::HeaderMap::new();
    Signer::new(vec![key])
        .sign_now(id, body)
        .insert_into(&mut headers)
        .expect("valid signature headers");
    let response = plain_client()
        .post(format!("http://{address}{path}"))
        .headers(headers)
        .header("content-type", "application/json")
        .body(body.to_vec())
        .send()
        .await
        .expect("the router answers");
    let status = response.status().as_u16();
    let body = response.bytes().await.expect("a body").to_vec();
    (status, body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_messages_reach_handler_typed_once() {
    let recorder = Recorder::default();
    let address = serve(recorder.clone()).await;
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
        store_id: "north/7".to_owned(),
        region: app::OrderEventsRegion::Us,
    };
    let placed = app::OrderPlacedPayload {
        order_id: "o-1".to_owned(),
        total: 1250,
        ..Default::default()
    };
    let cancelled = app::OrderCancelledPayload {
        order_id: "o-2".to_owned(),
        reason: Some("changed mind".to_owned()),
        ..Default::default()
    };
    client
        .publish_order_event(
            &parameters,
            app::PublishOrderEventMessage::OrderPlaced(placed),
        )
        .await
        .expect("placed is stored");
    client
        .publish_order_event(
            &parameters,
            app::PublishOrderEventMessage::OrderCancelled(cancelled),
        )
        .await
        .expect("cancelled is stored");
    let headers = app::StockChangedHeaders {
        x_request_id: "req-9".to_owned(),
        x_attempt: Some(2),
        ..Default::default()
    };
    let stock = app::StockChangedPayload {
        sku: "sku-1".to_owned(),
        quantity: 4,
        ..Default::default()
    };
    client
        .publish_stock_change(hookforge::api::Message::new(stock, headers))
        .await
        .expect("stock change is stored");
    let without_id = app::StockChangedPayload {
        sku: "sku-2".to_owned(),
        quantity: 1,
        ..Default::default()
    };
    client
        .publish_stock_change(hookforge::api::Message::new(
            without_id,
            app::StockChangedHeaders::default(),
        ))
        .await
        .expect("stock change without a request id is stored");
    sender.run_until_idle().await;

    let expected_parameters = mirror::OrderEventsParameters {
        store_id: "north/7".to_owned(),
        region: mirror::OrderEventsRegion::Us,
    };
    let expected = [
        Seen::Order(
            expected_parameters.clone(),
            mirror::PublishOrderEventMessage::OrderPlaced(mirror::OrderPlacedPayload {
                order_id: "o-1".to_owned(),
                total: 1250,
                ..Default::default()
            }),
        ),
        Seen::Order(
            expected_parameters,
            mirror::PublishOrderEventMessage::OrderCancelled(mirror::OrderCancelledPayload {
                order_id: "o-2".to_owned(),
                reason: Some("changed mind".to_owned()),
                ..Default::default()
            }),
        ),
        Seen::Stock(
            mirror::StockChangedPayload {
                sku: "sku-1".to_owned(),
                quantity: 4,
                ..Default::default()
            },
            mirror::StockChangedHeaders {
                x_request_id: "req-9".to_owned(),
                x_attempt: Some(2),
                ..Default::default()
            },
        ),
    ];
    // The worker delivers concurrently, so the arrival order varies.
    let mut seen = recorder.seen();
    let filled = seen
        .iter()
        .position(|s| matches!(s, Seen::Stock(payload, _) if payload.sku == "sku-2"))
        .expect("the stock change without a request id arrives");
    let Seen::Stock(_, filled_headers) = seen.remove(filled) else {
        unreachable!("position matched a stock change");
    };
    assert_eq!(
        filled_headers.x_request_id.len(),
        36,
        "the client fills the correlation id with a UUID: {filled_headers:?}"
    );
    assert_eq!(seen.len(), expected.len(), "{seen:#?}");
    for message in &expected {
        let count = seen.iter().filter(|s| *s == message).count();
        assert_eq!(count, 1, "{message:?} in {seen:#?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_returns_typed_reply() {
    let recorder = Recorder::default();
    let address = serve(recorder.clone()).await;
    let folder = TempFolder::new();
    let store = SqliteOutbox::open(folder.0.join("outbox.sqlite3")).expect("open outbox");
    let signer = Signer::new(vec![signing_key()]);
    let sender =
        WebhookSender::new(store, signer.clone(), SenderConfig::default()).expect("valid sender");
    let request = app::QuoteRequestedPayload {
        sku: "sku-1".to_owned(),
        destination: "Lyon".to_owned(),
        ..Default::default()
    };

    let without_requester = app::Client::new(sender.clone(), format!("http://{address}"));
    let error = without_requester.request_quote(request.clone()).await;
    assert!(
        matches!(error, Err(hookforge::api::ClientError::NoRequester)),
        "{error:?}"
    );

    let requester = RequestSender::new(signer, SenderConfig::default()).expect("valid requester");
    let client = app::Client::new(sender, format!("http://{address}")).with_requester(requester);
    let reply = client.request_quote(request).await.expect("a reply");
    assert_eq!(reply.price, 400);
    assert_eq!(reply.currency, "EUR");
    assert_eq!(recorder.seen().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn router_rejects_bad_requests() {
    let recorder = Recorder::default();
    let address = serve(recorder.clone()).await;

    let invalid = br#"{"sku": 7}"#;
    let (status, body) = post(address, "/inventory", "msg_invalid", invalid, true).await;
    assert_eq!(status, 400);
    let body: Value = serde_json::from_slice(&body).expect("a JSON error body");
    assert_eq!(body["error"], "the payload does not match its schema");
    assert_eq!(body["errors"].as_array().map(Vec::len), Some(2), "{body}");

    let (status, body) = post(address, "/inventory", "msg_not_json", b"{not json", true).await;
    assert_eq!(status, 400);
    let body: Value = serde_json::from_slice(&body).expect("a JSON error body");
    let error = body["error"].as_str().expect("an error message");
    assert!(error.starts_with("invalid payload:"), "{body}");

    let orders = "/stores/s1/orders/eu";
    let negative = br#"{"type": "order.placed", "orderId": "o-5", "total": -1}"#;
    let (status, body) = post(address, orders, "msg_negative", negative, true).await;
    assert_eq!(status, 400, "total below the schema's minimum");
    let body: Value = serde_json::from_slice(&body).expect("a JSON error body");
    let keywords: Vec<&str> = body["errors"]
        .as_array()
        .expect("schema errors")
        .iter()
        .filter_map(|error| error["keyword"].as_str())
        .collect();
    assert!(keywords.contains(&"minimum"), "{body}");

    let neither = br#"{"type": "order.shipped", "orderId": "o-3"}"#;
    let (status, body) = post(address, orders, "msg_neither", neither, true).await;
    assert_eq!(status, 400);
    let body: Value = serde_json::from_slice(&body).expect("a JSON error body");
    assert_eq!(body["details"].as_array().map(Vec::len), Some(2), "{body}");

    let valid = serde_json::to_vec(&json!({"type": "order.placed", "orderId": "o-4", "total": 1}))
        .expect("serializes");
    let (status, _) = post(address, orders, "msg_unsigned", &valid, false).await;
    assert_eq!(status, 401, "wrong signature");

    let (status, _) = post(address, "/no/such/path", "msg_unknown", &valid, true).await;
    assert_eq!(status, 404, "unknown path");

    let (status, _) = post(
        address,
        "/stores/s1/orders/mars",
        "msg_region",
        &valid,
        true,
    )
    .await;
    assert_eq!(status, 404, "region outside the enum");

    let rejected = br#"{"sku": "reject-me", "quantity": 1}"#;
    let (status, _) = post(address, "/inventory", "msg_rejected", rejected, true).await;
    assert_eq!(status, 400, "missing required header x-request-id");

    assert!(recorder.seen().is_empty(), "{:#?}", recorder.seen());

    let (status, _) = post(address, orders, "msg_twice", &valid, true).await;
    assert_eq!(status, 204);
    let (status, _) = post(address, orders, "msg_twice", &valid, true).await;
    assert_eq!(status, 204, "the stored response of the duplicate");
    assert_eq!(
        recorder.seen().len(),
        1,
        "the duplicate is not handled again"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn handler_rejection_answers_422() {
    let recorder = Recorder::default();
    let address = serve(recorder.clone()).await;
    let body = br#"{"sku": "reject-me", "quantity": 1}"#;
    let mut headers = axum::http::HeaderMap::new();
    Signer::new(vec![signing_key()])
        .sign_now("msg_reject", body)
        .insert_into(&mut headers)
        .expect("valid signature headers");
    let response = plain_client()
        .post(format!("http://{address}/inventory"))
        .headers(headers)
        .header("x-request-id", "req-1")
        .body(body.to_vec())
        .send()
        .await
        .expect("the router answers");
    assert_eq!(response.status().as_u16(), 422);
    let body = response.bytes().await.expect("a body");
    let body: Value = serde_json::from_slice(&body).expect("a JSON error body");
    assert_eq!(body["error"], "unknown product");
}

/// What the handler of the shared-route fixture saw, by handler method.
#[derive(Debug, Clone, PartialEq)]
enum SeenOnInbox {
    Note(
        shared_mirror::NotesParameters,
        shared_mirror::PostNoteMessage,
    ),
    StockQuery(
        shared_mirror::NotesParameters,
        shared_mirror::StockQueryPayload,
    ),
}

#[derive(Clone, Default)]
struct InboxRecorder {
    seen: Arc<Mutex<Vec<SeenOnInbox>>>,
}

impl InboxRecorder {
    fn seen(&self) -> Vec<SeenOnInbox> {
        self.seen.lock().expect("not poisoned").clone()
    }
}

impl shared_mirror::Handler for InboxRecorder {
    async fn post_note(
        &self,
        parameters: shared_mirror::NotesParameters,
        message: shared_mirror::PostNoteMessage,
        _webhook: &VerifiedWebhook,
    ) -> Result<(), HandlerError> {
        let seen = SeenOnInbox::Note(parameters, message);
        self.seen.lock().expect("not poisoned").push(seen);
        Ok(())
    }

    async fn query_stock(
        &self,
        parameters: shared_mirror::NotesParameters,
        message: shared_mirror::StockQueryPayload,
        _webhook: &VerifiedWebhook,
    ) -> Result<shared_mirror::StockLevelPayload, HandlerError> {
        let reply = shared_mirror::StockLevelPayload {
            sku: message.sku.clone(),
            quantity: 7,
            ..Default::default()
        };
        let seen = SeenOnInbox::StockQuery(parameters, message);
        self.seen.lock().expect("not poisoned").push(seen);
        Ok(reply)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shared_route_reaches_each_operation() {
    let recorder = InboxRecorder::default();
    let verifier = Verifier::new(vec![VerifyingKey::from(&signing_key())]);
    let receiver = WebhookReceiver::new(verifier, MemoryIdempotency::new(1000));
    let router = shared_mirror::router(recorder.clone(), receiver);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let address = listener.local_addr().expect("local address");
    tokio::spawn(async move {
        axum::serve(listener, router).await.expect("server runs");
    });

    let folder = TempFolder::new();
    let store = SqliteOutbox::open(folder.0.join("outbox.sqlite3")).expect("open outbox");
    let signer = Signer::new(vec![signing_key()]);
    let sender =
        WebhookSender::new(store, signer.clone(), SenderConfig::default()).expect("valid sender");
    let requester = RequestSender::new(signer, SenderConfig::default()).expect("valid requester");
    let client = shared_app::Client::new(sender.clone(), format!("http://{address}"))
        .with_requester(requester);
    let parameters = shared_app::NotesParameters {
        store_id: "s-1".to_owned(),
    };

    let note = shared_app::NotePayload {
        text: Some("restock soon".to_owned()),
        ..Default::default()
    };
    client
        .post_note(&parameters, shared_app::PostNoteMessage::Note(note))
        .await
        .expect("the note is stored");
    let alert = shared_app::AlertPayload {
        level: shared_app::AlertPayloadLevel::High,
        text: "freezer down".to_owned(),
    };
    client
        .post_note(&parameters, shared_app::PostNoteMessage::Alert(alert))
        .await
        .expect("the alert is stored");
    sender.run_until_idle().await;

    // `{"sku": ...}` also decodes as an open note, so the closed stock
    // query must be tried first for it to reach `query_stock`.
    let query = shared_app::StockQueryPayload {
        sku: "sku-4".to_owned(),
    };
    let reply = client
        .query_stock(&parameters, query)
        .await
        .expect("a stock level in reply");
    assert_eq!(reply.sku, "sku-4");
    assert_eq!(reply.quantity, 7);

    let expected_parameters = shared_mirror::NotesParameters {
        store_id: "s-1".to_owned(),
    };
    let expected = [
        SeenOnInbox::Note(
            expected_parameters.clone(),
            shared_mirror::PostNoteMessage::Note(shared_mirror::NotePayload {
                text: Some("restock soon".to_owned()),
                ..Default::default()
            }),
        ),
        SeenOnInbox::Note(
            expected_parameters.clone(),
            shared_mirror::PostNoteMessage::Alert(shared_mirror::AlertPayload {
                level: shared_mirror::AlertPayloadLevel::High,
                text: "freezer down".to_owned(),
            }),
        ),
        SeenOnInbox::StockQuery(
            expected_parameters,
            shared_mirror::StockQueryPayload {
                sku: "sku-4".to_owned(),
            },
        ),
    ];
    let seen = recorder.seen();
    assert_eq!(seen.len(), expected.len(), "{seen:#?}");
    for message in &expected {
        let count = seen.iter().filter(|s| *s == message).count();
        assert_eq!(count, 1, "{message:?} in {seen:#?}");
    }

    // A payload of no operation gets 400 with every candidate's failure.
    let (status, body) = post(
        address,
        "/stores/s-1/inbox",
        "msg_none",
        br#"{"text": 1}"#,
        true,
    )
    .await;
    assert_eq!(status, 400);
    let body: Value = serde_json::from_slice(&body).expect("a JSON error body");
    let names: Vec<&str> = body["messages"]
        .as_array()
        .expect("one entry per candidate")
        .iter()
        .filter_map(|entry| entry["message"].as_str())
        .collect();
    assert_eq!(names, ["alert", "stockQuery", "note"]);
    assert_eq!(recorder.seen().len(), expected.len());
}

/// A reqwest client for requests the tests craft by hand. With the
/// runtime's `tls` feature, reqwest needs a crypto provider installed first.
fn plain_client() -> reqwest::Client {
    hookforge::client::install_crypto_provider();
    reqwest::Client::new()
}
