//! Schema Objects: the JSON Schema draft-07 meta-schema rules that matter,
//! plus the AsyncAPI additions (`discriminator` as a string,
//! `externalDocs`, `deprecated`).
//!
//! Unknown keywords are allowed, as JSON Schema allows them. Subschemas are
//! checked through the walker, so `$ref`s inside schemas are followed and
//! each schema node is checked once.

use super::rules::{Expect, Kind};
use super::{describe, Label, Location, Walker};
use crate::diagnostic::Code;
use crate::tree::{Entry, Node, Value};

/// The `type` names of JSON Schema draft-07.
const TYPE_NAMES: &[&str] = &[
    "null", "boolean", "object", "array", "number", "string", "integer",
];

const SCHEMA: Expect = Expect::Object(Kind::Schema);
const SCHEMA_MAP: Expect = Expect::MapOf(&SCHEMA);
const SCHEMA_LIST: Expect = Expect::ListOf(&SCHEMA);

/// Checks the schema `node`, which `at` points at.
pub(super) fn check<'d>(
    walker: &mut Walker<'d, '_>,
    node: &'d Node,
    at: &mut Location,
    label: Label<'_>,
) {
    let mapping = match &node.value {
        Value::Bool(_) => return,
        Value::Mapping(mapping) => mapping,
        _ => {
            walker.mismatch(node, at, label, "a schema (an object or a boolean)");
            return;
        }
    };
    for (keyword, entry) in mapping.entries() {
        let mark = at.push(keyword);
        check_keyword(walker, keyword, entry, at);
        at.pop(mark);
    }
}

/// Checks one keyword's value; `at` points at the value.
fn check_keyword<'d>(
    walker: &mut Walker<'d, '_>,
    keyword: &str,
    entry: &'d Entry,
    at: &mut Location,
) {
    let value = &entry.value;
    let label = Label::Field {
        name: keyword,
        owner: "Schema Object",
    };
    match keyword {
        "type" => check_type(walker, value, at),
        "properties" | "definitions" | "$defs" => walker.visit_value(&SCHEMA_MAP, value, at, label),
        "patternProperties" => {
            check_pattern_keys(walker, value, at);
            walker.visit_value(&SCHEMA_MAP, value, at, label);
        }
        "additionalProperties"
        | "additionalItems"
        | "contains"
        | "propertyNames"
        | "not"
        | "if"
        | "then"
        | "else" => walker.visit_value(&SCHEMA, value, at, label),
        "items" => {
            if value.as_sequence().is_some() {
                walker.visit_value(&SCHEMA_LIST, value, at, label);
            } else {
                walker.visit_value(&SCHEMA, value, at, label);
            }
        }
        "allOf" | "anyOf" | "oneOf" => {
            if value.as_sequence().is_some_and(<[Node]>::is_empty) {
                invalid(
                    walker,
                    value,
                    at,
                    format!("`{keyword}` must list at least one schema"),
                    "add a schema or remove the keyword",
                );
            }
            walker.visit_value(&SCHEMA_LIST, value, at, label);
        }
        // NOTE: draft-07 also wants the items of `required` and `type` to be
        // unique; repeats are not reported.
        "required" => walker.visit_value(&Expect::ListOf(&Expect::String), value, at, label),
        "enum" | "examples" if value.as_sequence().is_none() => {
            walker.mismatch(value, at, label, "an array");
        }
        "multipleOf" => {
            let positive = value.as_number().map(|n| n.as_f64() > 0.0);
            match positive {
                Some(true) => {}
                Some(false) => invalid(
                    walker,
                    value,
                    at,
                    format!(
                        "`multipleOf` must be greater than 0, found {}",
                        describe(value)
                    ),
                    "use a positive number",
                ),
                None => walker.mismatch(value, at, label, "a number"),
            }
        }
        "maximum" | "minimum" | "exclusiveMaximum" | "exclusiveMinimum" => {
            walker.visit_value(&Expect::Number, value, at, label);
        }
        "maxLength" | "minLength" | "maxItems" | "minItems" | "maxProperties" | "minProperties" => {
            let count = value
                .as_number()
                .filter(|n| n.is_whole())
                .map(|n| n.as_f64() >= 0.0);
            match count {
                Some(true) => {}
                Some(false) => invalid(
                    walker,
                    value,
                    at,
                    format!(
                        "`{keyword}` must not be negative, found {}",
                        describe(value)
                    ),
                    "use 0 or a positive integer",
                ),
                None => walker.mismatch(value, at, label, "a non-negative integer"),
            }
        }
        "uniqueItems" | "readOnly" | "writeOnly" | "deprecated" => {
            walker.visit_value(&Expect::Boolean, value, at, label);
        }
        "pattern" => check_pattern(walker, value, at, label),
        "format" | "title" | "description" | "$id" | "$schema" | "$comment"
        | "contentMediaType" | "contentEncoding" | "discriminator" => {
            walker.visit_value(&Expect::String, value, at, label)
        }
        "dependencies" => check_dependencies(walker, value, at, label),
        "externalDocs" => walker.visit_value(&Expect::Object(Kind::ExternalDocs), value, at, label),
        _ => {}
    }
}

fn invalid(walker: &mut Walker<'_, '_>, node: &Node, at: &Location, message: String, help: &str) {
    walker.report(
        Code::InvalidSchema,
        at.pointer.clone(),
        node.span,
        message,
        help,
    );
}

fn check_type(walker: &mut Walker<'_, '_>, value: &Node, at: &mut Location) {
    let help = "use one of null, boolean, object, array, number, string, integer";
    match &value.value {
        Value::String(name) => {
            if !TYPE_NAMES.contains(&name.as_str()) {
                invalid(
                    walker,
                    value,
                    at,
                    format!("unknown schema type {name:?}"),
                    help,
                );
            }
        }
        Value::Sequence(items) => {
            if items.is_empty() {
                invalid(walker, value, at, "`type` lists no types".into(), help);
            }
            for (index, item) in items.iter().enumerate() {
                let mark = at.push(&index.to_string());
                match item.as_str() {
                    Some(name) if TYPE_NAMES.contains(&name) => {}
                    Some(name) => invalid(
                        walker,
                        item,
                        at,
                        format!("unknown schema type {name:?}"),
                        help,
                    ),
                    None => walker.mismatch(
                        item,
                        at,
                        Label::Item {
                            index,
                            list: "type",
                        },
                        "a type name string",
                    ),
                }
                at.pop(mark);
            }
        }
        _ => {
            let label = Label::Field {
                name: "type",
                owner: "Schema Object",
            };
            walker.mismatch(value, at, label, "a type name or an array of type names");
        }
    }
}

fn check_pattern(walker: &mut Walker<'_, '_>, value: &Node, at: &Location, label: Label<'_>) {
    let Some(pattern) = value.as_str() else {
        walker.mismatch(value, at, label, "a string");
        return;
    };
    if let Some(error) = walker.pattern_error(pattern) {
        invalid(
            walker,
            value,
            at,
            format!("`pattern` {pattern:?} is not a valid regular expression: {error}"),
            "fix the regular expression (ECMA-262 syntax)",
        );
    }
}

fn check_pattern_keys(walker: &mut Walker<'_, '_>, value: &Node, at: &Location) {
    let Some(mapping) = value.as_mapping() else {
        return;
    };
    for (pattern, entry) in mapping.entries() {
        if let Some(error) = walker.pattern_error(pattern) {
            walker.report(
                Code::InvalidSchema,
                at.child(pattern),
                entry.key_span,
                format!("`patternProperties` key {pattern:?} is not a valid regular expression: {error}"),
                "fix the regular expression (ECMA-262 syntax)",
            );
        }
    }
}

/// `dependencies` maps a property to a schema or to a list of property
/// names.
fn check_dependencies<'d>(
    walker: &mut Walker<'d, '_>,
    value: &'d Node,
    at: &mut Location,
    label: Label<'_>,
) {
    let Some(mapping) = value.as_mapping() else {
        walker.mismatch(value, at, label, "an object");
        return;
    };
    for (key, entry) in mapping.entries() {
        let mark = at.push(key);
        let expect = if entry.value.as_sequence().is_some() {
            Expect::ListOf(&Expect::String)
        } else {
            Expect::Object(Kind::Schema)
        };
        walker.visit_value(
            &expect,
            &entry.value,
            at,
            Label::Entry {
                key,
                map: "dependencies",
            },
        );
        at.pop(mark);
    }
}

/// Returns why `pattern` does not compile, or `None` when it does or when
/// it uses an ECMA-262 feature (look-around, backreferences, Unicode
/// classes this build leaves out) that the `regex` crate does not
/// support: those are valid JSON Schema patterns.
pub(super) fn regex_error(pattern: &str) -> Option<String> {
    let error = regex::RegexBuilder::new(pattern)
        .size_limit(1 << 20)
        .build()
        .err()?;
    let regex::Error::Syntax(text) = &error else {
        // Too big to compile here is not a syntax error.
        return None;
    };
    let unsupported = ["not supported", "not available", "Unicode", "unicode"];
    if unsupported.iter().any(|word| text.contains(word)) {
        return None;
    }
    // The crate's message spans several lines with a caret diagram; the
    // last line states the error.
    let reason = text
        .lines()
        .rev()
        .find(|line| !line.trim().is_empty())
        .unwrap_or(text)
        .trim()
        .trim_start_matches("error: ");
    Some(reason.to_owned())
}
