//! Reads, validates and generates Rust code from AsyncAPI documents.
//!
//! The pipeline: [`load`] parses YAML or JSON into spanned trees,
//! [`document`] resolves `$ref`s across files, [`version`] reads the
//! `asyncapi` field, [`validate`] checks the document, and [`model`] reads it
//! into a typed AsyncAPI 3.0-shaped model.

pub mod diagnostic;
pub mod document;
pub mod load;
pub mod model;
pub mod pointer;
pub mod reference;
pub mod render;
pub mod source;
pub mod tree;
pub mod validate;
pub mod version;

use std::path::Path;

use diagnostic::{Code, Diagnostic};
use document::{Document, LoadOptions};
use version::SpecVersion;

/// The outcome of validating one document.
#[derive(Debug)]
pub struct Validation {
    /// The loaded document, unless its root file could not be read or
    /// parsed.
    pub document: Option<Document>,
    /// The version read from the `asyncapi` field, when it is supported.
    pub version: Option<SpecVersion>,
    /// Every problem found, errors and warnings, in source order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Validation {
    /// Whether the document is valid: it was read and has no errors.
    pub fn is_valid(&self) -> bool {
        self.document.is_some() && !self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// Reads the typed model of the document, when it was loaded and its
    /// version read; malformed objects are left out of it. Reads the
    /// document again on each call.
    pub fn model(&self) -> Option<model::AsyncApi> {
        let document = self.document.as_ref()?;
        let version = self.version?;
        Some(model::read(document, version).0)
    }

    /// Whether the root file could not be read at all (missing,
    /// unreadable, too large), as opposed to being read and found invalid.
    pub fn is_io_failure(&self) -> bool {
        self.document.is_none() && self.diagnostics.iter().any(|d| d.code == Code::Io)
    }
}

/// Loads the document at `path` with every file it references and
/// validates it.
pub fn validate_file(path: &Path, options: LoadOptions) -> Validation {
    match Document::load(path, options) {
        Ok((document, diagnostics)) => finish(document, diagnostics),
        Err(diagnostics) => Validation {
            document: None,
            version: None,
            diagnostics,
        },
    }
}

/// Validates a document given as text. `path` names it in diagnostics and
/// anchors its relative references.
pub fn validate_text(path: &Path, text: &str, options: LoadOptions) -> Validation {
    match Document::from_text(path, text, options) {
        (Some(document), diagnostics) => finish(document, diagnostics),
        (None, diagnostics) => Validation {
            document: None,
            version: None,
            diagnostics,
        },
    }
}

fn finish(document: Document, mut diagnostics: Vec<Diagnostic>) -> Validation {
    let version = match SpecVersion::read(document.root()) {
        Ok(version) => version,
        Err(error) => {
            // One clear error: nothing else is meaningful without a version.
            return Validation {
                document: Some(document),
                version: None,
                diagnostics: vec![error],
            };
        }
    };
    validate::validate(&document, version, &mut diagnostics);
    let (_, model_diagnostics) = model::read(&document, version);
    diagnostics.extend(model_diagnostics);
    sort(&mut diagnostics);
    Validation {
        document: Some(document),
        version: Some(version),
        diagnostics,
    }
}

/// Orders diagnostics by file and position, and drops exact repeats.
fn sort(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(|a, b| {
        let key = |d: &Diagnostic| d.span.map(|s| (s.file, s.start));
        key(a)
            .cmp(&key(b))
            .then_with(|| a.code.cmp(&b.code))
            .then_with(|| a.message.cmp(&b.message))
    });
    diagnostics.dedup();
}
