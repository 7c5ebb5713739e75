//! Collects every misuse in one input, so the user sees them all at once.

use proc_macro2::{Span, TokenStream};

/// Compile errors gathered while reading the input.
#[derive(Default)]
pub struct Errors {
    combined: Option<syn::Error>,
}

impl Errors {
    /// Records an error at `span`.
    pub fn add(&mut self, span: Span, message: impl std::fmt::Display) {
        self.push(syn::Error::new(span, message));
    }

    /// Records a parse error.
    pub fn push(&mut self, error: syn::Error) {
        match &mut self.combined {
            Some(combined) => combined.combine(error),
            None => self.combined = Some(error),
        }
    }

    /// Returns the `compile_error!` invocations, or `None` when nothing was
    /// recorded.
    pub fn into_compile_errors(self) -> Option<TokenStream> {
        self.combined.map(|error| error.to_compile_error())
    }
}
