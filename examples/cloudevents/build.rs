//! Generates the types of `asyncapi.yaml` into `OUT_DIR/orders.rs`.

fn main() -> Result<(), hookforge_codegen::BuildError> {
    hookforge_codegen::Builder::new()
        .file("asyncapi.yaml")
        .module_name("orders")
        .compile()?;
    Ok(())
}
