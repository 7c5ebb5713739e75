//! Idempotency by webhook id, for receivers.
//!
//! Senders retry, and a retry after a lost response delivers the same
//! webhook again. A receiver claims the `webhook-id` before running its
//! handler: the first claim wins, a concurrent duplicate sees the claim in
//! progress, and a later duplicate gets the stored response of the first.
//! Entries expire after a configurable time to live.
//!
//! | store | feature | shared by |
//! |-------|---------|-----------|
//! | [`memory::MemoryIdempotency`] | `delivery` | one process |
//! | `sqlite::SqliteIdempotency` | `sqlite` | the processes on one host that open the same file |
//! | `redis::RedisIdempotency` | `redis` | every process that reaches the Redis server |
//!
//! # Who holds a claim
//!
//! The trait passes no claim token between [`IdempotencyStore::claim`] and
//! [`IdempotencyStore::complete`], so each store instance acts as one
//! claimant. The SQLite and Redis stores write a random owner token, made
//! once per instance, into every claim: a completion or release from an
//! instance whose lease ran out and whose key another instance claimed since
//! leaves the newer claim alone, and completion returns
//! [`IdempotencyError::ClaimLost`]. Within one instance, claims are not told
//! apart, so a handler that outlives its lease can still complete the key
//! after a second claim through the same instance. Choose a lease longer
//! than the slowest handler.

use std::future::Future;
use std::time::{Duration, SystemTime};

pub mod memory;
#[cfg(feature = "redis")]
pub mod redis;
#[cfg(feature = "sqlite")]
pub mod sqlite;

/// The response a handler produced, stored so duplicates get the same response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    /// HTTP status code.
    pub status: u16,
    /// Response body bytes.
    pub body: Vec<u8>,
}

/// The result of claiming a webhook id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// No live entry existed: this caller now holds the claim and must run
    /// the handler, then call [`IdempotencyStore::complete`] or
    /// [`IdempotencyStore::release`].
    New,
    /// Another caller holds a claim that has not completed or expired.
    InProgress,
    /// The id was handled already; this is the response it produced.
    Done(StoredResponse),
}

/// Errors from an idempotency backend.
#[derive(Debug, thiserror::Error)]
pub enum IdempotencyError {
    /// The backend failed: a database or connection error.
    #[error("idempotency store failed: {0}")]
    Backend(String),
    /// A stored entry could not be decoded.
    #[error("idempotency store holds an invalid entry for {key:?}: {reason}")]
    Corrupt {
        /// The webhook id of the entry.
        key: String,
        /// What was wrong with it.
        reason: String,
    },
    /// The claim on `key` ran out and another store instance claimed the
    /// key since, so the response was not stored. The handler's response is
    /// still valid, but the other claimant may run the handler as well.
    #[error("the claim on {key:?} expired and another instance holds it now; the response was not stored")]
    ClaimLost {
        /// The webhook id of the entry.
        key: String,
    },
    /// The id was completed by another claimant already, so a transactional
    /// completion did not run its effect a second time.
    #[error("{key:?} was handled already; the effect was not applied again")]
    AlreadyDone {
        /// The webhook id of the entry.
        key: String,
    },
    /// The effect of a transactional completion failed, so the transaction
    /// was rolled back and the claim stays in progress.
    #[error("the effect for {key:?} failed and was rolled back: {reason}")]
    EffectFailed {
        /// The webhook id of the entry.
        key: String,
        /// The effect's error.
        reason: String,
    },
}

/// Atomic claim-and-complete storage keyed by webhook id.
///
/// Of any number of concurrent [`claim`](Self::claim) calls with the same
/// key, exactly one returns [`Claim::New`] while no live entry exists.
pub trait IdempotencyStore: Send + Sync + 'static {
    /// Claims `key`. A new claim stays in progress for `lease`: if its holder
    /// neither completes nor releases it by then (a crash), the next claim
    /// wins again.
    fn claim(
        &self,
        key: &str,
        lease: Duration,
        now: SystemTime,
    ) -> impl Future<Output = Result<Claim, IdempotencyError>> + Send;

    /// Marks `key` done with `response`, kept for `ttl` from `now`.
    fn complete(
        &self,
        key: &str,
        response: StoredResponse,
        ttl: Duration,
        now: SystemTime,
    ) -> impl Future<Output = Result<(), IdempotencyError>> + Send;

    /// Drops an in-progress claim so the sender's retry runs the handler
    /// again (used when the handler failed).
    fn release(&self, key: &str) -> impl Future<Output = Result<(), IdempotencyError>> + Send;
}

/// A shared store is a store: the receiver and the application can hold one
/// [`memory::MemoryIdempotency`] through an [`Arc`](std::sync::Arc).
impl<T: IdempotencyStore> IdempotencyStore for std::sync::Arc<T> {
    fn claim(
        &self,
        key: &str,
        lease: Duration,
        now: SystemTime,
    ) -> impl Future<Output = Result<Claim, IdempotencyError>> + Send {
        T::claim(self, key, lease, now)
    }

    fn complete(
        &self,
        key: &str,
        response: StoredResponse,
        ttl: Duration,
        now: SystemTime,
    ) -> impl Future<Output = Result<(), IdempotencyError>> + Send {
        T::complete(self, key, response, ttl, now)
    }

    fn release(&self, key: &str) -> impl Future<Output = Result<(), IdempotencyError>> + Send {
        T::release(self, key)
    }
}

/// Converts `time` to milliseconds since the Unix epoch, the unit the stores
/// keep. Times before the epoch become 0 and times past `i64::MAX` ms
/// saturate.
pub(crate) fn unix_millis(time: SystemTime) -> i64 {
    match time.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(since) => i64::try_from(since.as_millis()).unwrap_or(i64::MAX),
        Err(_) => 0,
    }
}

/// Converts a duration to whole milliseconds, saturating at `i64::MAX`.
pub(crate) fn duration_millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

/// Makes the random token that marks claims written by one store instance.
#[cfg(any(feature = "sqlite", feature = "redis"))]
pub(crate) fn new_owner_token() -> String {
    uuid::Uuid::now_v7().simple().to_string()
}
