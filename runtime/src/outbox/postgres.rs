//! The PostgreSQL outbox, for several sender processes sharing one queue.
//!
//! The tables live in a schema that the caller names, so one database can
//! hold several independent outboxes (tests use one schema each).
//! [`PostgresOutbox::connect`] creates the schema and tables when missing.
//!
//! # Claims
//!
//! [`OutboxStore::claim_due`] runs one statement,
//! `UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED LIMIT n)
//! RETURNING ...`, so concurrent claimers in any number of processes skip
//! each other's rows instead of waiting or claiming them twice.
//!
//! # Connection
//!
//! A store keeps one connection. Every operation is a single statement
//! that commits on its own, so no transaction pins the connection, and
//! tokio-postgres pipelines the statements of concurrent tasks over it.
//! Throughput grows by running more sender processes, each with its own
//! connection, which is what the row locking above is for.
//!
//! When the connection drops, the call that was running fails with
//! [`StoreError::Backend`] and the next call connects again. The store
//! never repeats a failed statement itself: an `enqueue` whose reply was
//! lost may have committed, and only the caller knows whether sending a
//! duplicate is acceptable (receivers deduplicate by `webhook_id`).
//!
//! Times are stored as `BIGINT` Unix milliseconds.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tokio::sync::Mutex;
use tokio_postgres::types::ToSql;
use tokio_postgres::{Client, Config, NoTls, Row};

use super::codec::{
    dead_filter_sql, encode_headers, lease_end_millis, to_millis, FilterParam, RawRow, STATE_DEAD,
    STATE_PENDING,
};
use super::{
    AttemptFailure, DeadLetterFilter, Delivery, DeliveryId, NewDelivery, OutboxCounts, OutboxStore,
    StoreError,
};

mod schema;

/// The schema name to use when an application has no reason to choose
/// another; `hookforge dlq` uses it when `--schema` is not given.
pub const DEFAULT_SCHEMA: &str = "hookforge";

/// How long [`PostgresOutbox::connect`] and a reconnect wait for the server
/// when the connection string sets no `connect_timeout`.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The columns [`RawRow`] reads, in its order.
const COLUMNS: &str = "id, webhook_id, endpoint, event_type, headers, body, state, attempts, \
                       last_error, created_at, next_attempt_at, dead_at";

/// An [`OutboxStore`] in a PostgreSQL schema.
///
/// Cloning is cheap and shares the connection. Connections use no TLS, so
/// the server should be local or reached over a trusted network.
///
/// # Example
///
/// ```no_run
/// use std::time::SystemTime;
/// use hookforge::outbox::{postgres::PostgresOutbox, DeadLetterFilter, OutboxStore};
///
/// # async fn example() -> Result<(), hookforge::outbox::StoreError> {
/// let store = PostgresOutbox::connect(
///     "host=127.0.0.1 user=postgres dbname=app",
///     "webhooks",
/// )
/// .await?;
/// let replayed = store
///     .replay(&DeadLetterFilter::default(), SystemTime::now())
///     .await?;
/// println!("{replayed} dead letters are pending again");
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct PostgresOutbox {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    config: Config,
    /// The schema name, already quoted for SQL.
    schema: String,
    /// The live client, or `None` after a failed reconnect.
    client: Mutex<Option<Arc<Client>>>,
}

impl PostgresOutbox {
    /// Connects with `config` (a libpq-style `key=value` string or a
    /// `postgres://` URL) and uses the tables in `schema`, creating the
    /// schema and tables when missing and migrating older ones.
    ///
    /// `schema` must be 1 to 63 characters of ASCII lowercase letters,
    /// digits and `_`, starting with a letter or `_`.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] when `config` or `schema` is invalid, the
    /// server cannot be reached, or the schema was written by a newer
    /// version of this crate.
    pub async fn connect(config: &str, schema: &str) -> Result<Self, StoreError> {
        let mut config: Config = config.parse().map_err(|error| {
            StoreError::Backend(format!("invalid PostgreSQL connection string: {error}"))
        })?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(DEFAULT_CONNECT_TIMEOUT);
        }
        let schema = schema::quote_schema_name(schema)?;

        let mut client = open_client(&config).await?;
        schema::migrate(&mut client, &schema).await?;
        Ok(Self {
            inner: Arc::new(Inner {
                config,
                schema,
                client: Mutex::new(Some(Arc::new(client))),
            }),
        })
    }

    /// Returns the live client, connecting again if the last one closed.
    async fn client(&self) -> Result<Arc<Client>, StoreError> {
        let mut slot = self.inner.client.lock().await;
        if let Some(client) = slot.as_ref() {
            if !client.is_closed() {
                return Ok(Arc::clone(client));
            }
            tracing::warn!(schema = %self.inner.schema, "PostgreSQL outbox connection closed; reconnecting");
        }
        *slot = None;
        let client = Arc::new(open_client(&self.inner.config).await?);
        *slot = Some(Arc::clone(&client));
        Ok(client)
    }

    /// Runs one statement and returns its rows.
    async fn query(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<Row>, StoreError> {
        let client = self.client().await?;
        client.query(sql, params).await.map_err(backend)
    }

    /// Runs one statement and returns how many rows it changed.
    async fn execute(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<u64, StoreError> {
        let client = self.client().await?;
        client.execute(sql, params).await.map_err(backend)
    }

    /// Returns the outbox table name, qualified with the schema.
    fn table(&self) -> String {
        format!("{}.outbox_deliveries", self.inner.schema)
    }
}

impl OutboxStore for PostgresOutbox {
    async fn enqueue(
        &self,
        delivery: NewDelivery,
        now: SystemTime,
    ) -> Result<DeliveryId, StoreError> {
        let now = to_millis(now);
        let headers = encode_headers(&delivery.headers);
        let sql = format!(
            "INSERT INTO {} (webhook_id, endpoint, event_type, headers, body, state, attempts, \
             created_at, next_attempt_at, lease_until) \
             VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $7, 0) RETURNING id",
            self.table()
        );
        let rows = self
            .query(
                &sql,
                &[
                    &delivery.webhook_id,
                    &delivery.endpoint,
                    &delivery.event_type,
                    &headers,
                    &delivery.body,
                    &state_column(STATE_PENDING),
                    &now,
                ],
            )
            .await?;
        let row = rows
            .first()
            .ok_or_else(|| StoreError::Backend("INSERT ... RETURNING id returned no row".into()))?;
        Ok(DeliveryId(row.try_get(0).map_err(backend)?))
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
        let table = self.table();
        let sql = format!(
            "UPDATE {table} SET lease_until = $1 WHERE id IN (\
             SELECT id FROM {table} \
             WHERE state = $2 AND next_attempt_at <= $3 AND lease_until <= $3 \
             ORDER BY id LIMIT $4 FOR UPDATE SKIP LOCKED) RETURNING {COLUMNS}"
        );
        let rows = self
            .query(
                &sql,
                &[
                    &lease_end,
                    &state_column(STATE_PENDING),
                    &now,
                    &i64::from(limit),
                ],
            )
            .await?;
        let mut claimed = decode_rows(&rows)?;
        // `RETURNING` yields rows in no promised order.
        claimed.sort_by_key(|delivery| delivery.id);
        Ok(claimed)
    }

    async fn complete(&self, id: DeliveryId) -> Result<(), StoreError> {
        let sql = format!("DELETE FROM {} WHERE id = $1 AND state = $2", self.table());
        let deleted = self
            .execute(&sql, &[&id.0, &state_column(STATE_PENDING)])
            .await?;
        found(deleted, id)
    }

    async fn retry_later(
        &self,
        id: DeliveryId,
        failure: AttemptFailure,
        retry_at: SystemTime,
    ) -> Result<(), StoreError> {
        let sql = format!(
            "UPDATE {} SET attempts = $1, last_error = $2, next_attempt_at = $3, \
             lease_until = 0 WHERE id = $4 AND state = $5",
            self.table()
        );
        let updated = self
            .execute(
                &sql,
                &[
                    &i64::from(failure.attempts),
                    &failure.error,
                    &to_millis(retry_at),
                    &id.0,
                    &state_column(STATE_PENDING),
                ],
            )
            .await?;
        found(updated, id)
    }

    async fn dead_letter(
        &self,
        id: DeliveryId,
        failure: AttemptFailure,
        now: SystemTime,
    ) -> Result<(), StoreError> {
        let sql = format!(
            "UPDATE {} SET state = $1, attempts = $2, last_error = $3, dead_at = $4, \
             lease_until = 0 WHERE id = $5 AND state = $6",
            self.table()
        );
        let updated = self
            .execute(
                &sql,
                &[
                    &state_column(STATE_DEAD),
                    &i64::from(failure.attempts),
                    &failure.error,
                    &to_millis(now),
                    &id.0,
                    &state_column(STATE_PENDING),
                ],
            )
            .await?;
        found(updated, id)
    }

    async fn list_dead(&self, filter: &DeadLetterFilter) -> Result<Vec<Delivery>, StoreError> {
        let (conditions, mut values) = bound_filter(filter);
        let mut sql = format!(
            "SELECT {COLUMNS} FROM {} WHERE state = $1{conditions} ORDER BY dead_at, id",
            self.table()
        );
        if let Some(limit) = filter.limit {
            values.push(Box::new(i64::from(limit)));
            sql.push_str(&format!(" LIMIT ${}", values.len()));
        }
        let rows = self.query(&sql, &param_refs(&values)).await?;
        decode_rows(&rows)
    }

    async fn get(&self, id: DeliveryId) -> Result<Option<Delivery>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM {} WHERE id = $1", self.table());
        let rows = self.query(&sql, &[&id.0]).await?;
        rows.first().map(|row| raw_row(row)?.decode()).transpose()
    }

    async fn replay(&self, filter: &DeadLetterFilter, now: SystemTime) -> Result<u64, StoreError> {
        let (conditions, mut values) = bound_filter(filter);
        values.push(Box::new(state_column(STATE_PENDING)));
        let pending = values.len();
        values.push(Box::new(to_millis(now)));
        let now_index = values.len();
        let sql = format!(
            "UPDATE {} SET state = ${pending}, attempts = 0, next_attempt_at = ${now_index}, \
             lease_until = 0, dead_at = NULL WHERE state = $1{conditions}",
            self.table()
        );
        self.execute(&sql, &param_refs(&values)).await
    }

    async fn purge(&self, filter: &DeadLetterFilter) -> Result<u64, StoreError> {
        let (conditions, values) = bound_filter(filter);
        let sql = format!("DELETE FROM {} WHERE state = $1{conditions}", self.table());
        self.execute(&sql, &param_refs(&values)).await
    }

    async fn counts(&self) -> Result<OutboxCounts, StoreError> {
        let sql = format!(
            "SELECT state, COUNT(*) FROM {} GROUP BY state",
            self.table()
        );
        let rows = self.query(&sql, &[]).await?;
        let mut counts = OutboxCounts::default();
        for row in &rows {
            let state: i16 = row.try_get(0).map_err(backend)?;
            let count: i64 = row.try_get(1).map_err(backend)?;
            let count = u64::try_from(count).unwrap_or(0);
            match i64::from(state) {
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
    }
}

/// Connects and spawns the task that drives the connection.
async fn open_client(config: &Config) -> Result<Client, StoreError> {
    let (client, connection) = config.connect(NoTls).await.map_err(|error| {
        StoreError::Backend(format!(
            "cannot connect to PostgreSQL: {}",
            describe(&error)
        ))
    })?;
    tokio::spawn(async move {
        if let Err(error) = connection.await {
            tracing::warn!(error = %describe(&error), "PostgreSQL outbox connection failed");
        }
    });
    Ok(client)
}

/// Converts a state constant to the `SMALLINT` of the `state` column.
fn state_column(state: i64) -> i16 {
    // Both state constants are 0 or 1.
    i16::try_from(state).unwrap_or(i16::MAX)
}

type BoxedParam = Box<dyn ToSql + Sync + Send>;

/// Returns the filter's conditions with their values, the dead state being
/// parameter 1.
fn bound_filter(filter: &DeadLetterFilter) -> (String, Vec<BoxedParam>) {
    let (conditions, params) = dead_filter_sql(filter, 1, |index| format!("${index}"));
    let mut values: Vec<BoxedParam> = vec![Box::new(state_column(STATE_DEAD))];
    for param in params {
        values.push(match param {
            FilterParam::Text(text) => Box::new(text.to_owned()),
            FilterParam::Millis(millis) => Box::new(millis),
            FilterParam::Id(id) => Box::new(id),
        });
    }
    (conditions, values)
}

fn param_refs(values: &[BoxedParam]) -> Vec<&(dyn ToSql + Sync)> {
    values
        .iter()
        .map(|value| value.as_ref() as &(dyn ToSql + Sync))
        .collect()
}

fn decode_rows(rows: &[Row]) -> Result<Vec<Delivery>, StoreError> {
    rows.iter().map(|row| raw_row(row)?.decode()).collect()
}

/// Reads the [`COLUMNS`] of one row.
fn raw_row(row: &Row) -> Result<RawRow, StoreError> {
    let state: i16 = row.try_get(6).map_err(backend)?;
    Ok(RawRow {
        id: row.try_get(0).map_err(backend)?,
        webhook_id: row.try_get(1).map_err(backend)?,
        endpoint: row.try_get(2).map_err(backend)?,
        event_type: row.try_get(3).map_err(backend)?,
        headers: row.try_get(4).map_err(backend)?,
        body: row.try_get(5).map_err(backend)?,
        state: i64::from(state),
        attempts: row.try_get(7).map_err(backend)?,
        last_error: row.try_get(8).map_err(backend)?,
        created_at: row.try_get(9).map_err(backend)?,
        next_attempt_at: row.try_get(10).map_err(backend)?,
        dead_at: row.try_get(11).map_err(backend)?,
    })
}

/// Maps "no row changed" to [`StoreError::NotFound`].
fn found(changed: u64, id: DeliveryId) -> Result<(), StoreError> {
    if changed == 0 {
        Err(StoreError::NotFound(id))
    } else {
        Ok(())
    }
}

/// Formats an error with its cause (the server's message, or the I/O
/// error), which `Display` of `tokio_postgres::Error` leaves out.
fn describe(error: &tokio_postgres::Error) -> String {
    match std::error::Error::source(error) {
        Some(cause) => format!("{error}: {cause}"),
        None => error.to_string(),
    }
}

fn backend(error: tokio_postgres::Error) -> StoreError {
    if error.is_closed() {
        StoreError::Backend(format!(
            "PostgreSQL connection lost ({}); the next call reconnects",
            describe(&error)
        ))
    } else {
        StoreError::Backend(format!("PostgreSQL: {}", describe(&error)))
    }
}
