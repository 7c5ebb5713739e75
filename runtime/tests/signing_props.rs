//! Property tests: signing and verification round-trip for any message,
//! any change to the message breaks verification, and no input panics.
#![cfg(feature = "signing")]

use std::time::{Duration, UNIX_EPOCH};

use hookforge::signing::{Signer, SigningKey, Verifier, VerifyingKey, WebhookHeaders};
use proptest::prelude::*;

fn hmac_key(bytes: &[u8]) -> SigningKey {
    SigningKey::hmac_from_bytes(bytes).expect("24 to 64 bytes")
}

/// Webhook ids as senders make them: visible ASCII without spaces.
fn webhook_id() -> impl Strategy<Value = String> {
    "[!-~]{1,40}"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn hmac_round_trip(
        secret in proptest::collection::vec(any::<u8>(), 24..=64),
        id in webhook_id(),
        timestamp in 0i64..4_000_000_000,
        body in proptest::collection::vec(any::<u8>(), 0..512),
    ) {
        let key = hmac_key(&secret);
        let verifier = Verifier::new(vec![VerifyingKey::from(&key)]);
        let signer = Signer::new(vec![key]);
        let signed = signer.sign_at(&id, &body, UNIX_EPOCH + Duration::from_secs(timestamp as u64));
        let now = UNIX_EPOCH + Duration::from_secs(timestamp as u64);
        prop_assert_eq!(verifier.verify(&signed.as_webhook_headers(), &body, now), Ok(()));
    }

    #[test]
    fn ed25519_round_trip(
        seed in any::<[u8; 32]>(),
        id in webhook_id(),
        body in proptest::collection::vec(any::<u8>(), 0..512),
    ) {
        let key = SigningKey::ed25519_from_seed(&seed);
        let verifier = Verifier::new(vec![VerifyingKey::from(&key)]);
        let signer = Signer::new(vec![key]);
        let signature = signer.sign(&id, 1_700_000_000, &body);
        let headers = WebhookHeaders { id: &id, timestamp: "1700000000", signature: &signature };
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        prop_assert_eq!(verifier.verify(&headers, &body, now), Ok(()));
    }

    #[test]
    fn changed_body_fails(
        secret in proptest::collection::vec(any::<u8>(), 24..=64),
        body in proptest::collection::vec(any::<u8>(), 1..256),
        index in any::<prop::sample::Index>(),
        flip in 1u8..=255,
    ) {
        let key = hmac_key(&secret);
        let verifier = Verifier::new(vec![VerifyingKey::from(&key)]);
        let signature = Signer::new(vec![key]).sign("msg_1", 1_700_000_000, &body);
        let mut changed = body.clone();
        changed[index.index(body.len())] ^= flip;
        let headers = WebhookHeaders { id: "msg_1", timestamp: "1700000000", signature: &signature };
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        prop_assert!(verifier.verify(&headers, &changed, now).is_err());
    }

    #[test]
    fn any_signature_header_is_safe(header in ".{0,300}", id in ".{0,20}", timestamp in ".{0,24}") {
        let key = hmac_key(&[3u8; 32]);
        let verifier = Verifier::new(vec![
            VerifyingKey::from(&key),
            VerifyingKey::from(&SigningKey::ed25519_from_seed(&[5u8; 32])),
        ]);
        let headers = WebhookHeaders { id: &id, timestamp: &timestamp, signature: &header };
        // Random text never carries a valid tag, and must not panic.
        let result = verifier.verify(&headers, b"body", UNIX_EPOCH);
        prop_assert!(result.is_err());
    }

    #[test]
    fn any_entry_list_is_safe(
        entries in proptest::collection::vec(("v1a?|v2|x", "[A-Za-z0-9+/=]{0,90}"), 0..8),
        spaces in 1usize..4,
    ) {
        let header = entries
            .iter()
            .map(|(version, data)| format!("{version},{data}"))
            .collect::<Vec<_>>()
            .join(&" ".repeat(spaces));
        let key = hmac_key(&[3u8; 32]);
        let verifier = Verifier::new(vec![VerifyingKey::from(&key)]);
        let headers = WebhookHeaders { id: "msg_1", timestamp: "0", signature: &header };
        let result = verifier.verify(&headers, b"body", UNIX_EPOCH);
        prop_assert!(result.is_err());
    }

    #[test]
    fn any_key_text_is_safe(text in "(whsec_|whsk_|whpk_|v1,)?[A-Za-z0-9+/= ]{0,100}") {
        let _ = text.parse::<SigningKey>();
        let _ = text.parse::<VerifyingKey>();
    }
}
