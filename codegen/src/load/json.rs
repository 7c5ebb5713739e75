//! Strict JSON syntax for files whose name ends in `.json`.
//!
//! The YAML parser that builds the spanned tree also accepts YAML flow
//! syntax (trailing commas, comments, single quotes, unquoted keys), which
//! a JSON file must not contain: other JSON tools would reject the file.
//! `serde_json` checks the syntax first, without building a value.

use serde::de::IgnoredAny;

use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, Position, Span};

/// Returns the syntax error of `text` as strict JSON (RFC 8259), or `None`
/// when it is valid JSON. A leading byte order mark is allowed.
///
/// Nesting deeper than serde_json's limit of 128 levels is not reported
/// here: the YAML parser and the loader's depth limit handle it.
// NOTE: so a syntax error inside JSON nested deeper than 128 levels is
// accepted when the YAML parser accepts it.
pub fn check_syntax(text: &str, file: FileId) -> Option<Diagnostic> {
    let (body, bom_chars) = match text.strip_prefix('\u{feff}') {
        Some(rest) => (rest, 1),
        None => (text, 0),
    };
    let error = serde_json::from_str::<IgnoredAny>(body).err()?;

    let problem = error.to_string();
    if problem.starts_with("recursion limit exceeded") {
        return None;
    }
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    let problem = problem.strip_suffix(&suffix).unwrap_or(&problem);

    let line = error.line().max(1);
    let line_text = body.split('\n').nth(line - 1).unwrap_or("");
    // serde_json counts columns in bytes from 1; spans count characters.
    let byte_column = error.column().saturating_sub(1).min(line_text.len());
    let prefix = line_text.get(..byte_column).unwrap_or(line_text);
    let mut column = prefix.chars().count() + 1;
    if line == 1 {
        column += bom_chars;
    }
    let rest = line_text.get(byte_column..).unwrap_or("");

    let at = Position {
        line: u32::try_from(line).unwrap_or(u32::MAX),
        column: u32::try_from(column).unwrap_or(u32::MAX),
    };
    Some(
        Diagnostic::error(Code::Syntax, format!("invalid JSON: {problem}"))
            .with_help(help(problem, rest))
            .at(
                "",
                Span {
                    file,
                    start: at,
                    end: at,
                },
            ),
    )
}

/// Help for a JSON syntax error, from serde_json's message and the text
/// from the error position to the end of its line.
fn help(problem: &str, rest: &str) -> String {
    let yaml = "or rename the file to .yaml to write YAML";
    let trimmed = rest.trim_start();
    // serde_json reports a trailing comma in an object as a key that is
    // not a string, at the closing bracket.
    if problem.starts_with("trailing comma") || trimmed.starts_with(['}', ']']) {
        format!("remove the comma before the closing bracket; JSON does not allow trailing commas ({yaml})")
    } else if trimmed.starts_with("//") || trimmed.starts_with("/*") || trimmed.starts_with('#') {
        format!("remove the comment; JSON has no comments ({yaml})")
    } else if trimmed.starts_with('\'') {
        format!("use double quotes; JSON strings and keys cannot use single quotes ({yaml})")
    } else if problem.starts_with("key must be a string") {
        format!("put the key in double quotes, such as \"title\" ({yaml})")
    } else {
        format!("files ending in .json must be strict JSON (RFC 8259); fix the syntax, {yaml}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str) -> Diagnostic {
        check_syntax(text, FileId(0)).expect("invalid JSON")
    }

    fn start(diagnostic: &Diagnostic) -> (u32, u32) {
        let span = diagnostic.span.expect("syntax error has a span");
        (span.start.line, span.start.column)
    }

    fn help_text(diagnostic: &Diagnostic) -> &str {
        diagnostic.help.as_deref().unwrap_or("")
    }

    #[test]
    fn valid_json_passes() {
        assert!(check_syntax("{\"a\": [1, 2.5, \"x\", null, true]}\n", FileId(0)).is_none());
        assert!(check_syntax("\u{feff}{\"a\": 1}", FileId(0)).is_none());
    }

    #[test]
    fn trailing_comma_is_rejected() {
        let diagnostic = error("{\n  \"a\": 1,\n}\n");
        assert_eq!(diagnostic.code, Code::Syntax);
        assert_eq!(start(&diagnostic), (3, 1));
        assert!(
            help_text(&diagnostic).contains("trailing commas"),
            "{diagnostic:?}"
        );
        let in_array = error("[1, 2,]");
        assert_eq!(start(&in_array), (1, 7));
        assert!(
            help_text(&in_array).contains("trailing commas"),
            "{in_array:?}"
        );
    }

    #[test]
    fn comment_is_rejected() {
        let diagnostic = error("{\n  // note\n  \"a\": 1\n}\n");
        assert_eq!(start(&diagnostic), (2, 3));
        assert!(help_text(&diagnostic).contains("no comments"));
    }

    #[test]
    fn single_quotes_are_rejected() {
        let diagnostic = error("{\"a\": 'b'}");
        assert_eq!(start(&diagnostic), (1, 7));
        assert!(help_text(&diagnostic).contains("single quotes"));
    }

    #[test]
    fn unquoted_key_is_rejected() {
        let diagnostic = error("{\n  a: 1\n}");
        assert_eq!(start(&diagnostic), (2, 3));
        assert!(help_text(&diagnostic).contains("double quotes"));
    }

    #[test]
    fn column_counts_characters() {
        let diagnostic = error("{\"é\": 1,}");
        assert_eq!(start(&diagnostic), (1, 9));
    }
}
