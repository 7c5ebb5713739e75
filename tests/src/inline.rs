//! Converting a loaded [`Document`] to one JSON value with its `$ref`s
//! inlined, the form the official AsyncAPI JSON Schemas check.
//!
//! The official tools validate a document after dereferencing it, so a
//! referenced object is checked in the place that uses it. This module does
//! the same over our loader:
//!
//! - a `$ref` that resolves is replaced by a copy of its target, itself
//!   inlined;
//! - a `$ref` whose target is already being inlined further up (a cycle)
//!   stays as written;
//! - a `$ref` to a file that the loader did not read is replaced by the
//!   file's content read from disk, without inlining inside it. The loader
//!   leaves references inside payloads in other schema formats (such as
//!   Avro) alone, and the official tools inline them before checking such
//!   a payload;
//! - a `$ref` that does not resolve at all stays as written;
//! - values under `examples`, `example`, `default`, `const` and `enum` are
//!   data, so they are copied without inlining;
//! - in AsyncAPI 3.x, the places where the official schema requires a
//!   Reference Object (`operation.channel`, `operation.messages[i]`,
//!   `reply.channel`, `reply.messages[i]` and `channel.servers[i]`) keep
//!   their `$ref`, because the schema checks their targets where those are
//!   defined.

use hookforge_codegen::document::Document;
use hookforge_codegen::load::{self, Limits};
use hookforge_codegen::pointer::JsonPointer;
use hookforge_codegen::reference::Reference;
use hookforge_codegen::source::FileId;
use hookforge_codegen::tree::{Node, Value};
use serde_json::Map;

/// Keys whose values are data, not AsyncAPI or schema objects.
const DATA_KEYS: &[&str] = &["examples", "example", "default", "const", "enum"];

/// The inlined document was larger than the node budget allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooLarge {
    /// The budget that was exceeded, in JSON values.
    pub max_nodes: usize,
}

/// Inlines every `$ref` of `document` as described in the module
/// documentation. `keep_reference_positions` selects the AsyncAPI 3.x
/// rule for places that must stay references.
///
/// Inlining copies a target once per use, so a document whose objects
/// reference each other many times can grow exponentially: past
/// `max_nodes` JSON values the result is [`TooLarge`].
pub fn inline_document(
    document: &Document,
    keep_reference_positions: bool,
    max_nodes: usize,
) -> Result<serde_json::Value, TooLarge> {
    let mut inliner = Inliner {
        document,
        keep_reference_positions,
        budget: max_nodes,
        max_nodes,
        stack: Vec::new(),
        path: Vec::new(),
    };
    inliner.convert(document.root_file(), document.root())
}

struct Inliner<'d> {
    document: &'d Document,
    keep_reference_positions: bool,
    budget: usize,
    max_nodes: usize,
    /// Targets being inlined, as (file, pointer text), to stop cycles.
    stack: Vec<(FileId, String)>,
    /// Keys from the root of the output to the current value.
    path: Vec<String>,
}

impl Inliner<'_> {
    fn spend(&mut self) -> Result<(), TooLarge> {
        self.budget = self.budget.checked_sub(1).ok_or(TooLarge {
            max_nodes: self.max_nodes,
        })?;
        Ok(())
    }

    fn convert(&mut self, file: FileId, node: &Node) -> Result<serde_json::Value, TooLarge> {
        self.spend()?;
        match &node.value {
            Value::Mapping(mapping) => {
                if let Some(reference) = node.ref_target() {
                    return self.convert_reference(file, node, reference);
                }
                let mut object = Map::new();
                for (key, value) in mapping.iter() {
                    let converted = if DATA_KEYS.contains(&key) {
                        value.to_json()
                    } else {
                        self.path.push(key.to_owned());
                        let converted = self.convert(file, value);
                        self.path.pop();
                        converted?
                    };
                    object.insert(key.to_owned(), converted);
                }
                Ok(serde_json::Value::Object(object))
            }
            Value::Sequence(items) => {
                let mut array = Vec::with_capacity(items.len());
                for (index, item) in items.iter().enumerate() {
                    self.path.push(index.to_string());
                    let converted = self.convert(file, item);
                    self.path.pop();
                    array.push(converted?);
                }
                Ok(serde_json::Value::Array(array))
            }
            _ => Ok(node.to_json()),
        }
    }

    fn convert_reference(
        &mut self,
        file: FileId,
        node: &Node,
        reference: &str,
    ) -> Result<serde_json::Value, TooLarge> {
        if self.keep_reference_positions && self.at_reference_position() {
            return Ok(node.to_json());
        }
        let Ok(target) = self.document.resolve(file, reference) else {
            return Ok(self.read_unloaded_file(file, node));
        };
        let key = (target.file, target.pointer.to_string());
        if self.stack.contains(&key) {
            return Ok(node.to_json());
        }
        self.stack.push(key);
        let converted = self.convert(target.file, target.node);
        self.stack.pop();
        converted
    }

    /// Returns the target of the file reference `node` read straight from
    /// disk, or `node` as written when that fails.
    fn read_unloaded_file(&self, file: FileId, node: &Node) -> serde_json::Value {
        let written = node.to_json();
        let Some(Ok(Reference::File { path, pointer })) = node.ref_target().map(Reference::parse)
        else {
            return written;
        };
        let Some(folder) = self.document.sources.path(file).parent() else {
            return written;
        };
        let Ok(text) = std::fs::read_to_string(folder.join(&path)) else {
            return written;
        };
        // The file id only labels spans, which `to_json` drops.
        let parsed = load::parse(&text, file, &Limits::default());
        match parsed
            .root
            .as_ref()
            .and_then(|root| descend(root, &pointer))
        {
            Some(target) => target.to_json(),
            None => written,
        }
    }

    /// Whether the current place is one where AsyncAPI 3.x requires a
    /// Reference Object. `messages` and `servers` are arrays only in
    /// operations, replies and channels, and `channel` is a field only of
    /// operations and replies. A schema property named `channel` also keeps
    /// its `$ref`, which is harmless because schemas allow `$ref`.
    fn at_reference_position(&self) -> bool {
        let Some((last, parents)) = self.path.split_last() else {
            return false;
        };
        if last == "channel" {
            return true;
        }
        let is_index = !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit());
        is_index
            && matches!(
                parents.last().map(String::as_str),
                Some("messages" | "servers")
            )
    }
}

/// Follows `pointer` down from `node` without following `$ref`s.
fn descend<'n>(node: &'n Node, pointer: &JsonPointer) -> Option<&'n Node> {
    let mut current = node;
    for token in pointer.tokens() {
        current = match &current.value {
            Value::Mapping(mapping) => mapping.get(token)?,
            Value::Sequence(items) => items.get(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(current)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use hookforge_codegen::document::LoadOptions;
    use serde_json::json;

    use super::*;

    fn inline(text: &str, v3: bool) -> serde_json::Value {
        let (document, diagnostics) =
            Document::from_text(Path::new("inline-test.yaml"), text, LoadOptions::default());
        let document = document.unwrap_or_else(|| panic!("test YAML must parse: {diagnostics:?}"));
        inline_document(&document, v3, 10_000).expect("small document fits the budget")
    }

    #[test]
    fn local_reference_is_replaced_by_target() {
        let value = inline("a: {$ref: '#/b'}\nb: {type: string}\n", false);
        assert_eq!(value["a"], json!({"type": "string"}));
    }

    #[test]
    fn cycle_keeps_inner_reference() {
        let value = inline(
            "root: {$ref: '#/node'}\nnode: {next: {$ref: '#/node'}}\n",
            false,
        );
        assert_eq!(value["root"], json!({"next": {"$ref": "#/node"}}));
    }

    #[test]
    fn data_keys_are_copied_as_written() {
        let value = inline("examples: [{$ref: '#/b'}]\nb: 1\n", false);
        assert_eq!(value["examples"], json!([{"$ref": "#/b"}]));
    }

    #[test]
    fn v3_reference_positions_keep_reference() {
        let text = "operations:\n  op:\n    channel: {$ref: '#/channels/c'}\n    \
                    messages: [{$ref: '#/channels/c/messages/m'}]\n\
                    channels:\n  c:\n    servers: [{$ref: '#/servers/s'}]\n    messages: {m: {name: m}}\n\
                    servers:\n  s: {host: h, protocol: p}\n";
        let v3 = inline(text, true);
        assert_eq!(
            v3["operations"]["op"]["channel"],
            json!({"$ref": "#/channels/c"})
        );
        assert_eq!(
            v3["operations"]["op"]["messages"][0],
            json!({"$ref": "#/channels/c/messages/m"})
        );
        assert_eq!(
            v3["channels"]["c"]["servers"][0],
            json!({"$ref": "#/servers/s"})
        );
        let v2 = inline(text, false);
        assert_eq!(
            v2["channels"]["c"]["servers"][0],
            json!({"host": "h", "protocol": "p"})
        );
    }

    #[test]
    fn budget_exceeded_is_too_large() {
        let (document, _) = Document::from_text(
            Path::new("inline-test.yaml"),
            "a: [1, 2, 3, 4, 5]\n",
            LoadOptions::default(),
        );
        let document = document.expect("test YAML must parse");
        assert_eq!(
            inline_document(&document, false, 3),
            Err(TooLarge { max_nodes: 3 })
        );
    }
}
