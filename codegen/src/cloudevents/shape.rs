//! Recognising CloudEvents-shaped messages from their schemas.
//!
//! A message is CloudEvents-shaped in binary mode when its headers schema
//! has a property for each required context attribute (`id`, `source`,
//! `specversion`, `type`) with the HTTP prefix `ce-` or the Kafka prefix
//! `ce_`, in any case. It is shaped in structured mode when its payload
//! schema has the four attributes as properties. Properties are collected
//! from the schema and its `allOf` parts, `$ref`s followed.

use crate::document::{Document, Target};
use crate::tree::Node;

/// The context attributes every CloudEvent has (CloudEvents 1.0, "Required
/// Attributes").
const REQUIRED: [&str; 4] = ["id", "source", "specversion", "type"];

/// Maximum depth of the `allOf` and `$ref` chains followed, so that a
/// schema that contains itself ends.
const MAX_DEPTH: usize = 16;

/// The place of a message's CloudEvent attributes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Attributes in headers, the payload is the event data.
    Binary,
    /// The payload is the whole event, attributes and `data` in one JSON
    /// object.
    Structured,
}

/// A CloudEvents-shaped message, as its schemas describe it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shape {
    /// The place of the attributes.
    pub mode: Mode,
    /// The `type`, when its schema fixes it with `const` or a one-value
    /// `enum`.
    pub ty: Option<String>,
    /// The `source`, when its schema fixes it.
    pub source: Option<String>,
    /// The `subject`, when its schema fixes it.
    pub subject: Option<String>,
}

/// Recognises the shape of a message from its headers and payload schemas,
/// binary mode first. Returns `None` when neither has the four required
/// attributes.
pub fn detect(
    document: &Document,
    headers: Option<&Target<'_>>,
    payload: Option<&Target<'_>>,
) -> Option<Shape> {
    if let Some(headers) = headers {
        let properties = properties(document, headers);
        let attribute = |name: &str| {
            properties.iter().find(|(key, _)| {
                let key = key.to_ascii_lowercase();
                key.strip_prefix("ce-")
                    .or_else(|| key.strip_prefix("ce_"))
                    .is_some_and(|rest| rest == name)
            })
        };
        if REQUIRED.iter().all(|name| attribute(name).is_some()) {
            let fixed = |name: &str| attribute(name).and_then(|(_, t)| fixed_string(document, t));
            return Some(Shape {
                mode: Mode::Binary,
                ty: fixed("type"),
                source: fixed("source"),
                subject: fixed("subject"),
            });
        }
    }
    let payload = payload?;
    let properties = properties(document, payload);
    let attribute = |name: &str| properties.iter().find(|(key, _)| key == name);
    if !REQUIRED.iter().all(|name| attribute(name).is_some()) {
        return None;
    }
    let fixed = |name: &str| attribute(name).and_then(|(_, t)| fixed_string(document, t));
    Some(Shape {
        mode: Mode::Structured,
        ty: fixed("type"),
        source: fixed("source"),
        subject: fixed("subject"),
    })
}

/// Returns the properties of `schema` and of its `allOf` parts, as
/// `(name, schema)` pairs in source order. A name may appear more than
/// once, one entry per part that defines it.
fn properties<'d>(document: &'d Document, schema: &Target<'d>) -> Vec<(String, Target<'d>)> {
    let mut out = Vec::new();
    collect(document, schema, 0, &mut out);
    out
}

fn collect<'d>(
    document: &'d Document,
    schema: &Target<'d>,
    depth: usize,
    out: &mut Vec<(String, Target<'d>)>,
) {
    if depth > MAX_DEPTH {
        return;
    }
    let Some(schema) = follow(document, schema) else {
        return;
    };
    if let Some(properties) = schema.node.get("properties").and_then(Node::as_mapping) {
        let base = schema.pointer.join("properties");
        for (name, node) in properties.iter() {
            let target = Target {
                file: schema.file,
                pointer: base.join(name),
                node,
            };
            out.push((name.to_owned(), target));
        }
    }
    if let Some(parts) = schema.node.get("allOf").and_then(Node::as_sequence) {
        let base = schema.pointer.join("allOf");
        for (index, node) in parts.iter().enumerate() {
            let part = Target {
                file: schema.file,
                pointer: base.join(index.to_string()),
                node,
            };
            collect(document, &part, depth + 1, out);
        }
    }
}

/// Returns the string a property schema allows as its only value: a
/// `const`, or an `enum` with one item.
fn fixed_string(document: &Document, schema: &Target<'_>) -> Option<String> {
    let schema = follow(document, schema)?;
    if let Some(value) = schema.node.get("const") {
        return value.as_str().map(str::to_owned);
    }
    match schema.node.get("enum")?.as_sequence()? {
        [only] => only.as_str().map(str::to_owned),
        _ => None,
    }
}

fn follow<'d>(document: &'d Document, target: &Target<'d>) -> Option<Target<'d>> {
    document
        .follow(target.file, &target.pointer, target.node)
        .ok()
}
