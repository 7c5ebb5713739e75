//! Semantic rules: ids, tags, parameters, servers, security, examples.

use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::version::SpecVersion;

/// Appends semantic problems of `document` to `out`.
pub(crate) fn check(_document: &Document, _version: SpecVersion, _out: &mut Vec<Diagnostic>) {
    // TODO: semantic rules are not written yet.
}
