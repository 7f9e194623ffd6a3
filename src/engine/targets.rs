//! Which files a check reads, and how each is declared.
//!
//! Nothing that could hold a declaration is passed over in silence: a path
//! that a `files:` glob matches is checked (through a sidecar when aiclear
//! has no reader for its kind), a name that is not UTF-8 is reported, and a
//! range check also reads the paths whose effective content changed
//! without the path itself changing: a symbolic link whose target changed,
//! and a media file whose sidecar was deleted.

use std::collections::HashSet;
use std::path::Path;

use super::Inputs;
use super::judge::to_diagnostic;
use crate::diagnostic::{Report, Severity};
use crate::rules;
use anyhow::{Context as _, Result};

use super::{Content, Files, Mode, Project, UsageError};
use crate::config::{self, Settings};
use crate::git::history::{Change, Range};
use crate::kind::FileKind;
use crate::kind::SIDECAR_SUFFIX;
use crate::names::Listing;
use crate::rules::uncovered_file::{self, Suggestion};

/// One file to check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Target {
    pub kind: FileKind,
    /// The file holding the declaration (the sidecar for media).
    pub path: String,
    /// The file a sidecar describes.
    pub media: Option<String>,
}

/// How a project-relative path is checked, if at all.
pub(super) fn classify(settings: &Settings, rel: &str) -> Option<Target> {
    // One candidate for every glob set: it is built once per path.
    let candidate = globset::Candidate::new(rel);
    if rel.starts_with(".aiclear/") || settings.files.exclude.is_match_candidate(&candidate) {
        return None;
    }
    if let Some(described) = rel.strip_suffix(SIDECAR_SUFFIX)
        && declared_in_sidecar(
            settings,
            &globset::Candidate::new(described),
            own_kind(described),
        )
    {
        return Some(sidecar(described));
    }
    let kind = own_kind(rel);
    if declared_in_sidecar(settings, &candidate, kind) {
        return Some(sidecar(rel));
    }
    if settings.files.scripts.is_match_candidate(&candidate)
        || settings.files.metadata.is_match_candidate(&candidate)
    {
        return Some(Target {
            kind: kind?,
            path: rel.to_owned(),
            media: None,
        });
    }
    None
}

/// The kind of a file checked for its own content: a sidecar by its
/// suffix, else by its extension.
fn own_kind(rel: &str) -> Option<FileKind> {
    if rel.ends_with(SIDECAR_SUFFIX) {
        Some(FileKind::Sidecar)
    } else {
        FileKind::of_path(rel)
    }
}

/// Whether a file is declared in a sidecar: media, and any file a
/// `scripts` or `metadata` glob matches whose kind aiclear cannot read a
/// declaration from.
fn declared_in_sidecar(
    settings: &Settings,
    candidate: &globset::Candidate,
    kind: Option<FileKind>,
) -> bool {
    if settings.files.media.is_match_candidate(candidate) {
        return true;
    }
    kind.is_none()
        && (settings.files.scripts.is_match_candidate(candidate)
            || settings.files.metadata.is_match_candidate(candidate))
}

fn sidecar(described: &str) -> Target {
    Target {
        kind: FileKind::Sidecar,
        path: format!("{described}{SIDECAR_SUFFIX}"),
        media: Some(described.to_owned()),
    }
}

/// What a check reads.
#[derive(Default)]
pub(super) struct Targets {
    /// Sorted by path, each once.
    pub list: Vec<Target>,
    /// Names that could hold a declaration but are not UTF-8 (escaped):
    /// they cannot be read and are reported.
    pub bad_names: Vec<String>,
    /// In a range check, every file at head (repository paths).
    pub at_head: Option<Listing>,
    /// Files of the listing that aiclear could read but that no `files:`
    /// glob covers, worth a warning (GA007), with the glob that would.
    pub uncovered: Vec<(String, Suggestion)>,
    /// When the listing holds every file of the work tree: its `.c2pa`
    /// manifest stores, so that none is looked for beside each plate.
    pub c2pa_stores: Option<HashSet<String>>,
}

/// Whether a name that is not UTF-8 looks like something aiclear would
/// check.
fn could_declare(settings: &Settings, escaped: &str) -> bool {
    classify(settings, escaped).is_some() || FileKind::of_path(escaped).is_some()
}

/// The paths a mode names, before classification.
struct Listed {
    rels: Vec<String>,
    bad: Vec<String>,
    extra: Vec<Target>,
    head_files: Option<Listing>,
    /// Files named one by one on the command line.
    named: HashSet<String>,
}

/// What the target listing reads: the project, the mode, the settings and,
/// in a range, its changes.
#[derive(Clone, Copy)]
struct Scope<'a> {
    project: &'a Project,
    mode: &'a Mode,
    settings: &'a Settings,
    range: Option<&'a Range>,
    changes: &'a [Change],
    changed_bad_names: &'a [String],
}

/// The paths a mode names: staged, changed in the range (or all at head),
/// or in the work tree.
fn listed(scope: Scope<'_>) -> Result<Listed> {
    let Scope {
        project,
        mode,
        settings,
        range,
        changes,
        changed_bad_names,
    } = scope;
    let mut rels: Vec<String> = Vec::new();
    let mut bad: Vec<String> = Vec::new();
    let mut extra: Vec<Target> = Vec::new();
    let mut head_files = None;
    // Files named one by one on the command line.
    let mut named: HashSet<String> = HashSet::new();
    let prefix = project.prefix.as_str();
    let strip = |p: &str| p.strip_prefix(prefix).map(str::to_owned);
    match mode {
        Mode::Staged { .. } => {
            let repo = project.repo.as_ref().expect("checked by the caller");
            let outside = |rel: &str| project.skip.iter().any(|s| rel.starts_with(s.as_str()));
            for p in repo.staged_files(prefix)? {
                if let Some(rel) = strip(&p)
                    && !outside(&rel)
                {
                    rels.push(rel);
                }
            }
            for p in repo.staged_bad_names(prefix)? {
                if let Some(rel) = strip(&p)
                    && !outside(&rel)
                {
                    bad.push(rel);
                }
            }
        }
        Mode::Range { all, .. } => {
            let repo = project.repo.as_ref().expect("checked by the caller");
            let range = range.expect("a range mode has a range");
            rels.extend(
                changes
                    .iter()
                    .filter_map(|c| c.path.as_deref().and_then(strip)),
            );
            bad.extend(changed_bad_names.iter().filter_map(|p| strip(p)));
            let (at_head, links) = repo.files_at(range.head, prefix)?;
            if *all {
                rels.extend(at_head.files.iter().filter_map(|p| strip(p)));
                bad.extend(at_head.bad_names.iter().filter_map(|p| strip(p)));
            }
            extra.extend(deleted_sidecars(project, settings, range, changes)?);
            extra.extend(changed_links(project, settings, range, &links)?);
            head_files = Some(at_head);
        }
        Mode::Worktree { paths } if paths.is_empty() => {
            let listing = list_all(project)?;
            rels = listing.files;
            bad = listing.bad_names;
        }
        Mode::Worktree { paths } => {
            for p in paths {
                let (found, named_file) = resolve(project, p)?;
                // A file named on the command line must be one aiclear
                // checks; a folder's other files are simply not checked.
                if named_file {
                    named.extend(found.files.iter().cloned());
                }
                rels.extend(found.files);
                bad.extend(found.bad_names);
            }
        }
    }
    Ok(Listed {
        rels,
        bad,
        extra,
        head_files,
        named,
    })
}

/// Files aiclear could read that no glob covers, with the glob that would.
fn uncovered(
    project: &Project,
    rels: &[String],
    out: &[Target],
    not_covered: Vec<&String>,
) -> Vec<(String, Suggestion)> {
    // Folders that hold a checked file: an uncovered file of a kind aiclear
    // reads beside them is likely production material too.
    let mut checked_dirs: HashSet<&str> = out.iter().map(|t| dir_of(&t.path)).collect();
    // So are the folders of uncovered scripts and timelines, which are
    // reported wherever they are.
    checked_dirs.extend(
        not_covered
            .iter()
            .filter(|rel| uncovered_file::suggestion(rel, false).is_some())
            .map(|rel| dir_of(rel.as_str())),
    );
    // A folder with its own `.aiclear/` is a production of its own, with
    // its own globs.
    let mut nested: Vec<String> = project.skip.clone();
    nested.extend(
        rels.iter()
            .filter_map(|r| nested_root(r).map(|dir| format!("{dir}/"))),
    );
    let mut uncovered: Vec<(String, Suggestion)> = not_covered
        .into_iter()
        .filter(|rel| !nested.iter().any(|n| rel.starts_with(n.as_str())))
        .filter_map(|rel| {
            uncovered_file::suggestion(rel, checked_dirs.contains(&dir_of(rel)))
                .map(|s| (rel.clone(), s))
        })
        .collect();
    uncovered.sort();
    uncovered.dedup();
    uncovered
}

/// The folder of a path (empty at the top).
fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// The folder holding the first `.aiclear/` folder on a path, if any.
fn nested_root(rel: &str) -> Option<&str> {
    // Each `/` is found fast; few paths have many.
    rel.match_indices('/')
        .find(|&(at, _)| rel[at..].starts_with("/.aiclear/"))
        .map(|(at, _)| &rel[..at])
}

/// The files a mode checks, classified and deduplicated.
fn targets(scope: Scope<'_>) -> Result<Targets> {
    let Scope {
        project,
        settings,
        mode,
        ..
    } = scope;
    let Listed {
        rels,
        mut bad,
        extra,
        head_files,
        named,
    } = listed(scope)?;
    let mut out = Vec::new();
    let mut not_covered: Vec<&String> = Vec::new();
    for rel in &rels {
        let target = match classify(settings, rel) {
            Some(t) => t,
            None if named.contains(rel)
                && !rel.starts_with(".aiclear/")
                && !settings.files.exclude.is_match(rel) =>
            {
                match FileKind::of_path(rel) {
                    Some(kind) => Target {
                        kind,
                        path: rel.clone(),
                        media: None,
                    },
                    None => {
                        return Err(UsageError::Message(format!(
                            "`{rel}` is not a script, metadata or media file that aiclear checks (see `files:` in {})",
                            config::CONFIG_PATH
                        ))
                        .into());
                    }
                }
            }
            None => {
                if !rel.starts_with(".aiclear/") && !settings.files.exclude.is_match(rel) {
                    not_covered.push(rel);
                }
                continue;
            }
        };
        out.push(target);
    }
    let uncovered = uncovered(project, &rels, &out, not_covered);
    let c2pa_stores = matches!(mode, Mode::Worktree { paths } if paths.is_empty()).then(|| {
        rels.iter()
            .filter(|r| r.ends_with(".c2pa"))
            .cloned()
            .collect()
    });
    out.extend(extra);
    // Stable: of the targets on one path, the first listed is kept.
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out.dedup_by(|later, first| later.path == first.path);
    bad.retain(|name| could_declare(settings, name));
    bad.sort_unstable();
    bad.dedup();
    Ok(Targets {
        list: out,
        bad_names: bad,
        uncovered,
        at_head: head_files,
        c2pa_stores,
    })
}

/// Sidecars deleted or renamed away while the file they describe stays.
fn deleted_sidecars(
    project: &Project,
    settings: &Settings,
    range: &Range,
    changes: &[Change],
) -> Result<Vec<Target>> {
    let repo = project.repo.as_ref().expect("checked by the caller");
    let mut out = Vec::new();
    for change in changes {
        let Some(old) = change
            .old_path
            .as_deref()
            .and_then(|p| p.strip_prefix(project.prefix.as_str()))
        else {
            continue;
        };
        if change.path.as_deref() == change.old_path.as_deref() {
            continue;
        }
        if let Some(t) = classify(settings, old)
            && t.path == old
            && let Some(described) = &t.media
            && repo
                .read_at_entry(range.head, &format!("{}{described}", project.prefix))?
                .is_some()
        {
            out.push(t);
        }
    }
    Ok(out)
}

/// Symbolic links at head that hold a declaration and whose content, read
/// through the link, differs from the merge base's.
fn changed_links(
    project: &Project,
    settings: &Settings,
    range: &Range,
    links: &[String],
) -> Result<Vec<Target>> {
    let repo = project.repo.as_ref().expect("checked by the caller");
    let prefix = project.prefix.as_str();
    let at = |commit| Files::Tree {
        repo,
        commit,
        prefix,
    };
    let (before, after) = (at(range.merge_base), at(range.head));
    let mut out = Vec::new();
    for link in links {
        let Some(rel) = link.strip_prefix(prefix) else {
            continue;
        };
        let Some(t) = classify(settings, rel) else {
            continue;
        };
        if t.path != rel {
            continue;
        }
        let limit = super::MAX_FILE_BYTES + 1;
        let same = match (before.read(rel, limit)?, after.read(rel, limit)?) {
            (Content::Bytes(a), Content::Bytes(b)) => a == b,
            (Content::Absent, Content::Absent) => true,
            (Content::Refused(a), Content::Refused(b)) => a == b,
            _ => false,
        };
        if !same {
            out.push(t);
        }
    }
    Ok(out)
}

/// Every file under the project root: from git when in a repository
/// (tracked, and untracked but not ignored), else a walk of the folder.
pub fn list_all(project: &Project) -> Result<Listing> {
    if let Some(repo) = &project.repo
        && repo.workdir().is_some()
    {
        let listing = repo.worktree_files(&project.prefix)?;
        let strip = |p: &String| p.strip_prefix(project.prefix.as_str()).map(str::to_owned);
        return Ok(Listing {
            files: listing.files.iter().filter_map(strip).collect(),
            bad_names: listing.bad_names.iter().filter_map(strip).collect(),
        });
    }
    let mut out = Listing::default();
    walk(&project.root, "", &mut out)?;
    Ok(out)
}

fn walk(dir: &Path, rel: &str, out: &mut Listing) -> Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("listing `{}`", dir.display()))?
        .collect::<std::io::Result<_>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let os_name = entry.file_name();
        if os_name == ".git" {
            continue;
        }
        let Some(name) = os_name.to_str() else {
            out.bad_names.push(format!(
                "{rel}{}",
                crate::names::escape(os_name.as_encoded_bytes())
            ));
            continue;
        };
        let child = format!("{rel}{name}");
        let ft = entry.file_type()?;
        if ft.is_dir() {
            walk(&entry.path(), &format!("{child}/"), out)?;
        } else {
            out.files.push(child);
        }
    }
    Ok(())
}

/// Project-relative files named by a command-line path, and whether the
/// path named a file (not a folder).
fn resolve(project: &Project, path: &Path) -> Result<(Listing, bool)> {
    let abs = std::env::current_dir()?.join(path);
    let meta = std::fs::symlink_metadata(&abs)
        .map_err(|_| UsageError::Message(format!("`{}` does not exist", path.display())))?;
    let canon = if meta.file_type().is_symlink() {
        abs.parent()
            .and_then(|p| p.canonicalize().ok())
            .map(|p| p.join(abs.file_name().unwrap_or_default()))
            .unwrap_or(abs.clone())
    } else {
        abs.canonicalize().unwrap_or(abs.clone())
    };
    let rel = canon.strip_prefix(&project.root).map_err(|_| {
        UsageError::Message(format!(
            "`{}` is outside the project root `{}`",
            path.display(),
            project.root.display()
        ))
    })?;
    let rel = match crate::names::slash(rel) {
        Ok(rel) => rel,
        Err(bad) => {
            return Ok((
                Listing {
                    files: Vec::new(),
                    bad_names: vec![bad],
                },
                !meta.is_dir(),
            ));
        }
    };
    if meta.is_dir() {
        let prefix = if rel.is_empty() {
            String::new()
        } else {
            format!("{rel}/")
        };
        let all = list_all(project)?;
        let found = Listing {
            files: all
                .files
                .into_iter()
                .filter(|p| p.starts_with(&prefix))
                .collect(),
            bad_names: all
                .bad_names
                .into_iter()
                .filter(|p| p.starts_with(&prefix))
                .collect(),
        };
        return Ok((found, false));
    }
    Ok((
        Listing {
            files: vec![rel],
            bad_names: Vec::new(),
        },
        true,
    ))
}

/// What discovery gave a check.
pub(super) struct Discovered {
    /// The files a range changes (empty outside a range).
    pub changes: Vec<Change>,
    /// The files to check, sorted by path.
    pub targets: Vec<Target>,
    pub found: Targets,
}

/// The files to check: those the mode names and, when a range changes the
/// ledger, those its entries cover; a finding for each name that is not
/// UTF-8.
pub(super) fn discover(cx: &Inputs<'_>, report: &mut Report) -> Result<Discovered> {
    let Inputs {
        project,
        mode,
        ledger,
        ..
    } = cx;
    let settings = &cx.root.settings;
    let range = &cx.range;
    let (changes, changed_bad_names) = match (range, &project.repo) {
        (Some(r), Some(repo)) => repo.changes(r, &project.prefix)?,
        _ => Default::default(),
    };
    let mut found = targets(Scope {
        project,
        mode,
        settings,
        range: range.as_ref(),
        changes: &changes,
        changed_bad_names: &changed_bad_names,
    })?;
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
                if let Some(t) = classify(settings, rel)
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
        let f = rules::malformed_declaration::name_not_utf8();
        report
            .diagnostics
            .push(to_diagnostic(f, Severity::Error, name));
    }
    Ok(Discovered {
        changes,
        targets,
        found,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::judge::testing::settings;

    fn kind_of(settings: &Settings, rel: &str) -> Option<(FileKind, String, Option<String>)> {
        classify(settings, rel).map(|t| (t.kind, t.path, t.media))
    }

    #[test]
    fn scripts_metadata_and_media_are_classified_by_the_default_globs() {
        let s = Settings::default();
        assert_eq!(
            kind_of(&s, "scripts/ep101.fountain"),
            Some((FileKind::Fountain, "scripts/ep101.fountain".into(), None))
        );
        assert_eq!(
            kind_of(&s, "cut/pilot.otio"),
            Some((FileKind::Json, "cut/pilot.otio".into(), None))
        );
        // Media are checked through their sidecar, present or not.
        assert_eq!(
            kind_of(&s, "vfx/plates/a.exr"),
            Some((
                FileKind::Sidecar,
                "vfx/plates/a.exr.genai.yml".into(),
                Some("vfx/plates/a.exr".into())
            ))
        );
        assert_eq!(
            kind_of(&s, "vfx/plates/a.exr.genai.yml"),
            kind_of(&s, "vfx/plates/a.exr")
        );
        // Globs match any case: `EP101.FOUNTAIN` cannot slip past.
        assert!(kind_of(&s, "scripts/EP101.FOUNTAIN").is_some());
        assert_eq!(kind_of(&s, "notes/todo.txt"), None);
    }

    #[test]
    fn the_trust_root_and_excluded_files_are_not_targets() {
        let s = settings("files:\n  exclude: [\"drafts/**\"]\n");
        assert_eq!(kind_of(&s, ".aiclear/config.yml"), None);
        assert_eq!(kind_of(&s, ".aiclear/approvals.yml"), None);
        assert_eq!(kind_of(&s, "drafts/old.fountain"), None);
        assert!(kind_of(&s, "scripts/new.fountain").is_some());
    }

    #[test]
    fn an_unreadable_kind_a_glob_matches_needs_a_sidecar() {
        let s = settings("files:\n  scripts: [\"scripts/**\"]\n");
        assert_eq!(
            kind_of(&s, "scripts/draft.pdf"),
            Some((
                FileKind::Sidecar,
                "scripts/draft.pdf.genai.yml".into(),
                Some("scripts/draft.pdf".into())
            ))
        );
    }

    #[test]
    fn nested_roots_and_folders() {
        assert_eq!(nested_root("sub/.aiclear/config.yml"), Some("sub"));
        assert_eq!(nested_root("a/b/.aiclear/x"), Some("a/b"));
        assert_eq!(nested_root("a/.aiclearx/x"), None);
        assert_eq!(nested_root(".aiclear/config.yml"), None);
        assert_eq!(dir_of("a/b/c.fountain"), "a/b");
        assert_eq!(dir_of("c.fountain"), "");
    }
}
