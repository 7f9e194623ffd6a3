//! GitLab Code Quality: the JSON array of issues that a job uploads as its
//! `artifacts:reports:codequality` and that GitLab shows in the merge request
//! widget and the pipeline's Code Quality tab.
//!
//! GitLab reads five fields of each issue: `description`, `check_name`,
//! `fingerprint`, `severity` and `location` (`path` from the repository's top
//! level, and `lines.begin`). Severities come from GitLab's scale, `info`,
//! `minor`, `major`, `critical`, `blocker`: an error is `major`, a warning
//! `minor` and a note `info`; `critical` and `blocker` are left to tools whose
//! findings are about security or a broken build.
//!
//! GitLab tells issues apart, and says which are new in a merge request, by
//! `fingerprint` alone, and keeps only the first of issues that share one.
//! Ours is the hash SARIF's `primaryLocationLineHash` is built from (the
//! rule, the path and the text of the flagged line, never its number) with
//! the occurrence among findings that share it, so inserting lines above a
//! finding keeps its fingerprint and two identical findings in one file
//! still have two. Configuration errors are issues too, with `check_name`
//! `aiclear`: a broken configuration must show somewhere.

use std::collections::HashMap;
use std::io;

use serde::Serialize;

use super::{from_pack, line_hash, region};
use crate::diagnostic::{Diagnostic, Report, Severity};

#[derive(Serialize)]
struct Issue {
    description: String,
    check_name: String,
    fingerprint: String,
    severity: &'static str,
    location: Location,
}

#[derive(Serialize)]
struct Location {
    /// From the repository's top level, with `/` separators.
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
    end: usize,
}

/// Writes the issues as one pretty-printed JSON array and a newline.
pub(super) fn render(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &issues(report))?;
    writeln!(out)
}

fn issues(report: &Report) -> Vec<Issue> {
    let mut occurrences: HashMap<String, usize> = HashMap::new();
    report
        .diagnostics
        .iter()
        .map(|d| {
            let code = d.code().unwrap_or("aiclear");
            let hash = line_hash(report, d, code);
            let n = occurrences.entry(hash.clone()).or_insert(0);
            *n += 1;
            let fingerprint = crate::digest::of_parts(&[hash.as_bytes(), &n.to_le_bytes()]);
            let r = region(report, d);
            Issue {
                description: description(d),
                check_name: match d.rule {
                    Some(rule) => format!("{} {}", rule.code, rule.name),
                    None => "aiclear".to_owned(),
                },
                fingerprint: crate::digest::hex(&fingerprint[..16]),
                severity: severity(d.severity),
                location: Location {
                    path: format!("{}{}", report.root_prefix, d.path),
                    lines: Lines {
                        begin: r.start.line,
                        end: r.end.line,
                    },
                },
            }
        })
        .collect()
}

/// The message, and the pack of a pack's rule in parentheses.
fn description(d: &Diagnostic) -> String {
    match d.rule.and_then(|r| r.pack) {
        Some(pack) => format!("{} ({})", d.message, from_pack(pack)),
        None => d.message.clone(),
    }
}

fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Note => "info",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::render::fixture::{self, KEY_CREATIVE_ELEMENT, find};
    use crate::source::Source;

    fn gitlab(report: &Report) -> Value {
        let mut out = Vec::new();
        render(report, &mut out).unwrap();
        serde_json::from_slice(&out).unwrap()
    }

    fn one(path: &str, bytes: &[u8], needle: &str) -> Report {
        let mut report = Report::default();
        report
            .sources
            .insert(path.into(), Source::new(path, bytes.to_vec()));
        let mut d = fixture::diagnostic(Some(&KEY_CREATIVE_ELEMENT), Severity::Error, path);
        d.message = "m".into();
        d.span = Some(find(bytes, needle));
        report.diagnostics.push(d);
        report
    }

    fn fingerprints(report: &Report) -> Vec<String> {
        gitlab(report)
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["fingerprint"].as_str().unwrap().to_owned())
            .collect()
    }

    #[test]
    fn issues_have_gitlabs_fields() {
        let mut report = fixture::report();
        report.root_prefix = "show/".into();
        let issues = gitlab(&report);
        let first = &issues[0];
        let fingerprint = first["fingerprint"].as_str().unwrap();
        assert_eq!(fingerprint.len(), 32);
        assert_eq!(
            *first,
            json!({
                "description": "main character generated with GenAI needs written approval (policy pack `netflix-2025-08`)",
                "check_name": "GA201 key-creative-element",
                "fingerprint": fingerprint,
                "severity": "major",
                "location": {"path": "show/shots/sh010.yaml", "lines": {"begin": 4, "end": 4}},
            })
        );
        let severities: Vec<_> = issues
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["severity"].as_str().unwrap())
            .collect();
        assert_eq!(severities, ["major", "minor", "major", "minor"]);
        assert_eq!(issues[1]["description"], "`tool` has no version");
        assert_eq!(issues[2]["check_name"], "aiclear");
        assert_eq!(issues[2]["location"]["path"], "show/aiclear.toml");
        assert_eq!(
            issues[3]["location"]["lines"],
            json!({"begin": 1, "end": 1})
        );
        let all = fingerprints(&report);
        let mut unique = all.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), all.len());
    }

    #[test]
    fn notes_are_info() {
        let mut report = Report::default();
        report
            .diagnostics
            .push(fixture::diagnostic(None, Severity::Note, "a.yaml"));
        assert_eq!(gitlab(&report)[0]["severity"], "info");
        assert_eq!(gitlab(&Report::default()), json!([]));
    }

    #[test]
    fn fingerprint_survives_lines_inserted_above() {
        let before = b"genai:\n  - element: main-character\n";
        let after = b"# new comment\n\ngenai:\n  - element: main-character\n";
        let a = one("s.yaml", before, "main-character");
        let b = one("s.yaml", after, "main-character");
        assert_eq!(gitlab(&b)[0]["location"]["lines"]["begin"], 4);
        assert_eq!(fingerprints(&a), fingerprints(&b));
        // Another line, another rule or another file is another issue.
        let other = b"genai:\n  - element: lead-character\n";
        assert_ne!(
            fingerprints(&a),
            fingerprints(&one("s.yaml", other, "lead-character"))
        );
        assert_ne!(
            fingerprints(&a),
            fingerprints(&one("t.yaml", before, "main-character"))
        );
    }

    #[test]
    fn identical_findings_have_their_own_fingerprints() {
        let bytes = b"a:\n  - element: main-character\nb:\n  - element: main-character\n";
        let mut report = one("s.yaml", bytes, "main-character");
        let mut second = report.diagnostics[0].clone();
        let at = bytes.len() - "main-character\n".len();
        second.span = Some(at..at + "main-character".len());
        report.diagnostics.push(second);
        let f = fingerprints(&report);
        assert_eq!(f.len(), 2);
        assert_ne!(f[0], f[1]);
        // And the same two again next run, in the same order.
        assert_eq!(f, fingerprints(&report));
    }
}
