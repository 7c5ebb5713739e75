//! Options shared by every command that loads a document.

use std::fmt::Display;
use std::path::PathBuf;
use std::str::FromStr;

use clap::Args;
use hookforge_codegen::document::LoadOptions;
use hookforge_codegen::load::{Limits, MAX_DEPTH_CAP};

/// Where `$ref`s may lead and how large a document may be.
#[derive(Debug, Args)]
pub struct LoadArgs {
    /// Follow `$ref`s to files outside the root folder (see `--root`).
    #[arg(long)]
    allow_outside_root: bool,

    /// Folder that `$ref`s may not lead out of, such as the folder that
    /// contains both the document and its shared schemas. Defaults to the
    /// folder of each document.
    #[arg(long = "root", value_name = "DIR", value_parser = parse_root)]
    root_dir: Option<PathBuf>,

    /// Read `$ref`s whose URL starts with URL (ending at a `/` of the
    /// URL) from the local folder DIR instead; the rest of the URL is a
    /// path inside DIR. Repeatable.
    /// Nothing is fetched over the network.
    #[arg(long = "remote-mirror", value_name = "URL=DIR", value_parser = parse_mirror)]
    remote_mirrors: Vec<(String, PathBuf)>,

    /// Maximum size of one file, in bytes (at least 1).
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().max_file_bytes, value_parser = parse_positive::<u64>)]
    pub max_file_bytes: u64,

    /// Maximum nesting depth of mappings and sequences in one file, from 1
    /// to 1000 (deeper trees would overflow the stack).
    #[arg(long, value_name = "LEVELS", default_value_t = Limits::default().max_depth, value_parser = parse_max_depth)]
    max_depth: usize,

    /// Maximum number of nodes in one file, counting each copy that a YAML
    /// alias makes (at least 1).
    #[arg(long, value_name = "NODES", default_value_t = Limits::default().max_nodes, value_parser = parse_positive::<usize>)]
    max_nodes: usize,

    /// Maximum number of files in one document, the root included (at
    /// least 1).
    #[arg(long, value_name = "FILES", default_value_t = Limits::default().max_files, value_parser = parse_positive::<usize>)]
    max_files: usize,
}

impl LoadArgs {
    /// The library options these flags describe.
    pub fn load_options(&self) -> LoadOptions {
        LoadOptions {
            limits: Limits {
                max_file_bytes: self.max_file_bytes,
                max_depth: self.max_depth,
                max_nodes: self.max_nodes,
                max_files: self.max_files,
            },
            allow_outside_root: self.allow_outside_root,
            root_dir: self.root_dir.clone(),
            remote_mirrors: self.remote_mirrors.clone(),
        }
    }
}

/// Parses a limit that must be at least 1: a limit of 0 would reject
/// every document, so it is a usage error rather than a silent no-op.
fn parse_positive<T>(text: &str) -> Result<T, String>
where
    T: FromStr + PartialEq + From<u8>,
    T::Err: Display,
{
    match text.parse::<T>() {
        Ok(value) if value == T::from(0) => Err("the limit must be at least 1".to_owned()),
        Ok(value) => Ok(value),
        Err(error) => Err(format!("expected a whole number, found {text:?}: {error}")),
    }
}

/// Parses `--max-depth`: from 1 to [`MAX_DEPTH_CAP`].
fn parse_max_depth(text: &str) -> Result<usize, String> {
    let depth: usize = parse_positive(text)?;
    if depth > MAX_DEPTH_CAP {
        return Err(format!(
            "the loader accepts at most {MAX_DEPTH_CAP} levels, found {depth}, because deeper trees overflow the stack; move deep parts into components and use $ref"
        ));
    }
    Ok(depth)
}

/// Parses `--root DIR`: DIR must be an existing folder.
fn parse_root(text: &str) -> Result<PathBuf, String> {
    let dir = PathBuf::from(text);
    if !dir.is_dir() {
        return Err(format!(
            "the root folder {} does not exist or is not a folder",
            dir.display()
        ));
    }
    Ok(dir)
}

/// Parses `URL=DIR` for `--remote-mirror`. The URL must be `http://` or
/// `https://` and DIR an existing folder, which is made absolute so it
/// matches the absolute paths references resolve to.
pub(super) fn parse_mirror(text: &str) -> Result<(String, PathBuf), String> {
    let Some((url, dir)) = text.split_once('=') else {
        return Err(format!(
            "expected URL=DIR, such as https://example.com/schemas/=./mirror, found {text:?}"
        ));
    };
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(format!(
            "the URL prefix must start with http:// or https://, found {url:?} (the form is URL=DIR)"
        ));
    }
    if dir.is_empty() {
        return Err(format!("no folder given after '=' for {url:?}"));
    }
    let dir = PathBuf::from(dir);
    if !dir.is_dir() {
        return Err(format!(
            "the mirror folder {} does not exist or is not a folder",
            dir.display()
        ));
    }
    let absolute = std::path::absolute(&dir)
        .map_err(|e| format!("cannot make {} absolute: {e}", dir.display()))?;
    Ok((url.to_owned(), absolute))
}

#[cfg(test)]
mod tests {
    use std::env;

    use super::*;

    #[test]
    fn mirror_splits_at_first_equals_sign() {
        let dir = env::temp_dir();
        let text = format!("https://example.com/a/={}", dir.display());
        let (url, parsed) = parse_mirror(&text).expect("valid mirror");
        assert_eq!(url, "https://example.com/a/");
        assert!(parsed.is_absolute());
    }

    #[test]
    fn mirror_without_equals_sign_is_rejected() {
        let error = parse_mirror("https://example.com/a/").expect_err("no DIR");
        assert!(error.contains("URL=DIR"), "{error}");
    }

    #[test]
    fn mirror_with_swapped_parts_is_rejected() {
        let error = parse_mirror("./mirror=https://example.com/").expect_err("not a URL");
        assert!(error.contains("http://"), "{error}");
    }

    #[test]
    fn zero_limits_are_rejected() {
        let error = parse_positive::<usize>("0").expect_err("0 is no limit");
        assert!(error.contains("at least 1"), "{error}");
        assert_eq!(parse_positive::<usize>("3"), Ok(3));
        assert!(parse_positive::<u64>("0").is_err());
    }

    #[test]
    fn max_depth_above_cap_is_rejected() {
        let error = parse_max_depth("10000000").expect_err("above the cap");
        assert!(error.contains(&MAX_DEPTH_CAP.to_string()), "{error}");
        assert_eq!(parse_max_depth("1000"), Ok(1000));
        assert!(parse_max_depth("0").is_err());
    }

    #[test]
    fn root_must_be_existing_folder() {
        assert!(parse_root(&env::temp_dir().display().to_string()).is_ok());
        let error = parse_root("/no/such/folder/hookforge").expect_err("missing folder");
        assert!(error.contains("does not exist"), "{error}");
    }

    #[test]
    fn mirror_with_missing_folder_is_rejected() {
        let error = parse_mirror("https://example.com/=/no/such/folder/hookforge")
            .expect_err("missing folder");
        assert!(error.contains("does not exist"), "{error}");
    }
}
