//! Diagnostics are data: a rule, a severity, a message and byte spans into a
//! file. Nothing here renders; `render` turns them into text for people and
//! machines, and computes lines and columns from the file's [`Source`].

use crate::rules::Rule;
use crate::source::Span;

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
    pub rule: Option<&'static Rule>,
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
}

/// The outcome of one check: diagnostics sorted by path and position, and the
/// text of every file they point into, for rendering.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    pub sources: std::collections::BTreeMap<String, crate::source::Source>,
    pub files_checked: usize,
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
