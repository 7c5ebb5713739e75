//! Compile time of generated code, and the time of a rebuild that has
//! nothing to regenerate.
//!
//! ```sh
//! HOOKFORGE_CORPUS=../shared/corpus cargo bench -p hookforge-tests --bench compile_time
//! ```
//!
//! For each measured document the bench writes a crate under
//! `target/compile-time-bench/`, whose `build.rs` runs
//! `hookforge_codegen::Builder` twice (the document's own side and the
//! mirror side) and whose `main.rs` includes both files. A baseline crate
//! with the same dependencies and an empty `main` is measured in the same
//! run, so the difference is the cost of the generated code. The crates
//! share one target folder and build `--offline` against the workspace's
//! `Cargo.lock`.
//!
//! Measured, `RUNS` times each, reporting the median:
//!
//! - **compile**: `touch src/main.rs; cargo build`: rustc on the crate
//!   with the generated code, the build script not rerun;
//! - **check**: the same with `cargo check`;
//! - **no-op**: `cargo build` with nothing changed;
//! - **touched**: the document's modification time changes but not its
//!   text: the build script reruns, regenerates, and leaves the generated
//!   files alone (the bench fails if their modification time changes);
//! - **peak memory**: the largest resident set of any process of one
//!   compile run (rustc), from `/usr/bin/time -f %M`.
//!
//! Documents: the largest valid document of the corpus by size, and the
//! valid document whose generated senders and receivers are the largest.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

use hookforge_codegen::options::{GenerateOptions, Perspective};

const RUNS: usize = 5;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is inside the workspace")
        .to_path_buf()
}

fn bench_root() -> PathBuf {
    workspace_root().join("target/compile-time-bench")
}

/// One crate of the bench, written afresh.
struct BenchCrate {
    dir: PathBuf,
    document: Option<PathBuf>,
}

impl BenchCrate {
    /// Writes a crate that generates both sides of `document`, or the
    /// baseline crate when `document` is `None`.
    fn new(name: &str, document: Option<&Path>) -> BenchCrate {
        let root = workspace_root();
        let dir = bench_root().join(name);
        let _ = fs::remove_dir_all(&dir);
        // Build script outputs of earlier runs would be found beside the
        // current one; the warm-up run recreates it.
        let build = bench_root().join("target/debug/build");
        for entry in fs::read_dir(build).into_iter().flatten().flatten() {
            if entry
                .file_name()
                .to_string_lossy()
                .starts_with(&format!("bench-{name}-"))
            {
                let _ = fs::remove_dir_all(entry.path());
            }
        }
        fs::create_dir_all(dir.join("src")).expect("crate folder");
        let runtime = root.join("runtime");
        let codegen = root.join("codegen");
        let manifest = format!(
            "[package]\nname = \"bench-{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dependencies]\nhookforge = {{ path = {runtime:?}, features = [\"api\", \"nats\"] }}\n\
             axum = {{ version = \"0.8\", default-features = false }}\n\n\
             [build-dependencies]\nhookforge-codegen = {{ path = {codegen:?} }}\n\n[workspace]\n"
        );
        fs::write(dir.join("Cargo.toml"), manifest).expect("manifest");
        fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).expect("lock file");
        let copied = document.map(|document| {
            // A copy inside the crate, so touching it leaves the corpus alone.
            let extension = document
                .extension()
                .map_or("yaml".into(), |e| e.to_string_lossy());
            let copy = dir.join(format!("asyncapi.{extension}"));
            fs::copy(document, &copy).expect("document copied");
            copy
        });
        match &copied {
            Some(copy) => {
                let name = copy.file_name().expect("a file name").to_string_lossy();
                fs::write(
                    dir.join("build.rs"),
                    format!(
                        "fn main() -> Result<(), hookforge_codegen::BuildError> {{\n\
                         \x20   hookforge_codegen::Builder::new().file({name:?}).module_name(\"application\").compile()?;\n\
                         \x20   hookforge_codegen::Builder::new().file({name:?}).module_name(\"mirror\").mirror().compile()?;\n\
                         \x20   Ok(())\n}}\n"
                    ),
                )
                .expect("build.rs");
                fs::write(
                    dir.join("src/main.rs"),
                    "#![allow(dead_code)]\n\
                     mod application {\n    include!(concat!(env!(\"OUT_DIR\"), \"/application.rs\"));\n}\n\
                     mod mirror {\n    include!(concat!(env!(\"OUT_DIR\"), \"/mirror.rs\"));\n}\n\
                     fn main() {}\n",
                )
                .expect("main.rs");
            }
            None => {
                fs::write(dir.join("src/main.rs"), "fn main() {}\n").expect("main.rs");
            }
        }
        BenchCrate {
            dir,
            document: copied,
        }
    }

    /// Runs `cargo SUBCOMMAND` under `/usr/bin/time`, returning the wall
    /// time and the peak resident set in KiB. Panics when cargo fails:
    /// a bench of code that does not build measures nothing.
    fn cargo(&self, subcommand: &str) -> (Duration, u64) {
        let report = self.dir.join("time.txt");
        let started = Instant::now();
        let output = Command::new("/usr/bin/time")
            .arg("-f")
            .arg("%M")
            .arg("-o")
            .arg(&report)
            .arg(env!("CARGO"))
            .args([subcommand, "--offline", "--quiet", "--message-format=short"])
            .current_dir(&self.dir)
            .env("CARGO_TARGET_DIR", bench_root().join("target"))
            .env_remove("RUSTFLAGS")
            .output()
            .expect("/usr/bin/time and cargo run");
        let elapsed = started.elapsed();
        assert!(
            output.status.success(),
            "cargo {subcommand} failed in {}:\n{}",
            self.dir.display(),
            String::from_utf8_lossy(&output.stderr)
        );
        let warnings = String::from_utf8_lossy(&output.stderr);
        assert!(
            !warnings.contains("warning"),
            "the generated code has warnings:\n{warnings}"
        );
        let peak = fs::read_to_string(&report)
            .ok()
            .and_then(|text| text.trim().lines().last()?.trim().parse().ok())
            .unwrap_or(0);
        (elapsed, peak)
    }

    fn touch(&self, path: &Path) {
        let file = fs::File::options()
            .append(true)
            .open(path)
            .expect("file to touch");
        file.set_modified(SystemTime::now()).expect("mtime set");
    }

    /// Returns the generated files of the build script run that `cargo build`
    /// used last (`cargo check` runs the script in a folder of its own),
    /// with their modification times.
    fn generated_files(&self) -> Vec<(PathBuf, SystemTime)> {
        let build = bench_root().join("target/debug/build");
        let prefix = format!(
            "bench-{}-",
            self.dir
                .file_name()
                .expect("crate folder name")
                .to_string_lossy()
        );
        let latest = fs::read_dir(build)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|entry| entry.file_name().to_string_lossy().starts_with(&prefix))
            .filter(|entry| entry.path().join("out/application.rs").is_file())
            .filter_map(|entry| {
                let ran = fs::metadata(entry.path().join("output"))
                    .ok()?
                    .modified()
                    .ok()?;
                Some((ran, entry.path()))
            })
            .max();
        let Some((_, folder)) = latest else {
            return Vec::new();
        };
        ["application.rs", "mirror.rs"]
            .iter()
            .map(|name| {
                let path = folder.join("out").join(name);
                let modified = fs::metadata(&path)
                    .and_then(|meta| meta.modified())
                    .expect("generated file");
                (path, modified)
            })
            .collect()
    }
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

fn seconds(duration: Duration) -> String {
    format!("{:.2} s", duration.as_secs_f64())
}

/// Medians of one crate's measurements.
struct Measured {
    compile: Duration,
    check: Duration,
    no_op: Duration,
    touched: Option<Duration>,
    peak_kib: u64,
    generated_bytes: u64,
}

fn measure(krate: &BenchCrate) -> Measured {
    // Warm-up: dependencies, the build script, the first compile.
    krate.cargo("build");
    krate.cargo("check");
    let main = krate.dir.join("src/main.rs");
    let mut compile = Vec::new();
    let mut peak_kib = 0;
    for _ in 0..RUNS {
        krate.touch(&main);
        let (elapsed, peak) = krate.cargo("build");
        compile.push(elapsed);
        peak_kib = peak_kib.max(peak);
    }
    let mut check = Vec::new();
    for _ in 0..RUNS {
        krate.touch(&main);
        check.push(krate.cargo("check").0);
    }
    krate.cargo("build");
    let no_op = (0..RUNS).map(|_| krate.cargo("build").0).collect();
    let touched = krate.document.as_ref().map(|document| {
        // One run first, so the script run that `cargo build` uses is the
        // latest one.
        krate.touch(document);
        krate.cargo("build");
        let before = krate.generated_files();
        assert_eq!(before.len(), 2, "both generated files exist");
        let mut runs = Vec::new();
        for _ in 0..RUNS {
            krate.touch(document);
            runs.push(krate.cargo("build").0);
        }
        assert_eq!(
            krate.generated_files(),
            before,
            "an unchanged document rewrote the generated files"
        );
        median(runs)
    });
    let generated_bytes = krate
        .generated_files()
        .iter()
        .map(|(path, _)| fs::metadata(path).map_or(0, |m| m.len()))
        .sum();
    Measured {
        compile: median(compile),
        check: median(check),
        no_op: median(no_op),
        touched,
        peak_kib,
        generated_bytes,
    }
}

/// Returns the valid documents of the corpus with their sizes, from the manifest.
fn valid_documents(corpus: &Path) -> Vec<(PathBuf, u64)> {
    let manifest = fs::read_to_string(corpus.join("MANIFEST.tsv")).expect("MANIFEST.tsv");
    let mut lines = manifest.lines();
    let header: Vec<&str> = lines.next().expect("a header").split('\t').collect();
    let column = |name: &str| {
        header
            .iter()
            .position(|c| *c == name)
            .unwrap_or_else(|| panic!("MANIFEST.tsv has no {name} column"))
    };
    let (path, validity, kind, size) = (
        column("local_path"),
        column("validity"),
        column("kind"),
        column("size_bytes"),
    );
    lines
        .map(|line| line.split('\t').collect::<Vec<_>>())
        .filter(|row| row.get(validity) == Some(&"valid") && row.get(kind) == Some(&"document"))
        .filter_map(|row| Some((corpus.join(row.get(path)?), row.get(size)?.parse().ok()?)))
        .collect()
}

/// Returns the size of the API code (senders, receivers) generated for `path`,
/// both sides; 0 when generation fails.
fn api_size(path: &Path) -> usize {
    [Perspective::Application, Perspective::Mirror]
        .into_iter()
        .map(|perspective| {
            let options = GenerateOptions {
                perspective,
                ..GenerateOptions::default()
            };
            hookforge_codegen::generate(path, &options)
                .code
                .map_or(0, |code| api_part(&code))
        })
        .sum()
}

/// Returns the length of the code from the first API item on; the API follows
/// the types.
fn api_part(code: &str) -> usize {
    ["pub struct Client<", "pub trait Handler", "pub mod servers"]
        .iter()
        .filter_map(|marker| code.find(marker))
        .min()
        .map_or(0, |start| code.len() - start)
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let corpus = PathBuf::from(
        std::env::var_os("HOOKFORGE_CORPUS")
            .expect("set HOOKFORGE_CORPUS to the corpus folder (../shared/corpus)"),
    );
    let documents = valid_documents(&corpus);
    let largest = documents
        .iter()
        .max_by_key(|(_, size)| *size)
        .expect("a valid document")
        .0
        .clone();
    let largest_api = documents
        .iter()
        .map(|(path, _)| (api_size(path), path))
        .max()
        .expect("a valid document");
    assert!(largest_api.0 > 0, "no document gets senders or receivers");

    let subjects = [
        ("largest", Some(largest)),
        ("largest-api", Some(largest_api.1.clone())),
        ("baseline", None),
    ];
    println!("| crate | document | generated | compile | check | no-op | touched | peak RSS |");
    println!("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    let mut baseline = None;
    let mut rows = Vec::new();
    for (name, document) in &subjects {
        let krate = BenchCrate::new(name, document.as_deref());
        let measured = measure(&krate);
        let label = document.as_ref().map_or("(none)".to_owned(), |d| {
            d.strip_prefix(&corpus).unwrap_or(d).display().to_string()
        });
        println!(
            "| {name} | {label} | {} B | {} | {} | {} | {} | {} MiB |",
            measured.generated_bytes,
            seconds(measured.compile),
            seconds(measured.check),
            seconds(measured.no_op),
            measured.touched.map_or("-".to_owned(), seconds),
            measured.peak_kib / 1024,
        );
        if document.is_none() {
            baseline = Some(measured.compile);
        } else {
            rows.push((name, measured.compile));
        }
    }
    if let Some(baseline) = baseline {
        for (name, compile) in rows {
            println!(
                "{name}: compile {:.2}x the baseline ({} more)",
                compile.as_secs_f64() / baseline.as_secs_f64(),
                seconds(compile.saturating_sub(baseline)),
            );
        }
    }
}
