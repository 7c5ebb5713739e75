//! Self-contained output built from a loaded [`Document`](crate::document::Document):
//! one message schema as a standalone JSON Schema ([`schema_json`]), and a
//! whole document with the contents of its other files moved into
//! `components` ([`bundle_document`]), which [`to_yaml`] can write as YAML.

mod document;
mod schema;
mod yaml;

pub use document::{bundle_document, Bundle, BundleError};
pub use schema::{schema_json, DRAFT_07};
pub use yaml::to_yaml;

/// Rewrites the bidirectional-text controls (U+202A–U+202E,
/// U+2066–U+2069) of JSON text as `\uXXXX` escapes, for embedding the JSON
/// in a Rust literal: rustc rejects those characters in source code as a
/// spoofing risk. JSON allows them only inside strings, where the escape
/// means the same character, so the value does not change.
///
/// ```
/// let json = "{\"note\":\"a\u{202e}b\"}";
/// let escaped = hookforge_codegen::bundle::escape_bidi_controls(json);
/// assert_eq!(escaped, r#"{"note":"a\u202eb"}"#);
/// let before: serde_json::Value = serde_json::from_str(json).unwrap();
/// let after: serde_json::Value = serde_json::from_str(&escaped).unwrap();
/// assert_eq!(before, after);
/// ```
pub fn escape_bidi_controls(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}') {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}
