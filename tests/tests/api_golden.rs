//! Golden tests for the generated senders and receivers: each fixture under
//! `fixtures/api` is generated in both perspectives, committed under
//! `golden/api_*.rs`, and compiled here under `deny(warnings)`.
//!
//! Run with `HOOKFORGE_BLESS=1` to rewrite the golden files after an
//! intended change, then review the diff.

#![deny(warnings)]

use std::fs;
use std::path::Path;

use hookforge_codegen::diagnostic::Code;
use hookforge_codegen::options::{GenerateOptions, Perspective};

#[rustfmt::skip]
#[allow(missing_docs, dead_code)]
#[path = "../golden/api_v3_application.rs"]
mod api_v3_application;

#[rustfmt::skip]
#[allow(missing_docs, dead_code)]
#[path = "../golden/api_v3_mirror.rs"]
mod api_v3_mirror;

#[rustfmt::skip]
#[allow(missing_docs, dead_code)]
#[path = "../golden/api_v2_application.rs"]
mod api_v2_application;

#[rustfmt::skip]
#[allow(missing_docs, dead_code)]
#[path = "../golden/api_v2_mirror.rs"]
mod api_v2_mirror;

#[rustfmt::skip]
#[allow(missing_docs, dead_code)]
#[path = "../golden/api_shared_application.rs"]
mod api_shared_application;

#[rustfmt::skip]
#[allow(missing_docs, dead_code)]
#[path = "../golden/api_shared_mirror.rs"]
mod api_shared_mirror;

#[rustfmt::skip]
#[allow(missing_docs, dead_code)]
#[path = "../golden/api_hostile_text_application.rs"]
mod api_hostile_text_application;

#[rustfmt::skip]
#[allow(missing_docs, dead_code)]
#[path = "../golden/api_hostile_text_mirror.rs"]
mod api_hostile_text_mirror;

/// `(fixture, perspective, golden file)`.
const CASES: &[(&str, Perspective, &str)] = &[
    ("shop_v3", Perspective::Application, "api_v3_application"),
    ("shop_v3", Perspective::Mirror, "api_v3_mirror"),
    ("shop_v2", Perspective::Application, "api_v2_application"),
    ("shop_v2", Perspective::Mirror, "api_v2_mirror"),
    (
        "shared_route",
        Perspective::Application,
        "api_shared_application",
    ),
    ("shared_route", Perspective::Mirror, "api_shared_mirror"),
    (
        "hostile_text",
        Perspective::Application,
        "api_hostile_text_application",
    ),
    (
        "hostile_text",
        Perspective::Mirror,
        "api_hostile_text_mirror",
    ),
];

fn generate(fixture: &str, perspective: Perspective) -> hookforge_codegen::GeneratedCode {
    let options = GenerateOptions {
        perspective,
        ..GenerateOptions::default()
    };
    hookforge_codegen::generate(Path::new(&format!("fixtures/api/{fixture}.yaml")), &options)
}

#[test]
fn api_golden_files_are_current() {
    let bless = std::env::var_os("HOOKFORGE_BLESS").is_some();
    let mut stale = Vec::new();
    for (fixture, perspective, golden) in CASES {
        let generated = generate(fixture, *perspective);
        let errors: Vec<_> = generated
            .validation
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .collect();
        assert!(errors.is_empty(), "{fixture}: {errors:#?}");
        let code = generated.code.expect("code for a valid fixture");
        let path = format!("golden/{golden}.rs");
        if bless {
            fs::write(&path, &code).expect("golden file is writable");
        } else if fs::read_to_string(&path).ok().as_deref() != Some(code.as_str()) {
            stale.push(path);
        }
    }
    assert!(
        stale.is_empty(),
        "stale golden files (rerun with HOOKFORGE_BLESS=1 and review): {stale:?}"
    );
}

/// rustc rejects bidirectional-text controls in comments and literals, so
/// the generator must write them as escapes wherever document text lands.
#[test]
fn bidi_controls_never_reach_generated_code() {
    for perspective in [Perspective::Application, Perspective::Mirror] {
        let code = generate("hostile_text", perspective)
            .code
            .expect("code for a valid fixture");
        let found: Vec<(usize, &str)> = code
            .lines()
            .enumerate()
            .filter(|(_, line)| {
                line.chars()
                    .any(|c| matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'))
            })
            .collect();
        assert!(found.is_empty(), "{perspective:?}: {found:?}");
        assert!(code.contains("\\u{202e}"), "the text is kept, escaped");
        assert!(
            !code.contains("Self_"),
            "{perspective:?}: a keyword suffix in a type name"
        );
    }
}

#[test]
fn mqtt_operation_is_reported_and_skipped() {
    for perspective in [Perspective::Application, Perspective::Mirror] {
        let generated = generate("shop_v3", perspective);
        let warnings: Vec<_> = generated
            .validation
            .diagnostics
            .iter()
            .filter(|d| d.code == Code::UnsupportedOperation)
            .collect();
        assert_eq!(warnings.len(), 1, "{warnings:#?}");
        assert!(
            warnings[0].message.contains("`onTelemetry`") && warnings[0].message.contains("`mqtt`"),
            "{}",
            warnings[0].message
        );
        let code = generated.code.expect("code");
        assert!(
            !code.contains("on_telemetry"),
            "no code for the mqtt operation"
        );
        assert!(code.contains("pub struct ReadingPayload"), "its types stay");
    }
}

/// A 2.x `subscribe` operation is what the application sends (others
/// subscribe to it), so the Application perspective gets a client method
/// for it; generators that read `subscribe` as "the application
/// subscribes" get this backwards.
#[test]
fn v2_subscribe_is_sent_not_received_unlike_other_generators() {
    let application = generate("shop_v2", Perspective::Application)
        .code
        .expect("code");
    assert!(application.contains("pub async fn payment_captured("));
    assert!(application.contains("fn dispute_opened("));
    assert!(!application.contains("pub async fn dispute_opened("));

    let mirror = generate("shop_v2", Perspective::Mirror).code.expect("code");
    assert!(mirror.contains("pub async fn dispute_opened("));
    assert!(!mirror.contains("pub async fn payment_captured("));
    assert!(mirror.contains("fn payment_captured("));
}

#[test]
fn servers_fill_defaults_and_take_the_rest() {
    assert_eq!(
        api_v3_application::servers::production(),
        "https://hooks.shop.example/v1"
    );
    assert_eq!(
        api_v3_application::servers::regional("eu"),
        "https://eu.hooks.shop.example:8443"
    );
    assert_eq!(
        api_v2_application::servers::production(),
        "https://hooks.payments.example/v2"
    );
}

#[test]
fn parameters_render_and_parse_addresses() {
    use api_v3_application::{OrderEventsParameters, OrderEventsRegion};

    let parameters = OrderEventsParameters {
        store_id: "north/7 a".to_owned(),
        region: OrderEventsRegion::Eu,
    };
    assert_eq!(parameters.address(), "/stores/north%2F7%20a/orders/eu");
    let segments = vec![
        ("p0".to_owned(), "north/7 a".to_owned()),
        ("p1".to_owned(), "eu".to_owned()),
    ];
    assert_eq!(
        OrderEventsParameters::from_segments(&segments),
        Some(parameters)
    );
    let unknown_region = vec![
        ("p0".to_owned(), "s".to_owned()),
        ("p1".to_owned(), "mars".to_owned()),
    ];
    assert_eq!(OrderEventsParameters::from_segments(&unknown_region), None);
    assert_eq!(OrderEventsParameters::from_segments(&segments[..1]), None);
}

#[test]
fn api_generation_is_deterministic() {
    for (fixture, perspective, _) in CASES {
        let first = generate(fixture, *perspective).code;
        let second = generate(fixture, *perspective).code;
        assert_eq!(first, second, "{fixture} {perspective:?}");
    }
}
