//! The one door to the YAML library.
//!
//! Declarations, the configuration and the approvals ledger are all read into
//! the same small tree of [`Node`]s whose spans are byte ranges into the
//! original file. Validation (unknown keys, wrong types, "did you mean") is done
//! over that tree by hand, so that every problem in a file is reported at once
//! with its exact place, instead of serde's first-error-wins.
//!
//! serde-saphyr gives the line, column and byte offset of every key and value,
//! rejects duplicate keys and bounds alias expansion and nesting. JSON is read
//! by the same parser (JSON is YAML 1.2 flow syntax), so OpenTimelineIO files
//! with `NaN`, `Infinity` or integers wider than 64 bits outside the
//! declaration still parse: those tokens are plain scalars to YAML.

pub mod quote;

use std::cell::Cell;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Options, Spanned};

use crate::source::Span;

mod fast;

/// Deepest nesting of mappings and sequences accepted in a declaration.
pub const MAX_DEPTH: usize = 32;

/// A YAML value with the byte range it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub value: Value,
    /// Byte range of the value; for mappings and sequences only the start is
    /// meaningful (the range may be empty).
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Key, Node)>),
}

/// A mapping key with its byte range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Key {
    pub name: String,
    pub span: Span,
}

impl Value {
    /// What kind of value this is, for messages ("expected a list, found a string").
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "nothing (null)",
            Value::Bool(_) => "a boolean",
            Value::Int(_) | Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

impl Node {
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The value as canonical JSON (mapping keys sorted), for digests.
    pub fn to_json(&self) -> serde_json::Value {
        match &self.value {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => (*b).into(),
            Value::Int(i) => (*i).into(),
            Value::Float(f) => serde_json::Number::from_f64(*f)
                .map(serde_json::Value::Number)
                .unwrap_or_else(|| serde_json::Value::String(f.to_string())),
            Value::Str(s) => s.clone().into(),
            Value::Seq(items) => items.iter().map(Node::to_json).collect(),
            Value::Map(entries) => entries
                .iter()
                .map(|(k, v)| (k.name.clone(), v.to_json()))
                .collect::<serde_json::Map<_, _>>()
                .into(),
        }
    }

    fn shift(&mut self, by: usize) {
        self.span = self.span.start + by..self.span.end + by;
        match &mut self.value {
            Value::Seq(items) => items.iter_mut().for_each(|n| n.shift(by)),
            Value::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
                k.span = k.span.start + by..k.span.end + by;
                v.shift(by);
            }),
            _ => {}
        }
    }
}

/// A syntax error, with the byte offset where the parser stopped when known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    pub span: Option<Span>,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// What the top level of a YAML or JSON document holds, as far as aiclear cares.
#[derive(Debug, Default)]
pub struct TopLevel {
    /// Whether the document is a mapping at all.
    pub is_map: bool,
    /// The `genai` key and its value.
    pub genai: Option<(Key, Node)>,
    /// `metadata.genai` (OpenTimelineIO's namespaced metadata).
    pub metadata_genai: Option<(Key, Node)>,
    /// Every top-level key, for "did you mean `genai`".
    pub keys: Vec<Key>,
    /// How many documents the text holds.
    pub documents: usize,
    /// A `genai` key in a later document, which is not read.
    pub later_genai: Option<Key>,
}

/// Most nodes one file may hold: a feature-length OpenTimelineIO cut has a
/// few million; a declaration a few dozen.
pub const MAX_NODES: usize = 5_000_000;

fn options() -> Options {
    let mut opts = Options::default();
    opts.strict_booleans = true;
    opts.reject_unsupported_tags = true;
    let mut budget = serde_saphyr::budget::Budget::default();
    budget.max_nodes = MAX_NODES;
    budget.max_events = 4 * MAX_NODES;
    opts.budget = Some(budget);
    opts
}

/// A budget breach in words, naming the limit.
fn budget_message(raw: &str) -> Option<String> {
    let what = raw.split("budget breached:").nth(1)?.trim();
    let kind = what.split([' ', '{', '(']).next().unwrap_or_default();
    Some(match kind {
        "Nodes" | "Events" => {
            format!("more than {MAX_NODES} values in one file: over aiclear's limit")
        }
        "Depth" => "nesting deeper than the limit of 64 levels".to_owned(),
        "Aliases" | "Anchors" | "AliasAnchorRatio" => {
            "too many YAML aliases or anchors: over aiclear's limit (an alias bomb?)".to_owned()
        }
        "Documents" => {
            "more than 1,024 YAML documents in one file: over aiclear's limit".to_owned()
        }
        "TotalScalarBytes" | "ScalarBytes" => {
            "more than 64 MiB of text in values: over aiclear's limit".to_owned()
        }
        _ => format!("over aiclear's parsing limits ({kind})"),
    })
}

/// Parse a whole YAML text into a tree. `base` is the byte offset of `text` in
/// its file, added to every span.
pub fn parse(text: &str, base: usize) -> Result<Node, SyntaxError> {
    match fast::parse(text, base) {
        Some(node) => Ok(node),
        None => parse_with_saphyr(text, base),
    }
}

fn parse_with_saphyr(text: &str, base: usize) -> Result<Node, SyntaxError> {
    DEPTH.with(|d| d.set(0));
    NODES.with(|n| n.set(0));
    let node: Spanned<NodeDe> = serde_saphyr::from_str_with_options(text, options())
        .map_err(|e| syntax_error(&e, text, base))?;
    let mut node = into_node(node);
    node.shift(base);
    Ok(node)
}

/// Parse the first document of a YAML text (or a JSON text) and pick out the
/// keys a declaration can live under, without building a tree for the rest.
pub fn parse_top_level(text: &str, base: usize) -> Result<TopLevel, SyntaxError> {
    match fast::parse_top_level(text, base) {
        Some(top) => Ok(top),
        None => top_level_with_saphyr(text, base),
    }
}

fn top_level_with_saphyr(text: &str, base: usize) -> Result<TopLevel, SyntaxError> {
    DEPTH.with(|d| d.set(0));
    NODES.with(|n| n.set(0));
    let docs: Vec<TopLevelDe> = serde_saphyr::from_str_multiple_with_options(text, options())
        .map_err(|e| syntax_error(&e, text, base))?;
    let documents = docs.len();
    let mut docs = docs.into_iter();
    let mut top = docs.next().map(|t| t.0).unwrap_or_default();
    top.documents = documents;
    top.later_genai = docs
        .flat_map(|d| {
            d.0.genai
                .map(|(k, _)| k)
                .into_iter()
                .chain(d.0.metadata_genai.map(|(k, _)| k))
        })
        .next()
        .map(|k| Key {
            name: k.name,
            span: k.span.start + base..k.span.end + base,
        });
    for (k, v) in top.genai.iter_mut().chain(top.metadata_genai.iter_mut()) {
        k.span = k.span.start + base..k.span.end + base;
        v.shift(base);
    }
    for k in &mut top.keys {
        k.span = k.span.start + base..k.span.end + base;
    }
    Ok(top)
}

fn syntax_error(e: &serde_saphyr::Error, text: &str, base: usize) -> SyntaxError {
    let raw = e.without_snippet().to_string();
    let message = match raw.rfind(" at line ") {
        Some(i) => raw[..i].to_owned(),
        None => raw,
    };
    let message = match message.find(", set DuplicateKeyPolicy") {
        Some(i) => message[..i].to_owned(),
        None => message,
    };
    let message = budget_message(&message).unwrap_or(message);
    let span = e.location().and_then(|loc| {
        let offset = match loc.span().byte_offset() {
            Some(b) if (b as usize) <= text.len() => b as usize,
            _ => offset_of_line_col(text, loc.line() as usize, loc.column() as usize)?,
        };
        Some(base + offset..base + offset)
    });
    SyntaxError { message, span }
}

/// Byte offset of a 1-based line and character column in `text`.
fn offset_of_line_col(text: &str, line: usize, column: usize) -> Option<usize> {
    if line == 0 {
        return None;
    }
    let mut start = 0;
    for _ in 1..line {
        start += text[start..].find('\n')? + 1;
    }
    let rest = &text[start..];
    let col = rest
        .char_indices()
        .nth(column.saturating_sub(1))
        .map(|(i, _)| i)
        .unwrap_or(rest.len());
    Some(start + col)
}

thread_local! {
    static DEPTH: Cell<usize> = const { Cell::new(0) };
    /// Values read into trees so far (declarations, configuration, ledger).
    static NODES: Cell<usize> = const { Cell::new(0) };
}

/// Most values read into a tree: a declaration, config or ledger larger than
/// this is refused before it costs much (a 10,000-entry ledger has ~170,000).
pub const MAX_TREE_NODES: usize = 250_000;

fn count_node<E: de::Error>() -> Result<(), E> {
    let n = NODES.with(|c| {
        let n = c.get() + 1;
        c.set(n);
        n
    });
    if n > MAX_TREE_NODES {
        return Err(E::custom(format_args!(
            "more than {MAX_TREE_NODES} values: over aiclear's limit"
        )));
    }
    Ok(())
}

fn span_of<T>(s: &Spanned<T>) -> Span {
    let span = s.referenced.span();
    match (span.byte_offset(), span.byte_len()) {
        (Some(o), Some(l)) => o as usize..(o + l) as usize,
        (Some(o), None) => o as usize..o as usize,
        _ => 0..0,
    }
}

fn into_node(s: Spanned<NodeDe>) -> Node {
    let span = span_of(&s);
    Node {
        value: s.value.0,
        span,
    }
}

fn into_key(s: Spanned<String>) -> Key {
    let span = span_of(&s);
    Key {
        name: s.value,
        span,
    }
}

/// Deserialization target for [`Node`]; keeps serde's plumbing out of the model.
struct NodeDe(Value);

impl<'de> Deserialize<'de> for NodeDe {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NodeVisitor).map(NodeDe)
    }
}

struct DepthGuard;

impl DepthGuard {
    fn enter<E: de::Error>() -> Result<Self, E> {
        let depth = DEPTH.with(|d| {
            let v = d.get() + 1;
            d.set(v);
            v
        });
        if depth > MAX_DEPTH {
            DEPTH.with(|d| d.set(d.get() - 1));
            return Err(E::custom(format_args!(
                "nesting deeper than {MAX_DEPTH} levels"
            )));
        }
        Ok(DepthGuard)
    }
}

impl Drop for DepthGuard {
    fn drop(&mut self) {
        DEPTH.with(|d| d.set(d.get().saturating_sub(1)));
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(i64::try_from(v).map_or(Value::Float(v as f64), Value::Int))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(i64::try_from(v).map_or(Value::Float(v as f64), Value::Int))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        Ok(i64::try_from(v).map_or(Value::Float(v as f64), Value::Int))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::Str(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Value, A::Error> {
        let _guard = DepthGuard::enter()?;
        let mut items = Vec::new();
        while let Some(item) = a.next_element::<Spanned<NodeDe>>()? {
            count_node()?;
            items.push(into_node(item));
        }
        Ok(Value::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Value, A::Error> {
        let _guard = DepthGuard::enter()?;
        let mut entries = Vec::new();
        while let Some(key) = a.next_key::<Spanned<KeyDe>>()? {
            let value = a.next_value::<Spanned<NodeDe>>()?;
            count_node()?;
            let key = Spanned::new(key.value.0, key.referenced, key.defined);
            entries.push((into_key(key), into_node(value)));
        }
        Ok(Value::Map(entries))
    }
}

/// A mapping key: any scalar, read as its text.
struct KeyDe(String);

impl<'de> Deserialize<'de> for KeyDe {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = String;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a scalar key")
            }
            fn visit_str<E>(self, v: &str) -> Result<String, E> {
                Ok(v.to_owned())
            }
            fn visit_bool<E>(self, v: bool) -> Result<String, E> {
                Ok(v.to_string())
            }
            fn visit_i64<E>(self, v: i64) -> Result<String, E> {
                Ok(v.to_string())
            }
            fn visit_u64<E>(self, v: u64) -> Result<String, E> {
                Ok(v.to_string())
            }
            fn visit_f64<E>(self, v: f64) -> Result<String, E> {
                Ok(v.to_string())
            }
            fn visit_unit<E>(self) -> Result<String, E> {
                Ok("null".to_owned())
            }
        }
        d.deserialize_str(V).map(KeyDe)
    }
}

struct TopLevelDe(TopLevel);

impl<'de> Deserialize<'de> for TopLevelDe {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = TopLevel;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a document")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<TopLevel, A::Error> {
                let mut top = TopLevel {
                    is_map: true,
                    ..TopLevel::default()
                };
                while let Some(key) = a.next_key::<Spanned<KeyDe>>()? {
                    let key = into_key(Spanned::new(key.value.0, key.referenced, key.defined));
                    match key.name.as_str() {
                        "genai" => {
                            let value = into_node(a.next_value::<Spanned<NodeDe>>()?);
                            top.genai = Some((key.clone(), value));
                        }
                        "metadata" => {
                            top.metadata_genai = a.next_value::<MetadataDe>()?.0;
                        }
                        _ => {
                            a.next_value::<IgnoredAny>()?;
                        }
                    }
                    top.keys.push(key);
                }
                Ok(top)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<TopLevel, A::Error> {
                while a.next_element::<IgnoredAny>()?.is_some() {}
                Ok(TopLevel::default())
            }
            fn visit_unit<E>(self) -> Result<TopLevel, E> {
                Ok(TopLevel::default())
            }
            fn visit_none<E>(self) -> Result<TopLevel, E> {
                Ok(TopLevel::default())
            }
            fn visit_bool<E>(self, _: bool) -> Result<TopLevel, E> {
                Ok(TopLevel::default())
            }
            fn visit_i64<E>(self, _: i64) -> Result<TopLevel, E> {
                Ok(TopLevel::default())
            }
            fn visit_u64<E>(self, _: u64) -> Result<TopLevel, E> {
                Ok(TopLevel::default())
            }
            fn visit_f64<E>(self, _: f64) -> Result<TopLevel, E> {
                Ok(TopLevel::default())
            }
            fn visit_str<E>(self, _: &str) -> Result<TopLevel, E> {
                Ok(TopLevel::default())
            }
        }
        d.deserialize_any(V).map(TopLevelDe)
    }
}

/// The `metadata` object of an OpenTimelineIO document: only `genai` is kept.
struct MetadataDe(Option<(Key, Node)>);

impl<'de> Deserialize<'de> for MetadataDe {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Option<(Key, Node)>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("metadata")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                let mut found = None;
                while let Some(key) = a.next_key::<Spanned<KeyDe>>()? {
                    if key.value.0 == "genai" {
                        let key = into_key(Spanned::new(key.value.0, key.referenced, key.defined));
                        found = Some((key, into_node(a.next_value::<Spanned<NodeDe>>()?)));
                    } else {
                        a.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(found)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                while a.next_element::<IgnoredAny>()?.is_some() {}
                Ok(None)
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_none<E>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
                Ok(None)
            }
        }
        d.deserialize_any(V).map(MetadataDe)
    }
}

/// Read one of aiclear's own YAML files (the configuration, the ledger) into
/// a tree; problems are findings naming `what` (e.g. "the configuration").
pub fn parse_file(bytes: &[u8], what: &str) -> Result<Node, Box<crate::rules::Finding>> {
    use crate::rules::{Finding, malformed_declaration::MALFORMED_DECLARATION};
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        Finding::new(
            &MALFORMED_DECLARATION,
            Some(at..at + 1),
            format!("{what} is not valid UTF-8"),
        )
    })?;
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    parse(&text[start..], start).map_err(|e| {
        Box::new(syntax_finding(
            &e,
            bytes,
            &text[start..],
            start,
            false,
            what,
        ))
    })
}

/// A syntax error told in the writer's terms: what is wrong in words, the
/// place the parser noticed it (the primary span), the place the mistake
/// probably is (a bracket or quote that was never closed, the first of two
/// equal keys) and how to fix it. `file` is the whole file, `text` the part
/// that was parsed, starting at byte `base` of the file; `what` names it
/// ("the declaration", "the configuration"); `json` says the file is JSON.
pub fn syntax_finding(
    e: &SyntaxError,
    file: &[u8],
    text: &str,
    base: usize,
    json: bool,
    what: &str,
) -> crate::rules::Finding {
    use crate::rules::{Finding, malformed_declaration::MALFORMED_DECLARATION};
    let raw = e.message.as_str();
    let lang = if json { "JSON" } else { "YAML" };
    let line_of = |abs: usize| line_of(file, abs);
    let at = e
        .span
        .as_ref()
        .map(|s| s.start.saturating_sub(base).min(text.len()));
    let abs = |rel: usize| base + rel;
    let one = |rel: usize| {
        let len = text[rel..].chars().next().map_or(0, char::len_utf8);
        abs(rel)..abs(rel) + len
    };
    let finding = |span: Option<Span>, problem: String| {
        Finding::new(
            &MALFORMED_DECLARATION,
            span,
            format!("{what} cannot be read: {problem}"),
        )
        .note(format!("the {lang} parser says: {raw}"))
    };
    let lower = raw.to_ascii_lowercase();
    // Limits are already said in words.
    if budget_message(raw).is_some()
        || lower.contains("limit")
        || lower.contains("nesting deeper")
        || lower.contains("more than")
    {
        return Finding::new(
            &MALFORMED_DECLARATION,
            e.span.clone(),
            format!("{what} cannot be read: {raw}"),
        )
        .label("over the limit here")
        .help("keep declarations small: split the material into files of their own");
    }
    let Some(at) = at else {
        return finding(None, raw.to_owned()).help("check it for a missing `:`, quote or bracket");
    };
    let closer = |c: char| if c == '{' { '}' } else { ']' };
    let kind = |c: char| if c == '{' { "mapping" } else { "list" };

    // A bracket that is never closed, or closed by the wrong one.
    if lower.starts_with("unclosed bracket") {
        let scan = scan(text, text.len());
        let open = scan
            .open
            .iter()
            .rev()
            .find(|o| o.at == at)
            .or(scan.open.last())
            .copied()
            .unwrap_or(Opener {
                at,
                ch: if lower.contains('[') { '[' } else { '{' },
            });
        let end = text.trim_end().len().max(1) - 1;
        let line = line_of(abs(open.at));
        return finding(
            Some(one(end)),
            format!("the `{}` on line {line} is never closed", open.ch),
        )
        .label(format!("reached the end with the `{}` still open", open.ch))
        .secondary(one(open.at), format!("this `{}` is never closed", open.ch))
        .help(close_help(text, &scan.open, open, line, json));
    }
    if lower.starts_with("mismatched bracket") {
        let scan = scan(text, text.len());
        if let Some((opener, wrong)) = scan.mismatch {
            let line = line_of(abs(opener.at));
            return finding(
                Some(one(wrong)),
                format!(
                    "the `{}` on line {line} is closed by `{}`",
                    opener.ch,
                    text[wrong..].chars().next().unwrap_or('}')
                ),
            )
            .label(format!("`{}` expected here", closer(opener.ch)))
            .secondary(
                one(opener.at),
                format!("this `{}` opens a {}", opener.ch, kind(opener.ch)),
            )
            .help("close a list `[ … ]` with `]` and a mapping `{ … }` with `}`");
        }
    }
    let in_flow = scan(text, at);
    if let Some(&open) = in_flow.open.last()
        && (lower.contains("did not find expected ','")
            || lower.contains("illegal placement of ':'")
            || lower.contains("expected ',' or"))
    {
        let line = line_of(abs(open.at));
        // Closed further on: a comma is missing; never closed: the closer is.
        let closed_later = scan(text, text.len())
            .closed
            .iter()
            .any(|&(o, _)| o == open.at);
        if closed_later {
            return finding(
                Some(one(at)),
                format!(
                    "a `,` is missing between two entries of the {} on line {line}",
                    kind(open.ch)
                ),
            )
            .label("a `,` was expected before this")
            .secondary(one(open.at), format!("the {} starts here", kind(open.ch)))
            .help(format!(
                "separate the entries inside `{} … {}` with commas",
                open.ch,
                closer(open.ch)
            ));
        }
        return finding(
            Some(one(at)),
            format!("the `{}` on line {line} is never closed", open.ch),
        )
        .label(format!("`{}` expected before this", closer(open.ch)))
        .secondary(one(open.at), format!("this `{}` is never closed", open.ch))
        .help(close_help(text, &in_flow.open, open, line, json));
    }
    if lower.starts_with("unclosed quote") || lower.contains("while scanning a quoted scalar") {
        let q = in_flow.quote.filter(|&q| q <= at).unwrap_or(at);
        let ch = text[q..]
            .chars()
            .next()
            .filter(|c| *c == '"' || *c == '\'')
            .unwrap_or('"');
        let line = line_of(abs(q));
        let end = text.trim_end().len().max(1) - 1;
        return finding(
            Some(one(end.max(q))),
            format!("the quote `{ch}` on line {line} is never closed"),
        )
        .label(format!("reached the end with the `{ch}` still open"))
        .secondary(one(q), format!("this `{ch}` is never closed"))
        .help(if ch == '"' {
            "end the text with a closing `\"` on the same line; a `\"` inside it is written `\\\"`"
        } else {
            "end the text with a closing `'` on the same line; a `'` inside it is written `''`"
        });
    }
    if lower.contains("tab") {
        let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let tab = text[line_start..].find('\t').map_or(at, |i| line_start + i);
        return finding(
            Some(one(tab)),
            "a tab character where spaces are needed".into(),
        )
        .label("a tab")
        .help("indent with spaces only: replace the tab with spaces");
    }
    if let Some(key) = raw.strip_prefix("duplicate mapping key: ") {
        let key = key.trim().trim_matches('"');
        let shown = crate::declaration::validate::clip(key).into_owned();
        let mut f = finding(
            Some(one(at)),
            format!("`{shown}` is given twice in the same place"),
        )
        .label(format!("second `{shown}`"));
        if let Some(first) = first_key(text, at, key, in_flow.open.last().map(|o| o.at)) {
            f = f.secondary(
                abs(first)..abs(first) + key.len(),
                format!("first `{shown}`"),
            );
        }
        let another = match (crate::declaration::validate::USE_KEYS.contains(&key), json) {
            (true, false) => "; another use is a new item of `uses` (`- id: …`)",
            (true, true) => {
                "; another use is an object of its own in the `\"uses\"` list (`{ \"id\": … }`)"
            }
            _ => "",
        };
        return f.help(format!("keep one `{shown}:`{another}"));
    }
    if lower.contains("mapping values are not allowed") {
        return finding(Some(one(at)), "a `: ` inside a value, where no new key can start".into())
            .label("a second `: ` on this line")
            .help("put a value that contains `: ` in quotes (`description: \"Act 1: the relay\"`), and check that this line is indented like the keys around it");
    }
    if lower.contains("simple key expected") || lower.contains("could not find expected ':'") {
        return finding(
            Some(one(at)),
            "a line without the `:` of a `key: value`".into(),
        )
        .label("no `: ` after this key")
        .help("write each entry as `key: value`, with a colon and a space (`stage: final`)");
    }
    if lower.contains("block sequence entries are not allowed") {
        return finding(Some(one(at)), "a list item `- ` on the line of its key".into())
            .label("a list cannot start here")
            .help("start the list on the next line, indented under its key, or write it in brackets: `uses: [ … ]`");
    }
    if lower.contains("did not find expected key")
        || lower.contains("did not find expected '-'")
        || lower.contains("block collection")
        || lower.contains("block mapping")
    {
        return finding(Some(one(at)), "this line is not indented like the lines around it".into())
            .label("indentation does not match")
            .help("indent the keys of one mapping by the same number of spaces; the keys of a use line up under the first key after its `- `");
    }
    if lower.contains("trailing content after") {
        return finding(Some(one(at)), "something follows a quoted value".into())
            .label(if json {
                "a `,` was expected before this"
            } else {
                "after the closing quote"
            })
            .help(if json {
                "separate the entries with commas: `\"id\": \"a\", \"stage\": \"temp\"`"
            } else {
                "put the whole value inside the quotes, or remove what follows the closing quote"
            });
    }
    if let Some(ch) = raw
        .strip_prefix("unexpected character: `")
        .and_then(|r| r.chars().next())
    {
        return finding(Some(one(at)), format!("a value cannot start with `{ch}`"))
            .label(format!("`{ch}` here"))
            .help("put the value in quotes: `\"…\"`");
    }
    let example = if what == "the declaration" {
        "; `aiclear explain GA002` shows a declaration that reads"
    } else {
        ""
    };
    finding(Some(one(at)), raw.to_owned())
        .label("the parser stopped here")
        .help(format!(
            "check this line and the one before for a missing `:`, quote or bracket{example}"
        ))
}

/// How to close `open`, whose line is `line`: at the end of that line when
/// the next line starts a new entry (a one-line `{ … }` missing its end),
/// else where the collection ends.
fn close_help(text: &str, stack: &[Opener], open: Opener, line: usize, json: bool) -> String {
    let line_end = text[open.at..]
        .find('\n')
        .map_or(text.len(), |i| open.at + i);
    let next = text[line_end..]
        .lines()
        .map(str::trim_end)
        .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
    let starts_entry = next.is_none_or(|l| {
        let l = l.trim_start().trim_start_matches("- ");
        l.split_once(':').is_some_and(|(k, rest)| {
            !k.is_empty()
                && k.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                && (rest.is_empty() || rest.starts_with(' '))
        })
    });
    // What the line opened and left open, innermost first.
    let line_start = text[..open.at].rfind('\n').map_or(0, |i| i + 1);
    let closers: String = stack
        .iter()
        .rev()
        .take_while(|o| o.at >= line_start)
        .map(|o| if o.ch == '{' { '}' } else { ']' })
        .collect();
    let closer = if open.ch == '{' { '}' } else { ']' };
    if !json && starts_entry && !closers.is_empty() {
        format!(
            "end line {line} with `{closers}`: a `{}` opened on a line closes on it, unless the entries go on over the next lines",
            open.ch
        )
    } else {
        format!(
            "add the `{closer}` that closes the `{}` on line {line}, where its entries end",
            open.ch
        )
    }
}

/// A bracket that opens a flow collection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Opener {
    at: usize,
    ch: char,
}

/// What a scan of YAML text found.
#[derive(Debug, Default)]
struct Scan {
    /// Brackets still open, outermost first.
    open: Vec<Opener>,
    /// Openers closed, with where.
    closed: Vec<(usize, usize)>,
    /// The first bracket closed by the wrong closer, and where.
    mismatch: Option<(Opener, usize)>,
    /// A quote still open at the end of the scan.
    quote: Option<usize>,
}

/// Scan `text` up to byte `upto` for flow brackets and quotes, the way YAML
/// reads them: a bracket or a quote counts where a value can start (at the
/// start of a line, after `: `, `- `, a bracket or a comma), so the `[` or
/// `'` inside plain text (`the writer's draft [v2]`) does not; `#` after a
/// space starts a comment.
fn scan(text: &str, upto: usize) -> Scan {
    let mut out = Scan::default();
    let bytes = text.as_bytes();
    let upto = upto.min(bytes.len());
    let mut prev: Option<u8> = None;
    let mut spaced = false;
    let mut i = 0;
    while i < upto {
        let b = bytes[i];
        match b {
            b'\n' | b'\r' => {
                if out.open.is_empty() {
                    prev = None;
                } else {
                    spaced = true;
                }
                i += 1;
                continue;
            }
            b' ' | b'\t' => {
                spaced = true;
                i += 1;
                continue;
            }
            _ => {}
        }
        let in_flow = !out.open.is_empty();
        let value_start = match prev {
            None => true,
            Some(b'[' | b'{' | b',') => true,
            Some(b':') => spaced || in_flow,
            Some(b'-' | b'?') => spaced,
            _ => false,
        };
        if b == b'#' && (prev.is_none() || spaced) {
            while i < upto && bytes[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        if value_start && (b == b'"' || b == b'\'') {
            let start = i;
            i += 1;
            let mut closed = false;
            while i < bytes.len() {
                if b == b'"' && bytes[i] == b'\\' {
                    i += 2;
                    continue;
                }
                if bytes[i] == b {
                    if b == b'\'' && bytes.get(i + 1) == Some(&b'\'') {
                        i += 2;
                        continue;
                    }
                    closed = true;
                    break;
                }
                i += 1;
            }
            if !closed || i >= upto {
                out.quote = Some(start);
                if !closed {
                    return out;
                }
            }
            i += 1;
            prev = Some(b'"');
            spaced = false;
            continue;
        }
        match b {
            b'[' | b'{' if value_start => out.open.push(Opener {
                at: i,
                ch: b as char,
            }),
            b']' | b'}' if in_flow => {
                let o = out.open.pop().expect("in a flow collection");
                let expected = if o.ch == '{' { b'}' } else { b']' };
                if b != expected && out.mismatch.is_none() {
                    out.mismatch = Some((o, i));
                }
                out.closed.push((o.at, i));
            }
            _ => {}
        }
        prev = Some(b);
        spaced = false;
        i += 1;
    }
    out
}

/// Where the first `key` of the mapping that holds a second one at `second`
/// is: in a flow mapping (opened at `flow`), the nearest earlier `key:`
/// after its bracket; in a block mapping, the earlier line whose key sits
/// in the same column.
fn first_key(text: &str, second: usize, key: &str, flow: Option<usize>) -> Option<usize> {
    if let Some(open) = flow {
        let region = &text[open..second];
        let mut best = None;
        for quoted in [format!("\"{key}\""), format!("'{key}'"), key.to_owned()] {
            for (i, _) in region.match_indices(&quoted) {
                let after = region[i + quoted.len()..].trim_start();
                if after.starts_with(':') {
                    let at = open + i + usize::from(quoted.len() != key.len());
                    best = best.max(Some(at));
                }
            }
        }
        return best;
    }
    let line_start = text[..second].rfind('\n').map_or(0, |i| i + 1);
    let column = second - line_start;
    let mut end = line_start;
    while end > 0 {
        let start = text[..end - 1].rfind('\n').map_or(0, |i| i + 1);
        let line = &text[start..end - 1];
        end = start;
        let content = line.trim_start();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let mut col = line.len() - content.len();
        let mut rest = content;
        let mut item = false;
        while let Some(r) = rest.strip_prefix("- ") {
            let r2 = r.trim_start();
            col += rest.len() - r2.len();
            rest = r2;
            item = true;
        }
        if col == column {
            let name = rest
                .split_once(':')
                .map(|(k, _)| k.trim().trim_matches(['"', '\'']));
            if name == Some(key) {
                return Some(start + col + usize::from(rest.starts_with(['"', '\''])));
            }
            if item {
                return None;
            }
        } else if col < column {
            return None;
        }
    }
    None
}

/// The 1-based line of a byte offset; LF, CRLF and lone CR end a line.
pub fn line_of(bytes: &[u8], offset: usize) -> usize {
    let before = &bytes[..offset.min(bytes.len())];
    1 + before
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get<'a>(n: &'a Node, key: &str) -> &'a Node {
        match &n.value {
            Value::Map(m) => &m.iter().find(|(k, _)| k.name == key).unwrap().1,
            _ => panic!("not a map"),
        }
    }

    #[test]
    fn spans_are_bytes_into_the_file() {
        let text = "x\ngenai:\n  stage: final\n";
        let node = parse(&text[2..], 2).unwrap();
        let stage = get(get(&node, "genai"), "stage");
        assert_eq!(&text[stage.span.clone()], "final");
    }

    #[test]
    fn json_with_non_finite_numbers_and_big_integers() {
        let text = r#"{"metadata": {"genai": {"uses": []}}, "x": NaN, "y": -Infinity, "z": 123456789012345678901234567890}"#;
        let top = parse_top_level(text, 0).unwrap();
        let (key, value) = top.metadata_genai.unwrap();
        assert_eq!(&text[key.span], "\"genai\"");
        assert!(matches!(get(&value, "uses").value, Value::Seq(_)));
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let err = parse("a: 1\na: 2\n", 0).unwrap_err();
        assert!(err.message.contains("duplicate"), "{}", err.message);
        assert_eq!(err.span, Some(5..5));
    }

    #[test]
    fn yes_is_a_string() {
        let node = parse("a: yes\n", 0).unwrap();
        assert_eq!(get(&node, "a").as_str(), Some("yes"));
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let text = format!("a: {}{}", "[".repeat(200), "]".repeat(200));
        assert!(parse(&text, 0).is_err());
    }

    #[test]
    fn brackets_and_quotes_are_found_where_yaml_reads_them() {
        let text = "a: the writer's draft [v2]\nb: [x, {y: 'it''s'}\nc: \"q";
        let s = scan(text, text.len());
        // Only the `[` that starts a value, and not the `'` of "writer's".
        assert_eq!(s.open, [Opener { at: 30, ch: '[' }]);
        assert_eq!(s.closed, [(34, 45)]);
        assert_eq!(s.quote, Some(50));
        let s = scan("a: [1}", 6);
        assert_eq!(s.mismatch, Some((Opener { at: 3, ch: '[' }, 5)));
        // Comments are skipped.
        assert!(scan("a: 1 # [\n", 9).open.is_empty());
    }

    #[test]
    fn a_syntax_error_is_told_in_words() {
        let file = "genai:\n  disclosed: { to: \"M\", on: 2025-09-02\n  uses: []\n";
        let e = parse_top_level(file, 0).unwrap_err();
        let f = syntax_finding(&e, file.as_bytes(), file, 0, false, "the declaration");
        assert_eq!(
            f.message,
            "the declaration cannot be read: the `{` on line 2 is never closed"
        );
        assert_eq!(f.secondary.len(), 1);
        assert_eq!(&file[f.secondary[0].0.clone()], "{");
        assert_eq!(&file[f.span.clone().unwrap()], ":");
        assert!(f.help.unwrap().starts_with("end line 2 with `}`"));
        assert!(f.notes[0].starts_with("the YAML parser says: "));

        // A missing comma in JSON, where the object is closed further on.
        let file = "{\"genai\": {\"uses\": [{\"id\": \"a\"\n \"stage\": \"temp\"}]}}";
        let e = parse_top_level(file, 0).unwrap_err();
        let f = syntax_finding(&e, file.as_bytes(), file, 0, true, "the declaration");
        assert!(f.help.is_some(), "{f:?}");
        assert!(f.notes[0].starts_with("the JSON parser says: "), "{f:?}");

        // The first of two equal keys in a block mapping.
        let file = "genai:\n  uses:\n    - id: a\n      stage: temp\n      id: b\n";
        let e = parse_top_level(file, 0).unwrap_err();
        let f = syntax_finding(&e, file.as_bytes(), file, 0, false, "the declaration");
        assert_eq!(f.secondary[0].0, 21..23);
    }

    #[test]
    fn first_document_only() {
        let top = parse_top_level("genai: none\n---\nother: 1\n", 0).unwrap();
        assert!(top.genai.is_some());
    }
}
