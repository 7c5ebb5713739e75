//! Reads, validates and generates Rust code from AsyncAPI documents.
//!
//! The pipeline: [`load`] parses YAML or JSON into spanned trees,
//! [`document`] resolves `$ref`s across files, [`version`] reads the
//! `asyncapi` field, [`validate`] checks the document, and [`model`] reads it
//! into a typed AsyncAPI 3.0-shaped model.

pub mod apigen;
pub mod builder;
pub mod bundle;
pub mod cloudevents;
pub mod diagnostic;
pub mod document;
pub mod load;
pub mod model;
pub mod options;
pub mod output;
pub mod pointer;
pub mod reference;
pub mod render;
pub mod source;
pub mod tree;
pub mod typegen;
pub mod validate;
pub mod version;

use std::path::Path;

pub use builder::{BuildError, Builder};

use diagnostic::{Code, Diagnostic};
use document::{Document, LoadOptions};
use options::GenerateOptions;
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
    /// Checks whether the document is valid: it was read and has no errors.
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

/// Rust source for the payload and headers types of a document.
#[derive(Debug)]
pub struct GeneratedCode {
    /// The formatted source, starting with a header comment; `None` when
    /// the document is invalid or a payload cannot be typed.
    pub code: Option<String>,
    /// The validation the code rests on. Its diagnostics also contain the
    /// problems found while generating, and its document contains the sources
    /// they point into.
    pub validation: Validation,
    /// The clients and handlers in the API part of `code`, with type names
    /// as inside the generated code; `Some` exactly when `code` is.
    pub api: Option<apigen::ApiSummary>,
}

impl GeneratedCode {
    /// Renders every diagnostic as `hookforge validate` shows them, without
    /// colors (`file:line:column`, the source line, help), after a line
    /// that counts the errors. `path` is the document generated from; it
    /// names the location of diagnostics without one.
    pub fn error_report(&self, path: &Path) -> String {
        let errors = self.validation.diagnostics.iter().filter(|d| d.is_error());
        let mut out = format!(
            "{}: cannot generate code, {}\n\n",
            path.display(),
            render::human::plural(errors.count(), "error")
        );
        out.push_str(&self.render_diagnostics(path, |_| true));
        out
    }

    /// Renders the warnings like [`GeneratedCode::error_report`], without
    /// the count line; empty when there are none.
    pub fn warning_report(&self, path: &Path) -> String {
        self.render_diagnostics(path, |d| !d.is_error())
    }

    fn render_diagnostics(&self, path: &Path, keep: impl Fn(&Diagnostic) -> bool) -> String {
        let fallback = source::SourceMap::default();
        let sources = self
            .validation
            .document
            .as_ref()
            .map_or(&fallback, |document| &document.sources);
        self.validation
            .diagnostics
            .iter()
            .filter(|d| keep(d))
            .map(|d| {
                render::human::diagnostic_to_string(d, sources, path, render::Style::default())
            })
            .collect()
    }
}

/// Validates the document at `path` and generates the Rust types of its
/// message payloads and headers. The code is left out when the document is
/// invalid or a payload cannot be typed, and the diagnostics say why.
///
/// This is [`generate`] with default options apart from `options`.
pub fn generate_types(path: &Path, options: LoadOptions) -> GeneratedCode {
    generate(
        path,
        &GenerateOptions {
            load: options,
            ..GenerateOptions::default()
        },
    )
}

/// Validates the document at `path` and generates Rust code for it as
/// `options` specify: the types of its message payloads and headers, with
/// the extra derives and type replacements of `options`, followed by the
/// client, handler trait and router of its HTTP operations from the
/// side of `options.perspective` (see [`apigen`]).
///
/// The code is left out when the document is invalid, a payload cannot be
/// typed, or an option is wrong (an extra derive or a replacement that is
/// not a Rust path, a replaced schema the document does not have); the
/// diagnostics say why. Diagnostics about options have no position.
///
/// # Examples
///
/// ```
/// use std::path::Path;
/// use hookforge_codegen::{generate, options::GenerateOptions};
///
/// let dir = std::env::temp_dir().join(format!("hookforge-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let path = dir.join("orders.yaml");
/// std::fs::write(&path, "\
/// asyncapi: 3.0.0
/// info: {title: Orders, version: '1'}
/// channels:
///   orders:
///     messages:
///       placed:
///         payload:
///           $ref: '#/components/schemas/Order'
/// components:
///   schemas:
///     Order:
///       type: object
///       properties:
///         total: {$ref: '#/components/schemas/Money'}
///     Money: {type: string}
/// ")?;
/// let options = GenerateOptions {
///     extra_derives: vec!["Hash".into()],
///     type_replacements: vec![("Money".into(), "crate::money::Money".into())],
///     ..GenerateOptions::default()
/// };
/// let generated = generate(&path, &options);
/// let summary = generated.api.expect("the document is valid");
/// assert!(summary.received.is_empty(), "the channel has no operations");
/// let code = generated.code.expect("the document is valid");
/// assert!(code.contains("Hash"));
/// assert!(code.contains("pub total: ::std::option::Option<crate::money::Money>"));
/// assert!(!code.contains("pub type Money"));
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn generate(path: &Path, options: &GenerateOptions) -> GeneratedCode {
    let mut validation = validate_file(path, options.load.clone());
    let (code, summary) = match (validation.document.as_ref(), validation.model()) {
        (Some(document), Some(api)) if validation.is_valid() => {
            let (custom, option_errors) = typegen::Customization::new(
                document,
                &options.extra_derives,
                &options.type_replacements,
            );
            let types = typegen::lower_messages_with(document, &api, &custom);
            let failed =
                !option_errors.is_empty() || types.diagnostics.iter().any(Diagnostic::is_error);
            let header = [
                format!(
                    "Generated by hookforge-codegen {} from {}.",
                    env!("CARGO_PKG_VERSION"),
                    path.display()
                ),
                "Do not edit: changes are lost when the file is generated again.".to_owned(),
            ];
            let api_code = apigen::generate_api(document, &api, &types, options.perspective);
            let code = (!failed).then(|| {
                let mut code = typegen::emit::render_with(&types.space, &header, &custom);
                if !api_code.code.is_empty() {
                    code.push('\n');
                    code.push_str(&api_code.code);
                }
                code
            });
            let summary = code.is_some().then_some(api_code.summary);
            validation.diagnostics.extend(api_code.diagnostics);
            if types.space.is_empty() {
                validation.diagnostics.push(
                    Diagnostic::warning(
                        Code::NothingToGenerate,
                        "no message has a payload or headers schema, so no types were generated",
                    )
                    .with_help("types are generated for the schemas that messages use; add messages to the channels, or reference the component schemas from message payloads"),
                );
            }
            validation.diagnostics.extend(option_errors);
            validation
                .diagnostics
                .extend(custom.unused_replacements(&types.space));
            merge_format_errors(&mut validation.diagnostics, types.diagnostics);
            sort(&mut validation.diagnostics);
            (code, summary)
        }
        _ => (None, None),
    };
    GeneratedCode {
        code,
        validation,
        api: summary,
    }
}

/// Adds generation diagnostics to validation's. Validation warns about a
/// payload in another schema format and generation fails on it; the two
/// are one problem, so the warning becomes the error and the generator's
/// own report of the same payload is dropped.
fn merge_format_errors(diagnostics: &mut Vec<Diagnostic>, generated: Vec<Diagnostic>) {
    let same_payload = |a: &str, b: &str| a.starts_with(b) || b.starts_with(a);
    for diagnostic in generated {
        let warning = diagnostics.iter_mut().find(|d| {
            d.code == Code::UnsupportedSchemaFormat
                && diagnostic.code == Code::UnsupportedSchemaFormat
                && same_payload(&d.pointer, &diagnostic.pointer)
        });
        match warning {
            Some(warning) => {
                warning.severity = diagnostic::Severity::Error;
                warning.help = diagnostic.help;
            }
            None => diagnostics.push(diagnostic),
        }
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
