//! The CI formats checked by what reads them: the SARIF by the OASIS schema
//! and reviewdog's diagnostics by reviewdog's schema, through the real
//! `check-jsonschema`; JUnit XML by the XSD of Jenkins' xUnit plugin through
//! `xmllint`; GitLab Code Quality by the fields GitLab documents;
//! the `github` output line by line as the Actions runner reads it. Reports are built through the library, with
//! the real rule registry and hostile file names and values.

mod common;

use std::process::Command;

use aiclear::diagnostic::{ApprovalUse, Diagnostic, HistorySummary, Label, Report, Severity};
use aiclear::render::{self, Format, GithubOptions, RenderOptions};
use aiclear::source::Source;

fn diagnostic(code: Option<&str>, severity: Severity, path: &str, message: &str) -> Diagnostic {
    let rule = code.map(|c| aiclear::rules::find(c).expect("a registered rule"));
    Diagnostic {
        rule,
        severity,
        message: message.to_owned(),
        path: path.to_owned(),
        span: None,
        label: None,
        secondary: Vec::new(),
        notes: rule
            .map(|r| vec![r.guideline.to_owned()])
            .unwrap_or_default(),
        help: None,
    }
}

fn find(bytes: &[u8], needle: &str) -> std::ops::Range<usize> {
    let start = bytes
        .windows(needle.len())
        .position(|w| w == needle.as_bytes())
        .expect("needle in haystack");
    start..start + needle.len()
}

/// Findings of every severity, a configuration error, a multi-line span, a
/// character outside the BMP, and paths and values that try to be workflow
/// commands, URIs and Markdown.
fn hostile_report() -> Report {
    let mut report = Report {
        files_checked: 4,
        history: Some(HistorySummary {
            range: "1a2b3c4..5d6e7f8".into(),
            commits: 2,
            approvals_traced: 1,
            signatures_verified: 0,
        }),
        approvals: vec![ApprovalUse {
            id: "APP-1".into(),
            path: "shots/sh 010 #1.yaml".into(),
            use_id: Some("u1".into()),
            state: "expired".into(),
            granted_by: Some("::error::approver".into()),
            expires_on: Some("2025-01-31".into()),
        }],
        ..Report::default()
    };

    let path = "shots/sh 010 #1.yaml";
    let bytes = "genai:\n  - id: u1\n    element: main-character\n    tool: \"🎬 ::error::value\"\n    note: |\n      ::warning::x\n      y\n"
        .as_bytes()
        .to_vec();
    report
        .sources
        .insert(path.into(), Source::new(path, bytes.clone()));
    let mut d = diagnostic(
        Some("GA201"),
        Severity::Error,
        path,
        "main character generated with GenAI needs written approval",
    );
    d.span = Some(find(&bytes, "main-character"));
    d.label = Some("a key creative element".into());
    d.secondary.push(Label {
        span: find(&bytes, "u1"),
        message: "use `u1` declared here".into(),
    });
    d.help = Some("add an approval for `u1` to the ledger".into());
    report.diagnostics.push(d);
    let mut d = diagnostic(
        Some("GA101"),
        Severity::Warning,
        path,
        "tool `🎬 ::error::value` may train on inputs\n::error::second line",
    );
    d.span = Some(find(&bytes, "::error::value"));
    report.diagnostics.push(d);
    let mut d = diagnostic(Some("GA001"), Severity::Note, path, "a note | with pipes");
    let start = find(&bytes, "|\n").start;
    d.span = Some(start..bytes.len() - 1);
    report.diagnostics.push(d);

    let evil = "evil\n::error::pwned, x:y\r::add-mask::z.fountain";
    report.diagnostics.push(diagnostic(
        Some("GA001"),
        Severity::Warning,
        evil,
        "screenplay uses GenAI but has no declaration",
    ));
    report.diagnostics.push(diagnostic(
        None,
        Severity::Error,
        "aiclear.toml",
        "unknown key `::error::rulez`",
    ));
    report
}

/// More findings than GitHub takes in one run (25,000): the log keeps the
/// most important and says how many it left out.
fn crowded_report() -> Report {
    let mut report = Report::default();
    for i in 0..25_010 {
        let severity = if i < 10 {
            Severity::Note
        } else {
            Severity::Warning
        };
        report.diagnostics.push(diagnostic(
            Some("GA001"),
            severity,
            "scripts/ep101.fountain",
            &format!("finding {i}"),
        ));
    }
    report
}

#[test]
fn sarif_of_more_findings_than_a_run_takes() {
    let log: serde_json::Value =
        serde_json::from_str(&rendered(Format::Sarif, &crowded_report())).unwrap();
    let run = &log["runs"][0];
    assert_eq!(log["runs"].as_array().unwrap().len(), 1);
    assert_eq!(run["automationDetails"]["id"], "aiclear/");
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 25_000);
    assert!(results.iter().all(|r| r["level"] == "warning"));
    assert_eq!(results[0]["message"]["text"], "finding 10");
    let notices = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0]["level"], "warning");
    let text = notices[0]["message"]["text"].as_str().unwrap();
    assert!(
        text.starts_with("10 results left out of this log (10 notes)"),
        "{text}"
    );
}

fn rendered(format: Format, report: &Report) -> String {
    let mut out = Vec::new();
    render::render(format, report, false, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn sarif_validates_against_the_oasis_schema() {
    let schema = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/sarif/sarif-schema-2.1.0.json");
    let check = common::tools::python_tool("check-jsonschema", "check-jsonschema");
    let dir = tempfile::tempdir().unwrap();
    for (name, report) in [
        ("hostile.sarif", hostile_report()),
        ("empty.sarif", Report::default()),
        ("capped.sarif", crowded_report()),
    ] {
        let sarif = rendered(Format::Sarif, &report);
        let file = dir.path().join(name);
        std::fs::write(&file, &sarif).unwrap();
        let out = Command::new(&check)
            .arg("--schemafile")
            .arg(&schema)
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{name} is not valid SARIF 2.1.0:\n{}{}\n{sarif}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // And the validator does reject what is not SARIF.
    let file = dir.path().join("bad.sarif");
    std::fs::write(&file, r#"{"version": "2.1.0", "runs": [{"tool": {}}]}"#).unwrap();
    let out = Command::new(&check)
        .arg("--schemafile")
        .arg(&schema)
        .arg(&file)
        .output()
        .unwrap();
    assert!(!out.status.success());
}

/// `check-jsonschema --schemafile schema file…`: whether every file is valid,
/// and what the validator said.
fn check_jsonschema(schema: &std::path::Path, files: &[std::path::PathBuf]) -> (bool, String) {
    let check = common::tools::python_tool("check-jsonschema", "check-jsonschema");
    let out = Command::new(&check)
        .arg("--schemafile")
        .arg(schema)
        .args(files)
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), said)
}

fn reviewdog_schema(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/schemas/reviewdog")
        .join(name)
}

#[test]
fn rdjson_validates_against_reviewdogs_schema() {
    let dir = tempfile::tempdir().unwrap();
    let report = hostile_report();

    // `rdjsonl`: every line a `Diagnostic`.
    let lines = rendered(Format::Rdjsonl, &report);
    assert_eq!(lines.lines().count(), report.diagnostics.len());
    let files: Vec<_> = lines
        .lines()
        .enumerate()
        .map(|(i, line)| {
            let file = dir.path().join(format!("line{i}.json"));
            std::fs::write(&file, line).unwrap();
            file
        })
        .collect();
    let (valid, said) = check_jsonschema(&reviewdog_schema("Diagnostic.json"), &files);
    assert!(valid, "not reviewdog diagnostics:\n{said}\n{lines}");

    // `rdjson`: one `DiagnosticResult`, of the hostile and of an empty report.
    for (name, report) in [("hostile", &report), ("empty", &Report::default())] {
        let result = rendered(Format::Rdjson, report);
        let file = dir.path().join(format!("{name}.rdjson"));
        std::fs::write(&file, &result).unwrap();
        let (valid, said) = check_jsonschema(&reviewdog_schema("DiagnosticResult.json"), &[file]);
        assert!(valid, "{name} is not a reviewdog result:\n{said}\n{result}");
    }

    // The emoji is four bytes: `::error::value` starts at byte column 17 of
    // `    tool: "🎬 ::error::value"`, where it is at character column 14.
    let second: serde_json::Value = serde_json::from_str(lines.lines().nth(1).unwrap()).unwrap();
    assert_eq!(second["location"]["range"]["start"]["column"], 17);
    assert_eq!(second["location"]["path"], "shots/sh 010 #1.yaml");

    // And the validator does reject what reviewdog would not read.
    for (i, bad) in [
        r#"{"message": "m", "severity": "FATAL"}"#,
        r#"{"message": "m", "location": {"range": {"start": {"line": "4"}}}}"#,
    ]
    .iter()
    .enumerate()
    {
        let file = dir.path().join(format!("bad{i}.json"));
        std::fs::write(&file, bad).unwrap();
        let (valid, _) = check_jsonschema(&reviewdog_schema("Diagnostic.json"), &[file]);
        assert!(!valid, "{bad}");
    }
}

/// GitLab publishes no schema for Code Quality reports; what it documents it
/// reads: a JSON array of objects with a string `description`, `check_name`
/// and `fingerprint`, a `severity` of `info`, `minor`, `major`, `critical` or
/// `blocker`, and a `location` with a relative `path` and an integer
/// `lines.begin`. Fingerprints must be unique, or GitLab drops all but one.
#[test]
fn gitlab_report_has_what_gitlab_reads() {
    let mut report = hostile_report();
    report.root_prefix = "show/".into();
    let issues: serde_json::Value =
        serde_json::from_str(&rendered(Format::Gitlab, &report)).unwrap();
    let issues = issues.as_array().expect("an array");
    assert_eq!(issues.len(), report.diagnostics.len());
    let mut fingerprints = std::collections::BTreeSet::new();
    for issue in issues {
        for key in ["description", "check_name", "fingerprint"] {
            assert!(
                issue[key].as_str().is_some_and(|s| !s.is_empty()),
                "{key}: {issue}"
            );
        }
        assert!(
            ["info", "minor", "major", "critical", "blocker"]
                .contains(&issue["severity"].as_str().unwrap()),
            "{issue}"
        );
        let path = issue["location"]["path"].as_str().unwrap();
        assert!(path.starts_with("show/") && !path.contains("//"), "{path}");
        let begin = issue["location"]["lines"]["begin"].as_u64().unwrap();
        let end = issue["location"]["lines"]["end"].as_u64().unwrap();
        assert!(begin >= 1 && end >= begin, "{issue}");
        assert!(fingerprints.insert(issue["fingerprint"].as_str().unwrap().to_owned()));
    }
    // The multi-line span of the note covers its lines.
    assert_eq!(
        issues[2]["location"]["lines"],
        serde_json::json!({"begin": 5, "end": 7})
    );
    assert_eq!(issues[2]["severity"], "info");
}

/// `xmllint --schema junit-10.xsd file`: whether it is valid, and what
/// xmllint said.
fn xmllint_junit(file: &std::path::Path) -> (bool, String) {
    let xsd = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/schemas/junit/junit-10.xsd");
    let out = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&xsd)
        .arg(file)
        .output()
        .expect("xmllint (Debian's libxml2-utils) is needed for this test");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn junit_validates_against_the_jenkins_xsd() {
    let dir = tempfile::tempdir().unwrap();
    let mut report = hostile_report();
    report.checked = vec!["clean.fountain".into(), "shots/sh 010 #1.yaml".into()];
    for (name, report) in [("hostile", &report), ("empty", &Report::default())] {
        let xml = rendered(Format::Junit, report);
        let file = dir.path().join(format!("{name}.xml"));
        std::fs::write(&file, &xml).unwrap();
        let (valid, said) = xmllint_junit(&file);
        assert!(valid, "{name} is not JUnit XML:\n{said}\n{xml}");
    }
    let xml = rendered(Format::Junit, &report);
    // The checked files, the one a finding names and the configuration file.
    assert_eq!(xml.matches("<testcase ").count(), 4, "{xml}");
    assert!(xml.contains(r#"<testcase classname="aiclear" name="clean.fountain"/>"#));
    assert!(
        xml.contains(r#"tests="4" failures="1" errors="1""#),
        "{xml}"
    );
    // And xmllint does reject what is not JUnit.
    let file = dir.path().join("bad.xml");
    std::fs::write(&file, r#"<testsuites><testsuite name="x"/></testsuites>"#).unwrap();
    assert!(!xmllint_junit(&file).0);
}

#[test]
fn sarif_of_the_hostile_report() {
    let log: serde_json::Value =
        serde_json::from_str(&rendered(Format::Sarif, &hostile_report())).unwrap();
    let run = &log["runs"][0];
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 4);
    let location = &results[0]["locations"][0]["physicalLocation"];
    assert_eq!(
        location["artifactLocation"]["uri"],
        "shots/sh%20010%20%231.yaml"
    );
    assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    // The emoji is one code point: `::error::value` starts at column 14.
    assert_eq!(
        results[1]["locations"][0]["physicalLocation"]["region"],
        serde_json::json!({"startLine": 4, "startColumn": 14, "endLine": 4, "endColumn": 28})
    );
    assert_eq!(
        results[3]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "evil%0A%3A%3Aerror%3A%3Apwned%2C%20x%3Ay%0D%3A%3Aadd-mask%3A%3Az.fountain"
    );
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), aiclear::rules::RULES.len());
    for result in results {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
    }
    assert_eq!(run["invocations"][0]["executionSuccessful"], false);
}

/// The commands the runner would obey in `out`, read as it reads them: line
/// by line (LF, CR or CRLF), blanks trimmed, nothing while commands are
/// stopped until the line `::TOKEN::`. Panics on any command that is not an
/// annotation of ours.
fn obeyed(out: &str) -> Vec<String> {
    let mut commands = Vec::new();
    let mut stopped: Option<String> = None;
    for line in out.split(['\n', '\r']) {
        let line = line.trim_start();
        if let Some(token) = &stopped {
            if line == format!("::{token}::") {
                stopped = None;
            }
            continue;
        }
        if !line.starts_with("::") {
            continue;
        }
        if let Some(token) = line.strip_prefix("::stop-commands::") {
            assert!(token.len() >= 32, "a guessable token: {line:?}");
            stopped = Some(token.to_owned());
            continue;
        }
        let (command, rest) = line[2..]
            .split_once("::")
            .unwrap_or_else(|| panic!("not a command of ours: {line:?}"));
        let (name, properties) = command.split_once(' ').unwrap_or((command, ""));
        assert!(
            ["error", "warning", "notice"].contains(&name),
            "not a command of ours: {line:?}"
        );
        for property in properties.split(',').filter(|p| !p.is_empty()) {
            let (key, value) = property.split_once('=').expect("key=value");
            assert!(
                ["file", "line", "col", "endLine", "endColumn", "title"].contains(&key),
                "{line:?}"
            );
            assert!(!value.contains([':', ',', '\r', '\n']), "{line:?}");
        }
        assert!(!rest.contains(['\r', '\n']));
        commands.push(line.to_owned());
    }
    assert!(stopped.is_none(), "commands are left stopped");
    commands
}

/// `%`-decoding as the runner does for a property value.
fn unescape_property(s: &str) -> String {
    s.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
}

#[test]
fn github_output_never_lets_file_content_start_a_command() {
    let report = hostile_report();
    let out = rendered(Format::Github, &report);
    let commands = obeyed(&out);
    assert_eq!(commands.len(), 5, "{out}");
    // Errors, then warnings, then notices.
    let names: Vec<&str> = commands
        .iter()
        .map(|c| c[2..].split([' ', ':']).next().unwrap())
        .collect();
    assert_eq!(names, ["error", "error", "warning", "warning", "notice"]);
    // The hostile path reaches GitHub intact, as one property.
    let evil = commands
        .iter()
        .find(|c| c.contains("title=GA001") && c.starts_with("::warning"))
        .unwrap();
    let file = evil
        .strip_prefix("::warning file=")
        .unwrap()
        .split(',')
        .next()
        .unwrap();
    assert_eq!(
        unescape_property(file),
        "evil\n::error::pwned, x:y\r::add-mask::z.fountain"
    );
    // The listing for the log quotes the files, inside the stopped block.
    assert!(out.contains("tool: \"🎬 ::error::value\""), "{out}");
    // and shows control characters as visible symbols, never raw.
    assert!(out.contains("\u{240a}::error::pwned, x:y"), "{out}");
    assert!(!out.contains("\n::error::pwned"), "{out}");

    // Over the cap: the last command is the notice that points to the summary.
    let mut many = hostile_report();
    for i in 0..30 {
        many.diagnostics.push(diagnostic(
            Some("GA001"),
            Severity::Error,
            &format!("::error::{i}\n.yaml"),
            "x",
        ));
    }
    let mut out = Vec::new();
    let options = RenderOptions {
        github: GithubOptions { max_per_level: 10 },
        ..RenderOptions::default()
    };
    render::render_with(Format::Github, &many, false, &options, &mut out).unwrap();
    let commands = obeyed(&String::from_utf8(out).unwrap());
    assert_eq!(commands.len(), 10 + 2 + 1 + 1);
    assert!(
        commands
            .last()
            .unwrap()
            .starts_with("::notice::22 more findings not shown"),
        "{commands:#?}"
    );
}

#[test]
fn job_summary_of_the_hostile_report() {
    let summary = render::summary_markdown(&hostile_report(), render::SUMMARY_MAX_BYTES);
    assert!(summary.contains("History: verified 2 commits 1a2b3c4..5d6e7f8, 1 approval traced."));
    assert!(summary.contains("### Approvals relied on"));
    assert!(summary.contains("| `APP-1` | `shots/sh 010 #1.yaml` | `u1` | expired |"));
    // Every table row has exactly its six cells.
    for line in summary.lines().filter(|l| l.starts_with('|')) {
        assert_eq!(line.replace("\\|", "").matches('|').count(), 7, "{line}");
    }
}

/// A report whose every text from the files (paths, messages, values, the
/// approvals' fields) would be links, pictures or markup on GitHub.
fn linky_report() -> Report {
    let all = common::tools::LINKY.join(" ");
    let mut report = Report {
        files_checked: 2,
        approvals: vec![ApprovalUse {
            id: "www.approval.test".into(),
            path: "scripts/www.path.test/user@path.test.fountain".into(),
            use_id: Some("https://use.test".into()),
            state: "unauthorised".into(),
            granted_by: Some(format!("Mallory <mallory@evil.test> {all}")),
            expires_on: Some(all.clone()),
        }],
        ..Report::default()
    };
    let mut d = diagnostic(
        Some("GA101"),
        Severity::Error,
        "scripts/www.evil.test/user@evil.test (https://evil.test).fountain",
        &format!("tool {all} may train on inputs, and `https://code.test/{all}` too"),
    );
    d.help = Some(format!("ask {all}"));
    report.diagnostics.push(d);
    report.diagnostics.push(diagnostic(
        None,
        Severity::Warning,
        "<a href=\"http://raw.test\">p</a>.yaml",
        &all,
    ));
    report
}

#[test]
fn job_summary_on_github_makes_no_link_of_file_text() {
    let summary = render::summary_markdown(&linky_report(), render::SUMMARY_MAX_BYTES);
    common::tools::assert_no_links_on_github(
        &summary,
        &[
            "h2", "h3", "p", "strong", "table", "thead", "tbody", "tr", "th", "td", "code", "br",
        ],
    );
    // The control: the same text unescaped is full of links on GitHub.
    let html = common::tools::github_html(&common::tools::LINKY.join("\n\n"));
    assert!(html.matches("<a ").count() >= 10, "{html}");
    assert!(html.contains("<img"), "{html}");
}
