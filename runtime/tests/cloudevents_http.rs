//! The CloudEvents HTTP binding: round trips through both modes, decoding
//! edge cases and extension name rules.
#![cfg(feature = "cloudevents")]

use hookforge::cloudevents::http::{
    check_extension_name, from_http, from_http_batch, to_binary, to_structured,
    to_structured_batch, DecodeError, EncodeError, ExtensionNameError,
};
use hookforge::cloudevents::sdk::event::ExtensionValue;
use hookforge::cloudevents::sdk::{
    AttributesReader, AttributesWriter, Data, Event, EventBuilder, EventBuilderV10,
};
use http::header::CONTENT_TYPE;
use http::{HeaderMap, HeaderValue};
use serde_json::{json, Value};

/// The first eight bytes of every PNG file; not valid UTF-8.
const PNG_MAGIC: [u8; 8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

fn base() -> EventBuilderV10 {
    EventBuilderV10::new()
        .id("evt_0001")
        .source("https://billing.example.com/invoices")
        .ty("com.example.invoice.paid")
}

fn build(builder: EventBuilderV10) -> Event {
    builder.build().expect("valid test event")
}

fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.append(
            http::HeaderName::from_bytes(name.as_bytes()).expect("test header name"),
            HeaderValue::from_str(value).expect("test header value"),
        );
    }
    map
}

fn structured_headers() -> HeaderMap {
    headers(&[("content-type", "application/cloudevents+json")])
}

fn decode_structured(body: &Value) -> Result<Event, DecodeError> {
    from_http(&structured_headers(), body.to_string().as_bytes())
}

/// Returns the data as the bytes binary mode sends: the same for `Data::Json`,
/// `Data::String` and `Data::Binary` carrying the same document.
fn data_bytes(event: &Event) -> Option<Vec<u8>> {
    event.data().map(|data| match data {
        Data::Binary(bytes) => bytes.clone(),
        Data::String(text) => text.as_bytes().to_vec(),
        Data::Json(value) => serde_json::to_vec(value).expect("serialize JSON data"),
    })
}

/// Checks every attribute and extension of `decoded` against `original`.
fn assert_same_attributes(original: &Event, decoded: &Event) {
    assert_eq!(decoded.specversion(), original.specversion());
    assert_eq!(decoded.id(), original.id());
    assert_eq!(decoded.source(), original.source());
    assert_eq!(decoded.ty(), original.ty());
    assert_eq!(decoded.subject(), original.subject());
    assert_eq!(decoded.datacontenttype(), original.datacontenttype());
    assert_eq!(decoded.dataschema(), original.dataschema());
    assert_eq!(decoded.time(), original.time());
    let mut expected: Vec<_> = original.iter_extensions().collect();
    let mut actual: Vec<_> = decoded.iter_extensions().collect();
    expected.sort_by_key(|(name, _)| *name);
    actual.sort_by_key(|(name, _)| *name);
    assert_eq!(actual, expected);
}

/// Structured mode keeps the event exactly; binary mode keeps every
/// attribute and the data bytes, and returns the data as `Data::Binary`.
fn assert_round_trips(event: &Event) {
    let (headers, body) = to_structured(event).expect("structured encoding");
    let decoded = from_http(&headers, &body).expect("structured decoding");
    assert_eq!(&decoded, event, "structured round trip");

    let (headers, body) = to_binary(event).expect("binary encoding");
    let decoded = from_http(&headers, &body).expect("binary decoding");
    assert_same_attributes(event, &decoded);
    assert_eq!(data_bytes(&decoded), data_bytes(event));
    assert!(matches!(decoded.data(), None | Some(Data::Binary(_))));

    // Encoding the decoded event again gives the same message.
    let (again_headers, again_body) = to_binary(&decoded).expect("binary re-encoding");
    assert_eq!(again_headers, headers);
    assert_eq!(again_body, body);
}

#[test]
fn round_trip_json_data() {
    let data = json!({"invoice": "in_1", "amount": 1050, "paid": true, "lines": [1.5, null]});
    assert_round_trips(&build(base().data("application/json", data)));
}

#[test]
fn round_trip_json_data_without_content_type() {
    let mut event = build(base());
    event.set_data_unchecked(json!({"k": 1}));
    assert_round_trips(&event);
}

#[test]
fn round_trip_string_data() {
    assert_round_trips(&build(base().data("text/plain", "plain text, café ☕")));
}

#[test]
fn round_trip_binary_data() {
    let event = build(base().data("image/png", PNG_MAGIC.to_vec()));
    assert_round_trips(&event);

    let (_, body) = to_structured(&event).expect("structured encoding");
    let json: Value = serde_json::from_slice(&body).expect("structured body is JSON");
    assert_eq!(json["data_base64"], "iVBORw0KGgo=");
    assert!(json.get("data").is_none());
}

#[test]
fn round_trip_no_data() {
    let event = build(base());
    assert_round_trips(&event);

    let (headers, body) = to_binary(&event).expect("binary encoding");
    assert!(body.is_empty());
    assert!(headers.get(CONTENT_TYPE).is_none());
}

#[test]
fn round_trip_all_optional_attributes() {
    let event = build(
        base()
            .subject("invoices/in_1")
            .time("2026-12-04T21:15:30.123456789+02:00")
            .data_with_schema(
                "application/json",
                "https://schemas.example.com/invoice.json",
                json!({"invoice": "in_1"}),
            ),
    );
    assert_round_trips(&event);

    let (headers, _) = to_binary(&event).expect("binary encoding");
    assert_eq!(headers["ce-time"], "2026-12-04T19:15:30.123456789Z");
    assert_eq!(
        headers["ce-dataschema"],
        "https://schemas.example.com/invoice.json"
    );
    assert_eq!(headers["ce-subject"], "invoices/in_1");
}

#[test]
fn time_offset_decodes_as_same_instant() {
    let body = json!({
        "specversion": "1.0", "id": "1", "source": "/s", "type": "t",
        "time": "2026-12-04T23:00:00.5+02:00",
    });
    let event = decode_structured(&body).expect("decode");
    let time = event.time().expect("time is set");
    assert_eq!(time.to_rfc3339(), "2026-12-04T21:00:00.500+00:00");
}

fn extension_event() -> Event {
    build(
        base()
            .extension("flagtrue", true)
            .extension("flagfalse", false)
            .extension("zero", 0_i64)
            .extension("negative", -42_i64)
            .extension("big", i64::MIN)
            .extension("spaced", "two words  and \"quotes\" 100%")
            .extension("accented", "café")
            .extension("emoji", "ship it 🚀")
            .extension("empty", "")
            .extension("leadingzero", "007")
            .data("application/json", json!({"k": 1})),
    )
}

#[test]
fn round_trip_extensions_of_every_type() {
    assert_round_trips(&extension_event());
}

#[test]
fn binary_extensions_are_text_headers() {
    let (headers, _) = to_binary(&extension_event()).expect("binary encoding");
    assert_eq!(headers["ce-flagtrue"], "true");
    assert_eq!(headers["ce-flagfalse"], "false");
    assert_eq!(headers["ce-zero"], "0");
    assert_eq!(headers["ce-negative"], "-42");
    assert_eq!(headers["ce-big"], "-9223372036854775808");
    assert_eq!(
        headers["ce-spaced"],
        "two%20words%20%20and%20%22quotes%22%20100%25"
    );
    assert_eq!(headers["ce-accented"], "caf%C3%A9");
    assert_eq!(headers["ce-emoji"], "ship%20it%20%F0%9F%9A%80");
    assert_eq!(headers["ce-leadingzero"], "007");
}

#[test]
fn structured_extensions_keep_json_types() {
    let (_, body) = to_structured(&extension_event()).expect("structured encoding");
    let json: Value = serde_json::from_slice(&body).expect("structured body is JSON");
    assert_eq!(json["flagtrue"], json!(true));
    assert_eq!(json["flagfalse"], json!(false));
    assert_eq!(json["zero"], json!(0));
    assert_eq!(json["negative"], json!(-42));
    assert_eq!(json["spaced"], json!("two words  and \"quotes\" 100%"));
    assert_eq!(json["emoji"], json!("ship it 🚀"));
}

#[test]
fn false_extension_survives_decoding() {
    let body = json!({
        "specversion": "1.0", "id": "1", "source": "/s", "type": "t",
        "sampled": false, "count": 0,
    });
    let event = decode_structured(&body).expect("decode");
    assert_eq!(
        event.extension("sampled"),
        Some(&ExtensionValue::Boolean(false))
    );
    assert_eq!(event.extension("count"), Some(&ExtensionValue::Integer(0)));

    let binary = headers(&[
        ("ce-specversion", "1.0"),
        ("ce-id", "1"),
        ("ce-source", "/s"),
        ("ce-type", "t"),
        ("ce-sampled", "false"),
        ("ce-count", "0"),
        ("ce-plus", "+5"),
    ]);
    let event = from_http(&binary, b"").expect("decode");
    assert_eq!(
        event.extension("sampled"),
        Some(&ExtensionValue::Boolean(false))
    );
    assert_eq!(event.extension("count"), Some(&ExtensionValue::Integer(0)));
    assert_eq!(
        event.extension("plus"),
        Some(&ExtensionValue::String("+5".to_owned()))
    );
}

#[test]
fn structured_null_attributes_are_absent() {
    let body = json!({
        "specversion": "1.0", "id": "1", "source": "/s", "type": "t",
        "subject": null, "tenant": null, "data_base64": null,
    });
    let event = decode_structured(&body).expect("decode");
    assert_eq!(event.subject(), None);
    assert_eq!(event.extension("tenant"), None);
    assert_eq!(event.data(), None);
}

// Structured decoding.

#[test]
fn json_typed_base64_png_is_binary() {
    let body = json!({
        "specversion": "1.0", "id": "1", "source": "/s", "type": "t",
        "datacontenttype": "application/json",
        "data_base64": "iVBORw0KGgo=",
    });
    let event = decode_structured(&body).expect("non-JSON bytes must not be parsed");
    assert_eq!(event.data(), Some(&Data::Binary(PNG_MAGIC.to_vec())));
    assert_eq!(event.datacontenttype(), Some("application/json"));
}

#[test]
fn data_base64_holding_json_text_stays_bytes() {
    let body = json!({
        "specversion": "1.0", "id": "1", "source": "/s", "type": "t",
        "datacontenttype": "application/json",
        "data_base64": "eyJrIjoxfQ==",
    });
    let event = decode_structured(&body).expect("decode");
    assert_eq!(event.data(), Some(&Data::Binary(br#"{"k":1}"#.to_vec())));
}

#[test]
fn data_base64_without_padding_is_accepted() {
    let body = json!({
        "specversion": "1.0", "id": "1", "source": "/s", "type": "t",
        "data_base64": "eyJrIjoxfQ",
    });
    let event = decode_structured(&body).expect("decode");
    assert_eq!(event.data(), Some(&Data::Binary(br#"{"k":1}"#.to_vec())));
}

#[test]
fn data_and_data_base64_together_rejected() {
    let body = json!({
        "specversion": "1.0", "id": "1", "source": "/s", "type": "t",
        "data": {"k": 1}, "data_base64": "eyJrIjoxfQ==",
    });
    let error = decode_structured(&body).expect_err("both data members");
    assert!(matches!(error, DecodeError::DataAndDataBase64), "{error:?}");
    let message = error.to_string();
    assert!(message.contains("data_base64"), "{message}");
    assert!(message.contains("data and"), "{message}");
}

#[test]
fn invalid_data_base64_names_member() {
    let body = json!({
        "specversion": "1.0", "id": "1", "source": "/s", "type": "t",
        "data_base64": "@@@",
    });
    let error = decode_structured(&body).expect_err("invalid base64");
    assert!(
        matches!(error, DecodeError::InvalidDataBase64 { .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("data_base64"));
}

#[test]
fn data_base64_of_wrong_type_names_member() {
    let body = json!({
        "specversion": "1.0", "id": "1", "source": "/s", "type": "t",
        "data_base64": 12,
    });
    let error = decode_structured(&body).expect_err("number as data_base64");
    assert!(
        matches!(&error, DecodeError::InvalidAttributeType { name, .. } if name == "data_base64"),
        "{error:?}"
    );
}

#[test]
fn data_interpretation_follows_content_type() {
    let cases = [
        (None, json!("text"), Data::Json(json!("text"))),
        (
            Some("application/json"),
            json!({"a": 1}),
            Data::Json(json!({"a": 1})),
        ),
        (
            Some("application/ld+json"),
            json!([1]),
            Data::Json(json!([1])),
        ),
        (Some("text/json"), json!("s"), Data::Json(json!("s"))),
        (
            Some("text/plain"),
            json!("hello"),
            Data::String("hello".to_owned()),
        ),
        (
            Some("application/xml"),
            json!("<a/>"),
            Data::String("<a/>".to_owned()),
        ),
        (Some("text/plain"), json!(5), Data::Json(json!(5))),
    ];
    for (content_type, data, expected) in cases {
        let mut body = json!({
            "specversion": "1.0", "id": "1", "source": "/s", "type": "t", "data": data,
        });
        if let Some(content_type) = content_type {
            body["datacontenttype"] = json!(content_type);
        }
        let event = decode_structured(&body).expect("decode");
        assert_eq!(
            event.data(),
            Some(&expected),
            "datacontenttype {content_type:?}"
        );
    }
}

#[test]
fn unknown_specversion_rejected() {
    for version in ["0.3", "2.0", ""] {
        let body = json!({"specversion": version, "id": "1", "source": "/s", "type": "t"});
        let error = decode_structured(&body).expect_err("unsupported version");
        assert!(
            matches!(&error, DecodeError::UnsupportedSpecVersion { version: v } if v == version),
            "{error:?}"
        );
    }
}

#[test]
fn missing_required_attribute_named() {
    for name in ["specversion", "id", "source", "type"] {
        let mut body = json!({"specversion": "1.0", "id": "1", "source": "/s", "type": "t"});
        body.as_object_mut().expect("object").remove(name);
        let error = decode_structured(&body).expect_err("missing attribute");
        assert!(
            matches!(&error, DecodeError::MissingAttribute { name: n } if *n == name),
            "{name}: {error:?}"
        );
        assert!(error.to_string().contains(name));
    }
}

#[test]
fn wrong_attribute_type_named() {
    for (name, value) in [
        ("specversion", json!(1.0)),
        ("id", json!(17)),
        ("source", json!({"uri": "/s"})),
        ("type", json!(true)),
        ("subject", json!(["a"])),
        ("time", json!(0)),
    ] {
        let mut body = json!({"specversion": "1.0", "id": "1", "source": "/s", "type": "t"});
        body[name] = value;
        let error = decode_structured(&body).expect_err("wrong type");
        assert!(
            matches!(&error, DecodeError::InvalidAttributeType { name: n, expected: "string", .. } if n == name),
            "{name}: {error:?}"
        );
    }
}

#[test]
fn invalid_attribute_values_rejected() {
    for (name, value) in [
        ("id", ""),
        ("type", ""),
        ("source", ""),
        ("subject", ""),
        ("time", "yesterday"),
        ("dataschema", "not a url"),
    ] {
        let mut body = json!({"specversion": "1.0", "id": "1", "source": "/s", "type": "t"});
        body[name] = json!(value);
        let error = decode_structured(&body).expect_err("invalid value");
        assert!(
            matches!(&error, DecodeError::InvalidAttribute { name: n, .. } if n == name),
            "{name}: {error:?}"
        );
    }
}

#[test]
fn invalid_extension_values_rejected() {
    for value in [json!(1.5), json!({"a": 1}), json!([1])] {
        let body = json!({
            "specversion": "1.0", "id": "1", "source": "/s", "type": "t", "ext": value,
        });
        let error = decode_structured(&body).expect_err("invalid extension value");
        assert!(
            matches!(&error, DecodeError::InvalidAttribute { name, .. } | DecodeError::InvalidAttributeType { name, .. } if name == "ext"),
            "{error:?}"
        );
    }
}

#[test]
fn invalid_extension_names_rejected_when_decoding() {
    for name in ["Traceparent", "example-extension", "ext_1", "exté"] {
        let mut body = json!({"specversion": "1.0", "id": "1", "source": "/s", "type": "t"});
        body[name] = json!("v");
        let error = decode_structured(&body).expect_err("invalid name");
        assert!(
            matches!(error, DecodeError::InvalidExtensionName(_)),
            "{name}: {error:?}"
        );
    }
    let binary = headers(&[
        ("ce-specversion", "1.0"),
        ("ce-id", "1"),
        ("ce-source", "/s"),
        ("ce-type", "t"),
        ("ce-example-extension", "v"),
    ]);
    let error = from_http(&binary, b"").expect_err("hyphenated name");
    assert!(
        matches!(error, DecodeError::InvalidExtensionName(_)),
        "{error:?}"
    );
}

#[test]
fn structured_body_must_be_json_object() {
    let error = from_http(&structured_headers(), b"{not json").expect_err("bad JSON");
    assert!(matches!(error, DecodeError::InvalidJson(_)), "{error:?}");
    let error = from_http(&structured_headers(), b"[1]").expect_err("array body");
    assert!(
        matches!(error, DecodeError::UnexpectedJson { found: "array", .. }),
        "{error:?}"
    );
}

#[test]
fn content_type_match_ignores_case_and_parameters() {
    let body = json!({"specversion": "1.0", "id": "1", "source": "/s", "type": "t"});
    let map = headers(&[(
        "content-type",
        "Application/CloudEvents+JSON; charset=UTF-8",
    )]);
    let event = from_http(&map, body.to_string().as_bytes()).expect("structured");
    assert_eq!(event.id(), "1");
}

#[test]
fn batch_content_type_needs_batch_decoder() {
    let map = headers(&[("content-type", "application/cloudevents-batch+json")]);
    let body = br#"[{"specversion":"1.0","id":"1","source":"/s","type":"t"},
        {"specversion":"1.0","id":"2","source":"/s","type":"t","data":{"k":1}}]"#;
    let error = from_http(&map, body).expect_err("batch through from_http");
    assert!(matches!(error, DecodeError::UnexpectedBatch), "{error:?}");
    assert!(error.to_string().contains("from_http_batch"));

    let events = from_http_batch(&map, body).expect("batch");
    assert_eq!(events.len(), 2);
    assert_eq!(events[1].id(), "2");
    assert_eq!(events[1].data(), Some(&Data::Json(json!({"k": 1}))));
}

#[test]
fn batch_errors_name_position() {
    let map = headers(&[("content-type", "application/cloudevents-batch+json")]);
    let body =
        br#"[{"specversion":"1.0","id":"1","source":"/s","type":"t"},{"specversion":"1.0"}]"#;
    let error = from_http_batch(&map, body).expect_err("second event invalid");
    assert!(
        matches!(error, DecodeError::BatchElement { index: 1, .. }),
        "{error:?}"
    );
    let error = from_http_batch(&structured_headers(), body).expect_err("not a batch");
    assert!(matches!(error, DecodeError::NotABatch { .. }), "{error:?}");
}

#[test]
fn batch_round_trip() {
    let events = vec![
        extension_event(),
        build(base().data("image/png", PNG_MAGIC.to_vec())),
    ];
    let (map, body) = to_structured_batch(&events).expect("encode batch");
    assert_eq!(map[CONTENT_TYPE], "application/cloudevents-batch+json");
    assert_eq!(from_http_batch(&map, &body).expect("decode batch"), events);
}

#[test]
fn other_structured_formats_rejected() {
    let map = headers(&[("content-type", "application/cloudevents+xml")]);
    let error = from_http(&map, b"<event/>").expect_err("XML format");
    assert!(
        matches!(error, DecodeError::UnsupportedFormat { .. }),
        "{error:?}"
    );
}

// Binary decoding.

#[test]
fn json_with_ce_headers_is_binary() {
    let map = headers(&[
        ("content-type", "application/json"),
        ("ce-specversion", "1.0"),
        ("ce-id", "evt_9"),
        ("ce-source", "/s"),
        ("ce-type", "t"),
    ]);
    // An envelope-shaped body is still just the data in binary mode.
    let body = br#"{"specversion":"1.0","id":"other","source":"/x","type":"x"}"#;
    let event = from_http(&map, body).expect("binary");
    assert_eq!(event.id(), "evt_9");
    assert_eq!(event.datacontenttype(), Some("application/json"));
    assert_eq!(event.data(), Some(&Data::Binary(body.to_vec())));
}

#[test]
fn json_without_specversion_not_a_cloudevent() {
    let map = headers(&[("content-type", "application/json"), ("ce-id", "1")]);
    let error = from_http(&map, br#"{"k":1}"#).expect_err("plain JSON");
    assert!(
        matches!(&error, DecodeError::NotACloudEvent { content_type: Some(ct) } if ct == "application/json"),
        "{error:?}"
    );
    let error = from_http(&HeaderMap::new(), b"").expect_err("no headers");
    assert!(
        matches!(error, DecodeError::NotACloudEvent { content_type: None }),
        "{error:?}"
    );
}

#[test]
fn binary_header_values_are_percent_decoded() {
    let map = headers(&[
        ("ce-specversion", "1.0"),
        ("ce-id", "1"),
        ("ce-source", "/s"),
        ("ce-type", "t"),
        ("ce-subject", "caf%c3%a9%20%22x%22"),
    ]);
    let event = from_http(&map, b"").expect("decode");
    assert_eq!(event.subject(), Some("café \"x\""));
}

#[test]
fn quoted_header_values_are_unquoted() {
    for (raw, expected) in [
        (r#""hello world""#, "hello world"),
        (r#""say \"hi\"""#, r#"say "hi""#),
        (r#""caf%C3%A9""#, "café"),
        (r#""""#, ""),
        (r#"plain"quote"#, r#"plain"quote"#),
    ] {
        let map = headers(&[
            ("ce-specversion", "1.0"),
            ("ce-id", "1"),
            ("ce-source", "/s"),
            ("ce-type", "t"),
            ("ce-note", raw),
        ]);
        let event = from_http(&map, b"").expect("decode");
        assert_eq!(
            event.extension("note"),
            Some(&ExtensionValue::String(expected.to_owned())),
            "{raw}"
        );
    }
}

#[test]
fn broken_binary_headers_rejected() {
    let required = [
        ("ce-specversion", "1.0"),
        ("ce-id", "1"),
        ("ce-source", "/s"),
        ("ce-type", "t"),
    ];
    for (name, value) in [
        ("ce-subject", "100%"),
        ("ce-subject", "%zz"),
        ("ce-subject", "%C3"),
        ("ce-subject", "%C0%A0"),
        ("ce-subject", "\"unclosed"),
        ("ce-subject", "\"closed\" then text"),
        ("ce-datacontenttype", "application/json"),
    ] {
        let mut pairs = required.to_vec();
        pairs.push((name, value));
        let error = from_http(&headers(&pairs), b"").expect_err("broken header");
        assert!(
            matches!(&error, DecodeError::InvalidHeader { name: n, .. } if n == name),
            "{name}: {value}: {error:?}"
        );
    }

    let mut map = headers(&required);
    map.append("ce-id", HeaderValue::from_static("2"));
    let error = from_http(&map, b"").expect_err("repeated header");
    assert!(
        matches!(&error, DecodeError::InvalidHeader { name, .. } if name == "ce-id"),
        "{error:?}"
    );

    let mut map = headers(&required);
    map.insert(
        "ce-subject",
        HeaderValue::from_bytes("café".as_bytes()).expect("obs-text header value"),
    );
    let error = from_http(&map, b"").expect_err("raw UTF-8 header");
    assert!(
        matches!(error, DecodeError::InvalidHeader { .. }),
        "{error:?}"
    );
}

#[test]
fn binary_missing_required_header_named() {
    let map = headers(&[("ce-specversion", "1.0"), ("ce-id", "1"), ("ce-type", "t")]);
    let error = from_http(&map, b"").expect_err("no source");
    assert!(
        matches!(error, DecodeError::MissingAttribute { name: "source" }),
        "{error:?}"
    );
}

// Encoding.

#[test]
fn structured_content_type_is_cloudevents_json() {
    let event = build(base().data("application/json", json!({"k": 1})));
    let (map, body) = to_structured(&event).expect("encode");
    assert_eq!(map[CONTENT_TYPE], "application/cloudevents+json");
    assert_eq!(map.len(), 1);
    let json: Value = serde_json::from_slice(&body).expect("JSON body");
    assert_eq!(json["specversion"], "1.0");
    assert_eq!(json["datacontenttype"], "application/json");
    assert_eq!(json["data"], json!({"k": 1}));
}

#[test]
fn binary_encoding_of_json_event() {
    let event = build(base().data("application/json", json!({"k": 1})));
    let (map, body) = to_binary(&event).expect("encode");
    assert_eq!(map[CONTENT_TYPE], "application/json");
    assert_eq!(map["ce-specversion"], "1.0");
    assert_eq!(map["ce-id"], "evt_0001");
    assert_eq!(map["ce-source"], "https://billing.example.com/invoices");
    assert_eq!(map["ce-type"], "com.example.invoice.paid");
    assert!(map.get("ce-datacontenttype").is_none());
    assert_eq!(body, br#"{"k":1}"#);
}

#[test]
fn string_json_data_embedded_as_document() {
    let event = build(base().data("application/json", r#"{"k": [1, 2]}"#));
    let (_, body) = to_structured(&event).expect("encode");
    let json: Value = serde_json::from_slice(&body).expect("JSON body");
    assert_eq!(json["data"], json!({"k": [1, 2]}));

    let broken = build(base().data("application/json", "{not json"));
    let error = to_structured(&broken).expect_err("string claims JSON");
    assert!(
        matches!(error, EncodeError::InvalidJsonData { .. }),
        "{error:?}"
    );
}

#[test]
fn encoding_rejects_invalid_events() {
    let event = build(base().extension("Bad", "v"));
    let error = to_structured(&event).expect_err("uppercase extension");
    assert!(
        matches!(error, EncodeError::InvalidExtensionName(_)),
        "{error:?}"
    );
    let error = to_binary(&event).expect_err("uppercase extension");
    assert!(
        matches!(error, EncodeError::InvalidExtensionName(_)),
        "{error:?}"
    );

    let mut event = build(base());
    event.set_id("");
    let error = to_binary(&event).expect_err("empty id");
    assert!(
        matches!(error, EncodeError::EmptyAttribute { name: "id" }),
        "{error:?}"
    );

    let event = build(base().data("text/plain; charset=\u{e9}", "x"));
    let error = to_binary(&event).expect_err("non-ASCII content type");
    assert!(
        matches!(error, EncodeError::InvalidHeaderValue { .. }),
        "{error:?}"
    );

    let v03 = hookforge::cloudevents::sdk::EventBuilderV03::new()
        .id("1")
        .source("/s")
        .ty("t")
        .build()
        .expect("v0.3 event");
    let error = to_structured(&v03).expect_err("v0.3");
    assert!(
        matches!(&error, EncodeError::UnsupportedSpecVersion { version } if version == "0.3"),
        "{error:?}"
    );
}

// Extension names.

#[test]
fn extension_name_rules() {
    let advice = check_extension_name("traceparent").expect("valid name");
    assert!(advice.is_clean());

    for (name, expected) in [
        (
            "example-extension",
            ExtensionNameError::InvalidCharacter {
                name: "example-extension".to_owned(),
                character: '-',
            },
        ),
        (
            "ext_1",
            ExtensionNameError::InvalidCharacter {
                name: "ext_1".to_owned(),
                character: '_',
            },
        ),
        (
            "Traceparent",
            ExtensionNameError::InvalidCharacter {
                name: "Traceparent".to_owned(),
                character: 'T',
            },
        ),
        (
            "exté",
            ExtensionNameError::InvalidCharacter {
                name: "exté".to_owned(),
                character: 'é',
            },
        ),
        ("data", ExtensionNameError::Reserved("data".to_owned())),
        ("id", ExtensionNameError::Reserved("id".to_owned())),
        ("", ExtensionNameError::Empty),
    ] {
        assert_eq!(check_extension_name(name), Err(expected), "{name:?}");
    }

    let advice = check_extension_name("1abc").expect("leading digit accepted");
    assert!(advice.starts_with_digit);
    assert!(!advice.too_long);

    let long = "abcdefghijklmnopqrstuvwxyz";
    assert_eq!(long.len(), 26);
    let advice = check_extension_name(long).expect("long name accepted");
    assert!(advice.too_long);
    assert!(!advice.starts_with_digit);

    let exactly_twenty = "a".repeat(20);
    assert!(check_extension_name(&exactly_twenty)
        .expect("20 chars")
        .is_clean());
}

#[test]
fn advised_names_round_trip() {
    let event = build(
        base()
            .extension("1abc", "digit first")
            .extension("abcdefghijklmnopqrstuvwxyz", 7_i64),
    );
    assert_round_trips(&event);
}
