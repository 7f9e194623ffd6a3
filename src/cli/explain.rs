//! `aiclear explain CODE|NAME`: a rule's long text, for a terminal.
//!
//! The text is written in Markdown (the same text feeds `docs/rules.md` and
//! SARIF); here it is shown as a terminal shows text: headings bold and
//! underlined, code blocks indented, emphasis in italics, with colour on;
//! plain headings, indented code and no Markdown marks without it. Code in
//! the running text keeps its backticks in plain text, so that `none` still
//! reads as a value.

use std::io::{IsTerminal, Write};

use anstyle::{AnsiColor, Style};
use anyhow::Result;

use super::{ColorWhen, exit, use_color};
use crate::declaration::validate::did_you_mean;
use crate::rules::{self, RULES, RuleInfo};

pub fn run(query: &str, color: ColorWhen) -> Result<u8> {
    let Some(rule) = rules::find(query) else {
        let names: Vec<&str> = RULES.iter().flat_map(|r| [r.code, r.name]).collect();
        let hint = match did_you_mean(query, &names) {
            Some(s) => format!("; did you mean `{s}`?"),
            None => "; `aiclear rules` lists them".to_owned(),
        };
        super::fail(&format!("no rule is called `{query}`{hint}"), exit::USAGE);
        return Ok(exit::USAGE);
    };
    let color = use_color(color, std::io::stdout().is_terminal());
    let mut out = std::io::stdout().lock();
    crate::text::ignore_broken_pipe(out.write_all(render(rule, color).as_bytes()))?;
    Ok(exit::OK)
}

/// The whole explanation of `rule`, for a terminal.
pub fn render(rule: &RuleInfo, color: bool) -> String {
    let paint = |style: Style, text: &str| {
        if color {
            format!("{style}{text}{style:#}")
        } else {
            text.to_owned()
        }
    };
    let heading = Style::new().bold().underline();
    let mut out = format!(
        "{} ({})\n\n{}\n",
        paint(Style::new().bold(), &format!("{} {}", rule.code, rule.name)),
        rule.level.as_str(),
        inline(rule.summary, color)
    );
    let mut in_code = false;
    for line in rule.explanation_text().lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            // A blank line after a code block.
            if !in_code {
                out.push('\n');
            }
            continue;
        }
        if line.trim().is_empty() && !in_code {
            if !out.ends_with("\n\n") {
                out.push('\n');
            }
            continue;
        }
        if in_code {
            let code = format!("    {line}");
            out.push_str(&paint(
                Style::new().fg_color(Some(AnsiColor::Cyan.into())),
                &code,
            ));
            out.push('\n');
            continue;
        }
        let hashes = line.len() - line.trim_start_matches('#').len();
        if hashes > 0 && line[hashes..].starts_with(' ') {
            if !out.ends_with("\n\n") {
                out.push('\n');
            }
            out.push_str(&paint(heading, line[hashes..].trim()));
            out.push('\n');
            continue;
        }
        out.push_str(&inline(line, color));
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// Running text: emphasis in italics (its marks dropped), code in colour
/// (its backticks kept without colour).
fn inline(text: &str, color: bool) -> String {
    let code = Style::new().fg_color(Some(AnsiColor::Cyan.into()));
    let italic = Style::new().italic();
    let mut out = String::with_capacity(text.len());
    for (i, part) in text.split('`').enumerate() {
        if i % 2 == 1 {
            if color {
                out.push_str(&format!("{code}{part}{code:#}"));
            } else {
                out.push('`');
                out.push_str(part);
                out.push('`');
            }
            continue;
        }
        // `*word*` and `**word**` outside code.
        let mut rest = part;
        while let Some(start) = rest.find('*') {
            let marks = rest[start..].len() - rest[start..].trim_start_matches('*').len();
            let body = &rest[start + marks..];
            let close = "*".repeat(marks);
            match body.find(&close) {
                Some(end) if end > 0 && !body.starts_with(' ') && !body[..end].ends_with(' ') => {
                    out.push_str(&rest[..start]);
                    let style = if marks >= 2 {
                        Style::new().bold()
                    } else {
                        italic
                    };
                    if color {
                        out.push_str(&format!("{style}{}{style:#}", &body[..end]));
                    } else {
                        out.push_str(&body[..end]);
                    }
                    rest = &body[end + marks..];
                }
                _ => {
                    out.push_str(&rest[..start + marks]);
                    rest = body;
                }
            }
        }
        out.push_str(rest);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_has_no_markdown_marks() {
        let rule = rules::find("GA201").unwrap();
        let text = render(rule, false);
        assert!(!text.contains("###"), "{text}");
        assert!(!text.contains("```"), "{text}");
        assert!(!text.contains('\u{1b}'), "{text}");
        assert!(text.contains("\nWhat it does\n"), "{text}");
        assert!(text.contains("in Squid Game."), "{text}");
        assert!(text.contains("\n    genai:\n"), "{text}");
        assert!(text.contains("`main-character`"), "{text}");
    }

    #[test]
    fn colour_makes_headings_bold_and_underlined() {
        let rule = rules::find("GA201").unwrap();
        let text = render(rule, true);
        let heading = Style::new().bold().underline();
        assert!(
            text.contains(&format!("{heading}What it does{heading:#}")),
            "{text}"
        );
        assert!(!text.contains("###"));
    }

    #[test]
    fn emphasis() {
        assert_eq!(inline("a *b c* d", false), "a b c d");
        assert_eq!(inline("`**/*.fountain` * x", false), "`**/*.fountain` * x");
        assert_eq!(inline("2 * 3 * 4", false), "2 * 3 * 4");
    }
}
