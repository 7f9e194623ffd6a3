use std::sync::LazyLock;

use regex::Regex;

use crate::declaration::{Reference, Use};
use crate::rules::{Check, Context, Finding, approval_help, declare_rule};
use crate::source::Span;

declare_rule! {
    /// ### What it does
    /// Reports a use that refers to material the production does not own:
    /// - `references` include `copyrighted-work`, `public-figure` or
    ///   `deceased-person`;
    /// - a prompt asks for a style or source by name: "in the style of …" or
    ///   "inspired by …" (any case);
    /// - a prompt names a person or title from the configured `watchlist`
    ///   (any case, whole words only).
    ///
    /// The finding points at the first such reference or prompt; the others of
    /// the same use are listed as notes. One approval per use clears it.
    ///
    /// ### Why it matters
    /// The first of Netflix's five guiding principles is that outputs do not
    /// replicate or substantially recreate identifiable characteristics of
    /// unowned or copyrighted material. Under creative output, the guidelines
    /// list prompts or images that reference copyrighted works, or the likeness
    /// of public figures or deceased people, among the cases that always need
    /// written approval; their examples are "inspired by McCurry's Afghan Girl"
    /// and "a character with Meryl Streep's nose". The SAG-AFTRA 2023 agreement
    /// adds that prompting with a named performer's principal facial feature
    /// needs that performer's consent. Prompt screening catches the reference
    /// even when the `references` list forgot it.
    ///
    /// ### Example
    /// ```yaml
    /// genai:
    ///   disclosed: { to: "M. Chen, Netflix creative production", on: 2025-09-02 }
    ///   uses:
    ///     - id: relay-moodboard
    ///       stage: ideation
    ///       output: image
    ///       prompts:
    ///         - "rain-soaked relay station at night, in the style of Blade Runner"
    ///       tools: [{ name: "Imagen 4", enterprise: true, trains-on-inputs: false }]
    /// ```
    /// Describe the look in the production's own words, or record an approval for
    /// this use.
    ///
    /// Use instead:
    /// ```yaml
    /// genai:
    ///   disclosed: { to: "M. Chen, Netflix creative production", on: 2025-09-02 }
    ///   uses:
    ///     - id: relay-moodboard
    ///       stage: ideation
    ///       output: image
    ///       prompts:
    ///         - "rain-soaked relay station at night, sodium-vapour light, haze, long lens"
    ///       tools: [{ name: "Imagen 4", enterprise: true, trains-on-inputs: false }]
    /// ```
    pub PROTECTED_REFERENCE {
        code: "GA202",
        name: "protected-reference",
        level: Approval,
        summary: "a use references copyrighted work, a public figure or a deceased person",
        guideline: "Netflix GenAI guidelines, creative output: prompts or images referencing copyrighted works, public figures or deceased people need written approval",
        pack: crate::rules::NETFLIX,
        check: Check::Use(check),
    }
}

/// "in the style of …" and "inspired by …", up to the end of the phrase.
static STYLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:in\s+the\s+style\s+of|inspired\s+by)\s+[^,.;:!?\n]*[^\s,.;:!?]")
        .expect("valid regex")
});

/// Longest quoted phrase shown in a label or note.
const MAX_PHRASE: usize = 60;

struct Hit {
    span: Span,
    message: String,
    label: String,
    /// How the hit reads as a note on another hit's finding.
    note: String,
    in_prompt: bool,
}

fn check(u: &Use, ctx: &Context, out: &mut Vec<Finding>) {
    let mut hits = Vec::new();
    for r in &u.references {
        let (message, label, note) = match r.value {
            Reference::CopyrightedWork => (
                "reference to a copyrighted work needs written approval",
                "copyrighted work",
                "a reference to a copyrighted work",
            ),
            Reference::PublicFigure => (
                "reference to a public figure's likeness needs written approval",
                "public figure",
                "a reference to a public figure",
            ),
            Reference::DeceasedPerson => (
                "reference to a deceased person needs written approval",
                "deceased person",
                "a reference to a deceased person",
            ),
            Reference::RealEvent | Reference::RealPerson => continue,
        };
        hits.push(Hit {
            span: r.span.clone(),
            message: message.to_owned(),
            label: label.to_owned(),
            note: note.to_owned(),
            in_prompt: false,
        });
    }
    let watchlist: Vec<(&str, String)> = ctx
        .watchlist
        .iter()
        .map(|name| (name.trim(), normalize(name)))
        .filter(|(_, norm)| !norm.is_empty())
        .collect();
    for prompt in &u.prompts {
        if let Some(m) = STYLE.find(&prompt.value) {
            let phrase = shorten(m.as_str());
            hits.push(Hit {
                span: prompt.span.clone(),
                message: "prompt refers to another creator's work and needs written approval"
                    .to_owned(),
                label: format!("asks for `{phrase}`"),
                note: format!("a prompt asks for `{phrase}`"),
                in_prompt: true,
            });
        }
        let text = normalize(&prompt.value);
        for (name, norm) in &watchlist {
            if mentions(&text, norm) {
                hits.push(Hit {
                    span: prompt.span.clone(),
                    message: format!(
                        "prompt names `{name}` from the watchlist and needs written approval"
                    ),
                    label: "names someone or something on the watchlist".to_owned(),
                    note: format!("a prompt names `{name}` from the watchlist"),
                    in_prompt: true,
                });
            }
        }
    }
    hits.sort_by_key(|h| h.span.start);
    let Some((first, rest)) = hits.split_first() else {
        return;
    };
    let approve = approval_help(&PROTECTED_REFERENCE, u, ctx);
    let help = if first.in_prompt {
        format!("describe what you want without naming the work or person, or {approve}")
    } else {
        approve
    };
    let mut f = Finding::for_use(&PROTECTED_REFERENCE, u, first.span.clone(), &first.message)
        .label(&first.label)
        .help(help);
    for hit in rest {
        f = f.note(format!("also needs approval: {}", hit.note));
    }
    out.push(f);
}

/// Lowercase, with every run of whitespace turned into one space.
fn normalize(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Whether normalized `text` contains normalized `name` as whole words: a
/// name that starts or ends with a letter or digit must not continue a word.
fn mentions(text: &str, name: &str) -> bool {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    let starts_word = name.chars().next().is_some_and(is_word);
    let ends_word = name.chars().next_back().is_some_and(is_word);
    text.match_indices(name).any(|(start, _)| {
        let end = start + name.len();
        let glued_before = starts_word && text[..start].chars().next_back().is_some_and(is_word);
        let glued_after = ends_word && text[end..].chars().next().is_some_and(is_word);
        !glued_before && !glued_after
    })
}

/// A phrase cut to [`MAX_PHRASE`] characters.
fn shorten(phrase: &str) -> String {
    let phrase = phrase.split_whitespace().collect::<Vec<_>>().join(" ");
    match phrase.char_indices().nth(MAX_PHRASE) {
        Some((i, _)) => format!("{}…", &phrase[..i]),
        None => phrase,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_util::{check, ctx, fire, one_use, spanned};

    fn with_watchlist(names: &[&str]) -> Context {
        Context {
            watchlist: names.iter().map(|n| n.to_string()).collect(),
            ..ctx()
        }
    }

    #[test]
    fn protected_references_fire_at_the_value() {
        for (reference, message) in [
            (
                "copyrighted-work",
                "reference to a copyrighted work needs written approval",
            ),
            (
                "public-figure",
                "reference to a public figure's likeness needs written approval",
            ),
            (
                "deceased-person",
                "reference to a deceased person needs written approval",
            ),
        ] {
            let text = one_use(&format!("references: [{reference}]"));
            let found = fire(&PROTECTED_REFERENCE, &text);
            assert_eq!(spanned(&text, &found), [reference]);
            assert_eq!(found[0].message, message);
            assert!(
                found[0]
                    .help
                    .as_deref()
                    .unwrap()
                    .starts_with("ask an approver")
            );
        }
    }

    #[test]
    fn real_world_references_are_left_to_ga401() {
        let text = one_use("references: [real-event, real-person]");
        assert!(fire(&PROTECTED_REFERENCE, &text).is_empty());
    }

    #[test]
    fn style_prompts_fire_at_the_prompt() {
        let text =
            one_use("prompts:\n  - \"a lighthouse at dusk, IN THE STYLE OF Edward Hopper, oil\"");
        let found = fire(&PROTECTED_REFERENCE, &text);
        assert_eq!(
            spanned(&text, &found),
            ["\"a lighthouse at dusk, IN THE STYLE OF Edward Hopper, oil\""]
        );
        assert_eq!(
            found[0].label.as_deref(),
            Some("asks for `IN THE STYLE OF Edward Hopper`")
        );
        assert!(
            found[0]
                .help
                .as_deref()
                .unwrap()
                .starts_with("describe what you want")
        );

        let text = one_use("prompts: [street portrait inspired by McCurry's Afghan Girl]");
        let found = fire(&PROTECTED_REFERENCE, &text);
        assert_eq!(
            spanned(&text, &found),
            ["street portrait inspired by McCurry's Afghan Girl"]
        );
        assert_eq!(
            found[0].label.as_deref(),
            Some("asks for `inspired by McCurry's Afghan Girl`")
        );
    }

    #[test]
    fn ordinary_prompts_pass() {
        let text = one_use(
            "prompts:\n  - \"rain-soaked relay station at night, long lens\"\n  - \"a stylish coat, in the style\"\n  - \"uninspired by design\"",
        );
        assert!(fire(&PROTECTED_REFERENCE, &text).is_empty());
        assert!(fire(&PROTECTED_REFERENCE, &one_use("")).is_empty());
    }

    #[test]
    fn watchlist_names_match_whole_words_in_any_case() {
        let ctx = with_watchlist(&["Meryl Streep", "  Blade Runner ", "", "AT&T"]);
        let text = one_use("prompts:\n  - \"a character with meryl   STREEP's nose\"");
        let found = check(&PROTECTED_REFERENCE, &text, &ctx);
        assert_eq!(
            spanned(&text, &found),
            ["\"a character with meryl   STREEP's nose\""]
        );
        assert_eq!(
            found[0].message,
            "prompt names `Meryl Streep` from the watchlist and needs written approval"
        );

        let text = one_use("prompts: [\"a phone booth with an at&t logo\"]");
        assert_eq!(check(&PROTECTED_REFERENCE, &text, &ctx).len(), 1);

        let text = one_use("prompts: [\"a bladerunner-ish street\", \"merylstreep fan art\"]");
        assert!(check(&PROTECTED_REFERENCE, &text, &ctx).is_empty());
    }

    #[test]
    fn one_finding_per_use_at_the_first_hit() {
        let ctx = with_watchlist(&["Blade Runner"]);
        let text = one_use(
            "prompts:\n  - \"neon street in the style of Blade Runner\"\nreferences: [public-figure]",
        );
        let found = check(&PROTECTED_REFERENCE, &text, &ctx);
        assert_eq!(found.len(), 1);
        assert_eq!(
            spanned(&text, &found),
            ["\"neon street in the style of Blade Runner\""]
        );
        assert_eq!(
            found[0].notes,
            [
                "also needs approval: a prompt names `Blade Runner` from the watchlist",
                "also needs approval: a reference to a public figure",
            ]
        );
    }

    #[test]
    fn helpers() {
        assert!(mentions("a b c", "b"));
        assert!(!mentions("abc", "b"));
        assert!(mentions("dr. no", "dr."));
        assert!(mentions("see dr.no", "dr."));
        assert_eq!(shorten(&"x".repeat(70)).chars().count(), MAX_PHRASE + 1);
    }
}
