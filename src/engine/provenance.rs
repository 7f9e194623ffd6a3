//! Who granted the ledger entries that checked files rely on.
//!
//! An entry is traced by its exact value (its canonical JSON), the way blame
//! traces a line: its origins are the commits whose ledger holds exactly
//! that entry while none of their parents' ledgers do. An entry counts when
//! one of its origins was authored by an approver of the trusted
//! configuration (and, when the configuration requires it, signed by that
//! approver's key), and either the base's ledger holds exactly that entry
//! or that origin is new in the change under review: an entry the base had
//! and dropped was revoked, and bringing its old commit back does not
//! restore it.

use std::collections::{HashMap, HashSet};

use super::Inputs;
use super::judge::to_diagnostic;
use super::read::Files;
use super::targets::Target;
use super::trust::{TrustRoot, approver_emails, committed_trust_root, trust_root};
use crate::diagnostic::{HistorySummary, Report, Severity};
use anyhow::Result;

use crate::approvals::{self, Ledger};
use crate::config::{self, Settings};
use crate::git::history::CommitInfo;
use crate::git::{CommitId, Repo};
use crate::rules::Finding;
use crate::rules::{unauthorized_approval, unsigned_approval};
use crate::signing::{self, AllowedSigners, Verdict};

/// Who may grant approvals, as the trusted snapshot says.
pub struct Trust<'a> {
    pub settings: &'a Settings,
    pub signers: &'a AllowedSigners,
    /// The configuration the change proposes (head's in a range, the work
    /// tree's or the index's in a local check): an approver it adds is not
    /// trusted yet, and the finding says when they will be.
    pub proposed: Option<&'a Settings>,
}

/// Where the entries are traced from.
pub enum Against {
    /// A range check: the ledger is head's; `base` is the trusted base;
    /// `brought`, when known, the ids of the commits in `base..head`.
    Range {
        head: CommitId,
        base: CommitId,
        brought: Option<HashSet<String>>,
    },
    /// A check of the work tree or the index: the ledger may hold entries
    /// not committed yet; committed ones are traced from `HEAD`.
    Local { head: Option<CommitId> },
}

/// What tracing gave.
#[derive(Default)]
pub struct Traced {
    /// Entries that clear nothing.
    pub untrusted: HashSet<String>,
    /// Findings about entries, at the ledger.
    pub findings: Vec<Finding>,
    /// Signatures that verified.
    pub signatures: usize,
    /// The commits each traced entry originates in, by id.
    pub origins: HashMap<String, Vec<String>>,
}

/// The entries to trace; in a local check, those that `HEAD` does not
/// hold are pending, with a finding each.
fn committed<'l>(
    ledger: &'l Ledger,
    ids: &[String],
    against: &Against,
    base_held: &HashMap<String, String>,
    trust: &Trust,
    out: &mut Traced,
) -> Vec<&'l approvals::Entry> {
    let mut traced: Vec<&approvals::Entry> = Vec::new();
    for id in ids {
        let Some(entry) = ledger.get(id) else {
            continue;
        };
        let committed = match against {
            Against::Range { .. } => true,
            Against::Local { .. } => base_held.get(id) == Some(&entry.content),
        };
        if committed {
            traced.push(entry);
            continue;
        }
        match &entry.granted_by {
            Some(g) if trust.settings.is_approver(&g.value) => {
                out.findings
                    .push(unauthorized_approval::pending(entry).warning_only());
            }
            Some(g) if trust.proposed.is_some_and(|p| p.is_approver(&g.value)) => {
                out.untrusted.insert(id.clone());
                out.findings
                    .push(unauthorized_approval::approver_not_yet_in_effect(
                        entry, &g.value, None, false,
                    ));
            }
            _ => {
                out.untrusted.insert(id.clone());
                out.findings
                    .push(unauthorized_approval::pending_not_an_approver(entry));
            }
        }
    }
    traced
}

/// Trace the entries with the given ids.
pub fn trace(
    repo: &Repo,
    against: &Against,
    prefix: &str,
    ledger: &Ledger,
    ids: &[String],
    trust: &Trust,
) -> Result<Traced> {
    let ledger_path = format!("{prefix}{}", config::LEDGER_PATH);
    let cache = approvals::ContentsCache::default();
    let mut out = Traced::default();
    let (head, base) = match against {
        Against::Range { head, base, .. } => (Some(*head), Some(*base)),
        Against::Local { head } => (*head, *head),
    };
    let held_by = |commit: Option<CommitId>| -> Result<HashMap<String, String>> {
        Ok(match commit {
            Some(c) => match repo.read_at_entry(c, &ledger_path)? {
                Some(crate::git::Blob::File(b)) => cache.contents(&b),
                _ => HashMap::new(),
            },
            None => HashMap::new(),
        })
    };
    let base_held = held_by(base)?;
    let traced = committed(ledger, ids, against, &base_held, trust, &mut out);
    let Some(head) = head else {
        return Ok(out);
    };
    let wanted: Vec<(String, String)> = traced
        .iter()
        .map(|e| (e.id.value.clone(), e.content.clone()))
        .collect();
    let origins = repo.value_origins(head, &ledger_path, &wanted, |b| cache.contents(b))?;
    // What the change under review brings: computed once, when an entry
    // the base does not hold needs it.
    let mut new_here: Option<HashSet<String>> = match against {
        Against::Range { brought, .. } => brought.clone(),
        Against::Local { .. } => None,
    };
    // Read once; a range check refuses shallow clones before it gets here.
    let shallow = match against {
        Against::Local { .. } => repo.shallow_boundary(),
        Against::Range { .. } => HashSet::new(),
    };
    for (entry, origins) in traced.into_iter().zip(origins) {
        out.origins.insert(
            entry.id.value.clone(),
            origins.iter().map(|o| o.id.clone()).collect(),
        );
        // A local check of a shallow clone cannot see who wrote what the
        // clone's oldest commit holds (a range check refuses shallow clones).
        if origins.iter().any(|o| shallow.contains(&o.id)) {
            out.findings
                .push(unauthorized_approval::untraceable(entry).warning_only());
            continue;
        }
        let base_holds = base_held.get(&entry.id.value) == Some(&entry.content);
        let in_change = match (base, base_holds) {
            (Some(base), false) => Some(match &new_here {
                Some(set) => set,
                None => new_here.insert(repo.commits_between(base, head)?),
            }),
            _ => None,
        };
        let range = matches!(against, Against::Range { .. });
        match judge(entry, &origins, in_change, repo, trust, range)? {
            Ok(signed) => out.signatures += usize::from(signed),
            Err(f) => {
                out.untrusted.insert(entry.id.value.clone());
                out.findings.push(f);
            }
        }
    }
    Ok(out)
}

/// Whether one entry counts (`Ok`, with whether a signature was verified),
/// or the finding that says why not.
/// `in_change`: the commits the change under review brings, when the base
/// does not hold the entry (`None`: it does).
fn judge(
    entry: &approvals::Entry,
    origins: &[CommitInfo],
    in_change: Option<&HashSet<String>>,
    repo: &Repo,
    trust: &Trust,
    range: bool,
) -> Result<Result<bool, Finding>> {
    let base_holds = in_change.is_none();
    // Origins that may vouch for the entry: any, when the base holds it;
    // otherwise only those the change under review brings.
    let candidates: Vec<&CommitInfo> = origins
        .iter()
        .filter(|o| in_change.is_none_or(|set| set.contains(&o.id)))
        .collect();
    if candidates.is_empty() {
        return Ok(Err(match origins.first() {
            Some(origin) => unauthorized_approval::not_held_by_base(entry, origin),
            None => unauthorized_approval::pending(entry),
        }));
    }
    let by_approver: Vec<&CommitInfo> = candidates
        .iter()
        .copied()
        .filter(|o| trust.settings.is_approver(&o.author_email))
        .collect();
    let Some(first) = by_approver.first() else {
        // An approver did write this entry once, but in history the base
        // already had: the base has since dropped or changed it.
        if let Some(old) = origins
            .iter()
            .find(|o| trust.settings.is_approver(&o.author_email) && !candidates.contains(o))
        {
            return Ok(Err(unauthorized_approval::not_held_by_base(entry, old)));
        }
        // Written by someone the change itself makes an approver.
        if let Some(origin) = candidates.iter().find(|o| {
            trust
                .proposed
                .is_some_and(|p| p.is_approver(&o.author_email))
        }) {
            return Ok(Err(unauthorized_approval::approver_not_yet_in_effect(
                entry,
                &origin.author_email,
                Some(origin),
                range,
            )));
        }
        return Ok(Err(unauthorized_approval::not_an_approver(
            entry,
            candidates[0],
            base_holds,
        )));
    };
    if !trust.settings.require_signed_approvals {
        return Ok(Ok(false));
    }
    let mut refusal = None;
    for origin in &by_approver {
        let verdict = match repo.signature(&origin.id)? {
            Some((sig, data)) => signing::verify(
                &sig,
                &data,
                &origin.author_email,
                trust.signers,
                origin.committer_time,
            ),
            None => Verdict::NotSigned,
        };
        match unsigned_approval::check(entry, origin, &verdict) {
            None => return Ok(Ok(true)),
            Some(f) => {
                refusal.get_or_insert(f);
            }
        }
    }
    Ok(Err(refusal.unwrap_or_else(|| {
        unauthorized_approval::not_an_approver(entry, first, base_holds)
    })))
}

/// What the provenance phase of a check gave.
#[derive(Default)]
pub(super) struct Checked {
    /// Entries that clear nothing.
    pub untrusted: HashSet<String>,
    /// The commits each traced entry originates in, by id.
    pub origins: HashMap<String, Vec<String>>,
    /// The range's summary, its commits not counted yet.
    pub summary: Option<HistorySummary>,
    /// Who may grant approvals, for the notes of open requests: the base's
    /// approvers in a range, the committed ones in a local check.
    pub approvers: Vec<String>,
}

/// Trace the ledger entries the checked files may rely on; the findings
/// about them go to the report, at the ledger.
pub(super) fn of_check(
    cx: &Inputs<'_>,
    targets: &[Target],
    commits: &[CommitInfo],
    report: &mut Report,
) -> Result<Checked> {
    let Inputs {
        project,
        range,
        files,
        ledger,
        ..
    } = cx;
    let TrustRoot {
        settings, signers, ..
    } = &cx.root;
    // Provenance of the ledger entries the checked files may rely on.
    let relevant: Vec<String> = ledger
        .entries
        .iter()
        .filter(|e| {
            !e.broken
                && e.covers
                    .iter()
                    .any(|c| targets.iter().any(|t| c.covers_path(&t.path)))
        })
        .map(|e| e.id.value.clone())
        .collect();
    let mut out = Checked {
        approvers: approver_emails(settings),
        ..Checked::default()
    };
    if let Some(repo) = &project.repo {
        let traced = match range {
            Some(r) => {
                // What the change proposes, to say when an approver it adds
                // takes effect.
                let proposed = trust_root(files).ok().map(|t| t.settings);
                let trust = Trust {
                    settings,
                    signers,
                    proposed: proposed.as_ref(),
                };
                // When the base is the merge base, the commits of the
                // range are those the change brings.
                let brought = (r.base == r.merge_base)
                    .then(|| commits.iter().map(|c| c.id.clone()).collect());
                let against = Against::Range {
                    head: r.head,
                    base: r.base,
                    brought,
                };
                let traced = trace(repo, &against, &project.prefix, ledger, &relevant, &trust)?;
                out.summary = Some(HistorySummary {
                    range: format!("{}..{}", r.merge_base.short(), r.head.short()),
                    commits: 0,
                    approvals_traced: relevant.len(),
                    signatures_verified: traced.signatures,
                });
                traced
            }
            None => {
                // Work tree or index: approvers, signing and signers are
                // those of the committed configuration.
                let head = repo.head_commit();
                let committed = match head {
                    Some(commit) => committed_trust_root(&Files::Tree {
                        repo,
                        commit,
                        prefix: &project.prefix,
                    })?,
                    None => TrustRoot::default(),
                };
                let trust = Trust {
                    settings: &committed.settings,
                    signers: &committed.signers,
                    proposed: Some(settings),
                };
                out.approvers = approver_emails(match head {
                    Some(_) => &committed.settings,
                    None => settings,
                });
                let against = Against::Local { head };
                trace(repo, &against, &project.prefix, ledger, &relevant, &trust)?
            }
        };
        out.untrusted = traced.untrusted;
        out.origins = traced.origins;
        for f in traced.findings {
            let severity = f.severity.unwrap_or(Severity::Error);
            report
                .diagnostics
                .push(to_diagnostic(f, severity, config::LEDGER_PATH));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::judge::testing::{ledger, settings};

    const ENTRIES: &str = "- id: BY-MEI\n  granted-by: mei@studio.example\n  granted-on: 2025-09-01\n  covers: [{ path: vfx/a.yml }]\n- id: BY-ADA\n  granted-by: ada@studio.example\n  granted-on: 2025-09-01\n  covers: [{ path: vfx/a.yml }]\n";

    fn ids(ledger: &Ledger) -> Vec<String> {
        ledger.entries.iter().map(|e| e.id.value.clone()).collect()
    }

    #[test]
    fn in_a_local_check_entries_head_lacks_are_pending() {
        let ledger = ledger(ENTRIES);
        let config = settings("approvers:\n  - { email: mei@studio.example }\n");
        let signers = AllowedSigners::default();
        let trust = Trust {
            settings: &config,
            signers: &signers,
            proposed: None,
        };
        let mut out = Traced::default();
        let against = Against::Local { head: None };
        let traced = committed(
            &ledger,
            &ids(&ledger),
            &against,
            &HashMap::new(),
            &trust,
            &mut out,
        );
        assert!(traced.is_empty());
        // An approver's entry waits for its commit; anyone else's clears nothing.
        assert_eq!(out.untrusted, HashSet::from(["BY-ADA".to_owned()]));
        let messages: Vec<&str> = out.findings.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "approval `BY-MEI` is pending: it is not committed yet",
                "approval `BY-ADA` is granted by `ada@studio.example`, who is not an approver in the committed configuration",
            ]
        );
    }

    #[test]
    fn committed_entries_and_every_entry_of_a_range_are_traced() {
        let ledger = ledger(ENTRIES);
        let (settings, signers) = (Settings::default(), AllowedSigners::default());
        let trust = Trust {
            settings: &settings,
            signers: &signers,
            proposed: None,
        };
        let mei = ledger.get("BY-MEI").unwrap();
        let held = HashMap::from([("BY-MEI".to_owned(), mei.content.clone())]);
        let mut out = Traced::default();
        let local = Against::Local { head: None };
        let traced = committed(&ledger, &ids(&ledger), &local, &held, &trust, &mut out);
        assert_eq!(traced.len(), 1);
        assert_eq!(traced[0].id.value, "BY-MEI");
        assert_eq!(out.findings.len(), 1);

        let mut out = Traced::default();
        let head: CommitId = "1".repeat(40).parse().unwrap();
        let range = Against::Range {
            head,
            base: head,
            brought: None,
        };
        let traced = committed(
            &ledger,
            &ids(&ledger),
            &range,
            &HashMap::new(),
            &trust,
            &mut out,
        );
        assert_eq!(traced.len(), 2);
        assert!(out.findings.is_empty() && out.untrusted.is_empty());
    }
}
