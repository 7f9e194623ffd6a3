use crate::rules::{Check, Finding, declare_rule};
use crate::schema::{backticked, clip};
use crate::source::Span;
use crate::yaml::Key;

declare_rule! {
    /// ### What it does
    /// Reports a key inside `genai` that is not part of the declaration
    /// vocabulary (in `genai`, a use, a tool, a talent entry, `disclosed` or a
    /// `retired` entry), and suggests the closest known key when there is one.
    ///
    /// ### Why it matters
    /// The vocabulary is closed on purpose. A misspelt key such as `element:` or
    /// `trains-on-input:` would otherwise be ignored silently, and the fact it was
    /// meant to declare (a main character, a tool that trains on inputs) would
    /// never reach the rules that judge it against Netflix's guidelines.
    ///
    /// ### Example
    /// ```yaml
    /// genai:
    ///   disclosed: { to: "M. Chen, Netflix creative production", on: 2025-09-02 }
    ///   uses:
    ///     - id: crowd-fill
    ///       stage: previs
    ///       output: video
    ///       element: [crowd]
    ///       tools: [{ name: "Imagen 4", enterprise: true, trains-on-inputs: false }]
    /// ```
    /// Use instead:
    /// ```yaml
    /// genai:
    ///   disclosed: { to: "M. Chen, Netflix creative production", on: 2025-09-02 }
    ///   uses:
    ///     - id: crowd-fill
    ///       stage: previs
    ///       output: video
    ///       elements: [crowd]
    ///       tools: [{ name: "Imagen 4", enterprise: true, trains-on-inputs: false }]
    /// ```
    pub UNKNOWN_FIELD {
        code: "GA003",
        name: "unknown-field",
        level: Deny,
        summary: "a key outside the declaration vocabulary",
        guideline: "the declaration vocabulary is closed so that a misspelt key never hides a use from review",
        check: Check::Engine,
    }
}

/// `key`, in `what`, is none of its `fields`; `suggestion` is the one it
/// is probably a typo of.
pub fn unknown_key(
    span: Span,
    key: &str,
    what: &str,
    suggestion: Option<&str>,
    fields: &[&str],
) -> Finding {
    Finding::new(
        &UNKNOWN_FIELD,
        Some(span),
        format!("unknown field `{}` in {what}", clip(key)),
    )
    .label("not a field aiclear knows")
    .help(match suggestion {
        Some(s) => crate::schema::suggest(s),
        None => format!("the fields of {what} are {}", backticked(fields)),
    })
}

/// A key under the configuration's `rules:` that names no rule;
/// `suggestion` is the code or name it is probably a typo of.
pub fn unknown_rule(key: Key, suggestion: Option<&str>) -> Finding {
    Finding::new(
        &UNKNOWN_FIELD,
        Some(key.span),
        format!("no rule is called `{}`", key.name),
    )
    .label("unknown rule")
    .help(match suggestion {
        Some(s) => crate::schema::suggest(s),
        None => "`aiclear rules` lists every rule".into(),
    })
}

/// A top-level key that is a near miss of `genai`.
pub fn not_genai(key: Key) -> Finding {
    Finding::new(
        &UNKNOWN_FIELD,
        Some(key.span),
        format!("unknown field `{}`", key.name),
    )
    .label("not a field aiclear knows")
    .help("did you mean `genai`?")
}
