//! The writers a file credits: a script's title page, a treatment's
//! frontmatter, a shot sheet's or timeline's credits metadata.
//!
//! Each kind of file names its writers in its own place, and a rule that
//! asks who wrote a file (WGA103) should not care which. Every name comes
//! with the byte range it was read from, so a finding points at the name
//! itself on the title page.
//!
//! - Fountain: the title page's `Author:` and `Authors:` values, inline and
//!   on the indented lines that follow the key (the Fountain syntax's way of
//!   giving a key several values). Keys are case-insensitive; the title page
//!   ends at the first blank line. A declaration block at the very top of
//!   the script is skipped, as the declaration reader allows one there.
//! - Markdown: the frontmatter's `author`, `authors`, `writer` or
//!   `writers`.
//! - YAML and JSON: `credits: {writers | writer | written-by: …}` at the top
//!   level or under `metadata` (OpenTimelineIO's namespaced metadata).
//!
//! A value is a text or a list of texts; in Markdown, YAML and JSON an entry
//! may also be a mapping with a `name`. Anything else is not a credit and
//! is passed over: reading credits never reports a problem.

use super::fountain::{Lines, is_title_key};
use super::{Block, markdown};
use crate::kind::FileKind;
use crate::schema::At;
use crate::yaml::{self, Node, Value};

/// Frontmatter keys of a Markdown file that name its writers.
const MARKDOWN_KEYS: &[&str] = &["author", "authors", "writer", "writers"];

/// Keys of a `credits` mapping that name the writers.
const CREDITS_KEYS: &[&str] = &["writers", "writer", "written-by"];

/// Lines of a title page's value that join names rather than give one.
const CONNECTIVES: &[&str] = &["and", "&", "with", "by"];

/// The writers `bytes`, a file of `kind`, names, each with its byte range.
pub fn credits(kind: FileKind, bytes: &[u8]) -> Vec<At<String>> {
    match kind {
        FileKind::Fountain => title_page(bytes),
        FileKind::Markdown => match markdown::locate(bytes) {
            Block::Found { yaml } => parsed(bytes, yaml.start, yaml.end)
                .map(|node| names_under(&node, MARKDOWN_KEYS))
                .unwrap_or_default(),
            _ => Vec::new(),
        },
        FileKind::Yaml | FileKind::Json => metadata(bytes),
        FileKind::Usda | FileKind::Sidecar => Vec::new(),
    }
}

/// The YAML (or JSON) text of `bytes[start..end]`, parsed with spans into
/// the file.
fn parsed(bytes: &[u8], start: usize, end: usize) -> Option<Node> {
    let text = std::str::from_utf8(&bytes[start..end]).ok()?;
    yaml::parse(text, start).ok()
}

/// `credits` at the top level of a YAML or JSON file, or under `metadata`.
fn metadata(bytes: &[u8]) -> Vec<At<String>> {
    // Most shot sheets and timelines credit no one: skip parsing them twice.
    if !bytes.windows(7).any(|w| w == b"credits") {
        return Vec::new();
    }
    let start = if bytes.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let Some(top) = parsed(bytes, start, bytes.len()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for node in [Some(&top), entry(&top, "metadata")].into_iter().flatten() {
        if let Some(credits) = entry(node, "credits") {
            out.extend(names_under(credits, CREDITS_KEYS));
        }
    }
    out
}

/// The value of `key` in a mapping.
fn entry<'n>(node: &'n Node, key: &str) -> Option<&'n Node> {
    match &node.value {
        Value::Map(entries) => entries.iter().find(|(k, _)| k.name == key).map(|(_, v)| v),
        _ => None,
    }
}

/// The names given under any of `keys` of a mapping, in the file's order.
fn names_under(node: &Node, keys: &[&str]) -> Vec<At<String>> {
    let Value::Map(entries) = &node.value else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (k, v) in entries {
        if keys.contains(&k.name.as_str()) {
            names(v, &mut out);
        }
    }
    out
}

/// A text, a list of texts, or mappings with a `name`.
fn names(node: &Node, out: &mut Vec<At<String>>) {
    match &node.value {
        Value::Str(s) if !s.trim().is_empty() => {
            out.push(At::new(s.trim().to_owned(), node.span.clone()));
        }
        Value::Seq(items) => {
            for item in items {
                match &item.value {
                    Value::Map(_) => {
                        if let Some(name) = entry(item, "name") {
                            names(name, out);
                        }
                    }
                    Value::Seq(_) => {}
                    _ => names(item, out),
                }
            }
        }
        Value::Map(_) => {
            if let Some(name) = entry(node, "name") {
                names(name, out);
            }
        }
        _ => {}
    }
}

/// Where the title page of a Fountain script starts: after a BOM, and after
/// a declaration block at the very top (boneyard-wrapped YAML, or bare
/// frontmatter) and the blank lines after it.
fn title_page_start(bytes: &[u8]) -> usize {
    let mut pos = if bytes.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let mut lines = Lines::new(bytes, pos);
    let first = lines.next().map(|(s, e, _)| bytes[s..e].trim_ascii());
    let closer: Option<&[&[u8]]> = match first {
        Some(b"/*") => Some(&[b"*/"]),
        Some(b"---") => Some(&[b"---", b"..."]),
        _ => None,
    };
    if let Some(closer) = closer {
        match lines.find(|&(s, e, _)| closer.contains(&bytes[s..e].trim_ascii())) {
            Some((_, _, next)) => pos = next,
            // An unclosed block: no title page can follow it.
            None => return bytes.len(),
        }
        for (s, e, next) in Lines::new(bytes, pos) {
            if !bytes[s..e].trim_ascii().is_empty() {
                break;
            }
            pos = next;
        }
    }
    pos
}

/// The `Author:` and `Authors:` values of a Fountain title page.
fn title_page(bytes: &[u8]) -> Vec<At<String>> {
    let start = title_page_start(bytes);
    let mut out = Vec::new();
    let mut lines = Lines::new(bytes, start);
    match lines.next() {
        Some((s, e, _)) if is_title_key(&bytes[s..e]) => {
            lines = Lines::new(bytes, s);
        }
        _ => return out,
    }
    // Whether the key being read names the authors.
    let mut in_author = false;
    for (s, e, _) in lines {
        let line = &bytes[s..e];
        if line.trim_ascii().is_empty() {
            break;
        }
        let indented = matches!(line.first(), Some(b' ' | b'\t'));
        if indented {
            if in_author {
                push_value(bytes, s, e, &mut out);
            }
            continue;
        }
        if !is_title_key(line) {
            // Not a title page entry: it ends the one before.
            in_author = false;
            continue;
        }
        let colon = line.iter().position(|&b| b == b':').unwrap_or(line.len());
        let key = line[..colon].trim_ascii();
        in_author = key.eq_ignore_ascii_case(b"author") || key.eq_ignore_ascii_case(b"authors");
        if in_author {
            push_value(bytes, s + colon + 1, e, &mut out);
        }
    }
    out
}

/// The text of `bytes[start..end]`, without the blanks around it, as a
/// name: unless it is empty, only joins two names, or is not UTF-8.
fn push_value(bytes: &[u8], start: usize, end: usize, out: &mut Vec<At<String>>) {
    let raw = &bytes[start..end];
    let lead = raw.len() - raw.trim_ascii_start().len();
    let value = raw.trim_ascii();
    let Ok(text) = std::str::from_utf8(value) else {
        return;
    };
    if text.is_empty() || CONNECTIVES.iter().any(|c| text.eq_ignore_ascii_case(c)) {
        return;
    }
    let from = start + lead;
    out.push(At::new(text.to_owned(), from..from + value.len()));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each credit's name, and the text of the file its span covers.
    fn read(kind: FileKind, text: &str) -> Vec<(String, String)> {
        credits(kind, text.as_bytes())
            .into_iter()
            .map(|c| (c.value, text[c.span].to_owned()))
            .collect()
    }

    fn names_of(kind: FileKind, text: &str) -> Vec<String> {
        read(kind, text).into_iter().map(|(n, _)| n).collect()
    }

    #[test]
    fn fountain_author_among_other_keys() {
        // The title page of Big Fish, as in the Fountain corpus.
        let text = "Title: Big Fish\nCredit: written by\nAuthor: John August\nSource: based on the novel by Daniel Wallace\nNotes:\t\n\tFINAL PRODUCTION DRAFT\n\tincludes post-production dialogue \n\tand omitted scenes\nCopyright: (c) 2003 Columbia Pictures\n\nThis is a Southern story.\n";
        assert_eq!(
            read(FileKind::Fountain, text),
            [("John August".to_owned(), "John August".to_owned())]
        );
    }

    #[test]
    fn fountain_tab_separated_and_indented_authors() {
        let text = "Title:\t**THE LAST BIRTHDAY CARD**\nCredit:\tWritten by\nAuthor:\tStu Maschwitz\nDraft date:\t7/8/1998\n\n# ACT I\n";
        assert_eq!(names_of(FileKind::Fountain, text), ["Stu Maschwitz"]);

        let text = "Title:\n    _**BRICK & STEEL**_\n    _**FULL RETIRED**_\nCredit: Written by\nAuthors:\n    Dana Ruiz\n    and\n\tChatGPT\nContact:\n    Next Level Productions\n\nINT. GARAGE - DAY\n";
        assert_eq!(
            read(FileKind::Fountain, text),
            [
                ("Dana Ruiz".to_owned(), "Dana Ruiz".to_owned()),
                ("ChatGPT".to_owned(), "ChatGPT".to_owned())
            ]
        );
    }

    #[test]
    fn fountain_keys_are_case_insensitive_and_crlf_is_fine() {
        let text = "\u{feff}TITLE: X\r\nauthor: Dana Ruiz \r\n\r\nINT. A - DAY\r\n";
        assert_eq!(
            read(FileKind::Fountain, text),
            [("Dana Ruiz".to_owned(), "Dana Ruiz".to_owned())]
        );
    }

    #[test]
    fn fountain_after_a_declaration_at_the_top() {
        let text = "/*\n---\ngenai: none\n---\n*/\n\nTitle: X\nAuthor: Claude\n\nINT. A\n";
        assert_eq!(names_of(FileKind::Fountain, text), ["Claude"]);
        let text = "---\ngenai: none\n---\nTitle: X\nAuthor: Claude\n\nINT. A\n";
        assert_eq!(names_of(FileKind::Fountain, text), ["Claude"]);
    }

    #[test]
    fn fountain_title_page_ends_at_the_first_blank_line() {
        let text = "Title: X\nCredit: by\n\nAuthor: Not On The Title Page\n";
        assert!(names_of(FileKind::Fountain, text).is_empty());
        // A script without a title page credits no one.
        let text = "INT. RELAY STATION - NIGHT\n\nAuthor: ChatGPT\n";
        assert!(names_of(FileKind::Fountain, text).is_empty());
        // A stray line ends the author's values.
        let text = "Title: X\nAuthor: Dana Ruiz\nNot a title entry.\n    Sam Okafor\n\nINT. A\n";
        assert_eq!(names_of(FileKind::Fountain, text), ["Dana Ruiz"]);
    }

    #[test]
    fn fountain_corpus_title_pages() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/fountain");
        let big_fish = std::fs::read(dir.join("screenplain/Big-Fish.fountain")).unwrap();
        let found = credits(FileKind::Fountain, &big_fish);
        assert_eq!(found.len(), 1);
        assert_eq!(&big_fish[found[0].span.clone()], b"John August");
        let brick = std::fs::read(dir.join("fountain-tools/TitlePage.fountain")).unwrap();
        let found: Vec<String> = credits(FileKind::Fountain, &brick)
            .into_iter()
            .map(|c| c.value)
            .collect();
        assert_eq!(found, ["Stu Maschwitz"]);
    }

    #[test]
    fn markdown_frontmatter() {
        let text = "---\ntitle: Series bible\nauthors: [Dana Ruiz, \"Sudowrite\"]\nwriter: Sam Okafor\ngenai: none\n---\n\n# Bible\n";
        assert_eq!(
            read(FileKind::Markdown, text),
            [
                ("Dana Ruiz".to_owned(), "Dana Ruiz".to_owned()),
                ("Sudowrite".to_owned(), "\"Sudowrite\"".to_owned()),
                ("Sam Okafor".to_owned(), "Sam Okafor".to_owned()),
            ]
        );
        assert!(names_of(FileKind::Markdown, "# No frontmatter\n\nauthor: x\n").is_empty());
    }

    #[test]
    fn yaml_and_json_credits() {
        let text = "shot: rs_010\ncredits:\n  writers:\n    - Dana Ruiz\n    - { name: Gemini }\n  director: Sam Okafor\ngenai: none\n";
        assert_eq!(names_of(FileKind::Yaml, text), ["Dana Ruiz", "Gemini"]);
        let text = "{\n  \"OTIO_SCHEMA\": \"Timeline.1\",\n  \"metadata\": {\n    \"credits\": {\"written-by\": \"ChatGPT\"},\n    \"genai\": \"none\"\n  }\n}\n";
        assert_eq!(
            read(FileKind::Json, text),
            [("ChatGPT".to_owned(), "\"ChatGPT\"".to_owned())]
        );
        // Credits nested elsewhere, or of other people, are not writers.
        let text = "shots:\n  - credits: { writer: ChatGPT }\ncredits: { editor: Jo }\n";
        assert!(names_of(FileKind::Yaml, text).is_empty());
        assert!(names_of(FileKind::Yaml, "genai: [\n").is_empty());
    }
}
