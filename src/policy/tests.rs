//! Packs read, resolved and run over declarations.

use super::*;
use crate::source::Source;

const STUDIO: &str = r#"pack:
  id: northlight-2026
  title: Northlight Pictures house rules
  sources:
    - { title: "Northlight GenAI policy v3", url: "https://example.com/p", date: 2026-01-15 }
rules:
  - code: NL101
    name: voice-needs-intended-use
    level: deny
    for: talent
    when:
      all:
        - { key: kind, is: synthetic-voice }
        - { key: consent-use, present: false }
    message: "the synthetic voice of `{performer}` has no described intended use"
    note: "Northlight policy v3, section 4: a voice is made for one described use"
    help: "add `consent-use:` with the use `{performer}` agreed to"
    tests:
      - |
        genai:
          disclosed: { to: M. Chen, on: 2026-02-01 }
          uses:
            - id: radio
              stage: temp
              output: voice
              tools: [{ name: Voicer, enterprise: true, trains-on-inputs: false }]
              talent:
                - performer: Dana Ruiz
                  # ruleid: NL101
                  kind: synthetic-voice
                  consent: C-1
  - code: NL102
    name: no-final-video-before-launch
    level: warn
    from: 2026-03-01
    escalate: [{ on: 2026-06-01, level: deny }]
    when:
      all:
        - { key: stage, is: final }
        - { key: output, in: [video, image] }
        - { path: "deliverables/**" }
    message: "use `{id}` is final generated video in a deliverable"
    note: "Northlight policy v3, section 2"
"#;

fn studio() -> &'static Pack {
    let source = Source::new(".aiclear/policies/studio.yml", STUDIO.as_bytes().to_vec());
    parse_pack(&source, Origin::Project(source.path.clone()))
        .unwrap_or_else(|f| panic!("{:?}", f.iter().map(|f| &f.message).collect::<Vec<_>>()))
}

fn day(s: &str) -> Date {
    s.parse().unwrap()
}

fn problems(text: &str) -> Vec<String> {
    let source = Source::new("p.yml", text.as_bytes().to_vec());
    match parse_pack(&source, Origin::Project("p.yml".into())) {
        Ok(_) => Vec::new(),
        Err(f) => f
            .into_iter()
            .map(|f| format!("{} {}", f.message, f.help.unwrap_or_default()))
            .collect(),
    }
}

fn codes_at(policy: &Policy, path: &str, text: &str) -> Vec<(&'static str, usize)> {
    let fixture = Fixture {
        path: path.into(),
        text: text.into(),
        line: 1,
    };
    judge_fixture(policy, &fixture)
        .into_iter()
        .map(|f| {
            let line = f
                .span
                .map_or(1, |s| crate::yaml::line_of(text.as_bytes(), s.start));
            (f.rule.code, line)
        })
        .collect()
}

#[test]
fn a_studio_pack_reads_with_its_header_and_rules() {
    let p = studio();
    assert_eq!(p.id, "northlight-2026");
    assert_eq!(p.family, "northlight");
    assert_eq!(p.version, "2026");
    assert_eq!(p.rules.len(), 2);
    assert_eq!(p.rules[0].code, "NL101");
    assert_eq!(p.rules[0].pack, Some("northlight-2026"));
    let Check::Policy(data) = p.rules[0].check else {
        panic!("a data rule");
    };
    assert_eq!(data.tests.len(), 1);
    // The fixture starts on the line after `- |`.
    assert_eq!(
        STUDIO.lines().nth(data.tests[0].line - 1).map(str::trim),
        Some("genai:")
    );
    assert!(p.rules[0].explanation.contains("### Example"));
    assert!(
        p.rules[0]
            .explanation
            .contains("Northlight GenAI policy v3 (2026-01-15)")
    );
}

#[test]
fn a_rule_fires_at_the_item_and_names_its_values() {
    let policy = Policy {
        packs: vec![studio()],
        today: day("2026-04-01"),
    };
    let Check::Policy(data) = studio().rules[0].check else {
        panic!()
    };
    let text = &data.tests[0].text;
    let found = codes_at(&policy, "vfx/a.yml", text);
    let line = text
        .lines()
        .position(|l| l.contains("kind: synthetic-voice"))
        .unwrap()
        + 1;
    assert_eq!(found, [("NL101", line)]);
    let fixture = Fixture {
        path: "vfx/a.yml".into(),
        text: text.clone(),
        line: 1,
    };
    let f = judge_fixture(&policy, &fixture).remove(0);
    assert_eq!(
        f.message,
        "the synthetic voice of `Dana Ruiz` has no described intended use"
    );
    assert_eq!(
        f.help.as_deref(),
        Some("add `consent-use:` with the use `Dana Ruiz` agreed to")
    );
    assert_eq!(f.use_id.as_deref(), Some("radio"));

    let fixed = text.replace(
        "consent: C-1",
        "consent: C-1\n          consent-use: \"radio voice, ep101\"",
    );
    assert!(codes_at(&policy, "vfx/a.yml", &fixed).is_empty());
}

const FINAL_VIDEO: &str = "genai:\n  disclosed: { to: M. Chen, on: 2026-02-01 }\n  uses:\n    - id: trailer\n      stage: final\n      output: video\n      tools: [{ name: Veo, enterprise: true, trains-on-inputs: false }]\n      human-input: edited\n";

#[test]
fn dates_decide_whether_a_rule_fires_and_at_what_level() {
    let at = |d: &str| Policy {
        packs: vec![studio()],
        today: day(d),
    };
    let path = "deliverables/trailer.mov.genai.yml";
    let nl102 = |p: &Policy| {
        codes_at(p, path, FINAL_VIDEO)
            .iter()
            .any(|(c, _)| *c == "NL102")
    };
    assert!(!nl102(&at("2026-02-28")), "before its first day");
    assert!(nl102(&at("2026-03-01")));
    let rule = studio().rules[1];
    assert_eq!(at("2026-05-31").level(rule), Level::Warn);
    assert_eq!(at("2026-06-01").level(rule), Level::Deny);
    // Another path is not matched.
    assert!(
        !codes_at(&at("2026-04-01"), "vfx/trailer.yml", FINAL_VIDEO)
            .iter()
            .any(|(c, _)| *c == "NL102")
    );
}

#[test]
fn unknown_keys_and_values_are_named_with_a_suggestion() {
    let with = |cond: &str| {
        format!(
            "pack:\n  id: s\n  title: S\n  sources: [{{ title: T, date: 2026-01-01 }}]\nrules:\n  - code: ST101\n    name: r\n    level: deny\n    for: talent\n    when: {cond}\n    message: m\n    note: n\n"
        )
    };
    let p = problems(&with("{ key: consent-uses, present: false }"));
    assert!(
        p[0].contains("`consent-uses` is not a key of a talent entry"),
        "{p:?}"
    );
    assert!(p[0].contains("did you mean `consent-use`?"), "{p:?}");
    let p = problems(&with("{ key: kind, is: synthetic-vocie }"));
    assert!(p[0].contains("did you mean `synthetic-voice`?"), "{p:?}");
    let p = problems(&with("{ key: kind, preesent: true }"));
    assert!(p[0].contains("did you mean `present`?"), "{p:?}");
    let p = problems(&with("{ key: consent-use, before: 2026-01-01 }"));
    assert!(p[0].contains("is not a date"), "{p:?}");
    let p = problems(&with("{ key: tools.name, is: x }"));
    assert!(p[0].contains("`tools.` does not name a mapping"), "{p:?}");
    let p = problems(&with("{ alll: [] }"));
    assert!(p[0].contains("did you mean `all`?"), "{p:?}");
    assert!(problems(&with("{ key: use.stage, is: final }")).is_empty());
    assert!(
        problems(&with(
            "{ key: notice-on, after: { key: scan-on, days: -2 } }"
        ))
        .is_empty()
    );
}

#[test]
fn a_studio_may_not_take_a_built_in_prefix_or_repeat_a_code() {
    let rule = |code: &str, name: &str| {
        format!(
            "  - code: {code}\n    name: {name}\n    level: warn\n    when: {{ key: stage, is: final }}\n    message: m\n    note: n\n"
        )
    };
    let head = "pack:\n  id: s\n  title: S\n  sources: [{ title: T, date: 2026-01-01 }]\nrules:\n";
    let p = problems(&format!("{head}{}", rule("GA901", "a")));
    assert!(
        p[0].contains("`GA` belongs to aiclear's built-in packs"),
        "{p:?}"
    );
    let p = problems(&format!(
        "{head}{}{}",
        rule("ST101", "a"),
        rule("ST101", "b")
    ));
    assert!(p[0].contains("same code"), "{p:?}");
    let p = problems(&format!("{head}{}", rule("ST1", "a")));
    assert!(p[0].contains("capital letters and 3 digits"), "{p:?}");
}

#[test]
fn territories_fall_back_to_the_configuration() {
    let pack = "pack:\n  id: s\n  title: S\n  sources: [{ title: T, date: 2026-01-01 }]\nrules:\n  - code: ST101\n    name: eu-release\n    level: warn\n    when: { key: genai.territories, in: [EU, FR] }\n    message: released in the EU\n    note: n\n";
    let source = Source::new("s.yml", pack.as_bytes().to_vec());
    let p = parse_pack(&source, Origin::Project("s.yml".into())).unwrap();
    let decl = |t: &str| {
        format!(
            "genai:\n  disclosed: {{ to: M, on: 2026-01-01 }}\n{t}  uses:\n    - id: a\n      stage: temp\n      output: image\n      tools: [{{ name: X, enterprise: true, trains-on-inputs: false }}]\n"
        )
    };
    let read = crate::rules::read_declaration(crate::kind::FileKind::Yaml, decl("").as_bytes());
    assert!(read.findings.is_empty(), "{:?}", read.findings);
    let d = read.declaration.unwrap();
    let run = |ctx: &Context| {
        let mut out = Vec::new();
        crate::rules::run(p.rules[0], &d, ctx, &mut out);
        out.len()
    };
    assert_eq!(run(&Context::default()), 0);
    let eu = Context {
        territories: vec!["FR".into()],
        ..Context::default()
    };
    assert_eq!(run(&eu), 1);
    let read = crate::rules::read_declaration(
        crate::kind::FileKind::Yaml,
        decl("  territories: [US]\n").as_bytes(),
    );
    assert!(read.findings.is_empty(), "{:?}", read.findings);
    let mut out = Vec::new();
    crate::rules::run(p.rules[0], &read.declaration.unwrap(), &eu, &mut out);
    assert!(out.is_empty(), "the declaration's own territories win");
}

#[test]
fn a_pinned_pack_must_match_its_digest() {
    struct Mem(Vec<(String, Vec<u8>)>);
    impl PackFiles for Mem {
        fn project(&mut self, path: &str) -> anyhow::Result<Option<Source>> {
            Ok(self
                .0
                .iter()
                .find(|(p, _)| p == path)
                .map(|(p, b)| Source::new(p.clone(), b.clone())))
        }
        fn outside(&mut self, path: &str) -> anyhow::Result<Option<Vec<u8>>> {
            Ok(self
                .0
                .iter()
                .find(|(p, _)| p == path)
                .map(|(_, b)| b.clone()))
        }
    }
    let pack = STUDIO
        .replace("northlight-2026", "house-2026")
        .replace("NL1", "HS1");
    let digest = crate::digest::sha256_hex(pack.as_bytes());
    let mut files = Mem(vec![("../house.yml".into(), pack.into_bytes())]);
    let pin = |sha: &str| Pin {
        path: "../house.yml".into(),
        sha256: sha.into(),
        span: 0..0,
    };
    let policy = resolve(&[], &[pin(&digest)], day("2026-04-01"), &mut files)
        .unwrap()
        .unwrap();
    assert_eq!(policy.packs[0].id, "house-2026");
    assert!(policy.find("HS101").is_some());
    let wrong = "0".repeat(64);
    let Err(Unresolved::Config(f)) =
        resolve(&[], &[pin(&wrong)], day("2026-04-01"), &mut files).unwrap()
    else {
        panic!("a digest mismatch is refused");
    };
    assert!(
        f[0].message.contains(&format!("its SHA-256 is {digest}")),
        "{}",
        f[0].message
    );
}

#[test]
fn an_unknown_pack_gets_a_suggestion_and_families_pick_a_version() {
    struct None_;
    impl PackFiles for None_ {
        fn project(&mut self, _: &str) -> anyhow::Result<Option<Source>> {
            Ok(None)
        }
        fn outside(&mut self, _: &str) -> anyhow::Result<Option<Vec<u8>>> {
            Ok(None)
        }
    }
    let name = |s: &str| PolicyEntry::Name(At::new(s.to_owned(), 0..0));
    let Err(Unresolved::Config(f)) = resolve(
        &[name("netflix-2025-8")],
        &[],
        day("2026-01-01"),
        &mut None_,
    )
    .unwrap() else {
        panic!("an unknown pack is refused");
    };
    assert!(
        f[0].help
            .as_deref()
            .unwrap()
            .contains("did you mean `netflix-2025-08`?")
    );
    let p = resolve(&[name("netflix")], &[], day("2026-01-01"), &mut None_)
        .unwrap()
        .unwrap();
    assert_eq!(p.packs[0].id, NETFLIX);
}

#[test]
fn a_finding_points_at_the_value_its_test_is_about() {
    let pack = "pack:\n  id: s\n  title: S\n  sources: [{ title: T, date: 2026-01-01 }]\nrules:\n  - code: ST101\n    name: likeness\n    level: warn\n    when: { key: inputs, is: talent-likeness }\n    message: m\n    note: n\n";
    let source = Source::new("s.yml", pack.as_bytes().to_vec());
    let p = parse_pack(&source, Origin::Project("s.yml".into())).unwrap();
    let text = "genai:\n  disclosed: { to: M, on: 2026-01-01 }\n  uses:\n    - id: a\n      stage: temp\n      output: image\n      inputs: [licensed, talent-likeness]\n      tools: [{ name: X, enterprise: true, trains-on-inputs: false }]\n";
    let read = crate::rules::read_declaration(crate::kind::FileKind::Yaml, text.as_bytes());
    let mut out = Vec::new();
    crate::rules::run(
        p.rules[0],
        &read.declaration.unwrap(),
        &Context::default(),
        &mut out,
    );
    let span = out[0].span.clone().unwrap();
    assert_eq!(&text[span], "talent-likeness");
}
