//! A file holds one declaration: a second one is an error (GA002) that
//! points at the second `genai` key and names the line of the first, in
//! every kind of file that could hold two. Other boneyards and Markdown that
//! merely mentions `genai` stay clean.

mod common;

use common::*;

/// The (line, column, message) of every GA002 in the report.
fn second_declarations(report: &serde_json::Value) -> Vec<(u64, u64, String)> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "GA002")
        .map(|d| {
            (
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn already(line: u64) -> String {
    format!("a second declaration: this file already declares its AI use at line {line}")
}

const USES: &str = "genai:\n  disclosed: { to: \"M. Chen\", on: 2025-09-02 }\n  uses:\n    - id: aria-design\n      stage: final\n      output: image\n      elements: [main-character]\n      human-input: \"repainted every frame\"\n      tools: [{ name: \"Imagen 4\", enterprise: true, trains-on-inputs: false }]\n";

fn boneyard(yaml: &str) -> String {
    format!("/*\n---\n{yaml}---\n*/\n")
}

/// Check one file in a fresh project.
fn check_one(path: &str, text: &str) -> (serde_json::Value, i32) {
    let dir = project();
    write(dir.path(), path, text);
    check_json(dir.path(), &[])
}

#[test]
fn fountain_with_a_second_boneyard_block() {
    let text = format!(
        "Title: THE LAST SIGNAL\nAuthor: Dana Ruiz\n\n{}\nINT. RELAY STATION - NIGHT\n\nMaya types.\n\n{}\nEXT. RELAY STATION - DAWN\n",
        boneyard("genai: none\n"),
        boneyard(USES)
    );
    let (report, code) = check_one("scripts/ep101.fountain", &text);
    assert_eq!(code, 1);
    assert_eq!(second_declarations(&report), [(16, 1, already(6))]);
}

#[test]
fn fountain_with_frontmatter_and_a_boneyard_block() {
    let text = format!(
        "---\ngenai: none\n---\nTitle: THE LAST SIGNAL\n\n{}\nINT. RELAY STATION - NIGHT\n",
        boneyard(USES)
    );
    let (report, _) = check_one("scripts/ep101.fountain", &text);
    assert_eq!(second_declarations(&report), [(8, 1, already(2))]);
}

#[test]
fn fountain_with_a_block_at_the_top_and_one_after_the_title_page() {
    let text = format!(
        "\u{feff}{}Title: THE LAST SIGNAL\r\nAuthor: Dana Ruiz\r\n\r\n{}\r\nINT. RELAY STATION - NIGHT\r\n",
        boneyard("genai: none\n").replace('\n', "\r\n"),
        boneyard(USES).replace('\n', "\r\n")
    );
    let (report, _) = check_one("scripts/ep101.spmd", &text);
    assert_eq!(second_declarations(&report), [(11, 1, already(3))]);
}

#[test]
fn the_first_declaration_is_still_judged() {
    // The first block's use needs an approval; the second block is an error too.
    let text = format!(
        "Title: X\n\n{}\nINT. A - DAY\n\n{}",
        boneyard(USES),
        boneyard("genai: none\n")
    );
    let (report, code) = check_one("scripts/ep101.fountain", &text);
    assert_eq!(code, 1);
    let codes = codes(&report);
    assert!(codes.contains(&"GA201".to_owned()), "{codes:?}");
    assert_eq!(second_declarations(&report), [(21, 1, already(5))]);
}

#[test]
fn json_and_otio_with_metadata_genai_and_a_top_level_genai() {
    let otio = "{\n    \"OTIO_SCHEMA\": \"Timeline.1\",\n    \"metadata\": {\n        \"genai\": \"none\"\n    },\n    \"genai\": {\"uses\": [{\"id\": \"a\", \"stage\": \"final\", \"output\": \"video\", \"tools\": [{\"name\": \"x\"}]}]},\n    \"global_start_time\": NaN\n}\n";
    let (report, code) = check_one("edit/cut.otio", otio);
    assert_eq!(code, 1);
    assert_eq!(second_declarations(&report), [(6, 5, already(4))]);

    let json = "{\n  \"genai\": {\"uses\": []},\n  \"metadata\": {\"genai\": \"none\"}\n}\n";
    let (report, _) = check_one("vfx/sh010.json", json);
    assert_eq!(second_declarations(&report), [(3, 16, already(2))]);
}

#[test]
fn markdown_frontmatter_and_a_later_block() {
    let fm = "---\ntitle: Series bible\ngenai: none\n---\n\n# The Last Signal\n\n";
    let (report, _) = check_one("scripts/bible.md", &format!("{fm}---\n{USES}---\n"));
    assert_eq!(second_declarations(&report), [(9, 1, already(3))]);
    let (report, _) = check_one("scripts/bible.md", &format!("{fm}{}", boneyard(USES)));
    assert_eq!(second_declarations(&report), [(10, 1, already(3))]);
}

#[test]
fn other_boneyards_and_mentions_stay_clean() {
    let dir = project();
    let none = boneyard("genai: none\n");
    let beat = "/* If you're seeing this, you can remove the following stuff - BEAT:\n{\"Revision Color\":\"blue\",\"genai\":\"none\"}\nEND_BEAT */\n";
    write(
        dir.path(),
        "scripts/ep101.fountain",
        format!(
            "Title: X\n\n{none}\nINT. A - DAY\n\n/* a note: genai: none */\n\n/*\n---\nscene: 12\n---\n*/\n\n{beat}"
        ),
    );
    let corpus = corpus().join("fountain/scriptrag/coffee_shop_with_metadata.fountain");
    let mut scriptrag = none.clone().into_bytes();
    scriptrag.extend(std::fs::read(corpus).unwrap());
    write(dir.path(), "scripts/coffee.fountain", scriptrag);
    write(
        dir.path(),
        "scripts/bible.md",
        format!(
            "---\ngenai: none\n---\n\nEvery script says `genai: none` when no AI was used:\n\n```fountain\n{none}```\n\n---\n\nThe end.\n"
        ),
    );
    let (report, code) = check_json(dir.path(), &[]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["summary"]["files_checked"], 3);
}

#[test]
fn a_block_where_no_declaration_is_read_is_pointed_out() {
    let text = format!("INT. A - DAY\n\nAction.\n\n{}", boneyard("genai: none\n"));
    let (report, _) = check_one("scripts/ep101.fountain", &text);
    let d = &report["diagnostics"][0];
    assert_eq!(d["code"], "GA001");
    assert!(
        d["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n
                == "line 7 holds a declaration block, but a declaration is not read from there"),
        "{d:#}"
    );
}

#[test]
fn the_diagnostic_as_rendered() {
    let dir = project();
    let text = format!(
        "Title: THE LAST SIGNAL\n\n{}\nINT. RELAY STATION - NIGHT\n\n{}",
        boneyard("genai: none\n"),
        boneyard("genai:\n  uses: []\n")
    );
    write(dir.path(), "scripts/ep101.fountain", text);
    let out = run(dir.path(), &["check", "--color", "never"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let expected = "\
error[GA002]: a second declaration: this file already declares its AI use at line 5
  --> scripts/ep101.fountain:13:1
   |
13 | genai:
   | ^^^^^ a second `genai` declaration
   |
   = note: the declaration at line 5 is the one that is read, and a file holds one declaration
   = help: merge them into one: move what this block declares into the declaration at line 5, and delete this block
";
    assert!(stdout.starts_with(expected), "{stdout}");
}

/// A second block past the part of a script read to find its declaration
/// (the first 4 KiB when the declaration is there): seen only when the
/// engine reads scripts whole.
#[test]
fn a_second_block_far_into_the_script() {
    let mut text = format!("Title: X\n\n{}\n", boneyard("genai: none\n"));
    while text.len() < 64 << 10 {
        text.push_str("INT. RELAY STATION - NIGHT\n\nMaya types.\n\n");
    }
    let line = text.lines().count() as u64 + 3;
    text.push_str(&boneyard(USES));
    let (report, _) = check_one("scripts/ep101.fountain", &text);
    assert_eq!(second_declarations(&report), [(line, 1, already(5))]);

    let mut md = "---\ngenai: none\n---\n\n".to_owned();
    while md.len() < 64 << 10 {
        md.push_str("Some text about the show.\n\n");
    }
    let line = md.lines().count() as u64 + 2;
    md.push_str(&format!("---\n{USES}---\n"));
    let (report, _) = check_one("scripts/bible.md", &md);
    assert_eq!(second_declarations(&report), [(line, 1, already(2))]);
}
