//! Small helpers to move through the spanned tree with file and pointer
//! attached, following `$ref`s where the specification allows them.
//!
//! Every helper returns `None` (or nothing) where the tree is malformed or a
//! reference does not resolve: the structural rules and the loader already
//! report those, so semantic rules skip them silently.

use crate::document::{Document, Target};
use crate::pointer::JsonPointer;
use crate::source::{FileId, Span};

/// Where a node is: its file and its pointer inside that file. Two places
/// with the same identity are the same object, however they were reached.
pub(super) type Identity = (FileId, JsonPointer);

/// Returns the identity of a located node.
pub(super) fn identity(target: &Target<'_>) -> Identity {
    (target.file, target.pointer.clone())
}

/// Returns the root of the document's root file.
pub(super) fn root(document: &Document) -> Target<'_> {
    Target {
        file: document.root_file(),
        pointer: JsonPointer::root(),
        node: document.root(),
    }
}

/// Returns the value under `key`, as written (a `$ref` is not followed).
pub(super) fn child<'d>(target: &Target<'d>, key: &str) -> Option<Target<'d>> {
    let node = target.node.get(key)?;
    Some(Target {
        file: target.file,
        pointer: target.pointer.join(key),
        node,
    })
}

/// Follows `target` if it is a `$ref`; `None` when the reference does not
/// resolve.
pub(super) fn follow<'d>(document: &'d Document, target: &Target<'d>) -> Option<Target<'d>> {
    document
        .follow(target.file, &target.pointer, target.node)
        .ok()
}

/// Returns the value under `key`, following a `$ref` at that value.
pub(super) fn field<'d>(
    document: &'d Document,
    target: &Target<'d>,
    key: &str,
) -> Option<Target<'d>> {
    follow(document, &child(target, key)?)
}

/// A mapping entry with its location.
pub(super) struct Named<'d> {
    /// The key.
    pub name: &'d str,
    /// Where the key is written.
    pub key_span: Span,
    /// The value as written (a `$ref` is not followed).
    pub value: Target<'d>,
}

/// Returns the entries of `target` if it is a mapping, skipping `$ref` and
/// specification extensions (`x-...`).
pub(super) fn entries<'d>(target: &Target<'d>) -> Vec<Named<'d>> {
    let Some(mapping) = target.node.as_mapping() else {
        return Vec::new();
    };
    mapping
        .entries()
        .filter(|(name, _)| *name != "$ref" && !name.starts_with("x-"))
        .map(|(name, entry)| Named {
            name,
            key_span: entry.key_span,
            value: Target {
                file: target.file,
                pointer: target.pointer.join(name),
                node: &entry.value,
            },
        })
        .collect()
}

/// Returns the entries of the mapping under `key`, following a `$ref` at the
/// mapping itself.
pub(super) fn field_entries<'d>(
    document: &'d Document,
    target: &Target<'d>,
    key: &str,
) -> Vec<Named<'d>> {
    field(document, target, key)
        .map(|map| entries(&map))
        .unwrap_or_default()
}

/// Returns the items of `target` if it is a sequence, as written.
pub(super) fn items<'d>(target: &Target<'d>) -> Vec<Target<'d>> {
    let Some(items) = target.node.as_sequence() else {
        return Vec::new();
    };
    items
        .iter()
        .enumerate()
        .map(|(index, node)| Target {
            file: target.file,
            pointer: target.pointer.join(index.to_string()),
            node,
        })
        .collect()
}

/// Returns the items of the sequence under `key`, following a `$ref` at the
/// sequence itself.
pub(super) fn field_items<'d>(
    document: &'d Document,
    target: &Target<'d>,
    key: &str,
) -> Vec<Target<'d>> {
    field(document, target, key)
        .map(|list| items(&list))
        .unwrap_or_default()
}

/// Returns the string under `key` with its location, if it is a string.
pub(super) fn string_field<'d>(target: &Target<'d>, key: &str) -> Option<(&'d str, Target<'d>)> {
    let value = child(target, key)?;
    let text = value.node.as_str()?;
    Some((text, value))
}

/// Returns the pointer text of a location, for diagnostics.
pub(super) fn pointer_text(target: &Target<'_>) -> String {
    target.pointer.to_string()
}

/// Where `span` starts, as "line N" for the root file and "line N of
/// FILE" for other files, for messages that point at a second place.
pub(super) fn place(document: &Document, span: Span) -> String {
    let line = span.start.line;
    if span.file == document.root_file() {
        format!("line {line}")
    } else {
        let path = document.sources.path(span.file).display();
        format!("line {line} of {path}")
    }
}

/// Returns the trait in a `traits` item. Since 2.4 an item may be a pair
/// `[trait, overrides]`, whose first element is the trait.
pub(super) fn trait_of<'d>(item: &Target<'d>) -> Target<'d> {
    match items(item).into_iter().next() {
        Some(first) => first,
        None => item.clone(),
    }
}
