//! Conditions over the declaration vocabulary: what a data rule fires on.
//!
//! A condition is read from a pack file ([`read`]), checked against the
//! vocabulary as strictly as a declaration (unknown keys and values are
//! errors with a "did you mean"), and evaluated over one item of a
//! declaration ([`run`]): the declaration itself, a use, a tool or a talent
//! entry. It is data, never code: `all`, `any`, `not` over tests of key
//! values, the file's path, its `files:` set and whether it is a
//! deliverable.

use std::fmt;

use regex::Regex;

use crate::declaration::vocabulary::{KeyInfo, Scope, Type};
use crate::rules::Level;
use crate::schema::{Date, backticked};

mod eval;
mod read;

pub use eval::{fill, format_name, run};
pub use read::{check_at, check_template, placeholders, read};

/// A compiled condition.
#[derive(Debug, Clone)]
pub enum Condition {
    All(Vec<Condition>),
    Any(Vec<Condition>),
    Not(Box<Condition>),
    /// A test of one key's value.
    Key(KeyRef, Test),
    /// The file (a sidecar's media file) matches one of these globs.
    Path(PathGlobs),
    /// The file belongs to this `files:` set.
    Files(&'static str),
    /// The file's format (`fountain`, `markdown`, `yaml`, `json`, `usda`,
    /// `sidecar`).
    Format(&'static str),
    /// The file lies under `files.deliverables`.
    Deliverable(bool),
}

/// Where a key is read from, seen from the rule's item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    /// The item itself.
    Item,
    /// `genai.K`: the declaration.
    Genai,
    /// `use.K`: the use a tool or talent entry belongs to.
    Use,
    /// `tools.K`, `talent.K`: every tool or talent entry of the use.
    Each(Scope),
    /// `media.K`: what the media file records of itself.
    Media,
}

/// The facts `media.K` names.
pub const MEDIA_KEYS: &[&str] = &["c2pa", "xmp", "source-type", "path"];

/// A key as a condition names it.
#[derive(Clone, Debug)]
pub struct KeyRef {
    /// As written: `consent-use`, `genai.territories`, `media.c2pa`.
    pub text: String,
    pub reach: Reach,
    /// The key's own name (`territories`).
    pub name: String,
    /// `None` for `media.*`.
    pub info: Option<&'static KeyInfo>,
}

impl KeyRef {
    fn ty(&self) -> Type {
        match (self.info, self.name.as_str()) {
            (Some(k), _) => k.ty,
            (None, "source-type") => Type::Terms(crate::declaration::model::SourceType::ALL),
            (None, "path") => Type::Text,
            (None, _) => Type::Bool,
        }
    }
}

/// What is asked of a key's value.
#[derive(Clone, Debug)]
pub enum Test {
    /// Equals (a list: contains).
    Is(String),
    /// Is one of (a list: any element is).
    In(Vec<String>),
    /// Is written (a default does not count).
    Present(bool),
    Before(DateRef),
    After(DateRef),
    /// A text matches (case-insensitively).
    Matches(Regex),
}

/// The date a date key is compared with.
#[derive(Clone, Debug)]
pub enum DateRef {
    Date(Date),
    /// Another date key of the same item, shifted by a number of days.
    Key(KeyRef, i64),
}

impl fmt::Display for Condition {
    /// In words, for `aiclear explain` and `aiclear rules`:
    /// ``kind is `replica` and `consent-use` is not written``.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let join = |f: &mut fmt::Formatter<'_>, items: &[Condition], word: &str| {
            for (i, c) in items.iter().enumerate() {
                if i > 0 {
                    write!(f, " {word} ")?;
                }
                if matches!(c, Condition::All(_) | Condition::Any(_)) {
                    write!(f, "({c})")?;
                } else {
                    write!(f, "{c}")?;
                }
            }
            Ok(())
        };
        match self {
            Condition::All(items) => join(f, items, "and"),
            Condition::Any(items) => join(f, items, "or"),
            Condition::Not(c) => write!(f, "not ({c})"),
            Condition::Key(k, t) => {
                let key = &k.text;
                match t {
                    Test::Is(v) => write!(f, "`{key}` is `{v}`"),
                    Test::In(vs) => {
                        let vs: Vec<&str> = vs.iter().map(String::as_str).collect();
                        write!(f, "`{key}` is one of {}", backticked(&vs))
                    }
                    Test::Present(true) => write!(f, "`{key}` is written"),
                    Test::Present(false) => write!(f, "`{key}` is not written"),
                    Test::Before(d) => write!(f, "`{key}` is before {d}"),
                    Test::After(d) => write!(f, "`{key}` is after {d}"),
                    Test::Matches(re) => write!(f, "`{key}` matches `{}`", re.as_str()),
                }
            }
            Condition::Path(g) => {
                let p: Vec<&str> = g.patterns.iter().map(String::as_str).collect();
                write!(f, "the file matches {}", backticked(&p))
            }
            Condition::Files(set) => write!(f, "the file is one of `files.{set}`"),
            Condition::Format(k) => write!(f, "the file is {k}"),
            Condition::Deliverable(true) => write!(f, "the file is a deliverable"),
            Condition::Deliverable(false) => write!(f, "the file is not a deliverable"),
        }
    }
}

impl fmt::Display for DateRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DateRef::Date(d) => write!(f, "{d}"),
            DateRef::Key(k, 0) => write!(f, "`{}`", k.text),
            DateRef::Key(k, n) if *n < 0 => write!(f, "{} days before `{}`", -n, k.text),
            DateRef::Key(k, n) => write!(f, "{n} days after `{}`", k.text),
        }
    }
}

/// The globs of a `path` condition, with their text.
#[derive(Clone, Debug)]
pub struct PathGlobs {
    pub patterns: Vec<String>,
    pub set: globset::GlobSet,
}

impl PathGlobs {
    /// Globs that match whatever the case, as `files:` globs do; the index
    /// of the first that is not valid, with why.
    pub fn new(patterns: Vec<String>) -> Result<Self, (usize, globset::Error)> {
        let set = crate::kind::glob_set(&patterns, true)?;
        Ok(Self { patterns, set })
    }

    pub fn is_match(&self, path: &str) -> bool {
        self.set.is_match(path)
    }
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
    pub when: Condition,
    /// The key the finding points at, when written.
    pub at: Option<String>,
    /// With `{KEY}` placeholders.
    pub message: String,
    /// Under the span.
    pub label: String,
    pub help: Option<String>,
    /// First and last day the rule fires.
    pub from: Option<Date>,
    pub until: Option<Date>,
    /// Later levels, by the day they start.
    pub escalate: Vec<(Date, crate::rules::Level)>,
    pub tests: Vec<Fixture>,
}

impl DataRule {
    /// Whether the rule fires on `day`.
    pub fn in_force(&self, day: Date) -> bool {
        self.from.is_none_or(|f| f <= day) && self.until.is_none_or(|u| day <= u)
    }

    /// The rule's level on `day`: the last escalation begun by then.
    pub fn level_on(&self, base: Level, day: Date) -> Level {
        self.escalate
            .iter()
            .rev()
            .find(|(on, _)| *on <= day)
            .map_or(base, |(_, l)| *l)
    }
}
