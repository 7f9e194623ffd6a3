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
//! the same function. reviewdog's format alone counts columns in UTF-8 bytes,
//! as reviewdog defines them, from the same lines. [`line_hash`] is the one
//! content-based identity of a finding, which SARIF and GitLab both build on.
//!
//! The CI formats (`github`, `sarif`, `junit` and the Markdown job summary)
//! carry text taken from the checked files (paths, names, values) into places
//! where it could be read as something else: a workflow command, a URI,
//! Markdown, XML. Each
//! of them escapes that text for its own reader, and each has a test that
//! feeds it hostile names.
//!
//! [`Source`]: crate::source::Source
//! [`Source::line_col`]: crate::source::Source::line_col

use std::io;

use crate::diagnostic::{Diagnostic, Report, RuleInfo};
use crate::source::LineCol;
use crate::text::plural;

mod github;
mod gitlab;
mod human;
mod json;
mod junit;
mod rdjson;
mod sarif;
mod short;
pub(crate) mod summary;

pub use github::GithubOptions;
pub use summary::{SUMMARY_MAX_BYTES, summary_markdown};

/// An output format, as chosen with `--format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// rustc-style diagnostics with the source lines underlined, and a summary.
    Human,
    /// One `path:line:col: error[GA201]: message` line per finding.
    Short,
    /// One JSON document (`"version": 1`) with every finding and a summary.
    Json,
    /// GitHub Actions annotations (at most 10 per level), then the findings as
    /// `human` prints them, with workflow commands turned off.
    Github,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitLab Code Quality JSON, for a job's `artifacts:reports:codequality`
    /// (the merge request widget).
    Gitlab,
    /// reviewdog's diagnostics, one JSON object a line (`reviewdog -f=rdjsonl`).
    Rdjsonl,
    /// reviewdog's diagnostics in one JSON document (`reviewdog -f=rdjson`).
    Rdjson,
    /// JUnit XML, one test case per checked file, failing on its errors
    /// (Jenkins, GitLab and other CI test reports).
    Junit,
}

/// What some formats can be told besides the report.
#[derive(Clone, Debug, Default)]
pub struct RenderOptions {
    /// For [`Format::Github`].
    pub github: GithubOptions,
    /// The rules of the policy the check applied, which SARIF lists (with
    /// any other rule a finding names); empty: aiclear's rule registry.
    pub rules: Vec<&'static RuleInfo>,
}

/// Writes `report` to `out` in `format`, with the default [`RenderOptions`].
/// `color` adds ANSI styles where the format has any (`human`, `short`, and
/// the `human` listing that `github` prints after its annotations); machine
/// formats ignore it.
pub fn render(
    format: Format,
    report: &Report,
    color: bool,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    render_with(format, report, color, &RenderOptions::default(), out)
}

/// Writes `report` to `out` in `format`, with `options`.
pub fn render_with(
    format: Format,
    report: &Report,
    color: bool,
    options: &RenderOptions,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    match format {
        Format::Human => human::render(report, color, out),
        Format::Short => short::render(report, color, out),
        Format::Json => json::render(report, out),
        Format::Github => github::render(report, &options.github, color, out),
        Format::Sarif => sarif::render(report, &options.rules, out),
        Format::Gitlab => gitlab::render(report, out),
        Format::Rdjsonl => rdjson::render_lines(report, out),
        Format::Rdjson => rdjson::render(report, out),
        Format::Junit => junit::render(report, out),
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

/// 16 hex digits of SHA-256 over `code`, the path and the trimmed text of
/// the primary line of `d` (nothing for a finding about a whole file): what
/// a finding is about, never where, so that lines inserted above it keep it
/// the same. SARIF's `primaryLocationLineHash` and GitLab's `fingerprint`
/// add the occurrence among findings with the same hash.
pub(crate) fn line_hash(report: &Report, d: &Diagnostic, code: &str) -> String {
    let line = match (&d.span, report.sources.get(&d.path)) {
        (Some(_), Some(source)) => {
            let line = region(report, d).start.line;
            String::from_utf8_lossy(&source.bytes[source.line_span(line)])
                .trim()
                .to_owned()
        }
        _ => String::new(),
    };
    let digest = crate::digest::of_parts(&[code.as_bytes(), d.path.as_bytes(), line.as_bytes()]);
    crate::digest::hex(&digest[..8])
}

/// The message of `d` with its notes and help on the lines after it, for the
/// formats that show a finding as one block of text (`github`, `sarif`):
/// `message\nnote: …\nhelp: …`. `rule_notes` keeps a note that only repeats
/// the rule's guideline (SARIF shows the guideline with the rule).
pub(crate) fn message_with_help(d: &Diagnostic, rule_notes: bool) -> String {
    let mut text = d.message.clone();
    for note in &d.notes {
        if rule_notes || d.rule.is_none_or(|r| r.guideline != note) {
            text.push_str("\nnote: ");
            text.push_str(note);
        }
    }
    if let Some(help) = &d.help {
        text.push_str("\nhelp: ");
        text.push_str(help);
    }
    text
}

/// The notes of `d` as people read them: a finding of a policy pack's rule
/// says which pack, after the guideline note the engine puts first
/// (``… (policy pack `netflix-2025-08`)``), or in a note of its own when that
/// note is not there. aiclear's own checks come from no pack.
pub(crate) fn notes_with_pack(d: &Diagnostic) -> Vec<String> {
    let mut notes = d.notes.clone();
    if let Some(rule) = d.rule
        && let Some(pack) = rule.pack
    {
        match notes.first_mut() {
            Some(first) if !rule.guideline.is_empty() && *first == rule.guideline => {
                first.push_str(&format!(" ({})", from_pack(pack)));
            }
            _ => notes.insert(0, format!("from {}", from_pack(pack))),
        }
    }
    notes
}

/// ``policy pack `ID` ``, as the notes and `short` name a pack.
pub(crate) fn from_pack(pack: &str) -> String {
    format!("policy pack `{pack}`")
}

/// A report used by the tests of every format: a YAML sidecar with a BOM, CRLF
/// line endings, multibyte characters and an invalid UTF-8 byte, a finding
/// with a secondary label, a warning with an empty span, a configuration error
/// and a whole-file finding.
#[cfg(test)]
pub(crate) mod fixture {
    use crate::diagnostic::{Diagnostic, Label, Report, Severity};
    use crate::rules::{Level, RuleInfo};
    use crate::source::{Source, Span};

    pub static KEY_CREATIVE_ELEMENT: RuleInfo = RuleInfo {
        code: "GA201",
        name: "key-creative-element",
        level: Level::Approval,
        summary: "a key creative element generated with GenAI needs written approval",
        guideline: "guideline 4.2: key creative elements need written approval",
        explanation: "",
        pack: Some("netflix-2025-08"),
    };

    pub static MISSING_DECLARATION: RuleInfo = RuleInfo {
        code: "GA001",
        name: "missing-declaration",
        level: Level::Warn,
        summary: "a file that uses GenAI has no declaration",
        guideline: "guideline 2.1: every use is declared",
        explanation: "",
        pack: None,
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

    pub fn diagnostic(
        rule: Option<&'static RuleInfo>,
        severity: Severity,
        path: &str,
    ) -> Diagnostic {
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
            checked: vec![
                "scripts/ep101.fountain".into(),
                "scripts/ep102.fountain".into(),
                path.into(),
            ],
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

    /// The `sarif` snapshot without the rule registry, keys sorted.
    const SARIF_RESULTS: &str = r#"{
  "$schema": "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
  "runs": [
    {
      "automationDetails": {
        "id": "aiclear/"
      },
      "columnKind": "unicodeCodePoints",
      "invocations": [
        {
          "executionSuccessful": false,
          "toolConfigurationNotifications": [
            {
              "level": "error",
              "locations": [
                {
                  "physicalLocation": {
                    "artifactLocation": {
                      "uri": "aiclear.toml",
                      "uriBaseId": "%SRCROOT%"
                    },
                    "region": {
                      "startLine": 1
                    }
                  }
                }
              ],
              "message": {
                "text": "unknown key `rulez`\nhelp: did you mean `rules`?"
              }
            }
          ]
        }
      ],
      "results": [
        {
          "level": "error",
          "locations": [
            {
              "physicalLocation": {
                "artifactLocation": {
                  "uri": "shots/sh010.yaml",
                  "uriBaseId": "%SRCROOT%"
                },
                "region": {
                  "endColumn": 28,
                  "endLine": 4,
                  "startColumn": 14,
                  "startLine": 4
                }
              }
            }
          ],
          "message": {
            "text": "main character generated with GenAI needs written approval\nhelp: add an approval for `u1` to the ledger"
          },
          "partialFingerprints": {
            "primaryLocationLineHash": "9286b0ad05d9ac30:1"
          },
          "relatedLocations": [
            {
              "id": 0,
              "message": {
                "text": "use `u1` declared here"
              },
              "physicalLocation": {
                "artifactLocation": {
                  "uri": "shots/sh010.yaml",
                  "uriBaseId": "%SRCROOT%"
                },
                "region": {
                  "endColumn": 11,
                  "endLine": 3,
                  "startColumn": 9,
                  "startLine": 3
                }
              }
            }
          ],
          "ruleId": "GA201",
          "ruleIndex": 13
        },
        {
          "level": "warning",
          "locations": [
            {
              "physicalLocation": {
                "artifactLocation": {
                  "uri": "shots/sh010.yaml",
                  "uriBaseId": "%SRCROOT%"
                },
                "region": {
                  "endColumn": 17,
                  "endLine": 5,
                  "startColumn": 17,
                  "startLine": 5
                }
              }
            }
          ],
          "message": {
            "text": "`tool` has no version"
          },
          "partialFingerprints": {
            "primaryLocationLineHash": "1e815e82b58f14ae:1"
          },
          "ruleId": "GA001",
          "ruleIndex": 0
        },
        {
          "level": "warning",
          "locations": [
            {
              "physicalLocation": {
                "artifactLocation": {
                  "uri": "scripts/ep102.fountain",
                  "uriBaseId": "%SRCROOT%"
                },
                "region": {
                  "startLine": 1
                }
              }
            }
          ],
          "message": {
            "text": "screenplay uses GenAI but has no declaration"
          },
          "partialFingerprints": {
            "primaryLocationLineHash": "6f2091370e1bebe7:1"
          },
          "ruleId": "GA001",
          "ruleIndex": 0
        }
      ],
      "tool": {
        "driver": {
          "informationUri": "https://github.com/aiclear/aiclear",
          "name": "aiclear",
          "rules": 38,
          "semanticVersion": "VERSION",
          "version": "VERSION"
        }
      }
    }
  ],
  "version": "2.1.0"
}
"#;

    /// The `human` snapshot, which `github` prints too.
    const HUMAN: &str = "\
error[GA201]: main character generated with GenAI needs written approval
 --> shots/sh010.yaml:4:14
  |
3 |   - id: u1
  |         -- use `u1` declared here
4 |     element: main-character
  |              ^^^^^^^^^^^^^^ a key creative element
  |
  = note: guideline 4.2: key creative elements need written approval (policy pack `netflix-2025-08`)
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
";

    const JSON: &str = r#"{
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
    },
    {
      "code": "GA001",
      "name": "missing-declaration",
      "pack": null,
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
      "pack": null,
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
      "pack": null,
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
"#;

    const GITLAB: &str = r#"[
  {
    "description": "main character generated with GenAI needs written approval (policy pack `netflix-2025-08`)",
    "check_name": "GA201 key-creative-element",
    "fingerprint": "c1cf3ee86bbd8a405e10f8db051c5f28",
    "severity": "major",
    "location": {
      "path": "shots/sh010.yaml",
      "lines": {
        "begin": 4,
        "end": 4
      }
    }
  },
  {
    "description": "`tool` has no version",
    "check_name": "GA001 missing-declaration",
    "fingerprint": "39c84a17189df2824f9dbc7796451007",
    "severity": "minor",
    "location": {
      "path": "shots/sh010.yaml",
      "lines": {
        "begin": 5,
        "end": 5
      }
    }
  },
  {
    "description": "unknown key `rulez`",
    "check_name": "aiclear",
    "fingerprint": "a9f439d964f3ebc4600be802a0fde905",
    "severity": "major",
    "location": {
      "path": "aiclear.toml",
      "lines": {
        "begin": 1,
        "end": 1
      }
    }
  },
  {
    "description": "screenplay uses GenAI but has no declaration",
    "check_name": "GA001 missing-declaration",
    "fingerprint": "fab12be46101c6affeb74f96bd8a71d5",
    "severity": "minor",
    "location": {
      "path": "scripts/ep102.fountain",
      "lines": {
        "begin": 1,
        "end": 1
      }
    }
  }
]
"#;

    /// Columns count UTF-8 bytes: `Ünï \xFF` puts `v2` at 19, not 17.
    const RDJSONL: &str = r#"{"message":"main character generated with GenAI needs written approval\nnote: guideline 4.2: key creative elements need written approval (policy pack `netflix-2025-08`)\nhelp: add an approval for `u1` to the ledger","location":{"path":"shots/sh010.yaml","range":{"start":{"line":4,"column":14},"end":{"line":4,"column":28}}},"severity":"ERROR","source":{"name":"aiclear","url":"https://github.com/aiclear/aiclear"},"code":{"value":"GA201"}}
{"message":"`tool` has no version","location":{"path":"shots/sh010.yaml","range":{"start":{"line":5,"column":19},"end":{"line":5,"column":19}}},"severity":"WARNING","source":{"name":"aiclear","url":"https://github.com/aiclear/aiclear"},"code":{"value":"GA001"}}
{"message":"unknown key `rulez`\nhelp: did you mean `rules`?","location":{"path":"aiclear.toml","range":{"start":{"line":1}}},"severity":"ERROR","source":{"name":"aiclear","url":"https://github.com/aiclear/aiclear"}}
{"message":"screenplay uses GenAI but has no declaration\nnote: guideline 2.1: every use is declared","location":{"path":"scripts/ep102.fountain","range":{"start":{"line":1}}},"severity":"WARNING","source":{"name":"aiclear","url":"https://github.com/aiclear/aiclear"},"code":{"value":"GA001"}}
"#;

    /// One shared report through every format, one snapshot each.
    #[test]
    fn every_format_snapshot() {
        let report = fixture::report();
        for &format in Format::value_variants() {
            let expected = match format {
                Format::Human => HUMAN.to_owned(),
                Format::Short => "\
shots/sh010.yaml:4:14: error[GA201]: main character generated with GenAI needs written approval (policy pack `netflix-2025-08`)
shots/sh010.yaml:5:17: warning[GA001]: `tool` has no version
aiclear.toml:1:1: error: unknown key `rulez`
scripts/ep102.fountain:1:1: warning[GA001]: screenplay uses GenAI but has no declaration
"
                .to_owned(),
                Format::Json => JSON.to_owned(),
                Format::Github => format!(
                    "\
::error file=shots/sh010.yaml,line=4,col=14,endLine=4,endColumn=28,title=GA201 key-creative-element (netflix-2025-08)::main character generated with GenAI needs written approval%0Anote: guideline 4.2: key creative elements need written approval%0Ahelp: add an approval for `u1` to the ledger
::error file=aiclear.toml,line=1,title=aiclear::unknown key `rulez`%0Ahelp: did you mean `rules`?
::warning file=shots/sh010.yaml,line=5,col=17,endLine=5,endColumn=17,title=GA001 missing-declaration::`tool` has no version
::warning file=scripts/ep102.fountain,line=1,title=GA001 missing-declaration::screenplay uses GenAI but has no declaration%0Anote: guideline 2.1: every use is declared
::stop-commands::TOKEN
{HUMAN}::TOKEN::
"
                ),
                Format::Sarif => SARIF_RESULTS.to_owned(),
                Format::Gitlab => GITLAB.to_owned(),
                Format::Rdjsonl => RDJSONL.to_owned(),
                Format::Junit => junit::tests::FIXTURE.to_owned(),
                // Keys sorted, as `serde_json::Value` prints them.
                Format::Rdjson => RDJSONL
                    .lines()
                    .map(|l| format!("{}\n", serde_json::from_str::<serde_json::Value>(l).unwrap()))
                    .collect(),
            };
            let actual = rendered(format, &report, false);
            let actual = match format {
                Format::Github => github::tests::without_token(&actual),
                // The rules are the registry, checked in `sarif`: here only
                // what comes from the report.
                Format::Sarif => {
                    let mut log: serde_json::Value = serde_json::from_str(&actual).unwrap();
                    let driver = &mut log["runs"][0]["tool"]["driver"];
                    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
                    driver["rules"] = serde_json::json!(driver["rules"].as_array().unwrap().len());
                    driver["version"] = "VERSION".into();
                    driver["semanticVersion"] = "VERSION".into();
                    serde_json::to_string_pretty(&log).unwrap() + "\n"
                }
                // The same diagnostics as `rdjsonl`, in one document.
                Format::Rdjson => {
                    let result: serde_json::Value = serde_json::from_str(&actual).unwrap();
                    assert_eq!(result["source"]["name"], "aiclear");
                    let diagnostics = result["diagnostics"].as_array().unwrap();
                    diagnostics.iter().map(|d| format!("{d}\n")).collect()
                }
                Format::Human
                | Format::Short
                | Format::Json
                | Format::Gitlab
                | Format::Rdjsonl
                | Format::Junit => actual,
            };
            assert_eq!(actual, expected, "{format:?}");
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
        assert_eq!(
            names,
            [
                "human", "short", "json", "github", "sarif", "gitlab", "rdjsonl", "rdjson", "junit"
            ]
        );
    }
}

/// Text from the checked files, made safe to print on a terminal: control
/// characters (escape sequences, bells, line breaks) become their visible
/// Unicode control pictures.
pub(crate) fn inert(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
            '\u{7f}' => '\u{2421}',
            '\u{80}'..='\u{9f}' => '\u{fffd}',
            c => c,
        })
        .collect()
}
