//! The JSON document for tools: version 1 of the shape in DESIGN.md §5.
//!
//! The document is built from borrowed serializable structs rather than
//! `serde_json::json!`, so the field order is fixed by the struct and a field
//! cannot be misspelt in one place only. Changing the shape incompatibly
//! means bumping `version`; a field added (`pack`) keeps it.

use std::io;

use serde::Serialize;

use super::region;
use crate::diagnostic::{Diagnostic, Report};

/// The version of the document's shape.
const VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    summary: Summary,
}

/// One finding. Lines and columns are 1-based and columns count characters
/// (an invalid UTF-8 byte counts as one). `end_line`/`end_column` is the
/// position one past the last character of the span, like SARIF's `endLine`
/// and `endColumn`, so an empty span has `end == start`. A finding about a
/// whole file (or one whose file text is not at hand) is at 1:1–1:1.
#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    /// The rule's code (`GA201`); `null` for configuration errors.
    code: Option<&'static str>,
    /// The rule's name (`key-creative-element`); `null` for configuration errors.
    name: Option<&'static str>,
    /// The policy pack the rule comes from (`netflix-2025-08`); `null` for
    /// aiclear's own checks and configuration errors.
    pack: Option<&'static str>,
    /// `error`, `warning` or `note`.
    severity: &'static str,
    message: &'a str,
    /// Relative to the project root, with `/` separators.
    path: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    notes: &'a [String],
    help: Option<&'a str>,
}

#[derive(Serialize)]
struct Summary {
    files_checked: usize,
    errors: usize,
    warnings: usize,
    /// Present after a range check: what was verified in history.
    #[serde(skip_serializing_if = "Option::is_none")]
    history: Option<History>,
}

#[derive(Serialize)]
struct History {
    range: String,
    commits: usize,
    approvals_traced: usize,
    signatures_verified: usize,
}

impl<'a> JsonDiagnostic<'a> {
    fn new(report: &Report, d: &'a Diagnostic) -> Self {
        let region = region(report, d);
        Self {
            code: d.rule.map(|r| r.code),
            name: d.rule.map(|r| r.name),
            pack: d.rule.and_then(|r| r.pack),
            severity: d.severity.as_str(),
            message: &d.message,
            path: &d.path,
            line: region.start.line,
            column: region.start.column,
            end_line: region.end.line,
            end_column: region.end.column,
            notes: &d.notes,
            help: d.help.as_deref(),
        }
    }
}

/// Writes the document, pretty-printed with two-space indents, and a newline.
pub(super) fn render(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    let document = Document {
        version: VERSION,
        diagnostics: report
            .diagnostics
            .iter()
            .map(|d| JsonDiagnostic::new(report, d))
            .collect(),
        summary: Summary {
            files_checked: report.files_checked,
            errors: report.errors(),
            warnings: report.warnings(),
            history: report.history.as_ref().map(|h| History {
                range: h.range.clone(),
                commits: h.commits,
                approvals_traced: h.approvals_traced,
                signatures_verified: h.signatures_verified,
            }),
        },
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Severity;
    use crate::render::fixture::{self, KEY_CREATIVE_ELEMENT};
    use crate::source::Source;

    fn json(report: &Report) -> String {
        let mut out = Vec::new();
        render(report, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn empty_report() {
        let report = Report {
            files_checked: 12,
            ..Report::default()
        };
        assert_eq!(
            json(&report),
            "{\n  \"version\": 1,\n  \"diagnostics\": [],\n  \"summary\": {\n    \"files_checked\": 12,\n    \"errors\": 0,\n    \"warnings\": 0\n  }\n}\n"
        );
    }

    #[test]
    fn positions_count_characters_across_crlf_bom_and_invalid_bytes() {
        // BOM, CRLF, a multibyte character, an invalid byte, a multi-line span.
        let bytes = b"\xEF\xBB\xBFa: 1\r\nb: \xC3\xA9\xFF x\r\nc: 3\r\n".to_vec();
        let x = bytes.iter().position(|&b| b == b'x').unwrap();
        let three = bytes.iter().position(|&b| b == b'3').unwrap();
        let mut report = Report::default();
        report
            .sources
            .insert("a.yaml".into(), Source::new("a.yaml", bytes));
        let mut d = fixture::diagnostic(Some(&KEY_CREATIVE_ELEMENT), Severity::Note, "a.yaml");
        d.message = "m \"quoted\"\n".into();
        d.span = Some(x..three + 1);
        d.notes = vec!["n1".into(), "n2".into()];
        report.diagnostics.push(d);
        let value: serde_json::Value = serde_json::from_str(&json(&report)).unwrap();
        let d = &value["diagnostics"][0];
        assert_eq!(d["line"], 2);
        assert_eq!(d["column"], 7);
        assert_eq!(d["end_line"], 3);
        assert_eq!(d["end_column"], 5);
        assert_eq!(d["severity"], "note");
        assert_eq!(d["message"], "m \"quoted\"\n");
        assert_eq!(d["notes"], serde_json::json!(["n1", "n2"]));
        assert_eq!(value["summary"]["errors"], 0);
        assert_eq!(d["pack"], "netflix-2025-08");
    }

    #[test]
    fn pack_is_null_for_aiclears_own_checks_and_configuration_errors() {
        let value: serde_json::Value = serde_json::from_str(&json(&fixture::report())).unwrap();
        let packs: Vec<&serde_json::Value> = value["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| &d["pack"])
            .collect();
        assert_eq!(
            packs,
            [
                &serde_json::json!("netflix-2025-08"),
                &serde_json::Value::Null,
                &serde_json::Value::Null,
                &serde_json::Value::Null
            ]
        );
    }

    #[test]
    fn exact_document_for_one_finding() {
        let mut report = fixture::report();
        report.diagnostics.truncate(1);
        assert_eq!(
            json(&report),
            r#"{
  "version": 1,
  "diagnostics": [
    {
      "code": "GA201",
      "name": "key-creative-element",
      "pack": "netflix-2025-08",
      "severity": "error",
      "message": "main character generated with GenAI needs written approval",
      "path": "shots/sh010.yaml",
      "line": 4,
      "column": 14,
      "end_line": 4,
      "end_column": 28,
      "notes": [
        "guideline 4.2: key creative elements need written approval"
      ],
      "help": "add an approval for `u1` to the ledger"
    }
  ],
  "summary": {
    "files_checked": 3,
    "errors": 1,
    "warnings": 0
  }
}
"#
        );
    }
}
