//! The start of an endpoint's response body, kept with a failed attempt so
//! the dead-letter queue shows why the endpoint rejected a webhook.

use std::fmt::Write as _;

/// Maximum response-body bytes kept with a failed attempt. The 400 body of
/// a generated router usually fits, and a longer body is cut and marked
/// with a trailing `…`.
pub(crate) const MAX_EXCERPT_BYTES: usize = 2048;

/// Text that separates an attempt's status from the response-body excerpt
/// in a stored error, as in `HTTP 400 Bad Request; response body: {...}`.
/// The excerpt is always the last part of the error text.
pub const RESPONSE_BODY_LABEL: &str = "; response body: ";

/// Formats the first bytes of a response body as one line of text.
///
/// `head` contains at most [`MAX_EXCERPT_BYTES`] bytes of the body and
/// `truncated` says whether the body was longer. Invalid UTF-8 becomes
/// U+FFFD, and control characters are escaped (`\n`, `\r`, `\t`,
/// otherwise `\u{..}`) so the excerpt stays on one line and cannot move a
/// terminal's cursor. Returns `None` for a body that is empty or only
/// white space.
pub(crate) fn body_excerpt(head: &[u8], truncated: bool) -> Option<String> {
    let head = &head[..head.len().min(MAX_EXCERPT_BYTES)];
    let head = if truncated {
        &head[..char_boundary_before_end(head)]
    } else {
        head
    };
    let text = String::from_utf8_lossy(head);
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let mut excerpt = String::with_capacity(text.len() + 4);
    for c in text.chars() {
        match c {
            '\n' => excerpt.push_str("\\n"),
            '\r' => excerpt.push_str("\\r"),
            '\t' => excerpt.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(excerpt, "\\u{{{:x}}}", u32::from(c));
            }
            c => excerpt.push(c),
        }
    }
    if truncated {
        excerpt.push('…');
    }
    Some(excerpt)
}

/// Returns the length of `bytes` without a UTF-8 sequence that the cut at
/// its end split, so a cut body does not end in U+FFFD.
fn char_boundary_before_end(bytes: &[u8]) -> usize {
    match std::str::from_utf8(bytes) {
        Ok(_) => bytes.len(),
        // `error_len() == None` means the input ended inside a sequence.
        Err(error) if error.error_len().is_none() => error.valid_up_to(),
        Err(_) => bytes.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_body_has_no_excerpt() {
        assert_eq!(body_excerpt(b"", false), None);
        assert_eq!(body_excerpt(b" \r\n", false), None);
    }

    #[test]
    fn control_characters_are_escaped() {
        let excerpt = body_excerpt(b"{\"a\":\n1}\x1b[31m\t", false);
        assert_eq!(excerpt.as_deref(), Some("{\"a\":\\n1}\\u{1b}[31m"));
    }

    #[test]
    fn invalid_utf8_is_replaced() {
        let excerpt = body_excerpt(b"ok \xff end", false);
        assert_eq!(excerpt.as_deref(), Some("ok \u{fffd} end"));
    }

    #[test]
    fn truncated_body_is_marked() {
        let excerpt = body_excerpt(b"abc", true);
        assert_eq!(excerpt.as_deref(), Some("abc…"));
    }

    #[test]
    fn cut_sequence_is_dropped() {
        // "é" is 0xC3 0xA9; the cut kept only its first byte.
        let excerpt = body_excerpt(b"caf\xc3", true);
        assert_eq!(excerpt.as_deref(), Some("caf…"));
    }

    #[test]
    fn long_head_is_limited() {
        let head = vec![b'x'; MAX_EXCERPT_BYTES + 10];
        let excerpt = body_excerpt(&head, true).expect("an excerpt");
        assert_eq!(
            excerpt.chars().filter(|c| *c == 'x').count(),
            MAX_EXCERPT_BYTES
        );
    }
}
