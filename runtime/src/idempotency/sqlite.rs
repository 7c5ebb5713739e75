//! An idempotency store in one SQLite table.
//!
//! Each row is one webhook id:
//!
//! | column       | meaning |
//! |--------------|---------|
//! | `key`        | the webhook id (primary key) |
//! | `owner`      | the owner token of the store instance that claimed the key |
//! | `status`     | the stored HTTP status, or `NULL` while the claim is in progress |
//! | `body`       | the stored response body, or `NULL` while in progress |
//! | `expires_at` | Unix milliseconds after which the row no longer counts |
//!
//! Every claim and completion runs in a `BEGIN IMMEDIATE` transaction, which
//! takes the database's write lock first, so two store instances on the same
//! file never both see a key as free. A claim also deletes up to
//! [`PRUNE_BATCH`] expired rows. That is more than the one row it adds, so
//! while claims keep arriving, expired rows are deleted faster than new
//! rows appear.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

/// The rusqlite version whose `Transaction` [`SqliteIdempotency::complete_with`]
/// effects receive.
pub use rusqlite;

use super::{
    duration_millis, new_owner_token, unix_millis, Claim, IdempotencyError, IdempotencyStore,
    StoredResponse,
};

/// The table name that [`SqliteIdempotency::open`] uses.
pub const DEFAULT_TABLE: &str = "hookforge_idempotency";

/// The maximum number of expired rows one claim deletes.
pub const PRUNE_BATCH: u32 = 100;

/// How long a statement waits for another connection's write lock before it
/// fails with [`IdempotencyError::Backend`].
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// An [`IdempotencyStore`] in a SQLite file, shared by the processes on one
/// host that open the same file.
///
/// Calls run on tokio's blocking thread pool, one at a time per instance.
/// The owner token of each instance is explained in the
/// [module documentation of `idempotency`](super#who-holds-a-claim).
///
/// # Example
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use std::time::{Duration, SystemTime};
/// use hookforge::idempotency::sqlite::SqliteIdempotency;
/// use hookforge::idempotency::{Claim, IdempotencyStore};
///
/// let folder = std::env::temp_dir().join(format!("hookforge-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&folder)?;
/// let store = SqliteIdempotency::open(folder.join("receiver.sqlite3")).await?;
///
/// let now = SystemTime::now();
/// let lease = Duration::from_secs(30);
/// assert_eq!(store.claim("msg_1", lease, now).await?, Claim::New);
/// assert_eq!(store.claim("msg_1", lease, now).await?, Claim::InProgress);
/// store.release("msg_1").await?;
/// assert_eq!(store.claim("msg_1", lease, now).await?, Claim::New);
/// # let _ = std::fs::remove_dir_all(&folder);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct SqliteIdempotency {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    connection: Mutex<Connection>,
    owner: String,
    sql: Statements,
}

impl SqliteIdempotency {
    /// Opens or creates the SQLite file at `path` and its
    /// [`DEFAULT_TABLE`].
    ///
    /// # Errors
    ///
    /// [`IdempotencyError::Backend`] when the file cannot be opened or the
    /// table cannot be created.
    pub async fn open(path: impl AsRef<Path>) -> Result<Self, IdempotencyError> {
        Self::open_with_table(path, DEFAULT_TABLE).await
    }

    /// Opens or creates the SQLite file at `path` and the table `table`.
    ///
    /// # Errors
    ///
    /// [`IdempotencyError::Backend`] when `table` is not made of ASCII
    /// letters, digits and underscores (starting with a letter or
    /// underscore), or when the file cannot be opened or the table cannot be
    /// created.
    pub async fn open_with_table(
        path: impl AsRef<Path>,
        table: &str,
    ) -> Result<Self, IdempotencyError> {
        check_table_name(table)?;
        let path: PathBuf = path.as_ref().to_owned();
        let table = table.to_owned();
        run_blocking(move || {
            let connection = Connection::open(&path).map_err(|error| {
                IdempotencyError::Backend(format!(
                    "failed to open SQLite file {}: {error}",
                    path.display()
                ))
            })?;
            Self::from_connection(connection, &table)
        })
        .await
    }

    /// Wraps an open connection, creating `table` in it when missing.
    ///
    /// This runs blocking SQLite calls on the current thread. It sets the
    /// connection's busy timeout to [`BUSY_TIMEOUT`] and, for a file,
    /// switches the journal to write-ahead logging so readers do not block
    /// the writer.
    ///
    /// # Errors
    ///
    /// As for [`open_with_table`](Self::open_with_table).
    pub fn from_connection(connection: Connection, table: &str) -> Result<Self, IdempotencyError> {
        check_table_name(table)?;
        connection.busy_timeout(BUSY_TIMEOUT).map_err(backend)?;
        // An in-memory database answers "memory" and keeps its journal.
        let _mode: String = connection
            .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
            .map_err(backend)?;

        let sql = Statements::new(table);
        connection.execute_batch(&sql.create).map_err(backend)?;
        Ok(Self {
            shared: Arc::new(Shared {
                connection: Mutex::new(connection),
                owner: new_owner_token(),
                sql,
            }),
        })
    }

    /// Applies `effect` and marks `key` done with `response` in one SQLite
    /// transaction, so a crash at any instant leaves both or neither.
    ///
    /// A handler whose side effects live in this SQLite file gets each
    /// webhook id processed exactly once this way. With a separate
    /// [`complete`](IdempotencyStore::complete), a crash between the effect
    /// and the completion leaves the claim in progress, and once its lease
    /// runs out a retry runs the handler again. Create the effect's tables
    /// with [`execute_batch`](Self::execute_batch).
    ///
    /// # Errors
    ///
    /// - [`IdempotencyError::AlreadyDone`] when a response is stored for
    ///   `key` already; `effect` did not run.
    /// - [`IdempotencyError::ClaimLost`] when another instance holds a live
    ///   claim on `key`; `effect` did not run.
    /// - [`IdempotencyError::EffectFailed`] when `effect` returned an error;
    ///   nothing was written and the claim stays in progress.
    /// - [`IdempotencyError::Backend`] when SQLite fails.
    ///
    /// # Example
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use std::time::{Duration, SystemTime};
    /// use hookforge::idempotency::sqlite::SqliteIdempotency;
    /// use hookforge::idempotency::{Claim, IdempotencyStore, StoredResponse};
    ///
    /// let folder = std::env::temp_dir().join(format!("hookforge-doc-effect-{}", std::process::id()));
    /// std::fs::create_dir_all(&folder)?;
    /// let store = SqliteIdempotency::open(folder.join("receiver.sqlite3")).await?;
    /// store.execute_batch("CREATE TABLE IF NOT EXISTS payments (id TEXT, amount INTEGER)").await?;
    ///
    /// let now = SystemTime::now();
    /// assert_eq!(store.claim("msg_1", Duration::from_secs(30), now).await?, Claim::New);
    /// let response = StoredResponse { status: 204, body: Vec::new() };
    /// let ttl = Duration::from_secs(24 * 60 * 60);
    /// store
    ///     .complete_with("msg_1", response, ttl, now, |transaction| {
    ///         transaction.execute("INSERT INTO payments VALUES ('pay_1', 500)", [])?;
    ///         Ok(())
    ///     })
    ///     .await?;
    /// assert!(matches!(store.claim("msg_1", Duration::from_secs(30), now).await?, Claim::Done(_)));
    /// # let _ = std::fs::remove_dir_all(&folder);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn complete_with<T, F>(
        &self,
        key: &str,
        response: StoredResponse,
        ttl: Duration,
        now: SystemTime,
        effect: F,
    ) -> Result<T, IdempotencyError>
    where
        T: Send + 'static,
        F: FnOnce(&rusqlite::Transaction<'_>) -> rusqlite::Result<T> + Send + 'static,
    {
        let key = key.to_owned();
        let now_ms = unix_millis(now);
        let expires_at = now_ms.saturating_add(duration_millis(ttl));
        self.with_connection(move |connection, shared| {
            let transaction = connection
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(backend)?;
            match check_claim(&transaction, shared, &key, now_ms)? {
                ClaimCheck::Done => return Err(IdempotencyError::AlreadyDone { key }),
                ClaimCheck::Ours => {}
            }
            let value = effect(&transaction).map_err(|error| IdempotencyError::EffectFailed {
                key: key.clone(),
                reason: error.to_string(),
            })?;
            write_response(&transaction, shared, &key, &response, expires_at)?;
            transaction.commit().map_err(backend)?;
            Ok(value)
        })
        .await
    }

    /// Runs semicolon-separated SQL statements on this store's connection,
    /// for example to create the tables that
    /// [`complete_with`](Self::complete_with) effects write to.
    ///
    /// # Errors
    ///
    /// [`IdempotencyError::Backend`] when a statement fails.
    pub async fn execute_batch(&self, sql: &str) -> Result<(), IdempotencyError> {
        let sql = sql.to_owned();
        self.with_connection(move |connection, _| connection.execute_batch(&sql).map_err(backend))
            .await
    }

    /// Runs `work` with this instance's connection on the blocking pool.
    async fn with_connection<T, F>(&self, work: F) -> Result<T, IdempotencyError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection, &Shared) -> Result<T, IdempotencyError> + Send + 'static,
    {
        let shared = Arc::clone(&self.shared);
        run_blocking(move || {
            // A panic inside rusqlite leaves no open transaction behind,
            // because `Transaction` rolls back on drop, so the connection
            // behind a poisoned lock is still usable.
            let mut connection = shared
                .connection
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            work(&mut connection, &shared)
        })
        .await
    }
}

impl IdempotencyStore for SqliteIdempotency {
    fn claim(
        &self,
        key: &str,
        lease: Duration,
        now: SystemTime,
    ) -> impl Future<Output = Result<Claim, IdempotencyError>> + Send {
        let key = key.to_owned();
        let now_ms = unix_millis(now);
        let expires_at = now_ms.saturating_add(duration_millis(lease));
        self.with_connection(move |connection, shared| {
            claim_in(connection, shared, &key, expires_at, now_ms)
        })
    }

    fn complete(
        &self,
        key: &str,
        response: StoredResponse,
        ttl: Duration,
        now: SystemTime,
    ) -> impl Future<Output = Result<(), IdempotencyError>> + Send {
        let key = key.to_owned();
        let now_ms = unix_millis(now);
        let expires_at = now_ms.saturating_add(duration_millis(ttl));
        self.with_connection(move |connection, shared| {
            complete_in(connection, shared, &key, &response, expires_at, now_ms)
        })
    }

    fn release(&self, key: &str) -> impl Future<Output = Result<(), IdempotencyError>> + Send {
        let key = key.to_owned();
        self.with_connection(move |connection, shared| {
            connection
                .prepare_cached(&shared.sql.release)
                .and_then(|mut statement| statement.execute(params![key, shared.owner]))
                .map_err(backend)?;
            Ok(())
        })
    }
}

fn claim_in(
    connection: &mut Connection,
    shared: &Shared,
    key: &str,
    expires_at: i64,
    now_ms: i64,
) -> Result<Claim, IdempotencyError> {
    let transaction = connection
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(backend)?;

    transaction
        .prepare_cached(&shared.sql.prune)
        .and_then(|mut statement| statement.execute(params![now_ms, PRUNE_BATCH]))
        .map_err(backend)?;

    let inserted = transaction
        .prepare_cached(&shared.sql.claim)
        .and_then(|mut statement| statement.execute(params![key, shared.owner, expires_at, now_ms]))
        .map_err(backend)?;

    let claim = if inserted == 1 {
        Claim::New
    } else {
        // The upsert skipped a live row; the transaction keeps it live.
        let row = select_row(&transaction, shared, key)?;
        match row {
            Some(Row {
                status: Some(status),
                body,
                ..
            }) => Claim::Done(stored_response(key, status, body)?),
            Some(Row { status: None, .. }) => Claim::InProgress,
            None => {
                return Err(IdempotencyError::Backend(format!(
                    "the row for {key:?} vanished inside a write transaction"
                )))
            }
        }
    };
    transaction.commit().map_err(backend)?;
    Ok(claim)
}

fn complete_in(
    connection: &mut Connection,
    shared: &Shared,
    key: &str,
    response: &StoredResponse,
    expires_at: i64,
    now_ms: i64,
) -> Result<(), IdempotencyError> {
    let transaction = connection
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(backend)?;
    match check_claim(&transaction, shared, key, now_ms)? {
        // The first stored response stays, so every duplicate gets the same one.
        ClaimCheck::Done => return Ok(()),
        ClaimCheck::Ours => {}
    }
    write_response(&transaction, shared, key, response, expires_at)?;
    transaction.commit().map_err(backend)
}

/// Whether this instance may store a response for a key.
enum ClaimCheck {
    /// This instance holds the claim, or no live row exists.
    Ours,
    /// A live row already holds a response.
    Done,
}

/// Checks the live row of `key` inside a write transaction. Another
/// instance's live claim is [`IdempotencyError::ClaimLost`].
fn check_claim(
    transaction: &Connection,
    shared: &Shared,
    key: &str,
    now_ms: i64,
) -> Result<ClaimCheck, IdempotencyError> {
    let live_row = select_row(transaction, shared, key)?.filter(|row| row.expires_at > now_ms);
    match live_row {
        Some(Row {
            status: Some(_), ..
        }) => Ok(ClaimCheck::Done),
        Some(Row { owner, .. }) if owner != shared.owner => Err(IdempotencyError::ClaimLost {
            key: key.to_owned(),
        }),
        // Our own claim, or no live row: the handler ran, so store its response.
        _ => Ok(ClaimCheck::Ours),
    }
}

fn write_response(
    transaction: &Connection,
    shared: &Shared,
    key: &str,
    response: &StoredResponse,
    expires_at: i64,
) -> Result<(), IdempotencyError> {
    transaction
        .prepare_cached(&shared.sql.complete)
        .and_then(|mut statement| {
            statement.execute(params![
                key,
                shared.owner,
                response.status,
                response.body,
                expires_at
            ])
        })
        .map_err(backend)?;
    Ok(())
}

struct Row {
    owner: String,
    status: Option<i64>,
    body: Option<Vec<u8>>,
    expires_at: i64,
}

fn select_row(
    connection: &Connection,
    shared: &Shared,
    key: &str,
) -> Result<Option<Row>, IdempotencyError> {
    connection
        .prepare_cached(&shared.sql.select)
        .and_then(|mut statement| {
            statement
                .query_row(params![key], |row| {
                    Ok(Row {
                        owner: row.get(0)?,
                        status: row.get(1)?,
                        body: row.get(2)?,
                        expires_at: row.get(3)?,
                    })
                })
                .optional()
        })
        .map_err(backend)
}

fn stored_response(
    key: &str,
    status: i64,
    body: Option<Vec<u8>>,
) -> Result<StoredResponse, IdempotencyError> {
    let status = u16::try_from(status).map_err(|_| IdempotencyError::Corrupt {
        key: key.to_owned(),
        reason: format!("status {status} is not an HTTP status code"),
    })?;
    Ok(StoredResponse {
        status,
        body: body.unwrap_or_default(),
    })
}

/// The SQL text for one table, built once because the table name cannot be
/// a bound parameter.
#[derive(Debug)]
struct Statements {
    create: String,
    prune: String,
    claim: String,
    select: String,
    complete: String,
    release: String,
}

impl Statements {
    /// Builds the statements for `table`, which `check_table_name` accepted.
    fn new(table: &str) -> Self {
        Self {
            create: format!(
                "CREATE TABLE IF NOT EXISTS \"{table}\" (
                     key TEXT PRIMARY KEY NOT NULL,
                     owner TEXT NOT NULL,
                     status INTEGER,
                     body BLOB,
                     expires_at INTEGER NOT NULL
                 );
                 CREATE INDEX IF NOT EXISTS \"{table}_expires_at\" ON \"{table}\" (expires_at);"
            ),
            prune: format!(
                "DELETE FROM \"{table}\" WHERE key IN
                     (SELECT key FROM \"{table}\" WHERE expires_at <= ?1 LIMIT ?2)"
            ),
            // Takes the key when no row exists or the row has expired, and
            // changes nothing otherwise: one changed row means a new claim.
            claim: format!(
                "INSERT INTO \"{table}\" (key, owner, status, body, expires_at)
                 VALUES (?1, ?2, NULL, NULL, ?3)
                 ON CONFLICT (key) DO UPDATE SET
                     owner = excluded.owner, status = NULL, body = NULL,
                     expires_at = excluded.expires_at
                 WHERE \"{table}\".expires_at <= ?4"
            ),
            select: format!(
                "SELECT owner, status, body, expires_at FROM \"{table}\" WHERE key = ?1"
            ),
            complete: format!(
                "INSERT OR REPLACE INTO \"{table}\" (key, owner, status, body, expires_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)"
            ),
            release: format!(
                "DELETE FROM \"{table}\" WHERE key = ?1 AND owner = ?2 AND status IS NULL"
            ),
        }
    }
}

/// Accepts SQL identifiers that need no escaping, so the table name can be
/// formatted into statements.
fn check_table_name(table: &str) -> Result<(), IdempotencyError> {
    let mut chars = table.chars();
    let starts_well = chars
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == '_');
    if starts_well && chars.all(|c| c.is_ascii_alphanumeric() || c == '_') {
        Ok(())
    } else {
        Err(IdempotencyError::Backend(format!(
            "invalid SQLite table name {table:?}: use ASCII letters, digits and underscores, \
             starting with a letter or underscore"
        )))
    }
}

fn backend(error: rusqlite::Error) -> IdempotencyError {
    IdempotencyError::Backend(format!("SQLite failed: {error}"))
}

async fn run_blocking<T, F>(work: F) -> Result<T, IdempotencyError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, IdempotencyError> + Send + 'static,
{
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|error| IdempotencyError::Backend(format!("SQLite task failed: {error}")))?
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ms: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_millis(ms)
    }

    fn count_rows(store: &SqliteIdempotency) -> i64 {
        let connection = store
            .shared
            .connection
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        connection
            .query_row(
                &format!("SELECT count(*) FROM \"{DEFAULT_TABLE}\""),
                [],
                |row| row.get(0),
            )
            .unwrap_or(-1)
    }

    #[tokio::test]
    async fn claim_prunes_expired_rows_in_batches() -> Result<(), IdempotencyError> {
        let connection = Connection::open_in_memory().map_err(backend)?;
        let store = SqliteIdempotency::from_connection(connection, DEFAULT_TABLE)?;
        let lease = Duration::from_millis(10);
        let total = PRUNE_BATCH + 50;
        for index in 0..total {
            store.claim(&format!("old-{index}"), lease, at(0)).await?;
        }
        assert_eq!(count_rows(&store), i64::from(total));

        // All rows expired at 10 ms. One claim deletes one batch and adds itself.
        store.claim("fresh-1", lease, at(1_000)).await?;
        assert_eq!(count_rows(&store), i64::from(total - PRUNE_BATCH + 1));
        store.claim("fresh-2", lease, at(1_000)).await?;
        assert_eq!(count_rows(&store), 2);
        Ok(())
    }

    #[test]
    fn table_names_are_checked() {
        for good in ["hookforge_idempotency", "_t", "T2"] {
            assert!(check_table_name(good).is_ok(), "{good}");
        }
        for bad in ["", "2t", "a-b", "a\"b", "a b", "tä"] {
            assert!(check_table_name(bad).is_err(), "{bad}");
        }
    }

    #[tokio::test]
    async fn status_out_of_range_is_corrupt() -> Result<(), IdempotencyError> {
        let connection = Connection::open_in_memory().map_err(backend)?;
        let store = SqliteIdempotency::from_connection(connection, DEFAULT_TABLE)?;
        {
            let connection = store
                .shared
                .connection
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            connection
                .execute(
                    &format!(
                        "INSERT INTO \"{DEFAULT_TABLE}\" VALUES ('k', 'someone', 70000, x'', 9999999999999)"
                    ),
                    [],
                )
                .map_err(backend)?;
        }
        let result = store.claim("k", Duration::from_secs(1), at(0)).await;
        assert!(
            matches!(result, Err(IdempotencyError::Corrupt { .. })),
            "{result:?}"
        );
        Ok(())
    }
}
