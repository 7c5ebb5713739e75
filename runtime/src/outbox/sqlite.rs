//! The embedded outbox: one SQLite file, nothing to run.
//!
//! # Durability
//!
//! The file runs in WAL mode with `synchronous = FULL`, so every commit
//! syncs the write-ahead log before [`OutboxStore::enqueue`] returns. A
//! delivery that was enqueued survives a crash of the process and, as far
//! as the disk honours `fsync`, a power loss or an operating-system crash.
//! `synchronous = NORMAL` would be enough for a process crash alone, but can
//! drop the last commits on power loss, which an outbox exists to prevent.
//!
//! # Concurrency
//!
//! rusqlite is blocking, so every call runs on Tokio's blocking thread pool
//! with the connection behind a mutex. Writes start with `BEGIN IMMEDIATE`,
//! which takes SQLite's single write lock up front, so two stores on the
//! same file (in one process or several) never claim the same row. A writer
//! that finds the lock taken waits up to [`BUSY_TIMEOUT`] and then fails
//! with [`StoreError::Backend`].
//!
//! Times are stored as integer Unix milliseconds.

use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use rusqlite::types::Value;
use rusqlite::{
    params, params_from_iter, Connection, OpenFlags, OptionalExtension, TransactionBehavior,
};

use super::codec::{
    dead_filter_sql, encode_headers, lease_end_millis, to_millis, FilterParam, RawRow, STATE_DEAD,
    STATE_PENDING,
};
use super::{
    AttemptFailure, DeadLetterFilter, Delivery, DeliveryId, NewDelivery, OutboxCounts, OutboxStore,
    StoreError,
};

mod schema;

/// How long a write waits for another connection's write lock before it
/// fails.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The columns [`RawRow`] reads, in its order.
const COLUMNS: &str = "id, webhook_id, endpoint, event_type, headers, body, state, attempts, \
                       last_error, created_at, next_attempt_at, dead_at";

/// An [`OutboxStore`] in one SQLite file.
///
/// Cloning is cheap and shares the connection.
///
/// # Example
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use hookforge::outbox::{sqlite::SqliteOutbox, NewDelivery, OutboxStore};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let dir = std::env::temp_dir().join(format!("hookforge-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let store = SqliteOutbox::open(dir.join("outbox.db"))?;
///
/// let runtime = tokio::runtime::Builder::new_current_thread().build()?;
/// runtime.block_on(async {
///     let now = SystemTime::now();
///     let delivery = NewDelivery {
///         webhook_id: "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W".into(),
///         endpoint: "http://127.0.0.1:8080/hooks".into(),
///         event_type: "invoice.paid".into(),
///         headers: vec![("content-type".into(), "application/json".into())],
///         body: br#"{"id":1}"#.to_vec(),
///     };
///     let id = store.enqueue(delivery, now).await?;
///
///     let claimed = store.claim_due(now, 10, Duration::from_secs(30)).await?;
///     assert_eq!(claimed[0].id, id);
///     store.complete(id).await?;
///     Ok::<_, hookforge::outbox::StoreError>(())
/// })?;
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct SqliteOutbox {
    connection: Arc<Mutex<Connection>>,
}

impl SqliteOutbox {
    /// Opens the outbox in the SQLite file at `path`, creating the file and
    /// its tables when missing and migrating an older schema.
    ///
    /// This call blocks on file I/O; call it before the runtime starts or
    /// inside `spawn_blocking`.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] when the file cannot be opened or is not a
    /// SQLite database, when WAL mode cannot be enabled, or when the file
    /// was written by a newer version with a schema this one does not know.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let path = path.as_ref();
        let mut connection = Connection::open(path).map_err(|error| open_failed(path, error))?;
        configure(&connection, path)?;
        schema::migrate(&mut connection)?;
        Ok(Self::from_connection(connection))
    }

    /// Opens an outbox that already exists in the SQLite file at `path`,
    /// without creating the file, its tables or a migration.
    ///
    /// Tools that inspect a sender's queue, such as `hookforge dlq`, use
    /// this so that a mistyped path or another application's database is
    /// reported, not turned into an empty outbox. The schema is checked
    /// before anything is written. An outbox file is already in WAL mode,
    /// so enabling WAL mode afterwards changes nothing in it.
    ///
    /// This call blocks on file I/O, like [`open`](Self::open).
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] when the file does not exist, cannot be
    /// opened or is not a SQLite database, when it has no outbox tables
    /// (the message names the file), when its schema is older or newer
    /// than this build's, or when WAL mode cannot be enabled.
    ///
    /// # Example
    ///
    /// ```
    /// use hookforge::outbox::{sqlite::SqliteOutbox, StoreError};
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let dir = std::env::temp_dir().join(format!("hookforge-doc-existing-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir)?;
    /// let other = dir.join("other.db");
    /// std::fs::write(&other, b"")?;
    ///
    /// let error = SqliteOutbox::open_existing(&other).expect_err("no outbox tables");
    /// assert!(matches!(error, StoreError::Backend(_)));
    /// assert_eq!(std::fs::metadata(&other)?.len(), 0);
    ///
    /// SqliteOutbox::open(dir.join("outbox.db"))?;
    /// SqliteOutbox::open_existing(dir.join("outbox.db"))?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn open_existing(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let path = path.as_ref();
        let flags = OpenFlags::default().difference(OpenFlags::SQLITE_OPEN_CREATE);
        let connection =
            Connection::open_with_flags(path, flags).map_err(|error| open_failed(path, error))?;
        connection.busy_timeout(BUSY_TIMEOUT).map_err(backend)?;
        schema::verify(&connection, path)?;
        configure(&connection, path)?;
        Ok(Self::from_connection(connection))
    }

    fn from_connection(connection: Connection) -> Self {
        Self {
            connection: Arc::new(Mutex::new(connection)),
        }
    }

    /// Runs `job` with the connection on the blocking thread pool.
    async fn run<T, F>(&self, job: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let connection = Arc::clone(&self.connection);
        tokio::task::spawn_blocking(move || {
            // A panic inside a job unwinds through rusqlite's `Transaction`,
            // whose drop rolls back, so a poisoned connection is still sound.
            let mut guard = connection.lock().unwrap_or_else(PoisonError::into_inner);
            job(&mut guard)
        })
        .await
        .map_err(|error| StoreError::Backend(format!("SQLite task failed: {error}")))?
    }

    /// Runs `job` inside a `BEGIN IMMEDIATE` transaction and commits it.
    async fn write<T, F>(&self, job: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&rusqlite::Transaction<'_>) -> Result<T, StoreError> + Send + 'static,
    {
        self.run(move |connection| {
            let transaction = connection
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(backend)?;
            let value = job(&transaction)?;
            transaction.commit().map_err(backend)?;
            Ok(value)
        })
        .await
    }
}

impl OutboxStore for SqliteOutbox {
    async fn enqueue(
        &self,
        delivery: NewDelivery,
        now: SystemTime,
    ) -> Result<DeliveryId, StoreError> {
        let now = to_millis(now);
        self.write(move |transaction| {
            transaction
                .execute(
                    "INSERT INTO outbox_deliveries (webhook_id, endpoint, event_type, headers, \
                     body, state, attempts, created_at, next_attempt_at, lease_until) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7, ?7, 0)",
                    params![
                        delivery.webhook_id,
                        delivery.endpoint,
                        delivery.event_type,
                        encode_headers(&delivery.headers),
                        delivery.body,
                        STATE_PENDING,
                        now,
                    ],
                )
                .map_err(backend)?;
            Ok(DeliveryId(transaction.last_insert_rowid()))
        })
        .await
    }

    async fn claim_due(
        &self,
        now: SystemTime,
        limit: u32,
        lease: Duration,
    ) -> Result<Vec<Delivery>, StoreError> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let lease_end = lease_end_millis(now, lease);
        let now = to_millis(now);
        let rows = self
            .write(move |transaction| {
                let sql = format!(
                    "UPDATE outbox_deliveries SET lease_until = ?1 WHERE id IN (\
                     SELECT id FROM outbox_deliveries \
                     WHERE state = ?2 AND next_attempt_at <= ?3 AND lease_until <= ?3 \
                     ORDER BY id LIMIT ?4) RETURNING {COLUMNS}"
                );
                let mut statement = transaction.prepare(&sql).map_err(backend)?;
                let rows = statement
                    .query_map(params![lease_end, STATE_PENDING, now, limit], raw_row)
                    .map_err(backend)?
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(backend)?;
                Ok(rows)
            })
            .await?;
        let mut claimed = rows
            .into_iter()
            .map(RawRow::decode)
            .collect::<Result<Vec<_>, _>>()?;
        // `RETURNING` yields rows in no promised order.
        claimed.sort_by_key(|delivery| delivery.id);
        Ok(claimed)
    }

    async fn complete(&self, id: DeliveryId) -> Result<(), StoreError> {
        self.write(move |transaction| {
            let deleted = transaction
                .execute(
                    "DELETE FROM outbox_deliveries WHERE id = ?1 AND state = ?2",
                    params![id.0, STATE_PENDING],
                )
                .map_err(backend)?;
            found(deleted, id)
        })
        .await
    }

    async fn retry_later(
        &self,
        id: DeliveryId,
        failure: AttemptFailure,
        retry_at: SystemTime,
    ) -> Result<(), StoreError> {
        let retry_at = to_millis(retry_at);
        self.write(move |transaction| {
            let updated = transaction
                .execute(
                    "UPDATE outbox_deliveries SET attempts = ?1, last_error = ?2, \
                     next_attempt_at = ?3, lease_until = 0 WHERE id = ?4 AND state = ?5",
                    params![
                        failure.attempts,
                        failure.error,
                        retry_at,
                        id.0,
                        STATE_PENDING
                    ],
                )
                .map_err(backend)?;
            found(updated, id)
        })
        .await
    }

    async fn dead_letter(
        &self,
        id: DeliveryId,
        failure: AttemptFailure,
        now: SystemTime,
    ) -> Result<(), StoreError> {
        let now = to_millis(now);
        self.write(move |transaction| {
            let updated = transaction
                .execute(
                    "UPDATE outbox_deliveries SET state = ?1, attempts = ?2, last_error = ?3, \
                     dead_at = ?4, lease_until = 0 WHERE id = ?5 AND state = ?6",
                    params![
                        STATE_DEAD,
                        failure.attempts,
                        failure.error,
                        now,
                        id.0,
                        STATE_PENDING
                    ],
                )
                .map_err(backend)?;
            found(updated, id)
        })
        .await
    }

    async fn list_dead(&self, filter: &DeadLetterFilter) -> Result<Vec<Delivery>, StoreError> {
        let filter = filter.clone();
        let rows = self
            .run(move |connection| {
                let (conditions, mut values) = bound_filter(&filter);
                let mut sql = format!(
                    "SELECT {COLUMNS} FROM outbox_deliveries WHERE state = ?1{conditions} \
                     ORDER BY dead_at, id"
                );
                if let Some(limit) = filter.limit {
                    values.push(Value::Integer(i64::from(limit)));
                    sql.push_str(&format!(" LIMIT ?{}", values.len()));
                }
                let mut statement = connection.prepare(&sql).map_err(backend)?;
                let rows = statement
                    .query_map(params_from_iter(values), raw_row)
                    .map_err(backend)?
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(backend)?;
                Ok(rows)
            })
            .await?;
        rows.into_iter().map(RawRow::decode).collect()
    }

    async fn get(&self, id: DeliveryId) -> Result<Option<Delivery>, StoreError> {
        let row = self
            .run(move |connection| {
                connection
                    .query_row(
                        &format!("SELECT {COLUMNS} FROM outbox_deliveries WHERE id = ?1"),
                        params![id.0],
                        raw_row,
                    )
                    .optional()
                    .map_err(backend)
            })
            .await?;
        row.map(RawRow::decode).transpose()
    }

    async fn replay(&self, filter: &DeadLetterFilter, now: SystemTime) -> Result<u64, StoreError> {
        let filter = filter.clone();
        let now = to_millis(now);
        self.write(move |transaction| {
            let (conditions, mut values) = bound_filter(&filter);
            values.push(Value::Integer(STATE_PENDING));
            let pending = values.len();
            values.push(Value::Integer(now));
            let now_index = values.len();
            let sql = format!(
                "UPDATE outbox_deliveries SET state = ?{pending}, attempts = 0, \
                 next_attempt_at = ?{now_index}, lease_until = 0, dead_at = NULL \
                 WHERE state = ?1{conditions}"
            );
            let changed = transaction
                .execute(&sql, params_from_iter(values))
                .map_err(backend)?;
            Ok(changed as u64)
        })
        .await
    }

    async fn purge(&self, filter: &DeadLetterFilter) -> Result<u64, StoreError> {
        let filter = filter.clone();
        self.write(move |transaction| {
            let (conditions, values) = bound_filter(&filter);
            let sql = format!("DELETE FROM outbox_deliveries WHERE state = ?1{conditions}");
            let deleted = transaction
                .execute(&sql, params_from_iter(values))
                .map_err(backend)?;
            Ok(deleted as u64)
        })
        .await
    }

    async fn counts(&self) -> Result<OutboxCounts, StoreError> {
        self.run(move |connection| {
            let mut statement = connection
                .prepare("SELECT state, COUNT(*) FROM outbox_deliveries GROUP BY state")
                .map_err(backend)?;
            let rows = statement
                .query_map([], |row| Ok((row.get::<_, i64>(0)?, row.get::<_, i64>(1)?)))
                .map_err(backend)?;
            let mut counts = OutboxCounts::default();
            for row in rows {
                let (state, count) = row.map_err(backend)?;
                let count = u64::try_from(count).unwrap_or(0);
                match state {
                    STATE_PENDING => counts.pending = count,
                    STATE_DEAD => counts.dead = count,
                    other => {
                        return Err(StoreError::Backend(format!(
                            "outbox table contains {count} rows with invalid state {other}"
                        )))
                    }
                }
            }
            Ok(counts)
        })
        .await
    }
}

fn open_failed(path: &Path, error: rusqlite::Error) -> StoreError {
    StoreError::Backend(format!(
        "cannot open SQLite file {}: {error}",
        path.display()
    ))
}

/// Sets the busy timeout, WAL mode and `synchronous = FULL` (see the
/// module documentation for why).
fn configure(connection: &Connection, path: &Path) -> Result<(), StoreError> {
    connection.busy_timeout(BUSY_TIMEOUT).map_err(backend)?;
    let journal_mode: String = connection
        .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
        .map_err(backend)?;
    if !journal_mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Backend(format!(
            "cannot enable WAL mode on SQLite file {} (journal mode is {journal_mode})",
            path.display()
        )));
    }
    connection
        .pragma_update(None, "synchronous", "FULL")
        .map_err(backend)
}

/// Returns the filter's conditions with their values, the dead state being
/// parameter 1.
fn bound_filter(filter: &DeadLetterFilter) -> (String, Vec<Value>) {
    let (conditions, params) = dead_filter_sql(filter, 1, |index| format!("?{index}"));
    let mut values = vec![Value::Integer(STATE_DEAD)];
    values.extend(params.into_iter().map(|param| match param {
        FilterParam::Text(text) => Value::Text(text.to_owned()),
        FilterParam::Millis(millis) => Value::Integer(millis),
        FilterParam::Id(id) => Value::Integer(id),
    }));
    (conditions, values)
}

/// Reads the [`COLUMNS`] of one row.
fn raw_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<RawRow> {
    Ok(RawRow {
        id: row.get(0)?,
        webhook_id: row.get(1)?,
        endpoint: row.get(2)?,
        event_type: row.get(3)?,
        headers: row.get(4)?,
        body: row.get(5)?,
        state: row.get(6)?,
        attempts: row.get(7)?,
        last_error: row.get(8)?,
        created_at: row.get(9)?,
        next_attempt_at: row.get(10)?,
        dead_at: row.get(11)?,
    })
}

/// Maps "no row changed" to [`StoreError::NotFound`].
fn found(changed: usize, id: DeliveryId) -> Result<(), StoreError> {
    if changed == 0 {
        Err(StoreError::NotFound(id))
    } else {
        Ok(())
    }
}

fn backend(error: rusqlite::Error) -> StoreError {
    StoreError::Backend(format!("SQLite: {error}"))
}
