//! One conformance suite for every idempotency store.
//!
//! Each store module opens two handles on one backing store: two instances
//! on the same SQLite file or Redis key prefix, or one shared memory store
//! twice. Redis tests need a server at 127.0.0.1:6379; without one they
//! fail when `CI` is `true` and print a skip line otherwise.
#![cfg(feature = "delivery")]

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hookforge::idempotency::{Claim, IdempotencyError, IdempotencyStore, StoredResponse};

/// Long enough that no test reaches it by accident.
const LONG: Duration = Duration::from_secs(60);
/// Short enough to wait out; the tests sleep `SHORT_WAIT` after it.
const SHORT: Duration = Duration::from_millis(400);
const SHORT_WAIT: Duration = Duration::from_millis(900);

fn response(status: u16, body: &str) -> StoredResponse {
    StoredResponse {
        status,
        body: body.as_bytes().to_vec(),
    }
}

/// Returns a name no other test run shares: the test name, the process id
/// and the clock.
fn unique(test: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|since| since.as_nanos())
        .unwrap_or_default();
    format!("{test}_{}_{nanos}", std::process::id())
}

/// Removes a test's temporary folder when dropped.
struct Cleanup(Option<std::path::PathBuf>);

impl Drop for Cleanup {
    fn drop(&mut self) {
        if let Some(folder) = &self.0 {
            let _ = std::fs::remove_dir_all(folder);
        }
    }
}

mod suite {
    use super::*;

    pub async fn new_then_in_progress_then_done<S: IdempotencyStore>(store: &S) {
        let now = SystemTime::now();
        assert_eq!(
            store.claim("msg_a", LONG, now).await.expect("claim"),
            Claim::New
        );
        assert_eq!(
            store.claim("msg_a", LONG, now).await.expect("claim"),
            Claim::InProgress
        );
        assert_eq!(
            store.claim("msg_b", LONG, now).await.expect("claim"),
            Claim::New,
            "another id is independent"
        );

        let stored = response(202, "accepted \u{e9}\0");
        store
            .complete("msg_a", stored.clone(), LONG, now)
            .await
            .expect("complete");
        for _ in 0..3 {
            assert_eq!(
                store
                    .claim("msg_a", LONG, SystemTime::now())
                    .await
                    .expect("claim"),
                Claim::Done(stored.clone())
            );
        }
    }

    pub async fn ttl_expiry_makes_id_new<S: IdempotencyStore>(store: &S) {
        let now = SystemTime::now();
        assert_eq!(
            store.claim("msg_ttl", LONG, now).await.expect("claim"),
            Claim::New
        );
        store
            .complete("msg_ttl", response(200, "ok"), SHORT, now)
            .await
            .expect("complete");
        assert_eq!(
            store
                .claim("msg_ttl", LONG, SystemTime::now())
                .await
                .expect("claim"),
            Claim::Done(response(200, "ok"))
        );

        tokio::time::sleep(SHORT_WAIT).await;
        assert_eq!(
            store
                .claim("msg_ttl", LONG, SystemTime::now())
                .await
                .expect("claim"),
            Claim::New
        );
    }

    /// The first handle claims and then "crashes": it never completes or
    /// releases. The second handle gets in once the lease runs out.
    pub async fn lease_expiry_admits_next_claimer<S: IdempotencyStore>(first: &S, second: &S) {
        let claimed = first.claim("msg_crash", SHORT, SystemTime::now()).await;
        assert_eq!(claimed.expect("claim"), Claim::New);
        assert_eq!(
            second
                .claim("msg_crash", LONG, SystemTime::now())
                .await
                .expect("claim"),
            Claim::InProgress
        );

        tokio::time::sleep(SHORT_WAIT).await;
        assert_eq!(
            second
                .claim("msg_crash", LONG, SystemTime::now())
                .await
                .expect("claim"),
            Claim::New
        );
        assert_eq!(
            first
                .claim("msg_crash", LONG, SystemTime::now())
                .await
                .expect("claim"),
            Claim::InProgress,
            "the new claim has the full lease"
        );
    }

    pub async fn release_frees_claim_only<S: IdempotencyStore>(store: &S) {
        let now = SystemTime::now();
        assert_eq!(
            store.claim("msg_rel", LONG, now).await.expect("claim"),
            Claim::New
        );
        store.release("msg_rel").await.expect("release");
        assert_eq!(
            store.claim("msg_rel", LONG, now).await.expect("claim"),
            Claim::New,
            "a released id is claimable again"
        );

        store
            .complete("msg_rel", response(204, ""), LONG, now)
            .await
            .expect("complete");
        store.release("msg_rel").await.expect("release");
        assert_eq!(
            store.claim("msg_rel", LONG, now).await.expect("claim"),
            Claim::Done(response(204, "")),
            "release leaves a stored response alone"
        );

        store
            .release("msg_never_claimed")
            .await
            .expect("release of a missing id");
    }

    pub async fn complete_keeps_first_response<S: IdempotencyStore>(store: &S) {
        let now = SystemTime::now();
        assert_eq!(
            store.claim("msg_twice", LONG, now).await.expect("claim"),
            Claim::New
        );
        store
            .complete("msg_twice", response(200, "first"), LONG, now)
            .await
            .expect("complete");
        store
            .complete("msg_twice", response(201, "second"), LONG, now)
            .await
            .expect("second complete");
        assert_eq!(
            store.claim("msg_twice", LONG, now).await.expect("claim"),
            Claim::Done(response(200, "first"))
        );
    }

    /// Claims one id from `tasks` tasks at once, alternating between the
    /// two handles, and expects exactly one `New`.
    pub async fn concurrent_duplicates_one_new<S: IdempotencyStore>(
        first: Arc<S>,
        second: Arc<S>,
        tasks: usize,
    ) {
        let start = Arc::new(tokio::sync::Barrier::new(tasks));
        let mut handles = Vec::with_capacity(tasks);
        for index in 0..tasks {
            let store = if index % 2 == 0 {
                Arc::clone(&first)
            } else {
                Arc::clone(&second)
            };
            let start = Arc::clone(&start);
            handles.push(tokio::spawn(async move {
                start.wait().await;
                store.claim("msg_race", LONG, SystemTime::now()).await
            }));
        }

        let mut new = 0;
        let mut in_progress = 0;
        for handle in handles {
            match handle.await.expect("task").expect("claim") {
                Claim::New => new += 1,
                Claim::InProgress => in_progress += 1,
                Claim::Done(done) => panic!("nothing completed, yet a claim saw {done:?}"),
            }
        }
        assert_eq!(new, 1, "exactly one claim wins");
        assert_eq!(in_progress, tasks - 1);
    }

    /// The first instance's lease runs out and the second claims the id:
    /// the first's late completion and release must leave that claim alone.
    pub async fn stale_owner_cannot_touch_new_claim<S: IdempotencyStore>(first: &S, second: &S) {
        let claimed = first.claim("msg_stale", SHORT, SystemTime::now()).await;
        assert_eq!(claimed.expect("claim"), Claim::New);
        tokio::time::sleep(SHORT_WAIT).await;
        let reclaimed = second.claim("msg_stale", LONG, SystemTime::now()).await;
        assert_eq!(reclaimed.expect("claim"), Claim::New);

        let late = first
            .complete("msg_stale", response(200, "late"), LONG, SystemTime::now())
            .await;
        assert!(
            matches!(late, Err(IdempotencyError::ClaimLost { ref key }) if key == "msg_stale"),
            "{late:?}"
        );
        first.release("msg_stale").await.expect("release");
        assert_eq!(
            first
                .claim("msg_stale", LONG, SystemTime::now())
                .await
                .expect("claim"),
            Claim::InProgress,
            "the second instance still holds the id"
        );

        second
            .complete(
                "msg_stale",
                response(200, "on time"),
                LONG,
                SystemTime::now(),
            )
            .await
            .expect("complete");
        assert_eq!(
            first
                .claim("msg_stale", LONG, SystemTime::now())
                .await
                .expect("claim"),
            Claim::Done(response(200, "on time"))
        );
    }

    /// A completion after the lease ran out, with nobody else claiming in
    /// between, still stores the response: the handler did run.
    pub async fn late_completion_without_rival_is_kept<S: IdempotencyStore>(store: &S) {
        let claimed = store.claim("msg_slow", SHORT, SystemTime::now()).await;
        assert_eq!(claimed.expect("claim"), Claim::New);
        tokio::time::sleep(SHORT_WAIT).await;
        store
            .complete("msg_slow", response(200, "slow"), LONG, SystemTime::now())
            .await
            .expect("complete");
        assert_eq!(
            store
                .claim("msg_slow", LONG, SystemTime::now())
                .await
                .expect("claim"),
            Claim::Done(response(200, "slow"))
        );
    }
}

/// Instantiates the suite for one store. `$open` is an async fn taking a
/// test name and returning `Option<(Arc<S>, Arc<S>, Cleanup)>`, `None` to
/// skip.
macro_rules! conformance {
    ($open:path) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn new_in_progress_done() {
            let Some((store, _, _cleanup)) = $open("new_in_progress_done").await else {
                return;
            };
            suite::new_then_in_progress_then_done(&*store).await;
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn ttl_expiry() {
            let Some((store, _, _cleanup)) = $open("ttl_expiry").await else {
                return;
            };
            suite::ttl_expiry_makes_id_new(&*store).await;
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn lease_expiry_after_crash() {
            let Some((first, second, _cleanup)) = $open("lease_expiry").await else {
                return;
            };
            suite::lease_expiry_admits_next_claimer(&*first, &*second).await;
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn release() {
            let Some((store, _, _cleanup)) = $open("release").await else {
                return;
            };
            suite::release_frees_claim_only(&*store).await;
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn first_response_kept() {
            let Some((store, _, _cleanup)) = $open("first_response").await else {
                return;
            };
            suite::complete_keeps_first_response(&*store).await;
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn fifty_concurrent_duplicates() {
            let Some((first, second, _cleanup)) = $open("concurrent").await else {
                return;
            };
            suite::concurrent_duplicates_one_new(first, second, 50).await;
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn late_completion_kept() {
            let Some((store, _, _cleanup)) = $open("late_completion").await else {
                return;
            };
            suite::late_completion_without_rival_is_kept(&*store).await;
        }
    };
}

mod memory {
    use super::*;
    use hookforge::idempotency::memory::MemoryIdempotency;

    async fn open(
        _test: &str,
    ) -> Option<(Arc<MemoryIdempotency>, Arc<MemoryIdempotency>, Cleanup)> {
        let store = Arc::new(MemoryIdempotency::new(1_000));
        Some((Arc::clone(&store), store, Cleanup(None)))
    }

    conformance!(open);

    #[tokio::test]
    async fn bound_respected() {
        let store = MemoryIdempotency::new(10);
        let now = SystemTime::now();
        for index in 0..25 {
            let key = format!("msg_{index}");
            assert_eq!(
                store.claim(&key, LONG, now).await.expect("claim"),
                Claim::New
            );
            store
                .complete(&key, response(200, &key), LONG, now)
                .await
                .expect("complete");
            assert!(store.len() <= 10, "{} entries after {key}", store.len());
        }
        assert_eq!(store.len(), 10);

        // The ten most recent stay; the oldest were evicted.
        assert_eq!(
            store.claim("msg_24", LONG, now).await.expect("claim"),
            Claim::Done(response(200, "msg_24"))
        );
        assert_eq!(
            store.claim("msg_15", LONG, now).await.expect("claim"),
            Claim::Done(response(200, "msg_15"))
        );
        assert_eq!(
            store.claim("msg_0", LONG, now).await.expect("claim"),
            Claim::New
        );
    }

    #[tokio::test]
    async fn full_of_claims_is_an_error() {
        let store = MemoryIdempotency::new(3);
        let now = SystemTime::now();
        for key in ["a", "b", "c"] {
            assert_eq!(
                store.claim(key, LONG, now).await.expect("claim"),
                Claim::New
            );
        }
        let refused = store.claim("d", LONG, now).await;
        assert!(
            matches!(refused, Err(IdempotencyError::Backend(_))),
            "{refused:?}"
        );
        let refused = store.complete("d", response(200, ""), LONG, now).await;
        assert!(
            matches!(refused, Err(IdempotencyError::Backend(_))),
            "{refused:?}"
        );
        for key in ["a", "b", "c"] {
            assert_eq!(
                store.claim(key, LONG, now).await.expect("claim"),
                Claim::InProgress,
                "{key} was not evicted"
            );
        }

        store.release("b").await.expect("release");
        assert_eq!(
            store.claim("d", LONG, now).await.expect("claim"),
            Claim::New
        );
    }

    #[tokio::test]
    async fn full_store_reuses_expired_claim() {
        let store = MemoryIdempotency::new(2);
        let now = SystemTime::now();
        assert_eq!(
            store.claim("crashed", SHORT, now).await.expect("claim"),
            Claim::New
        );
        assert_eq!(
            store.claim("held", LONG, now).await.expect("claim"),
            Claim::New
        );

        let later = now + SHORT_WAIT;
        assert_eq!(
            store.claim("next", LONG, later).await.expect("claim"),
            Claim::New
        );
        assert_eq!(store.len(), 2);
        assert_eq!(
            store.claim("held", LONG, later).await.expect("claim"),
            Claim::InProgress
        );
    }
}

#[cfg(feature = "sqlite")]
mod sqlite {
    use super::*;
    use hookforge::idempotency::sqlite::SqliteIdempotency;

    /// Opens two instances on one new file, each with its own connection.
    async fn open(test: &str) -> Option<(Arc<SqliteIdempotency>, Arc<SqliteIdempotency>, Cleanup)> {
        let name = unique(test);
        let folder = std::env::temp_dir().join(format!("hookforge-idempotency-{name}"));
        std::fs::create_dir_all(&folder).expect("create temporary folder");
        let path = folder.join("receiver.sqlite3");
        let table = format!("idem_{name}");
        let first = SqliteIdempotency::open_with_table(&path, &table)
            .await
            .expect("open first instance");
        let second = SqliteIdempotency::open_with_table(&path, &table)
            .await
            .expect("open second instance");
        Some((Arc::new(first), Arc::new(second), Cleanup(Some(folder))))
    }

    conformance!(open);

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn stale_owner() {
        let Some((first, second, _cleanup)) = open("stale_owner").await else {
            return;
        };
        suite::stale_owner_cannot_touch_new_claim(&*first, &*second).await;
    }

    #[tokio::test]
    async fn reopened_file_keeps_entries() {
        let name = unique("reopen");
        let folder = std::env::temp_dir().join(format!("hookforge-idempotency-{name}"));
        std::fs::create_dir_all(&folder).expect("create temporary folder");
        let path = folder.join("receiver.sqlite3");
        let now = SystemTime::now();
        {
            let store = SqliteIdempotency::open(&path).await.expect("open");
            assert_eq!(
                store.claim("msg_keep", LONG, now).await.expect("claim"),
                Claim::New
            );
            store
                .complete("msg_keep", response(200, "kept"), LONG, now)
                .await
                .expect("complete");
        }
        let store = SqliteIdempotency::open(&path).await.expect("reopen");
        assert_eq!(
            store.claim("msg_keep", LONG, now).await.expect("claim"),
            Claim::Done(response(200, "kept"))
        );
        drop(store);
        let _ = std::fs::remove_dir_all(&folder);
    }

    #[tokio::test]
    async fn invalid_table_name_rejected() {
        let folder = std::env::temp_dir().join(format!("hookforge-idempotency-{}", unique("bad")));
        std::fs::create_dir_all(&folder).expect("create temporary folder");
        let result = SqliteIdempotency::open_with_table(folder.join("x.sqlite3"), "t; DROP").await;
        assert!(matches!(result, Err(IdempotencyError::Backend(_))));
        let _ = std::fs::remove_dir_all(&folder);
    }
}

#[cfg(feature = "redis")]
mod redis {
    use super::*;
    use hookforge::idempotency::redis::RedisIdempotency;

    const URL: &str = "redis://127.0.0.1:6379";

    /// Connects two instances with one fresh key prefix, or returns `None`
    /// after printing a skip line when Redis is unreachable outside CI.
    async fn open(test: &str) -> Option<(Arc<RedisIdempotency>, Arc<RedisIdempotency>, Cleanup)> {
        let connect = async {
            let first = RedisIdempotency::connect(URL).await?;
            let second = RedisIdempotency::connect(URL).await?;
            Ok::<_, IdempotencyError>((first, second))
        };
        let connected = tokio::time::timeout(Duration::from_secs(2), connect).await;
        let (first, second) = match connected {
            Ok(Ok(pair)) => pair,
            Ok(Err(error)) => return unreachable_redis(test, &error.to_string()),
            Err(_) => return unreachable_redis(test, "connection timed out after 2 s"),
        };
        let prefix = format!("hookforge-test:{}:", unique(test));
        Some((
            Arc::new(first.with_prefix(prefix.clone())),
            Arc::new(second.with_prefix(prefix)),
            Cleanup(None),
        ))
    }

    fn unreachable_redis<T>(test: &str, reason: &str) -> Option<T> {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("Redis at {URL} is unreachable and CI=true: {reason}");
        }
        eprintln!("skipped redis::{test}: Redis at {URL} is unreachable: {reason}");
        None
    }

    conformance!(open);

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn stale_owner() {
        let Some((first, second, _cleanup)) = open("stale_owner").await else {
            return;
        };
        suite::stale_owner_cannot_touch_new_claim(&*first, &*second).await;
    }

    #[tokio::test]
    async fn prefix_separates_receivers() {
        let Some((first, second, _cleanup)) = open("prefix").await else {
            return;
        };
        let other = (*second)
            .clone()
            .with_prefix(format!("{}other:", second.prefix()));
        let now = SystemTime::now();
        assert_eq!(
            first.claim("msg_p", LONG, now).await.expect("claim"),
            Claim::New
        );
        assert_eq!(
            other.claim("msg_p", LONG, now).await.expect("claim"),
            Claim::New
        );
    }
}
