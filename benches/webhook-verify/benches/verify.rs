//! Verification of one valid webhook with a 1 KiB and a 64 KiB body:
//! hookforge's `Verifier` against the `standardwebhooks` and `svix`
//! crates and against a bare HMAC-SHA256 over the same signed content.
//!
//! Every contender gets the same `http::HeaderMap`, the same raw body and
//! the current time, and checks the timestamp and one `v1` entry.
//! Run with `cargo bench` in this folder.

use std::hint::black_box;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use hmac::{Hmac, Mac};
use hookforge::signing::{Signer, SigningKey, Verifier, VerifyingKey};
use http::HeaderMap;
use sha2::Sha256;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const WEBHOOK_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";

/// Builds a JSON body of exactly `size` ASCII bytes. It is ASCII because
/// `standardwebhooks` rejects bodies that are not UTF-8.
fn json_body(size: usize) -> Vec<u8> {
    let mut body = br#"{"type":"invoice.paid","items":["#.to_vec();
    let mut item = 0;
    while body.len() + 60 < size {
        body.extend_from_slice(format!(r#"{{"sku":"item-{item:06}","qty":1}},"#).as_bytes());
        item += 1;
    }
    body.extend_from_slice(br#"{"sku":"last"}],"note":""#);
    while body.len() + 2 < size {
        body.push(b'x');
    }
    body.extend_from_slice(br#""}"#);
    assert_eq!(body.len(), size);
    body
}

/// Signs `body` now and returns the three headers.
fn signed_headers(key: &SigningKey, body: &[u8]) -> HeaderMap {
    let signed = Signer::new(vec![key.clone()]).sign_now(WEBHOOK_ID, body);
    let mut headers = HeaderMap::new();
    signed
        .insert_into(&mut headers)
        .expect("ASCII header values");
    headers
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .expect("header present")
}

/// Verifies with the minimum of work, as the lower bound: parses the
/// timestamp, decodes the one entry, computes the HMAC of the content and
/// compares in constant time, with no header-list or key handling.
fn raw_hmac_verify(key: &[u8], headers: &HeaderMap, body: &[u8]) -> bool {
    let id = header(headers, "webhook-id");
    let timestamp = header(headers, "webhook-timestamp");
    let Ok(seconds) = timestamp.parse::<i64>() else {
        return false;
    };
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|since| since.as_secs() as i64)
        .unwrap_or(0);
    if (now - seconds).abs() > 300 {
        return false;
    }
    let Some(("v1", encoded)) = header(headers, "webhook-signature").split_once(',') else {
        return false;
    };
    let Ok(tag) = STANDARD.decode(encoded) else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.verify_slice(&tag).is_ok()
}

fn verify(c: &mut Criterion) {
    let key: SigningKey = SECRET.parse().expect("valid secret");
    let raw_key = STANDARD
        .decode(SECRET.trim_start_matches("whsec_"))
        .expect("base64");
    let ours = Verifier::new(vec![VerifyingKey::from(&key)]);
    let standard = standardwebhooks::Webhook::new(SECRET).expect("valid secret");
    let svix = svix::webhooks::Webhook::new(SECRET).expect("valid secret");

    for (label, size) in [("1KiB", 1024), ("64KiB", 64 * 1024)] {
        let body = json_body(size);
        let headers = signed_headers(&key, &body);
        // Every contender must accept the webhook, or the numbers compare
        // a rejection with a verification.
        assert!(ours
            .verify_header_map(&headers, &body, SystemTime::now())
            .is_ok());
        assert!(standard.verify(&body, &headers).is_ok());
        assert!(svix.verify(&body, &headers).is_ok());
        assert!(raw_hmac_verify(&raw_key, &headers, &body));

        let mut group = c.benchmark_group(format!("verify_{label}"));
        group.throughput(Throughput::Bytes(size as u64));
        group.bench_function("hookforge", |b| {
            b.iter(|| {
                ours.verify_header_map(black_box(&headers), black_box(&body), SystemTime::now())
            })
        });
        group.bench_function("standardwebhooks", |b| {
            b.iter(|| standard.verify(black_box(&body), black_box(&headers)))
        });
        group.bench_function("svix", |b| {
            b.iter(|| svix.verify(black_box(&body), black_box(&headers)))
        });
        group.bench_function("raw_hmac_sha256", |b| {
            b.iter(|| raw_hmac_verify(&raw_key, black_box(&headers), black_box(&body)))
        });
        group.finish();
    }
}

criterion_group!(benches, verify);
criterion_main!(benches);
