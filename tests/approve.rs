//! `aiclear approve`: a ledger entry that `aiclear check` accepts, bound to
//! the use as it read when it was granted, appended without touching the rest
//! of the ledger.

mod common;
#[path = "common/write.rs"]
mod support;

use std::path::Path;

use aiclear::approvals;
use aiclear::declaration;
use aiclear::kind::FileKind;
use aiclear::source::Source;
use common::git::{APPROVER, TestRepo, WRITER};
use common::*;
use support::*;

const CONFIG: &str = "approvers:\n  - email: mei.chen@netflix.example.com\n    name: Mei Chen\n";

const SCRIPT: &str = "\
Title: THE LAST SIGNAL
Author: Dana Ruiz

/*
---
genai:
  disclosed: { to: \"M. Chen, Netflix creative production\", on: 2025-09-02 }
  uses:
    - id: aria-design
      stage: final
      output: image
      elements: [main-character]
      tools: [{ name: \"Imagen 4\", enterprise: true, trains-on-inputs: false }]
      human-input: \"character designer repainted every frame\"
    - id: relay-sketch
      stage: ideation
      output: image
      tools: [{ name: \"Imagen 4\", enterprise: true, trains-on-inputs: false }]
---
*/

INT. RELAY STATION - NIGHT
";

/// A production whose writer committed the pilot; git's `user.email` is
/// then set to the approver's, as on the approver's machine.
fn production() -> TestRepo {
    let repo = TestRepo::new();
    repo.write(".aiclear/config.yml", CONFIG);
    repo.write("scripts/ep101.fountain", SCRIPT);
    repo.commit(WRITER, "pilot");
    repo.git(&["config", "user.email", APPROVER.1]);
    repo
}

fn approve(dir: &Path, args: &[&str]) -> std::process::Output {
    let mut all = vec!["approve"];
    all.extend_from_slice(args);
    aiclear(dir, &all, &[])
}

fn ledger(dir: &Path) -> approvals::Ledger {
    let bytes = std::fs::read(dir.join(".aiclear/approvals.yml")).unwrap();
    let (ledger, findings) = approvals::parse(&Source::new(".aiclear/approvals.yml", bytes));
    assert!(findings.is_empty(), "{findings:?}");
    ledger
}

#[test]
fn an_approval_clears_the_finding_until_the_use_changes() {
    let dir = production();
    let (report, code) = check_json(dir.path(), &[]);
    assert_eq!(
        (codes(&report), code),
        (vec!["GA203".to_owned(), "GA201".to_owned()], 1)
    );

    let out = approve(
        dir.path(),
        &[
            "--id",
            "NFX-2025-0142",
            "--path",
            "scripts/ep101.fountain",
            "--use",
            "aria-design",
            "--rule",
            "GA201",
            "--rule",
            "generated-final-deliverable",
            "--expires",
            "2099-12-31",
        ],
    );
    let stdout = ok(&out);
    assert_eq!(
        stdout.lines().next().unwrap(),
        "added approval NFX-2025-0142 to .aiclear/approvals.yml covering scripts/ep101.fountain use aria-design (GA201, GA203)"
    );

    // The entry: who, when, what, and the digest of the use as it reads now.
    let ledger = ledger(dir.path());
    let entry = ledger.get("NFX-2025-0142").unwrap();
    assert_eq!(entry.granted_by.as_ref().unwrap().value, APPROVER.1);
    assert_eq!(
        entry.granted_on.as_ref().unwrap().value,
        jiff::ZonedDateTime::now().date()
    );
    assert_eq!(
        entry.expires_on.as_ref().unwrap().value.to_string(),
        "2099-12-31"
    );
    let cover = &entry.covers[0];
    assert_eq!(cover.path.value, "scripts/ep101.fountain");
    assert_eq!(cover.use_id.as_ref().unwrap().value, "aria-design");
    let rules: Vec<&str> = cover.rules.iter().map(|r| r.value.as_str()).collect();
    assert_eq!(rules, ["GA201", "GA203"]);
    let decl = declaration::parse(FileKind::Fountain, SCRIPT.as_bytes())
        .declaration
        .unwrap();
    assert_eq!(
        cover.digest.as_ref().unwrap().value,
        approvals::digest(&decl.uses[0])
    );

    // `check` accepts it: the findings are cleared.
    let (report, _) = check_json(dir.path(), &[]);
    let now = codes(&report);
    assert!(
        !now.iter()
            .any(|c| c == "GA201" || c == "GA203" || c == "GA504"),
        "{report:#}"
    );

    // Committed by the approver, nothing is left.
    dir.commit(APPROVER, "approve ARIA's design");
    let (report, code) = check_json(dir.path(), &[]);
    assert_eq!(
        (report["diagnostics"].clone(), code),
        (serde_json::json!([]), 0),
        "{report:#}"
    );

    // Citing the approval in the use does not change its digest.
    let cited = SCRIPT.replace(
        "      human-input: \"character designer repainted every frame\"\n",
        "      human-input: \"character designer repainted every frame\"\n      approvals: [NFX-2025-0142]\n",
    );
    write(dir.path(), "scripts/ep101.fountain", &cited);
    let (report, code) = check_json(dir.path(), &[]);
    assert_eq!(
        (report["diagnostics"].clone(), code),
        (serde_json::json!([]), 0),
        "{report:#}"
    );

    // Any other change to the use makes the approval stale.
    let edited = cited.replace("repainted every frame", "touched up some frames");
    write(dir.path(), "scripts/ep101.fountain", &edited);
    let (report, code) = check_json(dir.path(), &[]);
    assert!(codes(&report).iter().any(|c| c == "GA504"), "{report:#}");
    assert_eq!(code, 1);
}

#[test]
fn an_existing_ledger_keeps_every_byte() {
    let dir = production();
    let old = "\u{feff}# Approvals for THE LAST SIGNAL.\r\n#   keep this comment\r\n\r\n- id: NFX-2025-0001   # the first one\r\n  granted-by: mei.chen@netflix.example.com\r\n  granted-on: 2025-09-01\r\n  note: >-\r\n    folded\r\n    note\r\n  covers:\r\n    - { path: scripts/ep101.fountain, use: relay-sketch }\r\n# trailing comment, no newline";
    write(dir.path(), ".aiclear/approvals.yml", old);
    let out = approve(
        dir.path(),
        &[
            "--id",
            "NFX-2025-0142",
            "--path",
            "scripts/ep101.fountain",
            "--use",
            "aria-design",
        ],
    );
    ok(&out);
    let new = std::fs::read(dir.path().join(".aiclear/approvals.yml")).unwrap();
    assert!(new.starts_with(old.as_bytes()));
    let added = String::from_utf8(new[old.len()..].to_vec()).unwrap();
    assert!(
        added.starts_with("\r\n\r\n- id: NFX-2025-0142\r\n"),
        "{added:?}"
    );
    assert!(
        !added.replace("\r\n", "").contains(['\n', '\r']),
        "{added:?}"
    );

    let ledger = ledger(dir.path());
    assert_eq!(ledger.entries.len(), 2);
    assert_eq!(
        ledger.entries[0].note.as_ref().unwrap().value,
        "folded note"
    );
    assert!(ledger.entries[1].covers[0].rules.is_empty());
    let (report, _) = check_json(dir.path(), &[]);
    let now = codes(&report);
    assert!(
        !now.iter().any(|c| c == "GA201" || c == "GA203"),
        "{report:#}"
    );
}

#[test]
fn strings_are_quoted_so_they_read_back() {
    let dir = production();
    let note = "approved: see \"the memo\"\n# not a comment\tand a tab";
    let out = approve(
        dir.path(),
        &[
            "--id",
            "2025-0142",
            "--path",
            "scripts/ep101.fountain",
            "--use",
            "aria-design",
            "--use",
            "relay-sketch",
            "--document",
            "legal/NFX approval 0142.pdf",
            "--note",
            note,
        ],
    );
    let stdout = ok(&out);
    assert!(
        stdout.contains(
            "covering scripts/ep101.fountain uses aria-design, relay-sketch (every rule)"
        ),
        "{stdout}"
    );
    assert!(
        stderr(&out).contains("warning: the document"),
        "{}",
        stderr(&out)
    );
    let text = std::fs::read_to_string(dir.path().join(".aiclear/approvals.yml")).unwrap();
    assert!(text.starts_with("# Written GenAI approvals."), "{text}");
    let ledger = ledger(dir.path());
    let e = ledger.get("2025-0142").unwrap();
    assert_eq!(e.note.as_ref().unwrap().value, note);
    assert_eq!(
        e.document.as_ref().unwrap().value,
        "legal/NFX approval 0142.pdf"
    );
    assert_eq!(e.covers.len(), 2);
    assert_eq!(e.covers[1].use_id.as_ref().unwrap().value, "relay-sketch");
}

#[test]
fn media_approvals_cover_the_sidecar() {
    let dir = production();
    write(
        dir.path(),
        "vfx/plates/sh010_bg_v003.exr",
        b"\x76\x2f\x31\x01",
    );
    write(
        dir.path(),
        "vfx/plates/sh010_bg_v003.exr.genai.yml",
        "genai:\n  disclosed: { to: M. Chen, on: 2025-09-02 }\n  uses:\n    - id: sky-replacement\n      stage: final\n      output: image\n      tools: [{ name: Firefly, enterprise: true, trains-on-inputs: false }]\n      human-input: compositor graded and tracked it\n",
    );
    let (report, _) = check_json(dir.path(), &[]);
    assert!(
        codes(&report).iter().filter(|c| *c == "GA203").count() == 2,
        "{report:#}"
    );
    let out = approve(
        dir.path(),
        &[
            "--id",
            "NFX-7",
            "--path",
            "vfx/plates/sh010_bg_v003.exr",
            "--use",
            "sky-replacement",
            "--rule",
            "GA203",
        ],
    );
    assert!(
        ok(&out).contains(
            "covering vfx/plates/sh010_bg_v003.exr.genai.yml use sky-replacement (GA203)"
        )
    );
    let (report, _) = check_json(dir.path(), &[]);
    assert_eq!(
        codes(&report).iter().filter(|c| *c == "GA203").count(),
        1,
        "{report:#}"
    );
}

#[test]
fn refusals_change_nothing() {
    let dir = production();
    write(
        dir.path(),
        "scripts/none.fountain",
        "/*\n---\ngenai: none\n---\n*/\nINT. A\n",
    );
    write(
        dir.path(),
        "scripts/bad.fountain",
        "/*\n---\ngenai:\n  uses:\n    - {id: a, stage: finale, output: text, tools: [{name: x}]}\n---\n*/\n",
    );
    let existing = "- id: NFX-1\n  granted-by: mei.chen@netflix.example.com\n  granted-on: 2025-09-01\n  covers: [{path: x.fountain}]\n";
    write(dir.path(), ".aiclear/approvals.yml", existing);
    let base = ["--id", "NFX-2", "--path", "scripts/ep101.fountain"];
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            base.to_vec(),
            "name the use to approve with `--use`: `scripts/ep101.fountain` declares `aria-design`, `relay-sketch`",
        ),
        (
            [&base[..], &["--use", "aria"]].concat(),
            "has no use `aria` (did you mean `aria-design`?)",
        ),
        (
            [&base[..], &["--use", "aria-design", "--rule", "GA999"]].concat(),
            "no rule is called `GA999`",
        ),
        (
            [
                &base[..],
                &["--use", "aria-design", "--rule", "key-creative"],
            ]
            .concat(),
            "did you mean `key-creative-element`?",
        ),
        (
            [
                &base[..],
                &["--use", "aria-design", "--expires", "2020-01-01"],
            ]
            .concat(),
            "is not in the future",
        ),
        (
            [
                &base[..],
                &["--use", "aria-design", "--expires", "2030-1-1"],
            ]
            .concat(),
            "is not a date written YYYY-MM-DD",
        ),
        (
            vec![
                "--id",
                "NFX-1",
                "--path",
                "scripts/ep101.fountain",
                "--use",
                "aria-design",
            ],
            "approval `NFX-1` is already in",
        ),
        (
            vec![
                "--id",
                "NFX-2",
                "--path",
                "scripts/nope.fountain",
                "--use",
                "a",
            ],
            "`scripts/nope.fountain` does not exist",
        ),
        (
            vec![
                "--id",
                "NFX-2",
                "--path",
                "scripts/none.fountain",
                "--use",
                "a",
            ],
            "declares no uses",
        ),
        (
            vec![
                "--id",
                "NFX-2",
                "--path",
                "scripts/bad.fountain",
                "--use",
                "a",
            ],
            "does not read cleanly",
        ),
        (
            vec![
                "--id",
                " NFX-2",
                "--path",
                "scripts/ep101.fountain",
                "--use",
                "aria-design",
            ],
            "is not an approval id",
        ),
    ];
    for (args, message) in cases {
        let out = approve(dir.path(), &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(message), "{args:?}: {}", stderr(&out));
        assert_eq!(
            std::fs::read_to_string(dir.path().join(".aiclear/approvals.yml")).unwrap(),
            existing
        );
    }
}

#[test]
fn refuses_without_a_git_email() {
    let dir = TestRepo::new();
    dir.git(&["config", "--unset", "user.email"]);
    dir.write("scripts/ep101.fountain", SCRIPT);
    let home = tempfile::tempdir().unwrap();
    let home = home.path().to_str().unwrap();
    let out = aiclear(
        dir.path(),
        &[
            "approve",
            "--id",
            "NFX-1",
            "--path",
            "scripts/ep101.fountain",
            "--use",
            "aria-design",
        ],
        &[
            ("HOME", home),
            ("XDG_CONFIG_HOME", home),
            ("GIT_CONFIG_GLOBAL", "/dev/null"),
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("git config user.email"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.path().join(".aiclear/approvals.yml").exists());
}
