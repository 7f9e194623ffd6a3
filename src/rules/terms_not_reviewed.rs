use crate::declaration::Use;
use crate::rules::{Check, Context, Finding, declare_rule};

declare_rule! {
    /// ### What it does
    /// Warns about each tool that is not `enterprise: true` and has no
    /// `terms-reviewed` date recording when someone checked its terms. The
    /// warning points at the tool's name.
    ///
    /// ### Why it matters
    /// Netflix's confidentiality section draws the line at the studio's
    /// enterprise agreements: tools under them do not capture, train on or resell
    /// inputs. With any other tool, the partner must read its terms and licence
    /// tier to make sure it does not train on what it is given, and a paid tier
    /// often differs from a free one. `terms-reviewed` is the record of that check
    /// and of when it was done, since terms change.
    ///
    /// ### Example
    /// ```yaml
    /// genai:
    ///   disclosed: { to: "M. Chen, Netflix creative production", on: 2025-09-02 }
    ///   uses:
    ///     - id: relay-moodboard
    ///       stage: ideation
    ///       output: image
    ///       tools: [{ name: "Midjourney", trains-on-inputs: false }]
    /// ```
    /// Use instead:
    /// ```yaml
    /// genai:
    ///   disclosed: { to: "M. Chen, Netflix creative production", on: 2025-09-02 }
    ///   uses:
    ///     - id: relay-moodboard
    ///       stage: ideation
    ///       output: image
    ///       tools: [{ name: "Midjourney", trains-on-inputs: false, terms-reviewed: 2025-08-28 }]
    /// ```
    pub TERMS_NOT_REVIEWED {
        code: "GA105",
        name: "terms-not-reviewed",
        level: Warn,
        summary: "a non-enterprise tool has no `terms-reviewed` date",
        guideline: "Netflix GenAI guidelines, confidentiality: outside the enterprise agreements, check a tool's terms and licence tier so it does not train on inputs",
        pack: crate::rules::NETFLIX,
        check: Check::Use(check),
    }
}

fn check(u: &Use, _ctx: &Context, out: &mut Vec<Finding>) {
    for tool in u.tools.iter() {
        if tool.is_enterprise() || tool.terms_reviewed.is_some() {
            continue;
        }
        out.push(
            Finding::for_use(
                &TERMS_NOT_REVIEWED,
                u,
                tool.name.span.clone(),
                format!(
                    "terms of non-enterprise tool `{}` were not reviewed",
                    tool.name.value
                ),
            )
            .label("no `terms-reviewed` date")
            .help(
                "check that the tool's terms and licence tier rule out training on your inputs, \
                 then add `terms-reviewed: YYYY-MM-DD` to this tool",
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_util::{fire, one_use, spanned};

    #[test]
    fn unreviewed_consumer_tool_points_at_its_name() {
        let text =
            one_use("tools: [{ name: \"Midjourney\", version: \"7\", trains-on-inputs: false }]");
        let found = fire(&TERMS_NOT_REVIEWED, &text);
        assert_eq!(spanned(&text, &found), ["\"Midjourney\""]);
        assert_eq!(
            found[0].message,
            "terms of non-enterprise tool `Midjourney` were not reviewed"
        );
    }

    #[test]
    fn explicit_non_enterprise_fires_too() {
        let text =
            one_use("tools: [{ name: A, enterprise: false }, { name: B, enterprise: false }]");
        let found = fire(&TERMS_NOT_REVIEWED, &text);
        assert_eq!(spanned(&text, &found), ["A", "B"]);
    }

    #[test]
    fn reviewed_or_enterprise_pass() {
        let text = one_use(
            "tools: [{ name: A, terms-reviewed: 2025-08-28 }, { name: B, enterprise: true }]",
        );
        assert!(fire(&TERMS_NOT_REVIEWED, &text).is_empty());
    }
}
