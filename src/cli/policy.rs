//! `aiclear policy test`: run the fixtures of policy packs.
//!
//! A pack is named the way the configuration names one (a built-in id, a
//! family, the name of `.aiclear/policies/NAME.yml`) or by the path of its
//! file; with none, every pack the project's configuration names is tested.
//! A pack file that does not read is reported like a configuration with
//! errors, and the command exits 2 without testing anything.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use clap::{Args, Subcommand, ValueEnum};
use serde::Serialize;

use super::{ColorWhen, exit, use_color};
use crate::diagnostic::{Report, Severity};
use crate::engine::{Project, UsageError};
use crate::policy::test::{PackResult, Place, RuleResult, run_pack};
use crate::policy::{self, Origin, Pack};
use crate::render::{self, Format};
use crate::schema::Date;
use crate::source::Source;

#[derive(Debug, Subcommand)]
pub enum PolicyCmd {
    /// Run each pack rule's tests: `# ruleid:` lines must hold a finding of
    /// the rule, `# ok:` lines must not
    Test(TestArgs),
}

#[derive(Debug, Args)]
pub struct TestArgs {
    /// A built-in pack (`sag-aftra-2023`), a family (`sag-aftra`), the name
    /// of `.aiclear/policies/NAME.yml`, or the path of a pack file (default:
    /// every pack the configuration names)
    #[arg(value_name = "PACK|PATH")]
    pub packs: Vec<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = TestFormat::Human)]
    pub format: TestFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TestFormat {
    Human,
    Json,
}

pub fn run(cmd: &PolicyCmd, color: ColorWhen) -> Result<u8> {
    match cmd {
        PolicyCmd::Test(args) => test(args, color),
    }
}

fn test(args: &TestArgs, color: ColorWhen) -> Result<u8> {
    // `--today`: a rule not in force then is judged on its first day.
    let today = crate::localtime::today();
    let packs = match packs(args, today, color)? {
        Ok(packs) => packs,
        Err(code) => return Ok(code),
    };
    let results: Vec<PackResult> = packs.into_iter().map(|p| run_pack(p, today)).collect();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    crate::text::ignore_broken_pipe(
        match args.format {
            TestFormat::Human => human(&results, today, &mut out),
            TestFormat::Json => json(&results, &mut out),
        }
        .and_then(|()| out.flush()),
    )?;
    let failed: usize = results.iter().map(PackResult::failed).sum();
    Ok(if failed > 0 { exit::ERRORS } else { exit::OK })
}

/// The packs to test, or the exit code when one cannot be read (its
/// problems already printed).
fn packs(args: &TestArgs, today: Date, color: ColorWhen) -> Result<Result<Vec<&'static Pack>, u8>> {
    if args.packs.is_empty() {
        return configured(color);
    }
    let mut packs: Vec<&'static Pack> = Vec::new();
    for name in &args.packs {
        let (path, shown) = match lookup(name, today)? {
            Found::Pack(p) => {
                if !packs.iter().any(|q| std::ptr::eq(*q, p)) {
                    packs.push(p);
                }
                continue;
            }
            Found::File { path, shown } => (path, shown),
        };
        match read_pack(&path, &shown, color)? {
            Ok(p) => packs.push(p),
            Err(code) => return Ok(Err(code)),
        }
    }
    Ok(Ok(packs))
}

/// What a name on the command line stands for.
enum Found {
    Pack(&'static Pack),
    /// A pack file: where to read it, and the path messages name.
    File {
        path: PathBuf,
        shown: String,
    },
}

fn lookup(name: &str, today: Date) -> Result<Found> {
    let looks_like_path = name.contains('/')
        || name.contains(std::path::MAIN_SEPARATOR)
        || name.ends_with(".yml")
        || name.ends_with(".yaml");
    if looks_like_path || Path::new(name).is_file() {
        return Ok(Found::File {
            path: PathBuf::from(name),
            shown: name.to_owned(),
        });
    }
    if let Some(p) = policy::find_pack(name).or_else(|| policy::pack_in_force(name, today)) {
        return Ok(Found::Pack(p));
    }
    let own = policy::project_pack_path(name);
    let project = Project::discover()?;
    if project.root.join(&own).is_file() {
        return Ok(Found::File {
            path: project.root.join(&own),
            shown: own,
        });
    }
    let mut known: Vec<&str> = Vec::new();
    for p in policy::builtin_packs() {
        known.push(&p.id);
        if !known.contains(&p.family.as_str()) {
            known.push(&p.family);
        }
    }
    let hint = match crate::schema::did_you_mean(name, &known) {
        Some(s) => crate::schema::suggest(s),
        None => format!(
            "the built-in packs are {}",
            crate::schema::backticked(
                &policy::builtin_packs()
                    .iter()
                    .map(|p| p.id.as_str())
                    .collect::<Vec<_>>()
            )
        ),
    };
    Err(UsageError::Message(format!(
        "unknown policy pack `{name}`: neither a built-in pack nor `{own}` ({hint})"
    ))
    .into())
}

/// Read and parse a pack file; its problems go to stderr, rustc-style.
fn read_pack(path: &Path, shown: &str, color: ColorWhen) -> Result<Result<&'static Pack, u8>> {
    let bytes = std::fs::read(path).with_context(|| format!("reading the pack `{shown}`"))?;
    let source = Source::new(shown, bytes);
    match policy::parse_pack(&source, Origin::Project(shown.to_owned())) {
        Ok(pack) => Ok(Ok(pack)),
        Err(findings) => {
            let mut report = Report::default();
            for f in findings {
                report
                    .diagnostics
                    .push(crate::engine::diagnostic_of(f, Severity::Error, shown));
            }
            report.sources.insert(shown.to_owned(), source);
            print_errors(&report, color)?;
            Ok(Err(exit::USAGE))
        }
    }
}

fn print_errors(report: &Report, color: ColorWhen) -> Result<()> {
    let mut err = std::io::stderr().lock();
    let c = use_color(color, std::io::stderr().is_terminal());
    render::render(Format::Human, report, c, &mut err)?;
    Ok(())
}

/// The packs the project's configuration names (and those they extend),
/// resolved as a check resolves them; a configuration or pack with errors
/// is printed and gives the exit code.
fn configured(color: ColorWhen) -> Result<Result<Vec<&'static Pack>, u8>> {
    let project = Project::discover()?;
    match crate::engine::project_policy(&project) {
        Ok((_, policy)) => Ok(Ok(policy.packs)),
        Err(e) => match e.downcast::<UsageError>() {
            Ok(UsageError::Config(report)) => {
                print_errors(&report, color)?;
                Ok(Err(exit::USAGE))
            }
            Ok(other) => Err(other.into()),
            Err(e) => Err(e),
        },
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Where a fixture is, for a reason line.
fn place(result: &PackResult, rule: &RuleResult, place: &Place) -> String {
    match place {
        Place::Line(line) => format!("{}:{line}", result.file),
        Place::Example(heading) => format!("`{heading}` of `aiclear explain {}`", rule.rule.code),
    }
}

fn human(results: &[PackResult], today: Date, out: &mut dyn Write) -> std::io::Result<()> {
    let (mut rules, mut fixtures, mut failed) = (0, 0, 0);
    for result in results {
        writeln!(out, "pack {} ({})", result.pack.id, result.file)?;
        for r in &result.rules {
            let status = if r.passed() { "ok  " } else { "FAIL" };
            writeln!(
                out,
                "{status} {} {} ({})",
                r.rule.code,
                r.rule.name,
                plural(r.fixtures.len(), "fixture", "fixtures")
            )?;
            if let Some(which) = r.moved {
                writeln!(
                    out,
                    "  note: judged on {}, the {which} day it applies (not {today})",
                    r.day
                )?;
            }
            for f in &r.fixtures {
                for reason in &f.failures {
                    writeln!(out, "  {}: {reason}", place(result, r, &f.place))?;
                }
            }
            for gap in &r.coverage {
                if r.coverage_fails {
                    writeln!(out, "  {}: {gap}", result.file)?;
                } else {
                    writeln!(out, "  warning: {gap}")?;
                }
            }
        }
        rules += result.rules.len();
        fixtures += result.fixtures();
        failed += result.failed();
    }
    let verdict = if failed == 0 {
        "all passed".to_owned()
    } else {
        format!("{failed} failed")
    };
    writeln!(
        out,
        "{}, {}: {verdict}",
        plural(rules, "rule", "rules"),
        plural(fixtures, "fixture", "fixtures")
    )
}

#[derive(Serialize)]
struct JsonRun<'a> {
    packs: Vec<JsonPack<'a>>,
    rules: usize,
    fixtures: usize,
    failed: usize,
}

#[derive(Serialize)]
struct JsonPack<'a> {
    id: &'a str,
    file: &'a str,
    rules: Vec<JsonRule<'a>>,
}

#[derive(Serialize)]
struct JsonRule<'a> {
    code: &'static str,
    name: &'static str,
    passed: bool,
    fixtures: usize,
    /// The day the fixtures were judged on.
    day: String,
    failures: Vec<JsonFailure<'a>>,
    warnings: Vec<&'a str>,
}

#[derive(Serialize)]
struct JsonFailure<'a> {
    file: Option<&'a str>,
    /// The pack file's line where the fixture starts.
    line: Option<usize>,
    /// The block of the rule's explanation, for a rule written in Rust.
    block: Option<&'static str>,
    message: &'a str,
}

fn json(results: &[PackResult], out: &mut dyn Write) -> std::io::Result<()> {
    let packs: Vec<JsonPack> = results
        .iter()
        .map(|result| JsonPack {
            id: &result.pack.id,
            file: &result.file,
            rules: result.rules.iter().map(|r| json_rule(result, r)).collect(),
        })
        .collect();
    let run = JsonRun {
        rules: results.iter().map(|r| r.rules.len()).sum(),
        fixtures: results.iter().map(PackResult::fixtures).sum(),
        failed: results.iter().map(PackResult::failed).sum(),
        packs,
    };
    serde_json::to_writer_pretty(&mut *out, &run)?;
    writeln!(out)
}

fn json_rule<'a>(result: &'a PackResult, r: &'a RuleResult) -> JsonRule<'a> {
    let mut failures = Vec::new();
    for f in &r.fixtures {
        for message in &f.failures {
            let (file, line, block) = match f.place {
                Place::Line(line) => (Some(result.file.as_str()), Some(line), None),
                Place::Example(heading) => (None, None, Some(heading)),
            };
            failures.push(JsonFailure {
                file,
                line,
                block,
                message,
            });
        }
    }
    let mut warnings = Vec::new();
    for gap in &r.coverage {
        if r.coverage_fails {
            failures.push(JsonFailure {
                file: Some(&result.file),
                line: None,
                block: None,
                message: gap,
            });
        } else {
            warnings.push(gap.as_str());
        }
    }
    JsonRule {
        code: r.rule.code,
        name: r.rule.name,
        passed: r.passed(),
        fixtures: r.fixtures.len(),
        day: r.day.to_string(),
        failures,
        warnings,
    }
}
