//! `hookforge bundle`: one self-contained file from a document split over
//! several files.

use std::fs;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use hookforge_codegen::bundle::{bundle_document, to_yaml, Bundle};
use hookforge_codegen::render::{human, Style};
use hookforge_codegen::{validate_file, Validation};

use super::load_args::LoadArgs;
use super::validate::root_sources;

/// The exit codes, shown under `hookforge bundle --help`.
pub const EXIT_STATUS: &str = "Exit status:
  0  the bundle was written (warnings allowed)
  1  the document is invalid or cannot be bundled
  2  a usage error, or a file could not be read or written";

/// Options of `hookforge bundle`.
#[derive(Debug, Args)]
pub struct BundleArgs {
    /// The AsyncAPI document, in YAML or JSON.
    #[arg(value_name = "FILE")]
    file: PathBuf,

    /// Output file: `.json` writes JSON, `.yaml` or `.yml` writes YAML,
    /// and `-` writes to stdout in the format of FILE. An existing file is
    /// overwritten.
    #[arg(short, long, value_name = "PATH")]
    output: PathBuf,

    #[command(flatten)]
    load: LoadArgs,
}

/// The format of the output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Json,
    Yaml,
}

impl Format {
    /// Returns the format an extension names, if any.
    fn of(path: &Path) -> Option<Format> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "json" => Some(Format::Json),
            "yaml" | "yml" => Some(Format::Yaml),
            _ => None,
        }
    }

    fn write(self, bundle: &Bundle) -> Result<String, serde_json::Error> {
        match self {
            Format::Yaml => Ok(to_yaml(&bundle.document)),
            Format::Json => {
                let mut text = serde_json::to_string_pretty(&bundle.document)?;
                text.push('\n');
                Ok(text)
            }
        }
    }
}

/// Validates the document, bundles it and writes the bundle. Diagnostics
/// go to stderr. Returns 0 on success, 1 when the document is invalid or
/// cannot be bundled, and 2 on a usage error or when a file cannot be
/// read or written.
pub fn run(args: &BundleArgs) -> ExitCode {
    let format = if args.output.as_os_str() == "-" {
        Format::of(&args.file).unwrap_or(Format::Yaml)
    } else {
        match Format::of(&args.output) {
            Some(format) => format,
            None => {
                eprintln!(
                    "hookforge: -o {} has no .json, .yaml or .yml extension; name the output file with one of them",
                    args.output.display()
                );
                return ExitCode::from(2);
            }
        }
    };
    if is_same_file(&args.file, &args.output) {
        eprintln!(
            "hookforge: -o {} is the input document; write the bundle to another file",
            args.output.display()
        );
        return ExitCode::from(2);
    }

    let validation = validate_file(&args.file, args.load.load_options());
    report(&args.file, &validation, args.load.max_file_bytes);
    let (Some(document), Some(version)) = (&validation.document, validation.version) else {
        return failure_code(&validation);
    };
    if !validation.is_valid() {
        return ExitCode::from(1);
    }
    let bundle = match bundle_document(document, version) {
        Ok(bundle) => bundle,
        Err(error) => {
            eprintln!("hookforge: cannot bundle {}: {error}", args.file.display());
            return ExitCode::from(1);
        }
    };
    for pointer in &bundle.unresolved {
        eprintln!(
            "hookforge: warning: the $ref at {pointer} does not resolve, so it stays as written and still names another file"
        );
    }
    match format.write(&bundle) {
        Ok(text) => write_output(&args.output, &text),
        Err(error) => {
            eprintln!("hookforge: failed to write the bundle as JSON: {error}");
            ExitCode::from(2)
        }
    }
}

fn failure_code(validation: &Validation) -> ExitCode {
    if validation.is_io_failure() {
        ExitCode::from(2)
    } else {
        ExitCode::from(1)
    }
}

/// Checks whether `output` names the same existing file as `input`.
fn is_same_file(input: &Path, output: &Path) -> bool {
    match (fs::canonicalize(input), fs::canonicalize(output)) {
        (Ok(input), Ok(output)) => input == output,
        _ => false,
    }
}

fn write_output(output: &Path, text: &str) -> ExitCode {
    let written = if output.as_os_str() == "-" {
        let mut stdout = io::stdout().lock();
        stdout
            .write_all(text.as_bytes())
            .and_then(|()| stdout.flush())
    } else {
        fs::write(output, text)
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => ExitCode::from(2),
        Err(error) => {
            eprintln!(
                "hookforge: failed to write the bundle to {}: {error}",
                output.display()
            );
            ExitCode::from(2)
        }
    }
}

/// Prints every diagnostic to stderr, with source snippets.
fn report(path: &Path, validation: &Validation, max_file_bytes: u64) {
    let style = Style {
        color: io::stderr().is_terminal()
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    let fallback;
    let sources = match &validation.document {
        Some(document) => &document.sources,
        None => {
            fallback = root_sources(path, max_file_bytes);
            &fallback
        }
    };
    let mut stderr = io::stderr().lock();
    for diagnostic in &validation.diagnostics {
        let text = human::diagnostic_to_string(diagnostic, sources, path, style);
        // A closed stderr leaves nowhere to report to.
        let _ = stderr.write_all(text.as_bytes());
    }
}
