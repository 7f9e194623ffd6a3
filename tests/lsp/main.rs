//! `aiclear lsp` end to end: the built binary as a child process, spoken to
//! over stdio with Content-Length framing, as an editor speaks to it. What
//! it publishes for a real screenplay must be what `aiclear check --format
//! json` reports for the same file, at the same positions; a fix clears it;
//! a hover shows `aiclear explain`'s text.

mod actions;
mod client;
#[path = "../common/mod.rs"]
mod common;

use client::Client;

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// A previs design of the main character, with an element that is not one:
/// GA004 and GA201, on a line with characters outside the BMP before both.
const BLOCK: &str = "/*\n---\ngenai:\n  disclosed: { to: \"Mei Chen\", on: 2025-09-02 }\n  uses:\n    - id: brick-look\n      stage: previs\n      output: image\n      elements: [ \"Brick’s 𝄞 façade\", main-character ]\n      tools: [{ name: \"Imagen 4\", enterprise: true, trains-on-inputs: false }]\n---\n*/\n\n";
const ELEMENTS: &str = "      elements: [ \"Brick’s 𝄞 façade\", main-character ]\n";

/// The corpus's Brick & Steel with [`BLOCK`] after its title page.
fn screenplay() -> String {
    let script = std::fs::read_to_string(
        common::corpus().join("fountain/screenplain/Brick-and-Steel.fountain"),
    )
    .unwrap();
    let at = script.find("\n\n").unwrap() + 2;
    format!("{}{BLOCK}{}", &script[..at], &script[at..])
}

/// A 1-based character column of `line` as a 0-based column in `encoding`.
fn column(line: &str, chars: u64, encoding: &str) -> u64 {
    line.chars()
        .take(chars as usize - 1)
        .map(|c| match encoding {
            "utf-8" => c.len_utf8() as u64,
            _ => c.len_utf16() as u64,
        })
        .sum()
}

/// What `check --format json` reports for `rel`, as LSP code and range.
fn expected(dir: &Path, rel: &str, text: &str, encoding: &str) -> Vec<(String, [u64; 4])> {
    let (report, _) = common::check_json(dir, &[rel]);
    let lines: Vec<&str> = text.split('\n').collect();
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let at = |l: &str, c: &str| {
                let line = d[l].as_u64().unwrap();
                let col = column(lines[line as usize - 1], d[c].as_u64().unwrap(), encoding);
                (line - 1, col)
            };
            let (l0, c0) = at("line", "column");
            let (l1, c1) = at("end_line", "end_column");
            (d["code"].as_str().unwrap().to_owned(), [l0, c0, l1, c1])
        })
        .collect()
}

/// The code and range of published diagnostics.
fn published(diags: &[Value]) -> Vec<(String, [u64; 4])> {
    diags
        .iter()
        .map(|d| {
            let r = &d["range"];
            let n = |v: &Value| v.as_u64().unwrap();
            (
                d["code"].as_str().unwrap().to_owned(),
                [
                    n(&r["start"]["line"]),
                    n(&r["start"]["character"]),
                    n(&r["end"]["line"]),
                    n(&r["end"]["character"]),
                ],
            )
        })
        .collect()
}

/// `aiclear explain QUERY`'s output, outside any project.
fn explain(query: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let out = common::run(dir.path(), &["explain", query]);
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

fn hover(client: &mut Client, uri: &str, line: u64, character: u64) -> Value {
    client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } }),
    )
}

/// The whole conversation, with a client that offers `offered` encodings
/// and expects the server to choose `encoding`.
fn session(offered: Value, encoding: &str) {
    let project = common::project();
    let elsewhere = tempfile::tempdir().unwrap();
    let text = screenplay();
    let rel = "scripts/brick.fountain";
    common::write(project.path(), rel, &text);
    let path = project.path().canonicalize().unwrap().join(rel);
    let uri = format!("file://{}", path.display());

    // Started in another folder: the project is found from the document's.
    let mut client = Client::start(elsewhere.path());
    let init = client.request(
        "initialize",
        json!({ "processId": null, "rootUri": null, "capabilities": { "general": offered } }),
    );
    let caps = &init["capabilities"];
    assert_eq!(caps["positionEncoding"], encoding);
    assert_eq!(caps["textDocumentSync"]["change"], 1, "full sync");
    client.notify("initialized", json!({}));

    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "fountain", "version": 1, "text": text } }),
    );
    let diags = client.diagnostics(&uri);
    let want = expected(project.path(), rel, &text, encoding);
    assert_eq!(
        want.iter().map(|(c, _)| c.as_str()).collect::<Vec<_>>(),
        ["GA004", "GA201"]
    );
    assert_eq!(published(&diags), want, "{diags:#?}");
    let ga201 = &diags[1];
    assert_eq!(ga201["source"], "aiclear");
    assert_eq!(ga201["severity"], 1);
    let message = ga201["message"].as_str().unwrap();
    assert!(
        message.starts_with("main character generated with GenAI needs written approval\n"),
        "{message}"
    );
    assert!(
        message.contains("\nhelp: ask an approver to record an approval: `aiclear approve"),
        "{message}"
    );

    // Inside GA201's range, its explanation; over a key, the key's.
    let start = &ga201["range"]["start"];
    let (line, character) = (
        start["line"].as_u64().unwrap(),
        start["character"].as_u64().unwrap(),
    );
    let shown = hover(&mut client, &uri, line, character + 2);
    assert_eq!(shown["contents"]["value"], explain("GA201"));
    let stage = text
        .lines()
        .position(|l| l.trim_start().starts_with("stage:"))
        .unwrap();
    let shown = hover(&mut client, &uri, stage as u64, 8);
    assert_eq!(shown["contents"]["value"], explain("stage"));

    // The fix, not yet saved: the findings go.
    let fixed = text.replace(ELEMENTS, "");
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [{ "text": fixed }] }),
    );
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());
    // And `check` agrees once it is on disk.
    common::write(project.path(), rel, &fixed);
    assert_eq!(expected(project.path(), rel, &fixed, encoding), []);

    // Broken again, then closed: closing clears them.
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 3 }, "contentChanges": [{ "text": text }] }),
    );
    assert_eq!(client.diagnostics(&uri).len(), 2);
    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": uri } }),
    );
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());
    client.stop();
}

#[test]
fn a_client_offering_utf8_gets_byte_columns_matching_check() {
    session(json!({ "positionEncodings": ["utf-8", "utf-16"] }), "utf-8");
}

#[test]
fn a_client_offering_nothing_gets_utf16_columns_matching_check() {
    session(json!({}), "utf-16");
}

#[test]
fn a_file_aiclear_does_not_check_gets_no_diagnostics_and_config_errors_show() {
    let project = common::project();
    let root = project.path().canonicalize().unwrap();
    common::write(project.path(), "notes.txt", "GA201\n");
    common::write(
        project.path(),
        ".aiclear/config.yml",
        "require-declaration: true\n",
    );
    let mut client = Client::start(project.path());
    client.request("initialize", json!({ "capabilities": {} }));
    client.notify("initialized", json!({}));
    let notes = format!("file://{}", root.join("notes.txt").display());
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": notes, "languageId": "text", "version": 1, "text": "GA201\n" } }),
    );
    assert_eq!(client.diagnostics(&notes), Vec::<Value>::new());
    // A code anywhere explains itself.
    let shown = hover(&mut client, &notes, 0, 1);
    assert_eq!(shown["contents"]["value"], explain("GA201"));

    // The configuration as it is being typed: an unknown key is an error.
    let config = format!("file://{}", root.join(".aiclear/config.yml").display());
    let typed = "require-declaration: true\nrequire-declarations: false\n";
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": config, "languageId": "yaml", "version": 1, "text": typed } }),
    );
    let diags = client.diagnostics(&config);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0]["range"]["start"]["line"], 1, "{diags:#?}");
    assert_eq!(diags[0]["severity"], 1);

    // The ledger as it is being typed, though the file on disk is empty.
    common::write(project.path(), ".aiclear/approvals.yml", "");
    let ledger = format!("file://{}", root.join(".aiclear/approvals.yml").display());
    let typed = "- id: NFX-1\n  granted-by: mei@studio.example\n  granted-on: someday\n  covers:\n    - { path: a.fountain, use: x }\n";
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": ledger, "languageId": "yaml", "version": 1, "text": typed } }),
    );
    let diags = client.diagnostics(&ledger);
    assert_eq!(
        published(&diags),
        [("GA004".to_owned(), [2, 14, 2, 21])],
        "{diags:#?}"
    );
    client.stop();
}

/// Neovim's own client, headless: it starts `aiclear lsp`, opens the
/// screenplay, and writes what `vim.diagnostic.get` holds as JSON, before
/// and after the line with the findings is deleted from the buffer.
const NVIM_SCRIPT: &str = r#"
local out = os.getenv('AICLEAR_NVIM_OUT')
local function dump(name)
  local got = {}
  for _, d in ipairs(vim.diagnostic.get(0)) do
    local lsp = d.user_data and d.user_data.lsp or {}
    table.insert(got, { code = d.code or lsp.code, lnum = d.lnum, col = d.col,
      end_lnum = d.end_lnum, end_col = d.end_col, severity = d.severity,
      source = d.source, message = d.message })
  end
  local f = assert(io.open(out .. '/' .. name, 'w'))
  f:write(vim.json.encode(got))
  f:close()
end
local id = vim.lsp.start_client({
  name = 'aiclear',
  cmd = { os.getenv('AICLEAR_BIN'), 'lsp' },
  root_dir = os.getenv('AICLEAR_ROOT'),
})
vim.cmd('edit ' .. vim.fn.fnameescape(os.getenv('AICLEAR_FILE')))
vim.lsp.buf_attach_client(0, id)
vim.wait(20000, function() return #vim.diagnostic.get(0) > 0 end, 50)
dump('opened.json')
-- The code actions of GA201, and the approval request applied.
local client = vim.lsp.get_client_by_id(id)
local approval
for _, d in ipairs(vim.diagnostic.get(0)) do
  local lsp = d.user_data and d.user_data.lsp or {}
  if (d.code or lsp.code) == 'GA201' then approval = d end
end
local params = vim.lsp.util.make_given_range_params({ approval.lnum + 1, approval.col },
  { approval.end_lnum + 1, approval.end_col }, 0, client.offset_encoding)
params.context = { diagnostics = {} }
local answers = vim.lsp.buf_request_sync(0, 'textDocument/codeAction', params, 20000) or {}
local titles = {}
for _, answer in pairs(answers) do
  for _, action in ipairs(answer.result or {}) do
    table.insert(titles, action.title)
    if action.title:find('approval-requested', 1, true) then
      vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding)
    end
  end
end
local f = assert(io.open(out .. '/actions.json', 'w'))
f:write(vim.json.encode(titles))
f:close()
vim.wait(20000, function()
  for _, d in ipairs(vim.diagnostic.get(0)) do
    if d.message:find('approval requested on', 1, true) then return true end
  end
  return false
end, 50)
dump('requested.json')
local lines = vim.api.nvim_buf_get_lines(0, 0, -1, false)
for i, line in ipairs(lines) do
  if line:find('elements:', 1, true) then
    vim.api.nvim_buf_set_lines(0, i - 1, i, false, {})
    break
  end
end
vim.wait(20000, function() return #vim.diagnostic.get(0) == 0 end, 50)
dump('fixed.json')
vim.cmd('qa!')
"#;

/// Whether `nvim` runs here; on CI it must.
fn nvim_available() -> bool {
    let found = std::process::Command::new("nvim")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found || std::env::var_os("CI").is_none(),
        "CI installs Debian's neovim (.ci/run)"
    );
    found
}

#[test]
fn neovim_shows_what_check_reports_and_clears_it_when_fixed() {
    if !nvim_available() {
        eprintln!("skipped: `nvim` is not installed");
        return;
    }
    let project = common::project();
    let out = tempfile::tempdir().unwrap();
    let text = screenplay();
    let rel = "scripts/brick.fountain";
    common::write(project.path(), rel, &text);
    let root = project.path().canonicalize().unwrap();
    let script = out.path().join("client.lua");
    std::fs::write(&script, NVIM_SCRIPT).unwrap();
    let mut nvim = std::process::Command::new("nvim");
    common::isolation::isolate(&mut nvim)
        .current_dir(&root)
        .args(["--headless", "-u", "NONE", "-i", "NONE", "-n", "-c"])
        .arg(format!("luafile {}", script.display()))
        .env("AICLEAR_BIN", common::bin())
        .env("AICLEAR_ROOT", &root)
        .env("AICLEAR_FILE", root.join(rel))
        .env("AICLEAR_NVIM_OUT", out.path())
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null());
    let mut child = nvim.spawn().expect("nvim starts");
    let until = Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > until {
            let _ = child.kill();
            let _ = child.wait();
            panic!("nvim did not quit within a minute");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let read = |name: &str| -> Vec<Value> {
        let text = std::fs::read_to_string(out.path().join(name))
            .unwrap_or_else(|e| panic!("nvim wrote no {name}: {e}"));
        // An empty Lua table encodes as `{}`.
        match serde_json::from_str(&text).unwrap() {
            Value::Array(a) => a,
            _ => Vec::new(),
        }
    };
    let opened = read("opened.json");
    // Neovim keeps columns as byte offsets, whatever the wire used.
    let shown: Vec<(String, [u64; 4])> = opened
        .iter()
        .map(|d| {
            let n = |k: &str| d[k].as_u64().unwrap();
            let code = d["code"].as_str().unwrap_or_default().to_owned();
            (code, [n("lnum"), n("col"), n("end_lnum"), n("end_col")])
        })
        .collect();
    assert_eq!(
        shown,
        expected(project.path(), rel, &text, "utf-8"),
        "{opened:#?}"
    );
    assert!(opened.iter().all(|d| d["source"] == "aiclear"));
    assert!(
        opened[1]["message"]
            .as_str()
            .unwrap()
            .contains("\nhelp: ask an approver"),
        "{opened:#?}"
    );
    // The code actions, offered to Neovim and applied by it.
    let titles = std::fs::read_to_string(out.path().join("actions.json")).unwrap();
    let titles: Vec<String> = serde_json::from_str(&titles).unwrap();
    assert_eq!(titles.len(), 2, "{titles:?}");
    assert!(
        titles[0].starts_with("Ask for the approval: add `approval-requested: "),
        "{titles:?}"
    );
    assert!(
        titles[1].contains(
            "aiclear approve --id ID --path scripts/brick.fountain --use brick-look --rule GA201"
        ),
        "{titles:?}"
    );
    let requested = read("requested.json");
    let request = requested
        .iter()
        .find(|d| d["code"] == "GA201")
        .unwrap_or_else(|| panic!("{requested:#?}"));
    assert!(
        request["message"]
            .as_str()
            .unwrap()
            .contains("approval requested on"),
        "{requested:#?}"
    );
    assert_eq!(read("fixed.json"), Vec::<Value>::new());
}

#[test]
fn saving_the_configuration_judges_the_open_documents_again() {
    let project = common::project();
    let root = project.path().canonicalize().unwrap();
    let text = screenplay();
    let rel = "scripts/brick.fountain";
    common::write(project.path(), rel, &text);
    let mut client = Client::start(project.path());
    client.request("initialize", json!({ "capabilities": {} }));
    client.notify("initialized", json!({}));
    let script = format!("file://{}", root.join(rel).display());
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": script, "languageId": "fountain", "version": 1, "text": text } }),
    );
    let codes =
        |diags: &[Value]| -> Vec<String> { published(diags).into_iter().map(|(c, _)| c).collect() };
    assert_eq!(codes(&client.diagnostics(&script)), ["GA004", "GA201"]);

    let config = format!("file://{}", root.join(".aiclear/config.yml").display());
    let allow = "rules:\n  GA201: allow\n";
    common::write(project.path(), ".aiclear/config.yml", allow);
    client.notify(
        "textDocument/didSave",
        json!({ "textDocument": { "uri": config }, "text": allow }),
    );
    assert_eq!(codes(&client.diagnostics(&script)), ["GA004"]);
    client.stop();
}
