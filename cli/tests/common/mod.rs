//! Helpers shared by the integration tests. Each test binary compiles
//! this module on its own and uses only part of it.
#![allow(dead_code)]

use std::fs;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A folder under the system temp dir, removed when dropped.
pub struct TempDir {
    /// The folder.
    pub path: PathBuf,
}

impl TempDir {
    /// Creates a fresh folder whose name contains `name`, the process id
    /// and a counter, so parallel tests and test binaries never share one.
    pub fn new(name: &str) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let unique = format!(
            "hookforge-test-{}-{}-{name}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let path = std::env::temp_dir().join(unique);
        fs::create_dir_all(&path).expect("create temp folder");
        TempDir { path }
    }

    /// Writes `bytes` (text or raw bytes) to `name`, which may contain
    /// folders, and returns the full path.
    pub fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path.join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("create folder");
        }
        fs::write(&path, bytes).expect("write file");
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
    }
}
