//! Signing and verifying keys in their Standard Webhooks text forms.
//!
//! | prefix   | contents (standard base64)                  | kind |
//! |----------|---------------------------------------------|------|
//! | `whsec_` | 24 to 64 random bytes                       | HMAC-SHA256 secret, for `v1` |
//! | `whsk_`  | 32-byte Ed25519 seed, then its public key   | Ed25519 secret key, for `v1a` |
//! | `whpk_`  | 32-byte Ed25519 public key                  | Ed25519 public key, for `v1a` |
//!
//! Parsing never trims or otherwise rewrites its input: a key with
//! whitespace, a missing prefix or an extra signature prefix is rejected,
//! so a misconfigured secret fails loudly instead of verifying nothing.

use std::fmt;
use std::str::FromStr;

use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::{alphabet, Engine};
use ed25519_dalek::Signer as _;
use hmac::digest::generic_array::GenericArray;
use hmac::digest::KeyInit;
use hmac::Hmac;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::content::SignedContent;

/// Prefix of an HMAC secret.
pub const HMAC_SECRET_PREFIX: &str = "whsec_";
/// Prefix of an Ed25519 secret key.
pub const ED25519_SECRET_PREFIX: &str = "whsk_";
/// Prefix of an Ed25519 public key.
pub const ED25519_PUBLIC_PREFIX: &str = "whpk_";

/// Minimum length of a decoded HMAC secret in bytes, from the Standard
/// Webhooks specification.
pub const HMAC_MIN_BYTES: usize = 24;
/// Maximum length of a decoded HMAC secret in bytes: one SHA-256 block, as
/// the Standard Webhooks specification recommends.
pub const HMAC_MAX_BYTES: usize = 64;

/// Standard base64 that accepts keys with or without `=` padding. Padding
/// carries no bits, so both spellings decode to the same key.
const KEY_BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Errors from parsing a key. Messages never contain key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The string, or the part after its prefix, is empty.
    #[error("the key is empty")]
    Empty,
    /// The string starts with none of the accepted prefixes.
    #[error("the key has no known prefix: expected {expected}")]
    MissingPrefix {
        /// The prefixes accepted here, for the message.
        expected: &'static str,
    },
    /// The string starts with a `webhook-signature` entry label such as
    /// `v1,`, a common copy-and-paste mistake.
    #[error(
        "the key starts with `{label},`, which labels an entry of the webhook-signature \
         header, not a key: remove `{label},` and keep the `whsec_`, `whsk_` or `whpk_` part"
    )]
    SignaturePrefix {
        /// The label found, such as `v1`.
        label: String,
    },
    /// The string contains whitespace. Keys are never trimmed, because a
    /// trimmed key may not be the one the operator meant.
    #[error("the key contains whitespace (at byte {offset}): remove it from the configured value")]
    Whitespace {
        /// Byte offset of the first whitespace character.
        offset: usize,
    },
    /// A whsk_ secret key was given where a verifying key is expected.
    #[error(
        "a `whsk_` Ed25519 secret key was given to a verifier: give it the matching \
         `whpk_` public key instead"
    )]
    SecretKeyForVerifier,
    /// The part after the prefix is not standard base64.
    #[error("the part after `{prefix}` is not valid standard base64")]
    InvalidBase64 {
        /// The key's prefix.
        prefix: &'static str,
    },
    /// The decoded key has the wrong length.
    #[error("the `{prefix}` key decodes to {actual} bytes, expected {expected}")]
    InvalidLength {
        /// The key's prefix.
        prefix: &'static str,
        /// The accepted length or range, for the message.
        expected: &'static str,
        /// The decoded length.
        actual: usize,
    },
    /// The public half of a `whsk_` key does not belong to its seed.
    #[error("the public key in the second half of the `whsk_` key does not match its seed")]
    PublicKeyMismatch,
    /// The `whpk_` bytes are not a valid Ed25519 public key.
    #[error("the `whpk_` key is not a valid Ed25519 public key")]
    InvalidPublicKey,
}

/// An HMAC-SHA256 secret, stored as one zero-padded SHA-256 block.
///
/// HMAC pads keys shorter than the block size with zeros (RFC 2104,
/// section 2), so keying with the padded block gives the same MACs as
/// keying with the secret itself, and cannot fail.
#[derive(Clone)]
pub(crate) struct HmacSecret {
    block: Zeroizing<[u8; HMAC_MAX_BYTES]>,
    len: usize,
}

impl HmacSecret {
    fn from_bytes(bytes: &[u8]) -> Result<Self, KeyError> {
        if bytes.is_empty() {
            return Err(KeyError::Empty);
        }
        if !(HMAC_MIN_BYTES..=HMAC_MAX_BYTES).contains(&bytes.len()) {
            return Err(KeyError::InvalidLength {
                prefix: HMAC_SECRET_PREFIX,
                expected: "24 to 64",
                actual: bytes.len(),
            });
        }
        let mut block = Zeroizing::new([0u8; HMAC_MAX_BYTES]);
        block[..bytes.len()].copy_from_slice(bytes);
        Ok(HmacSecret {
            block,
            len: bytes.len(),
        })
    }

    /// Returns a MAC keyed with this secret, ready for the signed content.
    pub(crate) fn mac(&self) -> Hmac<Sha256> {
        <Hmac<Sha256> as KeyInit>::new(GenericArray::from_slice(&self.block[..]))
    }

    fn bytes(&self) -> &[u8] {
        &self.block[..self.len]
    }
}

/// A key that signs webhooks: an HMAC secret (`whsec_`, signs `v1`) or an
/// Ed25519 secret key (`whsk_`, signs `v1a`).
///
/// The key material is zeroized on drop, and `Debug` prints only the kind
/// and [`fingerprint`](Self::fingerprint).
///
/// ```
/// use hookforge::signing::SigningKey;
///
/// let key: SigningKey = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".parse()?;
/// assert!(format!("{key:?}").starts_with("SigningKey(v1 HMAC-SHA256"));
/// assert!("v1,whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".parse::<SigningKey>().is_err());
/// # Ok::<(), hookforge::signing::KeyError>(())
/// ```
#[derive(Clone)]
pub struct SigningKey(pub(crate) SigningKeyInner);

#[derive(Clone)]
pub(crate) enum SigningKeyInner {
    Hmac(HmacSecret),
    // `ed25519_dalek::SigningKey` zeroizes its seed on drop.
    Ed25519(Box<ed25519_dalek::SigningKey>),
}

impl SigningKey {
    /// Creates an HMAC signing key from raw secret bytes (24 to 64 bytes),
    /// for secrets stored without the `whsec_` text form.
    pub fn hmac_from_bytes(secret: &[u8]) -> Result<Self, KeyError> {
        HmacSecret::from_bytes(secret).map(|secret| SigningKey(SigningKeyInner::Hmac(secret)))
    }

    /// Creates an Ed25519 signing key from its 32-byte seed.
    pub fn ed25519_from_seed(seed: &[u8; 32]) -> Self {
        let key = ed25519_dalek::SigningKey::from_bytes(seed);
        SigningKey(SigningKeyInner::Ed25519(Box::new(key)))
    }

    /// The signature version this key produces: `v1` or `v1a`.
    pub fn version(&self) -> &'static str {
        match &self.0 {
            SigningKeyInner::Hmac(_) => VERSION_HMAC,
            SigningKeyInner::Ed25519(_) => VERSION_ED25519,
        }
    }

    /// Returns a short fingerprint that identifies the key in logs without
    /// revealing it: 8 hex digits of a SHA-256 hash of the HMAC secret or
    /// of the Ed25519 public key. A signing key and the verifying key made
    /// from it have the same fingerprint.
    pub fn fingerprint(&self) -> String {
        VerifyingKey::from(self).fingerprint()
    }

    /// Signs `content` and returns the raw signature bytes.
    pub(crate) fn sign_content(&self, content: &SignedContent<'_>) -> Vec<u8> {
        match &self.0 {
            SigningKeyInner::Hmac(secret) => {
                use hmac::Mac as _;
                let mut mac = secret.mac();
                content.feed(&mut mac);
                mac.finalize().into_bytes().to_vec()
            }
            SigningKeyInner::Ed25519(key) => key.sign(&content.to_vec()).to_bytes().to_vec(),
        }
    }
}

impl FromStr for SigningKey {
    type Err = KeyError;

    /// Parses `whsec_…` (HMAC) or `whsk_…` (Ed25519 seed and public key).
    fn from_str(text: &str) -> Result<Self, KeyError> {
        check_text(text)?;
        if let Some(encoded) = text.strip_prefix(HMAC_SECRET_PREFIX) {
            let bytes = decode(HMAC_SECRET_PREFIX, encoded)?;
            return SigningKey::hmac_from_bytes(&bytes);
        }
        if let Some(encoded) = text.strip_prefix(ED25519_SECRET_PREFIX) {
            return parse_ed25519_secret(encoded);
        }
        Err(KeyError::MissingPrefix {
            expected: "`whsec_` (HMAC secret) or `whsk_` (Ed25519 secret key)",
        })
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "SigningKey({} {})",
            kind_name(self.version()),
            self.fingerprint()
        )
    }
}

/// A key that verifies webhooks: an HMAC secret (`whsec_`, checks `v1`) or
/// an Ed25519 public key (`whpk_`, checks `v1a`).
///
/// HMAC secrets are zeroized on drop, and `Debug` prints only the kind and
/// [`fingerprint`](Self::fingerprint).
///
/// ```
/// use hookforge::signing::{SigningKey, VerifyingKey};
///
/// let public: VerifyingKey = "whpk_1SiA4o9hyqTCpIqC5V9HUakiiaeACeqfZTInDBbOir4=".parse()?;
/// let secret: SigningKey = "whsk_6Xb/dCcHpPea21PS1N9VY/NZW723CEc77N4rJCubMbfVKIDij2HKpMKkioLlX0dRqSKJp4AJ6p9lMicMFs6Kvg==".parse()?;
/// assert_eq!(VerifyingKey::from(&secret).fingerprint(), public.fingerprint());
/// # Ok::<(), hookforge::signing::KeyError>(())
/// ```
#[derive(Clone)]
pub struct VerifyingKey(pub(crate) VerifyingKeyInner);

#[derive(Clone)]
pub(crate) enum VerifyingKeyInner {
    Hmac(HmacSecret),
    Ed25519(ed25519_dalek::VerifyingKey),
}

impl VerifyingKey {
    /// Creates an HMAC verifying key from raw secret bytes (24 to 64 bytes).
    pub fn hmac_from_bytes(secret: &[u8]) -> Result<Self, KeyError> {
        HmacSecret::from_bytes(secret).map(|secret| VerifyingKey(VerifyingKeyInner::Hmac(secret)))
    }

    /// Creates an Ed25519 verifying key from its 32 public-key bytes.
    pub fn ed25519_from_bytes(public: &[u8; 32]) -> Result<Self, KeyError> {
        ed25519_dalek::VerifyingKey::from_bytes(public)
            .map(|key| VerifyingKey(VerifyingKeyInner::Ed25519(key)))
            .map_err(|_| KeyError::InvalidPublicKey)
    }

    /// The signature version this key checks: `v1` or `v1a`.
    pub fn version(&self) -> &'static str {
        match &self.0 {
            VerifyingKeyInner::Hmac(_) => VERSION_HMAC,
            VerifyingKeyInner::Ed25519(_) => VERSION_ED25519,
        }
    }

    /// Returns a short fingerprint that identifies the key in logs without
    /// revealing it: 8 hex digits of a SHA-256 hash of the HMAC secret or
    /// of the Ed25519 public key.
    pub fn fingerprint(&self) -> String {
        let mut hasher = Sha256::new();
        hasher.update(b"hookforge key fingerprint\0");
        match &self.0 {
            VerifyingKeyInner::Hmac(secret) => hasher.update(secret.bytes()),
            VerifyingKeyInner::Ed25519(key) => hasher.update(key.as_bytes()),
        }
        let digest = hasher.finalize();
        digest[..4]
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect()
    }
}

impl FromStr for VerifyingKey {
    type Err = KeyError;

    /// Parses `whsec_…` (HMAC) or `whpk_…` (Ed25519 public key). A `whsk_`
    /// secret key is rejected: receivers need only the public key.
    fn from_str(text: &str) -> Result<Self, KeyError> {
        check_text(text)?;
        if let Some(encoded) = text.strip_prefix(HMAC_SECRET_PREFIX) {
            let bytes = decode(HMAC_SECRET_PREFIX, encoded)?;
            return VerifyingKey::hmac_from_bytes(&bytes);
        }
        if let Some(encoded) = text.strip_prefix(ED25519_PUBLIC_PREFIX) {
            let bytes = decode(ED25519_PUBLIC_PREFIX, encoded)?;
            let public: [u8; 32] =
                bytes
                    .as_slice()
                    .try_into()
                    .map_err(|_| KeyError::InvalidLength {
                        prefix: ED25519_PUBLIC_PREFIX,
                        expected: "32",
                        actual: bytes.len(),
                    })?;
            return VerifyingKey::ed25519_from_bytes(&public);
        }
        if text.starts_with(ED25519_SECRET_PREFIX) {
            return Err(KeyError::SecretKeyForVerifier);
        }
        Err(KeyError::MissingPrefix {
            expected: "`whsec_` (HMAC secret) or `whpk_` (Ed25519 public key)",
        })
    }
}

impl From<&SigningKey> for VerifyingKey {
    fn from(key: &SigningKey) -> Self {
        match &key.0 {
            SigningKeyInner::Hmac(secret) => VerifyingKey(VerifyingKeyInner::Hmac(secret.clone())),
            SigningKeyInner::Ed25519(key) => {
                VerifyingKey(VerifyingKeyInner::Ed25519(key.verifying_key()))
            }
        }
    }
}

impl fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "VerifyingKey({} {})",
            kind_name(self.version()),
            self.fingerprint()
        )
    }
}

/// The signature version of HMAC-SHA256 entries.
pub(crate) const VERSION_HMAC: &str = "v1";
/// The signature version of Ed25519 entries.
pub(crate) const VERSION_ED25519: &str = "v1a";

fn kind_name(version: &str) -> &'static str {
    if version == VERSION_HMAC {
        "v1 HMAC-SHA256"
    } else {
        "v1a Ed25519"
    }
}

/// Rejects the mistakes common to every key form: an empty string,
/// whitespace anywhere, and a leading signature label such as `v1,`.
fn check_text(text: &str) -> Result<(), KeyError> {
    if text.is_empty() {
        return Err(KeyError::Empty);
    }
    if let Some(offset) = text.find(|c: char| c.is_whitespace()) {
        return Err(KeyError::Whitespace { offset });
    }
    if let Some((label, _)) = text.split_once(',') {
        if is_signature_label(label) {
            return Err(KeyError::SignaturePrefix {
                label: label.to_owned(),
            });
        }
    }
    Ok(())
}

/// Whether `label` looks like a signature version: `v`, digits, and an
/// optional lowercase letter (`v1`, `v1a`, `v2`).
fn is_signature_label(label: &str) -> bool {
    let Some(rest) = label.strip_prefix('v') else {
        return false;
    };
    let digits = rest.trim_end_matches(|c: char| c.is_ascii_lowercase());
    !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && rest.len() - digits.len() <= 1
}

/// Decodes the base64 part of a key into a buffer that is zeroized on drop.
fn decode(prefix: &'static str, encoded: &str) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    if encoded.is_empty() {
        return Err(KeyError::Empty);
    }
    // Reserving the full length up front keeps `decode_vec` from
    // reallocating, which would leave a copy of the key behind.
    let mut bytes = Zeroizing::new(Vec::with_capacity(base64::decoded_len_estimate(
        encoded.len(),
    )));
    KEY_BASE64
        .decode_vec(encoded, &mut bytes)
        .map_err(|_| KeyError::InvalidBase64 { prefix })?;
    Ok(bytes)
}

fn parse_ed25519_secret(encoded: &str) -> Result<SigningKey, KeyError> {
    let bytes = decode(ED25519_SECRET_PREFIX, encoded)?;
    if bytes.len() != 64 {
        return Err(KeyError::InvalidLength {
            prefix: ED25519_SECRET_PREFIX,
            expected: "64 (32-byte seed, then 32-byte public key)",
            actual: bytes.len(),
        });
    }
    let mut seed = Zeroizing::new([0u8; 32]);
    seed.copy_from_slice(&bytes[..32]);
    let key = ed25519_dalek::SigningKey::from_bytes(&seed);
    if key.verifying_key().as_bytes()[..] != bytes[32..] {
        return Err(KeyError::PublicKeyMismatch);
    }
    Ok(SigningKey(SigningKeyInner::Ed25519(Box::new(key))))
}
