//! Text USD layers (`.usda`): the declaration is a `genai` entry of the
//! root layer's `customLayerData`, in the layer's metadata block after
//! `#usda 1.0`:
//!
//! ```text
//! #usda 1.0
//! (
//!     customLayerData = {
//!         string genai = "none"
//!     }
//! )
//! ```
//!
//! Only the layer's header is read: the magic line and the metadata block
//! `( … )`. The prims after it (megabytes of points, in a real asset) are
//! never looked at. The `genai` entry is read into the same tree a YAML
//! declaration is ([`crate::yaml::Node`], spans into the `.usda`), so every
//! rule reads it as it reads YAML; [`value`] says how USD's typed values
//! map, and [`keyed`] how USD's dictionaries stand for the lists of uses and
//! tools a declaration has. docs/usd.md describes the mapping for users.

pub mod lex;
pub mod value;

use lex::{LexError, Lexer, Tok, Token};
use value::Raw;

use super::{Malformed, Missing, Parsed, Problem};
use crate::kind::FileKind;
use crate::schema;
use crate::source::Span;
use crate::yaml::{Key, MAX_DEPTH, MAX_TREE_NODES, Node, SyntaxHelp, SyntaxProblem, Value};

/// Why a layer's header cannot be read, at `span`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bad {
    pub span: Span,
    pub problem: String,
    pub label: String,
    pub help: Option<String>,
    pub secondary: Vec<(Span, String)>,
    /// Inside the `genai` entry, rather than elsewhere in the metadata.
    pub in_declaration: bool,
    /// The text ended before what was being read did.
    pub at_end: bool,
}

impl Bad {
    pub fn new(span: Span, problem: impl Into<String>, label: impl Into<String>) -> Self {
        Bad {
            span,
            problem: problem.into(),
            label: label.into(),
            help: None,
            secondary: Vec::new(),
            in_declaration: false,
            at_end: false,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    fn into_problem(self) -> Problem {
        let what = if self.in_declaration {
            "the declaration"
        } else {
            "the layer's metadata"
        };
        Problem::Malformed(Malformed::Syntax(Box::new(SyntaxProblem {
            what,
            span: Some(self.span),
            problem: self.problem,
            label: Some(self.label),
            secondary: self.secondary,
            notes: Vec::new(),
            help: self.help,
            more_help: SyntaxHelp::Nothing,
        })))
    }
}

impl From<LexError> for Bad {
    fn from(e: LexError) -> Self {
        let mut b = Bad::new(e.span, e.message, e.label);
        b.at_end = e.at_end;
        b
    }
}

/// One entry of a dictionary: `TYPE KEY = VALUE`.
#[derive(Clone, Debug)]
pub struct Entry {
    /// Where the entry starts (its type).
    pub start: usize,
    pub key: Key,
    pub node: Node,
}

/// A dictionary: its braces and entries.
#[derive(Clone, Debug)]
pub struct Dict {
    pub open: usize,
    pub close: usize,
    pub entries: Vec<Entry>,
}

/// The layer's metadata block `( … )`.
#[derive(Clone, Debug)]
pub struct MetaBlock {
    pub open: usize,
    pub close: usize,
    /// Where each entry starts.
    pub entry_starts: Vec<usize>,
    /// `customLayerData`: its key and dictionary.
    pub custom: Option<(Span, Dict)>,
}

/// A text layer's header.
#[derive(Clone, Debug)]
pub struct Layer {
    /// Where the `#usda` line ends (before its line break).
    pub magic_end: usize,
    pub block: Option<MetaBlock>,
}

/// List-editing words that may come before a metadata key.
const LIST_OPS: &[&str] = &["add", "append", "delete", "prepend", "reorder"];

struct Parser<'a> {
    lx: Lexer<'a>,
    bytes: &'a [u8],
    nodes: usize,
    in_genai: bool,
}

/// Read a layer's header: the magic line and the metadata block.
pub fn read_layer(bytes: &[u8]) -> Result<Layer, Bad> {
    let start = if bytes.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let line_end = bytes[start..]
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
        .map_or(bytes.len(), |i| start + i);
    let first = &bytes[start..line_end];
    if !first.starts_with(b"#usda ") {
        if bytes[start..].starts_with(b"version https://git-lfs.github.com/spec/") {
            return Err(Bad::new(
                start..line_end,
                "only a Git LFS pointer was read, not the layer",
                "a Git LFS pointer",
            )
            .help("check the layer itself: fetch it with `git lfs pull` and check the work tree"));
        }
        let problem = if bytes[start..].starts_with(b"PXR-USDC") {
            "this is a binary (crate) USD file, not a text layer"
        } else {
            "this is not a text USD layer: it does not start with `#usda 1.0`"
        };
        // The first line when it is short text, else its first byte (a
        // crate file's `PXR-USDC`, or nothing).
        let end = if bytes[start..].starts_with(b"PXR-USDC") {
            start + 8
        } else if first.len() <= 120 && std::str::from_utf8(first).is_ok() {
            line_end
        } else {
            start + usize::from(first.first().is_some_and(u8::is_ascii))
        };
        return Err(Bad::new(start..end, problem, "expected `#usda 1.0` here").help(
            "a `.usda` file is a text layer; declare a binary USD file in a sidecar (rename it `.usdc` and run `aiclear annotate` on it)",
        ));
    }
    let mut p = Parser {
        lx: Lexer::new(bytes, line_end),
        bytes,
        nodes: 0,
        in_genai: false,
    };
    let t = p.skip_newlines()?;
    let block = if t.tok == Tok::Punct(b'(') {
        p.lx.next_token()?;
        Some(p.block(t.span.start)?)
    } else {
        None
    };
    Ok(Layer {
        magic_end: line_end,
        block,
    })
}

impl Parser<'_> {
    fn text(&self, span: &Span) -> String {
        String::from_utf8_lossy(&self.bytes[span.clone()]).into_owned()
    }

    fn bad(&self, span: Span, problem: impl Into<String>, label: impl Into<String>) -> Bad {
        let mut b = Bad::new(span, problem, label);
        b.in_declaration = self.in_genai;
        // Reached the end of the text, or found it while something was open.
        b.at_end = b.span.start >= self.bytes.len() || self.lx.pos >= self.bytes.len();
        b
    }

    fn lex_err(&self, e: LexError) -> Bad {
        let mut b = Bad::from(e);
        b.in_declaration = self.in_genai;
        b
    }

    fn next(&mut self) -> Result<Token, Bad> {
        self.lx.next_token().map_err(|e| self.lex_err(e))
    }

    fn peek(&self) -> Result<Token, Bad> {
        self.lx.peek().map_err(|e| self.lex_err(e))
    }

    /// Skip newlines; the next token, not taken.
    fn skip_newlines(&mut self) -> Result<Token, Bad> {
        loop {
            let t = self.peek()?;
            if t.tok != Tok::Newline {
                return Ok(t);
            }
            self.lx.next_token().map_err(|e| self.lex_err(e))?;
        }
    }

    /// The metadata block, after its `(` at `open`.
    fn block(&mut self, open: usize) -> Result<MetaBlock, Bad> {
        let mut block = MetaBlock {
            open,
            close: open,
            entry_starts: Vec::new(),
            custom: None,
        };
        loop {
            let t = self.next()?;
            match &t.tok {
                Tok::Newline | Tok::Punct(b';') => {}
                Tok::Punct(b')') => {
                    block.close = t.span.start;
                    return Ok(block);
                }
                Tok::Eof => {
                    return Err(self
                        .bad(
                            open..open + 1,
                            "the layer's metadata block opened here is never closed with `)`",
                            "opened here",
                        )
                        .help("end the metadata block with `)` on a line of its own"));
                }
                Tok::Str(_) => block.entry_starts.push(t.span.start),
                Tok::Ident => {
                    block.entry_starts.push(t.span.start);
                    let mut name = self.text(&t.span);
                    if LIST_OPS.contains(&name.as_str()) && self.peek()?.tok == Tok::Ident {
                        let k = self.next()?;
                        name = self.text(&k.span);
                    }
                    let eq = self.next()?;
                    if eq.tok != Tok::Punct(b'=') {
                        return Err(self.bad(
                            eq.span,
                            format!("expected `=` after `{}`", crate::yaml::clip(&name)),
                            "expected `=`",
                        ));
                    }
                    if name == "customLayerData" {
                        let brace = self.next()?;
                        if brace.tok != Tok::Punct(b'{') {
                            return Err(self.bad(
                                brace.span,
                                "`customLayerData` is a dictionary: `customLayerData = { … }`",
                                "expected `{`",
                            ));
                        }
                        let dict = self.dictionary(brace.span.start, 0)?;
                        if let Some((first, _)) = &block.custom {
                            let mut b = self.bad(
                                t.span.clone(),
                                "`customLayerData` is given twice in the layer's metadata",
                                "given again here",
                            );
                            b.secondary.push((first.clone(), "first given here".into()));
                            return Err(b.help("merge them into one `customLayerData`"));
                        }
                        block.custom = Some((t.span, dict));
                    } else {
                        self.skip_value()?;
                    }
                }
                _ => {
                    return Err(self.bad(
                        t.span,
                        "expected a metadata entry (`name = value`) or `)`",
                        "unexpected here",
                    ));
                }
            }
        }
    }

    /// Skip a metadata value up to the end of its statement: brackets are
    /// matched, strings and comments skipped by the lexer.
    fn skip_value(&mut self) -> Result<(), Bad> {
        let mut stack: Vec<(u8, usize)> = Vec::new();
        loop {
            let t = self.peek()?;
            match t.tok {
                Tok::Eof => {
                    return match stack.last() {
                        Some(&(close, at)) => Err(self.bad(
                            at..at + 1,
                            format!(
                                "a bracket opened here is never closed with `{}`",
                                close as char
                            ),
                            "opened here",
                        )),
                        None => Ok(()),
                    };
                }
                Tok::Newline | Tok::Punct(b';') if stack.is_empty() => return Ok(()),
                Tok::Punct(b')') if stack.is_empty() => return Ok(()),
                Tok::Punct(c @ (b'(' | b'[' | b'{')) => {
                    if stack.len() >= 4 * MAX_DEPTH {
                        return Err(self.bad(
                            t.span,
                            format!("nesting deeper than {} levels", 4 * MAX_DEPTH),
                            "too deep",
                        ));
                    }
                    let close = match c {
                        b'(' => b')',
                        b'[' => b']',
                        _ => b'}',
                    };
                    stack.push((close, t.span.start));
                }
                Tok::Punct(c @ (b')' | b']' | b'}')) => match stack.pop() {
                    Some((want, _)) if want == c => {}
                    Some((want, at)) => {
                        let mut b = self.bad(
                            t.span,
                            format!("expected `{}` before this `{}`", want as char, c as char),
                            "does not match",
                        );
                        b.secondary.push((at..at + 1, "opened here".into()));
                        return Err(b);
                    }
                    None => {
                        return Err(self.bad(
                            t.span,
                            format!("`{}` closes nothing", c as char),
                            "unexpected here",
                        ));
                    }
                },
                _ => {}
            }
            self.next()?;
        }
    }

    /// A typed dictionary, after its `{` at `open`, `depth` dictionaries deep.
    fn dictionary(&mut self, open: usize, depth: usize) -> Result<Dict, Bad> {
        if depth >= MAX_DEPTH {
            return Err(self.bad(
                open..open + 1,
                format!("dictionaries nested deeper than {MAX_DEPTH} levels"),
                "too deep",
            ));
        }
        let mut entries: Vec<Entry> = Vec::new();
        let mut seen: std::collections::HashMap<String, Span> = std::collections::HashMap::new();
        loop {
            let t = self.skip_newlines_and_semicolons()?;
            if t.tok == Tok::Punct(b'}') {
                self.next()?;
                return Ok(Dict {
                    open,
                    close: t.span.start,
                    entries,
                });
            }
            if t.tok == Tok::Eof {
                return Err(self
                    .bad(
                        open..open + 1,
                        "a dictionary opened here is never closed with `}`",
                        "opened here",
                    )
                    .help("close the dictionary with `}`"));
            }
            let was_in = self.in_genai;
            let entry = self.entry(depth)?;
            if let Some(first) = seen.insert(entry.key.name.clone(), entry.key.span.clone()) {
                let mut b = self.bad(
                    entry.key.span.clone(),
                    format!(
                        "`{}` is given twice in this dictionary",
                        crate::yaml::clip(&entry.key.name)
                    ),
                    "given again here",
                );
                b.secondary.push((first, "first given here".into()));
                return Err(b.help("keep one of them"));
            }
            entries.push(entry);
            let sep = self.peek()?;
            match sep.tok {
                Tok::Newline | Tok::Punct(b';') | Tok::Punct(b'}') => {}
                _ => {
                    return Err(self.bad(
                        sep.span,
                        "expected a new line or `;` between the entries of a dictionary",
                        "expected a new line or `;`",
                    ));
                }
            }
            self.in_genai = was_in;
        }
    }

    fn skip_newlines_and_semicolons(&mut self) -> Result<Token, Bad> {
        loop {
            let t = self.peek()?;
            if !matches!(t.tok, Tok::Newline | Tok::Punct(b';')) {
                return Ok(t);
            }
            self.next()?;
        }
    }

    /// One `TYPE KEY = VALUE` entry of a dictionary.
    fn entry(&mut self, depth: usize) -> Result<Entry, Bad> {
        let ty = self.next()?;
        if ty.tok != Tok::Ident {
            return Err(self
                .bad(ty.span, "expected an entry: a type, a key, `=` and a value", "expected a type")
                .help("write entries as USD does, e.g. `string stage = \"final\"` or `dictionary uses = { … }`"));
        }
        let ty_name = self.text(&ty.span);
        let mut shaped = false;
        if self.peek()?.tok == Tok::Punct(b'[') {
            self.next()?;
            let close = self.next()?;
            if close.tok != Tok::Punct(b']') {
                return Err(self.bad(
                    close.span,
                    "expected `]` after `[` in a type name",
                    "expected `]`",
                ));
            }
            shaped = true;
        }
        let k = self.next()?;
        let key = match &k.tok {
            Tok::Str(s) => Key {
                name: s.clone(),
                span: k.span.clone(),
            },
            Tok::Ident => Key {
                name: self.text(&k.span),
                span: k.span.clone(),
            },
            _ if !value::is_type(&ty_name) && matches!(k.tok, Tok::Punct(b'=')) => {
                return Err(self
                    .bad(ty.span, format!("`{}` has no type: write its type before it", crate::yaml::clip(&ty_name)), "no type")
                    .help("e.g. `string stage = \"final\"`, `bool enterprise = 1`, `dictionary uses = { … }`"));
            }
            _ => {
                return Err(self
                    .bad(k.span, "expected the entry's key (a name, or a quoted string such as `\"trains-on-inputs\"`)", "expected a key"));
            }
        };
        if depth == 0 && key.name == "genai" {
            self.in_genai = true;
        }
        let eq = self.next()?;
        if eq.tok != Tok::Punct(b'=') {
            return Err(self.bad(
                eq.span,
                format!("expected `=` after `{}`", crate::yaml::clip(&key.name)),
                "expected `=`",
            ));
        }
        self.count(&key.span)?;
        let node = if ty_name == "dictionary" && !shaped {
            let brace = self.next()?;
            if brace.tok != Tok::Punct(b'{') {
                return Err(self.bad(
                    brace.span,
                    "a `dictionary` value is written in braces: `{ … }`",
                    "expected `{`",
                ));
            }
            let dict = self.dictionary(brace.span.start, depth + 1)?;
            Node {
                value: Value::Map(dict.entries.into_iter().map(|e| (e.key, e.node)).collect()),
                span: dict.open..dict.open + 1,
            }
        } else {
            let raw = self.raw(0)?;
            value::typed(&ty_name, &ty.span, shaped, raw, self.bytes).map_err(|mut b| {
                b.in_declaration = self.in_genai;
                b
            })?
        };
        Ok(Entry {
            start: ty.span.start,
            key,
            node,
        })
    }

    fn count(&mut self, at: &Span) -> Result<(), Bad> {
        self.nodes += 1;
        if self.nodes > MAX_TREE_NODES {
            return Err(self.bad(
                at.clone(),
                format!("more than {MAX_TREE_NODES} values: over aiclear's limit"),
                "over the limit here",
            ));
        }
        Ok(())
    }

    /// A value as written: an atom, a list `[ … ]` or a tuple `( … )`.
    fn raw(&mut self, depth: usize) -> Result<Raw, Bad> {
        let t = self.next()?;
        if depth > MAX_DEPTH {
            return Err(self.bad(
                t.span,
                format!("nesting deeper than {MAX_DEPTH} levels"),
                "too deep",
            ));
        }
        let close = match t.tok {
            Tok::Number | Tok::Str(_) | Tok::Ident | Tok::Asset(_) | Tok::Path => {
                return Ok(Raw::Atom(t));
            }
            Tok::Punct(b'[') => b']',
            Tok::Punct(b'(') => b')',
            _ => return Err(self.bad(t.span, "expected a value", "expected a value")),
        };
        let mut items = Vec::new();
        loop {
            let n = self.skip_newlines()?;
            if n.tok == Tok::Punct(close) {
                self.next()?;
                let span = t.span.start..n.span.end;
                return Ok(if close == b']' {
                    Raw::List(items, span)
                } else {
                    Raw::Tuple(items, span)
                });
            }
            if n.tok == Tok::Eof {
                let open = t.span.clone();
                return Err(self.bad(
                    open,
                    format!(
                        "a list opened here is never closed with `{}`",
                        close as char
                    ),
                    "opened here",
                ));
            }
            self.count(&n.span)?;
            items.push(self.raw(depth + 1)?);
            let sep = self.skip_newlines()?;
            match sep.tok {
                Tok::Punct(b',') => {
                    self.next()?;
                }
                Tok::Punct(c) if c == close => {}
                _ => {
                    return Err(self.bad(
                        sep.span,
                        format!("expected `,` or `{}` in a list", close as char),
                        "expected `,`",
                    ));
                }
            }
        }
    }
}

/// The lists of a declaration that USD writes as a dictionary of
/// dictionaries, each item named by its key: the key of the list, the
/// field the name stands for, and what an item is called. `genai` holds
/// uses and retired uses (named by their id); a use holds tools (by name)
/// and talent (by performer).
const GENAI_LISTS: &[(&str, &str, &str)] = &[
    ("uses", "id", "a use"),
    ("retired", "id", "a `retired` entry"),
];
const USE_LISTS: &[(&str, &str, &str)] = &[
    ("tools", "name", "a tool"),
    ("talent", "performer", "a talent entry"),
];

/// A dictionary of dictionaries as the list it stands for: each entry
/// becomes an item with its key as the item's `field`, at the key's span.
fn keyed(node: &mut Node, field: &str, what: &str, problems: &mut Vec<Problem>) {
    let Value::Map(entries) = &mut node.value else {
        return;
    };
    let items = std::mem::take(entries)
        .into_iter()
        .map(|(k, mut item)| {
            if let Value::Map(inner) = &mut item.value {
                if let Some(at) = inner.iter().position(|(ik, _)| ik.name == field) {
                    let (ik, _) = inner.remove(at);
                    problems.push(Problem::Schema(schema::Problem {
                        span: ik.span,
                        kind: schema::Kind::Invalid {
                            message: format!(
                                "`{field}` is not written inside {what} in text USD: it is the key of the entry's dictionary"
                            ),
                            help: Some(format!(
                                "remove `{field}`, and name the dictionary by it: `dictionary \"{}\" = {{ … }}`",
                                crate::yaml::clip(&k.name)
                            )),
                        },
                    }));
                }
                let name = Node {
                    value: Value::Str(k.name.clone()),
                    span: k.span.clone(),
                };
                let key = Key {
                    name: field.to_owned(),
                    span: k.span.clone(),
                };
                inner.insert(0, (key, name));
                item.span = k.span.clone();
            }
            item
        })
        .collect();
    node.value = Value::Seq(items);
}

/// Make the keyed dictionaries among `entries` lists.
fn lists(entries: &mut [(Key, Node)], which: &[(&str, &str, &str)], problems: &mut Vec<Problem>) {
    for (k, v) in entries.iter_mut() {
        if let Some((_, field, what)) = which.iter().find(|(key, ..)| *key == k.name) {
            keyed(v, field, what, problems);
        }
    }
}

/// The `genai` tree of a USD layer reshaped into the tree a YAML
/// declaration has: its keyed dictionaries made lists.
pub fn reshape(genai: &mut Node, problems: &mut Vec<Problem>) {
    let Value::Map(entries) = &mut genai.value else {
        return;
    };
    lists(entries, GENAI_LISTS, problems);
    for (k, v) in entries.iter_mut() {
        if let (true, Value::Seq(uses)) = (k.name == "uses", &mut v.value) {
            for u in uses {
                if let Value::Map(fields) = &mut u.value {
                    lists(fields, USE_LISTS, problems);
                }
            }
        }
    }
}

/// The `genai` entry of a layer's `customLayerData`, or the reason there is none.
fn genai_entry(layer: &Layer) -> Result<&Entry, Problem> {
    let missing = || {
        Problem::Missing(Missing {
            kind: FileKind::Usda,
            elsewhere: None,
        })
    };
    let Some((_, dict)) = layer.block.as_ref().and_then(|b| b.custom.as_ref()) else {
        return Err(missing());
    };
    if let Some(e) = dict.entries.iter().find(|e| e.key.name == "genai") {
        return Ok(e);
    }
    // Tools keep their own keys here (`creator`, `generator`), so only a
    // key one letter or one separator away from `genai` is a typo of it.
    let near = |name: &str| {
        let lower: String = name
            .to_ascii_lowercase()
            .chars()
            .filter(|c| !matches!(c, '_' | '-' | ' '))
            .collect();
        lower == "genai" || strsim::levenshtein(&lower, "genai") == 1
    };
    match dict.entries.iter().find(|e| near(&e.key.name)) {
        Some(e) => Err(Problem::NotGenai { key: e.key.clone() }),
        None => Err(missing()),
    }
}

/// A problem told in USD's terms where YAML's would mislead: in USD a
/// boolean is a `bool` entry, and `string enterprise = "true"` is text.
fn in_usd_terms(p: &mut Problem) {
    if let Problem::Schema(schema::Problem {
        kind: kind @ schema::Kind::NotBool { .. },
        ..
    }) = p
        && let schema::Kind::NotBool { key, found } = &*kind
    {
        let usd_key = if key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            key.clone()
        } else {
            format!("\"{key}\"")
        };
        *kind = schema::Kind::Invalid {
            message: format!("`{key}` must be a `bool`, found {found}"),
            help: Some(format!("write `bool {usd_key} = 1` (or `0`)")),
        };
    }
}

/// Most of a layer read for its header: the magic line and the metadata
/// block must end within it. The prims after the header may run to
/// gigabytes and are never read.
pub const MAX_HEADER_BYTES: usize = 8 << 20;

/// Read the declaration of a text USD layer from its first
/// [`MAX_HEADER_BYTES`] (`bytes` may be the whole file or more than that
/// much of its start).
pub fn parse(bytes: &[u8]) -> Parsed {
    let cut = bytes.len() > MAX_HEADER_BYTES;
    let bytes = &bytes[..bytes.len().min(MAX_HEADER_BYTES)];
    let layer = match read_layer(bytes) {
        Ok(l) => l,
        Err(b) if cut && b.at_end => {
            let mut b = Bad::new(
                b.span,
                format!(
                    "the layer's metadata runs past its first {} MiB, more than aiclear reads",
                    MAX_HEADER_BYTES >> 20
                ),
                "still open where reading stops",
            )
            .help("keep the layer's metadata short: move long text out of `doc` and `customLayerData`");
            b.in_declaration = false;
            return Parsed::problem(b.into_problem());
        }
        Err(b) => return Parsed::problem(b.into_problem()),
    };
    let entry = match genai_entry(&layer) {
        Ok(e) => e,
        Err(p) => return Parsed::problem(p),
    };
    let mut problems = Vec::new();
    let mut node = entry.node.clone();
    reshape(&mut node, &mut problems);
    let declaration = super::validate::declaration(&entry.key, &node, bytes, &mut problems);
    for p in &mut problems {
        in_usd_terms(p);
    }
    Parsed {
        declaration,
        problems,
    }
}

/// The bytes a layer's declaration is read from: its header, up to the end
/// of the metadata block (the whole file when that cannot be found).
pub fn header(bytes: &[u8]) -> &[u8] {
    match read_layer(bytes) {
        Ok(Layer { block: Some(b), .. }) => &bytes[..(b.close + 1).min(bytes.len())],
        Ok(Layer { magic_end, .. }) => &bytes[..magic_end],
        Err(_) => bytes,
    }
}
