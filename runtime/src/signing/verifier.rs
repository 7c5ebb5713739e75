//! Verification of received webhooks.

use std::time::{Duration, SystemTime};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::Mac;

use super::content::SignedContent;
use super::entries::{self, Entry};
use super::key::{VerifyingKeyInner, VERSION_ED25519, VERSION_HMAC};
use super::{timestamp, VerifyError, VerifyingKey, WebhookHeaders};

/// Tolerance used unless [`Verifier::with_tolerance`] sets another: five
/// minutes, the value the Standard Webhooks reference libraries use.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// Maximum number of entries of checked versions that one header may
/// contain. Each entry costs up to one check per key, and an Ed25519 check
/// takes tens of microseconds, so the cap bounds the work per request.
/// Rotation needs one entry per live key.
pub const MAX_SIGNATURE_ENTRIES: usize = 32;

/// Number of distinct unknown versions listed in an error message.
const MAX_LISTED_VERSIONS: usize = 5;

/// Checks the signatures and timestamp of received webhooks against one or
/// more keys.
///
/// A webhook is valid when its timestamp lies within the tolerance of
/// `now` in either direction and any entry of `webhook-signature` matches
/// the raw body under any key: `v1` entries against HMAC secrets, `v1a`
/// entries against Ed25519 public keys. Entries of other versions are
/// skipped. Tags are compared in constant time.
///
/// Verification takes the body as the raw bytes received. Parse the body
/// only after it verified, because serializing a parsed value again rarely
/// reproduces the signed bytes.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use hookforge::signing::{Verifier, VerifyError, WebhookHeaders};
///
/// let verifier = Verifier::new(vec!["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".parse()?]);
/// let headers = WebhookHeaders {
///     id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
///     timestamp: "1614265330",
///     signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
/// };
/// let body = br#"{"test": 2432232314}"#;
/// let now = UNIX_EPOCH + Duration::from_secs(1614265330);
/// assert_eq!(verifier.verify(&headers, body, now), Ok(()));
///
/// let later = now + Duration::from_secs(301);
/// assert!(matches!(
///     verifier.verify(&headers, body, later),
///     Err(VerifyError::TimestampTooOld { .. })
/// ));
/// # Ok::<(), hookforge::signing::KeyError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Verifier {
    keys: Vec<VerifyingKey>,
    tolerance: Duration,
}

impl Verifier {
    /// Creates a verifier that accepts a signature made with any of
    /// `keys`. During key rotation, pass the old and the new key. With no
    /// keys, every webhook fails with
    /// [`VerifyError::NoSupportedSignature`].
    pub fn new(keys: Vec<VerifyingKey>) -> Self {
        Verifier {
            keys,
            tolerance: DEFAULT_TOLERANCE,
        }
    }

    /// Sets how far the timestamp may lie from `now`, in the past or the
    /// future. A difference equal to the tolerance passes. The sub-second
    /// part is ignored, because timestamps are whole seconds.
    #[must_use]
    pub fn with_tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Returns the timestamp tolerance.
    pub fn tolerance(&self) -> Duration {
        self.tolerance
    }

    /// Returns the configured keys.
    pub fn keys(&self) -> &[VerifyingKey] {
        &self.keys
    }

    /// Verifies a webhook from its headers and raw body bytes, at `now`.
    ///
    /// Checks run in this order: every header present, the timestamp
    /// well-formed and within the tolerance, then the signatures.
    ///
    /// # Errors
    ///
    /// The first check that failed, as a [`VerifyError`].
    pub fn verify(
        &self,
        headers: &WebhookHeaders<'_>,
        body: &[u8],
        now: SystemTime,
    ) -> Result<(), VerifyError> {
        headers.check_present()?;
        let timestamp = timestamp::parse(headers.timestamp)?;
        timestamp::check_tolerance(timestamp, now, self.tolerance)?;
        let content = SignedContent {
            id: headers.id,
            timestamp: headers.timestamp,
            body,
        };
        self.check_signatures(headers.signature, &content)
    }

    /// Verifies a webhook from an HTTP header map and the raw body bytes,
    /// at `now`. See [`verify`](Self::verify).
    ///
    /// # Errors
    ///
    /// The first check that failed, as a [`VerifyError`].
    pub fn verify_header_map(
        &self,
        headers: &http::HeaderMap,
        body: &[u8],
        now: SystemTime,
    ) -> Result<(), VerifyError> {
        self.verify(&WebhookHeaders::from_header_map(headers)?, body, now)
    }

    fn has_hmac_key(&self) -> bool {
        self.keys
            .iter()
            .any(|key| matches!(key.0, VerifyingKeyInner::Hmac(_)))
    }

    fn has_ed25519_key(&self) -> bool {
        self.keys
            .iter()
            .any(|key| matches!(key.0, VerifyingKeyInner::Ed25519(_)))
    }

    fn check_signatures(
        &self,
        header: &str,
        content: &SignedContent<'_>,
    ) -> Result<(), VerifyError> {
        let checked = self.count_checked_entries(header)?;
        if checked > MAX_SIGNATURE_ENTRIES {
            return Err(VerifyError::TooManySignatures {
                count: checked,
                max: MAX_SIGNATURE_ENTRIES,
            });
        }
        if self.matches_hmac(header, content) || self.matches_ed25519(header, content) {
            return Ok(());
        }
        Err(VerifyError::NoMatchingSignature { checked })
    }

    /// Counts the entries of versions that the keys check, and fails when
    /// there is none.
    fn count_checked_entries(&self, header: &str) -> Result<usize, VerifyError> {
        let (hmac, ed25519) = (self.has_hmac_key(), self.has_ed25519_key());
        let mut checked = 0;
        let mut found: Vec<&str> = Vec::new();
        for entry in entries::parse(header) {
            let version = match entry {
                Entry::Hmac(_) if hmac => {
                    checked += 1;
                    continue;
                }
                Entry::Ed25519(_) if ed25519 => {
                    checked += 1;
                    continue;
                }
                Entry::Hmac(_) => VERSION_HMAC,
                Entry::Ed25519(_) => VERSION_ED25519,
                Entry::Other(version) => version,
            };
            if !found.contains(&version) && found.len() < MAX_LISTED_VERSIONS {
                found.push(version);
            }
        }
        if checked > 0 {
            return Ok(checked);
        }
        let expected = match (hmac, ed25519) {
            (true, true) => "v1, v1a",
            (true, false) => VERSION_HMAC,
            (false, true) => VERSION_ED25519,
            (false, false) => "none, because no key is configured",
        };
        let found: Vec<String> = found.iter().map(|version| shorten(version)).collect();
        Err(VerifyError::NoSupportedSignature {
            expected: expected.to_owned(),
            found: if found.is_empty() {
                "none".to_owned()
            } else {
                found.join(", ")
            },
        })
    }

    /// Computes the HMAC of the content once per key and compares it with
    /// every `v1` entry in constant time.
    fn matches_hmac(&self, header: &str, content: &SignedContent<'_>) -> bool {
        for key in &self.keys {
            let VerifyingKeyInner::Hmac(secret) = &key.0 else {
                continue;
            };
            let mut mac = secret.mac();
            content.feed(&mut mac);
            for entry in entries::parse(header) {
                let Entry::Hmac(text) = entry else {
                    continue;
                };
                let Some(tag) = decode_fixed::<32>(text) else {
                    continue;
                };
                if mac.clone().verify_slice(&tag).is_ok() {
                    return true;
                }
            }
        }
        false
    }

    /// Checks every `v1a` entry against every Ed25519 public key.
    fn matches_ed25519(&self, header: &str, content: &SignedContent<'_>) -> bool {
        if !self.has_ed25519_key() {
            return false;
        }
        let message = content.to_vec();
        for entry in entries::parse(header) {
            let Entry::Ed25519(text) = entry else {
                continue;
            };
            let Some(bytes) = decode_fixed::<64>(text) else {
                continue;
            };
            let signature = ed25519_dalek::Signature::from_bytes(&bytes);
            for key in &self.keys {
                if let VerifyingKeyInner::Ed25519(public) = &key.0 {
                    if public.verify_strict(&message, &signature).is_ok() {
                        return true;
                    }
                }
            }
        }
        false
    }
}

/// Decodes padded standard base64 of exactly `N` bytes, or returns `None`.
fn decode_fixed<const N: usize>(text: &str) -> Option<[u8; N]> {
    if text.len() != N.div_ceil(3) * 4 {
        return None;
    }
    // Room for the decoder's estimate, which may exceed N by up to 2.
    let mut buffer = [0u8; 96];
    let length = STANDARD.decode_slice(text, &mut buffer).ok()?;
    buffer.get(..N).filter(|_| length == N)?.try_into().ok()
}

/// Cuts an attacker-chosen version label to 16 characters for a message.
fn shorten(version: &str) -> String {
    match version.char_indices().nth(16) {
        Some((end, _)) => format!("{}...", &version[..end]),
        None => version.to_owned(),
    }
}
