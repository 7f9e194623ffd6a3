//! From a full check to the [`Register`]: which finding belongs to which
//! use, the rows, the folders and the totals.

use std::collections::BTreeMap;

use super::{
    ApprovalRow, CommitRow, DisclosedRow, FAMILIES, FamilyTotal, FileRow, FindingRow, FolderRow,
    Inputs, MediaRecordRow, NoneRow, PackRow, PackTotal, Register, StageTotal, Status, TalentRow,
    ToolRow, Totals, UseRow, VERSION,
};
use crate::config;
use crate::declaration::{Declaration, Element, Input, SourceType, Stage, Use};
use crate::diagnostic::{Diagnostic, Report, Severity};
use crate::engine::Checked;
use crate::yaml::{Node, Value};

/// Build the register of a full check.
pub fn build(checked: &Checked, inputs: &Inputs) -> Register {
    let report = &checked.report;
    let mut uses = Vec::new();
    let mut declaring_none = Vec::new();
    let Assigned {
        mut by_use,
        no_decl,
        file_findings,
    } = assign(checked);

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
                media_record: media_record(checked, path, decl),
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
            let approvals = approval_rows(report, inputs, path, u);
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
            row.media_record = media_record(checked, path, decl);
            row.episode = episode(path);
            uses.push(row);
        }
    }
    let without = file_rows(no_decl);
    let file_findings = file_rows(file_findings);

    let mut totals = totals(report, &uses, &without, &file_findings);
    totals.by_pack = by_pack(report, &inputs.policy);
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
        policy: inputs.policy.clone(),
        totals,
        uses,
        files_declaring_none: declaring_none,
        files_without_declaration: without,
        file_findings,
        folders,
    }
}

/// What the media file a sidecar describes records of its own making.
fn media_record(checked: &Checked, path: &str, decl: &Declaration) -> Option<MediaRecordRow> {
    let media = checked.media.get(path)?;
    let (agrees, agreement) = crate::rules::media::agreement(decl, media);
    Some(MediaRecordRow {
        says: media.own.summary(),
        agrees,
        agreement,
    })
}

/// The findings of a check, by where they belong.
struct Assigned {
    /// On a use: by file and the use's index.
    by_use: BTreeMap<(String, usize), Vec<FindingRow>>,
    /// On a file without a declaration.
    no_decl: BTreeMap<String, Vec<FindingRow>>,
    /// About a whole file that has a declaration, or the ledger.
    file_findings: BTreeMap<String, Vec<FindingRow>>,
}

/// Which use (or file) each diagnostic belongs to.
fn assign(checked: &Checked) -> Assigned {
    let report = &checked.report;
    let mut by_use: BTreeMap<(String, usize), Vec<FindingRow>> = BTreeMap::new();
    let mut no_decl: BTreeMap<String, Vec<FindingRow>> = BTreeMap::new();
    let mut file_findings: BTreeMap<String, Vec<FindingRow>> = BTreeMap::new();
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
    Assigned {
        by_use,
        no_decl,
        file_findings,
    }
}

/// The approvals use `u` of `path` relies on, with what the ledger says of each.
fn approval_rows(report: &Report, inputs: &Inputs, path: &str, u: &Use) -> Vec<ApprovalRow> {
    report
        .approvals
        .iter()
        .filter(|a| a.path == path && a.use_id.as_deref() == Some(&u.id.value))
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
        .collect()
}

fn file_rows(findings: BTreeMap<String, Vec<FindingRow>>) -> Vec<FileRow> {
    findings
        .into_iter()
        .map(|(file, findings)| FileRow {
            folder: folder_of(&file),
            file,
            findings,
        })
        .collect()
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
            && d.is(&crate::rules::unauthorized_approval::UNAUTHORIZED_APPROVAL)
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
    let defaulted = defaulted(u, on_screen);
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
        tools: tool_rows(u),
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
        talent: talent_rows(u),
        defaulted,
        approvals,
        status,
        approval_requested: u.approval_requested.as_ref().map(|d| d.value.to_string()),
        awaiting_approval: false,
        findings,
        introduced,
        last_changed,
        media_record: None,
    }
}

/// The fields of `u` that were not declared and hold their default.
fn defaulted(u: &Use, on_screen: bool) -> Vec<&'static str> {
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
    defaulted
}

fn tool_rows(u: &Use) -> Vec<ToolRow> {
    u.tools
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
        .collect()
}

fn talent_rows(u: &Use) -> Vec<TalentRow> {
    u.talent
        .iter()
        .map(|t| TalentRow {
            performer: t.performer.value.clone(),
            union: t.union.as_ref().map(|v| v.value.clone()),
            kind: t.kind.as_ref().map(|k| k.value.as_str()),
            consent: t.consent.as_ref().map(|v| v.value.clone()),
            deceased: t.deceased.as_ref().is_some_and(|b| b.value),
        })
        .collect()
}

fn finding_row(report: &Report, d: &Diagnostic) -> FindingRow {
    let line = match (&d.span, report.sources.get(&d.path)) {
        (Some(span), Some(source)) => Some(source.line_col(span.start).line),
        _ => None,
    };
    FindingRow {
        code: d.rule.map(|r| r.code),
        name: d.rule.map(|r| r.name),
        pack: d.rule.and_then(|r| r.pack),
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
        by_pack: Vec::new(),
    }
}

/// The findings by policy pack: aiclear's own checks first, then each pack
/// of the policy, then any other pack a finding's rule comes from.
fn by_pack(report: &Report, policy: &[PackRow]) -> Vec<PackTotal> {
    let total = |pack: Option<&str>| PackTotal {
        pack: pack.map(str::to_owned),
        errors: 0,
        warnings: 0,
        notes: 0,
    };
    let mut out: Vec<PackTotal> = std::iter::once(total(None))
        .chain(policy.iter().map(|p| total(Some(&p.id))))
        .collect();
    for d in &report.diagnostics {
        let Some(rule) = d.rule else {
            continue;
        };
        let i = match out.iter().position(|t| t.pack.as_deref() == rule.pack) {
            Some(i) => i,
            None => {
                out.push(total(rule.pack));
                out.len() - 1
            }
        };
        let t = &mut out[i];
        match d.severity {
            Severity::Error => t.errors += 1,
            Severity::Warning => t.warnings += 1,
            Severity::Note => t.notes += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families() {
        assert_eq!(family_index("GA001"), Some(0));
        assert_eq!(family_index("GA607"), Some(6));
        assert_eq!(family_index("GA701"), Some(7));
        assert_eq!(family_index("XX1"), None);
    }

    #[test]
    fn findings_are_counted_by_pack() {
        use crate::render::fixture;
        static HOUSE: crate::rules::RuleInfo = crate::rules::RuleInfo {
            code: "NL101",
            name: "house-rule",
            level: crate::rules::Level::Warn,
            summary: "",
            guideline: "",
            explanation: "",
            pack: Some("northlight-2026"),
        };
        let mut report = fixture::report();
        report
            .diagnostics
            .push(fixture::diagnostic(Some(&HOUSE), Severity::Note, "a.yml"));
        let policy = [
            PackRow::unknown("netflix-2025-08"),
            PackRow::unknown("wga-mba-2023"),
        ];
        let by_pack = by_pack(&report, &policy);
        let totals: Vec<(Option<&str>, usize, usize, usize)> = by_pack
            .iter()
            .map(|t| (t.pack.as_deref(), t.errors, t.warnings, t.notes))
            .collect();
        assert_eq!(
            totals,
            [
                // The configuration error is no rule's.
                (None, 0, 2, 0),
                (Some("netflix-2025-08"), 1, 0, 0),
                (Some("wga-mba-2023"), 0, 0, 0),
                (Some("northlight-2026"), 0, 0, 1),
            ]
        );
    }
}
