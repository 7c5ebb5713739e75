//! Generates the receiving side of `../orders/asyncapi.yaml` into
//! `OUT_DIR/orders.rs`.
//!
//! The document describes the shop's order service, which sends the
//! webhooks. This package is its partner, so it takes the mirror
//! perspective: the document's `send` operations become methods of the
//! generated `Handler` trait and routes of `router`.

fn main() -> Result<(), hookforge_codegen::BuildError> {
    hookforge_codegen::Builder::new()
        .file("../orders/asyncapi.yaml")
        .module_name("orders")
        .mirror()
        .compile()?;
    Ok(())
}
