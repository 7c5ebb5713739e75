//! Behaviour every `OutboxStore` backend must show. Each backend's test
//! file runs every case here against a fresh, empty store.
#![allow(dead_code)]

use std::collections::HashSet;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hookforge::outbox::{
    AttemptFailure, DeadLetterFilter, DeliveryId, DeliveryState, NewDelivery, OutboxCounts,
    OutboxStore, StoreError,
};

/// Returns a fixed instant with whole milliseconds, which both backends store
/// exactly.
pub fn t0() -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(1_700_000_000_000)
}

pub fn at(offset_millis: u64) -> SystemTime {
    t0() + Duration::from_millis(offset_millis)
}

const LEASE: Duration = Duration::from_secs(30);

pub fn delivery(webhook_id: &str, endpoint: &str, event_type: &str) -> NewDelivery {
    NewDelivery {
        webhook_id: webhook_id.to_owned(),
        endpoint: endpoint.to_owned(),
        event_type: event_type.to_owned(),
        headers: vec![("content-type".to_owned(), "application/json".to_owned())],
        body: format!("{{\"id\":\"{webhook_id}\"}}").into_bytes(),
    }
}

fn failure(attempts: u32, error: &str) -> AttemptFailure {
    AttemptFailure {
        attempts,
        error: error.to_owned(),
    }
}

/// Enqueues a delivery and moves it straight to the dead-letter queue.
async fn dead<S: OutboxStore>(store: &S, message: NewDelivery, died: SystemTime) -> DeliveryId {
    let id = store.enqueue(message, t0()).await.expect("enqueue");
    store
        .dead_letter(id, failure(5, "HTTP 500"), died)
        .await
        .expect("dead_letter");
    id
}

fn ids(deliveries: &[hookforge::outbox::Delivery]) -> Vec<DeliveryId> {
    deliveries.iter().map(|delivery| delivery.id).collect()
}

pub async fn enqueue_claim_complete<S: OutboxStore>(store: &S) {
    let message = delivery("msg_1", "http://127.0.0.1:9/a", "invoice.paid");
    let id = store.enqueue(message.clone(), t0()).await.expect("enqueue");

    let stored = store.get(id).await.expect("get").expect("row exists");
    assert_eq!(stored.message, message);
    assert_eq!(stored.state, DeliveryState::Pending);
    assert_eq!(stored.attempts, 0);
    assert_eq!(stored.last_error, None);
    assert_eq!(stored.created_at, t0());
    assert_eq!(stored.next_attempt_at, t0());
    assert_eq!(stored.dead_at, None);

    let claimed = store.claim_due(t0(), 10, LEASE).await.expect("claim");
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0], stored);

    let again = store.claim_due(t0(), 10, LEASE).await.expect("claim");
    assert!(
        again.is_empty(),
        "a leased row was claimed twice: {again:?}"
    );

    store.complete(id).await.expect("complete");
    assert_eq!(store.get(id).await.expect("get"), None);
    assert!(matches!(
        store.complete(id).await,
        Err(StoreError::NotFound(missing)) if missing == id
    ));
    assert_eq!(
        store.counts().await.expect("counts"),
        OutboxCounts::default()
    );
}

pub async fn not_claimed_before_due<S: OutboxStore>(store: &S) {
    store
        .enqueue(delivery("msg_1", "http://127.0.0.1:9/a", "a"), at(1_000))
        .await
        .expect("enqueue");

    let early = store.claim_due(at(999), 10, LEASE).await.expect("claim");
    assert!(early.is_empty());
    let due = store.claim_due(at(1_000), 10, LEASE).await.expect("claim");
    assert_eq!(due.len(), 1);
}

pub async fn lease_expiry_reclaims<S: OutboxStore>(store: &S) {
    let id = store
        .enqueue(delivery("msg_1", "http://127.0.0.1:9/a", "a"), t0())
        .await
        .expect("enqueue");
    let first = store.claim_due(t0(), 10, LEASE).await.expect("claim");
    assert_eq!(ids(&first), vec![id]);

    let lease_millis = LEASE.as_millis() as u64;
    let during = store
        .claim_due(at(lease_millis - 1), 10, LEASE)
        .await
        .expect("claim");
    assert!(during.is_empty(), "claimed while leased: {during:?}");

    let after = store
        .claim_due(at(lease_millis), 10, LEASE)
        .await
        .expect("claim");
    assert_eq!(ids(&after), vec![id]);
}

pub async fn claim_limit_oldest_first<S: OutboxStore>(store: &S) {
    let mut enqueued = Vec::new();
    for n in 0..5 {
        let message = delivery(&format!("msg_{n}"), "http://127.0.0.1:9/a", "a");
        enqueued.push(store.enqueue(message, at(n)).await.expect("enqueue"));
    }

    let none = store.claim_due(at(10), 0, LEASE).await.expect("claim");
    assert!(none.is_empty());

    let first = store.claim_due(at(10), 2, LEASE).await.expect("claim");
    assert_eq!(ids(&first), enqueued[..2].to_vec());

    let rest = store.claim_due(at(10), 10, LEASE).await.expect("claim");
    assert_eq!(ids(&rest), enqueued[2..].to_vec());
}

pub async fn retry_later_delays_and_records<S: OutboxStore>(store: &S) {
    let id = store
        .enqueue(delivery("msg_1", "http://127.0.0.1:9/a", "a"), t0())
        .await
        .expect("enqueue");
    store.claim_due(t0(), 1, LEASE).await.expect("claim");

    store
        .retry_later(id, failure(1, "HTTP 503 Service Unavailable"), at(10_000))
        .await
        .expect("retry_later");

    let early = store.claim_due(at(9_999), 10, LEASE).await.expect("claim");
    assert!(early.is_empty(), "claimed before retry_at: {early:?}");

    let due = store.claim_due(at(10_000), 10, LEASE).await.expect("claim");
    assert_eq!(ids(&due), vec![id]);
    assert_eq!(due[0].attempts, 1);
    assert_eq!(
        due[0].last_error.as_deref(),
        Some("HTTP 503 Service Unavailable")
    );
    assert_eq!(due[0].next_attempt_at, at(10_000));
    assert_eq!(due[0].state, DeliveryState::Pending);

    let unknown = DeliveryId(id.0 + 1_000);
    assert!(matches!(
        store.retry_later(unknown, failure(1, "x"), t0()).await,
        Err(StoreError::NotFound(missing)) if missing == unknown
    ));
}

pub async fn dead_letter_moves_row<S: OutboxStore>(store: &S) {
    let id = store
        .enqueue(delivery("msg_1", "http://127.0.0.1:9/a", "a"), t0())
        .await
        .expect("enqueue");
    store.claim_due(t0(), 1, LEASE).await.expect("claim");
    store
        .dead_letter(id, failure(8, "connection refused"), at(5_000))
        .await
        .expect("dead_letter");

    let stored = store.get(id).await.expect("get").expect("row exists");
    assert_eq!(stored.state, DeliveryState::Dead);
    assert_eq!(stored.attempts, 8);
    assert_eq!(stored.last_error.as_deref(), Some("connection refused"));
    assert_eq!(stored.dead_at, Some(at(5_000)));

    let far_future = t0() + Duration::from_secs(365 * 24 * 3600);
    let claimed = store.claim_due(far_future, 10, LEASE).await.expect("claim");
    assert!(claimed.is_empty(), "a dead letter was claimed: {claimed:?}");

    let counts = store.counts().await.expect("counts");
    assert_eq!(
        counts,
        OutboxCounts {
            pending: 0,
            dead: 1
        }
    );

    // The pending-only operations do not touch a dead letter.
    assert!(matches!(
        store.complete(id).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.retry_later(id, failure(9, "x"), t0()).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.dead_letter(id, failure(9, "x"), t0()).await,
        Err(StoreError::NotFound(_))
    ));
    let unchanged = store.get(id).await.expect("get").expect("row exists");
    assert_eq!(unchanged, stored);
}

pub async fn list_dead_filters<S: OutboxStore>(store: &S) {
    let a = "http://127.0.0.1:9/a";
    let b = "http://127.0.0.1:9/b";
    // Ids ascend a, b, c, but deaths run c, a, b, so "oldest death first"
    // differs from id order.
    let first = store
        .enqueue(delivery("msg_a", a, "x"), t0())
        .await
        .expect("enqueue");
    let second = store
        .enqueue(delivery("msg_b", b, "x"), t0())
        .await
        .expect("enqueue");
    let third = store
        .enqueue(delivery("msg_c", a, "y"), t0())
        .await
        .expect("enqueue");
    let pending = store
        .enqueue(delivery("msg_pending", a, "x"), t0())
        .await
        .expect("enqueue");
    store
        .dead_letter(third, failure(3, "e"), at(1_000))
        .await
        .expect("dead");
    store
        .dead_letter(first, failure(3, "e"), at(2_000))
        .await
        .expect("dead");
    store
        .dead_letter(second, failure(3, "e"), at(3_000))
        .await
        .expect("dead");

    let cases: Vec<(&str, DeadLetterFilter, Vec<DeliveryId>)> = vec![
        (
            "empty filter",
            DeadLetterFilter::default(),
            vec![third, first, second],
        ),
        (
            "endpoint",
            DeadLetterFilter {
                endpoint: Some(a.to_owned()),
                ..DeadLetterFilter::default()
            },
            vec![third, first],
        ),
        (
            "event type",
            DeadLetterFilter {
                event_type: Some("x".to_owned()),
                ..DeadLetterFilter::default()
            },
            vec![first, second],
        ),
        (
            "endpoint and event type",
            DeadLetterFilter {
                endpoint: Some(a.to_owned()),
                event_type: Some("x".to_owned()),
                ..DeadLetterFilter::default()
            },
            vec![first],
        ),
        (
            "since is inclusive",
            DeadLetterFilter {
                dead_since: Some(at(2_000)),
                ..DeadLetterFilter::default()
            },
            vec![first, second],
        ),
        (
            "before is exclusive",
            DeadLetterFilter {
                dead_before: Some(at(3_000)),
                ..DeadLetterFilter::default()
            },
            vec![third, first],
        ),
        (
            "time range",
            DeadLetterFilter {
                dead_since: Some(at(1_500)),
                dead_before: Some(at(2_500)),
                ..DeadLetterFilter::default()
            },
            vec![first],
        ),
        (
            "limit",
            DeadLetterFilter {
                limit: Some(2),
                ..DeadLetterFilter::default()
            },
            vec![third, first],
        ),
        (
            "no match",
            DeadLetterFilter {
                endpoint: Some("http://127.0.0.1:9/none".to_owned()),
                ..DeadLetterFilter::default()
            },
            vec![],
        ),
        (
            "ids keep death order",
            DeadLetterFilter {
                ids: vec![second, third],
                ..DeadLetterFilter::default()
            },
            vec![third, second],
        ),
        (
            "ids and endpoint",
            DeadLetterFilter {
                ids: vec![first, second],
                endpoint: Some(a.to_owned()),
                ..DeadLetterFilter::default()
            },
            vec![first],
        ),
        (
            "id of a pending row",
            DeadLetterFilter {
                ids: vec![pending],
                ..DeadLetterFilter::default()
            },
            vec![],
        ),
        (
            "unknown id",
            DeadLetterFilter {
                ids: vec![DeliveryId(987_654)],
                ..DeadLetterFilter::default()
            },
            vec![],
        ),
    ];
    for (name, filter, expected) in cases {
        let listed = store.list_dead(&filter).await.expect("list_dead");
        assert_eq!(ids(&listed), expected, "filter case: {name}");
        assert!(
            listed.iter().all(|row| row.state == DeliveryState::Dead),
            "filter case {name} listed a pending row"
        );
    }
}

pub async fn get_unknown_is_none<S: OutboxStore>(store: &S) {
    assert_eq!(store.get(DeliveryId(987_654)).await.expect("get"), None);
}

pub async fn replay_keeps_identity_and_bytes<S: OutboxStore>(store: &S) {
    let endpoint = "http://127.0.0.1:9/binary";
    let message = NewDelivery {
        webhook_id: "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W".to_owned(),
        endpoint: endpoint.to_owned(),
        event_type: "blob.uploaded".to_owned(),
        headers: vec![
            (
                "content-type".to_owned(),
                "application/octet-stream".to_owned(),
            ),
            ("x-trace".to_owned(), "1".to_owned()),
            ("x-trace".to_owned(), "2".to_owned()),
        ],
        // NUL bytes, a lone continuation byte and an invalid two-byte
        // sequence: not UTF-8, and text columns would mangle it.
        body: vec![0x00, 0xff, 0xfe, b'{', 0x00, 0x80, 0xc3, 0x28, 0x00],
    };
    let id = dead(store, message.clone(), at(1_000)).await;
    let other = dead(
        store,
        delivery("msg_other", "http://127.0.0.1:9/o", "a"),
        at(1_000),
    )
    .await;

    let filter = DeadLetterFilter {
        endpoint: Some(endpoint.to_owned()),
        ..DeadLetterFilter::default()
    };
    let replayed = store.replay(&filter, at(60_000)).await.expect("replay");
    assert_eq!(replayed, 1);

    let stored = store.get(id).await.expect("get").expect("row exists");
    assert_eq!(stored.message, message);
    assert_eq!(stored.state, DeliveryState::Pending);
    assert_eq!(stored.attempts, 0);
    assert_eq!(stored.dead_at, None);
    assert_eq!(stored.next_attempt_at, at(60_000));
    assert_eq!(stored.created_at, t0());

    let untouched = store.get(other).await.expect("get").expect("row exists");
    assert_eq!(untouched.state, DeliveryState::Dead);

    let early = store.claim_due(at(59_999), 10, LEASE).await.expect("claim");
    assert!(early.is_empty());
    let claimed = store.claim_due(at(60_000), 10, LEASE).await.expect("claim");
    assert_eq!(ids(&claimed), vec![id]);
    assert_eq!(claimed[0].message.body, message.body);

    let again = store.replay(&filter, at(60_000)).await.expect("replay");
    assert_eq!(again, 0, "a pending row was replayed");
}

pub async fn purge_by_filter<S: OutboxStore>(store: &S) {
    let a = "http://127.0.0.1:9/a";
    let b = "http://127.0.0.1:9/b";
    dead(store, delivery("msg_a1", a, "x"), at(1_000)).await;
    dead(store, delivery("msg_a2", a, "y"), at(2_000)).await;
    let kept = dead(store, delivery("msg_b", b, "x"), at(3_000)).await;
    let pending = store
        .enqueue(delivery("msg_pending", a, "x"), t0())
        .await
        .expect("enqueue");

    let by_endpoint = DeadLetterFilter {
        endpoint: Some(a.to_owned()),
        ..DeadLetterFilter::default()
    };
    assert_eq!(store.purge(&by_endpoint).await.expect("purge"), 2);
    let listed = store
        .list_dead(&DeadLetterFilter::default())
        .await
        .expect("list_dead");
    assert_eq!(ids(&listed), vec![kept]);

    assert_eq!(
        store
            .purge(&DeadLetterFilter::default())
            .await
            .expect("purge"),
        1
    );
    let counts = store.counts().await.expect("counts");
    assert_eq!(
        counts,
        OutboxCounts {
            pending: 1,
            dead: 0
        }
    );
    assert!(store.get(pending).await.expect("get").is_some());
}

pub async fn replay_and_purge_by_ids<S: OutboxStore>(store: &S) {
    let endpoint = "http://127.0.0.1:9/ids";
    let replayed_id = dead(store, delivery("msg_1", endpoint, "x"), at(1_000)).await;
    let purged_id = dead(store, delivery("msg_2", endpoint, "x"), at(2_000)).await;
    let kept_id = dead(store, delivery("msg_3", endpoint, "x"), at(3_000)).await;
    let pending_id = store
        .enqueue(delivery("msg_pending", endpoint, "x"), t0())
        .await
        .expect("enqueue");
    store
        .retry_later(pending_id, failure(2, "HTTP 503"), at(90_000))
        .await
        .expect("retry_later");

    let replay_filter = DeadLetterFilter {
        ids: vec![replayed_id, pending_id],
        ..DeadLetterFilter::default()
    };
    let replayed = store
        .replay(&replay_filter, at(60_000))
        .await
        .expect("replay");
    assert_eq!(replayed, 1, "only the dead letter among the ids moves");
    let moved = store.get(replayed_id).await.expect("get").expect("row");
    assert_eq!(moved.state, DeliveryState::Pending);
    assert_eq!(moved.next_attempt_at, at(60_000));
    let pending = store.get(pending_id).await.expect("get").expect("row");
    assert_eq!(pending.attempts, 2, "replay reset a pending row");
    assert_eq!(pending.next_attempt_at, at(90_000));

    let purge_filter = DeadLetterFilter {
        ids: vec![purged_id, pending_id],
        ..DeadLetterFilter::default()
    };
    assert_eq!(store.purge(&purge_filter).await.expect("purge"), 1);
    assert_eq!(store.get(purged_id).await.expect("get"), None);
    assert!(store.get(pending_id).await.expect("get").is_some());

    let listed = store
        .list_dead(&DeadLetterFilter::default())
        .await
        .expect("list_dead");
    assert_eq!(ids(&listed), vec![kept_id]);
}

pub async fn counts_by_state<S: OutboxStore>(store: &S) {
    assert_eq!(
        store.counts().await.expect("counts"),
        OutboxCounts::default()
    );
    for n in 0..3 {
        let message = delivery(&format!("msg_{n}"), "http://127.0.0.1:9/a", "a");
        store.enqueue(message, t0()).await.expect("enqueue");
    }
    dead(
        store,
        delivery("msg_d1", "http://127.0.0.1:9/a", "a"),
        at(1),
    )
    .await;
    dead(
        store,
        delivery("msg_d2", "http://127.0.0.1:9/a", "a"),
        at(2),
    )
    .await;

    // Leased rows still count as pending.
    store.claim_due(t0(), 2, LEASE).await.expect("claim");
    let counts = store.counts().await.expect("counts");
    assert_eq!(
        counts,
        OutboxCounts {
            pending: 3,
            dead: 2
        }
    );
}

/// Rows used by [`concurrent_claimers_disjoint`].
pub const CONCURRENT_ROWS: usize = 500;

/// Eight tasks claim, in small batches, from the stores in `stores` (one
/// store, or several on the same database) until the queue is empty. Every
/// row must be handed out exactly once.
pub async fn concurrent_claimers_disjoint<S: OutboxStore + Clone>(stores: &[S]) {
    let mut enqueued = HashSet::new();
    for n in 0..CONCURRENT_ROWS {
        let message = delivery(&format!("msg_{n}"), "http://127.0.0.1:9/a", "a");
        let id = stores[0].enqueue(message, t0()).await.expect("enqueue");
        enqueued.insert(id);
    }

    let mut tasks = Vec::new();
    for worker in 0..8 {
        let store = stores[worker % stores.len()].clone();
        tasks.push(tokio::spawn(async move {
            let mut seen = Vec::new();
            loop {
                // A lease far longer than the test, so nothing is reclaimed.
                let batch = store
                    .claim_due(at(1), 7, Duration::from_secs(3600))
                    .await
                    .expect("claim");
                if batch.is_empty() {
                    return seen;
                }
                for row in batch {
                    seen.push(row.id);
                    store.complete(row.id).await.expect("complete");
                }
            }
        }));
    }

    let mut claimed = HashSet::new();
    let mut total = 0;
    for task in tasks {
        for id in task.await.expect("claim task") {
            total += 1;
            assert!(claimed.insert(id), "row {id} was claimed twice");
        }
    }
    assert_eq!(total, CONCURRENT_ROWS);
    assert_eq!(claimed, enqueued);
    let counts = stores[0].counts().await.expect("counts");
    assert_eq!(counts, OutboxCounts::default());
}

/// Invokes `$run!(case)` for every single-store case, so each backend
/// lists the whole suite in one line and cannot miss a case.
#[macro_export]
macro_rules! for_each_case {
    ($run:ident) => {
        $run!(
            enqueue_claim_complete,
            not_claimed_before_due,
            lease_expiry_reclaims,
            claim_limit_oldest_first,
            retry_later_delays_and_records,
            dead_letter_moves_row,
            list_dead_filters,
            get_unknown_is_none,
            replay_keeps_identity_and_bytes,
            purge_by_filter,
            replay_and_purge_by_ids,
            counts_by_state
        );
    };
}
