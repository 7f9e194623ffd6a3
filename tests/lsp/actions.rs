//! Code actions, history on save and watched trust files, through the
//! wire: each fix the server offers is applied as an editor applies it,
//! and the findings published for the result are checked.

use serde_json::{Value, json};

use crate::client::Client;
use crate::common;
use crate::common::git::{TestRepo, WRITER};

const SHOT: &str = "genai:\n  disclosed: {to: studio, on: 2025-09-02}\n  uses:\n    - id: hero\n      stage: previs\n      outptu: image\n      elements: [main-character]\n      tools: [{name: Imagen 4, enterprise: true, trains-on-inputs: false}]\n";

/// The byte offset of an LSP position (UTF-16 columns) in `text`.
fn offset(text: &str, at: &Value) -> usize {
    let line = at["line"].as_u64().unwrap() as usize;
    let character = at["character"].as_u64().unwrap() as usize;
    let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let mut units = 0;
    for (i, c) in text[start..].char_indices() {
        if units >= character || c == '\n' {
            return start + i;
        }
        units += c.len_utf16();
    }
    text.len()
}

/// `text` with a code action's edits for `uri` applied, last first.
fn apply(text: &str, action: &Value, uri: &str) -> String {
    let mut edits: Vec<&Value> = action["edit"]["changes"][uri]
        .as_array()
        .unwrap_or_else(|| panic!("no edit for {uri}: {action:#}"))
        .iter()
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(offset(text, &e["range"]["start"])));
    let mut out = text.to_owned();
    for e in edits {
        let start = offset(&out, &e["range"]["start"]);
        let end = offset(&out, &e["range"]["end"]);
        out.replace_range(start..end, e["newText"].as_str().unwrap());
    }
    out
}

fn codes(diags: &[Value]) -> Vec<String> {
    diags
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_owned())
        .collect()
}

fn open(client: &mut Client, uri: &str, text: &str) -> Vec<Value> {
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "yaml", "version": 1, "text": text } }),
    );
    client.diagnostics(uri)
}

fn change(client: &mut Client, uri: &str, version: i64, text: &str) -> Vec<Value> {
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": text }] }),
    );
    client.diagnostics(uri)
}

fn save(client: &mut Client, uri: &str, text: &str) -> Vec<Value> {
    client.notify(
        "textDocument/didSave",
        json!({ "textDocument": { "uri": uri }, "text": text }),
    );
    client.diagnostics(uri)
}

/// The code actions offered for the diagnostic `d`.
fn actions_for(client: &mut Client, uri: &str, d: &Value) -> Vec<Value> {
    let result = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri },
            "range": d["range"],
            "context": { "diagnostics": [d] },
        }),
    );
    result.as_array().unwrap().clone()
}

fn start(dir: &std::path::Path, capabilities: Value) -> Client {
    let mut client = Client::start_with(dir, &["--today", "2026-03-04"]);
    let init = client.request("initialize", json!({ "capabilities": capabilities }));
    assert_eq!(
        init["capabilities"]["codeActionProvider"]["codeActionKinds"][0],
        "quickfix"
    );
    client.notify("initialized", json!({}));
    client
}

#[test]
fn a_typo_is_fixed_an_approval_requested_and_the_approve_command_shown() {
    let project = common::project();
    let root = project.path().canonicalize().unwrap();
    common::write(project.path(), "vfx/shot.yml", SHOT);
    let uri = format!("file://{}", root.join("vfx/shot.yml").display());
    let mut client = start(project.path(), json!({}));
    let diags = open(&mut client, &uri, SHOT);
    assert_eq!(codes(&diags), ["GA004", "GA003", "GA201"], "{diags:#?}");

    // The did-you-mean, preferred, written over the key.
    let typo = actions_for(&mut client, &uri, &diags[1]);
    assert_eq!(typo.len(), 1, "{typo:#?}");
    assert_eq!(typo[0]["title"], "Change to `output`");
    assert_eq!(typo[0]["isPreferred"], true);
    assert_eq!(typo[0]["kind"], "quickfix");
    assert_eq!(typo[0]["diagnostics"][0]["code"], "GA003");
    let text = apply(SHOT, &typo[0], &uri);
    assert!(text.contains("      output: image\n"), "{text}");
    let diags = change(&mut client, &uri, 2, &text);
    assert_eq!(codes(&diags), ["GA201"], "{diags:#?}");

    // The approval: a request with the server's today, and the command.
    let offered = actions_for(&mut client, &uri, &diags[0]);
    let titles: Vec<&str> = offered
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "Ask for the approval: add `approval-requested: 2026-03-04` to use `hero`",
            "Show the approval command for an approver: aiclear approve --id ID --path vfx/shot.yml --use hero --rule GA201",
        ]
    );
    let asked = apply(&text, &offered[0], &uri);
    assert!(
        asked.contains("    - approval-requested: 2026-03-04\n      id: hero\n"),
        "{asked}"
    );
    let diags = change(&mut client, &uri, 3, &asked);
    // Outside a commit it stays an error, naming the request.
    assert_eq!(codes(&diags), ["GA201"]);
    let message = diags[0]["message"].as_str().unwrap();
    assert!(
        message.contains("approval requested on 2026-03-04"),
        "{message}"
    );
    assert_eq!(actions_for(&mut client, &uri, &diags[0]).len(), 1);

    // The command is run by the server: it shows it and answers with it.
    let command = &offered[1]["command"];
    assert_eq!(command["command"], "aiclear.showApproveCommand");
    let result = client.request(
        "workspace/executeCommand",
        json!({ "command": command["command"], "arguments": command["arguments"] }),
    );
    let approve = "aiclear approve --id ID --path vfx/shot.yml --use hero --rule GA201";
    assert_eq!(result, approve);
    let shown = client.wait_for("the command shown", |m| m["method"] == "window/showMessage");
    assert!(
        shown["params"]["message"]
            .as_str()
            .unwrap()
            .contains(approve),
        "{shown:#}"
    );
    client.stop();
}

#[test]
fn a_file_without_a_declaration_gets_what_annotate_inserts() {
    let project = common::project();
    let root = project.path().canonicalize().unwrap();
    let script = std::fs::read_to_string(
        common::corpus().join("fountain/screenplain/Brick-and-Steel.fountain"),
    )
    .unwrap();
    common::write(project.path(), "scripts/brick.fountain", &script);
    let uri = format!("file://{}", root.join("scripts/brick.fountain").display());
    let mut client = start(project.path(), json!({}));
    let diags = open(&mut client, &uri, &script);
    assert_eq!(codes(&diags), ["GA001"]);
    let offered = actions_for(&mut client, &uri, &diags[0]);
    assert_eq!(
        offered[0]["title"],
        "Declare that no generative AI was used (`genai: none`)"
    );
    assert_eq!(
        offered[1]["title"],
        "Insert a declaration template to fill in"
    );
    let declared = apply(&script, &offered[0], &uri);
    assert_eq!(change(&mut client, &uri, 2, &declared), Vec::<Value>::new());
    client.stop();

    // Byte for byte what `aiclear annotate --none` writes.
    let out = common::run(
        project.path(),
        &["annotate", "--none", "scripts/brick.fountain"],
    );
    assert!(out.status.success(), "{out:?}");
    let annotated = std::fs::read_to_string(root.join("scripts/brick.fountain")).unwrap();
    assert_eq!(declared, annotated);
}

/// A committed script with two uses, one temporary and older than the
/// configuration's limit.
fn repo_with_uses() -> TestRepo {
    let repo = TestRepo::new();
    repo.write(".aiclear/config.yml", "temporary-max-age-days: 7\n");
    let uses = "  - id: storm\n    stage: final\n    output: image\n    human-input: painted over\n    tools: [{name: Firefly, enterprise: true, trains-on-inputs: false}]\n  - id: rain\n    stage: temp\n    output: image\n    tools: [{name: Firefly, enterprise: true, trains-on-inputs: false}]\n";
    repo.write(
        "vfx/plate.yml",
        &format!("genai:\n  disclosed: {{to: studio, on: 2025-09-02}}\n  uses:\n{uses}"),
    );
    repo.commit(WRITER, "plate");
    repo
}

#[test]
fn a_save_runs_the_history_rules_and_their_findings_last_until_the_next() {
    let repo = repo_with_uses();
    let root = repo.path().canonicalize().unwrap();
    let rel = "vfx/plate.yml";
    let uri = format!("file://{}", root.join(rel).display());
    let text = std::fs::read_to_string(root.join(rel)).unwrap();
    let mut client = start(repo.path(), json!({}));
    // Opened: the temporary use committed 30 days ago lingers.
    let diags = open(&mut client, &uri, &text);
    assert_eq!(codes(&diags), ["GA203", "GA604"], "{diags:#?}");

    // `storm` removed while typing: nothing yet; saved: GA603.
    let start_of = text.find("  - id: storm").unwrap();
    let end_of = text.find("  - id: rain").unwrap();
    let removed = format!("{}{}", &text[..start_of], &text[end_of..]);
    let typing = change(&mut client, &uri, 2, &removed);
    assert_eq!(codes(&typing), ["GA604"], "{typing:#?}");
    common::write(repo.path(), rel, &removed);
    let saved = save(&mut client, &uri, &removed);
    assert_eq!(codes(&saved), ["GA603", "GA604"], "{saved:#?}");
    // A new temporary use, not committed, has no age; the save's findings stay.
    let added = removed.replace(
        "  - id: rain\n",
        "  - id: hail\n    stage: temp\n    output: image\n    tools: [{name: Firefly, enterprise: true, trains-on-inputs: false}]\n  - id: rain\n",
    );
    let typing = change(&mut client, &uri, 3, &added);
    assert_eq!(codes(&typing), ["GA603", "GA604"], "{typing:#?}");
    common::write(repo.path(), rel, &added);
    let saved = save(&mut client, &uri, &added);
    assert_eq!(codes(&saved), ["GA603", "GA604"], "{saved:#?}");
    assert!(
        saved[1]["message"].as_str().unwrap().contains("`rain`"),
        "{saved:#?}"
    );
    // Put back and saved: only the lingering use is left.
    common::write(repo.path(), rel, &text);
    let saved = save(&mut client, &uri, &text);
    assert_eq!(codes(&saved), ["GA203", "GA604"], "{saved:#?}");
    client.stop();
}

#[test]
fn a_trust_file_changed_on_disk_judges_the_open_documents_again() {
    let project = common::project();
    let root = project.path().canonicalize().unwrap();
    let text = SHOT.replace("outptu", "output");
    common::write(project.path(), "vfx/shot.yml", &text);
    let uri = format!("file://{}", root.join("vfx/shot.yml").display());
    let mut client = Client::start(project.path());
    let capabilities =
        json!({ "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } } });
    client.request("initialize", json!({ "capabilities": capabilities }));
    client.notify("initialized", json!({}));
    let register = client.wait_for("a watch on the trust files", |m| {
        m["method"] == "client/registerCapability"
    });
    let registration = &register["params"]["registrations"][0];
    assert_eq!(registration["method"], "workspace/didChangeWatchedFiles");
    let globs: Vec<&str> = registration["registerOptions"]["watchers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["globPattern"].as_str().unwrap())
        .collect();
    assert!(globs.contains(&"**/.aiclear/config.yml"), "{globs:?}");
    assert!(globs.contains(&"**/.aiclear/approvals.yml"), "{globs:?}");
    client.send(json!({ "jsonrpc": "2.0", "id": register["id"], "result": null }));

    assert_eq!(codes(&open(&mut client, &uri, &text)), ["GA201"]);
    // `git pull` brings an approval the editor never opened.
    common::write(
        project.path(),
        ".aiclear/config.yml",
        "approvers:\n  - email: mei@studio.example\n",
    );
    common::write(
        project.path(),
        ".aiclear/approvals.yml",
        "- id: NFX-1\n  granted-by: mei@studio.example\n  granted-on: 2025-09-03\n  covers:\n    - { path: vfx/shot.yml, use: hero, rules: [GA201] }\n",
    );
    let ledger = format!("file://{}", root.join(".aiclear/approvals.yml").display());
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": ledger, "type": 2 }] }),
    );
    let diags = client.diagnostics(&uri);
    assert_eq!(codes(&diags), Vec::<String>::new(), "{diags:#?}");
    client.stop();
}

#[test]
fn completion_offers_the_keys_a_use_lacks_and_the_terms_of_a_key() {
    let project = common::project();
    let root = project.path().canonicalize().unwrap();
    let text = SHOT.replace("outptu", "output");
    common::write(project.path(), "vfx/shot.yml", &text);
    let uri = format!("file://{}", root.join("vfx/shot.yml").display());
    let mut client = start(project.path(), json!({}));
    open(&mut client, &uri, &text);
    let labels = |result: &Value| -> Vec<String> {
        result
            .as_array()
            .unwrap_or_else(|| panic!("{result:#}"))
            .iter()
            .map(|i| i["label"].as_str().unwrap().to_owned())
            .collect()
    };
    // A new key under the use's last one, `hu` typed.
    let typed = text.replace("      elements:", "      hu\n      elements:");
    change(&mut client, &uri, 2, &typed);
    let line = typed.lines().position(|l| l == "      hu").unwrap();
    let at =
        json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": 8 } });
    let result = client.request("textDocument/completion", at);
    let keys = labels(&result);
    assert!(keys.contains(&"human-input".to_owned()), "{keys:?}");
    assert!(
        !keys.contains(&"stage".to_owned()),
        "already written: {keys:?}"
    );
    let item = &result[keys.iter().position(|k| k == "human-input").unwrap()];
    assert_eq!(item["textEdit"]["newText"], "human-input: ");
    assert_eq!(
        item["textEdit"]["range"]["start"],
        json!({ "line": line, "character": 6 })
    );
    // The value of `stage`.
    let line = text.lines().position(|l| l.contains("stage:")).unwrap();
    let at =
        json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": 13 } });
    let terms = labels(&client.request("textDocument/completion", at));
    assert_eq!(terms, ["ideation", "previs", "temp", "final"]);
    client.stop();
}
