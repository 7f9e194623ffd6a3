//! The only module that touches git2.
//!
//! The repository is opened with `Repository::open_from_env`, so that a hook
//! sees what git is committing: `GIT_DIR`, `GIT_INDEX_FILE` (the temporary
//! index of `git commit -a` and `git commit PATH`) and friends are honoured.

#![allow(
    clippy::disallowed_types,
    clippy::disallowed_methods,
    reason = "this module is the one place that uses git2"
)]

pub mod history;
pub mod hooks_dir;
mod index_paths;

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context as _, Result};
use git2::Repository;

use crate::names::Listing;

/// A commit's id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CommitId(git2::Oid);

impl CommitId {
    /// The first ten hex digits.
    pub fn short(&self) -> String {
        self.0.to_string()[..10].to_owned()
    }
}

impl std::fmt::Display for CommitId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::str::FromStr for CommitId {
    type Err = anyhow::Error;

    fn from_str(s: &str) -> Result<CommitId> {
        Ok(CommitId(git2::Oid::from_str(s)?))
    }
}

/// An open repository and where the project root sits inside it.
pub struct Repo {
    repo: Repository,
    /// The index, read once: a hook reads many files from it.
    index: std::cell::OnceCell<git2::Index>,
    /// How the index differs from `HEAD`, computed once.
    staged: std::cell::OnceCell<Staged>,
    /// A `git diff --cached` started before the repository was opened.
    pending: std::cell::RefCell<Option<std::process::Child>>,
}

/// Let libgit2 keep the trees it parses: walking history reads the same
/// folders again and again, and trees above 4 KiB (any folder of a few
/// hundred files) are not cached by default.
///
/// # Safety
/// This writes libgit2's global settings without synchronization: call it
/// before any other thread exists and before any repository is opened.
pub unsafe fn tune_cache() {
    // SAFETY: the caller guarantees no other thread is using libgit2.
    unsafe {
        let _ = git2::opts::set_cache_object_limit(git2::ObjectType::Tree, 4 << 20);
        let _ = git2::opts::set_cache_object_limit(git2::ObjectType::Commit, 64 << 10);
    }
}

impl Repo {
    /// Open the repository around the current directory, honouring git's
    /// environment. `None` outside a repository.
    pub fn open_from_env() -> Option<Repo> {
        Repo::open(false)
    }

    /// Open the repository; with `staged`, first start git listing what is
    /// staged, so that git reads the index while the repository opens.
    pub fn open(staged: bool) -> Option<Repo> {
        let pending = if staged {
            staged_diff().spawn().ok()
        } else {
            None
        };
        // Like git itself, trust the object database's integrity instead of
        // re-hashing every object read: walking history reads many.
        git2::opts::strict_hash_verification(false);
        Repository::open_from_env().ok().map(|repo| Repo {
            repo,
            index: std::cell::OnceCell::new(),
            staged: std::cell::OnceCell::new(),
            pending: std::cell::RefCell::new(pending),
        })
    }

    /// The repository holding `dir`, searched upwards from it as git does
    /// from its current folder; `None` outside any.
    pub fn discover(dir: &Path) -> Option<Repo> {
        git2::opts::strict_hash_verification(false);
        Repository::discover(dir).ok().map(|repo| Repo {
            repo,
            index: std::cell::OnceCell::new(),
            staged: std::cell::OnceCell::new(),
            pending: std::cell::RefCell::new(None),
        })
    }

    /// The repository at `path`, for tests.
    #[cfg(test)]
    pub(crate) fn open_at(path: &Path) -> Repo {
        Repo {
            repo: Repository::open(path).expect("a repository"),
            index: std::cell::OnceCell::new(),
            staged: std::cell::OnceCell::new(),
            pending: std::cell::RefCell::new(None),
        }
    }

    fn index(&self) -> Result<&git2::Index> {
        if let Some(index) = self.index.get() {
            return Ok(index);
        }
        let index = self.repo.index().context("reading the index")?;
        Ok(self.index.get_or_init(|| index))
    }

    /// The repository's git folder (a linked work tree's own).
    pub fn git_dir(&self) -> &Path {
        self.repo.path()
    }

    /// The top of the work tree; `None` for a bare repository.
    pub fn workdir(&self) -> Option<&Path> {
        self.repo.workdir()
    }

    /// Files under `prefix` (repo-relative, `/`-separated, empty or ending in
    /// `/`) that are tracked and present, or untracked and not ignored; the
    /// names that are not UTF-8 apart.
    pub fn worktree_files(&self, prefix: &str) -> Result<Listing> {
        let workdir = self.workdir().context("the repository has no work tree")?;
        // The walk for untracked files runs while the index loads.
        let (tracked, untracked) = std::thread::scope(|s| {
            // Sorted there too, so that only a merge is left for after.
            let walk = s.spawn(|| {
                let mut found = untracked_files(workdir, prefix);
                found.sort();
                found
            });
            let tracked = self.tracked_files(prefix);
            (tracked, walk.join().unwrap_or_default())
        });
        let mut files = tracked?;
        files.files.extend(untracked.files);
        files.bad_names.extend(untracked.bad_names);
        files.sort();
        Ok(files)
    }

    /// Paths in the index under `prefix`, in no particular order.
    fn tracked_files(&self, prefix: &str) -> Result<Listing> {
        // The index libgit2 reads is another file under `GIT_INDEX_FILE`.
        if std::env::var_os("GIT_INDEX_FILE").is_none()
            && let Ok(bytes) = std::fs::read(self.repo.path().join("index"))
            && let Some(listing) = index_paths::paths(&bytes, prefix.as_bytes())
        {
            return Ok(listing);
        }
        let index = self.index()?;
        let mut listing = Listing::default();
        for entry in index.iter() {
            // A tracked file deleted from the work tree reads as absent later.
            if entry.path.starts_with(prefix.as_bytes()) {
                listing.push_bytes(&entry.path);
            }
        }
        Ok(listing)
    }

    /// Paths staged for commit under `prefix`: added, modified, renamed or
    /// copied between `HEAD` (nothing, before the first commit) and the index.
    pub fn staged_files(&self, prefix: &str) -> Result<Vec<String>> {
        Ok(self
            .staged()?
            .paths
            .iter()
            .filter(|p| p.starts_with(prefix))
            .cloned()
            .collect())
    }

    /// Staged paths under `prefix` whose names are not UTF-8, escaped.
    pub fn staged_bad_names(&self, prefix: &str) -> Result<Vec<String>> {
        Ok(self
            .staged()?
            .bad_names
            .iter()
            .filter(|p| p.starts_with(prefix))
            .cloned()
            .collect())
    }

    fn staged(&self) -> Result<&Staged> {
        if let Some(staged) = self.staged.get() {
            return Ok(staged);
        }
        let head = self.repo.head().ok().and_then(|h| h.peel_to_tree().ok());
        // git's own diff uses the index's cache-tree and skips unchanged
        // folders, where libgit2 loads and compares every entry (15 ms
        // against 85 ms on a 100,000-file index). git is there whenever a
        // hook runs; without it, libgit2 gives the same answer.
        let (changed, bad_names) = match self.staged_by_git() {
            Some(changed) => changed,
            None => self.staged_by_libgit2(head.as_ref())?,
        };
        let mut paths: Vec<String> = changed
            .iter()
            .filter(|(_, e)| e.is_some_and(|e| e.mode != GITLINK))
            .map(|(p, _)| p.clone())
            .collect();
        paths.sort();
        let staged = Staged {
            head: head.map(|t| t.id()),
            changed,
            paths,
            bad_names,
        };
        Ok(self.staged.get_or_init(|| staged))
    }

    /// Every path whose index entry differs from `HEAD`, from libgit2.
    fn staged_by_libgit2(&self, head: Option<&git2::Tree<'_>>) -> Result<Changed> {
        let index = self.index()?;
        let diff = self
            .repo
            .diff_tree_to_index(head, Some(index), None)
            .context("comparing the index with HEAD")?;
        let mut changed = HashMap::new();
        let mut bad = Vec::new();
        for delta in diff.deltas() {
            use git2::Delta::*;
            let file = delta.new_file();
            let path = match file.path_bytes().map(crate::names::utf8) {
                Some(Ok(path)) => path,
                Some(Err(escaped)) => {
                    if delta.status() != Deleted {
                        bad.push(escaped);
                    }
                    continue;
                }
                None => continue,
            };
            let entry = matches!(
                delta.status(),
                Added | Modified | Renamed | Copied | Typechange
            )
            .then(|| Entry {
                id: file.id(),
                mode: u32::from(file.mode()),
            });
            changed.insert(path.to_owned(), entry);
        }
        Ok((changed, bad))
    }

    /// Every path whose index entry differs from `HEAD`, as
    /// `git diff --cached --raw` lists them, when git runs.
    fn staged_by_git(&self) -> Option<Changed> {
        let child = match self.pending.borrow_mut().take() {
            Some(child) => child,
            None => {
                let mut command = staged_diff();
                // The index git is committing (GIT_INDEX_FILE) and the
                // repository (GIT_DIR) reach git through the inherited
                // environment; make them explicit in case they were
                // relative to another folder.
                command.current_dir(self.workdir()?);
                command.env("GIT_DIR", self.repo.path());
                if let Ok(index) = std::env::var("GIT_INDEX_FILE") {
                    command.env("GIT_INDEX_FILE", std::path::absolute(index).ok()?);
                }
                command.spawn().ok()?
            }
        };
        let out = child.wait_with_output().ok()?;
        if !out.status.success() {
            return None;
        }
        parse_raw_diff(&out.stdout)
    }

    /// Read a file's staged content: its blob in the index, which is
    /// `HEAD`'s wherever the diff lists no change. `None` when not staged.
    pub fn read_index(&self, path: &str) -> Result<Option<Vec<u8>>> {
        Ok(self.read_index_entry(path)?.and_then(Blob::into_bytes))
    }

    /// A path's entry in the index, read: a file, a symbolic link (its
    /// target), or something else; `None` when absent.
    pub fn read_index_entry(&self, path: &str) -> Result<Option<Blob>> {
        self.read_index_entry_within(path, u64::MAX)
    }

    /// [`Repo::read_index_entry`], but a file larger than `max` bytes is
    /// [`Blob::Large`], known by its object header without being inflated.
    pub fn read_index_entry_within(&self, path: &str, max: u64) -> Result<Option<Blob>> {
        let staged = self.staged()?;
        let (id, mode) = match staged.changed.get(path) {
            Some(Some(entry)) => (entry.id, entry.mode),
            Some(None) => return Ok(None),
            None => {
                let Some(head) = staged.head else {
                    return Ok(None);
                };
                let tree = self.repo.find_tree(head).context("reading HEAD's tree")?;
                match tree.get_path(Path::new(path)) {
                    Ok(e) => (e.id(), e.filemode() as u32),
                    Err(_) => return Ok(None),
                }
            }
        };
        self.blob(id, mode, path, max).map(Some)
    }

    /// Read the object an entry of `mode` names, unless it is a file larger
    /// than `max` bytes.
    fn blob(&self, id: git2::Oid, mode: u32, path: &str, max: u64) -> Result<Blob> {
        if mode & 0o170000 != 0o100000 && mode != LINK {
            return Ok(Blob::Other);
        }
        if max < u64::MAX && mode != LINK {
            let (size, _) = self
                .repo
                .odb()
                .and_then(|odb| odb.read_header(id))
                .with_context(|| format!("reading `{path}` from git"))?;
            if size as u64 > max {
                return Ok(Blob::Large(size as u64));
            }
        }
        let blob = self
            .repo
            .find_blob(id)
            .with_context(|| format!("reading `{path}` from git"))?;
        let bytes = blob.content().to_vec();
        Ok(if mode == LINK {
            Blob::Link(bytes)
        } else {
            Blob::File(bytes)
        })
    }
}

/// A path's content in a git snapshot (the index or a commit).
#[derive(Debug, PartialEq, Eq)]
pub enum Blob {
    File(Vec<u8>),
    /// A symbolic link: git stores its target's path.
    Link(Vec<u8>),
    /// A folder or a submodule.
    Other,
    /// A file larger than a read asked for, by its size: not read.
    Large(u64),
}

impl Blob {
    /// The stored bytes of a file or link, as a plain read gives them.
    pub fn into_bytes(self) -> Option<Vec<u8>> {
        match self {
            Blob::File(b) | Blob::Link(b) => Some(b),
            Blob::Other | Blob::Large(_) => None,
        }
    }
}

/// Where a symbolic link at `link` (a `/`-separated path in the
/// repository) leads: `None` when absolute or above the repository's top.
pub fn link_target(link: &str, target: &[u8]) -> Option<String> {
    let target = std::str::from_utf8(target).ok()?;
    if target.is_empty() || target.starts_with('/') || target.contains('\0') {
        return None;
    }
    let mut parts: Vec<&str> = link.split('/').collect();
    parts.pop();
    for part in target.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            name => parts.push(name),
        }
    }
    Some(parts.join("/"))
}

/// The mode of a symbolic link's entry.
const LINK: u32 = 0o120000;

/// Files under `prefix` in the work tree that git does not ignore: a
/// parallel walk that reads git's ignore files, instead of a full status
/// (which would also stat every tracked file to find modifications nobody
/// asked for).
fn untracked_files(workdir: &Path, prefix: &str) -> Listing {
    let found = std::sync::Mutex::new(Listing::default());
    ignore::WalkBuilder::new(workdir.join(prefix))
        .hidden(false)
        .ignore(false)
        .parents(true)
        .git_ignore(true)
        .git_global(true)
        .git_exclude(true)
        .require_git(false)
        .filter_entry(|e| {
            let is_dir = e.file_type().is_some_and(|t| t.is_dir());
            // Skip `.git` and nested repositories (submodules).
            e.file_name() != ".git" && !(is_dir && e.depth() > 0 && e.path().join(".git").exists())
        })
        .build_parallel()
        .run(|| {
            let found = &found;
            Box::new(move |entry| {
                if let Ok(entry) = entry
                    && !entry.file_type().is_some_and(|t| t.is_dir())
                    && let Some(rel) = below(entry.path(), workdir)
                    && let Ok(mut f) = found.lock()
                {
                    match crate::names::slash(rel) {
                        Ok(rel) => f.files.push(rel),
                        Err(bad) => f.bad_names.push(bad),
                    }
                }
                ignore::WalkState::Continue
            })
        });
    found.into_inner().unwrap_or_default()
}

/// `path` relative to `dir`: by its bytes when it is spelt from `dir` and a
/// `/`, as the walk spells it (comparing parts costs more than the rest of
/// a file's listing), else part by part.
fn below<'a>(path: &'a Path, dir: &Path) -> Option<&'a Path> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt as _;
        let dir = dir.as_os_str().as_bytes();
        let dir = dir.strip_suffix(b"/").unwrap_or(dir);
        if let Some(rest) = path.as_os_str().as_bytes().strip_prefix(dir)
            && let Some(rel) = rest.strip_prefix(b"/")
            && !rel.is_empty()
            && !rel.starts_with(b"/")
        {
            return Some(Path::new(std::ffi::OsStr::from_bytes(rel)));
        }
    }
    path.strip_prefix(dir).ok()
}

/// `git diff --cached`, listing every changed path with its new blob and
/// mode, from the current folder and git's environment. Paths are relative
/// to the top of the work tree whatever `diff.relative` says.
fn staged_diff() -> std::process::Command {
    let mut command = std::process::Command::new("git");
    command
        .args([
            "diff",
            "--cached",
            "--raw",
            "-z",
            "--no-renames",
            "--no-abbrev",
            "--no-relative",
            "--no-color",
            "--ignore-submodules=none",
        ])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null());
    command
}

/// Of `paths` (relative to the top of the work tree), those whose content in
/// the work tree differs from the index, as `git diff` sees it (filters and
/// line-ending conversion included), from the current folder and git's
/// environment. Empty when git cannot tell.
pub fn differ_from_work_tree(paths: &[String]) -> Vec<String> {
    if paths.is_empty() {
        return Vec::new();
    }
    let out = std::process::Command::new("git")
        .args([
            "diff",
            "--name-only",
            "-z",
            "--no-relative",
            "--no-ext-diff",
            "--no-color",
            "--",
        ])
        .args(paths.iter().map(|p| format!(":(top,literal){p}")))
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .output();
    match out {
        Ok(out) if out.status.success() => out
            .stdout
            .split(|&b| b == 0)
            .filter(|p| !p.is_empty())
            .map(|p| String::from_utf8_lossy(p).into_owned())
            .collect(),
        _ => Vec::new(),
    }
}

/// The trailers of a commit message, as `(key, value)` in order; `None`
/// when the message cannot be read for trailers.
pub fn message_trailers(message: &str) -> Option<Vec<(String, String)>> {
    let trailers = git2::message_trailers_strs(message).ok()?;
    Some(
        trailers
            .iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
    )
}

/// git's `user.email`, from the repository's configuration (which includes
/// the global one), or the global configuration outside a repository.
pub fn user_email() -> Option<String> {
    let config = match Repository::open_from_env() {
        Ok(repo) => repo.config().ok()?,
        Err(_) => git2::Config::open_default().ok()?,
    };
    config
        .get_string("user.email")
        .ok()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

/// The mode of a submodule's entry: a commit, not a file.
const GITLINK: u32 = 0o160000;

/// An index entry that differs from `HEAD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Entry {
    id: git2::Oid,
    mode: u32,
}

/// The index, as far as it differs from `HEAD`.
struct Staged {
    head: Option<git2::Oid>,
    /// Every changed path; `None` where the index has no entry (deleted or
    /// unmerged).
    changed: HashMap<String, Option<Entry>>,
    /// The staged files, sorted.
    paths: Vec<String>,
    /// Staged files whose names are not UTF-8, escaped.
    bad_names: Vec<String>,
}

/// Changed paths with their index entries, and the escaped names of staged
/// files that are not UTF-8.
type Changed = (HashMap<String, Option<Entry>>, Vec<String>);

/// Parse `git diff --raw -z --no-abbrev` output:
/// `:OLDMODE NEWMODE OLDID NEWID STATUS\0PATH\0`, repeated.
fn parse_raw_diff(out: &[u8]) -> Option<Changed> {
    let mut changed = HashMap::new();
    let mut bad = Vec::new();
    let mut fields = out.split(|&b| b == 0);
    while let Some(meta) = fields.next() {
        if meta.is_empty() {
            break;
        }
        let meta = std::str::from_utf8(meta.strip_prefix(b":")?).ok()?;
        let path = fields.next()?;
        let mut parts = meta.split(' ');
        let (_, mode, _, id, status) = (
            parts.next()?,
            parts.next()?,
            parts.next()?,
            parts.next()?,
            parts.next()?,
        );
        let mode = u32::from_str_radix(mode, 8).ok()?;
        let id = git2::Oid::from_str(id).ok()?;
        let entry = (matches!(status.as_bytes().first(), Some(b'A' | b'M' | b'T'))
            && !id.is_zero())
        .then_some(Entry { id, mode });
        match crate::names::utf8(path) {
            Ok(path) => {
                changed.insert(path.to_owned(), entry);
            }
            Err(escaped) if entry.is_some() => bad.push(escaped),
            Err(_) => {}
        }
    }
    Some((changed, bad))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_blob_larger_than_asked_is_known_by_its_size_unread() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let id = repo.blob(&[7u8; 5000]).unwrap();
        let tree = {
            let mut b = repo.treebuilder(None).unwrap();
            b.insert("plate.exr", id, 0o100644).unwrap();
            b.write().unwrap()
        };
        let sig = git2::Signature::now("a", "a@example.com").unwrap();
        let tree = repo.find_tree(tree).unwrap();
        let commit = repo.commit(None, &sig, &sig, "m", &tree, &[]).unwrap();
        let repo = Repo::open_at(dir.path());
        let at = CommitId(commit);
        assert_eq!(
            repo.read_at_entry_within(at, "plate.exr", 4096).unwrap(),
            Some(Blob::Large(5000))
        );
        assert!(matches!(
            repo.read_at_entry_within(at, "plate.exr", 5000).unwrap(),
            Some(Blob::File(b)) if b.len() == 5000
        ));
    }

    #[test]
    fn links_resolve_inside_the_repository_only() {
        assert_eq!(
            link_target("a/b/c.fountain", b"d.fountain").as_deref(),
            Some("a/b/d.fountain")
        );
        assert_eq!(
            link_target("a/b/c.fountain", b"../x/./d.fountain").as_deref(),
            Some("a/x/d.fountain")
        );
        assert_eq!(
            link_target("c.fountain", b"sub//d").as_deref(),
            Some("sub/d")
        );
        assert_eq!(link_target("a/c.fountain", b"../../d"), None);
        assert_eq!(link_target("a/c.fountain", b"/etc/passwd"), None);
        assert_eq!(link_target("a/c.fountain", b""), None);
        assert_eq!(link_target("a/c.fountain", b"\xff"), None);
    }

    #[test]
    fn raw_diff_output_is_read_with_modes_and_deletions() {
        let a = "1".repeat(40);
        let z = "0".repeat(40);
        let out = format!(
            ":000000 100644 {z} {a} A\0new file\0:100644 000000 {a} {z} D\0gone\0:100644 120000 {a} {a} T\0link\0"
        );
        let (changed, bad) = parse_raw_diff(out.as_bytes()).unwrap();
        assert!(bad.is_empty());
        let id = git2::Oid::from_str(&a).unwrap();
        assert_eq!(changed["new file"], Some(Entry { id, mode: 0o100644 }));
        assert_eq!(changed["gone"], None);
        assert_eq!(changed["link"], Some(Entry { id, mode: LINK }));
        assert!(parse_raw_diff(b"garbage\0").is_none());
    }
}
