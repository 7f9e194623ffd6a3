//! Where git looks for this repository's hooks.
//!
//! `aiclear hook install` must put its hooks where `git commit` will run them,
//! which is not always `.git/hooks`: `core.hooksPath` moves them (a shared
//! `.githooks/` folder in the work tree, or one folder for every repository of
//! a user), and a linked worktree (`git worktree add`) shares the hooks of the
//! main repository. This follows githooks(5): a relative `core.hooksPath` is
//! taken from where hooks run (the top of the work tree, or the git folder of
//! a bare repository), `~/` is the home folder, and without it the hooks live
//! in `hooks/` of the common git folder.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use git2::Repository;

use super::Repo;

/// The effective hooks folder of a repository.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HooksDir {
    /// Absolute (when the repository's paths are) path of the folder.
    pub path: PathBuf,
    /// The value of `core.hooksPath` that chose it, if one did.
    pub configured: Option<PathBuf>,
    /// The top of the work tree (`None` for a bare repository), to show paths
    /// relative to it.
    pub workdir: Option<PathBuf>,
    /// The folder lies outside the repository (its work tree and its git
    /// folders), so hooks put there also run for other repositories.
    pub shared: bool,
}

impl Repo {
    /// The folder `git commit` runs this repository's hooks from.
    pub fn hooks_dir(&self) -> Result<HooksDir> {
        hooks_dir_of(&self.repo)
    }
}

fn hooks_dir_of(repo: &Repository) -> Result<HooksDir> {
    let config = repo.config().context("reading the git configuration")?;
    // `get_path` expands a leading `~/`; an unset or empty value means the
    // default folder.
    let configured = match config.get_path("core.hooksPath") {
        Ok(p) if !p.as_os_str().is_empty() => Some(p),
        Ok(_) => None,
        Err(e) if e.code() == git2::ErrorCode::NotFound => None,
        Err(e) => return Err(e).context("reading `core.hooksPath`"),
    };
    let workdir = repo.workdir().map(Path::to_path_buf);
    let path = resolve(
        configured.as_deref(),
        workdir.as_deref(),
        repo.path(),
        repo.commondir(),
    );
    let inside = |dir: &Path| {
        let canon = |p: &Path| p.canonicalize().unwrap_or_else(|_| normalize(p));
        canon(&path).starts_with(canon(dir))
    };
    let shared = !(workdir.as_deref().is_some_and(inside)
        || inside(repo.path())
        || inside(repo.commondir()));
    Ok(HooksDir {
        path,
        configured,
        workdir,
        shared,
    })
}

/// The hooks folder from `core.hooksPath` (if set), the work tree (`None`
/// when bare), this worktree's git folder and the common git folder.
pub fn resolve(
    configured: Option<&Path>,
    workdir: Option<&Path>,
    git_dir: &Path,
    common_dir: &Path,
) -> PathBuf {
    match configured {
        Some(p) if p.is_absolute() => normalize(p),
        // Hooks run from the top of the work tree, or from the git folder of
        // a bare repository.
        Some(p) => normalize(&workdir.unwrap_or(git_dir).join(p)),
        None => normalize(&common_dir.join("hooks")),
    }
}

/// Drop `.` components and trailing separators so that the path prints
/// cleanly (libgit2 returns folders with a trailing `/`, and a configured
/// path may say `./.githooks`). `..` stays: only the file system knows what
/// it means when a symbolic link is involved.
fn normalize(path: &Path) -> PathBuf {
    path.components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn init(dir: &Path) -> Repository {
        let repo = Repository::init(dir).unwrap();
        let mut cfg = repo.config().unwrap();
        cfg.set_str("user.name", "A Writer").unwrap();
        cfg.set_str("user.email", "writer@example.com").unwrap();
        repo
    }

    fn canon(p: &Path) -> PathBuf {
        p.canonicalize().unwrap()
    }

    #[test]
    fn default_is_hooks_in_the_git_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let repo = init(tmp.path());
        let h = hooks_dir_of(&repo).unwrap();
        assert_eq!(canon(&h.path), canon(tmp.path()).join(".git/hooks"));
        assert_eq!(h.configured, None);
        assert_eq!(
            canon(h.workdir.as_deref().unwrap()),
            canon(tmp.path()),
            "{h:?}"
        );
    }

    #[test]
    fn relative_hooks_path_is_taken_from_the_work_tree() {
        let tmp = tempfile::tempdir().unwrap();
        let repo = init(tmp.path());
        repo.config()
            .unwrap()
            .set_str("core.hooksPath", "./.githooks")
            .unwrap();
        std::fs::create_dir(tmp.path().join(".githooks")).unwrap();
        let h = hooks_dir_of(&repo).unwrap();
        assert_eq!(canon(&h.path), canon(tmp.path()).join(".githooks"));
        assert_eq!(h.configured.as_deref(), Some(Path::new("./.githooks")));
        assert!(!h.shared);
        // No trailing `/` or `.` components in what is shown.
        assert!(h.path.ends_with(".githooks"), "{}", h.path.display());
        assert!(!h.path.to_string_lossy().contains("/./"));
    }

    #[test]
    fn absolute_hooks_path_is_used_as_is_and_may_be_shared() {
        let tmp = tempfile::tempdir().unwrap();
        let shared = tempfile::tempdir().unwrap();
        let repo = init(tmp.path());
        repo.config()
            .unwrap()
            .set_str("core.hooksPath", shared.path().to_str().unwrap())
            .unwrap();
        let h = hooks_dir_of(&repo).unwrap();
        assert_eq!(h.path, shared.path());
        assert!(h.shared);
        assert!(!hooks_dir_of(&init(shared.path())).unwrap().shared);
    }

    #[test]
    fn empty_hooks_path_means_the_default() {
        let tmp = tempfile::tempdir().unwrap();
        let repo = init(tmp.path());
        repo.config()
            .unwrap()
            .set_str("core.hooksPath", "")
            .unwrap();
        let h = hooks_dir_of(&repo).unwrap();
        assert_eq!(canon(&h.path), canon(tmp.path()).join(".git/hooks"));
    }

    #[test]
    fn bare_repository_hooks() {
        let tmp = tempfile::tempdir().unwrap();
        let repo = Repository::init_bare(tmp.path()).unwrap();
        let h = hooks_dir_of(&repo).unwrap();
        assert_eq!(canon(&h.path), canon(tmp.path()).join("hooks"));
        assert_eq!(h.workdir, None);
        repo.config()
            .unwrap()
            .set_str("core.hooksPath", "custom")
            .unwrap();
        let h = hooks_dir_of(&repo).unwrap();
        assert_eq!(canon(tmp.path()).join("custom"), {
            std::fs::create_dir(&h.path).unwrap();
            canon(&h.path)
        });
    }

    #[test]
    fn linked_worktree_shares_the_main_hooks_but_not_a_relative_hooks_path() {
        let tmp = tempfile::tempdir().unwrap();
        let main = tmp.path().join("main");
        std::fs::create_dir(&main).unwrap();
        let repo = init(&main);
        // A worktree needs a commit to check out.
        let sig = repo.signature().unwrap();
        let tree = repo
            .find_tree(repo.index().unwrap().write_tree().unwrap())
            .unwrap();
        repo.commit(Some("HEAD"), &sig, &sig, "first", &tree, &[])
            .unwrap();
        let linked = tmp.path().join("linked");
        repo.worktree("linked", &linked, None).unwrap();
        let wt = Repository::open(&linked).unwrap();
        assert!(wt.is_worktree());
        let h = hooks_dir_of(&wt).unwrap();
        assert_eq!(canon(&h.path), canon(&main).join(".git/hooks"));

        repo.config()
            .unwrap()
            .set_str("core.hooksPath", ".githooks")
            .unwrap();
        let wt = Repository::open(&linked).unwrap();
        let h = hooks_dir_of(&wt).unwrap();
        std::fs::create_dir(linked.join(".githooks")).unwrap();
        assert_eq!(canon(&h.path), canon(&linked).join(".githooks"));
    }

    #[test]
    fn resolve_by_hand() {
        let wd = Path::new("/w");
        let gd = Path::new("/w/.git/worktrees/x/");
        let cd = Path::new("/w/.git/");
        assert_eq!(resolve(None, Some(wd), gd, cd), Path::new("/w/.git/hooks"));
        assert_eq!(
            resolve(Some(Path::new("../hooks")), Some(wd), gd, cd),
            Path::new("/w/../hooks")
        );
        assert_eq!(
            resolve(Some(Path::new("h")), None, Path::new("/r.git/"), cd),
            Path::new("/r.git/h")
        );
        assert_eq!(
            resolve(Some(Path::new("/abs/")), Some(wd), gd, cd),
            Path::new("/abs")
        );
    }
}
