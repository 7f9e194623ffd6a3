use crate::declaration::{Stage, Use};
use crate::git::history::CommitInfo;
use crate::rules::{Check, Finding, declare_rule};

declare_rule! {
    /// ### What it does
    /// For each use that is not `final`, looks through the commits of the last
    /// `temporary-max-age-days` (90 by default) for the one that introduced
    /// that use id in that file. When none did, the use is older than the
    /// limit: it warns, naming the newest commit before the limit, which
    /// already declared it. Only that window of history is read, however old
    /// the repository.
    ///
    /// ### Why it matters
    /// The guidelines' fourth principle treats generated material as
    /// temporary: ideation, previs and temp work is meant to be replaced.
    /// Temp material that lingers for months tends to end up on screen without
    /// the approval a final deliverable needs.
    ///
    /// ### Example
    /// `relay-signage` has been declared for 140 days:
    /// ```yaml
    /// genai:
    ///   disclosed: { to: "M. Chen, Netflix creative production", on: 2025-09-02 }
    ///   uses:
    ///     - id: relay-signage
    ///       stage: temp
    ///       output: image
    ///       tools: [{ name: "Imagen 4", enterprise: true, trains-on-inputs: false }]
    /// ```
    /// Use instead:
    /// ```yaml
    /// # the art department's sign replaced the temp art
    /// genai:
    ///   disclosed: { to: "M. Chen, Netflix creative production", on: 2025-09-02 }
    ///   uses: []
    ///   retired:
    ///     - { id: relay-signage, reason: "replaced by the art department's design", on: 2026-01-20 }
    /// ```
    pub LINGERING_TEMPORARY_MATERIAL {
        code: "GA604",
        name: "lingering-temporary-material",
        level: Warn,
        summary: "temporary generated material has been around longer than allowed",
        guideline: "Netflix GenAI guidelines, principle 4: generated material is temporary and not part of the final deliverables",
        check: Check::Engine,
    }
}

const DAY: i64 = 86_400;

/// A warning for a non-final use that no commit of the last `max_days`
/// introduced: `before`, the newest commit older than that, already had it.
pub fn check_older(u: &Use, before: &CommitInfo, now: i64, max_days: u32) -> Option<Finding> {
    let age = (now - before.time) / DAY;
    let day = jiff::Timestamp::from_second(before.time)
        .map(|t| {
            t.to_zoned_datetime(jiff::tz::TimeZone::UTC)
                .date()
                .to_string()
        })
        .unwrap_or_default();
    let finding = warning(
        u,
        &format!("more than {max_days} days"),
        format!("declared for more than {max_days} days"),
        format!(
            "already declared in commit {} on {day}, {age} days ago",
            before.describe()
        ),
        max_days,
    )?;
    Some(finding.help(format!(
        "{HELP}; `git log -S '{}' -- FILE` shows who introduced it",
        u.id.value
    )))
}

/// A warning when a non-final use was introduced more than `max_days` ago.
pub fn check(u: &Use, origin: &CommitInfo, now: i64, max_days: u32) -> Option<Finding> {
    let age = (now - origin.time) / DAY;
    if age <= i64::from(max_days) {
        return None;
    }
    let finding = warning(
        u,
        &format!("{age} days"),
        format!("introduced {age} days ago"),
        origin.introduced(),
        max_days,
    )?;
    Some(finding.help(HELP))
}

const HELP: &str = "replace it with the real material and retire the use, or declare it `final` and ask for approval";

/// The warning for a non-final use, `how_long` in the project; `None` for
/// a final one.
fn warning(u: &Use, how_long: &str, label: String, when: String, max_days: u32) -> Option<Finding> {
    if u.stage() == Some(Stage::Final) {
        return None;
    }
    Some(
        Finding::for_use(
            &LINGERING_TEMPORARY_MATERIAL,
            u,
            u.anchor(),
            format!(
                "{} material `{}` has been in the project for {how_long}",
                u.stage().map_or("temporary", |s| s.as_str()),
                u.id.value
            ),
        )
        .label(label)
        .note(format!("{when}; the limit is {max_days} days")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::declaration::parse;
    use crate::kind::FileKind;

    fn commit(time: i64) -> CommitInfo {
        CommitInfo {
            id: "abcdef0123456789".into(),
            author_name: "W".into(),
            author_email: "w@example.com".into(),
            time,
            committer_time: time,
            summary: "temp sign".into(),
            message: "temp sign".into(),
        }
    }

    #[test]
    fn old_temp_material_warns_and_final_does_not() {
        let d = parse(FileKind::Yaml, b"genai:\n  uses:\n    - {id: a, stage: temp, output: text, tools: [{name: x}]}\n    - {id: b, stage: final, output: text, tools: [{name: x}]}\n").declaration.unwrap();
        let now = 200 * DAY;
        let f = check(&d.uses[0], &commit(0), now, 90).unwrap();
        assert!(f.message.contains("200 days"), "{}", f.message);
        assert!(check(&d.uses[0], &commit(150 * DAY), now, 90).is_none());
        assert!(check(&d.uses[1], &commit(0), now, 90).is_none());
    }

    #[test]
    fn material_older_than_the_window_names_the_commit_that_had_it() {
        let d = parse(FileKind::Yaml, b"genai:\n  uses:\n    - {id: a, stage: temp, output: text, tools: [{name: x}]}\n    - {id: b, stage: final, output: text, tools: [{name: x}]}\n").declaration.unwrap();
        let now = 200 * DAY;
        let f = check_older(&d.uses[0], &commit(100 * DAY), now, 90).unwrap();
        assert!(f.message.contains("more than 90 days"), "{}", f.message);
        let notes = format!("{:?}", f.notes);
        assert!(
            notes.contains("abcdef0") && notes.contains("1970-04-11"),
            "{notes}"
        );
        assert!(check_older(&d.uses[1], &commit(0), now, 90).is_none());
    }
}
