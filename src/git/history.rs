//! Reading history: trees at a revision, the changes of a range, the commits
//! in it, and where a ledger entry or a use came from.
//!
//! Range checks must cost in proportion to the range and to the ledger's own
//! history, not to the whole repository's: commits are walked newest first,
//! a file's blob is compared with its parents' before anything is parsed, and
//! each walk stops as soon as everything it looks for is found.

use std::collections::HashMap;
use std::path::Path;

use anyhow::Result;
use git2::{Commit, DiffFindOptions, DiffOptions, Oid, Sort, Tree};

mod origins;

use super::{CommitId, Repo};
use crate::names::Listing;

/// Why a range cannot be checked (exit code 3).
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error(
        "the repository is a shallow clone: the history that approvals and declarations are traced through is missing"
    )]
    Shallow,
    #[error("the base revision `{0}` is not in this repository")]
    MissingBase(String),
    #[error("the head revision `{0}` is not in this repository")]
    MissingHead(String),
    #[error("`{base}` and `{head}` have no common ancestor in this repository")]
    NoMergeBase { base: String, head: String },
}

impl HistoryError {
    /// The exact fix to print.
    pub fn fix(&self) -> String {
        match self {
            HistoryError::Shallow => "fetch the whole history: `git fetch --unshallow` (in GitHub Actions: `actions/checkout` with `fetch-depth: 0`)".into(),
            HistoryError::MissingBase(rev) => format!(
                "fetch it: `git fetch origin {rev}` (in GitHub Actions: `actions/checkout` with `fetch-depth: 0`)"
            ),
            HistoryError::MissingHead(rev) => format!("fetch it: `git fetch origin {rev}`"),
            HistoryError::NoMergeBase { .. } => {
                "fetch the whole history of both: `git fetch --unshallow origin` (in GitHub Actions: `actions/checkout` with `fetch-depth: 0`)".into()
            }
        }
    }
}

/// One commit, as the history rules see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommitInfo {
    pub id: String,
    pub author_name: String,
    pub author_email: String,
    /// Author time, seconds since the epoch.
    pub time: i64,
    /// Committer time, seconds since the epoch (when a signature was made).
    pub committer_time: i64,
    pub summary: String,
    pub message: String,
}

impl CommitInfo {
    fn of(c: &Commit) -> CommitInfo {
        let a = c.author();
        CommitInfo {
            id: c.id().to_string(),
            author_name: String::from_utf8_lossy(a.name_bytes()).into_owned(),
            author_email: String::from_utf8_lossy(a.email_bytes()).into_owned(),
            time: a.when().seconds(),
            committer_time: c.committer().when().seconds(),
            summary: String::from_utf8_lossy(c.summary_bytes().unwrap_or_default()).into_owned(),
            message: String::from_utf8_lossy(c.message_bytes()).into_owned(),
        }
    }

    pub fn short(&self) -> &str {
        &self.id[..self.id.len().min(10)]
    }

    /// `abc1234567 "summary" by Name <email>`.
    pub fn describe(&self) -> String {
        format!(
            "{} \"{}\" by {} <{}>",
            self.short(),
            self.summary,
            self.author_name,
            self.author_email
        )
    }

    /// `introduced in commit abc "summary" by Name <email>`, for notes.
    pub fn introduced(&self) -> String {
        format!("introduced in commit {}", self.describe())
    }
}

/// A file changed by a range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// The path at the merge base (differs from `path` for a rename).
    pub old_path: Option<String>,
    /// The path at head; `None` when deleted.
    pub path: Option<String>,
}

/// Reads the keys of one version of a file, with their values.
pub type Extract<'a> = Box<dyn Fn(&[u8]) -> HashMap<String, String> + 'a>;

/// A path a commit changed, with its blob before and after (`None` where
/// the path is absent).
#[derive(Clone, Debug)]
pub struct Delta {
    pub path: String,
    pub old: Option<Oid>,
    pub new: Option<Oid>,
}

/// The paths a pruned diff looks for, and the folders that lead to them
/// (each ending in `/`).
#[derive(Default)]
pub struct Wanted {
    paths: std::collections::HashSet<String>,
    dirs: std::collections::HashSet<String>,
}

impl Wanted {
    pub fn new<'a>(paths: impl IntoIterator<Item = &'a str>) -> Wanted {
        let mut wanted = Wanted::default();
        for path in paths {
            let mut end = 0;
            while let Some(slash) = path[end..].find('/') {
                end += slash + 1;
                wanted.dirs.insert(path[..end].to_owned());
            }
            wanted.paths.insert(path.to_owned());
        }
        wanted
    }
}

/// git's order of tree entries: by name, a folder's name as if it ended in
/// `/`.
fn git_order(a: &[u8], a_dir: bool, b: &[u8], b_dir: bool) -> std::cmp::Ordering {
    let n = a.len().min(b.len());
    a[..n].cmp(&b[..n]).then_with(|| {
        let end = |name: &[u8], dir: bool| match name.get(n) {
            Some(&c) => c,
            None if dir => b'/',
            None => 0,
        };
        end(a, a_dir).cmp(&end(b, b_dir))
    })
}

/// Where each key of one [`OriginRequest`] came from.
pub type Origins = HashMap<String, CommitInfo>;

/// One path whose keys [`Repo::origins_many`] traces.
pub struct OriginRequest<'a> {
    pub path: String,
    pub wanted: Vec<String>,
    /// The keys a version of the file gives, with their values.
    pub extract: Extract<'a>,
}

/// A resolved range: the merge base of base and head, and head.
#[derive(Clone, Debug)]
pub struct Range {
    pub base: CommitId,
    pub head: CommitId,
    pub merge_base: CommitId,
}

impl Repo {
    fn commit(&self, id: Oid) -> Result<Commit<'_>> {
        Ok(self.repo.find_commit(id)?)
    }

    /// Resolve `base...head`, or say why the history is insufficient.
    pub fn range(&self, base: &str, head: &str) -> Result<Range, HistoryError> {
        if self.repo.is_shallow() {
            return Err(HistoryError::Shallow);
        }
        let resolve = |rev: &str| {
            self.repo
                .revparse_single(rev)
                .and_then(|o| o.peel_to_commit())
                .map(|c| c.id())
        };
        let base_id = resolve(base).map_err(|_| HistoryError::MissingBase(base.to_owned()))?;
        let head_id = resolve(head).map_err(|_| HistoryError::MissingHead(head.to_owned()))?;
        let merge_base =
            self.repo
                .merge_base(base_id, head_id)
                .map_err(|_| HistoryError::NoMergeBase {
                    base: base.to_owned(),
                    head: head.to_owned(),
                })?;
        Ok(Range {
            base: CommitId(base_id),
            head: CommitId(head_id),
            merge_base: CommitId(merge_base),
        })
    }

    /// What `rev` names when it is not a commit (or a tag of one): `tree`,
    /// `blob`; `None` for a commit or a revision that does not resolve.
    pub fn non_commit_kind(&self, rev: &str) -> Option<&'static str> {
        let object = self.repo.revparse_single(rev).ok()?;
        Some(match object.kind() {
            Some(git2::ObjectType::Commit) => return None,
            Some(git2::ObjectType::Tag) if object.peel_to_commit().is_ok() => return None,
            Some(git2::ObjectType::Tree) => "a tree",
            Some(git2::ObjectType::Blob) => "a blob (a file's content)",
            Some(git2::ObjectType::Tag) => "a tag of something that is not a commit",
            _ => "something that is not a commit",
        })
    }

    fn tree(&self, commit: CommitId) -> Result<Tree<'_>> {
        Ok(self.commit(commit.0)?.tree()?)
    }

    /// A file's content at a commit; `None` when absent.
    pub fn read_at(&self, commit: CommitId, path: &str) -> Result<Option<Vec<u8>>> {
        Ok(self
            .read_at_entry(commit, path)?
            .and_then(super::Blob::into_bytes))
    }

    /// A path's entry at a commit, read: a file, a symbolic link (its
    /// target), or something else; `None` when absent.
    pub fn read_at_entry(&self, commit: CommitId, path: &str) -> Result<Option<super::Blob>> {
        self.read_at_entry_within(commit, path, u64::MAX)
    }

    /// [`Repo::read_at_entry`], but a file larger than `max` bytes is
    /// [`super::Blob::Large`], not read.
    pub fn read_at_entry_within(
        &self,
        commit: CommitId,
        path: &str,
        max: u64,
    ) -> Result<Option<super::Blob>> {
        let tree = self.tree(commit)?;
        let Ok(entry) = tree.get_path(Path::new(path)) else {
            return Ok(None);
        };
        self.blob(entry.id(), entry.filemode() as u32, path, max)
            .map(Some)
    }

    /// Every file at a commit under `prefix`, and which of them are
    /// symbolic links.
    pub fn files_at(&self, commit: CommitId, prefix: &str) -> Result<(Listing, Vec<String>)> {
        let tree = self.tree(commit)?;
        let mut out = Listing::default();
        let mut links = Vec::new();
        let mut walk_error = None;
        tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
            // Folders outside the prefix are not entered.
            if entry.kind() == Some(git2::ObjectType::Tree) {
                let path = format!("{dir}{}/", crate::names::escape(entry.name_bytes()));
                let inside = path.starts_with(prefix) || prefix.starts_with(&path);
                return if inside {
                    git2::TreeWalkResult::Ok
                } else {
                    git2::TreeWalkResult::Skip
                };
            }
            if entry.kind() != Some(git2::ObjectType::Blob) {
                return git2::TreeWalkResult::Ok;
            }
            let mut bytes = dir.as_bytes().to_vec();
            bytes.extend_from_slice(entry.name_bytes());
            if !bytes.starts_with(prefix.as_bytes()) {
                return git2::TreeWalkResult::Ok;
            }
            match crate::names::utf8(&bytes) {
                Ok(path) => {
                    if entry.filemode() as u32 == 0o120000 {
                        links.push(path.to_owned());
                    }
                    out.files.push(path.to_owned());
                }
                Err(bad) => out.bad_names.push(bad),
            }
            git2::TreeWalkResult::Ok
        })
        .map_err(|e| {
            walk_error = Some(e);
        })
        .ok();
        if let Some(e) = walk_error {
            return Err(e.into());
        }
        Ok((out, links))
    }

    /// Files changed between the merge base and head, renames followed,
    /// and the escaped names of files added or changed whose names are not
    /// UTF-8.
    pub fn changes(&self, range: &Range, prefix: &str) -> Result<(Vec<Change>, Vec<String>)> {
        let old = self.tree(range.merge_base)?;
        let new = self.tree(range.head)?;
        let mut opts = DiffOptions::new();
        if !prefix.is_empty() {
            opts.pathspec(prefix);
        }
        let mut diff = self
            .repo
            .diff_tree_to_tree(Some(&old), Some(&new), Some(&mut opts))?;
        diff.find_similar(Some(DiffFindOptions::new().renames(true)))?;
        let mut bad = Vec::new();
        let mut changes = Vec::new();
        for d in diff.deltas() {
            use git2::Delta::*;
            fn name<'a>(f: &git2::DiffFile<'a>) -> Option<Result<&'a str, String>> {
                f.path_bytes().map(crate::names::utf8)
            }
            let old_path = match d.status() {
                Added | Copied => None,
                _ => name(&d.old_file()).and_then(|n| n.ok().map(str::to_owned)),
            };
            let path = match d.status() {
                Deleted => None,
                _ => match name(&d.new_file()) {
                    Some(Ok(p)) => Some(p.to_owned()),
                    Some(Err(escaped)) => {
                        bad.push(escaped);
                        None
                    }
                    None => None,
                },
            };
            if old_path.is_some() || path.is_some() {
                changes.push(Change { old_path, path });
            }
        }
        bad.sort_unstable();
        bad.dedup();
        Ok((changes, bad))
    }

    /// What a commit changed against its first parent (everything, for a
    /// root commit).
    fn first_parent_changes(&self, c: &Commit<'_>) -> Result<Vec<Delta>> {
        let tree = c.tree()?;
        let parent_tree = c.parents().next().map(|p| p.tree()).transpose()?;
        let diff = self
            .repo
            .diff_tree_to_tree(parent_tree.as_ref(), Some(&tree), None)?;
        let id = |f: git2::DiffFile<'_>| (!f.id().is_zero()).then(|| f.id());
        Ok(diff
            .deltas()
            .filter_map(|d| {
                let path = d.new_file().path().or(d.old_file().path())?;
                Some(Delta {
                    path: path.to_str()?.to_owned(),
                    old: id(d.old_file()),
                    new: id(d.new_file()),
                })
            })
            .collect())
    }

    /// The paths of `wanted` that differ between two trees (`None`: an
    /// empty tree), with their blobs on each side. Only folders on the way
    /// to a wanted path whose trees differ are read: entries are compared
    /// in git's own order, so two versions of a folder are one merge.
    pub fn changed_paths_among(
        &self,
        old: Option<&Tree<'_>>,
        new: Option<&Tree<'_>>,
        wanted: &Wanted,
    ) -> Result<Vec<Delta>> {
        let mut out = Vec::new();
        let mut path = String::new();
        self.diff_wanted(old, new, wanted, &mut path, &mut out)?;
        Ok(out)
    }

    fn diff_wanted(
        &self,
        old: Option<&Tree<'_>>,
        new: Option<&Tree<'_>>,
        wanted: &Wanted,
        path: &mut String,
        out: &mut Vec<Delta>,
    ) -> Result<()> {
        let is_dir = |e: &git2::TreeEntry<'_>| e.filemode() & 0o170000 == 0o040000;
        let len = |t: Option<&Tree<'_>>| t.map_or(0, |t| t.len());
        let (a_len, b_len) = (len(old), len(new));
        let (mut i, mut j) = (0, 0);
        while i < a_len || j < b_len {
            let x = old.and_then(|t| t.get(i));
            let y = new.and_then(|t| t.get(j));
            // Unchanged entries, the common case, cost one comparison.
            if let (Some(x), Some(y)) = (&x, &y)
                && x.id() == y.id()
                && x.name_bytes() == y.name_bytes()
            {
                i += 1;
                j += 1;
                continue;
            }
            let order = match (&x, &y) {
                (Some(x), Some(y)) => {
                    git_order(x.name_bytes(), is_dir(x), y.name_bytes(), is_dir(y))
                }
                (Some(_), None) => std::cmp::Ordering::Less,
                _ => std::cmp::Ordering::Greater,
            };
            let (before, after) = match order {
                std::cmp::Ordering::Less => {
                    i += 1;
                    (x, None)
                }
                std::cmp::Ordering::Greater => {
                    j += 1;
                    (None, y)
                }
                std::cmp::Ordering::Equal => {
                    i += 1;
                    j += 1;
                    (x, y)
                }
            };
            let Some(either) = before.as_ref().or(after.as_ref()) else {
                break;
            };
            let dir = is_dir(either);
            let Ok(name) = std::str::from_utf8(either.name_bytes()) else {
                continue;
            };
            let at = path.len();
            path.push_str(name);
            if dir {
                path.push('/');
                if wanted.dirs.contains(path.as_str()) {
                    let subtree = |e: &Option<git2::TreeEntry<'_>>| {
                        e.as_ref().map(|e| self.repo.find_tree(e.id())).transpose()
                    };
                    let (o, n) = (subtree(&before)?, subtree(&after)?);
                    self.diff_wanted(o.as_ref(), n.as_ref(), wanted, path, out)?;
                }
            } else if wanted.paths.contains(path.as_str()) {
                out.push(Delta {
                    path: path.clone(),
                    old: before.map(|e| e.id()),
                    new: after.map(|e| e.id()),
                });
            }
            path.truncate(at);
        }
        Ok(())
    }

    /// The commits in `merge_base..head`, newest first.
    pub fn range_commits(&self, range: &Range) -> Result<Vec<CommitInfo>> {
        let mut walk = self.repo.revwalk()?;
        walk.set_sorting(Sort::TOPOLOGICAL | Sort::TIME)?;
        walk.push(range.head.0)?;
        walk.hide(range.merge_base.0)?;
        let mut out = Vec::new();
        for id in walk {
            out.push(CommitInfo::of(&self.commit(id?)?));
        }
        Ok(out)
    }

    /// The paths a commit changes against its first parent (all of them,
    /// for a root commit).
    pub fn changed_paths(&self, id: &str) -> Result<Vec<String>> {
        let c = self.commit(Oid::from_str(id)?)?;
        Ok(self
            .first_parent_changes(&c)?
            .into_iter()
            .map(|d| d.path)
            .collect())
    }

    /// The ids of the commits reachable from `head` but not from `base`.
    pub fn commits_between(
        &self,
        base: CommitId,
        head: CommitId,
    ) -> Result<std::collections::HashSet<String>> {
        let mut walk = self.repo.revwalk()?;
        walk.push(head.0)?;
        walk.hide(base.0)?;
        let mut out = std::collections::HashSet::new();
        for id in walk {
            out.insert(id?.to_string());
        }
        Ok(out)
    }

    /// The commits where a shallow clone's history is cut off: their
    /// parents are not in the repository, so what came before is unknown.
    /// Empty for a complete clone.
    pub fn shallow_boundary(&self) -> std::collections::HashSet<String> {
        if !self.repo.is_shallow() {
            return Default::default();
        }
        std::fs::read_to_string(self.repo.path().join("shallow"))
            .map(|text| text.lines().map(|l| l.trim().to_owned()).collect())
            .unwrap_or_default()
    }

    /// The signature and signed data of a commit, when it is signed.
    pub fn signature(&self, id: &str) -> Result<Option<(Vec<u8>, Vec<u8>)>> {
        let oid = Oid::from_str(id)?;
        match self.repo.extract_signature(&oid, None) {
            Ok((sig, data)) => Ok(Some((sig.to_vec(), data.to_vec()))),
            Err(e) if e.code() == git2::ErrorCode::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// The commit `HEAD` points at, if any.
    pub fn head_commit(&self) -> Option<CommitId> {
        self.repo
            .head()
            .ok()?
            .peel_to_commit()
            .ok()
            .map(|c| CommitId(c.id()))
    }

    /// Whether this is a bare repository.
    pub fn is_bare(&self) -> bool {
        self.repo.is_bare()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Commit `files` (path, content; `None` deletes) on top of `parent`.
    fn commit(repo: &git2::Repository, parent: Option<Oid>, files: &[(&str, Option<&str>)]) -> Oid {
        let mut index = git2::Index::new().unwrap();
        if let Some(p) = parent {
            index
                .read_tree(&repo.find_commit(p).unwrap().tree().unwrap())
                .unwrap();
        }
        for (path, content) in files {
            match content {
                Some(text) => {
                    let id = repo.blob(text.as_bytes()).unwrap();
                    let entry = git2::IndexEntry {
                        ctime: git2::IndexTime::new(0, 0),
                        mtime: git2::IndexTime::new(0, 0),
                        dev: 0,
                        ino: 0,
                        mode: 0o100644,
                        uid: 0,
                        gid: 0,
                        file_size: 0,
                        id,
                        flags: 0,
                        flags_extended: 0,
                        path: path.as_bytes().to_vec(),
                    };
                    index.add(&entry).unwrap();
                }
                None => index.remove_path(Path::new(path)).unwrap(),
            }
        }
        let tree = repo.find_tree(index.write_tree_to(repo).unwrap()).unwrap();
        let sig = git2::Signature::new("W", "w@example.com", &git2::Time::new(0, 0)).unwrap();
        let parents: Vec<Commit> = parent
            .map(|p| repo.find_commit(p).unwrap())
            .into_iter()
            .collect();
        let parents: Vec<&Commit> = parents.iter().collect();
        repo.commit(None, &sig, &sig, "c", &tree, &parents).unwrap()
    }

    /// The pruned diff agrees with libgit2's diff on every commit of a
    /// history with nested folders, deletions, a file that becomes a folder
    /// and names that sort around `/`.
    #[test]
    fn the_pruned_diff_agrees_with_libgit2() {
        let dir = tempfile::tempdir().unwrap();
        git2::Repository::init(dir.path()).unwrap();
        let repo = Repo::open_at(dir.path());
        let r = &repo.repo;
        let steps: Vec<Vec<(&str, Option<&str>)>> = vec![
            vec![
                ("a", Some("1")),
                ("a.b", Some("2")),
                ("a-b/c", Some("3")),
                ("a0", Some("4")),
                ("d/e/f", Some("5")),
            ],
            vec![("a.b", Some("2'")), ("d/e/g", Some("6"))],
            vec![("a", None), ("a/x", Some("7"))],
            vec![("d/e/f", None), ("a-b/c", Some("3'")), ("z", Some("8"))],
            vec![("a/x", None), ("a", Some("1'")), ("d/e/g", Some("6'"))],
            vec![("a0", None), ("a-b/c", None)],
        ];
        let mut parent = None;
        let mut all: Vec<&str> = Vec::new();
        for step in &steps {
            all.extend(step.iter().map(|(p, _)| *p));
        }
        for step in &steps {
            let id = commit(r, parent, step);
            let c = r.find_commit(id).unwrap();
            let tree = c.tree().unwrap();
            let before = parent.map(|p| r.find_commit(p).unwrap().tree().unwrap());
            let expected: Vec<(String, Option<Oid>, Option<Oid>)> = repo
                .first_parent_changes(&c)
                .unwrap()
                .iter()
                .map(|d| (d.path.clone(), d.old, d.new))
                .collect();
            for wanted in [all.clone(), vec!["a", "d/e/g", "a/x"]] {
                let got: Vec<(String, Option<Oid>, Option<Oid>)> = repo
                    .changed_paths_among(
                        before.as_ref(),
                        Some(&tree),
                        &Wanted::new(wanted.iter().copied()),
                    )
                    .unwrap()
                    .into_iter()
                    .map(|d| (d.path, d.old, d.new))
                    .collect();
                let mut want: Vec<_> = expected
                    .iter()
                    .filter(|(p, ..)| wanted.contains(&p.as_str()))
                    .cloned()
                    .collect();
                let mut got = got;
                want.sort();
                got.sort();
                assert_eq!(got, want, "{step:?} with {wanted:?}");
            }
            parent = Some(id);
        }
    }

    #[test]
    fn git_orders_a_folder_as_if_its_name_ended_in_a_slash() {
        use std::cmp::Ordering::*;
        assert_eq!(git_order(b"a", true, b"a.b", false), Greater);
        assert_eq!(git_order(b"a", false, b"a.b", false), Less);
        assert_eq!(git_order(b"a", true, b"a0", false), Less);
        assert_eq!(git_order(b"a", false, b"a", true), Less);
        assert_eq!(git_order(b"a", true, b"a", true), Equal);
    }
}
