//! The durable outbox and its dead-letter queue.
//!
//! A sender stores every delivery it accepts before the first attempt, so a
//! crash loses nothing: a restarted sender claims pending rows again once
//! their lease runs out. After the last attempt a delivery moves to the
//! dead-letter queue with its attempt count and last error, where it can be
//! listed, inspected, replayed or purged.
//!
//! [`OutboxStore`] is the contract every backend meets. The embedded backend
//! keeps one SQLite file; the PostgreSQL backend lets several sender
//! processes share one queue.

use std::future::Future;
use std::time::{Duration, SystemTime};

#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod codec;
#[cfg(feature = "postgres")]
pub mod postgres;
#[cfg(feature = "sqlite")]
pub mod sqlite;

/// Row id of a delivery inside one store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DeliveryId(pub i64);

impl std::fmt::Display for DeliveryId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// A delivery as the application hands it to the sender.
///
/// The body is kept as the exact bytes to send. Signatures are not stored:
/// every attempt is signed afresh with the current timestamp and the same
/// `webhook_id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDelivery {
    /// The `webhook-id`, stable across every attempt and replay.
    pub webhook_id: String,
    /// The URL the request goes to.
    pub endpoint: String,
    /// The event type, for filtering the dead-letter queue (for example
    /// `invoice.paid`).
    pub event_type: String,
    /// Request headers other than the signature headers, in order.
    pub headers: Vec<(String, String)>,
    /// The request body, sent byte for byte.
    pub body: Vec<u8>,
}

/// The stage of a stored delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeliveryState {
    /// Waiting for its next attempt, or leased to a worker making it.
    Pending,
    /// Moved to the dead-letter queue after its last attempt failed.
    Dead,
}

/// A delivery as a store returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The store's row id.
    pub id: DeliveryId,
    /// What the application handed over.
    pub message: NewDelivery,
    /// Pending or dead.
    pub state: DeliveryState,
    /// Attempts made so far.
    pub attempts: u32,
    /// The error of the last failed attempt, if any.
    pub last_error: Option<String>,
    /// When the delivery was first stored.
    pub created_at: SystemTime,
    /// When a worker may next attempt it (pending rows only).
    pub next_attempt_at: SystemTime,
    /// When it moved to the dead-letter queue (dead rows only).
    pub dead_at: Option<SystemTime>,
}

/// Which dead letters a list, replay or purge touches.
///
/// Every field that is set must match; an empty filter matches every dead
/// letter. Pending deliveries never match, even when `ids` names them.
///
/// # Example
///
/// ```
/// use hookforge::outbox::{DeadLetterFilter, DeliveryId};
///
/// // Dead letters 7 and 9, if they went to this endpoint.
/// let filter = DeadLetterFilter {
///     ids: vec![DeliveryId(7), DeliveryId(9)],
///     endpoint: Some("http://127.0.0.1:8080/hooks".into()),
///     ..DeadLetterFilter::default()
/// };
/// assert!(filter.event_type.is_none());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeadLetterFilter {
    /// Only deliveries with one of these ids. Empty places no restriction.
    pub ids: Vec<DeliveryId>,
    /// Only deliveries to this exact endpoint URL.
    pub endpoint: Option<String>,
    /// Only deliveries of this exact event type.
    pub event_type: Option<String>,
    /// Only deliveries that died at or after this instant.
    pub dead_since: Option<SystemTime>,
    /// Only deliveries that died before this instant.
    pub dead_before: Option<SystemTime>,
    /// At most this many rows, oldest first (list only).
    pub limit: Option<u32>,
}

/// The outcome of a failed attempt, as the worker reports it to the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptFailure {
    /// Attempts made so far, counting this one.
    pub attempts: u32,
    /// The failure, for the dead-letter queue and the logs. The HTTP
    /// sender ends it with the start of a non-2xx response body, behind
    /// `"; response body: "`.
    pub error: String,
}

/// Errors from a store backend.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The backend failed: a database error, a lost connection or a broken
    /// file.
    #[error("outbox store failed: {0}")]
    Backend(String),
    /// A row did not hold what the store wrote, for example a negative
    /// attempt count.
    #[error("outbox store holds an invalid row {id}: {reason}")]
    Corrupt {
        /// The row that failed to decode.
        id: DeliveryId,
        /// What was wrong with it.
        reason: String,
    },
    /// The id names no delivery in the expected state.
    #[error("delivery {0} not found")]
    NotFound(DeliveryId),
}

/// Durable storage for pending deliveries and dead letters.
///
/// Every method is atomic. Implementations must be safe to share between
/// tasks and, for backends that allow it, between processes: a row is
/// handed to one worker at a time by [`claim_due`](Self::claim_due).
pub trait OutboxStore: Send + Sync + 'static {
    /// Stores a delivery as pending and due now. When this returns `Ok`, the
    /// delivery survives a crash of the process.
    fn enqueue(
        &self,
        delivery: NewDelivery,
        now: SystemTime,
    ) -> impl Future<Output = Result<DeliveryId, StoreError>> + Send;

    /// Claims up to `limit` pending deliveries due at `now`, oldest first,
    /// and leases them until `now + lease`. A leased row is not returned
    /// again until the lease expires, so a worker that crashes mid-attempt
    /// delays its rows by at most one lease.
    fn claim_due(
        &self,
        now: SystemTime,
        limit: u32,
        lease: Duration,
    ) -> impl Future<Output = Result<Vec<Delivery>, StoreError>> + Send;

    /// Removes a delivered row.
    fn complete(&self, id: DeliveryId) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Records a failed attempt and makes the row due again at `retry_at`.
    fn retry_later(
        &self,
        id: DeliveryId,
        failure: AttemptFailure,
        retry_at: SystemTime,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Moves a row to the dead-letter queue after its last failed attempt.
    fn dead_letter(
        &self,
        id: DeliveryId,
        failure: AttemptFailure,
        now: SystemTime,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Lists dead letters that match `filter`, oldest death first.
    fn list_dead(
        &self,
        filter: &DeadLetterFilter,
    ) -> impl Future<Output = Result<Vec<Delivery>, StoreError>> + Send;

    /// Returns one delivery, pending or dead, or `None` when the id is unknown.
    fn get(
        &self,
        id: DeliveryId,
    ) -> impl Future<Output = Result<Option<Delivery>, StoreError>> + Send;

    /// Moves the matching dead letters back to pending, due at `now`, with
    /// their attempt count reset to zero. Returns how many moved. The
    /// `webhook_id` is kept, so a receiver that already handled one
    /// recognises the duplicate.
    fn replay(
        &self,
        filter: &DeadLetterFilter,
        now: SystemTime,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Deletes the matching dead letters. Returns how many were deleted.
    fn purge(
        &self,
        filter: &DeadLetterFilter,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Counts pending and dead rows, for metrics and shutdown checks.
    fn counts(&self) -> impl Future<Output = Result<OutboxCounts, StoreError>> + Send;
}

/// Row counts by state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutboxCounts {
    /// Rows waiting for an attempt, leased or not.
    pub pending: u64,
    /// Rows in the dead-letter queue.
    pub dead: u64,
}
