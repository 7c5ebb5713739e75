//! `include_asyncapi!`: the Rust code generated from an AsyncAPI document,
//! at compile time.
//!
//! This is the quick start. For extra derives, type replacements, the
//! mirror side or several documents, generate from `build.rs` with
//! `hookforge_codegen::Builder`, which writes the same code to a file.

mod expand;
mod warn;

use proc_macro::TokenStream;

/// Expands to the Rust code generated from an AsyncAPI document: the
/// payload and headers types of its messages, and its clients and
/// handlers, as `hookforge generate` writes them with default options.
///
/// The path is relative to the crate's `Cargo.toml`. The crate is compiled
/// again when the document or a file it references changes. An invalid
/// document is a compile error that lists each problem with its
/// `file:line:column`, the source line and a hint. The generated code
/// refers to `::hookforge`, so the crate depends on `hookforge` with the
/// features the code needs.
///
/// The generator's warnings, such as `unsupported-operation` for an
/// operation on a Kafka server, appear as deprecation warnings at the
/// path argument: `warning: use of deprecated constant
/// `<module>::_::ASYNCAPI_WARNING`: include_asyncapi! warning[<code>] at
/// <file>:<line>:<column>: <message>`. A document without warnings adds no
/// warning. `#[allow(deprecated)]` on the module silences them, and
/// `-D warnings` makes them errors.
///
/// Applications reach it as `hookforge::include_asyncapi!` through the
/// runtime's `include` feature:
///
/// ```ignore
/// // Cargo.toml: hookforge = { version = "0.1", features = ["include"] }
/// mod orders {
///     hookforge::include_asyncapi!("asyncapi/orders.yaml");
/// }
/// ```
#[proc_macro]
pub fn include_asyncapi(input: TokenStream) -> TokenStream {
    expand::expand(input.into()).into()
}
