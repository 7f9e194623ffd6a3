//! Messages in the user's own terms: a syntax error told in words with the
//! place of the mistake, a repeated use id named by line and column, help
//! written in the file's own language (JSON in a JSON or OTIO file), shape
//! errors that show the form to use, and `explain` for a terminal.

mod common;

use common::{project, run, write};

/// `aiclear check` in human form, without colour: stdout and exit code.
fn check(dir: &std::path::Path) -> (String, i32) {
    let out = run(dir, &["check", "--color", "never"]);
    (
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
        out.status.code().unwrap_or(-1),
    )
}

#[test]
fn an_unclosed_brace_in_a_script_points_at_the_brace_and_where_it_was_noticed() {
    let p = project();
    write(
        p.path(),
        "scripts/ep1.fountain",
        "Title: X\nAuthor: Y\n\n/*\n---\ngenai:\n  disclosed: { to: \"M. Chen\", on: 2025-09-02\n  uses: []\n---\n*/\n\nINT. A - DAY\n",
    );
    let (out, code) = check(p.path());
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(
            "error[GA002]: the declaration cannot be read: the `{` on line 7 is never closed"
        ),
        "{out}"
    );
    // Primary where the parser noticed (line 8), secondary at the brace.
    assert!(out.contains("--> scripts/ep1.fountain:8:7"), "{out}");
    assert!(out.contains("- this `{` is never closed"), "{out}");
    assert!(out.contains("^ `}` expected before this"), "{out}");
    assert!(out.contains("= help: end line 7 with `}`"), "{out}");
    // Parser jargon is a note for those who want it, not the message.
    assert!(
        out.contains("= note: the YAML parser says: while parsing a flow mapping"),
        "{out}"
    );
    assert!(!out.contains("error[GA002]: the declaration is not valid YAML"));
}

#[test]
fn syntax_errors_say_what_is_wrong_and_how_to_fix_it() {
    let p = project();
    let cases = [
        (
            "vfx/a.yml",
            "genai:\n  uses:\n    - id: a\n      output: [image, text\n      stage: temp\n",
            "the `[` on line 4 is never closed",
            "end line 4 with `]`",
        ),
        (
            "vfx/b.yml",
            "genai:\n  uses:\n    - id: a\n      description: Act 1: the relay\n",
            "a `: ` inside a value",
            "put a value that contains `: ` in quotes",
        ),
        (
            "vfx/c.yml",
            "genai:\n  uses:\n    - id: \"a\n      stage: temp\n",
            "the quote `\"` on line 3 is never closed",
            "closing `\"`",
        ),
        (
            "vfx/d.yml",
            "genai:\n  uses:\n    - id: a\n      stage: temp\n      id: b\n",
            "`id` is given twice in the same place",
            "keep one `id:`",
        ),
        (
            "vfx/e.json",
            "{\"genai\": {\"uses\": [{\"id\": \"a\" \"stage\": \"temp\"}]}}",
            "something follows a quoted value",
            "separate the entries with commas",
        ),
    ];
    for (path, text, _, _) in cases {
        write(p.path(), path, text);
    }
    let (out, _) = check(p.path());
    for (path, _, message, help) in cases {
        let at = out
            .find(&format!("--> {path}"))
            .unwrap_or_else(|| panic!("{path}: {out}"));
        let block = &out[out[..at].rfind("error[").unwrap()..];
        let block = &block[..block.find("\n\n").unwrap_or(block.len())];
        assert!(block.contains(message), "{path}: {block}");
        assert!(block.contains("= help:"), "{path}: {block}");
        assert!(block.contains(help), "{path}: {block}");
    }
    // The repeated key names the first by its place too.
    let at = out.find("--> vfx/d.yml").unwrap();
    assert!(out[at..].contains("-- first `id`"), "{out}");
    // A JSON file's parser is called what it is.
    let at = out.find("--> vfx/e.json").unwrap();
    assert!(out[at..].contains("the JSON parser says"), "{out}");
}

#[test]
fn a_repeated_use_id_names_the_first_by_line_and_column() {
    let p = project();
    write(
        p.path(),
        "vfx/shots/sh010.yml",
        "shot: 10\ngenai:\n  disclosed: { to: \"M. Chen\", on: 2025-09-02 }\n  uses:\n    - { id: sky, stage: previs, output: image, tools: [{ name: T, enterprise: true, trains-on-inputs: false }] }\n    - { id: sky, stage: temp, output: video, tools: [{ name: T, enterprise: true, trains-on-inputs: false }] }\n",
    );
    let (out, _) = check(p.path());
    assert!(
        out.contains("use id `sky` is declared twice in this file (first at line 5, column 13)"),
        "{out}"
    );
    assert!(
        out.contains("= note: the first use with this id is at line 5, column 13"),
        "{out}"
    );
    assert!(out.contains("--- first use with this id"), "{out}");
    assert!(!out.contains("byte"), "{out}");
}

/// Every help and label that shows declaration syntax follows the file's
/// kind: JSON in `.json` and `.otio`, YAML everywhere else.
#[test]
fn help_in_json_files_is_written_in_json() {
    let p = project();
    let json = r#"{
  "OTIO_SCHEMA": "Timeline.1",
  "metadata": {
    "genai": {
      "uses": [
        {"id": "a", "stage": "final", "output": "video", "elements": ["signage"],
         "tools": [{"name": "X", "trains-on-inputs": "unknown"}]},
        {"id": "b", "stage": "temp", "output": "video", "tools": ["Veo"]}
      ]
    }
  }
}
"#;
    write(p.path(), "vfx/edit/cut.otio", json);
    write(p.path(), "vfx/shots/sh010.json", json);
    let yaml = "genai:\n  uses:\n    - id: a\n      stage: final\n      output: video\n      elements: [signage]\n      tools: [{ name: X, trains-on-inputs: unknown }]\n";
    write(p.path(), "vfx/shots/sh020.yml", yaml);
    let out = run(p.path(), &["check", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut seen = 0;
    for d in report["diagnostics"].as_array().unwrap() {
        let path = d["path"].as_str().unwrap();
        let help = d["help"].as_str().unwrap_or_default();
        let is_json = path.ends_with(".otio") || path.ends_with(".json");
        for (yaml_form, json_form) in [
            ("`trains-on-inputs: false`", "`\"trains-on-inputs\": false`"),
            ("`enterprise: true`", "`\"enterprise\": true`"),
            (
                "`prominence: incidental`",
                "`\"prominence\": \"incidental\"`",
            ),
            ("`human-input: ", "`\"human-input\": "),
            ("`disclosed: {", "`\"disclosed\": {"),
            (
                "`terms-reviewed: YYYY-MM-DD`",
                "`\"terms-reviewed\": \"YYYY-MM-DD\"`",
            ),
            ("`{ name: \"Veo\"", "`{ \"name\": \"Veo\""),
        ] {
            if is_json {
                assert!(!help.contains(yaml_form), "{path}: {help}");
                seen += usize::from(help.contains(json_form));
            } else {
                assert!(!help.contains(json_form), "{path}: {help}");
            }
        }
    }
    // Both JSON files show each of the seven forms.
    assert_eq!(seen, 14, "{report:#}");
    // Human output too, commands left as they are.
    let (out, _) = check(p.path());
    assert!(
        out.contains("write `\"trains-on-inputs\": false`; otherwise ask an approver to record an approval: `aiclear approve --id ID --path vfx/edit/cut.otio"),
        "{out}"
    );
}

#[test]
fn shape_errors_show_the_form_to_use() {
    let p = project();
    write(
        p.path(),
        ".aiclear/approvals.yml",
        "approvals:\n  - id: NFX-1\n    granted-by: mei@example.com\n    granted-on: 2025-09-05\n    covers: [{ path: a.fountain }]\n",
    );
    let (out, code) = check(p.path());
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("the approvals ledger must be a list of approvals at the top of the file, not a mapping under `approvals:`"),
        "{out}"
    );
    assert!(out.contains("--> .aiclear/approvals.yml:1:1"), "{out}");
    assert!(
        out.contains("= help: delete the `approvals:` line and move its items to the start of their lines, so that each approval starts with `- id: NFX-2025-0142`"),
        "{out}"
    );

    std::fs::remove_file(p.path().join(".aiclear/approvals.yml")).unwrap();
    write(
        p.path(),
        ".aiclear/config.yml",
        "approvers: mei.chen@netflix.example.com\n",
    );
    let (out, code) = check(p.path());
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("`approvers` must be a list of people, each with an `email`, found a string"),
        "{out}"
    );
    assert!(
        out.contains("= help: write `approvers: [{ email: mei.chen@netflix.example.com }]`"),
        "{out}"
    );
    write(
        p.path(),
        ".aiclear/config.yml",
        "approvers:\n  - mei.chen@netflix.example.com\n",
    );
    let (out, _) = check(p.path());
    assert!(
        out.contains("= help: write `{ email: mei.chen@netflix.example.com }`"),
        "{out}"
    );
}

#[test]
fn explain_renders_for_a_terminal() {
    let p = project();
    let out = run(p.path(), &["explain", "GA002"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success());
    assert!(!text.contains("###") && !text.contains("```"), "{text}");
    assert!(text.contains("\nWhat it does\n"), "{text}");
    assert!(text.contains("\n    genai:\n"), "code is indented: {text}");
    assert!(!text.contains('\u{1b}'), "{text}");

    let out = run(p.path(), &["--color", "always", "explain", "GA002"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("\u{1b}[1m\u{1b}[4mWhat it does\u{1b}[0m"),
        "{text:?}"
    );
    assert!(!text.contains("###"), "{text}");
}

#[test]
fn one_annotation_of_each_level_is_said_in_the_singular() {
    let p = project();
    for i in 0..3 {
        write(
            p.path(),
            &format!("scripts/ep{i}.fountain"),
            "INT. A - DAY\n",
        );
    }
    let out = run(
        p.path(),
        &["check", "--format", "github", "--max-annotations", "1"],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("GitHub shows at most 1 error, 1 warning and 1 notice for a step"),
        "{text}"
    );
}
