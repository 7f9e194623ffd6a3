//! Each event the action runs on, and the history it fetches and checks.

use super::*;

#[test]
fn a_pull_request_on_a_shallow_checkout_is_deepened_and_checked() {
    let o = origin();
    let ws = o.checkout("+refs/pull/42/merge:refs/remotes/pull/42/merge");
    assert!(is_shallow(ws.path()));
    let run = Sim::new(ws.path(), "pull_request", o.pull_request()).run();

    // The PR's own base and head, not the merge commit checked out.
    assert_eq!(run.output("base"), o.c3, "{run:#?}");
    assert_eq!(run.output("head"), o.feature);
    assert!(!is_shallow(ws.path()), "the clone was completed");
    assert_eq!(run.output("exit-code"), "1", "{run:#?}");
    assert_eq!(run.output("errors"), "1");
    assert_eq!(run.output("warnings"), "1");
    assert_eq!(run.output("history-complete"), "true");
    // Only ep1 changed in the PR: not ep3 (on main since) nor ep9 (only in
    // the merge commit), nor the legacy script (a full check's).
    assert_eq!(run.sarif_paths(), ["scripts/ep1.fountain"], "{run:#?}");
    assert_eq!(run.sarif()["version"], "2.1.0");
    assert!(
        run.stdout
            .lines()
            .any(|l| l.starts_with("::error file=scripts/ep1.fountain,") && l.contains("GA205")),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .lines()
            .any(|l| l.starts_with("::warning file=scripts/ep1.fountain,")),
        "{}",
        run.stdout
    );
    assert!(run.summary.contains("GA205"), "summary: {}", run.summary);
    // The approval that `aria` relies on was traced to the approver's
    // commit, which only the completed history has: no GA601, no GA201.
    assert_eq!(run.rule_ids(), ["GA102", "GA205"], "{run:#?}");
    // Errors fail the step.
    assert!(!run.success);
    assert_eq!(run.failed.as_ref().unwrap().1, 1, "{run:#?}");
}

#[test]
fn history_require_on_a_shallow_checkout_fails_with_exit_code_3() {
    let o = origin();
    let ws = o.checkout("+refs/pull/42/merge:refs/remotes/pull/42/merge");
    let run = Sim::new(ws.path(), "pull_request", o.pull_request())
        .input("history", "require")
        .run();
    assert!(is_shallow(ws.path()), "nothing was fetched");
    assert_eq!(run.output("exit-code"), "3", "{run:#?}");
    assert_eq!(run.output("history-complete"), "false");
    assert!(!run.success);
    assert_eq!(run.failed.as_ref().unwrap().1, 3, "{run:#?}");
    assert!(run.stdout.contains("GA606"), "{}", run.stdout);
    assert!(run.stdout.contains("fetch-depth: 0"), "{}", run.stdout);
}

#[test]
fn a_new_branch_is_compared_with_its_merge_base_with_the_default_branch() {
    let o = origin();
    // What actions/checkout fetches for a push: the pushed commit alone.
    let ws = o.checkout(&format!("+{}:refs/remotes/origin/relay-signage", o.feature));
    let mut p = payload("push-new-branch.json");
    set(&mut p, "/after", &o.feature);
    set(&mut p, "/head_commit/id", &o.feature);
    assert_eq!(p["before"], "0000000000000000000000000000000000000000");
    assert_eq!(p["repository"]["default_branch"], "main");
    let run = Sim::new(ws.path(), "push", p).run();
    assert_eq!(run.output("base"), o.c1, "the fork point: {run:#?}");
    assert_eq!(run.output("head"), o.feature);
    assert_eq!(run.output("exit-code"), "1");
    assert_eq!(run.output("errors"), "1");
    assert_eq!(run.sarif_paths(), ["scripts/ep1.fountain"]);
    assert_eq!(run.output("history-complete"), "true");
}

#[test]
fn a_force_push_whose_old_tip_is_gone_falls_back_to_the_default_branch() {
    let o = origin();
    let ws = o.checkout(&format!("+{}:refs/remotes/origin/relay-signage", o.feature));
    let mut p = payload("push.json");
    set(&mut p, "/ref", "refs/heads/relay-signage");
    set(
        &mut p,
        "/before",
        "1111111111111111111111111111111111111111",
    );
    set(&mut p, "/after", &o.feature);
    let run = Sim::new(ws.path(), "push", p)
        .env("AICLEAR_FETCH_ATTEMPTS", "1")
        .run();
    assert!(
        run.stdout.contains("comparing with main instead"),
        "{run:#?}"
    );
    assert_eq!(run.output("base"), o.c1, "{run:#?}");
    assert_eq!(run.output("errors"), "1");
    assert_eq!(run.output("history-complete"), "true");
}

#[test]
fn a_base_that_cannot_be_fetched_never_passes() {
    let o = origin();
    let ws = o.checkout("+refs/pull/42/merge:refs/remotes/pull/42/merge");
    let mut p = o.pull_request();
    set(
        &mut p,
        "/pull_request/base/sha",
        "2222222222222222222222222222222222222222",
    );
    let run = Sim::new(ws.path(), "pull_request", p)
        .env("AICLEAR_FETCH_ATTEMPTS", "2")
        .run();
    assert_eq!(run.output("exit-code"), "3", "{run:#?}");
    assert_eq!(run.output("history-complete"), "false");
    assert_eq!(run.failed.as_ref().unwrap().1, 3);
    assert!(run.stdout.contains("failed 2 times"), "{run:#?}");
}

#[test]
fn a_push_checks_before_to_after() {
    let o = origin();
    let ws = o.checkout(&format!("+{}:refs/remotes/origin/main", o.c3));
    let mut p = payload("push.json");
    set(&mut p, "/before", &o.c1);
    set(&mut p, "/after", &o.c3);
    let run = Sim::new(ws.path(), "push", p).run();
    assert_eq!(run.output("base"), o.c1, "{run:#?}");
    assert_eq!(run.output("head"), o.c3);
    assert_eq!(run.sarif_paths(), ["scripts/ep3.fountain"], "{run:#?}");
    assert_eq!(run.output("errors"), "1");
    assert_eq!(run.output("warnings"), "0");
}

#[test]
fn a_merge_group_checks_base_sha_to_head_sha() {
    let o = origin();
    let ws = o.full_clone(&o.queue);
    let mut p = payload("merge_group.json");
    set(&mut p, "/merge_group/base_sha", &o.c3);
    set(&mut p, "/merge_group/head_sha", &o.queue);
    set(
        &mut p,
        "/merge_group/head_ref",
        &format!("refs/heads/{QUEUE_REF}"),
    );
    let run = Sim::new(ws.path(), "merge_group", p).run();
    assert_eq!(run.output("base"), o.c3, "{run:#?}");
    assert_eq!(run.output("head"), o.queue);
    assert_eq!(run.sarif_paths(), ["scripts/ep1.fountain"], "{run:#?}");
    assert_eq!(run.output("exit-code"), "1");
}

#[test]
fn workflow_dispatch_checks_every_file_and_needs_no_history() {
    let o = origin();
    let ws = o.checkout("+refs/heads/main:refs/remotes/origin/main");
    let run = Sim::new(
        ws.path(),
        "workflow_dispatch",
        payload("workflow_dispatch.json"),
    )
    .run();
    assert!(is_shallow(ws.path()), "a full check fetches nothing");
    assert_eq!(run.output("base"), "");
    assert_eq!(run.output("head"), "");
    // The shallow clone cannot show who granted the ledger's entry: a
    // warning there, and the approval still clears ep1.
    assert_eq!(
        run.sarif_paths(),
        [
            ".aiclear/approvals.yml",
            "scripts/ep3.fountain",
            "scripts/legacy.fountain"
        ],
        "{run:#?}"
    );
    assert_eq!(run.output("exit-code"), "1");
    assert_eq!(run.output("history-complete"), "true");
}

#[test]
fn inputs_override_the_event_and_fail_on_decides_about_warnings() {
    let o = origin();
    let ws = o.full_clone(&o.warn_only);
    let sim = Sim::new(
        ws.path(),
        "workflow_dispatch",
        payload("workflow_dispatch.json"),
    )
    .input("base", &o.c1)
    .input("head", "warn-only");
    let run = sim.run();
    assert_eq!(run.output("base"), o.c1, "{run:#?}");
    assert_eq!(run.output("head"), o.warn_only);
    assert_eq!(run.output("exit-code"), "0");
    assert_eq!(run.output("errors"), "0");
    assert_eq!(run.output("warnings"), "1");
    assert!(run.success, "warnings pass with fail-on: error: {run:#?}");

    let run = sim.input("fail-on", "warning").run();
    assert!(!run.success, "{run:#?}");
    assert_eq!(run.failed.as_ref().unwrap().1, 1);
    assert!(run.stdout.contains("fail-on is warning"), "{}", run.stdout);
}

#[test]
fn summary_false_writes_no_job_summary_and_sarif_file_is_honoured() {
    let o = origin();
    let ws = o.full_clone("main");
    let run = Sim::new(
        ws.path(),
        "workflow_dispatch",
        payload("workflow_dispatch.json"),
    )
    .input("summary", "false")
    .input("sarif-file", "reports/aiclear.sarif")
    .input("max-annotations", "1")
    .run();
    assert_eq!(run.summary, "", "{run:#?}");
    assert_eq!(
        Path::new(run.output("sarif-file")),
        ws.path().join("reports/aiclear.sarif")
    );
    assert_eq!(run.output("errors"), "2", "{run:#?}");
    let errors = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("::error "))
        .count();
    assert_eq!(errors, 1, "max-annotations: 1: {}", run.stdout);
}

#[test]
fn a_production_in_a_subfolder_is_checked_with_repository_relative_paths() {
    let o = origin_in("productions/pilot/");
    let ws = o.checkout("+refs/pull/42/merge:refs/remotes/pull/42/merge");
    let run = Sim::new(ws.path(), "pull_request", o.pull_request())
        .input("config", "productions/pilot")
        .run();
    assert_eq!(run.output("errors"), "1", "{run:#?}");
    // GitHub places annotations and code scanning alerts by the path from
    // the repository's root.
    assert!(
        run.stdout
            .lines()
            .any(|l| l.starts_with("::error file=productions/pilot/scripts/ep1.fountain,")),
        "{}",
        run.stdout
    );
    assert_eq!(
        run.sarif_paths(),
        ["productions/pilot/scripts/ep1.fountain"],
        "{run:#?}"
    );
}

#[test]
fn paths_check_those_files_of_the_work_tree() {
    let o = origin();
    let ws = o.full_clone("main");
    let dispatch = || {
        Sim::new(
            ws.path(),
            "workflow_dispatch",
            payload("workflow_dispatch.json"),
        )
    };
    let run = dispatch()
        .input("paths", "\n  scripts/ep3.fountain  \n\n")
        .run();
    assert_eq!(run.output("base"), "", "{run:#?}");
    assert_eq!(run.sarif_paths(), ["scripts/ep3.fountain"], "{run:#?}");

    let run = dispatch()
        .input("paths", "scripts/ep3.fountain")
        .input("base", &o.c1)
        .run();
    assert_eq!(run.failed, Some(("range".to_owned(), 2)), "{run:#?}");
}

#[test]
fn paths_are_ignored_with_a_notice_on_a_pull_request() {
    let o = origin();
    let ws = o.checkout("+refs/pull/42/merge:refs/remotes/pull/42/merge");
    // ep3 is not in the pull request, and notes.txt is no production file:
    // neither narrows the check of what the pull request changed.
    let run = Sim::new(ws.path(), "pull_request", o.pull_request())
        .input("paths", "scripts/ep3.fountain\nnotes.txt")
        .run();
    assert_eq!(run.output("base"), o.c3, "{run:#?}");
    assert_eq!(run.output("head"), o.feature);
    assert_eq!(run.sarif_paths(), ["scripts/ep1.fountain"], "{run:#?}");
    assert_eq!(run.rule_ids(), ["GA102", "GA205"], "{run:#?}");
    assert!(
        run.stdout.lines().any(|l| l.starts_with(
            "::notice title=aiclear::paths is ignored on a pull_request event: \
             the change is checked as a range against the base"
        )),
        "{}",
        run.stdout
    );
    assert!(!run.success);
}
