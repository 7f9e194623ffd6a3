use crate::declaration::{At, Input, Use};
use crate::rules::{Check, Context, Finding, approval_help, declare_rule};

/// Inputs that always need escalation, enterprise tool or not.
const SENSITIVE: &[Input] = &[
    Input::Proprietary,
    Input::PersonalData,
    Input::TalentLikeness,
    Input::UnreleasedFootage,
    Input::Contracts,
];

declare_rule! {
    /// ### What it does
    /// Reports a use whose `inputs` include studio-owned or personal material:
    /// `proprietary` (scripts, unreleased assets, production images),
    /// `personal-data` (cast or crew details), `talent-likeness`,
    /// `unreleased-footage` or `contracts`. The finding points at the first such
    /// input; the others of the same use are listed as notes. One approval per
    /// use clears it.
    ///
    /// ### Why it matters
    /// Under data use, Netflix's guidelines list putting studio-owned material or
    /// personal data into a GenAI tool among the cases that always need
    /// escalation and written approval. Their confidentiality section is explicit
    /// that this holds even for tools under the studio's enterprise agreements:
    /// talent likeness, unreleased footage and contracts stay sensitive wherever
    /// they go. The use-case matrix likewise escalates studio proprietary material.
    ///
    /// ### Example
    /// ```yaml
    /// genai:
    ///   disclosed: { to: "M. Chen, Netflix creative production", on: 2025-09-02 }
    ///   uses:
    ///     - id: relay-previs
    ///       description: "previs animatic built from the first week of dailies"
    ///       stage: previs
    ///       output: video
    ///       inputs: [unreleased-footage]
    ///       tools: [{ name: "Veo 3", enterprise: true, trains-on-inputs: false }]
    /// ```
    /// Use instead:
    /// ```yaml
    /// genai:
    ///   disclosed: { to: "M. Chen, Netflix creative production", on: 2025-09-02 }
    ///   uses:
    ///     - id: relay-previs
    ///       description: "previs animatic built from storyboards and licensed stock footage"
    ///       stage: previs
    ///       output: video
    ///       inputs: [original, licensed]
    ///       tools: [{ name: "Veo 3", enterprise: true, trains-on-inputs: false }]
    /// ```
    pub SENSITIVE_INPUT {
        code: "GA103",
        name: "sensitive-input",
        level: Approval,
        summary: "studio-owned or personal material is put into a tool",
        guideline: "Netflix GenAI guidelines, data use and confidentiality: studio-owned material or personal data put into a tool needs written approval, even in enterprise tools",
        pack: crate::rules::NETFLIX,
        check: Check::Use(check),
    }
}

fn check(u: &Use, ctx: &Context, out: &mut Vec<Finding>) {
    let hits: Vec<&At<Input>> = u
        .inputs
        .iter()
        .filter(|i| SENSITIVE.contains(&i.value))
        .collect();
    let Some((first, rest)) = hits.split_first() else {
        return;
    };
    let what = match first.value {
        Input::Proprietary => "studio-owned material",
        Input::PersonalData => "personal data",
        Input::TalentLikeness => "a performer's likeness",
        Input::UnreleasedFootage => "unreleased footage",
        _ => "contracts",
    };
    let mut f = Finding::for_use(
        &SENSITIVE_INPUT,
        u,
        first.span.clone(),
        format!("{what} put into a GenAI tool needs written approval"),
    )
    .label("sensitive input, even for an enterprise tool")
    .help(format!(
        "keep it out of the tool, or {}",
        approval_help(&SENSITIVE_INPUT, u, ctx)
    ));
    for other in rest {
        f = f.note(format!("`{}` is a sensitive input too", other.value));
    }
    out.push(f);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_util::{fire, one_use, spanned};

    #[test]
    fn each_sensitive_input_fires() {
        for input in [
            "proprietary",
            "personal-data",
            "talent-likeness",
            "unreleased-footage",
            "contracts",
        ] {
            let text = one_use(&format!("inputs: [original, {input}]"));
            let found = fire(&SENSITIVE_INPUT, &text);
            assert_eq!(spanned(&text, &found), [input]);
            assert!(
                found[0]
                    .message
                    .ends_with("put into a GenAI tool needs written approval")
            );
        }
    }

    #[test]
    fn one_finding_per_use_at_the_first_sensitive_input() {
        let text = one_use("inputs:\n  - personal-data\n  - original\n  - contracts");
        let found = fire(&SENSITIVE_INPUT, &text);
        assert_eq!(found.len(), 1);
        assert_eq!(spanned(&text, &found), ["personal-data"]);
        assert_eq!(
            found[0].message,
            "personal data put into a GenAI tool needs written approval"
        );
        assert_eq!(found[0].notes, ["`contracts` is a sensitive input too"]);
        assert!(found[0].help.as_deref().unwrap().contains("--rule GA103"));
    }

    #[test]
    fn ordinary_inputs_pass() {
        assert!(fire(&SENSITIVE_INPUT, &one_use("")).is_empty());
        let text = one_use("inputs: [original, licensed, public-domain, third-party-work]");
        assert!(fire(&SENSITIVE_INPUT, &text).is_empty());
    }
}
