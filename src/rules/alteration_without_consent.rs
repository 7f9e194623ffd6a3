use crate::declaration::{TalentKind, Use};
use crate::rules::{Check, Context, Finding, declare_rule};

declare_rule! {
    /// ### What it does
    /// Reports a talent entry of `kind: alteration` (a change to the tone,
    /// delivery or intent of a recorded performance) that has no `consent`. A
    /// `customary-alteration` needs no consent and is not reported. The finding
    /// points at the `kind` value.
    ///
    /// ### Why it matters
    /// Netflix's guidelines, under talent and performance, single out
    /// significant alterations of a performance's tone, delivery or intent; their
    /// example is visual ADR that puts new, unscripted dialogue in a performer's
    /// mouth. The SAG-AFTRA 2023 TV/Theatrical agreement requires the performer's
    /// consent for digital alteration, except for customary post-production. The
    /// guidelines' talent-enhancement section lists what is customary: cosmetics,
    /// wardrobe, noise reduction, timing, continuity, pitch and clarity, and the
    /// dubbing or doubles the agreements allow.
    ///
    /// ### Example
    /// ```yaml
    /// genai:
    ///   disclosed: { to: "M. Chen, Netflix creative production", on: 2025-09-02 }
    ///   uses:
    ///     - id: scene-12-adr
    ///       description: "visual ADR: new line replacing the scripted one in scene 12"
    ///       stage: temp
    ///       output: video
    ///       tools: [{ name: "Veo 3", enterprise: true, trains-on-inputs: false }]
    ///       talent:
    ///         - { performer: "Dana Ruiz", union: SAG-AFTRA, kind: alteration }
    /// ```
    /// Use instead:
    /// ```yaml
    /// genai:
    ///   disclosed: { to: "M. Chen, Netflix creative production", on: 2025-09-02 }
    ///   uses:
    ///     - id: scene-12-adr
    ///       description: "visual ADR: new line replacing the scripted one in scene 12"
    ///       stage: temp
    ///       output: video
    ///       tools: [{ name: "Veo 3", enterprise: true, trains-on-inputs: false }]
    ///       talent:
    ///         - performer: "Dana Ruiz"
    ///           union: SAG-AFTRA
    ///           kind: alteration
    ///           consent: "legal/consents/ruiz-scene-12-adr-2025-09-01.pdf"
    /// ```
    pub ALTERATION_WITHOUT_CONSENT {
        code: "GA302",
        name: "alteration-without-consent",
        level: Deny,
        summary: "a performance is digitally altered without recorded consent",
        guideline: "Netflix GenAI guidelines, talent and performance; SAG-AFTRA 2023: altering a performance beyond customary post-production needs the performer's consent",
        pack: crate::rules::NETFLIX,
        check: Check::Use(check),
    }
}

fn check(u: &Use, _ctx: &Context, out: &mut Vec<Finding>) {
    for t in &u.talent {
        let Some(kind) = t
            .kind
            .as_ref()
            .filter(|k| k.value == TalentKind::Alteration)
        else {
            continue;
        };
        if t.consent.is_some() {
            continue;
        }
        out.push(
            Finding::for_use(
                &ALTERATION_WITHOUT_CONSENT,
                u,
                kind.span.clone(),
                format!(
                    "alteration of `{}`'s performance has no recorded consent",
                    t.performer.value
                ),
            )
            .label("changes the performance beyond customary post-production")
            .help(
                "record the performer's consent to this alteration: `consent: \"DOCUMENT\"`; \
                 if the change is customary (cosmetics, wardrobe, noise reduction, timing, \
                 continuity, pitch, clarity), write `kind: customary-alteration`",
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_util::{fire, one_use, spanned};

    #[test]
    fn alteration_without_consent_points_at_the_kind() {
        let text = one_use("talent:\n  - performer: Dana Ruiz\n    kind: alteration");
        let found = fire(&ALTERATION_WITHOUT_CONSENT, &text);
        assert_eq!(spanned(&text, &found), ["alteration"]);
        assert_eq!(
            found[0].message,
            "alteration of `Dana Ruiz`'s performance has no recorded consent"
        );
        assert_eq!(found[0].use_id.as_deref(), Some("shot-010"));
    }

    #[test]
    fn one_finding_per_performer() {
        let text = one_use(
            "talent:\n  - { performer: A, kind: alteration }\n  - { performer: B, kind: alteration }",
        );
        assert_eq!(fire(&ALTERATION_WITHOUT_CONSENT, &text).len(), 2);
    }

    #[test]
    fn consent_and_customary_alterations_pass() {
        for talent in [
            "{ performer: A, kind: alteration, consent: \"consents/a.pdf\" }",
            "{ performer: A, kind: customary-alteration }",
            "{ performer: A, kind: replica }",
            "{ performer: A }",
        ] {
            let text = one_use(&format!("talent: [{talent}]"));
            assert!(
                fire(&ALTERATION_WITHOUT_CONSENT, &text).is_empty(),
                "{talent}"
            );
        }
    }
}
