//! Generates code the two ways a crate can at build time, in real crates
//! built by cargo: a `build.rs` with `hookforge_codegen::Builder`, and
//! `hookforge::include_asyncapi!`.
//!
//! The crates live under the workspace's `target/` and share one target
//! folder, so the generator and its dependencies compile once. Builds run
//! with `--offline` against the workspace's `Cargo.lock`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::thread;
use std::time::{Duration, SystemTime};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is inside the workspace")
        .to_path_buf()
}

/// A crate under `target/build-script-tests/<name>`, written afresh.
struct TestCrate {
    dir: PathBuf,
}

impl TestCrate {
    fn new(name: &str, dependencies: &str, build_dependencies: &str) -> TestCrate {
        let root = workspace_root();
        let dir = root.join("target/build-script-tests").join(name);
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("src")).expect("crate folder");
        fs::create_dir_all(dir.join("asyncapi/schemas")).expect("document folder");
        let manifest = format!(
            "[package]\nname = \"hookforge-{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dependencies]\n{dependencies}\n\n[build-dependencies]\n{build_dependencies}\n\n[workspace]\n"
        );
        fs::write(dir.join("Cargo.toml"), manifest).expect("manifest");
        // Same versions as the workspace, so the offline build finds them.
        fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).expect("lock file");
        TestCrate { dir }
    }

    fn write(&self, path: &str, text: &str) -> PathBuf {
        let path = self.dir.join(path);
        fs::write(&path, text).expect("file written");
        path
    }

    fn cargo(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO"))
            .args(args)
            .args(["--offline", "--quiet", "--message-format=short"])
            .current_dir(&self.dir)
            .env(
                "CARGO_TARGET_DIR",
                workspace_root().join("target/generated-crates"),
            )
            .env_remove("RUSTFLAGS")
            .output()
            .expect("cargo runs")
    }

    /// Builds and runs the crate, returning its stdout.
    fn run(&self) -> String {
        let output = self.cargo(&["run"]);
        assert!(
            output.status.success(),
            "the crate failed to build or run:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).expect("UTF-8 output")
    }
}

fn path_text(path: &Path) -> String {
    path.display().to_string().replace('\\', "/")
}

fn runtime_dependency() -> String {
    format!(
        "hookforge = {{ path = {:?} }}",
        path_text(&workspace_root().join("runtime"))
    )
}

const ORDERS: &str = "asyncapi: 3.0.0
info: {title: Orders, version: 1.0.0}
channels:
  orders:
    address: orders
    messages:
      placed:
        payload:
          $ref: '#/components/schemas/Order'
components:
  schemas:
    Order:
      type: object
      required: [id]
      properties:
        id: {type: string}
        total:
          $ref: 'schemas/money.yaml#/Money'
";

const MONEY: &str = "Money:
  type: object
  required: [cents]
  properties:
    cents: {type: integer, minimum: 0, maximum: 1000000}
";

const MONEY_WITH_CURRENCY: &str = "Money:
  type: object
  required: [cents]
  properties:
    cents: {type: integer, minimum: 0, maximum: 1000000}
    currency: {type: string}
";

/// Prints the JSON of an order built through the generated types.
const MAIN: &str = r#"
fn main() {
    let order = orders::Order {
        id: "o-1".to_owned(),
        total: Some(orders::Money { cents: 250, ..Default::default() }),
        additional_properties: Default::default(),
    };
    println!("{}", hookforge::serde_json::to_string(&order).expect("serializes"));
}
"#;

/// The build script's output file: `<target>/debug/build/<package>-<hash>/output`,
/// the most recent one when several exist.
fn build_output(package: &str) -> (PathBuf, String) {
    let build = workspace_root().join("target/generated-crates/debug/build");
    let mut candidates: Vec<(SystemTime, PathBuf)> = fs::read_dir(&build)
        .expect("build folder")
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(&format!("{package}-"))
        })
        .map(|e| e.path().join("output"))
        .filter_map(|p| Some((fs::metadata(&p).ok()?.modified().ok()?, p)))
        .collect();
    candidates.sort();
    let (_, path) = candidates.pop().expect("the build script ran");
    let text = fs::read_to_string(&path).expect("build script output");
    (path, text)
}

fn modified(path: &Path) -> SystemTime {
    fs::metadata(path)
        .and_then(|m| m.modified())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn build_script_generates_watches_and_keeps_unchanged_files() {
    let codegen = workspace_root().join("codegen");
    let krate = TestCrate::new(
        "build-script-builder",
        &runtime_dependency(),
        &format!(
            "hookforge-codegen = {{ path = {:?}, default-features = false }}",
            path_text(&codegen)
        ),
    );
    let document = krate.write("asyncapi/orders.yaml", ORDERS);
    let money = krate.write("asyncapi/schemas/money.yaml", MONEY);
    krate.write(
        "build.rs",
        "fn main() -> Result<(), hookforge_codegen::BuildError> {\n\
         \x20   hookforge_codegen::Builder::new()\n\
         \x20       .file(\"asyncapi/orders.yaml\")\n\
         \x20       .module_name(\"orders\")\n\
         \x20       .extra_derive(\"Eq\")\n\
         \x20       .compile()?;\n\
         \x20   Ok(())\n}\n",
    );
    krate.write(
        "src/main.rs",
        &format!(
            "mod orders {{\n    include!(concat!(env!(\"OUT_DIR\"), \"/orders.rs\"));\n}}\n{MAIN}"
        ),
    );

    assert_eq!(krate.run().trim(), r#"{"id":"o-1","total":{"cents":250}}"#);
    let (output, text) = build_output("hookforge-build-script-builder");
    let mut watched: Vec<PathBuf> = text
        .lines()
        .filter_map(|l| l.strip_prefix("cargo:rerun-if-changed="))
        .map(|p| fs::canonicalize(p).expect("a watched file exists"))
        .collect();
    watched.sort();
    let mut expected = vec![
        fs::canonicalize(&document).expect("document"),
        fs::canonicalize(&money).expect("referenced file"),
    ];
    expected.sort();
    assert_eq!(watched, expected, "{text}");
    let generated = output.with_file_name("out").join("orders.rs");
    let first = modified(&generated);
    let first_run = modified(&output);

    // Touching the document reruns the script, which writes the same code
    // and must leave the file alone.
    thread::sleep(Duration::from_millis(1100));
    krate.write("asyncapi/orders.yaml", ORDERS);
    krate.run();
    let (rerun, _) = build_output("hookforge-build-script-builder");
    assert_ne!(
        modified(&rerun),
        first_run,
        "the build script did not run again"
    );
    assert_eq!(modified(&generated), first, "unchanged code was rewritten");

    // Changing the referenced file regenerates.
    thread::sleep(Duration::from_millis(1100));
    krate.write("asyncapi/schemas/money.yaml", MONEY_WITH_CURRENCY);
    krate.run();
    assert_ne!(modified(&generated), first, "the change was not picked up");
    let code = fs::read_to_string(&generated).expect("generated file");
    assert!(code.contains("pub currency:"), "{code}");

    // A broken document fails the build with located diagnostics.
    krate.write(
        "asyncapi/schemas/money.yaml",
        "Money:\n  type: object\n  required: [cents]\n  properties:\n    cents: {type: integr}\n",
    );
    let failed = krate.cargo(&["build"]);
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(!failed.status.success(), "a broken document built");
    assert!(stderr.contains("schemas/money.yaml:5:"), "{stderr}");
    assert!(stderr.contains("cannot generate code, 1 error"), "{stderr}");
}

#[test]
fn include_macro_expands_and_tracks_the_files_read() {
    let krate = TestCrate::new(
        "build-script-include",
        &format!(
            "hookforge = {{ path = {:?}, features = [\"include\"] }}",
            path_text(&workspace_root().join("runtime"))
        ),
        "",
    );
    krate.write("asyncapi/orders.yaml", ORDERS);
    krate.write("asyncapi/schemas/money.yaml", MONEY);
    krate.write(
        "src/main.rs",
        &format!(
            "mod orders {{\n    hookforge::include_asyncapi!(\"asyncapi/orders.yaml\");\n}}\n{MAIN}"
        ),
    );
    assert_eq!(krate.run().trim(), r#"{"id":"o-1","total":{"cents":250}}"#);

    // The referenced file is an input of the crate: changing it recompiles,
    // and the new field is there.
    krate.write("asyncapi/schemas/money.yaml", MONEY_WITH_CURRENCY);
    krate.write(
        "src/main.rs",
        &format!(
            "mod orders {{\n    hookforge::include_asyncapi!(\"asyncapi/orders.yaml\");\n}}\n{}",
            MAIN.replace(
                "..Default::default()",
                "currency: Some(\"EUR\".to_owned()), ..Default::default()"
            )
        ),
    );
    assert_eq!(
        krate.run().trim(),
        r#"{"id":"o-1","total":{"cents":250,"currency":"EUR"}}"#
    );
    let dep_info = fs::read_dir(workspace_root().join("target/generated-crates/debug/deps"))
        .expect("deps folder")
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "d")
                && p.file_name().is_some_and(|n| {
                    n.to_string_lossy()
                        .starts_with("hookforge_build_script_include-")
                })
        })
        .map(|p| fs::read_to_string(p).unwrap_or_default())
        .collect::<String>();
    assert!(dep_info.contains("schemas/money.yaml"), "{dep_info}");
    assert!(dep_info.contains("asyncapi/orders.yaml"), "{dep_info}");

    // An invalid document is a compile error with its location.
    krate.write(
        "asyncapi/orders.yaml",
        &ORDERS.replace("required: [id]", "required: id"),
    );
    let failed = krate.cargo(&["build"]);
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(!failed.status.success(), "an invalid document compiled");
    assert!(stderr.contains("include_asyncapi!"), "{stderr}");
    assert!(stderr.contains("orders.yaml:14:"), "{stderr}");
}

/// [`ORDERS`] with a Kafka server and an operation on it, which the
/// generator skips with an `unsupported-operation` warning.
fn orders_on_kafka() -> String {
    ORDERS.replace(
        "channels:\n",
        "servers:\n  broker: {host: 'localhost:9092', protocol: kafka}\n\
         operations:\n  publishOrder:\n    action: send\n    channel: {$ref: '#/channels/orders'}\n\
         channels:\n",
    )
}

#[test]
fn include_macro_turns_warnings_into_compiler_warnings() {
    let krate = TestCrate::new(
        "build-script-include-warnings",
        &format!(
            "hookforge = {{ path = {:?}, features = [\"include\"] }}",
            path_text(&workspace_root().join("runtime"))
        ),
        "",
    );
    krate.write("asyncapi/orders.yaml", &orders_on_kafka());
    krate.write("asyncapi/schemas/money.yaml", MONEY);
    krate.write(
        "src/main.rs",
        &format!(
            "mod orders {{\n    hookforge::include_asyncapi!(\"asyncapi/orders.yaml\");\n}}\n{MAIN}"
        ),
    );

    let built = krate.cargo(&["run"]);
    let stderr = String::from_utf8_lossy(&built.stderr);
    assert!(
        built.status.success(),
        "the crate failed to build:\n{stderr}"
    );
    assert_eq!(
        String::from_utf8_lossy(&built.stdout).trim(),
        r#"{"id":"o-1","total":{"cents":250}}"#
    );
    assert!(
        stderr.contains("warning: use of deprecated constant"),
        "{stderr}"
    );
    assert!(
        stderr.contains("warning[unsupported-operation] at asyncapi/orders.yaml:"),
        "{stderr}"
    );
    assert!(
        stderr.contains("operation `publishOrder` uses protocol `kafka`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("skips this operation: no client method, handler method or route"),
        "{stderr}"
    );
    assert!(
        stderr.contains("put #[allow(deprecated)] on the module"),
        "{stderr}"
    );
    assert_eq!(
        stderr.matches("use of deprecated constant").count(),
        1,
        "one warning per diagnostic:\n{stderr}"
    );

    // A document without warnings expands without any.
    krate.write("asyncapi/orders.yaml", ORDERS);
    let clean = krate.cargo(&["build"]);
    let stderr = String::from_utf8_lossy(&clean.stderr);
    assert!(
        clean.status.success(),
        "the crate failed to build:\n{stderr}"
    );
    assert!(!stderr.contains("warning"), "{stderr}");
}
