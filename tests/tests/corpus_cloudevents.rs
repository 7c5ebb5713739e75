//! Finds the CloudEvents-shaped documents of the corpus (by their schemas:
//! `ce-` headers or `specversion`, `id`, `source` and `type` payload
//! properties), generates types for each, and compiles them in one crate
//! with the runtime's `cloudevents` feature, under `deny(warnings)`.
//!
//! Every shaped document must generate. A shaped message gets the
//! `CloudEvent` derive only when its schemas fix `type` and `source`;
//! otherwise it must carry the `cloudevent-not-derived` warning.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use hookforge_codegen::cloudevents::{recognize, Recognition, EXTENSION};
use hookforge_codegen::diagnostic::Code;
use hookforge_codegen::document::{Document, Target};
use hookforge_codegen::model::{AsyncApi, SchemaRef};
use hookforge_codegen::options::GenerateOptions;
use hookforge_codegen::typegen::{self, emit};
use hookforge_codegen::{generate, validate_file};
use hookforge_tests::corpus::{
    copy_lock_file, corpus_dir_or_skip, corpus_load_options, generated_crates_target, report,
    workspace_root,
};
use hookforge_tests::manifest;

/// Shaped documents the corpus had when this suite was written (two
/// documents of the modelina set describe structured-mode envelopes). A
/// lower count means recognition lost documents.
const MIN_SHAPED: usize = 2;

const DERIVE: &str = "::hookforge::cloudevents::CloudEvent";

#[test]
fn corpus_cloudevents_documents_generate_and_compile() {
    let Some(corpus) = corpus_dir_or_skip("corpus CloudEvents") else {
        return;
    };
    let rows = manifest::read(&corpus).expect("readable MANIFEST.tsv");
    let crate_dir = workspace_root().join("target").join("corpus-cloudevents");
    let _ = fs::remove_dir_all(crate_dir.join("src"));
    fs::create_dir_all(crate_dir.join("src")).expect("writable target folder");

    let mut shaped = Vec::new();
    let mut derived = 0;
    let mut failures = Vec::new();
    for row in rows.iter().filter(|r| r.is_document() && !r.is_v1()) {
        let path = corpus.join(&row.local_path);
        let validation = validate_file(&path, corpus_load_options());
        let (Some(document), Some(api)) = (validation.document.as_ref(), validation.model()) else {
            continue;
        };
        let recognitions = recognitions(document, &api);
        if recognitions.is_empty() {
            continue;
        }
        let unfixed = recognitions
            .iter()
            .filter(|r| matches!(r, Recognition::Unfixed(_)))
            .count();
        let warned = validation
            .diagnostics
            .iter()
            .filter(|d| d.code == Code::CloudEventNotDerived)
            .count();
        if warned < unfixed {
            failures.push(format!(
                "{}: {unfixed} messages without fixed type and source, {warned} warnings",
                row.local_path
            ));
        }
        let options = GenerateOptions {
            load: corpus_load_options(),
            ..GenerateOptions::default()
        };
        if generate(&path, &options).code.is_none() {
            failures.push(format!("{}: generation failed", row.local_path));
            continue;
        }
        let types = typegen::lower_messages(document, &api);
        let code = emit::render(&types.space, &[format!("from {}", row.local_path)]);
        derived += code.matches(DERIVE).count();
        let module = format!("d{}", shaped.len());
        fs::write(crate_dir.join("src").join(format!("{module}.rs")), code).expect("writable");
        shaped.push((module, row.local_path.clone()));
    }

    report(&format!(
        "corpus CloudEvents: {} shaped documents, {derived} generated CloudEvent derives",
        shaped.len()
    ));
    assert!(failures.is_empty(), "{failures:#?}");
    assert!(
        shaped.len() >= MIN_SHAPED,
        "only {} CloudEvents-shaped documents found, expected at least {MIN_SHAPED}: {shaped:?}",
        shaped.len()
    );

    write_crate(&crate_dir, &shaped);
    copy_lock_file(&crate_dir);
    let check = Command::new(env!("CARGO"))
        .args(["check", "--quiet", "--message-format=short"])
        .current_dir(&crate_dir)
        .env("CARGO_TARGET_DIR", generated_crates_target())
        .output()
        .expect("cargo runs");
    assert!(
        check.status.success(),
        "the generated code does not compile:\n{}",
        String::from_utf8_lossy(&check.stderr)
    );
}

/// Returns how each CloudEvents message of `api` is recognised.
fn recognitions(document: &Document, api: &AsyncApi) -> Vec<Recognition> {
    let channel_messages = api.channels.values().flat_map(|c| c.messages.values());
    let mut seen = Vec::new();
    let mut found = Vec::new();
    for message in channel_messages.chain(api.components.messages.values()) {
        if seen.contains(&message.location) {
            continue;
        }
        seen.push(message.location.clone());
        let headers = message.headers.as_ref().and_then(|s| target(document, s));
        let payload = message.payload.as_ref().and_then(|s| target(document, s));
        let recognition = recognize(
            document,
            message.extensions.get(EXTENSION),
            headers.as_ref(),
            payload.as_ref(),
        );
        if let Ok(Some(recognition)) = recognition {
            found.push(recognition);
        }
    }
    found
}

fn target<'d>(document: &'d Document, schema: &'d SchemaRef) -> Option<Target<'d>> {
    Some(Target {
        file: schema.file,
        pointer: schema.pointer.clone(),
        node: schema.node(document)?,
    })
}

fn write_crate(dir: &Path, modules: &[(String, String)]) {
    let runtime: PathBuf = workspace_root().join("runtime");
    let manifest = format!(
        "[package]\nname = \"hookforge-corpus-cloudevents\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\nhookforge = {{ path = {:?}, features = [\"cloudevents\"] }}\n\n[workspace]\n",
        runtime.canonicalize().unwrap_or(runtime).display().to_string()
    );
    fs::write(dir.join("Cargo.toml"), manifest).expect("writable");
    let mut lib = String::from("#![deny(warnings)]\n#![allow(dead_code, missing_docs)]\n\n");
    for (module, source) in modules {
        let _ = writeln!(lib, "/// Generated from `{source}`.\npub mod {module};");
    }
    fs::write(dir.join("src").join("lib.rs"), lib).expect("writable");
}
