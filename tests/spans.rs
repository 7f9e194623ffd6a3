//! Every finding points at the offending key or value: the line and column
//! in the file, not in the block, whatever the file kind and line endings.

mod common;

use common::*;

/// The (line, column, end_column) of the only diagnostic with `code`.
fn position(report: &serde_json::Value, code: &str) -> (u64, u64, u64) {
    let d = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {report:#}"));
    (
        d["line"].as_u64().unwrap(),
        d["column"].as_u64().unwrap(),
        d["end_column"].as_u64().unwrap(),
    )
}

const USE: &str = "    - id: aria\n      stage: finale\n      output: image\n      tools: [{ name: \"Imagen 4\", enterprise: true, trains-on-inputs: false }]\n";

fn block(eol: &str) -> String {
    format!("/*\n---\ngenai:\n  disclosed: {{ to: \"M. Chen\", on: 2025-09-02 }}\n  uses:\n{USE}---\n*/\n").replace('\n', eol)
}

#[test]
fn inside_a_boneyard_after_a_title_page() {
    let dir = project();
    let text = format!(
        "Title: THE LAST SIGNAL\nCredit: written by\nAuthor: Dana Ruiz\n\n{}\nINT. RELAY STATION - NIGHT\n",
        block("\n")
    );
    write(dir.path(), "scripts/ep101.fountain", text);
    let (report, _) = check_json(dir.path(), &[]);
    // `finale` is on line 11 of the file, after `      stage: `.
    assert_eq!(position(&report, "GA004"), (11, 14, 20));
}

#[test]
fn after_a_bom_with_crlf() {
    let dir = project();
    let text = format!("\u{feff}{}INT. RELAY STATION - NIGHT\r\n", block("\r\n"));
    write(dir.path(), "scripts/ep101.fountain", text);
    let (report, _) = check_json(dir.path(), &[]);
    assert_eq!(position(&report, "GA004"), (7, 14, 20));
}

#[test]
fn with_a_latin1_body_and_multibyte_characters_before_the_value() {
    let dir = project();
    let mut bytes = b"Title: CAF\xC3\x89 \xC3\x89T\xC3\x89\n\n".to_vec();
    bytes.extend_from_slice(
        "/*\n---\ngenai:\n  disclosed: { to: \"Zoë\", on: 2025-09-02 }\n  uses:\n    - { id: é, stage: temp, output: text, tools: [{ name: x, enterprise: true, trains-on-inputs: false }], élements: [prop] }\n---\n*/\n".as_bytes(),
    );
    bytes.extend_from_slice(b"INT. CAF\xC9 - DAY\n");
    write(dir.path(), "scripts/cafe.fountain", bytes);
    let (report, _) = check_json(dir.path(), &[]);
    // `élements` starts at character 105 of line 8 (column counts characters).
    let line = "    - { id: é, stage: temp, output: text, tools: [{ name: x, enterprise: true, trains-on-inputs: false }], élements: [prop] }";
    let col = line[..line.find("élements").unwrap()].chars().count() as u64 + 1;
    assert_eq!(position(&report, "GA003"), (8, col, col + 8));
}

#[test]
fn in_markdown_frontmatter_with_other_keys() {
    let dir = project();
    let text = format!(
        "---\ntitle: Series bible\nauthors: [Dana Ruiz]\ngenai:\n  disclosed: {{ to: \"M. Chen\", on: 2025-09-02 }}\n  uses:\n{USE}---\n\n# The Last Signal\n"
    );
    write(dir.path(), "scripts/bible.md", text);
    let (report, _) = check_json(dir.path(), &[]);
    assert_eq!(position(&report, "GA004"), (8, 14, 20));
}

#[test]
fn inside_otio_json() {
    let dir = project();
    let text = "{\n    \"OTIO_SCHEMA\": \"Timeline.1\",\n    \"metadata\": {\n        \"genai\": {\n            \"disclosed\": {\"to\": \"M. Chen\", \"on\": \"2025-09-02\"},\n            \"uses\": [{\"id\": \"previs\", \"stage\": \"finale\", \"output\": \"video\", \"tools\": [{\"name\": \"Runway\", \"enterprise\": true, \"trains-on-inputs\": false}]}]\n        }\n    },\n    \"name\": \"cut\",\n    \"global_start_time\": NaN\n}\n";
    write(dir.path(), "edit/cut.otio", text);
    let (report, _) = check_json(dir.path(), &[]);
    let line = text.lines().nth(5).unwrap();
    let col = line.find("\"finale\"").unwrap() as u64 + 1;
    assert_eq!(position(&report, "GA004"), (6, col, col + 8));
}

#[test]
fn in_a_yaml_shot_sheet_and_a_sidecar() {
    let dir = project();
    write(
        dir.path(),
        "vfx/sh010.yml",
        "shot: sh010\nframes: [1001, 1096]\ngenai:\n  disclosed: { to: \"M. Chen\", on: 2025-09-02 }\n  uses:\n    - id: ext\n      stage: temp\n      output: image\n      tools: [{ name: x, enterprise: true, trains-on-inputs: false }]\n      mistakable-for-real: yes\n",
    );
    let (report, _) = check_json(dir.path(), &[]);
    assert_eq!(position(&report, "GA004"), (10, 28, 31));

    let dir = project();
    write(dir.path(), "vfx/plate.exr", b"\x76\x2f\x31\x01");
    write(
        dir.path(),
        "vfx/plate.exr.genai.yml",
        "genai:\n  uses: nope\n",
    );
    let (report, _) = check_json(dir.path(), &[]);
    assert_eq!(report["diagnostics"][0]["path"], "vfx/plate.exr.genai.yml");
    assert_eq!(position(&report, "GA004"), (2, 9, 13));
}
