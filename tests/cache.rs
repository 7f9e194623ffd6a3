//! `aiclear check` in the work tree skips files an earlier check found
//! clean, as long as their metadata says they have not changed.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use common::*;

const CLEAN: &str = "Title: X\n\n/*\n---\ngenai: none\n---\n*/\n\nINT. ROOM - DAY\n";
const BAD: &str = "Title: X\n\nINT. ROOM - DAY\n";

fn git(dir: &Path, args: &[&str]) {
    let out = common::isolation::git(dir).args(args).output().unwrap();
    assert!(out.status.success(), "git {args:?}");
}

/// A repository with two clean scripts and one without a declaration,
/// written long enough ago (for the clock's granularity) to be kept.
fn production() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    write(
        dir.path(),
        ".aiclear/config.yml",
        "files:\n  scripts: ['**/*.fountain']\n",
    );
    write(dir.path(), "scripts/a.fountain", CLEAN);
    write(dir.path(), "scripts/b.fountain", CLEAN);
    write(dir.path(), "scripts/c.fountain", BAD);
    std::thread::sleep(Duration::from_millis(300));
    dir
}

/// The JSON report and how many files came from the cache.
fn check(dir: &Path, extra: &[&str]) -> (serde_json::Value, usize) {
    let mut args = vec!["check", "--format", "json", "--timings"];
    args.extend_from_slice(extra);
    let out = run(dir, &args);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let cached = stderr
        .lines()
        .find(|l| l.contains("known clean from an earlier check"))
        .and_then(|l| l.split_whitespace().next())
        .map_or(0, |n| n.parse().unwrap());
    (report, cached)
}

#[test]
fn a_second_check_gives_the_same_report_without_reading_clean_files() {
    let dir = production();
    let (first, cached) = check(dir.path(), &[]);
    assert_eq!(cached, 0);
    assert_eq!(codes(&first), ["GA001"], "{first:#}");
    let (second, cached) = check(dir.path(), &[]);
    assert_eq!(cached, 2, "the two clean scripts");
    assert_eq!(second, first);
    // The file without a declaration is read and reported every time.
    let (third, cached) = check(dir.path(), &[]);
    assert_eq!((third, cached), (first, 2));
}

#[test]
fn an_edit_that_keeps_the_size_and_the_modification_time_is_seen() {
    let dir = production();
    check(dir.path(), &[]);
    let path = dir.path().join("scripts/b.fountain");
    let mtime = std::fs::metadata(&path).unwrap().modified().unwrap();
    // Same length, now invalid, and the modification time set back.
    let edited = CLEAN.replace("genai: none", "genai: nope");
    assert_eq!(edited.len(), CLEAN.len());
    std::fs::write(&path, &edited).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    assert_eq!(std::fs::metadata(&path).unwrap().modified().unwrap(), mtime);
    let (report, cached) = check(dir.path(), &[]);
    assert_eq!(cached, 1, "only a.fountain");
    let paths = paths(&report);
    assert!(paths.contains(&"scripts/b.fountain"), "{report:#}");
}

#[test]
fn another_configuration_ledger_or_flag_reads_everything() {
    let dir = production();
    check(dir.path(), &[]);
    assert_eq!(check(dir.path(), &[]).1, 2);
    // A comment in the configuration is a new configuration.
    write(
        dir.path(),
        ".aiclear/config.yml",
        "# edited\nfiles:\n  scripts: ['**/*.fountain']\n",
    );
    assert_eq!(check(dir.path(), &[]).1, 0);
    assert_eq!(check(dir.path(), &[]).1, 2);
    write(dir.path(), ".aiclear/approvals.yml", "# none yet\n");
    assert_eq!(check(dir.path(), &[]).1, 0);
    assert_eq!(check(dir.path(), &["--no-cache"]).1, 0);
    // What is staged is always read from the index.
    git(dir.path(), &["add", "."]);
    assert_eq!(check(dir.path(), &["--staged"]).1, 0);
}

#[test]
fn no_cache_writes_nothing_and_a_damaged_cache_is_ignored() {
    let dir = production();
    let (first, _) = check(dir.path(), &["--no-cache"]);
    assert!(!dir.path().join(".git/aiclear").exists());
    check(dir.path(), &[]);
    let cache_dir = dir.path().join(".git/aiclear");
    let file = std::fs::read_dir(&cache_dir)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    std::fs::write(&file, b"{\"format\":1,\"entries\":[").unwrap();
    let (report, cached) = check(dir.path(), &[]);
    assert_eq!((report, cached), (first, 0));
    // The work tree holds nothing of it.
    let status = common::isolation::git(dir.path())
        .args(["status", "--porcelain", "--ignored"])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&status.stdout).contains("aiclear/check"));
}

/// Another build of aiclear (here: the same binary copied, as a rebuild
/// would leave it) does not trust what this one found.
#[test]
fn another_build_reads_everything() {
    let dir = production();
    check(dir.path(), &[]);
    assert_eq!(check(dir.path(), &[]).1, 2);
    let other = tempfile::tempdir().unwrap();
    let copy = other.path().join("aiclear");
    std::fs::copy(bin(), &copy).unwrap();
    let mut cmd = Command::new(&copy);
    let out = common::isolation::isolate(&mut cmd)
        .current_dir(dir.path())
        .args(["check", "--format", "json", "--timings"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("known clean"), "{stderr}");
}

#[test]
fn replacing_a_plate_checks_its_sidecar_again() {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    let media = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/media/generated");
    let plate = dir.path().join("vfx/plate.png");
    write(dir.path(), "vfx/plate.png.genai.yml", "genai: none\n");
    write(
        dir.path(),
        "vfx/plate.png",
        std::fs::read(media.join("plain.png")).unwrap(),
    );
    std::thread::sleep(Duration::from_millis(300));
    let (first, cached) = check(dir.path(), &[]);
    assert_eq!((codes(&first), cached), (Vec::<String>::new(), 0));
    let (_, cached) = check(dir.path(), &[]);
    assert_eq!(cached, 1, "the sidecar is known clean");
    // A generated plate in its place; the sidecar itself is unchanged.
    std::fs::write(&plate, std::fs::read(media.join("composite.png")).unwrap()).unwrap();
    let (after, cached) = check(dir.path(), &[]);
    assert_eq!((codes(&after), cached), (vec!["GA701".to_owned()], 0));
}
