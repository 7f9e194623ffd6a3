use crate::rules::{Check, Finding, declare_rule};

declare_rule! {
    /// ### What it does
    /// Warns when a range changes the configuration (`.aiclear/config.yml`,
    /// which names the approvers) or `.aiclear/allowed_signers`. In a range
    /// check both are read from the base revision, so the change's edits take
    /// effect only after it is merged; this warning makes sure reviewers see
    /// them.
    ///
    /// ### Why it matters
    /// A pull request must never be able to approve itself: adding its author as
    /// an approver, or their key as an allowed signer, is a change to the trust
    /// root that the people who own it must review.
    ///
    /// ### Example
    /// A change that adds `writer@lastsignal.example.com` to `approvers:`:
    /// ```yaml
    /// genai: none
    /// ```
    /// Use instead:
    /// ```yaml
    /// # change the approvers in a pull request of its own, reviewed by the showrunner
    /// genai: none
    /// ```
    pub TRUST_ROOT_CHANGED {
        code: "GA605",
        name: "trust-root-changed",
        level: Warn,
        summary: "the change edits the config, approvers or allowed signers",
        guideline: "the trust root (approvers and their keys) is read from the base branch; its changes take effect after review and merge",
        check: Check::Engine,
    }
}

/// A warning on a trust-root file that the range changes.
pub fn check(path: &str) -> Finding {
    Finding::new(
        &TRUST_ROOT_CHANGED,
        None,
        format!("this change edits `{path}`, part of the trust root"),
    )
    .note("this check used the base revision's version; the edits take effect after merge")
    .help("have the owners of the approvals process review this file's changes")
}

/// The production root this check started from is not the base's: the
/// change moves, removes or adds a `.aiclear/` folder.
pub fn root_moved(here: &str, base: &str) -> Finding {
    let name = |p: &str| {
        if p.is_empty() {
            "the repository's top level".to_owned()
        } else {
            format!("`{}`", p.trim_end_matches('/'))
        }
    };
    Finding::new(
        &TRUST_ROOT_CHANGED,
        None,
        format!(
            "this change moves the production root: the base has it at {}, the checkout at {}",
            name(base),
            name(here)
        ),
    )
    .note("the files were judged against the base's production root and its configuration; the move takes effect after merge")
    .help("have the owners of the approvals process review the change to the `.aiclear/` folders")
}
