use crate::approvals;
use crate::declaration;
use crate::declaration::{
    AudienceDisclosure, CopyrightStatus, Element, Input, Marking, Output, Prominence, Reference,
    Replica, SourceType, Stage, TalentKind, Training, TrainsOnInputs, UsedBy,
};
use crate::rules::{Check, Finding, declare_rule, unknown_field};
use crate::schema::{self, Kind, NotList, backticked};
use crate::source::Span;

declare_rule! {
    /// ### What it does
    /// Reports a value of the wrong type (text where a list is expected, a word
    /// where `true` or `false` is expected, a date not written `YYYY-MM-DD`), a
    /// term outside its list (suggesting the closest one), and a required key that
    /// is missing: a use needs `id`, `stage`, `output` and `tools`, a tool needs
    /// `name`, a talent entry needs `performer`, and `disclosed` needs `to` and `on`.
    ///
    /// It also reports every placeholder that `aiclear annotate`'s template
    /// leaves for the writer to replace, in any field, free text included
    /// (`to`, a tool's `name`, `human-input`, `description`), and the
    /// template's commented hints uncommented as they are.
    ///
    /// ### Why it matters
    /// Every term in a declaration has one meaning that the rules, the disclosure
    /// report and the studio's reviewers all rely on. A stage of `draft` or a tool
    /// with `enterprise: yes` would leave it to guesswork whether the guidelines'
    /// conditions hold; aiclear fails safe and asks for the exact term instead.
    /// A placeholder is worse than nothing: a disclosure to nobody, or a tool
    /// with no name, reads as declared while saying nothing.
    ///
    /// ### Example
    /// ```yaml
    /// genai:
    ///   disclosed: { to: "M. Chen, Netflix creative production", on: 2025-09-02 }
    ///   uses:
    ///     - id: relay-moodboard
    ///       stage: draft
    ///       output: image
    ///       tools: [{ name: "Imagen 4", enterprise: true, trains-on-inputs: false }]
    /// ```
    /// Use instead:
    /// ```yaml
    /// genai:
    ///   disclosed: { to: "M. Chen, Netflix creative production", on: 2025-09-02 }
    ///   uses:
    ///     - id: relay-moodboard
    ///       stage: ideation
    ///       output: image
    ///       tools: [{ name: "Imagen 4", enterprise: true, trains-on-inputs: false }]
    /// ```
    pub INVALID_VALUE {
        code: "GA004",
        name: "invalid-value",
        level: Deny,
        summary: "a value of the wrong type or outside its list, or a missing required key",
        guideline: "every declared value has one meaning for the rules and the studio's reviewers; unknown facts fail safe",
        check: Check::Engine,
    }
}

impl From<schema::Problem> for Finding {
    fn from(p: schema::Problem) -> Self {
        let (message, help) = match p.kind {
            Kind::Unknown {
                key,
                what,
                suggestion,
                fields,
            } => return unknown_field::unknown_key(p.span, &key, what, suggestion, &fields),
            Kind::Missing { what, key } => (
                format!("{what} is missing the required field `{key}`"),
                Some(format!("add `{key}:` to {what}")),
            ),
            Kind::NotMapping { what, found } => {
                (format!("`{what}` must be a mapping, found {found}"), None)
            }
            Kind::Empty { key } => (format!("`{key}` is empty"), None),
            Kind::NotText { key, found } => (format!("`{key}` must be text, found {found}"), None),
            Kind::NotBool { key, found } => (
                format!("`{key}` must be `true` or `false`, found {found}"),
                None,
            ),
            Kind::NotDate { key, found } => (
                format!("`{key}` must be a date (YYYY-MM-DD), found {found}"),
                None,
            ),
            Kind::BadDate { key, text } => (
                format!("`{key}` must be a date written YYYY-MM-DD, found `{text}`"),
                None,
            ),
            Kind::NotTerm { key, terms, found } => (
                format!(
                    "`{key}` must be one of {}, found {found}",
                    backticked(terms)
                ),
                None,
            ),
            Kind::UnknownTerm {
                key,
                text,
                terms,
                suggestion,
            } => (
                format!("`{text}` is not a valid `{key}`"),
                Some(match suggestion {
                    Some(s) => crate::schema::suggest(s),
                    None => format!("use one of {}", backticked(terms)),
                }),
            ),
            Kind::NotList { key, found } => not_a_list(&key, found),
            Kind::Invalid { message, help } => (message, help),
        };
        let mut f = Finding::new(&INVALID_VALUE, Some(p.span), message);
        f.help = help;
        f
    }
}

/// The message and help for a value under `key` that is not a list.
fn not_a_list(key: &str, found: NotList) -> (String, Option<String>) {
    let (kind, help) = match found {
        NotList::Text(s) => ("a string", Some(format!("write a list: `{key}: [{s}]`"))),
        NotList::Mapping => (
            "a mapping",
            Some(format!(
                "write a list, each item on a line of its own starting with `- `, or in brackets: `{key}: [{{ … }}]`"
            )),
        ),
        NotList::Other(kind) => (kind, None),
    };
    (format!("`{key}` must be a list, found {kind}"), help)
}

/// A value under `key` that is `text`, a placeholder the declaration
/// template left for the writer to replace.
/// A ledger entry's `document` that is a link or not a regular file.
pub fn linked_document(path: &str, span: Span) -> Finding {
    Finding::new(
        &INVALID_VALUE,
        Some(span),
        format!("the document `{path}` is a symbolic link or not a regular file"),
    )
    .label("a link, not the signed document")
    .help("commit the signed approval itself at that path")
}

pub fn placeholder(span: Span, key: &str, text: &str) -> Finding {
    Finding::new(
        &INVALID_VALUE,
        Some(span),
        format!("`{key}` is `{text}`, a placeholder left from the declaration template"),
    )
    .label("placeholder")
    .help(format!("replace the placeholder with {}", expected(key)))
}

/// What a placeholder under `key` stands for, for the help.
fn expected(key: &str) -> String {
    let one_of = |all: &[&str]| format!("one of {}", backticked(all));
    match key {
        "genai" => {
            "`none` when no generative AI was used, or a mapping with `disclosed` and `uses`".into()
        }
        "to" => {
            "whom the use was disclosed to, e.g. `\"M. Chen, Netflix creative production\"`".into()
        }
        "on" | "terms-reviewed" | "granted-on" | "writer-told-on" | "consent-on" | "notice-on"
        | "scan-on" | "union-notice-on" => {
            "a date written YYYY-MM-DD, e.g. `2025-09-02`".into()
        }
        "id" => "a short slug of lowercase letters, digits and dashes, e.g. `aria-design`".into(),
        "description" => "a few words on what was generated, and what for".into(),
        "stage" => one_of(Stage::ALL),
        "output" => one_of(Output::ALL),
        "elements" => one_of(Element::ALL),
        "prominence" => one_of(Prominence::ALL),
        "inputs" => one_of(Input::ALL),
        "training" => one_of(Training::ALL),
        "references" => one_of(Reference::ALL),
        "source-type" => one_of(SourceType::ALL),
        "trains-on-inputs" => one_of(TrainsOnInputs::ALL),
        "kind" => one_of(TalentKind::ALL),
        "used-by" => one_of(UsedBy::ALL),
        "audience-disclosure" => one_of(AudienceDisclosure::ALL),
        "marking" => one_of(Marking::ALL),
        "copyright-status" => one_of(CopyrightStatus::ALL),
        "replica" => one_of(Replica::ALL),
        "territories" => TERRITORY.into(),
        "enterprise" | "mistakable-for-real" | "union-impact" | "deceased" | "deep-fake"
        | "looks-archival" | "dubbing" => "`true` or `false`".into(),
        "tools" | "name" => "the tool's name as its maker writes it, e.g. `\"Imagen 4\"`".into(),
        "version" => "the tool's version, or delete `version`".into(),
        "human-input" => "what people changed or added, in a few words".into(),
        "prompts" => "the prompt as it was written".into(),
        "approvals" => "the id of an approval in `.aiclear/approvals.yml`, or delete it".into(),
        "performer" => "the performer's name".into(),
        "union" => "the performer's union, e.g. `SAG-AFTRA`".into(),
        "consent" => "a reference to the signed consent".into(),
        "consent-use" => "the use the performer agreed to, as the consent describes it".into(),
        "scan-reason" => "the business reason for the scan".into(),
        "estate-consent" => "a reference to the signed consent of the estate or the union".into(),
        "company-consent" => "a reference to the company's written consent".into(),
        "given-to-writer" => "the writer's name".into(),
        "source-material" => "the material the use is based on".into(),
        "timecodes" => "the timecodes where the use appears, e.g. `\"01:02:03:04-01:02:10:00\"`".into(),
        "reason" => "why the use was removed".into(),
        _ => "the real value".into(),
    }
}

/// What a release territory is, for help texts.
const TERRITORY: &str = "an ISO 3166-1 alpha-2 code (`US`, `GB`, `FR` …), `EU` or `worldwide`";

/// The form of one ledger entry, for help texts.
const ENTRY_FORM: &str = "`- id: NFX-2025-0142` at the start of a line, with `granted-by:`, `granted-on:` and `covers:` indented under it";

impl From<approvals::Problem> for Finding {
    fn from(p: approvals::Problem) -> Self {
        match p {
            approvals::Problem::File(p) => Finding::from(p),
            approvals::Problem::Schema(p) => Finding::from(p),
            approvals::Problem::UnderKey { span, key } => Finding::new(
                &INVALID_VALUE,
                Some(span),
                format!(
                    "the approvals ledger must be a list of approvals at the top of the file, not a mapping under `{key}:`"
                ),
            )
            .label("not read: the file must start with the list itself")
            .help(format!(
                "delete the `{key}:` line and move its items to the start of their lines, so that each approval starts with {ENTRY_FORM}"
            ))
            .note("an empty ledger is an empty file, or `[]`"),
            approvals::Problem::Invalid(i) => ledger_value(i),
            approvals::Problem::NotAList { span, found } => Finding::new(
                &INVALID_VALUE,
                Some(span),
                format!("the approvals ledger must be a list of approvals, found {found}"),
            )
            .label("a list of approvals was expected")
            .help(format!("write each approval as a list item: {ENTRY_FORM}")),
        }
    }
}

/// A ledger value of the right type that still cannot stand.
fn ledger_value(i: approvals::Invalid) -> Finding {
    use approvals::{Invalid, MAX_COVER_PATH, MAX_GLOB_BYTES};
    let (span, message, help) = match i {
        Invalid::TwiceInLedger { span, id } => (
            span,
            format!("approval id `{id}` appears twice in the ledger"),
            Some("give every approval its own id"),
        ),
        Invalid::DocumentOutside { span, document } => (
            span,
            format!("the document `{document}` is outside the repository"),
            Some(
                "give the path of the signed approval inside the repository, relative to the project root",
            ),
        ),
        Invalid::UnknownRule { span, name } => (span, format!("no rule is called `{name}`"), None),
        Invalid::BadDigest { span } => (
            span,
            "a digest must be `sha256:` followed by 64 hex digits".to_owned(),
            Some("let `aiclear approve` compute it"),
        ),
        Invalid::CoverPathTooLong { span } => (
            span,
            format!("a cover path longer than {MAX_COVER_PATH} characters"),
            Some("name the file, or a short glob such as `scripts/**/*.fountain`"),
        ),
        Invalid::GlobsTooLong { span } => (
            span,
            format!(
                "the ledger's glob paths add up to more than {} KiB",
                MAX_GLOB_BYTES >> 10
            ),
            Some("name files, or use fewer and shorter globs"),
        ),
        Invalid::BadGlob { span, glob, error } => {
            (span, format!("invalid glob `{glob}`: {error}"), None)
        }
    };
    let mut f = Finding::new(&INVALID_VALUE, Some(span), message);
    f.help = help.map(str::to_owned);
    f
}

/// A declaration value of the right type that still cannot stand.
pub fn declaration_value(i: declaration::Invalid) -> Finding {
    use declaration::Invalid;
    let (span, message, help) = match i {
        Invalid::EmptyGenai { span } => (
            span,
            "the `genai` declaration is empty".to_owned(),
            "write `genai: none` when the file has no generative-AI use, or list its `uses`"
                .to_owned(),
        ),
        Invalid::NotADeclaration { span, text, typo } => (
            span,
            format!("`genai: {text}` is not a declaration"),
            if typo {
                "did you mean `none`?".to_owned()
            } else {
                "write `genai: none`, or a mapping with `uses`".to_owned()
            },
        ),
        Invalid::NotASlug { span, id } => (
            span,
            format!("use id `{id}` is not a slug"),
            "use lowercase letters, digits and dashes, e.g. `aria-design`".to_owned(),
        ),
        Invalid::NoTools { span } => (
            span,
            "`tools` lists no tool".to_owned(),
            "name at least one tool: `tools: [{ name: \"…\" }]`".to_owned(),
        ),
        Invalid::ToolAsText { span, name } => (
            span,
            format!("a tool must be a mapping, found the string `{name}`"),
            format!("write `{{ name: \"{name}\", enterprise: …, trains-on-inputs: … }}`"),
        ),
        Invalid::NotATerritory {
            span,
            text,
            suggestion,
        } => (
            span,
            format!("`{text}` is not a release territory: `territories` takes {TERRITORY}"),
            match suggestion {
                Some(s) => crate::schema::suggest(s),
                None => "write the country's two-letter ISO 3166-1 code in capitals".to_owned(),
            },
        ),
    };
    Finding::new(&INVALID_VALUE, Some(span), message).help(help)
}
