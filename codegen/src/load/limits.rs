//! Limits that keep hostile input from hanging the loader or exhausting
//! memory.

/// Bounds on what the loader accepts. Every limit is checked while reading,
/// before the work it guards is done, and a breach is reported with the
/// limit's name and value.
///
/// A limit of 0 rejects every file, collection or node it counts, except
/// that the root file is always read, so `max_files: 0` acts as 1. The
/// command line rejects 0 for every limit as a usage error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest file read, in bytes.
    pub max_file_bytes: u64,
    /// Deepest nesting of sequences and mappings in one file, counting the
    /// levels that a YAML alias copies in. Values above [`MAX_DEPTH_CAP`]
    /// count as that cap. Flow collections (`[...]`, `{...}`, so all of
    /// JSON) are also capped at 255 levels by the YAML parser, whatever
    /// this is set to.
    pub max_depth: usize,
    /// Most nodes one file may expand to, counting every copy that a YAML
    /// alias makes. This is what stops "billion laughs" alias bombs.
    pub max_nodes: usize,
    /// Most files one document may consist of, the root included.
    pub max_files: usize,
}

/// Highest nesting depth the loader accepts, whatever
/// [`Limits::max_depth`] says. Validation, code generation and
/// `Node::to_json` walk the tree recursively, so a deeper tree would
/// overflow the stack and abort the process.
// NOTE: measured on Linux x86_64 in a debug build with nested
// `properties`: on the 8 MiB main-thread stack 1,000 levels validate and
// generate and 2,000 overflow. On a 2 MiB thread (Rust's default for
// spawned threads and tests) 400 levels validate and 600 overflow, so
// callers there that raise `max_depth` above 400 need a larger stack.
pub const MAX_DEPTH_CAP: usize = 1_000;

impl Limits {
    /// The nesting limit in force: [`Limits::max_depth`], at most
    /// [`MAX_DEPTH_CAP`].
    pub fn effective_max_depth(&self) -> usize {
        self.max_depth.min(MAX_DEPTH_CAP)
    }
}

impl Default for Limits {
    /// Defaults sized well above the largest real documents we know of
    /// (3 MB, a few hundred thousand nodes, nesting under 40 levels).
    fn default() -> Limits {
        Limits {
            max_file_bytes: 64 * 1024 * 1024,
            max_depth: 200,
            max_nodes: 5_000_000,
            max_files: 10_000,
        }
    }
}
