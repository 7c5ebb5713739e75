//! Channel parameters: a `default` must be one of the parameter's `enum`
//! values, since it is the value used when none is given.

use std::collections::HashSet;

use super::walk::{child, field, field_entries, follow, identity, root, Identity};
use super::Context;
use crate::diagnostic::{Code, Diagnostic};
use crate::document::Target;

/// Reports parameters, declared on channels or under
/// `components.parameters`, whose `default` (in 2.x, the `default` of
/// their `schema`) is not in their `enum`. Each parameter is checked once
/// however many channels use it.
pub(super) fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let document = context.document;
    let mut parameters = Vec::new();
    for channel in &context.inventory.channels {
        parameters.extend(field_entries(document, &channel.node, "parameters"));
    }
    if let Some(components) = field(document, &root(document), "components") {
        parameters.extend(field_entries(document, &components, "parameters"));
    }
    let mut seen: HashSet<Identity> = HashSet::new();
    for parameter in parameters {
        let Some(target) = follow(document, &parameter.value) else {
            continue;
        };
        if !seen.insert(identity(&target)) {
            continue;
        }
        // A 2.x parameter has its values in a schema; a 3.x parameter has
        // them itself.
        let values = if context.version.is_v2() {
            field(document, &target, "schema")
        } else {
            Some(target)
        };
        let Some(values) = values else {
            continue;
        };
        // Two 2.x parameters may share one schema by `$ref`.
        if context.version.is_v2() && !seen.insert(identity(&values)) {
            continue;
        }
        check_values(parameter.name, &values, out);
    }
}

fn check_values(name: &str, values: &Target<'_>, out: &mut Vec<Diagnostic>) {
    let (Some(default), Some(allowed)) = (child(values, "default"), child(values, "enum")) else {
        return;
    };
    let Some(items) = allowed.node.as_sequence() else {
        return;
    };
    let default_json = default.node.to_json();
    if items.iter().any(|item| item.to_json() == default_json) {
        return;
    }
    let listed: Vec<String> = items
        .iter()
        .map(|item| item.to_json().to_string())
        .collect();
    out.push(
        Diagnostic::error(
            Code::InvalidValue,
            format!(
                "the default {default_json} of parameter `{name}` is not one of its `enum` values ({})",
                listed.join(", ")
            ),
        )
        .at(default.pointer.to_string(), default.node.span)
        .with_help(format!(
            "change `default` to one of the `enum` values, or add {default_json} to `enum`"
        )),
    );
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{assert_no_semantic_errors, with_code};
    use crate::diagnostic::Code;

    const V3: &str = r"asyncapi: 3.0.0
info: {title: t, version: '1'}
channels:
  c:
    address: 'orders/{region}'
    parameters:
      region:
        enum: [eu, us]
        default: ap
";

    #[test]
    fn v3_default_outside_enum() {
        let found = with_code(V3, Code::InvalidValue);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].pointer, "/channels/c/parameters/region/default");
        assert_eq!(found[0].span.map(|s| s.start.line), Some(9));
        assert!(found[0].message.contains("\"ap\""), "{}", found[0].message);
    }

    #[test]
    fn unclosed_address_brace_skips_parameter_matching() {
        let text = V3
            .replace("'orders/{region}'", "'orders/{region'")
            .replace("default: ap", "default: us");
        assert!(with_code(&text, Code::ParameterUnused).is_empty());
        assert!(with_code(&text, Code::ParameterUndeclared).is_empty());
        assert_eq!(with_code(&text, Code::InvalidValue).len(), 1);
    }

    #[test]
    fn v3_default_inside_enum_passes() {
        assert_no_semantic_errors(&V3.replace("default: ap", "default: us"));
    }

    #[test]
    fn v2_schema_default_outside_enum() {
        let text = r"asyncapi: 2.6.0
info: {title: t, version: '1'}
channels:
  orders/{region}:
    parameters:
      region:
        $ref: '#/components/parameters/region'
    publish:
      message: {payload: {type: string}}
  archive/{region}:
    parameters:
      region:
        $ref: '#/components/parameters/region'
    publish:
      message: {payload: {type: string}}
components:
  parameters:
    region:
      schema: {type: string, enum: [eu, us], default: ap}
";
        let found = with_code(text, Code::InvalidValue);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(
            found[0].pointer,
            "/components/parameters/region/schema/default"
        );
    }
}
