//! Every key a declaration may write, with its type, its default and what it
//! means: the table policy conditions are checked against, and the text
//! `aiclear explain KEY` prints.

/// The mapping a key belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// `genai` itself.
    Declaration,
    /// One entry of `uses`.
    Use,
    /// One entry of a use's `tools`.
    Tool,
    /// One entry of a use's `talent`.
    Talent,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Declaration => "declaration",
            Scope::Use => "use",
            Scope::Tool => "tool",
            Scope::Talent => "talent",
        }
    }
}

/// What a key's value is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Type {
    Text,
    /// A list of texts.
    Texts,
    Bool,
    Date,
    /// One of these terms.
    Term(&'static [&'static str]),
    /// One or a list of these terms.
    Terms(&'static [&'static str]),
    /// A mapping or a list of mappings (`disclosed`, `tools`, `talent`):
    /// conditions can only ask whether it is written.
    Structure,
}

/// The value a key has when it is not written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Default {
    None,
    One(&'static str),
    List(&'static [&'static str]),
}

/// One key of the vocabulary.
#[derive(Debug)]
pub struct KeyInfo {
    pub scope: Scope,
    pub name: &'static str,
    pub ty: Type,
    pub default: Default,
    /// One or two sentences: what the key says, for `aiclear explain`.
    pub doc: &'static str,
}

/// Every key, by scope, in the order help texts list them.
pub static KEYS: &[KeyInfo] = &[];

/// The key `name` of `scope`.
pub fn key(scope: Scope, name: &str) -> Option<&'static KeyInfo> {
    KEYS.iter().find(|k| k.scope == scope && k.name == name)
}

/// The keys of `scope`.
pub fn names(scope: Scope) -> impl Iterator<Item = &'static str> {
    KEYS.iter()
        .filter(move |k| k.scope == scope)
        .map(|k| k.name)
}
