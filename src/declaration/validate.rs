//! From a YAML tree to the declaration model, finding every problem at once.
//!
//! The vocabulary is a table per mapping (`genai`, a use, a tool, a talent
//! entry, `disclosed`, a `retired` entry) read by [`crate::schema`]: unknown
//! keys with the closest known key, wrong types, values outside their
//! vocabulary and missing required keys are [`Problem::Schema`]; values of
//! the right type that still cannot stand (a use id that is not a slug,
//! `tools: []`) are [`Problem::Invalid`]; placeholders left from the
//! template are [`Problem::Placeholder`]; repeated use ids are
//! [`Problem::DuplicateId`]. A use with problems is still kept with whatever
//! could be read, so the policy rules can judge the rest of it.

use crate::declaration::model::*;
use crate::declaration::vocabulary::Scope;
use crate::declaration::{Invalid, Malformed, Problem};
use crate::schema::{self, Built, Field};
use crate::source::Span;
use crate::yaml::{Key, Node, Value};

pub use crate::schema::{backticked, clip, did_you_mean};

type Reader<'f> = schema::Reader<'f, Problem>;

/// Most uses one file may declare.
pub const MAX_USES: usize = 10_000;

impl Built for Declaration {
    type Problem = Problem;
}
impl Built for Disclosed {
    type Problem = Problem;
}
impl Built for Use {
    type Problem = Problem;
}

/// A mapping whose `name` (or `performer`) must be there, as it is read.
struct Named<T> {
    name: Option<At<String>>,
    item: T,
}

impl<T> Built for Named<T> {
    type Problem = Problem;
}

/// A `retired` entry as it is read.
#[derive(Default)]
struct RetiredFields {
    id: Option<At<String>>,
    reason: Option<At<String>>,
    on: Option<At<Date>>,
}

impl Built for RetiredFields {
    type Problem = Problem;
}

const GENAI: &[Field<Declaration>] = &[
    Field::optional("disclosed", |r, k, v, d| d.disclosed = disclosed(r, k, v)),
    Field::optional("uses", uses),
    Field::optional("retired", |r, k, v, d| {
        for item in r.list(v, &k.name, false) {
            if let Some(x) = retired(r, item) {
                d.retired.push(x);
            }
        }
    }),
    Field::optional("territories", territories),
];

const DISCLOSED: &[Field<Disclosed>] = &[
    Field::required("to", |r, k, v, d| d.to = r.string(v, &k.name)),
    Field::required("on", |r, k, v, d| d.on = r.date(v, &k.name)),
];

const RETIRED: &[Field<RetiredFields>] = &[
    Field::required("id", |r, k, v, x| x.id = r.string(v, &k.name)),
    Field::required("reason", |r, k, v, x| x.reason = r.string(v, &k.name)),
    Field::required("on", |r, k, v, x| x.on = r.date(v, &k.name)),
];

/// The keys of a use, in the order help texts list them.
const USE: &[Field<Use>] = &[
    // Read first, before the use is built.
    Field::required("id", |_, _, _, _| {}),
    Field::optional("description", |r, k, v, u| {
        u.description = r.string(v, &k.name)
    }),
    Field::required("stage", |r, k, v, u| {
        u.stage = r.term(v, &k.name, Stage::ALL, Stage::parse)
    }),
    Field::required("output", |r, k, v, u| {
        u.output = r.terms(v, &k.name, Output::ALL, Output::parse, true)
    }),
    Field::required("tools", tools),
    Field::optional("elements", |r, k, v, u| {
        u.elements = r.terms(v, &k.name, Element::ALL, Element::parse, false)
    }),
    Field::optional("prominence", |r, k, v, u| {
        u.prominence = r.term(v, &k.name, Prominence::ALL, Prominence::parse)
    }),
    Field::optional("inputs", |r, k, v, u| {
        u.inputs = r.terms(v, &k.name, Input::ALL, Input::parse, false)
    }),
    Field::optional("training", |r, k, v, u| {
        u.training = r.term(v, &k.name, Training::ALL, Training::parse)
    }),
    Field::optional("references", |r, k, v, u| {
        u.references = r.terms(v, &k.name, Reference::ALL, Reference::parse, false)
    }),
    Field::optional("prompts", |r, k, v, u| u.prompts = r.strings(v, &k.name)),
    Field::optional("mistakable-for-real", |r, k, v, u| {
        u.mistakable_for_real = r.bool(v, &k.name)
    }),
    Field::optional("talent", |r, k, v, u| {
        let items = r.list(v, &k.name, false);
        u.talent = items.iter().filter_map(|n| talent(r, n)).collect();
    }),
    Field::optional("union-impact", |r, k, v, u| {
        u.union_impact = r.bool(v, &k.name)
    }),
    Field::optional("human-input", |r, k, v, u| {
        u.human_input = r.string(v, &k.name)
    }),
    Field::optional("source-type", |r, k, v, u| {
        u.source_type = r.term(v, &k.name, SourceType::ALL, SourceType::parse)
    }),
    Field::optional("approvals", |r, k, v, u| {
        u.approvals = r.strings(v, &k.name)
    }),
    Field::optional("approval-requested", |r, k, v, u| {
        u.approval_requested = r.date(v, &k.name)
    }),
    Field::optional("used-by", |r, k, v, u| {
        u.used_by = r.term(v, &k.name, UsedBy::ALL, UsedBy::parse)
    }),
    Field::optional("given-to-writer", |r, k, v, u| {
        u.given_to_writer = r.string(v, &k.name)
    }),
    Field::optional("writer-told-on", |r, k, v, u| {
        u.writer_told_on = r.date(v, &k.name)
    }),
    Field::optional("company-consent", |r, k, v, u| {
        u.company_consent = r.string(v, &k.name)
    }),
    Field::optional("deep-fake", |r, k, v, u| u.deep_fake = r.bool(v, &k.name)),
    Field::optional("audience-disclosure", |r, k, v, u| {
        let (all, parse) = (AudienceDisclosure::ALL, AudienceDisclosure::parse);
        u.audience_disclosure = r.terms(v, &k.name, all, parse, true)
    }),
    Field::optional("marking", |r, k, v, u| {
        u.marking = r.terms(v, &k.name, Marking::ALL, Marking::parse, true)
    }),
    Field::optional("timecodes", |r, k, v, u| {
        u.timecodes = r.strings(v, &k.name)
    }),
    Field::optional("source-material", |r, k, v, u| {
        u.source_material = r.string(v, &k.name)
    }),
    Field::optional("copyright-status", |r, k, v, u| {
        u.copyright_status = r.term(v, &k.name, CopyrightStatus::ALL, CopyrightStatus::parse)
    }),
    Field::optional("looks-archival", |r, k, v, u| {
        u.looks_archival = r.bool(v, &k.name)
    }),
];

const TOOL: &[Field<Named<Tool>>] = &[
    Field::required("name", |r, k, v, t| t.name = r.string(v, &k.name)),
    Field::optional("version", |r, k, v, t| {
        t.item.version = r.string(v, &k.name)
    }),
    Field::optional("enterprise", |r, k, v, t| {
        t.item.enterprise = r.bool(v, &k.name)
    }),
    Field::optional("trains-on-inputs", |r, k, v, t| {
        t.item.trains_on_inputs = r.term(v, &k.name, TrainsOnInputs::ALL, TrainsOnInputs::parse)
    }),
    Field::optional("terms-reviewed", |r, k, v, t| {
        t.item.terms_reviewed = r.date(v, &k.name)
    }),
];

const TALENT: &[Field<Named<Talent>>] = &[
    Field::required("performer", |r, k, v, t| t.name = r.string(v, &k.name)),
    Field::optional("union", |r, k, v, t| t.item.union = r.string(v, &k.name)),
    Field::optional("kind", |r, k, v, t| {
        t.item.kind = r.term(v, &k.name, TalentKind::ALL, TalentKind::parse)
    }),
    Field::optional("consent", |r, k, v, t| {
        t.item.consent = r.string(v, &k.name)
    }),
    Field::optional("deceased", |r, k, v, t| {
        t.item.deceased = r.bool(v, &k.name)
    }),
    Field::optional("replica", |r, k, v, t| {
        t.item.replica = r.term(v, &k.name, Replica::ALL, Replica::parse)
    }),
    Field::optional("consent-use", |r, k, v, t| {
        t.item.consent_use = r.string(v, &k.name)
    }),
    Field::optional("consent-on", |r, k, v, t| {
        t.item.consent_on = r.date(v, &k.name)
    }),
    Field::optional("notice-on", |r, k, v, t| {
        t.item.notice_on = r.date(v, &k.name)
    }),
    Field::optional("scan-on", |r, k, v, t| t.item.scan_on = r.date(v, &k.name)),
    Field::optional("scan-reason", |r, k, v, t| {
        t.item.scan_reason = r.string(v, &k.name)
    }),
    Field::optional("estate-consent", |r, k, v, t| {
        t.item.estate_consent = r.string(v, &k.name)
    }),
    Field::optional("union-notice-on", |r, k, v, t| {
        t.item.union_notice_on = r.date(v, &k.name)
    }),
    Field::optional("dubbing", |r, k, v, t| t.item.dubbing = r.bool(v, &k.name)),
];

/// Whether `name` is a key of `genai`, a use, a tool or a talent entry.
pub fn is_key(name: &str) -> bool {
    [Scope::Declaration, Scope::Use, Scope::Tool, Scope::Talent]
        .into_iter()
        .any(|scope| keys(scope).any(|k| k == name))
}

/// Whether `name` is a key of a use.
pub fn is_use_key(name: &str) -> bool {
    keys(Scope::Use).any(|k| k == name)
}

/// The keys the reader accepts in `scope`, in the order of its table.
pub(crate) fn keys(scope: Scope) -> Box<dyn Iterator<Item = &'static str>> {
    match scope {
        Scope::Declaration => Box::new(schema::keys(GENAI)),
        Scope::Use => Box::new(schema::keys(USE)),
        Scope::Tool => Box::new(schema::keys(TOOL)),
        Scope::Talent => Box::new(schema::keys(TALENT)),
    }
}

/// Read the value of a `genai` key into a declaration.
/// `file` is the whole file the spans point into (for the lines and
/// columns problems name).
pub fn declaration(
    key: &Key,
    node: &Node,
    file: &[u8],
    problems: &mut Vec<Problem>,
) -> Option<Declaration> {
    let from = problems.len();
    let decl = read_declaration(key, node, problems);
    if let Some(decl) = &decl {
        duplicate_ids(decl, file, problems);
    }
    placeholders(node, problems, from);
    decl
}

/// Free-text hints of the declaration template (`aiclear annotate`) that a
/// writer may uncomment as they are.
const TEMPLATE_HINTS: &[&str] = &[
    "what was generated, and what for",
    "what people changed or added",
    "what people changed or added (needed for stage: final)",
];

/// Whether a value is a placeholder that `aiclear annotate`'s template wrote
/// for the writer to replace: `TODO` (any case), `TODO: …` (the JSON
/// template's form), `TODO` followed by anything but a letter or digit, or
/// one of the template's commented hints.
pub fn is_placeholder(text: &str) -> bool {
    let t = text.trim();
    let Some((head, rest)) = t.split_at_checked(4) else {
        return false;
    };
    let todo = head.eq_ignore_ascii_case("todo")
        && (rest.is_empty()
            || rest.starts_with(':')
            || (head == "TODO" && !rest.starts_with(|c: char| c.is_alphanumeric())));
    todo || TEMPLATE_HINTS.contains(&t)
}

/// Report every placeholder left from the template, free text included: a
/// problem a reader already found at the placeholder's place (`TODO` is not
/// a valid `stage`) becomes the placeholder rather than being repeated.
fn placeholders(node: &Node, problems: &mut Vec<Problem>, from: usize) {
    let mut found = Vec::new();
    collect_placeholders(node, "genai", &mut found);
    for (span, key, text) in found {
        let placeholder = Problem::Placeholder {
            span: span.clone(),
            key: key.to_owned(),
            text: clip(text).into_owned(),
        };
        let existing = problems[from..]
            .iter_mut()
            .find(|p| p.is_invalid_value_at(&span));
        match existing {
            Some(p) => *p = placeholder,
            None => problems.push(placeholder),
        }
    }
}

fn collect_placeholders<'n>(node: &'n Node, key: &'n str, out: &mut Vec<(Span, &'n str, &'n str)>) {
    match &node.value {
        Value::Str(s) if is_placeholder(s) => out.push((node.span.clone(), key, s)),
        Value::Seq(items) => {
            for item in items {
                collect_placeholders(item, key, out);
            }
        }
        Value::Map(entries) => {
            for (k, v) in entries {
                collect_placeholders(v, &k.name, out);
            }
        }
        _ => {}
    }
}

fn read_declaration(key: &Key, node: &Node, problems: &mut Vec<Problem>) -> Option<Declaration> {
    let mut r = Reader { problems };
    let mut decl = Declaration {
        key_span: key.span.clone(),
        none: false,
        disclosed: None,
        uses: Vec::new(),
        retired: Vec::new(),
        territories: Vec::new(),
        node: node.clone(),
    };
    let entries = match &node.value {
        Value::Str(s) if s == "none" => {
            decl.none = true;
            return Some(decl);
        }
        Value::Null => {
            let span = key.span.clone();
            r.problems
                .push(Problem::Invalid(Invalid::EmptyGenai { span }));
            return None;
        }
        Value::Str(s) => {
            r.problems.push(Problem::Invalid(Invalid::NotADeclaration {
                span: node.span.clone(),
                text: s.clone(),
                typo: did_you_mean(s, &["none"]).is_some(),
            }));
            return None;
        }
        _ => r.map(node, "genai")?,
    };
    r.fields(entries, &key.span, "`genai`", GENAI, &mut decl);
    Some(decl)
}

fn uses(r: &mut Reader, k: &Key, v: &Node, decl: &mut Declaration) {
    let items = r.list(v, &k.name, false);
    if items.len() > MAX_USES {
        r.problems.push(Problem::Malformed(Malformed::TooManyUses {
            span: k.span.clone(),
        }));
        return;
    }
    for item in items {
        if let Some(u) = read_use(r, item) {
            decl.uses.push(u);
        }
    }
}

/// `territories`: one territory or a list of them.
fn territories(r: &mut Reader, k: &Key, v: &Node, decl: &mut Declaration) {
    for item in r.list(v, &k.name, true) {
        let Some(text) = r.string(item, &k.name) else {
            continue;
        };
        match Territory::parse(&text.value) {
            Some(t) => decl.territories.push(At::new(t, text.span)),
            None => r.problems.push(Problem::Invalid(Invalid::NotATerritory {
                suggestion: Territory::suggest(&text.value),
                text: clip(&text.value).into_owned(),
                span: text.span,
            })),
        }
    }
}

/// Each use whose id an earlier use of the file has already.
fn duplicate_ids(decl: &Declaration, file: &[u8], problems: &mut Vec<Problem>) {
    let mut source = None;
    for (i, u) in decl.uses.iter().enumerate() {
        if let Some(first) = decl.uses[..i].iter().find(|p| p.id.value == u.id.value) {
            let source =
                source.get_or_insert_with(|| crate::source::Source::new("", file.to_vec()));
            let at = source.line_col(first.id.span.start);
            problems.push(Problem::DuplicateId {
                span: u.id.span.clone(),
                first: first.id.span.clone(),
                id: clip(&u.id.value).into_owned(),
                line: at.line,
                column: at.column,
            });
        }
    }
}

fn disclosed(r: &mut Reader, key: &Key, node: &Node) -> Option<Disclosed> {
    let entries = r.map(node, "disclosed")?;
    let mut d = Disclosed {
        key_span: key.span.clone(),
        to: None,
        on: None,
    };
    r.fields(entries, &key.span, "`disclosed`", DISCLOSED, &mut d);
    Some(d)
}

fn retired(r: &mut Reader, node: &Node) -> Option<Retired> {
    let entries = r.map(node, "retired")?;
    let mut x = RetiredFields::default();
    r.fields(entries, &node.span, "a `retired` entry", RETIRED, &mut x);
    Some(Retired {
        id: x.id?,
        reason: x.reason,
        on: x.on,
    })
}

fn read_use(r: &mut Reader, node: &Node) -> Option<Use> {
    let entries = r.map(node, "uses")?;
    r.check_keys(entries, &node.span, "a use", USE);
    let id_node = entries.iter().find(|(k, _)| k.name == "id").map(|(_, v)| v);
    let id = match id_node {
        Some(n) => r.string(n, "id")?,
        None => return None,
    };
    if !is_slug(&id.value) {
        r.problems.push(Problem::Invalid(Invalid::NotASlug {
            span: id.span.clone(),
            id: clip(&id.value).into_owned(),
        }));
    }
    let mut u = Use {
        span: node.span.clone(),
        id,
        description: None,
        stage: None,
        output: Vec::new(),
        tools: Vec::new(),
        tools_span: None,
        elements: Vec::new(),
        prominence: None,
        inputs: Vec::new(),
        training: None,
        references: Vec::new(),
        prompts: Vec::new(),
        mistakable_for_real: None,
        talent: Vec::new(),
        union_impact: None,
        human_input: None,
        source_type: None,
        approvals: Vec::new(),
        approval_requested: None,
        used_by: None,
        given_to_writer: None,
        writer_told_on: None,
        company_consent: None,
        deep_fake: None,
        audience_disclosure: Vec::new(),
        marking: Vec::new(),
        timecodes: Vec::new(),
        source_material: None,
        copyright_status: None,
        looks_archival: None,
        node: node.clone(),
    };
    r.read_fields(entries, USE, &mut u);
    Some(u)
}

fn tools(r: &mut Reader, k: &Key, v: &Node, u: &mut Use) {
    u.tools_span = Some(k.span.clone());
    let items = r.list(v, &k.name, false);
    if items.is_empty() {
        let span = v.span.clone();
        r.problems.push(Problem::Invalid(Invalid::NoTools { span }));
    }
    u.tools = items.iter().filter_map(|n| tool(r, n)).collect();
}

fn tool(r: &mut Reader, node: &Node) -> Option<Tool> {
    let entries = match &node.value {
        // `tools: ["Imagen 4"]` is a common shorthand; ask for the full form.
        Value::Str(s) => {
            r.problems.push(Problem::Invalid(Invalid::ToolAsText {
                span: node.span.clone(),
                name: s.clone(),
            }));
            return None;
        }
        _ => r.map(node, "tools")?,
    };
    let mut t = Named {
        name: None,
        item: Tool {
            span: node.span.clone(),
            name: At::new(String::new(), node.span.clone()),
            version: None,
            enterprise: None,
            trains_on_inputs: None,
            terms_reviewed: None,
        },
    };
    r.fields(entries, &node.span, "a tool", TOOL, &mut t);
    t.item.name = t.name?;
    Some(t.item)
}

fn talent(r: &mut Reader, node: &Node) -> Option<Talent> {
    let entries = r.map(node, "talent")?;
    let mut t = Named {
        name: None,
        item: Talent {
            span: node.span.clone(),
            performer: At::new(String::new(), node.span.clone()),
            union: None,
            kind: None,
            consent: None,
            deceased: None,
            replica: None,
            consent_use: None,
            consent_on: None,
            notice_on: None,
            scan_on: None,
            scan_reason: None,
            estate_consent: None,
            union_notice_on: None,
            dubbing: None,
        },
    };
    r.fields(entries, &node.span, "a talent entry", TALENT, &mut t);
    t.item.performer = t.name?;
    Some(t.item)
}

fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.')
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Finding;
    use crate::yaml;

    fn read(text: &str) -> (Option<Declaration>, Vec<Finding>) {
        let top = yaml::parse_top_level(text, 0).unwrap();
        let (k, v) = top.genai.unwrap();
        let mut problems = Vec::new();
        let decl = declaration(&k, &v, text.as_bytes(), &mut problems);
        (decl, problems.into_iter().map(Finding::from).collect())
    }

    #[test]
    fn none_is_a_declaration_without_uses() {
        let (d, f) = read("genai: none\n");
        assert!(d.unwrap().none);
        assert!(f.is_empty());
    }

    #[test]
    fn unknown_key_suggests_the_closest() {
        let text = "genai:\n  uses:\n    - id: a\n      stage: temp\n      output: image\n      tools: [{name: x}]\n      elemnts: [prop]\n";
        let (_, f) = read(text);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].rule.code, "GA003");
        assert_eq!(f[0].help.as_deref(), Some("did you mean `elements`?"));
        assert_eq!(&text[f[0].span.clone().unwrap()], "elemnts");
    }

    #[test]
    fn every_problem_is_reported() {
        let text = "genai:\n  uses:\n    - id: a\n      stage: finale\n      output: [picture]\n      tools: []\n      mistakable-for-real: yes\n";
        let (d, f) = read(text);
        let codes: Vec<_> = f.iter().map(|f| f.rule.code).collect();
        assert_eq!(codes, ["GA004"; 4], "{f:?}");
        assert_eq!(f[0].help.as_deref(), Some("did you mean `final`?"));
        assert_eq!(d.unwrap().uses.len(), 1);
    }

    #[test]
    fn placeholders_are_errors_in_every_field() {
        let text = "genai:\n  disclosed: { to: TODO, on: 2025-09-02 }\n  uses:\n    - id: relay\n      stage: TODO\n      output: image\n      tools: [{ name: TODO, enterprise: true, trains-on-inputs: false }]\n      human-input: todo\n      description: \"TODO: what it is\"\n      prompts: [\"a relay station\", TODO]\n";
        let (d, f) = read(text);
        assert!(d.is_some());
        let found: Vec<(&str, &str)> = f
            .iter()
            .map(|f| (f.rule.code, &text[f.span.clone().unwrap()]))
            .collect();
        assert_eq!(
            found,
            [
                ("GA004", "TODO"),
                ("GA004", "TODO"),
                ("GA004", "TODO"),
                ("GA004", "todo"),
                ("GA004", "\"TODO: what it is\""),
                ("GA004", "TODO"),
            ],
            "{f:#?}"
        );
        for f in &f {
            assert!(
                f.message
                    .contains("a placeholder left from the declaration template"),
                "{}",
                f.message
            );
            assert!(
                f.help
                    .as_deref()
                    .unwrap()
                    .starts_with("replace the placeholder with"),
                "{:?}",
                f.help
            );
            assert_eq!(f.label.as_deref(), Some("placeholder"));
            crate::rules::test_util::assert_conventional(f);
        }
        let by_key = |k: &str| {
            f.iter()
                .find(|f| f.message.starts_with(&format!("`{k}`")))
                .unwrap()
        };
        // A value outside a vocabulary is reported once, as a placeholder,
        // with the values it takes.
        assert!(
            by_key("stage")
                .help
                .as_deref()
                .unwrap()
                .contains("`ideation`")
        );
        assert!(
            by_key("to")
                .help
                .as_deref()
                .unwrap()
                .contains("disclosed to")
        );
        assert!(
            by_key("name")
                .help
                .as_deref()
                .unwrap()
                .contains("tool's name")
        );
        assert!(by_key("human-input").message.contains("is `todo`"));
    }

    #[test]
    fn what_counts_as_a_placeholder() {
        for text in [
            "TODO",
            "todo",
            " TODO ",
            "TODO: YYYY-MM-DD",
            "Todo:",
            "TODO - ask Mei",
            "what was generated, and what for",
        ] {
            assert!(is_placeholder(text), "{text:?}");
        }
        for text in [
            "Todo list app mockup",
            "todos",
            "TODOS",
            "Mr. Todo",
            "",
            "tod",
            "Écrit",
        ] {
            assert!(!is_placeholder(text), "{text:?}");
        }
        let (_, f) = read("genai: TODO\n");
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(f[0].message.contains("placeholder"), "{}", f[0].message);
    }

    /// The template's own placeholders and commented hints, uncommented as
    /// they are, are all reported.
    #[test]
    fn the_templates_placeholders_are_all_known() {
        let template = crate::kind::TEMPLATE;
        let uncommented: String = template
            .lines()
            .filter(|l| {
                !l.trim_start().starts_with("# Fill")
                    && !l.trim_start().starts_with("# this")
                    && !l.trim_start().starts_with("# `aiclear")
            })
            .map(|l| match l.split_once("# ") {
                // `# key: hint` lines become `key: hint`.
                Some((indent, rest)) if indent.trim().is_empty() => {
                    // A hint with a colon in it does not parse uncommented
                    // (an error too): its first words are kept.
                    let rest = rest.split("  #").next().unwrap();
                    let rest = rest.split(" (").next().unwrap();
                    format!("{indent}{}\n", rest.trim_end())
                }
                // A trailing comment goes.
                Some((code, _)) => format!("{}\n", code.trim_end()),
                None => format!("{l}\n"),
            })
            .collect();
        let (_, f) = read(&uncommented);
        let placeholders = f
            .iter()
            .filter(|f| f.message.contains("placeholder"))
            .count();
        // disclosed.to and .on, id, stage, output, the tool's three values,
        // description and human-input.
        assert_eq!(placeholders, 10, "{uncommented}\n{f:#?}");
    }

    /// Each value read, as text, and the text at its span.
    fn shown<'a, T: std::fmt::Display + 'a>(
        text: &str,
        values: impl IntoIterator<Item = &'a At<T>>,
    ) -> Vec<String> {
        let show = |v: &At<T>| format!("{} @ {}", v.value, &text[v.span.clone()]);
        values.into_iter().map(show).collect()
    }

    #[test]
    fn a_simple_use_is_five_lines() {
        let text = "genai:\n  uses:\n    - id: relay-moodboard\n      stage: ideation\n      output: image\n      tools: [{ name: \"Imagen 4\" }]\n      human-input: \"picked two of forty\"\n";
        assert_eq!(text.lines().skip(2).count(), 5);
        let (d, f) = read(text);
        assert!(f.is_empty(), "{f:?}");
        let d = d.unwrap();
        assert!(d.territories.is_empty());
        assert!(matches!(&d.node.value, Value::Map(m) if m.len() == 1 && m[0].0.name == "uses"));
        let u = &d.uses[0];
        assert!(u.used_by.is_none() && u.deep_fake.is_none() && u.marking.is_empty());
        assert_eq!(read("genai: none\n").0.unwrap().node.as_str(), Some("none"));
    }

    #[test]
    fn the_keys_of_the_policy_packs_are_read() {
        let text = "genai:\n  uses:\n    - id: relay\n      stage: final\n      output: [video, voice]\n      tools: [{ name: \"Veo 3\" }]\n      used-by: company\n      given-to-writer: \"Dana Ruiz\"\n      writer-told-on: 2025-09-03\n      company-consent: NL-WGA-0007\n      deep-fake: true\n      audience-disclosure: [opening-card, end-credits]\n      marking: c2pa\n      timecodes: [\"01:02:03:04-01:02:10:00\", 01:20:00:00-01:20:04:12]\n      source-material: \"1969 newsreel, reel 4\"\n      copyright-status: licensed\n      looks-archival: false\n      talent:\n        - performer: \"Ana Ortiz\"\n          replica: employment-based\n          consent-use: \"ep. 104 rooftop fall\"\n          consent-on: 2025-08-20\n          notice-on: 2025-08-25\n          scan-on: 2025-08-28\n          scan-reason: \"too dangerous to perform\"\n          estate-consent: EST-1\n          union-notice-on: 2025-08-26\n          dubbing: true\n";
        let (d, f) = read(text);
        assert!(f.is_empty(), "{f:?}");
        let u = &d.unwrap().uses[0];
        let read = [
            shown(text, &u.used_by),
            shown(text, &u.given_to_writer),
            shown(text, &u.writer_told_on),
            shown(text, &u.company_consent),
            shown(text, &u.deep_fake),
            // One term stands for a list of one.
            shown(text, &u.audience_disclosure),
            shown(text, &u.marking),
            shown(text, &u.timecodes),
            shown(text, &u.source_material),
            shown(text, &u.copyright_status),
            shown(text, &u.looks_archival),
        ];
        let expected: [&[&str]; 11] = [
            &["company @ company"],
            &["Dana Ruiz @ \"Dana Ruiz\""],
            &["2025-09-03 @ 2025-09-03"],
            &["NL-WGA-0007 @ NL-WGA-0007"],
            &["true @ true"],
            &["opening-card @ opening-card", "end-credits @ end-credits"],
            &["c2pa @ c2pa"],
            &[
                "01:02:03:04-01:02:10:00 @ \"01:02:03:04-01:02:10:00\"",
                "01:20:00:00-01:20:04:12 @ 01:20:00:00-01:20:04:12",
            ],
            &["1969 newsreel, reel 4 @ \"1969 newsreel, reel 4\""],
            &["licensed @ licensed"],
            &["false @ false"],
        ];
        assert_eq!(read, expected);
        let t = &u.talent[0];
        let read = [
            shown(text, &t.replica),
            shown(text, &t.consent_use),
            shown(text, &t.consent_on),
            shown(text, &t.notice_on),
            shown(text, &t.scan_on),
            shown(text, &t.scan_reason),
            shown(text, &t.estate_consent),
            shown(text, &t.union_notice_on),
            shown(text, &t.dubbing),
        ];
        let expected: [&[&str]; 9] = [
            &["employment-based @ employment-based"],
            &["ep. 104 rooftop fall @ \"ep. 104 rooftop fall\""],
            &["2025-08-20 @ 2025-08-20"],
            &["2025-08-25 @ 2025-08-25"],
            &["2025-08-28 @ 2025-08-28"],
            &["too dangerous to perform @ \"too dangerous to perform\""],
            &["EST-1 @ EST-1"],
            &["2025-08-26 @ 2025-08-26"],
            &["true @ true"],
        ];
        assert_eq!(read, expected);
        assert_eq!(u.marking[0].value, Marking::C2pa);
        assert_eq!(t.replica.as_ref().unwrap().value, Replica::EmploymentBased);
    }

    #[test]
    fn a_wrong_value_of_a_new_key_suggests_the_right_one() {
        let text = "genai:\n  uses:\n    - id: a\n      stage: final\n      output: video\n      tools: [{ name: x }]\n      used-by: writter\n      audience-disclosure: [end-credit, opening-card]\n      marking: [c2p]\n      copyright-status: publicdomain\n      deep-fake: yes\n      writer-told-on: 2025-13-01\n      talent:\n        - performer: \"Ana Ortiz\"\n          replica: employment\n          dubbing: no\n          notice-on: soon\n";
        let (d, f) = read(text);
        let found: Vec<String> = f
            .iter()
            .map(|f| {
                let help = f.help.as_deref().unwrap_or("-");
                format!("{} {}: {help}", f.rule.code, &text[f.span.clone().unwrap()])
            })
            .collect();
        let expected = [
            "GA004 writter: did you mean `writer`?",
            "GA004 end-credit: did you mean `end-credits`?",
            "GA004 c2p: did you mean `c2pa`?",
            "GA004 publicdomain: did you mean `public-domain`?",
            "GA004 yes: -",
            "GA004 2025-13-01: -",
            "GA004 employment: did you mean `employment-based`?",
            "GA004 no: -",
            "GA004 soon: -",
        ];
        assert_eq!(found, expected);
        assert!(
            f[4].message
                .contains("`deep-fake` must be `true` or `false`")
        );
        // The rest of the use is still read.
        let u = &d.unwrap().uses[0];
        assert_eq!(
            shown(text, &u.audience_disclosure),
            ["opening-card @ opening-card"]
        );
        assert_eq!(u.talent[0].performer.value, "Ana Ortiz");
    }

    #[test]
    fn duplicate_ids() {
        let text = "genai:\n  uses:\n    - {id: a, stage: temp, output: text, tools: [{name: x}]}\n    - {id: a, stage: temp, output: text, tools: [{name: x}]}\n";
        let (_, f) = read(text);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].rule.code, "GA005");
    }
}
