//! Files → declarations → rules → sorted diagnostics.
//!
//! The engine finds the project root, reads the configuration and the ledger
//! from the same place as the files (the work tree, or the index for
//! `--staged`), decides which files to check and how, runs every rule over
//! every declaration, lets valid approvals clear approval-level findings, and
//! applies the configured severities. It prints nothing.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};

use crate::approvals::{self, Ledger, State};
use crate::config::{self, Override, Settings};
use crate::declaration::{self, Declaration, FileKind, Use};
use crate::diagnostic::{ApprovalUse, Diagnostic, HistorySummary, Report, Severity};
use crate::git::history::{CommitInfo, OriginRequest, Range};
use crate::git::{Blob, Repo};
use crate::rules::{self, Check, Context, Finding, Level};
use crate::rules::{
    declaration_removed, lingering_temporary_material, trust_root_changed, undeclared_ai_assistance,
};
use crate::signing::AllowedSigners;
use crate::source::Source;

mod provenance;
mod requests;
mod stale;
mod targets;

pub use targets::list_all;
use targets::{Target, classify};

/// Largest YAML, JSON or OTIO file read whole.
pub const MAX_FILE_BYTES: u64 = 64 << 20;
/// How much of a script is read to find its title page.
pub const FIRST_READ_BYTES: u64 = 4 << 10;

/// A usage or configuration problem: exit code 2.
#[derive(Debug, thiserror::Error)]
pub enum UsageError {
    #[error("{0}")]
    Message(String),
    /// The configuration has errors; the report holds them.
    #[error("the configuration has errors")]
    Config(Box<Report>),
}

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
        let repo = Repo::open(staged);
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
        Ok(Project {
            root,
            repo,
            prefix,
            cwd: cwd_prefix,
            skip: Vec::new(),
        })
    }

    /// The project of a range check: the nearest folder at or above the
    /// current one that holds `.aiclear/` in the base, so that a change
    /// cannot move or remove the production it is judged by; the work
    /// tree's when the base has none. `None` when that is this project.
    fn for_range(&self, repo: &Repo, base: git2::Oid) -> Result<Option<(Project, String)>> {
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
fn folder_prefix(top: Option<&Path>, dir: &Path) -> String {
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
        files_from_cache,
        history,
        approvals,
        requests,
        timings,
        root_prefix,
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
    into.files_checked += files_checked;
    into.files_from_cache += files_from_cache;
    into.history = into.history.take().or(history);
    into.timings.extend(timings);
}

/// What to check.
#[derive(Clone, Debug)]
pub enum Mode {
    /// The work tree: every matched file, or the given paths.
    Worktree { paths: Vec<PathBuf> },
    /// The staged content of every matched staged path. With a commit
    /// message (the `commit-msg` hook), only GA607 is judged: an AI trailer
    /// in the message while the staged files declare no use.
    Staged { message: Option<String> },
    /// The files changed in `base...head`, read from the head commit, plus the
    /// history rules over the range. `all` checks every matched file at head.
    Range {
        base: String,
        head: String,
        all: bool,
    },
}

/// Reads project files from the work tree or the index.
enum Files<'a> {
    Worktree {
        root: &'a Path,
    },
    Index {
        repo: &'a Repo,
        prefix: &'a str,
    },
    Tree {
        repo: &'a Repo,
        commit: git2::Oid,
        prefix: &'a str,
    },
}

/// A file's content, or why it cannot be read.
enum Content {
    Bytes(Vec<u8>),
    Absent,
    Refused(String),
}

impl Files<'_> {
    fn read(&self, rel: &str, limit: u64) -> Result<Content> {
        match self {
            Files::Worktree { root } => read_worktree(root, rel, limit),
            Files::Index { prefix, .. } | Files::Tree { prefix, .. } => {
                self.read_git(prefix, rel, limit)
            }
        }
    }

    /// A file in the index or a commit. A symbolic link is followed within
    /// the same snapshot, as the work tree would follow it.
    fn read_git(&self, prefix: &str, rel: &str, limit: u64) -> Result<Content> {
        let mut path = format!("{prefix}{rel}");
        for hop in 0..8 {
            let blob = match self {
                Files::Index { repo, .. } => repo.read_index_entry(&path)?,
                Files::Tree { repo, commit, .. } => repo.read_at_entry(*commit, &path)?,
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
    fn read_plain(&self, rel: &str) -> Result<Content> {
        match self {
            Files::Worktree { root } => {
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
    fn read_config(&self, rel: &str) -> Result<Option<Source>> {
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
fn plain_blob(blob: Option<Blob>) -> Result<Content> {
    Ok(match blob {
        None => Content::Absent,
        Some(Blob::File(mut b)) => {
            b.truncate(MAX_FILE_BYTES as usize);
            Content::Bytes(b)
        }
        Some(Blob::Link(_)) => Content::Refused("it is a symbolic link".into()),
        Some(Blob::Other) => Content::Refused("it is not a regular file".into()),
    })
}

fn read_worktree(root: &Path, rel: &str, limit: u64) -> Result<Content> {
    let path = root.join(rel);
    // Opened without following a final symbolic link and without blocking
    // on a FIFO, then judged by what was opened: nothing can be swapped in
    // between a check and the open.
    let file = match open_no_follow(&path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Content::Absent),
        Err(e) => match std::fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_symlink() => return read_link(root, rel, &path, limit),
            _ => return Err(e).with_context(|| format!("reading `{rel}`")),
        },
    };
    read_open(file, rel, limit)
}

/// A file reached through a symbolic link: read when the link leads to a
/// regular file inside the project.
fn read_link(root: &Path, rel: &str, path: &Path, limit: u64) -> Result<Content> {
    let Ok(target) = path.canonicalize() else {
        return Ok(Content::Refused("it is a symbolic link to nothing".into()));
    };
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    if !target.starts_with(&root) {
        return Ok(Content::Refused(
            "it is a symbolic link that points outside the project".into(),
        ));
    }
    match open_no_follow(&target) {
        Ok(file) if file.metadata().is_ok_and(|m| m.is_file()) => read_open(file, rel, limit),
        _ => Ok(Content::Refused(
            "it is a symbolic link to something that is not a regular file".into(),
        )),
    }
}

fn open_no_follow(path: &Path) -> std::io::Result<std::fs::File> {
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
fn read_open(file: std::fs::File, rel: &str, limit: u64) -> Result<Content> {
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
        bytes.resize(want, 0);
        let mut filled = 0;
        while filled < want {
            match file.read(&mut bytes[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e).with_context(|| format!("reading `{rel}`")),
            }
        }
        bytes.truncate(filled);
        if filled < want || want as u64 == meta.len() {
            return Ok(Content::Bytes(bytes));
        }
    }
    // Empty by its metadata, or cut at `limit`: read on (a file that grew
    // since, or one whose size is not known beforehand).
    file.read_to_end(&mut bytes)
        .with_context(|| format!("reading `{rel}`"))?;
    Ok(Content::Bytes(bytes))
}

/// Run a check.
pub fn check(project: &Project, mode: &Mode) -> Result<Report> {
    check_declarations(project, mode).map(|c| c.report)
}

/// A check of the work tree that skips the files an earlier run found
/// clean and that have not changed since (see [`crate::cache`]). Other modes
/// read everything.
pub fn check_with_cache(project: &Project, mode: &Mode) -> Result<Report> {
    run(project, mode, true).map(|c| c.report)
}

/// A check, with the declarations it read (for the disclosure register).
pub struct Checked {
    pub report: Report,
    /// Each checked file's declaration, by path.
    pub declarations: BTreeMap<String, Declaration>,
    /// The commit the files were read from, when not the work tree.
    pub commit: Option<String>,
}

/// Run a check and keep the declarations it read.
pub fn check_declarations(project: &Project, mode: &Mode) -> Result<Checked> {
    run(project, mode, false)
}

fn run(project: &Project, mode: &Mode, use_cache: bool) -> Result<Checked> {
    let mut clock = Clock::new();
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
                let mut checked = run(&moved, mode, use_cache)?;
                let f = trust_root_changed::root_moved(&project.prefix, &prefix);
                checked
                    .report
                    .diagnostics
                    .insert(0, to_diagnostic(f, Severity::Warning, config::CONFIG_PATH));
                return Ok(checked);
            }
            Some(r)
        }
        _ => None,
    };
    // Where production files come from, and where the trust root (config,
    // approvers, allowed signers) comes from: the base of a range, never the
    // change under review.
    if project.repo.as_ref().is_some_and(|r| r.is_bare()) && !matches!(mode, Mode::Range { .. }) {
        return Err(UsageError::Message(
            "a bare repository has no work tree or index to check: use `--base REV` to check a range".into(),
        )
        .into());
    }
    let (files, trust) = match (mode, &range, &project.repo) {
        (Mode::Worktree { .. }, _, _) => (
            Files::Worktree {
                root: &project.root,
            },
            Files::Worktree {
                root: &project.root,
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
        _ => return Err(needs_repo("`--staged`").into()),
    };

    let mut report = Report::default();
    let TrustRoot {
        source: config_source,
        settings,
        signers,
    } = trust_root(&trust)?;

    let (ledger, ledger_source) = match files.read_plain(config::LEDGER_PATH)? {
        Content::Bytes(bytes) => {
            let source = Source::new(config::LEDGER_PATH, bytes);
            let (ledger, findings) = crate::rules::read_ledger(&source);
            for f in findings {
                report
                    .diagnostics
                    .push(to_diagnostic(f, Severity::Error, config::LEDGER_PATH));
            }
            (ledger, Some(source))
        }
        Content::Absent => (Ledger::default(), None),
        // A ledger that is a link is never followed: nothing in it counts.
        Content::Refused(why) => {
            let f = Finding::new(
                &rules::malformed_declaration::MALFORMED_DECLARATION,
                None,
                format!("the ledger cannot be read: {why}"),
            )
            .help(format!(
                "commit the approvals themselves at `{}`, a regular file, not a link to one",
                config::LEDGER_PATH
            ));
            report
                .diagnostics
                .push(to_diagnostic(f, Severity::Error, config::LEDGER_PATH));
            (Ledger::default(), None)
        }
    };
    // A `document` must be the file it names, not a link to somewhere else.
    for e in &ledger.entries {
        if let Some(d) = &e.document
            && approvals::is_inside(&d.value)
            && matches!(files.read_plain(&d.value)?, Content::Refused(_))
        {
            let f = Finding::new(
                &rules::invalid_value::INVALID_VALUE,
                Some(d.span.clone()),
                format!(
                    "the document `{}` is a symbolic link or not a regular file",
                    d.value
                ),
            )
            .label("a link, not the signed document")
            .help("commit the signed approval itself at that path");
            report
                .diagnostics
                .push(to_diagnostic(f, Severity::Error, config::LEDGER_PATH));
        }
    }

    // The watchlist is policy: read from the trust root, like the config.
    let watchlist = match &settings.watchlist {
        Some(path) => match trust.read_config(path)? {
            Some(source) => String::from_utf8_lossy(&source.bytes)
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(str::to_owned)
                .collect(),
            None => {
                return Err(UsageError::Message(format!(
                    "the watchlist `{path}` named in `{}` does not exist",
                    config::CONFIG_PATH
                ))
                .into());
            }
        },
        None => Vec::new(),
    };

    clock.lap("configuration and ledger");
    let (changes, changed_bad_names) = match (&range, &project.repo) {
        (Some(r), Some(repo)) => repo.changes(r, &project.prefix)?,
        _ => Default::default(),
    };
    let mut found = targets::targets(
        project,
        mode,
        &settings,
        range.as_ref(),
        &changes,
        &changed_bad_names,
    )?;
    let mut targets = std::mem::take(&mut found.list);
    // A range that changes the ledger changes what is approved: the files its
    // entries cover are checked too.
    if let Some(at_head) = &found.at_head {
        let ledger_path = format!("{}{}", project.prefix, config::LEDGER_PATH);
        if changes
            .iter()
            .any(|c| c.path.as_deref() == Some(&ledger_path))
        {
            let mut seen: HashSet<String> = targets.iter().map(|t| t.path.clone()).collect();
            for rel in at_head
                .files
                .iter()
                .filter_map(|p| p.strip_prefix(&project.prefix))
            {
                if let Some(t) = classify(&settings, rel)
                    && ledger
                        .entries
                        .iter()
                        .any(|e| e.covers.iter().any(|c| c.covers_path(&t.path)))
                    && seen.insert(t.path.clone())
                {
                    targets.push(t);
                }
            }
            targets.sort_by(|a, b| a.path.cmp(&b.path));
        }
    }
    for name in &found.bad_names {
        let f = Finding::new(
            &rules::malformed_declaration::MALFORMED_DECLARATION,
            None,
            "the file name is not valid UTF-8, so aiclear cannot read this file by name".to_owned(),
        )
        .note("invalid bytes are shown as `\\xNN`")
        .help("rename the file to a UTF-8 name (`git mv`), then check again");
        report
            .diagnostics
            .push(to_diagnostic(f, Severity::Error, name));
    }
    let today = crate::localtime::today();
    clock.lap("file discovery");

    let commits = match (&range, &project.repo) {
        (Some(r), Some(repo)) => repo.range_commits(r)?,
        _ => Vec::new(),
    };
    // Provenance of the ledger entries the checked files may rely on.
    let relevant: Vec<String> = ledger
        .entries
        .iter()
        .filter(|e| {
            !e.broken
                && e.covers
                    .iter()
                    .any(|c| targets.iter().any(|t| c.covers_path(&t.path)))
        })
        .map(|e| e.id.value.clone())
        .collect();
    let mut untrusted = HashSet::new();
    let mut origins = HashMap::new();
    let mut summary = None;
    // Who may grant approvals, for the notes of open requests: the base's
    // approvers in a range, the committed ones in a local check.
    let mut approvers = approver_emails(&settings);
    if let Some(repo) = &project.repo {
        let traced = match &range {
            Some(r) => {
                // What the change proposes, to say when an approver it adds
                // takes effect.
                let proposed = trust_root(&files).ok().map(|t| t.settings);
                let trust = provenance::Trust {
                    settings: &settings,
                    signers: &signers,
                    proposed: proposed.as_ref(),
                };
                // When the base is the merge base, the commits of the
                // range are those the change brings.
                let brought = (r.base == r.merge_base)
                    .then(|| commits.iter().map(|c| c.id.clone()).collect());
                let against = provenance::Against::Range {
                    head: r.head,
                    base: r.base,
                    brought,
                };
                let traced =
                    provenance::trace(repo, &against, &project.prefix, &ledger, &relevant, &trust)?;
                summary = Some(HistorySummary {
                    range: format!("{}..{}", short(r.merge_base), short(r.head)),
                    commits: 0,
                    approvals_traced: relevant.len(),
                    signatures_verified: traced.signatures,
                });
                traced
            }
            None => {
                // Work tree or index: approvers, signing and signers are
                // those of the committed configuration.
                let head = repo.head_commit();
                let committed = match head {
                    Some(commit) => committed_trust_root(&Files::Tree {
                        repo,
                        commit,
                        prefix: &project.prefix,
                    })?,
                    None => TrustRoot::default(),
                };
                let trust = provenance::Trust {
                    settings: &committed.settings,
                    signers: &committed.signers,
                    proposed: Some(&settings),
                };
                approvers = approver_emails(match head {
                    Some(_) => &committed.settings,
                    None => &settings,
                });
                let against = provenance::Against::Local { head };
                provenance::trace(repo, &against, &project.prefix, &ledger, &relevant, &trust)?
            }
        };
        untrusted = traced.untrusted;
        origins = traced.origins;
        for f in traced.findings {
            let severity = f.severity.unwrap_or(Severity::Error);
            report
                .diagnostics
                .push(to_diagnostic(f, severity, config::LEDGER_PATH));
        }
    }

    let checker = Checker {
        settings: &settings,
        ledger: &ledger,
        untrusted: &untrusted,
        watchlist,
        today,
        staged: matches!(mode, Mode::Staged { .. }),
        approvers,
        approvers_from: if range.is_some() {
            "the base branch's `.aiclear/config.yml`"
        } else if project
            .repo
            .as_ref()
            .and_then(|r| r.head_commit())
            .is_some()
        {
            "the committed `.aiclear/config.yml`"
        } else {
            "`.aiclear/config.yml`"
        },
    };
    // Files aiclear could read that no glob covers: one warning (GA007).
    if settings.require_declaration
        && let Some(f) = rules::uncovered_file::finding(
            &found.uncovered,
            config::CONFIG_PATH,
            config_source.is_some(),
        )
    {
        checker.emit(&mut report.diagnostics, config::CONFIG_PATH, vec![f]);
    }
    clock.lap("approval provenance");
    // Work-tree files known clean from an earlier run are not read again.
    let mut cache = match (&files, &project.repo) {
        (Files::Worktree { .. }, Some(repo)) if use_cache => {
            let mut untrusted: Vec<&String> = untrusted.iter().collect();
            untrusted.sort();
            let untrusted = untrusted
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join("\n");
            let inputs = crate::cache::inputs(&[
                project.prefix.as_bytes(),
                config_source.as_ref().map_or(&b""[..], |s| &s.bytes),
                ledger_source.as_ref().map_or(&b""[..], |s| &s.bytes),
                checker.watchlist.join("\n").as_bytes(),
                today.to_string().as_bytes(),
                untrusted.as_bytes(),
            ]);
            Some(crate::cache::CheckCache::load(
                repo.git_dir(),
                &project.prefix,
                inputs,
            ))
        }
        _ => None,
    };
    let outcomes = match files {
        // Files in the work tree are read by the workers too.
        Files::Worktree { root } => {
            let cache = cache.as_ref();
            let one = |t: &Target| -> Result<FileOutcome> {
                let stat = cache.and_then(|_| crate::cache::Stat::of(&root.join(&t.path)));
                if let (Some(cache), Some(stat)) = (cache, &stat)
                    && let Some(approvals) = cache.get(&t.path, stat, t.kind, t.media.as_deref())
                {
                    return Ok(FileOutcome {
                        approvals,
                        from_cache: true,
                        ..FileOutcome::default()
                    });
                }
                let files = Files::Worktree { root };
                let mut out = checker.judge(t, checker.read_target(&files, t)?);
                if out.diagnostics.is_empty() {
                    out.clean = stat.filter(|s| cache.is_some_and(|c| c.can_keep(s)));
                }
                Ok(out)
            };
            if targets.len() >= PARALLEL_FROM {
                parallel(&targets, one)?
            } else {
                targets.iter().map(one).collect::<Result<_>>()?
            }
        }
        _ => pipeline(
            &targets,
            |t| checker.read_target(&files, t),
            |t, c| checker.judge(t, c),
        )?,
    };
    let mut declarations = BTreeMap::new();
    for (target, outcome) in targets.iter().zip(outcomes) {
        if let Some(cache) = &mut cache {
            if outcome.from_cache {
                report.files_from_cache += 1;
            } else if let Some(stat) = outcome.clean {
                cache.keep(
                    target.path.clone(),
                    stat,
                    target.kind,
                    target.media.as_deref(),
                    outcome.approvals.clone(),
                );
            } else {
                cache.forget(&target.path);
            }
        }
        report.diagnostics.extend(outcome.diagnostics);
        if let Some(source) = outcome.source {
            report.sources.insert(target.path.clone(), source);
        }
        if let Some(decl) = outcome.declaration {
            declarations.insert(target.path.clone(), decl);
        }
        report.approvals.extend(outcome.approvals);
        report.requests.extend(outcome.requests);
    }
    report.files_checked = targets.len() + found.bad_names.len();
    if let Some(cache) = cache {
        cache.save();
    }
    clock.lap("reading and checking files");

    if let (Some(r), Some(repo)) = (&range, &project.repo) {
        let commits = history_rules(
            project,
            repo,
            r,
            &settings,
            &changes,
            &commits,
            &declarations,
            &targets,
            &checker,
            &mut report,
            &mut clock,
        )?;
        if let Some(s) = &mut summary {
            s.commits = commits;
        }
        clock.lap("history: AI-assisted commits");
    }
    report.history = summary;
    // GA504 says which fields changed since the approval was granted.
    let head = match (&range, &project.repo) {
        (Some(r), _) => Some(r.head),
        (None, Some(repo)) => repo.head_commit(),
        _ => None,
    };
    let history = match (&project.repo, head) {
        (Some(repo), Some(head)) => Some(stale::History {
            repo,
            head,
            prefix: &project.prefix,
            origins: &origins,
        }),
        _ => None,
    };
    stale::explain(
        history.as_ref(),
        &ledger,
        &declarations,
        &targets,
        &mut report,
    );
    if let Mode::Staged {
        message: Some(message),
    } = mode
    {
        report.diagnostics.clear();
        report.requests.clear();
        if let Some(trailer) = undeclared_ai_assistance::ai_trailer(message, &settings.ai_agents) {
            for target in &targets {
                if let Some(f) =
                    undeclared_ai_assistance::check(declarations.get(&target.path), None, &trailer)
                {
                    checker.emit(&mut report.diagnostics, &target.path, vec![f]);
                }
            }
        }
    }
    // Findings added after a file was checked point into it too.
    let missing: BTreeSet<String> = report
        .diagnostics
        .iter()
        .filter(|d| d.span.is_some() && !report.sources.contains_key(&d.path))
        .map(|d| d.path.clone())
        .collect();
    for path in missing {
        if path == config::LEDGER_PATH {
            continue;
        }
        if let Content::Bytes(b) = files.read(&path, MAX_FILE_BYTES)? {
            report.sources.insert(path.clone(), Source::new(path, b));
        }
    }

    if let Some(source) = ledger_source
        && report
            .diagnostics
            .iter()
            .any(|d| d.path == config::LEDGER_PATH)
    {
        report.sources.insert(source.path.clone(), source);
    }
    report.timings = clock.laps;
    report.root_prefix = project.prefix.clone();
    report.diagnostics.sort_by(|a, b| {
        (&a.path, a.span.as_ref().map(|s| s.start), a.severity).cmp(&(
            &b.path,
            b.span.as_ref().map(|s| s.start),
            b.severity,
        ))
    });
    let commit = match (&range, &project.repo) {
        (Some(r), _) => Some(r.head.to_string()),
        (None, Some(repo)) => repo.head_commit().map(|c| c.to_string()),
        _ => None,
    };
    Ok(Checked {
        report,
        declarations,
        commit,
    })
}

/// The configuration, approvers and allowed signers of one snapshot.
#[derive(Default)]
struct TrustRoot {
    source: Option<Source>,
    settings: Settings,
    signers: AllowedSigners,
}

/// Read the trust root; errors in it are configuration errors (exit 2).
fn trust_root(files: &Files) -> Result<TrustRoot> {
    let source = files.read_config(config::CONFIG_PATH)?;
    let settings = match &source {
        Some(source) => match config::parse(source) {
            Ok(s) => s,
            Err(findings) => {
                let mut report = Report::default();
                for f in findings {
                    report
                        .diagnostics
                        .push(to_diagnostic(f, Severity::Error, config::CONFIG_PATH));
                }
                report.sources.insert(source.path.clone(), source.clone());
                return Err(UsageError::Config(Box::new(report)).into());
            }
        },
        None => Settings::default(),
    };
    let signers = if settings.require_signed_approvals {
        match files.read_config(config::ALLOWED_SIGNERS_PATH)? {
            Some(source) => AllowedSigners::parse(&source.text_lossy()).map_err(|errors| {
                let list: Vec<String> = errors
                    .iter()
                    .map(|(line, m)| format!("line {line}: {m}"))
                    .collect();
                UsageError::Message(format!(
                    "`{}` has errors: {}",
                    config::ALLOWED_SIGNERS_PATH,
                    list.join("; ")
                ))
            })?,
            None => AllowedSigners::default(),
        }
    } else {
        AllowedSigners::default()
    };
    Ok(TrustRoot {
        source,
        settings,
        signers,
    })
}

/// The approvers' emails, in the configuration's order.
fn approver_emails(settings: &Settings) -> Vec<String> {
    settings.approvers.iter().map(|a| a.email.clone()).collect()
}

/// The committed trust root, for a check of the work tree or the index.
/// A committed configuration that cannot be read names no approvers: no
/// committed entry counts until it is fixed.
fn committed_trust_root(files: &Files) -> Result<TrustRoot> {
    match trust_root(files) {
        Ok(t) => Ok(t),
        Err(e) if e.downcast_ref::<UsageError>().is_some() => Ok(TrustRoot {
            settings: Settings {
                approvers: Vec::new(),
                ..Settings::default()
            },
            ..TrustRoot::default()
        }),
        Err(e) => Err(e),
    }
}

/// When each use of a file was introduced and last changed, walking back
/// from `head` (default `HEAD`) through the file's history.
pub fn use_history(
    project: &Project,
    path: &str,
    ids: &[String],
) -> Result<BTreeMap<String, (CommitInfo, CommitInfo)>> {
    let Some(repo) = &project.repo else {
        return Ok(BTreeMap::new());
    };
    let Some(head) = repo.head_commit() else {
        return Ok(BTreeMap::new());
    };
    let Some(kind) = classify(&Settings::default(), path)
        .map(|t| t.kind)
        .or_else(|| FileKind::of_path(path))
    else {
        return Ok(BTreeMap::new());
    };
    let full = format!("{}{path}", project.prefix);
    let uses = |b: &[u8]| -> Vec<(String, String)> {
        declaration::parse(kind, b)
            .declaration
            .map(|d| {
                d.uses
                    .into_iter()
                    .map(|u| (u.id.value.clone(), approvals::digest(&u)))
                    .collect()
            })
            .unwrap_or_default()
    };
    let introduced = repo.origins(head, &full, ids, |b| {
        uses(b)
            .into_iter()
            .map(|(id, _)| (id, String::new()))
            .collect()
    })?;
    let changed = repo.origins(head, &full, ids, |b| uses(b).into_iter().collect())?;
    Ok(ids
        .iter()
        .filter_map(|id| {
            Some((
                id.clone(),
                (introduced.get(id)?.clone(), changed.get(id)?.clone()),
            ))
        })
        .collect())
}

/// Phase timings for `--timings`.
struct Clock {
    last: std::time::Instant,
    laps: Vec<(&'static str, std::time::Duration)>,
}

impl Clock {
    fn new() -> Clock {
        Clock {
            last: std::time::Instant::now(),
            laps: Vec::new(),
        }
    }

    fn lap(&mut self, name: &'static str) {
        let now = std::time::Instant::now();
        self.laps.push((name, now - self.last));
        self.last = now;
    }
}

fn short(id: git2::Oid) -> String {
    id.to_string()[..10].to_owned()
}

/// GA603, GA604, GA605 and GA607 over a range; returns the number of commits.
#[allow(clippy::too_many_arguments)]
fn history_rules(
    project: &Project,
    repo: &Repo,
    range: &Range,
    settings: &Settings,
    changes: &[crate::git::history::Change],
    commits: &[CommitInfo],
    declarations: &BTreeMap<String, Declaration>,
    targets: &[Target],
    checker: &Checker,
    report: &mut Report,
    clock: &mut Clock,
) -> Result<usize> {
    let prefix = &project.prefix;
    let rel = |p: &str| p.strip_prefix(prefix.as_str()).map(str::to_owned);

    // GA605: the trust root changed.
    for change in changes {
        for p in change.path.iter().chain(change.old_path.iter()) {
            if let Some(r) = rel(p)
                && (r == config::CONFIG_PATH
                    || r == config::ALLOWED_SIGNERS_PATH
                    || r.ends_with(&format!("/{}", config::CONFIG_PATH)))
            {
                checker.emit(
                    &mut report.diagnostics,
                    &r,
                    vec![trust_root_changed::check(&r)],
                );
                break;
            }
        }
    }

    // GA603: uses removed without a `retired` record, with the file they
    // were in deleted, or renamed where no glob covers it.
    for change in changes {
        let Some(old) = change.old_path.as_deref().and_then(rel) else {
            continue;
        };
        let new = change.path.as_deref().and_then(rel);
        let old_target = classify(settings, &old).filter(|t| t.path == old);
        let new_target = new
            .as_deref()
            .and_then(|n| classify(settings, n))
            .filter(|t| Some(&t.path) == new.as_ref());
        let Some(kind) = old_target.as_ref().or(new_target.as_ref()).map(|t| t.kind) else {
            continue;
        };
        let base_ids = || -> Result<Vec<String>> {
            Ok(
                match repo.read_at(range.merge_base, &format!("{prefix}{old}"))? {
                    Some(bytes) => declaration::parse(kind, &bytes)
                        .declaration
                        .map(|d| d.uses.into_iter().map(|u| u.id.value).collect())
                        .unwrap_or_default(),
                    None => Vec::new(),
                },
            )
        };
        match (new, new_target) {
            (Some(new), Some(_)) => {
                let found =
                    declaration_removed::check(&base_ids()?, declarations.get(&new), &old, &new);
                checker.emit(&mut report.diagnostics, &new, found);
            }
            (Some(new), None) if old_target.is_some() => {
                let ids = base_ids()?;
                if !ids.is_empty() {
                    let f = declaration_removed::renamed_out_of_scope(&old, &new, &ids);
                    checker.emit(&mut report.diagnostics, &new, vec![f]);
                }
            }
            // A sidecar deleted while its file stays is a missing declaration.
            (None, _) if old_target.is_some() && !targets.iter().any(|t| t.path == old) => {
                let ids = base_ids()?;
                if !ids.is_empty() {
                    let f = declaration_removed::deleted(&old, &ids);
                    checker.emit(&mut report.diagnostics, &old, vec![f]);
                }
            }
            _ => {}
        }
    }

    clock.lap("history: trust root and removed uses");

    // GA604: temporary material that lingers; one walk for every file.
    let now = jiff::Timestamp::now().as_second();
    let mut temp: Vec<(&Target, Vec<&Use>)> = Vec::new();
    for target in targets {
        let Some(decl) = declarations.get(&target.path) else {
            continue;
        };
        let uses: Vec<&Use> = decl
            .uses
            .iter()
            .filter(|u| u.stage() != Some(declaration::Stage::Final))
            .collect();
        if !uses.is_empty() {
            temp.push((target, uses));
        }
    }
    let requests: Vec<OriginRequest> = temp
        .iter()
        .map(|(target, uses)| {
            let kind = target.kind;
            // Most revisions change a script's pages, not its declaration:
            // each distinct declaration is parsed once.
            let seen: RefCell<HashMap<Vec<u8>, HashMap<String, String>>> = RefCell::default();
            OriginRequest {
                path: format!("{prefix}{}", target.path),
                wanted: uses.iter().map(|u| u.id.value.clone()).collect(),
                extract: Box::new(move |b: &[u8]| {
                    let text = declaration::declaration_bytes(kind, b);
                    if let Some(ids) = seen.borrow().get(text) {
                        return ids.clone();
                    }
                    let ids: HashMap<String, String> = declaration::parse(kind, b)
                        .declaration
                        .map(|d| {
                            d.uses
                                .into_iter()
                                .map(|u| (u.id.value, String::new()))
                                .collect()
                        })
                        .unwrap_or_default();
                    seen.borrow_mut().insert(text.to_vec(), ids.clone());
                    ids
                }),
            }
        })
        .collect();
    // Only the window of the age limit is walked: a use not introduced
    // within it is older than the limit.
    let max_days = settings.temporary_max_age_days;
    let since = now.saturating_sub(i64::from(max_days).saturating_mul(86_400));
    let (origins, boundary) = repo.origins_since(range.head, &requests, Some(since))?;
    for ((target, uses), origins) in temp.iter().zip(origins) {
        let found: Vec<Finding> = uses
            .iter()
            .filter_map(|u| match (origins.get(&u.id.value), &boundary) {
                (Some(origin), _) => lingering_temporary_material::check(u, origin, now, max_days),
                (None, Some(before)) => {
                    lingering_temporary_material::check_older(u, before, now, max_days)
                }
                (None, None) => None,
            })
            .collect();
        checker.emit(&mut report.diagnostics, &target.path, found);
    }

    clock.lap("history: temporary material");

    // GA607: AI-assisted commits touching files that declare no use.
    // Only the commits with a trailer are diffed.
    let mut reported = HashSet::new();
    for commit in commits {
        let Some(trailer) =
            undeclared_ai_assistance::ai_trailer(&commit.message, &settings.ai_agents)
        else {
            continue;
        };
        for p in &repo.changed_paths(&commit.id)? {
            let Some(r) = rel(p) else { continue };
            let Some(target) = classify(settings, &r) else {
                continue;
            };
            if !reported.insert(target.path.clone()) {
                continue;
            }
            let decl = match declarations.get(&target.path) {
                Some(d) => Some(d.clone()),
                None => match repo.read_at(range.head, &format!("{prefix}{}", target.path))? {
                    Some(bytes) => declaration::parse(target.kind, &bytes).declaration,
                    None => continue,
                },
            };
            if let Some(f) = undeclared_ai_assistance::check(decl.as_ref(), Some(commit), &trailer)
            {
                checker.emit(&mut report.diagnostics, &target.path, vec![f]);
            }
        }
    }
    Ok(commits.len())
}

/// The commit a finding names, for messages.
pub fn describe(c: &CommitInfo) -> String {
    format!("{} \"{}\"", c.short(), c.summary)
}

/// What checking one file gave.
#[derive(Default)]
struct FileOutcome {
    diagnostics: Vec<Diagnostic>,
    /// The file's text, kept only when a diagnostic points into it.
    source: Option<Source>,
    declaration: Option<Declaration>,
    approvals: Vec<ApprovalUse>,
    /// The approval requests still open in this file.
    requests: Vec<crate::diagnostic::ApprovalRequest>,
    /// Known clean from the cache, without reading the file.
    from_cache: bool,
    /// Found clean, with the metadata it was read with, when that metadata
    /// can vouch for it next time.
    clean: Option<crate::cache::Stat>,
}

/// Files below this count are checked on the calling thread.
const PARALLEL_FROM: usize = 64;

/// Read every target on this thread (git objects cannot be shared between
/// threads) and judge them on worker threads, keeping the targets' order.
fn pipeline<R, J>(targets: &[Target], mut read: R, judge: J) -> Result<Vec<FileOutcome>>
where
    R: FnMut(&Target) -> Result<Content>,
    J: Fn(&Target, Content) -> FileOutcome + Sync,
{
    if targets.len() < PARALLEL_FROM {
        return targets.iter().map(|t| Ok(judge(t, read(t)?))).collect();
    }
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(8);
    let mut results: Vec<Option<FileOutcome>> = (0..targets.len()).map(|_| None).collect();
    let (tx, rx) = std::sync::mpsc::sync_channel::<(usize, Content)>(256);
    let rx = std::sync::Mutex::new(rx);
    let (done_tx, done_rx) = std::sync::mpsc::channel::<(usize, FileOutcome)>();
    std::thread::scope(|s| -> Result<()> {
        for _ in 0..workers {
            let (rx, judge, done_tx) = (&rx, &judge, done_tx.clone());
            std::thread::Builder::new()
                // Room for deeply nested (hostile) YAML.
                .stack_size(16 << 20)
                .spawn_scoped(s, move || {
                    loop {
                        let next = rx
                            .lock()
                            .map_err(|_| ())
                            .and_then(|r| r.recv().map_err(|_| ()));
                        let Ok((i, content)) = next else { break };
                        if done_tx.send((i, judge(&targets[i], content))).is_err() {
                            break;
                        }
                    }
                })
                .context("starting a worker thread")?;
        }
        drop(done_tx);
        for (i, t) in targets.iter().enumerate() {
            let content = read(t)?;
            if tx.send((i, content)).is_err() {
                break;
            }
        }
        drop(tx);
        for (i, outcome) in done_rx {
            results[i] = Some(outcome);
        }
        Ok(())
    })?;
    Ok(results.into_iter().map(|o| o.unwrap_or_default()).collect())
}

/// Check every target on worker threads, keeping the targets' order.
fn parallel<F>(targets: &[Target], check: F) -> Result<Vec<FileOutcome>>
where
    F: Fn(&Target) -> Result<FileOutcome> + Sync,
{
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(8);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let chunks: Vec<Result<Vec<(usize, FileOutcome)>>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                let (next, check) = (&next, &check);
                std::thread::Builder::new()
                    .stack_size(16 << 20)
                    .spawn_scoped(s, move || -> Result<Vec<(usize, FileOutcome)>> {
                        let mut done = Vec::new();
                        loop {
                            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            let Some(t) = targets.get(i) else { break };
                            done.push((i, check(t)?));
                        }
                        Ok(done)
                    })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| match h {
                Ok(h) => h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)),
                Err(e) => Err(anyhow::Error::from(e).context("starting a worker thread")),
            })
            .collect()
    });
    let mut results: Vec<Option<FileOutcome>> = (0..targets.len()).map(|_| None).collect();
    for chunk in chunks {
        for (i, outcome) in chunk? {
            results[i] = Some(outcome);
        }
    }
    Ok(results.into_iter().map(|o| o.unwrap_or_default()).collect())
}

struct Checker<'a> {
    settings: &'a Settings,
    ledger: &'a Ledger,
    /// Entries that history shows were not granted by an approver.
    untrusted: &'a HashSet<String>,
    watchlist: Vec<String>,
    today: jiff::civil::Date,
    /// A check of what is staged (before a commit): open approval requests
    /// are warnings.
    staged: bool,
    /// Who may grant approvals, and where that list comes from, for the
    /// notes of approval requests.
    approvers: Vec<String>,
    approvers_from: &'static str,
}

impl Checker<'_> {
    /// Read what a target needs: for scripts and Markdown, the start of the
    /// file (the declaration sits near the top), more only when the block
    /// runs past it.
    fn read_target(&self, files: &Files, target: &Target) -> Result<Content> {
        // Whole, to the size limit: a second declaration anywhere in a
        // script is an error, and a media file's sidecar is small.
        files.read(&target.path, MAX_FILE_BYTES + 1)
    }

    /// Judge one file's content.
    fn judge(&self, target: &Target, content: Content) -> FileOutcome {
        let mut out = FileOutcome::default();
        let bytes = match content {
            Content::Bytes(b) => b,
            Content::Refused(why) => {
                let f = Finding::new(
                    &rules::malformed_declaration::MALFORMED_DECLARATION,
                    None,
                    format!("cannot read this file: {why}"),
                );
                out.diagnostics
                    .push(to_diagnostic(f, Severity::Error, &target.path));
                return out;
            }
            Content::Absent => {
                // A media file without its sidecar; a listed file that is gone
                // (deleted in the work tree) has nothing to check.
                if let Some(media) = &target.media
                    && self.settings.require_declaration
                {
                    let name = target.path.rsplit('/').next().unwrap_or_default();
                    let f = rules::missing_declaration::fixed_by_annotate(
                        Finding::new(
                            &rules::missing_declaration::MISSING_DECLARATION,
                            None,
                            format!("media file has no sidecar declaration `{name}`"),
                        ),
                        media,
                        &format!(
                            "create `{}` with a top-level `genai:` key (`genai: none` when no AI was used)",
                            target.path
                        ),
                    );
                    self.emit(&mut out.diagnostics, media, vec![f]);
                }
                return out;
            }
        };
        if bytes.len() as u64 > MAX_FILE_BYTES {
            let f = Finding::new(
                &rules::malformed_declaration::MALFORMED_DECLARATION,
                None,
                format!("the file is larger than {} MiB", MAX_FILE_BYTES >> 20),
            );
            out.diagnostics
                .push(to_diagnostic(f, Severity::Error, &target.path));
            return out;
        }
        let mut parsed = rules::read_declaration(target.kind, &bytes);
        // A file with no declaration at all: `aiclear annotate` writes one.
        let how = target.kind.how_to_declare();
        let findings = std::mem::take(&mut parsed.findings)
            .into_iter()
            .map(|mut f| {
                if f.is(&rules::missing_declaration::MISSING_DECLARATION)
                    && f.help.as_deref() == Some(how)
                {
                    f.help = None;
                    let path = target.media.as_deref().unwrap_or(&target.path);
                    f = rules::missing_declaration::fixed_by_annotate(f, path, how);
                }
                f
            });
        self.emit(&mut out.diagnostics, &target.path, findings.collect());
        if let Some(decl) = &parsed.declaration {
            let mut findings = self.run_rules(decl, target);
            out.requests = self.settle_requests(decl, &target.path, &mut findings);
            self.emit(&mut out.diagnostics, &target.path, findings);
            out.approvals = self.relied_on(decl, &target.path);
        }
        if out.diagnostics.iter().any(|d| d.path == target.path) {
            out.source = Some(Source::new(target.path.clone(), bytes));
        }
        out.declaration = parsed.declaration;
        out
    }

    fn run_rules(&self, decl: &Declaration, target: &Target) -> Vec<Finding> {
        let path = target.media.as_deref().unwrap_or(&target.path);
        let ctx = Context {
            path: target.path.clone(),
            deliverable: self.settings.files.deliverables.is_match(path),
            watchlist: self.watchlist.clone(),
        };
        let mut findings = Vec::new();
        for rule in rules::RULES {
            match rule.check {
                Check::Engine => {}
                Check::Declaration(f) => f(decl, &ctx, &mut findings),
                Check::Use(f) => {
                    for u in &decl.uses {
                        f(u, &ctx, &mut findings);
                    }
                }
            }
        }
        self.apply_approvals(decl, &target.path, findings)
    }

    /// Clear approval-level findings that a valid ledger entry covers, and
    /// report the approvals that uses cite but that do not hold.
    fn apply_approvals(
        &self,
        decl: &Declaration,
        path: &str,
        findings: Vec<Finding>,
    ) -> Vec<Finding> {
        let mut out = Vec::new();
        let mut reported: HashSet<(String, String)> = HashSet::new();
        // The entries that cleared a finding, by use.
        let mut relied: HashMap<String, HashSet<String>> = HashMap::new();
        for u in &decl.uses {
            for cited in &u.approvals {
                let key = (u.id.value.clone(), cited.value.clone());
                let Some(entry) = self.ledger.get(&cited.value) else {
                    out.push(
                        Finding::for_use(
                            &rules::unknown_approval::UNKNOWN_APPROVAL,
                            u,
                            cited.span.clone(),
                            format!("approval `{}` is not in the ledger", cited.value),
                        )
                        .label("no such approval")
                        .help(format!(
                            "ask an approver to record it in `{}`, or remove the id",
                            config::LEDGER_PATH
                        )),
                    );
                    continue;
                };
                let Some(cover) = entry.cover_for(path, &u.id.value) else {
                    out.push(
                        Finding::for_use(
                            &rules::approval_out_of_scope::APPROVAL_OUT_OF_SCOPE,
                            u,
                            cited.span.clone(),
                            format!(
                                "approval `{}` does not cover use `{}` in this file",
                                cited.value, u.id.value
                            ),
                        )
                        .label("granted for something else")
                        .note(format!(
                            "it covers {}",
                            entry
                                .covers
                                .iter()
                                .map(describe_cover)
                                .collect::<Vec<_>>()
                                .join("; ")
                        ))
                        .help("ask an approver for an approval of this use, or remove the id"),
                    );
                    continue;
                };
                if let Some(f) = self.state_finding(entry, cover, u, cited.span.clone()) {
                    reported.insert(key);
                    out.push(f);
                }
            }
        }
        for f in findings {
            if f.severity.is_some() || self.settings.level(f.rule) != Level::Approval {
                out.push(f);
                continue;
            }
            let Some(u) = f
                .use_id
                .as_ref()
                .and_then(|id| decl.uses.iter().find(|u| &u.id.value == id))
            else {
                out.push(f);
                continue;
            };
            let mut f = f;
            let mut cleared = false;
            for entry in &self.ledger.entries {
                let Some(cover) = entry.covers.iter().find(|c| {
                    c.covers_path(path) && c.covers_use(&u.id.value) && c.covers_rule(f.rule.code)
                }) else {
                    continue;
                };
                match self.state(entry, cover, u) {
                    State::Valid => {
                        cleared = true;
                        relied
                            .entry(u.id.value.clone())
                            .or_default()
                            .insert(entry.id.value.clone());
                        break;
                    }
                    State::Untrusted => {
                        f.notes.push(format!(
                            "approval `{}` covers this but was not granted by an approver (see the ledger)",
                            entry.id.value
                        ));
                    }
                    State::Broken | State::Expired(_) | State::Stale { .. } => {
                        f.notes.push(format!(
                            "approval `{}` covers this but no longer holds",
                            entry.id.value
                        ));
                        if reported.insert((u.id.value.clone(), entry.id.value.clone()))
                            && let Some(sf) = self.state_finding(entry, cover, u, u.anchor())
                        {
                            out.push(sf);
                        }
                    }
                }
            }
            if !cleared {
                for cited in &u.approvals {
                    if let Some(entry) = self.ledger.get(&cited.value)
                        && entry
                            .cover_for(path, &u.id.value)
                            .is_some_and(|c| !c.covers_rule(f.rule.code))
                    {
                        f.notes.push(format!(
                            "approval `{}` does not cover {}",
                            cited.value, f.rule.code
                        ));
                    }
                }
                out.push(f);
            }
        }
        for u in &decl.uses {
            let none = HashSet::new();
            let relied = relied.get(&u.id.value).unwrap_or(&none);
            self.expiring(u, path, relied, &mut out);
        }
        out
    }

    /// The approvals each use cites or is covered by, and their state, for
    /// the job summary and the disclosure register.
    fn relied_on(&self, decl: &Declaration, path: &str) -> Vec<ApprovalUse> {
        let mut out = Vec::new();
        for u in &decl.uses {
            let mut seen = HashSet::new();
            for entry in &self.ledger.entries {
                let cited = u.approvals.iter().any(|a| a.value == entry.id.value);
                let state = match entry.cover_for(path, &u.id.value) {
                    Some(cover) => match self.state(entry, cover, u) {
                        State::Valid => "valid",
                        State::Broken => "broken",
                        State::Untrusted => "unauthorised",
                        State::Expired(_) => "expired",
                        State::Stale { .. } => "stale",
                    },
                    None if cited => "out of scope",
                    None => continue,
                };
                seen.insert(entry.id.value.clone());
                out.push(ApprovalUse {
                    id: entry.id.value.clone(),
                    path: path.to_owned(),
                    use_id: Some(u.id.value.clone()),
                    state: state.to_owned(),
                    granted_by: entry.granted_by.as_ref().map(|g| g.value.clone()),
                    expires_on: entry.expires_on.as_ref().map(|e| e.value.to_string()),
                });
            }
            for cited in &u.approvals {
                if !seen.contains(&cited.value) {
                    out.push(ApprovalUse {
                        id: cited.value.clone(),
                        path: path.to_owned(),
                        use_id: Some(u.id.value.clone()),
                        state: "missing".to_owned(),
                        granted_by: None,
                        expires_on: None,
                    });
                }
            }
        }
        out
    }

    /// An entry's state for a use, with what history showed about it.
    fn state(&self, entry: &approvals::Entry, cover: &approvals::Cover, u: &Use) -> State {
        if self.untrusted.contains(&entry.id.value) {
            return State::Untrusted;
        }
        entry.state(cover, u, self.today)
    }

    fn state_finding(
        &self,
        entry: &approvals::Entry,
        cover: &approvals::Cover,
        u: &Use,
        span: crate::source::Span,
    ) -> Option<Finding> {
        match self.state(entry, cover, u) {
            State::Valid => None,
            // Reported once, at the entry in the ledger.
            State::Untrusted => None,
            State::Broken => Some(
                Finding::for_use(
                    &rules::unknown_approval::UNKNOWN_APPROVAL,
                    u,
                    span,
                    format!("approval `{}` cannot be relied on: its ledger entry has errors", entry.id.value),
                )
                .label("broken ledger entry")
                .help(format!("fix the entry in `{}` (see the errors reported there)", config::LEDGER_PATH)),
            ),
            State::Expired(on) => Some(
                Finding::for_use(
                    &rules::expired_approval::EXPIRED_APPROVAL,
                    u,
                    span,
                    format!("approval `{}` expired on {on}", entry.id.value),
                )
                .label("expired")
                .help(format!(
                    "ask an approver to renew it with a new last day: `aiclear approve --renew {} --expires YYYY-MM-DD`",
                    entry.id.value
                )),
            ),
            State::Stale { granted, now } => Some(
                Finding::for_use(
                    &rules::stale_approval::STALE_APPROVAL,
                    u,
                    span,
                    stale::stale_message(&u.id.value, &entry.id.value),
                )
                .label("approved for different content")
                .note(format!("approved digest {granted}, current digest {now}"))
                .help(format!(
                    "ask an approver to review the change and grant it again for the use as it now reads: `aiclear approve --renew {}`",
                    entry.id.value
                )),
            ),
        }
    }

    /// Apply configured severities and turn findings into diagnostics.
    fn emit(&self, out: &mut Vec<Diagnostic>, path: &str, findings: Vec<Finding>) {
        for f in findings {
            if f.is(&rules::missing_declaration::MISSING_DECLARATION)
                && !self.settings.require_declaration
            {
                continue;
            }
            let severity = match self.settings.rules.get(f.rule.code) {
                Some(Override::Allow) => continue,
                _ if f.severity.is_some() => f.severity.unwrap_or(Severity::Note),
                Some(Override::Warn) => Severity::Warning,
                Some(Override::Deny) => Severity::Error,
                None => match self.settings.level(f.rule) {
                    Level::Deny | Level::Approval => Severity::Error,
                    Level::Warn => Severity::Warning,
                },
            };
            out.push(to_diagnostic(f, severity, path));
        }
    }
}

fn describe_cover(c: &approvals::Cover) -> String {
    let mut s = format!("`{}`", c.path.value);
    if let Some(u) = &c.use_id {
        s.push_str(&format!(" use `{}`", u.value));
    }
    if !c.rules.is_empty() {
        s.push_str(&format!(
            " for {}",
            c.rules
                .iter()
                .map(|r| r.value.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    s
}

fn to_diagnostic(f: Finding, severity: Severity, path: &str) -> Diagnostic {
    let mut notes = Vec::with_capacity(f.notes.len() + 1);
    if !f.rule.guideline.is_empty() && !rules::is_reading_problem(f.rule) {
        notes.push(f.rule.guideline.to_owned());
    }
    notes.extend(f.notes);
    let mut d = Diagnostic {
        rule: Some(f.rule),
        severity,
        message: f.message,
        path: path.to_owned(),
        span: f.span,
        label: f.label,
        secondary: f
            .secondary
            .into_iter()
            .map(|(span, message)| crate::diagnostic::Label { span, message })
            .collect(),
        notes,
        help: f.help,
    };
    // In a JSON or OpenTimelineIO file, declaration syntax is shown as JSON.
    if crate::declaration::FileKind::of_path(path) == Some(crate::declaration::FileKind::Json) {
        crate::declaration::snippet::json_in_diagnostic(&mut d);
    }
    d
}
