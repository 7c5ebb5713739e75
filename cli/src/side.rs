//! The two sides of a webhook API, and the generated code of one side.
//!
//! An AsyncAPI document describes one application. The *provider* is that
//! application: it receives the document's `receive` operations (2.x
//! `publish`) and sends its `send` operations (2.x `subscribe`), which is
//! [`Perspective::Application`]. The *consumer* is its counterpart, such
//! as a subscriber to the provider's webhooks: it receives the `send`
//! operations and sends the `receive` ones, which is
//! [`Perspective::Mirror`].

use std::fmt;
use std::io::{self, IsTerminal, Write};
use std::path::Path;

use clap::ValueEnum;
use hookforge_codegen::document::LoadOptions;
use hookforge_codegen::model::AsyncApi;
use hookforge_codegen::options::{GenerateOptions, Perspective};
use hookforge_codegen::render::{human, Style};
use hookforge_codegen::{generate, GeneratedCode};

use crate::surface::{self, ApiSummary};
use crate::validate::root_sources;

/// One side of the document's API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Side {
    /// The application the document describes.
    Provider,
    /// The counterpart of that application, such as a webhook subscriber.
    Consumer,
}

impl Side {
    /// The generator perspective of this side.
    pub fn perspective(self) -> Perspective {
        match self {
            Side::Provider => Perspective::Application,
            Side::Consumer => Perspective::Mirror,
        }
    }

    /// Returns the lower-case name, as on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Side::Provider => "provider",
            Side::Consumer => "consumer",
        }
    }

    /// Returns the other side.
    pub fn other(self) -> Side {
        match self {
            Side::Provider => Side::Consumer,
            Side::Consumer => Side::Provider,
        }
    }
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A valid document with the generated code of one side.
pub struct SideCode {
    /// The generated module, as `build.rs` writes it.
    pub generated: GeneratedCode,
    /// Its HTTP handler and client methods (see [`surface::http_only`]).
    pub surface: ApiSummary,
    /// The document's model.
    pub api: AsyncApi,
}

/// A failure to generate a side's code from a document.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    /// The file could not be read.
    #[error("cannot read {path}; check the path")]
    Unreadable {
        /// The document given.
        path: String,
    },
    /// The document has errors; the diagnostics were printed.
    #[error("{path} is invalid; fix the errors above (`hookforge validate {path}` lists them)")]
    Invalid {
        /// The document given.
        path: String,
    },
}

impl DocumentError {
    /// Returns the exit code, as for `hookforge generate`: 2 for a file
    /// that cannot be read, 1 for an invalid document.
    pub fn exit_code(&self) -> u8 {
        match self {
            DocumentError::Unreadable { .. } => 2,
            DocumentError::Invalid { .. } => 1,
        }
    }
}

/// Validates the document at `path` and generates the code of `side`.
/// Errors in the document are printed to stderr as `hookforge validate`
/// prints them; warnings are not printed.
pub fn generate_side(
    path: &Path,
    load: &LoadOptions,
    side: Side,
    max_file_bytes: u64,
) -> Result<SideCode, DocumentError> {
    let options = GenerateOptions {
        load: load.clone(),
        perspective: side.perspective(),
        ..GenerateOptions::default()
    };
    let generated = generate(path, &options);
    let display = path.display().to_string();
    let (Some(summary), Some(api)) = (&generated.api, generated.validation.model()) else {
        print_errors(path, &generated, max_file_bytes);
        return Err(if generated.validation.is_io_failure() {
            DocumentError::Unreadable { path: display }
        } else {
            DocumentError::Invalid { path: display }
        });
    };
    let surface = surface::http_only(summary);
    Ok(SideCode {
        generated,
        surface,
        api,
    })
}

/// Prints the errors of a document that yields no code.
fn print_errors(path: &Path, generated: &GeneratedCode, max_file_bytes: u64) {
    let style = Style {
        color: io::stderr().is_terminal()
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    let fallback;
    let sources = match &generated.validation.document {
        Some(document) => &document.sources,
        None => {
            fallback = root_sources(path, max_file_bytes);
            &fallback
        }
    };
    let mut stderr = io::stderr().lock();
    for diagnostic in generated
        .validation
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
    {
        let text = human::diagnostic_to_string(diagnostic, sources, path, style);
        // A closed stderr leaves nowhere to report to.
        let _ = stderr.write_all(text.as_bytes());
    }
}
