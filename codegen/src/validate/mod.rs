//! Validation: structural rules from the specification's schemas and
//! semantic rules that no JSON Schema can express.

mod semantic;
mod structure;
pub(crate) mod suggest;

use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::version::SpecVersion;

/// Checks a loaded document and appends every problem found to `out`.
pub fn validate(document: &Document, version: SpecVersion, out: &mut Vec<Diagnostic>) {
    structure::check(document, version, out);
    semantic::check(document, version, out);
}
