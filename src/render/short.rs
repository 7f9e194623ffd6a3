//! One line per finding, for grep, editors' quickfix lists and terminals too
//! narrow for snippets: `path:line:col: error[GA201]: message`. A finding of
//! a policy pack's rule ends with the pack, as `human` names it in a note:
//! ``… message (policy pack `netflix-2025-08`)``.
//!
//! A finding about a whole file is at `path:1:1:`; one about no file at all
//! (an empty path) is just `error: message`. There is no summary line, so
//! every line of the output is a finding. Paths and messages are flattened to
//! one line and stripped of control characters, so a file name or a value
//! quoted from a file cannot break the format or the terminal.

use std::io;

use annotate_snippets::normalize_untrusted_str;
use annotate_snippets::renderer::{DEFAULT_ERROR_STYLE, DEFAULT_NOTE_STYLE, DEFAULT_WARNING_STYLE};
use anstyle::{Effects, Style};

use super::region;
use crate::diagnostic::{Report, Severity};

pub(super) fn render(report: &Report, color: bool, out: &mut dyn io::Write) -> io::Result<()> {
    let (bold, plain) = (Style::new().effects(Effects::BOLD), Style::new());
    for d in &report.diagnostics {
        let level_style = match d.severity {
            Severity::Error => DEFAULT_ERROR_STYLE,
            Severity::Warning => DEFAULT_WARNING_STYLE,
            Severity::Note => DEFAULT_NOTE_STYLE,
        };
        let (level_style, bold) = if color {
            (level_style, bold)
        } else {
            (plain, plain)
        };
        if !d.path.is_empty() {
            let at = region(report, d).start;
            let path = one_line(&d.path);
            write!(out, "{bold}{path}:{}:{}:{bold:#} ", at.line, at.column)?;
        }
        let level = d.severity.as_str();
        match d.code() {
            Some(code) => write!(out, "{level_style}{level}[{code}]{level_style:#}")?,
            None => write!(out, "{level_style}{level}{level_style:#}")?,
        }
        let pack = d
            .rule
            .and_then(|r| r.pack)
            .map(|p| format!(" ({})", super::from_pack(p)))
            .unwrap_or_default();
        writeln!(out, "{bold}: {}{bold:#}{pack}", one_line(&d.message))?;
    }
    Ok(())
}

/// `text` on one line: line breaks become spaces, tabs and other control
/// characters are replaced as annotate-snippets replaces them in `human`.
fn one_line(text: &str) -> String {
    let flat = text
        .split("\r\n")
        .flat_map(|s| s.split(['\n', '\r']))
        .collect::<Vec<_>>()
        .join(" ");
    normalize_untrusted_str(&flat)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fixture;

    fn short(report: &Report, color: bool) -> String {
        let mut out = Vec::new();
        render(report, color, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn one_line_per_finding() {
        let report = fixture::report();
        assert_eq!(
            short(&report, false),
            "\
shots/sh010.yaml:4:14: error[GA201]: main character generated with GenAI needs written approval (policy pack `netflix-2025-08`)
shots/sh010.yaml:5:17: warning[GA001]: `tool` has no version
aiclear.toml:1:1: error: unknown key `rulez`
scripts/ep102.fountain:1:1: warning[GA001]: screenplay uses GenAI but has no declaration
"
        );
    }

    #[test]
    fn nothing_found_prints_nothing() {
        assert_eq!(short(&Report::default(), false), "");
    }

    #[test]
    fn no_path_and_hostile_text() {
        let mut report = Report::default();
        let mut d = fixture::diagnostic(None, Severity::Note, "");
        d.message = "line one\r\nline two\x1b[2J".into();
        report.diagnostics.push(d);
        let mut d = fixture::diagnostic(None, Severity::Error, "odd\nname.yaml");
        d.message = "x".into();
        report.diagnostics.push(d);
        assert_eq!(
            short(&report, false),
            "note: line one line two\u{241b}[2J\nodd name.yaml:1:1: error: x\n"
        );
    }

    #[test]
    fn color_styles_the_level() {
        let report = fixture::report();
        let out = short(&report, true);
        let first = out.lines().next().unwrap();
        assert_eq!(
            first,
            format!(
                "\u{1b}[1mshots/sh010.yaml:4:14:\u{1b}[0m {DEFAULT_ERROR_STYLE}error[GA201]\u{1b}[0m\
                 \u{1b}[1m: main character generated with GenAI needs written approval\u{1b}[0m \
                 (policy pack `netflix-2025-08`)"
            )
        );
    }
}
