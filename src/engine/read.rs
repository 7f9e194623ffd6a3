//! Reading project files from the work tree, the index or a commit's tree.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::{Mode, Project};
use crate::git::history::Range;
use anyhow::{Context as _, Result};

use crate::git::{Blob, CommitId, Repo};
use crate::source::Source;

use super::{MAX_FILE_BYTES, UsageError};

/// Reads project files from the work tree or the index.
pub(super) enum Files<'a> {
    /// The work tree; with `edited`, one file's text as an editor holds it
    /// instead of what is on disk.
    Worktree {
        root: &'a Path,
        edited: Option<Edited<'a>>,
    },
    Index {
        repo: &'a Repo,
        prefix: &'a str,
    },
    Tree {
        repo: &'a Repo,
        commit: CommitId,
        prefix: &'a str,
    },
}

/// A work-tree file's text as an editor holds it, not yet saved.
#[derive(Clone, Copy)]
pub(super) struct Edited<'a> {
    /// Relative to the project root, with `/` separators.
    pub(super) path: &'a str,
    pub(super) bytes: &'a [u8],
}

impl Edited<'_> {
    /// The edited text of `rel`, up to `limit` bytes, when it is the file edited.
    fn of(edited: Option<&Self>, rel: &str, limit: u64) -> Option<Content> {
        let e = edited.filter(|e| e.path == rel)?;
        let end = e
            .bytes
            .len()
            .min(usize::try_from(limit).unwrap_or(usize::MAX));
        Some(Content::Bytes(e.bytes[..end].to_vec()))
    }
}

/// A file's content, or why it cannot be read.
pub(super) enum Content {
    Bytes(Vec<u8>),
    Absent,
    Refused(String),
}

impl Files<'_> {
    pub(super) fn read(&self, rel: &str, limit: u64) -> Result<Content> {
        match self {
            Files::Worktree { root, edited } => match Edited::of(edited.as_ref(), rel, limit) {
                Some(content) => Ok(content),
                None => read_worktree(root, rel, limit),
            },
            Files::Index { prefix, .. } | Files::Tree { prefix, .. } => {
                self.read_git(prefix, rel, limit, u64::MAX)
            }
        }
    }

    /// [`Files::read`], but a git object larger than `whole` bytes is
    /// refused without being inflated (a work-tree file is not read whole
    /// by callers that set it: they open it, see [`open_worktree`]).
    pub(super) fn read_within(&self, rel: &str, limit: u64, whole: u64) -> Result<Content> {
        match self {
            Files::Worktree { root, edited } => match Edited::of(edited.as_ref(), rel, limit) {
                Some(content) => Ok(content),
                None => read_worktree(root, rel, limit),
            },
            Files::Index { prefix, .. } | Files::Tree { prefix, .. } => {
                self.read_git(prefix, rel, limit, whole)
            }
        }
    }

    /// A file in the index or a commit. A symbolic link is followed within
    /// the same snapshot, as the work tree would follow it.
    pub(super) fn read_git(
        &self,
        prefix: &str,
        rel: &str,
        limit: u64,
        whole: u64,
    ) -> Result<Content> {
        let mut path = format!("{prefix}{rel}");
        for hop in 0..8 {
            let blob = match self {
                Files::Index { repo, .. } => repo.read_index_entry_within(&path, whole)?,
                Files::Tree { repo, commit, .. } => {
                    repo.read_at_entry_within(*commit, &path, whole)?
                }
                Files::Worktree { .. } => unreachable!("work-tree files are read from disk"),
            };
            match blob {
                None if hop == 0 => return Ok(Content::Absent),
                None => {
                    return Ok(Content::Refused("it is a symbolic link to nothing".into()));
                }
                Some(Blob::File(mut b)) => {
                    b.truncate(limit as usize);
                    return Ok(Content::Bytes(b));
                }
                Some(Blob::Large(size)) => {
                    return Ok(Content::Refused(format!(
                        "it is {} MiB in git, more than aiclear reads whole",
                        size >> 20
                    )));
                }
                Some(Blob::Other) if hop == 0 => {
                    return Ok(Content::Refused("it is not a regular file".into()));
                }
                Some(Blob::Other) => {
                    return Ok(Content::Refused(
                        "it is a symbolic link to something that is not a regular file".into(),
                    ));
                }
                Some(Blob::Link(target)) => match crate::git::link_target(&path, &target) {
                    Some(next) if next.starts_with(prefix) => path = next,
                    _ => {
                        return Ok(Content::Refused(
                            "it is a symbolic link that points outside the project".into(),
                        ));
                    }
                },
            }
        }
        Ok(Content::Refused(
            "it is a chain of more than 8 symbolic links".into(),
        ))
    }

    /// A trust file (config, ledger, allowed signers, watchlist): read only
    /// when it is a regular file, never through a symbolic link.
    pub(super) fn read_plain(&self, rel: &str) -> Result<Content> {
        match self {
            Files::Worktree { root, edited } => {
                if let Some(content) = Edited::of(edited.as_ref(), rel, MAX_FILE_BYTES) {
                    return Ok(content);
                }
                // No part of the way may be a link either.
                let mut at = root.to_path_buf();
                for part in rel.split('/') {
                    at.push(part);
                    match std::fs::symlink_metadata(&at) {
                        Ok(m) if m.file_type().is_symlink() => {
                            return Ok(Content::Refused(format!(
                                "`{}` is a symbolic link",
                                at.strip_prefix(root)
                                    .map_or(rel.into(), |p| p.display().to_string())
                            )));
                        }
                        Ok(_) => {}
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                            return Ok(Content::Absent);
                        }
                        Err(_) => break,
                    }
                }
                read_worktree(root, rel, MAX_FILE_BYTES)
            }
            Files::Index { repo, prefix } => {
                plain_blob(repo.read_index_entry(&format!("{prefix}{rel}"))?)
            }
            Files::Tree {
                repo,
                commit,
                prefix,
            } => plain_blob(repo.read_at_entry(*commit, &format!("{prefix}{rel}"))?),
        }
    }

    /// A trust file as a source; a link or anything but a regular file is
    /// an error (exit 2).
    pub(super) fn read_config(&self, rel: &str) -> Result<Option<Source>> {
        match self.read_plain(rel)? {
            Content::Bytes(b) => Ok(Some(Source::new(rel, b))),
            Content::Absent => Ok(None),
            Content::Refused(why) => Err(UsageError::Message(format!(
                "cannot read `{rel}`: {why}; aiclear reads its configuration, ledger and allowed signers only from regular files, never through a link"
            ))
            .into()),
        }
    }
}

/// A git entry read as a trust file: only a regular file counts.
pub(super) fn plain_blob(blob: Option<Blob>) -> Result<Content> {
    Ok(match blob {
        None => Content::Absent,
        Some(Blob::File(mut b)) => {
            b.truncate(MAX_FILE_BYTES as usize);
            Content::Bytes(b)
        }
        Some(Blob::Link(_)) => Content::Refused("it is a symbolic link".into()),
        Some(Blob::Other) => Content::Refused("it is not a regular file".into()),
        Some(Blob::Large(_)) => Content::Refused("it is too large".into()),
    })
}

/// A work-tree file, opened.
pub(super) enum Opened {
    File(std::fs::File),
    Absent,
    Refused(String),
}

pub(super) fn read_worktree(root: &Path, rel: &str, limit: u64) -> Result<Content> {
    match open_worktree(root, rel)? {
        Opened::File(file) => read_open(file, rel, limit),
        Opened::Absent => Ok(Content::Absent),
        Opened::Refused(why) => Ok(Content::Refused(why)),
    }
}

/// Open a work-tree file without following a link out of the project.
pub(super) fn open_worktree(root: &Path, rel: &str) -> Result<Opened> {
    // `join` would grow its copy of `root` to fit `rel`: sized once here.
    let mut path = PathBuf::with_capacity(root.as_os_str().len() + 1 + rel.len());
    path.push(root);
    path.push(rel);
    // Opened without following a final symbolic link and without blocking
    // on a FIFO, then judged by what was opened: nothing can be swapped in
    // between a check and the open.
    match open_no_follow(&path) {
        Ok(file) => Ok(Opened::File(file)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Opened::Absent),
        Err(e) => match std::fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_symlink() => Ok(open_link(root, &path)),
            _ => Err(e).with_context(|| format!("reading `{rel}`")),
        },
    }
}

/// A file reached through a symbolic link: opened when the link leads to a
/// regular file inside the project.
fn open_link(root: &Path, path: &Path) -> Opened {
    let Ok(target) = path.canonicalize() else {
        return Opened::Refused("it is a symbolic link to nothing".into());
    };
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    if !target.starts_with(&root) {
        return Opened::Refused("it is a symbolic link that points outside the project".into());
    }
    match open_no_follow(&target) {
        Ok(file) if file.metadata().is_ok_and(|m| m.is_file()) => Opened::File(file),
        _ => {
            Opened::Refused("it is a symbolic link to something that is not a regular file".into())
        }
    }
}

pub(super) fn open_no_follow(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    #[cfg(not(unix))]
    if std::fs::symlink_metadata(path)?.file_type().is_symlink() {
        return Err(std::io::Error::other("a symbolic link"));
    }
    options.open(path)
}

/// Read up to `limit` bytes of an open file, if it is a regular file.
pub(super) fn read_open(file: std::fs::File, rel: &str, limit: u64) -> Result<Content> {
    let meta = file
        .metadata()
        .with_context(|| format!("reading `{rel}`"))?;
    if !meta.is_file() {
        return Ok(Content::Refused("it is not a regular file".into()));
    }
    // One allocation of the right size; a file no larger than it said
    // needs no read past its end to find that end.
    let want = meta.len().min(limit) as usize;
    let mut bytes = Vec::with_capacity(want + 1);
    let mut file = file.take(limit);
    if want > 0 {
        // Into the spare capacity, which is not zeroed first; the read
        // stops at `want` without asking the file for more.
        (&mut file)
            .take(want as u64)
            .read_to_end(&mut bytes)
            .with_context(|| format!("reading `{rel}`"))?;
        if bytes.len() < want || want as u64 == meta.len() {
            return Ok(Content::Bytes(bytes));
        }
    }
    // Empty by its metadata, or cut at `limit`: read on (a file that grew
    // since, or one whose size is not known beforehand).
    file.read_to_end(&mut bytes)
        .with_context(|| format!("reading `{rel}`"))?;
    Ok(Content::Bytes(bytes))
}

/// Where production files come from, and where the trust root (config,
/// approvers, allowed signers) comes from: the base of a range, never the
/// change under review.
pub(super) fn sources<'a>(
    project: &'a Project,
    mode: &Mode,
    range: Option<&Range>,
    edited: Option<Edited<'a>>,
) -> Result<(Files<'a>, Files<'a>)> {
    Ok(match (mode, range, &project.repo) {
        (Mode::Worktree { .. }, _, _) => (
            Files::Worktree {
                root: &project.root,
                edited,
            },
            Files::Worktree {
                root: &project.root,
                edited,
            },
        ),
        (Mode::Staged { .. }, _, Some(repo)) => (
            Files::Index {
                repo,
                prefix: &project.prefix,
            },
            Files::Index {
                repo,
                prefix: &project.prefix,
            },
        ),
        (Mode::Range { .. }, Some(r), Some(repo)) => (
            Files::Tree {
                repo,
                commit: r.head,
                prefix: &project.prefix,
            },
            Files::Tree {
                repo,
                commit: r.base,
                prefix: &project.prefix,
            },
        ),
        _ => {
            return Err(UsageError::Message("`--staged` needs a git repository".to_owned()).into());
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(content: Content) -> String {
        match content {
            Content::Bytes(b) => format!("bytes {}", String::from_utf8_lossy(&b)),
            Content::Absent => "absent".into(),
            Content::Refused(why) => format!("refused: {why}"),
        }
    }

    #[test]
    fn the_work_tree_gives_files_up_to_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.yml"), "genai: none\n").unwrap();
        let files = Files::Worktree {
            root: dir.path(),
            edited: None,
        };
        assert_eq!(
            shown(files.read("a.yml", 100).unwrap()),
            "bytes genai: none\n"
        );
        assert_eq!(shown(files.read("a.yml", 5).unwrap()), "bytes genai");
        assert_eq!(shown(files.read("b.yml", 100).unwrap()), "absent");
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        assert_eq!(
            shown(files.read("sub", 100).unwrap()),
            "refused: it is not a regular file"
        );
    }

    #[cfg(unix)]
    #[test]
    fn links_are_followed_inside_the_project_only() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("p")).unwrap();
        let root = dir.path().join("p");
        std::fs::write(root.join("a.yml"), "x").unwrap();
        std::fs::write(outside.path().join("secret"), "s").unwrap();
        std::os::unix::fs::symlink("a.yml", root.join("in.yml")).unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret"), root.join("out.yml")).unwrap();
        std::os::unix::fs::symlink("gone", root.join("dangling.yml")).unwrap();
        let files = Files::Worktree {
            root: &root,
            edited: None,
        };
        assert_eq!(shown(files.read("in.yml", 100).unwrap()), "bytes x");
        assert_eq!(
            shown(files.read("out.yml", 100).unwrap()),
            "refused: it is a symbolic link that points outside the project"
        );
        assert_eq!(
            shown(files.read("dangling.yml", 100).unwrap()),
            "refused: it is a symbolic link to nothing"
        );
        // A trust file is never reached through a link.
        assert_eq!(
            shown(files.read_plain("in.yml").unwrap()),
            "refused: `in.yml` is a symbolic link"
        );
        assert_eq!(shown(files.read_plain("a.yml").unwrap()), "bytes x");
        assert!(files.read_config("in.yml").is_err());
        assert!(files.read_config("none.yml").unwrap().is_none());
    }

    #[test]
    fn git_entries_count_as_trust_files_only_when_regular() {
        assert_eq!(shown(plain_blob(None).unwrap()), "absent");
        assert_eq!(
            shown(plain_blob(Some(Blob::Other)).unwrap()),
            "refused: it is not a regular file"
        );
        assert_eq!(
            shown(plain_blob(Some(Blob::Link(b"x".to_vec()))).unwrap()),
            "refused: it is a symbolic link"
        );
    }
}
