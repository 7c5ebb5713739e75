//! Bundles every message schema of the corpus into a standalone JSON Schema
//! and checks that the `jsonschema` crate compiles it and agrees with our
//! own example checker.
//!
//! For every corpus document (through `HOOKFORGE_CORPUS`) that our
//! validator accepts, each JSON Schema payload and headers schema of each
//! message goes through `hookforge_codegen::bundle::schema_json`, and the
//! result is compiled as draft-07 with `format` asserted. Each example of
//! the message is then validated against the compiled schema. Our
//! validator warns (`example-mismatch`) about examples that do not match;
//! an example it accepts must also pass the bundled schema. Examples of
//! messages whose traits change the schema are not compared, because our
//! checker does not check them.
//!
//! The test also bundles every multi-file corpus document with
//! `bundle_document` and checks that the bundle has no `$ref` into another
//! file and still validates.

use std::collections::HashSet;
use std::path::Path;

use hookforge::validation::{PayloadError, PayloadSchema};
use hookforge_codegen::bundle::{bundle_document, schema_json, to_yaml};
use hookforge_codegen::diagnostic::{Code, Diagnostic};
use hookforge_codegen::model::{Message, SchemaRef};
use hookforge_codegen::{validate_file, validate_text, Validation};
use hookforge_tests::corpus::{corpus_dir_or_skip, corpus_load_options, report};
use hookforge_tests::manifest;
use jsonschema::Validator;

/// Totals over the corpus.
#[derive(Debug, Default)]
struct Tally {
    documents: usize,
    schemas: usize,
    bundled: usize,
    compiled: usize,
    examples_compared: usize,
    examples_flagged_by_us: usize,
    /// Examples our checker flags that the bundled schema accepts: our
    /// checker is stricter there, which the test reports but allows.
    examples_flagged_only_by_us: usize,
    failures: Vec<String>,
}

fn compile(schema: &serde_json::Value) -> Result<Validator, String> {
    jsonschema::draft7::options()
        .should_validate_formats(true)
        .build(schema)
        .map_err(|error| error.to_string())
}

/// Returns every distinct message of the model: those of channels and
/// those of `components.messages`.
fn messages(validation: &Validation) -> Vec<Message> {
    let Some(api) = validation.model() else {
        return Vec::new();
    };
    let mut seen = HashSet::new();
    let all = api
        .channels
        .values()
        .flat_map(|channel| channel.messages.values())
        .chain(api.components.messages.values());
    all.filter(|m| seen.insert((m.location.file, m.location.pointer.to_string())))
        .cloned()
        .collect()
}

/// Checks whether our checker reported an `example-mismatch` for the `role`
/// (`payload` or `headers`) of example `index` of `message`.
fn flagged_by_us(diagnostics: &[Diagnostic], message: &Message, index: usize, role: &str) -> bool {
    let prefix = format!("{}/examples/{index}", message.location.pointer);
    let wording = format!("example {role} does not match");
    diagnostics.iter().any(|d| {
        d.code == Code::ExampleMismatch
            && d.span.is_some_and(|s| s.file == message.location.file)
            && d.pointer.starts_with(&prefix)
            && d.message.starts_with(&wording)
    })
}

fn check_schema(
    name: &str,
    validation: &Validation,
    message: &Message,
    role: &str,
    schema: &SchemaRef,
    tally: &mut Tally,
) {
    let Some(document) = validation.document.as_ref() else {
        return;
    };
    if !schema.is_json_schema() {
        return;
    }
    tally.schemas += 1;
    let place = format!("{name} {}/{role}", message.location.pointer);
    let bundled = match schema_json(document, schema) {
        Ok(bundled) => bundled,
        Err(error) => {
            tally
                .failures
                .push(format!("{place}: does not bundle: {}", error.message));
            return;
        }
    };
    tally.bundled += 1;
    let validator = match compile(&bundled) {
        Ok(validator) => validator,
        Err(error) => {
            tally
                .failures
                .push(format!("{place}: does not compile: {error}"));
            return;
        }
    };
    tally.compiled += 1;
    if schema.merged.is_some() {
        return;
    }
    for (index, example) in message.examples.iter().enumerate() {
        let value = match role {
            "payload" => example.payload.as_ref(),
            _ => example.headers.as_ref(),
        };
        let Some(value) = value else {
            continue;
        };
        tally.examples_compared += 1;
        if flagged_by_us(&validation.diagnostics, message, index, role) {
            tally.examples_flagged_by_us += 1;
            if validator.is_valid(value) {
                tally.examples_flagged_only_by_us += 1;
            }
            continue;
        }
        let errors: Vec<String> = validator
            .iter_errors(value)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .take(3)
            .collect();
        if !errors.is_empty() {
            tally.failures.push(format!(
                "{place}: example {index} passes our checker but not the bundled schema: {}",
                errors.join("; ")
            ));
        }
    }
}

#[test]
fn corpus_message_schemas_bundle_and_compile() {
    let Some(corpus) = corpus_dir_or_skip("bundle_schemas") else {
        return;
    };
    let rows = manifest::read(&corpus).expect("the manifest parses");
    let mut tally = Tally::default();
    for row in rows.iter().filter(|row| row.is_document() && !row.is_v1()) {
        let path = corpus.join(&row.local_path);
        let validation = validate_file(&path, corpus_load_options());
        if !validation.is_valid() {
            continue;
        }
        tally.documents += 1;
        for message in messages(&validation) {
            if let Some(payload) = &message.payload {
                check_schema(
                    &row.local_path,
                    &validation,
                    &message,
                    "payload",
                    payload,
                    &mut tally,
                );
            }
            if let Some(headers) = &message.headers {
                check_schema(
                    &row.local_path,
                    &validation,
                    &message,
                    "headers",
                    headers,
                    &mut tally,
                );
            }
        }
    }
    report(&format!(
        "bundle_schemas: {} valid documents; {} JSON Schema payload and headers schemas, {} bundled, {} compiled; {} examples compared, {} of them flagged by our checker ({} of those pass the bundled schema)",
        tally.documents,
        tally.schemas,
        tally.bundled,
        tally.compiled,
        tally.examples_compared,
        tally.examples_flagged_by_us,
        tally.examples_flagged_only_by_us
    ));
    assert!(tally.schemas > 0, "the corpus has no message schemas");
    assert!(
        tally.failures.is_empty(),
        "{} failures:\n{}",
        tally.failures.len(),
        tally.failures.join("\n")
    );
}

/// Collects every `$ref` value of `value`, outside data keywords.
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
fn corpus_multi_file_documents_round_trip() {
    let Some(corpus) = corpus_dir_or_skip("bundle_schemas") else {
        return;
    };
    let rows = manifest::read(&corpus).expect("the manifest parses");
    let mut bundled = 0;
    let mut failures = Vec::new();
    let multi_file = rows.iter().filter(|row| {
        row.is_document() && !row.is_v1() && row.features.contains("$ref:external-file")
    });
    for row in multi_file {
        let path = corpus.join(&row.local_path);
        let validation = validate_file(&path, corpus_load_options());
        let (Some(document), Some(version)) = (&validation.document, validation.version) else {
            continue;
        };
        if !validation.is_valid() {
            continue;
        }
        let bundle = match bundle_document(document, version) {
            Ok(bundle) => bundle,
            Err(error) => {
                failures.push(format!("{}: {error}", row.local_path));
                continue;
            }
        };
        let mut targets = Vec::new();
        references(&bundle.document, &mut targets);
        // Only the `$ref`s that did not resolve (into files in another
        // schema format, which the loader does not read) may stay external.
        let external: Vec<&String> = targets.iter().filter(|t| !t.starts_with('#')).collect();
        if external.len() != bundle.unresolved.len() {
            failures.push(format!(
                "{}: external $refs remain: {external:?}, left as written: {:?}",
                row.local_path, bundle.unresolved
            ));
        }
        // Validate the bundle where the original lies, so an unresolved `$ref`
        // into an unread file still resolves relative to it. Both output
        // formats must read back as a valid document.
        let json = serde_json::to_string(&bundle.document).expect("the bundle prints");
        let outputs = [
            ("bundled-by-test.json", json),
            ("bundled-by-test.yaml", to_yaml(&bundle.document)),
        ];
        let mut valid = true;
        for (name, text) in outputs {
            let again = validate_text(&path.with_file_name(name), &text, corpus_load_options());
            if !again.is_valid() {
                let errors: Vec<&str> = again
                    .diagnostics
                    .iter()
                    .filter(|d| d.is_error())
                    .map(|d| d.message.as_str())
                    .take(3)
                    .collect();
                failures.push(format!(
                    "{} as {name}: the bundle is invalid: {errors:?}",
                    row.local_path
                ));
                valid = false;
            }
        }
        if !valid {
            continue;
        }
        bundled += 1;
    }
    report(&format!(
        "bundle_schemas: {bundled} multi-file documents bundled and valid again"
    ));
    assert!(bundled > 0, "the corpus has no valid multi-file documents");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn examples_folder_refunds_round_trips() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/refunds/asyncapi.yaml");
    let validation = validate_file(&path, corpus_load_options());
    let document = validation.document.as_ref().expect("the example loads");
    let version = validation.version.expect("the example has a version");
    let bundle = bundle_document(document, version).expect("the example bundles");
    assert!(bundle.unresolved.is_empty());
    let text = serde_json::to_string(&bundle.document).expect("the bundle prints");
    let again = validate_text(
        Path::new("/nonexistent/refunds.json"),
        &text,
        Default::default(),
    );
    assert!(again.is_valid(), "{:?}", again.diagnostics);
}

/// Runs the bundled payload schema of the refunds example through the
/// runtime's `PayloadSchema`, as a generated receiver does.
#[test]
fn refunds_schema_validates_in_runtime() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/refunds/asyncapi.yaml");
    let validation = validate_file(&path, corpus_load_options());
    let document = validation.document.as_ref().expect("the example loads");
    let message = messages(&validation)
        .into_iter()
        .find(|m| m.name.as_deref() == Some("refund.requested"))
        .expect("the example has a refund.requested message");
    let payload = message.payload.as_ref().expect("the message has a payload");
    let bundled = schema_json(document, payload).expect("the payload bundles");
    // Generated code embeds the schema as a string literal, so the test
    // leaks a string to get the same `&'static str`.
    let text: &'static str = Box::leak(bundled.to_string().into_boxed_str());
    let schema = PayloadSchema::new(text);

    let example = message.examples[0]
        .payload
        .clone()
        .expect("the example has a payload");
    assert_eq!(schema.validate(&example), Ok(()));

    let mut late = example.clone();
    late["timestamp"] = serde_json::json!("yesterday");
    let Err(PayloadError::Invalid(errors)) = schema.validate(&late) else {
        panic!("a timestamp that is not a date-time was accepted");
    };
    assert_eq!(errors.errors[0].instance_path, "/timestamp");
    assert_eq!(errors.errors[0].keyword, "format");

    let mut reason = example;
    reason["data"]["reason"] = serde_json::json!("bored");
    let Err(PayloadError::Invalid(errors)) = schema.validate(&reason) else {
        panic!("a reason outside the enum was accepted");
    };
    assert_eq!(errors.errors[0].instance_path, "/data/reason");
    assert_eq!(errors.errors[0].keyword, "enum");
}
