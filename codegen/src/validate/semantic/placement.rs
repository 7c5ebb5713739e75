//! 3.x references from root objects stay among root objects: a root
//! channel's `servers` point into the root `servers`, and a root
//! operation's `channel` points into the root `channels`. Components may
//! point anywhere, and so may a root entry that is itself a `$ref` to a
//! component, because the object it names is located in `components`.

use super::walk::{child, field_entries, items, pointer_text, root};
use super::Context;
use crate::diagnostic::{Code, Diagnostic};
use crate::document::{Document, Target};

/// Reports root channel servers and root operation channels whose `$ref`
/// leads outside the root `servers` or `channels`.
pub(super) fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    if !context.version.is_v3() {
        return;
    }
    let document = context.document;
    let root = root(document);
    for channel in field_entries(document, &root, "channels") {
        let channel = channel.value;
        if channel.node.ref_target().is_some() {
            continue;
        }
        let Some(servers) = child(&channel, "servers") else {
            continue;
        };
        for server in items(&servers) {
            check_reference(document, &server, "servers", "channel", out);
        }
    }
    for operation in field_entries(document, &root, "operations") {
        let operation = operation.value;
        if operation.node.ref_target().is_some() {
            continue;
        }
        if let Some(channel) = child(&operation, "channel") {
            check_reference(document, &channel, "channels", "operation", out);
        }
    }
}

/// Checks that the `$ref` at `reference` names an entry of the root
/// mapping `section` (such as `#/servers/production`).
fn check_reference(
    document: &Document,
    reference: &Target<'_>,
    section: &str,
    owner: &str,
    out: &mut Vec<Diagnostic>,
) {
    let Some(written) = reference.node.ref_target() else {
        return;
    };
    let Ok(target) = document.resolve(reference.file, written) else {
        return;
    };
    let tokens = target.pointer.tokens();
    let in_root_section = target.file == document.root_file()
        && tokens.len() == 2
        && tokens.first().is_some_and(|t| t == section);
    if in_root_section {
        return;
    }
    let noun = section.trim_end_matches('s');
    out.push(
        Diagnostic::error(
            Code::InvalidValue,
            format!(
                "{owner} in the root `{}` references {noun} {written:?}, but it must reference an entry of the root `{section}`",
                if owner == "channel" { "channels" } else { "operations" }
            ),
        )
        .at(pointer_text(reference), reference.node.span)
        .with_help(format!(
            "add the {noun} under the root `{section}` (it may itself be a `$ref` to the component) and reference it as `#/{section}/NAME`"
        )),
    );
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{assert_no_semantic_errors, with_code};
    use crate::diagnostic::Code;

    #[test]
    fn root_references_into_components() {
        let text = r"asyncapi: 3.0.0
info: {title: t, version: '1'}
servers:
  prod: {$ref: '#/components/servers/prod'}
channels:
  a:
    address: a
    servers:
      - $ref: '#/servers/prod'
      - $ref: '#/components/servers/prod'
operations:
  send:
    action: send
    channel: {$ref: '#/components/channels/b'}
components:
  servers:
    prod: {host: example.com, protocol: kafka}
  channels:
    b: {address: b}
  operations:
    reusable:
      action: send
      channel: {$ref: '#/components/channels/b'}
";
        let found = with_code(text, Code::InvalidValue);
        let pointers: Vec<&str> = found.iter().map(|d| d.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            ["/channels/a/servers/1", "/operations/send/channel"]
        );
        assert_eq!(found[0].span.map(|s| s.start.line), Some(10));
        assert!(
            found[1].message.contains("#/components/channels/b"),
            "{}",
            found[1].message
        );
    }

    #[test]
    fn root_references_pass() {
        let text = r"asyncapi: 3.0.0
info: {title: t, version: '1'}
servers:
  prod: {host: example.com, protocol: kafka}
channels:
  a:
    address: a
    servers: [{$ref: '#/servers/prod'}]
operations:
  send:
    action: send
    channel: {$ref: '#/channels/a'}
  shared: {$ref: '#/components/operations/shared'}
components:
  operations:
    shared:
      action: receive
      channel: {$ref: '#/components/channels/b'}
  channels:
    b: {address: b}
";
        assert_no_semantic_errors(text);
    }
}
