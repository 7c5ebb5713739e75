//! The validated description of a derive input that code generation reads.

use syn::{Attribute, Ident, LitStr, Type};

/// The envelope attributes of one event type: a struct, or one enum variant.
#[derive(Clone)]
pub struct Envelope {
    pub ty: LitStr,
    pub source: LitStr,
    pub subject: Option<LitStr>,
    pub dataschema: Option<LitStr>,
    pub content_type: String,
}

/// What a field's `#[cloudevent(...)]` makes it carry.
#[derive(Clone, PartialEq, Eq)]
pub enum Role {
    Id,
    Time,
    Subject,
    Extension(String),
}

/// A named field, with its role if it carries an attribute.
pub struct Field {
    pub ident: Ident,
    pub ty: Type,
    pub role: Option<Role>,
    /// The field's `#[serde(...)]` attributes, copied onto the helper
    /// structs of struct variants.
    pub serde_attrs: Vec<Attribute>,
}

/// One enum variant.
pub struct Variant {
    pub ident: Ident,
    pub envelope: Envelope,
    pub shape: VariantShape,
}

/// The data a variant holds.
pub enum VariantShape {
    Newtype(Type),
    Struct(Vec<Field>),
}

/// A valid derive input.
pub enum Input {
    Struct {
        envelope: Envelope,
        fields: Vec<Field>,
    },
    Enum {
        variants: Vec<Variant>,
    },
}
