//! Standard Webhooks signatures: signing outgoing webhooks and verifying
//! received ones.
//!
//! A webhook carries three headers. `webhook-id` identifies the message
//! and stays the same on every retry. `webhook-timestamp` is the attempt
//! time in integer Unix seconds. `webhook-signature` is a space-separated
//! list of `version,base64` entries, each signing the bytes
//! `id.timestamp.body` with the raw body:
//!
//! - `v1`: HMAC-SHA256 keyed with the decoded bytes of a `whsec_` secret.
//! - `v1a`: Ed25519, signed with a `whsk_` secret key and checked with the
//!   matching `whpk_` public key.
//!
//! [`Signer`] produces the headers and [`Verifier`] checks them. Both take
//! several keys, for rotation without downtime.
//!
//! ```
//! use std::time::SystemTime;
//! use hookforge::signing::{Signer, SigningKey, Verifier, VerifyingKey};
//!
//! let key: SigningKey = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD".parse()?;
//! let verifier = Verifier::new(vec![VerifyingKey::from(&key)]);
//! let signer = Signer::new(vec![key]);
//!
//! let body = br#"{"type":"invoice.paid"}"#;
//! let signed = signer.sign_now("msg_1", body);
//! assert_eq!(verifier.verify(&signed.as_webhook_headers(), body, SystemTime::now()), Ok(()));
//! # Ok::<(), hookforge::signing::KeyError>(())
//! ```

mod content;
mod entries;
mod error;
mod headers;
mod key;
mod signer;
mod timestamp;
mod verifier;

pub use error::VerifyError;
pub use headers::{WebhookHeaders, HEADER_ID, HEADER_SIGNATURE, HEADER_TIMESTAMP};
pub use key::{
    KeyError, SigningKey, VerifyingKey, ED25519_PUBLIC_PREFIX, ED25519_SECRET_PREFIX,
    HMAC_MAX_BYTES, HMAC_MIN_BYTES, HMAC_SECRET_PREFIX,
};
pub use signer::{SignedHeaders, Signer};
pub use verifier::{Verifier, DEFAULT_TOLERANCE, MAX_SIGNATURE_ENTRIES};
