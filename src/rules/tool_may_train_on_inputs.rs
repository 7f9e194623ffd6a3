use crate::declaration::{Tool, TrainsOnInputs, Use};
use crate::rules::{Check, Context, Finding, approval_help, declare_rule};

declare_rule! {
    /// ### What it does
    /// Reports a use with a tool whose `trains-on-inputs` is `true`, `unknown`,
    /// or not given at all: an unknown fact fails safe and counts as `true`. The
    /// finding points at the `trains-on-inputs` value, or at the tool's name when
    /// the key is missing; further tools of the same use are listed as notes. One
    /// approval per use clears it.
    ///
    /// ### Why it matters
    /// The second of Netflix's five guiding principles is that tools do not
    /// store, reuse or train on production inputs or outputs. Its confidentiality
    /// section adds that the studio's enterprise agreements rule this out, while
    /// with any other tool the partner must check the terms and licence tier. A
    /// tool that may learn from the production's material fails a principle, and
    /// failing a principle means escalating for written approval.
    ///
    /// ### Example
    /// ```yaml
    /// genai:
    ///   disclosed: { to: "M. Chen, Netflix creative production", on: 2025-09-02 }
    ///   uses:
    ///     - id: relay-moodboard
    ///       stage: ideation
    ///       output: image
    ///       tools: [{ name: "Imagen 4", enterprise: true }]
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
    pub TOOL_MAY_TRAIN_ON_INPUTS {
        code: "GA101",
        name: "tool-may-train-on-inputs",
        level: Approval,
        summary: "a tool trains on its inputs, or does not say that it does not",
        guideline: "Netflix GenAI guidelines, principle 2 and confidentiality: tools must not store, reuse or train on production inputs or outputs",
        pack: crate::rules::NETFLIX,
        check: Check::Use(check),
    }
}

fn check(u: &Use, ctx: &Context, out: &mut Vec<Finding>) {
    let risky: Vec<&Tool> = u.tools.iter().filter(|t| t.may_train_on_inputs()).collect();
    let Some((first, rest)) = risky.split_first() else {
        return;
    };
    let trains = |t: &Tool| t.trains_on_inputs.as_ref().map(|x| x.value);
    let (span, message, label) = match &first.trains_on_inputs {
        Some(t) if t.value == TrainsOnInputs::Yes => (
            t.span.clone(),
            format!("tool `{}` trains on production inputs", first.name.value),
            "this tool learns from what it is given".to_owned(),
        ),
        Some(t) => (
            t.span.clone(),
            format!("tool `{}` may train on production inputs", first.name.value),
            "`unknown` is treated like `true`".to_owned(),
        ),
        None => (
            first.name.span.clone(),
            format!("tool `{}` may train on production inputs", first.name.value),
            "no `trains-on-inputs`, so treated like `true`".to_owned(),
        ),
    };
    let fix = if trains(first) == Some(TrainsOnInputs::Yes) {
        "switch to a tool whose terms rule out training on inputs"
    } else {
        "if the tool's terms rule out training on inputs, write `trains-on-inputs: false`"
    };
    let mut f = Finding::for_use(&TOOL_MAY_TRAIN_ON_INPUTS, u, span, message)
        .label(label)
        .help(format!(
            "{fix}; otherwise {}",
            approval_help(&TOOL_MAY_TRAIN_ON_INPUTS, u, ctx)
        ));
    for t in rest {
        let why = match trains(t) {
            Some(TrainsOnInputs::Yes) => "`trains-on-inputs: true`",
            Some(_) => "`trains-on-inputs: unknown`",
            None => "no `trains-on-inputs`",
        };
        f = f.note(format!(
            "tool `{}` may train on its inputs too ({why})",
            t.name.value
        ));
    }
    out.push(f);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_util::{fire, one_use, spanned};

    #[test]
    fn true_points_at_the_value() {
        let text = one_use("tools: [{ name: Midjourney, trains-on-inputs: true }]");
        let found = fire(&TOOL_MAY_TRAIN_ON_INPUTS, &text);
        assert_eq!(spanned(&text, &found), ["true"]);
        assert_eq!(
            found[0].message,
            "tool `Midjourney` trains on production inputs"
        );
        assert_eq!(found[0].use_id.as_deref(), Some("shot-010"));
        assert!(
            found[0]
                .help
                .as_deref()
                .unwrap()
                .starts_with("switch to a tool")
        );
    }

    #[test]
    fn unknown_points_at_the_value() {
        let text = one_use("tools: [{ name: Midjourney, trains-on-inputs: unknown }]");
        let found = fire(&TOOL_MAY_TRAIN_ON_INPUTS, &text);
        assert_eq!(spanned(&text, &found), ["unknown"]);
        assert_eq!(
            found[0].message,
            "tool `Midjourney` may train on production inputs"
        );
    }

    #[test]
    fn missing_points_at_the_name() {
        let text = one_use("tools: [{ name: \"Imagen 4\", enterprise: true }]");
        let found = fire(&TOOL_MAY_TRAIN_ON_INPUTS, &text);
        assert_eq!(spanned(&text, &found), ["\"Imagen 4\""]);
        let help = found[0].help.as_deref().unwrap();
        assert!(help.contains("`trains-on-inputs: false`"), "{help}");
        assert!(
            help.contains("--path vfx/shots/rs_010.yml --use shot-010 --rule GA101"),
            "{help}"
        );
    }

    #[test]
    fn one_finding_per_use_with_the_other_tools_as_notes() {
        let text = one_use(
            "tools:\n  - { name: A, trains-on-inputs: false }\n  - { name: B }\n  - { name: C, trains-on-inputs: true }",
        );
        let found = fire(&TOOL_MAY_TRAIN_ON_INPUTS, &text);
        assert_eq!(found.len(), 1);
        assert_eq!(spanned(&text, &found), ["B"]);
        assert_eq!(
            found[0].notes,
            ["tool `C` may train on its inputs too (`trains-on-inputs: true`)"]
        );
    }

    #[test]
    fn false_passes() {
        assert!(fire(&TOOL_MAY_TRAIN_ON_INPUTS, &one_use("")).is_empty());
        let text = one_use(
            "tools: [{ name: A, trains-on-inputs: false }, { name: B, trains-on-inputs: false }]",
        );
        assert!(fire(&TOOL_MAY_TRAIN_ON_INPUTS, &text).is_empty());
    }
}
