//! Evaluating a condition over one item of a declaration.

use super::read::{at_key, scalar_text};
use super::{Condition, DataRule, DateRef, KeyRef, Reach, Test};
use crate::declaration::Declaration;
use crate::declaration::vocabulary::{self, Default as KeyDefault, KeyInfo, Scope, Type};
use crate::rules::{Context, Finding, Rule};
use crate::schema::Date;
use crate::source::Span;
use crate::yaml::{Key, Node, Value};

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
            if key.name == "path"
                && let Some(m) = &item.ctx.media
            {
                return Looked {
                    written: true,
                    values: vec![(m.path.clone(), None)],
                    key: None,
                };
            }
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
            match test {
                Test::Present(p) => found.written == *p,
                _ => found
                    .values
                    .iter()
                    .any(|(t, _)| value_holds(key, test, t, item)),
            }
        }
    }
}

/// Whether one value of `key` passes `test` (`present` asks of the key, not
/// of a value: any value passes).
fn value_holds(key: &KeyRef, test: &Test, value: &str, item: &Item<'_>) -> bool {
    let text_key = matches!(key.ty(), Type::Text | Type::Texts);
    let eq = |a: &str, b: &str| {
        if text_key {
            a.trim().eq_ignore_ascii_case(b.trim())
        } else {
            a == b
        }
    };
    match test {
        Test::Present(_) => true,
        Test::Is(v) => eq(value, v),
        Test::In(vs) => vs.iter().any(|v| eq(value, v)),
        Test::Matches(re) => re.is_match(value),
        Test::Before(d) | Test::After(d) => {
            let (Some(limit), Some(v)) = (resolve_date(d, item), date_of(value)) else {
                return false;
            };
            if matches!(test, Test::Before(_)) {
                v < limit
            } else {
                v > limit
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
        Condition::Key(k, test) if k.reach == Reach::Item => {
            // The value the test is about (`talent-likeness` of `inputs:
            // [licensed, talent-likeness]`), else the key's first value.
            let found = look(item, k);
            found
                .values
                .iter()
                .find(|(t, _)| value_holds(k, test, t, item))
                .and_then(|(_, n)| n.map(|n| n.span.clone()))
                .filter(|_| found.written)
                .or_else(|| span_of(&found))
        }
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
