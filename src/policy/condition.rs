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

use crate::config::Globs;
use crate::declaration::Declaration;
use crate::declaration::vocabulary::{self, Default as KeyDefault, KeyInfo, Scope, Type};
use crate::policy::DataRule;
use crate::rules::{Context, Finding, Rule};
use crate::schema::{Date, Reader, backticked, clip, did_you_mean};
use crate::source::Span;
use crate::yaml::{Key, Node, Value};

/// A compiled condition.
#[derive(Debug, Clone)]
pub enum Condition {
    All(Vec<Condition>),
    Any(Vec<Condition>),
    Not(Box<Condition>),
    /// A test of one key's value.
    Key(KeyRef, Test),
    /// The file (a sidecar's media file) matches one of these globs.
    Path(Globs),
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
pub const MEDIA_KEYS: &[&str] = &["c2pa", "xmp", "source-type"];

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

const FILE_SETS: &[&str] = &["scripts", "metadata", "media"];
const FORMATS: &[&str] = &["fountain", "markdown", "yaml", "json", "usda", "sidecar"];
const FORMS: &[&str] = &[
    "all",
    "any",
    "not",
    "key",
    "path",
    "files",
    "format",
    "deliverable",
];
const TESTS: &[&str] = &["is", "in", "present", "before", "after", "matches"];

/// Deepest nesting of `all`/`any`/`not` a condition may have.
const MAX_DEPTH: usize = 16;

/// Read a condition for items of `scope`.
pub fn read(r: &mut Reader<'_, Finding>, node: &Node, scope: Scope) -> Option<Condition> {
    read_at(r, node, scope, 0)
}

fn read_at(
    r: &mut Reader<'_, Finding>,
    node: &Node,
    scope: Scope,
    depth: usize,
) -> Option<Condition> {
    if depth > MAX_DEPTH {
        r.invalid(
            node.span.clone(),
            format!("a condition may nest `all`, `any` and `not` at most {MAX_DEPTH} deep"),
            None,
        );
        return None;
    }
    let entries = r.map(node, "a condition")?;
    let Some((form, value)) = entries
        .iter()
        .find(|(k, _)| FORMS.contains(&k.name.as_str()))
    else {
        let (k, _) = entries
            .first()
            .map_or((None, None), |(k, v)| (Some(k), Some(v)));
        let span = k.map_or(node.span.clone(), |k| k.span.clone());
        let help = k
            .and_then(|k| did_you_mean(&k.name, FORMS))
            .map(|s| format!("did you mean `{s}`?"))
            .or_else(|| Some(format!("a condition is one of {}", backticked(FORMS))));
        r.invalid(
            span,
            "a condition needs one of `all`, `any`, `not`, `key`, `path`, `files`, `format` or `deliverable`".into(),
            help,
        );
        return None;
    };
    match form.name.as_str() {
        "all" | "any" => {
            only_keys(r, entries, &[&form.name]);
            let items = r.list(value, &form.name, false);
            if items.is_empty() {
                r.invalid(
                    value.span.clone(),
                    format!("`{}` needs at least one condition", form.name),
                    None,
                );
                return None;
            }
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                out.push(read_at(r, item, scope, depth + 1)?);
            }
            Some(if form.name == "all" {
                Condition::All(out)
            } else {
                Condition::Any(out)
            })
        }
        "not" => {
            only_keys(r, entries, &["not"]);
            Some(Condition::Not(Box::new(read_at(
                r,
                value,
                scope,
                depth + 1,
            )?)))
        }
        "path" => {
            only_keys(r, entries, &["path"]);
            let items = r.list(value, "path", true);
            let patterns: Vec<String> = items
                .iter()
                .filter_map(|n| r.string(n, "path"))
                .map(|s| s.value)
                .collect();
            match Globs::any_case(patterns) {
                Ok(g) => Some(Condition::Path(g)),
                Err((i, e)) => {
                    let span = items.get(i).map_or(value.span.clone(), |n| n.span.clone());
                    r.invalid(span, format!("this glob is not valid: {e}"), None);
                    None
                }
            }
        }
        "files" => {
            only_keys(r, entries, &["files"]);
            let text = r.string(value, "files")?;
            match FILE_SETS.iter().find(|s| **s == text.value) {
                Some(s) => Some(Condition::Files(s)),
                None => {
                    unknown_term(r, &text.value, value.span.clone(), "files", FILE_SETS);
                    None
                }
            }
        }
        "format" => {
            only_keys(r, entries, &["format"]);
            let text = r.string(value, "format")?;
            match FORMATS.iter().find(|s| **s == text.value) {
                Some(s) => Some(Condition::Format(s)),
                None => {
                    unknown_term(r, &text.value, value.span.clone(), "format", FORMATS);
                    None
                }
            }
        }
        "deliverable" => {
            only_keys(r, entries, &["deliverable"]);
            r.bool(value, "deliverable")
                .map(|b| Condition::Deliverable(b.value))
        }
        _ => read_key_test(r, entries, form, value, scope),
    }
}

/// A condition mapping holds its form's keys only.
fn only_keys(r: &mut Reader<'_, Finding>, entries: &[(Key, Node)], allowed: &[&str]) {
    for (k, _) in entries {
        if !allowed.contains(&k.name.as_str()) {
            r.invalid(
                k.span.clone(),
                format!(
                    "`{}` cannot stand beside {} in one condition",
                    k.name,
                    backticked(allowed)
                ),
                Some("write each condition as its own mapping, inside `all:` or `any:`".to_owned()),
            );
        }
    }
}

fn unknown_term(r: &mut Reader<'_, Finding>, text: &str, span: Span, what: &str, terms: &[&str]) {
    let help = did_you_mean(text, terms).map(|s| format!("did you mean `{s}`?"));
    r.invalid(
        span,
        format!(
            "`{}` is not a value of `{what}`; it is one of {}",
            clip(text),
            backticked(terms)
        ),
        help,
    );
}

fn read_key_test(
    r: &mut Reader<'_, Finding>,
    entries: &[(Key, Node)],
    form: &Key,
    value: &Node,
    scope: Scope,
) -> Option<Condition> {
    let _ = form;
    let name = r.string(value, "key")?;
    let key = key_ref(r, &name.value, value.span.clone(), scope)?;
    let mut test = None;
    for (k, v) in entries {
        if k.name == "key" {
            continue;
        }
        if !TESTS.contains(&k.name.as_str()) {
            let help = did_you_mean(&k.name, TESTS).map(|s| format!("did you mean `{s}`?"));
            r.invalid(
                k.span.clone(),
                format!(
                    "`{}` is not a test of a key; a key is tested with {}",
                    k.name,
                    backticked(TESTS)
                ),
                help,
            );
            return None;
        }
        if test.is_some() {
            r.invalid(
                k.span.clone(),
                "one condition tests its key once".into(),
                Some("write each test as its own condition, inside `all:` or `any:`".into()),
            );
            return None;
        }
        test = Some(read_test(r, k, v, &key, scope)?);
    }
    let Some(test) = test else {
        r.invalid(
            form.span.clone(),
            format!("`key: {}` says which key, but not what to test", name.value),
            Some(format!("add one of {}", backticked(TESTS))),
        );
        return None;
    };
    Some(Condition::Key(key, test))
}

/// Resolve a key name as seen from `scope`.
fn key_ref(r: &mut Reader<'_, Finding>, text: &str, span: Span, scope: Scope) -> Option<KeyRef> {
    let (reach, key_scope, name) = match text.split_once('.') {
        None => (Reach::Item, Some(scope), text),
        Some(("genai", rest)) => (Reach::Genai, Some(Scope::Declaration), rest),
        Some(("use", rest)) if matches!(scope, Scope::Tool | Scope::Talent) => {
            (Reach::Use, Some(Scope::Use), rest)
        }
        Some(("tools", rest)) if scope == Scope::Use => {
            (Reach::Each(Scope::Tool), Some(Scope::Tool), rest)
        }
        Some(("talent", rest)) if scope == Scope::Use => {
            (Reach::Each(Scope::Talent), Some(Scope::Talent), rest)
        }
        Some(("media", rest)) => (Reach::Media, None, rest),
        Some((prefix, _)) => {
            let prefixes: &[&str] = match scope {
                Scope::Use => &["genai", "tools", "talent", "media"],
                Scope::Tool | Scope::Talent => &["genai", "use", "media"],
                Scope::Declaration => &["genai", "media"],
            };
            r.invalid(
                span,
                format!(
                    "`{prefix}.` does not name a mapping seen from a {} rule; it can be {}",
                    scope.as_str(),
                    backticked(prefixes)
                ),
                None,
            );
            return None;
        }
    };
    let info = match key_scope {
        Some(s) => match vocabulary::key(s, name) {
            Some(k) => Some(k),
            None => {
                let names: Vec<&str> = vocabulary::names(s).collect();
                let help = did_you_mean(name, &names).map(|m| format!("did you mean `{m}`?"));
                r.invalid(
                    span,
                    format!("`{name}` is not a key of {}", scope_noun(s)),
                    help.or_else(|| Some(format!("its keys are {}", backticked(&names)))),
                );
                return None;
            }
        },
        None if MEDIA_KEYS.contains(&name) => None,
        None => {
            let help = did_you_mean(name, MEDIA_KEYS).map(|m| format!("did you mean `{m}`?"));
            r.invalid(
                span,
                format!(
                    "`media.{name}` is not a fact of the media file; it is one of {}",
                    backticked(MEDIA_KEYS)
                ),
                help,
            );
            return None;
        }
    };
    Some(KeyRef {
        text: text.to_owned(),
        reach,
        name: name.to_owned(),
        info,
    })
}

fn scope_noun(scope: Scope) -> &'static str {
    match scope {
        Scope::Declaration => "`genai`",
        Scope::Use => "a use",
        Scope::Tool => "a tool",
        Scope::Talent => "a talent entry",
    }
}

fn scalar_text(node: &Node) -> Option<String> {
    match &node.value {
        Value::Str(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Int(i) => Some(i.to_string()),
        Value::Float(f) => Some(f.to_string()),
        _ => None,
    }
}

/// A value a condition compares a key with, checked against the key's type.
fn read_value(r: &mut Reader<'_, Finding>, node: &Node, key: &KeyRef) -> Option<String> {
    let Some(text) = scalar_text(node) else {
        r.invalid(
            node.span.clone(),
            format!(
                "the value `{}` is compared with must be one value, found {}",
                key.text,
                node.value.kind()
            ),
            None,
        );
        return None;
    };
    match key.ty() {
        Type::Term(terms) | Type::Terms(terms) => {
            if terms.contains(&text.as_str()) {
                Some(text)
            } else {
                unknown_term(r, &text, node.span.clone(), &key.text, terms);
                None
            }
        }
        Type::Bool => match text.as_str() {
            "true" | "false" => Some(text),
            _ => {
                r.invalid(
                    node.span.clone(),
                    format!(
                        "`{}` is `true` or `false`, found `{}`",
                        key.text,
                        clip(&text)
                    ),
                    None,
                );
                None
            }
        },
        Type::Date => match text.parse::<Date>() {
            Ok(d) => Some(d.to_string()),
            Err(_) => {
                r.invalid(
                    node.span.clone(),
                    format!(
                        "`{}` is a date (YYYY-MM-DD), found `{}`",
                        key.text,
                        clip(&text)
                    ),
                    None,
                );
                None
            }
        },
        Type::Structure => {
            r.invalid(
                node.span.clone(),
                format!(
                    "`{}` is a mapping or a list of mappings: a condition can only ask whether it is written (`present:`), or test its keys (`tools.name`, `talent.kind`)",
                    key.text
                ),
                None,
            );
            None
        }
        Type::Text | Type::Texts => Some(text),
    }
}

fn read_test(
    r: &mut Reader<'_, Finding>,
    k: &Key,
    v: &Node,
    key: &KeyRef,
    scope: Scope,
) -> Option<Test> {
    match k.name.as_str() {
        "is" => read_value(r, v, key).map(Test::Is),
        "in" => {
            let items = r.list(v, "in", false);
            if items.is_empty() {
                r.invalid(v.span.clone(), "`in` needs at least one value".into(), None);
                return None;
            }
            let mut values = Vec::with_capacity(items.len());
            for item in items {
                values.push(read_value(r, item, key)?);
            }
            Some(Test::In(values))
        }
        "present" => r.bool(v, "present").map(|b| Test::Present(b.value)),
        "before" | "after" => {
            if key.ty() != Type::Date {
                r.invalid(
                    k.span.clone(),
                    format!(
                        "`{}` compares dates, and `{}` is not a date",
                        k.name, key.text
                    ),
                    None,
                );
                return None;
            }
            let d = read_date_ref(r, v, scope)?;
            Some(if k.name == "before" {
                Test::Before(d)
            } else {
                Test::After(d)
            })
        }
        "matches" => {
            if !matches!(key.ty(), Type::Text | Type::Texts) {
                r.invalid(
                    k.span.clone(),
                    format!("`matches` tests text, and `{}` is not text", key.text),
                    Some("compare terms with `is` or `in`".into()),
                );
                return None;
            }
            let pattern = r.string(v, "matches")?;
            match regex::RegexBuilder::new(&pattern.value)
                .case_insensitive(true)
                .size_limit(1 << 20)
                .build()
            {
                Ok(re) => Some(Test::Matches(re)),
                Err(e) => {
                    r.invalid(
                        v.span.clone(),
                        format!("this pattern is not a valid regular expression: {e}"),
                        None,
                    );
                    None
                }
            }
        }
        _ => unreachable!("tests are checked before"),
    }
}

fn read_date_ref(r: &mut Reader<'_, Finding>, v: &Node, scope: Scope) -> Option<DateRef> {
    if let Value::Map(entries) = &v.value {
        let mut key = None;
        let mut days = 0i64;
        for (k, n) in entries {
            match k.name.as_str() {
                "key" => {
                    let name = r.string(n, "key")?;
                    let other = key_ref(r, &name.value, n.span.clone(), scope)?;
                    if other.ty() != Type::Date {
                        r.invalid(
                            n.span.clone(),
                            format!("`{}` is not a date", other.text),
                            None,
                        );
                        return None;
                    }
                    key = Some(other);
                }
                "days" => match &n.value {
                    Value::Int(i) if i.abs() <= 36_500 => days = *i,
                    _ => {
                        r.invalid(
                            n.span.clone(),
                            "`days` is a whole number of days, from -36500 to 36500".into(),
                            None,
                        );
                        return None;
                    }
                },
                other => {
                    r.invalid(
                        k.span.clone(),
                        format!("`{other}` is not part of a date to compare with"),
                        Some("write a date, or `{ key: OTHER-DATE-KEY, days: N }`".into()),
                    );
                    return None;
                }
            }
        }
        let Some(key) = key else {
            r.invalid(
                v.span.clone(),
                "a date to compare with names its `key`".into(),
                None,
            );
            return None;
        };
        return Some(DateRef::Key(key, days));
    }
    r.date(v, "a date").map(|d| DateRef::Date(d.value))
}

// ---------------------------------------------------------------------------
// Evaluation

/// One item of a declaration a rule is run over, with what it belongs to.
#[derive(Clone, Copy)]
struct Item<'a> {
    node: &'a Node,
    use_node: Option<&'a Node>,
    decl: &'a Declaration,
    ctx: &'a Context,
}

/// A key's value as an item has it.
struct Looked<'a> {
    written: bool,
    values: Vec<(String, Option<&'a Node>)>,
    /// The key, when written.
    key: Option<&'a Key>,
}

fn entry<'a>(node: &'a Node, name: &str) -> Option<(&'a Key, &'a Node)> {
    match &node.value {
        Value::Map(entries) => entries
            .iter()
            .find(|(k, _)| k.name == name)
            .map(|(k, v)| (k, v)),
        _ => None,
    }
}

fn texts(node: &Node) -> Vec<(String, Option<&Node>)> {
    match &node.value {
        Value::Seq(items) => items
            .iter()
            .filter_map(|n| scalar_text(n).map(|t| (t, Some(n))))
            .collect(),
        Value::Null | Value::Map(_) => Vec::new(),
        _ => scalar_text(node)
            .map(|t| vec![(t, Some(node))])
            .unwrap_or_default(),
    }
}

fn is_written(node: &Node) -> bool {
    match &node.value {
        Value::Null => false,
        Value::Seq(items) => !items.is_empty(),
        Value::Map(entries) => !entries.is_empty(),
        Value::Str(s) => !s.trim().is_empty(),
        _ => true,
    }
}

fn look_in<'a>(node: &'a Node, info: &KeyInfo) -> Looked<'a> {
    match entry(node, info.name) {
        Some((k, v)) if is_written(v) => Looked {
            written: true,
            values: texts(v),
            key: Some(k),
        },
        _ => Looked {
            written: false,
            values: match info.default {
                KeyDefault::None => Vec::new(),
                KeyDefault::One(v) => vec![(v.to_owned(), None)],
                KeyDefault::List(vs) => vs.iter().map(|v| ((*v).to_owned(), None)).collect(),
            },
            key: None,
        },
    }
}

fn items_of<'a>(use_node: &'a Node, key: &str) -> &'a [Node] {
    match entry(use_node, key).map(|(_, v)| &v.value) {
        Some(Value::Seq(items)) => items,
        _ => &[],
    }
}

fn look<'a>(item: &Item<'a>, key: &KeyRef) -> Looked<'a> {
    match key.reach {
        Reach::Item => look_in(item.node, key.info.expect("declaration keys have info")),
        Reach::Use => match item.use_node {
            Some(u) => look_in(u, key.info.expect("use keys have info")),
            None => Looked {
                written: false,
                values: Vec::new(),
                key: None,
            },
        },
        Reach::Genai => {
            let info = key.info.expect("genai keys have info");
            let mut found = look_in(&item.decl.node, info);
            if !found.written && info.name == "territories" && !item.ctx.territories.is_empty() {
                found.written = true;
                found.values = item
                    .ctx
                    .territories
                    .iter()
                    .map(|t| (t.clone(), None))
                    .collect();
            }
            found
        }
        Reach::Each(scope) => {
            let info = key.info.expect("item keys have info");
            let list = if scope == Scope::Tool {
                "tools"
            } else {
                "talent"
            };
            let mut out = Looked {
                written: false,
                values: Vec::new(),
                key: None,
            };
            for n in items_of(item.node, list) {
                let l = look_in(n, info);
                out.written |= l.written;
                if out.key.is_none() {
                    out.key = l.key;
                }
                out.values.extend(l.values);
            }
            out
        }
        Reach::Media => {
            let record = item.ctx.media.as_ref().and_then(|m| m.own.record());
            let Some(record) = record else {
                return Looked {
                    written: false,
                    values: Vec::new(),
                    key: None,
                };
            };
            let values = match key.name.as_str() {
                "c2pa" => vec![((!record.manifests.is_empty()).to_string(), None)],
                "xmp" => {
                    let xmp = record.marks.iter().any(|m| m.place.starts_with("XMP"));
                    vec![(xmp.to_string(), None)]
                }
                _ => record
                    .marks
                    .iter()
                    .map(|m| (m.term.clone(), None))
                    .collect(),
            };
            Looked {
                written: true,
                values,
                key: None,
            }
        }
    }
}

fn date_of(text: &str) -> Option<Date> {
    text.get(..10)?.parse().ok()
}

fn holds(c: &Condition, item: &Item<'_>) -> bool {
    match c {
        Condition::All(items) => items.iter().all(|c| holds(c, item)),
        Condition::Any(items) => items.iter().any(|c| holds(c, item)),
        Condition::Not(c) => !holds(c, item),
        Condition::Path(globs) => globs.is_match(file_path(item.ctx)),
        Condition::Files(set) => item.ctx.set == Some(*set),
        Condition::Format(f) => item.ctx.kind.is_some_and(|k| format_name(k) == *f),
        Condition::Deliverable(b) => item.ctx.deliverable == *b,
        Condition::Key(key, test) => {
            let found = look(item, key);
            let text_key = matches!(key.ty(), Type::Text | Type::Texts);
            let eq = |a: &str, b: &str| {
                if text_key {
                    a.trim().eq_ignore_ascii_case(b.trim())
                } else {
                    a == b
                }
            };
            match test {
                Test::Present(p) => found.written == *p,
                Test::Is(v) => found.values.iter().any(|(t, _)| eq(t, v)),
                Test::In(vs) => found
                    .values
                    .iter()
                    .any(|(t, _)| vs.iter().any(|v| eq(t, v))),
                Test::Matches(re) => found.values.iter().any(|(t, _)| re.is_match(t)),
                Test::Before(d) | Test::After(d) => {
                    let Some(limit) = resolve_date(d, item) else {
                        return false;
                    };
                    let before = matches!(test, Test::Before(_));
                    found
                        .values
                        .iter()
                        .filter_map(|(t, _)| date_of(t))
                        .any(|v| if before { v < limit } else { v > limit })
                }
            }
        }
    }
}

fn resolve_date(d: &DateRef, item: &Item<'_>) -> Option<Date> {
    match d {
        DateRef::Date(d) => Some(*d),
        DateRef::Key(k, days) => {
            let found = look(item, k);
            let first = found.values.first().and_then(|(t, _)| date_of(t))?;
            first.checked_add(jiff::Span::new().days(*days)).ok()
        }
    }
}

/// The file a condition's `path` matches: a sidecar's media file, else the
/// file itself.
fn file_path(ctx: &Context) -> &str {
    ctx.media
        .as_ref()
        .map_or(ctx.path.as_str(), |m| m.path.as_str())
}

/// The name `format:` gives a file kind.
pub fn format_name(kind: crate::kind::FileKind) -> &'static str {
    use crate::kind::FileKind;
    match kind {
        FileKind::Fountain => "fountain",
        FileKind::Markdown => "markdown",
        FileKind::Yaml => "yaml",
        FileKind::Json => "json",
        FileKind::Usda => "usda",
        FileKind::Sidecar => "sidecar",
    }
}

/// The first key a condition tests (depth first) that `item` writes: where
/// a finding points when the rule names no `at`.
fn first_written<'a>(c: &Condition, item: &Item<'a>) -> Option<Span> {
    match c {
        Condition::All(items) | Condition::Any(items) => {
            items.iter().find_map(|c| first_written(c, item))
        }
        Condition::Not(c) => first_written(c, item),
        Condition::Key(k, _) if k.reach == Reach::Item => span_of(&look(item, k)),
        _ => None,
    }
}

/// Where a looked-up key points: its scalar value, else its key.
fn span_of(found: &Looked<'_>) -> Option<Span> {
    if !found.written {
        return None;
    }
    if let Some((_, Some(n))) = found.values.first() {
        return Some(n.span.clone());
    }
    found.key.map(|k| k.span.clone())
}

/// Where a finding about the whole item points.
fn anchor(item: &Item<'_>, scope: Scope) -> Span {
    let named = |key: &str| {
        entry(item.node, key).map(|(k, v)| {
            if scalar_text(v).is_some() {
                v.span.clone()
            } else {
                k.span.clone()
            }
        })
    };
    match scope {
        Scope::Declaration => Some(item.decl.key_span.clone()),
        Scope::Use => named("id"),
        Scope::Tool => named("name"),
        Scope::Talent => named("performer"),
    }
    .unwrap_or(item.node.span.start..item.node.span.start)
}

/// `{KEY}` replaced by the item's value of KEY.
pub fn fill(template: &str, mut value: impl FnMut(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let name = &rest[open + 1..open + close];
        out.push_str(&rest[..open]);
        match value(name) {
            Some(v) => out.push_str(&v),
            None => out.push_str(&rest[open..=open + close]),
        }
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out
}

/// The placeholders of a template: the names between braces.
pub fn placeholders(template: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        out.push(&rest[open + 1..open + close]);
        rest = &rest[open + close + 1..];
    }
    out
}

/// Check a template's placeholders name keys seen from `scope`.
pub fn check_template(
    r: &mut Reader<'_, Finding>,
    template: &str,
    span: Span,
    scope: Scope,
) -> Vec<KeyRef> {
    placeholders(template)
        .into_iter()
        .filter_map(|name| key_ref(r, name, span.clone(), scope))
        .collect()
}

fn item_text(item: &Item<'_>, scope: Scope, name: &str) -> Option<String> {
    let (reach, key_scope, bare) = match name.split_once('.') {
        None => (Reach::Item, Some(scope), name),
        Some(("genai", rest)) => (Reach::Genai, Some(Scope::Declaration), rest),
        Some(("use", rest)) => (Reach::Use, Some(Scope::Use), rest),
        Some(("tools", rest)) => (Reach::Each(Scope::Tool), Some(Scope::Tool), rest),
        Some(("talent", rest)) => (Reach::Each(Scope::Talent), Some(Scope::Talent), rest),
        Some(("media", rest)) => (Reach::Media, None, rest),
        Some(_) => return None,
    };
    let info = match key_scope {
        Some(s) => Some(vocabulary::key(s, bare)?),
        None => None,
    };
    let key = KeyRef {
        text: name.to_owned(),
        reach,
        name: bare.to_owned(),
        info,
    };
    let found = look(item, &key);
    let values: Vec<&str> = found.values.iter().map(|(t, _)| t.as_str()).collect();
    (!values.is_empty()).then(|| values.join(", "))
}

/// Run a data rule over a declaration.
pub fn run(
    rule: &'static Rule,
    data: &DataRule,
    decl: &Declaration,
    ctx: &Context,
    out: &mut Vec<Finding>,
) {
    let mut fire = |item: Item<'_>, use_id: Option<&str>| {
        if !holds(&data.when, &item) {
            return;
        }
        let at = data
            .at
            .as_ref()
            .and_then(|name| {
                let k = at_key(name, data.scope)?;
                span_of(&look(&item, &k))
            })
            .or_else(|| first_written(&data.when, &item))
            .unwrap_or_else(|| anchor(&item, data.scope));
        let text = |t: &str| fill(t, |name| item_text(&item, data.scope, name));
        let mut f = Finding::new(rule, Some(at), text(&data.message)).label(text(&data.label));
        match (&data.help, use_id) {
            (Some(help), _) => f = f.help(text(help)),
            (None, Some(id)) if rule.level == crate::rules::Level::Approval => {
                f = f.help(format!(
                    "ask an approver to record an approval: `{}`",
                    crate::rules::approve_command(&ctx.path, id, &[rule.code])
                ));
            }
            _ => {}
        }
        f.use_id = use_id.map(str::to_owned);
        out.push(f);
    };
    match data.scope {
        Scope::Declaration => fire(
            Item {
                node: &decl.node,
                use_node: None,
                decl,
                ctx,
            },
            None,
        ),
        Scope::Use => {
            for u in &decl.uses {
                fire(
                    Item {
                        node: &u.node,
                        use_node: None,
                        decl,
                        ctx,
                    },
                    Some(&u.id.value),
                );
            }
        }
        Scope::Tool | Scope::Talent => {
            let list = if data.scope == Scope::Tool {
                "tools"
            } else {
                "talent"
            };
            for u in &decl.uses {
                for n in items_of(&u.node, list) {
                    fire(
                        Item {
                            node: n,
                            use_node: Some(&u.node),
                            decl,
                            ctx,
                        },
                        Some(&u.id.value),
                    );
                }
            }
        }
    }
}

/// The key an `at` names, resolved without a reader (it was checked when
/// the pack was read).
fn at_key(name: &str, scope: Scope) -> Option<KeyRef> {
    let mut problems = Vec::new();
    let mut r = Reader {
        problems: &mut problems,
    };
    key_ref(&mut r, name, 0..0, scope)
}

/// Check an `at` names a key seen from `scope`.
pub fn check_at(r: &mut Reader<'_, Finding>, name: &str, span: Span, scope: Scope) -> bool {
    key_ref(r, name, span, scope).is_some()
}
