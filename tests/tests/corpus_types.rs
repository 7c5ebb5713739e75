//! Generates Rust types for every usable corpus document, compiles all of
//! them in one crate under `deny(warnings)` and clippy's default lints, and
//! round-trips every message example through its generated payload and
//! headers types.
//!
//! A document is usable when it is labelled valid (and the official schema
//! agrees) or is unlabelled, and our validator accepts it. Documents whose
//! payloads use another schema format must fail with the
//! `unsupported-schema-format` diagnostic instead. An example that our
//! validator reports as not matching its schema is not expected to
//! round-trip and is counted apart.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use hookforge_codegen::apigen;
use hookforge_codegen::diagnostic::Code;
use hookforge_codegen::model::{AsyncApi, Message};
use hookforge_codegen::options::Perspective;
use hookforge_codegen::typegen::{self, emit, TypeRef, TypeSpace};
use hookforge_codegen::validate_file;
use hookforge_tests::corpus::{
    copy_lock_file, corpus_dir_or_skip, corpus_load_options, generated_crates_target, report,
    run_generated_crate, tail, workspace_root,
};
use hookforge_tests::manifest::{self, Validity};

/// One example to check: which document module, which Rust type, and the
/// JSON value.
struct Example {
    module: String,
    type_expr: String,
    value: serde_json::Value,
    label: String,
}

#[test]
fn corpus_types_compile_and_examples_round_trip() {
    let Some(corpus) = corpus_dir_or_skip("corpus type generation") else {
        return;
    };
    let rows = manifest::read(&corpus).expect("readable MANIFEST.tsv");
    let crate_dir = workspace_root().join("target").join("corpus-types");
    let _ = fs::remove_dir_all(crate_dir.join("src"));
    fs::create_dir_all(crate_dir.join("src").join("docs")).expect("writable target folder");

    let mut modules = Vec::new();
    let mut examples = Vec::new();
    let mut generated = 0;
    let mut foreign_format = 0;
    let mut failures = Vec::new();
    let mut contradicting_examples = 0;
    let mut with_client = 0;
    let mut skipped_operations = 0;
    for row in rows.iter().filter(|r| r.is_document() && !r.is_v1()) {
        let labelled_valid =
            row.validity == Validity::Valid && row.schema_check.starts_with("pass");
        if !(labelled_valid || row.validity == Validity::Unknown) {
            continue;
        }
        let path = corpus.join(&row.local_path);
        let validation = validate_file(&path, corpus_load_options());
        if !validation.is_valid() {
            continue;
        }
        let (Some(document), Some(api)) = (validation.document.as_ref(), validation.model()) else {
            continue;
        };
        let types = typegen::lower_messages(document, &api);
        let errors: Vec<_> = types.diagnostics.iter().filter(|d| d.is_error()).collect();
        if !errors.is_empty() {
            if errors
                .iter()
                .all(|d| d.code == Code::UnsupportedSchemaFormat)
            {
                foreign_format += 1;
            } else {
                failures.push(format!("{}: {}", row.local_path, errors[0].message));
            }
            continue;
        }
        generated += 1;
        let module = format!("d{}", modules.len());
        let mut code = emit::render(&types.space, &[format!("from {}", row.local_path)]);
        // The API code of both sides: the Application side next to the
        // types, the Mirror side in a child module that sees the types
        // through a glob import, as its own items shadow the parent's.
        let application = apigen::generate_api(document, &api, &types, Perspective::Application);
        let mirror = apigen::generate_api(document, &api, &types, Perspective::Mirror);
        if application.code.contains("pub struct Client")
            || mirror.code.contains("pub struct Client")
        {
            with_client += 1;
        }
        skipped_operations += application.diagnostics.len();
        code.push_str(&application.code);
        if !mirror.code.is_empty() {
            code.push_str("\npub mod mirror {\n#![allow(unused_imports)]\nuse super::*;\n");
            code.push_str(&mirror.code);
            code.push_str("}\n");
        }
        fs::write(
            crate_dir.join("src/docs").join(format!("{module}.rs")),
            code,
        )
        .expect("writable");
        let mismatched: HashSet<String> = validation
            .diagnostics
            .iter()
            .filter(|d| d.code == Code::ExampleMismatch)
            .map(|d| d.pointer.clone())
            .collect();
        for message_types in &types.messages {
            let Some(message) = find_message(&api, &message_types.location) else {
                continue;
            };
            let message_pointer = message_types.location.pointer.to_string();
            for (i, example) in message.examples.iter().enumerate() {
                let example_pointer = format!("{message_pointer}/examples/{i}/");
                if mismatched.iter().any(|p| p.starts_with(&example_pointer)) {
                    contradicting_examples += 1;
                    continue;
                }
                let parts = [
                    (&message_types.payload, &example.payload, "payload"),
                    (&message_types.headers, &example.headers, "headers"),
                ];
                for (ty, value, part) in parts {
                    let (Some(ty), Some(value)) = (ty, value) else {
                        continue;
                    };
                    examples.push(Example {
                        module: module.clone(),
                        type_expr: type_expr(&types.space, ty),
                        value: value.clone(),
                        label: format!(
                            "{} {} example {i} {part}",
                            row.local_path, message_types.name
                        ),
                    });
                }
            }
        }
        modules.push(module);
    }

    write_crate(&crate_dir, &modules, &examples);
    copy_lock_file(&crate_dir);
    let clippy = Command::new(env!("CARGO"))
        .args([
            "clippy",
            "--quiet",
            "--message-format=short",
            "--",
            "-D",
            "warnings",
        ])
        .current_dir(&crate_dir)
        .env("CARGO_TARGET_DIR", generated_crates_target())
        .output()
        .expect("cargo runs");
    assert!(
        clippy.status.success(),
        "clippy rejects the generated code (is clippy installed? `rustup component add clippy`):\n{}",
        tail(&String::from_utf8_lossy(&clippy.stderr), 60)
    );
    let stdout = run_generated_crate(&crate_dir, "the generated crate");
    let round_trip_failures: Vec<&str> = stdout.lines().filter(|l| l.starts_with("FAIL")).collect();

    report(&format!(
        "corpus types: {generated} documents generated and compiled ({with_client} with HTTP operations, \
         {skipped_operations} operations left without API code), {foreign_format} rejected for another schema format, \
         {} failed; {} examples round-tripped, {} failed, {contradicting_examples} skipped as contradicting their schema",
        failures.len(),
        examples.len() - round_trip_failures.len(),
        round_trip_failures.len()
    ));
    assert!(
        failures.is_empty(),
        "generation failed:\n{}",
        failures.join("\n")
    );
    assert!(
        round_trip_failures.is_empty(),
        "examples that did not round-trip:\n{}",
        round_trip_failures.join("\n")
    );
    assert!(
        generated > 200,
        "only {generated} documents generated; is the corpus complete?"
    );
}

fn find_message<'a>(
    api: &'a AsyncApi,
    location: &hookforge_codegen::model::Location,
) -> Option<&'a Message> {
    api.channels
        .values()
        .flat_map(|c| c.messages.values())
        .chain(api.components.messages.values())
        .find(|m| &m.location == location)
}

fn type_expr(space: &TypeSpace, ty: &TypeRef) -> String {
    emit::type_tokens(space, ty).to_string()
}

/// JSON equality with numbers compared by value: JSON has one number type,
/// so `15` read into an `f64` field and written back as `15.0` is the same
/// value. Object key order is ignored, as `serde_json::Value` already does.
const JSON_EQUAL: &str = r#"
fn json_equal(a: &::hookforge::serde_json::Value, b: &::hookforge::serde_json::Value) -> bool {
    use ::hookforge::serde_json::Value;
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y || (x.is_f64() || y.is_f64()) && x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| json_equal(x, y)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w)))
        }
        _ => a == b,
    }
}
"#;

/// Writes the crate: one module per document and a `main` that checks each
/// example in its own function, so one failure does not hide the others.
fn write_crate(dir: &Path, modules: &[String], examples: &[Example]) {
    let runtime: PathBuf = workspace_root().join("runtime");
    let manifest = format!(
        "[package]\nname = \"hookforge-corpus-types\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\nhookforge = {{ path = {:?}, features = [\"api\"] }}\n\n[workspace]\n",
        runtime.canonicalize().unwrap_or(runtime).display().to_string()
    );
    fs::write(dir.join("Cargo.toml"), manifest).expect("writable");
    let mut main = String::from("#![deny(warnings)]\n#![allow(dead_code)]\n\nmod docs {\n");
    for module in modules {
        let _ = writeln!(main, "    pub mod {module};");
    }
    main.push_str("}\n\n");
    main.push_str(JSON_EQUAL);
    main.push_str("\nfn check<T: ::hookforge::serde::de::DeserializeOwned + ::hookforge::serde::Serialize>(label: &str, text: &str) {\n");
    main.push_str("    let value: ::hookforge::serde_json::Value = ::hookforge::serde_json::from_str(text).expect(\"example JSON\");\n");
    main.push_str("    match ::hookforge::serde_json::from_value::<T>(value.clone()) {\n");
    main.push_str("        Err(e) => println!(\"FAIL {label}: does not deserialize: {e}\"),\n");
    main.push_str("        Ok(typed) => match ::hookforge::serde_json::to_value(&typed) {\n");
    main.push_str(
        "            Ok(back) if json_equal(&back, &value) => println!(\"OK {label}\"),\n",
    );
    main.push_str(
        "            Ok(back) => println!(\"FAIL {label}: serialized back as {back}\"),\n",
    );
    main.push_str("            Err(e) => println!(\"FAIL {label}: does not serialize: {e}\"),\n");
    main.push_str("        },\n    }\n}\n\nfn main() {\n");
    for example in examples {
        let text = serde_json::to_string(&example.value).expect("serializable");
        let _ = writeln!(
            main,
            "    {{ use crate::docs::{}::*; check::<{}>({:?}, {:?}); }}",
            example.module, example.type_expr, example.label, text
        );
    }
    main.push_str("}\n");
    fs::write(dir.join("src").join("main.rs"), main).expect("writable");
    for module in modules {
        let from = dir.join("src/docs").join(format!("{module}.rs"));
        assert!(from.is_file(), "{} was not written", from.display());
    }
}
