use crate::rules::{Check, declare_rule};

declare_rule! {
    /// ### What it does
    /// Reports a value of the wrong type (text where a list is expected, a word
    /// where `true` or `false` is expected, a date not written `YYYY-MM-DD`), a
    /// term outside its list (suggesting the closest one), and a required key that
    /// is missing: a use needs `id`, `stage`, `output` and `tools`, a tool needs
    /// `name`, a talent entry needs `performer`, and `disclosed` needs `to` and `on`.
    ///
    /// It also reports every placeholder that `aiclear annotate`'s template
    /// leaves for the writer to replace, in any field, free text included
    /// (`to`, a tool's `name`, `human-input`, `description`), and the
    /// template's commented hints uncommented as they are.
    ///
    /// ### Why it matters
    /// Every term in a declaration has one meaning that the rules, the disclosure
    /// report and the studio's reviewers all rely on. A stage of `draft` or a tool
    /// with `enterprise: yes` would leave it to guesswork whether the guidelines'
    /// conditions hold; aiclear fails safe and asks for the exact term instead.
    /// A placeholder is worse than nothing: a disclosure to nobody, or a tool
    /// with no name, reads as declared while saying nothing.
    ///
    /// ### Example
    /// ```yaml
    /// genai:
    ///   disclosed: { to: "M. Chen, Netflix creative production", on: 2025-09-02 }
    ///   uses:
    ///     - id: relay-moodboard
    ///       stage: draft
    ///       output: image
    ///       tools: [{ name: "Imagen 4", enterprise: true, trains-on-inputs: false }]
    /// ```
    /// Use instead:
    /// ```yaml
    /// genai:
    ///   disclosed: { to: "M. Chen, Netflix creative production", on: 2025-09-02 }
    ///   uses:
    ///     - id: relay-moodboard
    ///       stage: ideation
    ///       output: image
    ///       tools: [{ name: "Imagen 4", enterprise: true, trains-on-inputs: false }]
    /// ```
    pub INVALID_VALUE {
        code: "GA004",
        name: "invalid-value",
        level: Deny,
        summary: "a value of the wrong type or outside its list, or a missing required key",
        guideline: "every declared value has one meaning for the rules and the studio's reviewers; unknown facts fail safe",
        check: Check::Engine,
    }
}
