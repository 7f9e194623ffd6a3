//! `aiclear hook install [--force]` and `aiclear hook uninstall`.
//!
//! A writer installs the hooks once and forgets them, so installing must never
//! lose a hook that was already there: a foreign `pre-commit` is moved to
//! `pre-commit.local` and aiclear's hook runs it first (the same arguments and
//! standard input, and its failure stops the commit), and `uninstall` puts it
//! back. The hooks are the scripts in `hooks/` at the root of this repository,
//! built into the binary, so that what `hook install` writes is what is
//! reviewed and shellchecked there. A marker line tells aiclear's hooks from
//! others; installing again over them rewrites them only when they changed.
//! The folder is the one git really runs hooks from (`core.hooksPath`,
//! linked worktrees), found by `git::hooks_dir`.

use std::fs;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use clap::Subcommand;

use super::exit;
use crate::git::Repo;
use crate::git::hooks_dir::HooksDir;

mod quiet;
mod reinstall;

pub(crate) use quiet::run_by_quiet_git_commit;
use reinstall::install_commands;

#[derive(Debug, Subcommand)]
pub enum HookCommand {
    /// Install the pre-commit and commit-msg hooks, chaining existing ones
    Install {
        /// Replace an existing hook that is not aiclear's instead of chaining it
        #[arg(long)]
        force: bool,
    },
    /// Remove aiclear's hooks and put back the hooks they chained
    Uninstall,
}

/// The line that marks a hook as aiclear's.
const MARKER: &str = "# aiclear-managed-hook";

/// The lines of the hook scripts' not-on-PATH message that say how to
/// install aiclear, as written in `hooks/`: `install` puts the commands
/// that install this aiclear again in their place (see [`install_commands`]).
const INSTALL_LINES: &str = concat!(
    "  = help: install it with Rust 1.89 or later, from its repository or from a checkout of it:\n",
    "              cargo install --locked --git <aiclear repository URL> aiclear\n",
    "              cargo install --locked --path <a checkout of aiclear>\n",
);

/// A hook aiclear installs: its git name and its script.
struct Hook {
    name: &'static str,
    script: &'static str,
}

const HOOKS: [Hook; 2] = [
    Hook {
        name: "pre-commit",
        script: include_str!("../../hooks/pre-commit"),
    },
    Hook {
        name: "commit-msg",
        script: include_str!("../../hooks/commit-msg"),
    },
];

impl Hook {
    /// The script as installed: LF line endings whatever the checkout did,
    /// and the commands that install this aiclear in its not-on-PATH message.
    fn content(&self) -> String {
        self.content_with(&install_commands())
    }

    fn content_with(&self, commands: &[String]) -> String {
        let text = self.script.replace("\r\n", "\n");
        if commands.is_empty() {
            return text;
        }
        let mut lines = String::from("  = help: install it with Rust 1.89 or later:\n");
        for c in commands {
            lines.push_str(&format!("              {c}\n"));
        }
        text.replace(INSTALL_LINES, &lines)
    }

    /// Where a hook that was here before is kept while aiclear's runs it.
    fn chained_name(&self) -> String {
        format!("{}.local", self.name)
    }
}

/// What `install` did to one hook.
#[derive(Debug, PartialEq, Eq)]
enum Installed {
    /// There was no hook.
    New,
    /// A foreign hook was moved aside and is run first; whether git ran it
    /// (it is executable).
    Chained { runnable: bool },
    /// A foreign hook was overwritten (`--force`).
    Replaced,
    /// aiclear's hook from another version was rewritten.
    Updated,
    /// aiclear's hook was already there, as it is now.
    Unchanged,
    /// A foreign hook is there and so is a chained one: nothing was touched.
    Blocked,
}

/// What `uninstall` did to one hook.
#[derive(Debug, PartialEq, Eq)]
enum Uninstalled {
    /// aiclear's hook was removed; whether a chained hook was put back.
    Removed { restored: bool },
    /// Only a chained hook was left: it was put back.
    Restored,
    /// The hook is not aiclear's: left alone.
    Foreign,
    /// No hook at all.
    Absent,
}

pub fn run(cmd: &HookCommand) -> Result<u8> {
    let Some(repo) = Repo::open_from_env() else {
        super::fail(
            "not inside a git repository: run `aiclear hook` from the production's repository",
            exit::USAGE,
        );
        return Ok(exit::USAGE);
    };
    let dir = repo.hooks_dir()?;
    let mut out = std::io::stdout().lock();
    match cmd {
        HookCommand::Install { force } => install(&dir, *force, &mut out),
        HookCommand::Uninstall => uninstall(&dir, &mut out),
    }
}

fn install(dir: &HooksDir, force: bool, out: &mut dyn Write) -> Result<u8> {
    fs::create_dir_all(&dir.path)
        .with_context(|| format!("creating the hooks folder `{}`", dir.path.display()))?;
    let mut code = exit::OK;
    for hook in &HOOKS {
        let path = dir.path.join(hook.name);
        let chained = dir.path.join(hook.chained_name());
        let shown = show(&path, dir);
        let shown_chained = show(&chained, dir);
        match install_one(hook, &dir.path, force)? {
            Installed::New => writeln!(out, "installed the {} hook `{shown}`", hook.name)?,
            Installed::Chained { runnable } => {
                writeln!(
                    out,
                    "installed the {} hook `{shown}`; the hook that was there is now `{shown_chained}` and runs first",
                    hook.name
                )?;
                if !runnable {
                    writeln!(
                        out,
                        "  note: `{shown_chained}` is not executable, so git did not run it and aiclear's hook will not either"
                    )?;
                }
            }
            Installed::Replaced => writeln!(
                out,
                "replaced the {} hook `{shown}` (`--force`: the hook that was there is gone)",
                hook.name
            )?,
            Installed::Updated => writeln!(
                out,
                "updated the {} hook `{shown}` to this version of aiclear",
                hook.name
            )?,
            Installed::Unchanged => writeln!(
                out,
                "the {} hook `{shown}` is already installed: nothing changed",
                hook.name
            )?,
            Installed::Blocked => {
                code = exit::USAGE;
                writeln!(
                    out,
                    "did not install the {} hook: `{shown}` is not aiclear's and `{shown_chained}` already holds a chained hook\n  help: merge or move one of them away and run `aiclear hook install` again, or replace `{shown}` with `aiclear hook install --force`",
                    hook.name
                )?;
            }
        }
    }
    if dir.shared
        && let Some(configured) = &dir.configured
    {
        writeln!(
            out,
            "note: `core.hooksPath` ({}) points outside this repository, so these hooks run for every repository that uses that folder",
            configured.display()
        )?;
    }
    if !aiclear_reachable() {
        let how = match install_commands().first() {
            Some(command) => format!("`{command}`"),
            None => "`cargo install --locked --path DIR` in a checkout of aiclear".into(),
        };
        writeln!(
            out,
            "warning: `aiclear` is not on PATH, so the hooks will refuse every commit until it is installed: {how}"
        )?;
    }
    Ok(code)
}

fn install_one(hook: &Hook, dir: &Path, force: bool) -> Result<Installed> {
    let path = dir.join(hook.name);
    let chained = dir.join(hook.chained_name());
    let content = hook.content();
    let outcome = match existing(&path)? {
        Existing::None => Installed::New,
        Existing::Ours(old) if old == content.as_bytes() => return Ok(Installed::Unchanged),
        Existing::Ours(_) => Installed::Updated,
        Existing::Foreign if force => Installed::Replaced,
        Existing::Foreign if exists(&chained)? => return Ok(Installed::Blocked),
        Existing::Foreign => {
            let runnable = is_executable(&path);
            fs::rename(&path, &chained).with_context(|| {
                format!("moving `{}` to `{}`", path.display(), chained.display())
            })?;
            Installed::Chained { runnable }
        }
    };
    if let Err(e) = write_script(&path, &content) {
        // Put a moved hook back rather than leave the repository without it.
        if matches!(outcome, Installed::Chained { .. }) {
            let _ = fs::rename(&chained, &path);
        }
        return Err(e);
    }
    Ok(outcome)
}

fn uninstall(dir: &HooksDir, out: &mut dyn Write) -> Result<u8> {
    for hook in &HOOKS {
        let shown = show(&dir.path.join(hook.name), dir);
        let shown_chained = show(&dir.path.join(hook.chained_name()), dir);
        match uninstall_one(hook, &dir.path)? {
            Uninstalled::Removed { restored: false } => {
                writeln!(out, "removed the {} hook `{shown}`", hook.name)?;
            }
            Uninstalled::Removed { restored: true } => writeln!(
                out,
                "removed the {} hook `{shown}` and put back the hook it chained (from `{shown_chained}`)",
                hook.name
            )?,
            Uninstalled::Restored => writeln!(
                out,
                "put back the chained {} hook `{shown}` (from `{shown_chained}`)",
                hook.name
            )?,
            Uninstalled::Foreign => writeln!(
                out,
                "left the {} hook `{shown}` alone: it is not aiclear's",
                hook.name
            )?,
            Uninstalled::Absent => {
                writeln!(out, "no {} hook to remove at `{shown}`", hook.name)?;
            }
        }
    }
    Ok(exit::OK)
}

fn uninstall_one(hook: &Hook, dir: &Path) -> Result<Uninstalled> {
    let path = dir.join(hook.name);
    let chained = dir.join(hook.chained_name());
    let restore = || -> Result<bool> {
        if !exists(&chained)? {
            return Ok(false);
        }
        fs::rename(&chained, &path).with_context(|| {
            format!(
                "moving `{}` back to `{}`",
                chained.display(),
                path.display()
            )
        })?;
        Ok(true)
    };
    Ok(match existing(&path)? {
        Existing::Ours(_) => {
            fs::remove_file(&path).with_context(|| format!("removing `{}`", path.display()))?;
            Uninstalled::Removed {
                restored: restore()?,
            }
        }
        Existing::Foreign => Uninstalled::Foreign,
        Existing::None if restore()? => Uninstalled::Restored,
        Existing::None => Uninstalled::Absent,
    })
}

/// What sits where a hook goes.
enum Existing {
    None,
    /// aiclear's hook, with its content.
    Ours(Vec<u8>),
    /// Anything else, including a symbolic link that leads nowhere.
    Foreign,
}

fn existing(path: &Path) -> Result<Existing> {
    if !exists(path)? {
        return Ok(Existing::None);
    }
    match fs::read(path) {
        Ok(bytes) if is_ours(&bytes) => Ok(Existing::Ours(bytes)),
        Ok(_) => Ok(Existing::Foreign),
        // A dangling link or a folder is not ours, and moving it aside is safe.
        Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::IsADirectory) => {
            Ok(Existing::Foreign)
        }
        Err(e) => Err(e).with_context(|| format!("reading `{}`", path.display())),
    }
}

fn is_ours(bytes: &[u8]) -> bool {
    bytes
        .split(|&b| b == b'\n')
        .any(|line| line.starts_with(MARKER.as_bytes()))
}

/// Whether anything (even a dangling symbolic link) is at `path`.
fn exists(path: &Path) -> Result<bool> {
    match fs::symlink_metadata(path) {
        Ok(_) => Ok(true),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e).with_context(|| format!("looking at `{}`", path.display())),
    }
}

/// Write the script beside its place and rename it there, so that a symbolic
/// link at `path` is replaced rather than written through, and git never runs
/// half a hook.
fn write_script(path: &Path, content: &str) -> Result<()> {
    let tmp = path.with_extension("aiclear-tmp");
    let write = || -> std::io::Result<()> {
        fs::write(&tmp, content)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&tmp, fs::Permissions::from_mode(0o755))?;
        }
        fs::rename(&tmp, path)
    };
    write()
        .inspect_err(|_| {
            let _ = fs::remove_file(&tmp);
        })
        .with_context(|| format!("writing `{}`", path.display()))
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(_: &Path) -> bool {
    true
}

/// A path as the user knows it: from the top of the work tree when inside it.
fn show(path: &Path, dir: &HooksDir) -> String {
    let rel = dir
        .workdir
        .as_deref()
        .and_then(|w| path.strip_prefix(w).ok())
        .unwrap_or(path);
    rel.display().to_string()
}

/// Whether the hooks will find `aiclear`: on PATH, or in cargo's bin folder,
/// which the hooks add for git GUIs that run them with a short PATH.
fn aiclear_reachable() -> bool {
    let exe = format!("aiclear{}", std::env::consts::EXE_SUFFIX);
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")));
    dirs.extend(cargo_home.map(|c| c.join("bin")));
    dirs.iter().any(|d| d.join(&exe).is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hooks_dir() -> (tempfile::TempDir, HooksDir) {
        let tmp = tempfile::tempdir().unwrap();
        let dir = HooksDir {
            path: tmp.path().join(".git/hooks"),
            configured: None,
            workdir: Some(tmp.path().to_path_buf()),
            shared: false,
        };
        (tmp, dir)
    }

    fn run_install(dir: &HooksDir, force: bool) -> (String, u8) {
        let mut out = Vec::new();
        let code = install(dir, force, &mut out).unwrap();
        (String::from_utf8(out).unwrap(), code)
    }

    fn run_uninstall(dir: &HooksDir) -> String {
        let mut out = Vec::new();
        assert_eq!(uninstall(dir, &mut out).unwrap(), exit::OK);
        String::from_utf8(out).unwrap()
    }

    fn read(dir: &HooksDir, name: &str) -> String {
        fs::read_to_string(dir.path.join(name)).unwrap()
    }

    const FOREIGN: &str = "#!/bin/sh\necho lint\n";

    fn put_foreign(dir: &HooksDir, name: &str) {
        fs::create_dir_all(&dir.path).unwrap();
        fs::write(dir.path.join(name), FOREIGN).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(dir.path.join(name), fs::Permissions::from_mode(0o755)).unwrap();
        }
    }

    #[test]
    fn scripts_are_marked_posix_sh_and_run_the_staged_check() {
        for hook in &HOOKS {
            let c = hook.content();
            assert!(c.starts_with("#!/bin/sh\n"), "{}", hook.name);
            assert!(is_ours(c.as_bytes()), "{}", hook.name);
            assert!(c.contains(&format!("\"${{hooks_dir}}/{}\"", hook.chained_name())));
            assert!(!c.contains('\r'));
        }
        assert!(
            HOOKS[0]
                .content()
                .contains("\naiclear check --staged\nstatus=$?\n")
        );
        assert!(
            HOOKS[1]
                .content()
                .contains("\naiclear check --staged --commit-msg \"$1\"\nstatus=$?\n")
        );
        for hook in &HOOKS {
            assert!(
                hook.content()
                    .trim_end()
                    .ends_with("MSG\nexit \"${status}\""),
                "{}",
                hook.name
            );
            assert!(hook.content().contains("\nthe commit was not made: "));
        }
        assert!(!is_ours(FOREIGN.as_bytes()));
    }

    #[test]
    fn the_install_message_names_real_commands() {
        for hook in &HOOKS {
            assert!(
                hook.script.replace("\r\n", "\n").contains(INSTALL_LINES),
                "{}",
                hook.name
            );
            let c = hook.content_with(&["cargo install --locked --path /src/aiclear".into()]);
            assert!(
                c.contains("  = help: install it with Rust 1.89 or later:\n              cargo install --locked --path /src/aiclear\n          then make sure"),
                "{c}"
            );
            assert!(!c.contains("<aiclear") && !c.contains("<a checkout"), "{c}");
        }
        // Built from this checkout, the tests' binary names it.
        let commands = install_commands();
        assert!(
            commands.contains(&format!(
                "cargo install --locked --path {}",
                crate::rules::shell_word(env!("CARGO_MANIFEST_DIR"))
            )),
            "{commands:?}"
        );
    }

    #[test]
    fn install_into_an_empty_folder_then_again() {
        let (_tmp, dir) = hooks_dir();
        let (out, code) = run_install(&dir, false);
        assert_eq!(code, exit::OK);
        assert!(
            out.contains("installed the pre-commit hook `.git/hooks/pre-commit`"),
            "{out}"
        );
        assert!(out.contains("installed the commit-msg hook `.git/hooks/commit-msg`"));
        assert_eq!(read(&dir, "pre-commit"), HOOKS[0].content());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(dir.path.join("commit-msg"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o755);
        }
        let before = fs::metadata(dir.path.join("pre-commit"))
            .unwrap()
            .modified()
            .unwrap();
        let (out, code) = run_install(&dir, false);
        assert_eq!(code, exit::OK);
        assert_eq!(
            out.matches("is already installed: nothing changed").count(),
            2,
            "{out}"
        );
        let after = fs::metadata(dir.path.join("pre-commit"))
            .unwrap()
            .modified()
            .unwrap();
        assert_eq!(before, after);
        // No temporary files are left behind.
        let mut names: Vec<_> = fs::read_dir(&dir.path)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, ["commit-msg", "pre-commit"]);
    }

    #[test]
    fn a_foreign_hook_is_chained_and_put_back() {
        let (_tmp, dir) = hooks_dir();
        put_foreign(&dir, "pre-commit");
        let (out, _) = run_install(&dir, false);
        assert!(
            out.contains(
                "the hook that was there is now `.git/hooks/pre-commit.local` and runs first"
            ),
            "{out}"
        );
        assert_eq!(read(&dir, "pre-commit.local"), FOREIGN);
        assert!(is_ours(read(&dir, "pre-commit").as_bytes()));
        // Again: ours is there, the chain stays.
        let (out, _) = run_install(&dir, false);
        assert_eq!(out.matches("nothing changed").count(), 2, "{out}");
        assert_eq!(read(&dir, "pre-commit.local"), FOREIGN);

        let out = run_uninstall(&dir);
        assert!(out.contains("put back the hook it chained"), "{out}");
        assert!(out.contains("removed the commit-msg hook"), "{out}");
        assert_eq!(read(&dir, "pre-commit"), FOREIGN);
        assert!(!dir.path.join("pre-commit.local").exists());
        assert!(!dir.path.join("commit-msg").exists());
        let out = run_uninstall(&dir);
        assert!(
            out.contains("left the pre-commit hook `.git/hooks/pre-commit` alone"),
            "{out}"
        );
        assert!(out.contains("no commit-msg hook to remove"), "{out}");
    }

    #[test]
    fn force_replaces_without_chaining() {
        let (_tmp, dir) = hooks_dir();
        put_foreign(&dir, "commit-msg");
        let (out, code) = run_install(&dir, true);
        assert_eq!(code, exit::OK);
        assert!(out.contains("replaced the commit-msg hook"), "{out}");
        assert!(!dir.path.join("commit-msg.local").exists());
        assert_eq!(read(&dir, "commit-msg"), HOOKS[1].content());
        let out = run_uninstall(&dir);
        assert!(
            out.contains("removed the commit-msg hook `.git/hooks/commit-msg`\n"),
            "{out}"
        );
        assert!(!dir.path.join("commit-msg").exists());
    }

    #[test]
    fn an_old_version_of_ours_is_updated_in_place() {
        let (_tmp, dir) = hooks_dir();
        fs::create_dir_all(&dir.path).unwrap();
        fs::write(
            dir.path.join("pre-commit"),
            format!("#!/bin/sh\n{MARKER}: pre-commit\nexec aiclear check --staged --old\n"),
        )
        .unwrap();
        let (out, _) = run_install(&dir, false);
        assert!(out.contains("updated the pre-commit hook"), "{out}");
        assert!(!dir.path.join("pre-commit.local").exists());
        assert_eq!(read(&dir, "pre-commit"), HOOKS[0].content());
    }

    #[test]
    fn a_foreign_hook_over_an_existing_chain_is_not_touched() {
        let (_tmp, dir) = hooks_dir();
        put_foreign(&dir, "pre-commit");
        put_foreign(&dir, "pre-commit.local");
        fs::write(dir.path.join("pre-commit"), "#!/bin/sh\necho other\n").unwrap();
        let (out, code) = run_install(&dir, false);
        assert_eq!(code, exit::USAGE);
        assert!(out.contains("did not install the pre-commit hook"), "{out}");
        assert!(out.contains("installed the commit-msg hook"), "{out}");
        assert_eq!(read(&dir, "pre-commit"), "#!/bin/sh\necho other\n");
        assert_eq!(read(&dir, "pre-commit.local"), FOREIGN);
    }

    #[test]
    fn only_a_chained_hook_left_is_put_back() {
        let (_tmp, dir) = hooks_dir();
        put_foreign(&dir, "commit-msg.local");
        let out = run_uninstall(&dir);
        assert!(
            out.contains("put back the chained commit-msg hook"),
            "{out}"
        );
        assert_eq!(read(&dir, "commit-msg"), FOREIGN);
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_is_replaced_not_written_through() {
        let (tmp, dir) = hooks_dir();
        fs::create_dir_all(&dir.path).unwrap();
        let target = tmp.path().join("shared-hook");
        fs::write(&target, FOREIGN).unwrap();
        std::os::unix::fs::symlink(&target, dir.path.join("pre-commit")).unwrap();
        run_install(&dir, false);
        assert_eq!(fs::read_to_string(&target).unwrap(), FOREIGN);
        assert!(
            fs::symlink_metadata(dir.path.join("pre-commit.local"))
                .unwrap()
                .file_type()
                .is_symlink()
        );
        run_uninstall(&dir);
        assert!(
            fs::symlink_metadata(dir.path.join("pre-commit"))
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_chained_hook_that_git_would_not_run_is_said_so() {
        let (_tmp, dir) = hooks_dir();
        fs::create_dir_all(&dir.path).unwrap();
        fs::write(dir.path.join("pre-commit"), FOREIGN).unwrap();
        let (out, _) = run_install(&dir, false);
        assert!(out.contains("is not executable"), "{out}");
    }

    #[test]
    fn shared_hooks_folder_is_pointed_out() {
        let (_tmp, mut dir) = hooks_dir();
        dir.configured = Some("~/githooks".into());
        dir.shared = true;
        let (out, _) = run_install(&dir, false);
        assert!(
            out.contains("`core.hooksPath` (~/githooks) points outside"),
            "{out}"
        );
    }
}
