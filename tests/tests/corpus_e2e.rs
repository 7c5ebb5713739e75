//! End to end over loopback for corpus documents of AsyncAPI 2.x and 3.0.
//! Both perspectives of each document are generated into one driver crate.
//! The Application client sends every example message of every HTTP `send`
//! operation through a SQLite outbox to the Mirror router. Each example
//! must arrive once, typed, verified and equal as JSON to what was sent.
//! An unsigned request must get 401, and a re-delivery of a handled
//! webhook id must not reach the handler again.
//!
//! Documents are chosen automatically (see `hookforge_tests::e2e::select`):
//! every usable document whose client has a message to send qualifies.
//! Too few corpus documents have examples for HTTP operations, so a
//! message without examples gets a value built from its schema. Up to
//! [`PER_LINE`] documents of each line (2.x, 3.0) run, those with the most
//! examples of their own first.

use std::collections::BTreeMap;
use std::fs;
use std::time::Instant;

use hookforge_tests::corpus::{corpus_dir_or_skip, report, run_generated_crate, workspace_root};
use hookforge_tests::e2e::driver;
use hookforge_tests::e2e::select::{self, Document, Line};
use hookforge_tests::manifest;
use serde_json::Value;

/// The maximum number of documents of each line that run.
const PER_LINE: usize = 7;

/// Documents that qualify but are left out, with the reason. Each must
/// still qualify, so the list cannot go stale silently.
const KNOWN_EXCLUSIONS: &[(&str, &str)] = &[];

/// Header properties the sender sets itself at every attempt, so the
/// values of an example never arrive.
const RUNTIME_HEADERS: &[&str] = &["webhook-timestamp", "webhook-signature"];

#[test]
fn corpus_examples_arrive_typed_signed_once() {
    let Some(corpus) = corpus_dir_or_skip("corpus end to end") else {
        return;
    };
    let started = Instant::now();
    let rows = manifest::read(&corpus).expect("readable MANIFEST.tsv");
    let mut qualifying: Vec<Document> = rows
        .iter()
        .filter(|row| select::usable(row))
        .filter_map(|row| select::plan(&corpus, row))
        .collect();
    let counts = |line: Line, docs: &[Document]| docs.iter().filter(|d| d.line == line).count();
    report(&format!(
        "corpus e2e: {} documents qualify ({} 2.x, {} 3.0)",
        qualifying.len(),
        counts(Line::V2, &qualifying),
        counts(Line::V3, &qualifying)
    ));
    for (path, reason) in KNOWN_EXCLUSIONS {
        let position = qualifying.iter().position(|d| d.local_path == *path);
        assert!(
            position.is_some(),
            "{path} is listed as a known exclusion but no longer qualifies; remove it"
        );
        if let Some(position) = position {
            qualifying.remove(position);
            report(&format!("corpus e2e: excluded {path}: {reason}"));
        }
    }
    let documents = choose(qualifying);
    assert!(
        counts(Line::V2, &documents) > 0 && counts(Line::V3, &documents) > 0,
        "the selection must hold 2.x and 3.0 documents: {:?}",
        documents.iter().map(|d| &d.local_path).collect::<Vec<_>>()
    );
    for document in &documents {
        for send in document
            .sends
            .iter()
            .filter(|s| s.arrives_as != s.event_type || s.arrives_at != s.method.operation_id)
        {
            report(&format!(
                "corpus e2e: {}: {} decodes as message {} of operation {} too, which the router tries first",
                document.local_path, send.label, send.arrives_as, send.arrives_at
            ));
        }
        report(&format!(
            "corpus e2e: runs {} (to send: {} examples, {} values built from schemas{})",
            document.local_path,
            document.sends.iter().filter(|s| !s.synthesized).count(),
            document.sends.iter().filter(|s| s.synthesized).count(),
            if document.not_sent.is_empty() {
                String::new()
            } else {
                format!("; not sent: {}", document.not_sent.join("; "))
            }
        ));
    }
    let generated = started.elapsed();

    let crate_dir = workspace_root().join("target").join("corpus-e2e");
    let _ = fs::remove_dir_all(crate_dir.join("src"));
    fs::create_dir_all(&crate_dir).expect("writable target folder");
    let runtime = workspace_root().join("runtime");
    driver::write_crate(
        &crate_dir,
        &runtime.canonicalize().unwrap_or(runtime),
        &workspace_root().join("Cargo.lock"),
        &documents,
    )
    .expect("the driver crate is written");
    let build_started = Instant::now();
    let stdout = run_generated_crate(&crate_dir, "the driver crate");
    let lines: Vec<Value> = stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();

    let mut failures = Vec::new();
    let mut total = Outcome::default();
    for document in &documents {
        let outcome = check(document, &lines, &mut failures);
        total.sent += outcome.sent;
        total.handled += outcome.handled;
        total.ambiguous += outcome.ambiguous;
        total.correlation_filled += outcome.correlation_filled;
    }
    let synthesized: usize = documents
        .iter()
        .map(|d| d.sends.iter().filter(|s| s.synthesized).count())
        .sum();
    report(&format!(
        "corpus e2e: {} documents ({} 2.x, {} 3.0), {} messages sent ({synthesized} built from schemas), \
         {} handled ({} as another message their schemas do not tell apart, {} with a correlation id \
         the client filled); generation {:.1}s, build and run {:.1}s, {} failures",
        documents.len(),
        counts(Line::V2, &documents),
        counts(Line::V3, &documents),
        total.sent,
        total.handled,
        total.ambiguous,
        total.correlation_filled,
        generated.as_secs_f64(),
        build_started.elapsed().as_secs_f64(),
        failures.len()
    ));
    assert!(
        failures.is_empty(),
        "end-to-end failures:\n{}",
        failures.join("\n")
    );
}

/// Keeps up to [`PER_LINE`] documents of each line: those with the most
/// examples of their own first, then those with the most values built from
/// their schemas, then by path.
fn choose(mut qualifying: Vec<Document>) -> Vec<Document> {
    let key = |d: &Document| {
        let synthesized = d.sends.iter().filter(|s| s.synthesized).count();
        (
            d.line,
            std::cmp::Reverse(d.sends.len() - synthesized),
            std::cmp::Reverse(synthesized),
            d.local_path.clone(),
        )
    };
    qualifying.sort_by_key(key);
    let mut taken: BTreeMap<Line, usize> = BTreeMap::new();
    qualifying
        .into_iter()
        .filter(|document| {
            let count = taken.entry(document.line).or_default();
            *count += 1;
            *count <= PER_LINE
        })
        .collect()
}

/// What one document's run counted.
#[derive(Default)]
struct Outcome {
    sent: usize,
    handled: usize,
    /// Examples that arrived as another message of their operation, as
    /// the document's schemas do not tell the two apart.
    ambiguous: usize,
    /// Examples without their correlation header, which the client filled.
    correlation_filled: usize,
}

/// Checks the driver's lines of one document.
fn check(document: &Document, lines: &[Value], failures: &mut Vec<String>) -> Outcome {
    let mut outcome = Outcome::default();
    let doc = document.local_path.as_str();
    let of_kind = |kind: &str| -> Vec<&Value> {
        lines
            .iter()
            .filter(|l| l["doc"] == doc && l["kind"] == kind)
            .collect()
    };
    let mut fail = |text: String| failures.push(format!("{doc}: {text}"));
    for kind in [
        "decode_failed",
        "send_failed",
        "dead",
        "idle_timeout",
        "store_error",
    ] {
        for line in of_kind(kind) {
            fail(format!("{kind}: {line}"));
        }
    }
    let sent = of_kind("sent");
    let replied = of_kind("replied");
    let handled = of_kind("handled");
    let sent_ids: Vec<&Value> = sent.iter().map(|l| &l["webhook_id"]).collect();
    // Requests bypass the outbox, so the driver does not learn their
    // webhook ids: a request's arrival is found by operation and body.
    let mut request_ids: Vec<&Value> = Vec::new();
    for send in &document.sends {
        let lines = if send.reply.is_some() {
            &replied
        } else {
            &sent
        };
        let Some(line) = lines.iter().find(|l| l["label"] == send.label.as_str()) else {
            fail(format!("{} was not sent", send.label));
            continue;
        };
        let arrivals: Vec<&&Value> = match &send.reply {
            None => handled
                .iter()
                .filter(|h| h["webhook_id"] == line["webhook_id"])
                .collect(),
            Some(reply) => {
                if !json_equal(&line["reply"], reply) {
                    fail(format!(
                        "{} got the reply {} instead of {reply}",
                        send.label, line["reply"]
                    ));
                }
                handled
                    .iter()
                    .filter(|h| {
                        !sent_ids.contains(&&h["webhook_id"])
                            && !request_ids.contains(&&h["webhook_id"])
                            && h["operation"] == line["operation"]
                            && h["raw"]
                                .as_str()
                                .and_then(|raw| serde_json::from_str::<Value>(raw).ok())
                                .is_some_and(|raw| json_equal(&raw, &send.payload))
                    })
                    .collect()
            }
        };
        if send.reply.is_some() {
            request_ids.extend(arrivals.iter().map(|a| &a["webhook_id"]));
        }
        let [arrival] = arrivals.as_slice() else {
            fail(format!(
                "{} arrived {} times (webhook id {})",
                send.label,
                arrivals.len(),
                line["webhook_id"]
            ));
            continue;
        };
        if arrival["operation"] != send.arrives_at.as_str() || arrival["address"] != line["address"]
        {
            fail(format!(
                "{} was sent as {} to {} and expected at {}, but handled as {} at {}",
                send.label,
                line["operation"],
                line["address"],
                send.arrives_at,
                arrival["operation"],
                arrival["address"]
            ));
        }
        // The handler records the event type of its enum variant, and none
        // for an operation with one message.
        let message = &arrival["message"];
        if let Some(event) = message["event"].as_str() {
            if event != send.arrives_as {
                fail(format!(
                    "{} was handled as message {event}, expected {}",
                    send.label, send.arrives_as
                ));
            }
        }
        if send.arrives_as != send.event_type || send.arrives_at != send.method.operation_id {
            outcome.ambiguous += 1;
        }
        if !json_equal(&message["payload"], &send.payload) {
            fail(format!(
                "{} payload differs:\n  sent     {}\n  handled  {}",
                send.label, send.payload, message["payload"]
            ));
        }
        let raw: Option<Value> = arrival["raw"]
            .as_str()
            .and_then(|r| serde_json::from_str(r).ok());
        if !raw.is_some_and(|raw| json_equal(&raw, &send.payload)) {
            fail(format!(
                "{} body on the wire differs: {}",
                send.label, arrival["raw"]
            ));
        }
        if let Some(headers) = &send.headers {
            let expected = without_runtime_headers(headers);
            let mut got = without_runtime_headers(&message["headers"]);
            if let (Some(name), Value::Object(got)) = (&send.correlation_header, &mut got) {
                let filled = expected.get(name).is_none()
                    && got
                        .get(name)
                        .and_then(Value::as_str)
                        .is_some_and(|id| id.len() == 36);
                if filled {
                    got.remove(name);
                    outcome.correlation_filled += 1;
                }
            }
            if !json_equal(&got, &expected) {
                fail(format!(
                    "{} headers differ:\n  sent     {expected}\n  handled  {got}",
                    send.label
                ));
            }
        }
    }
    for extra in handled.iter().filter(|h| {
        !sent_ids.contains(&&h["webhook_id"]) && !request_ids.contains(&&h["webhook_id"])
    }) {
        fail(format!("a message nobody sent was handled: {extra}"));
    }
    match of_kind("unsigned").as_slice() {
        [line] if line["status"] == 401 => {}
        other => fail(format!(
            "an unsigned request did not get exactly one 401: {other:?}"
        )),
    }
    let through_outbox = document.sends.iter().any(|s| s.reply.is_none());
    match of_kind("redelivery").as_slice() {
        [] if !through_outbox => {}
        [line] if line["stored"] == true => {
            let count = handled
                .iter()
                .filter(|h| h["webhook_id"] == line["webhook_id"])
                .count();
            if count != 1 {
                fail(format!(
                    "the re-delivered webhook id was handled {count} times"
                ));
            }
        }
        other => fail(format!("no re-delivery was made: {other:?}")),
    }
    outcome.sent = sent.len() + replied.len();
    outcome.handled = handled.len();
    outcome
}

/// `headers` without the properties the runtime owns, compared without
/// regard to case.
fn without_runtime_headers(headers: &Value) -> Value {
    match headers {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| !RUNTIME_HEADERS.iter().any(|r| r.eq_ignore_ascii_case(k)))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// JSON equality with numbers compared by value (`15` read into an `f64`
/// comes back as `15.0`); object key order is ignored.
fn json_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            x == y || ((x.is_f64() || y.is_f64()) && x.as_f64() == y.as_f64())
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| json_equal(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w)))
        }
        _ => a == b,
    }
}
