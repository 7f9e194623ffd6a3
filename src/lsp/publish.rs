//! A document's findings as LSP diagnostics.
//!
//! Each keeps what the command line shows: the code, the severity, the
//! message, the range of its span. Editors show a diagnostic's message in
//! full but its related information only on demand (VS Code folds it away,
//! Neovim's float leaves it out), so the notes and the help go after the
//! message, one per line, as the `github` format writes them; the
//! secondary labels, which point elsewhere in the file, are related
//! information.

use lsp_types::{
    Diagnostic as LspDiagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location,
    NumberOrString, Range, Uri,
};

use super::position::{Encoding, position};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{Source, Span};

/// The range of a span in `source`; a finding about the whole file sits
/// at its start.
pub fn range(source: &Source, span: Option<&Span>, encoding: Encoding) -> Range {
    match span {
        Some(span) => Range {
            start: position(source, span.start, encoding),
            end: position(source, span.end.max(span.start), encoding),
        },
        None => Range::default(),
    }
}

fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Note => DiagnosticSeverity::INFORMATION,
    }
}

/// `d`, a finding in the document `uri` whose text is `source`.
pub fn diagnostic(d: &Diagnostic, source: &Source, uri: &Uri, encoding: Encoding) -> LspDiagnostic {
    let mut message = d.message.clone();
    for note in crate::render::notes_with_pack(d) {
        message.push_str("\nnote: ");
        message.push_str(&note);
    }
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let related: Vec<DiagnosticRelatedInformation> = d
        .secondary
        .iter()
        .map(|l| DiagnosticRelatedInformation {
            location: Location {
                uri: uri.clone(),
                range: range(source, Some(&l.span), encoding),
            },
            message: l.message.clone(),
        })
        .collect();
    LspDiagnostic {
        range: range(source, d.span.as_ref(), encoding),
        severity: Some(severity(d.severity)),
        code: d.code().map(|c| NumberOrString::String(c.to_owned())),
        code_description: None,
        source: Some("aiclear".to_owned()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr as _;

    use super::*;
    use crate::diagnostic::Label;
    use crate::rules::key_creative_element::KEY_CREATIVE_ELEMENT;

    #[test]
    fn a_finding_keeps_its_code_range_notes_and_help() {
        let text = "genai:\n  uses:\n    - id: é\n      elements: [main-character]\n";
        let source = Source::new("a.yml", text.as_bytes().to_vec());
        let at = text.find("main-character").unwrap();
        let id = text.find("é").unwrap();
        let d = Diagnostic {
            rule: Some(&KEY_CREATIVE_ELEMENT.info),
            severity: Severity::Error,
            message: "a key creative element needs an approval".into(),
            path: "a.yml".into(),
            span: Some(at..at + "main-character".len()),
            label: None,
            secondary: vec![Label {
                span: id..id + "é".len(),
                message: "the use".into(),
            }],
            notes: vec!["a note".into()],
            help: Some("ask an approver".into()),
        };
        let uri = Uri::from_str("file:///p/a.yml").unwrap();
        let out = diagnostic(&d, &source, &uri, Encoding::Utf16);
        assert_eq!(out.code, Some(NumberOrString::String("GA201".into())));
        assert_eq!(out.severity, Some(DiagnosticSeverity::ERROR));
        assert_eq!(out.source.as_deref(), Some("aiclear"));
        assert_eq!((out.range.start.line, out.range.start.character), (3, 17));
        assert_eq!((out.range.end.line, out.range.end.character), (3, 31));
        assert_eq!(
            out.message,
            "a key creative element needs an approval\nnote: from policy pack `netflix-2025-08`\nnote: a note\nhelp: ask an approver"
        );
        let related = out.related_information.unwrap();
        assert_eq!(related[0].location.range.end.character, 11);
        let utf8 = diagnostic(&d, &source, &uri, Encoding::Utf8);
        assert_eq!(
            utf8.related_information.unwrap()[0]
                .location
                .range
                .end
                .character,
            12
        );
    }
}
