//! A document and every file it references, with `$ref` resolution.
//!
//! Loading reads the root file, then every file that a reachable `$ref`
//! names, checks each reachable reference once, and keeps references as
//! edges: nothing is inlined, so circular references cost nothing.

use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::fs;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use crate::diagnostic::{Code, Diagnostic};
use crate::load::{self, Limits};
use crate::pointer::{array_index, escape_token, JsonPointer};
use crate::reference::{strip_mirror_prefix, Reference};
use crate::source::{FileId, SourceMap, Span};
use crate::tree::{Mapping, Node, Value};
use crate::validate::suggest;

/// How to load a document.
#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    /// Size, depth and expansion limits.
    pub limits: Limits,
    /// Follow `$ref`s to files outside the root folder (see `root_dir`).
    pub allow_outside_root: bool,
    /// Folder that `$ref`s may not lead out of, unless
    /// `allow_outside_root` is set. `None` means the folder of the root
    /// document. A relative path is taken against the working directory.
    pub root_dir: Option<PathBuf>,
    /// Local copies of remote documents: a `$ref` whose URL starts with the
    /// prefix is read from the folder instead, with the rest of the URL,
    /// percent-decoded, as a relative path. The prefix must end at a `/`
    /// of the URL, and scheme and host compare without case. Nothing is
    /// ever fetched over the network.
    pub remote_mirrors: Vec<(String, PathBuf)>,
}

/// Where a reference leads.
#[derive(Clone, Debug)]
pub struct Target<'d> {
    /// File the target is in.
    pub file: FileId,
    /// Pointer to the target inside that file.
    pub pointer: JsonPointer,
    /// The target node.
    pub node: &'d Node,
}

/// Why a reference does not resolve.
#[derive(Clone, Debug)]
pub struct RefError {
    /// Diagnostic code.
    pub code: Code,
    /// What went wrong, naming the reference.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    /// The cause that several `$ref`s can share (a file outside the root
    /// folder, a remote document), so that only the first of them carries
    /// the full help.
    repeat: Option<Repeat>,
}

/// The shared cause of a [`RefError`] that several `$ref`s can have.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Repeat {
    /// The normalized absolute path of a file outside the root folder.
    OutsideRoot(PathBuf),
    /// The URL of a remote document, without its fragment.
    Remote(String),
}

impl Repeat {
    /// Returns the help for every `$ref` with this cause after the first.
    fn short_help(&self) -> &'static str {
        match self {
            Repeat::OutsideRoot(_) => "also outside the root folder; the help on the first such reference applies",
            Repeat::Remote(_) => "also a remote reference to the same document; the help on the first such reference applies",
        }
    }
}

impl RefError {
    fn new(code: Code, message: String) -> RefError {
        RefError {
            code,
            message,
            help: None,
            repeat: None,
        }
    }

    fn help(mut self, help: impl Into<String>) -> RefError {
        self.help = Some(help.into());
        self
    }

    /// Turns the error into a diagnostic at the `$ref` that failed.
    pub fn into_diagnostic(self, pointer: String, span: Span) -> Diagnostic {
        let mut diagnostic = Diagnostic::error(self.code, self.message).at(pointer, span);
        diagnostic.help = self.help;
        diagnostic
    }
}

/// The state of one file that a reference named.
#[derive(Debug)]
enum FileState {
    Loaded(Node),
    /// Reading or parsing failed.
    Failed(Failure),
}

/// Why a file has no tree.
#[derive(Debug)]
struct Failure {
    /// [`Code::Io`], [`Code::LimitExceeded`] or [`Code::Syntax`].
    code: Code,
    /// What went wrong, naming the file.
    message: String,
    /// Whether the file exists, so that [`Document::files_read`] can leave
    /// out paths that only a broken reference named.
    exists: bool,
}

/// A loaded document: the root file and every file it references.
#[derive(Debug)]
pub struct Document {
    /// Every file read, the root first.
    pub sources: SourceMap,
    trees: Vec<FileState>,
    by_path: HashMap<PathBuf, FileId>,
    /// Normalized absolute path of each file, by id.
    absolute: Vec<PathBuf>,
    root_dir: PathBuf,
    options: LoadOptions,
}

/// A `$ref` whose resolution is under way, and the one whose pointer walk
/// met it (`parent`). A `$ref` met again inside its own resolution is a
/// cycle.
struct OpenRef<'a> {
    parent: Option<&'a OpenRef<'a>>,
    /// File the `$ref` is written in.
    file: FileId,
    reference: &'a str,
    /// Number of open `$ref`s, this one included.
    depth: usize,
}

/// Maximum number of `$ref`s followed in a row. A longer chain that
/// revisits no reference is reported as [`Code::LimitExceeded`].
const MAX_REF_HOPS: usize = 64;

/// Most `$ref`s one resolution may pass through in all. Pointers that pass
/// through references whose own pointers do the same can otherwise cost
/// time exponential in the chain length; real documents need a handful.
// NOTE: checking every reference still costs up to this many steps per
// `$ref` and per hop of a chain; caching resolved references would make
// loading linear in the number of references.
const MAX_RESOLVE_STEPS: usize = 1_000;

impl Document {
    /// Loads the document at `path` and every file its reachable references
    /// name.
    ///
    /// Returns `Err` only when the root file cannot be read or parsed at
    /// all; every other problem is in the returned diagnostics, and the
    /// document is still usable.
    pub fn load(
        path: &Path,
        options: LoadOptions,
    ) -> Result<(Document, Vec<Diagnostic>), Vec<Diagnostic>> {
        let absolute = normalize(&std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()));
        let root_dir = root_folder(&absolute, &options);
        let mut document = Document {
            sources: SourceMap::default(),
            trees: Vec::new(),
            by_path: HashMap::new(),
            absolute: Vec::new(),
            root_dir,
            options,
        };
        let mut diagnostics = Vec::new();
        let root = document.read_file(&absolute, path.to_path_buf(), &mut diagnostics);
        let root_loaded = matches!(document.trees.get(root.index()), Some(FileState::Loaded(_)));
        if !root_loaded {
            if let Some(FileState::Failed(failure)) = document.trees.get(root.index()) {
                if diagnostics.is_empty() {
                    // A file that cannot be read has no position to point at.
                    let diagnostic = Diagnostic::error(failure.code, failure.message.clone());
                    diagnostics.push(diagnostic.with_pointer(""));
                }
            }
            return Err(diagnostics);
        }
        diagnostics.extend(document.root_outside_root_dir(&absolute, path));
        document.check_references(&mut diagnostics);
        Ok((document, diagnostics))
    }

    /// Parses a document from text, for tests and in-memory use. `path`
    /// names the file in diagnostics and anchors relative references.
    pub fn from_text(
        path: &Path,
        text: &str,
        options: LoadOptions,
    ) -> (Option<Document>, Vec<Diagnostic>) {
        let absolute = normalize(&std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()));
        let mut document = Document {
            sources: SourceMap::default(),
            trees: Vec::new(),
            by_path: HashMap::new(),
            absolute: Vec::new(),
            root_dir: root_folder(&absolute, &options),
            options,
        };
        let mut diagnostics = Vec::new();
        let bytes = u64::try_from(text.len()).unwrap_or(u64::MAX);
        if let Some(failure) = size_failure(path, bytes, &document.options.limits) {
            let diagnostic = Diagnostic::error(failure.code, failure.message);
            diagnostics.push(diagnostic.with_pointer(""));
            return (None, diagnostics);
        }
        diagnostics.extend(document.root_outside_root_dir(&absolute, path));
        document.add_text(
            absolute,
            path.to_path_buf(),
            text.to_owned(),
            &mut diagnostics,
        );
        if !matches!(document.trees.first(), Some(FileState::Loaded(_))) {
            return (None, diagnostics);
        }
        document.check_references(&mut diagnostics);
        (Some(document), diagnostics)
    }

    /// The id of the root file.
    pub fn root_file(&self) -> FileId {
        FileId(0)
    }

    /// The root file's tree.
    pub fn root(&self) -> &Node {
        self.tree(self.root_file())
            .expect("Document::load only returns documents whose root parsed")
    }

    /// The tree of file `file`, or `None` if it could not be read.
    pub fn tree(&self, file: FileId) -> Option<&Node> {
        match self.trees.get(file.index()) {
            Some(FileState::Loaded(node)) => Some(node),
            _ => None,
        }
    }

    /// Every file the loader opened, once each and in the order read, for
    /// `cargo:rerun-if-changed` lines. A path that a broken reference named
    /// but that does not exist is left out, because cargo would rerun the
    /// build on every build for it.
    pub fn files_read(&self) -> impl Iterator<Item = &Path> {
        self.sources
            .iter()
            .zip(&self.trees)
            .filter(|(_, state)| !matches!(state, FileState::Failed(f) if !f.exists))
            .map(|((_, file), _)| file.path.as_path())
    }

    /// Resolves the reference text `reference` written in file `from`.
    ///
    /// Follows `$ref`s met on the way down the pointer, but not one at the
    /// target itself: use [`Document::follow`] for that.
    pub fn resolve(&self, from: FileId, reference: &str) -> Result<Target<'_>, RefError> {
        let budget = Cell::new(MAX_RESOLVE_STEPS);
        self.resolve_hops(from, reference, None, &budget)
            .map_err(|error| match budget.get() {
                // Name the reference the caller asked about, not the inner
                // one that used the last step.
                0 => steps_error(reference),
                _ => error,
            })
    }

    /// If `node` (in file `file`) is a `$ref`, follows references until a
    /// node that is not one; otherwise returns `node` itself with `pointer`.
    pub fn follow<'d>(
        &'d self,
        file: FileId,
        pointer: &JsonPointer,
        node: &'d Node,
    ) -> Result<Target<'d>, RefError> {
        let mut target = Target {
            file,
            pointer: pointer.clone(),
            node,
        };
        let mut seen = HashSet::new();
        for _ in 0..MAX_REF_HOPS {
            let Some(reference) = target.node.ref_target() else {
                return Ok(target);
            };
            if !seen.insert((target.file, target.pointer.clone())) {
                return Err(cycle_error(node.ref_target().unwrap_or_default()));
            }
            target = self.resolve(target.file, reference)?;
        }
        match target.node.ref_target() {
            None => Ok(target),
            Some(_) => Err(chain_error(node.ref_target().unwrap_or_default())),
        }
    }

    fn resolve_hops(
        &self,
        from: FileId,
        reference: &str,
        open: Option<&OpenRef<'_>>,
        budget: &Cell<usize>,
    ) -> Result<Target<'_>, RefError> {
        let enclosing = || std::iter::successors(open, |open| open.parent);
        if enclosing().any(|open| open.file == from && open.reference == reference) {
            return Err(cycle_error(reference));
        }
        let depth = open.map_or(1, |open| open.depth + 1);
        if depth > MAX_REF_HOPS {
            return Err(chain_error(reference));
        }
        match budget.get().checked_sub(1) {
            Some(left) => budget.set(left),
            None => return Err(steps_error(reference)),
        }
        let parsed = Reference::parse(reference).map_err(|e| {
            RefError::new(Code::RefInvalid, format!("invalid $ref {reference:?}: {e}"))
        })?;
        let (file, pointer) = match parsed {
            Reference::Local(pointer) => (from, pointer),
            Reference::File { path, pointer } => {
                let (_, id) = self.file_for(from, &path, reference)?;
                (id, pointer)
            }
            Reference::Remote { url, pointer } => {
                let path = self.mirror_path(&url, reference)?;
                let id = self.by_path.get(&path).copied().ok_or_else(|| {
                    RefError::new(
                        Code::RefUnresolved,
                        format!(
                            "$ref {reference:?}: the mirrored file {} was not loaded",
                            path.display()
                        ),
                    )
                })?;
                (id, pointer)
            }
        };
        let root = match self.trees.get(file.index()) {
            Some(FileState::Loaded(node)) => node,
            Some(FileState::Failed(failure)) => {
                // A file over the size limit is reported as the limit it
                // broke; any other failure leaves the reference unresolved.
                let code = match failure.code {
                    Code::LimitExceeded => Code::LimitExceeded,
                    _ => Code::RefUnresolved,
                };
                return Err(RefError::new(
                    code,
                    format!("$ref {reference:?}: {}", failure.message),
                ));
            }
            None => {
                return Err(RefError::new(
                    Code::RefUnresolved,
                    format!("$ref {reference:?} names a file that was not loaded"),
                ))
            }
        };
        let here = OpenRef {
            parent: open,
            file: from,
            reference,
            depth,
        };
        self.walk(file, root, &pointer, reference, Some(&here), budget)
    }

    /// Walks `pointer` from `root`, following `$ref`s on the way.
    fn walk<'d>(
        &'d self,
        file: FileId,
        root: &'d Node,
        pointer: &JsonPointer,
        reference: &str,
        open: Option<&OpenRef<'_>>,
        budget: &Cell<usize>,
    ) -> Result<Target<'d>, RefError> {
        let mut current = Target {
            file,
            pointer: JsonPointer::root(),
            node: root,
        };
        let tokens = pointer.tokens();
        let mut index = 0;
        while index < tokens.len() {
            if let Some(inner) = current.node.ref_target() {
                current = self.resolve_hops(current.file, inner, open, budget)?;
            }
            let token = &tokens[index];
            let (next, key) = match &current.node.value {
                Value::Mapping(mapping) => match mapping.get(token) {
                    Some(next) => (Some(next), token.clone()),
                    None => {
                        // Lenient reading of an unescaped '/' inside a key:
                        // try the rest of the pointer joined back together.
                        let joined = tokens[index..].join("/");
                        let found = mapping.get(&joined);
                        if found.is_some() {
                            index = tokens.len() - 1;
                        }
                        (found, joined)
                    }
                },
                Value::Sequence(items) => match array_index(token) {
                    Ok(i) => (items.get(i), token.clone()),
                    Err(why) => {
                        return Err(RefError::new(
                            Code::RefUnresolved,
                            format!("$ref {reference:?} does not resolve: {why}"),
                        ))
                    }
                },
                _ => (None, token.clone()),
            };
            let Some(next) = next else {
                return Err(missing_error(reference, &current, token, &self.sources));
            };
            current.pointer.push(key);
            current.node = next;
            index += 1;
        }
        Ok(current)
    }

    /// Maps the remote `url` of the reference `reference` to a file in the
    /// first mirror folder whose prefix covers it. Fails with
    /// [`Code::RefRemote`] when no prefix does, and with
    /// [`Code::RefOutsideRoot`] when `..` in the URL leads out of the folder.
    fn mirror_path(&self, url: &str, reference: &str) -> Result<PathBuf, RefError> {
        let (dir, rest) = self
            .options
            .remote_mirrors
            .iter()
            .find_map(|(prefix, dir)| Some((dir, strip_mirror_prefix(url, prefix)?)))
            .ok_or_else(|| remote_error(reference))?;
        let dir = absolute_normalized(dir);
        let path = normalize(&dir.join(rest));
        if !path.starts_with(&dir) {
            return Err(RefError::new(
                Code::RefOutsideRoot,
                format!(
                    "$ref {reference:?} leads to {}, outside the mirror folder {}",
                    path.display(),
                    dir.display()
                ),
            )
            .help("remove `..` from the URL so that it names a file inside the mirror folder"));
        }
        Ok(path)
    }

    /// Maps a file path written in file `from` to its loaded id.
    fn file_for(
        &self,
        from: FileId,
        path: &str,
        reference: &str,
    ) -> Result<(PathBuf, FileId), RefError> {
        let absolute = self.target_path(from, path, reference)?;
        let id = self.by_path.get(&absolute).copied().ok_or_else(|| {
            RefError::new(
                Code::RefUnresolved,
                format!(
                    "$ref {reference:?}: file {} was not loaded",
                    absolute.display()
                ),
            )
        })?;
        Ok((absolute, id))
    }

    /// The normalized absolute path that `path`, written in file `from`,
    /// names, after the root-folder check.
    fn target_path(&self, from: FileId, path: &str, reference: &str) -> Result<PathBuf, RefError> {
        let base = self.absolute_path(from);
        let dir = base.parent().unwrap_or(Path::new("/"));
        let absolute = normalize(&dir.join(path));
        if !self.options.allow_outside_root
            && !absolute.starts_with(&self.root_dir)
            && !self.is_mirrored(&absolute)
        {
            let ancestor = common_ancestor(&self.root_dir, &absolute);
            let mut error = RefError::new(
                Code::RefOutsideRoot,
                format!(
                    "$ref {reference:?} leads to {}, outside the root folder {}",
                    absolute.display(),
                    self.root_dir.display()
                ),
            )
            .help(outside_root_help(path, reference, &ancestor));
            error.repeat = Some(Repeat::OutsideRoot(absolute));
            return Err(error);
        }
        self.check_real_path(&absolute, reference)?;
        Ok(absolute)
    }

    /// Fails when the real path of `absolute` (a target that passed the
    /// lexical root-folder check), after following symbolic links, lies
    /// outside both the root folder and every mirror folder.
    ///
    /// A path that does not exist passes, because reading it fails anyway.
    // NOTE: the link is checked here and read later, so a link that is
    // changed in between by another process is not caught.
    fn check_real_path(&self, absolute: &Path, reference: &str) -> Result<(), RefError> {
        if self.options.allow_outside_root {
            return Ok(());
        }
        let Ok(real) = fs::canonicalize(absolute) else {
            return Ok(());
        };
        let contains = |dir: &Path| fs::canonicalize(dir).is_ok_and(|dir| real.starts_with(dir));
        let in_mirror = self
            .options
            .remote_mirrors
            .iter()
            .any(|(_, dir)| contains(&absolute_normalized(dir)));
        if contains(&self.root_dir) || in_mirror {
            return Ok(());
        }
        let mut error = RefError::new(
            Code::RefOutsideRoot,
            format!(
                "$ref {reference:?} leads to {}, which resolves through a symbolic link to {}, outside the root folder {}",
                absolute.display(),
                real.display(),
                self.root_dir.display()
            ),
        )
        .help("copy the file into the root folder instead of linking to it, or pass `--allow-outside-root` (library: `LoadOptions::allow_outside_root`) if the document and the link target are trusted");
        error.repeat = Some(Repeat::OutsideRoot(real));
        Err(error)
    }

    /// Returns an error when `LoadOptions::root_dir` is set to a folder
    /// that does not contain the root document at `absolute`, because
    /// then even references next to the document would be rejected.
    fn root_outside_root_dir(&self, absolute: &Path, shown: &Path) -> Option<Diagnostic> {
        let outside = self.options.root_dir.is_some()
            && !self.options.allow_outside_root
            && !absolute.starts_with(&self.root_dir);
        outside.then(|| {
            Diagnostic::error(
                Code::RefOutsideRoot,
                format!(
                    "the document {} is outside the root folder {}",
                    shown.display(),
                    self.root_dir.display()
                ),
            )
            .with_help("pass a `--root` folder (library: `LoadOptions::root_dir`) that contains the document and every file it references")
        })
    }

    fn is_mirrored(&self, path: &Path) -> bool {
        self.options
            .remote_mirrors
            .iter()
            .any(|(_, dir)| path.starts_with(absolute_normalized(dir)))
    }

    fn absolute_path(&self, file: FileId) -> PathBuf {
        self.absolute.get(file.index()).cloned().unwrap_or_default()
    }

    /// Reads and parses one file, once; later calls return the same id.
    ///
    /// A file is known by its real path as well, so one file reached
    /// through two paths (a symbolic link and its target) is read once.
    /// Anything but a regular file is rejected before it is opened.
    fn read_file(
        &mut self,
        absolute: &Path,
        shown: PathBuf,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> FileId {
        if let Some(id) = self.by_path.get(absolute) {
            return *id;
        }
        let real = fs::canonicalize(absolute).ok();
        if let Some(id) = real
            .as_ref()
            .and_then(|real| self.by_path.get(real))
            .copied()
        {
            self.by_path.insert(absolute.to_path_buf(), id);
            return id;
        }
        let text = match fs::metadata(absolute) {
            Ok(meta) if !meta.is_file() => Err(not_regular_failure(&shown, &meta)),
            Ok(meta) => match size_failure(&shown, meta.len(), &self.options.limits) {
                Some(failure) => Err(failure),
                None => read_bounded(absolute, &shown, self.options.limits.max_file_bytes),
            },
            Err(e) => Err(Failure {
                code: Code::Io,
                message: not_found_message(absolute, &shown, &e),
                exists: false,
            }),
        };
        let id = match text {
            Ok(text) => self.add_text(absolute.to_path_buf(), shown, text, diagnostics),
            Err(failure) => {
                let id = self.sources.add(shown, String::new());
                self.trees.push(FileState::Failed(failure));
                self.by_path.insert(absolute.to_path_buf(), id);
                self.absolute.push(absolute.to_path_buf());
                id
            }
        };
        if let Some(real) = real {
            self.by_path.entry(real).or_insert(id);
        }
        id
    }

    fn add_text(
        &mut self,
        absolute: PathBuf,
        shown: PathBuf,
        text: String,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> FileId {
        let id = self.sources.add(shown.clone(), text);
        let text = &self.sources.get(id).text;
        let parsed = match is_json_file(&shown).then(|| load::check_json_syntax(text, id)) {
            Some(Some(error)) => load::Parsed {
                root: None,
                diagnostics: vec![error],
            },
            _ => load::parse(text, id, &self.options.limits),
        };
        let first_error = parsed
            .diagnostics
            .iter()
            .find(|d| d.is_error())
            .map(|d| d.message.clone());
        diagnostics.extend(parsed.diagnostics);
        self.trees.push(match parsed.root {
            Some(root) => FileState::Loaded(root),
            None => FileState::Failed(Failure {
                code: Code::Syntax,
                message: format!(
                    "{} is not valid YAML or JSON: {}",
                    shown.display(),
                    first_error.unwrap_or_default()
                ),
                exists: true,
            }),
        });
        self.absolute.push(absolute.clone());
        self.by_path.insert(absolute, id);
        id
    }

    /// Loads every file that a reachable reference names and reports each
    /// reachable reference that does not resolve, at the `$ref` itself.
    fn check_references(&mut self, diagnostics: &mut Vec<Diagnostic>) {
        let mut queue: Vec<(FileId, JsonPointer)> = vec![(self.root_file(), JsonPointer::root())];
        let mut scanned: HashSet<(FileId, JsonPointer)> = HashSet::new();
        let mut whole_files: HashSet<FileId> = HashSet::new();
        // Index in `diagnostics` and cause of each error that other `$ref`s
        // may share.
        let mut repeats: Vec<(usize, Repeat)> = Vec::new();
        let mut report =
            |error: RefError, at: &JsonPointer, span: Span, diagnostics: &mut Vec<Diagnostic>| {
                if let Some(repeat) = error.repeat.clone() {
                    repeats.push((diagnostics.len(), repeat));
                }
                diagnostics.push(error.into_diagnostic(at.to_string(), span));
            };
        while let Some((file, pointer)) = queue.pop() {
            if whole_files.contains(&file)
                || scanned
                    .iter()
                    .any(|(f, p)| *f == file && pointer.starts_with(p))
            {
                continue;
            }
            if pointer.tokens().is_empty() {
                whole_files.insert(file);
            }
            scanned.insert((file, pointer.clone()));
            let mut refs = Vec::new();
            if let Some(tree) = self.tree(file) {
                let budget = Cell::new(MAX_RESOLVE_STEPS);
                if let Ok(start) = self.walk(file, tree, &pointer, "", None, &budget) {
                    collect_refs(start.node, &mut pointer.clone(), false, &mut refs);
                }
            }
            for (at, found, span) in refs {
                let reference = match found {
                    FoundRef::Reference(reference) => reference,
                    FoundRef::NotAString(type_name) => {
                        diagnostics.push(
                            not_a_string_error(type_name).into_diagnostic(at.to_string(), span),
                        );
                        continue;
                    }
                };
                match self.load_target(file, &reference, diagnostics) {
                    Ok(()) => {}
                    Err(error) => {
                        report(error, &at, span, diagnostics);
                        continue;
                    }
                }
                match self.resolve(file, &reference) {
                    Ok(target) => {
                        // `resolve` stops at the target even when it is a
                        // `$ref` itself, so a chain of references that only
                        // point at each other is caught here.
                        let mut holder = at.clone();
                        holder.pop();
                        let next = (target.file, target.pointer.clone());
                        if let Some(error) = self.ref_chain_error(file, &holder, target, &reference)
                        {
                            diagnostics.push(error.into_diagnostic(at.to_string(), span));
                        }
                        queue.push(next);
                    }
                    Err(error) => report(error, &at, span, diagnostics),
                }
            }
        }
        shorten_repeated_help(diagnostics, repeats);
    }

    /// Checks the chain that starts at the `$ref` `reference`, held by the
    /// mapping at `holder` in `file`, whose target is `first`. Returns a
    /// [`Code::RefCycle`] error when the chain only points back at that
    /// `$ref`, and a [`Code::LimitExceeded`] error when it is longer than
    /// [`MAX_REF_HOPS`] references.
    ///
    /// A `$ref` that merely leads into a cycle gets no error: the cycle is
    /// reported at its own members, once each. A chain that fails to
    /// resolve is reported where it fails.
    fn ref_chain_error(
        &self,
        file: FileId,
        holder: &JsonPointer,
        first: Target<'_>,
        reference: &str,
    ) -> Option<RefError> {
        let mut seen = HashSet::new();
        let mut target = first;
        // `target` is where `hops` references in a row lead.
        for hops in 1..=MAX_REF_HOPS {
            if target.file == file && target.pointer == *holder {
                return Some(cycle_error(reference));
            }
            if !seen.insert((target.file, target.pointer.clone())) {
                return None;
            }
            let next = target.node.ref_target()?;
            if hops == MAX_REF_HOPS {
                return Some(chain_error(reference));
            }
            target = self.resolve(target.file, next).ok()?;
        }
        None
    }

    /// Makes sure the file a reference names is loaded.
    fn load_target(
        &mut self,
        from: FileId,
        reference: &str,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Result<(), RefError> {
        let parsed = match Reference::parse(reference) {
            Ok(parsed) => parsed,
            // Reported with the right code by `resolve`.
            Err(_) => return Ok(()),
        };
        let (absolute, shown) = match parsed {
            Reference::Local(_) => return Ok(()),
            Reference::File { path, .. } => {
                let absolute = self.target_path(from, &path, reference)?;
                let shown_base = self
                    .sources
                    .path(from)
                    .parent()
                    .map(Path::to_path_buf)
                    .unwrap_or_default();
                (absolute, normalize(&shown_base.join(&path)))
            }
            Reference::Remote { url, .. } => {
                let path = self.mirror_path(&url, reference)?;
                self.check_real_path(&path, reference)?;
                (path.clone(), path)
            }
        };
        if self.by_path.contains_key(&absolute) {
            return Ok(());
        }
        if self.sources.len() >= self.options.limits.max_files {
            return Err(RefError::new(
                Code::LimitExceeded,
                format!(
                    "$ref {reference:?}: the document already spans the limit of {} files",
                    self.options.limits.max_files
                ),
            )
            .help("raise `max_files` (`--max-files`) if the document is trusted"));
        }
        self.read_file(&absolute, shown, diagnostics);
        Ok(())
    }
}

/// Keeps the full help only on the first error, in source order, of each
/// cause in `repeats` (index into `diagnostics`, cause), and gives the
/// later ones a short pointer to it. Every error stays reported.
fn shorten_repeated_help(diagnostics: &mut [Diagnostic], mut repeats: Vec<(usize, Repeat)>) {
    let position = |index: usize| diagnostics[index].span.map(|span| (span.file, span.start));
    repeats.sort_by_key(|(index, _)| position(*index));
    let mut seen = HashSet::new();
    for (index, repeat) in repeats {
        let short = repeat.short_help();
        if !seen.insert(repeat) {
            if let Some(diagnostic) = diagnostics.get_mut(index) {
                diagnostic.help = Some(short.to_owned());
            }
        }
    }
}

/// Keys whose values are data, not schema or AsyncAPI objects, so a `$ref`
/// inside them is an ordinary key.
const DATA_KEYS: &[&str] = &["examples", "example", "default", "const", "enum"];

/// Keys whose values map names to objects (`properties: {default: ...}` is
/// a property named `default`), so [`DATA_KEYS`] do not apply to the names.
const NAME_MAP_KEYS: &[&str] = &[
    "properties",
    "patternProperties",
    "definitions",
    "$defs",
    "dependentSchemas",
    "schemas",
    "messages",
    "channels",
    "operations",
    "parameters",
    "servers",
    "serverVariables",
    "variables",
    "securitySchemes",
    "messageTraits",
    "operationTraits",
    "correlationIds",
    "replies",
    "replyAddresses",
    "tags",
    "externalDocs",
];

/// A `$ref` key found while scanning a tree.
enum FoundRef {
    /// A string: a reference to resolve.
    Reference(String),
    /// A scalar or sequence of this JSON type, which no reference can be.
    NotAString(&'static str),
}

/// Collects `(pointer, value, span)` for every `$ref` under `node`.
/// `names` tells that the keys of `node` are names (of properties,
/// schemas, channels, ...) rather than keywords.
fn collect_refs(
    node: &Node,
    pointer: &mut JsonPointer,
    names: bool,
    out: &mut Vec<(JsonPointer, FoundRef, Span)>,
) {
    match &node.value {
        Value::Mapping(mapping) => {
            if let Some(entry) = mapping.entry("$ref") {
                let at = pointer.join("$ref");
                match &entry.value.value {
                    Value::String(reference) => {
                        let found = FoundRef::Reference(reference.clone());
                        out.push((at, found, entry.value.span));
                    }
                    // A mapping under `$ref` is a property named `$ref`
                    // inside `properties`, not a reference.
                    Value::Mapping(_) => {}
                    // NOTE: `properties: {$ref: true}` (a property named
                    // `$ref` with a boolean schema) is reported here too;
                    // telling it apart needs the schema context.
                    _ => {
                        let found = FoundRef::NotAString(entry.value.type_name());
                        out.push((at, found, entry.value.span));
                    }
                }
            }
            let skips_payload = !names && uses_foreign_schema_format(node);
            for (key, value) in mapping.iter() {
                if key == "$ref" && !matches!(value.value, Value::Mapping(_)) {
                    continue;
                }
                if (!names && DATA_KEYS.contains(&key))
                    || (skips_payload && (key == "payload" || key == "schema"))
                {
                    continue;
                }
                let child_names = !names && NAME_MAP_KEYS.contains(&key);
                pointer.push(key);
                collect_refs(value, pointer, child_names, out);
                pointer.pop();
            }
        }
        Value::Sequence(items) => {
            for (i, item) in items.iter().enumerate() {
                pointer.push(i.to_string());
                collect_refs(item, pointer, false, out);
                pointer.pop();
            }
        }
        _ => {}
    }
}

/// Whether `node` names a `schemaFormat` that is not JSON Schema or the
/// AsyncAPI schema dialect: references inside such payloads follow that
/// format's own rules, so the loader leaves them alone.
pub(crate) fn uses_foreign_schema_format(node: &Node) -> bool {
    node.get("schemaFormat")
        .and_then(Node::as_str)
        .is_some_and(|format| !is_json_schema_format(format))
}

/// Whether a `schemaFormat` media type denotes JSON Schema (including the
/// AsyncAPI schema dialect).
pub fn is_json_schema_format(format: &str) -> bool {
    let format = format.trim().to_ascii_lowercase();
    format.starts_with("application/vnd.aai.asyncapi")
        || format.starts_with("application/schema+json")
        || format.starts_with("application/schema+yaml")
}

fn chain_error(reference: &str) -> RefError {
    RefError::new(
        Code::LimitExceeded,
        format!(
            "$ref {reference:?} starts a chain of more than the limit of {MAX_REF_HOPS} references in a row"
        ),
    )
    .help("point the reference, or one early in the chain, directly at the object the chain ends at")
}

fn cycle_error(reference: &str) -> RefError {
    RefError::new(
        Code::RefCycle,
        format!("$ref {reference:?} starts a chain of references that never reaches a value"),
    )
    .help("make one reference in the chain point at an actual object")
}

/// Returns the folder that references may not leave: `options.root_dir`, or the
/// folder of the root document at `absolute`.
fn root_folder(absolute: &Path, options: &LoadOptions) -> PathBuf {
    match &options.root_dir {
        Some(dir) => absolute_normalized(dir),
        None => absolute.parent().map(Path::to_path_buf).unwrap_or_default(),
    }
}

/// Returns the deepest folder that contains both `dir` and `path`.
fn common_ancestor(dir: &Path, path: &Path) -> PathBuf {
    dir.components()
        .zip(path.components())
        .take_while(|(a, b)| a == b)
        .map(|(a, _)| a.as_os_str())
        .collect()
}

/// Returns `dir` relative to the working directory when one contains the
/// other (`.`, `common`, `..`), so that a suggested `--root` is short;
/// otherwise `dir` as it is.
fn shown_folder(dir: &Path) -> PathBuf {
    let Ok(cwd) = std::env::current_dir().map(|cwd| normalize(&cwd)) else {
        return dir.to_path_buf();
    };
    if let Ok(below) = dir.strip_prefix(&cwd) {
        if below.as_os_str().is_empty() {
            return PathBuf::from(".");
        }
        return below.to_path_buf();
    }
    if let Ok(above) = cwd.strip_prefix(dir) {
        return above.components().map(|_| Component::ParentDir).collect();
    }
    dir.to_path_buf()
}

fn outside_root_help(path: &str, reference: &str, ancestor: &Path) -> String {
    let allow = format!(
        "pass `--root {}` (library: `LoadOptions::root_dir`) to let references reach that folder, or `--allow-outside-root` (library: `LoadOptions::allow_outside_root`) to let them reach any file; or move the file under the root folder",
        shown_folder(ancestor).display()
    );
    // `/components/...` without `#` is a common slip for a local pointer.
    if path.starts_with('/') && !reference.contains('#') {
        format!("to point into this document, start the reference with '#': '#{path}'; otherwise {allow}")
    } else {
        allow
    }
}

fn not_a_string_error(type_name: &str) -> RefError {
    RefError::new(
        Code::RefInvalid,
        format!("`$ref` must be a string holding a reference, found {type_name}"),
    )
    .help(
        "write the reference as a string, such as '#/components/schemas/Name' or 'file.yaml#/Name'",
    )
}

fn steps_error(reference: &str) -> RefError {
    RefError::new(
        Code::LimitExceeded,
        format!(
            "$ref {reference:?} passes through more than the limit of {MAX_RESOLVE_STEPS} references while resolving"
        ),
    )
    .help("point references at their targets directly instead of through pointers into other references")
}

fn remote_error(reference: &str) -> RefError {
    let mut error = RefError::new(
        Code::RefRemote,
        format!("$ref {reference:?} names a remote document; remote references are not fetched"),
    )
    .help("download the document next to this one and use a relative path, or pass `--remote-mirror URL=DIR` (library: `LoadOptions::remote_mirrors`) to read the URL from a local folder");
    let document = reference.split_once('#').map_or(reference, |(url, _)| url);
    error.repeat = Some(Repeat::Remote(document.to_owned()));
    error
}

fn missing_error(reference: &str, at: &Target<'_>, token: &str, sources: &SourceMap) -> RefError {
    let parent = if at.pointer.tokens().is_empty() {
        "the document root".to_owned()
    } else {
        format!("{}", at.pointer)
    };
    let file = sources.path(at.file).display();
    let mut error = RefError::new(
        Code::RefUnresolved,
        format!(
            "$ref {reference:?} does not resolve: {parent} in {file} has no {:?}",
            escape_token(token)
        ),
    );
    if let Some(mapping) = at.node.as_mapping() {
        if let Some(near) = mapping.keys().find(|k| k.eq_ignore_ascii_case(token)) {
            error = error.help(format!("did you mean `{near}`? keys are case-sensitive"));
        } else if let Some(near) = suggest::closest(token, mapping.keys()) {
            error = error.help(format!("did you mean `{near}`?"));
        } else if token.contains('/') || mapping.keys().any(|k| k.contains('/')) {
            error = error.help("escape '/' inside a key as '~1' and '~' as '~0'");
        } else if !mapping.is_empty() {
            error = error.help(available_keys(mapping));
        }
    }
    error
}

/// Maximum number of keys that the help of an unresolved `$ref` lists.
const LISTED_KEYS: usize = 5;

/// Lists the first few keys of `mapping`, for a `$ref` that names none.
fn available_keys(mapping: &Mapping) -> String {
    let listed: Vec<String> = mapping
        .keys()
        .take(LISTED_KEYS)
        .map(|key| format!("`{}`", escape_token(key)))
        .collect();
    let more = mapping.len().saturating_sub(LISTED_KEYS);
    let tail = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    format!("the keys there are {}{tail}", listed.join(", "))
}

/// Whether `path` names a JSON file (`.json`, in any case), which must be
/// strict JSON rather than YAML.
fn is_json_file(path: &Path) -> bool {
    path.extension()
        .is_some_and(|extension| extension.eq_ignore_ascii_case("json"))
}

/// The failure for a file of `bytes` bytes, if that is over the size limit.
fn size_failure(shown: &Path, bytes: u64, limits: &Limits) -> Option<Failure> {
    let limit = limits.max_file_bytes;
    (bytes > limit).then(|| Failure {
        code: Code::LimitExceeded,
        message: format!(
            "{} is {bytes} bytes, over the limit of {limit} bytes (`max_file_bytes`); raise it with `--max-file-bytes` if the file is trusted",
            shown.display()
        ),
        exists: true,
    })
}

/// Builds the failure for a path that exists but is not a regular file: a
/// folder, a device such as `/dev/zero`, a FIFO or a socket, which could
/// block or never end when read.
fn not_regular_failure(shown: &Path, meta: &fs::Metadata) -> Failure {
    let kind = if meta.is_dir() {
        "a folder"
    } else {
        "a device, FIFO or socket"
    };
    Failure {
        code: Code::Io,
        message: format!(
            "{} is {kind}, not a regular file; a document and its $refs must name files",
            shown.display()
        ),
        exists: true,
    }
}

/// Reads at most `limit` bytes of the file at `path` as UTF-8 text. The
/// read is bounded whatever size the metadata reported, because a file can
/// grow after it was checked.
fn read_bounded(path: &Path, shown: &Path, limit: u64) -> Result<String, Failure> {
    let io = |message: String| Failure {
        code: Code::Io,
        message,
        exists: true,
    };
    let cannot_read = |e: std::io::Error| io(format!("cannot read {}: {e}", shown.display()));
    let file = fs::File::open(path).map_err(cannot_read)?;
    // The path may have been replaced since the metadata check.
    let meta = file.metadata().map_err(cannot_read)?;
    if !meta.is_file() {
        return Err(not_regular_failure(shown, &meta));
    }
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(cannot_read)?;
    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > limit {
        return Err(Failure {
            code: Code::LimitExceeded,
            message: format!(
                "{} is over the limit of {limit} bytes (`max_file_bytes`); raise it with `--max-file-bytes` if the file is trusted",
                shown.display()
            ),
            exists: true,
        });
    }
    String::from_utf8(bytes).map_err(|_| io(format!("{} is not UTF-8 text", shown.display())))
}

fn not_found_message(absolute: &Path, shown: &Path, error: &std::io::Error) -> String {
    // The path as shown may be relative to the working directory; the
    // absolute one says exactly which file was tried.
    let mut message = if shown == absolute {
        format!("cannot read {}: {error}", shown.display())
    } else {
        format!(
            "cannot read {} (resolved to {}): {error}",
            shown.display(),
            absolute.display()
        )
    };
    let (Some(dir), Some(name)) = (absolute.parent(), absolute.file_name()) else {
        return message;
    };
    let name = name.to_string_lossy();
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries.flatten() {
            let other = entry.file_name().to_string_lossy().into_owned();
            if other != name && other.eq_ignore_ascii_case(&name) {
                message.push_str(&format!(
                    " (a file named {other:?} exists; file names are case-sensitive)"
                ));
                break;
            }
        }
    }
    message
}

/// Makes `path` absolute against the working directory and normalizes it.
fn absolute_normalized(path: &Path) -> PathBuf {
    normalize(&std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()))
}

/// Removes `.` and resolves `..` without touching the file system, so a
/// path that does not exist still gets a stable key.
pub(crate) fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            // `..` removes a preceding name, is dropped right after the
            // root (`/..` is `/`), and is kept when nothing can be removed
            // (`../..` stays as it is).
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(".."),
            },
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_ancestor_of_sibling_folders() {
        let ancestor =
            common_ancestor(Path::new("/repo/backend"), Path::new("/repo/common/x.yaml"));
        assert_eq!(ancestor, Path::new("/repo"));
    }

    #[test]
    fn shown_folder_is_relative_to_working_directory() {
        let cwd = normalize(&std::env::current_dir().expect("working directory"));
        assert_eq!(shown_folder(&cwd), Path::new("."));
        assert_eq!(shown_folder(&cwd.join("common")), Path::new("common"));
        if let Some(parent) = cwd.parent() {
            assert_eq!(shown_folder(parent), Path::new(".."));
        }
    }
}
