//! `hookforge generate`: Rust types for the messages of a document.

use std::fs;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use hookforge_codegen::options::{GenerateOptions, Perspective};
use hookforge_codegen::output::write_atomically;
use hookforge_codegen::render::{human, Style};
use hookforge_codegen::{generate, GeneratedCode};

use super::load_args::LoadArgs;
use super::validate::root_sources;

/// Options of `hookforge generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// The AsyncAPI document, in YAML or JSON.
    #[arg(value_name = "FILE")]
    file: PathBuf,

    /// Output path: a file ending in `.rs`, a folder (the file
    /// is then named after the document, `orders.yaml` giving
    /// `orders.rs`), or `-` for stdout.
    #[arg(short, long, value_name = "PATH")]
    output: PathBuf,

    /// Overwrite an existing file even if it was generated from another
    /// document.
    #[arg(long)]
    force: bool,

    /// Generate the other side of the application the document
    /// describes: handlers for its `send` operations and senders for its
    /// `receive` operations.
    #[arg(long)]
    mirror: bool,

    /// Add a derive to every generated struct and enum, by Rust path
    /// (`Hash`, `schemars::JsonSchema`). Repeatable.
    #[arg(long = "derive", value_name = "PATH")]
    derives: Vec<String>,

    /// Use the Rust type PATH for schema SCHEMA (a component schema name
    /// or a JSON pointer such as `/components/schemas/Money`), which then
    /// gets no generated type. Repeatable.
    #[arg(long = "replace", value_name = "SCHEMA=PATH", value_parser = parse_replacement)]
    replacements: Vec<(String, String)>,

    #[command(flatten)]
    load: LoadArgs,
}

impl GenerateArgs {
    /// Returns the library options that these flags describe.
    fn options(&self) -> GenerateOptions {
        GenerateOptions {
            load: self.load.load_options(),
            perspective: if self.mirror {
                Perspective::Mirror
            } else {
                Perspective::Application
            },
            extra_derives: self.derives.clone(),
            type_replacements: self.replacements.clone(),
        }
    }
}

/// Splits `SCHEMA=PATH` at its last `=`, because a Rust path never
/// contains one but a JSON pointer may.
fn parse_replacement(text: &str) -> Result<(String, String), String> {
    match text.rsplit_once('=') {
        Some((schema, path)) if !schema.is_empty() && !path.is_empty() => {
            Ok((schema.to_owned(), path.to_owned()))
        }
        _ => Err(format!(
            "expected SCHEMA=PATH, such as Money=crate::money::Money, got {text:?}"
        )),
    }
}

/// Generates the types and writes them. Diagnostics go to stderr. Returns
/// 0 on success, 1 when the document is invalid or cannot be typed, and 2
/// when a file cannot be read or written.
pub fn run(args: &GenerateArgs) -> ExitCode {
    let generated = generate(&args.file, &args.options());
    let style = Style {
        color: io::stderr().is_terminal()
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    report(&args.file, &generated, args.load.max_file_bytes, style);
    let Some(code) = &generated.code else {
        return if generated.validation.is_io_failure() {
            ExitCode::from(2)
        } else {
            ExitCode::from(1)
        };
    };
    if args.output.as_os_str() == "-" {
        let mut stdout = io::stdout().lock();
        return match stdout
            .write_all(code.as_bytes())
            .and_then(|()| stdout.flush())
        {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) if error.kind() == io::ErrorKind::BrokenPipe => ExitCode::from(2),
            Err(error) => {
                eprintln!("hookforge: failed to write the generated code to stdout: {error}");
                ExitCode::from(2)
            }
        };
    }
    let written = output_file(&args.output, &args.file)
        .and_then(|target| write_module(&target, &args.file, code, args.force));
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("hookforge: {message}");
            ExitCode::from(2)
        }
    }
}

/// Prints every diagnostic to stderr, with source snippets.
fn report(path: &Path, generated: &GeneratedCode, max_file_bytes: u64, style: Style) {
    let diagnostics = &generated.validation.diagnostics;
    let fallback;
    let sources = match &generated.validation.document {
        Some(document) => &document.sources,
        None => {
            fallback = root_sources(path, max_file_bytes);
            &fallback
        }
    };
    let mut stderr = io::stderr().lock();
    for diagnostic in diagnostics {
        let text = human::diagnostic_to_string(diagnostic, sources, path, style);
        // A closed stderr leaves nowhere to report to.
        let _ = stderr.write_all(text.as_bytes());
    }
}

/// Returns the file `output` names: itself when it ends in `.rs`, otherwise
/// `<output>/<document name>.rs`. Another extension is an error, unless a
/// folder of that name exists.
fn output_file(output: &Path, source: &Path) -> Result<PathBuf, String> {
    if output.extension().is_some_and(|e| e == "rs") {
        return Ok(output.to_path_buf());
    }
    if output.extension().is_some() && !output.is_dir() {
        return Err(format!(
            "-o {} is neither a `.rs` file nor a folder; name the output file with a `.rs` extension",
            output.display()
        ));
    }
    let stem = source
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = hookforge_codegen::typegen::names::snake_case(&stem, "asyncapi");
    Ok(output.join(format!("{}.rs", name.trim_start_matches("r#"))))
}

/// Writes `code` to `target` through a temporary file and a rename, so a
/// reader never sees half a file. Leaves the file alone when it already
/// holds `code`, so build tools see no change, and refuses to replace a
/// file that was generated from another document unless `force` is set.
fn write_module(target: &Path, source: &Path, code: &str, force: bool) -> Result<(), String> {
    let existing = fs::read_to_string(target).ok();
    if existing.as_deref() == Some(code) {
        return Ok(());
    }
    if let Some(existing) = &existing {
        // The first line names the source document; the generator version
        // in it may differ without making the file someone else's.
        let header = |text: &str| text.lines().next().map(str::to_owned).unwrap_or_default();
        let source_of = |text: &str| {
            header(text)
                .split_once(" from ")
                .map(|(_, from)| from.to_owned())
        };
        if !force && (source_of(existing).is_none() || source_of(existing) != source_of(code)) {
            return Err(format!(
                "refusing to overwrite {}: it was not generated from {} (its first line is {:?}); \
                 choose another output file with `-o FILE.rs`, or pass --force",
                target.display(),
                source.display(),
                header(existing)
            ));
        }
    }
    write_atomically(target, code).map_err(|e| e.to_string())?;
    eprintln!("hookforge: wrote {}", target.display());
    Ok(())
}
