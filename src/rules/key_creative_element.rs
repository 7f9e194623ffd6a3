use crate::declaration::{At, Element, Use};
use crate::rules::{Check, Context, Finding, approval_help, declare_rule};

declare_rule! {
    /// ### What it does
    /// Reports a use whose `elements` include a key creative element:
    /// `main-character`, `key-visual`, `story-setting` (a setting central to the
    /// story) or `storyline`. The finding points at the first such element; the
    /// others of the same use are listed as notes. One approval per use clears it.
    ///
    /// ### Why it matters
    /// Under creative output, Netflix's guidelines require escalation and written
    /// approval for generating main characters, key visual elements or settings
    /// central to the story; their example is a second killer doll standing beside
    /// Young-hee in *Squid Game*. The use-case matrix escalates final character
    /// designs and key visuals too. These are the parts of a show that carry its
    /// identity and its ownership, and the studio decides on them in writing.
    /// For the story itself, the WGA 2023 MBA (Article 72) adds that GenAI output
    /// is not literary material.
    ///
    /// ### Example
    /// ```yaml
    /// genai:
    ///   disclosed: { to: "M. Chen, Netflix creative production", on: 2025-09-02 }
    ///   uses:
    ///     - id: aria-design
    ///       stage: previs
    ///       output: image
    ///       elements: [main-character]
    ///       tools: [{ name: "Imagen 4", enterprise: true, trains-on-inputs: false }]
    /// ```
    /// Either record an approval for this use, or keep the character
    /// hand-designed and generate only what surrounds it.
    ///
    /// Use instead:
    /// ```yaml
    /// genai:
    ///   disclosed: { to: "M. Chen, Netflix creative production", on: 2025-09-02 }
    ///   uses:
    ///     - id: relay-crowd
    ///       stage: previs
    ///       output: image
    ///       elements: [crowd, background]
    ///       tools: [{ name: "Imagen 4", enterprise: true, trains-on-inputs: false }]
    /// ```
    pub KEY_CREATIVE_ELEMENT {
        code: "GA201",
        name: "key-creative-element",
        level: Approval,
        summary: "a use generates a main character, key visual, story-central setting or storyline",
        guideline: "Netflix GenAI guidelines, creative output: main characters, key visual elements and story-central settings need written approval",
        pack: crate::rules::NETFLIX,
        check: Check::Use(check),
    }
}

fn is_key(e: Element) -> bool {
    matches!(
        e,
        Element::MainCharacter | Element::KeyVisual | Element::StorySetting | Element::Storyline
    )
}

fn check(u: &Use, ctx: &Context, out: &mut Vec<Finding>) {
    let hits: Vec<&At<Element>> = u.elements.iter().filter(|e| is_key(e.value)).collect();
    let Some((first, rest)) = hits.split_first() else {
        return;
    };
    let what = match first.value {
        Element::MainCharacter => "main character",
        Element::KeyVisual => "key visual element",
        Element::StorySetting => "story-central setting",
        _ => "storyline",
    };
    let mut f = Finding::for_use(
        &KEY_CREATIVE_ELEMENT,
        u,
        first.span.clone(),
        format!("{what} generated with GenAI needs written approval"),
    )
    .label("key creative element")
    .help(approval_help(&KEY_CREATIVE_ELEMENT, u, ctx));
    for other in rest {
        f = f.note(format!("`{}` is a key creative element too", other.value));
    }
    out.push(f);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_util::{fire, one_use, spanned};

    #[test]
    fn main_character_fires_at_the_element() {
        let text = one_use("elements: [background, main-character]");
        let found = fire(&KEY_CREATIVE_ELEMENT, &text);
        assert_eq!(spanned(&text, &found), ["main-character"]);
        assert_eq!(
            found[0].message,
            "main character generated with GenAI needs written approval"
        );
        assert_eq!(found[0].use_id.as_deref(), Some("shot-010"));
        assert_eq!(
            found[0].help.as_deref(),
            Some(
                "ask an approver to record an approval: `aiclear approve --id ID \
                 --path vfx/shots/rs_010.yml --use shot-010 --rule GA201`"
            )
        );
    }

    #[test]
    fn every_key_element_fires() {
        for (element, message) in [
            (
                "key-visual",
                "key visual element generated with GenAI needs written approval",
            ),
            (
                "story-setting",
                "story-central setting generated with GenAI needs written approval",
            ),
            (
                "storyline",
                "storyline generated with GenAI needs written approval",
            ),
        ] {
            let text = one_use(&format!("elements: [{element}]"));
            let found = fire(&KEY_CREATIVE_ELEMENT, &text);
            assert_eq!(spanned(&text, &found), [element]);
            assert_eq!(found[0].message, message);
        }
    }

    #[test]
    fn several_key_elements_give_one_finding() {
        let text = one_use("elements:\n  - key-visual\n  - main-character");
        let found = fire(&KEY_CREATIVE_ELEMENT, &text);
        assert_eq!(found.len(), 1);
        assert_eq!(spanned(&text, &found), ["key-visual"]);
        assert_eq!(
            found[0].notes,
            ["`main-character` is a key creative element too"]
        );
    }

    #[test]
    fn other_elements_pass() {
        assert!(fire(&KEY_CREATIVE_ELEMENT, &one_use("")).is_empty());
        let text = one_use(
            "elements: [background, crowd, prop, signage, document, set-extension, dialogue]\nprominence: incidental",
        );
        assert!(fire(&KEY_CREATIVE_ELEMENT, &text).is_empty());
    }
}
