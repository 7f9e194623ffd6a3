//! A small builder for real repositories with pinned dates.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Output;

pub struct TestRepo {
    pub dir: tempfile::TempDir,
    /// Seconds since the epoch of the next commit; each commit adds a day.
    clock: std::cell::Cell<i64>,
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

pub const WRITER: (&str, &str) = ("Dana Writer", "writer@lastsignal.example.com");
pub const APPROVER: (&str, &str) = ("Mei Chen", "mei.chen@netflix.example.com");

impl TestRepo {
    pub fn new() -> TestRepo {
        let dir = tempfile::tempdir().unwrap();
        let repo = TestRepo {
            dir,
            // A month ago, so that temp material is not yet old.
            clock: std::cell::Cell::new(now() - 30 * 86_400),
        };
        repo.git(&["init", "-q", "-b", "main"]);
        repo.git(&["config", "commit.gpgsign", "false"]);
        repo.git(&["config", "user.name", WRITER.0]);
        repo.git(&["config", "user.email", WRITER.1]);
        repo
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn git_output(&self, args: &[&str]) -> Output {
        let date = format!("@{} +0000", self.clock.get());
        super::isolation::git(self.path())
            .args(args)
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date)
            .output()
            .unwrap()
    }

    pub fn git(&self, args: &[&str]) -> String {
        let out = self.git_output(args);
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    pub fn write(&self, rel: &str, text: &str) {
        super::write(self.path(), rel, text);
    }

    pub fn remove(&self, rel: &str) {
        std::fs::remove_file(self.path().join(rel)).unwrap();
    }

    /// Commit everything as `who`, a day after the previous commit; the id.
    pub fn commit(&self, who: (&str, &str), message: &str) -> String {
        self.commit_with(who, message, &[])
    }

    pub fn commit_with(&self, who: (&str, &str), message: &str, extra: &[&str]) -> String {
        self.git(&["add", "-A"]);
        let author = format!("{} <{}>", who.0, who.1);
        let mut args = vec!["-c", "user.name", "-c", "user.email"];
        args.clear();
        let name = format!("user.name={}", who.0);
        let email = format!("user.email={}", who.1);
        args.extend([
            "-c",
            &name,
            "-c",
            &email,
            "commit",
            "-q",
            "--allow-empty",
            "-m",
            message,
            "--author",
            &author,
        ]);
        args.extend_from_slice(extra);
        self.git(&args);
        self.clock.set(self.clock.get() + 86_400);
        self.git(&["rev-parse", "HEAD"])
    }

    /// Move the clock to a given time (seconds since the epoch).
    pub fn set_clock(&self, t: i64) {
        self.clock.set(t);
    }

    pub fn clone_to(&self, args: &[&str]) -> tempfile::TempDir {
        let dest = tempfile::tempdir().unwrap();
        let url = format!("file://{}", self.path().display());
        let target: PathBuf = dest.path().join("clone");
        let mut all = vec!["clone", "-q"];
        all.extend_from_slice(args);
        all.push(&url);
        let t = target.to_str().unwrap().to_owned();
        all.push(&t);
        let out = self.git_output(&all);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        dest
    }
}
