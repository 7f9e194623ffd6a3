//! Policy packs: the rulebooks a production is checked against.
//!
//! A pack has an id that names its version (`sag-aftra-2023`), a title, its
//! sources with their dates, the days it applies, and its rules. The
//! Netflix guidelines (`netflix-2025-08`) are rules written in Rust; every
//! other built-in pack, and a studio's own, is data: conditions over the
//! declaration vocabulary ([`condition`]), each with the fixtures that show
//! it firing and not firing ([`test`]). aiclear's own checks (reading
//! declarations, approvals, history) belong to no pack and always run.

use crate::config::Settings;
use crate::rules::{Check, Context, Finding, Level, Rule, RuleInfo};
use crate::schema::did_you_mean;
use crate::schema::{At, Date};
use crate::source::Source;

pub mod builtin;
pub mod pack;
pub mod test;

pub use crate::rules::condition::{self, DataRule, Fixture};

pub use crate::config::{Pin, PolicyEntry};

pub use crate::rules::NETFLIX;

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
    /// Packs pinned by digest whose rules this pack includes.
    pub extends: Vec<Pin>,
    pub origin: Origin,
    /// SHA-256 of the pack file; `None` for the Netflix pack.
    pub digest: Option<String>,
}

impl Pack {
    /// Whether the pack applies on `day`: from its first day on. A pack
    /// past its last day still applies when the configuration names it by
    /// id (a production made under a contract stays under it); the check
    /// then says which pack supersedes it.
    pub fn applies_on(&self, day: Date) -> bool {
        self.from.is_none_or(|f| f <= day)
    }

    /// Whether `day` lies within the pack's term.
    pub fn in_term(&self, day: Date) -> bool {
        self.applies_on(day) && self.until.is_none_or(|u| day <= u)
    }
}

impl Pack {
    /// The pack as a finding names it.
    pub fn named(&self) -> crate::rules::superseded_policy::Named<'_> {
        crate::rules::superseded_policy::Named {
            id: &self.id,
            family: &self.family,
            title: &self.title,
            from: self.from,
            until: self.until,
        }
    }
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
    /// The built-in default: the Netflix pack.
    pub fn netflix(today: Date) -> Self {
        Self {
            packs: find_pack(NETFLIX).into_iter().collect(),
            today,
        }
    }

    /// The rules that run on [`Policy::today`]: aiclear's own, then each
    /// pack's rules that are in force, sorted by code.
    pub fn rules(&self) -> Vec<&'static Rule> {
        let mut out: Vec<&'static Rule> = crate::rules::RULES
            .iter()
            .copied()
            .filter(|r| r.pack.is_none())
            .collect();
        for pack in &self.packs {
            if !pack.applies_on(self.today) {
                continue;
            }
            for rule in &pack.rules {
                let live = match rule.check {
                    Check::Policy(data) => data.in_force(self.today),
                    _ => true,
                };
                if live && !out.iter().any(|r| std::ptr::eq(*r, *rule)) {
                    out.push(rule);
                }
            }
        }
        out.sort_by_key(|r| r.code);
        out
    }

    /// Every rule of the policy's packs, in force today or not.
    pub fn all_rules(&self) -> Vec<&'static Rule> {
        let mut out: Vec<&'static Rule> = crate::rules::RULES
            .iter()
            .copied()
            .filter(|r| r.pack.is_none())
            .collect();
        out.extend(self.packs.iter().flat_map(|p| p.rules.iter().copied()));
        out.sort_by_key(|r| r.code);
        out.dedup_by(|a, b| std::ptr::eq(*a, *b));
        out
    }

    /// The level `rule` has on [`Policy::today`] (a data rule may escalate).
    pub fn level(&self, rule: &RuleInfo) -> Level {
        match self.rule_of(rule).map(|r| r.check) {
            Some(Check::Policy(data)) => data.level_on(rule.level, self.today),
            _ => rule.level,
        }
    }

    fn rule_of(&self, info: &RuleInfo) -> Option<&'static Rule> {
        self.packs
            .iter()
            .flat_map(|p| p.rules.iter())
            .find(|r| r.code == info.code)
            .copied()
    }

    /// A rule of this policy (or of aiclear's own) by code or name.
    pub fn find(&self, code_or_name: &str) -> Option<&'static Rule> {
        self.all_rules()
            .into_iter()
            .find(|r| r.code.eq_ignore_ascii_case(code_or_name) || r.name == code_or_name)
            .or_else(|| find_rule(code_or_name))
    }

    /// The pack `rule` comes from, in this policy.
    pub fn pack_of(&self, rule: &RuleInfo) -> Option<&'static Pack> {
        let id = rule.pack?;
        self.packs
            .iter()
            .copied()
            .find(|p| p.id == id)
            .or_else(|| find_pack(id))
    }

    /// The packs named by id whose term ended before today, with the pack
    /// that supersedes each, when known.
    pub fn superseded(&self) -> Vec<(&'static Pack, Option<&'static Pack>)> {
        self.packs
            .iter()
            .filter(|p| p.until.is_some_and(|u| u < self.today))
            .map(|p| (*p, p.superseded_by.as_deref().and_then(find_pack)))
            .collect()
    }

    /// What identifies the policy's rules, for the cache: each pack's id
    /// and where it came from.
    pub fn fingerprint(&self) -> String {
        let mut s = String::new();
        for p in &self.packs {
            s.push_str(&p.id);
            s.push('@');
            s.push_str(p.digest.as_deref().unwrap_or("built-in"));
            s.push(';');
        }
        s
    }
}

/// Every built-in pack, Netflix's first.
pub fn builtin_packs() -> &'static [&'static Pack] {
    builtin::packs()
}

/// The Netflix pack: the rules written in Rust that name it.
pub fn netflix() -> &'static Pack {
    static PACK: std::sync::OnceLock<Pack> = std::sync::OnceLock::new();
    PACK.get_or_init(|| Pack {
        id: NETFLIX.to_owned(),
        family: "netflix".to_owned(),
        version: "2025-08".to_owned(),
        title: "Netflix: Using Generative AI in Content Production".to_owned(),
        sources: vec![Citation {
            title: "Netflix Partner Help Center, Using Generative AI in Content Production"
                .to_owned(),
            url: Some("https://partnerhelp.netflixstudios.com/hc/en-us/articles/43393929218323-Using-Generative-AI-in-Content-Production".to_owned()),
            date: jiff::civil::date(2025, 8, 1),
        }],
        from: None,
        until: None,
        superseded_by: None,
        rules: crate::rules::RULES
            .iter()
            .copied()
            .filter(|r| r.pack == Some(NETFLIX))
            .collect(),
        extends: Vec::new(),
        origin: Origin::BuiltIn,
        digest: None,
    })
}

/// A built-in pack by id.
pub fn find_pack(id: &str) -> Option<&'static Pack> {
    // The default policy reads none of the data packs.
    if id == NETFLIX {
        return Some(netflix());
    }
    builtin_packs().iter().copied().find(|p| p.id == id)
}

/// Whether `name` is a built-in pack's id or family.
pub fn is_builtin(name: &str) -> bool {
    builtin_packs()
        .iter()
        .any(|p| p.id == name || p.family == name)
}

/// The built-in pack of `family` in force on `day`: the one whose term
/// holds it, else the latest begun by then, else the first.
pub fn pack_in_force(family: &str, day: Date) -> Option<&'static Pack> {
    let mut versions: Vec<&'static Pack> = builtin_packs()
        .iter()
        .copied()
        .filter(|p| p.family == family)
        .collect();
    versions.sort_by_key(|p| p.from);
    versions
        .iter()
        .copied()
        .find(|p| p.in_term(day))
        .or_else(|| versions.iter().rev().copied().find(|p| p.applies_on(day)))
        .or_else(|| versions.first().copied())
}

/// Any rule by code or name: aiclear's own, a built-in pack's (the newest
/// version of a pack's rule), or one of a pack read in this run.
pub fn find_rule(code_or_name: &str) -> Option<&'static Rule> {
    let matches = |r: &&Rule| r.code.eq_ignore_ascii_case(code_or_name) || r.name == code_or_name;
    builtin_packs()
        .iter()
        .rev()
        .flat_map(|p| p.rules.iter().copied())
        .find(matches)
        .or_else(|| crate::rules::find_rule(code_or_name))
}

/// Read a pack file. Problems are findings against `source` (the caller
/// exits with 2). The pack lives as long as the process.
pub fn parse_pack(source: &Source, origin: Origin) -> Result<&'static Pack, Vec<Finding>> {
    let pack: &'static Pack = Box::leak(Box::new(pack::parse(source, origin)?));
    crate::rules::make_known(&pack.rules);
    Ok(pack)
}

/// What the rules of `policy` (and aiclear's reading of declarations) find
/// in a fixture's text, judged as the file at its path on `policy.today`.
pub fn judge_fixture(policy: &Policy, fixture: &Fixture) -> Vec<Finding> {
    let kind = if crate::kind::is_sidecar(&fixture.path) {
        crate::kind::FileKind::Sidecar
    } else {
        crate::kind::FileKind::of_path(&fixture.path).unwrap_or(crate::kind::FileKind::Yaml)
    };
    let bytes = fixture.text.as_bytes();
    let read = crate::rules::read_declaration(kind, bytes);
    let mut findings = read.findings;
    let Some(decl) = read.declaration else {
        return findings;
    };
    let files = crate::config::Settings::default().files;
    // A sidecar describes a media file that records nothing of its own
    // making: no C2PA manifest, no XMP source type.
    let media = fixture
        .path
        .strip_suffix(crate::kind::SIDECAR_SUFFIX)
        .map(|m| crate::rules::media::MediaFile {
            path: m.to_owned(),
            own: crate::rules::media::Own::Read(crate::embedded::Record::default()),
        });
    let path = media
        .as_ref()
        .map_or(fixture.path.as_str(), |m| m.path.as_str());
    let set = files.list_of(path);
    let ctx = Context {
        path: fixture.path.clone(),
        deliverable: files.deliverables.is_match(path),
        kind: Some(kind),
        set,
        media,
        credits: crate::declaration::credits::credits(kind, bytes),
        ..Context::default()
    };
    for rule in policy.rules() {
        crate::rules::run(rule, &decl, &ctx, &mut findings);
    }
    findings
}

/// Settle the configuration's overrides (`rules:`) of names that are no
/// rule of aiclear's own against the packs: a pack's rule by code or name,
/// or a whole pack by id or family. A finding for each that names nothing.
pub fn settle_overrides(settings: &mut Settings, policy: &Policy) -> Vec<Finding> {
    let mut out = Vec::new();
    for (k, level) in std::mem::take(&mut settings.pending_rules) {
        let packs: Vec<&str> = policy
            .packs
            .iter()
            .chain(builtin_packs())
            .filter(|p| p.id == k.name || p.family == k.name)
            .map(|p| p.id.as_str())
            .collect();
        if let Some(rule) = policy.find(&k.name) {
            settings.rules.insert(rule.code.to_owned(), level);
        } else if !packs.is_empty() {
            for id in packs {
                settings.rules.insert(id.to_owned(), level);
            }
        } else {
            let mut names: Vec<&str> = policy
                .all_rules()
                .iter()
                .flat_map(|r| [r.code, r.name])
                .collect();
            names.extend(policy.packs.iter().map(|p| p.id.as_str()));
            let suggestion = did_you_mean(&k.name, &names).map(str::to_owned);
            out.push(crate::rules::unknown_field::unknown_rule(
                k.clone(),
                suggestion.as_deref(),
            ));
        }
    }
    out
}

/// Why a policy could not be resolved; the caller exits with 2.
#[derive(Debug)]
pub enum Unresolved {
    /// Problems with what the configuration names, as findings against it.
    Config(Vec<Finding>),
    /// A pack file that does not read, with its findings.
    Pack(Source, Vec<Finding>),
}

/// Where a pack named in the configuration is read from.
pub trait PackFiles {
    /// A file of the project (read from the trust root: the base revision
    /// in a range check), relative to the project root; `None` when absent.
    fn project(&mut self, path: &str) -> anyhow::Result<Option<Source>>;
    /// A file outside the project, pinned by digest, by its path relative
    /// to the project root (or absolute).
    fn outside(&mut self, path: &str) -> anyhow::Result<Option<Vec<u8>>>;
}

/// The folder of a project's own packs.
pub const POLICIES_DIR: &str = ".aiclear/policies/";

/// Where a studio pack named `name` lives.
pub fn project_pack_path(name: &str) -> String {
    format!("{POLICIES_DIR}{name}.yml")
}

/// Most packs one configuration may bring in, counting those extended.
const MAX_PACKS: usize = 64;

/// Resolve the packs the configuration names, on `today`.
pub fn resolve(
    entries: &[PolicyEntry],
    extends: &[Pin],
    today: Date,
    files: &mut dyn PackFiles,
) -> anyhow::Result<Result<Policy, Unresolved>> {
    let mut packs: Vec<&'static Pack> = Vec::new();
    let mut problems = Vec::new();
    let mut pins: Vec<(Pin, usize)> = extends.iter().map(|p| (p.clone(), 0)).collect();
    for entry in entries {
        match entry {
            PolicyEntry::Name(name) => {
                if let Some(p) = find_pack(&name.value) {
                    packs.push(p);
                    continue;
                }
                if let Some(p) = pack_in_force(&name.value, today) {
                    packs.push(p);
                    continue;
                }
                if !is_kebab_name(&name.value) {
                    problems.push(unknown_pack(name));
                    continue;
                }
                let path = project_pack_path(&name.value);
                match files.project(&path)? {
                    Some(source) => match parse_pack(&source, Origin::Project(path)) {
                        Ok(p) => {
                            pins.extend(p.extends.iter().map(|x| (x.clone(), 1)));
                            packs.push(p);
                        }
                        Err(findings) => return Ok(Err(Unresolved::Pack(source, findings))),
                    },
                    None => problems.push(unknown_pack(name)),
                }
            }
            PolicyEntry::Pinned(pin) => pins.push((pin.clone(), 0)),
        }
    }
    let mut done: Vec<String> = Vec::new();
    while let Some((pin, depth)) = pins.pop() {
        if done.contains(&pin.sha256) {
            continue;
        }
        done.push(pin.sha256.clone());
        if depth > 4 || packs.len() >= MAX_PACKS {
            problems.push(Finding::new(
                &crate::rules::invalid_value::INVALID_VALUE,
                Some(pin.span.clone()),
                "packs extend each other too deeply (at most 4 levels, 64 packs)",
            ));
            continue;
        }
        let bytes = if crate::approvals::is_inside(&pin.path) {
            files
                .project(pin.path.trim_start_matches("./"))?
                .map(|s| s.bytes)
        } else {
            files.outside(&pin.path)?
        };
        let Some(bytes) = bytes else {
            problems.push(
                Finding::new(
                    &crate::rules::invalid_value::INVALID_VALUE,
                    Some(pin.span.clone()),
                    format!("the pinned policy pack `{}` does not exist", pin.path),
                )
                .help("give its path relative to the project root, or an absolute path"),
            );
            continue;
        };
        let actual = crate::digest::sha256_hex(&bytes);
        if actual != pin.sha256 {
            problems.push(
                Finding::new(
                    &crate::rules::invalid_value::INVALID_VALUE,
                    Some(pin.span.clone()),
                    format!(
                        "the policy pack `{}` is not the file pinned: its SHA-256 is {actual}, the pin says {}",
                        pin.path, pin.sha256
                    ),
                )
                .help("if the new version of the pack is the one to apply, have the owners of the approvals process review it and update `sha256`"),
            );
            continue;
        }
        let source = Source::new(pin.path.clone(), bytes);
        let origin = Origin::Pinned {
            path: pin.path.clone(),
            sha256: actual,
        };
        match parse_pack(&source, origin) {
            Ok(p) => {
                pins.extend(p.extends.iter().map(|x| (x.clone(), depth + 1)));
                packs.push(p);
            }
            Err(findings) => return Ok(Err(Unresolved::Pack(source, findings))),
        }
    }
    if problems.is_empty() {
        problems.extend(clashes(&packs));
    }
    if !problems.is_empty() {
        return Ok(Err(Unresolved::Config(problems)));
    }
    Ok(Ok(Policy { packs, today }))
}

fn is_kebab_name(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn unknown_pack(name: &At<String>) -> Finding {
    let mut names: Vec<&str> = builtin_packs().iter().map(|p| p.id.as_str()).collect();
    let families: Vec<&str> = builtin_packs().iter().map(|p| p.family.as_str()).collect();
    names.extend(families);
    let help = match crate::schema::did_you_mean(&name.value, &names) {
        Some(s) => crate::schema::suggest(s),
        None => format!(
            "name a built-in pack ({}), or write the studio's own as `{}`",
            crate::schema::backticked(
                &builtin_packs()
                    .iter()
                    .map(|p| p.id.as_str())
                    .collect::<Vec<_>>()
            ),
            project_pack_path(&name.value)
        ),
    };
    Finding::new(
        &crate::rules::invalid_value::INVALID_VALUE,
        Some(name.span.clone()),
        format!("unknown policy pack `{}`", name.value),
    )
    .help(help)
}

/// Two packs that cannot be applied together: the same pack twice, two
/// versions of one family, or one rule code or name in two packs.
fn clashes(packs: &[&'static Pack]) -> Vec<Finding> {
    let mut out = Vec::new();
    let config_finding =
        |m: String| Finding::new(&crate::rules::invalid_value::INVALID_VALUE, None, m);
    for (i, a) in packs.iter().enumerate() {
        for b in &packs[..i] {
            if a.id == b.id {
                out.push(config_finding(format!(
                    "the policy pack `{}` is named twice",
                    a.id
                )));
            } else if a.family == b.family
                && a.origin == Origin::BuiltIn
                && b.origin == Origin::BuiltIn
            {
                out.push(
                    config_finding(format!(
                        "`{}` and `{}` are two versions of one pack: name one",
                        b.id, a.id
                    ))
                    .help(format!(
                        "name `{}` to apply the version in force on the day checked",
                        a.family
                    )),
                );
            } else {
                for ra in &a.rules {
                    if let Some(rb) = b
                        .rules
                        .iter()
                        .find(|rb| rb.code == ra.code || rb.name == ra.name)
                    {
                        out.push(config_finding(format!(
                            "the rule `{}` of `{}` and the rule `{}` of `{}` share a code or name",
                            ra.code, a.id, rb.code, b.id
                        )));
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
