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

#[path = "../common/mod.rs"]
mod common;
mod events;
mod forges;
mod lint;
mod scope;

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

/// The files of one step of a simulated run.
struct StepFiles<'a> {
    script: &'a Path,
    home: &'a Path,
    /// `PATH`: what earlier steps added, the binary under test, the system's.
    path: String,
    event: &'a Path,
    output: &'a Path,
    added_path: &'a Path,
    summary: &'a Path,
    temp: &'a Path,
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
            let mut cmd = self.step_command(&StepFiles {
                script: &script_path,
                home: &home,
                path: path.join(":"),
                event: &event_path,
                output: &output_file,
                added_path: &path_file,
                summary: &summary_file,
                temp,
            });
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

    /// bash running a step's script with the environment the runner gives it.
    fn step_command(&self, f: &StepFiles) -> Command {
        let mut cmd = Command::new("bash");
        cmd.args(["--noprofile", "--norc", "-eo", "pipefail"])
            .arg(f.script)
            .current_dir(&self.workspace)
            .env_clear();
        common::isolation::isolate_in(&mut cmd, f.home)
            .env("PATH", &f.path)
            .env("LANG", "C.UTF-8")
            .env("CI", "true")
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_EVENT_NAME", &self.event_name)
            .env("GITHUB_EVENT_PATH", f.event)
            .env("GITHUB_ACTION_PATH", crate_dir())
            .env("GITHUB_WORKSPACE", &self.workspace)
            .env("GITHUB_OUTPUT", f.output)
            .env("GITHUB_PATH", f.added_path)
            .env("GITHUB_STEP_SUMMARY", f.summary)
            .env("GITHUB_SERVER_URL", "https://github.com")
            .env("GITHUB_REPOSITORY", "lastsignal/last-signal")
            .env("RUNNER_OS", "Linux")
            .env("RUNNER_ARCH", "X64")
            .env("RUNNER_TEMP", f.temp)
            .env("NO_COLOR", "1");
        cmd.envs(&self.env);
        cmd
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
