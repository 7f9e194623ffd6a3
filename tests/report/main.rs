//! `aiclear report`: the disclosure register in each format, on the example
//! production committed into a real repository (so the history columns fill
//! in), its escaping of hostile text, the HTML page rendered in headless
//! Chromium, and `docs/rules.md` kept in sync with the rule docs.

mod browser;
#[path = "../common/mod.rs"]
mod common;
mod hostile_text;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::git::{APPROVER, TestRepo, WRITER};
use common::{run, write};
use serde_json::Value;

use browser::{CHROMIUM_MISSING, chromium, run_chromium};

const VFX: (&str, &str) = ("Kofi Osei", "k.osei@northlight.example.com");

fn pilot() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/pilot")
}

/// Copy a folder's files (recursively) into `to`.
fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The example production in a repository, committed the way its people
/// would: the writer commits the config and scripts, the VFX vendor the shot
/// files, and the studio's approver the ledger.
fn pilot_repo() -> TestRepo {
    let repo = TestRepo::new();
    copy_tree(&pilot(), repo.path());
    let ledger = repo.path().join(".aiclear/approvals.yml");
    let ledger_text = std::fs::read_to_string(&ledger).unwrap();
    std::fs::remove_file(&ledger).unwrap();
    let vfx = repo.path().join("vfx");
    let park = tempfile::tempdir_in(repo.path().parent().unwrap()).unwrap();
    let parked = park.path().join("vfx");
    std::fs::rename(&vfx, &parked).unwrap();
    repo.commit(WRITER, "Pilot cold open and series bible");
    std::fs::rename(&parked, &vfx).unwrap();
    repo.commit(VFX, "sh010, sh020 and the director's cut");
    repo.write(".aiclear/approvals.yml", &ledger_text);
    repo.commit(APPROVER, "Approve ARIA's final design (NFX-2025-0142)");
    repo
}

fn report(dir: &Path, args: &[&str]) -> (String, i32) {
    let mut all = vec!["report"];
    all.extend_from_slice(args);
    let out = run(dir, &all);
    (
        String::from_utf8(out.stdout).expect("UTF-8 output"),
        out.status.code().unwrap_or(-1),
    )
}

fn report_json(dir: &Path, extra: &[&str]) -> Value {
    let mut args = vec!["--format", "json"];
    args.extend_from_slice(extra);
    let (text, code) = report(dir, &args);
    assert_eq!(code, 0, "{text}");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

fn find_use<'a>(register: &'a Value, id: &str) -> &'a Value {
    register["uses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == id)
        .unwrap_or_else(|| panic!("no use `{id}` in {register:#}"))
}

fn codes(findings: &Value) -> Vec<&str> {
    findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect()
}

#[test]
fn json_register_of_the_pilot() {
    let repo = pilot_repo();
    let head = repo.git(&["rev-parse", "HEAD"]);
    let r = report_json(repo.path(), &[]);

    assert_eq!(r["version"], 1);
    assert_eq!(r["production"], "THE LAST SIGNAL");
    assert_eq!(r["commit"], head.as_str());
    assert_eq!(r["scope"], "worktree");
    assert_eq!(r["base"], Value::Null);
    let generated = r["generated"].as_str().unwrap();
    assert!(
        generated.parse::<jiff::Timestamp>().is_ok(),
        "generated: {generated}"
    );
    for key in [
        "version",
        "production",
        "commit",
        "generated",
        "totals",
        "uses",
        "files_without_declaration",
        "file_findings",
    ] {
        assert!(r.get(key).is_some(), "missing `{key}`");
    }

    assert_pilot_totals(&r["totals"]);

    // The approved main-character design: clear, relying on a valid approval.
    let aria = find_use(&r, "aria-design");
    assert_eq!(aria["file"], "scripts/ep101.fountain");
    assert_eq!(aria["stage"], "final");
    assert_eq!(aria["outputs"], serde_json::json!(["image"]));
    assert_eq!(aria["elements"], serde_json::json!(["main-character"]));
    assert_eq!(aria["inputs"], serde_json::json!(["original"]));
    assert_eq!(aria["tools"][0]["name"], "Imagen 4");
    assert_eq!(aria["tools"][0]["enterprise"], true);
    assert_eq!(aria["tools"][0]["trains_on_inputs"], "false");
    assert_eq!(aria["status"], "clear");
    assert_eq!(aria["findings"], serde_json::json!([]));
    assert_eq!(aria["approvals"][0]["id"], "NFX-2025-0142");
    assert_eq!(aria["approvals"][0]["state"], "valid");
    assert_eq!(
        aria["approvals"][0]["granted_by"],
        "mei.chen@netflix.example.com"
    );
    assert_eq!(aria["introduced"]["author"], WRITER.0);
    assert_eq!(aria["introduced"]["email"], WRITER.1);
    assert_eq!(aria["last_changed"]["commit"], aria["introduced"]["commit"]);
    assert!(aria["introduced"]["date"].as_str().unwrap().len() == 10);

    // The temp signage: its four findings, and only those, are its own.
    let signage = find_use(&r, "relay-signage");
    assert_eq!(signage["status"], "needs-action");
    let mut found = codes(&signage["findings"]);
    found.sort_unstable();
    assert_eq!(found, ["GA101", "GA102", "GA105", "GA205"]);
    assert_eq!(signage["tools"][0]["trains_on_inputs"], "unknown");
    assert_eq!(signage["prominence"], "featured");
    assert_eq!(signage["findings"][0]["line"], 23);

    // A sidecar's use names the media file; the VFX vendor introduced it.
    let sky = find_use(&r, "sky-cleanup");
    assert_eq!(sky["media"], "vfx/plates/sh010_bg_v003.exr");
    assert_eq!(codes(&sky["findings"]), ["GA203"]);
    assert_eq!(sky["introduced"]["author"], VFX.0);

    let skyline = find_use(&r, "temp-city-skyline");
    assert_eq!(skyline["references"], serde_json::json!(["real-event"]));
    assert_eq!(codes(&skyline["findings"]), ["GA205", "GA401"]);
    assert_eq!(skyline["findings"][0]["severity"], "note");

    assert_eq!(find_use(&r, "tone-moodboards")["status"], "clear");
    assert_eq!(find_use(&r, "sc3-blackout-previs")["status"], "clear");

    // The plate without a sidecar has no use to pin its error on.
    let without = r["files_without_declaration"].as_array().unwrap();
    assert_eq!(without.len(), 1);
    assert_eq!(without[0]["file"], "vfx/plates/sh020_fg_v001.exr");
    assert_eq!(codes(&without[0]["findings"]), ["GA001"]);
    // The plate whose own C2PA manifest contradicts its `genai: none`.
    let contradicted = r["file_findings"].as_array().unwrap();
    assert_eq!(contradicted.len(), 1);
    assert_eq!(
        contradicted[0]["file"],
        "vfx/plates/sh030_sky_v002.png.genai.yml"
    );
    assert_eq!(codes(&contradicted[0]["findings"]), ["GA701"]);

    // The packs checked against, and the pack of each finding's rule.
    assert_eq!(
        r["policy"],
        serde_json::json!([{
            "id": "netflix-2025-08",
            "title": "Netflix: Using Generative AI in Content Production",
            "version": "2025-08",
            "from": null,
            "until": null
        }])
    );
    assert_eq!(signage["findings"][0]["pack"], "netflix-2025-08");
    assert_eq!(without[0]["findings"][0]["pack"], Value::Null);
    assert_eq!(
        r["totals"]["by_pack"],
        serde_json::json!([
            { "pack": null, "errors": 2, "warnings": 0, "notes": 0 },
            { "pack": "netflix-2025-08", "errors": 4, "warnings": 2, "notes": 1 }
        ])
    );
}

/// The totals of the pilot's register: uses, files, findings, by stage and
/// by rule family.
fn assert_pilot_totals(t: &Value) {
    assert_eq!(t["uses"], 6);
    assert_eq!(t["files_checked"], 8);
    assert_eq!(t["uses_needing_action"], 3);
    assert_eq!(t["uses_clear"], 3);
    // The plate without a sidecar, and the plate whose own record says
    // generative AI while its sidecar says none.
    assert_eq!(t["files_needing_action"], 2);
    assert_eq!(
        (t["errors"].as_u64(), t["warnings"].as_u64()),
        (Some(6), Some(2))
    );
    let stages: Vec<(&str, u64)> = t["by_stage"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["stage"].as_str().unwrap(), s["uses"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        stages,
        [
            ("ideation", 1),
            ("previs", 0),
            ("temp", 3),
            ("final", 2),
            ("unspecified", 0)
        ]
    );
    let families: Vec<&str> = t["by_family"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["family"].as_str().unwrap())
        .collect();
    assert_eq!(
        families,
        [
            "GA0xx", "GA1xx", "GA2xx", "GA3xx", "GA4xx", "GA5xx", "GA6xx", "GA7xx"
        ]
    );
    assert_eq!(t["by_family"][1]["errors"], 1);
    assert_eq!(t["by_family"][1]["warnings"], 2);
    assert_eq!(t["by_family"][7]["errors"], 1);
}

#[test]
fn markdown_register_puts_needs_action_first() {
    let repo = pilot_repo();
    let (md, code) = report(repo.path(), &[]);
    assert_eq!(code, 0, "a report exits 0 even when it lists errors");
    assert!(md.starts_with("# THE LAST SIGNAL — GenAI disclosure register\n"));
    let needs = md.find("## Needs action").expect("needs action section");
    let totals = md.find("## Totals").expect("totals");
    let register = md.find("## Register").expect("register");
    assert!(needs < totals && totals < register, "{md}");
    let action = &md[needs..totals];
    for expected in [
        "`relay-signage`",
        "`sky-cleanup`",
        "`temp-city-skyline`",
        "`vfx/plates/sh020_fg_v001.exr` (no declaration)",
        "GA001 missing-declaration",
    ] {
        assert!(action.contains(expected), "{expected} in {action}");
    }
    assert!(!action.contains("`aria-design`"), "{action}");
    assert!(md.contains("| GA1xx data and tools | 1 | 2 | 0 |"), "{md}");
    assert!(
        md.contains(
            "\nChecked against these policy packs, and aiclear's own checks of declarations, \
             approvals and history:\n\n\
             - `netflix-2025-08`: Netflix\\: Using Generative AI in Content Production\n\n"
        ),
        "{md}"
    );
    assert!(md.contains("| `netflix-2025-08` | 4 | 2 | 1 |"), "{md}");
    assert!(
        action.contains("  - error GA101 tool-may-train-on-inputs (`netflix-2025-08`), line 25: "),
        "{action}"
    );
    // One register row per use, each with its history.
    let rows: Vec<&str> = md[register..]
        .lines()
        .filter(|l| l.starts_with("| ✓") || l.starts_with("| ✗") || l.starts_with("| ⚠"))
        .collect();
    assert_eq!(rows.len(), 6, "{md}");
    assert!(
        rows.iter()
            .all(|r| r.contains("Dana Writer") || r.contains("Kofi Osei"))
    );
}

/// RFC 4180 fields of a whole document.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => quoted = true,
            ',' => row.push(std::mem::take(&mut field)),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            '"' => panic!("a quote inside an unquoted field: {field}"),
            _ => field.push(c),
        }
    }
    assert!(!quoted, "unterminated quoted field");
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

#[test]
fn csv_parses_back_with_one_header_row() {
    let repo = pilot_repo();
    let (text, code) = report(repo.path(), &["--format", "csv"]);
    assert_eq!(code, 0);
    let body = text
        .strip_prefix('\u{FEFF}')
        .expect("a byte-order mark for Excel");
    assert!(body.lines().all(|_| true) && body.contains("\r\n"));
    let rows = parse_csv(body);
    let header = &rows[0];
    assert_eq!(header[0], "file");
    assert_eq!(header[2], "use");
    assert_eq!(header.len(), 31);
    assert_eq!(header[30], "packs");
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(row.len(), header.len(), "row {i}: {row:?}");
    }
    // Six uses, then the plate with no declaration and the plate whose own
    // record contradicts its `genai: none`.
    assert_eq!(rows.len(), 1 + 6 + 2);
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let aria = rows
        .iter()
        .find(|r| r[col("use")] == "aria-design")
        .unwrap();
    assert_eq!(aria[col("status")], "clear");
    assert!(aria[col("approvals")].starts_with("NFX-2025-0142: valid"));
    assert_eq!(aria[col("introduced by")], WRITER.0);
    let skyline = rows
        .iter()
        .find(|r| r[col("use")] == "temp-city-skyline")
        .unwrap();
    assert_eq!(skyline[col("outputs")], "image; video");
    let file_row = |file: &str| rows.iter().find(|r| r[col("file")] == file).unwrap();
    let without = file_row("vfx/plates/sh020_fg_v001.exr");
    assert_eq!(without[col("use")], "");
    assert!(without[col("open findings")].contains("GA001"));
    assert_eq!(without[col("packs")], "");
    let signage = rows
        .iter()
        .find(|r| r[col("use")] == "relay-signage")
        .unwrap();
    assert_eq!(signage[col("packs")], "netflix-2025-08");
    assert!(
        signage[col("open findings")]
            .contains("error GA205 on-screen-element (netflix-2025-08, line 23): "),
        "{}",
        signage[col("open findings")]
    );
    let contradicted = file_row("vfx/plates/sh030_sky_v002.png.genai.yml");
    assert!(contradicted[col("open findings")].contains("GA701"));
}

#[test]
fn range_report_traces_who_granted_each_approval() {
    // The ledger entry is committed by the writer, who is not an approver.
    let repo = TestRepo::new();
    copy_tree(&pilot(), repo.path());
    let base = repo.commit(WRITER, "Pilot");
    let ledger = std::fs::read_to_string(repo.path().join(".aiclear/approvals.yml")).unwrap();
    repo.write(
        ".aiclear/approvals.yml",
        &ledger.replace("expires-on: 2027-12-31", "expires-on: 2028-01-31"),
    );
    repo.commit(WRITER, "Extend the approval myself");
    let r = report_json(repo.path(), &["--base", &base]);
    assert_eq!(r["scope"], "range");
    assert_eq!(r["base"], base.as_str());
    assert_eq!(r["commit"], repo.git(&["rev-parse", "HEAD"]).as_str());
    let aria = find_use(&r, "aria-design");
    assert_eq!(aria["approvals"][0]["state"], "unauthorised");
    assert_eq!(aria["status"], "needs-action");
    // GA601 is reported at the ledger, a file with no use of its own.
    let ledger_findings: Vec<&Value> = r["file_findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["file"] == ".aiclear/approvals.yml")
        .collect();
    assert_eq!(codes(&ledger_findings[0]["findings"]), ["GA601"]);
    assert!(r["totals"]["by_family"][6]["errors"].as_u64().unwrap() >= 1);
}

#[test]
fn uncommitted_approvals_are_pending_and_new_uses_have_no_history() {
    let repo = TestRepo::new();
    copy_tree(&pilot(), repo.path());
    std::fs::remove_file(repo.path().join(".aiclear/approvals.yml")).unwrap();
    repo.commit(WRITER, "Pilot");
    copy_tree(&pilot().join(".aiclear"), &repo.path().join(".aiclear"));
    let bible = repo.path().join("scripts/series-bible.md");
    let text = std::fs::read_to_string(&bible).unwrap();
    let text = text.replacen(
        "  uses:\n",
        "  uses:\n    - id: new-one\n      stage: ideation\n      output: text\n      tools: [{ name: \"T\", enterprise: true, trains-on-inputs: false }]\n",
        1,
    );
    std::fs::write(&bible, text).unwrap();
    let r = report_json(repo.path(), &[]);
    let aria = find_use(&r, "aria-design");
    assert_eq!(aria["approvals"][0]["state"], "pending");
    let new = find_use(&r, "new-one");
    assert_eq!(new["introduced"], Value::Null);
    assert_eq!(new["last_changed"], Value::Null);
    assert!(find_use(&r, "tone-moodboards")["introduced"].is_object());
}

#[test]
fn outside_git_and_without_a_title_page() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("night-shift");
    std::fs::create_dir_all(&root).unwrap();
    copy_tree(&pilot(), &root);
    let r = report_json(&root, &[]);
    assert_eq!(r["production"], "THE LAST SIGNAL");
    assert_eq!(r["production_from"], "config");
    assert_eq!(r["commit"], Value::Null);
    assert_eq!(find_use(&r, "aria-design")["introduced"], Value::Null);

    // Without `production:` in the config, the first script's title page.
    let config = root.join(".aiclear/config.yml");
    let text = std::fs::read_to_string(&config).unwrap();
    let start = text.find("production:").unwrap();
    let end = start + text[start..].find("\n\n").unwrap();
    std::fs::write(&config, format!("{}{}", &text[..start], &text[end..])).unwrap();
    let r = report_json(&root, &[]);
    assert_eq!(r["production"], "THE LAST SIGNAL");
    assert_eq!(r["production_from"], "title-page");
    assert_eq!(r["season"], Value::Null);

    // Without a Fountain title page either, the root folder's name.
    std::fs::remove_file(root.join("scripts/ep101.fountain")).unwrap();
    let r = report_json(&root, &[]);
    assert_eq!(r["production"], "night-shift");
    assert_eq!(r["production_from"], "folder");
}

#[test]
fn output_file_and_usage_errors() {
    let repo = pilot_repo();
    let out = repo.path().join("register.md");
    let (stdout, code) = report(repo.path(), &["--output", out.to_str().unwrap()]);
    assert_eq!((stdout.as_str(), code), ("", 0));
    assert!(
        std::fs::read_to_string(&out)
            .unwrap()
            .starts_with("# THE LAST SIGNAL")
    );

    let (_, code) = report(repo.path(), &["--format", "pdf"]);
    assert_eq!(code, 2);
    let (_, code) = report(repo.path(), &["--base", "no-such-branch"]);
    assert_eq!(code, 3, "a missing base is missing history");

    let dir = common::project();
    write(dir.path(), ".aiclear/config.yml", "polcy: x\n");
    let out = run(dir.path(), &["report"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("polcy"));
}

#[test]
fn docs_rules_md_is_in_sync_with_the_rule_docs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = run(root, &["rules", "--format", "markdown"]);
    assert!(out.status.success());
    let generated = String::from_utf8(out.stdout).unwrap();
    let committed = std::fs::read_to_string(root.join("docs/rules.md")).unwrap_or_default();
    assert!(
        generated == committed,
        "docs/rules.md is out of date with the rule docs; regenerate it with \
         `cargo run -- rules --format markdown > docs/rules.md`"
    );
    assert!(generated.contains("## GA205 on-screen-element"));
    assert!(generated.contains("| [GA001](#ga001-missing-declaration) |"));
}

/// What legal reads per use: whom it was disclosed to and when, what the
/// approval covers and says, and which values were assumed, not declared.
#[test]
fn register_shows_disclosure_approval_details_and_defaults() {
    let repo = pilot_repo();
    let r = report_json(repo.path(), &[]);
    let aria = find_use(&r, "aria-design");
    assert_eq!(
        aria["disclosed"],
        serde_json::json!({ "to": "Mei Chen, Netflix creative production", "on": "2025-09-02" })
    );
    let a = &aria["approvals"][0];
    assert_eq!(a["granted_on"], "2025-09-05");
    assert_eq!(a["rules"], serde_json::json!(["GA201", "GA203"]));
    assert!(
        a["note"]
            .as_str()
            .unwrap()
            .starts_with("ARIA's final character design"),
        "{a}"
    );
    assert_eq!(a["document"], Value::Null);
    // Not declared: the defaults the rules assume, named as such.
    assert_eq!(aria["inputs"], serde_json::json!(["original"]));
    assert_eq!(aria["training"], "none");
    let defaulted: Vec<&str> = aria["defaulted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for field in ["inputs", "training", "source_type"] {
        assert!(defaulted.contains(&field), "{field} in {defaulted:?}");
    }
    assert!(!defaulted.contains(&"prominence"), "no on-screen element");
    // Declared values are not defaults.
    let signage = find_use(&r, "relay-signage");
    assert!(
        !signage["defaulted"]
            .as_array()
            .unwrap()
            .contains(&"prominence".into())
    );
    assert_eq!(signage["tools"][0]["defaulted"], serde_json::json!([]));

    let (md, _) = report(repo.path(), &[]);
    assert!(md.contains("original *(default)*"), "{md}");
    assert!(md.contains("to Mei Chen, Netflix creative production on 2025-09-02"));
    assert!(md.contains("covers GA201 and GA203"), "{md}");
    let (html, _) = report(repo.path(), &["--format", "html"]);
    assert!(html.contains("Disclosed to Mei Chen, Netflix creative production on 2025-09-02"));
    assert!(html.contains("(default)</span>"));
    assert!(html.contains("covers GA201 and GA203"));
    // The packs in the header, and each finding's pack beside its code.
    assert!(
        html.contains(
            "<p class=\"meta packs\">Policy packs: <span class=\"pack\"><code>netflix-2025-08</code> \
             Netflix: Using Generative AI in Content Production</span></p>"
        ),
        "{html}"
    );
    assert!(
        html.contains(
            "<code title=\"on-screen-element\">GA205</code> \
             <span class=\"sub pack\" title=\"policy pack\">netflix-2025-08</span>"
        ),
        "{html}"
    );
    assert!(
        html.contains("<td>aiclear\u{2019}s own checks</td>"),
        "{html}"
    );
    let (csv, _) = report(repo.path(), &["--format", "csv"]);
    let rows = parse_csv(csv.trim_start_matches('\u{FEFF}'));
    let col = |name: &str| rows[0].iter().position(|h| h == name).unwrap();
    let aria = rows
        .iter()
        .find(|r| r[col("use")] == "aria-design")
        .unwrap();
    assert_eq!(aria[col("inputs")], "original (default)");
    assert_eq!(aria[col("disclosed on")], "2025-09-02");
    assert!(aria[col("defaults")].contains("training"));
    assert!(aria[col("approvals")].contains("covers GA201 and GA203"));
}

/// A featured on-screen element without `prominence`, a tool without its
/// facts, and a file without `disclosed`.
#[test]
fn undeclared_prominence_and_tool_facts_are_marked_as_defaults() {
    let dir = common::project();
    write(
        dir.path(),
        "vfx/shots/sh030.yml",
        "genai:\n  uses:\n    - id: sign\n      stage: temp\n      output: image\n      \
         elements: [signage]\n      tools: [{ name: Tool }]\n",
    );
    let r = report_json(dir.path(), &[]);
    let sign = find_use(&r, "sign");
    assert_eq!(sign["prominence"], "featured");
    assert!(
        sign["defaulted"]
            .as_array()
            .unwrap()
            .contains(&"prominence".into())
    );
    assert_eq!(
        sign["tools"][0]["defaulted"],
        serde_json::json!(["enterprise", "trains_on_inputs"])
    );
    assert_eq!(sign["disclosed"], Value::Null);
    let (md, _) = report(dir.path(), &[]);
    assert!(md.contains("signage (featured *(default)*)"), "{md}");
    assert!(md.contains("| not disclosed |"), "{md}");
    let (html, _) = report(dir.path(), &["--format", "html"]);
    assert!(html.contains("Not disclosed to the studio"));
}

/// An approval granted in the work tree, or only staged, is pending: the
/// use is never clear until the approver commits it.
#[test]
fn a_pending_approval_is_never_clear() {
    let repo = TestRepo::new();
    copy_tree(&pilot(), repo.path());
    let ledger = std::fs::read_to_string(repo.path().join(".aiclear/approvals.yml")).unwrap();
    repo.remove(".aiclear/approvals.yml");
    repo.commit(WRITER, "Pilot");
    repo.write(".aiclear/approvals.yml", &ledger);
    for staged in [false, true] {
        if staged {
            repo.git(&["add", ".aiclear/approvals.yml"]);
        }
        let r = report_json(repo.path(), &[]);
        let aria = find_use(&r, "aria-design");
        assert_eq!(aria["approvals"][0]["state"], "pending", "staged: {staged}");
        assert_eq!(aria["status"], "pending", "staged: {staged}");
        assert_eq!(r["totals"]["uses_pending"], 1);
        assert_eq!(r["totals"]["uses_clear"], 2);
        let (md, _) = report(repo.path(), &[]);
        assert!(md.contains("## Pending approval"), "{md}");
        assert!(
            md.contains("| ◔ pending approval | `scripts/ep101.fountain` |"),
            "{md}"
        );
        let (html, _) = report(repo.path(), &["--format", "html"]);
        assert!(html.contains("data-status=\"pending\""));
        assert!(html.contains("<option value=\"pending\">"));
        let (csv, _) = report(repo.path(), &["--format", "csv"]);
        assert!(csv.contains(",pending approval,"), "{csv}");
    }
    // Committed by the approver: clear.
    repo.commit(APPROVER, "Approve ARIA");
    let r = report_json(repo.path(), &[]);
    assert_eq!(find_use(&r, "aria-design")["status"], "clear");
    assert_eq!(r["totals"]["uses_pending"], 0);
}

#[test]
fn production_comes_from_the_config_and_is_validated() {
    let dir = common::project();
    write(
        dir.path(),
        "scripts/ep1.fountain",
        "Title: FROM THE TITLE PAGE\n\n/*\n---\ngenai: none\n---\n*/\n\nINT. A - DAY\n",
    );
    write(
        dir.path(),
        ".aiclear/config.yml",
        "production:\n  title: NIGHT SHIFT\n  season: 2\n  company: Harbour Films\n",
    );
    let r = report_json(dir.path(), &[]);
    assert_eq!(r["production"], "NIGHT SHIFT");
    assert_eq!(r["season"], "2");
    assert_eq!(r["company"], "Harbour Films");
    assert_eq!(r["production_from"], "config");
    let (md, _) = report(dir.path(), &[]);
    assert!(
        md.starts_with("# NIGHT SHIFT — GenAI disclosure register\n\nSeason 2 · Harbour Films\n")
    );
    let (html, _) = report(dir.path(), &["--format", "html"]);
    assert!(html.contains("<h1>NIGHT SHIFT</h1>"));
    assert!(html.contains("Season 2 \u{00B7} Harbour Films"));

    // Validated like the rest of the config: exit 2, exact place, did you mean.
    for (config, expected) in [
        (
            "production:\n  titel: NIGHT SHIFT\n",
            "did you mean `title`?",
        ),
        (
            "production:\n  season: 2\n",
            "missing the required field `title`",
        ),
        (
            "production: NIGHT SHIFT\n",
            "production: { title: \"NIGHT SHIFT\" }",
        ),
        ("prodution:\n  title: X\n", "did you mean `production`?"),
    ] {
        write(dir.path(), ".aiclear/config.yml", config);
        let out = run(dir.path(), &["report", "--color", "never"]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{config}: {err}");
        assert!(err.contains(expected), "{config}: {err}");
        assert!(err.contains(".aiclear/config.yml:"), "{err}");
    }
    write(
        dir.path(),
        ".aiclear/config.yml",
        "production:\n  titel: X\n",
    );
    let out = run(dir.path(), &["check", "--color", "never"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(".aiclear/config.yml:2:3"), "{err}");
}

/// The register by folder, with the episode from a title page or a name,
/// and the files that declare no AI use listed for coverage.
#[test]
fn register_groups_by_folder_and_lists_files_without_ai_use() {
    let dir = common::project();
    let uses = |id: &str| {
        format!(
            "genai:\n  disclosed: {{ to: \"M. Chen\", on: 2025-09-02 }}\n  uses:\n    - id: {id}\n      \
             stage: ideation\n      output: text\n      \
             tools: [{{ name: T, enterprise: true, trains-on-inputs: false }}]\n"
        )
    };
    write(
        dir.path(),
        "scripts/ep102/draft.fountain",
        format!(
            "Title: X\nEpisode: 102\n\n/*\n---\n{}---\n*/\n\nINT. A\n",
            uses("beats")
        ),
    );
    write(
        dir.path(),
        "scripts/ep102/notes.fountain",
        "/*\n---\ngenai: none\n---\n*/\n\nINT. B\n",
    );
    write(
        dir.path(),
        "scripts/Pilot_EP101.fountain",
        format!("/*\n---\n{}---\n*/\n\nINT. C\n", uses("pitch")),
    );
    write(
        dir.path(),
        "scripts/bible.fountain",
        "/*\n---\ngenai: none\n---\n*/\n\nINT. D\n",
    );
    let r = report_json(dir.path(), &[]);
    assert_eq!(find_use(&r, "beats")["folder"], "scripts/ep102");
    assert_eq!(find_use(&r, "beats")["episode"], "102");
    assert_eq!(find_use(&r, "pitch")["folder"], "scripts");
    assert_eq!(find_use(&r, "pitch")["episode"], "101");
    let none: Vec<&str> = r["files_declaring_none"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert_eq!(
        none,
        ["scripts/bible.fountain", "scripts/ep102/notes.fountain"]
    );
    assert_eq!(r["totals"]["files_declaring_none"], 2);
    let folders = r["folders"].as_array().unwrap();
    assert_eq!(folders.len(), 2, "{folders:?}");
    assert_eq!(folders[0]["folder"], "scripts");
    assert_eq!(folders[0]["episode"], Value::Null, "ep101 and a bible");
    assert_eq!(folders[0]["files_declaring_none"], 1);
    assert_eq!(folders[1]["folder"], "scripts/ep102");
    assert_eq!(folders[1]["episode"], "102");
    assert_eq!(
        (
            folders[1]["uses"].as_u64(),
            folders[1]["files_with_uses"].as_u64()
        ),
        (Some(1), Some(1))
    );

    let (md, _) = report(dir.path(), &[]);
    let a = md.find("### `scripts/`\n").expect("a heading per folder");
    let b = md
        .find("### `scripts/ep102/` (episode 102)\n")
        .expect("{md}");
    assert!(a < b && md[a..b].contains("`pitch`") && md[b..].contains("`beats`"));
    let coverage = &md[md.find("## Coverage").unwrap()..];
    assert!(
        coverage.contains("2 files declare no use of generative AI"),
        "{coverage}"
    );
    assert!(
        coverage.contains("- `scripts/ep102/notes.fountain`"),
        "{coverage}"
    );
    let (html, _) = report(dir.path(), &["--format", "html"]);
    assert!(html.contains("id=\"filter-folder\""));
    assert!(html.contains("data-folder=\"scripts/ep102\""));
    assert!(html.contains("Coverage by folder"));
    assert!(html.contains("scripts/<wbr>ep102/<wbr>notes.fountain"));
}

/// Email addresses break only before the `@`, and the CSV's byte-order
/// mark can be left out.
#[test]
fn emails_keep_whole_and_the_bom_is_optional() {
    let repo = pilot_repo();
    let (html, _) = report(repo.path(), &["--format", "html"]);
    assert!(
        html.contains(
            "granted by <span class=\"email\">mei.chen</span><wbr><span class=\"email\">@netflix.example.com</span>"
        ),
        "{html}"
    );
    assert!(html.contains(".email { white-space: nowrap;"));
    assert!(!html.contains("@<wbr>"));
    let (csv, _) = report(repo.path(), &["--format", "csv"]);
    assert!(csv.starts_with('\u{FEFF}'));
    let (csv, code) = report(repo.path(), &["--format", "csv", "--no-bom"]);
    assert_eq!(code, 0);
    assert!(csv.starts_with("file,media,use,"), "{csv}");
}
