//! Property tests: `validate_text` never panics, and every diagnostic it
//! returns has a valid position, whatever the input.
//!
//! Inputs are random YAML-ish documents (nested mappings, sequences and
//! scalars in block and flow style, `$ref`s with random pointers, anchors,
//! aliases and merge keys, random `asyncapi` versions), the same documents
//! with random bytes spliced in, and random byte strings.

use std::path::Path;

use hookforge_codegen::document::LoadOptions;
use hookforge_codegen::validate_text;
use proptest::prelude::*;

/// A generated YAML value.
#[derive(Clone, Debug)]
enum Yaml {
    /// Scalar text written as is (already quoted where needed).
    Scalar(String),
    /// `*name`.
    Alias(&'static str),
    Sequence(Vec<Yaml>, Style),
    Mapping(Vec<(String, Yaml)>, Style),
    /// A collection with an anchor `&name`.
    Anchored(&'static str, Box<Yaml>),
}

#[derive(Clone, Copy, Debug)]
enum Style {
    Block,
    Flow,
}

const KEYS: &[&str] = &[
    "$ref",
    "<<",
    "asyncapi",
    "info",
    "title",
    "version",
    "channels",
    "operations",
    "components",
    "schemas",
    "messages",
    "payload",
    "properties",
    "items",
    "allOf",
    "oneOf",
    "address",
    "action",
    "parameters",
    "servers",
    "a",
    "b",
    "a/b",
    "c~d",
    "x-ext",
    "examples",
    "schemaFormat",
    "type",
    "enum",
    "tags",
    "name",
    "traits",
];

const POINTER_TOKENS: &[&str] = &[
    "components",
    "schemas",
    "messages",
    "channels",
    "a",
    "b",
    "a~1b",
    "c~0d",
    "~2",
    "%20",
    "%ZZ",
    "0",
    "1",
    "..",
    "",
    "properties",
    "$ref",
    "~",
    "x~01y",
];

const FILES: &[&str] = &[
    "",
    "",
    "",
    "other.yaml",
    "../up.yaml",
    "sub/dir/y.json",
    "https://example.com/s.json",
    "file:///etc/hosts",
    "ftp://x",
    "C:\\x.yaml",
    "%FF.yaml",
    "/abs/path.yaml",
];

const VERSIONS: &[&str] = &[
    "3.0.0",
    "3.1.0",
    "2.6.0",
    "2.0.0",
    "2.0.0-rc2",
    "'3.0.0'",
    "1.2.0",
    "4.0.0",
    "3.0",
    "latest",
    "null",
    "[3]",
    "{}",
    "''",
    "2.6",
    "99999999999999999999.0.0",
];

fn scalar() -> impl Strategy<Value = Yaml> {
    prop_oneof![
        prop::sample::select(vec![
            "1",
            "-0",
            "0x1F",
            "0o17",
            ".inf",
            ".nan",
            "1e999",
            "true",
            "~",
            "null",
            "yes",
            "''",
            "\"\"",
            "\"a\\tb\"",
            "'it''s'",
            "\"\\u00e9\"",
            "!!str 5",
            "!!int x",
            "!!binary aGk=",
            "!custom v",
            "|\n  literal",
            "99999999999999999999999999",
        ])
        .prop_map(|s| Yaml::Scalar(s.to_owned())),
        "[a-zA-Z0-9 _./{}-]{0,12}".prop_map(|s| Yaml::Scalar(format!("'{s}'"))),
        reference().prop_map(|r| Yaml::Scalar(format!("'{}'", r.replace('\'', "''")))),
        prop::sample::select(vec!["a", "b"]).prop_map(Yaml::Alias),
    ]
}

/// A `$ref` string: an optional file part and an optional fragment made of
/// random pointer tokens.
fn reference() -> impl Strategy<Value = String> {
    (
        prop::sample::select(FILES),
        prop::option::of(prop::collection::vec(
            prop::sample::select(POINTER_TOKENS),
            0..5,
        )),
        any::<bool>(),
    )
        .prop_map(|(file, tokens, slash)| match tokens {
            None => file.to_owned(),
            Some(tokens) => {
                let sep = if slash { "/" } else { "" };
                format!("{file}#{sep}{}", tokens.join("/"))
            }
        })
}

fn style() -> impl Strategy<Value = Style> {
    prop_oneof![Just(Style::Block), Just(Style::Flow)]
}

fn value() -> impl Strategy<Value = Yaml> {
    scalar().prop_recursive(6, 64, 6, |inner| {
        prop_oneof![
            (prop::collection::vec(inner.clone(), 0..5), style())
                .prop_map(|(items, style)| Yaml::Sequence(items, style)),
            (
                prop::collection::vec((prop::sample::select(KEYS), inner.clone()), 0..6),
                style()
            )
                .prop_map(|(entries, style)| {
                    let entries = entries
                        .into_iter()
                        .map(|(k, v)| (k.to_owned(), v))
                        .collect();
                    Yaml::Mapping(entries, style)
                }),
            (prop::sample::select(vec!["a", "b"]), inner)
                .prop_map(|(name, value)| Yaml::Anchored(name, Box::new(value))),
        ]
    })
}

/// A document root: a block mapping with a random `asyncapi` field first
/// (sometimes absent) and random entries after it.
fn document() -> impl Strategy<Value = String> {
    (
        prop::option::of(prop::sample::select(VERSIONS)),
        prop::collection::vec((prop::sample::select(KEYS), value()), 0..6),
    )
        .prop_map(|(version, entries)| {
            let mut entries: Vec<(String, Yaml)> = entries
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect();
            if let Some(version) = version {
                entries.insert(0, ("asyncapi".to_owned(), Yaml::Scalar(version.to_owned())));
            }
            let mut renderer = Renderer::default();
            renderer.render(&Yaml::Mapping(entries, Style::Block), 0, false);
            renderer.out
        })
}

/// Writes YAML text, and tracks which anchors are defined so far so that
/// an alias to an undefined anchor is written as a plain scalar instead.
#[derive(Default)]
struct Renderer {
    out: String,
    defined: Vec<&'static str>,
}

impl Renderer {
    /// Writes `value` at indentation `indent`. Block collections start on a
    /// new line; everything else continues the current one.
    fn render(&mut self, value: &Yaml, indent: usize, flow: bool) {
        match value {
            Yaml::Scalar(text) if flow && text.starts_with('|') => self.out.push_str("'literal'"),
            Yaml::Scalar(text) => self.out.push_str(text),
            Yaml::Alias(name) if self.defined.contains(name) => {
                self.out.push('*');
                self.out.push_str(name);
            }
            Yaml::Alias(name) => self.out.push_str(name),
            // One anchor per node, and none on an alias.
            Yaml::Anchored(_, inner) if matches!(**inner, Yaml::Anchored(..) | Yaml::Alias(_)) => {
                self.render(inner, indent, flow)
            }
            Yaml::Anchored(name, inner) => {
                self.out.push('&');
                self.out.push_str(name);
                self.out.push(' ');
                self.render(inner, indent, flow);
                // Defined only once complete: an alias inside its own
                // anchor would be recursive.
                self.defined.push(name);
            }
            Yaml::Sequence(items, _) if items.is_empty() => self.out.push_str("[]"),
            Yaml::Mapping(entries, _) if entries.is_empty() => self.out.push_str("{}"),
            Yaml::Sequence(items, style) if flow || matches!(style, Style::Flow) => {
                self.out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(", ");
                    }
                    self.render(item, 0, true);
                }
                self.out.push(']');
            }
            Yaml::Mapping(entries, style) if flow || matches!(style, Style::Flow) => {
                self.out.push('{');
                for (i, (key, item)) in entries.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(", ");
                    }
                    self.out.push_str(&quote_key(key));
                    self.out.push_str(": ");
                    self.render(item, 0, true);
                }
                self.out.push('}');
            }
            Yaml::Sequence(items, _) => {
                for item in items {
                    self.out.push('\n');
                    self.out.push_str(&" ".repeat(indent));
                    self.out.push_str("- ");
                    self.render(item, indent + 2, false);
                }
            }
            Yaml::Mapping(entries, _) => {
                for (i, (key, item)) in entries.iter().enumerate() {
                    if indent > 0 || i > 0 {
                        self.out.push('\n');
                    }
                    self.out.push_str(&" ".repeat(indent));
                    self.out.push_str(&quote_key(key));
                    self.out.push_str(": ");
                    self.render(item, indent + 2, false);
                }
            }
        }
    }
}

/// `<<` stays plain so that it is a merge key; other keys are quoted when
/// they hold YAML indicators.
fn quote_key(key: &str) -> String {
    if key == "<<"
        || key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        key.to_owned()
    } else {
        format!("'{key}'")
    }
}

/// Number of lines in `text` as YAML counts them: `\n`, `\r\n` and a lone
/// `\r` each end a line.
fn line_count(text: &str) -> usize {
    let lone_cr = text
        .match_indices('\r')
        .filter(|(i, _)| !text[i + 1..].starts_with('\n'))
        .count();
    text.matches('\n').count() + lone_cr + 1
}

/// Validates `text` and checks every diagnostic's position.
fn check(text: &str) -> Result<(), TestCaseError> {
    // A folder that does not exist: relative references read no real file,
    // so every span is in the root file.
    let path = Path::new("/nonexistent-hookforge-proptest/doc.yaml");
    let validation = validate_text(path, text, LoadOptions::default());
    let lines = line_count(text);
    for diagnostic in &validation.diagnostics {
        let Some(span) = diagnostic.span else {
            continue;
        };
        prop_assert!(span.start.line >= 1, "line 0: {diagnostic:?}");
        prop_assert!(span.start.column >= 1, "column 0: {diagnostic:?}");
        prop_assert!(span.end.line >= 1 && span.end.column >= 1, "{diagnostic:?}");
        prop_assert!(
            span.start <= span.end,
            "span ends before it starts: {diagnostic:?}"
        );
        prop_assert_eq!(span.file.index(), 0, "{:?}", diagnostic);
        prop_assert!(
            span.start.line as usize <= lines,
            "line {} of {lines}: {diagnostic:?}",
            span.start.line
        );
        prop_assert!(!diagnostic.message.is_empty(), "{diagnostic:?}");
    }
    Ok(())
}

/// 300 cases per property by default, a second or two in a debug build;
/// `PROPTEST_CASES` sets another count for a longer search.
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(300);
    ProptestConfig::with_cases(cases)
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn generated_documents(text in document()) {
        check(&text)?;
    }

    #[test]
    fn generated_documents_with_noise(
        text in document(),
        at in any::<prop::sample::Index>(),
        noise in prop::collection::vec(any::<u8>(), 1..16),
    ) {
        let mut bytes = text.into_bytes();
        let at = at.index(bytes.len() + 1);
        bytes.splice(at..at, noise);
        check(&String::from_utf8_lossy(&bytes))?;
    }

    #[test]
    fn random_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        check(&String::from_utf8_lossy(&bytes))?;
    }
}

#[test]
fn generator_makes_valid_yaml() {
    // Guards the generator itself: if most documents failed to parse, the
    // properties above would test only the syntax-error path.
    use hookforge_codegen::diagnostic::Code;
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    let mut runner = TestRunner::deterministic();
    let mut parsed = 0;
    for _ in 0..100 {
        let text = document()
            .new_tree(&mut runner)
            .expect("a document")
            .current();
        let validation = validate_text(
            Path::new("/nonexistent/d.yaml"),
            &text,
            LoadOptions::default(),
        );
        if !validation
            .diagnostics
            .iter()
            .any(|d| d.code == Code::Syntax)
        {
            parsed += 1;
        }
    }
    assert!(
        parsed >= 50,
        "only {parsed} of 100 generated documents parsed"
    );
}
