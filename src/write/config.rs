//! A first `.aiclear/config.yml` drawn from what the repository holds
//! (`aiclear init`).
//!
//! The configuration never checks less than the built-in defaults: each
//! `files:` list starts with them (every Fountain script and timeline
//! wherever it is, Markdown under `scripts/`, metadata and media under
//! `vfx/`), so a script added later in a new folder is still checked. To
//! them it adds the folders where each kind of file actually lives, when
//! the defaults miss them: Markdown in folders that hold scripts or whose
//! name says they hold scripts, treatments or bibles; JSON, YAML and media
//! in VFX- and editorial-like folders. A writer's README, a CI workflow or a
//! website's images never need a declaration: what was left out is said in
//! a comment beside each list, so the person reviewing the file can add it,
//! and repository documents a scripts glob reaches (`scripts/README.md`) are
//! excluded.

use std::collections::{BTreeMap, BTreeSet};

use crate::config::{self, Globs, POLICY};
use crate::kind::{self, List, Pick, literal};
use crate::text::plural;

/// Folder names (split on `-`, `_`, `.` and spaces) that hold scripts.
const SCRIPT_WORDS: &[&str] = &[
    "script",
    "scripts",
    "screenplay",
    "screenplays",
    "teleplay",
    "teleplays",
    "draft",
    "drafts",
    "treatment",
    "treatments",
    "bible",
    "bibles",
    "outline",
    "outlines",
    "episode",
    "episodes",
    "story",
    "stories",
    "writing",
    "writers",
    "pages",
];

/// Folder names that hold VFX, editorial, sound or other production media.
const VFX_WORDS: &[&str] = &[
    "vfx",
    "fx",
    "cg",
    "3d",
    "shot",
    "shots",
    "plate",
    "plates",
    "comp",
    "comps",
    "render",
    "renders",
    "edit",
    "editorial",
    "cut",
    "cuts",
    "timeline",
    "timelines",
    "conform",
    "previs",
    "postvis",
    "post",
    "sequence",
    "sequences",
    "footage",
    "media",
    "elements",
    "art",
    "artwork",
    "concept",
    "concepts",
    "storyboard",
    "storyboards",
    "boards",
    "sound",
    "audio",
    "music",
    "mix",
    "dailies",
    "deliverable",
    "deliverables",
    "delivery",
    "final",
    "finals",
    "grade",
    "color",
    "colour",
    "assets",
    "animation",
    "lookdev",
    "lighting",
    "matte",
];

/// Folders that are never production files.
const SKIP_DIRS: &[&str] = &["node_modules", "target", "venv", "__pycache__"];

fn words(dir: &str) -> impl Iterator<Item = String> + '_ {
    dir.split(['-', '_', '.', ' '])
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
}

fn is_script_dir(dir: &str) -> bool {
    words(dir).any(|w| SCRIPT_WORDS.contains(&w.as_str()))
}

fn is_vfx_dir(dir: &str) -> bool {
    words(dir).any(|w| VFX_WORDS.contains(&w.as_str()))
}

/// What `init` counts and globs together: the files of kinds that share a
/// noun. Ordered as the lists show them: within a list, kinds found
/// anywhere before those found by folder.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Class {
    list: List,
    pick: Pick,
    noun: &'static str,
}

impl Class {
    fn of(name: &str) -> Option<Class> {
        if kind::is_sidecar(name) {
            return None;
        }
        kind::row_of(name).map(|row| Class {
            list: row.list,
            pick: row.pick,
            noun: row.noun,
        })
    }
}

/// Files of one class in one top-level folder ("" for the root).
#[derive(Default)]
struct Group {
    /// Extensions as written, e.g. `exr`, `EXR`.
    exts: BTreeSet<String>,
    /// The files, project-relative.
    files: Vec<String>,
}

/// The file `aiclear init` writes, and a summary of what it found.
pub struct Plan {
    pub text: String,
    /// One line per kind: the globs and how many files each matches.
    pub summary: Vec<String>,
}

/// "3 Fountain scripts in `scripts/`" for each folder with files that `keep`
/// keeps.
fn counted(
    found: &[(&'static str, &str, &[String])],
    keep: impl Fn(&String) -> bool,
) -> Vec<String> {
    found
        .iter()
        .filter_map(|(noun, dir, files)| {
            let n = files.iter().filter(|f| keep(f)).count();
            (n > 0).then(|| {
                format!(
                    "{} in {}",
                    plural(n, noun, &format!("{noun}s")),
                    where_(dir)
                )
            })
        })
        .collect()
}

fn glob(dir: &str, exts: &BTreeSet<String>) -> String {
    let ext = if exts.len() == 1 {
        exts.iter().next().cloned().unwrap_or_default()
    } else {
        format!("{{{}}}", exts.iter().cloned().collect::<Vec<_>>().join(","))
    };
    if dir.is_empty() {
        format!("*.{ext}")
    } else {
        format!("{}/**/*.{ext}", literal(dir))
    }
}

fn where_(dir: &str) -> String {
    if dir.is_empty() {
        "the top folder".into()
    } else {
        format!("{dir}/")
    }
}

/// One `files:` list: the comment above it, the built-in defaults it starts
/// with, the folders chosen for it and the groups left out.
struct Section<'a> {
    list: List,
    /// What was found for this list, for the comment: noun, folder, files.
    found: Vec<(&'static str, &'a str, &'a [String])>,
    /// A glob for each folder chosen, with the files it is for.
    picks: Vec<(String, &'a [String])>,
    /// Groups not chosen: their noun, folder and files.
    rest: Vec<(&'static str, &'a str, &'a [String])>,
}

impl<'a> Section<'a> {
    fn new(list: List) -> Self {
        Section {
            list,
            found: Vec::new(),
            picks: Vec::new(),
            rest: Vec::new(),
        }
    }

    /// The comment above the list: what its files are and where they declare.
    fn comment(&self) -> &'static [&'static str] {
        match self.list {
            List::Scripts => &[
                "Screenplays (a declaration in a boneyard after the title page) and Markdown",
                "treatments and bibles (a `genai` key in the YAML frontmatter). Final Draft,",
                "Fade In, Highland and PDF drafts are declared in a sidecar next to each",
                "file, e.g. ep101.fdx.genai.yml.",
            ],
            List::Metadata => &[
                "Shot sheets, timelines and USD layers: a top-level `genai` key (OpenTimelineIO",
                "and JSON: `metadata.genai`; `.usda`: a `genai` entry in `customLayerData`).",
            ],
            List::Media => &[
                "Binary media and USD assets: the declaration lives in a sidecar next to",
                "each file, e.g. plate_v003.exr.genai.yml.",
            ],
        }
    }

    /// The globs: the built-in defaults, so that nothing they would check
    /// goes unchecked, then a folder's glob wherever the defaults miss one of
    /// the files found there.
    fn globs(&self) -> Vec<String> {
        let mut globs: Vec<String> = self.list.defaults().iter().map(|s| s.to_string()).collect();
        for (glob, files) in &self.picks {
            let so_far = Globs::new(&globs.iter().map(String::as_str).collect::<Vec<_>>());
            if files.iter().any(|f| !so_far.is_match(f)) && !globs.contains(glob) {
                globs.push(glob.clone());
            }
        }
        globs
    }

    /// The comment lines saying what was found and what was left out, given
    /// the list's globs (`all`) and the excluded files.
    fn found_and_left_out(&self, all: &Globs, exclude: &Globs) -> String {
        let mut text = String::new();
        let found = counted(&self.found, |f| !exclude.is_match(f));
        if found.is_empty() {
            text.push_str("  # None found yet: the built-in defaults.\n");
        } else {
            text.push_str(&format!(
                "  # The built-in defaults, and what was found: {}.\n",
                found.join(", ")
            ));
        }
        let left_out = counted(&self.rest, |f| !all.is_match(f) && !exclude.is_match(f));
        if !left_out.is_empty() {
            text.push_str(&format!(
                "  # Left out (add a glob if these are production files): {}.\n",
                left_out.join(", ")
            ));
        }
        text
    }
}

type Groups = BTreeMap<(Class, String), Group>;

/// The files `init` could write a glob for, by class and top-level folder.
fn groups(files: &[String]) -> Groups {
    let mut groups = Groups::new();
    for f in files {
        let parts: Vec<&str> = f.split('/').collect();
        if parts
            .iter()
            .any(|p| p.starts_with('.') || SKIP_DIRS.contains(p))
        {
            continue;
        }
        let name = parts[parts.len() - 1];
        let Some(class) = Class::of(name) else {
            continue;
        };
        let dir = if parts.len() > 1 { parts[0] } else { "" };
        let g = groups.entry((class, dir.to_owned())).or_default();
        g.files.push(f.clone());
        g.exts.insert(
            name.rsplit_once('.')
                .map(|(_, e)| e.to_owned())
                .unwrap_or_default(),
        );
    }
    groups
}

/// The three lists, each with the folders chosen for it and those left out.
fn sections(groups: &Groups) -> [Section<'_>; 3] {
    // Folders holding a kind found anywhere: scripts, and timelines.
    let dirs_with = |list: List| -> BTreeSet<&str> {
        groups
            .keys()
            .filter(|(c, _)| c.list == list && c.pick == Pick::Always)
            .map(|(_, d)| d.as_str())
            .collect()
    };
    let script_dirs = dirs_with(List::Scripts);
    let timeline_dirs = dirs_with(List::Metadata);
    let production =
        |dir: &str| !dir.is_empty() && (is_vfx_dir(dir) || timeline_dirs.contains(dir));

    let mut sections = List::ALL.map(Section::new);
    for ((class, dir), g) in groups {
        let chosen = match class.pick {
            Pick::Always => true,
            Pick::ScriptFolders => {
                !dir.is_empty() && (script_dirs.contains(dir.as_str()) || is_script_dir(dir))
            }
            Pick::ProductionFolders => production(dir),
        };
        let section = &mut sections[class.list as usize];
        if chosen {
            section.found.push((class.noun, dir, &g.files));
            section.picks.push((glob(dir, &g.exts), &g.files));
        } else {
            section.rest.push((class.noun, dir, &g.files));
        }
    }
    sections
}

/// Documents about the repository (README.md …) among the files found by
/// folder that the scripts globs reach: they are excluded.
fn excludes(groups: &Groups, script_globs: &[String]) -> BTreeSet<String> {
    let script_globs = Globs::new(&script_globs.iter().map(String::as_str).collect::<Vec<_>>());
    let mut excludes: BTreeSet<String> = BTreeSet::new();
    for f in groups
        .iter()
        .filter(|((c, _), _)| c.list == List::Scripts && c.pick == Pick::ScriptFolders)
        .flat_map(|(_, g)| &g.files)
    {
        let name = f.rsplit('/').next().unwrap_or(f);
        if kind::is_repo_doc(name) && script_globs.is_match(f) {
            let at = match f.split_once('/') {
                Some((top, _)) => format!("{}/**/{}", literal(top), literal(name)),
                None => literal(name),
            };
            excludes.insert(at);
        }
    }
    excludes
}

const HEADER: &str = "\
# aiclear configuration: which files must declare their generative-AI use, who
# may approve the uses that need written approval, and how strict each rule is.
# Written by `aiclear init` from the files in this project; edit it freely.
# `aiclear rules` lists the rules and `aiclear explain CODE` says what one checks.
#
# This file is part of the trust root: a pull-request check (`aiclear check
# --base ...`) reads it from the base branch, so a change to it takes effect
# once it has been reviewed and merged.

# The policy packs the production is checked against: Netflix, \"Using
# Generative AI in Content Production\" (August 2025). Add others as a list:
# `policy: [netflix-2025-08, sag-aftra, wga-mba-2023, eu-ai-act-art50]` (a
# family such as `sag-aftra` applies the version in force on the day checked),
# or a studio's own pack, `.aiclear/policies/NAME.yml`, by its NAME.
# `aiclear explain PACK` describes a pack.
";

const FILES_INTRO: &str = "
# Which files must carry a `genai` declaration, by kind. Globs are relative to
# the project root (the folder that holds .aiclear/). Each list starts with the
# built-in defaults, so that a file added later where they reach (a new script
# in any folder, say) is checked too; keep them. `aiclear check` warns about a
# file it could read that no glob here covers (GA007).
files:
";

const REST: &str = "
# Every matched file must declare its AI use, even if only `genai: none` (GA001).
require-declaration: true

# The people who may grant approvals in .aiclear/approvals.yml, by the email
# their git commits carry. A ledger entry only counts if the commit that added it
# was authored by one of them (GA601). For example:
#   approvers:
#     - email: showrunner@production.example.com
#       name: Dana Ruiz
#     - email: contact@studio.example.com   # the studio's creative production contact
#       name: Mei Chen
approvers: []

# Temporary and previs material still in the repository this many days after it
# was committed is flagged for review (GA604).
temporary-max-age-days: 90

# Per-rule severities, by code or name: allow, warn or deny. Approval rules can
# be lowered here, but an approval itself cannot be granted by configuration.
# rules:
#   GA102: deny
#   terms-not-reviewed: allow
";

/// The `deliverables` and `exclude` lists.
fn deliverables_and_exclude(excludes: &BTreeSet<String>) -> String {
    let mut text = String::from(
        "  # Anything under these folders is a final deliverable: every use in it\n  # needs written approval (GA203), whatever stage it declares.\n  deliverables:\n",
    );
    for g in config::DEFAULT_DELIVERABLES {
        text.push_str(&format!("    - {}\n", super::double_quoted(g)));
    }
    if excludes.is_empty() {
        text.push_str("  # Files never checked, e.g. an archive of old drafts:\n  # exclude:\n  #   - \"scripts/archive/**\"\n");
    } else {
        text.push_str("  # Files never checked: documents about the repository, not the production.\n  exclude:\n");
        for e in excludes {
            text.push_str(&format!("    - {}\n", super::double_quoted(e)));
        }
    }
    text
}

/// Plan the configuration for a project whose files (relative to the project
/// root, `/`-separated) are `files`.
pub fn plan(files: &[String]) -> Plan {
    let groups = groups(files);
    let chosen: Vec<(Section, Vec<String>)> = sections(&groups)
        .into_iter()
        .map(|s| {
            let globs = s.globs();
            (s, globs)
        })
        .collect();
    let excludes = excludes(&groups, &chosen[List::Scripts as usize].1);
    let exclude = Globs::new(&excludes.iter().map(String::as_str).collect::<Vec<_>>());

    let mut text = format!("{HEADER}policy: {POLICY}\n{FILES_INTRO}");
    let mut summary = Vec::new();
    for (section, globs) in &chosen {
        for line in section.comment() {
            text.push_str(&format!("  # {line}\n"));
        }
        let all = Globs::new(&globs.iter().map(String::as_str).collect::<Vec<_>>());
        text.push_str(&section.found_and_left_out(&all, &exclude));
        let key = section.list.key();
        text.push_str(&format!("  {key}:\n"));
        for g in globs {
            text.push_str(&format!("    - {}\n", super::double_quoted(g)));
        }
        let counted: Vec<String> = globs
            .iter()
            .map(|g| {
                let n = Globs::new(&[g.as_str()]);
                let matched = files
                    .iter()
                    .filter(|f| n.is_match(f) && !exclude.is_match(f))
                    .count();
                format!("{g} ({})", plural(matched, "file", "files"))
            })
            .collect();
        summary.push(format!("{key}: {}", counted.join(", ")));
    }
    text.push_str(&deliverables_and_exclude(&excludes));
    text.push_str(REST);
    Plan { text, summary }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Source;

    fn files(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn settings(plan: &Plan) -> config::Settings {
        config::parse(&Source::new(
            config::CONFIG_PATH,
            plan.text.clone().into_bytes(),
        ))
        .unwrap_or_else(|e| panic!("{e:?}\n{}", plan.text))
    }

    #[test]
    fn globs_follow_the_folders() {
        let p = plan(&files(&[
            "README.md",
            "CHANGELOG.md",
            ".github/workflows/ci.yml",
            "package.json",
            "docs/guide.md",
            "docs/logo.png",
            "scripts/ep101.fountain",
            "scripts/ep102.fountain",
            "scripts/bible.md",
            "scripts/README.md",
            "treatments/s2.md",
            "vfx/shots/sh010.yml",
            "vfx/cut.otio",
            "vfx/plates/a.exr",
            "vfx/plates/a.exr.genai.yml",
            "vfx/plates/b.EXR",
            "editorial/reel1.otio",
        ]));
        let s = settings(&p);
        let scripts = &s.files.scripts.patterns;
        // The defaults first: they already reach scripts/ and vfx/.
        assert_eq!(
            scripts,
            &[
                "**/*.fountain",
                "**/*.spmd",
                "**/*.fdx",
                "**/*.fadein",
                "**/*.highland",
                "scripts/**/*.md",
                "scripts/**/*.pdf",
                "treatments/**/*.md"
            ]
        );
        assert!(s.files.exclude.is_match("scripts/README.md"));
        assert_eq!(s.files.metadata.patterns, config::DEFAULT_METADATA);
        assert_eq!(s.files.media.patterns, config::DEFAULT_MEDIA);
        assert!(s.files.media.is_match("vfx/plates/b.EXR"));
        assert!(!s.files.scripts.is_match("README.md"));
        assert!(!s.files.metadata.is_match("package.json"));
        assert!(p.text.contains("Left out (add a glob if these are production files): 2 Markdown files in the top folder, 1 Markdown file in docs/."), "{}", p.text);
        assert!(p.text.contains("1 media file in docs/"), "{}", p.text);
        assert_eq!(s.temporary_max_age_days, 90);
        assert!(s.approvers.is_empty() && s.require_declaration);
    }

    #[test]
    fn odd_folder_names_are_literal() {
        let p = plan(&files(&[
            "drafts [old]/a{1}.fountain",
            "drafts [old]/notes.md",
            "drafts [old]/README.md",
        ]));
        let s = settings(&p);
        assert!(s.files.scripts.is_match("drafts [old]/x/b.md"));
        assert!(!s.files.scripts.is_match("drafts o/b.md"));
        assert!(s.files.exclude.is_match("drafts [old]/README.md"));
        assert!(!s.files.exclude.is_match("drafts [old]/notes.md"));
    }

    /// Whatever the project holds, every file the built-in defaults would
    /// check is checked with the configuration `init` writes.
    #[test]
    fn never_narrower_than_the_defaults() {
        let found = files(&[
            "scripts/ep101.fountain",
            "scripts/bible.md",
            "vfx/sh010.yml",
            "vfx/a.exr",
            "editorial/cut.otio",
            "sound/mix.wav",
        ]);
        let s = settings(&plan(&found));
        let defaults = config::Settings::default();
        for later in [
            "drafts/ep102.fountain",
            "ep103.fountain",
            "pages/ep104.SPMD",
            "scripts/s2/bible.md",
            "cuts/reel2.otio",
            "vfx/new/sh020.json",
            "vfx/new/sh020.dpx",
        ] {
            for (ours, theirs) in [
                (&s.files.scripts, &defaults.files.scripts),
                (&s.files.metadata, &defaults.files.metadata),
                (&s.files.media, &defaults.files.media),
            ] {
                assert!(
                    !theirs.is_match(later) || ours.is_match(later),
                    "{later} with {:?}",
                    ours.patterns
                );
            }
        }
        assert!(s.files.media.is_match("sound/mix.wav"));
    }

    #[test]
    fn an_empty_project_keeps_the_defaults() {
        let p = plan(&[]);
        let s = settings(&p);
        assert_eq!(s.files.scripts.patterns, config::DEFAULT_SCRIPTS);
        assert_eq!(s.files.media.patterns, config::DEFAULT_MEDIA);
    }
}
