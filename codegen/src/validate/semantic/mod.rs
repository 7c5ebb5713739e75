//! Semantic rules: what the AsyncAPI specification requires beyond the
//! shape its JSON Schemas check.
//!
//! Each submodule is one family of rules. They all read the same
//! [`inventory::Inventory`] of objects, follow `$ref`s with the document's
//! resolver, and skip whatever is malformed or unresolved, because the
//! structural rules and the loader report that already.

mod discriminator;
mod examples;
mod ids;
mod instance;
mod inventory;
mod names;
mod operation_messages;
mod parameters;
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
    operation_messages::check(&context, out);
    server_variables::check(&context, out);
    security::check(&context, out);
    discriminator::check(&context, out);
    examples::check(&context, out);
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

    /// The diagnostics of `text` with code `code`.
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
