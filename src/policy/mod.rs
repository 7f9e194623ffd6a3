//! Policy packs: the rulebooks a production is checked against.
//!
//! A pack has an id that names its version (`sag-aftra-2023`), a title, its
//! sources with their dates, the days it applies, and its rules. The
//! Netflix guidelines (`netflix-2025-08`) are rules written in Rust; every
//! other built-in pack, and a studio's own, is data: conditions over the
//! declaration vocabulary ([`condition`]), each with the fixtures that show
//! it firing and not firing ([`test`]). aiclear's own checks (reading
//! declarations, approvals, history) belong to no pack and always run.

use crate::rules::Rule;
use crate::schema::Date;

pub mod condition;
pub mod test;

/// The built-in Netflix pack.
pub const NETFLIX: &str = "netflix-2025-08";

/// A document a pack's rules come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Citation {
    pub title: String,
    pub url: Option<String>,
    pub date: Date,
}

/// Where a pack was read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Built into aiclear.
    BuiltIn,
    /// A file of the project (`.aiclear/policies/NAME.yml`), relative to the
    /// project root.
    Project(String),
    /// A file pinned by its digest, as named in the configuration.
    Pinned { path: String, sha256: String },
}

/// One policy pack.
#[derive(Debug)]
pub struct Pack {
    /// Kebab-case, with the version: `sag-aftra-2023`.
    pub id: String,
    /// The id without its version (`sag-aftra`): the name under which the
    /// version in force on the day checked is chosen.
    pub family: String,
    pub version: String,
    pub title: String,
    pub sources: Vec<Citation>,
    /// First day the pack applies.
    pub from: Option<Date>,
    /// Last day the pack applies.
    pub until: Option<Date>,
    /// The pack that takes over after `until`.
    pub superseded_by: Option<String>,
    pub rules: Vec<&'static Rule>,
    pub origin: Origin,
}

/// A test of a data rule: a file's text with `# ruleid:`/`# ok:` lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fixture {
    /// The path it is judged as (`vfx/test.yml` unless the test says).
    pub path: String,
    pub text: String,
    /// 1-based line of the pack file where the fixture starts.
    pub line: usize,
}

/// A rule of a data pack.
#[derive(Debug)]
pub struct DataRule {
    /// What each finding is about: a whole declaration, each use, each tool
    /// or each talent entry.
    pub scope: crate::declaration::vocabulary::Scope,
    pub when: condition::Condition,
    /// The key the finding points at, when written.
    pub at: Option<String>,
    /// With `{KEY}` placeholders.
    pub message: String,
    pub help: Option<String>,
    /// First and last day the rule fires.
    pub from: Option<Date>,
    pub until: Option<Date>,
    /// Later levels, by the day they start.
    pub escalate: Vec<(Date, crate::rules::Level)>,
    pub tests: Vec<Fixture>,
}

/// The packs a check applies, as resolved from the configuration for one
/// day.
#[derive(Debug, Clone)]
pub struct Policy {
    pub packs: Vec<&'static Pack>,
    /// The day rules' and packs' dates are judged on.
    pub today: Date,
}

impl Policy {
    /// The rules that run on [`Policy::today`]: aiclear's own, then each
    /// pack's rules that are in force, sorted by code.
    pub fn rules(&self) -> Vec<&'static Rule> {
        crate::rules::RULES.to_vec()
    }

    /// The level `rule` has on [`Policy::today`] (a data rule may escalate).
    pub fn level(&self, rule: &Rule) -> crate::rules::Level {
        rule.level
    }

    /// A rule of this policy (or of aiclear's own) by code or name.
    pub fn find(&self, code_or_name: &str) -> Option<&'static Rule> {
        self.rules()
            .into_iter()
            .find(|r| r.code.eq_ignore_ascii_case(code_or_name) || r.name == code_or_name)
    }
}

/// Every built-in pack, Netflix's first.
pub fn builtin_packs() -> &'static [&'static Pack] {
    &[]
}

/// A built-in pack by id.
pub fn find_pack(id: &str) -> Option<&'static Pack> {
    builtin_packs().iter().copied().find(|p| p.id == id)
}

/// Any built-in rule (aiclear's own, or of a built-in pack; the newest
/// version of a pack's rule) by code or name.
pub fn find_rule(code_or_name: &str) -> Option<&'static Rule> {
    crate::rules::RULES
        .iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(code_or_name) || r.name == code_or_name)
}

/// Read a pack file. Problems are findings against `source` (the caller
/// exits with 2).
pub fn parse_pack(
    source: &crate::source::Source,
    origin: Origin,
) -> Result<&'static Pack, Vec<crate::rules::Finding>> {
    let _ = (source, origin);
    Err(Vec::new())
}

/// What the rules of `policy` (and aiclear's reading of declarations) find
/// in a fixture's text, judged as the file at its path on `policy.today`.
pub fn judge_fixture(policy: &Policy, fixture: &Fixture) -> Vec<crate::rules::Finding> {
    let _ = (policy, fixture);
    Vec::new()
}
