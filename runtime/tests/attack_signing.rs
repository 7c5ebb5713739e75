//! Hostile keys, timestamps and clocks against signing and verification.
#![cfg(feature = "signing")]

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hookforge::signing::{
    KeyError, Signer, SigningKey, Verifier, VerifyError, VerifyingKey, WebhookHeaders,
};

const SECRET: &[u8] = b"attack signing test key, 32 bytes";

fn hmac_key() -> SigningKey {
    SigningKey::hmac_from_bytes(SECRET).expect("valid HMAC key")
}

fn at(seconds: i64) -> SystemTime {
    let offset = Duration::from_secs(seconds.unsigned_abs());
    if seconds >= 0 {
        UNIX_EPOCH + offset
    } else {
        UNIX_EPOCH - offset
    }
}

fn headers<'a>(id: &'a str, timestamp: &'a str, signature: &'a str) -> WebhookHeaders<'a> {
    WebhookHeaders {
        id,
        timestamp,
        signature,
    }
}

#[test]
fn whsk_with_foreign_public_half_rejected() {
    let seed_a = [7u8; 32];
    let seed_b = [9u8; 32];
    let public_b = ed25519_dalek::SigningKey::from_bytes(&seed_b).verifying_key();
    let mut bytes = seed_a.to_vec();
    bytes.extend_from_slice(public_b.as_bytes());
    let text = format!("whsk_{}", STANDARD.encode(&bytes));
    assert_eq!(
        text.parse::<SigningKey>().err(),
        Some(KeyError::PublicKeyMismatch)
    );
}

#[test]
fn odd_base64_keys_rejected() {
    let canonical = STANDARD.encode(SECRET);
    let url_safe = canonical.replace('+', "-").replace('/', "_") + "-_";
    let cases = [
        format!("whsec_{url_safe}"),
        format!("whsec_={canonical}"),
        format!("whsec_{canonical}=="),
        "whsec_\u{c0}\u{c1}".to_owned(),
        format!("WHSEC_{canonical}"),
        "whsec_".to_owned(),
        "whsec".to_owned(),
    ];
    for text in cases {
        assert!(text.parse::<SigningKey>().is_err(), "accepted {text:?}");
        assert!(text.parse::<VerifyingKey>().is_err(), "accepted {text:?}");
    }
}

/// Base64 whose last character carries nonzero padding bits decodes to
/// the same bytes as the canonical spelling in lax decoders. Accepting
/// both spellings would give one secret two texts.
#[test]
fn noncanonical_trailing_bits_rejected() {
    // 32 bytes encode to 43 characters plus one `=`, and the last
    // character carries 2 unused bits.
    let canonical = STANDARD.encode(b"0123456789abcdef0123456789abcdef");
    let mut chars: Vec<char> = canonical.trim_end_matches('=').chars().collect();
    let last = chars.pop().expect("non-empty");
    let index = base64::alphabet::STANDARD
        .as_str()
        .find(last)
        .expect("alphabet character");
    let altered = base64::alphabet::STANDARD.as_str().as_bytes()[index ^ 1] as char;
    assert_ne!(altered, last);
    chars.push(altered);
    let text = format!("whsec_{}", chars.into_iter().collect::<String>());
    assert!(text.parse::<VerifyingKey>().is_err(), "accepted {text:?}");
}

#[test]
fn megabyte_secret_rejected_fast() {
    let text = format!("whsec_{}", STANDARD.encode(vec![0x5a; 1 << 20]));
    let started = Instant::now();
    let error = text.parse::<SigningKey>().err();
    assert!(
        matches!(error, Some(KeyError::InvalidLength { actual, .. }) if actual == 1 << 20),
        "{error:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(1));
    let message = error.map(|error| error.to_string()).unwrap_or_default();
    assert!(message.len() < 200, "message of {} bytes", message.len());
}

#[test]
fn zero_keys_verify_nothing() {
    let signature = Signer::new(vec![hmac_key()]).sign("msg_1", 1_700_000_000, b"{}");
    let verifier = Verifier::new(Vec::new());
    let result = verifier.verify(
        &headers("msg_1", "1700000000", &signature),
        b"{}",
        at(1_700_000_000),
    );
    assert!(
        matches!(result, Err(VerifyError::NoSupportedSignature { .. })),
        "{result:?}"
    );
    assert!(Signer::new(Vec::new()).sign("msg_1", 0, b"").is_empty());
}

#[test]
fn zero_tolerance_accepts_same_second_only() {
    let signer = Signer::new(vec![hmac_key()]);
    let verifier =
        Verifier::new(vec![VerifyingKey::from(&hmac_key())]).with_tolerance(Duration::ZERO);
    let signature = signer.sign("msg_0", 1_700_000_000, b"x");
    let webhook = headers("msg_0", "1700000000", &signature);
    let same_second = at(1_700_000_000) + Duration::from_millis(999);
    assert_eq!(verifier.verify(&webhook, b"x", same_second), Ok(()));
    assert!(verifier.verify(&webhook, b"x", at(1_700_000_001)).is_err());
    assert!(verifier.verify(&webhook, b"x", at(1_699_999_999)).is_err());
}

#[test]
fn extreme_timestamps_and_clocks() {
    let signer = Signer::new(vec![hmac_key()]);
    let strict = Verifier::new(vec![VerifyingKey::from(&hmac_key())]);
    let lax = strict.clone().with_tolerance(Duration::MAX);
    for (timestamp, now) in [
        (i64::MAX, at(0)),
        (i64::MIN, at(0)),
        (i64::MIN, at(i64::MAX)),
        (i64::MAX, at(i64::MIN)),
        (-1_000, at(-1_000)),
        (0, at(-1)),
    ] {
        let text = timestamp.to_string();
        let signature = signer.sign("msg_x", timestamp, b"x");
        let webhook = headers("msg_x", &text, &signature);
        assert_eq!(
            lax.verify(&webhook, b"x", now),
            Ok(()),
            "{timestamp} at {now:?}"
        );
        let strict_result = strict.verify(&webhook, b"x", now);
        let near = (i128::from(timestamp) - i128::from(seconds_of(now))).abs() <= 300;
        assert_eq!(
            strict_result.is_ok(),
            near,
            "{timestamp} at {now:?}: {strict_result:?}"
        );
    }
}

fn seconds_of(time: SystemTime) -> i64 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(since) => i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
        Err(before) => -i64::try_from(before.duration().as_secs()).unwrap_or(i64::MAX),
    }
}

#[test]
fn malformed_timestamps_rejected_and_quoted_short() {
    let verifier = Verifier::new(vec![VerifyingKey::from(&hmac_key())]);
    let long_digits = "9".repeat(100_000);
    for text in [
        "+1700000000",
        " 1700000000",
        "1700000000 ",
        "1700000000.5",
        "1e9",
        "--1",
        "-",
        "",
        "1700000000000",
        &long_digits,
    ] {
        let result = verifier.verify(&headers("msg_t", text, "v1,AAAA"), b"", at(1_700_000_000));
        let error = result.expect_err(text);
        assert!(
            error.to_string().len() < 200,
            "{} bytes for {}",
            error.to_string().len(),
            text.len()
        );
    }
}

#[test]
fn hostile_version_labels_listed_short() {
    let verifier = Verifier::new(vec![VerifyingKey::from(&hmac_key())]);
    let header = (0..10_000)
        .map(|index| format!("v{index}{},x", "z".repeat(50)))
        .collect::<Vec<_>>()
        .join(" ");
    let started = Instant::now();
    let error = verifier
        .verify(
            &headers("msg_v", "1700000000", &header),
            b"",
            at(1_700_000_000),
        )
        .expect_err("no supported entry");
    assert!(started.elapsed() < Duration::from_secs(1));
    assert!(error.to_string().len() < 400, "{error}");
}
