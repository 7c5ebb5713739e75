//! The 400 body that generated routers answer when no candidate message of
//! an operation decodes.
#![cfg(feature = "api")]

use std::time::SystemTime;

use axum::body::{to_bytes, Bytes};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use hookforge::api::{decode_validated, DecodeError};
use hookforge::server::VerifiedWebhook;
use hookforge::validation::PayloadSchema;
use serde_json::Value;

static ORDER_CREATED: PayloadSchema = PayloadSchema::new(
    r#"{
        "type": "object",
        "required": ["orderId", "total"],
        "properties": {
            "orderId": {"type": "string"},
            "total": {"type": "integer", "minimum": 0}
        }
    }"#,
);

static ORDER_CANCELLED: PayloadSchema = PayloadSchema::new(
    r#"{
        "type": "object",
        "required": ["orderId", "reason"],
        "properties": {
            "orderId": {"type": "string"},
            "reason": {"type": "string"}
        }
    }"#,
);

fn webhook(body: &str) -> VerifiedWebhook {
    VerifiedWebhook {
        id: "msg_1".to_owned(),
        timestamp: SystemTime::now(),
        headers: HeaderMap::new(),
        body: Bytes::from(body.to_owned()),
        trace: None,
    }
}

/// Decodes `body` as either order message, the way a generated decoder
/// for an operation with two messages does, and returns the 400 body.
async fn no_match_body(body: &str) -> Value {
    let webhook = webhook(body);
    let mut errors = Vec::new();
    if let Err(error) = decode_validated::<Value>(&webhook, &ORDER_CREATED) {
        errors.push(("orderCreated", error));
    }
    if let Err(error) = decode_validated::<Value>(&webhook, &ORDER_CANCELLED) {
        errors.push(("orderCancelled", error));
    }
    assert_eq!(errors.len(), 2, "both candidates fail");
    let response = DecodeError::no_match(errors).into_response();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let bytes = to_bytes(response.into_body(), 1 << 20).await.expect("body");
    serde_json::from_slice(&bytes).expect("a JSON body")
}

fn keywords(errors: &Value) -> Vec<String> {
    errors
        .as_array()
        .expect("an errors array")
        .iter()
        .map(|issue| {
            format!(
                "{} {}",
                issue["keyword"].as_str().unwrap_or_default(),
                issue["message"].as_str().unwrap_or_default()
            )
        })
        .collect()
}

#[tokio::test]
async fn violations_grouped_by_message() {
    let body = no_match_body(r#"{"total": -1}"#).await;
    let messages = body["messages"].as_array().expect("a messages array");
    assert_eq!(messages.len(), 2, "{body}");

    assert_eq!(messages[0]["message"], "orderCreated");
    assert_eq!(
        messages[0]["error"],
        "the payload does not match its schema"
    );
    let created = keywords(&messages[0]["errors"]);
    assert_eq!(created.len(), 2, "{created:?}");
    assert!(
        created.iter().any(|k| k.starts_with("minimum ")),
        "{created:?}"
    );
    assert!(created.iter().any(|k| k.contains("orderId")), "{created:?}");

    assert_eq!(messages[1]["message"], "orderCancelled");
    let cancelled = keywords(&messages[1]["errors"]);
    assert_eq!(cancelled.len(), 2, "{cancelled:?}");
    assert!(
        cancelled.iter().any(|k| k.contains("reason")),
        "{cancelled:?}"
    );
    assert!(
        !cancelled.iter().any(|k| k.starts_with("minimum ")),
        "{cancelled:?}"
    );
}

#[tokio::test]
async fn merged_errors_have_no_repeats() {
    let body = no_match_body(r#"{"total": -1}"#).await;
    let merged = keywords(&body["errors"]);
    let mut unique = merged.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(merged.len(), unique.len(), "repeated violation: {merged:?}");
    // Missing orderId (both), missing reason, and the minimum.
    assert_eq!(merged.len(), 3, "{merged:?}");
}

#[tokio::test]
async fn compatible_fields_kept() {
    let body = no_match_body(r#"{"total": -1}"#).await;
    assert_eq!(
        body["error"],
        "the webhook matches none of the messages its route accepts"
    );
    let details = body["details"].as_array().expect("a details array");
    assert_eq!(details.len(), 2, "{body}");
    assert!(
        details[0]
            .as_str()
            .unwrap_or_default()
            .starts_with("orderCreated: "),
        "{body}"
    );
}

#[tokio::test]
async fn undecodable_candidate_has_empty_errors() {
    let body = no_match_body("{not json").await;
    let messages = body["messages"].as_array().expect("a messages array");
    assert_eq!(messages.len(), 2, "{body}");
    for message in messages {
        let error = message["error"].as_str().unwrap_or_default();
        assert!(error.starts_with("invalid payload:"), "{body}");
        assert_eq!(
            message["errors"].as_array().map(Vec::len),
            Some(0),
            "{body}"
        );
    }
}

#[tokio::test]
async fn single_message_body_has_no_messages() {
    let error = decode_validated::<Value>(&webhook(r#"{"total": -1}"#), &ORDER_CREATED)
        .expect_err("invalid payload");
    let response = error.into_response();
    let bytes = to_bytes(response.into_body(), 1 << 20).await.expect("body");
    let body: Value = serde_json::from_slice(&bytes).expect("a JSON body");
    assert!(body.get("messages").is_none(), "{body}");
    assert_eq!(body["errors"].as_array().map(Vec::len), Some(2), "{body}");
}

#[test]
fn display_names_the_violations() {
    let webhook = webhook(r#"{"orderId": 7, "total": -1}"#);
    let error = decode_validated::<Value>(&webhook, &ORDER_CREATED).expect_err("invalid payload");
    let text = error.to_string();
    assert!(text.starts_with(&error.message), "{text}");
    assert!(text.contains("/orderId"), "{text}");
    assert!(text.contains("/total"), "{text}");
    assert!(text.contains("keyword minimum"), "{text}");
}

#[test]
fn display_counts_violations_beyond_five() {
    static MANY: PayloadSchema = PayloadSchema::new(
        r#"{"type": "object", "properties": {
            "a": {"type": "string"}, "b": {"type": "string"}, "c": {"type": "string"},
            "d": {"type": "string"}, "e": {"type": "string"}, "f": {"type": "string"},
            "g": {"type": "string"}
        }}"#,
    );
    let webhook = webhook(r#"{"a": 1, "b": 1, "c": 1, "d": 1, "e": 1, "f": 1, "g": 1}"#);
    let error = decode_validated::<Value>(&webhook, &MANY).expect_err("invalid payload");
    assert_eq!(error.errors.len(), 7);
    assert!(error.to_string().ends_with("; and 2 more"), "{error}");
}
