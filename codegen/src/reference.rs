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
