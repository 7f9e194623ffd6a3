//! What changed in a use since its approval was granted (GA504).
//!
//! An approval is bound to the use by a digest, which says *that* the use
//! changed, not *how*. To say which fields changed, the use is found as it
//! read when the approval was granted: the version of its file in the
//! commit that added the ledger entry as it reads now (its origin, from
//! provenance), else the newest version in the file's history whose use has
//! the granted digest. Its fields are compared with the use's now; the
//! GA504 finding names the fields that differ, a note for each says what it
//! was and what it is, and a secondary label marks each one in the file.

use std::collections::{BTreeMap, HashMap};

use super::targets::Target;
use crate::approvals::{self, Ledger};
use crate::declaration::validate::clip;
use crate::declaration::{self, Declaration, Use};
use crate::diagnostic::{Label, Report};
use crate::git::{CommitId, Repo};
use crate::yaml::Value;

/// How far back the file's history is searched for the use as granted.
const MAX_COMMITS: usize = 2_000;

/// Where to look for the use as granted.
pub(super) struct History<'a> {
    pub repo: &'a Repo,
    /// Where the walk starts: the head of the range, or `HEAD`.
    pub head: CommitId,
    pub prefix: &'a str,
    /// The commits each traced ledger entry originates in, by entry id.
    pub origins: &'a HashMap<String, Vec<String>>,
}

/// Add to each GA504 finding of `report` which fields of the use changed.
pub(super) fn explain(
    history: Option<&History>,
    ledger: &Ledger,
    declarations: &BTreeMap<String, Declaration>,
    targets: &[Target],
    report: &mut Report,
) {
    // Each GA504 finding, by file and message.
    let mut stale: HashMap<(String, String), Vec<usize>> = HashMap::new();
    for (i, d) in report.diagnostics.iter().enumerate() {
        if d.is(&crate::rules::stale_approval::STALE_APPROVAL) {
            stale
                .entry((d.path.clone(), d.message.clone()))
                .or_default()
                .push(i);
        }
    }
    if stale.is_empty() {
        return;
    }
    let paths: std::collections::HashSet<String> = stale.keys().map(|(p, _)| p.clone()).collect();
    for target in targets.iter().filter(|t| paths.contains(&t.path)) {
        let Some(decl) = declarations.get(&target.path) else {
            continue;
        };
        for u in &decl.uses {
            let now = approvals::digest(u);
            for entry in &ledger.entries {
                let Some(granted) = entry
                    .covers
                    .iter()
                    .filter(|c| c.covers_path(&target.path) && c.covers_use(&u.id.value))
                    .find_map(|c| c.digest.as_ref())
                    .map(|d| d.value.clone())
                else {
                    continue;
                };
                if granted == now {
                    continue;
                }
                let message = crate::rules::stale_approval::message(&u.id.value, &entry.id.value);
                let Some(wanted) = stale.remove(&(target.path.clone(), message.clone())) else {
                    continue;
                };
                let before = history
                    .and_then(|h| as_granted(h, target, &u.id.value, &entry.id.value, &granted));
                for i in wanted {
                    let d = &mut report.diagnostics[i];
                    let Some(before) = &before else {
                        d.notes.push(format!(
                            "the use as it read when `{}` was granted is not in this clone's history, so which fields changed is not known here",
                            entry.id.value
                        ));
                        continue;
                    };
                    let changes = changed_fields(before, u);
                    if changes.is_empty() {
                        continue;
                    }
                    let names: Vec<String> =
                        changes.iter().map(|c| format!("`{}`", c.key)).collect();
                    d.message = format!("{message}: {} changed", and_list(&names));
                    let at = d.notes.len().min(1);
                    for (k, c) in changes.iter().enumerate() {
                        d.notes.insert(at + k, c.note(&entry.id.value));
                        if let Some(span) = &c.span {
                            d.secondary.push(Label {
                                span: span.clone(),
                                message: "changed since the approval".into(),
                            });
                        }
                    }
                }
            }
        }
    }
}

/// The use `use_id` as it read when the entry was granted: the version
/// whose digest is `granted`.
fn as_granted(
    h: &History,
    target: &Target,
    use_id: &str,
    entry_id: &str,
    granted: &str,
) -> Option<Use> {
    let path = format!("{}{}", h.prefix, target.path);
    let find = |bytes: &[u8]| -> Option<Use> {
        declaration::parse(target.kind, bytes)
            .declaration?
            .uses
            .into_iter()
            .find(|u| u.id.value == use_id && approvals::digest(u) == granted)
    };
    for origin in h.origins.get(entry_id).into_iter().flatten() {
        let Ok(commit) = origin.parse::<CommitId>() else {
            continue;
        };
        if let Ok(Some(bytes)) = h.repo.read_at(commit, &path)
            && let Some(u) = find(&bytes)
        {
            return Some(u);
        }
    }
    let bytes = h
        .repo
        .find_version(h.head, &path, MAX_COMMITS, |b| find(b).is_some())
        .ok()??;
    find(&bytes)
}

/// One field that differs.
struct Change {
    key: String,
    before: Option<serde_json::Value>,
    now: Option<serde_json::Value>,
    /// The key in the file now, when it is still there.
    span: Option<crate::source::Span>,
}

impl Change {
    fn note(&self, entry_id: &str) -> String {
        match (&self.before, &self.now) {
            (Some(b), Some(n)) => format!(
                "`{}` was {} when `{entry_id}` was granted; it is now {}",
                self.key,
                shown(b),
                shown(n)
            ),
            (None, Some(n)) => format!(
                "`{}` was added after `{entry_id}` was granted: {}",
                self.key,
                shown(n)
            ),
            (Some(b), None) => format!(
                "`{}` was removed after `{entry_id}` was granted; it was {}",
                self.key,
                shown(b)
            ),
            (None, None) => String::new(),
        }
    }
}

/// The fields of `now` that differ from `before`, in the order `now` has
/// them, then those it no longer has; never the fields that say how the
/// use is approved.
fn changed_fields(before: &Use, now: &Use) -> Vec<Change> {
    let old = before.node.to_json();
    let new = now.node.to_json();
    let (Some(old), Some(new)) = (old.as_object(), new.as_object()) else {
        return Vec::new();
    };
    let spans: HashMap<&str, crate::source::Span> = match &now.node.value {
        Value::Map(entries) => entries
            .iter()
            .map(|(k, _)| (k.name.as_str(), k.span.clone()))
            .collect(),
        _ => HashMap::new(),
    };
    let mut keys: Vec<&str> = match &now.node.value {
        Value::Map(entries) => entries.iter().map(|(k, _)| k.name.as_str()).collect(),
        _ => new.keys().map(String::as_str).collect(),
    };
    let removed: Vec<&str> = match &before.node.value {
        Value::Map(entries) => entries
            .iter()
            .map(|(k, _)| k.name.as_str())
            .filter(|k| !new.contains_key(*k))
            .collect(),
        _ => Vec::new(),
    };
    keys.extend(removed);
    let mut out: Vec<Change> = Vec::new();
    for key in keys {
        if approvals::NOT_DIGESTED.contains(&key) || out.iter().any(|c| c.key == key) {
            continue;
        }
        let (b, n) = (old.get(key), new.get(key));
        if b == n {
            continue;
        }
        out.push(Change {
            key: key.to_owned(),
            before: b.cloned(),
            now: n.cloned(),
            span: spans.get(key).cloned(),
        });
    }
    out
}

/// A value as a note quotes it: compact JSON, clipped, in a code span.
fn shown(v: &serde_json::Value) -> String {
    let text = v.to_string().replace('`', "'");
    format!("`{}`", clip(&text))
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kind::FileKind;

    fn use_of(text: &str) -> Use {
        declaration::parse(FileKind::Yaml, text.as_bytes())
            .declaration
            .unwrap()
            .uses
            .remove(0)
    }

    #[test]
    fn names_what_changed_was_added_and_was_removed() {
        let before = use_of(
            "genai:\n  uses:\n    - id: a\n      stage: final\n      output: image\n      tools: [{name: x}]\n      human-input: repainted\n      prompts: [p]\n",
        );
        let now = use_of(
            "genai:\n  uses:\n    - id: a\n      stage: final\n      output: image\n      tools: [{name: x}]\n      human-input: touched up\n      approval-requested: 2025-09-10\n      references: [real-event]\n",
        );
        let changes = changed_fields(&before, &now);
        let keys: Vec<&str> = changes.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(keys, ["human-input", "references", "prompts"]);
        assert_eq!(
            changes[0].note("NFX-1"),
            "`human-input` was `\"repainted\"` when `NFX-1` was granted; it is now `\"touched up\"`"
        );
        assert_eq!(
            changes[1].note("NFX-1"),
            "`references` was added after `NFX-1` was granted: `[\"real-event\"]`"
        );
        assert_eq!(
            changes[2].note("NFX-1"),
            "`prompts` was removed after `NFX-1` was granted; it was `[\"p\"]`"
        );
        assert!(changes[0].span.is_some() && changes[2].span.is_none());
        assert_eq!(
            and_list(&["`a`".into(), "`b`".into(), "`c`".into()]),
            "`a`, `b` and `c`"
        );
    }
}
