//! `aiclear annotate`: a declaration inserted in the right form for each kind
//! of file, every other byte kept, and `aiclear check` clean afterwards.

mod common;
#[path = "common/write.rs"]
mod support;

use std::path::Path;
use std::process::Command;

use common::*;
use support::*;

const NONE_BLOCKS: [&str; 3] = [
    "/*\n---\ngenai: none\n---\n*/",
    "/*\r\n---\r\ngenai: none\r\n---\r\n*/",
    "/*\r---\rgenai: none\r---\r*/",
];

/// Copy every corpus script into `scripts/` of a new project.
fn corpus_project() -> (tempfile::TempDir, Vec<(String, Vec<u8>)>) {
    let dir = project();
    let mut originals = Vec::new();
    for f in fountain_corpus() {
        let bytes = std::fs::read(&f).unwrap();
        let rel = format!("scripts/{}", name(&f));
        write(dir.path(), &rel, &bytes);
        originals.push((rel, bytes));
    }
    (dir, originals)
}

fn annotate(dir: &Path, args: &[&str]) -> String {
    let mut all = vec!["annotate"];
    all.extend_from_slice(args);
    ok(&run(dir, &all))
}

#[test]
fn every_corpus_script_gets_a_none_block_and_nothing_else_changes() {
    let (dir, originals) = corpus_project();
    let paths: Vec<&str> = originals.iter().map(|(p, _)| p.as_str()).collect();
    let mut args = vec!["--none"];
    args.extend(&paths);
    let stdout = annotate(dir.path(), &args);
    assert_eq!(stdout.lines().count(), originals.len(), "{stdout}");

    for (rel, before) in &originals {
        let after = std::fs::read(dir.path().join(rel)).unwrap();
        let added = inserted(before, &after);
        // The insertion is the block, with line breaks around it only.
        let core = String::from_utf8(added.to_vec()).unwrap();
        let trimmed = core.trim_matches(['\r', '\n']);
        assert!(NONE_BLOCKS.contains(&trimmed), "{rel}: inserted {core:?}");
        // Inserted after the BOM and the title page, at a line start.
        let at = after
            .windows(trimmed.len())
            .position(|w| w == trimmed.as_bytes())
            .unwrap();
        let head = &after[..at];
        assert!(
            head.is_empty()
                || head == b"\xEF\xBB\xBF"
                || head.ends_with(b"\n")
                || head.ends_with(b"\r"),
            "{rel}: block not at a line start"
        );
        if !head.is_empty() && head != b"\xEF\xBB\xBF" {
            let text = String::from_utf8_lossy(head);
            let first = text.trim_start_matches('\u{feff}').lines().next().unwrap();
            assert!(
                first.contains(':'),
                "{rel}: placed after {first:?}, not a title page"
            );
            let without_break = text
                .strip_suffix("\r\n")
                .or_else(|| text.strip_suffix('\n'))
                .or_else(|| text.strip_suffix('\r'))
                .unwrap();
            let last_line = without_break.rsplit(['\n', '\r']).next().unwrap();
            assert!(
                last_line.trim().is_empty(),
                "{rel}: no blank line before the block"
            );
        }
    }

    let (report, code) = check_json(dir.path(), &[]);
    assert_eq!(report["diagnostics"], serde_json::json!([]), "{report:#}");
    assert_eq!(code, 0);
    assert_eq!(report["summary"]["files_checked"], originals.len());

    // A second run changes nothing and says so.
    let stdout = annotate(dir.path(), &args);
    for line in stdout.lines() {
        assert!(
            line.ends_with("already has a declaration; left it unchanged"),
            "{line}"
        );
    }
    let (report, code) = check_json(dir.path(), &[]);
    assert_eq!(
        (report["diagnostics"].clone(), code),
        (serde_json::json!([]), 0)
    );
}

#[test]
fn bom_and_crlf_are_kept() {
    let dir = project();
    let before =
        "\u{feff}Title: THE LAST SIGNAL\r\nAuthor: Dana Ruiz\r\n\r\nINT. RELAY STATION - NIGHT\r\n";
    write(dir.path(), "scripts/ep1.fountain", before);
    write(
        dir.path(),
        "scripts/ep2.fountain",
        "\u{feff}INT. A\r\n\r\nText.\r\n",
    );
    write(dir.path(), "scripts/ep3.fountain", "Title: X\r\nAuthor: Y");
    annotate(
        dir.path(),
        &[
            "--none",
            "scripts/ep1.fountain",
            "scripts/ep2.fountain",
            "scripts/ep3.fountain",
        ],
    );
    let read = |p: &str| String::from_utf8(std::fs::read(dir.path().join(p)).unwrap()).unwrap();
    assert_eq!(
        read("scripts/ep1.fountain"),
        "\u{feff}Title: THE LAST SIGNAL\r\nAuthor: Dana Ruiz\r\n\r\n/*\r\n---\r\ngenai: none\r\n---\r\n*/\r\n\r\nINT. RELAY STATION - NIGHT\r\n"
    );
    assert_eq!(
        read("scripts/ep2.fountain"),
        "\u{feff}/*\r\n---\r\ngenai: none\r\n---\r\n*/\r\n\r\nINT. A\r\n\r\nText.\r\n"
    );
    // A title page that runs to the end of the file is closed with a blank line.
    assert_eq!(
        read("scripts/ep3.fountain"),
        "Title: X\r\nAuthor: Y\r\n\r\n/*\r\n---\r\ngenai: none\r\n---\r\n*/\r\n"
    );
    let (report, code) = check_json(dir.path(), &[]);
    assert_eq!(
        (report["diagnostics"].clone(), code),
        (serde_json::json!([]), 0)
    );
}

#[test]
fn the_template_is_reported_until_filled_in() {
    let dir = project();
    write(
        dir.path(),
        "scripts/ep1.fountain",
        "Title: X\n\nINT. A - DAY\n",
    );
    let stdout = annotate(dir.path(), &["scripts/ep1.fountain"]);
    assert!(
        stdout.contains(
            "annotated scripts/ep1.fountain: a declaration template after the title page"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("fill in each TODO"), "{stdout}");
    let (report, code) = check_json(dir.path(), &[]);
    assert_eq!(code, 1);
    let diags = report["diagnostics"].as_array().unwrap();
    let stage = diags
        .iter()
        .find(|d| d["code"] == "GA004" && d["message"].as_str().unwrap().contains("`stage`"))
        .unwrap_or_else(|| panic!("{report:#}"));
    let text = stage.to_string();
    for s in ["ideation", "previs", "temp", "final"] {
        assert!(text.contains(s), "{text}");
    }
    assert!(
        !codes(&report)
            .iter()
            .any(|c| c == "GA001" || c == "GA002" || c == "GA003")
    );
    // Filling it in by hand turns it into a real declaration.
    let filled = std::fs::read_to_string(dir.path().join("scripts/ep1.fountain"))
        .unwrap()
        .replace(
            "{ to: TODO, on: TODO }",
            "{ to: \"M. Chen\", on: 2025-09-02 }",
        )
        .replace("id: TODO", "id: logline")
        .replace("stage: TODO", "stage: ideation")
        .replace("output: TODO", "output: text")
        .replace(
            "enterprise: TODO, trains-on-inputs: TODO",
            "enterprise: true, trains-on-inputs: false",
        );
    std::fs::write(dir.path().join("scripts/ep1.fountain"), &filled).unwrap();
    // A placeholder left in free text is still an error.
    let (report, code) = check_json(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(
        report["diagnostics"][0]["message"],
        "`name` is `TODO`, a placeholder left from the declaration template",
        "{report:#}"
    );
    let filled = filled.replace("name: TODO", "name: \"Claude\"");
    std::fs::write(dir.path().join("scripts/ep1.fountain"), filled).unwrap();
    let (report, code) = check_json(dir.path(), &[]);
    assert_eq!(
        (report["diagnostics"].clone(), code),
        (serde_json::json!([]), 0)
    );
}

#[test]
fn markdown_with_and_without_frontmatter() {
    let dir = project();
    let with =
        "---\r\ntitle: Series bible\r\ntags: [s1]  # keep me\r\n---\r\n\r\n# Series bible\r\n";
    let without = "# Treatment\n\nA relay station.\n";
    write(dir.path(), "scripts/bible.md", with);
    write(dir.path(), "scripts/treatment.md", without);
    annotate(
        dir.path(),
        &["--none", "scripts/bible.md", "scripts/treatment.md"],
    );
    let read = |p: &str| std::fs::read_to_string(dir.path().join(p)).unwrap();
    assert_eq!(
        read("scripts/bible.md"),
        "---\r\ntitle: Series bible\r\ntags: [s1]  # keep me\r\ngenai: none\r\n---\r\n\r\n# Series bible\r\n"
    );
    assert_eq!(
        read("scripts/treatment.md"),
        "---\ngenai: none\n---\n\n# Treatment\n\nA relay station.\n"
    );
    let (report, code) = check_json(dir.path(), &[]);
    assert_eq!(
        (report["diagnostics"].clone(), code),
        (serde_json::json!([]), 0)
    );
    assert_eq!(report["summary"]["files_checked"], 2);
}

#[test]
fn yaml_first_document_and_no_trailing_newline() {
    let dir = project();
    let cases = [
        (
            "vfx/sh010.yml",
            "# shot sheet\nshot: sh010\nframes: [1001, 1100]  # handles\n",
        ),
        (
            "vfx/sh020.yaml",
            "shot: sh020\r\nnotes: |\r\n  two lines\r\n  here\r\n",
        ),
        ("vfx/sh030.yml", "---\nshot: sh030\n---\nshot: sh030b\n"),
        ("vfx/sh040.yml", "shot: sh040\nlast: no newline"),
    ];
    for (p, t) in cases {
        write(dir.path(), p, t);
    }
    let mut args = vec!["--none"];
    args.extend(cases.iter().map(|(p, _)| *p));
    annotate(dir.path(), &args);
    let read = |p: &str| std::fs::read_to_string(dir.path().join(p)).unwrap();
    assert_eq!(
        read("vfx/sh010.yml"),
        "# shot sheet\nshot: sh010\nframes: [1001, 1100]  # handles\ngenai: none\n"
    );
    assert_eq!(
        read("vfx/sh020.yaml"),
        "shot: sh020\r\nnotes: |\r\n  two lines\r\n  here\r\ngenai: none\r\n"
    );
    assert_eq!(
        read("vfx/sh030.yml"),
        "---\nshot: sh030\ngenai: none\n---\nshot: sh030b\n"
    );
    assert_eq!(
        read("vfx/sh040.yml"),
        "shot: sh040\nlast: no newline\ngenai: none\n"
    );
    let (report, code) = check_json(dir.path(), &[]);
    assert_eq!(
        (report["diagnostics"].clone(), code),
        (serde_json::json!([]), 0)
    );
    assert_eq!(report["summary"]["files_checked"], 4);
}

#[test]
fn every_corpus_timeline_and_metadata_file() {
    for form in [&["--none"][..], &[][..]] {
        let dir = project();
        let mut originals = Vec::new();
        for f in metadata_corpus() {
            let rel = format!("vfx/{}", name(&f));
            let bytes = std::fs::read(&f).unwrap();
            write(dir.path(), &rel, &bytes);
            originals.push((rel, bytes));
        }
        let mut args: Vec<&str> = form.to_vec();
        args.extend(originals.iter().map(|(p, _)| p.as_str()));
        annotate(dir.path(), &args);
        for (rel, before) in &originals {
            let after = std::fs::read(dir.path().join(rel)).unwrap();
            let added = String::from_utf8(inserted(before, &after).to_vec()).unwrap();
            assert!(
                added.contains("\"genai\": ") || added.contains("genai:"),
                "{rel}: {added:?}"
            );
        }
        let (report, code) = check_json(dir.path(), &[]);
        assert_eq!(report["summary"]["files_checked"], originals.len());
        if form.is_empty() {
            // The template: placeholders to fill in, nothing unreadable.
            let codes = codes(&report);
            assert!(
                codes
                    .iter()
                    .all(|c| ["GA004", "GA101", "GA102", "GA105"].contains(&c.as_str())),
                "{codes:?}"
            );
            assert_eq!(code, 1);
        } else {
            assert_eq!(
                (report["diagnostics"].clone(), code),
                (serde_json::json!([]), 0),
                "{report:#}"
            );
        }
    }
}

#[test]
fn media_get_a_sidecar() {
    let dir = project();
    write(
        dir.path(),
        "vfx/plates/sh010_bg_v003.exr",
        b"\x76\x2f\x31\x01",
    );
    let stdout = annotate(dir.path(), &["--none", "vfx/plates/sh010_bg_v003.exr"]);
    assert_eq!(
        stdout,
        "created vfx/plates/sh010_bg_v003.exr.genai.yml with `genai: none`\n"
    );
    assert_eq!(
        std::fs::read(dir.path().join("vfx/plates/sh010_bg_v003.exr")).unwrap(),
        b"\x76\x2f\x31\x01"
    );
    let (report, code) = check_json(dir.path(), &[]);
    assert_eq!(
        (report["diagnostics"].clone(), code),
        (serde_json::json!([]), 0)
    );
    let stdout = annotate(dir.path(), &["--none", "vfx/plates/sh010_bg_v003.exr"]);
    assert!(stdout.contains("already has a declaration"), "{stdout}");
}

#[test]
fn refusals() {
    let dir = project();
    write(dir.path(), "scripts/ep1.fountain", "INT. A\n");
    write(dir.path(), "notes.txt", "x\n");
    // A missing path or an unknown kind: exit 2, and nothing is written.
    for (args, message) in [
        (
            &["annotate", "scripts/ep1.fountain", "scripts/nope.fountain"][..],
            "`scripts/nope.fountain` does not exist",
        ),
        (
            &["annotate", "scripts/ep1.fountain", "notes.txt"][..],
            "`notes.txt` is not a kind of file",
        ),
    ] {
        let out = run(dir.path(), args);
        assert_eq!(out.status.code(), Some(2));
        assert!(stderr(&out).contains(message), "{}", stderr(&out));
        assert_eq!(
            std::fs::read_to_string(dir.path().join("scripts/ep1.fountain")).unwrap(),
            "INT. A\n"
        );
    }
    // A file whose declaration cannot be read is left alone: exit 1.
    write(dir.path(), "vfx/sh010.yml", "genai: [\n");
    write(dir.path(), "vfx/sh020.yml", "- a list\n");
    let out = run(
        dir.path(),
        &[
            "annotate",
            "--none",
            "vfx/sh010.yml",
            "vfx/sh020.yml",
            "scripts/ep1.fountain",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cannot annotate `vfx/sh010.yml`"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("cannot annotate `vfx/sh020.yml`"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("vfx/sh010.yml")).unwrap(),
        "genai: [\n"
    );
    // The others are still annotated.
    assert!(
        std::fs::read_to_string(dir.path().join("scripts/ep1.fountain"))
            .unwrap()
            .contains("genai: none")
    );
}

/// Render a script to HTML with screenplain; `None` when it fails.
fn screenplain(exe: &Path, input: &Path, out: &Path) -> Option<Vec<u8>> {
    let mut cmd = Command::new(exe);
    if name(input).contains("latin1") {
        cmd.args(["--encoding", "latin-1"]);
    }
    // screenplain orders CSS classes by set iteration: pin Python's hash seed.
    let status = cmd
        .args(["--format", "html"])
        .arg(input)
        .arg(out)
        .env("PYTHONHASHSEED", "0")
        .status()
        .ok()?;
    status.success().then(|| std::fs::read(out).unwrap())
}

/// Scripts whose first line screenplain takes for a title page (any line with
/// a colon) although it is not one (aiclear, like the Fountain spec, wants a
/// `Key:` word first), so screenplain drops that line from its output. The
/// declaration then has to go at the top, and screenplain renders the line.
const NOT_A_TITLE_PAGE: &[&str] = &["Tags.fountain"];

#[test]
fn screenplain_renders_every_script_the_same_after_annotate() {
    let exe = common::tools::python_tool("screenplain==0.12.0", "screenplain");
    let (dir, originals) = corpus_project();
    let html = tempfile::tempdir().unwrap();
    let mut args = vec!["--none"];
    args.extend(originals.iter().map(|(p, _)| p.as_str()));
    annotate(dir.path(), &args);
    let mut compared = 0;
    for (rel, before) in &originals {
        let file = name(Path::new(rel));
        let original = html.path().join(&file);
        std::fs::write(&original, before).unwrap();
        let a = screenplain(&exe, &original, &html.path().join("a.html"));
        let b = screenplain(&exe, &dir.path().join(rel), &html.path().join("b.html"));
        assert_eq!(
            a.is_some(),
            b.is_some(),
            "{rel}: screenplain failed on one version only"
        );
        let (Some(a), Some(b)) = (a, b) else { continue };
        compared += 1;
        if NOT_A_TITLE_PAGE.contains(&file.as_str()) {
            // The only difference: the first line, now rendered.
            let first = String::from_utf8_lossy(before)
                .lines()
                .next()
                .unwrap()
                .to_owned();
            let heading = first.split(" #").next().unwrap().to_owned();
            let (a, b) = (String::from_utf8(a).unwrap(), String::from_utf8(b).unwrap());
            let extra: Vec<&str> = b.lines().filter(|l| !a.lines().any(|x| x == *l)).collect();
            assert_eq!(extra.len(), 1, "{rel}: {extra:?}");
            assert!(extra[0].contains(&heading), "{rel}: {extra:?}");
            assert_eq!(b.lines().count(), a.lines().count() + 1, "{rel}");
            continue;
        }
        assert!(
            a == b,
            "{rel}: screenplain renders it differently after annotate"
        );
    }
    assert!(compared >= 20, "only {compared} scripts rendered");
}
