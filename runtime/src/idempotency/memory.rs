//! An in-process idempotency store with a bounded number of entries.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use super::{
    duration_millis, unix_millis, Claim, IdempotencyError, IdempotencyStore, StoredResponse,
};

/// An [`IdempotencyStore`] kept in memory, for a receiver that runs as one
/// process.
///
/// The store keeps at most `max_entries` entries. When a new key does not
/// fit, it first drops every expired entry, then the done entry that was
/// completed longest ago. It never drops a live in-progress claim: when
/// every entry is one, [`claim`](IdempotencyStore::claim) and
/// [`complete`](IdempotencyStore::complete) of a new key return
/// [`IdempotencyError::Backend`], and a receiver answers such a delivery
/// with a server error so the sender retries later.
///
/// Entries are lost when the process exits, so a delivery retried across a
/// restart runs its handler again.
///
/// # Example
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), hookforge::idempotency::IdempotencyError> {
/// use std::time::{Duration, SystemTime};
/// use hookforge::idempotency::memory::MemoryIdempotency;
/// use hookforge::idempotency::{Claim, IdempotencyStore, StoredResponse};
///
/// let store = MemoryIdempotency::new(10_000);
/// let now = SystemTime::now();
/// let lease = Duration::from_secs(30);
///
/// assert_eq!(store.claim("msg_1", lease, now).await?, Claim::New);
/// assert_eq!(store.claim("msg_1", lease, now).await?, Claim::InProgress);
///
/// let response = StoredResponse { status: 204, body: Vec::new() };
/// store.complete("msg_1", response.clone(), Duration::from_secs(3600), now).await?;
/// assert_eq!(store.claim("msg_1", lease, now).await?, Claim::Done(response));
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct MemoryIdempotency {
    entries: Mutex<Entries>,
    max_entries: usize,
}

impl MemoryIdempotency {
    /// Creates an empty store that keeps at most `max_entries` entries.
    ///
    /// With `max_entries` 0 every claim of a new key fails.
    pub fn new(max_entries: usize) -> Self {
        Self {
            entries: Mutex::new(Entries::default()),
            max_entries,
        }
    }

    /// Returns the maximum number of entries.
    pub fn max_entries(&self) -> usize {
        self.max_entries
    }

    /// Returns the number of entries held, expired ones included until the
    /// next claim or completion drops them.
    pub fn len(&self) -> usize {
        self.lock().by_key.len()
    }

    /// Returns whether the store is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> MutexGuard<'_, Entries> {
        // Every update of `Entries` finishes before the guard drops and none
        // of them panics on a valid state, so a poisoned lock still guards
        // consistent indexes.
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn claim_now(
        &self,
        key: &str,
        lease: Duration,
        now: SystemTime,
    ) -> Result<Claim, IdempotencyError> {
        let now_ms = unix_millis(now);
        let mut entries = self.lock();
        entries.remove_expired(now_ms);

        if let Some(entry) = entries.by_key.get(key) {
            return Ok(match &entry.state {
                State::InProgress => Claim::InProgress,
                State::Done(response) => Claim::Done(response.clone()),
            });
        }

        entries.make_room(self.max_entries, now_ms)?;
        let expires_at = now_ms.saturating_add(duration_millis(lease));
        entries.insert(Arc::from(key), State::InProgress, expires_at);
        Ok(Claim::New)
    }

    fn complete_now(
        &self,
        key: &str,
        response: StoredResponse,
        ttl: Duration,
        now: SystemTime,
    ) -> Result<(), IdempotencyError> {
        let now_ms = unix_millis(now);
        let mut entries = self.lock();
        entries.remove_expired(now_ms);

        let key: Arc<str> = match entries.by_key.get_key_value(key) {
            // The first stored response stays, so every duplicate gets the same one.
            Some((_, entry)) if matches!(entry.state, State::Done(_)) => return Ok(()),
            Some((stored_key, _)) => {
                let stored_key = Arc::clone(stored_key);
                entries.remove(&stored_key);
                stored_key
            }
            None => {
                entries.make_room(self.max_entries, now_ms)?;
                Arc::from(key)
            }
        };
        let expires_at = now_ms.saturating_add(duration_millis(ttl));
        entries.insert(key, State::Done(response), expires_at);
        Ok(())
    }

    fn release_now(&self, key: &str) {
        let mut entries = self.lock();
        if entries
            .by_key
            .get(key)
            .is_some_and(|entry| matches!(entry.state, State::InProgress))
        {
            entries.remove(key);
        }
    }
}

impl IdempotencyStore for MemoryIdempotency {
    async fn claim(
        &self,
        key: &str,
        lease: Duration,
        now: SystemTime,
    ) -> Result<Claim, IdempotencyError> {
        self.claim_now(key, lease, now)
    }

    async fn complete(
        &self,
        key: &str,
        response: StoredResponse,
        ttl: Duration,
        now: SystemTime,
    ) -> Result<(), IdempotencyError> {
        self.complete_now(key, response, ttl, now)
    }

    async fn release(&self, key: &str) -> Result<(), IdempotencyError> {
        self.release_now(key);
        Ok(())
    }
}

#[derive(Debug)]
enum State {
    InProgress,
    Done(StoredResponse),
}

#[derive(Debug)]
struct Entry {
    state: State,
    /// Unix milliseconds after which the entry no longer counts.
    expires_at: i64,
    /// Write order, unique per write: the tie-breaker in `by_expiry` and the
    /// age in `done_by_age`.
    sequence: u64,
}

/// The entries and two indexes over them, kept in step by `insert` and
/// `remove`.
#[derive(Debug, Default)]
struct Entries {
    by_key: HashMap<Arc<str>, Entry>,
    by_expiry: BTreeMap<(i64, u64), Arc<str>>,
    done_by_age: BTreeMap<u64, Arc<str>>,
    next_sequence: u64,
}

impl Entries {
    fn insert(&mut self, key: Arc<str>, state: State, expires_at: i64) {
        let sequence = self.next_sequence;
        self.next_sequence += 1;

        self.by_expiry
            .insert((expires_at, sequence), Arc::clone(&key));
        if matches!(state, State::Done(_)) {
            self.done_by_age.insert(sequence, Arc::clone(&key));
        }
        let entry = Entry {
            state,
            expires_at,
            sequence,
        };
        self.by_key.insert(key, entry);
    }

    fn remove(&mut self, key: &str) {
        if let Some(entry) = self.by_key.remove(key) {
            self.by_expiry.remove(&(entry.expires_at, entry.sequence));
            self.done_by_age.remove(&entry.sequence);
        }
    }

    /// Drops every entry whose expiry is at or before `now_ms`.
    fn remove_expired(&mut self, now_ms: i64) {
        while let Some(entry) = self.by_expiry.first_entry() {
            if entry.key().0 > now_ms {
                break;
            }
            let key = entry.remove();
            self.remove(&key);
        }
    }

    /// Evicts done entries, oldest first, until one more entry fits.
    /// Expired entries are gone already because every caller runs
    /// `remove_expired` first.
    fn make_room(&mut self, max_entries: usize, now_ms: i64) -> Result<(), IdempotencyError> {
        while self.by_key.len() >= max_entries {
            let Some((_, oldest_done)) = self.done_by_age.pop_first() else {
                return Err(IdempotencyError::Backend(format!(
                    "the memory idempotency store is full: all {} entries are in-progress claims \
                     that have not expired at {now_ms} ms; raise max_entries or shorten the lease",
                    self.by_key.len()
                )));
            };
            self.remove(&oldest_done);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ms: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_millis(ms)
    }

    fn done(status: u16) -> StoredResponse {
        StoredResponse {
            status,
            body: status.to_string().into_bytes(),
        }
    }

    #[test]
    fn full_store_evicts_expired_before_done() {
        let store = MemoryIdempotency::new(2);
        let lease = Duration::from_millis(100);
        let ttl = Duration::from_secs(60);
        assert_eq!(store.claim_now("done", lease, at(0)).ok(), Some(Claim::New));
        assert!(store.complete_now("done", done(200), ttl, at(0)).is_ok());
        assert_eq!(
            store.claim_now("crashed", lease, at(0)).ok(),
            Some(Claim::New)
        );

        // "crashed" expired at 100 ms and goes first; "done" stays.
        assert_eq!(
            store.claim_now("third", lease, at(150)).ok(),
            Some(Claim::New)
        );
        assert_eq!(store.len(), 2);
        assert_eq!(
            store.claim_now("done", lease, at(150)).ok(),
            Some(Claim::Done(done(200)))
        );
    }

    #[test]
    fn full_store_evicts_oldest_done_first() {
        let store = MemoryIdempotency::new(3);
        let lease = Duration::from_secs(60);
        let ttl = Duration::from_secs(60);
        for key in ["a", "b", "c"] {
            assert_eq!(store.claim_now(key, lease, at(0)).ok(), Some(Claim::New));
        }
        // Completed in the order b, a: b is the oldest done entry.
        assert!(store.complete_now("b", done(201), ttl, at(1)).is_ok());
        assert!(store.complete_now("a", done(202), ttl, at(2)).is_ok());

        assert_eq!(store.claim_now("d", lease, at(3)).ok(), Some(Claim::New));
        assert_eq!(
            store.claim_now("b", lease, at(3)).ok(),
            Some(Claim::New),
            "b was evicted"
        );
        // Claiming b again evicted a, the only done entry left.
        assert_eq!(
            store.claim_now("a", lease, at(3)).ok(),
            None,
            "only in-progress claims are left"
        );
        assert_eq!(
            store.claim_now("c", lease, at(3)).ok(),
            Some(Claim::InProgress)
        );
    }

    #[test]
    fn full_of_claims_rejects_new_key() {
        let store = MemoryIdempotency::new(1);
        let lease = Duration::from_secs(60);
        assert_eq!(store.claim_now("held", lease, at(0)).ok(), Some(Claim::New));

        let result = store.claim_now("other", lease, at(1));
        assert!(
            matches!(result, Err(IdempotencyError::Backend(_))),
            "{result:?}"
        );
        assert_eq!(
            store.claim_now("held", lease, at(1)).ok(),
            Some(Claim::InProgress)
        );
    }

    #[test]
    fn complete_keeps_first_response() {
        let store = MemoryIdempotency::new(4);
        let ttl = Duration::from_secs(60);
        assert!(store.complete_now("k", done(200), ttl, at(0)).is_ok());
        assert!(store.complete_now("k", done(202), ttl, at(1)).is_ok());
        assert_eq!(
            store.claim_now("k", ttl, at(2)).ok(),
            Some(Claim::Done(done(200)))
        );
    }

    #[test]
    fn release_leaves_done_entry() {
        let store = MemoryIdempotency::new(4);
        let ttl = Duration::from_secs(60);
        assert!(store.complete_now("k", done(200), ttl, at(0)).is_ok());
        store.release_now("k");
        assert_eq!(
            store.claim_now("k", ttl, at(1)).ok(),
            Some(Claim::Done(done(200)))
        );
    }

    #[test]
    fn huge_lease_saturates() {
        let store = MemoryIdempotency::new(4);
        assert_eq!(
            store.claim_now("k", Duration::MAX, at(0)).ok(),
            Some(Claim::New)
        );
        assert_eq!(
            store.claim_now("k", Duration::MAX, at(u64::MAX / 4)).ok(),
            Some(Claim::InProgress)
        );
    }
}
