//! The approvals ledger (`.aiclear/approvals.yml`) and the digest that binds an
//! approval to the content it approved.
//!
//! An approval-level finding is cleared only by an entry that covers the path,
//! the use and the rule, has not expired and, when it carries a digest, was
//! granted for the use exactly as it now reads. The digest is `sha256:` of the
//! use's canonical JSON (keys sorted, every key but `approvals` and
//! `approval-requested`), so citing an approval, or asking for it, does not
//! invalidate it and it survives squash, rebase and cherry-pick.

use std::collections::HashMap;

use globset::GlobBuilder;
use sha2::{Digest, Sha256};

use crate::declaration::Use;
use crate::schema::{self, At, Built, Date, Field, clip, did_you_mean};
use crate::source::{Source, Span};
use crate::yaml;

/// Longest cover path: each is compiled into a matcher, and the ledger comes
/// from the change under review.
pub const MAX_COVER_PATH: usize = 1024;

/// Most bytes of glob cover paths in one ledger.
pub const MAX_GLOB_BYTES: usize = 1 << 20;

/// Where the ledger lives, relative to the project root.
pub const LEDGER_PATH: &str = ".aiclear/approvals.yml";

/// One approval.
#[derive(Clone, Debug)]
pub struct Entry {
    pub span: Span,
    pub id: At<String>,
    pub granted_by: Option<At<String>>,
    pub granted_on: Option<At<Date>>,
    pub expires_on: Option<At<Date>>,
    pub document: Option<At<String>>,
    pub note: Option<At<String>>,
    pub covers: Vec<Cover>,
    /// The entry has errors in the ledger; it clears nothing (fail safe).
    pub broken: bool,
    /// What the entry says, as canonical JSON: a reformatted or reordered
    /// ledger leaves it unchanged.
    pub content: String,
}

/// What an approval covers: a path (or glob), optionally one use and some rules.
#[derive(Clone, Debug)]
pub struct Cover {
    pub path: At<String>,
    /// The path as a compiled glob, when it is one.
    pub glob: Option<globset::GlobMatcher>,
    pub use_id: Option<At<String>>,
    /// Rule codes; empty means every rule.
    pub rules: Vec<At<String>>,
    pub digest: Option<At<String>>,
}

impl Cover {
    pub fn covers_path(&self, path: &str) -> bool {
        match &self.glob {
            Some(g) => g.is_match(path),
            None => self.path.value.trim_start_matches("./") == path,
        }
    }

    pub fn covers_use(&self, use_id: &str) -> bool {
        self.use_id.as_ref().is_none_or(|u| u.value == use_id)
    }

    pub fn covers_rule(&self, code: &str) -> bool {
        self.rules.is_empty() || self.rules.iter().any(|r| r.value == code)
    }
}

/// The parsed ledger.
#[derive(Clone, Debug, Default)]
pub struct Ledger {
    pub entries: Vec<Entry>,
    by_id: std::collections::HashMap<String, usize>,
}

impl Ledger {
    pub fn get(&self, id: &str) -> Option<&Entry> {
        self.by_id.get(id).map(|&i| &self.entries[i])
    }
}

/// Why an entry does not clear a finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum State {
    Valid,
    /// The ledger entry has errors.
    Broken,
    /// History shows the entry was not granted by an approver (GA601/GA602).
    Untrusted,
    Expired(Date),
    /// The digest it was granted for, and the use's digest now.
    Stale {
        granted: String,
        now: String,
    },
}

impl Entry {
    /// The state of this entry for one covered use.
    pub fn state(&self, cover: &Cover, u: &Use, today: Date) -> State {
        if self.broken {
            return State::Broken;
        }
        if let Some(exp) = &self.expires_on
            && exp.value < today
        {
            return State::Expired(exp.value);
        }
        if let Some(d) = &cover.digest {
            let now = digest(u);
            if d.value != now {
                return State::Stale {
                    granted: d.value.clone(),
                    now,
                };
            }
        }
        State::Valid
    }

    /// The first cover of this entry for a path and use.
    pub fn cover_for(&self, path: &str, use_id: &str) -> Option<&Cover> {
        self.covers
            .iter()
            .find(|c| c.covers_path(path) && c.covers_use(use_id))
    }
}

/// Whether a path names something inside the project: relative, and never
/// climbing out with `..`.
pub fn is_inside(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.contains('\\')
        && !path.contains(':')
        && !path.split('/').any(|c| c == "..")
}

/// Each entry's id and canonical content, for tracing entries through history.
pub fn contents(bytes: &[u8]) -> HashMap<String, String> {
    parse(&Source::new(LEDGER_PATH, bytes.to_vec()))
        .0
        .entries
        .into_iter()
        .map(|e| (e.id.value, e.content))
        .collect()
}

/// [`contents`] for the many versions of one ledger that a walk through
/// history reads: each entry's text is parsed once, however many versions
/// hold it, so a ledger that grew by one entry a commit costs its size, not
/// its size times its history.
#[derive(Default)]
pub struct ContentsCache {
    /// An entry's text, and what it gives (`None` when it is not one whole
    /// entry on its own).
    entries: std::cell::RefCell<HashMap<Vec<u8>, Option<IdAndContent>>>,
}

/// An entry's id and canonical content.
type IdAndContent = (String, String);

impl ContentsCache {
    pub fn contents(&self, bytes: &[u8]) -> HashMap<String, String> {
        self.by_entry(bytes).unwrap_or_else(|| contents(bytes))
    }

    /// Entry by entry, when the ledger is a plain block sequence and every
    /// item reads the same on its own; `None` otherwise.
    fn by_entry(&self, bytes: &[u8]) -> Option<HashMap<String, String>> {
        let mut out = HashMap::new();
        for item in items(bytes)? {
            let known = self.entries.borrow().get(item).cloned();
            let parsed = match known {
                Some(parsed) => parsed,
                None => {
                    let mut one = contents(item);
                    let parsed = if one.len() == 1 {
                        one.drain().next()
                    } else {
                        None
                    };
                    self.entries
                        .borrow_mut()
                        .insert(item.to_vec(), parsed.clone());
                    parsed
                }
            };
            // An item that fails alone (an alias to another item, say), or
            // an id given twice: the whole ledger is read instead.
            let (id, content) = parsed?;
            if out.insert(id, content).is_some() {
                return None;
            }
        }
        Some(out)
    }
}

/// The top-level items of a ledger whose every line at column 0 starts an
/// item (`- `), is a comment or is blank: each item runs to the next. `None`
/// for anything else (documents, directives, a BOM, scalars continued at
/// column 0). A quoted scalar continued on a line that looks like an item
/// leaves an item that does not parse alone, which also sends the caller
/// to the whole ledger.
fn items(bytes: &[u8]) -> Option<Vec<&[u8]>> {
    let mut items = Vec::new();
    let mut start = None;
    let mut at = 0;
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        let item =
            line.starts_with(b"- ") || line == b"-\n" || line == b"-" || line.starts_with(b"-\r\n");
        let other = !item
            && !line.starts_with(b" ")
            && !line.starts_with(b"#")
            && !line.iter().all(|b| b.is_ascii_whitespace() && *b != b'\t');
        if other {
            return None;
        }
        if item {
            if let Some(s) = start {
                items.push(&bytes[s..at]);
            }
            start = Some(at);
        }
        at += line.len();
    }
    if let Some(s) = start {
        items.push(&bytes[s..]);
    }
    Some(items)
}

/// The keys of a use that say how it is approved rather than what it is:
/// left out of its digest.
pub const NOT_DIGESTED: &[&str] = &["approvals", "approval-requested"];

/// `sha256:` of the use's canonical JSON, without its `approvals` and its
/// `approval-requested`.
pub fn digest(u: &Use) -> String {
    let mut json = u.node.to_json();
    if let Some(map) = json.as_object_mut() {
        for key in NOT_DIGESTED {
            map.remove(*key);
        }
    }
    let canonical = serde_json::to_string(&json).expect("a JSON value serialises");
    format!(
        "sha256:{}",
        crate::digest::hex(&Sha256::digest(canonical.as_bytes()))
    )
}

/// A problem in the ledger, which the `invalid-value` rule (and for its
/// syntax, `malformed-declaration`) turns into a finding.
#[derive(Clone, Debug, PartialEq)]
pub enum Problem {
    File(yaml::FileProblem),
    Schema(schema::Problem),
    /// The entries are under a `key:` (`approvals:`) instead of at the top.
    UnderKey {
        span: Span,
        key: String,
    },
    /// The ledger is `found`, not a list.
    NotAList {
        span: Span,
        found: &'static str,
    },
    Invalid(Invalid),
}

/// A ledger value of the right type that still cannot stand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Invalid {
    /// An approval id an earlier entry has.
    TwiceInLedger { span: Span, id: String },
    /// A `document` outside the repository.
    DocumentOutside { span: Span, document: String },
    /// A cover's rule that is no rule.
    UnknownRule { span: Span, name: String },
    /// A digest that is not `sha256:` and 64 hex digits.
    BadDigest { span: Span },
    /// A cover path over [`MAX_COVER_PATH`].
    CoverPathTooLong { span: Span },
    /// Glob cover paths over [`MAX_GLOB_BYTES`] in all.
    GlobsTooLong { span: Span },
    /// A cover path that is not a glob; `error` says why.
    BadGlob {
        span: Span,
        glob: String,
        error: String,
    },
}

impl From<schema::Problem> for Problem {
    fn from(p: schema::Problem) -> Self {
        Problem::Schema(p)
    }
}

/// The code of a rule, by its code or name; `None` for no rule.
pub type RuleCode = fn(&str) -> Option<&'static str>;

/// Read the ledger, keeping the rules a cover lists as they are written;
/// `rules::read_ledger` reads them against the rule registry.
pub fn parse(source: &Source) -> (Ledger, Vec<Problem>) {
    read(source, None)
}

/// Read the ledger; `rule_code` gives the code of each rule a cover lists,
/// by its code or name (the registry lives above the ledger).
pub fn parse_with(source: &Source, rule_code: RuleCode) -> (Ledger, Vec<Problem>) {
    read(source, Some(rule_code))
}

fn read(source: &Source, rule_code: Option<RuleCode>) -> (Ledger, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut ledger = Ledger::default();
    let root = match yaml::parse_file(&source.bytes, "the approvals ledger") {
        Ok(n) => n,
        Err(p) => {
            problems.push(Problem::File(*p));
            return (ledger, problems);
        }
    };
    let mut r = Reader {
        problems: &mut problems,
    };
    // The ledger is a list of entries; an empty file, or `[]`, has none.
    let items: &[yaml::Node] = match &root.value {
        yaml::Value::Seq(items) => items,
        yaml::Value::Null => &[],
        other => {
            r.problems.push(shape_problem(&root, other));
            &[]
        }
    };
    // Each glob cover becomes a matcher; their total size is bounded, since
    // the ledger comes from the change under review.
    let mut glob_bytes = 0;
    for item in items {
        let before = r.problems.len();
        if let Some(mut e) = entry(&mut r, item, &mut glob_bytes, rule_code) {
            e.broken = r.problems.len() > before;
            if ledger.by_id.contains_key(&e.id.value) {
                r.problems.push(Problem::Invalid(Invalid::TwiceInLedger {
                    span: e.id.span.clone(),
                    id: e.id.value.clone(),
                }));
                continue;
            }
            ledger
                .by_id
                .insert(e.id.value.clone(), ledger.entries.len());
            ledger.entries.push(e);
        }
    }
    (ledger, problems)
}

/// A ledger that is not a list.
fn shape_problem(root: &yaml::Node, found: &yaml::Value) -> Problem {
    if let yaml::Value::Map(entries) = found
        && let Some((key, _)) = entries
            .iter()
            .find(|(k, _)| k.name == "approvals" || did_you_mean(&k.name, &["approvals"]).is_some())
    {
        return Problem::UnderKey {
            span: key.span.clone(),
            key: clip(&key.name).into_owned(),
        };
    }
    Problem::NotAList {
        span: root.span.clone(),
        found: found.kind(),
    }
}

type Reader<'f> = schema::Reader<'f, Problem>;

/// An entry as it is read.
struct EntryFields {
    id: Option<At<String>>,
    entry: Entry,
    glob_bytes: usize,
    rule_code: Option<RuleCode>,
}

impl Built for EntryFields {
    type Problem = Problem;
}

const ENTRY: &[Field<EntryFields>] = &[
    Field::required("id", |r, k, v, e| e.id = r.string(v, &k.name)),
    Field::required("granted-by", |r, k, v, e| {
        e.entry.granted_by = r.string(v, &k.name)
    }),
    Field::required("granted-on", |r, k, v, e| {
        e.entry.granted_on = r.date(v, &k.name)
    }),
    Field::optional("expires-on", |r, k, v, e| {
        e.entry.expires_on = r.date(v, &k.name)
    }),
    Field::optional("document", |r, k, v, e| {
        e.entry.document = r.string(v, &k.name);
        if let Some(d) = &e.entry.document
            && !is_inside(&d.value)
        {
            r.problems.push(Problem::Invalid(Invalid::DocumentOutside {
                span: d.span.clone(),
                document: clip(&d.value).into_owned(),
            }));
        }
    }),
    Field::optional("note", |r, k, v, e| e.entry.note = r.string(v, &k.name)),
    Field::required("covers", |r, k, v, e| {
        for c in r.list(v, &k.name, false) {
            if let Some(c) = cover(r, c, &mut e.glob_bytes, e.rule_code) {
                e.entry.covers.push(c);
            }
        }
    }),
];

fn entry(
    r: &mut Reader,
    node: &yaml::Node,
    glob_bytes: &mut usize,
    rule_code: Option<RuleCode>,
) -> Option<Entry> {
    let entries = r.map(node, "an approval")?;
    let mut e = EntryFields {
        id: None,
        entry: Entry {
            span: node.span.clone(),
            id: At::new(String::new(), node.span.clone()),
            granted_by: None,
            granted_on: None,
            expires_on: None,
            document: None,
            note: None,
            covers: Vec::new(),
            broken: false,
            content: node.to_json().to_string(),
        },
        glob_bytes: *glob_bytes,
        rule_code,
    };
    r.fields(entries, &node.span, "an approval", ENTRY, &mut e);
    *glob_bytes = e.glob_bytes;
    e.entry.id = e.id?;
    Some(e.entry)
}

/// A cover as it is read.
struct CoverFields {
    path: Option<At<String>>,
    cover: Cover,
    rule_code: Option<RuleCode>,
}

impl Built for CoverFields {
    type Problem = Problem;
}

const COVER: &[Field<CoverFields>] = &[
    Field::required("path", |r, k, v, c| c.path = r.string(v, &k.name)),
    Field::optional("use", |r, k, v, c| c.cover.use_id = r.string(v, &k.name)),
    Field::optional("rules", |r, k, v, c| {
        for s in r.strings(v, &k.name) {
            let Some(rule_code) = c.rule_code else {
                c.cover.rules.push(s);
                continue;
            };
            match rule_code(&s.value) {
                Some(code) => c.cover.rules.push(At::new(code.to_owned(), s.span)),
                None => r.problems.push(Problem::Invalid(Invalid::UnknownRule {
                    span: s.span.clone(),
                    name: s.value.clone(),
                })),
            }
        }
    }),
    Field::optional("digest", |r, k, v, c| {
        if let Some(d) = r.string(v, &k.name) {
            let ok = d
                .value
                .strip_prefix("sha256:")
                .is_some_and(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()));
            if !ok {
                let span = d.span.clone();
                r.problems
                    .push(Problem::Invalid(Invalid::BadDigest { span }));
            }
            c.cover.digest = Some(d);
        }
    }),
];

fn cover(
    r: &mut Reader,
    node: &yaml::Node,
    glob_bytes: &mut usize,
    rule_code: Option<RuleCode>,
) -> Option<Cover> {
    let entries = r.map(node, "covers")?;
    let mut fields = CoverFields {
        path: None,
        cover: Cover {
            path: At::new(String::new(), node.span.clone()),
            glob: None,
            use_id: None,
            rules: Vec::new(),
            digest: None,
        },
        rule_code,
    };
    r.fields(entries, &node.span, "a `covers` entry", COVER, &mut fields);
    let mut c = fields.cover;
    c.path = fields.path?;
    let p = c.path.value.trim_start_matches("./");
    if p.len() > MAX_COVER_PATH {
        let span = c.path.span.clone();
        r.problems
            .push(Problem::Invalid(Invalid::CoverPathTooLong { span }));
        return Some(c);
    }
    if p.contains(['*', '?', '[', '{']) {
        *glob_bytes += p.len();
        if *glob_bytes > MAX_GLOB_BYTES {
            let span = c.path.span.clone();
            r.problems
                .push(Problem::Invalid(Invalid::GlobsTooLong { span }));
            return Some(c);
        }
        match GlobBuilder::new(p).literal_separator(true).build() {
            Ok(g) => c.glob = Some(g.compile_matcher()),
            Err(e) => r.problems.push(Problem::Invalid(Invalid::BadGlob {
                span: c.path.span.clone(),
                glob: c.path.value.clone(),
                error: e.kind().to_string(),
            })),
        }
    }
    Some(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::declaration::parse as parse_decl;
    use crate::kind::FileKind;

    fn use_of(text: &str) -> Use {
        parse_decl(FileKind::Yaml, text.as_bytes())
            .declaration
            .unwrap()
            .uses
            .remove(0)
    }

    #[test]
    fn digest_ignores_approvals_and_key_order() {
        let a = use_of(
            "genai:\n  uses:\n    - {id: a, stage: temp, output: text, tools: [{name: x}]}\n",
        );
        let b = use_of(
            "genai:\n  uses:\n    - tools: [{name: x}]\n      output: text\n      approvals: [X-1]\n      approval-requested: 2025-09-10\n      stage: temp\n      id: a\n",
        );
        let c = use_of(
            "genai:\n  uses:\n    - {id: a, stage: final, output: text, tools: [{name: x}]}\n",
        );
        assert_eq!(digest(&a), digest(&b));
        assert_ne!(digest(&a), digest(&c));
        assert!(digest(&a).starts_with("sha256:") && digest(&a).len() == 71);
    }

    #[test]
    fn ledger_entries_and_cover_matching() {
        let text = "- id: NFX-1\n  granted-by: a@b.c\n  granted-on: 2025-09-01\n  covers:\n    - {path: 'scripts/*.fountain', use: aria, rules: [key-creative-element]}\n";
        let (ledger, findings) =
            crate::rules::read_ledger(&Source::new("l", text.as_bytes().to_vec()));
        assert!(findings.is_empty(), "{findings:?}");
        let c = &ledger.get("NFX-1").unwrap().covers[0];
        assert!(c.covers_path("scripts/ep1.fountain"));
        assert!(!c.covers_path("scripts/x/ep1.fountain"));
        assert!(c.covers_rule("GA201") && !c.covers_rule("GA203"));
    }

    #[test]
    fn a_ledger_that_is_not_a_list_shows_the_form() {
        let text = "approvals:\n  - id: NFX-1\n";
        let (ledger, findings) =
            crate::rules::read_ledger(&Source::new("l", text.as_bytes().to_vec()));
        assert!(ledger.entries.is_empty());
        assert_eq!(findings.len(), 1);
        assert_eq!(&text[findings[0].span.clone().unwrap()], "approvals");
        assert!(
            findings[0]
                .help
                .as_deref()
                .unwrap()
                .contains("`- id: NFX-2025-0142`")
        );
        for empty in ["", "[]\n", "# none yet\n"] {
            let (_, findings) =
                crate::rules::read_ledger(&Source::new("l", empty.as_bytes().to_vec()));
            assert!(findings.is_empty(), "{empty:?}: {findings:?}");
        }
    }

    const A: &str = "- id: NFX-1\n  granted-by: a@example.com\n  granted-on: 2025-09-05\n  covers:\n    - { path: scripts/*.fountain, use: aria }\n";
    const B: &str = "- id: NFX-2\n  granted-by: a@example.com\n  granted-on: 2025-09-06\n  covers: [{ path: x.fountain }]\n";

    #[test]
    fn the_cache_reads_what_the_whole_ledger_reads() {
        let ledgers = [
            String::new(),
            "# approvals\n\n".into(),
            format!("# approvals\n{A}"),
            format!("# approvals\n{A}\n# the second\n{B}"),
            format!("{A}{B}").replace('\n', "\r\n"),
            // An anchor in one item used by another: read as a whole.
            "- &first\n  id: NFX-1\n  granted-by: a@example.com\n  granted-on: 2025-09-05\n  covers: [{ path: a }]\n- <<: *first\n  id: NFX-3\n".into(),
            // The same id twice: the whole ledger keeps the first.
            format!("{A}{}", A.replace("09-05", "09-07")),
            // A quoted scalar continued on a line that looks like an item.
            "- id: NFX-1\n  note: \"one\n- two\"\n  granted-by: a@example.com\n  granted-on: 2025-09-05\n  covers: [{ path: a }]\n".into(),
            // Not a block sequence, or not only one.
            format!("---\n{A}"),
            "[{ id: NFX-9, granted-by: a@example.com, granted-on: 2025-09-05, covers: [{ path: a }] }]\n".into(),
            format!("\u{feff}{A}"),
            format!("{A}note: stray\n"),
            "- just text\n- 12\n".into(),
        ];
        let cache = ContentsCache::default();
        for ledger in &ledgers {
            assert_eq!(
                cache.contents(ledger.as_bytes()),
                contents(ledger.as_bytes()),
                "{ledger:?}"
            );
        }
    }

    #[test]
    fn the_cache_parses_each_entry_once() {
        let cache = ContentsCache::default();
        let one = format!("# approvals\n{A}");
        let two = format!("{one}{B}");
        assert_eq!(cache.contents(one.as_bytes()).len(), 1);
        assert_eq!(cache.contents(two.as_bytes()).len(), 2);
        assert_eq!(cache.entries.borrow().len(), 2);
        assert!(items(format!("{A}key: value\n").as_bytes()).is_none());
    }
}
