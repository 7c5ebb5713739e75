//! Idempotency by webhook id, for receivers.
//!
//! Senders retry, and a retry after a lost response delivers the same
//! webhook again. A receiver claims the `webhook-id` before running its
//! handler: the first claim wins, a concurrent duplicate sees the claim in
//! progress, and a later duplicate gets the stored response of the first.
//! Entries expire after a configurable time to live.

use std::future::Future;
use std::time::{Duration, SystemTime};

/// The response a handler produced, stored so duplicates get the same answer.
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
