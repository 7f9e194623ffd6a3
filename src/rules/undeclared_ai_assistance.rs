use crate::declaration::Declaration;
use crate::git::history::CommitInfo;
use crate::rules::{Check, Finding, declare_rule};

declare_rule! {
    /// ### What it does
    /// Reports a commit in the range whose message carries an AI-assistance
    /// trailer — `Assisted-by:`, `Generated-by:`, or a `Co-authored-by:` that
    /// names an AI agent (Copilot, Claude, ChatGPT, OpenAI Codex, Gemini,
    /// Cursor, Devin, Aider, Windsurf …, extendable with `ai-agents:` in the
    /// config) — and that touches a checked file which declares no use at head.
    /// The `commit-msg` hook applies the same check to the message being written.
    ///
    /// ### Why it matters
    /// The commit itself says generative AI helped write it, while the file says
    /// no GenAI was used. The guidelines' reporting duty and the WGA agreement's
    /// disclosure rules need the declaration to tell the truth.
    ///
    /// ### Example
    /// A commit with `Assisted-by: Claude:claude-opus` edits a script that says:
    /// ```yaml
    /// genai: none
    /// ```
    /// Use instead:
    /// ```yaml
    /// genai:
    ///   disclosed: { to: "M. Chen, Netflix creative production", on: 2025-09-02 }
    ///   uses:
    ///     - id: dialogue-polish
    ///       stage: ideation
    ///       output: text
    ///       tools: [{ name: "Claude", enterprise: true, trains-on-inputs: false }]
    /// ```
    pub UNDECLARED_AI_ASSISTANCE {
        code: "GA607",
        name: "undeclared-ai-assistance",
        level: Deny,
        summary: "a commit says AI assisted it, but the file it touches declares no use",
        guideline: "Netflix GenAI guidelines, reporting, and WGA 2023 MBA Article 72: GenAI use in the material is disclosed",
        check: Check::Engine,
    }
}

/// AI agents recognised in `Co-authored-by:` trailers.
pub const AI_AGENTS: &[&str] = &[
    "copilot",
    "claude",
    "anthropic",
    "chatgpt",
    "openai",
    "codex",
    "gpt-",
    "gemini",
    "bard",
    "cursor",
    "devin",
    "aider",
    "windsurf",
    "codeium",
    "tabnine",
    "amazon q",
    "codewhisperer",
    "jules",
    "sourcegraph cody",
];

/// The AI trailer of a commit message, as `(key, value)`.
pub fn ai_trailer(message: &str, extra_agents: &[String]) -> Option<(String, String)> {
    // A message being written still has git's comment lines and, with
    // `commit -v`, the diff below the scissors line.
    let message: String = message
        .lines()
        .take_while(|l| !l.starts_with("# ------------------------ >8"))
        .filter(|l| !l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    let trailers = crate::git::message_trailers(&message)?;
    for (key, value) in &trailers {
        let k = key.to_ascii_lowercase();
        let v = value.to_ascii_lowercase();
        let is_ai = match k.as_str() {
            "assisted-by" | "generated-by" => true,
            "co-authored-by" => {
                AI_AGENTS.iter().any(|a| v.contains(a))
                    || extra_agents
                        .iter()
                        .any(|a| v.contains(&a.to_ascii_lowercase()))
            }
            _ => false,
        };
        if is_ai {
            return Some((key.to_owned(), value.to_owned()));
        }
    }
    None
}

/// An error when a file that declares no use was touched by an AI-assisted commit.
pub fn check(
    decl: Option<&Declaration>,
    commit: Option<&CommitInfo>,
    trailer: &(String, String),
) -> Option<Finding> {
    if decl.is_some_and(|d| !d.uses.is_empty()) {
        return None;
    }
    let mut f = Finding::new(
        &UNDECLARED_AI_ASSISTANCE,
        decl.map(|d| d.key_span.clone()),
        "AI assistance is recorded for this file but it declares no generative-AI use",
    )
    .label("declares no use")
    .help("declare the use under `genai.uses` (stage, output, tools), or correct the commit message if no AI touched this file");
    f = f.note(match commit {
        Some(c) => format!(
            "commit {} \"{}\" has the trailer `{}: {}`",
            c.short(),
            c.summary,
            trailer.0,
            trailer.1
        ),
        None => format!(
            "the commit message has the trailer `{}: {}`",
            trailer.0, trailer.1
        ),
    });
    Some(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailers() {
        assert!(ai_trailer("fix\n\nAssisted-by: Claude:claude-opus-4\n", &[]).is_some());
        assert!(
            ai_trailer(
                "fix\n\nCo-authored-by: GitHub Copilot <copilot@github.com>\n",
                &[]
            )
            .is_some()
        );
        assert!(ai_trailer("fix\n\nCo-authored-by: Dana Ruiz <dana@example.com>\n", &[]).is_none());
        assert!(
            ai_trailer(
                "fix\n\nCo-authored-by: Muse <muse@x.com>\n",
                &["muse".into()]
            )
            .is_some()
        );
        assert!(ai_trailer("Assisted-by: in the subject only\n", &[]).is_none());
        let editing =
            "fix\n\nAssisted-by: Claude\n# Please enter the commit message\n#\n# On branch main\n";
        assert!(ai_trailer(editing, &[]).is_some());
    }
}
