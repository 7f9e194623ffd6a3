//! What can stop a file's declaration being read, as data.
//!
//! The readers find these; each rule that reports one (`missing-declaration`,
//! `malformed-declaration`, `unknown-field`, `invalid-value`,
//! `duplicate-use-id`) turns it into its finding, with its words.

use crate::kind::FileKind;
use crate::schema;
use crate::source::Span;
use crate::yaml;

/// A problem found reading a file's declaration. The rules turn each into
/// its finding: `missing-declaration`, `malformed-declaration`,
/// `unknown-field`, `invalid-value` and `duplicate-use-id`.
#[derive(Clone, Debug, PartialEq)]
pub enum Problem {
    /// The file has no declaration.
    Missing(Missing),
    /// The declaration cannot be read, or is not the file's only one.
    Malformed(Malformed),
    /// A key or value that does not fit the vocabulary.
    Schema(schema::Problem),
    /// A value the declaration's vocabulary refuses beyond its type.
    Invalid(Invalid),
    /// A top-level key that is a near miss of `genai` (`gen-ai`, `GenAI`).
    NotGenai { key: yaml::Key },
    /// A value left from the declaration template (`TODO`) under `key`.
    Placeholder {
        span: Span,
        key: String,
        text: String,
    },
    /// A use whose id an earlier use has, first at `line`, `column`.
    DuplicateId {
        span: Span,
        first: Span,
        id: String,
        line: usize,
        column: usize,
    },
}

/// A declaration value of the right type that still cannot stand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Invalid {
    /// `genai:` with nothing after it, at the key.
    EmptyGenai { span: Span },
    /// `genai: TEXT`; `typo` when the text is a misspelling of `none`.
    NotADeclaration {
        span: Span,
        text: String,
        typo: bool,
    },
    /// A use id that is not a slug.
    NotASlug { span: Span, id: String },
    /// `tools: []`.
    NoTools { span: Span },
    /// `tools: ["NAME"]`: a tool named, not described.
    ToolAsText { span: Span, name: String },
    /// A `territories` value that is not an ISO 3166-1 alpha-2 code, `EU` or
    /// `worldwide`; `suggestion` is the territory it is probably meant to be.
    NotATerritory {
        span: Span,
        text: String,
        suggestion: Option<&'static str>,
    },
}

impl Invalid {
    pub fn span(&self) -> &Span {
        match self {
            Invalid::EmptyGenai { span }
            | Invalid::NotADeclaration { span, .. }
            | Invalid::NotASlug { span, .. }
            | Invalid::NoTools { span }
            | Invalid::ToolAsText { span, .. }
            | Invalid::NotATerritory { span, .. } => span,
        }
    }
}

impl Problem {
    /// Whether this is a value refused at `span` (`invalid-value`), which a
    /// placeholder there replaces.
    pub fn is_invalid_value_at(&self, at: &Span) -> bool {
        match self {
            Problem::Schema(p) => p.kind.is_invalid_value() && &p.span == at,
            Problem::Invalid(i) => i.span() == at,
            _ => false,
        }
    }
}

impl From<schema::Problem> for Problem {
    fn from(p: schema::Problem) -> Self {
        Problem::Schema(p)
    }
}

/// A file without a declaration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Missing {
    pub kind: FileKind,
    /// A declaration block where none is read.
    pub elsewhere: Option<Elsewhere>,
}

/// A declaration block in a script or Markdown file where none is read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Elsewhere {
    /// The line of its `genai` key.
    pub line: usize,
    /// The line where the YAML of the block that is read starts, if the
    /// file has one.
    pub read_from: Option<usize>,
}

/// Why a declaration cannot be read, or is one too many.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Malformed {
    /// The block of a script or Markdown file is over [`super::MAX_BLOCK_BYTES`].
    TooLarge {
        at: usize,
    },
    /// The byte at `at` is not UTF-8.
    NotUtf8 {
        at: usize,
    },
    /// A block that is opened and never closed, as its locator says.
    Unterminated {
        span: Span,
        message: String,
    },
    Syntax(Box<yaml::SyntaxProblem>),
    /// A `genai` key in a later YAML document, and none in the first.
    LaterDocument {
        span: Span,
    },
    /// Content after the JSON value, at `at`.
    AfterJson {
        at: usize,
    },
    /// A second declaration at `span`; the one read is at `first_line`.
    Second {
        place: Second,
        span: Span,
        first_line: usize,
    },
    /// More than [`super::validate::MAX_USES`] uses, under the key at `span`.
    TooManyUses {
        span: Span,
    },
}

/// Where a second declaration sits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Second {
    /// A second declaration block in a script or Markdown file.
    Block,
    /// A JSON file's top-level `genai` beside its `metadata.genai`.
    BesideMetadata,
    /// A `genai` key in a later YAML document.
    LaterDocument,
}
