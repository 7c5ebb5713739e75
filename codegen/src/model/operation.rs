//! Operations, their action and their reply.

use super::bindings::OperationBindings;
use super::reader::{Located, Reader};
use super::{Extensions, ExternalDocs, Location, SecurityRequirement, Tag};

/// The application's role on a channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// The application sends messages to the channel. A 2.x `subscribe`
    /// operation (others subscribe to what this application sends).
    Send,
    /// The application receives messages from the channel. A 2.x
    /// `publish` operation (others publish what this application receives).
    Receive,
}

impl Action {
    /// Returns the 3.0 spelling: `send` or `receive`.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Send => "send",
            Action::Receive => "receive",
        }
    }
}

/// An action of the application on a channel (the Operation Object), in
/// the 3.0 shape and with its traits merged in.
#[derive(Clone, Debug, PartialEq)]
pub struct Operation {
    /// Whether the application sends or receives.
    pub action: Action,
    /// Id of the channel (its key in [`AsyncApi::channels`]).
    ///
    /// [`AsyncApi::channels`]: super::AsyncApi::channels
    pub channel: String,
    /// Keys, in the channel's `messages`, of the messages this operation
    /// handles. A 3.x operation without `messages` handles every message of
    /// its channel, and lists them all here.
    pub messages: Vec<String>,
    /// Short title.
    pub title: Option<String>,
    /// Short summary.
    pub summary: Option<String>,
    /// Description, CommonMark allowed.
    pub description: Option<String>,
    /// Alternative security requirements; any one of them suffices.
    pub security: Vec<SecurityRequirement>,
    /// Tags of the operation.
    pub tags: Vec<Tag>,
    /// Further documentation.
    pub external_docs: Option<ExternalDocs>,
    /// Protocol-specific settings.
    pub bindings: OperationBindings,
    /// The response to this operation, for request/reply (3.x only).
    pub reply: Option<Reply>,
    /// `x-` extensions.
    pub extensions: Extensions,
    /// Location of the operation object, after following `$ref`s.
    pub location: Location,
}

/// The response of a request/reply operation (the Operation Reply Object).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Reply {
    /// Destination of the reply, when it is read at runtime.
    pub address: Option<ReplyAddress>,
    /// Id of the channel the reply is sent on.
    pub channel: Option<String>,
    /// Keys, in the reply channel's `messages`, of the reply messages. A
    /// reply without `messages` lists every message of its channel.
    ///
    /// NOTE: a reply without `channel` has no channel to key its messages
    /// in, so this list is empty even when the reply names messages.
    pub messages: Vec<String>,
    /// `x-` extensions.
    pub extensions: Extensions,
}

/// A reply address read at runtime (the Operation Reply Address Object).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReplyAddress {
    /// Runtime expression for the address, such as
    /// `$message.header#/replyTo`.
    pub location: String,
    /// Description of the address.
    pub description: Option<String>,
    /// `x-` extensions.
    pub extensions: Extensions,
}

impl Reader<'_> {
    /// Builds an operation from the fields that 2.x and 3.x share; the
    /// caller has merged the traits into `operation`.
    pub(crate) fn operation(
        &self,
        operation: &Located<'_>,
        action: Action,
        channel: String,
        messages: Vec<String>,
    ) -> Operation {
        Operation {
            action,
            channel,
            messages,
            title: operation.string("title"),
            summary: operation.string("summary"),
            description: operation.string("description"),
            security: self.security(operation),
            tags: self.tags(operation, "tags"),
            external_docs: self.external_docs(operation, "externalDocs"),
            bindings: self.operation_bindings(operation),
            reply: None,
            extensions: operation.extensions(),
            location: operation.location(),
        }
    }
}
