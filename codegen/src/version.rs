//! The `asyncapi` version field.

use std::fmt;

use crate::diagnostic::{Code, Diagnostic};
use crate::tree::Node;

/// An AsyncAPI version this tool reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SpecVersion {
    /// 2.`minor`.`patch`, with `minor` from 0 to 6.
    V2 {
        /// Minor version.
        minor: u8,
        /// Patch version.
        patch: u8,
    },
    /// 3.`minor`.`patch`, with `minor` 0 or 1.
    V3 {
        /// Minor version.
        minor: u8,
        /// Patch version.
        patch: u8,
    },
}

impl SpecVersion {
    /// Whether this is a 2.x version.
    pub fn is_v2(self) -> bool {
        matches!(self, SpecVersion::V2 { .. })
    }

    /// Whether this is a 3.x version.
    pub fn is_v3(self) -> bool {
        matches!(self, SpecVersion::V3 { .. })
    }

    /// The minor version.
    pub fn minor(self) -> u8 {
        match self {
            SpecVersion::V2 { minor, .. } | SpecVersion::V3 { minor, .. } => minor,
        }
    }

    /// Reads the `asyncapi` field of a document root.
    ///
    /// Accepts 2.0.0 to 2.6.x and 3.0.x to 3.1.x; a pre-release suffix such
    /// as `-rc1` is allowed. Anything else, a missing field or a non-string
    /// value is one error naming the value.
    pub fn read(root: &Node) -> Result<SpecVersion, Diagnostic> {
        let supported = "this tool reads AsyncAPI 2.0.0 to 2.6.0 and 3.0.0 to 3.1.0";
        if root.is_null() {
            // An empty file, or one with only comments, parses to null and
            // has no position worth pointing at.
            return Err(Diagnostic::error(
                Code::VersionMissing,
                "the file is empty: it has no content besides whitespace or comments",
            )
            .with_help(format!(
                "write the AsyncAPI document into it, starting with `asyncapi: 3.0.0`; {supported}"
            ))
            .with_pointer(""));
        }
        let Some(field) = root.get("asyncapi") else {
            let diagnostic = Diagnostic::error(
                Code::VersionMissing,
                "the document has no `asyncapi` field, so it is not an AsyncAPI document",
            )
            .with_help(format!(
                "add `asyncapi: 3.0.0` (or the version it follows) at the top; {supported}"
            ));
            return Err(diagnostic.at("", root.span));
        };
        let text = match field.as_str() {
            Some(text) => text.to_owned(),
            None => {
                let shown = field.to_json().to_string();
                // YAML reads an unquoted `3.0` as a number.
                let help = match field.as_number().and_then(|n| with_patch(n.as_str())) {
                    Some(full) => {
                        format!("write the full version, such as \"{full}\"; {supported}")
                    }
                    None => format!("quote the version; {supported}"),
                };
                return Err(Diagnostic::error(
                    Code::VersionUnsupported,
                    format!(
                        "`asyncapi` must be a version string such as \"3.0.0\", found {} {shown}",
                        field.type_name()
                    ),
                )
                .with_help(help)
                .at("/asyncapi", field.span));
            }
        };
        parse(&text).ok_or_else(|| {
            let help = if text.starts_with("1.") {
                format!("AsyncAPI 1.x is not supported; convert the document to 2.6 or 3.0 (the AsyncAPI converter does this); {supported}")
            } else if let Some(full) = with_patch(&text) {
                format!("write the full version, such as \"{full}\"; {supported}")
            } else if let Some(fixed) = without_leading_zeros(&text) {
                format!("write \"{fixed}\": version parts have no leading zeros; {supported}")
            } else {
                supported.to_owned()
            };
            Diagnostic::error(
                Code::VersionUnsupported,
                format!("unsupported AsyncAPI version {text:?}"),
            )
            .with_help(help)
            .at("/asyncapi", field.span)
        })
    }
}

fn parse(text: &str) -> Option<SpecVersion> {
    let core = match text.split_once('-') {
        // A pre-release suffix such as `-rc1` must not be empty.
        Some((_, "")) => return None,
        Some((core, _)) => core,
        None => text,
    };
    let mut parts = core.split('.');
    let major: u8 = number(parts.next()?)?;
    let minor: u8 = number(parts.next()?)?;
    let patch: u8 = number(parts.next()?)?;
    if parts.next().is_some() {
        return None;
    }
    match (major, minor) {
        (2, 0..=6) => Some(SpecVersion::V2 { minor, patch }),
        (3, 0..=1) => Some(SpecVersion::V3 { minor, patch }),
        _ => None,
    }
}

/// The three-part version for a supported `major.minor` written without
/// its patch number, such as "3.0.0" for "3.0".
fn with_patch(text: &str) -> Option<String> {
    let full = format!("{text}.0");
    parse(&full).map(|_| full)
}

/// The version `text` with leading zeros removed from its parts, such as
/// "3.0.0" for "03.00.0", when that is a supported version.
fn without_leading_zeros(text: &str) -> Option<String> {
    let (core, suffix) = match text.split_once('-') {
        Some((core, suffix)) => (core, format!("-{suffix}")),
        None => (text, String::new()),
    };
    let parts: Vec<&str> = core
        .split('.')
        .map(|part| match part.trim_start_matches('0') {
            "" => "0",
            trimmed => trimmed,
        })
        .collect();
    let fixed = format!("{}{suffix}", parts.join("."));
    parse(&fixed).map(|_| fixed)
}

/// Reads one version part. Semantic Versioning forbids leading zeros, so
/// `00` and `03` are rejected rather than read as 0 and 3.
fn number(text: &str) -> Option<u8> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if text.len() > 1 && text.starts_with('0') {
        return None;
    }
    text.parse().ok()
}

impl fmt::Display for SpecVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SpecVersion::V2 { minor, patch } => write!(f, "2.{minor}.{patch}"),
            SpecVersion::V3 { minor, patch } => write!(f, "3.{minor}.{patch}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_supported_versions() {
        assert_eq!(parse("2.0.0"), Some(SpecVersion::V2 { minor: 0, patch: 0 }));
        assert_eq!(parse("2.6.0"), Some(SpecVersion::V2 { minor: 6, patch: 0 }));
        assert_eq!(parse("3.0.0"), Some(SpecVersion::V3 { minor: 0, patch: 0 }));
        assert_eq!(parse("3.1.0"), Some(SpecVersion::V3 { minor: 1, patch: 0 }));
        assert_eq!(
            parse("2.0.0-rc2"),
            Some(SpecVersion::V2 { minor: 0, patch: 0 })
        );
    }

    #[test]
    fn empty_file_is_reported_without_position() {
        let empty = Node {
            value: crate::tree::Value::Null,
            span: crate::source::Span::file_start(crate::source::FileId(0)),
        };
        let error = SpecVersion::read(&empty).expect_err("empty file has no version");
        assert_eq!(error.code, Code::VersionMissing);
        assert!(
            error.message.contains("the file is empty"),
            "{}",
            error.message
        );
        assert_eq!(error.span, None);
    }

    #[test]
    fn two_part_version_gets_full_version_help() {
        let cases = [("'3.0'", "3.0.0"), ("2.6", "2.6.0"), ("3.0", "3.0.0")];
        for (text, full) in cases {
            let root = crate::load::parse(
                &format!("asyncapi: {text}\n"),
                crate::source::FileId(0),
                &crate::load::Limits::default(),
            )
            .root
            .expect("parses");
            let error = SpecVersion::read(&root).expect_err("two parts");
            assert_eq!(error.code, Code::VersionUnsupported, "{text}");
            let help = error.help.unwrap_or_default();
            assert!(
                help.contains(&format!("write the full version, such as \"{full}\"")),
                "{help}"
            );
        }
    }

    #[test]
    fn leading_zero_version_gets_fixed_version_help() {
        let root = crate::load::parse(
            "asyncapi: '03.00.0'\n",
            crate::source::FileId(0),
            &crate::load::Limits::default(),
        )
        .root
        .expect("parses");
        let error = SpecVersion::read(&root).expect_err("leading zeros");
        assert_eq!(error.code, Code::VersionUnsupported);
        let help = error.help.unwrap_or_default();
        assert!(help.contains("write \"3.0.0\""), "{help}");
    }

    #[test]
    fn rejects_other_versions() {
        for text in [
            "1.2.0", "2.7.0", "3.2.0", "4.0.0", "2.0", "latest", "", "2.0.0.0", "02.x.0", "3.00.0",
            "03.0.0", "3.0.00", "2.6.01", "+3.0.0", "3.0.0-",
        ] {
            assert_eq!(parse(text), None, "{text:?}");
        }
    }
}
