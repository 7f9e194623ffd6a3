//! The processes the tests start do not see the developer's git
//! configuration: a hostile global configuration (in `$HOME/.gitconfig`,
//! `$XDG_CONFIG_HOME/git/config`, `GIT_CONFIG_GLOBAL`, `GIT_CONFIG_COUNT`
//! and `GIT_CONFIG_PARAMETERS`) and a `GIT_DIR` in the environment they
//! would inherit change nothing, neither for git nor for the binary (libgit2,
//! which reads `$HOME` and XDG but not git's variables).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::isolation;

/// A developer's environment that would take over any git run: a hooks
/// folder whose `pre-commit` leaves a mark and refuses, commits signed by a
/// program that fails, an alias, another identity and default branch, and a
/// `GIT_DIR` pointing at another repository.
struct Hostile {
    dir: tempfile::TempDir,
}

const CONFIG: &str = "\
[user]
\tname = Intruder
\temail = intruder@hostile.example.com
[core]
\thooksPath = HOOKS
[commit]
\tgpgsign = true
[gpg]
\tprogram = false
[init]
\tdefaultBranch = intruder
[alias]
\tst = !touch MARK
";

impl Hostile {
    fn new() -> Hostile {
        let hostile = Hostile {
            dir: tempfile::tempdir().unwrap(),
        };
        let config = CONFIG
            .replace("HOOKS", hostile.hooks().to_str().unwrap())
            .replace("MARK", hostile.mark().to_str().unwrap());
        let home = hostile.home();
        for file in [
            home.join(".gitconfig"),
            home.join(".config/git/config"),
            hostile.dir.path().join("global"),
        ] {
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(file, &config).unwrap();
        }
        let hook = hostile.hooks().join("pre-commit");
        std::fs::create_dir_all(hostile.hooks()).unwrap();
        let script = format!("#!/bin/sh\ntouch '{}'\nexit 1\n", hostile.mark().display());
        std::fs::write(&hook, script).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let other = hostile.dir.path().join("other");
        let out = isolation::git(hostile.dir.path())
            .args(["init", "-q"])
            .arg(&other)
            .output()
            .unwrap();
        assert!(out.status.success());
        hostile
    }

    fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    fn hooks(&self) -> PathBuf {
        self.dir.path().join("hooks")
    }

    fn mark(&self) -> PathBuf {
        self.dir.path().join("mark")
    }

    /// `cmd` with the hostile environment, as a test would inherit it.
    fn inherit<'c>(&self, cmd: &'c mut Command) -> &'c mut Command {
        let home = self.home();
        cmd.env("HOME", &home)
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("GIT_CONFIG_GLOBAL", self.dir.path().join("global"))
            .env("GIT_CONFIG_COUNT", "1")
            .env("GIT_CONFIG_KEY_0", "user.name")
            .env("GIT_CONFIG_VALUE_0", "Intruder")
            .env(
                "GIT_CONFIG_PARAMETERS",
                "'user.email'='intruder@hostile.example.com'",
            )
            .env("GIT_AUTHOR_NAME", "Intruder")
            .env("GIT_COMMITTER_NAME", "Intruder")
            .env("GIT_DIR", self.dir.path().join("other/.git"))
    }

    /// git in `dir` with the hostile environment, then the isolation on top.
    fn isolated_git(&self, dir: &Path, args: &[&str]) -> Output {
        let mut cmd = Command::new("git");
        self.inherit(&mut cmd);
        isolation::isolate(&mut cmd)
            .current_dir(dir)
            .args(args)
            .output()
            .unwrap()
    }
}

fn text(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    text(out)
}

/// The hostile environment is real: without the isolation it takes over.
#[test]
fn the_hostile_environment_takes_over_a_plain_git() {
    let hostile = Hostile::new();
    let repo = tempfile::tempdir().unwrap();
    let mut cmd = Command::new("git");
    hostile.inherit(&mut cmd).env_remove("GIT_DIR");
    let out = cmd
        .current_dir(repo.path())
        .args(["config", "--get-all", "user.name"])
        .output()
        .unwrap();
    assert!(text(&out).contains("Intruder"), "{}", text(&out));
}

#[test]
fn hostile_configuration_has_no_effect_on_git() {
    let hostile = Hostile::new();
    let repo = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| hostile.isolated_git(repo.path(), args);
    ok(&git(&["init", "-q"]));
    assert!(repo.path().join(".git").is_dir(), "GIT_DIR was followed");
    assert_eq!(ok(&git(&["symbolic-ref", "HEAD"])), "refs/heads/main");
    std::fs::write(repo.path().join("a.txt"), "a\n").unwrap();
    ok(&git(&["add", "a.txt"]));
    // Neither the hooks folder nor signing runs: the commit goes through.
    ok(&git(&["commit", "-q", "-m", "first"]));
    assert!(!hostile.mark().exists(), "the hostile pre-commit ran");
    assert_eq!(
        ok(&git(&["log", "-1", "--format=%an <%ae> / %cn <%ce>"])),
        "Test Runner <runner@tests.example.com> / Test Runner <runner@tests.example.com>"
    );
    // The alias is not known.
    assert!(!git(&["st"]).status.success());
    assert!(!hostile.mark().exists(), "the hostile alias ran");
    // Every setting git sees comes from the tests' own files.
    let origins = ok(&git(&["config", "--list", "--show-origin"]));
    let home = isolation::shared_home().to_str().unwrap().to_owned();
    for line in origins.lines() {
        assert!(
            line.starts_with(&format!("file:{home}/.gitconfig\t"))
                || line.starts_with("file:.git/config\t"),
            "a setting from elsewhere: {line}"
        );
        assert!(
            !line.contains("Intruder") && !line.contains("hostile"),
            "{line}"
        );
    }
    let other = hostile.dir.path().join("other");
    let out = isolation::git(&other)
        .args(["rev-list", "--all", "--count"])
        .output()
        .unwrap();
    assert_eq!(ok(&out), "0", "the commit went to GIT_DIR's repository");
}

/// libgit2 in the binary reads `$HOME/.gitconfig` and XDG's git config, not
/// git's variables: `hook install` follows `core.hooksPath` from the
/// hostile home without the isolation, and the repository's own hooks
/// folder with it.
#[test]
fn hostile_configuration_has_no_effect_on_the_binary() {
    let hostile = Hostile::new();
    let install = |isolated: bool| {
        let repo = tempfile::tempdir().unwrap();
        ok(&isolation::git(repo.path())
            .args(["init", "-q"])
            .output()
            .unwrap());
        let mut cmd = Command::new(common::bin());
        hostile.inherit(&mut cmd).env_remove("GIT_DIR");
        if isolated {
            isolation::isolate(&mut cmd);
        }
        let out = cmd
            .current_dir(repo.path())
            .args(["hook", "install"])
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        ok(&out);
        let local = repo.path().join(".git/hooks/pre-commit");
        let text = std::fs::read_to_string(&local).unwrap_or_default();
        (repo, text.contains("aiclear-managed-hook"))
    };
    let (_repo, installed_locally) = install(true);
    assert!(
        installed_locally,
        "the isolated binary did not use .git/hooks"
    );
    let hostile_hook = std::fs::read_to_string(hostile.hooks().join("pre-commit")).unwrap();
    assert!(!hostile_hook.contains("aiclear"), "{hostile_hook}");
    // The same run without the isolation goes to the hostile hooks folder.
    let (_repo, installed_locally) = install(false);
    assert!(!installed_locally);
    let hostile_hook = std::fs::read_to_string(hostile.hooks().join("pre-commit")).unwrap();
    assert!(
        hostile_hook.contains("aiclear-managed-hook"),
        "{hostile_hook}"
    );
}
