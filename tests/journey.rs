//! The approval workflow end to end, as a production lives it: a writer's
//! clone and an approver's clone share a bare remote, both with the hooks
//! that `aiclear hook install` writes, and every step is a real `git
//! commit`, `git push` or `git fetch`. CI is `aiclear check --base
//! origin/main`, run as the workflow runs it. Every command an approver runs
//! is the one aiclear printed, run as written.

mod common;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const WRITER: (&str, &str) = ("Dana Ruiz", "dana.ruiz@lastsignal.example.com");
const APPROVER: (&str, &str) = ("Mei Chen", "mei.chen@netflix.example.com");

const CONFIG: &str = "\
approvers:
  - email: mei.chen@netflix.example.com
    name: Mei Chen
";

/// A final main-character design: GA201 and GA203 both need approval.
const SCRIPT: &str = "\
Title: THE LAST SIGNAL
Credit: written by
Author: Dana Ruiz

/*
---
genai:
  disclosed: { to: \"M. Chen, Netflix creative production\", on: 2025-09-02 }
  uses:
    - id: aria-design
      stage: final
      output: image
      elements: [main-character]
      tools: [{ name: \"Imagen 4\", enterprise: true, trains-on-inputs: false }]
      human-input: \"character designer repainted every frame\"
---
*/

INT. RELAY STATION - NIGHT
";

const REQUEST: &str = "      approval-requested: 2025-09-10\n";

/// The script with the use asking for approval.
fn requested() -> String {
    SCRIPT.replace(
        "repainted every frame\"\n",
        &format!("repainted every frame\"\n{REQUEST}"),
    )
}

/// A bare remote, and one clone per person, each with its own HOME and
/// with no git configuration but its own.
struct Team {
    _root: tempfile::TempDir,
    root: PathBuf,
    path: OsString,
}

impl Team {
    /// The remote with the production's configuration on `main`, pushed
    /// by the approver, and both clones with the hooks installed.
    fn new() -> Team {
        let root = tempfile::tempdir().unwrap();
        let bin = common::bin();
        let mut dirs = vec![bin.parent().unwrap().to_path_buf()];
        let path = std::env::var_os("PATH").unwrap_or_default();
        dirs.extend(std::env::split_paths(&path).filter(|d| !d.join("aiclear").exists()));
        let team = Team {
            root: root.path().to_path_buf(),
            _root: root,
            path: std::env::join_paths(dirs).unwrap(),
        };
        std::fs::create_dir_all(team.root.join("home")).unwrap();
        team.git_ok(
            &team.root,
            &["init", "-q", "--bare", "-b", "main", "origin.git"],
        );
        for (dir, who) in [("approver", APPROVER), ("writer", WRITER)] {
            team.git_ok(&team.root, &["clone", "-q", "origin.git", dir]);
            let clone = team.root.join(dir);
            team.git_ok(&clone, &["config", "user.name", who.0]);
            team.git_ok(&clone, &["config", "user.email", who.1]);
            team.git_ok(&clone, &["config", "commit.gpgsign", "false"]);
            let out = team.aiclear(&clone, &["hook", "install"]);
            assert!(out.status.success(), "{}", text(&out));
            if dir == "approver" {
                common::write(&clone, ".aiclear/config.yml", CONFIG);
                team.commit(&clone, "production config");
                team.git_ok(&clone, &["push", "-q", "origin", "main"]);
            } else {
                team.git_ok(&clone, &["pull", "-q", "origin", "main"]);
            }
        }
        team
    }

    fn writer(&self) -> PathBuf {
        self.root.join("writer")
    }

    fn approver(&self) -> PathBuf {
        self.root.join("approver")
    }

    fn command(&self, program: impl AsRef<std::ffi::OsStr>, dir: &Path) -> Command {
        let home = self.root.join("home");
        let mut c = Command::new(program);
        common::isolation::isolate_in(&mut c, &home)
            .current_dir(dir)
            .env("PATH", &self.path)
            .env("NO_COLOR", "1")
            // Where cargo installs: `aiclear hook` would look for another copy there.
            .env_remove("CARGO_HOME")
            .stdin(Stdio::null());
        c
    }

    fn git(&self, dir: &Path, args: &[&str]) -> Output {
        self.command("git", dir).args(args).output().unwrap()
    }

    fn git_ok(&self, dir: &Path, args: &[&str]) -> String {
        let out = self.git(dir, args);
        assert!(out.status.success(), "git {args:?}: {}", text(&out));
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    /// `aiclear` as a person types it: found on PATH.
    fn aiclear(&self, dir: &Path, args: &[&str]) -> Output {
        self.command("aiclear", dir).args(args).output().unwrap()
    }

    /// `git add -A` and `git commit`, through the hooks; the output.
    fn try_commit(&self, dir: &Path, message: &str) -> Output {
        self.git_ok(dir, &["add", "-A"]);
        self.git(dir, &["commit", "-m", message])
    }

    fn commit(&self, dir: &Path, message: &str) -> String {
        let out = self.try_commit(dir, message);
        assert!(out.status.success(), "commit {message:?}: {}", text(&out));
        text(&out)
    }

    fn head(&self, dir: &Path) -> String {
        self.git_ok(dir, &["rev-parse", "HEAD"])
    }

    /// What CI runs on the pull request: a range check of the branch
    /// against `origin/main`, in a clone that has fetched it, with the job
    /// summary; the report, the exit code and the summary.
    fn ci(&self, dir: &Path, branch: &str) -> (Value, i32, String) {
        self.git_ok(dir, &["fetch", "-q", "origin"]);
        let summary = self.root.join("summary.md");
        let _ = std::fs::remove_file(&summary);
        let head = format!("origin/{branch}");
        let out = self.aiclear(
            dir,
            &[
                "check",
                "--base",
                "origin/main",
                "--head",
                &head,
                "--format",
                "json",
                "--summary",
                summary.to_str().unwrap(),
            ],
        );
        let report: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(&out)));
        let summary = std::fs::read_to_string(&summary).unwrap_or_default();
        (report, out.status.code().unwrap_or(-1), summary)
    }

    /// Run a command exactly as aiclear printed it, with the studio's
    /// reference for its `ID` placeholder.
    fn run_printed(&self, dir: &Path, command: &str, id: &str) -> Output {
        let words: Vec<&str> = command
            .split_whitespace()
            .map(|w| if w == "ID" { id } else { w })
            .collect();
        assert_eq!(words[0], "aiclear", "{command}");
        assert!(
            words.iter().all(|w| !w.contains('\'')),
            "quoted words: {command}"
        );
        self.aiclear(dir, &words[1..])
    }

    fn register(&self, dir: &Path) -> Value {
        let out = self.aiclear(dir, &["report", "--format", "json"]);
        assert!(out.status.success(), "{}", text(&out));
        serde_json::from_slice(&out.stdout).unwrap()
    }
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn diagnostics(report: &Value) -> Vec<&Value> {
    report["diagnostics"].as_array().unwrap().iter().collect()
}

fn with_code<'a>(report: &'a Value, code: &str) -> Vec<&'a Value> {
    diagnostics(report)
        .into_iter()
        .filter(|d| d["code"] == code)
        .collect()
}

/// The command in backticks at the end of a help line.
fn printed_command(help: &str) -> String {
    let start = help.rfind("`aiclear ").expect(help) + 1;
    let end = start + help[start..].find('`').expect(help);
    help[start..end].to_owned()
}

fn the_use<'a>(register: &'a Value, id: &str) -> &'a Value {
    register["uses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == id)
        .unwrap_or_else(|| panic!("no use {id}: {register:#}"))
}

#[test]
fn a_request_is_committed_refused_by_ci_granted_with_one_command_and_renewed() {
    let team = Team::new();
    let (writer, approver) = (team.writer(), team.approver());
    team.git_ok(&writer, &["switch", "-q", "-c", "ep102"]);

    // A use that needs approval and has not asked for it: the hook blocks
    // the commit, and says how to ask.
    common::write(&writer, "scripts/ep102.fountain", SCRIPT);
    let before = team.head(&writer);
    let out = team.try_commit(&writer, "ep102 draft");
    assert!(!out.status.success(), "{}", text(&out));
    assert_eq!(team.head(&writer), before);
    let said = text(&out);
    assert!(
        said.contains("error[GA201]") && said.contains("error[GA203]"),
        "{said}"
    );
    assert!(said.contains("add `approval-requested: "), "{said}");

    // With the request, the hook lets it through with warnings that name
    // the request and who may grant it.
    common::write(&writer, "scripts/ep102.fountain", requested());
    let said = team.commit(&writer, "ep102 draft, approval requested");
    assert!(
        said.contains("warning[GA201]") && said.contains("warning[GA203]"),
        "{said}"
    );
    assert!(!said.contains("error["), "{said}");
    assert!(said.contains("approval requested on 2025-09-10"), "{said}");
    assert!(
        said.contains("who may grant it: mei.chen@netflix.example.com"),
        "{said}"
    );
    team.git_ok(&writer, &["push", "-q", "origin", "ep102"]);

    let command = ci_refuses_until_granted(&team, &writer);

    // The approver fetches the pull request's branch and runs the command.
    team.git_ok(&approver, &["fetch", "-q", "origin"]);
    team.git_ok(&approver, &["switch", "-q", "ep102"]);
    let out = team.run_printed(&approver, &command, "NFX-2025-0142");
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("(GA201, GA203)"), "{}", text(&out));
    // Before it is committed the approval is pending in the register.
    let register = team.register(&approver);
    let aria = the_use(&register, "aria-design");
    assert_eq!(aria["approvals"][0]["id"], "NFX-2025-0142");
    assert_eq!(aria["approvals"][0]["state"], "pending", "{aria:#}");
    assert_eq!(aria["awaiting_approval"], false, "{aria:#}");
    team.commit(&approver, "approve ARIA's final design (NFX-2025-0142)");
    team.git_ok(&approver, &["push", "-q", "origin", "ep102"]);

    // CI passes.
    let (report, code, summary) = team.ci(&writer, "ep102");
    assert_eq!((code, diagnostics(&report).len()), (0, 0), "{report:#}");
    assert!(!summary.contains("Open approval requests"), "{summary}");
    team.git_ok(&writer, &["pull", "-q", "origin", "ep102"]);
    let register = team.register(&writer);
    let aria = the_use(&register, "aria-design");
    assert_eq!(aria["approvals"][0]["state"], "valid", "{aria:#}");
    assert_eq!(aria["status"], "clear", "{aria:#}");

    a_changed_use_is_renewed_with_the_printed_command(&team, &writer, &approver);
}

/// CI refuses a requested use until it is granted: errors with a note naming
/// the request, and one command for both rules, which the job summary and
/// the register show too. That command.
fn ci_refuses_until_granted(team: &Team, writer: &Path) -> String {
    let (report, code, summary) = team.ci(writer, "ep102");
    assert_eq!(code, 1, "{report:#}");
    let needing: Vec<&Value> = diagnostics(&report)
        .into_iter()
        .filter(|d| d["code"] == "GA201" || d["code"] == "GA203")
        .collect();
    assert_eq!(needing.len(), 2, "{report:#}");
    let command = printed_command(needing[0]["help"].as_str().unwrap());
    assert_eq!(
        command,
        "aiclear approve --id ID --path scripts/ep102.fountain --use aria-design --rule GA201 --rule GA203"
    );
    for d in &needing {
        assert_eq!(d["severity"], "error");
        assert_eq!(printed_command(d["help"].as_str().unwrap()), command);
        assert!(
            d["notes"]
                .to_string()
                .contains("approval requested on 2025-09-10"),
            "{d:#}"
        );
    }
    // The job summary lists the open request with that command.
    assert!(summary.contains("### Open approval requests"), "{summary}");
    assert!(summary.contains(&format!("`{command}`")), "{summary}");
    assert!(
        summary.contains("| `aria-design` | 2025-09-10 |"),
        "{summary}"
    );

    // The register shows the use as awaiting approval.
    let register = team.register(writer);
    let aria = the_use(&register, "aria-design");
    assert_eq!(aria["awaiting_approval"], true, "{aria:#}");
    assert_eq!(aria["approval_requested"], "2025-09-10");
    command
}

/// The writer changes what people did: the hook lets it through (the
/// request is still there), CI names the field that changed, and the
/// approver renews with the command it prints.
fn a_changed_use_is_renewed_with_the_printed_command(team: &Team, writer: &Path, approver: &Path) {
    let edited = requested().replace("repainted every frame", "touched up the hands");
    common::write(writer, "scripts/ep102.fountain", &edited);
    let said = team.commit(writer, "ep102: the hands");
    assert!(said.contains("warning[GA504]"), "{said}");
    team.git_ok(writer, &["push", "-q", "origin", "ep102"]);
    let (report, code, _) = team.ci(writer, "ep102");
    assert_eq!(code, 1, "{report:#}");
    let stale = with_code(&report, "GA504");
    assert_eq!(stale.len(), 1, "{report:#}");
    assert_eq!(
        stale[0]["message"],
        "use `aria-design` changed after approval `NFX-2025-0142` was granted: `human-input` changed"
    );
    assert!(
        stale[0]["notes"].to_string().contains(
            "`human-input` was `\\\"character designer repainted every frame\\\"` when `NFX-2025-0142` was granted"
        ),
        "{:#}",
        stale[0]
    );
    let renew = printed_command(stale[0]["help"].as_str().unwrap());
    assert_eq!(renew, "aiclear approve --renew NFX-2025-0142");
    // Every finding the stale approval held up names the same command.
    for d in diagnostics(&report) {
        assert_eq!(printed_command(d["help"].as_str().unwrap()), renew, "{d:#}");
    }

    // The approver runs it as printed, commits and pushes: CI passes.
    team.git_ok(approver, &["pull", "-q", "origin", "ep102"]);
    let out = team.run_printed(approver, &renew, "unused");
    assert!(out.status.success(), "{}", text(&out));
    team.commit(approver, "renew NFX-2025-0142 for the hands");
    team.git_ok(approver, &["push", "-q", "origin", "ep102"]);
    let (report, code, _) = team.ci(writer, "ep102");
    assert_eq!((code, diagnostics(&report).len()), (0, 0), "{report:#}");
}

#[test]
fn only_an_approver_grants_and_an_approver_added_in_the_change_waits_for_the_merge() {
    let team = Team::new();
    let writer = team.writer();
    team.git_ok(&writer, &["switch", "-q", "-c", "ep103"]);
    common::write(&writer, "scripts/ep103.fountain", requested());
    team.commit(&writer, "ep103, approval requested");

    // The writer runs the printed command: refused, with why.
    let command = "aiclear approve --id ID --path scripts/ep103.fountain --use aria-design --rule GA201 --rule GA203";
    let out = team.run_printed(&writer, command, "NFX-2025-0150");
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let said = text(&out);
    assert!(
        said.contains("dana.ruiz@lastsignal.example.com is not an approver in the committed `.aiclear/config.yml`"),
        "{said}"
    );
    assert!(said.contains("mei.chen@netflix.example.com"), "{said}");
    assert!(!writer.join(".aiclear/approvals.yml").exists());

    // The change makes the writer an approver: that takes effect after it
    // is merged, and CI says so rather than "ask an approver".
    let config = format!("{CONFIG}  - email: {}\n", WRITER.1);
    common::write(&writer, ".aiclear/config.yml", &config);
    team.commit(&writer, "add myself as an approver");
    let out = team.run_printed(&writer, command, "NFX-2025-0150");
    assert!(out.status.success(), "{}", text(&out));
    team.commit(&writer, "approve it myself");
    team.git_ok(&writer, &["push", "-q", "origin", "ep103"]);
    let (report, code, _) = team.ci(&writer, "ep103");
    assert_eq!(code, 1, "{report:#}");
    let refused = with_code(&report, "GA601");
    assert_eq!(refused.len(), 1, "{report:#}");
    let d = refused[0];
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("who is an approver only in this change's `.aiclear/config.yml`"),
        "{d:#}"
    );
    assert!(
        d["notes"]
            .to_string()
            .contains("takes effect after it is merged"),
        "{d:#}"
    );
    assert!(
        !d["help"].as_str().unwrap().contains("ask an approver"),
        "{d:#}"
    );
}

#[test]
fn force_writes_with_a_loud_warning_and_an_empty_flow_ledger_takes_entries() {
    let team = Team::new();
    let (writer, approver) = (team.writer(), team.approver());
    // A ledger written as `[]`, committed by the approver.
    common::write(&approver, ".aiclear/approvals.yml", "# approvals\n[]\n");
    team.commit(&approver, "empty ledger");
    team.git_ok(&approver, &["push", "-q", "origin", "main"]);
    team.git_ok(&writer, &["pull", "-q", "origin", "main"]);
    common::write(&writer, "scripts/ep104.fountain", requested());
    team.commit(&writer, "ep104");

    let command = "aiclear approve --id NFX-2025-0160 --path scripts/ep104.fountain --use aria-design --rule GA201 --rule GA203 --force";
    let out = team.run_printed(&writer, command, "unused");
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("warning: --force: writing the approval although"),
        "{}",
        text(&out)
    );
    let ledger = std::fs::read_to_string(writer.join(".aiclear/approvals.yml")).unwrap();
    assert!(
        ledger.starts_with("# approvals\n- id: NFX-2025-0160\n"),
        "{ledger}"
    );
}

#[test]
fn an_approval_near_its_last_day_is_a_warning_in_ci_and_the_register() {
    let team = Team::new();
    let (writer, approver) = (team.writer(), team.approver());
    team.git_ok(&writer, &["switch", "-q", "-c", "ep105"]);
    common::write(&writer, "scripts/ep105.fountain", requested());
    team.commit(&writer, "ep105");
    team.git_ok(&writer, &["push", "-q", "origin", "ep105"]);
    team.git_ok(&approver, &["fetch", "-q", "origin"]);
    team.git_ok(&approver, &["switch", "-q", "ep105"]);
    let today = jiff::ZonedDateTime::now().date();
    let soon = today
        .checked_add(jiff::Span::new().days(10))
        .unwrap()
        .to_string();
    let out = team.aiclear(
        &approver,
        &[
            "approve",
            "--id",
            "NFX-2025-0170",
            "--path",
            "scripts/ep105.fountain",
            "--use",
            "aria-design",
            "--expires",
            &soon,
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    team.commit(&approver, "approve until soon");
    team.git_ok(&approver, &["push", "-q", "origin", "ep105"]);

    let (report, code, _) = team.ci(&writer, "ep105");
    assert_eq!(code, 0, "{report:#}");
    let expiring = with_code(&report, "GA503");
    assert_eq!(expiring.len(), 1, "{report:#}");
    assert_eq!(expiring[0]["severity"], "warning");
    assert_eq!(
        expiring[0]["message"],
        format!("approval `NFX-2025-0170` expires on {soon}, in 10 days")
    );
    assert!(
        expiring[0]["help"]
            .as_str()
            .unwrap()
            .contains("`aiclear approve --renew NFX-2025-0170 --expires YYYY-MM-DD`")
    );
    team.git_ok(&writer, &["pull", "-q", "origin", "ep105"]);
    let register = team.register(&writer);
    let u = the_use(&register, "aria-design");
    assert_eq!(u["status"], "warnings", "{u:#}");
    assert!(u["findings"].to_string().contains("expires on"), "{u:#}");
}
