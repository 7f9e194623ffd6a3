//! Reading a condition from a pack file, checked against the vocabulary.

use super::{Condition, DateRef, KeyRef, MEDIA_KEYS, PathGlobs, Reach, Test};
use crate::declaration::vocabulary::{self, Scope, Type};
use crate::rules::Finding;
use crate::schema::{Date, Reader, backticked, clip, did_you_mean};
use crate::source::Span;
use crate::yaml::{Key, Node, Value};

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
            .map(crate::schema::suggest)
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
            match PathGlobs::new(patterns) {
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
    let help = did_you_mean(text, terms).map(crate::schema::suggest);
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
            let help = did_you_mean(&k.name, TESTS).map(crate::schema::suggest);
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
pub(super) fn key_ref(
    r: &mut Reader<'_, Finding>,
    text: &str,
    span: Span,
    scope: Scope,
) -> Option<KeyRef> {
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
                let help = did_you_mean(name, &names).map(crate::schema::suggest);
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
            let help = did_you_mean(name, MEDIA_KEYS).map(crate::schema::suggest);
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

pub(super) fn scalar_text(node: &Node) -> Option<String> {
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

/// The key an `at` names, resolved without a reader (it was checked when
/// the pack was read).
pub(super) fn at_key(name: &str, scope: Scope) -> Option<KeyRef> {
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
