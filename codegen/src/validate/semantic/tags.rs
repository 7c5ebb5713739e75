//! Tag lists: each list names a tag once.

use std::collections::HashMap;

use super::walk::{child, field, field_items, follow, place, pointer_text, root, string_field};
use super::Context;
use crate::diagnostic::{Code, Diagnostic};
use crate::document::Target;

/// Reports a tag `name` that appears twice in the same `tags` list.
pub(super) fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let document = context.document;
    let inventory = &context.inventory;
    let root = root(document);

    let mut owners: Vec<Target<'_>> = Vec::new();
    // 2.x lists tags at the root, 3.x in `info`.
    owners.push(root.clone());
    owners.extend(field(document, &root, "info"));
    owners.extend(inventory.servers.iter().cloned());
    owners.extend(inventory.channels.iter().map(|c| c.node.clone()));
    owners.extend(inventory.operations.iter().cloned());
    owners.extend(inventory.operation_traits.iter().cloned());
    owners.extend(inventory.messages.iter().cloned());
    owners.extend(inventory.message_traits.iter().cloned());

    for owner in &owners {
        if child(owner, "tags").is_some() {
            check_list(context, owner, out);
        }
    }
}

fn check_list(context: &Context<'_>, owner: &Target<'_>, out: &mut Vec<Diagnostic>) {
    let document = context.document;
    let mut first_by_name: HashMap<&str, Target<'_>> = HashMap::new();
    for item in field_items(document, owner, "tags") {
        // 3.x tags may be references to `components/tags`.
        let Some(tag) = follow(document, &item) else {
            continue;
        };
        let Some((name, name_node)) = string_field(&tag, "name") else {
            continue;
        };
        let Some(first) = first_by_name.get(name) else {
            first_by_name.insert(name, name_node);
            continue;
        };
        // Report at the list item, which is in the list even when the tag
        // itself is a shared component.
        let at = if item.node.ref_target().is_some() {
            item.clone()
        } else {
            name_node.clone()
        };
        out.push(
            Diagnostic::error(
                Code::DuplicateTag,
                format!(
                    "tag {name:?} is listed twice in {}/tags; the first is at {}",
                    pointer_text(owner),
                    place(document, first.node.span)
                ),
            )
            .at(pointer_text(&at), at.node.span)
            .with_help("remove the second entry, or merge the two tags' descriptions into one"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{assert_no_semantic_errors, with_code};
    use crate::diagnostic::Code;

    #[test]
    fn duplicate_root_tag() {
        let text = r"asyncapi: 2.0.0
info: {title: t, version: '1'}
tags:
  - name: user
  - name: signup
  - name: user
    description: again
channels: {}
";
        let found = with_code(text, Code::DuplicateTag);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].pointer, "/tags/2/name");
        assert_eq!(found[0].span.map(|s| s.start.line), Some(6));
        assert!(
            found[0].message.contains("\"user\""),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn duplicate_message_trait_tag() {
        let text = r"asyncapi: 2.0.0
info: {title: t, version: '1'}
channels:
  a:
    publish:
      message:
        payload: {type: string}
        traits: [{$ref: '#/components/messageTraits/common'}]
components:
  messageTraits:
    common:
      tags: [{name: user}, {name: user}]
";
        let found = with_code(text, Code::DuplicateTag);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].pointer,
            "/components/messageTraits/common/tags/1/name"
        );
    }

    #[test]
    fn duplicate_v3_channel_tag_by_ref() {
        let text = r"asyncapi: 3.0.0
info:
  title: t
  version: '1'
  tags: [{name: a}, {name: b}]
channels:
  c:
    address: c
    tags:
      - $ref: '#/components/tags/user'
      - name: user
components:
  tags:
    user: {name: user}
";
        let found = with_code(text, Code::DuplicateTag);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].pointer, "/channels/c/tags/1/name");
    }

    #[test]
    fn duplicate_server_and_operation_tags() {
        let text = r"asyncapi: 3.0.0
info: {title: t, version: '1'}
servers:
  prod:
    host: example.com
    protocol: kafka
    tags: [{name: env}, {name: env}]
channels:
  a: {address: a}
operations:
  send:
    action: send
    channel: {$ref: '#/channels/a'}
    tags: [{name: x}, {name: x}]
";
        let found = with_code(text, Code::DuplicateTag);
        let pointers: Vec<&str> = found.iter().map(|d| d.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            ["/servers/prod/tags/1/name", "/operations/send/tags/1/name"]
        );
    }

    #[test]
    fn distinct_tags_pass() {
        let text = r"asyncapi: 3.0.0
info:
  title: t
  version: '1'
  tags: [{name: a}, {name: b}]
channels: {}
";
        assert_no_semantic_errors(text);
    }
}
