//! `SqliteIdempotency::complete_with`: a handler's effect and the done
//! marker commit together or not at all.
#![cfg(feature = "sqlite")]

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use hookforge::idempotency::sqlite::SqliteIdempotency;
use hookforge::idempotency::{Claim, IdempotencyError, IdempotencyStore, StoredResponse};

const LEASE: Duration = Duration::from_secs(30);
const TTL: Duration = Duration::from_secs(3600);

fn response() -> StoredResponse {
    StoredResponse {
        status: 204,
        body: Vec::new(),
    }
}

async fn store_in(folder: &TempFolder) -> SqliteIdempotency {
    let store = SqliteIdempotency::open(folder.0.join("receiver.sqlite3"))
        .await
        .expect("open");
    store
        .execute_batch("CREATE TABLE IF NOT EXISTS effects (key TEXT NOT NULL)")
        .await
        .expect("create table");
    store
}

fn effect_rows(folder: &TempFolder) -> i64 {
    let connection = rusqlite::Connection::open(folder.0.join("receiver.sqlite3")).expect("open");
    connection
        .query_row("SELECT COUNT(*) FROM effects", [], |row| row.get(0))
        .expect("count")
}

fn insert_effect(
    key: &'static str,
) -> impl FnOnce(&rusqlite::Transaction<'_>) -> rusqlite::Result<()> + Send + 'static {
    move |transaction| {
        transaction.execute("INSERT INTO effects (key) VALUES (?1)", [key])?;
        Ok(())
    }
}

#[tokio::test]
async fn effect_and_done_commit_together() {
    let folder = TempFolder::new("commit");
    let store = store_in(&folder).await;
    let now = SystemTime::now();
    assert_eq!(
        store.claim("msg_1", LEASE, now).await.expect("claim"),
        Claim::New
    );

    store
        .complete_with("msg_1", response(), TTL, now, insert_effect("msg_1"))
        .await
        .expect("complete");

    assert_eq!(effect_rows(&folder), 1);
    let again = store.claim("msg_1", LEASE, now).await.expect("claim");
    assert_eq!(again, Claim::Done(response()));
}

#[tokio::test]
async fn failed_effect_rolls_back() {
    let folder = TempFolder::new("rollback");
    let store = store_in(&folder).await;
    let now = SystemTime::now();
    assert_eq!(
        store.claim("msg_1", LEASE, now).await.expect("claim"),
        Claim::New
    );

    let error = store
        .complete_with("msg_1", response(), TTL, now, |transaction| {
            transaction.execute("INSERT INTO effects (key) VALUES ('msg_1')", [])?;
            transaction.execute("INSERT INTO no_such_table VALUES (1)", [])?;
            Ok(())
        })
        .await
        .expect_err("the effect fails");
    assert!(
        matches!(error, IdempotencyError::EffectFailed { .. }),
        "{error}"
    );
    assert_eq!(
        effect_rows(&folder),
        0,
        "the first insert must be rolled back"
    );
    let state = store.claim("msg_1", LEASE, now).await.expect("claim");
    assert_eq!(state, Claim::InProgress, "the claim stays in progress");
}

#[tokio::test]
async fn done_key_skips_effect() {
    let folder = TempFolder::new("done");
    let store = store_in(&folder).await;
    let now = SystemTime::now();
    store.claim("msg_1", LEASE, now).await.expect("claim");
    store
        .complete_with("msg_1", response(), TTL, now, insert_effect("msg_1"))
        .await
        .expect("complete");

    let error = store
        .complete_with("msg_1", response(), TTL, now, insert_effect("msg_1"))
        .await
        .expect_err("already done");
    assert!(
        matches!(error, IdempotencyError::AlreadyDone { .. }),
        "{error}"
    );
    assert_eq!(effect_rows(&folder), 1, "the effect must not run twice");
}

#[tokio::test]
async fn rival_claim_blocks_effect() {
    let folder = TempFolder::new("rival");
    let ours = store_in(&folder).await;
    let rival = store_in(&folder).await;
    let now = SystemTime::now();
    assert_eq!(
        rival.claim("msg_1", LEASE, now).await.expect("claim"),
        Claim::New
    );

    let error = ours
        .complete_with("msg_1", response(), TTL, now, insert_effect("msg_1"))
        .await
        .expect_err("another instance holds the claim");
    assert!(
        matches!(error, IdempotencyError::ClaimLost { .. }),
        "{error}"
    );
    assert_eq!(effect_rows(&folder), 0);
}

/// A folder under the system temp folder, removed on drop.
struct TempFolder(PathBuf);

impl TempFolder {
    fn new(label: &str) -> Self {
        let path =
            std::env::temp_dir().join(format!("hookforge-effect-{label}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create temp folder");
        Self(path)
    }
}

impl Drop for TempFolder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
