//! A new user's first hour: `aiclear init` writes a commented configuration
//! drawn from the files the project holds, that reads back, never checks
//! less than the built-in defaults and never overwrites one; `check` warns
//! about files no glob covers (GA007), groups many missing declarations
//! under one command, and refuses the template's placeholders.

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
        stdout.contains(
            "scripts: **/*.fountain (1 file), **/*.spmd (1 file), **/*.fdx (0 files), **/*.fadein (0 files), **/*.highland (0 files), scripts/**/*.md (1 file), scripts/**/*.pdf (0 files)"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("aiclear annotate"), "{stdout}");

    let s = settings(dir.path());
    assert!(
        matches!(&s.policy[..], [config::PolicyEntry::Name(n)] if n.value == "netflix-2025-08"),
        "{:?}",
        s.policy
    );
    assert!(s.require_declaration);
    assert!(s.approvers.is_empty());
    assert_eq!(s.temporary_max_age_days, 90);
    // The built-in defaults already reach scripts/ and vfx/; sound/ is added.
    assert_eq!(s.files.scripts.patterns, config::DEFAULT_SCRIPTS);
    assert_eq!(s.files.metadata.patterns, config::DEFAULT_METADATA);
    assert_eq!(
        s.files.media.patterns,
        [
            config::DEFAULT_MEDIA[0],
            config::DEFAULT_MEDIA[1],
            "sound/**/*.wav"
        ]
    );
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
    assert_eq!(
        s.files.media.patterns,
        [
            config::DEFAULT_MEDIA[0],
            config::DEFAULT_MEDIA[1],
            "sound/**/*.wav"
        ]
    );
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

const DECLARED: &str = "Title: X\n\n/*\n---\ngenai: none\n---\n*/\n\nINT. ROOM - DAY\n";
const UNDECLARED: &str = "Title: X\n\nINT. ROOM - DAY\n";

/// The diagnostics of a JSON report with `code`.
fn with_code<'a>(report: &'a serde_json::Value, code: &str) -> Vec<&'a serde_json::Value> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == code)
        .collect()
}

#[test]
fn after_init_new_scripts_anywhere_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "scripts/ep101.fountain", DECLARED);
    write(
        dir.path(),
        "scripts/bible.md",
        "---\ngenai: none\n---\n# Bible\n",
    );
    ok(&run(dir.path(), &["init"]));
    let (report, code) = check_json(dir.path(), &[]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["summary"]["warnings"], 0, "{report:#}");

    // Drafts in a new folder and at the top are checked, not passed over.
    write(dir.path(), "drafts/ep102.fountain", UNDECLARED);
    write(dir.path(), "ep103.fountain", UNDECLARED);
    let (report, code) = check_json(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(paths(&report), ["drafts/ep102.fountain", "ep103.fountain"]);
    assert_eq!(codes(&report), ["GA001", "GA001"]);
}

/// A configuration that checks one folder, and files it misses.
fn narrow_project() -> tempfile::TempDir {
    let dir = project();
    write(
        dir.path(),
        ".aiclear/config.yml",
        "files:\n  scripts: [\"scripts/**/*.fountain\"]\n  media: [\"vfx/**/*.exr\"]\n",
    );
    for (p, t) in [
        ("scripts/ep101.fountain", DECLARED),
        ("drafts/ep102.fountain", UNDECLARED),
        ("ep103.fountain", UNDECLARED),
        ("drafts/treatment.md", "# Treatment\n"),
        ("vfx/plates/a.exr", "exr"),
        ("vfx/plates/a.exr.genai.yml", "genai: none\n"),
        ("vfx/plates/b.png", "png"),
        ("art/poster.psd", "psd"),
        ("art/poster.psd.genai.yml", "genai: none\n"),
        // The repository's own files: never reported.
        ("README.md", "# The Last Signal\n"),
        ("CHANGELOG.md", "# Changes\n"),
        ("scripts/README.md", "How we name drafts\n"),
        ("docs/pipeline.md", "# Pipeline\n"),
        ("docs/ep000.fountain", UNDECLARED),
        (".github/workflows/ci.yml", "on: push\n"),
        (".github/ISSUE_TEMPLATE/bug.md", "# Bug\n"),
        ("package.json", "{}\n"),
        ("logo.png", "png"),
        ("site/logo.png", "png"),
    ] {
        write(dir.path(), p, t);
    }
    dir
}

#[test]
fn check_warns_once_about_files_no_glob_covers() {
    let dir = narrow_project();
    let (report, code) = check_json(dir.path(), &[]);
    assert_eq!(code, 0, "a warning does not fail the check: {report:#}");
    let found = with_code(&report, "GA007");
    assert_eq!(found.len(), 1, "{report:#}");
    let d = found[0];
    assert_eq!(d["severity"], "warning");
    assert_eq!(d["name"], "uncovered-file");
    assert_eq!(d["path"], ".aiclear/config.yml");
    assert_eq!(
        d["message"],
        "5 files are covered by no `files:` glob, so they are not checked"
    );
    assert_eq!(
        d["notes"][1],
        "not checked: `art/poster.psd.genai.yml`, `drafts/ep102.fountain`, `drafts/treatment.md`, `ep103.fountain`, `vfx/plates/b.png`"
    );
    let help = d["help"].as_str().unwrap();
    assert_eq!(
        help,
        "to check them, add `\"**/*.fountain\"`, `\"drafts/**/*.md\"` under `files.scripts` and `\"art/**/*.psd\"`, `\"vfx/**/*.png\"` under `files.media` in `.aiclear/config.yml`; if they are not production files, list them under `files.exclude`"
    );

    // The globs of the help, added as written, check every one of them.
    write(
        dir.path(),
        ".aiclear/config.yml",
        "files:\n  scripts: [\"scripts/**/*.fountain\", \"**/*.fountain\", \"drafts/**/*.md\"]\n  media: [\"vfx/**/*.exr\", \"art/**/*.psd\", \"vfx/**/*.png\"]\n  exclude: [\"docs/**\"]\n",
    );
    let (report, code) = check_json(dir.path(), &[]);
    assert_eq!(code, 1);
    assert!(with_code(&report, "GA007").is_empty(), "{report:#}");
    assert_eq!(
        paths(&report),
        [
            "drafts/ep102.fountain",
            "drafts/treatment.md",
            "ep103.fountain",
            "vfx/plates/b.png"
        ],
        "{report:#}"
    );
}

#[test]
fn an_uncovered_file_can_be_excluded_or_the_warning_allowed() {
    let dir = narrow_project();
    let human = run(dir.path(), &["check"]);
    let shown = String::from_utf8_lossy(&human.stdout);
    assert!(
        shown.starts_with("warning[GA007]: 5 files are covered by no `files:` glob"),
        "{shown}"
    );
    assert!(shown.contains("--> .aiclear/config.yml"), "{shown}");

    let config = "files:\n  scripts: [\"scripts/**/*.fountain\"]\n  media: [\"vfx/**/*.exr\"]\n";
    write(
        dir.path(),
        ".aiclear/config.yml",
        format!(
            "{config}  exclude: [\"drafts/**\", \"art/**\", \"ep103.fountain\", \"vfx/plates/b.png\"]\n"
        ),
    );
    let (report, _) = check_json(dir.path(), &[]);
    assert!(with_code(&report, "GA007").is_empty(), "{report:#}");

    write(
        dir.path(),
        ".aiclear/config.yml",
        format!("{config}rules: {{ uncovered-file: allow }}\n"),
    );
    let (report, _) = check_json(dir.path(), &[]);
    assert!(with_code(&report, "GA007").is_empty(), "{report:#}");

    write(
        dir.path(),
        ".aiclear/config.yml",
        format!("{config}require-declaration: false\n"),
    );
    let (report, _) = check_json(dir.path(), &[]);
    assert!(with_code(&report, "GA007").is_empty(), "{report:#}");
}

#[test]
fn a_staged_script_no_glob_covers_is_not_passed_in_silence() {
    let repo = TestRepo::new();
    write(
        repo.path(),
        ".aiclear/config.yml",
        "files:\n  scripts: [\"scripts/**/*.fountain\"]\n",
    );
    write(repo.path(), "scripts/ep101.fountain", DECLARED);
    repo.git(&["add", "."]);
    repo.git(&["commit", "-q", "-m", "first"]);
    write(repo.path(), "drafts/ep102.fountain", UNDECLARED);
    repo.git(&["add", "drafts"]);
    let out = run(repo.path(), &["check", "--staged"]);
    assert_eq!(out.status.code(), Some(0));
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        shown.contains(
            "warning[GA007]: `drafts/ep102.fountain` is covered by no `files:` glob, so it is not checked"
        ),
        "{shown}"
    );
    assert!(
        shown.contains("`\"**/*.fountain\"` under `files.scripts`"),
        "{shown}"
    );
    assert!(
        shown.ends_with("warning: 1 warning in 0 files checked\n"),
        "{shown}"
    );
}

#[test]
fn many_missing_declarations_are_one_heading_with_one_command() {
    let dir = project();
    for p in [
        "scripts/ep101.fountain",
        "scripts/ep 102.fountain",
        "scripts/ep103.fountain",
    ] {
        write(dir.path(), p, UNDECLARED);
    }
    write(dir.path(), "vfx/plates/a.exr", "exr");
    let out = run(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(1));
    let shown = String::from_utf8_lossy(&out.stdout);
    assert_eq!(shown.matches("error[GA001]").count(), 1, "{shown}");
    assert!(
        shown.starts_with(
            "error[GA001]: 4 files have no generative-AI declaration\n--> scripts/ep 102.fountain\n::: scripts/ep101.fountain\n::: scripts/ep103.fountain\n::: vfx/plates/a.exr\n"
        ),
        "{shown}"
    );
    assert!(
        shown.contains(
            "= help: if none of them uses generative AI: `aiclear annotate --none 'scripts/ep 102.fountain' scripts/ep101.fountain scripts/ep103.fountain vfx/plates/a.exr`\n"
        ),
        "{shown}"
    );
    assert!(
        shown.contains("`aiclear annotate PATH` writes a template"),
        "{shown}"
    );
    assert!(
        shown.ends_with("error: 4 errors in 4 files checked\n"),
        "{shown}"
    );

    // Other formats keep one finding per file, each with its own command.
    let (report, _) = check_json(dir.path(), &[]);
    assert_eq!(codes(&report), ["GA001"; 4]);
    assert_eq!(
        report["diagnostics"][3]["help"],
        "run `aiclear annotate --none vfx/plates/a.exr` if it uses no generative AI, or `aiclear annotate vfx/plates/a.exr` for a template to fill in"
    );
    let short = run(dir.path(), &["check", "--format", "short"]);
    assert_eq!(
        String::from_utf8_lossy(&short.stdout)
            .lines()
            .filter(|l| l.contains("GA001"))
            .count(),
        4
    );

    // The command, run as printed, declares them all.
    let out = run(
        dir.path(),
        &[
            "annotate",
            "--none",
            "scripts/ep 102.fountain",
            "scripts/ep101.fountain",
            "scripts/ep103.fountain",
            "vfx/plates/a.exr",
        ],
    );
    ok(&out);
    let (report, code) = check_json(dir.path(), &[]);
    assert_eq!(code, 0, "{report:#}");

    // Two are shown one by one.
    write(dir.path(), "scripts/ep104.fountain", UNDECLARED);
    write(dir.path(), "scripts/ep105.fountain", UNDECLARED);
    let shown = String::from_utf8_lossy(&run(dir.path(), &["check"]).stdout).into_owned();
    assert_eq!(
        shown
            .matches("error[GA001]: file has no generative-AI declaration")
            .count(),
        2,
        "{shown}"
    );
    assert!(
        shown.contains("= help: run `aiclear annotate --none scripts/ep104.fountain` if it uses no generative AI, or `aiclear annotate scripts/ep104.fountain` for a template to fill in"),
        "{shown}"
    );
}

#[test]
fn the_templates_placeholders_fail_until_each_is_replaced() {
    let dir = project();
    write(dir.path(), "scripts/ep101.fountain", UNDECLARED);
    ok(&run(dir.path(), &["annotate", "scripts/ep101.fountain"]));
    let (report, code) = check_json(dir.path(), &[]);
    assert_eq!(code, 1);
    let placeholders: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "GA004")
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    for key in [
        "to",
        "on",
        "id",
        "stage",
        "output",
        "name",
        "enterprise",
        "trains-on-inputs",
    ] {
        assert!(
            placeholders.contains(
                &format!("`{key}` is `TODO`, a placeholder left from the declaration template")
                    .as_str()
            ),
            "{key}: {placeholders:#?}"
        );
    }

    // Filled in, except for free text left as the template wrote it.
    let path = dir.path().join("scripts/ep101.fountain");
    let text = std::fs::read_to_string(&path).unwrap();
    let filled = text
        .replace("on: TODO", "on: 2025-09-02")
        .replace("id: TODO", "id: polish")
        .replace("stage: TODO", "stage: final")
        .replace("output: TODO", "output: text")
        .replace(
            "{ name: TODO, enterprise: TODO, trains-on-inputs: TODO }",
            "{ name: TODO, enterprise: true, trains-on-inputs: false }",
        )
        .replace(
            "# human-input: what people",
            "human-input: TODO # what people",
        );
    std::fs::write(&path, filled).unwrap();
    let (report, code) = check_json(dir.path(), &[]);
    assert_eq!(code, 1);
    let left: Vec<(String, String)> = with_code(&report, "GA004")
        .iter()
        .map(|d| {
            (
                d["message"].as_str().unwrap().to_owned(),
                d["help"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(left.len(), 3, "{report:#}");
    for (key, help) in [
        ("to", "whom the use was disclosed to"),
        ("name", "the tool's name"),
        ("human-input", "what people changed or added"),
    ] {
        assert!(
            left.iter()
                .any(|(m, h)| m.starts_with(&format!("`{key}` is `TODO`"))
                    && h.starts_with("replace the placeholder with")
                    && h.contains(help)),
            "{key}: {left:#?}"
        );
    }
}
