use crate::rules::{Check, declare_rule};

declare_rule! {
    /// ### What it does
    /// Reports a declaration that cannot be read at all: a YAML or JSON syntax
    /// error, a Fountain boneyard block that is never closed, bytes that are not
    /// UTF-8, or a declaration over the size limit. The engine reports it at the
    /// place where the parser stopped, and checks nothing else in that file.
    ///
    /// A file holds one declaration, so a second one is reported too, at its
    /// `genai` key and with the line of the first: a second declaration block
    /// in a script or Markdown file (a boneyard-wrapped `---` block, or in
    /// Markdown a `---` block, whose YAML has a top-level `genai` key), a
    /// top-level `genai` beside a JSON or OpenTimelineIO file's
    /// `metadata.genai`, or a `genai` key in a later YAML document. The first
    /// declaration is still checked; the second is not read.
    ///
    /// ### Why it matters
    /// A declaration that does not parse tells reviewers nothing, so it counts as
    /// no declaration at all. Netflix's guidelines rest on reporting every GenAI
    /// use; a typo in the YAML must not let a use slip past review unnoticed.
    ///
    /// ### Example
    /// The flow list is never closed:
    /// ```yaml
    /// genai:
    ///   disclosed: { to: "M. Chen, Netflix creative production", on: 2025-09-02 }
    ///   uses:
    ///     - id: relay-moodboard
    ///       stage: ideation
    ///       output: [image, text
    ///       tools: [{ name: "Imagen 4", enterprise: true, trains-on-inputs: false }]
    /// ```
    /// Use instead:
    /// ```yaml
    /// genai:
    ///   disclosed: { to: "M. Chen, Netflix creative production", on: 2025-09-02 }
    ///   uses:
    ///     - id: relay-moodboard
    ///       stage: ideation
    ///       output: [image, text]
    ///       tools: [{ name: "Imagen 4", enterprise: true, trains-on-inputs: false }]
    /// ```
    pub MALFORMED_DECLARATION {
        code: "GA002",
        name: "malformed-declaration",
        level: Deny,
        summary: "a declaration does not parse (syntax, encoding or size)",
        guideline: "a declaration that cannot be read cannot be checked, so it counts as missing",
        check: Check::Engine,
    }
}
