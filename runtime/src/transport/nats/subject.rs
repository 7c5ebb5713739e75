//! Mapping of AsyncAPI channel addresses to NATS subjects.

use crate::transport::TransportError;

/// Converts a rendered channel address to the NATS subject to publish to.
///
/// NATS subjects are tokens separated by `.`, and AsyncAPI documents often
/// write channel addresses as paths such as `/users/signed-up`. So:
///
/// - one leading `/` is dropped, and every other `/` becomes `.`, so
///   `/users/signed-up` and `users.signed-up` name the same subject. Two
///   channels whose addresses differ only in `/` versus `.` therefore
///   collide.
/// - every token must be non-empty, so `a//b`, `a..b` and a trailing `/`
///   or `.` are rejected.
/// - whitespace and control characters are rejected, because the NATS
///   protocol separates fields with them.
/// - the wildcard tokens `*` and `>` are rejected, because a message is
///   published to one subject.
///
/// # Errors
///
/// [`TransportError::InvalidAddress`] naming the rule the address breaks.
///
/// # Example
///
/// ```
/// use hookforge::transport::nats::subject_for_address;
///
/// assert_eq!(subject_for_address("/users/signed-up")?, "users.signed-up");
/// assert_eq!(subject_for_address("orders.42.created")?, "orders.42.created");
/// assert!(subject_for_address("orders.*").is_err());
/// # Ok::<(), hookforge::transport::TransportError>(())
/// ```
pub fn subject_for_address(address: &str) -> Result<String, TransportError> {
    let subject = map_separators(address);
    check_tokens(address, &subject, false)?;
    Ok(subject)
}

/// Converts a channel address to a subject filter for subscribing, like
/// [`subject_for_address`] but allowing the wildcards: `*` as a whole token
/// matches one token, and `>` as the last token matches one or more.
///
/// # Errors
///
/// [`TransportError::InvalidAddress`] naming the rule the address breaks.
pub fn subject_filter_for_address(address: &str) -> Result<String, TransportError> {
    let subject = map_separators(address);
    check_tokens(address, &subject, true)?;
    Ok(subject)
}

fn map_separators(address: &str) -> String {
    let trimmed = address.strip_prefix('/').unwrap_or(address);
    trimmed.replace('/', ".")
}

fn check_tokens(address: &str, subject: &str, wildcards: bool) -> Result<(), TransportError> {
    let invalid = |reason| TransportError::InvalidAddress {
        address: address.to_owned(),
        reason,
    };
    if subject.is_empty() {
        return Err(invalid("the address is empty"));
    }
    if subject.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(invalid(
            "NATS subjects cannot contain whitespace or control characters",
        ));
    }
    let tokens: Vec<&str> = subject.split('.').collect();
    let last = tokens.len() - 1;
    for (index, token) in tokens.iter().enumerate() {
        if token.is_empty() {
            return Err(invalid(
                "a subject token is empty (doubled, leading or trailing separator)",
            ));
        }
        let is_wildcard = *token == "*" || *token == ">";
        if is_wildcard && !wildcards {
            return Err(invalid(
                "wildcard tokens `*` and `>` are only valid when subscribing",
            ));
        }
        if *token == ">" && index != last {
            return Err(invalid("the wildcard `>` must be the last token"));
        }
        if !is_wildcard && (token.contains('*') || token.contains('>')) {
            return Err(invalid("`*` and `>` are only valid as whole tokens"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_addresses_map_to_tokens() {
        assert_eq!(subject_for_address("/a/b").ok().as_deref(), Some("a.b"));
        assert_eq!(subject_for_address("a/b.c").ok().as_deref(), Some("a.b.c"));
        assert_eq!(subject_for_address("a").ok().as_deref(), Some("a"));
    }

    #[test]
    fn malformed_addresses_are_rejected() {
        for address in [
            "", "/", "a//b", "a..b", "a/", ".a", "a b", "a\tb", "a\r\nb", "a.*", "a.>", "a*b",
        ] {
            assert!(
                subject_for_address(address).is_err(),
                "{address:?} was accepted"
            );
        }
    }

    #[test]
    fn filters_accept_whole_token_wildcards() {
        assert_eq!(
            subject_filter_for_address("a.*.c").ok().as_deref(),
            Some("a.*.c")
        );
        assert_eq!(
            subject_filter_for_address("/a/>").ok().as_deref(),
            Some("a.>")
        );
        assert!(subject_filter_for_address("a.>.c").is_err());
        assert!(subject_filter_for_address("a.b*").is_err());
    }
}
