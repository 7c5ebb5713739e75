//! `hookforge generate --mirror --derive --replace`: the flags reach the
//! generator, and bad values fail with a message naming them.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use hookforge_codegen::options::{GenerateOptions, Perspective};

mod common;

use common::TempDir;

fn hookforge(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hookforge"))
        .args(args)
        .output()
        .expect("hookforge runs")
}

const DOCUMENT: &str = "asyncapi: 3.0.0
info: {title: Orders, version: 1.0.0}
channels:
  orders:
    address: /orders
    messages:
      placed:
        payload:
          $ref: '#/components/schemas/Order'
operations:
  placeOrder:
    action: send
    channel: {$ref: '#/channels/orders'}
components:
  schemas:
    Order:
      type: object
      properties:
        id: {type: string}
        total: {$ref: '#/components/schemas/Money'}
    Money:
      type: object
      properties:
        cents: {type: integer}
";

fn write_document(dir: &Path) -> PathBuf {
    let path = dir.join("orders.yaml");
    fs::write(&path, DOCUMENT).expect("document written");
    path
}

fn stdout_of(out: Output) -> String {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 code")
}

#[test]
fn derive_and_replace_flags_shape_the_types() {
    let temp = TempDir::new("options-flags");
    let doc = write_document(&temp.path);
    let doc = doc.to_str().expect("UTF-8 path");
    let code = stdout_of(hookforge(&[
        "generate",
        doc,
        "-o",
        "-",
        "--derive",
        "PartialOrd",
        "--derive",
        "serde_with::SerializeDisplay",
        "--replace",
        "Money=crate::money::Money",
    ]));
    assert!(code.contains("PartialOrd,"), "{code}");
    assert!(code.contains("serde_with::SerializeDisplay,"), "{code}");
    assert!(code.contains("crate::money::Money"), "{code}");
    assert!(!code.contains("pub struct Money"), "{code}");
}

#[test]
fn mirror_flag_matches_the_library_mirror_perspective() {
    let temp = TempDir::new("options-mirror");
    let doc = write_document(&temp.path);
    let code = stdout_of(hookforge(&[
        "generate",
        doc.to_str().expect("UTF-8 path"),
        "-o",
        "-",
        "--mirror",
    ]));
    let expected = hookforge_codegen::generate(
        &doc,
        &GenerateOptions {
            perspective: Perspective::Mirror,
            ..GenerateOptions::default()
        },
    );
    let application = stdout_of(hookforge(&[
        "generate",
        doc.to_str().expect("UTF-8 path"),
        "-o",
        "-",
    ]));
    assert_ne!(code, application, "--mirror changed nothing");
    assert_eq!(Some(code), expected.code);
}

#[test]
fn bad_flag_values_fail_naming_the_value() {
    let temp = TempDir::new("options-bad");
    let doc = write_document(&temp.path);
    let doc = doc.to_str().expect("UTF-8 path");
    let cases: [(&[&str], &str); 4] = [
        (&["--derive", "Hash<T>"], "\"Hash<T>\""),
        (&["--replace", "Mony=crate::Money"], "did you mean `Money`"),
        (&["--replace", "Money=crate::Money;"], "\"crate::Money;\""),
        (&["--replace", "Money"], "expected SCHEMA=PATH"),
    ];
    for (flags, expected) in cases {
        let mut args = vec!["generate", doc, "-o", "-"];
        args.extend_from_slice(flags);
        let out = hookforge(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{flags:?} succeeded");
        assert!(out.stdout.is_empty(), "{flags:?} wrote code");
        assert!(stderr.contains(expected), "{flags:?}: {stderr}");
    }
}
