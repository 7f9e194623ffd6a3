//! The disclosure register (`aiclear report`): every declared use of
//! generative AI in the production, one row each, with what it is, the tools
//! and material it involves, the approvals it relies on and their state, the
//! findings still open for it, and who introduced it and when.
//!
//! The guidelines ask productions to share every intended GenAI use with the
//! studio contact; this is the document they share, and the page a showrunner
//! opens to see what still needs sign-off. It is built from one full check
//! ([`engine::check_declarations`]) into a [`Register`], which each format
//! writes: [`markdown`], [`html`] (one self-contained page), [`json`] (the
//! versioned shape documented on [`Register`]) and [`csv`].
//!
//! **Which finding belongs to which use.** A diagnostic belongs to a use when
//! it is on the use's file and its span starts inside the use: at or after
//! the start of the use's mapping and before the start of the next use (for
//! the last use of a file, up to the end of the last value it holds).
//! Everything else on a file that declares uses (a missing `disclosed`, a
//! removed use) is a finding about the file, and so is everything on a file
//! that declares none (GA001, GA002) and on the ledger.
//!
//! **The production's name** is `production: {title, season, company}` in
//! `.aiclear/config.yml`. Without it, the register falls back to the
//! `Title:` of the first Fountain script (by path) that opens with a title
//! page, and else to the name of the project's root folder
//! (`production_from` says which).
//!
//! **Folders and episodes.** Rows are grouped by the folder of the file (a
//! sidecar's, the media file's), in path order. A file's episode is the
//! `Episode:` of a Fountain title page, else what a folder or file name says
//! (`ep101`, `EP_102`, `episode-3`, `S01E04`); a folder's, the episode all
//! of its files agree on.
//!
//! **Coverage.** The files that declare `genai: none` are listed as well as
//! the uses, so a reader sees what was declared free of AI, not only what
//! uses it.
//!
//! **Defaults.** A value that was not declared holds the vocabulary's
//! default (`inputs: [original]`, `training: none`, `prominence: featured`
//! for on-screen elements, a tool's `enterprise: false` and
//! `trains-on-inputs: unknown`); `defaulted` names those fields, and the
//! formats for people mark them *(default)*.
//!
//! **Pending.** An approval granted in the work tree or the index but not
//! committed yet is `pending`, and a use that relies on one is never
//! `clear`: its status is `pending` until the approver commits it.
//!
//! Every text in the register comes from the checked files and is untrusted:
//! each format escapes it for its reader (HTML escaping, CSV quoting and a
//! guard against spreadsheet formulas, Markdown escaping).

use std::collections::BTreeMap;
use std::io;

use anyhow::Result;
use serde::Serialize;

use crate::approvals::Ledger;
use crate::config;
use crate::declaration::{Declaration, Element, Input, SourceType, Stage, Use};
use crate::diagnostic::{Diagnostic, Report, Severity};
use crate::engine::{self, Checked, Project};
use crate::git::history::CommitInfo;
use crate::yaml::{Node, Value};

pub mod csv;
pub mod html;
pub mod json;
pub mod markdown;

/// The register's formats, as chosen with `--format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// Markdown: needs action, totals, then the register as a table.
    Markdown,
    /// One self-contained HTML page with a sortable, filterable table.
    Html,
    /// JSON (`"version": 1`), for other tools.
    Json,
    /// CSV for spreadsheets: one header row, one row per use; it starts
    /// with a UTF-8 byte-order mark unless `--no-bom` is given.
    Csv,
}

/// The version of the JSON shape; bumped on any incompatible change.
pub const VERSION: u32 = 1;

/// The disclosure register. Its JSON form (`aiclear report --format json`)
/// is this structure, version 1:
///
/// ```text
/// {
///   "version": 1,
///   "production": "THE LAST SIGNAL",      // `production.title` of the config, else the fallbacks
///   "season": "1" | null,                 // `production.season`, as written
///   "company": "Last Signal Productions" | null,   // `production.company`
///   "production_from": "config" | "title-page" | "folder",  // where the name came from
///   "commit": "4f1c…" | null,              // HEAD (work tree) or the head of the range; null outside git
///   "scope": "worktree" | "range",         // what was read: the work tree, or the commit (`--base`)
///   "base": "origin/main" | null,          // `--base`, when given
///   "generated": "2025-09-10T08:00:00Z",   // when the register was made (UTC)
///   "totals": {
///     "files_checked": 7, "uses": 5,
///     "uses_needing_action": 3, "uses_pending": 0, "uses_with_warnings": 0, "uses_clear": 2,
///     "files_needing_action": 1,           // files with errors not tied to one use
///     "files_declaring_none": 1,           // files that declare `genai: none`
///     "errors": 5, "warnings": 2, "notes": 1,
///     "by_stage": [ { "stage": "ideation" | "previs" | "temp" | "final" | "unspecified",
///                     "uses": 1, "needing_action": 0 } ],          // always all five, in that order
///     "by_family": [ { "family": "GA0xx", "name": "declaration",
///                      "errors": 1, "warnings": 0, "notes": 0 } ]  // always all seven, GA0xx…GA6xx
///   },
///   "uses": [ {
///     "file": "scripts/ep101.fountain",    // the file holding the declaration (a sidecar for media)
///     "media": "vfx/plates/a.exr" | null,  // the media file a sidecar describes
///     "folder": "scripts",                 // the file's folder; "." for the root
///     "episode": "101" | null,             // `Episode:` of the title page, else from the path
///     "disclosed": { "to": "M. Chen, …" | null, "on": "2025-09-02" | null } | null,
///                                          // the file's `disclosed`: whom the use was shared with, and when
///     "id": "aria-design", "description": "…" | null,
///     "stage": "final" | null, "outputs": ["image"],
///     "tools": [ { "name": "Imagen 4", "version": null, "enterprise": true,
///                  "trains_on_inputs": "true" | "false" | "unknown",
///                  "terms_reviewed": "2025-08-01" | null,
///                  "defaulted": ["enterprise", "trains_on_inputs"] } ],   // those not declared
///     "elements": ["main-character"],
///     "prominence": "featured" | null,     // as declared; `featured` when on-screen elements are
///                                          //   listed without it; null when it does not apply
///     "inputs": ["original"],              // as declared; `["original"]` when not declared
///     "training": "none",                  // as declared; `none` when not declared
///     "references": [],
///     "source_type": "trainedAlgorithmicMedia",   // as declared, else the default
///     "human_input": "…" | null, "union_impact": false, "mistakable_for_real": false,
///     "talent": [ { "performer": "…", "union": null, "kind": "replica" | null,
///                   "consent": null, "deceased": false } ],
///     "defaulted": ["inputs", "training"], // the fields above that were not declared and hold
///                                          //   their default: of prominence, inputs, training,
///                                          //   source_type, union_impact, mistakable_for_real
///     "approvals": [ { "id": "NFX-2025-0142",
///                      "state": "valid" | "pending" | "expired" | "stale" | "unauthorised"
///                               | "broken" | "out of scope" | "missing",
///                      "granted_by": "…" | null, "granted_on": "2025-09-05" | null,
///                      "expires_on": "2027-12-31" | null,
///                      "rules": ["GA201", "GA203"],   // what the entry covers for this use; [] = every rule
///                      "note": "…" | null, "document": "approvals/NFX-2025-0142.pdf" | null } ],
///     "status": "needs-action" | "pending" | "warnings" | "clear",
///                                          // pending: no error open, but an approval it relies on
///                                          //   is not committed yet; never clear until it is
///     "approval_requested": "2025-09-10" | null,   // the use's `approval-requested`
///     "awaiting_approval": true | false,   // requested, and an approval-level finding still open
///     "findings": [ FINDING ],             // open findings on this use
///     "introduced": COMMIT | null,         // the commit that added the use (null outside git
///     "last_changed": COMMIT | null        //   or before it is committed), and the last that changed it
///   } ],
///   "files_declaring_none": [ { "file": "…", "media": "…" | null, "folder": "…",
///                               "episode": "…" | null } ],   // `genai: none`: coverage, not uses
///   "files_without_declaration": [ { "file": "…", "folder": "…", "findings": [ FINDING ] } ],
///   "file_findings": [ { "file": "…", "folder": "…", "findings": [ FINDING ] } ],
///                                        // about a whole file that has a declaration, or the ledger
///   "folders": [ { "folder": "scripts", "episode": "101" | null, "uses": 3,
///                  "uses_needing_action": 1, "uses_pending": 0, "files_with_uses": 2,
///                  "files_declaring_none": 0, "files_without_declaration": 0 } ]   // by folder
/// }
/// FINDING = { "code": "GA205" | null, "name": "on-screen-element" | null,
///             "severity": "error" | "warning" | "note", "message": "…",
///             "line": 23 | null, "help": "…" | null }
/// COMMIT  = { "commit": "…", "author": "…", "email": "…", "date": "2025-09-02",
///             "time": "2025-09-02T10:00:00Z" }
/// ```
#[derive(Clone, Debug, Serialize)]
pub struct Register {
    pub version: u32,
    pub production: String,
    pub season: Option<String>,
    pub company: Option<String>,
    pub production_from: &'static str,
    pub commit: Option<String>,
    pub scope: &'static str,
    pub base: Option<String>,
    pub generated: String,
    pub totals: Totals,
    pub uses: Vec<UseRow>,
    pub files_declaring_none: Vec<NoneRow>,
    pub files_without_declaration: Vec<FileRow>,
    pub file_findings: Vec<FileRow>,
    pub folders: Vec<FolderRow>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Totals {
    pub files_checked: usize,
    pub uses: usize,
    pub uses_needing_action: usize,
    pub uses_pending: usize,
    pub uses_with_warnings: usize,
    pub uses_clear: usize,
    pub files_needing_action: usize,
    pub files_declaring_none: usize,
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
    pub by_stage: Vec<StageTotal>,
    pub by_family: Vec<FamilyTotal>,
}

#[derive(Clone, Debug, Serialize)]
pub struct StageTotal {
    pub stage: &'static str,
    pub uses: usize,
    pub needing_action: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct FamilyTotal {
    pub family: &'static str,
    pub name: &'static str,
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
}

/// The rule families, by the first digit of a code.
pub const FAMILIES: [(&str, &str); 7] = [
    ("GA0xx", "declaration"),
    ("GA1xx", "data and tools"),
    ("GA2xx", "creative"),
    ("GA3xx", "talent"),
    ("GA4xx", "real world"),
    ("GA5xx", "approvals"),
    ("GA6xx", "history"),
];

/// Where a use stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// At least one error is open.
    NeedsAction,
    /// No error is open, but an approval it relies on is pending: granted
    /// in the work tree or the index, not committed yet.
    Pending,
    /// Only warnings are open.
    Warnings,
    /// Nothing open (notes aside).
    Clear,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::NeedsAction => "needs-action",
            Status::Pending => "pending",
            Status::Warnings => "warnings",
            Status::Clear => "clear",
        }
    }

    /// For people: `needs action`, `warnings`, `clear`.
    pub fn label(self) -> &'static str {
        match self {
            Status::NeedsAction => "needs action",
            Status::Pending => "pending approval",
            Status::Warnings => "warnings",
            Status::Clear => "clear",
        }
    }

    /// A shape that says the same as the colour: ✗ ◔ ⚠ ✓.
    pub fn icon(self) -> &'static str {
        match self {
            Status::NeedsAction => "\u{2717}",
            Status::Pending => "\u{25D4}",
            Status::Warnings => "\u{26A0}",
            Status::Clear => "\u{2713}",
        }
    }

    fn of(findings: &[FindingRow], approvals: &[ApprovalRow]) -> Status {
        if findings.iter().any(|f| f.severity == "error") {
            Status::NeedsAction
        } else if approvals.iter().any(|a| a.state == "pending") {
            Status::Pending
        } else if findings.iter().any(|f| f.severity == "warning") {
            Status::Warnings
        } else {
            Status::Clear
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct UseRow {
    pub file: String,
    pub media: Option<String>,
    pub folder: String,
    pub episode: Option<String>,
    pub disclosed: Option<DisclosedRow>,
    pub id: String,
    pub description: Option<String>,
    pub stage: Option<&'static str>,
    pub outputs: Vec<&'static str>,
    pub tools: Vec<ToolRow>,
    pub elements: Vec<&'static str>,
    pub prominence: Option<&'static str>,
    pub inputs: Vec<&'static str>,
    pub training: &'static str,
    pub references: Vec<&'static str>,
    pub source_type: Option<&'static str>,
    pub human_input: Option<String>,
    pub union_impact: bool,
    pub mistakable_for_real: bool,
    pub talent: Vec<TalentRow>,
    /// The fields above that were not declared and hold their default.
    pub defaulted: Vec<&'static str>,
    pub approvals: Vec<ApprovalRow>,
    pub status: Status,
    /// The use's `approval-requested` date.
    pub approval_requested: Option<String>,
    /// It asked for approval and still needs it: an approval-level finding
    /// is open (the job summary lists the command an approver runs).
    pub awaiting_approval: bool,
    pub findings: Vec<FindingRow>,
    pub introduced: Option<CommitRow>,
    pub last_changed: Option<CommitRow>,
}

impl UseRow {
    /// Whether `field` (a JSON field name) was not declared and holds its
    /// default.
    pub fn is_default(&self, field: &str) -> bool {
        self.defaulted.contains(&field)
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct ToolRow {
    pub name: String,
    pub version: Option<String>,
    pub enterprise: bool,
    pub trains_on_inputs: &'static str,
    pub terms_reviewed: Option<String>,
    /// `enterprise` and `trains_on_inputs` when not declared.
    pub defaulted: Vec<&'static str>,
}

impl ToolRow {
    pub fn is_default(&self, field: &str) -> bool {
        self.defaulted.contains(&field)
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct DisclosedRow {
    pub to: Option<String>,
    /// `YYYY-MM-DD`.
    pub on: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct TalentRow {
    pub performer: String,
    pub union: Option<String>,
    pub kind: Option<&'static str>,
    pub consent: Option<String>,
    pub deceased: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct ApprovalRow {
    pub id: String,
    pub state: String,
    pub granted_by: Option<String>,
    pub granted_on: Option<String>,
    pub expires_on: Option<String>,
    /// The rules the entry covers for this use; empty: every rule.
    pub rules: Vec<String>,
    pub note: Option<String>,
    pub document: Option<String>,
}

impl ApprovalRow {
    /// Whether the approval holds.
    pub fn holds(&self) -> bool {
        self.state == "valid"
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct FindingRow {
    pub code: Option<&'static str>,
    pub name: Option<&'static str>,
    pub severity: &'static str,
    pub message: String,
    pub line: Option<usize>,
    pub help: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct FileRow {
    pub file: String,
    pub folder: String,
    pub findings: Vec<FindingRow>,
}

/// A file that declares `genai: none`.
#[derive(Clone, Debug, Serialize)]
pub struct NoneRow {
    pub file: String,
    pub media: Option<String>,
    pub folder: String,
    pub episode: Option<String>,
}

/// What one folder holds.
#[derive(Clone, Debug, Default, Serialize)]
pub struct FolderRow {
    /// Relative to the project root, `.` for the root itself.
    pub folder: String,
    /// The episode all of its files belong to, when they agree.
    pub episode: Option<String>,
    pub uses: usize,
    pub uses_needing_action: usize,
    pub uses_pending: usize,
    /// Files with at least one declared use.
    pub files_with_uses: usize,
    pub files_declaring_none: usize,
    pub files_without_declaration: usize,
}

impl FileRow {
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(|f| f.severity == "error")
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct CommitRow {
    pub commit: String,
    pub author: String,
    pub email: String,
    /// `YYYY-MM-DD`, UTC.
    pub date: String,
    /// RFC 3339, UTC.
    pub time: String,
}

impl CommitRow {
    fn of(c: &CommitInfo) -> CommitRow {
        let ts = jiff::Timestamp::from_second(c.time).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
        CommitRow {
            commit: c.id.clone(),
            author: c.author_name.clone(),
            email: c.author_email.clone(),
            date: ts
                .to_zoned_datetime(jiff::tz::TimeZone::UTC)
                .date()
                .to_string(),
            time: ts.to_string(),
        }
    }

    /// The abbreviated commit id.
    pub fn short(&self) -> &str {
        &self.commit[..self.commit.len().min(10)]
    }
}

/// When each use was introduced and last changed, by file and use id.
pub type UseHistory = BTreeMap<String, BTreeMap<String, (CommitInfo, CommitInfo)>>;

/// Where the register's facts come from besides the check.
pub struct Inputs<'a> {
    pub production: Production,
    pub base: Option<String>,
    /// When each use was introduced and last changed, by file and use id.
    pub history: &'a UseHistory,
    pub now: jiff::Timestamp,
    /// The ledger as the check read it, for what each approval covers.
    pub ledger: Option<&'a Ledger>,
    /// The episode a file belongs to, by path, when its title page says.
    pub episodes: &'a BTreeMap<String, String>,
}

/// The production's name and where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Production {
    pub title: String,
    pub season: Option<String>,
    pub company: Option<String>,
    /// `config` (`production:` in `.aiclear/config.yml`), `title-page` (the
    /// first Fountain script's `Title:`) or `folder` (the root's name).
    pub from: &'static str,
}

/// Build the register of a full check.
pub fn build(checked: &Checked, inputs: &Inputs) -> Register {
    let report = &checked.report;
    let mut uses = Vec::new();
    let mut without = Vec::new();
    let mut declaring_none = Vec::new();
    let mut file_findings: BTreeMap<String, Vec<FindingRow>> = BTreeMap::new();

    // Which use each diagnostic belongs to.
    let mut by_use: BTreeMap<(String, usize), Vec<FindingRow>> = BTreeMap::new();
    let mut no_decl: BTreeMap<String, Vec<FindingRow>> = BTreeMap::new();
    for d in &report.diagnostics {
        let row = finding_row(report, d);
        match checked.declarations.get(&d.path) {
            Some(decl) if !decl.uses.is_empty() => match use_of(decl, d) {
                Some(i) => by_use.entry((d.path.clone(), i)).or_default().push(row),
                None => file_findings.entry(d.path.clone()).or_default().push(row),
            },
            Some(_) => file_findings.entry(d.path.clone()).or_default().push(row),
            None if d.path.starts_with(".aiclear/") => {
                file_findings.entry(d.path.clone()).or_default().push(row)
            }
            None => no_decl.entry(d.path.clone()).or_default().push(row),
        }
    }

    let episode = |path: &str| {
        inputs
            .episodes
            .get(path)
            .cloned()
            .or_else(|| episode_of(media_of(path).unwrap_or(path)))
    };
    for (path, decl) in &checked.declarations {
        if decl.uses.is_empty() {
            declaring_none.push(NoneRow {
                file: path.clone(),
                media: media_of(path).map(str::to_owned),
                folder: folder_of(path),
                episode: episode(path),
            });
            continue;
        }
        let history = inputs.history.get(path);
        let disclosed = decl.disclosed.as_ref().map(|d| DisclosedRow {
            to: d.to.as_ref().map(|t| t.value.trim().to_owned()),
            on: d.on.as_ref().map(|o| o.value.to_string()),
        });
        for (i, u) in decl.uses.iter().enumerate() {
            let findings = by_use.remove(&(path.clone(), i)).unwrap_or_default();
            let approvals = report
                .approvals
                .iter()
                .filter(|a| &a.path == path && a.use_id.as_deref() == Some(&u.id.value))
                .map(|a| {
                    let entry = inputs.ledger.and_then(|l| l.get(&a.id));
                    let cover = entry.and_then(|e| e.cover_for(path, &u.id.value));
                    ApprovalRow {
                        id: a.id.clone(),
                        state: if a.state == "valid" && is_pending(report, &a.id) {
                            "pending".to_owned()
                        } else {
                            a.state.clone()
                        },
                        granted_by: a.granted_by.clone(),
                        granted_on: entry
                            .and_then(|e| e.granted_on.as_ref())
                            .map(|d| d.value.to_string()),
                        expires_on: a.expires_on.clone(),
                        rules: cover
                            .map(|c| c.rules.iter().map(|r| r.value.clone()).collect())
                            .unwrap_or_default(),
                        note: entry
                            .and_then(|e| e.note.as_ref())
                            .map(|n| n.value.trim().to_owned()),
                        document: entry
                            .and_then(|e| e.document.as_ref())
                            .map(|d| d.value.clone()),
                    }
                })
                .collect();
            let (introduced, last_changed) = match history.and_then(|h| h.get(&u.id.value)) {
                Some((i, c)) => (Some(CommitRow::of(i)), Some(CommitRow::of(c))),
                None => (None, None),
            };
            let mut row = use_row(path, u, approvals, findings, introduced, last_changed);
            row.awaiting_approval = report
                .requests
                .iter()
                .any(|r| &r.path == path && r.use_id == u.id.value);
            row.disclosed = disclosed.clone();
            row.episode = episode(path);
            uses.push(row);
        }
    }
    for (file, findings) in no_decl {
        without.push(FileRow {
            folder: folder_of(&file),
            file,
            findings,
        });
    }
    let file_findings: Vec<FileRow> = file_findings
        .into_iter()
        .map(|(file, findings)| FileRow {
            folder: folder_of(&file),
            file,
            findings,
        })
        .collect();

    let mut totals = totals(report, &uses, &without, &file_findings);
    totals.files_declaring_none = declaring_none.len();
    let folders = folders(&uses, &declaring_none, &without);
    Register {
        version: VERSION,
        production: inputs.production.title.clone(),
        season: inputs.production.season.clone(),
        company: inputs.production.company.clone(),
        production_from: inputs.production.from,
        commit: checked.commit.clone(),
        scope: if inputs.base.is_some() {
            "range"
        } else {
            "worktree"
        },
        base: inputs.base.clone(),
        generated: inputs
            .now
            .round(jiff::Unit::Second)
            .unwrap_or(inputs.now)
            .to_string(),
        totals,
        uses,
        files_declaring_none: declaring_none,
        files_without_declaration: without,
        file_findings,
        folders,
    }
}

/// The media file a sidecar describes.
fn media_of(path: &str) -> Option<&str> {
    path.strip_suffix(crate::kind::SIDECAR_SUFFIX)
}

/// The folder a file is in, relative to the root: `.` for the root itself.
pub fn folder_of(path: &str) -> String {
    match media_of(path).unwrap_or(path).rsplit_once('/') {
        Some((folder, _)) if !folder.is_empty() => folder.to_owned(),
        _ => ".".to_owned(),
    }
}

/// The episode a path names: `ep101`, `EP_102`, `episode-3` or `S01E04` in
/// a folder or file name (the digits, or `S01E04` as written, upper-cased).
pub fn episode_of(path: &str) -> Option<String> {
    static EPISODE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = EPISODE.get_or_init(|| {
        regex::Regex::new(
            r"(?i)(?:^|[^a-z0-9])(?:(s\d{1,2}e\d{1,3})|(?:ep|episode)[ _.-]?(\d{1,4}))(?:[^0-9]|$)",
        )
        .expect("a valid pattern")
    });
    // The innermost name that says, the file's own first.
    path.rsplit('/').find_map(|name| {
        let c = re.captures(name)?;
        c.get(1)
            .map(|m| m.as_str().to_ascii_uppercase())
            .or_else(|| c.get(2).map(|m| m.as_str().to_owned()))
    })
}

/// Each folder's uses and coverage, by folder.
fn folders(uses: &[UseRow], none: &[NoneRow], without: &[FileRow]) -> Vec<FolderRow> {
    #[derive(Default)]
    struct Acc<'a> {
        row: FolderRow,
        episodes: Vec<Option<String>>,
        files: std::collections::BTreeSet<&'a str>,
    }
    let mut out: BTreeMap<&str, Acc> = BTreeMap::new();
    for u in uses {
        let a = out.entry(&u.folder).or_default();
        a.row.uses += 1;
        a.row.uses_needing_action += usize::from(u.status == Status::NeedsAction);
        a.row.uses_pending += usize::from(u.status == Status::Pending);
        if a.files.insert(&u.file) {
            a.row.files_with_uses += 1;
            a.episodes.push(u.episode.clone());
        }
    }
    for n in none {
        let a = out.entry(&n.folder).or_default();
        a.row.files_declaring_none += 1;
        a.episodes.push(n.episode.clone());
    }
    for w in without {
        let a = out.entry(&w.folder).or_default();
        a.row.files_without_declaration += 1;
        a.episodes.push(episode_of(&w.file));
    }
    out.into_iter()
        .map(|(folder, a)| {
            let mut row = a.row;
            row.folder = folder.to_owned();
            row.episode = match a.episodes.first() {
                Some(Some(first)) if a.episodes.iter().all(|e| e.as_ref() == Some(first)) => {
                    Some(first.clone())
                }
                _ => None,
            };
            row
        })
        .collect()
}

/// Whether the ledger has a warning that approval `id` is not committed yet.
fn is_pending(report: &Report, id: &str) -> bool {
    let message = format!("approval `{id}` is pending");
    report.diagnostics.iter().any(|d| {
        d.path == config::LEDGER_PATH
            && d.code() == Some("GA601")
            && d.message.starts_with(&message)
    })
}

fn use_row(
    path: &str,
    u: &Use,
    approvals: Vec<ApprovalRow>,
    findings: Vec<FindingRow>,
    introduced: Option<CommitRow>,
    last_changed: Option<CommitRow>,
) -> UseRow {
    let inputs: Vec<&'static str> = if u.inputs.is_empty() {
        vec![Input::Original.as_str()]
    } else {
        u.inputs.iter().map(|i| i.value.as_str()).collect()
    };
    let on_screen = u.elements.iter().any(|e| {
        matches!(
            e.value,
            Element::Signage | Element::Document | Element::Prop | Element::SetExtension
        )
    });
    let mut defaulted = Vec::new();
    if u.prominence.is_none() && on_screen {
        defaulted.push("prominence");
    }
    if u.inputs.is_empty() {
        defaulted.push("inputs");
    }
    if u.training.is_none() {
        defaulted.push("training");
    }
    if u.source_type.is_none() {
        defaulted.push("source_type");
    }
    if u.union_impact.is_none() {
        defaulted.push("union_impact");
    }
    if u.mistakable_for_real.is_none() {
        defaulted.push("mistakable_for_real");
    }
    let status = Status::of(&findings, &approvals);
    UseRow {
        file: path.to_owned(),
        media: media_of(path).map(str::to_owned),
        folder: folder_of(path),
        episode: None,
        disclosed: None,
        id: u.id.value.clone(),
        description: u.description.as_ref().map(|d| d.value.trim().to_owned()),
        stage: u.stage().map(Stage::as_str),
        outputs: u.output.iter().map(|o| o.value.as_str()).collect(),
        tools: u
            .tools
            .iter()
            .map(|t| ToolRow {
                name: t.name.value.clone(),
                version: t.version.as_ref().map(|v| v.value.clone()),
                enterprise: t.is_enterprise(),
                trains_on_inputs: t
                    .trains_on_inputs
                    .as_ref()
                    .map_or("unknown", |v| v.value.as_str()),
                terms_reviewed: t.terms_reviewed.as_ref().map(|d| d.value.to_string()),
                defaulted: [
                    ("enterprise", t.enterprise.is_none()),
                    ("trains_on_inputs", t.trains_on_inputs.is_none()),
                ]
                .into_iter()
                .filter_map(|(f, d)| d.then_some(f))
                .collect(),
            })
            .collect(),
        elements: u.elements.iter().map(|e| e.value.as_str()).collect(),
        prominence: match &u.prominence {
            Some(p) => Some(p.value.as_str()),
            None if on_screen => Some(u.prominence().as_str()),
            None => None,
        },
        inputs,
        training: u.training().as_str(),
        references: u.references.iter().map(|r| r.value.as_str()).collect(),
        source_type: Some(
            u.source_type
                .as_ref()
                .map_or(SourceType::TrainedAlgorithmicMedia, |s| s.value)
                .as_str(),
        ),
        human_input: u.human_input.as_ref().map(|h| h.value.trim().to_owned()),
        union_impact: u.union_impact.as_ref().is_some_and(|b| b.value),
        mistakable_for_real: u.mistakable_for_real.as_ref().is_some_and(|b| b.value),
        talent: u
            .talent
            .iter()
            .map(|t| TalentRow {
                performer: t.performer.value.clone(),
                union: t.union.as_ref().map(|v| v.value.clone()),
                kind: t.kind.as_ref().map(|k| k.value.as_str()),
                consent: t.consent.as_ref().map(|v| v.value.clone()),
                deceased: t.deceased.as_ref().is_some_and(|b| b.value),
            })
            .collect(),
        defaulted,
        approvals,
        status,
        approval_requested: u.approval_requested.as_ref().map(|d| d.value.to_string()),
        awaiting_approval: false,
        findings,
        introduced,
        last_changed,
    }
}

fn finding_row(report: &Report, d: &Diagnostic) -> FindingRow {
    let line = match (&d.span, report.sources.get(&d.path)) {
        (Some(span), Some(source)) => Some(source.line_col(span.start).line),
        _ => None,
    };
    FindingRow {
        code: d.rule.map(|r| r.code),
        name: d.rule.map(|r| r.name),
        severity: d.severity.as_str(),
        message: d.message.clone(),
        line,
        help: d.help.clone(),
    }
}

/// The index of the use a diagnostic's span starts in, if any.
fn use_of(decl: &Declaration, d: &Diagnostic) -> Option<usize> {
    let at = d.span.as_ref()?.start;
    let mut starts: Vec<(usize, usize)> = decl
        .uses
        .iter()
        .enumerate()
        .map(|(i, u)| (u.span.start.min(u.node.span.start), i))
        .collect();
    starts.sort();
    for (k, &(start, i)) in starts.iter().enumerate() {
        let end = match starts.get(k + 1) {
            Some(&(next, _)) => next,
            None => extent(&decl.uses[i].node).max(start) + 1,
        };
        if at >= start && at < end {
            return Some(i);
        }
    }
    None
}

/// The end of the last byte a node or anything in it was read from.
fn extent(node: &Node) -> usize {
    let own = node.span.end;
    match &node.value {
        Value::Seq(items) => items.iter().map(extent).fold(own, usize::max),
        Value::Map(entries) => entries
            .iter()
            .map(|(k, v)| k.span.end.max(extent(v)))
            .fold(own, usize::max),
        _ => own,
    }
}

fn family_index(code: &str) -> Option<usize> {
    let digit = code.strip_prefix("GA")?.chars().next()?.to_digit(10)? as usize;
    (digit < FAMILIES.len()).then_some(digit)
}

fn totals(report: &Report, uses: &[UseRow], without: &[FileRow], files: &[FileRow]) -> Totals {
    let stages = ["ideation", "previs", "temp", "final", "unspecified"];
    let by_stage = stages
        .iter()
        .map(|&stage| {
            let of: Vec<&UseRow> = uses
                .iter()
                .filter(|u| u.stage.unwrap_or("unspecified") == stage)
                .collect();
            StageTotal {
                stage,
                uses: of.len(),
                needing_action: of
                    .iter()
                    .filter(|u| u.status == Status::NeedsAction)
                    .count(),
            }
        })
        .collect();
    let mut by_family: Vec<FamilyTotal> = FAMILIES
        .iter()
        .map(|&(family, name)| FamilyTotal {
            family,
            name,
            errors: 0,
            warnings: 0,
            notes: 0,
        })
        .collect();
    for d in &report.diagnostics {
        let Some(i) = d.code().and_then(family_index) else {
            continue;
        };
        let f = &mut by_family[i];
        match d.severity {
            Severity::Error => f.errors += 1,
            Severity::Warning => f.warnings += 1,
            Severity::Note => f.notes += 1,
        }
    }
    let count = |s: Status| uses.iter().filter(|u| u.status == s).count();
    Totals {
        files_checked: report.files_checked,
        uses: uses.len(),
        uses_needing_action: count(Status::NeedsAction),
        uses_pending: count(Status::Pending),
        uses_with_warnings: count(Status::Warnings),
        uses_clear: count(Status::Clear),
        files_needing_action: without
            .iter()
            .chain(files)
            .filter(|f| f.has_errors())
            .count(),
        files_declaring_none: 0,
        errors: report.errors(),
        warnings: report.warnings(),
        notes: report.count(Severity::Note),
        by_stage,
        by_family,
    }
}

/// When each use of each file was introduced and last changed (empty
/// outside git).
pub fn history(project: &Project, checked: &Checked) -> Result<UseHistory> {
    let mut out = BTreeMap::new();
    if project.repo.is_none() {
        return Ok(out);
    }
    for (path, decl) in &checked.declarations {
        if decl.uses.is_empty() {
            continue;
        }
        let ids: Vec<String> = decl.uses.iter().map(|u| u.id.value.clone()).collect();
        out.insert(path.clone(), engine::use_history(project, path, &ids)?);
    }
    Ok(out)
}

/// The production's name: `production:` in the configuration, else the
/// `Title:` of the first Fountain script (by path) that opens with a title
/// page, else the project root folder's name. `read` gives a
/// project-relative file's bytes (from the work tree or the commit the
/// check read).
pub fn production_name(
    project: &Project,
    checked: &Checked,
    configured: Option<&config::Production>,
    read: &dyn Fn(&str) -> Option<Vec<u8>>,
) -> Production {
    if let Some(p) = configured {
        let clean = |s: &str| -> String {
            let s: String = s.chars().filter(|c| !c.is_control()).collect();
            s.trim().chars().take(200).collect()
        };
        let title = clean(&p.title);
        if !title.is_empty() {
            return Production {
                title,
                season: p.season.as_deref().map(clean).filter(|s| !s.is_empty()),
                company: p.company.as_deref().map(clean).filter(|s| !s.is_empty()),
                from: "config",
            };
        }
    }
    let fallback = |title: String, from| Production {
        title,
        season: None,
        company: None,
        from,
    };
    for path in scripts(checked) {
        if let Some(title) = read(path).and_then(|b| fountain_title(&b)) {
            return fallback(title, "title-page");
        }
    }
    fallback(
        project
            .root
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "production".to_owned()),
        "folder",
    )
}

/// The Fountain scripts the check read or reported on, by path.
fn scripts(checked: &Checked) -> Vec<&str> {
    let mut scripts: Vec<&str> = checked
        .declarations
        .keys()
        .map(String::as_str)
        .chain(checked.report.diagnostics.iter().map(|d| d.path.as_str()))
        .filter(|p| crate::kind::FileKind::of_path(p) == Some(crate::kind::FileKind::Fountain))
        .collect();
    scripts.sort_unstable();
    scripts.dedup();
    scripts
}

/// The `Episode:` of each Fountain script's title page, by path.
pub fn title_page_episodes(
    checked: &Checked,
    read: &dyn Fn(&str) -> Option<Vec<u8>>,
) -> BTreeMap<String, String> {
    scripts(checked)
        .into_iter()
        .filter_map(|path| {
            let episode = read(path).and_then(|b| title_page_value(&b, "episode"))?;
            Some((path.to_owned(), episode.chars().take(40).collect()))
        })
        .collect()
}

/// The `Title:` of a Fountain title page: on the key's line, or on the
/// indented lines after it; emphasis markers around it removed.
pub fn fountain_title(bytes: &[u8]) -> Option<String> {
    title_page_value(bytes, "title")
}

/// The value of a title-page key (`Title:`, `Episode:`) of a Fountain
/// script: on the key's line, or on the indented lines after it; emphasis
/// markers around it removed.
pub fn title_page_value(bytes: &[u8], wanted: &str) -> Option<String> {
    let text = String::from_utf8_lossy(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes));
    let mut lines = text
        .split('\n')
        .map(|l| l.trim_end_matches('\r'))
        .skip_while(|l| l.trim().is_empty())
        .take_while(|l| !l.trim().is_empty())
        .peekable();
    let is_key = |l: &str| !l.starts_with([' ', '\t']) && l.contains(':');
    // A title page is the first thing in the file.
    if !lines.peek().is_some_and(|l| is_key(l)) {
        return None;
    }
    while let Some(line) = lines.next() {
        let Some((key, value)) = line.split_once(':').filter(|_| is_key(line)) else {
            continue;
        };
        if !key.trim().eq_ignore_ascii_case(wanted) {
            continue;
        }
        let mut parts = vec![value.trim().to_owned()];
        while let Some(next) = lines.peek() {
            if !next.starts_with([' ', '\t']) {
                break;
            }
            parts.push(next.trim().to_owned());
            lines.next();
        }
        let title = parts
            .iter()
            .map(|p| p.trim_matches(['*', '_', ' ']))
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        let title: String = title.chars().filter(|c| !c.is_control()).collect();
        let title = title.trim();
        return (!title.is_empty()).then(|| title.chars().take(200).collect());
    }
    None
}

/// How to write a register.
#[derive(Clone, Copy, Debug)]
pub struct RenderOptions {
    /// Start the CSV with a UTF-8 byte-order mark (the default).
    pub csv_bom: bool,
}

impl Default for RenderOptions {
    fn default() -> Self {
        Self { csv_bom: true }
    }
}

/// Write `register` in `format`.
pub fn render(
    format: ReportFormat,
    register: &Register,
    options: &RenderOptions,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    match format {
        ReportFormat::Markdown => markdown::render(register, out),
        ReportFormat::Html => html::render(register, out),
        ReportFormat::Json => json::render(register, out),
        ReportFormat::Csv => csv::render(register, options.csv_bom, out),
    }
}

// Plain-text pieces shared by the formats (each escapes them for its reader).

/// `Imagen 4 (enterprise, does not train on inputs)` (no `;`: lists of
/// these are joined with `; `); a fact that was not declared is marked as
/// the default.
pub fn tool_text(t: &ToolRow) -> String {
    let mut s = t.name.clone();
    if let Some(v) = &t.version {
        s.push(' ');
        s.push_str(v);
    }
    let mut facts = vec![with_default(
        if t.enterprise {
            "enterprise"
        } else {
            "not enterprise"
        },
        t.is_default("enterprise"),
    )];
    facts.push(match t.trains_on_inputs {
        "false" => "does not train on inputs".to_owned(),
        "true" => "trains on inputs".to_owned(),
        _ if t.is_default("trains_on_inputs") => {
            format!("may train on inputs (unknown) {DEFAULT_MARK}")
        }
        _ => "may train on inputs (unknown)".to_owned(),
    });
    if let Some(d) = &t.terms_reviewed {
        facts.push(format!("terms reviewed {d}"));
    }
    format!("{s} ({})", facts.join(", "))
}

/// `Jane Doe (SAG-AFTRA, replica, consent: DOC-1, deceased)`.
pub fn talent_text(t: &TalentRow) -> String {
    let mut facts = Vec::new();
    if let Some(u) = &t.union {
        facts.push(u.clone());
    }
    if let Some(k) = t.kind {
        facts.push(k.to_owned());
    }
    facts.push(match &t.consent {
        Some(c) => format!("consent: {c}"),
        None => "no consent recorded".to_owned(),
    });
    if t.deceased {
        facts.push("deceased".to_owned());
    }
    format!("{} ({})", t.performer, facts.join(", "))
}

/// `NFX-2025-0142: valid (granted by … on 2025-09-05, expires 2027-12-31,
/// covers GA201 and GA203, document docs/a.pdf, note "…")`.
pub fn approval_text(a: &ApprovalRow) -> String {
    let mut facts = Vec::new();
    match (&a.granted_by, &a.granted_on) {
        (Some(g), Some(on)) => facts.push(format!("granted by {g} on {on}")),
        (Some(g), None) => facts.push(format!("granted by {g}")),
        (None, Some(on)) => facts.push(format!("granted on {on}")),
        (None, None) => {}
    }
    if let Some(e) = &a.expires_on {
        facts.push(format!("expires {e}"));
    }
    if a.state != "missing" && a.state != "out of scope" {
        facts.push(format!("covers {}", covers_text(a)));
    }
    if let Some(d) = &a.document {
        facts.push(format!("document {d}"));
    }
    if let Some(n) = &a.note {
        facts.push(format!("note \u{201C}{n}\u{201D}"));
    }
    if facts.is_empty() {
        format!("{}: {}", a.id, a.state)
    } else {
        format!("{}: {} ({})", a.id, a.state, facts.join(", "))
    }
}

/// `awaiting approval (requested 2025-09-10)`, for a use that asked for
/// approval and still needs it.
pub fn awaiting_text(u: &UseRow) -> Option<String> {
    if !u.awaiting_approval {
        return None;
    }
    Some(match &u.approval_requested {
        Some(on) => format!("awaiting approval (requested {on})"),
        None => "awaiting approval".to_owned(),
    })
}

/// The rules an approval covers: `GA201 and GA203`, `every rule`.
pub fn covers_text(a: &ApprovalRow) -> String {
    match a.rules.as_slice() {
        [] => "every rule".to_owned(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// `M. Chen, Netflix creative production, on 2025-09-02`, or `not disclosed`.
pub fn disclosed_text(d: Option<&DisclosedRow>) -> String {
    match d {
        Some(DisclosedRow {
            to: Some(to),
            on: Some(on),
        }) => format!("to {to} on {on}"),
        Some(DisclosedRow { to: Some(to), .. }) => format!("to {to}"),
        Some(DisclosedRow { on: Some(on), .. }) => format!("on {on}"),
        _ => "not disclosed".to_owned(),
    }
}

/// What marks a value that was not declared but holds its default.
pub const DEFAULT_MARK: &str = "(default)";

/// `value`, marked as the default when `defaulted`.
pub fn with_default(value: &str, defaulted: bool) -> String {
    if defaulted {
        format!("{value} {DEFAULT_MARK}")
    } else {
        value.to_owned()
    }
}

/// `THE LAST SIGNAL`, `Season 1 · Northlight Pictures`: the line under the
/// title, if the configuration gives one.
pub fn production_subtitle(r: &Register) -> Option<String> {
    let season = r.season.as_deref().map(|s| {
        if s.bytes().all(|b| b.is_ascii_digit()) {
            format!("Season {s}")
        } else {
            s.to_owned()
        }
    });
    let parts: Vec<String> = season.into_iter().chain(r.company.clone()).collect();
    (!parts.is_empty()).then(|| parts.join(" \u{00B7} "))
}

/// A folder as a heading names it: `scripts/`, `the top folder`.
pub fn folder_text(folder: &str) -> String {
    if folder == "." {
        "the top folder".to_owned()
    } else {
        format!("{folder}/")
    }
}

/// `error GA205 on-screen-element (line 23): message`.
pub fn finding_text(f: &FindingRow) -> String {
    let mut s = f.severity.to_owned();
    if let (Some(code), Some(name)) = (f.code, f.name) {
        s.push_str(&format!(" {code} {name}"));
    }
    if let Some(line) = f.line {
        s.push_str(&format!(" (line {line})"));
    }
    format!("{s}: {}", f.message)
}

/// `Dana Ruiz, 2025-09-02 (4f1c2a9b0e)`.
pub fn commit_text(c: &CommitRow) -> String {
    format!("{}, {} ({})", c.author, c.date, c.short())
}

/// What the register describes: `commit 4f1c2a9b0e`, `the work tree at …`.
pub fn scope_text(r: &Register) -> String {
    let short = |c: &str| c[..c.len().min(10)].to_owned();
    match (&r.commit, r.scope) {
        (Some(c), "range") => format!("commit {}", short(c)),
        (Some(c), _) => format!("the work tree at commit {}", short(c)),
        (None, _) => "the work tree (not in git)".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles() {
        assert_eq!(
            fountain_title(b"Title: THE LAST SIGNAL\nAuthor: X\n\nINT. A").as_deref(),
            Some("THE LAST SIGNAL")
        );
        assert_eq!(
            fountain_title(b"\xEF\xBB\xBFCredit: by\r\ntitle:\r\n    _**BRICK & STEEL**_\r\n    Part 2\r\n\r\nX").as_deref(),
            Some("BRICK & STEEL Part 2")
        );
        assert_eq!(fountain_title(b"INT. HOUSE - DAY\n\nTitle: no"), None);
        assert_eq!(fountain_title(b"Author: X\n\nTitle: later"), None);
        assert_eq!(fountain_title(b"Title:\n\n"), None);
    }

    #[test]
    fn families() {
        assert_eq!(family_index("GA001"), Some(0));
        assert_eq!(family_index("GA607"), Some(6));
        assert_eq!(family_index("XX1"), None);
    }
}
