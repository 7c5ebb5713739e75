//! One message schema as a self-contained draft-07 JSON Schema.
//!
//! The output targets JSON Schema draft-07, the draft that AsyncAPI 2.x and
//! 3.0 schemas extend, so it carries
//! `"$schema": "http://json-schema.org/draft-07/schema#"` and keeps shared
//! schemas under `definitions` (draft-07 has no `$defs`).
//!
//! Every `$ref` in a schema position is resolved through the [`Document`],
//! across files and along chains:
//!
//! - a target used once, and not part of a cycle, is inlined in its place;
//! - a target used more than once, or reached again from inside itself, is
//!   written once under `definitions` and each use becomes
//!   `{"$ref": "#/definitions/<name>"}`, so cycles stay finite;
//! - a `$ref` back to the root schema becomes `{"$ref": "#"}`.
//!
//! Keys beside a `$ref` are dropped, as draft-07 ignores them. The
//! schema's own `definitions`, `$defs`, `$id` and `$schema` are dropped too,
//! because every reference into them is already resolved and a nested
//! `$id` would change the base that `#/definitions/...` resolves against.
//! OpenAPI-style `nullable: true` (used in AsyncAPI 2.x) becomes a `type`
//! union with `"null"`, and `null` joins an `enum` so a nullable enum
//! accepts it. Other keywords, `format`, `discriminator` and `x-` keys
//! among them, are kept: validators ignore the keywords they do not know.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value as Json};

use crate::diagnostic::{Code, Diagnostic};
use crate::document::{Document, Target};
use crate::model::SchemaRef;
use crate::pointer::JsonPointer;
use crate::source::FileId;
use crate::tree::{Node, Value};

/// The `$schema` URI written at the root of every bundled schema.
pub const DRAFT_07: &str = "http://json-schema.org/draft-07/schema#";

/// Keywords whose value is one schema.
const SUBSCHEMA_KEYWORDS: &[&str] = &[
    "additionalItems",
    "additionalProperties",
    "contains",
    "propertyNames",
    "if",
    "then",
    "else",
    "not",
];

/// Keywords whose value is an array of schemas.
const SCHEMA_ARRAY_KEYWORDS: &[&str] = &["allOf", "anyOf", "oneOf"];

/// Keywords whose value maps names to schemas.
const SCHEMA_MAP_KEYWORDS: &[&str] = &["properties", "patternProperties", "dependencies"];

/// Keywords left out of the output (see the module documentation).
const DROPPED_KEYWORDS: &[&str] = &["definitions", "$defs", "$id", "$schema", "nullable"];

/// Maximum number of `$ref`s followed inside one another while bundling.
/// Real schemas nest a few levels; the bound keeps the recursion within
/// the stack on a hostile chain of distinct schemas.
const MAX_NESTED_REFS: usize = 256;

/// Returns `schema` as one self-contained draft-07 JSON Schema, as the
/// module documentation describes.
///
/// # Errors
///
/// Returns a diagnostic in these cases:
///
/// - the schema is in another schema format than JSON Schema
///   ([`Code::UnsupportedSchemaFormat`]);
/// - a `$ref` inside it does not resolve (the code of the resolution
///   error, usually [`Code::RefUnresolved`]);
/// - `schema` does not belong to `document` ([`Code::RefUnresolved`]);
/// - `$ref`s nest more than 256 deep ([`Code::LimitExceeded`]).
///
/// # Examples
///
/// ```
/// use std::path::Path;
/// use hookforge_codegen::bundle::schema_json;
/// use hookforge_codegen::document::LoadOptions;
///
/// let text = r#"
/// asyncapi: 3.0.0
/// info: {title: Orders, version: '1'}
/// channels:
///   orders:
///     messages:
///       created:
///         payload: {$ref: '#/components/schemas/Order'}
/// components:
///   schemas:
///     Order:
///       type: object
///       properties:
///         id: {type: string, format: uuid}
///         parent: {$ref: '#/components/schemas/Order'}
/// "#;
/// let validation =
///     hookforge_codegen::validate_text(Path::new("api.yaml"), text, LoadOptions::default());
/// let document = validation.document.as_ref().expect("the document parses");
/// let api = validation.model().expect("the version is supported");
/// let payload = api.channels["orders"].messages["created"].payload.as_ref().expect("a payload");
///
/// let schema = schema_json(document, payload).expect("every $ref resolves");
/// assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
/// assert_eq!(schema["properties"]["parent"]["$ref"], "#");
/// ```
pub fn schema_json(document: &Document, schema: &SchemaRef) -> Result<Json, Diagnostic> {
    if !schema.is_json_schema() {
        let format = schema.schema_format.as_deref().unwrap_or_default();
        return Err(Diagnostic::error(
            Code::UnsupportedSchemaFormat,
            format!(
                "the schema at {} uses schema format {format:?}, which is not JSON Schema, so it cannot be bundled",
                schema.pointer
            ),
        )
        .with_pointer(schema.pointer.to_string()));
    }
    let Some(root) = schema.node(document) else {
        return Err(Diagnostic::error(
            Code::RefUnresolved,
            format!("no schema at {} in this document", schema.pointer),
        )
        .with_pointer(schema.pointer.to_string()));
    };
    let root_key = schema
        .merged
        .is_none()
        .then(|| TargetKey::new(schema.file, &schema.pointer));

    let mut survey = Survey {
        document,
        uses: HashMap::new(),
        recursive: HashSet::new(),
        stack: root_key.iter().cloned().collect(),
    };
    survey.schema(root, &schema.pointer)?;

    let mut emitter = Emitter {
        document,
        root_key,
        survey,
        names: HashMap::new(),
        used_names: HashSet::new(),
        definitions: Map::new(),
        depth: 0,
    };
    let body = emitter.schema(root, &schema.pointer)?;
    Ok(finish(body, emitter.definitions))
}

/// Adds `$schema` and `definitions` to the converted root schema.
fn finish(body: Json, definitions: Map<String, Json>) -> Json {
    let mut root = match body {
        // A root `$ref` would make draft-07 ignore its sibling keywords.
        Json::Object(object) if object.contains_key("$ref") => {
            let mut wrapper = Map::new();
            wrapper.insert("allOf".to_owned(), Json::Array(vec![Json::Object(object)]));
            wrapper
        }
        Json::Object(object) => object,
        Json::Bool(accept) if definitions.is_empty() => {
            return Json::Bool(accept);
        }
        other => {
            let mut wrapper = Map::new();
            wrapper.insert("allOf".to_owned(), Json::Array(vec![other]));
            wrapper
        }
    };
    let mut out = Map::new();
    out.insert("$schema".to_owned(), Json::String(DRAFT_07.to_owned()));
    out.append(&mut root);
    if !definitions.is_empty() {
        out.insert("definitions".to_owned(), Json::Object(definitions));
    }
    Json::Object(out)
}

/// A resolved `$ref` target: its file and the pointer text inside it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct TargetKey {
    file: FileId,
    pointer: String,
}

impl TargetKey {
    fn new(file: FileId, pointer: &JsonPointer) -> TargetKey {
        TargetKey {
            file,
            pointer: pointer.to_string(),
        }
    }
}

/// Resolves the `$ref` of `node`, written at `pointer`, to the node a chain
/// of references ends at.
fn resolve<'d>(
    document: &'d Document,
    node: &Node,
    reference: &str,
    pointer: &JsonPointer,
) -> Result<Target<'d>, Diagnostic> {
    let file = node.span.file;
    let at = |error: crate::document::RefError| {
        error.into_diagnostic(pointer.join("$ref").to_string(), node.span)
    };
    let target = document.resolve(file, reference).map_err(at)?;
    document
        .follow(target.file, &target.pointer, target.node)
        .map_err(at)
}

/// Calls `visit` on each subschema of the schema object `mapping`, with
/// the key it is under and its pointer.
fn for_each_subschema<'n>(
    document: &'n Document,
    mapping: &'n crate::tree::Mapping,
    pointer: &JsonPointer,
    mut visit: impl FnMut(&'n Node, JsonPointer) -> Result<(), Diagnostic>,
) -> Result<(), Diagnostic> {
    for (key, value) in mapping.iter() {
        let here = pointer.join(key);
        match classify(key, value) {
            Keyword::Schema => visit(value, here)?,
            Keyword::SchemaArray => {
                for (index, item) in value.as_sequence().unwrap_or_default().iter().enumerate() {
                    visit(item, here.join(index.to_string()))?;
                }
            }
            Keyword::SchemaMap => {
                let (map, here) = schema_map(document, value, here)?;
                for (name, item) in map.as_mapping().into_iter().flat_map(|m| m.iter()) {
                    visit(item, here.join(name))?;
                }
            }
            Keyword::Dropped | Keyword::Data => {}
        }
    }
    Ok(())
}

/// Returns the mapping of names to schemas under a keyword such as
/// `properties`. Some documents write the whole mapping as a `$ref`
/// (`properties: {$ref: ...}`), which is followed like any other, so keys
/// beside it are dropped.
fn schema_map<'n>(
    document: &'n Document,
    value: &'n Node,
    pointer: JsonPointer,
) -> Result<(&'n Node, JsonPointer), Diagnostic> {
    match value.ref_target() {
        Some(reference) => {
            let target = resolve(document, value, reference, &pointer)?;
            Ok((target.node, target.pointer))
        }
        None => Ok((value, pointer)),
    }
}

/// The treatment of one keyword's value in a schema object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Keyword {
    /// One schema.
    Schema,
    /// An array of schemas.
    SchemaArray,
    /// A mapping from names to schemas (a `dependencies` entry may also
    /// be an array of names, which is data).
    SchemaMap,
    /// Left out of the output.
    Dropped,
    /// Copied as written.
    Data,
}

fn classify(key: &str, value: &Node) -> Keyword {
    if DROPPED_KEYWORDS.contains(&key) {
        return Keyword::Dropped;
    }
    if key == "items" {
        return match value.value {
            Value::Sequence(_) => Keyword::SchemaArray,
            _ => Keyword::Schema,
        };
    }
    let is_container = match value.value {
        Value::Sequence(_) => SCHEMA_ARRAY_KEYWORDS.contains(&key),
        Value::Mapping(_) => SCHEMA_MAP_KEYWORDS.contains(&key),
        _ => false,
    };
    match value.value {
        _ if SUBSCHEMA_KEYWORDS.contains(&key) => Keyword::Schema,
        Value::Sequence(_) if is_container => Keyword::SchemaArray,
        Value::Mapping(_) if is_container => Keyword::SchemaMap,
        _ => Keyword::Data,
    }
}

/// The first pass: counts the uses of each `$ref` target and finds the
/// targets that are reached again from inside themselves.
struct Survey<'d> {
    document: &'d Document,
    uses: HashMap<TargetKey, usize>,
    recursive: HashSet<TargetKey>,
    /// Targets being surveyed, outermost first.
    stack: Vec<TargetKey>,
}

impl Survey<'_> {
    fn schema(&mut self, node: &Node, pointer: &JsonPointer) -> Result<(), Diagnostic> {
        let Some(mapping) = node.as_mapping() else {
            return Ok(());
        };
        if let Some(reference) = node.ref_target() {
            let document = self.document;
            let target = resolve(document, node, reference, pointer)?;
            let key = TargetKey::new(target.file, &target.pointer);
            *self.uses.entry(key.clone()).or_default() += 1;
            if self.stack.contains(&key) {
                self.recursive.insert(key);
                return Ok(());
            }
            if self.uses[&key] > 1 {
                return Ok(());
            }
            if self.stack.len() >= MAX_NESTED_REFS {
                return Err(nesting_error(node, pointer));
            }
            self.stack.push(key);
            let result = self.schema(target.node, &target.pointer);
            self.stack.pop();
            return result;
        }
        let document = self.document;
        for_each_subschema(document, mapping, pointer, |child, here| {
            self.schema(child, &here)
        })
    }
}

fn nesting_error(node: &Node, pointer: &JsonPointer) -> Diagnostic {
    Diagnostic::error(
        Code::LimitExceeded,
        format!(
            "the schema nests more than {MAX_NESTED_REFS} $refs inside one another, so it was not bundled"
        ),
    )
    .with_help("point deeply nested references at shared schemas directly")
    .at(pointer.join("$ref").to_string(), node.span)
}

/// The second pass: builds the output from the survey's counts.
struct Emitter<'d> {
    document: &'d Document,
    root_key: Option<TargetKey>,
    survey: Survey<'d>,
    /// Definition name of each target written under `definitions`.
    names: HashMap<TargetKey, String>,
    used_names: HashSet<String>,
    definitions: Map<String, Json>,
    /// Number of `$ref`s being emitted inside one another.
    depth: usize,
}

impl Emitter<'_> {
    fn schema(&mut self, node: &Node, pointer: &JsonPointer) -> Result<Json, Diagnostic> {
        let Some(mapping) = node.as_mapping() else {
            return Ok(node.to_json());
        };
        if let Some(reference) = node.ref_target() {
            return self.reference(node, reference, pointer);
        }
        let mut object = Map::new();
        for (key, value) in mapping.iter() {
            let here = pointer.join(key);
            let converted = match classify(key, value) {
                Keyword::Dropped => continue,
                Keyword::Data => value.to_json(),
                Keyword::Schema => self.schema(value, &here)?,
                Keyword::SchemaArray => {
                    let items = value.as_sequence().unwrap_or_default();
                    let mut array = Vec::with_capacity(items.len());
                    for (index, item) in items.iter().enumerate() {
                        array.push(self.schema(item, &here.join(index.to_string()))?);
                    }
                    Json::Array(array)
                }
                Keyword::SchemaMap => {
                    let (value, here) = schema_map(self.document, value, here)?;
                    let mut map = Map::new();
                    for (name, item) in value.as_mapping().into_iter().flat_map(|m| m.iter()) {
                        let converted = match (key, &item.value) {
                            ("dependencies", Value::Sequence(_)) => item.to_json(),
                            _ => self.schema(item, &here.join(name))?,
                        };
                        map.insert(name.to_owned(), converted);
                    }
                    Json::Object(map)
                }
            };
            object.insert(key.to_owned(), converted);
        }
        if mapping.get("nullable").and_then(Node::as_bool) == Some(true) {
            allow_null(&mut object);
        }
        Ok(Json::Object(object))
    }

    fn reference(
        &mut self,
        node: &Node,
        reference: &str,
        pointer: &JsonPointer,
    ) -> Result<Json, Diagnostic> {
        let document = self.document;
        let target = resolve(document, node, reference, pointer)?;
        let key = TargetKey::new(target.file, &target.pointer);
        if self.root_key.as_ref() == Some(&key) {
            return Ok(reference_to("#".to_owned()));
        }

        if self.depth >= MAX_NESTED_REFS {
            return Err(nesting_error(node, pointer));
        }
        let shared = self.survey.uses.get(&key).copied().unwrap_or_default() > 1
            || self.survey.recursive.contains(&key);
        if !shared {
            self.depth += 1;
            let inlined = self.schema(target.node, &target.pointer);
            self.depth -= 1;
            return inlined;
        }

        if let Some(name) = self.names.get(&key) {
            return Ok(definition_reference(name));
        }
        let name = self.claim_name(&target);
        self.names.insert(key, name.clone());
        // Reserve the slot first so that the definition keeps the order in
        // which schemas were first used, before its own references.
        self.definitions.insert(name.clone(), Json::Null);
        self.depth += 1;
        let body = self.schema(target.node, &target.pointer);
        self.depth -= 1;
        self.definitions.insert(name.clone(), body?);
        Ok(definition_reference(&name))
    }

    /// Picks a definition name for `target`: its last pointer token that is
    /// not an array index, or the file name, made unique with a suffix.
    fn claim_name(&mut self, target: &Target<'_>) -> String {
        let token = target
            .pointer
            .tokens()
            .iter()
            .rev()
            .find(|token| !token.bytes().all(|b| b.is_ascii_digit()))
            .cloned();
        let base = token.unwrap_or_else(|| {
            let path = self.document.sources.path(target.file);
            path.file_stem()
                .map(|stem| stem.to_string_lossy().into_owned())
                .unwrap_or_default()
        });
        let base = sanitize(&base);
        let mut name = base.clone();
        let mut suffix = 2;
        while !self.used_names.insert(name.clone()) {
            name = format!("{base}_{suffix}");
            suffix += 1;
        }
        name
    }
}

/// Keeps the letters, digits, `_`, `-` and `.` of `name`, replacing others
/// with `_`, so that the name needs no escaping in a `$ref` fragment.
fn sanitize(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '_' | '-' | '.' => c,
            _ => '_',
        })
        .collect();
    if cleaned.is_empty() {
        "schema".to_owned()
    } else {
        cleaned
    }
}

fn definition_reference(name: &str) -> Json {
    reference_to(format!("#/definitions/{name}"))
}

fn reference_to(target: String) -> Json {
    let mut object = Map::new();
    object.insert("$ref".to_owned(), Json::String(target));
    Json::Object(object)
}

/// Applies `nullable: true`: `null` joins a `type` and an `enum`. A schema
/// without `type` already accepts `null` unless its other keywords forbid
/// it, and those are left alone.
fn allow_null(object: &mut Map<String, Json>) {
    let null_type = Json::String("null".to_owned());
    match object.get_mut("type") {
        Some(Json::String(name)) if name != "null" => {
            let single = Json::String(std::mem::take(name));
            object.insert("type".to_owned(), Json::Array(vec![single, null_type]));
        }
        Some(Json::Array(names)) if !names.contains(&null_type) => names.push(null_type),
        _ => {}
    }
    if let Some(Json::Array(values)) = object.get_mut("enum") {
        if !values.contains(&Json::Null) {
            values.push(Json::Null);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use serde_json::json;

    use super::*;
    use crate::document::LoadOptions;
    use crate::Validation;

    /// Bundles the payload of message `message` of channel `channel`.
    fn bundle_payload(
        validation: &Validation,
        channel: &str,
        message: &str,
    ) -> Result<Json, Diagnostic> {
        let document = validation
            .document
            .as_ref()
            .expect("the test document loads");
        let api = validation.model().expect("the test document has a version");
        let payload = api.channels[channel].messages[message]
            .payload
            .clone()
            .expect("the test message has a payload");
        schema_json(document, &payload)
    }

    fn from_text(text: &str) -> Validation {
        crate::validate_text(Path::new("bundle-test.yaml"), text, LoadOptions::default())
    }

    /// Returns a v3 document whose message `m` on channel `c` has `payload`, with
    /// `schemas` as its component schemas.
    fn v3(payload: &str, schemas: &str) -> String {
        format!(
            "asyncapi: 3.0.0\ninfo: {{title: t, version: '1'}}\nchannels:\n  c:\n    messages:\n      m:\n        payload: {payload}\ncomponents:\n  schemas: {schemas}\n"
        )
    }

    #[test]
    fn local_reference_used_once_is_inlined() {
        let text = v3(
            "{type: object, properties: {a: {$ref: '#/components/schemas/A'}}}",
            "{A: {type: string, maxLength: 3}}",
        );
        let schema = bundle_payload(&from_text(&text), "c", "m").expect("bundles");
        assert_eq!(schema["$schema"], DRAFT_07);
        assert_eq!(
            schema["properties"]["a"],
            json!({"type": "string", "maxLength": 3})
        );
        assert!(schema.get("definitions").is_none());
    }

    #[test]
    fn shared_schema_goes_to_definitions() {
        let text = v3(
            "{type: object, properties: {a: {$ref: '#/components/schemas/Money'}, b: {$ref: '#/components/schemas/Money'}}}",
            "{Money: {type: integer, minimum: 0}}",
        );
        let schema = bundle_payload(&from_text(&text), "c", "m").expect("bundles");
        assert_eq!(
            schema["properties"]["a"],
            json!({"$ref": "#/definitions/Money"})
        );
        assert_eq!(
            schema["properties"]["b"],
            json!({"$ref": "#/definitions/Money"})
        );
        assert_eq!(
            schema["definitions"]["Money"],
            json!({"type": "integer", "minimum": 0})
        );
    }

    #[test]
    fn chained_reference_resolves_to_end() {
        let text = v3(
            "{$ref: '#/components/schemas/First'}",
            "{First: {$ref: '#/components/schemas/Second'}, Second: {type: boolean}}",
        );
        let schema = bundle_payload(&from_text(&text), "c", "m").expect("bundles");
        assert_eq!(schema, json!({"$schema": DRAFT_07, "type": "boolean"}));
    }

    #[test]
    fn self_reference_points_at_root() {
        let text = v3(
            "{$ref: '#/components/schemas/Node'}",
            "{Node: {type: object, properties: {next: {$ref: '#/components/schemas/Node'}}}}",
        );
        let schema = bundle_payload(&from_text(&text), "c", "m").expect("bundles");
        assert_eq!(schema["properties"]["next"], json!({"$ref": "#"}));
    }

    #[test]
    fn mutual_recursion_is_finite() {
        let text = v3(
            "{type: array, items: {$ref: '#/components/schemas/A'}}",
            "{A: {type: object, properties: {b: {$ref: '#/components/schemas/B'}}}, B: {type: object, properties: {a: {$ref: '#/components/schemas/A'}}}}",
        );
        let schema = bundle_payload(&from_text(&text), "c", "m").expect("bundles");
        assert_eq!(schema["items"], json!({"$ref": "#/definitions/A"}));
        assert_eq!(
            schema["definitions"]["A"]["properties"]["b"]["properties"]["a"],
            json!({"$ref": "#/definitions/A"})
        );
        assert!(schema["definitions"].get("B").is_none());
    }

    #[test]
    fn nullable_becomes_type_union() {
        let text = v3(
            "{type: object, properties: {a: {type: string, nullable: true, enum: [x, y]}, b: {type: [integer], nullable: true}, c: {type: string, nullable: false}}}",
            "{}",
        );
        let schema = bundle_payload(&from_text(&text), "c", "m").expect("bundles");
        let properties = &schema["properties"];
        assert_eq!(
            properties["a"],
            json!({"type": ["string", "null"], "enum": ["x", "y", null]})
        );
        assert_eq!(properties["b"], json!({"type": ["integer", "null"]}));
        assert_eq!(properties["c"], json!({"type": "string"}));
    }

    #[test]
    fn data_and_unknown_keywords_are_kept() {
        let text = v3(
            "{type: object, discriminator: kind, x-owner: team, format: email, examples: [{$ref: not-a-ref}], definitions: {Old: {type: string}}, $id: 'urn:x'}",
            "{}",
        );
        let schema = bundle_payload(&from_text(&text), "c", "m").expect("bundles");
        assert_eq!(schema["discriminator"], "kind");
        assert_eq!(schema["x-owner"], "team");
        assert_eq!(schema["format"], "email");
        assert_eq!(schema["examples"], json!([{"$ref": "not-a-ref"}]));
        assert!(schema.get("definitions").is_none());
        assert!(schema.get("$id").is_none());
    }

    #[test]
    fn name_collision_gets_suffix() {
        let text = v3(
            "{type: object, properties: {a: {$ref: '#/components/schemas/Item'}, a2: {$ref: '#/components/schemas/Item'}, b: {$ref: '#/components/schemas/Box/properties/Item'}, b2: {$ref: '#/components/schemas/Box/properties/Item'}}}",
            "{Item: {type: string}, Box: {type: object, properties: {Item: {type: integer}}}}",
        );
        let schema = bundle_payload(&from_text(&text), "c", "m").expect("bundles");
        assert_eq!(
            schema["properties"]["a"],
            json!({"$ref": "#/definitions/Item"})
        );
        assert_eq!(
            schema["properties"]["b"],
            json!({"$ref": "#/definitions/Item_2"})
        );
        assert_eq!(schema["definitions"]["Item_2"], json!({"type": "integer"}));
    }

    #[test]
    fn properties_written_as_reference_resolve() {
        let text = v3(
            "{type: object, properties: {$ref: '#/components/schemas/Basics', data: {type: array}}}",
            "{Basics: {id: {type: integer, minimum: 0}}}",
        );
        let schema = bundle_payload(&from_text(&text), "c", "m").expect("bundles");
        assert_eq!(
            schema["properties"],
            json!({"id": {"type": "integer", "minimum": 0}})
        );
    }

    #[test]
    fn avro_payload_is_rejected() {
        let text = "asyncapi: 2.6.0\ninfo: {title: t, version: '1'}\nchannels:\n  c:\n    publish:\n      message:\n        schemaFormat: application/vnd.apache.avro;version=1.9.0\n        payload: {type: record, name: R, fields: []}\n";
        let validation = from_text(text);
        let document = validation.document.as_ref().expect("loads");
        let api = validation.model().expect("has a version");
        let payload = api.channels["c"]
            .messages
            .values()
            .next()
            .and_then(|m| m.payload.clone())
            .expect("payload");
        let error = schema_json(document, &payload).expect_err("Avro is not JSON Schema");
        assert_eq!(error.code, Code::UnsupportedSchemaFormat);
    }

    /// Creates a temporary folder with `files` written into it.
    fn folder(name: &str, files: &[(&str, &str)]) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("hookforge-bundle-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp folder is writable");
        for (file, text) in files {
            std::fs::write(dir.join(file), text).expect("temp file is writable");
        }
        dir
    }

    #[test]
    fn references_across_files_resolve() {
        let root = v3("{$ref: 'schemas.yaml#/Event'}", "{}");
        let schemas = "Event:\n  type: object\n  properties:\n    amount: {$ref: '#/Money'}\n    refund: {$ref: '#/Money'}\n    tree: {$ref: '#/Tree'}\nMoney: {type: integer, minimum: 1}\nTree:\n  type: array\n  items: {$ref: '#/Tree'}\n";
        let dir = folder("files", &[("api.yaml", &root), ("schemas.yaml", schemas)]);
        let validation = crate::validate_file(&dir.join("api.yaml"), LoadOptions::default());
        let schema = bundle_payload(&validation, "c", "m").expect("bundles");
        std::fs::remove_dir_all(&dir).expect("temp folder is removable");
        assert_eq!(
            schema["properties"]["amount"],
            json!({"$ref": "#/definitions/Money"})
        );
        assert_eq!(
            schema["definitions"]["Money"],
            json!({"type": "integer", "minimum": 1})
        );
        assert_eq!(
            schema["properties"]["tree"],
            json!({"$ref": "#/definitions/Tree"})
        );
        assert_eq!(
            schema["definitions"]["Tree"],
            json!({"type": "array", "items": {"$ref": "#/definitions/Tree"}})
        );
    }

    #[test]
    fn unresolved_reference_is_error() {
        let text = v3(
            "{type: object, properties: {a: {$ref: '#/components/schemas/Missing'}}}",
            "{}",
        );
        let validation = from_text(&text);
        let error =
            bundle_payload(&validation, "c", "m").expect_err("the inner $ref does not resolve");
        assert_eq!(error.code, Code::RefUnresolved);
        assert_eq!(
            error.pointer,
            "/channels/c/messages/m/payload/properties/a/$ref"
        );
    }
}
