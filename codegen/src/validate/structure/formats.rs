//! String formats: URIs, e-mail addresses, runtime expressions, 2.x server
//! URLs, and the key patterns of component and parameter names.

use super::rules::Format;

/// Checks `value` against `format` and returns what is wrong with it, as a
/// phrase that follows the value in a message, with a fix.
pub(super) fn check(format: Format, value: &str) -> Result<(), (&'static str, &'static str)> {
    if format == Format::RuntimeExpression && is_runtime_expression(value) {
        return check_runtime_fragment(value);
    }
    let valid = match format {
        Format::Uri => is_absolute_uri(value),
        Format::Email => is_email(value),
        Format::RuntimeExpression => is_runtime_expression(value),
        Format::ServerUrl => is_server_url(value),
    };
    if valid {
        return Ok(());
    }
    Err(match format {
        Format::Uri => (
            "is not an absolute URI",
            "write a full URL with a scheme, such as `https://example.com/docs`",
        ),
        Format::Email => (
            "is not an e-mail address",
            "write an address such as `team@example.com`",
        ),
        Format::RuntimeExpression => (
            "is not a runtime expression",
            "write `$message.header#/json/pointer` or `$message.payload#/json/pointer`",
        ),
        Format::ServerUrl => (
            "is not a server URL",
            "write a non-empty URL such as `broker.example.com:{port}`, with every `{` closed by `}`",
        ),
    })
}

/// Returns whether `value` is an absolute URI: `scheme:` followed by characters
/// that RFC 3986 allows (a percent sign is accepted as is).
fn is_absolute_uri(value: &str) -> bool {
    let Some((scheme, rest)) = value.split_once(':') else {
        return false;
    };
    let mut scheme_chars = scheme.chars();
    let scheme_ok = scheme_chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && scheme_chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    scheme_ok && rest.chars().all(is_uri_char)
}

/// Characters a URI may contain: RFC 3986 unreserved, reserved and `%`,
/// plus non-ASCII letters (IRIs).
fn is_uri_char(c: char) -> bool {
    if !c.is_ascii() {
        return !c.is_whitespace() && !c.is_control();
    }
    c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&'()*+,;=%".contains(c)
}

/// Returns whether `value` looks like `local@domain`: one `@`, both sides
/// non-empty and without spaces.
fn is_email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.is_empty()
        && !domain.contains('@')
        && !value.chars().any(char::is_whitespace)
}

/// Returns whether `value` starts like a runtime expression, as the
/// official schemas' pattern requires: `$message.header#` or
/// `$message.payload#`. [`check_runtime_fragment`] checks the rest.
fn is_runtime_expression(value: &str) -> bool {
    value.starts_with("$message.header#") || value.starts_with("$message.payload#")
}

/// Checks that the part of runtime expression `value` after `#` is a JSON
/// Pointer (RFC 6901), as the specification's runtime expression syntax
/// requires: empty, or `/` tokens in which `~` is only written as `~0` or
/// `~1`. The official schemas' pattern has no end anchor, so it lets
/// `$message.payload#user/id` through, which selects nothing at run time.
fn check_runtime_fragment(value: &str) -> Result<(), (&'static str, &'static str)> {
    let fragment = value.split_once('#').map_or("", |(_, fragment)| fragment);
    if !fragment.is_empty() && !fragment.starts_with('/') {
        return Err((
            "has a fragment that does not start with `/`, so it is not a JSON Pointer",
            "start the part after `#` with `/`, such as `$message.payload#/user/id`",
        ));
    }
    let mut chars = fragment.chars();
    while let Some(c) = chars.next() {
        if c == '~' && !matches!(chars.next(), Some('0' | '1')) {
            return Err((
                "has a `~` that is not `~0` or `~1`, so its fragment is not a JSON Pointer",
                "write `~` in a key as `~0` and `/` as `~1`",
            ));
        }
    }
    Ok(())
}

/// Returns whether a 2.x server `url` is not empty and its variable braces pair
/// up.
fn is_server_url(value: &str) -> bool {
    !value.trim().is_empty() && braces_balanced(value)
}

/// Returns whether `value` is a URI template (RFC 6570): literal characters
/// that URIs allow, `%` escapes, and `{expression}`s.
pub(super) fn is_uri_template(value: &str) -> bool {
    if value.is_empty() || !braces_balanced(value) {
        return false;
    }
    let mut in_expression = false;
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        match c {
            '{' => in_expression = true,
            '}' => in_expression = false,
            // Operators, names, separators and modifiers; `-` is not an RFC
            // 6570 name character, but real channel names use it.
            _ if in_expression => {
                if !(c.is_ascii_alphanumeric() || "_.,:*%+#/;?&=!@|-".contains(c)) {
                    return false;
                }
            }
            '%' => {
                let escape: String = chars.by_ref().take(2).collect();
                if escape.len() != 2 || !escape.chars().all(|h| h.is_ascii_hexdigit()) {
                    return false;
                }
            }
            _ => {
                if c.is_control() || c.is_whitespace() || "\"'<>\\^`|".contains(c) {
                    return false;
                }
            }
        }
    }
    true
}

/// Returns whether every `{` is closed by a `}` before the next `{`, with a
/// name between them.
pub(in crate::validate) fn braces_balanced(value: &str) -> bool {
    let mut open: Option<usize> = None;
    for (index, c) in value.char_indices() {
        match (c, open) {
            ('{', None) => open = Some(index),
            ('{', Some(_)) => return false,
            ('}', Some(start)) if index > start + 1 => open = None,
            ('}', _) => return false,
            _ => {}
        }
    }
    open.is_none()
}

/// Returns whether `key` matches the 3.x component key pattern
/// `^[a-zA-Z0-9.\-_]+$`.
pub(super) fn is_component_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

/// Returns whether `key` matches the channel parameter name pattern
/// `^[A-Za-z0-9_\-]+$`.
pub(super) fn is_parameter_name(key: &str) -> bool {
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_uris() {
        assert!(is_absolute_uri("https://example.com/a?b=c#d"));
        assert!(is_absolute_uri("urn:example:animal"));
        assert!(!is_absolute_uri("messages/sending-rules"));
        assert!(!is_absolute_uri("https://exa mple.com"));
        assert!(!is_absolute_uri("1http://x"));
    }

    #[test]
    fn runtime_expressions() {
        assert!(is_runtime_expression("$message.header#/correlationId"));
        assert!(is_runtime_expression("$message.payload#"));
        assert!(!is_runtime_expression("in headers"));
    }

    #[test]
    fn runtime_expression_fragment_is_json_pointer() {
        let ok = |value| check(Format::RuntimeExpression, value).is_ok();
        assert!(ok("$message.payload#/user/id"));
        assert!(ok("$message.header#"));
        assert!(ok("$message.header#/a~1b~0c"));
        assert!(!ok("$message.payload#user/id"));
        assert!(!ok("$message.payload#/a~2"));
        assert!(!ok("$message.payload#/a~"));
        assert!(!ok("$message.body#/a"));
    }

    #[test]
    fn uri_templates() {
        assert!(is_uri_template("smartylighting/{streetlightId}/dim"));
        assert!(is_uri_template("user/{user-id}/a%20b"));
        assert!(!is_uri_template("v2.issue186.angle.>"));
        assert!(!is_uri_template("a b"));
        assert!(!is_uri_template("a%2"));
        assert!(!is_uri_template("{a b}"));
        assert!(!is_uri_template(""));
    }

    #[test]
    fn server_urls() {
        assert!(is_server_url("{host}:{port}/v1"));
        assert!(!is_server_url(""));
        assert!(!is_server_url("{host"));
        assert!(!is_server_url("host}"));
        assert!(!is_server_url("{}"));
    }
}
