//! Runs the built `hookforge` binary on documents written to a temporary
//! folder and checks exit codes and output.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

mod common;

use common::TempDir;

fn hookforge(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hookforge"))
        .args(args)
        .env_remove("NO_COLOR")
        .output()
        .expect("run hookforge")
}

fn validate(extra: &[&str], files: &[&Path]) -> Output {
    let mut args = vec!["validate"];
    args.extend_from_slice(extra);
    let files: Vec<&str> = files
        .iter()
        .map(|p| p.to_str().expect("UTF-8 temp path"))
        .collect();
    args.extend(files);
    hookforge(&args)
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!("stdout is not JSON ({e}):\n{}", stdout(output));
    })
}

fn example(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples")
        .join(path)
}

const VALID: &str = "\
asyncapi: 3.0.0
info:
  title: Minimal
  version: 1.0.0
";

/// A document whose only problem is a `$ref` to a missing schema, on line
/// 12, column 17.
const UNRESOLVED: &str = "\
asyncapi: 3.0.0
info:
  title: Broken
  version: 1.0.0
channels:
  events:
    address: events
    messages:
      created:
        payload:
          type: object
          $ref: '#/components/schemas/Missing'
";

#[test]
fn valid_file_exits_zero() {
    let dir = TempDir::new("valid");
    let file = dir.write("api.yaml", VALID);
    let output = validate(&[], &[&file]);
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{out}");
    assert!(out.contains("api.yaml: valid (AsyncAPI 3.0.0)"), "{out}");
}

#[test]
fn orders_example_is_valid() {
    let output = validate(&[], &[&example("orders/asyncapi.yaml")]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
}

#[test]
fn refunds_example_is_valid() {
    let output = validate(&[], &[&example("refunds/asyncapi.yaml")]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
}

#[test]
fn invalid_file_exits_one() {
    let dir = TempDir::new("invalid");
    let file = dir.write("api.yaml", UNRESOLVED);
    let output = validate(&[], &[&file]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
}

#[test]
fn human_output_names_code_and_location() {
    let dir = TempDir::new("human");
    let file = dir.write("api.yaml", UNRESOLVED);
    let output = validate(&[], &[&file]);
    let out = stdout(&output);
    assert!(out.contains("error[ref-unresolved]: "), "{out}");
    let location = format!("--> {}:12:17", file.display());
    assert!(out.contains(&location), "{out}");
    assert!(
        out.contains("12 |           $ref: '#/components/schemas/Missing'"),
        "{out}"
    );
    assert!(
        out.contains("= pointer: /channels/events/messages/created/payload/$ref"),
        "{out}"
    );
    assert!(out.contains("api.yaml: invalid, 1 error"), "{out}");
}

#[test]
fn piped_output_has_no_color() {
    let dir = TempDir::new("color");
    let file = dir.write("api.yaml", UNRESOLVED);
    let output = validate(&[], &[&file]);
    assert!(!output.stdout.contains(&0x1b), "{}", stdout(&output));
}

#[test]
fn syntax_error_shows_snippet() {
    let dir = TempDir::new("syntax");
    let file = dir.write("api.yaml", "asyncapi: 3.0.0\ninfo: [unclosed\n");
    let output = validate(&[], &[&file]);
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{out}");
    assert!(out.contains("error[syntax]: "), "{out}");
    assert!(out.contains(" | "), "{out}");
}

#[test]
fn missing_file_exits_two() {
    let dir = TempDir::new("missing");
    let file = dir.path.join("nope.yaml");
    let output = validate(&[], &[&file]);
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(2), "{out}");
    assert!(out.contains("error[io]: "), "{out}");
    let location = format!(" --> {}\n", file.display());
    assert!(out.contains(&location), "{out}");
    assert!(out.contains("nope.yaml: could not be read"), "{out}");
}

#[test]
fn missing_file_wins_over_invalid_file() {
    let dir = TempDir::new("missing-and-invalid");
    let invalid = dir.write("api.yaml", UNRESOLVED);
    let missing = dir.path.join("nope.yaml");
    let output = validate(&[], &[&invalid, &missing]);
    assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
}

#[test]
fn several_files_are_reported_in_order() {
    let dir = TempDir::new("several");
    let valid = dir.write("good.yaml", VALID);
    let invalid = dir.write("bad.yaml", UNRESOLVED);
    let output = validate(&[], &[&valid, &invalid]);
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{out}");
    let good = out.find("good.yaml: valid").expect("verdict for good.yaml");
    let bad = out.find("bad.yaml: invalid").expect("verdict for bad.yaml");
    assert!(good < bad, "{out}");
    assert!(out.ends_with("2 files: 1 valid, 1 invalid\n"), "{out}");
}

#[test]
fn json_output_has_documented_shape() {
    let dir = TempDir::new("json");
    let file = dir.write("api.yaml", UNRESOLVED);
    let output = validate(&["--format", "json"], &[&file]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let report = json(&output);

    let files = report["files"].as_array().expect("files array");
    assert_eq!(files.len(), 1);
    let entry = &files[0];
    assert_eq!(entry["path"], file.display().to_string());
    assert_eq!(entry["valid"], false);
    assert_eq!(entry["version"], "3.0.0");

    let diagnostics = entry["diagnostics"].as_array().expect("diagnostics");
    let unresolved = diagnostics
        .iter()
        .find(|d| d["code"] == "ref-unresolved")
        .expect("a ref-unresolved diagnostic");
    assert_eq!(unresolved["severity"], "error");
    assert!(unresolved["message"].is_string());
    assert!(unresolved["help"].is_string() || unresolved["help"].is_null());
    assert_eq!(
        unresolved["pointer"],
        "/channels/events/messages/created/payload/$ref"
    );
    assert_eq!(unresolved["file"], file.display().to_string());
    assert_eq!(unresolved["line"], 12);
    assert_eq!(unresolved["column"], 17);
    assert_eq!(unresolved["end_line"], 12);
    assert!(unresolved["end_column"].as_u64().expect("end_column") > 17);
}

#[test]
fn json_output_lists_every_file() {
    let dir = TempDir::new("json-several");
    let valid = dir.write("good.yaml", VALID);
    let missing = dir.path.join("nope.yaml");
    let output = validate(&["--format", "json"], &[&valid, &missing]);
    assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
    let report = json(&output);
    let files = report["files"].as_array().expect("files array");
    assert_eq!(files.len(), 2);
    assert_eq!(files[0]["valid"], true);
    assert_eq!(files[0]["diagnostics"], Value::Array(Vec::new()));
    assert_eq!(files[1]["valid"], false);
    assert_eq!(files[1]["version"], Value::Null);
    let io = &files[1]["diagnostics"][0];
    assert_eq!(io["code"], "io");
    assert_eq!(io["file"], missing.display().to_string());
}

#[test]
fn quiet_valid_file_prints_nothing() {
    let dir = TempDir::new("quiet");
    let file = dir.write("api.yaml", VALID);
    let output = validate(&["--quiet"], &[&file]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stdout(&output), "");
}

#[test]
fn quiet_invalid_file_prints_errors() {
    let dir = TempDir::new("quiet-invalid");
    let file = dir.write("api.yaml", UNRESOLVED);
    let output = validate(&["-q"], &[&file]);
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{out}");
    assert!(out.contains("error[ref-unresolved]"), "{out}");
}

#[test]
fn no_files_is_usage_error() {
    let output = hookforge(&["validate"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn unknown_format_is_usage_error() {
    let output = hookforge(&["validate", "--format", "xml", "a.yaml"]);
    assert_eq!(output.status.code(), Some(2));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("xml"), "{err}");
}

#[test]
fn unknown_subcommand_is_usage_error() {
    let output = hookforge(&["generate", "a.yaml"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn malformed_remote_mirror_is_usage_error() {
    let output = hookforge(&["validate", "--remote-mirror", "no-equals-sign", "a.yaml"]);
    assert_eq!(output.status.code(), Some(2));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("URL=DIR"), "{err}");
}

#[test]
fn file_over_size_limit_is_invalid() {
    let dir = TempDir::new("size");
    let file = dir.write("api.yaml", VALID);
    let output = validate(&["--max-file-bytes", "10"], &[&file]);
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{out}");
    assert!(out.contains("error[limit-exceeded]"), "{out}");
    assert!(out.contains("over the limit of 10 bytes"), "{out}");
    // The file was not read, so no line of it is shown.
    assert!(!out.contains("asyncapi: 3.0.0"), "{out}");
}

#[test]
fn nesting_over_depth_limit_is_invalid() {
    let dir = TempDir::new("depth");
    let file = dir.write("api.yaml", VALID);
    let output = validate(&["--max-depth", "1"], &[&file]);
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{out}");
    assert!(out.contains("error[limit-exceeded]"), "{out}");
}

/// Writes a document in `root/` that refers to `shared/money.yaml`, one
/// folder up, and returns its path.
fn outside_root(dir: &TempDir) -> PathBuf {
    dir.write(
        "shared/money.yaml",
        "Money:\n  type: object\n  properties:\n    amount:\n      type: integer\n",
    );
    dir.write(
        "root/api.yaml",
        "\
asyncapi: 3.0.0
info:
  title: Outside
  version: 1.0.0
components:
  schemas:
    Money:
      $ref: '../shared/money.yaml#/Money'
",
    )
}

#[test]
fn reference_outside_root_is_rejected() {
    let dir = TempDir::new("outside");
    let file = outside_root(&dir);
    let output = validate(&[], &[&file]);
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{out}");
    assert!(out.contains("error[ref-outside-root]"), "{out}");
    assert!(out.contains("--allow-outside-root"), "{out}");
}

#[test]
fn allow_outside_root_follows_reference() {
    let dir = TempDir::new("outside-allowed");
    let file = outside_root(&dir);
    let output = validate(&["--allow-outside-root"], &[&file]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
}

const REMOTE: &str = "\
asyncapi: 3.0.0
info:
  title: Remote
  version: 1.0.0
components:
  schemas:
    Money:
      $ref: 'https://schemas.example.com/common/money.yaml#/Money'
";

#[test]
fn remote_reference_is_rejected_without_mirror() {
    let dir = TempDir::new("remote");
    let file = dir.write("api.yaml", REMOTE);
    let output = validate(&[], &[&file]);
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{out}");
    assert!(out.contains("error[ref-remote]"), "{out}");
}

#[test]
fn remote_mirror_serves_remote_reference() {
    let dir = TempDir::new("mirror");
    let file = dir.write("api.yaml", REMOTE);
    dir.write(
        "mirror/common/money.yaml",
        "Money:\n  type: object\n  properties:\n    amount:\n      type: integer\n",
    );
    let mirror = format!(
        "https://schemas.example.com/={}",
        dir.path.join("mirror").display()
    );
    let output = validate(&["--remote-mirror", &mirror], &[&file]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
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
fn warning_leaves_file_valid() {
    let dir = TempDir::new("warning");
    let file = dir.write("api.yaml", WARNING);
    let output = validate(&[], &[&file]);
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{out}");
    assert!(out.contains("warning[server-variable-undefined]"), "{out}");
    assert!(
        out.contains("api.yaml: valid (AsyncAPI 3.0.0), 1 warning"),
        "{out}"
    );
}

#[test]
fn deny_warnings_fails_on_warning() {
    let dir = TempDir::new("deny-warnings");
    let file = dir.write("api.yaml", WARNING);
    let output = validate(&["--deny-warnings"], &[&file]);
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{out}");
    assert!(out.contains("(failed by --deny-warnings)"), "{out}");
}

#[test]
fn quiet_hides_warnings() {
    let dir = TempDir::new("quiet-warning");
    let file = dir.write("api.yaml", WARNING);
    let output = validate(&["--quiet"], &[&file]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stdout(&output), "");
}

#[test]
fn quiet_json_leaves_out_warnings() {
    let dir = TempDir::new("quiet-json");
    let file = dir.write("api.yaml", WARNING);
    let output = validate(&["--quiet", "--format", "json"], &[&file]);
    assert_eq!(output.status.code(), Some(0));
    let report = json(&output);
    assert_eq!(report["files"][0]["valid"], true);
    assert_eq!(report["files"][0]["diagnostics"], Value::Array(Vec::new()));
}

#[test]
fn json_output_reports_warning_severity() {
    let dir = TempDir::new("json-warning");
    let file = dir.write("api.yaml", WARNING);
    let output = validate(&["--format", "json"], &[&file]);
    let report = json(&output);
    let warning = &report["files"][0]["diagnostics"][0];
    assert_eq!(warning["severity"], "warning");
    assert_eq!(warning["code"], "server-variable-undefined");
    assert_eq!(warning["pointer"], "/servers/production/host");
    assert_eq!(warning["line"], 7);
    assert_eq!(warning["column"], 11);
}

#[test]
fn error_in_referenced_file_names_that_file() {
    let dir = TempDir::new("referenced");
    let root = dir.write(
        "api.yaml",
        "\
asyncapi: 3.0.0
info:
  title: Split
  version: 1.0.0
components:
  schemas:
    Order:
      $ref: './schemas.yaml#/Order'
",
    );
    let schemas = dir.write("schemas.yaml", "Order:\n  type: objekt\n");
    let output = validate(&["--format", "json"], &[&root]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let report = json(&output);
    let diagnostics = report["files"][0]["diagnostics"]
        .as_array()
        .expect("diagnostics");
    let in_schemas = diagnostics
        .iter()
        .find(|d| d["file"] == schemas.display().to_string())
        .expect("a diagnostic in schemas.yaml");
    assert_eq!(in_schemas["line"], 2);
    assert_eq!(in_schemas["pointer"], "/Order/type");
    assert_eq!(report["files"][0]["path"], root.display().to_string());
}
