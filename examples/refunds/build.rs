//! Generates both sides of `asyncapi.yaml`, an AsyncAPI 2.6 document that
//! describes the payment service:
//!
//! - `OUT_DIR/payments.rs` in the document's own perspective. Its
//!   `subscribe` operation (`refundEvent`) becomes a method of `Client`,
//!   and its `publish` operation (`refundDecision`) a method of `Handler`.
//! - `OUT_DIR/merchant.rs` in the mirror perspective, for the merchant that
//!   receives the refund events and sends the decisions: the other way
//!   round.

fn main() -> Result<(), hookforge_codegen::BuildError> {
    hookforge_codegen::Builder::new()
        .file("asyncapi.yaml")
        .module_name("payments")
        .compile()?;
    hookforge_codegen::Builder::new()
        .file("asyncapi.yaml")
        .module_name("merchant")
        .mirror()
        .compile()?;
    Ok(())
}
