//! The examples for other forges (`examples/ci/`) pass the schemas their
//! forge is checked with: GitLab CI and Bitbucket Pipelines by the
//! schemastore schemas that check-jsonschema ships, the organisation ruleset
//! by the request body of `POST /orgs/{org}/rulesets` as GitHub's OpenAPI
//! description defines it (`tests/fixtures/rulesets/`). Each validator is
//! also shown to reject a broken copy, and the Bitbucket step is run against
//! a real pull request.

use super::lint::lint;
use super::*;

const GITLAB: &str = "examples/ci/gitlab-ci.yml";
const BITBUCKET: &str = "examples/ci/bitbucket-pipelines.yml";
const RULESET: &str = "examples/ci/github-ruleset.json";
const REQUIRED_WORKFLOW: &str = "examples/ci/aiclear.yml";
const RULESET_SCHEMA: &str = "tests/fixtures/rulesets/create-org-ruleset.schema.json";

fn check_jsonschema() -> PathBuf {
    python_tool("check-jsonschema==0.39.0", "check-jsonschema")
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(crate_dir().join(rel)).unwrap()
}

fn yaml(rel: &str) -> Value {
    serde_saphyr::from_str(&read(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Validates `file` with check-jsonschema and `args`; returns whether it
/// passed and what it printed.
fn validate(args: &[&str], file: &Path) -> (bool, String) {
    let out = Command::new(check_jsonschema())
        .current_dir(crate_dir())
        .args(args)
        .arg(file)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// `rel` passes the schema; a copy with `from` replaced by `to` does not,
/// and the error names `expected`.
fn passes_and_the_schema_bites(args: &[&str], rel: &str, from: &str, to: &str, expected: &str) {
    let (ok, text) = validate(args, &crate_dir().join(rel));
    assert!(ok, "{rel}:\n{text}");
    let text_of = read(rel);
    assert!(text_of.contains(from), "{rel} has no {from:?}");
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join(Path::new(rel).file_name().unwrap());
    std::fs::write(&broken, text_of.replacen(from, to, 1)).unwrap();
    let (ok, text) = validate(args, &broken);
    assert!(!ok && text.contains(expected), "{to:?} passed:\n{text}");
}

#[test]
fn the_gitlab_job_matches_the_gitlab_ci_schema() {
    passes_and_the_schema_bites(
        &["--builtin-schema", "vendor.gitlab-ci"],
        GITLAB,
        "codequality:",
        "code-quality:",
        "code-quality",
    );
    let job = &yaml(GITLAB)["aiclear"];
    let script = job["script"][0].as_str().unwrap();
    assert_eq!(
        script,
        "aiclear check --base \"$CI_MERGE_REQUEST_DIFF_BASE_SHA\" --format gitlab \
         --output gl-code-quality-report.json"
    );
    assert_eq!(
        job["artifacts"]["reports"]["codequality"],
        "gl-code-quality-report.json"
    );
    // A report of a failing check is still uploaded.
    assert_eq!(job["artifacts"]["when"], "always");
    assert_eq!(job["variables"]["GIT_DEPTH"], "0");
    assert_eq!(
        job["rules"][0]["if"],
        "$CI_PIPELINE_SOURCE == \"merge_request_event\""
    );
}

/// The job's `before_script` and `script`, run as GitLab's runner runs
/// them (one shell, stopping at the first failure) in a full clone of a
/// merge request's branch, with aiclear on PATH as the cache gives it: the
/// check fails on the unapproved signage and leaves the Code Quality report
/// the artifact names, with what GitLab reads in it.
#[test]
fn the_gitlab_job_writes_the_code_quality_report_of_a_merge_request() {
    let o = origin();
    let clone = o.full_clone(&o.feature);
    let job = &yaml(GITLAB)["aiclear"];
    let lines: Vec<&str> = ["before_script", "script"]
        .iter()
        .flat_map(|k| job[*k].as_array().unwrap())
        .map(|l| l.as_str().unwrap())
        .collect();
    let bin_dir = common::bin().parent().unwrap().to_path_buf();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = Command::new("sh");
    cmd.args(["-ec", &lines.join("\n")])
        .current_dir(clone.path());
    common::isolation::isolate(&mut cmd)
        .env("PATH", &path)
        .env("NO_COLOR", "1")
        .env("CI_PROJECT_DIR", clone.path())
        .env("CI_MERGE_REQUEST_DIFF_BASE_SHA", &o.c1);
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let artifact = job["artifacts"]["reports"]["codequality"].as_str().unwrap();
    let report = std::fs::read_to_string(clone.path().join(artifact)).unwrap();
    let issues: Value = serde_json::from_str(&report).unwrap();
    let issues = issues.as_array().expect("an array");
    assert!(!issues.is_empty());
    let mut fingerprints = std::collections::BTreeSet::new();
    for issue in issues {
        for key in ["description", "check_name", "fingerprint"] {
            assert!(
                issue[key].as_str().is_some_and(|s| !s.is_empty()),
                "{issue}"
            );
        }
        assert!(
            ["info", "minor", "major", "critical", "blocker"]
                .contains(&issue["severity"].as_str().unwrap()),
            "{issue}"
        );
        let file = issue["location"]["path"].as_str().unwrap();
        assert!(clone.path().join(file).is_file(), "{issue}");
        assert!(issue["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
        assert!(fingerprints.insert(issue["fingerprint"].as_str().unwrap().to_owned()));
    }
    assert!(
        issues
            .iter()
            .any(|i| i["check_name"].as_str().unwrap().starts_with("GA205")
                && i["location"]["path"] == "scripts/ep1.fountain"
                && i["severity"] == "major"),
        "{report}"
    );
}

#[test]
fn the_bitbucket_step_matches_the_bitbucket_pipelines_schema() {
    passes_and_the_schema_bites(
        &["--builtin-schema", "vendor.bitbucket-pipelines"],
        BITBUCKET,
        "depth: full",
        "depth: whole",
        "depth",
    );
    let pipelines = yaml(BITBUCKET);
    assert_eq!(pipelines["clone"]["depth"], "full");
    let script = bitbucket_script(&pipelines);
    assert!(
        script
            .iter()
            .any(|l| l == "aiclear check --base \"origin/$BITBUCKET_PR_DESTINATION_BRANCH\""),
        "{script:?}"
    );
}

fn bitbucket_script(pipelines: &Value) -> Vec<String> {
    pipelines["pipelines"]["pull-requests"]["**"][0]["step"]["script"]
        .as_array()
        .expect("a pull-request step with a script")
        .iter()
        .map(|l| l.as_str().unwrap().to_owned())
        .collect()
}

/// The step's script, line by line as Bitbucket runs it, in a full clone of
/// a pull request's branch: the install is skipped (aiclear is on PATH, as
/// the cache gives it), the destination branch is fetched, and the check
/// fails on the pull request's unapproved signage.
#[test]
fn the_bitbucket_step_checks_a_pull_request() {
    let o = origin();
    let clone = o.full_clone(&o.feature);
    // Bitbucket's clone knows only the branch it built.
    let git = |args: &[&str]| {
        let out = common::isolation::git(clone.path())
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}");
    };
    git(&["branch", "-r", "-D", "origin/main"]);
    let bin_dir = common::bin().parent().unwrap().to_path_buf();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut last = None;
    for line in bitbucket_script(&yaml(BITBUCKET)) {
        let mut cmd = Command::new("sh");
        cmd.args(["-ec", &line]).current_dir(clone.path());
        common::isolation::isolate(&mut cmd)
            .env("PATH", &path)
            .env("NO_COLOR", "1")
            .env("BITBUCKET_PR_DESTINATION_BRANCH", "main");
        last = Some((line, cmd.output().unwrap()));
        let (line, out) = last.as_ref().unwrap();
        if !line.starts_with("aiclear check") {
            assert!(out.status.success(), "{line}: {out:?}");
        }
    }
    let (line, out) = last.expect("a script");
    assert!(line.starts_with("aiclear check"), "{line}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{out:?}");
    assert!(stdout.contains("GA205"), "{stdout}");
    assert!(stdout.contains("scripts/ep1.fountain"), "{stdout}");
}

#[test]
fn the_ruleset_matches_githubs_request_body() {
    let cj = check_jsonschema();
    // The schema is a schema, and the example passes it.
    lint(
        Command::new(&cj)
            .current_dir(crate_dir())
            .args(["--check-metaschema", RULESET_SCHEMA]),
    );
    let schema = ["--schemafile", RULESET_SCHEMA];
    passes_and_the_schema_bites(
        &schema,
        RULESET,
        "\"alerts_threshold\": \"errors\"",
        "\"alerts_threshold\": \"error\"",
        "alerts_threshold",
    );
    passes_and_the_schema_bites(
        &schema,
        RULESET,
        "\"repository_id\": 123456789",
        "\"repository_id\": \"aiclear\"",
        "repository_id",
    );
    passes_and_the_schema_bites(
        &schema,
        RULESET,
        "\"property_values\"",
        "\"values\"",
        "'values' was unexpected",
    );
}

/// What GitHub's docs require of each part, named one by one, and the
/// pieces that must agree: the workflow the ruleset requires is the example
/// one, and the tool it requires results from is the one aiclear's SARIF
/// names.
#[test]
fn the_ruleset_requires_the_workflow_and_aiclears_results() {
    let ruleset: Value = serde_json::from_str(&read(RULESET)).unwrap();
    assert!(ruleset["name"].is_string());
    assert_eq!(ruleset["enforcement"], "active");
    assert_eq!(ruleset["target"], "branch");
    let conditions = &ruleset["conditions"];
    assert!(conditions["ref_name"]["include"].is_array());
    assert_eq!(
        conditions["repository_property"]["include"][0],
        serde_json::json!({"name": "production", "source": "custom", "property_values": ["true"]})
    );
    let rules = ruleset["rules"].as_array().unwrap();
    let rule = |kind: &str| {
        rules
            .iter()
            .find(|r| r["type"] == kind)
            .unwrap_or_else(|| panic!("no {kind} rule"))
    };

    let [workflow] = &rule("workflows")["parameters"]["workflows"]
        .as_array()
        .unwrap()[..]
    else {
        panic!("one required workflow");
    };
    assert_eq!(workflow["path"], ".github/workflows/aiclear.yml");
    assert!(workflow["repository_id"].is_u64());
    let required = yaml(REQUIRED_WORKFLOW);
    let triggers = required["on"].as_object().unwrap();
    assert!(triggers.contains_key("pull_request") && triggers.contains_key("merge_group"));
    let steps = required["jobs"]["aiclear"]["steps"].as_array().unwrap();
    let upload = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("github/codeql-action/upload-sarif@"))
        })
        .expect("the workflow uploads the SARIF");
    assert_eq!(upload["with"]["category"], "aiclear");
    assert!(steps.iter().any(|s| {
        s["uses"]
            .as_str()
            .is_some_and(|u| u.starts_with("aiclear/aiclear@"))
    }));

    let [tool] = &rule("code_scanning")["parameters"]["code_scanning_tools"]
        .as_array()
        .unwrap()[..]
    else {
        panic!("one code scanning tool");
    };
    assert_eq!(tool["alerts_threshold"], "errors");
    // aiclear's results carry no security severity.
    assert_eq!(tool["security_alerts_threshold"], "none");
    let dir = tempfile::tempdir().unwrap();
    let out = common::run(dir.path(), &["check", "--format", "sarif"]);
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(tool["tool"], sarif["runs"][0]["tool"]["driver"]["name"]);
    assert_eq!(sarif["runs"][0]["automationDetails"]["id"], "aiclear/");
}
