use crate::declaration::{Stage, Use};
use crate::rules::{Check, Context, Finding, approval_help, declare_rule};

declare_rule! {
    /// ### What it does
    /// Reports a use at `stage: final`, and any use in a file that lies under the
    /// configuration's `files.deliverables` globs (by default `deliverables/**`
    /// and `final/**`) whatever its stage. The finding points at the `stage`
    /// value, or at the use's `id` when there is no stage.
    ///
    /// ### Why it matters
    /// The fourth of Netflix's five guiding principles is that generated material
    /// is temporary and not part of the final deliverables, and the reporting
    /// section lists final deliverables among the outputs that need written
    /// approval before going ahead. Ideation, previs and temp material can go
    /// ahead on disclosure alone; anything the audience will see or hear needs
    /// the studio's written approval.
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
    ///       human-input: "matte painter repainted the sky and graded it to the plate"
    /// ```
    /// Either record an approval for this use, or keep the generated sky as temp
    /// material for the edit and replace it with the matte painting before delivery.
    ///
    /// Use instead:
    /// ```yaml
    /// genai:
    ///   disclosed: { to: "M. Chen, Netflix creative production", on: 2025-09-02 }
    ///   uses:
    ///     - id: relay-sky
    ///       stage: temp
    ///       output: image
    ///       elements: [background]
    ///       tools: [{ name: "Imagen 4", enterprise: true, trains-on-inputs: false }]
    /// ```
    pub GENERATED_FINAL_DELIVERABLE {
        code: "GA203",
        name: "generated-final-deliverable",
        level: Approval,
        summary: "generated material is part of a final deliverable",
        guideline: "Netflix GenAI guidelines, principle 4 and reporting: generated material in final deliverables needs written approval",
        pack: crate::rules::NETFLIX,
        check: Check::Use(check),
    }
}

fn check(u: &Use, ctx: &Context, out: &mut Vec<Finding>) {
    let approve = approval_help(&GENERATED_FINAL_DELIVERABLE, u, ctx);
    let f = match u.stage.as_ref() {
        Some(stage) if stage.value == Stage::Final => {
            let f = Finding::for_use(
                &GENERATED_FINAL_DELIVERABLE,
                u,
                stage.span.clone(),
                "generated material in a final deliverable needs written approval",
            )
            .label("final material")
            .help(approve);
            if ctx.deliverable {
                f.note("the file also lies under `files.deliverables`")
            } else {
                f
            }
        }
        stage if ctx.deliverable => {
            let (span, label) = match stage {
                Some(s) => (
                    s.span.clone(),
                    format!(
                        "declared `{}`, but the file lies under `files.deliverables`",
                        s.value
                    ),
                ),
                None => (
                    u.anchor(),
                    "the file lies under `files.deliverables`".to_owned(),
                ),
            };
            Finding::for_use(
                &GENERATED_FINAL_DELIVERABLE,
                u,
                span,
                "generated material in a deliverable file needs written approval",
            )
            .label(label)
            .help(format!(
                "replace the generated material before it is delivered, or {approve}"
            ))
        }
        _ => return,
    };
    out.push(f);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_util::{check, check_all, ctx, fire, one_use, spanned};

    const HUMAN: &str = "human-input: \"matte painter repainted the sky\"";

    #[test]
    fn final_stage_points_at_the_stage() {
        let text = one_use(&format!("stage: final\n{HUMAN}"));
        let found = fire(&GENERATED_FINAL_DELIVERABLE, &text);
        assert_eq!(spanned(&text, &found), ["final"]);
        assert_eq!(
            found[0].message,
            "generated material in a final deliverable needs written approval"
        );
        assert!(found[0].notes.is_empty());
        assert!(found[0].help.as_deref().unwrap().contains("--rule GA203"));
    }

    #[test]
    fn any_stage_in_a_deliverable_file_fires() {
        let deliverable = Context {
            deliverable: true,
            ..ctx()
        };
        let text = one_use("stage: temp");
        let found = check(&GENERATED_FINAL_DELIVERABLE, &text, &deliverable);
        assert_eq!(spanned(&text, &found), ["temp"]);
        assert_eq!(
            found[0].label.as_deref(),
            Some("declared `temp`, but the file lies under `files.deliverables`")
        );

        let text = one_use(&format!("stage: final\n{HUMAN}"));
        let found = check(&GENERATED_FINAL_DELIVERABLE, &text, &deliverable);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].notes,
            ["the file also lies under `files.deliverables`"]
        );
    }

    #[test]
    fn without_a_stage_points_at_the_use_id() {
        let deliverable = Context {
            deliverable: true,
            ..ctx()
        };
        // No `stage`: the reader reports GA004, and GA203 still judges the file.
        let text = "genai:\n  uses:\n    - id: sky\n      output: image\n";
        let found: Vec<_> = check_all(text, &deliverable)
            .into_iter()
            .filter(|f| std::ptr::eq(f.rule, &GENERATED_FINAL_DELIVERABLE))
            .collect();
        assert_eq!(spanned(text, &found), ["sky"]);
        assert_eq!(
            found[0].message,
            "generated material in a deliverable file needs written approval"
        );
    }

    #[test]
    fn temporary_stages_pass() {
        for stage in ["ideation", "previs", "temp"] {
            let text = one_use(&format!("stage: {stage}"));
            assert!(
                fire(&GENERATED_FINAL_DELIVERABLE, &text).is_empty(),
                "{stage}"
            );
        }
    }
}
