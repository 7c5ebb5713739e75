//! Writing a JSON value as block-style YAML.
//!
//! Strings are written plain when YAML 1.1 and 1.2 parsers both read them
//! back as the same string, and double-quoted with JSON escapes otherwise
//! (YAML 1.2 double-quoted strings accept every JSON escape). Numbers,
//! booleans and `null` are written as JSON writes them.

use serde_json::Value as Json;

/// Words that some YAML parser reads as a boolean or null when plain.
const RESERVED_WORDS: &[&str] = &["true", "false", "null", "yes", "no", "on", "off", "y", "n"];

/// Returns `value` as a YAML document ending in a newline.
///
/// # Examples
///
/// ```
/// use hookforge_codegen::bundle::to_yaml;
/// use serde_json::json;
///
/// let yaml = to_yaml(&json!({"asyncapi": "3.0.0", "tags": [{"name": "a b"}], "$ref": "#/x"}));
/// assert_eq!(yaml, "asyncapi: 3.0.0\ntags:\n  - name: a b\n$ref: \"#/x\"\n");
/// ```
pub fn to_yaml(value: &Json) -> String {
    let mut out = String::new();
    match value {
        Json::Object(object) if !object.is_empty() => write_block(&mut out, value, 0),
        Json::Array(array) if !array.is_empty() => write_block(&mut out, value, 0),
        _ => {
            out.push_str(&scalar(value));
            out.push('\n');
        }
    }
    out
}

/// Writes a non-empty mapping or sequence, each line starting with
/// `indent` spaces.
fn write_block(out: &mut String, value: &Json, indent: usize) {
    let pad = " ".repeat(indent);
    match value {
        Json::Object(object) => {
            for (key, item) in object {
                out.push_str(&pad);
                out.push_str(&string(key));
                out.push(':');
                write_item(out, item, indent + 2);
            }
        }
        Json::Array(array) => {
            for item in array {
                if is_block(item) {
                    // Write the item one level deeper, then put the dash
                    // in place of the indentation of its first line.
                    let mut nested = String::new();
                    write_block(&mut nested, item, indent + 2);
                    out.push_str(&pad);
                    out.push_str("- ");
                    out.push_str(&nested[indent + 2..]);
                } else {
                    out.push_str(&pad);
                    out.push('-');
                    write_item(out, item, indent + 2);
                }
            }
        }
        _ => {
            out.push_str(&pad);
            out.push_str(&scalar(value));
            out.push('\n');
        }
    }
}

/// Writes the value of a mapping entry or sequence item after its `:` or
/// `-`: a scalar on the same line, a block on the following lines.
fn write_item(out: &mut String, item: &Json, indent: usize) {
    if is_block(item) {
        out.push('\n');
        write_block(out, item, indent);
    } else {
        out.push(' ');
        out.push_str(&scalar(item));
        out.push('\n');
    }
}

fn is_block(value: &Json) -> bool {
    match value {
        Json::Object(object) => !object.is_empty(),
        Json::Array(array) => !array.is_empty(),
        _ => false,
    }
}

/// Writes a scalar or an empty collection in flow style.
fn scalar(value: &Json) -> String {
    match value {
        Json::String(text) => string(text),
        Json::Object(_) => "{}".to_owned(),
        Json::Array(_) => "[]".to_owned(),
        other => other.to_string(),
    }
}

fn string(text: &str) -> String {
    if is_plain_safe(text) {
        text.to_owned()
    } else {
        Json::String(text.to_owned()).to_string()
    }
}

/// Checks whether `text` reads back as the same string when written plain: it
/// starts with a letter, `_`, `/` or `$`, contains only letters, digits, single
/// inner spaces and `_ . - / + ,`, and is not a reserved word. A version
/// such as `3.0.0` is also plain, because no YAML parser reads two dots as
/// a number.
fn is_plain_safe(text: &str) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    if RESERVED_WORDS.contains(&text.to_ascii_lowercase().as_str()) {
        return false;
    }
    let allowed = |c: char| {
        c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | '/' | '+' | ',' | ' ' | '$')
    };
    let is_version = first.is_ascii_digit()
        && text.matches('.').count() >= 2
        && text.chars().all(|c| c.is_ascii_digit() || c == '.');
    let starts_well = first.is_ascii_alphabetic() || matches!(first, '_' | '/' | '$');
    (starts_well || is_version)
        && text.chars().all(allowed)
        && !text.ends_with(' ')
        && !text.contains("  ")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::load::{parse, Limits};
    use crate::source::FileId;

    /// Parses `yaml` with the document loader and returns it as JSON.
    fn read_back(yaml: &str) -> Json {
        let parsed = parse(yaml, FileId(0), &Limits::default());
        assert!(
            parsed.diagnostics.is_empty(),
            "{yaml}\n{:?}",
            parsed.diagnostics
        );
        parsed.root.expect("the YAML parses").to_json()
    }

    #[test]
    fn round_trip_keeps_every_value() {
        let value = json!({
            "asyncapi": "2.6.0",
            "plain": "Refund events, one message",
            "reserved": ["yes", "No", "null", "true", "y", "~", ""],
            "numbers": [1, -2.5, 1e300, "1", "0x10", "1.5", "1_000"],
            "special": ["a: b", "# c", "- d", "'e'", "\"f\"", "x #y", "{g}", "[h]", "* i", "& j", "!k", "%l", "@m", "`n", "|o", ">p", "?q"],
            "spaces": [" lead", "trail ", "in  side"],
            "lines": "one\ntwo\n",
            "unicode": "héllo ✓ \u{1F600} \u{7}",
            "empty": {"object": {}, "array": []},
            "nested": [[1, [2, {"a": [3]}]], {"b": {"c": null}}, false],
            "/tenants/{tenantId}/refunds": {"$ref": "#/components/messages/a~1b"}
        });
        let yaml = to_yaml(&value);
        assert_eq!(read_back(&yaml), value, "{yaml}");
    }

    #[test]
    fn nested_sequences_use_compact_dashes() {
        let yaml = to_yaml(&json!({"a": [[1, 2], {"b": 1, "c": [true]}]}));
        assert_eq!(
            yaml,
            "a:\n  - - 1\n    - 2\n  - b: 1\n    c:\n      - true\n"
        );
    }

    #[test]
    fn scalar_root_is_one_line() {
        assert_eq!(to_yaml(&json!("yes")), "\"yes\"\n");
        assert_eq!(to_yaml(&json!({})), "{}\n");
    }
}
