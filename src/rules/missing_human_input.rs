use crate::declaration::{Stage, Use};
use crate::rules::{Check, Context, Finding, declare_rule};

declare_rule! {
    /// ### What it does
    /// Reports a use at `stage: final` that has no `human-input` describing the
    /// human work on the final version. The finding points at the `stage` value.
    ///
    /// ### Why it matters
    /// Netflix's section on final versus temporary material says that final
    /// versions need meaningful human input, and legal review. Recording what the
    /// artists did (repainting, compositing, editing, performing) is what lets the
    /// approver and legal judge the final material, and it is the production's
    /// record of authorship. An approval for a final deliverable (GA203) does not
    /// replace it.
    ///
    /// ### Example
    /// ```yaml
    /// genai:
    ///   disclosed: { to: "M. Chen, Netflix creative production", on: 2025-09-02 }
    ///   uses:
    ///     - id: relay-sky
    ///       stage: final
    ///       output: image
    ///       elements: [background]
    ///       tools: [{ name: "Imagen 4", enterprise: true, trains-on-inputs: false }]
    /// ```
    /// Use instead:
    /// ```yaml
    /// genai:
    ///   disclosed: { to: "M. Chen, Netflix creative production", on: 2025-09-02 }
    ///   uses:
    ///     - id: relay-sky
    ///       stage: final
    ///       output: image
    ///       elements: [background]
    ///       tools: [{ name: "Imagen 4", enterprise: true, trains-on-inputs: false }]
    ///       human-input: "matte painter repainted the sky and graded it to the plate"
    /// ```
    pub MISSING_HUMAN_INPUT {
        code: "GA204",
        name: "missing-human-input",
        level: Deny,
        summary: "a final use does not say what human work went into it",
        guideline: "Netflix GenAI guidelines, final versus temporary: final versions need meaningful human input and legal review",
        pack: crate::rules::NETFLIX,
        check: Check::Use(check),
    }
}

fn check(u: &Use, _ctx: &Context, out: &mut Vec<Finding>) {
    let Some(stage) = u.stage.as_ref().filter(|s| s.value == Stage::Final) else {
        return;
    };
    if u.human_input.is_some() {
        return;
    }
    out.push(
        Finding::for_use(
            &MISSING_HUMAN_INPUT,
            u,
            stage.span.clone(),
            "final generated material declares no human input",
        )
        .label("final, without `human-input`")
        .help(
            "describe the meaningful human work on the final version, e.g. \
             `human-input: \"character designer repainted every frame\"`",
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_util::{fire, one_use, spanned};

    #[test]
    fn final_without_human_input_points_at_the_stage() {
        let text = one_use("stage: final");
        let found = fire(&MISSING_HUMAN_INPUT, &text);
        assert_eq!(spanned(&text, &found), ["final"]);
        assert_eq!(
            found[0].message,
            "final generated material declares no human input"
        );
        assert_eq!(found[0].use_id.as_deref(), Some("shot-010"));
    }

    #[test]
    fn final_with_human_input_passes() {
        let text = one_use("stage: final\nhuman-input: \"compositor rebuilt the plate by hand\"");
        assert!(fire(&MISSING_HUMAN_INPUT, &text).is_empty());
    }

    #[test]
    fn temporary_material_needs_none() {
        assert!(fire(&MISSING_HUMAN_INPUT, &one_use("stage: temp")).is_empty());
    }
}
