//! CloudEvents carried by signed webhooks: `Webhook::cloudevent` signed
//! with `Signer`, received through `receive`, and decoded with
//! `VerifiedWebhook::cloudevent`.
#![cfg(all(feature = "cloudevents", feature = "client", feature = "server"))]

use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, Request, StatusCode};
use hookforge::client::Webhook;
use hookforge::cloudevents::http::DecodeError;
use hookforge::cloudevents::sdk::event::ExtensionValue;
use hookforge::cloudevents::sdk::{AttributesReader, Data, Event, EventBuilder, EventBuilderV10};
use hookforge::idempotency::memory::MemoryIdempotency;
use hookforge::server::{receive, VerifiedWebhook, WebhookReceiver};
use hookforge::signing::{Signer, SigningKey, Verifier, VerifyingKey};
use serde_json::json;

const ENDPOINT: &str = "http://127.0.0.1:9/webhooks";

fn signing_key() -> SigningKey {
    SigningKey::hmac_from_bytes(b"hookforge cloudevents test key!!").expect("valid HMAC key")
}

fn event() -> Event {
    EventBuilderV10::new()
        .id("evt_7f3a")
        .source("https://billing.example.com")
        .ty("com.example.invoice.paid")
        .subject("invoices/in_1 café")
        .time("2026-12-04T21:00:00.250Z")
        .extension("sampled", false)
        .extension("attempt", 0_i64)
        .data(
            "application/json",
            json!({"invoice": "in_1", "amount": 1050}),
        )
        .build()
        .expect("valid test event")
}

/// What the handler saw: the decoded event or the decoding error.
type Outcome = Arc<Mutex<Option<Result<Event, DecodeError>>>>;

/// Signs `webhook` as the sender's worker does, passes it through the
/// real `receive`, and returns the status and what the handler decoded.
async fn deliver(webhook: &Webhook) -> (StatusCode, Option<Result<Event, DecodeError>>) {
    let mut request = Request::post("/webhooks")
        .body(Body::from(webhook.body.clone()))
        .expect("request");
    for (name, value) in &webhook.headers {
        request.headers_mut().append(
            HeaderName::from_bytes(name.as_bytes()).expect("header name"),
            HeaderValue::from_str(value).expect("header value"),
        );
    }
    let id = webhook.webhook_id.as_deref().expect("webhook id");
    Signer::new(vec![signing_key()])
        .sign_now(id, &webhook.body)
        .insert_into(request.headers_mut())
        .expect("signed headers");
    receive_request(request).await
}

async fn receive_request(
    request: Request<Body>,
) -> (StatusCode, Option<Result<Event, DecodeError>>) {
    let verifier = Verifier::new(vec![VerifyingKey::from(&signing_key())]);
    let receiver = WebhookReceiver::new(verifier, MemoryIdempotency::new(100));
    let outcome: Outcome = Arc::default();
    let handler_outcome = Arc::clone(&outcome);
    let response = receive(&receiver, request, move |webhook: VerifiedWebhook| {
        *handler_outcome.lock().expect("outcome lock") = Some(webhook.cloudevent());
        async { StatusCode::NO_CONTENT }
    })
    .await;
    let decoded = outcome.lock().expect("outcome lock").take();
    (response.status(), decoded)
}

#[tokio::test]
async fn structured_webhook_verifies_and_decodes() {
    let event = event();
    let webhook = Webhook::cloudevent(ENDPOINT, &event).expect("encode");
    assert_eq!(webhook.webhook_id.as_deref(), Some("evt_7f3a"));
    assert_eq!(webhook.event_type, "com.example.invoice.paid");
    assert_eq!(
        webhook.headers,
        vec![(
            "content-type".to_owned(),
            "application/cloudevents+json".to_owned()
        )]
    );

    let (status, decoded) = deliver(&webhook).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let decoded = decoded.expect("handler ran").expect("decoded event");
    assert_eq!(decoded, event);
    assert_eq!(
        decoded.extension("sampled"),
        Some(&ExtensionValue::Boolean(false))
    );
}

#[tokio::test]
async fn binary_webhook_verifies_and_decodes() {
    let event = event();
    let webhook = Webhook::cloudevent_binary(ENDPOINT, &event).expect("encode");
    assert_eq!(webhook.webhook_id.as_deref(), Some("evt_7f3a"));
    let body: serde_json::Value = serde_json::from_slice(&webhook.body).expect("JSON body");
    assert_eq!(body, json!({"invoice": "in_1", "amount": 1050}));
    assert!(webhook.headers.contains(&(
        "ce-subject".to_owned(),
        "invoices/in_1%20caf%C3%A9".to_owned()
    )));

    let (status, decoded) = deliver(&webhook).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let decoded = decoded.expect("handler ran").expect("decoded event");
    assert_eq!(decoded.id(), event.id());
    assert_eq!(decoded.ty(), event.ty());
    assert_eq!(decoded.subject(), event.subject());
    assert_eq!(decoded.time(), event.time());
    assert_eq!(
        decoded.extension("attempt"),
        Some(&ExtensionValue::Integer(0))
    );
    assert_eq!(
        decoded.extension("sampled"),
        Some(&ExtensionValue::Boolean(false))
    );
    assert_eq!(decoded.data(), Some(&Data::Binary(webhook.body.clone())));
}

#[tokio::test]
async fn tampered_structured_body_rejected() {
    let mut webhook = Webhook::cloudevent(ENDPOINT, &event()).expect("encode");
    let signed_body = webhook.body.clone();
    let mut request = Request::post("/webhooks")
        .header("content-type", "application/cloudevents+json")
        .body(Body::empty())
        .expect("request");
    Signer::new(vec![signing_key()])
        .sign_now("evt_7f3a", &signed_body)
        .insert_into(request.headers_mut())
        .expect("signed headers");
    // Change the event type inside the signed body.
    webhook.body = String::from_utf8(signed_body)
        .expect("JSON body")
        .replace("invoice.paid", "invoice.void")
        .into_bytes();
    *request.body_mut() = Body::from(webhook.body);

    let (status, decoded) = receive_request(request).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(decoded.is_none(), "the handler must not run");
}

#[tokio::test]
async fn binary_ce_headers_are_not_signed() {
    // The caveat on `to_binary`: changing a ce- header keeps the signature
    // valid, so only the id is bound to the signature.
    let mut webhook = Webhook::cloudevent_binary(ENDPOINT, &event()).expect("encode");
    for (name, value) in &mut webhook.headers {
        if name == "ce-type" {
            *value = "com.example.invoice.void".to_owned();
        }
    }
    let (status, decoded) = deliver(&webhook).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let decoded = decoded.expect("handler ran").expect("decoded event");
    assert_eq!(decoded.ty(), "com.example.invoice.void");
}

#[tokio::test]
async fn event_id_must_match_webhook_id() {
    for webhook in [
        Webhook::cloudevent(ENDPOINT, &event()).expect("encode"),
        Webhook::cloudevent_binary(ENDPOINT, &event()).expect("encode"),
    ] {
        let webhook = webhook.with_id("msg_other");
        let (status, decoded) = deliver(&webhook).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let error = decoded.expect("handler ran").expect_err("id mismatch");
        assert!(
            matches!(
                &error,
                DecodeError::WebhookIdMismatch { event_id, webhook_id }
                    if event_id == "evt_7f3a" && webhook_id == "msg_other"
            ),
            "{error:?}"
        );
    }
}

#[test]
fn plain_json_webhook_is_not_a_cloudevent() {
    let mut headers = axum::http::HeaderMap::new();
    headers.insert("content-type", HeaderValue::from_static("application/json"));
    let webhook = VerifiedWebhook {
        id: "msg_1".to_owned(),
        timestamp: std::time::SystemTime::now(),
        headers,
        body: r#"{"type":"invoice.paid"}"#.into(),
        trace: None,
    };
    let error = webhook.cloudevent().expect_err("plain JSON");
    assert!(
        matches!(error, DecodeError::NotACloudEvent { .. }),
        "{error:?}"
    );
}
