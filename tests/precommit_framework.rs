//! `.pre-commit-hooks.yaml`, installed by the real pre-commit framework (from
//! PyPI) from a clone of this repository, refuses a violating commit with the
//! rustc-style message and lets a clean one through.
//!
//! The framework installs what is *committed* at a revision, so this tests
//! this repository's HEAD, not the work tree: uncommitted changes to the
//! manifest or the code are not seen. `language: rust` makes it
//! `cargo install` aiclear, which takes minutes the first time; its store
//! (`PRE_COMMIT_HOME`), the clone it installs from and cargo's build folder
//! live under `target/test-tools/`, so a later run at the same HEAD reuses the
//! environment, and one at a new HEAD rebuilds only aiclear itself.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const CLEAN: &str = "Title: X\n\n/*\n---\ngenai: none\n---\n*/\n\nINT. ROOM - DAY\n";
const BAD: &str = "Title: X\n\nINT. ROOM - DAY\n";
const DECLARED: &str = "Title: X\n\n/*\n---\ngenai:\n  disclosed: { to: \"M. Chen, Netflix creative production\", on: 2025-09-02 }\n  uses:\n    - id: dialogue-polish\n      stage: ideation\n      output: text\n      tools: [{ name: \"Claude\", enterprise: true, trains-on-inputs: false }]\n---\n*/\n\nINT. ROOM - DAY\n";

fn tools_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-tools")
}

fn text(out: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The environment of every command here: a HOME of its own (no user git
/// config), the real cargo and rustup homes (pre-commit builds with the
/// system's cargo), and the PATH without the folders of other `aiclear`s.
struct Env {
    home: tempfile::TempDir,
    path: std::ffi::OsString,
    cargo_home: PathBuf,
    rustup_home: PathBuf,
}

impl Env {
    fn new() -> Env {
        let home = std::env::var_os("HOME")
            .map(PathBuf::from)
            .unwrap_or_default();
        let cargo_home = std::env::var_os("CARGO_HOME")
            .map(PathBuf::from)
            .unwrap_or_else(|| home.join(".cargo"));
        let rustup_home = std::env::var_os("RUSTUP_HOME")
            .map(PathBuf::from)
            .unwrap_or_else(|| home.join(".rustup"));
        let path = std::env::var_os("PATH").unwrap_or_default();
        // pre-commit puts the environment it built first on PATH; an
        // installed aiclear is left out anyway, unless it sits beside cargo.
        let path = std::env::join_paths(
            std::env::split_paths(&path)
                .filter(|d| !d.join("aiclear").exists() || d.join("cargo").exists()),
        )
        .unwrap();
        Env {
            home: tempfile::tempdir().unwrap(),
            path,
            cargo_home,
            rustup_home,
        }
    }

    fn command(&self, program: impl AsRef<std::ffi::OsStr>, dir: &Path) -> Command {
        let mut c = Command::new(program);
        common::isolation::isolate_in(&mut c, self.home.path())
            .current_dir(dir)
            .stdin(Stdio::null())
            .env("XDG_CACHE_HOME", self.home.path().join(".cache"))
            .env("PATH", &self.path)
            .env("CARGO_HOME", &self.cargo_home)
            .env("RUSTUP_HOME", &self.rustup_home)
            .env("NO_COLOR", "1")
            .env("PRE_COMMIT_COLOR", "never")
            .env("PRE_COMMIT_HOME", tools_dir().join("pre-commit-home"))
            // `cargo install` otherwise builds in a new temporary folder.
            .env(
                "CARGO_TARGET_DIR",
                tools_dir().join("pre-commit-cargo-target"),
            );
        for var in ["PRE_COMMIT_ALLOW_NO_CONFIG", "SKIP"] {
            c.env_remove(var);
        }
        c
    }

    fn git(&self, dir: &Path, args: &[&str]) -> Output {
        self.command("git", dir).args(args).output().unwrap()
    }

    fn git_ok(&self, dir: &Path, args: &[&str]) -> String {
        let out = self.git(dir, args);
        assert!(out.status.success(), "git {args:?}\n{}", text(&out));
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }
}

/// A clone of this repository at a stable place (so that pre-commit's store
/// recognises it from one run to the next) holding HEAD as a branch tip; the
/// clone's path and HEAD's id.
fn clone_of_head(env: &Env) -> (PathBuf, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = env.git(root, &["rev-parse", "--verify", "HEAD^{commit}"]);
    assert!(
        out.status.success(),
        "this test installs the hooks from this repository's HEAD, and there is none\n{}",
        text(&out)
    );
    let head = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let manifest = env.git(root, &["cat-file", "-e", "HEAD:.pre-commit-hooks.yaml"]);
    assert!(
        manifest.status.success(),
        "`.pre-commit-hooks.yaml` is not committed: the pre-commit framework installs hooks from a commit, so commit it to test it"
    );

    let clone = tools_dir().join("aiclear-under-test.git");
    std::fs::create_dir_all(tools_dir()).unwrap();
    let lock = std::fs::File::create(tools_dir().join("aiclear-under-test.lock")).unwrap();
    lock.lock().unwrap();
    if !clone.join("HEAD").exists() {
        let out = env.git(
            &tools_dir(),
            &[
                "clone",
                "-q",
                "--bare",
                root.to_str().unwrap(),
                clone.to_str().unwrap(),
            ],
        );
        assert!(out.status.success(), "{}", text(&out));
    }
    env.git_ok(
        &clone,
        &[
            "fetch",
            "-q",
            "--force",
            root.to_str().unwrap(),
            &format!("{head}:refs/heads/under-test"),
        ],
    );
    lock.unlock().unwrap();
    (clone, head)
}

#[test]
fn pre_commit_framework_runs_the_hooks_from_this_repository() {
    let pre_commit = common::tools::python_tool("pre-commit==4.7.0", "pre-commit");
    let env = Env::new();
    let (clone, rev) = clone_of_head(&env);

    let repo = tempfile::tempdir().unwrap();
    let dir = repo.path();
    env.git_ok(dir, &["init", "-q", "-b", "main"]);
    env.git_ok(dir, &["config", "user.email", "writer@example.com"]);
    env.git_ok(dir, &["config", "user.name", "A Writer"]);
    env.git_ok(dir, &["config", "commit.gpgsign", "false"]);
    common::write(
        dir,
        ".pre-commit-config.yaml",
        format!(
            "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: aiclear\n      - id: aiclear-commit-msg\n",
            clone.display()
        ),
    );
    common::write(dir, "scripts/ep1.fountain", CLEAN);
    env.git_ok(dir, &["add", "."]);
    env.git_ok(dir, &["commit", "-q", "-m", "first"]);

    let run = |args: &[&str]| {
        let out = env.command(&pre_commit, dir).args(args).output().unwrap();
        assert!(out.status.success(), "pre-commit {args:?}\n{}", text(&out));
    };
    run(&[
        "install",
        "--hook-type",
        "pre-commit",
        "--hook-type",
        "commit-msg",
    ]);
    // Forget the environments of earlier HEADs (their configs are gone).
    run(&["gc"]);
    // The build, separately, so that its failure reads as one.
    run(&["install-hooks"]);

    // A script with no declaration: refused, with aiclear's own message.
    common::write(dir, "scripts/ep2.fountain", BAD);
    env.git_ok(dir, &["add", "."]);
    let out = env.git(dir, &["commit", "-q", "-m", "ep2"]);
    assert!(
        !out.status.success(),
        "the commit should be refused\n{}",
        text(&out)
    );
    let shown = text(&out);
    assert!(shown.contains("error[GA001]"), "{shown}");
    assert!(shown.contains("--> scripts/ep2.fountain"), "{shown}");
    assert!(
        shown.contains("aiclear (generative-AI declarations)"),
        "{shown}"
    );

    // Declared: the commit goes through both hooks.
    common::write(dir, "scripts/ep2.fountain", CLEAN);
    env.git_ok(dir, &["add", "."]);
    let out = env.git(dir, &["commit", "-q", "-m", "ep2"]);
    assert!(
        out.status.success(),
        "the commit should pass\n{}",
        text(&out)
    );
    assert!(
        text(&out).contains("aiclear (AI trailers in the commit message)"),
        "{}",
        text(&out)
    );

    // The commit-msg hook gets the message file: an AI trailer needs a use.
    common::write(dir, "scripts/ep2.fountain", CLEAN.replace("ROOM", "HALL"));
    env.git_ok(dir, &["add", "."]);
    let message = "Polish ep2\n\nAssisted-by: Claude\n";
    let out = env.git(dir, &["commit", "-q", "-m", message]);
    assert!(
        !out.status.success(),
        "the commit should be refused\n{}",
        text(&out)
    );
    assert!(text(&out).contains("error[GA607]"), "{}", text(&out));
    common::write(dir, "scripts/ep2.fountain", DECLARED);
    env.git_ok(dir, &["add", "."]);
    let out = env.git(dir, &["commit", "-q", "-m", message]);
    assert!(
        out.status.success(),
        "the commit should pass\n{}",
        text(&out)
    );
}
