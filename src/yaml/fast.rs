//! A quick reader for the plain YAML that declarations are written in.
//!
//! Most declarations are a few lines of block mappings and lists, with plain
//! or quoted one-line values and one-line `{ … }` and `[ … ]` collections.
//! This reader takes only that subset, and answers `None` for anything
//! outside it (anchors, tags, block scalars, multi-line values, escapes,
//! several documents, tabs, non-ASCII text, empty values, duplicate keys,
//! numbers other than small decimal integers…), so that serde-saphyr reads
//! it instead. Where it answers, the tree is the one serde-saphyr builds,
//! values and spans alike; the tests below compare the two readers on many
//! texts, hostile ones included. The text is attacker-chosen: the rule is
//! to decline whatever is not certain.

use super::{Key, Node, TopLevel, Value};

/// Longest text read here; a declaration is a few hundred bytes.
const MAX_TEXT: usize = 64 << 10;
/// Deepest nesting of collections read here (serde-saphyr's limit is higher).
const MAX_DEPTH: usize = 16;
/// Most values read here (serde-saphyr's limit is higher).
const MAX_NODES: usize = 1024;

/// The tree of `text`, with spans shifted by `base`, if `text` is in the subset.
pub(super) fn parse(text: &str, base: usize) -> Option<Node> {
    let mut node = Parser::new(text)?.document()?;
    node.shift(base);
    Some(node)
}

/// The top level of `text` as [`super::parse_top_level`] gives it, if `text`
/// is in the subset.
pub(super) fn parse_top_level(text: &str, base: usize) -> Option<TopLevel> {
    let Value::Map(entries) = parse(text, base)?.value else {
        return None;
    };
    let mut top = TopLevel {
        is_map: true,
        documents: 1,
        ..TopLevel::default()
    };
    for (key, value) in entries {
        match key.name.as_str() {
            "genai" => top.genai = Some((key.clone(), value)),
            "metadata" => {
                top.metadata_genai = match value.value {
                    Value::Map(m) => m.into_iter().find(|(k, _)| k.name == "genai"),
                    _ => None,
                }
            }
            _ => {}
        }
        top.keys.push(key);
    }
    Some(top)
}

struct Parser<'a> {
    /// The text, all ASCII, so that any byte range of it is a `str`.
    text: &'a str,
    s: &'a [u8],
    /// Each line's start and end (without its `\n`).
    lines: Vec<(usize, usize)>,
    /// The next line to read.
    line: usize,
    nodes: usize,
}

/// Where a line's content starts, and whether it holds anything but
/// spaces and a comment.
fn content(s: &[u8], (start, end): (usize, usize)) -> (usize, bool) {
    let mut i = start;
    while i < end && s[i] == b' ' {
        i += 1;
    }
    (i, i < end && s[i] != b'#')
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Option<Self> {
        let s = text.as_bytes();
        if s.len() > MAX_TEXT || !s.iter().all(|&b| b == b'\n' || (b' '..=b'~').contains(&b)) {
            return None;
        }
        let mut lines = Vec::with_capacity(16);
        let mut start = 0;
        while start < s.len() {
            let end = s[start..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(s.len(), |i| start + i);
            let line = &s[start..end];
            // Document markers and directives.
            if line.starts_with(b"---") || line.starts_with(b"...") || line.starts_with(b"%") {
                return None;
            }
            lines.push((start, end));
            start = end + 1;
        }
        Some(Parser {
            text,
            s,
            lines,
            line: 0,
            nodes: 0,
        })
    }

    /// The next line with content: its index, where the content starts and
    /// its indentation. Blank and comment lines are skipped.
    fn peek(&mut self) -> Option<(usize, usize, usize)> {
        while self.line < self.lines.len() {
            let l = self.lines[self.line];
            let (at, any) = content(self.s, l);
            if any {
                return Some((self.line, at, at - l.0));
            }
            self.line += 1;
        }
        None
    }

    fn count(&mut self) -> Option<()> {
        self.nodes += 1;
        (self.nodes <= MAX_NODES).then_some(())
    }

    fn document(mut self) -> Option<Node> {
        let (_, at, indent) = self.peek()?;
        if indent != 0 {
            return None;
        }
        let node = self.block_map(0, at, 1)?;
        self.peek().is_none().then_some(node)
    }

    fn line_end(&self) -> usize {
        self.lines[self.line].1
    }

    /// A block mapping whose keys sit in column `col`, the first at `at`
    /// (on the current line).
    fn block_map(&mut self, col: usize, at: usize, depth: usize) -> Option<Node> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.count()?;
        let mut entries: Vec<(Key, Node)> = Vec::new();
        let mut pos = at;
        loop {
            let end = self.line_end();
            let (key, after) = self.key(pos, end)?;
            if entries.iter().any(|(k, _)| k.name == key.name) {
                return None;
            }
            // Past the `:`: a value on this line, or one below it.
            let mut p = after;
            while p < end && self.s[p] == b' ' {
                p += 1;
            }
            let value = if p == end || (self.s[p] == b'#' && p > after) {
                self.line += 1;
                self.nested(col, depth)?
            } else {
                if p == after {
                    return None;
                }
                let (value, vend) = self.inline(p, end, depth, false)?;
                self.trailer(vend, end)?;
                self.line += 1;
                value
            };
            self.count()?;
            entries.push((key, value));
            match self.peek() {
                Some((_, at, indent)) if indent == col => pos = at,
                Some((_, _, indent)) if indent > col => return None,
                _ => break,
            }
        }
        Some(Node {
            value: Value::Map(entries),
            span: at..at,
        })
    }

    /// The value of a key in column `col` whose line ends after its `:`.
    fn nested(&mut self, col: usize, depth: usize) -> Option<Node> {
        let (_, at, indent) = self.peek()?;
        let item = self.s[at] == b'-' && self.s.get(at + 1) == Some(&b' ');
        if item && indent >= col {
            self.block_seq(indent, at, depth + 1, indent == col)
        } else if indent > col {
            self.block_map(indent, at, depth + 1)
        } else {
            // An empty value: left to serde-saphyr.
            None
        }
    }

    /// A block sequence whose `- ` sit in column `col`, the first at `at`;
    /// `indentless` when that is its key's column (serde-saphyr then places
    /// it at its first item, not at the `-`).
    fn block_seq(&mut self, col: usize, at: usize, depth: usize, indentless: bool) -> Option<Node> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.count()?;
        let mut items = Vec::new();
        let mut dash = at;
        let mut start = at;
        loop {
            let end = self.line_end();
            if !(self.s[dash] == b'-' && self.s.get(dash + 1) == Some(&b' ')) {
                return None;
            }
            let mut p = dash + 1;
            while p < end && self.s[p] == b' ' {
                p += 1;
            }
            if p == end || self.s[p] == b'#' {
                return None;
            }
            if indentless && items.is_empty() {
                start = p;
            }
            let item = if self.key(p, end).is_some() {
                let line_start = self.lines[self.line].0;
                self.block_map(p - line_start, p, depth + 1)?
            } else {
                let (value, vend) = self.inline(p, end, depth, false)?;
                self.trailer(vend, end)?;
                self.line += 1;
                value
            };
            self.count()?;
            items.push(item);
            match self.peek() {
                Some((_, at, indent)) if indent == col => dash = at,
                Some((_, _, indent)) if indent > col => return None,
                _ => break,
            }
        }
        Some(Node {
            value: Value::Seq(items),
            span: start..start,
        })
    }

    /// What may follow a value on its line: spaces, then the end of the
    /// line or a comment after a space.
    fn trailer(&self, mut p: usize, end: usize) -> Option<()> {
        let from = p;
        while p < end && self.s[p] == b' ' {
            p += 1;
        }
        (p == end || (self.s[p] == b'#' && p > from)).then_some(())
    }

    /// A mapping key at `p` followed by its `:` (and, in block context, a
    /// space or the end of the line): the key and where its `:` ends.
    fn key(&self, p: usize, end: usize) -> Option<(Key, usize)> {
        let s = self.s;
        // The name's byte range, and the key's (with its quotes).
        let (name, span) = match s.get(p)? {
            q @ (b'"' | b'\'') => {
                let close = p + 1 + s[p + 1..end].iter().position(|b| b == q)?;
                (p + 1..close, p..close + 1)
            }
            _ => {
                let len = s[p..end]
                    .iter()
                    .position(|&b| !is_key_byte(b))
                    .unwrap_or(end - p);
                (p..p + len, p..p + len)
            }
        };
        let bytes = &s[name.clone()];
        if bytes.is_empty()
            || !(bytes[0].is_ascii_alphabetic() || bytes[0] == b'_')
            || !bytes.iter().all(|&b| is_key_byte(b))
            || is_special_word(bytes)
        {
            return None;
        }
        let colon = span.end;
        if s.get(colon) != Some(&b':') || !(colon + 1 == end || s[colon + 1] == b' ') {
            return None;
        }
        let name = self.text[name].to_owned();
        Some((Key { name, span }, colon + 1))
    }

    /// A value that starts at `p` and ends on this line: the node and where
    /// it ends.
    fn inline(&mut self, p: usize, end: usize, depth: usize, flow: bool) -> Option<(Node, usize)> {
        let s = self.s;
        match s[p] {
            b'{' => self.flow_map(p, end, depth + 1),
            b'[' => self.flow_seq(p, end, depth + 1),
            q @ (b'"' | b'\'') => {
                let close = p + 1 + s[p + 1..end].iter().position(|&b| b == q)?;
                let text = &s[p + 1..close];
                if text.contains(&b'\\') || s.get(close + 1) == Some(&q) {
                    return None;
                }
                let text = self.text[p + 1..close].to_owned();
                Some((
                    Node {
                        value: Value::Str(text),
                        span: p..close + 1,
                    },
                    close + 1,
                ))
            }
            b if b.is_ascii_alphanumeric() => {
                let len = s[p..end]
                    .iter()
                    .position(|&b| !is_plain_byte(b, flow))
                    .unwrap_or(end - p);
                let mut stop = p + len;
                while s[stop - 1] == b' ' {
                    stop -= 1;
                }
                let value = scalar(&self.text[p..stop])?;
                Some((
                    Node {
                        value,
                        span: p..stop,
                    },
                    stop,
                ))
            }
            _ => None,
        }
    }

    /// Spaces from `p` on, within the line.
    fn spaces(&self, mut p: usize, end: usize) -> usize {
        while p < end && self.s[p] == b' ' {
            p += 1;
        }
        p
    }

    /// A `{ … }` mapping opened at `p` and closed on the same line.
    fn flow_map(&mut self, p: usize, end: usize, depth: usize) -> Option<(Node, usize)> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.count()?;
        let mut entries: Vec<(Key, Node)> = Vec::new();
        let mut q = self.spaces(p + 1, end);
        if self.s.get(q) != Some(&b'}') {
            loop {
                let (key, after) = self.key(q, end)?;
                if entries.iter().any(|(k, _)| k.name == key.name) || after == end {
                    return None;
                }
                let v = self.spaces(after, end);
                if v == after || v == end {
                    return None;
                }
                let (value, vend) = self.inline(v, end, depth, true)?;
                self.count()?;
                entries.push((key, value));
                q = self.spaces(vend, end);
                match self.s.get(q) {
                    Some(b',') if q < end => {
                        q = self.spaces(q + 1, end);
                        if q == end || self.s[q] == b'}' {
                            return None;
                        }
                    }
                    Some(b'}') if q < end => break,
                    _ => return None,
                }
            }
        }
        Some((
            Node {
                value: Value::Map(entries),
                span: p..p + 1,
            },
            q + 1,
        ))
    }

    /// A `[ … ]` list opened at `p` and closed on the same line.
    fn flow_seq(&mut self, p: usize, end: usize, depth: usize) -> Option<(Node, usize)> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.count()?;
        let mut items = Vec::new();
        let mut q = self.spaces(p + 1, end);
        if self.s.get(q) != Some(&b']') {
            loop {
                if q == end {
                    return None;
                }
                let (value, vend) = self.inline(q, end, depth, true)?;
                // `[a: b]` is a mapping inside the list.
                if self.s.get(vend) == Some(&b':') {
                    return None;
                }
                self.count()?;
                items.push(value);
                q = self.spaces(vend, end);
                match self.s.get(q) {
                    Some(b',') if q < end => {
                        q = self.spaces(q + 1, end);
                        if q == end || self.s[q] == b']' {
                            return None;
                        }
                    }
                    Some(b']') if q < end => break,
                    _ => return None,
                }
            }
        }
        Some((
            Node {
                value: Value::Seq(items),
                span: p..p + 1,
            },
            q + 1,
        ))
    }
}

fn is_key_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// Bytes a plain value may hold here; in flow context not `,`.
fn is_plain_byte(b: u8, flow: bool) -> bool {
    b.is_ascii_alphanumeric() || b" -_./()'+;@=".contains(&b) || (b == b',' && !flow)
}

/// Words that YAML reads as null or a boolean.
fn is_special_word(t: &[u8]) -> bool {
    matches!(
        t,
        b"null" | b"Null" | b"NULL" | b"true" | b"True" | b"TRUE" | b"false" | b"False" | b"FALSE"
    )
}

/// The value of a plain scalar that starts with a letter or a digit, as
/// serde-saphyr resolves it: null, a boolean, a small decimal integer, a
/// date or other text; `None` for the numbers left to serde-saphyr.
fn scalar(t: &str) -> Option<Value> {
    let b = t.as_bytes();
    Some(match t {
        "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        _ if b[0].is_ascii_alphabetic() => Value::Str(t.to_owned()),
        _ if b.iter().all(u8::is_ascii_digit) => {
            if b.len() > 18 || (b.len() > 1 && b[0] == b'0') {
                return None;
            }
            Value::Int(t.parse().ok()?)
        }
        _ if is_date(b) => Value::Str(t.to_owned()),
        _ => return None,
    })
}

/// `YYYY-MM-DD`.
fn is_date(b: &[u8]) -> bool {
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::declaration::{Block, locate};
    use crate::kind::FileKind;

    /// Where the fast reader answers, its answer is serde-saphyr's. Returns
    /// whether it answered.
    fn same(text: &str) -> bool {
        let base = 7;
        let Some(fast) = parse(text, base) else {
            assert!(parse_top_level(text, base).is_none(), "{text:?}");
            return false;
        };
        match super::super::parse_with_saphyr(text, base) {
            Ok(slow) => assert_eq!(fast, slow, "a different tree for {text:?}"),
            Err(e) => panic!("accepted what serde-saphyr refuses ({e}): {text:?}"),
        }
        let fast = parse_top_level(text, base).expect("a mapping");
        let slow = super::super::top_level_with_saphyr(text, base).expect("read above");
        assert_eq!(fast.is_map, slow.is_map, "{text:?}");
        assert_eq!(fast.genai, slow.genai, "{text:?}");
        assert_eq!(fast.metadata_genai, slow.metadata_genai, "{text:?}");
        assert_eq!(fast.keys, slow.keys, "{text:?}");
        assert_eq!(fast.documents, slow.documents, "{text:?}");
        assert_eq!(fast.later_genai, slow.later_genai, "{text:?}");
        true
    }

    const BENCH: &str = "genai:\n  disclosed: { to: \"Mei Chen\", on: 2025-09-02 }\n  uses:\n    - id: use-0\n      stage: ideation\n      output: image\n      tools: [{ name: \"Imagen 4\", enterprise: true, trains-on-inputs: false }]\n";

    const SAMPLES: &[&str] = &[
        BENCH,
        "genai: none\n",
        "genai: none",
        "genai: none # nothing\n",
        "# a comment\ngenai:\n  uses: []\n",
        "genai:\n  uses:\n  - id: a\n    stage: final\n",
        "genai:\n  uses:\n    - id: a\n      stage: temp\n    - id: b\n      stage: final\n      notes: 'it was ok'\n",
        "genai:\n  uses:\n    - id: a\n      tools:\n        - name: X\n          enterprise: false\n",
        "genai:\n  uses:\n    - id: a\n      tools:\n      - name: X\n",
        "- a\n- b\n",
        "a: 1\nb: -1\nc: 0\nd: 007\ne: 1.5\nf: 123456789012345678\ng: 1234567890123456789\n",
        "a: true\nb: False\nc: NULL\nd: ~\ne: yes\nf: no\ng: on\n",
        "a: \"x\"\nb: 'y'\nc: \"\"\nd: ''\ne: 'it''s'\nf: \"a\\\"b\"\n",
        "a: 2025-09-02\nb: 2025-9-2\nc: 2025-09-02T10:00:00\n",
        "a: {}\nb: []\nc: { }\nd: [ ]\ne: {x: 1}\nf: [1, 2]\ng: [a, [b, {c: d}]]\n",
        "a: [a, ]\nb: {x: 1, }\n",
        "a: {x: 1, x: 2}\n",
        "a: 1\na: 2\n",
        "a:\n  b: 1\n   c: 2\n",
        "a:\n  b: 1\n c: 2\n",
        "a: b\n  c\n",
        "a: b: c\n",
        "a: the writer's draft (v2), act 1\n",
        "a: x #c\nb: x#c\n",
        "a:\n\n  # note\n  b: c\n",
        "'genai': none\n\"genai2\": x\n",
        "genai: &a none\n",
        "genai: !!str none\n",
        "genai: |\n  none\n",
        "genai: >\n  none\n",
        "genai: none\n---\nother: 1\n",
        "---\ngenai: none\n",
        "genai:\tnone\n",
        "genai: none\r\n",
        "  genai: none\n",
        "genai:\n",
        "genai:\nuses: 1\n",
        "genai: [\n  a]\n",
        "genai: {a: b\n",
        "genai: [a, b}\n",
        "metadata:\n  genai: none\n  other: 1\n",
        "metadata: 1\n",
        "metadata:\n  - genai\n",
        "true: 1\n",
        "null: 1\n",
        "a-b_c: 1\n_x: 2\n",
        "a : 1\n",
        "a:1\n",
        "a: - b\n",
        "a:\n- b\n- c\n",
        "a:\n  - b\n  -\n",
        "a:\n  - - b\n",
        "a:\n  -   id: x\n      stage: y\n",
        "a: [x: 1]\n",
        "a: {x: [1, {y: z}]}\n",
        "a: {\"x\": 1, 'y': 2}\n",
        "a: { x: 1 } # c\n",
        "a: { x: 1 }#c\n",
        "a: \"x\" y\n",
        "a: e5\nb: inf\nc: nan\nd: Infinity\ne: x.inf\n",
        "a: use-0\nb: mei.chen@netflix.example.com\nc: a=b;c+d/e\n",
        "a: {x: use-0, y: mei.chen@netflix.example.com}\n",
        "a: x, y\nb: [x y, z]\n",
        "a: 'x'\n'b': 'y'\n",
        "x: 1\n...\n",
        "%YAML 1.2\n---\nx: 1\n",
        "",
        "\n\n# only comments\n",
        "a: 0x1F\nb: 0o17\nc: +1\nd: -0\n",
        "a: {x: 1}\n  b: 2\n",
        "a: [1, 2]\n  - 3\n",
        "a:\n  b: [1,2]\n  c: {d: e}\n",
        "a:\n    b: 1\n  c: 2\n",
        "a:  b\nc:   'd'   \n",
        "a: Mei  Chen\nb: 9999-99-99\nc: 0000-00-00\nd: 2025-09-02 # c\n",
        "a: [1 , 2 ]\nb: { x : 1 }\nc: [it's, a b]\n",
        "- a:\n    b: c\n  d: e\n-  f: g\n   h: i\n",
        "a:\n  - b\n  # c\n  - d\n# e\nf: g\n",
    ];

    #[test]
    fn the_declarations_of_the_benchmark_are_read_here() {
        assert!(same(BENCH));
        assert!(same("genai: none\n"));
        assert!(same("genai:\n  uses:\n  - id: a\n    stage: final\n"));
    }

    #[test]
    fn samples_agree() {
        for text in SAMPLES {
            same(text);
        }
    }

    #[test]
    fn what_is_declined() {
        for text in [
            "genai: &a none\n",
            "genai: !!str none\n",
            "genai: |\n  none\n",
            "genai: none\n---\nother: 1\n",
            "genai:\tnone\n",
            "genai: none\r\n",
            "a: 1\na: 2\n",
            "a: {x: 1, x: 2}\n",
            "genai:\n",
            "a: 'it''s'\n",
            "a: \"a\\\"b\"\n",
            "a: 1.5\n",
            "a: b\n  c\n",
            "a: caf\u{e9}\n",
        ] {
            assert!(parse(text, 0).is_none(), "{text:?}");
        }
    }

    /// A small deterministic generator, so that failures repeat.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
        fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
            items[self.below(items.len())]
        }
    }

    const PIECES: &[&str] = &[
        " ", "  ", "\n", ":", ": ", "- ", "-", "#", " #", "'", "\"", "{", "}", "[", "]", ",", ", ",
        "\t", "&", "*", "!", "|", ">", "?", "%", "@", "`", "\\", "~", "0", "1", "01", "x", "genai",
        "none", "true", "null", "\n  ", "\n    - ", "\n---\n", "\r", "é", ".", "..", "e",
    ];

    /// Texts near `text`: a byte dropped, a piece put in, a line moved in or out.
    fn mutations(text: &str, rng: &mut Rng, n: usize) -> Vec<String> {
        let mut out = Vec::new();
        for _ in 0..n {
            let mut t = text.to_owned();
            for _ in 0..1 + rng.below(3) {
                let at = if t.is_empty() {
                    0
                } else {
                    rng.below(t.len() + 1)
                };
                let at = (0..=at).rev().find(|&i| t.is_char_boundary(i)).unwrap_or(0);
                match rng.below(4) {
                    0 if at < t.len() => {
                        let len = t[at..].chars().next().map_or(0, char::len_utf8);
                        t.replace_range(at..at + len, "");
                    }
                    1 => {
                        // Indent or outdent a line.
                        let start = t[..at].rfind('\n').map_or(0, |i| i + 1);
                        if t[start..].starts_with(' ') && rng.below(2) == 0 {
                            t.remove(start);
                        } else {
                            t.insert(start, ' ');
                        }
                    }
                    _ => t.insert_str(at, rng.pick(PIECES)),
                }
            }
            out.push(t);
        }
        out
    }

    fn scalar_text(rng: &mut Rng) -> String {
        let words = [
            "none",
            "final",
            "use-0",
            "Mei Chen",
            "2025-09-02",
            "0",
            "42",
            "-3",
            "007",
            "1.5",
            "true",
            "False",
            "null",
            "~",
            "yes",
            "it's",
            "a, b",
            "x#y",
            "x # y",
            "a: b",
            "é",
            "Imagen 4",
            "mei.chen@netflix.example.com",
            "18446744073709551616",
            "123456789012345678",
            ".inf",
            "0x10",
            "+1",
            "",
        ];
        let w = rng.pick(&words).to_owned();
        match rng.below(6) {
            0 => format!("\"{w}\""),
            1 => format!("'{w}'"),
            _ => w,
        }
    }

    fn key_text(rng: &mut Rng) -> String {
        let keys = [
            "genai",
            "uses",
            "id",
            "stage",
            "tools",
            "name",
            "metadata",
            "on",
            "to",
            "a",
            "b",
            "trains-on-inputs",
            "true",
            "null",
            "1",
            "_x",
            "a b",
        ];
        let k = rng.pick(&keys).to_owned();
        match rng.below(8) {
            0 => format!("\"{k}\""),
            1 => format!("'{k}'"),
            _ => k,
        }
    }

    fn flow(rng: &mut Rng, depth: usize) -> String {
        match rng.below(if depth > 2 { 1 } else { 4 }) {
            0 => scalar_text(rng),
            1 => {
                let items: Vec<String> = (0..rng.below(3)).map(|_| flow(rng, depth + 1)).collect();
                format!("[{}]", items.join(rng.pick(&[", ", ",", " , "])))
            }
            _ => {
                let items: Vec<String> = (0..rng.below(3))
                    .map(|_| format!("{}: {}", key_text(rng), flow(rng, depth + 1)))
                    .collect();
                format!("{{ {} }}", items.join(", "))
            }
        }
    }

    /// A block mapping at `indent`, one key per line.
    fn block(rng: &mut Rng, indent: usize, depth: usize, out: &mut String) {
        let pad = " ".repeat(indent);
        for _ in 0..1 + rng.below(3) {
            out.push_str(&pad);
            out.push_str(&key_text(rng));
            out.push(':');
            match rng.below(if depth > 3 { 2 } else { 5 }) {
                0 => out.push_str(&format!(" {}\n", scalar_text(rng))),
                1 => out.push_str(&format!(" {}\n", flow(rng, depth))),
                2 => {
                    out.push('\n');
                    block(rng, indent + 2, depth + 1, out);
                }
                _ => {
                    out.push('\n');
                    let col = indent + 2 * rng.below(2);
                    for _ in 0..1 + rng.below(3) {
                        out.push_str(&" ".repeat(col));
                        out.push_str("- ");
                        if rng.below(2) == 0 {
                            out.push_str(&format!("{}\n", scalar_text(rng)));
                        } else {
                            let mut inner = String::new();
                            block(rng, col + 2, depth + 1, &mut inner);
                            out.push_str(&inner[col + 2..]);
                        }
                    }
                }
            }
            if rng.below(6) == 0 {
                out.push_str(&format!("{pad}# note\n"));
            }
        }
    }

    #[test]
    fn generated_declarations_agree() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut answered = 0;
        for _ in 0..10_000 {
            let mut text = String::new();
            block(&mut rng, 0, 0, &mut text);
            let yes = same(&text);
            answered += usize::from(yes);
            // Near an accepted text is where a wrong answer would hide.
            for m in mutations(&text, &mut rng, if yes { 12 } else { 1 }) {
                same(&m);
            }
        }
        // The generator reaches the subset, not only its edges.
        assert!(answered > 1000, "{answered}");
    }

    #[test]
    fn mutated_samples_agree() {
        let mut rng = Rng(42);
        let mut answered = 0;
        for text in SAMPLES {
            for m in mutations(text, &mut rng, 400) {
                answered += usize::from(same(&m));
            }
        }
        assert!(answered > 1000, "{answered}");
    }

    /// The YAML of every declaration, configuration and ledger among the
    /// test fixtures (and the shared corpus, where it is), with mutations.
    #[test]
    fn fixtures_agree() {
        let mut files = Vec::new();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut dirs = vec![root.join("tests"), "/work/shared/corpus".into()];
        while let Some(dir) = dirs.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for e in entries.flatten() {
                let path = e.path();
                if path.is_dir() {
                    dirs.push(path);
                } else {
                    files.push(path);
                }
            }
        }
        files.sort();
        let mut rng = Rng(7);
        let mut texts = 0;
        let (mut answered, mut manswered) = (0, 0);
        for path in files {
            let Ok(bytes) = std::fs::read(&path) else {
                continue;
            };
            let name = path.to_string_lossy();
            let kind = FileKind::of_path(&name);
            let yaml = match kind {
                Some(k @ (FileKind::Fountain | FileKind::Markdown)) => match locate(k, &bytes) {
                    Block::Found { yaml } => &bytes[yaml],
                    _ => continue,
                },
                Some(_) => &bytes[..],
                None if name.ends_with(".yml.txt") || name.contains("genai") => &bytes[..],
                None => continue,
            };
            let Ok(text) = std::str::from_utf8(yaml) else {
                continue;
            };
            if text.len() > 20_000 {
                continue;
            }
            texts += 1;
            answered += usize::from(same(text));
            for m in mutations(text, &mut rng, 100) {
                manswered += usize::from(same(&m));
            }
        }
        assert!(
            texts > 20 && answered > 20 && manswered > 500,
            "{texts} {answered} {manswered}"
        );
    }
}
