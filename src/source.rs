//! A file's bytes and the mapping from byte offsets to lines and columns.
//!
//! Every span in aiclear is a byte range into the original file, so that a
//! declaration found inside a boneyard block, after a BOM or in a CRLF file still
//! points at the right place. Lines and columns are only computed when a
//! diagnostic is rendered: lines are 1-based, columns are 1-based and count
//! characters (not bytes, not UTF-16 units). Bytes that are not valid UTF-8 count
//! as one character each.

use std::ops::Range;
use std::sync::OnceLock;

/// A byte range into a file.
pub type Span = Range<usize>;

/// A 1-based line and character column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// The text of one file, as read from the worktree, the index or a tree.
#[derive(Clone, Debug)]
pub struct Source {
    /// Path relative to the project root, with `/` separators.
    pub path: String,
    pub bytes: Vec<u8>,
    /// Computed on first use: most files checked have nothing to render.
    line_starts: OnceLock<Vec<usize>>,
}

impl Source {
    pub fn new(path: impl Into<String>, bytes: Vec<u8>) -> Self {
        Self {
            path: path.into(),
            bytes,
            line_starts: OnceLock::new(),
        }
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            let bytes = &self.bytes;
            let mut starts = vec![0];
            for (i, &b) in bytes.iter().enumerate() {
                match b {
                    b'\n' => starts.push(i + 1),
                    // A lone CR (classic Mac line ending) ends a line too.
                    b'\r' if bytes.get(i + 1) != Some(&b'\n') => starts.push(i + 1),
                    _ => {}
                }
            }
            starts
        })
    }

    /// The text, with invalid UTF-8 replaced; for rendering only.
    pub fn text_lossy(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.bytes)
    }

    /// Line and column of a byte offset (clamped to the file).
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.bytes.len());
        let starts = self.line_starts();
        let line = match starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let mut start = starts[line];
        // A byte-order mark is not a column.
        if start == 0 && self.bytes.starts_with(b"\xEF\xBB\xBF") {
            start = 3.min(offset);
        }
        let column = count_chars(&self.bytes[start..offset]) + 1;
        LineCol {
            line: line + 1,
            column,
        }
    }

    /// Byte range of a 1-based line, without its line ending.
    pub fn line_span(&self, line: usize) -> Span {
        let starts = self.line_starts();
        let start = starts[line - 1];
        let mut end = starts.get(line).copied().unwrap_or(self.bytes.len());
        while end > start && matches!(self.bytes[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        start..end
    }

    pub fn line_count(&self) -> usize {
        self.line_starts().len()
    }
}

/// Characters in a byte slice, counting each invalid byte as one.
pub fn count_chars(bytes: &[u8]) -> usize {
    let mut n = 0;
    for chunk in bytes.utf8_chunks() {
        n += chunk.valid().chars().count() + chunk.invalid().len();
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters() {
        let s = Source::new("a", "é: ü\nx".as_bytes().to_vec());
        assert_eq!(s.line_col(4), LineCol { line: 1, column: 4 });
        assert_eq!(s.line_col(7), LineCol { line: 2, column: 1 });
    }

    #[test]
    fn crlf_and_cr_end_lines() {
        let s = Source::new("a", b"a\r\nb\rc\nd".to_vec());
        assert_eq!(s.line_col(3).line, 2);
        assert_eq!(s.line_col(5).line, 3);
        assert_eq!(s.line_col(7).line, 4);
        assert_eq!(s.line_span(1), 0..1);
    }

    #[test]
    fn a_bom_is_not_a_column() {
        let s = Source::new("a", b"\xEF\xBB\xBFab".to_vec());
        assert_eq!(s.line_col(4).column, 2);
    }

    #[test]
    fn invalid_bytes_count_as_one_column() {
        let s = Source::new("a", vec![0xff, 0xfe, b'x']);
        assert_eq!(s.line_col(2).column, 3);
    }
}
