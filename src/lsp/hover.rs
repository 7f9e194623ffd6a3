//! What a hover shows: the `explain` text of the rule code, rule name or
//! policy pack under the cursor anywhere in the text, of a declaration key
//! where it is written as a key (followed by `:`), or else of the rules of
//! the diagnostics whose range holds the cursor.
//!
//! The text itself is `aiclear explain`'s, passed in by the command line
//! that owns it, so that the editor and the terminal never say different
//! things.

use crate::declaration::vocabulary::KEYS;

/// `aiclear explain QUERY` as plain text, `None` when it names nothing.
pub type Explain = fn(&str) -> Option<String>;

/// The word around byte `at`: letters, digits, `_`, `-` and `.`, with no
/// `.` or `-` at either end; its range too.
pub fn word_at(text: &str, at: usize) -> Option<(usize, usize)> {
    let is_word = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
    let at = at.min(text.len());
    if !text.is_char_boundary(at) {
        return None;
    }
    let start = text[..at]
        .char_indices()
        .rev()
        .take_while(|&(_, c)| is_word(c))
        .last()
        .map_or(at, |(i, _)| i);
    let end = text[at..]
        .char_indices()
        .find(|&(_, c)| !is_word(c))
        .map_or(text.len(), |(i, _)| at + i);
    let word = &text[start..end];
    let trimmed = word.trim_start_matches(['.', '-']);
    let start = start + (word.len() - trimmed.len());
    let end = start + trimmed.trim_end_matches(['.', '-']).len();
    (start < end).then_some((start, end))
}

/// Whether the word ending at `end` is written as a key: a `:` follows it,
/// after a closing quote (JSON) if any.
fn is_key(text: &str, end: usize) -> bool {
    let rest = text[end..].trim_start_matches(['"', '\'']);
    rest.trim_start_matches([' ', '\t']).starts_with(':')
}

/// The hover text at byte `at` of `text`; `codes` are the rule codes of
/// the diagnostics whose range holds `at`.
pub fn hover_text(text: &str, at: usize, codes: &[&str], explain: Explain) -> Option<String> {
    if let Some((start, end)) = word_at(text, at) {
        let word = &text[start..end];
        let key = KEYS.iter().any(|k| k.name == word);
        if (!key || is_key(text, end))
            && let Some(found) = explain(word)
        {
            return Some(found);
        }
    }
    let mut texts: Vec<String> = Vec::new();
    for code in codes {
        if let Some(t) = explain(code)
            && !texts.contains(&t)
        {
            texts.push(t);
        }
    }
    (!texts.is_empty()).then(|| texts.join("\n---\n\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn explain(query: &str) -> Option<String> {
        matches!(query, "GA201" | "stage" | "GA203").then(|| format!("about {query}"))
    }

    #[test]
    fn words_run_over_codes_names_and_scoped_keys() {
        let text = "rules: [GA201], see talent.consent-use.";
        let at = text.find("A201").unwrap();
        assert_eq!(word_at(text, at).map(|(s, e)| &text[s..e]), Some("GA201"));
        let at = text.find("consent").unwrap();
        assert_eq!(
            word_at(text, at).map(|(s, e)| &text[s..e]),
            Some("talent.consent-use")
        );
        assert_eq!(word_at(text, text.find(", ").unwrap() + 1), None);
    }

    #[test]
    fn a_code_anywhere_and_a_key_only_as_a_key() {
        let text = "STAGE\nThe stage is set: GA201\n    stage: final\n";
        let code = text.find("GA201").unwrap();
        assert_eq!(hover_text(text, code, &[], explain).unwrap(), "about GA201");
        // `stage` in the action is a word, not a key.
        let word = text.find("stage").unwrap();
        assert_eq!(hover_text(text, word, &[], explain), None);
        let key = text.rfind("stage").unwrap() + 2;
        assert_eq!(hover_text(text, key, &[], explain).unwrap(), "about stage");
        let json = "{\"stage\": \"final\"}";
        assert_eq!(hover_text(json, 3, &[], explain).unwrap(), "about stage");
    }

    #[test]
    fn inside_a_diagnostic_its_rules_are_explained() {
        let text = "      elements: [main-character]\n";
        let at = text.find("main").unwrap();
        assert_eq!(
            hover_text(text, at, &["GA201", "GA203", "GA201"], explain).unwrap(),
            "about GA201\n---\n\nabout GA203"
        );
        assert_eq!(hover_text(text, at, &[], explain), None);
    }
}
