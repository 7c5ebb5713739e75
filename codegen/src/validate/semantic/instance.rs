//! A JSON Schema validator for instances in the spanned tree, used to check
//! message examples against payload and headers schemas.
//!
//! It reads draft-07, which the AsyncAPI schema dialect extends, and the
//! draft-04 boolean `exclusiveMinimum`/`exclusiveMaximum`. `format` is an
//! annotation, as draft-07 makes it by default, so it is not checked.
//! Schema `$ref`s are followed through the [`Document`], and siblings of a
//! `$ref` are ignored, as draft-07 specifies. The validator only reports
//! what it can show to be wrong, so it skips a `pattern` that the `regex`
//! crate cannot compile (look-around, back-references) and a `$ref` that
//! does not resolve.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use regex::Regex;

use super::walk::follow;
use crate::document::{Document, Target};
use crate::pointer::JsonPointer;
use crate::source::{FileId, Span};
use crate::tree::{Mapping, Node, Value};

/// Maximum nesting of subschemas, `$ref` hops included, before a branch is
/// accepted unchecked. It bounds recursive schemas.
const MAX_DEPTH: usize = 64;

/// Maximum schema evaluations for one instance before the rest is accepted
/// unchecked, so nested `anyOf`/`oneOf` cannot take exponential time.
const MAX_STEPS: usize = 100_000;

/// Maximum length, in characters, of a value quoted in a message.
const MAX_QUOTED: usize = 60;

/// One way an instance fails its schema.
#[derive(Debug)]
pub(super) struct Failure {
    /// Pointer to the failing value, relative to the instance root.
    pub instance_path: JsonPointer,
    /// Span of the failing instance node (its key for property names).
    pub span: Span,
    /// The schema keyword that failed, such as `type` or `required`.
    pub keyword: &'static str,
    /// File of the schema that contains the keyword.
    pub schema_file: FileId,
    /// Pointer to the keyword in that file.
    pub schema_pointer: JsonPointer,
    /// Description of the failure, naming the value.
    pub message: String,
}

/// Validates instances against schemas of one document.
pub(super) struct Validator<'d> {
    document: &'d Document,
    steps: Cell<usize>,
    patterns: RefCell<HashMap<String, Option<Regex>>>,
}

/// The instance node being checked, with its pointer.
struct At<'a> {
    node: &'a Node,
    path: JsonPointer,
}

impl<'d> Validator<'d> {
    /// Creates a validator that resolves `$ref`s in `document`.
    pub(super) fn new(document: &'d Document) -> Validator<'d> {
        Validator {
            document,
            steps: Cell::new(0),
            patterns: RefCell::new(HashMap::new()),
        }
    }

    /// Returns every failure of `instance` against `schema`; empty when it
    /// is valid. Failures inside `anyOf`/`oneOf`/`not` alternatives are
    /// summarized as one failure of that keyword.
    pub(super) fn validate(&self, schema: &Target<'d>, instance: &Node) -> Vec<Failure> {
        self.steps.set(0);
        let mut failures = Vec::new();
        let at = At {
            node: instance,
            path: JsonPointer::root(),
        };
        self.check(schema, &at, 0, &mut failures);
        failures
    }

    fn check(&self, schema: &Target<'d>, at: &At<'_>, depth: usize, out: &mut Vec<Failure>) {
        let steps = self.steps.get() + 1;
        self.steps.set(steps);
        if depth > MAX_DEPTH || steps > MAX_STEPS {
            return;
        }
        let Some(schema) = follow(self.document, schema) else {
            return;
        };
        match &schema.node.value {
            Value::Bool(false) => out.push(failure(
                &schema,
                "false",
                at,
                format!(
                    "{} is not allowed here (the schema is `false`)",
                    quote(at.node)
                ),
            )),
            Value::Mapping(keywords) => {
                self.check_generic(&schema, keywords, at, out);
                match &at.node.value {
                    Value::Number(_) => check_number(&schema, keywords, at, out),
                    Value::String(text) => self.check_string(&schema, keywords, text, at, out),
                    Value::Sequence(items) => self.check_array(&schema, items, at, depth, out),
                    Value::Mapping(object) => self.check_object(&schema, object, at, depth, out),
                    _ => {}
                }
                self.check_combinators(&schema, at, depth, out);
            }
            _ => {}
        }
    }

    fn is_valid(&self, schema: &Target<'d>, at: &At<'_>, depth: usize) -> bool {
        let mut failures = Vec::new();
        self.check(schema, at, depth, &mut failures);
        failures.is_empty()
    }

    /// Returns the failures of `at` against each of `parts`, in order.
    fn evaluate_each(&self, parts: &[Target<'d>], at: &At<'_>, depth: usize) -> Vec<Vec<Failure>> {
        parts
            .iter()
            .map(|part| {
                let mut failures = Vec::new();
                self.check(part, at, depth + 1, &mut failures);
                failures
            })
            .collect()
    }

    /// `type`, `enum` and `const`, which apply to every instance type.
    fn check_generic(
        &self,
        schema: &Target<'d>,
        keywords: &Mapping,
        at: &At<'_>,
        out: &mut Vec<Failure>,
    ) {
        if let Some(expected) = keywords.get("type") {
            if !matches_type(at.node, expected) {
                let expected = match expected.as_str() {
                    Some(name) => format!("{name:?}"),
                    None => expected.to_json().to_string(),
                };
                out.push(failure(
                    schema,
                    "type",
                    at,
                    format!(
                        "{} is of type {:?}, expected {expected}",
                        quote(at.node),
                        at.node.type_name()
                    ),
                ));
            }
        }
        if let Some(allowed) = keywords.get("enum").and_then(Node::as_sequence) {
            if !allowed.iter().any(|value| json_equal(value, at.node)) {
                out.push(failure(
                    schema,
                    "enum",
                    at,
                    format!("{} is not one of the `enum` values", quote(at.node)),
                ));
            }
        }
        if let Some(constant) = keywords.get("const") {
            if !json_equal(constant, at.node) {
                out.push(failure(
                    schema,
                    "const",
                    at,
                    format!(
                        "{} is not the `const` value {}",
                        quote(at.node),
                        quote(constant)
                    ),
                ));
            }
        }
    }

    fn check_string(
        &self,
        schema: &Target<'d>,
        keywords: &Mapping,
        text: &str,
        at: &At<'_>,
        out: &mut Vec<Failure>,
    ) {
        let length = text.chars().count() as f64;
        if let Some(min) = number(keywords, "minLength") {
            if length < min {
                out.push(failure(
                    schema,
                    "minLength",
                    at,
                    format!("{} is shorter than {min} characters", quote(at.node)),
                ));
            }
        }
        if let Some(max) = number(keywords, "maxLength") {
            if length > max {
                out.push(failure(
                    schema,
                    "maxLength",
                    at,
                    format!("{} is longer than {max} characters", quote(at.node)),
                ));
            }
        }
        if let Some(pattern) = keywords.get("pattern").and_then(Node::as_str) {
            if self.matches_pattern(pattern, text) == Some(false) {
                out.push(failure(
                    schema,
                    "pattern",
                    at,
                    format!("{} does not match the pattern {pattern:?}", quote(at.node)),
                ));
            }
        }
    }

    fn check_array(
        &self,
        schema: &Target<'d>,
        items: &[Node],
        at: &At<'_>,
        depth: usize,
        out: &mut Vec<Failure>,
    ) {
        let keywords = schema.node.as_mapping();
        let item_at = |index: usize, node| At {
            node,
            path: at.path.join(index.to_string()),
        };
        match schema.node.get("items").map(|i| &i.value) {
            Some(Value::Sequence(tuple)) => {
                for (index, node) in items.iter().enumerate() {
                    let item_schema = if index < tuple.len() {
                        sub(schema, &["items", &index.to_string()])
                    } else {
                        sub(schema, &["additionalItems"])
                    };
                    if let Some(item_schema) = item_schema {
                        self.check(&item_schema, &item_at(index, node), depth + 1, out);
                    }
                }
            }
            Some(_) => {
                if let Some(item_schema) = sub(schema, &["items"]) {
                    for (index, node) in items.iter().enumerate() {
                        self.check(&item_schema, &item_at(index, node), depth + 1, out);
                    }
                }
            }
            None => {}
        }
        let Some(keywords) = keywords else {
            return;
        };
        let count = items.len() as f64;
        if let Some(min) = number(keywords, "minItems") {
            if count < min {
                out.push(failure(
                    schema,
                    "minItems",
                    at,
                    format!("the array has {count} items, fewer than {min}"),
                ));
            }
        }
        if let Some(max) = number(keywords, "maxItems") {
            if count > max {
                out.push(failure(
                    schema,
                    "maxItems",
                    at,
                    format!("the array has {count} items, more than {max}"),
                ));
            }
        }
        if keywords.get("uniqueItems").and_then(Node::as_bool) == Some(true) {
            let repeated = items
                .iter()
                .enumerate()
                .find(|(i, a)| items[..*i].iter().any(|b| json_equal(a, b)));
            if let Some((index, node)) = repeated {
                out.push(failure(
                    schema,
                    "uniqueItems",
                    &item_at(index, node),
                    format!(
                        "{} repeats an earlier item, but items must be unique",
                        quote(node)
                    ),
                ));
            }
        }
        if let Some(contains) = sub(schema, &["contains"]) {
            let found = items
                .iter()
                .enumerate()
                .any(|(index, node)| self.is_valid(&contains, &item_at(index, node), depth + 1));
            if !found {
                out.push(failure(
                    schema,
                    "contains",
                    at,
                    "no item matches the `contains` schema".to_owned(),
                ));
            }
        }
    }

    fn check_object(
        &self,
        schema: &Target<'d>,
        object: &Mapping,
        at: &At<'_>,
        depth: usize,
        out: &mut Vec<Failure>,
    ) {
        let Some(keywords) = schema.node.as_mapping() else {
            return;
        };
        let properties = keywords.get("properties").and_then(Node::as_mapping);
        let patterns: Vec<&str> = keywords
            .get("patternProperties")
            .and_then(Node::as_mapping)
            .map(|p| p.keys().collect())
            .unwrap_or_default();

        for (name, entry) in object.entries() {
            let value_at = At {
                node: &entry.value,
                path: at.path.join(name),
            };
            let mut described = false;
            if properties.is_some_and(|p| p.contains_key(name)) {
                described = true;
                if let Some(property) = sub(schema, &["properties", name]) {
                    self.check(&property, &value_at, depth + 1, out);
                }
            }
            for pattern in &patterns {
                if self.matches_pattern(pattern, name) != Some(true) {
                    continue;
                }
                described = true;
                if let Some(property) = sub(schema, &["patternProperties", pattern]) {
                    self.check(&property, &value_at, depth + 1, out);
                }
            }
            if !described {
                if let Some(additional) = sub(schema, &["additionalProperties"]) {
                    if additional.node.as_bool() == Some(false) {
                        let key_at = At {
                            node: &entry.value,
                            path: value_at.path.clone(),
                        };
                        let mut failed = failure(
                            schema,
                            "additionalProperties",
                            &key_at,
                            format!("property {name:?} is not allowed (`additionalProperties` is false)"),
                        );
                        failed.span = entry.key_span;
                        out.push(failed);
                    } else {
                        self.check(&additional, &value_at, depth + 1, out);
                    }
                }
            }
            if let Some(names) = sub(schema, &["propertyNames"]) {
                let key = Node {
                    value: Value::String(name.to_owned()),
                    span: entry.key_span,
                };
                let key_at = At {
                    node: &key,
                    path: value_at.path.clone(),
                };
                self.check(&names, &key_at, depth + 1, out);
            }
        }

        if let Some(required) = keywords.get("required").and_then(Node::as_sequence) {
            for name in required.iter().filter_map(Node::as_str) {
                if !object.contains_key(name) {
                    out.push(failure(
                        schema,
                        "required",
                        at,
                        format!("required property {name:?} is missing"),
                    ));
                }
            }
        }
        self.check_dependencies(schema, keywords, object, at, depth, out);

        let count = object.len() as f64;
        if let Some(min) = number(keywords, "minProperties") {
            if count < min {
                out.push(failure(
                    schema,
                    "minProperties",
                    at,
                    format!("the object has {count} properties, fewer than {min}"),
                ));
            }
        }
        if let Some(max) = number(keywords, "maxProperties") {
            if count > max {
                out.push(failure(
                    schema,
                    "maxProperties",
                    at,
                    format!("the object has {count} properties, more than {max}"),
                ));
            }
        }
    }

    /// Draft-07 `dependencies` and its 2019-09 split `dependentRequired`.
    fn check_dependencies(
        &self,
        schema: &Target<'d>,
        keywords: &Mapping,
        object: &Mapping,
        at: &At<'_>,
        depth: usize,
        out: &mut Vec<Failure>,
    ) {
        for keyword in ["dependencies", "dependentRequired"] {
            let Some(dependencies) = keywords.get(keyword).and_then(Node::as_mapping) else {
                continue;
            };
            for (trigger, dependency) in dependencies.iter() {
                if !object.contains_key(trigger) {
                    continue;
                }
                match &dependency.value {
                    Value::Sequence(names) => {
                        for name in names.iter().filter_map(Node::as_str) {
                            if !object.contains_key(name) {
                                out.push(failure(
                                    schema,
                                    if keyword == "dependencies" {
                                        "dependencies"
                                    } else {
                                        "dependentRequired"
                                    },
                                    at,
                                    format!(
                                        "property {name:?} is missing, but {trigger:?} requires it"
                                    ),
                                ));
                            }
                        }
                    }
                    _ => {
                        if let Some(dependent) = sub(schema, &[keyword, trigger]) {
                            self.check(&dependent, at, depth + 1, out);
                        }
                    }
                }
            }
        }
    }

    /// `allOf`, `anyOf`, `oneOf`, `not` and `if`/`then`/`else`.
    fn check_combinators(
        &self,
        schema: &Target<'d>,
        at: &At<'_>,
        depth: usize,
        out: &mut Vec<Failure>,
    ) {
        for part in alternatives(schema, "allOf") {
            self.check(&part, at, depth + 1, out);
        }
        let any_of = alternatives(schema, "anyOf");
        if !any_of.is_empty() {
            let results = self.evaluate_each(&any_of, at, depth);
            if results.iter().all(|failures| !failures.is_empty()) {
                out.push(failure(
                    schema,
                    "anyOf",
                    at,
                    format!(
                        "{} matches none of the {} `anyOf` alternatives{}",
                        quote(at.node),
                        any_of.len(),
                        closest(&results, at)
                    ),
                ));
            }
        }
        let one_of = alternatives(schema, "oneOf");
        if !one_of.is_empty() {
            let results = self.evaluate_each(&one_of, at, depth);
            let matching: Vec<usize> = results
                .iter()
                .enumerate()
                .filter(|(_, failures)| failures.is_empty())
                .map(|(index, _)| index)
                .collect();
            if matching.len() != 1 {
                let found = if matching.is_empty() {
                    format!("none{}", closest(&results, at))
                } else {
                    format!("alternatives {matching:?}")
                };
                out.push(failure(
                    schema,
                    "oneOf",
                    at,
                    format!(
                        "{} must match exactly one of the {} `oneOf` alternatives, but matches {found}",
                        quote(at.node),
                        one_of.len()
                    ),
                ));
            }
        }
        if let Some(not) = sub(schema, &["not"]) {
            if self.is_valid(&not, at, depth + 1) {
                out.push(failure(
                    schema,
                    "not",
                    at,
                    format!("{} matches the `not` schema", quote(at.node)),
                ));
            }
        }
        if let Some(condition) = sub(schema, &["if"]) {
            let branch = if self.is_valid(&condition, at, depth + 1) {
                "then"
            } else {
                "else"
            };
            if let Some(branch) = sub(schema, &[branch]) {
                self.check(&branch, at, depth + 1, out);
            }
        }
    }

    /// Returns whether `text` matches the ECMA-262 `pattern` (a search,
    /// not a full match), or `None` when the `regex` crate cannot compile
    /// the pattern.
    fn matches_pattern(&self, pattern: &str, text: &str) -> Option<bool> {
        let mut patterns = self.patterns.borrow_mut();
        let compiled = patterns
            .entry(pattern.to_owned())
            .or_insert_with(|| Regex::new(pattern).ok());
        compiled.as_ref().map(|regex| regex.is_match(text))
    }
}

fn check_number(schema: &Target<'_>, keywords: &Mapping, at: &At<'_>, out: &mut Vec<Failure>) {
    let Some(value) = at.node.as_number() else {
        return;
    };
    let x = value.as_f64();
    let written = value.as_str();
    // Draft-04 wrote exclusive bounds as booleans next to minimum/maximum.
    let exclusive_flag = |key| keywords.get(key).and_then(Node::as_bool) == Some(true);
    if let Some(min) = number(keywords, "minimum") {
        if exclusive_flag("exclusiveMinimum") && x <= min {
            out.push(failure(
                schema,
                "exclusiveMinimum",
                at,
                format!("{written} is not greater than {min}"),
            ));
        } else if x < min {
            out.push(failure(
                schema,
                "minimum",
                at,
                format!("{written} is less than the minimum {min}"),
            ));
        }
    }
    if let Some(max) = number(keywords, "maximum") {
        if exclusive_flag("exclusiveMaximum") && x >= max {
            out.push(failure(
                schema,
                "exclusiveMaximum",
                at,
                format!("{written} is not less than {max}"),
            ));
        } else if x > max {
            out.push(failure(
                schema,
                "maximum",
                at,
                format!("{written} is greater than the maximum {max}"),
            ));
        }
    }
    if let Some(min) = number(keywords, "exclusiveMinimum") {
        if x <= min {
            out.push(failure(
                schema,
                "exclusiveMinimum",
                at,
                format!("{written} is not greater than {min}"),
            ));
        }
    }
    if let Some(max) = number(keywords, "exclusiveMaximum") {
        if x >= max {
            out.push(failure(
                schema,
                "exclusiveMaximum",
                at,
                format!("{written} is not less than {max}"),
            ));
        }
    }
    if let Some(divisor) = keywords.get("multipleOf").and_then(Node::as_number) {
        if !is_multiple(value, divisor) {
            out.push(failure(
                schema,
                "multipleOf",
                at,
                format!("{written} is not a multiple of {}", divisor.as_str()),
            ));
        }
    }
}

/// Returns whether `value` is a multiple of `divisor`: exactly for
/// integers, and within a relative tolerance for decimals, whose binary
/// form is inexact.
fn is_multiple(value: &crate::tree::Number, divisor: &crate::tree::Number) -> bool {
    if let (Some(a), Some(b)) = (value.as_i64(), divisor.as_i64()) {
        return b == 0 || a % b == 0;
    }
    let divisor = divisor.as_f64();
    if divisor <= 0.0 || !divisor.is_finite() {
        return true;
    }
    let quotient = value.as_f64() / divisor;
    if !quotient.is_finite() {
        return true;
    }
    (quotient - quotient.round()).abs() <= 1e-9 * quotient.abs().max(1.0)
}

/// Returns whether `instance` has the JSON Schema `type` (a name or a list of
/// names). Unknown names are accepted: an invalid schema is reported
/// elsewhere, not as a mismatch of the example.
fn matches_type(instance: &Node, expected: &Node) -> bool {
    let matches_name = |name: &str| match name {
        "null" => instance.is_null(),
        "boolean" => instance.as_bool().is_some(),
        "integer" => instance.as_number().is_some_and(|n| n.is_whole()),
        "number" => instance.as_number().is_some(),
        "string" => instance.as_str().is_some(),
        "array" => instance.as_sequence().is_some(),
        "object" => instance.as_mapping().is_some(),
        _ => true,
    };
    match &expected.value {
        Value::String(name) => matches_name(name),
        Value::Sequence(names) => names.iter().any(|n| n.as_str().is_none_or(matches_name)),
        _ => true,
    }
}

/// JSON equality: numbers compare by value (`1` equals `1.0`), mappings
/// regardless of key order, and spans are ignored.
pub(super) fn json_equal(a: &Node, b: &Node) -> bool {
    match (&a.value, &b.value) {
        (Value::Null, Value::Null) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Number(x), Value::Number(y)) => {
            x.as_str() == y.as_str()
                || match (x.as_i64(), y.as_i64()) {
                    (Some(i), Some(j)) => i == j,
                    _ => x.as_f64() == y.as_f64(),
                }
        }
        (Value::String(x), Value::String(y)) => x == y,
        (Value::Sequence(x), Value::Sequence(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_equal(p, q))
        }
        (Value::Mapping(x), Value::Mapping(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(key, p)| y.get(key).is_some_and(|q| json_equal(p, q)))
        }
        _ => false,
    }
}

/// Describes the alternative the instance was probably meant to match and
/// its first failure, or returns an empty string when no alternative has a
/// failure to show.
///
/// An alternative whose `const` or `enum` fails on a direct property (a
/// type tag such as `type: heartbeat`) was not meant; among the rest, the
/// one with the fewest failures is the closest.
fn closest(results: &[Vec<Failure>], at: &At<'_>) -> String {
    let depth = at.path.tokens().len();
    let rejects_tag = |failures: &[Failure]| {
        failures.iter().any(|f| {
            matches!(f.keyword, "const" | "enum") && f.instance_path.tokens().len() == depth + 1
        })
    };
    let best = results
        .iter()
        .enumerate()
        .filter(|(_, failures)| !failures.is_empty())
        .min_by_key(|(_, failures)| (rejects_tag(failures), failures.len()));
    let Some((index, failures)) = best else {
        return String::new();
    };
    let Some(first) = failures.first() else {
        return String::new();
    };
    let place = if first.instance_path.tokens().is_empty() {
        String::new()
    } else {
        format!(" at {}", first.instance_path)
    };
    format!(
        "; the closest, alternative {index}, fails{place}: {}",
        first.message
    )
}

/// Returns the subschema at `tokens` below `schema`, as written.
fn sub<'d>(schema: &Target<'d>, tokens: &[&str]) -> Option<Target<'d>> {
    let mut current = schema.clone();
    for token in tokens {
        let node = match &current.node.value {
            Value::Mapping(mapping) => mapping.get(token)?,
            Value::Sequence(items) => items.get(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
        current = Target {
            file: current.file,
            pointer: current.pointer.join(*token),
            node,
        };
    }
    Some(current)
}

/// Returns the subschemas listed under `keyword`.
fn alternatives<'d>(schema: &Target<'d>, keyword: &str) -> Vec<Target<'d>> {
    let count = schema
        .node
        .get(keyword)
        .and_then(Node::as_sequence)
        .map_or(0, <[Node]>::len);
    (0..count)
        .filter_map(|index| sub(schema, &[keyword, &index.to_string()]))
        .collect()
}

/// Returns a numeric keyword's value.
fn number(keywords: &Mapping, key: &str) -> Option<f64> {
    keywords
        .get(key)
        .and_then(Node::as_number)
        .map(|n| n.as_f64())
}

fn failure(schema: &Target<'_>, keyword: &'static str, at: &At<'_>, message: String) -> Failure {
    Failure {
        instance_path: at.path.clone(),
        span: at.node.span,
        keyword,
        schema_file: schema.file,
        schema_pointer: schema.pointer.join(keyword),
        message,
    }
}

/// Returns the value as compact JSON, cut after [`MAX_QUOTED`] characters.
fn quote(node: &Node) -> String {
    let text = node.to_json().to_string();
    if text.chars().count() <= MAX_QUOTED {
        return text;
    }
    let cut: String = text.chars().take(MAX_QUOTED).collect();
    format!("{cut}...")
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::{Failure, Validator};
    use crate::document::{Document, LoadOptions, Target};
    use crate::pointer::JsonPointer;

    /// Validates `instance` (YAML) against `schema` (YAML), both written
    /// into one file so `$ref`s like `#/schema/definitions/x` resolve.
    fn failures(schema: &str, instance: &str) -> Vec<Failure> {
        let text = format!("schema: {schema}\ninstance: {instance}\n");
        // Reference problems are the loader's to report; some fixtures
        // have them on purpose.
        let (document, _) = Document::from_text(Path::new("s.yaml"), &text, LoadOptions::default());
        let document = document.expect("fixture parses");
        let root = document.root();
        let schema = Target {
            file: document.root_file(),
            pointer: JsonPointer::root().join("schema"),
            node: root.get("schema").expect("schema key"),
        };
        let instance = root.get("instance").expect("instance key");
        Validator::new(&document).validate(&schema, instance)
    }

    fn keywords(schema: &str, instance: &str) -> Vec<&'static str> {
        failures(schema, instance)
            .iter()
            .map(|f| f.keyword)
            .collect()
    }

    #[test]
    fn type_integer_accepts_whole_float() {
        assert!(keywords("{type: integer}", "2.0").is_empty());
        assert_eq!(keywords("{type: integer}", "2.5"), ["type"]);
        assert_eq!(keywords("{type: [string, 'null']}", "1"), ["type"]);
        assert!(keywords("{type: [string, 'null']}", "null").is_empty());
    }

    #[test]
    fn enum_and_const_compare_numbers_by_value() {
        assert!(keywords("{enum: [1, two]}", "1.0").is_empty());
        assert_eq!(keywords("{enum: [1, two]}", "three"), ["enum"]);
        assert!(keywords("{const: {a: [1]}}", "{a: [1]}").is_empty());
        assert_eq!(keywords("{const: {a: [1]}}", "{a: [2]}"), ["const"]);
    }

    #[test]
    fn object_keywords_report_paths() {
        let schema = "{type: object, required: [id], properties: {id: {type: string}}, additionalProperties: false}";
        let found = failures(schema, "{id: 7, extra: true}");
        let summary: Vec<(String, &str)> = found
            .iter()
            .map(|f| (f.instance_path.to_string(), f.keyword))
            .collect();
        assert_eq!(
            summary,
            [
                ("/id".to_owned(), "type"),
                ("/extra".to_owned(), "additionalProperties")
            ]
        );
        assert_eq!(
            found[0].schema_pointer.to_string(),
            "/schema/properties/id/type"
        );
        assert_eq!(keywords(schema, "{}"), ["required"]);
    }

    #[test]
    fn additional_properties_schema_and_patterns() {
        let schema =
            "{patternProperties: {'^x-': {type: string}}, additionalProperties: {type: integer}}";
        assert!(keywords(schema, "{x-a: s, b: 1}").is_empty());
        assert_eq!(keywords(schema, "{x-a: 1}"), ["type"]);
        assert_eq!(keywords(schema, "{b: s}"), ["type"]);
    }

    #[test]
    fn array_keywords() {
        assert_eq!(keywords("{items: {type: string}}", "[a, 1]"), ["type"]);
        assert_eq!(
            keywords(
                "{items: [{type: string}], additionalItems: false}",
                "[a, b]"
            ),
            ["false"]
        );
        assert_eq!(keywords("{minItems: 2, maxItems: 3}", "[1]"), ["minItems"]);
        assert_eq!(
            keywords("{uniqueItems: true}", "[1, 2, 1.0]"),
            ["uniqueItems"]
        );
        assert_eq!(keywords("{contains: {const: 3}}", "[1, 2]"), ["contains"]);
    }

    #[test]
    fn string_and_number_bounds() {
        assert_eq!(keywords("{minLength: 3}", "ab"), ["minLength"]);
        assert!(keywords("{maxLength: 2}", "é1").is_empty());
        assert_eq!(keywords("{pattern: '^[a-z]+$'}", "AB"), ["pattern"]);
        assert!(keywords("{pattern: 'b'}", "abc").is_empty());
        assert_eq!(keywords("{minimum: 1, maximum: 3}", "4"), ["maximum"]);
        assert_eq!(keywords("{exclusiveMinimum: 1}", "1"), ["exclusiveMinimum"]);
        assert_eq!(
            keywords("{minimum: 1, exclusiveMinimum: true}", "1"),
            ["exclusiveMinimum"]
        );
        assert!(keywords("{multipleOf: 0.1}", "0.3").is_empty());
        assert_eq!(keywords("{multipleOf: 2}", "3"), ["multipleOf"]);
    }

    #[test]
    fn unsupported_pattern_is_skipped() {
        assert!(keywords("{pattern: '(?=a)b'}", "c").is_empty());
    }

    #[test]
    fn combinators() {
        assert_eq!(
            keywords("{allOf: [{type: string}, {minLength: 2}]}", "a"),
            ["minLength"]
        );
        assert!(keywords("{anyOf: [{type: string}, {type: integer}]}", "1").is_empty());
        assert_eq!(
            keywords("{anyOf: [{type: string}, {type: integer}]}", "true"),
            ["anyOf"]
        );
        assert_eq!(
            keywords("{oneOf: [{type: number}, {type: integer}]}", "1"),
            ["oneOf"]
        );
        assert_eq!(keywords("{not: {type: string}}", "a"), ["not"]);
        let conditional =
            "{if: {properties: {k: {const: a}}}, then: {required: [x]}, else: {required: [y]}}";
        assert_eq!(keywords(conditional, "{k: a}"), ["required"]);
        assert!(keywords(conditional, "{k: b, y: 1}").is_empty());
    }

    #[test]
    fn one_of_names_closest_alternative() {
        let schema =
            "{oneOf: [{required: [a, b, c]}, {properties: {t: {type: string}}, required: [t]}]}";
        let found = failures(schema, "{t: 1}");
        assert_eq!(found.len(), 1);
        assert!(
            found[0]
                .message
                .contains("the closest, alternative 1, fails at /t"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn closest_alternative_skips_rejected_tags() {
        let schema = "{oneOf: [{properties: {kind: {const: a}}}, {properties: {kind: {const: b}, n: {type: integer}, m: {type: integer}}}]}";
        let found = failures(schema, "{kind: b, n: x, m: y}");
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.contains("alternative 1, fails at /n"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn dependencies_and_property_names() {
        let schema = "{dependencies: {card: [billing], vip: {required: [level]}}}";
        assert_eq!(keywords(schema, "{card: 1}"), ["dependencies"]);
        assert_eq!(keywords(schema, "{vip: true}"), ["required"]);
        assert!(keywords(schema, "{other: 1}").is_empty());
        assert_eq!(
            keywords("{dependentRequired: {a: [b]}}", "{a: 1}"),
            ["dependentRequired"]
        );
        let names = failures("{propertyNames: {pattern: '^[a-z]+$'}}", "{ok: 1, Bad: 2}");
        assert_eq!(names.len(), 1);
        assert_eq!(names[0].keyword, "pattern");
        assert_eq!(names[0].instance_path.to_string(), "/Bad");
    }

    #[test]
    fn property_counts() {
        assert_eq!(keywords("{minProperties: 2}", "{a: 1}"), ["minProperties"]);
        assert_eq!(
            keywords("{maxProperties: 1}", "{a: 1, b: 2}"),
            ["maxProperties"]
        );
    }

    #[test]
    fn boolean_schemas() {
        assert!(keywords("true", "{a: 1}").is_empty());
        assert_eq!(keywords("false", "1"), ["false"]);
        assert_eq!(keywords("{properties: {a: false}}", "{a: 1}"), ["false"]);
    }

    #[test]
    fn refs_and_recursion() {
        let schema = "{definitions: {node: {type: object, properties: {next: {$ref: '#/schema/definitions/node'}, v: {type: integer}}}}, allOf: [{$ref: '#/schema/definitions/node'}]}";
        assert!(keywords(schema, "{v: 1, next: {v: 2, next: {v: 3}}}").is_empty());
        let found = failures(schema, "{next: {next: {v: x}}}");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].instance_path.to_string(), "/next/next/v");
        // A schema that only refers to itself never ends; the depth limit
        // stops it without a report.
        assert!(keywords(
            "{$ref: '#/schema/allOf/0', allOf: [{$ref: '#/schema'}]}",
            "1"
        )
        .is_empty());
    }

    #[test]
    fn unresolved_ref_accepts() {
        assert!(keywords("{$ref: '#/nowhere'}", "1").is_empty());
    }
}
