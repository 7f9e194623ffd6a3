use crate::declaration::{At, Declaration, Use};
use crate::kind::FileKind;
use crate::rules::{Check, Context, Finding, declare_rule};

declare_rule! {
    /// ### What it does
    /// Reports a writing credit that names an AI: a script's title page
    /// (`Author:` or `Authors:`), a Markdown file's `author`, `authors`,
    /// `writer` or `writers`, or a shot sheet's or timeline's
    /// `credits: { writers: … }` (also `writer`, `written-by`, and under
    /// `metadata`). A name is an AI when it is, or contains as a whole word
    /// (any case), the name of a tool the declaration lists, a known AI
    /// system (`ChatGPT`, `GPT-4`, `Claude`, `Gemini`, `Copilot`, `Sudowrite`,
    /// `Jasper`, …) or a generic term (`AI`, `artificial intelligence`,
    /// `language model`, …). Matching is by whole words, so a writer called
    /// Aileen or Maida is not an AI; `AI` counts in capitals only (Ai is a
    /// name too); and a system that shares its name with people (Claude,
    /// Jasper) counts only where it stands alone, not inside a personal name
    /// such as Claude Lelouch. The finding points at the name.
    ///
    /// ```fountain
    /// Title: THE LAST SIGNAL
    /// Credit: written by
    /// Authors:
    ///     Dana Ruiz
    ///     ChatGPT
    /// ```
    ///
    /// ### Why it matters
    /// Article 72 of the WGA 2023 Minimum Basic Agreement says that generative
    /// AI is not a writer, and that what it produces is not literary material:
    /// it earns no credit and no separated rights. A script that names an AI
    /// among its writers contradicts the credit the company will have to
    /// determine. Writers may use GenAI with the company's consent; the use is
    /// declared under `genai`, never in the credits.
    ///
    /// ### Example
    /// ```yaml
    /// credits:
    ///   writers: [Dana Ruiz, ChatGPT]
    /// genai:
    ///   disclosed: { to: "M. Chen, Netflix creative production", on: 2025-09-02 }
    ///   uses:
    ///     - id: cold-open-draft
    ///       stage: temp
    ///       output: text
    ///       tools: [{ name: "ChatGPT", enterprise: true, trains-on-inputs: false }]
    /// ```
    /// Use instead:
    /// ```yaml
    /// credits:
    ///   writers: [Dana Ruiz]
    /// genai:
    ///   disclosed: { to: "M. Chen, Netflix creative production", on: 2025-09-02 }
    ///   uses:
    ///     - id: cold-open-draft
    ///       stage: temp
    ///       output: text
    ///       tools: [{ name: "ChatGPT", enterprise: true, trains-on-inputs: false }]
    /// ```
    pub AI_CREDITED_AS_WRITER {
        code: "WGA103",
        name: "ai-credited-as-writer",
        level: Deny,
        summary: "a writing credit names an AI system or a GenAI tool the file declares",
        guideline: "WGA 2023 MBA, Article 72: generative AI is not a writer, and what it produces is not literary material",
        pack: "wga-mba-2023",
        check: Check::Declaration(check),
    }
}

/// A name that marks a credit as an AI's.
struct Term<'a> {
    text: &'a str,
    /// Matched in this case only (`AI`: Ai is a personal name).
    exact_case: bool,
    /// Also a person's name: an AI only where it stands alone.
    given_name: bool,
}

const fn term(text: &'static str) -> Term<'static> {
    Term {
        text,
        exact_case: false,
        given_name: false,
    }
}

const fn person(text: &'static str) -> Term<'static> {
    Term {
        given_name: true,
        ..term(text)
    }
}

const fn capitals(text: &'static str) -> Term<'static> {
    Term {
        exact_case: true,
        ..term(text)
    }
}

/// Known AI systems, their makers, and generic terms for AI.
const KNOWN: &[Term<'static>] = &[
    term("ChatGPT"),
    term("GPT"),
    term("OpenAI"),
    person("Claude"),
    term("Anthropic"),
    person("Gemini"),
    person("Bard"),
    term("Copilot"),
    term("Sudowrite"),
    person("Jasper"),
    term("NovelAI"),
    term("Llama"),
    term("Mistral"),
    term("Grok"),
    term("DeepSeek"),
    capitals("AI"),
    capitals("A.I."),
    term("GenAI"),
    term("artificial intelligence"),
    term("LLM"),
    term("language model"),
    term("chatbot"),
];

/// Capitalised words beside a system's name that do not make it a
/// person's: makers, model tiers, and the like.
const NOT_NAMES: &[&str] = &[
    "AI",
    "Advanced",
    "Anthropic",
    "Flash",
    "GitHub",
    "Google",
    "Haiku",
    "Meta",
    "Microsoft",
    "Nano",
    "OpenAI",
    "Opus",
    "Pro",
    "Sonnet",
    "Ultra",
];

fn check(decl: &Declaration, ctx: &Context, out: &mut Vec<Finding>) {
    let tools: Vec<(&str, &Use)> = decl
        .uses
        .iter()
        .flat_map(|u| u.tools.iter().map(move |t| (t.name.value.trim(), u)))
        .filter(|(name, _)| !name.is_empty())
        .collect();
    for credit in &ctx.credits {
        if let Some(f) = finding(credit, &tools, ctx) {
            out.push(f);
        }
    }
}

/// The finding about one credited name, if it names an AI.
fn finding(credit: &At<String>, tools: &[(&str, &Use)], ctx: &Context) -> Option<Finding> {
    let name = credit.value.as_str();
    let declared = tools.iter().find_map(|&(tool, u)| {
        let t = Term {
            text: tool,
            exact_case: false,
            given_name: KNOWN
                .iter()
                .any(|k| k.given_name && k.text.eq_ignore_ascii_case(tool)),
        };
        matched(name, &t).map(|at| (at, tool, u))
    });
    let (at, label, tool_use) = match declared {
        Some((at, tool, u)) => (at, "a GenAI tool this file declares", Some((tool, u))),
        None => {
            let (at, t) = KNOWN
                .iter()
                .find_map(|t| matched(name, t).map(|at| (at, t)))?;
            let label = if t.text.chars().next().is_some_and(char::is_uppercase)
                && !t.exact_case
            {
                "an AI system, not a writer"
            } else {
                "AI is not a writer"
            };
            (at, label, None)
        }
    };
    let word = &name[at.clone()];
    let message = if at.len() == name.len() {
        format!("`{name}` is credited as a writer")
    } else {
        format!("the writing credit `{name}` names `{word}`")
    };
    let place = match ctx.kind {
        Some(FileKind::Fountain) => "off the title page",
        Some(FileKind::Markdown) => "out of the frontmatter",
        _ => "out of `credits`",
    };
    let mut f = Finding::new(&AI_CREDITED_AS_WRITER, Some(credit.span.clone()), message)
        .label(label)
        .help(format!(
            "credit only the people who wrote it: take `{word}` {place}, and declare what it \
             generated as a use under `genai`"
        ));
    if let Some((tool, u)) = tool_use {
        f = f.note(format!("`{tool}` is a tool of the use `{}`", u.id.value));
        f.use_id = Some(u.id.value.clone());
    }
    Some(f)
}

/// Where `term` occurs in `name` as a whole word, and not (for a system
/// named like a person) as part of a personal name.
fn matched(name: &str, term: &Term<'_>) -> Option<std::ops::Range<usize>> {
    let (hay, needle) = (name.as_bytes(), term.text.as_bytes());
    if needle.is_empty() || needle.len() > hay.len() {
        return None;
    }
    (0..=hay.len() - needle.len())
        .map(|i| i..i + needle.len())
        .filter(|r| name.is_char_boundary(r.start) && name.is_char_boundary(r.end))
        .filter(|r| {
            let window = &hay[r.clone()];
            if term.exact_case {
                window == needle
            } else {
                window.eq_ignore_ascii_case(needle)
            }
        })
        .filter(|r| {
            let before = name[..r.start].chars().next_back();
            let after = name[r.end..].chars().next();
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
        })
        .find(|r| !(term.given_name && in_personal_name(name, r.clone())))
}

/// Whether the word at `at` of `name` is part of a person's name: joined
/// to another by a hyphen (Jean-Claude), or beside a capitalised word that
/// is not a maker's or model's (Claude Lelouch, Michael Jasper).
fn in_personal_name(name: &str, at: std::ops::Range<usize>) -> bool {
    let before = &name[..at.start];
    let after = &name[at.end..];
    if before.ends_with('-') || after.starts_with('-') {
        return true;
    }
    let previous = before
        .trim_end_matches(' ')
        .rsplit(' ')
        .next()
        .filter(|_| before.ends_with(' '));
    let next = after
        .trim_start_matches(' ')
        .split(' ')
        .next()
        .filter(|_| after.starts_with(' '));
    [previous, next].into_iter().flatten().any(name_like)
}

/// A capitalised word of letters (and `.` or `'`), such as a given name, a
/// family name or a title (`Mr.`).
fn name_like(word: &str) -> bool {
    let word = word.trim_end_matches(',');
    word.chars().next().is_some_and(char::is_uppercase)
        && word
            .chars()
            .all(|c| c.is_alphabetic() || c == '.' || c == '\'')
        && !NOT_NAMES.iter().any(|n| n.eq_ignore_ascii_case(word))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_util::{check, ctx, one_use};

    /// What WGA103 finds in a script with this title page, declaring `decl`,
    /// as the text of each finding's span and its message.
    fn title_page(page: &str, decl: &str) -> Vec<(String, String)> {
        let script = format!("{page}\n/*\n---\n{decl}---\n*/\n\nINT. RELAY STATION - NIGHT\n");
        let credits = crate::declaration::credits::credits(FileKind::Fountain, script.as_bytes());
        let mut ctx = ctx();
        ctx.path = "scripts/ep101.fountain".into();
        ctx.kind = Some(FileKind::Fountain);
        ctx.credits = credits;
        check(&AI_CREDITED_AS_WRITER, decl, &ctx)
            .into_iter()
            .map(|f| (script[f.span.unwrap()].to_owned(), f.message))
            .collect()
    }

    fn fired(author: &str) -> Vec<String> {
        title_page(
            &format!("Title: THE LAST SIGNAL\nCredit: written by\nAuthor: {author}\n"),
            "genai: none\n",
        )
        .into_iter()
        .map(|(at, _)| at)
        .collect()
    }

    #[test]
    fn an_ai_author_on_the_title_page() {
        let found = title_page(
            "Title: THE LAST SIGNAL\nCredit: written by\nAuthor: ChatGPT\n",
            "genai: none\n",
        );
        assert_eq!(
            found,
            [(
                "ChatGPT".to_owned(),
                "`ChatGPT` is credited as a writer".to_owned()
            )]
        );
    }

    #[test]
    fn a_name_among_others() {
        let found = title_page(
            "Title: X\nAuthors:\n    Dana Ruiz & GPT-4o\n    Sam Okafor\n",
            "genai: none\n",
        );
        assert_eq!(
            found,
            [(
                "Dana Ruiz & GPT-4o".to_owned(),
                "the writing credit `Dana Ruiz & GPT-4o` names `GPT`".to_owned()
            )]
        );
        for author in [
            "Claude",
            "Claude 3.5 Sonnet",
            "Google Gemini",
            "Dana Ruiz and Claude",
            "an AI",
            "A.I.",
            "Artificial Intelligence",
            "Sudowrite",
            "Jasper",
            "GitHub Copilot",
        ] {
            assert_eq!(fired(author), [author], "{author}");
        }
    }

    #[test]
    fn a_declared_tool_credited_as_a_writer() {
        let decl = one_use("tools: [{ name: \"StoryForge\", enterprise: true, trains-on-inputs: false }]\noutput: text");
        let decl = decl.replace("      output: image\n", "");
        let script = format!(
            "Title: X\nAuthor: Dana Ruiz\nAuthor: storyforge\n\n/*\n---\n{decl}---\n*/\n"
        );
        let mut ctx = ctx();
        ctx.kind = Some(FileKind::Fountain);
        ctx.credits = crate::declaration::credits::credits(FileKind::Fountain, script.as_bytes());
        let found = check(&AI_CREDITED_AS_WRITER, &decl, &ctx);
        assert_eq!(found.len(), 1);
        assert_eq!(&script[found[0].span.clone().unwrap()], "storyforge");
        assert_eq!(found[0].label.as_deref(), Some("a GenAI tool this file declares"));
        assert_eq!(found[0].notes, ["`StoryForge` is a tool of the use `shot-010`"]);
        assert_eq!(found[0].use_id.as_deref(), Some("shot-010"));
        assert_eq!(
            found[0].help.as_deref(),
            Some(
                "credit only the people who wrote it: take `storyforge` off the title page, \
                 and declare what it generated as a use under `genai`"
            )
        );
    }

    #[test]
    fn people_are_not_ais() {
        for author in [
            "Dana Ruiz",
            "Aileen Okafor",
            "Maida Vale",
            "Ai Weiwei",
            "Claude Lelouch",
            "Jean-Claude Carrière",
            "Michael Jasper",
            "CLAUDE LELOUCH",
            "Gaiman",
            "Chatterjee",
        ] {
            assert!(fired(author).is_empty(), "{author}");
        }
        // A title page without authors, and a script without a title page.
        assert!(title_page("Title: X\nCredit: written by\n", "genai: none\n").is_empty());
        assert!(title_page("", "genai: none\n").is_empty());
    }

    #[test]
    fn whole_words_only() {
        let t = term("AI");
        assert_eq!(matched("AI", &t), Some(0..2));
        assert_eq!(matched("Aileen", &t), None);
        assert_eq!(matched("MAIDA", &t), None);
        assert_eq!(matched("Character.AI", &t), Some(10..12));
        assert_eq!(matched("ChatGPT", &term("GPT")), None);
        assert_eq!(matched("GPT-4", &term("GPT")), Some(0..3));
        assert_eq!(matched("Zoë ChatGPT", &term("ChatGPT")), Some(5..12));
    }
}
