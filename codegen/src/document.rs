//! A document and every file it references, with `$ref` resolution.
//!
//! Loading reads the root file, then every file that a reachable `$ref`
//! names, checks each reachable reference once, and keeps references as
//! edges: nothing is inlined, so circular references cost nothing.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Component, Path, PathBuf};

use crate::diagnostic::{Code, Diagnostic};
use crate::load::{self, Limits};
use crate::pointer::{escape_token, JsonPointer};
use crate::reference::Reference;
use crate::source::{FileId, SourceMap, Span};
use crate::tree::{Node, Value};

/// How to load a document.
#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    /// Size, depth and expansion limits.
    pub limits: Limits,
    /// Follow `$ref`s to files outside the folder of the root document.
    pub allow_outside_root: bool,
    /// Local copies of remote documents: a `$ref` whose URL starts with the
    /// prefix is read from the folder instead, with the rest of the URL as
    /// a relative path. Nothing is ever fetched over the network.
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
}

impl RefError {
    fn new(code: Code, message: String) -> RefError {
        RefError {
            code,
            message,
            help: None,
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
    /// Reading or parsing failed; the message says why.
    Failed(String),
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

/// Most `$ref`s followed in a row before a chain counts as a cycle.
const MAX_REF_HOPS: usize = 64;

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
        let root_dir = absolute.parent().map(Path::to_path_buf).unwrap_or_default();
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
            if let Some(FileState::Failed(message)) = document.trees.get(root.index()) {
                if diagnostics.is_empty() {
                    diagnostics.push(Diagnostic::error(Code::Io, message.clone()));
                }
            }
            return Err(diagnostics);
        }
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
            root_dir: absolute.parent().map(Path::to_path_buf).unwrap_or_default(),
            options,
        };
        let mut diagnostics = Vec::new();
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

    /// Every file read, for `cargo:rerun-if-changed` lines.
    pub fn files_read(&self) -> impl Iterator<Item = &Path> {
        self.sources.iter().map(|(_, f)| f.path.as_path())
    }

    /// Resolves the reference text `reference` written in file `from`.
    ///
    /// Follows `$ref`s met on the way down the pointer, but not one at the
    /// target itself: use [`Document::follow`] for that.
    pub fn resolve(&self, from: FileId, reference: &str) -> Result<Target<'_>, RefError> {
        self.resolve_hops(from, reference, 0)
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
        for _ in 0..MAX_REF_HOPS {
            let Some(reference) = target.node.ref_target() else {
                return Ok(target);
            };
            target = self.resolve(target.file, reference)?;
        }
        Err(cycle_error(node.ref_target().unwrap_or_default()))
    }

    fn resolve_hops(
        &self,
        from: FileId,
        reference: &str,
        hops: usize,
    ) -> Result<Target<'_>, RefError> {
        if hops > MAX_REF_HOPS {
            return Err(cycle_error(reference));
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
                let path = self
                    .mirror_path(&url)
                    .ok_or_else(|| remote_error(reference))?;
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
            Some(FileState::Failed(why)) => {
                return Err(RefError::new(
                    Code::RefUnresolved,
                    format!("$ref {reference:?}: {why}"),
                ))
            }
            None => {
                return Err(RefError::new(
                    Code::RefUnresolved,
                    format!("$ref {reference:?} names a file that was not loaded"),
                ))
            }
        };
        self.walk(file, root, &pointer, reference, hops)
    }

    /// Walks `pointer` from `root`, following `$ref`s on the way.
    fn walk<'d>(
        &'d self,
        file: FileId,
        root: &'d Node,
        pointer: &JsonPointer,
        reference: &str,
        hops: usize,
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
                current = self.resolve_hops(current.file, inner, hops + 1)?;
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
                Value::Sequence(items) => (
                    token.parse::<usize>().ok().and_then(|i| items.get(i)),
                    token.clone(),
                ),
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

    fn mirror_path(&self, url: &str) -> Option<PathBuf> {
        self.options
            .remote_mirrors
            .iter()
            .find_map(|(prefix, dir)| {
                let rest = url.strip_prefix(prefix.as_str())?;
                Some(normalize(&dir.join(rest.trim_start_matches('/'))))
            })
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
            return Err(RefError::new(
                Code::RefOutsideRoot,
                format!(
                    "$ref {reference:?} leads to {}, outside the folder of the root document ({})",
                    absolute.display(),
                    self.root_dir.display()
                ),
            )
            .help("move the file under the document's folder, or allow it with `--allow-outside-root` (LoadOptions::allow_outside_root)"));
        }
        Ok(absolute)
    }

    fn is_mirrored(&self, path: &Path) -> bool {
        self.options
            .remote_mirrors
            .iter()
            .any(|(_, dir)| path.starts_with(normalize(dir)))
    }

    fn absolute_path(&self, file: FileId) -> PathBuf {
        self.absolute.get(file.index()).cloned().unwrap_or_default()
    }

    /// Reads and parses one file, once; later calls return the same id.
    fn read_file(
        &mut self,
        absolute: &Path,
        shown: PathBuf,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> FileId {
        if let Some(id) = self.by_path.get(absolute) {
            return *id;
        }
        let limit = self.options.limits.max_file_bytes;
        let text = match fs::metadata(absolute) {
            Ok(meta) if meta.len() > limit => Err(format!(
                "{} is {} bytes, over the limit of {limit} bytes (raise `max_file_bytes` or `--max-file-bytes` if it is trusted)",
                shown.display(),
                meta.len()
            )),
            Ok(_) => fs::read(absolute)
                .map_err(|e| format!("cannot read {}: {e}", shown.display()))
                .and_then(|bytes| {
                    String::from_utf8(bytes).map_err(|_| format!("{} is not UTF-8 text", shown.display()))
                }),
            Err(e) => Err(not_found_message(absolute, &shown, &e)),
        };
        match text {
            Ok(text) => self.add_text(absolute.to_path_buf(), shown, text, diagnostics),
            Err(message) => {
                let id = self.sources.add(shown, String::new());
                self.trees.push(FileState::Failed(message));
                self.by_path.insert(absolute.to_path_buf(), id);
                self.absolute.push(absolute.to_path_buf());
                id
            }
        }
    }

    fn add_text(
        &mut self,
        absolute: PathBuf,
        shown: PathBuf,
        text: String,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> FileId {
        let id = self.sources.add(shown.clone(), text);
        let parsed = load::parse(&self.sources.get(id).text, id, &self.options.limits);
        let first_error = parsed
            .diagnostics
            .iter()
            .find(|d| d.is_error())
            .map(|d| d.message.clone());
        diagnostics.extend(parsed.diagnostics);
        self.trees.push(match parsed.root {
            Some(root) => FileState::Loaded(root),
            None => FileState::Failed(format!(
                "{} is not valid YAML or JSON: {}",
                shown.display(),
                first_error.unwrap_or_default()
            )),
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
                if let Ok(start) = self.walk(file, tree, &pointer, "", 0) {
                    collect_refs(start.node, &mut pointer.clone(), &mut refs);
                }
            }
            for (at, reference, span) in refs {
                match self.load_target(file, &reference, diagnostics) {
                    Ok(()) => {}
                    Err(error) => {
                        diagnostics.push(error.into_diagnostic(at.to_string(), span));
                        continue;
                    }
                }
                match self.resolve(file, &reference) {
                    Ok(target) => {
                        let next = (target.file, target.pointer.clone());
                        queue.push(next);
                    }
                    Err(error) => diagnostics.push(error.into_diagnostic(at.to_string(), span)),
                }
            }
        }
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
                let path = self
                    .mirror_path(&url)
                    .ok_or_else(|| remote_error(reference))?;
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

/// Keys whose values are data, not schema or AsyncAPI objects, so a `$ref`
/// inside them is an ordinary key.
const DATA_KEYS: &[&str] = &["examples", "example", "default", "const", "enum"];

/// Collects `(pointer, reference, span)` for every `$ref` under `node`.
fn collect_refs(
    node: &Node,
    pointer: &mut JsonPointer,
    out: &mut Vec<(JsonPointer, String, Span)>,
) {
    match &node.value {
        Value::Mapping(mapping) => {
            if let Some(entry) = mapping.entry("$ref") {
                match &entry.value.value {
                    Value::String(reference) => {
                        out.push((pointer.join("$ref"), reference.clone(), entry.value.span));
                    }
                    // A mapping under `$ref` is a property named `$ref`
                    // inside `properties`, not a reference.
                    Value::Mapping(_) => {}
                    _ => {}
                }
            }
            let skips_payload = uses_foreign_schema_format(node);
            for (key, value) in mapping.iter() {
                if key == "$ref" && !matches!(value.value, Value::Mapping(_)) {
                    continue;
                }
                if DATA_KEYS.contains(&key)
                    || (skips_payload && (key == "payload" || key == "schema"))
                {
                    continue;
                }
                pointer.push(key);
                collect_refs(value, pointer, out);
                pointer.pop();
            }
        }
        Value::Sequence(items) => {
            for (i, item) in items.iter().enumerate() {
                pointer.push(i.to_string());
                collect_refs(item, pointer, out);
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

fn cycle_error(reference: &str) -> RefError {
    RefError::new(
        Code::RefCycle,
        format!("$ref {reference:?} starts a chain of references that never reaches a value"),
    )
    .help("make one reference in the chain point at an actual object")
}

fn remote_error(reference: &str) -> RefError {
    RefError::new(
        Code::RefRemote,
        format!("$ref {reference:?} names a remote document; remote references are not fetched"),
    )
    .help("download the document next to this one and use a relative path, or map the URL to a local folder with `--remote-mirror URL=DIR` (LoadOptions::remote_mirrors)")
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
            error = error.help(format!("did you mean {near:?}? keys are case-sensitive"));
        } else if token.contains('/') || mapping.keys().any(|k| k.contains('/')) {
            error = error.help("escape '/' inside a key as '~1' and '~' as '~0'");
        }
    }
    error
}

fn not_found_message(absolute: &Path, shown: &Path, error: &std::io::Error) -> String {
    let mut message = format!("cannot read {}: {error}", shown.display());
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

/// Removes `.` and resolves `..` without touching the file system, so a
/// path that does not exist still gets a stable key.
pub(crate) fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}
