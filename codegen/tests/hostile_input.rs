//! Regression tests for problems found by feeding `validate` and
//! `generate` hostile and odd documents. Each test asserts the correct
//! behaviour; the ones that still fail are ignored with the reason, and
//! each of those is an open bug.

use std::fs;
use std::path::Path;

use hookforge_codegen::diagnostic::{Code, Diagnostic};
use hookforge_codegen::document::LoadOptions;
use hookforge_codegen::{generate_types, validate_file};

mod common;

use common::TempDir;

/// Builds a 3.0 document with one channel whose message `m` has `payload`
/// (flow YAML), and `components` (block YAML at indent 2, may be empty).
fn document(payload: &str, components: &str) -> String {
    format!(
        "asyncapi: 3.0.0\ninfo: {{title: t, version: '1'}}\nchannels:\n  c:\n    address: c\n    messages:\n      m: {{payload: {payload}}}\ncomponents:\n{components}"
    )
}

/// Generates code for the file at `path`, panicking with the diagnostics
/// when there is none.
fn generated(path: &Path) -> String {
    let result = generate_types(path, LoadOptions::default());
    match result.code {
        Some(code) => code,
        None => panic!(
            "no code for {}: {:#?}",
            path.display(),
            result.validation.diagnostics
        ),
    }
}

fn messages(diagnostics: &[Diagnostic]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| format!("{}: {}", d.code.as_str(), d.message))
        .collect()
}

/// Characters that rustc rejects in comments and doc comments
/// (`text_direction_codepoint_in_comment` and
/// `text_direction_codepoint_in_literal` are deny-by-default).
const BIDI: &[char] = &[
    '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{202e}', '\u{2066}', '\u{2067}', '\u{2068}',
    '\u{2069}',
];

/// Returns the text between `pub struct NAME {` and the closing brace.
fn struct_body<'c>(code: &'c str, name: &str) -> &'c str {
    let start = code
        .find(&format!("pub struct {name} {{"))
        .unwrap_or_else(|| panic!("no struct {name} in:\n{code}"));
    let rest = &code[start..];
    let end = rest.find("\n}").expect("end of struct");
    &rest[..end]
}

#[test]
fn bidi_in_description_is_escaped() {
    let dir = TempDir::new("bidi-doc");
    let path = dir.write(
        "asyncapi.yaml",
        document(
            "{$ref: '#/components/schemas/Evil'}",
            "  schemas:\n    Evil:\n      type: object\n      description: \"admin \\u202e nimda\"\n      properties:\n        a: {type: string, examples: [\"x \\u2066 y\"]}\n",
        ),
    );
    let code = generated(&path);
    let found: Vec<char> = code.chars().filter(|c| BIDI.contains(c)).collect();
    assert!(found.is_empty(), "raw bidi controls {found:?} in:\n{code}");
}

#[test]
fn bidi_in_file_path_is_escaped() {
    let dir = TempDir::new("bidi-path");
    let path = dir.write("rtl\u{202e}lmay.yaml", document("{type: string}", "  {}\n"));
    let code = generated(&path);
    let found: Vec<char> = code.chars().filter(|c| BIDI.contains(c)).collect();
    assert!(found.is_empty(), "raw bidi controls {found:?} in:\n{code}");
}

#[test]
fn self_variants_stay_camel_case() {
    let dir = TempDir::new("self-variants");
    let path = dir.write(
        "asyncapi.yaml",
        document("{type: string, enum: [self, Self]}", "  {}\n"),
    );
    let code = generated(&path);
    assert!(
        !code.contains("Self_2"),
        "non-camel-case variant in:\n{code}"
    );
}

#[test]
fn nullable_schema_referenced_twice() {
    let dir = TempDir::new("nullable-twice");
    let path = dir.write(
        "asyncapi.yaml",
        document(
            "{type: object, required: [p, q, e, f], properties: {p: {$ref: '#/components/schemas/MaybeThing'}, q: {$ref: '#/components/schemas/MaybeThing'}, e: {$ref: '#/components/schemas/MaybeColor'}, f: {$ref: '#/components/schemas/MaybeColor'}}}",
            "  schemas:\n    MaybeThing:\n      type: [object, 'null']\n      properties: {a: {type: string}}\n    MaybeColor:\n      enum: [red, null]\n",
        ),
    );
    let code = generated(&path);
    let body = struct_body(&code, "MPayload");
    for field in ["p", "q"] {
        assert!(
            body.contains(&format!("pub {field}: ::std::option::Option<MaybeThing>")),
            "field {field} is not nullable in:\n{body}"
        );
    }
    for field in ["e", "f"] {
        assert!(
            body.contains(&format!("pub {field}: ::std::option::Option<MaybeColor>")),
            "field {field} is not nullable in:\n{body}"
        );
    }
}

#[test]
fn nullable_self_reference_keeps_null() {
    let dir = TempDir::new("nullable-cycle");
    let path = dir.write(
        "asyncapi.yaml",
        document(
            "{$ref: '#/components/schemas/Node'}",
            "  schemas:\n    Node:\n      type: [object, 'null']\n      required: [next]\n      properties:\n        next: {$ref: '#/components/schemas/Node'}\n",
        ),
    );
    let code = generated(&path);
    let body = struct_body(&code, "Node");
    assert!(
        body.contains("pub next: ::std::option::Option<"),
        "`next` must accept null:\n{body}"
    );
}

#[test]
fn huge_numbers_never_become_null() {
    let dir = TempDir::new("huge-const");
    let path = dir.write(
        "asyncapi.yaml",
        document(
            "{type: object, properties: {c: {const: 1e400}, e: {enum: [1e400, 1]}}}",
            "  {}\n",
        ),
    );
    let result = generate_types(&path, LoadOptions::default());
    // Either reject the document with an error, or keep the value. It must never match `null`.
    if let Some(code) = result.code {
        assert!(
            !code.contains(r#"json_eq(&value, "null")"#),
            "1e400 turned into null:\n{code}"
        );
    } else {
        assert!(result
            .validation
            .diagnostics
            .iter()
            .any(|d| d.is_error() && d.message.contains("1e400")));
    }
}

#[test]
fn integer_bounds_beyond_i64() {
    let dir = TempDir::new("wide-integers");
    let path = dir.write(
        "asyncapi.yaml",
        document(
            "{type: object, required: [u, big], properties: {u: {type: integer, minimum: 0, maximum: 340282366920938463463374607431768211455}, big: {type: integer, minimum: 18446744073709551616}}}",
            "  {}\n",
        ),
    );
    let code = generated(&path);
    let body = struct_body(&code, "MPayload");
    assert!(
        body.contains("pub u: u128"),
        "maximum 2^128-1 needs u128:\n{body}"
    );
    assert!(
        !body.contains("pub big: i64"),
        "minimum 2^64 cannot be i64:\n{body}"
    );
}

#[test]
fn recursive_array_is_not_unrolled() {
    let dir = TempDir::new("items-cycle");
    let path = dir.write(
        "asyncapi.yaml",
        document(
            "{$ref: '#/components/schemas/Tree'}",
            "  schemas:\n    Tree:\n      type: array\n      items: {$ref: '#/components/schemas/Tree'}\n",
        ),
    );
    let result = generate_types(&path, LoadOptions::default());
    let diagnostics = messages(&result.validation.diagnostics);
    assert!(
        !diagnostics.iter().any(|m| m.contains("deeper than")),
        "a two-line recursive schema is not deep: {diagnostics:#?}"
    );
    let code = result.code.expect("code");
    assert!(
        code.matches("::std::vec::Vec<").count() < 4,
        "recursive array unrolled:\n{code}"
    );
}

#[test]
fn byte_order_mark_is_skipped() {
    let dir = TempDir::new("bom");
    let mut text = b"\xef\xbb\xbf".to_vec();
    text.extend_from_slice(document("{type: string}", "  {}\n").as_bytes());
    let yaml = dir.write("asyncapi.yaml", &text);
    let mut json = b"\xef\xbb\xbf".to_vec();
    json.extend_from_slice(br#"{"asyncapi":"3.0.0","info":{"title":"t","version":"1"}}"#);
    let json = dir.write("asyncapi.json", &json);
    for path in [yaml, json] {
        let validation = validate_file(&path, LoadOptions::default());
        assert!(
            validation.is_valid(),
            "{}: {:#?}",
            path.display(),
            messages(&validation.diagnostics)
        );
    }
}

#[test]
fn long_ref_chain_is_no_cycle() {
    let dir = TempDir::new("ref-chain");
    let mut components = String::from("  schemas:\n");
    for i in 0..70 {
        components.push_str(&format!(
            "    S{i}: {{$ref: '#/components/schemas/S{}'}}\n",
            i + 1
        ));
    }
    components.push_str("    S70: {type: string}\n");
    let path = dir.write(
        "asyncapi.yaml",
        document("{$ref: '#/components/schemas/S0'}", &components),
    );
    let validation = validate_file(&path, LoadOptions::default());
    let cycles: Vec<String> = validation
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::RefCycle)
        .map(|d| d.message.clone())
        .collect();
    assert!(cycles.is_empty(), "no cycle here: {cycles:#?}");
}

#[cfg(unix)]
#[test]
fn symlink_outside_root_is_rejected() {
    let outside = TempDir::new("outside");
    let secret = outside.write("secret.yaml", "S: {type: string, description: secret}\n");
    let dir = TempDir::new("symlink-root");
    fs::create_dir_all(dir.path.join("sub")).expect("create sub");
    std::os::unix::fs::symlink(&secret, dir.path.join("sub/link.yaml")).expect("symlink");
    std::os::unix::fs::symlink(&outside.path, dir.path.join("sub/dirlink")).expect("symlink");
    let path = dir.write(
        "asyncapi.yaml",
        "asyncapi: 3.0.0\ninfo: {title: t, version: '1'}\nchannels:\n  c:\n    address: c\n    messages:\n      a: {payload: {$ref: 'sub/link.yaml#/S'}}\n      b: {payload: {$ref: 'sub/dirlink/secret.yaml#/S'}}\n",
    );
    let validation = validate_file(&path, LoadOptions::default());
    let rejected = validation
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::RefOutsideRoot)
        .count();
    assert_eq!(
        rejected,
        2,
        "both symlinks lead outside the root folder: {:#?}",
        messages(&validation.diagnostics)
    );
}

#[test]
fn description_code_blocks_not_doctests() {
    let dir = TempDir::new("doctest");
    let path = dir.write(
        "asyncapi.yaml",
        document(
            "{type: object, description: \"An event:\\n\\n```\\n{\\\"orderId\\\": 1}\\n```\\n\\nOr:\\n\\n    curl -X POST https://example.com\\n\", properties: {a: {type: string}}}",
            "  {}\n",
        ),
    );
    let code = generated(&path);
    let mut in_fence = false;
    for line in code.lines() {
        let text = line.trim_start();
        let Some(doc) = text.strip_prefix("///") else {
            continue;
        };
        // A fence without a language (or with `rust`) is compiled by
        // rustdoc; so is a line indented by four spaces after a blank one.
        // A fence that closes a block opens nothing.
        let fence = doc.trim_start().strip_prefix("```");
        if fence.is_some() {
            in_fence = !in_fence;
        }
        assert!(
            !(in_fence && matches!(fence, Some("") | Some("rust"))),
            "doc line opens a Rust doctest: {line:?}\n{code}"
        );
        assert!(
            !doc.starts_with("     "),
            "doc line is an indented code block, a Rust doctest: {line:?}\n{code}"
        );
    }
}

#[test]
fn repeated_member_gets_one_arm() {
    let dir = TempDir::new("repeated-member");
    let path = dir.write(
        "asyncapi.yaml",
        document(
            "{$ref: '#/components/schemas/Pet'}",
            "  schemas:\n    Pet:\n      oneOf: [{$ref: '#/components/schemas/Cat'}, {$ref: '#/components/schemas/Dog'}, {$ref: '#/components/schemas/Dog'}]\n      discriminator: kind\n    Cat:\n      type: object\n      required: [kind]\n      properties: {kind: {type: string}}\n    Dog:\n      type: object\n      required: [kind]\n      properties: {kind: {type: string}}\n",
        ),
    );
    let code = generated(&path);
    assert_eq!(
        code.matches(r#"::std::option::Option::Some("Dog")"#)
            .count(),
        1,
        "one arm per tag value:\n{code}"
    );
}

#[test]
fn component_schema_keeps_name() {
    let dir = TempDir::new("component-name");
    let path = dir.write(
        "asyncapi.yaml",
        "asyncapi: 3.0.0\ninfo: {title: t, version: '1'}\nchannels:\n  c:\n    address: c\n    messages:\n      m: {payload: {type: object, properties: {inline: {type: string}}}}\n      x: {payload: {$ref: '#/components/schemas/MPayload'}}\ncomponents:\n  schemas:\n    MPayload: {type: object, properties: {component: {type: string}}}\n",
    );
    let code = generated(&path);
    let body = struct_body(&code, "MPayload");
    assert!(
        body.contains("pub component:"),
        "`MPayload` must be the component schema:\n{body}"
    );
}

#[test]
fn carriage_return_in_tag_is_escaped() {
    let dir = TempDir::new("tag-cr");
    let path = dir.write(
        "asyncapi.yaml",
        document(
            "{oneOf: [{type: object, required: [\"t\\r\"], properties: {\"t\\r\": {const: \"a\\rb\"}}}, {type: object, required: [\"t\\r\"], properties: {\"t\\r\": {const: \"c\"}}}]}",
            "  {}\n",
        ),
    );
    let code = generated(&path);
    let bare: Vec<&str> = code.lines().filter(|line| line.contains('\r')).collect();
    assert!(bare.is_empty(), "bare CR on lines {bare:#?}");
}

#[test]
fn array_index_with_leading_zero_or_plus_fails() {
    let dir = TempDir::new("pointer-index");
    let path = dir.write(
        "asyncapi.yaml",
        "asyncapi: 3.0.0\ninfo: {title: t, version: '1'}\nx-list: [{type: string}, {type: integer}]\nchannels:\n  c:\n    address: c\n    messages:\n      m: {payload: {$ref: '#/x-list/01'}}\n      n: {payload: {$ref: '#/x-list/+1'}}\n",
    );
    let validation = validate_file(&path, LoadOptions::default());
    let unresolved: Vec<&str> = validation
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::RefUnresolved)
        .map(|d| d.pointer.as_str())
        .collect();
    assert_eq!(
        unresolved,
        [
            "/channels/c/messages/m/payload/$ref",
            "/channels/c/messages/n/payload/$ref"
        ],
        "{:#?}",
        messages(&validation.diagnostics)
    );
}
