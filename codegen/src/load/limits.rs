//! Limits that keep hostile input from hanging the loader or exhausting
//! memory.

/// Bounds on what the loader accepts. Every limit is checked while reading,
/// before the work it guards is done, and a breach is reported with the
/// limit's name and value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest file read, in bytes.
    pub max_file_bytes: u64,
    /// Deepest nesting of sequences and mappings in one file. Flow
    /// collections (`[...]`, `{...}`, so all of JSON) are also capped at 255
    /// levels by the YAML parser, whatever this is set to.
    pub max_depth: usize,
    /// Most nodes one file may expand to, counting every copy that a YAML
    /// alias makes. This is what stops "billion laughs" alias bombs.
    pub max_nodes: usize,
    /// Most files one document may consist of, the root included.
    pub max_files: usize,
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
