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

#[cfg(test)]
pub mod test_util;

/// Declares each rule's module and lists it in [`RULES`]: adding a rule is
/// its file and one line here.
macro_rules! registry {
    ($($module:ident::$rule:ident),* $(,)?) => {
        $(pub mod $module;)*

        /// Every rule, sorted by code.
        pub static RULES: &[&Rule] = &[$(&$module::$rule),*];
    };
}

registry! {
    missing_declaration::MISSING_DECLARATION,
    malformed_declaration::MALFORMED_DECLARATION,
    unknown_field::UNKNOWN_FIELD,
    invalid_value::INVALID_VALUE,
    duplicate_use_id::DUPLICATE_USE_ID,
    undisclosed_use::UNDISCLOSED_USE,
    uncovered_file::UNCOVERED_FILE,
    superseded_policy::SUPERSEDED_POLICY,
    tool_may_train_on_inputs::TOOL_MAY_TRAIN_ON_INPUTS,
    non_enterprise_tool::NON_ENTERPRISE_TOOL,
    sensitive_input::SENSITIVE_INPUT,
    training_on_third_party_work::TRAINING_ON_THIRD_PARTY_WORK,
    terms_not_reviewed::TERMS_NOT_REVIEWED,
    key_creative_element::KEY_CREATIVE_ELEMENT,
    protected_reference::PROTECTED_REFERENCE,
    generated_final_deliverable::GENERATED_FINAL_DELIVERABLE,
    missing_human_input::MISSING_HUMAN_INPUT,
    on_screen_element::ON_SCREEN_ELEMENT,
    replica_without_consent::REPLICA_WITHOUT_CONSENT,
    alteration_without_consent::ALTERATION_WITHOUT_CONSENT,
    union_work_impact::UNION_WORK_IMPACT,
    performance_replication::PERFORMANCE_REPLICATION,
    real_world_depiction::REAL_WORLD_DEPICTION,
    unknown_approval::UNKNOWN_APPROVAL,
    approval_out_of_scope::APPROVAL_OUT_OF_SCOPE,
    expired_approval::EXPIRED_APPROVAL,
    stale_approval::STALE_APPROVAL,
    unauthorized_approval::UNAUTHORIZED_APPROVAL,
    unsigned_approval::UNSIGNED_APPROVAL,
    declaration_removed::DECLARATION_REMOVED,
    lingering_temporary_material::LINGERING_TEMPORARY_MATERIAL,
    trust_root_changed::TRUST_ROOT_CHANGED,
    incomplete_history::INCOMPLETE_HISTORY,
    undeclared_ai_assistance::UNDECLARED_AI_ASSISTANCE,
    undeclared_generated_media::UNDECLARED_GENERATED_MEDIA,
    contradicted_source_type::CONTRADICTED_SOURCE_TYPE,
    unreadable_content_credentials::UNREADABLE_CONTENT_CREDENTIALS,
    ai_credited_as_writer::AI_CREDITED_AS_WRITER,
}

pub mod condition;
pub mod media;

use crate::approvals::{self, Ledger};
use crate::declaration::{self, Declaration, Use};
use crate::kind::FileKind;
use crate::source::{Source, Span};

pub use crate::diagnostic::{Level, RuleInfo};

/// How the rule is run.
#[derive(Clone, Copy)]
pub enum Check {
    /// Reported by the engine itself (parsing, discovery, approvals, history).
    Engine,
    /// Run once per declaration.
    Declaration(fn(&Declaration, &Context, &mut Vec<Finding>)),
    /// Run once per declared use.
    Use(fn(&Use, &Context, &mut Vec<Finding>)),
    /// A rule of a data pack: a condition over the declaration vocabulary.
    Policy(&'static condition::DataRule),
}

impl fmt::Debug for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Check::Engine => "Engine",
            Check::Declaration(_) => "Declaration",
            Check::Use(_) => "Use",
            Check::Policy(_) => "Policy",
        })
    }
}

/// A rule's metadata and check. It derefs to its [`RuleInfo`], so
/// `rule.code` and `rule.explanation_text()` read the metadata.
#[derive(Debug)]
pub struct Rule {
    pub info: RuleInfo,
    pub check: Check,
}

impl std::ops::Deref for Rule {
    type Target = RuleInfo;

    fn deref(&self) -> &RuleInfo {
        &self.info
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
    /// The media file a sidecar describes, with what it records of its own
    /// making (GA701–GA703); `None` for other files, and when
    /// `embedded-provenance: false`.
    pub media: Option<media::MediaFile>,
    /// The kind of the file the declaration is in.
    pub kind: Option<FileKind>,
    /// The `files:` set the file belongs to: `scripts`, `metadata` or
    /// `media` (a sidecar's media file).
    pub set: Option<&'static str>,
    /// The configured release territories (`territories:`), used where a
    /// declaration names none.
    pub territories: Vec<String>,
    /// The names a script's title page or a file's credits metadata give
    /// as its writers (WGA103).
    pub credits: Vec<crate::schema::At<String>>,
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
    /// Other places in the same file, each with its label.
    pub secondary: Vec<(Span, String)>,
    pub notes: Vec<String>,
    pub help: Option<String>,
    /// The use this finding is about (approvals are per use).
    pub use_id: Option<String>,
    /// A severity fixed by the rule itself (a note, or a warning such as a
    /// pending approval), whatever the rule's level.
    pub severity: Option<crate::diagnostic::Severity>,
}

impl Finding {
    pub fn new(rule: &'static Rule, span: Option<Span>, message: impl Into<String>) -> Self {
        Self {
            rule,
            span,
            message: message.into(),
            label: None,
            secondary: Vec::new(),
            notes: Vec::new(),
            help: None,
            use_id: None,
            severity: None,
        }
    }

    /// A finding about one use, pointing at `span`.
    pub fn for_use(rule: &'static Rule, u: &Use, span: Span, message: impl Into<String>) -> Self {
        let mut f = Self::new(rule, Some(span), message);
        f.use_id = Some(u.id.value.clone());
        f
    }

    /// Whether `rule` made this finding.
    pub fn is(&self, rule: &Rule) -> bool {
        std::ptr::eq(self.rule, rule)
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Point at another place in the file too.
    pub fn secondary(mut self, span: Span, label: impl Into<String>) -> Self {
        self.secondary.push((span, label.into()));
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// Make this finding informational (a note).
    pub fn note_only(mut self) -> Self {
        self.severity = Some(crate::diagnostic::Severity::Note);
        self
    }

    /// Make this finding a warning, whatever the rule's level.
    pub fn warning_only(mut self) -> Self {
        self.severity = Some(crate::diagnostic::Severity::Warning);
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
            $(pack: $pack:expr,)?
            check: $check:expr $(,)?
        }
    ) => {
        pub static $ident: $crate::rules::Rule = $crate::rules::Rule {
            info: $crate::rules::RuleInfo {
                code: $code,
                name: $name,
                level: $crate::rules::Level::$level,
                summary: $summary,
                guideline: $guideline,
                explanation: concat!($($doc, "\n",)*),
                pack: $crate::rules::pack_of!($($pack)?),
            },
            check: $check,
        };
    };
}
pub(crate) use declare_rule;

/// The `pack` of a [`declare_rule!`]: the one given, else none.
macro_rules! pack_of {
    () => {
        None
    };
    ($pack:expr) => {
        Some($pack)
    };
}
pub(crate) use pack_of;

/// Look a rule up by code (`GA201`, any case) or name (`key-creative-element`):
/// aiclear's own, any built-in pack's, and any pack read in this run.
pub fn find(code_or_name: &str) -> Option<&'static RuleInfo> {
    find_rule(code_or_name).map(|r| &r.info)
}

/// [`find`], the rule with its check.
pub fn find_rule(code_or_name: &str) -> Option<&'static Rule> {
    let matches = |r: &&Rule| r.code.eq_ignore_ascii_case(code_or_name) || r.name == code_or_name;
    let known = || {
        let known = KNOWN.lock().unwrap_or_else(|e| e.into_inner());
        known.iter().rev().copied().find(matches)
    };
    RULES
        .iter()
        .copied()
        .find(matches)
        .or_else(known)
        .or_else(|| {
            // Not found among the rules read so far: read the built-in packs
            // (once), which a check of the Netflix pack alone never needs.
            let loader = LOADER.get()?;
            LOADED.call_once(*loader);
            known()
        })
}

/// Reads the built-in packs when a rule is looked up that no pack read so
/// far has: set once by the command line.
static LOADER: std::sync::OnceLock<fn()> = std::sync::OnceLock::new();
static LOADED: std::sync::Once = std::sync::Once::new();

/// Say how to read the built-in packs when [`find_rule`] needs them.
pub fn load_packs_with(loader: fn()) {
    let _ = LOADER.set(loader);
}

/// The rules of the policy packs read in this run, newest last, so that a
/// ledger entry or an override can name them.
static KNOWN: std::sync::Mutex<Vec<&'static Rule>> = std::sync::Mutex::new(Vec::new());

/// Make the rules of a pack known to [`find`].
pub fn make_known(rules: &[&'static Rule]) {
    KNOWN
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .extend_from_slice(rules);
}

/// The Netflix pack's id, which its rules name.
pub const NETFLIX: &str = "netflix-2025-08";

/// Run one rule over a declaration.
pub fn run(rule: &'static Rule, decl: &Declaration, ctx: &Context, out: &mut Vec<Finding>) {
    match rule.check {
        Check::Engine => {}
        Check::Declaration(check) => check(decl, ctx, out),
        Check::Use(check) => {
            for u in &decl.uses {
                check(u, ctx, out);
            }
        }
        Check::Policy(data) => condition::run(rule, data, decl, ctx, out),
    }
}

/// Whether `rule` reports a declaration that cannot be read as written
/// (`malformed-declaration`, `unknown-field`, `invalid-value`,
/// `duplicate-use-id`): its finding says what to fix, without the
/// guideline note.
pub fn is_reading_problem(rule: &RuleInfo) -> bool {
    [
        &malformed_declaration::MALFORMED_DECLARATION,
        &unknown_field::UNKNOWN_FIELD,
        &invalid_value::INVALID_VALUE,
        &duplicate_use_id::DUPLICATE_USE_ID,
    ]
    .iter()
    .any(|r| std::ptr::eq(&r.info, rule))
}

impl From<declaration::Problem> for Finding {
    fn from(p: declaration::Problem) -> Self {
        use declaration::Problem;
        match p {
            Problem::Missing(m) => Finding::from(m),
            Problem::Malformed(m) => Finding::from(m),
            Problem::Schema(p) => Finding::from(p),
            Problem::Invalid(i) => invalid_value::declaration_value(i),
            Problem::NotGenai { key } => unknown_field::not_genai(key),
            Problem::Placeholder { span, key, text } => {
                invalid_value::placeholder(span, &key, &text)
            }
            Problem::DuplicateId {
                span,
                first,
                id,
                line,
                column,
            } => duplicate_use_id::finding(span, first, &id, line, column),
        }
    }
}

/// What one file declares, and the findings about reading it.
#[derive(Debug, Default)]
pub struct Read {
    pub declaration: Option<Declaration>,
    pub findings: Vec<Finding>,
}

/// Read the declaration of a file of the given kind, with a finding for
/// each problem found reading it.
pub fn read_declaration(kind: FileKind, bytes: &[u8]) -> Read {
    let parsed = declaration::parse(kind, bytes);
    Read {
        declaration: parsed.declaration,
        findings: parsed.problems.into_iter().map(Finding::from).collect(),
    }
}

/// The code of the rule called `code_or_name`.
pub fn code_of(code_or_name: &str) -> Option<&'static str> {
    find(code_or_name).map(|r| r.code)
}

/// Read the approvals ledger, with a finding for each problem in it.
pub fn read_ledger(source: &Source) -> (Ledger, Vec<Finding>) {
    let (ledger, problems) = approvals::parse_with(source, code_of);
    (ledger, problems.into_iter().map(Finding::from).collect())
}

/// The `help` of an approval-level finding: the command an approver runs to
/// record an approval that covers this path, this use and this rule. When
/// one use needs several rules, the engine widens the command to name them
/// all (see [`approve_command`]).
pub(crate) fn approval_help(rule: &Rule, u: &Use, ctx: &Context) -> String {
    format!(
        "ask an approver to record an approval: `{}`",
        approve_command(&ctx.path, &u.id.value, &[rule.code])
    )
}

/// `aiclear approve --id ID --path P --use U --rule A --rule B`: one
/// approval of one use for every rule given, with the path and the use
/// quoted for a POSIX shell where they need it.
pub fn approve_command(path: &str, use_id: &str, codes: &[&str]) -> String {
    let path = if path.is_empty() { "PATH" } else { path };
    let mut s = format!(
        "aiclear approve --id ID --path {} --use {}",
        shell_word(path),
        shell_word(use_id)
    );
    for code in codes {
        s.push_str(" --rule ");
        s.push_str(code);
    }
    s
}

/// `word` as one POSIX shell word: as is when it is plain, else single-quoted.
pub fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/._-+@%,:=".contains(&b));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_util;

    const SECTIONS: &[&str] = &[
        "### What it does\n",
        "### Why it matters\n",
        "### Example\n",
        "Use instead:\n",
    ];

    /// Engine rules that the declaration reader reports, so their examples can
    /// be checked like the policy rules' examples.
    const READER_RULES: &[&Rule] = &[
        &unknown_field::UNKNOWN_FIELD,
        &invalid_value::INVALID_VALUE,
        &duplicate_use_id::DUPLICATE_USE_ID,
    ];

    fn is_reader_rule(rule: &Rule) -> bool {
        READER_RULES.iter().any(|r| std::ptr::eq(*r, rule))
    }

    fn checked_by_examples(rule: &Rule) -> bool {
        !matches!(rule.check, Check::Engine) || is_reader_rule(rule)
    }

    #[test]
    fn codes_are_unique_and_sorted() {
        for pair in RULES.windows(2) {
            assert!(
                pair[0].code < pair[1].code,
                "`{}` must come before `{}`",
                pair[0].code,
                pair[1].code
            );
        }
        for rule in RULES {
            let digits = rule
                .code
                .trim_start_matches(|c: char| c.is_ascii_uppercase());
            let prefix = &rule.code[..rule.code.len() - digits.len()];
            // aiclear's own rules and Netflix's are GA; a pack's Rust rules
            // carry their pack's prefix.
            let expected = match rule.pack {
                None | Some(crate::policy::NETFLIX) => "GA",
                Some("wga-mba-2023") => "WGA",
                Some(other) => panic!("{}: no prefix known for `{other}`", rule.code),
            };
            assert_eq!(prefix, expected, "{}", rule.code);
            assert!(
                digits.len() == 3 && digits.bytes().all(|b| b.is_ascii_digit()),
                "{}",
                rule.code
            );
        }
    }

    #[test]
    fn every_rule_of_the_design_is_registered() {
        let codes: Vec<&str> = RULES.iter().map(|r| r.code).collect();
        for code in [
            "GA001", "GA002", "GA003", "GA004", "GA005", "GA006", "GA101", "GA102", "GA103",
            "GA104", "GA105", "GA201", "GA202", "GA203", "GA204", "GA205", "GA301", "GA302",
            "GA303", "GA304", "GA401", "GA501", "GA502", "GA503", "GA504",
        ] {
            assert!(codes.contains(&code), "{code} is not in RULES");
        }
    }

    #[test]
    fn names_are_kebab_case_and_unique() {
        for (i, rule) in RULES.iter().enumerate() {
            let kebab = !rule.name.is_empty()
                && !rule.name.starts_with('-')
                && !rule.name.ends_with('-')
                && !rule.name.contains("--")
                && rule
                    .name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            assert!(kebab, "{} `{}` is not kebab-case", rule.code, rule.name);
            assert!(
                RULES[..i].iter().all(|r| r.name != rule.name),
                "name `{}` is used twice",
                rule.name
            );
        }
    }

    #[test]
    fn explanation_text_drops_the_doc_comment_space() {
        let text = key_creative_element::KEY_CREATIVE_ELEMENT.explanation_text();
        assert!(text.starts_with("### What it does\n"), "{text}");
        assert!(text.contains("\n```yaml\ngenai:\n  disclosed:"), "{text}");
    }

    #[test]
    fn find_by_code_or_name() {
        assert_eq!(find("ga201").map(|r| r.name), Some("key-creative-element"));
        assert_eq!(find("key-creative-element").map(|r| r.code), Some("GA201"));
        assert!(find("GA999").is_none());
    }

    #[test]
    fn every_rule_is_documented() {
        for rule in RULES {
            let mut at = 0;
            for section in SECTIONS {
                let found = rule.explanation[at..].find(section);
                assert!(
                    found.is_some(),
                    "{}: `{}` is missing or out of order",
                    rule.code,
                    section.trim()
                );
                at += found.unwrap_or_default();
            }
            assert!(
                !rule.explanation.contains("TODO"),
                "{} is not documented yet",
                rule.code
            );
            for heading in ["### Example", "Use instead:"] {
                let block = rule.example_block(heading);
                assert!(
                    block.is_some_and(|b| !b.trim().is_empty()),
                    "{}: no ```yaml block after `{heading}`",
                    rule.code
                );
            }
        }
    }

    #[test]
    fn summaries_and_guidelines_are_one_lowercase_line() {
        for rule in RULES {
            for (what, text) in [("summary", rule.summary), ("guideline", rule.guideline)] {
                assert!(!text.is_empty(), "{}: empty {what}", rule.code);
                assert!(
                    !text.contains('\n'),
                    "{}: {what} is not one line",
                    rule.code
                );
                assert!(
                    !text.ends_with('.'),
                    "{}: {what} ends with a period",
                    rule.code
                );
                assert!(
                    text.trim() == text,
                    "{}: {what} has stray spaces",
                    rule.code
                );
            }
            assert!(
                !rule.summary.starts_with(char::is_uppercase),
                "{}: summary must start lowercase",
                rule.code
            );
        }
    }

    #[test]
    fn examples_fire_and_fixes_do_not() {
        for rule in RULES.iter().copied().filter(|r| checked_by_examples(r)) {
            let example = rule.example_block("### Example").unwrap();
            let fixed = rule.example_block("Use instead:").unwrap();
            let (ctx, fixed_ctx) = test_util::example_contexts(rule);

            let fired = test_util::check_all(example, &ctx);
            assert!(
                fired.iter().any(|f| std::ptr::eq(f.rule, rule)),
                "{}: the example does not fire it:\n{example}",
                rule.code
            );
            if !is_reader_rule(rule) {
                let reader: Vec<_> = fired
                    .iter()
                    .filter(|f| is_reader_rule(f.rule))
                    .map(|f| &f.message)
                    .collect();
                assert!(
                    reader.is_empty(),
                    "{}: the example is invalid: {reader:?}",
                    rule.code
                );
            }

            let after = test_util::check_all(fixed, &fixed_ctx);
            let still: Vec<_> = after
                .iter()
                .filter(|f| f.severity.is_none())
                .filter(|f| std::ptr::eq(f.rule, rule) || is_reader_rule(f.rule))
                .map(|f| format!("{}: {}", f.rule.code, f.message))
                .collect();
            assert!(
                still.is_empty(),
                "{}: the fix still fires {still:?}:\n{fixed}",
                rule.code
            );
        }
    }

    #[test]
    fn examples_are_declarations_with_a_disclosure() {
        for rule in RULES.iter().copied().filter(|r| checked_by_examples(r)) {
            for heading in ["### Example", "Use instead:"] {
                let block = rule.example_block(heading).unwrap();
                let top = crate::yaml::parse_top_level(block, 0)
                    .unwrap_or_else(|e| panic!("{} {heading}: {e}", rule.code));
                assert!(
                    top.genai.is_some(),
                    "{} {heading}: no `genai` key",
                    rule.code
                );
                // A media file's sidecar may rightly say `genai: none`: the
                // GA7xx rules compare it with the file itself.
                let none = block.trim() == "genai: none" && rule.code.starts_with("GA7");
                if !std::ptr::eq(rule, &undisclosed_use::UNDISCLOSED_USE) && !none {
                    assert!(
                        block.contains("disclosed:"),
                        "{} {heading}: not disclosed",
                        rule.code
                    );
                }
            }
        }
    }

    #[test]
    fn messages_follow_the_convention() {
        for rule in RULES {
            let ctx = crate::rules::Context {
                deliverable: true,
                ..test_util::example_contexts(rule).0
            };
            for heading in ["### Example", "Use instead:"] {
                let block = rule.example_block(heading).unwrap();
                let Ok(top) = crate::yaml::parse_top_level(block, 0) else {
                    continue;
                };
                if top.genai.is_none() {
                    continue;
                }
                for f in test_util::check_all(block, &ctx) {
                    test_util::assert_conventional(&f);
                }
            }
        }
    }

    #[test]
    fn approval_help_names_path_use_and_rule() {
        let text = test_util::one_use("elements: [main-character]");
        let mut ctx = test_util::ctx();
        ctx.path = "scripts/the last signal.fountain".into();
        let found = test_util::check(&key_creative_element::KEY_CREATIVE_ELEMENT, &text, &ctx);
        assert_eq!(
            found[0].help.as_deref(),
            Some(
                "ask an approver to record an approval: `aiclear approve --id ID \
                 --path 'scripts/the last signal.fountain' --use shot-010 --rule GA201`"
            )
        );
        assert_eq!(shell_word("it's"), r"'it'\''s'");
        assert_eq!(shell_word("vfx/rs_010.yml"), "vfx/rs_010.yml");
    }
}
