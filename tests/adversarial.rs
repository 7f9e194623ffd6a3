//! Attacks on the approval trail by someone who can push to a pull request:
//! symbolic links, merges of forged or revoked ledger entries, a project root
//! that moves, file names and extensions that hide files, second
//! declarations, self-granted approvals in local checks, revisions that are
//! not commits and approvals granted before signatures were required. Each
//! test first shows that the plain version of the attack is refused, then
//! that the disguised one is refused too.
#![cfg(unix)]

mod common;

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

use common::attack::*;
use serde_json::Value;

const LEDGER: &str = ".aiclear/approvals.yml";

/// A main-character design at previs: GA201 needs an approval.
const ARIA: &str = "    - id: aria\n      stage: previs\n      output: image\n      elements: [main-character]\n      tools: [{ name: \"Imagen 4\", enterprise: true, trains-on-inputs: false }]\n";
/// Temp signage at ideation: needs no approval.
const SIGNAGE: &str = "    - id: relay-signage\n      stage: ideation\n      output: image\n      tools: [{ name: \"Imagen 4\", enterprise: true, trains-on-inputs: false }]\n";
/// A final main-character render: GA201 and GA203 need an approval.
const HERO: &str = "    - id: hero\n      stage: final\n      output: image\n      elements: [main-character]\n      tools: [{ name: \"Imagen 4\", enterprise: true, trains-on-inputs: false }]\n      human-input: \"the designer repainted every frame\"\n";

/// Mei's entry: `aria` in ep1, for GA201.
const ENTRY: &str = "- id: NFX-1\n  granted-by: mei.chen@netflix.example.com\n  granted-on: 2025-09-05\n  covers:\n    - { path: scripts/ep1.fountain, use: aria, rules: [GA201] }\n";
/// Mei's entry rewritten to also cover `hero` in ep2, for every rule.
const WIDENED: &str = "- id: NFX-1\n  granted-by: mei.chen@netflix.example.com\n  granted-on: 2025-09-05\n  covers:\n    - { path: scripts/ep1.fountain, use: aria, rules: [GA201] }\n    - { path: scripts/ep2.fountain, use: hero }\n";

fn signers(key: &Key) -> String {
    format!(
        "mei.chen@netflix.example.com namespaces=\"git\" {}\n",
        key.public
    )
}

/// A production that requires signed approvals, with Mei's entry for `aria`
/// committed and signed by her key on `main`, and a PR branch `pr` on which
/// the writer adds `hero` in ep2. The fork point (before the approval) and
/// the head of `pr`.
fn signed_production(repo: &Sandbox, mei: &Key) -> (String, String) {
    repo.write(".aiclear/config.yml", SIGNED_CONFIG);
    repo.write(".aiclear/allowed_signers", signers(mei));
    repo.write("scripts/ep1.fountain", fountain(ARIA));
    let start = repo.commit(APPROVER, "start the pilot");
    repo.write(LEDGER, ENTRY);
    let approval = repo.commit_signed(APPROVER, mei, "approve aria");
    assert!(repo.signature_is_good(&approval, &signers(mei)));
    let (report, code) = repo.check(&["--base", &start]);
    expect_exit(&report, code, 0);
    repo.git(&["checkout", "-q", "-b", "pr"]);
    repo.write("scripts/ep2.fountain", fountain(HERO));
    let pr = repo.commit(WRITER, "ep2: hero render");
    (start, pr)
}

/// The PR turns the ledger into a symbolic link to a file in which Mei's
/// signed entry is rewritten to cover the PR's new final main-character
/// render.
#[test]
fn a_symlinked_ledger_is_not_followed() {
    let repo = Sandbox::new();
    let mei = repo.keygen("mei");
    let (_, pr) = signed_production(&repo, &mei);

    // Control: the writer rewrites the entry in the ledger itself.
    repo.write(LEDGER, WIDENED);
    repo.commit(WRITER, "widen NFX-1");
    let (report, code) = repo.range(&[]);
    expect_exit(&report, code, 1);
    expect(&report, "GA601", LEDGER, "error");
    expect(&report, "GA201", "scripts/ep2.fountain", "error");

    // Attack: the same entry, behind a link.
    repo.git(&["reset", "-q", "--hard", &pr]);
    repo.write("notes/ledger.yml", WIDENED);
    repo.symlink("../notes/ledger.yml", LEDGER);
    repo.commit(WRITER, "move the ledger to notes");
    assert!(
        repo.git(&["ls-tree", "HEAD", LEDGER])
            .starts_with("120000 "),
        "the ledger is committed as a link"
    );
    assert_eq!(repo.show("HEAD", LEDGER), "../notes/ledger.yml");
    for (report, code) in [repo.range(&[]), repo.check(&[])] {
        expect_exit(&report, code, 1);
        let d = expect(&report, "GA002", LEDGER, "error");
        expect_in(d, "message", "symbolic link");
        expect(&report, "GA201", "scripts/ep2.fountain", "error");
    }
}

/// How a side branch holding the rewritten entry starts.
#[derive(Clone, Copy, Debug)]
enum Side {
    /// Forked before Mei's approval commit.
    Forked,
    /// An orphan root commit holding only the ledger.
    Orphan,
}

/// The writer rewrites Mei's signed entry on a side branch (forked before her
/// approval, or an orphan root), with commit dates forged far in the past or
/// the future, and merges it into the PR with `-X theirs`; and the writer
/// commits it with Mei as `--author`, unsigned, while signatures are required.
#[test]
fn a_rewritten_entry_merged_from_a_side_branch_is_not_the_approvers() {
    let repo = Sandbox::new();
    let mei = repo.keygen("mei");
    let (start, pr) = signed_production(&repo, &mei);

    // Control: the writer rewrites the entry on the PR branch itself.
    repo.write(LEDGER, WIDENED);
    repo.commit(WRITER, "widen NFX-1");
    let (report, code) = repo.range(&[]);
    expect_exit(&report, code, 1);
    expect(&report, "GA601", LEDGER, "error");
    expect(&report, "GA201", "scripts/ep2.fountain", "error");

    let past = "2001-01-01T00:00:00Z";
    let future = "2099-01-01T00:00:00Z";
    let variants = [
        (Side::Forked, past, None),
        (Side::Forked, future, None),
        (Side::Orphan, past, None),
        (Side::Orphan, future, None),
        (Side::Forked, past, Some(APPROVER)),
    ];
    for (i, (side, date, author)) in variants.into_iter().enumerate() {
        let branch = format!("side-{i}");
        match side {
            Side::Forked => repo.git(&["checkout", "-q", "-b", &branch, &start]),
            Side::Orphan => {
                repo.git(&["checkout", "-q", "--orphan", &branch]);
                repo.git(&["rm", "-rqf", "."])
            }
        };
        repo.write(LEDGER, WIDENED);
        let forged = repo.commit_how(
            WRITER,
            "ledger",
            How {
                author,
                date: Some(date),
                key: None,
            },
        );
        assert_eq!(
            repo.git(&["log", "-1", "--format=%ae %ce %aI %cI %G?", &forged]),
            format!(
                "{} {} {date} {date} N",
                author.unwrap_or(WRITER).1,
                WRITER.1
            ),
            "{side:?}"
        );
        if let Side::Orphan = side {
            assert!(repo.parents(&forged).is_empty());
        }
        repo.git(&["checkout", "-q", "pr"]);
        repo.git(&["reset", "-q", "--hard", &pr]);
        let mut merge = vec!["-X", "theirs"];
        if let Side::Orphan = side {
            merge.push("--allow-unrelated-histories");
        }
        merge.push(&branch);
        let head = repo.merge(WRITER, &merge);
        assert_eq!(repo.parents(&head).len(), 2);
        assert_eq!(repo.show(&head, LEDGER), WIDENED.trim_end());
        assert_eq!(
            repo.show(&head, "scripts/ep2.fountain"),
            fountain(HERO).trim_end()
        );

        eprintln!("{side:?} side branch, dated {date}, author {author:?}:");
        let (report, code) = repo.range(&[]);
        expect_exit(&report, code, 1);
        let refused = if author.is_some() { "GA602" } else { "GA601" };
        expect(&report, refused, LEDGER, "error");
        expect(&report, "GA201", "scripts/ep2.fountain", "error");
    }
}

/// Mei granted an entry and later revoked it (both signed), and the use was
/// retired; the PR restores the use and brings the entry back by merging
/// Mei's old approval commit, or by checking out its ledger blob verbatim.
#[test]
fn a_revoked_approval_stays_revoked() {
    let repo = Sandbox::new();
    let mei = repo.keygen("mei");
    repo.write(".aiclear/config.yml", SIGNED_CONFIG);
    repo.write(".aiclear/allowed_signers", signers(&mei));
    repo.write("scripts/ep1.fountain", fountain(ARIA));
    repo.commit(APPROVER, "start the pilot");
    repo.write(LEDGER, ENTRY);
    let grant = repo.commit_signed(APPROVER, &mei, "approve aria");
    repo.write(LEDGER, "[]\n");
    repo.commit_signed(APPROVER, &mei, "revoke NFX-1");
    let retired = fountain("").replace(
        "  uses:\n",
        "  uses: []\n  retired:\n    - { id: aria, reason: \"approval revoked\", on: 2025-10-01 }\n",
    );
    repo.write("scripts/ep1.fountain", retired);
    let base = repo.commit(WRITER, "retire aria");
    let (report, code) = repo.check(&["--base", &grant]);
    expect_exit(&report, code, 0);
    repo.git(&["checkout", "-q", "-b", "pr"]);

    // Control: the use comes back alone.
    repo.write("scripts/ep1.fountain", fountain(ARIA));
    let pr = repo.commit(WRITER, "bring aria back");
    let (report, code) = repo.range(&[]);
    expect_exit(&report, code, 1);
    expect(&report, "GA201", "scripts/ep1.fountain", "error");

    // Attack: a merge whose second parent is Mei's approval commit (an
    // ancestor of the base, so `git merge` would do nothing), taking its ledger.
    repo.git(&["checkout", "-q", &grant, "--", LEDGER]);
    let tree = repo.git(&["write-tree"]);
    let merge = repo.git(&[
        "commit-tree",
        &tree,
        "-p",
        &pr,
        "-p",
        &grant,
        "-m",
        "merge the approval",
    ]);
    repo.git(&["reset", "-q", "--hard", &merge]);
    assert_eq!(repo.parents("HEAD"), [pr.clone(), grant.clone()]);
    assert!(
        repo.git_env(&["merge-base", "--is-ancestor", &grant, &base], &[])
            .status
            .success()
    );
    assert_eq!(repo.show("HEAD", LEDGER), ENTRY.trim_end());
    assert_eq!(repo.show("main", LEDGER), "[]");
    let merged = repo.range(&[]);

    // Attack: the old blob checked out verbatim in a plain commit.
    repo.git(&["reset", "-q", "--hard", &pr]);
    repo.git(&["checkout", "-q", &grant, "--", LEDGER]);
    repo.commit(WRITER, "restore the ledger");
    assert_eq!(
        repo.git(&["rev-parse", &format!("HEAD:{LEDGER}")]),
        repo.git(&["rev-parse", &format!("{grant}:{LEDGER}")])
    );
    let restored = repo.range(&[]);

    for (what, (report, code)) in [("merged", merged), ("restored", restored)] {
        eprintln!("{what}:");
        expect_exit(&report, code, 1);
        let d = expect(&report, "GA601", LEDGER, "error");
        expect_in(d, "message", "base");
        expect(&report, "GA201", "scripts/ep1.fountain", "error");
    }
}

/// The production lives in `show/`; the PR deletes `show/.aiclear/` (config
/// and all) and adds an unapproved use, checked from `show/`.
#[test]
fn a_deleted_project_root_still_judges_the_files_under_it() {
    let repo = Sandbox::new();
    repo.write("README.md", "Two productions.\n");
    repo.write("show/.aiclear/config.yml", CONFIG);
    repo.write("show/scripts/ep1.fountain", NONE);
    repo.commit(APPROVER, "start the show");
    repo.git(&["checkout", "-q", "-b", "pr"]);

    // Control: the unapproved use alone.
    repo.write("show/scripts/ep2.fountain", fountain(HERO));
    let pr = repo.commit(WRITER, "ep2");
    let (report, code) = repo.check_in("show", &["--base", "main"]);
    expect_exit(&report, code, 1);
    expect(&report, "GA201", "scripts/ep2.fountain", "error");

    // Attack: the root is deleted in the same PR.
    repo.git(&["reset", "-q", "--hard", &pr]);
    repo.git(&["rm", "-rq", "show/.aiclear"]);
    repo.commit(WRITER, "drop the config");
    assert!(!repo.path().join("show/.aiclear").exists());
    assert!(
        repo.git(&["ls-tree", "-r", "--name-only", "HEAD"])
            .lines()
            .all(|p| !p.contains(".aiclear"))
    );
    let (report, code) = repo.check_in("show", &["--base", "main"]);
    expect_exit(&report, code, 1);
    expect_where(&report, "GA605", "warning", "for the removed root", |_| {
        true
    });
    expect(&report, "GA201", "scripts/ep2.fountain", "error");
}

/// An earlier merged PR added `scripts/ep103.fountain` as a link to
/// `notes/ep103.txt` (`genai: none`); a later PR changes only the target to
/// declare a use that needs approval.
#[test]
fn a_symlinked_script_is_checked_when_its_target_changes() {
    let repo = Sandbox::new();
    repo.write(".aiclear/config.yml", CONFIG);
    repo.write("scripts/ep1.fountain", NONE);
    repo.commit(APPROVER, "start");
    repo.git(&["checkout", "-q", "-b", "ep103"]);
    repo.write("notes/ep103.txt", NONE);
    repo.symlink("../notes/ep103.txt", "scripts/ep103.fountain");
    repo.commit(WRITER, "ep103, kept in notes");
    repo.git(&["checkout", "-q", "main"]);
    repo.merge(APPROVER, &["--no-ff", "ep103"]);
    let (report, code) = repo.check(&["--base", "main~1"]);
    expect_exit(&report, code, 0);

    // Control: the link itself is pointed at a new target that declares `hero`.
    repo.git(&["checkout", "-q", "-b", "relink"]);
    repo.write("notes/ep103-v2.txt", fountain(HERO));
    repo.symlink("../notes/ep103-v2.txt", "scripts/ep103.fountain");
    repo.commit(WRITER, "ep103 v2");
    let (report, code) = repo.range(&[]);
    expect_exit(&report, code, 1);
    expect(&report, "GA201", "scripts/ep103.fountain", "error");

    // Attack: only the target changes.
    repo.git(&["checkout", "-q", "-b", "pr", "main"]);
    repo.write("notes/ep103.txt", fountain(HERO));
    repo.commit(WRITER, "notes");
    assert_eq!(
        repo.git(&["diff", "--name-only", "main", "HEAD"]),
        "notes/ep103.txt"
    );
    let (report, code) = repo.range(&[]);
    expect_exit(&report, code, 1);
    expect(&report, "GA201", "scripts/ep103.fountain", "error");
}

/// What a check of a script named `name` gave, in each of the four checks:
/// the work tree, `--staged`, the range that adds it, and `--all` over a
/// range that changes another file.
fn checks_of_a_new_script(name: &[u8]) -> Vec<(&'static str, Value, i32)> {
    let repo = Sandbox::new();
    repo.write(".aiclear/config.yml", CONFIG);
    repo.write("scripts/ep1.fountain", NONE);
    repo.commit(APPROVER, "start");
    repo.git(&["checkout", "-q", "-b", "pr"]);
    let path = repo.path().join(OsStr::from_bytes(name));
    std::fs::write(&path, fountain(HERO)).unwrap();
    let mut out = Vec::new();
    let (r, c) = repo.check(&[]);
    out.push(("work tree", r, c));
    repo.git(&["add", "-A"]);
    let staged = repo.git_env(&["ls-files", "-z"], &[]).stdout;
    assert!(
        staged.split(|b| *b == 0).any(|p| p == name),
        "{:?} is not staged",
        String::from_utf8_lossy(name)
    );
    let (r, c) = repo.check(&["--staged"]);
    out.push(("staged", r, c));
    let added = repo.commit(WRITER, "ep103");
    let (r, c) = repo.range(&[]);
    out.push(("range", r, c));
    repo.write("scripts/ep1.fountain", NONE.replace("hums", "sparks"));
    repo.commit(WRITER, "ep1 polish");
    let (r, c) = repo.check(&["--base", &added, "--all"]);
    out.push(("--all", r, c));
    out
}

/// A script whose file name is not valid UTF-8 (`scripts/\xe9p103.fountain`),
/// in range, `--all`, work-tree and `--staged` checks.
#[test]
fn a_file_name_that_is_not_utf8_is_reported() {
    // Control: the same script under a valid name.
    for (what, report, code) in checks_of_a_new_script(b"scripts/ep103.fountain") {
        eprintln!("{what}:");
        expect_exit(&report, code, 1);
        expect(&report, "GA201", "scripts/ep103.fountain", "error");
    }
    // Attack: an ISO 8859-1 `é` in the name.
    for (what, report, code) in checks_of_a_new_script(b"scripts/\xe9p103.fountain") {
        eprintln!("{what}:");
        expect_exit(&report, code, 1);
        let d = expect(&report, "GA002", "scripts/\\xe9p103.fountain", "error");
        expect_in(d, "message", "UTF-8");
    }
}

/// The PR deletes a media file's sidecar while the media file stays.
#[test]
fn deleting_a_sidecar_leaves_its_media_file_undeclared() {
    let repo = Sandbox::new();
    repo.write(".aiclear/config.yml", CONFIG);
    repo.write("vfx/plates/a.exr", b"v/1\x01\x00\x00plate v1");
    repo.write("vfx/plates/a.exr.genai.yml", "genai: none\n");
    repo.commit(APPROVER, "plate a");

    // Control: the sidecar goes and the plate is re-exported.
    repo.git(&["checkout", "-q", "-b", "reexport"]);
    repo.remove("vfx/plates/a.exr.genai.yml");
    repo.write("vfx/plates/a.exr", b"v/1\x01\x00\x00plate v2");
    repo.commit(WRITER, "plate a v2");
    let (report, code) = repo.range(&[]);
    expect_exit(&report, code, 1);
    expect(&report, "GA001", "vfx/plates/a.exr", "error");

    // Attack: only the sidecar goes.
    repo.git(&["checkout", "-q", "-b", "pr", "main"]);
    repo.remove("vfx/plates/a.exr.genai.yml");
    repo.commit(WRITER, "tidy");
    assert_eq!(
        repo.git(&["diff", "--name-status", "main", "HEAD"]),
        "D\tvfx/plates/a.exr.genai.yml"
    );
    let (report, code) = repo.range(&[]);
    expect_exit(&report, code, 1);
    expect(&report, "GA001", "vfx/plates/a.exr", "error");
}

/// Upper- and mixed-case extensions (`EP103.FOUNTAIN`, `ep103.Fountain`,
/// `A.MOV` without a sidecar), and an approved script renamed to `.Fountain`
/// while its use is dropped.
#[test]
fn extensions_match_whatever_their_case() {
    let repo = Sandbox::new();
    repo.write(".aiclear/config.yml", CONFIG);
    repo.write("scripts/ep1.fountain", fountain(ARIA));
    repo.write(LEDGER, ENTRY);
    repo.commit(APPROVER, "start, with aria approved");
    let undeclared = "Title: EP103\n\nINT. RELAY STATION - NIGHT\n";

    // Control: lower-case names.
    repo.git(&["checkout", "-q", "-b", "lower"]);
    repo.write("scripts/ep103.fountain", undeclared);
    repo.write("vfx/plates/a.mov", b"\x00\x00\x00\x18ftypqt  ");
    repo.commit(WRITER, "ep103 and a plate");
    let (report, code) = repo.range(&[]);
    expect_exit(&report, code, 1);
    expect(&report, "GA001", "scripts/ep103.fountain", "error");
    expect(&report, "GA001", "vfx/plates/a.mov", "error");

    // Attack: the same under upper- and mixed-case names.
    repo.git(&["checkout", "-q", "-b", "upper", "main"]);
    repo.write("scripts/EP103.FOUNTAIN", undeclared);
    repo.write("scripts/ep103.Fountain", undeclared);
    repo.write("vfx/plates/A.MOV", b"\x00\x00\x00\x18ftypqt  ");
    repo.commit(WRITER, "EP103 and a plate");
    let (report, code) = repo.range(&[]);
    expect_exit(&report, code, 1);
    expect(&report, "GA001", "scripts/EP103.FOUNTAIN", "error");
    expect(&report, "GA001", "scripts/ep103.Fountain", "error");
    expect(&report, "GA001", "vfx/plates/A.MOV", "error");

    // The approved script renamed while `aria` is dropped: to another
    // `.fountain` name (the control), then to `.Fountain` (the attack).
    let rename = |to: &str| {
        repo.git(&["checkout", "-q", "-B", "rename", "main"]);
        repo.git(&["mv", "scripts/ep1.fountain", to]);
        repo.write(to, fountain(SIGNAGE));
        repo.commit(WRITER, "rename and drop aria");
        assert_eq!(
            repo.git(&["diff", "-M", "--name-status", "main", "HEAD"])
                .split('\t')
                .next()
                .unwrap()
                .chars()
                .next(),
            Some('R'),
            "git sees a rename"
        );
        repo.range(&[])
    };
    for to in ["scripts/ep101.fountain", "scripts/ep1.Fountain"] {
        eprintln!("renamed to {to}:");
        let (report, code) = rename(to);
        expect_exit(&report, code, 1);
        expect_where(&report, "GA603", "error", "for `aria`", |d| {
            text(d).contains("aria")
        });
    }
}

/// The config's `files.scripts` matches files no reader understands
/// (`drafts/**/*.txt`, `**/*.fdx`): they need a sidecar like media.
#[test]
fn a_glob_matching_files_without_a_reader_needs_a_sidecar() {
    let repo = Sandbox::new();
    repo.write(
        ".aiclear/config.yml",
        format!(
            "{CONFIG}files:\n  scripts: [\"**/*.fountain\", \"drafts/**/*.txt\", \"**/*.fdx\"]\n"
        ),
    );
    repo.write("scripts/ep1.fountain", NONE);
    repo.commit(APPROVER, "start");

    // Control: an undeclared file the globs match and a reader reads.
    repo.git(&["checkout", "-q", "-b", "fountain"]);
    repo.write(
        "drafts/ep103/outline.fountain",
        "Title: EP103\n\nINT. ROOM\n",
    );
    repo.commit(WRITER, "outline");
    let (report, code) = repo.range(&[]);
    expect_exit(&report, code, 1);
    expect(&report, "GA001", "drafts/ep103/outline.fountain", "error");

    // Attack: undeclared files of extensions no reader reads.
    repo.git(&["checkout", "-q", "-b", "pr", "main"]);
    repo.write(
        "drafts/ep103/outline.txt",
        "EP103 outline: ARIA is rendered.\n",
    );
    repo.write(
        "scripts/ep103.fdx",
        "<?xml version=\"1.0\"?>\n<FinalDraft/>\n",
    );
    repo.commit(WRITER, "outline and Final Draft export");
    for (report, code) in [repo.range(&[]), repo.check(&[])] {
        expect_exit(&report, code, 1);
        expect(&report, "GA001", "drafts/ep103/outline.txt", "error");
        expect(&report, "GA001", "scripts/ep103.fdx", "error");
    }
}

fn otio(metadata_genai: &str, top_genai: Option<&str>) -> String {
    let top = top_genai.map_or(String::new(), |g| format!(",\n  \"genai\": {g}"));
    format!(
        "{{\n  \"OTIO_SCHEMA\": \"Timeline.1\",\n  \"name\": \"EP103\",\n  \"metadata\": {{ \"genai\": {metadata_genai} }}{top}\n}}\n"
    )
}

const HERO_JSON: &str = r#"{ "disclosed": { "to": "Mei Chen", "on": "2025-09-02" }, "uses": [ { "id": "hero", "stage": "final", "output": "image", "elements": ["main-character"], "tools": [ { "name": "Imagen 4", "enterprise": true, "trains-on-inputs": false } ], "human-input": "the designer repainted every frame" } ] }"#;

/// A second declaration in one file: an OTIO timeline with
/// `metadata.genai: none` and a top-level `genai` with uses; a Fountain
/// script with `genai: none` after the title page and a second boneyard
/// declaration block.
#[test]
fn a_second_declaration_in_a_file_is_malformed() {
    let repo = Sandbox::new();
    repo.write(".aiclear/config.yml", CONFIG);
    repo.write("scripts/ep1.fountain", NONE);
    repo.commit(APPROVER, "start");

    // Control: `hero` declared openly, in the one declaration.
    repo.git(&["checkout", "-q", "-b", "open"]);
    repo.write("edit/ep103.otio", otio(HERO_JSON, None));
    repo.write("scripts/ep103.fountain", fountain(HERO));
    repo.commit(WRITER, "ep103");
    for (report, code) in [repo.range(&[]), repo.check(&[])] {
        expect_exit(&report, code, 1);
        expect(&report, "GA201", "edit/ep103.otio", "error");
        expect(&report, "GA201", "scripts/ep103.fountain", "error");
    }

    // Attack: `genai: none` first, `hero` in a second declaration.
    repo.git(&["checkout", "-q", "-b", "pr", "main"]);
    repo.write("edit/ep103.otio", otio("\"none\"", Some(HERO_JSON)));
    let second = format!(
        "{NONE}\n/*\n---\ngenai:\n  disclosed: {{ to: \"Mei Chen\", on: 2025-09-02 }}\n  uses:\n{HERO}---\n*/\n\nEXT. ROOF - DAWN\n"
    );
    repo.write("scripts/ep103.fountain", &second);
    repo.commit(WRITER, "ep103");
    let json: Value = serde_json::from_str(&repo.show("HEAD", "edit/ep103.otio")).unwrap();
    assert_eq!(json["metadata"]["genai"], "none");
    assert_eq!(json["genai"]["uses"][0]["id"], "hero");
    for (report, code) in [repo.range(&[]), repo.check(&[])] {
        expect_exit(&report, code, 1);
        for path in ["edit/ep103.otio", "scripts/ep103.fountain"] {
            let d = expect(&report, "GA002", path, "error");
            expect_in(d, "message", "a second declaration");
        }
    }
}

/// The PR deletes a script that declared uses and adds a rewritten one under
/// another name, different enough that git sees no rename.
#[test]
fn a_deleted_script_with_uses_is_reported() {
    let repo = Sandbox::new();
    repo.write(".aiclear/config.yml", CONFIG);
    repo.write(
        "scripts/ep1.fountain",
        fountain(&format!("{ARIA}{SIGNAGE}")),
    );
    repo.commit(APPROVER, "start");

    // Control: a rename that drops `aria`.
    repo.git(&["checkout", "-q", "-b", "rename"]);
    repo.git(&["mv", "scripts/ep1.fountain", "scripts/ep101.fountain"]);
    repo.write("scripts/ep101.fountain", fountain(SIGNAGE));
    repo.commit(WRITER, "rename and drop aria");
    let (report, code) = repo.range(&[]);
    expect_exit(&report, code, 1);
    expect_where(&report, "GA603", "error", "for `aria`", |d| {
        text(d).contains("aria")
    });

    // Attack: delete and rewrite from scratch.
    repo.git(&["checkout", "-q", "-b", "pr", "main"]);
    repo.remove("scripts/ep1.fountain");
    repo.write(
        "scripts/pilot-rewrite.fountain",
        "Title: NIGHT RELAY\nCredit: written by\nAuthor: D. Writer\nDraft date: 2025-10-02\n\n/*\n---\ngenai: none\n---\n*/\n\nEXT. HARBOUR - DAWN\n\nGulls over grey water. A FERRY docks.\n\nMARA\nWe were never here.\n",
    );
    repo.commit(WRITER, "pilot, rewritten");
    let status = repo.git(&["diff", "-M", "--name-status", "main", "HEAD"]);
    assert_eq!(
        status,
        "D\tscripts/ep1.fountain\nA\tscripts/pilot-rewrite.fountain"
    );
    let (report, code) = repo.range(&[]);
    expect_exit(&report, code, 0);
    expect_no(&report, "GA603", "error");
    let d = expect_where(
        &report,
        "GA603",
        "warning",
        "for the deleted script",
        |_| true,
    );
    for needle in ["aria", "relay-signage", "retire"] {
        expect_text(d, needle);
    }
}

/// A writer who is not an approver writes a ledger entry naming Mei as
/// `granted-by` and commits it: the local checks and the report must not
/// trust it.
#[test]
fn a_self_granted_approval_is_not_valid_in_local_checks() {
    let repo = Sandbox::new();
    let aria = ARIA.replace("      tools:", "      approvals: [NFX-1]\n      tools:");
    repo.write(".aiclear/config.yml", CONFIG);
    repo.write("scripts/ep1.fountain", fountain(&aria));
    repo.write("notes/todo.txt", "cast the lead\n");
    let base = repo.commit(APPROVER, "start");
    repo.write(LEDGER, ENTRY);
    repo.commit(WRITER, "approve aria (by hand)");
    assert_eq!(
        repo.git(&["log", "-1", "--format=%ae", "--", LEDGER]),
        WRITER.1
    );

    // Control: the range check of that commit.
    let (report, code) = repo.check(&["--base", &base]);
    expect_exit(&report, code, 1);
    expect(&report, "GA601", LEDGER, "error");
    expect(&report, "GA201", "scripts/ep1.fountain", "error");

    // Attack: the work tree and the index, where the entry is committed.
    let (report, code) = repo.check(&["--no-cache"]);
    expect_exit(&report, code, 1);
    expect(&report, "GA601", LEDGER, "error");
    expect(&report, "GA201", "scripts/ep1.fountain", "error");

    // The pre-commit hook, for a change to the script that relies on it.
    repo.write(
        "scripts/ep1.fountain",
        format!("{}\nEXT. ROOF - DAWN\n", fountain(&aria)),
    );
    repo.git(&["add", "scripts/ep1.fountain"]);
    let (report, code) = repo.check(&["--staged"]);
    expect_exit(&report, code, 1);
    expect(&report, "GA601", LEDGER, "error");

    let register = repo.report(&[]);
    let row = register["uses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == "aria")
        .unwrap_or_else(|| panic!("no `aria` in {register:#}"));
    assert_eq!(row["approvals"][0]["id"], "NFX-1", "{row:#}");
    expect_eq(&row["approvals"][0]["state"], "unauthorised", row);
    expect_ne(&row["status"], "clear", row);
}

/// `--head` (and `--base`) naming a tree or a blob instead of a commit.
#[test]
fn a_revision_that_is_not_a_commit_is_a_usage_error() {
    let repo = Sandbox::new();
    repo.write(".aiclear/config.yml", CONFIG);
    repo.write("scripts/ep1.fountain", NONE);
    repo.commit(APPROVER, "start");
    repo.write("scripts/ep2.fountain", NONE);
    repo.commit(WRITER, "ep2");
    let tree = repo.git(&["rev-parse", "HEAD^{tree}"]);
    let blob = repo.git(&["rev-parse", "HEAD:scripts/ep1.fountain"]);
    assert_eq!(repo.git(&["cat-file", "-t", &tree]), "tree");
    assert_eq!(repo.git(&["cat-file", "-t", &blob]), "blob");

    // Control: a real head passes; one that names nothing is refused.
    let out = repo.aiclear(&["check", "--base", "HEAD~1", "--head", "HEAD"]);
    expect_run(&out, 0, "");
    let out = repo.aiclear(&["check", "--base", "HEAD~1", "--head", "no-such-branch"]);
    expect_run(&out, 3, "no-such-branch");

    // Attack: a tree or a blob as the head (or the base).
    for (flag, rev) in [
        ("--head", "HEAD^{tree}"),
        ("--head", tree.as_str()),
        ("--head", blob.as_str()),
        ("--base", "HEAD^{tree}"),
        ("--base", blob.as_str()),
    ] {
        let args: Vec<&str> = match flag {
            "--head" => vec!["check", "--base", "HEAD~1", "--head", rev],
            _ => vec!["check", "--base", rev],
        };
        eprintln!("{flag} {rev}:");
        expect_run(&repo.aiclear(&args), 2, "not a commit");
    }
}

/// `require-signed-approvals` is turned on after Mei committed an unsigned
/// approval: a PR touching the ledger, a PR touching only the covered script
/// and the work tree all rely on it; once Mei re-grants it in a signed commit
/// it passes.
#[test]
fn an_approval_granted_before_signatures_were_required_must_be_regranted() {
    let repo = Sandbox::new();
    let mei = repo.keygen("mei");
    repo.write(".aiclear/config.yml", CONFIG);
    repo.write(".aiclear/allowed_signers", signers(&mei));
    repo.write("scripts/ep1.fountain", fountain(ARIA));
    let start = repo.commit(APPROVER, "start");
    repo.write(LEDGER, ENTRY);
    let unsigned = repo.commit(APPROVER, "approve aria");
    assert_eq!(repo.git(&["log", "-1", "--format=%G?", &unsigned]), "N");
    let (report, code) = repo.check(&["--base", &start]);
    expect_exit(&report, code, 0);
    repo.write(".aiclear/config.yml", SIGNED_CONFIG);
    repo.commit_signed(APPROVER, &mei, "require signed approvals");

    // Control: an approval committed unsigned after the requirement.
    repo.git(&["checkout", "-q", "-b", "late"]);
    repo.write("scripts/ep2.fountain", fountain(HERO));
    repo.write(
        LEDGER,
        format!("{ENTRY}- id: NFX-2\n  granted-by: mei.chen@netflix.example.com\n  granted-on: 2025-10-02\n  covers:\n    - {{ path: scripts/ep2.fountain, use: hero }}\n"),
    );
    repo.commit(APPROVER, "approve hero");
    let (report, code) = repo.range(&[]);
    expect_exit(&report, code, 1);
    expect(&report, "GA602", LEDGER, "error");
    expect(&report, "GA201", "scripts/ep2.fountain", "error");

    // Attack: PRs that rely on the old unsigned entry.
    repo.git(&["checkout", "-q", "-b", "ledger-touch", "main"]);
    repo.write(LEDGER, format!("# Approvals of THE LAST SIGNAL\n{ENTRY}"));
    repo.commit(WRITER, "a heading for the ledger");
    let touched_ledger = repo.range(&[]);
    repo.git(&["checkout", "-q", "-b", "script-only", "main"]);
    repo.write(
        "scripts/ep1.fountain",
        format!("{}\nThe relay goes dark.\n", fountain(ARIA)),
    );
    repo.commit(WRITER, "ep1: one more line");
    assert_eq!(
        repo.git(&["diff", "--name-only", "main", "HEAD"]),
        "scripts/ep1.fountain"
    );
    let touched_script = repo.range(&[]);
    let work_tree = repo.check(&["--no-cache"]);
    for (what, (report, code)) in [
        ("PR touching the ledger", touched_ledger),
        ("PR touching the script", touched_script),
        ("work tree", work_tree),
    ] {
        eprintln!("{what}:");
        expect_exit(&report, code, 1);
        let d = expect(&report, "GA602", LEDGER, "error");
        expect_in(d, "help", "aiclear approve --renew");
        expect_in(d, "help", "git commit -S");
        expect(&report, "GA201", "scripts/ep1.fountain", "error");
    }

    // Mei re-grants it, signed.
    repo.write(LEDGER, ENTRY.replace("2025-09-05", "2025-10-06"));
    let regrant = repo.commit_signed(APPROVER, &mei, "re-grant NFX-1, signed");
    assert!(repo.signature_is_good(&regrant, &signers(&mei)));
    for (what, (report, code)) in [
        ("range", repo.range(&[])),
        ("work tree", repo.check(&["--no-cache"])),
    ] {
        eprintln!("{what}:");
        expect_clean(&report, code);
    }
}
