//! The outbox tables in a SQLite file and their migrations.
//!
//! `outbox_schema` stores one row with the schema version. The idempotency
//! store may share the file, so the outbox keeps its own version table in
//! place of the file-wide `PRAGMA user_version`.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

use super::backend;
use crate::outbox::StoreError;

/// Migration `n` (0-based) moves the schema from version `n` to `n + 1`.
/// Append new migrations; never edit one that has shipped.
const MIGRATIONS: &[&str] = &[
    // Version 1. `AUTOINCREMENT` keeps ids of purged rows from being reused,
    // so an id printed by `hookforge dlq list` never names another delivery
    // later.
    "CREATE TABLE outbox_deliveries (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        webhook_id TEXT NOT NULL,
        endpoint TEXT NOT NULL,
        event_type TEXT NOT NULL,
        headers TEXT NOT NULL,
        body BLOB NOT NULL,
        state INTEGER NOT NULL,
        attempts INTEGER NOT NULL,
        last_error TEXT,
        created_at INTEGER NOT NULL,
        next_attempt_at INTEGER NOT NULL,
        lease_until INTEGER NOT NULL,
        dead_at INTEGER
    );
    CREATE INDEX outbox_deliveries_due ON outbox_deliveries (state, next_attempt_at);
    CREATE INDEX outbox_deliveries_dead ON outbox_deliveries (state, dead_at);",
];

/// The schema version this build writes.
pub(super) const CURRENT_VERSION: i64 = MIGRATIONS.len() as i64;

/// Creates the tables or brings them up to [`CURRENT_VERSION`], in one
/// `BEGIN IMMEDIATE` transaction so two processes opening a new file at
/// once do not both migrate it.
pub(super) fn migrate(connection: &mut Connection) -> Result<(), StoreError> {
    let transaction = connection
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(backend)?;
    transaction
        .execute_batch("CREATE TABLE IF NOT EXISTS outbox_schema (version INTEGER NOT NULL)")
        .map_err(backend)?;
    let stored: Option<i64> = transaction
        .query_row("SELECT version FROM outbox_schema", [], |row| row.get(0))
        .optional()
        .map_err(backend)?;
    let version = stored.unwrap_or(0);

    if version > CURRENT_VERSION {
        return Err(newer_version(version));
    }
    let start = usize::try_from(version)
        .map_err(|_| StoreError::Backend(format!("invalid outbox schema version {version}")))?;
    for migration in &MIGRATIONS[start..] {
        transaction.execute_batch(migration).map_err(backend)?;
    }

    if stored.is_none() {
        transaction
            .execute(
                "INSERT INTO outbox_schema (version) VALUES (?1)",
                [CURRENT_VERSION],
            )
            .map_err(backend)?;
    } else if version != CURRENT_VERSION {
        transaction
            .execute("UPDATE outbox_schema SET version = ?1", [CURRENT_VERSION])
            .map_err(backend)?;
    }
    transaction.commit().map_err(backend)
}

/// Checks that the file has the outbox tables at [`CURRENT_VERSION`],
/// reading only, so a file that is not an outbox stays unchanged.
pub(super) fn verify(connection: &Connection, path: &Path) -> Result<(), StoreError> {
    let has_table: bool = connection
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master \
             WHERE type = 'table' AND name = 'outbox_schema')",
            [],
            |row| row.get(0),
        )
        .map_err(|error| {
            StoreError::Backend(format!(
                "cannot read SQLite file {}: {error}",
                path.display()
            ))
        })?;
    let version: Option<i64> = if has_table {
        connection
            .query_row("SELECT version FROM outbox_schema", [], |row| row.get(0))
            .optional()
            .map_err(backend)?
    } else {
        None
    };
    match version {
        None => Err(StoreError::Backend(format!(
            "{} is not a Hookforge outbox (it has no outbox_schema table); check the path",
            path.display()
        ))),
        Some(version) if version > CURRENT_VERSION => Err(newer_version(version)),
        Some(version) if version < CURRENT_VERSION => Err(StoreError::Backend(format!(
            "the outbox schema in {} is version {version}, older than version \
             {CURRENT_VERSION}; start the sender once to migrate it",
            path.display()
        ))),
        Some(_) => Ok(()),
    }
}

fn newer_version(version: i64) -> StoreError {
    StoreError::Backend(format!(
        "the outbox schema in this SQLite file is version {version}, but this build \
         supports up to version {CURRENT_VERSION}; upgrade hookforge"
    ))
}
