use super::*;
use crate::declaration::model::{Element, Stage};
use crate::declaration::vocabulary::names;

/// The cursor's mark in a test's text.
const CURSOR: char = '‸';

/// `marked` without its cursor mark, and the mark's offset.
fn unmark(marked: &str) -> (String, usize) {
    let at = marked.find(CURSOR).expect("a cursor mark");
    (marked.replacen(CURSOR, "", 1), at)
}

fn complete_at(kind: FileKind, marked: &str) -> Option<Completion> {
    let (text, at) = unmark(marked);
    complete(kind, &text, at)
}

fn labels(c: &Completion) -> Vec<&str> {
    c.items.iter().map(|i| i.label.as_str()).collect()
}

/// The keys of `scope` but `written`, in the vocabulary's order.
fn keys_but(scope: Scope, written: &[&str]) -> Vec<&'static str> {
    names(scope).filter(|k| !written.contains(k)).collect()
}

/// The text with the item labelled `label` applied.
fn apply(marked: &str, kind: FileKind, label: &str) -> String {
    let (mut text, at) = unmark(marked);
    let c = complete(kind, &text, at).unwrap();
    let item = c.items.iter().find(|i| i.label == label).unwrap();
    text.replace_range(c.replace, &item.insert);
    text
}

const USE: &str = "genai:\n  uses:\n    - id: a\n      stage: temp\n";

#[test]
fn declaration_keys_but_the_written_ones() {
    let text = "genai:\n  uses: []\n  te‸\n  disclosed: { to: x, on: 2025-01-02 }\n";
    let c = complete_at(FileKind::Yaml, text).unwrap();
    assert_eq!(labels(&c), ["retired", "territories"]);
    let start = text.find("te‸").unwrap();
    assert_eq!(c.replace, start..start + 2);
    let item = &c.items[1];
    assert_eq!(item.kind, ItemKind::Key);
    assert_eq!(item.insert, "territories: ");
    assert_eq!(item.detail, "list of one of 251 terms");
    assert_eq!(
        item.doc,
        vocabulary::key(Scope::Declaration, "territories")
            .unwrap()
            .doc
    );
}

#[test]
fn use_keys_leave_out_those_above_and_below() {
    let text = format!(
        "{USE}      ‸\n      output: image\n      tools: [{{ name: x }}]\n    - id: b\n      elements: []\n"
    );
    let c = complete_at(FileKind::Yaml, &text).unwrap();
    assert_eq!(
        labels(&c),
        keys_but(Scope::Use, &["id", "stage", "output", "tools"])
    );
    let at = text.find(CURSOR).unwrap();
    assert_eq!(c.replace, at..at);
    assert_eq!(c.items[0].label, "description");
    assert_eq!(c.items[0].detail, "text");
}

#[test]
fn a_new_item_of_uses_offers_use_keys() {
    let c = complete_at(FileKind::Yaml, &format!("{USE}    - st‸")).unwrap();
    assert_eq!(labels(&c), keys_but(Scope::Use, &[]));
    // A list at its key's indentation.
    let c = complete_at(FileKind::Yaml, "genai:\n  uses:\n  - id: a\n    ‸").unwrap();
    assert_eq!(labels(&c), keys_but(Scope::Use, &["id"]));
}

#[test]
fn tool_keys_in_block_and_flow_mappings() {
    let block = format!("{USE}      tools:\n        - name: x\n          ‸\n");
    let c = complete_at(FileKind::Yaml, &block).unwrap();
    assert_eq!(labels(&c), keys_but(Scope::Tool, &["name"]));
    let flow = format!("{USE}      tools: [{{ name: x, ‸, enterprise: true }}]\n");
    let c = complete_at(FileKind::Yaml, &flow).unwrap();
    assert_eq!(
        labels(&c),
        ["version", "trains-on-inputs", "terms-reviewed"]
    );
    // The template's form: a flow mapping as a block list's item.
    let item = format!("{USE}      tools:\n        - {{ name: TODO, ‸ }}\n");
    let c = complete_at(FileKind::Yaml, &item).unwrap();
    assert_eq!(labels(&c), keys_but(Scope::Tool, &["name"]));
}

#[test]
fn talent_keys_in_a_new_item() {
    let text = format!("{USE}      talent:\n        - ‸\n          union: SAG-AFTRA\n");
    let c = complete_at(FileKind::Yaml, &text).unwrap();
    assert_eq!(labels(&c), keys_but(Scope::Talent, &["union"]));
    assert_eq!(c.items[0].label, "performer");
}

#[test]
fn a_term_key_offers_its_terms() {
    let text = "genai:\n  uses:\n    - id: a\n      stage: fi‸\n";
    let c = complete_at(FileKind::Yaml, text).unwrap();
    assert_eq!(labels(&c), Stage::ALL);
    assert_eq!(c.items[3].kind, ItemKind::Value);
    assert_eq!(c.items[3].detail, "use.stage");
    assert_eq!(
        c.items[3].doc,
        vocabulary::key(Scope::Use, "stage").unwrap().doc
    );
    assert_eq!(
        apply(text, FileKind::Yaml, "final"),
        text.replace("fi‸", "final")
    );
    // Right after the colon, a space is inserted with the term.
    let tight = format!("{USE}      prominence:‸\n");
    assert_eq!(
        apply(&tight, FileKind::Yaml, "incidental"),
        format!("{USE}      prominence: incidental\n")
    );
}

#[test]
fn a_terms_key_leaves_out_the_items_written_in_a_block_list() {
    let text = format!(
        "{USE}      elements:\n        - crowd\n        - ‸\n        - \"prop\"\n      output: text\n"
    );
    let c = complete_at(FileKind::Yaml, &text).unwrap();
    let want: Vec<&str> = Element::ALL
        .iter()
        .copied()
        .filter(|e| !["crowd", "prop"].contains(e))
        .collect();
    assert_eq!(labels(&c), want);
}

#[test]
fn a_terms_key_leaves_out_the_items_written_in_a_flow_list() {
    let text = format!("{USE}      elements: [main-character, ‸, signage]\n");
    let c = complete_at(FileKind::Yaml, &text).unwrap();
    let want: Vec<&str> = Element::ALL
        .iter()
        .copied()
        .filter(|e| !["main-character", "signage"].contains(e))
        .collect();
    assert_eq!(labels(&c), want);
    assert!(labels(&c).contains(&"crowd"));
}

#[test]
fn a_bool_key_offers_true_and_false() {
    let text = format!("{USE}      tools: [{{ name: x, enterprise: t‸ }}]\n");
    let c = complete_at(FileKind::Yaml, &text).unwrap();
    assert_eq!(labels(&c), ["true", "false"]);
    assert_eq!(c.items[0].detail, "tool.enterprise");
    assert_eq!(c.items[0].insert, "true");
}

#[test]
fn a_date_key_offers_today() {
    let text = format!("{USE}      approval-requested: ‸\n");
    let c = complete_at(FileKind::Yaml, &text).unwrap();
    let today = crate::localtime::today().to_string();
    assert_eq!(labels(&c), [today.as_str()]);
    assert_eq!(c.items[0].detail, "today");
    assert_eq!(c.items[0].insert, today);
}

#[test]
fn genai_itself_offers_none() {
    let c = complete_at(FileKind::Yaml, "title: x\ngenai: n‸\n").unwrap();
    assert_eq!(labels(&c), ["none"]);
    assert_eq!(c.items[0].insert, "none");
    assert_eq!(c.replace, 16..17);
}

#[test]
fn text_values_get_no_items_and_unknown_places_nothing() {
    let text = format!("{USE}      description: ‸\n");
    assert_eq!(complete_at(FileKind::Yaml, &text).unwrap().items, []);
    // `disclosed` has no keys in the vocabulary.
    let text = "genai:\n  disclosed:\n    ‸\n";
    assert_eq!(complete_at(FileKind::Yaml, text), None);
    // In a comment, in a string, after a value.
    for line in ["# st‸", "description: \"the stage ‸", "stage: temp ‸"] {
        let text = format!("{USE}      {line}\n");
        assert_eq!(complete_at(FileKind::Yaml, &text), None, "{line}");
    }
}

#[test]
fn a_yaml_files_other_keys_get_nothing() {
    let text = "show: TLS\nshot: ‸\ngenai:\n  uses: []\n";
    assert_eq!(complete_at(FileKind::Yaml, text), None);
    assert_eq!(complete_at(FileKind::Yaml, "show: TLS\nsh‸\n"), None);
    let nested = "camera:\n  body: x\n  ‸\ngenai: none\n";
    assert_eq!(complete_at(FileKind::Yaml, nested), None);
    // A `genai` that is not at the top is not the declaration.
    let inner = "shot:\n  genai:\n    ‸\n";
    assert_eq!(complete_at(FileKind::Yaml, inner), None);
}

#[test]
fn a_scripts_boneyard_block() {
    let script = include_str!("../../../examples/pilot/scripts/ep101.fountain");
    let line = "      prominence: featured\n";
    let at = script.find(line).unwrap() + line.len();
    let mut text = script.to_owned();
    text.insert_str(at, "      hu\n");
    let c = complete(FileKind::Fountain, &text, at + 8).unwrap();
    let written = [
        "id",
        "description",
        "stage",
        "output",
        "elements",
        "prominence",
        "tools",
    ];
    assert_eq!(labels(&c), keys_but(Scope::Use, &written));
    assert_eq!(c.replace, at + 6..at + 8);
    // The action text, the title page and the block's `---` get nothing.
    for word in ["Monitored", "Dana Ruiz", "---\n*/"] {
        let at = text.find(word).unwrap() + 2;
        assert_eq!(complete(FileKind::Fountain, &text, at), None, "{word}");
    }
}

#[test]
fn markdown_frontmatter() {
    let bible = include_str!("../../../examples/pilot/scripts/series-bible.md");
    let at = bible.find("stage: ideation").unwrap() + "stage: ".len();
    let c = complete(FileKind::Markdown, bible, at + 3).unwrap();
    assert_eq!(labels(&c), Stage::ALL);
    assert_eq!(c.replace, at..at + 3);
    // The frontmatter's other keys and the body get nothing.
    let status = bible.find("status: ").unwrap() + "status: ".len();
    assert_eq!(complete(FileKind::Markdown, bible, status), None);
    let body = bible.find("A night-shift").unwrap() + 1;
    assert_eq!(complete(FileKind::Markdown, bible, body), None);
}

#[test]
fn a_sidecar() {
    let text = "# Sky replacement for sh030.\ngenai:\n  uses:\n    - id: sky\n      ‸\n";
    let c = complete_at(FileKind::Sidecar, text).unwrap();
    assert_eq!(labels(&c), keys_but(Scope::Use, &["id"]));
    let none = "# Sky replacement.\ngenai: ‸";
    assert_eq!(
        labels(&complete_at(FileKind::Sidecar, none).unwrap()),
        ["none"]
    );
}

#[test]
fn json_keys_and_terms_are_quoted_once() {
    let text = "{\"metadata\": {\"genai\": {\"uses\": [{\"id\": \"a\", \"st‸\"}]}}}";
    let c = complete_at(FileKind::Json, text).unwrap();
    assert_eq!(labels(&c), keys_but(Scope::Use, &["id"]));
    let start = text.find("\"st").unwrap();
    assert_eq!(c.replace, start..start + 4);
    let stage = c.items.iter().find(|i| i.label == "stage").unwrap();
    assert_eq!(stage.filter, "\"stage\"");
    assert_eq!(
        apply(text, FileKind::Json, "stage"),
        "{\"metadata\": {\"genai\": {\"uses\": [{\"id\": \"a\", \"stage\": }]}}}"
    );
    let value = "{\"genai\": {\"uses\": [{\"stage\": \"te‸\"}]}}";
    assert_eq!(
        apply(value, FileKind::Json, "temp"),
        "{\"genai\": {\"uses\": [{\"stage\": \"temp\"}]}}"
    );
    // No quote typed: the term comes with its quotes, a bool without.
    let bare = "{\"genai\": {\"uses\": [{\"output\": [\"text\", ‸], \"tools\": [{\"enterprise\": ";
    let c = complete_at(FileKind::Json, bare).unwrap();
    assert!(!labels(&c).contains(&"text"));
    assert_eq!(c.items[0].insert, "\"image\"");
    let tools = format!("{}{CURSOR}", bare.replace(CURSOR, ""));
    let c = complete_at(FileKind::Json, &tools).unwrap();
    assert_eq!(labels(&c), ["true", "false"]);
    assert_eq!(c.items[0].insert, "true");
}

#[test]
fn an_otio_timelines_declaration() {
    let otio = include_str!("../../../examples/pilot/vfx/edit/ep101_cut.otio");
    let key = "\"human-input\"";
    let at = otio.find(key).unwrap();
    let mut text = otio.to_owned();
    text.insert_str(at, "\"\",\n                    ");
    let c = complete(FileKind::Json, &text, at + 1).unwrap();
    let written = [
        "id",
        "description",
        "stage",
        "output",
        "tools",
        "human-input",
    ];
    assert_eq!(labels(&c), keys_but(Scope::Use, &written));
    assert_eq!(c.replace, at..at + 2);
    assert_eq!(c.items[0].insert, "\"elements\": ");
    // Outside `metadata.genai`: a clip's own metadata, the root.
    let clip = otio.find("\"shot\": ").unwrap() + "\"shot\": ".len();
    assert_eq!(complete(FileKind::Json, otio, clip), None);
    let name = otio.find("\"name\": \"TLS_101_DC_v2\"").unwrap() + 1;
    assert_eq!(complete(FileKind::Json, otio, name), None);
    let genai = "{\"metadata\": {\"genai\": \"n‸";
    assert_eq!(
        apply(genai, FileKind::Json, "none"),
        "{\"metadata\": {\"genai\": \"none\""
    );
}

#[test]
fn crlf_line_endings() {
    let text = "genai:\r\n  uses:\r\n    - id: a\r\n      stage: temp\r\n      ‸\r\n      output: text\r\n";
    let c = complete_at(FileKind::Yaml, text).unwrap();
    assert_eq!(labels(&c), keys_but(Scope::Use, &["id", "stage", "output"]));
    let value = "genai:\r\n  uses:\r\n    - id: a\r\n      stage: ‸\r\n";
    assert_eq!(
        labels(&complete_at(FileKind::Yaml, value).unwrap()),
        Stage::ALL
    );
    let script = "Title: X\r\n\r\n/*\r\n---\r\ngenai:\r\n  ‸\r\n---\r\n*/\r\n\r\nFADE IN:\r\n";
    let c = complete_at(FileKind::Fountain, script).unwrap();
    assert_eq!(labels(&c), keys_but(Scope::Declaration, &[]));
}

#[test]
fn a_byte_order_mark_and_usd() {
    let c = complete_at(FileKind::Yaml, "\u{feff}genai:\n  ‸").unwrap();
    assert_eq!(labels(&c), keys_but(Scope::Declaration, &[]));
    assert_eq!(complete(FileKind::Yaml, "\u{feff}genai: none", 1), None);
    assert_eq!(complete_at(FileKind::Usda, "#usda 1.0\n(\n  ‸\n)\n"), None);
}

/// Every byte offset of real files, and of their CRLF, tab and
/// byte-order-mark variants, completes without a panic.
#[test]
fn no_offset_of_real_files_panics() {
    let otio = include_str!("../../../examples/pilot/vfx/edit/ep101_cut.otio");
    let files = [
        (
            FileKind::Fountain,
            include_str!("../../../examples/pilot/scripts/ep101.fountain"),
        ),
        (
            FileKind::Markdown,
            include_str!("../../../examples/pilot/scripts/series-bible.md"),
        ),
        (
            FileKind::Yaml,
            include_str!("../../../examples/pilot/vfx/shots/sh010.yml"),
        ),
        (
            FileKind::Sidecar,
            include_str!("../../../examples/pilot/vfx/plates/sh010_bg_v003.exr.genai.yml"),
        ),
        // A timeline up to its tracks: its metadata and a cut-off rest.
        (FileKind::Json, otio.split("\"tracks\"").next().unwrap()),
        (
            FileKind::Json,
            include_str!("../../../tests/corpus/otio/clip_example.otio"),
        ),
        (FileKind::Yaml, crate::kind::TEMPLATE),
    ];
    let mut offered = 0;
    for (kind, text) in files {
        let variants = [
            text.to_owned(),
            text.replace('\n', "\r\n"),
            text.replace("  ", "\t"),
            format!("\u{feff}{text}"),
            text.replace('\n', "\r"),
            format!("{text}é\"['{{"),
        ];
        for variant in variants {
            for at in 0..=variant.len() + 2 {
                if let Some(c) = complete(kind, &variant, at) {
                    assert!(
                        c.replace.start <= at.min(variant.len()) && c.replace.end <= variant.len()
                    );
                    offered += c.items.len();
                }
            }
        }
    }
    assert!(offered > 1000, "{offered}");
}
