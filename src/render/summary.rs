//! The Markdown job summary, for the showrunner who opens the pull request's
//! checks rather than its log: the totals, what history was verified, one
//! table of the findings by file with the fix for each (and the policy pack
//! of each rule that comes from one), the approval requests still open with
//! the one command an approver runs for each, and the approvals the check
//! relied on.
//!
//! It is not a [`Format`](super::Format): a CI run writes it beside the
//! annotations or the SARIF (to `$GITHUB_STEP_SUMMARY`, or `--summary FILE`),
//! so it is one function of the report.
//!
//! Messages quote the checked files, and Markdown gives text a lot of power: a
//! `|` ends a table cell, a newline ends the table, `[x](url)`, `<url>` and
//! `<img>` make links and pictures, `$` starts maths, and GitHub's extended
//! autolinks turn a bare `www.…`, `https://…` or `user@host` into a link. So
//! text from the files is never a link and never markup, and still reads as
//! it was written. This file holds the escaping that the job summary and the
//! Markdown register ([`crate::report`]) share:
//!
//! - [`text`]: plain text. Every character Markdown reads is
//!   backslash-escaped, which also stops the `://` autolink (it starts at an
//!   unescaped `:`); the `.` after `www` is escaped, which stops the `www.`
//!   autolink; and an empty HTML comment follows every `@`, since the email
//!   autolink is found in the text after escapes are undone: a comment splits
//!   the text, renders as nothing, and is not copied with it. Line breaks
//!   become `<br>`, other control characters their visible symbols.
//! - [`code`] and [`inline_code`]: a code span, in which nothing is read (no
//!   autolink either), in a table cell and elsewhere. In a cell `|` is escaped
//!   even inside the span (GitHub splits the row first); elsewhere the
//!   backslash would show, so it is not.
//! - [`cell`] and [`inline`]: a message, its code spans (names in backticks
//!   are the point of rustc-style messages) kept as code spans, the rest as
//!   [`text`].
//!
//! GitHub refuses a step summary over 1 MiB. The summary stays under the
//! `max_bytes` it is given, dropping the last rows of its tables and saying
//! how many it dropped.

use std::fmt::Write as _;

use annotate_snippets::normalize_untrusted_str;

use super::{plural, region};
use crate::diagnostic::{ApprovalRequest, ApprovalUse, Diagnostic, Report, RuleInfo, Severity};

/// The default size limit: under GitHub's 1 MiB for a step summary, with room
/// for what other steps add.
pub const SUMMARY_MAX_BYTES: usize = 1_000_000;

/// Room kept for the line that says how many rows were cut.
const CUT_LINE_RESERVE: usize = 256;

/// The job summary of `report`, at most `max_bytes` long.
pub fn summary_markdown(report: &Report, max_bytes: usize) -> String {
    let mut out = head(report);

    let mut diagnostics: Vec<&Diagnostic> = report.diagnostics.iter().collect();
    diagnostics.sort_by(|a, b| a.path.cmp(&b.path));
    let findings: Vec<String> = diagnostics.iter().map(|d| finding_row(report, d)).collect();
    let approvals: Vec<String> = report.approvals.iter().map(approval_row).collect();
    let requests: Vec<String> = report
        .requests
        .iter()
        .map(|r| request_row(report, r))
        .collect();

    let mut tables = Vec::new();
    if findings.is_empty() {
        out.push_str("No problems found.\n");
    } else {
        tables.push(Table {
            intro: "### Findings\n\n\
                    | File | Line | Severity | Rule | Message | Fix |\n\
                    | --- | ---: | --- | --- | --- | --- |\n",
            rows: findings,
            noun: ("finding", "findings"),
        });
    }
    if !requests.is_empty() {
        tables.push(Table {
            intro: "\n### Open approval requests\n\n\
                    An approver runs the command on the branch under review, with the studio's \
                    reference as `ID`, and commits `.aiclear/approvals.yml`.\n\n\
                    | File | Use | Requested | Needs | Approver runs | Who may grant |\n\
                    | --- | --- | --- | --- | --- | --- |\n",
            rows: requests,
            noun: ("request", "requests"),
        });
    }
    if !approvals.is_empty() {
        tables.push(Table {
            intro: "\n### Approvals relied on\n\n\
                    | Approval | File | Use | State | Granted by | Expires |\n\
                    | --- | --- | --- | --- | --- | --- |\n",
            rows: approvals,
            noun: ("approval", "approvals"),
        });
    }
    for i in 0..tables.len() {
        // What the tables after this one need at the least.
        let later: usize = tables[i + 1..]
            .iter()
            .map(|t| t.intro.len() + CUT_LINE_RESERVE)
            .sum();
        let table = &tables[i];
        out.push_str(table.intro);
        let mut shown = 0;
        for row in &table.rows {
            if out.len() + row.len() + CUT_LINE_RESERVE + later > max_bytes {
                break;
            }
            out.push_str(row);
            shown += 1;
        }
        let cut = table.rows.len() - shown;
        if cut > 0 {
            let (one, many) = table.noun;
            let _ = writeln!(
                out,
                "\n… and {} not shown: a job summary is limited in size; \
                 `aiclear check` lists them all.",
                plural(cut, &format!("more {one}"), &format!("more {many}")),
            );
        }
    }
    if out.len() > max_bytes {
        // Only when `max_bytes` cannot hold even the headings.
        let mut end = max_bytes;
        while !out.is_char_boundary(end) {
            end -= 1;
        }
        out.truncate(end);
    }
    out
}

struct Table {
    /// The heading and the table's header.
    intro: &'static str,
    rows: Vec<String>,
    noun: (&'static str, &'static str),
}

/// The title, the totals and what history was verified.
fn head(report: &Report) -> String {
    let (errors, warnings, notes) = (
        report.errors(),
        report.warnings(),
        report.count(Severity::Note),
    );
    let status = match (errors, warnings) {
        (0, 0) => "passed",
        (0, _) => "passed with warnings",
        _ => "failed",
    };
    let mut out = format!("## aiclear: GenAI declarations check {status}\n\n");
    let _ = writeln!(
        out,
        "**{}, {} and {}** in {} checked.\n",
        plural(errors, "error", "errors"),
        plural(warnings, "warning", "warnings"),
        plural(notes, "note", "notes"),
        plural(report.files_checked, "file", "files"),
    );
    match &report.history {
        Some(history) => {
            let _ = writeln!(out, "History: {}.\n", text(&history.to_string()));
        }
        None => out.push_str(
            "History: not verified; this was a check of the working tree or of the staged \
             files, not of a range of commits.\n\n",
        ),
    }
    out
}

fn finding_row(report: &Report, d: &Diagnostic) -> String {
    let line = if d.span.is_some() && report.sources.contains_key(&d.path) {
        region(report, d).start.line.to_string()
    } else if d.path.is_empty() {
        String::new()
    } else {
        "whole file".to_owned()
    };
    let rule = d.rule.map(rule_cell).unwrap_or_default();
    format!(
        "| {} | {line} | {} | {rule} | {} | {} |\n",
        code(&d.path),
        d.severity.as_str(),
        cell(&d.message),
        d.help.as_deref().map(cell).unwrap_or_default(),
    )
}

/// A rule in a table cell: `` `GA201` key-creative-element ``, and its pack
/// for a rule of a policy pack: `` (`netflix-2025-08`) ``.
fn rule_cell(rule: &RuleInfo) -> String {
    let mut cell = format!("{} {}", code(rule.code), text(rule.name));
    if let Some(pack) = rule.pack {
        let _ = write!(cell, " ({})", code(pack));
    }
    cell
}

/// The rule `code` names: one a finding of the report names (a studio
/// pack's rules are known there only), else a built-in rule.
fn rule_named(report: &Report, code: &str) -> Option<&'static RuleInfo> {
    report
        .diagnostics
        .iter()
        .filter_map(|d| d.rule)
        .find(|r| r.code == code)
        .or_else(|| crate::policy::find_rule(code).map(|r| &r.info))
}

fn request_row(report: &Report, r: &ApprovalRequest) -> String {
    let needs: Vec<String> = r
        .rules
        .iter()
        .map(|c| match rule_named(report, c) {
            Some(rule) => rule_cell(rule),
            None => code(c),
        })
        .collect();
    let who = if r.approvers.is_empty() {
        "no approver is configured".to_owned()
    } else {
        r.approvers
            .iter()
            .map(|a| text(a))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "| {} | {} | {} | {} | {} | {who} |\n",
        code(&r.path),
        code(&r.use_id),
        text(&r.requested_on),
        needs.join(", "),
        code(&r.command),
    )
}

fn approval_row(a: &ApprovalUse) -> String {
    let or_dash = |v: Option<String>| v.unwrap_or_else(|| "—".to_owned());
    format!(
        "| {} | {} | {} | {} | {} | {} |\n",
        code(&a.id),
        code(&a.path),
        or_dash(a.use_id.as_deref().map(code)),
        text(&a.state),
        or_dash(a.granted_by.as_deref().map(text)),
        or_dash(a.expires_on.as_deref().map(text)),
    )
}

/// A message as a table cell: its code spans kept, the rest escaped.
pub(crate) fn cell(message: &str) -> String {
    spans(message, Place::Cell)
}

/// A message outside a table (a list item, a heading): its code spans kept,
/// the rest escaped.
pub(crate) fn inline(message: &str) -> String {
    spans(message, Place::Inline)
}

/// `s` as a code span in a table cell.
pub(crate) fn code(s: &str) -> String {
    code_span(s, Place::Cell)
}

/// `s` as a code span outside a table.
pub(crate) fn inline_code(s: &str) -> String {
    code_span(s, Place::Inline)
}

/// Where Markdown text goes: a `|` ends a table cell even inside a code span.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Cell,
    Inline,
}

fn spans(message: &str, place: Place) -> String {
    let parts: Vec<&str> = message.split('`').collect();
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        // Odd parts are between backticks, unless the last backtick is
        // unmatched or the span is empty.
        let closed = i + 1 < parts.len();
        if i % 2 == 1 && closed && !part.is_empty() {
            out.push_str(&code_span(part, place));
        } else {
            if i % 2 == 1 {
                out.push_str("\\`");
            }
            out.push_str(&text(part));
            if i % 2 == 1 && closed {
                out.push_str("\\`");
            }
        }
    }
    out
}

fn code_span(s: &str, place: Place) -> String {
    if s.is_empty() {
        return String::new();
    }
    let ticks = longest_run(s, '`') + 1;
    let fence = "`".repeat(ticks);
    let mut body = visible(s);
    if place == Place::Cell {
        body = body.replace('|', "\\|");
    }
    // A span that starts or ends with a backtick needs a space inside.
    let pad = if body.starts_with('`') || body.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{body}{pad}{fence}")
}

/// What follows every `@` of [`text`]: HTML that renders as nothing and
/// splits the text, so that no email autolink spans the `@`.
const AT_BREAK: &str = "<!-- -->";

/// `s` as plain text, in a table cell or elsewhere: every character Markdown
/// would read escaped, no autolink left, line breaks as `<br>`.
pub(crate) fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, line) in s
        .split("\r\n")
        .flat_map(|l| l.split(['\n', '\r']))
        .enumerate()
    {
        if i > 0 {
            out.push_str("<br>");
        }
        for c in normalize_untrusted_str(line).chars() {
            let www = c == '.'
                && out
                    .as_bytes()
                    .last_chunk::<3>()
                    .is_some_and(|w| w.eq_ignore_ascii_case(b"www"));
            if www || "\\`*_{}[]<>()#+!|~&$:^=".contains(c) {
                out.push('\\');
            }
            out.push(c);
            if c == '@' {
                out.push_str(AT_BREAK);
            }
        }
    }
    out
}

/// `s` with line breaks and control characters as visible symbols.
fn visible(s: &str) -> String {
    normalize_untrusted_str(&s.replace('\n', "\u{2424}"))
}

fn longest_run(s: &str, c: char) -> usize {
    let (mut longest, mut run) = (0, 0);
    for x in s.chars() {
        run = if x == c { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    longest
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::HistorySummary;
    use crate::render::fixture::{self, MISSING_DECLARATION};

    #[test]
    fn fixture_summary() {
        let report = fixture::report();
        assert_eq!(
            summary_markdown(&report, SUMMARY_MAX_BYTES),
            "\
## aiclear: GenAI declarations check failed

**2 errors, 2 warnings and 0 notes** in 3 files checked.

History: not verified; this was a check of the working tree or of the staged files, not of a range of commits.

### Findings

| File | Line | Severity | Rule | Message | Fix |
| --- | ---: | --- | --- | --- | --- |
| `aiclear.toml` | whole file | error |  | unknown key `rulez` | did you mean `rules`? |
| `scripts/ep102.fountain` | whole file | warning | `GA001` missing-declaration | screenplay uses GenAI but has no declaration |  |
| `shots/sh010.yaml` | 4 | error | `GA201` key-creative-element (`netflix-2025-08`) | main character generated with GenAI needs written approval | add an approval for `u1` to the ledger |
| `shots/sh010.yaml` | 5 | warning | `GA001` missing-declaration | `tool` has no version |  |
"
        );
    }

    #[test]
    fn clean_check_with_history_and_approvals() {
        let report = Report {
            files_checked: 7,
            history: Some(HistorySummary {
                range: "1a2b3c4..5d6e7f8".into(),
                commits: 3,
                approvals_traced: 1,
                signatures_verified: 1,
            }),
            approvals: vec![
                ApprovalUse {
                    id: "APP-7".into(),
                    path: "shots/sh010.yaml".into(),
                    use_id: Some("u1".into()),
                    state: "valid".into(),
                    granted_by: Some("Dana Reyes <dana@studio.example>".into()),
                    expires_on: Some("2026-12-31".into()),
                },
                ApprovalUse {
                    id: "APP-8".into(),
                    path: "scripts/*.fountain".into(),
                    state: "expired".into(),
                    ..ApprovalUse::default()
                },
            ],
            ..Report::default()
        };
        assert_eq!(
            summary_markdown(&report, SUMMARY_MAX_BYTES),
            "\
## aiclear: GenAI declarations check passed

**0 errors, 0 warnings and 0 notes** in 7 files checked.

History: verified 3 commits 1a2b3c4..5d6e7f8, 1 approval traced, 1 signature verified.

No problems found.

### Approvals relied on

| Approval | File | Use | State | Granted by | Expires |
| --- | --- | --- | --- | --- | --- |
| `APP-7` | `shots/sh010.yaml` | `u1` | valid | Dana Reyes \\<dana@<!-- -->studio.example\\> | 2026-12-31 |
| `APP-8` | `scripts/*.fountain` | — | expired | — | — |
"
        );
    }

    #[test]
    fn a_rule_only_a_finding_knows_is_named_with_its_pack() {
        static HOUSE: RuleInfo = RuleInfo {
            code: "NL101",
            name: "voice-clone-needs-intended-use",
            level: crate::rules::Level::Approval,
            summary: "",
            guideline: "",
            explanation: "",
            pack: Some("northlight-2026"),
        };
        let mut report = Report {
            requests: vec![ApprovalRequest {
                path: "a.yml".into(),
                use_id: "u".into(),
                requested_on: "2026-02-01".into(),
                rules: vec!["NL101".into(), "ZZ999".into(), "GA001".into()],
                command: "aiclear approve".into(),
                approvers: Vec::new(),
            }],
            ..Report::default()
        };
        report
            .diagnostics
            .push(fixture::diagnostic(Some(&HOUSE), Severity::Error, "a.yml"));
        let out = summary_markdown(&report, SUMMARY_MAX_BYTES);
        assert!(
            out.contains(
                "| `a.yml` | whole file | error | `NL101` voice-clone-needs-intended-use (`northlight-2026`) |"
            ),
            "{out}"
        );
        assert!(
            out.contains(
                "| `NL101` voice-clone-needs-intended-use (`northlight-2026`), `ZZ999`, \
                 `GA001` missing-declaration |"
            ),
            "{out}"
        );
    }

    #[test]
    fn open_requests_name_the_one_command() {
        let report = Report {
            files_checked: 1,
            requests: vec![ApprovalRequest {
                path: "scripts/ep 102.fountain".into(),
                use_id: "aria-design".into(),
                requested_on: "2025-09-10".into(),
                rules: vec!["GA201".into(), "GA203".into()],
                command: "aiclear approve --id ID --path 'scripts/ep 102.fountain' --use aria-design --rule GA201 --rule GA203".into(),
                approvers: vec!["mei@studio.example".into()],
            }],
            ..Report::default()
        };
        let out = summary_markdown(&report, SUMMARY_MAX_BYTES);
        assert!(out.contains("### Open approval requests\n"), "{out}");
        assert!(
            out.contains(
                "| `scripts/ep 102.fountain` | `aria-design` | 2025-09-10 | `GA201` key-creative-element \
                 (`netflix-2025-08`), `GA203` generated-final-deliverable (`netflix-2025-08`) | `aiclear approve --id ID --path 'scripts/ep 102.fountain' \
                 --use aria-design --rule GA201 --rule GA203` | mei@<!-- -->studio.example |\n"
            ),
            "{out}"
        );
    }

    #[test]
    fn cells_cannot_break_the_table_or_inject_markdown() {
        assert_eq!(cell("a | b"), "a \\| b");
        assert_eq!(
            cell("line one\nline two\r\nthree"),
            "line one<br>line two<br>three"
        );
        assert_eq!(
            cell("[click](https://evil.example) ![x](y) <img src=x> $x$"),
            "\\[click\\]\\(https\\://evil.example\\) \\!\\[x\\]\\(y\\) \\<img src\\=x\\> \\$x\\$"
        );
        // Code spans are kept, with their pipes and line breaks made safe.
        assert_eq!(cell("key `a|b\nc` here"), "key `a\\|b\u{2424}c` here");
        // An unmatched or empty pair of backticks is text.
        assert_eq!(cell("odd ` tick"), "odd \\` tick");
        assert_eq!(cell("empty `` pair"), "empty \\`\\` pair");
        assert_eq!(cell("esc \u{1b}[2J"), "esc \u{241b}\\[2J");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x"), "`` `x ``");
        // No autolink: not `www.`, not a scheme's `://`, not an email.
        assert_eq!(
            text("see www.evil.test, (WWW.evil.test) https://evil.test"),
            "see www\\.evil.test, \\(WWW\\.evil.test\\) https\\://evil.test"
        );
        assert_eq!(
            text("mailto:user@evil.test"),
            "mailto\\:user@<!-- -->evil.test"
        );
        // Only the `.` after `www` is escaped.
        assert_eq!(text("a.b wwww.c"), "a.b wwww\\.c");
        // Outside a table the pipes in code spans stay as they are.
        assert_eq!(inline("key `a|b` | c"), "key `a|b` \\| c");

        let mut report = Report::default();
        let mut d = fixture::diagnostic(
            Some(&MISSING_DECLARATION),
            Severity::Warning,
            "evil |\nname.yaml",
        );
        d.message = "value `x | y`\n| --- |".into();
        d.help = Some("fix | it".into());
        report.diagnostics.push(d);
        let out = summary_markdown(&report, SUMMARY_MAX_BYTES);
        let rows: Vec<&str> = out.lines().filter(|l| l.starts_with("| `evil")).collect();
        assert_eq!(
            rows,
            [
                "| `evil \\|\u{2424}name.yaml` | whole file | warning | `GA001` missing-declaration | \
              value `x \\| y`<br>\\| --- \\| | fix \\| it |"
            ]
        );
        // Every row has the header's six cells.
        for line in out.lines().filter(|l| l.starts_with('|')) {
            let unescaped = line.replace("\\|", "");
            assert_eq!(unescaped.matches('|').count(), 7, "{line}");
        }
    }

    fn big(n: usize) -> Report {
        let mut report = Report {
            files_checked: n,
            ..Report::default()
        };
        for i in 0..n {
            let mut d = fixture::diagnostic(
                Some(&MISSING_DECLARATION),
                Severity::Warning,
                &format!("scripts/ep{i:05}.fountain"),
            );
            d.message = "screenplay uses GenAI but has no declaration ".repeat(4);
            d.help = Some("add a `genai:` block to the title page".into());
            report.diagnostics.push(d);
        }
        report
    }

    #[test]
    fn stays_under_the_limit_and_says_what_was_cut() {
        let report = big(20_000);
        let out = summary_markdown(&report, SUMMARY_MAX_BYTES);
        assert!(out.len() <= SUMMARY_MAX_BYTES, "{}", out.len());
        assert!(out.len() > SUMMARY_MAX_BYTES - 2 * CUT_LINE_RESERVE);
        let shown = out.lines().filter(|l| l.starts_with("| `scripts/")).count();
        let cut = 20_000 - shown;
        assert!(shown > 1000 && cut > 0);
        assert!(
            out.ends_with(&format!(
                "\n… and {cut} more findings not shown: a job summary is limited in size; \
                 `aiclear check` lists them all.\n"
            )),
            "{}",
            &out[out.len() - 300..]
        );
        // The first rows are the first findings.
        assert!(out.contains("| `scripts/ep00000.fountain` |"));
    }

    #[test]
    fn approvals_keep_their_heading_when_findings_fill_the_summary() {
        let mut report = big(100);
        report.approvals = vec![
            ApprovalUse {
                id: "A".into(),
                path: "p".into(),
                state: "valid".into(),
                ..ApprovalUse::default()
            };
            3
        ];
        let max = 4_000;
        let out = summary_markdown(&report, max);
        assert!(out.len() <= max, "{}", out.len());
        assert!(out.contains("more findings not shown"), "{out}");
        assert!(out.contains("### Approvals relied on"), "{out}");
        // Enough room: every row of both tables.
        let out = summary_markdown(&report, SUMMARY_MAX_BYTES);
        assert!(!out.contains("not shown"));
        assert_eq!(out.matches("| `A` | `p` |").count(), 3);
    }

    #[test]
    fn tiny_limit_is_still_a_limit() {
        let report = fixture::report();
        for max in [0, 1, 10, 100, 500] {
            assert!(summary_markdown(&report, max).len() <= max);
        }
    }
}
