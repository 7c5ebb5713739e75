//! Runs the built `hookforge validate` on documents in a temporary folder
//! and checks the positions, help texts and flags that a new user meets.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

mod common;

use common::TempDir;

fn validate(extra: &[&str], file: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hookforge"))
        .arg("validate")
        .args(extra)
        .arg(file)
        .env_remove("NO_COLOR")
        .output()
        .expect("run hookforge")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Returns the diagnostics of the only file in a `--format json` report.
fn json_diagnostics(output: &Output) -> Vec<Value> {
    let report: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!("stdout is not JSON ({e}):\n{}", stdout(output));
    });
    report["files"][0]["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn assert_no_position(diagnostic: &Value) {
    for field in ["line", "column", "end_line", "end_column"] {
        assert_eq!(diagnostic[field], Value::Null, "{field} in {diagnostic}");
    }
}

/// A valid document with one warning: a server host variable that
/// `variables` does not define.
const WARNING: &str = "\
asyncapi: 3.0.0
info:
  title: Warning
  version: 1.0.0
servers:
  production:
    host: '{region}.example.com'
    protocol: https
";

#[test]
fn quiet_deny_warnings_prints_warning() {
    let dir = TempDir::new("quiet-deny");
    let file = dir.write("api.yaml", WARNING);
    let output = validate(&["-q", "--deny-warnings"], &file);
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{out}");
    assert!(out.contains("warning[server-variable-undefined]"), "{out}");
    assert!(out.contains("(failed by --deny-warnings)"), "{out}");
}

#[test]
fn quiet_deny_warnings_json_lists_warning() {
    let dir = TempDir::new("quiet-deny-json");
    let file = dir.write("api.yaml", WARNING);
    let output = validate(&["-q", "--deny-warnings", "--format", "json"], &file);
    let diagnostics = json_diagnostics(&output);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0]["code"], "server-variable-undefined");
}

#[test]
fn missing_file_has_null_position() {
    let dir = TempDir::new("missing");
    let output = validate(&["--format", "json"], &dir.path.join("nope.yaml"));
    assert_eq!(output.status.code(), Some(2));
    let diagnostics = json_diagnostics(&output);
    assert_eq!(diagnostics[0]["code"], "io");
    assert_no_position(&diagnostics[0]);
}

#[test]
fn oversize_file_has_null_position() {
    let dir = TempDir::new("oversize");
    let file = dir.write("api.yaml", WARNING);
    let output = validate(&["--format", "json", "--max-file-bytes", "10"], &file);
    let diagnostics = json_diagnostics(&output);
    assert_eq!(diagnostics[0]["code"], "limit-exceeded");
    assert_no_position(&diagnostics[0]);
}

#[test]
fn empty_file_says_it_is_empty() {
    let dir = TempDir::new("empty");
    let file = dir.write("api.yaml", "");
    let output = validate(&["--format", "json"], &file);
    assert_eq!(output.status.code(), Some(1));
    let diagnostics = json_diagnostics(&output);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0]["code"], "version-missing");
    let message = diagnostics[0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("the file is empty"), "{message}");
    assert_no_position(&diagnostics[0]);

    let human = stdout(&validate(&[], &file));
    assert!(human.contains(" --> "), "{human}");
    assert!(!human.contains("api.yaml:1:1"), "{human}");
}

#[test]
fn json_file_with_trailing_comma_is_syntax_error() {
    let dir = TempDir::new("strict-json");
    let file = dir.write(
        "api.json",
        "{\n  \"asyncapi\": \"3.0.0\",\n  \"info\": {\"title\": \"t\", \"version\": \"1\", }\n}\n",
    );
    let output = validate(&["--format", "json"], &file);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let diagnostics = json_diagnostics(&output);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0]["code"], "syntax");
    assert_eq!(diagnostics[0]["line"], 3);
    assert_eq!(diagnostics[0]["column"], 42);
}

#[test]
fn yaml_file_may_use_flow_trailing_comma() {
    let dir = TempDir::new("yaml-flow");
    let file = dir.write(
        "api.yaml",
        "{\"asyncapi\": \"3.0.0\", \"info\": {\"title\": \"t\", \"version\": \"1\", }}\n",
    );
    let output = validate(&[], &file);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
}

/// Writes a document in `backend/` whose three messages take their payloads
/// from `common/schemas.yaml`, one folder up, as in a repository with
/// several services sharing schemas. Returns the document's path.
fn shared_schemas_layout(dir: &TempDir) -> PathBuf {
    dir.write(
        "common/schemas.yaml",
        "\
Like:
  type: object
  properties:
    postId:
      type: string
Comment:
  type: object
  properties:
    text:
      type: string
",
    );
    dir.write(
        "backend/asyncapi.yaml",
        "\
asyncapi: 3.0.0
info:
  title: Backend
  version: 1.0.0
channels:
  likes:
    address: likes
    messages:
      liked:
        payload:
          $ref: '../common/schemas.yaml#/Like'
      unliked:
        payload:
          $ref: '../common/schemas.yaml#/Like'
  comments:
    address: comments
    messages:
      commented:
        payload:
          $ref: '../common/schemas.yaml#/Comment'
",
    )
}

#[test]
fn outside_root_full_help_only_once() {
    let dir = TempDir::new("outside-repeat");
    let file = shared_schemas_layout(&dir);
    let output = validate(&["--format", "json"], &file);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let diagnostics = json_diagnostics(&output);
    let lines: Vec<i64> = diagnostics
        .iter()
        .filter(|d| d["code"] == "ref-outside-root")
        .filter_map(|d| d["line"].as_i64())
        .collect();
    assert_eq!(lines, [11, 14, 20], "{diagnostics:#?}");

    let first = diagnostics[0]["help"].as_str().unwrap_or_default();
    let root = format!("`--root {}`", dir.path.display());
    assert!(first.contains(&root), "{first}");
    let allow = "`--allow-outside-root` (library: `LoadOptions::allow_outside_root`)";
    assert!(first.contains(allow), "{first}");
    for later in &diagnostics[1..] {
        assert_eq!(
            later["help"],
            "also outside the root folder; the help on the first such reference applies"
        );
    }
}

#[test]
fn root_option_admits_shared_folder() {
    let dir = TempDir::new("root-option");
    let file = shared_schemas_layout(&dir);
    let root = dir.path.to_str().expect("UTF-8 temp path");
    let output = validate(&["--root", root], &file);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
}

#[test]
fn root_option_still_guards_its_own_folder() {
    let dir = TempDir::new("root-guard");
    let file = shared_schemas_layout(&dir);
    let backend = dir.path.join("backend");
    let output = validate(&["--root", backend.to_str().expect("UTF-8")], &file);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
}

#[test]
fn remote_full_help_only_once() {
    let dir = TempDir::new("remote-repeat");
    let file = dir.write(
        "api.yaml",
        "\
asyncapi: 3.0.0
info:
  title: Remote
  version: 1.0.0
components:
  schemas:
    A:
      $ref: 'https://example.com/common.yaml#/A'
    B:
      $ref: 'https://example.com/common.yaml#/B'
",
    );
    let output = validate(&["--format", "json"], &file);
    let diagnostics = json_diagnostics(&output);
    assert_eq!(diagnostics.len(), 2, "{diagnostics:#?}");
    let first = diagnostics[0]["help"].as_str().unwrap_or_default();
    assert!(
        first.contains("`--remote-mirror URL=DIR` (library: `LoadOptions::remote_mirrors`)"),
        "{first}"
    );
    let second = diagnostics[1]["help"].as_str().unwrap_or_default();
    assert!(second.starts_with("also a remote reference"), "{second}");
}

#[test]
fn root_option_not_containing_document_is_error() {
    let dir = TempDir::new("root-elsewhere");
    let file = shared_schemas_layout(&dir);
    let common = dir.path.join("common");
    let output = validate(
        &[
            "--format",
            "json",
            "--root",
            common.to_str().expect("UTF-8"),
        ],
        &file,
    );
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let diagnostics = json_diagnostics(&output);
    let message = diagnostics[0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("is outside the root folder"), "{message}");
    assert_no_position(&diagnostics[0]);
}

#[test]
fn root_option_rejects_missing_folder() {
    let dir = TempDir::new("root-missing");
    let file = dir.write("api.yaml", WARNING);
    let missing = dir.path.join("nope");
    let output = validate(&["--root", missing.to_str().expect("UTF-8")], &file);
    assert_eq!(output.status.code(), Some(2));
}
