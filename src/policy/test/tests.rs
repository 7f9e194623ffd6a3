//! Unit tests of the fixture runner: annotations, comparison, days.

use super::*;

fn found(code: &'static str, line: usize) -> Found {
    Found {
        code,
        line: Some(line),
        message: format!("{code} fired"),
    }
}

fn marks(text: &str) -> Vec<Annotation> {
    let (marks, problems) = annotations(text);
    assert!(problems.is_empty(), "{problems:?}");
    marks
}

const FIXTURE: &str = "\
genai:
  disclosed: { to: \"M. Chen\", on: 2025-09-02 }
  uses:
    - id: temp-voice
      # ruleid: NL101
      output: voice

      #ok: NL102,NL103
      # a plain comment
      stage: temp
";

#[test]
fn an_annotation_is_about_the_next_line_that_is_not_a_comment_or_blank() {
    let m = marks(FIXTURE);
    let got: Vec<(Mark, &str, usize, usize)> = m
        .iter()
        .map(|a| (a.mark, a.code.as_str(), a.line, a.comment))
        .collect();
    assert_eq!(
        got,
        [
            (Mark::RuleId, "NL101", 6, 5),
            (Mark::Ok, "NL102", 10, 8),
            (Mark::Ok, "NL103", 10, 8),
        ]
    );
}

#[test]
fn annotations_stack_on_one_line() {
    let m = marks("# ruleid: NL101\n# ok: NL102\n\n# other\nstage: temp\n");
    assert!(m.iter().all(|a| a.line == 5), "{m:?}");
    assert_eq!(m.len(), 2);
}

#[test]
fn an_unreadable_or_dangling_annotation_is_a_problem() {
    let (_, problems) = annotations("# ruleid:\nstage: temp\n# ok: NL1 01\nx: 1\n# ok: NL2\n");
    assert_eq!(
        problems,
        [
            "the `ruleid:` comment at fixture line 1 names no rule",
            "the `ok:` comment at fixture line 3 is not a list of rule codes: `NL1 01`",
            "the `ok: NL2` comment at fixture line 5 has no line after it",
        ]
    );
    // Comments that only start with the word are not annotations.
    let (m, problems) = annotations("# okay: this\n# ruleidx: y\nstage: temp\n");
    assert!(m.is_empty() && problems.is_empty(), "{m:?} {problems:?}");
}

#[test]
fn a_fixture_whose_findings_agree_passes() {
    let m = marks(FIXTURE);
    // GA102 fires too, but the fixture says nothing of it.
    assert!(compare(&m, &[found("NL101", 6), found("GA102", 6)]).is_empty());
}

#[test]
fn a_finding_on_the_wrong_line_fails_twice() {
    let m = marks(FIXTURE);
    assert_eq!(
        compare(&m, &[found("NL101", 4)]),
        [
            "expected NL101 at fixture line 6, found it at line 4",
            "unexpected NL101 at fixture line 4, which has no `ruleid: NL101`",
        ]
    );
}

#[test]
fn a_missing_finding_fails() {
    let m = marks(FIXTURE);
    assert_eq!(
        compare(&m, &[]),
        ["expected NL101 at fixture line 6, found none"]
    );
    // A finding on another line that expects it is not "found" here.
    let m = marks("# ruleid: NL101\na: 1\n# ruleid: NL101\nb: 2\n");
    assert_eq!(
        compare(&m, &[found("NL101", 2)]),
        ["expected NL101 at fixture line 4, found none"]
    );
}

#[test]
fn an_unexpected_finding_of_an_annotated_code_fails() {
    let m = marks(FIXTURE);
    assert_eq!(
        compare(
            &m,
            &[found("NL101", 6), found("NL102", 10), found("NL103", 4)]
        ),
        [
            "NL102 fires at fixture line 10, marked `ok`",
            "unexpected NL103 at fixture line 4, which has no `ruleid: NL103`",
        ]
    );
    let whole = Found {
        line: None,
        ..found("NL101", 0)
    };
    assert_eq!(
        compare(&m, &[found("NL101", 6), whole]),
        ["unexpected NL101 about the whole file, which no line can expect"]
    );
}

#[test]
fn an_invalid_fixture_fails_with_the_readers_message() {
    let m = marks(FIXTURE);
    let invalid = Found {
        message: "unknown field `outptu`".into(),
        ..found("GA003", 6)
    };
    assert_eq!(
        compare(&m, &[found("NL101", 6), invalid]),
        [
            "the fixture does not read as a declaration: GA003 at fixture line 6: unknown field `outptu`"
        ]
    );
    // Unless the fixture is about that very finding.
    let m = marks("genai:\n  # ruleid: GA003\n  outptu: x\n");
    assert!(compare(&m, &[found("GA003", 3)]).is_empty());
}

#[test]
fn an_example_must_fire_and_its_fix_must_not() {
    assert_eq!(
        judge_example("GA201", Mark::RuleId, &[found("GA102", 3)]),
        ["expected GA201 to fire, found none"]
    );
    assert!(judge_example("GA201", Mark::RuleId, &[found("GA201", 7)]).is_empty());
    assert_eq!(
        judge_example("GA201", Mark::Ok, &[found("GA201", 7), found("GA201", 9)]),
        ["GA201 fires, found it at lines 7, 9"]
    );
    assert_eq!(
        judge_example("GA201", Mark::Ok, &[found("GA004", 2)]),
        ["the fixture does not read as a declaration: GA004 at fixture line 2: GA004 fired"]
    );
}

#[test]
fn only_findings_that_are_not_notes_count() {
    let rule = &crate::rules::on_screen_element::ON_SCREEN_ELEMENT;
    let text = "genai:\n  uses: []\n";
    let note = Finding::new(rule, Some(9..13), "incidental").note_only();
    let real = Finding::new(rule, Some(9..13), "featured");
    assert_eq!(
        Found::of(text, &[note, real]),
        [Found {
            code: "GA205",
            line: Some(2),
            message: "featured".into()
        }]
    );
}

fn pack(from: Option<&str>, until: Option<&str>) -> Pack {
    Pack {
        id: "northlight-2026".into(),
        family: "northlight".into(),
        version: "2026".into(),
        title: "Northlight".into(),
        sources: Vec::new(),
        from: from.map(|d| d.parse().unwrap()),
        until: until.map(|d| d.parse().unwrap()),
        superseded_by: None,
        rules: Vec::new(),
        extends: Vec::new(),
        origin: Origin::Project(".aiclear/policies/northlight.yml".into()),
        digest: None,
    }
}

fn day(s: &str) -> Date {
    s.parse().unwrap()
}

fn dated(from: Option<&str>, until: Option<&str>) -> DataRule {
    DataRule {
        scope: crate::declaration::vocabulary::Scope::Use,
        when: crate::policy::condition::Condition::All(Vec::new()),
        at: None,
        message: "m".into(),
        label: "l".into(),
        help: None,
        from: from.map(day),
        until: until.map(day),
        escalate: Vec::new(),
        tests: Vec::new(),
    }
}

#[test]
fn fixtures_are_judged_on_a_day_the_rule_is_in_force() {
    let open = pack(None, None);
    let today = day("2026-03-01");
    assert_eq!(judging_day(&open, None, today), (today, None));
    let future = pack(Some("2026-08-02"), None);
    assert_eq!(
        judging_day(&future, None, today),
        (day("2026-08-02"), Some("first"))
    );
    // A rule starts on the later of its pack's first day and its own.
    let rule = dated(Some("2026-12-02"), None);
    assert_eq!(
        judging_day(&future, Some(&rule), today),
        (day("2026-12-02"), Some("first"))
    );
    assert_eq!(
        judging_day(&future, Some(&rule), day("2027-01-01")),
        (day("2027-01-01"), None)
    );
    // A pack past its term still applies: judged on the day asked for.
    let over = pack(Some("2023-12-05"), Some("2026-06-30"));
    assert_eq!(
        judging_day(&over, None, day("2027-01-01")),
        (day("2027-01-01"), None)
    );
    // A rule past its days: its first day, else its last.
    let ended = dated(Some("2026-01-01"), Some("2026-06-30"));
    assert_eq!(
        judging_day(&open, Some(&ended), day("2027-01-01")),
        (day("2026-01-01"), Some("first"))
    );
    let ended = dated(None, Some("2026-06-30"));
    assert_eq!(
        judging_day(&open, Some(&ended), day("2027-01-01")),
        (day("2026-06-30"), Some("last"))
    );
}

fn leaked_pack(origin: Origin, tests: &[&str]) -> &'static Pack {
    let data: &'static DataRule = Box::leak(Box::new(DataRule {
        tests: tests
            .iter()
            .enumerate()
            .map(|(i, t)| Fixture {
                path: "vfx/test.yml".into(),
                text: (*t).to_owned(),
                line: 10 * (i + 1),
            })
            .collect(),
        ..dated(None, None)
    }));
    let rule: &'static Rule = Box::leak(Box::new(Rule {
        info: crate::rules::RuleInfo {
            code: "NL101",
            name: "temp-voice",
            level: crate::rules::Level::Warn,
            summary: "s",
            guideline: "g",
            explanation: "",
            pack: Some("northlight-2026"),
        },
        check: Check::Policy(data),
    }));
    Box::leak(Box::new(Pack {
        rules: vec![rule],
        origin,
        ..pack(None, None)
    }))
}

#[test]
fn fixtures_that_cannot_be_judged_fail_before_judging() {
    let p = leaked_pack(
        Origin::Project("northlight.yml".into()),
        &[
            "# ruleid: temp-voice\n# ok: NL998\nstage: temp\n",
            "genai: none\n",
        ],
    );
    let result = run_pack(p, day("2026-03-01"));
    let rule = &result.rules[0];
    let failures: Vec<(&Place, &[String])> = rule
        .fixtures
        .iter()
        .map(|f| (&f.place, f.failures.as_slice()))
        .collect();
    assert_eq!(
        failures,
        [
            (
                &Place::Line(10),
                &["`ok: NL998` at fixture line 2 names no rule of `northlight-2026`".to_owned()][..]
            ),
            (
                &Place::Line(20),
                &["the fixture has no `# ruleid:` or `# ok:` line".to_owned()][..]
            ),
        ]
    );
    // The rule's name counts as its code.
    assert_eq!(rule.coverage, ["no test has `# ok: NL101`"]);
    assert!(!rule.coverage_fails && !rule.passed());
    assert_eq!((result.fixtures(), result.failed()), (2, 1));
}

#[test]
fn a_built_in_rule_without_both_kinds_of_test_fails() {
    let p = leaked_pack(Origin::BuiltIn, &[]);
    let rule = &run_pack(p, day("2026-03-01")).rules[0];
    assert_eq!(
        rule.coverage,
        ["no test has `# ruleid: NL101`", "no test has `# ok: NL101`"]
    );
    assert!(rule.coverage_fails && !rule.passed());
    let studio = leaked_pack(Origin::Project("n.yml".into()), &[]);
    assert!(run_pack(studio, day("2026-03-01")).rules[0].passed());
}

#[test]
fn examples_lose_the_doc_comment_space() {
    assert_eq!(undoc(" genai:\n   uses: []\n "), "genai:\n  uses: []\n\n");
}

#[test]
fn messages_name_the_pack_file() {
    assert_eq!(
        pack_file(&pack(None, None)),
        ".aiclear/policies/northlight.yml"
    );
    let data = leaked_pack(Origin::BuiltIn, &[]);
    assert_eq!(pack_file(data), "policies/northlight-2026.yml");
    assert_eq!(pack_file(crate::policy::netflix()), "built in");
}
