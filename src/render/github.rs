//! GitHub Actions workflow commands: one `::error`, `::warning` or `::notice`
//! annotation a finding, then the findings as `human` prints them, for the
//! log.
//!
//! The runner reads every line a step prints and obeys any that starts with
//! `::`. The annotations are ours, and everything in them that comes from the
//! checked files (the path, names and values quoted in messages) is escaped as
//! `@actions/core` escapes it: `%`, CR and LF in the message, and `:` and `,`
//! too in properties. With CR and LF escaped an annotation is one line, so no
//! file content ever starts a line of its own. The `human` listing after them
//! does quote files, line by line, so it is wrapped in `::stop-commands::TOKEN`
//! … `::TOKEN::` with a random token: while commands are stopped, a line such
//! as `::error::pwned` in a file name or a value is printed and not obeyed,
//! and only someone who knows the token could turn commands back on. (The
//! annotations cannot go inside that block too: the runner ignores them
//! there.)
//!
//! GitHub shows at most 10 annotations of each level for a step and drops the
//! rest silently. So the most severe go first, at most
//! [`GithubOptions::max_per_level`] of each level, and when some are left out
//! a last notice says how many and that the job summary lists them all
//! (that notice takes one of the notices' places, so that it is shown).

use std::hash::BuildHasher;
use std::io::{self, Read};

use annotate_snippets::normalize_untrusted_str;

use super::{message_with_help, plural, region};
use crate::diagnostic::{Diagnostic, Report, Severity};

/// How many annotations of one level GitHub shows for a step.
pub const GITHUB_ANNOTATIONS_PER_LEVEL: usize = 10;

/// How the `github` format is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GithubOptions {
    /// At most this many annotations of each level (errors, warnings,
    /// notices); the Action's `max-annotations`. With 0, no annotations at
    /// all, only the listing.
    pub max_per_level: usize,
}

impl Default for GithubOptions {
    fn default() -> Self {
        Self {
            max_per_level: GITHUB_ANNOTATIONS_PER_LEVEL,
        }
    }
}

pub(super) fn render(
    report: &Report,
    options: &GithubOptions,
    color: bool,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    let mut listing = Vec::new();
    super::human::render(report, color, &mut listing)?;
    let listing = String::from_utf8_lossy(&listing);
    // A token that the listing happens to contain would end the block early.
    let token = std::iter::repeat_with(random_token)
        .find(|t| !listing.contains(t.as_str()))
        .expect("an endless iterator finds a token");
    render_with_token(report, options, &listing, &token, out)
}

/// The output, with the listing and the token already chosen.
fn render_with_token(
    report: &Report,
    options: &GithubOptions,
    listing: &str,
    token: &str,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    let (shown, left_out) = select(report, options.max_per_level);
    for d in shown {
        writeln!(out, "{}", annotation(report, d))?;
    }
    if left_out > 0 {
        let max = options.max_per_level;
        let text = format!(
            "{} not shown as annotations (GitHub shows at most {}, {} and {} for a step); \
             the job summary lists them all",
            plural(left_out, "more finding", "more findings"),
            plural(max, "error", "errors"),
            plural(max, "warning", "warnings"),
            plural(max, "notice", "notices"),
        );
        writeln!(out, "::notice::{}", escape_data(&text))?;
    }
    writeln!(out, "::stop-commands::{token}")?;
    out.write_all(listing.as_bytes())?;
    if !listing.is_empty() && !listing.ends_with('\n') {
        writeln!(out)?;
    }
    writeln!(out, "::{token}::")
}

/// The diagnostics to annotate, errors first, then warnings, then notes, each
/// in report order; and how many are left out.
fn select(report: &Report, max: usize) -> (Vec<&Diagnostic>, usize) {
    if max == 0 {
        return (Vec::new(), 0);
    }
    let level = |severity: Severity| {
        report
            .diagnostics
            .iter()
            .filter(move |d| d.severity == severity)
    };
    let (errors, warnings, notes) = (
        level(Severity::Error).count(),
        level(Severity::Warning).count(),
        level(Severity::Note).count(),
    );
    let cut = errors.saturating_sub(max) + warnings.saturating_sub(max);
    // When anything is left out, the last notice says so: keep a place for it.
    let notes_shown = if cut > 0 || notes > max {
        notes.min(max - 1)
    } else {
        notes
    };
    let shown: Vec<_> = level(Severity::Error)
        .take(max)
        .chain(level(Severity::Warning).take(max))
        .chain(level(Severity::Note).take(notes_shown))
        .collect();
    let left_out = report.diagnostics.len() - shown.len();
    (shown, left_out)
}

/// `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=GA201 name (pack)::message`
/// (with the pack in parentheses for a rule of a policy pack).
fn annotation(report: &Report, d: &Diagnostic) -> String {
    let command = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    };
    let mut properties: Vec<(&str, String)> = Vec::new();
    if !d.path.is_empty() {
        properties.push(("file", format!("{}{}", report.root_prefix, d.path)));
        let located = d.span.is_some() && report.sources.contains_key(&d.path);
        let r = region(report, d);
        properties.push(("line", r.start.line.to_string()));
        if located {
            // GitHub takes columns only for a region on one line.
            if r.start.line == r.end.line {
                properties.push(("col", r.start.column.to_string()));
            }
            properties.push(("endLine", r.end.line.to_string()));
            if r.start.line == r.end.line {
                properties.push(("endColumn", r.end.column.to_string()));
            }
        }
    }
    let title = match d.rule {
        Some(rule) => match rule.pack {
            Some(pack) => format!("{} {} ({pack})", rule.code, rule.name),
            None => format!("{} {}", rule.code, rule.name),
        },
        None => "aiclear".to_owned(),
    };
    properties.push(("title", title));

    let mut line = format!("::{command}");
    for (i, (key, value)) in properties.iter().enumerate() {
        line.push(if i == 0 { ' ' } else { ',' });
        line.push_str(key);
        line.push('=');
        line.push_str(&escape_property(value));
    }
    line.push_str("::");
    line.push_str(&escape_data(&readable(&message_with_help(d, true))));
    line
}

/// `text` with its line breaks made `\n` and other control characters
/// replaced as `human` replaces them, so that the message reads the same in
/// the annotation and in the log (the path is not touched: it must name the
/// file).
fn readable(text: &str) -> String {
    text.split("\r\n")
        .flat_map(|s| s.split(['\n', '\r']))
        .map(normalize_untrusted_str)
        .collect::<Vec<_>>()
        .join("\n")
}

/// A command's message, escaped as `@actions/core`'s `escapeData`.
pub(crate) fn escape_data(s: &str) -> String {
    let s = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    // Other control characters (terminal escapes from a file name, say) are
    // never echoed raw into the log: they are written as `%XX`, which the
    // runner leaves as it is.
    if !s.chars().any(|c| c.is_control()) {
        return s;
    }
    s.chars()
        .map(|c| {
            if c.is_control() {
                format!("%{:02X}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// A command's property value, escaped as `@actions/core`'s `escapeProperty`.
pub(crate) fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// `aiclear-` and 128 random bits in hex: from the operating system, or failing
/// that from the standard library's randomly keyed hasher.
fn random_token() -> String {
    let mut bytes = [0u8; 16];
    let value = match std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut bytes))
    {
        Ok(()) => u128::from_le_bytes(bytes),
        Err(_) => {
            let seed = (std::time::SystemTime::now(), std::process::id());
            let hi = std::collections::hash_map::RandomState::new().hash_one(seed);
            let lo = std::collections::hash_map::RandomState::new().hash_one(seed);
            (u128::from(hi) << 64) | u128::from(lo)
        }
    };
    format!("aiclear-{value:032x}")
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::render::fixture::{self, KEY_CREATIVE_ELEMENT, MISSING_DECLARATION};
    use crate::source::Source;

    fn github(report: &Report, options: &GithubOptions) -> String {
        let mut out = Vec::new();
        render(report, options, false, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// The output with its random token replaced by `TOKEN`.
    pub(crate) fn without_token(out: &str) -> String {
        let token = out
            .lines()
            .find_map(|l| l.strip_prefix("::stop-commands::"))
            .expect("a stop-commands line");
        out.replace(token, "TOKEN")
    }

    /// Reads `out` as the runner does, line by line, and returns the commands
    /// it would obey. Panics on any line that starts (after blanks, as the
    /// runner trims them) with `::` and is not one of ours, and on a
    /// stop-commands block that is not closed by its token.
    pub(crate) fn commands(out: &str) -> Vec<String> {
        let mut obeyed = Vec::new();
        let mut stopped: Option<String> = None;
        for line in out.split(['\n', '\r']) {
            let trimmed = line.trim_start();
            if let Some(token) = &stopped {
                if trimmed == format!("::{token}::") {
                    stopped = None;
                }
                continue;
            }
            if !trimmed.starts_with("::") {
                continue;
            }
            assert_eq!(trimmed, line, "a command after blanks: {line:?}");
            if let Some(token) = line.strip_prefix("::stop-commands::") {
                assert!(
                    token.starts_with("aiclear-") && token.len() == 40,
                    "{line:?}"
                );
                assert_eq!(out.matches(token).count(), 2, "the token is quoted");
                stopped = Some(token.to_owned());
                continue;
            }
            let ours = ["::error ", "::warning ", "::notice ", "::notice::"]
                .iter()
                .any(|p| line.starts_with(p));
            assert!(ours, "not one of ours: {line:?}");
            // Properties end at the first `::`; none of them holds a `:`.
            let rest = line[2..].split_once("::").expect("a message").0;
            if let Some((_, properties)) = rest.split_once(' ') {
                for p in properties.split(',') {
                    let (key, _) = p.split_once('=').expect("key=value");
                    assert!(
                        ["file", "line", "col", "endLine", "endColumn", "title"].contains(&key),
                        "{line:?}"
                    );
                }
            }
            obeyed.push(line.to_owned());
        }
        assert!(stopped.is_none(), "commands are left stopped");
        obeyed
    }

    #[test]
    fn escapes_as_the_toolkit() {
        // The cases of @actions/core's own tests (command.test.ts).
        assert_eq!(
            escape_property(
                "percent % percent % cr \r cr \r lf \n lf \n colon : colon : comma , comma ,"
            ),
            "percent %25 percent %25 cr %0D cr %0D lf %0A lf %0A colon %3A colon %3A comma %2C comma %2C"
        );
        assert_eq!(
            escape_data("percent % percent % cr \r cr \r lf \n lf \n colon : colon :"),
            "percent %25 percent %25 cr %0D cr %0D lf %0A lf %0A colon : colon :"
        );
        assert_eq!(escape_data("%25"), "%2525");
    }

    #[test]
    fn fixture_output() {
        let report = fixture::report();
        let out = github(&report, &GithubOptions::default());
        let (annotations, listing) = out.split_once("::stop-commands::").unwrap();
        assert_eq!(
            annotations,
            "\
::error file=shots/sh010.yaml,line=4,col=14,endLine=4,endColumn=28,title=GA201 key-creative-element (netflix-2025-08)::main character generated with GenAI needs written approval%0Anote: guideline 4.2: key creative elements need written approval%0Ahelp: add an approval for `u1` to the ledger
::error file=aiclear.toml,line=1,title=aiclear::unknown key `rulez`%0Ahelp: did you mean `rules`?
::warning file=shots/sh010.yaml,line=5,col=17,endLine=5,endColumn=17,title=GA001 missing-declaration::`tool` has no version
::warning file=scripts/ep102.fountain,line=1,title=GA001 missing-declaration::screenplay uses GenAI but has no declaration%0Anote: guideline 2.1: every use is declared
"
        );
        let mut human = Vec::new();
        super::super::human::render(&report, false, &mut human).unwrap();
        let human = String::from_utf8(human).unwrap();
        let token = listing.lines().next().unwrap();
        assert_eq!(
            listing,
            format!("{token}\n{human}::{token}::\n"),
            "the listing is `human`"
        );
        assert_eq!(commands(&out).len(), 4);
    }

    #[test]
    fn tokens_are_random() {
        let report = fixture::report();
        let a = github(&report, &GithubOptions::default());
        let b = github(&report, &GithubOptions::default());
        assert_ne!(a, b);
        assert_eq!(without_token(&a), without_token(&b));
    }

    fn many(errors: usize, warnings: usize, notes: usize) -> Report {
        let mut report = Report::default();
        for (n, severity) in [
            (notes, Severity::Note),
            (warnings, Severity::Warning),
            (errors, Severity::Error),
        ] {
            for i in 0..n {
                let mut d = fixture::diagnostic(Some(&MISSING_DECLARATION), severity, "a.yaml");
                d.message = format!("{} {i}", severity.as_str());
                report.diagnostics.push(d);
            }
        }
        report
    }

    fn levels(out: &str) -> Vec<String> {
        commands(out)
            .iter()
            .map(|l| l[2..].split([' ', ':']).next().unwrap().to_owned())
            .collect()
    }

    #[test]
    fn most_severe_first_and_capped() {
        let out = github(&many(25, 3, 12), &GithubOptions::default());
        let levels = levels(&out);
        let count = |l: &str| levels.iter().filter(|x| *x == l).count();
        assert_eq!(
            (count("error"), count("warning"), count("notice")),
            (10, 3, 10)
        );
        // Errors first, in report order, then warnings, then notices.
        let first = levels.iter().position(|l| l == "warning").unwrap();
        assert!(levels[..first].iter().all(|l| l == "error"));
        assert!(levels[first..first + 3].iter().all(|l| l == "warning"));
        assert!(
            out.contains("::error file=a.yaml,line=1,title=GA001 missing-declaration::error 0\n")
        );
        assert!(
            out.contains("::error file=a.yaml,line=1,title=GA001 missing-declaration::error 9\n")
        );
        assert!(!out.contains("::error 10\n"));
        // 15 errors and 3 notes left out; the notice has the tenth place.
        let last = commands(&out).pop().unwrap();
        assert_eq!(
            last,
            "::notice::18 more findings not shown as annotations (GitHub shows at most 10 \
             errors, 10 warnings and 10 notices for a step); the job summary lists them all"
        );
    }

    #[test]
    fn nothing_left_out_no_last_notice() {
        let out = github(&many(10, 10, 10), &GithubOptions::default());
        assert_eq!(commands(&out).len(), 30);
        assert!(!out.contains("more finding"));
        // Eleven notes: nine are shown and the notice says two more.
        let out = github(&many(0, 0, 11), &GithubOptions::default());
        let commands = commands(&out);
        assert_eq!(commands.len(), 10);
        assert!(
            commands[9].starts_with("::notice::2 more findings"),
            "{out}"
        );
    }

    #[test]
    fn cap_is_an_option() {
        let options = GithubOptions { max_per_level: 2 };
        let out = github(&many(3, 1, 0), &options);
        assert_eq!(levels(&out), ["error", "error", "warning", "notice"]);
        assert!(out.contains("::notice::1 more finding not shown"), "{out}");
        assert!(out.contains("at most 2 errors"), "{out}");
        // No annotations at all: the listing only.
        let out = github(&many(3, 1, 2), &GithubOptions { max_per_level: 0 });
        assert!(commands(&out).is_empty());
        assert!(out.contains("error[GA001]: error 2"), "{out}");
    }

    #[test]
    fn multi_line_span_has_no_columns() {
        let bytes = b"a: 1\nb: |\n  x\n  y\n".to_vec();
        let mut report = Report::default();
        report
            .sources
            .insert("m.yaml".into(), Source::new("m.yaml", bytes.clone()));
        let mut d = fixture::diagnostic(Some(&KEY_CREATIVE_ELEMENT), Severity::Error, "m.yaml");
        d.message = "m".into();
        d.span = Some(fixture::find(&bytes, "|\n  x").start..bytes.len() - 1);
        report.diagnostics.push(d);
        let out = github(&report, &GithubOptions::default());
        assert!(
            out.starts_with(
                "::error file=m.yaml,line=2,endLine=4,title=GA201 key-creative-element (netflix-2025-08)::m\n"
            ),
            "{out}"
        );
    }

    #[test]
    fn file_content_never_starts_a_command() {
        let path = "evil\n::error::pwned,x:y%0A\r::set-env name=A::b.yaml";
        let bytes = b"genai:\n  tool: \"::error::value\"\n::warning::line\n".to_vec();
        let mut report = Report::default();
        report
            .sources
            .insert(path.into(), Source::new(path, bytes.clone()));
        let mut d = fixture::diagnostic(Some(&KEY_CREATIVE_ELEMENT), Severity::Error, path);
        d.message = "tool `::error::value`\n::error::in message\r\n  ::notice::indented".into();
        d.span = Some(fixture::find(&bytes, "::error::value"));
        d.label = Some("\n::error::label".into());
        d.help = Some("::add-mask::x\n::stop-commands::y".into());
        report.diagnostics.push(d);
        let mut d = fixture::diagnostic(None, Severity::Note, "\n::warning::x");
        d.message = "\r::error::cr".into();
        report.diagnostics.push(d);

        let out = github(&report, &GithubOptions::default());
        let commands = commands(&out);
        assert_eq!(commands.len(), 2, "{out}");
        assert_eq!(
            commands[0],
            "::error file=evil%0A%3A%3Aerror%3A%3Apwned%2Cx%3Ay%250A%0D%3A%3Aset-env name=A%3A%3Ab.yaml,\
             line=2,col=10,endLine=2,endColumn=24,title=GA201 key-creative-element (netflix-2025-08)::\
             tool `::error::value`%0A::error::in message%0A  ::notice::indented%0A\
             help: ::add-mask::x%0A::stop-commands::y"
        );
        assert_eq!(
            commands[1],
            "::notice file=%0A%3A%3Awarning%3A%3Ax,line=1,title=aiclear::%0A::error::cr"
        );
        // The listing does quote the file, inside the stopped block.
        assert!(out.contains("\n2 |   tool: \"::error::value\"\n"), "{out}");
    }
}
