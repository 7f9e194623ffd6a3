//! What is checked: the base a pull request is judged against, `scope`,
//! `paths` and the inputs.

use super::*;

/// The attack that a check of the work tree lets through: a pull request that
/// makes its author an approver, grants itself the approval its new use
/// needs, and drops the script that would still fail a full check.
fn self_approving_branch(o: &Origin) -> String {
    let repo = &o.repo;
    repo.git(&["checkout", "-q", "-b", "self-approve", &o.c3]);
    repo.write(
        ".aiclear/config.yml",
        &format!(
            "{CONFIG}  - {{ email: {}, name: {} }}\n",
            WRITER.1, WRITER.0
        ),
    );
    repo.write(
        ".aiclear/approvals.yml",
        &format!(
            "{LEDGER}- id: NFX-2\n  granted-by: {}\n  granted-on: 2025-09-20\n  covers:\n    \
             - {{ path: scripts/ep1.fountain, use: relay-sign, rules: [GA205] }}\n    \
             - {{ path: scripts/ep3.fountain, use: relay-sign, rules: [GA205] }}\n",
            WRITER.1
        ),
    );
    repo.write("scripts/ep1.fountain", &script(&format!("{ARIA}{SIGN}")));
    repo.remove("scripts/legacy.fountain");
    let head = repo.commit(WRITER, "Ep. 1: relay station signage, approved");
    repo.git(&["checkout", "-q", "main"]);
    head
}

#[test]
fn pull_requests_and_merge_groups_are_judged_against_the_base_whatever_scope_or_paths_say() {
    let o = origin();
    let head = self_approving_branch(&o);
    let ws = o.full_clone(&head);

    // The control: a check of the work tree trusts the branch's own
    // configuration and ledger, and passes.
    for (input, value) in [("scope", "all"), ("paths", "scripts/ep1.fountain")] {
        let run = Sim::new(
            ws.path(),
            "workflow_dispatch",
            payload("workflow_dispatch.json"),
        )
        .input(input, value)
        .run();
        assert_eq!(run.output("base"), "", "{input}: {run:#?}");
        assert_eq!(run.output("exit-code"), "0", "{input}: {run:#?}");
        assert!(run.success, "{input}: {run:#?}");
    }

    let mut merge_group = payload("merge_group.json");
    set(&mut merge_group, "/merge_group/base_sha", &o.c3);
    set(&mut merge_group, "/merge_group/head_sha", &head);
    let events = [
        ("pull_request", pr_payload(&o.c3, &head)),
        ("pull_request_target", pr_payload(&o.c3, &head)),
        ("merge_group", merge_group),
    ];
    let inputs: [&[(&str, &str)]; 4] = [
        &[("scope", "all")],
        &[("paths", "scripts/ep1.fountain")],
        &[("paths", "notes.txt")],
        &[("scope", "all"), ("paths", "notes.txt")],
    ];
    for (event, p) in &events {
        for inputs in inputs {
            let mut sim = Sim::new(ws.path(), event, p.clone());
            for (name, value) in inputs {
                sim = sim.input(name, value);
            }
            let run = sim.run();
            let what = format!("{event} {inputs:?}");
            assert_eq!(run.output("base"), o.c3, "{what}: {run:#?}");
            assert_eq!(run.output("head"), head, "{what}");
            assert_eq!(run.output("exit-code"), "1", "{what}: {run:#?}");
            assert_eq!(run.output("history-complete"), "true", "{what}");
            assert!(
                run.sarif_paths()
                    .contains(&"scripts/ep1.fountain".to_owned()),
                "{what}: {:?}",
                run.sarif_paths()
            );
            assert!(!run.success, "{what}");
            assert_eq!(run.failed.as_ref().unwrap().1, 1, "{what}: {run:#?}");
            let notice = |start: &str| {
                run.stdout
                    .lines()
                    .any(|l| l.starts_with(&format!("::notice title=aiclear::{start}")))
            };
            let scope_all = inputs.iter().any(|(n, _)| *n == "scope");
            assert_eq!(
                notice(&format!(
                    "scope: all on a {event} event checks every matched file at head within the range"
                )),
                scope_all,
                "{what}: {}",
                run.stdout
            );
            assert_eq!(
                notice(&format!("paths is ignored on a {event} event")),
                inputs.iter().any(|(n, _)| *n == "paths"),
                "{what}: {}",
                run.stdout
            );
            if scope_all {
                // Every matched file at head, ep3 too, which the range
                // did not change.
                assert!(
                    run.sarif_paths()
                        .contains(&"scripts/ep3.fountain".to_owned()),
                    "{what}: {:?}",
                    run.sarif_paths()
                );
            }
        }
    }
}

#[test]
fn a_pull_request_without_a_base_is_refused_not_checked_as_a_work_tree() {
    let o = origin();
    let ws = o.full_clone(&o.feature);
    for (event, pointer) in [
        ("pull_request", "/pull_request/base"),
        ("merge_group", "/merge_group"),
    ] {
        let mut p = if event == "merge_group" {
            payload("merge_group.json")
        } else {
            o.pull_request()
        };
        p.pointer_mut(pointer)
            .unwrap()
            .as_object_mut()
            .unwrap()
            .retain(|k, _| k != "base_sha" && k != "sha");
        let run = Sim::new(ws.path(), event, p).input("scope", "all").run();
        assert_eq!(
            run.failed,
            Some(("range".to_owned(), 2)),
            "{event}: {run:#?}"
        );
        assert!(
            run.stdout.contains("gives no base commit"),
            "{event}: {}",
            run.stdout
        );
        assert_eq!(run.output("exit-code"), "");
    }
}

/// What this project's CI job does (.github/workflows/ci.yml, job `action`):
/// the bundled example, checked whole.
#[test]
fn scope_all_checks_the_example_production_whole() {
    let repo = TestRepo::new();
    copy_dir(
        &crate_dir().join("examples/pilot"),
        &repo.path().join("examples/pilot"),
    );
    // As in this repository, the ledger's entry is committed by its approver.
    let base = repo.commit(APPROVER, "the pilot");
    repo.write("README.md", "THE LAST SIGNAL\n");
    let head = repo.commit(WRITER, "readme");

    // A push or a run by hand: the work tree, without history.
    let run = Sim::new(
        repo.path(),
        "workflow_dispatch",
        payload("workflow_dispatch.json"),
    )
    .input("config", "examples/pilot")
    .input("scope", "all")
    .run();
    assert_eq!(run.output("base"), "", "{run:#?}");
    assert_eq!(run.output("exit-code"), "1");
    assert_eq!(run.output("errors"), "6");
    assert_eq!(run.output("warnings"), "2");
    assert_eq!(run.output("history-complete"), "true");
    let whole = run.sarif_paths();
    assert!(
        whole.iter().all(|p| p.starts_with("examples/pilot/")),
        "{whole:?}"
    );
    assert!(!run.success);

    // A pull request: every file at head, within the range, with the
    // history rules, and the same findings.
    let run = Sim::new(repo.path(), "pull_request", pr_payload(&base, &head))
        .input("config", "examples/pilot")
        .input("scope", "all")
        .run();
    assert_eq!(run.output("base"), base, "{run:#?}");
    assert_eq!(run.output("head"), head);
    assert_eq!(run.output("exit-code"), "1");
    assert_eq!(run.output("errors"), "6", "{run:#?}");
    assert_eq!(run.output("warnings"), "2");
    assert_eq!(run.output("history-complete"), "true");
    assert_eq!(
        run.sarif_paths(),
        whole,
        "every matched file, not only the changed"
    );
    assert!(
        run.summary.contains("History: verified 1 commit"),
        "{}",
        run.summary
    );
    assert!(!run.success);

    // Without `scope: all` the pull request changed no production file.
    let run = Sim::new(repo.path(), "pull_request", pr_payload(&base, &head))
        .input("config", "examples/pilot")
        .run();
    assert_eq!(run.output("base"), base, "{run:#?}");
    assert_eq!(run.output("exit-code"), "0", "{run:#?}");
    assert!(run.success);
}

/// A pull request from `head` into a branch at `base`.
fn pr_payload(base: &str, head: &str) -> Value {
    let mut p = payload("pull_request.json");
    set(&mut p, "/pull_request/base/sha", base);
    set(&mut p, "/pull_request/head/sha", head);
    p
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn bad_inputs_fail_before_anything_runs() {
    let o = origin();
    let ws = o.full_clone("main");
    for (input, value) in [
        ("fail-on", "never"),
        ("history", "maybe"),
        ("summary", "yes"),
        ("max-annotations", "ten"),
        ("scope", "everything"),
        ("config", "no/such/folder"),
    ] {
        let run = Sim::new(
            ws.path(),
            "workflow_dispatch",
            payload("workflow_dispatch.json"),
        )
        .input(input, value)
        .run();
        assert_eq!(
            run.failed,
            Some(("prepare".to_owned(), 2)),
            "{input}: {value}: {run:#?}"
        );
        assert!(run.stdout.contains("::error title=aiclear::"), "{run:#?}");
        assert_eq!(run.output("exit-code"), "");
    }
}

// --- the linters -------------------------------------------------------------
