//! Percent-encoding of `ce-` header values, as the CloudEvents HTTP
//! binding 1.0.2 (section 3.1.3.2) defines it.

use std::fmt::Write as _;

/// The reason [`percent_decode`] rejected a header value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PercentDecodeError {
    /// A `%` is not followed by two hexadecimal digits.
    #[error("'%' at byte {index} is not followed by two hexadecimal digits")]
    InvalidEscape {
        /// The byte offset of the `%`.
        index: usize,
    },
    /// The decoded bytes are not UTF-8.
    #[error("the decoded bytes are not valid UTF-8")]
    InvalidUtf8,
}

/// Percent-encodes a string for a `ce-` header.
///
/// Space, `"`, `%` and every character outside printable ASCII
/// (U+0021 to U+007E) become `%XX` escapes of their UTF-8 bytes, with
/// uppercase hexadecimal digits. Everything else is kept, so the result is
/// always a valid HTTP header value.
///
/// # Example
///
/// ```
/// use hookforge::cloudevents::http::percent_encode;
///
/// assert_eq!(percent_encode("café 100%"), "caf%C3%A9%20100%25");
/// ```
pub fn percent_encode(value: &str) -> String {
    let mut encoded = String::with_capacity(value.len());
    for byte in value.bytes() {
        let printable = (0x21..=0x7e).contains(&byte);
        if printable && byte != b'"' && byte != b'%' {
            encoded.push(char::from(byte));
        } else {
            // Writing to a String cannot fail.
            let _ = write!(encoded, "%{byte:02X}");
        }
    }
    encoded
}

/// Decodes a `ce-` header value: every `%XX` escape becomes its byte, and
/// the bytes are read as UTF-8. Hexadecimal digits may be in either case.
/// Characters that did not need encoding but were sent raw, such as a
/// space, are kept as they are.
///
/// # Errors
///
/// [`PercentDecodeError`] for a `%` without two hexadecimal digits after
/// it, or for bytes that are not UTF-8.
///
/// # Example
///
/// ```
/// use hookforge::cloudevents::http::percent_decode;
///
/// assert_eq!(percent_decode("caf%C3%A9%20100%25")?, "café 100%");
/// # Ok::<(), hookforge::cloudevents::http::PercentDecodeError>(())
/// ```
pub fn percent_decode(value: &str) -> Result<String, PercentDecodeError> {
    let bytes = value.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' {
            let high = bytes.get(index + 1).and_then(|&b| hex_value(b));
            let low = bytes.get(index + 2).and_then(|&b| hex_value(b));
            let (Some(high), Some(low)) = (high, low) else {
                return Err(PercentDecodeError::InvalidEscape { index });
            };
            decoded.push(high << 4 | low);
            index += 3;
        } else {
            decoded.push(bytes[index]);
            index += 1;
        }
    }
    String::from_utf8(decoded).map_err(|_| PercentDecodeError::InvalidUtf8)
}

fn hex_value(digit: u8) -> Option<u8> {
    char::from(digit)
        .to_digit(16)
        .and_then(|value| u8::try_from(value).ok())
}
