//! Human-readable output in the style of rustc: a header with the code, the
//! location, a source snippet with the span underlined, then help and the
//! JSON pointer.

use std::borrow::Cow;
use std::fmt::{self, Write};
use std::path::Path;

use super::snippet::mark_line;
use super::source_file;
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{SourceMap, Span};
use crate::Validation;

/// Whether output uses ANSI colors.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Style {
    /// Emit ANSI escape sequences for colors and bold text.
    pub color: bool,
}

/// ANSI SGR parameters for the parts of the output.
#[derive(Clone, Copy)]
enum Paint {
    Error,
    Warning,
    Gutter,
    Emphasis,
    Valid,
}

impl Paint {
    fn sgr(self) -> &'static str {
        match self {
            Paint::Error => "1;31",
            Paint::Warning => "1;33",
            Paint::Gutter => "1;34",
            Paint::Emphasis => "1",
            Paint::Valid => "1;32",
        }
    }

    fn of(severity: Severity) -> Paint {
        match severity {
            Severity::Error => Paint::Error,
            Severity::Warning => Paint::Warning,
        }
    }
}

impl Style {
    fn paint<'t>(self, paint: Paint, text: &'t str) -> Cow<'t, str> {
        if self.color && !text.is_empty() {
            Cow::Owned(format!("\x1b[{}m{text}\x1b[0m", paint.sgr()))
        } else {
            Cow::Borrowed(text)
        }
    }
}

/// Writes one diagnostic, followed by a blank line.
///
/// `sources` supplies the text for the snippet. A span whose file is not in
/// it, or whose line is past the end of the file, is shown without a
/// snippet. `root_path` names the location of a diagnostic without a span.
pub fn write_diagnostic(
    out: &mut dyn Write,
    diagnostic: &Diagnostic,
    sources: &SourceMap,
    root_path: &Path,
    style: Style,
) -> fmt::Result {
    let severity_paint = Paint::of(diagnostic.severity);
    let header = format!(
        "{}[{}]",
        diagnostic.severity.as_str(),
        diagnostic.code.as_str()
    );
    writeln!(
        out,
        "{}{}",
        style.paint(severity_paint, &header),
        style.paint(
            Paint::Emphasis,
            &format!(": {}", printable(&diagnostic.message))
        )
    )?;

    // A diagnostic about a whole file (missing, too large, empty) has no
    // span, and is shown with the path alone, as in the JSON output.
    let span = diagnostic.span;
    let snippet = span.and_then(|span| Snippet::new(span, sources));
    let gutter = snippet.as_ref().map_or(1, |s| digits(s.line_number));
    let pad = " ".repeat(gutter);
    let location = location(span, sources, root_path);
    writeln!(out, "{pad}{} {location}", style.paint(Paint::Gutter, "-->"))?;

    let bar = style.paint(Paint::Gutter, "|");
    if let Some(snippet) = &snippet {
        let marked = &snippet.marked;
        let number = format!("{:>gutter$}", snippet.line_number);
        writeln!(out, "{pad} {bar}")?;
        let number = style.paint(Paint::Gutter, &number);
        if marked.text.is_empty() {
            writeln!(out, "{number} {bar}")?;
        } else {
            writeln!(out, "{number} {bar} {}", marked.text)?;
        }
        let carets = "^".repeat(marked.width);
        writeln!(
            out,
            "{pad} {bar} {}{}",
            " ".repeat(marked.offset),
            style.paint(severity_paint, &carets)
        )?;
    }

    let notes = notes(diagnostic);
    if snippet.is_some() && !notes.is_empty() {
        writeln!(out, "{pad} {bar}")?;
    }
    for (label, text) in notes {
        write_note(out, &pad, label, &text, style)?;
    }
    writeln!(out)
}

/// Renders one diagnostic to a string; see [`write_diagnostic`].
pub fn diagnostic_to_string(
    diagnostic: &Diagnostic,
    sources: &SourceMap,
    root_path: &Path,
    style: Style,
) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = write_diagnostic(&mut out, diagnostic, sources, root_path, style);
    out
}

/// Writes the one-line verdict for a file: `path: valid (AsyncAPI 3.0.0)`,
/// `path: valid (AsyncAPI 3.0.0), 1 warning`, `path: invalid, 2 errors,
/// 1 warning` or `path: could not be read`.
pub fn write_summary(
    out: &mut dyn Write,
    path: &Path,
    validation: &Validation,
    style: Style,
) -> fmt::Result {
    let errors = count(validation, Severity::Error);
    let warnings = count(validation, Severity::Warning);
    let path = printable(&path.display().to_string()).into_owned();
    let path = style.paint(Paint::Emphasis, &path);
    if validation.is_io_failure() {
        return writeln!(
            out,
            "{path}: {}",
            style.paint(Paint::Error, "could not be read")
        );
    }

    let mut line = if validation.is_valid() {
        let version = validation
            .version
            .map(|v| format!(" (AsyncAPI {v})"))
            .unwrap_or_default();
        format!("{path}: {}{version}", style.paint(Paint::Valid, "valid"))
    } else {
        let errors = plural(errors, "error");
        format!("{path}: {}, {errors}", style.paint(Paint::Error, "invalid"))
    };
    if warnings > 0 {
        line.push_str(", ");
        line.push_str(&plural(warnings, "warning"));
    }
    writeln!(out, "{line}")
}

/// Renders the verdict line for a file to a string; see [`write_summary`].
pub fn summary_to_string(path: &Path, validation: &Validation, style: Style) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = write_summary(&mut out, path, validation, style);
    out
}

/// Formats `count` with `noun`, adding an `s` unless the count is 1.
pub fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// The source line a diagnostic starts on, prepared for display.
struct Snippet {
    line_number: u32,
    marked: super::snippet::MarkedLine,
}

impl Snippet {
    fn new(span: Span, sources: &SourceMap) -> Option<Snippet> {
        let file = source_file(sources, span.file)?;
        if file.text.is_empty() {
            return None;
        }
        let line = file.line(span.start.line)?;
        let end = (span.end.line == span.start.line).then_some(span.end.column);
        Some(Snippet {
            line_number: span.start.line,
            marked: mark_line(line, span.start.column, end),
        })
    }
}

/// Returns `path:line:column` for a span, or just the path when there is
/// no span.
fn location(span: Option<Span>, sources: &SourceMap, root_path: &Path) -> String {
    let file = span.and_then(|span| source_file(sources, span.file));
    let path = file.map_or(root_path, |f| f.path.as_path());
    let path = path.display().to_string();
    let Some(span) = span else {
        return printable(&path).into_owned();
    };
    format!(
        "{}:{}:{}",
        printable(&path),
        span.start.line,
        span.start.column
    )
}

fn notes(diagnostic: &Diagnostic) -> Vec<(&'static str, String)> {
    let mut notes = Vec::new();
    if let Some(help) = &diagnostic.help {
        notes.push(("help", printable(help).into_owned()));
    }
    if !diagnostic.pointer.is_empty() {
        notes.push(("pointer", printable(&diagnostic.pointer).into_owned()));
    }
    notes
}

/// Writes `= label: text`, indenting continuation lines under the text.
fn write_note(
    out: &mut dyn Write,
    pad: &str,
    label: &str,
    text: &str,
    style: Style,
) -> fmt::Result {
    let lead = format!("{pad} {} ", style.paint(Paint::Gutter, "="));
    let indent = " ".repeat(pad.len() + 3 + label.len() + 2);
    let mut lines = text.lines();
    let first = lines.next().unwrap_or_default();
    writeln!(
        out,
        "{lead}{}: {first}",
        style.paint(Paint::Emphasis, label)
    )?;
    for line in lines {
        writeln!(out, "{indent}{line}")?;
    }
    Ok(())
}

fn count(validation: &Validation, severity: Severity) -> usize {
    validation
        .diagnostics
        .iter()
        .filter(|d| d.severity == severity)
        .count()
}

fn digits(number: u32) -> usize {
    number.to_string().len()
}

/// Replaces control characters other than line breaks and tabs with
/// U+FFFD, so text taken from a document cannot drive the terminal.
fn printable(text: &str) -> Cow<'_, str> {
    let is_unsafe = |c: char| c.is_control() && c != '\n' && c != '\t';
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let cleaned = text
        .chars()
        .map(|c| {
            if is_unsafe(c) {
                char::REPLACEMENT_CHARACTER
            } else {
                c
            }
        })
        .collect();
    Cow::Owned(cleaned)
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::diagnostic::Code;
    use crate::source::{FileId, Position};

    const TEXT: &str =
        "asyncapi: 3.0.0\nchannels:\n  orders:\n    $ref: '#/components/channels/missing'\n";

    fn sources() -> (SourceMap, FileId) {
        let mut sources = SourceMap::default();
        let id = sources.add(PathBuf::from("api.yaml"), TEXT.to_owned());
        (sources, id)
    }

    fn span(file: FileId, start: (u32, u32), end: (u32, u32)) -> Span {
        Span {
            file,
            start: Position {
                line: start.0,
                column: start.1,
            },
            end: Position {
                line: end.0,
                column: end.1,
            },
        }
    }

    fn unresolved(file: FileId) -> Diagnostic {
        Diagnostic::error(Code::RefUnresolved, "$ref does not resolve")
            .at("/channels/orders/$ref", span(file, (4, 11), (4, 42)))
            .with_help("define the channel under components/channels")
    }

    #[test]
    fn header_names_severity_code_and_message() {
        let (sources, file) = sources();
        let out = diagnostic_to_string(
            &unresolved(file),
            &sources,
            Path::new("api.yaml"),
            Style::default(),
        );
        assert!(
            out.starts_with("error[ref-unresolved]: $ref does not resolve\n"),
            "{out}"
        );
    }

    #[test]
    fn location_is_path_line_column() {
        let (sources, file) = sources();
        let out = diagnostic_to_string(
            &unresolved(file),
            &sources,
            Path::new("api.yaml"),
            Style::default(),
        );
        assert!(out.contains(" --> api.yaml:4:11\n"), "{out}");
    }

    #[test]
    fn snippet_underlines_the_span() {
        let (sources, file) = sources();
        let out = diagnostic_to_string(
            &unresolved(file),
            &sources,
            Path::new("api.yaml"),
            Style::default(),
        );
        let expected = "  |\n\
                        4 |     $ref: '#/components/channels/missing'\n  \
                          |           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n";
        assert!(out.contains(expected), "{out}");
    }

    #[test]
    fn help_and_pointer_follow_snippet() {
        let (sources, file) = sources();
        let out = diagnostic_to_string(
            &unresolved(file),
            &sources,
            Path::new("api.yaml"),
            Style::default(),
        );
        assert!(
            out.contains("\n  = help: define the channel under components/channels\n"),
            "{out}"
        );
        assert!(
            out.contains("\n  = pointer: /channels/orders/$ref\n"),
            "{out}"
        );
        assert!(out.ends_with("\n\n"), "{out}");
    }

    #[test]
    fn multi_line_span_underlines_rest_of_first_line() {
        let (sources, file) = sources();
        let diagnostic = Diagnostic::error(Code::RequiredMissing, "channel has no address")
            .at("/channels/orders", span(file, (3, 3), (5, 1)));
        let out = diagnostic_to_string(
            &diagnostic,
            &sources,
            Path::new("api.yaml"),
            Style::default(),
        );
        assert!(out.contains("3 |   orders:\n  |   ^^^^^^^\n"), "{out}");
    }

    #[test]
    fn empty_source_line_has_no_trailing_space() {
        let mut sources = SourceMap::default();
        let file = sources.add(PathBuf::from("a.yaml"), "a: [\n\n".to_owned());
        let diagnostic = Diagnostic::error(Code::Syntax, "unexpected end of file")
            .at("", span(file, (3, 1), (3, 1)));
        let out =
            diagnostic_to_string(&diagnostic, &sources, Path::new("a.yaml"), Style::default());
        assert!(out.contains("\n3 |\n  | ^\n"), "{out:?}");
    }

    #[test]
    fn gutter_widens_for_long_line_numbers() {
        let text = "x: 1\n".repeat(120);
        let mut sources = SourceMap::default();
        let file = sources.add(PathBuf::from("big.yaml"), text);
        let diagnostic = Diagnostic::warning(Code::UnknownField, "unknown field `x`")
            .at("/x", span(file, (104, 1), (104, 2)));
        let out = diagnostic_to_string(
            &diagnostic,
            &sources,
            Path::new("big.yaml"),
            Style::default(),
        );
        assert!(out.starts_with("warning[unknown-field]: "), "{out}");
        assert!(
            out.contains("   --> big.yaml:104:1\n    |\n104 | x: 1\n    | ^\n"),
            "{out}"
        );
    }

    #[test]
    fn missing_span_shows_root_path_without_snippet() {
        let (sources, _) = sources();
        let diagnostic = Diagnostic::error(Code::Io, "cannot read gone.yaml: not found")
            .with_help("check the path");
        let out = diagnostic_to_string(
            &diagnostic,
            &sources,
            Path::new("gone.yaml"),
            Style::default(),
        );
        assert_eq!(
            out,
            "error[io]: cannot read gone.yaml: not found\n --> gone.yaml\n  = help: check the path\n\n"
        );
    }

    #[test]
    fn span_in_unknown_file_shows_no_snippet() {
        let (sources, _) = sources();
        let diagnostic =
            Diagnostic::error(Code::Syntax, "bad").at("", span(FileId(7), (1, 1), (1, 2)));
        let out = diagnostic_to_string(
            &diagnostic,
            &sources,
            Path::new("api.yaml"),
            Style::default(),
        );
        assert_eq!(out, "error[syntax]: bad\n --> api.yaml:1:1\n\n");
    }

    #[test]
    fn line_past_end_of_file_shows_no_snippet() {
        let (sources, file) = sources();
        let diagnostic =
            Diagnostic::error(Code::Syntax, "unexpected end").at("", span(file, (40, 1), (40, 1)));
        let out = diagnostic_to_string(
            &diagnostic,
            &sources,
            Path::new("api.yaml"),
            Style::default(),
        );
        assert!(!out.contains('|'), "{out}");
        assert!(out.contains(" --> api.yaml:40:1\n"), "{out}");
    }

    #[test]
    fn diagnostic_without_span_shows_path_only() {
        let (sources, _) = sources();
        let diagnostic = Diagnostic::error(Code::LimitExceeded, "api.yaml is too large");
        let out = diagnostic_to_string(
            &diagnostic,
            &sources,
            Path::new("api.yaml"),
            Style::default(),
        );
        assert_eq!(
            out,
            "error[limit-exceeded]: api.yaml is too large\n --> api.yaml\n\n"
        );
    }

    #[test]
    fn multi_line_help_is_indented() {
        let (sources, _) = sources();
        let diagnostic = Diagnostic::error(Code::Io, "x").with_help("first\nsecond");
        let out = diagnostic_to_string(&diagnostic, &sources, Path::new("a"), Style::default());
        assert!(out.contains("  = help: first\n          second\n"), "{out}");
    }

    #[test]
    fn control_characters_in_message_are_replaced() {
        let (sources, _) = sources();
        let diagnostic = Diagnostic::error(Code::InvalidValue, "bad \u{1b}[2J value");
        let out = diagnostic_to_string(&diagnostic, &sources, Path::new("a"), Style::default());
        assert!(!out.contains('\u{1b}'), "{out:?}");
    }

    #[test]
    fn color_wraps_parts_in_ansi_codes() {
        let (sources, file) = sources();
        let out = diagnostic_to_string(
            &unresolved(file),
            &sources,
            Path::new("api.yaml"),
            Style { color: true },
        );
        assert!(
            out.starts_with("\x1b[1;31merror[ref-unresolved]\x1b[0m"),
            "{out:?}"
        );
        assert!(out.contains("\x1b[1;31m^^^^"), "{out:?}");
    }

    #[test]
    fn plain_output_has_no_escape_codes() {
        let (sources, file) = sources();
        let out = diagnostic_to_string(
            &unresolved(file),
            &sources,
            Path::new("api.yaml"),
            Style::default(),
        );
        assert!(!out.contains('\u{1b}'), "{out:?}");
    }

    fn loaded(diagnostics: Vec<Diagnostic>) -> Validation {
        let (document, _) = crate::document::Document::from_text(
            Path::new("a.yaml"),
            "asyncapi: 3.0.0\n",
            crate::document::LoadOptions::default(),
        );
        Validation {
            document,
            version: Some(crate::version::SpecVersion::V3 { minor: 0, patch: 0 }),
            diagnostics,
        }
    }

    #[test]
    fn summary_of_valid_file_names_version() {
        let out = summary_to_string(Path::new("a.yaml"), &loaded(Vec::new()), Style::default());
        assert_eq!(out, "a.yaml: valid (AsyncAPI 3.0.0)\n");
    }

    #[test]
    fn summary_of_valid_file_counts_warnings() {
        let warnings = vec![Diagnostic::warning(Code::UnknownField, "w")];
        let out = summary_to_string(Path::new("a.yaml"), &loaded(warnings), Style::default());
        assert_eq!(out, "a.yaml: valid (AsyncAPI 3.0.0), 1 warning\n");
    }

    #[test]
    fn summary_counts_errors_and_warnings() {
        let validation = Validation {
            document: None,
            version: None,
            diagnostics: vec![
                Diagnostic::error(Code::RefUnresolved, "a"),
                Diagnostic::error(Code::RefCycle, "b"),
                Diagnostic::warning(Code::UnknownField, "c"),
            ],
        };
        let out = summary_to_string(Path::new("a.yaml"), &validation, Style::default());
        assert_eq!(out, "a.yaml: invalid, 2 errors, 1 warning\n");
    }

    #[test]
    fn summary_of_unreadable_file() {
        let validation = Validation {
            document: None,
            version: None,
            diagnostics: vec![Diagnostic::error(Code::Io, "cannot read")],
        };
        let out = summary_to_string(Path::new("gone.yaml"), &validation, Style::default());
        assert_eq!(out, "gone.yaml: could not be read\n");
    }

    #[test]
    fn plural_adds_s_except_for_one() {
        assert_eq!(plural(0, "error"), "0 errors");
        assert_eq!(plural(1, "error"), "1 error");
        assert_eq!(plural(3, "warning"), "3 warnings");
    }
}
