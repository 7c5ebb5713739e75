//! Golden tests for type generation: each fixture under
//! `fixtures/generate` has its generated code committed under `golden/`.
//! The files are compiled here, so they must build without warnings, and
//! the round-trip tests below use the types they define.
//!
//! Run with `HOOKFORGE_BLESS=1` to rewrite the golden files after an
//! intended change, then review the diff.

#![deny(warnings)]

use std::fs;
use std::path::Path;

use hookforge_codegen::options::GenerateOptions;
use serde_json::{json, Value};

// Golden files stay exactly as the generator wrote them.
#[rustfmt::skip]
#[allow(missing_docs, dead_code)]
#[path = "../golden/names.rs"]
mod names;

#[rustfmt::skip]
#[allow(missing_docs, dead_code)]
#[path = "../golden/shapes.rs"]
mod shapes;

#[rustfmt::skip]
#[allow(missing_docs, dead_code)]
#[path = "../golden/traits_v2.rs"]
mod traits_v2;

#[rustfmt::skip]
#[allow(missing_docs, dead_code)]
#[path = "../golden/traits_v3.rs"]
mod traits_v3;

#[rustfmt::skip]
#[allow(missing_docs, dead_code)]
#[path = "../golden/customized.rs"]
mod customized;

/// The application's own types that `customized.yaml` replaces schemas
/// with. They implement what the extra derives of that fixture need.
mod money {
    use hookforge::serde::{Deserialize, Serialize};

    #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Serialize, Deserialize)]
    #[serde(crate = "hookforge::serde")]
    pub struct Money {
        pub amount: String,
        pub currency: String,
    }

    #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Serialize, Deserialize)]
    #[serde(crate = "hookforge::serde")]
    pub struct Address(pub String);
}

// `cloudevents` is compiled and exercised in `generate_cloudevents.rs`.
const FIXTURES: &[&str] = &[
    "names",
    "shapes",
    "traits_v2",
    "traits_v3",
    "customized",
    "cloudevents",
];

/// The options each fixture is generated with: `customized` exercises
/// extra derives (one that every type already has, one some types have)
/// and replacements by component name and by JSON pointer.
fn options_for(name: &str) -> GenerateOptions {
    if name != "customized" {
        return GenerateOptions::default();
    }
    GenerateOptions {
        extra_derives: vec!["PartialOrd".into(), "::std::cmp::Eq".into(), "Hash".into()],
        type_replacements: vec![
            ("Money".into(), "crate::money::Money".into()),
            (
                "#/components/schemas/Address".into(),
                "crate::money::Address".into(),
            ),
        ],
        ..GenerateOptions::default()
    }
}

#[test]
fn golden_files_are_current() {
    let bless = std::env::var_os("HOOKFORGE_BLESS").is_some();
    let mut stale = Vec::new();
    for name in FIXTURES {
        let fixture = format!("fixtures/generate/{name}.yaml");
        let generated = hookforge_codegen::generate(Path::new(&fixture), &options_for(name));
        let errors: Vec<_> = generated
            .validation
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .collect();
        assert!(errors.is_empty(), "{fixture}: {errors:#?}");
        let code = generated.code.expect("code for a valid fixture");
        let golden = format!("golden/{name}.rs");
        if bless {
            fs::write(&golden, &code).expect("golden file is writable");
        } else if fs::read_to_string(&golden).ok().as_deref() != Some(code.as_str()) {
            stale.push(golden);
        }
    }
    assert!(
        stale.is_empty(),
        "stale golden files (rerun with HOOKFORGE_BLESS=1 and review): {stale:?}"
    );
}

#[test]
fn generation_is_deterministic() {
    for name in FIXTURES {
        let fixture = format!("fixtures/generate/{name}.yaml");
        let first = hookforge_codegen::generate(Path::new(&fixture), &options_for(name)).code;
        let second = hookforge_codegen::generate(Path::new(&fixture), &options_for(name)).code;
        assert_eq!(first, second, "{fixture}");
    }
}

/// Deserializes `value` into `T` and serializes it back, expecting equal
/// JSON (serde_json compares objects without regard to key order).
fn round_trip<T>(value: Value) -> T
where
    T: hookforge::serde::de::DeserializeOwned + hookforge::serde::Serialize,
{
    let typed: T = serde_json::from_value(value.clone())
        .unwrap_or_else(|e| panic!("{value} does not deserialize: {e}"));
    let back = serde_json::to_value(&typed).expect("serializes");
    assert_eq!(back, value);
    typed
}

fn rejects<T: hookforge::serde::de::DeserializeOwned>(value: Value) {
    assert!(
        serde_json::from_value::<T>(value.clone()).is_err(),
        "{value} should be rejected"
    );
}

#[test]
fn colliding_enum_values_keep_wire_names() {
    for value in ["count", "__count__", "Count", "COUNT", "count_"] {
        let sample: names::Sample = round_trip(json!({"mode": value, "operator": "="}));
        assert_eq!(
            serde_json::to_value(sample.mode).expect("serializes"),
            json!(value)
        );
    }
    assert_eq!(
        serde_json::from_value::<names::SampleMode>(json!("count")).expect("valid"),
        names::SampleMode::Count
    );
}

#[test]
fn symbol_enum_values_are_distinct() {
    let symbols = ["=", "!=", "≠", "<", "<=", "≤", ">", ">="];
    let variants: Vec<names::SampleOperator> = symbols
        .iter()
        .map(|s| serde_json::from_value(json!(s)).expect("valid symbol"))
        .collect();
    for (i, a) in variants.iter().enumerate() {
        for b in &variants[i + 1..] {
            assert_ne!(a, b);
        }
    }
    assert_eq!(variants[1], names::SampleOperator::NotEq);
    assert_eq!(variants[2], names::SampleOperator::U2260);
}

#[test]
fn additional_properties_map_is_separate_from_fields() {
    let sample: names::Sample = round_trip(json!({
        "mode": "count", "operator": "<",
        "additionalProperties": "x", "additional_properties": "y", "extra": "z", "k": 1
    }));
    assert_eq!(sample.additional_properties_2.as_deref(), Some("x"));
    assert_eq!(sample.additional_properties_3.as_deref(), Some("y"));
    assert_eq!(sample.extra.as_deref(), Some("z"));
    assert_eq!(sample.additional_properties.len(), 1);
    assert_eq!(sample.additional_properties.get("k"), Some(&1));
    rejects::<names::Sample>(json!({"mode": "count", "operator": "<", "k": "one"}));
}

#[test]
fn keyword_and_keyword_like_fields_keep_wire_names() {
    let wire = json!({
        "type": "t", "ref": "r", "async": true, "gen": false, "move": true,
        "self": true, "Self": false, "super": true, "crate": false, "_": true,
        "$ref": "#/not/a/reference", "message": null, "payload": "p", "schemaFormat": "f"
    });
    let value: names::Ref = round_trip(wire);
    assert_eq!(value.r#type.as_deref(), Some("t"));
    assert_eq!(value.self_, Some(true));
    assert_eq!(value.self_2, Some(false));
    assert_eq!(value.ref_2.as_deref(), Some("#/not/a/reference"));
    assert_eq!(value.message, None);
    rejects::<names::Ref>(json!({}));
}

#[test]
fn names_from_digits_and_dots_stay_apart() {
    let _: names::V2faChallenge = round_trip(json!({"code": "123"}));
    let _: names::V10Event = round_trip(json!({"dotted": "a"}));
    let _: names::V10Event2 = round_trip(json!({"dashed": "b"}));
}

#[test]
fn optional_and_nullable_stay_distinct() {
    let absent: shapes::Presence = round_trip(json!({"reqPlain": "a", "reqNull": null}));
    assert_eq!(absent.req_null, None);
    assert_eq!(absent.opt_null, None);
    let null: shapes::Presence =
        round_trip(json!({"reqPlain": "a", "reqNull": "b", "optNull": null, "optNullOneOf": null}));
    assert_eq!(null.opt_null, Some(None));
    assert_eq!(null.opt_null_one_of, Some(None));
    let _: shapes::Presence =
        round_trip(json!({"reqPlain": "a", "reqNull": "b", "optNull": "c", "optNullOneOf": "d"}));
    rejects::<shapes::Presence>(json!({"reqPlain": "a"}));
    rejects::<shapes::Presence>(json!({"reqPlain": null, "reqNull": null}));
    rejects::<shapes::Presence>(json!({"reqPlain": "a", "reqNull": null, "optPlain": null}));
}

#[test]
fn integers_use_a_type_that_holds_their_range() {
    let limits: shapes::Limits = round_trip(json!({
        "unsigned64": 18446744073709551615u64,
        "atTwoPow63": 9223372036854775808u64,
        "byteRange": 255,
        "signed32": -2147483648,
        "limit": 18446744073709551615u64,
        "exact": 9007199254740993u64
    }));
    assert_eq!(limits.at_two_pow63, Some(9_223_372_036_854_775_808));
    assert_eq!(limits.byte_range, Some(255u8));
    rejects::<shapes::Limits>(json!({"unsigned64": -1}));
    rejects::<shapes::Limits>(json!({"byteRange": 256}));
    rejects::<shapes::Limits>(json!({"exact": 9007199254740992u64}));
}

#[test]
fn formats_keep_their_wire_text() {
    let calendar: shapes::Calendar = round_trip(json!({
        "birthDate": "2024-09-15",
        "createdAt": "2024-09-15T08:30:00.250+02:00",
        "opensAt": "08:30:00",
        "fuzzy": "sometime",
        "id": "123e4567-e89b-12d3-a456-426614174000",
        "homepage": "https://example.com/a",
        "contact": "a@example.com",
        "blob": "aGVsbG8="
    }));
    assert_eq!(
        calendar.birth_date.as_ref().map(|d| d.as_str()),
        Some("2024-09-15")
    );
    rejects::<shapes::Calendar>(json!({"birthDate": "2024-09-15T00:00:00Z"}));
    rejects::<shapes::Calendar>(json!({"createdAt": "2024-09-15"}));
}

#[test]
fn float_types_round_trip() {
    let _: shapes::Reading =
        round_trip(json!({"sample": {"value": 1.5, "label": "x"}, "tags": [1.0, 2.5]}));
}

#[test]
fn injected_text_stays_data() {
    let golden = fs::read_to_string("golden/shapes.rs").expect("golden file");
    for line in golden.lines().filter(|l| l.contains("pwned")) {
        let trimmed = line.trim_start();
        let in_doc = trimmed.starts_with("///");
        let in_literal = line
            .find('"')
            .is_some_and(|quote| quote < line.find("pwned").unwrap_or(0));
        assert!(in_doc || in_literal, "input text escaped into code: {line}");
    }
    let label: shapes::InjectedLabel =
        serde_json::from_value(json!("\"); fn pwned() {} (\"")).expect("valid value");
    assert_eq!(label, shapes::InjectedLabel::FnPwned);
    let _: shapes::Injected = round_trip(
        json!({"count": "0 } fn pwned() { std::process::exit(1) } const _X: u8 = { 0", "label": "line\nbreak"}),
    );
    rejects::<shapes::Injected>(json!({"count": 0}));
}

#[test]
fn recursive_types_round_trip() {
    let tree: shapes::TreeNode =
        round_trip(json!({"name": "a", "children": [{"name": "b", "children": []}]}));
    assert_eq!(tree.children.map(|c| c.len()), Some(1));
    let _: shapes::TreeNode = round_trip(json!({"name": "child", "parent": {"name": "root"}}));
    let _: shapes::Folder =
        round_trip(json!({"name": "f", "readme": {"name": "r", "folder": {"name": "g"}}}));
    let person: shapes::Person =
        round_trip(json!({"id": "1", "name": "Ann", "guardian": {"name": "Bob"}}));
    assert_eq!(person.guardian.map(|g| g.name), Some("Bob".to_owned()));
}

#[test]
fn const_tags_select_the_right_variant() {
    let event: shapes::DeviceEvent =
        round_trip(json!({"event": "disconnected", "reason": "timeout", "at": "t"}));
    assert!(matches!(event, shapes::DeviceEvent::Disconnected(_)));
    let event: shapes::DeviceEvent = round_trip(json!({"event": "connected", "at": "t"}));
    assert!(matches!(event, shapes::DeviceEvent::Connected(_)));
    rejects::<shapes::DeviceEvent>(json!({"event": "rebooted", "at": "t"}));
}

#[test]
fn all_of_headers_merge_every_part() {
    let headers: shapes::SongReleasedHeaders =
        round_trip(json!({"traceId": "t", "tenant": "x", "retryCount": 2}));
    assert_eq!(headers.trace_id, "t");
    assert_eq!(headers.tenant, "x");
    rejects::<shapes::SongReleasedHeaders>(json!({"traceId": "t"}));
}

#[test]
fn inline_payloads_are_named_from_their_message() {
    let payload: shapes::SongReleasedPayload =
        round_trip(json!({"title": "t", "artist": {"name": "n"}}));
    let artist: Option<shapes::SongReleasedPayloadArtist> = payload.artist;
    assert!(artist.is_some());
    let _: shapes::HeartbeatHeaders = round_trip(json!({"nodeId": "n1"}));
}

#[test]
fn discriminator_selects_the_variant() {
    let square: shapes::Shape = round_trip(json!({"shape_type": "{square}", "size": 2.0}));
    assert!(matches!(square, shapes::Shape::Square(_)));
    let circle: shapes::Shape = round_trip(json!({"shape_type": "Circle", "size": 2.0}));
    assert!(matches!(circle, shapes::Shape::Circle(_)));
    let error = serde_json::from_value::<shapes::Shape>(json!({"shape_type": "hexagon"}))
        .expect_err("unknown tag");
    assert!(error.to_string().contains("hexagon"), "{error}");
    rejects::<shapes::Shape>(json!({"size": 1.0}));
}

#[test]
fn traits_win_in_2x_and_lose_in_3x() {
    // 2.x merges each trait over the message, so the trait's `required`
    // list and its `region: integer` replace the message's own.
    let v2: traits_v2::InvoicePaidHeaders = round_trip(json!({"requestId": "r1", "region": 7}));
    assert_eq!(v2.region, Some(7));
    rejects::<traits_v2::InvoicePaidHeaders>(json!({"region": 7}));
    // 3.0 merges the message over its traits, so the message's own
    // `required` list and `region: string` stay.
    let v3: traits_v3::InvoicePaidHeaders =
        round_trip(json!({"region": "eu", "schemaRevision": "3"}));
    assert_eq!(v3.region, "eu");
    assert_eq!(v3.request_id, None);
    rejects::<traits_v3::InvoicePaidHeaders>(json!({"requestId": "r1"}));
}

#[test]
fn defaults_apply_through_accessors() {
    let limits: shapes::Limits = round_trip(json!({}));
    assert_eq!(limits.limit, None);
    assert_eq!(limits.limit_or_default(), 18_446_744_073_709_551_615u64);
    let headers: traits_v2::InvoicePaidHeaders = round_trip(json!({"requestId": "r"}));
    assert_eq!(headers.schema_revision_or_default(), "2");
}

#[test]
fn self_containing_schemas_terminate() {
    let forest: shapes::Forest = round_trip(json!([[], [[]]]));
    assert_eq!(forest.0.len(), 2);
    let looping: shapes::Looping = round_trip(json!("abc"));
    assert!(matches!(looping, shapes::Looping::String(_)));
    let _: shapes::Looping = round_trip(json!(7));
}

#[test]
fn discriminator_base_decodes_its_children() {
    let cat: shapes::Pet =
        round_trip(json!({"name": "Tom", "petType": "Cat", "huntingSkill": "lazy"}));
    assert!(matches!(cat, shapes::Pet::Cat(_)));
    let dog: shapes::Pet = round_trip(json!({"name": "Rex", "petType": "Dog", "packSize": 3}));
    let shapes::Pet::Dog(dog) = dog else {
        panic!("a Dog decodes as Pet::Dog");
    };
    assert_eq!(dog.pack_size, Some(3));
    let error = serde_json::from_value::<shapes::Pet>(json!({"name": "Nemo", "petType": "Fish"}))
        .expect_err("Fish is no child of Pet");
    assert!(error.to_string().contains("Fish"), "{error}");
}

#[test]
fn const_tags_inside_all_of_select_the_variant() {
    let failed: shapes::WebhookEvent =
        round_trip(json!({"id": "e1", "type": "payment.failed", "amount": 5}));
    assert!(matches!(failed, shapes::WebhookEvent::PaymentFailed(_)));
    let unknown = serde_json::from_value::<shapes::WebhookEvent>(
        json!({"id": "e2", "type": "payment.disputed", "amount": 5}),
    )
    .expect_err("unknown event type");
    assert!(
        unknown.to_string().contains("payment.disputed"),
        "{unknown}"
    );
    let missing = serde_json::from_value::<shapes::WebhookEvent>(
        json!({"id": "e3", "type": "payment.succeeded"}),
    )
    .expect_err("amount is required");
    let message = missing.to_string();
    assert!(message.contains("PaymentSucceeded"), "{message}");
    assert!(message.contains("amount"), "{message}");
}

#[test]
fn string_enums_print_their_wire_value() {
    assert_eq!(names::SampleMode::Count2.as_str(), "__count__");
    assert_eq!(names::SampleOperator::NotEq.to_string(), "!=");
}

/// Compiles only if `T` has every trait that `customized` requests.
fn has_extra_derives<T: PartialOrd + Eq + std::hash::Hash>() {}

#[test]
fn extra_derives_reach_every_kind_of_type() {
    has_extra_derives::<customized::Order>();
    has_extra_derives::<customized::OrderStatus>();
    has_extra_derives::<customized::OrderPriority>();
    has_extra_derives::<customized::OrderKind>();
    has_extra_derives::<customized::Shipment>();
    has_extra_derives::<customized::Parcel>();
    let low = customized::Parcel {
        method: customized::ParcelMethod,
        weight_grams: 1,
    };
    let high = customized::Parcel {
        weight_grams: 2,
        ..low.clone()
    };
    assert!(low < high);
}

#[test]
fn replaced_schemas_use_the_application_types() {
    let order: customized::Order = round_trip(json!({
        "id": "o-1",
        "status": "paid",
        "total": {"amount": "9.50", "currency": "EUR"},
        "discounts": [{"amount": "1.00", "currency": "EUR"}],
        "shipping": "1 Main St",
        "billing": "2 Side St"
    }));
    assert_eq!(
        order.total,
        money::Money {
            amount: "9.50".into(),
            currency: "EUR".into()
        }
    );
    // Both spellings of the reference to the replaced `Address` use it.
    assert_eq!(order.shipping, Some(money::Address("1 Main St".into())));
    assert_eq!(order.billing, Some(money::Address("2 Side St".into())));
    // A payload that is the replaced schema is an alias of the replacement.
    let refund: customized::RefundPayload = round_trip(json!({"amount": "1", "currency": "USD"}));
    assert_eq!(refund.currency, "USD");
}

#[test]
fn replaced_schemas_get_no_type() {
    let code = fs::read_to_string("golden/customized.rs").expect("golden file exists");
    assert!(!code.contains("pub struct Money"), "{code}");
    assert!(!code.contains("pub struct Address"), "{code}");
    assert!(!code.contains("pub street"), "{code}");
}

/// Generates `customized.yaml` with `derives` and `replacements` and
/// returns the messages of its error diagnostics, expecting no code.
fn option_errors(derives: &[&str], replacements: &[(&str, &str)]) -> Vec<(String, String)> {
    let options = GenerateOptions {
        extra_derives: derives.iter().map(|d| d.to_string()).collect(),
        type_replacements: replacements
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ..GenerateOptions::default()
    };
    let generated =
        hookforge_codegen::generate(Path::new("fixtures/generate/customized.yaml"), &options);
    assert!(generated.code.is_none(), "bad options still gave code");
    generated
        .validation
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| (d.code.as_str().to_owned(), d.message.clone()))
        .collect()
}

#[test]
fn invalid_derive_error_names_it() {
    let errors = option_errors(&["Hash", "Hash)] #[doc = \"x\""], &[]);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0, "invalid-rust-path");
    assert!(
        errors[0].1.contains(r#""Hash)] #[doc = \"x\"""#),
        "{errors:?}"
    );
    let errors = option_errors(&["serde::Serialize<T>"], &[]);
    assert!(errors[0].1.contains("no generic arguments"), "{errors:?}");
}

#[test]
fn invalid_replacement_error_names_it() {
    let errors = option_errors(&[], &[("Money", "crate::Money; fn evil() {}")]);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0, "invalid-rust-path");
    assert!(
        errors[0].1.contains("crate::Money; fn evil() {}"),
        "{errors:?}"
    );
    assert!(errors[0].1.contains(r#"schema "Money""#), "{errors:?}");
}

#[test]
fn unknown_replaced_schema_suggests_names() {
    let options = GenerateOptions {
        type_replacements: vec![("Mony".into(), "crate::Money".into())],
        ..GenerateOptions::default()
    };
    let generated =
        hookforge_codegen::generate(Path::new("fixtures/generate/customized.yaml"), &options);
    assert!(generated.code.is_none());
    let error = generated
        .validation
        .diagnostics
        .iter()
        .find(|d| d.is_error())
        .expect("an error");
    assert_eq!(error.code.as_str(), "replacement-unknown");
    assert!(error.message.contains(r#""Mony""#), "{error:?}");
    assert!(error.message.contains("did you mean `Money`"), "{error:?}");
    let help = error.help.as_deref().unwrap_or_default();
    assert!(help.contains("Order, Money, Address"), "{help}");

    let errors = option_errors(&[], &[("/components/schemas/Nope", "crate::X")]);
    assert_eq!(errors[0].0, "replacement-unknown");
    assert!(
        errors[0].1.contains("/components/schemas/Nope"),
        "{errors:?}"
    );
    let errors = option_errors(&[], &[("/bad~2escape", "crate::X")]);
    assert!(
        errors[0].1.contains("not a valid JSON pointer"),
        "{errors:?}"
    );
}

#[test]
fn unused_replacement_is_a_warning() {
    let mut options = options_for("customized");
    options
        .type_replacements
        .push(("Coupon".into(), "crate::money::Coupon".into()));
    let generated =
        hookforge_codegen::generate(Path::new("fixtures/generate/customized.yaml"), &options);
    let code = generated.code.expect("a warning keeps the code");
    assert!(!code.contains("Coupon"), "{code}");
    let warnings: Vec<_> = generated
        .validation
        .diagnostics
        .iter()
        .filter(|d| d.code.as_str() == "replacement-unused")
        .collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(!warnings[0].is_error());
    assert!(warnings[0].message.contains(r#""Coupon""#), "{warnings:?}");
}
