use crate::declaration::Use;
use crate::rules::{Check, Finding, declare_rule};
use crate::source::Span;

declare_rule! {
    /// ### What it does
    /// Reports an approval whose ledger entry has an `expires-on` date that is
    /// already past. An expired entry no longer clears any finding; its help
    /// is the command that renews it, `aiclear approve --renew ID --expires
    /// YYYY-MM-DD`.
    ///
    /// An approval that a use relies on and whose last day is 30 days away or
    /// less is a warning under this code, in every check and in the register,
    /// with the same command, so that it is renewed before it lapses.
    ///
    /// ### Why it matters
    /// Approvers can grant an approval for a limited time, for example while
    /// legal clearance for a reference or a performer's consent is pending. Once
    /// the date has passed, Netflix's written approval no longer stands for the
    /// use, and it has to be renewed or the use changed.
    ///
    /// ### Example
    /// The ledger entry `NFX-2025-0142` has `expires-on: 2025-12-31`:
    /// ```yaml
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
    /// Use instead:
    /// ```yaml
    /// # NFX-2026-0007 renews the approval, recorded with aiclear approve
    /// genai:
    ///   disclosed: { to: "M. Chen, Netflix creative production", on: 2025-09-02 }
    ///   uses:
    ///     - id: aria-design
    ///       stage: previs
    ///       output: image
    ///       elements: [main-character]
    ///       tools: [{ name: "Imagen 4", enterprise: true, trains-on-inputs: false }]
    ///       approvals: [NFX-2026-0007]
    /// ```
    pub EXPIRED_APPROVAL {
        code: "GA503",
        name: "expired-approval",
        level: Deny,
        summary: "a cited approval's `expires-on` date is past",
        guideline: "an approval granted until a date stops counting after that date; renew it or change the use",
        check: Check::Engine,
    }
}

/// A use cites approval `id`, whose last day `on` has passed.
pub fn expired(u: &Use, span: Span, id: &str, on: impl std::fmt::Display) -> Finding {
    Finding::for_use(
        &EXPIRED_APPROVAL,
        u,
        span,
        format!("approval `{id}` expired on {on}"),
    )
    .label("expired")
    .help(format!(
        "ask an approver to renew it with a new last day: `aiclear approve --renew {id} --expires YYYY-MM-DD`"
    ))
}
