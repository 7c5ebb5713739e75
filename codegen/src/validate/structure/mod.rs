//! Structural rules: types, required and unknown fields per object kind.

use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::version::SpecVersion;

/// Appends structural problems of `document` to `out`.
pub(crate) fn check(_document: &Document, _version: SpecVersion, _out: &mut Vec<Diagnostic>) {
    // TODO: structural rules are not written yet.
}
