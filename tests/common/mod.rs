//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod attack;
pub mod git;
pub mod isolation;
pub mod tools;

use std::path::{Path, PathBuf};
use std::process::Output;

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_aiclear"))
}

/// Run aiclear in `dir` with `args`, with colour off and git isolated.
pub fn run(dir: &Path, args: &[&str]) -> Output {
    isolation::aiclear(dir)
        .args(args)
        .output()
        .expect("aiclear runs")
}

/// `aiclear check --format json` in `dir`; the parsed report and exit code.
pub fn check_json(dir: &Path, extra: &[&str]) -> (serde_json::Value, i32) {
    let mut args = vec!["check", "--format", "json"];
    args.extend_from_slice(extra);
    let out = run(dir, &args);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let json = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {stdout}\nstderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (json, out.status.code().unwrap_or(-1))
}

/// The codes of a JSON report's diagnostics, in order.
pub fn codes(report: &serde_json::Value) -> Vec<String> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap_or("").to_owned())
        .collect()
}

/// The paths of a JSON report's diagnostics, in order.
pub fn paths(report: &serde_json::Value) -> Vec<&str> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap())
        .collect()
}

/// Write a file, creating its folders.
pub fn write(root: &Path, rel: &str, bytes: impl AsRef<[u8]>) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// A fresh project folder with an `.aiclear/` marker.
pub fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join(".aiclear")).unwrap();
    dir
}

pub fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

/// A small deterministic generator (xorshift), so that a failing mutation
/// test replays exactly.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}
