//! Code actions: what a finding's help tells the writer to do, as an edit
//! the editor applies or a command it shows.
//!
//! - a file without a declaration (GA001): insert one where `aiclear
//!   annotate` inserts it, `genai: none` or the template to fill in;
//! - a "did you mean `X`?": write `X` over the misspelt key or value;
//! - an approval-level finding still open: add `approval-requested` with
//!   today's date to its use, so that the commit may go ahead while the
//!   approval is asked for (CI keeps it an error until one is recorded);
//! - the same finding: show the `aiclear approve` command an approver runs.
//!
//! Every action is computed from the document's text and the finding
//! alone, in byte offsets; the server turns them into LSP edits.

use std::ops::Range;

use crate::declaration::{self, Use};
use crate::diagnostic::Diagnostic;
use crate::kind::FileKind;
use crate::rules::missing_declaration::MISSING_DECLARATION;
use crate::write::LineEnding;
use crate::write::declare::{self, Form, Outcome};

/// What an action does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fix {
    /// Write `text` over the bytes `at` of the document.
    Edit { at: Range<usize>, text: String },
    /// An `aiclear approve` command to hand to an approver.
    Approve(String),
}

/// One code action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Action {
    pub title: String,
    pub fix: Fix,
    /// Whether it is the one fix the finding asks for (a did-you-mean),
    /// which an editor may apply on its own.
    pub preferred: bool,
}

/// The actions for the finding `d` in a document of `kind` whose text is
/// `text`; `today` dates an approval request.
pub fn actions(
    kind: FileKind,
    text: &str,
    d: &Diagnostic,
    today: jiff::civil::Date,
) -> Vec<Action> {
    let mut out = Vec::new();
    if d.is(&MISSING_DECLARATION.info) {
        out.extend(insert_declaration(kind, text));
    }
    if let Some(fix) = did_you_mean(text, d) {
        out.push(fix);
    }
    if let Some(command) = approve_command(d) {
        if let Some(fix) = request_approval(kind, text, d, today) {
            out.push(fix);
        }
        out.push(Action {
            title: format!("Show the approval command for an approver: {command}"),
            fix: Fix::Approve(command),
            preferred: false,
        });
    }
    out
}

/// `genai: none` and the template, inserted as `aiclear annotate` inserts
/// them.
fn insert_declaration(kind: FileKind, text: &str) -> Vec<Action> {
    let forms = [
        (
            Form::None,
            "Declare that no generative AI was used (`genai: none`)",
        ),
        (Form::Template, "Insert a declaration template to fill in"),
    ];
    forms
        .into_iter()
        .filter_map(
            |(form, title)| match declare::insert(kind, text.as_bytes(), form) {
                Ok(Outcome::Inserted { bytes, at, len, .. }) => Some(Action {
                    title: title.to_owned(),
                    fix: Fix::Edit {
                        at: at..at,
                        text: String::from_utf8_lossy(&bytes[at..at + len]).into_owned(),
                    },
                    preferred: false,
                }),
                _ => None,
            },
        )
        .collect()
}

/// The name a help's "did you mean `X`?" suggests.
pub fn suggestion(help: &str) -> Option<&str> {
    let (_, rest) = help.split_once(crate::schema::DID_YOU_MEAN)?;
    let (name, _) = rest.split_once('`')?;
    (!name.is_empty()).then_some(name)
}

/// The suggested name written over the finding's span, inside its quotes
/// when the span holds them.
fn did_you_mean(text: &str, d: &Diagnostic) -> Option<Action> {
    let name = suggestion(d.help.as_deref()?)?;
    let span = d.span.clone()?;
    let written = text.get(span.clone())?;
    let quoted = written.len() >= 2
        && (written.starts_with('"') && written.ends_with('"')
            || written.starts_with('\'') && written.ends_with('\''));
    let at = if quoted {
        span.start + 1..span.end - 1
    } else {
        span
    };
    Some(Action {
        title: format!("Change to `{name}`"),
        fix: Fix::Edit {
            at,
            text: name.to_owned(),
        },
        preferred: true,
    })
}

/// The `aiclear approve` command a finding's help or notes name.
fn approve_command(d: &Diagnostic) -> Option<String> {
    d.help
        .iter()
        .chain(d.notes.iter())
        .flat_map(|t| t.split('`').skip(1).step_by(2))
        .find(|w| w.starts_with("aiclear approve "))
        .map(str::to_owned)
}

/// The use of `text`'s declaration that the finding `d` points into: the
/// last one starting at or before it.
fn use_of(kind: FileKind, text: &str, d: &Diagnostic) -> Option<Use> {
    let at = d.span.as_ref()?.start;
    let decl = declaration::parse(kind, text.as_bytes()).declaration?;
    decl.uses.into_iter().rfind(|u| u.span.start <= at)
}

/// `approval-requested: TODAY` written into the finding's use, unless it
/// has one: first in the use's mapping, in its style.
fn request_approval(
    kind: FileKind,
    text: &str,
    d: &Diagnostic,
    today: jiff::civil::Date,
) -> Option<Action> {
    let u = use_of(kind, text, d)?;
    if u.approval_requested.is_some() || kind == FileKind::Usda {
        return None;
    }
    let start = u.span.start;
    let bytes = text.as_bytes();
    let (at, insert) = if bytes.get(start) == Some(&b'{') {
        // A flow mapping or a JSON object: a member before the first one.
        let first = crate::write::json::skip_ws(bytes, start + 1);
        let gap = &text[start + 1..first];
        let gap = if gap.is_empty() { " " } else { gap };
        let member = if kind == FileKind::Json {
            format!("\"approval-requested\": \"{today}\"")
        } else {
            format!("approval-requested: {today}")
        };
        (first, format!("{member},{gap}"))
    } else {
        // A block mapping: a line before the first key, at its column.
        let line_start = text[..start].rfind(['\n', '\r']).map_or(0, |i| i + 1);
        let indent: String = text[line_start..start]
            .chars()
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let eol = LineEnding::detect(bytes).as_str();
        (start, format!("approval-requested: {today}{eol}{indent}"))
    };
    Some(Action {
        title: format!(
            "Ask for the approval: add `approval-requested: {today}` to use `{}`",
            u.id.value
        ),
        fix: Fix::Edit {
            at: at..at,
            text: insert,
        },
        preferred: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Severity;
    use crate::rules::key_creative_element::KEY_CREATIVE_ELEMENT;
    use crate::rules::unknown_field::UNKNOWN_FIELD;

    fn day() -> jiff::civil::Date {
        jiff::civil::date(2026, 12, 2)
    }

    fn finding(rule: &'static crate::diagnostic::RuleInfo, span: Range<usize>) -> Diagnostic {
        Diagnostic {
            rule: Some(rule),
            severity: Severity::Error,
            message: String::new(),
            path: "a.yml".into(),
            span: Some(span),
            label: None,
            secondary: Vec::new(),
            notes: Vec::new(),
            help: None,
        }
    }

    fn apply(text: &str, fix: &Fix) -> String {
        let Fix::Edit { at, text: new } = fix else {
            panic!("not an edit: {fix:?}");
        };
        format!("{}{new}{}", &text[..at.start], &text[at.end..])
    }

    const USE: &str = "genai:\n  disclosed: {to: studio}\n  uses:\n    - id: hero\n      elements: [main-character]\n";

    fn approval_finding(text: &str) -> Diagnostic {
        let at = text.find("main-character").unwrap();
        let mut d = finding(&KEY_CREATIVE_ELEMENT.info, at..at + 14);
        d.help = Some(
            "ask an approver to record an approval: `aiclear approve --id ID --path a.yml --use hero --rule GA201`"
                .into(),
        );
        d
    }

    #[test]
    fn an_open_approval_offers_a_request_and_the_command() {
        let d = approval_finding(USE);
        let found = actions(FileKind::Yaml, USE, &d, day());
        assert_eq!(found.len(), 2, "{found:?}");
        let fixed = apply(USE, &found[0].fix);
        assert!(
            fixed.contains("    - approval-requested: 2026-12-02\n      id: hero\n"),
            "{fixed}"
        );
        let parsed = declaration::parse(FileKind::Yaml, fixed.as_bytes());
        let u = &parsed.declaration.unwrap().uses[0];
        assert_eq!(
            u.approval_requested.as_ref().unwrap().value.to_string(),
            "2026-12-02"
        );
        assert_eq!(
            found[1].fix,
            Fix::Approve("aiclear approve --id ID --path a.yml --use hero --rule GA201".into())
        );
        // Asked already: only the command.
        let asked = fixed.as_str();
        let found = actions(FileKind::Yaml, asked, &approval_finding(asked), day());
        assert_eq!(found.len(), 1);
        assert!(matches!(found[0].fix, Fix::Approve(_)));
    }

    #[test]
    fn a_request_follows_the_style_of_the_use() {
        let json = "{\"metadata\": {\"genai\": {\"disclosed\": {\"to\": \"studio\"}, \"uses\": [\n  {\n    \"id\": \"hero\",\n    \"elements\": [\"main-character\"]}]}}}\n";
        let d = approval_finding(json);
        let found = actions(FileKind::Json, json, &d, day());
        let fixed = apply(json, &found[0].fix);
        assert!(
            fixed.contains("{\n    \"approval-requested\": \"2026-12-02\",\n    \"id\": \"hero\""),
            "{fixed}"
        );
        let flow = "genai:\n  disclosed: {to: studio}\n  uses:\n    - {id: hero, elements: [main-character]}\n";
        let found = actions(FileKind::Yaml, flow, &approval_finding(flow), day());
        let fixed = apply(flow, &found[0].fix);
        assert!(
            fixed.contains("- {approval-requested: 2026-12-02, id: hero,"),
            "{fixed}"
        );
        let crlf = USE.replace('\n', "\r\n");
        let found = actions(FileKind::Yaml, &crlf, &approval_finding(&crlf), day());
        let fixed = apply(&crlf, &found[0].fix);
        assert!(
            fixed.contains("approval-requested: 2026-12-02\r\n      id: hero"),
            "{fixed}"
        );
    }

    #[test]
    fn a_did_you_mean_is_written_over_the_span_inside_its_quotes() {
        let text = "genai:\n  uses:\n    - id: a\n      elemnts: [x]\n";
        let at = text.find("elemnts").unwrap();
        let mut d = finding(&UNKNOWN_FIELD.info, at..at + 7);
        d.help = Some("did you mean `elements`?".into());
        let found = actions(FileKind::Yaml, text, &d, day());
        assert_eq!(found.len(), 1);
        assert!(found[0].preferred);
        assert!(apply(text, &found[0].fix).contains("      elements: [x]\n"));
        let json = "{\"genai\": {\"uses\": [{\"id\": \"a\", \"stage\": \"finl\"}]}}";
        let at = json.find("\"finl\"").unwrap();
        let mut d = finding(&UNKNOWN_FIELD.info, at..at + 6);
        d.help = Some("did you mean `final`?".into());
        let found = actions(FileKind::Json, json, &d, day());
        assert!(apply(json, &found[0].fix).contains("\"stage\": \"final\""));
        d.help = Some("remove it".into());
        assert!(actions(FileKind::Json, json, &d, day()).is_empty());
    }

    #[test]
    fn a_missing_declaration_offers_what_annotate_inserts() {
        let text = "Title: Night Shift\nAuthor: A. Writer\n\nINT. HOUSE - NIGHT\n\nRain.\n";
        let mut d = finding(&MISSING_DECLARATION.info, 0..0);
        d.span = None;
        let found = actions(FileKind::Fountain, text, &d, day());
        assert_eq!(found.len(), 2, "{found:?}");
        for (action, form) in found.iter().zip([Form::None, Form::Template]) {
            let Outcome::Inserted { bytes, .. } =
                declare::insert(FileKind::Fountain, text.as_bytes(), form).unwrap()
            else {
                panic!("nothing inserted");
            };
            assert_eq!(apply(text, &action.fix).as_bytes(), &bytes[..]);
        }
    }
}
