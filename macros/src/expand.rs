//! Code generation: the `TryFrom` impls between the input type and
//! `hookforge::cloudevents::Event`.

use crate::errors::Errors;
use crate::model::{Envelope, Field, Input, Role, Variant, VariantShape};
use crate::read::read;
use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{DeriveInput, Ident};

/// Expands the derive, or on misuse the compile errors plus impls that
/// only return an error, so that code using the type adds no errors.
pub fn derive(input: &DeriveInput) -> TokenStream {
    let mut errors = Errors::default();
    let model = read(input, &mut errors);
    if let Some(compile_errors) = errors.into_compile_errors() {
        let fallback = fallback_impls(input);
        return quote! { #compile_errors #fallback };
    }
    let name = &input.ident;
    match model {
        Some(Input::Struct { envelope, fields }) => struct_impls(name, &envelope, &fields),
        Some(Input::Enum { variants }) => enum_impls(name, &variants),
        None => fallback_impls(input),
    }
}

fn private() -> TokenStream {
    quote!(::hookforge::cloudevents::convert::__private)
}

/// Generates the impl of `TryFrom<T>` for `Event`, which calls the one for
/// `&T`.
fn by_value_impl(name: &Ident, generics: &syn::Generics) -> TokenStream {
    let (impl_generics, type_generics, where_clause) = generics.split_for_impl();
    quote! {
        #[automatically_derived]
        impl #impl_generics ::core::convert::TryFrom<#name #type_generics>
            for ::hookforge::cloudevents::Event #where_clause
        {
            type Error = ::hookforge::cloudevents::convert::IntoEventError;

            fn try_from(value: #name #type_generics) -> ::core::result::Result<Self, Self::Error> {
                <Self as ::core::convert::TryFrom<&#name #type_generics>>::try_from(&value)
            }
        }
    }
}

/// Generates impls with the input's generics whose bodies return an error.
/// They are only emitted next to a `compile_error!`.
fn fallback_impls(input: &DeriveInput) -> TokenStream {
    let name = &input.ident;
    let private = private();
    let (impl_generics, type_generics, where_clause) = input.generics.split_for_impl();
    let by_value = by_value_impl(name, &input.generics);
    quote! {
        #[automatically_derived]
        impl #impl_generics ::core::convert::TryFrom<&#name #type_generics>
            for ::hookforge::cloudevents::Event #where_clause
        {
            type Error = ::hookforge::cloudevents::convert::IntoEventError;

            fn try_from(_: &#name #type_generics) -> ::core::result::Result<Self, Self::Error> {
                ::core::result::Result::Err(#private::invalid_derive_into())
            }
        }

        #by_value

        #[automatically_derived]
        impl #impl_generics ::core::convert::TryFrom<::hookforge::cloudevents::Event>
            for #name #type_generics #where_clause
        {
            type Error = ::hookforge::cloudevents::convert::FromEventError;

            fn try_from(_: ::hookforge::cloudevents::Event) -> ::core::result::Result<Self, Self::Error> {
                ::core::result::Result::Err(#private::invalid_derive_from())
            }
        }
    }
}

/// Generates the statements that fill `draft` from the envelope and the
/// attribute fields. `access` gives a reference to each field's value.
fn draft_statements(
    envelope: &Envelope,
    fields: &[Field],
    access: impl Fn(usize, &Field) -> TokenStream,
) -> TokenStream {
    let private = private();
    let Envelope {
        ty,
        source,
        subject,
        dataschema,
        content_type,
    } = envelope;
    let mut statements = quote! {
        #[allow(unused_mut)]
        let mut draft = #private::EventDraft::new(#ty, #source, #content_type);
    };
    if let Some(schema) = dataschema {
        statements.extend(quote!(draft.set_dataschema(#schema);));
    }
    if let Some(subject) = subject {
        statements.extend(quote!(draft.set_fixed_subject(#subject);));
    }
    for (index, field) in fields.iter().enumerate() {
        let Some(role) = &field.role else { continue };
        let value = access(index, field);
        let ty = &field.ty;
        let probe = quote_spanned!(ty.span()=> #private::Probe::<#ty>::new());
        let statement = match role {
            Role::Id => quote!(#probe.set_id(&mut draft, #value);),
            Role::Time => quote!(#probe.set_time(&mut draft, #value);),
            Role::Subject => quote!(#probe.set_subject(&mut draft, #value);),
            Role::Extension(name) => quote!(#probe.set_extension(&mut draft, #name, #value)?;),
        };
        statements.extend(statement);
    }
    statements
}

/// Generates, for each attribute field, a compile-time check that its type
/// fits the attribute. A failing check is the only error for that field,
/// because the conversions reach the field through `Probe`, which compiles
/// for any type.
fn field_type_checks<'a>(fields: impl IntoIterator<Item = &'a Field>) -> TokenStream {
    let private = private();
    let mut checks = TokenStream::new();
    for field in fields {
        let ty = &field.ty;
        let assert = match &field.role {
            Some(Role::Id) => quote!(assert_id),
            Some(Role::Time) => quote!(assert_time),
            Some(Role::Subject) => quote!(assert_subject),
            Some(Role::Extension(_)) => quote!(assert_extension),
            None => continue,
        };
        checks.extend(quote_spanned! {ty.span()=>
            const _: fn() = #private::#assert::<#ty>;
        });
    }
    checks
}

/// Generates the import that lets `Probe` method calls fall back to
/// `ProbeFallback`.
fn fallback_import() -> TokenStream {
    let private = private();
    quote! {
        #[allow(unused_imports)]
        use #private::ProbeFallback as _;
    }
}

/// Generates the expression that reads a field's attribute from `event`,
/// if the field carries one.
fn read_attribute(field: &Field) -> Option<TokenStream> {
    let private = private();
    let ty = &field.ty;
    let probe = quote_spanned!(ty.span()=> #private::Probe::<#ty>::new());
    let read = match field.role.as_ref()? {
        Role::Id => quote!(#probe.read_id(&event)?),
        Role::Time => quote!(#probe.read_time(&event)?),
        Role::Subject => quote!(#probe.read_subject(&event)?),
        Role::Extension(name) => quote!(#probe.read_extension(&event, #name)?),
    };
    Some(read)
}

fn struct_impls(name: &Ident, envelope: &Envelope, fields: &[Field]) -> TokenStream {
    let private = private();
    let fill = draft_statements(envelope, fields, |_, field| {
        let ident = &field.ident;
        quote!(&value.#ident)
    });
    let ty = &envelope.ty;
    let assignments: Vec<TokenStream> = fields
        .iter()
        .filter_map(|field| {
            let read = read_attribute(field)?;
            let ident = &field.ident;
            Some(quote!(value.#ident = #read;))
        })
        .collect();
    let binding = if assignments.is_empty() {
        quote!(value)
    } else {
        quote!(mut value)
    };
    let by_value = by_value_impl(name, &syn::Generics::default());
    let checks = field_type_checks(fields);
    let import = fallback_import();
    quote! {
        #checks

        #[automatically_derived]
        impl ::core::convert::TryFrom<&#name> for ::hookforge::cloudevents::Event {
            type Error = ::hookforge::cloudevents::convert::IntoEventError;

            fn try_from(value: &#name) -> ::core::result::Result<Self, Self::Error> {
                #import
                #fill
                draft.build(value)
            }
        }

        #by_value

        #[automatically_derived]
        impl ::core::convert::TryFrom<::hookforge::cloudevents::Event> for #name {
            type Error = ::hookforge::cloudevents::convert::FromEventError;

            fn try_from(
                event: ::hookforge::cloudevents::Event,
            ) -> ::core::result::Result<Self, Self::Error> {
                #import
                #private::check_envelope(&event, &[#ty])?;
                let #binding: Self = #private::read_data(&event)?;
                #(#assignments)*
                ::core::result::Result::Ok(value)
            }
        }
    }
}

/// Names the binding of field `index` in a match on a struct variant.
fn binding(index: usize) -> Ident {
    format_ident!("__hookforge_field_{}", index)
}

fn enum_impls(name: &Ident, variants: &[Variant]) -> TokenStream {
    let private = private();
    let types: Vec<_> = variants
        .iter()
        .map(|variant| &variant.envelope.ty)
        .collect();
    let into_arms = variants.iter().map(|variant| into_arm(name, variant));
    let from_arms = variants.iter().map(|variant| from_arm(name, variant));
    let by_value = by_value_impl(name, &syn::Generics::default());
    let checks = field_type_checks(variants.iter().flat_map(|variant| match &variant.shape {
        VariantShape::Struct(fields) => fields.as_slice(),
        VariantShape::Newtype(_) => &[],
    }));
    let import = fallback_import();
    quote! {
        #checks

        #[automatically_derived]
        impl ::core::convert::TryFrom<&#name> for ::hookforge::cloudevents::Event {
            type Error = ::hookforge::cloudevents::convert::IntoEventError;

            fn try_from(value: &#name) -> ::core::result::Result<Self, Self::Error> {
                #import
                match value {
                    #(#into_arms)*
                }
            }
        }

        #by_value

        #[automatically_derived]
        impl ::core::convert::TryFrom<::hookforge::cloudevents::Event> for #name {
            type Error = ::hookforge::cloudevents::convert::FromEventError;

            fn try_from(
                event: ::hookforge::cloudevents::Event,
            ) -> ::core::result::Result<Self, Self::Error> {
                #import
                const TYPES: &[&str] = &[#(#types),*];
                #private::check_envelope(&event, TYPES)?;
                match #private::event_type(&event) {
                    #(#from_arms)*
                    _ => ::core::result::Result::Err(#private::wrong_type(&event, TYPES)),
                }
            }
        }
    }
}

/// Generates the match arm that converts one variant into an event.
fn into_arm(name: &Ident, variant: &Variant) -> TokenStream {
    let ident = &variant.ident;
    match &variant.shape {
        VariantShape::Newtype(_) => {
            let fill = draft_statements(&variant.envelope, &[], |_, _| TokenStream::new());
            quote! {
                #name::#ident(data) => {
                    #fill
                    draft.build(data)
                }
            }
        }
        VariantShape::Struct(fields) => {
            let fill = draft_statements(&variant.envelope, fields, |index, _| {
                let binding = binding(index);
                quote!(#binding)
            });
            let idents: Vec<_> = fields.iter().map(|field| &field.ident).collect();
            let bindings: Vec<_> = (0..fields.len()).map(binding).collect();
            let helper_fields = fields.iter().map(|field| {
                let ident = &field.ident;
                let ty = &field.ty;
                let serde_attrs = &field.serde_attrs;
                quote!(#(#serde_attrs)* #ident: &'hookforge #ty)
            });
            quote! {
                #name::#ident { #(#idents: #bindings),* } => {
                    #[derive(::hookforge::serde::Serialize)]
                    #[serde(crate = "::hookforge::serde")]
                    struct VariantData<'hookforge> {
                        #(#helper_fields,)*
                    }

                    #fill
                    draft.build(&VariantData { #(#idents: #bindings),* })
                }
            }
        }
    }
}

/// Generates the match arm that builds one variant from an event of its
/// type.
fn from_arm(name: &Ident, variant: &Variant) -> TokenStream {
    let private = private();
    let ident = &variant.ident;
    let ty = &variant.envelope.ty;
    match &variant.shape {
        VariantShape::Newtype(inner) => quote! {
            #ty => ::core::result::Result::Ok(#name::#ident(#private::read_data::<#inner>(&event)?)),
        },
        VariantShape::Struct(fields) => {
            let helper_fields = fields.iter().map(|field| {
                let ident = &field.ident;
                let ty = &field.ty;
                let serde_attrs = &field.serde_attrs;
                quote!(#(#serde_attrs)* #ident: #ty)
            });
            let values = fields.iter().map(|field| {
                let ident = &field.ident;
                match read_attribute(field) {
                    Some(read) => quote!(#ident: #read),
                    None => quote!(#ident: data.#ident),
                }
            });
            quote! {
                #ty => {
                    // Attribute fields are deserialized only to be replaced.
                    #[derive(::hookforge::serde::Deserialize)]
                    #[serde(crate = "::hookforge::serde")]
                    #[allow(dead_code)]
                    struct VariantData {
                        #(#helper_fields,)*
                    }

                    #[allow(unused_variables)]
                    let data: VariantData = #private::read_data(&event)?;
                    ::core::result::Result::Ok(#name::#ident { #(#values),* })
                }
            }
        }
    }
}
