use crate::declaration::Use;
use crate::rules::{Check, Finding, declare_rule};
use crate::source::Span;

declare_rule! {
    /// ### What it does
    /// Reports an approval whose ledger entry records a `digest` of the use it
    /// approved, when the use no longer reads the same: any key of the use other
    /// than `approvals` and `approval-requested` was added, removed or changed
    /// since the approval was granted. The finding names the fields that
    /// changed and says what each read then and reads now: aiclear finds the
    /// use as it was granted in the commit that added the ledger entry (or
    /// further back in the file's history, by its digest). Its help is the
    /// command that grants the entry again, in place, for the use as it now
    /// reads: `aiclear approve --renew ID`.
    ///
    /// ### Why it matters
    /// Netflix's written approval is given for the use as it was described to the
    /// approver. Moving a use from `previs` to `final`, adding a tool or an input,
    /// or changing a prompt changes what was approved. The digest binds the
    /// approval to the content, so it survives rebases and cherry-picks but not
    /// edits; a changed use needs a fresh look.
    ///
    /// ### Example
    /// `NFX-2025-0142` was granted while the use was at `stage: previs`:
    /// ```yaml
    /// genai:
    ///   disclosed: { to: "M. Chen, Netflix creative production", on: 2025-09-02 }
    ///   uses:
    ///     - id: aria-design
    ///       stage: final
    ///       output: image
    ///       elements: [main-character]
    ///       tools: [{ name: "Imagen 4", enterprise: true, trains-on-inputs: false }]
    ///       human-input: "character designer repainted every frame"
    ///       approvals: [NFX-2025-0142]
    /// ```
    /// Use instead:
    /// ```yaml
    /// # the approver reviewed the change and ran aiclear approve --renew NFX-2025-0142
    /// genai:
    ///   disclosed: { to: "M. Chen, Netflix creative production", on: 2025-09-02 }
    ///   uses:
    ///     - id: aria-design
    ///       stage: final
    ///       output: image
    ///       elements: [main-character]
    ///       tools: [{ name: "Imagen 4", enterprise: true, trains-on-inputs: false }]
    ///       human-input: "character designer repainted every frame"
    ///       approvals: [NFX-2025-0142]
    /// ```
    pub STALE_APPROVAL {
        code: "GA504",
        name: "stale-approval",
        level: Deny,
        summary: "a use changed after the approval it cites was granted",
        guideline: "an approval is bound to the use as it read when granted; any later change needs a fresh approval",
        check: Check::Engine,
    }
}

/// The message of a finding before it names the fields that changed.
pub fn message(use_id: &str, entry_id: &str) -> String {
    format!("use `{use_id}` changed after approval `{entry_id}` was granted")
}

/// A use changed after approval `id` was granted: its digest was `granted`
/// and is `now`.
pub fn stale(u: &Use, span: Span, id: &str, granted: &str, now: &str) -> Finding {
    Finding::for_use(&STALE_APPROVAL, u, span, message(&u.id.value, id))
        .label("approved for different content")
        .note(format!("approved digest {granted}, current digest {now}"))
        .help(format!(
            "ask an approver to review the change and grant it again for the use as it now reads: `aiclear approve --renew {id}`"
        ))
}
