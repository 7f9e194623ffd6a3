//! Diagnostics are data: a rule, a severity, a message and byte spans into a
//! file. Nothing here renders; `render` turns them into text for people and
//! machines, and computes lines and columns from the file's [`Source`].
//!
//! A diagnostic points at the metadata of the rule that fired ([`RuleInfo`]):
//! its code, name, level and the text `aiclear explain` prints. The metadata
//! is data too, so this module, like `source`, imports nothing above it;
//! `rules::Rule` pairs it with the rule's check.

use crate::source::Span;

/// The level a rule has in the built-in policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Level {
    /// An error: the use may not go ahead as declared.
    Deny,
    /// A warning: worth fixing, does not block.
    Warn,
    /// An error unless a valid ledger entry approves this use for this rule.
    Approval,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Deny => "deny",
            Level::Warn => "warn",
            Level::Approval => "approval",
        }
    }
}

/// What a rule is: everything but its check. `aiclear explain`, `aiclear
/// rules`, SARIF rule descriptors and every diagnostic read it.
#[derive(Debug)]
pub struct RuleInfo {
    /// Stable code, e.g. `GA201`.
    pub code: &'static str,
    /// Stable kebab-case name, e.g. `key-creative-element`.
    pub name: &'static str,
    pub level: Level,
    /// One line, for rule tables and SARIF short descriptions.
    pub summary: &'static str,
    /// The guideline the rule comes from, shown as a note on every finding.
    pub guideline: &'static str,
    /// The long text (Markdown): what it does, why, an example and the fix.
    pub explanation: &'static str,
    /// The policy pack the rule comes from (`netflix-2025-08`,
    /// `sag-aftra-2023`, a studio's own); `None` for aiclear's own checks
    /// (reading declarations, approvals, history), which every policy runs.
    pub pack: Option<&'static str>,
}

impl RuleInfo {
    /// The explanation as Markdown, without the space that `///` leaves at
    /// the start of every line.
    pub fn explanation_text(&self) -> String {
        let mut text = String::with_capacity(self.explanation.len());
        for line in self.explanation.lines() {
            text.push_str(line.strip_prefix(' ').unwrap_or(line));
            text.push('\n');
        }
        text
    }

    /// The fenced `yaml` block that follows a heading in the explanation.
    pub fn example_block(&self, heading: &str) -> Option<&'static str> {
        let start = self.explanation.find(heading)? + heading.len();
        let rest = &self.explanation[start..];
        let open = rest.find("```yaml\n")? + "```yaml\n".len();
        let close = rest[open..].find("```")?;
        Some(&rest[open..open + close])
    }
}

/// How serious a finding is once configuration and approvals are applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Note,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

/// A secondary place in the same file, shown with its own label.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// One finding about one file.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    /// The rule that fired; `None` for problems with aiclear's own inputs
    /// (the configuration) that are not rules.
    pub rule: Option<&'static RuleInfo>,
    pub severity: Severity,
    /// Lowercase, no trailing period, names in backticks.
    pub message: String,
    /// Path relative to the project root, with `/` separators.
    pub path: String,
    /// Byte range of the offending key or value; `None` for the whole file.
    pub span: Option<Span>,
    /// Text under the primary span.
    pub label: Option<String>,
    pub secondary: Vec<Label>,
    pub notes: Vec<String>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn code(&self) -> Option<&'static str> {
        self.rule.map(|r| r.code)
    }

    /// Whether this diagnostic reports `rule` (codes are unique).
    pub fn is(&self, rule: &RuleInfo) -> bool {
        self.rule.is_some_and(|r| r.code == rule.code)
    }
}

/// The outcome of one check: diagnostics sorted by path and position, and the
/// text of every file they point into, for rendering.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    pub sources: std::collections::BTreeMap<String, crate::source::Source>,
    pub files_checked: usize,
    /// The paths of the files checked, relative to the project root, sorted;
    /// empty when not known (a report built by hand).
    pub checked: Vec<String>,
    /// Of those, the files known clean from an earlier run without reading.
    pub files_from_cache: usize,
    /// What a range check verified in history.
    pub history: Option<HistorySummary>,
    /// The ledger's approvals that findings relied on, for the job summary;
    /// empty when not known.
    pub approvals: Vec<ApprovalUse>,
    /// The approval requests still open (`approval-requested` on a use that
    /// an approval-level finding still holds up), for the job summary and
    /// the register.
    pub requests: Vec<ApprovalRequest>,
    /// How long each phase took, for `--timings`.
    pub timings: Vec<(&'static str, std::time::Duration)>,
    /// The project root relative to the repository's top level (empty, or
    /// ending in `/`): GitHub annotations and SARIF name files from there.
    pub root_prefix: String,
    /// The rules of the policy the check applied (aiclear's own and its
    /// packs'), for SARIF's rule list; empty when not known.
    pub rules: Vec<&'static RuleInfo>,
}

/// An approval that a finding relied on, and what became of it.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ApprovalUse {
    /// The approval's id in the ledger.
    pub id: String,
    /// The file it was relied on for, relative to the project root.
    pub path: String,
    /// The declared use it covers there, if it names one.
    pub use_id: Option<String>,
    /// What became of it: `valid`, `expired`, `stale`, `unsigned` ….
    pub state: String,
    pub granted_by: Option<String>,
    /// `YYYY-MM-DD`.
    pub expires_on: Option<String>,
}

/// A use that asks for written approval (`approval-requested`) and still
/// needs it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ApprovalRequest {
    /// The file holding the use's declaration, relative to the project root.
    pub path: String,
    pub use_id: String,
    /// `YYYY-MM-DD`.
    pub requested_on: String,
    /// The approval-level rules still open for it, by code.
    pub rules: Vec<String>,
    /// The one command an approver runs to grant every rule it needs.
    pub command: String,
    /// Who may grant it: the approvers of the configuration that judges it.
    pub approvers: Vec<String>,
}

/// What a range check verified, for the last line of the output.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HistorySummary {
    /// `base..head`, abbreviated commit ids.
    pub range: String,
    /// Commits between the merge base and head.
    pub commits: usize,
    /// Ledger entries traced to the commit that added them.
    pub approvals_traced: usize,
    /// Of those, how many had their signature verified.
    pub signatures_verified: usize,
}

impl std::fmt::Display for HistorySummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = |n: usize| if n == 1 { "" } else { "s" };
        write!(
            f,
            "verified {} commit{} {}, {} approval{} traced",
            self.commits,
            s(self.commits),
            self.range,
            self.approvals_traced,
            s(self.approvals_traced)
        )?;
        if self.signatures_verified > 0 {
            write!(
                f,
                ", {} signature{} verified",
                self.signatures_verified,
                s(self.signatures_verified)
            )?;
        }
        Ok(())
    }
}

impl Report {
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }

    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }
}
