//! `$ref` resolution: local, relative-file, whole-file, escaped and
//! percent-encoded references, cycles, the root-folder and remote rules, and
//! errors reported at the `$ref` that fails.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use hookforge_codegen::diagnostic::{Code, Diagnostic};
use hookforge_codegen::document::{Document, LoadOptions, Target};
use hookforge_codegen::source::Position;
use hookforge_codegen::validate_file;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn load(root: &Path, options: LoadOptions) -> (Document, Vec<Diagnostic>) {
    Document::load(root, options)
        .unwrap_or_else(|diagnostics| panic!("{} did not load: {diagnostics:#?}", root.display()))
}

/// Resolves `reference` from the root file and follows a `$ref` found at
/// the target.
fn resolve<'d>(document: &'d Document, reference: &str) -> Target<'d> {
    let target = document
        .resolve(document.root_file(), reference)
        .unwrap_or_else(|e| panic!("{reference} does not resolve: {}", e.message));
    document
        .follow(target.file, &target.pointer, target.node)
        .unwrap_or_else(|e| panic!("{reference} cannot be followed: {}", e.message))
}

/// The path of the file a target is in, relative to `base`.
fn file_of(document: &Document, target: &Target<'_>, base: &Path) -> PathBuf {
    let path = document.sources.path(target.file);
    path.strip_prefix(base).unwrap_or(path).to_path_buf()
}

fn json_at(target: &Target<'_>, key: &str) -> serde_json::Value {
    target
        .node
        .get(key)
        .map(|n| n.to_json())
        .unwrap_or_default()
}

/// The diagnostic whose pointer is `pointer`, or a panic listing all.
fn at_pointer<'a>(diagnostics: &'a [Diagnostic], pointer: &str) -> &'a Diagnostic {
    let found: Vec<&Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.pointer == pointer)
        .collect();
    assert_eq!(found.len(), 1, "{pointer}: {diagnostics:#?}");
    found[0]
}

fn start(diagnostic: &Diagnostic) -> Position {
    diagnostic.span.expect("the diagnostic has a span").start
}

fn at(line: u32, column: u32) -> Position {
    Position { line, column }
}

fn files_read(document: &Document, base: &Path) -> Vec<PathBuf> {
    document
        .files_read()
        .map(|p| p.strip_prefix(base).unwrap_or(p).to_path_buf())
        .collect()
}

// ---- reference forms ----

#[test]
fn reference_forms_load_cleanly() {
    let base = fixtures().join("refs");
    let (_, diagnostics) = load(&base.join("root.yaml"), LoadOptions::default());
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
}

#[test]
fn subfolder_and_parent_folder_files() {
    let base = fixtures().join("refs");
    let (document, _) = load(&base.join("root.yaml"), LoadOptions::default());

    let user = resolve(&document, "#/components/messages/userCreated/payload");
    assert_eq!(
        file_of(&document, &user, &base),
        Path::new("schemas/user.yaml")
    );
    assert_eq!(user.pointer.to_string(), "/User");

    // `../common/types.yaml`, written in schemas/user.yaml, is
    // refs/common/types.yaml.
    let id = resolve(&document, "schemas/user.yaml#/User/properties/id");
    assert_eq!(
        file_of(&document, &id, &base),
        Path::new("common/types.yaml")
    );
    assert_eq!(json_at(&id, "format"), "uuid");

    // `#/Name` inside schemas/user.yaml points into that file.
    let name = resolve(&document, "schemas/user.yaml#/User/properties/name");
    assert_eq!(
        file_of(&document, &name, &base),
        Path::new("schemas/user.yaml")
    );
    assert_eq!(name.pointer.to_string(), "/Name");
}

#[test]
fn whole_file_with_and_without_hash() {
    let base = fixtures().join("refs");
    let (document, _) = load(&base.join("root.yaml"), LoadOptions::default());
    for key in ["whole", "wholeWithHash"] {
        let message = resolve(&document, &format!("#/channels/users/messages/{key}"));
        assert_eq!(
            file_of(&document, &message, &base),
            Path::new("whole-message.yaml"),
            "{key}"
        );
        assert_eq!(message.pointer.to_string(), "", "{key}");
        assert_eq!(json_at(&message, "name"), "whole", "{key}");
    }
}

#[test]
fn pointer_escapes_and_percent_encoding() {
    let base = fixtures().join("refs");
    let (document, _) = load(&base.join("root.yaml"), LoadOptions::default());
    let cases = [
        ("slash", "key with a slash", "/components/schemas/a~1b"),
        ("tilde", "key with a tilde", "/components/schemas/c~0d"),
        // `~01` is `~` followed by `1`, not `/`.
        (
            "literalTildeOne",
            "key spelled with a literal tilde-one",
            "/components/schemas/x~01y",
        ),
        (
            "percent",
            "key with a space",
            "/components/schemas/with space",
        ),
    ];
    for (name, description, pointer) in cases {
        let target = resolve(&document, &format!("#/components/schemas/{name}"));
        assert_eq!(json_at(&target, "description"), description, "{name}");
        assert_eq!(target.pointer.to_string(), pointer, "{name}");
    }

    let spaced = resolve(&document, "#/components/schemas/percentFile");
    assert_eq!(
        file_of(&document, &spaced, &base),
        Path::new("my dir/spaced.yaml")
    );
    assert_eq!(json_at(&spaced, "type"), "boolean");
}

#[test]
fn pointer_through_other_references() {
    let base = fixtures().join("refs");
    let (document, _) = load(&base.join("root.yaml"), LoadOptions::default());
    // The pointer passes through `imported` (a $ref into messages.yaml) and
    // its `payload` (a $ref into schemas/user.yaml), and ends at another
    // $ref that `follow` takes to `/Name`.
    let name = resolve(&document, "#/components/messages/throughAnotherRef/payload");
    assert_eq!(
        file_of(&document, &name, &base),
        Path::new("schemas/user.yaml")
    );
    assert_eq!(name.pointer.to_string(), "/Name");
    assert_eq!(json_at(&name, "minLength"), 1);
}

#[test]
fn mapping_under_ref_is_a_property() {
    let base = fixtures().join("refs");
    let (document, diagnostics) = load(&base.join("root.yaml"), LoadOptions::default());
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    let holder = resolve(&document, "#/components/schemas/withRefProperty/properties");
    assert_eq!(
        holder.node.get("$ref").map(|n| n.to_json()),
        Some(serde_json::json!({"type": "string", "description": "a property that is named $ref"}))
    );
}

#[test]
fn circular_references_across_files() {
    let base = fixtures().join("refs");
    let started = Instant::now();
    let (document, diagnostics) = load(&base.join("root.yaml"), LoadOptions::default());
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");

    let node = resolve(&document, "#/components/schemas/node");
    assert_eq!(file_of(&document, &node, &base), Path::new("cycle-a.yaml"));
    let tree = resolve(&document, "cycle-a.yaml#/Node/properties/children/items");
    assert_eq!(file_of(&document, &tree, &base), Path::new("cycle-b.yaml"));
    let back = resolve(&document, "cycle-b.yaml#/Tree/properties/root");
    assert_eq!(file_of(&document, &back, &base), Path::new("cycle-a.yaml"));
    assert_eq!(back.pointer.to_string(), "/Node");
}

// ---- files read ----

#[test]
fn files_read_lists_each_file_once() {
    let base = fixtures().join("refs");
    let (document, _) = load(&base.join("root.yaml"), LoadOptions::default());
    let mut files = files_read(&document, &base);
    assert_eq!(files[0], Path::new("root.yaml"));
    files.sort();
    let expected: Vec<PathBuf> = [
        "common/types.yaml",
        "cycle-a.yaml",
        "cycle-b.yaml",
        "messages.yaml",
        "my dir/spaced.yaml",
        "root.yaml",
        "schemas/user.yaml",
        "whole-message.yaml",
    ]
    .iter()
    .map(PathBuf::from)
    .collect();
    assert_eq!(files, expected);
}

#[test]
fn files_read_merges_spellings_of_one_path() {
    let base = fixtures().join("refs");
    let text = "asyncapi: 3.0.0\ncomponents:\n  schemas:\n    a: {$ref: './common/types.yaml#/Id'}\n    b: {$ref: 'schemas/../common/types.yaml#/Id'}\n    c: {$ref: 'common//types.yaml#/Id'}\n";
    let root = base.join("inline.yaml");
    let (document, diagnostics) = Document::from_text(&root, text, LoadOptions::default());
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    let document = document.expect("the root parsed");
    assert_eq!(
        files_read(&document, &base),
        [
            PathBuf::from("inline.yaml"),
            PathBuf::from("common/types.yaml")
        ]
    );
}

#[test]
fn files_read_leaves_out_missing_files() {
    let base = fixtures().join("broken");
    let (document, _) = load(&base.join("root.yaml"), LoadOptions::default());
    assert_eq!(
        files_read(&document, &base),
        [PathBuf::from("root.yaml"), PathBuf::from("present.yaml")]
    );
}

// ---- nested relative references ----

/// Loads the nested fixture from `root` and checks that every reference
/// was resolved against the file that contains it.
fn check_nested(root: &Path) {
    let (document, diagnostics) = load(root, LoadOptions::default());
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    let base = fixtures()
        .join("nested")
        .canonicalize()
        .expect("fixture exists");

    let owners = resolve(&document, "#/components/schemas/job/properties/owners");
    let owners_file = document
        .sources
        .path(owners.file)
        .canonicalize()
        .expect("file exists");
    assert_eq!(owners_file, base.join("deep/v1/common.json"));
    assert_eq!(json_at(&owners, "type"), "array");

    // `#/definitions/ownerId` inside v1/common.json, not in the root
    // (which has a decoy of the same pointer).
    let id = document
        .follow(owners.file, &owners.pointer, owners.node)
        .ok()
        .and_then(|t| t.node.get("items").map(|items| (t.file, items)))
        .and_then(|(file, items)| items.ref_target().map(|r| (file, r.to_owned())))
        .map(|(file, reference)| document.resolve(file, &reference))
        .expect("owners has items with a $ref")
        .expect("items resolve");
    assert_eq!(id.file, owners.file);
    assert_eq!(json_at(&id, "pattern"), "^own_[a-z0-9]+$");

    // Neither decoy `common.json` was read.
    let read: Vec<PathBuf> = document
        .files_read()
        .map(|p| p.canonicalize().expect("file exists"))
        .collect();
    assert_eq!(
        read,
        [
            base.join("root.yaml"),
            base.join("deep/v1/job.json"),
            base.join("deep/v1/common.json")
        ]
    );
}

/// Environment variable that names, for [`nested_refs_from_given_path`], the
/// root path to load relative to its working directory.
const ROOT_VAR: &str = "HOOKFORGE_TEST_NESTED_ROOT";

#[test]
fn nested_refs_from_given_path() {
    // Cargo runs tests in the package folder, so the default is relative
    // to it; `nested_refs_ignore_working_directory` runs this test again
    // from other folders.
    let root = std::env::var(ROOT_VAR).unwrap_or_else(|_| "tests/fixtures/nested/root.yaml".into());
    check_nested(Path::new(&root));
}

#[test]
fn nested_refs_absolute_root() {
    check_nested(&fixtures().join("nested/root.yaml"));
}

#[test]
fn nested_refs_ignore_working_directory() {
    let nested = fixtures().join("nested");
    let runs = [
        (
            PathBuf::from("/"),
            fixtures().join("nested/root.yaml").to_string_lossy()[1..].to_owned(),
        ),
        (nested.join("deep/v1"), "../../root.yaml".to_owned()),
        (nested.join("deep"), "./../root.yaml".to_owned()),
        (nested.clone(), "root.yaml".to_owned()),
    ];
    let test_binary = std::env::current_exe().expect("the test binary's path");
    for (cwd, root) in runs {
        let output = Command::new(&test_binary)
            .args(["--exact", "nested_refs_from_given_path", "--test-threads=1"])
            .current_dir(&cwd)
            .env(ROOT_VAR, &root)
            .output()
            .expect("the test binary runs");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "from {} with {root}:\n{stdout}\n{}",
            cwd.display(),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(stdout.contains("1 passed"), "{stdout}");
    }
}

// ---- errors at the failing $ref ----

#[test]
fn every_broken_ref_is_reported_in_place() {
    let base = fixtures().join("broken");
    let root = base.join("root.yaml");
    let validation = validate_file(&root, LoadOptions::default());
    let document = validation.document.as_ref().expect("the root loads");
    let diagnostics = &validation.diagnostics;
    let ref_errors = diagnostics
        .iter()
        .filter(|d| d.code.as_str().starts_with("ref-"))
        .count();
    assert_eq!(ref_errors, 7, "{diagnostics:#?}");
    for d in diagnostics
        .iter()
        .filter(|d| d.code.as_str().starts_with("ref-"))
    {
        let span = d.span.expect("a span");
        assert_eq!(document.sources.path(span.file), root, "{d:#?}");
    }

    let missing_file = at_pointer(diagnostics, "/components/messages/ghost/payload/$ref");
    assert_eq!(missing_file.code, Code::RefUnresolved);
    assert_eq!(start(missing_file), at(15, 15));
    let tried = base.join("does-not-exist.yaml");
    for part in [
        "./does-not-exist.yaml#/components/schemas/Gone".to_owned(),
        tried.display().to_string(),
    ] {
        assert!(
            missing_file.message.contains(&part),
            "{part}: {}",
            missing_file.message
        );
    }

    let internal = at_pointer(diagnostics, "/components/messages/internal/payload/$ref");
    assert_eq!(internal.code, Code::RefUnresolved);
    assert_eq!(start(internal), at(18, 15));
    assert!(internal.message.contains("#/components/schemas/Missing"));
    assert!(
        internal.message.contains("\"Missing\""),
        "{}",
        internal.message
    );

    let other_file = at_pointer(diagnostics, "/components/messages/inOtherFile/payload/$ref");
    assert_eq!(other_file.code, Code::RefUnresolved);
    assert_eq!(start(other_file).line, 21);
    assert!(
        other_file.message.contains("present.yaml"),
        "{}",
        other_file.message
    );
    assert!(
        other_file.message.contains("\"Absent\""),
        "{}",
        other_file.message
    );

    let case = at_pointer(
        diagnostics,
        "/components/messages/caseMismatch/payload/$ref",
    );
    assert_eq!(case.code, Code::RefUnresolved);
    assert_eq!(start(case).line, 33);
    assert!(
        case.message.contains("\"present.yaml\" exists"),
        "{}",
        case.message
    );
}

#[test]
fn bad_escape_names_the_reference() {
    let root = fixtures().join("broken/root.yaml");
    let (_, diagnostics) = load(&root, LoadOptions::default());
    let error = at_pointer(&diagnostics, "/components/messages/badEscape/payload/$ref");
    assert_eq!(error.code, Code::RefInvalid);
    assert_eq!(start(error), at(24, 15));
    assert!(
        error.message.contains("\"#/components/schemas/a~2b\""),
        "{}",
        error.message
    );
    assert!(error.message.contains("'~2'"), "{}", error.message);
}

#[test]
fn non_string_ref_is_invalid() {
    let root = fixtures().join("broken/root.yaml");
    let (_, diagnostics) = load(&root, LoadOptions::default());
    for (name, line, type_name) in [("number", 27, "integer"), ("nothing", 30, "null")] {
        let pointer = format!("/components/messages/{name}/payload/$ref");
        let error = at_pointer(&diagnostics, &pointer);
        assert_eq!(error.code, Code::RefInvalid, "{name}");
        assert_eq!(start(error), at(line, 15), "{name}");
        assert!(error.message.contains(type_name), "{}", error.message);
    }
    // `properties: {$ref: {type: string}}` names a property.
    assert!(
        !diagnostics
            .iter()
            .any(|d| d.pointer.starts_with("/components/schemas/Holder")),
        "{diagnostics:#?}"
    );
}

#[test]
fn non_string_ref_in_a_list_is_invalid() {
    let text = "asyncapi: 3.0.0\nchannels:\n  c:\n    messages:\n      m: {$ref: [a, b]}\n      n: {$ref: true}\n";
    let (_, diagnostics) =
        Document::from_text(Path::new("list.yaml"), text, LoadOptions::default());
    let list = at_pointer(&diagnostics, "/channels/c/messages/m/$ref");
    assert_eq!(list.code, Code::RefInvalid);
    assert_eq!(start(list), at(5, 17));
    assert!(list.message.contains("array"), "{}", list.message);
    let boolean = at_pointer(&diagnostics, "/channels/c/messages/n/$ref");
    assert_eq!(boolean.code, Code::RefInvalid);
    assert!(boolean.message.contains("boolean"), "{}", boolean.message);
}

// ---- cycles ----

#[test]
fn ref_cycles_are_reported_at_members() {
    let root = fixtures().join("cycle/root.yaml");
    let started = Instant::now();
    let (_, diagnostics) = load(&root, LoadOptions::default());
    assert!(started.elapsed() < Duration::from_secs(5));

    let mut cycles: Vec<(String, u32)> = diagnostics
        .iter()
        .filter(|d| d.code == Code::RefCycle)
        .map(|d| (d.pointer.clone(), start(d).line))
        .collect();
    cycles.sort();
    // `intoCycle` only leads into `self` and `fine` reaches a value, so
    // neither is reported. `acrossFiles` and other.yaml's `Back` point at
    // each other.
    let expected = [
        ("/Back/$ref".to_owned(), 2),
        ("/components/schemas/acrossFiles/$ref".to_owned(), 16),
        ("/components/schemas/first/$ref".to_owned(), 8),
        ("/components/schemas/second/$ref".to_owned(), 10),
        ("/components/schemas/self/$ref".to_owned(), 12),
    ];
    assert_eq!(cycles, expected, "{diagnostics:#?}");
    assert_eq!(diagnostics.len(), expected.len(), "{diagnostics:#?}");
    let first = at_pointer(&diagnostics, "/components/schemas/first/$ref");
    // other.yaml refers back to root.yaml, which is not read again.
    let (document, _) = load(&root, LoadOptions::default());
    let base = fixtures().join("cycle");
    assert_eq!(
        files_read(&document, &base),
        [PathBuf::from("root.yaml"), PathBuf::from("other.yaml")]
    );
    assert!(
        first.message.contains("\"#/components/schemas/second\""),
        "{}",
        first.message
    );
}

#[test]
fn follow_stops_on_a_cycle() {
    let root = fixtures().join("cycle/root.yaml");
    let (document, _) = load(&root, LoadOptions::default());
    let target = document
        .resolve(document.root_file(), "#/components/schemas/first")
        .expect("the first hop resolves");
    let error = document
        .follow(target.file, &target.pointer, target.node)
        .expect_err("a cycle never reaches a value");
    assert_eq!(error.code, Code::RefCycle);
}

// ---- the root folder and remote documents ----

#[test]
fn ref_outside_root_needs_the_option() {
    let root = fixtures().join("outside/inner/root.yaml");
    let (_, diagnostics) = load(&root, LoadOptions::default());
    let error = at_pointer(&diagnostics, "/components/schemas/fromParent/$ref");
    assert_eq!(error.code, Code::RefOutsideRoot);
    assert_eq!(start(error), at(8, 13));
    assert!(
        error.message.contains("\"../shared.yaml#/Shared\""),
        "{}",
        error.message
    );
    let help = error.help.as_deref().unwrap_or("");
    assert!(help.contains("--allow-outside-root"), "{help}");

    let options = LoadOptions {
        allow_outside_root: true,
        ..LoadOptions::default()
    };
    let (document, diagnostics) = load(&root, options);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    let shared = resolve(&document, "#/components/schemas/fromParent");
    assert_eq!(
        file_of(&document, &shared, &fixtures()),
        Path::new("outside/shared.yaml")
    );
}

#[test]
fn absolute_path_without_hash_gets_a_hint() {
    let text = "asyncapi: 3.0.0\ncomponents:\n  messages:\n    m: {$ref: '/components/messages/n'}\n    n: {payload: {type: string}}\n";
    let root = fixtures().join("refs/hint.yaml");
    let (_, diagnostics) = Document::from_text(&root, text, LoadOptions::default());
    let error = at_pointer(&diagnostics, "/components/messages/m/$ref");
    assert_eq!(error.code, Code::RefOutsideRoot);
    let help = error.help.as_deref().unwrap_or("");
    assert!(help.contains("'#/components/messages/n'"), "{help}");
}

#[test]
fn remote_ref_needs_a_mirror() {
    let base = fixtures().join("remote");
    let root = base.join("root.yaml");
    let (_, diagnostics) = load(&root, LoadOptions::default());
    let error = at_pointer(&diagnostics, "/components/schemas/id/$ref");
    assert_eq!(error.code, Code::RefRemote);
    assert_eq!(start(error), at(8, 13));
    assert!(
        error
            .message
            .contains("\"https://schemas.example.com/common/v1/types.yaml#/Id\""),
        "{}",
        error.message
    );
    let help = error.help.as_deref().unwrap_or("");
    assert!(help.contains("--remote-mirror"), "{help}");

    let options = LoadOptions {
        remote_mirrors: vec![(
            "https://schemas.example.com/".to_owned(),
            base.join("mirror"),
        )],
        ..LoadOptions::default()
    };
    let (document, diagnostics) = load(&root, options);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    let id = resolve(&document, "#/components/schemas/id");
    assert_eq!(
        file_of(&document, &id, &base),
        Path::new("mirror/common/v1/types.yaml")
    );
    assert_eq!(json_at(&id, "format"), "uuid");
}

#[test]
fn mirror_does_not_leave_its_folder() {
    let base = fixtures().join("remote");
    let text = "asyncapi: 3.0.0\ncomponents:\n  schemas:\n    a: {$ref: 'https://schemas.example.com/../../broken/present.yaml#/Here'}\n";
    let options = LoadOptions {
        remote_mirrors: vec![(
            "https://schemas.example.com/".to_owned(),
            base.join("mirror"),
        )],
        ..LoadOptions::default()
    };
    let (_, diagnostics) = Document::from_text(&base.join("escape.yaml"), text, options);
    let error = at_pointer(&diagnostics, "/components/schemas/a/$ref");
    // A mirror covers the URL, so the error is where it leads, not that
    // remote documents are not fetched.
    assert_eq!(error.code, Code::RefOutsideRoot);
    assert!(error.message.contains("mirror folder"), "{}", error.message);
    assert_eq!(start(error), at(4, 15));
}

/// A document where reference `i`'s pointer passes twice through reference
/// `i - 1`, so resolving reference `levels` naively takes 2^levels steps.
/// Mapping `h_i` is nested under key `u` of `h_(i-1)` and holds reference
/// `i` under key `x`; reference 0 points at `h_0` itself.
fn reference_bomb(levels: usize) -> String {
    let pointer = |i: usize| format!("#/h0{}/x/x/u", "/u".repeat(i - 1));
    let mut node = format!("{{x: {{$ref: '{}'}}}}", pointer(levels));
    for i in (1..levels).rev() {
        node = format!("{{x: {{$ref: '{}'}}, u: {node}}}", pointer(i));
    }
    format!("asyncapi: 3.0.0\nh0: {{x: {{$ref: '#/h0'}}, u: {node}}}\n")
}

#[test]
fn reference_bomb_is_rejected_quickly() {
    let text = reference_bomb(40);
    let started = Instant::now();
    let (_, diagnostics) =
        Document::from_text(Path::new("bomb.yaml"), &text, LoadOptions::default());
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");

    assert!(!diagnostics.is_empty());
    for error in &diagnostics {
        assert_eq!(error.code, Code::LimitExceeded, "{error:#?}");
        assert!(
            error.message.contains("limit of 1000 references"),
            "{}",
            error.message
        );
        assert!(error.pointer.ends_with("/x/$ref"), "{}", error.pointer);
        assert_eq!(start(error).line, 2);
    }
    // The outermost reference needs 2^40 steps; the first few need few.
    let deepest = format!("/h0{}/x/$ref", "/u".repeat(39));
    assert!(
        diagnostics.iter().any(|d| d.pointer == deepest),
        "{diagnostics:#?}"
    );
    assert!(
        !diagnostics.iter().any(|d| d.pointer == "/h0/u/x/$ref"),
        "{diagnostics:#?}"
    );
}

#[test]
fn refs_under_names_like_keywords_are_checked() {
    // `default` and `examples` here name a property and a schema; they are
    // not the keywords whose values are data.
    let text = "asyncapi: 3.0.0\ncomponents:\n  schemas:\n    s:\n      properties:\n        default: {$ref: '#/components/schemas/gone'}\n      default: {$ref: 'not a reference'}\n    examples: {$ref: '#/nope'}\n";
    let (_, diagnostics) =
        Document::from_text(Path::new("names.yaml"), text, LoadOptions::default());
    assert_eq!(diagnostics.len(), 2, "{diagnostics:#?}");
    let property = at_pointer(
        &diagnostics,
        "/components/schemas/s/properties/default/$ref",
    );
    assert_eq!(property.code, Code::RefUnresolved);
    assert_eq!(start(property).line, 6);
    let schema = at_pointer(&diagnostics, "/components/schemas/examples/$ref");
    assert_eq!(schema.code, Code::RefUnresolved);
    assert_eq!(start(schema).line, 8);
}
