//! Schema handles: where a payload, headers or binding schema is written,
//! and in which schema format.
//!
//! The model does not turn schemas into types; the type generator lowers
//! each handle later.

use crate::diagnostic::{Code, Diagnostic};
use crate::document::{is_json_schema_format, Document};
use crate::pointer::JsonPointer;
use crate::source::FileId;
use crate::tree::Node;

use super::reader::{node_at, Located, Reader};

/// A schema kept as a handle into the document.
#[derive(Clone, Debug, PartialEq)]
pub struct SchemaRef {
    /// File the schema is written in.
    pub file: FileId,
    /// Pointer to the schema inside `file`, after following `$ref`s and
    /// unwrapping a Multi Format Schema Object. A schema in another format
    /// whose `$ref` does not resolve (it names an `.avsc` or `.proto` file)
    /// stays at that `$ref`. When [`SchemaRef::merged`] is set, this names
    /// the field the traits were merged into instead.
    pub pointer: JsonPointer,
    /// The `schemaFormat` media type that applies, or `None` for the
    /// default: the AsyncAPI schema of the document's version.
    pub schema_format: Option<String>,
    /// The schema itself when message or operation traits changed it, so
    /// that it is written nowhere as one piece. Its nodes keep their spans,
    /// and each `$ref` inside resolves against the file its span names.
    pub merged: Option<Node>,
}

impl SchemaRef {
    /// Whether the schema is JSON Schema (the default format, the AsyncAPI
    /// schema dialect or `application/schema+json` / `+yaml`), the only
    /// kind the type generator lowers.
    pub fn is_json_schema(&self) -> bool {
        self.schema_format
            .as_deref()
            .is_none_or(is_json_schema_format)
    }

    /// Returns the schema node: the merged node when there is one, otherwise
    /// the node at `pointer` in `file`. Returns `None` only when `document` is
    /// not the one this handle was read from.
    pub fn node<'a>(&'a self, document: &'a Document) -> Option<&'a Node> {
        if let Some(merged) = &self.merged {
            return Some(merged);
        }
        node_at(document, self.file, &self.pointer)
    }
}

/// The part of a message a schema describes, for the wording of
/// diagnostics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SchemaRole {
    Payload,
    Headers,
}

impl SchemaRole {
    fn noun(self) -> &'static str {
        match self {
            SchemaRole::Payload => "payload",
            SchemaRole::Headers => "headers schema",
        }
    }
}

impl Reader<'_> {
    /// Reads the schema at `located` into a handle.
    ///
    /// `message_format` is a 2.x message's `schemaFormat`, which applies to
    /// its payload. In 3.x a Multi Format Schema Object (`schemaFormat` and
    /// `schema`) is unwrapped. A format other than JSON Schema gets one
    /// warning per schema location (when `role` is given), and the handle
    /// is still returned so the generator can reject it with context.
    ///
    /// Returns `None` when a JSON Schema's `$ref` does not resolve. A
    /// `$ref` in another format may name a file the loader does not read
    /// (an Avro `.avsc`, a `.proto`), so such a handle stays at the `$ref`.
    pub(crate) fn schema(
        &self,
        located: Located<'_>,
        message_format: Option<&str>,
        role: Option<SchemaRole>,
    ) -> Option<SchemaRef> {
        let written = located.clone();
        let followed = self.follow(located.clone());
        let (format, schema) = match followed.as_ref().and_then(|l| self.multi_format(l)) {
            Some((format, inner)) => (Some(format), inner),
            None => (
                message_format.map(str::to_owned),
                followed.unwrap_or(located),
            ),
        };
        let foreign = format
            .as_deref()
            .is_some_and(|format| !is_json_schema_format(format));
        if let (true, Some(format), Some(role)) = (foreign, &format, role) {
            self.report_format(&written, format, role);
        }
        let schema = match self.follow(schema.clone()) {
            Some(schema) => schema,
            None if foreign => schema,
            None => return None,
        };

        let in_document = self.node_at(schema.file, &schema.pointer);
        let unchanged =
            in_document.is_some_and(|node| std::ptr::eq(node, schema.node) || node == schema.node);
        Some(SchemaRef {
            file: schema.file,
            pointer: schema.pointer,
            schema_format: format,
            merged: (!unchanged).then(|| schema.node.clone()),
        })
    }

    /// Splits a 3.x Multi Format Schema Object into its format and inner
    /// schema.
    fn multi_format<'n>(&self, located: &Located<'n>) -> Option<(String, Located<'n>)> {
        if !self.version.is_v3() {
            return None;
        }
        let format = located.string("schemaFormat")?;
        let inner = located.field("schema")?;
        Some((format, inner))
    }

    fn report_format(&self, written: &Located<'_>, format: &str, role: SchemaRole) {
        let key = (written.file, written.pointer.clone());
        if !self.reported_formats.borrow_mut().insert(key) {
            return;
        }
        let pointer = written.pointer.to_string();
        let diagnostic = Diagnostic::warning(
            Code::UnsupportedSchemaFormat,
            format!(
                "the {} at {pointer} uses schema format {format:?}, which is not JSON Schema",
                role.noun()
            ),
        )
        .with_help(
            "only JSON Schema payloads (the AsyncAPI schema format, application/schema+json or application/schema+yaml) get generated types; the document is valid, but code generation will reject this message",
        )
        .at(pointer, written.node.span);
        self.diagnostics.borrow_mut().push(diagnostic);
    }
}
