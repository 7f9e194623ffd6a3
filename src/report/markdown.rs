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
use crate::text::plural;

use super::{
    DEFAULT_MARK, FileRow, FindingRow, Register, Status, Totals, UseRow, approval_text,
    awaiting_text, commit_text, disclosed_text, folder_text, pack_text, production_subtitle,
    scope_text, talent_text, tool_text,
};

pub fn render(register: &Register, out: &mut dyn io::Write) -> io::Result<()> {
    out.write_all(markdown(register).as_bytes())
}

/// The whole document.
pub fn markdown(r: &Register) -> String {
    let t = &r.totals;
    let mut s = format!("# {} — GenAI disclosure register\n\n", text(&r.production));
    if let Some(sub) = production_subtitle(r) {
        s.push_str(&format!("{}\n\n", text(&sub)));
    }
    s.push_str(&format!(
        "This register describes {}{}, generated {}. {} checked; {} declared: \
         **{} need action**, {}{} with warnings only, {} clear; {}.\n\n",
        scope_text(r),
        r.base
            .as_deref()
            .map(|b| format!(" (history from {})", inline_code(b)))
            .unwrap_or_default(),
        r.generated.replace('T', " ").replace('Z', " UTC"),
        plural(t.files_checked, "file", "files"),
        plural(t.uses, "use", "uses"),
        t.uses_needing_action,
        if t.uses_pending > 0 {
            format!("{} pending approval, ", t.uses_pending)
        } else {
            String::new()
        },
        t.uses_with_warnings,
        t.uses_clear,
        plural(
            t.files_declaring_none,
            "file declares no AI use",
            "files declare no AI use"
        ),
    ));
    policy(&mut s, r);
    needs_action(&mut s, r);
    pending(&mut s, r);
    totals(&mut s, t);
    register(&mut s, r);
    coverage(&mut s, r);
    other_findings(&mut s, r);
    s
}

/// The policy packs the production is checked against.
fn policy(s: &mut String, r: &Register) {
    if r.policy.is_empty() {
        return;
    }
    s.push_str(
        "Checked against these policy packs, and aiclear's own checks of declarations, \
         approvals and history:\n\n",
    );
    for p in &r.policy {
        s.push_str(&format!(
            "- {}: {}\n",
            inline_code(&p.id),
            text(&pack_text(p))
        ));
    }
    s.push('\n');
}

/// The uses and files with an error open, with their errors.
fn needs_action(s: &mut String, r: &Register) {
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
        findings_list(s, u.findings.iter().filter(is_error));
    }
    for (f, what) in files(r) {
        if f.has_errors() {
            any = true;
            s.push_str(&format!("- ✗ {} ({what})\n", inline_code(&f.file)));
            findings_list(s, f.findings.iter().filter(is_error));
        }
    }
    if !any {
        s.push_str("✓ Nothing needs action.\n");
    }
}

/// The uses whose approval is granted but not committed yet.
fn pending(s: &mut String, r: &Register) {
    let pending: Vec<&UseRow> = r
        .uses
        .iter()
        .filter(|u| u.status == Status::Pending)
        .collect();
    if !pending.is_empty() {
        s.push_str("\n## Pending approval\n\nGranted, but not committed yet: the use is not clear until the approver commits the ledger entry.\n\n");
        for u in pending {
            let ids: Vec<String> = u
                .approvals
                .iter()
                .filter(|a| a.state == "pending")
                .map(|a| inline_code(&a.id))
                .collect();
            s.push_str(&format!(
                "- ◔ {} use {}: {}\n",
                inline_code(&u.file),
                inline_code(&u.id),
                ids.join(", ")
            ));
        }
    }
}

/// The totals by stage, by rule family and by policy pack.
fn totals(s: &mut String, t: &Totals) {
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
    s.push_str("\n| Policy pack | Errors | Warnings | Notes |\n| --- | ---: | ---: | ---: |\n");
    for p in &t.by_pack {
        s.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            p.pack
                .as_deref()
                .map_or_else(|| "aiclear's own checks".to_owned(), code),
            p.errors,
            p.warnings,
            p.notes
        ));
    }
}

/// One table of uses per folder.
fn register(s: &mut String, r: &Register) {
    s.push_str("\n## Register\n\n");
    if r.uses.is_empty() {
        s.push_str("No file declares a use of generative AI.\n");
    } else {
        s.push_str("By folder. A value marked *(default)* was not declared: it is the value the rules assume.\n");
        let mut folder: Option<&str> = None;
        for u in &r.uses {
            if folder != Some(u.folder.as_str()) {
                folder = Some(&u.folder);
                let f = r.folders.iter().find(|f| f.folder == u.folder);
                let episode = f
                    .and_then(|f| f.episode.as_deref())
                    .map(|e| format!(" (episode {})", text(e)))
                    .unwrap_or_default();
                s.push_str(&format!(
                    "\n### {}{episode}\n\n\
                     | Status | File | Use | Stage | Output | Tools | Elements | Inputs | References \
                     | Talent | Disclosed | The file says | Approvals | Open findings | Introduced | Last changed |\n\
                     | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n",
                    heading_folder(&u.folder)
                ));
            }
            s.push_str(&use_row(u));
        }
    }
}

/// What each folder holds, and the files that declare no AI use.
fn coverage(s: &mut String, r: &Register) {
    s.push_str("\n## Coverage\n\n| Folder | Episode | Files with uses | Uses | Need action | Pending | No AI use (`genai: none`) | No declaration |\n\
                | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for f in &r.folders {
        s.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
            heading_folder(&f.folder),
            f.episode.as_deref().map_or("—".to_owned(), text),
            f.files_with_uses,
            f.uses,
            f.uses_needing_action,
            f.uses_pending,
            f.files_declaring_none,
            f.files_without_declaration
        ));
    }
    if r.files_declaring_none.is_empty() {
        s.push_str("\nNo file declares `genai: none`.\n");
    } else {
        s.push_str(&format!(
            "\n{} no use of generative AI (`genai: none`):\n\n",
            plural(
                r.files_declaring_none.len(),
                "file declares",
                "files declare"
            )
        ));
        for n in &r.files_declaring_none {
            s.push_str(&format!(
                "- {}{}{}\n",
                inline_code(n.media.as_deref().unwrap_or(&n.file)),
                n.episode
                    .as_deref()
                    .map(|e| format!(" (episode {})", text(e)))
                    .unwrap_or_default(),
                n.media_record
                    .as_ref()
                    .map(|m| format!("; the file says: {}", inline(&m.text())))
                    .unwrap_or_default()
            ));
        }
    }
}

/// Findings not tied to a use, that need no action.
fn other_findings(s: &mut String, r: &Register) {
    let others: Vec<(&FileRow, &str)> = files(r).filter(|(f, _)| !f.has_errors()).collect();
    if !others.is_empty() {
        s.push_str("\n## Other findings\n\n");
        for (f, what) in others {
            s.push_str(&format!("- {} ({what})\n", inline_code(&f.file)));
            findings_list(s, f.findings.iter());
        }
    }
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
        if let Some(pack) = f.pack {
            head.push_str(&format!(" ({})", inline_code(pack)));
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

/// A folder as a heading or cell shows it: `` `scripts/` ``, the top folder.
fn heading_folder(folder: &str) -> String {
    if folder == "." {
        "the top folder".to_owned()
    } else {
        inline_code(&folder_text(folder))
    }
}

fn use_row(u: &UseRow) -> String {
    let list = |items: &[&str]| items.iter().map(|i| text(i)).collect::<Vec<_>>().join(", ");
    let dflt = |field: &str| {
        if u.is_default(field) {
            " *(default)*"
        } else {
            ""
        }
    };
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
            let mark = match a.state.as_str() {
                "valid" => "✓",
                "pending" => "◔",
                _ => "✗",
            };
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
            let code = match (f.code, f.pack) {
                (Some(c), Some(p)) => format!("{c} ({}) ", code(p)),
                (Some(c), None) => format!("{c} "),
                (None, _) => String::new(),
            };
            format!("{mark} {} {code}{}", f.severity, cell(&f.message))
        })
        .collect();
    let file = match &u.media {
        Some(m) => format!("{}<br>(sidecar of {})", code(&u.file), code(m)),
        None => code(&u.file),
    };
    let mut elements = list(&u.elements);
    if let Some(p) = u.prominence {
        elements.push_str(&format!(" ({}{})", text(p), dflt("prominence")));
    }
    let inputs = format!(
        "{}{}<br>training: {}{}",
        list(&u.inputs),
        dflt("inputs"),
        text(u.training),
        dflt("training")
    );
    let tools = u
        .tools
        .iter()
        .map(|t| text(&tool_text(t)).replace(&text(DEFAULT_MARK), "*(default)*"))
        .collect();
    format!(
        "| {status} | {file} | {use_cell} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
        u.stage.unwrap_or("—"),
        list(&u.outputs),
        lines(tools),
        elements,
        inputs,
        list(&u.references),
        lines(u.talent.iter().map(|t| text(&talent_text(t))).collect()),
        text(&disclosed_text(u.disclosed.as_ref())),
        u.media_record
            .as_ref()
            .map_or("—".to_owned(), |m| cell(&m.text())),
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
