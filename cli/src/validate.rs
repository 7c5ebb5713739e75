//! `hookforge validate`: load, check and report on AsyncAPI documents.

use std::env;
use std::fmt;
use std::fs;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use hookforge_codegen::diagnostic::Diagnostic;
use hookforge_codegen::document::LoadOptions;

use super::load_args::LoadArgs;
use hookforge_codegen::render::{human, json, Style};
use hookforge_codegen::source::SourceMap;
use hookforge_codegen::{validate_file, Validation};

/// Options of `hookforge validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// AsyncAPI documents to check, in YAML or JSON.
    #[arg(value_name = "FILE", required = true)]
    files: Vec<PathBuf>,

    /// Output format: `human` for people, `json` for one JSON document on
    /// stdout.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,

    #[command(flatten)]
    load: LoadArgs,

    /// Print errors only: no warnings, and no verdict lines for valid
    /// files. With `--format json`, warnings are left out of the output.
    /// With `--deny-warnings`, warnings count as errors and are printed.
    #[arg(long, short)]
    quiet: bool,

    /// Exit with code 1 when any file has a warning, too.
    #[arg(long)]
    deny_warnings: bool,
}

impl ValidateArgs {
    /// Whether `diagnostic` is printed: `--quiet` hides warnings, unless
    /// `--deny-warnings` makes them fail the run.
    fn shows(&self, diagnostic: &Diagnostic) -> bool {
        diagnostic.is_error() || !self.quiet || self.deny_warnings
    }
}

/// Output format of `hookforge validate`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Diagnostics with source snippets, like rustc.
    Human,
    /// One JSON document with every file and diagnostic.
    Json,
}

/// The outcome for one file, or the worst outcome of a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Verdict {
    Valid,
    Invalid,
    Unreadable,
}

impl Verdict {
    fn of(validation: &Validation, deny_warnings: bool) -> Verdict {
        if validation.is_io_failure() {
            Verdict::Unreadable
        } else if !validation.is_valid() || (deny_warnings && has_warning(validation)) {
            Verdict::Invalid
        } else {
            Verdict::Valid
        }
    }

    fn exit_code(self) -> ExitCode {
        match self {
            Verdict::Valid => ExitCode::SUCCESS,
            Verdict::Invalid => ExitCode::from(1),
            Verdict::Unreadable => ExitCode::from(2),
        }
    }
}

/// Validates every file and prints the report. Returns exit code 2 when a
/// file cannot be read (or stdout cannot be written), otherwise 1 when a
/// file is invalid, otherwise 0.
pub fn run(args: &ValidateArgs) -> ExitCode {
    let options = args.load.load_options();
    let style = Style {
        color: io::stdout().is_terminal() && !no_color_requested(),
    };
    let mut stdout = io::stdout().lock();
    let result = match args.format {
        Format::Human => report_human(args, &options, style, &mut stdout),
        Format::Json => report_json(args, &options, &mut stdout),
    };
    match result.and_then(|verdict| stdout.flush().map(|()| verdict)) {
        Ok(verdict) => verdict.exit_code(),
        Err(error) => {
            if error.kind() != io::ErrorKind::BrokenPipe {
                eprintln!("hookforge: failed to write the report to stdout: {error}");
            }
            ExitCode::from(2)
        }
    }
}

fn report_human(
    args: &ValidateArgs,
    options: &LoadOptions,
    style: Style,
    out: &mut dyn Write,
) -> io::Result<Verdict> {
    let mut totals = Totals::default();
    for path in &args.files {
        let validation = validate_file(path, options.clone());
        let verdict = Verdict::of(&validation, args.deny_warnings);
        totals.add(verdict);
        let text = render_file(args, path, &validation, verdict, style);
        out.write_all(text.as_bytes())?;
    }
    if args.files.len() > 1 && !args.quiet {
        writeln!(out, "{totals}")?;
    }
    Ok(totals.worst())
}

/// Renders the diagnostics and the verdict line of one file.
fn render_file(
    args: &ValidateArgs,
    path: &Path,
    validation: &Validation,
    verdict: Verdict,
    style: Style,
) -> String {
    let fallback;
    let sources = match &validation.document {
        Some(document) => &document.sources,
        None => {
            fallback = root_sources(path, args.load.max_file_bytes);
            &fallback
        }
    };

    let mut text = String::new();
    for diagnostic in &validation.diagnostics {
        if !args.shows(diagnostic) {
            continue;
        }
        text.push_str(&human::diagnostic_to_string(
            diagnostic, sources, path, style,
        ));
    }

    if args.quiet && verdict == Verdict::Valid {
        return text;
    }
    let summary = human::summary_to_string(path, validation, style);
    if verdict == Verdict::Invalid && validation.is_valid() {
        // Only `--deny-warnings` fails a valid document.
        text.push_str(summary.trim_end());
        text.push_str(" (failed by --deny-warnings)\n");
    } else {
        text.push_str(&summary);
    }
    text
}

/// How many files of a run ended with each verdict.
#[derive(Debug, Default)]
struct Totals {
    valid: usize,
    invalid: usize,
    unreadable: usize,
}

impl Totals {
    fn add(&mut self, verdict: Verdict) {
        match verdict {
            Verdict::Valid => self.valid += 1,
            Verdict::Invalid => self.invalid += 1,
            Verdict::Unreadable => self.unreadable += 1,
        }
    }

    fn worst(&self) -> Verdict {
        if self.unreadable > 0 {
            Verdict::Unreadable
        } else if self.invalid > 0 {
            Verdict::Invalid
        } else {
            Verdict::Valid
        }
    }
}

/// The last line of a run over several files, such as
/// `3 files: 2 valid, 1 invalid`.
impl fmt::Display for Totals {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let all = self.valid + self.invalid + self.unreadable;
        let files = human::plural(all, "file");
        write!(f, "{files}: {} valid, {} invalid", self.valid, self.invalid)?;
        if self.unreadable > 0 {
            write!(f, ", {} not read", self.unreadable)?;
        }
        Ok(())
    }
}

fn report_json(
    args: &ValidateArgs,
    options: &LoadOptions,
    out: &mut dyn Write,
) -> io::Result<Verdict> {
    let mut totals = Totals::default();
    let mut files = Vec::with_capacity(args.files.len());
    for path in &args.files {
        let validation = validate_file(path, options.clone());
        totals.add(Verdict::of(&validation, args.deny_warnings));
        let fallback;
        let sources = match &validation.document {
            Some(document) => &document.sources,
            None => {
                fallback = SourceMap::default();
                &fallback
            }
        };
        let include_warnings = !args.quiet || args.deny_warnings;
        files.push(json::file_report(
            path,
            &validation,
            sources,
            include_warnings,
        ));
    }
    let report = json::run_report(files);
    serde_json::to_writer_pretty(&mut *out, &report).map_err(io::Error::from)?;
    writeln!(out)?;
    Ok(totals.worst())
}

/// Returns a source map with only the root file, for showing snippets of
/// syntax errors in a file that failed to parse. The map is empty when the
/// file is not a regular file, is over `max_file_bytes` or cannot be read as
/// UTF-8 text.
pub(super) fn root_sources(path: &Path, max_file_bytes: u64) -> SourceMap {
    let mut sources = SourceMap::default();
    // A device such as /dev/zero reports length 0 and never ends.
    let within_limit =
        fs::metadata(path).is_ok_and(|meta| meta.is_file() && meta.len() <= max_file_bytes);
    if !within_limit {
        return sources;
    }
    if let Ok(text) = fs::read_to_string(path) {
        sources.add(path.to_path_buf(), text);
    }
    sources
}

fn has_warning(validation: &Validation) -> bool {
    validation.diagnostics.iter().any(|d| !d.is_error())
}

/// Whether the `NO_COLOR` convention (no-color.org) requests plain output,
/// which it does when the variable is set to a non-empty value.
fn no_color_requested() -> bool {
    env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_mention_unread_files_only_when_present() {
        let mut totals = Totals::default();
        for verdict in [Verdict::Valid, Verdict::Valid, Verdict::Invalid] {
            totals.add(verdict);
        }
        assert_eq!(totals.to_string(), "3 files: 2 valid, 1 invalid");
        let mut unread = Totals::default();
        unread.add(Verdict::Unreadable);
        assert_eq!(unread.to_string(), "1 file: 0 valid, 0 invalid, 1 not read");
    }

    #[test]
    fn unreadable_file_is_worst_verdict() {
        let mut totals = Totals::default();
        for verdict in [Verdict::Unreadable, Verdict::Invalid, Verdict::Valid] {
            totals.add(verdict);
        }
        assert_eq!(totals.worst(), Verdict::Unreadable);
    }

    #[test]
    fn invalid_file_beats_valid_file() {
        let mut totals = Totals::default();
        totals.add(Verdict::Valid);
        totals.add(Verdict::Invalid);
        assert_eq!(totals.worst(), Verdict::Invalid);
    }
}
