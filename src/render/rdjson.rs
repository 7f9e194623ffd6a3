//! reviewdog's Diagnostic Format: `rdjsonl`, one `Diagnostic` object a line,
//! and `rdjson`, one `DiagnosticResult` object holding them all. reviewdog
//! (`reviewdog -f=rdjsonl`) posts them as review comments or annotations on
//! GitHub, GitLab, Bitbucket, Gerrit and Gitea, filtered to the lines a
//! change touched.
//!
//! Positions follow reviewdog's `Position`, which is not ours: lines are
//! 1-based, but a column is 1 plus the number of UTF-8 *bytes* before it on
//! its line (`a𐐀b`: `b` is at column 6), where every other format counts
//! characters. A byte-order mark is not a column, as in the other formats.
//! `end` is exclusive, as SARIF's is. A finding about a whole file has a
//! range of line 1 without columns, which reviewdog reads as the whole line.
//!
//! The message carries the notes (a pack's rule names its pack there) and
//! the help on lines after it, as in `github`, since a review comment is all
//! a reviewer sees. Configuration errors have no `code`.

use std::io;

use serde::Serialize;

use super::sarif::INFORMATION_URI;
use super::{message_with_help, notes_with_pack, region};
use crate::diagnostic::{Diagnostic, Report, Severity};
use crate::source::Source;

#[derive(Serialize)]
struct DiagnosticResult {
    source: Tool,
    diagnostics: Vec<RdDiagnostic>,
}

#[derive(Serialize)]
struct RdDiagnostic {
    message: String,
    location: Location,
    severity: &'static str,
    source: Tool,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<Code>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    url: &'static str,
}

const TOOL: Tool = Tool {
    name: "aiclear",
    url: INFORMATION_URI,
};

#[derive(Serialize)]
struct Code {
    value: &'static str,
}

#[derive(Serialize)]
struct Location {
    /// From the repository's top level, with `/` separators.
    path: String,
    range: Range,
}

#[derive(Serialize)]
struct Range {
    start: Position,
    #[serde(skip_serializing_if = "Option::is_none")]
    end: Option<Position>,
}

#[derive(Serialize, Debug, PartialEq, Eq)]
struct Position {
    line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<usize>,
}

/// Writes one `Diagnostic` a line.
pub(super) fn render_lines(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    for d in &report.diagnostics {
        serde_json::to_writer(&mut *out, &diagnostic(report, d))?;
        writeln!(out)?;
    }
    Ok(())
}

/// Writes one pretty-printed `DiagnosticResult` and a newline.
pub(super) fn render(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    let result = DiagnosticResult {
        source: TOOL,
        diagnostics: report
            .diagnostics
            .iter()
            .map(|d| diagnostic(report, d))
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &result)?;
    writeln!(out)
}

fn diagnostic(report: &Report, d: &Diagnostic) -> RdDiagnostic {
    let with_pack = Diagnostic {
        notes: notes_with_pack(d),
        ..d.clone()
    };
    RdDiagnostic {
        message: message_with_help(&with_pack, true),
        location: Location {
            path: format!("{}{}", report.root_prefix, d.path),
            range: range(report, d),
        },
        severity: match d.severity {
            Severity::Error => "ERROR",
            Severity::Warning => "WARNING",
            Severity::Note => "INFO",
        },
        source: TOOL,
        code: d.code().map(|value| Code { value }),
    }
}

/// The span of `d` in lines and byte columns; line 1 without columns for a
/// finding about a whole file.
fn range(report: &Report, d: &Diagnostic) -> Range {
    match (&d.span, report.sources.get(&d.path)) {
        (Some(span), Some(source)) => {
            let r = region(report, d);
            Range {
                start: byte_position(source, r.start.line, span.start),
                end: Some(byte_position(source, r.end.line, span.end.max(span.start))),
            }
        }
        _ => Range {
            start: Position {
                line: 1,
                column: None,
            },
            end: None,
        },
    }
}

/// `offset` on `line` as reviewdog counts it: 1 plus the bytes before it on
/// the line, a byte-order mark left out.
fn byte_position(source: &Source, line: usize, offset: usize) -> Position {
    let mut start = source.line_span(line).start;
    if start == 0 && source.bytes.starts_with(b"\xEF\xBB\xBF") {
        start = 3;
    }
    let offset = offset.min(source.bytes.len());
    Position {
        line,
        column: Some(offset.saturating_sub(start) + 1),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::render::fixture::{self, KEY_CREATIVE_ELEMENT, find};

    fn lines(report: &Report) -> Vec<Value> {
        let mut out = Vec::new();
        render_lines(report, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        text.lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    fn result(report: &Report) -> Value {
        let mut out = Vec::new();
        render(report, &mut out).unwrap();
        serde_json::from_slice(&out).unwrap()
    }

    #[test]
    fn fixture_diagnostics() {
        let mut report = fixture::report();
        report.root_prefix = "show/".into();
        let lines = lines(&report);
        assert_eq!(lines.len(), 4);
        assert_eq!(
            lines[0],
            json!({
                "message": "main character generated with GenAI needs written approval\n\
                    note: guideline 4.2: key creative elements need written approval (policy pack `netflix-2025-08`)\n\
                    help: add an approval for `u1` to the ledger",
                "location": {
                    "path": "show/shots/sh010.yaml",
                    "range": {"start": {"line": 4, "column": 14}, "end": {"line": 4, "column": 28}},
                },
                "severity": "ERROR",
                "source": {"name": "aiclear", "url": INFORMATION_URI},
                "code": {"value": "GA201"},
            })
        );
        // `tool: Ünï \xFF v2`: Ü and ï are two bytes each, the invalid byte one.
        assert_eq!(
            lines[1]["location"]["range"],
            json!({"start": {"line": 5, "column": 19}, "end": {"line": 5, "column": 19}})
        );
        assert_eq!(lines[1]["severity"], "WARNING");
        // A configuration error: no code, the whole file.
        assert_eq!(lines[2].get("code"), None);
        assert_eq!(
            lines[2]["location"],
            json!({"path": "show/aiclear.toml", "range": {"start": {"line": 1}}})
        );
        // `rdjson` holds the same diagnostics.
        let result = result(&report);
        assert_eq!(result["source"]["name"], "aiclear");
        assert_eq!(result["diagnostics"], Value::Array(lines));
    }

    #[test]
    fn columns_count_utf8_bytes() {
        // reviewdog's own example: in `a𐐀b`, `b` is at column 6.
        let bytes = "x: a\u{10400}b\n".as_bytes();
        let mut report = Report::default();
        report
            .sources
            .insert("s.yaml".into(), Source::new("s.yaml", bytes.to_vec()));
        let mut d = fixture::diagnostic(Some(&KEY_CREATIVE_ELEMENT), Severity::Note, "s.yaml");
        d.span = Some(find(bytes, "b"));
        report.diagnostics.push(d);
        let mut d = fixture::diagnostic(Some(&KEY_CREATIVE_ELEMENT), Severity::Note, "s.yaml");
        // `a𐐀b` starts at column 4 and ends, exclusive, at column 10.
        d.span = Some(find(bytes, "a\u{10400}b"));
        report.diagnostics.push(d);
        let lines = lines(&report);
        assert_eq!(
            lines[0]["location"]["range"],
            json!({"start": {"line": 1, "column": 9}, "end": {"line": 1, "column": 10}})
        );
        assert_eq!(
            lines[1]["location"]["range"],
            json!({"start": {"line": 1, "column": 4}, "end": {"line": 1, "column": 10}})
        );
        assert_eq!(lines[0]["severity"], "INFO");
    }

    #[test]
    fn multi_line_span_ends_on_its_own_line() {
        let bytes = b"a: 1\nb: |\n  x\n  y\n";
        let mut report = Report::default();
        report
            .sources
            .insert("m.yaml".into(), Source::new("m.yaml", bytes.to_vec()));
        let mut d = fixture::diagnostic(None, Severity::Error, "m.yaml");
        d.span = Some(find(bytes, "|\n  x\n  y"));
        report.diagnostics.push(d);
        assert_eq!(
            lines(&report)[0]["location"]["range"],
            json!({"start": {"line": 2, "column": 4}, "end": {"line": 4, "column": 4}})
        );
    }

    #[test]
    fn nothing_to_report() {
        assert!(lines(&Report::default()).is_empty());
        assert_eq!(result(&Report::default())["diagnostics"], json!([]));
    }
}
