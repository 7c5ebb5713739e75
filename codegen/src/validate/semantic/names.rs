//! Names the specification restricts beyond what its JSON Schemas check:
//! 2.x component keys and parameter names (the structural rules check the
//! 3.x ones), server names, 2.x channel `servers`, and channel addresses
//! without a query.

use std::collections::HashSet;

use super::walk::{entries, field, field_entries, items, pointer_text, root, Named};
use super::Context;
use crate::diagnostic::{Code, Diagnostic};
use crate::document::Target;

/// Reports 2.x component keys, server names and 2.x parameter names with
/// characters the specification does not allow, 2.x channel `servers`
/// naming no server, and channel addresses with a query.
pub(super) fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let document = context.document;
    let root = root(document);

    let components = field(document, &root, "components").filter(|_| context.version.is_v2());
    if let Some(components) = components {
        for kind in entries(&components) {
            // The keys of `components` name kinds, and each kind's keys are the
            // component names.
            for component in field_entries(document, &components, kind.name) {
                check_name(
                    &component,
                    is_component_name,
                    "component",
                    "letters, digits, '.', '-' and '_'",
                    out,
                );
            }
        }
    }
    for server in field_entries(document, &root, "servers") {
        check_name(
            &server,
            is_identifier,
            "server",
            "letters, digits, '-' and '_'",
            out,
        );
    }
    for channel in &context.inventory.channels {
        if context.version.is_v2() {
            for parameter in field_entries(document, &channel.node, "parameters") {
                check_name(
                    &parameter,
                    is_identifier,
                    "parameter",
                    "letters, digits, '-' and '_'",
                    out,
                );
            }
        }
        if let Some(address) = &channel.address {
            // Only a query is rejected: `#` is MQTT's multi-level wildcard
            // in topic addresses, not a URI fragment.
            if let Some((_, query)) = address.text.split_once('?') {
                out.push(
                    Diagnostic::error(
                        Code::InvalidValue,
                        format!(
                            "channel address {:?} contains the query {query:?}",
                            address.text
                        ),
                    )
                    .at(address.pointer.clone(), address.span)
                    .with_help(
                        "remove the query from the address; describe query parameters with protocol bindings instead",
                    ),
                );
            }
        }
    }
    if context.version.is_v2() {
        check_channel_servers(context, &root, out);
    }
}

fn check_name(
    named: &Named<'_>,
    is_allowed: fn(&str) -> bool,
    noun: &str,
    allowed: &str,
    out: &mut Vec<Diagnostic>,
) {
    if is_allowed(named.name) {
        return;
    }
    out.push(
        Diagnostic::error(
            Code::InvalidValue,
            format!(
                "{noun} name {:?} contains characters that are not allowed",
                named.name
            ),
        )
        .at(pointer_text(&named.value), named.key_span)
        .with_help(format!("rename it using only {allowed}")),
    );
}

/// `^[a-zA-Z0-9\.\-_]+$`, the pattern for component keys.
fn is_component_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

/// `^[A-Za-z0-9_\-]+$`, the pattern for server names and 2.x parameter
/// names.
fn is_identifier(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
}

/// 2.2+ channel `servers` lists names of root servers.
fn check_channel_servers(context: &Context<'_>, root: &Target<'_>, out: &mut Vec<Diagnostic>) {
    let document = context.document;
    let servers = field_entries(document, root, "servers");
    let names: HashSet<&str> = servers.iter().map(|s| s.name).collect();
    let mut seen = HashSet::new();
    for channel in &context.inventory.channels {
        if !seen.insert(super::walk::identity(&channel.node)) {
            continue;
        }
        let Some(list) = field(document, &channel.node, "servers") else {
            continue;
        };
        for item in items(&list) {
            let Some(name) = item.node.as_str() else {
                continue;
            };
            if names.contains(name) {
                continue;
            }
            out.push(
                Diagnostic::error(
                    Code::UndefinedName,
                    format!("channel lists server {name:?}, which is not defined in `servers`"),
                )
                .at(pointer_text(&item), item.node.span)
                .with_help(
                    "use the name of a server under the root `servers`, or define that server",
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{assert_no_semantic_errors, with_code};
    use crate::diagnostic::Code;

    #[test]
    fn v2_component_and_server_names() {
        let text = r"asyncapi: 2.0.0
info: {title: t, version: '1'}
servers:
  prod$!:
    url: example.com
    protocol: kafka
channels: {}
components:
  messages:
    inval#d: {contentType: application/json}
    fine.name-1_x: {contentType: application/json}
";
        let found = with_code(text, Code::InvalidValue);
        let pointers: Vec<&str> = found.iter().map(|d| d.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            ["/servers/prod$!", "/components/messages/inval#d"]
        );
        assert_eq!(found[1].span.map(|s| s.start.line), Some(10));
    }

    #[test]
    fn v2_parameter_name_pattern() {
        let text = r"asyncapi: 2.0.0
info: {title: t, version: '1'}
channels:
  user/{userId}:
    parameters:
      userId: {schema: {type: string}}
      bad name: {schema: {type: string}}
";
        let found = with_code(text, Code::InvalidValue);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].pointer,
            "/channels/user~1{userId}/parameters/bad name"
        );
    }

    #[test]
    fn channel_address_with_query() {
        let text = r"asyncapi: 2.0.0
info: {title: t, version: '1'}
channels:
  /user/signedup?foo=1:
    subscribe:
      message: {payload: {type: string}}
";
        let found = with_code(text, Code::InvalidValue);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].pointer, "/channels/~1user~1signedup?foo=1");
        assert!(
            found[0].message.contains("\"foo=1\""),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn mqtt_wildcard_is_not_a_fragment() {
        let text = r"asyncapi: 3.0.0
info: {title: t, version: '1'}
channels:
  all:
    address: sensors/#
";
        assert!(with_code(text, Code::InvalidValue).is_empty());
    }

    #[test]
    fn channel_servers_must_exist() {
        let text = r"asyncapi: 2.2.0
info: {title: t, version: '1'}
servers:
  prod: {url: example.com, protocol: kafka}
channels:
  a:
    servers: [prod, staging]
";
        let found = with_code(text, Code::UndefinedName);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].pointer, "/channels/a/servers/1");
        assert!(
            found[0].message.contains("\"staging\""),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn allowed_names_pass() {
        let text = r"asyncapi: 2.2.0
info: {title: t, version: '1'}
servers:
  prod-1_a: {url: example.com, protocol: kafka}
channels:
  a/{id}:
    servers: [prod-1_a]
    parameters:
      id: {schema: {type: string}}
components:
  schemas:
    A.b-c_d: {type: string}
";
        assert_no_semantic_errors(text);
    }
}
