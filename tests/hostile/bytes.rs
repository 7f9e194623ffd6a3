//! Bytes: sizes, encodings, line endings.

use super::*;

#[test]
fn a_50_mb_single_line_script() {
    let p = project();
    // With a declaration at the top …
    let mut ok = b"/*\n---\ngenai: none\n---\n*/\n".to_vec();
    ok.extend(std::iter::repeat_n(b'A', 50 << 20));
    write(p.path(), "scripts/ep1.fountain", &ok);
    // … and without one: the whole file is one line.
    let bad = vec![b'B'; 50 << 20];
    write(p.path(), "scripts/ep2.fountain", &bad);
    // A Markdown treatment of one 50 MB line that opens frontmatter.
    let mut md = b"---\ngenai: none ".to_vec();
    md.extend(std::iter::repeat_n(b'C', 50 << 20));
    write(p.path(), "scripts/bible.md", &md);
    let o = check(p.path(), &[]);
    assert_exit(&o, 1);
    let found: Vec<(String, String)> = o.json()["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_owned(),
                d["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("scripts/bible.md".to_owned(), "GA002".to_owned()),
            ("scripts/ep2.fountain".to_owned(), "GA001".to_owned())
        ]
    );
    // The human format must not print the 50 MB line back.
    let o = bounded(p.path(), &["check"]);
    assert_exit(&o, 1);
    assert!(
        o.stdout.len() < 1 << 20,
        "{} bytes of output",
        o.stdout.len()
    );
}

#[test]
fn a_metadata_file_over_the_size_limit() {
    let p = project();
    let mut yaml = b"genai: none\nnotes: \"".to_vec();
    yaml.extend(std::iter::repeat_n(b'x', 65 << 20));
    yaml.extend_from_slice(b"\"\n");
    write(p.path(), "vfx/shots/sh010.yml", &yaml);
    let o = check(p.path(), &[]);
    assert_exit(&o, 1);
    assert_has(&o, "GA002");
    let d = &o.with_code("GA002")[0];
    assert!(d["message"].as_str().unwrap().contains("MiB"), "{d}");
}

#[test]
fn a_declaration_block_over_the_size_limit() {
    let p = project();
    let yaml = format!("genai: none\nnotes: \"{}\"\n", "x".repeat(2 << 20));
    write(p.path(), "scripts/ep1.fountain", fountain(&yaml));
    let o = check(p.path(), &[]);
    assert_exit(&o, 1);
    assert_has(&o, "GA002");
}

#[test]
fn a_single_line_with_a_finding_is_not_printed_whole() {
    // A 20 MB flow mapping on one line with an invalid value in it: each
    // diagnostic's snippet must not copy the whole line.
    let p = project();
    let pad = "x".repeat(20 << 20);
    let yaml = format!(
        "{{\"genai\": {{\"uses\": [{{\"id\": \"a\", \"stage\": \"finale\", \"output\": \"txt\", \"tools\": [{{\"name\": \"x\"}}]}}]}}, \"pad\": \"{pad}\"}}"
    );
    write(p.path(), "vfx/shots/sh010.json", &yaml);
    for format in ["human", "github", "short", "json", "sarif"] {
        let o = bounded(p.path(), &["check", "--format", format]);
        assert_exit(&o, 1);
        assert!(
            o.stdout.len() < 4 << 20,
            "--format {format}: {} bytes of output",
            o.stdout.len()
        );
    }
}

#[test]
fn a_huge_value_is_not_echoed_whole() {
    // A 60 MB `stage` is not a valid stage: the message may quote the start
    // of it, not all of it (in every format, and twice in `github`), and no
    // "did you mean" may compare 60 MB against every term.
    let p = project();
    let yaml = format!(
        "genai:\n  uses:\n    - {{id: a, stage: \"{}\", output: text, tools: [{{name: x, enterprise: true, trains-on-inputs: false}}]}}\n",
        "x".repeat(60 << 20)
    );
    write(p.path(), "vfx/shots/sh010.yml", &yaml);
    for format in ["github", "json"] {
        let o = bounded(p.path(), &["check", "--format", format]);
        assert_exit(&o, 1);
        assert!(
            o.stdout.len() < 1 << 20,
            "--format {format}: {} bytes of output",
            o.stdout.len()
        );
    }
}

#[test]
fn nul_bytes_and_invalid_utf8_inside_a_declaration() {
    let p = project();
    let mut nul = b"/*\n---\ngenai:\n  uses:\n    - id: a\0b\n---\n*/\n".to_vec();
    nul.extend_from_slice(b"INT. A\n");
    write(p.path(), "scripts/ep1.fountain", &nul);
    write(
        p.path(),
        "scripts/ep2.fountain",
        b"/*\n---\ngenai:\n  disclosed: { to: \"M. \xff\xfe\", on: 2025-09-02 }\n---\n*/\n",
    );
    write(p.path(), "vfx/shots/sh010.yml", b"genai: none\x00\n");
    write(p.path(), "vfx/shots/sh020.yml", b"genai: \xc3\x28\n");
    // An overlong encoding and a lone surrogate (CESU-8).
    write(
        p.path(),
        "vfx/shots/sh030.yml",
        b"genai:\n  uses: [\xc0\xaf, \xed\xa0\x80]\n",
    );
    let o = check(p.path(), &[]);
    assert_exit(&o, 1);
    assert_eq!(o.with_code("GA002").len(), 5, "{}", head(&o.stdout));
    // Every output format stays valid with such bytes in the file.
    for format in ["json", "sarif"] {
        let o = bounded(p.path(), &["check", "--format", format]);
        assert_exit(&o, 1);
        serde_json::from_str::<serde_json::Value>(&o.stdout).expect("valid JSON");
    }
    let o = bounded(p.path(), &["check"]);
    assert_exit(&o, 1);
}

#[test]
fn a_latin1_script_body() {
    let p = project();
    let mut bytes =
        b"Title: LA CAF\xc9\nAuthor: Ren\xe9e\n\n/*\n---\ngenai: none\n---\n*/\n\n".to_vec();
    bytes.extend_from_slice(b"INT. CAF\xc9 - NUIT\n\nREN\xc9E\nD\xe9j\xe0 vu.\n");
    write(p.path(), "scripts/ep1.fountain", &bytes);
    let o = check(p.path(), &[]);
    assert_exit(&o, 0);
    // Latin-1 inside the declaration is not UTF-8: malformed.
    write(
        p.path(),
        "scripts/ep2.fountain",
        b"/*\n---\ngenai:\n  disclosed: { to: \"Ren\xe9e\", on: 2025-09-02 }\n---\n*/\n",
    );
    let o = check(p.path(), &[]);
    assert_exit(&o, 1);
    assert_eq!(o.codes(), ["GA002"]);
}

#[test]
fn bom_and_crlf() {
    let p = project();
    let crlf = |s: &str| format!("\u{feff}{}", s.replace('\n', "\r\n"));
    write(p.path(), "scripts/ep1.fountain", crlf(&fountain(CLEAN_USE)));
    write(
        p.path(),
        "scripts/bible.md",
        crlf(&format!("---\ntitle: Bible\n{CLEAN_USE}---\n# Bible\n")),
    );
    write(p.path(), "vfx/shots/sh010.yml", crlf(CLEAN_USE));
    write(
        p.path(),
        "edit/cut.otio",
        crlf("{\n  \"metadata\": {\n    \"genai\": \"none\"\n  }\n}\n"),
    );
    let o = check(p.path(), &[]);
    assert_exit(&o, 0);
    assert_eq!(o.json()["summary"]["files_checked"], 4);
}

#[test]
fn cr_only_line_endings() {
    let p = project();
    let cr = |s: &str| s.replace('\n', "\r");
    write(p.path(), "scripts/ep1.fountain", cr(&fountain(CLEAN_USE)));
    write(p.path(), "vfx/shots/sh010.yml", cr(CLEAN_USE));
    let o = check(p.path(), &[]);
    assert_exit(&o, 0);
}

#[test]
fn cr_only_line_endings_in_markdown() {
    let p = project();
    write(
        p.path(),
        "scripts/bible.md",
        format!("---\ntitle: Bible\n{CLEAN_USE}---\n# Bible\n").replace('\n', "\r"),
    );
    let o = check(p.path(), &[]);
    assert_exit(&o, 0);
}

#[test]
fn unterminated_boneyard_and_frontmatter() {
    let p = project();
    write(
        p.path(),
        "scripts/ep1.fountain",
        "Title: X\n\n/*\n---\ngenai: none\n---\n\nINT. A - DAY\n",
    );
    write(
        p.path(),
        "scripts/ep2.fountain",
        "Title: X\n\n/*\n---\ngenai: none\n*/\nINT. A - DAY\n",
    );
    write(p.path(), "scripts/ep3.fountain", "/*\n---\ngenai: none\n");
    write(p.path(), "scripts/ep4.fountain", "---\ngenai: none\n");
    write(p.path(), "scripts/bible.md", "---\ngenai: none\n# Bible\n");
    let o = check(p.path(), &[]);
    assert_exit(&o, 1);
    assert_eq!(o.with_code("GA002").len(), 5, "{}", head(&o.stdout));
}

#[test]
fn empty_files_have_no_declaration() {
    let p = project();
    for rel in [
        "scripts/ep1.fountain",
        "scripts/bible.md",
        "vfx/shots/sh010.yml",
        "vfx/shots/sh020.json",
        "edit/cut.otio",
        "vfx/plates/a.exr",
        "vfx/plates/a.exr.genai.yml",
    ] {
        write(p.path(), rel, "");
    }
    let o = check(p.path(), &[]);
    assert_exit(&o, 1);
    assert_eq!(o.with_code("GA001").len(), 6, "{}", head(&o.stdout));
    // A BOM alone, or only blank lines, is still empty.
    let q = project();
    write(q.path(), "scripts/ep1.fountain", "\u{feff}");
    write(q.path(), "vfx/shots/sh010.yml", "\n\n\n");
    let o = check(q.path(), &[]);
    assert_exit(&o, 1);
    assert_eq!(o.with_code("GA001").len(), 2, "{}", head(&o.stdout));
}

#[test]
fn three_dashes_alone() {
    let p = project();
    for rel in [
        "scripts/ep1.fountain",
        "scripts/bible.md",
        "vfx/shots/sh010.yml",
        "edit/cut.otio",
    ] {
        write(p.path(), rel, "---");
    }
    write(p.path(), "scripts/ep2.fountain", "---\n---\n");
    write(p.path(), "scripts/ep3.fountain", "/*\n---\n---\n*/\n");
    let o = check(p.path(), &[]);
    assert_exit(&o, 1);
    // Each is reported (an empty or unterminated block is no declaration),
    // and none passes.
    let json = o.json();
    let mut paths = crate::common::paths(&json);
    paths.dedup();
    assert_eq!(paths.len(), 6, "{}", head(&o.stdout));
    assert!(
        o.codes().iter().all(|c| c == "GA001" || c == "GA002"),
        "{}",
        head(&o.stdout)
    );
}
