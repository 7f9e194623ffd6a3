//! Range checks over real repositories: who granted an approval, whether a
//! use was quietly removed, temp material that lingers, AI trailers, renames,
//! merges, shallow clones and bare repositories.

mod common;

use common::git::*;
use common::*;

const CONFIG: &str = "approvers:\n  - { email: mei.chen@netflix.example.com, name: Mei Chen }\n";

fn script(uses: &str) -> String {
    format!(
        "Title: THE LAST SIGNAL\nAuthor: Dana Writer\n\n/*\n---\ngenai:\n  disclosed: {{ to: \"Mei Chen\", on: 2025-09-02 }}\n  uses:\n{uses}---\n*/\n\nINT. RELAY STATION - NIGHT\n"
    )
}

const ARIA: &str = "    - id: aria\n      stage: previs\n      output: image\n      elements: [main-character]\n      tools: [{ name: \"Imagen 4\", enterprise: true, trains-on-inputs: false }]\n";
const SIGN: &str = "    - id: sign\n      stage: ideation\n      output: image\n      tools: [{ name: \"Imagen 4\", enterprise: true, trains-on-inputs: false }]\n";

const LEDGER: &str = "- id: NFX-1\n  granted-by: mei.chen@netflix.example.com\n  granted-on: 2025-09-05\n  covers:\n    - { path: scripts/ep1.fountain, use: aria, rules: [GA201] }\n";

/// A repository whose first commit has the config and a script with `aria`.
fn production() -> (TestRepo, String) {
    let repo = TestRepo::new();
    repo.write(".aiclear/config.yml", CONFIG);
    repo.write("scripts/ep1.fountain", &script(ARIA));
    let base = repo.commit(APPROVER, "start the pilot");
    (repo, base)
}

fn range(repo: &TestRepo, base: &str) -> (serde_json::Value, i32) {
    check_json(repo.path(), &["--base", base])
}

#[test]
fn an_approval_committed_by_an_approver_clears_the_finding() {
    let (repo, base) = production();
    repo.write(".aiclear/approvals.yml", LEDGER);
    repo.commit(APPROVER, "approve ARIA");
    let (report, code) = range(&repo, &base);
    assert_eq!(codes(&report), Vec::<String>::new(), "{report:#}");
    assert_eq!(code, 0);
    assert_eq!(report["summary"]["history"]["approvals_traced"], 1);
    assert_eq!(report["summary"]["history"]["commits"], 1);
}

#[test]
fn a_writer_who_forges_granted_by_gains_nothing() {
    let (repo, base) = production();
    repo.write(".aiclear/approvals.yml", LEDGER);
    repo.commit(WRITER, "approve ARIA (forged)");
    let (report, code) = range(&repo, &base);
    assert_eq!(code, 1);
    assert_eq!(codes(&report), ["GA601", "GA201"], "{report:#}");
    let ga601 = &report["diagnostics"][0];
    assert_eq!(ga601["path"], ".aiclear/approvals.yml");
    assert!(
        ga601["message"]
            .as_str()
            .unwrap()
            .contains("writer@lastsignal.example.com")
    );
    assert!(ga601["notes"].to_string().contains("proves nothing"));
}

#[test]
fn an_approver_reformatting_is_fine_but_a_writer_widening_an_entry_is_not() {
    let (repo, base) = production();
    repo.write(".aiclear/approvals.yml", LEDGER);
    repo.commit(APPROVER, "approve ARIA");
    // Reordered and reformatted by a writer: the same content, still the approver's.
    repo.write(
        ".aiclear/approvals.yml",
        "# ledger\n- covers:\n  - path: scripts/ep1.fountain\n    rules: [GA201]\n    use: aria\n  granted-on: 2025-09-05\n  granted-by: mei.chen@netflix.example.com\n  id: NFX-1\n",
    );
    repo.commit(WRITER, "tidy the ledger");
    let (report, code) = range(&repo, &base);
    assert_eq!((codes(&report), code), (vec![], 0), "{report:#}");
    // Widened by the writer: now the writer's entry.
    repo.write(
        ".aiclear/approvals.yml",
        &LEDGER.replace("rules: [GA201]", "rules: []"),
    );
    repo.commit(WRITER, "widen");
    let (report, code) = range(&repo, &base);
    assert_eq!(
        (codes(&report), code),
        (vec!["GA601".to_owned(), "GA201".to_owned()], 1),
        "{report:#}"
    );
}

#[test]
fn a_later_edit_makes_a_digest_bound_approval_stale() {
    let (repo, base) = production();
    // The digest of `aria` as first committed, taken from a stale report.
    repo.write(
        ".aiclear/approvals.yml",
        &LEDGER.replace("rules: [GA201] }", "rules: [GA201], digest: \"sha256:0000000000000000000000000000000000000000000000000000000000000000\" }"),
    );
    repo.commit(APPROVER, "approve");
    let (report, _) = range(&repo, &base);
    let note = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "GA504")
        .map(|d| d["notes"].to_string())
        .unwrap();
    let digest = note.split("current digest ").nth(1).unwrap()[..71].to_owned();
    repo.write(
        ".aiclear/approvals.yml",
        &LEDGER.replace(
            "rules: [GA201] }",
            &format!("rules: [GA201], digest: \"{digest}\" }}"),
        ),
    );
    repo.commit(APPROVER, "approve with the right digest");
    let (report, code) = range(&repo, &base);
    assert_eq!((codes(&report), code), (vec![], 0), "{report:#}");
    // The writer changes the use after approval.
    repo.write(
        "scripts/ep1.fountain",
        &script(&ARIA.replace("previs", "temp")),
    );
    repo.commit(WRITER, "aria is temp now");
    let (report, code) = range(&repo, &base);
    assert_eq!(code, 1);
    assert!(codes(&report).contains(&"GA504".to_owned()), "{report:#}");
    assert!(codes(&report).contains(&"GA201".to_owned()), "{report:#}");
}

#[test]
fn adding_yourself_as_an_approver_in_the_same_change_gains_nothing() {
    let (repo, base) = production();
    repo.write(
        ".aiclear/config.yml",
        "approvers:\n  - { email: mei.chen@netflix.example.com }\n  - { email: writer@lastsignal.example.com }\n",
    );
    repo.write(
        ".aiclear/approvals.yml",
        &LEDGER.replace("mei.chen@netflix", "writer@lastsignal"),
    );
    repo.commit(WRITER, "I approve myself");
    let (report, code) = range(&repo, &base);
    assert_eq!(code, 1);
    assert_eq!(codes(&report), ["GA601", "GA605", "GA201"], "{report:#}");
    assert_eq!(report["diagnostics"][1]["severity"], "warning");
    assert_eq!(report["diagnostics"][1]["path"], ".aiclear/config.yml");
}

#[test]
fn a_removed_use_needs_a_retired_record() {
    let (repo, base) = production();
    repo.write("scripts/ep1.fountain", &script(SIGN));
    repo.commit(WRITER, "drop aria");
    let (report, code) = range(&repo, &base);
    assert_eq!(
        (codes(&report), code),
        (vec!["GA603".to_owned()], 1),
        "{report:#}"
    );
    assert!(
        report["diagnostics"][0]["message"]
            .as_str()
            .unwrap()
            .contains("`aria`")
    );

    // A whole declaration switched to `genai: none` is a removal too.
    repo.write(
        "scripts/ep1.fountain",
        "Title: X\n\n/*\n---\ngenai: none\n---\n*/\n",
    );
    repo.commit(WRITER, "no AI at all");
    let (report, _) = range(&repo, &base);
    assert_eq!(codes(&report), ["GA603"], "{report:#}");

    // With a `retired` record it is fine.
    repo.write(
        "scripts/ep1.fountain",
        "Title: X\n\n/*\n---\ngenai:\n  uses: []\n  retired:\n    - { id: aria, reason: \"redesigned by hand\", on: 2025-10-01 }\n---\n*/\n",
    );
    repo.commit(WRITER, "retire aria");
    let (report, code) = range(&repo, &base);
    assert_eq!((codes(&report), code), (vec![], 0), "{report:#}");
}

#[test]
fn renames_are_followed_and_deleted_files_are_not_removals() {
    let (repo, base) = production();
    repo.git(&["mv", "scripts/ep1.fountain", "scripts/ep101.fountain"]);
    repo.write("scripts/ep101.fountain", &script(SIGN));
    repo.commit(WRITER, "rename and drop aria");
    let (report, _) = range(&repo, &base);
    assert_eq!(codes(&report), ["GA603"], "{report:#}");
    assert!(
        report["diagnostics"][0]["notes"]
            .to_string()
            .contains("renamed from `scripts/ep1.fountain`")
    );

    // Deleted with its uses: a warning that lists them, not an error.
    let (repo, base) = production();
    repo.remove("scripts/ep1.fountain");
    repo.commit(WRITER, "cut the scene");
    let (report, code) = range(&repo, &base);
    assert_eq!(
        (codes(&report), code),
        (vec!["GA603".to_owned()], 0),
        "{report:#}"
    );
    let d = &report["diagnostics"][0];
    assert_eq!(d["severity"], "warning");
    assert_eq!(d["path"], "scripts/ep1.fountain");
    assert!(d["message"].as_str().unwrap().contains("`aria`"), "{d:#}");
}

#[test]
fn ai_trailers_on_files_that_declare_nothing() {
    let (repo, base) = production();
    repo.write(
        "scripts/ep2.fountain",
        "Title: EP2\n\n/*\n---\ngenai: none\n---\n*/\n\nINT. ROOM\n",
    );
    repo.commit(WRITER, "ep2 draft\n\nAssisted-by: Claude:claude-opus-4");
    repo.write(
        "scripts/ep1.fountain",
        &format!("{}\nMore.\n", script(ARIA)),
    );
    repo.commit(
        WRITER,
        "ep1 polish\n\nCo-authored-by: GitHub Copilot <copilot@github.com>",
    );
    let (report, code) = range(&repo, &base);
    // ep1 declares a use; ep2 declares none. The unapproved GA201 stays on ep1.
    assert_eq!(code, 1);
    let ga607: Vec<_> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "GA607")
        .collect();
    assert_eq!(ga607.len(), 1, "{report:#}");
    assert_eq!(ga607[0]["path"], "scripts/ep2.fountain");
    assert!(
        ga607[0]["notes"]
            .to_string()
            .contains("Assisted-by: Claude:claude-opus-4")
    );
}

#[test]
fn merges_and_the_initial_commit() {
    let (repo, base) = production();
    repo.git(&["checkout", "-q", "-b", "approvals"]);
    repo.write(".aiclear/approvals.yml", LEDGER);
    repo.commit(APPROVER, "approve on a branch");
    repo.git(&["checkout", "-q", "main"]);
    repo.write(
        "scripts/ep2.fountain",
        "Title: EP2\n\n/*\n---\ngenai: none\n---\n*/\n",
    );
    repo.commit(WRITER, "ep2");
    repo.commit_with(WRITER, "merge approvals", &[]);
    repo.git(&[
        "merge",
        "-q",
        "--no-ff",
        "-m",
        "merge approvals",
        "approvals",
    ]);
    // The merge commit is the writer's, but the entry came from the approver.
    let (report, code) = range(&repo, &base);
    assert_eq!((codes(&report), code), (vec![], 0), "{report:#}");

    // From the initial commit with `--all`: every file at head.
    let (report, code) = check_json(repo.path(), &["--base", &base, "--all"]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["summary"]["files_checked"], 2);
}

#[test]
fn old_temp_material_warns() {
    let repo = TestRepo::new();
    repo.set_clock(1_600_000_000); // 2020
    repo.write(".aiclear/config.yml", CONFIG);
    repo.write("scripts/ep1.fountain", &script(SIGN));
    let base = repo.commit(WRITER, "temp sign");
    repo.write(
        "scripts/ep1.fountain",
        &format!("{}\nMore.\n", script(SIGN)),
    );
    repo.commit(WRITER, "more");
    let (report, code) = range(&repo, &base);
    assert_eq!(code, 0, "warnings only: {report:#}");
    assert_eq!(codes(&report), ["GA604"]);
    let d = &report["diagnostics"][0];
    assert_eq!(d["severity"], "warning");
    // The newest commit before the 90-day window already declared it.
    assert!(
        d["message"].to_string().contains("more than 90 days"),
        "{d:#}"
    );
    let notes: Vec<&str> = d["notes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|n| n.as_str())
        .collect();
    assert!(
        notes
            .iter()
            .any(|n| n.contains("already declared in commit") && n.contains("\"more\"")),
        "{d:#}"
    );
}

/// Only the window of the age limit counts: a use introduced inside it is
/// young however old the file, and one that was already there before it
/// lingers however many commits changed the file since.
#[test]
fn temp_material_is_judged_by_the_commits_of_the_window() {
    let repo = TestRepo::new();
    let day = 86_400;
    let now = jiff::Timestamp::now().as_second();
    repo.set_clock(now - 400 * day);
    repo.write(".aiclear/config.yml", CONFIG);
    repo.write("scripts/ep1.fountain", &script(ARIA));
    repo.write("scripts/ep2.fountain", &script(SIGN));
    let base = repo.commit(WRITER, "old scripts");
    // Ten days ago: `sign` joins ep1, and ep2 gets new pages.
    repo.set_clock(now - 10 * day);
    repo.write("scripts/ep1.fountain", &script(&format!("{ARIA}{SIGN}")));
    repo.write(
        "scripts/ep2.fountain",
        &format!("{}\nMore pages.\n", script(SIGN)),
    );
    repo.commit(WRITER, "new temp sign in ep1");
    let (report, _) = range(&repo, &base);
    let lingering: Vec<(String, String)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "GA604")
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_owned(),
                d["message"].to_string(),
            )
        })
        .collect();
    // ep1's `aria` (previs, 400 days) and ep2's `sign` linger; ep1's `sign`
    // is ten days old.
    assert_eq!(lingering.len(), 2, "{report:#}");
    assert!(lingering[0].0 == "scripts/ep1.fountain" && lingering[0].1.contains("`aria`"));
    assert!(lingering[1].0 == "scripts/ep2.fountain" && lingering[1].1.contains("`sign`"));
}

#[test]
fn a_shallow_clone_or_a_missing_base_exits_3() {
    let (repo, base) = production();
    repo.write(
        "scripts/ep2.fountain",
        "Title: EP2\n\n/*\n---\ngenai: none\n---\n*/\n",
    );
    repo.commit(WRITER, "ep2");
    let shallow = repo.clone_to(&["--depth", "1"]);
    let clone = shallow.path().join("clone");
    let out = run(&clone, &["check", "--base", &base]);
    assert_eq!(out.status.code(), Some(3));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("error[GA606]"), "{stdout}");
    assert!(stdout.contains("fetch-depth: 0"), "{stdout}");

    let out = run(repo.path(), &["check", "--base", "no-such-branch"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stdout).contains("git fetch origin no-such-branch"));
}

#[test]
fn works_in_a_bare_repository() {
    let (repo, base) = production();
    repo.write(".aiclear/approvals.yml", LEDGER);
    repo.commit(WRITER, "forged");
    let bare = repo.clone_to(&["--bare"]);
    let (report, code) = check_json(&bare.path().join("clone"), &["--base", &base]);
    assert_eq!(code, 1);
    assert_eq!(codes(&report), ["GA601", "GA201"], "{report:#}");
}

#[test]
fn a_pending_approval_is_a_warning_before_the_commit() {
    let (repo, _) = production();
    repo.write(".aiclear/approvals.yml", LEDGER);
    let (report, code) = check_json(repo.path(), &[]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(codes(&report), ["GA601"]);
    assert_eq!(report["diagnostics"][0]["severity"], "warning");
}

#[test]
fn human_output_ends_with_what_was_verified() {
    let (repo, base) = production();
    repo.write(".aiclear/approvals.yml", LEDGER);
    repo.commit(APPROVER, "approve ARIA");
    let out = run(repo.path(), &["check", "--base", &base]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.trim_end().ends_with("1 approval traced"), "{stdout}");
    assert!(stdout.contains("verified 1 commit "), "{stdout}");
}

/// An SSH key made by `ssh-keygen`: (private key path, public key line).
fn keygen(dir: &std::path::Path, name: &str) -> (String, String) {
    let key = dir.join(name);
    common::tools::ensure_command("ssh-keygen", "openssh-client");
    let out = std::process::Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", name, "-f"])
        .arg(&key)
        .output()
        .expect("ssh-keygen runs");
    assert!(out.status.success());
    let public = std::fs::read_to_string(key.with_extension("pub")).unwrap();
    (key.to_str().unwrap().to_owned(), public.trim().to_owned())
}

fn signed(key: &str) -> Vec<String> {
    vec![
        "-S".into(),
        "-c".into(),
        "gpg.format=ssh".into(),
        "-c".into(),
        format!("user.signingkey={key}"),
    ]
}

#[test]
fn signed_approvals_when_required() {
    let keys = tempfile::tempdir().unwrap();
    let (mei_key, mei_pub) = keygen(keys.path(), "mei");
    let (other_key, other_pub) = keygen(keys.path(), "other");
    let (stray_key, _) = keygen(keys.path(), "stray");

    let repo = TestRepo::new();
    repo.write(
        ".aiclear/config.yml",
        "require-signed-approvals: true\napprovers:\n  - { email: mei.chen@netflix.example.com }\n  - { email: other@netflix.example.com }\n",
    );
    repo.write(
        ".aiclear/allowed_signers",
        &format!("mei.chen@netflix.example.com namespaces=\"git\" {mei_pub}\nother@netflix.example.com {other_pub}\n"),
    );
    repo.write("scripts/ep1.fountain", &script(ARIA));
    let base = repo.commit(APPROVER, "start");

    let approve = |key: Option<&str>| {
        repo.write(".aiclear/approvals.yml", LEDGER);
        repo.git(&["add", "-A"]);
        let mut args: Vec<String> =
            vec!["commit".into(), "-q".into(), "-m".into(), "approve".into()];
        args.push(format!("--author={} <{}>", APPROVER.0, APPROVER.1));
        let mut cfg: Vec<String> = Vec::new();
        if let Some(k) = key {
            cfg = signed(k);
        }
        // `-c` options go before the subcommand; `-S` after it.
        let mut all: Vec<String> = cfg.iter().filter(|a| *a != "-S").cloned().collect();
        all.extend(args);
        if key.is_some() {
            all.push("-S".into());
        }
        let refs: Vec<&str> = all.iter().map(String::as_str).collect();
        repo.git(&refs);
    };

    // Signed with Mei's own key: good.
    approve(Some(&mei_key));
    let (report, code) = range(&repo, &base);
    assert_eq!((codes(&report), code), (vec![], 0), "{report:#}");
    assert_eq!(report["summary"]["history"]["signatures_verified"], 1);

    // The same commit amended without a signature.
    repo.git(&["commit", "-q", "--amend", "--no-edit", "--no-gpg-sign"]);
    let (report, _) = range(&repo, &base);
    assert_eq!(codes(&report), ["GA602", "GA201"], "{report:#}");
    assert!(
        report["diagnostics"][0]["message"]
            .as_str()
            .unwrap()
            .contains("is not signed")
    );

    // Signed by another approver's key: git calls it good, aiclear does not.
    repo.git(&["reset", "-q", "--hard", &base]);
    approve(Some(&other_key));
    let (report, _) = range(&repo, &base);
    assert_eq!(codes(&report), ["GA602", "GA201"], "{report:#}");
    assert!(
        report["diagnostics"][0]["message"]
            .as_str()
            .unwrap()
            .contains("listed for"),
        "{report:#}"
    );

    // Signed by a key nobody listed.
    repo.git(&["reset", "-q", "--hard", &base]);
    approve(Some(&stray_key));
    let (report, _) = range(&repo, &base);
    assert_eq!(codes(&report), ["GA602", "GA201"], "{report:#}");
    assert!(
        report["diagnostics"][0]["message"]
            .as_str()
            .unwrap()
            .contains("not in `.aiclear/allowed_signers`")
    );
}

/// A range reads a committed symbolic link's target from the same commit,
/// not the link's own text.
#[cfg(unix)]
#[test]
fn a_committed_symbolic_link_is_followed_in_the_commit() {
    let repo = TestRepo::new();
    repo.write(".aiclear/config.yml", CONFIG);
    let base = repo.commit(WRITER, "config");
    repo.write(
        "scripts/ep1.fountain",
        "Title: X\n\n/*\n---\ngenai: none\n---\n*/\n",
    );
    std::os::unix::fs::symlink("ep1.fountain", repo.path().join("scripts/current.fountain"))
        .unwrap();
    repo.commit(WRITER, "ep1 and a link to it");
    // The work tree's copy is broken: the range must read the commit's.
    repo.write("scripts/ep1.fountain", "Title: X\n");
    let (report, code) = range(&repo, &base);
    assert_eq!((codes(&report), code), (vec![], 0), "{report:#}");
    assert_eq!(report["summary"]["files_checked"], 2, "{report:#}");
}
