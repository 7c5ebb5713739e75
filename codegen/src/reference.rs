//! Parsing `$ref` strings into a file part and a JSON pointer.

use percent_encoding::percent_decode_str;

use crate::pointer::{JsonPointer, PointerError};

/// A parsed JSON Reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reference {
    /// A pointer into the file that contains the reference (`#/a/b`).
    Local(JsonPointer),
    /// A relative or absolute file path, with a pointer into that file (the
    /// whole file when the fragment is absent or empty).
    File {
        /// The percent-decoded path as written.
        path: String,
        /// Where in that file.
        pointer: JsonPointer,
    },
    /// An `http(s)` URL.
    Remote {
        /// The URL without its fragment.
        url: String,
        /// Where in the remote document.
        pointer: JsonPointer,
    },
}

/// Why a `$ref` string cannot be parsed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReferenceError {
    /// The fragment is not a valid JSON pointer.
    #[error("{0}")]
    Pointer(#[from] PointerError),
    /// A percent escape does not decode to UTF-8.
    #[error("the reference is not valid percent-encoded UTF-8")]
    Encoding,
    /// A URL scheme other than `http`, `https` or `file`.
    #[error("unsupported URL scheme {0:?}; use a relative file path or an http(s) URL")]
    Scheme(String),
}

impl Reference {
    /// Parses a `$ref` value. The fragment is percent-decoded before it is
    /// read as a JSON pointer, so `#/channels/a%20b` names key `a b`.
    pub fn parse(text: &str) -> Result<Reference, ReferenceError> {
        let (location, fragment) = match text.split_once('#') {
            Some((location, fragment)) => (location, fragment),
            None => (text, ""),
        };
        let fragment = decode(fragment)?;
        let pointer = JsonPointer::parse(&fragment)?;
        if location.is_empty() {
            return Ok(Reference::Local(pointer));
        }
        if let Some((scheme, _)) = location.split_once("://") {
            let scheme = scheme.to_ascii_lowercase();
            return match scheme.as_str() {
                "http" | "https" => Ok(Reference::Remote {
                    url: location.to_owned(),
                    pointer,
                }),
                "file" => Ok(Reference::File {
                    path: decode(&location["file://".len()..])?,
                    pointer,
                }),
                _ => Err(ReferenceError::Scheme(scheme)),
            };
        }
        Ok(Reference::File {
            path: decode(location)?,
            pointer,
        })
    }
}

/// Returns the part of `url` after the mirror prefix `prefix`,
/// percent-decoded like a local path, or `None` when `prefix` does not
/// cover `url`.
///
/// The scheme and host are compared without regard to case and must match
/// exactly, so `https://example.com` covers neither
/// `https://example.com.evil.com/` nor `https://example.com@evil.com/`. The
/// prefix's path must end at a `/` of the URL's path: `/schemas` covers
/// `/schemas/a.yaml` but not `/schemas-old/a.yaml`.
pub fn strip_mirror_prefix(url: &str, prefix: &str) -> Option<String> {
    let (url_origin, url_path) = split_origin(url)?;
    let (prefix_origin, prefix_path) = split_origin(prefix)?;
    if !url_origin.eq_ignore_ascii_case(prefix_origin) {
        return None;
    }
    let rest = url_path.strip_prefix(prefix_path)?;
    let at_boundary = prefix_path.ends_with('/') || rest.is_empty() || rest.starts_with('/');
    if !at_boundary {
        return None;
    }
    decode(rest.trim_start_matches('/')).ok()
}

/// Splits an absolute URL into its scheme and authority (`https://host`)
/// and the rest (the path, empty or starting with `/`).
fn split_origin(url: &str) -> Option<(&str, &str)> {
    let scheme_end = url.find("://")? + "://".len();
    let path_start = url[scheme_end..]
        .find('/')
        .map_or(url.len(), |i| scheme_end + i);
    Some(url.split_at(path_start))
}

fn decode(text: &str) -> Result<String, ReferenceError> {
    percent_decode_str(text)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| ReferenceError::Encoding)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pointer(text: &str) -> JsonPointer {
        JsonPointer::parse(text).expect("valid pointer")
    }

    #[test]
    fn local_reference() {
        assert_eq!(
            Reference::parse("#/components/schemas/a~1b"),
            Ok(Reference::Local(pointer("/components/schemas/a~1b")))
        );
    }

    #[test]
    fn whole_file_forms_are_equal() {
        for text in ["x.yaml", "x.yaml#"] {
            assert_eq!(
                Reference::parse(text),
                Ok(Reference::File {
                    path: "x.yaml".into(),
                    pointer: JsonPointer::root()
                })
            );
        }
    }

    #[test]
    fn percent_encoding_is_decoded() {
        assert_eq!(
            Reference::parse("my%20dir/x.yaml#/a%20b"),
            Ok(Reference::File {
                path: "my dir/x.yaml".into(),
                pointer: pointer("/a b")
            })
        );
    }

    #[test]
    fn mirror_prefix_matches_at_url_boundaries() {
        let prefix = "https://example.com";
        let cases = [
            ("https://example.com/a.yaml", Some("a.yaml")),
            ("HTTPS://Example.COM/a.yaml", Some("a.yaml")),
            ("https://example.com", Some("")),
            ("https://example.com/my%20dir/a.yaml", Some("my dir/a.yaml")),
            ("https://example.com.evil.com/a.yaml", None),
            ("https://example.com@evil.com/a.yaml", None),
            ("https://example.com:8443/a.yaml", None),
            ("http://example.com/a.yaml", None),
        ];
        for (url, expected) in cases {
            assert_eq!(
                strip_mirror_prefix(url, prefix).as_deref(),
                expected,
                "{url}"
            );
        }
    }

    #[test]
    fn mirror_prefix_path_ends_at_slash() {
        let bare = "https://example.com/schemas";
        let slash = "https://example.com/schemas/";
        let url = "https://example.com/schemas/a.yaml";
        assert_eq!(strip_mirror_prefix(url, bare).as_deref(), Some("a.yaml"));
        assert_eq!(strip_mirror_prefix(url, slash).as_deref(), Some("a.yaml"));
        let sibling = "https://example.com/schemas-old/a.yaml";
        assert_eq!(strip_mirror_prefix(sibling, bare), None);
        assert_eq!(strip_mirror_prefix(sibling, slash), None);
    }

    #[test]
    fn remote_and_bad_scheme() {
        assert!(matches!(
            Reference::parse("https://example.com/s.json#/a"),
            Ok(Reference::Remote { .. })
        ));
        assert!(matches!(
            Reference::parse("ftp://example.com/s.json"),
            Err(ReferenceError::Scheme(_))
        ));
    }
}
