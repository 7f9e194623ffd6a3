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

use super::Block;

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
