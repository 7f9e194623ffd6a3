//! Tokens of a text USD layer (`.usda`), as Sdf's text format splits them:
//! `#`, `//` and `/* … */` comments, single-line `'…'`/`"…"` strings and
//! triple-quoted `'''…'''`/`"""…"""` strings that may run over lines and
//! hold `#`, `@…@` and `@@@…@@@` asset paths, `<…>` scene paths, numbers,
//! identifiers (keywords included) and punctuation. Newlines are tokens:
//! they separate statements.

use crate::source::Span;

/// What a token is.
#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    Newline,
    /// One of `=`, `,`, `;`, `:`, `[`, `]`, `(`, `)`, `{`, `}`, `&`, `$`, `.`, `-`.
    Punct(u8),
    /// A quoted string, its escapes decoded.
    Str(String),
    Ident,
    Number,
    /// An asset path, without its `@`s.
    Asset(String),
    Path,
    Eof,
}

/// A token and the bytes it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub span: Span,
}

/// A text that cannot be split into tokens, at `span`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LexError {
    pub span: Span,
    pub message: String,
    pub label: &'static str,
    /// The text ended before the token did.
    pub at_end: bool,
}

/// The tokens of a layer, from a byte offset on.
#[derive(Clone)]
pub struct Lexer<'a> {
    bytes: &'a [u8],
    pub pos: usize,
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

impl<'a> Lexer<'a> {
    pub fn new(bytes: &'a [u8], pos: usize) -> Self {
        Lexer { bytes, pos }
    }

    fn at(&self, i: usize) -> u8 {
        self.bytes.get(i).copied().unwrap_or(0)
    }

    /// The next token without taking it.
    pub fn peek(&self) -> Result<Token, LexError> {
        self.clone().next_token()
    }

    /// The next token.
    pub fn next_token(&mut self) -> Result<Token, LexError> {
        self.skip_blanks_and_comments()?;
        let start = self.pos;
        let tok = |tok, end| Token {
            tok,
            span: start..end,
        };
        let Some(&b) = self.bytes.get(start) else {
            return Ok(tok(Tok::Eof, start));
        };
        let token = match b {
            b'\n' => {
                self.pos += 1;
                tok(Tok::Newline, self.pos)
            }
            b'\r' => {
                self.pos += if self.at(start + 1) == b'\n' { 2 } else { 1 };
                tok(Tok::Newline, self.pos)
            }
            b'"' | b'\'' => {
                let s = self.string(b)?;
                tok(Tok::Str(s), self.pos)
            }
            b'@' => {
                let s = self.asset()?;
                tok(Tok::Asset(s), self.pos)
            }
            b'<' => {
                let end = self.bytes[start + 1..]
                    .iter()
                    .position(|&c| matches!(c, b'>' | b'<' | b'\n' | b'\r'))
                    .map(|i| start + 1 + i)
                    .filter(|&i| self.bytes[i] == b'>')
                    .ok_or_else(|| LexError {
                        span: start..start + 1,
                        message: "a scene path `<…>` opened here is not closed on its line".into(),
                        label: "opened here",
                        at_end: false,
                    })?;
                self.pos = end + 1;
                tok(Tok::Path, self.pos)
            }
            b'0'..=b'9' | b'.' if self.number_at(start) => {
                self.number();
                tok(Tok::Number, self.pos)
            }
            b'-' if self.number_at(start + 1) || self.bytes[start..].starts_with(b"-inf") => {
                if self.bytes[start..].starts_with(b"-inf") {
                    self.pos += 4;
                } else {
                    self.pos += 1;
                    self.number();
                }
                tok(Tok::Number, self.pos)
            }
            b if is_ident_start(b) => {
                self.identifier();
                tok(Tok::Ident, self.pos)
            }
            b'=' | b',' | b';' | b':' | b'[' | b']' | b'(' | b')' | b'{' | b'}' | b'&' | b'$'
            | b'.' | b'-' => {
                self.pos += 1;
                tok(Tok::Punct(b), self.pos)
            }
            _ => {
                let len = utf8_len(b).min(self.bytes.len() - start);
                return Err(LexError {
                    span: start..start + len,
                    message: "a character that text USD does not use here".into(),
                    label: "not USD syntax",
                    at_end: false,
                });
            }
        };
        Ok(token)
    }

    fn skip_blanks_and_comments(&mut self) -> Result<(), LexError> {
        loop {
            match self.at(self.pos) {
                b' ' | b'\t' | b'\x0c' | b'\x0b' => self.pos += 1,
                b'#' => self.skip_line(),
                b'/' if self.at(self.pos + 1) == b'/' => self.skip_line(),
                b'/' if self.at(self.pos + 1) == b'*' => {
                    let start = self.pos;
                    let rest = &self.bytes[start + 2..];
                    let close = find(rest, b"*/").ok_or_else(|| LexError {
                        span: start..start + 2,
                        message: "a `/*` comment opened here is never closed with `*/`".into(),
                        label: "opened here",
                        at_end: true,
                    })?;
                    self.pos = start + 2 + close + 2;
                }
                _ => return Ok(()),
            }
        }
    }

    fn skip_line(&mut self) {
        while self.pos < self.bytes.len() && !matches!(self.bytes[self.pos], b'\n' | b'\r') {
            self.pos += 1;
        }
    }

    fn number_at(&self, i: usize) -> bool {
        let b = self.at(i);
        b.is_ascii_digit() || (b == b'.' && self.at(i + 1).is_ascii_digit())
    }

    fn number(&mut self) {
        let digits = |l: &mut Self| {
            while l.at(l.pos).is_ascii_digit() {
                l.pos += 1;
            }
        };
        digits(self);
        if self.at(self.pos) == b'.' {
            self.pos += 1;
            digits(self);
        }
        if matches!(self.at(self.pos), b'e' | b'E') {
            let save = self.pos;
            self.pos += 1;
            if matches!(self.at(self.pos), b'+' | b'-') {
                self.pos += 1;
            }
            if self.at(self.pos).is_ascii_digit() {
                digits(self);
            } else {
                self.pos = save;
            }
        }
    }

    fn identifier(&mut self) {
        loop {
            while is_ident(self.at(self.pos)) {
                self.pos += 1;
            }
            // `a:b` and `a::b` are one name.
            let colons = if self.bytes[self.pos..].starts_with(b"::") {
                2
            } else if self.at(self.pos) == b':' {
                1
            } else {
                0
            };
            if colons > 0 && is_ident_start(self.at(self.pos + colons)) {
                self.pos += colons;
            } else {
                return;
            }
        }
    }

    /// A quoted string at `self.pos`, opened with `q`.
    fn string(&mut self, q: u8) -> Result<String, LexError> {
        let start = self.pos;
        let triple = self.at(start + 1) == q && self.at(start + 2) == q;
        let (open, close): (usize, &[u8]) = if triple {
            (3, if q == b'"' { b"\"\"\"" } else { b"'''" })
        } else {
            (1, if q == b'"' { b"\"" } else { b"'" })
        };
        let mut i = start + open;
        let mut raw = Vec::new();
        while let Some(&c) = self.bytes.get(i) {
            if !triple && matches!(c, b'\n' | b'\r') {
                break;
            }
            if c == b'\\' && i + 1 < self.bytes.len() {
                i = unescape(self.bytes, i, &mut raw);
                continue;
            }
            if self.bytes[i..].starts_with(close) {
                self.pos = i + close.len();
                return String::from_utf8(raw).map_err(|e| LexError {
                    span: start..self.pos,
                    message: format!(
                        "the string holds bytes that are not UTF-8 (at byte {})",
                        e.utf8_error().valid_up_to()
                    ),
                    label: "not UTF-8",
                    at_end: false,
                });
            }
            raw.push(c);
            i += 1;
        }
        let what = if triple {
            format!(
                "a `{}` string opened here is never closed",
                String::from_utf8_lossy(close)
            )
        } else {
            "a string opened here is not closed on its line".to_owned()
        };
        Err(LexError {
            span: start..start + open,
            message: what,
            label: "opened here",
            at_end: i >= self.bytes.len(),
        })
    }

    fn asset(&mut self) -> Result<String, LexError> {
        let start = self.pos;
        let (open, close): (usize, &[u8]) = if self.bytes[start..].starts_with(b"@@@") {
            (3, b"@@@")
        } else {
            (1, b"@")
        };
        let body = &self.bytes[start + open..];
        let end = body
            .iter()
            .position(|&c| c == b'\n' || c == b'\r')
            .unwrap_or(body.len());
        let found = find(&body[..end], close).ok_or_else(|| LexError {
            span: start..start + open,
            message: "an asset path opened here is not closed on its line".into(),
            label: "opened here",
            at_end: false,
        })?;
        self.pos = start + open + found + close.len();
        Ok(String::from_utf8_lossy(&body[..found]).into_owned())
    }
}

/// Decode the escape at `bytes[i]` (a backslash) into `out`; where the
/// text goes on.
fn unescape(bytes: &[u8], i: usize, out: &mut Vec<u8>) -> usize {
    let c = bytes[i + 1];
    let simple = match c {
        b'n' => Some(b'\n'),
        b't' => Some(b'\t'),
        b'r' => Some(b'\r'),
        b'a' => Some(7),
        b'b' => Some(8),
        b'f' => Some(12),
        b'v' => Some(11),
        b'\\' | b'"' | b'\'' => Some(c),
        _ => None,
    };
    if let Some(b) = simple {
        out.push(b);
        return i + 2;
    }
    if c == b'x' {
        let hex: Vec<u8> = bytes[i + 2..]
            .iter()
            .take(2)
            .take_while(|b| b.is_ascii_hexdigit())
            .copied()
            .collect();
        if let Some(v) = std::str::from_utf8(&hex)
            .ok()
            .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            return i + 2 + hex.len();
        }
    }
    if (b'0'..=b'7').contains(&c) {
        let oct: Vec<u8> = bytes[i + 1..]
            .iter()
            .take(3)
            .take_while(|b| (b'0'..=b'7').contains(*b))
            .copied()
            .collect();
        let v = oct.iter().fold(0u32, |a, d| a * 8 + u32::from(d - b'0'));
        out.push(u8::try_from(v).unwrap_or(u8::MAX));
        return i + 1 + oct.len();
    }
    out.push(c);
    i + 2
}

fn utf8_len(b: u8) -> usize {
    match b {
        0xF0..=0xF7 => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

/// Where `needle` first occurs in `hay`.
pub fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(text: &str) -> Vec<(Tok, &str)> {
        let mut l = Lexer::new(text.as_bytes(), 0);
        let mut out = Vec::new();
        loop {
            let t = l.next_token().unwrap();
            if t.tok == Tok::Eof {
                return out;
            }
            out.push((t.tok, &text[t.span]));
        }
    }

    #[test]
    fn strings_comments_and_names() {
        let t = toks("string \"a-b\" = '''x # y\n''' # c\n// d\n/* e\n */ @a.usd@ <x> -1.5e3 ns:a");
        let kinds: Vec<&str> = t.iter().map(|(_, s)| *s).collect();
        assert_eq!(
            kinds,
            [
                "string",
                "\"a-b\"",
                "=",
                "'''x # y\n'''",
                "\n",
                "\n",
                "@a.usd@",
                "<x>",
                "-1.5e3",
                "ns:a"
            ]
        );
        assert_eq!(t[3].0, Tok::Str("x # y\n".into()));
    }

    #[test]
    fn escapes_and_empty_strings() {
        let t = toks(r#""a\"b\n" '' """""""#);
        assert_eq!(t[0].0, Tok::Str("a\"b\n".into()));
        assert_eq!(t[1].0, Tok::Str(String::new()));
        assert_eq!(t[2].0, Tok::Str(String::new()));
    }

    #[test]
    fn unterminated() {
        for text in ["\"abc\n\"", "'''abc", "/* x", "@a\n@", "<a\n>"] {
            let mut l = Lexer::new(text.as_bytes(), 0);
            assert!(l.next_token().is_err(), "{text:?}");
        }
    }
}
