//! Acceptance suite over the real-world corpus named by `HOOKFORGE_CORPUS`.
//!
//! Every root document of the corpus manifest is validated with
//! [`validate_file`] and compared with the label its source gives it:
//!
//! - AsyncAPI 1.x documents get exactly one `version-unsupported` error;
//! - documents labelled valid are accepted (no errors);
//! - documents labelled invalid are rejected, and where the source's
//!   expected error names a location, one of our errors is there;
//! - unlabelled documents only must not panic; their verdicts are counted.
//!
//! Where we deliberately disagree with a label, the document is listed in
//! [`VERDICT_EXCEPTIONS`] with the reason. An entry that no longer changes
//! the outcome fails the suite, so the list stays honest.

use std::collections::HashSet;
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::time::Instant;

use hookforge_codegen::diagnostic::{Code, Diagnostic};
use hookforge_codegen::validate_file;
use hookforge_tests::corpus::{corpus_dir_or_skip, corpus_load_options, report};
use hookforge_tests::location::expected_locations;
use hookforge_tests::manifest::{self, Row, Validity};

/// Whether a document is accepted (no errors) or rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Verdict {
    Accept,
    Reject,
}

/// A document whose expected verdict is the opposite of its label.
struct Exception {
    /// Path inside the corpus folder.
    path: &'static str,
    /// The verdict we expect instead of the label's.
    verdict: Verdict,
    /// Why the label does not apply to this tool.
    reason: &'static str,
}

/// Documents whose label we deliberately do not follow.
///
/// Three kinds of reasons belong here: the label is arguably wrong (the
/// specification or the official JSON Schema states otherwise), the
/// invalidity lies outside AsyncAPI (for example Avro or Protobuf
/// semantics of a payload in another schema format), or a deliberate
/// policy of this tool decides (remote `$ref`s are never fetched). A rule
/// we have not written yet is never a reason.
const VERDICT_EXCEPTIONS: &[Exception] = &[
    Exception {
        path: "large/jasyncapi/jasyncapi-2.6.0-asyncapi-extended.json",
        verdict: Verdict::Reject,
        reason: "jasyncapi's kitchen-sink model test, never validated as a whole: components that `$ref` themselves (such as #/components/serverVariables/basePath), `$ref`s to components that do not exist, undefined security schemes, relative externalDocs URLs; the official schema rejects it too",
    },
    Exception {
        path: "large/jasyncapi/jasyncapi-2.6.0-asyncapi.json",
        verdict: Verdict::Reject,
        reason: "jasyncapi's kitchen-sink model test, never validated as a whole: components that `$ref` themselves (such as #/components/serverVariables/basePath), `$ref`s to components that do not exist, undefined security schemes, relative externalDocs URLs; the official schema rejects it too",
    },
    Exception {
        path: "large/jasyncapi/jasyncapi-3.0.0-asyncapi-extended.json",
        verdict: Verdict::Reject,
        reason: "jasyncapi's kitchen-sink model test, never validated as a whole: components that `$ref` themselves (such as #/components/serverVariables/basePath), `$ref`s to components that do not exist, undefined security schemes, relative externalDocs URLs; the official schema rejects it too",
    },
    Exception {
        path: "large/jasyncapi/jasyncapi-3.0.0-asyncapi.json",
        verdict: Verdict::Reject,
        reason: "jasyncapi's kitchen-sink model test, never validated as a whole: components that `$ref` themselves (such as #/components/serverVariables/basePath), `$ref`s to components that do not exist, undefined security schemes, relative externalDocs URLs; the official schema rejects it too",
    },
    Exception {
        path: "v2/jasyncapi/jasyncapi-2.0.0-asyncapi-extended.json",
        verdict: Verdict::Reject,
        reason: "jasyncapi's kitchen-sink model test, never validated as a whole: components that `$ref` themselves (such as #/components/serverVariables/basePath), `$ref`s to components that do not exist, undefined security schemes, relative externalDocs URLs; the official schema rejects it too",
    },
    Exception {
        path: "v2/jasyncapi/jasyncapi-2.0.0-asyncapi.json",
        verdict: Verdict::Reject,
        reason: "jasyncapi's kitchen-sink model test, never validated as a whole: components that `$ref` themselves (such as #/components/serverVariables/basePath), `$ref`s to components that do not exist, undefined security schemes, relative externalDocs URLs; the official schema rejects it too",
    },
    Exception {
        path: "multi-file/bundler-base-option/base.yaml",
        verdict: Verdict::Reject,
        reason: "a bundler input without `channels`, which AsyncAPI 2.x requires; only the bundled output is a complete document, and the official schema rejects this file too",
    },
    Exception {
        path: "multi-file/cli-bundle/feature.yaml",
        verdict: Verdict::Reject,
        reason: "a bundler input without `channels`, which AsyncAPI 2.x requires; only the bundled output is a complete document, and the official schema rejects this file too",
    },
    Exception {
        path: "multi-file/bundler-base-option/camera.yaml",
        verdict: Verdict::Reject,
        reason: "misspells `subscribe` as `subcribe`, which the official schema rejects too",
    },
    Exception {
        path: "multi-file/bundler-base-option/lights.yaml",
        verdict: Verdict::Reject,
        reason: "misspells `subscribe` as `subcribe`, which the official schema rejects too",
    },
    Exception {
        path: "multi-file/generator-apiwithref/apiwithref.json",
        verdict: Verdict::Reject,
        reason: "component keys such as `crm:Customer.Created` contain `:`, outside the key pattern ^[a-zA-Z0-9.\\-_]+$ that the specification sets for Components Object keys; its payloads are also remote `$ref`s",
    },
    Exception {
        path: "v2/converter-js/for-3.0.0.yml",
        verdict: Verdict::Reject,
        reason: "`openIdConnectUrl` is the literal text \"openIdConnectUrl\", not a URL (the official schema rejects it too), and a message is a remote `$ref`",
    },
    Exception {
        path: "v3/converter-js/from-2.6.0.yml",
        verdict: Verdict::Reject,
        reason: "`openIdConnectUrl` is the literal text \"openIdConnectUrl\", not a URL (the official schema rejects it too), and a message is a remote `$ref`",
    },
    Exception {
        path: "v2/converter-js/for-3.0.0-with-mixed-parameters.yml",
        verdict: Verdict::Reject,
        reason: "a converter test input without `info`, which every AsyncAPI version requires; the official schema rejects it too",
    },
    Exception {
        path: "v3/converter-js/from-2.6.0-with-mixed-parameters.yml",
        verdict: Verdict::Reject,
        reason: "a converter test output without `info`, which every AsyncAPI version requires; the official schema rejects it too",
    },
    Exception {
        path: "v2/converter-js/for-3.0.0-with-servers-and-channels-components.yml",
        verdict: Verdict::Reject,
        reason: "a channel lists server `production`, which is defined only under components.servers, while AsyncAPI 2.x requires names from the root Servers Object; a message is also a remote `$ref`",
    },
    Exception {
        path: "v3/converter-js/from-2.6.0-with-servers-and-channels-components.yml",
        verdict: Verdict::Reject,
        reason: "the converted channel references #/servers/production, which does not exist (the server is defined only under components.servers); a message is also a remote `$ref`",
    },
    Exception {
        path: "v2/converter-js/streetlights-2.0.0.json",
        verdict: Verdict::Reject,
        reason: "a Parameter Object has a `name` field, which AsyncAPI 2.0 does not define; the official schema rejects it too",
    },
    Exception {
        path: "v2/jasyncapi/schemaFormat_-_reference_to_openapi_payload.yml",
        verdict: Verdict::Reject,
        reason: "a correlation ID `location` is \"in headers\", not a runtime expression; the official schema rejects it too",
    },
    Exception {
        path: "v2/jasyncapi/schemaFormat_-_reference_to_asyncapi_payload.yml",
        verdict: Verdict::Reject,
        reason: "a `$ref` to a remote http(s) document, which this tool never fetches by design (ref-remote is an error), so the document cannot be checked offline",
    },
    Exception {
        path: "v2/jasyncapi/schemaFormat_-_reference_to_json_schema_payload.yml",
        verdict: Verdict::Reject,
        reason: "a `$ref` to a remote http(s) document, which this tool never fetches by design (ref-remote is an error), so the document cannot be checked offline",
    },
    Exception {
        path: "v3/asyncapi-react-json/adeo-kafka-request-reply.json",
        verdict: Verdict::Reject,
        reason: "a `$ref` to a remote http(s) document, which this tool never fetches by design (ref-remote is an error), so the document cannot be checked offline",
    },
    Exception {
        path: "v3/spec-examples-3.0.0/adeo-kafka-request-reply-asyncapi.yml",
        verdict: Verdict::Reject,
        reason: "a `$ref` to a remote http(s) document, which this tool never fetches by design (ref-remote is an error), so the document cannot be checked offline",
    },
    Exception {
        path: "v2/parser-js-v1.18.1/nested-schemas.json",
        verdict: Verdict::Reject,
        reason: "has no `asyncapi` field: the parser's tests use it as a fragment, not as a document",
    },
    Exception {
        path: "v2/spec-examples-2.0.0/correlation-id.yml",
        verdict: Verdict::Reject,
        reason: "a server's security requirement names `apiKey` while no security scheme is declared; the specification requires every name to match a scheme under components.securitySchemes",
    },
    Exception {
        path: "multi-file/parser-go-recref/testdata/input/recref0.json",
        verdict: Verdict::Reject,
        reason: "its file `$ref` (./testdata/input/recref1.json) is relative to the parser's working directory, not to the document as JSON Reference requires; resolved correctly, the file does not exist",
    },
    Exception {
        path: "multi-file/parser-js-v1.18.1-test/good/asyncapi.json",
        verdict: Verdict::Reject,
        reason: "its file `$ref` (refs/refed.yaml) is relative to the parser's test folder, not to the document as JSON Reference requires; resolved correctly, the file does not exist",
    },
    Exception {
        path: "multi-file/parser-js-v1.18.1-test/good/asyncapi.yaml",
        verdict: Verdict::Reject,
        reason: "its file `$ref` (refs/refed.yaml) is relative to the parser's test folder, not to the document as JSON Reference requires; resolved correctly, the file does not exist",
    },
    Exception {
        path: "multi-file/parser-js-v1.18.1-test/good/circular-refs.yaml",
        verdict: Verdict::Reject,
        reason: "its file `$ref` (./good/circular-refs-file-ref.yaml) is relative to the parser's test folder, not to the document as JSON Reference requires; resolved correctly, the file does not exist",
    },
    Exception {
        path: "v3/spec-json-schemas-testdocs/streetlights-all.json",
        verdict: Verdict::Reject,
        reason: "references placeholder files (external-schema.json, reference-to-some-json-schema-file.json) that do not exist in the source either; its source only checks it against the schema without dereferencing",
    },
    Exception {
        path: "v3/spec-json-schemas-testdocs/streetlights-asyncapi.json",
        verdict: Verdict::Reject,
        reason: "references a placeholder file (external-schema.json) that does not exist in the source either; its source only checks it against the schema without dereferencing",
    },
    Exception {
        path: "v3/spec-json-schemas-testdocs/streetlights-json.json",
        verdict: Verdict::Reject,
        reason: "references a placeholder file (reference-to-some-json-schema-file.json) that does not exist in the source either; its source only checks it against the schema without dereferencing",
    },
    Exception {
        path: "v3/spec-json-schemas-testdocs/streetlights-unknown.json",
        verdict: Verdict::Reject,
        reason: "references a placeholder file (external-schema.json) that does not exist in the source either; its source only checks it against the schema without dereferencing",
    },
    Exception {
        path: "invalid/avro-schema-parser/invalid-asyncapi.yaml",
        verdict: Verdict::Accept,
        reason: "invalid only under Avro semantics (`type: nonexistent` in an Avro payload); this tool does not validate Avro schemas and reports the payload as an unsupported schema format",
    },
    Exception {
        path: "invalid/parser-js-openapi-schema-parser/invalid-asyncapi.yaml",
        verdict: Verdict::Accept,
        reason: "invalid only under the OpenAPI 3.0 schema dialect of its payload (schemaFormat application/vnd.oai.openapi); this tool does not validate OpenAPI schemas",
    },
    Exception {
        path: "invalid/protobuf-schema-parser/invalid.multiple_root.yaml",
        verdict: Verdict::Accept,
        reason: "invalid only under Protobuf semantics (a .proto source with several root messages); this tool does not read Protobuf",
    },
    Exception {
        path: "invalid/protobuf-schema-parser/invalid.schema-empty.yaml",
        verdict: Verdict::Accept,
        reason: "invalid only under Protobuf semantics (a .proto source without a root message); this tool does not read Protobuf",
    },
    Exception {
        path: "invalid/raml-dt-schema-parser/invalid-asyncapi.yaml",
        verdict: Verdict::Accept,
        reason: "invalid only under RAML data-type semantics (`examples` must be a map); this tool does not validate RAML",
    },
    Exception {
        path: "invalid/parser-go/loop2.json",
        verdict: Verdict::Accept,
        reason: "its only defect for the Go parser is a circular schema `$ref`; AsyncAPI and JSON Schema allow recursive schemas, so the label reflects a limitation of that parser",
    },
    Exception {
        path: "v2/tck/asyncapi-2.0/Parameter_Object/valid-extra-parameter.yaml",
        verdict: Verdict::Reject,
        reason: "the TCK labels this valid, but the official parser's ruleset (Spectral's asyncapi-channel-parameters rule) rejects channel parameters that the address does not use and address parameters that are not declared, and so do we",
    },
    Exception {
        path: "v2/tck/asyncapi-2.0/Parameter_Object/valid-parameter-not-defined.yaml",
        verdict: Verdict::Reject,
        reason: "the TCK labels this valid, but the official parser's ruleset (Spectral's asyncapi-channel-parameters rule) rejects channel parameters that the address does not use and address parameters that are not declared, and so do we",
    },
    Exception {
        path: "v2/parser-js-mocks/nested-schemas.yaml",
        verdict: Verdict::Reject,
        reason: "a parser mock whose channel `test` declares parameter testParam1 that the address does not use; the official parser's ruleset (Spectral's asyncapi-channel-parameters rule) rejects that",
    },
    Exception {
        path: "v3/converter-js-openapi/operation_and_parameter.yml",
        verdict: Verdict::Reject,
        reason: "AsyncAPI 3.0 allows `parameters` only when the address contains expressions, and the official tools' lint rejects parameters that the address does not use; this converter output keeps OpenAPI query parameters as channel parameters",
    },
    Exception {
        path: "v3/converter-js-openapi/operation_and_parameter_client.yml",
        verdict: Verdict::Reject,
        reason: "AsyncAPI 3.0 allows `parameters` only when the address contains expressions, and the official tools' lint rejects parameters that the address does not use; this converter output keeps OpenAPI query parameters as channel parameters",
    },
    Exception {
        path: "multi-file/bundler-nested-dirs-mixed/asyncapi/send/lightTurnOff/asyncapi.yaml",
        verdict: Verdict::Reject,
        reason: "the address uses {streetlightId} but the channel declares no parameters; the official tools' lint rejects address parameters that are not declared",
    },
    Exception {
        path: "multi-file/bundler-nested-dirs-mixed/asyncapi/send/lightTurnOn/asyncapi.yaml",
        verdict: Verdict::Reject,
        reason: "the address uses {streetlightId} but the channel declares no parameters; the official tools' lint rejects address parameters that are not declared",
    },
    Exception {
        path: "invalid/tck/bindings/kafka/0.1.0/Message_Bindings_Object/Fields_Types/invalid-key-type.yaml",
        verdict: Verdict::Accept,
        reason: "`{prop: 1}` is a valid Schema Object, because JSON Schema ignores unknown keywords, and the official Kafka 0.1.0 binding schema accepts it",
    },
    Exception {
        path: "invalid/tck/bindings/kafka/0.1.0/Operation_Bindings_Object/Fields_Types/invalid-clientId-type.yaml",
        verdict: Verdict::Accept,
        reason: "`{prop: 1}` is a valid Schema Object, because JSON Schema ignores unknown keywords, and the official Kafka 0.1.0 binding schema accepts it",
    },
    Exception {
        path: "invalid/tck/bindings/kafka/0.1.0/Operation_Bindings_Object/Fields_Types/invalid-groupId-type.yaml",
        verdict: Verdict::Accept,
        reason: "`{prop: 1}` is a valid Schema Object, because JSON Schema ignores unknown keywords, and the official Kafka 0.1.0 binding schema accepts it",
    },
    Exception {
        path: "invalid/tck/asyncapi-2.0/Schema_Object/invalid-polymorphism-discriminated-field-not-required.yaml",
        verdict: Verdict::Accept,
        reason: "policy: a discriminator property missing from `required` is a warning, not an error, because published documents often omit it and the official JSON Schema does not encode the rule; the specification states MUST, and the TCK labels this invalid",
    },
];

/// A rejected document whose expected error location we deliberately do
/// not match, because we reject it for an earlier reason.
struct LocationException {
    /// Path inside the corpus folder.
    path: &'static str,
    /// The code of the error we report instead.
    code: Code,
    /// Why our error is elsewhere.
    reason: &'static str,
}

/// Documents whose expected error location we deliberately do not match.
const LOCATION_EXCEPTIONS: &[LocationException] = &[LocationException {
    path: "invalid/parser-js-v1.18.1/invalid-asyncapi-with-ref-with-line-break.yaml",
    code: Code::Syntax,
    reason: "the broken `$ref` is a quoted scalar whose continuation line is indented less than \
             YAML 1.2 requires; our YAML parser rejects that as a syntax error before any `$ref` \
             is read, while the JavaScript parser accepts the YAML and then rejects the `$ref` value",
}];

/// What validating one document produced.
enum Outcome {
    /// Validation returned; `errors` contains the error diagnostics only.
    Done { errors: Vec<Diagnostic> },
    /// Validation panicked with this message.
    Panicked(String),
}

impl Outcome {
    fn verdict(&self) -> Option<Verdict> {
        match self {
            Outcome::Done { errors } if errors.is_empty() => Some(Verdict::Accept),
            Outcome::Done { .. } => Some(Verdict::Reject),
            Outcome::Panicked(_) => None,
        }
    }
}

fn validate(path: &Path) -> Outcome {
    let result = panic::catch_unwind(AssertUnwindSafe(|| {
        validate_file(path, corpus_load_options())
    }));
    match result {
        Ok(validation) => Outcome::Done {
            errors: validation
                .diagnostics
                .into_iter()
                .filter(Diagnostic::is_error)
                .collect(),
        },
        Err(payload) => Outcome::Panicked(
            payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_else(|| "a panic without a message".to_owned()),
        ),
    }
}

/// Counts for the summary line of one label.
#[derive(Default)]
struct Tally {
    total: usize,
    accepted: usize,
    rejected: usize,
}

impl Tally {
    fn add(&mut self, verdict: Option<Verdict>) {
        self.total += 1;
        match verdict {
            Some(Verdict::Accept) => self.accepted += 1,
            Some(Verdict::Reject) => self.rejected += 1,
            None => {}
        }
    }
}

/// Shows a document's row and our errors, for a failure report.
fn describe(row: &Row, outcome: &Outcome) -> String {
    let mut text = format!(
        "  {} (asyncapi {:?}, label {:?})\n    official schema check: {}\n",
        row.local_path, row.asyncapi_version, row.validity, row.schema_check
    );
    if !row.expected_error.is_empty() {
        text.push_str(&format!("    expected error: {}\n", row.expected_error));
    }
    match outcome {
        Outcome::Done { errors } if errors.is_empty() => text.push_str("    ours: no errors\n"),
        Outcome::Done { errors } => {
            let mut codes: Vec<&str> = errors.iter().map(|e| e.code.as_str()).collect();
            codes.sort_unstable();
            codes.dedup();
            text.push_str(&format!("    our error codes: {}\n", codes.join(", ")));
            for error in errors.iter().take(4) {
                text.push_str(&format!(
                    "    ours: {} at {:?}: {}\n",
                    error.code.as_str(),
                    error.pointer,
                    error.message
                ));
            }
            if errors.len() > 4 {
                text.push_str(&format!("    ours: ... {} errors in all\n", errors.len()));
            }
        }
        Outcome::Panicked(message) => text.push_str(&format!("    ours: PANIC {message}\n")),
    }
    text
}

/// Checks the AsyncAPI 1.x rule: exactly one `version-unsupported` error,
/// whose message names the version as written.
fn check_v1(row: &Row, outcome: &Outcome) -> Option<String> {
    match outcome {
        Outcome::Done { errors }
            if errors.len() == 1
                && errors[0].code == Code::VersionUnsupported
                && errors[0].message.contains(&row.asyncapi_version) =>
        {
            None
        }
        _ => Some(format!(
            "AsyncAPI 1.x document without exactly one version-unsupported error naming {:?}:\n{}",
            row.asyncapi_version,
            describe(row, outcome)
        )),
    }
}

/// Checks that every location the expected error names has one of our
/// errors at it or inside it, or, for a document in
/// [`LOCATION_EXCEPTIONS`], that we report the listed code instead.
fn check_locations(row: &Row, outcome: &Outcome) -> Option<String> {
    let Outcome::Done { errors } = outcome else {
        return None;
    };
    let missing: Vec<String> = expected_locations(&row.expected_error)
        .into_iter()
        .filter(|location| !errors.iter().any(|e| location.matches(&e.pointer)))
        .map(|location| location.written)
        .collect();
    let exception = LOCATION_EXCEPTIONS
        .iter()
        .find(|e| e.path == row.local_path);
    match exception {
        Some(exception) if missing.is_empty() => {
            return Some(format!(
                "listed in LOCATION_EXCEPTIONS ({}), but an error is now at the expected location; \
                 remove the entry:\n{}",
                exception.reason,
                describe(row, outcome)
            ))
        }
        Some(exception) if errors.iter().any(|e| e.code == exception.code) => return None,
        Some(exception) => {
            return Some(format!(
                "listed in LOCATION_EXCEPTIONS with code {}, which we no longer report:\n{}",
                exception.code.as_str(),
                describe(row, outcome)
            ))
        }
        None if missing.is_empty() => return None,
        None => {}
    }
    Some(format!(
        "rejected, but no error at {}:\n{}",
        missing.join(", "),
        describe(row, outcome)
    ))
}

#[test]
fn corpus_documents_match_labels() {
    let Some(corpus) = corpus_dir_or_skip("corpus suite") else {
        return;
    };
    let rows = manifest::read(&corpus).unwrap_or_else(|e| panic!("{e}"));
    let documents: Vec<&Row> = rows.iter().filter(|r| r.is_document()).collect();
    assert!(
        documents.len() > 100,
        "the manifest lists only {} documents; is {} the corpus?",
        documents.len(),
        corpus.display()
    );

    let started = Instant::now();
    let mut failures: Vec<String> = Vec::new();
    let mut used_exceptions: HashSet<&str> = HashSet::new();
    let (mut valid, mut invalid, mut unknown, mut v1) = (
        Tally::default(),
        Tally::default(),
        Tally::default(),
        Tally::default(),
    );
    let mut located: Vec<&str> = Vec::new();

    for row in &documents {
        let outcome = validate(&corpus.join(&row.local_path));
        if let Outcome::Panicked(message) = &outcome {
            failures.push(format!("panicked: {message}\n{}", describe(row, &outcome)));
        }
        if row.is_v1() {
            v1.add(outcome.verdict());
            failures.extend(check_v1(row, &outcome));
            continue;
        }
        let label = match row.validity {
            Validity::Valid => Verdict::Accept,
            Validity::Invalid => Verdict::Reject,
            Validity::Unknown | Validity::NotApplicable => {
                unknown.add(outcome.verdict());
                continue;
            }
        };
        let tally = if label == Verdict::Accept {
            &mut valid
        } else {
            &mut invalid
        };
        tally.add(outcome.verdict());
        let Some(actual) = outcome.verdict() else {
            continue;
        };

        let exception = VERDICT_EXCEPTIONS.iter().find(|e| e.path == row.local_path);
        if let Some(exception) = exception {
            used_exceptions.insert(exception.path);
            if actual == label {
                failures.push(format!(
                    "listed as an exception ({}), but our verdict now matches the label {label:?}; \
                     remove it from VERDICT_EXCEPTIONS:\n{}",
                    exception.reason,
                    describe(row, &outcome)
                ));
            } else if actual != exception.verdict {
                failures.push(format!(
                    "listed exception expects {:?}, found {actual:?}:\n{}",
                    exception.verdict,
                    describe(row, &outcome)
                ));
            }
            continue;
        }
        if actual != label {
            failures.push(format!(
                "labelled {:?} but {}:\n{}",
                row.validity,
                if actual == Verdict::Accept {
                    "accepted"
                } else {
                    "rejected"
                },
                describe(row, &outcome)
            ));
            continue;
        }
        if label == Verdict::Reject && !expected_locations(&row.expected_error).is_empty() {
            located.push(row.local_path.as_str());
            failures.extend(check_locations(row, &outcome));
        }
    }

    for exception in VERDICT_EXCEPTIONS {
        if !used_exceptions.contains(exception.path) {
            failures.push(format!(
                "VERDICT_EXCEPTIONS lists {} ({}), which is not a labelled document of the manifest",
                exception.path, exception.reason
            ));
        }
    }

    for exception in LOCATION_EXCEPTIONS {
        if !located.contains(&exception.path) {
            failures.push(format!(
                "LOCATION_EXCEPTIONS lists {} ({}), whose location was not checked: \
                 it is no longer rejected or no longer names a location",
                exception.path, exception.reason
            ));
        }
    }

    report(&format!(
        "corpus: {} documents in {:.1?}",
        documents.len(),
        started.elapsed()
    ));
    report(&format!(
        "corpus: labelled valid: {}/{} accepted",
        valid.accepted, valid.total
    ));
    report(&format!(
        "corpus: labelled invalid: {}/{} rejected ({} with an expected location checked)",
        invalid.rejected,
        invalid.total,
        located.len()
    ));
    report(&format!(
        "corpus: AsyncAPI 1.x: {}/{} rejected",
        v1.rejected, v1.total
    ));
    report(&format!(
        "corpus: unlabelled: {} accepted, {} rejected, {} in all",
        unknown.accepted, unknown.rejected, unknown.total
    ));
    report(&format!(
        "corpus: listed exceptions: {}",
        VERDICT_EXCEPTIONS.len()
    ));
    report(&format!("corpus: failures: {}", failures.len()));
    for failure in &failures {
        println!("{failure}");
    }
    assert!(
        failures.is_empty(),
        "{} corpus documents do not match their expected verdict (listed above)",
        failures.len()
    );
}
