//! Generates the sending side of `../orders/asyncapi.yaml` into
//! `OUT_DIR/orders.rs`.
//!
//! The document describes this application, the shop's order service, so
//! the default perspective applies: its `send` operations become methods
//! of the generated `Client`.

fn main() -> Result<(), hookforge_codegen::BuildError> {
    hookforge_codegen::Builder::new()
        .file("../orders/asyncapi.yaml")
        .module_name("orders")
        .compile()?;
    Ok(())
}
