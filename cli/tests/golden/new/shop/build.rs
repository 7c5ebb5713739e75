//! Generates the Rust code of asyncapi.yaml into `OUT_DIR`:
//! `provider.rs` for the provider,
//! `consumer.rs` for the consumer.
//! Cargo runs it again when the document changes.

fn main() -> Result<(), hookforge_codegen::BuildError> {
    hookforge_codegen::Builder::new()
        .file("asyncapi.yaml")
        .module_name("provider")
        .compile()?;
    hookforge_codegen::Builder::new()
        .file("asyncapi.yaml")
        .module_name("consumer")
        .mirror()
        .compile()?;
    Ok(())
}
