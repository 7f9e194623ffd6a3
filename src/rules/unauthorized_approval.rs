use crate::approvals::Entry;
use crate::git::history::CommitInfo;
use crate::rules::{Check, Finding, declare_rule};

declare_rule! {
    /// ### What it does
    /// Traces every ledger entry that a checked use relies on, by its exact
    /// value, through the history of `.aiclear/approvals.yml`, the way blame
    /// traces a line: every parent (of merges too) whose ledger still holds
    /// exactly that entry is followed, and the commits that hold it while no
    /// parent does are its origins. Commit dates are never used. The entry
    /// counts when an origin was authored by an approver in the trusted
    /// configuration (the base's in a range check, the committed one in a
    /// check of the work tree or the index) and either the base's ledger holds
    /// exactly that entry or that origin is new in the change: an entry the
    /// base dropped was revoked, and bringing back its old commit does not
    /// restore it. Otherwise it clears nothing. The `granted-by` field alone
    /// proves nothing: anybody can type an approver's email. An entry that is
    /// only staged or in the work tree is *pending*: a warning before the
    /// commit when its `granted-by` is an approver (an error when it is not),
    /// an error in CI. When the one who wrote the entry is an approver only in
    /// the configuration the change itself proposes, the finding says so: a
    /// change to `approvers:` takes effect after it is merged (in a local
    /// check, once it is committed).
    ///
    /// ### Why it matters
    /// Netflix's guidelines require *written approval* from the studio before a
    /// use that needs escalation goes ahead. An approval a writer records for
    /// themselves is no approval: only the people the production names as
    /// approvers may grant one, and git history shows who really added it.
    ///
    /// ### Example
    /// The ledger entry `NFX-2025-0142` was committed by `writer@lastsignal.example.com`,
    /// who is not in `approvers:`:
    /// ```yaml
    /// genai:
    ///   disclosed: { to: "M. Chen, Netflix creative production", on: 2025-09-02 }
    ///   uses:
    ///     - id: aria-design
    ///       stage: previs
    ///       output: image
    ///       elements: [main-character]
    ///       tools: [{ name: "Imagen 4", enterprise: true, trains-on-inputs: false }]
    ///       approvals: [NFX-2025-0142]
    /// ```
    /// Use instead:
    /// ```yaml
    /// # the approver adds the entry in a commit they author: aiclear approve --id NFX-2025-0142 ...
    /// genai:
    ///   disclosed: { to: "M. Chen, Netflix creative production", on: 2025-09-02 }
    ///   uses:
    ///     - id: aria-design
    ///       stage: previs
    ///       output: image
    ///       elements: [main-character]
    ///       tools: [{ name: "Imagen 4", enterprise: true, trains-on-inputs: false }]
    ///       approvals: [NFX-2025-0142]
    /// ```
    pub UNAUTHORIZED_APPROVAL {
        code: "GA601",
        name: "unauthorized-approval",
        level: Deny,
        summary: "a ledger entry was added by someone who is not an approver",
        guideline: "Netflix GenAI guidelines, reporting: written approval comes from the studio; only the configured approvers may grant it",
        check: Check::Engine,
    }
}

/// The finding for an entry whose introducing commit is not an approver's.
/// `in_base`: whether the trusted base's ledger holds the entry as it reads.
pub fn not_an_approver(entry: &Entry, origin: &CommitInfo, in_base: bool) -> Finding {
    let message = if in_base {
        format!(
            "approval `{}` was added by `{}`, who is not an approver",
            entry.id.value, origin.author_email
        )
    } else {
        format!(
            "approval `{}` is not in the base branch's ledger as it reads here, and was added by `{}`, who is not an approver",
            entry.id.value, origin.author_email
        )
    };
    let mut f = Finding::new(&UNAUTHORIZED_APPROVAL, Some(entry.id.span.clone()), message)
        .label("does not count")
        .note(origin.introduced());
    if let Some(g) = &entry.granted_by
        && !g.value.eq_ignore_ascii_case(&origin.author_email)
    {
        f = f.note(format!(
            "`granted-by: {}` is not who committed it; the field alone proves nothing",
            g.value
        ));
    }
    f.help("an approver listed in the base branch's `.aiclear/config.yml` must add the entry in a commit they author (`aiclear approve`)")
}

/// The finding for an entry that is not committed yet.
pub fn pending(entry: &Entry) -> Finding {
    Finding::new(
        &UNAUTHORIZED_APPROVAL,
        Some(entry.id.span.clone()),
        format!(
            "approval `{}` is pending: it is not committed yet",
            entry.id.value
        ),
    )
    .label("not in any commit")
    .note("an approval counts once an approver commits it; CI checks who did")
    .help("have the approver commit the entry (`aiclear approve`, then `git commit`)")
}

/// The finding for an entry that is not committed yet and names as its
/// grantor someone who is not an approver of the committed configuration.
pub fn pending_not_an_approver(entry: &Entry) -> Finding {
    let who = entry
        .granted_by
        .as_ref()
        .map_or_else(|| "nobody".to_owned(), |g| format!("`{}`", g.value));
    Finding::new(
        &UNAUTHORIZED_APPROVAL,
        Some(entry.id.span.clone()),
        format!(
            "approval `{}` is granted by {who}, who is not an approver in the committed configuration",
            entry.id.value
        ),
    )
    .label("does not count")
    .note("an approval counts once an approver listed in the committed `.aiclear/config.yml` commits it; a change to `approvers:` takes effect once it is committed (in CI, once it is merged)")
    .help("ask an approver to grant it (`aiclear approve`, then `git commit`)")
}

/// The finding for an entry granted by someone whom only the change under
/// review makes an approver: a change to `approvers:` takes effect after it
/// is merged (in a range check) or once it is committed (in a local one).
/// `origin`: the commit that added the entry, when it is committed.
pub fn approver_not_yet_in_effect(
    entry: &Entry,
    who: &str,
    origin: Option<&CommitInfo>,
    range: bool,
) -> Finding {
    let (message, note, help) = if range {
        (
            format!(
                "approval `{}` was added by `{who}`, who is an approver only in this change's `.aiclear/config.yml`, not yet in the base branch's",
                entry.id.value
            ),
            "a change to `approvers:` takes effect after it is merged: CI judges approvals by the base branch's configuration, so that no change can approve itself".to_owned(),
            format!(
                "merge the change that adds `{who}` to `approvers:` first (in a pull request of its own); then this approval counts as it is"
            ),
        )
    } else {
        (
            format!(
                "approval `{}` is granted by `{who}`, who is an approver only in the uncommitted `.aiclear/config.yml`",
                entry.id.value
            ),
            "a change to `approvers:` takes effect once it is committed here, and in CI once it is merged".to_owned(),
            format!(
                "commit the change that adds `{who}` to `approvers:` first and have it merged; the approval counts after that"
            ),
        )
    };
    let mut f = Finding::new(&UNAUTHORIZED_APPROVAL, Some(entry.id.span.clone()), message)
        .label("approver not in effect yet");
    if let Some(origin) = origin {
        f = f.note(origin.introduced());
    }
    f.note(note).help(help)
}

/// The finding for an entry that the base branch's ledger does not hold and
/// that no commit of the change under review introduced: the base dropped
/// or changed it, and an old commit that had it does not bring it back.
pub fn not_held_by_base(entry: &Entry, origin: &CommitInfo) -> Finding {
    Finding::new(
        &UNAUTHORIZED_APPROVAL,
        Some(entry.id.span.clone()),
        format!(
            "approval `{}` is not in the base branch's ledger as it reads here, and this change did not grant it",
            entry.id.value
        ),
    )
    .label("revoked or replaced in the base")
    .note(format!(
        "it was {}, which the base branch already contains; the base no longer holds it, so it was revoked or changed there",
        origin.introduced()
    ))
    .help("ask an approver to grant it again in this change (`aiclear approve`)")
}

/// The finding for an entry whose origin lies beyond a shallow clone's
/// history.
pub fn untraceable(entry: &Entry) -> Finding {
    Finding::new(
        &UNAUTHORIZED_APPROVAL,
        Some(entry.id.span.clone()),
        format!(
            "approval `{}` cannot be traced: this clone is shallow and its history ends before the entry was added",
            entry.id.value
        ),
    )
    .label("who granted it is not known here")
    .note("CI checks who granted it, with the whole history")
    .help("fetch the whole history to check it here: `git fetch --unshallow`")
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::source::Source;

    fn entry() -> Entry {
        let text = "- id: NFX-1\n  granted-by: mei@studio.example.com\n  granted-on: 2025-09-01\n  covers: [{ path: a.fountain }]\n";
        crate::rules::read_ledger(&Source::new("l", text.as_bytes().to_vec()))
            .0
            .entries
            .remove(0)
    }

    fn commit(email: &str) -> CommitInfo {
        CommitInfo {
            id: "0123456789abcdef".into(),
            author_name: "W".into(),
            author_email: email.into(),
            time: 0,
            committer_time: 0,
            summary: "approve".into(),
            message: "approve".into(),
        }
    }

    #[test]
    fn forged_granted_by_is_named() {
        let f = not_an_approver(&entry(), &commit("writer@example.com"), true);
        assert!(f.message.contains("`writer@example.com`"));
        assert!(f.notes.iter().any(|n| n.contains("proves nothing")));
    }

    #[test]
    fn matching_granted_by_has_no_forgery_note() {
        let f = not_an_approver(&entry(), &commit("mei@studio.example.com"), true);
        assert!(!f.notes.iter().any(|n| n.contains("proves nothing")));
        assert!(pending(&entry()).message.contains("pending"));
    }
}
