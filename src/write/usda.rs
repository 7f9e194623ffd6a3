//! Inserting a declaration into a text USD layer (`.usda`): a `genai`
//! entry in the `customLayerData` of the layer's metadata block.
//!
//! The entry goes at the end of an existing `customLayerData`; without
//! one, a `customLayerData` goes at the end of the metadata block; without
//! a block, a block goes right after the `#usda 1.0` line. Positions come
//! from the same reader `aiclear check` uses, so text is never inserted
//! inside a string or a comment, and every other byte stays as it was.

use super::LineEnding;
use super::declare::Form;
use crate::declaration::usda::{self, Layer};
use crate::yaml::Node;

/// One level of indentation where the file shows none to follow.
const UNIT: &str = "    ";

/// The `genai` entry `aiclear annotate` writes for a use to fill in, at no
/// indentation, one level being four spaces. Every value to fill in is a
/// `string` placeholder, so the layer still opens in USD and
/// `aiclear check` points at each one until it is filled in.
pub const TEMPLATE: &str = r#"dictionary genai = {
    # Fill in each TODO (`aiclear check` points at the ones left), or replace
    # this whole entry with `string genai = "none"` if no generative AI was used.
    # `aiclear explain CODE` says what a rule wants.
    dictionary disclosed = {
        string to = "TODO"  # the studio contact told
        string on = "TODO"  # the day they were told (YYYY-MM-DD)
    }
    dictionary uses = {
        dictionary "TODO" = {  # the use's id, a short slug, e.g. "aria-design"
            string stage = "TODO"  # ideation | previs | temp | final
            string output = "TODO"  # text | image | video | audio | voice | 3d
            dictionary tools = {
                dictionary "TODO" = {  # the tool's name, e.g. "Firefly"
                    string enterprise = "TODO"  # then: bool enterprise = 1 (or 0)
                    string "trains-on-inputs" = "TODO"  # then: bool "trains-on-inputs" = 0 (or 1)
                }
            }
            # string description = "what was generated, and what for"
            # string "human-input" = "what people changed or added (needed for stage final)"
            # string[] elements = ["background"]  # crowd, prop, signage, main-character, dialogue, ...
            # string[] inputs = ["original"]  # licensed, proprietary, talent-likeness, ...
            # string "approval-requested" = "YYYY-MM-DD"  # asked an approver; the commit may go ahead, CI waits
        }
    }
}"#;

/// The entry `aiclear annotate --none` writes.
pub const NONE: &str = "string genai = \"none\"";

fn entry(form: Form) -> &'static str {
    match form {
        Form::None => NONE,
        Form::Template => TEMPLATE,
    }
}

/// `text`'s lines, each after `indent`.
fn indented(text: &str, indent: &str) -> String {
    text.lines()
        .map(|l| format!("{indent}{l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The blanks before `pos` on its line, when nothing else comes before it.
fn indent_before(bytes: &[u8], pos: usize) -> Option<String> {
    let start = bytes[..pos]
        .iter()
        .rposition(|&b| b == b'\n' || b == b'\r')
        .map_or(0, |i| i + 1);
    let before = &bytes[start..pos];
    before
        .iter()
        .all(|&b| b == b' ' || b == b'\t')
        .then(|| String::from_utf8_lossy(before).into_owned())
}

/// Where the line holding `pos` starts.
fn line_start(bytes: &[u8], pos: usize) -> usize {
    bytes[..pos]
        .iter()
        .rposition(|&b| b == b'\n' || b == b'\r')
        .map_or(0, |i| i + 1)
}

/// `body` (lines at `inner` indentation) put before the closing bracket at
/// `close`, whose own line is indented by `outer`: on the lines before the
/// bracket when it is on a line of its own, else on new lines before it.
fn before_close(bytes: &[u8], close: usize, body: &str, outer: &str) -> (usize, String) {
    if indent_before(bytes, close).is_some() {
        (line_start(bytes, close), format!("{body}\n"))
    } else {
        (close, format!("\n{body}\n{outer}"))
    }
}

/// Where to insert the declaration into a layer, and the text (with the
/// file's line endings), and where it went in words.
pub fn insertion(bytes: &[u8], form: Form) -> Result<(usize, String, &'static str), String> {
    let layer = usda::read_layer(bytes).map_err(|b| {
        format!(
            "its layer header cannot be read ({}); fix it by hand",
            b.problem
        )
    })?;
    let le = LineEnding::detect(bytes);
    let (at, text, place) = match &layer.block {
        None => {
            let body = indented(entry(form), &format!("{UNIT}{UNIT}"));
            let mut text = format!("\n(\n{UNIT}customLayerData = {{\n{body}\n{UNIT}}}\n)");
            if layer.magic_end == bytes.len() {
                text.push('\n');
            }
            (
                layer.magic_end,
                text,
                "in a new metadata block after `#usda 1.0`",
            )
        }
        Some(block) => match &block.custom {
            None => {
                let outer = block
                    .entry_starts
                    .first()
                    .and_then(|&s| indent_before(bytes, s))
                    .filter(|i| !i.is_empty())
                    .unwrap_or_else(|| UNIT.to_owned());
                let body = format!(
                    "{outer}customLayerData = {{\n{}\n{outer}}}",
                    indented(entry(form), &format!("{outer}{UNIT}"))
                );
                let close_indent = indent_before(bytes, block.close).unwrap_or_default();
                let (at, text) = before_close(bytes, block.close, &body, &close_indent);
                (
                    at,
                    text,
                    "in a new `customLayerData` of the layer's metadata",
                )
            }
            Some((key, dict)) => {
                let outer = indent_before(bytes, key.start).unwrap_or_default();
                let inner = dict
                    .entries
                    .first()
                    .and_then(|e| indent_before(bytes, e.start))
                    .unwrap_or_else(|| format!("{outer}{UNIT}"));
                let body = indented(entry(form), &inner);
                let (at, text) = before_close(bytes, dict.close, &body, &outer);
                (at, text, "in the layer's `customLayerData`")
            }
        },
    };
    Ok((at, le.apply(&text), place))
}

/// What a layer's `customLayerData` says besides `genai`, for comparing a
/// file before and after an insertion.
fn others(layer: &Layer) -> Vec<(String, serde_json::Value)> {
    layer
        .block
        .as_ref()
        .and_then(|b| b.custom.as_ref())
        .map(|(_, d)| {
            d.entries
                .iter()
                .filter(|e| e.key.name != "genai")
                .map(|e| (e.key.name.clone(), Node::to_json(&e.node)))
                .collect()
        })
        .unwrap_or_default()
}

/// Whether the layer says the same after the insertion as before it,
/// `genai` aside: the same entries in its metadata block (plus a new
/// `customLayerData`) and in its `customLayerData`.
pub fn same_but_genai(before: &[u8], after: &[u8]) -> bool {
    let (Ok(b), Ok(a)) = (usda::read_layer(before), usda::read_layer(after)) else {
        return false;
    };
    let count = |l: &Layer| l.block.as_ref().map_or(0, |b| b.entry_starts.len());
    let added = usize::from(b.block.as_ref().is_none_or(|x| x.custom.is_none()));
    count(&a) == count(&b) + added && others(&a) == others(&b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kind::FileKind;
    use crate::write::declare::{Outcome, insert};

    fn inserted(text: &str, form: Form) -> String {
        crate::write::declare::tests::inserted(FileKind::Usda, text, form)
    }

    #[test]
    fn a_new_block_after_the_magic_line() {
        let out = inserted("#usda 1.0\n\ndef Xform \"a\"\n{\n}\n", Form::None);
        assert_eq!(
            out,
            "#usda 1.0\n(\n    customLayerData = {\n        string genai = \"none\"\n    }\n)\n\ndef Xform \"a\"\n{\n}\n"
        );
        assert_eq!(
            inserted("#usda 1.0", Form::None),
            "#usda 1.0\n(\n    customLayerData = {\n        string genai = \"none\"\n    }\n)\n"
        );
    }

    #[test]
    fn into_an_existing_block_and_dictionary() {
        let text = "#usda 1.0\r\n(\r\n  defaultPrim = \"a\"\r\n  doc = \"\"\"# not a comment\r\n)\"\"\"\r\n)\r\n";
        let out = inserted(text, Form::None);
        assert!(
            out.ends_with(
                ")\"\"\"\r\n  customLayerData = {\r\n      string genai = \"none\"\r\n  }\r\n)\r\n"
            ),
            "{out}"
        );
        let text = "#usda 1.0\n(\n    customLayerData = {\n        string License = \"CC BY 4.0\"\n    }\n)\n";
        let out = inserted(text, Form::None);
        assert!(
            out.contains("\"CC BY 4.0\"\n        string genai = \"none\"\n    }\n)"),
            "{out}"
        );
        let text = "#usda 1.0\n( customLayerData = { string a = \"b\"; } )\n";
        let out = inserted(text, Form::None);
        assert_eq!(
            out,
            "#usda 1.0\n( customLayerData = { string a = \"b\"; \n    string genai = \"none\"\n} )\n"
        );
    }

    #[test]
    fn the_template_reads_back_with_placeholders_only() {
        let out = inserted("#usda 1.0\n(\n    upAxis = \"Y\"\n)\n", Form::Template);
        let p = crate::rules::read_declaration(FileKind::Usda, out.as_bytes());
        assert!(p.declaration.is_some());
        assert!(!p.findings.is_empty());
        for f in &p.findings {
            assert_eq!(f.rule.code, "GA004", "{f:?}");
            assert!(f.message.contains("placeholder"), "{}", f.message);
        }
        assert!(matches!(
            insert(FileKind::Usda, out.as_bytes(), Form::None),
            Ok(Outcome::AlreadyDeclared)
        ));
    }

    #[test]
    fn broken_headers_are_refused() {
        for text in [
            "#usda 1.0\n(\n    doc = \"\"\"never closed\n",
            "#usda 1.0\n(\n    customLayerData = {\n        string a = \"b\"\n",
            "PXR-USDC\0\0",
            "not usd",
        ] {
            assert!(
                insert(FileKind::Usda, text.as_bytes(), Form::None).is_err(),
                "{text:?}"
            );
        }
    }
}
