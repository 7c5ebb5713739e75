//! Schema `discriminator`: the property it names is required.

use super::schemas::for_each_schema;
use super::walk::{child, pointer_text};
use super::Context;
use crate::diagnostic::{Code, Diagnostic};

/// Warns about a string `discriminator` whose property is not in the same
/// schema's `required` list. The AsyncAPI Schema Object requires it, so
/// every instance names its subtype, but many published documents omit it
/// and the official parser accepts them, so this is a warning. The object
/// form of OpenAPI schemas is not checked.
pub(super) fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for_each_schema(context, |schema| {
        let Some(discriminator) = child(schema, "discriminator") else {
            return;
        };
        let Some(property) = discriminator.node.as_str() else {
            return;
        };
        let required = schema
            .node
            .get("required")
            .and_then(|r| r.as_sequence())
            .unwrap_or_default();
        if required.iter().any(|r| r.as_str() == Some(property)) {
            return;
        }
        out.push(
            Diagnostic::warning(
                Code::InvalidSchema,
                format!(
                    "discriminator property {property:?} is not in the schema's `required` list"
                ),
            )
            .at(pointer_text(&discriminator), discriminator.node.span)
            .with_help(format!("add {property:?} to `required` of this schema")),
        );
    });
}

#[cfg(test)]
mod tests {
    use super::super::test_support::with_code;
    use crate::diagnostic::{Code, Severity};

    #[test]
    fn discriminator_not_required_warns() {
        let text = r"asyncapi: 2.0.0
info: {title: t, version: '1'}
channels:
  a:
    subscribe:
      message:
        payload: {$ref: '#/components/schemas/Pet'}
components:
  schemas:
    Pet:
      type: object
      discriminator: petType
      properties:
        name: {type: string}
        petType: {type: string}
      required: [name]
    Cat:
      allOf:
        - $ref: '#/components/schemas/Pet'
        - type: object
          discriminator: kind
          required: [kind]
";
        let found = with_code(text, Code::InvalidSchema);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Warning);
        assert_eq!(found[0].pointer, "/components/schemas/Pet/discriminator");
        assert!(
            found[0].message.contains("\"petType\""),
            "{}",
            found[0].message
        );
    }
}
