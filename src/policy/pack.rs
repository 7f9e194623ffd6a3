//! Reading a pack file: its header, the packs it extends and its rules,
//! checked as strictly as a declaration.

use crate::declaration::vocabulary::Scope;
use crate::policy::condition;
use crate::policy::{Citation, DataRule, Fixture, Origin, Pack, Pin};

use crate::rules::{Check, Finding, Level, Rule, RuleInfo};
use crate::schema::{self, At, Built, Date, Field, backticked, did_you_mean};
use crate::source::{Source, Span};
use crate::yaml::{self, Key, Node, Value};

type Reader<'f> = schema::Reader<'f, Finding>;

/// Code prefixes of the built-in packs, which a studio's codes may not use.
pub const RESERVED_PREFIXES: &[&str] = &["GA", "SAG", "WGA", "EU", "APA", "BBC"];

/// Most rules one pack may hold.
const MAX_RULES: usize = 1_000;

#[derive(Default)]
struct PackFile {
    header: Option<Header>,
    extends: Vec<Pin>,
    rules: Vec<RuleFields>,
}

impl Built for PackFile {
    type Problem = Finding;
}

#[derive(Default)]
struct Header {
    id: Option<At<String>>,
    title: Option<At<String>>,
    version: Option<At<String>>,
    sources: Vec<Citation>,
    from: Option<At<Date>>,
    until: Option<At<Date>>,
    superseded_by: Option<At<String>>,
}

impl Built for Header {
    type Problem = Finding;
}

#[derive(Default)]
struct CitationFields {
    title: Option<At<String>>,
    url: Option<At<String>>,
    date: Option<At<Date>>,
}

impl Built for CitationFields {
    type Problem = Finding;
}

struct RuleFields {
    span: Span,
    code: Option<At<String>>,
    name: Option<At<String>>,
    level: Option<Level>,
    scope: Scope,
    /// The `for` value, read before `when` and `at` are checked.
    when: Option<Node>,
    at: Option<At<String>>,
    summary: Option<At<String>>,
    message: Option<At<String>>,
    label: Option<At<String>>,
    note: Option<At<String>>,
    help: Option<At<String>>,
    from: Option<At<Date>>,
    until: Option<At<Date>>,
    escalate: Vec<(Date, Level)>,
    tests: Vec<Fixture>,
}

impl Built for RuleFields {
    type Problem = Finding;
}

const TOP: &[Field<PackFile>] = &[
    Field::required("pack", |r, _, v, p| {
        let Some(entries) = r.map(v, "`pack`") else {
            return;
        };
        let mut h = Header::default();
        r.fields(entries, &v.span, "`pack`", HEADER, &mut h);
        p.header = Some(h);
    }),
    Field::optional("extends", |r, k, v, p| {
        for item in r.list(v, &k.name, true) {
            if let Some(pin) = crate::config::pin(r, item) {
                p.extends.push(pin);
            }
        }
    }),
    Field::optional("rules", |r, k, v, p| {
        let items = r.list(v, &k.name, false);
        if items.len() > MAX_RULES {
            r.invalid(
                v.span.clone(),
                format!("a pack holds at most {MAX_RULES} rules"),
                None,
            );
            return;
        }
        for item in items {
            if let Some(rule) = rule_fields(r, item) {
                p.rules.push(rule);
            }
        }
    }),
];

const HEADER: &[Field<Header>] = &[
    Field::required("id", |r, k, v, h| h.id = r.string(v, &k.name)),
    Field::required("title", |r, k, v, h| h.title = r.string(v, &k.name)),
    Field::optional("version", |r, k, v, h| h.version = r.string(v, &k.name)),
    Field::required("sources", |r, k, v, h| {
        for item in r.list(v, &k.name, false) {
            let Some(entries) = r.map(item, "a source") else {
                continue;
            };
            let mut c = CitationFields::default();
            r.fields(entries, &item.span, "a source", CITATION, &mut c);
            if let (Some(title), Some(date)) = (c.title, c.date) {
                h.sources.push(Citation {
                    title: title.value,
                    url: c.url.map(|u| u.value),
                    date: date.value,
                });
            }
        }
    }),
    Field::optional("from", |r, k, v, h| h.from = r.date(v, &k.name)),
    Field::optional("until", |r, k, v, h| h.until = r.date(v, &k.name)),
    Field::optional("superseded-by", |r, k, v, h| {
        h.superseded_by = r.string(v, &k.name)
    }),
];

const CITATION: &[Field<CitationFields>] = &[
    Field::required("title", |r, k, v, c| c.title = r.string(v, &k.name)),
    Field::optional("url", |r, k, v, c| c.url = r.string(v, &k.name)),
    Field::required("date", |r, k, v, c| c.date = r.date(v, &k.name)),
];

const RULE: &[Field<RuleFields>] = &[
    Field::required("code", |r, k, v, x| x.code = r.string(v, &k.name)),
    Field::required("name", |r, k, v, x| x.name = r.string(v, &k.name)),
    Field::required("level", |r, _, v, x| x.level = level(r, v)),
    // Read first, before `when` and `at` (see `rule_fields`).
    Field::optional("for", |_, _, _, _| {}),
    Field::required("when", |_, _, v, x| x.when = Some(v.clone())),
    Field::optional("at", |r, k, v, x| x.at = r.string(v, &k.name)),
    Field::optional("summary", |r, k, v, x| x.summary = r.string(v, &k.name)),
    Field::required("message", |r, k, v, x| x.message = r.string(v, &k.name)),
    Field::optional("label", |r, k, v, x| x.label = r.string(v, &k.name)),
    Field::required("note", |r, k, v, x| x.note = r.string(v, &k.name)),
    Field::optional("help", |r, k, v, x| x.help = r.string(v, &k.name)),
    Field::optional("from", |r, k, v, x| x.from = r.date(v, &k.name)),
    Field::optional("until", |r, k, v, x| x.until = r.date(v, &k.name)),
    Field::optional("escalate", |r, k, v, x| {
        for item in r.list(v, &k.name, false) {
            let Some(entries) = r.map(item, "an escalation") else {
                continue;
            };
            let mut on = None;
            let mut lvl = None;
            for (k, n) in entries {
                match k.name.as_str() {
                    "on" => on = r.date(n, "on"),
                    "level" => lvl = level(r, n),
                    _ => unknown_key(r, k, "an escalation", &["on", "level"]),
                }
            }
            match (on, lvl) {
                (Some(on), Some(l)) => x.escalate.push((on.value, l)),
                _ => r.invalid(
                    item.span.clone(),
                    "an escalation names the day (`on`) and the `level` from then on".into(),
                    Some("write `{ on: 2026-12-02, level: deny }`".into()),
                ),
            }
        }
        x.escalate.sort_by_key(|(d, _)| *d);
    }),
    Field::optional("tests", |r, k, v, x| {
        for item in r.list(v, &k.name, false) {
            if let Some(f) = fixture(r, item) {
                x.tests.push(f);
            }
        }
    }),
];

fn unknown_key(r: &mut Reader, k: &Key, what: &str, keys: &[&str]) {
    let help = did_you_mean(&k.name, keys).map(crate::schema::suggest);
    r.invalid(
        k.span.clone(),
        format!(
            "`{}` is not a key of {what}; its keys are {}",
            k.name,
            backticked(keys)
        ),
        help,
    );
}

const LEVELS: &[&str] = &["deny", "warn", "approval"];

fn level(r: &mut Reader, v: &Node) -> Option<Level> {
    match v.as_str() {
        Some("deny") => Some(Level::Deny),
        Some("warn") => Some(Level::Warn),
        Some("approval") => Some(Level::Approval),
        other => {
            let help = other
                .and_then(|s| did_you_mean(s, LEVELS))
                .map(crate::schema::suggest);
            r.invalid(
                v.span.clone(),
                format!("a rule's level is {}", backticked(LEVELS)),
                help,
            );
            None
        }
    }
}

fn fixture(r: &mut Reader, node: &Node) -> Option<Fixture> {
    let (path, text_node) = match &node.value {
        Value::Str(_) => ("vfx/test.yml".to_owned(), node),
        Value::Map(entries) => {
            let mut path = None;
            let mut text = None;
            for (k, v) in entries {
                match k.name.as_str() {
                    "path" => path = r.string(v, "path"),
                    "text" => text = Some(v),
                    _ => unknown_key(r, k, "a test", &["path", "text"]),
                }
            }
            let Some(text) = text else {
                r.invalid(
                    node.span.clone(),
                    "a test names the file's `text`".into(),
                    Some("write the text as a block: `text: |` and the file's lines below".into()),
                );
                return None;
            };
            let path = path.map_or_else(|| "vfx/test.yml".to_owned(), |p| p.value);
            (path, text)
        }
        other => {
            r.invalid(
                node.span.clone(),
                format!(
                    "a test is a file's text, or `{{ path, text }}`, found {}",
                    other.kind()
                ),
                None,
            );
            return None;
        }
    };
    let text = r.string(text_node, "text")?;
    Some(Fixture {
        path,
        text: text.value,
        // Resolved to a line by `parse` (it has the file).
        line: text.span.start,
    })
}

fn rule_fields(r: &mut Reader, node: &Node) -> Option<RuleFields> {
    let entries = r.map(node, "a rule")?;
    let mut x = RuleFields {
        span: node.span.clone(),
        code: None,
        name: None,
        level: None,
        scope: Scope::Use,
        when: None,
        at: None,
        summary: None,
        message: None,
        label: None,
        note: None,
        help: None,
        from: None,
        until: None,
        escalate: Vec::new(),
        tests: Vec::new(),
    };
    if let Some((_, v)) = entries.iter().find(|(k, _)| k.name == "for") {
        const SCOPES: &[&str] = &["declaration", "use", "tool", "talent"];
        match v.as_str() {
            Some("declaration") => x.scope = Scope::Declaration,
            Some("use") => x.scope = Scope::Use,
            Some("tool") => x.scope = Scope::Tool,
            Some("talent") => x.scope = Scope::Talent,
            other => {
                let help = other
                    .and_then(|s| did_you_mean(s, SCOPES))
                    .map(crate::schema::suggest);
                r.invalid(
                    v.span.clone(),
                    format!(
                        "`for` is {}: what each finding is about",
                        backticked(SCOPES)
                    ),
                    help,
                );
                return None;
            }
        }
    }
    r.fields(entries, &node.span, "a rule", RULE, &mut x);
    Some(x)
}

fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn is_code(s: &str) -> bool {
    let letters = s.bytes().take_while(u8::is_ascii_uppercase).count();
    let digits = &s[letters..];
    (2..=8).contains(&letters) && digits.len() == 3 && digits.bytes().all(|b| b.is_ascii_digit())
}

/// The family of a pack id: the id without its trailing version
/// (`sag-aftra-2023` → `sag-aftra`, `netflix-2025-08` → `netflix`).
pub fn family_of(id: &str) -> &str {
    let mut end = id.len();
    while let Some(dash) = id[..end].rfind('-') {
        let part = &id[dash + 1..end];
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            break;
        }
        end = dash;
    }
    &id[..end]
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// Read a pack file. Its rules are built for the life of the process.
pub fn parse(source: &Source, origin: Origin) -> Result<Pack, Vec<Finding>> {
    let mut findings = Vec::new();
    let root = match yaml::parse_file(&source.bytes, "the policy pack") {
        Ok(node) => node,
        Err(p) => return Err(vec![Finding::from(*p)]),
    };
    let mut r = Reader {
        problems: &mut findings,
    };
    let mut file = PackFile::default();
    if let Some(entries) = r.map(&root, "a policy pack") {
        r.fields(entries, &root.span, "a policy pack", TOP, &mut file);
    }
    let header = file.header.unwrap_or_default();
    let id = header.id.clone();
    if let Some(id) = &id
        && !is_kebab(&id.value)
    {
        r.invalid(
            id.span.clone(),
            format!("the pack id `{}` must be kebab-case", id.value),
            Some("use lowercase letters, digits and `-`, e.g. `northlight-2026`".into()),
        );
    }
    if let (Some(from), Some(until)) = (&header.from, &header.until)
        && until.value < from.value
    {
        r.invalid(
            until.span.clone(),
            format!(
                "the pack ends ({}) before it starts ({})",
                until.value, from.value
            ),
            None,
        );
    }
    let pack_id = leak(id.as_ref().map_or_else(String::new, |i| i.value.clone()));
    let mut rules: Vec<&'static Rule> = Vec::new();
    let mut seen: Vec<(String, String)> = Vec::new();
    for x in file.rules {
        if let Some(rule) = build_rule(&mut r, x, pack_id, &origin, source, &mut seen) {
            rules.push(rule);
        }
    }
    rules.sort_by_key(|r| r.code);
    if !findings.is_empty() {
        return Err(findings);
    }
    let id = id.map(|i| i.value).unwrap_or_default();
    let version = header.version.map_or_else(
        || {
            id[family_of(&id).len()..]
                .trim_start_matches('-')
                .to_owned()
        },
        |v| v.value,
    );
    let mut pack = Pack {
        family: family_of(&id).to_owned(),
        id,
        version,
        title: header.title.map(|t| t.value).unwrap_or_default(),
        sources: header.sources,
        from: header.from.map(|d| d.value),
        until: header.until.map(|d| d.value),
        superseded_by: header.superseded_by.map(|s| s.value),
        rules,
        extends: file.extends,
        origin,
        digest: Some(crate::digest::sha256_hex(&source.bytes)),
    };
    pack.rules = pack
        .rules
        .iter()
        .map(|rule| with_explanation(rule, &pack))
        .collect();
    Ok(pack)
}

/// Check a rule's code and name, and that no other rule of the pack has
/// them.
fn identity(
    r: &mut Reader,
    code: &At<String>,
    name: &At<String>,
    origin: &Origin,
    seen: &mut Vec<(String, String)>,
) -> bool {
    let mut ok = true;
    if !is_code(&code.value) {
        r.invalid(
            code.span.clone(),
            format!(
                "the rule code `{}` must be 2 to 8 capital letters and 3 digits",
                code.value
            ),
            Some("e.g. `NL101`".into()),
        );
        ok = false;
    } else if *origin != Origin::BuiltIn
        && let Some(p) = RESERVED_PREFIXES
            .iter()
            .find(|p| code.value.trim_end_matches(|c: char| c.is_ascii_digit()) == **p)
    {
        r.invalid(
            code.span.clone(),
            format!("the code prefix `{p}` belongs to aiclear's built-in packs"),
            Some("give the studio's rules a prefix of its own, e.g. `NL101`".into()),
        );
        ok = false;
    }
    if !is_kebab(&name.value) {
        r.invalid(
            name.span.clone(),
            format!("the rule name `{}` must be kebab-case", name.value),
            None,
        );
        ok = false;
    }
    if let Some((c, _)) = seen
        .iter()
        .find(|(c, n)| *c == code.value || *n == name.value)
    {
        let what = if *c == code.value { "code" } else { "name" };
        r.invalid(
            code.span.clone(),
            format!("another rule of this pack has the same {what}"),
            None,
        );
        ok = false;
    }
    seen.push((code.value.clone(), name.value.clone()));
    ok
}

fn build_rule(
    r: &mut Reader,
    x: RuleFields,
    pack: &'static str,
    origin: &Origin,
    source: &Source,
    seen: &mut Vec<(String, String)>,
) -> Option<&'static Rule> {
    let (code, name) = (x.code?, x.name?);
    let mut ok = identity(r, &code, &name, origin, seen);
    let when_node = x.when?;
    let when = condition::read(r, &when_node, x.scope);
    if let Some(at) = &x.at
        && !condition::check_at(r, &at.value, at.span.clone(), x.scope)
    {
        ok = false;
    }
    let level = x.level?;
    if level == Level::Approval && x.scope == Scope::Declaration {
        r.invalid(
            x.span.clone(),
            "an `approval` rule is about a use: approvals cover uses".into(),
            Some("write `for: use` (or `tool`, `talent`), or another level".into()),
        );
        ok = false;
    }
    let message = x.message?;
    let note = x.note?;
    for t in [Some(&message), x.label.as_ref(), x.help.as_ref()]
        .into_iter()
        .flatten()
    {
        let wanted = condition::placeholders(&t.value).len();
        if condition::check_template(r, &t.value, t.span.clone(), x.scope).len() != wanted {
            ok = false;
        }
    }
    if let (Some(from), Some(until)) = (&x.from, &x.until)
        && until.value < from.value
    {
        r.invalid(
            until.span.clone(),
            format!(
                "the rule stops ({}) before it starts ({})",
                until.value, from.value
            ),
            None,
        );
        ok = false;
    }
    let when = when?;
    if !ok {
        return None;
    }
    let summary = x.summary.map_or_else(|| message.value.clone(), |s| s.value);
    let tests = x
        .tests
        .into_iter()
        .map(|mut f| {
            f.line = fixture_line(&source.bytes, f.line);
            f
        })
        .collect();
    let data: &'static DataRule = Box::leak(Box::new(DataRule {
        scope: x.scope,
        when,
        at: x.at.map(|a| a.value),
        message: message.value,
        label: x.label.map_or_else(|| summary.clone(), |l| l.value),
        help: x.help.map(|h| h.value),
        from: x.from.map(|d| d.value),
        until: x.until.map(|d| d.value),
        escalate: x.escalate,
        tests,
    }));
    Some(Box::leak(Box::new(Rule {
        info: RuleInfo {
            code: leak(code.value),
            name: leak(name.value),
            level,
            summary: leak(summary),
            guideline: leak(note.value),
            explanation: "",
            pack: Some(pack),
        },
        check: Check::Policy(data),
    })))
}

/// The 1-based line a fixture's text starts on: the line after a block
/// scalar's `|`.
fn fixture_line(bytes: &[u8], offset: usize) -> usize {
    let line = yaml::line_of(bytes, offset.min(bytes.len()));
    match bytes.get(offset) {
        Some(b'|' | b'>') => line + 1,
        _ => line,
    }
}

/// The rule with its long text, in the shape of the built-in rules'
/// explanations: what it does, why, an example and the fix.
fn with_explanation(rule: &'static Rule, pack: &Pack) -> &'static Rule {
    let Check::Policy(data) = rule.check else {
        return rule;
    };
    let mut text = String::new();
    text.push_str("### What it does\n");
    text.push_str(&format!(
        "{}. It fires for each {} where {}.\n",
        capitalise(rule.summary),
        scope_word(data.scope),
        data.when
    ));
    if let Some(d) = data.from {
        text.push_str(&format!("\nIt applies from {d}"));
        match data.until {
            Some(u) => text.push_str(&format!(" to {u}.\n")),
            None => text.push_str(".\n"),
        }
    } else if let Some(u) = data.until {
        text.push_str(&format!("\nIt applies until {u}.\n"));
    }
    for (on, level) in &data.escalate {
        text.push_str(&format!("\nFrom {on} its level is `{}`.\n", level.as_str()));
    }
    text.push_str("\n### Why it matters\n");
    text.push_str(rule.guideline);
    text.push('\n');
    text.push_str(&format!(
        "\nFrom the policy pack `{}` ({}). Sources:\n",
        pack.id, pack.title
    ));
    for s in &pack.sources {
        match &s.url {
            Some(u) => text.push_str(&format!("- {} ({}), <{u}>\n", s.title, s.date)),
            None => text.push_str(&format!("- {} ({})\n", s.title, s.date)),
        }
    }
    let annotated = |word: &str| {
        data.tests.iter().find(|f| {
            f.text.lines().any(|l| {
                l.trim_start()
                    .trim_start_matches(['#', '/'])
                    .trim()
                    .strip_prefix(word)
                    .is_some_and(|rest| rest.contains(rule.code))
            })
        })
    };
    if let Some(f) = annotated("ruleid:") {
        text.push_str(&format!("\n### Example\n```yaml\n{}```\n", f.text));
    }
    if let Some(f) = annotated("ok:") {
        text.push_str(&format!("\nUse instead:\n```yaml\n{}```\n", f.text));
    }
    if let Some(h) = &data.help {
        text.push_str(&format!("\nThe fix: {h}.\n"));
    }
    // Written like a `///` comment, a space before each line, as
    // `RuleInfo::explanation_text` reads it.
    let text: String = text.lines().map(|l| format!(" {l}\n")).collect();
    Box::leak(Box::new(Rule {
        info: RuleInfo {
            explanation: leak(text),
            ..rule.info
        },
        check: rule.check,
    }))
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn scope_word(scope: Scope) -> &'static str {
    match scope {
        Scope::Declaration => "declaration",
        Scope::Use => "use",
        Scope::Tool => "tool of a use",
        Scope::Talent => "talent entry of a use",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_family_is_the_id_without_its_version() {
        assert_eq!(family_of("sag-aftra-2023"), "sag-aftra");
        assert_eq!(family_of("netflix-2025-08"), "netflix");
        assert_eq!(family_of("eu-ai-act-art50"), "eu-ai-act-art50");
        assert_eq!(family_of("studio"), "studio");
        assert_eq!(family_of("2026"), "2026");
    }

    #[test]
    fn codes_are_letters_then_three_digits() {
        assert!(is_code("NL101"));
        assert!(is_code("SAG101"));
        assert!(!is_code("N101"));
        assert!(!is_code("NL10"));
        assert!(!is_code("nl101"));
        assert!(!is_code("NL1011"));
    }
}
