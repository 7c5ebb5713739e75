//! The spanned tree a YAML or JSON file is loaded into.
//!
//! It has JSON's data model (null, booleans, numbers, strings, sequences and
//! mappings with string keys) and keeps the source span of every node and
//! every mapping key. YAML anchors, aliases and merge keys are already
//! expanded when a tree is built.

use indexmap::IndexMap;

use crate::source::Span;

/// A value with the span it was read from.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The value itself.
    pub value: Value,
    /// Source span of the value.
    pub span: Span,
}

/// The JSON data model.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `null`, `~` or an empty YAML value.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer or a float, kept with its exact text.
    Number(Number),
    /// A string.
    String(String),
    /// A sequence (JSON array).
    Sequence(Vec<Node>),
    /// A mapping (JSON object) in source order.
    Mapping(Mapping),
}

/// A number as written, so large integers and exact decimals survive.
///
/// `text` is in JSON syntax: YAML's `0x1F`, `0o17` and `+1` are rewritten as
/// decimal integers, and `.inf` / `.nan` keep their YAML spelling because JSON
/// has none.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Number {
    text: String,
    is_integer: bool,
}

impl Number {
    /// Creates a number from JSON-syntax text; `is_integer` states whether it
    /// was written without fraction or exponent.
    pub fn new(text: impl Into<String>, is_integer: bool) -> Number {
        Number {
            text: text.into(),
            is_integer,
        }
    }

    /// The number in JSON syntax.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether the number was written as an integer.
    pub fn is_integer(&self) -> bool {
        self.is_integer
    }

    /// The value as `i64`, if it is an integer in range.
    pub fn as_i64(&self) -> Option<i64> {
        if self.is_integer {
            self.text.parse().ok()
        } else {
            None
        }
    }

    /// The value as `u64`, if it is a non-negative integer in range.
    pub fn as_u64(&self) -> Option<u64> {
        if self.is_integer {
            self.text.parse().ok()
        } else {
            None
        }
    }

    /// The value as `f64`, rounded where needed; `.inf` and `.nan` map to
    /// the IEEE values.
    pub fn as_f64(&self) -> f64 {
        match self.text.as_str() {
            ".inf" => f64::INFINITY,
            "-.inf" => f64::NEG_INFINITY,
            ".nan" => f64::NAN,
            text => text.parse().unwrap_or(f64::NAN),
        }
    }

    /// Whether the value is a whole number, such as `2` or `2.0`.
    pub fn is_whole(&self) -> bool {
        self.is_integer || {
            let value = self.as_f64();
            value.is_finite() && value.fract() == 0.0
        }
    }
}

/// A mapping entry: its key's span and its value.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// Source span of the key.
    pub key_span: Span,
    /// The value.
    pub value: Node,
}

/// A mapping with unique string keys, in source order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Mapping {
    entries: IndexMap<String, Entry>,
}

impl Mapping {
    /// Creates an empty mapping.
    pub fn new() -> Mapping {
        Mapping::default()
    }

    /// Adds an entry and returns `true`, or leaves the mapping unchanged and
    /// returns `false` when the key is already present.
    pub fn insert(&mut self, key: String, key_span: Span, value: Node) -> bool {
        match self.entries.entry(key) {
            indexmap::map::Entry::Occupied(_) => false,
            indexmap::map::Entry::Vacant(slot) => {
                slot.insert(Entry { key_span, value });
                true
            }
        }
    }

    /// Returns the value under `key`.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entries.get(key).map(|e| &e.value)
    }

    /// Returns the whole entry under `key`, with the key's span.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.entries.get(key)
    }

    /// Whether `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.entries.contains_key(key)
    }

    /// Iterates over keys and values in source order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Node)> {
        self.entries.iter().map(|(k, e)| (k.as_str(), &e.value))
    }

    /// Iterates over keys and entries in source order.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &Entry)> {
        self.entries.iter().map(|(k, e)| (k.as_str(), e))
    }

    /// Iterates over the keys in source order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the mapping has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl Node {
    /// The mapping, if this node is one.
    pub fn as_mapping(&self) -> Option<&Mapping> {
        match &self.value {
            Value::Mapping(m) => Some(m),
            _ => None,
        }
    }

    /// The sequence items, if this node is a sequence.
    pub fn as_sequence(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Sequence(items) => Some(items),
            _ => None,
        }
    }

    /// The string, if this node is one.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean, if this node is one.
    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The number, if this node is one.
    pub fn as_number(&self) -> Option<&Number> {
        match &self.value {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }

    /// Whether this node is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    /// Looks up `key` if this node is a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_mapping().and_then(|m| m.get(key))
    }

    /// The target of a JSON Reference, if this node is a mapping with a
    /// string `$ref`.
    pub fn ref_target(&self) -> Option<&str> {
        self.get("$ref").and_then(Node::as_str)
    }

    /// The JSON type name of the value, as JSON Schema spells it: `null`,
    /// `boolean`, `integer`, `number`, `string`, `array` or `object`.
    pub fn type_name(&self) -> &'static str {
        match &self.value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(n) if n.is_integer() => "integer",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Sequence(_) => "array",
            Value::Mapping(_) => "object",
        }
    }

    /// Converts the value to `serde_json`, dropping spans. Numbers JSON
    /// cannot hold (`.inf`, `.nan`, integers beyond 64 bits that also
    /// overflow `f64`) become `null`.
    ///
    /// Recurses once per level, like the `serde_json` value it builds,
    /// which also drops and prints recursively; the loader keeps trees
    /// within [`crate::load::MAX_DEPTH_CAP`] levels so the stack suffices.
    pub fn to_json(&self) -> serde_json::Value {
        match &self.value {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(n) => number_to_json(n),
            Value::String(s) => serde_json::Value::String(s.clone()),
            Value::Sequence(items) => items.iter().map(Node::to_json).collect(),
            Value::Mapping(m) => serde_json::Value::Object(
                m.iter().map(|(k, v)| (k.to_owned(), v.to_json())).collect(),
            ),
        }
    }

    /// Number of nodes in this subtree, this one included.
    pub fn count_nodes(&self) -> usize {
        // A loop with its own stack, so any depth is safe.
        let mut count = 0;
        let mut pending = vec![self];
        while let Some(node) = pending.pop() {
            count += 1;
            pending.extend(node.children());
        }
        count
    }

    /// Number of nested sequence and mapping levels in this subtree: 0 for
    /// a scalar, 1 for a collection of scalars.
    pub fn height(&self) -> usize {
        let mut height = 0;
        let mut pending = vec![(self, 0)];
        while let Some((node, above)) = pending.pop() {
            if matches!(node.value, Value::Sequence(_) | Value::Mapping(_)) {
                height = height.max(above + 1);
            }
            pending.extend(node.children().map(|child| (child, above + 1)));
        }
        height
    }

    /// The items of a sequence or the values of a mapping; nothing for a
    /// scalar.
    fn children(&self) -> Box<dyn Iterator<Item = &Node> + '_> {
        match &self.value {
            Value::Sequence(items) => Box::new(items.iter()),
            Value::Mapping(m) => Box::new(m.iter().map(|(_, v)| v)),
            _ => Box::new(std::iter::empty()),
        }
    }
}

fn number_to_json(n: &Number) -> serde_json::Value {
    if let Some(i) = n.as_i64() {
        return i.into();
    }
    if let Some(u) = n.as_u64() {
        return u.into();
    }
    serde_json::Number::from_f64(n.as_f64())
        .map(serde_json::Value::Number)
        .unwrap_or(serde_json::Value::Null)
}
