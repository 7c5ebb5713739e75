//! An idempotency store in Redis, shared by every receiver process that
//! reaches the server.
//!
//! Each webhook id is one string key, `<prefix><webhook id>`, whose value
//! starts with a tag byte:
//!
//! | value | meaning |
//! |-------|---------|
//! | `P` + owner token | claim in progress, expiring after the lease |
//! | `D` + status (2 bytes, big-endian) + body | done, expiring after the TTL |
//!
//! A claim is `SET key P<token> NX PX <lease>`. When the key exists, a
//! `GET` distinguishes an in-progress claim from a stored response.
//! Completion and release run as small Lua scripts, which Redis executes
//! atomically. Completion writes only when the key is missing or contains
//! this instance's claim, and release deletes only this instance's claim,
//! so an instance whose lease ran out cannot overwrite or delete the claim
//! another instance took since. Scripts were chosen over
//! `WATCH`/`MULTI` because a script needs one round trip and no retry loop,
//! and because `WATCH` state belongs to a connection, which a multiplexed
//! connection shares between callers.
//!
//! Redis measures leases and TTLs with its own clock from the moment a
//! command arrives, so the `now` passed to the store is not used.

use std::time::{Duration, SystemTime};

use redis::aio::MultiplexedConnection;

use super::{
    duration_millis, new_owner_token, Claim, IdempotencyError, IdempotencyStore, StoredResponse,
};

/// The key prefix that [`RedisIdempotency::new`] uses.
pub const DEFAULT_PREFIX: &str = "hookforge:idempotency:";

const TAG_IN_PROGRESS: u8 = b'P';
const TAG_DONE: u8 = b'D';

/// How many times a claim retries when the key expires between its `SET`
/// and its `GET`.
const CLAIM_ATTEMPTS: usize = 3;

/// Stores the response when the key contains our claim or is missing.
/// Returns 1 when stored, 2 when a response is stored already, 0 when
/// the key contains another instance's claim.
const COMPLETE_SCRIPT: &str = r"
local current = redis.call('GET', KEYS[1])
if current == false or current == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return 1
end
if string.byte(current, 1) == string.byte('D') then
  return 2
end
return 0
";

/// Deletes the key when it contains our claim. Returns the number deleted.
const RELEASE_SCRIPT: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
";

/// An [`IdempotencyStore`] in Redis.
///
/// Cloning is cheap and clones share the connection and the owner token,
/// so they act as one claimant (see the
/// [module documentation of `idempotency`](super#who-holds-a-claim)).
///
/// # Example
///
/// ```no_run
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), hookforge::idempotency::IdempotencyError> {
/// use std::time::{Duration, SystemTime};
/// use hookforge::idempotency::redis::RedisIdempotency;
/// use hookforge::idempotency::{Claim, IdempotencyStore, StoredResponse};
///
/// let store = RedisIdempotency::connect("redis://127.0.0.1:6379")
///     .await?
///     .with_prefix("orders:webhooks:");
///
/// let now = SystemTime::now();
/// if store.claim("msg_1", Duration::from_secs(30), now).await? == Claim::New {
///     let response = StoredResponse { status: 204, body: Vec::new() };
///     store.complete("msg_1", response, Duration::from_secs(86_400), now).await?;
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct RedisIdempotency {
    connection: MultiplexedConnection,
    prefix: String,
    /// `P` followed by this instance's owner token: the value of its claims.
    claim_value: Vec<u8>,
}

impl std::fmt::Debug for RedisIdempotency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisIdempotency")
            .field("prefix", &self.prefix)
            .field("claim_value", &String::from_utf8_lossy(&self.claim_value))
            .finish_non_exhaustive()
    }
}

impl RedisIdempotency {
    /// Wraps a connection, with keys under [`DEFAULT_PREFIX`].
    pub fn new(connection: MultiplexedConnection) -> Self {
        let mut claim_value = vec![TAG_IN_PROGRESS];
        claim_value.extend_from_slice(new_owner_token().as_bytes());
        Self {
            connection,
            prefix: DEFAULT_PREFIX.to_owned(),
            claim_value,
        }
    }

    /// Connects to the Redis server at `url` (for example
    /// `redis://127.0.0.1:6379/0`), with keys under [`DEFAULT_PREFIX`].
    ///
    /// # Errors
    ///
    /// [`IdempotencyError::Backend`] when the URL is invalid or the
    /// connection fails.
    pub async fn connect(url: &str) -> Result<Self, IdempotencyError> {
        let client = redis::Client::open(url).map_err(backend)?;
        let connection = client
            .get_multiplexed_async_connection()
            .await
            .map_err(backend)?;
        Ok(Self::new(connection))
    }

    /// Puts keys under `prefix` in place of [`DEFAULT_PREFIX`], for example
    /// to keep two receivers on one Redis apart.
    #[must_use]
    pub fn with_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// Returns the key prefix.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    fn redis_key(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    async fn claim_key(&self, key: &str, lease: Duration) -> Result<Claim, IdempotencyError> {
        let redis_key = self.redis_key(key);
        let mut connection = self.connection.clone();
        for _ in 0..CLAIM_ATTEMPTS {
            let set: Option<String> = redis::cmd("SET")
                .arg(&redis_key)
                .arg(&self.claim_value)
                .arg("NX")
                .arg("PX")
                .arg(positive_millis(lease))
                .query_async(&mut connection)
                .await
                .map_err(backend)?;
            if set.is_some() {
                return Ok(Claim::New);
            }

            let current: Option<Vec<u8>> = redis::cmd("GET")
                .arg(&redis_key)
                .query_async(&mut connection)
                .await
                .map_err(backend)?;
            // `None`: the key expired between SET and GET, so try again.
            if let Some(value) = current {
                return decode(key, &value);
            }
        }
        Err(IdempotencyError::Backend(format!(
            "the Redis key {redis_key:?} expired between SET and GET {CLAIM_ATTEMPTS} times in a row"
        )))
    }

    async fn complete_key(
        &self,
        key: &str,
        response: &StoredResponse,
        ttl: Duration,
    ) -> Result<(), IdempotencyError> {
        let outcome: i64 = redis::cmd("EVAL")
            .arg(COMPLETE_SCRIPT)
            .arg(1)
            .arg(self.redis_key(key))
            .arg(&self.claim_value)
            .arg(encode_done(response))
            .arg(positive_millis(ttl))
            .query_async(&mut self.connection.clone())
            .await
            .map_err(backend)?;
        match outcome {
            0 => Err(IdempotencyError::ClaimLost {
                key: key.to_owned(),
            }),
            // 2: the first stored response stays, so every duplicate gets the same one.
            _ => Ok(()),
        }
    }

    async fn release_key(&self, key: &str) -> Result<(), IdempotencyError> {
        let _deleted: i64 = redis::cmd("EVAL")
            .arg(RELEASE_SCRIPT)
            .arg(1)
            .arg(self.redis_key(key))
            .arg(&self.claim_value)
            .query_async(&mut self.connection.clone())
            .await
            .map_err(backend)?;
        Ok(())
    }
}

impl IdempotencyStore for RedisIdempotency {
    async fn claim(
        &self,
        key: &str,
        lease: Duration,
        _now: SystemTime,
    ) -> Result<Claim, IdempotencyError> {
        self.claim_key(key, lease).await
    }

    async fn complete(
        &self,
        key: &str,
        response: StoredResponse,
        ttl: Duration,
        _now: SystemTime,
    ) -> Result<(), IdempotencyError> {
        self.complete_key(key, &response, ttl).await
    }

    async fn release(&self, key: &str) -> Result<(), IdempotencyError> {
        self.release_key(key).await
    }
}

/// Converts a lease or TTL to milliseconds for `PX`, which rejects 0.
fn positive_millis(duration: Duration) -> i64 {
    duration_millis(duration).max(1)
}

fn encode_done(response: &StoredResponse) -> Vec<u8> {
    let mut value = Vec::with_capacity(3 + response.body.len());
    value.push(TAG_DONE);
    value.extend_from_slice(&response.status.to_be_bytes());
    value.extend_from_slice(&response.body);
    value
}

fn decode(key: &str, value: &[u8]) -> Result<Claim, IdempotencyError> {
    let corrupt = |reason: &str| IdempotencyError::Corrupt {
        key: key.to_owned(),
        reason: reason.to_owned(),
    };
    match value {
        [TAG_IN_PROGRESS, ..] => Ok(Claim::InProgress),
        [TAG_DONE, high, low, body @ ..] => Ok(Claim::Done(StoredResponse {
            status: u16::from_be_bytes([*high, *low]),
            body: body.to_vec(),
        })),
        [TAG_DONE, ..] => Err(corrupt("a done value shorter than its 2-byte status")),
        [] => Err(corrupt("an empty value")),
        [_, ..] => Err(corrupt("a value with an unknown tag byte")),
    }
}

fn backend(error: redis::RedisError) -> IdempotencyError {
    IdempotencyError::Backend(format!("Redis failed: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn done_value_round_trips() {
        let response = StoredResponse {
            status: 202,
            body: b"\x00accepted\xff".to_vec(),
        };
        let value = encode_done(&response);
        assert_eq!(value[..3], [b'D', 0, 202]);
        assert_eq!(decode("k", &value).ok(), Some(Claim::Done(response)));
    }

    #[test]
    fn invalid_values_are_corrupt() {
        for value in [&b""[..], b"D", b"D\x01", b"X123"] {
            let result = decode("k", value);
            assert!(
                matches!(result, Err(IdempotencyError::Corrupt { .. })),
                "{value:?}: {result:?}"
            );
        }
    }

    #[test]
    fn claim_value_decodes_as_in_progress() {
        assert_eq!(decode("k", b"Pabc").ok(), Some(Claim::InProgress));
    }
}
