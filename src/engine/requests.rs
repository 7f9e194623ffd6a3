//! What a use still needs from an approver, said once.
//!
//! After the ledger has cleared what it can, each use's open approval-level
//! findings are settled together:
//!
//! - every one of them names the same command, `aiclear approve --id ID
//!   --path P --use U --rule A --rule B`, with every rule the use still
//!   needs, so that one approval grants them all;
//! - a use that declares `approval-requested: DATE` has asked for that
//!   approval. Before a commit (`--staged`, the pre-commit hook) its open
//!   approval-level findings, and the expired or stale approvals that no
//!   longer cover them (GA503, GA504), are warnings that name the request
//!   and who may grant it; in a range check (CI) and a check of the work
//!   tree they stay errors, with a note naming the request. The request is
//!   listed for the job summary and the register with the command an
//!   approver runs;
//! - before a commit, a use that needs approval and has not asked for it
//!   gets a note saying how to ask;
//! - an approval that a use relies on and that expires within
//!   [`EXPIRY_WARNING_DAYS`] days is a GA503 warning, with the command that
//!   renews it.

use std::collections::{HashMap, HashSet};

use super::Checker;
use crate::approvals::{Entry, State};
use crate::config::Override;
use crate::declaration::{Declaration, Use};
use crate::diagnostic::{ApprovalRequest, Severity};
use crate::rules::{Finding, Level, approve_command, expired_approval, stale_approval};

/// An approval that expires within this many days is a warning.
pub const EXPIRY_WARNING_DAYS: i64 = 30;

impl Checker<'_> {
    /// Whether `f` is an approval-level finding about `u` that no approval
    /// cleared and that the configuration does not turn off.
    fn is_open_approval(&self, f: &Finding, u: &Use) -> bool {
        f.use_id.as_deref() == Some(u.id.value.as_str())
            && f.severity.is_none()
            && self.level(f.rule) == Level::Approval
            && self.settings.override_of(f.rule) != Some(Override::Allow)
    }

    /// Settle each use's open approval-level findings (see the module's
    /// documentation); the requests still open.
    pub(super) fn settle_requests(
        &self,
        decl: &Declaration,
        path: &str,
        findings: &mut [Finding],
    ) -> Vec<ApprovalRequest> {
        let mut requests = Vec::new();
        // The findings about each use, found once: a file may hold
        // thousands of uses (and, when ids repeat, GA005 for each).
        let mut by_use: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, f) in findings.iter().enumerate() {
            if let Some(id) = &f.use_id {
                by_use.entry(id.clone()).or_default().push(i);
            }
        }
        let mut settled = HashSet::new();
        for u in &decl.uses {
            let Some(mine) = by_use.get(&u.id.value) else {
                continue;
            };
            if !settled.insert(u.id.value.as_str()) {
                continue;
            }
            let open: Vec<usize> = mine
                .iter()
                .copied()
                .filter(|&i| self.is_open_approval(&findings[i], u))
                .collect();
            if open.is_empty() {
                continue;
            }
            let mut codes: Vec<&'static str> =
                open.iter().map(|&i| findings[i].rule.code).collect();
            codes.sort_unstable();
            codes.dedup();
            // One command for every rule the use needs: the renewal of an
            // entry that covered them all, or one new approval.
            let (command, ask) = match self.renewal_for(u, path, &codes) {
                Some((command, ask)) => (command, ask),
                None => {
                    let command = approve_command(path, &u.id.value, &codes);
                    let ask = format!("ask an approver to record an approval: `{command}`");
                    (command, ask)
                }
            };
            for &i in &open {
                let f = &mut findings[i];
                let one = approve_command(path, &u.id.value, &[f.rule.code]);
                let ask_one = format!("ask an approver to record an approval: `{one}`");
                f.help = Some(match f.help.take() {
                    Some(h) if h.contains(&ask_one) => h.replace(&ask_one, &ask),
                    Some(h) => format!("{h}; or {ask}"),
                    None => ask.clone(),
                });
            }
            let Some(on) = &u.approval_requested else {
                self.note_how_to_request(path, &open, findings);
                continue;
            };
            self.note_requested(u, &on.value, mine, findings);
            requests.push(ApprovalRequest {
                path: path.to_owned(),
                use_id: u.id.value.clone(),
                requested_on: on.value.to_string(),
                rules: codes.iter().map(|c| (*c).to_owned()).collect(),
                command,
                approvers: self.approvers.clone(),
            });
        }
        requests
    }

    /// In a staged check, how to commit a use before it is approved: a note
    /// on its first open finding.
    fn note_how_to_request(&self, path: &str, open: &[usize], findings: &mut [Finding]) {
        if self.staged {
            let today = self.today;
            let lower = path.to_ascii_lowercase();
            let key = if lower.ends_with(".json") || lower.ends_with(".otio") {
                format!("\"approval-requested\": \"{today}\"")
            } else {
                format!("approval-requested: {today}")
            };
            let first = open
                .iter()
                .copied()
                .min_by_key(|&i| findings[i].span.as_ref().map(|s| s.start))
                .unwrap_or(open[0]);
            findings[first].notes.push(format!(
                "to commit this before it is approved, ask for the approval in the use: \
                 add `{key}`; CI keeps it an error until an approver records it"
            ));
        }
    }

    /// The notes of a use whose approval was requested on `on`; in a staged
    /// check its findings are warnings.
    fn note_requested(
        &self,
        u: &Use,
        on: &impl std::fmt::Display,
        mine: &[usize],
        findings: &mut [Finding],
    ) {
        let who = self.who_may_grant();
        let asked = if self.staged {
            format!(
                "approval requested on {} (`approval-requested`): the commit may go ahead, \
                 but CI fails on this until an approver records the approval",
                on
            )
        } else {
            format!(
                "approval requested on {} (`approval-requested`): this stays an error until \
                 an approver records the approval",
                on
            )
        };
        for &i in mine {
            let f = &mut findings[i];
            let lapsed = f.severity.is_none()
                && (std::ptr::eq(f.rule, &expired_approval::EXPIRED_APPROVAL)
                    || std::ptr::eq(f.rule, &stale_approval::STALE_APPROVAL));
            if !(self.is_open_approval(f, u) || lapsed) {
                continue;
            }
            f.notes.push(asked.clone());
            f.notes.push(who.clone());
            if self.staged && self.settings.override_of(f.rule) != Some(Override::Deny) {
                f.severity = Some(Severity::Warning);
            }
        }
    }

    /// `who may grant it: …`, for the notes of a request.
    fn who_may_grant(&self) -> String {
        if self.approvers.is_empty() {
            format!(
                "no approver is listed under `approvers:` in {} yet: one must be added before anyone can grant it",
                self.approvers_from
            )
        } else {
            format!(
                "who may grant it: {} (the approvers in {})",
                self.approvers.join(", "),
                self.approvers_from
            )
        }
    }

    /// The command that grants `codes` for `u` again, and the help that
    /// asks for it, when one entry the ledger already holds covers them all
    /// but has expired or gone stale.
    fn renewal_for(&self, u: &Use, path: &str, codes: &[&str]) -> Option<(String, String)> {
        self.ledger.entries.iter().find_map(|e| {
            let cover = e
                .covers
                .iter()
                .find(|c| c.covers_path(path) && c.covers_use(&u.id.value))?;
            if !codes.iter().all(|c| cover.covers_rule(c)) {
                return None;
            }
            let id = &e.id.value;
            match self.state(e, cover, u) {
                State::Stale { .. } => {
                    let command = format!("aiclear approve --renew {id}");
                    let ask = format!(
                        "ask an approver to review the change and grant approval `{id}` again for the use as it now reads: `{command}`"
                    );
                    Some((command, ask))
                }
                State::Expired(_) => {
                    let command = format!("aiclear approve --renew {id} --expires YYYY-MM-DD");
                    let ask = format!(
                        "ask an approver to renew approval `{id}` with a new last day: `{command}`"
                    );
                    Some((command, ask))
                }
                _ => None,
            }
        })
    }

    /// GA503 warnings for the approvals `u` relies on (those it cites, and
    /// those in `relied`) that expire within [`EXPIRY_WARNING_DAYS`] days.
    pub(super) fn expiring(
        &self,
        u: &Use,
        path: &str,
        relied: &HashSet<String>,
        out: &mut Vec<Finding>,
    ) {
        let mut seen = HashSet::new();
        let cited = u
            .approvals
            .iter()
            .map(|a| (a.value.as_str(), Some(a.span.clone())));
        let others = relied.iter().map(|id| (id.as_str(), None));
        for (id, span) in cited.chain(others) {
            let Some(entry) = self.ledger.get(id) else {
                continue;
            };
            if !seen.insert(id) {
                continue;
            }
            let Some(cover) = entry.cover_for(path, &u.id.value) else {
                continue;
            };
            if self.state(entry, cover, u) != State::Valid {
                continue;
            }
            if let Some(f) = expiring_soon(entry, u, span.unwrap_or_else(|| u.anchor()), self.today)
            {
                out.push(f);
            }
        }
    }
}

/// The GA503 warning for a valid entry whose last day is near.
fn expiring_soon(
    entry: &Entry,
    u: &Use,
    span: crate::source::Span,
    today: jiff::civil::Date,
) -> Option<Finding> {
    let last = entry.expires_on.as_ref()?.value;
    let days = i64::from(today.until(last).ok()?.get_days());
    if !(0..=EXPIRY_WARNING_DAYS).contains(&days) {
        return None;
    }
    let when = match days {
        0 => "today".to_owned(),
        1 => "tomorrow".to_owned(),
        n => format!("in {n} days"),
    };
    Some(
        Finding::for_use(
            &expired_approval::EXPIRED_APPROVAL,
            u,
            span,
            format!(
                "approval `{}` expires on {last}, {when}",
                entry.id.value
            ),
        )
        .label("expires soon")
        .note(format!(
            "an approval within {EXPIRY_WARNING_DAYS} days of its last day is a warning; after that day it no longer counts"
        ))
        .help(format!(
            "ask an approver to renew it before then: `aiclear approve --renew {} --expires YYYY-MM-DD`",
            entry.id.value
        ))
        .warning_only(),
    )
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::super::judge::FileOutcome;
    use super::super::{Checker, Content, Target};
    use crate::approvals::{self, Ledger};
    use crate::config::{self, Settings};
    use crate::diagnostic::Severity;
    use crate::kind::FileKind;
    use crate::source::Source;

    const USE: &str = "genai:\n  disclosed: { to: M. Chen, on: 2025-09-02 }\n  uses:\n    - id: aria-design\n      stage: final\n      output: image\n      elements: [main-character]\n      tools: [{ name: Imagen 4, enterprise: true, trains-on-inputs: false }]\n      human-input: repainted\n";
    const REQUEST: &str = "      approval-requested: 2025-09-10\n";
    const COMMAND: &str =
        "aiclear approve --id ID --path vfx/a.yml --use aria-design --rule GA201 --rule GA203";

    fn judge(text: &str, staged: bool, settings: &Settings, ledger: &Ledger) -> FileOutcome {
        let untrusted = HashSet::new();
        let checker = Checker {
            settings,
            ledger,
            untrusted: &untrusted,
            watchlist: Vec::new(),
            today: "2025-09-20".parse().unwrap(),
            policy: Box::leak(Box::new(crate::policy::Policy::netflix(
                "2025-09-20".parse().unwrap(),
            ))),
            rules: crate::policy::Policy::netflix("2025-09-20".parse().unwrap()).rules(),
            staged,
            approvers: vec!["mei@studio.example".into()],
            approvers_from: "the committed `.aiclear/config.yml`",
        };
        let target = Target {
            kind: FileKind::Yaml,
            path: "vfx/a.yml".into(),
            media: None,
        };
        checker.judge(&target, Content::Bytes(text.as_bytes().to_vec()), None)
    }

    fn severities(out: &FileOutcome) -> Vec<(&'static str, Severity)> {
        out.diagnostics
            .iter()
            .map(|d| (d.code().unwrap_or_default(), d.severity))
            .collect()
    }

    #[test]
    fn a_request_is_a_warning_before_a_commit_and_an_error_after() {
        let text = format!("{USE}{REQUEST}");
        let none = Ledger::default();
        let staged = judge(&text, true, &Settings::default(), &none);
        assert_eq!(
            severities(&staged),
            [("GA201", Severity::Warning), ("GA203", Severity::Warning)]
        );
        for d in &staged.diagnostics {
            assert_eq!(
                d.help.as_deref(),
                Some(format!("ask an approver to record an approval: `{COMMAND}`").as_str())
            );
            assert!(
                d.notes
                    .iter()
                    .any(|n| n.starts_with("approval requested on 2025-09-10"))
            );
            assert!(d.notes.iter().any(|n| n.contains("mei@studio.example")));
        }
        assert_eq!(staged.requests.len(), 1);
        assert_eq!(staged.requests[0].rules, ["GA201", "GA203"]);
        assert_eq!(staged.requests[0].command, COMMAND);

        let later = judge(&text, false, &Settings::default(), &none);
        assert_eq!(
            severities(&later),
            [("GA201", Severity::Error), ("GA203", Severity::Error)]
        );
        assert!(
            later.diagnostics[0]
                .notes
                .iter()
                .any(|n| n.contains("stays an error"))
        );
        assert_eq!(later.requests.len(), 1);
    }

    #[test]
    fn without_a_request_the_commit_is_blocked_and_told_how_to_ask() {
        let out = judge(USE, true, &Settings::default(), &Ledger::default());
        assert_eq!(
            severities(&out),
            [("GA201", Severity::Error), ("GA203", Severity::Error)]
        );
        let asks: Vec<&String> = out
            .diagnostics
            .iter()
            .flat_map(|d| &d.notes)
            .filter(|n| n.contains("add `approval-requested: 2025-09-20`"))
            .collect();
        assert_eq!(asks.len(), 1);
        assert!(out.requests.is_empty());
    }

    #[test]
    fn a_rule_the_production_denies_stays_an_error() {
        let source = Source::new(config::CONFIG_PATH, b"rules: { GA201: deny }\n".to_vec());
        let settings = config::parse(&source).unwrap();
        let text = format!("{USE}{REQUEST}");
        let out = judge(&text, true, &settings, &Ledger::default());
        assert_eq!(
            severities(&out),
            [("GA201", Severity::Error), ("GA203", Severity::Warning)]
        );
    }

    #[test]
    fn an_approval_near_its_last_day_is_a_warning() {
        let ledger = "- id: NFX-1\n  granted-by: mei@studio.example\n  granted-on: 2025-09-01\n  expires-on: 2025-09-30\n  covers: [{ path: vfx/a.yml, use: aria-design }]\n";
        let (ledger, findings) = approvals::parse(&Source::new(
            config::LEDGER_PATH,
            ledger.as_bytes().to_vec(),
        ));
        assert!(findings.is_empty());
        let out = judge(USE, false, &Settings::default(), &ledger);
        assert_eq!(severities(&out), [("GA503", Severity::Warning)]);
        let d = &out.diagnostics[0];
        assert_eq!(
            d.message,
            "approval `NFX-1` expires on 2025-09-30, in 10 days"
        );
        assert_eq!(
            d.help.as_deref(),
            Some(
                "ask an approver to renew it before then: `aiclear approve --renew NFX-1 --expires YYYY-MM-DD`"
            )
        );
        assert!(out.requests.is_empty());
    }
}
