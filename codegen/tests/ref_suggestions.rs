//! Help for a `$ref` whose pointer names a key that does not exist.

use std::path::Path;

use hookforge_codegen::diagnostic::{Code, Diagnostic};
use hookforge_codegen::document::{Document, LoadOptions};

/// Returns the help of the only unresolved-reference error in `text`.
fn unresolved_help(text: &str) -> String {
    let (_, diagnostics) = Document::from_text(Path::new("api.yaml"), text, LoadOptions::default());
    let errors: Vec<&Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.code == Code::RefUnresolved)
        .collect();
    assert_eq!(errors.len(), 1, "{diagnostics:#?}");
    errors[0].help.clone().unwrap_or_default()
}

const MESSAGES: &str = "\
asyncapi: 3.0.0
info: {title: t, version: '1'}
channels:
  users:
    address: users
    messages:
      created:
        $ref: '#/components/messages/orderCreatd'
components:
  messages:
    orderCreated: {payload: {type: string}}
    orderCancelled: {payload: {type: string}}
";

#[test]
fn misspelt_key_gets_closest_key() {
    assert_eq!(unresolved_help(MESSAGES), "did you mean `orderCreated`?");
}

#[test]
fn missing_plural_gets_closest_key() {
    let text = format!(
        "{MESSAGES}operations:\n  o:\n    action: send\n    channel: {{$ref: '#/channels/user'}}\n"
    );
    let text = text.replace("orderCreatd", "orderCreated");
    assert_eq!(unresolved_help(&text), "did you mean `users`?");
}

#[test]
fn wrong_case_key_says_case_sensitive() {
    let text = MESSAGES.replace("orderCreatd", "OrderCreated");
    assert_eq!(
        unresolved_help(&text),
        "did you mean `orderCreated`? keys are case-sensitive"
    );
}

#[test]
fn far_key_lists_available_keys() {
    let text = MESSAGES.replace("orderCreatd", "paymentFailed");
    assert_eq!(
        unresolved_help(&text),
        "the keys there are `orderCreated`, `orderCancelled`"
    );
}
