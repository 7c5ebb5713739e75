//! Loading YAML and JSON: positions, duplicate keys, tabs, anchors and merge
//! keys, the size, depth and alias limits, and the `asyncapi` version field.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use hookforge_codegen::diagnostic::{Code, Diagnostic};
use hookforge_codegen::document::{Document, LoadOptions};
use hookforge_codegen::load::Limits;
use hookforge_codegen::source::Position;
use hookforge_codegen::tree::Node;
use hookforge_codegen::version::SpecVersion;
use hookforge_codegen::{validate_file, validate_text, Validation};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/loading")
        .join(name)
}

/// Parses `text` as a root document and returns its diagnostics, or panics
/// when the root has no tree.
fn load_text(text: &str, options: LoadOptions) -> (Document, Vec<Diagnostic>) {
    match Document::from_text(Path::new("memory.yaml"), text, options) {
        (Some(document), diagnostics) => (document, diagnostics),
        (None, diagnostics) => panic!("the root did not load: {diagnostics:#?}"),
    }
}

/// The only diagnostic, or a panic listing all of them.
fn single(diagnostics: &[Diagnostic]) -> &Diagnostic {
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    &diagnostics[0]
}

fn start(diagnostic: &Diagnostic) -> Position {
    diagnostic.span.expect("the diagnostic has a span").start
}

fn at(line: u32, column: u32) -> Position {
    Position { line, column }
}

fn node<'d>(root: &'d Node, path: &[&str]) -> &'d Node {
    path.iter().fold(root, |node, key| {
        node.get(key)
            .unwrap_or_else(|| panic!("no {key:?} on the way to {path:?}"))
    })
}

fn path_of(validation: &Validation, diagnostic: &Diagnostic) -> PathBuf {
    let document = validation.document.as_ref().expect("a document");
    let span = diagnostic.span.expect("a span");
    document.sources.path(span.file).to_path_buf()
}

// ---- positions ----

#[test]
fn yaml_nodes_keep_line_and_column() {
    let text =
        "asyncapi: 3.0.0\ninfo:\n  title: T\n  version: '1'\ntags:\n  - name: a\n  - name: b\n";
    let (document, diagnostics) = load_text(text, LoadOptions::default());
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    let root = document.root();

    assert_eq!(root.span.start, at(1, 1));
    assert_eq!(node(root, &["asyncapi"]).span.start, at(1, 11));
    assert_eq!(node(root, &["info", "version"]).span.start, at(4, 12));
    let tags = node(root, &["tags"]).as_sequence().expect("a sequence");
    assert_eq!(tags[1].span.start, at(7, 5));
    assert_eq!(node(&tags[1], &["name"]).span.start, at(7, 11));
    let info = node(root, &["info"]).as_mapping().expect("a mapping");
    let title = info.entry("title").expect("title");
    assert_eq!(title.key_span.start, at(3, 3));
}

#[test]
fn columns_count_characters_not_bytes() {
    // `é` and `ü` take two bytes each in UTF-8.
    let text = "x-é: {ü: value}\n";
    let (document, _) = load_text(text, LoadOptions::default());
    let value = node(document.root(), &["x-é", "ü"]);
    assert_eq!(value.as_str(), Some("value"));
    assert_eq!(value.span.start, at(1, 10));
}

#[test]
fn json_nodes_keep_line_and_column() {
    let text = "{\n  \"asyncapi\": \"3.0.0\",\n  \"info\": {\n    \"title\": \"T\",\n    \"version\": \"1\"\n  },\n  \"list\": [1, {\"k\": true}]\n}\n";
    let (document, diagnostics) = load_text(text, LoadOptions::default());
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    let root = document.root();

    assert_eq!(node(root, &["asyncapi"]).span.start, at(2, 15));
    assert_eq!(node(root, &["info", "title"]).span.start, at(4, 14));
    let list = node(root, &["list"]).as_sequence().expect("a sequence");
    assert_eq!(list[1].span.start, at(7, 15));
    assert_eq!(node(&list[1], &["k"]).as_bool(), Some(true));
}

#[test]
fn yaml_1_2_core_schema_scalars() {
    // YAML 1.1 read `yes`, `no` and `on` as booleans and `0777` as octal.
    let text = "a: yes\nb: no\nc: on\nd: 0777\ne: 0o17\nf: ~\ng: 1.5\n";
    let (document, _) = load_text(text, LoadOptions::default());
    let json = document.root().to_json();
    assert_eq!(
        json,
        serde_json::json!({"a": "yes", "b": "no", "c": "on", "d": 777, "e": 15, "f": null, "g": 1.5})
    );
}

// ---- duplicate keys ----

#[test]
fn duplicate_keys_name_both_lines() {
    let path = fixture("duplicate-keys.yaml");
    let validation = validate_file(&path, LoadOptions::default());
    let duplicates: Vec<&Diagnostic> = validation
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::DuplicateKey)
        .collect();
    assert_eq!(duplicates.len(), 2, "{:#?}", validation.diagnostics);

    let channel = duplicates[0];
    assert_eq!(channel.pointer, "/channels/orders");
    assert_eq!(start(channel), at(11, 3));
    assert!(channel.message.contains("line 6"), "{}", channel.message);
    assert!(
        channel.message.contains("\"orders\""),
        "{}",
        channel.message
    );
    assert_eq!(path_of(&validation, channel), path);

    let property = duplicates[1];
    assert_eq!(
        property.pointer,
        "/components/schemas/Order/properties/total"
    );
    assert_eq!(start(property), at(25, 9));
    assert!(property.message.contains("line 21"), "{}", property.message);
    assert!(!validation.is_valid());
}

#[test]
fn duplicate_key_keeps_first_value() {
    let path = fixture("duplicate-keys.yaml");
    let (document, _) = Document::load(&path, LoadOptions::default()).expect("the root loads");
    let total = node(
        document.root(),
        &[
            "components",
            "schemas",
            "Order",
            "properties",
            "total",
            "type",
        ],
    );
    assert_eq!(total.as_str(), Some("number"));
    assert!(node(document.root(), &["channels", "orders", "subscribe"])
        .get("publish")
        .is_none());
}

#[test]
fn duplicate_keys_in_json() {
    let path = fixture("duplicate-keys.json");
    let validation = validate_file(&path, LoadOptions::default());
    let duplicate = validation
        .diagnostics
        .iter()
        .find(|d| d.code == Code::DuplicateKey)
        .expect("a duplicate-key error");
    assert_eq!(duplicate.pointer, "/info/title");
    assert_eq!(start(duplicate), at(6, 5));
    assert!(
        duplicate.message.contains("line 4"),
        "{}",
        duplicate.message
    );
    assert_eq!(path_of(&validation, duplicate), path);
}

// ---- tabs ----

#[test]
fn tab_indentation_names_line_and_column() {
    let validation = validate_file(&fixture("tab-indent.yaml"), LoadOptions::default());
    assert!(validation.document.is_none());
    let error = single(&validation.diagnostics);
    assert_eq!(error.code, Code::Syntax);
    assert_eq!(start(error), at(7, 1));
    assert!(error.message.contains("line 7"), "{}", error.message);
    assert!(
        error
            .message
            .contains("tabs are not allowed for indentation"),
        "{}",
        error.message
    );
}

#[test]
fn tab_after_spaces_points_at_the_tab() {
    let text = "a:\n  b:\n  \tc: 1\n";
    let (_, diagnostics) = Document::from_text(Path::new("t.yaml"), text, LoadOptions::default());
    let error = diagnostics
        .iter()
        .find(|d| d.code == Code::Syntax)
        .expect("a syntax error");
    assert_eq!(start(error), at(3, 3));
}

#[test]
fn tab_inside_a_value_is_fine() {
    let (document, diagnostics) = load_text("a: \"x\\ty\"\nb: x\ty\n", LoadOptions::default());
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    assert_eq!(node(document.root(), &["a"]).as_str(), Some("x\ty"));
    assert_eq!(node(document.root(), &["b"]).as_str(), Some("x\ty"));
}

// ---- anchors, aliases and merge keys ----

#[test]
fn aliases_copy_the_anchored_node() {
    let path = fixture("anchors.yaml");
    let (document, diagnostics) = Document::load(&path, LoadOptions::default()).expect("loads");
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    let schemas = node(document.root(), &["components", "schemas"]);
    let a = node(schemas, &["PriceA"]);
    let b = node(schemas, &["PriceB"]);
    assert_eq!(a.to_json(), b.to_json());
    // The copy is located at the alias, so diagnostics name where it is used.
    assert_eq!(b.span.start, at(13, 13));
    assert_eq!(
        node(schemas, &["Base", "properties", "currency"]).to_json(),
        serde_json::json!({"type": "string", "minLength": 3})
    );
}

#[test]
fn merge_keys_explicit_then_earlier_wins() {
    let path = fixture("anchors.yaml");
    let (document, _) = Document::load(&path, LoadOptions::default()).expect("loads");
    let derived = node(document.root(), &["components", "schemas", "Derived"]);

    // Explicit `required` wins over the merged one.
    assert_eq!(
        node(derived, &["required"]).to_json(),
        serde_json::json!(["amount"])
    );
    // `Base` comes before `Other` in `<<: [*base, *other]`, so it wins.
    assert_eq!(node(derived, &["x-level"]).as_str(), Some("base"));
    // Keys only `Other` has are still merged.
    assert_eq!(
        node(derived, &["description"]).as_str(),
        Some("other fragment")
    );
    assert_eq!(node(derived, &["type"]).as_str(), Some("object"));
    assert!(node(derived, &["properties"]).get("amount").is_some());
    assert!(derived.get("<<").is_none());

    let single = node(document.root(), &["components", "schemas", "Single"]);
    assert_eq!(node(single, &["x-level"]).as_str(), Some("single"));
    assert_eq!(
        node(single, &["description"]).as_str(),
        Some("other fragment")
    );
}

#[test]
fn merge_of_a_scalar_is_an_error() {
    for (text, line) in [
        ("a: &a 5\nb:\n  <<: *a\n  c: 1\n", 3),
        ("b:\n  <<: [{x: 1}, 5]\n", 2),
    ] {
        let (_, diagnostics) =
            Document::from_text(Path::new("m.yaml"), text, LoadOptions::default());
        let error = diagnostics.last().expect("an error");
        assert_eq!(error.code, Code::UnsupportedYaml, "{text:?}");
        assert_eq!(error.pointer, "/b", "{text:?}");
        assert_eq!(start(error).line, line, "{text:?}");
        assert!(error.message.contains("'<<'"), "{}", error.message);
    }
}

// ---- limits ----

/// A "billion laughs" document: ten aliases per level over `levels`
/// levels expand to 10^(levels + 1) nodes.
fn alias_bomb(levels: usize) -> String {
    let mut text = String::from("l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n");
    for level in 1..=levels {
        let previous = format!("*l{}", level - 1);
        let items = [previous.as_str(); 10].join(", ");
        text.push_str(&format!("l{level}: &l{level} [{items}]\n"));
    }
    text
}

#[test]
fn alias_bomb_is_rejected_quickly() {
    let started = Instant::now();
    let validation = validate_text(
        Path::new("bomb.yaml"),
        &alias_bomb(9),
        LoadOptions::default(),
    );
    let elapsed = started.elapsed();

    assert!(validation.document.is_none());
    let error = single(&validation.diagnostics);
    assert_eq!(error.code, Code::LimitExceeded);
    assert!(error.message.contains("5000000 nodes"), "{}", error.message);
    assert!(error.help.as_deref().unwrap_or("").contains("max_nodes"));
    assert!(start(error).line >= 6, "{error:#?}");
    // Expanding up to the limit takes about a second in a debug build on a
    // loaded two-core machine; an unguarded expansion would take hours.
    assert!(
        elapsed < Duration::from_secs(10),
        "took {elapsed:?} to reject an alias bomb"
    );
}

#[test]
fn node_limit_is_configurable() {
    let text = alias_bomb(2);
    let mut options = LoadOptions::default();
    options.limits.max_nodes = 500;
    let (_, diagnostics) = Document::from_text(Path::new("b.yaml"), &text, options.clone());
    let error = single(&diagnostics);
    assert_eq!(error.code, Code::LimitExceeded);
    assert!(error.message.contains("500 nodes"), "{}", error.message);

    options.limits.max_nodes = 2_000;
    let (document, diagnostics) = load_text(&text, options);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    assert_eq!(document.root().count_nodes(), 1 + 3 + 10 + 110 + 1110);
}

/// Block mappings nested `depth` levels deep: `k:` / ` k:` / ...
fn deep_block(depth: usize) -> String {
    (0..depth)
        .map(|d| format!("{}k:\n", " ".repeat(d)))
        .collect()
}

#[test]
fn deep_nesting_is_rejected_quickly() {
    let started = Instant::now();
    let (_, diagnostics) = Document::from_text(
        Path::new("deep.yaml"),
        &deep_block(5_000),
        LoadOptions::default(),
    );
    let elapsed = started.elapsed();
    let error = single(&diagnostics);
    assert_eq!(error.code, Code::LimitExceeded);
    assert!(
        error.message.contains("limit of 200 levels"),
        "{}",
        error.message
    );
    // Level 201, the first over the limit, starts on line 201.
    assert_eq!(start(error).line, 201);
    assert_eq!(
        error.pointer.matches("/k").count(),
        200,
        "{}",
        error.pointer
    );
    assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");
}

#[test]
fn depth_limit_is_configurable() {
    let text = deep_block(240);
    let mut options = LoadOptions::default();
    let (_, diagnostics) = Document::from_text(Path::new("d.yaml"), &text, options.clone());
    assert_eq!(single(&diagnostics).code, Code::LimitExceeded);

    options.limits.max_depth = 300;
    let (_, diagnostics) = load_text(&text, options);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
}

#[test]
fn flow_nesting_is_capped_by_the_parser() {
    let text = "[".repeat(100_000);
    let started = Instant::now();
    let mut options = LoadOptions::default();
    options.limits.max_depth = 1_000_000;
    let (_, diagnostics) = Document::from_text(Path::new("f.yaml"), &text, options);
    let error = diagnostics.last().expect("an error");
    assert_eq!(error.code, Code::LimitExceeded);
    assert!(error.message.contains("255 levels"), "{}", error.message);
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn file_over_size_limit_is_rejected() {
    let path = fixture("anchors.yaml");
    let size = std::fs::metadata(&path).expect("fixture exists").len();
    let mut options = LoadOptions::default();
    options.limits.max_file_bytes = 100;

    let validation = validate_file(&path, options.clone());
    assert!(validation.document.is_none());
    let error = single(&validation.diagnostics);
    assert_eq!(error.code, Code::LimitExceeded);
    assert!(
        error.message.contains("limit of 100 bytes"),
        "{}",
        error.message
    );
    assert!(
        error.message.contains(&format!("{size} bytes")),
        "{}",
        error.message
    );
    assert!(
        error.message.contains("max_file_bytes"),
        "{}",
        error.message
    );
    // The file was not read, so the error has no position.
    assert_eq!(error.span, None);

    options.limits.max_file_bytes = size;
    let validation = validate_file(&path, options);
    assert!(
        validation.document.is_some(),
        "{:#?}",
        validation.diagnostics
    );
}

#[test]
fn text_over_size_limit_is_rejected() {
    let text = format!("asyncapi: 3.0.0\nx-padding: '{}'\n", "a".repeat(1_000));
    let options = LoadOptions {
        limits: Limits {
            max_file_bytes: 512,
            ..Limits::default()
        },
        ..LoadOptions::default()
    };
    let validation = validate_text(Path::new("big.yaml"), &text, options);
    let error = single(&validation.diagnostics);
    assert_eq!(error.code, Code::LimitExceeded);
    assert!(
        error.message.contains("limit of 512 bytes"),
        "{}",
        error.message
    );
}

// ---- the `asyncapi` version ----

/// Validates `text` and returns its single diagnostic, which must be about
/// the version.
fn version_error(text: &str) -> Diagnostic {
    let validation = validate_text(Path::new("v.yaml"), text, LoadOptions::default());
    assert!(validation.version.is_none());
    assert!(!validation.is_valid());
    single(&validation.diagnostics).clone()
}

#[test]
fn version_1_x_is_one_clear_error() {
    let error = version_error("asyncapi: 1.2.0\ninfo: {title: t, version: '1'}\ntopics: {}\n");
    assert_eq!(error.code, Code::VersionUnsupported);
    assert_eq!(error.pointer, "/asyncapi");
    assert_eq!(start(&error), at(1, 11));
    assert!(error.message.contains("\"1.2.0\""), "{}", error.message);
    assert!(
        error.help.as_deref().unwrap_or("").contains("1.x"),
        "{:?}",
        error.help
    );
}

#[test]
fn unknown_version_strings_are_one_error() {
    for version in ["latest", "2.7.0", "3.2.0", "4.0.0", "2.6", ""] {
        let text = format!("info: {{title: t, version: '1'}}\nasyncapi: '{version}'\n");
        let error = version_error(&text);
        assert_eq!(error.code, Code::VersionUnsupported, "{version:?}");
        assert_eq!(error.pointer, "/asyncapi", "{version:?}");
        assert_eq!(start(&error).line, 2, "{version:?}");
        assert!(
            error.message.contains(&format!("{version:?}")),
            "{}",
            error.message
        );
    }
}

#[test]
fn non_string_version_is_one_error() {
    for (value, type_name) in [
        ("3.0", "number"),
        ("3", "integer"),
        ("[3]", "array"),
        ("null", "null"),
    ] {
        let error = version_error(&format!("asyncapi: {value}\n"));
        assert_eq!(error.code, Code::VersionUnsupported, "{value}");
        assert_eq!(error.pointer, "/asyncapi", "{value}");
        assert_eq!(start(&error), at(1, 11), "{value}");
        assert!(error.message.contains(type_name), "{}", error.message);
    }
}

#[test]
fn missing_version_is_one_error() {
    let error = version_error("info:\n  title: t\n  version: '1'\nchannels: {}\n");
    assert_eq!(error.code, Code::VersionMissing);
    assert_eq!(error.pointer, "");
    assert_eq!(start(&error), at(1, 1));
    assert!(error.message.contains("`asyncapi`"), "{}", error.message);
}

#[test]
fn version_3_1_is_read() {
    let text = "asyncapi: 3.1.0\ninfo:\n  title: t\n  version: '1'\n";
    let validation = validate_text(Path::new("v.yaml"), text, LoadOptions::default());
    assert_eq!(
        validation.version,
        Some(SpecVersion::V3 { minor: 1, patch: 0 })
    );
    assert!(
        !validation
            .diagnostics
            .iter()
            .any(|d| matches!(d.code, Code::VersionUnsupported | Code::VersionMissing)),
        "{:#?}",
        validation.diagnostics
    );
}

#[test]
fn error_at_end_of_input_stays_on_last_line() {
    // The parser places this error on line 2, which does not exist.
    for (text, position) in [
        ("%{}", at(1, 4)),
        ("a: 1\n%x", at(2, 1)),
        ("a: [1,\r\n", at(2, 1)),
    ] {
        let (_, diagnostics) =
            Document::from_text(Path::new("e.yaml"), text, LoadOptions::default());
        let error = diagnostics.last().expect("an error");
        assert_eq!(error.code, Code::Syntax, "{text:?}");
        assert_eq!(start(error), position, "{text:?}: {error:#?}");
    }
}

#[test]
fn empty_node_at_end_of_input_stays_on_last_line() {
    // The parser places the empty scalar after an anchor on line 2.
    let (document, _) = load_text("&anchor", LoadOptions::default());
    assert!(document.root().is_null());
    assert_eq!(document.root().span.start, at(1, 8));
}
