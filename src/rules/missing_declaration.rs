use crate::declaration::Missing;
use crate::kind::FileKind;
use crate::diagnostic::Diagnostic;
use crate::rules::media::{self, MediaFile, Own};
use crate::rules::{Check, Finding, declare_rule, shell_word};

declare_rule! {
    /// ### What it does
    /// Reports a production file that the configuration's `files:` globs match
    /// (a script, a metadata file or a media file's sidecar) but that carries no
    /// `genai` declaration at all. The engine reports it while discovering files;
    /// the configuration's `require-declaration: false` turns it off.
    ///
    /// A file with no generative-AI use says so in one line: `genai: none`.
    /// `aiclear annotate --none PATH...` writes it in the right form for each
    /// file (after a script's title page, a media file's sidecar), and
    /// `aiclear annotate PATH` writes a template to fill in. When three or
    /// more files have none, the human output lists them under one heading
    /// with the one command for all of them.
    ///
    /// ### Why it matters
    /// Netflix's guidelines ask partners to share *any* intended GenAI use with
    /// their Netflix contact before it goes ahead. A file that says nothing cannot
    /// be told apart from one whose AI use was never written down, so aiclear asks
    /// every production file to answer the question explicitly, even when the
    /// answer is "none". The same holds for writers under the WGA 2023 MBA
    /// (Article 72): material produced with GenAI must be disclosed when it is
    /// handed on.
    ///
    /// ### Example
    /// A shot sheet under `vfx/` with no declaration:
    /// ```yaml
    /// shot: rs_010
    /// plate: plates/rs_010_v003.exr
    /// frames: 1001-1096
    /// ```
    /// Use instead:
    /// ```yaml
    /// shot: rs_010
    /// plate: plates/rs_010_v003.exr
    /// frames: 1001-1096
    /// genai: none
    /// ```
    pub MISSING_DECLARATION {
        code: "GA001",
        name: "missing-declaration",
        level: Deny,
        summary: "a production file has no `genai` declaration",
        guideline: "Netflix GenAI guidelines, reporting: any intended GenAI use is shared with the studio, so every production file says whether it has one",
        check: Check::Engine,
    }
}

/// The start of the help of a finding that `aiclear annotate` fixes.
const ANNOTATE: &str = "run `aiclear annotate --none ";

/// The help for a file without a declaration: the commands that write one.
/// `path` is the file as `aiclear annotate` takes it (a media file, not its
/// sidecar).
pub fn annotate_help(path: &str) -> String {
    let p = shell_word(path);
    format!(
        "{ANNOTATE}{p}` if it uses no generative AI, or `aiclear annotate {p}` for a template to fill in"
    )
}

/// The finding for a file without a declaration, with the commands that
/// write one as its help and the way to do it by hand (`by_hand`) as a note.
pub fn fixed_by_annotate(f: Finding, path: &str, by_hand: &str) -> Finding {
    f.note(format!("or by hand: {by_hand}"))
        .help(annotate_help(path))
}

/// A media file (or a script or asset declared in a sidecar) without the
/// sidecar `sidecar` that declares it; the message names its kind (`Final
/// Draft script has no sidecar declaration …`).
pub fn media_without_sidecar(media: &str, sidecar: &str) -> Finding {
    let name = sidecar.rsplit('/').next().unwrap_or_default();
    let noun = crate::kind::row_of(media)
        .filter(|row| row.declared == FileKind::Sidecar)
        .map_or("file", |row| row.noun);
    fixed_by_annotate(
        Finding::new(
            &MISSING_DECLARATION,
            None,
            format!("{noun} has no sidecar declaration `{name}`"),
        ),
        media,
        &format!(
            "create `{sidecar}` with a top-level `genai:` key (`genai: none` when no AI was used)"
        ),
    )
}

/// A media file without a sidecar, with a note of what the file records
/// of its own making when it records anything: a generated file must not
/// be declared `genai: none` (GA701).
pub fn with_own_record(f: Finding, media: &MediaFile) -> Finding {
    let Own::Read(record) = &media.own else {
        return f;
    };
    if record.is_empty() {
        return f;
    }
    let own = media.own.summary();
    match record.generative() {
        Some(mark) => {
            let output = media::output_of(&media.path, record.format)
                .map_or(String::new(), |o| format!("`output: {o}` and "));
            let p = shell_word(&media.path);
            f.note(format!(
                "the file's own record says it was made with generative AI ({own}): declare that use with {output}`source-type: {}`, not `genai: none`",
                mark.term
            ))
            .help(format!(
                "run `aiclear annotate {p}` for a template to fill in with the use it records"
            ))
        }
        None => f.note(format!("the file's own record says: {own}")),
    }
}

/// Whether a diagnostic is a missing declaration that `aiclear annotate`
/// writes, and for which path: a sidecar's is its media file's.
pub fn annotate_path(d: &Diagnostic) -> Option<&str> {
    (d.code() == Some(MISSING_DECLARATION.code)
        && d.help.as_deref().is_some_and(|h| h.starts_with(ANNOTATE)))
    .then(|| {
        d.path
            .strip_suffix(crate::kind::SIDECAR_SUFFIX)
            .unwrap_or(&d.path)
    })
}

impl From<Missing> for Finding {
    fn from(m: Missing) -> Self {
        let mut f = Finding::new(
            &MISSING_DECLARATION,
            None,
            "file has no generative-AI declaration",
        )
        .help(m.kind.how_to_declare());
        if let Some(e) = m.elsewhere {
            let line = e.line;
            f = f
                .note(format!(
                    "line {line} holds a declaration block, but a declaration is not read from there"
                ))
                .help(match (e.read_from, m.kind) {
                    (Some(start), _) => format!(
                        "move the `genai` key at line {line} into the block whose YAML starts at line {start}, the one that is read"
                    ),
                    (None, FileKind::Markdown) => format!(
                        "move the `genai` key at line {line} into `---` frontmatter at the very top of the file"
                    ),
                    (None, _) => format!(
                        "move the block whose `genai` key is at line {line} right after the title page, or to the top of a script without one"
                    ),
                });
        }
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_sidecar_says_what_the_file_records() {
        use crate::rules::media::testing::{plate, signed};
        let media = plate(signed("trainedAlgorithmicMedia")).media.unwrap();
        let f = with_own_record(media_without_sidecar(&media.path, "x.genai.yml"), &media);
        assert_eq!(
            f.notes.last().map(String::as_str),
            Some(
                "the file's own record says it was made with generative AI (C2PA: trainedAlgorithmicMedia (Adobe Firefly 1.0)): declare that use with `output: image` and `source-type: trainedAlgorithmicMedia`, not `genai: none`"
            )
        );
        assert_eq!(
            f.help.as_deref(),
            Some(
                "run `aiclear annotate vfx/ep101/plate_0420.jpg` for a template to fill in with the use it records"
            )
        );
        let quiet = plate(crate::embedded::Record::default()).media.unwrap();
        let f = with_own_record(media_without_sidecar(&quiet.path, "x.genai.yml"), &quiet);
        assert_eq!(f.notes.len(), 1);
    }

    #[test]
    fn the_help_names_both_commands_and_quotes_paths() {
        assert_eq!(
            annotate_help("drafts/ep 3.fountain"),
            "run `aiclear annotate --none 'drafts/ep 3.fountain'` if it uses no generative AI, or `aiclear annotate 'drafts/ep 3.fountain'` for a template to fill in"
        );
    }
}
