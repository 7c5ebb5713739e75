//! The `traceparent` header of W3C Trace Context.

use std::fmt;
use std::str::FromStr;

/// The only version this crate writes.
const VERSION: u8 = 0;
/// `ff` is reserved as an invalid version.
const INVALID_VERSION: u8 = 0xff;
/// The sampled bit of `trace-flags`.
const SAMPLED: u8 = 0x01;
/// Length of `vv-<32 hex>-<16 hex>-ff`, the whole header in version 00.
const LENGTH: usize = 55;

/// A parsed `traceparent` header: the trace an HTTP request belongs to and
/// the caller's span in it.
///
/// Parsing follows the W3C Trace Context rules: every field is lowercase
/// hex, the trace id and parent id must not be all zeros, version `ff` is
/// invalid, and version `00` has exactly four fields. A later version is
/// parsed by its first four fields, and whatever follows a `-` after them
/// is ignored.
///
/// # Example
///
/// ```
/// use hookforge::trace::TraceParent;
///
/// let header = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
/// let parent: TraceParent = header.parse()?;
/// assert!(parent.sampled());
/// assert_eq!(parent.to_string(), header);
///
/// // The request sent on behalf of this trace gets a new parent id.
/// let mut random = fastrand::Rng::with_seed(1);
/// let child = parent.child(&mut || random.u64(..));
/// assert_eq!(child.trace_id(), parent.trace_id());
/// assert_ne!(child.parent_id(), parent.parent_id());
///
/// assert!("00-00000000000000000000000000000000-00f067aa0ba902b7-01"
///     .parse::<TraceParent>()
///     .is_err());
/// # Ok::<(), hookforge::trace::TraceParentError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TraceParent {
    version: u8,
    trace_id: [u8; 16],
    parent_id: [u8; 8],
    flags: u8,
}

/// Error for an invalid `traceparent` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TraceParentError {
    /// Version 00 has exactly 55 characters, later versions at least 55.
    #[error("invalid traceparent length {0}: version 00 has exactly 55 characters, later versions at least 55")]
    InvalidLength(usize),
    /// The version is not two lowercase hex digits, or is the reserved `ff`.
    #[error("invalid traceparent version: expected two lowercase hex digits other than ff")]
    InvalidVersion,
    /// A field is not followed by `-`.
    #[error("invalid traceparent: fields must be separated by '-'")]
    InvalidDelimiter,
    /// The trace id is not 32 lowercase hex digits, or is all zeros.
    #[error("invalid traceparent trace-id: expected 32 lowercase hex digits, not all zero")]
    InvalidTraceId,
    /// The parent id is not 16 lowercase hex digits, or is all zeros.
    #[error("invalid traceparent parent-id: expected 16 lowercase hex digits, not all zero")]
    InvalidParentId,
    /// The flags are not two lowercase hex digits.
    #[error("invalid traceparent trace-flags: expected two lowercase hex digits")]
    InvalidFlags,
}

impl TraceParent {
    /// Creates a version 00 `traceparent` from its parts.
    ///
    /// Returns an error when either id is all zeros.
    pub fn new(
        trace_id: [u8; 16],
        parent_id: [u8; 8],
        flags: u8,
    ) -> Result<Self, TraceParentError> {
        if trace_id == [0; 16] {
            return Err(TraceParentError::InvalidTraceId);
        }
        if parent_id == [0; 8] {
            return Err(TraceParentError::InvalidParentId);
        }
        Ok(Self {
            version: VERSION,
            trace_id,
            parent_id,
            flags,
        })
    }

    /// Starts a new trace, sampled, with random trace and parent ids.
    ///
    /// `random` returns uniformly random 64-bit numbers, such as
    /// `|| fastrand::u64(..)`. The sampled flag is set so that receivers
    /// sampling by their parent keep the trace; clear it with
    /// [`with_sampled`](Self::with_sampled).
    pub fn new_root(random: &mut impl FnMut() -> u64) -> Self {
        let mut trace_id = [0; 16];
        trace_id[..8].copy_from_slice(&random().to_be_bytes());
        trace_id[8..].copy_from_slice(&random().to_be_bytes());
        Self {
            version: VERSION,
            trace_id: nonzero(trace_id),
            parent_id: random_parent_id(random),
            flags: SAMPLED,
        }
    }

    /// Returns the `traceparent` of a request made on behalf of this one:
    /// the same trace id and flags, a new random parent id, and version 00.
    pub fn child(&self, random: &mut impl FnMut() -> u64) -> Self {
        Self {
            version: VERSION,
            trace_id: self.trace_id,
            parent_id: random_parent_id(random),
            flags: self.flags,
        }
    }

    /// Returns a copy with the sampled flag set or cleared.
    pub fn with_sampled(mut self, sampled: bool) -> Self {
        if sampled {
            self.flags |= SAMPLED;
        } else {
            self.flags &= !SAMPLED;
        }
        self
    }

    /// Returns the version the header was parsed with (00 for headers this
    /// crate creates).
    pub fn version(&self) -> u8 {
        self.version
    }

    /// Returns the 16-byte trace id, never all zeros.
    pub fn trace_id(&self) -> [u8; 16] {
        self.trace_id
    }

    /// Returns the 8-byte id of the caller's span, never all zeros.
    pub fn parent_id(&self) -> [u8; 8] {
        self.parent_id
    }

    /// Returns the `trace-flags` byte.
    pub fn flags(&self) -> u8 {
        self.flags
    }

    /// Returns whether the caller may have recorded the trace.
    pub fn sampled(&self) -> bool {
        self.flags & SAMPLED != 0
    }

    /// Returns the trace id as 32 lowercase hex digits.
    pub fn trace_id_hex(&self) -> String {
        Hex(&self.trace_id).to_string()
    }

    /// Returns the parent id as 16 lowercase hex digits.
    pub fn parent_id_hex(&self) -> String {
        Hex(&self.parent_id).to_string()
    }
}

impl FromStr for TraceParent {
    type Err = TraceParentError;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        let bytes = value.as_bytes();
        if bytes.len() < LENGTH {
            return Err(TraceParentError::InvalidLength(bytes.len()));
        }
        let version = match decode_hex::<1>(&bytes[0..2]) {
            Some([version]) if version != INVALID_VERSION => version,
            _ => return Err(TraceParentError::InvalidVersion),
        };
        if version == VERSION && bytes.len() != LENGTH {
            return Err(TraceParentError::InvalidLength(bytes.len()));
        }
        if bytes[2] != b'-' || bytes[35] != b'-' || bytes[52] != b'-' {
            return Err(TraceParentError::InvalidDelimiter);
        }
        // A later version may append fields, each after a '-'.
        if bytes.len() > LENGTH && bytes[LENGTH] != b'-' {
            return Err(TraceParentError::InvalidDelimiter);
        }

        let trace_id = decode_hex::<16>(&bytes[3..35])
            .filter(|id| *id != [0; 16])
            .ok_or(TraceParentError::InvalidTraceId)?;
        let parent_id = decode_hex::<8>(&bytes[36..52])
            .filter(|id| *id != [0; 8])
            .ok_or(TraceParentError::InvalidParentId)?;
        let [flags] = decode_hex::<1>(&bytes[53..55]).ok_or(TraceParentError::InvalidFlags)?;

        Ok(Self {
            version,
            trace_id,
            parent_id,
            flags,
        })
    }
}

impl fmt::Display for TraceParent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:02x}-{}-{}-{:02x}",
            self.version,
            Hex(&self.trace_id),
            Hex(&self.parent_id),
            self.flags
        )
    }
}

/// Lowercase hex formatting of a byte string.
struct Hex<'a>(&'a [u8]);

impl fmt::Display for Hex<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for byte in self.0 {
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}

/// Decodes exactly `2 * N` lowercase hex digits. Uppercase digits are
/// invalid in `traceparent`.
fn decode_hex<const N: usize>(digits: &[u8]) -> Option<[u8; N]> {
    if digits.len() != 2 * N {
        return None;
    }
    let mut bytes = [0; N];
    for (byte, pair) in bytes.iter_mut().zip(digits.chunks_exact(2)) {
        *byte = (hex_value(pair[0])? << 4) | hex_value(pair[1])?;
    }
    Some(bytes)
}

fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        _ => None,
    }
}

fn random_parent_id(random: &mut impl FnMut() -> u64) -> [u8; 8] {
    nonzero(random().to_be_bytes())
}

/// Replaces an all-zero id, which W3C Trace Context forbids, by one with
/// its last bit set. A uniform source draws zeros with probability 2^-64
/// or less, so the bias is negligible, and a broken source cannot make the
/// caller loop forever.
fn nonzero<const N: usize>(mut id: [u8; N]) -> [u8; N] {
    if id.iter().all(|byte| *byte == 0) {
        if let Some(last) = id.last_mut() {
            *last = 1;
        }
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trip() {
        let bytes = [0x00, 0x7f, 0x80, 0xff, 0x0a];
        let text = Hex(&bytes).to_string();
        assert_eq!(text, "007f80ff0a");
        assert_eq!(decode_hex::<5>(text.as_bytes()), Some(bytes));
    }

    #[test]
    fn hex_rejects_uppercase_and_length() {
        assert_eq!(decode_hex::<1>(b"AB"), None);
        assert_eq!(decode_hex::<1>(b"0g"), None);
        assert_eq!(decode_hex::<2>(b"abc"), None);
    }

    #[test]
    fn nonzero_keeps_nonzero_ids() {
        assert_eq!(nonzero([0, 0, 2]), [0, 0, 2]);
        assert_eq!(nonzero([0, 0, 0]), [0, 0, 1]);
    }
}
