use crate::declaration::{Talent, TalentKind, Use};
use crate::rules::{Check, Context, Finding, approval_help, declare_rule};

declare_rule! {
    /// ### What it does
    /// Reports a use with a talent entry of `kind` `replica`, `synthetic-voice`
    /// or `alteration`: re-ageing, a digital double, a synthetic voice, visual
    /// ADR. It fires whether or not `consent` is recorded; consent is GA301's and
    /// GA302's concern, the studio's written approval is this rule's. The finding
    /// points at the first such `kind`; the others of the same use are listed as
    /// notes. One approval per use clears it.
    ///
    /// ### Why it matters
    /// Netflix's guidelines, under talent and performance, require escalation
    /// and written approval for digital performers, voices or likenesses of real
    /// talent and for significant alterations of a performance, on top of the
    /// performer's documented consent and guild compliance. The use-case matrix
    /// escalates talent replication such as re-ageing and synthetic voices. The
    /// talent-enhancement section adds that a model trained on a performer
    /// serves that production only, unless all parties consent.
    ///
    /// ### Example
    /// ```yaml
    /// genai:
    ///   disclosed: { to: "M. Chen, Netflix creative production", on: 2025-09-02 }
    ///   uses:
    ///     - id: radio-voice
    ///       description: "synthetic voice for the pickup lines of the radio operator"
    ///       stage: temp
    ///       output: voice
    ///       tools: [{ name: "Voicebox", enterprise: true, trains-on-inputs: false }]
    ///       talent:
    ///         - performer: "Sam Okafor"
    ///           union: SAG-AFTRA
    ///           kind: synthetic-voice
    ///           consent: "legal/consents/okafor-voice-2025-08-30.pdf"
    /// ```
    /// Either record an approval for this use, or limit the tool to customary
    /// clean-up of the recorded performance.
    ///
    /// Use instead:
    /// ```yaml
    /// genai:
    ///   disclosed: { to: "M. Chen, Netflix creative production", on: 2025-09-02 }
    ///   uses:
    ///     - id: radio-voice
    ///       description: "noise reduction and clarity on the operator's recorded pickup lines"
    ///       stage: temp
    ///       output: voice
    ///       tools: [{ name: "Voicebox", enterprise: true, trains-on-inputs: false }]
    ///       talent:
    ///         - performer: "Sam Okafor"
    ///           union: SAG-AFTRA
    ///           kind: customary-alteration
    /// ```
    pub PERFORMANCE_REPLICATION {
        code: "GA304",
        name: "performance-replication",
        level: Approval,
        summary: "a performer is replicated, voiced synthetically or altered",
        guideline: "Netflix GenAI guidelines, talent and performance: digital replicas, synthetic voices and significant alterations need written approval as well as consent",
        pack: crate::rules::NETFLIX,
        check: Check::Use(check),
    }
}

fn replicates(t: &Talent) -> Option<TalentKind> {
    let kind = t.kind.as_ref()?.value;
    matches!(
        kind,
        TalentKind::Replica | TalentKind::SyntheticVoice | TalentKind::Alteration
    )
    .then_some(kind)
}

fn describe(kind: TalentKind, who: &str) -> String {
    match kind {
        TalentKind::Replica => format!("digital replica of `{who}`"),
        TalentKind::SyntheticVoice => format!("synthetic voice of `{who}`"),
        _ => format!("alteration of `{who}`'s performance"),
    }
}

fn check(u: &Use, ctx: &Context, out: &mut Vec<Finding>) {
    let hits: Vec<&Talent> = u
        .talent
        .iter()
        .filter(|t| replicates(t).is_some())
        .collect();
    let Some((first, rest)) = hits.split_first() else {
        return;
    };
    let (Some(kind), Some(at)) = (replicates(first), first.kind.as_ref()) else {
        return;
    };
    let mut f = Finding::for_use(
        &PERFORMANCE_REPLICATION,
        u,
        at.span.clone(),
        format!(
            "{} needs the studio's written approval",
            describe(kind, &first.performer.value)
        ),
    )
    .label("consent alone is not enough")
    .help(approval_help(&PERFORMANCE_REPLICATION, u, ctx));
    for t in rest {
        if let Some(kind) = replicates(t) {
            f = f.note(format!("also: {}", describe(kind, &t.performer.value)));
        }
    }
    out.push(f.note("the performer's consent is needed as well (GA301, GA302)"));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_util::{fire, one_use, spanned};

    #[test]
    fn replication_fires_even_with_consent() {
        for (kind, message) in [
            (
                "replica",
                "digital replica of `Dana Ruiz` needs the studio's written approval",
            ),
            (
                "synthetic-voice",
                "synthetic voice of `Dana Ruiz` needs the studio's written approval",
            ),
            (
                "alteration",
                "alteration of `Dana Ruiz`'s performance needs the studio's written approval",
            ),
        ] {
            let text = one_use(&format!(
                "talent: [{{ performer: Dana Ruiz, kind: {kind}, consent: \"consents/ruiz.pdf\" }}]"
            ));
            let found = fire(&PERFORMANCE_REPLICATION, &text);
            assert_eq!(spanned(&text, &found), [kind]);
            assert_eq!(found[0].message, message);
            assert!(found[0].help.as_deref().unwrap().contains("--rule GA304"));
        }
    }

    #[test]
    fn one_finding_per_use() {
        let text = one_use(
            "talent:\n  - { performer: A, kind: customary-alteration }\n  - { performer: B, kind: alteration, consent: x }\n  - { performer: C, kind: replica, consent: y }",
        );
        let found = fire(&PERFORMANCE_REPLICATION, &text);
        assert_eq!(found.len(), 1);
        assert_eq!(spanned(&text, &found), ["alteration"]);
        assert_eq!(found[0].notes[0], "also: digital replica of `C`");
    }

    #[test]
    fn other_kinds_pass() {
        for talent in [
            "{ performer: A, kind: customary-alteration }",
            "{ performer: A, kind: synthetic-performer }",
            "{ performer: A }",
        ] {
            let text = one_use(&format!("talent: [{talent}]"));
            assert!(fire(&PERFORMANCE_REPLICATION, &text).is_empty(), "{talent}");
        }
    }
}
