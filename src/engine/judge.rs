//! Judging one file: its declaration read, the rules run, the configured
//! severities applied.

use std::collections::HashSet;

use anyhow::Result;

use super::Project;
use crate::approvals::Ledger;
use crate::config::{Override, Settings};
use crate::declaration::Declaration;
use crate::diagnostic::Report;
use crate::diagnostic::{ApprovalUse, Diagnostic, Severity};
use crate::rules::media::MediaFile;
use crate::rules::{self, Context, Finding, Level, undeclared_ai_assistance};
use crate::source::Source;
use std::collections::BTreeMap;

use super::MAX_FILE_BYTES;
use super::read::{Content, Files};
use super::targets::{Target, Targets};
use crate::config;

/// What checking one file gave.
#[derive(Default)]
pub(super) struct FileOutcome {
    pub(super) diagnostics: Vec<Diagnostic>,
    /// The file's text, kept only when a diagnostic points into it.
    pub(super) source: Option<Source>,
    pub(super) declaration: Option<Declaration>,
    pub(super) approvals: Vec<ApprovalUse>,
    /// The approval requests still open in this file.
    pub(super) requests: Vec<crate::diagnostic::ApprovalRequest>,
    /// Known clean from the cache, without reading the file.
    pub(super) from_cache: bool,
    /// Found clean, with the metadata it was read with, when that metadata
    /// can vouch for it next time.
    /// With it, the metadata of the files judged with it (see
    /// [`crate::cache::Judged`]).
    pub(super) clean: Option<(crate::cache::Stat, Vec<Option<crate::cache::Stat>>)>,
    /// The media file a sidecar describes, as it records its own making.
    pub(super) media: Option<MediaFile>,
}

pub(super) struct Checker<'a> {
    pub(super) settings: &'a Settings,
    pub(super) ledger: &'a Ledger,
    /// Entries that history shows were not granted by an approver.
    pub(super) untrusted: &'a HashSet<String>,
    pub(super) watchlist: Vec<String>,
    pub(super) today: jiff::civil::Date,
    /// The packs the production is checked against, resolved for `today`.
    pub(super) policy: &'a crate::policy::Policy,
    /// The policy's rules in force on `today`, run over every file.
    pub(super) rules: Vec<&'static rules::Rule>,
    /// A check of what is staged (before a commit): open approval requests
    /// are warnings.
    pub(super) staged: bool,
    /// Who may grant approvals, and where that list comes from, for the
    /// notes of approval requests.
    pub(super) approvers: Vec<String>,
    pub(super) approvers_from: &'static str,
}

impl Checker<'_> {
    /// The level of `rule` under this configuration and policy, before
    /// overrides.
    pub(super) fn level(&self, rule: &rules::RuleInfo) -> Level {
        self.settings.level_from(rule, self.policy.level(rule))
    }

    /// Read what a target needs: for scripts and Markdown, the start of the
    /// file (the declaration sits near the top), more only when the block
    /// runs past it.
    pub(super) fn read_target(&self, files: &Files, target: &Target) -> Result<Content> {
        // Whole, to the size limit: a second declaration anywhere in a
        // script is an error, and a media file's sidecar is small. A USD
        // layer declares in its header, and may be far larger.
        if target.kind == crate::kind::FileKind::Usda {
            let limit = crate::declaration::usda::MAX_HEADER_BYTES as u64 + 1;
            return files.read(&target.path, limit);
        }
        files.read(&target.path, MAX_FILE_BYTES + 1)
    }

    /// Whether the record of the media file a target describes is read.
    pub(super) fn reads_media<'t>(&self, target: &'t Target) -> Option<&'t str> {
        self.settings
            .embedded_provenance
            .then(|| super::media::described(target))
            .flatten()
    }

    /// Judge one file's content; `media` is the record of the media file
    /// it describes, when read.
    pub(super) fn judge(
        &self,
        target: &Target,
        content: Content,
        media: Option<MediaFile>,
    ) -> FileOutcome {
        let mut out = FileOutcome {
            media,
            ..FileOutcome::default()
        };
        let bytes = match content {
            Content::Bytes(b) => b,
            Content::Refused(why) => {
                let f = rules::malformed_declaration::unreadable(&why);
                out.diagnostics
                    .push(to_diagnostic(f, Severity::Error, &target.path));
                return out;
            }
            Content::Absent => {
                // A media file without its sidecar; a listed file that is gone
                // (deleted in the work tree) has nothing to check.
                if let Some(media) = &target.media
                    && self.settings.require_declaration
                {
                    let mut f =
                        rules::missing_declaration::media_without_sidecar(media, &target.path);
                    if let Some(m) = &out.media {
                        f = rules::missing_declaration::with_own_record(f, m);
                    }
                    self.emit(&mut out.diagnostics, media, vec![f]);
                }
                return out;
            }
        };
        if bytes.len() as u64 > MAX_FILE_BYTES && target.kind != crate::kind::FileKind::Usda {
            let f = rules::malformed_declaration::too_large(MAX_FILE_BYTES);
            out.diagnostics
                .push(to_diagnostic(f, Severity::Error, &target.path));
            return out;
        }
        let mut parsed = rules::read_declaration(target.kind, &bytes);
        // A file with no declaration at all: `aiclear annotate` writes one.
        let how = target.kind.how_to_declare();
        let findings = std::mem::take(&mut parsed.findings)
            .into_iter()
            .map(|mut f| {
                if f.is(&rules::missing_declaration::MISSING_DECLARATION)
                    && f.help.as_deref() == Some(how)
                {
                    f.help = None;
                    let path = target.media.as_deref().unwrap_or(&target.path);
                    f = rules::missing_declaration::fixed_by_annotate(f, path, how);
                }
                f
            });
        self.emit(&mut out.diagnostics, &target.path, findings.collect());
        if let Some(decl) = &parsed.declaration {
            let mut findings = self.run_rules(decl, target, &bytes, out.media.as_ref());
            out.requests = self.settle_requests(decl, &target.path, &mut findings);
            self.emit(&mut out.diagnostics, &target.path, findings);
            out.approvals = self.relied_on(decl, &target.path);
        }
        if out.diagnostics.iter().any(|d| d.path == target.path) {
            out.source = Some(Source::new(target.path.clone(), bytes));
        }
        out.declaration = parsed.declaration;
        out
    }

    /// Run the rules over the declaration of `target`, whose content is
    /// `bytes`.
    pub(super) fn run_rules(
        &self,
        decl: &Declaration,
        target: &Target,
        bytes: &[u8],
        media: Option<&MediaFile>,
    ) -> Vec<Finding> {
        let path = target.media.as_deref().unwrap_or(&target.path);
        let files = &self.settings.files;
        let set = files.list_of(path);
        let rules = &self.rules;
        // Only WGA103 reads the writers a file credits.
        let credited = rules
            .iter()
            .any(|r| std::ptr::eq(*r, &rules::ai_credited_as_writer::AI_CREDITED_AS_WRITER));
        let ctx = Context {
            path: target.path.clone(),
            deliverable: files.deliverables.is_match(path),
            watchlist: self.watchlist.clone(),
            media: media.cloned(),
            kind: Some(target.kind),
            set,
            territories: self.settings.territories.clone(),
            credits: if credited {
                crate::declaration::credits::credits(target.kind, bytes)
            } else {
                Vec::new()
            },
        };
        let mut findings = Vec::new();
        for rule in rules {
            rules::run(rule, decl, &ctx, &mut findings);
        }
        self.apply_approvals(decl, &target.path, findings)
    }

    /// Files aiclear could read that no glob covers: one warning (GA007).
    pub(super) fn uncovered(&self, found: &Targets, configured: bool, report: &mut Report) {
        if self.settings.require_declaration
            && let Some(f) =
                rules::uncovered_file::finding(&found.uncovered, config::CONFIG_PATH, configured)
        {
            self.emit(&mut report.diagnostics, config::CONFIG_PATH, vec![f]);
        }
    }

    /// Packs named by their version whose term has ended: one warning each
    /// (GA008).
    pub(super) fn superseded(&self, report: &mut Report) {
        for (pack, next) in self.policy.superseded() {
            let f = rules::superseded_policy::finding(pack.named(), next.map(|n| n.named()));
            self.emit(&mut report.diagnostics, config::CONFIG_PATH, vec![f]);
        }
    }

    /// Apply configured severities and turn findings into diagnostics.
    pub(super) fn emit(&self, out: &mut Vec<Diagnostic>, path: &str, findings: Vec<Finding>) {
        for f in findings {
            if f.is(&rules::missing_declaration::MISSING_DECLARATION)
                && !self.settings.require_declaration
            {
                continue;
            }
            let severity = match self.settings.override_of(f.rule) {
                Some(Override::Allow) => continue,
                _ if f.severity.is_some() => f.severity.unwrap_or(Severity::Note),
                Some(Override::Warn) => Severity::Warning,
                Some(Override::Deny) => Severity::Error,
                None => match self.level(f.rule) {
                    Level::Deny | Level::Approval => Severity::Error,
                    Level::Warn => Severity::Warning,
                },
            };
            out.push(to_diagnostic(f, severity, path));
        }
    }
}

pub(super) fn to_diagnostic(f: Finding, severity: Severity, path: &str) -> Diagnostic {
    let mut notes = Vec::with_capacity(f.notes.len() + 1);
    if !f.rule.guideline.is_empty() && !rules::is_reading_problem(f.rule) {
        notes.push(f.rule.guideline.to_owned());
    }
    notes.extend(f.notes);
    let mut d = Diagnostic {
        rule: Some(f.rule),
        severity,
        message: f.message,
        path: path.to_owned(),
        span: f.span,
        label: f.label,
        secondary: f
            .secondary
            .into_iter()
            .map(|(span, message)| crate::diagnostic::Label { span, message })
            .collect(),
        notes,
        help: f.help,
    };
    // In a JSON or OpenTimelineIO file, declaration syntax is shown as JSON.
    match crate::kind::FileKind::of_path(path) {
        Some(crate::kind::FileKind::Json) => {
            crate::declaration::snippet::json_in_diagnostic(&mut d)
        }
        Some(crate::kind::FileKind::Usda) => crate::declaration::snippet::usd_in_diagnostic(&mut d),
        _ => {}
    }
    d
}

/// Where the approvers named in the notes of approval requests come from.
pub(super) fn approvers_from(project: &Project, range: bool) -> &'static str {
    if range {
        "the base branch's `.aiclear/config.yml`"
    } else if project
        .repo
        .as_ref()
        .and_then(|r| r.head_commit())
        .is_some()
    {
        "the committed `.aiclear/config.yml`"
    } else {
        "`.aiclear/config.yml`"
    }
}

/// The `commit-msg` hook: only GA607 is judged, an AI trailer in the
/// message while the staged files declare no use.
pub(super) fn commit_message(
    checker: &Checker<'_>,
    message: &str,
    declarations: &BTreeMap<String, Declaration>,
    targets: &[Target],
    report: &mut Report,
) {
    report.diagnostics.clear();
    report.requests.clear();
    if let Some(trailer) =
        undeclared_ai_assistance::ai_trailer(message, &checker.settings.ai_agents)
    {
        for target in targets {
            if let Some(f) =
                undeclared_ai_assistance::check(declarations.get(&target.path), None, &trailer)
            {
                checker.emit(&mut report.diagnostics, &target.path, vec![f]);
            }
        }
    }
}

/// A checker over a ledger and settings, for the tests of the phases that
/// judge files.
#[cfg(test)]
pub(super) mod testing {
    use std::collections::HashSet;

    use super::{Checker, FileOutcome};
    use crate::approvals::Ledger;
    use crate::config::{self, Settings};
    use crate::engine::read::Content;
    use crate::engine::targets::Target;
    use crate::kind::FileKind;
    use crate::source::Source;

    /// Settings read from a configuration's text.
    pub fn settings(text: &str) -> Settings {
        config::parse(&Source::new(config::CONFIG_PATH, text.as_bytes().to_vec()))
            .unwrap_or_else(|_| panic!("a valid configuration: {text}"))
    }

    /// A ledger read from its text, without findings.
    pub fn ledger(text: &str) -> Ledger {
        let source = Source::new(config::LEDGER_PATH, text.as_bytes().to_vec());
        let (ledger, findings) = crate::rules::read_ledger(&source);
        assert!(findings.is_empty(), "a valid ledger: {text}");
        ledger
    }

    /// A checker for a work-tree check on 2025-09-20.
    pub fn checker<'a>(
        settings: &'a Settings,
        ledger: &'a Ledger,
        untrusted: &'a HashSet<String>,
    ) -> Checker<'a> {
        Checker {
            settings,
            ledger,
            untrusted,
            watchlist: Vec::new(),
            today: "2025-09-20".parse().unwrap(),
            policy: Box::leak(Box::new(crate::policy::Policy::netflix(
                "2025-09-20".parse().unwrap(),
            ))),
            rules: crate::policy::Policy::netflix("2025-09-20".parse().unwrap()).rules(),
            staged: false,
            approvers: vec!["mei@studio.example".into()],
            approvers_from: "the committed `.aiclear/config.yml`",
        }
    }

    /// Judge `text` as the sidecar `vfx/a.yml`.
    pub fn judge(checker: &Checker<'_>, text: &str) -> FileOutcome {
        let target = Target {
            kind: FileKind::Yaml,
            path: "vfx/a.yml".into(),
            media: None,
        };
        checker.judge(&target, Content::Bytes(text.as_bytes().to_vec()), None)
    }

    /// Each diagnostic's code and severity.
    pub fn codes(out: &FileOutcome) -> Vec<(&'static str, crate::diagnostic::Severity)> {
        out.diagnostics
            .iter()
            .map(|d| (d.code().unwrap_or_default(), d.severity))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::testing::{checker, codes, judge, settings};
    use super::*;
    use crate::approvals::Ledger;
    use crate::rules::{key_creative_element, malformed_declaration, missing_declaration};

    /// A final image of a key creative element: GA201 and GA203 need approval.
    pub(super) const USE: &str = "genai:\n  disclosed: { to: M. Chen, on: 2025-09-02 }\n  uses:\n    - id: aria-design\n      stage: final\n      output: image\n      elements: [main-character]\n      tools: [{ name: Imagen 4, enterprise: true, trains-on-inputs: false }]\n      human-input: repainted\n";

    fn emitted(settings: &Settings, findings: Vec<Finding>) -> Vec<(&'static str, Severity)> {
        let (ledger, untrusted) = (Ledger::default(), HashSet::new());
        let mut out = Vec::new();
        checker(settings, &ledger, &untrusted).emit(&mut out, "a.yml", findings);
        out.iter()
            .map(|d| (d.code().unwrap_or_default(), d.severity))
            .collect()
    }

    fn finding(rule: &'static rules::Rule) -> Finding {
        Finding::new(rule, None, "m".to_owned())
    }

    #[test]
    fn approval_rules_are_errors_and_configured_severities_apply() {
        let kce = &key_creative_element::KEY_CREATIVE_ELEMENT;
        let defaults = Settings::default();
        assert_eq!(
            emitted(&defaults, vec![finding(kce)]),
            [("GA201", Severity::Error)]
        );
        let warn = settings("rules: { GA201: warn }\n");
        assert_eq!(
            emitted(&warn, vec![finding(kce)]),
            [("GA201", Severity::Warning)]
        );
        let allow = settings("rules: { GA201: allow }\n");
        assert!(emitted(&allow, vec![finding(kce)]).is_empty());
        // A finding that sets its own severity keeps it unless allowed.
        let mut noted = finding(kce);
        noted.severity = Some(Severity::Note);
        assert_eq!(emitted(&warn, vec![noted]), [("GA201", Severity::Note)]);
    }

    #[test]
    fn a_missing_declaration_is_reported_only_when_required() {
        let missing = &missing_declaration::MISSING_DECLARATION;
        assert_eq!(
            emitted(&Settings::default(), vec![finding(missing)]).len(),
            1
        );
        let optional = settings("require-declaration: false\n");
        assert!(emitted(&optional, vec![finding(missing)]).is_empty());
    }

    #[test]
    fn syntax_findings_carry_no_guideline_note() {
        let syntax = to_diagnostic(
            finding(&malformed_declaration::MALFORMED_DECLARATION),
            Severity::Error,
            "a.yml",
        );
        assert!(syntax.notes.is_empty());
        let kce = &key_creative_element::KEY_CREATIVE_ELEMENT;
        let policy = to_diagnostic(finding(kce), Severity::Error, "a.yml");
        assert_eq!(policy.notes, [kce.guideline]);
        assert_eq!(policy.path, "a.yml");
    }

    #[test]
    fn a_file_is_read_its_rules_run_and_its_declaration_kept() {
        let (settings, ledger, untrusted) =
            (Settings::default(), Ledger::default(), HashSet::new());
        let out = judge(&checker(&settings, &ledger, &untrusted), USE);
        assert_eq!(
            codes(&out),
            [("GA201", Severity::Error), ("GA203", Severity::Error)]
        );
        assert_eq!(out.declaration.map(|d| d.uses.len()), Some(1));
        assert!(out.source.is_some());
    }

    #[test]
    fn a_refused_file_is_a_malformed_declaration() {
        let (settings, ledger, untrusted) =
            (Settings::default(), Ledger::default(), HashSet::new());
        let target = Target {
            kind: crate::kind::FileKind::Yaml,
            path: "vfx/a.yml".into(),
            media: None,
        };
        let out = checker(&settings, &ledger, &untrusted).judge(
            &target,
            Content::Refused("a link".into()),
            None,
        );
        assert_eq!(codes(&out), [("GA002", Severity::Error)]);
        assert!(out.declaration.is_none());
    }
}
