//! Turning a [`Report`] into text for people and machines.
//!
//! Diagnostics are data (see [`crate::diagnostic`]): byte spans into a file,
//! no lines, no columns, no colour. Everything that depends on how a finding is
//! shown lives here, one file per format, and every format is reached through
//! the single exhaustive `match` in [`render`]: adding a [`Format`] variant is a
//! compile error until it is rendered, and the snapshot test at the bottom of
//! this file fails to compile until it has a snapshot too.
//!
//! Lines and columns are computed from the file's [`Source`] only here, with
//! [`Source::line_col`]: 1-based, columns counting characters. [`region`] is
//! the one place that decides where a finding starts and ends, so that `short`,
//! `json` and the formats still to come agree on every position; `human` hands
//! annotate-snippets a window of the file whose line and character counts match
//! the same function.
//!
//! [`Source`]: crate::source::Source
//! [`Source::line_col`]: crate::source::Source::line_col

use std::io;

use crate::diagnostic::{Diagnostic, Report};
use crate::source::LineCol;

mod human;
mod json;
mod short;

/// An output format, as chosen with `--format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// rustc-style diagnostics with the source lines underlined, and a summary.
    Human,
    /// One `path:line:col: error[GA201]: message` line per finding.
    Short,
    /// One JSON document (`"version": 1`) with every finding and a summary.
    Json,
}

/// Writes `report` to `out` in `format`. `color` adds ANSI styles where the
/// format has any (`human`, `short`); machine formats ignore it.
pub fn render(
    format: Format,
    report: &Report,
    color: bool,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    match format {
        Format::Human => human::render(report, color, out),
        Format::Short => short::render(report, color, out),
        Format::Json => json::render(report, out),
    }
}

/// Where a finding starts and ends in its file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Region {
    /// The first character of the span.
    pub start: LineCol,
    /// One past the last character of the span (equal to `start` for an empty
    /// span), like SARIF's `endColumn`.
    pub end: LineCol,
}

impl Region {
    /// The position of a finding about a whole file: line 1, column 1.
    pub const WHOLE_FILE: Region = Region {
        start: LineCol { line: 1, column: 1 },
        end: LineCol { line: 1, column: 1 },
    };
}

/// The region of `d`: its span in its source, or [`Region::WHOLE_FILE`] when
/// it has no span or its source is not in the report (then there is nothing to
/// count lines in).
pub(crate) fn region(report: &Report, d: &Diagnostic) -> Region {
    match (&d.span, report.sources.get(&d.path)) {
        (Some(span), Some(source)) => Region {
            start: source.line_col(span.start),
            end: source.line_col(span.end.max(span.start)),
        },
        _ => Region::WHOLE_FILE,
    }
}

/// `1 error`, `2 errors`.
fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A report used by the tests of every format: a YAML sidecar with a BOM, CRLF
/// line endings, multibyte characters and an invalid UTF-8 byte, a finding
/// with a secondary label, a warning with an empty span, a configuration error
/// and a whole-file finding.
#[cfg(test)]
pub(crate) mod fixture {
    use crate::diagnostic::{Diagnostic, Label, Report, Severity};
    use crate::rules::{Check, Level, Rule};
    use crate::source::{Source, Span};

    pub static KEY_CREATIVE_ELEMENT: Rule = Rule {
        code: "GA201",
        name: "key-creative-element",
        level: Level::Approval,
        summary: "a key creative element generated with GenAI needs written approval",
        guideline: "guideline 4.2: key creative elements need written approval",
        explanation: "",
        check: Check::Engine,
    };

    pub static MISSING_DECLARATION: Rule = Rule {
        code: "GA001",
        name: "missing-declaration",
        level: Level::Warn,
        summary: "a file that uses GenAI has no declaration",
        guideline: "guideline 2.1: every use is declared",
        explanation: "",
        check: Check::Engine,
    };

    pub const SIDECAR: &[u8] = b"\xEF\xBB\xBF# s\xC3\xA9quence 10\r\ngenai:\r\n  - id: u1\r\n    element: main-character\r\n    tool: \xC3\x9Cn\xC3\xAF \xFF v2\r\n";

    /// Byte range of the first occurrence of `needle` in `haystack`.
    pub fn find(haystack: &[u8], needle: &str) -> Span {
        let start = haystack
            .windows(needle.len())
            .position(|w| w == needle.as_bytes())
            .expect("needle in haystack");
        start..start + needle.len()
    }

    pub fn diagnostic(rule: Option<&'static Rule>, severity: Severity, path: &str) -> Diagnostic {
        Diagnostic {
            rule,
            severity,
            message: String::new(),
            path: path.to_string(),
            span: None,
            label: None,
            secondary: Vec::new(),
            notes: Vec::new(),
            help: None,
        }
    }

    pub fn report() -> Report {
        let path = "shots/sh010.yaml";
        let mut report = Report {
            files_checked: 3,
            ..Report::default()
        };
        report
            .sources
            .insert(path.to_string(), Source::new(path, SIDECAR.to_vec()));

        let mut d = diagnostic(Some(&KEY_CREATIVE_ELEMENT), Severity::Error, path);
        d.message = "main character generated with GenAI needs written approval".into();
        d.span = Some(find(SIDECAR, "main-character"));
        d.label = Some("a key creative element".into());
        d.secondary.push(Label {
            span: find(SIDECAR, "u1"),
            message: "use `u1` declared here".into(),
        });
        d.notes.push(KEY_CREATIVE_ELEMENT.guideline.into());
        d.help = Some("add an approval for `u1` to the ledger".into());
        report.diagnostics.push(d);

        let mut d = diagnostic(Some(&MISSING_DECLARATION), Severity::Warning, path);
        d.message = "`tool` has no version".into();
        let v2 = find(SIDECAR, "v2");
        d.span = Some(v2.start..v2.start);
        d.label = Some("version expected here".into());
        report.diagnostics.push(d);

        let mut d = diagnostic(None, Severity::Error, "aiclear.toml");
        d.message = "unknown key `rulez`".into();
        d.help = Some("did you mean `rules`?".into());
        report.diagnostics.push(d);

        let mut d = diagnostic(
            Some(&MISSING_DECLARATION),
            Severity::Warning,
            "scripts/ep102.fountain",
        );
        d.message = "screenplay uses GenAI but has no declaration".into();
        d.notes.push(MISSING_DECLARATION.guideline.into());
        report.diagnostics.push(d);

        report
    }
}

#[cfg(test)]
mod tests {
    use clap::ValueEnum;

    use super::*;

    fn rendered(format: Format, report: &Report, color: bool) -> String {
        let mut out = Vec::new();
        render(format, report, color, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn region_counts_characters_from_one() {
        let report = fixture::report();
        let r = region(&report, &report.diagnostics[0]);
        assert_eq!(
            r.start,
            LineCol {
                line: 4,
                column: 14
            }
        );
        assert_eq!(
            r.end,
            LineCol {
                line: 4,
                column: 28
            }
        );
        let r = region(&report, &report.diagnostics[2]);
        assert_eq!(r, Region::WHOLE_FILE);
    }

    /// One shared report through every format, one snapshot each.
    #[test]
    fn every_format_snapshot() {
        let report = fixture::report();
        for &format in Format::value_variants() {
            let expected = match format {
                Format::Human => {
                    "\
error[GA201]: main character generated with GenAI needs written approval
 --> shots/sh010.yaml:4:14
  |
3 |   - id: u1
  |         -- use `u1` declared here
4 |     element: main-character
  |              ^^^^^^^^^^^^^^ a key creative element
  |
  = note: guideline 4.2: key creative elements need written approval
  = help: add an approval for `u1` to the ledger

warning[GA001]: `tool` has no version
 --> shots/sh010.yaml:5:17
  |
5 |     tool: Ünï \u{FFFD} v2
  |                 ^ version expected here

error: unknown key `rulez`
--> aiclear.toml
 |
 = help: did you mean `rules`?

warning[GA001]: screenplay uses GenAI but has no declaration
--> scripts/ep102.fountain
 |
 = note: guideline 2.1: every use is declared

error: 2 errors and 2 warnings in 3 files checked
"
                }
                Format::Short => {
                    "\
shots/sh010.yaml:4:14: error[GA201]: main character generated with GenAI needs written approval
shots/sh010.yaml:5:17: warning[GA001]: `tool` has no version
aiclear.toml:1:1: error: unknown key `rulez`
scripts/ep102.fountain:1:1: warning[GA001]: screenplay uses GenAI but has no declaration
"
                }
                Format::Json => {
                    r#"{
  "version": 1,
  "diagnostics": [
    {
      "code": "GA201",
      "name": "key-creative-element",
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
    },
    {
      "code": "GA001",
      "name": "missing-declaration",
      "severity": "warning",
      "message": "`tool` has no version",
      "path": "shots/sh010.yaml",
      "line": 5,
      "column": 17,
      "end_line": 5,
      "end_column": 17,
      "notes": [],
      "help": null
    },
    {
      "code": null,
      "name": null,
      "severity": "error",
      "message": "unknown key `rulez`",
      "path": "aiclear.toml",
      "line": 1,
      "column": 1,
      "end_line": 1,
      "end_column": 1,
      "notes": [],
      "help": "did you mean `rules`?"
    },
    {
      "code": "GA001",
      "name": "missing-declaration",
      "severity": "warning",
      "message": "screenplay uses GenAI but has no declaration",
      "path": "scripts/ep102.fountain",
      "line": 1,
      "column": 1,
      "end_line": 1,
      "end_column": 1,
      "notes": [
        "guideline 2.1: every use is declared"
      ],
      "help": null
    }
  ],
  "summary": {
    "files_checked": 3,
    "errors": 2,
    "warnings": 2
  }
}
"#
                }
            };
            assert_eq!(rendered(format, &report, false), expected, "{format:?}");
        }
    }

    #[test]
    fn machine_formats_ignore_color() {
        let report = fixture::report();
        assert_eq!(
            rendered(Format::Json, &report, true),
            rendered(Format::Json, &report, false)
        );
    }

    #[test]
    fn format_names_are_the_cli_values() {
        let names: Vec<_> = Format::value_variants()
            .iter()
            .map(|f| f.to_possible_value().unwrap().get_name().to_string())
            .collect();
        assert_eq!(names, ["human", "short", "json"]);
    }
}
