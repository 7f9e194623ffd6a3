//! Rule fixtures: `tests/ui/NAME.yml` is checked as a shot sheet (and
//! `NAME.fountain` as a screenplay, `NAME.md` as a Markdown script,
//! `NAME.otio` as a timeline, `NAME.usda` as a USD layer) and its rendered diagnostics are compared with
//! `tests/ui/NAME.stdout` beside it.
//! `AICLEAR_BLESS=1 cargo test --test ui` rewrites the expected output, to be
//! reviewed as a diff. Every rule that judges declarations has a fixture that
//! fires it and one that does not (`*-fixed.yml`).

mod common;

use std::path::Path;

use common::*;

#[test]
fn ui_fixtures() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui");
    let bless = std::env::var_os("AICLEAR_BLESS").is_some();
    let mut failures = Vec::new();
    let mut count = 0;
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for input in &entries {
        let Some(folder) = input
            .extension()
            .and_then(|e| e.to_str())
            .and_then(folder_of)
        else {
            continue;
        };
        count += 1;
        let file = input.file_name().unwrap().to_str().unwrap();
        let name = input.file_stem().unwrap().to_str().unwrap();
        let project = project();
        // A GA7xx fixture is the sidecar of a media file.
        let file = match media_of(name) {
            Some((ext, bytes)) => {
                write(project.path(), &format!("{folder}/{name}.{ext}"), bytes);
                format!("{name}.{ext}.genai.yml")
            }
            None => file.to_owned(),
        };
        write(
            project.path(),
            &format!("{folder}/{file}"),
            std::fs::read(input).unwrap(),
        );
        // A fixture of a rule of another built-in pack (WGA103) is checked
        // with that pack too, on the last day of its term.
        let mut args = vec!["check".to_owned(), "--color".into(), "never".into()];
        let code = name.trim_end_matches("-fixed");
        if let Some(pack) = aiclear::rules::find(code)
            .and_then(|r| r.pack)
            .filter(|p| *p != aiclear::rules::NETFLIX)
            .and_then(aiclear::policy::find_pack)
        {
            write(
                project.path(),
                ".aiclear/config.yml",
                format!("policy: [netflix-2025-08, {}]\n", pack.id),
            );
            if let Some(until) = pack.until {
                args.extend(["--today".to_owned(), until.to_string()]);
            }
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = run(project.path(), &args);
        let actual = format!(
            "exit: {}\n{}",
            out.status.code().unwrap(),
            String::from_utf8_lossy(&out.stdout)
        );
        let expected_path = input.with_extension("stdout");
        if bless {
            std::fs::write(&expected_path, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if expected != actual {
            failures.push(format!(
                "{name}:\n--- expected\n{expected}\n--- actual\n{actual}"
            ));
        }
    }
    assert!(count >= 45, "fixtures are missing: {count}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The media file a GA7xx fixture is the sidecar of: its extension and
/// bytes, from the signed fixtures in `tests/corpus/media/`.
fn media_of(name: &str) -> Option<(&'static str, Vec<u8>)> {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/media");
    let read = |rel: &str| std::fs::read(corpus.join(rel)).unwrap();
    Some(match name {
        "GA701" | "GA701-fixed" | "GA702" | "GA702-fixed" => ("jpg", read("generated/trained.jpg")),
        "GA703" => ("jpg", corrupt_store(read("generated/trained.jpg"))),
        "GA703-fixed" => ("png", read("generated/plain.png")),
        _ => return None,
    })
}

/// A signed JPEG whose C2PA store no longer parses: the bytes after its
/// first `cbor` box type are overwritten.
pub fn corrupt_store(mut jpeg: Vec<u8>) -> Vec<u8> {
    let at = jpeg
        .windows(4)
        .position(|w| w == b"cbor")
        .expect("a C2PA store with a CBOR box");
    for b in &mut jpeg[at + 4..at + 40] {
        *b = 0xff;
    }
    jpeg
}

/// Where the default configuration looks for a fixture of this extension.
fn folder_of(extension: &str) -> Option<&'static str> {
    match extension {
        "yml" => Some("vfx"),
        "fountain" | "md" => Some("scripts"),
        "otio" => Some("edit"),
        "usda" => Some("assets"),
        _ => None,
    }
}

/// Every rule that judges declarations has a firing and a fixed fixture, and
/// each firing fixture really shows its rule (and the fixed one does not).
#[test]
fn every_rule_has_fixtures() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui");
    for rule in aiclear::rules::RULES {
        if matches!(rule.check, aiclear::rules::Check::Engine)
            && !["GA003", "GA004", "GA005"].contains(&rule.code)
        {
            continue;
        }
        let fires = std::fs::read_to_string(dir.join(format!("{}.stdout", rule.code)))
            .unwrap_or_else(|_| panic!("no fixture for {}", rule.code));
        let fixed = std::fs::read_to_string(dir.join(format!("{}-fixed.stdout", rule.code)))
            .unwrap_or_else(|_| panic!("no fixed fixture for {}", rule.code));
        let tag = |sev: &str| format!("{sev}[{}]", rule.code);
        assert!(
            ["error", "warning"].iter().any(|s| fires.contains(&tag(s))),
            "{} fixture does not show it",
            rule.code
        );
        assert!(
            !["error", "warning"].iter().any(|s| fixed.contains(&tag(s))),
            "{} fixed fixture still shows it",
            rule.code
        );
    }
}
