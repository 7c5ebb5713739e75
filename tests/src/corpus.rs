//! Locating the real-world corpus through the `HOOKFORGE_CORPUS` variable.
//!
//! The corpus is not part of the repository: CI points the variable at a
//! copy beside the checkout. Without the variable a suite prints why it did
//! not run; under `CI=true` it fails instead, so CI never passes on a suite
//! that ran nothing.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use hookforge_codegen::document::LoadOptions;

/// Name of the environment variable that names the corpus folder.
pub const CORPUS_VAR: &str = "HOOKFORGE_CORPUS";

/// Returns the corpus folder, or `None` after printing why `suite` did not
/// run.
///
/// A relative value is read against the workspace root first (where CI
/// runs `cargo test`), then against the current directory (the crate
/// folder, where cargo starts test binaries).
///
/// # Panics
///
/// Panics when the variable is unset or names no folder while `CI` is
/// `true`, and when the variable is set but names no folder, because a
/// wrong path is a setup mistake that must not pass silently.
pub fn corpus_dir_or_skip(suite: &str) -> Option<PathBuf> {
    let in_ci = std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true"));
    let Some(value) = std::env::var_os(CORPUS_VAR) else {
        let reason = format!(
            "{suite}: not run because {CORPUS_VAR} is not set; set it to the corpus folder \
             (for example {CORPUS_VAR}=../shared/corpus from the workspace root)"
        );
        assert!(!in_ci, "{reason}, and CI=true forbids skipping it");
        report(&reason);
        return None;
    };
    let given = PathBuf::from(&value);
    let found = candidates(&given)
        .into_iter()
        .find(|p| p.join("MANIFEST.tsv").is_file());
    match found {
        Some(dir) => Some(dir),
        None => panic!(
            "{suite}: {CORPUS_VAR}={} has no MANIFEST.tsv (looked in {})",
            given.display(),
            candidates(&given)
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn candidates(given: &Path) -> Vec<PathBuf> {
    if given.is_absolute() {
        return vec![given.to_path_buf()];
    }
    let workspace_root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    vec![workspace_root.join(given), given.to_path_buf()]
}

/// Writes `line` to the process's stderr, bypassing the test harness's
/// output capture, which hides `println!` and `eprintln!` of passing tests.
/// Suites use it for summaries and skip notices that every run must show.
pub fn report(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// Returns the workspace root, for reading our own fixtures and examples.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Returns the one target folder of every crate of generated code that the
/// suites build, so their dependencies compile once per feature set rather
/// than once per suite. `hookforge-cli`'s `new_projects` test uses it too.
pub fn generated_crates_target() -> PathBuf {
    workspace_root().join("target/generated-crates")
}

/// Runs `cargo run` in `crate_dir`, a crate of generated code, with the
/// shared target folder, and returns its stdout.
///
/// # Panics
///
/// When the crate fails to build or run, or the build prints a warning
/// (generated code must compile without any): the message names `what`
/// and ends with the last lines of cargo's output.
pub fn run_generated_crate(crate_dir: &Path, what: &str) -> String {
    let output = std::process::Command::new(env!("CARGO"))
        .args(["run", "--quiet", "--message-format=short"])
        .current_dir(crate_dir)
        .env("CARGO_TARGET_DIR", generated_crates_target())
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{what} failed to build or run:\n{}",
        tail(&stderr, 80)
    );
    assert!(
        !stderr.contains("warning"),
        "{what} has warnings:\n{}",
        tail(&stderr, 60)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Returns the last `lines` lines of `text`, for failure messages.
pub fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// Copies the workspace's `Cargo.lock` into `crate_dir`, so a crate of
/// generated code resolves the versions the workspace has already built.
pub fn copy_lock_file(crate_dir: &Path) {
    fs::copy(
        workspace_root().join("Cargo.lock"),
        crate_dir.join("Cargo.lock"),
    )
    .expect("Cargo.lock copied into the generated crate");
}

/// Returns the load options for corpus documents: the defaults, except that
/// `$ref`s may leave the folder of the root document. Several multi-file
/// sets of the corpus keep shared parts in a sibling folder
/// (`../common/...`). The corpus is trusted input, so the guard against
/// reading files outside the root folder is off here. The guard's own tests
/// live with the loader.
pub fn corpus_load_options() -> LoadOptions {
    LoadOptions {
        allow_outside_root: true,
        ..LoadOptions::default()
    }
}
