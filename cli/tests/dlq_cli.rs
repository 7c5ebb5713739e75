//! Runs `hookforge dlq` against outbox stores seeded through the runtime
//! library, and checks output, exit codes and the rows left behind.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hookforge::idempotency::sqlite::SqliteIdempotency;
use hookforge::idempotency::{Claim, IdempotencyStore};
use hookforge::outbox::sqlite::SqliteOutbox;
use hookforge::outbox::{
    AttemptFailure, DeadLetterFilter, DeliveryId, DeliveryState, NewDelivery, OutboxStore,
};
use serde_json::Value;

mod common;

use common::TempDir;

const ENDPOINT_A: &str = "http://127.0.0.1:9/a";
const ENDPOINT_B: &str = "http://127.0.0.1:9/b";

/// Unix 1_700_000_000 is 2023-11-14T22:13:20Z.
const T0_SECONDS: u64 = 1_700_000_000;

fn at(offset_seconds: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(T0_SECONDS + offset_seconds)
}

/// Body bytes that are not UTF-8: NUL, 0xff and a broken two-byte
/// sequence.
const BINARY_BODY: &[u8] = &[0x00, 0xff, 0xc3, 0x28, 0x7b];

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// The ids the seeded store holds, in the order the store was filled.
struct Seeded {
    /// Dead, endpoint A, `invoice.paid`, JSON body, died at t0 + 10 s.
    json_a: DeliveryId,
    /// Dead, endpoint B, `invoice.paid`, died at t0 + 20 s.
    json_b: DeliveryId,
    /// Dead, endpoint A, `blob.uploaded`, binary body, died at t0 + 30 s.
    binary_a: DeliveryId,
    /// Pending, endpoint A.
    pending_a: DeliveryId,
}

fn message(webhook_id: &str, endpoint: &str, event_type: &str, body: &[u8]) -> NewDelivery {
    NewDelivery {
        webhook_id: webhook_id.to_owned(),
        endpoint: endpoint.to_owned(),
        event_type: event_type.to_owned(),
        headers: vec![
            ("content-type".to_owned(), "application/json".to_owned()),
            ("x-tenant".to_owned(), "acme".to_owned()),
        ],
        body: body.to_vec(),
    }
}

/// Creates `outbox.db` in `dir` with three dead letters and one pending
/// delivery.
fn seed(dir: &TempDir) -> (PathBuf, Seeded) {
    let path = dir.path.join("outbox.db");
    let store = SqliteOutbox::open(&path).expect("open store");
    let seeded = runtime().block_on(async {
        let kill = |id: DeliveryId, attempts: u32, error: &str, died: SystemTime| {
            let store = store.clone();
            let error = error.to_owned();
            async move {
                store
                    .dead_letter(id, AttemptFailure { attempts, error }, died)
                    .await
                    .expect("dead_letter");
            }
        };
        let enqueue = |delivery: NewDelivery| {
            let store = store.clone();
            async move { store.enqueue(delivery, at(0)).await.expect("enqueue") }
        };

        let json_a = enqueue(message(
            "msg_json_a",
            ENDPOINT_A,
            "invoice.paid",
            br#"{"invoice":"in_1"}"#,
        ))
        .await;
        let json_b = enqueue(message(
            "msg_json_b",
            ENDPOINT_B,
            "invoice.paid",
            br#"{"invoice":"in_2"}"#,
        ))
        .await;
        let binary_a = enqueue(message(
            "msg_binary_a",
            ENDPOINT_A,
            "blob.uploaded",
            BINARY_BODY,
        ))
        .await;
        let pending_a = enqueue(message("msg_pending", ENDPOINT_A, "invoice.paid", b"{}")).await;

        kill(json_a, 5, "HTTP 500 Internal Server Error", at(10)).await;
        kill(json_b, 5, "connection refused", at(20)).await;
        kill(binary_a, 3, "HTTP 410 Gone", at(30)).await;
        Seeded {
            json_a,
            json_b,
            binary_a,
            pending_a,
        }
    });
    (path, seeded)
}

fn store_arg(path: &Path) -> String {
    format!("sqlite:{}", path.to_str().expect("UTF-8 temp path"))
}

fn dlq(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hookforge"))
        .arg("dlq")
        .args(args)
        .output()
        .expect("run hookforge")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn assert_exit(output: &Output, code: i32) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        stdout(output),
        stderr(output)
    );
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|error| panic!("stdout is not JSON ({error}):\n{}", stdout(output)))
}

/// The `id` fields of a JSON list.
fn listed_ids(value: &Value) -> Vec<i64> {
    value
        .as_array()
        .expect("a JSON array")
        .iter()
        .map(|row| row["id"].as_i64().expect("numeric id"))
        .collect()
}

fn list_json(store: &str, filters: &[&str]) -> Vec<i64> {
    let mut args = vec!["list", "--store", store, "--format", "json"];
    args.extend_from_slice(filters);
    let output = dlq(&args);
    assert_exit(&output, 0);
    listed_ids(&json(&output))
}

fn get(path: &Path, id: DeliveryId) -> Option<hookforge::outbox::Delivery> {
    let store = SqliteOutbox::open(path).expect("open store");
    runtime().block_on(store.get(id)).expect("get")
}

#[test]
fn list_human_prints_dead_letters() {
    let dir = TempDir::new("dlq-list-human");
    let (path, seeded) = seed(&dir);
    let output = dlq(&["list", "--store", &store_arg(&path)]);
    assert_exit(&output, 0);

    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "a header and three rows:\n{text}");
    assert!(lines[0].starts_with("ID"), "{text}");
    assert!(lines[0].contains("LAST ERROR"), "{text}");
    assert!(
        lines[1].starts_with(&format!("{} ", seeded.json_a)),
        "{text}"
    );
    assert!(lines[1].contains("2023-11-14T22:13:30.000Z"), "{text}");
    assert!(
        lines[1].contains("HTTP 500 Internal Server Error"),
        "{text}"
    );
    assert!(
        lines[2].starts_with(&format!("{} ", seeded.json_b)),
        "{text}"
    );
    assert!(
        lines[3].starts_with(&format!("{} ", seeded.binary_a)),
        "{text}"
    );
    assert!(lines[3].contains("blob.uploaded"), "{text}");
}

#[test]
fn list_json_applies_each_filter() {
    let dir = TempDir::new("dlq-list-json");
    let (path, seeded) = seed(&dir);
    let store = store_arg(&path);
    let (a, b, bin) = (seeded.json_a.0, seeded.json_b.0, seeded.binary_a.0);

    assert_eq!(list_json(&store, &[]), vec![a, b, bin]);
    assert_eq!(list_json(&store, &["--endpoint", ENDPOINT_A]), vec![a, bin]);
    assert_eq!(
        list_json(&store, &["--event-type", "invoice.paid"]),
        vec![a, b]
    );
    assert_eq!(
        list_json(&store, &["--since", "2023-11-14T22:13:40Z"]),
        vec![b, bin]
    );
    // Unix seconds, and an RFC 3339 offset naming the same instant.
    let until = (T0_SECONDS + 30).to_string();
    assert_eq!(list_json(&store, &["--until", &until]), vec![a, b]);
    assert_eq!(
        list_json(&store, &["--until", "2023-11-14T23:13:50+01:00"]),
        vec![a, b]
    );
    assert_eq!(list_json(&store, &["--limit", "2"]), vec![a, b]);
    assert_eq!(
        list_json(
            &store,
            &["--endpoint", ENDPOINT_A, "--event-type", "invoice.paid"]
        ),
        vec![a]
    );
    assert!(list_json(&store, &["--endpoint", "http://127.0.0.1:9/none"]).is_empty());
}

#[test]
fn list_json_row_fields() {
    let dir = TempDir::new("dlq-list-fields");
    let (path, seeded) = seed(&dir);
    let output = dlq(&[
        "list",
        "--store",
        &store_arg(&path),
        "--format",
        "json",
        "--limit",
        "1",
    ]);
    assert_exit(&output, 0);
    let rows = json(&output);
    let row = &rows[0];
    assert_eq!(row["id"], seeded.json_a.0);
    assert_eq!(row["webhook_id"], "msg_json_a");
    assert_eq!(row["state"], "dead");
    assert_eq!(row["endpoint"], ENDPOINT_A);
    assert_eq!(row["event_type"], "invoice.paid");
    assert_eq!(row["attempts"], 5);
    assert_eq!(row["last_error"], "HTTP 500 Internal Server Error");
    assert_eq!(row["created_at"], "2023-11-14T22:13:20.000Z");
    assert_eq!(row["dead_at"], "2023-11-14T22:13:30.000Z");
    assert_eq!(row["next_attempt_at"], Value::Null);
    assert_eq!(row["body_bytes"], 18);
}

#[test]
fn list_empty_prints_note() {
    let dir = TempDir::new("dlq-list-empty");
    let (path, _) = seed(&dir);
    let output = dlq(&["list", "--store", &store_arg(&path), "--event-type", "none"]);
    assert_exit(&output, 0);
    assert_eq!(stdout(&output), "");
    assert!(stderr(&output).contains("no dead letters match"));
}

#[test]
fn show_prints_text_body() {
    let dir = TempDir::new("dlq-show-text");
    let (path, seeded) = seed(&dir);
    let id = seeded.json_a.to_string();
    let output = dlq(&["show", "--store", &store_arg(&path), &id]);
    assert_exit(&output, 0);

    let text = stdout(&output);
    assert!(text.contains("webhook id:      msg_json_a"), "{text}");
    assert!(text.contains("state:           dead"), "{text}");
    assert!(text.contains("attempts:        5"), "{text}");
    assert!(
        text.contains("last error:      HTTP 500 Internal Server Error"),
        "{text}"
    );
    assert!(
        text.contains("created at:      2023-11-14T22:13:20.000Z"),
        "{text}"
    );
    assert!(
        text.contains("dead at:         2023-11-14T22:13:30.000Z"),
        "{text}"
    );
    assert!(
        text.contains("  content-type: application/json\n  x-tenant: acme\n"),
        "{text}"
    );
    assert!(
        text.ends_with("body (18 bytes, UTF-8 text):\n{\"invoice\":\"in_1\"}\n"),
        "{text}"
    );
}

#[test]
fn show_prints_binary_body_as_hex() {
    let dir = TempDir::new("dlq-show-hex");
    let (path, seeded) = seed(&dir);
    let id = seeded.binary_a.to_string();
    let output = dlq(&["show", "--store", &store_arg(&path), &id]);
    assert_exit(&output, 0);
    let text = stdout(&output);
    assert!(
        text.ends_with("body (5 bytes, not UTF-8, shown as hex):\n00ffc3287b\n"),
        "{text}"
    );

    let output = dlq(&[
        "show",
        "--store",
        &store_arg(&path),
        &id,
        "--format",
        "json",
    ]);
    assert_exit(&output, 0);
    let value = json(&output);
    assert_eq!(value["body_encoding"], "hex");
    assert_eq!(value["body"], "00ffc3287b");
    assert_eq!(
        value["headers"],
        serde_json::json!([["content-type", "application/json"], ["x-tenant", "acme"]])
    );
}

#[test]
fn show_json_text_body_and_pending_row() {
    let dir = TempDir::new("dlq-show-pending");
    let (path, seeded) = seed(&dir);
    let id = seeded.pending_a.to_string();
    let output = dlq(&[
        "show",
        "--store",
        &store_arg(&path),
        &id,
        "--format",
        "json",
    ]);
    assert_exit(&output, 0);
    let value = json(&output);
    assert_eq!(value["state"], "pending");
    assert_eq!(value["body_encoding"], "utf-8");
    assert_eq!(value["body"], "{}");
    assert_eq!(value["next_attempt_at"], "2023-11-14T22:13:20.000Z");
    assert_eq!(value["dead_at"], Value::Null);
}

#[test]
fn show_unknown_id_exits_1() {
    let dir = TempDir::new("dlq-show-missing");
    let (path, _) = seed(&dir);
    let output = dlq(&["show", "--store", &store_arg(&path), "424242"]);
    assert_exit(&output, 1);
    assert!(stderr(&output).contains("no delivery has id 424242"));
}

#[test]
fn replay_moves_matching_rows() {
    let dir = TempDir::new("dlq-replay");
    let (path, seeded) = seed(&dir);
    let output = dlq(&[
        "replay",
        "--store",
        &store_arg(&path),
        "--endpoint",
        ENDPOINT_A,
    ]);
    assert_exit(&output, 0);
    assert_eq!(stdout(&output), "replayed 2 dead letters\n");

    let binary = get(&path, seeded.binary_a).expect("row kept");
    assert_eq!(binary.state, DeliveryState::Pending);
    assert_eq!(binary.attempts, 0);
    assert_eq!(binary.dead_at, None);
    assert_eq!(binary.message.webhook_id, "msg_binary_a");
    assert_eq!(binary.message.body, BINARY_BODY);

    let other = get(&path, seeded.json_b).expect("row kept");
    assert_eq!(other.state, DeliveryState::Dead);

    let again = dlq(&[
        "replay",
        "--store",
        &store_arg(&path),
        "--endpoint",
        ENDPOINT_A,
    ]);
    assert_exit(&again, 0);
    assert_eq!(stdout(&again), "replayed 0 dead letters\n");
}

#[test]
fn purge_needs_filter_or_all() {
    let dir = TempDir::new("dlq-purge");
    let (path, seeded) = seed(&dir);
    let store = store_arg(&path);

    let refused = dlq(&["purge", "--store", &store]);
    assert_exit(&refused, 2);
    assert!(stderr(&refused).contains("--all"), "{}", stderr(&refused));
    assert_eq!(list_json(&store, &[]).len(), 3, "nothing may be deleted");

    let conflicting = dlq(&[
        "purge",
        "--store",
        &store,
        "--all",
        "--endpoint",
        ENDPOINT_A,
    ]);
    assert_exit(&conflicting, 2);
    assert_eq!(list_json(&store, &[]).len(), 3, "nothing may be deleted");

    let one = dlq(&["purge", "--store", &store, "--event-type", "blob.uploaded"]);
    assert_exit(&one, 0);
    assert_eq!(stdout(&one), "purged 1 dead letter\n");
    assert!(get(&path, seeded.binary_a).is_none());

    let rest = dlq(&["purge", "--store", &store, "--all"]);
    assert_exit(&rest, 0);
    assert_eq!(stdout(&rest), "purged 2 dead letters\n");
    assert!(list_json(&store, &[]).is_empty());
    assert!(
        get(&path, seeded.pending_a).is_some(),
        "purge must leave pending rows"
    );
}

#[test]
fn list_human_shows_end_of_long_error() {
    let dir = TempDir::new("dlq-list-long-error");
    let path = dir.path.join("outbox.db");
    let store = SqliteOutbox::open(&path).expect("open store");
    let error = "error sending request for url (http://127.0.0.1:3917/hooks): client error \
                 (Connect): tcp connect error: Connection refused (os error 111)";
    runtime().block_on(async {
        let id = store
            .enqueue(message("msg_long", ENDPOINT_A, "a.b", b"{}"), at(0))
            .await
            .expect("enqueue");
        let failure = AttemptFailure {
            attempts: 1,
            error: error.to_owned(),
        };
        store.dead_letter(id, failure, at(1)).await.expect("dead");
    });

    let output = dlq(&["list", "--store", &store_arg(&path)]);
    assert_exit(&output, 0);
    let text = stdout(&output);
    assert!(
        text.contains("…tcp connect error: Connection refused (os error 111)"),
        "{text}"
    );
    assert!(!text.contains("error sending request"), "{text}");

    let help = dlq(&["list", "--help"]);
    assert_exit(&help, 0);
    assert!(stdout(&help).contains("dlq show ID"), "{}", stdout(&help));
}

#[test]
fn help_exit_status_per_command() {
    let cases = [
        ("list", "no dead letter matches", "no delivery has that id"),
        ("show", "no delivery has that id", "--id names"),
        (
            "replay",
            "--id names no delivery",
            "no delivery has that id",
        ),
        ("purge", "--id names no delivery", "no delivery has that id"),
    ];
    for (command, expected, foreign) in cases {
        let output = dlq(&[command, "--help"]);
        assert_exit(&output, 0);
        let help = stdout(&output);
        assert!(help.contains("Exit status:"), "{command}:\n{help}");
        assert!(
            help.contains(expected),
            "{command} lacks {expected:?}:\n{help}"
        );
        assert!(
            !help.contains(foreign),
            "{command} has {foreign:?}:\n{help}"
        );
        assert!(!help.contains("`show`"), "{command}:\n{help}");
    }
}

#[test]
fn replay_needs_selection_or_all() {
    let dir = TempDir::new("dlq-replay-all");
    let (path, seeded) = seed(&dir);
    let store = store_arg(&path);

    let refused = dlq(&["replay", "--store", &store]);
    assert_exit(&refused, 2);
    assert!(stderr(&refused).contains("--all"), "{}", stderr(&refused));
    assert_eq!(list_json(&store, &[]).len(), 3, "nothing may be replayed");

    for conflict in [
        vec!["--endpoint", ENDPOINT_A],
        vec!["--event-type", "invoice.paid"],
        vec!["--since", "0"],
        vec!["--until", "0"],
        vec!["--id", "1"],
    ] {
        let mut args = vec!["replay", "--store", &store, "--all"];
        args.extend_from_slice(&conflict);
        let output = dlq(&args);
        assert_exit(&output, 2);
        assert!(
            stderr(&output).contains("cannot be used with"),
            "{conflict:?}: {}",
            stderr(&output)
        );
    }
    assert_eq!(list_json(&store, &[]).len(), 3, "nothing may be replayed");

    let all = dlq(&["replay", "--store", &store, "--all"]);
    assert_exit(&all, 0);
    assert_eq!(stdout(&all), "replayed 3 dead letters\n");
    assert!(list_json(&store, &[]).is_empty());
    let pending = get(&path, seeded.pending_a).expect("row kept");
    assert_eq!(pending.state, DeliveryState::Pending);
}

#[test]
fn replay_by_id() {
    let dir = TempDir::new("dlq-replay-id");
    let (path, seeded) = seed(&dir);
    let store = store_arg(&path);

    let one = seeded.json_b.to_string();
    let output = dlq(&["replay", "--store", &store, "--id", &one]);
    assert_exit(&output, 0);
    assert_eq!(stdout(&output), "replayed 1 dead letter\n");
    let replayed = get(&path, seeded.json_b).expect("row kept");
    assert_eq!(replayed.state, DeliveryState::Pending);
    assert_eq!(
        list_json(&store, &[]),
        vec![seeded.json_a.0, seeded.binary_a.0]
    );

    let (a, bin) = (seeded.json_a.to_string(), seeded.binary_a.to_string());
    let output = dlq(&["replay", "--store", &store, "--id", &a, "--id", &bin]);
    assert_exit(&output, 0);
    assert_eq!(stdout(&output), "replayed 2 dead letters\n");
    assert!(list_json(&store, &[]).is_empty());
}

#[test]
fn id_filter_combines_with_others() {
    let dir = TempDir::new("dlq-id-and-filter");
    let (path, seeded) = seed(&dir);
    let store = store_arg(&path);
    let (a, b) = (seeded.json_a.to_string(), seeded.json_b.to_string());
    let output = dlq(&[
        "purge",
        "--store",
        &store,
        "--id",
        &a,
        "--id",
        &b,
        "--endpoint",
        ENDPOINT_B,
    ]);
    assert_exit(&output, 0);
    assert_eq!(stdout(&output), "purged 1 dead letter\n");
    assert!(get(&path, seeded.json_b).is_none());
    assert!(get(&path, seeded.json_a).is_some());
}

#[test]
fn pending_or_unknown_id_changes_nothing() {
    let dir = TempDir::new("dlq-id-errors");
    let (path, seeded) = seed(&dir);
    let store = store_arg(&path);
    let dead = seeded.json_a.to_string();
    let pending = seeded.pending_a.to_string();

    for command in ["replay", "purge"] {
        let output = dlq(&[command, "--store", &store, "--id", &dead, "--id", &pending]);
        assert_exit(&output, 1);
        let message = stderr(&output);
        assert!(
            message.contains(&format!("delivery {pending} is pending")),
            "{command}: {message}"
        );
        assert!(
            message.contains("nothing was changed"),
            "{command}: {message}"
        );

        let output = dlq(&[command, "--store", &store, "--id", &dead, "--id", "424242"]);
        assert_exit(&output, 1);
        assert!(
            stderr(&output).contains("no delivery has id 424242"),
            "{command}: {}",
            stderr(&output)
        );
    }
    assert_eq!(list_json(&store, &[]).len(), 3, "nothing may change");
    let row = get(&path, seeded.pending_a).expect("row kept");
    assert_eq!(row.state, DeliveryState::Pending);
}

#[test]
fn purge_by_id() {
    let dir = TempDir::new("dlq-purge-id");
    let (path, seeded) = seed(&dir);
    let store = store_arg(&path);
    let bin = seeded.binary_a.to_string();
    let output = dlq(&["purge", "--store", &store, "--id", &bin]);
    assert_exit(&output, 0);
    assert_eq!(stdout(&output), "purged 1 dead letter\n");
    assert!(get(&path, seeded.binary_a).is_none());
    assert_eq!(
        list_json(&store, &[]),
        vec![seeded.json_a.0, seeded.json_b.0]
    );
}

/// A receiver's idempotency file is a SQLite database with other tables.
#[test]
fn other_sqlite_database_unchanged() {
    let dir = TempDir::new("dlq-other-db");
    let path = dir.path.join("app.db");
    runtime().block_on(async {
        let store = SqliteIdempotency::open(&path).await.expect("open store");
        let claim = store
            .claim("msg_1", Duration::from_secs(30), SystemTime::now())
            .await
            .expect("claim");
        assert_eq!(claim, Claim::New);
    });
    let before = std::fs::read(&path).expect("read file");
    let store = store_arg(&path);

    let commands: [&[&str]; 4] = [
        &["list", "--store", &store],
        &["show", "--store", &store, "1"],
        &["replay", "--store", &store, "--all"],
        &["purge", "--store", &store, "--all"],
    ];
    for args in commands {
        let output = dlq(args);
        assert_exit(&output, 2);
        let message = stderr(&output);
        assert!(
            message.contains("not a Hookforge outbox"),
            "{args:?}: {message}"
        );
        assert!(message.contains("app.db"), "{args:?}: {message}");
        assert_eq!(
            std::fs::read(&path).expect("read file"),
            before,
            "{args:?} modified the file"
        );
    }
}

#[test]
fn usage_errors_exit_2() {
    let dir = TempDir::new("dlq-usage");
    let (path, _) = seed(&dir);
    let store = store_arg(&path);
    let missing = dir.path.join("missing.db");
    let missing_store = store_arg(&missing);

    let cases: Vec<(&str, Vec<&str>, &str)> = vec![
        (
            "invalid time",
            vec!["list", "--store", &store, "--since", "yesterday"],
            "invalid time",
        ),
        (
            "unknown store scheme",
            vec!["list", "--store", "mysql://127.0.0.1/x"],
            "invalid --store",
        ),
        (
            "missing SQLite file",
            vec!["list", "--store", &missing_store],
            "no SQLite file",
        ),
        (
            "schema with SQLite",
            vec!["list", "--store", &store, "--schema", "x"],
            "PostgreSQL stores only",
        ),
        (
            "id not a number",
            vec!["show", "--store", &store, "abc"],
            "invalid value",
        ),
        ("missing store", vec!["list"], "--store"),
    ];
    for (name, args, expected) in cases {
        let output = dlq(&args);
        assert_eq!(
            output.status.code(),
            Some(2),
            "case {name}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains(expected),
            "case {name}: stderr lacks {expected:?}:\n{}",
            stderr(&output)
        );
    }
    assert!(
        !missing.exists(),
        "a missing store file must not be created"
    );
}

#[test]
fn corrupt_store_exits_2() {
    let dir = TempDir::new("dlq-corrupt");
    let path = dir.write("outbox.db", vec![0x42; 4096]);
    let output = dlq(&["list", "--store", &store_arg(&path)]);
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("outbox store failed"),
        "{}",
        stderr(&output)
    );
}

/// The PostgreSQL path end to end: seed through the library, list and
/// replay through the binary. Skips (or fails under `CI=true`) without a
/// server at 127.0.0.1:5432.
#[test]
fn postgres_store_list_and_replay() {
    const URL: &str = "postgres://postgres@127.0.0.1:5432/test?connect_timeout=5";
    // A fixed schema, emptied of dead letters first, so reruns leave no
    // schemas behind (this crate has no PostgreSQL client to drop one).
    let schema = "hf_dlq_cli_test";
    let runtime = runtime();
    let store = match runtime.block_on(hookforge::outbox::postgres::PostgresOutbox::connect(
        URL, schema,
    )) {
        Ok(store) => store,
        Err(error) => {
            if std::env::var("CI").is_ok_and(|value| value == "true") {
                panic!("PostgreSQL at 127.0.0.1:5432 is required under CI=true: {error}");
            }
            eprintln!("skipped postgres_store_list_and_replay: {error}");
            return;
        }
    };
    let id = runtime.block_on(async {
        // Clear dead letters left by an earlier run.
        store
            .purge(&DeadLetterFilter::default())
            .await
            .expect("purge");
        let id = store
            .enqueue(message("msg_pg", ENDPOINT_A, "invoice.paid", b"{}"), at(0))
            .await
            .expect("enqueue");
        store
            .dead_letter(
                id,
                AttemptFailure {
                    attempts: 2,
                    error: "HTTP 502".into(),
                },
                at(5),
            )
            .await
            .expect("dead_letter");
        id
    });

    let listed = list_json(URL, &["--schema", schema]);
    assert_eq!(listed, vec![id.0]);

    let output = dlq(&["replay", "--store", URL, "--schema", schema, "--all"]);
    assert_exit(&output, 0);
    assert_eq!(stdout(&output), "replayed 1 dead letter\n");
    let row = runtime
        .block_on(store.get(id))
        .expect("get")
        .expect("row kept");
    assert_eq!(row.state, DeliveryState::Pending);
    runtime.block_on(async {
        store.complete(id).await.expect("complete");
    });
}
