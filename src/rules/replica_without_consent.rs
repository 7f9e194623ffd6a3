use crate::declaration::{TalentKind, Use};
use crate::rules::{Check, Context, Finding, declare_rule};

declare_rule! {
    /// ### What it does
    /// Reports a talent entry without `consent` whose `kind` is `replica` (a
    /// digital replica of the performer) or `synthetic-voice`, or whose performer
    /// is `deceased: true` (unless the entry is an `alteration`, which GA302
    /// covers, or a `customary-alteration`, which needs no consent). The finding
    /// points at the `kind` value, or at `deceased` when that is the reason.
    ///
    /// ### Why it matters
    /// Under talent and performance, Netflix's guidelines require explicit,
    /// documented consent and guild compliance for digital performers, voices or
    /// likenesses of real talent, and the talent-enhancement section repeats that
    /// a digital replica needs consent. The SAG-AFTRA 2023 TV/Theatrical agreement
    /// spells out the form: clear, conspicuous and separately signed, with a
    /// reasonably specific description of the intended use; for a deceased
    /// performer, the consent of their authorised representative or of the union.
    /// This is a hard rule: no approval can stand in for the performer's consent.
    ///
    /// ### Example
    /// ```yaml
    /// genai:
    ///   disclosed: { to: "M. Chen, Netflix creative production", on: 2025-09-02 }
    ///   uses:
    ///     - id: stunt-replica
    ///       stage: previs
    ///       output: video
    ///       tools: [{ name: "Veo 3", enterprise: true, trains-on-inputs: false }]
    ///       talent:
    ///         - { performer: "Dana Ruiz", union: SAG-AFTRA, kind: replica }
    /// ```
    /// Use instead:
    /// ```yaml
    /// genai:
    ///   disclosed: { to: "M. Chen, Netflix creative production", on: 2025-09-02 }
    ///   uses:
    ///     - id: stunt-replica
    ///       stage: previs
    ///       output: video
    ///       tools: [{ name: "Veo 3", enterprise: true, trains-on-inputs: false }]
    ///       talent:
    ///         - performer: "Dana Ruiz"
    ///           union: SAG-AFTRA
    ///           kind: replica
    ///           consent: "legal/consents/ruiz-digital-replica-2025-08-30.pdf"
    /// ```
    pub REPLICA_WITHOUT_CONSENT {
        code: "GA301",
        name: "replica-without-consent",
        level: Deny,
        summary: "a digital replica or synthetic voice of a performer has no recorded consent",
        guideline: "Netflix GenAI guidelines, talent and performance; SAG-AFTRA 2023: a digital replica or synthetic voice needs the performer's documented consent",
        pack: crate::rules::NETFLIX,
        check: Check::Use(check),
    }
}

fn check(u: &Use, _ctx: &Context, out: &mut Vec<Finding>) {
    for t in &u.talent {
        if t.consent.is_some() {
            continue;
        }
        let deceased = t.deceased.as_ref().filter(|d| d.value);
        let who = &t.performer.value;
        let (span, message, label) = match (&t.kind, deceased) {
            (Some(k), _) if k.value == TalentKind::Replica => (
                k.span.clone(),
                format!("digital replica of `{who}` has no recorded consent"),
                "a digital replica needs the performer's consent",
            ),
            (Some(k), _) if k.value == TalentKind::SyntheticVoice => (
                k.span.clone(),
                format!("synthetic voice of `{who}` has no recorded consent"),
                "a synthetic voice needs the performer's consent",
            ),
            (Some(k), _)
                if matches!(
                    k.value,
                    TalentKind::Alteration | TalentKind::CustomaryAlteration
                ) =>
            {
                continue;
            }
            (_, Some(d)) => (
                d.span.clone(),
                format!("likeness of deceased performer `{who}` is used without recorded consent"),
                "deceased performer",
            ),
            _ => continue,
        };
        let help = if deceased.is_some() {
            "record the consent of the performer's authorised representative (or the union): \
             `consent: \"DOCUMENT\"`"
        } else {
            "record the performer's separately signed consent, with a specific description of \
             the use: `consent: \"DOCUMENT\"`"
        };
        let mut f = Finding::for_use(&REPLICA_WITHOUT_CONSENT, u, span, message)
            .label(label)
            .help(help);
        if deceased.is_some() && t.kind.is_some() {
            f = f.note(format!("`{who}` is declared `deceased: true`"));
        }
        out.push(f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_util::{fire, one_use, spanned};

    #[test]
    fn replica_and_voice_without_consent_point_at_the_kind() {
        let text = one_use(
            "talent:\n  - { performer: Dana Ruiz, kind: replica }\n  - { performer: Sam Okafor, kind: synthetic-voice }",
        );
        let found = fire(&REPLICA_WITHOUT_CONSENT, &text);
        assert_eq!(spanned(&text, &found), ["replica", "synthetic-voice"]);
        assert_eq!(
            found[0].message,
            "digital replica of `Dana Ruiz` has no recorded consent"
        );
        assert_eq!(
            found[1].message,
            "synthetic voice of `Sam Okafor` has no recorded consent"
        );
        assert!(
            found[0]
                .help
                .as_deref()
                .unwrap()
                .contains("separately signed")
        );
    }

    #[test]
    fn deceased_performer_without_consent() {
        let text = one_use("talent: [{ performer: Ada Vance, deceased: true }]");
        let found = fire(&REPLICA_WITHOUT_CONSENT, &text);
        assert_eq!(spanned(&text, &found), ["true"]);
        assert!(
            found[0]
                .help
                .as_deref()
                .unwrap()
                .contains("authorised representative")
        );

        let text =
            one_use("talent: [{ performer: Ada Vance, kind: synthetic-voice, deceased: true }]");
        let found = fire(&REPLICA_WITHOUT_CONSENT, &text);
        assert_eq!(spanned(&text, &found), ["synthetic-voice"]);
        assert_eq!(found[0].notes, ["`Ada Vance` is declared `deceased: true`"]);
    }

    #[test]
    fn consent_or_other_kinds_pass() {
        for talent in [
            "{ performer: Dana Ruiz, kind: replica, consent: \"consents/ruiz.pdf\" }",
            "{ performer: Ada Vance, deceased: true, consent: \"estate letter 2025-08-01\" }",
            "{ performer: Dana Ruiz, kind: customary-alteration }",
            "{ performer: Dana Ruiz, kind: alteration, deceased: true }",
            "{ performer: Dana Ruiz, kind: synthetic-performer }",
            "{ performer: Dana Ruiz, deceased: false }",
        ] {
            let text = one_use(&format!("talent: [{talent}]"));
            assert!(fire(&REPLICA_WITHOUT_CONSENT, &text).is_empty(), "{talent}");
        }
    }
}
