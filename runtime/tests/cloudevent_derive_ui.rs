//! Compile tests of `#[derive(CloudEvent)]`: valid input builds without
//! warnings, and each misuse fails with one error on the offending token.
//! Regenerate the expected output with `TRYBUILD=overwrite` and reread it.

#![cfg(feature = "cloudevents")]

#[test]
fn cloudevent_derive_ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/cloudevent/pass_*.rs");
    cases.compile_fail("tests/ui/cloudevent/fail_*.rs");
}
