//! Flow collections read token by token: YAML's `{ name: x, tools: [a, ` and
//! JSON, which is the same syntax with every scalar quoted.
//!
//! The scanner runs from a known frame (a YAML line's block mapping, a JSON
//! file's root object) up to the cursor and keeps a stack of the mappings
//! and lists still open there, each with the [`Place`] it is in, the keys or
//! items written in it so far, and whether a key or a value comes next. Any
//! token that does not fit (a comment, a string left open, a second scalar
//! where one was expected) stops it: the cursor is then somewhere nothing is
//! offered. Nothing here allocates more than the stack of open collections.

use super::{Context, Place};

/// One piece of flow syntax.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Token<'a> {
    /// `[` or `{`.
    Open(u8),
    /// `]` or `}`.
    Close(u8),
    Comma,
    Colon,
    /// A plain or quoted scalar, without its quotes (escapes are left as
    /// written).
    Scalar(&'a str),
    /// A quote that opens a string at the very end of the text: the word
    /// the cursor is in is being typed inside it.
    Quote(char),
}

/// What [`token`] found.
enum Next<'a> {
    Token(Token<'a>, usize),
    /// The end of the text.
    End,
    /// Text the scanner cannot read on: a comment, a string left open.
    Stop,
}

fn is_flow_indicator(b: u8) -> bool {
    matches!(b, b',' | b'[' | b']' | b'{' | b'}')
}

/// The token at or after byte `i` of `s`; `flow` when inside a flow
/// collection, where `,` and brackets end a plain scalar.
fn token(s: &str, i: usize, flow: bool) -> Next<'_> {
    let b = s.as_bytes();
    let mut i = i;
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    let Some(&c) = b.get(i) else {
        return Next::End;
    };
    match c {
        b'#' if i == 0 || b[i - 1].is_ascii_whitespace() => Next::Stop,
        b'[' | b'{' => Next::Token(Token::Open(c), i + 1),
        b']' | b'}' => Next::Token(Token::Close(c), i + 1),
        b',' => Next::Token(Token::Comma, i + 1),
        b':' => Next::Token(Token::Colon, i + 1),
        b'"' | b'\'' => quoted(s, i),
        _ => Next::Token(Token::Scalar(plain(s, i, flow)), plain_end(b, i, flow)),
    }
}

/// The quoted scalar whose quote is at `i`.
fn quoted(s: &str, i: usize) -> Next<'_> {
    let b = s.as_bytes();
    let q = b[i];
    if i + 1 == b.len() {
        return Next::Token(Token::Quote(q as char), i + 1);
    }
    let mut j = i + 1;
    while j < b.len() {
        match b[j] {
            b'\\' if q == b'"' => j += 2,
            b'\'' if q == b'\'' && b.get(j + 1) == Some(&b'\'') => j += 2,
            x if x == q => return Next::Token(Token::Scalar(&s[i + 1..j]), j + 1),
            // A string does not run over a line break here: JSON's never
            // do, and a YAML line is scanned alone.
            b'\n' | b'\r' => return Next::Stop,
            _ => j += 1,
        }
    }
    Next::Stop
}

/// Where the plain scalar that starts at `i` ends: at a `: ` or ` #`, a
/// line break, or in flow a `,` or bracket.
fn plain_end(b: &[u8], i: usize, flow: bool) -> usize {
    let mut j = i;
    while j < b.len() {
        let c = b[j];
        let next = b.get(j + 1).copied();
        let colon_ends = c == b':'
            && next.is_none_or(|n| n.is_ascii_whitespace() || (flow && is_flow_indicator(n)));
        if (flow && is_flow_indicator(c))
            || colon_ends
            || matches!(c, b'\n' | b'\r')
            || (c == b'#' && j > i && b[j - 1].is_ascii_whitespace())
        {
            break;
        }
        j += 1;
    }
    j
}

fn plain(s: &str, i: usize, flow: bool) -> &str {
    s[i..plain_end(s.as_bytes(), i, flow)].trim_end()
}

/// Where a mapping is: a key comes next, a key was read and its `:` comes
/// next, its value comes next, or the entry is complete.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Phase<'a> {
    Key,
    AfterKey(&'a str),
    Value(&'a str),
    Done,
}

/// A collection open at the cursor.
#[derive(Debug)]
pub(super) enum Frame<'a> {
    /// A mapping in `place`: a YAML line's block mapping or a flow one.
    Map {
        place: Place,
        flow: bool,
        keys: Vec<&'a str>,
        phase: Phase<'a>,
    },
    /// A flow list, the value of `key` of a mapping in `place`.
    List {
        place: Place,
        key: &'a str,
        items: Vec<&'a str>,
        done: bool,
    },
}

impl<'a> Frame<'a> {
    /// A mapping in `place` where a key comes next.
    pub(super) fn map(place: Place, flow: bool) -> Self {
        Frame::Map {
            place,
            flow,
            keys: Vec::new(),
            phase: Phase::Key,
        }
    }

    fn list(place: Place, key: &'a str) -> Self {
        Frame::List {
            place,
            key,
            items: Vec::new(),
            done: false,
        }
    }

    fn is_flow(&self) -> bool {
        !matches!(self, Frame::Map { flow: false, .. })
    }
}

/// The collections open at the end of a scanned text, the outermost first,
/// and the quote of a string opened right at its end.
#[derive(Debug)]
pub(super) struct Scan<'a> {
    pub frames: Vec<Frame<'a>>,
    pub quote: Option<char>,
}

impl<'a> Scan<'a> {
    /// Whether the scan ended in the frame it started from, with nothing
    /// read in it: a YAML line with no key yet.
    pub(super) fn at_line_start(&self) -> bool {
        matches!(
            self.frames.as_slice(),
            [Frame::Map { phase: Phase::Key, keys, .. }] if keys.is_empty()
        )
    }

    /// Whether the innermost collection is the one the scan started from.
    pub(super) fn in_root(&self) -> bool {
        self.frames.len() == 1
    }

    /// What comes next in the innermost collection; `tail`, the text after
    /// the cursor's word, adds the keys or items written after it (those
    /// of the same collection).
    pub(super) fn context(&self, tail: &'a str) -> Option<Context<'a>> {
        match self.frames.last()? {
            Frame::Map {
                place,
                keys,
                phase: Phase::Key,
                ..
            } => {
                let mut written = keys.clone();
                written.extend(written_after(tail, true));
                Some(Context::Key {
                    place: *place,
                    written,
                })
            }
            Frame::Map {
                place,
                phase: Phase::Value(key),
                ..
            } => Some(Context::Value {
                place: *place,
                key,
                written: Vec::new(),
            }),
            Frame::List {
                place,
                key,
                items,
                done: false,
            } => {
                let mut written = items.clone();
                written.extend(written_after(tail, false));
                Some(Context::Value {
                    place: *place,
                    key,
                    written,
                })
            }
            _ => None,
        }
    }
}

/// Read `s` from `root` on; `None` when it cannot be read to its end.
pub(super) fn scan<'a>(s: &'a str, root: Frame<'a>) -> Option<Scan<'a>> {
    let mut frames = vec![root];
    let mut i = 0;
    loop {
        let flow = frames.last().is_some_and(Frame::is_flow);
        match token(s, i, flow) {
            Next::End => {
                return Some(Scan {
                    frames,
                    quote: None,
                });
            }
            Next::Stop => return None,
            Next::Token(Token::Quote(q), _) => {
                return Some(Scan {
                    frames,
                    quote: Some(q),
                });
            }
            Next::Token(t, next) => {
                step(&mut frames, t)?;
                i = next;
            }
        }
    }
}

/// Apply one token to the innermost collection.
fn step<'a>(frames: &mut Vec<Frame<'a>>, token: Token<'a>) -> Option<()> {
    let opened = match frames.last_mut()? {
        Frame::Map {
            place,
            flow,
            keys,
            phase,
        } => match (*phase, token) {
            (Phase::Key, Token::Scalar(k)) => {
                *phase = Phase::AfterKey(k);
                None
            }
            (Phase::AfterKey(k), Token::Colon) => {
                keys.push(k);
                *phase = Phase::Value(k);
                None
            }
            (Phase::Value(_), Token::Scalar(_)) => {
                *phase = Phase::Done;
                None
            }
            (Phase::Value(k), Token::Open(b'[')) => {
                *phase = Phase::Done;
                Some(Frame::list(*place, k))
            }
            (Phase::Value(k), Token::Open(b'{')) => {
                *phase = Phase::Done;
                Some(Frame::map(place.child(k), true))
            }
            // A flow mapping as a block list's item: `- { name: x }`.
            (Phase::Key, Token::Open(b'{')) if !*flow && keys.is_empty() => {
                *phase = Phase::Done;
                Some(Frame::map(*place, true))
            }
            (Phase::Key | Phase::Value(_) | Phase::Done, Token::Comma) if *flow => {
                *phase = Phase::Key;
                None
            }
            (Phase::Key | Phase::Value(_) | Phase::Done, Token::Close(b'}')) if *flow => {
                return close(frames);
            }
            _ => return None,
        },
        Frame::List {
            place,
            key,
            items,
            done,
        } => match token {
            Token::Scalar(v) if !*done => {
                items.push(v);
                *done = true;
                None
            }
            Token::Open(b'{') if !*done => {
                *done = true;
                Some(Frame::map(place.child(key), true))
            }
            Token::Open(b'[') if !*done => {
                *done = true;
                Some(Frame::list(Place::Other, key))
            }
            Token::Comma => {
                *done = false;
                None
            }
            Token::Close(b']') => return close(frames),
            _ => return None,
        },
    };
    frames.extend(opened);
    Some(())
}

/// Close the innermost collection; closing the outermost is the end of
/// what can be read.
fn close(frames: &mut Vec<Frame<'_>>) -> Option<()> {
    frames.pop();
    (!frames.is_empty()).then_some(())
}

/// The keys (`map`) or items written in the collection `tail` is the rest
/// of, up to where it closes.
pub(super) fn written_after(tail: &str, map: bool) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut last, mut i) = (0usize, None, 0);
    while let Next::Token(t, next) = token(tail, i, true) {
        i = next;
        match t {
            Token::Open(_) => (depth, last) = (depth + 1, None),
            Token::Close(_) if depth == 0 => break,
            Token::Close(_) => depth -= 1,
            Token::Colon => {
                if let (0, true, Some(k)) = (depth, map, last) {
                    out.push(k);
                }
                last = None;
            }
            Token::Scalar(v) => {
                if depth == 0 && !map {
                    out.push(v);
                }
                last = Some(v);
            }
            Token::Comma => last = None,
            Token::Quote(_) => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::declaration::vocabulary::Scope;

    fn tokens(s: &str, flow: bool) -> Vec<Token<'_>> {
        let mut out = Vec::new();
        let mut i = 0;
        while let Next::Token(t, next) = token(s, i, flow) {
            out.push(t);
            i = next;
        }
        out
    }

    #[test]
    fn plain_scalars_end_where_yaml_ends_them() {
        use Token::*;
        assert_eq!(
            tokens("tools: [{ name: Imagen 4, v: \"7\" }]", false),
            [
                Scalar("tools"),
                Colon,
                Open(b'['),
                Open(b'{'),
                Scalar("name"),
                Colon,
                // Out of flow, a `,` does not end a scalar.
                Scalar("Imagen 4, v"),
                Colon,
                Scalar("7"),
                Close(b'}'),
                Close(b']'),
            ]
        );
        assert_eq!(
            tokens("{ name: Imagen 4, url: http://x }", true),
            [
                Open(b'{'),
                Scalar("name"),
                Colon,
                Scalar("Imagen 4"),
                Comma,
                Scalar("url"),
                Colon,
                Scalar("http://x"),
                Close(b'}'),
            ]
        );
        assert_eq!(
            tokens("'it''s' \"a\\\"b\" \"", true)[..2],
            [Scalar("it''s"), Scalar("a\\\"b")]
        );
        assert_eq!(tokens("a # comment", false), [Scalar("a")]);
    }

    #[test]
    fn a_scan_knows_where_it_stands() {
        let place = Place::In(Scope::Use);
        let s = scan("tools: [{ name: x, ", Frame::map(place, false)).unwrap();
        assert_eq!(s.frames.len(), 3);
        match s.context("version: 2, enterprise: true }]") {
            Some(Context::Key { place, written }) => {
                assert_eq!(place, Place::In(Scope::Tool));
                assert_eq!(written, ["name", "version", "enterprise"]);
            }
            other => panic!("{other:?}"),
        }
        let s = scan("elements: [crowd, \"", Frame::map(place, false)).unwrap();
        assert_eq!(s.quote, Some('"'));
        assert!(matches!(
            s.context(", prop]"),
            Some(Context::Value { key: "elements", written, .. }) if written == ["crowd", "prop"]
        ));
        assert!(scan("description: \"half a string ", Frame::map(place, false)).is_none());
        assert!(scan("stage: temp # a ", Frame::map(place, false)).is_none());
        assert!(scan("a: b: ", Frame::map(place, false)).is_none());
        assert!(scan("[a]: ", Frame::map(place, false)).is_none());
    }
}
