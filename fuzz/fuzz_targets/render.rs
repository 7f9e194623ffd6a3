//! Every output format over what a parser found in the input, with the
//! structural promises of each: JSON and SARIF parse, and `github` output
//! never lets file content start a workflow command.
#![no_main]

use aiclear::declaration;
use aiclear::diagnostic::{Diagnostic, Report, Severity};
use aiclear::render::{self, Format};
use aiclear::source::Source;
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Some((kind, bytes)) = common::split(data) else {
        return;
    };
    let parsed = declaration::parse(kind, bytes);
    // The file's path comes from the input too: a hostile name.
    let name = String::from_utf8_lossy(&bytes[..bytes.len().min(24)]).into_owned();
    let path = format!("{}{}", common::path_of(kind), name);
    let mut report = Report::default();
    for (i, f) in parsed.findings.into_iter().enumerate() {
        report.diagnostics.push(Diagnostic {
            rule: Some(f.rule),
            severity: [Severity::Error, Severity::Warning, Severity::Note][i % 3],
            message: f.message,
            path: path.clone(),
            span: f.span,
            label: f.label,
            secondary: Vec::new(),
            notes: f.notes,
            help: f.help,
        });
    }
    report.files_checked = 1;
    report
        .sources
        .insert(path.clone(), Source::new(path, bytes.to_vec()));
    for format in [
        Format::Human,
        Format::Short,
        Format::Json,
        Format::Github,
        Format::Sarif,
    ] {
        let mut out = Vec::new();
        render::render(format, &report, data.len() % 2 == 1, &mut out).expect("writing to a Vec");
        match format {
            Format::Json | Format::Sarif => {
                serde_json::from_slice::<serde_json::Value>(&out).expect("valid JSON");
            }
            Format::Github => check_github(&String::from_utf8_lossy(&out)),
            _ => {}
        }
    }
    let _ = render::summary_markdown(&report, render::SUMMARY_MAX_BYTES);
});

/// Annotations first, one line each; then the listing inside a
/// `::stop-commands::TOKEN` … `::TOKEN::` block that only its last line ends.
fn check_github(out: &str) {
    let mut lines = out.lines();
    let token = loop {
        let line = lines.next().expect("a stop-commands line");
        if let Some(t) = line.strip_prefix("::stop-commands::") {
            break t.to_owned();
        }
        assert!(
            line.starts_with("::error ")
                || line.starts_with("::error::")
                || line.starts_with("::warning ")
                || line.starts_with("::warning::")
                || line.starts_with("::notice ")
                || line.starts_with("::notice::"),
            "not an annotation: {line:?}"
        );
        assert!(!line.contains('\r'), "a CR in an annotation: {line:?}");
    };
    assert!(!token.is_empty());
    let end = format!("::{token}::");
    let rest: Vec<&str> = lines.collect();
    assert_eq!(
        rest.last().copied(),
        Some(end.as_str()),
        "the block is not closed last"
    );
    assert_eq!(
        rest.iter().filter(|l| **l == end).count(),
        1,
        "the listing ends the block early"
    );
}
