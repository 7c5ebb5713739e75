//! Payload validation against JSON Schemas: each keyword family reports
//! the failing value's pointer and keyword, and broken schemas are typed
//! errors.
#![cfg(feature = "validation")]

use hookforge::validation::{
    PayloadError, PayloadSchema, SchemaError, ValidationErrors, MAX_REPORTED_ERRORS,
};
use serde_json::{json, Value};

static ORDER: PayloadSchema = PayloadSchema::new(
    r#"{
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "required": ["id", "sku", "quantity", "status", "placed_at", "email"],
        "properties": {
            "id": {"type": "string", "format": "uuid"},
            "sku": {"type": "string", "pattern": "^SKU-[0-9]{4}$"},
            "note": {"type": "string", "minLength": 2, "maxLength": 5},
            "quantity": {"type": "integer", "minimum": 1, "exclusiveMaximum": 100},
            "status": {"enum": ["placed", "shipped"]},
            "placed_at": {"type": "string", "format": "date-time"},
            "email": {"type": "string", "format": "email"},
            "lines": {
                "type": "array",
                "maxItems": 3,
                "items": {
                    "type": "object",
                    "required": ["price"],
                    "properties": {
                        "price": {"type": "number", "minimum": 0},
                        "tags": {"type": "array", "items": {"type": "string", "maxLength": 3}}
                    }
                }
            }
        }
    }"#,
);

fn valid_order() -> Value {
    json!({
        "id": "67e55044-10b1-426f-9247-bb680e5fe0c8",
        "sku": "SKU-0042",
        "note": "gift",
        "quantity": 3,
        "status": "placed",
        "placed_at": "2026-12-04T21:30:00Z",
        "email": "buyer@example.com",
        "lines": [{"price": 9.5, "tags": ["a", "bc"]}]
    })
}

/// Returns the errors of an order with `field` set to `value`.
fn errors_with(field: &str, value: Value) -> ValidationErrors {
    let mut order = valid_order();
    order[field] = value;
    match ORDER.validate(&order) {
        Err(PayloadError::Invalid(errors)) => errors,
        other => panic!("order with {field} changed was accepted: {other:?}"),
    }
}

/// Asserts that the only error is `keyword` failing at `instance_path`.
fn assert_single(errors: &ValidationErrors, instance_path: &str, keyword: &str) {
    assert_eq!(errors.errors.len(), 1, "errors: {errors}");
    assert_eq!(errors.errors[0].instance_path, instance_path);
    assert_eq!(errors.errors[0].keyword, keyword);
    assert!(!errors.truncated);
}

#[test]
fn valid_order_passes() {
    assert_eq!(ORDER.validate(&valid_order()), Ok(()));
}

#[test]
fn pattern_mismatch_is_reported() {
    let errors = errors_with("sku", json!("SKU-42"));
    assert_single(&errors, "/sku", "pattern");
    assert_eq!(errors.errors[0].schema_path, "/properties/sku/pattern");
}

#[test]
fn lengths_are_checked() {
    assert_single(&errors_with("note", json!("x")), "/note", "minLength");
    assert_single(
        &errors_with("note", json!("too long")),
        "/note",
        "maxLength",
    );
}

#[test]
fn ranges_are_checked() {
    assert_single(&errors_with("quantity", json!(0)), "/quantity", "minimum");
    assert_single(
        &errors_with("quantity", json!(100)),
        "/quantity",
        "exclusiveMaximum",
    );
    assert_single(&errors_with("quantity", json!(1.5)), "/quantity", "type");
}

#[test]
fn enum_is_checked() {
    assert_single(&errors_with("status", json!("lost")), "/status", "enum");
}

#[test]
fn missing_required_field_is_reported() {
    let mut order = valid_order();
    order
        .as_object_mut()
        .expect("order is an object")
        .remove("email");
    let Err(PayloadError::Invalid(errors)) = ORDER.validate(&order) else {
        panic!("an order without email was accepted");
    };
    assert_single(&errors, "", "required");
    assert!(errors.errors[0].message.contains("email"), "{errors}");
}

#[test]
fn formats_are_asserted() {
    assert_single(&errors_with("id", json!("not-a-uuid")), "/id", "format");
    assert_single(
        &errors_with("placed_at", json!("2026-13-04 25:00")),
        "/placed_at",
        "format",
    );
    assert_single(
        &errors_with("email", json!("no-at-sign")),
        "/email",
        "format",
    );
    assert_single(
        &errors_with("id", json!("67e55044-10b1-426f-9247-bb680e5fe0cz")),
        "/id",
        "format",
    );
}

#[test]
fn duration_format_is_asserted() {
    static WAIT: PayloadSchema = PayloadSchema::new(r#"{"type": "string", "format": "duration"}"#);
    for valid in ["P1D", "PT5M", "P1Y2M3DT4H5M6S", "P2W", "P0D"] {
        assert_eq!(WAIT.validate(&json!(valid)), Ok(()), "{valid}");
    }
    for invalid in [
        "P", "PT", "1D", "P1DT", "P1M1Y", "P1W2D", "PT1.5S", "P-1D", "PXD",
    ] {
        assert!(
            WAIT.validate(&json!(invalid)).is_err(),
            "{invalid} was accepted"
        );
    }
}

#[test]
fn nested_array_errors_point_into_items() {
    let errors = errors_with(
        "lines",
        json!([{"price": 1}, {"price": -1}, {"price": 2, "tags": ["ok", "long"]}]),
    );
    let places: Vec<(&str, &str)> = errors
        .errors
        .iter()
        .map(|e| (e.instance_path.as_str(), e.keyword.as_str()))
        .collect();
    assert_eq!(
        places,
        [
            ("/lines/1/price", "minimum"),
            ("/lines/2/tags/1", "maxLength")
        ]
    );
    assert_single(
        &errors_with(
            "lines",
            json!([{"price": 1}, {"price": 1}, {"price": 1}, {"price": 1}]),
        ),
        "/lines",
        "maxItems",
    );
    assert_single(&errors_with("lines", json!([{}])), "/lines/0", "required");
}

/// The output of `hookforge_codegen::bundle::schema_json` for a tree whose
/// nodes reference each other through `definitions`, with the root
/// referenced as `#`.
static TREE: PayloadSchema = PayloadSchema::new(
    r##"{
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "required": ["name"],
        "properties": {
            "name": {"type": "string", "minLength": 1},
            "children": {"type": "array", "items": {"$ref": "#"}},
            "first": {"$ref": "#/definitions/Leaf"},
            "last": {"$ref": "#/definitions/Leaf"}
        },
        "definitions": {
            "Leaf": {
                "type": "object",
                "properties": {
                    "value": {"type": "integer", "maximum": 9},
                    "next": {"$ref": "#/definitions/Leaf"}
                }
            }
        }
    }"##,
);

#[test]
fn recursive_bundled_schema_validates_depth() {
    let valid = json!({
        "name": "root",
        "children": [{"name": "a", "children": [{"name": "b"}]}],
        "first": {"value": 1, "next": {"value": 2, "next": {}}}
    });
    assert_eq!(TREE.validate(&valid), Ok(()));

    let invalid = json!({
        "name": "root",
        "children": [{"name": "a", "children": [{"name": ""}]}],
        "last": {"next": {"next": {"value": 10}}}
    });
    let Err(PayloadError::Invalid(errors)) = TREE.validate(&invalid) else {
        panic!("the deep errors were not found");
    };
    let places: Vec<&str> = errors
        .errors
        .iter()
        .map(|e| e.instance_path.as_str())
        .collect();
    assert_eq!(
        places,
        ["/children/0/children/0/name", "/last/next/next/value"]
    );
}

#[test]
fn many_errors_are_truncated() {
    static LIST: PayloadSchema =
        PayloadSchema::new(r#"{"type": "array", "items": {"type": "string"}}"#);
    let instance = Value::Array((0..50).map(|n| json!(n)).collect());
    let Err(PayloadError::Invalid(errors)) = LIST.validate(&instance) else {
        panic!("numbers were accepted as strings");
    };
    assert_eq!(errors.errors.len(), MAX_REPORTED_ERRORS);
    assert!(errors.truncated);
    assert!(errors
        .to_string()
        .ends_with("and more errors after the first 20"));
}

#[test]
fn long_messages_are_shortened() {
    static SHORT: PayloadSchema = PayloadSchema::new(r#"{"type": "string", "maxLength": 3}"#);
    let Err(PayloadError::Invalid(errors)) = SHORT.validate(&json!("x".repeat(10_000))) else {
        panic!("a long string was accepted");
    };
    assert!(errors.errors[0].message.chars().count() <= 203);
    assert!(errors.errors[0].message.ends_with("..."));
}

#[test]
fn errors_serialize_to_documented_shape() {
    let errors = errors_with("quantity", json!(-5));
    let body = serde_json::to_value(&errors).expect("errors serialize");
    assert_eq!(
        body,
        json!({
            "errors": [{
                "instance_path": "/quantity",
                "keyword": "minimum",
                "schema_path": "/properties/quantity/minimum",
                "message": "-5 is less than the minimum of 1"
            }],
            "truncated": false
        })
    );
}

#[test]
fn display_names_place_and_keyword() {
    let errors = errors_with("status", json!("lost"));
    let text = errors.to_string();
    assert!(
        text.starts_with("the payload does not match its schema: /status: "),
        "{text}"
    );
    assert!(text.ends_with("(keyword enum)"), "{text}");
}

#[test]
fn schema_that_is_not_json_is_typed_error() {
    static BROKEN: PayloadSchema = PayloadSchema::new("{not json");
    assert!(matches!(BROKEN.compile(), Err(SchemaError::Json(_))));
    assert!(matches!(
        BROKEN.validate(&json!(1)),
        Err(PayloadError::Schema(SchemaError::Json(_)))
    ));
}

#[test]
fn invalid_schema_is_typed_error() {
    static BROKEN: PayloadSchema = PayloadSchema::new(r#"{"type": "whole number"}"#);
    assert!(matches!(
        BROKEN.validate(&json!(1)),
        Err(PayloadError::Schema(SchemaError::Invalid(_)))
    ));
}

#[test]
fn remote_reference_is_not_fetched() {
    // The URL is never requested: no HTTP resolver is compiled in, so
    // compiling fails at once.
    static REMOTE: PayloadSchema =
        PayloadSchema::new(r#"{"$ref": "http://127.0.0.1:9/schema.json"}"#);
    assert!(matches!(REMOTE.compile(), Err(SchemaError::Invalid(_))));
}

#[test]
fn compiled_schema_is_shared_across_threads() {
    static SHARED: PayloadSchema = PayloadSchema::new(r#"{"type": "integer", "minimum": 0}"#);
    let results: Vec<bool> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8_i64)
            .map(|n| scope.spawn(move || SHARED.validate(&json!(n - 4)).is_ok()))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("validation does not panic"))
            .collect()
    });
    assert_eq!(
        results,
        [false, false, false, false, true, true, true, true]
    );
    assert!(format!("{SHARED:?}").contains("\"compiled\""));
}
