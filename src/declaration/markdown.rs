//! Markdown (`.md`): standard `---` YAML frontmatter at the top of the file,
//! in which `genai` is one key among others.

use super::Block;

pub fn locate(bytes: &[u8]) -> Block {
    let start = if bytes.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let rest = &bytes[start..];
    let first_end = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
    if rest[..first_end].trim_ascii_end() != b"---" {
        return Block::Missing;
    }
    let yaml_start = start + (first_end + 1).min(rest.len());
    let mut pos = yaml_start;
    while pos < bytes.len() {
        let end = bytes[pos..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |i| pos + i);
        let line = bytes[pos..end].trim_ascii_end();
        if line == b"---" || line == b"..." {
            return Block::Found {
                yaml: yaml_start..pos,
            };
        }
        pos = end + 1;
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
    fn unterminated() {
        assert!(matches!(
            locate(b"---\ngenai: none\n"),
            Block::Unterminated { .. }
        ));
    }
}
