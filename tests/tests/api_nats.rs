//! Generated NATS senders and receivers against the NATS server at
//! 127.0.0.1:4222.
//!
//! - `fixtures/api/fleet_nats.yaml` (AsyncAPI 3.0) is generated in both
//!   perspectives into `golden/api_nats_*.rs`, compiled here. The Mirror
//!   client publishes telemetry to the Application's handler, and the
//!   Application client publishes a command to the Mirror's handler, all
//!   through JetStream.
//! - The corpus document `v2/cli/specification.json` (AsyncAPI 2.2) is
//!   generated in both perspectives into one temporary crate. That crate
//!   sends every message of the document from its generated client to its
//!   generated handler and prints what arrived, and this test checks the
//!   output.
//!
//! When the server is unreachable, the tests that need it print a skip line,
//! unless `CI` is `true`, where they fail.

#![deny(warnings)]

use std::collections::HashMap;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hookforge::api::nats::{Envelope, NatsClientError};
use hookforge::api::HandlerError;
use hookforge::idempotency::memory::MemoryIdempotency;
use hookforge::signing::{Signer, Verifier};
use hookforge::transport::nats::async_nats::jetstream::{self, stream};
use hookforge::transport::nats::async_nats::{self, Client};
use hookforge::transport::nats::{
    DurableConsumer, NatsReceiver, NatsTransport, Subscription, VerifiedMessage,
};
use hookforge_codegen::diagnostic::Code;
use hookforge_codegen::options::{GenerateOptions, Perspective};
use hookforge_tests::corpus::{
    copy_lock_file, corpus_dir_or_skip, generated_crates_target, report, workspace_root,
};
use serde_json::{json, Value};
use tokio::sync::{mpsc, oneshot};

#[rustfmt::skip]
#[allow(missing_docs, dead_code)]
#[path = "../golden/api_nats_application.rs"]
mod app;

#[rustfmt::skip]
#[allow(missing_docs, dead_code)]
#[path = "../golden/api_nats_mirror.rs"]
mod mirror;

const URL: &str = "nats://127.0.0.1:4222";
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const OTHER_SECRET: &str = "whsec_dGhpcyBpcyBhbm90aGVyIHNlY3JldCBrZXkh";
/// Maximum time a test waits for one message.
const WAIT: Duration = Duration::from_secs(15);

/// `(fixture, perspective, golden file)`.
const CASES: &[(&str, Perspective, &str)] = &[
    (
        "fleet_nats",
        Perspective::Application,
        "api_nats_application",
    ),
    ("fleet_nats", Perspective::Mirror, "api_nats_mirror"),
];

fn generate(path: &Path, perspective: Perspective) -> hookforge_codegen::GeneratedCode {
    let options = GenerateOptions {
        perspective,
        ..GenerateOptions::default()
    };
    hookforge_codegen::generate(path, &options)
}

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

/// Creates the stream `name` over `subjects`, deleting a stream of that
/// name left by an earlier run first. Messages expire after ten minutes.
async fn recreate_stream(client: &Client, name: &str, subjects: Vec<String>) {
    let context = jetstream::new(client.clone());
    let _ = context.delete_stream(name).await;
    context
        .create_stream(stream::Config {
            name: name.to_owned(),
            subjects,
            max_age: Duration::from_secs(600),
            ..stream::Config::default()
        })
        .await
        .expect("create the stream");
}

fn signer(secret: &str) -> Signer {
    Signer::new(vec![secret.parse().expect("valid secret")])
}

fn verifier() -> Verifier {
    Verifier::new(vec![SECRET.parse().expect("valid secret")])
}

#[test]
fn nats_golden_files_are_current() {
    let bless = std::env::var_os("HOOKFORGE_BLESS").is_some();
    let mut stale = Vec::new();
    for (fixture, perspective, golden) in CASES {
        let generated = generate(
            Path::new(&format!("fixtures/api/{fixture}.yaml")),
            *perspective,
        );
        let diagnostics = &generated.validation.diagnostics;
        assert!(
            diagnostics.iter().all(|d| !d.is_error()),
            "{fixture}: {diagnostics:#?}"
        );
        let skipped: Vec<&str> = diagnostics
            .iter()
            .filter(|d| d.code == Code::UnsupportedOperation)
            .map(|d| d.message.as_str())
            .collect();
        assert_eq!(skipped.len(), 1, "only the kafka operation: {skipped:?}");
        assert!(
            skipped[0].contains("`sendAudit`") && skipped[0].contains("`kafka`"),
            "{}",
            skipped[0]
        );
        // What a build script prints as `cargo:warning=` lines.
        let report = generated.warning_report(Path::new("fleet_nats.yaml"));
        assert!(
            report.contains("warning[unsupported-operation]") && report.contains("`kafka`"),
            "{report}"
        );
        let code = generated.code.expect("code for a valid fixture");
        assert!(
            code.contains("// - `sendAudit` (") && code.contains("protocol `kafka`"),
            "the comment block names the kafka operation"
        );
        assert!(!code.contains("fn send_audit"), "no item for it");
        let path = format!("golden/{golden}.rs");
        if bless {
            fs::write(&path, &code).expect("golden file is writable");
        } else if fs::read_to_string(&path).ok().as_deref() != Some(code.as_str()) {
            stale.push(path);
        }
    }
    assert!(
        stale.is_empty(),
        "stale golden files (rerun with HOOKFORGE_BLESS=1 and review): {stale:?}"
    );
}

#[test]
fn subjects_render_and_reject_unsafe_values() {
    let parameters = mirror::VehicleTelemetryParameters {
        vehicle_id: "AB-123".to_owned(),
    };
    assert_eq!(
        parameters.subject().expect("a plain token"),
        "fleet.AB-123.telemetry"
    );
    for value in ["a.b", "*", ">", "with space", "", "a/b", "tab\t"] {
        let parameters = mirror::VehicleTelemetryParameters {
            vehicle_id: value.to_owned(),
        };
        match parameters.subject() {
            Err(NatsClientError::Parameter {
                name, value: got, ..
            }) => {
                assert_eq!(name, "vehicleId");
                assert_eq!(got, value);
            }
            other => panic!("{value:?} gave {other:?}"),
        }
    }
    assert_eq!(app::NATS_SUBJECTS, ["fleet.*.telemetry"]);
    assert_eq!(mirror::NATS_SUBJECTS, ["fleet.commands"]);
    assert_eq!(mirror::servers::broker(), "nats://127.0.0.1:4222");
}

/// What a handler saw: the webhook id and the typed message.
#[derive(Debug, Clone, PartialEq)]
enum Seen {
    Telemetry(String, String, app::ReceiveTelemetryMessage),
    Command(String, mirror::CommandPayload),
}

/// Records every handled message and forwards it.
#[derive(Clone)]
struct Recorder {
    seen: Arc<Mutex<Vec<Seen>>>,
    /// Calls that the handler rejected.
    rejected: Arc<AtomicU32>,
    sender: mpsc::UnboundedSender<Seen>,
}

impl Recorder {
    fn new() -> (Self, mpsc::UnboundedReceiver<Seen>) {
        let (sender, receiver) = mpsc::unbounded_channel();
        let recorder = Recorder {
            seen: Arc::default(),
            rejected: Arc::default(),
            sender,
        };
        (recorder, receiver)
    }

    fn record(&self, seen: Seen) {
        self.seen.lock().expect("not poisoned").push(seen.clone());
        let _ = self.sender.send(seen);
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().expect("not poisoned").clone()
    }
}

impl app::NatsHandler for Recorder {
    async fn receive_telemetry(
        &self,
        parameters: app::VehicleTelemetryParameters,
        message: app::ReceiveTelemetryMessage,
        delivery: &VerifiedMessage,
    ) -> Result<(), HandlerError> {
        if let app::ReceiveTelemetryMessage::Position(position) = &message {
            if position.lat == 0.0 && position.lon == 0.0 {
                self.rejected.fetch_add(1, Ordering::SeqCst);
                return Err(HandlerError::reject("null island"));
            }
        }
        self.record(Seen::Telemetry(
            delivery.id.clone(),
            parameters.vehicle_id,
            message,
        ));
        Ok(())
    }
}

impl mirror::NatsHandler for Recorder {
    async fn send_command(
        &self,
        message: mirror::CommandPayload,
        delivery: &VerifiedMessage,
    ) -> Result<(), HandlerError> {
        self.record(Seen::Command(delivery.id.clone(), message));
        Ok(())
    }
}

async fn next(messages: &mut mpsc::UnboundedReceiver<Seen>) -> Seen {
    tokio::time::timeout(WAIT, messages.recv())
        .await
        .expect("a message arrives in time")
        .expect("the recorder is alive")
}

fn position(lat: f64, lon: f64) -> mirror::PositionPayload {
    mirror::PositionPayload {
        kind: mirror::PositionPayloadKind,
        lat,
        lon,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fixture_round_trip_over_jetstream() {
    let Some(client) = connect("fixture_round_trip_over_jetstream").await else {
        return;
    };
    let stream = "HF_API_NATS_FLEET";
    recreate_stream(&client, stream, vec!["fleet.>".to_owned()]).await;

    // Each side receives on its own durable consumer: the Mirror's is
    // filtered to the subjects of its received operations, and the
    // Application's reads the whole stream, so it also meets subjects that
    // none of its operations matches.
    let (recorder, mut handled) = Recorder::new();
    let mut stops = Vec::new();
    let mut tasks = Vec::new();
    for durable in ["app", "mirror"] {
        let consumer = match durable {
            "app" => DurableConsumer::new(stream, durable),
            _ => {
                DurableConsumer::new(stream, durable).with_filter_subject(mirror::NATS_SUBJECTS[0])
            }
        };
        let subscription = Subscription::jetstream(&client, &consumer)
            .await
            .expect("open the consumer");
        let receiver = NatsReceiver::new(verifier(), MemoryIdempotency::new(1000));
        let (stop, stopped) = oneshot::channel::<()>();
        stops.push(stop);
        let recorder = recorder.clone();
        tasks.push(tokio::spawn(async move {
            let shutdown = async {
                let _ = stopped.await;
            };
            if durable == "app" {
                app::receive_nats(recorder, &receiver, subscription, shutdown).await
            } else {
                mirror::receive_nats(recorder, &receiver, subscription, shutdown).await
            }
        }));
    }

    let transport = NatsTransport::jetstream(client.clone()).with_signer(signer(SECRET));
    let mirror_client = mirror::NatsClient::new(transport.clone());
    let app_client = app::NatsClient::new(transport.clone());
    let vehicle = mirror::VehicleTelemetryParameters {
        vehicle_id: "AB-123".to_owned(),
    };

    // Two messages on one operation, one with typed headers.
    let sent_position = mirror_client
        .receive_telemetry(
            &vehicle,
            mirror::ReceiveTelemetryMessage::Position(position(48.85, 2.35)),
        )
        .await
        .expect("position published");
    assert_eq!(sent_position.subject(), "fleet.AB-123.telemetry");
    let battery = mirror::BatteryPayload {
        kind: mirror::BatteryPayloadKind,
        percent: 81,
    };
    let headers = mirror::BatteryHeaders {
        x_trace_id: "trace-1".to_owned(),
        ..Default::default()
    };
    let sent_battery = mirror_client
        .receive_telemetry(
            &vehicle,
            mirror::ReceiveTelemetryMessage::Battery(hookforge::api::Message::new(
                battery.clone(),
                headers,
            )),
        )
        .await
        .expect("battery published");
    // An empty correlation id is filled in.
    let sent_filled = mirror_client
        .receive_telemetry(
            &vehicle,
            mirror::ReceiveTelemetryMessage::Battery(hookforge::api::Message::new(
                battery,
                mirror::BatteryHeaders::default(),
            )),
        )
        .await
        .expect("battery without a trace id published");
    let command = app::CommandPayload {
        vehicle_id: "AB-123".to_owned(),
        action: app::CommandPayloadAction::Lock,
        additional_properties: Default::default(),
    };
    let sent_command = app_client
        .send_command(command)
        .await
        .expect("command published");
    assert_eq!(sent_command.subject(), "fleet.commands");

    // The same envelope again: JetStream drops it by Nats-Msg-Id, and the
    // receiver would by webhook id.
    let again = transport
        .publish_message(
            sent_position.subject(),
            with_id(&sent_position),
            sent_position.body().clone(),
        )
        .await
        .expect("published again");
    assert!(again.duplicate, "JetStream saw the id before: {again:?}");
    mirror_client
        .publish(&sent_position)
        .await
        .expect("published a third time");

    // Parameters that are no single subject token never leave the client.
    let bad = mirror::VehicleTelemetryParameters {
        vehicle_id: "fleet.*".to_owned(),
    };
    let error = mirror_client
        .receive_telemetry(
            &bad,
            mirror::ReceiveTelemetryMessage::Position(position(1.0, 1.0)),
        )
        .await;
    assert!(
        matches!(error, Err(NatsClientError::Parameter { .. })),
        "{error:?}"
    );

    // Never handled: a payload outside its schema, a message signed with
    // another key, a subject no operation matches, and a rejected one.
    let invalid = Envelope::json(
        "fleet.AB-123.telemetry".to_owned(),
        "application/json",
        &json!({"kind": "position", "lat": 91.0, "lon": 0.0}),
    )
    .expect("encodes");
    mirror_client.publish(&invalid).await.expect("published");
    let forged = NatsTransport::jetstream(client.clone()).with_signer(signer(OTHER_SECRET));
    let forged_envelope = Envelope::json(
        "fleet.AB-123.telemetry".to_owned(),
        "application/json",
        &json!({"kind": "position", "lat": 1.0, "lon": 1.0}),
    )
    .expect("encodes");
    hookforge::api::nats::publish(&forged, &forged_envelope)
        .await
        .expect("published");
    let unknown = Envelope::json(
        "fleet.AB-123.telemetry.extra".to_owned(),
        "application/json",
        &json!({}),
    )
    .expect("encodes");
    mirror_client.publish(&unknown).await.expect("published");
    let rejected = mirror_client
        .receive_telemetry(
            &vehicle,
            mirror::ReceiveTelemetryMessage::Position(position(0.0, 0.0)),
        )
        .await
        .expect("published");
    // Receivers handle one message at a time, in order, so once this last
    // one arrives the ones before it were settled.
    let sent_last = mirror_client
        .receive_telemetry(
            &vehicle,
            mirror::ReceiveTelemetryMessage::Position(position(-1.0, -1.0)),
        )
        .await
        .expect("published");

    let mut arrived = Vec::new();
    while arrived.len() < 5 {
        arrived.push(next(&mut handled).await);
    }
    // Longer than the first redelivery delay (at most 1 s), so a message
    // that was not terminated would be handled again meanwhile.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    for stop in stops {
        let _ = stop.send(());
    }
    for task in tasks {
        task.await
            .expect("the receiver task ends")
            .expect("the receiver stops cleanly");
    }
    let seen = recorder.seen();
    assert_eq!(seen.len(), 5, "{seen:#?}");

    let by_id: HashMap<&str, &Seen> = seen.iter().map(|s| (id_of(s), s)).collect();
    assert_eq!(by_id.len(), 5, "each id once: {seen:#?}");
    assert_eq!(
        by_id.get(sent_position.id()),
        Some(&&Seen::Telemetry(
            sent_position.id().to_owned(),
            "AB-123".to_owned(),
            app::ReceiveTelemetryMessage::Position(app::PositionPayload {
                kind: app::PositionPayloadKind,
                lat: 48.85,
                lon: 2.35,
            }),
        ))
    );
    let Some(Seen::Telemetry(_, _, app::ReceiveTelemetryMessage::Battery(battery))) =
        by_id.get(sent_battery.id())
    else {
        panic!("the battery message arrives typed: {seen:#?}");
    };
    assert_eq!(battery.payload.percent, 81);
    assert_eq!(battery.headers.x_trace_id, "trace-1");
    let Some(Seen::Telemetry(_, _, app::ReceiveTelemetryMessage::Battery(filled))) =
        by_id.get(sent_filled.id())
    else {
        panic!("the battery message without a trace id arrives: {seen:#?}");
    };
    assert_eq!(filled.headers.x_trace_id.len(), 36, "a UUID was filled in");
    assert!(
        matches!(by_id.get(sent_command.id()), Some(Seen::Command(_, command)) if command.action == mirror::CommandPayloadAction::Lock),
        "{seen:#?}"
    );
    assert!(by_id.contains_key(sent_last.id()));
    for never in [
        invalid.id(),
        forged_envelope.id(),
        unknown.id(),
        rejected.id(),
    ] {
        assert!(!by_id.contains_key(never), "{never} was handled");
    }
    assert_eq!(
        recorder.rejected.load(Ordering::SeqCst),
        1,
        "a rejected message is terminated, not redelivered"
    );

    jetstream::new(client.clone())
        .delete_stream(stream)
        .await
        .expect("delete the stream");
}

fn id_of(seen: &Seen) -> &str {
    match seen {
        Seen::Telemetry(id, _, _) | Seen::Command(id, _) => id,
    }
}

/// The envelope's headers with its id, as `publish` sends them.
fn with_id(envelope: &Envelope) -> Vec<(String, String)> {
    let mut headers = envelope.headers().to_vec();
    headers.push(("webhook-id".to_owned(), envelope.id().to_owned()));
    headers
}

/// A value valid against `schema`, for messages without examples, or
/// `None` for a schema this small builder does not cover (it reports
/// which).
fn sample(schema: &Value) -> Option<Value> {
    if let Some(value) = schema.get("const") {
        return Some(value.clone());
    }
    if let Some(first) = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|v| v.first())
    {
        return Some(first.clone());
    }
    if let Some(first) = schema
        .get("examples")
        .and_then(Value::as_array)
        .and_then(|v| v.first())
    {
        return Some(first.clone());
    }
    let kind = match schema.get("type") {
        Some(Value::String(kind)) => kind.as_str(),
        Some(Value::Array(kinds)) => kinds.first().and_then(Value::as_str)?,
        _ => return None,
    };
    match kind {
        "string" if schema.get("format").is_none() && schema.get("pattern").is_none() => {
            let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0);
            Some(Value::String(
                "hookforge".repeat(usize::try_from(min / 9 + 1).ok()?),
            ))
        }
        "integer" | "number" => Some(json!(schema
            .get("minimum")
            .and_then(Value::as_i64)
            .unwrap_or(0))),
        "boolean" => Some(json!(true)),
        "null" => Some(Value::Null),
        "array" if schema.get("minItems").is_none() => Some(json!([])),
        "object" => {
            let mut object = serde_json::Map::new();
            let properties = schema.get("properties");
            for name in schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                let property = properties.and_then(|p| p.get(name))?;
                object.insert(name.to_owned(), sample(property)?);
            }
            Some(Value::Object(object))
        }
        _ => None,
    }
}

/// The Rust `main` of the corpus crate: the Application client of the
/// document publishes each message (and the first one twice) and one
/// forged message; the Mirror handler records what it receives. It prints
/// `SENT <id> <json>`, `DUPLICATE <id>`, `FORGED <id>` and
/// `HANDLED <id> <json>` lines.
const CLI_MAIN: &str = r#"#![deny(warnings)]

// Generated items this program does not call, such as `servers`.
#[allow(dead_code)]
mod app;
#[allow(dead_code)]
mod mirror;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use hookforge::idempotency::memory::MemoryIdempotency;
use hookforge::signing::{Signer, Verifier};
use hookforge::transport::nats::async_nats::{self, jetstream};
use hookforge::transport::nats::{DurableConsumer, NatsReceiver, NatsTransport, Subscription, VerifiedMessage};

#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<(String, String)>>>);

impl mirror::NatsHandler for Recorder {
    async fn server_started(
        &self,
        message: mirror::ServerStartedMessagePayload,
        delivery: &VerifiedMessage,
    ) -> Result<(), hookforge::api::HandlerError> {
        let json = hookforge::serde_json::to_string(&message).map_err(hookforge::api::HandlerError::failed)?;
        self.0.lock().map_err(|_| hookforge::api::HandlerError::Unavailable("poisoned".into()))?.push((delivery.id.clone(), json));
        Ok(())
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut args = std::env::args().skip(1);
    let (url, stream, secret, other) = match (args.next(), args.next(), args.next(), args.next()) {
        (Some(a), Some(b), Some(c), Some(d)) => (a, b, c, d),
        _ => panic!("usage: URL STREAM SECRET OTHER_SECRET"),
    };
    let client = async_nats::connect(url.as_str()).await.expect("connect");
    let context = jetstream::new(client.clone());
    let _ = context.delete_stream(stream.as_str()).await;
    context
        .create_stream(jetstream::stream::Config {
            name: stream.clone(),
            subjects: mirror::NATS_SUBJECTS.iter().map(|s| (*s).to_owned()).collect(),
            max_age: Duration::from_secs(600),
            ..Default::default()
        })
        .await
        .expect("create the stream");

    let recorder = Recorder::default();
    let verifier = Verifier::new(vec![secret.parse().expect("secret")]);
    let receiver = NatsReceiver::new(verifier, MemoryIdempotency::new(1000));
    let consumer = DurableConsumer::new(stream.as_str(), "mirror");
    let subscription = Subscription::jetstream(&client, &consumer).await.expect("consumer");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let handler = recorder.clone();
    let receiving = tokio::spawn(async move {
        let shutdown = async { let _ = stopped.await; };
        mirror::receive_nats(handler, &receiver, subscription, shutdown).await
    });

    let signer = Signer::new(vec![secret.parse().expect("secret")]);
    let sender = app::NatsClient::new(NatsTransport::jetstream(client.clone()).with_signer(signer));
    let mut expected = 0;
    let mut first = None;
    for text in MESSAGES {
        let message: app::ServerStartedMessagePayload = hookforge::serde_json::from_str(text).expect("a valid message");
        let envelope = sender.server_started(message).await.expect("published");
        println!("SENT {} {}", envelope.id(), String::from_utf8_lossy(envelope.body()));
        expected += 1;
        first.get_or_insert(envelope);
    }
    if let Some(envelope) = &first {
        sender.publish(envelope).await.expect("published again");
        println!("DUPLICATE {}", envelope.id());
    }
    let forger = Signer::new(vec![other.parse().expect("secret")]);
    let forged = app::NatsClient::new(NatsTransport::jetstream(client.clone()).with_signer(forger));
    if let Some(text) = MESSAGES.first() {
        let message: app::ServerStartedMessagePayload = hookforge::serde_json::from_str(text).expect("a valid message");
        let envelope = forged.server_started(message).await.expect("published");
        println!("FORGED {}", envelope.id());
    }

    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while recorder.0.lock().expect("lock").len() < expected && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let _ = stop.send(());
    receiving.await.expect("joined").expect("the receiver stops cleanly");
    for (id, json) in recorder.0.lock().expect("lock").iter() {
        println!("HANDLED {id} {json}");
    }
    let _ = context.delete_stream(stream.as_str()).await;
}
"#;

#[test]
fn corpus_cli_specification_over_nats() {
    let Some(corpus) = corpus_dir_or_skip("NATS corpus acceptance") else {
        return;
    };
    let reachable = std::net::TcpStream::connect_timeout(
        &"127.0.0.1:4222".parse().expect("an address"),
        Duration::from_secs(3),
    );
    if let Err(error) = reachable {
        assert!(!in_ci(), "NATS at {URL} is required under CI=true: {error}");
        report(&format!(
            "skipped corpus_cli_specification_over_nats: NATS at {URL} is unreachable: {error}"
        ));
        return;
    }
    let document = corpus.join("v2/cli/specification.json");
    let mut sources = Vec::new();
    for perspective in [Perspective::Application, Perspective::Mirror] {
        let generated = generate(&document, perspective);
        let skipped: Vec<_> = generated
            .validation
            .diagnostics
            .iter()
            .filter(|d| d.code == Code::UnsupportedOperation)
            .collect();
        assert!(skipped.is_empty(), "{perspective:?}: {skipped:#?}");
        let code = generated.code.expect("code for a valid document");
        sources.push(code);
    }
    assert!(sources[0].contains("pub async fn server_started("));
    assert!(sources[1].contains("fn server_started("));
    assert!(sources[1].contains("pub trait NatsHandler"));

    // Every example of every message, or a value built from its schema
    // when it has none.
    let validation = hookforge_codegen::validate_file(&document, Default::default());
    let doc = validation.document.as_ref().expect("the document loads");
    let api = validation.model().expect("a supported version");
    let mut messages = Vec::new();
    for channel in api.channels.values() {
        for message in channel.messages.values() {
            let examples: Vec<Value> = message
                .examples
                .iter()
                .filter_map(|example| example.payload.clone())
                .collect();
            if !examples.is_empty() {
                messages.extend(examples);
                continue;
            }
            let payload = message.payload.as_ref().expect("a payload schema");
            let schema = hookforge_codegen::bundle::schema_json(doc, payload).expect("bundles");
            let value = sample(&schema)
                .unwrap_or_else(|| panic!("no value can be built from schema {schema}"));
            messages.push(value);
        }
    }
    assert!(!messages.is_empty());

    let crate_dir = workspace_root().join("target").join("api-nats-corpus");
    let _ = fs::remove_dir_all(crate_dir.join("src"));
    fs::create_dir_all(crate_dir.join("src")).expect("writable target folder");
    let runtime = workspace_root().join("runtime");
    let runtime = runtime.canonicalize().unwrap_or(runtime);
    // tokio with features the runtime already turns on, so the crate shares
    // the dependency builds of the other generated crates.
    let manifest = format!(
        "[package]\nname = \"hookforge-api-nats-corpus\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\nhookforge = {{ path = {:?} }}\n\
         tokio = {{ version = \"1\", default-features = false, features = [\"rt\", \"macros\", \"time\", \"sync\"] }}\n\n[workspace]\n",
        runtime.display().to_string()
    );
    fs::write(crate_dir.join("Cargo.toml"), manifest).expect("writable");
    copy_lock_file(&crate_dir);
    fs::write(crate_dir.join("src/app.rs"), &sources[0]).expect("writable");
    fs::write(crate_dir.join("src/mirror.rs"), &sources[1]).expect("writable");
    let mut main = CLI_MAIN.to_owned();
    main.push_str("\nconst MESSAGES: &[&str] = &[\n");
    for message in &messages {
        let _ = writeln!(main, "    {:?},", message.to_string());
    }
    main.push_str("];\n");
    fs::write(crate_dir.join("src/main.rs"), main).expect("writable");

    let stream = format!("HF_API_NATS_CLI_{}", std::process::id());
    let output = Command::new(env!("CARGO"))
        .args(["run", "--quiet", "--message-format=short", "--"])
        .args([URL, &stream, SECRET, OTHER_SECRET])
        .current_dir(&crate_dir)
        .env("CARGO_TARGET_DIR", generated_crates_target())
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the corpus crate failed:\n{stdout}\n{stderr}"
    );
    assert!(!stderr.contains("warning"), "warnings:\n{stderr}");

    let lines = |tag: &str| -> Vec<(String, String)> {
        stdout
            .lines()
            .filter_map(|line| line.strip_prefix(tag))
            .map(|rest| {
                let (id, json) = rest.split_once(' ').unwrap_or((rest, ""));
                (id.to_owned(), json.to_owned())
            })
            .collect()
    };
    let sent = lines("SENT ");
    let handled = lines("HANDLED ");
    let duplicate = lines("DUPLICATE ");
    let forged = lines("FORGED ");
    assert_eq!(sent.len(), messages.len(), "{stdout}");
    assert_eq!(duplicate.len(), 1, "{stdout}");
    assert_eq!(forged.len(), 1, "{stdout}");
    assert_eq!(
        handled.len(),
        sent.len(),
        "each handled exactly once:\n{stdout}"
    );
    for ((id, json), message) in sent.iter().zip(&messages) {
        let sent_value: Value = serde_json::from_str(json).expect("JSON body");
        assert_eq!(&sent_value, message, "the body is the message");
        let arrived: Vec<_> = handled.iter().filter(|(h, _)| h == id).collect();
        assert_eq!(arrived.len(), 1, "{id} handled once:\n{stdout}");
        let arrived_value: Value = serde_json::from_str(&arrived[0].1).expect("JSON");
        assert_eq!(&arrived_value, message, "{id} arrives typed and unchanged");
    }
    assert!(
        handled.iter().all(|(id, _)| *id != forged[0].0),
        "the forged message is not handled:\n{stdout}"
    );
    report(&format!(
        "NATS corpus acceptance: {} messages of v2/cli/specification.json sent and handled once each",
        sent.len()
    ));
}
