use crate::declaration::{At, Element, Prominence, Use};
use crate::rules::{Check, Context, Finding, approval_help, declare_rule};

declare_rule! {
    /// ### What it does
    /// Reports a use whose `elements` include something seen on screen that may
    /// need clearance, `signage`, `document`, `prop` or `set-extension`, when its
    /// `prominence` is `featured` or `story-relevant`. Without a `prominence` key
    /// it counts as `featured`. With `prominence: incidental` this rule reports
    /// nothing. The finding points at the first such element; the others of the
    /// same use are listed as notes. One approval per use clears it.
    ///
    /// ### Why it matters
    /// Netflix's section on final versus temporary material asks productions to
    /// flag early any AI element that will be seen or heard on screen: posters,
    /// documents, signage and news clippings may need rights clearance before the
    /// final delivery. A brief background item that nobody refers to can be
    /// incidental, but one that is read aloud or matters to the story needs
    /// greater care; the use-case matrix says to escalate background signage or
    /// posters once they become story-relevant.
    ///
    /// ### Example
    /// ```yaml
    /// genai:
    ///   disclosed: { to: "M. Chen, Netflix creative production", on: 2025-09-02 }
    ///   uses:
    ///     - id: diner-sign
    ///       description: "neon diner sign the detective reads aloud in scene 12"
    ///       stage: previs
    ///       output: image
    ///       elements: [signage]
    ///       prominence: story-relevant
    ///       tools: [{ name: "Imagen 4", enterprise: true, trains-on-inputs: false }]
    /// ```
    /// Either record an approval for this use, or keep generated signs to the far
    /// background, where nobody reads or refers to them.
    ///
    /// Use instead:
    /// ```yaml
    /// genai:
    ///   disclosed: { to: "M. Chen, Netflix creative production", on: 2025-09-02 }
    ///   uses:
    ///     - id: street-signs
    ///       description: "shop signs across the street, out of focus, never read"
    ///       stage: previs
    ///       output: image
    ///       elements: [signage]
    ///       prominence: incidental
    ///       tools: [{ name: "Imagen 4", enterprise: true, trains-on-inputs: false }]
    /// ```
    pub ON_SCREEN_ELEMENT {
        code: "GA205",
        name: "on-screen-element",
        level: Approval,
        summary: "generated signage, documents, props or set extensions are featured or story-relevant",
        guideline: "Netflix GenAI guidelines, final versus temporary: signage, documents and props that are featured or matter to the story need care and may need rights clearance",
        pack: crate::rules::NETFLIX,
        check: Check::Use(check),
    }
}

fn is_on_screen(e: Element) -> bool {
    matches!(
        e,
        Element::Signage | Element::Document | Element::Prop | Element::SetExtension
    )
}

fn check(u: &Use, ctx: &Context, out: &mut Vec<Finding>) {
    let prominence = u.prominence();
    if prominence == Prominence::Incidental {
        if let Some(e) = u.elements.iter().find(|e| is_on_screen(e.value)) {
            out.push(
                Finding::for_use(
                    &ON_SCREEN_ELEMENT,
                    u,
                    e.span.clone(),
                    format!("incidental on-screen `{}` needs no approval", e.value),
                )
                .label("incidental")
                .help(
                    "if it becomes featured, is read aloud or matters to the story, change \
                     `prominence` and ask for an approval",
                )
                .note_only(),
            );
        }
        return;
    }
    let hits: Vec<&At<Element>> = u
        .elements
        .iter()
        .filter(|e| is_on_screen(e.value))
        .collect();
    let Some((first, rest)) = hits.split_first() else {
        return;
    };
    let what = match first.value {
        Element::Signage => "on-screen signage",
        Element::Document => "on-screen document",
        Element::Prop => "on-screen prop",
        _ => "set extension",
    };
    let label = match (&u.prominence, prominence) {
        (None, _) => "no `prominence`, so treated as `featured`",
        (Some(_), Prominence::StoryRelevant) => "matters to the story",
        (Some(_), _) => "featured on screen",
    };
    let approve = approval_help(&ON_SCREEN_ELEMENT, u, ctx);
    let help = if u.prominence.is_none() {
        format!(
            "if it is a brief background item that nobody reads or refers to, write \
             `prominence: incidental`; otherwise {approve}"
        )
    } else {
        approve
    };
    let mut f = Finding::for_use(
        &ON_SCREEN_ELEMENT,
        u,
        first.span.clone(),
        format!("{what} generated with GenAI needs written approval"),
    )
    .label(label)
    .help(help);
    for other in rest {
        f = f.note(format!("`{}` is on screen too", other.value));
    }
    out.push(f.note(
        "posters, documents and signage may also need rights clearance before final delivery",
    ));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_util::{fire, one_use, spanned};

    #[test]
    fn default_prominence_is_featured() {
        let text = one_use("elements: [background, signage]");
        let found = fire(&ON_SCREEN_ELEMENT, &text);
        assert_eq!(spanned(&text, &found), ["signage"]);
        assert_eq!(
            found[0].message,
            "on-screen signage generated with GenAI needs written approval"
        );
        assert_eq!(
            found[0].label.as_deref(),
            Some("no `prominence`, so treated as `featured`")
        );
        assert!(
            found[0]
                .help
                .as_deref()
                .unwrap()
                .contains("`prominence: incidental`")
        );
    }

    #[test]
    fn story_relevant_and_featured_fire() {
        let text = one_use("elements: [document, prop]\nprominence: story-relevant");
        let found = fire(&ON_SCREEN_ELEMENT, &text);
        assert_eq!(found.len(), 1);
        assert_eq!(spanned(&text, &found), ["document"]);
        assert_eq!(found[0].label.as_deref(), Some("matters to the story"));
        assert_eq!(found[0].notes[0], "`prop` is on screen too");
        assert!(
            found[0]
                .help
                .as_deref()
                .unwrap()
                .starts_with("ask an approver")
        );

        let text = one_use("elements: [set-extension]\nprominence: featured");
        let found = fire(&ON_SCREEN_ELEMENT, &text);
        assert_eq!(spanned(&text, &found), ["set-extension"]);
        assert_eq!(
            found[0].message,
            "set extension generated with GenAI needs written approval"
        );
    }

    #[test]
    fn incidental_gives_a_note_only() {
        let text =
            one_use("elements: [signage, document, prop, set-extension]\nprominence: incidental");
        let found = fire(&ON_SCREEN_ELEMENT, &text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Some(crate::diagnostic::Severity::Note));
        assert_eq!(spanned(&text, &found), ["signage"]);
    }

    #[test]
    fn other_elements_pass() {
        let text = one_use("elements: [background, crowd]\nprominence: story-relevant");
        assert!(fire(&ON_SCREEN_ELEMENT, &text).is_empty());
        assert!(fire(&ON_SCREEN_ELEMENT, &one_use("")).is_empty());
    }
}
