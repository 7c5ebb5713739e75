//! `hookforge new`: a cargo project that receives a document's webhooks.
//!
//! The command checks the folder, picks the side (asking on a terminal),
//! generates the side's code once to learn its handler and client
//! methods, renders the templates of `templates/project/` and writes the
//! files. Nothing is written until every check has passed.

use std::fs;
use std::io::{self, BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use clap::{Args, ValueEnum};
use hookforge_codegen::bundle::{bundle_document, to_yaml};

use crate::load_args::LoadArgs;
use crate::scaffold::context::{ContextInput, DependencySource};
use crate::scaffold::{self, ProjectFile};
use crate::side::{generate_side, DocumentError, Side, SideCode};

/// The help text after the options of `hookforge new`.
pub const AFTER_HELP: &str = "Sides:
  provider  the application the document describes: receives its `receive`
            operations (2.x `publish`) and sends its `send` operations
  consumer  its counterpart, such as a webhook subscriber: receives the
            `send` operations (2.x `subscribe`) and sends the `receive` ones
  both      one project with a module and a receiver for each side

The project: Cargo.toml, build.rs (hookforge_codegen::Builder), src/main.rs,
src/config.rs, src/<side>.rs with a handler that prints each message,
README.md, .env.example, .gitignore, and the document as asyncapi.yaml
(asyncapi.json for a JSON document; a document split over several files is
bundled into one). `cargo run` starts the receiver; it needs
HOOKFORGE_WEBHOOK_SECRET and listens on HOOKFORGE_LISTEN_ADDR (default
127.0.0.1:PORT), or with --side both on HOOKFORGE_PROVIDER_LISTEN_ADDR and
HOOKFORGE_CONSUMER_LISTEN_ADDR. `hookforge send --examples` posts the
document's example messages to it.

On a terminal, the side and port are asked for unless given; --yes takes
the defaults instead.

Exit status:
  0  the project was written
  1  the document is invalid, or the side receives no HTTP operation
  2  a usage error, a folder that exists and is not empty, or a file that
     could not be read or written";

/// The side or sides of the project.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SideChoice {
    /// The application the document describes.
    Provider,
    /// The counterpart of that application, such as a webhook subscriber.
    Consumer,
    /// Both sides in one project.
    Both,
}

impl SideChoice {
    fn sides(self) -> Vec<Side> {
        match self {
            SideChoice::Provider => vec![Side::Provider],
            SideChoice::Consumer => vec![Side::Consumer],
            SideChoice::Both => vec![Side::Provider, Side::Consumer],
        }
    }
}

/// The side when none is given: most projects consume a provider's
/// webhooks.
const DEFAULT_SIDE: SideChoice = SideChoice::Consumer;

/// The first listening port when none is given.
const DEFAULT_PORT: u16 = 3000;

/// Options of `hookforge new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// The project folder to create; it may exist if it is empty. Its
    /// last component is the package name: letters, digits, `-` and `_`,
    /// starting with a letter, and not `hookforge` or `hookforge-codegen`.
    #[arg(value_name = "NAME")]
    name: PathBuf,

    /// The AsyncAPI document to build the project from. Without it, a
    /// starter AsyncAPI 3.0 document is written into the project.
    #[arg(long, value_name = "SPEC")]
    from: Option<PathBuf>,

    /// The side of the document the project takes [default: consumer].
    #[arg(long, value_enum)]
    side: Option<SideChoice>,

    /// The port the receiver listens on by default; with `--side both`
    /// the provider gets PORT and the consumer PORT+1 [default: 3000].
    #[arg(long, value_name = "PORT")]
    port: Option<u16>,

    /// Take the defaults instead of asking, for scripts. Without a
    /// terminal on stdin, nothing is asked anyway.
    #[arg(long, short = 'y')]
    yes: bool,

    /// Depend on the Hookforge crates of the checkout DIR by path (its
    /// `runtime/` and `codegen/` folders) instead of by crates.io version.
    #[arg(long, value_name = "DIR")]
    hookforge_path: Option<PathBuf>,

    #[command(flatten)]
    load: LoadArgs,
}

/// A failure of `hookforge new`, with its exit code.
#[derive(Debug, thiserror::Error)]
enum NewError {
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Document(#[from] DocumentError),
    #[error("{0}")]
    NothingToReceive(String),
    #[error("{0}")]
    Io(String),
}

impl NewError {
    fn exit_code(&self) -> ExitCode {
        match self {
            NewError::Usage(_) | NewError::Io(_) => ExitCode::from(2),
            NewError::Document(error) => ExitCode::from(error.exit_code()),
            NewError::NothingToReceive(_) => ExitCode::from(1),
        }
    }
}

/// Creates the project. Returns 0 when it is written, 1 for an invalid
/// document or a side without received operations, 2 otherwise.
pub fn run(args: &NewArgs) -> ExitCode {
    match create(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("hookforge: {error}");
            error.exit_code()
        }
    }
}

fn create(args: &NewArgs) -> Result<(), NewError> {
    let package = package_name(&args.name)?;
    check_folder(&args.name)?;
    let dependencies = dependency_source(args.hookforge_path.as_deref())?;
    let interactive = !args.yes && io::stdin().is_terminal();
    let choice = match args.side {
        Some(choice) => choice,
        None if interactive => ask_side()?,
        None => DEFAULT_SIDE,
    };
    let port = match args.port {
        Some(port) => port,
        None if interactive => ask_port()?,
        None => DEFAULT_PORT,
    };
    if port == 0 || (choice == SideChoice::Both && port == u16::MAX) {
        return Err(NewError::Usage(format!(
            "--port {port} is not a usable port; give one from 1 to 65534"
        )));
    }

    let starter = match &args.from {
        Some(_) => None,
        None => Some(
            scaffold::render_starter(&package).map_err(|error| NewError::Io(error.to_string()))?,
        ),
    };
    let scratch = match &starter {
        Some(text) => Some(Scratch::write(text)?),
        None => None,
    };
    let spec: &Path = match (&args.from, &scratch) {
        (Some(spec), _) => spec,
        (None, Some(scratch)) => &scratch.0,
        (None, None) => unreachable!("a starter is written when --from is absent"),
    };

    let load = args.load.load_options();
    let mut sides = Vec::new();
    for side in choice.sides() {
        let code = generate_side(spec, &load, side, args.load.max_file_bytes)?;
        if sides.is_empty() {
            // The warnings, such as operations that get no code, are the
            // same for both sides, so they are printed once.
            eprint!("{}", code.generated.warning_report(spec));
        }
        sides.push((side, code));
    }
    check_received(spec, choice, &sides, &load, args.load.max_file_bytes)?;

    let (document_name, document) = match (&starter, &args.from) {
        (Some(text), _) => ("asyncapi.yaml".to_owned(), text.clone().into_bytes()),
        (None, Some(from)) => project_document(from, &sides[0].1)?,
        (None, None) => unreachable!("a starter is written when --from is absent"),
    };
    let source = args
        .from
        .as_ref()
        .map_or_else(String::new, |from| from.display().to_string());
    let mut files = scaffold::render_project(&ContextInput {
        package: &package,
        document: &document_name,
        source: &source,
        starter: starter.is_some(),
        sides: &sides,
        port,
        dependencies: &dependencies,
    })
    .map_err(|error| NewError::Io(error.to_string()))?;
    files.push(ProjectFile {
        path: PathBuf::from(&document_name),
        content: document,
    });
    write_project(&args.name, &files)?;
    report(&args.name, &package, choice, &files);
    Ok(())
}

/// The packages every project depends on, whose names it cannot take.
const HOOKFORGE_PACKAGES: [&str; 2] = ["hookforge", "hookforge-codegen"];

/// Returns the package name: the folder's last component, checked.
fn package_name(folder: &Path) -> Result<String, NewError> {
    let name = folder
        .file_name()
        .and_then(|name| name.to_str())
        .unwrap_or_default();
    let valid = name
        .chars()
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !valid {
        return Err(NewError::Usage(format!(
            "{:?} is not a usable package name: the last component of NAME must start with a letter \
             and contain only letters, digits, `-` and `_`, such as orders-consumer",
            folder.display().to_string()
        )));
    }
    // A package with the name and version of a path dependency collides
    // with it in Cargo.lock, and one that depends on its own name from
    // the registry does not build either.
    if HOOKFORGE_PACKAGES.contains(&name) {
        return Err(NewError::Usage(format!(
            "{name:?} is the name of a dependency of the project; choose another NAME, such as {name}-consumer"
        )));
    }
    Ok(name.to_owned())
}

/// Rejects a folder that exists and is not empty, or that is a file.
fn check_folder(folder: &Path) -> Result<(), NewError> {
    match fs::read_dir(folder) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(NewError::Usage(format!(
                    "{} already exists and is not empty; choose a new NAME, or empty or remove the folder",
                    folder.display()
                )));
            }
            Ok(())
        }
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(_) if folder.exists() => Err(NewError::Usage(format!(
            "{} exists and is not a folder; choose a new NAME",
            folder.display()
        ))),
        Err(error) => Err(NewError::Io(format!(
            "cannot read the folder {}: {error}",
            folder.display()
        ))),
    }
}

/// Checks `--hookforge-path DIR` and returns where the crates come from.
fn dependency_source(path: Option<&Path>) -> Result<DependencySource, NewError> {
    let Some(path) = path else {
        return Ok(DependencySource::Registry);
    };
    for crate_folder in ["runtime", "codegen"] {
        if !path.join(crate_folder).join("Cargo.toml").is_file() {
            return Err(NewError::Usage(format!(
                "--hookforge-path {}: no {crate_folder}/Cargo.toml there; give the root of a Hookforge checkout",
                path.display()
            )));
        }
    }
    let absolute = fs::canonicalize(path).map_err(|error| {
        NewError::Io(format!(
            "cannot resolve --hookforge-path {}: {error}",
            path.display()
        ))
    })?;
    Ok(DependencySource::Path(absolute))
}

/// Asks for the side on stderr and reads the reply from stdin.
fn ask_side() -> Result<SideChoice, NewError> {
    loop {
        let answer = ask("Side: provider (the application the document describes), consumer (its webhook subscriber) or both? [consumer] ")?;
        match answer.as_str() {
            "" => return Ok(DEFAULT_SIDE),
            text => match SideChoice::from_str(text, true) {
                Ok(choice) => return Ok(choice),
                Err(_) => eprintln!("Please type provider, consumer or both."),
            },
        }
    }
}

/// Asks for the port on stderr and reads the reply from stdin.
fn ask_port() -> Result<u16, NewError> {
    loop {
        let answer = ask(&format!("Port to listen on? [{DEFAULT_PORT}] "))?;
        if answer.is_empty() {
            return Ok(DEFAULT_PORT);
        }
        match answer.parse::<u16>() {
            Ok(port) if port > 0 => return Ok(port),
            _ => eprintln!("Please type a port from 1 to 65535."),
        }
    }
}

fn ask(question: &str) -> Result<String, NewError> {
    eprint!("{question}");
    let _ = io::stderr().flush();
    let mut line = String::new();
    let read = io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|error| NewError::Io(format!("cannot read from stdin: {error}")))?;
    if read == 0 {
        return Err(NewError::Usage(
            "stdin closed before a reply; pass --side and --port, or --yes for the defaults"
                .to_owned(),
        ));
    }
    Ok(line.trim().to_ascii_lowercase())
}

/// Rejects a project in which no side receives an HTTP operation, since
/// `cargo run` would have nothing to serve.
fn check_received(
    spec: &Path,
    choice: SideChoice,
    sides: &[(Side, SideCode)],
    load: &hookforge_codegen::document::LoadOptions,
    max_file_bytes: u64,
) -> Result<(), NewError> {
    if sides
        .iter()
        .any(|(_, code)| !code.surface.received.is_empty())
    {
        return Ok(());
    }
    let spec_text = spec.display();
    if choice == SideChoice::Both {
        return Err(NewError::NothingToReceive(format!(
            "{spec_text} has no HTTP operation that either side receives, so the project would serve nothing; \
             `hookforge generate {spec_text}` lists the operations it skips and why"
        )));
    }
    let side = sides[0].0;
    let other = generate_side(spec, load, side.other(), max_file_bytes)?;
    let hint = if other.surface.received.is_empty() {
        format!("`hookforge generate {spec_text}` lists the operations it skips and why")
    } else {
        format!(
            "the {} receives {}; use --side {}",
            side.other(),
            operation_list(&other),
            side.other()
        )
    };
    Err(NewError::NothingToReceive(format!(
        "the {side} of {spec_text} receives no HTTP operation, so `cargo run` would serve nothing; {hint}"
    )))
}

fn operation_list(code: &SideCode) -> String {
    code.surface
        .received
        .iter()
        .map(|op| format!("`{}`", op.operation_id))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Returns the document's name and content inside the project: the root
/// file as it is when the document is one file, otherwise a YAML bundle.
fn project_document(from: &Path, code: &SideCode) -> Result<(String, Vec<u8>), NewError> {
    let validation = &code.generated.validation;
    let (Some(document), Some(version)) = (&validation.document, validation.version) else {
        unreachable!("generated code implies a loaded document");
    };
    if document.files_read().count() == 1 {
        let extension = match from.extension().and_then(|e| e.to_str()) {
            Some(ext) if ext.eq_ignore_ascii_case("json") => "json",
            Some(ext) if ext.eq_ignore_ascii_case("yml") => "yml",
            _ => "yaml",
        };
        let content = fs::read(from)
            .map_err(|error| NewError::Io(format!("cannot read {}: {error}", from.display())))?;
        return Ok((format!("asyncapi.{extension}"), content));
    }
    let bundle = bundle_document(document, version).map_err(|error| {
        NewError::Io(format!(
            "cannot bundle {} into one file for the project: {error}",
            from.display()
        ))
    })?;
    Ok((
        "asyncapi.yaml".to_owned(),
        to_yaml(&bundle.document).into_bytes(),
    ))
}

fn write_project(folder: &Path, files: &[ProjectFile]) -> Result<(), NewError> {
    for file in files {
        let path = folder.join(&file.path);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|error| {
                NewError::Io(format!("cannot create {}: {error}", parent.display()))
            })?;
        }
        // `create_new` because check_folder ran earlier: a file that
        // appeared since then is the user's, and stays as it is.
        let mut written = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|error| NewError::Io(format!("cannot create {}: {error}", path.display())))?;
        written
            .write_all(&file.content)
            .map_err(|error| NewError::Io(format!("cannot write {}: {error}", path.display())))?;
    }
    Ok(())
}

fn report(folder: &Path, package: &str, choice: SideChoice, files: &[ProjectFile]) {
    let mut paths: Vec<String> = files
        .iter()
        .map(|file| file.path.display().to_string())
        .collect();
    paths.sort();
    let side = match choice {
        SideChoice::Both => "provider and consumer".to_owned(),
        SideChoice::Provider => "provider".to_owned(),
        SideChoice::Consumer => "consumer".to_owned(),
    };
    println!("Created {package} ({side}) in {}:", folder.display());
    for path in paths {
        println!("  {path}");
    }
    println!(
        "Next: cd {} && export {}=... && cargo run (README.md has the details)",
        folder.display(),
        scaffold::context::SECRET_ENV
    );
}

/// The starter document in a temporary file, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    /// Writes `text` to a new file in the temp dir. The file is created
    /// exclusively (`O_EXCL`), so a file or symlink that another user
    /// planted under the same name is never written through; a new name is
    /// tried instead, up to 16 times.
    fn write(text: &str) -> Result<Scratch, NewError> {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let mut last_error = None;
        for _ in 0..16 {
            let nanos = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |elapsed| elapsed.subsec_nanos());
            let path = std::env::temp_dir().join(format!(
                "hookforge-new-{}-{nanos}-{}-starter.yaml",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::Relaxed)
            ));
            match fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(mut file) => {
                    let scratch = Scratch(path);
                    file.write_all(text.as_bytes()).map_err(|error| {
                        NewError::Io(format!("cannot write {}: {error}", scratch.0.display()))
                    })?;
                    return Ok(scratch);
                }
                Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {
                    last_error = Some(error);
                }
                Err(error) => {
                    return Err(NewError::Io(format!(
                        "cannot create {}: {error}",
                        path.display()
                    )))
                }
            }
        }
        Err(NewError::Io(format!(
            "cannot create a scratch file for the starter document in {}: {}",
            std::env::temp_dir().display(),
            last_error.map_or_else(String::new, |error| error.to_string())
        )))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_name_is_the_last_component() {
        let name = package_name(Path::new("projects/orders-consumer"));
        assert_eq!(name.ok().as_deref(), Some("orders-consumer"));
    }

    #[test]
    fn package_name_rejects_bad_names() {
        for bad in ["1orders", "orders.v1", "", "ordérs", "a b"] {
            let result = package_name(Path::new(bad));
            assert!(result.is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn package_name_rejects_dependency_names() {
        for taken in ["hookforge", "hookforge-codegen"] {
            let result = package_name(Path::new(taken));
            let error = result.expect_err(taken);
            assert!(error.to_string().contains("dependency"), "{error}");
        }
    }

    #[test]
    fn missing_folder_is_accepted() {
        let folder = std::env::temp_dir().join("hookforge-new-unit-missing-folder");
        let _ = fs::remove_dir_all(&folder);
        assert!(check_folder(&folder).is_ok());
    }

    #[test]
    #[cfg(unix)]
    fn scratch_does_not_follow_planted_symlink() {
        let victim_dir =
            std::env::temp_dir().join(format!("hookforge-new-unit-victim-{}", std::process::id()));
        fs::create_dir_all(&victim_dir).expect("folder");
        let victim = victim_dir.join("victim.txt");
        fs::write(&victim, "keep").expect("victim");
        // The name the starter document used to get: predictable from the
        // process id, so another local user could plant a symlink there.
        let planted =
            std::env::temp_dir().join(format!("hookforge-new-{}-starter.yaml", std::process::id()));
        let _ = fs::remove_file(&planted);
        std::os::unix::fs::symlink(&victim, &planted).expect("symlink");

        let scratch = Scratch::write("asyncapi: 3.0.0\n");
        let victim_text = fs::read_to_string(&victim).expect("victim");
        let planted_kept = fs::symlink_metadata(&planted).is_ok();
        drop(scratch);
        let _ = fs::remove_file(&planted);
        let _ = fs::remove_dir_all(&victim_dir);
        assert_eq!(
            victim_text, "keep",
            "the starter overwrote a symlink's target"
        );
        assert!(planted_kept, "the planted symlink was removed");
    }

    #[test]
    fn scratch_files_are_distinct_and_removed() {
        let first = Scratch::write("a").expect("first");
        let second = Scratch::write("b").expect("second");
        assert_ne!(first.0, second.0);
        assert_eq!(fs::read_to_string(&first.0).expect("first"), "a");
        let path = first.0.clone();
        drop(first);
        assert!(!path.exists(), "the scratch file was left behind");
    }

    #[test]
    fn write_project_keeps_existing_files() {
        let folder =
            std::env::temp_dir().join(format!("hookforge-new-unit-keep-{}", std::process::id()));
        fs::create_dir_all(folder.join("src")).expect("folder");
        // A file that appeared after check_folder, such as from an editor.
        fs::write(folder.join("src/main.rs"), "mine").expect("file");
        let files = [
            ProjectFile {
                path: PathBuf::from("Cargo.toml"),
                content: b"[package]".to_vec(),
            },
            ProjectFile {
                path: PathBuf::from("src/main.rs"),
                content: b"fn main() {}".to_vec(),
            },
        ];
        let result = write_project(&folder, &files);
        let kept = fs::read_to_string(folder.join("src/main.rs")).expect("file");
        let _ = fs::remove_dir_all(&folder);
        assert!(result.is_err(), "an existing file was overwritten");
        assert_eq!(kept, "mine");
    }

    #[test]
    fn non_empty_folder_is_rejected() {
        let folder =
            std::env::temp_dir().join(format!("hookforge-new-unit-{}", std::process::id()));
        fs::create_dir_all(&folder).expect("folder");
        assert!(check_folder(&folder).is_ok(), "an empty folder is fine");
        fs::write(folder.join("x"), "x").expect("file");
        let error = check_folder(&folder).expect_err("not empty");
        assert!(error.to_string().contains("not empty"), "{error}");
        let _ = fs::remove_dir_all(&folder);
    }
}
