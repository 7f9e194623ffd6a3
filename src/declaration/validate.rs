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
];
pub const TOOL_KEYS: &[&str] = &[
    "name",
    "version",
    "enterprise",
    "trains-on-inputs",
    "terms-reviewed",
];
pub const TALENT_KEYS: &[&str] = &["performer", "union", "kind", "consent", "deceased"];

/// Read the value of a `genai` key into a declaration. `file` is the whole
/// file the spans point into (for the lines and columns messages name).
pub fn declaration(
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
    fn duplicate_ids() {
        let text = "genai:\n  uses:\n    - {id: a, stage: temp, output: text, tools: [{name: x}]}\n    - {id: a, stage: temp, output: text, tools: [{name: x}]}\n";
        let (_, f) = read(text);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].rule.code, "GA005");
    }
}
