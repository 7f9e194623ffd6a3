//! The command line: argument parsing and one function per subcommand.
//!
//! Every subcommand returns an exit code: 0 no errors (warnings allowed),
//! 1 errors found, 2 usage or configuration error, 3 history insufficient.

mod annotate;
mod approve;
mod check;
mod explain;
mod hook;
mod init;
mod lsp;
mod policy;
mod report;
mod rules;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::render::Format;

#[derive(Debug, Parser)]
#[command(name = "aiclear", version, about = "Keep generative-AI use in scripts and VFX metadata honest", long_about = None)]
pub struct Args {
    /// Run as if started in DIR (like `git -C`)
    #[arg(short = 'C', value_name = "DIR", global = true)]
    pub dir: Option<PathBuf>,
    /// When to use colour
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto, global = true)]
    pub color: ColorWhen,
    /// Judge as of DATE (YYYY-MM-DD): which policy packs and rules are in
    /// force, and whether approvals have expired
    #[arg(long, value_name = "DATE", global = true, value_parser = parse_day)]
    pub today: Option<jiff::civil::Date>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check declarations against the policy (the work tree by default)
    Check(check::CheckArgs),
    /// Explain a rule, a policy pack or a declaration key
    Explain {
        /// A rule code (`GA201`) or name (`key-creative-element`), a policy
        /// pack (`sag-aftra-2023`) or a declaration key (`consent-use`,
        /// `talent.consent-use`)
        #[arg(value_name = "CODE|NAME|PACK|KEY")]
        query: String,
    },
    /// Install or remove the git hooks (pre-commit and commit-msg)
    Hook {
        #[command(subcommand)]
        cmd: hook::HookCommand,
    },
    /// List every rule, by the policy pack it comes from
    Rules {
        #[arg(long, value_enum, default_value_t = RulesFormat::Human)]
        format: RulesFormat,
        /// List only the rules of this policy pack: a built-in pack's id or
        /// family, or a pack the project's configuration names (repeatable)
        #[arg(long = "policy", value_name = "ID")]
        policy: Vec<String>,
    },
    /// Write a commented .aiclear/config.yml drawn from the files in this project
    Init,
    /// Insert a declaration template (or `genai: none`) in the right form for each file
    Annotate(annotate::AnnotateArgs),
    /// Record a written approval in .aiclear/approvals.yml
    Approve(approve::ApproveArgs),
    /// The disclosure register: every declared use, its approvals and what still needs action
    Report(report::ReportArgs),
    /// Work with policy packs: run their tests
    Policy {
        #[command(subcommand)]
        cmd: policy::PolicyCmd,
    },
    /// Serve the checks to an editor: a language server over stdin and stdout
    Lsp,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Human,
    Json,
    /// A Markdown table and every rule's explanation (docs/rules.md)
    Markdown,
}

/// Exit codes.
pub mod exit {
    pub const OK: u8 = 0;
    pub const ERRORS: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const HISTORY: u8 = 3;
}

/// A `YYYY-MM-DD` date.
fn parse_day(text: &str) -> Result<jiff::civil::Date, String> {
    match text.parse::<jiff::civil::Date>() {
        Ok(d) if text.len() == 10 => Ok(d),
        _ => Err(format!(
            "`{text}` is not a date: write YYYY-MM-DD, e.g. 2026-08-02"
        )),
    }
}

/// Parse arguments and run; returns the process exit code.
pub fn run() -> ExitCode {
    let args = match Args::try_parse() {
        Ok(a) => a,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            });
        }
    };
    if let Some(dir) = &args.dir
        && let Err(e) = std::env::set_current_dir(dir)
    {
        return fail(
            &format!("cannot change to `{}`: {e}", dir.display()),
            exit::USAGE,
        );
    }
    if let Some(day) = args.today {
        crate::localtime::set_today(day);
    }
    // The built-in packs' rules are known by code and name to every command,
    // read the first time one is looked up.
    crate::rules::load_packs_with(|| {
        crate::policy::builtin_packs();
    });
    let result = match &args.command {
        Command::Check(c) => check::run(c, args.color),
        Command::Explain { query } => explain::run(query, args.color),
        Command::Rules { format, policy } => rules::run(*format, policy),
        Command::Hook { cmd } => hook::run(cmd),
        Command::Init => init::run(),
        Command::Annotate(a) => annotate::run(a),
        Command::Approve(a) => approve::run(a),
        Command::Report(r) => report::run(r),
        Command::Policy { cmd } => policy::run(cmd, args.color),
        Command::Lsp => lsp::run(),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => fail(&format!("{e:#}"), exit::USAGE),
    }
}

/// Print `error: message` on stderr and return `code`.
pub fn fail(message: &str, code: u8) -> ExitCode {
    let mut err = anstream::stderr();
    let style = anstyle::Style::new()
        .bold()
        .fg_color(Some(anstyle::AnsiColor::Red.into()));
    let _ = writeln!(err, "{style}error{style:#}: {message}");
    ExitCode::from(code)
}

/// Whether to colour output written to stdout.
pub fn use_color(when: ColorWhen, to_terminal: bool) -> bool {
    match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => {
            to_terminal
                && matches!(
                    anstream::AutoStream::choice(&std::io::stdout()),
                    anstream::ColorChoice::Always | anstream::ColorChoice::AlwaysAnsi
                )
        }
    }
}

/// Write a report in a format.
pub fn write_report(
    format: Format,
    report: &crate::diagnostic::Report,
    color: bool,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    crate::render::render(format, report, color, out)
}
