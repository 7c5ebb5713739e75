//! 3.x operations and replies: their messages belong to their channel,
//! and a reply address does not compete with a channel address.

use std::collections::HashSet;

use super::walk::{
    child, field, field_entries, field_items, follow, identity, pointer_text, Identity,
};
use super::Context;
use crate::diagnostic::{Code, Diagnostic};
use crate::document::{Document, Target};

/// Reports operation and reply messages missing from their channel, and
/// warns about reply addresses next to a channel with its own address.
pub(super) fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    if !context.version.is_v3() {
        return;
    }
    let document = context.document;
    for operation in &context.inventory.operations {
        check_messages(document, operation, "operation", out);
    }
    for reply in &context.inventory.replies {
        check_messages(document, reply, "reply", out);
        check_reply_address(document, reply, out);
    }
}

/// Checks that each entry of `owner.messages` is a message of
/// `owner.channel`, comparing the objects the references lead to.
fn check_messages(document: &Document, owner: &Target<'_>, noun: &str, out: &mut Vec<Diagnostic>) {
    let Some(channel) = field(document, owner, "channel") else {
        return;
    };
    let channel_messages: HashSet<Identity> = field_entries(document, &channel, "messages")
        .iter()
        .filter_map(|message| follow(document, &message.value))
        .map(|message| identity(&message))
        .collect();
    for item in field_items(document, owner, "messages") {
        let Some(message) = follow(document, &item) else {
            continue;
        };
        if channel_messages.contains(&identity(&message)) {
            continue;
        }
        let written = item
            .node
            .ref_target()
            .map_or_else(|| pointer_text(&item), str::to_owned);
        out.push(
            Diagnostic::error(
                Code::OperationMessageNotInChannel,
                format!(
                    "{noun} {} lists message {written:?}, which is not a message of its channel {}",
                    pointer_text(owner),
                    pointer_text(&channel)
                ),
            )
            .at(pointer_text(&item), item.node.span)
            .with_help(format!(
                "reference one of the channel's messages, such as `$ref: '#{}/messages/NAME'`, or add this message to the channel's `messages`",
                pointer_text(&channel)
            )),
        );
    }
}

/// Warns about a reply `address` next to a reply channel that has its own
/// address. The specification wants that channel's address null or absent,
/// but its own request/reply example sets both, so this is a warning: the
/// document stays valid, and the reply `address` is the one to use.
fn check_reply_address(document: &Document, reply: &Target<'_>, out: &mut Vec<Diagnostic>) {
    let Some(reply_address) = child(reply, "address") else {
        return;
    };
    if reply_address.node.is_null() {
        return;
    }
    let Some(channel) = field(document, reply, "channel") else {
        return;
    };
    let Some(channel_address) =
        child(&channel, "address").and_then(|a| a.node.as_str().map(|s| (s, a)))
    else {
        return;
    };
    out.push(
        Diagnostic::warning(
            Code::ReplyInconsistent,
            format!(
                "reply {} has an `address`, but its channel {} already has the address {:?}",
                pointer_text(reply),
                pointer_text(&channel),
                channel_address.0
            ),
        )
        .at(pointer_text(&reply_address), reply_address.node.span)
        .with_help(
            "remove the reply `address`, or set the reply channel's `address: null` when the reply address is only known at run time",
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{assert_no_semantic_errors, diagnostics, with_code};
    use crate::diagnostic::{Code, Severity};

    /// Request/reply where the reply channel has a null address and the
    /// reply address is read from the request at run time.
    const DYNAMIC_REPLY: &str = r"asyncapi: 3.0.0
info: {title: dynamic reply, version: 1.0.0}
channels:
  ping:
    address: ping
    messages:
      ping: {$ref: '#/components/messages/ping'}
  pong:
    address: null
    messages:
      pong: {$ref: '#/components/messages/pong'}
operations:
  onPing:
    action: receive
    channel: {$ref: '#/channels/ping'}
    messages: [{$ref: '#/channels/ping/messages/ping'}]
    reply:
      address:
        description: reply goes to the address given by the requester
        location: $message.header#/replyTo
      channel: {$ref: '#/channels/pong'}
      messages: [{$ref: '#/channels/pong/messages/pong'}]
  requestPing:
    action: send
    channel: {$ref: '#/channels/ping'}
    reply:
      address: {location: $message.header#/replyTo}
      channel: {$ref: '#/channels/pong'}
components:
  messages:
    ping:
      correlationId: {location: $message.header#/correlationId}
      headers:
        type: object
        required: [correlationId]
        properties:
          replyTo: {type: string}
          correlationId: {type: string}
      payload: {type: object, properties: {sentAt: {type: string, format: date-time}}}
    pong:
      correlationId: {location: $message.header#/correlationId}
      headers: {type: object, properties: {correlationId: {type: string}}}
      payload: {type: object, properties: {receivedAt: {type: string, format: date-time}}}
";

    #[test]
    fn dynamic_reply_address_is_valid() {
        assert_no_semantic_errors(DYNAMIC_REPLY);
        let warnings: Vec<_> = diagnostics(DYNAMIC_REPLY)
            .into_iter()
            .filter(|d| d.code == Code::ReplyInconsistent)
            .collect();
        assert!(warnings.is_empty(), "{warnings:#?}");
    }

    const TWO_CHANNELS: &str = r"asyncapi: 3.0.0
info: {title: t, version: '1'}
channels:
  a:
    address: a
    messages:
      shared: {$ref: '#/components/messages/shared'}
      own: {payload: {type: string}}
  b:
    address: b
    messages:
      other: {payload: {type: string}}
operations:
  sendA:
    action: send
    channel: {$ref: '#/channels/a'}
    messages:
      - $ref: '#/channels/a/messages/own'
      - $ref: '#/components/messages/shared'
      - $ref: '#/channels/b/messages/other'
      - $ref: '#/components/messages/unlisted'
components:
  messages:
    shared: {payload: {type: string}}
    unlisted: {payload: {type: string}}
";

    #[test]
    fn operation_messages_must_be_channel_messages() {
        let found = with_code(TWO_CHANNELS, Code::OperationMessageNotInChannel);
        let pointers: Vec<&str> = found.iter().map(|d| d.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "/operations/sendA/messages/2",
                "/operations/sendA/messages/3"
            ]
        );
        assert_eq!(found[0].span.map(|s| s.start.line), Some(20));
        assert!(
            found[0].message.contains("#/channels/b/messages/other"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn reply_messages_must_be_reply_channel_messages() {
        let text = r"asyncapi: 3.0.0
info: {title: t, version: '1'}
channels:
  a:
    address: a
    messages:
      m: {payload: {type: string}}
  b:
    address: b
    messages:
      n: {payload: {type: string}}
operations:
  ask:
    action: send
    channel: {$ref: '#/channels/a'}
    reply:
      channel: {$ref: '#/channels/b'}
      messages: [{$ref: '#/channels/a/messages/m'}]
";
        let found = with_code(text, Code::OperationMessageNotInChannel);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].pointer, "/operations/ask/reply/messages/0");
    }

    #[test]
    fn reply_address_with_channel_address_warns() {
        let text = r"asyncapi: 3.0.0
info: {title: t, version: '1'}
channels:
  a: {address: a}
  b: {address: replies}
operations:
  ask:
    action: send
    channel: {$ref: '#/channels/a'}
    reply:
      address: {location: $message.header#/replyTo}
      channel: {$ref: '#/channels/b'}
";
        let found = with_code(text, Code::ReplyInconsistent);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Warning);
        assert_eq!(found[0].pointer, "/operations/ask/reply/address");
        assert!(
            found[0].message.contains("\"replies\""),
            "{}",
            found[0].message
        );
    }
}
