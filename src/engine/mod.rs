//! Files → declarations → rules → sorted diagnostics.
//!
//! The engine finds the project root, reads the configuration and the ledger
//! from the same place as the files (the work tree, or the index for
//! `--staged`), decides which files to check and how, runs every rule over
//! every declaration, lets valid approvals clear approval-level findings, and
//! applies the configured severities. It prints nothing.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::PathBuf;

use anyhow::Result;

use crate::approvals::{self, Ledger};
use crate::config;
use crate::declaration::Declaration;
use crate::diagnostic::{HistorySummary, Report, Severity};
use crate::rules::{self, Finding};
use crate::rules::{trust_root_changed, undeclared_ai_assistance};
use crate::source::Source;

mod clearance;
mod history;
mod judge;
mod pool;
mod project;
mod provenance;
mod read;
mod requests;
mod stale;
mod targets;
mod trust;

pub use targets::list_all;
use targets::{Target, classify};

use history::history_rules;
pub use history::use_history;
use judge::{Checker, FileOutcome, to_diagnostic};
use pool::{PARALLEL_FROM, parallel, pipeline};
pub use project::{Project, merge, staged_projects};
use read::{Content, Files};
use trust::{TrustRoot, approver_emails, committed_trust_root, trust_root};

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
            let (ledger, findings) = approvals::parse(&source);
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
                    range: format!("{}..{}", r.merge_base.short(), r.head.short()),
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
        && let Some(f) = rules::uncovered_file::finding(&found.uncovered, config_source.is_some())
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
