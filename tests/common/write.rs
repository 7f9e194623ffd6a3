//! Helpers for the tests of the commands that write (`annotate`, `approve`,
//! `init`): runs with a controlled environment, the corpus, and the check
//! that a file changed by exactly one insertion.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Output;

use super::common::corpus;

/// Run aiclear in `dir` with colour off and git isolated, plus `env`.
pub fn aiclear(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = super::common::isolation::aiclear(dir);
    cmd.args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("aiclear runs")
}

/// stdout of a run that must succeed.
pub fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The bytes `after` adds to `before`, asserting that `after` is `before`
/// with one contiguous run of bytes inserted and nothing else changed.
pub fn inserted<'a>(before: &[u8], after: &'a [u8]) -> &'a [u8] {
    let prefix = before.iter().zip(after).take_while(|(a, b)| a == b).count();
    let max_suffix = before.len() - prefix;
    let suffix = before[prefix..]
        .iter()
        .rev()
        .zip(after[prefix..].iter().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    assert_eq!(
        prefix + suffix,
        before.len(),
        "more than one insertion: the files differ after byte {prefix}"
    );
    &after[prefix..after.len() - suffix]
}

/// Every Fountain script of the corpus.
pub fn fountain_corpus() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in std::fs::read_dir(corpus().join("fountain")).unwrap() {
        for f in std::fs::read_dir(dir.unwrap().path()).unwrap() {
            files.push(f.unwrap().path());
        }
    }
    files.sort();
    assert!(files.len() >= 20, "the corpus is missing");
    files
}

/// Every timeline and metadata file of the corpus.
pub fn metadata_corpus() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for sub in ["otio", "vfx-metadata"] {
        for f in std::fs::read_dir(corpus().join(sub)).unwrap() {
            files.push(f.unwrap().path());
        }
    }
    files.sort();
    files
}

pub fn name(p: &Path) -> String {
    p.file_name().unwrap().to_string_lossy().into_owned()
}
