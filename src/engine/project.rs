//! Where the project sits: its root, its repository, the folder it was
//! started in; the sub-projects of a staged check.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::{Mode, UsageError};
use crate::git::history::Range;
use anyhow::{Context as _, Result};

use crate::diagnostic::Report;
use crate::git::{Blob, CommitId, Repo};

/// Where the project sits.
pub struct Project {
    /// The project root: nearest folder with `.aiclear/`, else the repository's
    /// top level, else the current folder.
    pub root: PathBuf,
    pub repo: Option<Repo>,
    /// The root relative to the repository's work tree: empty or ending in `/`.
    pub prefix: String,
    /// The folder the check was started in, relative to the repository's
    /// work tree: empty or ending in `/`.
    pub cwd: String,
    /// Folders (relative to the root, ending in `/`) that are productions of
    /// their own and are checked separately.
    pub skip: Vec<String>,
}

impl Project {
    /// Find the project around the current directory.
    pub fn discover() -> Result<Project> {
        Project::discover_for(false)
    }

    /// Find the project around the current directory, for a check of what
    /// is staged when `staged` is set.
    pub fn discover_for(staged: bool) -> Result<Project> {
        let cwd = std::env::current_dir().context("reading the current directory")?;
        let cwd = cwd.canonicalize().unwrap_or(cwd);
        Ok(Project::discover_at(cwd, Repo::open(staged)))
    }

    /// The project a file in `dir` belongs to, found from `dir` as a check
    /// started there finds it (an editor's document, whatever the server's
    /// own folder).
    pub fn discover_in(dir: &Path) -> Project {
        let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
        let repo = Repo::discover(&dir);
        Project::discover_at(dir, repo)
    }

    /// The project around `cwd` (canonical), in `repo` if any.
    fn discover_at(cwd: PathBuf, repo: Option<Repo>) -> Project {
        let top = repo
            .as_ref()
            .and_then(|r| r.workdir())
            .map(|w| w.canonicalize().unwrap_or_else(|_| w.to_path_buf()));
        let cwd_prefix = folder_prefix(top.as_deref(), &cwd);
        let mut root = None;
        for dir in cwd.ancestors() {
            if dir.join(".aiclear").is_dir() {
                root = Some(dir.to_path_buf());
                break;
            }
            if Some(dir) == top.as_deref() {
                break;
            }
        }
        let root = root.or_else(|| top.clone()).unwrap_or(cwd);
        let prefix = folder_prefix(top.as_deref(), &root);
        // A bare repository has no work tree: range checks read from its objects.
        let repo = match &top {
            Some(t) if !root.starts_with(t) => None,
            _ => repo,
        };
        Project {
            root,
            repo,
            prefix,
            cwd: cwd_prefix,
            skip: Vec::new(),
        }
    }

    /// The project of a range check: the nearest folder at or above the
    /// current one that holds `.aiclear/` in the base, so that a change
    /// cannot move or remove the production it is judged by; the work
    /// tree's when the base has none. `None` when that is this project.
    pub(super) fn for_range(
        &self,
        repo: &Repo,
        base: CommitId,
    ) -> Result<Option<(Project, String)>> {
        let mut dir = self.cwd.as_str();
        let at_base = loop {
            let marker = format!("{dir}.aiclear");
            if matches!(repo.read_at_entry(base, &marker)?, Some(Blob::Other)) {
                break Some(dir.to_owned());
            }
            if dir.is_empty() {
                break None;
            }
            dir = match dir.trim_end_matches('/').rsplit_once('/') {
                Some((parent, _)) => &dir[..parent.len() + 1],
                None => "",
            };
        };
        let Some(prefix) = at_base.filter(|p| *p != self.prefix) else {
            return Ok(None);
        };
        let (Some(top), Some(repo)) = (repo.workdir(), Repo::open_from_env()) else {
            return Ok(None);
        };
        let project = Project {
            root: top.join(prefix.trim_end_matches('/')),
            repo: Some(repo),
            prefix: prefix.clone(),
            cwd: self.cwd.clone(),
            skip: Vec::new(),
        };
        Ok(Some((project, prefix)))
    }
}

/// A folder relative to the work tree's top: empty or ending in `/`.
pub(super) fn folder_prefix(top: Option<&Path>, dir: &Path) -> String {
    match top.map(|top| dir.strip_prefix(top)) {
        Some(Ok(rel)) if !rel.as_os_str().is_empty() => format!(
            "{}/",
            crate::names::slash(rel).unwrap_or_else(|escaped| escaped)
        ),
        _ => String::new(),
    }
}

/// The projects that the staged files belong to: the project itself, and
/// any production in a subfolder with its own `.aiclear/` (in the index or
/// the work tree), each with its path relative to the project root.
pub fn staged_projects(project: Project) -> Result<Vec<(String, Project)>> {
    let Some(repo) = &project.repo else {
        return Ok(vec![(String::new(), project)]);
    };
    let mut subs = BTreeSet::new();
    for path in repo.staged_files(&project.prefix)? {
        let Some(rel) = path.strip_prefix(&project.prefix) else {
            continue;
        };
        let mut dir = rel;
        while let Some((parent, _)) = dir.rsplit_once('/') {
            let marker = format!("{}{parent}/.aiclear/config.yml", project.prefix);
            if repo.read_index(&marker)?.is_some()
                || project.root.join(parent).join(".aiclear").is_dir()
            {
                subs.insert(format!("{parent}/"));
                break;
            }
            dir = parent;
        }
    }
    let mut out = Vec::new();
    for sub in subs {
        let Some(repo) = Repo::open_from_env() else {
            continue;
        };
        out.push((
            sub.clone(),
            Project {
                root: project.root.join(sub.trim_end_matches('/')),
                repo: Some(repo),
                prefix: format!("{}{sub}", project.prefix),
                cwd: format!("{}{sub}", project.prefix),
                skip: Vec::new(),
            },
        ));
    }
    let mut project = project;
    project.skip = out.iter().map(|(sub, _)| sub.clone()).collect();
    out.insert(0, (String::new(), project));
    Ok(out)
}

/// Add a sub-project's report to another, with its paths made relative to
/// the outer project root.
pub fn merge(into: &mut Report, from: Report, sub: &str) {
    let Report {
        diagnostics,
        sources,
        files_checked,
        checked,
        files_from_cache,
        history,
        approvals,
        requests,
        timings,
        root_prefix,
        rules,
    } = from;
    if into.root_prefix.is_empty() || sub.is_empty() {
        into.root_prefix = root_prefix
            .strip_suffix(sub)
            .unwrap_or(&root_prefix)
            .to_owned();
    }
    for mut d in diagnostics {
        d.path = format!("{sub}{}", d.path);
        into.diagnostics.push(d);
    }
    for (path, mut source) in sources {
        source.path = format!("{sub}{path}");
        into.sources.insert(source.path.clone(), source);
    }
    for mut a in approvals {
        a.path = format!("{sub}{}", a.path);
        into.approvals.push(a);
    }
    for mut r in requests {
        r.path = format!("{sub}{}", r.path);
        into.requests.push(r);
    }
    for rule in rules {
        if !into.rules.iter().any(|r| r.code == rule.code) {
            into.rules.push(rule);
        }
    }
    into.files_checked += files_checked;
    into.checked
        .extend(checked.into_iter().map(|p| format!("{sub}{p}")));
    into.checked.sort();
    into.files_from_cache += files_from_cache;
    into.history = into.history.take().or(history);
    into.timings.extend(timings);
}

/// Where a check reads its range from.
pub(super) enum Ranged {
    /// No range (a work tree or index check), or the range to read.
    Here(Option<Range>),
    /// The base puts the production elsewhere: the project there, and the
    /// prefix the base gives.
    Moved(Box<Project>, String),
}

/// Resolve the range a mode names, if any, and refuse a mode the
/// repository cannot serve.
pub(super) fn range(project: &Project, mode: &Mode) -> Result<Ranged> {
    let needs_repo = |what: &str| UsageError::Message(format!("{what} needs a git repository"));
    let range = match mode {
        Mode::Range { base, head, .. } => {
            let repo = project
                .repo
                .as_ref()
                .ok_or_else(|| needs_repo("`--base`"))?;
            for (flag, rev) in [("--base", base), ("--head", head)] {
                if let Some(kind) = repo.non_commit_kind(rev) {
                    return Err(UsageError::Message(format!(
                        "`{flag} {rev}` names {kind}, not a commit: {flag} takes a commit (a branch, a tag or a commit id)"
                    ))
                    .into());
                }
            }
            let r = repo.range(base, head)?;
            // The base says where the production is.
            if let Some((moved, prefix)) = project.for_range(repo, r.base)? {
                return Ok(Ranged::Moved(Box::new(moved), prefix));
            }
            Some(r)
        }
        _ => None,
    };
    if project.repo.as_ref().is_some_and(|r| r.is_bare()) && !matches!(mode, Mode::Range { .. }) {
        return Err(UsageError::Message(
            "a bare repository has no work tree or index to check: use `--base REV` to check a range".into(),
        )
        .into());
    }
    Ok(Ranged::Here(range))
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::process::Command;

    use super::*;

    fn canonical(p: &Path) -> PathBuf {
        p.canonicalize().unwrap()
    }

    #[test]
    fn the_root_is_the_nearest_folder_with_aiclear() {
        let dir = tempfile::tempdir().unwrap();
        let top = canonical(dir.path());
        std::fs::create_dir_all(top.join("show/.aiclear")).unwrap();
        std::fs::create_dir_all(top.join("show/ep1/scenes")).unwrap();
        let project = Project::discover_at(top.join("show/ep1/scenes"), None);
        assert_eq!(project.root, top.join("show"));
        assert!(project.repo.is_none());
        assert_eq!(project.prefix, "");
        assert_eq!(project.cwd, "");
    }

    #[test]
    fn without_aiclear_or_a_repository_the_root_is_the_current_folder() {
        let dir = tempfile::tempdir().unwrap();
        let here = canonical(dir.path());
        assert_eq!(Project::discover_at(here.clone(), None).root, here);
    }

    #[test]
    fn in_a_repository_the_prefix_places_the_root_in_the_work_tree() {
        let dir = tempfile::tempdir().unwrap();
        let top = canonical(dir.path());
        let init = Command::new("git")
            .args(["init", "-q"])
            .arg(&top)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", &top)
            .status();
        if !init.is_ok_and(|s| s.success()) {
            return; // git is not installed
        }
        std::fs::create_dir_all(top.join("prod/.aiclear")).unwrap();
        std::fs::create_dir_all(top.join("prod/scenes")).unwrap();
        let repo = Repo::open_at(&top);
        let project = Project::discover_at(top.join("prod/scenes"), Some(repo));
        assert_eq!(project.root, top.join("prod"));
        assert_eq!(project.prefix, "prod/");
        assert_eq!(project.cwd, "prod/scenes/");
        assert!(project.repo.is_some());

        // Without `.aiclear/`, the root is the work tree's top.
        let repo = Repo::open_at(&top);
        std::fs::create_dir_all(top.join("other")).unwrap();
        let project = Project::discover_at(top.join("other"), Some(repo));
        assert_eq!(project.root, top);
        assert_eq!(project.prefix, "");
        assert_eq!(project.cwd, "other/");
    }

    #[test]
    fn folder_prefixes_end_in_a_slash() {
        let top = Path::new("/work/repo");
        assert_eq!(folder_prefix(Some(top), Path::new("/work/repo")), "");
        assert_eq!(
            folder_prefix(Some(top), Path::new("/work/repo/a/b")),
            "a/b/"
        );
        assert_eq!(folder_prefix(None, Path::new("/work/repo/a")), "");
    }

    #[test]
    fn a_sub_project_report_is_merged_with_its_paths_prefixed() {
        use crate::diagnostic::{Diagnostic, Severity};
        let finding = |path: &str| Diagnostic {
            rule: None,
            severity: Severity::Error,
            message: "m".into(),
            path: path.into(),
            span: None,
            label: None,
            secondary: Vec::new(),
            notes: Vec::new(),
            help: None,
        };
        let mut outer = Report {
            files_checked: 2,
            ..Report::default()
        };
        outer.diagnostics.push(finding("a.yml"));
        let mut inner = Report {
            files_checked: 3,
            root_prefix: "show/sub/".into(),
            ..Report::default()
        };
        inner.diagnostics.push(finding("b.yml"));
        merge(&mut outer, inner, "sub/");
        let paths: Vec<&str> = outer.diagnostics.iter().map(|d| d.path.as_str()).collect();
        assert_eq!(paths, ["a.yml", "sub/b.yml"]);
        assert_eq!(outer.files_checked, 5);
        assert_eq!(outer.root_prefix, "show/");
    }
}
