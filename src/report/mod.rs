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
//! **The production's name.** The configuration has no name field, so the
//! register takes the `Title:` of the first Fountain script (by path) that
//! opens with a title page, and else the name of the project's root folder.
//!
//! Every text in the register comes from the checked files and is untrusted:
//! each format escapes it for its reader (HTML escaping, CSV quoting and a
//! guard against spreadsheet formulas, Markdown escaping).

use std::collections::BTreeMap;
use std::io;

use anyhow::Result;
use serde::Serialize;

use crate::config;
use crate::declaration::{Declaration, Input, Stage, Use};
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
    /// CSV for spreadsheets: one header row, one row per use.
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
///   "production": "THE LAST SIGNAL",      // first Fountain `Title:`, else the root folder's name
///   "commit": "4f1c…" | null,              // HEAD (work tree) or the head of the range; null outside git
///   "scope": "worktree" | "range",         // what was read: the work tree, or the commit (`--base`)
///   "base": "origin/main" | null,          // `--base`, when given
///   "generated": "2025-09-10T08:00:00Z",   // when the register was made (UTC)
///   "totals": {
///     "files_checked": 7, "uses": 5,
///     "uses_needing_action": 3, "uses_with_warnings": 0, "uses_clear": 2,
///     "files_needing_action": 1,           // files with errors not tied to one use
///     "errors": 5, "warnings": 2, "notes": 1,
///     "by_stage": [ { "stage": "ideation" | "previs" | "temp" | "final" | "unspecified",
///                     "uses": 1, "needing_action": 0 } ],          // always all five, in that order
///     "by_family": [ { "family": "GA0xx", "name": "declaration",
///                      "errors": 1, "warnings": 0, "notes": 0 } ]  // always all seven, GA0xx…GA6xx
///   },
///   "uses": [ {
///     "file": "scripts/ep101.fountain",    // the file holding the declaration (a sidecar for media)
///     "media": "vfx/plates/a.exr" | null,  // the media file a sidecar describes
///     "id": "aria-design", "description": "…" | null,
///     "stage": "final" | null, "outputs": ["image"],
///     "tools": [ { "name": "Imagen 4", "version": null, "enterprise": true,
///                  "trains_on_inputs": "true" | "false" | "unknown",
///                  "terms_reviewed": "2025-08-01" | null } ],
///     "elements": ["main-character"], "prominence": "featured" | null,
///     "inputs": ["original"],              // as declared; `["original"]` when not declared
///     "training": "none", "references": [], "source_type": "…" | null,
///     "human_input": "…" | null, "union_impact": false, "mistakable_for_real": false,
///     "talent": [ { "performer": "…", "union": null, "kind": "replica" | null,
///                   "consent": null, "deceased": false } ],
///     "approvals": [ { "id": "NFX-2025-0142",
///                      "state": "valid" | "pending" | "expired" | "stale" | "unauthorised"
///                               | "broken" | "out of scope" | "missing",
///                      "granted_by": "…" | null, "expires_on": "2027-12-31" | null } ],
///     "status": "needs-action" | "warnings" | "clear",
///     "approval_requested": "2025-09-10" | null,   // the use's `approval-requested`
///     "awaiting_approval": true | false,   // requested, and an approval-level finding still open
///     "findings": [ FINDING ],             // open findings on this use
///     "introduced": COMMIT | null,         // the commit that added the use (null outside git
///     "last_changed": COMMIT | null        //   or before it is committed), and the last that changed it
///   } ],
///   "files_without_declaration": [ { "file": "…", "findings": [ FINDING ] } ],
///   "file_findings": [ { "file": "…", "findings": [ FINDING ] } ]   // on files with uses, or the ledger
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
    pub commit: Option<String>,
    pub scope: &'static str,
    pub base: Option<String>,
    pub generated: String,
    pub totals: Totals,
    pub uses: Vec<UseRow>,
    pub files_without_declaration: Vec<FileRow>,
    pub file_findings: Vec<FileRow>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Totals {
    pub files_checked: usize,
    pub uses: usize,
    pub uses_needing_action: usize,
    pub uses_with_warnings: usize,
    pub uses_clear: usize,
    pub files_needing_action: usize,
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
    /// Only warnings are open.
    Warnings,
    /// Nothing open (notes aside).
    Clear,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::NeedsAction => "needs-action",
            Status::Warnings => "warnings",
            Status::Clear => "clear",
        }
    }

    /// For people: `needs action`, `warnings`, `clear`.
    pub fn label(self) -> &'static str {
        match self {
            Status::NeedsAction => "needs action",
            Status::Warnings => "warnings",
            Status::Clear => "clear",
        }
    }

    /// A shape that says the same as the colour: ✗ ⚠ ✓.
    pub fn icon(self) -> &'static str {
        match self {
            Status::NeedsAction => "\u{2717}",
            Status::Warnings => "\u{26A0}",
            Status::Clear => "\u{2713}",
        }
    }

    fn of(findings: &[FindingRow]) -> Status {
        if findings.iter().any(|f| f.severity == "error") {
            Status::NeedsAction
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

#[derive(Clone, Debug, Serialize)]
pub struct ToolRow {
    pub name: String,
    pub version: Option<String>,
    pub enterprise: bool,
    pub trains_on_inputs: &'static str,
    pub terms_reviewed: Option<String>,
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
    pub expires_on: Option<String>,
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
    pub findings: Vec<FindingRow>,
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
    pub production: String,
    pub base: Option<String>,
    /// When each use was introduced and last changed, by file and use id.
    pub history: &'a UseHistory,
    pub now: jiff::Timestamp,
}

/// Build the register of a full check.
pub fn build(checked: &Checked, inputs: &Inputs) -> Register {
    let report = &checked.report;
    let mut uses = Vec::new();
    let mut without = Vec::new();
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
            _ if d.path.starts_with(".aiclear/") => {
                file_findings.entry(d.path.clone()).or_default().push(row)
            }
            _ => no_decl.entry(d.path.clone()).or_default().push(row),
        }
    }

    for (path, decl) in &checked.declarations {
        let history = inputs.history.get(path);
        for (i, u) in decl.uses.iter().enumerate() {
            let findings = by_use.remove(&(path.clone(), i)).unwrap_or_default();
            let approvals = report
                .approvals
                .iter()
                .filter(|a| &a.path == path && a.use_id.as_deref() == Some(&u.id.value))
                .map(|a| ApprovalRow {
                    id: a.id.clone(),
                    state: if a.state == "valid" && is_pending(report, &a.id) {
                        "pending".to_owned()
                    } else {
                        a.state.clone()
                    },
                    granted_by: a.granted_by.clone(),
                    expires_on: a.expires_on.clone(),
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
            uses.push(row);
        }
    }
    for (file, findings) in no_decl {
        without.push(FileRow { file, findings });
    }
    let file_findings: Vec<FileRow> = file_findings
        .into_iter()
        .map(|(file, findings)| FileRow { file, findings })
        .collect();

    let totals = totals(report, &uses, &without, &file_findings);
    Register {
        version: VERSION,
        production: inputs.production.clone(),
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
        files_without_declaration: without,
        file_findings,
    }
}

/// Whether the ledger has a warning that approval `id` is not committed yet.
fn is_pending(report: &Report, id: &str) -> bool {
    let message = format!("approval `{id}` is pending: it is not committed yet");
    report
        .diagnostics
        .iter()
        .any(|d| d.path == config::LEDGER_PATH && d.message == message)
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
    UseRow {
        file: path.to_owned(),
        media: path.strip_suffix(".genai.yml").map(str::to_owned),
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
            })
            .collect(),
        elements: u.elements.iter().map(|e| e.value.as_str()).collect(),
        prominence: u.prominence.as_ref().map(|p| p.value.as_str()),
        inputs,
        training: u.training().as_str(),
        references: u.references.iter().map(|r| r.value.as_str()).collect(),
        source_type: u.source_type.as_ref().map(|s| s.value.as_str()),
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
        approvals,
        status: Status::of(&findings),
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
        uses_with_warnings: count(Status::Warnings),
        uses_clear: count(Status::Clear),
        files_needing_action: without
            .iter()
            .chain(files)
            .filter(|f| f.has_errors())
            .count(),
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

/// The production's name: the `Title:` of the first Fountain script (by
/// path) that opens with a title page, else the project root folder's name.
/// `read` gives a project-relative file's bytes (from the work tree or the
/// commit the check read).
pub fn production_name(
    project: &Project,
    checked: &Checked,
    read: &dyn Fn(&str) -> Option<Vec<u8>>,
) -> String {
    let mut scripts: Vec<&str> = checked
        .declarations
        .keys()
        .map(String::as_str)
        .chain(checked.report.diagnostics.iter().map(|d| d.path.as_str()))
        .filter(|p| p.ends_with(".fountain") || p.ends_with(".spmd"))
        .collect();
    scripts.sort_unstable();
    scripts.dedup();
    for path in scripts {
        if let Some(title) = read(path).and_then(|b| fountain_title(&b)) {
            return title;
        }
    }
    project
        .root
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "production".to_owned())
}

/// The `Title:` of a Fountain title page: on the key's line, or on the
/// indented lines after it; emphasis markers around it removed.
pub fn fountain_title(bytes: &[u8]) -> Option<String> {
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
        if !key.trim().eq_ignore_ascii_case("title") {
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

/// Write `register` in `format`.
pub fn render(
    format: ReportFormat,
    register: &Register,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    match format {
        ReportFormat::Markdown => markdown::render(register, out),
        ReportFormat::Html => html::render(register, out),
        ReportFormat::Json => json::render(register, out),
        ReportFormat::Csv => csv::render(register, out),
    }
}

// Plain-text pieces shared by the formats (each escapes them for its reader).

/// `Imagen 4 (enterprise, does not train on inputs)` (no `;`: lists of
/// these are joined with `; `).
pub fn tool_text(t: &ToolRow) -> String {
    let mut s = t.name.clone();
    if let Some(v) = &t.version {
        s.push(' ');
        s.push_str(v);
    }
    let mut facts = vec![if t.enterprise {
        "enterprise".to_owned()
    } else {
        "not enterprise".to_owned()
    }];
    facts.push(match t.trains_on_inputs {
        "false" => "does not train on inputs".to_owned(),
        "true" => "trains on inputs".to_owned(),
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

/// `NFX-2025-0142: valid (granted by …, expires 2027-12-31)`.
pub fn approval_text(a: &ApprovalRow) -> String {
    let mut facts = Vec::new();
    if let Some(g) = &a.granted_by {
        facts.push(format!("granted by {g}"));
    }
    if let Some(e) = &a.expires_on {
        facts.push(format!("expires {e}"));
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
