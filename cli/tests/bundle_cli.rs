//! Runs `hookforge bundle` as a user would: the bundle of a two-file
//! document validates, names no other file and generates the same types,
//! and bad input exits with the documented codes.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

mod common;

use common::TempDir;

fn hookforge(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hookforge"))
        .args(args)
        .output()
        .expect("hookforge runs")
}

fn text(path: &Path) -> &str {
    path.to_str().expect("UTF-8 temp path")
}

fn refunds() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/refunds/asyncapi.yaml")
}

/// Collects the value of every `$ref` in `value`.
fn references(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(object) => {
            for (key, item) in object {
                match (key.as_str(), item) {
                    ("$ref", serde_json::Value::String(target)) => out.push(target.clone()),
                    ("examples" | "example" | "default" | "const" | "enum", _) => {}
                    _ => references(item, out),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|item| references(item, out)),
        _ => {}
    }
}

#[test]
fn refunds_bundle_is_valid_and_local() {
    let temp = TempDir::new("bundle-refunds");
    for name in ["refunds.yaml", "refunds.json"] {
        let output = temp.path.join(name);
        let run = hookforge(&["bundle", text(&refunds()), "-o", text(&output)]);
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(0), "{stderr}");

        let validate = hookforge(&["validate", text(&output)]);
        let report = String::from_utf8_lossy(&validate.stdout);
        assert_eq!(validate.status.code(), Some(0), "{report}");

        let written = fs::read_to_string(&output).expect("the bundle was written");
        let value: serde_json::Value = if name.ends_with(".json") {
            serde_json::from_str(&written).expect("the JSON bundle parses")
        } else {
            assert!(
                serde_json::from_str::<serde_json::Value>(&written).is_err(),
                "YAML output is block style"
            );
            let json = temp.path.join("from-yaml.json");
            let again = hookforge(&["bundle", text(&output), "-o", text(&json)]);
            assert_eq!(again.status.code(), Some(0));
            serde_json::from_str(&fs::read_to_string(&json).expect("rebundled")).expect("JSON")
        };
        let mut targets = Vec::new();
        references(&value, &mut targets);
        assert!(!targets.is_empty());
        for target in &targets {
            assert!(target.starts_with("#/"), "{name}: external $ref {target}");
        }
        for schema in ["Refund", "Money", "RefundRequestedEvent", "WebhookHeaders"] {
            assert!(
                value["components"]["schemas"].get(schema).is_some(),
                "{name}: {schema} is missing from components.schemas"
            );
        }
    }
}

#[test]
fn refunds_bundle_generates_same_types() {
    let temp = TempDir::new("bundle-generate");
    let bundled = temp.path.join("asyncapi.yaml");
    let run = hookforge(&["bundle", text(&refunds()), "-o", text(&bundled)]);
    assert_eq!(run.status.code(), Some(0));

    let original = hookforge(&["generate", text(&refunds()), "-o", "-"]);
    let from_bundle = hookforge(&["generate", text(&bundled), "-o", "-"]);
    assert_eq!(original.status.code(), Some(0));
    assert_eq!(from_bundle.status.code(), Some(0));
    // Comments name the source path and the schema locations, which the
    // bundle changes, so compare the code without them.
    let body = |out: &Output| {
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|line| !line.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(body(&original).contains("pub struct Refund"));
    assert_eq!(body(&original), body(&from_bundle));
}

#[test]
fn name_collision_gets_suffix() {
    let temp = TempDir::new("bundle-collision");
    let root = temp.write(
        "api.yaml",
        "asyncapi: 3.0.0\ninfo: {title: t, version: '1'}\nchannels:\n  c:\n    messages:\n      m:\n        payload: {$ref: 'other.yaml#/components/schemas/Item'}\ncomponents:\n  schemas:\n    Item: {type: string}\n",
    );
    temp.write(
        "other.yaml",
        "components:\n  schemas:\n    Item:\n      type: object\n      properties:\n        next: {$ref: '#/components/schemas/Item'}\n",
    );
    let output = temp.path.join("out.json");
    let run = hookforge(&["bundle", text(&root), "-o", text(&output)]);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let value: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&output).expect("written")).expect("JSON");
    let schemas = &value["components"]["schemas"];
    assert_eq!(schemas["Item"], serde_json::json!({"type": "string"}));
    assert_eq!(
        schemas["Item_2"]["properties"]["next"],
        serde_json::json!({"$ref": "#/components/schemas/Item_2"})
    );
    assert_eq!(
        value["channels"]["c"]["messages"]["m"]["payload"],
        serde_json::json!({"$ref": "#/components/schemas/Item_2"})
    );
    assert_eq!(
        hookforge(&["validate", text(&output)]).status.code(),
        Some(0)
    );
}

#[test]
fn invalid_document_exits_one() {
    let temp = TempDir::new("bundle-invalid");
    let root = temp.write("api.yaml", "asyncapi: 3.0.0\ninfo: {title: t}\n");
    let output = temp.path.join("out.yaml");
    let run = hookforge(&["bundle", text(&root), "-o", text(&output)]);
    assert_eq!(run.status.code(), Some(1));
    assert!(!output.exists());
}

#[test]
fn missing_file_exits_two() {
    let temp = TempDir::new("bundle-missing");
    let run = hookforge(&[
        "bundle",
        text(&temp.path.join("absent.yaml")),
        "-o",
        text(&temp.path.join("out.yaml")),
    ]);
    assert_eq!(run.status.code(), Some(2));
}

#[test]
fn unknown_output_extension_exits_two() {
    let temp = TempDir::new("bundle-extension");
    let run = hookforge(&[
        "bundle",
        text(&refunds()),
        "-o",
        text(&temp.path.join("out.txt")),
    ]);
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("no .json, .yaml or .yml extension"));
}

#[test]
fn output_over_input_exits_two() {
    let temp = TempDir::new("bundle-overwrite");
    let root = temp.write(
        "api.yaml",
        "asyncapi: 3.0.0\ninfo: {title: t, version: '1'}\n",
    );
    let run = hookforge(&["bundle", text(&root), "-o", text(&root)]);
    assert_eq!(run.status.code(), Some(2));
    assert!(fs::read_to_string(&root)
        .expect("kept")
        .starts_with("asyncapi"));
}
