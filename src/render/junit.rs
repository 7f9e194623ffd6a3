//! JUnit XML, for CI systems that show test reports and not code scanning
//! (Jenkins, GitLab's `artifacts:reports:junit`, Azure DevOps, Bitbucket
//! Pipelines, CircleCI).
//!
//! Each checked file is a test case (`classname="aiclear"`, `name` its path
//! from the repository's top level), so a clean file is a passing test and a
//! file's history of passing and failing reads as a test's. An error is a
//! `<failure>` (`type` its code, `message` its message, the text where it
//! is and its notes and help); a problem with aiclear's own inputs (the
//! configuration) is an `<error>`, since the file could not be judged; warnings
//! and notes do not fail a test and are lines of its `<system-out>`.
//! `failures` and `errors` count test cases, so `tests - failures - errors`
//! passed, as every reader computes it.
//!
//! XML 1.0 cannot carry most control characters even escaped: in the text
//! they become their visible control pictures, as `human` shows them, and in
//! attributes line breaks do too (a reader would turn them into spaces).
//! quick-xml escapes the rest.

use std::collections::BTreeMap;
use std::io;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

use super::{inert, message_with_help, notes_with_pack, region};
use crate::diagnostic::{Diagnostic, Report, Severity};

/// What a test case holds: its file's diagnostics.
#[derive(Default)]
struct Case<'a> {
    failures: Vec<&'a Diagnostic>,
    errors: Vec<&'a Diagnostic>,
    output: Vec<&'a Diagnostic>,
}

/// Every checked file and every file a diagnostic names, in path order.
fn cases(report: &Report) -> BTreeMap<&str, Case<'_>> {
    let mut cases: BTreeMap<&str, Case> = report
        .checked
        .iter()
        .map(|p| (p.as_str(), Case::default()))
        .collect();
    for d in &report.diagnostics {
        let case = cases.entry(d.path.as_str()).or_default();
        match (d.severity, d.rule) {
            (Severity::Error, Some(_)) => case.failures.push(d),
            (Severity::Error, None) => case.errors.push(d),
            (Severity::Warning | Severity::Note, _) => case.output.push(d),
        }
    }
    cases
}

pub(super) fn render(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    let cases = cases(report);
    let tests = cases.len().to_string();
    let errors = cases.values().filter(|c| !c.errors.is_empty()).count();
    let failures = cases
        .values()
        .filter(|c| c.errors.is_empty() && !c.failures.is_empty())
        .count();
    let (errors, failures) = (errors.to_string(), failures.to_string());
    let counts = [
        ("name", "aiclear"),
        ("tests", tests.as_str()),
        ("failures", failures.as_str()),
        ("errors", errors.as_str()),
    ];

    let mut w = Writer::new_with_indent(&mut *out, b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    w.write_event(Event::Start(
        BytesStart::new("testsuites").with_attributes(counts),
    ))?;
    w.write_event(Event::Start(
        BytesStart::new("testsuite").with_attributes(counts),
    ))?;
    for (path, case) in &cases {
        let name = attribute(&format!("{}{path}", report.root_prefix));
        let start = BytesStart::new("testcase")
            .with_attributes([("classname", "aiclear"), ("name", name.as_str())]);
        if case.failures.is_empty() && case.errors.is_empty() && case.output.is_empty() {
            w.write_event(Event::Empty(start))?;
            continue;
        }
        w.write_event(Event::Start(start))?;
        for (element, d) in case
            .errors
            .iter()
            .map(|d| ("error", d))
            .chain(case.failures.iter().map(|d| ("failure", d)))
        {
            let message = attribute(&d.message);
            let start = BytesStart::new(element).with_attributes([
                ("message", message.as_str()),
                ("type", d.code().unwrap_or("aiclear")),
            ]);
            w.write_event(Event::Start(start))?;
            w.write_event(Event::Text(BytesText::new(&text(&finding(report, d)))))?;
            w.write_event(Event::End(BytesEnd::new(element)))?;
        }
        if !case.output.is_empty() {
            let lines: Vec<String> = case.output.iter().map(|d| finding(report, d)).collect();
            w.write_event(Event::Start(BytesStart::new("system-out")))?;
            w.write_event(Event::Text(BytesText::new(&text(&lines.join("\n")))))?;
            w.write_event(Event::End(BytesEnd::new("system-out")))?;
        }
        w.write_event(Event::End(BytesEnd::new("testcase")))?;
    }
    w.write_event(Event::End(BytesEnd::new("testsuite")))?;
    w.write_event(Event::End(BytesEnd::new("testsuites")))?;
    writeln!(out)
}

/// `path:line:col: error[GA201]: message`, then its notes (naming a pack)
/// and help on the lines after it.
fn finding(report: &Report, d: &Diagnostic) -> String {
    let r = region(report, d);
    let level = match d.code() {
        Some(code) => format!("{}[{code}]", d.severity.as_str()),
        None => d.severity.as_str().to_owned(),
    };
    let with_pack = Diagnostic {
        notes: notes_with_pack(d),
        ..d.clone()
    };
    format!(
        "{}{}:{}:{}: {level}: {}",
        report.root_prefix,
        d.path,
        r.start.line,
        r.start.column,
        message_with_help(&with_pack, true)
    )
}

/// Text content: the characters XML 1.0 cannot hold shown as `human` shows
/// them, line breaks and tabs kept.
fn text(s: &str) -> String {
    s.split('\n')
        .map(|line| {
            line.split('\t')
                .map(|part| inert(part.trim_end_matches('\r')))
                .collect::<Vec<_>>()
                .join("\t")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// An attribute value: no control character at all, line breaks included.
fn attribute(s: &str) -> String {
    inert(s)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::render::fixture::{self, KEY_CREATIVE_ELEMENT};

    fn junit(report: &Report) -> String {
        let mut out = Vec::new();
        render(report, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// The fixture report: three files checked, one clean, and the
    /// configuration file of the configuration error.
    pub(in crate::render) const FIXTURE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="aiclear" tests="4" failures="1" errors="1">
  <testsuite name="aiclear" tests="4" failures="1" errors="1">
    <testcase classname="aiclear" name="aiclear.toml">
      <error message="unknown key `rulez`" type="aiclear">aiclear.toml:1:1: error: unknown key `rulez`
help: did you mean `rules`?</error>
    </testcase>
    <testcase classname="aiclear" name="scripts/ep101.fountain"/>
    <testcase classname="aiclear" name="scripts/ep102.fountain">
      <system-out>scripts/ep102.fountain:1:1: warning[GA001]: screenplay uses GenAI but has no declaration
note: guideline 2.1: every use is declared</system-out>
    </testcase>
    <testcase classname="aiclear" name="shots/sh010.yaml">
      <failure message="main character generated with GenAI needs written approval" type="GA201">shots/sh010.yaml:4:14: error[GA201]: main character generated with GenAI needs written approval
note: guideline 4.2: key creative elements need written approval (policy pack `netflix-2025-08`)
help: add an approval for `u1` to the ledger</failure>
      <system-out>shots/sh010.yaml:5:17: warning[GA001]: `tool` has no version</system-out>
    </testcase>
  </testsuite>
</testsuites>
"#;

    #[test]
    fn one_case_per_file_and_errors_fail() {
        assert_eq!(junit(&fixture::report()), FIXTURE);
    }

    #[test]
    fn markup_and_control_characters_are_escaped() {
        let path = "a<b>&\"c'\n\u{1b}[31m.yaml";
        let mut report = Report {
            root_prefix: "show/".into(),
            ..Report::default()
        };
        let mut d = fixture::diagnostic(Some(&KEY_CREATIVE_ELEMENT), Severity::Error, path);
        d.message = "`]]></failure><x a=\"1\">` \u{7}bell\nsecond".into();
        report.diagnostics.push(d);
        let out = junit(&report);
        assert!(
            out.contains(r#"name="show/a&lt;b&gt;&amp;&quot;c&apos;␊␛[31m.yaml""#),
            "{out}"
        );
        assert!(
            out.contains(
                r#"message="`]]&gt;&lt;/failure&gt;&lt;x a=&quot;1&quot;&gt;` ␇bell␊second""#
            ),
            "{out}"
        );
        assert!(
            out.contains(
                "`]]&gt;&lt;/failure&gt;&lt;x a=&quot;1&quot;&gt;` ␇bell\nsecond\nnote: from policy pack"
            ),
            "{out}"
        );
        assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'));
        assert_eq!(out.matches("<failure ").count(), 1);
    }

    #[test]
    fn nothing_checked_is_an_empty_suite() {
        let out = junit(&Report::default());
        assert!(
            out.contains(r#"<testsuite name="aiclear" tests="0" failures="0" errors="0"/>"#)
                || out.contains(
                    "<testsuite name=\"aiclear\" tests=\"0\" failures=\"0\" errors=\"0\">\n  </testsuite>"
                ),
            "{out}"
        );
    }
}
