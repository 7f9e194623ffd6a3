//! The trust root: configuration, approvers and allowed signers.

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
