//! The disclosure register (`aiclear report`): every declared use of
//! generative AI in the production, one row each, with what it is, the tools
//! and material it involves, the approvals it relies on and their state, the
//! findings still open for it, and who introduced it and when.
//!
//! The guidelines ask productions to share every intended GenAI use with the
//! studio contact; this is the document they share, and the page a showrunner
//! opens to see what still needs sign-off. It is built from one full check
//! ([`engine::check_declarations`](crate::engine::check_declarations)) into a [`Register`], which each format
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
//! **Policy packs.** The register names the packs the production is checked
//! against (`policy:` in the configuration: id, title, version and the days
//! each applies), and every finding from a pack's rule names its pack; the
//! totals count findings by pack as well as by rule family.
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

use serde::Serialize;

use crate::approvals::Ledger;
use crate::git::history::CommitInfo;

mod build;
pub mod csv;
pub mod html;
mod inputs;
pub mod json;
pub mod markdown;
mod text;

pub use build::{build, episode_of, folder_of};
pub use inputs::{
    fountain_title, history, policy_rows, production_name, title_page_episodes, title_page_value,
};
pub use text::{
    DEFAULT_MARK, approval_text, awaiting_text, commit_text, covers_text, disclosed_text,
    finding_text, folder_text, pack_text, production_subtitle, scope_text, talent_text, tool_text,
    with_default,
};

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
///   "policy": [ { "id": "netflix-2025-08",  // the policy packs checked against, as configured
///                 "title": "…" | null,     // null: not a built-in pack
///                 "version": "2025-08" | null,
///                 "from": "2023-11-09" | null, "until": "2026-06-30" | null } ],  // the days it applies
///   "totals": {
///     "files_checked": 7, "uses": 5,
///     "uses_needing_action": 3, "uses_pending": 0, "uses_with_warnings": 0, "uses_clear": 2,
///     "files_needing_action": 1,           // files with errors not tied to one use
///     "files_declaring_none": 1,           // files that declare `genai: none`
///     "errors": 5, "warnings": 2, "notes": 1,
///     "by_stage": [ { "stage": "ideation" | "previs" | "temp" | "final" | "unspecified",
///                     "uses": 1, "needing_action": 0 } ],          // always all five, in that order
///     "by_family": [ { "family": "GA0xx", "name": "declaration",
///                      "errors": 1, "warnings": 0, "notes": 0 } ], // always all eight, GA0xx…GA7xx
///     "by_pack": [ { "pack": "netflix-2025-08" | null,   // null: aiclear's own checks
///                    "errors": 1, "warnings": 0, "notes": 0 } ]
///                                          // aiclear's own first, then every pack of `policy`,
///                                          //   then any other pack a finding comes from
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
///     "last_changed": COMMIT | null,       //   or before it is committed), and the last that changed it
///     "media_record": MEDIA | null         // a sidecar's: what its media file records of its making
///   } ],
///   "files_declaring_none": [ { "file": "…", "media": "…" | null, "folder": "…",
///                               "episode": "…" | null,
///                               "media_record": MEDIA | null } ],   // `genai: none`: coverage, not uses
///   "files_without_declaration": [ { "file": "…", "folder": "…", "findings": [ FINDING ] } ],
///   "file_findings": [ { "file": "…", "folder": "…", "findings": [ FINDING ] } ],
///                                        // about a whole file that has a declaration, or the ledger
///   "folders": [ { "folder": "scripts", "episode": "101" | null, "uses": 3,
///                  "uses_needing_action": 1, "uses_pending": 0, "files_with_uses": 2,
///                  "files_declaring_none": 0, "files_without_declaration": 0 } ]   // by folder
/// }
/// FINDING = { "code": "GA205" | null, "name": "on-screen-element" | null,
///             "pack": "netflix-2025-08" | null,     // the rule's policy pack; null: aiclear's own
///             "severity": "error" | "warning" | "note", "message": "…",
///             "line": 23 | null, "help": "…" | null }
/// COMMIT  = { "commit": "…", "author": "…", "email": "…", "date": "2025-09-02",
///             "time": "2025-09-02T10:00:00Z" }
/// MEDIA   = { "says": "C2PA: trainedAlgorithmicMedia (Adobe Firefly)" | "XMP: digitalCapture"
///                     | "none found" | "in Git LFS, not read" | "unreadable C2PA" | "not read: …",
///             "agrees": true | false | null,   // null: nothing to compare, or cannot tell
///             "agreement": "agrees" | "contradicts: …" | "nothing to compare" | "cannot tell: …" }
///           // null when `embedded-provenance: false`, or the file is not media
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
    /// The policy packs the production is checked against.
    pub policy: Vec<PackRow>,
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
    pub by_pack: Vec<PackTotal>,
}

/// A policy pack the production is checked against.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PackRow {
    /// `netflix-2025-08`, as the configuration names it.
    pub id: String,
    /// `None` when no built-in pack has that id.
    pub title: Option<String>,
    pub version: Option<String>,
    /// The first and the last day it applies, `YYYY-MM-DD`.
    pub from: Option<String>,
    pub until: Option<String>,
}

impl PackRow {
    pub fn of(pack: &crate::policy::Pack) -> PackRow {
        PackRow {
            id: pack.id.clone(),
            title: Some(pack.title.clone()),
            version: Some(pack.version.clone()),
            from: pack.from.map(|d| d.to_string()),
            until: pack.until.map(|d| d.to_string()),
        }
    }

    /// A pack the configuration names that is not built in.
    pub fn unknown(id: &str) -> PackRow {
        PackRow {
            id: id.to_owned(),
            title: None,
            version: None,
            from: None,
            until: None,
        }
    }
}

/// The findings of one pack's rules (or, with no pack, of aiclear's own).
#[derive(Clone, Debug, Serialize)]
pub struct PackTotal {
    pub pack: Option<String>,
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
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
pub const FAMILIES: [(&str, &str); 8] = [
    ("GA0xx", "declaration"),
    ("GA1xx", "data and tools"),
    ("GA2xx", "creative"),
    ("GA3xx", "talent"),
    ("GA4xx", "real world"),
    ("GA5xx", "approvals"),
    ("GA6xx", "history"),
    ("GA7xx", "media provenance"),
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
    /// What the media file records of its own making, for a sidecar's use.
    pub media_record: Option<MediaRecordRow>,
}

/// What a media file records of its own making, and whether that agrees
/// with its declaration.
#[derive(Clone, Debug, Serialize)]
pub struct MediaRecordRow {
    /// `C2PA: trainedAlgorithmicMedia (Adobe Firefly)`, `XMP: digitalCapture`,
    /// `none found`, `in Git LFS, not read`, `unreadable C2PA`.
    pub says: String,
    /// `true` when it agrees, `false` when it contradicts the declaration,
    /// `null` when there is nothing to compare.
    pub agrees: Option<bool>,
    /// `agrees`, `contradicts: …`, `nothing to compare`, `cannot tell: …`.
    pub agreement: String,
}

impl MediaRecordRow {
    /// `C2PA: trainedAlgorithmicMedia (Adobe Firefly) — agrees`.
    pub fn text(&self) -> String {
        format!("{} \u{2014} {}", self.says, self.agreement)
    }
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
    /// The policy pack the rule comes from; `None` for aiclear's own checks.
    pub pack: Option<&'static str>,
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
    pub media_record: Option<MediaRecordRow>,
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
    /// The policy packs the production is checked against.
    pub policy: Vec<PackRow>,
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
