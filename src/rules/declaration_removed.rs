use crate::declaration::Declaration;
use crate::rules::{Check, Finding, declare_rule};
use crate::source::Span;

declare_rule! {
    /// ### What it does
    /// In a range check, compares each changed file's declaration at the merge
    /// base with the one at head. A use that the base declared and that is gone
    /// while the file remains — including a declaration switched to
    /// `genai: none` or deleted — is an error unless `genai.retired` records it
    /// with an `id`, a `reason` and the date (`on`). Renamed files are followed;
    /// a file with uses renamed where no `files:` glob covers it is an error
    /// too, and a file deleted with uses is a warning that lists them (the
    /// material may live on in a file added under another name).
    ///
    /// ### Why it matters
    /// The guidelines ask productions to share *any* intended GenAI use with the
    /// studio. A declaration quietly removed hides a use that was disclosed and
    /// perhaps approved; a `retired` record keeps the register honest when a
    /// generated element really was taken out.
    ///
    /// ### Example
    /// The base declared `relay-signage`; the change drops it:
    /// ```yaml
    /// genai:
    ///   disclosed: { to: "M. Chen, Netflix creative production", on: 2025-09-02 }
    ///   uses: []
    /// ```
    /// Use instead:
    /// ```yaml
    /// genai:
    ///   disclosed: { to: "M. Chen, Netflix creative production", on: 2025-09-02 }
    ///   uses: []
    ///   retired:
    ///     - { id: relay-signage, reason: "art department's sign replaced the temp art", on: 2025-10-01 }
    /// ```
    pub DECLARATION_REMOVED {
        code: "GA603",
        name: "declaration-removed",
        level: Deny,
        summary: "a declared use disappeared without a `retired` record",
        guideline: "Netflix GenAI guidelines, reporting: every intended GenAI use is shared with the studio; removing one is recorded, not hidden",
        check: Check::Engine,
    }
}

/// Uses declared at the base that the head neither declares nor retires.
pub fn check(
    base_ids: &[String],
    head: Option<&Declaration>,
    base_path: &str,
    path: &str,
) -> Vec<Finding> {
    let span: Option<Span> = head.map(|d| d.key_span.clone());
    base_ids
        .iter()
        .filter(|id| {
            head.is_none_or(|d| {
                !d.uses.iter().any(|u| &&u.id.value == id) && !d.retired.iter().any(|r| &&r.id.value == id)
            })
        })
        .map(|id| {
            let mut f = Finding::new(
                &DECLARATION_REMOVED,
                span.clone(),
                format!("use `{id}` was declared at the base and is gone without a `retired` record"),
            )
            .label("declared the use before this change")
            .help(format!(
                "restore the use, or record its removal under `genai:`: `retired: [{{ id: {id}, reason: \"…\", on: YYYY-MM-DD }}]`"
            ));
            if base_path != path {
                f = f.note(format!("the file was renamed from `{base_path}`"));
            }
            f
        })
        .collect()
}

/// The uses of a file named in a list: `` `a`, `b` ``.
fn listed(ids: &[String]) -> String {
    ids.iter()
        .map(|id| format!("`{id}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A file that declared uses was deleted: a warning that lists them, since
/// the material may live on in a file added under another name.
pub fn deleted(path: &str, ids: &[String]) -> Finding {
    let uses = if ids.len() == 1 { "use" } else { "uses" };
    Finding::new(
        &DECLARATION_REMOVED,
        None,
        format!(
            "`{path}` was deleted with {} declared {uses}: {}",
            ids.len(),
            listed(ids)
        ),
    )
    .note("if the material lives on in another file, its uses must be declared there, or the approvals that covered them no longer apply to anything")
    .help(format!(
        "declare the {uses} in the file that replaces it, or record that they were dropped there: `retired: [{{ id: {}, reason: \"…\", on: YYYY-MM-DD }}]`",
        ids[0]
    ))
    .warning_only()
}

/// A file that declared uses was renamed to a path that no `files:` glob
/// covers: its uses are no longer checked.
pub fn renamed_out_of_scope(old: &str, new: &str, ids: &[String]) -> Finding {
    let uses = if ids.len() == 1 { "use" } else { "uses" };
    Finding::new(
        &DECLARATION_REMOVED,
        None,
        format!(
            "`{old}` was renamed to `{new}`, which no `files:` glob covers: its declared {uses} {} would no longer be checked",
            listed(ids)
        ),
    )
    .help(format!(
        "keep a name the `files:` globs in `.aiclear/config.yml` cover (such as the old `{old}`), or add a glob that covers `{new}`"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::declaration::parse;
    use crate::kind::FileKind;

    fn decl(text: &str) -> Declaration {
        parse(FileKind::Yaml, text.as_bytes()).declaration.unwrap()
    }

    #[test]
    fn removed_without_record() {
        let head = decl("genai: none\n");
        let found = check(&["a".into(), "b".into()], Some(&head), "x.yml", "x.yml");
        assert_eq!(found.len(), 2);
        let found = check(&["a".into()], None, "old.yml", "x.yml");
        assert!(found[0].notes[0].contains("renamed"));
    }

    #[test]
    fn kept_or_retired() {
        let head = decl(
            "genai:\n  uses:\n    - {id: a, stage: temp, output: text, tools: [{name: x}]}\n  retired:\n    - {id: b, reason: cut, on: 2025-10-01}\n",
        );
        assert!(check(&["a".into(), "b".into()], Some(&head), "x.yml", "x.yml").is_empty());
    }
}
