//! The trust root: configuration, approvers and allowed signers.

use super::read::Content;
use crate::approvals::{self, Ledger};
use crate::rules::{self, Finding};
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
        Some(source) => match config::parse(source) {
            Ok(s) => s,
            Err(findings) => {
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
            let (ledger, findings) = approvals::parse(&source);
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
            let f = Finding::new(
                &rules::malformed_declaration::MALFORMED_DECLARATION,
                None,
                format!("the ledger cannot be read: {why}"),
            )
            .help(format!(
                "commit the approvals themselves at `{}`, a regular file, not a link to one",
                config::LEDGER_PATH
            ));
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
            let f = Finding::new(
                &rules::invalid_value::INVALID_VALUE,
                Some(d.span.clone()),
                format!(
                    "the document `{}` is a symbolic link or not a regular file",
                    d.value
                ),
            )
            .label("a link, not the signed document")
            .help("commit the signed approval itself at that path");
            report
                .diagnostics
                .push(to_diagnostic(f, Severity::Error, config::LEDGER_PATH));
        }
    }
    Ok((ledger, ledger_source))
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
