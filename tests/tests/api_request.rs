//! `RequestSender`, the direct signed request behind generated
//! request/reply methods, against an axum endpoint on loopback that
//! verifies each attempt and responds from a script.

#![deny(warnings)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use hookforge::client::request::{RequestError, RequestSender};
use hookforge::client::{SenderConfig, Webhook};
use hookforge::signing::{Signer, SigningKey, Verifier, VerifyingKey};

fn signing_key() -> SigningKey {
    SigningKey::hmac_from_bytes(b"hookforge request sender key, 32").expect("valid HMAC key")
}

/// The webhook ids of the attempts the endpoint received, in order.
type Attempts = Arc<Mutex<Vec<String>>>;

/// Serves an endpoint that checks each signature and responds to the `n`th
/// attempt with `script[n]`, repeating the last entry.
async fn endpoint(script: Vec<(StatusCode, &'static str)>) -> (SocketAddr, Attempts) {
    let attempts: Attempts = Arc::default();
    let seen = Arc::clone(&attempts);
    let verifier = Arc::new(Verifier::new(vec![VerifyingKey::from(&signing_key())]));
    let router = Router::new().route(
        "/quotes",
        post(move |headers: HeaderMap, body: Bytes| {
            let seen = Arc::clone(&seen);
            let verifier = Arc::clone(&verifier);
            let script = script.clone();
            async move {
                if verifier
                    .verify_header_map(&headers, &body, SystemTime::now())
                    .is_err()
                {
                    return (StatusCode::UNAUTHORIZED, "");
                }
                let id = headers
                    .get("webhook-id")
                    .and_then(|value| value.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                let mut seen = seen.lock().expect("not poisoned");
                seen.push(id);
                let index = (seen.len() - 1).min(script.len() - 1);
                script[index]
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let address = listener.local_addr().expect("local address");
    tokio::spawn(async move {
        axum::serve(listener, router).await.expect("server runs");
    });
    (address, attempts)
}

fn requester() -> RequestSender {
    let mut config = SenderConfig::default();
    config.retry.base = Duration::from_millis(10);
    config.retry.cap = Duration::from_millis(20);
    RequestSender::new(Signer::new(vec![signing_key()]), config).expect("valid requester")
}

fn quote_request(address: SocketAddr) -> Webhook {
    Webhook::new(
        format!("http://{address}/quotes"),
        "quote.requested",
        br#"{"sku":"a"}"#.to_vec(),
    )
}

#[tokio::test]
async fn request_returns_first_success() {
    let (address, attempts) = endpoint(vec![(StatusCode::OK, r#"{"price":3}"#)]).await;
    let response = requester()
        .request(quote_request(address))
        .await
        .expect("a 2xx response");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.body().as_ref(), br#"{"price":3}"#);
    assert_eq!(attempts.lock().expect("not poisoned").len(), 1);
}

#[tokio::test]
async fn request_retries_unavailable_with_same_id() {
    let script = vec![
        (StatusCode::SERVICE_UNAVAILABLE, ""),
        (StatusCode::SERVICE_UNAVAILABLE, ""),
        (StatusCode::OK, "done"),
    ];
    let (address, attempts) = endpoint(script).await;
    let response = requester()
        .request(quote_request(address))
        .await
        .expect("the third attempt succeeds");
    assert_eq!(response.body().as_ref(), b"done");
    let attempts = attempts.lock().expect("not poisoned").clone();
    assert_eq!(attempts.len(), 3, "{attempts:?}");
    assert!(attempts[0].starts_with("msg_"), "{attempts:?}");
    assert!(
        attempts.iter().all(|id| id == &attempts[0]),
        "every attempt carries one webhook-id: {attempts:?}"
    );
}

#[tokio::test]
async fn request_stops_after_max_attempts() {
    let (address, attempts) = endpoint(vec![(StatusCode::BAD_GATEWAY, "down")]).await;
    let error = requester()
        .with_max_attempts(2)
        .request(quote_request(address))
        .await
        .expect_err("every attempt fails");
    match error {
        RequestError::Status {
            status,
            body,
            attempts,
        } => {
            assert_eq!(status, StatusCode::BAD_GATEWAY);
            assert_eq!(body.as_ref(), b"down");
            assert_eq!(attempts, 2);
        }
        other => panic!("expected a status error, got {other:?}"),
    }
    assert_eq!(attempts.lock().expect("not poisoned").len(), 2);
}

#[tokio::test]
async fn request_does_not_retry_client_errors() {
    let (address, attempts) = endpoint(vec![(StatusCode::UNPROCESSABLE_ENTITY, "no")]).await;
    let error = requester()
        .request(quote_request(address))
        .await
        .expect_err("422 is final");
    assert!(
        matches!(error, RequestError::Status { status, attempts: 1, .. } if status == StatusCode::UNPROCESSABLE_ENTITY),
        "{error:?}"
    );
    assert_eq!(attempts.lock().expect("not poisoned").len(), 1);
}

#[tokio::test]
async fn request_rejects_invalid_webhooks() {
    let requester = requester();
    let cases = [
        Webhook::new("ftp://127.0.0.1/quotes", "t", Vec::new()),
        Webhook::new("not a url", "t", Vec::new()),
        Webhook::new("http://127.0.0.1:9/quotes", "t", Vec::new())
            .with_header("webhook-signature", "v1,forged"),
        Webhook::new("http://127.0.0.1:9/quotes", "t", Vec::new()).with_id("has space"),
    ];
    for webhook in cases {
        let endpoint = webhook.endpoint.clone();
        let error = requester.request(webhook).await;
        assert!(
            matches!(error, Err(RequestError::Invalid(_))),
            "{endpoint}: {error:?}"
        );
    }
}

#[tokio::test]
async fn request_reports_refused_connection() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let address = listener.local_addr().expect("local address");
    drop(listener);
    let error = requester()
        .with_max_attempts(2)
        .request(quote_request(address))
        .await
        .expect_err("nothing listens");
    assert!(
        matches!(error, RequestError::Transport { attempts: 2, .. }),
        "{error:?}"
    );
}
