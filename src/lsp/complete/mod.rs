//! What completion offers inside a declaration: the keys of the mapping the
//! cursor is in, or the terms, `true`/`false` or today's date a key's value
//! can be.
//!
//! The text being edited is half-typed, so no parser reads it. The cursor's
//! context is worked out from what is written above it on its line and,
//! for YAML, from the indentation and the `- ` items of the lines above
//! (`yaml`), or, for JSON and OTIO, from the braces, brackets and member
//! names from the top of the file (`json`); flow collections (`[a, b`,
//! `{ name: x, `) and JSON are read by the same small scanner (`flow`).
//! Either way the context is a `Place` (the mapping of one
//! [`Scope`] of the vocabulary, or somewhere above or beside the
//! declaration) and whether a key or a value comes next.
//!
//! Everything here is byte offsets into the document's text: the server
//! turns the range to replace into an LSP range in its negotiated encoding.

mod flow;
mod json;
mod yaml;

use std::ops::Range;

use crate::declaration::vocabulary::{self, KeyInfo, Scope, Type};
use crate::declaration::{Block, locate};
use crate::kind::FileKind;

/// What to offer at the cursor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    /// Every candidate, in the vocabulary's order; none is left out for not
    /// matching what is typed, since editors filter as the user types.
    pub items: Vec<Item>,
    /// The bytes an item replaces: the word typed before the cursor
    /// (letters, digits, `-`, `_`, `.`), with the quote that opens it if
    /// one was typed, and the closing quote an editor paired it with when
    /// that directly follows the cursor. Empty at the cursor when nothing
    /// is typed yet.
    pub replace: Range<usize>,
}

/// Whether an item is a key or a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemKind {
    Key,
    Value,
}

/// One candidate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    /// The key's name or the term, as the list shows it.
    pub label: String,
    pub kind: ItemKind,
    /// For a key its type (`text`, `true | false`, the terms it takes); for
    /// a value the scoped key it is a value of (`use.stage`), or `today`.
    pub detail: String,
    /// The key's doc from the vocabulary; for a value, its key's.
    pub doc: &'static str,
    /// The text that replaces [`Completion::replace`]: `name: ` or
    /// `"name": ` for a key (without the `: ` when a `:` already follows),
    /// the term, quoted in JSON, for a value.
    pub insert: String,
    /// What an editor matches the typed text against: the label, in the
    /// quotes that were typed before it if any.
    pub filter: String,
}

/// The doc of `none`, the value of `genai` itself.
const NONE_DOC: &str =
    "The file uses no generative AI: `genai: none` declares that there is nothing to declare.";

/// What to offer at byte `at` of `text`, a file of `kind`.
///
/// `None` where aiclear offers nothing: outside the declaration (a
/// script's action text, a YAML file's other top-level keys, Markdown
/// frontmatter's other keys), in a mapping the vocabulary has no keys for
/// (`disclosed`, `retired`), in a comment or a string, in a USD layer, or
/// where the context cannot be read (a `---` line, a line whose parent is
/// not a `key:`, an unterminated script block). Inside the declaration,
/// `Some` with no items where a key takes text or a structure, where every
/// key of the mapping is already written, or for a key the vocabulary does
/// not know. An offset past the end is read as the end; one inside a
/// character gets `None`.
pub fn complete(kind: FileKind, text: &str, at: usize) -> Option<Completion> {
    let at = at.min(text.len());
    if !text.is_char_boundary(at) {
        return None;
    }
    let word = word_start(text, at);
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let found = match kind {
        FileKind::Fountain | FileKind::Markdown => match locate(kind, text.as_bytes()) {
            Block::Found { yaml } if yaml.start <= word && at <= yaml.end => {
                yaml::context(text, yaml, word, at)?
            }
            _ => return None,
        },
        FileKind::Yaml | FileKind::Sidecar if word >= bom => {
            yaml::context(text, bom..text.len(), word, at)?
        }
        FileKind::Json if word >= bom => json::context(text, bom, word, at)?,
        FileKind::Yaml | FileKind::Sidecar | FileKind::Json | FileKind::Usda => return None,
    };
    let start = word - found.quote.map_or(0, char::len_utf8);
    let end = after_quote(text, at, found.quote);
    let style = Style {
        json: kind == FileKind::Json,
        quote: found.quote,
        colon_follows: text[end..].trim_start_matches([' ', '\t']).starts_with(':'),
        after_colon: kind != FileKind::Json && text[..start].ends_with(':'),
    };
    let items = offer(&found.context, &style)?;
    Some(Completion {
        items,
        replace: start..end,
    })
}

/// Where the word that ends at `at` starts.
fn word_start(text: &str, at: usize) -> usize {
    let is_word = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.');
    let before = &text.as_bytes()[..at];
    at - before.iter().rev().take_while(|b| is_word(b)).count()
}

/// `at`, or past the closing `quote` an editor put right after it.
fn after_quote(text: &str, at: usize, quote: Option<char>) -> usize {
    match quote {
        Some(q) if text[at..].starts_with(q) => at + q.len_utf8(),
        _ => at,
    }
}

/// Where the rest of the cursor's word ends, and its closing `quote` if
/// any: what follows is the text after what is being typed.
fn after_word(text: &str, at: usize, quote: Option<char>) -> usize {
    let rest = &text[at..];
    let word = rest.len()
        - rest
            .trim_start_matches(|c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            .len();
    after_quote(text, at + word, quote)
}

/// Where a mapping is, as far as completion cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Place {
    /// The top level of a YAML document or of frontmatter.
    Root,
    /// A JSON file's root object.
    JsonRoot,
    /// A JSON file's top-level `metadata` object.
    Metadata,
    /// A mapping of the declaration the vocabulary has keys for.
    In(Scope),
    /// Anywhere else.
    Other,
}

impl Place {
    /// The place of the mapping (or of each mapping of the list) that is
    /// the value of `key` in a mapping here.
    fn child(self, key: &str) -> Place {
        match (self, key) {
            (Place::Root | Place::JsonRoot | Place::Metadata, "genai") => {
                Place::In(Scope::Declaration)
            }
            (Place::JsonRoot, "metadata") => Place::Metadata,
            (Place::In(Scope::Declaration), "uses") => Place::In(Scope::Use),
            (Place::In(Scope::Use), "tools") => Place::In(Scope::Tool),
            (Place::In(Scope::Use), "talent") => Place::In(Scope::Talent),
            _ => Place::Other,
        }
    }
}

/// What comes next at the cursor.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Context<'a> {
    /// A key of a mapping in `place`; `written` are its keys already
    /// written, before the cursor or after it.
    Key { place: Place, written: Vec<&'a str> },
    /// The value of `key` of a mapping in `place`; `written` are the items
    /// already in its list, when the cursor is in one.
    Value {
        place: Place,
        key: &'a str,
        written: Vec<&'a str>,
    },
}

/// The cursor's context, and the quote typed before its word.
#[derive(Debug)]
pub(super) struct Found<'a> {
    pub context: Context<'a>,
    pub quote: Option<char>,
}

/// How candidates are written where the cursor is.
struct Style {
    json: bool,
    /// The quote typed before the word.
    quote: Option<char>,
    /// A `:` already follows the word: a key needs none.
    colon_follows: bool,
    /// The word starts right after a YAML `:`, which needs a space after it.
    after_colon: bool,
}

impl Style {
    /// `text` as a key or a string: in the quote typed, else in JSON's.
    fn quoted(&self, text: &str) -> String {
        match self.quote.or(self.json.then_some('"')) {
            Some(q) => format!("{q}{text}{q}"),
            None => text.to_owned(),
        }
    }

    fn filter(&self, label: &str) -> String {
        match self.quote {
            Some(q) => format!("{q}{label}{q}"),
            None => label.to_owned(),
        }
    }

    fn key(&self, k: &'static KeyInfo) -> Item {
        let name = self.quoted(k.name);
        Item {
            label: k.name.to_owned(),
            kind: ItemKind::Key,
            detail: type_detail(k),
            doc: k.doc,
            insert: if self.colon_follows {
                name
            } else {
                format!("{name}: ")
            },
            filter: self.filter(k.name),
        }
    }

    /// A value `label`, written as a string unless `bare` (`true`).
    fn value(&self, label: &str, bare: bool, detail: String, doc: &'static str) -> Item {
        let text = if bare {
            label.to_owned()
        } else {
            self.quoted(label)
        };
        let space = if self.after_colon { " " } else { "" };
        Item {
            label: label.to_owned(),
            kind: ItemKind::Value,
            detail,
            doc,
            insert: format!("{space}{text}"),
            filter: self.filter(label),
        }
    }
}

/// The items for `context`; `None` where nothing is offered.
fn offer(context: &Context<'_>, style: &Style) -> Option<Vec<Item>> {
    match context {
        Context::Key {
            place: Place::In(scope),
            written,
        } => Some(
            vocabulary::KEYS
                .iter()
                .filter(|k| k.scope == *scope && !written.contains(&k.name))
                .map(|k| style.key(k))
                .collect(),
        ),
        Context::Value {
            place: Place::Root | Place::JsonRoot | Place::Metadata,
            key: "genai",
            ..
        } => Some(vec![style.value(
            "none",
            false,
            "genai".to_owned(),
            NONE_DOC,
        )]),
        Context::Value {
            place: Place::In(scope),
            key,
            written,
        } => Some(match vocabulary::key(*scope, key) {
            Some(k) => values(k, written, style),
            None => Vec::new(),
        }),
        Context::Key { .. } | Context::Value { .. } => None,
    }
}

/// The values key `k` can take, but the `written` ones of a list.
fn values(k: &'static KeyInfo, written: &[&str], style: &Style) -> Vec<Item> {
    let detail = || format!("{}.{}", k.scope.as_str(), k.name);
    match k.ty {
        Type::Term(terms) | Type::Terms(terms) => terms
            .iter()
            .filter(|t| !written.contains(t))
            .map(|t| style.value(t, false, detail(), k.doc))
            .collect(),
        Type::Bool => ["true", "false"]
            .into_iter()
            .map(|b| style.value(b, true, detail(), k.doc))
            .collect(),
        Type::Date => {
            let today = crate::localtime::today().to_string();
            vec![style.value(&today, false, "today".to_owned(), k.doc)]
        }
        Type::Text | Type::Texts | Type::Structure => Vec::new(),
    }
}

/// A key's type, as an item's detail.
fn type_detail(k: &KeyInfo) -> String {
    let terms = |t: &[&str]| {
        if t.len() <= 8 {
            t.join(" | ")
        } else {
            format!("one of {} terms", t.len())
        }
    };
    match k.ty {
        Type::Text => "text".to_owned(),
        Type::Texts => "list of texts".to_owned(),
        Type::Bool => "true | false".to_owned(),
        Type::Date => "date (YYYY-MM-DD)".to_owned(),
        Type::Term(t) => terms(t),
        Type::Terms(t) => format!("list of {}", terms(t)),
        // `disclosed` is one mapping; `uses`, `retired`, `tools` and
        // `talent` are lists of them.
        Type::Structure if k.name == "disclosed" => "mapping".to_owned(),
        Type::Structure => "list of mappings".to_owned(),
    }
}

#[cfg(test)]
mod tests;
