//! The only module that touches git2.
//!
//! The repository is opened with `Repository::open_from_env`, so that a hook
//! sees what git is committing: `GIT_DIR`, `GIT_INDEX_FILE` (the temporary
//! index of `git commit -a` and `git commit PATH`) and friends are honoured.

pub mod history;
pub mod hooks_dir;

use std::path::Path;

use anyhow::{Context as _, Result};
use git2::Repository;

/// An open repository and where the project root sits inside it.
pub struct Repo {
    repo: Repository,
    /// The index, read once: a hook reads many files from it.
    index: std::cell::OnceCell<git2::Index>,
    /// Staged paths, computed once.
    staged: std::cell::OnceCell<Vec<String>>,
}

impl Repo {
    /// Open the repository around the current directory, honouring git's
    /// environment. `None` outside a repository.
    pub fn open_from_env() -> Option<Repo> {
        // Like git itself, trust the object database's integrity instead of
        // re-hashing every object read: walking history reads many.
        git2::opts::strict_hash_verification(false);
        Repository::open_from_env().ok().map(|repo| Repo {
            repo,
            index: std::cell::OnceCell::new(),
            staged: std::cell::OnceCell::new(),
        })
    }

    fn index(&self) -> Result<&git2::Index> {
        if let Some(index) = self.index.get() {
            return Ok(index);
        }
        let index = self.repo.index().context("reading the index")?;
        Ok(self.index.get_or_init(|| index))
    }

    /// The top of the work tree; `None` for a bare repository.
    pub fn workdir(&self) -> Option<&Path> {
        self.repo.workdir()
    }

    /// Files under `prefix` (repo-relative, `/`-separated, empty or ending in
    /// `/`) that are tracked and present, or untracked and not ignored.
    pub fn worktree_files(&self, prefix: &str) -> Result<Vec<String>> {
        self.workdir().context("the repository has no work tree")?;
        let index = self.index()?;
        let mut files: Vec<String> = Vec::new();
        for entry in index.iter() {
            let path = String::from_utf8_lossy(&entry.path).into_owned();
            // A tracked file deleted from the work tree reads as absent later.
            if path.starts_with(prefix) {
                files.push(path);
            }
        }
        // Untracked files that are not ignored: a parallel walk that reads
        // git's ignore files, instead of a full status (which would also
        // stat every tracked file to find modifications nobody asked for).
        let workdir = self.workdir().context("the repository has no work tree")?;
        let found = std::sync::Mutex::new(Vec::new());
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
                e.file_name() != ".git"
                    && !(is_dir && e.depth() > 0 && e.path().join(".git").exists())
            })
            .build_parallel()
            .run(|| {
                let found = &found;
                Box::new(move |entry| {
                    if let Ok(entry) = entry
                        && !entry.file_type().is_some_and(|t| t.is_dir())
                        && let Ok(rel) = entry.path().strip_prefix(workdir)
                    {
                        let rel = rel
                            .components()
                            .map(|c| c.as_os_str().to_string_lossy())
                            .collect::<Vec<_>>()
                            .join("/");
                        if let Ok(mut f) = found.lock() {
                            f.push(rel);
                        }
                    }
                    ignore::WalkState::Continue
                })
            });
        files.extend(found.into_inner().unwrap_or_default());
        files.sort();
        files.dedup();
        Ok(files)
    }

    /// Paths staged for commit under `prefix`: added, modified, renamed or
    /// copied between `HEAD` (nothing, before the first commit) and the index.
    pub fn staged_files(&self, prefix: &str) -> Result<Vec<String>> {
        if let Some(all) = self.staged.get() {
            return Ok(all
                .iter()
                .filter(|p| p.starts_with(prefix))
                .cloned()
                .collect());
        }
        let all = self.all_staged()?;
        let all = self.staged.get_or_init(|| all);
        Ok(all
            .iter()
            .filter(|p| p.starts_with(prefix))
            .cloned()
            .collect())
    }

    fn all_staged(&self) -> Result<Vec<String>> {
        // git's own diff uses the index's cache-tree and skips unchanged
        // folders; libgit2 compares every entry (85 ms against 15 ms on a
        // 100,000-file index). git is there whenever a hook runs; without
        // it, libgit2 gives the same answer.
        if let Some(files) = self.staged_by_git() {
            return Ok(files);
        }
        let index = self.index()?;
        let head_tree = match self.repo.head() {
            Ok(h) => Some(h.peel_to_tree().context("reading HEAD's tree")?),
            Err(_) => None,
        };
        let diff = self
            .repo
            .diff_tree_to_index(head_tree.as_ref(), Some(index), None)
            .context("comparing the index with HEAD")?;
        let mut files = Vec::new();
        for delta in diff.deltas() {
            use git2::Delta::*;
            if matches!(
                delta.status(),
                Added | Modified | Renamed | Copied | Typechange
            ) && let Some(p) = delta.new_file().path().and_then(|p| p.to_str())
            {
                files.push(p.to_owned());
            }
        }
        Ok(files)
    }

    /// The staged paths as `git diff --cached` lists them, when git runs.
    fn staged_by_git(&self) -> Option<Vec<String>> {
        let workdir = self.workdir()?;
        let mut command = std::process::Command::new("git");
        command
            .arg("-C")
            .arg(workdir)
            .args([
                "diff",
                "--cached",
                "--name-only",
                "-z",
                "--no-renames",
                "--diff-filter=ACMRT",
            ])
            .stdin(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        // The index git is committing (GIT_INDEX_FILE) and the repository
        // (GIT_DIR) reach git through the inherited environment; make them
        // explicit in case they were relative to another folder.
        command.env("GIT_DIR", self.repo.path());
        if let Ok(index) = std::env::var("GIT_INDEX_FILE") {
            command.env("GIT_INDEX_FILE", std::path::absolute(index).ok()?);
        }
        let out = command.output().ok()?;
        if !out.status.success() {
            return None;
        }
        out.stdout
            .split(|&b| b == 0)
            .filter(|p| !p.is_empty())
            .map(|p| String::from_utf8(p.to_vec()).ok())
            .collect()
    }

    /// Read a file's staged content from the index; `None` when not staged.
    pub fn read_index(&self, path: &str) -> Result<Option<Vec<u8>>> {
        let index = self.index()?;
        let Some(entry) = index.get_path(Path::new(path), 0) else {
            return Ok(None);
        };
        let blob = self
            .repo
            .find_blob(entry.id)
            .with_context(|| format!("reading `{path}` from the index"))?;
        Ok(Some(blob.content().to_vec()))
    }
}
