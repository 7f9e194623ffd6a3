//! Inserting a declaration into a file of each kind (`aiclear annotate`).
//!
//! Each kind has one insertion point (DESIGN §1): a Fountain script gets the
//! boneyard-wrapped block right after its title page (so the title page stays
//! the first thing in the file), or at the top when it has none; Markdown gets
//! a `genai` key at the end of its frontmatter, or a new frontmatter; YAML a
//! top-level `genai` key at the end of the first document; JSON and OTIO a
//! `"genai"` member at the end of the top-level `"metadata"` object. The text
//! inserted follows the file's line ending and indentation.
//!
//! The new bytes are read back with [`crate::declaration::parse`] before they
//! are returned: the declaration must be found, and for YAML, JSON and
//! frontmatter everything else the file says must read as before.

use crate::declaration::{Block, markdown};
use crate::kind::{FileKind, NONE, TEMPLATE};
use crate::rules::invalid_value::INVALID_VALUE;
use crate::rules::missing_declaration::MISSING_DECLARATION;
use crate::write::{LineEnding, bom_len, ends_with_line_break, json};
use crate::yaml;

/// What to declare.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// `genai: none`: no generative AI was used.
    None,
    /// A commented template with placeholders that `aiclear check` reports
    /// until a writer fills them in.
    Template,
}

/// The result of [`insert`].
#[derive(Debug)]
pub enum Outcome {
    /// The file with the declaration inserted: `bytes[at..at + len]` is new,
    /// every other byte is the original's.
    Inserted {
        bytes: Vec<u8>,
        at: usize,
        len: usize,
        /// Where it went, for messages ("after the title page").
        place: &'static str,
    },
    /// The file already has a declaration; nothing was changed.
    AlreadyDeclared,
}

fn yaml_text(form: Form) -> &'static str {
    match form {
        Form::None => NONE,
        Form::Template => TEMPLATE,
    }
}

/// Insert a declaration into a file of the given kind.
pub fn insert(kind: FileKind, bytes: &[u8], form: Form) -> Result<Outcome, String> {
    let before = crate::rules::read_declaration(kind, bytes);
    if before.declaration.is_some() {
        return Ok(Outcome::AlreadyDeclared);
    }
    if let Some(f) = before.findings.iter().find(|f| !f.is(&MISSING_DECLARATION)) {
        return Err(format!(
            "it has a declaration that cannot be read ({}: {}); fix it by hand, `aiclear check` shows where",
            f.rule.code, f.message
        ));
    }
    let (at, text, place) = match kind {
        FileKind::Fountain => fountain_insertion(bytes, form),
        FileKind::Markdown => markdown_insertion(bytes, form)?,
        FileKind::Yaml | FileKind::Sidecar => yaml_insertion(bytes, form)?,
        FileKind::Json => json_insertion(bytes, form)?,
        FileKind::Usda => super::usda::insertion(bytes, form)?,
    };
    let mut out = Vec::with_capacity(bytes.len() + text.len());
    out.extend_from_slice(&bytes[..at]);
    out.extend_from_slice(text.as_bytes());
    out.extend_from_slice(&bytes[at..]);
    verify(kind, bytes, &out, form)?;
    Ok(Outcome::Inserted {
        bytes: out,
        at,
        len: text.len(),
        place,
    })
}

/// The content of a new sidecar for the media file named `media_name`.
pub fn new_sidecar(media_name: &str, form: Form) -> Vec<u8> {
    let text = format!(
        "# Generative-AI declaration for {media_name} (written by `aiclear annotate`).\n{}",
        yaml_text(form)
    );
    debug_assert!(verify(FileKind::Sidecar, b"", text.as_bytes(), form).is_ok());
    text.into_bytes()
}

/// Lines from `pos`: (start, end of content, start of next line), split as
/// the Fountain reader splits them.
fn lines(bytes: &[u8], pos: usize) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
    crate::declaration::fountain::Lines::new(bytes, pos)
}

use crate::declaration::fountain::is_title_key;

fn fountain_insertion(bytes: &[u8], form: Form) -> (usize, String, &'static str) {
    let le = LineEnding::detect(bytes);
    let start = bom_len(bytes);
    let mut prefix = String::new();
    let mut it = lines(bytes, start);
    let (at, place) = match it.next() {
        Some((s, e, _)) if is_title_key(&bytes[s..e]) => {
            match it.find(|&(s, e, _)| bytes[s..e].trim_ascii().is_empty()) {
                Some((_, _, next)) => (next, "after the title page"),
                None => {
                    // The title page runs to the end of the file: close it.
                    if !ends_with_line_break(bytes) {
                        prefix.push_str(le.as_str());
                    }
                    prefix.push_str(le.as_str());
                    (bytes.len(), "after the title page")
                }
            }
        }
        _ => (start, "at the top"),
    };
    let mut block = format!("/*\n---\n{}---\n*/\n", yaml_text(form));
    let next_is_blank = lines(bytes, at)
        .next()
        .is_none_or(|(s, e, _)| bytes[s..e].trim_ascii().is_empty());
    if !next_is_blank {
        block.push('\n');
    }
    prefix.push_str(&le.apply(&block));
    (at, prefix, place)
}

fn markdown_insertion(bytes: &[u8], form: Form) -> Result<(usize, String, &'static str), String> {
    let le = LineEnding::detect(bytes);
    match markdown::locate(bytes) {
        Block::Found { yaml } => {
            let text = std::str::from_utf8(&bytes[yaml.clone()])
                .map_err(|_| "its frontmatter is not valid UTF-8".to_owned())?;
            let indent = mapping_indent(text, "frontmatter")?;
            Ok((
                yaml.end,
                le.apply(&indented(yaml_text(form), &indent)),
                "in the frontmatter",
            ))
        }
        Block::Missing => {
            let start = bom_len(bytes);
            let mut block = format!("---\n{}---\n", yaml_text(form));
            let next_is_blank = lines(bytes, start)
                .next()
                .is_none_or(|(s, e, _)| bytes[s..e].trim_ascii().is_empty());
            if !next_is_blank {
                block.push('\n');
            }
            Ok((start, le.apply(&block), "in a new frontmatter"))
        }
        Block::Unterminated { message, .. } => Err(message),
    }
}

/// The indentation of the top-level keys of a block mapping (empty for an
/// empty document); an error for anything a key cannot be appended to.
fn mapping_indent(text: &str, what: &str) -> Result<String, String> {
    let node = yaml::parse(text, 0).map_err(|e| format!("its {what} is not valid YAML: {e}"))?;
    match &node.value {
        yaml::Value::Null => Ok(String::new()),
        yaml::Value::Map(entries) => {
            let first_content = text
                .lines()
                .map(str::trim_start)
                .find(|l| !l.is_empty() && !l.starts_with('#'));
            if first_content.is_some_and(|l| l.starts_with('{')) {
                return Err(format!(
                    "its {what} is a flow mapping (`{{...}}`); add `genai: none` to it by hand"
                ));
            }
            let Some((key, _)) = entries.first() else {
                return Ok(String::new());
            };
            let line_start = text[..key.span.start]
                .rfind(['\n', '\r'])
                .map_or(0, |i| i + 1);
            let indent = &text[line_start..key.span.start];
            if indent.bytes().all(|b| b == b' ') {
                Ok(indent.to_owned())
            } else {
                Err(format!(
                    "cannot tell the indentation of its {what}'s keys; add `genai: none` by hand"
                ))
            }
        }
        other => Err(format!(
            "its {what} is {}, not a mapping with keys",
            other.kind()
        )),
    }
}

fn indented(text: &str, indent: &str) -> String {
    if indent.is_empty() {
        return text.to_owned();
    }
    text.split_inclusive('\n')
        .map(|l| {
            if l.trim().is_empty() {
                l.to_owned()
            } else {
                format!("{indent}{l}")
            }
        })
        .collect()
}

/// The byte range of the first document of a YAML text: after any
/// directives and the `---` that opens it, up to the `---` or `...` that ends
/// it (or the end of the text).
fn first_document(text: &str, start: usize) -> Result<std::ops::Range<usize>, String> {
    let bytes = text.as_bytes();
    let mut doc_start = start;
    let mut opened = false;
    let mut content = false;
    for (s, e, next) in lines(bytes, start) {
        let line = &text[s..e];
        let marker = |m: &str| {
            line.strip_prefix(m)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
        };
        if marker("---") {
            if opened || content {
                return Ok(doc_start..s);
            }
            let rest = line[3..].trim();
            if !(rest.is_empty() || rest.starts_with('#')) {
                return Err(
                    "its first document starts on its `---` line; add `genai:` by hand".into(),
                );
            }
            opened = true;
            doc_start = next;
            continue;
        }
        if marker("...") {
            return Ok(doc_start..s);
        }
        if !opened && !content && line.starts_with('%') {
            doc_start = next;
            continue;
        }
        let t = line.trim_start();
        if !t.is_empty() && !t.starts_with('#') {
            content = true;
        }
    }
    Ok(doc_start..text.len())
}

fn yaml_insertion(bytes: &[u8], form: Form) -> Result<(usize, String, &'static str), String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "it is not valid UTF-8".to_owned())?;
    let le = LineEnding::detect(bytes);
    let doc = first_document(text, bom_len(bytes))?;
    let indent = mapping_indent(&text[doc.clone()], "first document")?;
    let mut out = String::new();
    if doc.end == text.len() && !ends_with_line_break(bytes) {
        out.push_str(le.as_str());
    }
    out.push_str(&le.apply(&indented(yaml_text(form), &indent)));
    let place = if doc.end == text.len() {
        "at the end"
    } else {
        "at the end of the first document"
    };
    Ok((doc.end, out, place))
}

/// `"genai": …` as JSON, indented for a member at `indent` (with `unit` per
/// level) or on one line.
fn json_genai(form: Form, pretty: Option<(&str, &str)>, le: LineEnding) -> String {
    const DISCLOSED: &str =
        r#""disclosed": {"to": "TODO: studio contact told", "on": "TODO: YYYY-MM-DD"}"#;
    const USE: [&str; 5] = [
        r#""id": "TODO: a short slug, e.g. cleanup""#,
        r#""stage": "TODO: ideation, previs, temp or final""#,
        r#""output": "TODO: text, image, video, audio, voice or 3d""#,
        r#""tools": [{"name": "TODO", "enterprise": "TODO: true or false", "trains-on-inputs": "TODO: true or false"}]"#,
        r#""human-input": "TODO: what people changed or added""#,
    ];
    match (form, pretty) {
        (Form::None, _) => r#""genai": "none""#.to_owned(),
        (Form::Template, None) => {
            format!(
                r#""genai": {{{DISCLOSED}, "uses": [{{{}}}]}}"#,
                USE.join(", ")
            )
        }
        (Form::Template, Some((indent, unit))) => {
            let nl = le.as_str();
            let i1 = format!("{indent}{unit}");
            let i2 = format!("{i1}{unit}");
            let i3 = format!("{i2}{unit}");
            let fields = USE
                .iter()
                .map(|f| format!("{i3}{f}"))
                .collect::<Vec<_>>()
                .join(&format!(",{nl}"));
            format!(
                "\"genai\": {{{nl}{i1}{DISCLOSED},{nl}{i1}\"uses\": [{nl}{i2}{{{nl}{fields}{nl}{i2}}}{nl}{i1}]{nl}{indent}}}"
            )
        }
    }
}

fn json_insertion(bytes: &[u8], form: Form) -> Result<(usize, String, &'static str), String> {
    let le = LineEnding::detect(bytes);
    let open = json::skip_ws(bytes, bom_len(bytes));
    let top = json::object_at(bytes, open)
        .map_err(|e| format!("its top level is not a JSON object ({e})"))?;
    // The indentation unit: how far the first top-level key sits from the `{`.
    let unit: Option<String> = top.members.first().and_then(|m| {
        let between = &bytes[open + 1..m.key_start];
        if !between.contains(&b'\n') && !between.contains(&b'\r') {
            return None;
        }
        let key = json::line_indent(bytes, m.key_start);
        let brace = json::line_indent(bytes, open);
        key.strip_prefix(brace)
            .filter(|u| !u.is_empty())
            .map(|u| String::from_utf8_lossy(u).into_owned())
    });
    let metadata = top.get("metadata").filter(|m| bytes[m.value.start] == b'{');
    let (obj, base, place) = match metadata {
        Some(m) => (
            json::object_at(bytes, m.value.start)?,
            json::line_indent(bytes, m.key_start),
            "in `metadata`",
        ),
        None => (
            top.clone(),
            json::line_indent(bytes, open),
            "at the top level",
        ),
    };
    let base = String::from_utf8_lossy(base).into_owned();
    let nl = le.as_str();
    // Render the member for a given indentation (None: on one line).
    let member = |indent: Option<&str>| -> String {
        let pretty = indent.zip(unit.as_deref());
        if metadata.is_some() || top.get("metadata").is_some() {
            json_genai(form, pretty, le)
        } else {
            match pretty {
                None => format!("\"metadata\": {{{}}}", json_genai(form, None, le)),
                Some((i, u)) => format!(
                    "\"metadata\": {{{nl}{i}{u}{}{nl}{i}}}",
                    json_genai(form, Some((&format!("{i}{u}"), u)), le)
                ),
            }
        }
    };
    let place = if metadata.is_none() && top.get("metadata").is_none() {
        "in a new `metadata` object"
    } else {
        place
    };
    let (at, text) = match json::separator(bytes, &obj) {
        Some(sep) => {
            let mut sep_text = String::from_utf8_lossy(sep).into_owned();
            if obj.members.len() == 1 && !sep_text.contains(['\n', '\r']) {
                // After a `{` there is no comma to copy the spacing from.
                sep_text = " ".into();
            }
            let indent = sep_text
                .rfind(['\n', '\r'])
                .map(|i| sep_text[i + 1..].to_owned());
            let last = obj.members.last().expect("a separator implies a member");
            (
                last.value.end,
                format!(",{sep_text}{}", member(indent.as_deref())),
            )
        }
        None => match &unit {
            Some(u) => {
                let inner = &bytes[obj.open + 1..obj.close];
                let indent = format!("{base}{u}");
                let text = if inner.contains(&b'\n') || inner.contains(&b'\r') {
                    format!("{nl}{indent}{}", member(Some(&indent)))
                } else {
                    format!("{nl}{indent}{}{nl}{base}", member(Some(&indent)))
                };
                (obj.open + 1, text)
            }
            None => (obj.open + 1, member(None)),
        },
    };
    Ok((at, text, place))
}

/// Read the new bytes back: the declaration must be found (and, for `none`,
/// read without a single finding), and the rest of a YAML document, a JSON
/// file or a frontmatter must say what it said before.
fn verify(kind: FileKind, before: &[u8], after: &[u8], form: Form) -> Result<(), String> {
    let parsed = crate::rules::read_declaration(kind, after);
    let unexpected = parsed.findings.iter().find(|f| match form {
        Form::None => true,
        Form::Template => !f.is(&INVALID_VALUE),
    });
    if let Some(f) = unexpected {
        return Err(format!(
            "the inserted declaration did not read back ({}: {}); nothing was written",
            f.rule.code, f.message
        ));
    }
    if parsed.declaration.is_none() {
        return Err(
            "the inserted declaration was not found when read back; nothing was written".into(),
        );
    }
    let same = match kind {
        FileKind::Fountain => true,
        FileKind::Usda => super::usda::same_but_genai(before, after),
        FileKind::Markdown => {
            let doc = |b: &[u8]| match markdown::locate(b) {
                Block::Found { yaml } => std::str::from_utf8(&b[yaml])
                    .ok()
                    .and_then(|t| yaml::parse(t, 0).ok())
                    .map(|n| n.to_json()),
                _ => Some(serde_json::Value::Null),
            };
            same_but_genai(doc(before), doc(after))
        }
        FileKind::Yaml | FileKind::Sidecar => {
            let doc = |b: &[u8]| {
                let text = std::str::from_utf8(b).ok()?;
                let range = first_document(text, bom_len(b)).ok()?;
                yaml::parse(&text[range], 0).ok().map(|n| n.to_json())
            };
            same_but_genai(doc(before), doc(after))
        }
        FileKind::Json => {
            let doc = |b: &[u8]| {
                let text = std::str::from_utf8(&b[bom_len(b)..]).ok()?;
                yaml::parse(text, 0).ok().map(|n| n.to_json())
            };
            match (doc(before), doc(after)) {
                (Some(b), Some(mut a)) => {
                    if let Some(m) = a.get_mut("metadata").and_then(|m| m.as_object_mut()) {
                        m.remove("genai");
                    }
                    if let Some(obj) = a.as_object_mut() {
                        if b.get("metadata").is_none() {
                            obj.remove("metadata");
                        }
                        if b.get("genai").is_none() {
                            obj.remove("genai");
                        }
                    }
                    a == b
                }
                // Too deep or too large for the tree reader: the top-level keys
                // at least must be the same, plus `metadata` or `genai`.
                _ => same_top_level_keys(before, after),
            }
        }
    };
    if same {
        Ok(())
    } else {
        Err("inserting the declaration would change what the rest of the file says; nothing was written".into())
    }
}

fn same_but_genai(before: Option<serde_json::Value>, after: Option<serde_json::Value>) -> bool {
    let (Some(before), Some(mut after)) = (before, after) else {
        return false;
    };
    if let Some(obj) = after.as_object_mut() {
        obj.remove("genai");
        if obj.is_empty() && before.is_null() {
            return true;
        }
    }
    before == after
}

fn same_top_level_keys(before: &[u8], after: &[u8]) -> bool {
    let keys = |b: &[u8]| -> Option<Vec<String>> {
        let text = std::str::from_utf8(&b[bom_len(b)..]).ok()?;
        let top = yaml::parse_top_level(text, 0).ok()?;
        let mut keys: Vec<String> = top
            .keys
            .into_iter()
            .map(|k| k.name)
            .filter(|k| k != "metadata" && k != "genai")
            .collect();
        keys.sort();
        Some(keys)
    };
    keys(before).is_some() && keys(before) == keys(after)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// `text` with a declaration of `form` inserted, checked to keep every
    /// other byte.
    pub(in crate::write) fn inserted(kind: FileKind, text: &str, form: Form) -> String {
        match insert(kind, text.as_bytes(), form) {
            Ok(Outcome::Inserted { bytes, at, len, .. }) => {
                let mut rest = bytes[..at].to_vec();
                rest.extend_from_slice(&bytes[at + len..]);
                assert_eq!(rest, text.as_bytes(), "other bytes changed");
                String::from_utf8(bytes).unwrap()
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn fountain_after_the_title_page() {
        assert_eq!(
            inserted(
                FileKind::Fountain,
                "Title: X\nAuthor: Y\n\nINT. A - DAY\n",
                Form::None
            ),
            "Title: X\nAuthor: Y\n\n/*\n---\ngenai: none\n---\n*/\n\nINT. A - DAY\n"
        );
        assert_eq!(
            inserted(FileKind::Fountain, "INT. A - DAY\n", Form::None),
            "/*\n---\ngenai: none\n---\n*/\n\nINT. A - DAY\n"
        );
        assert_eq!(
            inserted(FileKind::Fountain, "", Form::None),
            "/*\n---\ngenai: none\n---\n*/\n"
        );
    }

    #[test]
    fn fountain_title_page_to_the_end_bom_and_crlf() {
        assert_eq!(
            inserted(
                FileKind::Fountain,
                "\u{feff}Title: X\r\nAuthor: Y",
                Form::None
            ),
            "\u{feff}Title: X\r\nAuthor: Y\r\n\r\n/*\r\n---\r\ngenai: none\r\n---\r\n*/\r\n"
        );
        assert_eq!(
            inserted(FileKind::Fountain, "\u{feff}INT. A\r\n", Form::None),
            "\u{feff}/*\r\n---\r\ngenai: none\r\n---\r\n*/\r\n\r\nINT. A\r\n"
        );
        assert_eq!(
            inserted(FileKind::Fountain, "Title: X\r\rINT. A\r", Form::None),
            "Title: X\r\r/*\r---\rgenai: none\r---\r*/\r\rINT. A\r"
        );
    }

    #[test]
    fn templates_read_back_with_findings_to_fill_in() {
        let text = inserted(FileKind::Fountain, "Title: X\n\nINT. A\n", Form::Template);
        let p = crate::rules::read_declaration(FileKind::Fountain, text.as_bytes());
        assert_eq!(p.declaration.unwrap().uses.len(), 1);
        assert!(p.findings.iter().all(|f| f.rule.code == "GA004"));
        // disclosed.to and .on, id, stage, output and the tool's three
        // values: free text too.
        assert_eq!(p.findings.len(), 8, "{:?}", p.findings);
        assert!(
            p.findings.iter().all(|f| f.message.contains("placeholder")),
            "{:?}",
            p.findings
        );
        let stage = p
            .findings
            .iter()
            .find(|f| f.message.contains("`stage`"))
            .unwrap();
        assert_eq!(&text[stage.span.clone().unwrap()], "TODO");
        let all = format!("{} {:?} {:?}", stage.message, stage.help, stage.notes);
        assert!(all.contains("ideation"), "{all}");
        let json = inserted(FileKind::Json, "{\n  \"metadata\": {}\n}\n", Form::Template);
        let p = crate::rules::read_declaration(FileKind::Json, json.as_bytes());
        assert!(p.declaration.is_some(), "{json}");
        // Every `TODO…` string of the JSON template, human-input included.
        let todos = json.matches("\"TODO").count();
        assert_eq!(p.findings.len(), todos, "{json}\n{:?}", p.findings);
        assert!(p.findings.iter().all(|f| f.message.contains("placeholder")));
    }

    #[test]
    fn already_declared_and_broken() {
        let text = "Title: X\n\n/*\n---\ngenai: none\n---\n*/\n";
        assert!(matches!(
            insert(FileKind::Fountain, text.as_bytes(), Form::None),
            Ok(Outcome::AlreadyDeclared)
        ));
        assert!(insert(FileKind::Yaml, b"gen-ai: none\n", Form::None).is_err());
        assert!(insert(FileKind::Yaml, b"a: [\n", Form::None).is_err());
    }

    #[test]
    fn markdown() {
        assert_eq!(
            inserted(
                FileKind::Markdown,
                "---\r\ntitle: Bible\r\n---\r\n# Bible\r\n",
                Form::None
            ),
            "---\r\ntitle: Bible\r\ngenai: none\r\n---\r\n# Bible\r\n"
        );
        assert_eq!(
            inserted(FileKind::Markdown, "# Bible\n", Form::None),
            "---\ngenai: none\n---\n\n# Bible\n"
        );
        assert!(insert(FileKind::Markdown, b"---\n[a]\n---\n", Form::None).is_err());
    }

    #[test]
    fn yaml_documents() {
        assert_eq!(
            inserted(FileKind::Yaml, "shot: 10 # x\nname: a", Form::None),
            "shot: 10 # x\nname: a\ngenai: none\n"
        );
        assert_eq!(
            inserted(
                FileKind::Yaml,
                "%YAML 1.2\n---\nshot: 10\n---\nshot: 20\n",
                Form::None
            ),
            "%YAML 1.2\n---\nshot: 10\ngenai: none\n---\nshot: 20\n"
        );
        assert_eq!(
            inserted(FileKind::Yaml, "  shot: 10\n...\n", Form::None),
            "  shot: 10\n  genai: none\n...\n"
        );
        assert_eq!(
            inserted(FileKind::Yaml, "# only a comment\n", Form::None),
            "# only a comment\ngenai: none\n"
        );
        assert!(insert(FileKind::Yaml, b"- a\n- b\n", Form::None).is_err());
        assert!(insert(FileKind::Yaml, b"{a: 1}\n", Form::None).is_err());
        inserted(FileKind::Yaml, "a: 1\r\nb:\r\n  - c\r\n", Form::Template);
    }

    #[test]
    fn json_metadata() {
        assert_eq!(
            inserted(
                FileKind::Json,
                "{\n    \"OTIO_SCHEMA\": \"Timeline.1\",\n    \"metadata\": {},\n    \"x\": NaN\n}\n",
                Form::None
            ),
            "{\n    \"OTIO_SCHEMA\": \"Timeline.1\",\n    \"metadata\": {\n        \"genai\": \"none\"\n    },\n    \"x\": NaN\n}\n"
        );
        assert_eq!(
            inserted(
                FileKind::Json,
                "{\r\n  \"metadata\": {\r\n    \"a\": 1\r\n  }\r\n}",
                Form::None
            ),
            "{\r\n  \"metadata\": {\r\n    \"a\": 1,\r\n    \"genai\": \"none\"\r\n  }\r\n}"
        );
        assert_eq!(
            inserted(FileKind::Json, "{\"a\": 1}", Form::None),
            "{\"a\": 1, \"metadata\": {\"genai\": \"none\"}}"
        );
        assert_eq!(
            inserted(FileKind::Json, "{\n\t\"a\": 1\n}\n", Form::None),
            "{\n\t\"a\": 1,\n\t\"metadata\": {\n\t\t\"genai\": \"none\"\n\t}\n}\n"
        );
        assert_eq!(
            inserted(FileKind::Json, "{}", Form::None),
            "{\"metadata\": {\"genai\": \"none\"}}"
        );
        assert!(insert(FileKind::Json, b"[1, 2]", Form::None).is_err());
    }

    #[test]
    fn sidecars() {
        let text = new_sidecar("plate.exr", Form::None);
        let p = crate::rules::read_declaration(FileKind::Sidecar, &text);
        assert!(p.declaration.unwrap().none && p.findings.is_empty());
    }
}
