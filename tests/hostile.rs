//! Hostile inputs: every one must end in a clear exit code and, where the
//! input is malformed, a diagnostic — within a few seconds and bounded memory.
//! aiclear guards legal sign-off: a crash, a hang or a silent pass is a failure
//! of the one job it has.
//!
//! Each case runs the real binary under a watchdog ([`bounded`]): it is killed
//! and the test fails when it runs longer than [`TIME_LIMIT`], and its peak
//! resident memory (from `/usr/bin/time`, else `/proc/PID/status`) must stay
//! under [`MEMORY_LIMIT_KB`]. Big inputs are generated here, never committed.

mod common;

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::git::*;
use common::*;

/// Longest a single run may take. Generous for a loaded debug build; a real
/// hang runs into it.
// A hang, not a speed target: the suite runs these beside other heavy tests
// on two cores (each normally takes well under a second or two).
const TIME_LIMIT: Duration = Duration::from_secs(60);
/// Highest peak resident memory of a single run.
const MEMORY_LIMIT_KB: u64 = 512 * 1024;

/// What a bounded run gave.
struct Outcome {
    code: i32,
    stdout: String,
    stderr: String,
    peak_kb: Option<u64>,
    took: Duration,
}

impl Outcome {
    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {}\nstderr: {}",
                head(&self.stdout),
                head(&self.stderr)
            )
        })
    }

    fn codes(&self) -> Vec<String> {
        codes(&self.json())
    }

    /// The JSON report's diagnostics that carry `code`.
    fn with_code(&self, code: &str) -> Vec<serde_json::Value> {
        self.json()["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] == code)
            .cloned()
            .collect()
    }
}

/// The first few KiB of a long text, for failure messages.
fn head(s: &str) -> String {
    let mut end = s.len().min(4096);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_owned()
}

/// Children of a process (Linux: `/proc/PID/task/PID/children`).
fn children(pid: u32) -> Vec<u32> {
    std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children"))
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|p| p.parse().ok())
        .collect()
}

fn vm_hwm_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Run aiclear in `dir` under the watchdog and assert the time and memory
/// bounds. Colour and git's environment are off.
fn bounded(dir: &Path, args: &[&str]) -> Outcome {
    bounded_env(dir, args, &[])
}

fn bounded_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Outcome {
    let time = Path::new("/usr/bin/time");
    let rss_file = tempfile::NamedTempFile::new().unwrap();
    let mut cmd = if time.exists() {
        let mut c = Command::new(time);
        c.arg("-f")
            .arg("%M")
            .arg("-o")
            .arg(rss_file.path())
            .arg(bin());
        c
    } else {
        Command::new(bin())
    };
    common::isolation::isolate(&mut cmd)
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let start = Instant::now();
    let mut child = cmd.spawn().expect("aiclear starts");
    // Drain both pipes so a big report cannot block the child.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out_thread = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let err_thread = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err.read_to_end(&mut v);
        v
    });
    let mut polled_peak = None;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        // The aiclear process: the child itself, or the child of `time`.
        let pid = if time.exists() {
            children(child.id()).first().copied()
        } else {
            Some(child.id())
        };
        if let Some(hwm) = pid.and_then(vm_hwm_kb) {
            polled_peak = Some(polled_peak.unwrap_or(0).max(hwm));
        }
        if start.elapsed() > TIME_LIMIT {
            for pid in children(child.id()) {
                let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
            }
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "aiclear {args:?} did not finish within {TIME_LIMIT:?} (killed); peak so far {polled_peak:?} kB"
            );
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let took = start.elapsed();
    let stdout = String::from_utf8_lossy(&out_thread.join().unwrap()).into_owned();
    let stderr = String::from_utf8_lossy(&err_thread.join().unwrap()).into_owned();
    let mut code = status.code().unwrap_or(-1);
    let mut peak_kb = polled_peak;
    if time.exists() {
        // `time -o` writes "Command exited with non-zero status N" or
        // "Command terminated by signal N" before the figure.
        let report = std::fs::read_to_string(rss_file.path()).unwrap_or_default();
        if let Some(sig) = report
            .lines()
            .find_map(|l| l.strip_prefix("Command terminated by signal "))
        {
            panic!(
                "aiclear {args:?} was killed by signal {sig}\nstderr: {}",
                head(&stderr)
            );
        }
        if let Some(kb) = report.lines().last().and_then(|l| l.trim().parse().ok()) {
            peak_kb = Some(kb);
        }
    } else {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = status.signal() {
            panic!(
                "aiclear {args:?} was killed by signal {sig}\nstderr: {}",
                head(&stderr)
            );
        }
    }
    if code == -1 {
        code = 128;
    }
    assert!(
        !stderr.contains("panicked at") && !stderr.contains("RUST_BACKTRACE"),
        "aiclear {args:?} panicked:\n{}",
        head(&stderr)
    );
    assert!(
        ![101, 134, 139].contains(&code),
        "aiclear {args:?} crashed with exit {code}:\n{}",
        head(&stderr)
    );
    if let Some(kb) = peak_kb {
        assert!(
            kb < MEMORY_LIMIT_KB,
            "aiclear {args:?} peaked at {} MiB",
            kb / 1024
        );
    }
    Outcome {
        code,
        stdout,
        stderr,
        peak_kb,
        took,
    }
}

/// `check --format json` in `dir` under the watchdog.
fn check(dir: &Path, extra: &[&str]) -> Outcome {
    let mut args = vec!["check", "--format", "json"];
    args.extend_from_slice(extra);
    bounded(dir, &args)
}

/// Assert the exit code, printing the run when it differs.
#[track_caller]
fn assert_exit(o: &Outcome, code: i32) {
    assert_eq!(
        o.code,
        code,
        "exit code; took {:?}, peak {:?} kB\nstdout: {}\nstderr: {}",
        o.took,
        o.peak_kb,
        head(&o.stdout),
        head(&o.stderr)
    );
}

/// Assert that the JSON report has at least one `code` diagnostic.
#[track_caller]
fn assert_has(o: &Outcome, code: &str) {
    let codes = o.codes();
    assert!(
        codes.iter().any(|c| c == code),
        "expected {code}, found {codes:?}\n{}",
        head(&o.stdout)
    );
}

/// A Fountain script with a boneyard-wrapped declaration of `yaml`.
fn fountain(yaml: &str) -> String {
    format!(
        "Title: THE LAST SIGNAL\nAuthor: Dana Ruiz\n\n/*\n---\n{yaml}---\n*/\n\nINT. RELAY STATION - NIGHT\n"
    )
}

/// A declaration with one use that needs no approval and raises nothing.
const CLEAN_USE: &str = "genai:\n  disclosed: { to: \"M. Chen\", on: 2025-09-02 }\n  uses:\n    - id: storm\n      stage: ideation\n      output: text\n      tools: [{ name: \"Claude\", enterprise: true, trains-on-inputs: false }]\n";

/// The classic "billion laughs": nine levels of ten aliases each.
fn alias_bomb(key: &str) -> String {
    let mut s = format!(
        "{key}:\n  a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
    );
    for i in 1..10 {
        let p = i - 1;
        s.push_str(&format!(
            "  a{i}: &a{i} [*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p}]\n"
        ));
    }
    s
}

// ---------------------------------------------------------------------------
// YAML structure: aliases, nesting, budgets

#[test]
fn alias_bomb_inside_a_declaration_is_malformed() {
    let p = project();
    write(
        p.path(),
        "scripts/ep1.fountain",
        fountain(&alias_bomb("genai")),
    );
    let o = check(p.path(), &[]);
    assert_exit(&o, 1);
    assert_has(&o, "GA002");
}

#[test]
fn alias_bomb_beside_the_declaration_is_malformed() {
    // Outside `genai`, where the top-level reader skips values: the skipped
    // value must still be bounded.
    let p = project();
    let text = format!("genai: none\n{}", alias_bomb("shot"));
    write(p.path(), "vfx/shots/sh010.yml", text);
    let o = check(p.path(), &[]);
    assert_exit(&o, 1);
    assert_has(&o, "GA002");
}

#[test]
fn flow_nesting_100k_deep_inside_a_declaration() {
    let p = project();
    let n = 100_000;
    let yaml = format!("genai:\n  uses: {}{}\n", "[".repeat(n), "]".repeat(n));
    // Too big for a script's declaration block (1 MiB): a YAML metadata file.
    write(p.path(), "vfx/shots/sh010.yml", &yaml);
    write(
        p.path(),
        "scripts/ep1.fountain",
        fountain(&format!(
            "genai: {}{}\n",
            "{a: ".repeat(50_000),
            "}".repeat(50_000)
        )),
    );
    let o = check(p.path(), &[]);
    assert_exit(&o, 1);
    assert_eq!(o.with_code("GA002").len(), 2, "{}", head(&o.stdout));
}

#[test]
fn block_nesting_100k_deep_inside_a_declaration() {
    let p = project();
    // Compact nested block sequences: `- - - … x` on one line.
    let yaml = format!("genai:\n  uses:\n    {}x\n", "- ".repeat(100_000));
    write(p.path(), "vfx/shots/sh010.yml", &yaml);
    // Indented block mappings, 2,000 levels (the indentation grows
    // quadratically): too deep for any declaration.
    let mut deep = String::from("genai:\n");
    for i in 1..2_000 {
        deep.push_str(&" ".repeat(i));
        deep.push_str("k:\n");
    }
    write(p.path(), "vfx/shots/sh020.yml", &deep);
    let o = check(p.path(), &[]);
    assert_exit(&o, 1);
    assert_eq!(o.with_code("GA002").len(), 2, "{}", head(&o.stdout));
}

#[test]
fn block_nesting_100k_deep_beside_the_declaration() {
    let p = project();
    let yaml = format!("genai: none\nshot:\n  {}x\n", "- ".repeat(100_000));
    write(p.path(), "vfx/shots/sh010.yml", &yaml);
    let o = check(p.path(), &[]);
    assert_exit(&o, 1);
    assert_has(&o, "GA002");
}

#[test]
fn json_nested_100k_deep() {
    let p = project();
    let n = 100_000;
    // Beside the declaration …
    let beside = format!(
        "{{\"metadata\": {{\"genai\": \"none\"}}, \"tracks\": {}{}}}",
        "[".repeat(n),
        "]".repeat(n)
    );
    write(p.path(), "edit/cut.otio", beside);
    // … and inside it.
    let inside = format!(
        "{{\"metadata\": {{\"genai\": {{\"uses\": {}{}}}}}}}",
        "[{\"x\": ".repeat(n),
        "}]".repeat(n)
    );
    write(p.path(), "edit/cut2.otio", inside);
    let o = check(p.path(), &[]);
    assert_exit(&o, 1);
    assert_eq!(o.with_code("GA002").len(), 2, "{}", head(&o.stdout));
}

#[test]
fn a_hundred_thousand_uses_in_one_file() {
    let p = project();
    let mut yaml =
        String::from("genai:\n  disclosed: { to: \"M. Chen\", on: 2025-09-02 }\n  uses:\n");
    for i in 0..100_000 {
        yaml.push_str(&format!(
            "    - {{id: u{i}, stage: ideation, output: text, tools: [{{name: x, enterprise: true, trains-on-inputs: false}}]}}\n"
        ));
    }
    write(p.path(), "vfx/shots/sh010.yml", &yaml);
    let o = check(p.path(), &[]);
    // Either the uses are judged (all clean: exit 0) or a limit is reported
    // as a malformed declaration (exit 1) — never a crash or a hang.
    if o.code == 1 {
        assert_has(&o, "GA002");
        let d = &o.with_code("GA002")[0];
        let msg = d["message"].as_str().unwrap();
        // A clear message names the limit in words, not a debug dump such
        // as `budget breached: Nodes { nodes: 250001 }`.
        assert!(
            !msg.contains(" { ")
                && (msg.contains("limit") || msg.contains("more than") || msg.contains("too many")),
            "the message should name the limit: {msg}"
        );
    } else {
        assert_exit(&o, 0);
    }
}

#[test]
fn many_findings_render_in_time() {
    // Every use has findings (25,000 diagnostics): rendering them in the
    // human format must not take minutes (the ids repeat: GA005 each).
    let p = project();
    let mut yaml = String::from("genai:\n  uses:\n");
    for _ in 0..5_000 {
        yaml.push_str("    - {id: a, stage: final, output: text, tools: [{name: x}]}\n");
    }
    write(p.path(), "vfx/shots/sh010.yml", &yaml);
    let o = bounded(p.path(), &["check"]);
    assert_exit(&o, 1);
    assert!(o.stdout.contains("error[GA005]"), "{}", head(&o.stdout));
}

#[test]
fn a_feature_length_timeline_is_not_too_big() {
    // A real edit: 20,000 clips, 16 MB of OTIO JSON, well under the 64 MiB
    // file limit. Values beside the declaration must not trip a node budget
    // sized for declarations.
    let p = project();
    let mut clips = Vec::new();
    for i in 0..20_000 {
        clips.push(format!(
            "{{\"OTIO_SCHEMA\": \"Clip.2\", \"name\": \"sh{i:05}\", \"source_range\": {{\"OTIO_SCHEMA\": \"TimeRange.1\", \"duration\": {{\"OTIO_SCHEMA\": \"RationalTime.1\", \"rate\": 24.0, \"value\": 48.0}}, \"start_time\": {{\"OTIO_SCHEMA\": \"RationalTime.1\", \"rate\": 24.0, \"value\": 0.0}}}}, \"metadata\": {{}}, \"markers\": [], \"effects\": []}}"
        ));
    }
    let otio = format!(
        "{{\"OTIO_SCHEMA\": \"Timeline.1\", \"metadata\": {{\"genai\": \"none\"}}, \"tracks\": {{\"OTIO_SCHEMA\": \"Stack.1\", \"children\": [{{\"OTIO_SCHEMA\": \"Track.1\", \"kind\": \"Video\", \"children\": [\n{}\n]}}]}}}}\n",
        clips.join(",\n")
    );
    write(p.path(), "edit/cut.otio", &otio);
    let o = check(p.path(), &[]);
    assert_exit(&o, 0);
}

#[test]
fn numbers_too_large_for_any_integer_type() {
    let p = project();
    let big = "9".repeat(5_000);
    let yaml = format!(
        "genai:\n  disclosed: {{ to: {big}, on: 99999999999999999999999999 }}\n  uses:\n    - id: {big}\n      stage: 1e999999\n      output: -{big}\n      mistakable-for-real: 0x{big}\n      tools: [{{ name: \"x\", enterprise: 1e309, trains-on-inputs: .nan, terms-reviewed: 18446744073709551616 }}]\n"
    );
    write(p.path(), "vfx/shots/sh010.yml", &yaml);
    write(p.path(), "scripts/ep1.fountain", fountain(&yaml));
    let o = check(p.path(), &[]);
    assert_exit(&o, 1);
    // Out of range for its type (GA004), or not even a number YAML can
    // hold (GA002): either way reported, for both files.
    let mut paths: Vec<String> = o.json()["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "GA002" || d["code"] == "GA004")
        .map(|d| d["path"].as_str().unwrap().to_owned())
        .collect();
    paths.dedup();
    assert_eq!(paths, ["scripts/ep1.fountain", "vfx/shots/sh010.yml"]);
    // The same values in a config are a configuration error.
    let q = project();
    write(
        q.path(),
        ".aiclear/config.yml",
        format!("temporary-max-age-days: {big}\n"),
    );
    let o = bounded(q.path(), &["check"]);
    assert_exit(&o, 2);
    assert!(o.stderr.contains(".aiclear/config.yml"), "{}", o.stderr);
}

#[test]
fn duplicate_keys_are_malformed() {
    let p = project();
    // A second `uses` would hide the first.
    let hidden = "genai:\n  uses:\n    - id: aria\n      stage: final\n      output: image\n      elements: [main-character]\n      tools: [{ name: x }]\n  uses: []\n";
    write(p.path(), "scripts/ep1.fountain", fountain(hidden));
    // Inside a use, and at the top level of a metadata file.
    write(
        p.path(),
        "vfx/shots/sh010.yml",
        "genai:\n  uses:\n    - {id: a, id: b, stage: temp, output: text, tools: [{name: x}]}\n",
    );
    write(
        p.path(),
        "vfx/shots/sh020.yml",
        "genai: none\ngenai: none\n",
    );
    write(
        p.path(),
        "edit/cut.otio",
        "{\"metadata\": {\"genai\": {\"uses\": []}, \"genai\": \"none\"}}",
    );
    let o = check(p.path(), &[]);
    assert_exit(&o, 1);
    let paths: Vec<String> = o
        .with_code("GA002")
        .iter()
        .map(|d| d["path"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        paths,
        [
            "edit/cut.otio",
            "scripts/ep1.fountain",
            "vfx/shots/sh010.yml",
            "vfx/shots/sh020.yml"
        ],
        "{}",
        head(&o.stdout)
    );
}

#[test]
fn yaml_tags_are_errors_and_never_executed() {
    let p = project();
    let marker = p.path().join("pwned");
    let cmd = format!("touch {}", marker.display());
    write(
        p.path(),
        "vfx/shots/sh010.yml",
        format!("genai: !!python/object/apply:os.system [\"{cmd}\"]\n"),
    );
    write(
        p.path(),
        "vfx/shots/sh020.yml",
        "genai:\n  uses:\n    - !!python/object:__main__.Use {id: a}\n",
    );
    write(
        p.path(),
        "scripts/ep1.fountain",
        fountain("genai: !ruby/object:Gem::Installer\n  i: x\n"),
    );
    // A tag beside the declaration is rejected too: a tagged value is
    // something another tool may act on.
    write(
        p.path(),
        "vfx/shots/sh030.yml",
        format!("genai: none\nhook: !!python/object/apply:os.system [\"{cmd}\"]\n"),
    );
    let o = check(p.path(), &[]);
    assert_exit(&o, 1);
    assert_eq!(o.with_code("GA002").len(), 4, "{}", head(&o.stdout));
    assert!(!marker.exists());
}

#[test]
fn otio_with_nan_infinity_and_huge_integers() {
    let p = project();
    // Outside the declaration these are common in real timelines: fine.
    write(
        p.path(),
        "edit/cut.otio",
        "{\"OTIO_SCHEMA\": \"Timeline.1\", \"metadata\": {\"genai\": \"none\"}, \"rate\": NaN, \"start\": -Infinity, \"end\": Infinity, \"frames\": 123456789012345678901234567890123456789}",
    );
    let o = check(p.path(), &[]);
    assert_exit(&o, 0);
    // Inside it, they are values of the wrong type.
    write(
        p.path(),
        "edit/cut2.otio",
        "{\"metadata\": {\"genai\": {\"disclosed\": {\"to\": \"M\", \"on\": \"2025-09-02\"}, \"uses\": [{\"id\": \"a\", \"stage\": \"ideation\", \"output\": \"text\", \"mistakable-for-real\": NaN, \"tools\": [{\"name\": \"x\", \"enterprise\": Infinity, \"trains-on-inputs\": 123456789012345678901234567890}]}]}}}",
    );
    let o = check(p.path(), &[]);
    assert_exit(&o, 1);
    assert!(o.with_code("GA004").len() >= 3, "{}", head(&o.stdout));
}

#[test]
fn trailing_garbage_after_json() {
    let p = project();
    write(
        p.path(),
        "edit/cut.otio",
        "{\"metadata\": {\"genai\": \"none\"}} }}} garbage",
    );
    // A second document after the JSON one: not JSON, and whatever it says
    // would be ignored by the first-document reader.
    write(
        p.path(),
        "edit/cut2.otio",
        "{\"metadata\": {\"genai\": \"none\"}}\n---\n{\"metadata\": {\"genai\": {\"uses\": [{\"id\": \"x\"}]}}}\n",
    );
    write(
        p.path(),
        "vfx/shots/sh010.json",
        "{\"genai\": \"none\"}\n{\"genai\": {\"uses\": []}}\n",
    );
    let o = check(p.path(), &[]);
    assert_exit(&o, 1);
    let paths: Vec<String> = o
        .with_code("GA002")
        .iter()
        .map(|d| d["path"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        paths,
        ["edit/cut.otio", "edit/cut2.otio", "vfx/shots/sh010.json"],
        "{}",
        head(&o.stdout)
    );
}

#[test]
fn tab_indentation_is_malformed() {
    let p = project();
    write(
        p.path(),
        "vfx/shots/sh010.yml",
        "genai:\n\tuses:\n\t\t- id: a\n",
    );
    write(
        p.path(),
        "scripts/ep1.fountain",
        fountain("genai:\n\tdisclosed: { to: M, on: 2025-09-02 }\n"),
    );
    let o = check(p.path(), &[]);
    assert_exit(&o, 1);
    assert_eq!(o.with_code("GA002").len(), 2, "{}", head(&o.stdout));
}

#[test]
fn multi_document_yaml_cannot_hide_a_declaration() {
    let p = project();
    // The first document declares nothing; the second carries a use that
    // needs approval. Reading only the first would pass silently.
    write(
        p.path(),
        "vfx/shots/sh010.yml",
        "genai: none\n---\ngenai:\n  uses:\n    - {id: aria, stage: final, output: image, elements: [main-character], tools: [{name: x}]}\n",
    );
    let o = check(p.path(), &[]);
    assert_exit(&o, 1);
    assert!(!o.codes().is_empty(), "{}", head(&o.stdout));
    // A storm of document separators is bounded.
    let q = project();
    write(
        q.path(),
        "vfx/shots/sh010.yml",
        format!("genai: none\n{}", "---\n".repeat(200_000)),
    );
    let o = check(q.path(), &[]);
    assert!(o.code == 0 || o.code == 1, "exit {}", o.code);
}

#[test]
fn complex_and_non_scalar_keys_are_malformed() {
    let p = project();
    write(
        p.path(),
        "vfx/shots/sh010.yml",
        "genai:\n  ? [uses, disclosed]\n  : none\n",
    );
    write(p.path(), "vfx/shots/sh020.yml", "? {genai: none}\n: x\n");
    let o = check(p.path(), &[]);
    assert_exit(&o, 1);
    assert!(
        o.codes().iter().all(|c| c == "GA002" || c == "GA001"),
        "{}",
        head(&o.stdout)
    );
    assert_eq!(o.codes().len(), 2, "{}", head(&o.stdout));
}

// ---------------------------------------------------------------------------
// Bytes: sizes, encodings, line endings

#[test]
fn a_50_mb_single_line_script() {
    let p = project();
    // With a declaration at the top …
    let mut ok = b"/*\n---\ngenai: none\n---\n*/\n".to_vec();
    ok.extend(std::iter::repeat_n(b'A', 50 << 20));
    write(p.path(), "scripts/ep1.fountain", &ok);
    // … and without one: the whole file is one line.
    let bad = vec![b'B'; 50 << 20];
    write(p.path(), "scripts/ep2.fountain", &bad);
    // A Markdown treatment of one 50 MB line that opens frontmatter.
    let mut md = b"---\ngenai: none ".to_vec();
    md.extend(std::iter::repeat_n(b'C', 50 << 20));
    write(p.path(), "scripts/bible.md", &md);
    let o = check(p.path(), &[]);
    assert_exit(&o, 1);
    let found: Vec<(String, String)> = o.json()["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_owned(),
                d["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("scripts/bible.md".to_owned(), "GA002".to_owned()),
            ("scripts/ep2.fountain".to_owned(), "GA001".to_owned())
        ]
    );
    // The human format must not print the 50 MB line back.
    let o = bounded(p.path(), &["check"]);
    assert_exit(&o, 1);
    assert!(
        o.stdout.len() < 1 << 20,
        "{} bytes of output",
        o.stdout.len()
    );
}

#[test]
fn a_metadata_file_over_the_size_limit() {
    let p = project();
    let mut yaml = b"genai: none\nnotes: \"".to_vec();
    yaml.extend(std::iter::repeat_n(b'x', 65 << 20));
    yaml.extend_from_slice(b"\"\n");
    write(p.path(), "vfx/shots/sh010.yml", &yaml);
    let o = check(p.path(), &[]);
    assert_exit(&o, 1);
    assert_has(&o, "GA002");
    let d = &o.with_code("GA002")[0];
    assert!(d["message"].as_str().unwrap().contains("MiB"), "{d}");
}

#[test]
fn a_declaration_block_over_the_size_limit() {
    let p = project();
    let yaml = format!("genai: none\nnotes: \"{}\"\n", "x".repeat(2 << 20));
    write(p.path(), "scripts/ep1.fountain", fountain(&yaml));
    let o = check(p.path(), &[]);
    assert_exit(&o, 1);
    assert_has(&o, "GA002");
}

#[test]
fn a_single_line_with_a_finding_is_not_printed_whole() {
    // A 20 MB flow mapping on one line with an invalid value in it: each
    // diagnostic's snippet must not copy the whole line.
    let p = project();
    let pad = "x".repeat(20 << 20);
    let yaml = format!(
        "{{\"genai\": {{\"uses\": [{{\"id\": \"a\", \"stage\": \"finale\", \"output\": \"txt\", \"tools\": [{{\"name\": \"x\"}}]}}]}}, \"pad\": \"{pad}\"}}"
    );
    write(p.path(), "vfx/shots/sh010.json", &yaml);
    for format in ["human", "github", "short", "json", "sarif"] {
        let o = bounded(p.path(), &["check", "--format", format]);
        assert_exit(&o, 1);
        assert!(
            o.stdout.len() < 4 << 20,
            "--format {format}: {} bytes of output",
            o.stdout.len()
        );
    }
}

#[test]
fn a_huge_value_is_not_echoed_whole() {
    // A 60 MB `stage` is not a valid stage: the message may quote the start
    // of it, not all of it (in every format, and twice in `github`), and no
    // "did you mean" may compare 60 MB against every term.
    let p = project();
    let yaml = format!(
        "genai:\n  uses:\n    - {{id: a, stage: \"{}\", output: text, tools: [{{name: x, enterprise: true, trains-on-inputs: false}}]}}\n",
        "x".repeat(60 << 20)
    );
    write(p.path(), "vfx/shots/sh010.yml", &yaml);
    for format in ["github", "json"] {
        let o = bounded(p.path(), &["check", "--format", format]);
        assert_exit(&o, 1);
        assert!(
            o.stdout.len() < 1 << 20,
            "--format {format}: {} bytes of output",
            o.stdout.len()
        );
    }
}

#[test]
fn nul_bytes_and_invalid_utf8_inside_a_declaration() {
    let p = project();
    let mut nul = b"/*\n---\ngenai:\n  uses:\n    - id: a\0b\n---\n*/\n".to_vec();
    nul.extend_from_slice(b"INT. A\n");
    write(p.path(), "scripts/ep1.fountain", &nul);
    write(
        p.path(),
        "scripts/ep2.fountain",
        b"/*\n---\ngenai:\n  disclosed: { to: \"M. \xff\xfe\", on: 2025-09-02 }\n---\n*/\n",
    );
    write(p.path(), "vfx/shots/sh010.yml", b"genai: none\x00\n");
    write(p.path(), "vfx/shots/sh020.yml", b"genai: \xc3\x28\n");
    // An overlong encoding and a lone surrogate (CESU-8).
    write(
        p.path(),
        "vfx/shots/sh030.yml",
        b"genai:\n  uses: [\xc0\xaf, \xed\xa0\x80]\n",
    );
    let o = check(p.path(), &[]);
    assert_exit(&o, 1);
    assert_eq!(o.with_code("GA002").len(), 5, "{}", head(&o.stdout));
    // Every output format stays valid with such bytes in the file.
    for format in ["json", "sarif"] {
        let o = bounded(p.path(), &["check", "--format", format]);
        assert_exit(&o, 1);
        serde_json::from_str::<serde_json::Value>(&o.stdout).expect("valid JSON");
    }
    let o = bounded(p.path(), &["check"]);
    assert_exit(&o, 1);
}

#[test]
fn a_latin1_script_body() {
    let p = project();
    let mut bytes =
        b"Title: LA CAF\xc9\nAuthor: Ren\xe9e\n\n/*\n---\ngenai: none\n---\n*/\n\n".to_vec();
    bytes.extend_from_slice(b"INT. CAF\xc9 - NUIT\n\nREN\xc9E\nD\xe9j\xe0 vu.\n");
    write(p.path(), "scripts/ep1.fountain", &bytes);
    let o = check(p.path(), &[]);
    assert_exit(&o, 0);
    // Latin-1 inside the declaration is not UTF-8: malformed.
    write(
        p.path(),
        "scripts/ep2.fountain",
        b"/*\n---\ngenai:\n  disclosed: { to: \"Ren\xe9e\", on: 2025-09-02 }\n---\n*/\n",
    );
    let o = check(p.path(), &[]);
    assert_exit(&o, 1);
    assert_eq!(o.codes(), ["GA002"]);
}

#[test]
fn bom_and_crlf() {
    let p = project();
    let crlf = |s: &str| format!("\u{feff}{}", s.replace('\n', "\r\n"));
    write(p.path(), "scripts/ep1.fountain", crlf(&fountain(CLEAN_USE)));
    write(
        p.path(),
        "scripts/bible.md",
        crlf(&format!("---\ntitle: Bible\n{CLEAN_USE}---\n# Bible\n")),
    );
    write(p.path(), "vfx/shots/sh010.yml", crlf(CLEAN_USE));
    write(
        p.path(),
        "edit/cut.otio",
        crlf("{\n  \"metadata\": {\n    \"genai\": \"none\"\n  }\n}\n"),
    );
    let o = check(p.path(), &[]);
    assert_exit(&o, 0);
    assert_eq!(o.json()["summary"]["files_checked"], 4);
}

#[test]
fn cr_only_line_endings() {
    let p = project();
    let cr = |s: &str| s.replace('\n', "\r");
    write(p.path(), "scripts/ep1.fountain", cr(&fountain(CLEAN_USE)));
    write(p.path(), "vfx/shots/sh010.yml", cr(CLEAN_USE));
    let o = check(p.path(), &[]);
    assert_exit(&o, 0);
}

#[test]
fn cr_only_line_endings_in_markdown() {
    let p = project();
    write(
        p.path(),
        "scripts/bible.md",
        format!("---\ntitle: Bible\n{CLEAN_USE}---\n# Bible\n").replace('\n', "\r"),
    );
    let o = check(p.path(), &[]);
    assert_exit(&o, 0);
}

#[test]
fn unterminated_boneyard_and_frontmatter() {
    let p = project();
    write(
        p.path(),
        "scripts/ep1.fountain",
        "Title: X\n\n/*\n---\ngenai: none\n---\n\nINT. A - DAY\n",
    );
    write(
        p.path(),
        "scripts/ep2.fountain",
        "Title: X\n\n/*\n---\ngenai: none\n*/\nINT. A - DAY\n",
    );
    write(p.path(), "scripts/ep3.fountain", "/*\n---\ngenai: none\n");
    write(p.path(), "scripts/ep4.fountain", "---\ngenai: none\n");
    write(p.path(), "scripts/bible.md", "---\ngenai: none\n# Bible\n");
    let o = check(p.path(), &[]);
    assert_exit(&o, 1);
    assert_eq!(o.with_code("GA002").len(), 5, "{}", head(&o.stdout));
}

#[test]
fn empty_files_have_no_declaration() {
    let p = project();
    for rel in [
        "scripts/ep1.fountain",
        "scripts/bible.md",
        "vfx/shots/sh010.yml",
        "vfx/shots/sh020.json",
        "edit/cut.otio",
        "vfx/plates/a.exr",
        "vfx/plates/a.exr.genai.yml",
    ] {
        write(p.path(), rel, "");
    }
    let o = check(p.path(), &[]);
    assert_exit(&o, 1);
    assert_eq!(o.with_code("GA001").len(), 6, "{}", head(&o.stdout));
    // A BOM alone, or only blank lines, is still empty.
    let q = project();
    write(q.path(), "scripts/ep1.fountain", "\u{feff}");
    write(q.path(), "vfx/shots/sh010.yml", "\n\n\n");
    let o = check(q.path(), &[]);
    assert_exit(&o, 1);
    assert_eq!(o.with_code("GA001").len(), 2, "{}", head(&o.stdout));
}

#[test]
fn three_dashes_alone() {
    let p = project();
    for rel in [
        "scripts/ep1.fountain",
        "scripts/bible.md",
        "vfx/shots/sh010.yml",
        "edit/cut.otio",
    ] {
        write(p.path(), rel, "---");
    }
    write(p.path(), "scripts/ep2.fountain", "---\n---\n");
    write(p.path(), "scripts/ep3.fountain", "/*\n---\n---\n*/\n");
    let o = check(p.path(), &[]);
    assert_exit(&o, 1);
    // Each is reported (an empty or unterminated block is no declaration),
    // and none passes.
    let mut paths: Vec<String> = o.json()["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap().to_owned())
        .collect();
    paths.dedup();
    assert_eq!(paths.len(), 6, "{}", head(&o.stdout));
    assert!(
        o.codes().iter().all(|c| c == "GA001" || c == "GA002"),
        "{}",
        head(&o.stdout)
    );
}

// ---------------------------------------------------------------------------
// The configuration and the ledger

#[test]
fn a_hostile_config_is_a_configuration_error() {
    for (name, text) in [
        ("alias bomb", alias_bomb("files")),
        (
            "deep flow nesting",
            format!("files: {}{}\n", "[".repeat(100_000), "]".repeat(100_000)),
        ),
        (
            "deep block nesting",
            format!("approvers:\n  {}x\n", "- ".repeat(100_000)),
        ),
        (
            "duplicate key",
            "approvers: []\napprovers:\n  - { email: mallory@example.com }\n".into(),
        ),
        (
            "tag",
            "approvers: !!python/object/apply:os.system [id]\n".into(),
        ),
        ("not a mapping", "- a\n- b\n".into()),
        ("NUL", "policy: netflix-2025-08\0\n".into()),
    ] {
        let p = project();
        write(p.path(), ".aiclear/config.yml", &text);
        write(p.path(), "scripts/ep1.fountain", fountain("genai: none\n"));
        let o = bounded(p.path(), &["check"]);
        assert_eq!(o.code, 2, "{name}: exit {}\n{}", o.code, head(&o.stderr));
        assert!(
            o.stderr.contains(".aiclear/config.yml"),
            "{name}: the diagnostic names the config\n{}",
            head(&o.stderr)
        );
    }
    // Not UTF-8.
    let p = project();
    write(p.path(), ".aiclear/config.yml", b"policy: \xff\n");
    let o = bounded(p.path(), &["check"]);
    assert_exit(&o, 2);
    assert!(o.stderr.contains("UTF-8"), "{}", o.stderr);
}

#[test]
fn an_invalid_glob_in_config() {
    for glob in ["'['", "'a[z-a]'", "'{a,b'", "'x', '[!'"] {
        let p = project();
        write(
            p.path(),
            ".aiclear/config.yml",
            format!("files:\n  scripts: [{glob}]\n"),
        );
        let o = bounded(p.path(), &["check"]);
        assert_eq!(o.code, 2, "{glob}: {}", o.stderr);
        assert!(o.stderr.contains("invalid glob"), "{glob}: {}", o.stderr);
    }
    // A glob whose compiled form is enormous is refused or runs in time.
    let p = project();
    let alts: Vec<String> = (0..5_000).map(|i| format!("s{i}")).collect();
    write(
        p.path(),
        ".aiclear/config.yml",
        format!(
            "files:\n  scripts: ['**/{{{}}}/**/*.fountain']\n",
            alts.join(",")
        ),
    );
    write(p.path(), "scripts/ep1.fountain", fountain("genai: none\n"));
    let o = bounded(p.path(), &["check"]);
    assert!(o.code == 0 || o.code == 2, "exit {}: {}", o.code, o.stderr);
}

#[test]
fn a_config_that_is_not_a_regular_file() {
    // A FIFO would block a reader forever; a symlink out of the project is
    // not read.
    let p = project();
    let fifo = p.path().join(".aiclear/config.yml");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let o = bounded(p.path(), &["check"]);
    assert_exit(&o, 2);
    assert!(o.stderr.contains("config.yml"), "{}", o.stderr);

    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "config.yml", "require-declaration: false\n");
    let q = project();
    std::os::unix::fs::symlink(
        outside.path().join("config.yml"),
        q.path().join(".aiclear/config.yml"),
    )
    .unwrap();
    write(q.path(), "scripts/ep1.fountain", "INT. A\n");
    let o = bounded(q.path(), &["check"]);
    // Not read: the outside config would turn off GA001 and pass.
    assert_eq!(o.code, 2, "{}\n{}", o.stdout, o.stderr);
}

#[test]
fn a_hostile_ledger() {
    let p = project();
    write(
        p.path(),
        "scripts/ep1.fountain",
        fountain(
            "genai:\n  disclosed: { to: M, on: 2025-09-02 }\n  uses:\n    - id: aria\n      stage: previs\n      output: image\n      elements: [main-character]\n      tools: [{ name: x, enterprise: true, trains-on-inputs: false }]\n",
        ),
    );
    for (name, text) in [
        ("alias bomb", alias_bomb("x")),
        (
            "deep nesting",
            format!("- {}{}\n", "[".repeat(100_000), "]".repeat(100_000)),
        ),
        (
            "duplicate key",
            "- id: NFX-1\n  granted-by: a@b.c\n  granted-on: 2025-09-01\n  covers: []\n  covers: [{path: '**'}]\n".into(),
        ),
        ("tag", "- !!python/object/apply:os.system [id]\n".into()),
        ("NUL", "- id: NFX\0\n".into()),
    ] {
        write(p.path(), ".aiclear/approvals.yml", &text);
        let o = check(p.path(), &[]);
        assert_eq!(o.code, 1, "{name}: {}", head(&o.stdout));
        let ledger: Vec<_> = o
            .with_code("GA002")
            .into_iter()
            .filter(|d| d["path"] == ".aiclear/approvals.yml")
            .collect();
        assert_eq!(ledger.len(), 1, "{name}: {}", head(&o.stdout));
        // The finding it would have cleared still stands.
        assert_has(&o, "GA201");
    }
    write(p.path(), ".aiclear/approvals.yml", b"- id: \xff\n");
    let o = check(p.path(), &[]);
    assert_exit(&o, 1);
    assert_has(&o, "GA002");
    assert_has(&o, "GA201");
}

#[test]
fn a_ten_thousand_entry_ledger() {
    // Real productions keep years of approvals: 10,000 entries as `aiclear
    // approve` writes them, the one that matters last.
    let p = project();
    write(
        p.path(),
        "scripts/ep1.fountain",
        fountain(
            "genai:\n  disclosed: { to: M, on: 2025-09-02 }\n  uses:\n    - id: aria\n      stage: previs\n      output: image\n      elements: [main-character]\n      tools: [{ name: x, enterprise: true, trains-on-inputs: false }]\n",
        ),
    );
    let mut ledger = String::new();
    for i in 0..10_000 {
        ledger.push_str(&format!(
            "- id: NFX-{i}\n  granted-by: mei.chen@netflix.example.com\n  granted-on: 2025-09-05\n  expires-on: 2099-01-01\n  document: approvals/NFX-{i}.pdf\n  note: \"approved in the production meeting\"\n  covers:\n    - path: scripts/ep{i}x.fountain\n      use: aria\n      rules: [GA201, GA203]\n      digest: \"sha256:{:064x}\"\n",
            i
        ));
    }
    ledger.push_str(
        "- id: NFX-LAST\n  granted-by: mei.chen@netflix.example.com\n  granted-on: 2025-09-05\n  covers:\n    - path: scripts/ep1.fountain\n      use: aria\n      rules: [GA201]\n",
    );
    write(p.path(), ".aiclear/approvals.yml", &ledger);
    let o = check(p.path(), &[]);
    assert_exit(&o, 0);
    // With many scripts (the worker threads) too.
    for i in 0..200 {
        write(
            p.path(),
            &format!("scripts/more/ep{i}.fountain"),
            fountain("genai: none\n"),
        );
    }
    let o = check(p.path(), &[]);
    assert_exit(&o, 0);
}

#[test]
fn a_ten_thousand_entry_ledger_of_globs_over_many_files() {
    // Covers may be globs: matching 10,000 of them against 200 files must
    // not compile 2,000,000 globs.
    let p = project();
    let mut ledger = String::new();
    for i in 0..10_000 {
        ledger.push_str(&format!(
            "- id: NFX-{i}\n  granted-by: mei.chen@netflix.example.com\n  granted-on: 2025-09-05\n  covers:\n    - path: \"scripts/**/ep{i}-*.fountain\"\n      use: aria\n"
        ));
    }
    write(p.path(), ".aiclear/approvals.yml", &ledger);
    for i in 0..200 {
        write(
            p.path(),
            &format!("scripts/more/ep{i}.fountain"),
            fountain("genai: none\n"),
        );
    }
    let o = check(p.path(), &[]);
    assert_exit(&o, 0);
}

#[test]
fn a_ledger_of_many_long_globs_is_bounded() {
    // Within every per-item limit (a 32 MB ledger, 210,000 values, each
    // cover path under 1,024 characters) 30,000 glob covers of 160
    // alternatives each, compiled one matcher per cover, took 69 s and 1.9 GB
    // (debug build). A ledger comes from the change under review.
    let p = project();
    let alts: Vec<String> = (0..160).map(|j| format!("d{j:04}")).collect();
    let alts = alts.join(",");
    let mut ledger = String::new();
    for i in 0..30_000 {
        ledger.push_str(&format!(
            "- id: N{i}\n  granted-by: m@n.co\n  granted-on: 2025-09-05\n  covers:\n    - path: \"scripts/{{{alts}}}/**/*[a-z]?{i}.fountain\"\n"
        ));
    }
    write(p.path(), ".aiclear/approvals.yml", &ledger);
    write(p.path(), "scripts/ep1.fountain", fountain("genai: none\n"));
    let o = check(p.path(), &[]);
    // Refusing so many globs (GA002 on the ledger) is as good as matching.
    assert!(o.code == 0 || o.code == 1, "exit {}", o.code);
}

#[test]
fn a_ledger_of_huge_globs_is_bounded() {
    // The ledger comes from the change under review. Each cover path is
    // compiled into a matcher when the ledger is read, before anything is
    // known about who wrote the entry: 900 paths of 3,000 alternatives each
    // (a 24 MB ledger) must not cost a minute and gigabytes.
    let p = project();
    let alts: Vec<String> = (0..3_000).map(|j| format!("dir{j:05}")).collect();
    let alts = alts.join(",");
    let mut ledger = String::new();
    for i in 0..900 {
        ledger.push_str(&format!(
            "- id: NFX-{i}\n  granted-by: mallory@example.com\n  granted-on: 2025-09-05\n  covers:\n    - path: \"scripts/{{{alts}}}{i}/**/*[a-z]?*.fountain\"\n"
        ));
    }
    write(p.path(), ".aiclear/approvals.yml", &ledger);
    write(p.path(), "scripts/ep1.fountain", fountain("genai: none\n"));
    let o = check(p.path(), &[]);
    // Refusing such paths (GA004 on the ledger) is as good as matching them.
    assert!(o.code == 0 || o.code == 1, "exit {}", o.code);
}

// ---------------------------------------------------------------------------
// Names, links and special files

#[test]
fn a_file_name_with_a_newline_and_a_workflow_command() {
    let p = project();
    let name = "scripts/ep1\n::error file=x,line=1::pwned\n%0A::warning::x.fountain";
    write(p.path(), name, "INT. A - DAY\n");
    let o = bounded(p.path(), &["check", "--format", "github"]);
    assert_exit(&o, 1);
    let mut stopped = false;
    for line in o.stdout.lines() {
        if line.starts_with("::stop-commands::") {
            stopped = true;
            continue;
        }
        if stopped {
            continue;
        }
        // Before the listing, every line is one of our annotations …
        assert!(
            line.starts_with("::error file=scripts/ep1%0A%3A%3Aerror file=x%2Cline=1%3A%3Apwned%0A%250A%3A%3Awarning%3A%3Ax.fountain,")
                || line.starts_with("::notice::"),
            "a line that is not our annotation: {line:?}\n{}",
            o.stdout
        );
        // … with the name's `,` and `:` escaped in the property (the
        // message, which may quote the name, is one line of data).
        let properties = line.split("::").nth(1).unwrap_or_default();
        assert!(!properties.contains("file=x,line=1"), "{line:?}");
    }
    for format in ["json", "sarif"] {
        let o = bounded(p.path(), &["check", "--format", format]);
        assert_exit(&o, 1);
        let v: serde_json::Value = serde_json::from_str(&o.stdout).expect("valid JSON");
        assert!(v.to_string().contains("pwned"));
    }
    let o = check(p.path(), &[]);
    assert_eq!(o.json()["diagnostics"][0]["path"], name);
    // `short` prints the name on one line.
    let o = bounded(p.path(), &["check", "--format", "short"]);
    assert_eq!(
        o.stdout.lines().filter(|l| l.contains("GA001")).count(),
        1,
        "{}",
        o.stdout
    );
    assert!(
        !o.stdout.lines().any(|l| l.starts_with("::")),
        "{}",
        o.stdout
    );
}

#[test]
fn terminal_escapes_from_files_are_never_printed_raw() {
    // A file name or a value with ESC/BEL could retitle the terminal, clear
    // it or (OSC 52) write the clipboard of whoever runs the hook. YAML's
    // `\e` escape puts a raw ESC into a value without one in the file.
    let p = project();
    write(
        p.path(),
        "vfx/shots/a.yml",
        "genai:\n  uses:\n    - {id: \"a\\e]52;c;cm0gLXJmIH4K\\a\", stage: \"\\e[2Jx\", output: text, tools: [{name: \"\\e]0;owned\\a\"}]}\n",
    );
    write(
        p.path(),
        "scripts/ep1\u{1b}]0;owned\u{7}\u{1b}[2J.fountain",
        "INT. A\n",
    );
    for format in ["human", "short", "github", "json", "sarif"] {
        let o = bounded(p.path(), &["check", "--format", format]);
        assert_exit(&o, 1);
        for (i, line) in o.stdout.lines().enumerate() {
            assert!(
                !line.contains('\u{1b}') && !line.contains('\u{7}'),
                "--format {format}, line {}: a raw control character: {line:?}",
                i + 1
            );
        }
    }
}

#[test]
fn a_symlink_pointing_outside_the_project() {
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "secret.fountain", fountain("genai: none\n"));
    write(outside.path(), "dir/a.fountain", fountain("genai: none\n"));
    let p = project();
    std::fs::create_dir_all(p.path().join("scripts")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.fountain"),
        p.path().join("scripts/ep1.fountain"),
    )
    .unwrap();
    // A relative link that climbs out.
    std::os::unix::fs::symlink(
        format!(
            "../../{}/secret.fountain",
            outside.path().file_name().unwrap().to_string_lossy()
        ),
        p.path().join("scripts/ep2.fountain"),
    )
    .unwrap();
    std::os::unix::fs::symlink(outside.path().join("dir"), p.path().join("scripts/dir")).unwrap();
    let o = check(p.path(), &[]);
    assert_exit(&o, 1);
    let msgs: Vec<(String, String)> = o
        .with_code("GA002")
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_owned(),
                d["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(msgs.len(), 2, "{msgs:?}");
    for (_, m) in &msgs {
        assert!(m.contains("points outside the project"), "{m}");
    }
    // Named on the command line: refused as well.
    let o = check(p.path(), &["scripts/ep1.fountain"]);
    assert_exit(&o, 1);
    assert_has(&o, "GA002");
    let o = bounded(p.path(), &["check", "scripts/dir/a.fountain"]);
    assert_exit(&o, 2);
    let o = bounded(p.path(), &["check", "scripts/dir"]);
    assert_ne!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
}

#[test]
fn symlinks_to_nothing_and_in_a_loop() {
    let p = project();
    std::fs::create_dir_all(p.path().join("scripts")).unwrap();
    std::os::unix::fs::symlink("nothing.fountain", p.path().join("scripts/ep1.fountain")).unwrap();
    std::os::unix::fs::symlink("ep3.fountain", p.path().join("scripts/ep2.fountain")).unwrap();
    std::os::unix::fs::symlink("ep2.fountain", p.path().join("scripts/ep3.fountain")).unwrap();
    let o = check(p.path(), &[]);
    assert_exit(&o, 1);
    assert_eq!(o.with_code("GA002").len(), 3, "{}", head(&o.stdout));
}

#[test]
fn a_symlink_inside_the_project_is_read() {
    let p = project();
    write(p.path(), "drafts/ep1.txt", fountain("genai: none\n"));
    std::fs::create_dir_all(p.path().join("scripts")).unwrap();
    std::os::unix::fs::symlink("../drafts/ep1.txt", p.path().join("scripts/ep1.fountain")).unwrap();
    let o = check(p.path(), &[]);
    assert_exit(&o, 0);
    assert_eq!(o.json()["summary"]["files_checked"], 1);
}

fn mkfifo(path: &Path) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    assert!(Command::new("mkfifo").arg(path).status().unwrap().success());
}

#[test]
fn a_named_pipe_matching_a_glob_is_never_opened() {
    let p = project();
    mkfifo(&p.path().join("scripts/ep1.fountain"));
    mkfifo(&p.path().join("vfx/shots/sh010.yml"));
    mkfifo(&p.path().join("vfx/plates/a.exr.genai.yml"));
    write(p.path(), "vfx/plates/a.exr", "");
    std::os::unix::fs::symlink("ep1.fountain", p.path().join("scripts/ep2.fountain")).unwrap();
    let o = check(p.path(), &[]);
    assert_exit(&o, 1);
    assert_eq!(o.with_code("GA002").len(), 4, "{}", head(&o.stdout));
    // Named on the command line.
    let o = check(p.path(), &["scripts/ep1.fountain"]);
    assert_exit(&o, 1);
    assert_has(&o, "GA002");
}

#[test]
fn a_named_pipe_in_a_repository() {
    let repo = TestRepo::new();
    repo.write("scripts/ep1.fountain", &fountain("genai: none\n"));
    repo.commit(WRITER, "start");
    mkfifo(&repo.path().join("scripts/ep2.fountain"));
    mkfifo(&repo.path().join(".aiclear/approvals.yml"));
    let o = check(repo.path(), &[]);
    // The ledger cannot be read: a usage error, not a hang.
    assert!(o.code == 1 || o.code == 2, "exit {}: {}", o.code, o.stderr);
    std::fs::remove_file(repo.path().join(".aiclear/approvals.yml")).unwrap();
    let o = check(repo.path(), &[]);
    assert!(o.code == 0 || o.code == 1, "exit {}: {}", o.code, o.stderr);
    let o = check(repo.path(), &["scripts/ep2.fountain"]);
    assert_exit(&o, 1);
    assert_has(&o, "GA002");
}

#[test]
fn a_directory_whose_name_matches_a_glob() {
    let p = project();
    write(p.path(), "scripts/x.fountain/notes.txt", "not a script\n");
    write(
        p.path(),
        "scripts/x.fountain/ep1.fountain",
        fountain("genai: none\n"),
    );
    std::fs::create_dir_all(p.path().join("scripts/empty.fountain")).unwrap();
    std::fs::create_dir_all(p.path().join("vfx/shots/sh010.yml")).unwrap();
    std::fs::create_dir_all(p.path().join("vfx/plates/a.exr")).unwrap();
    std::fs::create_dir_all(p.path().join("vfx/plates/b.exr.genai.yml")).unwrap();
    write(p.path(), "vfx/plates/b.exr", "");
    let o = check(p.path(), &[]);
    // b.exr's sidecar is a folder: it cannot be read, which is reported.
    assert_exit(&o, 1);
    assert_eq!(o.codes(), ["GA002"], "{}", head(&o.stdout));
    // Named on the command line: the folder's scripts are checked.
    let o = check(p.path(), &["scripts/x.fountain"]);
    assert_exit(&o, 0);
    assert_eq!(o.json()["summary"]["files_checked"], 1);
}

#[test]
fn a_folder_argument_skips_the_files_it_does_not_check() {
    // `aiclear check scripts` (or `.`) checks the matched files in the
    // folder; a README or a PDF beside them is not a usage error.
    let p = project();
    write(p.path(), "scripts/ep1.fountain", fountain("genai: none\n"));
    write(p.path(), "scripts/notes.txt", "research notes\n");
    write(p.path(), "scripts/lookbook.pdf", "%PDF-1.7\n");
    for dir in ["scripts", "."] {
        let o = check(p.path(), &[dir]);
        assert_exit(&o, 0);
        assert_eq!(o.json()["summary"]["files_checked"], 1);
    }
    // A file named on its own that aiclear does not check is still an error.
    let o = bounded(p.path(), &["check", "scripts/notes.txt"]);
    assert_exit(&o, 2);
}

#[test]
fn a_missing_path() {
    let p = project();
    let o = bounded(p.path(), &["check", "scripts/nope.fountain"]);
    assert_exit(&o, 2);
    assert!(o.stderr.contains("nope.fountain"), "{}", o.stderr);
    let o = bounded(p.path(), &["-C", "no/such/dir", "check"]);
    assert_exit(&o, 2);
    let o = bounded(
        p.path(),
        &[
            "check",
            "--format",
            "json",
            "--output",
            "no/such/dir/out.json",
        ],
    );
    assert_exit(&o, 2);
}

// ---------------------------------------------------------------------------
// Repositories

#[test]
fn a_folder_that_is_not_a_repository() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "scripts/ep1.fountain",
        fountain("genai: none\n"),
    );
    // The folder is the project root; its files are checked.
    let o = check(dir.path(), &[]);
    assert_exit(&o, 0);
    assert_eq!(o.json()["summary"]["files_checked"], 1);
    // What needs git says so.
    let o = bounded(dir.path(), &["check", "--staged"]);
    assert_exit(&o, 2);
    assert!(o.stderr.contains("repository"), "{}", o.stderr);
    let o = bounded(dir.path(), &["check", "--base", "main"]);
    assert_exit(&o, 2);
    assert!(o.stderr.contains("repository"), "{}", o.stderr);
    // A `.git` that is a file pointing nowhere.
    write(dir.path(), ".git", "gitdir: /nonexistent/place\n");
    let o = bounded(dir.path(), &["check", "--staged"]);
    assert_exit(&o, 2);
}

#[test]
fn an_empty_repository_with_staged_files_and_no_commit() {
    let repo = TestRepo::new();
    repo.write(
        "scripts/ep1.fountain",
        &fountain(
            "genai:\n  disclosed: { to: M, on: 2025-09-02 }\n  uses:\n    - id: aria\n      stage: previs\n      output: image\n      elements: [main-character]\n      tools: [{ name: x, enterprise: true, trains-on-inputs: false }]\n",
        ),
    );
    repo.write("scripts/ep2.fountain", "INT. A\n");
    repo.git(&["add", "-A"]);
    let o = check(repo.path(), &["--staged"]);
    assert_exit(&o, 1);
    assert_eq!(o.codes(), ["GA201", "GA001"], "{}", head(&o.stdout));
    // A ledger staged in the same first commit is pending, not trusted.
    repo.write(
        ".aiclear/approvals.yml",
        "- id: NFX-1\n  granted-by: mei.chen@netflix.example.com\n  granted-on: 2025-09-05\n  covers:\n    - { path: scripts/ep1.fountain, use: aria, rules: [GA201] }\n",
    );
    repo.write("scripts/ep2.fountain", &fountain("genai: none\n"));
    repo.git(&["add", "-A"]);
    let o = check(repo.path(), &["--staged"]);
    assert!(o.code == 0 || o.code == 1, "exit {}", o.code);
    assert_has(&o, "GA601");
    // A range over a repository without commits is not a pass.
    let o = check(repo.path(), &["--base", "main"]);
    assert!(o.code == 2 || o.code == 3, "exit {}: {}", o.code, o.stderr);
}

#[test]
fn a_bare_repository_with_base() {
    let repo = TestRepo::new();
    repo.write(
        ".aiclear/config.yml",
        "approvers:\n  - { email: mei.chen@netflix.example.com }\n",
    );
    repo.write("scripts/ep1.fountain", &fountain("genai: none\n"));
    let base = repo.commit(APPROVER, "start");
    repo.write(
        "scripts/ep1.fountain",
        &fountain(
            "genai:\n  disclosed: { to: M, on: 2025-09-02 }\n  uses:\n    - id: aria\n      stage: previs\n      output: image\n      elements: [main-character]\n      tools: [{ name: x, enterprise: true, trains-on-inputs: false }]\n",
        ),
    );
    // Hostile content committed on the branch.
    repo.write("vfx/shots/sh010.yml", &alias_bomb("genai"));
    repo.commit(WRITER, "aria");
    let bare = repo.clone_to(&["--bare"]);
    let dir = bare.path().join("clone");
    let o = check(&dir, &["--base", &base]);
    assert_exit(&o, 1);
    assert_has(&o, "GA201");
    assert_has(&o, "GA002");
    // Without `--base` a bare repository has no work tree or index to
    // check: "checked 0 files: no problems found" would be a silent pass.
    let o = bounded(&dir, &["check", "--staged"]);
    assert_exit(&o, 2);
    // A base that does not exist.
    let o = check(&dir, &["--base", "no-such-branch"]);
    assert!(o.code == 2 || o.code == 3, "exit {}: {}", o.code, o.stderr);
}

#[test]
fn hostile_files_committed_in_a_range() {
    // The same hostile inputs read from git objects (the index and trees),
    // where there is no file system to ask: symlinks are blobs.
    let repo = TestRepo::new();
    repo.write("scripts/ep1.fountain", &fountain("genai: none\n"));
    let base = repo.commit(WRITER, "start");
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "secret.fountain", fountain("genai: none\n"));
    std::os::unix::fs::symlink(
        outside.path().join("secret.fountain"),
        repo.path().join("scripts/ep2.fountain"),
    )
    .unwrap();
    repo.write(
        "vfx/shots/sh010.yml",
        &format!("genai: {}{}\n", "[".repeat(100_000), "]".repeat(100_000)),
    );
    let mut big = b"/*\n---\ngenai: none\n---\n*/\n".to_vec();
    big.extend(std::iter::repeat_n(b'A', 50 << 20));
    write(repo.path(), "scripts/ep3.fountain", &big);
    repo.git(&["add", "-A"]);
    // Staged …
    let o = check(repo.path(), &["--staged"]);
    assert_exit(&o, 1);
    let paths: Vec<String> = o.json()["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        paths.contains(&"scripts/ep2.fountain".to_owned()),
        "{paths:?}"
    );
    assert!(
        paths.contains(&"vfx/shots/sh010.yml".to_owned()),
        "{paths:?}"
    );
    // … and committed.
    repo.commit(WRITER, "hostile");
    let o = check(repo.path(), &["--base", &base]);
    assert_exit(&o, 1);
    let paths: Vec<String> = o.json()["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        paths.contains(&"scripts/ep2.fountain".to_owned()),
        "{paths:?}"
    );
    assert!(
        paths.contains(&"vfx/shots/sh010.yml".to_owned()),
        "{paths:?}"
    );
    assert!(
        !paths.contains(&"scripts/ep3.fountain".to_owned()),
        "{paths:?}"
    );
}

#[test]
fn a_change_cannot_empty_the_trusted_watchlist() {
    // The watchlist is part of the policy: in a range check it is read from
    // the base, like the config that names it.
    let repo = TestRepo::new();
    repo.write(
        ".aiclear/config.yml",
        "watchlist: .aiclear/watchlist.txt\napprovers:\n  - { email: mei.chen@netflix.example.com }\n",
    );
    repo.write(".aiclear/watchlist.txt", "Stormtrooper\n");
    repo.write("scripts/ep1.fountain", &fountain("genai: none\n"));
    let base = repo.commit(APPROVER, "start");
    repo.write(".aiclear/watchlist.txt", "# nothing to see\n");
    repo.write(
        "scripts/ep1.fountain",
        &fountain(
            "genai:\n  disclosed: { to: M, on: 2025-09-02 }\n  uses:\n    - id: crowd\n      stage: ideation\n      output: image\n      prompts: [\"a crowd of stormtrooper extras\"]\n      tools: [{ name: x, enterprise: true, trains-on-inputs: false }]\n",
        ),
    );
    repo.commit(WRITER, "crowd");
    let o = check(repo.path(), &["--base", &base]);
    assert_exit(&o, 1);
    assert_has(&o, "GA202");
    // Control: with the base's watchlist in the work tree, GA202 fires.
    repo.git(&["checkout", &base, "--", ".aiclear/watchlist.txt"]);
    let o = check(repo.path(), &[]);
    assert_exit(&o, 1);
    assert_has(&o, "GA202");
}

#[test]
fn a_watchlist_outside_the_project_is_refused() {
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "list.txt", "Stormtrooper\n");
    let p = project();
    write(
        p.path(),
        ".aiclear/config.yml",
        format!("watchlist: {}\n", outside.path().join("list.txt").display()),
    );
    write(p.path(), "scripts/ep1.fountain", fountain("genai: none\n"));
    let o = bounded(p.path(), &["check"]);
    assert_exit(&o, 2);
    let q = project();
    write(
        q.path(),
        ".aiclear/config.yml",
        "watchlist: ../../../../etc/passwd\n",
    );
    write(q.path(), "scripts/ep1.fountain", fountain("genai: none\n"));
    let o = bounded(q.path(), &["check"]);
    assert_exit(&o, 2);
}

#[test]
fn a_ledger_document_outside_the_repository_or_through_a_link_is_refused() {
    let p = project();
    write(p.path(), "scripts/ep1.fountain", fountain("genai: none\n"));
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "approval.pdf", "%PDF-1.7\n");
    std::fs::create_dir_all(p.path().join("approvals")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        outside.path().join("approval.pdf"),
        p.path().join("approvals/link.pdf"),
    )
    .unwrap();
    write(
        p.path(),
        ".aiclear/approvals.yml",
        "- id: NFX-1\n  granted-by: a@b.c\n  granted-on: 2025-09-05\n  document: ../../etc/passwd\n  covers: [{ path: scripts/ep1.fountain }]\n- id: NFX-2\n  granted-by: a@b.c\n  granted-on: 2025-09-05\n  document: /etc/passwd\n  covers: [{ path: scripts/ep1.fountain }]\n- id: NFX-3\n  granted-by: a@b.c\n  granted-on: 2025-09-05\n  document: approvals/link.pdf\n  covers: [{ path: scripts/ep1.fountain }]\n",
    );
    let o = check(p.path(), &[]);
    assert_exit(&o, 1);
    let messages: Vec<String> = o
        .with_code("GA004")
        .iter()
        .map(|d| d["message"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(messages.len(), 3, "{messages:?}");
    assert!(
        messages
            .iter()
            .filter(|m| m.contains("outside the repository"))
            .count()
            == 2
    );
    assert!(messages.iter().any(|m| m.contains("symbolic link")));
}
