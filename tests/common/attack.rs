//! Real repositories for the adversarial tests: every git and aiclear run is
//! isolated from the user's and the system's git config (its own `HOME`,
//! `GIT_CONFIG_GLOBAL=/dev/null`, `GIT_CONFIG_NOSYSTEM=1`, no SSH agent), and
//! commits take a chosen author, committer, date and SSH signature.
#![allow(dead_code)]

use std::cell::Cell;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

pub const WRITER: (&str, &str) = ("Dana Writer", "writer@lastsignal.example.com");
pub const APPROVER: (&str, &str) = ("Mei Chen", "mei.chen@netflix.example.com");

/// An SSH key pair made by `ssh-keygen`.
pub struct Key {
    /// The private key's path, for `user.signingkey`.
    pub private: String,
    /// `ssh-ed25519 AAAA… comment`.
    pub public: String,
}

/// How a commit is made: by whom, when, and signed with which key.
#[derive(Clone, Copy, Default)]
pub struct How<'a> {
    /// The `--author`, when it is not the committer.
    pub author: Option<(&'a str, &'a str)>,
    /// `GIT_AUTHOR_DATE` and `GIT_COMMITTER_DATE`, instead of the clock.
    pub date: Option<&'a str>,
    /// Sign with this key (`-S`, `gpg.format=ssh`).
    pub key: Option<&'a Key>,
}

/// A temporary folder holding a repository (`repo/`), a home folder for git
/// (`home/`) and SSH keys (`keys/`).
pub struct Sandbox {
    dir: tempfile::TempDir,
    /// Seconds since the epoch of the next commit; each commit adds a day.
    clock: Cell<i64>,
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// Apply the isolated environment to a command.
fn isolate(cmd: &mut Command, home: &Path) {
    super::isolation::isolate_in(cmd, home)
        .env("NO_COLOR", "1")
        .env_remove("SSH_AUTH_SOCK")
        .env_remove("GITHUB_STEP_SUMMARY");
}

impl Sandbox {
    /// A new repository on branch `main`, the writer as its configured user.
    pub fn new() -> Sandbox {
        let sandbox = Sandbox {
            dir: tempfile::tempdir().unwrap(),
            // A month ago, so that temp material is not yet old.
            clock: Cell::new(now() - 30 * 86_400),
        };
        for sub in ["repo", "home", "keys"] {
            std::fs::create_dir(sandbox.dir.path().join(sub)).unwrap();
        }
        sandbox.git(&["init", "-q", "-b", "main"]);
        sandbox.git(&["config", "commit.gpgsign", "false"]);
        sandbox.git(&["config", "core.quotepath", "false"]);
        sandbox.git(&["config", "user.name", WRITER.0]);
        sandbox.git(&["config", "user.email", WRITER.1]);
        sandbox
    }

    pub fn path(&self) -> PathBuf {
        self.dir.path().join("repo")
    }

    fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    /// A fresh ed25519 key, without a passphrase.
    pub fn keygen(&self, name: &str) -> Key {
        super::tools::ensure_command("ssh-keygen", "openssh-client");
        let key = self.dir.path().join("keys").join(name);
        let mut cmd = Command::new("ssh-keygen");
        cmd.args(["-q", "-t", "ed25519", "-N", "", "-C", name, "-f"])
            .arg(&key);
        isolate(&mut cmd, &self.home());
        let out = cmd.output().expect("ssh-keygen runs");
        assert!(
            out.status.success(),
            "ssh-keygen: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let public = std::fs::read_to_string(key.with_extension("pub")).unwrap();
        Key {
            private: key.to_str().unwrap().to_owned(),
            public: public.trim().to_owned(),
        }
    }

    /// git in the repository, dated by the clock unless `env` says otherwise.
    pub fn git_env<S: AsRef<OsStr>>(&self, args: &[S], env: &[(&str, &str)]) -> Output {
        let date = format!("@{} +0000", self.clock.get());
        let mut cmd = Command::new("git");
        cmd.current_dir(self.path()).args(args);
        isolate(&mut cmd, &self.home());
        cmd.env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date);
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().expect("git runs")
    }

    /// git's stdout, trimmed; the command must succeed.
    pub fn git<S: AsRef<OsStr>>(&self, args: &[S]) -> String {
        let out = self.git_env(args, &[]);
        assert!(
            out.status.success(),
            "git {:?}: {}",
            args.iter().map(|a| a.as_ref()).collect::<Vec<_>>(),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    /// A file of a revision, as git stores it (`git cat-file blob REV:PATH`).
    pub fn show(&self, rev: &str, path: &str) -> String {
        self.git(&["cat-file", "blob", &format!("{rev}:{path}")])
    }

    pub fn write(&self, rel: &str, text: impl AsRef<[u8]>) {
        super::write(&self.path(), rel, text);
    }

    pub fn remove(&self, rel: &str) {
        std::fs::remove_file(self.path().join(rel)).unwrap();
    }

    /// `ln -s target rel`, replacing whatever is at `rel`.
    #[cfg(unix)]
    pub fn symlink(&self, target: &str, rel: &str) {
        let link = self.path().join(rel);
        std::fs::create_dir_all(link.parent().unwrap()).unwrap();
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(target, link).unwrap();
    }

    /// Commit everything as `who`, a day after the previous commit; the id.
    pub fn commit(&self, who: (&str, &str), message: &str) -> String {
        self.commit_how(who, message, How::default())
    }

    /// Commit everything as `who`, signed with `key`.
    pub fn commit_signed(&self, who: (&str, &str), key: &Key, message: &str) -> String {
        self.commit_how(
            who,
            message,
            How {
                key: Some(key),
                ..How::default()
            },
        )
    }

    /// Commit everything with `who` as committer, and as author unless
    /// `how` names another; the id.
    pub fn commit_how(&self, who: (&str, &str), message: &str, how: How<'_>) -> String {
        self.git(&["add", "-A"]);
        self.commit_index(who, message, how)
    }

    /// Commit the index as it is.
    pub fn commit_index(&self, who: (&str, &str), message: &str, how: How<'_>) -> String {
        let (name, email) = (
            format!("user.name={}", who.0),
            format!("user.email={}", who.1),
        );
        let author = how.author.unwrap_or(who);
        let author = format!("--author={} <{}>", author.0, author.1);
        let mut args: Vec<String> = vec!["-c".into(), name, "-c".into(), email];
        if let Some(key) = how.key {
            args.extend([
                "-c".into(),
                "gpg.format=ssh".into(),
                "-c".into(),
                format!("user.signingkey={}", key.private),
            ]);
        }
        args.extend(
            ["commit", "-q", "--allow-empty", "-m", message]
                .iter()
                .map(|s| s.to_string()),
        );
        args.push(author);
        args.push(if how.key.is_some() {
            "-S".into()
        } else {
            "--no-gpg-sign".into()
        });
        let env: Vec<(&str, &str)> = match how.date {
            Some(d) => vec![("GIT_AUTHOR_DATE", d), ("GIT_COMMITTER_DATE", d)],
            None => Vec::new(),
        };
        let out = self.git_env(&args, &env);
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        self.tick();
        self.git(&["rev-parse", "HEAD"])
    }

    /// `git merge ARGS` committed by `who` (no editor); the merge's id.
    pub fn merge(&self, who: (&str, &str), args: &[&str]) -> String {
        let (name, email) = (
            format!("user.name={}", who.0),
            format!("user.email={}", who.1),
        );
        let mut all = vec!["-c", &name, "-c", &email, "merge", "-q", "--no-edit"];
        all.extend_from_slice(args);
        self.git(&all);
        self.tick();
        self.git(&["rev-parse", "HEAD"])
    }

    /// Move the clock on by a day.
    pub fn tick(&self) {
        self.clock.set(self.clock.get() + 86_400);
    }

    /// Whether git calls the commit's signature good (`git verify-commit`),
    /// with `signers` as the allowed-signers file.
    pub fn signature_is_good(&self, rev: &str, signers: &str) -> bool {
        let file = self.dir.path().join("keys/allowed_signers");
        std::fs::write(&file, signers).unwrap();
        let cfg = format!("gpg.ssh.allowedSignersFile={}", file.display());
        self.git_env(&["-c", &cfg, "verify-commit", rev], &[])
            .status
            .success()
    }

    /// The parents of a commit.
    pub fn parents(&self, rev: &str) -> Vec<String> {
        self.git(&["rev-list", "--parents", "-n", "1", rev])
            .split_whitespace()
            .skip(1)
            .map(str::to_owned)
            .collect()
    }

    /// aiclear run in `sub` (a folder of the repository, "" for its top).
    pub fn aiclear_in(&self, sub: &str, args: &[&str]) -> Output {
        let mut cmd = Command::new(super::bin());
        cmd.current_dir(self.path().join(sub)).args(args);
        isolate(&mut cmd, &self.home());
        cmd.output().expect("aiclear runs")
    }

    pub fn aiclear(&self, args: &[&str]) -> Output {
        self.aiclear_in("", args)
    }

    /// `aiclear check --format json ARGS` in `sub`: the report and exit code.
    pub fn check_in(&self, sub: &str, args: &[&str]) -> (Value, i32) {
        let mut all = vec!["check", "--format", "json"];
        all.extend_from_slice(args);
        let out = self.aiclear_in(sub, &all);
        (json_of(&out), out.status.code().unwrap_or(-1))
    }

    /// `aiclear check --format json ARGS` at the repository's top.
    pub fn check(&self, args: &[&str]) -> (Value, i32) {
        self.check_in("", args)
    }

    /// `aiclear check --base main --format json ARGS`.
    pub fn range(&self, args: &[&str]) -> (Value, i32) {
        let mut all = vec!["--base", "main"];
        all.extend_from_slice(args);
        self.check(&all)
    }

    /// `aiclear report --format json ARGS`.
    pub fn report(&self, args: &[&str]) -> Value {
        let mut all = vec!["report", "--format", "json"];
        all.extend_from_slice(args);
        json_of(&self.aiclear(&all))
    }
}

pub const CONFIG: &str =
    "approvers:\n  - { email: mei.chen@netflix.example.com, name: Mei Chen }\n";
pub const SIGNED_CONFIG: &str = "require-signed-approvals: true\napprovers:\n  - { email: mei.chen@netflix.example.com, name: Mei Chen }\n";

/// A Fountain script declaring `uses` after its title page.
pub fn fountain(uses: &str) -> String {
    format!(
        "Title: THE LAST SIGNAL\nAuthor: Dana Writer\n\n/*\n---\ngenai:\n  disclosed: {{ to: \"Mei Chen\", on: 2025-09-02 }}\n  uses:\n{uses}---\n*/\n\nINT. RELAY STATION - NIGHT\n\nThe relay hums.\n"
    )
}

/// A Fountain script that declares no AI use.
pub const NONE: &str = "Title: THE LAST SIGNAL\nAuthor: Dana Writer\n\n/*\n---\ngenai: none\n---\n*/\n\nINT. RELAY STATION - NIGHT\n\nThe relay hums.\n";

/// The JSON document a run printed.
pub fn json_of(out: &Output) -> Value {
    let stdout = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}), exit {:?}: {stdout}\nstderr: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// The diagnostics of a report with `code`.
pub fn with_code<'a>(report: &'a Value, code: &str) -> Vec<&'a Value> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == code)
        .collect()
}

static NULL: Value = Value::Null;

/// A failed expectation.
#[track_caller]
fn fail(message: String) {
    panic!("{message}");
}

/// Assert a check's exit code, printing the report when it differs.
#[track_caller]
pub fn expect_exit(report: &Value, code: i32, expected: i32) {
    if code != expected {
        fail(format!("exit {code}, expected {expected}: {report:#}"));
    }
}

/// The first diagnostic with `code` and `severity` that `matches`.
#[track_caller]
pub fn expect_where<'a>(
    report: &'a Value,
    code: &str,
    severity: &str,
    what: &str,
    matches: impl Fn(&Value) -> bool,
) -> &'a Value {
    let found = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == code && d["severity"] == severity && matches(d));
    match found {
        Some(d) => d,
        None => {
            fail(format!("no {severity} {code} {what} in {report:#}"));
            &NULL
        }
    }
}

/// The first diagnostic with `code` at `path` and `severity`.
#[track_caller]
pub fn expect<'a>(report: &'a Value, code: &str, path: &str, severity: &str) -> &'a Value {
    expect_where(report, code, severity, &format!("at `{path}`"), |d| {
        d["path"] == path
    })
}

/// Assert there is no diagnostic with `code` and `severity`.
#[track_caller]
pub fn expect_no(report: &Value, code: &str, severity: &str) {
    if with_code(report, code)
        .iter()
        .any(|d| d["severity"] == severity)
    {
        fail(format!("unexpected {severity} {code} in {report:#}"));
    }
}

/// Assert a check passed without a single diagnostic.
#[track_caller]
pub fn expect_clean(report: &Value, code: i32) {
    if code != 0 || !report["diagnostics"].as_array().unwrap().is_empty() {
        fail(format!("exit {code}, expected a clean pass: {report:#}"));
    }
}

/// Assert that a diagnostic's `field` (`message`, `help` …) contains `needle`.
#[track_caller]
pub fn expect_in(d: &Value, field: &str, needle: &str) {
    if !d[field].to_string().contains(needle) {
        fail(format!("its {field} lacks `{needle}`: {d:#}"));
    }
}

/// Assert that a diagnostic's message, notes or help contain `needle`.
#[track_caller]
pub fn expect_text(d: &Value, needle: &str) {
    if !text(d).contains(needle) {
        fail(format!("it does not mention `{needle}`: {d:#}"));
    }
}

/// Assert that a value is not `unexpected`.
#[track_caller]
pub fn expect_ne(actual: &Value, unexpected: &str, context: &Value) {
    if actual == unexpected {
        fail(format!("{actual} is {unexpected:?}: {context:#}"));
    }
}

/// Assert that a value is `expected`.
#[track_caller]
pub fn expect_eq(actual: &Value, expected: &str, context: &Value) {
    if actual != expected {
        fail(format!("{actual} is not {expected:?}: {context:#}"));
    }
}

/// Assert a run's exit code and that its stdout or stderr contains `needle`.
#[track_caller]
pub fn expect_run(out: &Output, code: i32, needle: &str) {
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if out.status.code() != Some(code) || !all.contains(needle) {
        fail(format!(
            "exit {:?}, expected {code} and `{needle}`: {all}",
            out.status.code()
        ));
    }
}

/// Every text of a diagnostic (message, notes, help) in one string.
pub fn text(d: &Value) -> String {
    format!("{} {} {}", d["message"], d["notes"], d["help"])
}
