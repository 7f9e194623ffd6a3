//! `aiclear check --staged` reads what git is about to commit: the index, or
//! the temporary index of `git commit -a` and `git commit PATH`.

mod common;

use std::path::Path;

use common::*;

fn git(dir: &Path, args: &[&str]) -> std::process::Output {
    common::isolation::git(dir)
        .args(args)
        .env("GIT_AUTHOR_DATE", "2025-09-01T10:00:00Z")
        .env("GIT_COMMITTER_DATE", "2025-09-01T10:00:00Z")
        .output()
        .unwrap()
}

fn git_ok(dir: &Path, args: &[&str]) {
    let out = git(dir, args);
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

const CLEAN: &str = "Title: X\n\n/*\n---\ngenai: none\n---\n*/\n\nINT. ROOM - DAY\n";
const BAD: &str = "Title: X\n\nINT. ROOM - DAY\n";

fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git_ok(dir.path(), &["init", "-q", "-b", "main"]);
    git_ok(dir.path(), &["config", "user.email", "writer@example.com"]);
    git_ok(dir.path(), &["config", "user.name", "A Writer"]);
    git_ok(dir.path(), &["config", "commit.gpgsign", "false"]);
    dir
}

#[test]
fn staged_content_not_the_work_tree() {
    let dir = repo();
    write(dir.path(), "scripts/ep1.fountain", CLEAN);
    git_ok(dir.path(), &["add", "."]);
    // The work tree is broken but the index is clean.
    write(dir.path(), "scripts/ep1.fountain", BAD);
    let (report, code) = check_json(dir.path(), &["--staged"]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["summary"]["files_checked"], 1);
    let (report, code) = check_json(dir.path(), &[]);
    assert_eq!((codes(&report), code), (vec!["GA001".to_owned()], 1));

    // And the other way round.
    git_ok(dir.path(), &["add", "."]);
    write(dir.path(), "scripts/ep1.fountain", CLEAN);
    let (report, code) = check_json(dir.path(), &["--staged"]);
    assert_eq!((codes(&report), code), (vec!["GA001".to_owned()], 1));
}

#[test]
fn only_staged_paths_and_not_deleted_ones() {
    let dir = repo();
    write(dir.path(), "scripts/old.fountain", BAD);
    git_ok(dir.path(), &["add", "."]);
    git_ok(dir.path(), &["commit", "-qm", "old"]);
    // An unchanged bad file is not the commit's business; a deleted one is skipped.
    write(dir.path(), "scripts/new.fountain", CLEAN);
    git_ok(dir.path(), &["add", "scripts/new.fountain"]);
    let (report, code) = check_json(dir.path(), &["--staged"]);
    assert_eq!(
        (report["summary"]["files_checked"].as_u64(), code),
        (Some(1), 0),
        "{report:#}"
    );
    git_ok(dir.path(), &["rm", "-q", "scripts/old.fountain"]);
    let (report, code) = check_json(dir.path(), &["--staged"]);
    assert_eq!(
        (report["summary"]["files_checked"].as_u64(), code),
        (Some(1), 0),
        "{report:#}"
    );
}

#[test]
fn empty_repository_with_staged_files() {
    let dir = repo();
    write(dir.path(), "scripts/ep1.fountain", BAD);
    git_ok(dir.path(), &["add", "."]);
    let (report, code) = check_json(dir.path(), &["--staged"]);
    assert_eq!((codes(&report), code), (vec!["GA001".to_owned()], 1));
}

/// A pre-commit hook that runs the real binary against what git commits.
fn install_hook(dir: &Path) {
    let hook = dir.join(".git/hooks/pre-commit");
    std::fs::write(
        &hook,
        format!(
            "#!/bin/sh\nexec '{}' check --staged --color never\n",
            bin().display()
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

#[test]
fn git_commit_path_and_commit_a_use_a_temporary_index() {
    let dir = repo();
    write(dir.path(), "scripts/ep1.fountain", CLEAN);
    write(dir.path(), "scripts/ep2.fountain", CLEAN);
    git_ok(dir.path(), &["add", "."]);
    git_ok(dir.path(), &["commit", "-qm", "first"]);
    install_hook(dir.path());

    // `git commit PATH` commits the work-tree version of PATH through a
    // temporary index, whatever is staged.
    write(dir.path(), "scripts/ep1.fountain", BAD);
    let out = git(
        dir.path(),
        &["commit", "-qm", "break ep1", "scripts/ep1.fountain"],
    );
    assert!(!out.status.success(), "the hook should refuse the commit");
    // git sends a hook's output to its stderr.
    let shown = String::from_utf8_lossy(&out.stderr);
    assert!(shown.contains("error[GA001]"), "{shown}");
    assert!(shown.contains("--> scripts/ep1.fountain"), "{shown}");

    // `git commit -a` likewise.
    let out = git(dir.path(), &["commit", "-qam", "break ep1"]);
    assert!(!out.status.success());

    // Fixed in the work tree only: `git commit PATH` takes it and passes,
    // although the regular index still has nothing staged.
    write(
        dir.path(),
        "scripts/ep1.fountain",
        CLEAN.replace("ROOM", "HALL"),
    );
    let out = git(
        dir.path(),
        &["commit", "-qm", "fix ep1", "scripts/ep1.fountain"],
    );
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn commit_message_with_an_ai_trailer_needs_a_declared_use() {
    let dir = repo();
    write(dir.path(), "scripts/ep1.fountain", CLEAN);
    git_ok(dir.path(), &["add", "."]);
    let msg = dir.path().join("MSG");
    std::fs::write(
        &msg,
        "Polish ep1\n\nAssisted-by: Claude:claude-opus-4\n# Please enter the commit message\n",
    )
    .unwrap();
    let (report, code) = check_json(
        dir.path(),
        &["--staged", "--commit-msg", msg.to_str().unwrap()],
    );
    assert_eq!(
        (codes(&report), code),
        (vec!["GA607".to_owned()], 1),
        "{report:#}"
    );
    std::fs::write(&msg, "Polish ep1\n\nReviewed-by: Dana\n").unwrap();
    let (report, code) = check_json(
        dir.path(),
        &["--staged", "--commit-msg", msg.to_str().unwrap()],
    );
    assert_eq!((codes(&report), code), (vec![], 0), "{report:#}");
}

/// One repository, two productions in subfolders, each with its own
/// configuration: a staged check from the top judges each by its own.
#[test]
fn productions_in_subfolders_are_checked_with_their_own_config() {
    let dir = repo();
    write(
        dir.path(),
        "pilot/.aiclear/config.yml",
        "files:\n  scripts: ['**/*.fountain']\n",
    );
    write(dir.path(), "pilot/drafts/ep1.fountain", BAD);
    write(
        dir.path(),
        "docu/.aiclear/config.yml",
        "require-declaration: false\n",
    );
    write(dir.path(), "docu/scripts/ep1.fountain", BAD);
    git_ok(dir.path(), &["add", "."]);
    let (report, code) = check_json(dir.path(), &["--staged"]);
    assert_eq!(code, 1, "{report:#}");
    let paths = paths(&report);
    assert_eq!(paths, ["pilot/drafts/ep1.fountain"], "{report:#}");
    assert_eq!(report["summary"]["files_checked"], 2);
}

/// The configuration is what the commit will hold: the index's, which is
/// `HEAD`'s when it is not staged, whatever the work tree says.
#[test]
fn the_configuration_comes_from_the_index() {
    let dir = repo();
    let only_drafts = "files:\n  scripts: ['drafts/**/*.fountain']\n";
    let everything = "files:\n  scripts: ['**/*.fountain']\n";
    write(dir.path(), ".aiclear/config.yml", only_drafts);
    git_ok(dir.path(), &["add", "."]);
    git_ok(dir.path(), &["commit", "-qm", "config"]);

    write(dir.path(), "notes/ep1.fountain", BAD);
    git_ok(dir.path(), &["add", "notes/ep1.fountain"]);
    // Unstaged: the work tree's wider config does not apply (the script is
    // only warned about as covered by no glob).
    write(dir.path(), ".aiclear/config.yml", everything);
    let (report, code) = check_json(dir.path(), &["--staged"]);
    assert_eq!(
        (codes(&report), code),
        (vec!["GA007".to_owned()], 0),
        "{report:#}"
    );
    // Staged: it does.
    git_ok(dir.path(), &["add", ".aiclear/config.yml"]);
    write(dir.path(), ".aiclear/config.yml", only_drafts);
    let (report, code) = check_json(dir.path(), &["--staged"]);
    assert_eq!(
        (codes(&report), code),
        (vec!["GA001".to_owned()], 1),
        "{report:#}"
    );
}

/// Paths are the repository's whatever folder the check runs from and
/// whatever `diff.relative` says.
#[test]
fn from_a_subfolder_with_diff_relative() {
    let dir = repo();
    git_ok(dir.path(), &["config", "diff.relative", "true"]);
    write(dir.path(), "scripts/ep1.fountain", BAD);
    write(dir.path(), "scripts/ep2.fountain", CLEAN);
    git_ok(dir.path(), &["add", "."]);
    let (report, code) = check_json(&dir.path().join("scripts"), &["--staged"]);
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(report["summary"]["files_checked"], 2, "{report:#}");
    assert_eq!(
        report["diagnostics"][0]["path"], "scripts/ep1.fountain",
        "{report:#}"
    );
}

/// A submodule's entry records a commit, not a file: it is not read as one.
#[test]
fn a_staged_submodule_is_not_a_file() {
    let dir = repo();
    write(dir.path(), "scripts/ep1.fountain", CLEAN);
    git_ok(dir.path(), &["add", "."]);
    git_ok(dir.path(), &["commit", "-qm", "one"]);
    let head = String::from_utf8(git(dir.path(), &["rev-parse", "HEAD"]).stdout).unwrap();
    let cacheinfo = format!("160000,{},scripts/shared.fountain", head.trim());
    git_ok(
        dir.path(),
        &["update-index", "--add", "--cacheinfo", &cacheinfo],
    );
    let (report, code) = check_json(dir.path(), &["--staged"]);
    assert_eq!((codes(&report), code), (vec![], 0), "{report:#}");
    assert_eq!(report["summary"]["files_checked"], 0, "{report:#}");
}

/// Without git on `PATH`, the index is read through libgit2: same answers.
#[test]
fn without_git_on_the_path() {
    let dir = repo();
    write(dir.path(), "scripts/old.fountain", BAD);
    git_ok(dir.path(), &["add", "."]);
    git_ok(dir.path(), &["commit", "-qm", "old"]);
    write(dir.path(), "scripts/ep1.fountain", CLEAN);
    write(dir.path(), "scripts/ep2.fountain", CLEAN);
    git_ok(dir.path(), &["add", "."]);
    write(dir.path(), "scripts/ep2.fountain", BAD);
    git_ok(dir.path(), &["rm", "-q", "scripts/old.fountain"]);
    let empty = tempfile::tempdir().unwrap();
    let without = |args: &[&str]| {
        let out = common::isolation::aiclear(dir.path())
            .args(["check", "--format", "json"])
            .args(args)
            .env("PATH", empty.path())
            .output()
            .unwrap();
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        (report, out.status.code())
    };
    let (report, code) = without(&["--staged"]);
    assert_eq!(code, Some(0), "{report:#}");
    assert_eq!(report["summary"]["files_checked"], 2, "{report:#}");
    git_ok(dir.path(), &["add", "."]);
    let (report, code) = without(&["--staged"]);
    assert_eq!(
        (codes(&report), code),
        (vec!["GA001".to_owned()], Some(1)),
        "{report:#}"
    );
}

/// A symbolic link is followed inside what is staged, as the work tree
/// follows it; one that leaves the project is refused, not read as text.
#[cfg(unix)]
#[test]
fn staged_symbolic_links_are_followed_inside_the_project() {
    let dir = repo();
    write(dir.path(), "scripts/ep1.fountain", CLEAN);
    std::os::unix::fs::symlink("ep1.fountain", dir.path().join("scripts/current.fountain"))
        .unwrap();
    git_ok(dir.path(), &["add", "."]);
    let (report, code) = check_json(dir.path(), &["--staged"]);
    assert_eq!((codes(&report), code), (vec![], 0), "{report:#}");
    assert_eq!(report["summary"]["files_checked"], 2, "{report:#}");
    // The work tree agrees.
    let (report, code) = check_json(dir.path(), &[]);
    assert_eq!((codes(&report), code), (vec![], 0), "{report:#}");

    std::os::unix::fs::symlink(
        "../../outside.fountain",
        dir.path().join("scripts/out.fountain"),
    )
    .unwrap();
    std::os::unix::fs::symlink(
        "gone.fountain",
        dir.path().join("scripts/dangling.fountain"),
    )
    .unwrap();
    git_ok(dir.path(), &["add", "."]);
    let (report, code) = check_json(dir.path(), &["--staged"]);
    assert_eq!(code, 1, "{report:#}");
    let messages: Vec<(String, String)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_owned(),
                d["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        messages,
        [
            (
                "scripts/dangling.fountain".to_owned(),
                "cannot read this file: it is a symbolic link to nothing".to_owned()
            ),
            (
                "scripts/out.fountain".to_owned(),
                "cannot read this file: it is a symbolic link that points outside the project"
                    .to_owned()
            ),
        ],
        "{report:#}"
    );
}
