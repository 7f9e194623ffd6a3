//! Syntax errors told in the writer's terms.
//!
//! The YAML parser says where it stopped and what it expected; a writer
//! needs to know what is wrong in their file, where the mistake probably is
//! (a bracket or quote opened lines earlier, the first of two equal keys)
//! and how to fix it. [`syntax_problem`] reads the parser's message and the
//! text around it and returns a [`SyntaxProblem`]: data, which the
//! `malformed-declaration` rule turns into its finding.

use super::{SyntaxError, budget_message, clip, line_of};
use crate::source::Span;

/// A syntax error explained: `{what} cannot be read: {problem}`, at `span`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxProblem {
    /// What was read: "the declaration", "the configuration", "the approvals ledger".
    pub what: &'static str,
    /// Where the parser noticed the problem.
    pub span: Option<Span>,
    /// What is wrong, in words.
    pub problem: String,
    pub label: Option<String>,
    /// Where the mistake probably is (an opening bracket, the first key).
    pub secondary: Vec<(Span, String)>,
    /// The parser's own words.
    pub notes: Vec<String>,
    pub help: Option<String>,
    /// What the help goes on to say, for the rule to word.
    pub more_help: SyntaxHelp,
}

/// What a syntax problem's help goes on to say beyond the YAML.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum SyntaxHelp {
    #[default]
    Nothing,
    /// The parser's message is passed on as it is: where to find a
    /// declaration that reads.
    Example,
    /// `key` is given twice in one mapping (of a JSON file with `json`):
    /// when it is a key of a use, how to write another use.
    SecondKey { key: String, json: bool },
}

impl SyntaxProblem {
    fn new(what: &'static str, span: Option<Span>, problem: String) -> Self {
        Self {
            what,
            span,
            problem,
            label: None,
            secondary: Vec::new(),
            notes: Vec::new(),
            help: None,
            more_help: SyntaxHelp::Nothing,
        }
    }

    fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    fn secondary(mut self, span: Span, label: impl Into<String>) -> Self {
        self.secondary.push((span, label.into()));
        self
    }

    fn note(mut self, note: String) -> Self {
        self.notes.push(note);
        self
    }

    fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    fn more_help(mut self, more: SyntaxHelp) -> Self {
        self.more_help = more;
        self
    }
}

/// A syntax error told in the writer's terms: what is wrong in words, the
/// place the parser noticed it (the primary span), the place the mistake
/// probably is (a bracket or quote that was never closed, the first of two
/// equal keys) and how to fix it. `file` is the whole file, `text` the part
/// that was parsed, starting at byte `base` of the file; `what` names it
/// ("the declaration", "the configuration"); `json` says the file is JSON.
pub fn syntax_problem(
    e: &SyntaxError,
    file: &[u8],
    text: &str,
    base: usize,
    json: bool,
    what: &'static str,
) -> SyntaxProblem {
    let raw = e.message.as_str();
    let lower = raw.to_ascii_lowercase();
    // Limits are already said in words.
    if budget_message(raw).is_some()
        || lower.contains("limit")
        || lower.contains("nesting deeper")
        || lower.contains("more than")
    {
        return SyntaxProblem::new(what, e.span.clone(), raw.to_owned())
            .label("over the limit here")
            .help("keep declarations small: split the material into files of their own");
    }
    let x = Explain {
        raw,
        lower,
        file,
        text,
        base,
        json,
        what,
    };
    let Some(at) = e
        .span
        .as_ref()
        .map(|s| s.start.saturating_sub(base).min(text.len()))
    else {
        return x
            .problem(None, raw.to_owned())
            .help("check it for a missing `:`, quote or bracket");
    };
    let in_flow = scan(text, at);
    x.unclosed_or_mismatched(at)
        .or_else(|| x.in_flow(at, &in_flow))
        .or_else(|| x.quote_or_tab(at, &in_flow))
        .or_else(|| x.second_key(at, &in_flow))
        .unwrap_or_else(|| x.line_shape(at))
}

/// What [`syntax_problem`] explains, and where.
struct Explain<'a> {
    raw: &'a str,
    lower: String,
    file: &'a [u8],
    text: &'a str,
    base: usize,
    json: bool,
    what: &'static str,
}

fn closer(c: char) -> char {
    if c == '{' { '}' } else { ']' }
}

fn kind(c: char) -> &'static str {
    if c == '{' { "mapping" } else { "list" }
}

impl Explain<'_> {
    fn problem(&self, span: Option<Span>, problem: String) -> SyntaxProblem {
        let lang = if self.json { "JSON" } else { "YAML" };
        SyntaxProblem::new(self.what, span, problem)
            .note(format!("the {lang} parser says: {}", self.raw))
    }

    fn abs(&self, rel: usize) -> usize {
        self.base + rel
    }

    /// The character at `rel`, as a span in the file.
    fn one(&self, rel: usize) -> Span {
        let len = self.text[rel..].chars().next().map_or(0, char::len_utf8);
        self.abs(rel)..self.abs(rel) + len
    }

    fn line_of(&self, rel: usize) -> usize {
        line_of(self.file, self.abs(rel))
    }

    /// A bracket that is never closed, or closed by the wrong one.
    fn unclosed_or_mismatched(&self, at: usize) -> Option<SyntaxProblem> {
        let (text, lower) = (self.text, &self.lower);
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
            let line = self.line_of(open.at);
            return Some(
                self.problem(
                    Some(self.one(end)),
                    format!("the `{}` on line {line} is never closed", open.ch),
                )
                .label(format!("reached the end with the `{}` still open", open.ch))
                .secondary(
                    self.one(open.at),
                    format!("this `{}` is never closed", open.ch),
                )
                .help(close_help(text, &scan.open, open, line, self.json)),
            );
        }
        if lower.starts_with("mismatched bracket") {
            let scan = scan(text, text.len());
            if let Some((opener, wrong)) = scan.mismatch {
                let line = self.line_of(opener.at);
                return Some(
                    self.problem(
                        Some(self.one(wrong)),
                        format!(
                            "the `{}` on line {line} is closed by `{}`",
                            opener.ch,
                            text[wrong..].chars().next().unwrap_or('}')
                        ),
                    )
                    .label(format!("`{}` expected here", closer(opener.ch)))
                    .secondary(
                        self.one(opener.at),
                        format!("this `{}` opens a {}", opener.ch, kind(opener.ch)),
                    )
                    .help("close a list `[ … ]` with `]` and a mapping `{ … }` with `}`"),
                );
            }
        }
        None
    }

    /// A `,` or a closing bracket missing inside a flow collection.
    fn in_flow(&self, at: usize, in_flow: &Scan) -> Option<SyntaxProblem> {
        let lower = &self.lower;
        let &open = in_flow.open.last()?;
        if !(lower.contains("did not find expected ','")
            || lower.contains("illegal placement of ':'")
            || lower.contains("expected ',' or"))
        {
            return None;
        }
        let line = self.line_of(open.at);
        // Closed further on: a comma is missing; never closed: the closer is.
        let closed_later = scan(self.text, self.text.len())
            .closed
            .iter()
            .any(|&(o, _)| o == open.at);
        if closed_later {
            return Some(
                self.problem(
                    Some(self.one(at)),
                    format!(
                        "a `,` is missing between two entries of the {} on line {line}",
                        kind(open.ch)
                    ),
                )
                .label("a `,` was expected before this")
                .secondary(
                    self.one(open.at),
                    format!("the {} starts here", kind(open.ch)),
                )
                .help(format!(
                    "separate the entries inside `{} … {}` with commas",
                    open.ch,
                    closer(open.ch)
                )),
            );
        }
        Some(
            self.problem(
                Some(self.one(at)),
                format!("the `{}` on line {line} is never closed", open.ch),
            )
            .label(format!("`{}` expected before this", closer(open.ch)))
            .secondary(
                self.one(open.at),
                format!("this `{}` is never closed", open.ch),
            )
            .help(close_help(self.text, &in_flow.open, open, line, self.json)),
        )
    }

    /// A quote that is never closed, or a tab where spaces are needed.
    fn quote_or_tab(&self, at: usize, in_flow: &Scan) -> Option<SyntaxProblem> {
        let (text, lower) = (self.text, &self.lower);
        if lower.starts_with("unclosed quote") || lower.contains("while scanning a quoted scalar") {
            let q = in_flow.quote.filter(|&q| q <= at).unwrap_or(at);
            let ch = text[q..]
                .chars()
                .next()
                .filter(|c| *c == '"' || *c == '\'')
                .unwrap_or('"');
            let line = self.line_of(q);
            let end = text.trim_end().len().max(1) - 1;
            return Some(
                self.problem(
                    Some(self.one(end.max(q))),
                    format!("the quote `{ch}` on line {line} is never closed"),
                )
                .label(format!("reached the end with the `{ch}` still open"))
                .secondary(self.one(q), format!("this `{ch}` is never closed"))
                .help(if ch == '"' {
                    "end the text with a closing `\"` on the same line; a `\"` inside it is written `\\\"`"
                } else {
                    "end the text with a closing `'` on the same line; a `'` inside it is written `''`"
                }),
            );
        }
        if lower.contains("tab") {
            let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
            let tab = text[line_start..].find('\t').map_or(at, |i| line_start + i);
            return Some(
                self.problem(
                    Some(self.one(tab)),
                    "a tab character where spaces are needed".into(),
                )
                .label("a tab")
                .help("indent with spaces only: replace the tab with spaces"),
            );
        }
        None
    }

    /// A key given twice in one mapping, with the first one when it is found.
    fn second_key(&self, at: usize, in_flow: &Scan) -> Option<SyntaxProblem> {
        let key = self.raw.strip_prefix("duplicate mapping key: ")?;
        let key = key.trim().trim_matches('"');
        let shown = clip(key).into_owned();
        let mut f = self
            .problem(
                Some(self.one(at)),
                format!("`{shown}` is given twice in the same place"),
            )
            .label(format!("second `{shown}`"));
        if let Some(first) = first_key(self.text, at, key, in_flow.open.last().map(|o| o.at)) {
            f = f.secondary(
                self.abs(first)..self.abs(first) + key.len(),
                format!("first `{shown}`"),
            );
        }
        Some(
            f.help(format!("keep one `{shown}:`"))
                .more_help(SyntaxHelp::SecondKey {
                    key: key.to_owned(),
                    json: self.json,
                }),
        )
    }

    /// A line of the wrong shape: a `: ` inside a value, a missing `:`,
    /// a list on its key's line, indentation; else the parser's words.
    fn line_shape(&self, at: usize) -> SyntaxProblem {
        let (raw, lower, json) = (self.raw, &self.lower, self.json);
        let here = Some(self.one(at));
        if lower.contains("mapping values are not allowed") {
            return self.problem(here, "a `: ` inside a value, where no new key can start".into())
                .label("a second `: ` on this line")
                .help("put a value that contains `: ` in quotes (`description: \"Act 1: the relay\"`), and check that this line is indented like the keys around it");
        }
        if lower.contains("simple key expected") || lower.contains("could not find expected ':'") {
            return self
                .problem(here, "a line without the `:` of a `key: value`".into())
                .label("no `: ` after this key")
                .help(
                    "write each entry as `key: value`, with a colon and a space (`stage: final`)",
                );
        }
        if lower.contains("block sequence entries are not allowed") {
            return self.problem(here, "a list item `- ` on the line of its key".into())
                .label("a list cannot start here")
                .help("start the list on the next line, indented under its key, or write it in brackets: `uses: [ … ]`");
        }
        if lower.contains("did not find expected key")
            || lower.contains("did not find expected '-'")
            || lower.contains("block collection")
            || lower.contains("block mapping")
        {
            return self.problem(here, "this line is not indented like the lines around it".into())
                .label("indentation does not match")
                .help("indent the keys of one mapping by the same number of spaces; the keys of a use line up under the first key after its `- `");
        }
        if lower.contains("trailing content after") {
            return self
                .problem(here, "something follows a quoted value".into())
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
            return self
                .problem(here, format!("a value cannot start with `{ch}`"))
                .label(format!("`{ch}` here"))
                .help("put the value in quotes: `\"…\"`");
        }
        self.problem(here, raw.to_owned())
            .label("the parser stopped here")
            .help("check this line and the one before for a missing `:`, quote or bracket")
            .more_help(SyntaxHelp::Example)
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse_top_level;

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
        let f = syntax_problem(&e, file.as_bytes(), file, 0, false, "the declaration");
        assert_eq!(f.problem, "the `{` on line 2 is never closed");
        assert_eq!(f.secondary.len(), 1);
        assert_eq!(&file[f.secondary[0].0.clone()], "{");
        assert_eq!(&file[f.span.clone().unwrap()], ":");
        assert!(f.help.unwrap().starts_with("end line 2 with `}`"));
        assert!(f.notes[0].starts_with("the YAML parser says: "));

        // A missing comma in JSON, where the object is closed further on.
        let file = "{\"genai\": {\"uses\": [{\"id\": \"a\"\n \"stage\": \"temp\"}]}}";
        let e = parse_top_level(file, 0).unwrap_err();
        let f = syntax_problem(&e, file.as_bytes(), file, 0, true, "the declaration");
        assert!(f.help.is_some(), "{f:?}");
        assert!(f.notes[0].starts_with("the JSON parser says: "), "{f:?}");

        // The first of two equal keys in a block mapping.
        let file = "genai:\n  uses:\n    - id: a\n      stage: temp\n      id: b\n";
        let e = parse_top_level(file, 0).unwrap_err();
        let f = syntax_problem(&e, file.as_bytes(), file, 0, false, "the declaration");
        assert_eq!(f.secondary[0].0, 21..23);
    }
}
