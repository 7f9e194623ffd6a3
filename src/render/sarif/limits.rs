//! GitHub code scanning's upload limits, met by construction.
//!
//! GitHub rejects a whole SARIF file when one of its hard limits is passed
//! ("SARIF results exceed hard limit" in GitHub's troubleshooting pages): 20
//! runs per file, 25,000 results and 25,000 rules per run, 1,000 locations
//! per result, 10,000 thread flow locations per result, 20 tags per rule, 10
//! MB of gzip. A rejected file is worse than a short one: the check's verdict
//! stands, but nothing reaches code scanning. So the log never passes the
//! limits on counts. Its size is not measured: 25,000 results of aiclear's
//! (a message, a location, a fingerprint) with long paths and messages come
//! to about 20 MB, half a megabyte once gzipped.
//!
//! The log has one run, with no thread flows. A rule has at most three tags.
//! A result's related locations are its secondary labels, capped at
//! [`MAX_RELATED_LOCATIONS`]. When the findings would make more than
//! [`MAX_RESULTS`] results, the most important are kept (errors, then
//! warnings, then notes, each level in the report's order) and a
//! `toolExecutionNotifications` entry of the invocation (in SARIF 2.1.0, a
//! condition met while the tool ran, not a problem with its configuration)
//! says how many were left out and where to find them all. Fingerprints are
//! computed over every finding before any is left out, so a result keeps its
//! fingerprint whatever else is dropped.
//!
//! `automationDetails.id` is [`CATEGORY`], the id that
//! `github/codeql-action/upload-sarif` gives a run for `category: aiclear`, so
//! every upload of aiclear's log replaces the previous one of the same tool
//! and category.

use crate::diagnostic::Severity;
use crate::text::plural;

/// Results per run that GitHub accepts.
pub(super) const MAX_RESULTS: usize = 25_000;
/// Locations per result that GitHub accepts (it shows the first 100).
pub(super) const MAX_RELATED_LOCATIONS: usize = 1_000;
/// Tags per rule that GitHub accepts (it shows the first 10).
pub(super) const MAX_TAGS: usize = 20;
/// `runs[].automationDetails.id`: the category `aiclear` with no run id.
pub(super) const CATEGORY: &str = "aiclear/";

/// Keeps the `max` most important of `items` (errors, then warnings, then
/// notes; within a level, in their order), in that order. Returns how many
/// of each level were left out, errors first; `items` is untouched when it
/// has no more than `max`.
pub(super) fn keep_most_important<T>(
    items: &mut Vec<T>,
    severity: impl Fn(&T) -> Severity,
    max: usize,
) -> [usize; 3] {
    let mut left_out = [0; 3];
    if items.len() <= max {
        return left_out;
    }
    // A stable sort keeps the report's order within a level.
    items.sort_by_key(|item| rank(severity(item)));
    for item in items.drain(max..) {
        left_out[rank(severity(&item))] += 1;
    }
    left_out
}

fn rank(severity: Severity) -> usize {
    match severity {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Note => 2,
    }
}

/// The notice of the results left out, `None` when none was.
pub(super) fn left_out_notice(kept: usize, left_out: [usize; 3]) -> Option<String> {
    let total: usize = left_out.iter().sum();
    if total == 0 {
        return None;
    }
    let levels: Vec<String> = [
        (left_out[0], "error", "errors"),
        (left_out[1], "warning", "warnings"),
        (left_out[2], "note", "notes"),
    ]
    .into_iter()
    .filter(|&(n, _, _)| n > 0)
    .map(|(n, one, many)| plural(n, one, many))
    .collect();
    Some(format!(
        "{} left out of this log ({}): GitHub code scanning accepts at most {MAX_RESULTS} results \
         in a run, so only the {kept} most important (errors, then warnings, then notes) are here; \
         the job summary and `--format json` list every finding",
        plural(total, "result", "results"),
        levels.join(", "),
    ))
}

#[cfg(test)]
mod tests {
    use super::super::log;
    use super::*;
    use crate::diagnostic::{Label, Report};
    use crate::render::fixture::{self, KEY_CREATIVE_ELEMENT, MISSING_DECLARATION};
    use crate::source::Source;

    /// 20 notes, then 24,985 warnings, then 5 errors: 10 more than a run
    /// holds. Each message says where the finding was in the report.
    fn crowded() -> Report {
        let mut report = Report::default();
        for i in 0..MAX_RESULTS + 10 {
            let (rule, severity) = match i {
                0..20 => (&MISSING_DECLARATION, Severity::Note),
                20..25_005 => (&MISSING_DECLARATION, Severity::Warning),
                _ => (&KEY_CREATIVE_ELEMENT, Severity::Error),
            };
            let mut d = fixture::diagnostic(Some(rule), severity, "shots/sh010.yaml");
            d.message = format!("finding {i}");
            report.diagnostics.push(d);
        }
        report
    }

    #[test]
    fn a_run_holds_at_most_25000_results_the_most_important_first() {
        let report = crowded();
        let log = log(&report, &[]);
        let run = &log.runs[0];
        assert_eq!(run.results.len(), MAX_RESULTS);
        let messages: Vec<&str> = run.results.iter().map(|r| &r.message.text[..]).collect();
        // The errors, from the end of the report, come first, in their order.
        assert_eq!(
            messages[..5],
            [
                "finding 25005",
                "finding 25006",
                "finding 25007",
                "finding 25008",
                "finding 25009"
            ]
        );
        assert!(run.results[..5].iter().all(|r| r.level == "error"));
        // Every warning, in its order.
        assert_eq!(messages[5], "finding 20");
        assert_eq!(messages[24_989], "finding 25004");
        assert!(run.results[5..24_990].iter().all(|r| r.level == "warning"));
        // The first 10 notes; the last 10 are left out.
        assert_eq!(messages[24_990], "finding 0");
        assert_eq!(messages[24_999], "finding 9");
        assert!(run.results[24_990..].iter().all(|r| r.level == "note"));
        // A kept result has the fingerprint it has in the whole report.
        let fingerprints: std::collections::HashSet<&str> = run
            .results
            .iter()
            .map(|r| &r.partial_fingerprints.primary_location_line_hash[..])
            .collect();
        assert_eq!(fingerprints.len(), MAX_RESULTS);

        let invocation = &run.invocations[0];
        assert!(invocation.execution_successful);
        assert!(invocation.tool_configuration_notifications.is_empty());
        let [notice] = &invocation.tool_execution_notifications[..] else {
            panic!("one notice");
        };
        assert_eq!(notice.level, "warning");
        assert!(
            notice
                .message
                .text
                .starts_with("10 results left out of this log (10 notes): "),
            "{}",
            notice.message.text
        );
        assert!(
            notice
                .message
                .text
                .contains("job summary and `--format json`")
        );
    }

    #[test]
    fn a_full_run_has_no_notice() {
        let mut report = crowded();
        report.diagnostics.truncate(MAX_RESULTS);
        let log = log(&report, &[]);
        assert_eq!(log.runs[0].results.len(), MAX_RESULTS);
        assert_eq!(log.runs[0].results[0].message.text, "finding 0");
        assert!(
            log.runs[0].invocations[0]
                .tool_execution_notifications
                .is_empty()
        );
    }

    #[test]
    fn related_locations_tags_and_category_are_capped() {
        let path = "s.yaml";
        let mut report = Report::default();
        report
            .sources
            .insert(path.into(), Source::new(path, b"k: v\n".to_vec()));
        let mut d = fixture::diagnostic(Some(&KEY_CREATIVE_ELEMENT), Severity::Error, path);
        d.secondary = (0..MAX_RELATED_LOCATIONS + 5)
            .map(|i| Label {
                span: 0..1,
                message: format!("label {i}"),
            })
            .collect();
        report.diagnostics.push(d);
        let log = log(&report, &[]);
        let run = &log.runs[0];
        let related = &run.results[0].related_locations;
        assert_eq!(related.len(), MAX_RELATED_LOCATIONS);
        assert_eq!(related.last().unwrap().id, Some(MAX_RELATED_LOCATIONS - 1));
        assert!(
            run.tool
                .driver
                .rules
                .iter()
                .all(|r| r.properties.tags.len() <= MAX_TAGS)
        );
        assert_eq!(run.automation_details.id, "aiclear/");
    }

    #[test]
    fn under_the_cap_nothing_moves() {
        let mut items = vec![Severity::Note, Severity::Error, Severity::Warning];
        assert_eq!(keep_most_important(&mut items, |s| *s, 3), [0, 0, 0]);
        assert_eq!(items, [Severity::Note, Severity::Error, Severity::Warning]);
        assert_eq!(left_out_notice(3, [0, 0, 0]), None);
    }

    #[test]
    fn over_the_cap_the_least_important_go() {
        let mut items: Vec<(Severity, usize)> = [
            Severity::Note,
            Severity::Warning,
            Severity::Error,
            Severity::Note,
            Severity::Warning,
            Severity::Error,
        ]
        .into_iter()
        .enumerate()
        .map(|(i, s)| (s, i))
        .collect();
        assert_eq!(keep_most_important(&mut items, |i| i.0, 3), [0, 1, 2]);
        assert_eq!(
            items,
            [
                (Severity::Error, 2),
                (Severity::Error, 5),
                (Severity::Warning, 1)
            ]
        );
        assert_eq!(
            left_out_notice(3, [0, 1, 2]).unwrap(),
            "3 results left out of this log (1 warning, 2 notes): GitHub code scanning accepts \
             at most 25000 results in a run, so only the 3 most important (errors, then \
             warnings, then notes) are here; the job summary and `--format json` list every \
             finding"
        );
    }
}
