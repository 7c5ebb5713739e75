//! Serde helpers that generated types name in their attributes.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// Deserializes a required field that may be `null`. Used with
/// `deserialize_with`, which also stops serde from treating a missing
/// `Option` field as `None`, so absence is an error.
pub fn required_nullable<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer)
}

/// (De)serializes an optional field that may also be `null`, keeping the
/// two apart: an absent field is `None`, `null` is `Some(None)`, and a value
/// is `Some(Some(value))`. Pair it with `default` and
/// `skip_serializing_if = "Option::is_none"`.
pub mod double_option {
    use super::*;

    /// Serializes `Some(None)` as `null` and `Some(Some(v))` as `v`.
    pub fn serialize<S, T>(value: &Option<Option<T>>, serializer: S) -> Result<S::Ok, S::Error>
    where
        S: Serializer,
        T: Serialize,
    {
        match value {
            Some(inner) => inner.serialize(serializer),
            None => serializer.serialize_none(),
        }
    }

    /// Reads a present field: `null` becomes `Some(None)`.
    pub fn deserialize<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
    where
        D: Deserializer<'de>,
        T: Deserialize<'de>,
    {
        Option::<T>::deserialize(deserializer).map(Some)
    }
}

/// A JSON value that is not one of the values a type allows.
#[derive(Debug, Clone, PartialEq)]
pub struct UnexpectedValue {
    value: Value,
    expected: &'static str,
}

impl UnexpectedValue {
    /// Creates the error for `value`, where `expected` lists what is
    /// allowed.
    pub fn new(value: Value, expected: &'static str) -> UnexpectedValue {
        UnexpectedValue { value, expected }
    }
}

impl fmt::Display for UnexpectedValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid value {}, expected {}",
            self.value, self.expected
        )
    }
}

impl std::error::Error for UnexpectedValue {}

/// Checks whether `value` equals the JSON written as `text`. Two integers compare
/// exactly; a float compares by value with any number, so `1.0` equals `1`.
pub fn json_eq(value: &Value, text: &str) -> bool {
    let expected = json_value(text);
    match (value, &expected) {
        (Value::Number(a), Value::Number(b)) if a.is_f64() || b.is_f64() => {
            a.as_f64() == b.as_f64()
        }
        _ => *value == expected,
    }
}

/// Deserializes an optional field that must not be `null` when present.
/// Used with `default`, so an absent field is `None`, while serde's plain
/// `Option` would also turn `null` into `None` and accept it.
pub fn present_not_null<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

/// Parses JSON text that the generator wrote; invalid text gives `null`.
pub fn json_value(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, Serialize, PartialEq)]
    #[serde(crate = "serde")]
    struct Record {
        #[serde(deserialize_with = "required_nullable")]
        required: Option<u8>,
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            with = "double_option"
        )]
        optional: Option<Option<u8>>,
    }

    #[test]
    fn absent_null_and_value_stay_apart() {
        let absent: Record = serde_json::from_str(r#"{"required": null}"#).expect("valid");
        assert_eq!(absent.optional, None);
        let null: Record =
            serde_json::from_str(r#"{"required": 1, "optional": null}"#).expect("valid");
        assert_eq!(null.optional, Some(None));
        let value: Record =
            serde_json::from_str(r#"{"required": 1, "optional": 2}"#).expect("valid");
        assert_eq!(value.optional, Some(Some(2)));
        assert_eq!(
            serde_json::to_string(&null).expect("serializes"),
            r#"{"required":1,"optional":null}"#
        );
        assert_eq!(
            serde_json::to_string(&absent).expect("serializes"),
            r#"{"required":null}"#
        );
    }

    #[test]
    fn required_nullable_rejects_absence() {
        assert!(serde_json::from_str::<Record>("{}").is_err());
    }

    #[test]
    fn numbers_compare_by_value() {
        assert!(json_eq(&serde_json::json!(1.0), "1"));
        assert!(!json_eq(&serde_json::json!("1"), "1"));
    }

    #[test]
    fn large_integers_compare_exactly() {
        assert!(json_eq(
            &serde_json::json!(9007199254740993u64),
            "9007199254740993"
        ));
        assert!(!json_eq(
            &serde_json::json!(9007199254740992u64),
            "9007199254740993"
        ));
    }

    #[derive(Debug, Deserialize)]
    #[serde(crate = "serde")]
    struct Optional {
        #[serde(default, deserialize_with = "present_not_null")]
        value: Option<u8>,
    }

    #[test]
    fn present_not_null_rejects_null_only() {
        assert_eq!(
            serde_json::from_str::<Optional>("{}")
                .expect("absent is fine")
                .value,
            None
        );
        assert_eq!(
            serde_json::from_str::<Optional>(r#"{"value": 3}"#)
                .expect("valid")
                .value,
            Some(3)
        );
        assert!(serde_json::from_str::<Optional>(r#"{"value": null}"#).is_err());
    }
}
