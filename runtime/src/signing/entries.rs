//! The entries of a `webhook-signature` header.

use super::key::{VERSION_ED25519, VERSION_HMAC};

/// One `version,base64` entry, classified by version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Entry<'a> {
    /// A `v1` entry: the base64 text of an HMAC-SHA256 tag.
    Hmac(&'a str),
    /// A `v1a` entry: the base64 text of an Ed25519 signature.
    Ed25519(&'a str),
    /// An entry of another version, or without a comma: skipped. Holds
    /// the version text, or the whole entry when it has no comma.
    Other(&'a str),
}

/// Splits a header value into entries. Entries are separated by one or
/// more spaces. Empty entries are skipped, and nothing here fails.
pub(crate) fn parse(header: &str) -> impl Iterator<Item = Entry<'_>> {
    header
        .split(' ')
        .filter(|entry| !entry.is_empty())
        .map(|entry| match entry.split_once(',') {
            Some((VERSION_HMAC, signature)) => Entry::Hmac(signature),
            Some((VERSION_ED25519, signature)) => Entry::Ed25519(signature),
            Some((version, _)) => Entry::Other(version),
            None => Entry::Other(entry),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_split_on_repeated_spaces() {
        let entries: Vec<_> = parse("  v1,a  v1a,b v2,c nocomma v1,").collect();
        assert_eq!(
            entries,
            [
                Entry::Hmac("a"),
                Entry::Ed25519("b"),
                Entry::Other("v2"),
                Entry::Other("nocomma"),
                Entry::Hmac(""),
            ]
        );
    }

    #[test]
    fn entries_of_empty_header() {
        assert_eq!(parse("").count(), 0);
        assert_eq!(parse("   ").count(), 0);
    }
}
