use crate::declaration::Use;
use crate::rules::{Check, Context, Finding, declare_rule};

declare_rule! {
    /// ### What it does
    /// Warns about each tool of a use that is not marked `enterprise: true`,
    /// that is, a tool not covered by the studio's enterprise agreements.
    /// `enterprise` defaults to `false`. The warning points at the `enterprise`
    /// value, or at the tool's name when the key is missing.
    ///
    /// ### Why it matters
    /// The third of Netflix's five guiding principles asks that, where possible,
    /// tools run in an enterprise-secured environment. Under those agreements a
    /// tool does not capture, train on or resell what it is given; any other tool
    /// is only as safe as its terms and licence tier, which someone has to check.
    /// The guidelines say "where possible", so this is a warning, not an error,
    /// and in a multi-tool pipeline every step counts.
    ///
    /// ### Example
    /// ```yaml
    /// genai:
    ///   disclosed: { to: "M. Chen, Netflix creative production", on: 2025-09-02 }
    ///   uses:
    ///     - id: relay-moodboard
    ///       stage: ideation
    ///       output: image
    ///       tools: [{ name: "Midjourney", trains-on-inputs: false, terms-reviewed: 2025-08-28 }]
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
    pub NON_ENTERPRISE_TOOL {
        code: "GA102",
        name: "non-enterprise-tool",
        level: Warn,
        summary: "a tool is not covered by an enterprise agreement",
        guideline: "Netflix GenAI guidelines, principle 3: where possible, tools run in an enterprise-secured environment",
        pack: crate::rules::NETFLIX,
        check: Check::Use(check),
    }
}

fn check(u: &Use, _ctx: &Context, out: &mut Vec<Finding>) {
    for tool in u.tools.iter().filter(|t| !t.is_enterprise()) {
        let (span, label) = match &tool.enterprise {
            Some(e) => (e.span.clone(), "not an enterprise tool"),
            None => (
                tool.name.span.clone(),
                "no `enterprise: true`, so treated as `false`",
            ),
        };
        out.push(
            Finding::for_use(
                &NON_ENTERPRISE_TOOL,
                u,
                span,
                format!(
                    "tool `{}` is not covered by an enterprise agreement",
                    tool.name.value
                ),
            )
            .label(label)
            .help(
                "where possible, use a tool under the studio's enterprise agreement and write \
                 `enterprise: true`; otherwise check its terms and licence tier",
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_util::{fire, one_use, spanned};

    const REVIEWED: &str = "trains-on-inputs: false, terms-reviewed: 2025-08-28";

    #[test]
    fn enterprise_false_points_at_the_value() {
        let text = one_use(&format!(
            "tools: [{{ name: Midjourney, enterprise: false, {REVIEWED} }}]"
        ));
        let found = fire(&NON_ENTERPRISE_TOOL, &text);
        assert_eq!(spanned(&text, &found), ["false"]);
        assert_eq!(
            found[0].message,
            "tool `Midjourney` is not covered by an enterprise agreement"
        );
        assert_eq!(found[0].use_id.as_deref(), Some("shot-010"));
    }

    #[test]
    fn missing_enterprise_points_at_the_name() {
        let text = one_use(&format!("tools: [{{ name: Midjourney, {REVIEWED} }}]"));
        let found = fire(&NON_ENTERPRISE_TOOL, &text);
        assert_eq!(spanned(&text, &found), ["Midjourney"]);
    }

    #[test]
    fn one_warning_per_tool() {
        let text = one_use(&format!(
            "tools:\n  - {{ name: A, {REVIEWED} }}\n  - {{ name: B, enterprise: true, trains-on-inputs: false }}\n  - {{ name: C, {REVIEWED} }}"
        ));
        let found = fire(&NON_ENTERPRISE_TOOL, &text);
        assert_eq!(spanned(&text, &found), ["A", "C"]);
    }

    #[test]
    fn enterprise_tools_pass() {
        assert!(fire(&NON_ENTERPRISE_TOOL, &one_use("")).is_empty());
    }
}
