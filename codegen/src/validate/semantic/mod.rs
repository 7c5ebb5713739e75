//! Semantic rules: what the AsyncAPI specification requires beyond the
//! shape its JSON Schemas check.
//!
//! Each submodule is one family of rules. They all read the same
//! [`inventory::Inventory`] of objects, follow `$ref`s with the document's
//! resolver, and skip whatever is malformed or unresolved, because the
//! structural rules and the loader report that already.

mod cloudevents;
mod discriminator;
mod examples;
mod ids;
mod instance;
mod inventory;
mod names;
mod operation_messages;
mod parameter_default;
mod parameters;
mod placement;
mod schemas;
mod security;
mod server_variables;
mod tags;
mod template;
mod walk;

use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::version::SpecVersion;

/// What every rule reads: the document, its version and its objects.
struct Context<'d> {
    document: &'d Document,
    version: SpecVersion,
    inventory: inventory::Inventory<'d>,
}

/// Appends semantic problems of `document` to `out`.
pub(crate) fn check(document: &Document, version: SpecVersion, out: &mut Vec<Diagnostic>) {
    let context = Context {
        document,
        version,
        inventory: inventory::collect(document, version),
    };
    ids::check(&context, out);
    tags::check(&context, out);
    names::check(&context, out);
    parameters::check(&context, out);
    parameter_default::check(&context, out);
    operation_messages::check(&context, out);
    placement::check(&context, out);
    server_variables::check(&context, out);
    security::check(&context, out);
    discriminator::check(&context, out);
    examples::check(&context, out);
    cloudevents::check(&context, out);
}

#[cfg(test)]
mod test_support {
    use std::path::Path;

    use crate::diagnostic::{Code, Diagnostic};
    use crate::document::LoadOptions;

    /// Codes that only structural rules produce, ignored by tests that
    /// expect a document to pass the semantic rules.
    const STRUCTURAL: &[Code] = &[
        Code::TypeMismatch,
        Code::RequiredMissing,
        Code::UnknownField,
    ];

    /// Validates `text` as file `t.yaml` and returns every diagnostic.
    pub(super) fn diagnostics(text: &str) -> Vec<Diagnostic> {
        crate::validate_text(Path::new("t.yaml"), text, LoadOptions::default()).diagnostics
    }

    /// Returns the diagnostics of `text` with code `code`.
    pub(super) fn with_code(text: &str, code: Code) -> Vec<Diagnostic> {
        diagnostics(text)
            .into_iter()
            .filter(|d| d.code == code)
            .collect()
    }

    /// Asserts that `text` has no errors besides structural ones.
    pub(super) fn assert_no_semantic_errors(text: &str) {
        let errors: Vec<_> = diagnostics(text)
            .into_iter()
            .filter(|d| d.is_error() && !STRUCTURAL.contains(&d.code))
            .collect();
        assert!(errors.is_empty(), "unexpected errors: {errors:#?}");
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::diagnostics;
    use crate::diagnostic::Code;

    /// Codes only the semantic rules produce.
    const SEMANTIC: &[Code] = &[
        Code::DuplicateOperationId,
        Code::DuplicateMessageId,
        Code::DuplicateTag,
        Code::ParameterUndeclared,
        Code::ParameterUnused,
        Code::OperationMessageNotInChannel,
        Code::ReplyInconsistent,
        Code::ServerVariableUndefined,
        Code::SecuritySchemeUndefined,
        Code::ExampleMismatch,
        Code::UndefinedName,
    ];

    fn semantic_codes(text: &str) -> Vec<Code> {
        diagnostics(text)
            .into_iter()
            .map(|d| d.code)
            .filter(|code| SEMANTIC.contains(code))
            .collect()
    }

    #[test]
    fn malformed_v2_shapes_are_skipped() {
        let text = r"asyncapi: 2.6.0
info: {title: t, version: '1'}
tags: {name: x}
servers:
  a: 5
  b: {url: [1], variables: [x], security: [1, x]}
channels:
  c/{p}:
    parameters: [p]
    servers: {x: y}
    publish:
      operationId: [1]
      traits: 7
      message:
        oneOf: [1, {$ref: '#/channels/c~1{p}/publish/message'}, {examples: 3, payload: {type: 9}}]
  d: null
components: [1]
";
        let codes = semantic_codes(text);
        // The address parameter is undeclared: `parameters` is not a map.
        assert_eq!(codes, [Code::ParameterUndeclared]);
    }

    #[test]
    fn malformed_v3_shapes_are_skipped() {
        let text = r"asyncapi: 3.0.0
info: {title: t, version: '1', tags: 3}
servers: [1]
channels:
  a: {address: 7, messages: [1], parameters: x}
  b: 1
operations:
  o: {channel: 5, messages: {x: 1}, reply: {channel: {$ref: '#/nowhere'}, messages: 1, address: 2}}
  p: [1]
components:
  messages:
    m: {payload: {schemaFormat: 3, schema: 1}, examples: [1, {payload: 2}], headers: 5}
";
        assert!(semantic_codes(text).is_empty());
    }

    #[test]
    fn self_referencing_message_list_ends() {
        let text = r"asyncapi: 2.4.0
info: {title: t, version: '1'}
channels:
  a:
    publish:
      message: {$ref: '#/components/messages/loop'}
components:
  messages:
    loop:
      oneOf:
        - $ref: '#/components/messages/loop'
        - {messageId: x, payload: {type: string}}
";
        assert!(semantic_codes(text).is_empty());
    }
}
