//! `aiclear init`: a commented configuration drawn from the files the
//! project holds, that reads back and never overwrites one.

mod common;
#[path = "common/write.rs"]
mod support;

use aiclear::config;
use aiclear::source::Source;
use common::git::TestRepo;
use common::*;
use support::*;

fn production_tree(root: &std::path::Path) {
    for (p, t) in [
        ("README.md", "# The Last Signal\n"),
        ("CHANGELOG.md", "# Changes\n"),
        ("docs/pipeline.md", "# Pipeline\n"),
        ("docs/logo.png", "png"),
        ("package.json", "{}\n"),
        (".github/workflows/ci.yml", "on: push\n"),
        ("scripts/ep101.fountain", "Title: X\n\nINT. A\n"),
        ("scripts/s1/ep102.spmd", "INT. B\n"),
        ("scripts/bible.md", "# Bible\n"),
        ("scripts/README.md", "How we name drafts\n"),
        ("vfx/shots/sh010.yml", "shot: sh010\n"),
        ("vfx/cut_v012.otio", "{\"metadata\": {}}\n"),
        ("vfx/plates/sh010_bg_v003.exr", "exr"),
        ("vfx/plates/sh010_bg_v003.exr.genai.yml", "genai: none\n"),
        ("sound/temp_score.wav", "wav"),
    ] {
        write(root, p, t);
    }
}

fn settings(root: &std::path::Path) -> config::Settings {
    let text = std::fs::read(root.join(".aiclear/config.yml")).unwrap();
    config::parse(&Source::new(".aiclear/config.yml", text.clone()))
        .unwrap_or_else(|e| panic!("{e:?}\n{}", String::from_utf8_lossy(&text)))
}

#[test]
fn globs_come_from_the_folders_that_hold_each_kind() {
    let dir = tempfile::tempdir().unwrap();
    production_tree(dir.path());
    let stdout = ok(&run(dir.path(), &["init"]));
    assert!(stdout.starts_with("wrote .aiclear/config.yml"), "{stdout}");
    assert!(
        stdout
            .contains("scripts: scripts/**/*.{fountain,spmd} (2 files), scripts/**/*.md (1 file)"),
        "{stdout}"
    );
    assert!(stdout.contains("aiclear annotate"), "{stdout}");

    let s = settings(dir.path());
    assert_eq!(s.policy, "netflix-2025-08");
    assert!(s.require_declaration);
    assert!(s.approvers.is_empty());
    assert_eq!(s.temporary_max_age_days, 90);
    assert_eq!(
        s.files.scripts.patterns,
        ["scripts/**/*.{fountain,spmd}", "scripts/**/*.md"]
    );
    assert_eq!(s.files.metadata.patterns, ["vfx/**/*.otio", "vfx/**/*.yml"]);
    assert_eq!(s.files.media.patterns, ["sound/**/*.wav", "vfx/**/*.exr"]);
    assert!(s.files.exclude.is_match("scripts/README.md"));

    let text = std::fs::read_to_string(dir.path().join(".aiclear/config.yml")).unwrap();
    for needle in [
        "# rules:\n#   GA102: deny",
        "approvers: []",
        "#     - email: showrunner@production.example.com",
        "Left out (add a glob if these are production files): 2 Markdown files in the top folder, 1 Markdown file in docs/.",
        "1 media file in docs/",
    ] {
        assert!(text.contains(needle), "{needle:?} in\n{text}");
    }

    // The production files need declarations; the repository's own do not.
    let (report, code) = check_json(dir.path(), &[]);
    assert_eq!(code, 1);
    let paths = paths(&report);
    assert_eq!(
        paths,
        [
            "scripts/bible.md",
            "scripts/ep101.fountain",
            "scripts/s1/ep102.spmd",
            "sound/temp_score.wav",
            "vfx/cut_v012.otio",
            "vfx/shots/sh010.yml",
        ],
        "{report:#}"
    );
}

#[test]
fn in_a_repository_only_files_git_would_commit_count() {
    let dir = TestRepo::new();
    production_tree(dir.path());
    write(dir.path(), ".gitignore", "renders/\n");
    write(dir.path(), "renders/sh010_v001.exr", "exr");
    write(dir.path(), "renders/sh010_v001.json", "{}\n");
    dir.git(&["add", "."]);
    ok(&run(dir.path(), &["init"]));
    let s = settings(dir.path());
    assert!(
        !s.files
            .media
            .patterns
            .iter()
            .any(|p| p.starts_with("renders/"))
    );
    assert_eq!(s.files.media.patterns, ["sound/**/*.wav", "vfx/**/*.exr"]);
}

#[test]
fn an_empty_project_keeps_the_defaults() {
    let dir = tempfile::tempdir().unwrap();
    ok(&run(dir.path(), &["init"]));
    let s = settings(dir.path());
    assert_eq!(s.files.scripts.patterns, config::DEFAULT_SCRIPTS);
    assert_eq!(s.files.metadata.patterns, config::DEFAULT_METADATA);
}

#[test]
fn never_overwrites_a_config() {
    let dir = project();
    write(dir.path(), ".aiclear/config.yml", "# mine\n");
    let out = run(dir.path(), &["init"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(dir.path().join(".aiclear/config.yml")).unwrap(),
        "# mine\n"
    );
}
