//! JSON Pointers (RFC 6901) and their use inside `$ref` fragments.

use std::fmt;

/// A parsed JSON Pointer: a list of unescaped reference tokens.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct JsonPointer {
    tokens: Vec<String>,
}

/// Why a string is not a valid JSON Pointer.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PointerError {
    /// A non-empty pointer must start with `/`.
    #[error("a JSON pointer must be empty or start with '/', found {0:?}")]
    MissingSlash(String),
    /// `~` must be followed by `0` or `1`.
    #[error("invalid escape '~{escape}' in JSON pointer {pointer:?}: only '~0' (for '~') and '~1' (for '/') are allowed")]
    BadEscape {
        /// The whole pointer.
        pointer: String,
        /// The character after `~`, or empty at the end.
        escape: String,
    },
}

impl JsonPointer {
    /// The pointer to the whole document.
    pub fn root() -> JsonPointer {
        JsonPointer::default()
    }

    /// Parses pointer text such as `/components/schemas/a~1b`.
    ///
    /// Escapes are decoded per RFC 6901: `~1` becomes `/` first and then
    /// `~0` becomes `~`, so `~01` is the two characters `~1`.
    pub fn parse(text: &str) -> Result<JsonPointer, PointerError> {
        if text.is_empty() {
            return Ok(JsonPointer::root());
        }
        let Some(rest) = text.strip_prefix('/') else {
            return Err(PointerError::MissingSlash(text.to_owned()));
        };
        let tokens = rest
            .split('/')
            .map(|raw| unescape(raw, text))
            .collect::<Result<_, _>>()?;
        Ok(JsonPointer { tokens })
    }

    /// The unescaped tokens.
    pub fn tokens(&self) -> &[String] {
        &self.tokens
    }

    /// Returns this pointer with one more token.
    pub fn join(&self, token: impl Into<String>) -> JsonPointer {
        let mut tokens = self.tokens.clone();
        tokens.push(token.into());
        JsonPointer { tokens }
    }

    /// Adds a token in place.
    pub fn push(&mut self, token: impl Into<String>) {
        self.tokens.push(token.into());
    }

    /// Removes the last token.
    pub fn pop(&mut self) -> Option<String> {
        self.tokens.pop()
    }

    /// Whether `self` is `other` or lies inside it.
    pub fn starts_with(&self, other: &JsonPointer) -> bool {
        self.tokens.starts_with(&other.tokens)
    }
}

fn unescape(raw: &str, whole: &str) -> Result<String, PointerError> {
    if !raw.contains('~') {
        return Ok(raw.to_owned());
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '~' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('0') => out.push('~'),
            Some('1') => out.push('/'),
            other => {
                return Err(PointerError::BadEscape {
                    pointer: whole.to_owned(),
                    escape: other.map(String::from).unwrap_or_default(),
                })
            }
        }
    }
    Ok(out)
}

/// Reads a reference token as an array index. RFC 6901 allows only `0`
/// or digits without a leading zero, so `01`, `+1` and `-` (the element
/// after the last) name no element. The error explains why the token is
/// not an index.
pub fn array_index(token: &str) -> Result<usize, String> {
    let digits = !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit());
    if !digits {
        return Err(format!(
            "{:?} is not an array index: an index is written in decimal digits only",
            escape_token(token)
        ));
    }
    if token.len() > 1 && token.starts_with('0') {
        let trimmed = token.trim_start_matches('0');
        let index = if trimmed.is_empty() { "0" } else { trimmed };
        return Err(format!(
            "{token:?} is not an array index: an index has no leading zeros (write {index:?})"
        ));
    }
    token
        .parse()
        .map_err(|_| format!("array index {token} is too large"))
}

/// Escapes one reference token: `~` becomes `~0` and `/` becomes `~1`.
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

impl fmt::Display for JsonPointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for token in &self.tokens {
            write!(f, "/{}", escape_token(token))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_tilde_one_before_tilde_zero() {
        let p = JsonPointer::parse("/a~1b/c~0d/x~01y").expect("valid pointer");
        assert_eq!(p.tokens(), ["a/b", "c~d", "x~1y"]);
    }

    #[test]
    fn rejects_unknown_escape() {
        let err = JsonPointer::parse("/a~2b").expect_err("~2 is invalid");
        assert!(matches!(err, PointerError::BadEscape { ref escape, .. } if escape == "2"));
    }

    #[test]
    fn rejects_trailing_tilde() {
        assert!(JsonPointer::parse("/a~").is_err());
    }

    #[test]
    fn rejects_missing_slash() {
        assert!(JsonPointer::parse("components").is_err());
    }

    #[test]
    fn array_index_follows_rfc_6901() {
        assert_eq!(array_index("0"), Ok(0));
        assert_eq!(array_index("12"), Ok(12));
        for token in ["01", "00", "+1", "-1", "-", "", "1a", " 1"] {
            assert!(array_index(token).is_err(), "{token:?}");
        }
        let error = array_index("01").expect_err("leading zero");
        assert!(error.contains("write \"1\""), "{error}");
        let error = array_index("00").expect_err("leading zero");
        assert!(error.contains("write \"0\""), "{error}");
    }

    #[test]
    fn display_round_trips() {
        let text = "/channels/~1messages~1log/a~0b";
        assert_eq!(JsonPointer::parse(text).expect("valid").to_string(), text);
    }
}
