//! Repositories.

use super::*;

#[test]
fn a_folder_that_is_not_a_repository() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "scripts/ep1.fountain",
        fountain("genai: none\n"),
    );
    // The folder is the project root; its files are checked.
    let o = check(dir.path(), &[]);
    assert_exit(&o, 0);
    assert_eq!(o.json()["summary"]["files_checked"], 1);
    // What needs git says so.
    let o = bounded(dir.path(), &["check", "--staged"]);
    assert_exit(&o, 2);
    assert!(o.stderr.contains("repository"), "{}", o.stderr);
    let o = bounded(dir.path(), &["check", "--base", "main"]);
    assert_exit(&o, 2);
    assert!(o.stderr.contains("repository"), "{}", o.stderr);
    // A `.git` that is a file pointing nowhere.
    write(dir.path(), ".git", "gitdir: /nonexistent/place\n");
    let o = bounded(dir.path(), &["check", "--staged"]);
    assert_exit(&o, 2);
}

#[test]
fn an_empty_repository_with_staged_files_and_no_commit() {
    let repo = TestRepo::new();
    repo.write(
        "scripts/ep1.fountain",
        &fountain(
            "genai:\n  disclosed: { to: M, on: 2025-09-02 }\n  uses:\n    - id: aria\n      stage: previs\n      output: image\n      elements: [main-character]\n      tools: [{ name: x, enterprise: true, trains-on-inputs: false }]\n",
        ),
    );
    repo.write("scripts/ep2.fountain", "INT. A\n");
    repo.git(&["add", "-A"]);
    let o = check(repo.path(), &["--staged"]);
    assert_exit(&o, 1);
    assert_eq!(o.codes(), ["GA201", "GA001"], "{}", head(&o.stdout));
    // A ledger staged in the same first commit is pending, not trusted.
    repo.write(
        ".aiclear/approvals.yml",
        "- id: NFX-1\n  granted-by: mei.chen@netflix.example.com\n  granted-on: 2025-09-05\n  covers:\n    - { path: scripts/ep1.fountain, use: aria, rules: [GA201] }\n",
    );
    repo.write("scripts/ep2.fountain", &fountain("genai: none\n"));
    repo.git(&["add", "-A"]);
    let o = check(repo.path(), &["--staged"]);
    assert!(o.code == 0 || o.code == 1, "exit {}", o.code);
    assert_has(&o, "GA601");
    // A range over a repository without commits is not a pass.
    let o = check(repo.path(), &["--base", "main"]);
    assert!(o.code == 2 || o.code == 3, "exit {}: {}", o.code, o.stderr);
}

#[test]
fn a_bare_repository_with_base() {
    let repo = TestRepo::new();
    repo.write(
        ".aiclear/config.yml",
        "approvers:\n  - { email: mei.chen@netflix.example.com }\n",
    );
    repo.write("scripts/ep1.fountain", &fountain("genai: none\n"));
    let base = repo.commit(APPROVER, "start");
    repo.write(
        "scripts/ep1.fountain",
        &fountain(
            "genai:\n  disclosed: { to: M, on: 2025-09-02 }\n  uses:\n    - id: aria\n      stage: previs\n      output: image\n      elements: [main-character]\n      tools: [{ name: x, enterprise: true, trains-on-inputs: false }]\n",
        ),
    );
    // Hostile content committed on the branch.
    repo.write("vfx/shots/sh010.yml", &alias_bomb("genai"));
    repo.commit(WRITER, "aria");
    let bare = repo.clone_to(&["--bare"]);
    let dir = bare.path().join("clone");
    let o = check(&dir, &["--base", &base]);
    assert_exit(&o, 1);
    assert_has(&o, "GA201");
    assert_has(&o, "GA002");
    // Without `--base` a bare repository has no work tree or index to
    // check: "checked 0 files: no problems found" would be a silent pass.
    let o = bounded(&dir, &["check", "--staged"]);
    assert_exit(&o, 2);
    // A base that does not exist.
    let o = check(&dir, &["--base", "no-such-branch"]);
    assert!(o.code == 2 || o.code == 3, "exit {}: {}", o.code, o.stderr);
}

#[test]
fn hostile_files_committed_in_a_range() {
    // The same hostile inputs read from git objects (the index and trees),
    // where there is no file system to ask: symlinks are blobs.
    let repo = TestRepo::new();
    repo.write("scripts/ep1.fountain", &fountain("genai: none\n"));
    let base = repo.commit(WRITER, "start");
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "secret.fountain", fountain("genai: none\n"));
    std::os::unix::fs::symlink(
        outside.path().join("secret.fountain"),
        repo.path().join("scripts/ep2.fountain"),
    )
    .unwrap();
    repo.write(
        "vfx/shots/sh010.yml",
        &format!("genai: {}{}\n", "[".repeat(100_000), "]".repeat(100_000)),
    );
    let mut big = b"/*\n---\ngenai: none\n---\n*/\n".to_vec();
    big.extend(std::iter::repeat_n(b'A', 50 << 20));
    write(repo.path(), "scripts/ep3.fountain", &big);
    repo.git(&["add", "-A"]);
    // Staged …
    let o = check(repo.path(), &["--staged"]);
    assert_exit(&o, 1);
    let json = o.json();
    let paths = crate::common::paths(&json);
    assert!(paths.contains(&"scripts/ep2.fountain"), "{paths:?}");
    assert!(paths.contains(&"vfx/shots/sh010.yml"), "{paths:?}");
    // … and committed.
    repo.commit(WRITER, "hostile");
    let o = check(repo.path(), &["--base", &base]);
    assert_exit(&o, 1);
    let json = o.json();
    let paths = crate::common::paths(&json);
    assert!(paths.contains(&"scripts/ep2.fountain"), "{paths:?}");
    assert!(paths.contains(&"vfx/shots/sh010.yml"), "{paths:?}");
    assert!(!paths.contains(&"scripts/ep3.fountain"), "{paths:?}");
}

#[test]
fn a_change_cannot_empty_the_trusted_watchlist() {
    // The watchlist is part of the policy: in a range check it is read from
    // the base, like the config that names it.
    let repo = TestRepo::new();
    repo.write(
        ".aiclear/config.yml",
        "watchlist: .aiclear/watchlist.txt\napprovers:\n  - { email: mei.chen@netflix.example.com }\n",
    );
    repo.write(".aiclear/watchlist.txt", "Stormtrooper\n");
    repo.write("scripts/ep1.fountain", &fountain("genai: none\n"));
    let base = repo.commit(APPROVER, "start");
    repo.write(".aiclear/watchlist.txt", "# nothing to see\n");
    repo.write(
        "scripts/ep1.fountain",
        &fountain(
            "genai:\n  disclosed: { to: M, on: 2025-09-02 }\n  uses:\n    - id: crowd\n      stage: ideation\n      output: image\n      prompts: [\"a crowd of stormtrooper extras\"]\n      tools: [{ name: x, enterprise: true, trains-on-inputs: false }]\n",
        ),
    );
    repo.commit(WRITER, "crowd");
    let o = check(repo.path(), &["--base", &base]);
    assert_exit(&o, 1);
    assert_has(&o, "GA202");
    // Control: with the base's watchlist in the work tree, GA202 fires.
    repo.git(&["checkout", &base, "--", ".aiclear/watchlist.txt"]);
    let o = check(repo.path(), &[]);
    assert_exit(&o, 1);
    assert_has(&o, "GA202");
}

#[test]
fn a_watchlist_outside_the_project_is_refused() {
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "list.txt", "Stormtrooper\n");
    let p = project();
    write(
        p.path(),
        ".aiclear/config.yml",
        format!("watchlist: {}\n", outside.path().join("list.txt").display()),
    );
    write(p.path(), "scripts/ep1.fountain", fountain("genai: none\n"));
    let o = bounded(p.path(), &["check"]);
    assert_exit(&o, 2);
    let q = project();
    write(
        q.path(),
        ".aiclear/config.yml",
        "watchlist: ../../../../etc/passwd\n",
    );
    write(q.path(), "scripts/ep1.fountain", fountain("genai: none\n"));
    let o = bounded(q.path(), &["check"]);
    assert_exit(&o, 2);
}

#[test]
fn a_ledger_document_outside_the_repository_or_through_a_link_is_refused() {
    let p = project();
    write(p.path(), "scripts/ep1.fountain", fountain("genai: none\n"));
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "approval.pdf", "%PDF-1.7\n");
    std::fs::create_dir_all(p.path().join("approvals")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        outside.path().join("approval.pdf"),
        p.path().join("approvals/link.pdf"),
    )
    .unwrap();
    write(
        p.path(),
        ".aiclear/approvals.yml",
        "- id: NFX-1\n  granted-by: a@b.c\n  granted-on: 2025-09-05\n  document: ../../etc/passwd\n  covers: [{ path: scripts/ep1.fountain }]\n- id: NFX-2\n  granted-by: a@b.c\n  granted-on: 2025-09-05\n  document: /etc/passwd\n  covers: [{ path: scripts/ep1.fountain }]\n- id: NFX-3\n  granted-by: a@b.c\n  granted-on: 2025-09-05\n  document: approvals/link.pdf\n  covers: [{ path: scripts/ep1.fountain }]\n",
    );
    let o = check(p.path(), &[]);
    assert_exit(&o, 1);
    let messages: Vec<String> = o
        .with_code("GA004")
        .iter()
        .map(|d| d["message"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(messages.len(), 3, "{messages:?}");
    assert!(
        messages
            .iter()
            .filter(|m| m.contains("outside the repository"))
            .count()
            == 2
    );
    assert!(messages.iter().any(|m| m.contains("symbolic link")));
}
