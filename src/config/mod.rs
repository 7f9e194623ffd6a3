//! `.aiclear/config.yml`: read strictly, validated into [`Settings`].
//!
//! The file is read into the spanned YAML tree and checked by hand, like a
//! declaration, so every problem is reported at once with its place and a
//! "did you mean". Without a file the built-in defaults serve.

use std::collections::HashMap;

use globset::{GlobSet, GlobSetBuilder};

use crate::declaration::validate::{Reader, backticked, did_you_mean};
use crate::rules::{self, Finding, Level, RuleInfo};
use crate::source::Source;
use crate::yaml::{self, Node, Value};

/// Where the configuration lives, relative to the project root.
pub const CONFIG_PATH: &str = ".aiclear/config.yml";
/// The approvals ledger.
pub const LEDGER_PATH: &str = ".aiclear/approvals.yml";
/// git's allowed-signers file for signed approvals.
pub const ALLOWED_SIGNERS_PATH: &str = ".aiclear/allowed_signers";

/// The built-in policy pack.
pub const POLICY: &str = "netflix-2025-08";

pub const DEFAULT_SCRIPTS: &[&str] = &["**/*.fountain", "**/*.spmd", "scripts/**/*.md"];
pub const DEFAULT_METADATA: &[&str] = &["**/*.otio", "vfx/**/*.{yml,yaml,json}"];
pub const DEFAULT_MEDIA: &[&str] = &["vfx/**/*.{exr,dpx,tif,tiff,png,jpg,jpeg,mov,mp4,wav}"];
pub const DEFAULT_DELIVERABLES: &[&str] = &["deliverables/**", "final/**"];

const TOP_KEYS: &[&str] = &[
    "policy",
    "files",
    "require-declaration",
    "approvers",
    "require-signed-approvals",
    "temporary-max-age-days",
    "rules",
    "watchlist",
    "real-world",
    "ai-agents",
    "production",
];
const FILES_KEYS: &[&str] = &["scripts", "metadata", "media", "deliverables", "exclude"];
const APPROVER_KEYS: &[&str] = &["email", "name", "key"];
const PRODUCTION_KEYS: &[&str] = &["title", "season", "company"];

/// A severity set in config for one rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Override {
    Allow,
    Warn,
    Deny,
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
        let mut b = GlobSetBuilder::new();
        for (i, p) in patterns.iter().enumerate() {
            b.add(
                globset::GlobBuilder::new(p)
                    .literal_separator(true)
                    .case_insensitive(any_case)
                    .build()
                    .map_err(|e| (i, e))?,
            );
        }
        let set = b.build().map_err(|e| (0, e))?;
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

/// The validated configuration.
#[derive(Clone, Debug)]
pub struct Settings {
    pub policy: String,
    pub files: FileSets,
    pub require_declaration: bool,
    pub approvers: Vec<Approver>,
    pub require_signed_approvals: bool,
    pub temporary_max_age_days: u32,
    /// Severity overrides by rule code.
    pub rules: HashMap<&'static str, Override>,
    /// Path of the watchlist file, relative to the project root.
    pub watchlist: Option<String>,
    /// Level of GA401: `deny` (default) or `approval`.
    pub real_world: Level,
    /// Extra names of AI agents recognised in `Co-authored-by:` trailers.
    pub ai_agents: Vec<String>,
    /// `production: {title, season, company}`, for the register.
    pub production: Option<Production>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            policy: POLICY.to_owned(),
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
            watchlist: None,
            real_world: Level::Deny,
            ai_agents: Vec::new(),
            production: None,
        }
    }
}

impl Settings {
    /// The level of a rule under this configuration, before overrides.
    pub fn level(&self, rule: &RuleInfo) -> Level {
        if std::ptr::eq(
            rule,
            &rules::real_world_depiction::REAL_WORLD_DEPICTION.info,
        ) {
            self.real_world
        } else {
            rule.level
        }
    }

    pub fn is_approver(&self, email: &str) -> bool {
        self.approvers
            .iter()
            .any(|a| a.email.eq_ignore_ascii_case(email))
    }
}

/// Read and validate a configuration file. On failure, every problem found,
/// as findings against the config file (the caller exits with 2).
pub fn parse(source: &Source) -> Result<Settings, Vec<Finding>> {
    let mut findings = Vec::new();
    let root = match yaml::parse_file(&source.bytes, "the configuration") {
        Ok(node) => node,
        Err(f) => {
            findings.push(*f);
            return Err(findings);
        }
    };
    let mut settings = Settings::default();
    if matches!(root.value, Value::Null) {
        return Ok(settings);
    }
    let mut r = Reader {
        findings: &mut findings,
    };
    if let Some(entries) = r.map(&root, "the configuration") {
        r.keys(entries, &root.span, "the configuration", TOP_KEYS, &[]);
        for (k, v) in entries {
            let key = k.name.as_str();
            match key {
                "policy" => {
                    if let Some(p) = r.string(v, key) {
                        if p.value != POLICY {
                            r.invalid(
                                p.span.clone(),
                                format!("unknown policy pack `{}`", p.value),
                                Some(format!("the built-in policy pack is `{POLICY}`")),
                            );
                        }
                        settings.policy = p.value;
                    }
                }
                "files" => files(&mut r, v, &mut settings.files),
                "require-declaration" => {
                    if let Some(b) = r.bool(v, key) {
                        settings.require_declaration = b.value;
                    }
                }
                "require-signed-approvals" => {
                    if let Some(b) = r.bool(v, key) {
                        settings.require_signed_approvals = b.value;
                    }
                }
                "temporary-max-age-days" => match &v.value {
                    Value::Int(n) if (1..=36_500).contains(n) => {
                        settings.temporary_max_age_days = *n as u32
                    }
                    other => r.invalid(
                        v.span.clone(),
                        format!(
                            "`{key}` must be a whole number of days from 1 to 36500, found {}",
                            other.kind()
                        ),
                        None,
                    ),
                },
                "approvers" => {
                    if let Value::Str(s) = &v.value {
                        r.invalid(
                            v.span.clone(),
                            "`approvers` must be a list of people, each with an `email`, found a string".into(),
                            Some(format!(
                                "write `approvers: [{{ email: {} }}]`, or one `- email: …` line for each approver under `approvers:`",
                                approver_text(s)
                            )),
                        );
                        continue;
                    }
                    for item in r.list(v, key, false) {
                        if let Some(a) = approver(&mut r, item) {
                            settings.approvers.push(a);
                        }
                    }
                }
                "rules" => rule_overrides(&mut r, v, &mut settings.rules),
                "watchlist" => {
                    if let Some(w) = r.string(v, key) {
                        let inside = !w.value.starts_with('/')
                            && !w.value.contains('\\')
                            && !w.value.split('/').any(|c| c == "..");
                        if inside {
                            settings.watchlist = Some(w.value.trim_start_matches("./").to_owned());
                        } else {
                            r.invalid(
                                w.span.clone(),
                                format!("the watchlist `{}` is outside the project", w.value),
                                Some("give a path inside the project, relative to its root, e.g. `.aiclear/watchlist.txt`".into()),
                            );
                        }
                    }
                }
                "real-world" => match v.as_str() {
                    Some("deny") => settings.real_world = Level::Deny,
                    Some("approval") => settings.real_world = Level::Approval,
                    _ => r.invalid(
                        v.span.clone(),
                        "`real-world` must be `deny` or `approval`".into(),
                        None,
                    ),
                },
                "ai-agents" => {
                    settings.ai_agents = r.strings(v, key).into_iter().map(|s| s.value).collect()
                }
                "production" => settings.production = production(&mut r, k, v),
                _ => {}
            }
        }
    }
    if findings.is_empty() {
        Ok(settings)
    } else {
        Err(findings)
    }
}

fn files(r: &mut Reader, node: &Node, files: &mut FileSets) {
    let Some(entries) = r.map(node, "files") else {
        return;
    };
    r.keys(entries, &node.span, "`files`", FILES_KEYS, &[]);
    for (k, v) in entries {
        let slot = match k.name.as_str() {
            "scripts" => &mut files.scripts,
            "metadata" => &mut files.metadata,
            "media" => &mut files.media,
            "deliverables" => &mut files.deliverables,
            "exclude" => &mut files.exclude,
            _ => continue,
        };
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
}

fn production(r: &mut Reader, key: &yaml::Key, node: &Node) -> Option<Production> {
    if let Value::Str(s) = &node.value {
        r.invalid(
            node.span.clone(),
            "`production` must be a mapping with a `title`, found a string".into(),
            Some(format!(
                "write `production: {{ title: \"{}\" }}` (and optionally `season` and `company`)",
                crate::declaration::validate::clip(s).replace('"', "'")
            )),
        );
        return None;
    }
    let entries = r.map(node, "production")?;
    r.keys(
        entries,
        &key.span,
        "`production`",
        PRODUCTION_KEYS,
        &["title"],
    );
    let mut title = None;
    let mut p = Production {
        title: String::new(),
        season: None,
        company: None,
    };
    for (k, v) in entries {
        match k.name.as_str() {
            "title" => title = r.string(v, "title"),
            "season" => p.season = r.string(v, "season").map(|s| s.value.trim().to_owned()),
            "company" => p.company = r.string(v, "company").map(|s| s.value.trim().to_owned()),
            _ => {}
        }
    }
    p.title = title?.value.trim().to_owned();
    Some(p)
}

/// An approver's address as the help shows it: the first word that looks
/// like an email, else a placeholder.
fn approver_text(s: &str) -> String {
    s.split([' ', ',', ';', '<', '>'])
        .find(|w| w.contains('@'))
        .map(|w| crate::declaration::validate::clip(w).into_owned())
        .unwrap_or_else(|| "name@example.com".to_owned())
}

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
    r.keys(
        entries,
        &node.span,
        "an approver",
        APPROVER_KEYS,
        &["email"],
    );
    let mut a = Approver {
        email: String::new(),
        name: None,
        key: None,
    };
    for (k, v) in entries {
        match k.name.as_str() {
            "email" => {
                let email = r.string(v, "email")?;
                if !email.value.contains('@') {
                    r.invalid(
                        email.span.clone(),
                        format!("`{}` is not an email address", email.value),
                        None,
                    );
                }
                a.email = email.value;
            }
            "name" => a.name = r.string(v, "name").map(|s| s.value),
            "key" => a.key = r.string(v, "key").map(|s| s.value),
            _ => {}
        }
    }
    (!a.email.is_empty()).then_some(a)
}

fn rule_overrides(r: &mut Reader, node: &Node, out: &mut HashMap<&'static str, Override>) {
    let Some(entries) = r.map(node, "rules") else {
        return;
    };
    let names: Vec<&str> = rules::RULES.iter().flat_map(|r| [r.code, r.name]).collect();
    for (k, v) in entries {
        let Some(rule) = rules::find(&k.name) else {
            let mut f = Finding::new(
                &rules::unknown_field::UNKNOWN_FIELD,
                Some(k.span.clone()),
                format!("no rule is called `{}`", k.name),
            )
            .label("unknown rule");
            f.help = Some(match did_you_mean(&k.name, &names) {
                Some(s) => format!("did you mean `{s}`?"),
                None => "`aiclear rules` lists every rule".into(),
            });
            r.findings.push(f);
            continue;
        };
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
                    .map(|s| format!("did you mean `{s}`?"));
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
        out.insert(rule.code, level);
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
    fn every_error_at_once() {
        let text =
            "fiels: {}\nrules:\n  GA102: alow\n  key-creative: deny\nfiles:\n  scripts: ['[']\n";
        let errs = parse_text(text).unwrap_err();
        let msgs: Vec<_> = errs.iter().map(|f| (f.rule.code, f.help.clone())).collect();
        assert_eq!(errs.len(), 4, "{msgs:?}");
        assert_eq!(errs[0].help.as_deref(), Some("did you mean `files`?"));
        assert_eq!(&text[errs[0].span.clone().unwrap()], "fiels");
        assert!(
            msgs.iter()
                .any(|(_, h)| h.as_deref() == Some("did you mean `allow`?"))
        );
        assert!(
            msgs.iter()
                .any(|(_, h)| h.as_deref() == Some("did you mean `key-creative-element`?"))
        );
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
