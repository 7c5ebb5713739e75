//! Finding the JSON Schemas of a document: message payloads and headers in
//! a JSON Schema format, component schemas, and every subschema inside
//! them.

use std::collections::HashSet;

use super::walk::{
    child, entries, field, field_items, follow, identity, items, root, trait_of, Identity,
};
use super::Context;
use crate::document::{is_json_schema_format, Document, Target};

/// Keywords whose value is one subschema.
const SINGLE: &[&str] = &[
    "additionalProperties",
    "additionalItems",
    "unevaluatedProperties",
    "unevaluatedItems",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "items",
];

/// Keywords whose value is a list of subschemas.
const LISTS: &[&str] = &["allOf", "anyOf", "oneOf", "prefixItems", "items"];

/// Keywords whose value maps names to subschemas.
const MAPS: &[&str] = &[
    "properties",
    "patternProperties",
    "definitions",
    "$defs",
    "dependentSchemas",
    "dependencies",
];

/// Returns the payload schema of `message` when it is JSON Schema, or
/// `None` when the message has no payload or declares another format.
pub(super) fn payload_schema<'d>(
    context: &Context<'d>,
    message: &Target<'d>,
) -> Option<Target<'d>> {
    let document = context.document;
    if context.version.is_v2() {
        // 2.x names the format on the message, or on a trait it applies.
        let format = schema_format_v2(document, message);
        if format.is_some_and(|format| !is_json_schema_format(format)) {
            return None;
        }
        return field(document, message, "payload");
    }
    multi_format_schema(document, &field(document, message, "payload")?)
}

/// Returns the headers schema of `message` when it is JSON Schema.
pub(super) fn headers_schema<'d>(
    context: &Context<'d>,
    message: &Target<'d>,
) -> Option<Target<'d>> {
    let headers = field(context.document, message, "headers")?;
    if context.version.is_v2() {
        return Some(headers);
    }
    multi_format_schema(context.document, &headers)
}

/// Returns the JSON Schema of a 3.x schema that may be a Multi Format
/// Schema Object (`{schemaFormat, schema}`), or `None` for other formats.
fn multi_format_schema<'d>(document: &'d Document, schema: &Target<'d>) -> Option<Target<'d>> {
    let format = schema.node.get("schemaFormat").and_then(|f| f.as_str());
    match format {
        Some(format) if schema.node.get("schema").is_some() => {
            if is_json_schema_format(format) {
                field(document, schema, "schema")
            } else {
                None
            }
        }
        _ => Some(schema.clone()),
    }
}

fn schema_format_v2<'d>(document: &'d Document, message: &Target<'d>) -> Option<&'d str> {
    if let Some(format) = message.node.get("schemaFormat").and_then(|f| f.as_str()) {
        return Some(format);
    }
    field_items(document, message, "traits")
        .iter()
        .rev()
        .filter_map(|item| follow(document, &trait_of(item)))
        .find_map(|applied| applied.node.get("schemaFormat").and_then(|f| f.as_str()))
}

/// Calls `visit` once for every JSON Schema object of the document: the
/// component schemas, message payloads and headers, and their subschemas,
/// each `$ref` followed and each schema visited once.
pub(super) fn for_each_schema<'d>(context: &Context<'d>, mut visit: impl FnMut(&Target<'d>)) {
    let document = context.document;
    let mut starts = Vec::new();
    let root = root(document);
    if let Some(components) = field(document, &root, "components") {
        if let Some(schemas) = field(document, &components, "schemas") {
            starts.extend(entries(&schemas).into_iter().map(|s| s.value));
        }
    }
    for message in &context.inventory.messages {
        starts.extend(payload_schema(context, message));
        starts.extend(headers_schema(context, message));
    }

    let mut seen: HashSet<Identity> = HashSet::new();
    while let Some(next) = starts.pop() {
        let Some(schema) = follow(document, &next) else {
            continue;
        };
        if schema.node.as_mapping().is_none() || !seen.insert(identity(&schema)) {
            continue;
        }
        visit(&schema);
        starts.extend(subschemas(&schema));
    }
}

/// Returns the direct subschemas of `schema`, as written.
fn subschemas<'d>(schema: &Target<'d>) -> Vec<Target<'d>> {
    let mut found = Vec::new();
    for key in SINGLE {
        found.extend(child(schema, key).filter(|s| s.node.as_mapping().is_some()));
    }
    for key in LISTS {
        if let Some(list) = child(schema, key) {
            found.extend(items(&list));
        }
    }
    for key in MAPS {
        if let Some(map) = child(schema, key) {
            found.extend(
                entries(&map)
                    .into_iter()
                    .map(|e| e.value)
                    .filter(|s| s.node.as_mapping().is_some()),
            );
        }
    }
    found
}
