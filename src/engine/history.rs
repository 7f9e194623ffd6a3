//! The rules that read a range's history, and the history of each use.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};

use anyhow::Result;

use crate::approvals;
use crate::config::{self, Settings};
use crate::declaration::{self, Declaration, Use};
use crate::diagnostic::Report;
use crate::git::Repo;
use crate::git::history::{CommitInfo, OriginRequest, Range};
use crate::kind::FileKind;
use crate::rules::Finding;
use crate::rules::{
    declaration_removed, lingering_temporary_material, trust_root_changed, undeclared_ai_assistance,
};

use super::judge::Checker;
use super::targets::{Target, classify};
use super::{Clock, Project};

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

/// What the history rules read: the range, its changes and commits, and
/// the files checked at head.
pub(super) struct Inputs<'a> {
    pub(super) project: &'a Project,
    pub(super) repo: &'a Repo,
    pub(super) range: &'a Range,
    pub(super) settings: &'a Settings,
    pub(super) changes: &'a [crate::git::history::Change],
    pub(super) commits: &'a [CommitInfo],
    pub(super) declarations: &'a BTreeMap<String, Declaration>,
    pub(super) targets: &'a [Target],
    pub(super) checker: &'a Checker<'a>,
}

/// GA603, GA604, GA605 and GA607 over a range; returns the number of commits.
pub(super) fn history_rules(
    cx: &Inputs<'_>,
    report: &mut Report,
    clock: &mut Clock,
) -> Result<usize> {
    trust_root_changes(cx, report)?;
    removed_uses(cx, report)?;
    clock.lap("history: trust root and removed uses");
    lingering_material(cx, report)?;
    clock.lap("history: temporary material");
    ai_assisted_commits(cx, report)?;
    Ok(cx.commits.len())
}

/// The history rules of a check of saved work-tree files, against the head
/// commit as a base: GA603 for the uses the committed files declare and the
/// saved ones do not, GA604 for the committed uses among the saved
/// temporary ones. A use not committed yet has no history and is left out.
pub(super) fn of_saved(
    cx: &super::Inputs<'_>,
    checker: &Checker<'_>,
    declarations: &BTreeMap<String, Declaration>,
    targets: &[Target],
    report: &mut Report,
) -> Result<()> {
    let project = cx.project;
    let Some(repo) = &project.repo else {
        return Ok(());
    };
    let Some(head) = repo.head_commit() else {
        return Ok(());
    };
    let range = Range {
        base: head,
        head,
        merge_base: head,
    };
    let prefix = &project.prefix;
    let changes: Vec<crate::git::history::Change> = targets
        .iter()
        .map(|t| crate::git::history::Change {
            old_path: Some(format!("{prefix}{}", t.path)),
            path: Some(format!("{prefix}{}", t.path)),
        })
        .collect();
    // Only the uses the head commit holds have an origin to date them from.
    let mut committed = BTreeMap::new();
    for target in targets {
        let Some(decl) = declarations.get(&target.path) else {
            continue;
        };
        let Some(bytes) = repo.read_at(head, &format!("{prefix}{}", target.path))? else {
            continue;
        };
        let at_head: HashSet<String> = declaration::parse(target.kind, &bytes)
            .declaration
            .map(|d| d.uses.into_iter().map(|u| u.id.value).collect())
            .unwrap_or_default();
        let mut decl = decl.clone();
        decl.uses.retain(|u| at_head.contains(&u.id.value));
        committed.insert(target.path.clone(), decl);
    }
    let history = Inputs {
        project,
        repo,
        range: &range,
        settings: &cx.root.settings,
        changes: &changes,
        commits: &[],
        declarations,
        targets,
        checker,
    };
    removed_uses(&history, report)?;
    lingering_material(
        &Inputs {
            declarations: &committed,
            ..history
        },
        report,
    )
}

/// GA605: the trust root changed.
fn trust_root_changes(cx: &Inputs<'_>, report: &mut Report) -> Result<()> {
    let Inputs {
        project,
        changes,
        checker,
        ..
    } = *cx;
    let prefix = &project.prefix;
    let rel = |p: &str| p.strip_prefix(prefix.as_str()).map(str::to_owned);
    // GA605: the trust root changed, once a file.
    let mut seen = std::collections::HashSet::new();
    for change in changes {
        for p in change.path.iter().chain(change.old_path.iter()) {
            if let Some(r) = rel(p)
                && (r == config::CONFIG_PATH
                    || r == config::ALLOWED_SIGNERS_PATH
                    || r.starts_with(crate::policy::POLICIES_DIR)
                    || r.ends_with(&format!("/{}", config::CONFIG_PATH)))
            {
                if !seen.insert(r.clone()) {
                    break;
                }
                checker.emit(
                    &mut report.diagnostics,
                    &r,
                    vec![trust_root_changed::check(&r)],
                );
                break;
            }
        }
    }
    Ok(())
}

/// GA603: uses removed without a `retired` record.
fn removed_uses(cx: &Inputs<'_>, report: &mut Report) -> Result<()> {
    let Inputs {
        project,
        repo,
        range,
        settings,
        changes,
        declarations,
        targets,
        checker,
        ..
    } = *cx;
    let prefix = &project.prefix;
    let rel = |p: &str| p.strip_prefix(prefix.as_str()).map(str::to_owned);
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
    Ok(())
}

/// GA604: temporary material that lingers.
fn lingering_material(cx: &Inputs<'_>, report: &mut Report) -> Result<()> {
    let Inputs {
        project,
        repo,
        range,
        settings,
        declarations,
        targets,
        checker,
        ..
    } = *cx;
    let prefix = &project.prefix;
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
    Ok(())
}

/// GA607: AI-assisted commits touching files that declare no use.
fn ai_assisted_commits(cx: &Inputs<'_>, report: &mut Report) -> Result<()> {
    let Inputs {
        project,
        repo,
        range,
        settings,
        commits,
        declarations,
        checker,
        ..
    } = *cx;
    let prefix = &project.prefix;
    let rel = |p: &str| p.strip_prefix(prefix.as_str()).map(str::to_owned);
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
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::path::Path;
    use std::process::Command;

    use super::*;
    use crate::approvals::Ledger;
    use crate::engine::judge::testing::checker;

    /// Run git in `dir`, away from the developer's own configuration;
    /// `false` when git is not installed.
    fn git(dir: &Path, args: &[&str]) -> bool {
        Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_AUTHOR_NAME", "Ada")
            .env("GIT_AUTHOR_EMAIL", "ada@studio.example")
            .env("GIT_COMMITTER_NAME", "Ada")
            .env("GIT_COMMITTER_EMAIL", "ada@studio.example")
            .status()
            .is_ok_and(|s| s.success())
    }

    fn commit(dir: &Path, files: &[(&str, &str)], message: &str) {
        for (path, text) in files {
            let path = dir.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        assert!(git(dir, &["add", "-A"]));
        assert!(git(dir, &["commit", "-q", "-m", message]));
    }

    #[test]
    fn a_range_reports_trust_root_changes_and_undeclared_ai_commits() {
        let dir = tempfile::tempdir().unwrap();
        let top = dir.path();
        if !git(top, &["init", "-q", "-b", "main"]) {
            return; // git is not installed
        }
        commit(top, &[("scenes/a.fountain", "INT. HOUSE\n")], "start");
        commit(
            top,
            &[
                (config::CONFIG_PATH, "require-declaration: true\n"),
                ("scenes/a.fountain", "INT. HOUSE - NIGHT\n"),
            ],
            "rewrite\n\nAssisted-by: Claude:claude-opus-4\n",
        );
        let repo = Repo::open_at(top);
        let range = repo.range("HEAD~1", "HEAD").unwrap();
        let (changes, _) = repo.changes(&range, "").unwrap();
        let commits = repo.range_commits(&range).unwrap();
        let project = Project {
            root: top.to_path_buf(),
            repo: None,
            prefix: String::new(),
            cwd: String::new(),
            skip: Vec::new(),
        };
        let (settings, ledger, untrusted) =
            (Settings::default(), Ledger::default(), HashSet::new());
        let checker = checker(&settings, &ledger, &untrusted);
        let targets: Vec<Target> = classify(&settings, "scenes/a.fountain")
            .into_iter()
            .collect();
        let declarations = BTreeMap::new();
        let cx = Inputs {
            project: &project,
            repo: &repo,
            range: &range,
            settings: &settings,
            changes: &changes,
            commits: &commits,
            declarations: &declarations,
            targets: &targets,
            checker: &checker,
        };
        let mut report = Report::default();
        let mut clock = Clock::new();
        assert_eq!(history_rules(&cx, &mut report, &mut clock).unwrap(), 1);
        let found: Vec<(&str, &str)> = report
            .diagnostics
            .iter()
            .map(|d| (d.code().unwrap_or_default(), d.path.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                ("GA605", config::CONFIG_PATH),
                ("GA607", "scenes/a.fountain")
            ]
        );
        let laps: Vec<&str> = clock.laps.iter().map(|(name, _)| *name).collect();
        assert_eq!(
            laps,
            [
                "history: trust root and removed uses",
                "history: temporary material"
            ]
        );
    }
}
