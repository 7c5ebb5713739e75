//! Signing of outgoing webhooks.

use std::time::SystemTime;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use http::header::{HeaderValue, InvalidHeaderValue};
use http::HeaderMap;

use super::content::SignedContent;
use super::{timestamp, SigningKey, WebhookHeaders};
use super::{HEADER_ID, HEADER_SIGNATURE, HEADER_TIMESTAMP};

/// Signs outgoing webhooks with one or more keys.
///
/// Every key adds one `version,base64` entry to the `webhook-signature`
/// header, in the order given. During key rotation, sign with the old and
/// the new key, so receivers that know either one accept the webhook.
///
/// A retry of the same event must reuse its `webhook-id` and body bytes.
/// Only the timestamp, and so the signature, changes per attempt.
///
/// ```
/// use hookforge::signing::Signer;
///
/// let signer = Signer::new(vec!["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".parse()?]);
/// let header = signer.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, br#"{"test": 2432232314}"#);
/// assert_eq!(header, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
/// # Ok::<(), hookforge::signing::KeyError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Signer {
    keys: Vec<SigningKey>,
}

/// The three header values of one signed delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedHeaders {
    /// The `webhook-id` value.
    pub id: String,
    /// The `webhook-timestamp` value: integer Unix seconds.
    pub timestamp: String,
    /// The `webhook-signature` value.
    pub signature: String,
}

impl SignedHeaders {
    /// Borrows the values in the form [`Verifier::verify`](super::Verifier::verify) takes.
    pub fn as_webhook_headers(&self) -> WebhookHeaders<'_> {
        WebhookHeaders {
            id: &self.id,
            timestamp: &self.timestamp,
            signature: &self.signature,
        }
    }

    /// Inserts the three headers into `headers`, replacing earlier values.
    ///
    /// # Errors
    ///
    /// When the webhook id is not a valid header value (it contains a
    /// control character). Nothing is inserted then.
    pub fn insert_into(&self, headers: &mut HeaderMap) -> Result<(), InvalidHeaderValue> {
        let id = HeaderValue::from_str(&self.id)?;
        let timestamp = HeaderValue::from_str(&self.timestamp)?;
        let signature = HeaderValue::from_str(&self.signature)?;
        headers.insert(HEADER_ID, id);
        headers.insert(HEADER_TIMESTAMP, timestamp);
        headers.insert(HEADER_SIGNATURE, signature);
        Ok(())
    }
}

impl Signer {
    /// Creates a signer that signs with every key in `keys`. With no keys,
    /// [`sign`](Self::sign) returns an empty header, which every verifier
    /// rejects.
    pub fn new(keys: Vec<SigningKey>) -> Self {
        Signer { keys }
    }

    /// Returns the configured keys.
    pub fn keys(&self) -> &[SigningKey] {
        &self.keys
    }

    /// Signs `webhook_id.timestamp.body` and returns the
    /// `webhook-signature` value, with one entry per key joined by spaces.
    /// `timestamp` is in Unix seconds, and `body` is the exact bytes that
    /// will be sent.
    pub fn sign(&self, webhook_id: &str, timestamp: i64, body: &[u8]) -> String {
        let timestamp = timestamp.to_string();
        self.sign_text(webhook_id, &timestamp, body)
    }

    /// Signs an attempt made now and returns all three header values.
    pub fn sign_now(&self, webhook_id: &str, body: &[u8]) -> SignedHeaders {
        self.sign_at(webhook_id, body, SystemTime::now())
    }

    /// Signs an attempt made at `time` (rounded down to whole seconds) and
    /// returns all three header values.
    pub fn sign_at(&self, webhook_id: &str, body: &[u8], time: SystemTime) -> SignedHeaders {
        let timestamp = timestamp::unix_seconds(time).to_string();
        let signature = self.sign_text(webhook_id, &timestamp, body);
        SignedHeaders {
            id: webhook_id.to_owned(),
            timestamp,
            signature,
        }
    }

    fn sign_text(&self, id: &str, timestamp: &str, body: &[u8]) -> String {
        let content = SignedContent {
            id,
            timestamp,
            body,
        };
        let entries: Vec<String> = self
            .keys
            .iter()
            .map(|key| {
                let signature = STANDARD.encode(key.sign_content(&content));
                format!("{},{signature}", key.version())
            })
            .collect();
        entries.join(" ")
    }
}
