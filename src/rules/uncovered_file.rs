use std::collections::BTreeSet;

use crate::kind::{self, Pick};
use crate::rules::{Check, Finding, declare_rule};

declare_rule! {
    /// ### What it does
    /// Warns, once per check, about files that aiclear could read a
    /// declaration from but that no `files:` glob of the configuration
    /// covers (and `exclude` does not exclude), so that nothing checks them.
    /// It lists the files and gives the globs to add. It looks at:
    ///
    /// - Fountain scripts (`.fountain`, `.spmd`) and OpenTimelineIO timelines
    ///   (`.otio`) anywhere: they are production files wherever they are;
    /// - a sidecar (`NAME.EXT.genai.yml`) whose file no glob covers: someone
    ///   declared that file, and the declaration is not read;
    /// - Markdown, YAML, JSON and media files (the built-in media extensions)
    ///   in a folder that holds files that are checked: a treatment beside
    ///   the scripts, a plate of another format beside the plates.
    ///
    /// Documents about the repository (`README.md`, `CHANGELOG.md`, `LICENSE`
    /// …), files under `docs/`, hidden folders such as `.github/`, files at the
    /// top of the project other than scripts and timelines, and tool folders
    /// (`node_modules/`, `target/`) are never reported. The configuration's
    /// `require-declaration: false` turns it off too.
    ///
    /// ### Why it matters
    /// A check that covers nothing passes. A configuration whose globs name
    /// one folder (`scripts/**/*.fountain`) lets a new draft in `drafts/`, or
    /// at the top of the repository, be committed with "checked 0 files", and
    /// its AI use goes unreported although Netflix's guidelines ask for every
    /// intended use to be shared. It is a warning, not an error, because only
    /// the production knows whether a file is production material; the fix is
    /// a glob in `files:`, or the file under `exclude:`.
    ///
    /// ### Example
    /// A configuration that checks one folder, while `drafts/ep102.fountain`
    /// and `ep103.fountain` are scripts too:
    /// ```yaml
    /// files:
    ///   scripts:
    ///     - "scripts/**/*.fountain"
    /// ```
    /// Use instead:
    /// ```yaml
    /// files:
    ///   scripts:
    ///     - "**/*.fountain"
    /// ```
    pub UNCOVERED_FILE {
        code: "GA007",
        name: "uncovered-file",
        level: Warn,
        summary: "a file aiclear could read is covered by no `files:` glob, so it is not checked",
        guideline: "Netflix GenAI guidelines, reporting: any intended GenAI use is shared with the studio, so every production file is checked",
        check: Check::Engine,
    }
}

/// Files named in the finding; the rest are counted.
const LISTED: usize = 20;

/// Which `files:` list a file belongs in, and the glob that covers it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Suggestion {
    /// `scripts`, `metadata` or `media`.
    pub key: &'static str,
    pub glob: String,
}

/// Folders whose files are about the repository or its tools.
const NOT_PRODUCTION_DIRS: &[&str] = &[
    "docs",
    "doc",
    "documentation",
    "node_modules",
    "target",
    "venv",
    "__pycache__",
    "vendor",
];

/// Files of tools that happen to be JSON or YAML.
const TOOL_FILES: &[&str] = &[
    "package.json",
    "package-lock.json",
    "tsconfig.json",
    "jsconfig.json",
    "composer.json",
    "renovate.json",
    "mkdocs.yml",
    "mkdocs.yaml",
    "docker-compose.yml",
    "docker-compose.yaml",
    "compose.yml",
    "compose.yaml",
    "pnpm-lock.yaml",
    "action.yml",
    "action.yaml",
    "codecov.yml",
    "_config.yml",
];

fn ext(name: &str) -> Option<String> {
    name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase())
}

/// The glob for files with extension `ext` under `rel`'s top folder.
fn under_top(rel: &str, ext: &str) -> String {
    match rel.split_once('/') {
        Some((top, _)) => format!("{}/**/*.{ext}", kind::literal(top)),
        None => format!("*.{ext}"),
    }
}

/// Whether an uncovered file is worth a warning, and the glob that would
/// check it. `beside_checked` says whether its folder holds a checked file.
pub fn suggestion(rel: &str, beside_checked: bool) -> Option<Suggestion> {
    let parts: Vec<&str> = rel.split('/').collect();
    let (name, dirs) = parts.split_last()?;
    if name.starts_with('.')
        || dirs.iter().any(|d| {
            d.starts_with('.') || NOT_PRODUCTION_DIRS.contains(&d.to_ascii_lowercase().as_str())
        })
    {
        return None;
    }
    if let Some(described) = rel.strip_suffix(kind::SIDECAR_SUFFIX) {
        let e = ext(described.rsplit('/').next().unwrap_or(described))?;
        return Some(Suggestion {
            key: "media",
            glob: under_top(described, &e),
        });
    }
    let e = ext(name)?;
    // Only the extensions the built-in globs name: a kind aiclear reads but
    // that a production adds itself (`.markdown`, `.psd`) is its choice.
    let row = kind::row_of(name)?;
    if !kind::default_extensions(row.list).any(|d| d == e) {
        return None;
    }
    let key = row.list.key();
    if row.pick == Pick::Always {
        return Some(Suggestion {
            key,
            glob: format!("**/*.{e}"),
        });
    }
    let at_top = dirs.is_empty();
    let lower = name.to_ascii_lowercase();
    if at_top
        || !beside_checked
        || kind::is_repo_doc(name)
        || TOOL_FILES.contains(&lower.as_str())
    {
        return None;
    }
    Some(Suggestion {
        key,
        glob: under_top(rel, &e),
    })
}

/// The one warning about the files no glob covers, with the globs to add.
/// `config` is the configuration's path, and `has_config` says whether it
/// exists.
pub fn finding(files: &[(String, Suggestion)], config: &str, has_config: bool) -> Option<Finding> {
    let (first, _) = files.first()?;
    let message = match files.len() {
        1 => format!("`{first}` is covered by no `files:` glob, so it is not checked"),
        n => format!("{n} files are covered by no `files:` glob, so they are not checked"),
    };
    let mut listed: Vec<String> = files
        .iter()
        .take(LISTED)
        .map(|(f, _)| format!("`{f}`"))
        .collect();
    if files.len() > LISTED {
        listed.push(format!("and {} more", files.len() - LISTED));
    }
    let globs: BTreeSet<&Suggestion> = files.iter().map(|(_, s)| s).collect();
    let add = ["scripts", "metadata", "media"]
        .iter()
        .filter(|key| globs.iter().any(|s| s.key == **key))
        .map(|key| {
            let these: Vec<String> = globs
                .iter()
                .filter(|s| s.key == *key)
                .map(|s| format!("`{}`", crate::yaml::quote::double_quoted(&s.glob)))
                .collect();
            format!("{} under `files.{key}`", these.join(", "))
        })
        .collect::<Vec<_>>()
        .join(" and ");
    let (them, they, are, files_) = match files.len() {
        1 => ("it", "it", "is", "a production file"),
        _ => ("them", "they", "are", "production files"),
    };
    let start = if has_config {
        format!("to check {them}, add {add} in `{config}`")
    } else {
        format!(
            "to check {them}, run `aiclear init` to write `{config}` (its lists start with the built-in defaults) and add {add}"
        )
    };
    let mut f = Finding::new(&UNCOVERED_FILE, None, message).help(format!(
        "{start}; if {they} {are} not {files_}, list {them} under `files.exclude`"
    ));
    if files.len() > 1 {
        f = f.note(format!("not checked: {}", listed.join(", ")));
    }
    Some(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(rel: &str, beside: bool) -> Option<(&'static str, String)> {
        suggestion(rel, beside).map(|s| (s.key, s.glob))
    }

    #[test]
    fn scripts_and_timelines_anywhere() {
        assert_eq!(
            s("drafts/ep102.fountain", false),
            Some(("scripts", "**/*.fountain".into()))
        );
        assert_eq!(
            s("ep103.SPMD", false),
            Some(("scripts", "**/*.spmd".into()))
        );
        assert_eq!(
            s("cuts/reel1.otio", false),
            Some(("metadata", "**/*.otio".into()))
        );
        assert_eq!(
            s("art/poster.psd.genai.yml", false),
            Some(("media", "art/**/*.psd".into()))
        );
    }

    #[test]
    fn other_kinds_only_beside_checked_files() {
        assert_eq!(
            s("drafts/treatment.md", true),
            Some(("scripts", "drafts/**/*.md".into()))
        );
        assert_eq!(s("drafts/treatment.md", false), None);
        assert_eq!(
            s("vfx [old]/sh010.json", true),
            Some(("metadata", "vfx [[]old[]]/**/*.json".into()))
        );
        assert_eq!(
            s("plates/a.PNG", true),
            Some(("media", "plates/**/*.png".into()))
        );
        assert_eq!(s("plates/a.psd", true), None);
    }

    #[test]
    fn repository_files_never() {
        for rel in [
            "README.md",
            "CHANGELOG.md",
            "package.json",
            "mkdocs.yml",
            "logo.png",
            "docs/guide.md",
            "docs/ep1.fountain",
            ".github/workflows/ci.yml",
            ".github/ISSUE_TEMPLATE/bug.md",
            "scripts/README.md",
            "scripts/CHANGELOG.md",
            "web/package.json",
            "node_modules/x/README.md",
            "node_modules/x/a.fountain",
            ".hidden.fountain",
            "scripts/notes.txt",
        ] {
            assert_eq!(s(rel, true), None, "{rel}");
        }
    }

    #[test]
    fn one_warning_lists_the_files_and_the_globs() {
        let files: Vec<(String, Suggestion)> =
            ["drafts/ep102.fountain", "ep103.fountain", "drafts/notes.md"]
                .iter()
                .map(|f| (f.to_string(), suggestion(f, true).unwrap()))
                .collect();
        let f = finding(&files, ".aiclear/config.yml", true).unwrap();
        assert_eq!(
            f.message,
            "3 files are covered by no `files:` glob, so they are not checked"
        );
        assert_eq!(
            f.notes,
            ["not checked: `drafts/ep102.fountain`, `ep103.fountain`, `drafts/notes.md`"]
        );
        assert_eq!(
            f.help.as_deref(),
            Some(
                "to check them, add `\"**/*.fountain\"`, `\"drafts/**/*.md\"` under `files.scripts` in `.aiclear/config.yml`; if they are not production files, list them under `files.exclude`"
            )
        );
        let one = finding(&files[..1], ".aiclear/config.yml", false).unwrap();
        assert!(
            one.message
                .starts_with("`drafts/ep102.fountain` is covered")
        );
        assert!(one.help.unwrap().contains("run `aiclear init`"));
        assert!(finding(&[], ".aiclear/config.yml", true).is_none());
    }
}
