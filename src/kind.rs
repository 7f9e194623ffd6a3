//! The kinds of file aiclear checks: one sorted table.
//!
//! Each [`Row`] names a kind of file by its extensions, the `files:` list
//! that checks it, where its declaration lives (a [`FileKind`], the locator)
//! and how `aiclear init` names it. Discovery, `aiclear annotate`,
//! `aiclear init` and the built-in `files:` globs all read it, so they agree
//! on what a file is.
//!
//! Adding a kind whose declaration lives in a sidecar is one row (and its
//! glob in the built-in lists, if it is checked by default). A kind that
//! holds its own declaration is a row and a [`FileKind`] variant with its
//! locator in `declaration/`: the matches on [`FileKind`] (here, in the
//! declaration reader and in `annotate`'s writer) fail to compile until it
//! is handled, and a variant without a row fails to compile here. Kinds that
//! share an extension's family but not its locator (a text format that can
//! hold a declaration beside binary ones that cannot) are two rows.

/// The suffix of a sidecar: `plate.exr` is declared in `plate.exr.genai.yml`.
pub const SIDECAR_SUFFIX: &str = ".genai.yml";

/// Where a file's declaration lives, and so how it is read and written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum FileKind {
    /// `.fountain`, `.spmd`: boneyard-wrapped block after the title page.
    Fountain,
    /// `.md`: frontmatter.
    Markdown,
    /// `.yml`, `.yaml`: top-level `genai` of the first document.
    Yaml,
    /// `.json`, `.otio`: `metadata.genai`, else top-level `genai`.
    Json,
    /// `.usda`: a `genai` entry in the root layer's `customLayerData`.
    Usda,
    /// `NAME.EXT.genai.yml` beside a binary media file.
    Sidecar,
}

impl FileKind {
    /// Every kind, in declaration order.
    pub const ALL: [FileKind; 6] = [
        FileKind::Fountain,
        FileKind::Markdown,
        FileKind::Yaml,
        FileKind::Json,
        FileKind::Usda,
        FileKind::Sidecar,
    ];

    /// The kind of a file that holds its own declaration (a script or
    /// metadata file), by its extension. Media and other files declared in a
    /// sidecar have none.
    pub fn of_path(path: &str) -> Option<FileKind> {
        row_of(path)
            .map(|row| row.declared)
            .filter(|k| *k != FileKind::Sidecar)
    }

    /// How to add a declaration to a file of this kind.
    pub fn how_to_declare(self) -> &'static str {
        self.locator().how_to_declare
    }

    /// Where the declaration of a file of this kind lives.
    pub const fn locator(self) -> &'static Locator {
        match self {
            FileKind::Fountain => &Locator {
                place: "a `---` YAML block in a boneyard (`/*` … `*/`) right after the title page",
                how_to_declare: "add a declaration right after the title page: `/*`, `---`, `genai: none` (or its `uses`), `---`, `*/` on lines of their own",
            },
            FileKind::Markdown => &Locator {
                place: "a top-level `genai` key in the `---` frontmatter",
                how_to_declare: "add `genai: none` (or its `uses`) to the `---` frontmatter at the top of the file",
            },
            FileKind::Yaml => &Locator {
                place: "a top-level `genai` key of the first document",
                how_to_declare: "add a top-level `genai:` key (`genai: none` when no AI was used)",
            },
            FileKind::Json => &Locator {
                place: "`metadata.genai`, else a top-level `genai`",
                how_to_declare: "add `\"genai\"` under the top-level `\"metadata\"` object (`\"genai\": \"none\"` when no AI was used)",
            },
            FileKind::Usda => &Locator {
                place: "a `genai` entry in the `customLayerData` of the layer's metadata",
                how_to_declare: "add `string genai = \"none\"` (or a `dictionary genai` of its uses) to `customLayerData` in the layer's metadata `( … )` after `#usda 1.0`",
            },
            FileKind::Sidecar => &Locator {
                place: "a top-level `genai` key in the sidecar `NAME.EXT.genai.yml` beside the file",
                how_to_declare: "create the sidecar with a top-level `genai:` key (`genai: none` when no AI was used)",
            },
        }
    }
}

/// Where a declaration lives in a file of one [`FileKind`], in words. How
/// `aiclear annotate` writes one is `write::declare`'s match on the kind.
#[derive(Debug)]
pub struct Locator {
    /// Where the declaration is read from.
    pub place: &'static str,
    /// How to add one by hand (the help of a missing declaration, GA001).
    pub how_to_declare: &'static str,
}

/// The `files:` list of the configuration that checks a kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum List {
    Scripts,
    Metadata,
    Media,
}

impl List {
    pub const ALL: [List; 3] = [List::Scripts, List::Metadata, List::Media];

    /// The list's key under `files:`.
    pub const fn key(self) -> &'static str {
        match self {
            List::Scripts => "scripts",
            List::Metadata => "metadata",
            List::Media => "media",
        }
    }

    /// The built-in globs of the list, checked when the configuration sets
    /// none.
    pub const fn defaults(self) -> &'static [&'static str] {
        match self {
            List::Scripts => DEFAULT_SCRIPTS,
            List::Metadata => DEFAULT_METADATA,
            List::Media => DEFAULT_MEDIA,
        }
    }
}

/// Which folders `aiclear init` writes a glob for, for the files of a kind
/// it finds outside what the built-in globs reach.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Pick {
    /// Every folder that holds one (a script is a script wherever it is).
    Always,
    /// Folders that hold a script (a kind picked [`Pick::Always`] in the
    /// same list), or whose name says they hold scripts.
    ScriptFolders,
    /// Folders whose name says they hold production material, or that hold
    /// a timeline (a kind picked [`Pick::Always`] in the `metadata` list).
    ProductionFolders,
}

/// One kind of file.
#[derive(Debug)]
pub struct Row {
    /// The kind's name; the table is sorted by it.
    pub name: &'static str,
    /// How messages name the kind (`not a kind of file aiclear reads
    /// declarations from (Fountain, …)`).
    pub title: &'static str,
    /// Extensions, lowercase, without the dot. A file's extension matches
    /// whatever its case.
    pub extensions: &'static [&'static str],
    /// Where the declaration lives.
    pub declared: FileKind,
    /// The `files:` list that checks it.
    pub list: List,
    /// How `aiclear init` counts files of the kind (kinds with the same
    /// noun are counted and globbed together).
    pub noun: &'static str,
    /// Where `aiclear init` looks for them.
    pub pick: Pick,
}

/// Every kind, sorted by name.
pub static KINDS: &[Row] = &[
    Row {
        name: "fadein",
        title: "Fade In",
        extensions: &["fadein"],
        declared: FileKind::Sidecar,
        list: List::Scripts,
        noun: "Fade In script",
        pick: Pick::Always,
    },
    Row {
        name: "fdx",
        title: "Final Draft",
        extensions: &["fdx"],
        declared: FileKind::Sidecar,
        list: List::Scripts,
        noun: "Final Draft script",
        pick: Pick::Always,
    },
    Row {
        name: "fountain",
        title: "Fountain",
        extensions: &["fountain", "spmd"],
        declared: FileKind::Fountain,
        list: List::Scripts,
        noun: "Fountain script",
        pick: Pick::Always,
    },
    Row {
        name: "highland",
        title: "Highland",
        extensions: &["highland"],
        declared: FileKind::Sidecar,
        list: List::Scripts,
        noun: "Highland script",
        pick: Pick::Always,
    },
    Row {
        name: "json",
        title: "JSON",
        extensions: &["json"],
        declared: FileKind::Json,
        list: List::Metadata,
        noun: "JSON/YAML file",
        pick: Pick::ProductionFolders,
    },
    Row {
        name: "markdown",
        title: "Markdown",
        extensions: &["markdown", "md"],
        declared: FileKind::Markdown,
        list: List::Scripts,
        noun: "Markdown file",
        pick: Pick::ScriptFolders,
    },
    Row {
        name: "media",
        title: "media",
        extensions: &[
            "aif", "aiff", "avi", "dpx", "exr", "flac", "heic", "jpeg", "jpg", "mkv", "mov", "mp3",
            "mp4", "mxf", "png", "psd", "tif", "tiff", "wav", "webp",
        ],
        declared: FileKind::Sidecar,
        list: List::Media,
        noun: "media file",
        pick: Pick::ProductionFolders,
    },
    Row {
        name: "otio",
        title: "OpenTimelineIO",
        extensions: &["otio"],
        declared: FileKind::Json,
        list: List::Metadata,
        noun: "timeline",
        pick: Pick::Always,
    },
    Row {
        name: "pdf",
        title: "PDF",
        extensions: &["pdf"],
        declared: FileKind::Sidecar,
        list: List::Scripts,
        noun: "PDF draft",
        pick: Pick::ScriptFolders,
    },
    Row {
        name: "usd",
        title: "USD",
        extensions: &["usd", "usdc", "usdz"],
        declared: FileKind::Sidecar,
        list: List::Media,
        noun: "USD asset",
        pick: Pick::Always,
    },
    Row {
        name: "usda",
        title: "text USD",
        extensions: &["usda"],
        declared: FileKind::Usda,
        list: List::Metadata,
        noun: "USD layer",
        pick: Pick::Always,
    },
    Row {
        name: "yaml",
        title: "YAML",
        extensions: &["yaml", "yml"],
        declared: FileKind::Yaml,
        list: List::Metadata,
        noun: "JSON/YAML file",
        pick: Pick::ProductionFolders,
    },
];

/// The built-in `scripts` globs.
///
/// A screenplay is a screenplay wherever it is; a PDF is a draft only under
/// `scripts/` (elsewhere it is as likely a manual or a contract).
pub const DEFAULT_SCRIPTS: &[&str] = &[
    "**/*.fountain",
    "**/*.spmd",
    "**/*.fdx",
    "**/*.fadein",
    "**/*.highland",
    "scripts/**/*.md",
    "scripts/**/*.pdf",
];
/// The built-in `metadata` globs. A text USD layer is scene description
/// wherever it is, like a timeline.
pub const DEFAULT_METADATA: &[&str] = &["**/*.otio", "**/*.usda", "vfx/**/*.{yml,yaml,json}"];
/// The built-in `media` globs. USD assets are production material wherever
/// they are (no repository keeps its documentation in USD); images and sound
/// only under `vfx/`, as a repository's own pictures need no declaration.
pub const DEFAULT_MEDIA: &[&str] = &[
    "**/*.{usd,usdc,usdz}",
    "vfx/**/*.{exr,dpx,tif,tiff,png,jpg,jpeg,webp,heic,mov,mp4,wav}",
];

/// The extensions a list's built-in globs name, in their order
/// (`vfx/**/*.{yml,yaml,json}` names `yml`, `yaml` and `json`): the files
/// worth a glob when none covers them.
pub fn default_extensions(list: List) -> impl Iterator<Item = &'static str> {
    list.defaults().iter().flat_map(|glob| {
        let exts = glob.rsplit_once("*.").map_or("", |(_, e)| e);
        exts.trim_matches(['{', '}']).split(',')
    })
}

/// The kind of a file, by the extension of its name (`path` may be a
/// project-relative path). A sidecar is a YAML file here: ask
/// [`is_sidecar`] first.
pub fn row_of(path: &str) -> Option<&'static Row> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let ext = name.rsplit_once('.')?.1;
    KINDS
        .iter()
        .find(|row| row.extensions.iter().any(|e| e.eq_ignore_ascii_case(ext)))
}

/// Whether a path is a sidecar (`NAME.EXT.genai.yml`).
pub fn is_sidecar(path: &str) -> bool {
    path.ends_with(SIDECAR_SUFFIX)
}

/// A glob set; with `any_case`, matching whatever the case. The index of
/// the first pattern that is not valid, with why.
///
/// A set is compiled once a process for the same patterns: a configuration
/// read again at every keystroke (`aiclear lsp`) names the same globs.
pub fn glob_set(
    patterns: &[String],
    any_case: bool,
) -> Result<globset::GlobSet, (usize, globset::Error)> {
    type Cache = std::collections::HashMap<(Vec<String>, bool), globset::GlobSet>;
    static CACHE: std::sync::LazyLock<std::sync::Mutex<Cache>> =
        std::sync::LazyLock::new(Default::default);
    let key = (patterns.to_vec(), any_case);
    if let Some(set) = CACHE.lock().ok().and_then(|c| c.get(&key).cloned()) {
        return Ok(set);
    }
    let set = compile_globs(patterns, any_case)?;
    if let Ok(mut cache) = CACHE.lock() {
        // A long-running server meets a bounded number of configurations.
        if cache.len() >= 256 {
            cache.clear();
        }
        cache.insert(key, set.clone());
    }
    Ok(set)
}

fn compile_globs(
    patterns: &[String],
    any_case: bool,
) -> Result<globset::GlobSet, (usize, globset::Error)> {
    let mut b = globset::GlobSetBuilder::new();
    for (i, p) in patterns.iter().enumerate() {
        b.add(
            globset::GlobBuilder::new(p)
                .literal_separator(true)
                .case_insensitive(any_case)
                .build()
                .map_err(|e| (i, e))?,
        );
    }
    b.build().map_err(|e| (0, e))
}

/// Whether a file of this name is declared in a sidecar whatever the
/// configuration says (a writer annotating `poster.psd` means its sidecar).
pub fn declared_in_sidecar(path: &str) -> bool {
    row_of(path).is_some_and(|row| row.declared == FileKind::Sidecar)
}

/// The kinds a message lists as readable, in the order it lists them: by
/// list, then those holding their own declaration before those in a
/// sidecar, e.g. `Fountain, Markdown, YAML, JSON, OpenTimelineIO or media`.
pub fn titles() -> String {
    let mut rows: Vec<&Row> = KINDS.iter().collect();
    rows.sort_by_key(|r| (r.list, r.declared as u8, r.name));
    let titles: Vec<&str> = rows.iter().map(|r| r.title).collect();
    match titles.split_last() {
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// Markdown (or other) files that are about the repository, not the
/// production: a README, a changelog, a licence, an agent's instructions.
pub fn is_repo_doc(name: &str) -> bool {
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    matches!(
        stem.to_ascii_lowercase().as_str(),
        "readme"
            | "changelog"
            | "changes"
            | "history"
            | "contributing"
            | "license"
            | "licence"
            | "code_of_conduct"
            | "security"
            | "authors"
            | "notice"
            | "agents"
            | "claude"
    )
}

/// A folder name as a glob that matches only itself.
pub fn literal(dir: &str) -> String {
    dir.chars()
        .map(|c| match c {
            '*' | '?' | '[' | ']' | '{' | '}' | '\\' => format!("[{c}]"),
            c => c.to_string(),
        })
        .collect()
}

/// The declaration `aiclear annotate` writes for a use to fill in, as YAML
/// lines under a top-level `genai` key. Every placeholder is invalid on
/// purpose, so `aiclear check` points at each one (GA004, with the values it
/// accepts) until it is filled in.
pub const TEMPLATE: &str = "\
genai:
  # Fill in each TODO (`aiclear check` points at the ones left), or replace
  # this whole block with `genai: none` if no generative AI was used.
  # `aiclear explain CODE` says what a rule wants.
  disclosed: { to: TODO, on: TODO }  # studio contact told, and when (YYYY-MM-DD)
  uses:
    - id: TODO       # a short slug, e.g. aria-design
      stage: TODO    # ideation | previs | temp | final
      output: TODO   # text | image | video | audio | voice | 3d
      tools:
        - { name: TODO, enterprise: TODO, trains-on-inputs: TODO }  # true | false
      # description: what was generated, and what for
      # human-input: what people changed or added (needed for stage: final)
      # elements: [background]  # crowd, prop, signage, main-character, dialogue, ...
      # inputs: [original]      # licensed, proprietary, talent-likeness, ...
      # approval-requested: YYYY-MM-DD  # asked an approver; the commit may go ahead, CI waits
";

/// The declaration `aiclear annotate --none` writes.
pub const NONE: &str = "genai: none\n";

/// Whether `a` sorts before `b`, bytewise (usable in constants).
const fn before(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut i = 0;
    while i < a.len() && i < b.len() {
        if a[i] != b[i] {
            return a[i] < b[i];
        }
        i += 1;
    }
    a.len() < b.len()
}

/// Whether some row declares files as `kind` does.
const fn has_row(kind: FileKind) -> bool {
    let mut i = 0;
    while i < KINDS.len() {
        if KINDS[i].declared as u8 == kind as u8 {
            return true;
        }
        i += 1;
    }
    false
}

/// Every [`FileKind`] has a row, and the rows and each row's extensions are
/// sorted, or the crate does not compile.
const _: () = {
    // A new variant fails this match until it is added to `ALL`.
    const fn listed(kind: FileKind) -> usize {
        match kind {
            FileKind::Fountain => 0,
            FileKind::Markdown => 1,
            FileKind::Yaml => 2,
            FileKind::Json => 3,
            FileKind::Usda => 4,
            FileKind::Sidecar => 5,
        }
    }
    let mut k = 0;
    while k < FileKind::ALL.len() {
        assert!(
            listed(FileKind::ALL[k]) == k,
            "FileKind::ALL is out of order"
        );
        assert!(has_row(FileKind::ALL[k]), "a FileKind has no row in KINDS");
        k += 1;
    }
    let mut i = 0;
    while i < KINDS.len() {
        assert!(
            i == 0 || before(KINDS[i - 1].name, KINDS[i].name),
            "KINDS is not sorted by name"
        );
        let exts = KINDS[i].extensions;
        let mut j = 1;
        while j < exts.len() {
            assert!(before(exts[j - 1], exts[j]), "extensions are not sorted");
            j += 1;
        }
        i += 1;
    }
};

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn globs(patterns: &[&str]) -> globset::GlobSet {
        let mut b = globset::GlobSetBuilder::new();
        for p in patterns {
            b.add(
                globset::GlobBuilder::new(p)
                    .literal_separator(true)
                    .case_insensitive(true)
                    .build()
                    .unwrap(),
            );
        }
        b.build().unwrap()
    }

    #[test]
    fn the_table_is_sorted_and_its_extensions_unique() {
        assert!(KINDS.windows(2).all(|w| w[0].name < w[1].name));
        let mut seen = HashSet::new();
        for row in KINDS {
            assert!(
                row.extensions.windows(2).all(|w| w[0] < w[1]),
                "{}",
                row.name
            );
            for e in row.extensions {
                assert_eq!(*e, e.to_ascii_lowercase(), "{}", row.name);
                assert!(!e.contains('.') && !e.is_empty(), "{}", row.name);
                assert!(seen.insert(*e), "`{e}` is in two rows");
            }
        }
    }

    #[test]
    fn every_kind_has_a_row_and_a_locator() {
        for kind in FileKind::ALL {
            assert!(KINDS.iter().any(|r| r.declared == kind), "{kind:?}");
            let l = kind.locator();
            assert!(!l.place.is_empty());
            assert_eq!(kind.how_to_declare(), l.how_to_declare);
        }
        for list in List::ALL {
            assert!(KINDS.iter().any(|r| r.list == list), "{list:?}");
        }
    }

    #[test]
    fn of_path_reads_the_extension_whatever_its_case() {
        assert_eq!(
            FileKind::of_path("drafts/EP101.Fountain"),
            Some(FileKind::Fountain)
        );
        assert_eq!(FileKind::of_path("a.spmd"), Some(FileKind::Fountain));
        assert_eq!(FileKind::of_path("b.markdown"), Some(FileKind::Markdown));
        assert_eq!(FileKind::of_path("vfx/sh010.yml"), Some(FileKind::Yaml));
        assert_eq!(FileKind::of_path("cut.OTIO"), Some(FileKind::Json));
        assert_eq!(FileKind::of_path("a.exr.genai.yml"), Some(FileKind::Yaml));
        assert_eq!(FileKind::of_path("vfx/a.exr"), None);
        assert_eq!(FileKind::of_path("notes.txt"), None);
        assert_eq!(FileKind::of_path("fountain"), None);
        assert_eq!(FileKind::of_path("v1.fountain/notes"), None);
        assert_eq!(FileKind::of_path("set/stage.USDA"), Some(FileKind::Usda));
        assert_eq!(FileKind::of_path("set/stage.usd"), None);
        assert_eq!(FileKind::of_path("drafts/ep101.fdx"), None);
        assert!(declared_in_sidecar("art/poster.PSD"));
        for p in [
            "a.fdx",
            "a.fadein",
            "a.highland",
            "scripts/a.pdf",
            "a.usd",
            "a.usdc",
            "a.usdz",
        ] {
            assert!(declared_in_sidecar(p), "{p}");
        }
        assert!(!declared_in_sidecar("ep.fountain"));
    }

    /// Each built-in glob checks files of its own list's kinds only, and
    /// every extension a built-in glob names is in the table.
    #[test]
    fn the_default_globs_agree_with_the_table() {
        for list in List::ALL {
            for glob in list.defaults() {
                let set = globs(&[glob]);
                let (dir, exts) = glob.rsplit_once("*.").unwrap();
                let dir = dir.trim_end_matches("**/");
                let named: Vec<&str> = default_extensions(list).collect();
                for e in exts.trim_matches(['{', '}']).split(',') {
                    assert!(named.contains(&e), "{glob}: `{e}`");
                    let path = format!("{dir}x/a.{e}");
                    assert!(set.is_match(&path), "{glob} {path}");
                    let row = row_of(&path).unwrap_or_else(|| panic!("{glob}: `{e}`"));
                    assert_eq!(row.list, list, "{glob}: `{e}`");
                }
                for row in KINDS.iter().filter(|r| r.list != list) {
                    for e in row.extensions {
                        assert!(!set.is_match(format!("{dir}x/a.{e}")), "{glob} {e}");
                    }
                }
            }
        }
        // Every kind in a file of its own is checked somewhere by default.
        for row in KINDS {
            let set = globs(row.list.defaults());
            assert!(
                row.extensions.iter().any(|e| ["", "scripts/", "vfx/"]
                    .iter()
                    .any(|d| set.is_match(format!("{d}a.{e}")))),
                "{}",
                row.name
            );
        }
    }

    #[test]
    fn extensions_the_defaults_name() {
        let named = |list| default_extensions(list).collect::<Vec<_>>();
        assert_eq!(
            named(List::Scripts),
            ["fountain", "spmd", "fdx", "fadein", "highland", "md", "pdf"]
        );
        assert_eq!(
            named(List::Metadata),
            ["otio", "usda", "yml", "yaml", "json"]
        );
        assert_eq!(named(List::Media).len(), 15);
    }

    #[test]
    fn titles_as_messages_list_them() {
        assert_eq!(
            titles(),
            "Fountain, Markdown, Fade In, Final Draft, Highland, PDF, YAML, JSON, OpenTimelineIO, text USD, media or USD"
        );
    }

    #[test]
    fn literal_folders() {
        assert_eq!(literal("drafts [old]"), "drafts [[]old[]]");
        assert!(is_repo_doc("README.md") && is_repo_doc("Claude.md"));
        assert!(!is_repo_doc("bible.md"));
    }
}
