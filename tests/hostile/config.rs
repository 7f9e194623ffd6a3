//! The configuration and the ledger.

use super::*;

#[test]
fn a_hostile_config_is_a_configuration_error() {
    for (name, text) in [
        ("alias bomb", alias_bomb("files")),
        (
            "deep flow nesting",
            format!("files: {}{}\n", "[".repeat(100_000), "]".repeat(100_000)),
        ),
        (
            "deep block nesting",
            format!("approvers:\n  {}x\n", "- ".repeat(100_000)),
        ),
        (
            "duplicate key",
            "approvers: []\napprovers:\n  - { email: mallory@example.com }\n".into(),
        ),
        (
            "tag",
            "approvers: !!python/object/apply:os.system [id]\n".into(),
        ),
        ("not a mapping", "- a\n- b\n".into()),
        ("NUL", "policy: netflix-2025-08\0\n".into()),
    ] {
        let p = project();
        write(p.path(), ".aiclear/config.yml", &text);
        write(p.path(), "scripts/ep1.fountain", fountain("genai: none\n"));
        let o = bounded(p.path(), &["check"]);
        assert_eq!(o.code, 2, "{name}: exit {}\n{}", o.code, head(&o.stderr));
        assert!(
            o.stderr.contains(".aiclear/config.yml"),
            "{name}: the diagnostic names the config\n{}",
            head(&o.stderr)
        );
    }
    // Not UTF-8.
    let p = project();
    write(p.path(), ".aiclear/config.yml", b"policy: \xff\n");
    let o = bounded(p.path(), &["check"]);
    assert_exit(&o, 2);
    assert!(o.stderr.contains("UTF-8"), "{}", o.stderr);
}

#[test]
fn an_invalid_glob_in_config() {
    for glob in ["'['", "'a[z-a]'", "'{a,b'", "'x', '[!'"] {
        let p = project();
        write(
            p.path(),
            ".aiclear/config.yml",
            format!("files:\n  scripts: [{glob}]\n"),
        );
        let o = bounded(p.path(), &["check"]);
        assert_eq!(o.code, 2, "{glob}: {}", o.stderr);
        assert!(o.stderr.contains("invalid glob"), "{glob}: {}", o.stderr);
    }
    // A glob whose compiled form is enormous is refused or runs in time.
    let p = project();
    let alts: Vec<String> = (0..5_000).map(|i| format!("s{i}")).collect();
    write(
        p.path(),
        ".aiclear/config.yml",
        format!(
            "files:\n  scripts: ['**/{{{}}}/**/*.fountain']\n",
            alts.join(",")
        ),
    );
    write(p.path(), "scripts/ep1.fountain", fountain("genai: none\n"));
    let o = bounded(p.path(), &["check"]);
    assert!(o.code == 0 || o.code == 2, "exit {}: {}", o.code, o.stderr);
}

#[test]
fn a_config_that_is_not_a_regular_file() {
    // A FIFO would block a reader forever; a symlink out of the project is
    // not read.
    let p = project();
    let fifo = p.path().join(".aiclear/config.yml");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let o = bounded(p.path(), &["check"]);
    assert_exit(&o, 2);
    assert!(o.stderr.contains("config.yml"), "{}", o.stderr);

    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "config.yml", "require-declaration: false\n");
    let q = project();
    std::os::unix::fs::symlink(
        outside.path().join("config.yml"),
        q.path().join(".aiclear/config.yml"),
    )
    .unwrap();
    write(q.path(), "scripts/ep1.fountain", "INT. A\n");
    let o = bounded(q.path(), &["check"]);
    // Not read: the outside config would turn off GA001 and pass.
    assert_eq!(o.code, 2, "{}\n{}", o.stdout, o.stderr);
}

#[test]
fn a_hostile_ledger() {
    let p = project();
    write(
        p.path(),
        "scripts/ep1.fountain",
        fountain(
            "genai:\n  disclosed: { to: M, on: 2025-09-02 }\n  uses:\n    - id: aria\n      stage: previs\n      output: image\n      elements: [main-character]\n      tools: [{ name: x, enterprise: true, trains-on-inputs: false }]\n",
        ),
    );
    for (name, text) in [
        ("alias bomb", alias_bomb("x")),
        (
            "deep nesting",
            format!("- {}{}\n", "[".repeat(100_000), "]".repeat(100_000)),
        ),
        (
            "duplicate key",
            "- id: NFX-1\n  granted-by: a@b.c\n  granted-on: 2025-09-01\n  covers: []\n  covers: [{path: '**'}]\n".into(),
        ),
        ("tag", "- !!python/object/apply:os.system [id]\n".into()),
        ("NUL", "- id: NFX\0\n".into()),
    ] {
        write(p.path(), ".aiclear/approvals.yml", &text);
        let o = check(p.path(), &[]);
        assert_eq!(o.code, 1, "{name}: {}", head(&o.stdout));
        let ledger: Vec<_> = o
            .with_code("GA002")
            .into_iter()
            .filter(|d| d["path"] == ".aiclear/approvals.yml")
            .collect();
        assert_eq!(ledger.len(), 1, "{name}: {}", head(&o.stdout));
        // The finding it would have cleared still stands.
        assert_has(&o, "GA201");
    }
    write(p.path(), ".aiclear/approvals.yml", b"- id: \xff\n");
    let o = check(p.path(), &[]);
    assert_exit(&o, 1);
    assert_has(&o, "GA002");
    assert_has(&o, "GA201");
}

#[test]
fn a_ten_thousand_entry_ledger() {
    // Real productions keep years of approvals: 10,000 entries as `aiclear
    // approve` writes them, the one that matters last.
    let p = project();
    write(
        p.path(),
        "scripts/ep1.fountain",
        fountain(
            "genai:\n  disclosed: { to: M, on: 2025-09-02 }\n  uses:\n    - id: aria\n      stage: previs\n      output: image\n      elements: [main-character]\n      tools: [{ name: x, enterprise: true, trains-on-inputs: false }]\n",
        ),
    );
    let mut ledger = String::new();
    for i in 0..10_000 {
        ledger.push_str(&format!(
            "- id: NFX-{i}\n  granted-by: mei.chen@netflix.example.com\n  granted-on: 2025-09-05\n  expires-on: 2099-01-01\n  document: approvals/NFX-{i}.pdf\n  note: \"approved in the production meeting\"\n  covers:\n    - path: scripts/ep{i}x.fountain\n      use: aria\n      rules: [GA201, GA203]\n      digest: \"sha256:{:064x}\"\n",
            i
        ));
    }
    ledger.push_str(
        "- id: NFX-LAST\n  granted-by: mei.chen@netflix.example.com\n  granted-on: 2025-09-05\n  covers:\n    - path: scripts/ep1.fountain\n      use: aria\n      rules: [GA201]\n",
    );
    write(p.path(), ".aiclear/approvals.yml", &ledger);
    let o = check(p.path(), &[]);
    assert_exit(&o, 0);
    // With many scripts (the worker threads) too.
    for i in 0..200 {
        write(
            p.path(),
            &format!("scripts/more/ep{i}.fountain"),
            fountain("genai: none\n"),
        );
    }
    let o = check(p.path(), &[]);
    assert_exit(&o, 0);
}

#[test]
fn a_ten_thousand_entry_ledger_of_globs_over_many_files() {
    // Covers may be globs: matching 10,000 of them against 200 files must
    // not compile 2,000,000 globs.
    let p = project();
    let mut ledger = String::new();
    for i in 0..10_000 {
        ledger.push_str(&format!(
            "- id: NFX-{i}\n  granted-by: mei.chen@netflix.example.com\n  granted-on: 2025-09-05\n  covers:\n    - path: \"scripts/**/ep{i}-*.fountain\"\n      use: aria\n"
        ));
    }
    write(p.path(), ".aiclear/approvals.yml", &ledger);
    for i in 0..200 {
        write(
            p.path(),
            &format!("scripts/more/ep{i}.fountain"),
            fountain("genai: none\n"),
        );
    }
    let o = check(p.path(), &[]);
    assert_exit(&o, 0);
}

#[test]
fn a_ledger_of_many_long_globs_is_bounded() {
    // Within every per-item limit (a 32 MB ledger, 210,000 values, each
    // cover path under 1,024 characters) 30,000 glob covers of 160
    // alternatives each, compiled one matcher per cover, took 69 s and 1.9 GB
    // (debug build). A ledger comes from the change under review.
    // Refusing so many globs (GA002 on the ledger) is as good as matching.
    let alts: Vec<String> = (0..160).map(|j| format!("d{j:04}")).collect();
    check_glob_ledger(30_000, &alts, |i, alts| {
        format!(
            "- id: N{i}\n  granted-by: m@n.co\n  granted-on: 2025-09-05\n  covers:\n    - path: \"scripts/{{{alts}}}/**/*[a-z]?{i}.fountain\"\n"
        )
    });
}

/// A ledger of `entries` entries, entry `i` written by `entry(i, alts)` with
/// `alts` the `alternatives` joined by commas, is checked in bounded time:
/// exit 0 or 1, never a crash or a timeout.
fn check_glob_ledger(
    entries: usize,
    alternatives: &[String],
    entry: impl Fn(usize, &str) -> String,
) {
    let p = project();
    let alts = alternatives.join(",");
    let mut ledger = String::new();
    for i in 0..entries {
        ledger.push_str(&entry(i, &alts));
    }
    write(p.path(), ".aiclear/approvals.yml", &ledger);
    write(p.path(), "scripts/ep1.fountain", fountain("genai: none\n"));
    let o = check(p.path(), &[]);
    assert!(o.code == 0 || o.code == 1, "exit {}", o.code);
}

#[test]
fn a_ledger_of_huge_globs_is_bounded() {
    // The ledger comes from the change under review. Each cover path is
    // compiled into a matcher when the ledger is read, before anything is
    // known about who wrote the entry: 900 paths of 3,000 alternatives each
    // (a 24 MB ledger) must not cost a minute and gigabytes.
    // Refusing such paths (GA004 on the ledger) is as good as matching them.
    let alts: Vec<String> = (0..3_000).map(|j| format!("dir{j:05}")).collect();
    check_glob_ledger(900, &alts, |i, alts| {
        format!(
            "- id: NFX-{i}\n  granted-by: mallory@example.com\n  granted-on: 2025-09-05\n  covers:\n    - path: \"scripts/{{{alts}}}{i}/**/*[a-z]?*.fountain\"\n"
        )
    });
}
