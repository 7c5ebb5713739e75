//! Errors from publishing and receiving through a transport.

/// The reason a transport failed to publish or receive.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TransportError {
    /// The channel address cannot be used as a destination of this
    /// transport.
    #[error("invalid channel address {address:?}: {reason}")]
    InvalidAddress {
        /// The address as given.
        address: String,
        /// The rule it breaks.
        reason: &'static str,
    },
    /// A header name or value cannot be carried by this transport.
    #[error("invalid message header {name:?}: {reason}")]
    InvalidHeader {
        /// The header name as given.
        name: String,
        /// The rule it breaks.
        reason: &'static str,
    },
    /// Connecting to the server failed.
    #[error("failed to connect to {url}: {message}")]
    Connect {
        /// The server address.
        url: String,
        /// The client library's error.
        message: String,
    },
    /// No JetStream stream captures the subject, so nothing would store the
    /// message.
    #[error(
        "no JetStream stream captures subject {subject:?}; create a stream for it or \
         publish through core NATS"
    )]
    NoStream {
        /// The subject published to.
        subject: String,
    },
    /// The message is larger than the server accepts.
    #[error("the message to {subject:?} is too large: {message}")]
    TooLarge {
        /// The subject published to.
        subject: String,
        /// The client library's error, with the sizes.
        message: String,
    },
    /// The message could not be published now: the connection is down, the
    /// server did not acknowledge in time, or too many acknowledgements are
    /// pending. A retry may succeed.
    #[error("publishing to {subject:?} failed: {message}")]
    Unavailable {
        /// The subject published to.
        subject: String,
        /// The client library's error.
        message: String,
    },
    /// Every attempt that the retry policy allows failed with a transient
    /// error.
    #[error("gave up publishing to {subject:?} after {attempts} attempts: {last}")]
    RetriesExhausted {
        /// The subject published to.
        subject: String,
        /// Attempts made, the first one included.
        attempts: u32,
        /// The error of the last attempt.
        #[source]
        last: Box<TransportError>,
    },
    /// Subscribing, or creating or reading a consumer, failed.
    #[error("failed to receive from {source_name:?}: {message}")]
    Receive {
        /// The subject, or the stream and consumer names.
        source_name: String,
        /// The client library's error.
        message: String,
    },
}

impl TransportError {
    /// Returns whether retrying the publish may succeed: true only for
    /// [`Unavailable`](Self::Unavailable). The other errors repeat on every
    /// attempt with the same address, headers and body, or (for
    /// [`RetriesExhausted`](Self::RetriesExhausted)) already include the
    /// retries.
    pub fn is_transient(&self) -> bool {
        matches!(self, TransportError::Unavailable { .. })
    }
}
