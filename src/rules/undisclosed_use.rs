use crate::declaration::Declaration;
use crate::rules::{Check, Context, Finding, declare_rule};

declare_rule! {
    /// ### What it does
    /// Reports a declaration that lists `uses` but has no `disclosed` record
    /// saying to whom at the studio the uses were reported, and when. The finding
    /// points at the `genai` key.
    ///
    /// ### Why it matters
    /// The first duty in Netflix's guidelines is reporting: partners share any
    /// intended GenAI use with their Netflix contact, even a use that meets all
    /// five guiding principles and needs no written approval. `disclosed` is the
    /// file's record that this happened. The WGA 2023 MBA (Article 72) asks the
    /// same of a company that hands a writer GenAI material: it must say so.
    ///
    /// ### Example
    /// ```yaml
    /// genai:
    ///   uses:
    ///     - id: relay-moodboard
    ///       stage: ideation
    ///       output: image
    ///       tools: [{ name: "Imagen 4", enterprise: true, trains-on-inputs: false }]
    /// ```
    /// Use instead:
    /// ```yaml
    /// genai:
    ///   disclosed: { to: "M. Chen, Netflix creative production", on: 2025-09-02 }
    ///   uses:
    ///     - id: relay-moodboard
    ///       stage: ideation
    ///       output: image
    ///       tools: [{ name: "Imagen 4", enterprise: true, trains-on-inputs: false }]
    /// ```
    pub UNDISCLOSED_USE {
        code: "GA006",
        name: "undisclosed-use",
        level: Deny,
        summary: "uses are declared but `disclosed` is missing",
        guideline: "Netflix GenAI guidelines, reporting: every intended GenAI use is shared with the production's Netflix contact",
        pack: crate::rules::NETFLIX,
        check: Check::Declaration(check),
    }
}

fn check(decl: &Declaration, _ctx: &Context, out: &mut Vec<Finding>) {
    if decl.uses.is_empty() || decl.disclosed.is_some() {
        return;
    }
    let ids: Vec<String> = decl
        .uses
        .iter()
        .map(|u| format!("`{}`", u.id.value))
        .collect();
    let label = match ids.as_slice() {
        [one] => format!("declares the use {one} but not its disclosure"),
        many => format!("declares {} uses but not their disclosure", many.len()),
    };
    let mut f = Finding::new(
        &UNDISCLOSED_USE,
        Some(decl.key_span.clone()),
        "generative-AI use is declared but not disclosed to the studio",
    )
    .label(label)
    .help(
        "once the uses are shared with the studio contact, add \
         `disclosed: { to: \"NAME, ROLE\", on: YYYY-MM-DD }` under `genai`",
    );
    if ids.len() > 1 {
        f = f.note(format!("undisclosed uses: {}", ids.join(", ")));
    }
    out.push(f);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_util::{fire, one_use, spanned};

    const UNDISCLOSED: &str = "\
x-shot: rs_010
genai:
  uses:
    - id: sky
      stage: previs
      output: image
      tools: [{ name: \"Imagen 4\", enterprise: true, trains-on-inputs: false }]
    - id: crowd
      stage: previs
      output: video
      tools: [{ name: \"Veo 3\", enterprise: true, trains-on-inputs: false }]
";

    #[test]
    fn uses_without_disclosure_fire_at_the_genai_key() {
        let found = fire(&UNDISCLOSED_USE, UNDISCLOSED);
        assert_eq!(found.len(), 1);
        assert_eq!(spanned(UNDISCLOSED, &found), ["genai"]);
        assert_eq!(found[0].use_id, None);
        assert_eq!(found[0].notes, ["undisclosed uses: `sky`, `crowd`"]);
    }

    #[test]
    fn disclosed_uses_pass() {
        assert!(fire(&UNDISCLOSED_USE, &one_use("")).is_empty());
    }

    #[test]
    fn no_use_needs_no_disclosure() {
        assert!(fire(&UNDISCLOSED_USE, "genai: none\n").is_empty());
        assert!(fire(&UNDISCLOSED_USE, "genai:\n  uses: []\n").is_empty());
    }
}
