//! Reading of AsyncAPI 3.x channels, operations and replies.
//!
//! Operations, replies and their messages name channels and messages by
//! `$ref`; the model replaces each reference by the key of the channel in
//! the root `channels`, or of the message in that channel's `messages`.
//! A reference that names no such entry is skipped: the validator reports
//! it.

use indexmap::IndexMap;

use super::reader::{Located, Reader};
use super::{Action, Channel, Operation, Reply, ReplyAddress};

impl Reader<'_> {
    /// Reads the 3.x `channels` of `root` with their messages.
    pub(crate) fn channels_v3(&self, root: &Located<'_>) -> IndexMap<String, Channel> {
        let Some(list) = root.field("channels") else {
            return IndexMap::new();
        };
        let mut channels = IndexMap::new();
        for (id, channel) in list.entries() {
            let Some(channel) = self.object(channel) else {
                continue;
            };
            let mut model = self.channel(&channel, channel.string("address"));
            if let Some(messages) = channel.field("messages") {
                for (key, message) in messages.entries() {
                    if let Some(message) = self.message(message) {
                        model.messages.insert(key, message);
                    }
                }
            }
            channels.insert(id, model);
        }
        channels
    }

    /// Reads the 3.x `operations` of `root`. An operation whose action or
    /// channel cannot be read is skipped.
    pub(crate) fn operations_v3(
        &self,
        root: &Located<'_>,
        channels: &IndexMap<String, Channel>,
    ) -> IndexMap<String, Operation> {
        let Some(list) = root.field("operations") else {
            return IndexMap::new();
        };
        let mut operations = IndexMap::new();
        for (id, operation) in list.entries() {
            let Some(written) = self.object(operation) else {
                continue;
            };
            let merged = self.apply_traits(&written);
            let operation = match &merged {
                Some(node) => Located {
                    file: written.file,
                    pointer: written.pointer.clone(),
                    node,
                },
                None => written,
            };
            let action = match operation.string("action").as_deref() {
                Some("send") => Action::Send,
                Some("receive") => Action::Receive,
                _ => continue,
            };
            let Some(channel_id) = operation
                .field("channel")
                .and_then(|channel| self.channel_id(&channel, channels))
            else {
                continue;
            };
            let messages = self.message_keys(operation.field("messages"), &channel_id, channels);
            let mut model = self.operation(&operation, action, channel_id, messages);
            model.reply = operation
                .field("reply")
                .and_then(|reply| self.reply(reply, channels));
            operations.insert(id, model);
        }
        operations
    }

    fn reply(&self, reply: Located<'_>, channels: &IndexMap<String, Channel>) -> Option<Reply> {
        let reply = self.object(reply)?;
        let address = self.object_field(&reply, "address").and_then(|address| {
            Some(ReplyAddress {
                location: address.string("location")?,
                description: address.string("description"),
                extensions: address.extensions(),
            })
        });
        let channel = reply
            .field("channel")
            .and_then(|channel| self.channel_id(&channel, channels));
        let messages = match &channel {
            Some(channel) => self.message_keys(reply.field("messages"), channel, channels),
            None => Vec::new(),
        };
        Some(Reply {
            address,
            channel,
            messages,
            extensions: reply.extensions(),
        })
    }

    /// The key in the root `channels` of the channel that `reference`
    /// names: directly (`#/channels/<key>`) or through another `$ref` to
    /// the same channel object.
    fn channel_id(
        &self,
        reference: &Located<'_>,
        channels: &IndexMap<String, Channel>,
    ) -> Option<String> {
        let target = self.resolve_once(reference)?;
        if let [first, key] = target.pointer.tokens() {
            if target.file == self.document.root_file()
                && first == "channels"
                && channels.contains_key(key)
            {
                return Some(key.clone());
            }
        }
        let object = self.follow(reference.clone())?.location();
        channels
            .iter()
            .find(|(_, channel)| channel.location == object)
            .map(|(key, _)| key.clone())
    }

    /// The keys, in channel `channel_id`, of the messages that the `$ref`s
    /// in `list` name; every message of the channel when `list` is absent.
    fn message_keys(
        &self,
        list: Option<Located<'_>>,
        channel_id: &str,
        channels: &IndexMap<String, Channel>,
    ) -> Vec<String> {
        let Some(channel) = channels.get(channel_id) else {
            return Vec::new();
        };
        let Some(list) = list else {
            return channel.messages.keys().cloned().collect();
        };
        let mut keys = Vec::new();
        for item in list.items() {
            if let Some(key) = self.message_key_v3(&item, channel_id, channel) {
                keys.push(key);
            }
        }
        keys
    }

    fn message_key_v3(
        &self,
        reference: &Located<'_>,
        channel_id: &str,
        channel: &Channel,
    ) -> Option<String> {
        let target = self.resolve_once(reference)?;
        if let [first, id, messages, key] = target.pointer.tokens() {
            if target.file == self.document.root_file()
                && first == "channels"
                && id == channel_id
                && messages == "messages"
                && channel.messages.contains_key(key)
            {
                return Some(key.clone());
            }
        }
        let object = self.follow(reference.clone())?.location();
        channel
            .messages
            .iter()
            .find(|(_, message)| message.location == object)
            .map(|(key, _)| key.clone())
    }
}
