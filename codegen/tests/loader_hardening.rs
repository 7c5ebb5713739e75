//! The loader against hostile file systems and options: symbolic links,
//! files that are not regular files, remote-mirror prefixes and deep
//! trees.

use std::fs;
use std::path::Path;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use hookforge_codegen::diagnostic::{Code, Diagnostic};
use hookforge_codegen::document::{Document, LoadOptions};
use hookforge_codegen::load::{Limits, MAX_DEPTH_CAP};
use hookforge_codegen::{validate_file, Validation};

mod common;

use common::TempDir;

/// Builds a 3.0 document with one message per entry of `references`
/// (`m0`, `m1`, ...), each with the payload `{$ref: REFERENCE}`.
fn document_with_refs(references: &[&str]) -> String {
    let mut text = String::from(
        "asyncapi: 3.0.0\ninfo: {title: t, version: '1'}\nchannels:\n  c:\n    address: c\n    messages:\n",
    );
    for (i, reference) in references.iter().enumerate() {
        text.push_str(&format!(
            "      m{i}: {{payload: {{$ref: '{reference}'}}}}\n"
        ));
    }
    text
}

/// Validates `path` on another thread and fails the test after 20 seconds,
/// so that a loader blocked on a FIFO or an endless device fails the test
/// instead of hanging it.
fn validate_within_time_limit(path: &Path, options: LoadOptions) -> Validation {
    let (sender, receiver) = mpsc::channel();
    let path = path.to_path_buf();
    thread::spawn(move || {
        let _ = sender.send(validate_file(&path, options));
    });
    receiver
        .recv_timeout(Duration::from_secs(20))
        .expect("validation finished within 20 seconds")
}

/// Returns the diagnostic at the `$ref` of message `m{index}`.
fn at_message(diagnostics: &[Diagnostic], index: usize) -> &Diagnostic {
    let pointer = format!("/channels/c/messages/m{index}/payload/$ref");
    diagnostics
        .iter()
        .find(|d| d.pointer == pointer)
        .unwrap_or_else(|| panic!("no diagnostic at {pointer}: {diagnostics:#?}"))
}

fn mirror_options(prefix: &str, dir: &Path) -> LoadOptions {
    LoadOptions {
        remote_mirrors: vec![(prefix.to_owned(), dir.to_path_buf())],
        ..LoadOptions::default()
    }
}

// ---- files that are not regular files ----

#[cfg(unix)]
#[test]
fn fifo_reference_is_rejected_unopened() {
    let dir = TempDir::new("fifo");
    let fifo = dir.path.join("pipe.yaml");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("run mkfifo");
    assert!(status.success(), "mkfifo failed");
    let path = dir.write("asyncapi.yaml", document_with_refs(&["pipe.yaml"]));
    let validation = validate_within_time_limit(&path, LoadOptions::default());
    let error = at_message(&validation.diagnostics, 0);
    assert_eq!(error.code, Code::RefUnresolved);
    assert!(
        error.message.contains("not a regular file"),
        "{}",
        error.message
    );
}

#[cfg(unix)]
#[test]
fn device_references_are_rejected() {
    let dir = TempDir::new("devices");
    let path = dir.write(
        "asyncapi.yaml",
        document_with_refs(&["/dev/zero", "/dev/urandom"]),
    );
    let options = LoadOptions {
        allow_outside_root: true,
        ..LoadOptions::default()
    };
    let validation = validate_within_time_limit(&path, options);
    for index in 0..2 {
        let error = at_message(&validation.diagnostics, index);
        assert_eq!(error.code, Code::RefUnresolved, "m{index}");
        assert!(
            error.message.contains("not a regular file"),
            "{}",
            error.message
        );
    }
}

#[cfg(unix)]
#[test]
fn device_as_root_is_rejected() {
    let diagnostics = match Document::load(Path::new("/dev/zero"), LoadOptions::default()) {
        Ok(_) => panic!("/dev/zero loaded as a document"),
        Err(diagnostics) => diagnostics,
    };
    let error = diagnostics.first().expect("an error");
    assert_eq!(error.code, Code::Io);
    assert!(
        error.message.contains("not a regular file"),
        "{}",
        error.message
    );
}

#[test]
fn folder_reference_is_rejected() {
    let dir = TempDir::new("folder-ref");
    dir.write("sub/x.yaml", "S: {type: string}\n");
    let path = dir.write("asyncapi.yaml", document_with_refs(&["sub/"]));
    let validation = validate_file(&path, LoadOptions::default());
    let error = at_message(&validation.diagnostics, 0);
    assert_eq!(error.code, Code::RefUnresolved);
    assert!(error.message.contains("is a folder"), "{}", error.message);
}

#[test]
fn folder_as_root_is_rejected() {
    let dir = TempDir::new("folder-root");
    let diagnostics = match Document::load(&dir.path, LoadOptions::default()) {
        Ok(_) => panic!("a folder loaded as a document"),
        Err(diagnostics) => diagnostics,
    };
    let error = diagnostics.first().expect("an error");
    assert_eq!(error.code, Code::Io);
    assert!(error.message.contains("is a folder"), "{}", error.message);
}

#[test]
fn referenced_file_over_size_limit() {
    let dir = TempDir::new("size");
    dir.write(
        "big.yaml",
        format!("S: {{type: string, description: '{}'}}\n", "x".repeat(400)),
    );
    let path = dir.write("asyncapi.yaml", document_with_refs(&["big.yaml#/S"]));
    let options = LoadOptions {
        limits: Limits {
            max_file_bytes: 300,
            ..Limits::default()
        },
        ..LoadOptions::default()
    };
    let validation = validate_file(&path, options);
    let error = at_message(&validation.diagnostics, 0);
    assert_eq!(error.code, Code::LimitExceeded);
    assert!(error.message.contains("300 bytes"), "{}", error.message);
}

// ---- symbolic links ----

#[cfg(unix)]
#[test]
fn symlink_error_names_link_target() {
    let outside = TempDir::new("link-outside");
    let secret = outside.write("secret.yaml", "S: {type: string}\n");
    let dir = TempDir::new("link-root");
    std::os::unix::fs::symlink(&secret, dir.path.join("link.yaml")).expect("symlink");
    let path = dir.write("asyncapi.yaml", document_with_refs(&["link.yaml#/S"]));
    let validation = validate_file(&path, LoadOptions::default());
    let error = at_message(&validation.diagnostics, 0);
    assert_eq!(error.code, Code::RefOutsideRoot);
    assert!(error.message.contains("link.yaml"), "{}", error.message);
    let real = fs::canonicalize(&secret).expect("real path");
    assert!(
        error.message.contains(&real.display().to_string()),
        "{}",
        error.message
    );
}

#[cfg(unix)]
#[test]
fn symlink_inside_root_is_allowed() {
    let dir = TempDir::new("link-inside");
    dir.write("schemas/s.yaml", "S: {type: string}\n");
    std::os::unix::fs::symlink("schemas/s.yaml", dir.path.join("alias.yaml")).expect("symlink");
    let path = dir.write(
        "asyncapi.yaml",
        document_with_refs(&["alias.yaml#/S", "schemas/s.yaml#/S"]),
    );
    let validation = validate_file(&path, LoadOptions::default());
    assert!(validation.is_valid(), "{:#?}", validation.diagnostics);
    let document = validation.document.expect("a document");
    // The root and s.yaml: the link and its target are one file.
    assert_eq!(document.files_read().count(), 2);
}

#[cfg(unix)]
#[test]
fn symlink_out_of_mirror_is_rejected() {
    let outside = TempDir::new("mirror-outside");
    let secret = outside.write("secret.yaml", "S: {type: string}\n");
    let mirror = TempDir::new("mirror-link");
    std::os::unix::fs::symlink(&secret, mirror.path.join("s.yaml")).expect("symlink");
    let dir = TempDir::new("mirror-link-root");
    let path = dir.write(
        "asyncapi.yaml",
        document_with_refs(&["https://example.com/s.yaml#/S"]),
    );
    let validation = validate_file(&path, mirror_options("https://example.com/", &mirror.path));
    let error = at_message(&validation.diagnostics, 0);
    assert_eq!(error.code, Code::RefOutsideRoot);
}

// ---- remote mirrors ----

#[test]
fn mirror_prefix_matches_whole_host() {
    let mirror = TempDir::new("mirror");
    mirror.write("my file.yaml", "S: {type: string}\n");
    let dir = TempDir::new("mirror-root");
    let path = dir.write(
        "asyncapi.yaml",
        document_with_refs(&[
            "HTTPS://Example.com/my%20file.yaml#/S",
            "https://example.com.evil.com/my%20file.yaml#/S",
            "https://example.com@evil.com/my%20file.yaml#/S",
        ]),
    );
    let validation = validate_file(&path, mirror_options("https://example.com", &mirror.path));
    let diagnostics = &validation.diagnostics;
    let first = "/channels/c/messages/m0/payload/$ref";
    assert!(
        !diagnostics.iter().any(|d| d.pointer == first),
        "{diagnostics:#?}"
    );
    for index in 1..3 {
        assert_eq!(
            at_message(diagnostics, index).code,
            Code::RefRemote,
            "m{index}"
        );
    }
}

#[test]
fn mirror_url_cannot_leave_folder() {
    let mirror = TempDir::new("mirror-dots");
    mirror.write("ok.yaml", "S: {type: string}\n");
    let dir = TempDir::new("mirror-dots-root");
    let path = dir.write(
        "asyncapi.yaml",
        document_with_refs(&[
            "https://example.com/../x/secret.yaml#/S",
            "https://example.com/..%2fx/secret.yaml#/S",
        ]),
    );
    let validation = validate_file(&path, mirror_options("https://example.com/", &mirror.path));
    for index in 0..2 {
        let error = at_message(&validation.diagnostics, index);
        assert_eq!(error.code, Code::RefOutsideRoot, "m{index}");
        assert!(
            error.message.contains("outside the mirror folder"),
            "{}",
            error.message
        );
    }
}

// ---- chains of references ----

/// Builds a 3.0 document whose message `m` has the payload `{$ref:
/// REFERENCE}`, with `schemas` (block YAML at indent 4) as its component
/// schemas.
fn document_with_schemas(reference: &str, schemas: &str) -> String {
    format!(
        "asyncapi: 3.0.0\ninfo: {{title: t, version: '1'}}\nchannels:\n  c:\n    address: c\n    messages:\n      m: {{payload: {{$ref: '{reference}'}}}}\ncomponents:\n  schemas:\n{schemas}"
    )
}

fn codes(validation: &Validation) -> Vec<Code> {
    validation.diagnostics.iter().map(|d| d.code).collect()
}

#[test]
fn cycle_through_pointer_is_ref_cycle() {
    let dir = TempDir::new("pointer-cycle");
    let path = dir.write(
        "asyncapi.yaml",
        document_with_schemas(
            "#/components/schemas/A/x",
            "    A: {$ref: '#/components/schemas/A/x'}\n",
        ),
    );
    let validation = validate_file(&path, LoadOptions::default());
    let codes = codes(&validation);
    assert!(
        codes.contains(&Code::RefCycle),
        "{:#?}",
        validation.diagnostics
    );
    assert!(
        !codes.contains(&Code::LimitExceeded),
        "{:#?}",
        validation.diagnostics
    );
}

#[test]
fn long_chain_through_pointers_is_limit() {
    // Resolving `S{i}/p` passes through `S{i}`, a `$ref` to `S{i+1}/p`, so
    // the chain nests 71 references deep before it reaches a value.
    let mut schemas = String::new();
    for i in 0..70 {
        schemas.push_str(&format!(
            "    S{i}: {{$ref: '#/components/schemas/S{}/p'}}\n",
            i + 1
        ));
    }
    let nested = format!("{}{{type: string}}{}", "{p: ".repeat(71), "}".repeat(71));
    schemas.push_str(&format!("    S70: {nested}\n"));

    let dir = TempDir::new("pointer-chain");
    let path = dir.write(
        "asyncapi.yaml",
        document_with_schemas("#/components/schemas/S0/p", &schemas),
    );

    let validation = validate_file(&path, LoadOptions::default());
    let codes = codes(&validation);
    assert!(
        !codes.contains(&Code::RefCycle),
        "{:#?}",
        validation.diagnostics
    );

    let payload = "/channels/c/messages/m/payload/$ref";
    let error = validation
        .diagnostics
        .iter()
        .find(|d| d.pointer == payload)
        .unwrap_or_else(|| panic!("no error at the payload: {:#?}", validation.diagnostics));
    assert_eq!(error.code, Code::LimitExceeded);
    assert!(error.message.contains("64"), "{}", error.message);
}

// ---- depth ----

#[test]
fn alias_copies_count_toward_depth() {
    let dir = TempDir::new("alias-depth");
    let mut text = String::from("asyncapi: 3.0.0\ninfo: {title: t, version: '1'}\n");
    text.push_str(&format!(
        "x-a0: &a0 {}1{}\n",
        "[".repeat(100),
        "]".repeat(100)
    ));
    for i in 1..20 {
        let open = "[".repeat(100);
        let close = "]".repeat(100);
        text.push_str(&format!("x-a{i}: &a{i} {open}*a{}{close}\n", i - 1));
    }
    let path = dir.write("asyncapi.yaml", &text);
    let validation = validate_file(&path, LoadOptions::default());
    let error = validation.diagnostics.first().expect("a depth error");
    assert_eq!(error.code, Code::LimitExceeded);
    assert!(error.message.contains("200 levels"), "{}", error.message);
}

#[test]
fn max_depth_above_cap_is_capped() {
    let dir = TempDir::new("depth-cap");
    let text = format!(
        "asyncapi: 3.0.0\ninfo: {{title: t, version: '1'}}\nx-deep:\n  {}x\n",
        "- ".repeat(MAX_DEPTH_CAP + 10)
    );
    let path = dir.write("asyncapi.yaml", &text);
    let options = LoadOptions {
        limits: Limits {
            max_depth: usize::MAX,
            ..Limits::default()
        },
        ..LoadOptions::default()
    };
    let validation = validate_file(&path, options);
    let error = validation.diagnostics.first().expect("a depth error");
    assert_eq!(error.code, Code::LimitExceeded);
    assert!(
        error.message.contains(&format!("{MAX_DEPTH_CAP} levels")),
        "{}",
        error.message
    );
}
