//! Byte offsets and LSP positions.
//!
//! A diagnostic's span is a byte range into the file; the command line
//! turns it into 1-based lines and character columns ([`Source::line_col`]).
//! LSP positions use the same lines, from 0, and columns in the unit the
//! client and server agreed on at initialisation: UTF-8 bytes when the
//! client offers them, else UTF-16 code units (the protocol's default).
//! Lines end where [`Source`] ends them, and a byte-order mark is not a
//! column, so a position names the same place `check` names.

use lsp_types::{Position, PositionEncodingKind};

use crate::source::Source;

/// The unit of a position's column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

impl Encoding {
    /// The encoding to use with a client offering `offered`: UTF-8 when it
    /// is among them, else UTF-16, which every client supports.
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
        match offered {
            Some(kinds) if kinds.contains(&PositionEncodingKind::UTF8) => Encoding::Utf8,
            _ => Encoding::Utf16,
        }
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }
    }

    /// Columns taken by `text`.
    fn width(self, text: &str) -> usize {
        match self {
            Encoding::Utf8 => text.len(),
            Encoding::Utf16 => text.chars().map(char::len_utf16).sum(),
        }
    }
}

/// Where the columns of `line` (0-based) start: after a byte-order mark on
/// the first line.
fn line_start(source: &Source, line: usize) -> usize {
    let start = source.line_span(line + 1).start;
    if start == 0 && source.bytes.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        start
    }
}

/// The position of a byte offset (clamped to the file).
pub fn position(source: &Source, offset: usize, encoding: Encoding) -> Position {
    let offset = offset.min(source.bytes.len());
    let line = source.line_col(offset).line - 1;
    let start = line_start(source, line).min(offset);
    let column = encoding.width(&String::from_utf8_lossy(&source.bytes[start..offset]));
    Position {
        line: u32::try_from(line).unwrap_or(u32::MAX),
        character: u32::try_from(column).unwrap_or(u32::MAX),
    }
}

/// The byte offset of a position; a column past the end of its line is
/// the end of the line, a line past the end of the file the end of the file.
pub fn offset(source: &Source, at: Position, encoding: Encoding) -> usize {
    let line = at.line as usize;
    if line >= source.line_count() {
        return source.bytes.len();
    }
    let start = line_start(source, line);
    let end = source.line_span(line + 1).end.max(start);
    let text = String::from_utf8_lossy(&source.bytes[start..end]);
    let mut columns = 0;
    let mut bytes = 0;
    for c in text.chars() {
        if columns >= at.character as usize {
            break;
        }
        columns += encoding.width(c.encode_utf8(&mut [0; 4]));
        // A document's text is UTF-8: it came as a JSON string.
        bytes += c.len_utf8();
    }
    (start + bytes).min(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(text: &str) -> Source {
        Source::new("a.fountain", text.as_bytes().to_vec())
    }

    fn at(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    #[test]
    fn utf8_is_chosen_only_when_offered() {
        let both = [PositionEncodingKind::UTF16, PositionEncodingKind::UTF8];
        assert_eq!(Encoding::negotiate(Some(&both)), Encoding::Utf8);
        let utf16 = [PositionEncodingKind::UTF16];
        assert_eq!(Encoding::negotiate(Some(&utf16)), Encoding::Utf16);
        assert_eq!(Encoding::negotiate(None), Encoding::Utf16);
    }

    #[test]
    fn columns_count_utf16_units_or_bytes() {
        // `é` is 2 bytes and 1 unit; `𝄞` is 4 bytes and 2 units.
        let s = source("ab\né𝄞x: 1\n");
        let x = "ab\né𝄞".len();
        assert_eq!(position(&s, x, Encoding::Utf16), at(1, 3));
        assert_eq!(position(&s, x, Encoding::Utf8), at(1, 6));
        assert_eq!(position(&s, 0, Encoding::Utf16), at(0, 0));
        assert_eq!(offset(&s, at(1, 3), Encoding::Utf16), x);
        assert_eq!(offset(&s, at(1, 6), Encoding::Utf8), x);
    }

    #[test]
    fn lines_agree_with_the_command_line() {
        let s = source("a\r\nb\rc\n");
        for offset in 0..s.bytes.len() {
            let lc = s.line_col(offset);
            let p = position(&s, offset, Encoding::Utf16);
            assert_eq!(p.line as usize, lc.line - 1, "offset {offset}");
        }
        assert_eq!(position(&s, 5, Encoding::Utf16), at(2, 0));
    }

    #[test]
    fn a_byte_order_mark_is_not_a_column() {
        let s = Source::new("a.fountain", b"\xEF\xBB\xBFTitle: x\n".to_vec());
        assert_eq!(position(&s, 3, Encoding::Utf16), at(0, 0));
        assert_eq!(position(&s, 8, Encoding::Utf8), at(0, 5));
        assert_eq!(offset(&s, at(0, 5), Encoding::Utf8), 8);
    }

    #[test]
    fn positions_past_the_end_are_clamped() {
        let s = source("ab\ncd");
        assert_eq!(offset(&s, at(0, 99), Encoding::Utf16), 2);
        assert_eq!(offset(&s, at(9, 0), Encoding::Utf16), 5);
    }
}
