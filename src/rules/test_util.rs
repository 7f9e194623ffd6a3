//! Helpers for the rules' unit tests.
//!
//! A test writes a declaration as YAML text, reads it the way the engine does
//! (the spanned YAML reader, then the declaration reader) and runs one rule or
//! all of them. Spans are byte offsets into that text, so a test can assert
//! `&text[span]` is exactly the offending value.

use crate::declaration::validate;
use crate::rules::{Check, Context, Finding, RULES, Rule};

/// The context most tests use: a shot sheet outside the deliverables.
pub fn ctx() -> Context {
    Context {
        path: "vfx/shots/rs_010.yml".into(),
        ..Context::default()
    }
}

/// The contexts a rule's example and its fix are checked in: for the
/// rules that read a media file (GA7xx), the sidecar of a plate whose own
/// record the example describes, and of the plate as the fix leaves it.
pub fn example_contexts(rule: &Rule) -> (Context, Context) {
    use crate::embedded::Record;
    use crate::rules::media::testing::{corrupt, plate, signed};
    match rule.code {
        "GA701" | "GA702" => (
            plate(signed("trainedAlgorithmicMedia")),
            plate(signed("trainedAlgorithmicMedia")),
        ),
        "GA703" => (plate(corrupt()), plate(Record::default())),
        "WGA103" => (
            credited(rule, "### Example"),
            credited(rule, "Use instead:"),
        ),
        _ => (ctx(), ctx()),
    }
}

/// The context of a rule's example that credits writers (WGA103): the
/// writers its `credits` name.
fn credited(rule: &Rule, heading: &str) -> Context {
    let text = rule.example_block(heading).unwrap_or_default();
    Context {
        credits: crate::declaration::credits::credits(crate::kind::FileKind::Yaml, text.as_bytes()),
        ..ctx()
    }
}

/// A disclosed declaration with one use, `shot-010`, whose other keys are
/// `lines` (one key a line, written at the use's indentation). Unless `lines`
/// set them, the use is at `stage: previs`, outputs an image and uses one
/// enterprise tool that does not train on inputs, so it is clean.
pub fn one_use(lines: &str) -> String {
    let mut text = String::from(
        "genai:\n  disclosed: { to: \"M. Chen, Netflix creative production\", on: 2025-09-02 }\n  uses:\n    - id: shot-010\n      output: image\n",
    );
    if !lines.lines().any(|l| l.starts_with("stage:")) {
        text.push_str("      stage: previs\n");
    }
    if !lines.lines().any(|l| l.starts_with("tools:")) {
        text.push_str(
            "      tools: [{ name: \"Imagen 4\", enterprise: true, trains-on-inputs: false }]\n",
        );
    }
    for line in lines.lines() {
        text.push_str("      ");
        text.push_str(line);
        text.push('\n');
    }
    text
}

/// What the declaration reader (GA003–GA005) and every rule find in the
/// `genai` declaration of `text`.
pub fn check_all(text: &str, ctx: &Context) -> Vec<Finding> {
    let top = crate::yaml::parse_top_level(text, 0)
        .unwrap_or_else(|e| panic!("test YAML does not parse: {e}\n{text}"));
    let (key, node) = top
        .genai
        .unwrap_or_else(|| panic!("test YAML has no `genai` key\n{text}"));
    let mut problems = Vec::new();
    let decl = validate::declaration(&key, &node, text.as_bytes(), &mut problems);
    let mut findings: Vec<Finding> = problems.into_iter().map(Finding::from).collect();
    let Some(decl) = decl else {
        return findings;
    };
    for rule in RULES {
        run(rule, &decl, ctx, &mut findings);
    }
    findings
}

/// What `rule` alone finds in the `genai` declaration of `text`, which must
/// be valid (the reader reports nothing).
pub fn check(rule: &'static Rule, text: &str, ctx: &Context) -> Vec<Finding> {
    let all = check_all(text, ctx);
    let reader: Vec<&str> = all
        .iter()
        .filter(|f| matches!(f.rule.check, Check::Engine))
        .map(|f| f.message.as_str())
        .collect();
    assert!(
        reader.is_empty(),
        "test YAML is invalid: {reader:?}\n{text}"
    );
    let found: Vec<Finding> = all
        .into_iter()
        .filter(|f| std::ptr::eq(f.rule, rule))
        .collect();
    for f in &found {
        assert_conventional(f);
    }
    found
}

/// [`check`] with the default [`ctx`].
pub fn fire(rule: &'static Rule, text: &str) -> Vec<Finding> {
    check(rule, text, &ctx())
}

/// The text each finding's span covers.
pub fn spanned<'t>(text: &'t str, findings: &[Finding]) -> Vec<&'t str> {
    findings
        .iter()
        .map(|f| &text[f.span.clone().expect("finding has a span")])
        .collect()
}

fn run(
    rule: &'static Rule,
    decl: &crate::declaration::Declaration,
    ctx: &Context,
    out: &mut Vec<Finding>,
) {
    crate::rules::run(rule, decl, ctx, out);
}

/// Messages read like rustc's: lowercase, no trailing period; a policy
/// finding has a label and a help, and a use finding names its use.
pub fn assert_conventional(f: &Finding) {
    let m = &f.message;
    assert!(
        !m.starts_with(char::is_uppercase),
        "{}: `{m}` starts uppercase",
        f.rule.code
    );
    assert!(
        !m.ends_with('.'),
        "{}: `{m}` ends with a period",
        f.rule.code
    );
    assert!(!m.contains('\n'), "{}: `{m}` spans lines", f.rule.code);
    if !matches!(f.rule.check, Check::Engine) {
        assert!(f.label.is_some(), "{}: `{m}` has no label", f.rule.code);
        assert!(f.help.is_some(), "{}: `{m}` has no help", f.rule.code);
        if matches!(f.rule.check, Check::Use(_)) {
            assert!(f.use_id.is_some(), "{}: `{m}` names no use", f.rule.code);
        }
    }
    for note in f.label.iter().chain(&f.notes).chain(&f.help) {
        assert!(
            !note.ends_with('.'),
            "{}: `{note}` ends with a period",
            f.rule.code
        );
    }
}
