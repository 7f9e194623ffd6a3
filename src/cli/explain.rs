//! `aiclear explain CODE|NAME|PACK|KEY`: a rule's long text, a policy
//! pack, or a declaration key, for a terminal.
//!
//! A rule's text is written in Markdown (the same text feeds `docs/rules.md`
//! and SARIF); here it is shown as a terminal shows text: headings bold and
//! underlined, code blocks indented, emphasis in italics, with colour on;
//! plain headings, indented code and no Markdown marks without it. Code in
//! the running text keeps its backticks in plain text, so that `none` still
//! reads as a value. Under the text, the pack the rule comes from, with its
//! sources.
//!
//! A pack (`explain sag-aftra-2023`) is its title, version, the days it
//! applies and what supersedes it, its sources and its rules, as `aiclear
//! rules --policy` lists them. A key (`explain consent-use`, or
//! `talent.consent-use` for one scope) is the mappings it is written in, its
//! type (for terms, the values allowed), its default and what it means.
//! What is none of these exits 2, with the nearest code, name, pack or key.

use std::io::{IsTerminal, Write};

use anstyle::{AnsiColor, Style};
use anyhow::Result;

use super::rules::{self as table, Group, Source};
use super::{ColorWhen, exit, use_color};
use crate::declaration::vocabulary::{self, KEYS, KeyInfo, Scope, Type};
use crate::policy::{self, Pack};
use crate::rules::Rule;
use crate::schema::did_you_mean;

/// What a query names.
enum Subject {
    Rule(&'static Rule),
    Pack(Group),
    Key(Vec<&'static KeyInfo>),
}

pub fn run(query: &str, color: ColorWhen) -> Result<u8> {
    let Some(subject) = lookup(query) else {
        super::fail(&unknown(query), exit::USAGE);
        return Ok(exit::USAGE);
    };
    let color = use_color(color, std::io::stdout().is_terminal());
    let text = match subject {
        Subject::Rule(rule) => render(rule, color),
        Subject::Pack(group) => render_pack(&group, color),
        Subject::Key(keys) => render_key(&keys, color),
    };
    let mut out = std::io::stdout().lock();
    crate::text::ignore_broken_pipe(out.write_all(text.as_bytes()))?;
    Ok(exit::OK)
}

/// What `aiclear explain QUERY` prints, without colour; `None` when the
/// query names no rule, pack or key. An editor shows it on hover.
pub fn text(query: &str) -> Option<String> {
    Some(match lookup(query)? {
        Subject::Rule(rule) => render(rule, false),
        Subject::Pack(group) => render_pack(&group, false),
        Subject::Key(keys) => render_key(&keys, false),
    })
}

/// A rule by code or name, a built-in pack by id, or a key by name
/// (`SCOPE.NAME` for one scope: `genai`, `use`, `tool`/`tools`,
/// `talent`).
fn lookup(query: &str) -> Option<Subject> {
    // The project's own packs, read first, are among those `find_rule`
    // looks in.
    let _ = table::every_pack();
    if let Some(rule) = policy::find_rule(query).or_else(|| {
        table::every_rule()
            .into_iter()
            .find(|r| r.code.eq_ignore_ascii_case(query) || r.name == query)
    }) {
        return Some(Subject::Rule(rule));
    }
    if let Some(pack) = table::pack_named(query) {
        return Some(Subject::Pack(table::group(pack)));
    }
    let (scope, name) = match query.split_once('.') {
        Some((scope, name)) => (Some(scope_named(scope)?), name),
        None => (None, query),
    };
    let keys: Vec<&KeyInfo> = KEYS
        .iter()
        .filter(|k| k.name == name && scope.is_none_or(|s| s == k.scope))
        .collect();
    (!keys.is_empty()).then_some(Subject::Key(keys))
}

fn scope_named(name: &str) -> Option<Scope> {
    Some(match name {
        "genai" | "declaration" => Scope::Declaration,
        "use" | "uses" => Scope::Use,
        "tool" | "tools" => Scope::Tool,
        "talent" => Scope::Talent,
        _ => return None,
    })
}

/// The message for a query that names nothing.
fn unknown(query: &str) -> String {
    let rules = table::every_rule();
    let packs = table::pack_ids();
    let names: Vec<&str> = rules
        .iter()
        .flat_map(|r| [r.code, r.name])
        .chain(packs)
        .chain(KEYS.iter().map(|k| k.name))
        .collect();
    let hint = match did_you_mean(query, &names) {
        Some(s) => format!("; did you mean `{s}`?"),
        None => "; `aiclear rules` lists the rules and the policy packs".to_owned(),
    };
    format!("no rule, policy pack or declaration key is called `{query}`{hint}")
}

/// Bold and underlined, or plain.
fn heading(text: &str, color: bool) -> String {
    paint(Style::new().bold().underline(), text, color)
}

fn paint(style: Style, text: &str, color: bool) -> String {
    if color {
        format!("{style}{text}{style:#}")
    } else {
        text.to_owned()
    }
}

/// The whole explanation of `rule`, for a terminal: its text, then the
/// pack it comes from.
pub fn render(rule: &Rule, color: bool) -> String {
    let heading_style = Style::new().bold().underline();
    let mut out = format!(
        "{} ({})\n\n{}\n",
        paint(
            Style::new().bold(),
            &format!("{} {}", rule.code, rule.name),
            color
        ),
        rule.level.as_str(),
        inline(rule.summary, color)
    );
    let mut in_code = false;
    for line in rule.explanation_text().lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            // A blank line after a code block.
            if !in_code {
                out.push('\n');
            }
            continue;
        }
        if line.trim().is_empty() && !in_code {
            if !out.ends_with("\n\n") {
                out.push('\n');
            }
            continue;
        }
        if in_code {
            let code = format!("    {line}");
            out.push_str(&paint(
                Style::new().fg_color(Some(AnsiColor::Cyan.into())),
                &code,
                color,
            ));
            out.push('\n');
            continue;
        }
        let hashes = line.len() - line.trim_start_matches('#').len();
        if hashes > 0 && line[hashes..].starts_with(' ') {
            if !out.ends_with("\n\n") {
                out.push('\n');
            }
            out.push_str(&paint(heading_style, line[hashes..].trim(), color));
            out.push('\n');
            continue;
        }
        out.push_str(&inline(line, color));
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out.push('\n');
    out.push_str(&rule_pack(rule, color));
    out
}

/// The section under a rule's text: the pack it comes from.
fn rule_pack(rule: &Rule, color: bool) -> String {
    let mut out = heading("Policy pack", color);
    out.push('\n');
    let Some(id) = rule.pack else {
        out.push_str("None: one of aiclear's own checks, which run under every policy.\n");
        return out;
    };
    match table::every_pack().into_iter().find(|p| p.id == id) {
        Some(pack) => {
            out.push_str(&inline(&pack_line(pack), color));
            out.push('\n');
            out.push_str(&sources(pack, color));
        }
        None => out.push_str(&inline(&format!("`{id}`"), color)),
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
    let also: Vec<String> = policy::builtin_packs()
        .iter()
        .filter(|p| p.id != id && p.rules.iter().any(|r| r.code == rule.code))
        .map(|p| format!("`{}`", p.id))
        .collect();
    if !also.is_empty() {
        out.push_str(&inline(&format!("Also in {}.", also.join(", ")), color));
        out.push('\n');
    }
    out
}

/// `` `sag-aftra-2023`: SAG-AFTRA … (from …, until …, superseded by …) ``.
fn pack_line(pack: &Pack) -> String {
    let facts: Vec<String> = table::term_text(pack)
        .into_iter()
        .chain(table::origin_text(pack))
        .collect();
    if facts.is_empty() {
        format!("`{}`: {}", pack.id, pack.title)
    } else {
        format!("`{}`: {} ({})", pack.id, pack.title, facts.join("; "))
    }
}

/// A pack's sources, one item each: title and date, then the address.
fn sources(pack: &Pack, color: bool) -> String {
    let mut out = String::new();
    for c in &pack.sources {
        out.push_str(&format!("- {} ({})\n", inline(&c.title, color), c.date));
        if let Some(url) = &c.url {
            out.push_str(&format!("  {url}\n"));
        }
    }
    out
}

/// A pack: what it is, its sources and its rules.
fn render_pack(group: &Group, color: bool) -> String {
    let mut out = String::new();
    match &group.source {
        Source::Pack(pack) => {
            out.push_str(&paint(Style::new().bold(), &pack.id, color));
            out.push_str(" (policy pack)\n\n");
            out.push_str(&inline(&pack.title, color));
            out.push_str("\n\n");
            out.push_str(&format!("Version: {}\n", pack.version));
            let applies = match (pack.from, pack.until) {
                (Some(from), Some(until)) => format!("from {from} until {until}"),
                (Some(from), None) => format!("from {from}"),
                (None, Some(until)) => format!("until {until}"),
                (None, None) => "no first or last day".to_owned(),
            };
            out.push_str(&format!("Applies: {applies}\n"));
            if let Some(next) = &pack.superseded_by {
                out.push_str(&inline(&format!("Superseded by: `{next}`\n"), color));
            }
            match &pack.origin {
                policy::Origin::BuiltIn => {}
                policy::Origin::Project(path) => {
                    out.push_str(&inline(&format!("File: `{path}`\n"), color));
                }
                policy::Origin::Pinned { path, sha256 } => out.push_str(&inline(
                    &format!("File: `{path}`, pinned by its SHA-256 `{sha256}`\n"),
                    color,
                )),
            }
            if !pack.sources.is_empty() {
                out.push('\n');
                out.push_str(&heading("Sources", color));
                out.push('\n');
                out.push_str(&sources(pack, color));
            }
        }
        Source::Own => {
            out.push_str("aiclear's own checks\n");
        }
    }
    out.push('\n');
    out.push_str(&heading("Rules", color));
    out.push('\n');
    out.push_str(&table::table(&group.rules));
    out
}

/// A declaration key, in each scope it is written in.
fn render_key(keys: &[&KeyInfo], color: bool) -> String {
    let name = keys.first().map_or("", |k| k.name);
    let mut out = paint(Style::new().bold(), name, color);
    out.push_str(" (declaration key)\n");
    // One block for the scopes that say the same of it.
    let mut blocks: Vec<(Vec<Scope>, &KeyInfo)> = Vec::new();
    for &k in keys {
        match blocks
            .iter_mut()
            .find(|(_, b)| b.ty == k.ty && b.default == k.default && b.doc == k.doc)
        {
            Some((scopes, _)) => scopes.push(k.scope),
            None => blocks.push((vec![k.scope], k)),
        }
    }
    for (scopes, k) in blocks {
        let scopes: Vec<&str> = scopes.iter().map(|s| scope_text(*s)).collect();
        out.push('\n');
        out.push_str(&inline(&format!("In: {}\n", scopes.join("; ")), color));
        out.push_str(&inline(&format!("Type: {}\n", type_text(k.ty)), color));
        out.push_str(&inline(
            &format!("Default: {}\n", default_text(k.default)),
            color,
        ));
        if !k.doc.is_empty() {
            out.push('\n');
            out.push_str(&inline(k.doc.trim(), color));
            out.push('\n');
        }
    }
    out
}

fn scope_text(scope: Scope) -> &'static str {
    match scope {
        Scope::Declaration => "the declaration itself (`genai`, `genai.KEY` in a condition)",
        Scope::Use => "each use (an entry of `uses`)",
        Scope::Tool => "each tool of a use (an entry of `tools`)",
        Scope::Talent => "each performer of a use (an entry of `talent`)",
    }
}

/// `one of `a`, `b` or `c``.
fn type_text(ty: Type) -> String {
    let terms = |values: &[&str]| crate::schema::backticked(values);
    match ty {
        Type::Text => "text".to_owned(),
        Type::Texts => "a list of texts".to_owned(),
        Type::Bool => "`true` or `false`".to_owned(),
        Type::Date => "a date (`YYYY-MM-DD`)".to_owned(),
        Type::Term(values) => format!("one of {}", terms(values)),
        Type::Terms(values) => format!("one or a list of {}", terms(values)),
        Type::Structure => {
            "a mapping or a list of mappings (a condition can only ask whether it is written)"
                .to_owned()
        }
    }
}

fn default_text(default: vocabulary::Default) -> String {
    match default {
        vocabulary::Default::None => "none: absent unless written".to_owned(),
        vocabulary::Default::One(v) => format!("`{v}`"),
        vocabulary::Default::List(vs) => format!("`[{}]`", vs.join(", ")),
    }
}

/// Running text: emphasis in italics (its marks dropped), code in colour
/// (its backticks kept without colour).
fn inline(text: &str, color: bool) -> String {
    let code = Style::new().fg_color(Some(AnsiColor::Cyan.into()));
    let italic = Style::new().italic();
    let mut out = String::with_capacity(text.len());
    for (i, part) in text.split('`').enumerate() {
        if i % 2 == 1 {
            if color {
                out.push_str(&format!("{code}{part}{code:#}"));
            } else {
                out.push('`');
                out.push_str(part);
                out.push('`');
            }
            continue;
        }
        // `*word*` and `**word**` outside code.
        let mut rest = part;
        while let Some(start) = rest.find('*') {
            let marks = rest[start..].len() - rest[start..].trim_start_matches('*').len();
            let body = &rest[start + marks..];
            let close = "*".repeat(marks);
            match body.find(&close) {
                Some(end) if end > 0 && !body.starts_with(' ') && !body[..end].ends_with(' ') => {
                    out.push_str(&rest[..start]);
                    let style = if marks >= 2 {
                        Style::new().bold()
                    } else {
                        italic
                    };
                    if color {
                        out.push_str(&format!("{style}{}{style:#}", &body[..end]));
                    } else {
                        out.push_str(&body[..end]);
                    }
                    rest = &body[end + marks..];
                }
                _ => {
                    out.push_str(&rest[..start + marks]);
                    rest = body;
                }
            }
        }
        out.push_str(rest);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::rules::fixture;

    fn rule(code: &str) -> &'static Rule {
        policy::find_rule(code).unwrap()
    }

    #[test]
    fn plain_text_has_no_markdown_marks() {
        let text = render(rule("GA201"), false);
        assert!(!text.contains("###"), "{text}");
        assert!(!text.contains("```"), "{text}");
        assert!(!text.contains('\u{1b}'), "{text}");
        assert!(text.contains("\nWhat it does\n"), "{text}");
        assert!(text.contains("in Squid Game."), "{text}");
        assert!(text.contains("\n    genai:\n"), "{text}");
        assert!(text.contains("`main-character`"), "{text}");
    }

    #[test]
    fn colour_makes_headings_bold_and_underlined() {
        let text = render(rule("GA201"), true);
        let heading = Style::new().bold().underline();
        assert!(
            text.contains(&format!("{heading}What it does{heading:#}")),
            "{text}"
        );
        assert!(
            text.contains(&format!("{heading}Policy pack{heading:#}")),
            "{text}"
        );
        assert!(!text.contains("###"));
    }

    #[test]
    fn a_rule_ends_with_the_pack_it_comes_from() {
        let text = render(rule("GA201"), false);
        let (_, pack) = text.rsplit_once("\n\nPolicy pack\n").expect(&text);
        assert!(pack.starts_with("`netflix-2025-08`"), "{pack}");
        let text = render(rule("GA001"), false);
        assert!(
            text.ends_with(
                "\n\nPolicy pack\nNone: one of aiclear's own checks, which run under every policy.\n"
            ),
            "{text}"
        );
    }

    #[test]
    fn a_data_rule_reads_like_a_built_in_one() {
        let pack = fixture::pack();
        let text = render(pack.rules[0], false);
        assert_eq!(
            text,
            "NL101 voice-clone-needs-intended-use (warn)\n\n\
             a synthetic voice has no described intended use\n\n\
             What it does\nReports a voice clone without `consent-use`.\n\n\
             Policy pack\n`northlight-2026`\n"
        );
    }

    #[test]
    fn a_pack_with_its_sources_and_rules() {
        let group = Group {
            source: Source::Pack(fixture::pack()),
            rules: fixture::pack().rules.clone(),
        };
        assert_eq!(
            render_pack(&group, false),
            "\
northlight-2026 (policy pack)

Northlight Pictures house rules

Version: 2026.1
Applies: from 2026-01-15 until 2027-01-14
Superseded by: `northlight-2027`

Sources
- Northlight GenAI policy v3 (2026-01-15)
  https://northlight.example/genai-v3

Rules
NL101  voice-clone-needs-intended-use  warn      northlight-2026  a synthetic voice has no described intended use (from 2026-03-01, deny from 2026-06-01)
NL102  no-ai-writer                    warn      northlight-2026  a synthetic voice has no described intended use
"
        );
        let netflix = table::group(table::pack_named(policy::NETFLIX).unwrap());
        let text = render_pack(&netflix, false);
        assert!(
            text.starts_with("netflix-2025-08 (policy pack)\n"),
            "{text}"
        );
        assert!(text.contains("\nRules\nGA006  "), "{text}");
    }

    static CONSENT_USE: [KeyInfo; 3] = [
        KeyInfo {
            scope: Scope::Use,
            name: "consent-use",
            ty: Type::Text,
            default: vocabulary::Default::None,
            doc: "The use the performer agreed to, in their words.",
        },
        KeyInfo {
            scope: Scope::Talent,
            name: "consent-use",
            ty: Type::Text,
            default: vocabulary::Default::None,
            doc: "The use the performer agreed to, in their words.",
        },
        KeyInfo {
            scope: Scope::Tool,
            name: "consent-use",
            ty: Type::Terms(&["voice", "likeness"]),
            default: vocabulary::Default::List(&["voice"]),
            doc: "",
        },
    ];

    #[test]
    fn a_key_in_each_scope_it_is_written_in() {
        let keys: Vec<&KeyInfo> = CONSENT_USE.iter().collect();
        assert_eq!(
            render_key(&keys, false),
            "\
consent-use (declaration key)

In: each use (an entry of `uses`); each performer of a use (an entry of `talent`)
Type: text
Default: none: absent unless written

The use the performer agreed to, in their words.

In: each tool of a use (an entry of `tools`)
Type: one or a list of `voice` or `likeness`
Default: `[voice]`
"
        );
        assert_eq!(
            type_text(Type::Term(&["a", "b", "c"])),
            "one of `a`, `b` or `c`"
        );
        assert_eq!(type_text(Type::Bool), "`true` or `false`");
        assert_eq!(default_text(vocabulary::Default::One("false")), "`false`");
    }

    #[test]
    fn lookups() {
        assert!(matches!(lookup("GA201"), Some(Subject::Rule(r)) if r.code == "GA201"));
        assert!(matches!(lookup("ga201"), Some(Subject::Rule(r)) if r.code == "GA201"));
        assert!(
            matches!(lookup("key-creative-element"), Some(Subject::Rule(r)) if r.code == "GA201")
        );
        assert!(matches!(lookup(policy::NETFLIX), Some(Subject::Pack(_))));
        assert!(lookup("nowhere.consent-use").is_none());
        assert_eq!(scope_named("tools"), Some(Scope::Tool));
        assert_eq!(scope_named("genai"), Some(Scope::Declaration));
        for k in KEYS {
            let scoped = format!("{}.{}", k.scope.as_str(), k.name);
            match lookup(&scoped) {
                Some(Subject::Key(found)) => {
                    assert!(found.iter().all(|f| f.scope == k.scope), "{scoped}")
                }
                _ => panic!("{scoped} is not found"),
            }
        }
    }

    #[test]
    fn unknown_names_the_nearest() {
        assert_eq!(
            unknown("GA2O1"),
            "no rule, policy pack or declaration key is called `GA2O1`; did you mean `GA201`?"
        );
        assert_eq!(
            unknown("netflix-2025-8"),
            "no rule, policy pack or declaration key is called `netflix-2025-8`; \
             did you mean `netflix-2025-08`?"
        );
        assert!(
            unknown("qqqqqqqq").ends_with("`aiclear rules` lists the rules and the policy packs")
        );
    }

    #[test]
    fn emphasis() {
        assert_eq!(inline("a *b c* d", false), "a b c d");
        assert_eq!(inline("`**/*.fountain` * x", false), "`**/*.fountain` * x");
        assert_eq!(inline("2 * 3 * 4", false), "2 * 3 * 4");
    }
}
