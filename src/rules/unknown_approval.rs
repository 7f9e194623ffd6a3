use crate::declaration::Use;
use crate::rules::{Check, Finding, declare_rule};
use crate::source::Span;

declare_rule! {
    /// ### What it does
    /// Reports an id listed in a use's `approvals` that has no entry in the
    /// approvals ledger, `.aiclear/approvals.yml`. The engine checks it against
    /// the ledger of the revision under review.
    ///
    /// ### Why it matters
    /// Netflix's guidelines require *written* approval before certain uses go
    /// ahead. In aiclear that record is the ledger entry, written by an approver
    /// with `aiclear approve` and traceable to their commit. An id that only the
    /// declaration mentions is a claim with nothing behind it; it may be a typo,
    /// or an approval that was never recorded.
    ///
    /// ### Example
    /// The ledger has no entry `NFX-2025-0412`:
    /// ```yaml
    /// genai:
    ///   disclosed: { to: "M. Chen, Netflix creative production", on: 2025-09-02 }
    ///   uses:
    ///     - id: aria-design
    ///       stage: previs
    ///       output: image
    ///       elements: [main-character]
    ///       tools: [{ name: "Imagen 4", enterprise: true, trains-on-inputs: false }]
    ///       approvals: [NFX-2025-0412]
    /// ```
    /// Use instead:
    /// ```yaml
    /// # .aiclear/approvals.yml has an entry `NFX-2025-0142` covering this
    /// # path, the use `aria-design` and GA201
    /// genai:
    ///   disclosed: { to: "M. Chen, Netflix creative production", on: 2025-09-02 }
    ///   uses:
    ///     - id: aria-design
    ///       stage: previs
    ///       output: image
    ///       elements: [main-character]
    ///       tools: [{ name: "Imagen 4", enterprise: true, trains-on-inputs: false }]
    ///       approvals: [NFX-2025-0142]
    /// ```
    pub UNKNOWN_APPROVAL {
        code: "GA501",
        name: "unknown-approval",
        level: Deny,
        summary: "a use cites an approval id that is not in the ledger",
        guideline: "written approvals live in the ledger `.aiclear/approvals.yml`; a use may only cite entries that exist there",
        check: Check::Engine,
    }
}

/// A use cites approval `id`, which the ledger at `ledger` does not hold.
pub fn not_in_ledger(u: &Use, span: Span, id: &str, ledger: &str) -> Finding {
    Finding::for_use(
        &UNKNOWN_APPROVAL,
        u,
        span,
        format!("approval `{id}` is not in the ledger"),
    )
    .label("no such approval")
    .help(format!(
        "ask an approver to record it in `{ledger}`, or remove the id"
    ))
}

/// A use cites approval `id`, whose ledger entry has errors.
pub fn broken_entry(u: &Use, span: Span, id: &str, ledger: &str) -> Finding {
    Finding::for_use(
        &UNKNOWN_APPROVAL,
        u,
        span,
        format!("approval `{id}` cannot be relied on: its ledger entry has errors"),
    )
    .label("broken ledger entry")
    .help(format!(
        "fix the entry in `{ledger}` (see the errors reported there)"
    ))
}
