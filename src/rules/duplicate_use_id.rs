use crate::rules::{Check, Finding, declare_rule};
use crate::source::Span;

declare_rule! {
    /// ### What it does
    /// Reports a use whose `id` was already used by an earlier use in the same
    /// file.
    ///
    /// ### Why it matters
    /// Approvals are granted per file, per use id and per rule, and each approval
    /// is bound to the content of the use it names. Two uses with one id would
    /// let an approval for one of them clear the other, which Netflix's
    /// requirement of written approval for the specific use does not allow.
    ///
    /// ### Example
    /// ```yaml
    /// genai:
    ///   disclosed: { to: "M. Chen, Netflix creative production", on: 2025-09-02 }
    ///   uses:
    ///     - id: sky
    ///       stage: previs
    ///       output: image
    ///       tools: [{ name: "Imagen 4", enterprise: true, trains-on-inputs: false }]
    ///     - id: sky
    ///       stage: temp
    ///       output: video
    ///       tools: [{ name: "Veo 3", enterprise: true, trains-on-inputs: false }]
    /// ```
    /// Use instead:
    /// ```yaml
    /// genai:
    ///   disclosed: { to: "M. Chen, Netflix creative production", on: 2025-09-02 }
    ///   uses:
    ///     - id: sky-previs
    ///       stage: previs
    ///       output: image
    ///       tools: [{ name: "Imagen 4", enterprise: true, trains-on-inputs: false }]
    ///     - id: sky-temp
    ///       stage: temp
    ///       output: video
    ///       tools: [{ name: "Veo 3", enterprise: true, trains-on-inputs: false }]
    /// ```
    pub DUPLICATE_USE_ID {
        code: "GA005",
        name: "duplicate-use-id",
        level: Deny,
        summary: "two uses in one file share an `id`",
        guideline: "approvals are granted per use id, so each id names exactly one use in its file",
        check: Check::Engine,
    }
}

/// The use at `span` has the id `id` of the use at `first`, which is at
/// `line`, `column`.
pub fn finding(span: Span, first: Span, id: &str, line: usize, column: usize) -> Finding {
    Finding::new(
        &DUPLICATE_USE_ID,
        Some(span),
        format!(
            "use id `{id}` is declared twice in this file (first at line {line}, column {column})"
        ),
    )
    .label("second use with this id")
    .secondary(first, "first use with this id")
    .note(format!(
        "the first use with this id is at line {line}, column {column}"
    ))
    .help("give every use in a file its own `id` (for example `sky-previs` and `sky-temp`); approvals refer to it")
}
