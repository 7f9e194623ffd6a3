//! Every git and aiclear process the tests start runs apart from the
//! developer's own git configuration, as cargo's test support does: no system
//! configuration, a private `HOME` and `XDG_CONFIG_HOME`, a global
//! configuration the tests write, and none of git's variables that would
//! point a command at another repository or add configuration.
//!
//! `GIT_CONFIG_GLOBAL` names the same `$HOME/.gitconfig` that libgit2 reads,
//! so git and the binary (libgit2, and the git it spawns) see one file.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The global configuration of every isolated process.
pub const GITCONFIG: &str = "\
[user]
\tname = Test Runner
\temail = runner@tests.example.com
[init]
\tdefaultBranch = main
[commit]
\tgpgsign = false
[tag]
\tgpgsign = false
[core]
\tautocrlf = false
[advice]
\tdetachedHead = false
";

/// Git's variables that would point a command at another repository, or
/// bring in configuration from outside the private home.
pub const GIT_VARS: &[&str] = &[
    "GIT_DIR",
    "GIT_INDEX_FILE",
    "GIT_WORK_TREE",
    "GIT_COMMON_DIR",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_NAMESPACE",
    "GIT_CEILING_DIRECTORIES",
    "GIT_DISCOVERY_ACROSS_FILESYSTEM",
    "GIT_CONFIG",
    "GIT_CONFIG_PARAMETERS",
    "GIT_CONFIG_COUNT",
    "GIT_CONFIG_SYSTEM",
    "GIT_AUTHOR_NAME",
    "GIT_AUTHOR_EMAIL",
    "GIT_COMMITTER_NAME",
    "GIT_COMMITTER_EMAIL",
    "GIT_EXEC_PATH",
    "GIT_TEMPLATE_DIR",
    "GIT_SSH_COMMAND",
    "GIT_ASKPASS",
    "EMAIL",
];

/// Make `home` a private home: its `.gitconfig` starts as [`GITCONFIG`]
/// (what a test then adds with `git config --global` stays) and its
/// `.config` starts empty. Safe to call from several tests at once.
pub fn prepare_home(home: &Path) {
    std::fs::create_dir_all(home.join(".config")).unwrap();
    let config = home.join(".gitconfig");
    if config.exists() {
        return;
    }
    // Written beside and moved in place, so that a concurrent reader never sees half.
    let mut part = tempfile::NamedTempFile::new_in(home).unwrap();
    std::io::Write::write_all(&mut part, GITCONFIG.as_bytes()).unwrap();
    if let Err(e) = part.persist_noclobber(&config) {
        assert!(config.exists(), "{}: {e}", config.display());
    }
}

/// The private home shared by the tests that do not need their own.
pub fn shared_home() -> &'static Path {
    static HOME: OnceLock<PathBuf> = OnceLock::new();
    HOME.get_or_init(|| {
        let home = Path::new(env!("CARGO_TARGET_TMPDIR")).join("home");
        prepare_home(&home);
        home
    })
}

/// Isolate `cmd` with the shared private home.
pub fn isolate(cmd: &mut Command) -> &mut Command {
    isolate_in(cmd, shared_home())
}

/// Isolate `cmd` with `home` as its private home (prepared here).
pub fn isolate_in<'c>(cmd: &'c mut Command, home: &Path) -> &'c mut Command {
    prepare_home(home);
    for var in GIT_VARS {
        cmd.env_remove(var);
    }
    cmd.env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("GIT_CONFIG_GLOBAL", home.join(".gitconfig"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
}

/// `git` in `dir`, isolated with the shared home.
pub fn git(dir: &Path) -> Command {
    let mut cmd = Command::new("git");
    isolate(&mut cmd).current_dir(dir);
    cmd
}

/// The built aiclear in `dir`, isolated with the shared home, colour off.
pub fn aiclear(dir: &Path) -> Command {
    let mut cmd = Command::new(super::bin());
    isolate(&mut cmd).current_dir(dir).env("NO_COLOR", "1");
    cmd
}
