use crate::declaration::Use;
use crate::rules::{Check, Finding, declare_rule};
use crate::source::Span;

declare_rule! {
    /// ### What it does
    /// Reports an approval id, listed in a use's `approvals`, whose ledger entry
    /// does not cover this use: none of its `covers` items names this file's
    /// path, or the item names other uses (`use`) or other rules (`rules`).
    ///
    /// ### Why it matters
    /// Netflix's written approval is given for a specific use: a character
    /// design approved for one episode is not an approval to generate a different
    /// character, or the same one in another script. Citing an approval outside
    /// its scope would make a use look cleared when nobody looked at it.
    ///
    /// ### Example
    /// The ledger entry `NFX-2025-0142` covers `scripts/ep101.fountain` only:
    /// ```yaml
    /// # in scripts/ep102.fountain
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
    /// # in scripts/ep102.fountain, citing `NFX-2025-0171`, recorded with
    /// # aiclear approve --id NFX-2025-0171 --path scripts/ep102.fountain --use aria-design --rule GA201
    /// genai:
    ///   disclosed: { to: "M. Chen, Netflix creative production", on: 2025-09-02 }
    ///   uses:
    ///     - id: aria-design
    ///       stage: previs
    ///       output: image
    ///       elements: [main-character]
    ///       tools: [{ name: "Imagen 4", enterprise: true, trains-on-inputs: false }]
    ///       approvals: [NFX-2025-0171]
    /// ```
    pub APPROVAL_OUT_OF_SCOPE {
        code: "GA502",
        name: "approval-out-of-scope",
        level: Deny,
        summary: "a cited ledger entry does not cover this path, use or rule",
        guideline: "a written approval covers the paths, uses and rules it names and nothing else",
        check: Check::Engine,
    }
}

/// A use cites approval `id`, which covers only `covers` (described).
pub fn not_covered(u: &Use, span: Span, id: &str, covers: &str) -> Finding {
    Finding::for_use(
        &APPROVAL_OUT_OF_SCOPE,
        u,
        span,
        format!(
            "approval `{id}` does not cover use `{}` in this file",
            u.id.value
        ),
    )
    .label("granted for something else")
    .note(format!("it covers {covers}"))
    .help("ask an approver for an approval of this use, or remove the id")
}
