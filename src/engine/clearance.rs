//! Approval clearance: valid ledger entries clear the approval-level
//! findings they cover.

use std::collections::{HashMap, HashSet};

use crate::approvals::{self, State};
use crate::config;
use crate::declaration::{Declaration, Use};
use crate::diagnostic::ApprovalUse;
use crate::rules::{self, Finding, Level};

use super::judge::Checker;

impl Checker<'_> {
    /// Clear approval-level findings that a valid ledger entry covers, and
    /// report the approvals that uses cite but that do not hold.
    pub(super) fn apply_approvals(
        &self,
        decl: &Declaration,
        path: &str,
        findings: Vec<Finding>,
    ) -> Vec<Finding> {
        let mut out = Vec::new();
        let mut reported: HashSet<(String, String)> = HashSet::new();
        // The entries that cleared a finding, by use.
        let mut relied: HashMap<String, HashSet<String>> = HashMap::new();
        self.check_cited(decl, path, &mut reported, &mut out);
        for f in findings {
            if f.severity.is_some() || self.level(f.rule) != Level::Approval {
                out.push(f);
                continue;
            }
            let Some(u) = f
                .use_id
                .as_ref()
                .and_then(|id| decl.uses.iter().find(|u| &u.id.value == id))
            else {
                out.push(f);
                continue;
            };
            self.clear(f, u, path, &mut reported, &mut relied, &mut out);
        }
        for u in &decl.uses {
            let none = HashSet::new();
            let relied = relied.get(&u.id.value).unwrap_or(&none);
            self.expiring(u, path, relied, &mut out);
        }
        out
    }

    /// Findings for the approvals the uses cite that are unknown, out of
    /// scope or no longer valid; those reported are remembered.
    fn check_cited(
        &self,
        decl: &Declaration,
        path: &str,
        reported: &mut HashSet<(String, String)>,
        out: &mut Vec<Finding>,
    ) {
        for u in &decl.uses {
            for cited in &u.approvals {
                let key = (u.id.value.clone(), cited.value.clone());
                let Some(entry) = self.ledger.get(&cited.value) else {
                    out.push(rules::unknown_approval::not_in_ledger(
                        u,
                        cited.span.clone(),
                        &cited.value,
                        config::LEDGER_PATH,
                    ));
                    continue;
                };
                let Some(cover) = entry.cover_for(path, &u.id.value) else {
                    let covers: Vec<String> = entry.covers.iter().map(describe_cover).collect();
                    out.push(rules::approval_out_of_scope::not_covered(
                        u,
                        cited.span.clone(),
                        &cited.value,
                        &covers.join("; "),
                    ));
                    continue;
                };
                if let Some(f) = self.state_finding(entry, cover, u, cited.span.clone()) {
                    reported.insert(key);
                    out.push(f);
                }
            }
        }
    }

    /// Clear one approval-level finding of use `u` if a valid entry covers
    /// it, else keep it with notes on the entries that do not hold.
    fn clear(
        &self,
        f: Finding,
        u: &Use,
        path: &str,
        reported: &mut HashSet<(String, String)>,
        relied: &mut HashMap<String, HashSet<String>>,
        out: &mut Vec<Finding>,
    ) {
        let mut f = f;
        let mut cleared = false;
        for entry in &self.ledger.entries {
            let Some(cover) = entry.covers.iter().find(|c| {
                c.covers_path(path) && c.covers_use(&u.id.value) && c.covers_rule(f.rule.code)
            }) else {
                continue;
            };
            match self.state(entry, cover, u) {
                State::Valid => {
                    cleared = true;
                    relied
                        .entry(u.id.value.clone())
                        .or_default()
                        .insert(entry.id.value.clone());
                    break;
                }
                State::Untrusted => {
                    f.notes.push(format!(
                        "approval `{}` covers this but was not granted by an approver (see the ledger)",
                        entry.id.value
                    ));
                }
                State::Broken | State::Expired(_) | State::Stale { .. } => {
                    f.notes.push(format!(
                        "approval `{}` covers this but no longer holds",
                        entry.id.value
                    ));
                    if reported.insert((u.id.value.clone(), entry.id.value.clone()))
                        && let Some(sf) = self.state_finding(entry, cover, u, u.anchor())
                    {
                        out.push(sf);
                    }
                }
            }
        }
        if !cleared {
            for cited in &u.approvals {
                if let Some(entry) = self.ledger.get(&cited.value)
                    && entry
                        .cover_for(path, &u.id.value)
                        .is_some_and(|c| !c.covers_rule(f.rule.code))
                {
                    f.notes.push(format!(
                        "approval `{}` does not cover {}",
                        cited.value, f.rule.code
                    ));
                }
            }
            out.push(f);
        }
    }

    /// The approvals each use cites or is covered by, and their state, for
    /// the job summary and the disclosure register.
    pub(super) fn relied_on(&self, decl: &Declaration, path: &str) -> Vec<ApprovalUse> {
        let mut out = Vec::new();
        for u in &decl.uses {
            let mut seen = HashSet::new();
            for entry in &self.ledger.entries {
                let cited = u.approvals.iter().any(|a| a.value == entry.id.value);
                let state = match entry.cover_for(path, &u.id.value) {
                    Some(cover) => match self.state(entry, cover, u) {
                        State::Valid => "valid",
                        State::Broken => "broken",
                        State::Untrusted => "unauthorised",
                        State::Expired(_) => "expired",
                        State::Stale { .. } => "stale",
                    },
                    None if cited => "out of scope",
                    None => continue,
                };
                seen.insert(entry.id.value.clone());
                out.push(ApprovalUse {
                    id: entry.id.value.clone(),
                    path: path.to_owned(),
                    use_id: Some(u.id.value.clone()),
                    state: state.to_owned(),
                    granted_by: entry.granted_by.as_ref().map(|g| g.value.clone()),
                    expires_on: entry.expires_on.as_ref().map(|e| e.value.to_string()),
                });
            }
            for cited in &u.approvals {
                if !seen.contains(&cited.value) {
                    out.push(ApprovalUse {
                        id: cited.value.clone(),
                        path: path.to_owned(),
                        use_id: Some(u.id.value.clone()),
                        state: "missing".to_owned(),
                        granted_by: None,
                        expires_on: None,
                    });
                }
            }
        }
        out
    }

    /// An entry's state for a use, with what history showed about it.
    pub(super) fn state(
        &self,
        entry: &approvals::Entry,
        cover: &approvals::Cover,
        u: &Use,
    ) -> State {
        if self.untrusted.contains(&entry.id.value) {
            return State::Untrusted;
        }
        entry.state(cover, u, self.today)
    }

    pub(super) fn state_finding(
        &self,
        entry: &approvals::Entry,
        cover: &approvals::Cover,
        u: &Use,
        span: crate::source::Span,
    ) -> Option<Finding> {
        match self.state(entry, cover, u) {
            State::Valid => None,
            // Reported once, at the entry in the ledger.
            State::Untrusted => None,
            State::Broken => Some(rules::unknown_approval::broken_entry(
                u,
                span,
                &entry.id.value,
                config::LEDGER_PATH,
            )),
            State::Expired(on) => Some(rules::expired_approval::expired(
                u,
                span,
                &entry.id.value,
                on,
            )),
            State::Stale { granted, now } => Some(rules::stale_approval::stale(
                u,
                span,
                &entry.id.value,
                &granted,
                &now,
            )),
        }
    }
}

pub(super) fn describe_cover(c: &approvals::Cover) -> String {
    let mut s = format!("`{}`", c.path.value);
    if let Some(u) = &c.use_id {
        s.push_str(&format!(" use `{}`", u.value));
    }
    if !c.rules.is_empty() {
        s.push_str(&format!(
            " for {}",
            c.rules
                .iter()
                .map(|r| r.value.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use crate::approvals::Ledger;
    use crate::config::Settings;
    use crate::diagnostic::Severity;
    use crate::engine::judge::testing::{checker, codes, judge, ledger};

    const USE: &str = "genai:\n  disclosed: { to: M. Chen, on: 2025-09-02 }\n  uses:\n    - id: aria-design\n      stage: final\n      output: image\n      elements: [main-character]\n      tools: [{ name: Imagen 4, enterprise: true, trains-on-inputs: false }]\n      human-input: repainted\n";
    const ENTRY: &str = "- id: NFX-1\n  granted-by: mei@studio.example\n  granted-on: 2025-09-01\n  covers: [{ path: vfx/a.yml, use: aria-design }]\n";

    #[test]
    fn a_ledger_entry_clears_the_findings_it_covers() {
        let (settings, untrusted) = (Settings::default(), HashSet::new());
        let none = Ledger::default();
        let open = judge(&checker(&settings, &none, &untrusted), USE);
        assert_eq!(
            codes(&open),
            [("GA201", Severity::Error), ("GA203", Severity::Error)]
        );
        let granted = ledger(ENTRY);
        let cleared = judge(&checker(&settings, &granted, &untrusted), USE);
        assert!(cleared.diagnostics.is_empty(), "{:?}", codes(&cleared));
        assert_eq!(cleared.approvals.len(), 1);
    }

    #[test]
    fn an_entry_for_one_rule_clears_only_that_rule() {
        let (settings, untrusted) = (Settings::default(), HashSet::new());
        let one = ledger(&ENTRY.replace("use: aria-design", "use: aria-design, rules: [GA201]"));
        let out = judge(&checker(&settings, &one, &untrusted), USE);
        assert_eq!(codes(&out), [("GA203", Severity::Error)]);
    }

    #[test]
    fn an_untrusted_entry_clears_nothing_and_says_why() {
        let settings = Settings::default();
        let granted = ledger(ENTRY);
        let untrusted = HashSet::from(["NFX-1".to_owned()]);
        let out = judge(&checker(&settings, &granted, &untrusted), USE);
        assert_eq!(
            codes(&out),
            [("GA201", Severity::Error), ("GA203", Severity::Error)]
        );
        assert!(out.diagnostics[0].notes.iter().any(|n| {
            n == "approval `NFX-1` covers this but was not granted by an approver (see the ledger)"
        }));
    }

    #[test]
    fn a_cited_approval_must_exist_and_cover_the_use() {
        let (settings, untrusted) = (Settings::default(), HashSet::new());
        let cited = format!("{USE}      approvals: [NFX-9]\n");
        let none = Ledger::default();
        let out = judge(&checker(&settings, &none, &untrusted), &cited);
        assert!(
            out.diagnostics
                .iter()
                .any(|d| d.message == "approval `NFX-9` is not in the ledger")
        );
        let elsewhere = ledger(
            &ENTRY
                .replace("NFX-1", "NFX-9")
                .replace("vfx/a.yml", "vfx/b.yml"),
        );
        let out = judge(&checker(&settings, &elsewhere, &untrusted), &cited);
        let scope = out
            .diagnostics
            .iter()
            .find(|d| d.message == "approval `NFX-9` does not cover use `aria-design` in this file")
            .expect("an out-of-scope finding");
        assert!(
            scope
                .notes
                .iter()
                .any(|n| n == "it covers `vfx/b.yml` use `aria-design`")
        );
    }
}
