//! Hostile inputs: every one must end in a clear exit code and, where the
//! input is malformed, a diagnostic — within a few seconds and bounded memory.
//! aiclear guards legal sign-off: a crash, a hang or a silent pass is a failure
//! of the one job it has.
//!
//! Each case runs the real binary under a watchdog ([`bounded`]): it is killed
//! and the test fails when it runs longer than [`TIME_LIMIT`], and its peak
//! resident memory (from `/usr/bin/time`, else `/proc/PID/status`) must stay
//! under [`MEMORY_LIMIT_KB`]. Big inputs are generated here, never committed.

#[path = "../common/mod.rs"]
mod common;

mod bytes;
mod config;
mod names;
mod repositories;
mod yaml;

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

    /// The paths of the diagnostics that carry `code`, in report order.
    fn paths_with_code(&self, code: &str) -> Vec<String> {
        self.with_code(code)
            .iter()
            .map(|d| d["path"].as_str().unwrap().to_owned())
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
    let out = child.stdout.take().unwrap();
    let err = child.stderr.take().unwrap();
    let out_thread = drain(out);
    let err_thread = drain(err);
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
    let timed = time.exists().then(|| rss_file.path());
    let peak_kb = peak_or_signal(timed, status, polled_peak, args, &stderr);
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

/// Read a pipe to its end on a thread of its own.
fn drain(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = pipe.read_to_end(&mut v);
        v
    })
}

/// The peak resident memory of a finished run (from `time -o`'s report
/// when it ran under `time`, else as polled); a run killed by a signal fails.
fn peak_or_signal(
    timed: Option<&Path>,
    status: std::process::ExitStatus,
    polled_peak: Option<u64>,
    args: &[&str],
    stderr: &str,
) -> Option<u64> {
    let mut peak_kb = polled_peak;
    if let Some(report) = timed {
        // `time -o` writes "Command exited with non-zero status N" or
        // "Command terminated by signal N" before the figure.
        let report = std::fs::read_to_string(report).unwrap_or_default();
        if let Some(sig) = report
            .lines()
            .find_map(|l| l.strip_prefix("Command terminated by signal "))
        {
            panic!(
                "aiclear {args:?} was killed by signal {sig}\nstderr: {}",
                head(stderr)
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
                head(stderr)
            );
        }
    }
    peak_kb
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
