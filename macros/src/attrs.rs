//! Parsing of `#[cloudevent(...)]` attributes, before their values are
//! checked.

use crate::errors::Errors;
use proc_macro2::Span;
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned;
use syn::{Attribute, LitStr, Token};

/// Where a type-level attribute sits, which decides whether `type` is
/// allowed.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Struct,
    Enum,
    Variant,
}

/// The type-level keys as written, each `None` when absent.
#[derive(Default)]
pub struct EnvelopeAttrs {
    pub ty: Option<LitStr>,
    pub source: Option<LitStr>,
    pub subject: Option<LitStr>,
    pub dataschema: Option<LitStr>,
    pub content_type: Option<LitStr>,
    /// The span of the last `cloudevent` attribute, where errors about a
    /// missing key point.
    pub attr_span: Option<Span>,
    /// Whether an attribute was malformed or misplaced. The keys read may
    /// then be incomplete, so a missing key is not worth a second error.
    pub incomplete: bool,
}

/// Reads the `#[cloudevent(...)]` attributes on a struct, enum or variant.
pub fn parse_envelope(attrs: &[Attribute], level: Level, errors: &mut Errors) -> EnvelopeAttrs {
    let mut out = EnvelopeAttrs::default();
    for attr in attrs
        .iter()
        .filter(|attr| attr.path().is_ident("cloudevent"))
    {
        out.attr_span = Some(attr.path().span());
        let result = attr.parse_nested_meta(|meta| {
            let key = key_of(&meta);
            let slot = match key.as_str() {
                "type" if level == Level::Enum => {
                    errors.add(
                        meta.path.span(),
                        "`type` goes on each variant of an enum, not on the enum",
                    );
                    out.incomplete = true;
                    let _: LitStr = meta.value()?.parse()?;
                    return Ok(());
                }
                "type" => &mut out.ty,
                "source" => &mut out.source,
                "subject" => &mut out.subject,
                "dataschema" => &mut out.dataschema,
                "datacontenttype" => &mut out.content_type,
                _ => {
                    return Err(meta.error(format!(
                        "unknown `cloudevent` attribute `{key}`; expected `type`, `source`, \
                         `subject`, `dataschema` or `datacontenttype`"
                    )))
                }
            };
            let value: LitStr = meta.value()?.parse()?;
            if slot.is_some() {
                errors.add(meta.path.span(), format!("duplicate `{key}` attribute"));
            } else {
                *slot = Some(value);
            }
            Ok(())
        });
        if let Err(error) = result {
            errors.push(error);
            out.incomplete = true;
        }
    }
    out
}

/// A field-level key as written.
pub enum FieldKey {
    Id,
    Time,
    Subject,
    /// `extension = "name"`, or `extension` alone to use the field name.
    Extension(Option<LitStr>),
}

/// Reads the `#[cloudevent(...)]` attributes on a field: at most one key,
/// with the span of the key for later errors.
pub fn parse_field(attrs: &[Attribute], errors: &mut Errors) -> Option<(FieldKey, Span)> {
    let mut found: Option<(FieldKey, Span)> = None;
    for attr in attrs
        .iter()
        .filter(|attr| attr.path().is_ident("cloudevent"))
    {
        let result = attr.parse_nested_meta(|meta| {
            let key = key_of(&meta);
            let parsed = match key.as_str() {
                "id" | "time" | "subject" => {
                    if meta.input.peek(Token![=]) {
                        return Err(meta.error(format!(
                            "`{key}` takes no value; write `#[cloudevent({key})]`"
                        )));
                    }
                    match key.as_str() {
                        "id" => FieldKey::Id,
                        "time" => FieldKey::Time,
                        _ => FieldKey::Subject,
                    }
                }
                "extension" if meta.input.peek(Token![=]) => {
                    FieldKey::Extension(Some(meta.value()?.parse()?))
                }
                "extension" => FieldKey::Extension(None),
                _ => {
                    return Err(meta.error(format!(
                        "unknown `cloudevent` field attribute `{key}`; expected `id`, `time`, \
                         `subject` or `extension`"
                    )))
                }
            };
            if found.is_some() {
                errors.add(
                    meta.path.span(),
                    "a field carries at most one CloudEvents attribute",
                );
            } else {
                found = Some((parsed, meta.path.span()));
            }
            Ok(())
        });
        if let Err(error) = result {
            errors.push(error);
        }
    }
    found
}

/// The key of a nested meta item as written, such as `type` or `a::b`.
fn key_of(meta: &ParseNestedMeta<'_>) -> String {
    let segments: Vec<String> = meta
        .path
        .segments
        .iter()
        .map(|segment| segment.ident.to_string())
        .collect();
    segments.join("::")
}
