//! The type space: every Rust type generated for a document, as data
//! without Rust syntax.

use std::collections::BTreeMap;

use crate::cloudevents::CloudEventAttributes;
use crate::pointer::JsonPointer;
use crate::source::FileId;

/// Index of a named type in a [`TypeSpace`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeId(pub(crate) usize);

/// Location of a schema: the file and the JSON pointer inside it. One
/// schema location becomes at most one named type.
pub type SchemaLocation = (FileId, JsonPointer);

/// A Rust type expression used by a field, an item or a variant.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TypeRef {
    /// A generated named type.
    Named(TypeId),
    /// `bool`.
    Bool,
    /// A signed or unsigned integer of the given width in bits.
    Integer {
        /// Whether the type is signed.
        signed: bool,
        /// 8, 16, 32, 64 or 128.
        bits: u8,
    },
    /// `f64`.
    Float,
    /// `String`.
    String,
    /// A string in a well-known format, carried by a runtime type that
    /// keeps the exact wire text.
    Format(StringFormat),
    /// Any JSON value (`serde_json::Value`).
    Json,
    /// `()` for the `null` type.
    Unit,
    /// `Vec<T>`.
    Vec(Box<TypeRef>),
    /// A map from string keys to `T`.
    Map(Box<TypeRef>),
    /// `Option<T>`.
    Option(Box<TypeRef>),
    /// `Box<T>`, inserted where a type contains itself.
    Box(Box<TypeRef>),
    /// A type of the application that replaces a schema, as Rust path text
    /// checked when the replacement was configured (see
    /// [`Customization`](super::Customization)).
    External(String),
}

/// String formats with a strong type in the runtime crate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StringFormat {
    /// RFC 3339 `date-time`.
    DateTime,
    /// RFC 3339 `full-date`.
    Date,
    /// RFC 3339 `full-time`.
    Time,
    /// RFC 4122 UUID.
    Uuid,
    /// RFC 3986 URI.
    Uri,
    /// RFC 5321 email address.
    Email,
    /// Base64-encoded bytes.
    Byte,
}

/// One generated type.
#[derive(Clone, Debug)]
pub struct TypeEntry {
    /// Rust name, unique in the space.
    pub name: String,
    /// Text for the doc comment: description, then examples.
    pub docs: Vec<String>,
    /// The schema this type comes from.
    pub origin: SchemaLocation,
    /// Kind of type and its contents.
    pub details: TypeDetails,
}

/// The shape of a generated type.
#[derive(Clone, Debug)]
pub enum TypeDetails {
    /// A struct with named fields and, for open objects, a flattened map
    /// that keeps unknown fields.
    Struct(StructDetails),
    /// An enum of string values.
    StringEnum(Vec<EnumValue>),
    /// An enum of JSON values of any type, matched exactly.
    ValueEnum(Vec<EnumValue>),
    /// A single allowed JSON value.
    Const(serde_json::Value),
    /// An enum of alternative schemas (`oneOf` / `anyOf`).
    OneOf(OneOfDetails),
    /// A named alias of another type expression.
    Alias(TypeRef),
    /// A tuple struct around another type expression, for a schema that
    /// contains itself (an array of itself, say), where an alias would be
    /// a recursive type alias.
    Newtype(TypeRef),
}

/// A struct type.
#[derive(Clone, Debug, Default)]
pub struct StructDetails {
    /// Named properties in schema order.
    pub fields: Vec<Field>,
    /// Value type of the flattened map that keeps properties not listed in
    /// `properties`; `None` when `additionalProperties` is `false`.
    pub additional: Option<TypeRef>,
    /// Properties of the schema that the struct leaves out because the
    /// runtime handles them (the Standard Webhooks timestamp and signature
    /// of a headers struct). A struct without `additional` ignores unknown
    /// properties when it has any, instead of rejecting them.
    pub omitted: Vec<String>,
}

/// A struct field.
#[derive(Clone, Debug)]
pub struct Field {
    /// Rust identifier (maybe raw, such as `r#type`).
    pub ident: String,
    /// Property name on the wire.
    pub wire_name: String,
    /// The property's type, without the `Option` that optional or
    /// nullable adds.
    pub ty: TypeRef,
    /// Whether the property is listed in `required`.
    pub required: bool,
    /// Whether `null` is an allowed value.
    pub nullable: bool,
    /// The schema's `default`, exactly as written.
    pub default: Option<serde_json::Value>,
    /// Doc comment lines.
    pub docs: Vec<String>,
}

/// One value of an enum.
#[derive(Clone, Debug)]
pub struct EnumValue {
    /// Rust variant name.
    pub ident: String,
    /// The value on the wire.
    pub value: serde_json::Value,
}

/// An enum of alternative schemas.
#[derive(Clone, Debug)]
pub struct OneOfDetails {
    /// Variants, in an order where no variant can shadow a later one when
    /// untagged.
    pub variants: Vec<Variant>,
    /// How the wire form selects a variant.
    pub tagging: Tagging,
}

/// One alternative of a [`OneOfDetails`].
#[derive(Clone, Debug)]
pub struct Variant {
    /// Rust variant name.
    pub ident: String,
    /// The variant's content.
    pub ty: TypeRef,
    /// The tag value, for internally tagged enums.
    pub tag_value: Option<String>,
}

/// How the wire form selects a variant of a `oneOf` enum.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tagging {
    /// By the value of a property (AsyncAPI `discriminator`, or a property
    /// with a distinct `const` in every variant).
    Internal {
        /// The property name on the wire.
        tag: String,
    },
    /// By trying each variant in order.
    Untagged,
}

/// Every type generated for one document.
#[derive(Debug, Default)]
pub struct TypeSpace {
    pub(crate) entries: Vec<TypeEntry>,
    /// The structs that derive `CloudEvent`, with their attributes.
    pub(crate) cloud_events: BTreeMap<TypeId, CloudEventAttributes>,
}

impl TypeSpace {
    /// Returns the type with id `id`.
    pub fn get(&self, id: TypeId) -> &TypeEntry {
        &self.entries[id.0]
    }

    /// Returns the CloudEvents attributes type `id` derives `CloudEvent`
    /// with, when it is the data of a message recognised as a CloudEvent.
    pub fn cloud_event(&self, id: TypeId) -> Option<&CloudEventAttributes> {
        self.cloud_events.get(&id)
    }

    /// Iterates over all types in the order they were created.
    pub fn iter(&self) -> impl Iterator<Item = (TypeId, &TypeEntry)> {
        self.entries.iter().enumerate().map(|(i, e)| (TypeId(i), e))
    }

    /// Number of types.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the space has no types.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}
