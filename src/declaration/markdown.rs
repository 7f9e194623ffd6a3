//! Markdown (`.md`): standard `---` YAML frontmatter at the top of the file,
//! in which `genai` is one key among others.

use super::Block;

pub fn locate(bytes: &[u8]) -> Block {
    let start = if bytes.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let mut lines = super::fountain::Lines::new(bytes, start);
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
