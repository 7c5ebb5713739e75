//! Upgrade of AsyncAPI 2.x channels into the 3.0 shape.
//!
//! A 2.x channel key is the channel's address and also its id. Its
//! `subscribe` operation means the application sends (others subscribe to
//! what it sends), and `publish` means the application receives. Each
//! operation becomes a 3.0 operation keyed by its `operationId`, or by an
//! id generated from the action and the channel key. The messages of both
//! operations, including every alternative of a `message.oneOf`, become the
//! channel's messages.

use std::collections::HashSet;

use indexmap::IndexMap;

use crate::tree::Node;

use super::reader::{Located, Reader};
use super::{Action, Channel, Message, Operation};

/// A 2.x operation found on a channel, with its traits merged.
struct Found<'n> {
    channel: String,
    action: Action,
    written: Located<'n>,
    merged: Option<Node>,
}

impl<'n> Found<'n> {
    fn operation(&self) -> Located<'_> {
        match &self.merged {
            Some(node) => Located {
                file: self.written.file,
                pointer: self.written.pointer.clone(),
                node,
            },
            None => self.written.clone(),
        }
    }
}

impl<'d> Reader<'d> {
    /// Reads the 2.x `channels` of `root` into 3.0 channels and operations.
    pub(crate) fn channels_v2(
        &self,
        root: &Located<'_>,
    ) -> (IndexMap<String, Channel>, IndexMap<String, Operation>) {
        let mut channels = IndexMap::new();
        let mut found = Vec::new();
        if let Some(list) = root.field("channels") {
            for (key, channel) in list.entries() {
                let Some(channel) = self.object(channel) else {
                    continue;
                };
                channels.insert(key.clone(), self.channel(&channel, Some(key.clone())));
                found.extend(self.channel_operations(&key, &channel));
            }
        }

        // Explicit ids are reserved first, so a generated id never takes an
        // id that a later operation names.
        let explicit: Vec<Option<String>> = found
            .iter()
            .map(|f| f.operation().string("operationId"))
            .collect();
        let mut taken: HashSet<String> = explicit.iter().flatten().cloned().collect();
        let mut operations = IndexMap::new();
        for (found, explicit) in found.iter().zip(explicit) {
            let id = match explicit {
                Some(id) if !operations.contains_key(&id) => id,
                Some(id) => unique_key(&id, |k| taken.contains(k)),
                None => unique_key(&generated_id(found.action, &found.channel), |k| {
                    taken.contains(k)
                }),
            };
            taken.insert(id.clone());
            let operation = found.operation();
            let Some(channel) = channels.get_mut(&found.channel) else {
                continue;
            };
            let messages = self.operation_messages(&operation, &id, channel);
            let model = self.operation(&operation, found.action, found.channel.clone(), messages);
            operations.insert(id, model);
        }
        (channels, operations)
    }

    /// The `subscribe` and `publish` operations of a channel, in source
    /// order.
    fn channel_operations<'n>(&self, key: &str, channel: &Located<'n>) -> Vec<Found<'n>>
    where
        'd: 'n,
    {
        let mut found = Vec::new();
        for (field, operation) in channel.entries() {
            let action = match field.as_str() {
                "subscribe" => Action::Send,
                "publish" => Action::Receive,
                _ => continue,
            };
            let Some(written) = self.object(operation) else {
                continue;
            };
            let merged = self.apply_traits(&written);
            found.push(Found {
                channel: key.to_owned(),
                action,
                written,
                merged,
            });
        }
        found
    }

    /// Adds the messages of a 2.x operation to `channel` and returns their
    /// keys there.
    fn operation_messages(
        &self,
        operation: &Located<'_>,
        operation_id: &str,
        channel: &mut Channel,
    ) -> Vec<String> {
        let Some(written) = operation.field("message") else {
            return Vec::new();
        };
        let Some(message) = self.follow(written.clone()) else {
            return Vec::new();
        };
        let alternatives = match message.field("oneOf") {
            Some(list) if list.node.as_sequence().is_some() => list.items(),
            _ => vec![written],
        };
        let several = alternatives.len() > 1;
        let mut keys = Vec::new();
        for (index, alternative) in alternatives.into_iter().enumerate() {
            let Some(message) = self.message(alternative) else {
                continue;
            };
            let fallback = if several {
                format!("{operation_id}Message{}", index + 1)
            } else {
                format!("{operation_id}Message")
            };
            let key = self.message_key(&message).unwrap_or(fallback);
            keys.push(add_message(channel, key, message));
        }
        keys
    }

    /// The key a 2.x message gets in its channel: its `messageId`, or its
    /// name under `components.messages`.
    fn message_key(&self, message: &Message) -> Option<String> {
        if let Some(id) = &message.message_id {
            return Some(id.clone());
        }
        match message.location.pointer.tokens() {
            [components, messages, name]
                if message.location.file == self.document.root_file()
                    && components == "components"
                    && messages == "messages" =>
            {
                Some(name.clone())
            }
            _ => None,
        }
    }
}

/// Adds `message` to `channel` under `key` and returns the key used: the
/// existing key when the channel already has this message (the same
/// location), otherwise `key` or, if taken, `key` with a number appended.
fn add_message(channel: &mut Channel, key: String, message: Message) -> String {
    let existing = channel
        .messages
        .iter()
        .find(|(_, m)| m.location == message.location);
    if let Some((existing, _)) = existing {
        return existing.clone();
    }
    let key = unique_key(&key, |k| channel.messages.contains_key(k));
    channel.messages.insert(key.clone(), message);
    key
}

/// `base`, or `base` followed by the smallest number from 2 on that makes
/// it unused.
fn unique_key(base: &str, is_used: impl Fn(&str) -> bool) -> String {
    if !is_used(base) {
        return base.to_owned();
    }
    (2..)
        .map(|n| format!("{base}{n}"))
        .find(|candidate| !is_used(candidate))
        .unwrap_or_else(|| base.to_owned())
}

/// The id of a 2.x operation without `operationId`: the action followed by
/// the channel key in camel case, such as `sendUserSignedup` for
/// `subscribe` on `user/signedup`.
fn generated_id(action: Action, channel: &str) -> String {
    let mut id = action.as_str().to_owned();
    let words = channel
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty());
    let mut any = false;
    for word in words {
        any = true;
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            id.extend(first.to_uppercase());
            id.push_str(chars.as_str());
        }
    }
    if !any {
        id.push_str("Channel");
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_id_camel_cases_channel() {
        assert_eq!(
            generated_id(Action::Send, "user/signedup"),
            "sendUserSignedup"
        );
        assert_eq!(
            generated_id(
                Action::Receive,
                "smartylighting.streetlights.1.0.{streetlightId}"
            ),
            "receiveSmartylightingStreetlights10StreetlightId"
        );
        assert_eq!(generated_id(Action::Send, "/"), "sendChannel");
        assert_eq!(generated_id(Action::Send, "ünïcode"), "sendÜnïcode");
    }

    #[test]
    fn unique_key_appends_smallest_free_number() {
        let used = ["a", "a2"];
        assert_eq!(unique_key("b", |k| used.contains(&k)), "b");
        assert_eq!(unique_key("a", |k| used.contains(&k)), "a3");
    }
}
