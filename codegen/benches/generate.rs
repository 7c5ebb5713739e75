//! Benchmarks of `generate_types`: load, resolve `$ref`s, validate, read the
//! model, lower the message schemas to Rust types and format the source.
//!
//! Inputs:
//!
//! - the 3 largest root documents of the real-world corpus that generate
//!   without errors, found through `HOOKFORGE_CORPUS` (a relative path is
//!   read against the workspace root). Documents are tried largest first;
//!   one that fails validation or has a payload in another schema format
//!   than JSON Schema is skipped with a message. Without the variable the
//!   corpus is skipped;
//! - a synthetic AsyncAPI 3.0 document with 5,000 schemas (objects that
//!   reference each other in cycles, string enums, arrays, `oneOf` and
//!   `allOf`) and 300 channels, operations and messages whose payloads
//!   reference them.
//!
//! The synthetic document goes to a temporary folder that is removed
//! afterwards, unless `HOOKFORGE_GENERATE_BENCH_DIR` names a folder. Then
//! the benchmark keeps its inputs there for other tools to use: the
//! synthetic document, the generated source of every input (`NAME.rs`) and
//! `inputs.tsv` with one row per input (name, path, size in bytes, number
//! of generated types). `benches/generate-vs-modelina.sh` reads that folder.
//!
//! Run with `cargo bench -p hookforge-codegen --bench generate`.

use std::fmt::Write as _;
use std::fs;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use hookforge_codegen::document::LoadOptions;
use hookforge_codegen::generate_types;

/// Number of schemas in the synthetic document.
const SYNTHETIC_SCHEMAS: usize = 5_000;
/// Number of channels, operations and messages in the synthetic document.
const SYNTHETIC_MESSAGES: usize = 300;
/// Number of corpus documents to measure.
const CORPUS_DOCUMENTS: usize = 3;

/// One document to measure, with the code generated from it once before
/// timing.
struct Input {
    name: String,
    path: PathBuf,
    code: String,
}

/// Returns the root documents listed in the corpus manifest, largest
/// first, or `None` with a message when the corpus is not available.
fn corpus_documents_by_size() -> Option<Vec<PathBuf>> {
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
    let manifest_path = corpus.join("MANIFEST.tsv");
    let manifest = match fs::read_to_string(&manifest_path) {
        Ok(text) => text,
        Err(error) => {
            println!(
                "corpus documents skipped: cannot read {}: {error}",
                manifest_path.display()
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
            .map(|(_, path)| corpus.join(path))
            .collect(),
    )
}

/// Generates each document once, largest first, and keeps the first
/// `count` that produce code.
fn largest_generating_documents(count: usize) -> Vec<Input> {
    let mut inputs = Vec::new();
    for path in corpus_documents_by_size().unwrap_or_default() {
        if inputs.len() == count {
            break;
        }
        let generated = generate_types(&path, LoadOptions::default());
        let Some(code) = generated.code else {
            let first_error = generated
                .validation
                .diagnostics
                .iter()
                .find(|d| d.is_error())
                .map(|d| format!("{:?}: {}", d.code, d.message))
                .unwrap_or_else(|| "no error diagnostic".to_owned());
            println!("skipped {}: {first_error}", path.display());
            continue;
        };
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        inputs.push(Input {
            name: format!("corpus{}-{stem}", inputs.len() + 1),
            path,
            code,
        });
    }
    inputs
}

/// Writes one schema of the synthetic document. Schema kinds repeat in
/// blocks of ten: six objects, then an enum, an array, a `oneOf` and an
/// `allOf`.
fn write_synthetic_schema(out: &mut String, i: usize) {
    // The objects of block `b` are numbered 10b to 10b+5.
    let object = |k: usize| {
        let k = k % SYNTHETIC_SCHEMAS;
        k / 10 * 10 + k % 6
    };
    let enumeration = |k: usize| (k % SYNTHETIC_SCHEMAS) / 10 * 10 + 6;
    let _ = writeln!(out, "    Schema{i}:");
    match i % 10 {
        0..=5 => {
            // `next` chains every object into one cycle; `detail` reaches
            // the array, `oneOf` and `allOf` of the block.
            let next = if i % 10 == 5 { object(i + 5) } else { i + 1 };
            let related = (i * 7 + 3) % SYNTHETIC_SCHEMAS;
            let status = enumeration(i);
            let detail = i / 10 * 10 + 7 + i % 3;
            let _ = write!(
                out,
                "      type: object\n      required: [id, status]\n      properties:\n        \
                 id:\n          type: string\n          format: uuid\n        \
                 count:\n          type: integer\n          minimum: 0\n        \
                 ratio:\n          type: number\n        \
                 status:\n          $ref: '#/components/schemas/Schema{status}'\n        \
                 next:\n          $ref: '#/components/schemas/Schema{next}'\n        \
                 detail:\n          $ref: '#/components/schemas/Schema{detail}'\n        \
                 related:\n          type: array\n          items:\n            \
                 $ref: '#/components/schemas/Schema{related}'\n        \
                 tags:\n          type: array\n          items:\n            type: string\n"
            );
        }
        6 => {
            let _ = write!(
                out,
                "      type: string\n      enum: [pending{i}, active{i}, archived{i}]\n"
            );
        }
        7 => {
            let item = object(i * 3 + 1);
            let _ = write!(
                out,
                "      type: array\n      items:\n        $ref: '#/components/schemas/Schema{item}'\n"
            );
        }
        8 => {
            let (first, second) = (object(i + 11), object(i + 23));
            let _ = write!(
                out,
                "      oneOf:\n        - $ref: '#/components/schemas/Schema{first}'\n        \
                 - $ref: '#/components/schemas/Schema{second}'\n"
            );
        }
        _ => {
            let base = object(i + 37);
            let _ = write!(
                out,
                "      allOf:\n        - $ref: '#/components/schemas/Schema{base}'\n        \
                 - type: object\n          properties:\n            \
                 revision{i}:\n              type: integer\n            \
                 note{i}:\n              type: string\n"
            );
        }
    }
}

/// Writes the synthetic AsyncAPI 3.0 document as YAML.
fn synthetic_document() -> String {
    let mut out = String::new();
    out.push_str("asyncapi: 3.0.0\ninfo:\n  title: Synthetic benchmark\n  version: 1.0.0\n");

    out.push_str("channels:\n");
    for i in 0..SYNTHETIC_MESSAGES {
        let _ = write!(
            out,
            "  channel{i}:\n    address: 'items/c{i}'\n    messages:\n      event{i}:\n        \
             $ref: '#/components/messages/Message{i}'\n"
        );
    }

    out.push_str("operations:\n");
    for i in 0..SYNTHETIC_MESSAGES {
        let action = if i % 2 == 0 { "send" } else { "receive" };
        let _ = write!(
            out,
            "  operation{i}:\n    action: {action}\n    channel:\n      $ref: '#/channels/channel{i}'\n    \
             messages:\n      - $ref: '#/channels/channel{i}/messages/event{i}'\n"
        );
    }

    out.push_str("components:\n  messages:\n");
    for i in 0..SYNTHETIC_MESSAGES {
        // Spread the payloads over every kind of schema.
        let schema = (i * 17) % SYNTHETIC_SCHEMAS;
        let _ = write!(
            out,
            "    Message{i}:\n      name: Message{i}\n      contentType: application/json\n      \
             payload:\n        $ref: '#/components/schemas/Schema{schema}'\n"
        );
    }
    out.push_str("  schemas:\n");
    for i in 0..SYNTHETIC_SCHEMAS {
        write_synthetic_schema(&mut out, i);
    }
    out
}

/// The folder that keeps the inputs, from `HOOKFORGE_GENERATE_BENCH_DIR`.
fn kept_folder() -> Option<PathBuf> {
    std::env::var_os("HOOKFORGE_GENERATE_BENCH_DIR").map(PathBuf::from)
}

/// Writes the synthetic document into `folder` and generates it once.
fn synthetic_input(folder: &Path) -> Input {
    let path = folder.join("synthetic.yaml");
    let written = fs::create_dir_all(folder).and_then(|()| fs::write(&path, synthetic_document()));
    if let Err(error) = written {
        panic!("cannot write {}: {error}", path.display());
    }
    let generated = generate_types(&path, LoadOptions::default());
    let Some(code) = generated.code else {
        let errors: Vec<String> = generated
            .validation
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .take(3)
            .map(|d| format!("{:?}: {}", d.code, d.message))
            .collect();
        panic!("the synthetic document does not generate: {errors:?}");
    };
    Input {
        name: format!("synthetic-{SYNTHETIC_SCHEMAS}-schemas"),
        path,
        code,
    }
}

/// Counts the type definitions in generated source.
fn count_types(code: &str) -> usize {
    code.lines()
        .map(str::trim_start)
        .filter(|line| {
            line.starts_with("pub struct ")
                || line.starts_with("pub enum ")
                || line.starts_with("pub type ")
        })
        .count()
}

/// Writes `NAME.rs` for each input and `inputs.tsv` into `folder`.
fn keep_inputs(folder: &Path, inputs: &[Input]) {
    let mut table = String::from("name\tpath\tbytes\ttypes\n");
    for input in inputs {
        let bytes = fs::metadata(&input.path).map(|m| m.len()).unwrap_or(0);
        let _ = writeln!(
            table,
            "{}\t{}\t{bytes}\t{}",
            input.name,
            input.path.display(),
            count_types(&input.code)
        );
        let source = folder.join(format!("{}.rs", input.name));
        if let Err(error) = fs::write(&source, &input.code) {
            panic!("cannot write {}: {error}", source.display());
        }
    }
    let tsv = folder.join("inputs.tsv");
    if let Err(error) = fs::write(&tsv, table) {
        panic!("cannot write {}: {error}", tsv.display());
    }
}

fn benches(c: &mut Criterion) {
    let keep_folder = kept_folder();
    let folder = keep_folder.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("hookforge-generate-bench-{}", std::process::id()))
    });
    let mut inputs = largest_generating_documents(CORPUS_DOCUMENTS);
    inputs.push(synthetic_input(&folder));
    if keep_folder.is_some() {
        keep_inputs(&folder, &inputs);
    }

    for input in &inputs {
        println!(
            "{}: {} ({} bytes), {} types, {} bytes of Rust",
            input.name,
            input.path.display(),
            fs::metadata(&input.path).map(|m| m.len()).unwrap_or(0),
            count_types(&input.code),
            input.code.len()
        );
        let mut group = c.benchmark_group(format!("generate-{}", input.name));
        group.bench_function("generate_types", |b| {
            b.iter(|| generate_types(black_box(&input.path), LoadOptions::default()))
        });
        group.finish();
    }

    if keep_folder.is_none() {
        let _ = fs::remove_dir_all(&folder);
    }
}

criterion_group! {
    name = generate;
    // One iteration on the synthetic document takes seconds, so ten samples
    // (criterion's minimum) keep the whole run to a few minutes.
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    targets = benches
}
criterion_main!(generate);
