//! The sender and its delivery worker.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use http::header::{HeaderName, HeaderValue};
use tokio::sync::{Notify, Semaphore};
use tokio::task::JoinSet;
use tracing::Instrument;

use super::config::{ConfigError, SenderConfig};
use super::transport::{attempt_headers, post, AttemptReport};
use super::webhook::{Accepted, SendError, Webhook};
use crate::breaker::{BreakerRegistry, OpenPolicy};
use crate::outbox::{AttemptFailure, Delivery, NewDelivery, OutboxStore, StoreError};
use crate::retry::{classify, AttemptOutcome, NextStep};
use crate::signing::{Signer, HEADER_ID, HEADER_SIGNATURE, HEADER_TIMESTAMP};
use crate::trace::{TraceParent, TRACEPARENT};

/// Stores webhooks durably and delivers them with retries.
///
/// Cloning is cheap and shares the store, the HTTP connection pool and the
/// circuit breakers. See the [module documentation](super) for an example.
pub struct WebhookSender<S> {
    inner: Arc<Inner<S>>,
}

impl<S> Clone for WebhookSender<S> {
    fn clone(&self) -> Self {
        Self {
            inner: Arc::clone(&self.inner),
        }
    }
}

struct Inner<S> {
    store: S,
    signer: Signer,
    http: reqwest::Client,
    config: SenderConfig,
    breakers: BreakerRegistry,
    /// Wakes an idle worker when `send` stores a delivery.
    wake: Notify,
}

impl<S: OutboxStore> WebhookSender<S> {
    /// Creates a sender that stores deliveries in `store` and signs them
    /// with `signer`.
    pub fn new(store: S, signer: Signer, config: SenderConfig) -> Result<Self, ConfigError> {
        config.check()?;
        let http = config.http_client()?;
        Ok(Self::with_http_client(store, signer, config, http))
    }

    /// Creates a sender over a reqwest client configured by the caller, for
    /// example with a client certificate. The client should not follow
    /// redirects and should have a timeout below `config.lease`.
    pub fn with_http_client(
        store: S,
        signer: Signer,
        config: SenderConfig,
        http: reqwest::Client,
    ) -> Self {
        let breakers = BreakerRegistry::new(config.breaker);
        Self {
            inner: Arc::new(Inner {
                store,
                signer,
                http,
                config,
                breakers,
                wake: Notify::new(),
            }),
        }
    }

    /// Returns the outbox this sender writes to, for the dead-letter queue.
    pub fn store(&self) -> &S {
        &self.inner.store
    }

    /// Returns the circuit breakers, one per endpoint.
    pub fn breakers(&self) -> &BreakerRegistry {
        &self.inner.breakers
    }

    /// Checks `webhook` and stores it in the outbox, due now. When this
    /// returns `Ok`, the webhook survives a crash; a running worker picks it
    /// up at once.
    ///
    /// A `traceparent` header is added when the webhook has none, so every
    /// attempt of this delivery belongs to one trace.
    pub async fn send(&self, webhook: Webhook) -> Result<Accepted, SendError> {
        let delivery = self.prepare(webhook)?;
        let webhook_id = delivery.webhook_id.clone();
        let id = self
            .inner
            .store
            .enqueue(delivery, SystemTime::now())
            .await?;
        self.inner.wake.notify_one();
        Ok(Accepted { id, webhook_id })
    }

    fn prepare(&self, webhook: Webhook) -> Result<NewDelivery, SendError> {
        check_endpoint(&webhook.endpoint)?;
        let limit = self.inner.config.max_payload_bytes;
        if webhook.body.len() > limit {
            return Err(SendError::PayloadTooLarge {
                size: webhook.body.len(),
                limit,
            });
        }
        let mut has_traceparent = false;
        for (name, value) in &webhook.headers {
            let parsed = HeaderName::from_bytes(name.as_bytes()).map_err(|error| {
                SendError::InvalidHeader {
                    name: name.clone(),
                    reason: error.to_string(),
                }
            })?;
            if [HEADER_ID, HEADER_TIMESTAMP, HEADER_SIGNATURE].contains(&parsed.as_str()) {
                return Err(SendError::ReservedHeader(name.clone()));
            }
            HeaderValue::from_str(value).map_err(|error| SendError::InvalidHeader {
                name: name.clone(),
                reason: error.to_string(),
            })?;
            has_traceparent |= parsed == TRACEPARENT;
        }
        let webhook_id = match webhook.webhook_id {
            Some(id) => {
                if id.is_empty() || !id.bytes().all(|byte| byte.is_ascii_graphic()) {
                    return Err(SendError::InvalidWebhookId(id));
                }
                id
            }
            None => format!("msg_{}", uuid::Uuid::now_v7().simple()),
        };
        let mut headers = webhook.headers;
        if !has_traceparent {
            let parent = current_trace().unwrap_or_else(|| TraceParent::new_root(&mut random_u64));
            headers.push((TRACEPARENT.as_str().to_owned(), parent.to_string()));
        }
        Ok(NewDelivery {
            webhook_id,
            endpoint: webhook.endpoint,
            event_type: webhook.event_type,
            headers,
            body: webhook.body,
        })
    }

    /// Delivers due webhooks until `shutdown` completes, then waits for the
    /// attempts in flight. Store errors are logged and retried after the
    /// poll interval, so the worker outlives a database restart.
    pub async fn run(&self, shutdown: impl Future<Output = ()>) {
        let inner = &self.inner;
        let slots = Arc::new(Semaphore::new(inner.config.concurrency));
        let mut in_flight = JoinSet::new();
        tokio::pin!(shutdown);
        loop {
            while in_flight.try_join_next().is_some() {}
            let free = u32::try_from(slots.available_permits()).unwrap_or(u32::MAX);
            let batch = if free == 0 {
                Vec::new()
            } else {
                match inner
                    .store
                    .claim_due(SystemTime::now(), free, inner.config.lease)
                    .await
                {
                    Ok(batch) => batch,
                    Err(error) => {
                        tracing::error!(%error, "failed to claim due deliveries; retrying after the poll interval");
                        Vec::new()
                    }
                }
            };
            let claimed = batch.len();
            for delivery in batch {
                let Ok(permit) = Arc::clone(&slots).acquire_owned().await else {
                    break;
                };
                let sender = self.clone();
                in_flight.spawn(async move {
                    sender.attempt(delivery).await;
                    drop(permit);
                });
            }
            if claimed > 0 && slots.available_permits() > 0 {
                // A full batch may mean more rows are due right now.
                continue;
            }
            tokio::select! {
                () = &mut shutdown => break,
                () = inner.wake.notified() => {}
                Some(_) = in_flight.join_next(), if !in_flight.is_empty() => {}
                () = tokio::time::sleep(inner.config.poll_interval) => {}
            }
        }
        while in_flight.join_next().await.is_some() {}
    }

    /// Delivers until the outbox has no pending row, then returns: every
    /// webhook was delivered or moved to the dead-letter queue. Rows whose
    /// retry is scheduled later are waited for, so this can take as long as
    /// the retry policy and an open circuit allow.
    ///
    /// For a batch job or a test; a service calls [`run`](Self::run).
    /// Store errors while counting are logged and counting is retried.
    pub async fn run_until_idle(&self) {
        let store = &self.inner.store;
        let poll_interval = self.inner.config.poll_interval;
        let idle = async {
            loop {
                match store.counts().await {
                    Ok(counts) if counts.pending == 0 => return,
                    Ok(_) => {}
                    Err(error) => {
                        tracing::error!(%error, "failed to count pending deliveries; retrying");
                    }
                }
                tokio::time::sleep(poll_interval).await;
            }
        };
        self.run(idle).await;
    }

    /// Makes one attempt of `delivery` and records what follows in the
    /// store.
    async fn attempt(&self, delivery: Delivery) {
        let inner = &self.inner;
        let message = &delivery.message;
        let now = SystemTime::now();
        let permit = match inner.breakers.try_acquire(&message.endpoint) {
            Ok(permit) => permit,
            Err(rejected) => {
                self.hold_for_open_circuit(&delivery, rejected.retry_in, now)
                    .await;
                return;
            }
        };

        let parent = stored_traceparent(&delivery);
        let traceparent = parent.child(&mut random_u64).to_string();
        let attempts = delivery.attempts.saturating_add(1);
        let span = tracing::info_span!(
            "webhook_attempt",
            webhook_id = %message.webhook_id,
            endpoint = %message.endpoint,
            attempt = attempts,
            trace_id = %parent.trace_id_hex(),
        );
        let report = match attempt_headers(&delivery, &inner.signer, &traceparent, now) {
            Ok(headers) => {
                let body = message.body.clone();
                post(&inner.http, &message.endpoint, headers, body)
                    .instrument(span.clone())
                    .await
            }
            Err(detail) => AttemptReport {
                outcome: AttemptOutcome::InvalidRequest,
                retry_after: None,
                latency: Duration::ZERO,
                detail,
                response_body: None,
            },
        };
        permit.record(&report.outcome);
        crate::metrics::record_attempt(
            &message.endpoint,
            &report.outcome,
            report.latency,
            message.body.len(),
        );
        self.record_step(&delivery, attempts, report)
            .instrument(span)
            .await;
    }

    /// Decides what follows an attempt and records it in the store: the
    /// delivery is completed, retried later, or dead-lettered.
    async fn record_step(&self, delivery: &Delivery, attempts: u32, report: AttemptReport) {
        let inner = &self.inner;
        let step = inner.config.retry.next_attempt(
            attempts,
            delivery.created_at,
            SystemTime::now(),
            classify(&report.outcome),
            report.retry_after,
            &mut fastrand::f64,
        );
        let result = match step {
            NextStep::Delivered => {
                tracing::debug!(status = %report.detail, "delivered");
                inner.store.complete(delivery.id).await
            }
            NextStep::RetryAt(at) => {
                tracing::info!(
                    error = %report.detail,
                    response_body = report.response_body.as_deref(),
                    "attempt failed; retrying later"
                );
                let failure = AttemptFailure {
                    attempts,
                    error: report.failure_text(None),
                };
                inner.store.retry_later(delivery.id, failure, at).await
            }
            NextStep::DeadLetter(reason) => {
                tracing::warn!(
                    error = %report.detail,
                    %reason,
                    response_body = report.response_body.as_deref(),
                    "moving to the dead-letter queue"
                );
                let failure = AttemptFailure {
                    attempts,
                    error: report.failure_text(Some(&reason)),
                };
                self.dead_letter(delivery, failure).await
            }
        };
        if let Err(error) = result {
            log_store_error(delivery, &error);
        }
    }

    /// Handles a delivery whose endpoint's circuit is open, as the
    /// configured [`OpenPolicy`] requires. Waiting does not count as an attempt.
    async fn hold_for_open_circuit(
        &self,
        delivery: &Delivery,
        retry_in: Duration,
        now: SystemTime,
    ) {
        let inner = &self.inner;
        let result = match inner.config.open_policy {
            OpenPolicy::Wait => {
                let failure = AttemptFailure {
                    attempts: delivery.attempts,
                    error: delivery
                        .last_error
                        .clone()
                        .unwrap_or_else(|| "circuit open; not attempted".to_owned()),
                };
                inner
                    .store
                    .retry_later(delivery.id, failure, now + retry_in)
                    .await
            }
            OpenPolicy::DeadLetter => {
                let failure = AttemptFailure {
                    attempts: delivery.attempts,
                    error: "circuit open for this endpoint; moved without an attempt".to_owned(),
                };
                self.dead_letter(delivery, failure).await
            }
        };
        if let Err(error) = result {
            log_store_error(delivery, &error);
        }
    }

    async fn dead_letter(
        &self,
        delivery: &Delivery,
        failure: AttemptFailure,
    ) -> Result<(), StoreError> {
        let store = &self.inner.store;
        store
            .dead_letter(delivery.id, failure, SystemTime::now())
            .await?;
        if let Ok(counts) = store.counts().await {
            crate::metrics::set_dead_letter_depth(counts.dead);
        }
        Ok(())
    }
}

/// Reads the trace context stored with the delivery, or starts a new root
/// when the stored value is missing or invalid (rows written by other tools).
fn stored_traceparent(delivery: &Delivery) -> TraceParent {
    delivery
        .message
        .headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(TRACEPARENT.as_str()))
        .and_then(|(_, value)| value.parse().ok())
        .unwrap_or_else(|| TraceParent::new_root(&mut random_u64))
}

/// Returns the current OpenTelemetry span's context, so a webhook sent
/// inside a traced request continues that trace.
#[cfg(feature = "otel")]
fn current_trace() -> Option<TraceParent> {
    crate::trace::otel::current()
}

#[cfg(not(feature = "otel"))]
fn current_trace() -> Option<TraceParent> {
    None
}

fn random_u64() -> u64 {
    fastrand::u64(..)
}

fn log_store_error(delivery: &Delivery, error: &StoreError) {
    // The row's lease runs out and the worker claims it again, so the
    // delivery is not lost, but it may be sent once more.
    tracing::error!(
        %error,
        delivery = %delivery.id,
        webhook_id = %delivery.message.webhook_id,
        "cannot record the attempt in the outbox; the delivery will be attempted again",
    );
}

/// Checks that `endpoint` is an absolute `http` or `https` URL that can be
/// used as it is in requests, logs and metric labels.
fn check_endpoint(endpoint: &str) -> Result<(), SendError> {
    let invalid = |reason: &str| SendError::InvalidEndpoint {
        endpoint: redact_userinfo(endpoint),
        reason: reason.to_owned(),
    };
    // The URL parser drops tabs and line breaks, but the raw string is what
    // is stored, logged and used as a metric label.
    if endpoint
        .chars()
        .any(|character| character.is_control() || character.is_whitespace())
    {
        return Err(invalid(
            "the URL contains whitespace or a control character; percent-encode it",
        ));
    }
    let url = reqwest::Url::parse(endpoint).map_err(|error| invalid(&error.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if url.host_str().is_none() {
        return Err(invalid("the URL has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(
            "the URL contains credentials, which would appear in logs and metrics; \
             send them in an `authorization` header instead",
        ));
    }
    Ok(())
}

/// Replaces the user information of a URL-like string with `***`, so an
/// error message does not repeat a password.
fn redact_userinfo(endpoint: &str) -> String {
    let authority_start = endpoint.find("://").map_or(0, |index| index + 3);
    let rest = &endpoint[authority_start..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{}***{}", &endpoint[..authority_start], &rest[at..]),
        None => endpoint.to_owned(),
    }
}
