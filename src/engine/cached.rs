//! Checking every target; in the work tree, files an earlier run found
//! clean and that have not changed since are not read again (see
//! [`crate::cache`]).

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use anyhow::Result;

use crate::cache::{CheckCache, Judged, Stat};
use crate::declaration::Declaration;
use crate::diagnostic::Report;
use crate::rules::media::MediaFile;

use super::Inputs;
use super::judge::{Checker, FileOutcome};
use super::pool::{PARALLEL_FROM, parallel, pipeline};
use super::read::Files;
use super::targets::Target;

/// The cache of clean files, for a check of the work tree that may use it.
fn load(cx: &Inputs<'_>, checker: &Checker<'_>, use_cache: bool) -> Option<CheckCache> {
    let Inputs { project, files, .. } = cx;
    let (config_source, ledger_source) = (&cx.root.source, &cx.ledger_source);
    let (untrusted, today) = (checker.untrusted, checker.today);
    match (files, &project.repo) {
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
                checker.policy.fingerprint().as_bytes(),
                untrusted.as_bytes(),
            ]);
            Some(crate::cache::CheckCache::load(
                repo.git_dir(),
                &project.prefix,
                inputs,
            ))
        }
        _ => None,
    }
}

/// What a target is judged as, for the cache: with a media file, the
/// metadata of that file and of the `.c2pa` stores beside it.
fn judged<'t>(
    checker: &Checker<'_>,
    root: &Path,
    t: &'t Target,
    stores: &super::media::Stores,
) -> Judged<'t> {
    let mut judged = Judged::alone(t.kind, t.media.as_deref());
    if let Some(media) = checker.reads_media(t) {
        judged.around.push(Stat::of(&root.join(media)));
        let beside = stores.beside(root, media);
        for store in super::media::store_paths(media) {
            let stat = beside
                .contains(&store)
                .then(|| Stat::of(&root.join(store)))
                .flatten();
            judged.around.push(stat);
        }
    }
    judged
}

/// Check every target, keeping the targets' order.
fn outcomes(
    cx: &Inputs<'_>,
    checker: &Checker<'_>,
    targets: &[Target],
    cache: Option<&CheckCache>,
    stores: Option<&HashSet<String>>,
) -> Result<Vec<FileOutcome>> {
    Ok(match cx.files {
        // Files in the work tree are read by the workers too, and so are
        // the media files their sidecars describe.
        Files::Worktree { root, edited } => {
            let stores = super::media::Stores::new(stores);
            let one = |t: &Target| -> Result<FileOutcome> {
                let stat = cache.and_then(|_| Stat::of(&root.join(&t.path)));
                let judged = cache.map(|_| judged(checker, root, t, &stores));
                if let (Some(cache), Some(stat), Some(judged)) = (cache, &stat, &judged)
                    && let Some(approvals) = cache.get(&t.path, stat, judged)
                {
                    return Ok(FileOutcome {
                        approvals,
                        from_cache: true,
                        ..FileOutcome::default()
                    });
                }
                let files = Files::Worktree { root, edited };
                let media = checker
                    .reads_media(t)
                    .map(|m| super::media::in_worktree(root, m, &stores));
                let mut out = checker.judge(t, checker.read_target(&files, t)?, media);
                if out.diagnostics.is_empty()
                    && let (Some(cache), Some(stat), Some(judged)) = (cache, stat, judged)
                    && cache.can_keep_all(&stat, &judged)
                {
                    out.clean = Some((stat, judged.around));
                }
                Ok(out)
            };
            if targets.len() >= PARALLEL_FROM {
                parallel(targets, one)?
            } else {
                targets.iter().map(one).collect::<Result<_>>()?
            }
        }
        // Git objects are read on this thread; a media blob is walked
        // where it is read, so that only its record waits for a worker.
        _ => {
            let worktree = cx
                .project
                .repo
                .as_ref()
                .and(Some(cx.project.root.as_path()));
            pipeline(
                targets,
                |t| {
                    let media = checker
                        .reads_media(t)
                        .map(|m| super::media::in_git(&cx.files, worktree, m));
                    Ok((checker.read_target(&cx.files, t)?, media))
                },
                |t, (content, media)| checker.judge(t, content, media),
            )?
        }
    })
}

/// Check every target into the report; the declarations read, by path.
pub(super) fn check_all(
    cx: &Inputs<'_>,
    checker: &Checker<'_>,
    targets: &[Target],
    stores: Option<&HashSet<String>>,
    use_cache: bool,
    report: &mut Report,
) -> Result<Judgements> {
    let mut cache = load(cx, checker, use_cache);
    let outcomes = outcomes(cx, checker, targets, cache.as_ref(), stores)?;
    // Targets come sorted: collected at the end, the map is built in one pass.
    let mut declarations = Vec::new();
    let mut media = Vec::new();
    for (target, outcome) in targets.iter().zip(outcomes) {
        if let Some(cache) = &mut cache {
            if outcome.from_cache {
                report.files_from_cache += 1;
            } else if let Some((stat, around)) = outcome.clean {
                let judged = Judged {
                    around,
                    ..Judged::alone(target.kind, target.media.as_deref())
                };
                cache.keep(target.path.clone(), stat, judged, outcome.approvals.clone());
            } else {
                cache.forget(&target.path);
            }
        }
        report.diagnostics.extend(outcome.diagnostics);
        if let Some(source) = outcome.source {
            report.sources.insert(target.path.clone(), source);
        }
        if let Some(decl) = outcome.declaration {
            declarations.push((target.path.clone(), decl));
        }
        if let Some(m) = outcome.media {
            media.push((target.path.clone(), m));
        }
        report.approvals.extend(outcome.approvals);
        report.requests.extend(outcome.requests);
    }
    if let Some(cache) = cache {
        cache.save();
    }
    Ok(Judgements {
        declarations: declarations.into_iter().collect(),
        media: media.into_iter().collect(),
    })
}

/// What checking every target read: each file's declaration, and the
/// record of each media file a sidecar describes, by the sidecar's path.
pub(super) struct Judgements {
    pub(super) declarations: BTreeMap<String, Declaration>,
    pub(super) media: BTreeMap<String, MediaFile>,
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::approvals::Ledger;
    use crate::config::Settings;
    use crate::engine::judge::testing::checker;
    use crate::engine::trust::TrustRoot;
    use crate::engine::{Mode, Project};
    use crate::kind::FileKind;

    const NONE: &str = "genai: none\n";
    const BROKEN: &str = "genai: [\n";

    #[test]
    fn every_target_is_checked_into_the_report_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let names = ["a.yml", "b.yml", "c.yml"];
        for (name, text) in names.iter().zip([NONE, BROKEN, NONE]) {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let project = Project {
            root: dir.path().to_path_buf(),
            repo: None,
            prefix: String::new(),
            cwd: String::new(),
            skip: Vec::new(),
        };
        let mode = Mode::Worktree { paths: Vec::new() };
        let cx = Inputs {
            project: &project,
            mode: &mode,
            range: None,
            files: Files::Worktree {
                root: dir.path(),
                edited: None,
            },
            root: TrustRoot::default(),
            ledger: Ledger::default(),
            ledger_source: None,
        };
        let (settings, ledger, untrusted) =
            (Settings::default(), Ledger::default(), HashSet::new());
        let checker = checker(&settings, &ledger, &untrusted);
        let targets: Vec<Target> = names
            .iter()
            .map(|name| Target {
                kind: FileKind::Yaml,
                path: (*name).to_owned(),
                media: None,
            })
            .collect();
        let mut report = Report::default();
        // Without a repository there is no cache, asked for or not.
        let declarations = check_all(&cx, &checker, &targets, None, true, &mut report)
            .unwrap()
            .declarations;
        assert_eq!(declarations.keys().collect::<Vec<_>>(), ["a.yml", "c.yml"]);
        // Only the files with findings keep their text, to show it.
        assert_eq!(report.sources.keys().collect::<Vec<_>>(), ["b.yml"]);
        assert!(!report.diagnostics.is_empty());
        assert!(report.diagnostics.iter().all(|d| d.path == "b.yml"));
        assert_eq!(report.files_from_cache, 0);
    }
}
