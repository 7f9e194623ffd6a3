use crate::approvals::Entry;
use crate::git::history::CommitInfo;
use crate::rules::{Check, Finding, declare_rule};
use crate::signing::Verdict;

declare_rule! {
    /// ### What it does
    /// With `require-signed-approvals: true`, the commit that introduced a
    /// ledger entry must carry an SSH signature (git's `gpg.format=ssh`,
    /// namespace `git`) that verifies against a key listed for the commit
    /// author's email in the trusted `.aiclear/allowed_signers` (git's
    /// allowed-signers format, read from the base of a range check). A good
    /// signature by another person's key does not count, nor does a GPG
    /// signature, which aiclear cannot verify. Signatures are verified
    /// in-process; no `ssh-keygen` or `gpg` is needed. This holds in every
    /// check, whatever a change touches: an entry granted before signatures
    /// were required counts once its approver grants it again in a signed
    /// commit (`aiclear approve --renew ID`, then `git commit -S`).
    ///
    /// ### Why it matters
    /// The author email of a commit is whatever the committer typed. When the
    /// production requires it, only a signature made with an approver's own key
    /// shows that the approver really granted the approval the guidelines ask for.
    ///
    /// ### Example
    /// `NFX-2025-0142` was committed by the approver's email but without a signature:
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
    /// # the approver commits the ledger entry with `git commit -S` (gpg.format=ssh)
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
    pub UNSIGNED_APPROVAL {
        code: "GA602",
        name: "unsigned-approval",
        level: Deny,
        summary: "an approval's commit is not signed by a key of its approver",
        guideline: "with `require-signed-approvals`, an approval counts only when its commit is signed with the approver's own key",
        check: Check::Engine,
    }
}

/// The finding for an entry whose introducing commit's signature does not
/// hold; `None` for a good signature.
pub fn check(entry: &Entry, origin: &CommitInfo, verdict: &Verdict) -> Option<Finding> {
    let (message, note) = match verdict {
        Verdict::Good { .. } => return None,
        Verdict::NotSigned => ("is not signed".to_owned(), None),
        Verdict::GpgSignature => (
            "has a GPG signature, which aiclear cannot verify".to_owned(),
            Some("sign approvals with SSH keys (`git config gpg.format ssh`)".to_owned()),
        ),
        Verdict::BadSignature(why) => (format!("has a signature that does not verify: {why}"), None),
        Verdict::KeyNotAllowed { key_fingerprint } => (
            format!("is signed by key {key_fingerprint}, which is not in `.aiclear/allowed_signers`"),
            None,
        ),
        Verdict::KeyNotForPrincipal {
            key_fingerprint,
            listed_for,
        } => (
            format!(
                "is signed by key {key_fingerprint}, which is listed for {} but not for `{}`",
                listed_for.join(", "),
                origin.author_email
            ),
            Some("git shows such a signature as good, but the key must belong to the commit's author".to_owned()),
        ),
        Verdict::WrongNamespace => (
            "has a signature whose key may not sign git commits (`namespaces=`)".to_owned(),
            None,
        ),
        Verdict::Unsupported(why) => (format!("has a signature aiclear cannot check: {why}"), None),
    };
    let mut f = Finding::new(
        &UNSIGNED_APPROVAL,
        Some(entry.id.span.clone()),
        format!(
            "the commit that added approval `{}` {message}",
            entry.id.value
        ),
    )
    .label("does not count")
    .note(origin.introduced())
    .help(format!(
        "the approver grants it again, in a commit signed with their key listed for their email in `.aiclear/allowed_signers`: `aiclear approve --renew {}`, then `git commit -S` (with `gpg.format=ssh`)",
        entry.id.value
    ));
    if let Some(n) = note {
        f = f.note(n);
    }
    Some(f)
}
