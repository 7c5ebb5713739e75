//! The outbox conformance suite and connection behaviour of the PostgreSQL
//! backend, against the server at 127.0.0.1:5432 (user `postgres`, trust
//! auth, database `test`).
//!
//! When the server is unreachable, each test prints a line saying it
//! skipped, unless `CI` is `true`, where it fails instead. Every test uses
//! its own schema, dropped before and after, so tests run in parallel and
//! rerun cleanly.
#![cfg(feature = "postgres")]

mod outbox_conformance;

use std::time::Duration;

use hookforge::outbox::postgres::PostgresOutbox;
use hookforge::outbox::{OutboxStore, StoreError};
use outbox_conformance::{delivery, t0};
use tokio_postgres::{Client, NoTls};

const SERVER: &str = "host=127.0.0.1 port=5432 user=postgres dbname=test connect_timeout=5";

/// Connects a client for setting up and dropping schemas. Returns `None`,
/// after printing a skip line, when the server is down outside CI.
async fn admin(test: &str) -> Option<Client> {
    match tokio_postgres::connect(SERVER, NoTls).await {
        Ok((client, connection)) => {
            tokio::spawn(connection);
            Some(client)
        }
        Err(error) => {
            if std::env::var("CI").is_ok_and(|value| value == "true") {
                panic!("PostgreSQL at 127.0.0.1:5432 is required under CI=true: {error}");
            }
            eprintln!("skipped {test}: PostgreSQL at 127.0.0.1:5432 is unreachable ({error})");
            None
        }
    }
}

/// Returns a schema name unique to this test and process.
fn schema_name(test: &str) -> String {
    format!("hf_outbox_{test}_{}", std::process::id())
}

async fn drop_schema(admin: &Client, schema: &str) {
    admin
        .batch_execute(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))
        .await
        .expect("drop test schema");
}

/// Opens a store on a fresh schema, returned with the admin client that
/// drops it.
async fn fresh_store(test: &str) -> Option<(Client, String, PostgresOutbox)> {
    let admin = admin(test).await?;
    let schema = schema_name(test);
    drop_schema(&admin, &schema).await;
    let store = PostgresOutbox::connect(SERVER, &schema)
        .await
        .expect("connect store");
    Some((admin, schema, store))
}

macro_rules! postgres_cases {
    ($($case:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $case() {
                let Some((admin, schema, store)) = fresh_store(stringify!($case)).await else {
                    return;
                };
                outbox_conformance::$case(&store).await;
                drop_schema(&admin, &schema).await;
            }
        )*
    };
}

for_each_case!(postgres_cases);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_claimers_one_store() {
    let Some((admin, schema, store)) = fresh_store("concurrent_one").await else {
        return;
    };
    outbox_conformance::concurrent_claimers_disjoint(&[store]).await;
    drop_schema(&admin, &schema).await;
}

/// Four stores with their own connections stand in for four sender
/// processes: only `FOR UPDATE SKIP LOCKED` keeps their claims apart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_claimers_four_connections() {
    let Some((admin, schema, first)) = fresh_store("concurrent_four").await else {
        return;
    };
    let mut stores = vec![first];
    for _ in 1..4 {
        let store = PostgresOutbox::connect(SERVER, &schema)
            .await
            .expect("connect store");
        stores.push(store);
    }
    outbox_conformance::concurrent_claimers_disjoint(&stores).await;
    drop_schema(&admin, &schema).await;
}

#[tokio::test]
async fn connect_twice_keeps_rows() {
    let Some((admin, schema, store)) = fresh_store("connect_twice").await else {
        return;
    };
    let message = delivery("msg_1", "http://127.0.0.1:9/a", "a");
    let id = store.enqueue(message.clone(), t0()).await.expect("enqueue");
    drop(store);

    let again = PostgresOutbox::connect(SERVER, &schema)
        .await
        .expect("connect again");
    let stored = again.get(id).await.expect("get").expect("row kept");
    assert_eq!(stored.message, message);

    let version: i64 = admin
        .query_one(
            &format!("SELECT version FROM \"{schema}\".outbox_schema"),
            &[],
        )
        .await
        .expect("schema version")
        .get(0);
    assert_eq!(version, 1);
    drop_schema(&admin, &schema).await;
}

#[tokio::test]
async fn connect_rejects_newer_schema() {
    let Some((admin, schema, store)) = fresh_store("newer_schema").await else {
        return;
    };
    drop(store);
    admin
        .batch_execute(&format!(
            "UPDATE \"{schema}\".outbox_schema SET version = 99"
        ))
        .await
        .expect("bump version");

    let error = PostgresOutbox::connect(SERVER, &schema)
        .await
        .expect_err("newer schema must fail");
    let StoreError::Backend(message) = error else {
        panic!("expected a backend error, got {error:?}");
    };
    assert!(message.contains("version 99"), "{message}");
    drop_schema(&admin, &schema).await;
}

#[tokio::test]
async fn connect_rejects_bad_schema_name() {
    let error = PostgresOutbox::connect(SERVER, "outbox; DROP TABLE x")
        .await
        .expect_err("bad name must fail");
    let StoreError::Backend(message) = error else {
        panic!("expected a backend error, got {error:?}");
    };
    assert!(
        message.contains("invalid PostgreSQL schema name"),
        "{message}"
    );
}

#[tokio::test]
async fn connect_reports_unreachable_server() {
    // Port 1 on loopback has no listener, so the connection is refused.
    let error = PostgresOutbox::connect(
        "host=127.0.0.1 port=1 user=postgres dbname=test connect_timeout=2",
        "unused",
    )
    .await
    .expect_err("nothing listens on port 1");
    let StoreError::Backend(message) = error else {
        panic!("expected a backend error, got {error:?}");
    };
    assert!(
        message.contains("cannot connect to PostgreSQL"),
        "{message}"
    );
}

/// The server ends the store's session, as a restart or a failover would.
/// The next calls must fail with a backend error at most once, then
/// reconnect on their own.
#[tokio::test]
async fn reconnects_after_server_ends_session() {
    let Some(admin) = admin("reconnects").await else {
        return;
    };
    let schema = schema_name("reconnects");
    drop_schema(&admin, &schema).await;
    let application = format!("hf_outbox_reconnect_{}", std::process::id());
    let config = format!("{SERVER} application_name={application}");
    let store = PostgresOutbox::connect(&config, &schema)
        .await
        .expect("connect store");
    let id = store
        .enqueue(delivery("msg_1", "http://127.0.0.1:9/a", "a"), t0())
        .await
        .expect("enqueue");

    let ended: i64 = admin
        .query_one(
            "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE application_name = $1) AS terminated",
            &[&application],
        )
        .await
        .expect("terminate session")
        .get(0);
    assert_eq!(ended, 1, "the store should have one session");
    tokio::time::sleep(Duration::from_millis(200)).await;

    let mut failures = 0;
    let mut recovered = None;
    for _ in 0..3 {
        match store.get(id).await {
            Ok(row) => {
                recovered = row;
                break;
            }
            Err(StoreError::Backend(message)) => {
                failures += 1;
                eprintln!("call after the session ended failed as expected: {message}");
            }
            Err(other) => panic!("unexpected error kind: {other:?}"),
        }
    }
    assert!(failures <= 1, "{failures} calls failed before reconnecting");
    assert!(
        recovered.is_some(),
        "the row was not read after reconnecting"
    );
    drop_schema(&admin, &schema).await;
}
