//! Machine-readable output: one JSON document for a whole run.
//!
//! The shape, whose field names are stable:
//!
//! ```json
//! {"files": [{"path": "api.yaml", "valid": false, "version": "3.0.0",
//!   "diagnostics": [{"severity": "error", "code": "ref-unresolved",
//!     "message": "...", "help": null, "pointer": "/channels/a",
//!     "file": "api.yaml", "line": 4, "column": 7,
//!     "end_line": 4, "end_column": 30}]}]}
//! ```
//!
//! Lines and columns start at 1 and columns count characters; the end is
//! exclusive. `help`, `line`, `column`, `end_line` and `end_column` are
//! `null` when absent, and `version` is `null` when the `asyncapi` field
//! was not read.

use std::path::Path;

use serde_json::{json, Value};

use super::source_file;
use crate::diagnostic::Diagnostic;
use crate::source::SourceMap;
use crate::Validation;

/// Builds the report of one file. `path` is the file as named on the
/// command line; `sources` maps each span to the path of its file.
/// Warnings are left out when `include_warnings` is false.
pub fn file_report(
    path: &Path,
    validation: &Validation,
    sources: &SourceMap,
    include_warnings: bool,
) -> Value {
    let diagnostics: Vec<Value> = validation
        .diagnostics
        .iter()
        .filter(|d| include_warnings || d.is_error())
        .map(|d| diagnostic(d, sources, path))
        .collect();
    json!({
        "path": path.display().to_string(),
        "valid": validation.is_valid(),
        "version": validation.version.map(|v| v.to_string()),
        "diagnostics": diagnostics,
    })
}

/// Wraps per-file reports into the document printed for a run.
pub fn run_report(files: Vec<Value>) -> Value {
    json!({ "files": files })
}

/// Builds the object for one diagnostic. `file` is the path of the file the
/// span is in, or `root_path` when the diagnostic has no span.
pub fn diagnostic(diagnostic: &Diagnostic, sources: &SourceMap, root_path: &Path) -> Value {
    let span = diagnostic.span;
    let file = span
        .and_then(|s| source_file(sources, s.file))
        .map_or(root_path, |f| f.path.as_path());
    json!({
        "severity": diagnostic.severity.as_str(),
        "code": diagnostic.code.as_str(),
        "message": diagnostic.message,
        "help": diagnostic.help,
        "pointer": diagnostic.pointer,
        "file": file.display().to_string(),
        "line": span.map(|s| s.start.line),
        "column": span.map(|s| s.start.column),
        "end_line": span.map(|s| s.end.line),
        "end_column": span.map(|s| s.end.column),
    })
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::diagnostic::Code;
    use crate::source::{Position, Span};

    #[test]
    fn diagnostic_without_span_has_null_position() {
        let sources = SourceMap::default();
        let value = diagnostic(
            &Diagnostic::error(Code::Io, "cannot read"),
            &sources,
            Path::new("root.yaml"),
        );
        assert_eq!(value["file"], "root.yaml");
        assert_eq!(value["line"], Value::Null);
        assert_eq!(value["column"], Value::Null);
        assert_eq!(value["end_line"], Value::Null);
        assert_eq!(value["end_column"], Value::Null);
        assert_eq!(value["help"], Value::Null);
        assert_eq!(value["pointer"], "");
    }

    #[test]
    fn diagnostic_names_file_of_its_span() {
        let mut sources = SourceMap::default();
        sources.add(PathBuf::from("root.yaml"), "a: 1\n".to_owned());
        let part = sources.add(PathBuf::from("part.yaml"), "b: 2\n".to_owned());
        let span = Span {
            file: part,
            start: Position { line: 1, column: 4 },
            end: Position { line: 1, column: 5 },
        };
        let value = diagnostic(
            &Diagnostic::warning(Code::InvalidValue, "bad").at("/b", span),
            &sources,
            Path::new("root.yaml"),
        );
        assert_eq!(value["severity"], "warning");
        assert_eq!(value["code"], "invalid-value");
        assert_eq!(value["file"], "part.yaml");
        assert_eq!(value["pointer"], "/b");
        assert_eq!(value["line"], 1);
        assert_eq!(value["column"], 4);
        assert_eq!(value["end_column"], 5);
    }

    #[test]
    fn field_names_are_in_documented_order() {
        let sources = SourceMap::default();
        let value = diagnostic(&Diagnostic::error(Code::Io, "x"), &sources, Path::new("a"));
        let keys: Vec<&str> = value
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        assert_eq!(
            keys,
            [
                "severity",
                "code",
                "message",
                "help",
                "pointer",
                "file",
                "line",
                "column",
                "end_line",
                "end_column"
            ]
        );
    }
}
