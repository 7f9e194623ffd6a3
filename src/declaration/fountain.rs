//! Fountain screenplays (`.fountain`, `.spmd`).
//!
//! The declaration is YAML between `---` lines, wrapped in a boneyard comment
//! (`/*` … `*/`) so that every screenplay app ignores it. It sits right after
//! the title page, or at the top of a script without one; the same block at
//! the very top, and bare `---` frontmatter at the very top, are read too.
//! Only the lines up to the declaration are looked at: the body of the script
//! may be in any encoding and is never decoded. Other boneyards (Beat's
//! settings, scriptrag's metadata) do not start with `---` and are not
//! declarations.
//!
//! A script holds one declaration. The rest of the file is scanned, line by
//! line and without a YAML parser, for a second block of the same shape
//! whose YAML has a top-level `genai` key ([`declaration_block`]).

use std::sync::LazyLock;

use regex::bytes::Regex;

use super::Block;
use crate::source::Span;

/// Lines of the file with their byte ranges (without line endings); LF,
/// CRLF and lone CR all end a line.
pub(crate) struct Lines<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(bytes: &'a [u8], pos: usize) -> Self {
        Self { bytes, pos }
    }

    /// Where the next line starts.
    pub(crate) fn position(&self) -> usize {
        self.pos
    }
}

impl<'a> Iterator for Lines<'a> {
    /// (start of line, end of content, start of next line)
    type Item = (usize, usize, usize);

    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.bytes.len() {
            return None;
        }
        let start = self.pos;
        let rest = &self.bytes[start..];
        let (end, next) = match rest.iter().position(|&b| b == b'\n' || b == b'\r') {
            Some(i) if rest[i] == b'\r' && rest.get(i + 1) == Some(&b'\n') => {
                (start + i, start + i + 2)
            }
            Some(i) => (start + i, start + i + 1),
            None => (self.bytes.len(), self.bytes.len()),
        };
        self.pos = next;
        Some((start, end, next))
    }
}

fn trimmed(line: &[u8]) -> &[u8] {
    line.trim_ascii()
}

/// Whether a line opens a title page: `Key: value` at the start of the line.
pub(crate) fn is_title_key(line: &[u8]) -> bool {
    let Some(colon) = line.iter().position(|&b| b == b':') else {
        return false;
    };
    let key = &line[..colon];
    !key.is_empty()
        && key[0].is_ascii_alphabetic()
        && key
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b' ' | b'_' | b'-'))
}

/// Find the declaration block of a Fountain script.
pub fn locate(bytes: &[u8]) -> Block {
    let start = if bytes.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let body = &bytes[start..];

    // At the very top: boneyard-wrapped block, or bare frontmatter.
    if let Some(block) = block_at(bytes, start, true) {
        return block;
    }

    // After the title page (key: value lines up to the first blank line).
    let mut lines = Lines { bytes, pos: start };
    let Some((s, e, _)) = lines.next() else {
        return Block::Missing;
    };
    if !is_title_key(&bytes[s..e]) || body.is_empty() {
        return Block::Missing;
    }
    let mut after = None;
    for (s, e, next) in lines.by_ref() {
        if trimmed(&bytes[s..e]).is_empty() {
            after = Some(next);
            break;
        }
    }
    let Some(mut pos) = after else {
        return Block::Missing;
    };
    // Skip further blank lines.
    for (s, e, next) in (Lines { bytes, pos }) {
        if !trimmed(&bytes[s..e]).is_empty() {
            break;
        }
        pos = next;
    }
    block_at(bytes, pos, false).unwrap_or(Block::Missing)
}

/// A declaration block starting at `pos`, if one starts there.
fn block_at(bytes: &[u8], pos: usize, allow_bare: bool) -> Option<Block> {
    let mut lines = Lines { bytes, pos };
    let (s, e, _) = lines.next()?;
    let first = trimmed(&bytes[s..e]);
    let wrapped = first == b"/*";
    if wrapped {
        let (s2, e2, _) = lines.next()?;
        if trimmed(&bytes[s2..e2]) != b"---" {
            return None;
        }
    } else if !(allow_bare && &bytes[s..e] == b"---") {
        return None;
    }
    let yaml_start = lines.pos;
    for (ls, le, _) in lines.by_ref() {
        let line = trimmed(&bytes[ls..le]);
        if line == b"---" || (!wrapped && line == b"...") {
            if wrapped {
                // The boneyard must close right after the YAML.
                let closes = (Lines {
                    bytes,
                    pos: lines.pos,
                })
                .find(|&(a, b, _)| !trimmed(&bytes[a..b]).is_empty())
                .is_some_and(|(a, b, _)| trimmed(&bytes[a..b]) == b"*/");
                if !closes {
                    return Some(Block::Unterminated {
                        span: s..e,
                        message: "the declaration's boneyard is not closed with `*/` right after its closing `---`".into(),
                    });
                }
            }
            return Some(Block::Found {
                yaml: yaml_start..ls,
            });
        }
        if wrapped && line.ends_with(b"*/") {
            break;
        }
    }
    Some(Block::Unterminated {
        span: s..e,
        message: if wrapped {
            "the declaration block opened here has no closing `---` line before `*/`".into()
        } else {
            "the frontmatter opened here has no closing `---` line".into()
        },
    })
}

/// The `genai` key of the first boneyard-wrapped declaration block (a `/*`
/// line, a `---` line, YAML with a top-level `genai` key) that starts at or
/// after `from`. Boneyards of any other shape are not looked into.
pub(crate) fn declaration_block(bytes: &[u8], from: usize) -> Option<Span> {
    static OPEN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"/\*").expect("a valid regex"));
    for (s, e, next) in lines_opening_with(bytes, from, &OPEN) {
        if trimmed(&bytes[s..e]) != b"/*" {
            continue;
        }
        if let Some((s2, e2, yaml)) = Lines::new(bytes, next).next()
            && trimmed(&bytes[s2..e2]) == b"---"
            && let Some(key) = genai_key_in_block(bytes, yaml, true)
        {
            return Some(key);
        }
    }
    None
}

/// Blanks that may come before a line's first mark: what [`trimmed`] trims,
/// line endings aside.
fn is_blank(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\x0c')
}

/// The lines from `from` on (a line start) whose first non-blank bytes
/// match `re`, as [`Lines`] gives them. The text between them is searched,
/// not split into lines, so a long body costs little.
pub(crate) fn lines_opening_with<'a>(
    bytes: &'a [u8],
    from: usize,
    re: &'a Regex,
) -> impl Iterator<Item = (usize, usize, usize)> + 'a {
    let mut pos = from;
    std::iter::from_fn(move || {
        loop {
            let m = re.find_at(bytes, pos)?;
            let mut start = m.start();
            while start > from && is_blank(bytes[start - 1]) {
                start -= 1;
            }
            if start == from || matches!(bytes[start - 1], b'\n' | b'\r') {
                let line = Lines::new(bytes, start).next()?;
                pos = line.2;
                return Some(line);
            }
            pos = m.end();
        }
    })
}

/// Whether the line before the one that starts at `s` is blank; the line at
/// `from`, where the text looked at starts, counts as following one.
pub(crate) fn after_blank_line(bytes: &[u8], from: usize, s: usize) -> bool {
    if s <= from {
        return true;
    }
    let mut i = s - 1;
    if bytes[i] == b'\n' && i > from && bytes[i - 1] == b'\r' {
        i -= 1;
    }
    while i > from && is_blank(bytes[i - 1]) {
        i -= 1;
    }
    i == from || matches!(bytes[i - 1], b'\n' | b'\r')
}

/// The top-level `genai` key of the YAML that starts at `pos`, read line by
/// line up to the block's closing `---` (also `...` for a bare block) or, in
/// a boneyard (`wrapped`), the line that closes it with `*/`. A bare block
/// that is never closed is not a block.
///
/// The top level is the indentation of the first line that is neither blank
/// nor a comment; a block that opens with `{` is a flow mapping, in which a
/// `genai` key after `{` or `,` counts.
pub(crate) fn genai_key_in_block(bytes: &[u8], pos: usize, wrapped: bool) -> Option<Span> {
    let mut top: Option<(usize, bool)> = None;
    let mut found = None;
    for (s, e, _) in Lines::new(bytes, pos) {
        let line = &bytes[s..e];
        let t = trimmed(line);
        if t == b"---" || (!wrapped && t == b"...") {
            return found;
        }
        if found.is_none() && !t.is_empty() && !t.starts_with(b"#") {
            let indent = line.len() - line.trim_ascii_start().len();
            let (top_indent, flow) = *top.get_or_insert((indent, t.starts_with(b"{")));
            found = if flow {
                flow_genai_key(line).map(|(at, len)| s + at..s + at + len)
            } else if indent == top_indent {
                genai_key_len(&line[indent..]).map(|len| s + indent..s + indent + len)
            } else {
                None
            };
        }
        if wrapped && t.ends_with(b"*/") {
            return found;
        }
    }
    if wrapped { found } else { None }
}

/// The length of a `genai` key (`genai`, `"genai"` or `'genai'`, then `:`)
/// at the start of `text`.
fn genai_key_len(text: &[u8]) -> Option<usize> {
    let (len, quoted) = if text.starts_with(b"genai") {
        (5, false)
    } else if text.starts_with(b"\"genai\"") || text.starts_with(b"'genai'") {
        (7, true)
    } else {
        return None;
    };
    let after = text[len..].trim_ascii_start().strip_prefix(b":")?;
    (quoted || after.first().is_none_or(|b| b.is_ascii_whitespace())).then_some(len)
}

/// Where a `genai` key sits on a line of a flow mapping, and its length:
/// right after `{` or `,`, or at the start of the line.
fn flow_genai_key(line: &[u8]) -> Option<(usize, usize)> {
    let starts = line
        .iter()
        .enumerate()
        .filter(|&(_, &b)| b == b'{' || b == b',')
        .map(|(i, _)| i + 1);
    std::iter::once(0).chain(starts).find_map(|at| {
        let rest = &line[at..];
        let at = at + rest.len() - rest.trim_ascii_start().len();
        genai_key_len(&line[at..]).map(|len| (at, len))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> &str {
        match locate(text.as_bytes()) {
            Block::Found { yaml } => &text[yaml],
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn after_title_page() {
        let text = "Title: X\nAuthor: Y\n\n/*\n---\ngenai: none\n---\n*/\n\nINT. A - DAY\n";
        assert_eq!(yaml(text), "genai: none\n");
    }

    #[test]
    fn at_the_top_with_bom_and_crlf() {
        let text = "\u{feff}/*\r\n---\r\ngenai: none\r\n---\r\n*/\r\nINT. A\r\n";
        assert_eq!(yaml(text), "genai: none\r\n");
    }

    #[test]
    fn bare_frontmatter() {
        assert_eq!(yaml("---\ngenai: none\n---\nINT. A\n"), "genai: none\n");
    }

    #[test]
    fn other_boneyards_are_not_declarations() {
        let text = "Title: X\n\n/* SCRIPTRAG-META-START\n{}\nSCRIPTRAG-META-END */\n";
        assert!(matches!(locate(text.as_bytes()), Block::Missing));
        assert!(matches!(
            locate(b"INT. HOUSE - DAY\n\n/*\n---\ngenai: none\n---\n*/\n"),
            Block::Missing
        ));
    }

    #[test]
    fn unterminated() {
        let text = "Title: X\n\n/*\n---\ngenai: none\n*/\nINT. A\n";
        assert!(matches!(
            locate(text.as_bytes()),
            Block::Unterminated { .. }
        ));
    }

    #[test]
    fn latin1_body_is_fine() {
        let mut bytes = b"/*\n---\ngenai: none\n---\n*/\n".to_vec();
        bytes.extend_from_slice(b"INT. CAF\xC9 - DAY\n");
        assert!(matches!(locate(&bytes), Block::Found { .. }));
    }

    #[test]
    fn cr_only_line_endings() {
        assert_eq!(
            yaml("Title: X\r\r/*\r---\rgenai: none\r---\r*/\r"),
            "genai: none\r"
        );
    }
}
