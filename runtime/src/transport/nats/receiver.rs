//! Receiving signed messages: verify, claim, handle, settle.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_nats::jetstream::consumer::pull::MessagesErrorKind;
use async_nats::jetstream::AckKind;
use futures_util::StreamExt;

use super::headers::{to_pairs, webhook_headers};
use super::message::{HandlerError, VerifiedMessage};
use super::subscription::{Source, Subscription};
use crate::idempotency::{Claim, IdempotencyStore, StoredResponse};
use crate::retry::{NextStep, RetryPolicy, Verdict};
use crate::signing::Verifier;
use crate::transport::TransportError;

/// Maximum length of a webhook id quoted in a log line, in characters.
const MAX_LOGGED_ID_CHARS: usize = 100;

/// Consecutive errors from a JetStream consumer after which
/// [`NatsReceiver::run`] returns, so the caller can reconnect or alert.
const MAX_CONSECUTIVE_STREAM_ERRORS: u32 = 10;

/// The status stored for a handled message. The idempotency stores keep an
/// HTTP status, and a message has none, so every success is stored as 200.
const HANDLED_STATUS: u16 = 200;

/// Receives signed messages from NATS, verifies them, deduplicates them by
/// webhook id and runs a handler once per id.
///
/// For each message, [`run`](Self::run):
///
/// 1. verifies the `webhook-signature` over the raw payload with the
///    [`Verifier`]. A message that fails is never handled: JetStream gets a
///    `TERM`, so the server does not redeliver it, and a warning with the
///    webhook id is logged.
/// 2. claims the webhook id in the [`IdempotencyStore`]. An id handled
///    already is acknowledged without running the handler. An id claimed
///    by another receiver that has not finished gets a `NAK` with a delay,
///    so JetStream redelivers it later.
/// 3. runs the handler on its own task. On success it completes the claim
///    and then acknowledges. Completing first means a crash between the two
///    steps leads to a redelivery that the store recognises as done.
/// 4. on a handler error or panic, it releases the claim and sends a `NAK`
///    with a delay: the error's
///    [`retry_after`](HandlerError::retry_after), else the backoff of the
///    redelivery [`RetryPolicy`] for this delivery count. When the policy
///    gives up, the message gets a `TERM` and an error is logged. A
///    [`permanent`](HandlerError::permanent) error gets a `TERM` at once.
///
/// One receiver handles one message at a time. For parallel handling, run
/// several receivers on the same durable consumer or queue group.
///
/// # Timestamps of stored messages
///
/// For JetStream, the signature timestamp is checked against the time the
/// server stored the message, not the time of receipt. A consumer that was
/// offline for longer than the verifier's tolerance still accepts its
/// backlog, and a message copied from elsewhere and published again gets a
/// new storage time, so it fails. Core messages are checked against the
/// time of receipt.
///
/// # Core NATS
///
/// Core NATS has no acknowledgements: a message whose handler failed is
/// lost once its claim is released, and a duplicate that arrives while the
/// first copy is in progress is dropped.
///
/// # Example
///
/// ```no_run
/// use hookforge::idempotency::memory::MemoryIdempotency;
/// use hookforge::signing::Verifier;
/// use hookforge::transport::nats::{
///     async_nats, DurableConsumer, HandlerError, NatsReceiver, Subscription, VerifiedMessage,
/// };
///
/// # async fn example() -> Result<(), Box<dyn std::error::Error>> {
/// let client = async_nats::connect("nats://127.0.0.1:4222").await?;
/// let verifier = Verifier::new(vec!["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".parse()?]);
/// let receiver = NatsReceiver::new(verifier, MemoryIdempotency::new(100_000));
///
/// let consumer = DurableConsumer::new("ORDERS", "billing");
/// let subscription = Subscription::jetstream(&client, &consumer).await?;
/// receiver
///     .run(subscription, |message: VerifiedMessage| async move {
///         println!("received {} on {}", message.id, message.subject);
///         Ok::<(), HandlerError>(())
///     })
///     .await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct NatsReceiver<S> {
    verifier: Verifier,
    store: Arc<S>,
    lease: Duration,
    ttl: Duration,
    redelivery: RetryPolicy,
}

/// The acknowledgement sent to JetStream for one message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Settle {
    Ack,
    Nak(Duration),
    Term,
}

/// A received message of either source, with what settling needs.
struct Incoming {
    message: async_nats::Message,
    jetstream: Option<async_nats::jetstream::Message>,
}

impl<S: IdempotencyStore> NatsReceiver<S> {
    /// Creates a receiver that verifies with `verifier` and claims ids in
    /// `store`. Claims have a 60 second lease, and handled ids are kept for
    /// 24 hours. Redelivery delays start at 1 s and double up to 5 min, over
    /// at most 10 deliveries within 24 hours.
    pub fn new(verifier: Verifier, store: S) -> Self {
        NatsReceiver {
            verifier,
            store: Arc::new(store),
            lease: Duration::from_secs(60),
            ttl: Duration::from_secs(24 * 60 * 60),
            redelivery: RetryPolicy {
                base: Duration::from_secs(1),
                cap: Duration::from_secs(5 * 60),
                max_attempts: 10,
                deadline: Duration::from_secs(24 * 60 * 60),
                max_retry_after: Duration::from_secs(5 * 60),
            },
        }
    }

    /// Sets how long a claim stays in progress when its holder neither
    /// completes nor releases it (a crash). Choose it longer than the
    /// slowest handler.
    #[must_use]
    pub fn with_lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// Sets how long a handled id is remembered. Choose it longer than a
    /// sender keeps retrying and than JetStream keeps redelivering.
    #[must_use]
    pub fn with_ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl;
        self
    }

    /// Sets the policy for redelivering messages whose handler failed:
    /// [`RetryPolicy::backoff`] gives the `NAK` delay for each delivery
    /// count, and [`RetryPolicy::next_attempt`], counted from the time the
    /// server stored the message, decides when to give up. Its
    /// `max_retry_after` caps a handler's
    /// [`retry_after`](HandlerError::retry_after).
    #[must_use]
    pub fn with_redelivery(mut self, policy: RetryPolicy) -> Self {
        self.redelivery = policy;
        self
    }

    /// Returns the idempotency store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// Receives from `subscription` until it ends, handling one message at
    /// a time. See [`run_until`](Self::run_until) to stop earlier.
    ///
    /// # Errors
    ///
    /// [`TransportError::Receive`] when the JetStream consumer was deleted
    /// or its message stream failed 10 times in a row.
    pub async fn run<H, F>(
        &self,
        subscription: Subscription,
        handler: H,
    ) -> Result<(), TransportError>
    where
        H: Fn(VerifiedMessage) -> F + Send + Sync,
        F: Future<Output = Result<(), HandlerError>> + Send + 'static,
    {
        self.run_until(subscription, handler, std::future::pending())
            .await
    }

    /// Receives from `subscription` until it ends or `shutdown` completes,
    /// handling one message at a time.
    ///
    /// `shutdown` is checked between messages, so the message in progress
    /// is handled and settled first, and the connection is flushed before
    /// this returns, so the acknowledgements reached the server. JetStream
    /// messages that the consumer fetched but this receiver did not start
    /// are redelivered, to this durable consumer, after its ack wait.
    ///
    /// # Errors
    ///
    /// [`TransportError::Receive`] when the JetStream consumer was deleted
    /// or its message stream failed 10 times in a row.
    pub async fn run_until<H, F, D>(
        &self,
        subscription: Subscription,
        handler: H,
        shutdown: D,
    ) -> Result<(), TransportError>
    where
        H: Fn(VerifiedMessage) -> F + Send + Sync,
        F: Future<Output = Result<(), HandlerError>> + Send + 'static,
        D: Future<Output = ()>,
    {
        let client = subscription.client.clone();
        let result = self.receive_all(subscription, &handler, shutdown).await;
        // The client buffers acknowledgements. Flushing waits until the
        // server has them, so a process that exits right after this returns
        // causes no redeliveries.
        if let Err(error) = client.flush().await {
            tracing::warn!(%error, "failed to flush acknowledgements after receiving stopped");
        }
        result
    }

    async fn receive_all<H, F, D>(
        &self,
        subscription: Subscription,
        handler: &H,
        shutdown: D,
    ) -> Result<(), TransportError>
    where
        H: Fn(VerifiedMessage) -> F + Send + Sync,
        F: Future<Output = Result<(), HandlerError>> + Send + 'static,
        D: Future<Output = ()>,
    {
        let name = subscription.name;
        let mut shutdown = std::pin::pin!(shutdown);
        match subscription.source {
            Source::Core(mut subscriber) => loop {
                let message = tokio::select! {
                    biased;
                    () = &mut shutdown => return Ok(()),
                    message = subscriber.next() => message,
                };
                let Some(message) = message else {
                    return Ok(());
                };
                let incoming = Incoming {
                    message,
                    jetstream: None,
                };
                self.receive(incoming, handler).await;
            },
            Source::JetStream(mut messages) => {
                let mut consecutive_errors = 0;
                loop {
                    let next = tokio::select! {
                        biased;
                        () = &mut shutdown => return Ok(()),
                        next = messages.next() => next,
                    };
                    let error = match next {
                        None => return Ok(()),
                        Some(Ok(message)) => {
                            consecutive_errors = 0;
                            let incoming = Incoming {
                                message: message.message.clone(),
                                jetstream: Some(message),
                            };
                            self.receive(incoming, handler).await;
                            continue;
                        }
                        Some(Err(error)) => error,
                    };
                    consecutive_errors += 1;
                    let deleted = matches!(error.kind(), MessagesErrorKind::ConsumerDeleted);
                    if deleted || consecutive_errors >= MAX_CONSECUTIVE_STREAM_ERRORS {
                        return Err(TransportError::Receive {
                            source_name: name,
                            message: error.to_string(),
                        });
                    }
                    tracing::warn!(consumer = %name, %error, "failed to read from a JetStream consumer; continuing");
                }
            }
        }
    }

    /// Runs the steps for one message and settles it.
    async fn receive<H, F>(&self, incoming: Incoming, handler: &H)
    where
        H: Fn(VerifiedMessage) -> F + Send + Sync,
        F: Future<Output = Result<(), HandlerError>> + Send + 'static,
    {
        let settle = self.process(&incoming, handler).await;
        let Some(message) = &incoming.jetstream else {
            return;
        };
        let kind = match settle {
            Settle::Ack => AckKind::Ack,
            Settle::Nak(delay) => AckKind::Nak(Some(delay)),
            Settle::Term => AckKind::Term,
        };
        // A lost acknowledgement leads to a redelivery after the consumer's
        // ack wait, which the idempotency store then recognises.
        if let Err(error) = message.ack_with(kind).await {
            let headers = webhook_headers(incoming.message.headers.as_ref());
            tracing::warn!(webhook_id = logged_id(headers.id), ?settle, %error, "failed to acknowledge a JetStream message");
        }
    }

    async fn process<H, F>(&self, incoming: &Incoming, handler: &H) -> Settle
    where
        H: Fn(VerifiedMessage) -> F + Send + Sync,
        F: Future<Output = Result<(), HandlerError>> + Send + 'static,
    {
        let message = &incoming.message;
        let headers = webhook_headers(message.headers.as_ref());
        let (stored_at, delivered) = delivery_info(incoming);
        if let Err(error) = self.verifier.verify(&headers, &message.payload, stored_at) {
            tracing::warn!(
                webhook_id = logged_id(headers.id),
                subject = %message.subject,
                %error,
                "rejected a NATS message that failed verification"
            );
            return Settle::Term;
        }
        let Some(timestamp) = parse_timestamp(headers.timestamp) else {
            // Unreachable while verification parses the same header.
            return Settle::Term;
        };
        let id = headers.id.to_owned();

        match self.store.claim(&id, self.lease, SystemTime::now()).await {
            Ok(Claim::New) => {}
            Ok(Claim::Done(_)) => {
                tracing::debug!(webhook_id = %id, "acknowledged a duplicate NATS message without handling it");
                return Settle::Ack;
            }
            Ok(Claim::InProgress) => {
                tracing::debug!(webhook_id = %id, "a duplicate NATS message arrived while the first is being handled");
                return Settle::Nak(self.lease.min(self.redelivery.max_retry_after));
            }
            Err(error) => {
                tracing::error!(webhook_id = %id, %error, "failed to claim a webhook id");
                return Settle::Nak(
                    self.redelivery
                        .backoff(retry_number(delivered), &mut fastrand::f64),
                );
            }
        }

        let verified = VerifiedMessage {
            id: id.clone(),
            subject: message.subject.to_string(),
            timestamp,
            headers: to_pairs(message.headers.as_ref()),
            body: message.payload.clone(),
            delivered,
        };
        let outcome = match tokio::spawn(handler(verified)).await {
            Ok(outcome) => outcome,
            Err(error) => Err(HandlerError::new(format!("the handler panicked: {error}"))),
        };
        match outcome {
            Ok(()) => {
                self.complete(&id).await;
                Settle::Ack
            }
            Err(error) => {
                self.release(&id).await;
                self.after_failure(
                    &id,
                    &error,
                    stored_at,
                    delivered,
                    incoming.jetstream.is_some(),
                )
            }
        }
    }

    /// Chooses the redelivery delay after a handler failure, or gives up.
    fn after_failure(
        &self,
        id: &str,
        error: &HandlerError,
        stored_at: SystemTime,
        delivered: u64,
        redelivers: bool,
    ) -> Settle {
        if error.is_permanent() {
            tracing::warn!(webhook_id = %id, delivered, %error, "the NATS message handler rejected the message; it is not redelivered");
            return Settle::Term;
        }
        if !redelivers {
            tracing::warn!(webhook_id = %id, %error, "the handler of a core NATS message failed; core NATS does not redeliver it");
            return Settle::Term;
        }
        let attempts = u32::try_from(delivered).unwrap_or(u32::MAX);
        let step = self.redelivery.next_attempt(
            attempts,
            stored_at,
            SystemTime::now(),
            Verdict::Retry,
            error.retry_after(),
            &mut fastrand::f64,
        );
        match step {
            NextStep::RetryAt(at) => {
                let delay = at
                    .duration_since(SystemTime::now())
                    .unwrap_or(Duration::ZERO);
                tracing::warn!(webhook_id = %id, delivered, delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX), %error, "the NATS message handler failed; JetStream will redeliver");
                Settle::Nak(delay)
            }
            NextStep::DeadLetter(reason) => {
                tracing::error!(webhook_id = %id, delivered, %reason, %error, "the NATS message handler failed; giving up on the message");
                Settle::Term
            }
            NextStep::Delivered => Settle::Ack,
        }
    }

    async fn complete(&self, id: &str) {
        let stored = StoredResponse {
            status: HANDLED_STATUS,
            body: Vec::new(),
        };
        // A failure leaves the claim in progress until its lease runs out,
        // and a redelivery after that runs the handler again.
        if let Err(error) = self
            .store
            .complete(id, stored, self.ttl, SystemTime::now())
            .await
        {
            tracing::warn!(webhook_id = %id, %error, "failed to mark a NATS message handled; a redelivery may run the handler again");
        }
    }

    async fn release(&self, id: &str) {
        if let Err(error) = self.store.release(id).await {
            tracing::warn!(webhook_id = %id, %error, "failed to release a webhook claim");
        }
    }
}

/// Returns the time to verify the timestamp against and the delivery
/// count: the storage time and count from JetStream, or now and 1.
fn delivery_info(incoming: &Incoming) -> (SystemTime, u64) {
    let received = (SystemTime::now(), 1);
    let Some(message) = &incoming.jetstream else {
        return received;
    };
    let Ok(info) = message.info() else {
        return received;
    };
    let stored_at = SystemTime::from(info.published);
    let delivered = u64::try_from(info.delivered).unwrap_or(1).max(1);
    (stored_at, delivered)
}

/// Returns the 0-based retry number for [`RetryPolicy::backoff`].
fn retry_number(delivered: u64) -> u32 {
    u32::try_from(delivered.saturating_sub(1)).unwrap_or(u32::MAX)
}

/// Parses integer Unix seconds into a time.
fn parse_timestamp(text: &str) -> Option<SystemTime> {
    let seconds: i64 = text.parse().ok()?;
    let offset = Duration::from_secs(seconds.unsigned_abs());
    if seconds >= 0 {
        UNIX_EPOCH.checked_add(offset)
    } else {
        UNIX_EPOCH.checked_sub(offset)
    }
}

/// Cuts a webhook id to [`MAX_LOGGED_ID_CHARS`] for a log line, or returns
/// `"-"` when it is empty.
fn logged_id(id: &str) -> &str {
    if id.is_empty() {
        return "-";
    }
    match id.char_indices().nth(MAX_LOGGED_ID_CHARS) {
        Some((end, _)) => &id[..end],
        None => id,
    }
}
