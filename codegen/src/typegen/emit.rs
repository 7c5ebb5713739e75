//! Rust source for a [`TypeSpace`], built with `quote` and formatted with
//! `prettyplease`.
//!
//! Generated code names every dependency through the `hookforge` runtime
//! crate by absolute path, so a user adds that one dependency. Names and
//! docs enter the output only as identifiers checked by the naming rules or
//! as string literals that `quote` escapes, so no input text can break out
//! of a comment, a literal or an attribute.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use super::cloudevent;
use super::custom::Customization;
use super::derive::{derivable, Derivable};
use super::space::{
    EnumValue, Field, OneOfDetails, StringFormat, StructDetails, Tagging, TypeDetails, TypeEntry,
    TypeRef, TypeSpace,
};

/// Formats `space` as a Rust module body. `header` lines are written as
/// `//` comments at the top.
pub fn render(space: &TypeSpace, header: &[String]) -> String {
    render_with(space, header, &Customization::default())
}

/// Formats `space` like [`render`], adding the extra derives of `custom`
/// to every struct and enum.
///
/// Extra derives go on every generated struct and enum, the unit structs
/// of `const` schemas and the string and value enums included: a derive
/// such as `schemars::JsonSchema` on a struct needs its field types to
/// implement the trait too. A derive that a type already has (`Eq` where
/// `Eq` is derived, `Deserialize` where it is written by hand) is left out
/// for that type, by the last segment of its path, so it is never derived
/// twice. Whether a derive compiles for every type is the caller's
/// concern: `Hash` fails on a struct with an `f64` field, for example.
///
/// A struct that carries a CloudEvent's data ([`TypeSpace::cloud_event`])
/// also derives `::hookforge::cloudevents::CloudEvent`, which needs the
/// runtime's `cloudevents` feature. Other code does not need it.
pub fn render_with(space: &TypeSpace, header: &[String], custom: &Customization) -> String {
    let derives = derivable(space);
    let extra = ExtraDerives::new(&custom.derives);
    let items: Vec<TokenStream> = space
        .iter()
        .map(|(id, entry)| {
            let cloud_event = space.cloud_event(id).map(cloudevent::attribute_tokens);
            item(space, entry, derives[id.0], &extra, cloud_event)
        })
        .collect();
    let tokens = quote! { #(#items)* };
    let mut out = String::new();
    for line in doc_text(header) {
        out.push_str("// ");
        out.push_str(&line);
        out.push('\n');
    }
    match syn::parse2::<syn::File>(tokens.clone()) {
        Ok(file) => out.push_str(&prettyplease::unparse(&file)),
        // NOTE: unreachable unless the emitter builds invalid tokens; the
        // raw tokens still compile-check, so hand them out unformatted.
        Err(_) => out.push_str(&tokens.to_string()),
    }
    out
}

/// Lints that generated enums may trip through no fault of the user:
/// variant names come from schema names (`OrderCreated` in enum `Order`),
/// and variant sizes from the schemas.
struct EnumAllows;

impl quote::ToTokens for EnumAllows {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        tokens.extend(quote!(#[allow(clippy::enum_variant_names, clippy::large_enum_variant)]));
    }
}

const ENUM_ALLOWS: EnumAllows = EnumAllows;

fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// Emits doc attributes for `lines`, made safe for rustdoc and rustc:
/// see [`doc_text`].
fn doc_attrs(lines: &[String]) -> TokenStream {
    let lines = doc_text(lines).into_iter().map(|line| format!(" {line}"));
    quote! { #( #[doc = #lines] )* }
}

/// Rewrites doc lines taken from a document so that they stay prose:
/// control characters and tabs become spaces (rustc rejects a bare carriage
/// return in a doc comment, and clippy a tab), bidirectional-text controls
/// are written as `\u{..}` (rustc rejects them as a spoofing risk), a code
/// fence without a language becomes a `text` fence and indentation is
/// trimmed, so no description turns into a doctest in the user's crate.
pub(crate) fn doc_text(lines: &[String]) -> Vec<String> {
    let mut in_fence = false;
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        let mut clean = String::with_capacity(line.len());
        for c in line.chars() {
            match c {
                '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{061c}' => {
                    clean.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
                }
                c if c.is_control() => clean.push(' '),
                c => clean.push(c),
            }
        }
        let trimmed = clean.trim_start();
        if let Some(info) = trimmed.strip_prefix("```") {
            if !in_fence && (info.trim().is_empty() || info.trim() == "rust") {
                clean = "```text".to_owned();
            } else {
                clean = trimmed.to_owned();
            }
            in_fence = !in_fence;
        } else if !in_fence {
            clean = trimmed.to_owned();
        }
        out.push(clean);
    }
    if in_fence {
        out.push("```".to_owned());
    }
    out
}

/// The user's extra derives, each with the last segment of its path.
struct ExtraDerives(Vec<(String, TokenStream)>);

impl ExtraDerives {
    fn new(paths: &[String]) -> ExtraDerives {
        ExtraDerives(
            paths
                .iter()
                .filter_map(|text| {
                    // Checked as a path by `Customization::new`.
                    let path: syn::Path = syn::parse_str(text).ok()?;
                    let last = path.segments.last()?.ident.to_string();
                    Some((last, quote!(#path)))
                })
                .collect(),
        )
    }

    /// Returns the derives to add to a type that already derives `present`, each
    /// followed by a comma.
    fn besides(&self, present: &[&str]) -> TokenStream {
        let paths = self
            .0
            .iter()
            .filter(|(last, _)| !present.contains(&last.as_str()))
            .map(|(_, path)| path);
        quote!(#(#paths,)*)
    }
}

fn derive_attr(derives: Derivable, default: bool, extra: &ExtraDerives) -> TokenStream {
    let eq = derives.eq.then(|| quote!(Eq,));
    let hash = derives.hash.then(|| quote!(Hash,));
    let default_derive = default.then(|| quote!(Default,));
    let mut present = vec!["Debug", "Clone", "PartialEq", "Serialize", "Deserialize"];
    present.extend(derives.eq.then_some("Eq"));
    present.extend(derives.hash.then_some("Hash"));
    present.extend(default.then_some("Default"));
    let extra = extra.besides(&present);
    quote! {
        #[derive(Debug, Clone, PartialEq, #eq #hash #default_derive #extra ::hookforge::serde::Serialize, ::hookforge::serde::Deserialize)]
        #[serde(crate = "::hookforge::serde")]
    }
}

fn item(
    space: &TypeSpace,
    entry: &TypeEntry,
    derives: Derivable,
    extra: &ExtraDerives,
    cloud_event: Option<TokenStream>,
) -> TokenStream {
    let name = ident(&entry.name);
    let docs = doc_attrs(&entry.docs);
    let docs = quote!(#docs #cloud_event);
    match &entry.details {
        TypeDetails::Struct(details) => struct_item(space, &name, docs, details, derives, extra),
        TypeDetails::StringEnum(values) => string_enum(&name, docs, values, extra),
        TypeDetails::ValueEnum(values) => value_enum(&name, docs, values, extra),
        TypeDetails::Const(value) => const_item(&name, docs, value, extra),
        TypeDetails::OneOf(details) => one_of(space, &name, docs, details, derives, extra),
        TypeDetails::Alias(ty) => {
            let ty = type_tokens(space, ty);
            quote! { #docs pub type #name = #ty; }
        }
        TypeDetails::Newtype(ty) => {
            let ty = type_tokens(space, ty);
            let derive = derive_attr(derives, derives.default, extra);
            quote! {
                #docs
                #derive
                #[serde(transparent)]
                pub struct #name(pub #ty);
            }
        }
    }
}

fn struct_item(
    space: &TypeSpace,
    name: &Ident,
    docs: TokenStream,
    details: &StructDetails,
    derives: Derivable,
    extra: &ExtraDerives,
) -> TokenStream {
    let fields = details
        .fields
        .iter()
        .map(|field| field_tokens(space, field));
    let additional = details.additional.as_ref().map(|ty| {
        let ty = type_tokens(space, ty);
        quote! {
            /// Properties not listed in the schema, kept so that they
            /// round-trip.
            #[serde(flatten)]
            pub additional_properties: ::std::collections::BTreeMap<::std::string::String, #ty>,
        }
    });
    let derive = derive_attr(derives, derives.default, extra);
    let deny = (details.additional.is_none() && details.omitted.is_empty())
        .then(|| quote!(#[serde(deny_unknown_fields)]));
    let accessors = default_accessors(space, name, details);
    quote! {
        #docs
        #derive
        #deny
        pub struct #name {
            #(#fields)*
            #additional
        }
        #accessors
    }
}

/// Emits `<field>_or_default()` for each optional field whose schema has a
/// `default` that a Rust literal can state exactly: strings, booleans,
/// integers that fit the field's type (with a typed suffix, so no literal
/// is squeezed through another width) and floats. Decoding leaves an
/// absent field `None`, so a value round-trips unchanged; the accessor is
/// where the default applies.
fn default_accessors(space: &TypeSpace, name: &Ident, details: &StructDetails) -> TokenStream {
    let methods: Vec<TokenStream> = details
        .fields
        .iter()
        .filter(|field| !field.required && !field.nullable)
        .filter_map(|field| {
            let default = field.default.as_ref()?;
            let literal = default_literal(space, &field.ty, default)?;
            let field_name = ident(&field.ident);
            let method = format_ident!("{}_or_default", field.ident.trim_start_matches("r#"));
            let ty = type_tokens(space, &field.ty);
            let doc = format!(
                " Returns `{}`, or its schema default `{default}` when absent.",
                field.wire_name
            );
            // Every type here but `String` is `Copy`, and clippy rejects
            // both a `clone` of a `Copy` value and a closure around a literal.
            let body = if field.ty == TypeRef::String {
                quote!(self.#field_name.clone().unwrap_or_else(|| #literal))
            } else {
                quote!(self.#field_name.unwrap_or(#literal))
            };
            Some(quote! {
                #[doc = #doc]
                pub fn #method(&self) -> #ty {
                    #body
                }
            })
        })
        .collect();
    if methods.is_empty() {
        return quote!();
    }
    quote! {
        impl #name {
            #(#methods)*
        }
    }
}

/// A Rust expression for `value` as type `ty`, or `None` when the value
/// does not fit the type exactly.
fn default_literal(
    space: &TypeSpace,
    ty: &TypeRef,
    value: &serde_json::Value,
) -> Option<TokenStream> {
    use proc_macro2::Literal;
    match (ty, value) {
        (TypeRef::String, serde_json::Value::String(text)) => {
            Some(quote!(::std::string::String::from(#text)))
        }
        (TypeRef::Bool, serde_json::Value::Bool(flag)) => Some(quote!(#flag)),
        (TypeRef::Float, serde_json::Value::Number(number)) => {
            let literal = Literal::f64_suffixed(number.as_f64()?);
            Some(quote!(#literal))
        }
        (TypeRef::Integer { signed, bits }, serde_json::Value::Number(number)) => {
            let literal = match (signed, bits) {
                (true, 8) => Literal::i8_suffixed(i8::try_from(number.as_i64()?).ok()?),
                (true, 16) => Literal::i16_suffixed(i16::try_from(number.as_i64()?).ok()?),
                (true, 32) => Literal::i32_suffixed(i32::try_from(number.as_i64()?).ok()?),
                (true, 64) => Literal::i64_suffixed(number.as_i64()?),
                (true, _) => Literal::i128_suffixed(i128::from(number.as_i64()?)),
                (false, 8) => Literal::u8_suffixed(u8::try_from(number.as_u64()?).ok()?),
                (false, 16) => Literal::u16_suffixed(u16::try_from(number.as_u64()?).ok()?),
                (false, 32) => Literal::u32_suffixed(u32::try_from(number.as_u64()?).ok()?),
                (false, 64) => Literal::u64_suffixed(number.as_u64()?),
                (false, _) => Literal::u128_suffixed(u128::from(number.as_u64()?)),
            };
            Some(quote!(#literal))
        }
        (TypeRef::Named(id), serde_json::Value::String(text)) => match &space.get(*id).details {
            TypeDetails::StringEnum(values) => {
                let enum_name = ident(&space.get(*id).name);
                let variant = values
                    .iter()
                    .find(|v| v.value.as_str() == Some(text.as_str()))?;
                let variant = ident(&variant.ident);
                Some(quote!(#enum_name::#variant))
            }
            _ => None,
        },
        _ => None,
    }
}

fn field_tokens(space: &TypeSpace, field: &Field) -> TokenStream {
    let ident = ident(&field.ident);
    let wire = &field.wire_name;
    let inner = type_tokens(space, &field.ty);
    let mut docs = field.docs.clone();
    if docs.is_empty() {
        docs.push(format!("The `{wire}` property."));
    }
    if let Some(default) = &field.default {
        docs.push(String::new());
        docs.push(format!("Default: `{default}`."));
    }
    if !field.required && field.nullable {
        docs.push(String::new());
        docs.push("`None` when the property is absent, `Some(None)` when it is `null`.".to_owned());
    }
    let docs = doc_attrs(&docs);
    let rename = (field.ident != *wire).then(|| quote!(#[serde(rename = #wire)]));
    let (ty, attrs) = match (field.required, field.nullable) {
        (true, false) => (inner, quote!()),
        (true, true) => (
            quote!(::std::option::Option<#inner>),
            quote!(#[serde(deserialize_with = "::hookforge::serde_support::required_nullable")]),
        ),
        (false, false) => (
            quote!(::std::option::Option<#inner>),
            quote!(#[serde(default, skip_serializing_if = "::std::option::Option::is_none", deserialize_with = "::hookforge::serde_support::present_not_null")]),
        ),
        (false, true) => (
            quote!(::std::option::Option<::std::option::Option<#inner>>),
            quote!(#[serde(default, skip_serializing_if = "::std::option::Option::is_none", with = "::hookforge::serde_support::double_option")]),
        ),
    };
    quote! {
        #docs
        #rename
        #attrs
        pub #ident: #ty,
    }
}

fn string_enum(
    name: &Ident,
    docs: TokenStream,
    values: &[EnumValue],
    extra: &ExtraDerives,
) -> TokenStream {
    let variants = values.iter().map(|value| {
        let variant = ident(&value.ident);
        let wire = value.value.as_str().unwrap_or_default();
        quote! { #[serde(rename = #wire)] #variant, }
    });
    let arms = values.iter().map(|value| {
        let variant = ident(&value.ident);
        let wire = value.value.as_str().unwrap_or_default();
        quote! { Self::#variant => #wire, }
    });
    let extra = extra.besides(&[
        "Debug",
        "Clone",
        "Copy",
        "PartialEq",
        "Eq",
        "Hash",
        "PartialOrd",
        "Ord",
        "Serialize",
        "Deserialize",
    ]);
    quote! {
        #docs
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, #extra ::hookforge::serde::Serialize, ::hookforge::serde::Deserialize)]
        #[serde(crate = "::hookforge::serde")]
        #[allow(clippy::enum_variant_names)]
        pub enum #name { #(#variants)* }

        impl #name {
            /// Returns the value as written on the wire.
            pub fn as_str(&self) -> &'static str {
                match self { #(#arms)* }
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    }
}

/// Emits an enum whose values are not all strings. It converts through
/// `serde_json::Value`, so each value matches exactly, whatever its type.
fn value_enum(
    name: &Ident,
    docs: TokenStream,
    values: &[EnumValue],
    extra: &ExtraDerives,
) -> TokenStream {
    let variants: Vec<Ident> = values.iter().map(|v| ident(&v.ident)).collect();
    let texts: Vec<String> = values.iter().map(|v| v.value.to_string()).collect();
    let variant_docs = texts.iter().map(|t| doc_attrs(&[format!("`{t}`")]));
    let expected = format!("one of {}", texts.join(", "));
    let extra = extra.besides(&SMALL_TYPE_DERIVES);
    quote! {
        #docs
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, #extra ::hookforge::serde::Serialize, ::hookforge::serde::Deserialize)]
        #[serde(crate = "::hookforge::serde", try_from = "::hookforge::serde_json::Value", into = "::hookforge::serde_json::Value")]
        #[allow(clippy::enum_variant_names)]
        pub enum #name { #( #variant_docs #variants, )* }

        impl ::std::convert::TryFrom<::hookforge::serde_json::Value> for #name {
            type Error = ::hookforge::serde_support::UnexpectedValue;
            fn try_from(value: ::hookforge::serde_json::Value) -> ::std::result::Result<Self, Self::Error> {
                #( if ::hookforge::serde_support::json_eq(&value, #texts) { return ::std::result::Result::Ok(Self::#variants); } )*
                ::std::result::Result::Err(::hookforge::serde_support::UnexpectedValue::new(value, #expected))
            }
        }

        impl ::std::convert::From<#name> for ::hookforge::serde_json::Value {
            fn from(value: #name) -> Self {
                match value { #( #name::#variants => ::hookforge::serde_support::json_value(#texts), )* }
            }
        }
    }
}

/// Derives of value enums and `const` unit structs. The latter also
/// derive `Default`, which `const_item` adds to this list.
const SMALL_TYPE_DERIVES: [&str; 8] = [
    "Debug",
    "Clone",
    "Copy",
    "PartialEq",
    "Eq",
    "Hash",
    "Serialize",
    "Deserialize",
];

fn const_item(
    name: &Ident,
    docs: TokenStream,
    value: &serde_json::Value,
    extra: &ExtraDerives,
) -> TokenStream {
    let text = value.to_string();
    let expected = format!("exactly {text}");
    let note = doc_attrs(&[String::new(), format!("Always `{text}` on the wire.")]);
    let mut present = SMALL_TYPE_DERIVES.to_vec();
    present.push("Default");
    let extra = extra.besides(&present);
    quote! {
        #docs
        #note
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, #extra ::hookforge::serde::Serialize, ::hookforge::serde::Deserialize)]
        #[serde(crate = "::hookforge::serde", try_from = "::hookforge::serde_json::Value", into = "::hookforge::serde_json::Value")]
        pub struct #name;

        impl ::std::convert::TryFrom<::hookforge::serde_json::Value> for #name {
            type Error = ::hookforge::serde_support::UnexpectedValue;
            fn try_from(value: ::hookforge::serde_json::Value) -> ::std::result::Result<Self, Self::Error> {
                if ::hookforge::serde_support::json_eq(&value, #text) {
                    ::std::result::Result::Ok(Self)
                } else {
                    ::std::result::Result::Err(::hookforge::serde_support::UnexpectedValue::new(value, #expected))
                }
            }
        }

        impl ::std::convert::From<#name> for ::hookforge::serde_json::Value {
            fn from(_: #name) -> Self {
                ::hookforge::serde_support::json_value(#text)
            }
        }
    }
}

/// Emits a `oneOf` / `anyOf` enum. It serializes each variant as its content
/// (serde's untagged form), so a tag property is written once, by the
/// variant's own type. Without a tag, deserializing tries the variants in
/// order. With a tag, a hand-written `Deserialize` reads the tag property
/// and decodes only the variant it names, so variants that accept the same
/// shapes cannot shadow each other.
fn one_of(
    space: &TypeSpace,
    name: &Ident,
    docs: TokenStream,
    details: &OneOfDetails,
    derives: Derivable,
    extra: &ExtraDerives,
) -> TokenStream {
    let variants = details.variants.iter().map(|variant| {
        let variant_name = ident(&variant.ident);
        let ty = type_tokens(space, &variant.ty);
        let doc = variant
            .tag_value
            .as_ref()
            .map(|value| doc_attrs(&[format!("Selected by tag value `{value}`.")]));
        quote! { #doc #variant_name(#ty), }
    });
    let tag = match &details.tagging {
        Tagging::Internal { tag } if details.variants.iter().all(|v| v.tag_value.is_some()) => {
            Some(tag)
        }
        _ => None,
    };
    let Some(tag) = tag else {
        let derive = derive_attr(derives, false, extra);
        return quote! {
            #docs
            #derive
            #[serde(untagged)]
            #ENUM_ALLOWS
            pub enum #name { #(#variants)* }
        };
    };
    let tag_doc = doc_attrs(&[
        String::new(),
        format!("The property `{tag}` selects the variant."),
    ]);
    let eq = derives.eq.then(|| quote!(Eq,));
    let hash = derives.hash.then(|| quote!(Hash,));
    let mut present = vec!["Debug", "Clone", "PartialEq", "Serialize", "Deserialize"];
    present.extend(derives.eq.then_some("Eq"));
    present.extend(derives.hash.then_some("Hash"));
    let extra = extra.besides(&present);
    let arms = details.variants.iter().map(|variant| {
        let variant_name = ident(&variant.ident);
        let value = variant.tag_value.as_deref().unwrap_or_default();
        let context = format!("`{tag}` {value:?} ({}): ", variant.ident)
            .replace('{', "{{")
            .replace('}', "}}");
        let context = format!("{context}{{}}");
        quote! {
            ::std::option::Option::Some(#value) => ::hookforge::serde_json::from_value(value)
                .map(Self::#variant_name)
                .map_err(|error| ::hookforge::serde::de::Error::custom(::std::format!(#context, error))),
        }
    });
    let expected = details
        .variants
        .iter()
        .filter_map(|v| v.tag_value.as_deref())
        .map(|v| format!("{v:?}"))
        .collect::<Vec<_>>()
        .join(", ");
    // `unknown` is a format string, so braces from the document are doubled.
    let braces = |text: &str| text.replace('{', "{{").replace('}', "}}");
    let unknown = format!(
        "unknown `{}` value {{:?}}, expected one of {}",
        braces(tag),
        braces(&expected)
    );
    let missing = format!("missing string property `{tag}`, expected one of {expected}");
    quote! {
        #docs
        #tag_doc
        #[derive(Debug, Clone, PartialEq, #eq #hash #extra ::hookforge::serde::Serialize)]
        #[serde(crate = "::hookforge::serde", untagged)]
        #ENUM_ALLOWS
        pub enum #name { #(#variants)* }

        impl<'de> ::hookforge::serde::Deserialize<'de> for #name {
            fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
            where
                D: ::hookforge::serde::Deserializer<'de>,
            {
                let value = <::hookforge::serde_json::Value as ::hookforge::serde::Deserialize>::deserialize(deserializer)?;
                let tag = value.get(#tag).and_then(::hookforge::serde_json::Value::as_str).map(::std::borrow::ToOwned::to_owned);
                match tag.as_deref() {
                    #(#arms)*
                    ::std::option::Option::Some(other) => ::std::result::Result::Err(::hookforge::serde::de::Error::custom(::std::format!(#unknown, other))),
                    ::std::option::Option::None => ::std::result::Result::Err(::hookforge::serde::de::Error::custom(#missing)),
                }
            }
        }
    }
}

/// Returns the Rust type expression for `ty`.
pub fn type_tokens(space: &TypeSpace, ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::Named(id) => {
            let name = ident(&space.get(*id).name);
            quote!(#name)
        }
        TypeRef::Bool => quote!(bool),
        TypeRef::Integer { signed, bits } => {
            let name = format_ident!("{}{}", if *signed { "i" } else { "u" }, bits);
            quote!(#name)
        }
        TypeRef::Float => quote!(f64),
        TypeRef::String => quote!(::std::string::String),
        TypeRef::Format(format) => {
            let name = format_ident!(
                "{}",
                match format {
                    StringFormat::DateTime => "DateTime",
                    StringFormat::Date => "Date",
                    StringFormat::Time => "Time",
                    StringFormat::Uuid => "Uuid",
                    StringFormat::Uri => "Uri",
                    StringFormat::Email => "Email",
                    StringFormat::Byte => "Base64",
                }
            );
            quote!(::hookforge::formats::#name)
        }
        TypeRef::Json => quote!(::hookforge::serde_json::Value),
        TypeRef::Unit => quote!(()),
        TypeRef::Vec(inner) => {
            let inner = type_tokens(space, inner);
            quote!(::std::vec::Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = type_tokens(space, inner);
            quote!(::std::collections::BTreeMap<::std::string::String, #inner>)
        }
        TypeRef::Option(inner) => {
            let inner = type_tokens(space, inner);
            quote!(::std::option::Option<#inner>)
        }
        TypeRef::Box(inner) => {
            let inner = type_tokens(space, inner);
            quote!(::std::boxed::Box<#inner>)
        }
        TypeRef::External(path) => match syn::parse_str::<syn::TypePath>(path) {
            Ok(path) => quote!(#path),
            // NOTE: unreachable, `Customization::new` keeps only paths that
            // parse; the compiler then reports the bad text.
            Err(_) => path.parse().unwrap_or_default(),
        },
    }
}
