//! Derive macros for Hookforge.
//!
//! Use them through the `hookforge` crate (`hookforge::cloudevents::CloudEvent`
//! with the `cloudevents` feature): the generated code refers only to
//! `::hookforge` paths, so this crate is never a direct dependency.

mod attrs;
mod checks;
mod errors;
mod expand;
mod model;
mod read;

use proc_macro::TokenStream;

/// Derives conversions between a type and a CloudEvents 1.0 event:
/// `TryFrom<T>` and `TryFrom<&T>` for `hookforge::cloudevents::Event`, and
/// `TryFrom<Event>` for `T`.
///
/// # Type attributes
///
/// `#[cloudevent(...)]` on a struct, or on an enum and its variants, takes
/// string literals:
///
/// - `type` (required): the event `type`. On an enum each variant has its
///   own, and no two variants share one.
/// - `source` (required): the event `source`. A variant inherits the enum's
///   and may override it.
/// - `subject`: a fixed `subject`.
/// - `dataschema`: the `dataschema`, an absolute URI.
/// - `datacontenttype`: a JSON media type, `application/json` by default.
///
/// # Field attributes
///
/// - `#[cloudevent(id)]`: the field gives the event `id` through `Display`
///   and is parsed back with `FromStr` (`String`, `uuid::Uuid`, integers).
///   Without it the id is a fresh UUID v7.
/// - `#[cloudevent(time)]`: a `chrono::DateTime<Utc>` field gives `time`,
///   and an `Option<DateTime<Utc>>` field omits it when `None`. Without it
///   `time` is the current time.
/// - `#[cloudevent(subject)]`: a `String` or `Option<String>` field gives
///   `subject`.
/// - `#[cloudevent(extension = "name")]`, or `#[cloudevent(extension)]` to
///   use the field name: the field becomes an extension attribute. `String`,
///   `bool` and integer types map to the CloudEvents string, boolean and
///   integer types, and an `Option` of one of them omits the extension when
///   `None`. Names are lowercase ASCII letters and digits, and neither `data`
///   nor a CloudEvents 1.0 context attribute name.
///
/// # Data
///
/// The data is the serde JSON serialization of the value: of the whole
/// struct, of a newtype variant's inner value, or of a struct variant's
/// fields as one object. A struct variant's fields keep their `#[serde]`
/// attributes, but `#[serde]` attributes on the enum or the variant do not
/// apply to that object. Attribute fields stay in the data unless they are
/// `#[serde(skip)]`.
///
/// Converting back deserializes the data and then sets every attribute field
/// from the event's attribute, so the attribute wins over the data. A field
/// that is not an `Option` makes a missing attribute an error. The
/// conversion checks `specversion` (1.0), the `type` (it selects the
/// variant of an enum) and that `datacontenttype`, when present, is a JSON
/// media type. It does not check `source`, `subject` or `dataschema`.
///
/// Generic types are not supported. Misuse is a compile error on the
/// offending token, and the derive still emits impls that return an error,
/// so code that uses the type reports nothing further.
#[proc_macro_derive(CloudEvent, attributes(cloudevent, serde))]
pub fn derive_cloud_event(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    expand::derive(&input).into()
}
