//! Running a pack's tests: each fixture judged, and what it found compared
//! with what its annotations say.
//!
//! A data rule's tests are files' texts with comment lines in the manner of
//! `semgrep --test`: `# ruleid: CODE` says the next line that is neither a
//! comment nor blank holds a finding of `CODE`, `# ok: CODE` says it holds
//! none. A fixture is judged by the whole pack, as a check judges a file
//! ([`crate::policy::judge_fixture`]), and only the codes it annotates are
//! compared, so a fixture of one rule may also say where another rule of the
//! pack fires, and is not disturbed by the rules it does not mention. A
//! finding of an annotated code on a line that does not expect it fails the
//! fixture, as does a fixture that aiclear cannot read as a declaration: it
//! would test the reader, not the rule.
//!
//! The Rust rules of `netflix-2025-08` have no annotated tests: their
//! `### Example` block must fire them and their `Use instead:` block must
//! not, the same promise the registry's own unit tests hold them to.
//!
//! Dates decide whether a rule fires, so each rule's fixtures are judged on a
//! day the rule and its pack are in force: the day asked for when it is one,
//! else the first (or, for a rule whose term is over, the last) day it is.
//! The tests of a rule that starts next year run today.
//!
//! Results are data: the command line renders them.

use std::collections::BTreeSet;

use crate::policy::{DataRule, Fixture, Origin, Pack, Policy};
use crate::rules::{Check, Finding, Rule};
use crate::schema::Date;

/// What an annotation says of its line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    /// `# ruleid: CODE`: the line holds a finding of `CODE`.
    RuleId,
    /// `# ok: CODE`: the line holds none.
    Ok,
}

impl Mark {
    pub fn as_str(self) -> &'static str {
        match self {
            Mark::RuleId => "ruleid",
            Mark::Ok => "ok",
        }
    }
}

/// One code named by one annotation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Annotation {
    pub mark: Mark,
    /// As written: a code, or a rule's name.
    pub code: String,
    /// 1-based line of the fixture the annotation is about.
    pub line: usize,
    /// 1-based line of the comment itself.
    pub comment: usize,
}

/// The annotations of a fixture's text, and a message for each comment that
/// starts like an annotation but cannot be read as one.
pub fn annotations(text: &str) -> (Vec<Annotation>, Vec<String>) {
    let mut found = Vec::new();
    let mut problems = Vec::new();
    // Annotations waiting for the line they are about.
    let mut pending: Vec<Annotation> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let number = i + 1;
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        let Some(comment) = trimmed.strip_prefix('#') else {
            for mut a in pending.drain(..) {
                a.line = number;
                found.push(a);
            }
            continue;
        };
        let comment = comment.trim();
        let Some((mark, rest)) = [Mark::RuleId, Mark::Ok].into_iter().find_map(|m| {
            comment
                .strip_prefix(m.as_str())
                .and_then(|r| r.strip_prefix(':'))
                .map(|r| (m, r))
        }) else {
            continue;
        };
        let codes: Vec<&str> = rest.split(',').map(str::trim).collect();
        if let Some(bad) = codes.iter().find(|c| !is_rule_word(c)) {
            problems.push(if bad.is_empty() {
                format!(
                    "the `{}:` comment at fixture line {number} names no rule",
                    mark.as_str()
                )
            } else {
                format!(
                    "the `{}:` comment at fixture line {number} is not a list of rule codes: `{bad}`",
                    mark.as_str()
                )
            });
            continue;
        }
        for code in codes {
            pending.push(Annotation {
                mark,
                code: code.to_owned(),
                line: 0,
                comment: number,
            });
        }
    }
    for a in pending {
        problems.push(format!(
            "the `{}: {}` comment at fixture line {} has no line after it",
            a.mark.as_str(),
            a.code,
            a.comment
        ));
    }
    (found, problems)
}

/// A code (`NL101`) or a kebab-case name (`voice-clone-needs-consent`).
fn is_rule_word(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A finding reduced to what a comparison needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub code: &'static str,
    /// 1-based line of the fixture where the finding's span starts; `None`
    /// for a finding about the whole file.
    pub line: Option<usize>,
    pub message: String,
}

impl Found {
    /// The findings of a fixture, without those that are only notes (a
    /// note does not block anything, so it is not the rule firing).
    pub fn of(text: &str, findings: &[Finding]) -> Vec<Found> {
        findings
            .iter()
            .filter(|f| f.severity != Some(crate::diagnostic::Severity::Note))
            .map(|f| Found {
                code: f.rule.code,
                line: f
                    .span
                    .as_ref()
                    .map(|s| crate::yaml::line_of(text.as_bytes(), s.start)),
                message: f.message.clone(),
            })
            .collect()
    }
}

/// The codes whose findings mean the fixture is not a declaration that can
/// be judged: no declaration, or one that does not read.
const READING: &[&str] = &["GA001", "GA002", "GA003", "GA004", "GA005"];

/// Why a fixture's findings do not agree with its annotations (empty when
/// they do). `annotations` hold codes, not names.
pub fn compare(annotations: &[Annotation], found: &[Found]) -> Vec<String> {
    let annotated: BTreeSet<&str> = annotations.iter().map(|a| a.code.as_str()).collect();
    let unreadable: Vec<String> = found
        .iter()
        .filter(|f| READING.contains(&f.code) && !annotated.contains(f.code))
        .map(|f| match f.line {
            Some(line) => format!(
                "the fixture does not read as a declaration: {} at fixture line {line}: {}",
                f.code, f.message
            ),
            None => format!(
                "the fixture does not read as a declaration: {}: {}",
                f.code, f.message
            ),
        })
        .collect();
    if !unreadable.is_empty() {
        return unreadable;
    }
    let mut reasons = Vec::new();
    for code in annotated {
        let lines = |mark: Mark| -> BTreeSet<usize> {
            annotations
                .iter()
                .filter(|a| a.mark == mark && a.code == code)
                .map(|a| a.line)
                .collect()
        };
        let (expected, ok) = (lines(Mark::RuleId), lines(Mark::Ok));
        let at: BTreeSet<Option<usize>> = found
            .iter()
            .filter(|f| f.code == code)
            .map(|f| f.line)
            .collect();
        // Where it fires instead: the lines no `ruleid` expects it on.
        let elsewhere: BTreeSet<Option<usize>> = at
            .iter()
            .filter(|l| l.is_none_or(|l| !expected.contains(&l)))
            .copied()
            .collect();
        for &line in &expected {
            if !at.contains(&Some(line)) {
                reasons.push(format!(
                    "expected {code} at fixture line {line}, found {}",
                    found_at(&elsewhere)
                ));
            }
        }
        for &line in at.iter() {
            match line {
                Some(l) if expected.contains(&l) => {}
                Some(l) if ok.contains(&l) => {
                    reasons.push(format!("{code} fires at fixture line {l}, marked `ok`"));
                }
                Some(l) => reasons.push(format!(
                    "unexpected {code} at fixture line {l}, which has no `ruleid: {code}`"
                )),
                None => reasons.push(format!(
                    "unexpected {code} about the whole file, which no line can expect"
                )),
            }
        }
    }
    reasons
}

/// `none`, `at line 4`, `at lines 4, 9`, `about the whole file`.
fn found_at(at: &BTreeSet<Option<usize>>) -> String {
    let lines: Vec<String> = at.iter().flatten().map(|l| l.to_string()).collect();
    let whole = at.contains(&None);
    match (lines.as_slice(), whole) {
        ([], false) => "none".to_owned(),
        ([], true) => "one about the whole file".to_owned(),
        ([one], w) => format!(
            "it at line {one}{}",
            if w { " and the whole file" } else { "" }
        ),
        (many, w) => format!(
            "it at lines {}{}",
            many.join(", "),
            if w { " and the whole file" } else { "" }
        ),
    }
}

/// Where a fixture comes from, for messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// A test of a data rule: its first line in the pack file.
    Line(usize),
    /// A block of a Rust rule's explanation (`### Example`, `Use instead:`).
    Example(&'static str),
}

/// One fixture's result.
#[derive(Clone, Debug)]
pub struct FixtureResult {
    pub place: Place,
    /// Empty when it passed.
    pub failures: Vec<String>,
}

/// One rule's results.
#[derive(Debug)]
pub struct RuleResult {
    pub rule: &'static Rule,
    /// The day its fixtures were judged on.
    pub day: Date,
    /// Why that is not the day asked for: `first` or `last` day the rule
    /// (and its pack) applies; `None` when it is.
    pub moved: Option<&'static str>,
    pub fixtures: Vec<FixtureResult>,
    /// What its tests do not cover (no `ruleid`, no `ok`): a failure for a
    /// built-in pack, a warning for others.
    pub coverage: Vec<String>,
    pub coverage_fails: bool,
}

impl RuleResult {
    pub fn passed(&self) -> bool {
        self.fixtures.iter().all(|f| f.failures.is_empty())
            && (self.coverage.is_empty() || !self.coverage_fails)
    }
}

/// One pack's results.
#[derive(Debug)]
pub struct PackResult {
    pub pack: &'static Pack,
    /// The pack file messages name (`policies/sag-aftra-2023.yml`,
    /// `.aiclear/policies/studio.yml`).
    pub file: String,
    pub rules: Vec<RuleResult>,
}

impl PackResult {
    pub fn fixtures(&self) -> usize {
        self.rules.iter().map(|r| r.fixtures.len()).sum()
    }

    pub fn failed(&self) -> usize {
        self.rules.iter().filter(|r| !r.passed()).count()
    }
}

/// The file a pack's messages name; `built in` for a pack of rules
/// written in Rust.
pub fn pack_file(pack: &Pack) -> String {
    match &pack.origin {
        Origin::BuiltIn
            if !pack
                .rules
                .iter()
                .any(|r| matches!(r.check, Check::Policy(_))) =>
        {
            "built in".to_owned()
        }
        Origin::BuiltIn => format!("policies/{}.yml", pack.id),
        Origin::Project(path) => path.clone(),
        Origin::Pinned { path, .. } => path.clone(),
    }
}

/// Run the tests of every rule of `pack`, as of `today`.
pub fn run_pack(pack: &'static Pack, today: Date) -> PackResult {
    let rules = pack
        .rules
        .iter()
        .filter_map(|&rule| match rule.check {
            Check::Policy(data) => Some(run_data_rule(pack, rule, data, today)),
            Check::Use(_) | Check::Declaration(_) => Some(run_examples(pack, rule, today)),
            Check::Engine => None,
        })
        .collect();
    PackResult {
        pack,
        file: pack_file(pack),
        rules,
    }
}

/// The day a rule's fixtures are judged on, and why it is not `today` when
/// it is not: a day on which [`Policy::rules`] runs it, from the pack's
/// first day on and within the rule's own days. (A pack past its term
/// still applies when named by id, so its `until` does not count.)
pub fn judging_day(
    pack: &Pack,
    rule: Option<&DataRule>,
    today: Date,
) -> (Date, Option<&'static str>) {
    let from = [pack.from, rule.and_then(|r| r.from)]
        .into_iter()
        .flatten()
        .max();
    let until = rule.and_then(|r| r.until);
    match (from, until) {
        (Some(f), _) if today < f => (f, Some("first")),
        (Some(f), Some(u)) if today > u && f <= u => (f, Some("first")),
        (None, Some(u)) if today > u => (u, Some("last")),
        _ => (today, None),
    }
}

fn policy_for(pack: &'static Pack, day: Date) -> Policy {
    Policy {
        packs: vec![pack],
        today: day,
    }
}

fn run_data_rule(
    pack: &'static Pack,
    rule: &'static Rule,
    data: &DataRule,
    today: Date,
) -> RuleResult {
    let (day, moved) = judging_day(pack, Some(data), today);
    let policy = policy_for(pack, day);
    let mut covered = (false, false);
    let fixtures = data
        .tests
        .iter()
        .map(|fixture| {
            let (mut marks, mut failures) = annotations(&fixture.text);
            failures.extend(resolve_codes(pack, &mut marks));
            for a in marks.iter().filter(|a| a.code == rule.code) {
                match a.mark {
                    Mark::RuleId => covered.0 = true,
                    Mark::Ok => covered.1 = true,
                }
            }
            if marks.is_empty() && failures.is_empty() {
                failures.push("the fixture has no `# ruleid:` or `# ok:` line".to_owned());
            }
            if failures.is_empty() {
                let findings = crate::policy::judge_fixture(&policy, fixture);
                failures = compare(&marks, &Found::of(&fixture.text, &findings));
            }
            FixtureResult {
                place: Place::Line(fixture.line),
                failures,
            }
        })
        .collect();
    let mut coverage = Vec::new();
    if !covered.0 {
        coverage.push(format!("no test has `# ruleid: {}`", rule.code));
    }
    if !covered.1 {
        coverage.push(format!("no test has `# ok: {}`", rule.code));
    }
    RuleResult {
        rule,
        day,
        moved,
        fixtures,
        coverage,
        coverage_fails: pack.origin == Origin::BuiltIn,
    }
}

/// Replace each annotation's rule name by its code; a message for each
/// that names no rule of the pack (those are dropped).
fn resolve_codes(pack: &Pack, marks: &mut Vec<Annotation>) -> Vec<String> {
    let mut problems = Vec::new();
    marks.retain_mut(|a| {
        match pack
            .rules
            .iter()
            .find(|r| r.code.eq_ignore_ascii_case(&a.code) || r.name == a.code)
        {
            Some(r) => {
                r.code.clone_into(&mut a.code);
                true
            }
            None => {
                problems.push(format!(
                    "`{}: {}` at fixture line {} names no rule of `{}`",
                    a.mark.as_str(),
                    a.code,
                    a.comment,
                    pack.id
                ));
                false
            }
        }
    });
    problems
}

/// The path a Rust rule's examples are judged as.
const EXAMPLE_PATH: &str = "vfx/test.yml";

/// A Rust rule's `### Example` must fire it; its `Use instead:` must not.
fn run_examples(pack: &'static Pack, rule: &'static Rule, today: Date) -> RuleResult {
    let (day, moved) = judging_day(pack, None, today);
    let policy = policy_for(pack, day);
    let fixtures = [("### Example", Mark::RuleId), ("Use instead:", Mark::Ok)]
        .into_iter()
        .map(|(heading, mark)| {
            let failures = match rule.example_block(heading) {
                None => vec![format!(
                    "the explanation has no ```yaml block after `{heading}`"
                )],
                Some(block) => {
                    let fixture = Fixture {
                        path: EXAMPLE_PATH.to_owned(),
                        text: undoc(block),
                        line: 1,
                    };
                    let findings = crate::policy::judge_fixture(&policy, &fixture);
                    judge_example(rule.code, mark, &Found::of(&fixture.text, &findings))
                }
            };
            FixtureResult {
                place: Place::Example(heading),
                failures,
            }
        })
        .collect();
    RuleResult {
        rule,
        day,
        moved,
        fixtures,
        coverage: Vec::new(),
        coverage_fails: true,
    }
}

/// Why an example does not do what its heading says: fire `code` (`RuleId`)
/// or not (`Ok`), anywhere in the block.
fn judge_example(code: &'static str, mark: Mark, found: &[Found]) -> Vec<String> {
    let unreadable = compare(&[], found);
    if !unreadable.is_empty() {
        return unreadable;
    }
    let at: BTreeSet<Option<usize>> = found
        .iter()
        .filter(|f| f.code == code)
        .map(|f| f.line)
        .collect();
    match (mark, at.is_empty()) {
        (Mark::RuleId, true) => vec![format!("expected {code} to fire, found none")],
        (Mark::Ok, false) => vec![format!("{code} fires, found {}", found_at(&at))],
        _ => Vec::new(),
    }
}

/// A `///` block without the space each line starts with.
fn undoc(block: &str) -> String {
    let mut text = String::with_capacity(block.len());
    for line in block.lines() {
        text.push_str(line.strip_prefix(' ').unwrap_or(line));
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests;
