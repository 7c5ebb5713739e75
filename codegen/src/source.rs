//! Source files and positions inside them.
//!
//! Every node of a loaded document carries a [`Span`], so any diagnostic can
//! name the file, line and column it is about.

use std::path::{Path, PathBuf};

/// Index of a file in a [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub(crate) u32);

impl FileId {
    /// Index of this file in the order the loader read it (the root is 0).
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A position in a source file; `line` and `column` both start at 1, and the
/// column counts characters, not bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// Line number, starting at 1.
    pub line: u32,
    /// Column number in characters, starting at 1.
    pub column: u32,
}

/// A range in one source file, from `start` (inclusive) to `end` (exclusive).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Span {
    /// File the range is in.
    pub file: FileId,
    /// First character of the range.
    pub start: Position,
    /// Position just past the last character of the range.
    pub end: Position,
}

impl Span {
    /// Creates an empty span at the start of `file`, for diagnostics about a
    /// whole file.
    pub fn file_start(file: FileId) -> Span {
        let start = Position { line: 1, column: 1 };
        Span {
            file,
            start,
            end: start,
        }
    }
}

/// A file that was read while loading a document.
#[derive(Debug)]
pub struct SourceFile {
    /// Path as the loader opened it: the root path as given, and referenced
    /// files joined onto the directory of the file that referenced them.
    pub path: PathBuf,
    /// Full text of the file.
    pub text: String,
}

impl SourceFile {
    /// Returns line `line` (1-based) without its line break, or `None` past
    /// the end of the file.
    pub fn line(&self, line: u32) -> Option<&str> {
        let index = usize::try_from(line).ok()?.checked_sub(1)?;
        self.text
            .split('\n')
            .nth(index)
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
    }
}

/// All files read for one document, indexed by [`FileId`].
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    /// Adds a file and returns its id.
    pub fn add(&mut self, path: PathBuf, text: String) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files.push(SourceFile { path, text });
        id
    }

    /// Returns the file with id `id`.
    ///
    /// # Panics
    ///
    /// Panics if `id` did not come from this map.
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.index()]
    }

    /// Returns the path of file `id`.
    pub fn path(&self, id: FileId) -> &Path {
        &self.get(id).path
    }

    /// Iterates over all files in the order they were read.
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }

    /// Number of files read.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether no file has been read.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}
