//! Declarations: where they live in each kind of file, and what they say.
//!
//! One locator per file kind finds the declaration's YAML in the file
//! ([`fountain`], [`markdown`]; YAML, JSON and sidecars are parsed whole), and
//! [`validate`] reads it into the same spanned [`Declaration`] model. Spans are
//! byte offsets into the original file, whatever the kind.

pub mod fountain;
pub mod markdown;
pub mod model;
pub mod validate;

pub use model::*;

use crate::rules::{
    Finding, malformed_declaration::MALFORMED_DECLARATION,
    missing_declaration::MISSING_DECLARATION, unknown_field::UNKNOWN_FIELD,
};
use crate::source::Span;
use crate::yaml;

/// Largest declaration block read from a script or Markdown file.
pub const MAX_BLOCK_BYTES: usize = 1 << 20;

/// How a file carries its declaration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum FileKind {
    /// `.fountain`, `.spmd`: boneyard-wrapped block after the title page.
    Fountain,
    /// `.md`: frontmatter.
    Markdown,
    /// `.yml`, `.yaml`: top-level `genai` of the first document.
    Yaml,
    /// `.json`, `.otio`: `metadata.genai`, else top-level `genai`.
    Json,
    /// `NAME.EXT.genai.yml` beside a binary media file.
    Sidecar,
}

impl FileKind {
    /// The kind of a script or metadata file, by its extension.
    pub fn of_path(path: &str) -> Option<FileKind> {
        let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
        Some(match ext.as_str() {
            "fountain" | "spmd" => FileKind::Fountain,
            "md" | "markdown" => FileKind::Markdown,
            "yml" | "yaml" => FileKind::Yaml,
            "json" | "otio" => FileKind::Json,
            _ => return None,
        })
    }

    /// How to add a declaration to a file of this kind.
    pub fn how_to_declare(self) -> &'static str {
        match self {
            FileKind::Fountain => {
                "add a declaration right after the title page: `/*`, `---`, `genai: none` (or its `uses`), `---`, `*/` on lines of their own"
            }
            FileKind::Markdown => {
                "add `genai: none` (or its `uses`) to the `---` frontmatter at the top of the file"
            }
            FileKind::Yaml => "add a top-level `genai:` key (`genai: none` when no AI was used)",
            FileKind::Json => {
                "add `\"genai\"` under the top-level `\"metadata\"` object (`\"genai\": \"none\"` when no AI was used)"
            }
            FileKind::Sidecar => {
                "create the sidecar with a top-level `genai:` key (`genai: none` when no AI was used)"
            }
        }
    }
}

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
        _ => bytes,
    }
}

/// What one file declares, and the problems found reading it.
#[derive(Debug, Default)]
pub struct Parsed {
    pub declaration: Option<Declaration>,
    pub findings: Vec<Finding>,
}

impl Parsed {
    fn finding(f: Finding) -> Self {
        Parsed {
            declaration: None,
            findings: vec![f],
        }
    }
}

/// Read the declaration of a file of the given kind.
pub fn parse(kind: FileKind, bytes: &[u8]) -> Parsed {
    let (text, base) = match kind {
        FileKind::Fountain | FileKind::Markdown => match locate(kind, bytes) {
            Block::Found { yaml } if yaml.len() > MAX_BLOCK_BYTES => {
                return Parsed::finding(malformed(
                    Some(yaml.start..yaml.start),
                    format!(
                        "the declaration block is larger than {} KiB",
                        MAX_BLOCK_BYTES >> 10
                    ),
                ));
            }
            Block::Found { yaml } => match utf8(bytes, yaml.clone()) {
                Ok(text) => (text, yaml.start),
                Err(f) => return Parsed::finding(*f),
            },
            Block::Missing => return missing(kind),
            Block::Unterminated { span, message } => {
                return Parsed::finding(malformed(Some(span), message));
            }
        },
        FileKind::Yaml | FileKind::Json | FileKind::Sidecar => {
            let start = if bytes.starts_with(b"\xEF\xBB\xBF") {
                3
            } else {
                0
            };
            match utf8(bytes, start..bytes.len()) {
                Ok(text) => (text, start),
                Err(f) => return Parsed::finding(*f),
            }
        }
    };
    // The common case, a script with no AI use, needs no YAML parser.
    if let Some(decl) = exactly_none(text, base) {
        return Parsed {
            declaration: Some(decl),
            findings: Vec::new(),
        };
    }
    let top = match yaml::parse_top_level(text, base) {
        Ok(top) => top,
        Err(e) => {
            let what = if kind == FileKind::Json {
                "JSON"
            } else {
                "YAML"
            };
            return Parsed::finding(
                malformed(
                    e.span.clone(),
                    format!("the declaration is not valid {what}: {}", e.message),
                )
                .label(e.message),
            );
        }
    };
    // Only the first document is read: a declaration in a later one, or
    // anything after a JSON value, could hide a use.
    if let Some(k) = &top.later_genai {
        return Parsed::finding(
            malformed(
                Some(k.span.clone()),
                "a `genai` key in a later YAML document is not read".into(),
            )
            .label("ignored")
            .help("keep one declaration, in the file's first document"),
        );
    }
    if kind == FileKind::Json
        && let Some(at) = after_json_value(text)
    {
        let at = base + at;
        return Parsed::finding(
            malformed(
                Some(at..at + 1),
                "unexpected content after the JSON value".into(),
            )
            .label("the file should end here")
            .help("a JSON or OTIO file holds one value"),
        );
    }
    let genai = match kind {
        FileKind::Json => top.metadata_genai.or(top.genai),
        _ => top.genai,
    };
    let Some((key, node)) = genai else {
        // A near miss (`gen-ai:`, `GenAI:`) is a typo, not a missing declaration.
        if let Some(k) = top.keys.iter().find(|k| {
            k.name.eq_ignore_ascii_case("genai")
                || strsim::jaro_winkler(&k.name.to_ascii_lowercase(), "genai") >= 0.85
        }) {
            return Parsed::finding(
                Finding::new(
                    &UNKNOWN_FIELD,
                    Some(k.span.clone()),
                    format!("unknown field `{}`", k.name),
                )
                .label("not a field aiclear knows")
                .help("did you mean `genai`?"),
            );
        }
        return missing(kind);
    };
    let mut findings = Vec::new();
    let declaration = validate::declaration(&key, &node, &mut findings);
    Parsed {
        declaration,
        findings,
    }
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
    })
}

fn missing(kind: FileKind) -> Parsed {
    Parsed::finding(
        Finding::new(
            &MISSING_DECLARATION,
            None,
            "file has no generative-AI declaration",
        )
        .help(kind.how_to_declare()),
    )
}

fn malformed(span: Option<Span>, message: String) -> Finding {
    Finding::new(&MALFORMED_DECLARATION, span, message)
}

fn utf8(bytes: &[u8], range: Span) -> Result<&str, Box<Finding>> {
    std::str::from_utf8(&bytes[range.clone()]).map_err(|e| {
        let at = range.start + e.valid_up_to();
        Box::new(
            malformed(
                Some(at..at + 1),
                "the declaration is not valid UTF-8".into(),
            )
            .label("this byte is not UTF-8")
            .help("save the file as UTF-8"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
