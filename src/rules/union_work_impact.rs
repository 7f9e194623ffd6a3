use crate::declaration::{TalentKind, Use};
use crate::rules::{Check, Context, Finding, approval_help, declare_rule};
use crate::source::Span;

declare_rule! {
    /// ### What it does
    /// Reports a use that declares `union-impact: true` (it replaces or materially
    /// affects work that union members would otherwise do) or that has a talent
    /// entry of `kind: synthetic-performer`. The finding points at the first such
    /// value; the others of the same use are listed as notes. One approval per
    /// use clears it.
    ///
    /// ### Why it matters
    /// The fifth of Netflix's five guiding principles is that GenAI does not
    /// replace or generate talent performances or union-covered work without
    /// consent, and under ethics and representation the guidelines list replacing
    /// or materially affecting union-represented work among the cases that need
    /// written approval. The SAG-AFTRA 2023 TV/Theatrical agreement requires
    /// notice to the union, and a chance to bargain, before a synthetic performer
    /// is used in a human role; the WGA 2023 MBA (Article 72) keeps GenAI output
    /// from counting as literary material or displacing a writer's credit.
    ///
    /// ### Example
    /// ```yaml
    /// genai:
    ///   disclosed: { to: "M. Chen, Netflix creative production", on: 2025-09-02 }
    ///   uses:
    ///     - id: ep101-boards
    ///       description: "storyboards for the episode generated instead of drawn by the board artist"
    ///       stage: previs
    ///       output: image
    ///       union-impact: true
    ///       tools: [{ name: "Imagen 4", enterprise: true, trains-on-inputs: false }]
    /// ```
    /// Either record an approval for this use, or keep the union work with the
    /// people who do it and use GenAI around it.
    ///
    /// Use instead:
    /// ```yaml
    /// genai:
    ///   disclosed: { to: "M. Chen, Netflix creative production", on: 2025-09-02 }
    ///   uses:
    ///     - id: ep101-boards-reference
    ///       description: "reference moodboard the board artist asked for; the boards are hand-drawn"
    ///       stage: ideation
    ///       output: image
    ///       union-impact: false
    ///       tools: [{ name: "Imagen 4", enterprise: true, trains-on-inputs: false }]
    /// ```
    pub UNION_WORK_IMPACT {
        code: "GA303",
        name: "union-work-impact",
        level: Approval,
        summary: "a use replaces or materially affects union-covered work",
        guideline: "Netflix GenAI guidelines, principle 5 and ethics; SAG-AFTRA 2023: replacing or materially affecting union-covered work needs written approval",
        pack: crate::rules::NETFLIX,
        check: Check::Use(check),
    }
}

fn check(u: &Use, ctx: &Context, out: &mut Vec<Finding>) {
    // (span, message, label, note)
    let mut hits: Vec<(Span, String, &str, String)> = Vec::new();
    if let Some(flag) = u.union_impact.as_ref().filter(|f| f.value) {
        hits.push((
            flag.span.clone(),
            "union-covered work affected by GenAI needs written approval".to_owned(),
            "declared to affect union-covered work",
            "the use declares `union-impact: true`".to_owned(),
        ));
    }
    let mut synthetic = false;
    for t in &u.talent {
        if let Some(kind) = t
            .kind
            .as_ref()
            .filter(|k| k.value == TalentKind::SyntheticPerformer)
        {
            synthetic = true;
            hits.push((
                kind.span.clone(),
                format!(
                    "synthetic performer `{}` needs written approval",
                    t.performer.value
                ),
                "a synthetic performer in a human role",
                format!("`{}` is a synthetic performer", t.performer.value),
            ));
        }
    }
    hits.sort_by_key(|h| h.0.start);
    let Some(((span, message, label, _), rest)) = hits.split_first() else {
        return;
    };
    let mut f = Finding::for_use(&UNION_WORK_IMPACT, u, span.clone(), message)
        .label(*label)
        .help(approval_help(&UNION_WORK_IMPACT, u, ctx));
    for (_, _, _, note) in rest {
        f = f.note(format!("also: {note}"));
    }
    if synthetic {
        f = f.note(
            "SAG-AFTRA requires notice to the union, and a chance to bargain, before a \
             synthetic performer is used in a human role",
        );
    }
    out.push(f);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_util::{fire, one_use, spanned};

    #[test]
    fn union_impact_points_at_the_flag() {
        let text = one_use("union-impact: true");
        let found = fire(&UNION_WORK_IMPACT, &text);
        assert_eq!(spanned(&text, &found), ["true"]);
        assert_eq!(
            found[0].message,
            "union-covered work affected by GenAI needs written approval"
        );
        assert!(found[0].notes.is_empty());
        assert!(found[0].help.as_deref().unwrap().contains("--rule GA303"));
    }

    #[test]
    fn synthetic_performer_points_at_the_kind() {
        let text = one_use("talent: [{ performer: Nova, kind: synthetic-performer }]");
        let found = fire(&UNION_WORK_IMPACT, &text);
        assert_eq!(spanned(&text, &found), ["synthetic-performer"]);
        assert_eq!(
            found[0].message,
            "synthetic performer `Nova` needs written approval"
        );
        assert!(found[0].notes[0].starts_with("SAG-AFTRA requires notice"));
    }

    #[test]
    fn one_finding_per_use_at_the_first_value() {
        let text =
            one_use("talent: [{ performer: Nova, kind: synthetic-performer }]\nunion-impact: true");
        let found = fire(&UNION_WORK_IMPACT, &text);
        assert_eq!(found.len(), 1);
        assert_eq!(spanned(&text, &found), ["synthetic-performer"]);
        assert_eq!(
            found[0].notes[0],
            "also: the use declares `union-impact: true`"
        );
    }

    #[test]
    fn no_union_impact_passes() {
        assert!(fire(&UNION_WORK_IMPACT, &one_use("union-impact: false")).is_empty());
        let text = one_use("talent: [{ performer: A, kind: customary-alteration }]");
        assert!(fire(&UNION_WORK_IMPACT, &text).is_empty());
    }
}
