//! `hookforge generate`: Rust types for the messages of a document.

use std::fs;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use hookforge_codegen::render::{human, Style};
use hookforge_codegen::{generate_types, GeneratedCode};

use super::load_args::LoadArgs;

/// Options of `hookforge generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// The AsyncAPI document, in YAML or JSON.
    #[arg(value_name = "FILE")]
    file: PathBuf,

    /// Folder to write `<document name>.rs` into, or `-` for stdout.
    #[arg(short, long, value_name = "DIR")]
    output: PathBuf,

    #[command(flatten)]
    load: LoadArgs,
}

/// Generates the types and writes them. Diagnostics go to stderr. Returns
/// 0 on success, 1 when the document is invalid or cannot be typed, and 2
/// when a file cannot be read or written.
pub fn run(args: &GenerateArgs) -> ExitCode {
    let generated = generate_types(&args.file, args.load.load_options());
    let style = Style {
        color: io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    report(&args.file, &generated, style);
    let Some(code) = &generated.code else {
        return if generated.validation.is_io_failure() {
            ExitCode::from(2)
        } else {
            ExitCode::from(1)
        };
    };
    let written = if args.output.as_os_str() == "-" {
        let mut stdout = io::stdout().lock();
        stdout.write_all(code.as_bytes()).and_then(|()| stdout.flush())
    } else {
        write_module(&args.output, &args.file, code)
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => ExitCode::from(2),
        Err(error) => {
            eprintln!("hookforge: failed to write the generated code: {error}");
            ExitCode::from(2)
        }
    }
}

/// Prints every diagnostic to stderr, with source snippets.
fn report(path: &Path, generated: &GeneratedCode, style: Style) {
    let Some(document) = &generated.validation.document else {
        for diagnostic in &generated.validation.diagnostics {
            eprintln!("{}: {}: {}", path.display(), diagnostic.severity.as_str(), diagnostic.message);
        }
        return;
    };
    let mut stderr = io::stderr().lock();
    for diagnostic in &generated.validation.diagnostics {
        let text = human::diagnostic_to_string(diagnostic, &document.sources, path, style);
        // A closed stderr leaves nothing else to report to.
        let _ = stderr.write_all(text.as_bytes());
    }
}

/// Writes `code` to `<dir>/<stem>.rs` through a temporary file and a
/// rename, so a reader never sees half a file, and leaves the file alone
/// when its content is already `code` (so build tools see no change).
fn write_module(dir: &Path, source: &Path, code: &str) -> io::Result<()> {
    let stem = source.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let name = hookforge_codegen::typegen::names::snake_case(&stem, "asyncapi");
    let target = dir.join(format!("{}.rs", name.trim_start_matches("r#")));
    if fs::read_to_string(&target).ok().as_deref() == Some(code) {
        return Ok(());
    }
    fs::create_dir_all(dir)?;
    let temporary = dir.join(format!(".{}.rs.tmp", name.trim_start_matches("r#")));
    fs::write(&temporary, code)?;
    fs::rename(&temporary, &target)?;
    eprintln!("hookforge: wrote {}", target.display());
    Ok(())
}
