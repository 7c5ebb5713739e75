//! Message examples: each example's `payload` and `headers` match the
//! message's payload and headers schemas.
//!
//! Examples come from the message and from the traits it applies; all are
//! checked against the message's own schemas. A mismatch is a warning:
//! examples are documentation, and many published documents, the
//! specification's own examples among them, have examples that drift from
//! their schemas. Code generation does not read examples.
//! NOTE: traits are not merged. When an applied trait sets `payload` or
//! `headers` itself, the merged schema is unknown here, so that part of the
//! examples is not checked.

use std::collections::HashSet;

use super::instance::{Failure, Validator};
use super::schemas::{headers_schema, payload_schema};
use super::walk::{child, field_items, follow, identity, trait_of, Identity};
use super::Context;
use crate::diagnostic::{Code, Diagnostic};
use crate::document::Target;
use crate::version::SpecVersion;

/// Maximum failures reported for one example value. The first ones are
/// enough to fix it, and the rest often repeat the same mistake.
const MAX_FAILURES_PER_VALUE: usize = 5;

/// Fields of a Message Example Object.
const EXAMPLE_FIELDS: &[&str] = &["payload", "headers", "name", "summary"];

/// Warns about example payloads and headers that do not match their
/// schemas.
pub(super) fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let validator = Validator::new(context.document);
    let mut checked: HashSet<(Identity, Identity)> = HashSet::new();
    for message in &context.inventory.messages {
        check_message(context, &validator, message, &mut checked, out);
    }
}

fn check_message<'d>(
    context: &Context<'d>,
    validator: &Validator<'d>,
    message: &Target<'d>,
    checked: &mut HashSet<(Identity, Identity)>,
    out: &mut Vec<Diagnostic>,
) {
    let document = context.document;
    let traits: Vec<Target<'d>> = field_items(document, message, "traits")
        .iter()
        .filter_map(|item| follow(document, &trait_of(item)))
        .collect();
    let trait_sets = |key: &str| traits.iter().any(|t| t.node.get(key).is_some());
    let payload = payload_schema(context, message).filter(|_| !trait_sets("payload"));
    let headers = headers_schema(context, message).filter(|_| !trait_sets("headers"));
    if payload.is_none() && headers.is_none() {
        return;
    }

    let mut examples = field_items(document, message, "examples");
    for applied in &traits {
        examples.extend(field_items(document, applied, "examples"));
    }
    for example in examples {
        let parts = example_parts(context.version, &example);
        for (role, value) in parts {
            let schema = match role {
                "payload" => payload.as_ref(),
                _ => headers.as_ref(),
            };
            let Some(schema) = schema else {
                continue;
            };
            let Some(schema) = follow(document, schema) else {
                continue;
            };
            // A trait's example shared by many messages with one schema is
            // checked once.
            if !checked.insert((identity(&value), identity(&schema))) {
                continue;
            }
            let failures = validator.validate(&schema, value.node);
            report(context, role, &value, &failures, out);
        }
    }
}

/// Returns the `payload` and `headers` values of one example.
///
/// AsyncAPI 2.0 to 2.2 describe `examples` only as "examples of valid
/// message objects", so an item without any Message Example field may be a
/// bare payload, and it is read as one in those versions. Later versions
/// define the example object, whose shape the structural rules check.
fn example_parts<'d>(
    version: SpecVersion,
    example: &Target<'d>,
) -> Vec<(&'static str, Target<'d>)> {
    let is_example_object = example
        .node
        .as_mapping()
        .is_some_and(|m| EXAMPLE_FIELDS.iter().any(|f| m.contains_key(f)));
    if is_example_object {
        return ["payload", "headers"]
            .into_iter()
            .filter_map(|role| Some((role, child(example, role)?)))
            .collect();
    }
    let lenient = matches!(version, SpecVersion::V2 { minor: 0..=2, .. });
    if lenient && !example.node.is_null() {
        return vec![("payload", example.clone())];
    }
    Vec::new()
}

fn report(
    context: &Context<'_>,
    role: &str,
    value: &Target<'_>,
    failures: &[Failure],
    out: &mut Vec<Diagnostic>,
) {
    for failure in failures.iter().take(MAX_FAILURES_PER_VALUE) {
        let mut pointer = value.pointer.clone();
        for token in failure.instance_path.tokens() {
            pointer.push(token.clone());
        }
        let location = if failure.instance_path.tokens().is_empty() {
            String::new()
        } else {
            format!("at {}, ", failure.instance_path)
        };
        let mut schema_place = failure.schema_pointer.to_string();
        if failure.schema_file != value.file {
            let path = context.document.sources.path(failure.schema_file).display();
            schema_place.push_str(&format!(" in {path}"));
        }
        out.push(
            Diagnostic::warning(
                Code::ExampleMismatch,
                format!(
                    "example {role} does not match the message's {role} schema: {location}{} (keyword `{}` at {schema_place})",
                    failure.message, failure.keyword
                ),
            )
            .at(pointer.to_string(), failure.span)
            .with_help(format!(
                "correct the example, or the {role} schema if the example shows the intended data"
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::with_code;
    use crate::diagnostic::{Code, Severity};

    #[test]
    fn payload_mismatch_at_failing_value() {
        let text = r"asyncapi: 2.6.0
info: {title: t, version: '1'}
channels:
  a:
    publish:
      message:
        payload:
          type: object
          properties:
            email: {type: string}
            age: {type: integer, minimum: 0}
        examples:
          - name: good
            payload: {email: a@b.c, age: 3}
          - name: bad
            payload: {email: a@b.c, age: -1}
";
        let found = with_code(text, Code::ExampleMismatch);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Warning);
        assert_eq!(
            found[0].pointer,
            "/channels/a/publish/message/examples/1/payload/age"
        );
        assert_eq!(found[0].span.map(|s| s.start.line), Some(16));
        assert!(found[0].message.contains("at /age"), "{}", found[0].message);
        assert!(
            found[0].message.contains("`minimum`"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn headers_checked_against_headers_schema() {
        let text = r"asyncapi: 3.0.0
info: {title: t, version: '1'}
components:
  messages:
    m:
      headers:
        type: object
        required: [id]
        properties: {id: {type: string}}
      examples:
        - headers: {other: 1}
";
        let found = with_code(text, Code::ExampleMismatch);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].pointer,
            "/components/messages/m/examples/0/headers"
        );
        assert!(found[0].message.contains("\"id\""), "{}", found[0].message);
    }

    #[test]
    fn trait_example_checked_against_message_payload() {
        let text = r"asyncapi: 2.0.0
info: {title: t, version: '1'}
channels:
  /user/signedup:
    subscribe:
      message:
        payload:
          type: object
          properties:
            one: {type: string}
        traits:
          - $ref: '#/components/messageTraits/signedUp'
components:
  messageTraits:
    signedUp:
      examples:
        - one: {foobar: 123}
";
        let found = with_code(text, Code::ExampleMismatch);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].pointer,
            "/components/messageTraits/signedUp/examples/0/one"
        );
    }

    #[test]
    fn bare_payload_example_only_before_2_3() {
        let template = r"info: {title: t, version: '1'}
channels:
  a:
    publish:
      message:
        payload: {type: integer}
        examples:
          - {count: 1}
";
        let old = format!("asyncapi: 2.2.0\n{template}");
        assert_eq!(with_code(&old, Code::ExampleMismatch).len(), 1);
        let new = format!("asyncapi: 2.3.0\n{template}");
        assert!(with_code(&new, Code::ExampleMismatch).is_empty());
    }

    #[test]
    fn foreign_schema_formats_skipped() {
        let text = r"asyncapi: 3.0.0
info: {title: t, version: '1'}
components:
  messages:
    avro:
      payload:
        schemaFormat: application/vnd.apache.avro;version=1.9.0
        schema: {type: record, name: R, fields: [{name: a, type: int}]}
      examples:
        - payload: {a: text}
    json:
      payload:
        schemaFormat: application/schema+json;version=draft-07
        schema: {type: object, properties: {a: {type: integer}}}
      examples:
        - payload: {a: text}
";
        let found = with_code(text, Code::ExampleMismatch);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].pointer,
            "/components/messages/json/examples/0/payload/a"
        );
    }

    #[test]
    fn trait_payload_disables_payload_check() {
        let text = r"asyncapi: 2.6.0
info: {title: t, version: '1'}
channels:
  a:
    publish:
      message:
        payload: {type: object, additionalProperties: false}
        traits: [{payload: {type: object}}]
        examples:
          - payload: {extra: 1}
";
        assert!(with_code(text, Code::ExampleMismatch).is_empty());
    }
}
