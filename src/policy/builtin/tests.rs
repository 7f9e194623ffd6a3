//! The built-in packs read, hold what their sources say, and pass their own
//! fixtures.

use std::collections::BTreeSet;

use super::*;
use crate::policy::{DataRule, Fixture, Policy, find_pack, judge_fixture, pack_in_force};
use crate::rules::{Check, Context, Level};
use crate::schema::Date;

fn day(s: &str) -> Date {
    s.parse().unwrap()
}

fn pack(id: &str) -> &'static Pack {
    find_pack(id).unwrap_or_else(|| panic!("no built-in pack `{id}`"))
}

fn data_rules(p: &Pack) -> impl Iterator<Item = (&'static Rule, &'static DataRule)> + '_ {
    p.rules.iter().filter_map(|r| match r.check {
        Check::Policy(data) => Some((*r, data)),
        _ => None,
    })
}

#[test]
fn every_builtin_pack_reads_netflix_first() {
    let ids: Vec<&str> = packs().iter().map(|p| p.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "netflix-2025-08",
            "sag-aftra-2023",
            "sag-aftra-2026",
            "wga-mba-2023",
            "eu-ai-act-art50",
            "apa-2024"
        ]
    );
    for p in &packs()[1..] {
        assert_eq!(p.origin, Origin::BuiltIn, "{}", p.id);
        assert!(!p.sources.is_empty(), "{}: no sources", p.id);
        assert!(!p.title.is_empty() && !p.version.is_empty(), "{}", p.id);
        let n = data_rules(p).count();
        assert!((4..=8).contains(&n), "{}: {n} data rules", p.id);
    }
    assert!(std::ptr::eq(packs()[0], crate::policy::netflix()));
}

#[test]
#[should_panic(
    expected = "the built-in pack policies/broken.yml does not read:\npolicies/broken.yml:2:"
)]
fn a_built_in_pack_that_does_not_read_is_a_bug() {
    data_pack("policies/broken.yml", "pack:\n  id: Broken Pack\n");
}

#[test]
fn terms_and_succession() {
    let (old, new) = (pack("sag-aftra-2023"), pack("sag-aftra-2026"));
    assert_eq!(old.family, "sag-aftra");
    assert_eq!(new.family, "sag-aftra");
    assert_eq!(old.until, Some(day("2026-06-30")));
    assert_eq!(old.superseded_by.as_deref(), Some("sag-aftra-2026"));
    assert_eq!(new.from, Some(day("2026-07-01")));
    assert_eq!(new.until, Some(day("2030-06-30")));
    assert_eq!(pack("wga-mba-2023").until, Some(day("2026-05-01")));
    for (on, id) in [
        ("2026-06-30", "sag-aftra-2023"),
        ("2026-07-01", "sag-aftra-2026"),
        ("2031-01-01", "sag-aftra-2026"),
    ] {
        assert_eq!(
            pack_in_force("sag-aftra", day(on)).map(|p| p.id.as_str()),
            Some(id),
            "{on}"
        );
    }
}

#[test]
fn the_2026_pack_keeps_the_2023_codes_and_adds_its_own() {
    let names = |id: &str| -> Vec<(&'static str, &'static str)> {
        pack(id).rules.iter().map(|r| (r.code, r.name)).collect()
    };
    let (old, new) = (names("sag-aftra-2023"), names("sag-aftra-2026"));
    for rule in &old {
        assert!(new.contains(rule), "2026 drops {rule:?}");
    }
    let added: Vec<&str> = new
        .iter()
        .filter(|r| !old.contains(r))
        .map(|r| r.0)
        .collect();
    assert!(!added.is_empty());
    assert!(added.iter().all(|c| c.starts_with("SAG2")), "{added:?}");
    // Its facts are second-hand, and its notes say so.
    for r in &pack("sag-aftra-2026").rules {
        assert!(
            r.guideline.contains("secondary") || r.guideline.contains("not in aiclear's sources"),
            "{}: {}",
            r.code,
            r.guideline
        );
    }
}

#[test]
fn codes_carry_their_packs_prefix() {
    for (id, prefix) in [
        ("sag-aftra-2023", "SAG1"),
        ("wga-mba-2023", "WGA1"),
        ("eu-ai-act-art50", "EU5"),
        ("apa-2024", "APA1"),
    ] {
        for r in &pack(id).rules {
            assert!(r.code.starts_with(prefix), "{id}: {}", r.code);
            assert_eq!(r.pack, Some(id), "{}", r.code);
        }
    }
}

#[test]
fn the_wga_pack_holds_its_rust_rule() {
    let wga = pack("wga-mba-2023");
    let codes: Vec<&str> = wga.rules.iter().map(|r| r.code).collect();
    assert_eq!(codes, ["WGA101", "WGA102", "WGA103", "WGA104", "WGA105"]);
    assert!(std::ptr::eq(
        wga.rules[2],
        &crate::rules::ai_credited_as_writer::AI_CREDITED_AS_WRITER
    ));
}

#[test]
fn texts_follow_the_message_convention() {
    for p in &packs()[1..] {
        for (rule, data) in data_rules(p) {
            for (what, text) in [
                ("message", data.message.as_str()),
                ("label", data.label.as_str()),
                ("summary", rule.summary),
                ("note", rule.guideline),
            ]
            .into_iter()
            .chain(data.help.as_deref().map(|h| ("help", h)))
            {
                assert!(
                    !text.starts_with(char::is_uppercase)
                        || what == "note"
                        || text.starts_with('`'),
                    "{}: {what} starts uppercase: {text}",
                    rule.code
                );
                assert!(
                    !text.ends_with('.'),
                    "{}: {what} ends with a period",
                    rule.code
                );
            }
            assert!(data.help.is_some(), "{}: no help", rule.code);
        }
    }
}

/// What a fixture's `# ruleid:` and `# ok:` comments say: for each code,
/// the 1-based lines that hold a finding of it, and those that hold none.
type Expected = std::collections::BTreeMap<String, (BTreeSet<usize>, BTreeSet<usize>)>;

fn expected(text: &str) -> Expected {
    let mut out = Expected::new();
    let mut pending: Vec<(bool, String)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        let Some(comment) = t.strip_prefix('#') else {
            for (fires, code) in pending.drain(..) {
                let entry = out.entry(code).or_default();
                if fires { &mut entry.0 } else { &mut entry.1 }.insert(i + 1);
            }
            continue;
        };
        let comment = comment.trim();
        for (mark, fires) in [("ruleid:", true), ("ok:", false)] {
            if let Some(codes) = comment.strip_prefix(mark) {
                pending.extend(codes.split(',').map(|c| (fires, c.trim().to_owned())));
            }
        }
    }
    assert!(pending.is_empty(), "an annotation with no line after it");
    out
}

/// The first day a rule and its pack are both in force (the last, for a
/// rule with only an end); a fixed day for one without dates.
fn judging_day(p: &Pack, data: &DataRule) -> Date {
    let from = [p.from, data.from].into_iter().flatten().max();
    let until = [p.until, data.until].into_iter().flatten().min();
    from.or(until).unwrap_or_else(|| day("2026-12-02"))
}

/// Why `fixture` does not find what its annotations say, judged by `p`
/// alone on `on`.
fn failures(p: &'static Pack, fixture: &Fixture, on: Date) -> Vec<String> {
    let policy = Policy {
        packs: vec![p],
        today: on,
    };
    let findings = judge_fixture(&policy, fixture);
    let text = &fixture.text;
    let line_of = |f: &crate::rules::Finding| {
        f.span
            .as_ref()
            .map(|s| crate::yaml::line_of(text.as_bytes(), s.start))
    };
    let mut out: Vec<String> = findings
        .iter()
        .filter(|f| ["GA001", "GA002", "GA003", "GA004", "GA005"].contains(&f.rule.code))
        .map(|f| format!("does not read: {} {}", f.rule.code, f.message))
        .collect();
    for (code, (fires, ok)) in expected(text) {
        assert!(
            p.rules.iter().any(|r| r.code == code),
            "`{code}` is no rule of {}",
            p.id
        );
        let at: BTreeSet<Option<usize>> = findings
            .iter()
            .filter(|f| f.rule.code == code)
            .map(line_of)
            .collect();
        for l in &fires {
            if !at.contains(&Some(*l)) {
                out.push(format!("expected {code} at line {l}, found {at:?}"));
            }
        }
        for l in &at {
            if !l.is_some_and(|l| fires.contains(&l)) {
                let why = if l.is_some_and(|l| ok.contains(&l)) {
                    "marked ok"
                } else {
                    "not marked"
                };
                out.push(format!("{code} at line {l:?}, {why}"));
            }
        }
    }
    out
}

#[test]
fn every_data_rule_has_passing_ruleid_and_ok_fixtures() {
    let mut problems = Vec::new();
    for p in &packs()[1..] {
        for (rule, data) in data_rules(p) {
            let on = judging_day(p, data);
            let (mut fires, mut ok) = (false, false);
            for (i, fixture) in data.tests.iter().enumerate() {
                let marks = expected(&fixture.text);
                if let Some((f, o)) = marks.get(rule.code) {
                    fires |= !f.is_empty();
                    ok |= !o.is_empty();
                }
                for why in failures(p, fixture, on) {
                    problems.push(format!(
                        "{} {} test {} (line {} of the pack): {why}",
                        p.id,
                        rule.code,
                        i + 1,
                        fixture.line
                    ));
                }
            }
            if !fires || !ok {
                problems.push(format!(
                    "{} {}: needs a `# ruleid:` and a `# ok:` test",
                    p.id, rule.code
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_checker_of_fixtures_can_fail() {
    let rule = pack("apa-2024").rules[0];
    let Check::Policy(data) = rule.check else {
        panic!("a data rule");
    };
    let mut fixture = data.tests[0].clone();
    fixture.text = fixture.text.replace("# ruleid: APA101", "# ok: APA101");
    assert_eq!(
        failures(pack("apa-2024"), &fixture, day("2026-12-02")).len(),
        1,
        "{}",
        fixture.text
    );
    let mut fixture = data.tests[0].clone();
    fixture.text = fixture.text.replace("stage: final", "stage: finale");
    assert!(!failures(pack("apa-2024"), &fixture, day("2026-12-02")).is_empty());
}

/// What one rule of `p` finds in `text` (a shot sheet), on `on`, with the
/// configuration's release territories `territories`.
fn found(p: &'static Pack, code: &str, text: &str, on: &str, territories: &[&str]) -> Vec<Level> {
    let policy = Policy {
        packs: vec![p],
        today: day(on),
    };
    let read = crate::rules::read_declaration(crate::kind::FileKind::Yaml, text.as_bytes());
    assert!(read.findings.is_empty(), "{:?}", read.findings);
    let decl = read.declaration.expect("a declaration");
    let ctx = Context {
        path: "vfx/test.yml".into(),
        territories: territories.iter().map(|t| (*t).to_owned()).collect(),
        ..Context::default()
    };
    let mut out = Vec::new();
    for rule in policy.rules().into_iter().filter(|r| r.code == code) {
        crate::rules::run(rule, &decl, &ctx, &mut out);
    }
    out.iter().map(|f| policy.level(&f.rule.info)).collect()
}

const FINAL_IMAGE: &str = "genai:\n  uses:\n    - id: plate\n      stage: final\n      output: image\n      tools: [{ name: \"Imagen 4\", enterprise: true, trains-on-inputs: false }]\n";

#[test]
fn eu_marking_warns_from_august_and_denies_from_december() {
    let eu = pack("eu-ai-act-art50");
    assert!(found(eu, "EU501", FINAL_IMAGE, "2026-08-01", &[]).is_empty());
    assert_eq!(
        found(eu, "EU501", FINAL_IMAGE, "2026-08-02", &[]),
        [Level::Warn]
    );
    assert_eq!(
        found(eu, "EU501", FINAL_IMAGE, "2026-12-01", &[]),
        [Level::Warn]
    );
    assert_eq!(
        found(eu, "EU501", FINAL_IMAGE, "2026-12-02", &[]),
        [Level::Deny]
    );
}

#[test]
fn a_release_in_the_eu_is_read_from_the_declaration_else_the_configuration() {
    let eu = pack("eu-ai-act-art50");
    let with = |territories: &str| {
        FINAL_IMAGE.replace(
            "genai:\n",
            &format!("genai:\n  territories: {territories}\n"),
        )
    };
    let fires =
        |text: &str, config: &[&str]| !found(eu, "EU501", text, "2026-12-02", config).is_empty();
    // Unknown fails safe: no territories anywhere is a release in the EU.
    assert!(fires(FINAL_IMAGE, &[]));
    assert!(!fires(FINAL_IMAGE, &["US", "JP"]));
    assert!(fires(FINAL_IMAGE, &["US", "SE"]));
    for t in ["[EU]", "worldwide", "[US, PT]", "[GR]", "MT"] {
        assert!(fires(&with(t), &["US"]), "{t}");
    }
    for t in ["[US]", "[GB, CH, NO]", "[CA]"] {
        assert!(!fires(&with(t), &["FR"]), "{t}");
    }
}

#[test]
fn wga_writer_credit_fires_in_a_fixture_of_a_script() {
    let fixture = Fixture {
        path: "scripts/ep105.fountain".into(),
        text: "Title: THE LAST SIGNAL\nCredit: written by\nAuthors:\n    Dana Ruiz\n    ChatGPT\n\n/*\n---\ngenai: none\n---\n*/\n\nINT. RELAY STATION - NIGHT\n".into(),
        line: 1,
    };
    let policy = Policy {
        packs: vec![pack("wga-mba-2023")],
        today: day("2026-05-01"),
    };
    let found: Vec<(&str, usize)> = judge_fixture(&policy, &fixture)
        .iter()
        .map(|f| {
            let line = crate::yaml::line_of(fixture.text.as_bytes(), f.span.clone().unwrap().start);
            (f.rule.code, line)
        })
        .collect();
    assert_eq!(found, [("WGA103", 5)]);
}
