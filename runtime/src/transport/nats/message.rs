//! The handler's input and error type.

use std::error::Error;
use std::time::{Duration, SystemTime};

use bytes::Bytes;

/// A received message whose signature verified and whose webhook id this
/// receiver claimed.
#[derive(Debug, Clone)]
pub struct VerifiedMessage {
    /// The `webhook-id` value.
    pub id: String,
    /// The subject the message was published to.
    pub subject: String,
    /// The `webhook-timestamp` value: when the sender signed this attempt.
    pub timestamp: SystemTime,
    /// Every header of the message, in no particular order, repeated names
    /// included.
    pub headers: Vec<(String, String)>,
    /// The payload bytes, exactly as signed.
    pub body: Bytes,
    /// The delivery count, 1 for the first delivery. JetStream counts
    /// redeliveries, and core NATS always delivers once.
    pub delivered: u64,
}

impl VerifiedMessage {
    /// Returns the first value of header `name`, compared ASCII
    /// case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// A failure of a message handler. The receiver releases the claim on the
/// webhook id and sends JetStream a `NAK`, so it redelivers the message,
/// unless the error is [`permanent`](Self::permanent): then it sends a
/// `TERM`, because a redelivery would fail the same way.
///
/// ```
/// use std::time::Duration;
/// use hookforge::transport::nats::HandlerError;
///
/// let error = HandlerError::new("the inventory service is down")
///     .with_retry_after(Duration::from_secs(30));
/// assert_eq!(error.retry_after(), Some(Duration::from_secs(30)));
/// assert_eq!(error.to_string(), "the inventory service is down");
/// ```
///
/// Its message is the wrapped error's message, and
/// [`get_ref`](Self::get_ref) returns the wrapped error, as
/// [`std::io::Error`] does.
#[derive(Debug, thiserror::Error)]
#[error("{error}")]
pub struct HandlerError {
    error: Box<dyn Error + Send + Sync>,
    retry_after: Option<Duration>,
    permanent: bool,
}

impl HandlerError {
    /// Wraps the handler's error.
    pub fn new(error: impl Into<Box<dyn Error + Send + Sync>>) -> Self {
        HandlerError {
            error: error.into(),
            retry_after: None,
            permanent: false,
        }
    }

    /// Wraps an error that every delivery of the message would meet again,
    /// such as a payload that does not match its schema. The receiver
    /// terminates the message instead of asking for a redelivery.
    ///
    /// ```
    /// use hookforge::transport::nats::HandlerError;
    ///
    /// assert!(HandlerError::permanent("unknown customer").is_permanent());
    /// assert!(!HandlerError::new("database down").is_permanent());
    /// ```
    pub fn permanent(error: impl Into<Box<dyn Error + Send + Sync>>) -> Self {
        HandlerError {
            permanent: true,
            ..Self::new(error)
        }
    }

    /// Returns whether redelivering the message cannot help.
    pub fn is_permanent(&self) -> bool {
        self.permanent
    }

    /// Returns the wrapped error.
    pub fn get_ref(&self) -> &(dyn Error + Send + Sync + 'static) {
        self.error.as_ref()
    }

    /// Returns the wrapped error, consuming this one.
    pub fn into_inner(self) -> Box<dyn Error + Send + Sync> {
        self.error
    }

    /// Sets how long JetStream waits before redelivering, in place of the
    /// receiver's backoff.
    #[must_use]
    pub fn with_retry_after(mut self, delay: Duration) -> Self {
        self.retry_after = Some(delay);
        self
    }

    /// Returns the requested redelivery delay, if any.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }
}
