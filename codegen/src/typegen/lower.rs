//! Lowering JSON Schema into the [`TypeSpace`].
//!
//! Each schema location gets its type id before its children are lowered,
//! so forward and circular references resolve to the id; cycles are broken
//! with `Box` afterwards (see `cycles`).

use std::collections::{HashMap, HashSet, VecDeque};

use crate::diagnostic::{Code, Diagnostic};
use crate::document::Document;
use crate::pointer::JsonPointer;
use crate::source::FileId;
use crate::tree::{Node, Value};

use super::custom::Customization;
use super::names::{pascal_case, snake_case, NameScope};
use super::space::{
    EnumValue, Field, OneOfDetails, SchemaLocation, StringFormat, StructDetails, Tagging,
    TypeDetails, TypeEntry, TypeId, TypeRef, TypeSpace, Variant,
};

/// Deepest nesting of inline schemas lowered; deeper ones become
/// `serde_json::Value` with a warning instead of overflowing the stack.
const MAX_DEPTH: usize = 64;

/// Builds a [`TypeSpace`] from schemas of one document.
pub struct Lowering<'d> {
    document: &'d Document,
    space: TypeSpace,
    by_location: HashMap<SchemaLocation, TypeRef>,
    roots: HashMap<SchemaLocation, TypeRef>,
    /// Names of `components/schemas` entries, claimed before any other name
    /// so a component keeps its own name.
    component_names: HashMap<SchemaLocation, String>,
    /// Schema locations being lowered, to detect a schema that contains
    /// itself without having a named type yet (an array of itself, say).
    in_progress: HashSet<SchemaLocation>,
    /// Locations found to recur through `in_progress`, with the newtype
    /// reserved for them.
    recurring: HashMap<SchemaLocation, TypeId>,
    /// Named types reserved for schemas reached through a reference, whose
    /// lowering waits in `queue`; `reserve` hands out these ids again.
    deferred_ids: HashMap<SchemaLocation, TypeId>,
    /// Referenced schemas to lower after the current one. Lowering them
    /// from a queue keeps the Rust stack as deep as the inline nesting of
    /// one schema, not as long as a chain of references between schemas.
    queue: VecDeque<(Schema<'d>, SchemaLocation, String)>,
    /// Locations whose schema admits `null`, so that the reference stored
    /// for them when their type is reserved is `Option<Name>`.
    nullable: HashSet<SchemaLocation>,
    type_names: NameScope,
    /// Schemas replaced by types of the application, which get no type of
    /// their own.
    replacements: HashMap<SchemaLocation, String>,
    diagnostics: Vec<Diagnostic>,
    depth: usize,
}

/// A schema node together with where it is written.
#[derive(Clone)]
struct Schema<'d> {
    file: FileId,
    pointer: JsonPointer,
    node: &'d Node,
}

impl<'d> Lowering<'d> {
    /// Starts an empty space for `document`.
    pub fn new(document: &'d Document) -> Lowering<'d> {
        let mut lowering = Lowering {
            document,
            space: TypeSpace::default(),
            by_location: HashMap::new(),
            roots: HashMap::new(),
            component_names: HashMap::new(),
            in_progress: HashSet::new(),
            recurring: HashMap::new(),
            nullable: HashSet::new(),
            deferred_ids: HashMap::new(),
            queue: VecDeque::new(),
            type_names: NameScope::default(),
            replacements: HashMap::new(),
            diagnostics: Vec::new(),
            depth: 0,
        };
        lowering.claim_component_names();
        lowering
    }

    /// Starts an empty space for `document` in which the schemas that
    /// `custom` replaces lower to their replacement types.
    pub fn with_customization(document: &'d Document, custom: &Customization) -> Lowering<'d> {
        let mut lowering = Lowering::new(document);
        lowering.replacements = custom.replacements.clone();
        lowering
    }

    /// Claims the names of the root document's `components/schemas`
    /// entries first, in document order, so that a name derived from a
    /// message (`MPayload`) never takes a component's own name.
    fn claim_component_names(&mut self) {
        let root = self.document.root_file();
        let Some(schemas) = self
            .document
            .tree(root)
            .and_then(|tree| tree.get("components"))
            .and_then(|c| c.get("schemas"))
            .and_then(Node::as_mapping)
        else {
            return;
        };
        for key in schemas.keys() {
            let name = self.type_names.claim(&pascal_case(key, "Schema"));
            let pointer = JsonPointer::root()
                .join("components")
                .join("schemas")
                .join(key);
            self.component_names.insert((root, pointer), name);
        }
    }

    /// Lowers the schema at `pointer` in `file` and returns the type that
    /// represents it. `hint` names the type when neither a component name
    /// nor a `title` does (for example `UserSignedUpPayload`).
    pub fn add_root(&mut self, file: FileId, pointer: &JsonPointer, hint: &str) -> TypeRef {
        let Some(node) = self
            .document
            .tree(file)
            .and_then(|tree| lookup(tree, pointer))
        else {
            return TypeRef::Json;
        };
        self.add_root_node(file, pointer, node, hint)
    }

    /// Lowers `node`, which is at `pointer` in `file` (or, for a schema
    /// merged from traits, is written nowhere as one piece), like
    /// [`Lowering::add_root`].
    pub fn add_root_node(
        &mut self,
        file: FileId,
        pointer: &JsonPointer,
        node: &'d Node,
        hint: &str,
    ) -> TypeRef {
        let location = (file, pointer.clone());
        if let Some(known) = self.roots.get(&location) {
            return known.clone();
        }
        let ty = self.add_root_uncached(file, pointer, node, hint);
        self.roots.insert(location, ty.clone());
        ty
    }

    fn add_root_uncached(
        &mut self,
        file: FileId,
        pointer: &JsonPointer,
        node: &'d Node,
        hint: &str,
    ) -> TypeRef {
        let schema = Schema {
            file,
            pointer: pointer.clone(),
            node,
        };
        let ty = self.lower(schema.clone(), hint);
        self.drain();
        // A root schema that is a plain primitive still gets a name, so the
        // message has a type to refer to.
        match ty {
            TypeRef::Named(_) => ty,
            TypeRef::Option(ref inner) if matches!(**inner, TypeRef::Named(_)) => ty,
            other => {
                let location = (file, pointer.clone());
                let name = self.type_names.claim(&pascal_case(hint, "Payload"));
                let docs = vec![self.provenance(&schema)];
                let id = self.push(name, docs, location, TypeDetails::Alias(other));
                TypeRef::Named(id)
            }
        }
    }

    /// Finishes lowering: boxes cycle edges and returns the space and the
    /// diagnostics found.
    pub fn finish(mut self) -> (TypeSpace, Vec<Diagnostic>) {
        self.drain();
        // Untagged variants are ordered once every type is complete, since
        // the order depends on the variants' fields.
        for index in 0..self.space.entries.len() {
            let details = std::mem::replace(
                &mut self.space.entries[index].details,
                TypeDetails::Alias(TypeRef::Json),
            );
            let details = match details {
                TypeDetails::OneOf(mut one_of) if one_of.tagging == Tagging::Untagged => {
                    order_untagged(&mut one_of.variants, &self.space);
                    TypeDetails::OneOf(one_of)
                }
                other => other,
            };
            self.space.entries[index].details = details;
        }
        super::cycles::box_cycles(&mut self.space);
        (self.space, self.diagnostics)
    }

    fn push(
        &mut self,
        name: String,
        docs: Vec<String>,
        origin: SchemaLocation,
        details: TypeDetails,
    ) -> TypeId {
        let id = TypeId(self.space.entries.len());
        self.space.entries.push(TypeEntry {
            name,
            docs,
            origin,
            details,
        });
        id
    }

    fn lower(&mut self, schema: Schema<'d>, hint: &str) -> TypeRef {
        // A node's span names the file it was read from, which is also right
        // for nodes that trait merging moved into another object.
        let target = match self
            .document
            .follow(schema.node.span.file, &schema.pointer, schema.node)
        {
            Ok(target) => Schema {
                file: target.file,
                pointer: target.pointer,
                node: target.node,
            },
            // The loader already reported the broken reference.
            Err(_) => return TypeRef::Json,
        };
        let location = (target.file, target.pointer.clone());
        if let Some(path) = self.replacements.get(&location) {
            return TypeRef::External(path.clone());
        }
        if let Some(known) = self.by_location.get(&location) {
            return known.clone();
        }
        let through_reference = location != (schema.file, schema.pointer.clone());
        if self.depth > 0
            && (through_reference || is_component(&location))
            && becomes_named(target.node)
        {
            return self.defer(target, location, hint);
        }
        if self.depth >= MAX_DEPTH {
            self.warn(
                &target,
                format!(
                    "schema nesting is deeper than {MAX_DEPTH} levels; typed as serde_json::Value"
                ),
            );
            return TypeRef::Json;
        }
        if self.in_progress.contains(&location) {
            // The schema contains itself through an array, a map or a
            // wrapper before it got a named type: give it a newtype now, so
            // the recursion goes through a name instead of unrolling.
            let id = self.reserve(hint, &target, location.clone());
            self.recurring.insert(location, id);
            return TypeRef::Named(id);
        }
        self.depth += 1;
        self.in_progress.insert(location.clone());
        let ty = self.lower_target(target.clone(), location.clone(), hint);
        self.in_progress.remove(&location);
        self.nullable.remove(&location);
        self.depth -= 1;
        let Some(id) = self.recurring.remove(&location) else {
            return ty;
        };
        if by_value_id(&ty) == Some(id) {
            // Nothing but itself: `allOf: [self]` or `oneOf: [self]`.
            self.warn(
                &target,
                "schema is defined only by itself; typed as serde_json::Value".to_owned(),
            );
            self.space.entries[id.0].details = TypeDetails::Alias(TypeRef::Json);
        } else {
            self.space.entries[id.0].details = TypeDetails::Newtype(ty);
        }
        TypeRef::Named(id)
    }

    /// Reserves the named type of a referenced schema now and queues its
    /// lowering; see `queue`.
    fn defer(&mut self, target: Schema<'d>, location: SchemaLocation, hint: &str) -> TypeRef {
        let name_hint = type_name_hint(self.document, &target, hint);
        if self.is_nullable(&target) {
            self.nullable.insert(location.clone());
        }
        let id = self.reserve(&name_hint, &target, location.clone());
        self.deferred_ids.insert(location.clone(), id);
        self.queue
            .push_back((target, location.clone(), hint.to_owned()));
        self.by_location
            .get(&location)
            .cloned()
            .unwrap_or(TypeRef::Named(id))
    }

    /// Lowers every queued schema. A schema that turns out not to need a
    /// type of its own (a single-member `oneOf`, say) keeps its reserved
    /// name as an alias, or as a newtype when it refers to itself.
    fn drain(&mut self) {
        while let Some((schema, location, hint)) = self.queue.pop_front() {
            let depth = std::mem::replace(&mut self.depth, 1);
            self.in_progress.insert(location.clone());
            let ty = self.lower_target(schema.clone(), location.clone(), &hint);
            self.in_progress.remove(&location);
            self.nullable.remove(&location);
            self.depth = depth;
            let Some(id) = self.deferred_ids.remove(&location) else {
                continue;
            };
            self.space.entries[id.0].details = if by_value_id(&ty) == Some(id) {
                self.warn(
                    &schema,
                    "schema is defined only by itself; typed as serde_json::Value".to_owned(),
                );
                TypeDetails::Alias(TypeRef::Json)
            } else if mentions(&ty, id) {
                TypeDetails::Newtype(ty)
            } else {
                TypeDetails::Alias(strip_option(ty))
            };
        }
    }

    fn lower_target(
        &mut self,
        schema: Schema<'d>,
        location: SchemaLocation,
        hint: &str,
    ) -> TypeRef {
        let Value::Mapping(map) = &schema.node.value else {
            // `true`, `{}` and anything else that is not a mapping accept any
            // value; `false` accepts none, which no Rust type models.
            return TypeRef::Json;
        };
        let name_hint = type_name_hint(self.document, &schema, hint);
        let nullable_type = self.is_nullable(&schema);
        if nullable_type {
            self.nullable.insert(location.clone());
        }
        let wrap = |ty: TypeRef| {
            if nullable_type && ty != TypeRef::Unit && !matches!(ty, TypeRef::Option(_)) {
                TypeRef::Option(Box::new(ty))
            } else {
                ty
            }
        };

        if let Some(values) = map.get("enum").and_then(Node::as_sequence) {
            return wrap(self.lower_enum(&schema, location, &name_hint, values));
        }
        if let Some(value) = map.get("const") {
            if !exactly_representable(value) {
                self.warn(&schema, format!("`const` value {} cannot be represented exactly in JSON numbers of 64 bits; typed as serde_json::Value", value.span.start.line));
                return TypeRef::Json;
            }
            let id = self.reserve(&name_hint, &schema, location);
            self.space.entries[id.0].details = TypeDetails::Const(value.to_json());
            return wrap(TypeRef::Named(id));
        }
        for keyword in ["oneOf", "anyOf"] {
            if let Some(alternatives) = map.get(keyword).and_then(Node::as_sequence) {
                return wrap(self.lower_one_of(
                    &schema,
                    location,
                    &name_hint,
                    keyword,
                    alternatives,
                ));
            }
        }
        if let Some(ty) = self.lower_polymorphic_base(&schema, &location, &name_hint) {
            return wrap(ty);
        }
        if map.contains_key("allOf") {
            return wrap(self.lower_all_of(&schema, location, &name_hint));
        }
        let kinds: Vec<&str> = types(schema.node)
            .into_iter()
            .filter(|t| *t != "null")
            .collect();
        let ty = match kinds.as_slice() {
            [] if map.contains_key("properties") || map.contains_key("additionalProperties") => {
                self.lower_object(&schema, location, &name_hint)
            }
            [] if map.contains_key("items") => self.lower_array(&schema, &name_hint),
            [] => TypeRef::Json,
            ["object"] => self.lower_object(&schema, location, &name_hint),
            ["array"] => self.lower_array(&schema, &name_hint),
            ["string"] => string_type(schema.node),
            ["integer"] => match integer_type(schema.node) {
                Some(ty) => ty,
                None => {
                    self.warn(&schema, "the integer range does not fit a 128-bit Rust integer; typed as serde_json::Value".to_owned());
                    TypeRef::Json
                }
            },
            ["number"] => TypeRef::Float,
            ["boolean"] => TypeRef::Bool,
            // Several types without `oneOf`: any JSON value of those types.
            _ => TypeRef::Json,
        };
        if kinds.is_empty() && nullable_type {
            return TypeRef::Unit;
        }
        wrap(ty)
    }

    /// Reserves a named type for `location` before its children are
    /// lowered, so references back to it resolve.
    fn reserve(&mut self, hint: &str, schema: &Schema<'d>, location: SchemaLocation) -> TypeId {
        if let Some(id) = self.deferred_ids.remove(&location) {
            // Reserved when the schema was queued; `by_location` is set.
            self.nullable.remove(&location);
            return id;
        }
        let name = match self.component_names.remove(&location) {
            Some(name) => name,
            None => self.type_names.claim(&pascal_case(hint, "Schema")),
        };
        let mut docs = docs(schema.node);
        if !docs.is_empty() {
            docs.push(String::new());
        }
        docs.push(self.provenance(schema));
        let id = self.push(
            name,
            docs,
            location.clone(),
            TypeDetails::Alias(TypeRef::Json),
        );
        let ty = if self.nullable.remove(&location) {
            TypeRef::Option(Box::new(TypeRef::Named(id)))
        } else {
            TypeRef::Named(id)
        };
        self.by_location.insert(location, ty);
        id
    }

    /// Checks whether a schema admits `null`: `type` lists `null`, `nullable: true`
    /// (OpenAPI's spelling, common in AsyncAPI documents), `enum` contains
    /// `null`, or a `oneOf` / `anyOf` alternative is the `null` type.
    fn is_nullable(&self, schema: &Schema<'d>) -> bool {
        let node = schema.node;
        if types(node).contains(&"null")
            || node.get("nullable").and_then(Node::as_bool) == Some(true)
        {
            return true;
        }
        if let Some(values) = node.get("enum").and_then(Node::as_sequence) {
            return values.iter().any(Node::is_null);
        }
        ["oneOf", "anyOf"].iter().any(|keyword| {
            node.get(keyword)
                .and_then(Node::as_sequence)
                .is_some_and(|members| {
                    members.iter().any(|member| {
                        let pointer = JsonPointer::root();
                        let resolved = self
                            .document
                            .follow(member.span.file, &pointer, member)
                            .ok();
                        let member = resolved.map_or(member, |t| t.node);
                        types(member) == ["null"]
                    })
                })
        })
    }

    fn lower_enum(
        &mut self,
        schema: &Schema<'d>,
        location: SchemaLocation,
        hint: &str,
        values: &[Node],
    ) -> TypeRef {
        let id = self.reserve(hint, schema, location);
        let all_strings = values.iter().all(|v| v.as_str().is_some() || v.is_null());
        let mut scope = NameScope::default();
        let mut seen = HashSet::new();
        let mut variants = Vec::new();
        for value in values {
            if !exactly_representable(value) {
                let shown = value.as_number().map_or("?", |n| n.as_str()).to_owned();
                self.warn(schema, format!("enum value {shown} cannot be represented exactly in 64-bit JSON numbers and is left out of the Rust enum"));
                continue;
            }
            let json = value.to_json();
            if value.is_null() || !seen.insert(json.to_string()) {
                // `null` in an enum makes the type nullable rather than a
                // variant; a repeated value adds nothing.
                continue;
            }
            let base = match &json {
                serde_json::Value::String(s) => match pascal_case(s, "") {
                    name if name.is_empty() => symbol_name(s),
                    name => name,
                },
                serde_json::Value::Number(n) => number_variant_name(&n.to_string()),
                serde_json::Value::Bool(b) => pascal_case(&b.to_string(), "Bool"),
                _ => "Value".to_owned(),
            };
            variants.push(EnumValue {
                ident: scope.claim(&base),
                value: json,
            });
        }
        self.space.entries[id.0].details = if all_strings {
            TypeDetails::StringEnum(variants)
        } else {
            TypeDetails::ValueEnum(variants)
        };
        TypeRef::Named(id)
    }

    fn lower_array(&mut self, schema: &Schema<'d>, hint: &str) -> TypeRef {
        let Some(items) = schema.node.get("items") else {
            return TypeRef::Vec(Box::new(TypeRef::Json));
        };
        if items.as_sequence().is_some() {
            // Tuple validation (`items: [..]`): positions may differ in type.
            return TypeRef::Vec(Box::new(TypeRef::Json));
        }
        let item = self.child(schema, &["items"], items);
        TypeRef::Vec(Box::new(self.lower(item, &format!("{hint}Item"))))
    }

    fn child(&self, schema: &Schema<'d>, path: &[&str], node: &'d Node) -> Schema<'d> {
        let mut pointer = schema.pointer.clone();
        for token in path {
            pointer.push(*token);
        }
        Schema {
            file: schema.file,
            pointer,
            node,
        }
    }

    fn lower_object(
        &mut self,
        schema: &Schema<'d>,
        location: SchemaLocation,
        hint: &str,
    ) -> TypeRef {
        let properties = schema.node.get("properties").and_then(Node::as_mapping);
        let additional = schema.node.get("additionalProperties");
        if properties.is_none_or(|p| p.is_empty()) {
            // Without named properties an object is a map.
            return match additional {
                Some(node) if node.as_mapping().is_some() => {
                    let value = self.child(schema, &["additionalProperties"], node);
                    TypeRef::Map(Box::new(self.lower(value, &format!("{hint}Value"))))
                }
                Some(node) if node.as_bool() == Some(false) => {
                    let id = self.reserve(hint, schema, location);
                    self.space.entries[id.0].details =
                        TypeDetails::Struct(StructDetails::default());
                    TypeRef::Named(id)
                }
                _ => TypeRef::Map(Box::new(TypeRef::Json)),
            };
        }
        let id = self.reserve(hint, schema, location);
        let parts = vec![schema.clone()];
        let details = self.struct_details(&parts, hint);
        self.space.entries[id.0].details = TypeDetails::Struct(details);
        TypeRef::Named(id)
    }

    /// Builds struct fields from one schema or from the merged parts of an
    /// `allOf`. A property defined by several parts keeps the first
    /// definition and gets a warning if a later one differs.
    fn struct_details(&mut self, parts: &[Schema<'d>], hint: &str) -> StructDetails {
        let mut required: Vec<String> = Vec::new();
        let mut properties: Vec<(String, Schema<'d>)> = Vec::new();
        let mut additional: Option<Option<Schema<'d>>> = None;
        for part in parts {
            if let Some(list) = part.node.get("required").and_then(Node::as_sequence) {
                required.extend(list.iter().filter_map(Node::as_str).map(str::to_owned));
            }
            if let Some(map) = part.node.get("properties").and_then(Node::as_mapping) {
                for (name, node) in map.iter() {
                    let property = self.child(part, &["properties", name], node);
                    match properties.iter().find(|(n, _)| n == name) {
                        Some((_, first)) if first.node.to_json() != property.node.to_json() => {
                            let first_at = format!("{}", first.pointer);
                            self.warn(&property, format!("property {name:?} is also defined at {first_at} with a different schema; the first definition is used"));
                        }
                        Some(_) => {}
                        None => properties.push((name.to_owned(), property)),
                    }
                }
            }
            match part.node.get("additionalProperties") {
                Some(node) if node.as_bool() == Some(false) => additional = Some(None),
                Some(node) if node.as_mapping().is_some() && additional.is_none() => {
                    additional = Some(Some(self.child(part, &["additionalProperties"], node)));
                }
                _ => {}
            }
        }
        let mut scope = NameScope::with_reserved(&["additional_properties"]);
        let mut fields = Vec::new();
        for (name, property) in properties {
            let field_hint = format!("{hint}{}", pascal_case(&name, "Field"));
            let mut ty = self.lower(property.clone(), &field_hint);
            let mut nullable = false;
            if let TypeRef::Option(inner) = ty {
                nullable = true;
                ty = *inner;
            }
            let resolved = self
                .document
                .follow(property.node.span.file, &property.pointer, property.node)
                .ok();
            let schema_node = resolved.as_ref().map_or(property.node, |t| t.node);
            if schema_node.get("nullable").and_then(Node::as_bool) == Some(true) {
                nullable = true;
            }
            fields.push(Field {
                ident: scope.claim(&snake_case(&name, "field")),
                wire_name: name.clone(),
                ty,
                required: required.contains(&name),
                nullable,
                default: schema_node.get("default").map(Node::to_json),
                docs: docs(schema_node),
            });
        }
        let additional = match additional {
            Some(None) => None,
            Some(Some(value)) => Some(self.lower(value, &format!("{hint}Value"))),
            None => Some(TypeRef::Json),
        };
        StructDetails {
            fields,
            additional,
            omitted: Vec::new(),
        }
    }

    fn lower_all_of(
        &mut self,
        schema: &Schema<'d>,
        location: SchemaLocation,
        hint: &str,
    ) -> TypeRef {
        if let Some([only]) = schema.node.get("allOf").and_then(Node::as_sequence) {
            if schema.node.get("properties").is_none() && schema.node.get("required").is_none() {
                // `allOf: [X]` only wraps X, often to add a description.
                let part = self.child(schema, &["allOf", "0"], only);
                return self.lower(part, hint);
            }
        }
        let mut parts = Vec::new();
        self.collect_all_of(schema.clone(), &mut parts, 0);
        let objects = parts
            .iter()
            .filter(|p| p.node.get("properties").is_some() || types(p.node).contains(&"object"))
            .count();
        if objects == 0 {
            // `allOf` of non-object constraints: the first part with a type
            // decides the Rust type.
            let typed = parts.iter().find(|p| !types(p.node).is_empty()).cloned();
            return match typed {
                Some(part) => {
                    let node_type = types(part.node);
                    match node_type.first().copied() {
                        Some("string") => string_type(part.node),
                        Some("integer") => integer_type(part.node).unwrap_or(TypeRef::Json),
                        Some("number") => TypeRef::Float,
                        Some("boolean") => TypeRef::Bool,
                        _ => TypeRef::Json,
                    }
                }
                None => TypeRef::Json,
            };
        }
        let id = self.reserve(hint, schema, location);
        let details = self.struct_details(&parts, hint);
        self.space.entries[id.0].details = TypeDetails::Struct(details);
        TypeRef::Named(id)
    }

    /// Flattens nested `allOf`s, following references, into `out`; the
    /// schema itself comes first, so its own properties are kept.
    fn collect_all_of(&mut self, schema: Schema<'d>, out: &mut Vec<Schema<'d>>, depth: usize) {
        if depth > MAX_DEPTH
            || out
                .iter()
                .any(|p| p.file == schema.file && p.pointer == schema.pointer)
        {
            return;
        }
        out.push(schema.clone());
        let Some(items) = schema.node.get("allOf").and_then(Node::as_sequence) else {
            return;
        };
        for (i, item) in items.iter().enumerate() {
            let part = self.child(&schema, &["allOf", &i.to_string()], item);
            let Ok(target) = self
                .document
                .follow(part.node.span.file, &part.pointer, part.node)
            else {
                continue;
            };
            let part = Schema {
                file: target.file,
                pointer: target.pointer,
                node: target.node,
            };
            self.collect_all_of(part, out, depth + 1);
        }
    }

    /// Lowers a schema with a string `discriminator` that other component
    /// schemas extend through `allOf` (AsyncAPI's polymorphism: `Cat` is
    /// `allOf: [{$ref: Pet}, ...]` and `Pet` names the tag property). A
    /// reference to the base then means any of its children, so it becomes
    /// an enum of the children, decoded by the tag, whose values are the
    /// children's schema names unless a child fixes the tag with `const`.
    /// Returns `None` for any other schema.
    fn lower_polymorphic_base(
        &mut self,
        schema: &Schema<'d>,
        location: &SchemaLocation,
        hint: &str,
    ) -> Option<TypeRef> {
        let tag = schema.node.get("discriminator")?.as_str()?.to_owned();
        if schema.node.get("oneOf").is_some() || schema.node.get("anyOf").is_some() {
            return None;
        }
        let root = self.document.root_file();
        let schemas = self
            .document
            .tree(root)?
            .get("components")?
            .get("schemas")?
            .as_mapping()?;
        let mut children = Vec::new();
        for (key, node) in schemas.iter() {
            let extends_base = node
                .get("allOf")
                .and_then(Node::as_sequence)
                .is_some_and(|parts| {
                    parts.iter().any(|part| {
                        let pointer = JsonPointer::root();
                        self.document
                            .follow(part.span.file, &pointer, part)
                            .is_ok_and(|t| (t.file, t.pointer) == *location)
                    })
                });
            if extends_base {
                let pointer = JsonPointer::root()
                    .join("components")
                    .join("schemas")
                    .join(key);
                children.push((
                    key.to_owned(),
                    Schema {
                        file: root,
                        pointer,
                        node,
                    },
                ));
            }
        }
        if children.is_empty() {
            return None;
        }
        let id = self.reserve(hint, schema, location.clone());
        let mut scope = NameScope::default();
        let mut variants = Vec::new();
        for (key, child) in children {
            let ident = scope.claim(&pascal_case(&key, "Variant"));
            let mut parts = Vec::new();
            self.collect_all_of(child.clone(), &mut parts, 0);
            let tag_value = parts
                .iter()
                .find_map(|part| tag_value(self.document, part.node, &tag))
                .unwrap_or_else(|| key.clone());
            let ty = self.lower(child, &key);
            variants.push(Variant {
                ident,
                ty,
                tag_value: Some(tag_value),
            });
        }
        self.space.entries[id.0].details = TypeDetails::OneOf(OneOfDetails {
            variants,
            tagging: Tagging::Internal { tag },
        });
        Some(TypeRef::Named(id))
    }

    fn lower_one_of(
        &mut self,
        schema: &Schema<'d>,
        location: SchemaLocation,
        hint: &str,
        keyword: &str,
        alternatives: &'d [Node],
    ) -> TypeRef {
        let mut nullable = false;
        let mut members = Vec::new();
        for (i, alternative) in alternatives.iter().enumerate() {
            let member = self.child(schema, &[keyword, &i.to_string()], alternative);
            let resolved = self
                .document
                .follow(member.node.span.file, &member.pointer, member.node)
                .ok();
            let node = resolved.as_ref().map_or(member.node, |t| t.node);
            if types(node) == ["null"] {
                nullable = true;
                continue;
            }
            let name = variant_name(resolved.as_ref().map(|t| &t.pointer), node, i);
            let target = resolved.map(|t| (t.file, t.pointer));
            if target.as_ref() == Some(&location) {
                // An alternative that is the schema itself adds no value and
                // would make decoding recurse forever.
                self.warn(
                    &member,
                    "a `oneOf` / `anyOf` alternative refers to the schema itself; it is left out"
                        .to_owned(),
                );
                continue;
            }
            if target.is_some() && members.iter().any(|(_, _, _, t)| *t == target) {
                // The same schema twice gives two variants that decode alike.
                continue;
            }
            members.push((name, member, node, target));
        }
        let wrap = |ty: TypeRef| {
            if nullable {
                TypeRef::Option(Box::new(ty))
            } else {
                ty
            }
        };
        if members.len() == 1 && schema.node.get("properties").is_none() {
            // A single alternative (often next to `null`) is that type itself.
            let (_, member, _, _) = members.remove(0);
            return wrap(self.lower(member, hint));
        }
        let id = self.reserve(hint, schema, location);
        let tag = schema
            .node
            .get("discriminator")
            .and_then(|d| {
                d.as_str()
                    .or_else(|| d.get("propertyName").and_then(Node::as_str))
            })
            .map(str::to_owned)
            .or_else(|| {
                common_const_property(
                    &members.iter().map(|(_, _, n, _)| *n).collect::<Vec<_>>(),
                    self.document,
                    schema.file,
                )
            });
        let mapping = self.discriminator_mapping(schema);
        let mut scope = NameScope::default();
        let mut variants = Vec::new();
        for (name, member, node, target) in &members {
            let ident = scope.claim(&pascal_case(name, "Variant"));
            let ty = self.lower(member.clone(), &format!("{hint}{ident}"));
            // The tag value is, in order: the `mapping` entry that points at
            // this variant, the variant's `const` for the tag property, and
            // its schema name, as OpenAPI-style discriminators define it.
            let mapped = mapping
                .iter()
                .find(|(_, location)| Some(location) == target.as_ref())
                .map(|(value, _)| value.clone());
            let tag_value = tag.as_ref().and_then(|tag| {
                mapped
                    .clone()
                    .or_else(|| tag_value(self.document, node, tag))
                    .or_else(|| Some(name.clone()))
            });
            variants.push(Variant {
                ident,
                ty,
                tag_value,
            });
        }
        let tagging = match &tag {
            Some(tag) if variants.iter().all(|v| matches!(v.ty, TypeRef::Named(_))) => {
                Tagging::Internal { tag: tag.clone() }
            }
            _ => Tagging::Untagged,
        };
        self.space.entries[id.0].details = TypeDetails::OneOf(OneOfDetails { variants, tagging });
        wrap(TypeRef::Named(id))
    }

    /// Returns the `discriminator.mapping` entries of a schema as tag value and
    /// resolved schema location; entries that do not resolve are left out.
    fn discriminator_mapping(&self, schema: &Schema<'d>) -> Vec<(String, SchemaLocation)> {
        let Some(mapping) = schema
            .node
            .get("discriminator")
            .and_then(|d| d.get("mapping"))
            .and_then(Node::as_mapping)
        else {
            return Vec::new();
        };
        mapping
            .iter()
            .filter_map(|(value, target)| {
                let reference = target.as_str()?;
                let reference = if reference.contains('#') || reference.contains('/') {
                    reference.to_owned()
                } else {
                    // A bare name means a schema under components/schemas.
                    format!("#/components/schemas/{reference}")
                };
                let resolved = self
                    .document
                    .resolve(schema.node.span.file, &reference)
                    .ok()?;
                Some((value.to_owned(), (resolved.file, resolved.pointer)))
            })
            .collect()
    }

    /// Returns a doc line naming the schema a type comes from: `#/pointer` in the
    /// root document, `file.yaml#/pointer` in another file (the file name
    /// only, so output does not depend on where the document lies).
    fn provenance(&self, schema: &Schema<'d>) -> String {
        let file = if schema.file == self.document.root_file() {
            String::new()
        } else {
            let path = self.document.sources.path(schema.file);
            path.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        };
        format!("Generated from `{file}#{}`.", schema.pointer)
    }

    fn warn(&mut self, schema: &Schema<'d>, message: String) {
        self.diagnostics.push(
            Diagnostic::warning(Code::InvalidSchema, message)
                .at(schema.pointer.to_string(), schema.node.span),
        );
    }
}

/// Looks up `pointer` in `tree` without following references.
pub(super) fn lookup<'t>(tree: &'t Node, pointer: &JsonPointer) -> Option<&'t Node> {
    pointer
        .tokens()
        .iter()
        .try_fold(tree, |node, token| match &node.value {
            Value::Mapping(m) => m.get(token),
            Value::Sequence(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        })
}

/// Returns the `type` keyword as a list of names.
fn types(node: &Node) -> Vec<&str> {
    match node.get("type") {
        Some(t) => match &t.value {
            Value::String(s) => vec![s.as_str()],
            Value::Sequence(items) => items.iter().filter_map(Node::as_str).collect(),
            _ => Vec::new(),
        },
        None => Vec::new(),
    }
}

/// The name a schema's type takes: its component key, then its `title`,
/// then the path-derived `hint`.
/// The name a schema's type takes: its name where it is defined (a key of
/// `components/schemas`, `definitions` or `$defs`, or a top-level key of a
/// referenced file), then its `title`, then, for a whole referenced file,
/// the file's name, and last the path-derived `hint`.
fn type_name_hint(document: &Document, schema: &Schema<'_>, hint: &str) -> String {
    let in_root_file = schema.file == document.root_file();
    match schema.pointer.tokens() {
        [components, kind, name] if components == "components" && kind == "schemas" => {
            return name.clone();
        }
        [container, name] if container == "definitions" || container == "$defs" => {
            return name.clone();
        }
        [name] if !in_root_file => return name.clone(),
        _ => {}
    }
    if let Some(title) = schema.node.get("title").and_then(Node::as_str) {
        if !pascal_case(title, "").is_empty() {
            return title.to_owned();
        }
    }
    if schema.pointer.tokens().is_empty() && !in_root_file {
        let path = document.sources.path(schema.file);
        if let Some(stem) = path.file_stem().map(|s| s.to_string_lossy()) {
            // `money.schema.json` names `Money`, not `MoneySchema`.
            let stem = stem.split('.').next().unwrap_or_default().to_owned();
            if !pascal_case(&stem, "").is_empty() {
                return stem;
            }
        }
    }
    hint.to_owned()
}

fn variant_name(pointer: Option<&JsonPointer>, node: &Node, index: usize) -> String {
    if let Some([components, _, name]) = pointer.map(JsonPointer::tokens) {
        if components == "components" {
            return name.clone();
        }
    }
    if let Some(title) = node.get("title").and_then(Node::as_str) {
        return title.to_owned();
    }
    match types(node).first() {
        Some(kind) => (*kind).to_owned(),
        None => format!("Variant{index}"),
    }
}

/// Finds a property that every member declares with a distinct `const`
/// (or one-value `enum`), directly or in one of its `allOf` parts, which
/// can serve as an internal tag.
fn common_const_property(members: &[&Node], document: &Document, _file: FileId) -> Option<String> {
    if members.len() < 2 {
        return None;
    }
    let mut candidates = Vec::new();
    property_names(document, members[0], &mut candidates, 0);
    'candidate: for name in candidates {
        let mut values = Vec::new();
        for member in members {
            let Some(value) = tag_value(document, member, &name) else {
                continue 'candidate;
            };
            if values.contains(&value) {
                continue 'candidate;
            }
            values.push(value);
        }
        return Some(name);
    }
    None
}

/// Collects the property names of `schema` and of its `allOf` parts.
fn property_names(document: &Document, schema: &Node, out: &mut Vec<String>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    if let Some(properties) = schema.get("properties").and_then(Node::as_mapping) {
        for name in properties.keys() {
            if !out.iter().any(|known| known == name) {
                out.push(name.to_owned());
            }
        }
    }
    for part in all_of_parts(document, schema) {
        property_names(document, part, out, depth + 1);
    }
}

/// Returns the `allOf` parts of `schema`, with references followed.
fn all_of_parts<'d>(document: &'d Document, schema: &'d Node) -> Vec<&'d Node> {
    let Some(parts) = schema.get("allOf").and_then(Node::as_sequence) else {
        return Vec::new();
    };
    parts
        .iter()
        .map(|part| {
            let pointer = JsonPointer::root();
            document
                .follow(part.span.file, &pointer, part)
                .map_or(part, |target| target.node)
        })
        .collect()
}

/// Returns the single string value that property `tag` of `member` may
/// take, looking through `allOf` parts and a `$ref` on the property.
fn tag_value(document: &Document, member: &Node, tag: &str) -> Option<String> {
    tag_value_at(document, member, tag, 0)
}

fn tag_value_at(document: &Document, member: &Node, tag: &str, depth: usize) -> Option<String> {
    if depth > MAX_DEPTH {
        return None;
    }
    if let Some(property) = member.get("properties").and_then(|p| p.get(tag)) {
        let pointer = JsonPointer::root();
        let property = document
            .follow(property.span.file, &pointer, property)
            .map_or(property, |target| target.node);
        if let Some(value) = property.get("const").and_then(Node::as_str) {
            return Some(value.to_owned());
        }
        if let Some([only]) = property.get("enum").and_then(Node::as_sequence) {
            return only.as_str().map(str::to_owned);
        }
    }
    all_of_parts(document, member)
        .into_iter()
        .find_map(|part| tag_value_at(document, part, tag, depth + 1))
}

/// Orders untagged variants so that a variant that accepts more inputs
/// comes after the ones it would otherwise shadow: structs with more
/// required fields first, then formats before plain strings, integers
/// before floats, and any-value variants last.
fn order_untagged(variants: &mut [Variant], space: &TypeSpace) {
    let rank = |ty: &TypeRef| -> (u8, i64) {
        match ty {
            TypeRef::Named(id) => match &space.get(*id).details {
                TypeDetails::Struct(s) => (
                    1,
                    -(s.fields.iter().filter(|f| f.required).count() as i64) * 1000
                        - s.fields.len() as i64,
                ),
                TypeDetails::Const(_) | TypeDetails::StringEnum(_) | TypeDetails::ValueEnum(_) => {
                    (0, 0)
                }
                _ => (2, 0),
            },
            TypeRef::Unit | TypeRef::Bool => (3, 0),
            TypeRef::Integer { bits, .. } => (4, i64::from(*bits)),
            TypeRef::Float => (5, 0),
            TypeRef::Format(_) => (6, 0),
            TypeRef::String => (7, 0),
            TypeRef::Vec(_) => (8, 0),
            TypeRef::Map(_) => (9, 0),
            _ => (10, 0),
        }
    };
    variants.sort_by_key(|v| rank(&v.ty));
}

fn string_type(node: &Node) -> TypeRef {
    match node.get("format").and_then(Node::as_str) {
        Some("date-time") => TypeRef::Format(StringFormat::DateTime),
        Some("date") => TypeRef::Format(StringFormat::Date),
        Some("time") => TypeRef::Format(StringFormat::Time),
        Some("uuid") => TypeRef::Format(StringFormat::Uuid),
        Some("uri") => TypeRef::Format(StringFormat::Uri),
        Some("email") => TypeRef::Format(StringFormat::Email),
        Some("byte") => TypeRef::Format(StringFormat::Byte),
        _ => TypeRef::String,
    }
}

/// Picks the integer type for a schema: the `format` (`int32`, `uint64`,
/// ...) when present; otherwise the narrowest type that contains both
/// `minimum` and `maximum` when both are given; otherwise `i64`, or `u128`
/// / `i128` when a single bound does not fit `i64`. Bounds are compared as
/// exact integers, never through `f64`. `None` means no Rust integer type
/// holds the range.
fn integer_type(node: &Node) -> Option<TypeRef> {
    let signed = |bits| Some(TypeRef::Integer { signed: true, bits });
    let unsigned = |bits| {
        Some(TypeRef::Integer {
            signed: false,
            bits,
        })
    };
    match node.get("format").and_then(Node::as_str) {
        Some("int8") => return signed(8),
        Some("int16") => return signed(16),
        Some("int32") => return signed(32),
        Some("int64") => return signed(64),
        Some("uint8") => return unsigned(8),
        Some("uint16") => return unsigned(16),
        Some("uint32") => return unsigned(32),
        Some("uint64") => return unsigned(64),
        _ => {}
    }
    let bound = |key: &str| node.get(key).and_then(Node::as_number).map(integer_bound);
    let (minimum, maximum) = (bound("minimum").flatten(), bound("maximum").flatten());
    if matches!(bound("minimum"), Some(None)) || matches!(bound("maximum"), Some(None)) {
        return None;
    }
    match (minimum, maximum) {
        (Some(min), Some(max)) => narrowest(min, max),
        (Some(Bound::Huge(_)), None) => unsigned(128),
        (Some(Bound::Exact(min)), None) if min > i128::from(i64::MAX) => unsigned(128),
        (Some(Bound::Exact(min)), None) if min < i128::from(i64::MIN) => signed(128),
        (None, Some(Bound::Exact(max))) if max > i128::from(i64::MAX) => signed(128),
        (None, Some(Bound::Huge(_))) => None,
        _ => signed(64),
    }
}

/// An integer bound: exact in `i128`, or a positive value up to `u128::MAX`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Bound {
    Exact(i128),
    Huge(u128),
}

/// Reads a bound as an exact integer, or `None` for a bound that no
/// 128-bit type holds.
fn integer_bound(number: &crate::tree::Number) -> Option<Bound> {
    let text = number.as_str();
    if number.is_integer() {
        if let Ok(exact) = text.parse::<i128>() {
            return Some(Bound::Exact(exact));
        }
        return text.parse::<u128>().ok().map(Bound::Huge);
    }
    // Only integers satisfy an integer schema, so a fractional bound acts
    // as its floor: no integer lies between the two.
    let value = number.as_f64().floor();
    let in_range = value.is_finite() && value.abs() < 1e38;
    in_range.then_some(Bound::Exact(value as i128))
}

fn narrowest(min: Bound, max: Bound) -> Option<TypeRef> {
    let (min, max) = match (min, max) {
        (Bound::Exact(min), Bound::Exact(max)) => (min, max),
        (Bound::Exact(min), Bound::Huge(_)) if min >= 0 => {
            return Some(TypeRef::Integer {
                signed: false,
                bits: 128,
            })
        }
        (Bound::Huge(_), Bound::Huge(_)) => {
            return Some(TypeRef::Integer {
                signed: false,
                bits: 128,
            })
        }
        _ => return None,
    };
    if min >= 0 {
        for bits in [8u8, 16, 32, 64] {
            if max < 1i128 << bits {
                return Some(TypeRef::Integer {
                    signed: false,
                    bits,
                });
            }
        }
        return Some(TypeRef::Integer {
            signed: false,
            bits: 128,
        });
    }
    for bits in [8u8, 16, 32, 64] {
        let limit = 1i128 << (bits - 1);
        if min >= -limit && max < limit {
            return Some(TypeRef::Integer { signed: true, bits });
        }
    }
    Some(TypeRef::Integer {
        signed: true,
        bits: 128,
    })
}

/// Doc comment lines from `description` and `examples`.
fn docs(node: &Node) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(description) = node.get("description").and_then(Node::as_str) {
        lines.extend(description.lines().map(doc_line));
    }
    if let Some(examples) = node.get("examples").and_then(Node::as_sequence) {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.push("Examples:".to_owned());
        for example in examples {
            lines.push(doc_line(&format!("- `{}`", example.to_json())));
        }
    }
    let constraints = constraints(node);
    if !constraints.is_empty() {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.push(doc_line(&format!(
            "Constraints (not checked when decoding): {}.",
            constraints.join(", ")
        )));
    }
    lines
}

/// Lists the validation keywords a Rust type does not enforce, as `keyword: value`
/// texts, so the doc comment states what the schema requires.
fn constraints(node: &Node) -> Vec<String> {
    const KEYWORDS: &[&str] = &[
        "pattern",
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "minItems",
        "maxItems",
        "uniqueItems",
        "minProperties",
        "maxProperties",
    ];
    KEYWORDS
        .iter()
        .filter_map(|keyword| {
            let value = node.get(keyword)?;
            let text = match value.as_number() {
                Some(number) => number.as_str().to_owned(),
                None => value.to_json().to_string(),
            };
            Some(format!("`{keyword}` {text}"))
        })
        .collect()
}

/// Makes one line safe for a doc attribute: rustc rejects a bare carriage
/// return in doc comments, and other control characters only garble them.
fn doc_line(line: &str) -> String {
    line.chars()
        .map(|c| if c.is_control() && c != '\t' { ' ' } else { c })
        .collect()
}

/// Names a value made only of symbols after the symbols (`!=` is `NotEq`),
/// so such enum values get readable, distinct variants.
fn symbol_name(value: &str) -> String {
    let mut name = String::new();
    for c in value.chars() {
        let word = match c {
            '=' => "Eq",
            '!' => "Not",
            '<' => "Lt",
            '>' => "Gt",
            '+' => "Plus",
            '-' => "Minus",
            '*' => "Star",
            '/' => "Slash",
            '\\' => "Backslash",
            '%' => "Percent",
            '&' => "Amp",
            '|' => "Pipe",
            '^' => "Caret",
            '~' => "Tilde",
            '.' => "Dot",
            ',' => "Comma",
            ':' => "Colon",
            ';' => "Semicolon",
            '@' => "At",
            '#' => "Hash",
            '$' => "Dollar",
            '?' => "Question",
            '_' => "Underscore",
            '\'' => "Quote",
            '"' => "DoubleQuote",
            '(' | ')' | '[' | ']' | '{' | '}' => "Bracket",
            ' ' => "Space",
            _ if !c.is_ascii() => {
                name.push_str(&format!("U{:X}", u32::from(c)));
                continue;
            }
            _ => "",
        };
        name.push_str(word);
    }
    if name.is_empty() {
        "Empty".to_owned()
    } else {
        name
    }
}

/// Returns the named type that `ty` is, directly or inside `Option`.
fn by_value_id(ty: &TypeRef) -> Option<TypeId> {
    match ty {
        TypeRef::Named(id) => Some(*id),
        TypeRef::Option(inner) => by_value_id(inner),
        _ => None,
    }
}

/// Checks whether `value` converts to `serde_json::Value` without change: numbers
/// beyond `f64` (`1e400`) and integers beyond 64 bits lose their value.
fn exactly_representable(value: &Node) -> bool {
    match &value.value {
        Value::Number(number) if number.is_integer() => {
            number.as_i64().is_some() || number.as_u64().is_some()
        }
        Value::Number(number) => number.as_f64().is_finite(),
        Value::Sequence(items) => items.iter().all(exactly_representable),
        Value::Mapping(mapping) => mapping.iter().all(|(_, v)| exactly_representable(v)),
        _ => true,
    }
}

/// Names a numeric enum value: `V15`, `V1_5`, `Minus1_5`, keeping the
/// decimal point as `_` so `1.5` and `15` stay apart. An underscore between
/// digits is allowed in UpperCamelCase names.
fn number_variant_name(text: &str) -> String {
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("Minus", rest),
        None => ("V", text),
    };
    let body: String = digits
        .chars()
        .map(|c| match c {
            '.' => '_',
            '+' => 'P',
            c if c.is_ascii_alphanumeric() => c.to_ascii_uppercase(),
            _ => '_',
        })
        .collect();
    format!("{sign}{body}")
}

/// Whether `location` is an entry of `components/schemas`.
fn is_component(location: &SchemaLocation) -> bool {
    matches!(location.1.tokens(), [components, schemas, _] if components == "components" && schemas == "schemas")
}

/// Whether lowering `node` reserves a named type (a struct, an enum, a
/// const or a `oneOf`), as opposed to a type expression such as `String`
/// or `Vec<T>`. A wrong guess costs only an alias.
fn becomes_named(node: &Node) -> bool {
    let Some(map) = node.as_mapping() else {
        return false;
    };
    ["enum", "const", "oneOf", "anyOf", "allOf", "discriminator"]
        .iter()
        .any(|key| map.contains_key(key))
        || map
            .get("properties")
            .and_then(Node::as_mapping)
            .is_some_and(|p| !p.is_empty())
        || map.get("additionalProperties").and_then(Node::as_bool) == Some(false)
}

/// Whether `ty` refers to type `id` anywhere.
fn mentions(ty: &TypeRef, id: TypeId) -> bool {
    match ty {
        TypeRef::Named(other) => *other == id,
        TypeRef::Vec(inner)
        | TypeRef::Map(inner)
        | TypeRef::Option(inner)
        | TypeRef::Box(inner) => mentions(inner, id),
        _ => false,
    }
}

/// `ty` without an outer `Option`: a reserved alias gets the nullability
/// from the references to it, which already carry `Option`.
fn strip_option(ty: TypeRef) -> TypeRef {
    match ty {
        TypeRef::Option(inner) => *inner,
        other => other,
    }
}
