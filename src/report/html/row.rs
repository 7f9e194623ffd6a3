//! One row of the register table: a declared use, cell by cell.

use std::fmt::Write as _;

use super::{
    DEFAULT_HTML, approval_badge, escape, escape_text, findings_list, list, path, stage_rank,
    status_badge, status_rank,
};
use crate::report::{ToolRow, UseRow, awaiting_text, disclosed_text, talent_text};

pub(super) fn use_row(order: usize, u: &UseRow) -> String {
    let mut s = String::new();
    let stage = u.stage.unwrap_or("unspecified");
    let _ = write!(
        s,
        "<tr class=\"row-{status}\" data-status=\"{status}\" data-stage=\"{stage}\" data-folder=\"{folder}\" data-order=\"{order}\">",
        status = u.status.as_str(),
        stage = escape(stage),
        folder = escape(&u.folder),
    );
    status_cell(&mut s, u);
    file_cell(&mut s, u);
    stage_cell(&mut s, u, stage);
    tools_cell(&mut s, u);
    facts_cell(&mut s, u);
    own_record_cell(&mut s, u);
    approvals_cell(&mut s, u);
    findings_cell(&mut s, u);
    history_cell(&mut s, u);
    s.push_str("</tr>\n");
    s
}

/// The status, and whether an approval was requested.
fn status_cell(s: &mut String, u: &UseRow) {
    let _ = write!(
        s,
        "<td class=\"status\" data-sort=\"{}\">{}{}</td>",
        status_rank(u.status),
        status_badge(u.status),
        awaiting_text(u)
            .map(|a| format!("<div class=\"sub\">{}</div>", escape(&a)))
            .unwrap_or_default()
    );
}

/// The file and the use: where it is declared, what it is, whom it was disclosed to.
fn file_cell(s: &mut String, u: &UseRow) {
    let _ = write!(
        s,
        "<td data-sort=\"{} {}\"><div class=\"path\">{}</div>",
        escape(&u.file),
        escape(&u.id),
        path(u.media.as_deref().unwrap_or(&u.file))
    );
    if u.media.is_some() {
        let _ = write!(
            s,
            "<div class=\"sub\">declared in its sidecar <span class=\"path\">{}</span></div>",
            path(&u.file)
        );
    }
    let _ = write!(s, "<div class=\"use-id\">{}</div>", escape(&u.id));
    if let Some(d) = &u.description {
        let _ = write!(s, "<div class=\"desc\">{}</div>", escape(d));
    }
    let _ = write!(
        s,
        "<div class=\"disclosed{}\">{}</div>",
        if u.disclosed.is_some() {
            ""
        } else {
            " missing"
        },
        match &u.disclosed {
            Some(_) => format!(
                "Disclosed {}",
                escape_text(&disclosed_text(u.disclosed.as_ref()))
            ),
            None => "Not disclosed to the studio".to_owned(),
        }
    );
    if let Some(e) = &u.episode {
        let _ = write!(s, "<div class=\"sub\">episode {}</div>", escape(e));
    }
    s.push_str("</td>");
}

/// What a media file records of its own making, and whether it agrees.
fn own_record_cell(s: &mut String, u: &UseRow) {
    match &u.media_record {
        Some(m) => {
            let class = match m.agrees {
                Some(true) => "agrees",
                Some(false) => "contradicts",
                None => "unknown",
            };
            let _ = write!(
                s,
                "<td data-sort=\"{class}\"><div>{}</div><div class=\"sub own-{class}\">{}</div></td>",
                escape(&m.says),
                escape(&m.agreement)
            );
        }
        None => s.push_str("<td data-sort=\"\">\u{2014}</td>"),
    }
}

/// The stage and the outputs.
fn stage_cell(s: &mut String, u: &UseRow, stage: &str) {
    let _ = write!(
        s,
        "<td data-sort=\"{}\"><span class=\"badge stage stage-{stage}\">{stage}</span>",
        stage_rank(u.stage),
        stage = escape(stage)
    );
    if !u.outputs.is_empty() {
        let _ = write!(s, "<div class=\"sub\">{}</div>", list(&u.outputs));
    }
    s.push_str("</td>");
}

/// The tools, with their enterprise and training flags.
fn tools_cell(s: &mut String, u: &UseRow) {
    s.push_str("<td>");
    for t in &u.tools {
        s.push_str(&tool(t));
    }
    if u.tools.is_empty() {
        s.push_str("<span class=\"empty\">none declared</span>");
    }
    s.push_str("</td>");
}

/// A tool: its name and version, and its enterprise and training flags.
fn tool(t: &ToolRow) -> String {
    let mut name = escape(&t.name);
    if let Some(v) = &t.version {
        let _ = write!(name, " {}", escape(v));
    }
    let mark = |field: &str| {
        if t.is_default(field) {
            DEFAULT_HTML
        } else {
            ""
        }
    };
    let enterprise = if t.enterprise {
        format!(
            "<span class=\"flag flag-ok\">\u{2713} enterprise{}</span>",
            mark("enterprise")
        )
    } else {
        format!(
            "<span class=\"flag flag-bad\">\u{2717} not enterprise{}</span>",
            mark("enterprise")
        )
    };
    let training = match t.trains_on_inputs {
        "false" => "<span class=\"flag flag-ok\">\u{2713} no training on inputs</span>".to_owned(),
        "true" => "<span class=\"flag flag-bad\">\u{2717} trains on inputs</span>".to_owned(),
        _ => format!(
            "<span class=\"flag flag-bad\">? may train on inputs{}</span>",
            mark("trains_on_inputs")
        ),
    };
    format!(
        "<div class=\"tool\"><span class=\"name\">{name}</span><br>{enterprise}<br>{training}</div>"
    )
}

/// What the use touches: elements, inputs, training, references, talent.
fn facts_cell(s: &mut String, u: &UseRow) {
    s.push_str("<td><ul class=\"facts\">");
    let mark = |field: &str| {
        if u.is_default(field) {
            DEFAULT_HTML
        } else {
            ""
        }
    };
    if !u.elements.is_empty() {
        let prominence = u
            .prominence
            .map(|p| format!(" ({}{})", escape(p), mark("prominence")))
            .unwrap_or_default();
        let _ = write!(
            s,
            "<li><b>Elements</b> {}{prominence}</li>",
            list(&u.elements)
        );
    }
    let _ = write!(
        s,
        "<li><b>Inputs</b> {}{}</li>",
        list(&u.inputs),
        mark("inputs")
    );
    let _ = write!(
        s,
        "<li><b>Training</b> {}{}</li>",
        escape(u.training),
        mark("training")
    );
    if !u.references.is_empty() {
        let _ = write!(s, "<li><b>References</b> {}</li>", list(&u.references));
    }
    for t in &u.talent {
        let _ = write!(s, "<li><b>Talent</b> {}</li>", escape(&talent_text(t)));
    }
    if u.union_impact {
        s.push_str("<li><b>Union impact</b> yes</li>");
    }
    if u.mistakable_for_real {
        s.push_str("<li><b>Mistakable for real</b> yes</li>");
    }
    if let Some(h) = &u.human_input {
        let _ = write!(
            s,
            "<li class=\"human\"><b>Human input</b> {}</li>",
            escape(h)
        );
    }
    s.push_str("</ul></td>");
}

/// The approvals the use relies on.
fn approvals_cell(s: &mut String, u: &UseRow) {
    let _ = write!(
        s,
        "<td data-sort=\"{}\">",
        u.approvals.iter().filter(|a| a.holds()).count()
    );
    for a in &u.approvals {
        s.push_str(&approval_badge(a));
    }
    if u.approvals.is_empty() {
        s.push_str("<span class=\"empty\">none</span>");
    }
    s.push_str("</td>");
}

/// The findings still open on the use, errors first when sorted.
fn findings_cell(s: &mut String, u: &UseRow) {
    let errors = u.findings.iter().filter(|f| f.severity == "error").count();
    let warnings = u
        .findings
        .iter()
        .filter(|f| f.severity == "warning")
        .count();
    let _ = write!(
        s,
        "<td class=\"findings\" data-sort=\"{:04}{:04}\">",
        9999 - errors.min(9999),
        9999 - warnings.min(9999)
    );
    if u.findings.is_empty() {
        s.push_str("<span class=\"empty\">none</span>");
    } else {
        s.push_str(&findings_list(u.findings.iter(), false));
    }
    s.push_str("</td>");
}

/// Who added the use and when, and its last change.
fn history_cell(s: &mut String, u: &UseRow) {
    match &u.introduced {
        Some(c) => {
            let _ = write!(
                s,
                "<td class=\"history\" data-sort=\"{}\"><div>Added by {}</div><div class=\"sub\">on {} in <code title=\"{}\">{}</code></div>",
                escape(&c.time),
                escape(&c.author),
                escape(&c.date),
                escape(&c.commit),
                escape(c.short())
            );
            if let Some(l) = &u.last_changed
                && l.commit != c.commit
            {
                let _ = write!(
                    s,
                    "<div class=\"sub\">changed {} in <code title=\"{}\">{}</code></div>",
                    escape(&l.date),
                    escape(&l.commit),
                    escape(l.short())
                );
            }
            s.push_str("</td>");
        }
        None => {
            s.push_str("<td data-sort=\"~\"><span class=\"empty\">not committed yet</span></td>")
        }
    }
}
