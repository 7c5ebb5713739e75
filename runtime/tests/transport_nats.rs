//! The NATS transport against the server at 127.0.0.1:4222: publishing
//! signed messages, verifying, deduplicating and redelivering them.
//!
//! When the server is unreachable, each test prints a skip line, unless
//! `CI` is `true`, where it fails instead. Every test uses its own subjects,
//! stream and consumer names and deletes its stream at the end.
#![cfg(feature = "nats")]

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use hookforge::idempotency::memory::MemoryIdempotency;
use hookforge::retry::RetryPolicy;
use hookforge::signing::{Signer, Verifier};
use hookforge::transport::nats::async_nats::jetstream::{self, stream};
use hookforge::transport::nats::async_nats::{self, Client, HeaderMap};
use hookforge::transport::nats::{
    DurableConsumer, HandlerError, NatsReceiver, NatsTransport, Subscription, VerifiedMessage,
};
use hookforge::transport::{Transport, TransportError};
use tokio::sync::{mpsc, Notify};
use tokio::task::JoinHandle;

const URL: &str = "nats://127.0.0.1:4222";
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const OTHER_SECRET: &str = "whsec_dGhpcyBpcyBhbm90aGVyIHNlY3JldCBrZXkh";
/// Maximum time any test waits for a message.
const WAIT: Duration = Duration::from_secs(15);

/// Connects to the local server, or returns `None` after printing a skip
/// line when it is down outside CI.
async fn connect(test: &str) -> Option<Client> {
    let connecting = async_nats::connect(URL);
    let error = match tokio::time::timeout(Duration::from_secs(3), connecting).await {
        Ok(Ok(client)) => return Some(client),
        Ok(Err(error)) => error.to_string(),
        Err(_) => "timed out".to_owned(),
    };
    if std::env::var("CI").is_ok_and(|value| value == "true") {
        panic!("NATS at {URL} is required under CI=true: {error}");
    }
    eprintln!("skipped {test}: NATS at {URL} is unreachable: {error}");
    None
}

/// Returns a name unique to this test run, of letters, digits and `_`.
fn unique(test: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_nanos());
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("hf_{test}_{}_{nanos}_{count}", std::process::id())
}

fn signer() -> Signer {
    Signer::new(vec![SECRET.parse().expect("valid secret")])
}

fn verifier() -> Verifier {
    Verifier::new(vec![SECRET.parse().expect("valid secret")])
}

/// Creates a stream capturing `prefix.>` and returns its name.
async fn create_stream(client: &Client, prefix: &str) -> String {
    let name = prefix.to_uppercase();
    jetstream::new(client.clone())
        .create_stream(stream::Config {
            name: name.clone(),
            subjects: vec![format!("{prefix}.>")],
            // Messages of a test that panicked before deleting its stream
            // expire.
            max_age: Duration::from_secs(600),
            ..stream::Config::default()
        })
        .await
        .expect("create the stream");
    name
}

async fn delete_stream(client: &Client, name: &str) {
    jetstream::new(client.clone())
        .delete_stream(name)
        .await
        .expect("delete the stream");
}

/// Counts handler calls per webhook id and forwards each message.
#[derive(Clone)]
struct Recorder {
    calls: Arc<Mutex<HashMap<String, u32>>>,
    sender: mpsc::UnboundedSender<VerifiedMessage>,
}

impl Recorder {
    fn new() -> (Self, mpsc::UnboundedReceiver<VerifiedMessage>) {
        let (sender, receiver) = mpsc::unbounded_channel();
        let recorder = Recorder {
            calls: Arc::default(),
            sender,
        };
        (recorder, receiver)
    }

    fn record(&self, message: &VerifiedMessage) {
        let mut calls = self.calls.lock().expect("calls lock");
        *calls.entry(message.id.clone()).or_default() += 1;
        let _ = self.sender.send(message.clone());
    }

    fn calls(&self) -> HashMap<String, u32> {
        self.calls.lock().expect("calls lock").clone()
    }

    /// A handler that records every message and succeeds.
    fn handler(
        &self,
    ) -> impl Fn(VerifiedMessage) -> std::future::Ready<Result<(), HandlerError>> + Send + Sync
    {
        let recorder = self.clone();
        move |message| {
            recorder.record(&message);
            std::future::ready(Ok(()))
        }
    }
}

/// Runs `receiver` on `subscription` in a task until aborted.
fn spawn_receiver<H, F>(
    receiver: NatsReceiver<MemoryIdempotency>,
    subscription: Subscription,
    handler: H,
) -> JoinHandle<Result<(), TransportError>>
where
    H: Fn(VerifiedMessage) -> F + Send + Sync + 'static,
    F: std::future::Future<Output = Result<(), HandlerError>> + Send + 'static,
{
    tokio::spawn(async move { receiver.run(subscription, handler).await })
}

async fn next_message(messages: &mut mpsc::UnboundedReceiver<VerifiedMessage>) -> VerifiedMessage {
    tokio::time::timeout(WAIT, messages.recv())
        .await
        .expect("a message arrives in time")
        .expect("the recorder is alive")
}

/// Waits `duration` and asserts that no message arrived meanwhile.
async fn assert_quiet(messages: &mut mpsc::UnboundedReceiver<VerifiedMessage>, duration: Duration) {
    if let Ok(Some(message)) = tokio::time::timeout(duration, messages.recv()).await {
        panic!(
            "unexpected message {} (delivery {})",
            message.id, message.delivered
        );
    }
}

fn json_headers() -> Vec<(String, String)> {
    vec![("content-type".to_owned(), "application/json".to_owned())]
}

fn id_header(id: &str) -> Vec<(String, String)> {
    vec![("webhook-id".to_owned(), id.to_owned())]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jetstream_round_trip_verifies() {
    let Some(client) = connect("jetstream_round_trip_verifies").await else {
        return;
    };
    let prefix = unique("round_trip");
    let stream = create_stream(&client, &prefix).await;
    let transport = NatsTransport::jetstream(client.clone()).with_signer(signer());

    let body = Bytes::from_static(br#"{"order": 42}"#);
    let published = transport
        .publish_message(
            &format!("/{prefix}/orders/created"),
            json_headers(),
            body.clone(),
        )
        .await
        .expect("publish");
    assert_eq!(published.subject, format!("{prefix}.orders.created"));
    assert_eq!(published.stream.as_deref(), Some(stream.as_str()));
    assert!(!published.duplicate);
    let id = published.id.clone().expect("signed messages have an id");
    assert!(id.starts_with("msg_"), "{id}");

    let (recorder, mut messages) = Recorder::new();
    let receiver = NatsReceiver::new(verifier(), MemoryIdempotency::new(1000));
    let consumer = DurableConsumer::new(&stream, "round_trip");
    let subscription = Subscription::jetstream(&client, &consumer)
        .await
        .expect("subscribe");
    let task = spawn_receiver(receiver, subscription, recorder.handler());

    let message = next_message(&mut messages).await;
    assert_eq!(message.id, id);
    assert_eq!(message.body, body);
    assert_eq!(message.subject, format!("{prefix}.orders.created"));
    assert_eq!(message.header("content-type"), Some("application/json"));
    assert_eq!(message.header("nats-msg-id"), Some(id.as_str()));
    assert!(message
        .header("webhook-signature")
        .is_some_and(|value| value.starts_with("v1,")));
    assert_eq!(message.delivered, 1);
    assert_quiet(&mut messages, Duration::from_millis(500)).await;
    assert_eq!(recorder.calls().get(&id), Some(&1));

    task.abort();
    delete_stream(&client, &stream).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn core_round_trip_verifies() {
    let Some(client) = connect("core_round_trip_verifies").await else {
        return;
    };
    let prefix = unique("core_trip");
    let (recorder, mut messages) = Recorder::new();
    let receiver = NatsReceiver::new(verifier(), MemoryIdempotency::new(1000));
    let subscription = Subscription::core(&client, &format!("{prefix}.>"), None)
        .await
        .expect("subscribe");
    let task = spawn_receiver(receiver, subscription, recorder.handler());

    let transport = NatsTransport::core(client.clone()).with_signer(signer());
    assert!(!transport.is_jetstream());
    let published = transport
        .publish_message(
            &format!("{prefix}.ping"),
            id_header("msg_core_1"),
            Bytes::from_static(b"ping"),
        )
        .await
        .expect("publish");
    assert_eq!(published.id.as_deref(), Some("msg_core_1"));
    assert_eq!(published.stream, None);

    let message = next_message(&mut messages).await;
    assert_eq!(message.id, "msg_core_1");
    assert_eq!(message.body, Bytes::from_static(b"ping"));
    assert_eq!(message.header("nats-msg-id"), None);
    assert_quiet(&mut messages, Duration::from_millis(300)).await;

    task.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_signature_is_terminated() {
    let Some(client) = connect("bad_signature_is_terminated").await else {
        return;
    };
    let prefix = unique("bad_signature");
    let stream = create_stream(&client, &prefix).await;
    let subject = format!("{prefix}.events");

    // Signed with a key the receiver does not know, and with no signature.
    let forger =
        NatsTransport::jetstream(client.clone()).with_signer(Signer::new(vec![OTHER_SECRET
            .parse()
            .expect("valid secret")]));
    forger
        .publish(
            &subject,
            id_header("msg_forged"),
            Bytes::from_static(b"forged"),
        )
        .await
        .expect("publish forged");
    let unsigned = NatsTransport::jetstream(client.clone());
    unsigned
        .publish(
            &subject,
            id_header("msg_unsigned"),
            Bytes::from_static(b"unsigned"),
        )
        .await
        .expect("publish unsigned");
    // A valid message whose body was changed after signing.
    let good = signer().sign_now("msg_tampered", b"original");
    let mut headers = HeaderMap::new();
    headers.insert("webhook-id", good.id.as_str());
    headers.insert("webhook-timestamp", good.timestamp.as_str());
    headers.insert("webhook-signature", good.signature.as_str());
    jetstream::new(client.clone())
        .publish_with_headers(subject.clone(), headers, Bytes::from_static(b"tampered"))
        .await
        .expect("publish tampered")
        .await
        .expect("tampered stored");
    let valid = NatsTransport::jetstream(client.clone()).with_signer(signer());
    valid
        .publish(
            &subject,
            id_header("msg_valid"),
            Bytes::from_static(b"valid"),
        )
        .await
        .expect("publish valid");

    let (recorder, mut messages) = Recorder::new();
    let receiver = NatsReceiver::new(verifier(), MemoryIdempotency::new(1000));
    let consumer =
        DurableConsumer::new(&stream, "bad_signature").with_ack_wait(Duration::from_secs(1));
    let subscription = Subscription::jetstream(&client, &consumer)
        .await
        .expect("subscribe");
    let task = spawn_receiver(receiver, subscription, recorder.handler());

    let message = next_message(&mut messages).await;
    assert_eq!(message.id, "msg_valid");
    // Longer than the ack wait, so an unsettled message would be redelivered.
    assert_quiet(&mut messages, Duration::from_secs(2)).await;
    let calls = recorder.calls();
    assert_eq!(calls.len(), 1, "{calls:?}");

    let info = jetstream::new(client.clone())
        .get_stream(&stream)
        .await
        .expect("stream")
        .consumer_info("bad_signature")
        .await
        .expect("consumer info");
    assert_eq!(info.num_ack_pending, 0);
    assert_eq!(info.num_redelivered, 0);
    assert_eq!(info.num_pending, 0);

    task.abort();
    delete_stream(&client, &stream).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn same_id_twice_is_stored_once() {
    let Some(client) = connect("same_id_twice_is_stored_once").await else {
        return;
    };
    let prefix = unique("dedupe_stream");
    let stream = create_stream(&client, &prefix).await;
    let subject = format!("{prefix}.events");
    let transport = NatsTransport::jetstream(client.clone()).with_signer(signer());

    let first = transport
        .publish_message(&subject, id_header("msg_twice"), Bytes::from_static(b"one"))
        .await
        .expect("first publish");
    let second = transport
        .publish_message(&subject, id_header("msg_twice"), Bytes::from_static(b"one"))
        .await
        .expect("second publish");
    assert!(!first.duplicate);
    assert!(second.duplicate);
    assert_eq!(second.sequence, first.sequence);

    let (recorder, mut messages) = Recorder::new();
    let receiver = NatsReceiver::new(verifier(), MemoryIdempotency::new(1000));
    let consumer = DurableConsumer::new(&stream, "dedupe");
    let subscription = Subscription::jetstream(&client, &consumer)
        .await
        .expect("subscribe");
    let task = spawn_receiver(receiver, subscription, recorder.handler());

    assert_eq!(next_message(&mut messages).await.id, "msg_twice");
    assert_quiet(&mut messages, Duration::from_millis(500)).await;
    assert_eq!(recorder.calls().get("msg_twice"), Some(&1));

    task.abort();
    delete_stream(&client, &stream).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn same_id_twice_is_handled_once() {
    let Some(client) = connect("same_id_twice_is_handled_once").await else {
        return;
    };
    let prefix = unique("dedupe_store");
    let stream = create_stream(&client, &prefix).await;
    let subject = format!("{prefix}.events");

    // Published without `Nats-Msg-Id` and signed at different times, so the
    // stream stores both copies and only the idempotency store can tell.
    let context = jetstream::new(client.clone());
    for _ in 0..2 {
        let signed = signer().sign_now("msg_store_dup", b"same");
        let mut headers = HeaderMap::new();
        headers.insert("webhook-id", signed.id.as_str());
        headers.insert("webhook-timestamp", signed.timestamp.as_str());
        headers.insert("webhook-signature", signed.signature.as_str());
        context
            .publish_with_headers(subject.clone(), headers, Bytes::from_static(b"same"))
            .await
            .expect("publish")
            .await
            .expect("stored");
    }

    let (recorder, mut messages) = Recorder::new();
    let receiver = NatsReceiver::new(verifier(), MemoryIdempotency::new(1000));
    let consumer = DurableConsumer::new(&stream, "dedupe");
    let subscription = Subscription::jetstream(&client, &consumer)
        .await
        .expect("subscribe");
    let task = spawn_receiver(receiver, subscription, recorder.handler());

    assert_eq!(next_message(&mut messages).await.id, "msg_store_dup");
    assert_quiet(&mut messages, Duration::from_millis(800)).await;
    assert_eq!(recorder.calls().get("msg_store_dup"), Some(&1));
    let info = context
        .get_stream(&stream)
        .await
        .expect("stream")
        .consumer_info("dedupe")
        .await
        .expect("consumer info");
    assert_eq!(info.num_pending, 0, "the duplicate was acknowledged");
    assert_eq!(info.num_ack_pending, 0, "the duplicate was acknowledged");

    task.abort();
    delete_stream(&client, &stream).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn handler_failure_is_redelivered() {
    let Some(client) = connect("handler_failure_is_redelivered").await else {
        return;
    };
    let prefix = unique("redeliver");
    let stream = create_stream(&client, &prefix).await;
    let transport = NatsTransport::jetstream(client.clone()).with_signer(signer());
    transport
        .publish(
            &format!("{prefix}.events"),
            id_header("msg_flaky"),
            Bytes::from_static(b"x"),
        )
        .await
        .expect("publish");

    let (recorder, mut messages) = Recorder::new();
    let handler = {
        let recorder = recorder.clone();
        move |message: VerifiedMessage| {
            recorder.record(&message);
            let outcome = if message.delivered == 1 {
                Err(HandlerError::new("the first delivery fails"))
            } else {
                Ok(())
            };
            std::future::ready(outcome)
        }
    };
    let receiver =
        NatsReceiver::new(verifier(), MemoryIdempotency::new(1000)).with_redelivery(RetryPolicy {
            base: Duration::from_millis(100),
            cap: Duration::from_millis(200),
            ..RetryPolicy::default()
        });
    let consumer = DurableConsumer::new(&stream, "redeliver");
    let subscription = Subscription::jetstream(&client, &consumer)
        .await
        .expect("subscribe");
    let task = spawn_receiver(receiver, subscription, handler);

    let first = next_message(&mut messages).await;
    assert_eq!(first.id, "msg_flaky");
    assert_eq!(first.delivered, 1);
    let second = next_message(&mut messages).await;
    assert_eq!(second.id, "msg_flaky");
    assert_eq!(second.delivered, 2);
    assert_quiet(&mut messages, Duration::from_secs(1)).await;
    assert_eq!(recorder.calls().get("msg_flaky"), Some(&2));

    task.abort();
    delete_stream(&client, &stream).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queue_group_splits_messages() {
    let Some(client) = connect("queue_group_splits_messages").await else {
        return;
    };
    let prefix = unique("queue");
    let subject = format!("{prefix}.work");
    let group = format!("{prefix}_workers");
    // One store for the group, as the receivers of one service share one.
    let store = Arc::new(MemoryIdempotency::new(1000));

    let (first, mut first_messages) = Recorder::new();
    let (second, mut second_messages) = Recorder::new();
    let mut tasks = Vec::new();
    for recorder in [&first, &second] {
        let receiver = NatsReceiver::new(verifier(), Arc::clone(&store));
        let subscription = Subscription::core(&client, &subject, Some(&group))
            .await
            .expect("subscribe");
        let handler = recorder.handler();
        tasks.push(tokio::spawn(async move {
            receiver.run(subscription, handler).await
        }));
    }

    let transport = NatsTransport::core(client.clone()).with_signer(signer());
    let total = 40;
    for index in 0..total {
        transport
            .publish(
                &subject,
                id_header(&format!("msg_{index}")),
                Bytes::from(index.to_string()),
            )
            .await
            .expect("publish");
    }

    let mut received = 0;
    while received < total {
        tokio::select! {
            Some(_) = first_messages.recv() => received += 1,
            Some(_) = second_messages.recv() => received += 1,
            () = tokio::time::sleep(WAIT) => panic!("only {received} of {total} messages arrived"),
        }
    }
    assert_quiet(&mut first_messages, Duration::from_millis(300)).await;
    assert_quiet(&mut second_messages, Duration::from_millis(100)).await;

    let (first_calls, second_calls) = (first.calls(), second.calls());
    assert!(!first_calls.is_empty(), "the first receiver got nothing");
    assert!(!second_calls.is_empty(), "the second receiver got nothing");
    for index in 0..total {
        let id = format!("msg_{index}");
        let count = first_calls.get(&id).unwrap_or(&0) + second_calls.get(&id).unwrap_or(&0);
        assert_eq!(count, 1, "{id} was handled {count} times");
    }

    for task in tasks {
        task.abort();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restarted_receiver_resumes() {
    let Some(client) = connect("restarted_receiver_resumes").await else {
        return;
    };
    let prefix = unique("restart");
    let stream = create_stream(&client, &prefix).await;
    let subject = format!("{prefix}.events");
    let transport = NatsTransport::jetstream(client.clone()).with_signer(signer());
    let publish_range = |range: std::ops::Range<u32>| {
        let transport = transport.clone();
        let subject = subject.clone();
        async move {
            for index in range {
                transport
                    .publish(
                        &subject,
                        id_header(&format!("msg_{index}")),
                        Bytes::from(index.to_string()),
                    )
                    .await
                    .expect("publish");
            }
        }
    };
    let consumer = DurableConsumer::new(&stream, "restart").with_ack_wait(Duration::from_secs(1));
    let calls: Arc<Mutex<HashMap<String, u32>>> = Arc::default();
    let record = |calls: &Arc<Mutex<HashMap<String, u32>>>, id: &str| -> usize {
        let mut calls = calls.lock().expect("calls lock");
        *calls.entry(id.to_owned()).or_default() += 1;
        calls.values().map(|&count| count as usize).sum()
    };

    publish_range(0..15).await;

    // The first receiver stops after handling 10 messages.
    let stop = Arc::new(Notify::new());
    let first = {
        let (calls, stop) = (Arc::clone(&calls), Arc::clone(&stop));
        move |message: VerifiedMessage| {
            if record(&calls, &message.id) == 10 {
                stop.notify_one();
            }
            std::future::ready(Ok::<(), HandlerError>(()))
        }
    };
    let first_client = async_nats::connect(URL).await.expect("connect");
    let receiver = NatsReceiver::new(verifier(), MemoryIdempotency::new(1000));
    let subscription = Subscription::jetstream(&first_client, &consumer)
        .await
        .expect("subscribe");
    let shutdown = {
        let stop = Arc::clone(&stop);
        async move { stop.notified().await }
    };
    tokio::time::timeout(WAIT, receiver.run_until(subscription, first, shutdown))
        .await
        .expect("the first receiver stops in time")
        .expect("the first receiver ends cleanly");
    // The first receiver's connection closes right after it stopped.
    drop(receiver);
    drop(first_client);

    publish_range(15..30).await;

    // A fresh store, so only the consumer's position keeps the second
    // receiver from handling the first ten again.
    let (sender, mut done) = mpsc::unbounded_channel();
    let second = {
        let calls = Arc::clone(&calls);
        move |message: VerifiedMessage| {
            let _ = sender.send(record(&calls, &message.id));
            std::future::ready(Ok::<(), HandlerError>(()))
        }
    };
    let receiver = NatsReceiver::new(verifier(), MemoryIdempotency::new(1000));
    let subscription = Subscription::jetstream(&client, &consumer)
        .await
        .expect("subscribe again");
    let task = tokio::spawn(async move { receiver.run(subscription, second).await });

    loop {
        let handled = tokio::time::timeout(WAIT, done.recv())
            .await
            .expect("messages arrive in time")
            .expect("the handler is alive");
        if handled >= 30 {
            break;
        }
    }
    // Past the ack wait, so a message left unacknowledged would come back.
    tokio::time::sleep(Duration::from_millis(1500)).await;

    let calls = calls.lock().expect("calls lock").clone();
    assert_eq!(calls.len(), 30, "{calls:?}");
    for index in 0..30 {
        let id = format!("msg_{index}");
        assert_eq!(
            calls.get(&id),
            Some(&1),
            "{id} was handled {:?} times",
            calls.get(&id)
        );
    }

    task.abort();
    delete_stream(&client, &stream).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publish_errors_are_typed() {
    let Some(client) = connect("publish_errors_are_typed").await else {
        return;
    };
    let transport = NatsTransport::jetstream(client.clone()).with_signer(signer());
    let subject = format!("{}.nowhere", unique("no_stream"));
    let error = transport
        .publish(&subject, Vec::new(), Bytes::from_static(b"x"))
        .await
        .expect_err("no stream captures the subject");
    assert!(
        matches!(error, TransportError::NoStream { .. }),
        "{error:?}"
    );
    assert!(!error.is_transient());

    let error = transport
        .publish("orders.*", Vec::new(), Bytes::from_static(b"x"))
        .await
        .expect_err("wildcards are rejected");
    assert!(
        matches!(error, TransportError::InvalidAddress { .. }),
        "{error:?}"
    );

    let headers = vec![("x-bad".to_owned(), "line\r\nbreak".to_owned())];
    let error = transport
        .publish(&subject, headers, Bytes::from_static(b"x"))
        .await
        .expect_err("CR LF in a value is rejected");
    assert!(
        matches!(error, TransportError::InvalidHeader { .. }),
        "{error:?}"
    );

    let headers = vec![("bad:name".to_owned(), "value".to_owned())];
    let error = transport
        .publish(&subject, headers, Bytes::from_static(b"x"))
        .await
        .expect_err("a colon in a name is rejected");
    assert!(
        matches!(error, TransportError::InvalidHeader { .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn connect_failure_is_typed() {
    // Port 1 on loopback has no NATS server.
    let error = NatsTransport::connect("nats://127.0.0.1:1")
        .await
        .expect_err("nothing listens on port 1");
    assert!(matches!(error, TransportError::Connect { .. }), "{error:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rejected_publish_exhausts_retries() {
    let Some(client) = connect("rejected_publish_exhausts_retries").await else {
        return;
    };
    let prefix = unique("full_stream");
    let name = prefix.to_uppercase();
    let context = jetstream::new(client.clone());
    // A stream that rejects every message after the first one.
    context
        .create_stream(stream::Config {
            name: name.clone(),
            subjects: vec![format!("{prefix}.>")],
            max_messages: 1,
            discard: stream::DiscardPolicy::New,
            ..stream::Config::default()
        })
        .await
        .expect("create the stream");
    let transport = NatsTransport::jetstream(client.clone())
        .with_signer(signer())
        .with_retry_policy(RetryPolicy {
            base: Duration::from_millis(10),
            cap: Duration::from_millis(20),
            max_attempts: 3,
            ..RetryPolicy::default()
        });
    let subject = format!("{prefix}.events");

    let first = transport
        .publish_message(&subject, Vec::new(), Bytes::from_static(b"first"))
        .await
        .expect("the first message fits");
    assert_eq!(first.attempts, 1);
    let error = transport
        .publish_message(&subject, Vec::new(), Bytes::from_static(b"second"))
        .await
        .expect_err("the stream is full");
    let TransportError::RetriesExhausted { attempts, last, .. } = &error else {
        panic!("expected RetriesExhausted, got {error:?}");
    };
    assert_eq!(*attempts, 3);
    assert!(last.is_transient(), "{last:?}");

    delete_stream(&client, &name).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stored_time_bounds_the_timestamp() {
    let Some(client) = connect("stored_time_bounds_the_timestamp").await else {
        return;
    };
    let prefix = unique("stored_time");
    let stream = create_stream(&client, &prefix).await;
    let subject = format!("{prefix}.events");
    let context = jetstream::new(client.clone());

    // Signed 10 minutes before it reached the stream: a replayed copy.
    let old = SystemTime::now() - Duration::from_secs(600);
    let replayed = signer().sign_at("msg_replayed", b"old", old);
    let mut headers = HeaderMap::new();
    headers.insert("webhook-id", replayed.id.as_str());
    headers.insert("webhook-timestamp", replayed.timestamp.as_str());
    headers.insert("webhook-signature", replayed.signature.as_str());
    context
        .publish_with_headers(subject.clone(), headers, Bytes::from_static(b"old"))
        .await
        .expect("publish")
        .await
        .expect("stored");
    let transport = NatsTransport::jetstream(client.clone()).with_signer(signer());
    transport
        .publish(
            &subject,
            id_header("msg_backlog"),
            Bytes::from_static(b"fresh"),
        )
        .await
        .expect("publish");

    // The receiver starts after the tolerance has passed, yet accepts the
    // message signed when it was stored.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let (recorder, mut messages) = Recorder::new();
    let verifier = verifier().with_tolerance(Duration::from_secs(1));
    let receiver = NatsReceiver::new(verifier, MemoryIdempotency::new(1000));
    let consumer = DurableConsumer::new(&stream, "stored_time");
    let subscription = Subscription::jetstream(&client, &consumer)
        .await
        .expect("subscribe");
    let task = spawn_receiver(receiver, subscription, recorder.handler());

    assert_eq!(next_message(&mut messages).await.id, "msg_backlog");
    assert_quiet(&mut messages, Duration::from_millis(500)).await;
    assert_eq!(recorder.calls().get("msg_replayed"), None);

    task.abort();
    delete_stream(&client, &stream).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn handler_panic_is_redelivered() {
    let Some(client) = connect("handler_panic_is_redelivered").await else {
        return;
    };
    let prefix = unique("panic");
    let stream = create_stream(&client, &prefix).await;
    let transport = NatsTransport::jetstream(client.clone()).with_signer(signer());
    transport
        .publish(
            &format!("{prefix}.events"),
            id_header("msg_panic"),
            Bytes::from_static(b"x"),
        )
        .await
        .expect("publish");

    let (recorder, mut messages) = Recorder::new();
    let handler = {
        let recorder = recorder.clone();
        move |message: VerifiedMessage| {
            let recorder = recorder.clone();
            async move {
                recorder.record(&message);
                assert!(message.delivered > 1, "the first delivery panics");
                Ok::<(), HandlerError>(())
            }
        }
    };
    let receiver =
        NatsReceiver::new(verifier(), MemoryIdempotency::new(1000)).with_redelivery(RetryPolicy {
            base: Duration::from_millis(100),
            cap: Duration::from_millis(200),
            ..RetryPolicy::default()
        });
    let consumer = DurableConsumer::new(&stream, "panic");
    let subscription = Subscription::jetstream(&client, &consumer)
        .await
        .expect("subscribe");
    let task = spawn_receiver(receiver, subscription, handler);

    assert_eq!(next_message(&mut messages).await.delivered, 1);
    assert_eq!(next_message(&mut messages).await.delivered, 2);
    assert_quiet(&mut messages, Duration::from_millis(800)).await;
    assert!(
        !task.is_finished(),
        "the receiver survives a panicking handler"
    );

    task.abort();
    delete_stream(&client, &stream).await;
}
