//! The typed AsyncAPI model, in the shape of AsyncAPI 3.0.
//!
//! [`read`] turns a loaded document of any supported version into an
//! [`AsyncApi`]. A 2.x document is upgraded on the way: channel keys become
//! addresses, `subscribe` and `publish` become send and receive operations,
//! and a `message.oneOf` becomes several messages of the channel. Message
//! and operation traits are merged in the order of the document's version.
//!
//! Schemas stay in the document: payloads, headers and binding schemas are
//! [`SchemaRef`] handles that the type generator lowers later.
//!
//! Reading always returns a model. An object that is malformed (a channel
//! that is not a mapping, an operation without a readable action) is
//! skipped, because the structural validator reports it. The model reports
//! only what the validator cannot detect: payloads in a schema format other
//! than JSON Schema.

mod bindings;
mod channel;
mod components;
mod info;
mod merge;
mod message;
mod operation;
mod reader;
mod schema;
mod security;
mod server;
mod v2;
mod v3;

#[cfg(test)]
mod tests;

use indexmap::IndexMap;

use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::pointer::JsonPointer;
use crate::source::FileId;
use crate::version::SpecVersion;

pub use bindings::{
    AmqpChannelBinding, AmqpExchange, AmqpMessageBinding, AmqpOperationBinding, AmqpQueue,
    ChannelBindings, HttpMessageBinding, HttpOperationBinding, KafkaChannelBinding,
    KafkaMessageBinding, KafkaOperationBinding, KafkaServerBinding, MessageBindings, MqttLastWill,
    MqttMessageBinding, MqttOperationBinding, MqttServerBinding, NatsOperationBinding,
    OperationBindings, RawBindings, ServerBindings, WsChannelBinding,
};
pub use channel::{Channel, Parameter};
pub use components::Components;
pub use info::{Contact, ExternalDocs, Info, License, Tag};
pub use message::{CorrelationId, Message, MessageExample};
pub use operation::{Action, Operation, Reply, ReplyAddress};
pub use schema::SchemaRef;
pub use security::{OAuthFlow, OAuthFlows, RequiredScheme, SecurityRequirement, SecurityScheme};
pub use server::{Server, ServerVariable};

/// Specification extensions (`x-` fields) of an object, by name in source
/// order, as JSON.
pub type Extensions = IndexMap<String, serde_json::Value>;

/// Location of an object: a file and a JSON pointer inside it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Location {
    /// The file.
    pub file: FileId,
    /// The pointer inside `file`.
    pub pointer: JsonPointer,
}

/// A whole AsyncAPI document in the 3.0 shape.
#[derive(Clone, Debug, PartialEq)]
pub struct AsyncApi {
    /// The version the document was written in (before any upgrade).
    pub version: SpecVersion,
    /// The application's identifier (the root `id`).
    pub id: Option<String>,
    /// General information.
    pub info: Info,
    /// Media type of payloads whose message names none.
    pub default_content_type: Option<String>,
    /// Servers by name.
    pub servers: IndexMap<String, Server>,
    /// Channels by id. A 2.x channel's id is its key, which is also its
    /// address.
    pub channels: IndexMap<String, Channel>,
    /// Operations by id.
    pub operations: IndexMap<String, Operation>,
    /// Reusable objects.
    pub components: Components,
    /// `x-` extensions of the root object.
    pub extensions: Extensions,
}

/// Reads `document`, written in AsyncAPI `version`, into the 3.0-shaped
/// model.
///
/// Returns the model and the problems only the model detects: a warning
/// ([`crate::diagnostic::Code::UnsupportedSchemaFormat`]) for each payload
/// or headers schema in a format other than JSON Schema. A malformed
/// object is skipped: every field access is checked, and trait merges and
/// `$ref` chains are bounded.
pub fn read(document: &Document, version: SpecVersion) -> (AsyncApi, Vec<Diagnostic>) {
    let reader = reader::Reader::new(document, version);
    let root = reader.root();
    let (channels, operations) = if version.is_v2() {
        reader.channels_v2(&root)
    } else {
        let channels = reader.channels_v3(&root);
        let operations = reader.operations_v3(&root, &channels);
        (channels, operations)
    };
    let api = AsyncApi {
        version,
        id: root.string("id"),
        info: reader.info(&root),
        default_content_type: root.string("defaultContentType"),
        servers: reader.servers(&root),
        channels,
        operations,
        components: reader.components(&root),
        extensions: root.extensions(),
    };
    (api, reader.diagnostics.into_inner())
}
