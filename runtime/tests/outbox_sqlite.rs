//! The outbox conformance suite and file-level behaviour of the SQLite
//! backend: several stores on one file, reopening, a crashed writer and
//! schema versions.
#![cfg(feature = "sqlite")]

mod outbox_conformance;

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use hookforge::outbox::sqlite::SqliteOutbox;
use hookforge::outbox::{DeadLetterFilter, DeliveryState, OutboxCounts, OutboxStore, StoreError};
use outbox_conformance::{at, delivery, t0};

/// A folder under the system temp dir, removed when dropped.
struct TempDir {
    path: PathBuf,
}

impl TempDir {
    fn new(name: &str) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let unique = format!(
            "hookforge-outbox-{}-{}-{name}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let path = std::env::temp_dir().join(unique);
        std::fs::create_dir_all(&path).expect("create temp folder");
        TempDir { path }
    }

    fn file(&self) -> PathBuf {
        self.path.join("outbox.db")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

macro_rules! sqlite_cases {
    ($($case:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $case() {
                let dir = TempDir::new(stringify!($case));
                let store = SqliteOutbox::open(dir.file()).expect("open store");
                outbox_conformance::$case(&store).await;
            }
        )*
    };
}

for_each_case!(sqlite_cases);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_claimers_one_store() {
    let dir = TempDir::new("concurrent-one");
    let store = SqliteOutbox::open(dir.file()).expect("open store");
    outbox_conformance::concurrent_claimers_disjoint(&[store]).await;
}

/// Two stores on one file have separate connections, as two processes
/// would, so only SQLite's file locking keeps their claims apart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_claimers_two_stores_one_file() {
    let dir = TempDir::new("concurrent-two");
    let first = SqliteOutbox::open(dir.file()).expect("open first store");
    let second = SqliteOutbox::open(dir.file()).expect("open second store");
    outbox_conformance::concurrent_claimers_disjoint(&[first, second]).await;
}

#[tokio::test]
async fn reopen_keeps_rows() {
    let dir = TempDir::new("reopen");
    let store = SqliteOutbox::open(dir.file()).expect("open store");
    let message = delivery("msg_keep", "http://127.0.0.1:9/a", "a");
    let pending = store.enqueue(message.clone(), t0()).await.expect("enqueue");
    let dead = store
        .enqueue(delivery("msg_dead", "http://127.0.0.1:9/a", "a"), t0())
        .await
        .expect("enqueue");
    store
        .dead_letter(
            dead,
            hookforge::outbox::AttemptFailure {
                attempts: 3,
                error: "HTTP 410".into(),
            },
            at(5),
        )
        .await
        .expect("dead_letter");
    drop(store);

    let reopened = SqliteOutbox::open(dir.file()).expect("reopen store");
    let counts = reopened.counts().await.expect("counts");
    assert_eq!(
        counts,
        OutboxCounts {
            pending: 1,
            dead: 1
        }
    );
    let stored = reopened.get(pending).await.expect("get").expect("row kept");
    assert_eq!(stored.message, message);
    assert_eq!(stored.state, DeliveryState::Pending);
    let claimed = reopened
        .claim_due(t0(), 10, Duration::from_secs(30))
        .await
        .expect("claim");
    assert_eq!(claimed.len(), 1);
}

/// Set for the child process of [`enqueue_survives_process_abort`].
const CRASH_PATH_VARIABLE: &str = "HOOKFORGE_OUTBOX_CRASH_FILE";
const CRASH_ROWS: usize = 5;

/// Runs only as a child of [`enqueue_survives_process_abort`]: enqueues,
/// then aborts the process without closing the store or running any
/// destructor. Without the variable it does nothing.
#[tokio::test]
async fn crash_child_enqueues_then_aborts() {
    let Some(path) = std::env::var_os(CRASH_PATH_VARIABLE) else {
        return;
    };
    let store = SqliteOutbox::open(PathBuf::from(path)).expect("open store");
    for n in 0..CRASH_ROWS {
        let message = delivery(&format!("msg_{n}"), "http://127.0.0.1:9/a", "a");
        store.enqueue(message, t0()).await.expect("enqueue");
    }
    std::process::abort();
}

#[test]
fn enqueue_survives_process_abort() {
    let dir = TempDir::new("abort");
    // The child's output is captured so its test summary does not mix
    // with this binary's.
    let output = Command::new(std::env::current_exe().expect("test binary path"))
        .args(["--exact", "crash_child_enqueues_then_aborts", "--nocapture"])
        .env(CRASH_PATH_VARIABLE, dir.file())
        .output()
        .expect("run child test");
    assert!(
        !output.status.success(),
        "the child should have aborted; its stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );

    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let store = SqliteOutbox::open(dir.file()).expect("reopen after abort");
        let counts = store.counts().await.expect("counts");
        assert_eq!(counts.pending, CRASH_ROWS as u64);
    });
}

#[tokio::test]
async fn forgotten_store_keeps_rows() {
    let dir = TempDir::new("forget");
    let store = SqliteOutbox::open(dir.file()).expect("open store");
    let id = store
        .enqueue(delivery("msg_1", "http://127.0.0.1:9/a", "a"), t0())
        .await
        .expect("enqueue");
    // Never closes the connection or checkpoints the WAL.
    std::mem::forget(store);

    let reopened = SqliteOutbox::open(dir.file()).expect("reopen store");
    assert!(reopened.get(id).await.expect("get").is_some());
}

#[test]
fn open_enables_wal() {
    let dir = TempDir::new("wal");
    let _store = SqliteOutbox::open(dir.file()).expect("open store");
    let connection = rusqlite::Connection::open(dir.file()).expect("open file");
    let mode: String = connection
        .query_row("PRAGMA journal_mode", [], |row| row.get(0))
        .expect("journal mode");
    assert_eq!(mode, "wal");
    let version: i64 = connection
        .query_row("SELECT version FROM outbox_schema", [], |row| row.get(0))
        .expect("schema version");
    assert_eq!(version, 1);
}

#[test]
fn open_rejects_newer_schema() {
    let dir = TempDir::new("newer");
    drop(SqliteOutbox::open(dir.file()).expect("open store"));
    let connection = rusqlite::Connection::open(dir.file()).expect("open file");
    connection
        .execute("UPDATE outbox_schema SET version = 99", [])
        .expect("bump version");
    drop(connection);

    let error = SqliteOutbox::open(dir.file()).expect_err("newer schema must fail");
    let StoreError::Backend(message) = error else {
        panic!("expected a backend error, got {error:?}");
    };
    assert!(message.contains("version 99"), "{message}");
}

#[test]
fn open_rejects_non_database_file() {
    let dir = TempDir::new("garbage");
    std::fs::write(dir.file(), vec![0x42; 8192]).expect("write file");
    let error = SqliteOutbox::open(dir.file()).expect_err("garbage must fail");
    assert!(matches!(error, StoreError::Backend(_)), "{error:?}");
}

#[test]
fn open_reports_missing_folder() {
    let dir = TempDir::new("missing");
    let path = dir.path.join("no-such-folder").join("outbox.db");
    let error = SqliteOutbox::open(&path).expect_err("missing folder must fail");
    let StoreError::Backend(message) = error else {
        panic!("expected a backend error, got {error:?}");
    };
    assert!(message.contains("no-such-folder"), "{message}");
}

#[tokio::test]
async fn open_existing_reads_outbox() {
    let dir = TempDir::new("existing");
    let store = SqliteOutbox::open(dir.file()).expect("open store");
    let id = store
        .enqueue(delivery("msg_1", "http://127.0.0.1:9/a", "a"), t0())
        .await
        .expect("enqueue");
    drop(store);

    let existing = SqliteOutbox::open_existing(dir.file()).expect("open existing");
    assert!(existing.get(id).await.expect("get").is_some());
}

#[test]
fn open_existing_leaves_other_database_unchanged() {
    let dir = TempDir::new("existing-other");
    let connection = rusqlite::Connection::open(dir.file()).expect("open file");
    connection
        .execute_batch("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('x');")
        .expect("create table");
    drop(connection);
    let before = std::fs::read(dir.file()).expect("read file");

    let error = SqliteOutbox::open_existing(dir.file()).expect_err("not an outbox");
    let StoreError::Backend(message) = error else {
        panic!("expected a backend error, got {error:?}");
    };
    assert!(message.contains("not a Hookforge outbox"), "{message}");
    assert!(
        message.contains(&dir.file().display().to_string()),
        "{message}"
    );
    assert_eq!(std::fs::read(dir.file()).expect("read file"), before);
}

#[test]
fn open_existing_leaves_empty_file_empty() {
    let dir = TempDir::new("existing-empty");
    std::fs::write(dir.file(), b"").expect("write file");
    let error = SqliteOutbox::open_existing(dir.file()).expect_err("empty file");
    let StoreError::Backend(message) = error else {
        panic!("expected a backend error, got {error:?}");
    };
    assert!(message.contains("not a Hookforge outbox"), "{message}");
    assert_eq!(std::fs::metadata(dir.file()).expect("metadata").len(), 0);
}

#[test]
fn open_existing_rejects_missing_file() {
    let dir = TempDir::new("existing-missing");
    let error = SqliteOutbox::open_existing(dir.file()).expect_err("missing file");
    assert!(matches!(error, StoreError::Backend(_)), "{error:?}");
    assert!(!dir.file().exists(), "open_existing created the file");
}

#[test]
fn open_existing_rejects_newer_schema() {
    let dir = TempDir::new("existing-newer");
    drop(SqliteOutbox::open(dir.file()).expect("open store"));
    let connection = rusqlite::Connection::open(dir.file()).expect("open file");
    connection
        .execute("UPDATE outbox_schema SET version = 99", [])
        .expect("bump version");
    drop(connection);

    let error = SqliteOutbox::open_existing(dir.file()).expect_err("newer schema must fail");
    let StoreError::Backend(message) = error else {
        panic!("expected a backend error, got {error:?}");
    };
    assert!(message.contains("version 99"), "{message}");
    assert!(message.contains("upgrade hookforge"), "{message}");
}

#[tokio::test]
async fn replay_after_reopen_keeps_binary_body() {
    let dir = TempDir::new("replay-reopen");
    let mut message = delivery("msg_bin", "http://127.0.0.1:9/a", "a");
    message.body = (0..=255).collect();
    {
        let store = SqliteOutbox::open(dir.file()).expect("open store");
        let id = store.enqueue(message.clone(), t0()).await.expect("enqueue");
        store
            .dead_letter(
                id,
                hookforge::outbox::AttemptFailure {
                    attempts: 1,
                    error: "x".into(),
                },
                at(1),
            )
            .await
            .expect("dead_letter");
    }
    let store = SqliteOutbox::open(dir.file()).expect("reopen store");
    let replayed = store
        .replay(&DeadLetterFilter::default(), at(2))
        .await
        .expect("replay");
    assert_eq!(replayed, 1);
    let claimed = store
        .claim_due(at(2), 1, Duration::from_secs(1))
        .await
        .expect("claim");
    assert_eq!(claimed[0].message.body, message.body);
}
