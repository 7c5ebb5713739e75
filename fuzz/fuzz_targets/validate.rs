//! Feeds arbitrary bytes, read as UTF-8 with invalid sequences replaced, to
//! `validate_text`. A panic, a hang or an out-of-memory abort is a bug: the
//! loader and validator must turn every input into diagnostics, each with a
//! position inside the text.

#![no_main]

use std::path::Path;

use hookforge_codegen::document::LoadOptions;
use hookforge_codegen::validate_text;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let validation = validate_text(
        // A folder that does not exist, so relative `$ref`s read no real
        // file and every span is in this text.
        Path::new("/nonexistent-hookforge-fuzz/input.yaml"),
        &text,
        LoadOptions::default(),
    );
    let lines = line_count(&text);
    for diagnostic in &validation.diagnostics {
        let Some(span) = diagnostic.span else {
            continue;
        };
        assert!(span.start.line >= 1, "line 0 in {diagnostic:?}");
        assert!(span.start.column >= 1, "column 0 in {diagnostic:?}");
        assert!(
            span.start <= span.end,
            "span ends before it starts: {diagnostic:?}"
        );
        assert!(
            span.start.line as usize <= lines,
            "line {} of {lines} in {diagnostic:?}",
            span.start.line
        );
    }
});

/// Number of lines as YAML counts them: `\n`, `\r\n` and a lone `\r` each
/// end a line.
fn line_count(text: &str) -> usize {
    let breaks = text.matches(['\n', '\r']).count() - text.matches("\r\n").count();
    breaks + 1
}
