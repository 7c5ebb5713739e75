//! Benchmarks of `validate_file` (load, resolve `$ref`s, validate).
//!
//! Inputs:
//!
//! - the 3 largest root documents of the real-world corpus, found through
//!   `HOOKFORGE_CORPUS` (a relative path is read against the workspace
//!   root). Without the variable they are skipped with a message;
//! - a synthetic AsyncAPI 3.0 document that this benchmark writes to a
//!   temporary folder: 1,000 channels with parameters, 1,000 operations,
//!   1,000 messages whose payloads reference schemas, and 5,000 schemas
//!   that reference each other.
//!
//! Each input is measured three ways: `validate_file` (the whole check),
//! `Document::load` (parse into spanned trees and resolve every `$ref`,
//! without validation), and `saphyr-parser` alone (read the file, pull
//! every YAML event) as a baseline. The ratio of a median to the baseline
//! median shows our overhead over the bare parser.
//!
//! Run with `cargo bench -p hookforge-codegen --bench validate`.

use std::fmt::Write as _;
use std::fs;
use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, Criterion};
use hookforge_codegen::document::{Document, LoadOptions};
use hookforge_codegen::validate_file;
use saphyr_parser::Parser;

/// Number of schemas in the synthetic document.
const SYNTHETIC_SCHEMAS: usize = 5_000;
/// Number of channels (and of operations and messages) in the synthetic
/// document.
const SYNTHETIC_CHANNELS: usize = 1_000;

/// Reads the file and pulls every YAML event, the least any loader does.
fn parse_events(path: &Path) -> usize {
    let text = fs::read_to_string(path).unwrap_or_default();
    Parser::new_from_str(&text).count()
}

/// Returns the `count` largest root documents listed in the corpus
/// manifest, largest first, or `None` with a message when the corpus is
/// not available.
fn largest_corpus_documents(count: usize) -> Option<Vec<PathBuf>> {
    let Some(value) = std::env::var_os("HOOKFORGE_CORPUS") else {
        println!("corpus documents skipped: HOOKFORGE_CORPUS is not set");
        return None;
    };
    let given = PathBuf::from(value);
    let corpus = if given.is_absolute() {
        given
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(given)
    };
    let corpus = fs::canonicalize(&corpus).unwrap_or(corpus);
    let manifest = match fs::read_to_string(corpus.join("MANIFEST.tsv")) {
        Ok(text) => text,
        Err(error) => {
            println!(
                "corpus documents skipped: cannot read {}: {error}",
                corpus.join("MANIFEST.tsv").display()
            );
            return None;
        }
    };

    let mut lines = manifest.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split('\t').collect();
    let column = |name: &str| header.iter().position(|h| *h == name);
    let (Some(path_at), Some(size_at), Some(kind_at)) =
        (column("local_path"), column("size_bytes"), column("kind"))
    else {
        println!("corpus documents skipped: MANIFEST.tsv lacks local_path, size_bytes or kind");
        return None;
    };

    let mut documents: Vec<(u64, String)> = lines
        .map(|line| line.split('\t').collect::<Vec<_>>())
        .filter(|fields| fields.get(kind_at) == Some(&"document"))
        .filter_map(|fields| {
            let size = fields.get(size_at)?.parse().ok()?;
            Some((size, (*fields.get(path_at)?).to_owned()))
        })
        .collect();
    documents.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    Some(
        documents
            .into_iter()
            .take(count)
            .map(|(_, path)| corpus.join(path))
            .collect(),
    )
}

/// Writes the synthetic AsyncAPI 3.0 document as YAML.
fn synthetic_document() -> String {
    let mut out = String::new();
    out.push_str("asyncapi: 3.0.0\ninfo:\n  title: Synthetic benchmark\n  version: 1.0.0\n");

    out.push_str("channels:\n");
    for i in 0..SYNTHETIC_CHANNELS {
        let _ = write!(
            out,
            "  channel{i}:\n    address: 'tenants/{{tenantId}}/items/{{itemId}}/c{i}'\n    parameters:\n      \
             tenantId:\n        description: Tenant of the item.\n      itemId:\n        \
             $ref: '#/components/parameters/itemId'\n    messages:\n      event{i}:\n        \
             $ref: '#/components/messages/message{i}'\n"
        );
    }

    out.push_str("operations:\n");
    for i in 0..SYNTHETIC_CHANNELS {
        let action = if i % 2 == 0 { "send" } else { "receive" };
        let _ = write!(
            out,
            "  operation{i}:\n    action: {action}\n    channel:\n      $ref: '#/channels/channel{i}'\n    \
             messages:\n      - $ref: '#/channels/channel{i}/messages/event{i}'\n"
        );
    }

    out.push_str(
        "components:\n  parameters:\n    itemId:\n      description: Identifier of the item.\n",
    );
    out.push_str("  messages:\n");
    for i in 0..SYNTHETIC_CHANNELS {
        let schema = (i * 5) % SYNTHETIC_SCHEMAS;
        let _ = write!(
            out,
            "    message{i}:\n      name: message{i}\n      contentType: application/json\n      \
             payload:\n        $ref: '#/components/schemas/Schema{schema}'\n"
        );
    }
    out.push_str("  schemas:\n");
    for i in 0..SYNTHETIC_SCHEMAS {
        let next = (i + 1) % SYNTHETIC_SCHEMAS;
        let other = (i * 7 + 3) % SYNTHETIC_SCHEMAS;
        let _ = write!(
            out,
            "    Schema{i}:\n      type: object\n      required: [id]\n      properties:\n        \
             id:\n          type: string\n          format: uuid\n        count:\n          \
             type: integer\n          minimum: 0\n        next:\n          \
             $ref: '#/components/schemas/Schema{next}'\n        related:\n          type: array\n          \
             items:\n            $ref: '#/components/schemas/Schema{other}'\n"
        );
    }
    out
}

/// Writes the synthetic document into a fresh temporary folder.
fn write_synthetic() -> PathBuf {
    let folder = std::env::temp_dir().join(format!("hookforge-bench-{}", std::process::id()));
    let path = folder.join("synthetic.yaml");
    let written = fs::create_dir_all(&folder).and_then(|()| fs::write(&path, synthetic_document()));
    if let Err(error) = written {
        panic!("cannot write {}: {error}", path.display());
    }
    path
}

fn bench_one(c: &mut Criterion, name: &str, path: &Path) {
    let check = validate_file(path, LoadOptions::default());
    let errors = check.diagnostics.iter().filter(|d| d.is_error()).count();
    println!(
        "{name}: {} ({} bytes), {errors} errors, {} warnings",
        path.display(),
        fs::metadata(path).map(|m| m.len()).unwrap_or(0),
        check.diagnostics.len() - errors
    );
    let mut group = c.benchmark_group(name);
    group.bench_function("validate_file", |b| {
        b.iter(|| validate_file(black_box(path), LoadOptions::default()))
    });
    group.bench_function("load_resolve", |b| {
        b.iter(|| Document::load(black_box(path), LoadOptions::default()))
    });
    group.bench_function("saphyr_events", |b| {
        b.iter(|| parse_events(black_box(path)))
    });
    group.finish();
}

fn benches(c: &mut Criterion) {
    if let Some(documents) = largest_corpus_documents(3) {
        for (rank, path) in documents.iter().enumerate() {
            let name = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            bench_one(c, &format!("corpus{}-{name}", rank + 1), path);
        }
    }
    let synthetic = write_synthetic();
    bench_one(c, "synthetic-5000-schemas", &synthetic);
    if let Some(folder) = synthetic.parent() {
        let _ = fs::remove_dir_all(folder);
    }
}

criterion_group! {
    name = validate;
    config = Criterion::default().sample_size(20);
    targets = benches
}
criterion_main!(validate);
