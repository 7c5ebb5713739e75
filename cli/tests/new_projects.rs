//! Projects from `hookforge new` build, run and handle the examples that
//! `hookforge send --examples` posts to them.
//!
//! The test scaffolds the starter document (both sides), two fixtures
//! (request/reply, CloudEvents) and several corpus documents
//! (`HOOKFORGE_CORPUS`), with the Hookforge crates of this workspace as
//! path dependencies. It builds them offline against the workspace's
//! `Cargo.lock` in one cargo workspace, so the dependencies compile once,
//! into the folder that every suite building generated code uses. Then it starts each
//! project's binary on a free loopback port, sends the document's
//! examples, and checks that the project printed every webhook id that
//! `send` reported as accepted.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Output, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::{Duration, Instant};
use std::{env, fs};

use common::TempDir;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// Where a project's document comes from.
enum Source {
    /// The starter document of `hookforge new`.
    Starter,
    /// A file under `tests/fixtures/new/`.
    Fixture(&'static str),
    /// A file under `HOOKFORGE_CORPUS`.
    Corpus(&'static str),
}

/// A project to scaffold: its folder name, its document, the `--side` and
/// the sides whose receivers it runs.
struct Case {
    name: &'static str,
    source: Source,
    side: &'static str,
    receivers: &'static [&'static str],
    /// Text that `send` must print, such as a reply.
    expected_output: Option<&'static str>,
    /// The runtime features the project's `Cargo.toml` must list.
    features: &'static str,
}

const API: &str = "features = [\"api\"]";

const CASES: &[Case] = &[
    Case {
        name: "starter-both",
        source: Source::Starter,
        side: "both",
        receivers: &["provider", "consumer"],
        expected_output: None,
        features: API,
    },
    // 3.0: request/reply, answered with the example reply (200 OK).
    Case {
        name: "quotes",
        source: Source::Fixture("quotes.yaml"),
        side: "consumer",
        receivers: &["consumer"],
        expected_output: Some("  response: {\"priceCents\":2980}"),
        features: API,
    },
    // 3.0: `x-cloudevents`, which needs the runtime's `cloudevents` feature.
    Case {
        name: "cloudevents",
        source: Source::Fixture("cloudevents.yaml"),
        side: "consumer",
        receivers: &["consumer"],
        expected_output: None,
        features: "features = [\"api\", \"cloudevents\"]",
    },
    // 2.2: a `subscribe` operation with headers; the consumer receives it.
    Case {
        name: "v2-headers",
        source: Source::Corpus("v2/parser-js-v1.18.1/asyncapi-messages-example.yml"),
        side: "consumer",
        receivers: &["consumer"],
        expected_output: None,
        features: API,
    },
    // 2.0: two examples, one of them without headers.
    Case {
        name: "v2-signup",
        source: Source::Corpus("v2/tck/asyncapi-2.0/Message_Object/valid.yaml"),
        side: "consumer",
        receivers: &["consumer"],
        expected_output: None,
        features: API,
    },
    // 3.0: `receive` operations on addresses without a leading slash, one
    // without examples; the provider receives them.
    Case {
        name: "v3-audio",
        source: Source::Corpus("v3/bundler/audio.yml"),
        side: "provider",
        receivers: &["provider"],
        expected_output: None,
        features: API,
    },
    // 3.0: an array payload with two examples.
    Case {
        name: "v3-array",
        source: Source::Corpus("v3/jasyncapi/message-of-array-type-asyncapi.yml"),
        side: "provider",
        receivers: &["provider"],
        expected_output: None,
        features: API,
    },
];

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("cli/ is inside the workspace")
        .to_path_buf()
}

fn corpus() -> Option<PathBuf> {
    match env::var_os("HOOKFORGE_CORPUS") {
        Some(path) => {
            let path = PathBuf::from(path);
            let path = if path.is_relative() {
                workspace_root().join(path)
            } else {
                path
            };
            assert!(
                path.join("MANIFEST.tsv").is_file(),
                "HOOKFORGE_CORPUS={} has no MANIFEST.tsv",
                path.display()
            );
            Some(path)
        }
        None if env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("HOOKFORGE_CORPUS is not set; under CI=true the corpus projects must run")
        }
        None => {
            eprintln!(
                "note: HOOKFORGE_CORPUS is not set; only the starter and fixture projects run"
            );
            None
        }
    }
}

fn hookforge(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hookforge"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .env("HOOKFORGE_WEBHOOK_SECRET", SECRET)
        .output()
        .expect("hookforge runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Scaffolds every case into `dir` and returns the cases that ran.
fn scaffold<'a>(dir: &Path, corpus: Option<&Path>) -> Vec<&'a Case> {
    let root = workspace_root().display().to_string();
    let mut scaffolded = Vec::new();
    for case in CASES {
        let mut args = vec!["new", case.name, "--side", case.side, "--yes"];
        args.extend(["--hookforge-path", &root]);
        let document = match (&case.source, corpus) {
            (Source::Starter, _) => None,
            (Source::Fixture(name), _) => Some(
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("tests/fixtures/new")
                    .join(name),
            ),
            (Source::Corpus(relative), Some(corpus)) => Some(corpus.join(relative)),
            (Source::Corpus(_), None) => continue,
        };
        let document = document.map(|path| path.display().to_string());
        if let Some(document) = &document {
            args.extend(["--from", document]);
        }
        let output = hookforge(&args, dir);
        assert!(
            output.status.success(),
            "hookforge new {}: {}",
            case.name,
            text(&output.stderr)
        );
        let manifest =
            fs::read_to_string(dir.join(case.name).join("Cargo.toml")).expect("Cargo.toml");
        assert!(
            manifest.contains(case.features),
            "{}: expected {} in\n{manifest}",
            case.name,
            case.features
        );
        scaffolded.push(case);
    }
    scaffolded
}

/// Builds every project in one cargo workspace, offline.
fn build(dir: &Path, cases: &[&Case]) {
    let members: Vec<String> = cases
        .iter()
        .map(|case| format!("{:?}", case.name))
        .collect();
    fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
            members.join(", ")
        ),
    )
    .expect("workspace manifest");

    // The workspace's versions, so that the offline build finds them all.
    fs::copy(workspace_root().join("Cargo.lock"), dir.join("Cargo.lock")).expect("lock file");
    let started = Instant::now();
    let output = Command::new(env!("CARGO"))
        .args([
            "build",
            "--offline",
            "--workspace",
            "--message-format=short",
        ])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target_dir())
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs");
    let stderr = text(&output.stderr);
    assert!(
        output.status.success(),
        "the projects failed to build:\n{stderr}"
    );
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|line| line.contains("warning:"))
        .collect();
    assert!(
        warnings.is_empty(),
        "the projects built with warnings:\n{stderr}"
    );
    eprintln!(
        "built {} projects in {:.1} s",
        cases.len(),
        started.elapsed().as_secs_f64()
    );
}

/// The target folder of the projects: the one that every suite building
/// generated code uses (`hookforge_tests::corpus::generated_crates_target`),
/// so whichever suite runs first compiles the shared dependencies.
fn target_dir() -> PathBuf {
    workspace_root().join("target/generated-crates")
}

/// A running project whose stdout lines arrive on a channel.
struct Running {
    child: Child,
    lines: Receiver<String>,
    seen: Vec<String>,
}

impl Running {
    fn start(binary: &Path, receivers: &[&str]) -> Running {
        let mut command = Command::new(binary);
        command
            .env("HOOKFORGE_WEBHOOK_SECRET", SECRET)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        if receivers.len() == 1 {
            command.env("HOOKFORGE_LISTEN_ADDR", "127.0.0.1:0");
        } else {
            for side in receivers {
                let variable = format!("HOOKFORGE_{}_LISTEN_ADDR", side.to_ascii_uppercase());
                command.env(variable, "127.0.0.1:0");
            }
        }
        let mut child = command.spawn().expect("the project starts");
        let stdout: ChildStdout = child.stdout.take().expect("piped stdout");
        let (sender, lines) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        Running {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Waits up to 30 s for a line that `matches`, keeping every line.
    fn wait_for(&mut self, what: &str, matches: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        if let Some(line) = self.seen.iter().find(|line| matches(line)) {
            return line.clone();
        }
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if matches(&line) {
                        return line;
                    }
                }
                Err(_) => panic!(
                    "the project did not print {what} within 30 s; it printed:\n{}",
                    self.seen.join("\n")
                ),
            }
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Returns the webhook ids of the accepted requests in `send`'s output.
fn accepted_ids(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter(|line| line.ends_with(": 204 No Content") || line.ends_with(": 200 OK"))
        .filter_map(|line| {
            let start = line.find("(webhook-id ")? + "(webhook-id ".len();
            let end = start + line[start..].find(')')?;
            Some(line[start..end].to_owned())
        })
        .collect()
}

fn run_and_send(dir: &Path, case: &Case) {
    let project = dir.join(case.name);
    let document = ["asyncapi.yaml", "asyncapi.yml", "asyncapi.json"]
        .iter()
        .map(|name| project.join(name))
        .find(|path| path.is_file())
        .expect("the project has its document");
    let document = document.display().to_string();
    let binary = target_dir().join("debug").join(case.name);
    let mut running = Running::start(&binary, case.receivers);
    for side in case.receivers {
        let prefix = format!("{side} listening on http://");
        let line = running.wait_for(&prefix, |line| line.starts_with(&prefix));
        let url = format!("http://{}", &line[prefix.len()..]);
        let output = hookforge(
            &[
                "send",
                "--examples",
                &document,
                "--side",
                side,
                "--to",
                &url,
            ],
            dir,
        );
        let stdout = text(&output.stdout);
        assert!(
            output.status.success(),
            "{}: send to the {side} failed:\n{stdout}{}",
            case.name,
            text(&output.stderr)
        );
        let ids = accepted_ids(&stdout);
        assert!(
            !ids.is_empty(),
            "{}: nothing was accepted:\n{stdout}",
            case.name
        );
        assert!(
            stdout.contains(&format!("{0} sent, {0} accepted, 0 rejected", ids.len())),
            "{}: {stdout}",
            case.name
        );
        if let Some(expected) = case.expected_output {
            assert!(stdout.contains(expected), "{}: {stdout}", case.name);
        }
        for id in &ids {
            let handled = format!("(webhook-id {id})");
            let line = running.wait_for(&handled, |line| {
                line.starts_with("received `") && line.ends_with(&handled)
            });
            assert!(line.contains('`'), "{line}");
        }
        // A wrong secret gets 401, and `send` reports the rejection.
        let output = Command::new(env!("CARGO_BIN_EXE_hookforge"))
            .args([
                "send",
                "--examples",
                &document,
                "--side",
                side,
                "--to",
                &url,
            ])
            .env(
                "HOOKFORGE_WEBHOOK_SECRET",
                "whsec_dGhpcyBpcyBub3QgdGhlIHNlY3JldCAhIQ==",
            )
            .stdin(Stdio::null())
            .output()
            .expect("hookforge runs");
        assert_eq!(output.status.code(), Some(1), "{}", text(&output.stdout));
        assert!(text(&output.stdout).contains("401 Unauthorized, rejected"));
    }
}

#[test]
fn scaffolded_projects_build_run_and_handle_examples() {
    let corpus = corpus();
    let dir = TempDir::new("new-projects");
    let cases = scaffold(&dir.path, corpus.as_deref());
    build(&dir.path, &cases);
    for case in &cases {
        let started = Instant::now();
        run_and_send(&dir.path, case);
        eprintln!(
            "{}: examples handled in {:.1} s",
            case.name,
            started.elapsed().as_secs_f64()
        );
    }
}
