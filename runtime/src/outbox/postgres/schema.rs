//! The outbox tables in a PostgreSQL schema and their migrations.

use tokio_postgres::Client;

use super::{backend, describe};
use crate::outbox::StoreError;

/// Migration `n` (0-based) moves the schema from version `n` to `n + 1`.
/// `{schema}` stands for the quoted schema name. Append new migrations;
/// never edit one that has shipped.
const MIGRATIONS: &[&str] = &["CREATE TABLE {schema}.outbox_deliveries (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        webhook_id TEXT NOT NULL,
        endpoint TEXT NOT NULL,
        event_type TEXT NOT NULL,
        headers TEXT NOT NULL,
        body BYTEA NOT NULL,
        state SMALLINT NOT NULL,
        attempts BIGINT NOT NULL,
        last_error TEXT,
        created_at BIGINT NOT NULL,
        next_attempt_at BIGINT NOT NULL,
        lease_until BIGINT NOT NULL,
        dead_at BIGINT
    );
    CREATE INDEX outbox_deliveries_due ON {schema}.outbox_deliveries (state, next_attempt_at);
    CREATE INDEX outbox_deliveries_dead ON {schema}.outbox_deliveries (state, dead_at);"];

/// The schema version this build writes.
const CURRENT_VERSION: i64 = MIGRATIONS.len() as i64;

/// Maximum identifier length in bytes that PostgreSQL keeps without
/// truncating (`NAMEDATALEN - 1` in a default build).
const MAX_IDENTIFIER_BYTES: usize = 63;

/// Checks `name` and returns it double-quoted for SQL.
///
/// Only lowercase ASCII names are accepted, because PostgreSQL folds
/// unquoted names to lowercase: a name that needed quoting would name a
/// different schema in a hand-written `psql` query.
pub(super) fn quote_schema_name(name: &str) -> Result<String, StoreError> {
    let mut chars = name.chars();
    let valid_start = chars
        .next()
        .is_some_and(|first| first.is_ascii_lowercase() || first == '_');
    let valid_rest = chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !valid_start || !valid_rest || name.len() > MAX_IDENTIFIER_BYTES {
        return Err(StoreError::Backend(format!(
            "invalid PostgreSQL schema name {name:?}: use 1 to {MAX_IDENTIFIER_BYTES} \
             lowercase ASCII letters, digits and '_', starting with a letter or '_'"
        )));
    }
    Ok(format!("\"{name}\""))
}

/// Creates the schema and tables or brings them up to [`CURRENT_VERSION`].
///
/// The work runs in one transaction under an advisory lock keyed by the
/// schema name, so sender processes starting together migrate once.
pub(super) async fn migrate(client: &mut Client, schema: &str) -> Result<(), StoreError> {
    let transaction = client.transaction().await.map_err(backend)?;
    transaction
        .execute(
            "SELECT pg_advisory_xact_lock(hashtext('hookforge.outbox.' || $1))",
            &[&schema],
        )
        .await
        .map_err(backend)?;
    transaction
        .batch_execute(&format!(
            "CREATE SCHEMA IF NOT EXISTS {schema};
             CREATE TABLE IF NOT EXISTS {schema}.outbox_schema (version BIGINT NOT NULL);"
        ))
        .await
        .map_err(backend)?;

    let rows = transaction
        .query(&format!("SELECT version FROM {schema}.outbox_schema"), &[])
        .await
        .map_err(backend)?;
    let stored: Option<i64> = match rows.first() {
        Some(row) => Some(row.try_get(0).map_err(backend)?),
        None => None,
    };
    let version = stored.unwrap_or(0);

    if version > CURRENT_VERSION {
        return Err(StoreError::Backend(format!(
            "the outbox tables in PostgreSQL schema {schema} are version {version}, but this \
             build supports up to version {CURRENT_VERSION}; upgrade hookforge"
        )));
    }
    let start = usize::try_from(version).map_err(|_| {
        StoreError::Backend(format!(
            "invalid outbox schema version {version} in {schema}"
        ))
    })?;
    for migration in &MIGRATIONS[start..] {
        let sql = migration.replace("{schema}", schema);
        transaction.batch_execute(&sql).await.map_err(|error| {
            StoreError::Backend(format!(
                "migrating the outbox tables in {schema} failed: {}",
                describe(&error)
            ))
        })?;
    }

    let record = if stored.is_none() {
        format!("INSERT INTO {schema}.outbox_schema (version) VALUES ($1)")
    } else {
        format!("UPDATE {schema}.outbox_schema SET version = $1")
    };
    transaction
        .execute(&record, &[&CURRENT_VERSION])
        .await
        .map_err(backend)?;
    transaction.commit().await.map_err(backend)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_name_accepts_lowercase() {
        let quoted = quote_schema_name("hookforge_outbox_1").expect("valid name");
        assert_eq!(quoted, "\"hookforge_outbox_1\"");
    }

    #[test]
    fn schema_name_rejects_injection() {
        for name in [
            "",
            "1abc",
            "Outbox",
            "a\"b",
            "a;drop",
            "a b",
            &"a".repeat(64),
        ] {
            assert!(
                quote_schema_name(name).is_err(),
                "{name:?} must be rejected"
            );
        }
    }
}
