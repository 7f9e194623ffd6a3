//! `aiclear check`.

use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{Context as _, Result};
use clap::Args;

use super::{ColorWhen, exit, use_color};
use crate::diagnostic::{Diagnostic, Report, Severity};
use crate::engine::{self, Mode, Project, UsageError};
use crate::git::history::HistoryError;
use crate::render::{self, Format};

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or folders to check (default: every matched file)
    pub paths: Vec<PathBuf>,
    /// Check the staged content, read from the index (for the pre-commit hook)
    #[arg(long, conflicts_with = "paths")]
    pub staged: bool,
    /// Check the files changed in BASE...HEAD, read from git, with the history rules
    #[arg(long, value_name = "REV", conflicts_with_all = ["paths", "staged"])]
    pub base: Option<String>,
    /// The head of the range (default: `HEAD`)
    #[arg(long, value_name = "REV", requires = "base", default_value = "HEAD")]
    pub head: String,
    /// With `--base`, also check every other matched file at head
    #[arg(long, requires = "base")]
    pub all: bool,
    /// With `--staged`: the commit message file (the `commit-msg` hook); an AI
    /// trailer in it while the staged files declare no use is GA607. Prints
    /// nothing when it finds nothing: the pre-commit check has said how many
    /// files it checked
    #[arg(long, value_name = "FILE", requires = "staged")]
    pub commit_msg: Option<PathBuf>,
    /// Also write SARIF 2.1.0 to FILE (for GitHub code scanning)
    #[arg(long, value_name = "FILE")]
    pub sarif: Option<PathBuf>,
    /// Append a Markdown summary for showrunners to FILE (default:
    /// `$GITHUB_STEP_SUMMARY` when set)
    #[arg(
        long,
        value_name = "FILE",
        env = "GITHUB_STEP_SUMMARY",
        hide_env_values = true
    )]
    pub summary: Option<PathBuf>,
    /// With `--format github`: annotations per level (GitHub shows 10)
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub max_annotations: usize,
    /// Print how long each phase took, on stderr
    #[arg(long)]
    pub timings: bool,
    /// Read every file, even those an earlier check of the work tree found
    /// clean and that have not changed since (the cache is kept in the
    /// repository's git folder)
    #[arg(long)]
    pub no_cache: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Write the report to FILE instead of stdout
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

pub fn run(args: &CheckArgs, color: ColorWhen) -> Result<u8> {
    let project = Project::discover_for(args.staged && args.base.is_none())?;
    let mode = if let Some(base) = &args.base {
        Mode::Range {
            base: base.clone(),
            head: args.head.clone(),
            all: args.all,
        }
    } else if args.staged {
        let message = match &args.commit_msg {
            Some(path) => Some(
                std::fs::read_to_string(path)
                    .with_context(|| format!("reading the commit message `{}`", path.display()))?,
            ),
            None => None,
        };
        Mode::Staged { message }
    } else {
        Mode::Worktree {
            paths: args.paths.clone(),
        }
    };
    // Staged files may belong to productions in subfolders (each with its own
    // `.aiclear/`): check each against its own configuration.
    let listing = std::time::Instant::now();
    let projects = match &mode {
        Mode::Staged { .. } => engine::staged_projects(project)?,
        _ => vec![(String::new(), project)],
    };
    let mut report = Report::default();
    if matches!(mode, Mode::Staged { .. }) {
        // Mostly git reading the index: the rest of a hook's time.
        report
            .timings
            .push(("staged paths (git diff --cached)", listing.elapsed()));
    }
    for (sub, project) in &projects {
        match check_one(project, &mode, !args.no_cache) {
            Ok(r) => engine::merge(&mut report, r, sub),
            Err(e) => return failed(args, e, color),
        }
    }
    // Under a hook, a clean result is said once (by the pre-commit check,
    // not again by the commit-msg one), and not at all for `git commit -q`.
    let human_out = args.format == Format::Human && args.output.is_none();
    let silent = args.staged
        && human_out
        && report.diagnostics.is_empty()
        && (args.commit_msg.is_some() || super::hook::run_by_quiet_git_commit());
    let epilogue = if args.staged && args.format == Format::Human {
        judged_staged(&report)
    } else {
        Vec::new()
    };
    write(args, &report, color, silent, &epilogue)?;
    if args.timings {
        let mut err = std::io::stderr().lock();
        for (phase, took) in &report.timings {
            writeln!(err, "{:>9.3} ms  {phase}", took.as_secs_f64() * 1e3)?;
        }
        writeln!(err, "{:>9} files checked", report.files_checked)?;
        if report.files_from_cache > 0 {
            writeln!(
                err,
                "{:>9} of them known clean from an earlier check",
                report.files_from_cache
            )?;
        }
    }
    let code = if report.errors() > 0 {
        exit::ERRORS
    } else {
        exit::OK
    };
    leave_to_exit(report, projects);
    Ok(code)
}

/// The process exits next, and the system takes the memory back at once:
/// freeing every source, diagnostic and index entry one by one would only
/// delay that.
#[expect(clippy::mem_forget, reason = "both live until the process exits")]
fn leave_to_exit(report: Report, projects: Vec<(String, Project)>) {
    std::mem::forget(report);
    std::mem::forget(projects);
}

#[expect(
    clippy::mem_forget,
    reason = "the declarations live until the process exits"
)]
fn check_one(project: &Project, mode: &Mode, cache: bool) -> Result<Report> {
    let engine::Checked {
        report,
        declarations,
        ..
    } = engine::check_keeping(project, mode, cache)?;
    // Not needed here, and the process exits soon: not freed one by one.
    std::mem::forget(declarations);
    Ok(report)
}

/// When files with findings differ in the work tree from what is staged: a
/// line saying that the staged content is what was judged.
fn judged_staged(report: &Report) -> Vec<String> {
    let mut paths: Vec<&str> = report
        .diagnostics
        .iter()
        .filter(|d| d.severity != Severity::Note && !d.path.is_empty())
        .map(|d| d.path.as_str())
        .collect();
    paths.sort_unstable();
    paths.dedup();
    let in_repo: Vec<String> = paths
        .iter()
        .map(|p| format!("{}{p}", report.root_prefix))
        .collect();
    let differ = crate::git::differ_from_work_tree(&in_repo);
    let shown: Vec<String> = paths
        .iter()
        .zip(&in_repo)
        .filter(|(_, r)| differ.contains(r))
        .map(|(p, _)| format!("`{}`", render::inert(p)))
        .collect();
    match shown.as_slice() {
        [] => Vec::new(),
        [one] => vec![format!(
            "note: the staged content of {one} is what was judged, and the file differs in the work tree (`git add` it to judge and commit it as it is there)"
        )],
        many => vec![format!(
            "note: the staged content is what was judged, and these files differ in the work tree: {} (`git add` them to judge and commit them as they are there)",
            many.join(", ")
        )],
    }
}

/// Report why a check could not run, and its exit code.
fn failed(args: &CheckArgs, e: anyhow::Error, color: ColorWhen) -> Result<u8> {
    let e = match e.downcast::<HistoryError>() {
        Ok(h) => {
            write(args, &incomplete_history(&h), color, false, &[])?;
            return Ok(exit::HISTORY);
        }
        Err(e) => e,
    };
    match e.downcast::<UsageError>() {
        Ok(UsageError::Config(report)) => {
            let mut err = std::io::stderr().lock();
            let c = use_color(color, std::io::stderr().is_terminal());
            render::render(Format::Human, &report, c, &mut err)?;
            Ok(exit::USAGE)
        }
        Ok(other) => Err(other.into()),
        Err(e) => Err(e),
    }
}

/// The one diagnostic of a range check that cannot see the history it needs.
fn incomplete_history(e: &HistoryError) -> Report {
    let rule = &crate::rules::incomplete_history::INCOMPLETE_HISTORY;
    Report {
        diagnostics: vec![Diagnostic {
            rule: Some(rule),
            severity: Severity::Error,
            message: e.to_string(),
            path: String::new(),
            span: None,
            label: None,
            secondary: Vec::new(),
            notes: vec![rule.guideline.to_owned()],
            help: Some(e.fix()),
        }],
        ..Report::default()
    }
}

fn write(
    args: &CheckArgs,
    report: &Report,
    color: ColorWhen,
    silent: bool,
    epilogue: &[String],
) -> Result<()> {
    if let Some(path) = &args.sarif {
        let file = File::create(path).with_context(|| format!("creating `{}`", path.display()))?;
        let mut w = BufWriter::new(file);
        render::render(Format::Sarif, report, false, &mut w)?;
        w.flush()?;
    }
    if let Some(path) = args.summary.as_ref().filter(|p| !p.as_os_str().is_empty()) {
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .with_context(|| format!("opening the summary `{}`", path.display()))?;
        file.write_all(render::summary_markdown(report, render::SUMMARY_MAX_BYTES).as_bytes())?;
    }
    let options = render::RenderOptions {
        github: render::GithubOptions {
            max_per_level: args.max_annotations,
        },
        ..render::RenderOptions::default()
    };
    match &args.output {
        Some(path) => {
            let file =
                File::create(path).with_context(|| format!("creating `{}`", path.display()))?;
            let mut w = BufWriter::new(file);
            render::render_with(
                args.format,
                report,
                color == ColorWhen::Always,
                &options,
                &mut w,
            )?;
            for line in epilogue {
                writeln!(w, "{line}")?;
            }
            w.flush()?;
        }
        None if silent => {}
        None => {
            let stdout = std::io::stdout();
            let c = use_color(color, stdout.is_terminal());
            let mut w = BufWriter::new(stdout.lock());
            crate::text::ignore_broken_pipe(
                render::render_with(args.format, report, c, &options, &mut w)
                    .and_then(|()| epilogue.iter().try_for_each(|line| writeln!(w, "{line}")))
                    .and_then(|()| w.flush()),
            )?;
        }
    }
    Ok(())
}
