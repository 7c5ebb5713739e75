//! Error locations that the corpus manifest's `expected_error` column names,
//! and whether one of our diagnostics sits there.
//!
//! The column is free text written from other tools' output, so locations
//! come in several spellings:
//!
//! - JSON pointers, as `jsonPointer=/a/b`, `(/a/b)` or at the start of a
//!   quoted message (`"/a/b should ..."`);
//! - dotted paths after `at` or `and`, as in `at channels.c.publish.message`;
//! - the official JavaScript parser's tag messages, `"x/y/tags contains
//!   duplicate ..."`, whose path is relative to `channels` or `components`
//!   and joins raw keys with `/`.
//!
//! Locations abbreviated with `...` or written with alternatives such as
//! `{0,1}` are skipped, because they name no single place.
//!
//! Matching compares keys joined with `/` after unescaping, so a key that
//! contains `/` compares equal in every spelling. A diagnostic matches when
//! it is at the location or inside it, or when the location is a `$ref`
//! and the diagnostic is at the object holding that `$ref`.

use std::sync::OnceLock;

use regex::Regex;

/// A place that an expected error names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExpectedLocation {
    /// The location as written in the manifest.
    pub written: String,
    /// Unescaped keys joined with `/`, without a leading `/`.
    pub joined: String,
    /// Whether the path starts at the document root; `false` for paths
    /// relative to `channels` or `components`.
    pub anchored: bool,
}

impl ExpectedLocation {
    /// Whether a diagnostic at JSON pointer `pointer` (RFC 6901 syntax) is
    /// at this location or inside it.
    pub fn matches(&self, pointer: &str) -> bool {
        let ours = join_pointer(pointer);
        if self.anchored {
            return inside(&ours, &self.joined)
                || self
                    .joined
                    .strip_suffix("/$ref")
                    .is_some_and(|holder| ours == holder);
        }
        ["channels/", "components/"]
            .iter()
            .any(|prefix| inside(&ours, &format!("{prefix}{}", self.joined)))
    }
}

fn inside(ours: &str, expected: &str) -> bool {
    ours == expected
        || ours
            .strip_prefix(expected)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// Unescapes the tokens of a JSON pointer and joins them with `/`.
fn join_pointer(pointer: &str) -> String {
    pointer
        .strip_prefix('/')
        .unwrap_or(pointer)
        .split('/')
        .map(|token| token.replace("~1", "/").replace("~0", "~"))
        .collect::<Vec<_>>()
        .join("/")
}

fn regex(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).expect("the pattern is a valid regex"))
}

/// Extracts every location that `expected_error` names.
pub fn expected_locations(expected_error: &str) -> Vec<ExpectedLocation> {
    static POINTER_FIELD: OnceLock<Regex> = OnceLock::new();
    static POINTER_QUOTED: OnceLock<Regex> = OnceLock::new();
    static POINTER_PAREN: OnceLock<Regex> = OnceLock::new();
    static DOTTED: OnceLock<Regex> = OnceLock::new();
    static TAGS: OnceLock<Regex> = OnceLock::new();

    let mut pointers: Vec<&str> = Vec::new();
    let patterns = [
        regex(&POINTER_FIELD, r"jsonPointer=(/[^\s,;)]+)"),
        regex(&POINTER_QUOTED, r#""(/[^\s"]+) (?:should|must)\b"#),
        regex(&POINTER_PAREN, r"\((?:jsonPointer )?(/[^\s,)]+)"),
    ];
    for pattern in patterns {
        pointers.extend(
            pattern
                .captures_iter(expected_error)
                .filter_map(|c| c.get(1))
                .map(|m| m.as_str()),
        );
    }

    let mut found = Vec::new();
    for pointer in pointers {
        push(&mut found, pointer, join_pointer(pointer), true);
    }
    let dotted = regex(&DOTTED, r"\b(?:at|and) ([A-Za-z_][\w$-]*(?:\.[\w$-]+)+)");
    for capture in dotted.captures_iter(expected_error) {
        if let Some(path) = capture.get(1) {
            push(
                &mut found,
                path.as_str(),
                path.as_str().replace('.', "/"),
                true,
            );
        }
    }
    let tags = regex(&TAGS, r#""(\S+/tags) contains duplicate"#);
    for capture in tags.captures_iter(expected_error) {
        if let Some(path) = capture.get(1) {
            push(&mut found, path.as_str(), path.as_str().to_owned(), false);
        }
    }
    found
}

fn push(found: &mut Vec<ExpectedLocation>, written: &str, joined: String, anchored: bool) {
    static ALTERNATIVES: OnceLock<Regex> = OnceLock::new();
    let alternatives = regex(&ALTERNATIVES, r"\{\d+(?:,\d+)+\}");
    if written == "/" || written.contains("...") || alternatives.is_match(written) {
        return;
    }
    let location = ExpectedLocation {
        written: written.to_owned(),
        joined,
        anchored,
    };
    if !found.contains(&location) {
        found.push(location);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(text: &str) -> Vec<String> {
        expected_locations(text)
            .into_iter()
            .map(|l| l.written)
            .collect()
    }

    #[test]
    fn dotted_paths_after_at_and_and() {
        let text = "2 diagnostics at channels.myChannel.publish.message.payload and components.messages.m.payload";
        assert_eq!(
            written(text),
            [
                "channels.myChannel.publish.message.payload",
                "components.messages.m.payload"
            ]
        );
    }

    #[test]
    fn pointers_in_quotes_parentheses_and_fields() {
        let text = r#"refs[0].jsonPointer=/channels/c/publish/message/$ref (line 9); "/ should NOT have" (/test), "/info should have required property 'title'" (/info/test, line 3)"#;
        assert_eq!(
            written(text),
            [
                "/channels/c/publish/message/$ref",
                "/info",
                "/test",
                "/info/test"
            ]
        );
    }

    #[test]
    fn abbreviated_and_alternative_paths_are_skipped() {
        let text = r#""/channels/.../parameters/p should match" "/a/oneOf/{0,1}/tags contains duplicate tag names""#;
        assert!(written(text).is_empty());
    }

    #[test]
    fn relative_tag_paths_match_under_channels_or_components() {
        let channel =
            &expected_locations(r#""/user/signedup/subscribe/tags contains duplicate tag names""#)
                [0];
        assert!(!channel.anchored);
        assert!(channel.matches("/channels/~1user~1signedup/subscribe/tags/1"));
        assert!(!channel.matches("/channels/other/subscribe/tags/1"));
        let trait_tags =
            &expected_locations(r#""messageTraits/t/tags contains duplicate tag names""#)[0];
        assert!(trait_tags.matches("/components/messageTraits/t/tags"));
    }

    #[test]
    fn anchored_match_is_prefix_or_ref_holder() {
        let location = &expected_locations("jsonPointer=/channels/a~1b/message/$ref")[0];
        assert!(location.matches("/channels/a~1b/message/$ref"));
        assert!(location.matches("/channels/a~1b/message"));
        assert!(!location.matches("/channels/a~1b"));
        let payload = &expected_locations("at channels.c.payload")[0];
        assert!(payload.matches("/channels/c/payload/type"));
        assert!(!payload.matches("/channels/c/payloadx"));
    }
}
