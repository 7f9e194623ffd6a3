//! Names, links and special files.

use super::*;

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
    // folder; notes or a slide deck beside them are not a usage error.
    let p = project();
    write(p.path(), "scripts/ep1.fountain", fountain("genai: none\n"));
    write(p.path(), "scripts/notes.txt", "research notes\n");
    write(p.path(), "scripts/lookbook.key", "deck\n");
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
