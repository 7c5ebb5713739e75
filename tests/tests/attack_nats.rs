//! Hostile messages against the NATS transport and receiver, with the
//! NATS server at 127.0.0.1:4222, and against the generated dispatcher of
//! `fixtures/api/fleet_nats.yaml` (compiled from
//! `golden/api_nats_application.rs`). The cases are headers that would
//! break the protocol, oversize payloads, signed messages whose webhook
//! headers are repeated or capitalized, and wildcard subject tokens.
//!
//! Every subject is under `hfattack.<process id>.`, and no test creates a
//! stream. When the server is unreachable, the tests print a skip line,
//! unless `CI` is `true`, where they fail.

#![deny(warnings)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use hookforge::idempotency::memory::MemoryIdempotency;
use hookforge::signing::{Signer, Verifier};
use hookforge::transport::nats::async_nats::{self, Client, HeaderMap};
use hookforge::transport::nats::{
    HandlerError, NatsReceiver, NatsTransport, Subscription, VerifiedMessage,
};
use hookforge::transport::TransportError;
use hookforge_tests::corpus::report;
use tokio::sync::oneshot;

#[rustfmt::skip]
#[allow(missing_docs, dead_code)]
#[path = "../golden/api_nats_application.rs"]
mod app;

const URL: &str = "nats://127.0.0.1:4222";
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| value == "true")
}

/// Connects to the local server, or returns `None` after printing a skip
/// line when it is down outside CI.
async fn connect(test: &str) -> Option<Client> {
    let connecting = async_nats::connect(URL);
    let error = match tokio::time::timeout(Duration::from_secs(3), connecting).await {
        Ok(Ok(client)) => return Some(client),
        Ok(Err(error)) => error.to_string(),
        Err(_) => "timed out".to_owned(),
    };
    assert!(!in_ci(), "NATS at {URL} is required under CI=true: {error}");
    report(&format!(
        "skipped {test}: NATS at {URL} is unreachable: {error}"
    ));
    None
}

/// Returns a subject under this process's prefix.
fn subject(test: &str) -> String {
    format!("hfattack.{}.{test}", std::process::id())
}

fn signer() -> Signer {
    Signer::new(vec![SECRET.parse().expect("valid secret")])
}

#[tokio::test]
async fn headers_that_break_the_protocol_are_rejected() {
    let Some(client) = connect("headers_that_break_the_protocol_are_rejected").await else {
        return;
    };
    let transport = NatsTransport::core(client).with_signer(signer());
    let address = subject("headers");
    let cases = [
        ("x-ok", "line\r\nwebhook-id: forged"),
        ("x-ok", "line\nnext"),
        ("x-ok", "nul\0byte"),
        ("x bad", "v"),
        ("x:bad", "v"),
        ("x-bad\r\nwebhook-id", "v"),
        ("x-ü", "v"),
        ("", "v"),
    ];
    let mut accepted = Vec::new();
    for (name, value) in cases {
        let result = transport
            .publish_message(
                &address,
                vec![(name.to_owned(), value.to_owned())],
                b"{}".to_vec().into(),
            )
            .await;
        if !matches!(result, Err(TransportError::InvalidHeader { .. })) {
            accepted.push(format!("{name:?}: {value:?} gave {result:?}"));
        }
    }
    assert!(accepted.is_empty(), "{accepted:#?}");
}

#[tokio::test]
async fn oversize_payload_fails_without_retrying() {
    let Some(client) = connect("oversize_payload_fails_without_retrying").await else {
        return;
    };
    let max_payload = client.server_info().max_payload;
    let transport = NatsTransport::core(client).with_signer(signer());
    let body = vec![b'a'; max_payload + 1].into();
    let started = Instant::now();
    let result = transport
        .publish_message(&subject("oversize"), Vec::new(), body)
        .await;
    assert!(
        matches!(result, Err(TransportError::TooLarge { .. })),
        "{result:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
}

/// Publishes `body` with raw `headers` on core NATS and returns the ids
/// that a receiver on `address` handled within a second.
async fn handled_ids(
    client: &Client,
    address: &str,
    headers: HeaderMap,
    body: &[u8],
) -> Vec<String> {
    let subscription = Subscription::core(client, address, None)
        .await
        .expect("subscribe");

    let handled = Arc::new(Mutex::new(Vec::new()));
    let receiver = NatsReceiver::new(
        Verifier::new(vec![SECRET.parse().expect("valid secret")]),
        MemoryIdempotency::new(100),
    );
    let (stop, stopped) = oneshot::channel::<()>();
    let seen = Arc::clone(&handled);
    let task = tokio::spawn(async move {
        receiver
            .run_until(
                subscription,
                move |message: VerifiedMessage| {
                    let seen = Arc::clone(&seen);
                    async move {
                        seen.lock().expect("not poisoned").push(message.id);
                        Ok::<(), HandlerError>(())
                    }
                },
                async {
                    let _ = stopped.await;
                },
            )
            .await
    });

    client
        .publish_with_headers(address.to_owned(), headers, body.to_vec().into())
        .await
        .expect("publish");
    client.flush().await.expect("flush");
    // Core NATS has no acknowledgement to wait for, so the receiver gets a
    // second to handle the message.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let _ = stop.send(());
    task.await.expect("receiver task").expect("receiver stops");
    let ids = handled.lock().expect("not poisoned").clone();
    ids
}

fn now_seconds() -> i64 {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_secs();
    i64::try_from(seconds).expect("fits")
}

#[tokio::test]
async fn repeated_webhook_id_cannot_switch_the_id() {
    let Some(client) = connect("repeated_webhook_id_cannot_switch_the_id").await else {
        return;
    };
    let body = br#"{"a":1}"#;
    let timestamp = now_seconds();
    let signature = signer().sign("msg_signed", timestamp, body);
    let mut headers = HeaderMap::new();
    headers.append("webhook-id", "msg_signed");
    headers.append("webhook-id", "msg_other");
    headers.append("webhook-timestamp", timestamp.to_string().as_str());
    headers.append("webhook-signature", signature.as_str());
    let ids = handled_ids(&client, &subject("repeated"), headers, body).await;
    assert_eq!(ids, ["msg_signed"]);
}

/// Standard Webhooks names its headers for HTTP, where names are
/// case-insensitive, and some NATS clients write them capitalized.
#[tokio::test]
async fn capitalized_webhook_headers_verify() {
    let Some(client) = connect("capitalized_webhook_headers_verify").await else {
        return;
    };
    let body = br#"{"a":1}"#;
    let timestamp = now_seconds();
    let signature = signer().sign("msg_case", timestamp, body);
    let mut headers = HeaderMap::new();
    headers.append("Webhook-Id", "msg_case");
    headers.append("Webhook-Timestamp", timestamp.to_string().as_str());
    headers.append("Webhook-Signature", signature.as_str());
    let ids = handled_ids(&client, &subject("case"), headers, body).await;
    assert_eq!(ids, ["msg_case"]);
}

/// Records the vehicle id of each handled telemetry message.
struct VehicleIds(Arc<Mutex<Vec<String>>>);

impl app::NatsHandler for VehicleIds {
    async fn receive_telemetry(
        &self,
        parameters: app::VehicleTelemetryParameters,
        _message: app::ReceiveTelemetryMessage,
        _delivery: &VerifiedMessage,
    ) -> Result<(), hookforge::api::HandlerError> {
        self.0
            .lock()
            .expect("not poisoned")
            .push(parameters.vehicle_id);
        Ok(())
    }
}

/// The dispatcher alone, without a server: NATS delivers a message that
/// was published to a subject with a literal `*` or `>` token, and such a
/// token must not become a parameter value that no client could send.
#[tokio::test]
async fn dispatcher_rejects_wildcard_parameter_tokens() {
    let ids = Arc::new(Mutex::new(Vec::new()));
    let dispatch = app::nats_dispatcher(VehicleIds(Arc::clone(&ids)));
    let body = br#"{"kind":"position","lat":1.0,"lon":1.0}"#;
    let message = |subject: &str| VerifiedMessage {
        id: format!("msg_{subject}"),
        subject: subject.to_owned(),
        timestamp: SystemTime::now(),
        headers: Vec::new(),
        body: body.to_vec().into(),
        delivered: 1,
    };
    for subject in ["fleet.*.telemetry", "fleet.>.telemetry"] {
        let result = dispatch(message(subject)).await;
        let error = result.expect_err(subject);
        assert!(error.is_permanent(), "{subject}: {error}");
    }
    dispatch(message("fleet.AB-1.telemetry"))
        .await
        .expect("a plain token is handled");
    assert_eq!(*ids.lock().expect("not poisoned"), ["AB-1"]);
}
