//! The signed content of a webhook.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The bytes that every signature covers: `id.timestamp.body`.
pub(crate) struct SignedContent<'a> {
    pub(crate) id: &'a str,
    pub(crate) timestamp: &'a str,
    pub(crate) body: &'a [u8],
}

impl SignedContent<'_> {
    /// Feeds the content into a MAC without copying the body.
    pub(crate) fn feed(&self, mac: &mut Hmac<Sha256>) {
        mac.update(self.id.as_bytes());
        mac.update(b".");
        mac.update(self.timestamp.as_bytes());
        mac.update(b".");
        mac.update(self.body);
    }

    /// Returns the content as one buffer, which Ed25519 needs.
    pub(crate) fn to_vec(&self) -> Vec<u8> {
        let mut content =
            Vec::with_capacity(self.id.len() + self.timestamp.len() + self.body.len() + 2);
        content.extend_from_slice(self.id.as_bytes());
        content.push(b'.');
        content.extend_from_slice(self.timestamp.as_bytes());
        content.push(b'.');
        content.extend_from_slice(self.body);
        content
    }
}
