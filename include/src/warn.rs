//! Turning the generator's warnings into compiler warnings.
//!
//! A proc macro cannot emit a warning on stable Rust, so each warning
//! becomes a `#[deprecated]` constant that the expansion uses at once.
//! rustc then prints `warning: use of deprecated constant
//! `...::ASYNCAPI_WARNING`: <message>` at the macro's path argument. The
//! constant and its use sit in an anonymous `const _: () = { ... };` block,
//! so they add no name to the module the macro expands in. `#[allow(deprecated)]`
//! or `-A deprecated` silences them, and `-D warnings` turns them into
//! errors like any other warning.

use std::path::Path;

use hookforge_codegen::diagnostic::{Code, Diagnostic};
use hookforge_codegen::source::SourceMap;
use proc_macro2::{Span, TokenStream};
use quote::quote_spanned;

/// Expands to one deprecated-constant use per warning in `diagnostics`,
/// each pointing at `span`. Returns no tokens when there is no warning.
pub fn warnings(
    diagnostics: &[Diagnostic],
    sources: Option<&SourceMap>,
    manifest_dir: &Path,
    document: &Path,
    span: Span,
) -> TokenStream {
    diagnostics
        .iter()
        .filter(|diagnostic| !diagnostic.is_error())
        .map(|diagnostic| {
            let note = note(diagnostic, sources, manifest_dir, document);
            quote_spanned! {span=>
                const _: () = {
                    #[deprecated(note = #note)]
                    const ASYNCAPI_WARNING: () = ();
                    ASYNCAPI_WARNING
                };
            }
        })
        .collect()
}

/// Formats one warning on one line: the code, the location relative to
/// the crate, the message, the JSON pointer, what the generated code
/// leaves out, and how to fix or silence it.
fn note(
    diagnostic: &Diagnostic,
    sources: Option<&SourceMap>,
    manifest_dir: &Path,
    document: &Path,
) -> String {
    let location = location(diagnostic, sources, manifest_dir, document);
    let mut note = format!(
        "include_asyncapi! warning[{}] at {location}: {}",
        diagnostic.code.as_str(),
        diagnostic.message
    );
    if !diagnostic.pointer.is_empty() {
        note.push_str(&format!(" (at {})", diagnostic.pointer));
    }
    if diagnostic.code == Code::UnsupportedOperation {
        note.push_str(
            "; the generated code skips this operation: no client method, handler method or route",
        );
    }
    if let Some(help) = &diagnostic.help {
        note.push_str("; help: ");
        note.push_str(help);
    }
    if diagnostic.code == Code::UnsupportedOperation {
        note.push_str(
            "; to keep only the message types and silence this warning, \
             put #[allow(deprecated)] on the module that includes the document",
        );
    }
    one_line(&note)
}

/// Returns `file:line:column` of the diagnostic, with the file relative to
/// the crate's manifest folder when it is inside it, or the document's
/// path when the diagnostic has no position.
fn location(
    diagnostic: &Diagnostic,
    sources: Option<&SourceMap>,
    manifest_dir: &Path,
    document: &Path,
) -> String {
    let relative = |path: &Path| {
        path.strip_prefix(manifest_dir)
            .unwrap_or(path)
            .display()
            .to_string()
    };
    let known = diagnostic.span.zip(sources).and_then(|(span, sources)| {
        (span.file.index() < sources.len()).then(|| (span, sources.path(span.file)))
    });
    match known {
        Some((span, path)) => format!(
            "{}:{}:{}",
            relative(path),
            span.start.line,
            span.start.column
        ),
        None => relative(document),
    }
}

/// Replaces line breaks and other control characters, which a deprecation
/// note would print as they are, with spaces.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}
