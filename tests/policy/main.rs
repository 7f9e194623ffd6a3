//! `aiclear policy test` run as a user runs it: on the example studio pack,
//! on a copy of it with one fixture broken, on a pack file that does not
//! read, on a production whose configuration names its own pack, and on the
//! built-in packs.

#[path = "../common/mod.rs"]
mod common;
#[cfg(unix)]
mod trust;

use std::path::{Path, PathBuf};
use std::process::Output;

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/studio-pack/northlight.yml")
}

fn example_text() -> String {
    std::fs::read_to_string(example()).unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

/// `aiclear policy test ARGS` in a fresh project folder.
fn policy_test(dir: &Path, args: &[&str]) -> Output {
    let mut all = vec!["policy", "test"];
    all.extend_from_slice(args);
    common::run(dir, &all)
}

#[test]
fn the_example_pack_passes() {
    let dir = common::project();
    let path = example();
    let out = policy_test(
        dir.path(),
        &[path.to_str().unwrap(), "--today", "2026-04-01"],
    );
    let text = stdout(&out);
    assert_eq!(code(&out), 0, "{text}\nstderr: {}", stderr(&out));
    for line in [
        "ok   NL101 unreviewed-consumer-tool-past-previs (2 fixtures)",
        "ok   NL102 generated-dialogue-without-writer (3 fixtures)",
        "ok   NL103 generated-likeness-in-marketing (3 fixtures)",
    ] {
        assert!(text.lines().any(|l| l == line), "no `{line}` in:\n{text}");
    }
    assert_eq!(
        text.lines().last(),
        Some("3 rules, 8 fixtures: all passed"),
        "{text}"
    );
    assert!(!text.contains("note:"), "{text}");
}

#[test]
fn a_rule_not_yet_in_force_is_judged_on_its_first_day() {
    let dir = common::project();
    let path = example();
    let out = policy_test(
        dir.path(),
        &[path.to_str().unwrap(), "--today", "2025-06-01"],
    );
    let text = stdout(&out);
    assert_eq!(code(&out), 0, "{text}\nstderr: {}", stderr(&out));
    // The pack applies from 2026-01-15, NL103 from 2026-03-01.
    let lines: Vec<&str> = text.lines().collect();
    let at = |code: &str| lines.iter().position(|l| l.contains(code)).unwrap();
    assert_eq!(
        lines[at("NL101") + 1],
        "  note: judged on 2026-01-15, the first day it applies (not 2025-06-01)"
    );
    assert_eq!(
        lines[at("NL103") + 1],
        "  note: judged on 2026-03-01, the first day it applies (not 2025-06-01)"
    );
}

#[test]
fn the_json_output_holds_each_rule() {
    let dir = common::project();
    let path = example();
    let out = policy_test(
        dir.path(),
        &[
            path.to_str().unwrap(),
            "--today",
            "2026-04-01",
            "--format",
            "json",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["rules"], 3);
    assert_eq!(json["fixtures"], 8);
    assert_eq!(json["failed"], 0);
    let pack = &json["packs"][0];
    assert_eq!(pack["id"], "northlight-2026");
    let codes: Vec<&str> = pack["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            assert_eq!(r["passed"], true, "{r}");
            assert_eq!(r["day"], "2026-04-01", "{r}");
            r["code"].as_str().unwrap()
        })
        .collect();
    assert_eq!(codes, ["NL101", "NL102", "NL103"]);
}

/// The 1-based line of the pack text where `needle` starts.
fn line_of(text: &str, needle: &str) -> usize {
    let at = text.find(needle).unwrap_or_else(|| panic!("no `{needle}`"));
    text[..at].matches('\n').count() + 1
}

#[test]
fn a_broken_fixture_fails_naming_the_rule_and_the_line() {
    let dir = common::project();
    // The second use of the first NL102 test no longer has a placeholder
    // `human-input`, so its `ruleid` line expects a finding in vain.
    let text = example_text();
    let broken = text.replacen(
        "human-input: \"TBD\"",
        "human-input: \"Dana Ruiz rewrote every line\"",
        1,
    );
    assert_ne!(broken, text);
    common::write(dir.path(), "northlight.yml", &broken);
    let out = policy_test(dir.path(), &["northlight.yml", "--today", "2026-04-01"]);
    let out_text = stdout(&out);
    assert_eq!(code(&out), 1, "{out_text}\nstderr: {}", stderr(&out));
    let lines: Vec<&str> = out_text.lines().collect();
    let fail = lines
        .iter()
        .position(|l| *l == "FAIL NL102 generated-dialogue-without-writer (3 fixtures)")
        .unwrap_or_else(|| panic!("NL102 does not fail:\n{out_text}"));
    // The reason names the pack file's line of the fixture (its `- path:`
    // entry or the text's first line) and the line inside the fixture.
    let reason = lines[fail + 1];
    let (place, message) = reason
        .trim_start()
        .split_once(": ")
        .unwrap_or_else(|| panic!("`{reason}`"));
    assert_eq!(message, "expected NL102 at fixture line 21, found none");
    let line: usize = place
        .strip_prefix("northlight.yml:")
        .unwrap_or_else(|| panic!("`{reason}` does not name the pack file"))
        .parse()
        .unwrap();
    let entry = line_of(&broken, "- path: scripts/ep101.fountain");
    assert!(
        (entry..=entry + 2).contains(&line),
        "line {line} is not the fixture at line {entry}"
    );
    // Only NL102 failed.
    for code in ["NL101", "NL103"] {
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with(&format!("ok   {code} "))),
            "{out_text}"
        );
    }
    assert_eq!(lines.last(), Some(&"3 rules, 8 fixtures: 1 failed"));
}

#[test]
fn a_finding_on_another_line_than_expected_fails() {
    let dir = common::project();
    // With `at: id`, NL102 points at each use's `id` (fixture lines 10 and
    // 16), not at the `elements` lines its `ruleid`s name (15 and 21).
    let broken = example_text().replacen("    at: elements\n", "    at: id\n", 1);
    common::write(dir.path(), "northlight.yml", &broken);
    let out = policy_test(dir.path(), &["northlight.yml", "--today", "2026-04-01"]);
    let text = stdout(&out);
    assert_eq!(code(&out), 1, "{text}\nstderr: {}", stderr(&out));
    assert!(
        text.contains(": expected NL102 at fixture line 15, found it at lines 10, 16"),
        "{text}"
    );
    assert!(
        text.contains(": unexpected NL102 at fixture line 10, which has no `ruleid: NL102`"),
        "{text}"
    );
}

#[test]
fn a_pack_that_does_not_read_exits_2_with_its_errors() {
    let dir = common::project();
    common::write(
        dir.path(),
        "broken.yml",
        "pack:\n  id: broken-2026\n  title: [unclosed\nrules: []\n",
    );
    let out = policy_test(dir.path(), &["broken.yml"]);
    let err = stderr(&out);
    assert_eq!(code(&out), 2, "{}\nstderr: {err}", stdout(&out));
    assert!(err.contains("error"), "{err}");
    assert!(err.contains("broken.yml:"), "no location in:\n{err}");
    assert!(!stdout(&out).contains("passed"), "{}", stdout(&out));
}

#[test]
fn an_unknown_pack_exits_2() {
    let dir = common::project();
    let out = policy_test(dir.path(), &["northlite"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("unknown policy pack `northlite`"),
        "{}",
        stderr(&out)
    );
    let missing = policy_test(dir.path(), &["no/such/pack.yml"]);
    assert_eq!(code(&missing), 2);
    assert!(stderr(&missing).contains("no/such/pack.yml"));
}

#[test]
fn without_arguments_every_configured_pack_is_tested() {
    let dir = common::project();
    common::write(
        dir.path(),
        ".aiclear/policies/northlight.yml",
        example_text(),
    );
    common::write(
        dir.path(),
        ".aiclear/config.yml",
        "policy: [netflix-2025-08, northlight]\n",
    );
    let out = policy_test(dir.path(), &["--today", "2026-04-01"]);
    let text = stdout(&out);
    assert_eq!(code(&out), 0, "{text}\nstderr: {}", stderr(&out));
    assert!(text.contains("pack netflix-2025-08 "), "{text}");
    assert!(
        text.contains("pack northlight-2026 (.aiclear/policies/northlight.yml)"),
        "{text}"
    );
    assert!(
        text.contains("ok   GA201 key-creative-element (2 fixtures)"),
        "{text}"
    );
    // By its name, the same pack.
    let by_name = policy_test(dir.path(), &["northlight", "--today", "2026-04-01"]);
    assert_eq!(code(&by_name), 0, "{}", stdout(&by_name));
    assert!(stdout(&by_name).ends_with("3 rules, 8 fixtures: all passed\n"));
}

#[test]
fn a_pinned_pack_is_tested_when_its_digest_matches() {
    let shared = tempfile::tempdir().unwrap();
    let text = example_text();
    common::write(shared.path(), "northlight.yml", &text);
    let pack = shared.path().join("northlight.yml");
    let dir = common::project();
    let config = |sha: &str| {
        format!(
            "policy:\n  - netflix-2025-08\n  - {{ path: \"{}\", sha256: \"{sha}\" }}\n",
            pack.display()
        )
    };
    let digest = aiclear::digest::sha256_hex(text.as_bytes());
    common::write(dir.path(), ".aiclear/config.yml", config(&digest));
    let out = policy_test(dir.path(), &["--today", "2026-04-01"]);
    let stdout_text = stdout(&out);
    assert_eq!(code(&out), 0, "{stdout_text}\nstderr: {}", stderr(&out));
    assert!(
        stdout_text.contains(&format!("pack northlight-2026 ({})", pack.display())),
        "{stdout_text}"
    );
    // Another digest: a configuration error, and nothing is tested.
    common::write(dir.path(), ".aiclear/config.yml", config(&"0".repeat(64)));
    let out = policy_test(dir.path(), &[]);
    assert_eq!(code(&out), 2, "{}", stdout(&out));
    assert!(stderr(&out).contains(&digest), "{}", stderr(&out));
    assert!(stdout(&out).is_empty(), "{}", stdout(&out));
}

#[test]
fn a_configuration_with_errors_exits_2() {
    let dir = common::project();
    common::write(
        dir.path(),
        ".aiclear/config.yml",
        "policy: [netflx-2025-08]\n",
    );
    let out = policy_test(dir.path(), &[]);
    assert_eq!(code(&out), 2, "{}", stdout(&out));
    let err = stderr(&out);
    assert!(
        err.contains("unknown policy pack `netflx-2025-08`"),
        "{err}"
    );
    assert!(err.contains(".aiclear/config.yml:1:10"), "{err}");
}

/// The built-in packs and their rule counts, as README's "Policy packs"
/// table lists them.
fn readme_packs() -> Vec<(String, usize)> {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let section = readme
        .split("\n## Policy packs\n")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .expect("README has a `## Policy packs` section");
    section
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split('|').map(str::trim).collect();
            let id = cells[0].trim_matches('`').to_owned();
            let count = cells[cells.len() - 1]
                .parse()
                .unwrap_or_else(|_| panic!("README gives no rule count for `{id}`"));
            (id, count)
        })
        .collect()
}

#[test]
fn every_built_in_pack_passes_its_tests() {
    let dir = common::project();
    let packs = readme_packs();
    let ids: Vec<&str> = packs.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "netflix-2025-08",
            "sag-aftra-2023",
            "sag-aftra-2026",
            "wga-mba-2023",
            "eu-ai-act-art50",
            "apa-2024",
        ]
    );
    for (id, count) in &packs {
        let out = policy_test(dir.path(), &[id, "--format", "json"]);
        assert_eq!(
            code(&out),
            0,
            "{id}:\n{}\nstderr: {}",
            stdout(&out),
            stderr(&out)
        );
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(json["failed"], 0, "{id}: {json}");
        assert_eq!(
            json["rules"].as_u64(),
            Some(*count as u64),
            "README says `{id}` has {count} rules"
        );
        // Every rule is tested both ways: at least one fixture that fires
        // it and one that does not, and no coverage warning.
        for rule in json["packs"][0]["rules"].as_array().unwrap() {
            assert!(rule["fixtures"].as_u64() >= Some(2), "{id}: {rule}");
            assert_eq!(rule["warnings"], serde_json::json!([]), "{id}: {rule}");
        }
    }
}

#[test]
fn the_policies_page_shows_the_example_pack_as_it_is() {
    let page =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/policies.md"))
            .unwrap();
    let block = format!("```yaml\n{}```\n", example_text());
    assert!(
        page.contains(&block),
        "docs/policies.md does not hold examples/studio-pack/northlight.yml as it is"
    );
}
