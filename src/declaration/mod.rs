//! Declarations: where they live in each kind of file, and what they say.
//!
//! One locator per file kind finds the declaration's YAML in the file
//! ([`fountain`], [`markdown`]; YAML, JSON and sidecars are parsed whole), and
//! [`validate`] reads it into the same spanned [`Declaration`] model. Spans are
//! byte offsets into the original file, whatever the kind.
//!
//! A file holds one declaration: a second one (a JSON file's top-level
//! `genai` beside `metadata.genai`, a second declaration block in a script or
//! Markdown file, a `genai` key in a later YAML document) is an error.

pub mod credits;
pub mod fountain;
pub mod markdown;
pub mod model;
mod problem;
pub mod snippet;
pub mod territory;
pub mod usda;
pub mod validate;
pub mod vocabulary;

use crate::kind::FileKind;
pub use model::*;
pub use problem::*;

use crate::source::Span;
use crate::yaml;
use crate::yaml::line_of;

/// Largest declaration block read from a script or Markdown file.
pub const MAX_BLOCK_BYTES: usize = 1 << 20;

/// Where a locator found the declaration's YAML.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    Found { yaml: Span },
    Missing,
    Unterminated { span: Span, message: String },
}

/// Where the declaration of a script or Markdown file sits.
pub fn locate(kind: FileKind, bytes: &[u8]) -> Block {
    match kind {
        FileKind::Fountain => fountain::locate(bytes),
        FileKind::Markdown => markdown::locate(bytes),
        _ => Block::Missing,
    }
}

/// The bytes a file's declaration is read from: the located block of a
/// script or Markdown file, else the whole file. Two versions of a file with
/// the same declaration bytes declare the same thing.
pub fn declaration_bytes(kind: FileKind, bytes: &[u8]) -> &[u8] {
    match kind {
        FileKind::Fountain | FileKind::Markdown => match locate(kind, bytes) {
            Block::Found { yaml } => &bytes[yaml],
            // No block, or an unterminated one: what follows may matter.
            Block::Missing | Block::Unterminated { .. } => bytes,
        },
        FileKind::Usda => usda::header(bytes),
        _ => bytes,
    }
}

/// The `genai` key of a second declaration block in a script or Markdown
/// file: a block after the one its declaration is read from, of a shape the
/// locator reads (boneyard-wrapped `---` YAML; in Markdown also a `---`
/// block), whose YAML has a top-level `genai` key. The rest of the file is
/// scanned line by line, without a YAML parser, so `bytes` should be the
/// whole file: a block beyond what was read is not seen. [`parse`] reports
/// it; other kinds, and files without a found block, have none.
pub fn second_block(kind: FileKind, bytes: &[u8]) -> Option<Span> {
    match locate(kind, bytes) {
        Block::Found { yaml } => later_block(kind, bytes, line_after(bytes, yaml.end)),
        _ => None,
    }
}

/// The `genai` key of the first declaration block at or after `from`.
fn later_block(kind: FileKind, bytes: &[u8], from: usize) -> Option<Span> {
    match kind {
        FileKind::Fountain => fountain::declaration_block(bytes, from),
        FileKind::Markdown => markdown::declaration_block(bytes, from),
        _ => None,
    }
}

/// Where the line after the one that starts at `pos` starts.
fn line_after(bytes: &[u8], pos: usize) -> usize {
    fountain::Lines::new(bytes, pos)
        .next()
        .map_or(bytes.len(), |(_, _, next)| next)
}

/// What one file declares, and the problems found reading it.
#[derive(Debug, Default)]
pub struct Parsed {
    pub declaration: Option<Declaration>,
    pub problems: Vec<Problem>,
}

impl Parsed {
    pub(crate) fn problem(p: Problem) -> Self {
        Parsed {
            declaration: None,
            problems: vec![p],
        }
    }
}

/// Read the declaration of a file of the given kind.
pub fn parse(kind: FileKind, bytes: &[u8]) -> Parsed {
    if kind == FileKind::Usda {
        return usda::parse(bytes);
    }
    // The declaration block of a script or Markdown file, once found.
    let (text, base, block) = match declaration_text(kind, bytes) {
        Ok(found) => found,
        Err(parsed) => return *parsed,
    };
    // The common case, a script with no AI use, needs no YAML parser.
    if let Some(decl) = exactly_none(text, base) {
        let problems = block
            .and_then(|b| second_in_body(kind, bytes, &b, &decl.key_span))
            .into_iter()
            .collect();
        return Parsed {
            declaration: Some(decl),
            problems,
        };
    }
    let top = match yaml::parse_top_level(text, base) {
        Ok(top) => top,
        Err(e) => {
            let json = kind == FileKind::Json;
            let p = yaml::syntax_problem(&e, bytes, text, base, json, "the declaration");
            return Parsed::problem(Problem::Malformed(Malformed::Syntax(Box::new(p))));
        }
    };
    let (genai, mut second) = match genai_key(kind, bytes, text, base, top) {
        Ok(found) => found,
        Err(parsed) => return *parsed,
    };
    let Some((key, node)) = genai else {
        return missing(kind, bytes, block);
    };
    let mut problems = Vec::new();
    let declaration = validate::declaration(&key, &node, bytes, &mut problems);
    if let Some(b) = &block {
        second.extend(second_in_body(kind, bytes, b, &key.span));
    }
    problems.extend(second);
    Parsed {
        declaration,
        problems,
    }
}

/// The text a declaration is read from, the byte of the file it starts at,
/// and the block of a script or Markdown file it is in; or what stops it
/// being read.
fn declaration_text(
    kind: FileKind,
    bytes: &[u8],
) -> Result<(&str, usize, Option<Span>), Box<Parsed>> {
    let malformed = |m| Box::new(Parsed::problem(Problem::Malformed(m)));
    match kind {
        FileKind::Fountain | FileKind::Markdown => match locate(kind, bytes) {
            Block::Found { yaml } if yaml.len() > MAX_BLOCK_BYTES => {
                Err(malformed(Malformed::TooLarge { at: yaml.start }))
            }
            Block::Found { yaml } => {
                let text = utf8(bytes, yaml.clone()).map_err(malformed)?;
                Ok((text, yaml.start, Some(yaml)))
            }
            Block::Missing => Err(Box::new(missing(kind, bytes, None))),
            Block::Unterminated { span, message } => {
                Err(malformed(Malformed::Unterminated { span, message }))
            }
        },
        FileKind::Usda => Err(Box::new(usda::parse(bytes))),
        FileKind::Yaml | FileKind::Json | FileKind::Sidecar => {
            let start = if bytes.starts_with(b"\xEF\xBB\xBF") {
                3
            } else {
                0
            };
            let text = utf8(bytes, start..bytes.len()).map_err(malformed)?;
            Ok((text, start, None))
        }
    }
}

/// A `genai` key and its value.
type Genai = (yaml::Key, yaml::Node);

/// The `genai` key a file's declaration is read from, and the second
/// declarations beside it; or what stops it being read. Only the first
/// document is read: a declaration in a later one, or anything after a JSON
/// value, could hide a use. Without a `genai` key, a near miss (`gen-ai:`,
/// `GenAI:`) is a typo, not a missing declaration.
fn genai_key(
    kind: FileKind,
    bytes: &[u8],
    text: &str,
    base: usize,
    top: yaml::TopLevel,
) -> Result<(Option<Genai>, Vec<Problem>), Box<Parsed>> {
    let mut second = Vec::new();
    if let Some(k) = &top.later_genai {
        let first = match kind {
            FileKind::Json => top.metadata_genai.as_ref().or(top.genai.as_ref()),
            _ => top.genai.as_ref(),
        };
        let Some((first, _)) = first else {
            let span = k.span.clone();
            return Err(Box::new(Parsed::problem(Problem::Malformed(
                Malformed::LaterDocument { span },
            ))));
        };
        second.push(second_declaration(
            Second::LaterDocument,
            bytes,
            &first.span,
            k.span.clone(),
        ));
    }
    if kind == FileKind::Json
        && let Some(at) = after_json_value(text)
    {
        let at = base + at;
        return Err(Box::new(Parsed::problem(Problem::Malformed(
            Malformed::AfterJson { at },
        ))));
    }
    let genai = match kind {
        FileKind::Json => {
            if let (Some((m, _)), Some((g, _))) = (&top.metadata_genai, &top.genai) {
                let (first, later) = if m.span.start < g.span.start {
                    (m, g)
                } else {
                    (g, m)
                };
                second.push(second_declaration(
                    Second::BesideMetadata,
                    bytes,
                    &first.span,
                    later.span.clone(),
                ));
            }
            top.metadata_genai.or(top.genai)
        }
        _ => top.genai,
    };
    if genai.is_none()
        && let Some(k) = top.keys.iter().find(|k| {
            k.name.eq_ignore_ascii_case("genai")
                || strsim::jaro_winkler(&k.name.to_ascii_lowercase(), "genai") >= 0.85
        })
    {
        return Err(Box::new(Parsed::problem(Problem::NotGenai {
            key: k.clone(),
        })));
    }
    Ok((genai, second))
}

/// Where non-blank text follows the first JSON value, if it does. Strings
/// are skipped, so brackets inside them do not count.
fn after_json_value(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut depth = 0usize;
    let mut started = false;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                started = true;
            }
            b'{' | b'[' => {
                depth += 1;
                started = true;
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    i += 1;
                    break;
                }
            }
            b if b.is_ascii_whitespace() => {}
            _ => started = true,
        }
        if started && depth == 0 && !matches!(bytes[i], b'{' | b'[') {
            // A scalar at the top level: the rest of its token.
            while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            break;
        }
        i += 1;
    }
    let rest = text.get(i..)?;
    let skip = rest.len() - rest.trim_start().len();
    (!rest.trim().is_empty()).then_some(i + skip)
}

/// A block that is exactly `genai: none` (and line endings).
fn exactly_none(text: &str, base: usize) -> Option<Declaration> {
    let trimmed = text.trim_end_matches(['\r', '\n']);
    (trimmed == "genai: none").then(|| Declaration {
        key_span: base..base + 5,
        none: true,
        disclosed: None,
        uses: Vec::new(),
        retired: Vec::new(),
        territories: Vec::new(),
        node: yaml::Node {
            value: yaml::Value::Str("none".to_owned()),
            span: base + 7..base + 11,
        },
    })
}

/// A second declaration block after a script's or Markdown file's
/// declaration `block`, whose `genai` key is at `first`.
fn second_in_body(kind: FileKind, bytes: &[u8], block: &Span, first: &Span) -> Option<Problem> {
    let key = later_block(kind, bytes, line_after(bytes, block.end))?;
    Some(second_declaration(Second::Block, bytes, first, key))
}

/// A second declaration, at `second`, in a file that declares its AI use at
/// `first` already.
fn second_declaration(place: Second, bytes: &[u8], first: &Span, second: Span) -> Problem {
    Problem::Malformed(Malformed::Second {
        place,
        span: second,
        first_line: line_of(bytes, first.start),
    })
}

/// No declaration: a script or Markdown file may still hold a declaration
/// block where none is read (after the block that is read, or anywhere in a
/// file without one), which the problem points out.
fn missing(kind: FileKind, bytes: &[u8], block: Option<Span>) -> Parsed {
    let from = match &block {
        Some(b) => line_after(bytes, b.end),
        None if bytes.starts_with(b"\xEF\xBB\xBF") => 3,
        None => 0,
    };
    let elsewhere = later_block(kind, bytes, from).map(|key| Elsewhere {
        line: line_of(bytes, key.start),
        read_from: block.map(|b| line_of(bytes, b.start)),
    });
    Parsed::problem(Problem::Missing(Missing { kind, elsewhere }))
}

fn utf8(bytes: &[u8], range: Span) -> Result<&str, Malformed> {
    std::str::from_utf8(&bytes[range.clone()]).map_err(|e| Malformed::NotUtf8 {
        at: range.start + e.valid_up_to(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{Finding, Read, read_declaration as parse};

    #[test]
    fn kinds_by_extension() {
        assert_eq!(FileKind::of_path("a/b.Fountain"), Some(FileKind::Fountain));
        assert_eq!(FileKind::of_path("cut.otio"), Some(FileKind::Json));
        assert_eq!(FileKind::of_path("plate.exr"), None);
    }

    #[test]
    fn spans_in_otio_point_into_the_file() {
        let text = "{\n  \"OTIO_SCHEMA\": \"Timeline.1\",\n  \"metadata\": {\n    \"genai\": {\"uses\": [{\"id\": \"a\", \"stage\": \"finale\", \"output\": \"video\", \"tools\": [{\"name\": \"x\"}]}]}\n  },\n  \"x\": NaN\n}\n";
        let p = parse(FileKind::Json, text.as_bytes());
        assert_eq!(p.findings.len(), 1, "{:?}", p.findings);
        assert_eq!(&text[p.findings[0].span.clone().unwrap()], "\"finale\"");
    }

    #[test]
    fn fountain_block_spans_point_into_the_file() {
        let text = "\u{feff}Title: X\r\n\r\n/*\r\n---\r\ngenai:\r\n  uses: 3\r\n---\r\n*/\r\n";
        let p = parse(FileKind::Fountain, text.as_bytes());
        assert_eq!(&text[p.findings[0].span.clone().unwrap()], "3");
    }

    #[test]
    fn trailing_json_content() {
        assert_eq!(after_json_value("{\"a\": \"}\"}\n"), None);
        assert_eq!(after_json_value("{\"a\": [1, 2]} }"), Some(14));
        assert_eq!(after_json_value("{}\n{}\n"), Some(3));
        assert_eq!(after_json_value("  [1]  "), None);
    }

    #[test]
    fn missing_and_malformed() {
        assert_eq!(
            parse(FileKind::Yaml, b"shot: 10\n").findings[0].rule.code,
            "GA001"
        );
        assert_eq!(
            parse(FileKind::Yaml, b"genai: [\n").findings[0].rule.code,
            "GA002"
        );
        assert_eq!(
            parse(FileKind::Yaml, b"gen-ai: none\n").findings[0]
                .rule
                .code,
            "GA003"
        );
        assert_eq!(
            parse(FileKind::Yaml, b"genai: \xff\n").findings[0]
                .rule
                .code,
            "GA002"
        );
    }

    /// The one finding with `code` among what a file reads to.
    fn only<'a>(p: &'a Read, code: &str) -> &'a Finding {
        let found: Vec<&Finding> = p.findings.iter().filter(|f| f.rule.code == code).collect();
        assert_eq!(found.len(), 1, "{:?}", p.findings);
        found[0]
    }

    /// The second declaration reported in `text`: the text it points at and
    /// its message. The first declaration is still read.
    fn second(kind: FileKind, text: &str) -> (String, String) {
        let p = parse(kind, text.as_bytes());
        assert!(p.declaration.is_some(), "{:?}", p.findings);
        let f = only(&p, "GA002");
        assert!(
            f.help
                .as_deref()
                .unwrap()
                .starts_with("merge them into one")
        );
        assert!(f.notes[0].contains("a file holds one declaration"));
        let span = f.span.clone().unwrap();
        (text[span].to_owned(), f.message.clone())
    }

    fn clean(kind: FileKind, text: &str) {
        let p = parse(kind, text.as_bytes());
        assert!(p.declaration.is_some(), "{:?}", p.findings);
        assert!(p.findings.is_empty(), "{:?}", p.findings);
        assert_eq!(second_block(kind, text.as_bytes()), None);
    }

    const USES: &str = "genai:\n  disclosed: { to: \"M. Chen\", on: 2025-09-02 }\n  uses:\n    - id: aria\n      stage: final\n      output: image\n      elements: [main-character]\n      human-input: \"repainted\"\n      tools: [{ name: \"Imagen 4\", enterprise: true, trains-on-inputs: false }]\n";

    fn boneyard(yaml: &str) -> String {
        format!("/*\n---\n{yaml}---\n*/\n")
    }

    #[test]
    fn json_metadata_genai_and_top_level_genai() {
        let text = "{\n  \"metadata\": {\"genai\": \"none\"},\n  \"genai\": {\"uses\": [{\"id\": \"a\", \"stage\": \"final\", \"output\": \"image\", \"tools\": [{\"name\": \"x\"}]}]}\n}\n";
        let (at, message) = second(FileKind::Json, text);
        assert_eq!(at, "\"genai\"");
        assert_eq!(
            message,
            "a second declaration: this file already declares its AI use at line 2"
        );
        let p = parse(FileKind::Json, text.as_bytes());
        assert!(
            p.declaration.unwrap().none,
            "`metadata.genai` is the one read"
        );
        assert_eq!(
            p.findings[0].span.clone().unwrap().start,
            text.rfind("\"genai\"").unwrap()
        );
    }

    #[test]
    fn json_top_level_genai_before_metadata_genai() {
        let text = "{\n  \"genai\": {\"uses\": []},\n  \"OTIO_SCHEMA\": \"Timeline.1\",\n  \"metadata\": {\n    \"genai\": \"none\"\n  }\n}\n";
        let (at, message) = second(FileKind::Json, text);
        assert_eq!(at, "\"genai\"");
        assert!(message.ends_with("at line 2"), "{message}");
        let p = parse(FileKind::Json, text.as_bytes());
        assert_eq!(p.findings.len(), 1, "{:?}", p.findings);
        assert_eq!(
            p.findings[0].span.clone().unwrap().start,
            text.rfind("\"genai\"").unwrap()
        );
        assert!(
            p.findings[0]
                .help
                .as_deref()
                .unwrap()
                .contains("`metadata.genai`")
        );
    }

    #[test]
    fn json_with_one_declaration_is_clean() {
        clean(
            FileKind::Json,
            "{\"metadata\": {\"genai\": \"none\", \"other\": {\"genai\": 1}}}\n",
        );
        clean(
            FileKind::Json,
            "{\"genai\": \"none\", \"tracks\": [{\"genai\": \"x\"}]}\n",
        );
    }

    #[test]
    fn yaml_genai_in_a_later_document() {
        let text = "shot: sh010\ngenai: none\n---\ngenai:\n  uses: []\n";
        let (at, message) = second(FileKind::Yaml, text);
        assert_eq!(at, "genai");
        assert!(message.ends_with("at line 2"), "{message}");
        let p = parse(FileKind::Sidecar, text.as_bytes());
        assert_eq!(
            p.findings[0].span.clone().unwrap().start,
            text.rfind("genai").unwrap()
        );
        // Without one in the first document, the later one is not read.
        let p = parse(FileKind::Yaml, b"shot: sh010\n---\ngenai: none\n");
        assert!(p.declaration.is_none());
        assert_eq!(
            only(&p, "GA002").message,
            "a `genai` key in a later YAML document is not read"
        );
    }

    #[test]
    fn fountain_second_boneyard_after_the_declaration() {
        let text = format!(
            "Title: X\nAuthor: Y\n\n{}\nINT. A - DAY\n\nSome action.\n\n{}\nEXT. B - NIGHT\n",
            boneyard("genai: none\n"),
            boneyard(USES)
        );
        let (at, message) = second(FileKind::Fountain, &text);
        assert_eq!(at, "genai");
        assert_eq!(
            message,
            "a second declaration: this file already declares its AI use at line 6"
        );
        let p = parse(FileKind::Fountain, text.as_bytes());
        assert_eq!(
            p.findings[0].span.clone().unwrap().start,
            text.rfind("genai:").unwrap()
        );
        assert_eq!(
            second_block(FileKind::Fountain, text.as_bytes()),
            p.findings[0].span
        );
    }

    #[test]
    fn fountain_first_declaration_with_uses_is_still_judged() {
        let first = USES.replace("stage: final", "stage: finale");
        let text = format!(
            "Title: X\n\n{}\n{}",
            boneyard(&first),
            boneyard("genai: none\n")
        );
        let p = parse(FileKind::Fountain, text.as_bytes());
        let codes: Vec<&str> = p.findings.iter().map(|f| f.rule.code).collect();
        assert_eq!(codes, ["GA004", "GA002"]);
        assert_eq!(p.declaration.unwrap().uses.len(), 1);
        assert!(p.findings[1].message.ends_with("at line 5"));
    }

    #[test]
    fn fountain_bare_frontmatter_and_a_boneyard() {
        let text = format!(
            "---\ngenai: none\n---\nTitle: X\n\n{}\nINT. A - DAY\n",
            boneyard(USES)
        );
        let (at, message) = second(FileKind::Fountain, &text);
        assert_eq!(at, "genai");
        assert!(message.ends_with("at line 2"), "{message}");
    }

    #[test]
    fn fountain_block_at_the_top_and_after_the_title_page() {
        let text = format!(
            "{}Title: X\nAuthor: Y\n\n{}\nINT. A - DAY\n",
            boneyard("genai: none\n"),
            boneyard(USES)
        );
        let (_, message) = second(FileKind::Fountain, &text);
        assert!(message.ends_with("at line 3"), "{message}");
    }

    #[test]
    fn fountain_second_block_line_endings_and_bom() {
        let text = format!(
            "\u{feff}Title: X\n\n{}\nINT. A\n\n{}",
            boneyard("genai: none\n"),
            boneyard(USES)
        );
        for eol in ["\r\n", "\r"] {
            let text = text.replace('\n', eol);
            let (at, message) = second(FileKind::Fountain, &text);
            assert_eq!(at, "genai");
            assert!(message.ends_with("at line 5"), "{eol:?}: {message}");
        }
        // An indented boneyard, and one after a form feed.
        let indented = format!(
            "Title: X\n\n{}\nINT. A\n  /*\n  ---\ngenai: none\n---\n*/\n",
            boneyard("genai: none\n")
        );
        assert_eq!(second(FileKind::Fountain, &indented).0, "genai");
        let feed = format!(
            "Title: X\n\n{}\nINT. A\n\x0c/*\n---\ngenai: none\n---\n*/\n",
            boneyard("genai: none\n")
        );
        assert_eq!(second(FileKind::Fountain, &feed).0, "genai");
        // Mixed: CRLF title page, LF body.
        let mixed = "Title: X\r\n\r\n/*\r\n---\r\ngenai: none\r\n---\r\n*/\r\nINT. A\n/*\n---\ngenai: none\n---\n*/\n";
        assert_eq!(second(FileKind::Fountain, mixed).0, "genai");
    }

    #[test]
    fn fountain_second_block_in_other_yaml_spellings() {
        let first = format!("Title: X\n\n{}\nINT. A\n\n", boneyard("genai: none\n"));
        for yaml in [
            "title: notes\ngenai:\n  uses: []\n",
            "# a comment\n\"genai\": none\n",
            "'genai' : none\n",
            "  genai: none\n",
            "{genai: none}\n",
            "{ \"title\": \"x\", \"genai\": \"none\" }\n",
            "{\n  \"genai\": \"none\"\n}\n",
        ] {
            let text = format!("{first}{}", boneyard(yaml));
            let (at, _) = second(FileKind::Fountain, &text);
            assert!(at.trim_matches(['"', '\'']) == "genai", "{yaml:?}: {at:?}");
        }
        // A boneyard closed before its YAML is: still a second declaration.
        let text = format!("{first}/*\n---\ngenai:\n  uses: []\n*/\n");
        assert_eq!(second(FileKind::Fountain, &text).0, "genai");
    }

    #[test]
    fn fountain_other_boneyards_are_not_second_declarations() {
        let beat = "/* If you're seeing this, you can remove the following stuff - BEAT:\n{\"genai\":\"none\",\"Revision Color\":\"blue\"}\nEND_BEAT */\n";
        let scriptrag = "/* SCRIPTRAG-META-START\n{\n  \"genai\": \"none\",\n  \"content_hash\": \"abc123\"\n}\nSCRIPTRAG-META-END */\n";
        for later in [
            beat,
            scriptrag,
            "/* genai: none */\n",
            "/*\ngenai: none\n*/\n",
            "/*\nNotes\n---\ngenai: none\n---\n*/\n",
            "/*\n---\nscene: 12\nrevision: blue\n---\n*/\n",
            "/*\n---\ntools:\n  genai: none\n---\n*/\n",
            "/*\n---\nnotes: |\n  genai: none\n---\n*/\n",
            "/*\n---\ngenai-notes: none\ngenai:none\n---\n*/\n",
            "---\ngenai: none\n---\n",
            "genai: none\n",
            "MAYA\nThe genai: none line is a lie.\n",
        ] {
            let text = format!(
                "Title: X\n\n{}\nINT. A - DAY\n\n{later}\nEXT. B - NIGHT\n",
                boneyard("genai: none\n")
            );
            clean(FileKind::Fountain, &text);
        }
    }

    #[test]
    fn fountain_corpus_with_one_declaration_is_clean() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/fountain");
        let mut n = 0;
        for sub in std::fs::read_dir(dir).unwrap() {
            for f in std::fs::read_dir(sub.unwrap().path()).unwrap() {
                let bytes = std::fs::read(f.unwrap().path()).unwrap();
                let bom = if bytes.starts_with(b"\xEF\xBB\xBF") {
                    3
                } else {
                    0
                };
                let mut text = bytes[..bom].to_vec();
                text.extend_from_slice(b"/*\n---\ngenai: none\n---\n*/\n");
                text.extend_from_slice(&bytes[bom..]);
                let p = parse(FileKind::Fountain, &text);
                assert!(
                    p.declaration.is_some() && p.findings.is_empty(),
                    "{:?}",
                    p.findings
                );
                n += 1;
            }
        }
        assert!(n >= 20, "the corpus is missing");
    }

    #[test]
    fn fountain_block_where_none_is_read() {
        let text = format!("INT. A - DAY\n\nAction.\n\n{}", boneyard("genai: none\n"));
        let p = parse(FileKind::Fountain, text.as_bytes());
        let f = only(&p, "GA001");
        assert!(
            f.notes[0].starts_with("line 7 holds a declaration block"),
            "{:?}",
            f.notes
        );
        assert!(
            f.help.as_deref().unwrap().starts_with(
                "move the block whose `genai` key is at line 7 right after the title page"
            ),
            "{:?}",
            f.help
        );
        // A block that is read but has no `genai` key, and one later that has.
        let text = format!(
            "---\ntitle: X\n---\nINT. A\n\n{}",
            boneyard("genai: none\n")
        );
        let p = parse(FileKind::Fountain, text.as_bytes());
        let f = only(&p, "GA001");
        assert!(
            f.help
                .as_deref()
                .unwrap()
                .contains("into the block whose YAML starts at line 2"),
            "{:?}",
            f.help
        );
        // Nothing of the sort: the usual help alone.
        let p = parse(FileKind::Fountain, b"INT. A - DAY\n\n/* notes */\n");
        assert!(only(&p, "GA001").notes.is_empty());
    }

    #[test]
    fn markdown_frontmatter_and_a_later_block() {
        let fm = "---\ntitle: Bible\ngenai: none\n---\n\n# Bible\n\nText.\n\n";
        let (at, message) = second(
            FileKind::Markdown,
            &format!("{fm}---\n{USES}---\n\nMore.\n"),
        );
        assert_eq!(at, "genai");
        assert!(message.ends_with("at line 3"), "{message}");
        let (at, _) = second(FileKind::Markdown, &format!("{fm}{}", boneyard(USES)));
        assert_eq!(at, "genai");
        // Right after the frontmatter, and closed by `...`.
        let (at, _) = second(
            FileKind::Markdown,
            "---\ngenai: none\n---\n---\ngenai: none\n...\n",
        );
        assert_eq!(at, "genai");
        let (_, message) = second(
            FileKind::Markdown,
            &format!("{fm}---\n{USES}---\n").replace('\n', "\r\n"),
        );
        assert!(message.ends_with("at line 3"), "{message}");
        for eol in ["\r", "\r\n"] {
            let text = format!("{fm}Heading\n---\n\n---\n{USES}---\n").replace('\n', eol);
            let (at, message) = second(FileKind::Markdown, &text);
            assert_eq!(at, "genai");
            assert!(message.ends_with("at line 3"), "{eol:?}: {message}");
            let text = format!("{fm}Heading\n---\n{USES}---\n").replace('\n', eol);
            clean(FileKind::Markdown, &text);
        }
    }

    #[test]
    fn markdown_that_mentions_genai_is_not_a_second_declaration() {
        let fm = "---\ntitle: Bible\ngenai: none\n---\n\n# Bible\n\n";
        for body in [
            "Every script says `genai: none` when no AI was used.\n",
            "genai: none is what a script says.\n",
            "```yaml\n---\ngenai: none\n---\n```\n",
            "````\n```\n---\ngenai: none\n---\n```\n````\n",
            "~~~\n/*\n---\ngenai: none\n---\n*/\n~~~\n",
            "Example:\n\n    ---\n    genai: none\n    ---\n",
            "A heading\n---\ngenai: none\n---\n",
            "---\n\ngenai: none is a declaration.\n\n---\n",
            "Text.\n\n---\ngenai: the rest is prose, and no block closes it.\n",
            "---\ntitle: not a declaration\n---\n",
            "---\nnested:\n  genai: none\n---\n",
        ] {
            clean(FileKind::Markdown, &format!("{fm}{body}\nThe end.\n"));
        }
    }

    #[test]
    fn markdown_block_where_none_is_read() {
        let p = parse(FileKind::Markdown, b"# Bible\n\n---\ngenai: none\n---\n");
        let f = only(&p, "GA001");
        assert!(
            f.notes[0].starts_with("line 4 holds a declaration block"),
            "{:?}",
            f.notes
        );
        assert!(
            f.help
                .as_deref()
                .unwrap()
                .contains("frontmatter at the very top")
        );
        let p = parse(
            FileKind::Markdown,
            b"---\ntitle: x\n---\n\n---\ngenai: none\n---\n",
        );
        assert!(
            only(&p, "GA001")
                .help
                .as_deref()
                .unwrap()
                .contains("line 2")
        );
    }

    #[test]
    fn a_second_block_far_into_the_file() {
        let mut text = format!("Title: X\n\n{}\n", boneyard("genai: none\n"));
        while text.len() < 1 << 20 {
            text.push_str("INT. RELAY STATION - NIGHT\n\nMaya types. /* a note */\n\n");
        }
        let at = text.len() + "/*\n---\n".len();
        text.push_str(&boneyard(USES));
        assert_eq!(
            second_block(FileKind::Fountain, text.as_bytes()),
            Some(at..at + 5)
        );
        assert_eq!(second(FileKind::Fountain, &text).0, "genai");
    }

    /// `genai: none` read without the YAML parser still keeps its value,
    /// where the file has it.
    #[test]
    fn none_keeps_its_node() {
        let text = "Title: X\n\n/*\n---\ngenai: none\n---\n*/\n";
        let p = parse(FileKind::Fountain, text.as_bytes());
        let d = p.declaration.unwrap();
        assert!(d.none);
        assert_eq!(d.node.as_str(), Some("none"));
        assert_eq!(&text[d.node.span.clone()], "none");
        assert_eq!(&text[d.key_span.clone()], "genai");
    }

    /// The keys of the policy packs read the same in a JSON file, their
    /// spans into the file.
    #[test]
    fn pack_keys_in_json() {
        let json = "{\"metadata\": {\"genai\": {\"territories\": [\"EU\", \"GB\"], \"uses\": [{\"id\": \"a\", \"stage\": \"final\", \"output\": \"video\", \"tools\": [{\"name\": \"x\"}], \"deep-fake\": true, \"marking\": [\"c2pa\", \"watermark\"], \"talent\": [{\"performer\": \"P\", \"replica\": \"background\", \"consent-on\": \"2025-08-20\"}]}]}}}\n";
        let p = parse(FileKind::Json, json.as_bytes());
        assert!(p.findings.is_empty(), "{:?}", p.findings);
        let d = p.declaration.unwrap();
        let territories: Vec<&str> = d
            .territories
            .iter()
            .map(|t| &json[t.span.clone()])
            .collect();
        assert_eq!(territories, ["\"EU\"", "\"GB\""]);
        let u = &d.uses[0];
        assert_eq!(&json[u.deep_fake.as_ref().unwrap().span.clone()], "true");
        assert_eq!(&json[u.marking[1].span.clone()], "\"watermark\"");
        let t = &u.talent[0];
        assert_eq!(t.replica.as_ref().unwrap().value, Replica::Background);
        assert_eq!(
            &json[t.consent_on.as_ref().unwrap().span.clone()],
            "\"2025-08-20\""
        );
    }

    #[test]
    fn line_numbers() {
        assert_eq!(line_of(b"a\nb\r\nc\rd", 0), 1);
        assert_eq!(line_of(b"a\nb\r\nc\rd", 2), 2);
        assert_eq!(line_of(b"a\nb\r\nc\rd", 5), 3);
        assert_eq!(line_of(b"a\nb\r\nc\rd", 7), 4);
    }
}
