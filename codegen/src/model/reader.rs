//! The reading context: located nodes, `$ref` following and the small field
//! readers that every object kind shares.

use std::cell::RefCell;
use std::collections::HashSet;

use indexmap::IndexMap;

use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::pointer::JsonPointer;
use crate::source::FileId;
use crate::tree::{Node, Value};
use crate::version::SpecVersion;

use super::{Extensions, ExternalDocs, Location, Tag};

/// A node with the file and JSON pointer where it is written.
///
/// The node may also be the result of a trait merge, which is written
/// nowhere as one piece. `pointer` then names the object the traits were
/// applied to.
#[derive(Clone, Debug)]
pub(crate) struct Located<'n> {
    pub(crate) file: FileId,
    pub(crate) pointer: JsonPointer,
    pub(crate) node: &'n Node,
}

impl<'n> Located<'n> {
    /// Returns the value under `key`, if this node is a mapping that has it.
    pub(crate) fn field(&self, key: &str) -> Option<Located<'n>> {
        let node = self.node.get(key)?;
        Some(Located {
            file: self.file,
            pointer: self.pointer.join(key),
            node,
        })
    }

    /// Returns the string under `key`, if present and a string.
    pub(crate) fn string(&self, key: &str) -> Option<String> {
        self.node.get(key).and_then(Node::as_str).map(str::to_owned)
    }

    /// Returns the boolean under `key`, if present and a boolean.
    pub(crate) fn boolean(&self, key: &str) -> Option<bool> {
        self.node.get(key).and_then(Node::as_bool)
    }

    /// Returns the non-negative integer under `key`, if present and one.
    pub(crate) fn unsigned(&self, key: &str) -> Option<u64> {
        self.node
            .get(key)
            .and_then(Node::as_number)
            .and_then(|n| n.as_u64())
    }

    /// Returns the strings listed under `key`. Items that are not strings
    /// are skipped, and a missing or non-list value gives an empty list.
    pub(crate) fn strings(&self, key: &str) -> Vec<String> {
        self.node
            .get(key)
            .and_then(Node::as_sequence)
            .map(|items| {
                items
                    .iter()
                    .filter_map(Node::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Returns the value under `key` converted to JSON, if present.
    pub(crate) fn json(&self, key: &str) -> Option<serde_json::Value> {
        self.node.get(key).map(Node::to_json)
    }

    /// Lists the entries of this node as located children, in source
    /// order. The list is empty when the node is not a mapping.
    pub(crate) fn entries(&self) -> Vec<(String, Located<'n>)> {
        let Some(mapping) = self.node.as_mapping() else {
            return Vec::new();
        };
        mapping
            .iter()
            .map(|(key, node)| {
                let child = Located {
                    file: self.file,
                    pointer: self.pointer.join(key),
                    node,
                };
                (key.to_owned(), child)
            })
            .collect()
    }

    /// Lists the items of this node as located children. The list is empty
    /// when the node is not a sequence.
    pub(crate) fn items(&self) -> Vec<Located<'n>> {
        let Some(items) = self.node.as_sequence() else {
            return Vec::new();
        };
        items
            .iter()
            .enumerate()
            .map(|(index, node)| Located {
                file: self.file,
                pointer: self.pointer.join(index.to_string()),
                node,
            })
            .collect()
    }

    /// Returns the file and pointer of this node.
    pub(crate) fn location(&self) -> Location {
        Location {
            file: self.file,
            pointer: self.pointer.clone(),
        }
    }

    /// Collects the `x-` extensions of this node, in source order.
    pub(crate) fn extensions(&self) -> Extensions {
        let mut extensions = IndexMap::new();
        if let Some(mapping) = self.node.as_mapping() {
            for (key, value) in mapping.iter() {
                if key.starts_with("x-") {
                    extensions.insert(key.to_owned(), value.to_json());
                }
            }
        }
        extensions
    }
}

/// State shared while one document is read into the model.
pub(crate) struct Reader<'d> {
    pub(crate) document: &'d Document,
    pub(crate) version: SpecVersion,
    /// Problems found while reading. Reading methods take `&self` so they
    /// can call each other from closures; reporting goes through the cell.
    pub(crate) diagnostics: RefCell<Vec<Diagnostic>>,
    /// Schemas already reported as being in an unsupported format, so a
    /// payload reached through several references is reported once.
    pub(crate) reported_formats: RefCell<HashSet<(FileId, JsonPointer)>>,
}

impl<'d> Reader<'d> {
    pub(crate) fn new(document: &'d Document, version: SpecVersion) -> Reader<'d> {
        Reader {
            document,
            version,
            diagnostics: RefCell::new(Vec::new()),
            reported_formats: RefCell::new(HashSet::new()),
        }
    }

    /// Returns the root of the document.
    pub(crate) fn root(&self) -> Located<'d> {
        Located {
            file: self.document.root_file(),
            pointer: JsonPointer::root(),
            node: self.document.root(),
        }
    }

    /// Finds the object at `components/<path...>` of the root file,
    /// following `$ref`s.
    pub(crate) fn component(&self, path: &[&str]) -> Option<Located<'d>> {
        let mut located = self.object_field(&self.root(), "components")?;
        for key in path {
            located = self.object_field(&located, key)?;
        }
        Some(located)
    }

    /// Follows `$ref`s from `located` to the object they name, or returns
    /// it unchanged when it is not a reference.
    ///
    /// Returns `None` when a reference does not resolve: the loader has
    /// already reported it, so the model skips the object.
    pub(crate) fn follow<'n>(&self, located: Located<'n>) -> Option<Located<'n>>
    where
        'd: 'n,
    {
        if located.node.ref_target().is_none() {
            return Some(located);
        }
        // A reference is relative to the file it is written in; for a node
        // that a trait merge produced, only its span records that file.
        let target = self
            .document
            .follow(located.node.span.file, &located.pointer, located.node)
            .ok()?;
        Some(Located {
            file: target.file,
            pointer: target.pointer,
            node: target.node,
        })
    }

    /// Follows `$ref`s and returns the object only if it is a mapping.
    pub(crate) fn object<'n>(&self, located: Located<'n>) -> Option<Located<'n>>
    where
        'd: 'n,
    {
        self.follow(located)
            .filter(|l| matches!(l.node.value, Value::Mapping(_)))
    }

    /// Finds the object under `key` of `parent`, following `$ref`s.
    pub(crate) fn object_field<'n>(&self, parent: &Located<'n>, key: &str) -> Option<Located<'n>>
    where
        'd: 'n,
    {
        self.object(parent.field(key)?)
    }

    /// Resolves the `$ref` written at `located`, without following a
    /// `$ref` found at the target itself.
    pub(crate) fn resolve_once(&self, located: &Located<'_>) -> Option<Location> {
        let reference = located.node.ref_target()?;
        // A reference is relative to the file it is written in, which a
        // merged node only records in its span.
        let target = self
            .document
            .resolve(located.node.span.file, reference)
            .ok()?;
        Some(Location {
            file: target.file,
            pointer: target.pointer,
        })
    }

    /// Finds the node at `pointer` in file `file`, without following
    /// `$ref`s.
    pub(crate) fn node_at(&self, file: FileId, pointer: &JsonPointer) -> Option<&'d Node> {
        node_at(self.document, file, pointer)
    }

    /// Reads the tags under `key` of `parent`. Entries that are not objects
    /// are skipped.
    pub(crate) fn tags(&self, parent: &Located<'_>, key: &str) -> Vec<Tag> {
        let Some(list) = parent.field(key) else {
            return Vec::new();
        };
        list.items()
            .into_iter()
            .filter_map(|item| self.object(item))
            .filter_map(|tag| {
                Some(Tag {
                    name: tag.string("name")?,
                    description: tag.string("description"),
                    external_docs: self.external_docs(&tag, "externalDocs"),
                    extensions: tag.extensions(),
                })
            })
            .collect()
    }

    /// Reads the External Documentation Object under `key` of `parent`.
    pub(crate) fn external_docs(&self, parent: &Located<'_>, key: &str) -> Option<ExternalDocs> {
        let docs = self.object_field(parent, key)?;
        Some(ExternalDocs {
            url: docs.string("url")?,
            description: docs.string("description"),
            extensions: docs.extensions(),
        })
    }
}

/// Finds the node at `pointer` in file `file` of `document`, walking
/// mappings and sequences without following `$ref`s.
pub(crate) fn node_at<'d>(
    document: &'d Document,
    file: FileId,
    pointer: &JsonPointer,
) -> Option<&'d Node> {
    let mut node = document.tree(file)?;
    for token in pointer.tokens() {
        node = match &node.value {
            Value::Mapping(mapping) => mapping.get(token)?,
            Value::Sequence(items) => items.get(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(node)
}

/// Converts a scalar to a 3.0 parameter or server variable value: a string
/// as written, a number or boolean in JSON syntax.
pub(crate) fn scalar_text(node: &Node) -> Option<String> {
    match &node.value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.as_str().to_owned()),
        Value::Bool(value) => Some(value.to_string()),
        _ => None,
    }
}
