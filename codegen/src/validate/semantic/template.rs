//! Names in `{braces}` inside channel addresses and server URLs.

/// Returns the names written as `{name}` in `text`, in order, repeats included.
/// An unclosed `{` ends the scan, and `{}` names nothing.
pub(super) fn placeholders(text: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            break;
        };
        let name = &after[..close];
        if !name.is_empty() {
            names.push(name);
        }
        rest = &after[close + 1..];
    }
    names
}

#[cfg(test)]
mod tests {
    use super::placeholders;

    #[test]
    fn placeholders_in_order() {
        assert_eq!(
            placeholders("users/{userId}/x/{region}"),
            ["userId", "region"]
        );
    }

    #[test]
    fn placeholders_ignore_empty_and_unclosed() {
        assert_eq!(placeholders("a/{}/b/{open"), Vec::<&str>::new());
    }

    #[test]
    fn placeholders_none() {
        assert!(placeholders("plain/address").is_empty());
    }
}
