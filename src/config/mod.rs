//! `.aiclear/config.yml`: read strictly, validated into [`Settings`].
//!
//! The file is read into the spanned YAML tree and checked by hand, like a
//! declaration, so every problem is reported at once with its place and a
//! "did you mean". Without a file the built-in defaults serve.

use std::collections::HashMap;

use globset::GlobSet;

use crate::rules::{self, Finding, Level, RuleInfo};
use crate::schema::{self, Built, Field, backticked, clip, did_you_mean};
use crate::source::Source;
use crate::yaml::{self, Node, Value};

/// Where the configuration lives, relative to the project root.
pub const CONFIG_PATH: &str = ".aiclear/config.yml";
/// The approvals ledger.
pub use crate::approvals::LEDGER_PATH;
/// git's allowed-signers file for signed approvals.
pub const ALLOWED_SIGNERS_PATH: &str = ".aiclear/allowed_signers";

/// The built-in policy pack.
pub const POLICY: &str = "netflix-2025-08";

pub use crate::kind::{DEFAULT_MEDIA, DEFAULT_METADATA, DEFAULT_SCRIPTS};
pub const DEFAULT_DELIVERABLES: &[&str] = &["deliverables/**", "final/**"];

/// A severity set in config for one rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Override {
    Allow,
    Warn,
    Deny,
}

/// A file pinned by its SHA-256 digest: a policy pack shared across
/// repositories.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pin {
    /// Relative to the project root, or absolute.
    pub path: String,
    /// Lower-case hexadecimal.
    pub sha256: String,
    /// Where the pin is written.
    pub span: crate::source::Span,
}

/// One entry of `policy:`.
#[derive(Clone, Debug, PartialEq)]
pub enum PolicyEntry {
    /// A built-in pack (`sag-aftra-2023`), a family (`sag-aftra`: the
    /// version in force on the day checked), or a studio pack
    /// (`.aiclear/policies/NAME.yml`).
    Name(schema::At<String>),
    /// `{ path, sha256 }`.
    Pinned(Pin),
}

/// Someone who may grant approvals.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Approver {
    pub email: String,
    pub name: Option<String>,
    pub key: Option<String>,
}

/// The production the repository holds, as the register names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Production {
    pub title: String,
    /// As written: `1`, `"Season 2"`, `"Limited series"`.
    pub season: Option<String>,
    /// The studio or production company.
    pub company: Option<String>,
}

/// A set of globs, kept with their text for messages.
#[derive(Clone, Debug)]
pub struct Globs {
    pub patterns: Vec<String>,
    pub set: GlobSet,
}

impl Globs {
    pub fn new(patterns: &[&str]) -> Self {
        Self::build(patterns.iter().map(|s| s.to_string()).collect(), true)
            .expect("built-in globs are valid")
    }

    /// Globs that say what is checked match whatever the case
    /// (`EP101.FOUNTAIN`, `A001.MOV`), so that renaming a file cannot take
    /// it out of scope; `exclude` globs match the case they are written in.
    fn build(patterns: Vec<String>, any_case: bool) -> Result<Self, (usize, globset::Error)> {
        let set = crate::kind::glob_set(&patterns, any_case)?;
        Ok(Self { patterns, set })
    }

    pub fn is_match(&self, path: &str) -> bool {
        self.set.is_match(path)
    }

    /// [`Globs::is_match`] for a path already prepared for matching.
    pub fn is_match_candidate(&self, path: &globset::Candidate<'_>) -> bool {
        self.set.is_match_candidate(path)
    }
}

/// Which files are checked, and how.
#[derive(Clone, Debug)]
pub struct FileSets {
    pub scripts: Globs,
    pub metadata: Globs,
    pub media: Globs,
    pub deliverables: Globs,
    pub exclude: Globs,
}

impl FileSets {
    /// The `files:` list a file belongs to (a sidecar's media file):
    /// `scripts`, `metadata` or `media`.
    pub fn list_of(&self, path: &str) -> Option<&'static str> {
        [
            ("scripts", &self.scripts),
            ("metadata", &self.metadata),
            ("media", &self.media),
        ]
        .into_iter()
        .find(|(_, g)| g.is_match(path))
        .map(|(s, _)| s)
    }
}

/// The validated configuration.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The packs named by `policy:` (default: the Netflix pack).
    pub policy: Vec<PolicyEntry>,
    /// `extends:`: packs pinned by digest.
    pub extends: Vec<Pin>,
    /// `territories:`: where the production is released, for declarations
    /// that name none.
    pub territories: Vec<String>,
    pub files: FileSets,
    pub require_declaration: bool,
    pub approvers: Vec<Approver>,
    pub require_signed_approvals: bool,
    pub temporary_max_age_days: u32,
    /// Severity overrides by rule code or pack id.
    pub rules: HashMap<String, Override>,
    /// Overrides of names that are no built-in rule or pack, checked once
    /// the studio's packs are read.
    pub pending_rules: Vec<(yaml::Key, Override)>,
    /// Path of the watchlist file, relative to the project root.
    pub watchlist: Option<String>,
    /// Level of GA401: `deny` (default) or `approval`.
    pub real_world: Level,
    /// Extra names of AI agents recognised in `Co-authored-by:` trailers.
    pub ai_agents: Vec<String>,
    /// `production: {title, season, company}`, for the register.
    pub production: Option<Production>,
    /// `embedded-provenance`: read what media files record of their own
    /// making (GA701–GA703, the register's column). On by default.
    pub embedded_provenance: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            policy: vec![PolicyEntry::Name(schema::At::new(POLICY.to_owned(), 0..0))],
            extends: Vec::new(),
            territories: Vec::new(),
            files: FileSets {
                scripts: Globs::new(DEFAULT_SCRIPTS),
                metadata: Globs::new(DEFAULT_METADATA),
                media: Globs::new(DEFAULT_MEDIA),
                deliverables: Globs::new(DEFAULT_DELIVERABLES),
                exclude: Globs::new(&[]),
            },
            require_declaration: true,
            approvers: Vec::new(),
            require_signed_approvals: false,
            temporary_max_age_days: 90,
            rules: HashMap::new(),
            pending_rules: Vec::new(),
            watchlist: None,
            real_world: Level::Deny,
            ai_agents: Vec::new(),
            production: None,
            embedded_provenance: true,
        }
    }
}

impl Settings {
    /// The level of a rule under this configuration, before overrides.
    pub fn level(&self, rule: &RuleInfo) -> Level {
        self.level_from(rule, rule.level)
    }

    /// The level of a rule whose policy gives it `base` (a pack rule may
    /// escalate), under this configuration, before overrides.
    pub fn level_from(&self, rule: &RuleInfo, base: Level) -> Level {
        if std::ptr::eq(
            rule,
            &rules::real_world_depiction::REAL_WORLD_DEPICTION.info,
        ) {
            self.real_world
        } else {
            base
        }
    }

    pub fn is_approver(&self, email: &str) -> bool {
        self.approvers
            .iter()
            .any(|a| a.email.eq_ignore_ascii_case(email))
    }
}

impl Built for Settings {
    type Problem = Finding;
}

type Reader<'f> = schema::Reader<'f, Finding>;

const TOP: &[Field<Settings>] = &[
    Field::optional("policy", |r, k, v, s| {
        s.policy = r
            .list(v, &k.name, true)
            .iter()
            .filter_map(|item| policy_entry(r, item))
            .collect();
        if s.policy.is_empty() {
            r.invalid(
                v.span.clone(),
                "`policy` names at least one policy pack".into(),
                Some(format!("write `policy: {POLICY}`")),
            );
        }
    }),
    Field::optional("extends", |r, k, v, s| {
        s.extends = r
            .list(v, &k.name, true)
            .iter()
            .filter_map(|item| pin(r, item))
            .collect();
    }),
    Field::optional("territories", |r, k, v, s| {
        use crate::declaration::model::Territory;
        s.territories = r
            .terms(v, &k.name, Territory::ALL, Territory::parse, true)
            .into_iter()
            .map(|t| t.value.as_str().to_owned())
            .collect();
    }),
    Field::optional("files", |r, _, v, s| files(r, v, &mut s.files)),
    Field::optional("require-declaration", |r, k, v, s| {
        if let Some(b) = r.bool(v, &k.name) {
            s.require_declaration = b.value;
        }
    }),
    Field::optional("embedded-provenance", |r, k, v, s| {
        if let Some(b) = r.bool(v, &k.name) {
            s.embedded_provenance = b.value;
        }
    }),
    Field::optional("approvers", approvers),
    Field::optional("require-signed-approvals", |r, k, v, s| {
        if let Some(b) = r.bool(v, &k.name) {
            s.require_signed_approvals = b.value;
        }
    }),
    Field::optional("temporary-max-age-days", |r, k, v, s| match &v.value {
        Value::Int(n) if (1..=36_500).contains(n) => s.temporary_max_age_days = *n as u32,
        other => r.invalid(
            v.span.clone(),
            format!(
                "`{}` must be a whole number of days from 1 to 36500, found {}",
                k.name,
                other.kind()
            ),
            None,
        ),
    }),
    Field::optional("rules", |r, _, v, s| rule_overrides(r, v, s)),
    Field::optional("watchlist", |r, k, v, s| {
        if let Some(w) = r.string(v, &k.name) {
            let inside = !w.value.starts_with('/')
                && !w.value.contains('\\')
                && !w.value.split('/').any(|c| c == "..");
            if inside {
                s.watchlist = Some(w.value.trim_start_matches("./").to_owned());
            } else {
                r.invalid(
                    w.span.clone(),
                    format!("the watchlist `{}` is outside the project", w.value),
                    Some("give a path inside the project, relative to its root, e.g. `.aiclear/watchlist.txt`".into()),
                );
            }
        }
    }),
    Field::optional("real-world", |r, _, v, s| match v.as_str() {
        Some("deny") => s.real_world = Level::Deny,
        Some("approval") => s.real_world = Level::Approval,
        _ => r.invalid(
            v.span.clone(),
            "`real-world` must be `deny` or `approval`".into(),
            None,
        ),
    }),
    Field::optional("ai-agents", |r, k, v, s| {
        s.ai_agents = r.strings(v, &k.name).into_iter().map(|s| s.value).collect()
    }),
    Field::optional("production", |r, k, v, s| {
        s.production = production(r, k, v)
    }),
];

/// Read and validate a configuration file. On failure, every problem found,
/// as findings against the config file (the caller exits with 2).
pub fn parse(source: &Source) -> Result<Settings, Vec<Finding>> {
    let (settings, findings) = parse_keeping(source);
    if findings.is_empty() {
        Ok(settings)
    } else {
        Err(findings)
    }
}

/// [`parse`], keeping what could be read beside the problems, so that the
/// overrides it could not settle yet can still be judged with them.
pub fn parse_keeping(source: &Source) -> (Settings, Vec<Finding>) {
    let mut findings = Vec::new();
    let root = match yaml::parse_file(&source.bytes, "the configuration") {
        Ok(node) => node,
        Err(p) => {
            findings.push(Finding::from(*p));
            return (Settings::default(), findings);
        }
    };
    let mut settings = Settings::default();
    if matches!(root.value, Value::Null) {
        return (settings, findings);
    }
    let mut r = Reader {
        problems: &mut findings,
    };
    if let Some(entries) = r.map(&root, "the configuration") {
        r.fields(entries, &root.span, "the configuration", TOP, &mut settings);
    }
    (settings, findings)
}

fn approvers(r: &mut Reader, k: &yaml::Key, v: &Node, settings: &mut Settings) {
    if let Value::Str(s) = &v.value {
        r.invalid(
            v.span.clone(),
            "`approvers` must be a list of people, each with an `email`, found a string".into(),
            Some(format!(
                "write `approvers: [{{ email: {} }}]`, or one `- email: …` line for each approver under `approvers:`",
                approver_text(s)
            )),
        );
        return;
    }
    for item in r.list(v, &k.name, false) {
        if let Some(a) = approver(r, item) {
            settings.approvers.push(a);
        }
    }
}

impl Built for FileSets {
    type Problem = Finding;
}

const FILES: &[Field<FileSets>] = &[
    Field::optional("scripts", |r, k, v, f| globs(r, k, v, &mut f.scripts)),
    Field::optional("metadata", |r, k, v, f| globs(r, k, v, &mut f.metadata)),
    Field::optional("media", |r, k, v, f| globs(r, k, v, &mut f.media)),
    Field::optional("deliverables", |r, k, v, f| {
        globs(r, k, v, &mut f.deliverables)
    }),
    Field::optional("exclude", |r, k, v, f| globs(r, k, v, &mut f.exclude)),
];

fn files(r: &mut Reader, node: &Node, files: &mut FileSets) {
    let Some(entries) = r.map(node, "files") else {
        return;
    };
    r.fields(entries, &node.span, "`files`", FILES, files);
}

/// One list of `files`: what it checks matches whatever the case, what it
/// excludes the case it is written in.
fn globs(r: &mut Reader, k: &yaml::Key, v: &Node, slot: &mut Globs) {
    let items = r.list(v, &k.name, true);
    let patterns: Vec<_> = items.iter().filter_map(|n| r.string(n, &k.name)).collect();
    let any_case = k.name != "exclude";
    match Globs::build(patterns.iter().map(|p| p.value.clone()).collect(), any_case) {
        Ok(g) => *slot = g,
        Err((i, e)) => r.invalid(
            patterns[i].span.clone(),
            format!("invalid glob `{}`: {}", patterns[i].value, e.kind()),
            None,
        ),
    }
}

/// `production` as it is read.
struct ProductionFields {
    title: Option<String>,
    production: Production,
}

impl Built for ProductionFields {
    type Problem = Finding;
}

const PRODUCTION: &[Field<ProductionFields>] = &[
    Field::required("title", |r, k, v, p| {
        p.title = r.string(v, &k.name).map(|s| s.value)
    }),
    Field::optional("season", |r, k, v, p| {
        p.production.season = r.string(v, &k.name).map(|s| s.value.trim().to_owned())
    }),
    Field::optional("company", |r, k, v, p| {
        p.production.company = r.string(v, &k.name).map(|s| s.value.trim().to_owned())
    }),
];

fn production(r: &mut Reader, key: &yaml::Key, node: &Node) -> Option<Production> {
    if let Value::Str(s) = &node.value {
        r.invalid(
            node.span.clone(),
            "`production` must be a mapping with a `title`, found a string".into(),
            Some(format!(
                "write `production: {{ title: \"{}\" }}` (and optionally `season` and `company`)",
                clip(s).replace('"', "'")
            )),
        );
        return None;
    }
    let entries = r.map(node, "production")?;
    let mut p = ProductionFields {
        title: None,
        production: Production {
            title: String::new(),
            season: None,
            company: None,
        },
    };
    r.fields(entries, &key.span, "`production`", PRODUCTION, &mut p);
    p.production.title = p.title?.trim().to_owned();
    Some(p.production)
}

/// An approver's address as the help shows it: the first word that looks
/// like an email, else a placeholder.
fn approver_text(s: &str) -> String {
    s.split([' ', ',', ';', '<', '>'])
        .find(|w| w.contains('@'))
        .map(|w| clip(w).into_owned())
        .unwrap_or_else(|| "name@example.com".to_owned())
}

/// An approver as it is read; an `email` that cannot be read stops it.
struct ApproverFields {
    approver: Approver,
    stopped: bool,
}

impl Built for ApproverFields {
    type Problem = Finding;

    fn done(&self) -> bool {
        self.stopped
    }
}

const APPROVER: &[Field<ApproverFields>] = &[
    Field::required("email", |r, k, v, a| {
        let Some(email) = r.string(v, &k.name) else {
            a.stopped = true;
            return;
        };
        if !email.value.contains('@') {
            r.invalid(
                email.span.clone(),
                format!("`{}` is not an email address", email.value),
                None,
            );
        }
        a.approver.email = email.value;
    }),
    Field::optional("name", |r, k, v, a| {
        a.approver.name = r.string(v, &k.name).map(|s| s.value)
    }),
    Field::optional("key", |r, k, v, a| {
        a.approver.key = r.string(v, &k.name).map(|s| s.value)
    }),
];

fn approver(r: &mut Reader, node: &Node) -> Option<Approver> {
    if let Value::Str(s) = &node.value {
        r.invalid(
            node.span.clone(),
            "an approver must be a mapping with an `email`, found a string".into(),
            Some(format!("write `{{ email: {} }}`", approver_text(s))),
        );
        return None;
    }
    let entries = r.map(node, "approvers")?;
    let mut a = ApproverFields {
        approver: Approver {
            email: String::new(),
            name: None,
            key: None,
        },
        stopped: false,
    };
    r.fields(entries, &node.span, "an approver", APPROVER, &mut a);
    (!a.stopped && !a.approver.email.is_empty()).then_some(a.approver)
}

/// One entry of `policy:`: a pack's name, or a file pinned by digest.
fn policy_entry(r: &mut Reader, item: &Node) -> Option<PolicyEntry> {
    match &item.value {
        Value::Map(_) => pin(r, item).map(PolicyEntry::Pinned),
        _ => r.string(item, "policy").map(PolicyEntry::Name),
    }
}

impl Built for PinFields {
    type Problem = Finding;
}

#[derive(Default)]
struct PinFields {
    path: Option<schema::At<String>>,
    sha256: Option<schema::At<String>>,
}

const PIN: &[Field<PinFields>] = &[
    Field::required("path", |r, k, v, p| p.path = r.string(v, &k.name)),
    Field::required("sha256", |r, k, v, p| p.sha256 = r.string(v, &k.name)),
];

/// `{ path, sha256 }`: a file pinned by its digest.
pub fn pin(r: &mut schema::Reader<'_, Finding>, node: &Node) -> Option<Pin> {
    let entries = r.map(node, "a pinned policy pack")?;
    let mut p = PinFields::default();
    r.fields(entries, &node.span, "a pinned policy pack", PIN, &mut p);
    let (path, sha) = (p.path?, p.sha256?);
    let hex = sha.value.strip_prefix("sha256:").unwrap_or(&sha.value);
    if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        r.invalid(
            sha.span,
            "`sha256` is the file's SHA-256 digest: 64 hexadecimal digits".into(),
            Some(format!(
                "compute it with `sha256sum {}`",
                rules::shell_word(&path.value)
            )),
        );
        return None;
    }
    Some(Pin {
        path: path.value,
        sha256: hex.to_ascii_lowercase(),
        span: path.span,
    })
}

fn rule_overrides(r: &mut Reader, node: &Node, out: &mut Settings) {
    let Some(entries) = r.map(node, "rules") else {
        return;
    };
    for (k, v) in entries {
        let level = match v.as_str() {
            Some("allow") => Override::Allow,
            Some("warn") => Override::Warn,
            Some("deny") => Override::Deny,
            _ => {
                let found = v
                    .as_str()
                    .map_or_else(|| v.value.kind().to_owned(), |s| format!("`{s}`"));
                let help = v
                    .as_str()
                    .and_then(|s| did_you_mean(s, &["allow", "warn", "deny"]))
                    .map(crate::schema::suggest);
                r.invalid(
                    v.span.clone(),
                    format!(
                        "the level of `{}` must be {}, found {found}",
                        k.name,
                        backticked(&["allow", "warn", "deny"])
                    ),
                    help,
                );
                continue;
            }
        };
        match rules::find(&k.name) {
            Some(rule) => {
                out.rules.insert(rule.code.to_owned(), level);
            }
            // A rule or a pack of a policy pack: checked once the packs are
            // read.
            None => out.pending_rules.push((k.clone(), level)),
        }
    }
}

impl Settings {
    /// The override configured for `rule`: by its code, else by its pack.
    pub fn override_of(&self, rule: &RuleInfo) -> Option<Override> {
        self.rules
            .get(rule.code)
            .or_else(|| rule.pack.and_then(|p| self.rules.get(p)))
            .copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(text: &str) -> Result<Settings, Vec<Finding>> {
        parse(&Source::new(CONFIG_PATH, text.as_bytes().to_vec()))
    }

    #[test]
    fn empty_config_is_the_default() {
        let s = parse_text("").unwrap();
        assert!(s.require_declaration);
        assert!(s.files.scripts.is_match("a/b.fountain"));
        assert!(!s.files.scripts.is_match("README.md"));
    }

    #[test]
    fn embedded_provenance_is_on_unless_turned_off() {
        assert!(parse_text("").unwrap().embedded_provenance);
        assert!(
            !parse_text("embedded-provenance: false\n")
                .unwrap()
                .embedded_provenance
        );
        let errs = parse_text("embeded-provenance: false\n").unwrap_err();
        assert_eq!(
            errs[0].help.as_deref(),
            Some("did you mean `embedded-provenance`?")
        );
    }

    #[test]
    fn every_error_at_once() {
        let text =
            "fiels: {}\nrules:\n  GA102: alow\n  key-creative: deny\nfiles:\n  scripts: ['[']\n";
        let errs = parse_text(text).unwrap_err();
        let msgs: Vec<_> = errs.iter().map(|f| (f.rule.code, f.help.clone())).collect();
        assert_eq!(errs.len(), 3, "{msgs:?}");
        assert_eq!(errs[0].help.as_deref(), Some("did you mean `files`?"));
        assert_eq!(&text[errs[0].span.clone().unwrap()], "fiels");
        assert!(
            msgs.iter()
                .any(|(_, h)| h.as_deref() == Some("did you mean `allow`?"))
        );
    }

    #[test]
    fn an_override_of_no_known_rule_is_settled_against_the_packs() {
        let mut s = parse_text("rules:\n  key-creative: deny\n  GA102: allow\n").unwrap();
        assert_eq!(s.pending_rules.len(), 1);
        let policy = crate::policy::Policy::netflix(jiff::civil::date(2026, 1, 1));
        let errs = crate::policy::settle_overrides(&mut s, &policy);
        assert_eq!(
            errs[0].help.as_deref(),
            Some("did you mean `key-creative-element`?")
        );
        assert_eq!(s.rules.get("GA102"), Some(&Override::Allow));
    }

    #[test]
    fn production() {
        let s = parse_text("production:\n  title: NIGHT SHIFT\n  season: 2\n").unwrap();
        assert_eq!(
            s.production,
            Some(Production {
                title: "NIGHT SHIFT".into(),
                season: Some("2".into()),
                company: None
            })
        );
        let text = "production:\n  title: X\n  compny: Y\n";
        let errs = parse_text(text).unwrap_err();
        assert_eq!(errs[0].help.as_deref(), Some("did you mean `company`?"));
        assert_eq!(&text[errs[0].span.clone().unwrap()], "compny");
        let errs = parse_text("production: X\n").unwrap_err();
        assert!(
            errs[0]
                .help
                .as_deref()
                .unwrap()
                .contains("{ title: \"X\" }")
        );
        let errs = parse_text("production:\n  season: 1\n").unwrap_err();
        assert!(errs[0].message.contains("`title`"), "{:?}", errs[0]);
    }

    #[test]
    fn approvers_written_as_text_show_the_form() {
        let errs = parse_text("approvers: a@b.example\n").unwrap_err();
        assert_eq!(
            errs[0].help.as_deref(),
            Some(
                "write `approvers: [{ email: a@b.example }]`, or one `- email: …` line for each approver under `approvers:`"
            )
        );
    }

    #[test]
    fn overrides_by_code_or_name() {
        let s = parse_text("rules:\n  GA102: allow\n  terms-not-reviewed: deny\n").unwrap();
        assert_eq!(s.rules.get("GA102"), Some(&Override::Allow));
    }
}
