use crate::rules::{Check, declare_rule};

declare_rule! {
    /// ### What it does
    /// Reports a production file that the configuration's `files:` globs match
    /// (a script, a metadata file or a media file's sidecar) but that carries no
    /// `genai` declaration at all. The engine reports it while discovering files;
    /// the configuration's `require-declaration: false` turns it off.
    ///
    /// A file with no generative-AI use says so in one line: `genai: none`.
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
