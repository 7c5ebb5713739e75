//! Messages, their correlation ids and examples.

use super::bindings::MessageBindings;
use super::reader::{Located, Reader};
use super::schema::SchemaRole;
use super::{Extensions, ExternalDocs, Location, SchemaRef, Tag};

/// A message a channel carries (the Message Object), with its traits
/// already merged in.
#[derive(Clone, Debug, PartialEq)]
pub struct Message {
    /// The 2.x `messageId`; 3.0 identifies messages by their key instead.
    pub message_id: Option<String>,
    /// Machine-friendly name.
    pub name: Option<String>,
    /// Human-friendly title.
    pub title: Option<String>,
    /// Short summary.
    pub summary: Option<String>,
    /// Description, CommonMark allowed.
    pub description: Option<String>,
    /// Media type of the payload as written; `None` means the document's
    /// `defaultContentType` applies.
    pub content_type: Option<String>,
    /// Schema of the application headers.
    pub headers: Option<SchemaRef>,
    /// Schema of the payload.
    pub payload: Option<SchemaRef>,
    /// Location of the correlation id.
    pub correlation_id: Option<CorrelationId>,
    /// Tags of the message.
    pub tags: Vec<Tag>,
    /// Further documentation.
    pub external_docs: Option<ExternalDocs>,
    /// Protocol-specific settings.
    pub bindings: MessageBindings,
    /// Examples of the message.
    pub examples: Vec<MessageExample>,
    /// `x-` extensions.
    pub extensions: Extensions,
    /// Location of the message object, after following `$ref`s. Two
    /// messages with the same location are the same message.
    pub location: Location,
}

/// Location of a message's correlation id (the Correlation ID Object).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CorrelationId {
    /// Runtime expression for the id, such as
    /// `$message.header#/correlationId`.
    pub location: String,
    /// Description of the id.
    pub description: Option<String>,
    /// `x-` extensions.
    pub extensions: Extensions,
}

/// An example of a message (the Message Example Object).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MessageExample {
    /// Machine-friendly name.
    pub name: Option<String>,
    /// Short summary.
    pub summary: Option<String>,
    /// Example headers.
    pub headers: Option<serde_json::Value>,
    /// Example payload.
    pub payload: Option<serde_json::Value>,
    /// `x-` extensions.
    pub extensions: Extensions,
}

impl Reader<'_> {
    /// Reads the message at `located`, following `$ref`s and merging its
    /// traits. Returns `None` when it is not an object.
    pub(crate) fn message(&self, located: Located<'_>) -> Option<Message> {
        let written = self.object(located)?;
        let merged = self.apply_traits(&written);
        let message = match &merged {
            Some(node) => Located {
                file: written.file,
                pointer: written.pointer.clone(),
                node,
            },
            None => written,
        };

        // A 2.x message's `schemaFormat` applies to its payload; 3.x puts
        // the format inside the payload (a Multi Format Schema Object).
        let payload_format = if self.version.is_v2() {
            message.string("schemaFormat")
        } else {
            None
        };
        let headers = message
            .field("headers")
            .and_then(|headers| self.schema(headers, None, Some(SchemaRole::Headers)));
        let payload = message.field("payload").and_then(|payload| {
            self.schema(
                payload,
                payload_format.as_deref(),
                Some(SchemaRole::Payload),
            )
        });

        Some(Message {
            message_id: message.string("messageId"),
            name: message.string("name"),
            title: message.string("title"),
            summary: message.string("summary"),
            description: message.string("description"),
            content_type: message.string("contentType"),
            headers,
            payload,
            correlation_id: message
                .field("correlationId")
                .and_then(|id| self.correlation_id(id)),
            tags: self.tags(&message, "tags"),
            external_docs: self.external_docs(&message, "externalDocs"),
            bindings: self.message_bindings(&message),
            examples: self.examples(&message),
            extensions: message.extensions(),
            location: message.location(),
        })
    }

    /// Reads the Correlation ID Object at `located`, following `$ref`s.
    pub(crate) fn correlation_id(&self, located: Located<'_>) -> Option<CorrelationId> {
        let id = self.object(located)?;
        Some(CorrelationId {
            location: id.string("location")?,
            description: id.string("description"),
            extensions: id.extensions(),
        })
    }

    fn examples(&self, message: &Located<'_>) -> Vec<MessageExample> {
        let Some(list) = message.field("examples") else {
            return Vec::new();
        };
        list.items()
            .into_iter()
            .filter_map(|item| self.object(item))
            .map(|example| MessageExample {
                name: example.string("name"),
                summary: example.string("summary"),
                headers: example.json("headers"),
                payload: example.json("payload"),
                extensions: example.extensions(),
            })
            .collect()
    }
}
