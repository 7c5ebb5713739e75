//! 2.x security requirements: each names a scheme of
//! `components.securitySchemes`, and only OAuth 2 and OpenID Connect
//! schemes take scopes. In 3.x requirements are `$ref`s, which the loader
//! checks.

use std::collections::HashMap;

use super::walk::{
    entries, field, field_entries, field_items, follow, pointer_text, root, string_field,
};
use super::Context;
use crate::diagnostic::{Code, Diagnostic};
use crate::document::Target;

/// Scheme types whose requirements list scopes. Every other type takes an
/// empty list.
const SCOPED_TYPES: &[&str] = &["oauth2", "openIdConnect"];

/// Reports requirements naming undefined schemes and scopes given to
/// schemes that take none.
pub(super) fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    if !context.version.is_v2() {
        return;
    }
    let document = context.document;
    let root = root(document);
    let schemes: HashMap<&str, Target<'_>> = field(document, &root, "components")
        .map(|components| field_entries(document, &components, "securitySchemes"))
        .unwrap_or_default()
        .into_iter()
        .filter_map(|scheme| Some((scheme.name, follow(document, &scheme.value)?)))
        .collect();

    let inventory = &context.inventory;
    let owners = inventory
        .servers
        .iter()
        .chain(&inventory.operations)
        .chain(&inventory.operation_traits);
    for owner in owners {
        for requirement in field_items(document, owner, "security") {
            check_requirement(&requirement, &schemes, out);
        }
    }
}

fn check_requirement(
    requirement: &Target<'_>,
    schemes: &HashMap<&str, Target<'_>>,
    out: &mut Vec<Diagnostic>,
) {
    for entry in entries(requirement) {
        let Some(scheme) = schemes.get(entry.name) else {
            let defined = if schemes.is_empty() {
                "`components.securitySchemes` defines none".to_owned()
            } else {
                let mut names: Vec<&str> = schemes.keys().copied().collect();
                names.sort_unstable();
                format!("defined schemes: {}", names.join(", "))
            };
            out.push(
                Diagnostic::error(
                    Code::SecuritySchemeUndefined,
                    format!(
                        "security requirement names scheme {:?}, which is not defined ({defined})",
                        entry.name
                    ),
                )
                .at(pointer_text(&entry.value), entry.key_span)
                .with_help(format!(
                    "define {:?} under `components.securitySchemes`, or fix the name (names are case-sensitive)",
                    entry.name
                )),
            );
            continue;
        };
        let scheme_type = string_field(scheme, "type").map(|(t, _)| t);
        let Some(scheme_type) = scheme_type else {
            continue;
        };
        let has_scopes = entry
            .value
            .node
            .as_sequence()
            .is_some_and(|s| !s.is_empty());
        if SCOPED_TYPES.contains(&scheme_type) || !has_scopes {
            continue;
        }
        out.push(
            Diagnostic::error(
                Code::InvalidValue,
                format!(
                    "security requirement lists scopes {} for scheme {:?} of type {scheme_type:?}; only oauth2 and openIdConnect schemes take scopes",
                    entry.value.node.to_json(),
                    entry.name
                ),
            )
            .at(pointer_text(&entry.value), entry.value.node.span)
            .with_help(format!("write `{}: []`", entry.name)),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{assert_no_semantic_errors, with_code};
    use crate::diagnostic::Code;

    const SCHEMES: &str = r"components:
  securitySchemes:
    key: {type: apiKey, in: user}
    oauth:
      type: oauth2
      flows:
        implicit:
          authorizationUrl: https://example.com/auth
          scopes: {read: read access}
";

    fn document(servers: &str) -> String {
        format!("asyncapi: 2.4.0\ninfo: {{title: t, version: '1'}}\nservers:\n{servers}channels: {{}}\n{SCHEMES}")
    }

    #[test]
    fn undefined_scheme_at_requirement_key() {
        let text = document("  prod:\n    url: example.com\n    protocol: kafka\n    security:\n      - missing: []\n");
        let found = with_code(&text, Code::SecuritySchemeUndefined);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].pointer, "/servers/prod/security/0/missing");
        assert_eq!(
            found[0].span.map(|s| (s.start.line, s.start.column)),
            Some((8, 9))
        );
        assert!(
            found[0].message.contains("key, oauth"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn scopes_only_for_oauth_and_openid() {
        let text = document(
            "  prod:\n    url: example.com\n    protocol: kafka\n    security:\n      - key: [admin]\n      - oauth: [read]\n",
        );
        let found = with_code(&text, Code::InvalidValue);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].pointer, "/servers/prod/security/0/key");
        assert!(
            found[0].message.contains("\"apiKey\""),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn operation_security_checked() {
        let text = r"asyncapi: 2.4.0
info: {title: t, version: '1'}
channels:
  a:
    publish:
      security: [{nope: []}]
      message: {payload: {type: string}}
";
        let found = with_code(text, Code::SecuritySchemeUndefined);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].pointer, "/channels/a/publish/security/0/nope");
    }

    #[test]
    fn defined_schemes_pass() {
        let text = document("  prod:\n    url: example.com\n    protocol: kafka\n    security:\n      - key: []\n      - oauth: [read]\n");
        assert_no_semantic_errors(&text);
    }
}
