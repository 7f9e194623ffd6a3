//! One reader for aiclear's vocabularies: the declaration, the configuration
//! and the approvals ledger.
//!
//! Each mapping of a vocabulary is a table of [`Field`]s: a key, whether it
//! must be there, and the function that reads its value. The table is the one
//! place a key is named; unknown keys, "did you mean", missing keys and the
//! list of a mapping's fields in help texts all come from it. Values are read
//! by hand from the spanned YAML tree (not by serde), so every problem in a
//! file is found in one pass, each with its exact place, in the order of the
//! file.
//!
//! A [`Reader`] collects [`Problem`]s: data, not findings. The reader of a
//! vocabulary wraps them in its own problem type (`P: From<Problem>`) next to
//! the problems only it knows of, and the rules turn them into findings with
//! their messages.

use crate::source::Span;
use crate::yaml::{Key, Node, Value};

pub use crate::yaml::clip;

/// How a help suggests a name: `did you mean `NAME`?`. An editor's quick
/// fix reads the name back from it.
pub const DID_YOU_MEAN: &str = "did you mean `";

/// The help that suggests `name` in place of what was written.
pub fn suggest(name: &str) -> String {
    format!("{DID_YOU_MEAN}{name}`?")
}

/// The closest candidate to `name`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(name: &str, candidates: &[&'a str]) -> Option<&'a str> {
    // Nothing long is a typo of a short name; comparing it would only cost.
    if name.len() > 64 {
        return None;
    }
    let name = name.to_ascii_lowercase();
    candidates
        .iter()
        .map(|c| (strsim::jaro_winkler(&name, &c.to_ascii_lowercase()), *c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// Markdown list of names: `` `a`, `b` or `c` ``.
pub fn backticked(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => format!("`{one}`"),
        [init @ .., last] => format!(
            "{} or `{last}`",
            init.iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// A value that does not fit its vocabulary, at `span`.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub span: Span,
    pub kind: Kind,
}

/// What is wrong with a value. `key` is the key it is read under; `found`
/// what it is instead (`a string`, `a list` …).
#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    /// A key that is not one of the fields of `what` (`a use`, `` `files` ``).
    Unknown {
        key: String,
        what: &'static str,
        /// The field it is probably a typo of.
        suggestion: Option<&'static str>,
        /// Every field of `what`, when there is no suggestion.
        fields: Vec<&'static str>,
    },
    /// A required field of `what` is not there.
    Missing {
        what: &'static str,
        key: &'static str,
    },
    NotMapping {
        what: String,
        found: &'static str,
    },
    Empty {
        key: String,
    },
    NotText {
        key: String,
        found: &'static str,
    },
    /// Not `true` or `false`; `found` is the text in backticks, or the kind.
    NotBool {
        key: String,
        found: String,
    },
    NotDate {
        key: String,
        found: &'static str,
    },
    BadDate {
        key: String,
        text: String,
    },
    NotTerm {
        key: String,
        terms: &'static [&'static str],
        found: &'static str,
    },
    UnknownTerm {
        key: String,
        text: String,
        terms: &'static [&'static str],
        suggestion: Option<&'static str>,
    },
    NotList {
        key: String,
        found: NotList,
    },
    /// A value its vocabulary's reader refused, in that reader's words.
    Invalid {
        message: String,
        help: Option<String>,
    },
}

/// What stands where a list was expected.
#[derive(Clone, Debug, PartialEq)]
pub enum NotList {
    Text(String),
    Mapping,
    Other(&'static str),
}

impl Kind {
    /// A problem with a value, rather than with a key.
    pub fn is_invalid_value(&self) -> bool {
        !matches!(self, Kind::Unknown { .. })
    }
}

/// One key of a mapping: its name, whether it must be there, and how its
/// value is read into the `T` being built.
pub struct Field<T: Built> {
    pub key: &'static str,
    pub required: bool,
    pub read: fn(&mut Reader<'_, T::Problem>, &Key, &Node, &mut T),
}

/// The problem type of what a table builds.
pub trait Built {
    type Problem: From<Problem>;

    /// Whether reading should stop before the next key (a value it cannot
    /// go on without did not read).
    fn done(&self) -> bool {
        false
    }
}

impl<T: Built> Field<T> {
    pub const fn optional(
        key: &'static str,
        read: fn(&mut Reader<'_, T::Problem>, &Key, &Node, &mut T),
    ) -> Self {
        Self {
            key,
            required: false,
            read,
        }
    }

    pub const fn required(
        key: &'static str,
        read: fn(&mut Reader<'_, T::Problem>, &Key, &Node, &mut T),
    ) -> Self {
        Self {
            key,
            required: true,
            read,
        }
    }
}

/// The keys of a table.
pub fn keys<T: Built>(fields: &[Field<T>]) -> impl Iterator<Item = &'static str> + '_ {
    fields.iter().map(|f| f.key)
}

/// Collects problems while reading a tree.
pub struct Reader<'f, P> {
    pub problems: &'f mut Vec<P>,
}

impl<P: From<Problem>> Reader<'_, P> {
    pub fn push(&mut self, span: Span, kind: Kind) {
        self.problems.push(P::from(Problem { span, kind }));
    }

    /// A value refused in the words of the vocabulary's reader.
    pub fn invalid(&mut self, span: Span, message: String, help: Option<String>) {
        self.push(span, Kind::Invalid { message, help });
    }

    /// The entries of a mapping.
    pub fn map<'n>(&mut self, node: &'n Node, what: &str) -> Option<&'n [(Key, Node)]> {
        match &node.value {
            Value::Map(entries) => Some(entries),
            other => {
                let what = what.to_owned();
                self.push(
                    node.span.clone(),
                    Kind::NotMapping {
                        what,
                        found: other.kind(),
                    },
                );
                None
            }
        }
    }

    /// Report keys that are not `fields` of `what`, then the required ones
    /// missing (at `at`).
    pub fn check_keys<T: Built>(
        &mut self,
        entries: &[(Key, Node)],
        at: &Span,
        what: &'static str,
        fields: &[Field<T>],
    ) {
        for (key, _) in entries {
            if !fields.iter().any(|f| f.key == key.name) {
                let all: Vec<&'static str> = keys(fields).collect();
                let suggestion = did_you_mean(&key.name, &all);
                self.push(
                    key.span.clone(),
                    Kind::Unknown {
                        key: key.name.clone(),
                        what,
                        suggestion,
                        fields: if suggestion.is_some() {
                            Vec::new()
                        } else {
                            all
                        },
                    },
                );
            }
        }
        for f in fields.iter().filter(|f| f.required) {
            if !entries.iter().any(|(k, _)| k.name == f.key) {
                self.push(at.clone(), Kind::Missing { what, key: f.key });
            }
        }
    }

    /// Read each known key of `entries` into `out`, in the file's order.
    pub fn read_fields<T>(&mut self, entries: &[(Key, Node)], fields: &[Field<T>], out: &mut T)
    where
        T: Built<Problem = P>,
    {
        for (k, v) in entries {
            if let Some(f) = fields.iter().find(|f| f.key == k.name) {
                (f.read)(self, k, v, out);
                if out.done() {
                    return;
                }
            }
        }
    }

    /// [`Reader::check_keys`], then [`Reader::read_fields`].
    pub fn fields<T>(
        &mut self,
        entries: &[(Key, Node)],
        at: &Span,
        what: &'static str,
        fields: &[Field<T>],
        out: &mut T,
    ) where
        T: Built<Problem = P>,
    {
        self.check_keys(entries, at, what, fields);
        self.read_fields(entries, fields, out);
    }

    pub fn string(&mut self, node: &Node, key: &str) -> Option<At<String>> {
        match &node.value {
            Value::Str(s) if !s.trim().is_empty() => Some(At::new(s.clone(), node.span.clone())),
            Value::Str(_) | Value::Null => {
                self.push(node.span.clone(), Kind::Empty { key: key.into() });
                None
            }
            Value::Int(i) => Some(At::new(i.to_string(), node.span.clone())),
            Value::Float(f) => Some(At::new(f.to_string(), node.span.clone())),
            other => {
                let found = other.kind();
                self.push(
                    node.span.clone(),
                    Kind::NotText {
                        key: key.into(),
                        found,
                    },
                );
                None
            }
        }
    }

    pub fn bool(&mut self, node: &Node, key: &str) -> Option<At<bool>> {
        match &node.value {
            Value::Bool(b) => Some(At::new(*b, node.span.clone())),
            other => {
                let found = match other {
                    Value::Str(s) => format!("`{}`", clip(s)),
                    other => other.kind().to_owned(),
                };
                self.push(
                    node.span.clone(),
                    Kind::NotBool {
                        key: key.into(),
                        found,
                    },
                );
                None
            }
        }
    }

    pub fn date(&mut self, node: &Node, key: &str) -> Option<At<Date>> {
        let text = match &node.value {
            Value::Str(s) => s,
            other => {
                let found = other.kind();
                self.push(
                    node.span.clone(),
                    Kind::NotDate {
                        key: key.into(),
                        found,
                    },
                );
                return None;
            }
        };
        match text.parse::<Date>() {
            Ok(d) if text.len() == 10 => Some(At::new(d, node.span.clone())),
            _ => {
                self.push(
                    node.span.clone(),
                    Kind::BadDate {
                        key: key.into(),
                        text: clip(text).into_owned(),
                    },
                );
                None
            }
        }
    }

    /// One term of a vocabulary.
    pub fn term<T>(
        &mut self,
        node: &Node,
        key: &str,
        terms: &'static [&'static str],
        parse: fn(&str) -> Option<T>,
    ) -> Option<At<T>> {
        let text = match &node.value {
            Value::Str(s) => s.clone(),
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            other => {
                let found = other.kind();
                self.push(
                    node.span.clone(),
                    Kind::NotTerm {
                        key: key.into(),
                        terms,
                        found,
                    },
                );
                return None;
            }
        };
        if let Some(v) = parse(&text) {
            return Some(At::new(v, node.span.clone()));
        }
        let suggestion = did_you_mean(&text, terms);
        self.push(
            node.span.clone(),
            Kind::UnknownTerm {
                key: key.into(),
                text: clip(&text).into_owned(),
                terms,
                suggestion,
            },
        );
        None
    }

    /// The items of a list. With `scalar_ok`, a single value stands for a
    /// list of one.
    pub fn list<'n>(&mut self, node: &'n Node, key: &str, scalar_ok: bool) -> &'n [Node] {
        match &node.value {
            Value::Seq(items) => items,
            Value::Null => &[],
            _ if scalar_ok => std::slice::from_ref(node),
            other => {
                let found = match other {
                    Value::Str(s) => NotList::Text(clip(s).into_owned()),
                    Value::Map(_) => NotList::Mapping,
                    other => NotList::Other(other.kind()),
                };
                self.push(
                    node.span.clone(),
                    Kind::NotList {
                        key: key.into(),
                        found,
                    },
                );
                &[]
            }
        }
    }

    pub fn terms<T>(
        &mut self,
        node: &Node,
        key: &str,
        terms: &'static [&'static str],
        parse: fn(&str) -> Option<T>,
        scalar_ok: bool,
    ) -> Vec<At<T>> {
        let items = self.list(node, key, scalar_ok);
        items
            .iter()
            .filter_map(|n| self.term(n, key, terms, parse))
            .collect()
    }

    pub fn strings(&mut self, node: &Node, key: &str) -> Vec<At<String>> {
        let items = self.list(node, key, false);
        items.iter().filter_map(|n| self.string(n, key)).collect()
    }
}

/// A value and the byte range it was read from.
#[derive(Clone, Debug, PartialEq)]
pub struct At<T> {
    pub value: T,
    pub span: Span,
}

impl<T> At<T> {
    pub fn new(value: T, span: Span) -> Self {
        Self { value, span }
    }
}

/// A calendar date (`YYYY-MM-DD`).
pub type Date = jiff::civil::Date;

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Pair {
        a: Option<At<String>>,
        b: Option<At<bool>>,
    }

    impl Built for Pair {
        type Problem = Problem;
    }

    const PAIR: &[Field<Pair>] = &[
        Field::required("a", |r, k, v, p| p.a = r.string(v, &k.name)),
        Field::optional("bee", |r, k, v, p| p.b = r.bool(v, &k.name)),
    ];

    fn read(text: &str) -> (Pair, Vec<Problem>) {
        let node = crate::yaml::parse(text, 0).unwrap();
        let mut problems = Vec::new();
        let mut r = Reader {
            problems: &mut problems,
        };
        let mut pair = Pair::default();
        let entries = r.map(&node, "pair").unwrap();
        r.fields(entries, &node.span, "a pair", PAIR, &mut pair);
        (pair, problems)
    }

    #[test]
    fn a_table_reads_known_keys_and_names_the_rest() {
        let (pair, problems) = read("a: x\nbee: true\n");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(pair.a.unwrap().value, "x");
        assert!(pair.b.unwrap().value);

        let (_, problems) = read("be: yes\nzzz: 1\n");
        let kinds: Vec<&Kind> = problems.iter().map(|p| &p.kind).collect();
        assert!(matches!(
            kinds[0],
            Kind::Unknown {
                suggestion: Some("bee"),
                ..
            }
        ));
        assert!(
            matches!(kinds[1], Kind::Unknown { suggestion: None, fields, .. } if fields == &["a", "bee"])
        );
        assert!(matches!(kinds[2], Kind::Missing { key: "a", .. }));
        assert_eq!(kinds.len(), 3);
    }
}
