//! Whether a hook runs under `git commit -q`, read from the command line of
//! the `git` process that runs it.

use std::fs;

/// Whether this process runs under a hook of `git commit -q` (or `--quiet`,
/// or `git merge -q`), which then wants nothing said of a clean commit.
///
/// git tells its hooks nothing of `-q`: no argument, no variable. What is
/// reliable is the command line of the `git` process that runs the hook:
/// the nearest `git` among this process's ancestors (the hook script is its
/// child, or the pre-commit framework's hook runs in between), read from
/// `/proc` on Linux and from `ps` on other Unix systems. An alias (`git ci
/// -q`) is not resolved; anywhere else the answer is no, and the one-line
/// result is printed as usual.
pub(crate) fn run_by_quiet_git_commit() -> bool {
    let mut pid = std::process::id();
    for _ in 0..4 {
        let Some((parent, args)) = parent_of(pid) else {
            return false;
        };
        if is_git(&args) {
            return git_commit_is_quiet(&args);
        }
        if parent <= 1 {
            return false;
        }
        pid = parent;
    }
    false
}

fn is_git(args: &[String]) -> bool {
    args.first().is_some_and(|a| {
        let name = a.rsplit(['/', '\\']).next().unwrap_or(a);
        name == "git" || name == "git.exe"
    })
}

/// The parent of process `pid`, and the parent's arguments.
#[cfg(target_os = "linux")]
fn parent_of(pid: u32) -> Option<(u32, Vec<String>)> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // `pid (comm) state ppid …`, where comm may hold spaces and parentheses.
    let after = &stat[stat.rfind(')')? + 1..];
    let parent: u32 = after.split_whitespace().nth(1)?.parse().ok()?;
    let cmdline = fs::read(format!("/proc/{parent}/cmdline")).ok()?;
    let args = cmdline
        .split(|&b| b == 0)
        .filter(|a| !a.is_empty())
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .collect();
    Some((parent, args))
}

/// The parent of process `pid`, and the parent's arguments (split on
/// spaces: `ps` joins them).
#[cfg(all(unix, not(target_os = "linux")))]
fn parent_of(pid: u32) -> Option<(u32, Vec<String>)> {
    let ps = |what: &str, of: u32| -> Option<String> {
        let out = std::process::Command::new("ps")
            .args(["-o", what, "-p", &of.to_string()])
            .stdin(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
    };
    let parent: u32 = ps("ppid=", pid)?.parse().ok()?;
    let args = ps("command=", parent)?
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    Some((parent, args))
}

#[cfg(not(unix))]
fn parent_of(_: u32) -> Option<(u32, Vec<String>)> {
    None
}

/// Whether a `git` command line (`git [global options] commit [options]`)
/// asks for quiet: `-q` alone or among other short options (`-qam`), or
/// `--quiet` (any unique abbreviation, the last of `--quiet` and
/// `--no-quiet` winning), before `--`. An option's value (`-m "-q"`) is not
/// an option.
fn git_commit_is_quiet(args: &[String]) -> bool {
    // git's own options that take the next argument as their value.
    const GIT_VALUED: &[&str] = &[
        "-C",
        "-c",
        "--git-dir",
        "--work-tree",
        "--namespace",
        "--config-env",
        "--super-prefix",
        "--exec-path",
        "--list-cmds",
    ];
    // Short options of `commit` and `merge` with a value, and those whose
    // value can only be attached (`-uno`, `-Skey`).
    const SHORT_VALUED: &[char] = &['m', 'F', 'c', 'C', 't', 's', 'X'];
    const SHORT_ATTACHED: &[char] = &['u', 'S'];
    const LONG_VALUED: &[&str] = &[
        "--message",
        "--file",
        "--reuse-message",
        "--reedit-message",
        "--template",
        "--author",
        "--date",
        "--cleanup",
        "--fixup",
        "--squash",
        "--trailer",
        "--pathspec-from-file",
        "--strategy",
        "--strategy-option",
        "--into-name",
    ];
    let mut rest = args.iter().skip(1);
    let sub = loop {
        let Some(a) = rest.next() else {
            return false;
        };
        if GIT_VALUED.contains(&a.as_str()) {
            rest.next();
        } else if !a.starts_with('-') {
            break a;
        }
    };
    if sub != "commit" && sub != "merge" {
        return false;
    }
    let mut quiet = false;
    while let Some(a) = rest.next() {
        if a == "--" {
            break;
        }
        if let Some(long) = a.strip_prefix("--") {
            let name = long.split('=').next().unwrap_or(long);
            if !name.is_empty() && "quiet".starts_with(name) {
                quiet = true;
            } else if name.len() > 3 && "no-quiet".starts_with(name) {
                quiet = false;
            } else if !long.contains('=') && LONG_VALUED.contains(&a.as_str()) {
                rest.next();
            }
        } else if let Some(short) = a.strip_prefix('-') {
            for (i, c) in short.char_indices() {
                if c == 'q' {
                    quiet = true;
                } else if SHORT_ATTACHED.contains(&c) {
                    break;
                } else if SHORT_VALUED.contains(&c) {
                    if i + c.len_utf8() == short.len() {
                        rest.next();
                    }
                    break;
                }
            }
        }
    }
    quiet
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quiet(line: &str) -> bool {
        let args: Vec<String> = line.split(' ').map(str::to_owned).collect();
        git_commit_is_quiet(&args)
    }

    #[test]
    fn quiet_commits_are_told_from_the_command_line() {
        for line in [
            "git commit -q",
            "git commit -q -m x",
            "git commit -qam x",
            "git commit -aq",
            "git commit --quiet",
            "git commit --qui -m x",
            "/usr/bin/git -C repo -c user.name=x commit -m msg -q",
            "git --no-pager commit -vq",
            "git commit --no-quiet --quiet",
            "git merge -q topic",
        ] {
            assert!(quiet(line), "{line}");
        }
        for line in [
            "git commit",
            "git commit -m -q",
            "git commit -mq",
            "git commit -am -q",
            "git commit --message -q",
            "git commit -F -q",
            "git commit --quiet --no-quiet",
            "git commit -- -q",
            "git commit -uq",
            "git -c -q commit",
            "git ci -q",
            "git status -q",
            "git",
        ] {
            assert!(!quiet(line), "{line}");
        }
    }
}
