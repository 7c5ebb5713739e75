//! Channel addresses and server URLs with their `{variables}` filled in.

/// Characters left as they are in a path segment: RFC 3986 unreserved
/// characters. Everything else is percent-encoded, including `/`, so a
/// value never spans two segments.
fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~')
}

/// Percent-encodes `value` as one URL path segment.
///
/// ```
/// assert_eq!(hookforge::api::encode_segment("a b/ü"), "a%20b%2F%C3%BC");
/// ```
pub fn encode_segment(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if is_unreserved(byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Renders a channel address: each `{name}` in `template` becomes the
/// value of `name` in `values`, percent-encoded as a path segment. A name
/// without a value stays as written.
///
/// ```
/// use hookforge::api::render_address;
///
/// let address = render_address("/users/{userId}/events", &[("userId", "ann/42")]);
/// assert_eq!(address, "/users/ann%2F42/events");
/// ```
pub fn render_address(template: &str, values: &[(&str, &str)]) -> String {
    substitute(template, values, encode_segment)
}

/// Fills the `{variables}` of a server URL with `values`, as written: a
/// server variable may stand for a host name, a port or several path
/// segments, so nothing is encoded.
///
/// ```
/// use hookforge::api::fill_variables;
///
/// let url = fill_variables("https://{region}.example.com:{port}", &[("region", "eu"), ("port", "8443")]);
/// assert_eq!(url, "https://eu.example.com:8443");
/// ```
pub fn fill_variables(template: &str, values: &[(&str, &str)]) -> String {
    substitute(template, values, str::to_owned)
}

fn substitute(template: &str, values: &[(&str, &str)], encode: impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|close| open + close) else {
            break;
        };
        out.push_str(&rest[..open]);
        let name = &rest[open + 1..close];
        match values.iter().find(|(key, _)| *key == name) {
            Some((_, value)) => out.push_str(&encode(value)),
            None => out.push_str(&rest[open..=close]),
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// Joins a base URL and a channel address with exactly one `/` between
/// them.
///
/// ```
/// assert_eq!(hookforge::api::join_url("https://example.com/hooks/", "/orders"), "https://example.com/hooks/orders");
/// assert_eq!(hookforge::api::join_url("https://example.com", "orders"), "https://example.com/orders");
/// ```
pub fn join_url(base_url: &str, address: &str) -> String {
    format!(
        "{}/{}",
        base_url.trim_end_matches('/'),
        address.trim_start_matches('/')
    )
}

/// Returns the value of the path parameter `name` among the decoded
/// `segments` of a matched route.
pub fn path_parameter<'a>(segments: &'a [(String, String)], name: &str) -> Option<&'a str> {
    segments
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_address_encodes_each_value() {
        let cases = [
            ("/a/{x}", "plain", "/a/plain"),
            ("/a/{x}", "with space", "/a/with%20space"),
            ("/a/{x}", "../up", "/a/..%2Fup"),
            ("/a/{x}", "%41", "/a/%2541"),
            ("/a/{x}/b", "", "/a//b"),
            ("/a/{y}", "ignored", "/a/{y}"),
            ("/a/{x", "unclosed", "/a/{x"),
        ];
        for (template, value, expected) in cases {
            assert_eq!(
                render_address(template, &[("x", value)]),
                expected,
                "{template} with {value:?}"
            );
        }
    }

    #[test]
    fn fill_variables_keeps_values_raw() {
        assert_eq!(
            fill_variables(
                "{scheme}://h/{path}",
                &[("scheme", "https"), ("path", "a/b")]
            ),
            "https://h/a/b"
        );
    }

    #[test]
    fn path_parameter_finds_by_name() {
        let segments = vec![("id".to_owned(), "7".to_owned())];
        assert_eq!(path_parameter(&segments, "id"), Some("7"));
        assert_eq!(path_parameter(&segments, "other"), None);
    }
}
