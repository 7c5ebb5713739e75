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
use hookforge_codegen::document::LoadOptions;
use hookforge_codegen::validate_file;
use hookforge_tests::corpus::corpus_dir_or_skip;
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
/// Only two kinds of reasons belong here: the label is arguably wrong
/// (the specification or the official JSON Schema says otherwise), or the
/// invalidity lies outside AsyncAPI (for example Avro or Protobuf
/// semantics of a payload in another schema format). A rule we have not
/// written yet is never a reason.
const VERDICT_EXCEPTIONS: &[Exception] = &[];

/// What validating one document produced.
enum Outcome {
    /// Validation returned; `errors` holds the error diagnostics only.
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
        validate_file(path, LoadOptions::default())
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

/// Checks the AsyncAPI 1.x rule: exactly one `version-unsupported` error.
fn check_v1(row: &Row, outcome: &Outcome) -> Option<String> {
    match outcome {
        Outcome::Done { errors }
            if errors.len() == 1 && errors[0].code == Code::VersionUnsupported =>
        {
            None
        }
        _ => Some(format!(
            "AsyncAPI 1.x document without exactly one version-unsupported error:\n{}",
            describe(row, outcome)
        )),
    }
}

/// Checks that every location the expected error names has one of our
/// errors at it or inside it.
fn check_locations(row: &Row, outcome: &Outcome) -> Option<String> {
    let Outcome::Done { errors } = outcome else {
        return None;
    };
    let missing: Vec<String> = expected_locations(&row.expected_error)
        .into_iter()
        .filter(|location| !errors.iter().any(|e| location.matches(&e.pointer)))
        .map(|location| location.written)
        .collect();
    if missing.is_empty() {
        return None;
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
    let (mut valid, mut invalid, mut unknown, mut v1) =
        (Tally::default(), Tally::default(), Tally::default(), Tally::default());
    let mut located = 0;

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
        let tally = if label == Verdict::Accept { &mut valid } else { &mut invalid };
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
                if actual == Verdict::Accept { "accepted" } else { "rejected" },
                describe(row, &outcome)
            ));
            continue;
        }
        if label == Verdict::Reject && !expected_locations(&row.expected_error).is_empty() {
            located += 1;
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

    println!(
        "corpus: {} documents in {:.1?}",
        documents.len(),
        started.elapsed()
    );
    println!(
        "corpus: labelled valid: {}/{} accepted",
        valid.accepted, valid.total
    );
    println!(
        "corpus: labelled invalid: {}/{} rejected ({} with an expected location checked)",
        invalid.rejected, invalid.total, located
    );
    println!(
        "corpus: AsyncAPI 1.x: {}/{} rejected",
        v1.rejected, v1.total
    );
    println!(
        "corpus: unlabelled: {} accepted, {} rejected, {} in all",
        unknown.accepted, unknown.rejected, unknown.total
    );
    println!("corpus: listed exceptions: {}", VERDICT_EXCEPTIONS.len());
    println!("corpus: failures: {}", failures.len());
    for failure in &failures {
        println!("{failure}");
    }
    assert!(
        failures.is_empty(),
        "{} corpus documents do not match their expected verdict (listed above)",
        failures.len()
    );
}
