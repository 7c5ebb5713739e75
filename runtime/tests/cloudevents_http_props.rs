//! Properties of the `ce-` header percent-encoding, and decoding that
//! never panics on arbitrary input.
#![cfg(feature = "cloudevents")]

use hookforge::cloudevents::http::{from_http, percent_decode, percent_encode};
use http::{HeaderMap, HeaderValue};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn decode_reverses_encode(value in any::<String>()) {
        prop_assert_eq!(percent_decode(&percent_encode(&value)), Ok(value));
    }

    #[test]
    fn encoded_is_printable_ascii(value in any::<String>()) {
        let encoded = percent_encode(&value);
        prop_assert!(encoded.bytes().all(|byte| (0x21..=0x7e).contains(&byte) && byte != b'"'));
        let header = HeaderValue::from_str(&encoded);
        prop_assert!(header.is_ok());
        // Every `%` starts an escape of two uppercase hexadecimal digits.
        let bytes = encoded.as_bytes();
        for (index, _) in encoded.match_indices('%') {
            let escape = &bytes[index + 1..index + 3];
            prop_assert!(escape.iter().all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(b)));
        }
    }

    #[test]
    fn safe_text_is_unchanged(value in "[!#$&-~]*") {
        // Printable ASCII other than space, `"` and `%` needs no escape.
        prop_assert_eq!(percent_encode(&value), value);
    }

    #[test]
    fn decode_accepts_lowercase_hex(value in any::<String>()) {
        let lower = percent_encode(&value)
            .split('%')
            .enumerate()
            .map(|(index, part)| {
                if index == 0 {
                    part.to_owned()
                } else {
                    let (hex, rest) = part.split_at(2);
                    format!("%{}{rest}", hex.to_ascii_lowercase())
                }
            })
            .collect::<String>();
        prop_assert_eq!(percent_decode(&lower), Ok(value));
    }

    #[test]
    fn decode_never_panics(value in any::<String>()) {
        let _ = percent_decode(&value);
    }

    #[test]
    fn structured_decode_never_panics(body in any::<Vec<u8>>()) {
        let mut headers = HeaderMap::new();
        headers.insert("content-type", HeaderValue::from_static("application/cloudevents+json"));
        let _ = from_http(&headers, &body);
    }

    #[test]
    fn binary_decode_never_panics(subject in any::<Vec<u8>>(), body in any::<Vec<u8>>()) {
        let mut headers = HeaderMap::new();
        for (name, value) in [("ce-specversion", "1.0"), ("ce-id", "1"), ("ce-source", "/s"), ("ce-type", "t")] {
            headers.insert(name, HeaderValue::from_static(value));
        }
        if let Ok(value) = HeaderValue::from_bytes(&subject) {
            headers.insert("ce-subject", value);
        }
        let _ = from_http(&headers, &body);
    }
}
