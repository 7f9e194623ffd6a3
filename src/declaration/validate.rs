//! From a YAML tree to the declaration model, reporting every problem at once.
//!
//! Unknown keys are GA003 with the closest known key suggested; wrong types,
//! values outside their vocabulary and missing required keys are GA004;
//! repeated use ids are GA005. A use with problems is still kept with whatever
//! could be read, so the policy rules can judge the rest of it.

use crate::declaration::model::*;
use crate::rules::Finding;
use crate::rules::{duplicate_use_id, invalid_value, unknown_field};
use crate::source::Span;
use crate::yaml::{Key, Node, Value};

/// Text from a file as a message quotes it: at most 60 characters.
pub fn clip(text: &str) -> std::borrow::Cow<'_, str> {
    const MAX: usize = 60;
    match text.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}…", &text[..at]).into(),
        None => text.into(),
    }
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

/// Collects findings while reading a tree.
pub struct Reader<'f> {
    pub findings: &'f mut Vec<Finding>,
}

impl Reader<'_> {
    pub fn invalid(&mut self, span: Span, message: String, help: Option<String>) {
        let mut f = Finding::new(&invalid_value::INVALID_VALUE, Some(span), message);
        f.help = help;
        self.findings.push(f);
    }

    /// The entries of a mapping, or GA004.
    pub fn map<'n>(&mut self, node: &'n Node, what: &str) -> Option<&'n [(Key, Node)]> {
        match &node.value {
            Value::Map(entries) => Some(entries),
            other => {
                self.invalid(
                    node.span.clone(),
                    format!("`{what}` must be a mapping, found {}", other.kind()),
                    None,
                );
                None
            }
        }
    }

    /// Report keys outside `allowed` (GA003) and missing `required` keys (GA004).
    pub fn keys(
        &mut self,
        entries: &[(Key, Node)],
        at: &Span,
        what: &str,
        allowed: &[&str],
        required: &[&str],
    ) {
        for (key, _) in entries {
            if !allowed.contains(&key.name.as_str()) {
                let mut f = Finding::new(
                    &unknown_field::UNKNOWN_FIELD,
                    Some(key.span.clone()),
                    format!("unknown field `{}` in {what}", clip(&key.name)),
                )
                .label("not a field aiclear knows");
                f.help = Some(match did_you_mean(&key.name, allowed) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("the fields of {what} are {}", backticked(allowed)),
                });
                self.findings.push(f);
            }
        }
        for name in required {
            if !entries.iter().any(|(k, _)| k.name == *name) {
                self.invalid(
                    at.clone(),
                    format!("{what} is missing the required field `{name}`"),
                    Some(format!("add `{name}:` to {what}")),
                );
            }
        }
    }

    pub fn string(&mut self, node: &Node, key: &str) -> Option<At<String>> {
        match &node.value {
            Value::Str(s) if !s.trim().is_empty() => Some(At::new(s.clone(), node.span.clone())),
            Value::Str(_) | Value::Null => {
                self.invalid(node.span.clone(), format!("`{key}` is empty"), None);
                None
            }
            Value::Int(i) => Some(At::new(i.to_string(), node.span.clone())),
            Value::Float(f) => Some(At::new(f.to_string(), node.span.clone())),
            other => {
                self.invalid(
                    node.span.clone(),
                    format!("`{key}` must be text, found {}", other.kind()),
                    None,
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
                self.invalid(
                    node.span.clone(),
                    format!("`{key}` must be `true` or `false`, found {found}"),
                    None,
                );
                None
            }
        }
    }

    pub fn date(&mut self, node: &Node, key: &str) -> Option<At<Date>> {
        let text = match &node.value {
            Value::Str(s) => s,
            other => {
                self.invalid(
                    node.span.clone(),
                    format!(
                        "`{key}` must be a date (YYYY-MM-DD), found {}",
                        other.kind()
                    ),
                    None,
                );
                return None;
            }
        };
        match text.parse::<Date>() {
            Ok(d) if text.len() == 10 => Some(At::new(d, node.span.clone())),
            _ => {
                self.invalid(
                    node.span.clone(),
                    format!(
                        "`{key}` must be a date written YYYY-MM-DD, found `{}`",
                        clip(text)
                    ),
                    None,
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
        all: &[&str],
        parse: fn(&str) -> Option<T>,
    ) -> Option<At<T>> {
        let text = match &node.value {
            Value::Str(s) => s.clone(),
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            other => {
                self.invalid(
                    node.span.clone(),
                    format!(
                        "`{key}` must be one of {}, found {}",
                        backticked(all),
                        other.kind()
                    ),
                    None,
                );
                return None;
            }
        };
        if let Some(v) = parse(&text) {
            return Some(At::new(v, node.span.clone()));
        }
        let help = match did_you_mean(&text, all) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("use one of {}", backticked(all)),
        };
        self.invalid(
            node.span.clone(),
            format!("`{}` is not a valid `{key}`", clip(&text)),
            Some(help),
        );
        None
    }

    /// The items of a list, or GA004. With `scalar_ok`, a single value stands
    /// for a list of one.
    pub fn list<'n>(&mut self, node: &'n Node, key: &str, scalar_ok: bool) -> &'n [Node] {
        match &node.value {
            Value::Seq(items) => items,
            Value::Null => &[],
            _ if scalar_ok => std::slice::from_ref(node),
            other => {
                let help = match other {
                    Value::Str(s) => Some(format!("write a list: `{key}: [{}]`", clip(s))),
                    Value::Map(_) => Some(format!(
                        "write a list, each item on a line of its own starting with `- `, or in brackets: `{key}: [{{ … }}]`"
                    )),
                    _ => None,
                };
                self.invalid(
                    node.span.clone(),
                    format!("`{key}` must be a list, found {}", other.kind()),
                    help,
                );
                &[]
            }
        }
    }

    pub fn terms<T>(
        &mut self,
        node: &Node,
        key: &str,
        all: &[&str],
        parse: fn(&str) -> Option<T>,
        scalar_ok: bool,
    ) -> Vec<At<T>> {
        let items = self.list(node, key, scalar_ok);
        items
            .iter()
            .filter_map(|n| self.term(n, key, all, parse))
            .collect()
    }

    pub fn strings(&mut self, node: &Node, key: &str) -> Vec<At<String>> {
        let items = self.list(node, key, false);
        items.iter().filter_map(|n| self.string(n, key)).collect()
    }
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

/// Most uses one file may declare.
pub const MAX_USES: usize = 10_000;

pub const GENAI_KEYS: &[&str] = &["disclosed", "uses", "retired"];
pub const USE_KEYS: &[&str] = &[
    "id",
    "description",
    "stage",
    "output",
    "tools",
    "elements",
    "prominence",
    "inputs",
    "training",
    "references",
    "prompts",
    "mistakable-for-real",
    "talent",
    "union-impact",
    "human-input",
    "source-type",
    "approvals",
    "approval-requested",
];
pub const TOOL_KEYS: &[&str] = &[
    "name",
    "version",
    "enterprise",
    "trains-on-inputs",
    "terms-reviewed",
];
pub const TALENT_KEYS: &[&str] = &["performer", "union", "kind", "consent", "deceased"];

/// Read the value of a `genai` key into a declaration.
/// `file` is the whole file the spans point into (for the lines and
/// columns messages name).
pub fn declaration(
    key: &Key,
    node: &Node,
    file: &[u8],
    findings: &mut Vec<Finding>,
) -> Option<Declaration> {
    let from = findings.len();
    let decl = read_declaration(key, node, file, findings);
    placeholders(node, findings, from);
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
        "on" | "terms-reviewed" | "granted-on" => {
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
        "enterprise" | "mistakable-for-real" | "union-impact" | "deceased" => {
            "`true` or `false`".into()
        }
        "tools" | "name" => "the tool's name as its maker writes it, e.g. `\"Imagen 4\"`".into(),
        "version" => "the tool's version, or delete `version`".into(),
        "human-input" => "what people changed or added, in a few words".into(),
        "prompts" => "the prompt as it was written".into(),
        "approvals" => "the id of an approval in `.aiclear/approvals.yml`, or delete it".into(),
        "performer" => "the performer's name".into(),
        "union" => "the performer's union, e.g. `SAG-AFTRA`".into(),
        "consent" => "a reference to the signed consent".into(),
        "reason" => "why the use was removed".into(),
        _ => "the real value".into(),
    }
}

/// Report every placeholder left from the template (GA004), free text
/// included: a finding a reader already made at the placeholder's place
/// (`TODO` is not a valid `stage`) is reworded rather than repeated.
fn placeholders(node: &Node, findings: &mut Vec<Finding>, from: usize) {
    let mut found = Vec::new();
    collect_placeholders(node, "genai", &mut found);
    for (span, key, text) in found {
        let message = format!(
            "`{key}` is `{}`, a placeholder left from the declaration template",
            clip(text)
        );
        let help = format!("replace the placeholder with {}", expected(key));
        let existing = findings[from..].iter_mut().find(|f| {
            f.rule.code == invalid_value::INVALID_VALUE.code && f.span.as_ref() == Some(&span)
        });
        match existing {
            Some(f) => {
                f.message = message;
                f.label = Some("placeholder".into());
                f.help = Some(help);
            }
            None => findings.push(
                Finding::new(&invalid_value::INVALID_VALUE, Some(span), message)
                    .label("placeholder")
                    .help(help),
            ),
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

fn read_declaration(
    key: &Key,
    node: &Node,
    file: &[u8],
    findings: &mut Vec<Finding>,
) -> Option<Declaration> {
    let mut r = Reader { findings };
    let mut decl = Declaration {
        key_span: key.span.clone(),
        none: false,
        disclosed: None,
        uses: Vec::new(),
        retired: Vec::new(),
    };
    let entries = match &node.value {
        Value::Str(s) if s == "none" => {
            decl.none = true;
            return Some(decl);
        }
        Value::Null => {
            r.invalid(
                key.span.clone(),
                "the `genai` declaration is empty".into(),
                Some("write `genai: none` when the file has no generative-AI use, or list its `uses`".into()),
            );
            return None;
        }
        Value::Str(s) => {
            let help = match did_you_mean(s, &["none"]) {
                Some(_) => "did you mean `none`?".to_owned(),
                None => "write `genai: none`, or a mapping with `uses`".to_owned(),
            };
            r.invalid(
                node.span.clone(),
                format!("`genai: {s}` is not a declaration"),
                Some(help),
            );
            return None;
        }
        _ => r.map(node, "genai")?,
    };
    r.keys(entries, &key.span, "`genai`", GENAI_KEYS, &[]);
    for (k, v) in entries {
        match k.name.as_str() {
            "disclosed" => decl.disclosed = disclosed(&mut r, k, v),
            "uses" => {
                let items = r.list(v, "uses", false);
                if items.len() > MAX_USES {
                    r.findings.push(
                        Finding::new(
                            &crate::rules::malformed_declaration::MALFORMED_DECLARATION,
                            Some(k.span.clone()),
                            format!("more than {MAX_USES} uses in one file: over aiclear's limit"),
                        )
                        .help("split the material into files of their own"),
                    );
                    continue;
                }
                for item in items {
                    if let Some(u) = read_use(&mut r, item) {
                        decl.uses.push(u);
                    }
                }
            }
            "retired" => {
                for item in r.list(v, "retired", false) {
                    if let Some(x) = retired(&mut r, item) {
                        decl.retired.push(x);
                    }
                }
            }
            _ => {}
        }
    }
    let mut source = None;
    for (i, u) in decl.uses.iter().enumerate() {
        if let Some(first) = decl.uses[..i].iter().find(|p| p.id.value == u.id.value) {
            let source =
                source.get_or_insert_with(|| crate::source::Source::new("", file.to_vec()));
            let at = source.line_col(first.id.span.start);
            let f = Finding::new(
                &duplicate_use_id::DUPLICATE_USE_ID,
                Some(u.id.span.clone()),
                format!(
                    "use id `{}` is declared twice in this file (first at line {}, column {})",
                    clip(&u.id.value),
                    at.line,
                    at.column
                ),
            )
            .label("second use with this id")
            .secondary(first.id.span.clone(), "first use with this id")
            .note(format!(
                "the first use with this id is at line {}, column {}",
                at.line, at.column
            ))
            .help("give every use in a file its own `id` (for example `sky-previs` and `sky-temp`); approvals refer to it");
            r.findings.push(f);
        }
    }
    Some(decl)
}

fn disclosed(r: &mut Reader, key: &Key, node: &Node) -> Option<Disclosed> {
    let entries = r.map(node, "disclosed")?;
    r.keys(
        entries,
        &key.span,
        "`disclosed`",
        &["to", "on"],
        &["to", "on"],
    );
    let mut d = Disclosed {
        key_span: key.span.clone(),
        to: None,
        on: None,
    };
    for (k, v) in entries {
        match k.name.as_str() {
            "to" => d.to = r.string(v, "to"),
            "on" => d.on = r.date(v, "on"),
            _ => {}
        }
    }
    Some(d)
}

fn retired(r: &mut Reader, node: &Node) -> Option<Retired> {
    let entries = r.map(node, "retired")?;
    r.keys(
        entries,
        &node.span,
        "a `retired` entry",
        &["id", "reason", "on"],
        &["id", "reason", "on"],
    );
    let mut id = None;
    let mut reason = None;
    let mut on = None;
    for (k, v) in entries {
        match k.name.as_str() {
            "id" => id = r.string(v, "id"),
            "reason" => reason = r.string(v, "reason"),
            "on" => on = r.date(v, "on"),
            _ => {}
        }
    }
    Some(Retired {
        id: id?,
        reason,
        on,
    })
}

fn read_use(r: &mut Reader, node: &Node) -> Option<Use> {
    let entries = r.map(node, "uses")?;
    r.keys(
        entries,
        &node.span,
        "a use",
        USE_KEYS,
        &["id", "stage", "output", "tools"],
    );
    let id_node = entries.iter().find(|(k, _)| k.name == "id").map(|(_, v)| v);
    let id = match id_node {
        Some(n) => r.string(n, "id")?,
        None => return None,
    };
    if !is_slug(&id.value) {
        r.invalid(
            id.span.clone(),
            format!("use id `{}` is not a slug", clip(&id.value)),
            Some("use lowercase letters, digits and dashes, e.g. `aria-design`".into()),
        );
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
        node: node.clone(),
    };
    for (k, v) in entries {
        let key = k.name.as_str();
        match key {
            "description" => u.description = r.string(v, key),
            "stage" => u.stage = r.term(v, key, Stage::ALL, Stage::parse),
            "output" => u.output = r.terms(v, key, Output::ALL, Output::parse, true),
            "tools" => {
                u.tools_span = Some(k.span.clone());
                let items = r.list(v, key, false);
                if items.is_empty() {
                    r.invalid(
                        v.span.clone(),
                        "`tools` lists no tool".into(),
                        Some("name at least one tool: `tools: [{ name: \"…\" }]`".into()),
                    );
                }
                u.tools = items.iter().filter_map(|n| tool(r, n)).collect();
            }
            "elements" => u.elements = r.terms(v, key, Element::ALL, Element::parse, false),
            "prominence" => u.prominence = r.term(v, key, Prominence::ALL, Prominence::parse),
            "inputs" => u.inputs = r.terms(v, key, Input::ALL, Input::parse, false),
            "training" => u.training = r.term(v, key, Training::ALL, Training::parse),
            "references" => u.references = r.terms(v, key, Reference::ALL, Reference::parse, false),
            "prompts" => u.prompts = r.strings(v, key),
            "mistakable-for-real" => u.mistakable_for_real = r.bool(v, key),
            "talent" => {
                let items = r.list(v, key, false);
                u.talent = items.iter().filter_map(|n| talent(r, n)).collect();
            }
            "union-impact" => u.union_impact = r.bool(v, key),
            "human-input" => u.human_input = r.string(v, key),
            "source-type" => u.source_type = r.term(v, key, SourceType::ALL, SourceType::parse),
            "approvals" => u.approvals = r.strings(v, key),
            "approval-requested" => u.approval_requested = r.date(v, key),
            _ => {}
        }
    }
    Some(u)
}

fn tool(r: &mut Reader, node: &Node) -> Option<Tool> {
    let entries = match &node.value {
        // `tools: ["Imagen 4"]` is a common shorthand; ask for the full form.
        Value::Str(s) => {
            r.invalid(
                node.span.clone(),
                format!("a tool must be a mapping, found the string `{s}`"),
                Some(format!(
                    "write `{{ name: \"{s}\", enterprise: …, trains-on-inputs: … }}`"
                )),
            );
            return None;
        }
        _ => r.map(node, "tools")?,
    };
    r.keys(entries, &node.span, "a tool", TOOL_KEYS, &["name"]);
    let mut name = None;
    let mut t = Tool {
        span: node.span.clone(),
        name: At::new(String::new(), node.span.clone()),
        version: None,
        enterprise: None,
        trains_on_inputs: None,
        terms_reviewed: None,
    };
    for (k, v) in entries {
        let key = k.name.as_str();
        match key {
            "name" => name = r.string(v, key),
            "version" => t.version = r.string(v, key),
            "enterprise" => t.enterprise = r.bool(v, key),
            "trains-on-inputs" => {
                t.trains_on_inputs = r.term(v, key, TrainsOnInputs::ALL, TrainsOnInputs::parse)
            }
            "terms-reviewed" => t.terms_reviewed = r.date(v, key),
            _ => {}
        }
    }
    t.name = name?;
    Some(t)
}

fn talent(r: &mut Reader, node: &Node) -> Option<Talent> {
    let entries = r.map(node, "talent")?;
    r.keys(
        entries,
        &node.span,
        "a talent entry",
        TALENT_KEYS,
        &["performer"],
    );
    let mut performer = None;
    let mut t = Talent {
        span: node.span.clone(),
        performer: At::new(String::new(), node.span.clone()),
        union: None,
        kind: None,
        consent: None,
        deceased: None,
    };
    for (k, v) in entries {
        let key = k.name.as_str();
        match key {
            "performer" => performer = r.string(v, key),
            "union" => t.union = r.string(v, key),
            "kind" => t.kind = r.term(v, key, TalentKind::ALL, TalentKind::parse),
            "consent" => t.consent = r.string(v, key),
            "deceased" => t.deceased = r.bool(v, key),
            _ => {}
        }
    }
    t.performer = performer?;
    Some(t)
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
    use crate::yaml;

    fn read(text: &str) -> (Option<Declaration>, Vec<Finding>) {
        let top = yaml::parse_top_level(text, 0).unwrap();
        let (k, v) = top.genai.unwrap();
        let mut findings = Vec::new();
        (
            declaration(&k, &v, text.as_bytes(), &mut findings),
            findings,
        )
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

    #[test]
    fn duplicate_ids() {
        let text = "genai:\n  uses:\n    - {id: a, stage: temp, output: text, tools: [{name: x}]}\n    - {id: a, stage: temp, output: text, tools: [{name: x}]}\n";
        let (_, f) = read(text);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].rule.code, "GA005");
    }
}
