use crate::declaration::{At, Input, Training, Use};
use crate::rules::{Check, Context, Finding, approval_help, declare_rule};

/// Inputs that belong to other rights holders.
const OTHERS_WORK: &[Input] = &[Input::ThirdPartyWork, Input::TalentLikeness];

declare_rule! {
    /// ### What it does
    /// Reports a use that trains or fine-tunes a model (`training` is
    /// `fine-tune` or `train`) on the work of others: `inputs` include
    /// `third-party-work` or `talent-likeness`. The finding points at the
    /// `training` value.
    ///
    /// ### Why it matters
    /// Netflix's guidelines, under data use, require escalation and written
    /// approval for training or fine-tuning on the work of artists, performers or
    /// other rights holders without legal clearance; their example is an image
    /// model trained on one artist's past work. The use-case matrix escalates
    /// unowned training data such as celebrity faces or copyrighted art. For
    /// performers, the talent section adds that a model trained on a performer
    /// serves that production only, unless all parties consent.
    ///
    /// ### Example
    /// ```yaml
    /// genai:
    ///   disclosed: { to: "M. Chen, Netflix creative production", on: 2025-09-02 }
    ///   uses:
    ///     - id: matte-style-model
    ///       description: "style model fine-tuned on a concept artist's published portfolio"
    ///       stage: previs
    ///       output: image
    ///       training: fine-tune
    ///       inputs: [third-party-work]
    ///       tools: [{ name: "Imagen 4", enterprise: true, trains-on-inputs: false }]
    /// ```
    /// Use instead:
    /// ```yaml
    /// genai:
    ///   disclosed: { to: "M. Chen, Netflix creative production", on: 2025-09-02 }
    ///   uses:
    ///     - id: matte-style-model
    ///       description: "style model fine-tuned on the show's own concept art and licensed plates"
    ///       stage: previs
    ///       output: image
    ///       training: fine-tune
    ///       inputs: [original, licensed]
    ///       tools: [{ name: "Imagen 4", enterprise: true, trains-on-inputs: false }]
    /// ```
    pub TRAINING_ON_THIRD_PARTY_WORK {
        code: "GA104",
        name: "training-on-third-party-work",
        level: Approval,
        summary: "a model is trained or fine-tuned on third-party work or a performer's likeness",
        guideline: "Netflix GenAI guidelines, data use: training or fine-tuning on the work of artists, performers or other rights holders needs legal clearance and written approval",
        pack: crate::rules::NETFLIX,
        check: Check::Use(check),
    }
}

fn check(u: &Use, ctx: &Context, out: &mut Vec<Finding>) {
    let Some(training) = u.training.as_ref().filter(|t| t.value != Training::None) else {
        return;
    };
    let hits: Vec<&At<Input>> = u
        .inputs
        .iter()
        .filter(|i| OTHERS_WORK.contains(&i.value))
        .collect();
    let Some((first, rest)) = hits.split_first() else {
        return;
    };
    let verb = match training.value {
        Training::FineTune => "fine-tuning",
        _ => "training",
    };
    let whose = match first.value {
        Input::TalentLikeness => "a performer's likeness",
        _ => "third-party work",
    };
    let mut f = Finding::for_use(
        &TRAINING_ON_THIRD_PARTY_WORK,
        u,
        training.span.clone(),
        format!("{verb} on {whose} needs legal clearance and written approval"),
    )
    .label(format!("`{}` on `{}`", training.value, first.value))
    .help(format!(
        "train only on original, licensed or public-domain material, or {}",
        approval_help(&TRAINING_ON_THIRD_PARTY_WORK, u, ctx)
    ));
    for other in rest {
        f = f.note(format!("the inputs also include `{}`", other.value));
    }
    out.push(f);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_util::{fire, one_use, spanned};

    #[test]
    fn fine_tuning_on_third_party_work_points_at_training() {
        let text = one_use("training: fine-tune\ninputs: [original, third-party-work]");
        let found = fire(&TRAINING_ON_THIRD_PARTY_WORK, &text);
        assert_eq!(spanned(&text, &found), ["fine-tune"]);
        assert_eq!(
            found[0].message,
            "fine-tuning on third-party work needs legal clearance and written approval"
        );
        assert_eq!(
            found[0].label.as_deref(),
            Some("`fine-tune` on `third-party-work`")
        );
    }

    #[test]
    fn training_on_likeness_fires_once_with_a_note() {
        let text = one_use("training: train\ninputs: [talent-likeness, third-party-work]");
        let found = fire(&TRAINING_ON_THIRD_PARTY_WORK, &text);
        assert_eq!(found.len(), 1);
        assert_eq!(spanned(&text, &found), ["train"]);
        assert_eq!(
            found[0].message,
            "training on a performer's likeness needs legal clearance and written approval"
        );
        assert_eq!(
            found[0].notes,
            ["the inputs also include `third-party-work`"]
        );
    }

    #[test]
    fn no_training_or_own_material_passes() {
        for lines in [
            "inputs: [third-party-work]",
            "training: none\ninputs: [third-party-work]",
            "training: fine-tune\ninputs: [original, licensed, public-domain]",
            "training: train",
        ] {
            assert!(
                fire(&TRAINING_ON_THIRD_PARTY_WORK, &one_use(lines)).is_empty(),
                "{lines}"
            );
        }
    }
}
