//! The AsyncAPI objects that semantic rules look at, collected in one pass.
//!
//! Objects are found where the specification places them (root fields,
//! channels, operations, components) with `$ref`s followed, and each one is
//! listed once by its resolved identity, so an object reached through
//! several references is checked once.

use std::collections::HashSet;

use super::walk::{
    child, field, field_entries, field_items, follow, identity, items, root, trait_of, Identity,
};
use crate::document::{Document, Target};
use crate::source::Span;
use crate::version::SpecVersion;

/// A channel with the address it is used at.
pub(super) struct Channel<'d> {
    /// The channel object, `$ref` followed.
    pub node: Target<'d>,
    /// The address: the channel key in 2.x, the `address` field in 3.x.
    /// `None` when it is null, absent or unknown (a 2.x component channel).
    pub address: Option<Address<'d>>,
}

/// A channel address as written.
pub(super) struct Address<'d> {
    /// The address text, such as `users/{userId}`.
    pub text: &'d str,
    /// Pointer of the node that carries the address (the 2.x channel entry
    /// or the 3.x `address` field).
    pub pointer: String,
    /// Span of the address text (the key span for a 2.x channel key).
    pub span: Span,
}

/// Every object kind the semantic rules check, each `$ref` followed.
#[derive(Default)]
pub(super) struct Inventory<'d> {
    /// Server objects, root ones first, then components.
    pub servers: Vec<Target<'d>>,
    /// Channels, once per (channel, address) pair.
    pub channels: Vec<Channel<'d>>,
    /// Operation objects (2.x `publish`/`subscribe`, 3.x operations).
    pub operations: Vec<Target<'d>>,
    /// Operation trait objects, applied or in components.
    pub operation_traits: Vec<Target<'d>>,
    /// Message objects; a 2.x `oneOf` list contributes each alternative.
    pub messages: Vec<Target<'d>>,
    /// Message trait objects, applied or in components.
    pub message_traits: Vec<Target<'d>>,
    /// 3.x operation reply objects.
    pub replies: Vec<Target<'d>>,
    /// How many of `operations`, from the start, are reachable from the
    /// root servers, channels and operations rather than only from
    /// `components`.
    pub root_operations: usize,
    /// How many of `messages`, from the start, are reachable from the root.
    pub root_messages: usize,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Server,
    Channel,
    Operation,
    OperationTrait,
    Message,
    /// A 2.x `message: {oneOf: [...]}` list, which is not listed itself.
    MessageAlternatives,
    MessageTrait,
    Reply,
}

/// Collects the inventory of `document`.
pub(super) fn collect(document: &Document, version: SpecVersion) -> Inventory<'_> {
    let mut collector = Collector {
        document,
        seen: HashSet::new(),
        seen_channel_addresses: HashSet::new(),
        inventory: Inventory::default(),
    };
    collector.document_root(version);
    collector.inventory
}

struct Collector<'d> {
    document: &'d Document,
    seen: HashSet<(Kind, Identity)>,
    seen_channel_addresses: HashSet<(Identity, Option<String>)>,
    inventory: Inventory<'d>,
}

impl<'d> Collector<'d> {
    fn document_root(&mut self, version: SpecVersion) {
        let document = self.document;
        let root = root(document);
        let components = field(document, &root, "components");
        let component_entries = |key: &str| match &components {
            Some(components) => field_entries(document, components, key),
            None => Vec::new(),
        };

        // Objects reachable from the root first, so the counts below mark
        // them off from component-only ones.
        for server in field_entries(document, &root, "servers") {
            self.server(&server.value);
        }
        for channel in field_entries(document, &root, "channels") {
            let address = version.is_v2().then(|| Address {
                text: channel.name,
                pointer: channel.value.pointer.to_string(),
                span: channel.key_span,
            });
            self.channel(&channel.value, address, version);
        }
        if version.is_v3() {
            for operation in field_entries(document, &root, "operations") {
                self.operation(&operation.value);
            }
        }
        self.inventory.root_operations = self.inventory.operations.len();
        self.inventory.root_messages = self.inventory.messages.len();

        for server in component_entries("servers") {
            self.server(&server.value);
        }
        for channel in component_entries("channels") {
            self.channel(&channel.value, None, version);
        }
        if version.is_v3() {
            for operation in component_entries("operations") {
                self.operation(&operation.value);
            }
            for reply in component_entries("replies") {
                self.reply(&reply.value);
            }
        }
        for message in component_entries("messages") {
            self.message(&message.value);
        }
        for message_trait in component_entries("messageTraits") {
            self.add(Kind::MessageTrait, &message_trait.value);
        }
        for operation_trait in component_entries("operationTraits") {
            self.add(Kind::OperationTrait, &operation_trait.value);
        }
    }

    /// Follows `written` and lists it under `kind` unless it was seen; returns
    /// the resolved object the first time only.
    fn add(&mut self, kind: Kind, written: &Target<'d>) -> Option<Target<'d>> {
        let target = follow(self.document, written)?;
        target.node.as_mapping()?;
        if !self.seen.insert((kind, identity(&target))) {
            return None;
        }
        let list = match kind {
            Kind::Server => &mut self.inventory.servers,
            Kind::Operation => &mut self.inventory.operations,
            Kind::OperationTrait => &mut self.inventory.operation_traits,
            Kind::Message => &mut self.inventory.messages,
            Kind::MessageTrait => &mut self.inventory.message_traits,
            Kind::Reply => &mut self.inventory.replies,
            // Channels and message lists are not added through this method.
            Kind::Channel | Kind::MessageAlternatives => return Some(target),
        };
        list.push(target.clone());
        Some(target)
    }

    fn server(&mut self, written: &Target<'d>) {
        self.add(Kind::Server, written);
    }

    fn channel(
        &mut self,
        written: &Target<'d>,
        address: Option<Address<'d>>,
        version: SpecVersion,
    ) {
        let document = self.document;
        let Some(channel) = follow(document, written) else {
            return;
        };
        if channel.node.as_mapping().is_none() {
            return;
        }
        let address = match version {
            SpecVersion::V2 { .. } => address,
            SpecVersion::V3 { .. } => child(&channel, "address").and_then(|value| {
                Some(Address {
                    text: value.node.as_str()?,
                    pointer: value.pointer.to_string(),
                    span: value.node.span,
                })
            }),
        };
        let key = (
            identity(&channel),
            address.as_ref().map(|a| a.text.to_owned()),
        );
        if !self.seen_channel_addresses.insert(key) {
            return;
        }
        // A channel used at several addresses is listed once per address,
        // but its operations and messages only once.
        let first_visit = self.seen.insert((Kind::Channel, identity(&channel)));
        self.inventory.channels.push(Channel {
            node: channel.clone(),
            address,
        });
        if !first_visit {
            return;
        }
        match version {
            SpecVersion::V2 { .. } => {
                for action in ["publish", "subscribe"] {
                    if let Some(operation) = child(&channel, action) {
                        self.operation(&operation);
                    }
                }
            }
            SpecVersion::V3 { .. } => {
                for message in field_entries(document, &channel, "messages") {
                    self.message(&message.value);
                }
            }
        }
    }

    fn operation(&mut self, written: &Target<'d>) {
        let document = self.document;
        let Some(operation) = self.add(Kind::Operation, written) else {
            return;
        };
        for item in field_items(document, &operation, "traits") {
            self.add(Kind::OperationTrait, &trait_of(&item));
        }
        // 2.x: one `message`, which may be a `oneOf` list.
        if let Some(message) = child(&operation, "message") {
            self.message(&message);
        }
        // 3.x: a list of references to channel messages.
        for message in field_items(document, &operation, "messages") {
            self.message(&message);
        }
        if let Some(reply) = child(&operation, "reply") {
            self.reply(&reply);
        }
    }

    fn reply(&mut self, written: &Target<'d>) {
        let document = self.document;
        let Some(reply) = self.add(Kind::Reply, written) else {
            return;
        };
        for message in field_items(document, &reply, "messages") {
            self.message(&message);
        }
    }

    fn message(&mut self, written: &Target<'d>) {
        let document = self.document;
        let Some(message) = follow(document, written) else {
            return;
        };
        // A 2.x `message: {oneOf: [...]}` lists alternatives; it is not a
        // message itself.
        if message.node.get("payload").is_none() {
            if let Some(list) = child(&message, "oneOf") {
                // The set guards against a `oneOf` that lists itself.
                if list.node.as_sequence().is_some()
                    && self
                        .seen
                        .insert((Kind::MessageAlternatives, identity(&list)))
                {
                    for alternative in items(&list) {
                        self.message(&alternative);
                    }
                }
                return;
            }
        }
        let Some(message) = self.add(Kind::Message, &message) else {
            return;
        };
        for item in field_items(document, &message, "traits") {
            self.add(Kind::MessageTrait, &trait_of(&item));
        }
    }
}
