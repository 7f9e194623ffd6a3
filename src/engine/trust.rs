//! The trust root: configuration, approvers and allowed signers.

use super::read::Content;
use crate::approvals::{self, Ledger};
use crate::rules;
use anyhow::Result;

use crate::config::{self, Settings};
use crate::diagnostic::{Report, Severity};
use crate::signing::AllowedSigners;
use crate::source::Source;

use super::UsageError;
use super::judge::to_diagnostic;
use super::read::Files;

/// The configuration, approvers and allowed signers of one snapshot.
#[derive(Default)]
pub(super) struct TrustRoot {
    pub(super) source: Option<Source>,
    pub(super) settings: Settings,
    pub(super) signers: AllowedSigners,
}

/// Read the trust root; errors in it are configuration errors (exit 2).
pub(super) fn trust_root(files: &Files) -> Result<TrustRoot> {
    let source = files.read_config(config::CONFIG_PATH)?;
    let settings = match &source {
        Some(source) => match config::parse_keeping(source) {
            (s, findings) if findings.is_empty() => s,
            (mut s, mut findings) => {
                // Every error at once: overrides of rules no built-in pack
                // has are judged now too, unless a studio pack may hold them.
                if s.extends.is_empty()
                    && s.policy.iter().all(|e| match e {
                        config::PolicyEntry::Name(n) => crate::policy::is_builtin(&n.value),
                        config::PolicyEntry::Pinned(_) => false,
                    })
                {
                    let builtin = crate::policy::Policy {
                        packs: crate::policy::builtin_packs().to_vec(),
                        today: crate::localtime::today(),
                    };
                    findings.extend(crate::policy::settle_overrides(&mut s, &builtin));
                    findings.sort_by_key(|f| f.span.as_ref().map_or(0, |s| s.start));
                }
                let mut report = Report::default();
                for f in findings {
                    report
                        .diagnostics
                        .push(to_diagnostic(f, Severity::Error, config::CONFIG_PATH));
                }
                report.sources.insert(source.path.clone(), source.clone());
                return Err(UsageError::Config(Box::new(report)).into());
            }
        },
        None => Settings::default(),
    };
    let signers = if settings.require_signed_approvals {
        match files.read_config(config::ALLOWED_SIGNERS_PATH)? {
            Some(source) => AllowedSigners::parse(&source.text_lossy()).map_err(|errors| {
                let list: Vec<String> = errors
                    .iter()
                    .map(|(line, m)| format!("line {line}: {m}"))
                    .collect();
                UsageError::Message(format!(
                    "`{}` has errors: {}",
                    config::ALLOWED_SIGNERS_PATH,
                    list.join("; ")
                ))
            })?,
            None => AllowedSigners::default(),
        }
    } else {
        AllowedSigners::default()
    };
    Ok(TrustRoot {
        source,
        settings,
        signers,
    })
}

/// The approvers' emails, in the configuration's order.
pub(super) fn approver_emails(settings: &Settings) -> Vec<String> {
    settings.approvers.iter().map(|a| a.email.clone()).collect()
}

/// The committed trust root, for a check of the work tree or the index.
/// A committed configuration that cannot be read names no approvers: no
/// committed entry counts until it is fixed.
pub(super) fn committed_trust_root(files: &Files) -> Result<TrustRoot> {
    match trust_root(files) {
        Ok(t) => Ok(t),
        Err(e) if e.downcast_ref::<UsageError>().is_some() => Ok(TrustRoot {
            settings: Settings {
                approvers: Vec::new(),
                ..Settings::default()
            },
            ..TrustRoot::default()
        }),
        Err(e) => Err(e),
    }
}

/// Read the ledger, and the findings about it: it cannot be read, or an
/// entry's signed document is a link.
pub(super) fn ledger(files: &Files, report: &mut Report) -> Result<(Ledger, Option<Source>)> {
    let (ledger, ledger_source) = match files.read_plain(config::LEDGER_PATH)? {
        Content::Bytes(bytes) => {
            let source = Source::new(config::LEDGER_PATH, bytes);
            let (ledger, findings) = crate::rules::read_ledger(&source);
            for f in findings {
                report
                    .diagnostics
                    .push(to_diagnostic(f, Severity::Error, config::LEDGER_PATH));
            }
            (ledger, Some(source))
        }
        Content::Absent => (Ledger::default(), None),
        // A ledger that is a link is never followed: nothing in it counts.
        Content::Refused(why) => {
            let f = rules::malformed_declaration::ledger_unreadable(&why, config::LEDGER_PATH);
            report
                .diagnostics
                .push(to_diagnostic(f, Severity::Error, config::LEDGER_PATH));
            (Ledger::default(), None)
        }
    };
    // A `document` must be the file it names, not a link to somewhere else.
    for e in &ledger.entries {
        if let Some(d) = &e.document
            && approvals::is_inside(&d.value)
            && matches!(files.read_plain(&d.value)?, Content::Refused(_))
        {
            let f = rules::invalid_value::linked_document(&d.value, d.span.clone());
            report
                .diagnostics
                .push(to_diagnostic(f, Severity::Error, config::LEDGER_PATH));
        }
    }
    Ok((ledger, ledger_source))
}

/// The policy packs are policy: a studio's own are read from the trust
/// root, like the config; one outside the project only by the digest the
/// config pins. Overrides of studio rules are settled against them.
pub(super) fn policy(
    settings: &mut Settings,
    trust: &Files,
    root: &std::path::Path,
    today: crate::schema::Date,
) -> Result<crate::policy::Policy> {
    struct Read<'a> {
        trust: &'a Files<'a>,
        root: &'a std::path::Path,
    }
    impl crate::policy::PackFiles for Read<'_> {
        fn project(&mut self, path: &str) -> Result<Option<Source>> {
            self.trust.read_config(path)
        }
        fn outside(&mut self, path: &str) -> Result<Option<Vec<u8>>> {
            let at = self.root.join(path);
            match std::fs::metadata(&at) {
                Ok(m) if m.len() > super::MAX_FILE_BYTES => Err(UsageError::Message(format!(
                    "the pinned policy pack `{path}` is larger than {} bytes",
                    super::MAX_FILE_BYTES
                ))
                .into()),
                Ok(_) => Ok(Some(std::fs::read(&at)?)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(UsageError::Message(format!(
                    "cannot read the pinned policy pack `{path}`: {e}"
                ))
                .into()),
            }
        }
    }
    let mut read = Read { trust, root };
    let resolved = crate::policy::resolve(&settings.policy, &settings.extends, today, &mut read)?;
    let config_errors = |findings: Vec<rules::Finding>, source: Option<Source>, path: &str| {
        let mut report = Report::default();
        for f in findings {
            report
                .diagnostics
                .push(to_diagnostic(f, Severity::Error, path));
        }
        if let Some(source) = source {
            report.sources.insert(source.path.clone(), source);
        }
        UsageError::Config(Box::new(report))
    };
    let config_source = || trust.read_config(config::CONFIG_PATH).ok().flatten();
    let policy = match resolved {
        Ok(p) => p,
        Err(crate::policy::Unresolved::Config(findings)) => {
            return Err(config_errors(findings, config_source(), config::CONFIG_PATH).into());
        }
        Err(crate::policy::Unresolved::Pack(source, findings)) => {
            let path = source.path.clone();
            return Err(config_errors(findings, Some(source), &path).into());
        }
    };
    let unknown = crate::policy::settle_overrides(settings, &policy);
    if !unknown.is_empty() {
        return Err(config_errors(unknown, config_source(), config::CONFIG_PATH).into());
    }
    Ok(policy)
}

/// The watchlist is policy: read from the trust root, like the config.
pub(super) fn watchlist(settings: &Settings, trust: &Files) -> Result<Vec<String>> {
    Ok(match &settings.watchlist {
        Some(path) => match trust.read_config(path)? {
            Some(source) => String::from_utf8_lossy(&source.bytes)
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(str::to_owned)
                .collect(),
            None => {
                return Err(UsageError::Message(format!(
                    "the watchlist `{path}` named in `{}` does not exist",
                    config::CONFIG_PATH
                ))
                .into());
            }
        },
        None => Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project_with(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(".aiclear")).unwrap();
        for (path, text) in files {
            std::fs::write(dir.path().join(path), text).unwrap();
        }
        dir
    }

    #[test]
    fn without_a_configuration_the_defaults_apply() {
        let dir = project_with(&[]);
        let root = trust_root(&Files::Worktree {
            root: dir.path(),
            edited: None,
        })
        .unwrap();
        assert!(root.source.is_none());
        assert!(approver_emails(&root.settings).is_empty());
    }

    #[test]
    fn a_configuration_with_errors_is_a_usage_error_with_its_report() {
        let dir = project_with(&[(config::CONFIG_PATH, "no-such-key: 1\n")]);
        let err = trust_root(&Files::Worktree {
            root: dir.path(),
            edited: None,
        })
        .err()
        .expect("an error");
        let Some(UsageError::Config(report)) = err.downcast_ref::<UsageError>() else {
            panic!("a configuration error: {err}");
        };
        assert!(!report.diagnostics.is_empty());
        assert!(report.sources.contains_key(config::CONFIG_PATH));
    }

    #[test]
    fn the_watchlist_is_read_from_the_trust_root() {
        let dir = project_with(&[(".aiclear/watch.txt", "# names\nAda Lovelace\n\n  Orson \n")]);
        let files = Files::Worktree {
            root: dir.path(),
            edited: None,
        };
        let mut settings = Settings::default();
        assert!(watchlist(&settings, &files).unwrap().is_empty());
        settings.watchlist = Some(".aiclear/watch.txt".into());
        assert_eq!(
            watchlist(&settings, &files).unwrap(),
            ["Ada Lovelace", "Orson"]
        );
        settings.watchlist = Some(".aiclear/none.txt".into());
        let err = watchlist(&settings, &files).unwrap_err().to_string();
        assert!(err.contains("the watchlist `.aiclear/none.txt`"), "{err}");
    }

    #[test]
    fn an_absent_ledger_is_empty_and_a_linked_one_is_refused() {
        let dir = project_with(&[]);
        let files = Files::Worktree {
            root: dir.path(),
            edited: None,
        };
        let mut report = Report::default();
        let (read, source) = ledger(&files, &mut report).unwrap();
        assert!(read.entries.is_empty() && source.is_none());
        assert!(report.diagnostics.is_empty());
        #[cfg(unix)]
        {
            std::fs::write(dir.path().join("real.yml"), "[]\n").unwrap();
            std::os::unix::fs::symlink("../real.yml", dir.path().join(config::LEDGER_PATH))
                .unwrap();
            let (read, source) = ledger(&files, &mut report).unwrap();
            assert!(read.entries.is_empty() && source.is_none());
            assert_eq!(report.diagnostics.len(), 1);
            assert!(
                report.diagnostics[0]
                    .message
                    .starts_with("the ledger cannot be read")
            );
        }
    }
}
