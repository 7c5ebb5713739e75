//! Generating code from a `build.rs` script: [`Builder`].
//!
//! # A complete example
//!
//! The crate keeps its document in `asyncapi/orders.yaml` and lists the
//! generator as a build dependency:
//!
//! ```toml
//! [dependencies]
//! hookforge = "0.1"
//!
//! [build-dependencies]
//! hookforge-codegen = "0.1"
//! ```
//!
//! `build.rs` writes `orders.rs` into `OUT_DIR`:
//!
//! ```no_run
//! // build.rs
//! fn main() -> Result<(), hookforge_codegen::BuildError> {
//!     hookforge_codegen::Builder::new()
//!         .file("asyncapi/orders.yaml")
//!         .extra_derive("Hash")
//!         .replace_type("Money", "crate::money::Money")
//!         .compile()?;
//!     Ok(())
//! }
//! ```
//!
//! and the crate includes it where the types belong:
//!
//! ```ignore
//! // src/lib.rs
//! pub mod money;
//!
//! pub mod orders {
//!     include!(concat!(env!("OUT_DIR"), "/orders.rs"));
//! }
//! ```
//!
//! Cargo runs the script again only when `build.rs`, the document or a
//! file it references changes. When the document has errors, the build
//! fails with each problem shown as `file:line:column`, the source line
//! and a hint, as `hookforge validate` shows them.

use std::collections::HashMap;
use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::options::{GenerateOptions, Perspective};
use crate::output::{write_if_changed, WriteError};
use crate::typegen::names::snake_case;
use crate::GeneratedCode;

/// Generates Rust code from AsyncAPI documents in a build script, writing
/// one `<module>.rs` file per document into `OUT_DIR`.
///
/// Settings other than the documents and their module names apply to
/// every document. [`Builder::compile`] prints the files for cargo to
/// watch and writes a file only when its content changes, so an unchanged
/// document does not make cargo rebuild the crate.
///
/// See the [module documentation](crate::builder) for the `build.rs` and
/// `include!` lines of a complete example.
///
/// # Examples
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let dir = std::env::temp_dir().join(format!("hookforge-builder-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// std::fs::write(dir.join("orders.v1.yaml"), "\
/// asyncapi: 3.0.0
/// info: {title: Orders, version: '1'}
/// channels:
///   orders:
///     messages:
///       placed:
///         payload: {type: object, properties: {id: {type: string}}}
/// ")?;
/// let written = hookforge_codegen::Builder::new()
///     .file(dir.join("orders.v1.yaml"))
///     .extra_derive("Eq")
///     .out_dir(dir.join("out"))
///     .compile()?;
/// assert_eq!(written, [dir.join("out").join("orders_v1.rs")]);
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug, Default)]
#[must_use = "a Builder does nothing until `compile` is called"]
pub struct Builder {
    documents: Vec<Input>,
    options: GenerateOptions,
    out_dir: Option<PathBuf>,
    /// A module name given before any document, reported by `compile`.
    stray_module_name: Option<String>,
}

#[derive(Clone, Debug)]
struct Input {
    path: PathBuf,
    module_name: Option<String>,
}

impl Builder {
    /// Starts a builder with no documents and default options.
    pub fn new() -> Builder {
        Builder::default()
    }

    /// Adds a document. Several documents give several files. A relative
    /// path is taken against the working directory, which cargo sets to
    /// the package root for a build script.
    pub fn file(mut self, path: impl AsRef<Path>) -> Builder {
        self.documents.push(Input {
            path: path.as_ref().to_path_buf(),
            module_name: None,
        });
        self
    }

    /// Names the output of the document added last: `name` gives
    /// `<name>.rs`. It must be a Rust identifier. Without it the name is
    /// the document's file stem made into one (`orders.v1.yaml` gives
    /// `orders_v1.rs`).
    pub fn module_name(mut self, name: impl Into<String>) -> Builder {
        let name = name.into();
        match self.documents.last_mut() {
            Some(input) => input.module_name = Some(name),
            None => self.stray_module_name = Some(name),
        }
        self
    }

    /// Sets whose side the generated senders and handlers take.
    pub fn perspective(mut self, perspective: Perspective) -> Builder {
        self.options.perspective = perspective;
        self
    }

    /// Generates the counterpart of the application the documents
    /// describe: [`Perspective::Mirror`].
    pub fn mirror(self) -> Builder {
        self.perspective(Perspective::Mirror)
    }

    /// Adds a derive to every generated struct and enum, by path (`"Hash"`,
    /// `"schemars::JsonSchema"`). See
    /// [`render_with`](crate::typegen::emit::render_with) for which types
    /// get it.
    pub fn extra_derive(mut self, path: impl Into<String>) -> Builder {
        self.options.extra_derives.push(path.into());
        self
    }

    /// Replaces a schema by a type of the application: `schema` is a
    /// component schema name (`"Money"`) or a JSON pointer into the root
    /// document (`"/components/schemas/Money"`), `rust_path` the type
    /// (`"crate::money::Money"`). The schema gets no generated type. The
    /// type must implement `Debug`, `Clone`, `PartialEq`, serde's
    /// `Serialize` and `Deserialize`, and every extra derive.
    pub fn replace_type(
        mut self,
        schema: impl Into<String>,
        rust_path: impl Into<String>,
    ) -> Builder {
        self.options
            .type_replacements
            .push((schema.into(), rust_path.into()));
        self
    }

    /// Sets the folder that `$ref`s may not lead out of; by default, the
    /// folder of each document.
    pub fn root_dir(mut self, dir: impl AsRef<Path>) -> Builder {
        self.options.load.root_dir = Some(dir.as_ref().to_path_buf());
        self
    }

    /// Lets `$ref`s lead to files outside the root folder.
    pub fn allow_outside_root(mut self) -> Builder {
        self.options.load.allow_outside_root = true;
        self
    }

    /// Sets the folder the files are written to; by default `OUT_DIR`,
    /// which cargo sets for build scripts.
    pub fn out_dir(mut self, dir: impl AsRef<Path>) -> Builder {
        self.out_dir = Some(dir.as_ref().to_path_buf());
        self
    }

    /// Generates every document and writes `<module>.rs` for each into the
    /// output folder, returning the paths written (or left unchanged) in
    /// the order the documents were added.
    ///
    /// Prints `cargo:rerun-if-changed=` for every file read (each document
    /// and every file its `$ref`s name) and `cargo:warning=` lines for the
    /// warnings found. A file is rewritten only when its content changes.
    /// Fails when a setting is wrong or any document has an error; no file
    /// is written then, and the error lists every problem.
    pub fn compile(&self) -> Result<Vec<PathBuf>, BuildError> {
        let stdout = io::stdout();
        self.compile_to(&mut stdout.lock())
    }

    /// [`Builder::compile`], printing the cargo instructions to `cargo`.
    fn compile_to(&self, cargo: &mut dyn Write) -> Result<Vec<PathBuf>, BuildError> {
        if let Some(name) = &self.stray_module_name {
            return Err(BuildError::ModuleNameWithoutFile { name: name.clone() });
        }
        if self.documents.is_empty() {
            return Err(BuildError::NoDocuments);
        }

        let out_dir = match &self.out_dir {
            Some(dir) => dir.clone(),
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or(BuildError::NoOutDir)?,
        };
        let targets = self.targets(&out_dir)?;

        let mut failures = String::new();
        let mut errors = Vec::new();
        let mut outputs = Vec::new();
        for (input, target) in self.documents.iter().zip(targets) {
            let generated = crate::generate(&input.path, &self.options);
            announce(cargo, &input.path, &generated).map_err(BuildError::Cargo)?;
            match generated.code {
                Some(code) => outputs.push((target, code)),
                None => {
                    failures.push_str(&generated.error_report(&input.path));
                    errors.extend(generated.validation.diagnostics);
                }
            }
        }

        if !failures.is_empty() {
            return Err(BuildError::Invalid {
                report: failures,
                diagnostics: errors,
            });
        }

        let mut written = Vec::with_capacity(outputs.len());
        for (target, code) in outputs {
            write_if_changed(&target, &code)?;
            written.push(target);
        }
        Ok(written)
    }

    /// Returns the output file of each document, after checking module
    /// names and collisions.
    fn targets(&self, out_dir: &Path) -> Result<Vec<PathBuf>, BuildError> {
        let mut seen: HashMap<String, &Path> = HashMap::new();
        let mut targets = Vec::with_capacity(self.documents.len());
        for input in &self.documents {
            let name = match &input.module_name {
                Some(name) if syn::parse_str::<syn::Ident>(name).is_ok() => name.clone(),
                Some(name) => return Err(BuildError::InvalidModuleName { name: name.clone() }),
                None => default_module_name(&input.path),
            };
            if let Some(first) = seen.insert(name.clone(), &input.path) {
                return Err(BuildError::DuplicateModule {
                    name,
                    first: first.to_path_buf(),
                    second: input.path.clone(),
                });
            }
            targets.push(out_dir.join(format!("{}.rs", name.trim_start_matches("r#"))));
        }
        Ok(targets)
    }
}

/// Returns the default module name of a document: its file stem as a snake-case Rust
/// identifier, without a raw `r#` prefix.
fn default_module_name(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    snake_case(&stem, "asyncapi")
        .trim_start_matches("r#")
        .to_owned()
}

/// Prints the cargo instructions for one document: a `rerun-if-changed`
/// line per file read (the document itself when it could not be read, so
/// cargo runs the script again once it appears) and its warnings.
fn announce(cargo: &mut dyn Write, path: &Path, generated: &GeneratedCode) -> io::Result<()> {
    let mut files: Vec<PathBuf> = match &generated.validation.document {
        Some(document) => document.files_read().map(absolute).collect(),
        None => vec![absolute(path)],
    };
    files.dedup();
    for file in files {
        writeln!(cargo, "cargo:rerun-if-changed={}", file.display())?;
    }
    if generated.code.is_some() {
        for line in generated.warning_report(path).lines() {
            if !line.trim().is_empty() {
                writeln!(cargo, "cargo:warning={line}")?;
            }
        }
    }
    Ok(())
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Why [`Builder::compile`] failed.
///
/// `Debug` shows the same text as `Display`, so a build script that
/// returns the error from `main` or calls `expect` on it prints the
/// rendered diagnostics rather than a structure dump.
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// A document has errors, or an option does not fit it.
    #[error("{report}")]
    Invalid {
        /// Every failing document's diagnostics, rendered like the output
        /// of `hookforge validate`.
        report: String,
        /// The diagnostics of the failing documents, warnings included.
        diagnostics: Vec<Diagnostic>,
    },
    /// `compile` was called without a document.
    #[error("hookforge: no AsyncAPI document to generate from; add one with `Builder::file`")]
    NoDocuments,
    /// `module_name` was called before any `file`.
    #[error("hookforge: module name {name:?} given before any document; call `module_name` after the `file` it names")]
    ModuleNameWithoutFile {
        /// The name given.
        name: String,
    },
    /// A module name is not a Rust identifier.
    #[error("hookforge: module name {name:?} is not a Rust identifier")]
    InvalidModuleName {
        /// The name given.
        name: String,
    },
    /// Two documents would write the same file.
    #[error(
        "hookforge: {} and {} would both write {name}.rs; give one of them another `module_name`",
        first.display(),
        second.display()
    )]
    DuplicateModule {
        /// The shared module name.
        name: String,
        /// The document added first.
        first: PathBuf,
        /// The document added later.
        second: PathBuf,
    },
    /// No output folder was set and `OUT_DIR` is not set, as happens
    /// outside a build script.
    #[error("hookforge: OUT_DIR is not set; run from a build script or call `Builder::out_dir`")]
    NoOutDir,
    /// A generated file could not be written.
    #[error("hookforge: {0}")]
    Write(#[from] WriteError),
    /// The cargo instructions could not be printed.
    #[error("hookforge: cannot print cargo instructions: {0}")]
    Cargo(#[source] io::Error),
}

impl fmt::Debug for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;

    struct Scratch(PathBuf);

    impl Scratch {
        fn new(name: &str) -> Scratch {
            let dir = std::env::temp_dir()
                .join(format!("hookforge-builder-{name}-{}", std::process::id()));
            let _ = fs::remove_dir_all(&dir);
            fs::create_dir_all(&dir).expect("temp folder");
            Scratch(dir)
        }

        fn write(&self, name: &str, text: &str) -> PathBuf {
            let path = self.0.join(name);
            fs::write(&path, text).expect("write fixture");
            path
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    const DOC: &str = "asyncapi: 3.0.0
info: {title: T, version: '1'}
channels:
  c:
    messages:
      m:
        payload: {$ref: 'schemas.yaml#/Thing'}
";
    const SCHEMAS: &str = "Thing: {type: object, properties: {id: {type: string}}}\n";

    fn run(builder: &Builder) -> (Result<Vec<PathBuf>, BuildError>, String) {
        let mut cargo = Vec::new();
        let result = builder.compile_to(&mut cargo);
        (result, String::from_utf8(cargo).expect("utf-8"))
    }

    #[test]
    fn prints_every_file_read_and_writes_the_module() {
        let dir = Scratch::new("files");
        let doc = dir.write("my-orders.yaml", DOC);
        let schemas = dir.write("schemas.yaml", SCHEMAS);
        let (result, cargo) = run(&Builder::new().file(&doc).out_dir(dir.0.join("out")));
        let written = result.expect("generates");
        assert_eq!(written, [dir.0.join("out/my_orders.rs")]);
        let mut lines: Vec<&str> = cargo.lines().collect();
        lines.sort_unstable();
        let mut expected = vec![
            format!("cargo:rerun-if-changed={}", doc.display()),
            format!("cargo:rerun-if-changed={}", schemas.display()),
        ];
        expected.sort_unstable();
        assert_eq!(lines, expected);
        let code = fs::read_to_string(&written[0]).expect("written");
        assert!(code.contains("pub struct Thing"), "{code}");
    }

    #[test]
    fn invalid_document_fails_with_locations() {
        let dir = Scratch::new("invalid");
        let good = dir.write("good.yaml", DOC);
        dir.write("schemas.yaml", SCHEMAS);
        let bad = dir.write("bad.yaml", "asyncapi: 3.0.0\ninfo: {title: T}\n");
        let builder = Builder::new()
            .file(&good)
            .file(&bad)
            .out_dir(dir.0.join("out"));
        let (result, cargo) = run(&builder);
        let error = result.expect_err("bad.yaml is invalid");
        let text = error.to_string();
        assert!(
            text.contains(&format!("{}: cannot generate code, 1 error", bad.display())),
            "{text}"
        );
        assert!(text.contains(&format!("{}:2:1", bad.display())), "{text}");
        assert!(
            text.contains("missing the required field `version`"),
            "{text}"
        );
        assert_eq!(format!("{error:?}"), text);
        assert!(cargo.contains(&format!("cargo:rerun-if-changed={}", bad.display())));
        assert!(!dir.0.join("out").exists());
    }

    #[test]
    fn warnings_become_cargo_warning_lines() {
        let dir = Scratch::new("warnings");
        let doc = dir.write(
            "empty.yaml",
            "asyncapi: 3.0.0\ninfo: {title: T, version: '1'}\n",
        );
        let (result, cargo) = run(&Builder::new().file(&doc).out_dir(&dir.0));
        result.expect("a warning does not fail the build");
        assert!(
            cargo.contains("cargo:warning=warning[nothing-to-generate]"),
            "{cargo}"
        );
        assert!(cargo.lines().all(|l| l.starts_with("cargo:")), "{cargo}");
    }

    #[test]
    fn settings_are_checked_before_generating() {
        let dir = Scratch::new("settings");
        let doc = dir.write("a.yaml", DOC);
        dir.write("schemas.yaml", SCHEMAS);
        let out = || Builder::new().out_dir(&dir.0);
        let cases = [
            (out(), "no AsyncAPI document"),
            (out().module_name("x").file(&doc), "before any document"),
            (
                out().file(&doc).module_name("not-an-ident"),
                "not a Rust identifier",
            ),
            (out().file(&doc).file(&doc), "would both write a.rs"),
        ];
        for (builder, expected) in cases {
            let (result, cargo) = run(&builder);
            let text = result.expect_err(expected).to_string();
            assert!(text.contains(expected), "{text}");
            assert!(cargo.is_empty(), "{cargo}");
        }
        let (result, _) = run(&out().file(&doc).module_name("orders"));
        assert!(result.is_ok_and(|files| files == [dir.0.join("orders.rs")]));
    }
}
