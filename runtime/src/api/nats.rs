//! Runtime support for generated NATS senders and receivers.
//!
//! Generated code calls these items by absolute path. A sent operation
//! renders its subject with [`render_subject`], encodes the message into an
//! [`Envelope`] and hands it to [`publish`]. A received operation's
//! dispatcher matches the subject with [`subject_parameters`], decodes the
//! message with [`decode_validated`] or its siblings, and maps failures to
//! the [`NatsReceiver`](crate::transport::nats::NatsReceiver)'s
//! [`HandlerError`](NatsHandlerError) with [`handler_error`],
//! [`decode_failed`] and [`unmatched`].

use std::future::Future;
use std::pin::Pin;

use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::handle::{decode_json_body, decode_validated_body, DecodeError, HandlerError};
use super::headers::{header_pairs, read_header_pairs, HeaderError};
use super::message::Message;
use crate::signing::{HEADER_ID, HEADER_SIGNATURE, HEADER_TIMESTAMP};
use crate::transport::nats::{HandlerError as NatsHandlerError, VerifiedMessage};
use crate::transport::{Transport, TransportError};
use crate::validation::PayloadSchema;

/// The future a generated NATS dispatcher returns for one message.
pub type Dispatch = Pin<Box<dyn Future<Output = Result<(), NatsHandlerError>> + Send>>;

/// The failure of a generated NATS client method.
#[derive(Debug, thiserror::Error)]
pub enum NatsClientError {
    /// A channel parameter value cannot be one token of a NATS subject.
    #[error("invalid value {value:?} for channel parameter {name:?}: {reason}")]
    Parameter {
        /// The parameter's name in the channel address.
        name: String,
        /// The value as given.
        value: String,
        /// The rule it breaks.
        reason: &'static str,
    },
    /// The payload did not serialize to JSON.
    #[error("failed to serialize the payload as JSON: {0}")]
    Encode(#[source] serde_json::Error),
    /// The message headers could not become header pairs.
    #[error(transparent)]
    Headers(#[from] HeaderError),
    /// The transport did not accept the message.
    #[error(transparent)]
    Transport(#[from] TransportError),
}

/// Checks that `value` can be one token of a NATS subject: not
/// empty, and without `.` and `/` (which separate tokens), the wildcards
/// `*` and `>`, whitespace or control characters.
///
/// # Errors
///
/// [`NatsClientError::Parameter`] naming `name` and the rule broken.
pub fn check_token(name: &str, value: &str) -> Result<(), NatsClientError> {
    let reason = if value.is_empty() {
        Some("a subject token cannot be empty")
    } else if value.contains(['.', '/']) {
        Some("`.` and `/` separate subject tokens")
    } else if value.contains(['*', '>']) {
        Some("`*` and `>` are subject wildcards")
    } else if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Some("NATS subjects cannot contain whitespace or control characters")
    } else {
        None
    };
    match reason {
        None => Ok(()),
        Some(reason) => Err(NatsClientError::Parameter {
            name: name.to_owned(),
            value: value.to_owned(),
            reason,
        }),
    }
}

/// Renders a subject template such as `orders.{storeId}.created`: each
/// `{name}` becomes the value of `name` in `values`, which must pass
/// [`check_token`]. Values are never encoded, so a subject reads the same
/// to every NATS client.
///
/// # Errors
///
/// [`NatsClientError::Parameter`] for the first value that cannot be a
/// subject token.
///
/// ```
/// use hookforge::api::nats::render_subject;
///
/// assert_eq!(render_subject("orders.{id}.created", &[("id", "42")])?, "orders.42.created");
/// assert!(render_subject("orders.{id}.created", &[("id", "4.2")]).is_err());
/// assert!(render_subject("orders.{id}.created", &[("id", "*")]).is_err());
/// # Ok::<(), hookforge::api::nats::NatsClientError>(())
/// ```
pub fn render_subject(template: &str, values: &[(&str, &str)]) -> Result<String, NatsClientError> {
    for (name, value) in values {
        check_token(name, value)?;
    }
    Ok(super::fill_variables(template, values))
}

/// Matches a received `subject` against a subject `pattern` in which `*`
/// stands for one parameter token, and returns the parameter tokens in
/// order as `(position, value)` pairs, the shape that the generated
/// `from_segments` of a parameters struct reads. `None` when the subject
/// does not match, or when a parameter token fails [`check_token`].
///
/// ```
/// use hookforge::api::nats::subject_parameters;
///
/// let tokens = subject_parameters("orders.*.created", "orders.42.created").expect("matches");
/// assert_eq!(tokens, [("p0".to_owned(), "42".to_owned())]);
/// assert_eq!(subject_parameters("orders.*.created", "orders.42.paid"), None);
/// assert_eq!(subject_parameters("orders.*", "orders.42.created"), None);
/// ```
pub fn subject_parameters(pattern: &str, subject: &str) -> Option<Vec<(String, String)>> {
    let mut expected = pattern.split('.');
    let mut received = subject.split('.');
    let mut parameters = Vec::new();
    loop {
        match (expected.next(), received.next()) {
            (None, None) => return Some(parameters),
            // A token that no client could render, such as a literal `*`
            // that NATS delivers from a publish to `orders.*.created`,
            // matches nothing.
            (Some("*"), Some(token)) => {
                check_token("", token).ok()?;
                parameters.push((format!("p{}", parameters.len()), token.to_owned()));
            }
            (Some(literal), Some(token)) if literal == token => {}
            _ => return None,
        }
    }
}

/// One message of a sent operation, encoded and ready to publish: the
/// subject, the headers, the JSON body and the message id.
///
/// The id travels as the `webhook-id` header. A
/// [`NatsTransport`](crate::transport::nats::NatsTransport) signs with it
/// and, in JetStream mode, sets `Nats-Msg-Id` to it, and a
/// [`NatsReceiver`](crate::transport::nats::NatsReceiver) deduplicates by
/// it. So publishing the same envelope again, after a failure whose
/// outcome is unknown, gets the message handled once, as long as the copy
/// arrives within the stream's duplicate window or the receiver's record
/// of handled ids.
///
/// ```
/// use hookforge::api::nats::Envelope;
///
/// let envelope = Envelope::json("orders.42".to_owned(), "application/json", &serde_json::json!({"id": 42}))?
///     .with_headers(&serde_json::json!({"webhook-id": "msg_1", "x-tenant": "t1"}))?;
/// assert_eq!(envelope.id(), "msg_1");
/// assert_eq!(envelope.body().as_ref(), br#"{"id":42}"#);
/// assert_eq!(envelope.headers().len(), 2);
/// # Ok::<(), hookforge::api::nats::NatsClientError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    subject: String,
    id: String,
    headers: Vec<(String, String)>,
    body: Bytes,
}

impl Envelope {
    /// Serializes `payload` as JSON for `subject`, with a `content-type`
    /// header and a new id (`msg_` and a UUID v7).
    ///
    /// # Errors
    ///
    /// [`NatsClientError::Encode`] when serialization fails.
    pub fn json<P: Serialize + ?Sized>(
        subject: String,
        content_type: &str,
        payload: &P,
    ) -> Result<Self, NatsClientError> {
        let body = serde_json::to_vec(payload).map_err(NatsClientError::Encode)?;
        Ok(Envelope {
            subject,
            id: format!("msg_{}", uuid::Uuid::now_v7().simple()),
            headers: vec![("content-type".to_owned(), content_type.to_owned())],
            body: Bytes::from(body),
        })
    }

    /// Adds the typed message headers. A non-empty `webhook-id` header
    /// becomes the envelope's id; `webhook-timestamp` and
    /// `webhook-signature` headers are dropped, because the transport signs
    /// each attempt itself.
    ///
    /// # Errors
    ///
    /// [`NatsClientError::Headers`] when they do not serialize to an object.
    pub fn with_headers<H: Serialize + ?Sized>(
        mut self,
        headers: &H,
    ) -> Result<Self, NatsClientError> {
        for (name, value) in header_pairs(headers)? {
            if name.eq_ignore_ascii_case(HEADER_ID) {
                if !value.is_empty() {
                    self.id = value;
                }
            } else if !name.eq_ignore_ascii_case(HEADER_TIMESTAMP)
                && !name.eq_ignore_ascii_case(HEADER_SIGNATURE)
            {
                self.headers.push((name, value));
            }
        }
        Ok(self)
    }

    /// Returns the subject the envelope is published to.
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// Returns the message id, sent as the `webhook-id` header.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Returns the headers, without the `webhook-id` header.
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// Returns the JSON body.
    pub fn body(&self) -> &Bytes {
        &self.body
    }
}

/// Publishes `envelope` through `transport`, with its id as the
/// `webhook-id` header.
///
/// # Errors
///
/// [`NatsClientError::Transport`] when the transport does not accept it.
pub async fn publish<T: Transport>(
    transport: &T,
    envelope: &Envelope,
) -> Result<(), NatsClientError> {
    let mut headers = envelope.headers.clone();
    headers.push((HEADER_ID.to_owned(), envelope.id.clone()));
    transport
        .publish(&envelope.subject, headers, envelope.body.clone())
        .await?;
    Ok(())
}

/// Decodes the payload as the JSON payload `P`.
///
/// # Errors
///
/// A [`DecodeError`] with serde's message.
pub fn decode_json<P: DeserializeOwned>(message: &VerifiedMessage) -> Result<P, DecodeError> {
    decode_json_body(&message.body)
}

/// Validates the payload against `schema` and then decodes it as the JSON
/// payload `P`.
///
/// # Errors
///
/// A [`DecodeError`] with the schema violations, or serde's message.
pub fn decode_validated<P: DeserializeOwned>(
    message: &VerifiedMessage,
    schema: &PayloadSchema,
) -> Result<P, DecodeError> {
    decode_validated_body(&message.body, schema)
}

/// Decodes the payload as `P` and the headers listed in `header_names` as
/// `H`.
///
/// # Errors
///
/// A [`DecodeError`] with serde's message.
pub fn decode_message<P: DeserializeOwned, H: DeserializeOwned>(
    message: &VerifiedMessage,
    header_names: &[&str],
) -> Result<Message<P, H>, DecodeError> {
    let payload = decode_json(message)?;
    let headers = read_header_pairs(&message.headers, header_names)?;
    Ok(Message { payload, headers })
}

/// Validates the payload against `schema`, decodes it as `P`, and decodes
/// the headers listed in `header_names` as `H`.
///
/// # Errors
///
/// A [`DecodeError`] with the schema violations, or serde's message.
pub fn decode_validated_message<P: DeserializeOwned, H: DeserializeOwned>(
    message: &VerifiedMessage,
    schema: &PayloadSchema,
    header_names: &[&str],
) -> Result<Message<P, H>, DecodeError> {
    let payload = decode_validated(message, schema)?;
    let headers = read_header_pairs(&message.headers, header_names)?;
    Ok(Message { payload, headers })
}

/// Maps a generated handler's error to the receiver's:
/// [`HandlerError::Reject`] is permanent (the message is terminated), the
/// others are redelivered.
pub fn handler_error(error: HandlerError) -> NatsHandlerError {
    match error {
        HandlerError::Reject(reason) => {
            NatsHandlerError::permanent(format!("message rejected: {reason}"))
        }
        other => NatsHandlerError::new(other),
    }
}

/// Maps a message that does not decode to a permanent receiver error,
/// unless the schema itself failed to compile (the generator's fault, which
/// a new build may fix), which is redelivered.
pub fn decode_failed(message: &VerifiedMessage, error: DecodeError) -> NatsHandlerError {
    tracing::warn!(webhook_id = %message.id, subject = %message.subject, %error, details = ?error.details, "rejected a NATS message that does not decode");
    if error.schema_failed {
        NatsHandlerError::new(error)
    } else {
        NatsHandlerError::permanent(error)
    }
}

/// Builds the permanent error for a message whose subject matches no
/// received operation.
pub fn unmatched(subject: &str) -> NatsHandlerError {
    NatsHandlerError::permanent(format!("no received operation matches subject {subject:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_that_break_subjects_are_rejected() {
        for value in ["", "a.b", "a/b", "*", ">", "a>", "a b", "a\tb", "a\nb"] {
            assert!(
                matches!(
                    check_token("id", value),
                    Err(NatsClientError::Parameter { .. })
                ),
                "{value:?} was accepted"
            );
        }
        for value in ["42", "north-7", "ü", "a_b", "%2E"] {
            assert!(check_token("id", value).is_ok(), "{value:?} was rejected");
        }
    }

    #[test]
    fn subject_parameters_need_every_token() {
        assert_eq!(subject_parameters("a.b", "a.b"), Some(Vec::new()));
        assert_eq!(subject_parameters("a.*", "a"), None);
        assert_eq!(subject_parameters("a.*", "a."), None);
        assert_eq!(
            subject_parameters("*.x.*", "1.x.2"),
            Some(vec![
                ("p0".to_owned(), "1".to_owned()),
                ("p1".to_owned(), "2".to_owned())
            ])
        );
    }

    #[test]
    fn subject_parameters_reject_tokens_clients_cannot_send() {
        // NATS delivers a message published to a subject with a literal `*`
        // or `>` token, and generated clients never render one.
        assert_eq!(subject_parameters("a.*.c", "a.*.c"), None);
        assert_eq!(subject_parameters("a.*", "a.>"), None);
        assert_eq!(subject_parameters("a.*", "a.x/y"), None);
        assert_eq!(subject_parameters("a.*", "a.x\u{7f}"), None);
        assert_eq!(
            subject_parameters("a.*", "a.%2E"),
            Some(vec![("p0".to_owned(), "%2E".to_owned())])
        );
    }

    #[test]
    fn reject_is_permanent_and_failures_are_not() {
        assert!(handler_error(HandlerError::reject("no")).is_permanent());
        assert!(!handler_error(HandlerError::Unavailable("down".to_owned())).is_permanent());
        assert!(unmatched("x.y").is_permanent());
    }
}
