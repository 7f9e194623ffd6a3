//! Markdown (`.md`): standard `---` YAML frontmatter at the top of the file,
//! in which `genai` is one key among others.
//!
//! A file holds one declaration: the rest of it is scanned for a second
//! block that carries a top-level `genai` key ([`declaration_block`]).

use std::sync::LazyLock;

use regex::bytes::Regex;

use super::Block;
use super::fountain::{Lines, after_blank_line, genai_key_in_block, lines_opening_with};
use crate::source::Span;

pub fn locate(bytes: &[u8]) -> Block {
    let start = if bytes.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let mut lines = Lines::new(bytes, start);
    let Some((s, e, _)) = lines.next() else {
        return Block::Missing;
    };
    if bytes[s..e].trim_ascii_end() != b"---" {
        return Block::Missing;
    }
    let yaml_start = lines.position();
    for (ls, le, _) in lines {
        let line = bytes[ls..le].trim_ascii_end();
        if line == b"---" || line == b"..." {
            return Block::Found {
                yaml: yaml_start..ls,
            };
        }
    }
    Block::Unterminated {
        span: start..start + 3,
        message: "the frontmatter opened here has no closing `---` line".into(),
    }
}

/// The `genai` key of the first declaration block in the body, which starts
/// at `from`: a `---` line that follows a blank line (or opens the body),
/// YAML from the very next line and a closing `---` or `...` line, as in
/// frontmatter; or a boneyard-wrapped block (`/*`, `---`) as in a Fountain
/// script. A block counts when its YAML has a top-level `genai` key. Fenced
/// code is skipped, and a `---` right under a line of text (a heading's
/// underline) opens nothing.
pub(crate) fn declaration_block(bytes: &[u8], from: usize) -> Option<Span> {
    static MARKS: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"```|~~~|---|/\*").expect("a valid regex"));
    let mut fence: Option<(u8, usize)> = None;
    for (s, e, next) in lines_opening_with(bytes, from, &MARKS) {
        let line = &bytes[s..e];
        let t = line.trim_ascii();
        if let Some((ch, len)) = fence {
            if fence_of(t).is_some_and(|(c, n)| c == ch && n >= len && n == t.len()) {
                fence = None;
            }
            continue;
        }
        if let Some(open) = fence_of(t) {
            fence = Some(open);
            continue;
        }
        let following = || Lines::new(bytes, next).next();
        let key = if line.trim_ascii_end() == b"---" && after_blank_line(bytes, from, s) {
            following()
                .filter(|&(a, b, _)| !bytes[a..b].trim_ascii().is_empty())
                .and_then(|_| genai_key_in_block(bytes, next, false))
        } else if t == b"/*" {
            following()
                .filter(|&(a, b, _)| bytes[a..b].trim_ascii() == b"---")
                .and_then(|(_, _, yaml)| genai_key_in_block(bytes, yaml, true))
        } else {
            None
        };
        if key.is_some() {
            return key;
        }
    }
    None
}

/// A code fence: its character and length (three or more backticks or
/// tildes at the start of the trimmed line).
fn fence_of(t: &[u8]) -> Option<(u8, usize)> {
    let ch = *t.first().filter(|&&c| c == b'`' || c == b'~')?;
    let n = t.iter().take_while(|&&c| c == ch).count();
    (n >= 3).then_some((ch, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frontmatter() {
        let text = "---\ntitle: Bible\ngenai: none\n---\n# Bible\n";
        let Block::Found { yaml } = locate(text.as_bytes()) else {
            panic!()
        };
        assert_eq!(&text[yaml], "title: Bible\ngenai: none\n");
    }

    #[test]
    fn no_frontmatter() {
        assert!(matches!(locate(b"# Title\n---\n"), Block::Missing));
    }

    #[test]
    fn cr_only_line_endings() {
        let text = "---\rgenai: none\r---\r# Bible\r";
        let Block::Found { yaml } = locate(text.as_bytes()) else {
            panic!()
        };
        assert_eq!(&text[yaml], "genai: none\r");
    }

    #[test]
    fn unterminated() {
        assert!(matches!(
            locate(b"---\ngenai: none\n"),
            Block::Unterminated { .. }
        ));
    }
}
