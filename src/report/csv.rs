//! The register as CSV, for spreadsheets.
//!
//! RFC 4180: one header row, CRLF line ends, a field quoted when it holds a
//! comma, a quote or a line break (quotes doubled inside). Lists are joined
//! with `; `. The file starts with a UTF-8 byte-order mark, which Excel needs
//! to read UTF-8 and other spreadsheets ignore (`aiclear report --format csv
//! --no-bom` leaves it out).
//!
//! One row per declared use; then one row per file whose findings are not
//! tied to a use (a file without a declaration, a missing `disclosed`, the
//! ledger), with the `use` column empty. A value that was not declared but
//! holds its default reads `original (default)`, and the `defaults` column
//! names those fields. The files that declare `genai: none` are listed in
//! the other formats. For a media file's use, `the file says` is what the
//! file records of its own making and `agrees` whether that agrees with the
//! declaration (`yes`, `no`, or empty when there is nothing to compare).
//! `packs` names the policy packs of the open findings' rules (each open
//! finding names its own in `open findings` too).
//!
//! A cell that a spreadsheet would read as a formula (one starting with `=`,
//! `+`, `-`, `@`, a tab or a carriage return) is prefixed with `'`, so text
//! from the checked files can never run as a formula (CSV injection).

use std::io;

use super::{
    FileRow, FindingRow, Register, Status, UseRow, approval_text, awaiting_text, finding_text,
    talent_text, tool_text, with_default,
};

/// The header row.
pub const HEADER: &[&str] = &[
    "file",
    "media",
    "use",
    "description",
    "stage",
    "outputs",
    "tools",
    "elements",
    "prominence",
    "inputs",
    "training",
    "references",
    "talent",
    "human input",
    "approvals",
    "status",
    "open findings",
    "introduced by",
    "introduced on",
    "introduced in",
    "last changed on",
    "last changed in",
    "disclosed to",
    "disclosed on",
    "folder",
    "episode",
    "defaults",
    "awaiting approval",
    "the file says",
    "agrees",
    "packs",
];

pub fn render(register: &Register, bom: bool, out: &mut dyn io::Write) -> io::Result<()> {
    if bom {
        out.write_all("\u{FEFF}".as_bytes())?;
    }
    row(out, HEADER.iter().map(|h| (*h).to_owned()).collect())?;
    for u in &register.uses {
        row(out, use_cells(u))?;
    }
    for (f, what) in register
        .files_without_declaration
        .iter()
        .map(|f| (f, "no declaration"))
        .chain(
            register
                .file_findings
                .iter()
                .map(|f| (f, "the file as a whole")),
        )
    {
        row(out, file_cells(f, what))?;
    }
    Ok(())
}

fn join<T: AsRef<str>>(items: &[T]) -> String {
    items
        .iter()
        .map(AsRef::as_ref)
        .collect::<Vec<_>>()
        .join("; ")
}

fn use_cells(u: &UseRow) -> Vec<String> {
    let opt = |v: Option<&str>| v.unwrap_or_default().to_owned();
    vec![
        u.file.clone(),
        opt(u.media.as_deref()),
        u.id.clone(),
        opt(u.description.as_deref()),
        opt(u.stage),
        join(&u.outputs),
        join(&u.tools.iter().map(tool_text).collect::<Vec<_>>()),
        join(&u.elements),
        u.prominence
            .map(|p| with_default(p, u.is_default("prominence")))
            .unwrap_or_default(),
        with_default(&join(&u.inputs), u.is_default("inputs")),
        with_default(u.training, u.is_default("training")),
        join(&u.references),
        join(&u.talent.iter().map(talent_text).collect::<Vec<_>>()),
        opt(u.human_input.as_deref()),
        join(&u.approvals.iter().map(approval_text).collect::<Vec<_>>()),
        u.status.label().to_owned(),
        join(&u.findings.iter().map(finding_text).collect::<Vec<_>>()),
        opt(u.introduced.as_ref().map(|c| c.author.as_str())),
        opt(u.introduced.as_ref().map(|c| c.date.as_str())),
        opt(u.introduced.as_ref().map(|c| c.short())),
        opt(u.last_changed.as_ref().map(|c| c.date.as_str())),
        opt(u.last_changed.as_ref().map(|c| c.short())),
        opt(u.disclosed.as_ref().and_then(|d| d.to.as_deref())),
        opt(u.disclosed.as_ref().and_then(|d| d.on.as_deref())),
        u.folder.clone(),
        opt(u.episode.as_deref()),
        join(&u.defaulted),
        awaiting_text(u).unwrap_or_default(),
        opt(u.media_record.as_ref().map(|m| m.says.as_str())),
        match u.media_record.as_ref().and_then(|m| m.agrees) {
            Some(true) => "yes".to_owned(),
            Some(false) => "no".to_owned(),
            None => String::new(),
        },
        packs(&u.findings),
    ]
}

/// The policy packs of `findings`' rules, each once, in order.
fn packs(findings: &[FindingRow]) -> String {
    let mut packs: Vec<&str> = Vec::new();
    for p in findings.iter().filter_map(|f| f.pack) {
        if !packs.contains(&p) {
            packs.push(p);
        }
    }
    join(&packs)
}

fn file_cells(f: &FileRow, what: &str) -> Vec<String> {
    let status = if f.has_errors() {
        Status::NeedsAction
    } else if f.findings.iter().any(|x| x.severity == "warning") {
        Status::Warnings
    } else {
        Status::Clear
    };
    let mut cells = vec![String::new(); HEADER.len()];
    cells[0] = f.file.clone();
    cells[3] = what.to_owned();
    cells[15] = status.label().to_owned();
    cells[16] = join(&f.findings.iter().map(finding_text).collect::<Vec<_>>());
    cells[24] = f.folder.clone();
    cells[30] = packs(&f.findings);
    cells
}

fn row(out: &mut dyn io::Write, cells: Vec<String>) -> io::Result<()> {
    let line: Vec<String> = cells.iter().map(|c| field(c)).collect();
    write!(out, "{}\r\n", line.join(","))
}

/// One field: guarded against formulas, quoted when needed.
pub fn field(value: &str) -> String {
    let guarded = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_and_formulas() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a, b"), "\"a, b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("+1"), "'+1");
        assert_eq!(field("-2"), "'-2");
        assert_eq!(field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(field("\tx"), "'\tx");
        assert_eq!(HEADER.len(), 31);
        assert_eq!(HEADER[24], "folder");
        assert_eq!(HEADER[30], "packs");
    }

    fn finding(code: &'static str, pack: Option<&'static str>) -> FindingRow {
        FindingRow {
            code: Some(code),
            name: Some("n"),
            pack,
            severity: "error",
            message: "m".into(),
            line: Some(4),
            help: None,
        }
    }

    #[test]
    fn packs_of_the_open_findings() {
        let findings = [
            finding("GA201", Some("netflix-2025-08")),
            finding("GA501", None),
            finding("SAG101", Some("sag-aftra-2023")),
            finding("GA203", Some("netflix-2025-08")),
        ];
        assert_eq!(packs(&findings), "netflix-2025-08; sag-aftra-2023");
        assert_eq!(packs(&findings[1..2]), "");
        let f = FileRow {
            file: "a.yml".into(),
            folder: ".".into(),
            findings: findings.to_vec(),
        };
        let cells = file_cells(&f, "the file as a whole");
        assert_eq!(cells.len(), HEADER.len());
        assert_eq!(cells[30], "netflix-2025-08; sag-aftra-2023");
        assert!(
            cells[16].starts_with(
                "error GA201 n (netflix-2025-08, line 4): m; error GA501 n (line 4): m"
            ),
            "{}",
            cells[16]
        );
    }
}
