//! The rule registry.
//!
//! Each rule lives in its own file with its documentation, its check and its
//! unit tests. [`declare_rule!`] turns the `///` docs into the explanation that
//! `aiclear explain`, `aiclear rules` and the SARIF rule help all read, so the
//! three never drift apart. [`RULES`] is one explicit list sorted by code;
//! codes are never reused.
//!
//! Rules are pure functions over the declaration model and a [`Context`]; they
//! return [`Finding`]s and never print. Severity, configuration overrides and
//! approvals are applied afterwards by the engine.

use std::fmt;

pub mod duplicate_use_id;
pub mod invalid_value;
pub mod malformed_declaration;
pub mod missing_declaration;
pub mod unknown_field;

use crate::declaration::{Declaration, Use};
use crate::source::Span;

/// The level a rule has in the built-in policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Level {
    /// An error: the use may not go ahead as declared.
    Deny,
    /// A warning: worth fixing, does not block.
    Warn,
    /// An error unless a valid ledger entry approves this use for this rule.
    Approval,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Deny => "deny",
            Level::Warn => "warn",
            Level::Approval => "approval",
        }
    }
}

/// How the rule is run.
#[derive(Clone, Copy)]
pub enum Check {
    /// Reported by the engine itself (parsing, discovery, approvals, history).
    Engine,
    /// Run once per declaration.
    Declaration(fn(&Declaration, &Context, &mut Vec<Finding>)),
    /// Run once per declared use.
    Use(fn(&Use, &Context, &mut Vec<Finding>)),
}

impl fmt::Debug for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Check::Engine => "Engine",
            Check::Declaration(_) => "Declaration",
            Check::Use(_) => "Use",
        })
    }
}

/// A rule's metadata and check.
#[derive(Debug)]
pub struct Rule {
    /// Stable code, e.g. `GA201`.
    pub code: &'static str,
    /// Stable kebab-case name, e.g. `key-creative-element`.
    pub name: &'static str,
    pub level: Level,
    /// One line, for rule tables and SARIF short descriptions.
    pub summary: &'static str,
    /// The guideline the rule comes from, shown as a note on every finding.
    pub guideline: &'static str,
    /// The long text (Markdown): what it does, why, an example and the fix.
    pub explanation: &'static str,
    pub check: Check,
}

impl Rule {
    /// The fenced `yaml` block that follows a heading in the explanation.
    pub fn example_block(&self, heading: &str) -> Option<&'static str> {
        let start = self.explanation.find(heading)? + heading.len();
        let rest = &self.explanation[start..];
        let open = rest.find("```yaml\n")? + "```yaml\n".len();
        let close = rest[open..].find("```")?;
        Some(&rest[open..open + close])
    }
}

/// What a rule sees besides the declaration.
#[derive(Clone, Debug, Default)]
pub struct Context {
    /// Path of the file relative to the project root.
    pub path: String,
    /// The file lies under `files.deliverables`.
    pub deliverable: bool,
    /// Names and titles from the configured watchlist (GA202).
    pub watchlist: Vec<String>,
}

/// One thing a rule found, before severity and approvals are applied.
#[derive(Clone, Debug)]
pub struct Finding {
    pub rule: &'static Rule,
    /// Byte range of the offending key or value; `None` for the whole file.
    pub span: Option<Span>,
    /// Lowercase, no trailing period, names in backticks.
    pub message: String,
    pub label: Option<String>,
    pub notes: Vec<String>,
    pub help: Option<String>,
    /// The use this finding is about (approvals are per use).
    pub use_id: Option<String>,
}

impl Finding {
    pub fn new(rule: &'static Rule, span: Option<Span>, message: impl Into<String>) -> Self {
        Self {
            rule,
            span,
            message: message.into(),
            label: None,
            notes: Vec::new(),
            help: None,
            use_id: None,
        }
    }

    /// A finding about one use, pointing at `span`.
    pub fn for_use(rule: &'static Rule, u: &Use, span: Span, message: impl Into<String>) -> Self {
        let mut f = Self::new(rule, Some(span), message);
        f.use_id = Some(u.id.value.clone());
        f
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// Declares a rule: its docs become its explanation.
///
/// ```ignore
/// declare_rule! {
///     /// ### What it does
///     /// ...
///     pub KEY_CREATIVE_ELEMENT {
///         code: "GA201", name: "key-creative-element", level: Approval,
///         summary: "...", guideline: "...",
///         check: Check::Use(check),
///     }
/// }
/// ```
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub $ident:ident {
            code: $code:literal,
            name: $name:literal,
            level: $level:ident,
            summary: $summary:literal,
            guideline: $guideline:literal,
            check: $check:expr $(,)?
        }
    ) => {
        pub static $ident: $crate::rules::Rule = $crate::rules::Rule {
            code: $code,
            name: $name,
            level: $crate::rules::Level::$level,
            summary: $summary,
            guideline: $guideline,
            explanation: concat!($($doc, "\n",)*),
            check: $check,
        };
    };
}
pub(crate) use declare_rule;

/// Every rule, sorted by code.
pub static RULES: &[&Rule] = &[
    &missing_declaration::MISSING_DECLARATION,
    &malformed_declaration::MALFORMED_DECLARATION,
    &unknown_field::UNKNOWN_FIELD,
    &invalid_value::INVALID_VALUE,
    &duplicate_use_id::DUPLICATE_USE_ID,
];

/// Look a rule up by code (`GA201`, any case) or name (`key-creative-element`).
pub fn find(code_or_name: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(code_or_name) || r.name == code_or_name)
}
