//! Where values of files came from, walking history back from a commit.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context as _, Result};
use git2::{Commit, Oid, Sort, Tree};

use super::{CommitId, CommitInfo, OriginRequest, Origins, Repo, Wanted};

/// A request a commit changed: its index, its blob at the commit, and its
/// blobs in the commit's parents.
type Touched = (usize, Oid, Vec<Option<Oid>>);

impl Repo {
    /// For each wanted key, the newest commit (walking back from `head`) at
    /// which `extract(content of path)` gives that key a value that no parent
    /// gives it: the commit that introduced or last changed it. Only commits
    /// whose blob at `path` differs from every parent's are parsed.
    pub fn origins<F>(
        &self,
        head: CommitId,
        path: &str,
        wanted: &[String],
        extract: F,
    ) -> Result<HashMap<String, CommitInfo>>
    where
        F: Fn(&[u8]) -> HashMap<String, String>,
    {
        let request = OriginRequest {
            path: path.to_owned(),
            wanted: wanted.to_vec(),
            extract: Box::new(extract),
        };
        Ok(self.origins_many(head, &[request])?.remove(0))
    }

    /// [`Repo::origins`] for many paths in one walk of history.
    pub fn origins_many(
        &self,
        head: CommitId,
        requests: &[OriginRequest<'_>],
    ) -> Result<Vec<HashMap<String, CommitInfo>>> {
        Ok(self.origins_since(head, requests, None)?.0)
    }

    /// [`Repo::origins_many`], walking back only to commits made at or
    /// after `since` (seconds since the epoch). Keys not found there are
    /// older; the second value is then the first commit before `since`,
    /// where they were already present.
    pub fn origins_since(
        &self,
        head: CommitId,
        requests: &[OriginRequest<'_>],
        since: Option<i64>,
    ) -> Result<(Vec<Origins>, Option<CommitInfo>)> {
        let head = head.0;
        let mut found: Vec<HashMap<String, CommitInfo>> =
            requests.iter().map(|_| HashMap::new()).collect();
        let mut pending: Vec<usize> = (0..requests.len())
            .filter(|&i| !requests[i].wanted.is_empty())
            .collect();
        if pending.is_empty() {
            return Ok((found, None));
        }
        let mut by_path: HashMap<&str, Vec<usize>> = HashMap::new();
        for &i in &pending {
            by_path
                .entry(requests[i].path.as_str())
                .or_default()
                .push(i);
        }
        let mut cache: HashMap<(usize, Oid), HashMap<String, String>> = HashMap::new();
        let wanted_of =
            |pending: &[usize]| Wanted::new(pending.iter().map(|&i| requests[i].path.as_str()));
        let mut wanted = wanted_of(&pending);
        let mut walk = self.repo.revwalk()?;
        // A topological order needs the whole graph before the first commit;
        // a walk that stops at a date goes by time alone.
        walk.set_sorting(if since.is_some() {
            Sort::TIME
        } else {
            Sort::TOPOLOGICAL | Sort::TIME
        })?;
        walk.push(head)?;
        for id in walk {
            let c = self.commit(id.context("walking history")?)?;
            // Committer time: a rebased commit's author time can be older
            // than its place in history.
            if since.is_some_and(|since| c.committer().when().seconds() < since) {
                return Ok((found, Some(CommitInfo::of(&c))));
            }
            let touched = self.touched(&c, requests, &pending, &by_path, &wanted)?;
            for (i, blob, parent_blobs) in touched {
                let r = &requests[i];
                let mut values = |oid: Oid| -> HashMap<String, String> {
                    cache
                        .entry((i, oid))
                        .or_insert_with(|| {
                            self.repo
                                .find_blob(oid)
                                .map(|b| (r.extract)(b.content()))
                                .unwrap_or_default()
                        })
                        .clone()
                };
                let here = values(blob);
                let before: Vec<HashMap<String, String>> = parent_blobs
                    .iter()
                    .map(|b| b.map(&mut values).unwrap_or_default())
                    .collect();
                for key in &r.wanted {
                    if found[i].contains_key(key) {
                        continue;
                    }
                    let Some(v) = here.get(key) else { continue };
                    if !before.iter().any(|p| p.get(key) == Some(v)) {
                        found[i].insert(key.clone(), CommitInfo::of(&c));
                    }
                }
            }
            let before = pending.len();
            pending.retain(|&i| found[i].len() < requests[i].wanted.len());
            if pending.is_empty() {
                break;
            }
            if pending.len() < before {
                wanted = wanted_of(&pending);
            }
        }
        Ok((found, None))
    }

    /// Where each wanted value of a file came from, as blame finds a line:
    /// from `head`, follow every parent whose version of `path` still gives
    /// the key exactly that value; the commits where it holds while no
    /// parent's version does are its origins. Merges are followed through
    /// all their parents and commit dates are never consulted. Only a
    /// regular file at `path` gives values: a link or a folder there gives
    /// none. Values that `head` does not hold have no origin.
    pub fn value_origins<F>(
        &self,
        head: CommitId,
        path: &str,
        wanted: &[(String, String)],
        extract: F,
    ) -> Result<Vec<Vec<CommitInfo>>>
    where
        F: Fn(&[u8]) -> HashMap<String, String>,
    {
        let head = head.0;
        let mut origins: Vec<Vec<CommitInfo>> = vec![Vec::new(); wanted.len()];
        if wanted.is_empty() {
            return Ok(origins);
        }
        let mut versions = Versions {
            repo: self,
            path,
            extract,
            blob_at: HashMap::new(),
            values: HashMap::new(),
        };
        let start: Vec<usize> = {
            let blob = versions.blob_at(&self.commit(head)?)?;
            (0..wanted.len())
                .filter(|&i| versions.holds(blob, &wanted[i]))
                .collect()
        };
        // Which values each commit has been visited for, a bit each.
        let words = wanted.len().div_ceil(64);
        let mut seen: HashMap<Oid, Vec<u64>> = HashMap::new();
        let mut queue = std::collections::VecDeque::from([(head, start)]);
        while let Some((id, held)) = queue.pop_front() {
            let bits = seen.entry(id).or_insert_with(|| vec![0; words]);
            let held: Vec<usize> = held
                .into_iter()
                .filter(|&i| {
                    let (w, b) = (i / 64, 1u64 << (i % 64));
                    let new = bits[w] & b == 0;
                    bits[w] |= b;
                    new
                })
                .collect();
            if held.is_empty() {
                continue;
            }
            let c = self.commit(id)?;
            let blob = versions.blob_at(&c)?;
            let mut kept = vec![false; held.len()];
            for parent in c.parents() {
                let parent_blob = versions.blob_at(&parent)?;
                let parent = parent.id();
                let still = if parent_blob == blob {
                    kept.fill(true);
                    held.clone()
                } else {
                    let mut still = Vec::new();
                    for (k, &i) in held.iter().enumerate() {
                        if versions.holds(parent_blob, &wanted[i]) {
                            kept[k] = true;
                            still.push(i);
                        }
                    }
                    still
                };
                if !still.is_empty() {
                    queue.push_back((parent, still));
                }
            }
            for (k, &i) in held.iter().enumerate() {
                if !kept[k] {
                    origins[i].push(CommitInfo::of(&c));
                }
            }
        }
        Ok(origins)
    }

    /// The first version of `path` (a regular file), walking back from
    /// `head` through at most `limit` commits, for which `wanted` says yes;
    /// each distinct version is read once.
    pub fn find_version(
        &self,
        head: CommitId,
        path: &str,
        limit: usize,
        mut wanted: impl FnMut(&[u8]) -> bool,
    ) -> Result<Option<Vec<u8>>> {
        let head = head.0;
        let mut walk = self.repo.revwalk()?;
        walk.set_sorting(Sort::TOPOLOGICAL | Sort::TIME)?;
        walk.push(head)?;
        let mut seen = std::collections::HashSet::new();
        for id in walk.take(limit) {
            let c = self.commit(id.context("walking history")?)?;
            let Ok(entry) = c.tree()?.get_path(Path::new(path)) else {
                continue;
            };
            if entry.filemode() & 0o170000 != 0o100000 || !seen.insert(entry.id()) {
                continue;
            }
            let blob = self.repo.find_blob(entry.id())?;
            if wanted(blob.content()) {
                return Ok(Some(blob.content().to_vec()));
            }
        }
        Ok(None)
    }

    /// The pending requests whose path commit `c` changed: each with its
    /// blob here and its blobs in the parents.
    fn touched(
        &self,
        c: &Commit<'_>,
        requests: &[OriginRequest<'_>],
        pending: &[usize],
        by_path: &HashMap<&str, Vec<usize>>,
        wanted: &Wanted,
    ) -> Result<Vec<Touched>> {
        // (request, its blob here, its blobs in the parents) for each
        // pending path this commit changed.
        let mut touched: Vec<Touched> = Vec::new();
        if c.parent_count() <= 1 {
            // One diff, of the folders on the way to pending paths only,
            // says which of them changed, with their blobs.
            let tree = c.tree()?;
            let parent = c.parents().next().map(|p| p.tree()).transpose()?;
            for delta in self
                .changed_paths_among(parent.as_ref(), Some(&tree), wanted)?
                .iter()
            {
                let (Some(ids), Some(new)) = (by_path.get(delta.path.as_str()), delta.new) else {
                    continue;
                };
                let before = if c.parent_count() == 1 {
                    vec![delta.old]
                } else {
                    Vec::new()
                };
                for &i in ids {
                    if pending.contains(&i) && !before.contains(&Some(new)) {
                        touched.push((i, new, before.clone()));
                    }
                }
            }
        } else {
            // A merge: look each path up in every parent.
            let tree = c.tree()?;
            let parents: Vec<Tree> = c.parents().map(|p| p.tree()).collect::<Result<_, _>>()?;
            let blob_at = |t: &Tree, path: &str| t.get_path(Path::new(path)).ok().map(|e| e.id());
            for &i in pending {
                let Some(blob) = blob_at(&tree, &requests[i].path) else {
                    continue;
                };
                let before: Vec<Option<Oid>> = parents
                    .iter()
                    .map(|p| blob_at(p, &requests[i].path))
                    .collect();
                if !before.contains(&Some(blob)) {
                    touched.push((i, blob, before));
                }
            }
        }
        Ok(touched)
    }
}

/// The versions of one file along history, read once each.
struct Versions<'r, F> {
    repo: &'r Repo,
    path: &'r str,
    extract: F,
    /// The file's blob at each commit read: `None` when absent or not a
    /// regular file.
    blob_at: HashMap<Oid, Option<Oid>>,
    /// The keys and values of each blob read.
    values: HashMap<Oid, HashMap<String, String>>,
}

impl<F: Fn(&[u8]) -> HashMap<String, String>> Versions<'_, F> {
    fn blob_at(&mut self, commit: &Commit<'_>) -> Result<Option<Oid>> {
        if let Some(b) = self.blob_at.get(&commit.id()) {
            return Ok(*b);
        }
        let blob = commit
            .tree()?
            .get_path(Path::new(self.path))
            .ok()
            .filter(|e| e.filemode() & 0o170000 == 0o100000)
            .map(|e| e.id());
        self.blob_at.insert(commit.id(), blob);
        Ok(blob)
    }

    fn holds(&mut self, blob: Option<Oid>, (key, value): &(String, String)) -> bool {
        let Some(blob) = blob else { return false };
        let values = self.values.entry(blob).or_insert_with(|| {
            self.repo
                .repo
                .find_blob(blob)
                .map(|b| (self.extract)(b.content()))
                .unwrap_or_default()
        });
        values.get(key) == Some(value)
    }
}
