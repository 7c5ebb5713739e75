//! `hookforge new` and `hookforge send` as a user runs them: the rendered
//! files of the starter project against golden copies, and the errors for
//! bad input. The projects are built and run in `new_projects.rs`.
//!
//! Run with `HOOKFORGE_BLESS=1` to rewrite the golden files after an
//! intended change of the templates, then review the diff.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::TempDir;

fn hookforge(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hookforge"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .env_remove("HOOKFORGE_WEBHOOK_SECRET")
        .output()
        .expect("hookforge runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/new/shop")
}

/// Lists the files under `dir`, relative to it, sorted.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in fs::read_dir(&folder).expect("readable folder").flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                found.push(path.strip_prefix(dir).expect("inside").to_path_buf());
            }
        }
    }
    found.sort();
    found
}

#[test]
fn starter_project_matches_golden_files() {
    let temp = TempDir::new("new-golden");
    let output = hookforge(
        &["new", "shop", "--side", "both", "--port", "3000", "--yes"],
        &temp.path,
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let project = temp.path.join("shop");
    let written = files_under(&project);
    let golden = golden_dir();
    if std::env::var_os("HOOKFORGE_BLESS").is_some() {
        let _ = fs::remove_dir_all(&golden);
        for file in &written {
            let target = golden.join(file);
            fs::create_dir_all(target.parent().expect("parent")).expect("golden folder");
            fs::copy(project.join(file), target).expect("golden file written");
        }
    }
    assert_eq!(
        written,
        files_under(&golden),
        "the project's files differ from {} (rerun with HOOKFORGE_BLESS=1 and review)",
        golden.display()
    );
    for file in &written {
        let actual = fs::read_to_string(project.join(file)).expect("project file");
        let expected = fs::read_to_string(golden.join(file)).expect("golden file");
        assert!(
            actual == expected,
            "{} differs from its golden copy (rerun with HOOKFORGE_BLESS=1 and review):\n{actual}",
            file.display()
        );
    }
}

#[test]
fn new_lists_files_and_next_step() {
    let temp = TempDir::new("new-report");
    let output = hookforge(&["new", "orders-consumer", "--yes"], &temp.path);
    assert!(output.status.success(), "{}", stderr(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("Created orders-consumer (consumer)"),
        "{stdout}"
    );
    assert!(stdout.contains("  src/consumer.rs"), "{stdout}");
    assert!(stdout.contains("cargo run"), "{stdout}");
}

#[test]
fn new_without_terminal_takes_defaults() {
    let temp = TempDir::new("new-defaults");
    // No --yes: stdin is not a terminal, so nothing is asked.
    let output = hookforge(&["new", "plain"], &temp.path);
    assert!(output.status.success(), "{}", stderr(&output));
    let project = temp.path.join("plain");
    assert!(project.join("src/consumer.rs").is_file());
    assert!(!project.join("src/provider.rs").exists());
    let readme = fs::read_to_string(project.join("README.md")).expect("README");
    assert!(readme.contains("127.0.0.1:3000"), "{readme}");
    let manifest = fs::read_to_string(project.join("Cargo.toml")).expect("Cargo.toml");
    assert!(
        manifest.contains("hookforge = { version = \"0.1\""),
        "{manifest}"
    );
}

#[test]
fn new_writes_path_dependencies() {
    let temp = TempDir::new("new-path");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf();
    let root_text = root.display().to_string();
    let output = hookforge(
        &["new", "local", "--yes", "--hookforge-path", &root_text],
        &temp.path,
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let manifest = fs::read_to_string(temp.path.join("local/Cargo.toml")).expect("Cargo.toml");
    let runtime = fs::canonicalize(root.join("runtime")).expect("runtime folder");
    assert!(
        manifest.contains(&format!("path = \"{}\"", runtime.display())),
        "{manifest}"
    );
}

#[test]
fn new_rejects_non_empty_folder() {
    let temp = TempDir::new("new-non-empty");
    temp.write("taken/notes.txt", "mine");
    let output = hookforge(&["new", "taken", "--yes"], &temp.path);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(
        message.contains("taken already exists and is not empty"),
        "{message}"
    );
    assert!(message.contains("choose a new NAME"), "{message}");
    assert_eq!(
        fs::read_to_string(temp.path.join("taken/notes.txt")).expect("kept"),
        "mine"
    );
    assert_eq!(files_under(&temp.path.join("taken")).len(), 1);
}

#[test]
fn new_accepts_empty_folder() {
    let temp = TempDir::new("new-empty");
    fs::create_dir_all(temp.path.join("empty")).expect("folder");
    let output = hookforge(&["new", "empty", "--yes"], &temp.path);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(temp.path.join("empty/Cargo.toml").is_file());
}

#[test]
fn new_rejects_bad_package_name() {
    let temp = TempDir::new("new-bad-name");
    let output = hookforge(&["new", "9lives", "--yes"], &temp.path);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("not a usable package name"));
    assert!(!temp.path.join("9lives").exists());
}

#[test]
fn new_missing_spec_is_a_usage_error() {
    let temp = TempDir::new("new-missing");
    let output = hookforge(&["new", "p", "--from", "absent.yaml"], &temp.path);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("absent.yaml"));
    assert!(!temp.path.join("p").exists());
}

#[test]
fn new_invalid_spec_writes_nothing() {
    let temp = TempDir::new("new-invalid");
    temp.write("bad.yaml", "asyncapi: 3.0.0\ninfo: {title: T}\n");
    let output = hookforge(&["new", "p", "--from", "bad.yaml"], &temp.path);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(message.contains("bad.yaml:2:1"), "{message}");
    assert!(message.contains("bad.yaml is invalid"), "{message}");
    assert!(!temp.path.join("p").exists());
}

const SENDS_ONLY: &str = "asyncapi: 3.0.0
info: {title: Sender, version: '1'}
channels:
  events:
    address: /events
    messages:
      happened:
        payload: {type: object}
operations:
  sendEvent:
    action: send
    channel: {$ref: '#/channels/events'}
";

#[test]
fn new_side_that_receives_nothing_suggests_other_side() {
    let temp = TempDir::new("new-nothing");
    temp.write("sender.yaml", SENDS_ONLY);
    let output = hookforge(
        &["new", "p", "--from", "sender.yaml", "--side", "provider"],
        &temp.path,
    );
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(
        message.contains("the provider of sender.yaml receives no HTTP operation"),
        "{message}"
    );
    assert!(message.contains("use --side consumer"), "{message}");
    assert!(!temp.path.join("p").exists());
}

#[test]
fn new_copies_the_document() {
    let temp = TempDir::new("new-copy");
    temp.write("sender.json", serde_json_text());
    let output = hookforge(&["new", "p", "--from", "sender.json", "--yes"], &temp.path);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        fs::read_to_string(temp.path.join("p/asyncapi.json")).expect("copied"),
        serde_json_text()
    );
    let build = fs::read_to_string(temp.path.join("p/build.rs")).expect("build.rs");
    assert!(build.contains(".file(\"asyncapi.json\")"), "{build}");
    assert!(build.contains(".mirror()"), "{build}");
}

fn serde_json_text() -> &'static str {
    r##"{"asyncapi": "3.0.0", "info": {"title": "Sender", "version": "1"},
 "channels": {"events": {"address": "/events", "messages": {"happened": {"payload": {"type": "object"}}}}},
 "operations": {"sendEvent": {"action": "send", "channel": {"$ref": "#/channels/events"}}}}
"##
}

#[test]
fn new_bundles_a_multi_file_document() {
    let temp = TempDir::new("new-bundle");
    temp.write(
        "api/asyncapi.yaml",
        SENDS_ONLY.replace(
            "payload: {type: object}",
            "payload: {$ref: 'schemas.yaml#/Event'}",
        ),
    );
    temp.write(
        "api/schemas.yaml",
        "Event: {type: object, properties: {id: {type: string}}}\n",
    );
    let output = hookforge(
        &["new", "p", "--from", "api/asyncapi.yaml", "--yes"],
        &temp.path,
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let bundled = fs::read_to_string(temp.path.join("p/asyncapi.yaml")).expect("bundle");
    assert!(!bundled.contains("schemas.yaml"), "{bundled}");
    assert!(bundled.contains("components:"), "{bundled}");
}

#[test]
fn send_requires_the_secret() {
    let temp = TempDir::new("send-secret");
    temp.write("sender.yaml", SENDS_ONLY);
    let output = hookforge(
        &[
            "send",
            "--examples",
            "sender.yaml",
            "--to",
            "http://127.0.0.1:9",
        ],
        &temp.path,
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("HOOKFORGE_WEBHOOK_SECRET is not set"));
}

fn send_with_secret(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hookforge"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .env(
            "HOOKFORGE_WEBHOOK_SECRET",
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        )
        .output()
        .expect("hookforge runs")
}

#[test]
fn send_without_examples_fails() {
    let temp = TempDir::new("send-no-examples");
    temp.write("sender.yaml", SENDS_ONLY);
    let output = send_with_secret(
        &[
            "send",
            "--examples",
            "sender.yaml",
            "--to",
            "http://127.0.0.1:9",
        ],
        &temp.path,
    );
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(
        message.contains("message `happened` of operation `sendEvent` has no example payload"),
        "{message}"
    );
    assert!(message.contains("add `examples`"), "{message}");
}

#[test]
fn send_names_the_missing_parameter() {
    let temp = TempDir::new("send-parameter");
    temp.write(
        "doc.yaml",
        "asyncapi: 3.0.0
info: {title: T, version: '1'}
channels:
  events:
    address: /tenants/{tenantId}/events
    parameters:
      tenantId: {description: no value anywhere}
    messages:
      happened:
        payload: {type: object}
        examples:
          - payload: {a: 1}
operations:
  sendEvent:
    action: send
    channel: {$ref: '#/channels/events'}
",
    );
    let args = [
        "send",
        "--examples",
        "doc.yaml",
        "--to",
        "http://127.0.0.1:9",
    ];
    let output = send_with_secret(&args, &temp.path);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(
        message.contains("channel parameter `tenantId`"),
        "{message}"
    );
    assert!(message.contains("--param tenantId=VALUE"), "{message}");
}

#[test]
fn send_rejects_unknown_operation() {
    let temp = TempDir::new("send-operation");
    temp.write("sender.yaml", SENDS_ONLY);
    let output = send_with_secret(
        &[
            "send",
            "--examples",
            "sender.yaml",
            "--to",
            "http://127.0.0.1:9",
            "--operation",
            "nope",
        ],
        &temp.path,
    );
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(message.contains("--operation \"nope\""), "{message}");
    assert!(message.contains("it receives: `sendEvent`"), "{message}");
}

#[test]
fn send_reports_connection_failure() {
    let temp = TempDir::new("send-refused");
    let output = hookforge(&["new", "p", "--yes"], &temp.path);
    assert!(output.status.success(), "{}", stderr(&output));
    // Nothing listens on the port of a listener that was just closed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("free port")
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let output = send_with_secret(
        &[
            "send",
            "--examples",
            "p/asyncapi.yaml",
            "--to",
            &url,
            "--timeout",
            "5",
        ],
        &temp.path,
    );
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("failed:"), "{stdout}");
    assert!(
        stdout.contains("2 sent, 0 accepted, 2 rejected or failed"),
        "{stdout}"
    );
}

/// Runs `hookforge new ARGS` with stdin on a terminal: util-linux
/// `script` gives the command a pseudo-terminal and types `input` into it.
fn new_on_terminal(args: &str, input: &str, dir: &Path) -> Output {
    use std::io::Write;

    let command = format!("{} new {args}", env!("CARGO_BIN_EXE_hookforge"));
    let mut child = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("util-linux `script` runs");
    child
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(input.as_bytes())
        .expect("input written");
    child.wait_with_output().expect("script finishes")
}

#[test]
fn new_asks_on_a_terminal() {
    let temp = TempDir::new("new-prompt");
    let output = new_on_terminal("asked", "provider\n4100\n", &temp.path);
    let transcript = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{transcript}");
    assert!(transcript.contains("Side: provider"), "{transcript}");
    assert!(
        transcript.contains("Port to listen on? [3000]"),
        "{transcript}"
    );
    let project = temp.path.join("asked");
    assert!(project.join("src/provider.rs").is_file());
    assert!(!project.join("src/consumer.rs").exists());
    let settings = fs::read_to_string(project.join(".env.example")).expect(".env.example");
    assert!(
        settings.contains("HOOKFORGE_LISTEN_ADDR=127.0.0.1:4100"),
        "{settings}"
    );
}

#[test]
fn new_yes_on_a_terminal_asks_nothing() {
    let temp = TempDir::new("new-yes");
    let output = new_on_terminal("quiet --yes", "", &temp.path);
    let transcript = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{transcript}");
    assert!(!transcript.contains("Side:"), "{transcript}");
    assert!(temp.path.join("quiet/src/consumer.rs").is_file());
}
