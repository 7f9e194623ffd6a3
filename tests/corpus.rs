//! The real-world corpus: screenplays, timelines and pipeline metadata that
//! nobody on the team wrote (see `tests/corpus/SOURCES.md`).

mod common;

use std::path::Path;

use common::*;

const NONE_BLOCK: &str = "/*\n---\ngenai: none\n---\n*/\n\n";

/// Insert a `genai: none` block after the title page (or at the top).
fn declare_none(bytes: &[u8]) -> Vec<u8> {
    let bom = if bytes.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let body = &bytes[bom..];
    let first_line = body.split(|&b| b == b'\n').next().unwrap_or_default();
    let has_title = first_line.iter().position(|&b| b == b':').is_some_and(|i| {
        i > 0
            && first_line[..i]
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || *b == b' ')
    });
    let at = if has_title {
        // After the first blank line.
        let mut pos = 0;
        let mut found = body.len();
        for line in body.split_inclusive(|&b| b == b'\n') {
            pos += line.len();
            if line.trim_ascii().is_empty() {
                found = pos;
                break;
            }
        }
        found
    } else {
        0
    };
    let mut out = bytes[..bom + at].to_vec();
    if has_title && at == body.len() {
        // A title page that runs to the end of the file: close it with a blank line.
        if !body.ends_with(b"\n") {
            out.extend_from_slice(b"\n");
        }
        out.extend_from_slice(b"\n");
    }
    out.extend_from_slice(NONE_BLOCK.as_bytes());
    out.extend_from_slice(&body[at..]);
    out
}

fn fountain_files() -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for dir in std::fs::read_dir(corpus().join("fountain")).unwrap() {
        for f in std::fs::read_dir(dir.unwrap().path()).unwrap() {
            files.push(f.unwrap().path());
        }
    }
    files.sort();
    assert!(files.len() >= 20, "the corpus is missing");
    files
}

#[test]
fn every_script_without_a_declaration_gives_one_ga001() {
    let dir = project();
    for f in fountain_files() {
        let name = f.file_name().unwrap().to_str().unwrap();
        write(
            dir.path(),
            &format!("scripts/{name}"),
            std::fs::read(&f).unwrap(),
        );
    }
    let (report, code) = check_json(dir.path(), &[]);
    assert_eq!(code, 1);
    let diags = report["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), fountain_files().len(), "{report:#}");
    for d in diags {
        assert_eq!(d["code"], "GA001", "{d:#}");
    }
}

#[test]
fn every_script_with_a_none_block_after_its_title_page_is_clean() {
    let dir = project();
    for f in fountain_files() {
        let name = f.file_name().unwrap().to_str().unwrap();
        write(
            dir.path(),
            &format!("scripts/{name}"),
            declare_none(&std::fs::read(&f).unwrap()),
        );
    }
    let (report, code) = check_json(dir.path(), &[]);
    assert_eq!(report["diagnostics"], serde_json::json!([]), "{report:#}");
    assert_eq!(code, 0);
    assert_eq!(report["summary"]["files_checked"], fountain_files().len());
}

const USE_JSON: &str = r#""genai": {"disclosed": {"to": "M. Chen", "on": "2025-09-02"}, "uses": [{"id": "cleanup", "stage": "temp", "output": "video", "tools": [{"name": "Runway", "enterprise": true, "trains-on-inputs": false}]}]}"#;

/// Add a declaration to a JSON object's `metadata`, or at the top level.
fn declare_json(text: &str) -> String {
    match text.find("\"metadata\": {") {
        Some(i) => {
            let at = i + "\"metadata\": {".len();
            let rest = &text[at..];
            let sep = if rest.trim_start().starts_with('}') {
                ""
            } else {
                ","
            };
            format!("{}{USE_JSON}{sep}{rest}", &text[..at])
        }
        None => {
            let at = text.find('{').unwrap() + 1;
            format!("{}{USE_JSON},{}", &text[..at], &text[at..])
        }
    }
}

fn metadata_files() -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for sub in ["otio", "vfx-metadata"] {
        for f in std::fs::read_dir(corpus().join(sub)).unwrap() {
            files.push(f.unwrap().path());
        }
    }
    files.sort();
    files
}

fn place(f: &Path) -> String {
    let name = f.file_name().unwrap().to_str().unwrap();
    format!("vfx/{name}")
}

#[test]
fn every_timeline_and_metadata_file_with_a_declaration_is_read() {
    let dir = project();
    for f in metadata_files() {
        let text = std::fs::read_to_string(&f).unwrap();
        let declared = if f.extension().is_some_and(|e| e == "yml") {
            format!("genai: none\n{text}")
        } else {
            declare_json(&text)
        };
        write(dir.path(), &place(&f), declared);
    }
    let (report, code) = check_json(dir.path(), &[]);
    assert_eq!(report["diagnostics"], serde_json::json!([]), "{report:#}");
    assert_eq!(code, 0);
    assert_eq!(report["summary"]["files_checked"], metadata_files().len());
}

#[test]
fn every_timeline_and_metadata_file_without_one_gives_ga001() {
    let dir = project();
    for f in metadata_files() {
        write(dir.path(), &place(&f), std::fs::read(&f).unwrap());
    }
    let (report, _) = check_json(dir.path(), &[]);
    let codes = codes(&report);
    assert_eq!(codes.len(), metadata_files().len(), "{report:#}");
    assert!(codes.iter().all(|c| c == "GA001"), "{codes:?}");
}
