//! `aiclear rules [--policy ID]...`: the rule table.
//!
//! Without `--policy`, every rule aiclear knows: its own checks (which run
//! under every policy), then each built-in policy pack's rules under a line
//! naming the pack, its title and the days it applies. With `--policy`, the
//! rules of those packs only. Each row names its pack too, so that a line
//! read on its own (through `grep`, say) still says where the rule comes
//! from; a data rule that fires only between two days, or is raised on a
//! day, says so after its summary.
//!
//! `--format json` is one flat list, one object a rule and pack (a rule
//! kept in a later version of a pack is listed with each). `--format
//! markdown` writes `docs/rules.md`, aiclear's registry, or with `--policy`
//! the rules of those packs.

use std::io::Write;

use anyhow::Result;
use serde::Serialize;

use super::{RulesFormat, exit};
use crate::policy::{self, Pack};
use crate::rules::{Check, RULES, Rule};
use crate::schema::did_you_mean;

#[derive(Serialize)]
struct RuleRow {
    code: &'static str,
    name: &'static str,
    /// The policy pack; `null` for aiclear's own checks.
    pack: Option<&'static str>,
    level: &'static str,
    summary: &'static str,
    guideline: &'static str,
    /// First and last day a data rule fires, `YYYY-MM-DD`.
    from: Option<String>,
    until: Option<String>,
    /// The levels a data rule is raised to, by the day they start.
    escalate: Vec<Escalation>,
}

#[derive(Serialize)]
struct Escalation {
    on: String,
    level: &'static str,
}

/// Rules under one heading: aiclear's own, or one pack's.
pub(super) struct Group {
    pub source: Source,
    pub rules: Vec<&'static Rule>,
}

/// Where a group of rules comes from.
pub(super) enum Source {
    /// aiclear's own checks.
    Own,
    Pack(&'static Pack),
}

impl Source {
    fn id(&self) -> Option<&str> {
        match self {
            Source::Own => None,
            Source::Pack(p) => Some(&p.id),
        }
    }
}

pub fn run(format: RulesFormat, packs: &[String]) -> Result<u8> {
    let groups = if packs.is_empty() {
        every_group()
    } else {
        let mut groups: Vec<Group> = Vec::new();
        for id in packs {
            let Some(pack) = pack_named(id) else {
                super::fail(&unknown_pack(id), exit::USAGE);
                return Ok(exit::USAGE);
            };
            if !groups.iter().any(|g| g.source.id() == Some(&pack.id)) {
                groups.push(group(pack));
            }
        }
        groups
    };
    let mut out = std::io::stdout().lock();
    let text = match format {
        RulesFormat::Human => human(&groups),
        RulesFormat::Json => {
            let rows: Vec<RuleRow> = groups
                .iter()
                .flat_map(|g| g.rules.iter().map(|r| row(r)))
                .collect();
            serde_json::to_string_pretty(&rows)? + "\n"
        }
        RulesFormat::Markdown if packs.is_empty() => markdown(),
        RulesFormat::Markdown => {
            let rules: Vec<&Rule> = groups.iter().flat_map(|g| g.rules.clone()).collect();
            markdown_of(&rules)
        }
    };
    crate::text::ignore_broken_pipe(out.write_all(text.as_bytes()))?;
    Ok(exit::OK)
}

/// The rules of `pack`.
pub(super) fn group(pack: &'static Pack) -> Group {
    Group {
        source: Source::Pack(pack),
        rules: pack.rules.clone(),
    }
}

/// aiclear's own rules, then every built-in pack's, then those of the
/// project's own packs (a studio's, in `.aiclear/policies/` or pinned by
/// digest) that its configuration names.
pub(super) fn every_group() -> Vec<Group> {
    let own = Group {
        source: Source::Own,
        rules: RULES.iter().copied().filter(|r| r.pack.is_none()).collect(),
    };
    std::iter::once(own)
        .chain(every_pack().into_iter().map(group))
        .collect()
}

/// The built-in packs, then the project's own.
pub(super) fn every_pack() -> Vec<&'static Pack> {
    let mut packs: Vec<&'static Pack> = policy::builtin_packs().to_vec();
    for &p in project_packs() {
        if !packs.iter().any(|x| x.id == p.id) {
            packs.push(p);
        }
    }
    packs
}

/// The packs the project's configuration (in the work tree) names that are
/// not built in; none outside a project, or when its configuration or a
/// pack does not read (`aiclear check` says why).
fn project_packs() -> &'static [&'static Pack] {
    static PACKS: std::sync::OnceLock<Vec<&'static Pack>> = std::sync::OnceLock::new();
    PACKS.get_or_init(|| {
        let Ok(project) = crate::engine::Project::discover() else {
            return Vec::new();
        };
        match crate::engine::project_policy(&project) {
            Ok((_, policy)) => policy
                .packs
                .into_iter()
                .filter(|p| p.origin != policy::Origin::BuiltIn)
                .collect(),
            Err(_) => Vec::new(),
        }
    })
}

/// A pack by id, or by family (the version in force on the day checked,
/// as `policy:` takes it).
pub(super) fn pack_named(name: &str) -> Option<&'static Pack> {
    every_pack()
        .into_iter()
        .find(|p| p.id == name)
        .or_else(|| policy::pack_in_force(name, crate::localtime::today()))
}

/// Every pack id `aiclear rules --policy` takes.
pub(super) fn pack_ids() -> Vec<&'static str> {
    every_pack().iter().map(|p| p.id.as_str()).collect()
}

/// Every rule of aiclear and of the packs, each code once: aiclear's own,
/// then the built-in packs' from the newest back (a later version of a
/// pack lists the rules it keeps), then the project's own packs'.
pub(super) fn every_rule() -> Vec<&'static Rule> {
    let mut rules: Vec<&'static Rule> =
        RULES.iter().copied().filter(|r| r.pack.is_none()).collect();
    let packs = every_pack();
    let (built_in, own): (Vec<&Pack>, Vec<&Pack>) = packs
        .iter()
        .partition(|p| p.origin == policy::Origin::BuiltIn);
    for p in built_in.iter().rev().chain(own.iter()) {
        for &r in &p.rules {
            if !rules.iter().any(|x| x.code == r.code) {
                rules.push(r);
            }
        }
    }
    rules
}

fn unknown_pack(id: &str) -> String {
    let ids = pack_ids();
    let hint = match did_you_mean(id, &ids) {
        Some(s) => format!("; did you mean `{s}`?"),
        None => format!(
            "; the packs are {}",
            crate::schema::backticked(&ids).replace(" or ", " and ")
        ),
    };
    format!("no policy pack is called `{id}`{hint}")
}

fn row(r: &'static Rule) -> RuleRow {
    let data = match r.check {
        Check::Policy(data) => Some(data),
        _ => None,
    };
    RuleRow {
        code: r.code,
        name: r.name,
        pack: r.pack,
        level: r.level.as_str(),
        summary: r.summary,
        guideline: r.guideline,
        from: data.and_then(|d| d.from).map(|d| d.to_string()),
        until: data.and_then(|d| d.until).map(|d| d.to_string()),
        escalate: data
            .map(|d| {
                d.escalate
                    .iter()
                    .map(|(on, level)| Escalation {
                        on: on.to_string(),
                        level: level.as_str(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// The days a data rule fires and is raised on: `from 2026-08-02, until
/// 2026-12-31, deny from 2026-06-01`; `None` for a rule without dates.
fn dates_text(rule: &Rule) -> Option<String> {
    let Check::Policy(data) = rule.check else {
        return None;
    };
    let mut parts: Vec<String> = Vec::new();
    if let Some(from) = data.from {
        parts.push(format!("from {from}"));
    }
    if let Some(until) = data.until {
        parts.push(format!("until {until}"));
    }
    for (on, level) in &data.escalate {
        parts.push(format!("{} from {on}", level.as_str()));
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// `from 2023-11-09, until 2026-06-30, superseded by sag-aftra-2026`: the
/// days a pack applies; `None` when it names none.
pub(super) fn term_text(pack: &Pack) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    if let Some(from) = pack.from {
        parts.push(format!("from {from}"));
    }
    if let Some(until) = pack.until {
        parts.push(format!("until {until}"));
    }
    if let Some(next) = &pack.superseded_by {
        parts.push(format!("superseded by {next}"));
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// The heading of a group: `netflix-2025-08: Netflix GenAI guidelines`,
/// with the pack's term, and where a project's own pack was read from, in
/// brackets.
pub(super) fn heading(source: &Source) -> String {
    match source {
        Source::Own => "aiclear's own checks (every policy runs them)".to_owned(),
        Source::Pack(p) => {
            let facts: Vec<String> = term_text(p).into_iter().chain(origin_text(p)).collect();
            if facts.is_empty() {
                format!("{}: {}", p.id, p.title)
            } else {
                format!("{}: {} ({})", p.id, p.title, facts.join("; "))
            }
        }
    }
}

/// `read from .aiclear/policies/studio.yml`, `pinned: ../shared/house.yml`;
/// `None` for a built-in pack.
pub(super) fn origin_text(pack: &Pack) -> Option<String> {
    match &pack.origin {
        policy::Origin::BuiltIn => None,
        policy::Origin::Project(path) => Some(format!("read from {path}")),
        policy::Origin::Pinned { path, .. } => Some(format!("pinned: {path}")),
    }
}

/// The table: each group under its heading, a blank line between groups.
pub(super) fn human(groups: &[Group]) -> String {
    let widths = Widths::of(groups.iter().flat_map(|g| g.rules.iter().copied()));
    let mut s = String::new();
    for (i, g) in groups.iter().enumerate() {
        if i > 0 {
            s.push('\n');
        }
        s.push_str(&heading(&g.source));
        s.push('\n');
        for r in &g.rules {
            s.push_str(&widths.line(r));
        }
    }
    s
}

/// The rows of `rules`, without a heading.
pub(super) fn table(rules: &[&'static Rule]) -> String {
    let widths = Widths::of(rules.iter().copied());
    rules.iter().map(|r| widths.line(r)).collect()
}

/// The widths of the table's columns.
struct Widths {
    code: usize,
    name: usize,
    pack: usize,
}

impl Widths {
    fn of(rules: impl Iterator<Item = &'static Rule>) -> Widths {
        let mut w = Widths {
            code: 0,
            name: 0,
            pack: 1,
        };
        for r in rules {
            w.code = w.code.max(r.code.len());
            w.name = w.name.max(r.name.len());
            w.pack = w.pack.max(r.pack.map_or(1, str::len));
        }
        w
    }

    /// `GA201  key-creative-element  approval  netflix-2025-08  summary`.
    fn line(&self, r: &Rule) -> String {
        let mut line = format!(
            "{:<code$}  {:<name$}  {:<8}  {:<pack$}  {}",
            r.code,
            r.name,
            r.level.as_str(),
            r.pack.unwrap_or("-"),
            r.summary,
            code = self.code,
            name = self.name,
            pack = self.pack,
        );
        if let Some(dates) = dates_text(r) {
            line.push_str(&format!(" ({dates})"));
        }
        let mut line = line.trim_end().to_owned();
        line.push('\n');
        line
    }
}

/// The rule reference, `docs/rules.md`: a table of every rule, then each
/// rule's explanation under its own heading.
pub fn markdown() -> String {
    markdown_of(RULES)
}

/// The rule reference for `rules`.
fn markdown_of(rules: &[&Rule]) -> String {
    let mut s = String::from(
        "<!-- Generated by `aiclear rules --format markdown > docs/rules.md`; do not edit by hand. -->\n\n\
         # Rules\n\n\
         Every rule has a stable code and a kebab-case name; codes are never reused. \
         Levels: `deny` is an error, `warn` a warning, `approval` an error unless a valid \
         approval in `.aiclear/approvals.yml` covers this use and this rule. \
         `aiclear explain CODE` prints the same text as below.\n\n\
         | code | name | level | what it reports |\n\
         | --- | --- | --- | --- |\n",
    );
    for r in rules {
        s.push_str(&format!(
            "| [{code}](#{anchor}) | `{name}` | {level} | {summary} |\n",
            code = r.code,
            anchor = format!("{}-{}", r.code, r.name).to_lowercase(),
            name = r.name,
            level = r.level.as_str(),
            summary = r.summary.replace('|', "\\|"),
        ));
    }
    for r in rules {
        let mut summary = r.summary.chars();
        let summary: String = summary
            .next()
            .map(|c| c.to_uppercase().chain(summary).collect())
            .unwrap_or_default();
        s.push_str(&format!(
            "\n## {} {}\n\n{summary}.\n\n- Level: `{}`\n",
            r.code,
            r.name,
            r.level.as_str(),
        ));
        if !r.guideline.is_empty() {
            s.push_str(&format!(
                "- Source: {}\n",
                r.guideline.trim_end_matches('.')
            ));
        }
        s.push('\n');
        s.push_str(r.explanation_text().trim_end());
        s.push('\n');
    }
    s
}

/// Packs and data rules built for tests, as a pack file would describe
/// them.
#[cfg(test)]
pub(super) mod fixture {
    use crate::declaration::vocabulary::Scope;
    use crate::policy::{Citation, DataRule, Origin, Pack, condition::Condition};
    use crate::rules::{Check, Level, Rule, RuleInfo};

    fn leak<T>(t: T) -> &'static T {
        Box::leak(Box::new(t))
    }

    fn date(s: &str) -> crate::schema::Date {
        s.parse().unwrap()
    }

    /// A data rule of `pack`, firing from `from`, raised to deny on `deny_on`.
    pub fn data_rule(
        code: &'static str,
        name: &'static str,
        pack: &'static str,
        from: Option<&str>,
        deny_on: Option<&str>,
    ) -> &'static Rule {
        let data = leak(DataRule {
            scope: Scope::Talent,
            when: Condition::All(Vec::new()),
            at: None,
            message: "the synthetic voice of `{performer}` has no described intended use".into(),
            label: "no intended use".into(),
            help: None,
            from: from.map(date),
            until: None,
            escalate: deny_on
                .map(|d| (date(d), Level::Deny))
                .into_iter()
                .collect(),
            tests: Vec::new(),
        });
        leak(Rule {
            info: RuleInfo {
                code,
                name,
                level: Level::Warn,
                summary: "a synthetic voice has no described intended use",
                guideline: "Northlight policy v3 §4: a voice clone names the use agreed to",
                explanation: " ### What it does\n Reports a voice clone without `consent-use`.\n",
                pack: Some(pack),
            },
            check: Check::Policy(data),
        })
    }

    /// `northlight-2026`, with two rules.
    pub fn pack() -> &'static Pack {
        leak(Pack {
            id: "northlight-2026".into(),
            family: "northlight".into(),
            version: "2026.1".into(),
            title: "Northlight Pictures house rules".into(),
            sources: vec![Citation {
                title: "Northlight GenAI policy v3".into(),
                url: Some("https://northlight.example/genai-v3".into()),
                date: date("2026-01-15"),
            }],
            from: Some(date("2026-01-15")),
            until: Some(date("2027-01-14")),
            superseded_by: Some("northlight-2027".into()),
            rules: vec![
                data_rule(
                    "NL101",
                    "voice-clone-needs-intended-use",
                    "northlight-2026",
                    Some("2026-03-01"),
                    Some("2026-06-01"),
                ),
                data_rule("NL102", "no-ai-writer", "northlight-2026", None, None),
            ],
            extends: Vec::new(),
            origin: Origin::BuiltIn,
            digest: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_of_the_registry_is_listed_once_under_its_pack() {
        let groups = every_group();
        assert!(matches!(groups[0].source, Source::Own));
        assert!(groups[0].rules.iter().all(|r| r.pack.is_none()));
        for r in RULES {
            let holding: Vec<&Group> = groups
                .iter()
                .filter(|g| g.rules.iter().any(|x| std::ptr::eq(*x, *r)))
                .collect();
            assert_eq!(holding.len(), 1, "{}", r.code);
            assert_eq!(holding[0].source.id(), r.pack, "{}", r.code);
        }
        let netflix = pack_named(policy::NETFLIX).expect("the Netflix pack");
        assert!(netflix.rules.iter().any(|r| r.code == "GA201"));
        assert!(
            netflix
                .rules
                .iter()
                .all(|r| r.pack == Some(policy::NETFLIX))
        );
        // A family names the version in force.
        assert!(pack_named("netflix").is_some_and(|p| p.id == policy::NETFLIX));
        assert!(pack_named("netflix-2025").is_none());
        let every = every_rule();
        for r in RULES
            .iter()
            .chain(policy::builtin_packs().iter().flat_map(|p| p.rules.iter()))
        {
            assert!(every.iter().any(|x| x.code == r.code), "{}", r.code);
        }
    }

    #[test]
    fn a_pack_group_under_its_heading_with_dates() {
        let pack = fixture::pack();
        let own = Group {
            source: Source::Own,
            rules: RULES
                .iter()
                .copied()
                .filter(|r| r.code == "GA001")
                .collect(),
        };
        let packed = Group {
            source: Source::Pack(pack),
            rules: pack.rules.clone(),
        };
        assert_eq!(
            human(&[own, packed]),
            "\
aiclear's own checks (every policy runs them)
GA001  missing-declaration             deny      -                a production file has no `genai` declaration

northlight-2026: Northlight Pictures house rules (from 2026-01-15, until 2027-01-14, superseded by northlight-2027)
NL101  voice-clone-needs-intended-use  warn      northlight-2026  a synthetic voice has no described intended use (from 2026-03-01, deny from 2026-06-01)
NL102  no-ai-writer                    warn      northlight-2026  a synthetic voice has no described intended use
"
        );
    }

    #[test]
    fn json_rows_carry_pack_and_dates() {
        let pack = fixture::pack();
        let value = serde_json::to_value(row(pack.rules[0])).unwrap();
        assert_eq!(
            value,
            serde_json::json!({
                "code": "NL101",
                "name": "voice-clone-needs-intended-use",
                "pack": "northlight-2026",
                "level": "warn",
                "summary": "a synthetic voice has no described intended use",
                "guideline": "Northlight policy v3 §4: a voice clone names the use agreed to",
                "from": "2026-03-01",
                "until": null,
                "escalate": [{"on": "2026-06-01", "level": "deny"}]
            })
        );
        let own = serde_json::to_value(row(RULES[0])).unwrap();
        assert_eq!(own["pack"], serde_json::Value::Null);
        assert_eq!(own["escalate"], serde_json::json!([]));
    }

    #[test]
    fn an_unknown_pack_gets_a_suggestion() {
        assert_eq!(
            unknown_pack("netflix-2025-8"),
            "no policy pack is called `netflix-2025-8`; did you mean `netflix-2025-08`?"
        );
        assert!(
            unknown_pack("zzzz")
                .starts_with("no policy pack is called `zzzz`; the packs are `netflix-2025-08`"),
            "{}",
            unknown_pack("zzzz")
        );
    }

    #[test]
    fn term_and_dates() {
        let pack = fixture::pack();
        assert_eq!(
            term_text(pack).as_deref(),
            Some("from 2026-01-15, until 2027-01-14, superseded by northlight-2027")
        );
        assert_eq!(dates_text(pack.rules[1]), None);
        assert_eq!(dates_text(RULES[0]), None);
    }
}
