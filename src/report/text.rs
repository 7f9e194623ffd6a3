//! Plain-text pieces shared by the formats (each escapes them for its reader).

use super::{
    ApprovalRow, CommitRow, DisclosedRow, FindingRow, PackRow, Register, TalentRow, ToolRow, UseRow,
};

/// `Imagen 4 (enterprise, does not train on inputs)` (no `;`: lists of
/// these are joined with `; `); a fact that was not declared is marked as
/// the default.
pub fn tool_text(t: &ToolRow) -> String {
    let mut s = t.name.clone();
    if let Some(v) = &t.version {
        s.push(' ');
        s.push_str(v);
    }
    let mut facts = vec![with_default(
        if t.enterprise {
            "enterprise"
        } else {
            "not enterprise"
        },
        t.is_default("enterprise"),
    )];
    facts.push(match t.trains_on_inputs {
        "false" => "does not train on inputs".to_owned(),
        "true" => "trains on inputs".to_owned(),
        _ if t.is_default("trains_on_inputs") => {
            format!("may train on inputs (unknown) {DEFAULT_MARK}")
        }
        _ => "may train on inputs (unknown)".to_owned(),
    });
    if let Some(d) = &t.terms_reviewed {
        facts.push(format!("terms reviewed {d}"));
    }
    format!("{s} ({})", facts.join(", "))
}

/// `Jane Doe (SAG-AFTRA, replica, consent: DOC-1, deceased)`.
pub fn talent_text(t: &TalentRow) -> String {
    let mut facts = Vec::new();
    if let Some(u) = &t.union {
        facts.push(u.clone());
    }
    if let Some(k) = t.kind {
        facts.push(k.to_owned());
    }
    facts.push(match &t.consent {
        Some(c) => format!("consent: {c}"),
        None => "no consent recorded".to_owned(),
    });
    if t.deceased {
        facts.push("deceased".to_owned());
    }
    format!("{} ({})", t.performer, facts.join(", "))
}

/// `NFX-2025-0142: valid (granted by … on 2025-09-05, expires 2027-12-31,
/// covers GA201 and GA203, document docs/a.pdf, note "…")`.
pub fn approval_text(a: &ApprovalRow) -> String {
    let mut facts = Vec::new();
    match (&a.granted_by, &a.granted_on) {
        (Some(g), Some(on)) => facts.push(format!("granted by {g} on {on}")),
        (Some(g), None) => facts.push(format!("granted by {g}")),
        (None, Some(on)) => facts.push(format!("granted on {on}")),
        (None, None) => {}
    }
    if let Some(e) = &a.expires_on {
        facts.push(format!("expires {e}"));
    }
    if a.state != "missing" && a.state != "out of scope" {
        facts.push(format!("covers {}", covers_text(a)));
    }
    if let Some(d) = &a.document {
        facts.push(format!("document {d}"));
    }
    if let Some(n) = &a.note {
        facts.push(format!("note \u{201C}{n}\u{201D}"));
    }
    if facts.is_empty() {
        format!("{}: {}", a.id, a.state)
    } else {
        format!("{}: {} ({})", a.id, a.state, facts.join(", "))
    }
}

/// `awaiting approval (requested 2025-09-10)`, for a use that asked for
/// approval and still needs it.
pub fn awaiting_text(u: &UseRow) -> Option<String> {
    if !u.awaiting_approval {
        return None;
    }
    Some(match &u.approval_requested {
        Some(on) => format!("awaiting approval (requested {on})"),
        None => "awaiting approval".to_owned(),
    })
}

/// The rules an approval covers: `GA201 and GA203`, `every rule`.
pub fn covers_text(a: &ApprovalRow) -> String {
    match a.rules.as_slice() {
        [] => "every rule".to_owned(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// `M. Chen, Netflix creative production, on 2025-09-02`, or `not disclosed`.
pub fn disclosed_text(d: Option<&DisclosedRow>) -> String {
    match d {
        Some(DisclosedRow {
            to: Some(to),
            on: Some(on),
        }) => format!("to {to} on {on}"),
        Some(DisclosedRow { to: Some(to), .. }) => format!("to {to}"),
        Some(DisclosedRow { on: Some(on), .. }) => format!("on {on}"),
        _ => "not disclosed".to_owned(),
    }
}

/// What marks a value that was not declared but holds its default.
pub const DEFAULT_MARK: &str = "(default)";

/// `value`, marked as the default when `defaulted`.
pub fn with_default(value: &str, defaulted: bool) -> String {
    if defaulted {
        format!("{value} {DEFAULT_MARK}")
    } else {
        value.to_owned()
    }
}

/// `THE LAST SIGNAL`, `Season 1 · Northlight Pictures`: the line under the
/// title, if the configuration gives one.
pub fn production_subtitle(r: &Register) -> Option<String> {
    let season = r.season.as_deref().map(|s| {
        if s.bytes().all(|b| b.is_ascii_digit()) {
            format!("Season {s}")
        } else {
            s.to_owned()
        }
    });
    let parts: Vec<String> = season.into_iter().chain(r.company.clone()).collect();
    (!parts.is_empty()).then(|| parts.join(" \u{00B7} "))
}

/// A folder as a heading names it: `scripts/`, `the top folder`.
pub fn folder_text(folder: &str) -> String {
    if folder == "." {
        "the top folder".to_owned()
    } else {
        format!("{folder}/")
    }
}

/// `error GA205 on-screen-element (netflix-2025-08, line 23): message`: the
/// pack for a rule of a policy pack, the line for a finding at one.
pub fn finding_text(f: &FindingRow) -> String {
    let mut s = f.severity.to_owned();
    if let (Some(code), Some(name)) = (f.code, f.name) {
        s.push_str(&format!(" {code} {name}"));
    }
    let line = f.line.map(|l| format!("line {l}"));
    let facts: Vec<&str> = f.pack.into_iter().chain(line.as_deref()).collect();
    if !facts.is_empty() {
        s.push_str(&format!(" ({})", facts.join(", ")));
    }
    format!("{s}: {}", f.message)
}

/// What the register's header says of a policy pack after its id:
/// `SAG-AFTRA TV/Theatrical 2023, from 2023-11-09 until 2026-06-30` (the
/// version when the id does not end with it), or `not a built-in pack`.
pub fn pack_text(p: &PackRow) -> String {
    let mut facts: Vec<String> = p.title.iter().cloned().collect();
    if let Some(v) = &p.version
        && !p.id.ends_with(v.as_str())
    {
        facts.push(format!("version {v}"));
    }
    match (&p.from, &p.until) {
        (Some(from), Some(until)) => facts.push(format!("from {from} until {until}")),
        (Some(from), None) => facts.push(format!("from {from}")),
        (None, Some(until)) => facts.push(format!("until {until}")),
        (None, None) => {}
    }
    if p.title.is_none() {
        facts.push("not a built-in pack".to_owned());
    }
    facts.join(", ")
}

/// `Dana Ruiz, 2025-09-02 (4f1c2a9b0e)`.
pub fn commit_text(c: &CommitRow) -> String {
    format!("{}, {} ({})", c.author, c.date, c.short())
}

/// What the register describes: `commit 4f1c2a9b0e`, `the work tree at …`.
pub fn scope_text(r: &Register) -> String {
    let short = |c: &str| c[..c.len().min(10)].to_owned();
    match (&r.commit, r.scope) {
        (Some(c), "range") => format!("commit {}", short(c)),
        (Some(c), _) => format!("the work tree at commit {}", short(c)),
        (None, _) => "the work tree (not in git)".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(pack: Option<&'static str>, line: Option<usize>) -> FindingRow {
        FindingRow {
            code: Some("GA205"),
            name: Some("on-screen-element"),
            pack,
            severity: "error",
            message: "m".into(),
            line,
            help: None,
        }
    }

    #[test]
    fn a_finding_names_its_pack_and_line() {
        assert_eq!(
            finding_text(&finding(Some("netflix-2025-08"), Some(23))),
            "error GA205 on-screen-element (netflix-2025-08, line 23): m"
        );
        assert_eq!(
            finding_text(&finding(Some("netflix-2025-08"), None)),
            "error GA205 on-screen-element (netflix-2025-08): m"
        );
        assert_eq!(
            finding_text(&finding(None, Some(23))),
            "error GA205 on-screen-element (line 23): m"
        );
        assert_eq!(
            finding_text(&finding(None, None)),
            "error GA205 on-screen-element: m"
        );
    }

    #[test]
    fn packs_in_the_header() {
        let mut p = PackRow {
            id: "sag-aftra-2023".into(),
            title: Some("SAG-AFTRA TV/Theatrical 2023".into()),
            version: Some("2023".into()),
            from: Some("2023-11-09".into()),
            until: Some("2026-06-30".into()),
        };
        assert_eq!(
            pack_text(&p),
            "SAG-AFTRA TV/Theatrical 2023, from 2023-11-09 until 2026-06-30"
        );
        p.version = Some("2023.1".into());
        p.from = None;
        assert_eq!(
            pack_text(&p),
            "SAG-AFTRA TV/Theatrical 2023, version 2023.1, until 2026-06-30"
        );
        assert_eq!(
            pack_text(&PackRow::unknown("studio")),
            "not a built-in pack"
        );
    }
}
