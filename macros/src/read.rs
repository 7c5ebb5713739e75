//! Turns a derive input into the validated [`Input`] model, recording every
//! misuse with the span of the offending token.

use crate::attrs::{parse_envelope, parse_field, EnvelopeAttrs, FieldKey, Level};
use crate::checks;
use crate::errors::Errors;
use crate::model::{Envelope, Field, Input, Role, Variant, VariantShape};
use proc_macro2::Span;
use std::collections::HashMap;
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, FieldsNamed, Ident, LitStr};

const DEFAULT_CONTENT_TYPE: &str = "application/json";

/// Reads and checks `input`; returns `None` when it is not derivable at
/// all. Any error recorded in `errors` also means the model is unusable.
pub fn read(input: &DeriveInput, errors: &mut Errors) -> Option<Input> {
    if let Some(param) = input.generics.params.first() {
        errors.add(
            param.span(),
            "`#[derive(CloudEvent)]` does not support generic parameters",
        );
    }
    match &input.data {
        Data::Struct(data) => {
            let attrs = parse_envelope(&input.attrs, Level::Struct, errors);
            check_values(&attrs, errors);
            let fields = match &data.fields {
                Fields::Named(named) => named,
                Fields::Unnamed(_) => {
                    errors.add(
                        input.ident.span(),
                        "`#[derive(CloudEvent)]` does not support tuple structs; name the fields",
                    );
                    return None;
                }
                Fields::Unit => {
                    errors.add(
                        input.ident.span(),
                        "`#[derive(CloudEvent)]` does not support unit structs: an event \
                         needs data",
                    );
                    return None;
                }
            };
            let envelope = resolve_envelope(&attrs, None, &input.ident, errors);
            let fields = read_fields(fields, envelope.as_ref(), errors);
            Some(Input::Struct {
                envelope: envelope?,
                fields,
            })
        }
        Data::Enum(data) => {
            let enum_attrs = parse_envelope(&input.attrs, Level::Enum, errors);
            check_values(&enum_attrs, errors);
            if data.variants.is_empty() {
                errors.add(
                    input.ident.span(),
                    "`#[derive(CloudEvent)]` needs at least one variant",
                );
                return None;
            }
            let mut variants = Vec::new();
            let mut types: HashMap<String, Ident> = HashMap::new();
            for variant in &data.variants {
                let attrs = parse_envelope(&variant.attrs, Level::Variant, errors);
                check_values(&attrs, errors);
                let envelope = resolve_envelope(&attrs, Some(&enum_attrs), &variant.ident, errors);
                if let Some(envelope) = &envelope {
                    let ty = envelope.ty.value();
                    if let Some(first) = types.get(&ty) {
                        errors.add(
                            envelope.ty.span(),
                            format!("type `{ty}` is already used by variant `{first}`"),
                        );
                    } else {
                        types.insert(ty, variant.ident.clone());
                    }
                }
                let shape =
                    read_variant_shape(&variant.ident, &variant.fields, envelope.as_ref(), errors);
                if let (Some(envelope), Some(shape)) = (envelope, shape) {
                    variants.push(Variant {
                        ident: variant.ident.clone(),
                        envelope,
                        shape,
                    });
                }
            }
            Some(Input::Enum { variants })
        }
        Data::Union(data) => {
            errors.add(
                data.union_token.span,
                "`#[derive(CloudEvent)]` does not support unions; use a struct or an enum",
            );
            None
        }
    }
}

/// Reads a variant's fields: a newtype or named fields.
fn read_variant_shape(
    ident: &Ident,
    fields: &Fields,
    envelope: Option<&Envelope>,
    errors: &mut Errors,
) -> Option<VariantShape> {
    match fields {
        Fields::Named(named) => Some(VariantShape::Struct(read_fields(named, envelope, errors))),
        Fields::Unnamed(unnamed) if unnamed.unnamed.len() == 1 => {
            let field = &unnamed.unnamed[0];
            if let Some(attr) = field
                .attrs
                .iter()
                .find(|attr| attr.path().is_ident("cloudevent"))
            {
                errors.add(
                    attr.path().span(),
                    "`cloudevent` field attributes need named fields; make this a struct variant",
                );
            }
            Some(VariantShape::Newtype(field.ty.clone()))
        }
        _ => {
            errors.add(
                ident.span(),
                format!(
                    "variant `{ident}` must be a newtype variant `{ident}(Data)` or a struct \
                     variant `{ident} {{ .. }}`"
                ),
            );
            None
        }
    }
}

/// Combines a struct's or variant's attributes with those inherited from
/// the enum, and reports a missing `type` or `source`.
fn resolve_envelope(
    own: &EnvelopeAttrs,
    inherited: Option<&EnvelopeAttrs>,
    owner: &Ident,
    errors: &mut Errors,
) -> Option<Envelope> {
    let missing_span = own.attr_span.unwrap_or_else(|| owner.span());
    let pick = |select: fn(&EnvelopeAttrs) -> &Option<LitStr>| {
        select(own)
            .clone()
            .or_else(|| inherited.and_then(|attrs| select(attrs).clone()))
    };
    let ty = pick(|attrs| &attrs.ty);
    let source = pick(|attrs| &attrs.source);
    let subject = pick(|attrs| &attrs.subject);
    let dataschema = pick(|attrs| &attrs.dataschema);
    let content_type = pick(|attrs| &attrs.content_type);

    let incomplete = own.incomplete || inherited.is_some_and(|attrs| attrs.incomplete);
    if !incomplete {
        if let Some(message) =
            missing_keys_message(ty.is_none(), source.is_none(), inherited.is_some(), owner)
        {
            errors.add(missing_span, message);
        }
    }
    Some(Envelope {
        ty: ty?,
        source: source?,
        subject,
        dataschema,
        content_type: content_type
            .map_or_else(|| DEFAULT_CONTENT_TYPE.to_owned(), |lit| lit.value()),
    })
}

/// Checks the values written in one `#[cloudevent]` list, once, where they
/// are written, so that values an enum passes to its variants are not
/// reported once per variant.
fn check_values(attrs: &EnvelopeAttrs, errors: &mut Errors) {
    for literal in [&attrs.ty, &attrs.source].into_iter().flatten() {
        if literal.value().is_empty() {
            errors.add(literal.span(), "must not be empty");
        }
    }
    if let Some(schema) = &attrs.dataschema {
        if !checks::is_absolute_uri(&schema.value()) {
            errors.add(
                schema.span(),
                "`dataschema` must be an absolute URI, such as `https://example.com/schema.json`",
            );
        }
    }
    if let Some(content_type) = &attrs.content_type {
        if !checks::is_json_media_type(&content_type.value()) {
            errors.add(
                content_type.span(),
                "`datacontenttype` must be a JSON media type (`application/json`, `text/json` \
                 or `*/*+json`), because the data is serialized with serde_json",
            );
        }
    }
}

/// Builds the error message for missing `type` and `source` keys, one
/// message for both.
fn missing_keys_message(
    missing_type: bool,
    missing_source: bool,
    is_variant: bool,
    owner: &Ident,
) -> Option<String> {
    let message = match (missing_type, missing_source, is_variant) {
        (false, false, _) => return None,
        (true, true, false) => {
            "missing `type` and `source`: add `#[cloudevent(type = \"...\", source = \"...\")]`"
                .to_owned()
        }
        (true, false, false) => {
            "missing `type`: add `type = \"...\"` to `#[cloudevent(...)]`".to_owned()
        }
        (false, true, false) => {
            "missing `source`: add `source = \"...\"` to `#[cloudevent(...)]`".to_owned()
        }
        (true, true, true) => format!(
            "variant `{owner}` needs `#[cloudevent(type = \"...\")]`, and a `source` on it or \
             on the enum"
        ),
        (true, false, true) => format!("variant `{owner}` needs `#[cloudevent(type = \"...\")]`"),
        (false, true, true) => format!(
            "missing `source` for variant `{owner}`: add `source = \"...\"` to the enum's or \
             the variant's `#[cloudevent(...)]`"
        ),
    };
    Some(message)
}

/// Reads named fields and their roles, rejecting duplicate roles and
/// extension names.
fn read_fields(
    fields: &FieldsNamed,
    envelope: Option<&Envelope>,
    errors: &mut Errors,
) -> Vec<Field> {
    let mut first_with_role: HashMap<&'static str, Ident> = HashMap::new();
    let mut extensions: HashMap<String, Ident> = HashMap::new();
    let mut out = Vec::new();
    for field in &fields.named {
        let Some(ident) = field.ident.clone() else {
            continue;
        };
        let role = parse_field(&field.attrs, errors).and_then(|(key, key_span)| {
            let (role, label) = match key {
                FieldKey::Id => (Role::Id, "id"),
                FieldKey::Time => (Role::Time, "time"),
                FieldKey::Subject => (Role::Subject, "subject"),
                FieldKey::Extension(name) => {
                    let (name, span, from_field_name) = match name {
                        Some(literal) => (literal.value(), literal.span(), false),
                        None => (ident.unraw().to_string(), ident.span(), true),
                    };
                    let name = ExtensionName {
                        name,
                        span,
                        from_field_name,
                    };
                    return read_extension(&ident, &field.ty, name, &mut extensions, errors);
                }
            };
            if let Some(first) = first_with_role.get(label) {
                errors.add(
                    key_span,
                    format!("`#[cloudevent({label})]` is already on field `{first}`"),
                );
                return None;
            }
            first_with_role.insert(label, ident.clone());
            let problem = match role {
                Role::Id => checks::id_type_problem(&field.ty),
                Role::Time => checks::time_type_problem(&field.ty),
                _ => checks::value_type_problem(&field.ty, "the `subject` field"),
            };
            if let Some(problem) = problem {
                errors.add(field.ty.span(), problem);
                return None;
            }
            if role == Role::Subject {
                if let Some(fixed) = envelope.and_then(|envelope| envelope.subject.as_ref()) {
                    errors.add(
                        key_span,
                        format!(
                            "`subject` is already fixed to {:?} by the type's `#[cloudevent]`; \
                             keep one of them",
                            fixed.value()
                        ),
                    );
                    return None;
                }
            }
            Some(role)
        });
        out.push(Field {
            ident,
            ty: field.ty.clone(),
            role,
            serde_attrs: field
                .attrs
                .iter()
                .filter(|attr| attr.path().is_ident("serde"))
                .cloned()
                .collect(),
        });
    }
    out
}

/// An extension name as written, or taken from the field name.
struct ExtensionName {
    name: String,
    span: Span,
    from_field_name: bool,
}

/// Checks an extension field's name and type.
fn read_extension(
    ident: &Ident,
    ty: &syn::Type,
    extension: ExtensionName,
    seen: &mut HashMap<String, Ident>,
    errors: &mut Errors,
) -> Option<Role> {
    let ExtensionName {
        name,
        span: name_span,
        from_field_name,
    } = extension;
    if let Some(problem) = checks::extension_name_problem(&name) {
        let suggestion = checks::suggest_extension_name(&name);
        let message = match suggestion {
            Some(suggestion) if from_field_name => {
                format!("{problem}. Name it with `#[cloudevent(extension = \"{suggestion}\")]`")
            }
            _ => problem,
        };
        errors.add(name_span, message);
        return None;
    }
    if let Some(first) = seen.get(&name) {
        errors.add(
            name_span,
            format!("extension `{name}` is already carried by field `{first}`"),
        );
        return None;
    }
    seen.insert(name.clone(), ident.clone());
    if let Some(problem) = checks::value_type_problem(ty, "an extension field") {
        errors.add(ty.span(), problem);
        return None;
    }
    Some(Role::Extension(name))
}
