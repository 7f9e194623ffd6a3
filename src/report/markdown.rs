//! The register as Markdown: what needs action first, then the totals, then
//! one table row per use.
//!
//! Text from the checked files is escaped for Markdown by the functions the
//! job summary uses (see [`crate::render::summary`]): it is never markup and
//! never a link, autolinks included; a message keeps its code spans (names in
//! backticks); line breaks become `<br>`, other control characters their
//! visible symbols. Table cells use [`cell`] and [`code`], the lists and the
//! headings [`inline`] and [`inline_code`].

use std::io;

use crate::render::summary::{cell, code, inline, inline_code, text};

use super::{
    FileRow, FindingRow, Register, UseRow, approval_text, awaiting_text, commit_text, scope_text,
    talent_text, tool_text,
};

pub fn render(register: &Register, out: &mut dyn io::Write) -> io::Result<()> {
    out.write_all(markdown(register).as_bytes())
}

/// The whole document.
pub fn markdown(r: &Register) -> String {
    let t = &r.totals;
    let mut s = format!("# {} — GenAI disclosure register\n\n", text(&r.production));
    s.push_str(&format!(
        "This register describes {}{}, generated {}. {} checked; {} declared: \
         **{} need action**, {} with warnings only, {} clear.\n\n",
        scope_text(r),
        r.base
            .as_deref()
            .map(|b| format!(" (history from {})", inline_code(b)))
            .unwrap_or_default(),
        r.generated.replace('T', " ").replace('Z', " UTC"),
        plural(t.files_checked, "file", "files"),
        plural(t.uses, "use", "uses"),
        t.uses_needing_action,
        t.uses_with_warnings,
        t.uses_clear,
    ));

    s.push_str("## Needs action\n\n");
    let mut any = false;
    for u in r
        .uses
        .iter()
        .filter(|u| u.findings.iter().any(|f| is_error(&f)))
    {
        any = true;
        s.push_str(&format!(
            "- ✗ {} use {}{}\n",
            inline_code(&u.file),
            inline_code(&u.id),
            u.stage.map(|st| format!(" ({st})")).unwrap_or_default()
        ));
        findings_list(&mut s, u.findings.iter().filter(is_error));
    }
    for (f, what) in files(r) {
        if f.has_errors() {
            any = true;
            s.push_str(&format!("- ✗ {} ({what})\n", inline_code(&f.file)));
            findings_list(&mut s, f.findings.iter().filter(is_error));
        }
    }
    if !any {
        s.push_str("✓ Nothing needs action.\n");
    }

    s.push_str("\n## Totals\n\n| Stage | Uses | Need action |\n| --- | ---: | ---: |\n");
    for st in &t.by_stage {
        s.push_str(&format!(
            "| {} | {} | {} |\n",
            st.stage, st.uses, st.needing_action
        ));
    }
    s.push_str("\n| Rule family | Errors | Warnings | Notes |\n| --- | ---: | ---: | ---: |\n");
    for f in &t.by_family {
        s.push_str(&format!(
            "| {} {} | {} | {} | {} |\n",
            f.family, f.name, f.errors, f.warnings, f.notes
        ));
    }

    s.push_str("\n## Register\n\n");
    if r.uses.is_empty() {
        s.push_str("No file declares a use of generative AI.\n");
    } else {
        s.push_str(
            "| Status | File | Use | Stage | Output | Tools | Elements | Inputs | References \
             | Talent | Approvals | Open findings | Introduced | Last changed |\n\
             | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n",
        );
        for u in &r.uses {
            s.push_str(&use_row(u));
        }
    }

    let others: Vec<(&FileRow, &str)> = files(r).filter(|(f, _)| !f.has_errors()).collect();
    if !others.is_empty() {
        s.push_str("\n## Other findings\n\n");
        for (f, what) in others {
            s.push_str(&format!("- {} ({what})\n", inline_code(&f.file)));
            findings_list(&mut s, f.findings.iter());
        }
    }
    s
}

fn files(r: &Register) -> impl Iterator<Item = (&FileRow, &'static str)> {
    r.files_without_declaration
        .iter()
        .map(|f| (f, "no declaration"))
        .chain(r.file_findings.iter().map(|f| (f, "the file as a whole")))
}

fn is_error(f: &&FindingRow) -> bool {
    f.severity == "error"
}

fn findings_list<'a>(s: &mut String, findings: impl Iterator<Item = &'a FindingRow>) {
    for f in findings {
        let mut head = f.severity.to_owned();
        if let (Some(c), Some(n)) = (f.code, f.name) {
            head.push_str(&format!(" {c} {n}"));
        }
        if let Some(line) = f.line {
            head.push_str(&format!(", line {line}"));
        }
        s.push_str(&format!("  - {head}: {}", inline(&f.message)));
        if let Some(help) = &f.help {
            s.push_str(&format!("<br>Fix: {}", inline(help)));
        }
        s.push('\n');
    }
}

fn use_row(u: &UseRow) -> String {
    let list = |items: &[&str]| items.iter().map(|i| text(i)).collect::<Vec<_>>().join(", ");
    let lines = |items: Vec<String>| items.join("<br>");
    let mut use_cell = code(&u.id);
    if let Some(d) = &u.description {
        use_cell.push_str("<br>");
        use_cell.push_str(&text(d));
    }
    let mut status = format!("{} {}", u.status.icon(), u.status.label());
    if let Some(awaiting) = awaiting_text(u) {
        status.push_str(&format!("<br>{}", text(&awaiting)));
    }
    let approvals = u
        .approvals
        .iter()
        .map(|a| {
            let mark = if a.holds() { "✓" } else { "✗" };
            format!("{mark} {}", text(&approval_text(a)))
        })
        .collect();
    let findings = u
        .findings
        .iter()
        .map(|f| {
            let mark = match f.severity {
                "error" => "✗",
                "warning" => "⚠",
                _ => "ℹ",
            };
            let code = f.code.map(|c| format!("{c} ")).unwrap_or_default();
            format!("{mark} {} {code}{}", f.severity, cell(&f.message))
        })
        .collect();
    let file = match &u.media {
        Some(m) => format!("{}<br>(sidecar of {})", code(&u.file), code(m)),
        None => code(&u.file),
    };
    format!(
        "| {status} | {file} | {use_cell} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
        u.stage.unwrap_or("—"),
        list(&u.outputs),
        lines(u.tools.iter().map(|t| text(&tool_text(t))).collect()),
        list(&u.elements),
        list(&u.inputs),
        list(&u.references),
        lines(u.talent.iter().map(|t| text(&talent_text(t))).collect()),
        lines(approvals),
        lines(findings),
        u.introduced
            .as_ref()
            .map_or("—".to_owned(), |c| text(&commit_text(c))),
        u.last_changed
            .as_ref()
            .map_or("—".to_owned(), |c| text(&commit_text(c))),
    )
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(text("a|b <script>"), "a\\|b \\<script\\>");
        assert_eq!(code("x|y"), "`x\\|y`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(cell("tool `A|B` [x](y)"), "tool `A\\|B` \\[x\\]\\(y\\)");
        // Outside a table a backslash in a code span would show.
        assert_eq!(inline_code("x|y"), "`x|y`");
        assert_eq!(inline("tool `A|B` a|b"), "tool `A|B` a\\|b");
    }
}
