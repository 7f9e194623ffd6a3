use crate::declaration::{Reference, Use};
use crate::rules::{Check, Context, Finding, declare_rule};
use crate::source::Span;

declare_rule! {
    /// ### What it does
    /// Reports a use whose `references` include `real-event` or `real-person`, or
    /// that declares `mistakable-for-real: true`: generated material that depicts
    /// real events or people, or that an audience could take for real footage or
    /// statements. The finding points at the first such value; the others of the
    /// same use are listed as notes.
    ///
    /// The rule is `deny` by default; a project whose studio allows such uses
    /// case by case sets `real-world: approval` in its configuration, and then an
    /// approval per use clears it.
    ///
    /// ### Why it matters
    /// Netflix's guidelines, under ethics and representation, name content that
    /// could be mistaken for real events, people or statements; their example is
    /// a fake news segment with a real journalist, even one only in the
    /// background. Audiences should be able to trust what they see and hear. The
    /// guidelines page itself asks for written approval, while the reporting on
    /// their release describes GenAI storylines or visuals based on real-world
    /// events as off-limits; aiclear follows the stricter reading by default.
    ///
    /// ### Example
    /// ```yaml
    /// genai:
    ///   disclosed: { to: "M. Chen, Netflix creative production", on: 2025-09-02 }
    ///   uses:
    ///     - id: newscast-insert
    ///       description: "TV news segment about last winter's grid failure"
    ///       stage: previs
    ///       output: video
    ///       references: [real-event]
    ///       mistakable-for-real: true
    ///       tools: [{ name: "Veo 3", enterprise: true, trains-on-inputs: false }]
    /// ```
    /// Use instead:
    /// ```yaml
    /// genai:
    ///   disclosed: { to: "M. Chen, Netflix creative production", on: 2025-09-02 }
    ///   uses:
    ///     - id: newscast-insert
    ///       description: "fictional channel and anchor reporting the story's own blackout"
    ///       stage: previs
    ///       output: video
    ///       mistakable-for-real: false
    ///       tools: [{ name: "Veo 3", enterprise: true, trains-on-inputs: false }]
    /// ```
    pub REAL_WORLD_DEPICTION {
        code: "GA401",
        name: "real-world-depiction",
        level: Deny,
        summary: "generated material depicts real events or people, or could be mistaken for real",
        guideline: "Netflix GenAI guidelines, ethics and representation: content that could be mistaken for real events, people or statements is off-limits by default",
        pack: crate::rules::NETFLIX,
        check: Check::Use(check),
    }
}

fn check(u: &Use, _ctx: &Context, out: &mut Vec<Finding>) {
    // (span, message, label, note)
    let mut hits: Vec<(Span, &str, &str, &str)> = Vec::new();
    for r in &u.references {
        match r.value {
            Reference::RealEvent => hits.push((
                r.span.clone(),
                "depiction of a real event generated with GenAI is off-limits",
                "real event",
                "the use also references a real event",
            )),
            Reference::RealPerson => hits.push((
                r.span.clone(),
                "depiction of a real person generated with GenAI is off-limits",
                "real person",
                "the use also references a real person",
            )),
            _ => {}
        }
    }
    if let Some(flag) = u.mistakable_for_real.as_ref().filter(|f| f.value) {
        hits.push((
            flag.span.clone(),
            "generated material that could be mistaken for real is off-limits",
            "could be taken for real footage or statements",
            "the use also declares `mistakable-for-real: true`",
        ));
    }
    hits.sort_by_key(|h| h.0.start);
    let Some(((span, message, label, _), rest)) = hits.split_first() else {
        return;
    };
    let mut f = Finding::for_use(&REAL_WORLD_DEPICTION, u, span.clone(), *message)
        .label(*label)
        .help(
            "fictionalise it: drop the real event or person from the material and its \
             `references`, and make sure it cannot be taken for real (`mistakable-for-real: false`)",
        );
    for (_, _, _, note) in rest {
        f = f.note(*note);
    }
    out.push(f);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_util::{fire, one_use, spanned};

    #[test]
    fn real_references_fire_at_the_value() {
        for (reference, message) in [
            (
                "real-event",
                "depiction of a real event generated with GenAI is off-limits",
            ),
            (
                "real-person",
                "depiction of a real person generated with GenAI is off-limits",
            ),
        ] {
            let text = one_use(&format!("references: [copyrighted-work, {reference}]"));
            let found = fire(&REAL_WORLD_DEPICTION, &text);
            assert_eq!(spanned(&text, &found), [reference]);
            assert_eq!(found[0].message, message);
        }
    }

    #[test]
    fn mistakable_for_real_fires_at_the_flag() {
        let text = one_use("mistakable-for-real: true");
        let found = fire(&REAL_WORLD_DEPICTION, &text);
        assert_eq!(spanned(&text, &found), ["true"]);
        assert_eq!(found[0].use_id.as_deref(), Some("shot-010"));
    }

    #[test]
    fn one_finding_per_use_at_the_first_value() {
        let text = one_use("mistakable-for-real: true\nreferences: [real-person, real-event]");
        let found = fire(&REAL_WORLD_DEPICTION, &text);
        assert_eq!(found.len(), 1);
        assert_eq!(spanned(&text, &found), ["true"]);
        assert_eq!(
            found[0].notes,
            [
                "the use also references a real person",
                "the use also references a real event",
            ]
        );
    }

    #[test]
    fn fiction_passes() {
        assert!(
            fire(
                &REAL_WORLD_DEPICTION,
                &one_use("mistakable-for-real: false")
            )
            .is_empty()
        );
        let text = one_use("references: [copyrighted-work, public-figure, deceased-person]");
        assert!(fire(&REAL_WORLD_DEPICTION, &text).is_empty());
    }
}
