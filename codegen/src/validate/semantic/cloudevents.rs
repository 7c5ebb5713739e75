//! Messages that carry CloudEvents: the `x-cloudevents` extension must
//! declare the attributes correctly, and a CloudEvents-shaped message
//! whose schemas do not fix `type` and `source` should declare them.
//!
//! The recognition rules are in [`crate::cloudevents`].

use super::walk::{child, field, field_items, follow, pointer_text, trait_of};
use super::Context;
use crate::cloudevents::{recognize, ExtensionError, Mode, Recognition, EXTENSION};
use crate::diagnostic::{Code, Diagnostic};
use crate::document::Target;

/// Reports each problem of an `x-cloudevents` value on a message or a
/// message trait as an error, and warns about each CloudEvents-shaped
/// message without `x-cloudevents` whose `type` or `source` is not fixed.
pub(super) fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let document = context.document;
    for message_trait in &context.inventory.message_traits {
        if let Some(extension) = child(message_trait, EXTENSION) {
            report_extension(&extension, out);
        }
    }
    for message in &context.inventory.messages {
        let extension = child(message, EXTENSION);
        if let Some(extension) = &extension {
            if report_extension(extension, out) {
                continue;
            }
        }
        let from_trait = field_items(document, message, "traits")
            .iter()
            .filter_map(|item| follow(document, &trait_of(item)))
            .any(|message_trait| child(&message_trait, EXTENSION).is_some());
        if extension.is_some() || from_trait {
            continue;
        }
        let headers = field(document, message, "headers");
        let payload = field(document, message, "payload").and_then(|payload| {
            // A 3.x Multi Format Schema Object wraps the schema.
            if payload.node.get("schemaFormat").is_some() {
                field(document, &payload, "schema")
            } else {
                Some(payload)
            }
        });
        let Ok(Some(Recognition::Unfixed(shape))) =
            recognize(document, None, headers.as_ref(), payload.as_ref())
        else {
            continue;
        };
        let (mode, place) = match shape.mode {
            Mode::Binary => ("binary-mode", "`ce-` headers"),
            Mode::Structured => ("structured-mode", "payload properties"),
        };
        let unfixed = shape
            .unfixed()
            .iter()
            .map(|name| format!("`{name}`"))
            .collect::<Vec<_>>()
            .join(" and ");
        out.push(
            Diagnostic::warning(
                Code::CloudEventNotDerived,
                format!(
                    "message is a {mode} CloudEvent, but its {place} do not fix {unfixed}, \
                     so its generated type gets no CloudEvent conversions"
                ),
            )
            .with_help(
                "add `x-cloudevents: {type: ..., source: ...}` to the message, or give the \
                 attribute schemas a `const`",
            )
            .at(pointer_text(message), message.node.span),
        );
    }
}

/// Reports the problems of one `x-cloudevents` value; returns whether
/// there were any.
fn report_extension(extension: &Target<'_>, out: &mut Vec<Diagnostic>) -> bool {
    let Err(errors) = crate::cloudevents::parse_extension(&extension.node.to_json()) else {
        return false;
    };
    for error in errors {
        let at = located(extension, &error);
        out.push(
            Diagnostic::error(Code::InvalidCloudEvents, error.to_string())
                .with_help(error.help())
                .at(pointer_text(&at), at.node.span),
        );
    }
    true
}

/// Returns the node a problem is in: the field's value when the problem
/// names a field that is written, otherwise the extension.
fn located<'d>(extension: &Target<'d>, error: &ExtensionError) -> Target<'d> {
    error
        .field()
        .and_then(|name| child(extension, name))
        .unwrap_or_else(|| extension.clone())
}

#[cfg(test)]
mod tests {
    use super::super::test_support::with_code;
    use crate::diagnostic::{Code, Severity};

    const HEAD: &str = "asyncapi: 3.0.0\ninfo: {title: t, version: '1'}\n";

    #[test]
    fn missing_source_is_error_at_extension() {
        let text = format!(
            "{HEAD}components:\n  messages:\n    m:\n      x-cloudevents: {{type: com.example.a}}\n"
        );
        let found = with_code(&text, Code::InvalidCloudEvents);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].severity, Severity::Error);
        assert_eq!(found[0].pointer, "/components/messages/m/x-cloudevents");
        assert!(
            found[0].message.contains("`source`"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn non_string_type_points_at_field() {
        let text = format!(
            "{HEAD}components:\n  messages:\n    m:\n      x-cloudevents: {{type: [a], source: /s}}\n"
        );
        let found = with_code(&text, Code::InvalidCloudEvents);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(
            found[0].pointer,
            "/components/messages/m/x-cloudevents/type"
        );
    }

    #[test]
    fn wrong_extension_on_trait_is_error() {
        let text =
            format!("{HEAD}components:\n  messageTraits:\n    ce:\n      x-cloudevents: 5\n");
        let found = with_code(&text, Code::InvalidCloudEvents);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(
            found[0].pointer,
            "/components/messageTraits/ce/x-cloudevents"
        );
    }

    #[test]
    fn valid_extension_has_no_diagnostic() {
        let text = format!(
            "{HEAD}components:\n  messages:\n    m:\n      x-cloudevents: {{type: a.b, source: /s, subject: x}}\n      payload: {{type: object}}\n"
        );
        assert!(with_code(&text, Code::InvalidCloudEvents).is_empty());
        assert!(with_code(&text, Code::CloudEventNotDerived).is_empty());
    }

    #[test]
    fn binary_shape_without_fixed_source_warns() {
        let text = format!(
            "{HEAD}components:\n  messages:\n    m:\n      headers:\n        type: object\n        properties:\n          ce-id: {{type: string}}\n          ce-specversion: {{type: string}}\n          Ce-Type: {{const: com.example.a}}\n          ce-source: {{type: string}}\n      payload: {{type: object}}\n"
        );
        let found = with_code(&text, Code::CloudEventNotDerived);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].severity, Severity::Warning);
        assert_eq!(found[0].pointer, "/components/messages/m");
        assert!(found[0].message.contains("binary-mode"));
        assert!(found[0].message.contains("`source`"));
        assert!(!found[0].message.contains("`type`"));
    }

    #[test]
    fn structured_shape_through_all_of_warns() {
        let text = format!(
            "{HEAD}components:\n  messages:\n    m:\n      payload:\n        allOf:\n          - $ref: '#/components/schemas/Envelope'\n          - properties: {{type: {{const: a.b}}}}\n  schemas:\n    Envelope:\n      properties:\n        id: {{type: string}}\n        source: {{type: string}}\n        specversion: {{type: string}}\n        type: {{type: string}}\n"
        );
        let found = with_code(&text, Code::CloudEventNotDerived);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].message.contains("structured-mode"));
    }

    #[test]
    fn fixed_structured_shape_is_silent() {
        let text = format!(
            "{HEAD}components:\n  messages:\n    m:\n      payload:\n        properties:\n          id: {{type: string}}\n          source: {{enum: [/s]}}\n          specversion: {{const: '1.0'}}\n          type: {{const: a.b}}\n"
        );
        assert!(with_code(&text, Code::CloudEventNotDerived).is_empty());
    }

    #[test]
    fn incomplete_headers_are_not_cloudevents() {
        let text = format!(
            "{HEAD}components:\n  messages:\n    m:\n      headers:\n        properties:\n          ce-id: {{type: string}}\n          ce-type: {{type: string}}\n"
        );
        assert!(with_code(&text, Code::CloudEventNotDerived).is_empty());
    }

    #[test]
    fn trait_extension_silences_warning() {
        let text = format!(
            "{HEAD}components:\n  messages:\n    m:\n      traits: [{{$ref: '#/components/messageTraits/ce'}}]\n      payload:\n        properties:\n          id: {{}}\n          source: {{}}\n          specversion: {{}}\n          type: {{}}\n  messageTraits:\n    ce:\n      x-cloudevents: {{type: a.b, source: /s}}\n"
        );
        assert!(with_code(&text, Code::CloudEventNotDerived).is_empty());
        assert!(with_code(&text, Code::InvalidCloudEvents).is_empty());
    }
}
