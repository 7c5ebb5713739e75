//! One valid value for a simple JSON Schema, for messages of the corpus
//! that have no examples.
//!
//! The schema is a self-contained draft-07 schema (as
//! `hookforge_codegen::bundle::schema_json` makes it). The value is built
//! from `const`, `enum`, `examples`, `default`, then the `type` and its
//! bounds. A string with a `pattern`, a schema with a `discriminator` and
//! anything nested too deeply count as not simple. The caller must still validate the value: `allOf`,
//! `oneOf` and `not` are only approximated.

use serde_json::{Map, Value};

/// How deep the value may nest before the schema counts as not simple.
const MAX_DEPTH: usize = 8;

/// Builds strings that differ from one call to the next, so that two
/// messages never share an id-like header value.
#[derive(Debug, Default)]
pub struct Synthesizer {
    counter: u32,
}

impl Synthesizer {
    /// Returns a value for `schema`, or `None` when the schema is not
    /// simple enough to build one.
    pub fn value(&mut self, schema: &Value) -> Option<Value> {
        self.build(schema, schema, 0)
    }

    fn build(&mut self, schema: &Value, root: &Value, depth: usize) -> Option<Value> {
        if depth > MAX_DEPTH {
            return None;
        }
        let object = match schema {
            Value::Bool(true) => return Some(Value::Object(Map::new())),
            Value::Object(object) => object,
            _ => return None,
        };
        // The value of a discriminator property must name a schema that
        // extends this one, which JSON Schema validation does not check.
        if object.contains_key("discriminator") {
            return None;
        }
        if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
            let target = resolve(root, reference)?;
            return self.build(target, root, depth + 1);
        }
        if let Some(value) = object.get("const") {
            return Some(value.clone());
        }
        if let Some(first) = object
            .get("enum")
            .and_then(Value::as_array)
            .and_then(|v| v.first())
        {
            return Some(first.clone());
        }
        if let Some(first) = object
            .get("examples")
            .and_then(Value::as_array)
            .and_then(|v| v.first())
        {
            return Some(first.clone());
        }
        if let Some(value) = object.get("default") {
            return Some(value.clone());
        }
        if let Some(parts) = object.get("allOf").and_then(Value::as_array) {
            let merged = merge_all_of(object, parts, root)?;
            return self.build(&merged, root, depth + 1);
        }
        for keyword in ["oneOf", "anyOf"] {
            if let Some(first) = object
                .get(keyword)
                .and_then(Value::as_array)
                .and_then(|v| v.first())
            {
                return self.build(first, root, depth + 1);
            }
        }
        match primary_type(object) {
            Some("object") => self.object(object, root, depth),
            Some("array") => {
                let items = object.get("items");
                let item = match items {
                    Some(items) => self.build(items, root, depth + 1)?,
                    None => return Some(Value::Array(Vec::new())),
                };
                Some(Value::Array(vec![item]))
            }
            Some("string") => self.string(object),
            Some("integer") => Some(Value::from(integer(object)?)),
            Some("number") => {
                let value = integer(object)? as f64 + 0.5;
                let fits = object
                    .get("maximum")
                    .and_then(Value::as_f64)
                    .is_none_or(|m| value <= m);
                Some(if fits {
                    Value::from(value)
                } else {
                    Value::from(integer(object)?)
                })
            }
            Some("boolean") => Some(Value::Bool(true)),
            Some("null") => Some(Value::Null),
            _ => Some(Value::Object(Map::new())),
        }
    }

    fn object(&mut self, object: &Map<String, Value>, root: &Value, depth: usize) -> Option<Value> {
        let required: Vec<&str> = object
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut out = Map::new();
        if let Some(properties) = object.get("properties").and_then(Value::as_object) {
            for (name, property) in properties {
                match self.build(property, root, depth + 1) {
                    Some(value) => {
                        out.insert(name.clone(), value);
                    }
                    None if required.contains(&name.as_str()) => return None,
                    None => {}
                }
            }
        }
        if required.iter().any(|name| !out.contains_key(*name)) {
            return None;
        }
        Some(Value::Object(out))
    }

    fn string(&mut self, object: &Map<String, Value>) -> Option<Value> {
        let format = object.get("format").and_then(Value::as_str);
        let fixed = match format {
            Some("date-time") => Some("2024-05-06T07:08:09Z"),
            Some("date") => Some("2024-05-06"),
            Some("time") => Some("07:08:09Z"),
            Some("uri" | "url" | "uri-reference" | "iri") => Some("https://example.com/e2e"),
            Some("email" | "idn-email") => Some("e2e@example.com"),
            Some("hostname" | "idn-hostname") => Some("example.com"),
            Some("ipv4") => Some("192.0.2.1"),
            Some("ipv6") => Some("2001:db8::1"),
            Some("byte") => Some("ZTJl"),
            Some("duration") => Some("PT1M"),
            _ => None,
        };
        if let Some(text) = fixed {
            return Some(Value::from(text));
        }
        if format == Some("uuid") {
            self.counter += 1;
            return Some(Value::from(format!(
                "0190c8e2-6c4e-7f3a-9b1d-{:012x}",
                self.counter
            )));
        }
        if object.contains_key("pattern") {
            return None;
        }
        self.counter += 1;
        let mut text = format!("e2e-{}", self.counter);
        let min = object.get("minLength").and_then(Value::as_u64).unwrap_or(0);
        while (text.chars().count() as u64) < min {
            text.push('x');
        }
        if let Some(max) = object.get("maxLength").and_then(Value::as_u64) {
            text = text.chars().take(usize::try_from(max).ok()?).collect();
        }
        Some(Value::from(text))
    }
}

/// Returns the first non-null type, or `object` when there are properties.
fn primary_type(object: &Map<String, Value>) -> Option<&str> {
    match object.get("type") {
        Some(Value::String(ty)) => Some(ty.as_str()),
        Some(Value::Array(types)) => types
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .or(Some("null")),
        _ if object.contains_key("properties") => Some("object"),
        _ => None,
    }
}

/// Returns an integer inside `minimum`/`maximum` (and their exclusive forms), a
/// multiple of `multipleOf` when that is an integer.
fn integer(object: &Map<String, Value>) -> Option<i64> {
    let bound = |key: &str| object.get(key).and_then(Value::as_f64);
    let mut low = bound("minimum").map_or(1.0, |m| m.ceil());
    if let Some(exclusive) = bound("exclusiveMinimum") {
        low = low.max(exclusive.floor() + 1.0);
    }
    let mut high = bound("maximum").map_or(f64::MAX, f64::floor);
    if let Some(exclusive) = bound("exclusiveMaximum") {
        high = high.min(exclusive.ceil() - 1.0);
    }
    if bound("minimum").is_none() && high < low {
        low = high;
    }
    let step = object
        .get("multipleOf")
        .and_then(Value::as_i64)
        .filter(|s| *s > 0);
    let mut value = low as i64;
    if let Some(step) = step {
        value = value.div_euclid(step) * step;
        if (value as f64) < low {
            value += step;
        }
    }
    ((value as f64) <= high).then_some(value)
}

/// Resolves a local `$ref` (`#` or `#/definitions/...`) in `root`.
fn resolve<'a>(root: &'a Value, reference: &str) -> Option<&'a Value> {
    let pointer = reference.strip_prefix('#')?;
    root.pointer(pointer)
}

/// Merges the object parts of an `allOf` into one schema: the union of
/// `properties` and `required`, and the first `type`.
fn merge_all_of(object: &Map<String, Value>, parts: &[Value], root: &Value) -> Option<Value> {
    let mut merged = object.clone();
    merged.remove("allOf");
    let mut properties = merged
        .remove("properties")
        .and_then(|p| p.as_object().cloned())
        .unwrap_or_default();
    let mut required: Vec<Value> = merged
        .remove("required")
        .and_then(|r| r.as_array().cloned())
        .unwrap_or_default();
    for part in parts {
        let mut part = part;
        for _ in 0..MAX_DEPTH {
            match part.get("$ref").and_then(Value::as_str) {
                Some(reference) => part = resolve(root, reference)?,
                None => break,
            }
        }
        let part = part.as_object()?;
        if part.contains_key("allOf") || part.contains_key("oneOf") || part.contains_key("anyOf") {
            return None;
        }
        if let Some(more) = part.get("properties").and_then(Value::as_object) {
            for (name, schema) in more {
                properties
                    .entry(name.clone())
                    .or_insert_with(|| schema.clone());
            }
        }
        if let Some(more) = part.get("required").and_then(Value::as_array) {
            required.extend(more.iter().cloned());
        }
        if let Some(ty) = part.get("type") {
            merged.entry("type").or_insert_with(|| ty.clone());
        }
    }
    merged.insert("properties".to_owned(), Value::Object(properties));
    merged.insert("required".to_owned(), Value::Array(required));
    Some(Value::Object(merged))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn builds_objects_with_bounds_and_formats() {
        let schema = json!({
            "type": "object",
            "required": ["id", "count"],
            "properties": {
                "id": {"type": "string", "format": "uuid"},
                "count": {"type": "integer", "minimum": 3, "multipleOf": 2},
                "kind": {"enum": ["a", "b"]},
                "tags": {"type": "array", "items": {"$ref": "#/definitions/Tag"}}
            },
            "definitions": {"Tag": {"type": "string", "minLength": 8}}
        });
        let value = Synthesizer::default()
            .value(&schema)
            .expect("a simple schema");
        assert_eq!(value["count"], 4);
        assert_eq!(value["kind"], "a");
        assert_eq!(value["id"].as_str().map(str::len), Some(36));
        assert!(
            value["tags"][0].as_str().is_some_and(|t| t.len() >= 8),
            "{value}"
        );
    }

    #[test]
    fn patterns_are_not_simple() {
        let schema = json!({"type": "object", "required": ["code"], "properties": {"code": {"type": "string", "pattern": "^[A-Z]{3}$"}}});
        assert_eq!(Synthesizer::default().value(&schema), None);
    }
}
