//! The tera templates of `templates/`, compiled into the binary so that an
//! installed `hookforge` needs no files beside it.

use std::collections::HashMap;

use tera::{Context, Tera, Value};

/// A template and the project file it renders, relative to the project
/// folder.
pub struct Template {
    /// The template's name, its path under `templates/`.
    pub name: &'static str,
    /// Its text.
    pub text: &'static str,
}

/// The starter document, rendered when `--from` is not given.
pub const STARTER: Template = Template {
    name: "starter/asyncapi.yaml.tera",
    text: include_str!("../../../templates/starter/asyncapi.yaml.tera"),
};

/// The project's `Cargo.toml`.
pub const CARGO_TOML: Template = Template {
    name: "project/Cargo.toml.tera",
    text: include_str!("../../../templates/project/Cargo.toml.tera"),
};

/// The project's `build.rs`.
pub const BUILD_RS: Template = Template {
    name: "project/build.rs.tera",
    text: include_str!("../../../templates/project/build.rs.tera"),
};

/// The project's `src/main.rs`.
pub const MAIN_RS: Template = Template {
    name: "project/src/main.rs.tera",
    text: include_str!("../../../templates/project/src/main.rs.tera"),
};

/// The project's `src/config.rs`.
pub const CONFIG_RS: Template = Template {
    name: "project/src/config.rs.tera",
    text: include_str!("../../../templates/project/src/config.rs.tera"),
};

/// One side's module, `src/provider.rs` or `src/consumer.rs`.
pub const SIDE_RS: Template = Template {
    name: "project/src/side.rs.tera",
    text: include_str!("../../../templates/project/src/side.rs.tera"),
};

/// The project's `README.md`.
pub const README_MD: Template = Template {
    name: "project/README.md.tera",
    text: include_str!("../../../templates/project/README.md.tera"),
};

/// The project's `.env.example`.
pub const ENV_EXAMPLE: Template = Template {
    name: "project/env.example.tera",
    text: include_str!("../../../templates/project/env.example.tera"),
};

/// The project's `.gitignore`.
pub const GITIGNORE: Template = Template {
    name: "project/gitignore.tera",
    text: include_str!("../../../templates/project/gitignore.tera"),
};

const ALL: [&Template; 9] = [
    &STARTER,
    &CARGO_TOML,
    &BUILD_RS,
    &MAIN_RS,
    &CONFIG_RS,
    &SIDE_RS,
    &README_MD,
    &ENV_EXAMPLE,
    &GITIGNORE,
];

/// The templates, parsed once.
pub struct Templates {
    tera: Tera,
}

impl Templates {
    /// Parses every template.
    ///
    /// # Errors
    ///
    /// A template with a syntax error, which the unit tests rule out.
    pub fn load() -> Result<Templates, tera::Error> {
        let mut tera = Tera::default();
        // The output is Rust, TOML, YAML and Markdown: nothing to escape.
        tera.autoescape_on(Vec::new());
        tera.register_filter("comment", |value: &Value, _: &HashMap<String, Value>| {
            Ok(Value::String(comment_text(&string_of(value))))
        });
        tera.register_filter("toml", |value: &Value, _: &HashMap<String, Value>| {
            Ok(Value::String(escape_toml_delete(&string_of(value))))
        });
        tera.add_raw_templates(ALL.iter().map(|template| (template.name, template.text)))?;
        Ok(Templates { tera })
    }

    /// Renders `template` with `context`.
    pub fn render(&self, template: &Template, context: &Context) -> Result<String, tera::Error> {
        self.tera.render(template.name, context)
    }
}

fn string_of(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// Returns whether rustc's deny-by-default `text_direction_codepoint_in_comment`
/// and `text_direction_codepoint_in_literal` lints reject `c`: the Unicode
/// bidirectional embedding, override and isolate controls and the marks.
fn changes_text_direction(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// Makes document text safe inside a Rust line comment: joins its lines
/// and drops control characters and the direction controls that make
/// rustc reject the file. The `comment` filter of the templates.
pub fn comment_text(text: &str) -> String {
    let kept: String = text
        .chars()
        .filter(|&c| !changes_text_direction(c))
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    kept.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Escapes U+007F DELETE, the one control character that a JSON string
/// leaves raw and a TOML basic string forbids, in an encoded string. The
/// `toml` filter of the templates, applied to values that are already
/// TOML strings.
pub fn escape_toml_delete(encoded: &str) -> String {
    encoded.replace('\u{7F}', "\\u007F")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comment_text_drops_direction_controls() {
        assert_eq!(comment_text("Shop \u{202E}txet\u{2066} 1"), "Shop txet 1");
        assert_eq!(comment_text("a\u{7F}b\nc\r\u{2028}d"), "a b c d");
    }

    #[test]
    fn toml_delete_is_escaped() {
        assert_eq!(escape_toml_delete("\"a\u{7F}b\""), "\"a\\u007Fb\"");
    }

    #[test]
    fn templates_parse() {
        assert!(Templates::load().is_ok());
    }
}
