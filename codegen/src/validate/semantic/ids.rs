//! Unique identifiers: 2.x `operationId` and 2.4+ `messageId`.
//!
//! An id set by a trait counts as the object's own when the object does
//! not set one, so two operations that share a trait with an
//! `operationId` collide.

use std::collections::HashMap;

use super::walk::{field_items, follow, place, pointer_text, string_field, trait_of};
use super::Context;
use crate::diagnostic::{Code, Diagnostic};
use crate::document::{Document, Target};

/// Reports each `operationId` and `messageId` used a second time.
pub(super) fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    if !context.version.is_v2() {
        // 3.x has no such fields: operations and messages are keys of
        // mappings, unique by construction.
        return;
    }
    let operations = IdKind {
        key: "operationId",
        noun: "operation",
        code: Code::DuplicateOperationId,
    };
    // Components that nothing references are not part of the API, so only
    // objects reachable from the root must have unique ids.
    let inventory = &context.inventory;
    let root_operations = inventory
        .operations
        .get(..inventory.root_operations)
        .unwrap_or_default();
    report_duplicates(context.document, root_operations, &operations, out);
    if context.version.minor() >= 4 {
        let messages = IdKind {
            key: "messageId",
            noun: "message",
            code: Code::DuplicateMessageId,
        };
        let root_messages = inventory
            .messages
            .get(..inventory.root_messages)
            .unwrap_or_default();
        report_duplicates(context.document, root_messages, &messages, out);
    }
}

struct IdKind {
    key: &'static str,
    noun: &'static str,
    code: Code,
}

/// One object's id and where it is written.
struct Occurrence<'d> {
    id: &'d str,
    /// The id field, or the `traits` item whose trait supplies the id.
    at: Target<'d>,
    /// The object the id belongs to.
    owner: String,
    from_trait: bool,
}

fn report_duplicates(
    document: &Document,
    objects: &[Target<'_>],
    kind: &IdKind,
    out: &mut Vec<Diagnostic>,
) {
    let mut occurrences: Vec<Occurrence<'_>> = objects
        .iter()
        .filter_map(|object| occurrence(document, object, kind.key))
        .collect();
    // The second occurrence in reading order is the one reported.
    occurrences.sort_by_key(|o| (o.at.node.span.file, o.at.node.span.start));

    let mut first_by_id: HashMap<&str, &Occurrence<'_>> = HashMap::new();
    for occurrence in &occurrences {
        let Some(first) = first_by_id.get(occurrence.id) else {
            first_by_id.insert(occurrence.id, occurrence);
            continue;
        };
        let source = if occurrence.from_trait {
            " (set by its trait)"
        } else {
            ""
        };
        let message = format!(
            "{noun} {owner} has {key} {id:?}{source}, which the {noun} {first} at {line} already has",
            noun = kind.noun,
            owner = occurrence.owner,
            key = kind.key,
            id = occurrence.id,
            first = first.owner,
            line = place(document, first.at.node.span),
        );
        out.push(
            Diagnostic::error(kind.code, message)
                .at(pointer_text(&occurrence.at), occurrence.at.node.span)
                .with_help(format!(
                    "give each {} a unique {}: tools and generated code use it as a name",
                    kind.noun, kind.key
                )),
        );
    }
}

/// Returns the id of `object`: its own field, else the one set by the
/// last of its traits that sets one.
fn occurrence<'d>(
    document: &'d Document,
    object: &Target<'d>,
    key: &str,
) -> Option<Occurrence<'d>> {
    let owner = pointer_text(object);
    if let Some((id, at)) = string_field(object, key) {
        return Some(Occurrence {
            id,
            at,
            owner,
            from_trait: false,
        });
    }
    let mut found = None;
    for item in field_items(document, object, "traits") {
        let Some(applied) = follow(document, &trait_of(&item)) else {
            continue;
        };
        if let Some((id, _)) = string_field(&applied, key) {
            found = Some(Occurrence {
                id,
                at: item,
                owner: owner.clone(),
                from_trait: true,
            });
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{assert_no_semantic_errors, with_code};
    use crate::diagnostic::Code;

    const TWO_OPERATIONS: &str = r"asyncapi: 2.6.0
info: {title: t, version: '1'}
channels:
  a:
    publish:
      operationId: onEvent
      message: {payload: {type: string}}
  b:
    subscribe:
      operationId: onEvent
      message: {payload: {type: string}}
";

    #[test]
    fn duplicate_operation_id_at_second() {
        let found = with_code(TWO_OPERATIONS, Code::DuplicateOperationId);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].pointer, "/channels/b/subscribe/operationId");
        assert_eq!(found[0].span.map(|s| s.start.line), Some(10));
        assert!(
            found[0].message.contains("\"onEvent\""),
            "{}",
            found[0].message
        );
        assert!(found[0].message.contains("line 6"), "{}", found[0].message);
    }

    #[test]
    fn operation_id_from_trait_collides() {
        let text = r"asyncapi: 2.0.0
info: {title: t, version: '1'}
channels:
  /user/signedup:
    subscribe:
      message: {payload: {type: string}}
      traits:
        - $ref: '#/components/operationTraits/named'
    publish:
      operationId: userSignedUp
      message: {payload: {type: string}}
components:
  operationTraits:
    named:
      operationId: userSignedUp
";
        let found = with_code(text, Code::DuplicateOperationId);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].pointer,
            "/channels/~1user~1signedup/publish/operationId"
        );
        assert!(found[0].message.contains("line 8"), "{}", found[0].message);
    }

    #[test]
    fn duplicate_message_id_in_one_of() {
        let text = r"asyncapi: 2.4.0
info: {title: t, version: '1'}
channels:
  a:
    publish:
      message:
        oneOf:
          - messageId: created
            payload: {type: string}
          - messageId: created
            payload: {type: integer}
";
        let found = with_code(text, Code::DuplicateMessageId);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].pointer,
            "/channels/a/publish/message/oneOf/1/messageId"
        );
        assert_eq!(found[0].span.map(|s| s.start.line), Some(10));
    }

    #[test]
    fn same_message_through_refs_is_not_duplicate() {
        let text = r"asyncapi: 2.6.0
info: {title: t, version: '1'}
channels:
  a:
    publish:
      message: {$ref: '#/components/messages/created'}
  b:
    subscribe:
      message:
        oneOf:
          - $ref: '#/components/messages/created'
components:
  messages:
    created:
      messageId: created
      payload: {type: string}
";
        assert!(with_code(text, Code::DuplicateMessageId).is_empty());
        assert_no_semantic_errors(text);
    }

    #[test]
    fn unused_component_message_is_not_compared() {
        let text = r"asyncapi: 2.6.0
info: {title: t, version: '1'}
channels:
  a:
    publish:
      message: {messageId: created, payload: {type: string}}
components:
  messages:
    copy:
      messageId: created
      payload: {type: string}
";
        assert!(with_code(text, Code::DuplicateMessageId).is_empty());
    }

    #[test]
    fn v3_operation_keys_are_not_compared() {
        let text = r"asyncapi: 3.0.0
info: {title: t, version: '1'}
channels:
  a: {address: a}
operations:
  first: {action: send, channel: {$ref: '#/channels/a'}, operationId: same}
  second: {action: send, channel: {$ref: '#/channels/a'}, operationId: same}
";
        assert!(with_code(text, Code::DuplicateOperationId).is_empty());
    }

    #[test]
    fn message_id_before_2_4_is_ignored() {
        let text = r"asyncapi: 2.3.0
info: {title: t, version: '1'}
channels:
  a:
    publish:
      message: {messageId: m, payload: {type: string}}
    subscribe:
      message: {messageId: m, payload: {type: string}}
";
        assert!(with_code(text, Code::DuplicateMessageId).is_empty());
    }
}
