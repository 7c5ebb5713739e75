//! Publishing signed messages to NATS.

use std::time::{Duration, SystemTime};

use async_nats::jetstream::context::PublishErrorKind;
use async_nats::jetstream::message::PublishMessage;
use async_nats::{Client, HeaderMap};
use bytes::Bytes;

use super::headers::to_header_map;
use super::subject::subject_for_address;
use crate::retry::{NextStep, RetryPolicy, Verdict};
use crate::signing::{Signer, HEADER_ID, HEADER_SIGNATURE, HEADER_TIMESTAMP};
use crate::transport::{Transport, TransportError};

/// Name of the header that JetStream deduplicates by, within the stream's
/// duplicate window (two minutes unless the stream sets another).
pub const HEADER_NATS_MSG_ID: &str = "Nats-Msg-Id";

/// Publishes messages to NATS subjects, signed like webhooks.
///
/// Two modes, chosen at construction:
///
/// - [`jetstream`](Self::jetstream) (and [`connect`](Self::connect))
///   publishes through JetStream and waits for the stream's
///   acknowledgement, so a message is stored when `publish` returns. A
///   subject that no stream captures fails with
///   [`TransportError::NoStream`]. The `Nats-Msg-Id` header is set to the
///   webhook id, so the stream drops a second copy published within its
///   duplicate window, such as a retry after a lost acknowledgement.
/// - [`core`](Self::core) publishes through core NATS and returns once the
///   server replied to a flush, so the server received the message. Core
///   NATS stores nothing: only subscribers connected at that moment get the
///   message, and a subscriber that fails to handle it never sees it again.
///
/// With a [`Signer`], every message carries `webhook-id`,
/// `webhook-timestamp` and `webhook-signature` headers computed over the
/// exact body bytes, so a [`NatsReceiver`](super::NatsReceiver) or any
/// Standard Webhooks verifier checks it. The webhook id is the value of a
/// `webhook-id` header passed to `publish`, or a new `msg_<UUIDv7>` when
/// there is none.
///
/// Transient failures (connection lost, no acknowledgement in time) are
/// retried under a [`RetryPolicy`], re-signing each attempt with the same
/// webhook id. See [`with_retry_policy`](Self::with_retry_policy) for the
/// default.
///
/// # Example
///
/// ```no_run
/// use bytes::Bytes;
/// use hookforge::signing::Signer;
/// use hookforge::transport::nats::NatsTransport;
/// use hookforge::transport::Transport;
///
/// # async fn example() -> Result<(), Box<dyn std::error::Error>> {
/// let signer = Signer::new(vec!["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".parse()?]);
/// let transport = NatsTransport::connect("nats://127.0.0.1:4222")
///     .await?
///     .with_signer(signer);
/// let headers = vec![("content-type".to_owned(), "application/json".to_owned())];
/// transport
///     .publish("/orders/created", headers, Bytes::from_static(br#"{"id":42}"#))
///     .await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct NatsTransport {
    client: Client,
    mode: Mode,
    signer: Option<Signer>,
    retry: RetryPolicy,
}

#[derive(Debug, Clone)]
enum Mode {
    Core,
    // Boxed because the context is far larger than the core variant.
    JetStream(Box<async_nats::jetstream::Context>),
}

/// The outcome of one published message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    /// The subject the message went to.
    pub subject: String,
    /// The webhook id, or `None` for an unsigned message published without
    /// a `webhook-id` header.
    pub id: Option<String>,
    /// The stream that stored the message, in JetStream mode.
    pub stream: Option<String>,
    /// The message's sequence number in the stream, in JetStream mode.
    pub sequence: Option<u64>,
    /// Whether JetStream dropped the message as a duplicate of an earlier
    /// one with the same `Nats-Msg-Id`. Always `false` in core mode.
    pub duplicate: bool,
    /// Attempts made, the first one included.
    pub attempts: u32,
}

impl NatsTransport {
    /// Connects to the server at `url` and publishes through JetStream.
    ///
    /// # Errors
    ///
    /// [`TransportError::Connect`] when the first connection fails. Later
    /// disconnections are retried by the client in the background.
    pub async fn connect(url: &str) -> Result<Self, TransportError> {
        let client = async_nats::connect(url)
            .await
            .map_err(|error| TransportError::Connect {
                url: url.to_owned(),
                message: error.to_string(),
            })?;
        Ok(Self::jetstream(client))
    }

    /// Publishes through JetStream on `client`, waiting for the stream's
    /// acknowledgement of each message.
    pub fn jetstream(client: Client) -> Self {
        let context = async_nats::jetstream::new(client.clone());
        Self::with_mode(client, Mode::JetStream(Box::new(context)))
    }

    /// Publishes through core NATS on `client`, without storage.
    pub fn core(client: Client) -> Self {
        Self::with_mode(client, Mode::Core)
    }

    fn with_mode(client: Client, mode: Mode) -> Self {
        NatsTransport {
            client,
            mode,
            signer: None,
            retry: default_retry_policy(),
        }
    }

    /// Signs every message with `signer`.
    #[must_use]
    pub fn with_signer(mut self, signer: Signer) -> Self {
        self.signer = Some(signer);
        self
    }

    /// Sets the policy for retrying transient failures. The default makes
    /// at most 5 attempts within 30 seconds, with backoff ceilings from
    /// 100 ms doubling to 2 s. It is short because the caller waits for
    /// `publish`, and an outbox suits longer outages better.
    #[must_use]
    pub fn with_retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Returns the underlying client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Returns whether messages go through JetStream.
    pub fn is_jetstream(&self) -> bool {
        matches!(self.mode, Mode::JetStream(_))
    }

    /// Publishes like [`Transport::publish`] and returns what happened: the
    /// webhook id, the stream sequence and whether JetStream found a
    /// duplicate.
    ///
    /// # Errors
    ///
    /// [`TransportError::InvalidAddress`] or
    /// [`TransportError::InvalidHeader`] before anything is sent,
    /// [`TransportError::NoStream`] or [`TransportError::TooLarge`] at the
    /// first attempt, and [`TransportError::RetriesExhausted`] when every
    /// attempt failed with a transient error.
    pub async fn publish_message(
        &self,
        address: &str,
        headers: Vec<(String, String)>,
        body: Bytes,
    ) -> Result<Published, TransportError> {
        let subject = subject_for_address(address)?;
        let mut headers = headers;
        let id = self.webhook_id(&mut headers);
        // Checks every caller header once, before the first attempt.
        to_header_map(&headers)?;

        let first_attempt_at = SystemTime::now();
        let mut attempts = 0;
        loop {
            attempts += 1;
            let map = self.attempt_headers(&headers, id.as_deref(), &body)?;
            let error = match self.send(&subject, map, body.clone()).await {
                Ok(ack) => {
                    return Ok(Published {
                        subject,
                        id,
                        stream: ack.as_ref().map(|ack| ack.stream.clone()),
                        sequence: ack.as_ref().map(|ack| ack.sequence),
                        duplicate: ack.is_some_and(|ack| ack.duplicate),
                        attempts,
                    });
                }
                Err(error) if !error.is_transient() => return Err(error),
                Err(error) => error,
            };
            let now = SystemTime::now();
            let step = self.retry.next_attempt(
                attempts,
                first_attempt_at,
                now,
                Verdict::Retry,
                None,
                &mut fastrand::f64,
            );
            let NextStep::RetryAt(retry_at) = step else {
                return Err(TransportError::RetriesExhausted {
                    subject,
                    attempts,
                    last: Box::new(error),
                });
            };
            let delay = retry_at.duration_since(now).unwrap_or(Duration::ZERO);
            tracing::warn!(
                subject = %subject,
                webhook_id = id.as_deref().unwrap_or("-"),
                attempt = attempts,
                delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                %error,
                "publishing a NATS message failed; retrying"
            );
            tokio::time::sleep(delay).await;
        }
    }

    /// Takes the webhook id from the caller's `webhook-id` header, or makes
    /// one when signing. The caller's signature headers are dropped, because
    /// each attempt signs anew.
    fn webhook_id(&self, headers: &mut Vec<(String, String)>) -> Option<String> {
        let requested_id = headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(HEADER_ID))
            .map(|(_, value)| value.clone());
        if self.signer.is_none() {
            return requested_id;
        }
        headers.retain(|(name, _)| {
            ![HEADER_ID, HEADER_TIMESTAMP, HEADER_SIGNATURE]
                .iter()
                .any(|signed| name.eq_ignore_ascii_case(signed))
        });
        Some(requested_id.unwrap_or_else(|| format!("msg_{}", uuid::Uuid::now_v7().simple())))
    }

    /// Builds the header map of one attempt: the caller's headers, a fresh
    /// signature, and `Nats-Msg-Id` for JetStream.
    fn attempt_headers(
        &self,
        headers: &[(String, String)],
        id: Option<&str>,
        body: &[u8],
    ) -> Result<HeaderMap, TransportError> {
        let mut pairs = headers.to_vec();
        if let (Some(signer), Some(id)) = (&self.signer, id) {
            let signed = signer.sign_now(id, body);
            pairs.push((HEADER_ID.to_owned(), signed.id));
            pairs.push((HEADER_TIMESTAMP.to_owned(), signed.timestamp));
            pairs.push((HEADER_SIGNATURE.to_owned(), signed.signature));
        }
        if let (Mode::JetStream(_), Some(id)) = (&self.mode, id) {
            pairs.retain(|(name, _)| !name.eq_ignore_ascii_case(HEADER_NATS_MSG_ID));
            pairs.push((HEADER_NATS_MSG_ID.to_owned(), id.to_owned()));
        }
        to_header_map(&pairs)
    }

    /// Makes one attempt. Returns the JetStream acknowledgement, or `None`
    /// in core mode.
    async fn send(
        &self,
        subject: &str,
        headers: HeaderMap,
        body: Bytes,
    ) -> Result<Option<async_nats::jetstream::publish::PublishAck>, TransportError> {
        match &self.mode {
            Mode::Core => {
                self.client
                    .publish_with_headers(subject.to_owned(), headers, body)
                    .await
                    .map_err(|error| core_error(subject, &error))?;
                self.client
                    .flush()
                    .await
                    .map_err(|error| TransportError::Unavailable {
                        subject: subject.to_owned(),
                        message: error.to_string(),
                    })?;
                Ok(None)
            }
            Mode::JetStream(context) => {
                let publish = PublishMessage::build().payload(body).headers(headers);
                let ack = context
                    .send_publish(subject.to_owned(), publish)
                    .await
                    .map_err(|error| jetstream_error(subject, &error))?
                    .await
                    .map_err(|error| jetstream_error(subject, &error))?;
                Ok(Some(ack))
            }
        }
    }
}

impl Transport for NatsTransport {
    async fn publish(
        &self,
        address: &str,
        headers: Vec<(String, String)>,
        body: Bytes,
    ) -> Result<(), TransportError> {
        self.publish_message(address, headers, body).await.map(drop)
    }
}

fn default_retry_policy() -> RetryPolicy {
    RetryPolicy {
        base: Duration::from_millis(100),
        cap: Duration::from_secs(2),
        max_attempts: 5,
        deadline: Duration::from_secs(30),
        max_retry_after: Duration::from_secs(2),
    }
}

fn core_error(subject: &str, error: &async_nats::PublishError) -> TransportError {
    let message = error.to_string();
    let subject = subject.to_owned();
    match error.kind() {
        async_nats::client::PublishErrorKind::MaxPayloadExceeded => {
            TransportError::TooLarge { subject, message }
        }
        async_nats::client::PublishErrorKind::InvalidSubject => TransportError::InvalidAddress {
            address: subject,
            reason: "the NATS client rejected the subject",
        },
        _ => TransportError::Unavailable { subject, message },
    }
}

fn jetstream_error(
    subject: &str,
    error: &async_nats::jetstream::context::PublishError,
) -> TransportError {
    let message = error.to_string();
    let subject = subject.to_owned();
    match error.kind() {
        PublishErrorKind::StreamNotFound => TransportError::NoStream { subject },
        PublishErrorKind::MaxPayloadExceeded => TransportError::TooLarge { subject, message },
        // Timeouts, a closed connection, too many pending acknowledgements,
        // and errors the server returned: retried within the policy.
        _ => TransportError::Unavailable { subject, message },
    }
}
