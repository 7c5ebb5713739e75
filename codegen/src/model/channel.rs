//! Channels and their parameters.

use indexmap::IndexMap;

use super::bindings::ChannelBindings;
use super::reader::{scalar_text, Located, Reader};
use super::server::scalar_list;
use super::{Extensions, ExternalDocs, Location, Message, SchemaRef, Tag};

/// A place messages are sent to and received from (the Channel Object), in
/// the 3.0 shape.
#[derive(Clone, Debug, PartialEq)]
pub struct Channel {
    /// The address, such as `users/{userId}/signedup`; `None` when it is
    /// unknown until runtime (3.x `address: null` or absent). A 2.x
    /// channel's key is its address.
    pub address: Option<String>,
    /// Short title.
    pub title: Option<String>,
    /// Short summary.
    pub summary: Option<String>,
    /// Description, CommonMark allowed.
    pub description: Option<String>,
    /// Names of the servers the channel is on; empty means every server.
    pub servers: Vec<String>,
    /// Parameters of the address, by name.
    pub parameters: IndexMap<String, Parameter>,
    /// Messages the channel carries, by key. A 2.x channel gets the
    /// messages of its `publish` and `subscribe` operations.
    pub messages: IndexMap<String, Message>,
    /// Tags of the channel.
    pub tags: Vec<Tag>,
    /// Further documentation.
    pub external_docs: Option<ExternalDocs>,
    /// Protocol-specific settings.
    pub bindings: ChannelBindings,
    /// `x-` extensions.
    pub extensions: Extensions,
    /// Location of the channel object, after following `$ref`s.
    pub location: Location,
}

/// A parameter in a channel address (the Parameter Object), in the 3.0
/// shape: values are strings.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Parameter {
    /// Allowed values; empty when any value is allowed. For 2.x, the
    /// schema's `enum`.
    pub allowed_values: Vec<String>,
    /// Value used when none is given. For 2.x, the schema's `default`.
    pub default: Option<String>,
    /// Description of the parameter; for 2.x, the schema's description
    /// when the parameter has none.
    pub description: Option<String>,
    /// Example values. For 2.x, the schema's `examples`.
    pub examples: Vec<String>,
    /// Runtime expression for where the value is in a message, such as
    /// `$message.payload#/user/id`.
    pub location: Option<String>,
    /// The 2.x parameter's schema; 3.x parameters have none.
    pub schema: Option<SchemaRef>,
    /// `x-` extensions.
    pub extensions: Extensions,
}

impl Reader<'_> {
    /// Reads the fields a 2.x and a 3.x channel share; `messages` is left
    /// empty for the caller.
    pub(crate) fn channel(&self, channel: &Located<'_>, address: Option<String>) -> Channel {
        Channel {
            address,
            title: channel.string("title"),
            summary: channel.string("summary"),
            description: channel.string("description"),
            servers: self.channel_servers(channel),
            parameters: self.parameters(channel),
            messages: IndexMap::new(),
            tags: self.tags(channel, "tags"),
            external_docs: self.external_docs(channel, "externalDocs"),
            bindings: self.channel_bindings(channel),
            extensions: channel.extensions(),
            location: channel.location(),
        }
    }

    /// Reads the channel's server names. 2.x lists names, and 3.x lists
    /// `$ref`s to root servers.
    fn channel_servers(&self, channel: &Located<'_>) -> Vec<String> {
        let Some(list) = channel.field("servers") else {
            return Vec::new();
        };
        if self.version.is_v2() {
            return channel.strings("servers");
        }
        list.items()
            .iter()
            .filter_map(|item| {
                let target = self.resolve_once(item)?;
                match target.pointer.tokens() {
                    [servers, name]
                        if target.file == self.document.root_file() && servers == "servers" =>
                    {
                        Some(name.clone())
                    }
                    _ => None,
                }
            })
            .collect()
    }

    fn parameters(&self, channel: &Located<'_>) -> IndexMap<String, Parameter> {
        let Some(parameters) = channel.field("parameters") else {
            return IndexMap::new();
        };
        parameters
            .entries()
            .into_iter()
            .filter_map(|(name, parameter)| {
                let parameter = self.object(parameter)?;
                Some((name, self.parameter(&parameter)))
            })
            .collect()
    }

    /// Reads a Parameter Object; a 2.x one is upgraded from its schema.
    pub(crate) fn parameter(&self, parameter: &Located<'_>) -> Parameter {
        let mut read = Parameter {
            allowed_values: scalar_list(parameter, "enum"),
            default: parameter.node.get("default").and_then(scalar_text),
            description: parameter.string("description"),
            examples: scalar_list(parameter, "examples"),
            location: parameter.string("location"),
            schema: None,
            extensions: parameter.extensions(),
        };
        if self.version.is_v2() {
            read.schema = parameter
                .field("schema")
                .and_then(|schema| self.schema(schema, None, None));
            if let Some(schema) = self.object_field(parameter, "schema") {
                read.allowed_values = scalar_list(&schema, "enum");
                read.default = schema.node.get("default").and_then(scalar_text);
                read.examples = scalar_list(&schema, "examples");
                if read.description.is_none() {
                    read.description = schema.string("description");
                }
            }
        }
        read
    }
}
