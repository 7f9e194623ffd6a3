//! Files → declarations → rules → sorted diagnostics.
//!
//! The engine finds the project root, reads the configuration and the ledger
//! from the same place as the files (the work tree, or the index for
//! `--staged`), decides which files to check and how, runs every rule over
//! every declaration, lets valid approvals clear approval-level findings, and
//! applies the configured severities. It prints nothing.
//!
//! `run` is a short pipeline; each phase is a module:
//!
//! - `project`: where the project sits, and the range a mode names;
//! - `read`: reading files from the work tree, the index or a commit;
//! - `trust`: the trust root (configuration, approvers, allowed signers),
//!   the ledger and the watchlist;
//! - `targets`: which files to check, and how each declares its uses;
//! - `provenance`: who granted the ledger entries the files rely on;
//! - `judge`: one file's rules, with the configured severities;
//! - `clearance`: valid approvals clear the findings they cover;
//! - `requests`: open approval requests;
//! - `pool`: judging files on worker threads, in order;
//! - `cached`: skipping work-tree files known clean;
//! - `history`: the rules over a range's history;
//! - `stale`: what changed since a stale approval was granted.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;

use anyhow::Result;

use crate::approvals::Ledger;
use crate::config;
use crate::declaration::Declaration;
use crate::diagnostic::{Report, Severity};
use crate::git::history::Range;
use crate::rules::trust_root_changed;
use crate::source::Source;

mod cached;
mod clearance;
mod history;
mod judge;
mod media;
mod pool;
mod project;
mod provenance;
mod read;
mod requests;
mod stale;
mod targets;
mod trust;

use targets::Target;
pub use targets::list_all;

use history::history_rules;
pub use history::use_history;
use judge::{Checker, to_diagnostic};
pub use project::{Project, merge, staged_projects};
use read::{Content, Files};
use trust::{TrustRoot, trust_root};

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
    /// What each media file records of its own making, by the path of the
    /// sidecar that describes it (files whose record was read).
    pub media: BTreeMap<String, crate::rules::media::MediaFile>,
}

/// Run a check and keep the declarations it read.
pub fn check_declarations(project: &Project, mode: &Mode) -> Result<Checked> {
    run(project, mode, false)
}

/// Run a check, with the cache of earlier runs when `cache` is set, and keep
/// the declarations it read.
pub fn check_keeping(project: &Project, mode: &Mode, cache: bool) -> Result<Checked> {
    run(project, mode, cache)
}

/// A finding as a diagnostic of `path`, with its rule's guideline note.
pub fn diagnostic_of(
    f: crate::rules::Finding,
    severity: Severity,
    path: &str,
) -> crate::diagnostic::Diagnostic {
    to_diagnostic(f, severity, path)
}

/// The configuration of the project's work tree and the policy it names,
/// resolved for today (`--today`): what `aiclear policy test` runs. Errors
/// in either are configuration errors (exit 2).
pub fn project_policy(project: &Project) -> Result<(config::Settings, crate::policy::Policy)> {
    let files = read::Files::Worktree {
        root: &project.root,
        edited: None,
    };
    let mut root = trust_root(&files)?;
    let policy = trust::policy(
        &mut root.settings,
        &files,
        &project.root,
        crate::localtime::today(),
    )?;
    Ok((root.settings, policy))
}

/// What every phase after the trust root reads: the project, the mode and
/// its range, where production files come from, the trust root and the
/// ledger.
struct Inputs<'a> {
    project: &'a Project,
    mode: &'a Mode,
    range: Option<Range>,
    files: Files<'a>,
    root: TrustRoot,
    ledger: Ledger,
    ledger_source: Option<Source>,
}

/// A check of one work-tree file, `rel` (relative to the project root),
/// whose text is `bytes` instead of what is on disk: what an editor shows
/// while the file is being written. The trust root and the ledger are read
/// from the work tree as a check of the work tree reads them, and when `rel`
/// is the configuration or the ledger, from `bytes`; errors in the
/// configuration are the report's diagnostics. `None` when aiclear does
/// not check `rel`.
///
/// When `saved`, the text is what was just written to disk, and the
/// history rules that read the file's own history run too, against the
/// head commit: a use the committed file declares and the text no longer
/// does (GA603), and temporary material older than the limit (GA604), as a
/// range check will judge the file once it is committed.
pub fn judge_text(
    project: &Project,
    rel: &str,
    bytes: &[u8],
    saved: bool,
) -> Result<Option<Report>> {
    let edited = read::Edited { path: rel, bytes };
    let trust_file = rel == config::CONFIG_PATH || rel == config::LEDGER_PATH;
    if !trust_file {
        let files = read::Files::Worktree {
            root: &project.root,
            edited: Some(edited),
        };
        match trust_root(&files) {
            Ok(root) if targets::classify(&root.settings, rel).is_none() => return Ok(None),
            Ok(_) => {}
            Err(e) => return configuration_report(e).map(Some),
        }
    }
    let mode = Mode::Worktree {
        paths: vec![project.root.join(rel)],
    };
    match run_with(project, &mode, false, Some(edited), saved) {
        Ok(checked) => Ok(Some(checked.report)),
        Err(e) => configuration_report(e).map(Some),
    }
}

/// The report of a configuration error; any other error as it is.
fn configuration_report(e: anyhow::Error) -> Result<Report> {
    match e.downcast::<UsageError>() {
        Ok(UsageError::Config(report)) => Ok(*report),
        Ok(other) => Err(other.into()),
        Err(e) => Err(e),
    }
}

fn run(project: &Project, mode: &Mode, use_cache: bool) -> Result<Checked> {
    run_with(project, mode, use_cache, None, false)
}

/// The commit a check judged: the range's head, else the work tree's.
fn head_of(cx: &Inputs<'_>) -> Option<String> {
    match (&cx.range, &cx.project.repo) {
        (Some(r), _) => Some(r.head.to_string()),
        (None, Some(repo)) => repo.head_commit().map(|c| c.to_string()),
        _ => None,
    }
}

fn run_with(
    project: &Project,
    mode: &Mode,
    use_cache: bool,
    edited: Option<read::Edited<'_>>,
    saved: bool,
) -> Result<Checked> {
    let mut clock = Clock::new();
    let range = match project::range(project, mode)? {
        project::Ranged::Here(range) => range,
        project::Ranged::Moved(moved, prefix) => {
            let mut checked = run_with(&moved, mode, use_cache, edited, saved)?;
            let f = trust_root_changed::root_moved(&project.prefix, &prefix);
            checked
                .report
                .diagnostics
                .insert(0, to_diagnostic(f, Severity::Warning, config::CONFIG_PATH));
            return Ok(checked);
        }
    };
    let (files, trust) = read::sources(project, mode, range.as_ref(), edited)?;
    let mut report = Report::default();
    let mut root = trust_root(&trust)?;
    let today = crate::localtime::today();
    let policy = trust::policy(&mut root.settings, &trust, &project.root, today)?;
    report.rules = policy.all_rules().iter().map(|r| &r.info).collect();
    let (ledger, ledger_source) = trust::ledger(&files, &mut report)?;
    let watchlist = trust::watchlist(&root.settings, &trust)?;
    let cx = Inputs {
        project,
        mode,
        range,
        files,
        root,
        ledger,
        ledger_source,
    };
    clock.lap("configuration and ledger");

    let found = targets::discover(&cx, &mut report)?;
    let targets = &found.targets;
    clock.lap("file discovery");

    let commits = match (&cx.range, &project.repo) {
        (Some(r), Some(repo)) => repo.range_commits(r)?,
        _ => Vec::new(),
    };
    let traced = provenance::of_check(&cx, targets, &commits, &mut report)?;
    let checker = Checker {
        settings: &cx.root.settings,
        ledger: &cx.ledger,
        untrusted: &traced.untrusted,
        watchlist,
        today,
        policy: &policy,
        rules: policy.rules(),
        staged: matches!(mode, Mode::Staged { .. }),
        approvers: traced.approvers,
        approvers_from: judge::approvers_from(project, cx.range.is_some()),
    };
    checker.uncovered(&found.found, cx.root.source.is_some(), &mut report);
    checker.superseded(&mut report);
    clock.lap("approval provenance");

    let cached::Judgements {
        declarations,
        media,
    } = cached::check_all(
        &cx,
        &checker,
        targets,
        found.found.c2pa_stores.as_ref(),
        use_cache,
        &mut report,
    )?;
    report.files_checked = targets.len() + found.found.bad_names.len();
    report.checked = checked_paths(targets, &found.found.bad_names);
    clock.lap("reading and checking files");

    let mut summary = traced.summary;
    if let (Some(r), Some(repo)) = (&cx.range, &project.repo) {
        let history = history::Inputs {
            project,
            repo,
            range: r,
            settings: &cx.root.settings,
            changes: &found.changes,
            commits: &commits,
            declarations: &declarations,
            targets,
            checker: &checker,
        };
        let commits = history_rules(&history, &mut report, &mut clock)?;
        if let Some(s) = &mut summary {
            s.commits = commits;
        }
        clock.lap("history: AI-assisted commits");
    }
    if saved && cx.range.is_none() {
        history::of_saved(&cx, &checker, &declarations, targets, &mut report)?;
    }
    report.history = summary;
    explain_stale(&cx, &traced.origins, &declarations, targets, &mut report);
    if let Mode::Staged {
        message: Some(message),
    } = mode
    {
        judge::commit_message(&checker, message, &declarations, targets, &mut report);
    }
    report.timings = std::mem::take(&mut clock.laps);
    finish(&cx, &mut report)?;
    let commit = head_of(&cx);
    Ok(Checked {
        report,
        declarations,
        commit,
        media,
    })
}

/// Every path a check judged, sorted: the targets and the names it could
/// not read.
fn checked_paths(targets: &[targets::Target], bad_names: &[String]) -> Vec<String> {
    let mut paths: Vec<String> = targets
        .iter()
        .map(|t| t.path.clone())
        .chain(bad_names.iter().cloned())
        .collect();
    paths.sort();
    paths.dedup();
    paths
}

/// GA504 says which fields changed since the approval was granted.
fn explain_stale(
    cx: &Inputs<'_>,
    origins: &HashMap<String, Vec<String>>,
    declarations: &BTreeMap<String, Declaration>,
    targets: &[Target],
    report: &mut Report,
) {
    let Inputs { project, range, .. } = cx;
    let head = match (range, &project.repo) {
        (Some(r), _) => Some(r.head),
        (None, Some(repo)) => repo.head_commit(),
        _ => None,
    };
    let history = match (&project.repo, head) {
        (Some(repo), Some(head)) => Some(stale::History {
            repo,
            head,
            prefix: &project.prefix,
            origins,
        }),
        _ => None,
    };
    stale::explain(history.as_ref(), &cx.ledger, declarations, targets, report);
}

/// The sources findings point into, and the findings in order.
fn finish(cx: &Inputs<'_>, report: &mut Report) -> Result<()> {
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
        if let Content::Bytes(b) = cx.files.read(&path, MAX_FILE_BYTES)? {
            report.sources.insert(path.clone(), Source::new(path, b));
        }
    }

    if let Some(source) = &cx.ledger_source
        && report
            .diagnostics
            .iter()
            .any(|d| d.path == config::LEDGER_PATH)
    {
        report.sources.insert(source.path.clone(), source.clone());
    }
    report.root_prefix = cx.project.prefix.clone();
    report.diagnostics.sort_by(|a, b| {
        (&a.path, a.span.as_ref().map(|s| s.start), a.severity).cmp(&(
            &b.path,
            b.span.as_ref().map(|s| s.start),
            b.severity,
        ))
    });
    Ok(())
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
