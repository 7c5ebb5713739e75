//! JSON Merge Patch (RFC 7386) on the spanned tree, and the trait merge
//! orders of AsyncAPI 2.x and 3.x built on it.
//!
//! A merged node keeps the span of whichever side each value came from. So
//! a diagnostic about a merged field still points at the line that wrote
//! it, and a `$ref` inside it still resolves against the file its span
//! names.

use crate::document::Document;
use crate::pointer::JsonPointer;
use crate::tree::{Mapping, Node, Value};

use super::reader::{Located, Reader};

/// Maximum nesting depth that a merge descends into. Below it a patch
/// replaces the target wholesale, so self-referencing schemas reached
/// through `$ref` cannot make the merge recurse without end.
const MAX_MERGE_DEPTH: usize = 64;

/// Maximum number of value pairs one merge visits. Two different recursive
/// schemas with several self-references each would otherwise branch
/// exponentially within [`MAX_MERGE_DEPTH`]; past the budget a patch
/// replaces the target wholesale.
const MAX_MERGE_STEPS: usize = 10_000;

/// Applies `patch` to `target` as RFC 7386 defines it.
///
/// A mapping patch merges key by key: a `null` value removes the key, any
/// other value is merged recursively. Any other patch (sequences included)
/// replaces the target wholesale. When both sides are mappings, a `$ref`
/// on either side is followed first, so a trait can extend a schema that
/// the message gives by reference. A `$ref` that only one side has is kept
/// as written.
///
/// A mapping present on both sides keeps the span of the target, as the
/// target is what RFC 7386 modifies.
pub(crate) fn merge_patch(document: &Document, target: Option<&Node>, patch: &Node) -> Node {
    merge_into(document, target, patch, Primary::Target)
}

/// The side of a merge that is the object the traits apply to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Primary {
    /// The target, as in 2.x: the merge is plain RFC 7386.
    Target,
    /// The patch, as when a 3.x object is merged over its traits. A value
    /// that only the object has is kept as written, `null`s inside it
    /// included (RFC 7386 would drop a schema's `default: null`), and a
    /// mapping both sides have keeps the object's span.
    Patch,
}

fn merge_into(document: &Document, target: Option<&Node>, patch: &Node, primary: Primary) -> Node {
    let mut merger = Merger {
        document,
        steps_left: MAX_MERGE_STEPS,
        primary,
    };
    merger.merge(target, patch, 0)
}

struct Merger<'d> {
    document: &'d Document,
    steps_left: usize,
    primary: Primary,
}

impl Merger<'_> {
    fn merge(&mut self, target: Option<&Node>, patch: &Node, depth: usize) -> Node {
        let document = self.document;
        let target = target.map(|node| dereference(document, node));
        let target_mapping = target.and_then(Node::as_mapping);
        let patch = if target_mapping.is_some() {
            dereference(document, patch)
        } else {
            patch
        };
        let Some(patch_mapping) = patch.as_mapping() else {
            return patch.clone();
        };
        // Merging a mapping into itself (both sides name the same schema)
        // changes nothing but the removal of nulls, which a schema reached
        // by `$ref` has no reason to contain.
        let same_node = target.is_some_and(|t| std::ptr::eq(t, patch));
        if patch.ref_target().is_some()
            || same_node
            || depth >= MAX_MERGE_DEPTH
            || self.steps_left == 0
        {
            return patch.clone();
        }
        self.steps_left -= 1;

        let mut merged = Mapping::new();
        if let Some(target_mapping) = target_mapping {
            for (key, entry) in target_mapping.entries() {
                match patch_mapping.entry(key) {
                    None => {
                        merged.insert(key.to_owned(), entry.key_span, entry.value.clone());
                    }
                    Some(change) if change.value.is_null() => {}
                    Some(change) => {
                        let value = self.merge(Some(&entry.value), &change.value, depth + 1);
                        merged.insert(key.to_owned(), change.key_span, value);
                    }
                }
            }
        }
        for (key, entry) in patch_mapping.entries() {
            let in_target = target_mapping.is_some_and(|m| m.contains_key(key));
            if in_target {
                continue;
            }
            let value = match self.primary {
                Primary::Patch => entry.value.clone(),
                Primary::Target if entry.value.is_null() => continue,
                Primary::Target => self.merge(None, &entry.value, depth + 1),
            };
            merged.insert(key.to_owned(), entry.key_span, value);
        }

        let span = match target {
            Some(target) if target_mapping.is_some() && self.primary == Primary::Target => {
                target.span
            }
            _ => patch.span,
        };
        Node {
            value: Value::Mapping(merged),
            span,
        }
    }
}

/// Follows `node` when it is a `$ref`, relative to the file its span names.
/// Returns it unchanged when it is not one or does not resolve.
fn dereference<'n>(document: &'n Document, node: &'n Node) -> &'n Node {
    if node.ref_target().is_none() {
        return node;
    }
    document
        .follow(node.span.file, &JsonPointer::root(), node)
        .map(|target| target.node)
        .unwrap_or(node)
}

/// The order in which traits combine with the object that lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TraitOrder {
    /// AsyncAPI 2.x: each trait is merged into the object in list order, so
    /// a trait overrides the object's own values.
    TraitWins,
    /// AsyncAPI 3.x: the traits are merged in list order and the object is
    /// merged last, so the object's own values are kept.
    ObjectWins,
}

/// Merges `traits` (already dereferenced) with `object` in `order` and
/// returns the result without its `traits` field. The result has the span
/// of `object`, and so does every mapping that both `object` and a trait
/// write. With [`TraitOrder::ObjectWins`], a value only `object` has is
/// kept exactly as written.
pub(crate) fn apply_traits(
    document: &Document,
    object: &Node,
    traits: &[&Node],
    order: TraitOrder,
) -> Node {
    let mut merged = match order {
        TraitOrder::TraitWins => {
            let mut merged = object.clone();
            for item in traits {
                merged = merge_patch(document, Some(&merged), item);
            }
            merged
        }
        TraitOrder::ObjectWins => {
            let mut merged: Option<Node> = None;
            for item in traits {
                merged = Some(merge_patch(document, merged.as_ref(), item));
            }
            merge_into(document, merged.as_ref(), object, Primary::Patch)
        }
    };
    merged.span = object.span;
    without_key(merged, "traits")
}

impl Reader<'_> {
    /// Merges the `traits` of `object` into it in the order of the
    /// document's version, or returns `None` when it lists no traits.
    /// Trait entries that are not objects (or do not resolve) are skipped.
    pub(crate) fn apply_traits(&self, object: &Located<'_>) -> Option<Node> {
        let list = object.field("traits")?;
        let traits: Vec<Located<'_>> = list
            .items()
            .into_iter()
            .filter_map(|item| self.object(item))
            .collect();
        if list.node.as_sequence().is_none_or(<[Node]>::is_empty) {
            return None;
        }
        let nodes: Vec<&Node> = traits.iter().map(|t| t.node).collect();
        let order = if self.version.is_v2() {
            TraitOrder::TraitWins
        } else {
            TraitOrder::ObjectWins
        };
        Some(apply_traits(self.document, object.node, &nodes, order))
    }
}

/// Returns `node` without the entry `key`, if it is a mapping.
fn without_key(node: Node, key: &str) -> Node {
    let Value::Mapping(mapping) = &node.value else {
        return node;
    };
    if !mapping.contains_key(key) {
        return node;
    }
    let mut kept = Mapping::new();
    for (name, entry) in mapping.entries() {
        if name != key {
            kept.insert(name.to_owned(), entry.key_span, entry.value.clone());
        }
    }
    Node {
        value: Value::Mapping(kept),
        span: node.span,
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::document::LoadOptions;

    fn load(text: &str) -> Document {
        let (document, diagnostics) =
            Document::from_text(Path::new("merge.yaml"), text, LoadOptions::default());
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        document.expect("the test document parses")
    }

    fn merged_json(text: &str) -> serde_json::Value {
        let document = load(text);
        let root = document.root();
        let target = root.get("target");
        let patch = root.get("patch").expect("the test has a patch");
        merge_patch(&document, target, patch).to_json()
    }

    #[test]
    fn merge_patch_follows_rfc_7386_examples() {
        // The cases from RFC 7386 Appendix A.
        let cases = [
            ("{a: b}", "{a: c}", r#"{"a":"c"}"#),
            ("{a: b}", "{b: c}", r#"{"a":"b","b":"c"}"#),
            ("{a: b}", "{a: null}", r#"{}"#),
            ("{a: b, b: c}", "{a: null}", r#"{"b":"c"}"#),
            ("{a: [b]}", "{a: c}", r#"{"a":"c"}"#),
            ("{a: c}", "{a: [b]}", r#"{"a":["b"]}"#),
            ("{a: {b: c}}", "{a: {b: d, c: null}}", r#"{"a":{"b":"d"}}"#),
            ("{a: [{b: c}]}", "{a: [1]}", r#"{"a":[1]}"#),
            ("[a, b]", "[c, d]", r#"["c","d"]"#),
            ("{a: b}", "[c]", r#"["c"]"#),
            ("{a: foo}", "null", "null"),
            ("{a: foo}", "bar", r#""bar""#),
            ("{e: null}", "{a: 1}", r#"{"e":null,"a":1}"#),
            ("[1, 2]", "{a: b, c: null}", r#"{"a":"b"}"#),
            ("{}", "{a: {bb: {ccc: null}}}", r#"{"a":{"bb":{}}}"#),
        ];
        for (target, patch, expected) in cases {
            let text = format!("target: {target}\npatch: {patch}\n");
            let expected: serde_json::Value =
                serde_json::from_str(expected).expect("expected JSON parses");
            assert_eq!(
                merged_json(&text),
                expected,
                "target {target}, patch {patch}"
            );
        }
    }

    #[test]
    fn merge_patch_keeps_spans_of_each_side() {
        let document = load("target:\n  a: 1\n  b: 2\npatch:\n  b: 3\n  c: 4\n");
        let root = document.root();
        let merged = merge_patch(
            &document,
            root.get("target"),
            root.get("patch").expect("patch"),
        );
        let line = |key: &str| merged.get(key).map(|n| n.span.start.line);
        assert_eq!(line("a"), Some(2));
        assert_eq!(line("b"), Some(5));
        assert_eq!(line("c"), Some(6));
    }

    #[test]
    fn merge_patch_follows_refs_on_both_sides() {
        let text = "target: {headers: {$ref: '#/schemas/h'}}\n\
                    patch: {headers: {properties: {b: {type: string}}}}\n\
                    schemas:\n  h: {type: object, properties: {a: {type: string}}}\n";
        let merged = merged_json(text);
        assert_eq!(merged["headers"]["type"], "object");
        assert_eq!(merged["headers"]["properties"]["a"]["type"], "string");
        assert_eq!(merged["headers"]["properties"]["b"]["type"], "string");
        assert!(merged["headers"].get("$ref").is_none());
    }

    #[test]
    fn merge_patch_keeps_ref_present_on_one_side() {
        let text = "target: {payload: {type: string}}\n\
                    patch: {headers: {$ref: '#/schemas/h'}}\n\
                    schemas:\n  h: {type: object}\n";
        let merged = merged_json(text);
        assert_eq!(merged["headers"]["$ref"], "#/schemas/h");
    }

    #[test]
    fn merge_patch_stops_at_self_reference() {
        let text = "target: {$ref: '#/schemas/node'}\n\
                    patch: {$ref: '#/schemas/node'}\n\
                    schemas:\n  node: {properties: {next: {$ref: '#/schemas/node'}}}\n";
        let merged = merged_json(text);
        assert!(merged["properties"]["next"].is_object());
    }

    #[test]
    fn merge_patch_bounds_branching_recursion() {
        let text = "target: {$ref: '#/schemas/a'}\n\
                    patch: {$ref: '#/schemas/b'}\n\
                    schemas:\n\
                    \x20 a: {properties: {l: {$ref: '#/schemas/a'}, r: {$ref: '#/schemas/a'}}}\n\
                    \x20 b: {properties: {l: {$ref: '#/schemas/b'}, r: {$ref: '#/schemas/b'}}}\n";
        let merged = merged_json(text);
        assert!(merged["properties"]["l"]["properties"]["r"].is_object());
    }

    #[test]
    fn object_wins_keeps_own_nulls() {
        let document = load(
            "object: {payload: {properties: {a: {default: null}}}, summary: null}\n\
             first: {description: first}\n",
        );
        let root = document.root();
        let object = root.get("object").expect("object");
        let traits = [root.get("first").expect("first")];
        let v3 = apply_traits(&document, object, &traits, TraitOrder::ObjectWins).to_json();
        assert_eq!(
            v3["payload"]["properties"]["a"],
            serde_json::json!({"default": null})
        );
        assert_eq!(v3["summary"], serde_json::Value::Null);
        assert!(v3.as_object().is_some_and(|o| o.contains_key("summary")));
        assert_eq!(v3["description"], "first");
    }

    #[test]
    fn trait_orders_differ() {
        let document = load(
            "object: {description: own, tags: [a], traits: [1]}\n\
             first: {description: first, tags: [b, c]}\n\
             second: {summary: second}\n",
        );
        let root = document.root();
        let object = root.get("object").expect("object");
        let traits = [
            root.get("first").expect("first"),
            root.get("second").expect("second"),
        ];
        let v2 = apply_traits(&document, object, &traits, TraitOrder::TraitWins).to_json();
        assert_eq!(v2["description"], "first");
        assert_eq!(v2["tags"], serde_json::json!(["b", "c"]));
        assert_eq!(v2["summary"], "second");
        assert!(v2.get("traits").is_none());

        let v3 = apply_traits(&document, object, &traits, TraitOrder::ObjectWins).to_json();
        assert_eq!(v3["description"], "own");
        assert_eq!(v3["tags"], serde_json::json!(["a"]));
        assert_eq!(v3["summary"], "second");
        assert!(v3.get("traits").is_none());
    }
}
