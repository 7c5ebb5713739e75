//! Reading the corpus manifest, `MANIFEST.tsv`.
//!
//! The manifest is tab-separated with a header line. Fields escape `\` as
//! `\\`, `"` as `\"`, and tab, newline and carriage return as `\t`, `\n`
//! and `\r`, so every row is exactly one line.

use std::path::Path;

/// How the source of a document labels it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Validity {
    /// The source's tests or file name say the document is valid.
    Valid,
    /// The source's tests or file name say the document is invalid.
    Invalid,
    /// The source gives no label (most real-world documents).
    Unknown,
    /// A support file that is not a document on its own.
    NotApplicable,
}

/// One row of the manifest: one file of the corpus.
#[derive(Clone, Debug)]
pub struct Row {
    /// Path of the file inside the corpus folder.
    pub local_path: String,
    /// The `asyncapi` field as written, possibly odd on purpose.
    pub asyncapi_version: String,
    /// The source's label.
    pub validity: Validity,
    /// Detected features, comma-separated (`$ref:external-file`, ...).
    pub features: String,
    /// File size in bytes.
    pub size_bytes: u64,
    /// `document` for a root input; other kinds are support files.
    pub kind: String,
    /// What the label rests on.
    pub validity_basis: String,
    /// The error the source's own tests expect, where they state one.
    pub expected_error: String,
    /// An approximate offline check against the official JSON Schema:
    /// `pass` or `fail(N): first error`.
    pub schema_check: String,
    /// Quirks worth knowing.
    pub notes: String,
}

impl Row {
    /// Whether the row is a root document rather than a support file.
    pub fn is_document(&self) -> bool {
        self.kind == "document"
    }

    /// Whether the document declares AsyncAPI 1.x, which this tool rejects
    /// with one version error.
    pub fn is_v1(&self) -> bool {
        self.asyncapi_version.starts_with("1.")
    }
}

/// Reads and parses `MANIFEST.tsv` in `corpus`.
pub fn read(corpus: &Path) -> Result<Vec<Row>, String> {
    let path = corpus.join("MANIFEST.tsv");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    parse(&text)
}

/// Parses manifest text: a header line naming the columns, then one row per
/// line.
pub fn parse(text: &str) -> Result<Vec<Row>, String> {
    let mut lines = text.lines();
    let header: Vec<&str> = lines
        .next()
        .ok_or("the manifest is empty")?
        .split('\t')
        .collect();
    let column = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .ok_or_else(|| format!("the manifest has no column {name:?}"))
    };
    let local_path = column("local_path")?;
    let version = column("asyncapi_version")?;
    let validity = column("validity")?;
    let features = column("features")?;
    let size = column("size_bytes")?;
    let kind = column("kind")?;
    let basis = column("validity_basis")?;
    let expected = column("expected_error")?;
    let schema_check = column("schema_check")?;
    let notes = column("notes")?;

    let mut rows = Vec::new();
    for (index, line) in lines.enumerate() {
        if line.is_empty() {
            continue;
        }
        let fields: Vec<String> = line.split('\t').map(unescape).collect();
        if fields.len() != header.len() {
            return Err(format!(
                "manifest line {} has {} fields, the header has {}",
                index + 2,
                fields.len(),
                header.len()
            ));
        }
        let validity = match fields[validity].as_str() {
            "valid" => Validity::Valid,
            "invalid" => Validity::Invalid,
            "unknown" => Validity::Unknown,
            "n/a" => Validity::NotApplicable,
            other => {
                return Err(format!(
                    "manifest line {}: unknown validity {other:?}",
                    index + 2
                ))
            }
        };
        rows.push(Row {
            local_path: fields[local_path].clone(),
            asyncapi_version: fields[version].clone(),
            validity,
            features: fields[features].clone(),
            size_bytes: fields[size].parse().unwrap_or(0),
            kind: fields[kind].clone(),
            validity_basis: fields[basis].clone(),
            expected_error: fields[expected].clone(),
            schema_check: fields[schema_check].clone(),
            notes: fields[notes].clone(),
        });
    }
    Ok(rows)
}

/// Decodes the backslash escapes of one field. An unknown escape keeps its
/// backslash, so no text is lost.
pub fn unescape(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    let mut chars = field.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('\\') => out.push('\\'),
            Some('"') => out.push('"'),
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unescape_decodes_quotes_and_backslashes() {
        assert_eq!(unescape(r#"a \"b\" c\\d"#), r#"a "b" c\d"#);
        assert_eq!(unescape(r"\t\n"), "\t\n");
        assert_eq!(unescape(r"\x"), r"\x");
    }

    #[test]
    fn parse_reads_columns_by_name() {
        let text = "kind\tlocal_path\tasyncapi_version\tvalidity\tfeatures\tsize_bytes\tvalidity_basis\texpected_error\tschema_check\tnotes\n\
                    document\tv2/a.yaml\t2.0.0\tinvalid\t\t12\tname\tsays \\\"x\\\"\tpass\t\n";
        let rows = parse(text).expect("well-formed manifest");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].local_path, "v2/a.yaml");
        assert_eq!(rows[0].validity, Validity::Invalid);
        assert_eq!(rows[0].expected_error, "says \"x\"");
        assert_eq!(rows[0].size_bytes, 12);
    }

    #[test]
    fn parse_rejects_short_rows() {
        let text = "kind\tlocal_path\tasyncapi_version\tvalidity\tfeatures\tsize_bytes\tvalidity_basis\texpected_error\tschema_check\tnotes\n\
                    document\tv2/a.yaml\n";
        let error = parse(text).expect_err("a row with 2 of 10 fields");
        assert!(error.contains("has 2 fields"), "{error}");
    }
}
