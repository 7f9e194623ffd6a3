//! `aiclear report`: the production's disclosure register.
//!
//! A report, not a gate: it exits 0 whatever it finds (the findings are in
//! it), 2 on a usage or configuration error, and 3 when `--base` needs
//! history the clone does not have.

use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{Context as _, Result};
use clap::Args;

use super::{exit, use_color};
use crate::config;
use crate::engine::{self, Mode, Project, UsageError};
use crate::git::CommitId;
use crate::git::history::HistoryError;
use crate::render::{self, Format};
use crate::report::{self, ReportFormat};
use crate::source::Source;

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = ReportFormat::Markdown)]
    pub format: ReportFormat,
    /// Write the register to FILE instead of stdout
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Read every file at HEAD from git and run the history rules over
    /// BASE...HEAD (with the trust root read from BASE)
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
    /// Start the CSV without the UTF-8 byte-order mark (which Excel needs
    /// to read UTF-8, and other tools may show as a stray character)
    #[arg(long)]
    pub no_bom: bool,
}

pub fn run(args: &ReportArgs) -> Result<u8> {
    let project = Project::discover()?;
    let mode = match &args.base {
        Some(base) => Mode::Range {
            base: base.clone(),
            head: "HEAD".to_owned(),
            all: true,
        },
        None => Mode::Worktree { paths: Vec::new() },
    };
    let checked = match engine::check_declarations(&project, &mode) {
        Ok(c) => c,
        Err(e) => return failed(e),
    };
    let history = report::history(&project, &checked)?;
    let commit = checked
        .commit
        .as_deref()
        .and_then(|c| c.parse::<CommitId>().ok());
    let read = |rel: &str| -> Option<Vec<u8>> {
        match (&mode, &project.repo, commit) {
            (Mode::Range { .. }, Some(repo), Some(commit)) => repo
                .read_at(commit, &format!("{}{rel}", project.prefix))
                .ok()
                .flatten(),
            _ => read_prefix(&project.root.join(rel)),
        }
    };
    let read_whole = |rel: &str| -> Option<Vec<u8>> {
        match (&mode, &project.repo, commit) {
            (Mode::Range { .. }, Some(repo), Some(commit)) => repo
                .read_at(commit, &format!("{}{rel}", project.prefix))
                .ok()
                .flatten(),
            _ => std::fs::read(project.root.join(rel)).ok(),
        }
    };
    // The production's name is no trust matter: the configuration of the
    // files the register describes names it. The check has validated the
    // configuration it judged by; one that does not read names nothing.
    let settings = read_whole(config::CONFIG_PATH)
        .and_then(|bytes| config::parse(&Source::new(config::CONFIG_PATH, bytes)).ok());
    let ledger = read_whole(config::LEDGER_PATH)
        .map(|bytes| crate::rules::read_ledger(&Source::new(config::LEDGER_PATH, bytes)).0);
    let production = report::production_name(
        &project,
        &checked,
        settings.as_ref().and_then(|s| s.production.as_ref()),
        &read,
    );
    let episodes = report::title_page_episodes(&checked, &read);
    let defaults = config::Settings::default();
    let policy = report::policy_rows(
        settings.as_ref().unwrap_or(&defaults),
        crate::localtime::today(),
        &project.root,
        &read_whole,
    );
    let register = report::build(
        &checked,
        &report::Inputs {
            production,
            base: args.base.clone(),
            history: &history,
            now: jiff::Timestamp::now(),
            ledger: ledger.as_ref(),
            episodes: &episodes,
            policy,
        },
    );
    let options = report::RenderOptions {
        csv_bom: !args.no_bom,
    };
    write(args, &register, &options)?;
    Ok(exit::OK)
}

/// The exit code of a check that failed with a history or usage error;
/// other errors are passed on.
fn failed(e: anyhow::Error) -> Result<u8> {
    let e = match e.downcast::<HistoryError>() {
        Ok(h) => {
            super::fail(&h.to_string(), exit::HISTORY);
            writeln!(std::io::stderr().lock(), "  = help: {}", h.fix())?;
            return Ok(exit::HISTORY);
        }
        Err(e) => e,
    };
    match e.downcast::<UsageError>() {
        Ok(UsageError::Config(report)) => {
            let mut err = std::io::stderr().lock();
            let c = use_color(super::ColorWhen::Auto, std::io::stderr().is_terminal());
            render::render(Format::Human, &report, c, &mut err)?;
            Ok(exit::USAGE)
        }
        Ok(other) => Err(other.into()),
        Err(e) => Err(e),
    }
}

/// Write the register to `--output`, or to standard output.
fn write(
    args: &ReportArgs,
    register: &report::Register,
    options: &report::RenderOptions,
) -> Result<()> {
    match &args.output {
        Some(path) => {
            let file =
                File::create(path).with_context(|| format!("creating `{}`", path.display()))?;
            let mut w = BufWriter::new(file);
            report::render(args.format, register, options, &mut w)?;
            w.flush()?;
        }
        None => {
            let mut w = BufWriter::new(std::io::stdout().lock());
            crate::text::ignore_broken_pipe(
                report::render(args.format, register, options, &mut w).and_then(|()| w.flush()),
            )?;
        }
    }
    Ok(())
}

/// The start of a file in the work tree (a title page is at the top).
fn read_prefix(path: &std::path::Path) -> Option<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    File::open(path)
        .ok()?
        .take(engine::FIRST_READ_BYTES)
        .read_to_end(&mut bytes)
        .ok()?;
    Some(bytes)
}
