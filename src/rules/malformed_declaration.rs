use crate::declaration::validate::{self, MAX_USES};
use crate::declaration::{MAX_BLOCK_BYTES, Malformed, Second};
use crate::rules::{Check, Finding, declare_rule};
use crate::source::Span;
use crate::yaml::{FileProblem, SyntaxHelp, SyntaxProblem};

declare_rule! {
    /// ### What it does
    /// Reports a declaration that cannot be read at all: a YAML or JSON syntax
    /// error, a Fountain boneyard block that is never closed, bytes that are not
    /// UTF-8, or a declaration over the size limit. The engine reports it at the
    /// place where the parser stopped, and checks nothing else in that file.
    ///
    /// A file holds one declaration, so a second one is reported too, at its
    /// `genai` key and with the line of the first: a second declaration block
    /// in a script or Markdown file (a boneyard-wrapped `---` block, or in
    /// Markdown a `---` block, whose YAML has a top-level `genai` key), a
    /// top-level `genai` beside a JSON or OpenTimelineIO file's
    /// `metadata.genai`, or a `genai` key in a later YAML document. The first
    /// declaration is still checked; the second is not read.
    ///
    /// ### Why it matters
    /// A declaration that does not parse tells reviewers nothing, so it counts as
    /// no declaration at all. Netflix's guidelines rest on reporting every GenAI
    /// use; a typo in the YAML must not let a use slip past review unnoticed.
    ///
    /// ### Example
    /// The flow list is never closed:
    /// ```yaml
    /// genai:
    ///   disclosed: { to: "M. Chen, Netflix creative production", on: 2025-09-02 }
    ///   uses:
    ///     - id: relay-moodboard
    ///       stage: ideation
    ///       output: [image, text
    ///       tools: [{ name: "Imagen 4", enterprise: true, trains-on-inputs: false }]
    /// ```
    /// Use instead:
    /// ```yaml
    /// genai:
    ///   disclosed: { to: "M. Chen, Netflix creative production", on: 2025-09-02 }
    ///   uses:
    ///     - id: relay-moodboard
    ///       stage: ideation
    ///       output: [image, text]
    ///       tools: [{ name: "Imagen 4", enterprise: true, trains-on-inputs: false }]
    /// ```
    pub MALFORMED_DECLARATION {
        code: "GA002",
        name: "malformed-declaration",
        level: Deny,
        summary: "a declaration does not parse (syntax, encoding or size)",
        guideline: "a declaration that cannot be read cannot be checked, so it counts as missing",
        check: Check::Engine,
    }
}

fn malformed(span: Option<Span>, message: impl Into<String>) -> Finding {
    Finding::new(&MALFORMED_DECLARATION, span, message)
}

impl From<Malformed> for Finding {
    fn from(m: Malformed) -> Self {
        match m {
            Malformed::TooLarge { at } => malformed(
                Some(at..at),
                format!(
                    "the declaration block is larger than {} KiB",
                    MAX_BLOCK_BYTES >> 10
                ),
            )
            .help("keep the declaration short: notes and long texts belong in the script, outside the block"),
            Malformed::NotUtf8 { at } => {
                malformed(Some(at..at + 1), "the declaration is not valid UTF-8")
                    .label("this byte is not UTF-8")
                    .help("save the file as UTF-8")
            }
            Malformed::Unterminated { span, message } => {
                let help = if message.contains("not closed with `*/`") {
                    "put `*/` on the line right after the declaration's closing `---`"
                } else if message.contains("before `*/`") {
                    "end the declaration with a `---` line of its own, then `*/` on the next line"
                } else {
                    "end the frontmatter with a `---` line of its own"
                };
                malformed(Some(span), message)
                    .label("opened here")
                    .help(help)
            }
            Malformed::Syntax(p) => syntax(*p),
            Malformed::LaterDocument { span } => malformed(
                Some(span),
                "a `genai` key in a later YAML document is not read",
            )
            .label("ignored")
            .help("keep one declaration, in the file's first document"),
            Malformed::AfterJson { at } => malformed(
                Some(at..at + 1),
                "unexpected content after the JSON value",
            )
            .label("the file should end here")
            .help("a JSON or OTIO file holds one value"),
            Malformed::Second {
                place,
                span,
                first_line,
            } => second(place, span, first_line),
            Malformed::TooManyUses { span } => malformed(
                Some(span),
                format!("more than {MAX_USES} uses in one file: over aiclear's limit"),
            )
            .help("split the material into files of their own"),
        }
    }
}

/// A second declaration, at `span`, in a file that declares its AI use at
/// line `line` already.
fn second(place: Second, span: Span, line: usize) -> Finding {
    let (note, help) = match place {
        Second::BesideMetadata => (
            "only `metadata.genai` is read, and a file holds one declaration".to_owned(),
            "merge them into one: move every use into `metadata.genai` and delete the top-level `genai`".to_owned(),
        ),
        Second::Block => (
            format!("the declaration at line {line} is the one that is read, and a file holds one declaration"),
            format!("merge them into one: move what this block declares into the declaration at line {line}, and delete this block"),
        ),
        Second::LaterDocument => (
            "only the file's first YAML document is read, and a file holds one declaration".to_owned(),
            format!("merge them into one: move what this document declares into the declaration at line {line}, and delete this `genai`"),
        ),
    };
    malformed(
        Some(span),
        format!("a second declaration: this file already declares its AI use at line {line}"),
    )
    .label("a second `genai` declaration")
    .note(note)
    .help(help)
}

/// A syntax error in a declaration, the configuration or the ledger.
pub fn syntax(p: SyntaxProblem) -> Finding {
    let mut f = malformed(p.span, format!("{} cannot be read: {}", p.what, p.problem));
    f.label = p.label;
    f.secondary = p.secondary;
    f.notes = p.notes;
    let more = match p.more_help {
        SyntaxHelp::Nothing => "",
        SyntaxHelp::Example if p.what == "the declaration" => {
            "; `aiclear explain GA002` shows a declaration that reads"
        }
        SyntaxHelp::Example => "",
        SyntaxHelp::SecondKey { key, json } => match (validate::is_use_key(&key), json) {
            (true, false) => "; another use is a new item of `uses` (`- id: …`)",
            (true, true) => {
                "; another use is an object of its own in the `\"uses\"` list (`{ \"id\": … }`)"
            }
            _ => "",
        },
    };
    f.help = p.help.map(|h| format!("{h}{more}"));
    f
}

impl From<FileProblem> for Finding {
    fn from(p: FileProblem) -> Self {
        match p {
            FileProblem::NotUtf8 { what, at } => {
                malformed(Some(at..at + 1), format!("{what} is not valid UTF-8"))
            }
            FileProblem::Syntax(p) => syntax(p),
        }
    }
}

/// A file aiclear does not read: a link out of the project, a link chain, or
/// not a regular file (`why`).
pub fn unreadable(why: &str) -> Finding {
    Finding::new(
        &MALFORMED_DECLARATION,
        None,
        format!("cannot read this file: {why}"),
    )
}

/// A file over the size aiclear reads.
pub fn too_large(max_bytes: u64) -> Finding {
    Finding::new(
        &MALFORMED_DECLARATION,
        None,
        format!("the file is larger than {} MiB", max_bytes >> 20),
    )
}

/// A file whose name is not UTF-8, so that it cannot be read by name.
pub fn name_not_utf8() -> Finding {
    Finding::new(
        &MALFORMED_DECLARATION,
        None,
        "the file name is not valid UTF-8, so aiclear cannot read this file by name".to_owned(),
    )
    .note("invalid bytes are shown as `\\xNN`")
    .help("rename the file to a UTF-8 name (`git mv`), then check again")
}

/// A ledger that is a link or not a regular file: nothing in it counts.
pub fn ledger_unreadable(why: &str, ledger_path: &str) -> Finding {
    Finding::new(
        &MALFORMED_DECLARATION,
        None,
        format!("the ledger cannot be read: {why}"),
    )
    .help(format!(
        "commit the approvals themselves at `{ledger_path}`, a regular file, not a link to one"
    ))
}
