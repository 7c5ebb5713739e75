//! The sources a receiver reads: core subscriptions and JetStream
//! consumers.

use std::time::Duration;

use async_nats::jetstream::consumer::{pull, AckPolicy};
use async_nats::Client;

use super::subject::subject_filter_for_address;
use crate::transport::TransportError;

/// A durable JetStream pull consumer with explicit acknowledgement.
///
/// The server keeps the consumer's position under its durable name, so a
/// receiver that stops and starts again with the same name resumes after
/// the last acknowledged message, and receivers that share the name split
/// the messages between them.
///
/// ```
/// use std::time::Duration;
/// use hookforge::transport::nats::DurableConsumer;
///
/// let consumer = DurableConsumer::new("ORDERS", "billing")
///     .with_filter_subject("orders.created")
///     .with_ack_wait(Duration::from_secs(60));
/// assert_eq!(consumer.durable_name(), "billing");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DurableConsumer {
    stream: String,
    durable_name: String,
    filter_subject: Option<String>,
    ack_wait: Duration,
    max_deliver: Option<u32>,
}

impl DurableConsumer {
    /// Describes the consumer `durable_name` on `stream`, receiving every
    /// subject of the stream, with a 30 second acknowledgement wait and no
    /// limit on deliveries.
    pub fn new(stream: impl Into<String>, durable_name: impl Into<String>) -> Self {
        DurableConsumer {
            stream: stream.into(),
            durable_name: durable_name.into(),
            filter_subject: None,
            ack_wait: Duration::from_secs(30),
            max_deliver: None,
        }
    }

    /// Receives only the subjects matching `address`, mapped like
    /// [`subject_filter_for_address`].
    #[must_use]
    pub fn with_filter_subject(mut self, address: impl Into<String>) -> Self {
        self.filter_subject = Some(address.into());
        self
    }

    /// Sets how long the server waits for an acknowledgement before it
    /// redelivers a message. A handler that runs longer gets its message
    /// delivered a second time, which the idempotency claim then holds
    /// back until its lease runs out.
    #[must_use]
    pub fn with_ack_wait(mut self, ack_wait: Duration) -> Self {
        self.ack_wait = ack_wait;
        self
    }

    /// Sets the maximum number of deliveries of one message, the first one
    /// included. After that the server stops delivering it to this
    /// consumer, and the message stays in the stream.
    #[must_use]
    pub fn with_max_deliver(mut self, max_deliver: u32) -> Self {
        self.max_deliver = Some(max_deliver);
        self
    }

    /// Returns the stream name.
    pub fn stream(&self) -> &str {
        &self.stream
    }

    /// Returns the durable name.
    pub fn durable_name(&self) -> &str {
        &self.durable_name
    }

    fn source_name(&self) -> String {
        format!("{}/{}", self.stream, self.durable_name)
    }

    fn config(&self) -> Result<pull::Config, TransportError> {
        let filter_subject = match &self.filter_subject {
            Some(address) => subject_filter_for_address(address)?,
            None => String::new(),
        };
        Ok(pull::Config {
            durable_name: Some(self.durable_name.clone()),
            ack_policy: AckPolicy::Explicit,
            ack_wait: self.ack_wait,
            // The server reads -1 as no limit.
            max_deliver: self.max_deliver.map_or(-1, i64::from),
            filter_subject,
            ..pull::Config::default()
        })
    }
}

/// An open source of messages for [`NatsReceiver::run`](super::NatsReceiver::run).
#[derive(Debug)]
pub struct Subscription {
    pub(super) source: Source,
    pub(super) name: String,
    /// The connection, flushed when a receiver stops so that its last
    /// acknowledgements reach the server.
    pub(super) client: Client,
}

pub(super) enum Source {
    Core(async_nats::Subscriber),
    // Boxed because the pull stream is far larger than a subscriber.
    JetStream(Box<pull::Stream>),
}

impl std::fmt::Debug for Source {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Core(subscriber) => formatter.debug_tuple("Core").field(subscriber).finish(),
            // The pull stream implements no `Debug`.
            Source::JetStream(_) => formatter.write_str("JetStream"),
        }
    }
}

impl Subscription {
    /// Subscribes to `address` (mapped like [`subject_filter_for_address`],
    /// so wildcards are allowed) through core NATS. With a `queue_group`,
    /// the server delivers each message to one member of the group.
    ///
    /// Returns after the server confirmed the subscription, so a message
    /// published afterwards reaches it.
    ///
    /// # Errors
    ///
    /// [`TransportError::InvalidAddress`] for an invalid address, and
    /// [`TransportError::Receive`] when subscribing fails.
    pub async fn core(
        client: &Client,
        address: &str,
        queue_group: Option<&str>,
    ) -> Result<Self, TransportError> {
        let subject = subject_filter_for_address(address)?;
        let failed = |message: String| TransportError::Receive {
            source_name: subject.clone(),
            message,
        };
        let subscriber = match queue_group {
            Some(group) => client
                .queue_subscribe(subject.clone(), group.to_owned())
                .await
                .map_err(|error| failed(error.to_string()))?,
            None => client
                .subscribe(subject.clone())
                .await
                .map_err(|error| failed(error.to_string()))?,
        };
        // The server replies to a flush after processing everything sent
        // before it, the subscription included.
        client
            .flush()
            .await
            .map_err(|error| failed(error.to_string()))?;
        Ok(Subscription {
            source: Source::Core(subscriber),
            name: subject,
            client: client.clone(),
        })
    }

    /// Opens the durable pull consumer `consumer`, creating it when the
    /// stream has no consumer of that name. An existing consumer keeps its
    /// configuration.
    ///
    /// # Errors
    ///
    /// [`TransportError::InvalidAddress`] for an invalid filter subject, and
    /// [`TransportError::Receive`] when the stream is missing or the
    /// consumer cannot be created or read.
    pub async fn jetstream(
        client: &Client,
        consumer: &DurableConsumer,
    ) -> Result<Self, TransportError> {
        let config = consumer.config()?;
        let name = consumer.source_name();
        let failed = |message: String| TransportError::Receive {
            source_name: name.clone(),
            message,
        };
        let context = async_nats::jetstream::new(client.clone());
        let stream = context
            .get_stream(&consumer.stream)
            .await
            .map_err(|error| failed(error.to_string()))?;
        let pull_consumer = stream
            .get_or_create_consumer(&consumer.durable_name, config)
            .await
            .map_err(|error| failed(error.to_string()))?;
        let messages = pull_consumer
            .messages()
            .await
            .map_err(|error| failed(error.to_string()))?;
        Ok(Subscription {
            source: Source::JetStream(Box::new(messages)),
            name,
            client: client.clone(),
        })
    }

    /// Returns the subject, or `stream/durable` for a JetStream consumer.
    pub fn name(&self) -> &str {
        &self.name
    }
}
