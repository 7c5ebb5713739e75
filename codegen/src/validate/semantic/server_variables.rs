//! Server variables: the `{names}` in a server URL (2.x `url`, 3.x `host`
//! and `pathname`) and the values each variable allows.

use std::collections::HashSet;

use super::instance::json_equal;
use super::template::placeholders;
use super::walk::{child, field_entries, follow, items, pointer_text};
use super::Context;
use crate::diagnostic::{Code, Diagnostic};
use crate::document::Target;
use crate::tree::Node;

/// Reports undefined variables in server URLs (a warning) and `default`
/// or `examples` values outside a variable's `enum` (errors).
pub(super) fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let templates: &[&str] = if context.version.is_v2() {
        &["url"]
    } else {
        &["host", "pathname"]
    };
    for server in &context.inventory.servers {
        let variables = field_entries(context.document, server, "variables");
        let defined: HashSet<&str> = variables.iter().map(|v| v.name).collect();
        for key in templates {
            check_template(server, key, &defined, out);
        }
        for variable in &variables {
            if let Some(variable) = follow(context.document, &variable.value) {
                check_enum(&variable, out);
            }
        }
    }
}

/// Warns about `{name}`s without a variable. The specification describes
/// substitution but does not require a definition, and the AsyncAPI test
/// kit accepts a URL with an undefined variable, so this is a warning: the
/// document is valid, but the URL cannot be completed.
fn check_template(
    server: &Target<'_>,
    key: &str,
    defined: &HashSet<&str>,
    out: &mut Vec<Diagnostic>,
) {
    let Some(template) = child(server, key) else {
        return;
    };
    let Some(text) = template.node.as_str() else {
        return;
    };
    let mut reported = HashSet::new();
    for name in placeholders(text) {
        if defined.contains(name) || !reported.insert(name) {
            continue;
        }
        out.push(
            Diagnostic::warning(
                Code::ServerVariableUndefined,
                format!("server {key} {text:?} uses variable {{{name}}}, which `variables` does not define"),
            )
            .at(pointer_text(&template), template.node.span)
            .with_help(format!(
                "define it under the server's `variables` as `{name}: {{default: ...}}`, or write the value into the {key}"
            )),
        );
    }
}

/// Checks that `default` and each of `examples` is one of `enum`.
fn check_enum(variable: &Target<'_>, out: &mut Vec<Diagnostic>) {
    let Some(allowed) = child(variable, "enum") else {
        return;
    };
    let Some(allowed_values) = allowed.node.as_sequence() else {
        return;
    };
    if allowed_values.is_empty() {
        return;
    }
    let is_allowed = |value: &Node| allowed_values.iter().any(|a| json_equal(a, value));
    let listed = || {
        allowed_values
            .iter()
            .map(|v| v.to_json().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };

    let mut candidates: Vec<(&str, Target<'_>)> = Vec::new();
    candidates.extend(child(variable, "default").map(|d| ("default", d)));
    if let Some(examples) = child(variable, "examples") {
        candidates.extend(items(&examples).into_iter().map(|e| ("example", e)));
    }
    for (role, value) in candidates {
        if is_allowed(value.node) {
            continue;
        }
        out.push(
            Diagnostic::error(
                Code::InvalidValue,
                format!(
                    "server variable {role} {} is not one of its `enum` values ({})",
                    value.node.to_json(),
                    listed()
                ),
            )
            .at(pointer_text(&value), value.node.span)
            .with_help(format!(
                "use one of the `enum` values as the {role}, or add it to `enum`"
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{assert_no_semantic_errors, with_code};
    use crate::diagnostic::{Code, Severity};

    #[test]
    fn undefined_variable_in_url_warns() {
        let text = r"asyncapi: 2.0.0
info: {title: t, version: '1'}
servers:
  production:
    url: '{username}.example.com:{port}'
    protocol: mqtt
    variables:
      username: {default: demo}
channels: {}
";
        let found = with_code(text, Code::ServerVariableUndefined);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Warning);
        assert_eq!(found[0].pointer, "/servers/production/url");
        assert!(found[0].message.contains("{port}"), "{}", found[0].message);
        assert_no_semantic_errors(text);
    }

    #[test]
    fn undefined_variable_in_v3_pathname() {
        let text = r"asyncapi: 3.0.0
info: {title: t, version: '1'}
servers:
  production:
    host: '{region}.example.com'
    pathname: /v1/{tenant}
    protocol: ws
    variables:
      region: {default: eu}
";
        let found = with_code(text, Code::ServerVariableUndefined);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].pointer, "/servers/production/pathname");
    }

    #[test]
    fn default_and_examples_outside_enum() {
        let text = r"asyncapi: 2.0.0
info: {title: t, version: '1'}
servers:
  production:
    url: 'example.com:{port}'
    protocol: mqtt
    variables:
      port:
        enum: ['8883', '8884']
        default: '1883'
        examples: ['8883', '123123']
channels: {}
";
        let found = with_code(text, Code::InvalidValue);
        let pointers: Vec<&str> = found.iter().map(|d| d.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "/servers/production/variables/port/default",
                "/servers/production/variables/port/examples/1"
            ]
        );
        assert_eq!(found[0].span.map(|s| s.start.line), Some(10));
        assert!(
            found[0].message.contains("\"1883\""),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn variable_by_ref_counts_and_matches() {
        let text = r"asyncapi: 3.0.0
info: {title: t, version: '1'}
servers:
  production:
    host: 'example.com:{port}'
    protocol: mqtt
    variables:
      port: {$ref: '#/components/serverVariables/port'}
components:
  serverVariables:
    port: {enum: ['1883', '8883'], default: '1883'}
";
        assert!(with_code(text, Code::ServerVariableUndefined).is_empty());
        assert_no_semantic_errors(text);
    }
}
