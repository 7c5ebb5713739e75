//! Standard Webhooks signing and verification against published and
//! independently computed vectors, and against known failure cases of
//! other webhook libraries.
#![cfg(feature = "signing")]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hookforge::signing::{
    KeyError, Signer, SigningKey, Verifier, VerifyError, VerifyingKey, WebhookHeaders, HEADER_ID,
    HEADER_SIGNATURE, HEADER_TIMESTAMP, MAX_SIGNATURE_ENTRIES,
};

fn at(seconds: i64) -> SystemTime {
    if seconds >= 0 {
        UNIX_EPOCH + Duration::from_secs(seconds.unsigned_abs())
    } else {
        UNIX_EPOCH - Duration::from_secs(seconds.unsigned_abs())
    }
}

fn signing_key(text: &str) -> SigningKey {
    text.parse().expect("valid signing key")
}

fn verifying_key(text: &str) -> VerifyingKey {
    text.parse().expect("valid verifying key")
}

fn verifier(secrets: &[&str]) -> Verifier {
    Verifier::new(secrets.iter().map(|secret| verifying_key(secret)).collect())
}

fn headers<'a>(id: &'a str, timestamp: &'a str, signature: &'a str) -> WebhookHeaders<'a> {
    WebhookHeaders {
        id,
        timestamp,
        signature,
    }
}

// Standard Webhooks v1 vectors. The first two come from the reference
// libraries' tests; the others were computed with an independent HMAC.
struct V1Vector {
    secret: &'static str,
    id: &'static str,
    timestamp: &'static str,
    body: &'static [u8],
    signature: &'static str,
}

const SECRET_A: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const SECRET_B: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
const ID_A: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const TS_A: &str = "1614265330";
const BODY_A: &[u8] = br#"{"test": 2432232314}"#;
const SIG_A: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

const V1_VECTORS: &[V1Vector] = &[
    V1Vector {
        secret: SECRET_A,
        id: ID_A,
        timestamp: TS_A,
        body: BODY_A,
        signature: SIG_A,
    },
    V1Vector {
        secret: SECRET_B,
        id: "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk",
        timestamp: "1649367553",
        body: br#"{"email":"test@example.com","username":"test_user"}"#,
        signature: "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=",
    },
    // The second key of a rotation signing the first message.
    V1Vector {
        secret: SECRET_B,
        id: ID_A,
        timestamp: TS_A,
        body: BODY_A,
        signature: "v1,78nXHjpFP0tVJQW5D0SBwmVyyW87BV/rL6MgfM/Bw44=",
    },
    // The first message without its space.
    V1Vector {
        secret: SECRET_A,
        id: ID_A,
        timestamp: TS_A,
        body: br#"{"test":2432232314}"#,
        signature: "v1,Vif40peJBP7Iyl0XGmu61n4MwdrcHov5CFREBpE0svs=",
    },
    // A trailing newline is part of the body.
    V1Vector {
        secret: SECRET_A,
        id: ID_A,
        timestamp: TS_A,
        body: b"{\"test\": 2432232314}\n",
        signature: "v1,FIt3hYjPQCdyuyMOw+0dZwwjGRAx1Il4CsgdFnOmrcc=",
    },
    // UTF-8 body: {"name":"Jürgen ☃"}.
    V1Vector {
        secret: SECRET_A,
        id: ID_A,
        timestamp: TS_A,
        body: b"{\"name\":\"J\xc3\xbcrgen \xe2\x98\x83\"}",
        signature: "v1,EkYS7OENhT0FjQ/c7EgllXEGb3jsX+xI/wM5TvJG5fM=",
    },
    V1Vector {
        secret: SECRET_A,
        id: ID_A,
        timestamp: TS_A,
        body: b"",
        signature: "v1,v48jdbgvh29KJz2Qc+ghw8G6vG3nAKnujWBg8oM/62A=",
    },
];

#[test]
fn v1_vectors_sign() {
    for vector in V1_VECTORS {
        let signer = Signer::new(vec![signing_key(vector.secret)]);
        let timestamp: i64 = vector.timestamp.parse().expect("vector timestamp");
        let header = signer.sign(vector.id, timestamp, vector.body);
        assert_eq!(header, vector.signature, "body {:?}", vector.body);
    }
}

#[test]
fn v1_vectors_verify() {
    for vector in V1_VECTORS {
        let verifier = verifier(&[vector.secret]);
        let now = at(vector.timestamp.parse().expect("vector timestamp"));
        let headers = headers(vector.id, vector.timestamp, vector.signature);
        assert_eq!(
            verifier.verify(&headers, vector.body, now),
            Ok(()),
            "signature {}",
            vector.signature
        );
    }
}

#[test]
fn v1_vector_rejects_other_bodies() {
    // Each vector's signature must fail for every other vector's body.
    for vector in V1_VECTORS {
        let verifier = verifier(&[vector.secret]);
        let now = at(vector.timestamp.parse().expect("vector timestamp"));
        let headers = headers(vector.id, vector.timestamp, vector.signature);
        for other in V1_VECTORS.iter().filter(|other| other.body != vector.body) {
            let result = verifier.verify(&headers, other.body, now);
            assert_eq!(
                result,
                Err(VerifyError::NoMatchingSignature { checked: 1 }),
                "{} over {:?}",
                vector.signature,
                other.body
            );
        }
    }
}

// The official v1a vector: the secret key is the 32-byte seed followed
// by the 32-byte public key.
const ED_SECRET: &str =
    "whsk_6Xb/dCcHpPea21PS1N9VY/NZW723CEc77N4rJCubMbfVKIDij2HKpMKkioLlX0dRqSKJp4AJ6p9lMicMFs6Kvg==";
const ED_PUBLIC: &str = "whpk_1SiA4o9hyqTCpIqC5V9HUakiiaeACeqfZTInDBbOir4=";
const ED_SIG: &str =
    "v1a,hnO3f9T8Ytu9HwrXslvumlUpqtNVqkhqw/enGzPCXe5BdqzCInXqYXFymVJaA7AZdpXwVLPo3mNl8EM+m7TBAg==";

#[test]
fn v1a_vector_signs() {
    let signer = Signer::new(vec![signing_key(ED_SECRET)]);
    assert_eq!(signer.sign(ID_A, 1614265330, BODY_A), ED_SIG);
}

#[test]
fn v1a_vector_verifies_with_public_key() {
    let verifier = verifier(&[ED_PUBLIC]);
    let result = verifier.verify(&headers(ID_A, TS_A, ED_SIG), BODY_A, at(1614265330));
    assert_eq!(result, Ok(()));
}

#[test]
fn v1a_rejects_changed_body() {
    let verifier = verifier(&[ED_PUBLIC]);
    let result = verifier.verify(
        &headers(ID_A, TS_A, ED_SIG),
        br#"{"test": 2432232315}"#,
        at(1614265330),
    );
    assert_eq!(result, Err(VerifyError::NoMatchingSignature { checked: 1 }));
}

#[test]
fn v1a_verifying_key_from_signing_key() {
    let derived = VerifyingKey::from(&signing_key(ED_SECRET));
    let verifier = Verifier::new(vec![derived]);
    let result = verifier.verify(&headers(ID_A, TS_A, ED_SIG), BODY_A, at(1614265330));
    assert_eq!(result, Ok(()));
}

#[test]
fn v1a_signature_under_hmac_label_fails() {
    // Only the label decides the algorithm: Ed25519 bytes labelled v1 are
    // compared as an HMAC tag and never checked as a signature.
    let relabelled = ED_SIG.replacen("v1a,", "v1,", 1);
    let verifier = verifier(&[ED_PUBLIC]);
    let result = verifier.verify(&headers(ID_A, TS_A, &relabelled), BODY_A, at(1614265330));
    assert!(matches!(
        result,
        Err(VerifyError::NoSupportedSignature { .. })
    ));
}

#[test]
fn mixed_keys_accept_either_version() {
    let verifier = verifier(&[SECRET_A, ED_PUBLIC]);
    let now = at(1614265330);
    for signature in [SIG_A, ED_SIG] {
        let result = verifier.verify(&headers(ID_A, TS_A, signature), BODY_A, now);
        assert_eq!(result, Ok(()), "{signature}");
    }
}

#[test]
fn tampered_signature_fails() {
    let tampered = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA=";
    let result =
        verifier(&[SECRET_A]).verify(&headers(ID_A, TS_A, tampered), BODY_A, at(1614265330));
    assert_eq!(result, Err(VerifyError::NoMatchingSignature { checked: 1 }));
}

#[test]
fn truncated_and_empty_entries_fail() {
    let verifier = verifier(&[SECRET_A]);
    let now = at(1614265330);
    for signature in [
        "v1,",
        "v1,g0hM9SsE",
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE",
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE==",
        "v1,!!!!",
        "v1,,,",
    ] {
        let result = verifier.verify(&headers(ID_A, TS_A, signature), BODY_A, now);
        assert_eq!(
            result,
            Err(VerifyError::NoMatchingSignature { checked: 1 }),
            "{signature:?}"
        );
    }
}

#[test]
fn first_eight_characters_fail() {
    let prefix = &SIG_A[..8];
    let result = verifier(&[SECRET_A]).verify(&headers(ID_A, TS_A, prefix), BODY_A, at(1614265330));
    assert_eq!(result, Err(VerifyError::NoMatchingSignature { checked: 1 }));
}

#[test]
fn hmac_under_v2_label_fails() {
    let relabelled = SIG_A.replacen("v1,", "v2,", 1);
    let result =
        verifier(&[SECRET_A]).verify(&headers(ID_A, TS_A, &relabelled), BODY_A, at(1614265330));
    assert_eq!(
        result,
        Err(VerifyError::NoSupportedSignature {
            expected: "v1".to_owned(),
            found: "v2".to_owned(),
        })
    );
}

#[test]
fn decoys_before_match_pass() {
    let header = format!(
        "v1,tFtCZ5RDCPxzWQRWXWPgrCgE2frDBe9gjpbWQxnVfsQ= \
         v1,Mm7xgUVICxZfQ3bgf0h0Dof65L/IFx+PnZvnDWPCX6Q= {SIG_A}"
    );
    let result =
        verifier(&[SECRET_A]).verify(&headers(ID_A, TS_A, &header), BODY_A, at(1614265330));
    assert_eq!(result, Ok(()));
}

#[test]
fn missing_headers_are_named() {
    let verifier = verifier(&[SECRET_A]);
    let now = at(1614265330);
    let cases = [
        (headers("", TS_A, SIG_A), HEADER_ID),
        (headers(ID_A, "", SIG_A), HEADER_TIMESTAMP),
        (headers(ID_A, TS_A, ""), HEADER_SIGNATURE),
        (headers(ID_A, TS_A, "   "), HEADER_SIGNATURE),
    ];
    for (headers, name) in cases {
        let result = verifier.verify(&headers, BODY_A, now);
        assert_eq!(result, Err(VerifyError::MissingHeader { name }), "{name}");
    }
}

#[test]
fn header_map_missing_each_header() {
    let verifier = verifier(&[SECRET_A]);
    for absent in [HEADER_ID, HEADER_TIMESTAMP, HEADER_SIGNATURE] {
        let mut map = http::HeaderMap::new();
        for (name, value) in [
            (HEADER_ID, ID_A),
            (HEADER_TIMESTAMP, TS_A),
            (HEADER_SIGNATURE, SIG_A),
        ] {
            if name != absent {
                map.insert(name, value.parse().expect("header value"));
            }
        }
        let result = verifier.verify_header_map(&map, BODY_A, at(1614265330));
        assert_eq!(result, Err(VerifyError::MissingHeader { name: absent }));
    }
}

#[test]
fn header_map_round_trip() {
    let signer = Signer::new(vec![signing_key(SECRET_A)]);
    let signed = signer.sign_at(ID_A, BODY_A, at(1614265330));
    assert_eq!(signed.timestamp, TS_A);
    assert_eq!(signed.signature, SIG_A);
    let mut map = http::HeaderMap::new();
    signed.insert_into(&mut map).expect("valid header values");
    let result = verifier(&[SECRET_A]).verify_header_map(&map, BODY_A, at(1614265330));
    assert_eq!(result, Ok(()));
}

#[test]
fn header_map_non_ascii_value() {
    let mut map = http::HeaderMap::new();
    map.insert(
        HEADER_ID,
        http::HeaderValue::from_bytes(b"msg_\xe9").expect("opaque bytes"),
    );
    map.insert(HEADER_TIMESTAMP, TS_A.parse().expect("header value"));
    map.insert(HEADER_SIGNATURE, SIG_A.parse().expect("header value"));
    let result = verifier(&[SECRET_A]).verify_header_map(&map, BODY_A, at(1614265330));
    assert_eq!(result, Err(VerifyError::InvalidHeader { name: HEADER_ID }));
}

#[test]
fn insert_into_rejects_control_characters() {
    let signer = Signer::new(vec![signing_key(SECRET_A)]);
    let signed = signer.sign_at("msg\n1", BODY_A, at(1614265330));
    let mut map = http::HeaderMap::new();
    assert!(signed.insert_into(&mut map).is_err());
    assert!(map.is_empty());
}

/// A check on the error a case must produce.
type ErrorCheck = fn(&VerifyError) -> bool;

// The timestamp rule around 1700000000 with the default tolerance of
// 300 s. Each valid case is signed for its exact timestamp text.
#[test]
fn timestamp_tolerance_boundaries() {
    let key = "whsec_bmV1dHJhbC10ZXN0LWtleS1mb3ItYnVnLWNhc2VzISE=";
    let signer = Signer::new(vec![signing_key(key)]);
    let verifier = verifier(&[key]);
    let now = at(1_700_000_000);
    let cases: [(i64, Option<ErrorCheck>); 6] = [
        (1_699_999_701, None),
        (1_699_999_700, None),
        (
            1_699_999_699,
            Some(|e| matches!(e, VerifyError::TimestampTooOld { seconds: 301, .. })),
        ),
        (1_700_000_299, None),
        (1_700_000_300, None),
        (
            1_700_000_301,
            Some(|e| matches!(e, VerifyError::TimestampTooNew { seconds: 301, .. })),
        ),
    ];
    for (timestamp, expected_error) in cases {
        let text = timestamp.to_string();
        let signature = signer.sign("msg_case0001", timestamp, b"{}");
        let result = verifier.verify(&headers("msg_case0001", &text, &signature), b"{}", now);
        match expected_error {
            None => assert_eq!(result, Ok(()), "{timestamp}"),
            Some(check) => {
                let error = result.expect_err("outside the tolerance");
                assert!(check(&error), "{timestamp}: {error:?}");
            }
        }
    }
}

#[test]
fn timestamp_far_future_fails() {
    let signer = Signer::new(vec![signing_key(SECRET_A)]);
    let signature = signer.sign(ID_A, 1_731_536_000, BODY_A);
    let result = verifier(&[SECRET_A]).verify(
        &headers(ID_A, "1731536000", &signature),
        BODY_A,
        at(1_700_000_000),
    );
    assert!(matches!(result, Err(VerifyError::TimestampTooNew { .. })));
}

#[test]
fn timestamp_in_milliseconds_gets_hint() {
    let signer = Signer::new(vec![signing_key(SECRET_A)]);
    let signature = signer.sign(ID_A, 1_700_000_000_000, BODY_A);
    let result = verifier(&[SECRET_A]).verify(
        &headers(ID_A, "1700000000000", &signature),
        BODY_A,
        at(1_700_000_000),
    );
    let error = result.expect_err("milliseconds");
    assert_eq!(
        error,
        VerifyError::TimestampInMilliseconds {
            value: "1700000000000".to_owned()
        }
    );
    assert!(
        error.to_string().contains("must be Unix seconds"),
        "{error}"
    );
}

#[test]
fn malformed_timestamps_fail() {
    let verifier = verifier(&[SECRET_A]);
    for timestamp in [
        "hello",
        "161426533.0",
        "1700000000.0",
        " 1700000000",
        "1700000000 ",
        "1700000000abc",
        "+1700000000",
        "1e9",
        "-",
        "99999999999999999999",
        "-99999999999999999999",
    ] {
        let result = verifier.verify(&headers(ID_A, timestamp, SIG_A), BODY_A, at(1_700_000_000));
        assert_eq!(
            result,
            Err(VerifyError::MalformedTimestamp {
                value: timestamp.to_owned()
            }),
            "{timestamp:?}"
        );
    }
}

#[test]
fn negative_timestamps_are_too_old() {
    let verifier = verifier(&[SECRET_A]);
    for timestamp in ["-1", "-161426533", "-9223372036854775808"] {
        let result = verifier.verify(&headers(ID_A, timestamp, SIG_A), BODY_A, at(1_700_000_000));
        assert!(
            matches!(result, Err(VerifyError::TimestampTooOld { .. })),
            "{timestamp}: {result:?}"
        );
    }
}

#[test]
fn extreme_times_do_not_overflow() {
    let verifier = verifier(&[SECRET_A]).with_tolerance(Duration::MAX);
    let signer = Signer::new(vec![signing_key(SECRET_A)]);
    for (timestamp, now) in [(i64::MAX, at(-5)), (i64::MIN, at(i64::MAX / 4))] {
        let text = timestamp.to_string();
        let signature = signer.sign(ID_A, timestamp, BODY_A);
        let result = verifier.verify(&headers(ID_A, &text, &signature), BODY_A, now);
        assert_eq!(result, Ok(()), "{timestamp}");
    }
}

#[test]
fn custom_tolerance_applies_both_ways() {
    let verifier = verifier(&[SECRET_A]).with_tolerance(Duration::from_millis(10_900));
    assert_eq!(verifier.tolerance(), Duration::from_millis(10_900));
    let base = 1_614_265_330;
    let cases = [
        (base - 10, true),
        (base - 11, false),
        (base + 10, true),
        (base + 11, false),
    ];
    for (now, valid) in cases {
        let result = verifier.verify(&headers(ID_A, TS_A, SIG_A), BODY_A, at(now));
        assert_eq!(result.is_ok(), valid, "now {now}: {result:?}");
    }
}

#[test]
fn error_messages_contain_no_secrets() {
    let verifier = verifier(&[SECRET_A]);
    let tampered = "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    let error = verifier
        .verify(&headers(ID_A, TS_A, tampered), BODY_A, at(1614265330))
        .expect_err("wrong tag");
    let message = error.to_string();
    assert!(!message.contains(&SIG_A[3..]), "{message}");
    assert!(!message.contains(&SECRET_A[6..]), "{message}");
    assert!(!format!("{error:?}").contains(&SIG_A[3..]));
}

// Bodies that a framework parsed and serialized again, or to which it
// added a newline, no longer match the signature of the raw bytes.
const CASE_SECRET: &str = "whsec_bmV1dHJhbC10ZXN0LWtleS1mb3ItYnVnLWNhc2VzISE=";
const CASE_PREVIOUS_SECRET: &str = "whsec_cHJldmlvdXMtcm90YXRpb24ta2V5LTAxMjM0NTY3ODk=";
const CASE_ID: &str = "msg_case0001";
const CASE_TS: &str = "1700000000";
const CASE_BODY: &[u8] = br#"{"type":"invoice.paid","data":{"url":"https:\/\/example.test\/a","name":"caf\u00e9","amount":10.50}}"#;
const CASE_SIG: &str = "DaHELTBUtIpJ8EUTuIaHeKNreNd4d7meLfdV+14i1FQ=";
const CASE_PREVIOUS_SIG: &str = "bo9zzdJaZJb9YsatK4HkdbkXFia2mPcLbB27bdbZffc=";

fn case_verify(secrets: &[&str], signature: &str, body: &[u8]) -> Result<(), VerifyError> {
    verifier(secrets).verify(
        &headers(CASE_ID, CASE_TS, signature),
        body,
        at(1_700_000_100),
    )
}

#[test]
fn raw_body_verifies() {
    let result = case_verify(&[CASE_SECRET], &format!("v1,{CASE_SIG}"), CASE_BODY);
    assert_eq!(result, Ok(()));
}

#[test]
fn reserialized_body_fails() {
    let reserialized = r#"{"data":{"amount":10.5,"name":"café","url":"https://example.test/a"},"type":"invoice.paid"}"#;
    let result = case_verify(
        &[CASE_SECRET],
        &format!("v1,{CASE_SIG}"),
        reserialized.as_bytes(),
    );
    assert_eq!(result, Err(VerifyError::NoMatchingSignature { checked: 1 }));
    // The re-serialized body verifies only with its own signature, which
    // shows the failure above comes from the bytes alone.
    let own = "v1,KtE17FytWy+4c3RTg1h1i49z/DMF+MEQZLbeaKYzhtE=";
    assert_eq!(
        case_verify(&[CASE_SECRET], own, reserialized.as_bytes()),
        Ok(())
    );
}

#[test]
fn trailing_newline_body_fails() {
    let mut body = CASE_BODY.to_vec();
    body.push(b'\n');
    let result = case_verify(&[CASE_SECRET], &format!("v1,{CASE_SIG}"), &body);
    assert_eq!(result, Err(VerifyError::NoMatchingSignature { checked: 1 }));
    let own = "v1,zELSfsiduIA8ezGioTNM0VqUSjd0Z8lsTNYxnZbeBsI=";
    assert_eq!(case_verify(&[CASE_SECRET], own, &body), Ok(()));
}

#[test]
fn wrong_key_derivations_fail() {
    // Signatures keyed with the UTF-8 bytes of the whole `whsec_` string,
    // and with the base64 text left undecoded.
    for wrong in [
        "v1,+dRgpI1iHEl+Sb9E1dJ7yDzSvSL1SnI/bcgKnC9c6iU=",
        "v1,TyBvjkNPFjV/SudmbfHM9hytlJWGQaFaFFDPOIHKlsM=",
    ] {
        let result = case_verify(&[CASE_SECRET], wrong, CASE_BODY);
        assert_eq!(
            result,
            Err(VerifyError::NoMatchingSignature { checked: 1 }),
            "{wrong}"
        );
    }
}

#[test]
fn signature_lists_from_rotation() {
    let zeros = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    let current = [CASE_SECRET].as_slice();
    let both = [CASE_SECRET, CASE_PREVIOUS_SECRET].as_slice();
    let cases: [(String, &[&str], bool); 7] = [
        (
            format!("v1,{zeros} v1,{CASE_SIG} v2,{zeros}"),
            current,
            true,
        ),
        (format!("v1a,{zeros} v1,{CASE_SIG}"), current, true),
        (format!("v1,{CASE_PREVIOUS_SIG}"), both, true),
        (format!("v1,{CASE_PREVIOUS_SIG}"), current, false),
        (format!("v1,{CASE_SIG}  v1,{zeros}"), current, true),
        (format!("   v1,{CASE_SIG}   "), current, true),
        (
            format!("v1,{}", &CASE_SIG[..CASE_SIG.len() - 1]),
            current,
            false,
        ),
    ];
    for (header, secrets, valid) in cases {
        let result = case_verify(secrets, &header, CASE_BODY);
        assert_eq!(result.is_ok(), valid, "{header}: {result:?}");
    }
}

#[test]
fn rotation_signer_emits_entry_per_key() {
    let signer = Signer::new(vec![
        signing_key(CASE_SECRET),
        signing_key(CASE_PREVIOUS_SECRET),
    ]);
    let header = signer.sign(CASE_ID, 1_700_000_000, CASE_BODY);
    assert_eq!(header, format!("v1,{CASE_SIG} v1,{CASE_PREVIOUS_SIG}"));
    for secret in [CASE_SECRET, CASE_PREVIOUS_SECRET] {
        assert_eq!(
            case_verify(&[secret], &header, CASE_BODY),
            Ok(()),
            "{secret}"
        );
    }
}

#[test]
fn signer_mixes_versions() {
    let signer = Signer::new(vec![signing_key(SECRET_A), signing_key(ED_SECRET)]);
    let header = signer.sign(ID_A, 1614265330, BODY_A);
    assert_eq!(header, format!("{SIG_A} {ED_SIG}"));
}

#[test]
fn signer_without_keys_is_rejected() {
    let signed = Signer::new(Vec::new()).sign_at(ID_A, BODY_A, at(1614265330));
    assert_eq!(signed.signature, "");
    let result = verifier(&[SECRET_A]).verify(&signed.as_webhook_headers(), BODY_A, at(1614265330));
    assert_eq!(
        result,
        Err(VerifyError::MissingHeader {
            name: HEADER_SIGNATURE
        })
    );
}

#[test]
fn verifier_without_keys_rejects() {
    let result =
        Verifier::new(Vec::new()).verify(&headers(ID_A, TS_A, SIG_A), BODY_A, at(1614265330));
    assert!(matches!(
        result,
        Err(VerifyError::NoSupportedSignature { .. })
    ));
}

#[test]
fn hmac_only_verifier_skips_v1a() {
    let result = verifier(&[SECRET_A]).verify(&headers(ID_A, TS_A, ED_SIG), BODY_A, at(1614265330));
    assert_eq!(
        result,
        Err(VerifyError::NoSupportedSignature {
            expected: "v1".to_owned(),
            found: "v1a".to_owned(),
        })
    );
}

#[test]
fn too_many_entries_rejected() {
    let zeros = "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    let mut entries = vec![zeros; MAX_SIGNATURE_ENTRIES];
    entries.push(SIG_A);
    let header = entries.join(" ");
    let result =
        verifier(&[SECRET_A]).verify(&headers(ID_A, TS_A, &header), BODY_A, at(1614265330));
    assert_eq!(
        result,
        Err(VerifyError::TooManySignatures {
            count: MAX_SIGNATURE_ENTRIES + 1,
            max: MAX_SIGNATURE_ENTRIES,
        })
    );
    // At the maximum, the last entry is still tried.
    let header = entries[1..].join(" ");
    let result =
        verifier(&[SECRET_A]).verify(&headers(ID_A, TS_A, &header), BODY_A, at(1614265330));
    assert_eq!(result, Ok(()));
}

// Retries of one event reuse its webhook-id and body, and only the
// timestamp and so the signature change. Different events get different ids, and
// the id is signed, so a body cannot be replayed under another id.
#[test]
fn retries_keep_id_and_body() {
    let signer = Signer::new(vec![signing_key(SECRET_A)]);
    let verifier = verifier(&[SECRET_A]);
    let body = br#"{"type":"payment.captured","amount":500}"#;
    let first = signer.sign_at("msg_dup01", body, at(1_700_000_000));
    let retry = signer.sign_at("msg_dup01", body, at(1_700_000_060));
    assert_eq!(first.id, retry.id);
    assert_ne!(first.timestamp, retry.timestamp);
    assert_ne!(first.signature, retry.signature);
    assert_eq!(
        verifier.verify(&first.as_webhook_headers(), body, at(1_700_000_000)),
        Ok(())
    );
    assert_eq!(
        verifier.verify(&retry.as_webhook_headers(), body, at(1_700_000_060)),
        Ok(())
    );
}

#[test]
fn signature_binds_webhook_id() {
    let signer = Signer::new(vec![signing_key(SECRET_A)]);
    let body = br#"{"type":"payment.captured","amount":500}"#;
    let original = signer.sign_at("msg_dup01", body, at(1_700_000_000));
    let other = signer.sign_at("msg_dup02", body, at(1_700_000_000));
    assert_ne!(original.signature, other.signature);
    let replayed = headers("msg_dup02", &original.timestamp, &original.signature);
    let result = verifier(&[SECRET_A]).verify(&replayed, body, at(1_700_000_000));
    assert_eq!(result, Err(VerifyError::NoMatchingSignature { checked: 1 }));
}

#[test]
fn sign_now_uses_current_time() {
    let signer = Signer::new(vec![signing_key(SECRET_A)]);
    let before = SystemTime::now();
    let signed = signer.sign_now(ID_A, BODY_A);
    let seconds: u64 = signed.timestamp.parse().expect("integer seconds");
    let before_seconds = before
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_secs();
    assert!(seconds >= before_seconds, "{seconds} < {before_seconds}");
    assert!(
        seconds <= before_seconds + 5,
        "{seconds} > {before_seconds} + 5"
    );
    let result =
        verifier(&[SECRET_A]).verify(&signed.as_webhook_headers(), BODY_A, SystemTime::now());
    assert_eq!(result, Ok(()));
}

#[test]
fn key_text_errors() {
    let base = "bmV1dHJhbC10ZXN0LWtleS1mb3ItYnVnLWNhc2VzISE=";
    let cases: Vec<(String, KeyError)> = vec![
        (String::new(), KeyError::Empty),
        ("whsec_".to_owned(), KeyError::Empty),
        (
            base.to_owned(),
            KeyError::MissingPrefix {
                expected: "`whsec_` (HMAC secret) or `whsk_` (Ed25519 secret key)",
            },
        ),
        (
            format!("v1,whsec_{base}"),
            KeyError::SignaturePrefix {
                label: "v1".to_owned(),
            },
        ),
        (
            format!("v1a,whsk_{base}"),
            KeyError::SignaturePrefix {
                label: "v1a".to_owned(),
            },
        ),
        (
            format!("  whsec_{base}\n"),
            KeyError::Whitespace { offset: 0 },
        ),
        (
            format!("whsec_{base}\n"),
            KeyError::Whitespace { offset: 50 },
        ),
        (
            "whsec_not*base64".to_owned(),
            KeyError::InvalidBase64 { prefix: "whsec_" },
        ),
        (
            // 16 bytes, below the minimum of 24.
            "whsec_MDEyMzQ1Njc4OWFiY2RlZg==".to_owned(),
            KeyError::InvalidLength {
                prefix: "whsec_",
                expected: "24 to 64",
                actual: 16,
            },
        ),
        (
            format!("whsec_{}", "A".repeat(88)),
            KeyError::InvalidLength {
                prefix: "whsec_",
                expected: "24 to 64",
                actual: 66,
            },
        ),
        (
            format!("whsk_{base}"),
            KeyError::InvalidLength {
                prefix: "whsk_",
                expected: "64 (32-byte seed, then 32-byte public key)",
                actual: 32,
            },
        ),
    ];
    for (text, expected) in cases {
        let result = text.parse::<SigningKey>();
        assert_eq!(result.err(), Some(expected), "{text:?}");
    }
}

#[test]
fn key_accepts_missing_padding() {
    let padded = verifying_key(CASE_SECRET);
    let unpadded = verifying_key(CASE_SECRET.trim_end_matches('='));
    assert_eq!(padded.fingerprint(), unpadded.fingerprint());
}

#[test]
fn key_boundary_lengths() {
    for (length, valid) in [(23, false), (24, true), (64, true), (65, false)] {
        let bytes = vec![7u8; length];
        assert_eq!(
            SigningKey::hmac_from_bytes(&bytes).is_ok(),
            valid,
            "{length}"
        );
        assert_eq!(
            VerifyingKey::hmac_from_bytes(&bytes).is_ok(),
            valid,
            "{length}"
        );
    }
}

#[test]
fn ed25519_secret_with_wrong_public_half() {
    // The official secret key with its last public-key byte changed.
    let broken = ED_SECRET.replace("Kvg==", "Kvw==");
    assert_eq!(
        broken.parse::<SigningKey>().err(),
        Some(KeyError::PublicKeyMismatch)
    );
}

#[test]
fn verifying_key_text_errors() {
    assert_eq!(
        ED_SECRET.parse::<VerifyingKey>().err(),
        Some(KeyError::SecretKeyForVerifier)
    );
    assert_eq!(
        "whpk_AAAA".parse::<VerifyingKey>().err(),
        Some(KeyError::InvalidLength {
            prefix: "whpk_",
            expected: "32",
            actual: 3,
        })
    );
    assert!(matches!(
        "v1,whsec_x".parse::<VerifyingKey>(),
        Err(KeyError::SignaturePrefix { .. })
    ));
    assert!(matches!(
        "pk_1SiA4o9hyqTCpIqC5V9HUakiiaeACeqfZTInDBbOir4=".parse::<VerifyingKey>(),
        Err(KeyError::MissingPrefix { .. })
    ));
}

#[test]
fn signature_prefix_error_names_mix_up() {
    let error = "v1,whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        .parse::<SigningKey>()
        .expect_err("signature prefix");
    let message = error.to_string();
    assert!(message.contains("`v1,`"), "{message}");
    assert!(message.contains("webhook-signature"), "{message}");
    assert!(!message.contains("MfKQ9r8G"), "{message}");
}

#[test]
fn debug_hides_key_material() {
    let key = signing_key(SECRET_A);
    let printed = format!("{key:?} {:?}", VerifyingKey::from(&key));
    assert!(!printed.contains("MfKQ9r8G"), "{printed}");
    // The decoded secret starts with bytes 0x31 0xf2 0x90.
    assert!(!printed.to_lowercase().contains("31f290"), "{printed}");
    assert!(!printed.contains("49, 242"), "{printed}");
    assert!(printed.contains(&key.fingerprint()), "{printed}");

    let ed = signing_key(ED_SECRET);
    let printed = format!("{ed:?} {:?}", Signer::new(vec![ed.clone()]));
    assert!(!printed.contains("6Xb/dCcH"), "{printed}");
    assert!(printed.contains("v1a Ed25519"), "{printed}");
}

#[test]
fn fingerprints_differ_per_key() {
    let a = signing_key(SECRET_A).fingerprint();
    let b = signing_key(SECRET_B).fingerprint();
    assert_eq!(a.len(), 8);
    assert_ne!(a, b);
    assert_eq!(
        signing_key(ED_SECRET).fingerprint(),
        verifying_key(ED_PUBLIC).fingerprint()
    );
}
