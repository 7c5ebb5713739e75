//! The `tracestate` header of W3C Trace Context.

use std::collections::HashSet;
use std::fmt;
use std::str::FromStr;

/// Maximum number of list-members in a `tracestate`.
pub const MAX_MEMBERS: usize = 32;

/// A validated `tracestate` header: vendor-specific `key=value` pairs that
/// travel with a [`TraceParent`](super::TraceParent).
///
/// The header is kept with its list-members in order, joined by `,`:
/// empty list-members and the optional spaces and tabs around members are
/// dropped, as the W3C format allows, so a header padded with thousands of
/// commas is not forwarded at that size. Parsing checks the W3C Trace Context grammar. A header has at most 32
/// list-members, separated by commas and optional spaces or tabs, and no key
/// appears twice. Each key is a lowercase `simple-key` or a
/// `tenant@system` key. Each value has 1 to 256 printable ASCII characters
/// other than `,` and `=`, and does not end in a space. Empty list-members
/// are allowed and ignored.
///
/// # Example
///
/// ```
/// use hookforge::trace::TraceState;
///
/// let state: TraceState = "rojo=00f067aa0ba902b7, congo=t61rcWkgMzE".parse()?;
/// assert_eq!(state.get("congo"), Some("t61rcWkgMzE"));
/// assert_eq!(state.len(), 2);
/// assert_eq!(state.as_str(), "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
///
/// assert!("Rojo=1".parse::<TraceState>().is_err());
/// # Ok::<(), hookforge::trace::TraceStateError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TraceState {
    raw: String,
}

/// Error for an invalid `tracestate` value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TraceStateError {
    /// More than [`MAX_MEMBERS`] list-members.
    #[error("tracestate has {0} list-members, more than the limit of 32")]
    TooManyMembers(usize),
    /// A list-member has no `=`.
    #[error("tracestate list-member {0:?} has no '='")]
    MissingEquals(String),
    /// A key breaks the key grammar.
    #[error("invalid tracestate key {0:?}: expected lowercase letters, digits and _-*/, optionally tenant@system")]
    InvalidKey(String),
    /// A value breaks the value grammar.
    #[error("invalid tracestate value for key {0:?}: expected 1 to 256 printable ASCII characters other than ',' and '=', not ending in a space")]
    InvalidValue(String),
    /// A key appears twice.
    #[error("tracestate key {0:?} appears more than once")]
    DuplicateKey(String),
}

impl TraceState {
    /// Returns the header as it is forwarded: the list-members joined by `,`.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// Returns the value of `key`, if present.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries()
            .find(|(entry_key, _)| *entry_key == key)
            .map(|(_, value)| value)
    }

    /// Returns the `(key, value)` pairs in header order, leftmost (most
    /// recently updated) first.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &str)> {
        members(&self.raw).filter_map(|member| member.split_once('='))
    }

    /// Returns the number of list-members, empty ones not counted.
    pub fn len(&self) -> usize {
        members(&self.raw).count()
    }

    /// Returns whether the header has no list-members.
    pub fn is_empty(&self) -> bool {
        members(&self.raw).next().is_none()
    }
}

impl FromStr for TraceState {
    type Err = TraceStateError;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        let count = members(value).count();
        if count > MAX_MEMBERS {
            return Err(TraceStateError::TooManyMembers(count));
        }
        let mut keys = HashSet::with_capacity(count);
        for member in members(value) {
            let Some((key, entry_value)) = member.split_once('=') else {
                return Err(TraceStateError::MissingEquals(excerpt(member)));
            };
            if !is_valid_key(key) {
                return Err(TraceStateError::InvalidKey(excerpt(key)));
            }
            if !is_valid_value(entry_value) {
                return Err(TraceStateError::InvalidValue(excerpt(key)));
            }
            if !keys.insert(key) {
                return Err(TraceStateError::DuplicateKey(excerpt(key)));
            }
        }
        let raw = members(value).collect::<Vec<_>>().join(",");
        Ok(Self { raw })
    }
}

impl fmt::Display for TraceState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

/// The longest part of the header quoted in an error, in characters. The
/// header comes from the network and errors end up in logs.
const MAX_QUOTED_CHARS: usize = 64;

/// Returns `text`, cut to [`MAX_QUOTED_CHARS`] with `…` when longer.
fn excerpt(text: &str) -> String {
    match text.char_indices().nth(MAX_QUOTED_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// Splits a header into list-members, trimming optional whitespace and
/// skipping empty members.
fn members(header: &str) -> impl Iterator<Item = &str> {
    header
        .split(',')
        .map(|member| member.trim_matches([' ', '\t']))
        .filter(|member| !member.is_empty())
}

/// Checks `simple-key` (a lowercase letter, then up to 255 of
/// `[a-z0-9_*/-]`) or `multi-tenant-key` (`tenant-id@system-id`).
fn is_valid_key(key: &str) -> bool {
    match key.split_once('@') {
        None => is_key_part(key, 256, u8::is_ascii_lowercase),
        // A tenant id may start with a digit; a system id may not.
        Some((tenant, system)) => {
            is_key_part(tenant, 241, |byte| {
                byte.is_ascii_lowercase() || byte.is_ascii_digit()
            }) && is_key_part(system, 14, u8::is_ascii_lowercase)
        }
    }
}

fn is_key_part(part: &str, max_len: usize, valid_first: fn(&u8) -> bool) -> bool {
    let bytes = part.as_bytes();
    let Some(first) = bytes.first() else {
        return false;
    };
    bytes.len() <= max_len
        && valid_first(first)
        && bytes[1..].iter().all(|byte| {
            byte.is_ascii_lowercase() || byte.is_ascii_digit() || b"_-*/".contains(byte)
        })
}

/// Checks `value`: 1 to 256 characters from 0x20 to 0x7E other than `,`
/// and `=`, the last one not a space.
fn is_valid_value(value: &str) -> bool {
    let bytes = value.as_bytes();
    let Some(last) = bytes.last() else {
        return false;
    };
    bytes.len() <= 256
        && *last != b' '
        && bytes
            .iter()
            .all(|byte| (0x20..=0x7e).contains(byte) && *byte != b',' && *byte != b'=')
}
