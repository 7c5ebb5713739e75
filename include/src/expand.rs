//! Expanding `include_asyncapi!`: generate, watch the files read, and
//! turn problems into compile errors.

use std::path::{Path, PathBuf};

use hookforge_codegen::options::GenerateOptions;
use proc_macro2::TokenStream;
use quote::quote;
use syn::LitStr;

use crate::warn;

/// Expands `include_asyncapi!("path")`: the code generated from the
/// document at `path` (relative to `CARGO_MANIFEST_DIR`), followed by an
/// `include_bytes!` of every file read, so that cargo compiles the crate
/// again when one of them changes, and by one deprecated-constant use per
/// generator warning (see [`crate::warn`]). Errors become
/// `compile_error!`s holding the rendered diagnostics.
pub fn expand(input: TokenStream) -> TokenStream {
    let literal: LitStr = match syn::parse2(input) {
        Ok(literal) => literal,
        Err(_) => {
            return error(
                proc_macro2::Span::call_site(),
                "include_asyncapi! takes one string literal: the path of an AsyncAPI document, relative to the crate's Cargo.toml",
            )
        }
    };
    let Some(manifest_dir) = std::env::var_os("CARGO_MANIFEST_DIR") else {
        return error(
            literal.span(),
            "include_asyncapi!: CARGO_MANIFEST_DIR is not set; build the crate with cargo",
        );
    };
    let manifest_dir = PathBuf::from(manifest_dir);
    let path = manifest_dir.join(literal.value());
    let generated = hookforge_codegen::generate(&path, &GenerateOptions::default());
    let watched = match &generated.validation.document {
        Some(document) => track(document.files_read(), literal.span()),
        None => quote!(),
    };
    let Some(code) = &generated.code else {
        let report = generated.error_report(&path);
        let message = error(literal.span(), &format!("include_asyncapi!: {report}"));
        return quote!(#message #watched);
    };
    let warnings = warn::warnings(
        &generated.validation.diagnostics,
        generated
            .validation
            .document
            .as_ref()
            .map(|document| &document.sources),
        &manifest_dir,
        &path,
        literal.span(),
    );
    match code.parse::<TokenStream>() {
        Ok(items) => quote!(#items #watched #warnings),
        // NOTE: unreachable unless the generator writes text that does not
        // lex; report it rather than expanding to nothing.
        Err(lex_error) => error(
            literal.span(),
            &format!(
                "include_asyncapi!: the code generated from {} does not lex: {lex_error}",
                path.display()
            ),
        ),
    }
}

/// Returns one `const _: &[u8] = include_bytes!("...");` per file, which makes the
/// compiler list the file as an input of the crate.
fn track<'p>(files: impl Iterator<Item = &'p Path>, span: proc_macro2::Span) -> TokenStream {
    let consts = files.map(|file| match file.to_str() {
        Some(text) => quote!(
            const _: &[u8] = ::core::include_bytes!(#text);
        ),
        None => error(
            span,
            &format!(
                "include_asyncapi!: {} is not valid UTF-8, so cargo cannot watch it; rename it",
                file.display()
            ),
        ),
    });
    quote!(#(#consts)*)
}

fn error(span: proc_macro2::Span, message: &str) -> TokenStream {
    syn::Error::new(span, message).to_compile_error()
}
