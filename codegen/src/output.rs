//! Writing generated files: whole or not at all, and only when their
//! content changes, so that build tools watching the file see no change
//! when a run produces the same code again.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Outcome of [`write_if_changed`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Written {
    /// The file already held the content and was left alone, keeping its
    /// modification time.
    Unchanged,
    /// The file was created or replaced.
    Changed,
}

/// Failure to write a generated file.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The folder for the file could not be created.
    #[error("cannot create the folder {}: {source}", dir.display())]
    CreateDir {
        /// The folder.
        dir: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// The temporary file could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The temporary file.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// The temporary file could not be moved over the target.
    #[error("cannot move {} to {}: {source}", from.display(), to.display())]
    Rename {
        /// The temporary file.
        from: PathBuf,
        /// The target.
        to: PathBuf,
        /// The cause.
        source: io::Error,
    },
}

/// Writes `contents` to `target` unless the file already contains exactly
/// that, creating missing folders. See [`write_atomically`].
pub fn write_if_changed(target: &Path, contents: &str) -> Result<Written, WriteError> {
    if fs::read(target).ok().as_deref() == Some(contents.as_bytes()) {
        return Ok(Written::Unchanged);
    }
    write_atomically(target, contents)?;
    Ok(Written::Changed)
}

/// Writes `contents` to `target` through a temporary file in the same
/// folder and a rename, so a reader never sees half a file. Creates
/// missing folders.
pub fn write_atomically(target: &Path, contents: &str) -> Result<(), WriteError> {
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(|source| WriteError::CreateDir {
        dir: dir.to_path_buf(),
        source,
    })?;
    let file_name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = dir.join(format!(".{file_name}.{}.tmp", std::process::id()));
    write_new(&temporary, contents).map_err(|source| WriteError::Write {
        path: temporary.clone(),
        source,
    })?;
    fs::rename(&temporary, target).map_err(|source| {
        // Leave no temporary file behind; the rename error is the one to
        // report.
        let _ = fs::remove_file(&temporary);
        WriteError::Rename {
            from: temporary.clone(),
            to: target.to_path_buf(),
            source,
        }
    })
}

/// Writes `contents` to a file that must not exist yet, so a symlink or a
/// file planted under the temporary name is never followed or reused.
fn write_new(path: &Path, contents: &str) -> io::Result<()> {
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(contents.as_bytes())?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("hookforge-output-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn same_content_is_not_rewritten() {
        let dir = scratch("same");
        let target = dir.join("nested/out.rs");
        assert_eq!(write_if_changed(&target, "a").ok(), Some(Written::Changed));
        let before = fs::metadata(&target).and_then(|m| m.modified()).ok();
        assert_eq!(
            write_if_changed(&target, "a").ok(),
            Some(Written::Unchanged)
        );
        assert_eq!(
            fs::metadata(&target).and_then(|m| m.modified()).ok(),
            before
        );
        assert_eq!(write_if_changed(&target, "b").ok(), Some(Written::Changed));
        assert_eq!(fs::read_to_string(&target).ok().as_deref(), Some("b"));
        let leftovers: Vec<_> = fs::read_dir(dir.join("nested"))
            .map(|entries| entries.flatten().map(|e| e.file_name()).collect())
            .unwrap_or_default();
        assert_eq!(leftovers.len(), 1, "{leftovers:?}");
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn file_in_place_of_folder_fails() {
        let dir = scratch("blocked");
        fs::create_dir_all(&dir).ok();
        fs::write(dir.join("file"), "x").ok();
        let error = write_if_changed(&dir.join("file/out.rs"), "a");
        assert!(
            matches!(error, Err(WriteError::CreateDir { .. })),
            "{error:?}"
        );
        let _ = fs::remove_dir_all(&dir);
    }
}
