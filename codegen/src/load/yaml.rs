//! Builds a spanned [`Node`] tree from YAML 1.2 or JSON text.
//!
//! We use `saphyr-parser`, a maintained YAML 1.2 parser (serde_yaml and
//! yaml-rust are unmaintained), at its event level: events carry positions,
//! so every node and key keeps its line and column, and building the tree
//! ourselves lets us reject duplicate keys, apply merge keys and enforce the
//! [`Limits`] as we go. JSON is read by the same parser, since JSON text is
//! YAML 1.2.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Span as YamlSpan, Tag};

use super::limits::{Limits, MAX_DEPTH_CAP};
use super::scalar::{resolve_number, resolve_plain};
use crate::diagnostic::{Code, Diagnostic};
use crate::pointer::escape_token;
use crate::source::{FileId, Position, Span};
use crate::tree::{Mapping, Node, Value};

/// What parsing one file produced: the tree, unless a fatal error stopped
/// it, and every diagnostic found on the way.
#[derive(Debug)]
pub struct Parsed {
    /// The file's content, or `None` after a fatal error.
    pub root: Option<Node>,
    /// Errors such as duplicate keys, which still leave a usable tree.
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses `text` as the content of file `file`.
///
/// A file must hold exactly one YAML document; an empty file is `null`.
/// A leading UTF-8 byte order mark is skipped, and columns on the first
/// line still count it, as the text that diagnostics quote contains it.
pub fn parse(text: &str, file: FileId, limits: &Limits) -> Parsed {
    let (text, bom_columns) = match text.strip_prefix('\u{feff}') {
        Some(rest) => (rest, 1),
        None => (text, 0),
    };
    let mut builder = Builder {
        file,
        limits,
        stack: Vec::new(),
        anchors: HashMap::new(),
        nodes: 0,
        documents: 0,
        root: None,
        diagnostics: Vec::new(),
        text_end: text_end(text),
        bom_columns,
    };
    for event in Parser::new_from_str(text) {
        let result = match event {
            Ok((event, span)) => builder.on_event(event, span),
            Err(error) => Err(syntax_error(&error, text, file, bom_columns)),
        };
        if let Err(fatal) = result {
            builder.diagnostics.push(fatal);
            return Parsed {
                root: None,
                diagnostics: builder.diagnostics,
            };
        }
    }
    let root = builder.root.take().unwrap_or(Node {
        value: Value::Null,
        span: Span::file_start(file),
    });
    Parsed {
        root: Some(root),
        diagnostics: builder.diagnostics,
    }
}

/// Converts a parser error, adding `bom_columns` to a column on line 1.
fn syntax_error(error: &ScanError, text: &str, file: FileId, bom_columns: usize) -> Diagnostic {
    let marker = error.marker();
    let info = error.info();
    if info.contains("tab") {
        if let Some(column) = indentation_tab(text, marker.line()) {
            return tab_error(marker.line(), column, file);
        }
    }
    let (line, col) = within_text(text_end(text), marker.line(), marker.col());
    let at = position(line, col + if line == 1 { bom_columns } else { 0 });
    let span = Span {
        file,
        start: at,
        end: at,
    };
    if info == "recursion limit exceeded" {
        return Diagnostic::error(
            Code::LimitExceeded,
            "flow collections ([...] or {...}) are nested deeper than the YAML parser's limit of 255 levels",
        )
        .with_help("flatten the document; move deep parts into components and use $ref")
        .at("", span);
    }
    let mut diagnostic = Diagnostic::error(Code::Syntax, format!("invalid YAML: {info}"));
    if info.contains("tab") {
        diagnostic =
            diagnostic.with_help("indent with spaces; YAML does not allow tabs for indentation");
    }
    diagnostic.at("", span)
}

/// The 1-based number of the last line of `text` and its length in
/// characters, where `\n`, `\r\n` and a lone `\r` each end a line.
fn text_end(text: &str) -> (usize, usize) {
    let breaks = text.matches(['\n', '\r']).count() - text.matches("\r\n").count();
    let tail = text.rsplit(['\n', '\r']).next().unwrap_or("");
    (breaks + 1, tail.chars().count())
}

/// Moves a parser position that lies past the last line (`end`, from
/// [`text_end`]) to the end of the last line, so that the line exists when
/// a diagnostic quotes it. The parser places some errors and empty nodes
/// at the end of the input there.
fn within_text(end: (usize, usize), line: usize, col: usize) -> (usize, usize) {
    if line <= end.0 {
        (line, col)
    } else {
        end
    }
}

/// The 0-based character column of the first tab in the indentation of
/// 1-based line `line`, if there is one.
fn indentation_tab(text: &str, line: usize) -> Option<usize> {
    let line = text.split('\n').nth(line.checked_sub(1)?)?;
    line.chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .position(|c| c == '\t')
}

/// The error for a tab in indentation, pointing at the tab itself (the
/// parser reports the character after it).
fn tab_error(line: usize, column: usize, file: FileId) -> Diagnostic {
    let at = position(line, column);
    Diagnostic::error(
        Code::Syntax,
        format!(
            "invalid YAML: line {} is indented with a tab, and tabs are not allowed for indentation",
            at.line
        ),
    )
    .with_help("indent with spaces only")
    .at("", Span { file, start: at, end: at })
}

/// Converts the parser's 1-based line and 0-based column; a line of 0,
/// which the parser does not document as impossible, becomes 1.
fn position(line: usize, col: usize) -> Position {
    Position {
        line: u32::try_from(line.max(1)).unwrap_or(u32::MAX),
        column: u32::try_from(col + 1).unwrap_or(u32::MAX),
    }
}

/// A finished node and whether it was the plain scalar `<<`, which is a
/// merge key when it stands in key position.
struct Built {
    node: Node,
    is_merge_key: bool,
}

enum Frame {
    Sequence {
        items: Vec<Node>,
        start: Position,
        anchor: usize,
    },
    Mapping {
        entries: Vec<(String, Span, bool, Node)>,
        key: Option<(String, Span, bool)>,
        start: Position,
        anchor: usize,
    },
}

/// Types named by `!!` tags that the loader accepts: the YAML 1.2 core
/// schema, and the YAML 1.1 type repository (yaml.org/type), whose values
/// are read like untagged ones.
const KNOWN_YAML_TAGS: &[&str] = &[
    "str",
    "int",
    "float",
    "bool",
    "null",
    "map",
    "seq",
    "binary",
    "timestamp",
    "omap",
    "pairs",
    "set",
    "merge",
    "value",
    "yaml",
];

/// A finished anchored node, with what an alias to it adds.
struct Anchored {
    node: Node,
    /// Nodes in the subtree, for the node limit.
    size: usize,
    /// Collection levels in the subtree (0 for a scalar), for the depth
    /// limit.
    height: usize,
}

struct Builder<'l> {
    file: FileId,
    limits: &'l Limits,
    stack: Vec<Frame>,
    /// Finished anchored nodes, by anchor id.
    anchors: HashMap<usize, Anchored>,
    nodes: usize,
    documents: usize,
    root: Option<Node>,
    diagnostics: Vec<Diagnostic>,
    /// Last line and its length, from [`text_end`].
    text_end: (usize, usize),
    /// Characters before the parsed text on line 1: 1 after a byte order
    /// mark, else 0.
    bom_columns: usize,
}

impl Builder<'_> {
    fn span(&self, span: YamlSpan) -> Span {
        let (start_line, start_col) =
            within_text(self.text_end, span.start.line(), span.start.col());
        let (end_line, end_col) = within_text(self.text_end, span.end.line(), span.end.col());
        let shift = |line: usize| if line == 1 { self.bom_columns } else { 0 };
        Span {
            file: self.file,
            start: position(start_line, start_col + shift(start_line)),
            end: position(end_line, end_col + shift(end_line)),
        }
    }

    fn on_event(&mut self, event: Event<'_>, span: YamlSpan) -> Result<(), Diagnostic> {
        match event {
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(Diagnostic::error(
                        Code::Syntax,
                        "the file holds more than one YAML document",
                    )
                    .with_help("keep one document per file; remove the second '---' section")
                    .at("", self.span(span)));
                }
                Ok(())
            }
            Event::Scalar(text, style, anchor, tag) => {
                let span = self.span(span);
                self.check_tag(tag.as_deref(), span)?;
                let value = scalar_value(&text, style, tag.as_deref());
                let is_merge_key = style == ScalarStyle::Plain && tag.is_none() && text == "<<";
                self.count(1, span)?;
                let node = Node { value, span };
                self.remember(anchor, &node, 1);
                self.finish(Built { node, is_merge_key })
            }
            Event::Alias(id) => {
                let span = self.span(span);
                let Some((size, height)) = self.anchors.get(&id).map(|a| (a.size, a.height)) else {
                    return Err(Diagnostic::error(
                        Code::UnsupportedYaml,
                        "alias refers to an anchor that is not complete yet (a recursive alias)",
                    )
                    .with_help(
                        "YAML data here must be a tree; replace the recursive alias with a $ref",
                    )
                    .at("", span));
                };
                // Check before copying, so an over-limit copy is never made.
                self.check_depth(self.stack.len() + height, span)?;
                self.count(size, span)?;
                let Some(mut node) = self.anchors.get(&id).map(|a| a.node.clone()) else {
                    return Err(
                        Diagnostic::error(Code::Syntax, "unbalanced YAML structure").at("", span)
                    );
                };
                // The copy points at the alias, so diagnostics about it name
                // the place it is used as well as the data it copies.
                node.span = span;
                self.finish(Built {
                    node,
                    is_merge_key: false,
                })
            }
            Event::SequenceStart(anchor, tag) => {
                self.check_tag(tag.as_deref(), self.span(span))?;
                let start = self.span(span).start;
                self.push(
                    Frame::Sequence {
                        items: Vec::new(),
                        start,
                        anchor,
                    },
                    span,
                )
            }
            Event::MappingStart(anchor, tag) => {
                self.check_tag(tag.as_deref(), self.span(span))?;
                let start = self.span(span).start;
                self.push(
                    Frame::Mapping {
                        entries: Vec::new(),
                        key: None,
                        start,
                        anchor,
                    },
                    span,
                )
            }
            Event::SequenceEnd => {
                let end = self.span(span).end;
                let Some(Frame::Sequence {
                    items,
                    start,
                    anchor,
                }) = self.stack.pop()
                else {
                    return Err(self.internal(span));
                };
                let node = Node {
                    value: Value::Sequence(items),
                    span: Span {
                        file: self.file,
                        start,
                        end,
                    },
                };
                self.count(1, node.span)?;
                self.remember_counted(anchor, &node);
                self.finish(Built {
                    node,
                    is_merge_key: false,
                })
            }
            Event::MappingEnd => {
                let end = self.span(span).end;
                let Some(Frame::Mapping {
                    entries,
                    start,
                    anchor,
                    ..
                }) = self.stack.pop()
                else {
                    return Err(self.internal(span));
                };
                let span = Span {
                    file: self.file,
                    start,
                    end,
                };
                let mapping = self.build_mapping(entries)?;
                let node = Node {
                    value: Value::Mapping(mapping),
                    span,
                };
                self.count(1, span)?;
                self.remember_counted(anchor, &node);
                self.finish(Built {
                    node,
                    is_merge_key: false,
                })
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => Ok(()),
        }
    }

    fn internal(&self, span: YamlSpan) -> Diagnostic {
        Diagnostic::error(Code::Syntax, "unbalanced YAML structure").at("", self.span(span))
    }

    fn push(&mut self, frame: Frame, span: YamlSpan) -> Result<(), Diagnostic> {
        let span = self.span(span);
        self.check_depth(self.stack.len() + 1, span)?;
        self.stack.push(frame);
        Ok(())
    }

    /// Fails on a tag in the YAML namespace (`!!name`) that is not a type
    /// of the YAML 1.2 core schema or the YAML 1.1 type repository, such
    /// as `!!invalidTag`: a YAML processor cannot build such a node. Local
    /// tags (`!name`) are left alone and do not change the value.
    fn check_tag(&self, tag: Option<&Tag>, span: Span) -> Result<(), Diagnostic> {
        let Some(tag) = tag else {
            return Ok(());
        };
        let yaml_namespace = tag.handle == "tag:yaml.org,2002:" || tag.handle == "!!";
        if !yaml_namespace || KNOWN_YAML_TAGS.contains(&tag.suffix.as_str()) {
            return Ok(());
        }
        Err(Diagnostic::error(
            Code::UnsupportedYaml,
            format!("unknown YAML tag !!{}", tag.suffix),
        )
        .with_help(
            "remove the tag, or use one of !!str, !!int, !!float, !!bool, !!null, !!map and !!seq",
        )
        .at(self.current_pointer(), span))
    }

    /// Fails when a collection `depth` levels deep breaks the nesting limit.
    fn check_depth(&self, depth: usize, span: Span) -> Result<(), Diagnostic> {
        let limit = self.limits.effective_max_depth();
        if depth <= limit {
            return Ok(());
        }
        let help = if limit < self.limits.max_depth {
            format!("the loader accepts at most {MAX_DEPTH_CAP} levels whatever `max_depth` is; move deep parts into components and use $ref")
        } else {
            "raise the nesting limit (`max_depth`, `--max-depth`) if the document is trusted"
                .to_owned()
        };
        Err(Diagnostic::error(
            Code::LimitExceeded,
            format!("nesting is deeper than the limit of {limit} levels (YAML aliases count the levels they copy)"),
        )
        .with_help(help)
        .at(self.current_pointer(), span))
    }

    fn count(&mut self, added: usize, span: Span) -> Result<(), Diagnostic> {
        self.nodes = self.nodes.saturating_add(added);
        if self.nodes > self.limits.max_nodes {
            return Err(Diagnostic::error(
                Code::LimitExceeded,
                format!(
                    "the file expands to more than the limit of {} nodes (YAML aliases count every copy)",
                    self.limits.max_nodes
                ),
            )
            .with_help("this looks like an alias bomb; if the document is trusted, raise the node limit (`max_nodes`, `--max-nodes`)")
            .at(self.current_pointer(), span));
        }
        Ok(())
    }

    fn remember(&mut self, anchor: usize, node: &Node, size: usize) {
        if anchor > 0 {
            let height = node.height();
            let node = node.clone();
            self.anchors.insert(anchor, Anchored { node, size, height });
        }
    }

    fn remember_counted(&mut self, anchor: usize, node: &Node) {
        if anchor > 0 {
            self.remember(anchor, node, node.count_nodes());
        }
    }

    /// Hands a finished node to the enclosing collection, or makes it the
    /// root.
    fn finish(&mut self, built: Built) -> Result<(), Diagnostic> {
        let file = self.file;
        match self.stack.last_mut() {
            None => {
                self.root = Some(built.node);
                Ok(())
            }
            Some(Frame::Sequence { items, .. }) => {
                items.push(built.node);
                Ok(())
            }
            Some(Frame::Mapping { entries, key, .. }) => match key.take() {
                Some((name, key_span, is_merge)) => {
                    entries.push((name, key_span, is_merge, built.node));
                    Ok(())
                }
                None => {
                    let name = key_text(&built.node).ok_or_else(|| {
                        Diagnostic::error(
                            Code::UnsupportedYaml,
                            format!("a {} is used as a mapping key", built.node.type_name()),
                        )
                        .with_help("JSON and AsyncAPI allow only scalar keys; use a string key")
                        .at(
                            "",
                            Span {
                                file,
                                ..built.node.span
                            },
                        )
                    })?;
                    *key = Some((name, built.node.span, built.is_merge_key));
                    Ok(())
                }
            },
        }
    }

    /// Makes a mapping from its entries: reports duplicate keys (keeping
    /// the first) and applies merge keys (`<<`), where explicit keys win
    /// over merged ones and, in `<<: [*a, *b]`, earlier mappings win over
    /// later ones.
    fn build_mapping(
        &mut self,
        entries: Vec<(String, Span, bool, Node)>,
    ) -> Result<Mapping, Diagnostic> {
        let pointer = self.current_pointer();
        let mut mapping = Mapping::new();
        let mut merges = Vec::new();
        for (name, key_span, is_merge, value) in entries {
            if is_merge {
                merges.push((key_span, value));
                continue;
            }
            let first_line = mapping.entry(&name).map(|e| e.key_span.start.line);
            if let Some(first_line) = first_line {
                self.diagnostics.push(
                    Diagnostic::error(
                        Code::DuplicateKey,
                        format!("duplicate key {name:?}: it is also defined on line {first_line}"),
                    )
                    .with_help("YAML and JSON keys must be unique; remove or rename one of them")
                    .at(format!("{pointer}/{}", escape_token(&name)), key_span),
                );
                continue;
            }
            mapping.insert(name, key_span, value);
        }
        for (key_span, value) in merges {
            // A scalar is not a mapping, so it fails the check below
            // rather than being dropped.
            let sources: Vec<Node> = match value.value {
                Value::Sequence(items) => items,
                _ => vec![value],
            };
            for source in sources {
                let Value::Mapping(source) = source.value else {
                    return Err(Diagnostic::error(
                        Code::UnsupportedYaml,
                        "the merge key '<<' takes a mapping or a list of mappings",
                    )
                    .with_help("merge an alias of a mapping, such as `<<: *base`")
                    .at(pointer.clone(), key_span));
                };
                for (name, entry) in source.entries() {
                    mapping.insert(name.to_owned(), entry.key_span, entry.value.clone());
                }
            }
        }
        Ok(mapping)
    }

    /// JSON pointer of the collection being built, from the keys and
    /// indexes on the stack.
    fn current_pointer(&self) -> String {
        let mut pointer = String::new();
        for frame in &self.stack {
            match frame {
                Frame::Sequence { items, .. } => {
                    pointer.push('/');
                    pointer.push_str(&items.len().to_string());
                }
                Frame::Mapping {
                    key: Some((name, ..)),
                    ..
                } => {
                    pointer.push('/');
                    pointer.push_str(&escape_token(name));
                }
                Frame::Mapping { key: None, .. } => {}
            }
        }
        pointer
    }
}

/// The text of a scalar used as a mapping key, or `None` for a collection.
fn key_text(node: &Node) -> Option<String> {
    match &node.value {
        Value::String(s) => Some(s.clone()),
        Value::Null => Some("null".to_owned()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.as_str().to_owned()),
        Value::Sequence(_) | Value::Mapping(_) => None,
    }
}

fn scalar_value(text: &str, style: ScalarStyle, tag: Option<&Tag>) -> Value {
    if let Some(tag) = tag {
        if tag.handle == "tag:yaml.org,2002:" || tag.handle == "!!" {
            match tag.suffix.as_str() {
                "str" => return Value::String(text.to_owned()),
                "null" => return Value::Null,
                "bool" => return resolve_plain(text),
                "int" | "float" => {
                    if let Some(number) = resolve_number(text) {
                        return Value::Number(number);
                    }
                }
                _ => {}
            }
        } else if tag.handle == "!" && tag.suffix.is_empty() {
            return Value::String(text.to_owned());
        }
    }
    if style == ScalarStyle::Plain {
        resolve_plain(text)
    } else {
        Value::String(text.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Parsed {
        parse(text, FileId(0), &Limits::default())
    }

    fn load_ok(text: &str) -> Node {
        let parsed = load(text);
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        parsed.root.expect("a tree")
    }

    #[test]
    fn keeps_line_and_column() {
        let root = load_ok("a:\n  b: [1, 2]\n  c: x\n");
        let c = root.get("a").and_then(|a| a.get("c")).expect("a.c");
        assert_eq!(c.span.start, Position { line: 3, column: 6 });
        let entry = root
            .get("a")
            .and_then(Node::as_mapping)
            .and_then(|m| m.entry("b"))
            .expect("a.b");
        assert_eq!(entry.key_span.start, Position { line: 2, column: 3 });
    }

    #[test]
    fn reads_json() {
        let root = load_ok("{\"a\": [1, 2.5, \"x\", null, true], \"b\": {}}");
        assert_eq!(
            root.to_json(),
            serde_json::json!({"a": [1, 2.5, "x", null, true], "b": {}})
        );
    }

    #[test]
    fn duplicate_key_names_both_lines() {
        let parsed = load("a: 1\nb: 2\na: 3\n");
        assert_eq!(parsed.diagnostics.len(), 1);
        let d = &parsed.diagnostics[0];
        assert_eq!(d.code, Code::DuplicateKey);
        assert!(d.message.contains("line 1"), "{}", d.message);
        assert_eq!(d.span.map(|s| s.start.line), Some(3));
        assert_eq!(d.pointer, "/a");
        let root = parsed.root.expect("tree");
        assert_eq!(
            root.get("a").and_then(Node::as_number).map(|n| n.as_str()),
            Some("1")
        );
    }

    #[test]
    fn nested_duplicate_key_pointer() {
        let parsed = load("x:\n  y:\n    z: 1\n    z: 2\n");
        assert_eq!(parsed.diagnostics[0].pointer, "/x/y/z");
    }

    #[test]
    fn anchors_and_aliases_expand() {
        let root = load_ok("base: &b {type: string}\nother: *b\n");
        assert_eq!(
            root.get("other").map(Node::to_json),
            Some(serde_json::json!({"type": "string"}))
        );
    }

    #[test]
    fn merge_keys_explicit_wins_and_earlier_source_wins() {
        let text = "a: &a {x: 1, y: 1}\nb: &b {x: 2, z: 2}\nc:\n  <<: [*a, *b]\n  y: 3\n";
        let root = load_ok(text);
        assert_eq!(
            root.get("c").map(Node::to_json),
            Some(serde_json::json!({"y": 3, "x": 1, "z": 2}))
        );
    }

    #[test]
    fn quoted_merge_key_is_a_plain_key() {
        let root = load_ok("'<<': 1\n");
        assert_eq!(root.to_json(), serde_json::json!({"<<": 1}));
    }

    #[test]
    fn alias_bomb_hits_node_limit() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let parsed = load(&text);
        assert!(parsed.root.is_none());
        let d = parsed.diagnostics.last().expect("an error");
        assert_eq!(d.code, Code::LimitExceeded);
        assert!(d.message.contains("5000000"), "{}", d.message);
    }

    #[test]
    fn deep_nesting_hits_depth_limit() {
        let text = "[".repeat(220) + &"]".repeat(220);
        let parsed = load(&text);
        let d = parsed.diagnostics.last().expect("an error");
        assert_eq!(d.code, Code::LimitExceeded);
        assert!(d.message.contains("200"), "{}", d.message);
    }

    #[test]
    fn flow_nesting_beyond_parser_limit_is_reported() {
        let text = "[".repeat(10_000) + &"]".repeat(10_000);
        let d = load(&text).diagnostics.pop().expect("an error");
        assert_eq!(d.code, Code::LimitExceeded);
        assert!(d.message.contains("255"), "{}", d.message);
    }

    #[test]
    fn block_nesting_hits_depth_limit() {
        let mut text = String::new();
        for depth in 0..300 {
            text.push_str(&" ".repeat(depth));
            text.push_str("k:\n");
        }
        let d = load(&text).diagnostics.pop().expect("an error");
        assert_eq!(d.code, Code::LimitExceeded);
        assert!(d.message.contains("200"), "{}", d.message);
    }

    #[test]
    fn tab_indentation_is_a_syntax_error() {
        let parsed = load("a:\n  b: 1\nc:\n\td: 2\n");
        let d = parsed.diagnostics.last().expect("an error");
        assert_eq!(d.code, Code::Syntax);
        assert_eq!(d.span.map(|s| s.start.line), Some(4));
    }

    #[test]
    fn two_documents_are_rejected() {
        let parsed = load("a: 1\n---\nb: 2\n");
        assert!(parsed.root.is_none());
    }

    #[test]
    fn collection_keys_are_rejected() {
        let parsed = load("? [a, b]\n: 1\n");
        assert_eq!(
            parsed.diagnostics.last().map(|d| d.code),
            Some(Code::UnsupportedYaml)
        );
    }

    #[test]
    fn byte_order_mark_is_skipped() {
        let root = load_ok("\u{feff}asyncapi: 3.0.0\nx: 1\n");
        let mapping = root.as_mapping().expect("mapping");
        assert_eq!(mapping.keys().collect::<Vec<_>>(), ["asyncapi", "x"]);
        let key = mapping.entry("asyncapi").expect("asyncapi entry");
        // Column 2: the mark is the first character of line 1.
        assert_eq!(key.key_span.start.column, 2);
        let json = load_ok("\u{feff}{\"a\": 1}");
        assert_eq!(json.to_json(), serde_json::json!({"a": 1}));
    }

    #[test]
    fn alias_copies_count_toward_depth() {
        let limits = Limits {
            max_depth: 4,
            ..Limits::default()
        };
        let text = "a: &a [[1]]\nb: [*a]\nc: [[*a]]\n";
        let parsed = parse(text, FileId(0), &limits);
        let error = parsed.diagnostics.first().expect("depth error");
        assert_eq!(error.code, Code::LimitExceeded);
        assert_eq!(error.pointer, "/c/0/0");
        assert!(parsed.root.is_none());
    }

    #[test]
    fn depth_above_cap_is_capped() {
        let limits = Limits {
            max_depth: usize::MAX,
            ..Limits::default()
        };
        let text = format!("{}1{}", "[".repeat(200), "]".repeat(200));
        let deep = format!("{}x\n", "- ".repeat(MAX_DEPTH_CAP + 1));
        assert!(parse(&text, FileId(0), &limits).root.is_some());
        let parsed = parse(&deep, FileId(0), &limits);
        let error = parsed.diagnostics.first().expect("depth error");
        assert_eq!(error.code, Code::LimitExceeded);
        assert!(error.message.contains("1000"), "{}", error.message);
    }

    #[test]
    fn empty_file_is_null() {
        assert!(load_ok("").is_null());
    }

    #[test]
    fn non_string_keys_become_text() {
        let root = load_ok("200: ok\ntrue: 1\n");
        assert_eq!(root.to_json(), serde_json::json!({"200": "ok", "true": 1}));
    }

    #[test]
    fn tags_force_types() {
        let root = load_ok("a: !!str 12\nb: !!int '12'\n");
        assert_eq!(root.to_json(), serde_json::json!({"a": "12", "b": 12}));
    }

    #[test]
    fn unknown_yaml_tag_is_rejected() {
        for text in [
            "a: !!invalidTag 1\n",
            "a: !!thing [1]\n",
            "a: !!thing {b: 1}\n",
        ] {
            let parsed = load(text);
            let error = parsed.diagnostics.first().expect("a tag error");
            assert_eq!(error.code, Code::UnsupportedYaml, "{text}");
            assert_eq!(error.pointer, "/a", "{text}");
            assert!(parsed.root.is_none(), "{text}");
        }
        let local = load_ok("a: !custom 1\nb: !!map {c: !!seq [1]}\n");
        assert_eq!(
            local.to_json(),
            serde_json::json!({"a": 1, "b": {"c": [1]}})
        );
    }
}
