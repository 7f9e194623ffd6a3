//! The register as one self-contained HTML page, for the showrunner.
//!
//! Nothing is fetched: the styles and the small script that sorts and
//! filters the table are inline, and a Content-Security-Policy allows only
//! those two (by their hashes), so even text that escaped its escaping could
//! not load or run anything. All text from the checked files goes through
//! [`escape`].
//!
//! Statuses never rely on colour alone: each has a text label, a shape
//! (✗ needs action, ◔ pending approval, ⚠ warnings, ✓ clear) and a border
//! style (solid, dotted, dashed, thin), in the Okabe–Ito colour-blind-safe
//! palette (vermillion, reddish purple, orange, blue), so they read in
//! greyscale print too. `@media print` drops the controls, prints landscape
//! and repeats the table header on every page.
//!
//! An email address may break before its `@` and nowhere else, so that a
//! narrow column never splits `mei.chen@netflix.example.com` mid-word.

use std::fmt::Write as _;
use std::io;

use annotate_snippets::normalize_untrusted_str;
use sha2::{Digest, Sha256};

use crate::text::plural;

use super::{
    ApprovalRow, FileRow, FindingRow, Register, Status, Totals, covers_text, folder_text,
    pack_text, production_subtitle,
};

mod row;

use row::use_row;

pub fn render(register: &Register, out: &mut dyn io::Write) -> io::Result<()> {
    out.write_all(html(register).as_bytes())
}

/// `s` with `<>&"'` escaped and control characters made visible: safe in
/// text and in quoted attribute values.
pub fn escape(s: &str) -> String {
    let s = normalize_untrusted_str(s);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// [`escape`], with each email address kept whole: it may break before its
/// `@`, nowhere else.
pub fn escape_text(s: &str) -> String {
    static EMAIL: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = EMAIL.get_or_init(|| {
        regex::Regex::new(r"([A-Za-z0-9._%+-]+)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
            .expect("a valid pattern")
    });
    let escaped = escape(s);
    re.replace_all(
        &escaped,
        "<span class=\"email\">$1</span><wbr><span class=\"email\">@$2</span>",
    )
    .into_owned()
}

const STYLE: &str = include_str!("html/style.css");

const SCRIPT: &str = include_str!("html/script.js");

/// `sha256-…` of an inline element's text, for the Content-Security-Policy.
fn csp_hash(text: &str) -> String {
    format!("'sha256-{}'", base64(&Sha256::digest(text.as_bytes())))
}

fn base64(bytes: &[u8]) -> String {
    use base64ct::Encoding as _;
    base64ct::Base64::encode_string(bytes)
}

fn stage_rank(stage: Option<&str>) -> usize {
    match stage {
        Some("ideation") => 0,
        Some("previs") => 1,
        Some("temp") => 2,
        Some("final") => 3,
        _ => 4,
    }
}

fn status_rank(s: Status) -> usize {
    match s {
        Status::NeedsAction => 0,
        Status::Pending => 1,
        Status::Warnings => 2,
        Status::Clear => 3,
    }
}

fn status_badge(s: Status) -> String {
    format!(
        "<span class=\"badge s-{}\"><span class=\"i\" aria-hidden=\"true\">{}</span> {}</span>",
        s.as_str(),
        s.icon(),
        s.label()
    )
}

fn approval_badge(a: &ApprovalRow) -> String {
    let (class, icon) = match a.state.as_str() {
        "valid" => ("a-ok", "\u{2713}"),
        "pending" => ("a-pending", "\u{25D4}"),
        _ => ("a-bad", "\u{2717}"),
    };
    let mut details = Vec::new();
    match (&a.granted_by, &a.granted_on) {
        (Some(g), Some(on)) => {
            details.push(format!("granted by {} on {}", escape_text(g), escape(on)))
        }
        (Some(g), None) => details.push(format!("granted by {}", escape_text(g))),
        (None, Some(on)) => details.push(format!("granted on {}", escape(on))),
        (None, None) => {}
    }
    if let Some(e) = &a.expires_on {
        details.push(format!("expires {}", escape(e)));
    }
    let mut more = String::new();
    if a.state != "missing" && a.state != "out of scope" {
        let _ = write!(
            more,
            "<div class=\"sub\">covers {}</div>",
            escape(&covers_text(a))
        );
    }
    if let Some(d) = &a.document {
        let _ = write!(
            more,
            "<div class=\"sub\">document <span class=\"path\">{}</span></div>",
            path(d)
        );
    }
    if let Some(n) = &a.note {
        let _ = write!(
            more,
            "<div class=\"sub\" title=\"{}\">note: {}</div>",
            escape(n),
            escape_text(&shorten(n, 90))
        );
    }
    format!(
        "<div class=\"approval\"><code>{}</code> <span class=\"badge {class}\"><span class=\"i\" aria-hidden=\"true\">{icon}</span> {}</span>{}{more}</div>",
        escape(&a.id),
        escape(&a.state),
        if details.is_empty() {
            String::new()
        } else {
            format!("<div class=\"sub\">{}</div>", details.join(", "))
        }
    )
}

/// How a value that was not declared is marked.
const DEFAULT_HTML: &str =
    " <span class=\"dflt\" title=\"not declared: the vocabulary's default\">(default)</span>";

fn severity_icon(severity: &str) -> &'static str {
    match severity {
        "error" => "\u{2717}",
        "warning" => "\u{26A0}",
        _ => "\u{2139}",
    }
}

/// Text with the names in backticks shown as code.
fn message(m: &str) -> String {
    let parts: Vec<&str> = m.split('`').collect();
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        if i % 2 == 1 && i + 1 < parts.len() && !part.is_empty() {
            let _ = write!(out, "<code>{}</code>", escape_text(part));
        } else {
            if i % 2 == 1 {
                out.push('`');
            }
            out.push_str(&escape_text(part));
            if i % 2 == 1 && i + 1 < parts.len() {
                out.push('`');
            }
        }
    }
    out
}

fn finding_item(f: &FindingRow, with_fix: bool) -> String {
    // Without the fix shown, it is the item's tooltip.
    let title = match (&f.help, with_fix) {
        (Some(help), false) => format!(" title=\"Fix: {}\"", escape(help)),
        _ => String::new(),
    };
    let mut s = format!(
        "<li{title}><span class=\"sev sev-{sev}\"><span aria-hidden=\"true\">{icon}</span> {sev}</span>",
        sev = escape(f.severity),
        icon = severity_icon(f.severity)
    );
    if let Some(code) = f.code {
        let _ = write!(
            s,
            " <code title=\"{}\">{}</code>",
            escape(f.name.unwrap_or_default()),
            escape(code)
        );
    }
    if let Some(pack) = f.pack {
        let _ = write!(
            s,
            " <span class=\"sub pack\" title=\"policy pack\">{}</span>",
            escape(pack)
        );
    }
    if let Some(line) = f.line {
        let _ = write!(s, " <span class=\"sub\">line {line}</span>");
    }
    let _ = write!(s, " {}", message(&f.message));
    if with_fix && let Some(help) = &f.help {
        let _ = write!(s, "<span class=\"fix\">Fix: {}</span>", message(help));
    }
    s.push_str("</li>");
    s
}

fn findings_list<'a>(findings: impl Iterator<Item = &'a FindingRow>, with_fix: bool) -> String {
    let items: String = findings.map(|f| finding_item(f, with_fix)).collect();
    format!("<ul class=\"findings\">{items}</ul>")
}

/// A path, escaped, with line-break opportunities after each `/`.
fn path(p: &str) -> String {
    escape(p).replace('/', "/<wbr>")
}

fn list(items: &[&str]) -> String {
    items
        .iter()
        .map(|i| escape(i))
        .collect::<Vec<_>>()
        .join(", ")
}

fn action_item(where_: String, findings: &[FindingRow]) -> String {
    format!(
        "<li><div class=\"where\">{where_}</div>{}</li>\n",
        findings_list(findings.iter().filter(|f| f.severity == "error"), true)
    )
}

fn file_rows(r: &Register) -> impl Iterator<Item = (&FileRow, &'static str)> {
    r.files_without_declaration
        .iter()
        .map(|f| (f, "no declaration"))
        .chain(
            r.file_findings
                .iter()
                .map(|f| (f, "about the file as a whole")),
        )
}

/// The whole page.
pub fn html(r: &Register) -> String {
    let t = &r.totals;
    let title = escape(&r.production);
    let mut s = String::with_capacity(32 * 1024);
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src {}; script-src {}; img-src data:\">\n\
         <meta name=\"generator\" content=\"aiclear {}\">\n\
         <title>{title} \u{2014} GenAI disclosure register</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        csp_hash(STYLE),
        csp_hash(SCRIPT),
        env!("CARGO_PKG_VERSION"),
    );
    header(&mut s, r, &title);
    cards(&mut s, t);
    needs_action(&mut s, r);
    register_table(&mut s, r);
    other_findings(&mut s, r);
    s.push_str(&coverage(r));
    totals(&mut s, t);
    let _ = write!(
        s,
        "<footer>Made by <code>aiclear report --format html</code> from the GenAI declarations in this \
         repository, checked against the approvals ledger and git history. \
         <code>aiclear explain CODE</code> explains a rule; <code>aiclear report --format json</code> \
         gives the same register for other tools.</footer>\n</main>\n<script>{SCRIPT}</script>\n</body>\n</html>\n"
    );
    s
}

/// The title, the production, and what was read when.
fn header(s: &mut String, r: &Register, title: &str) {
    let t = &r.totals;
    let commit = match &r.commit {
        Some(c) => format!(
            "<code title=\"{}\">{}</code>",
            escape(c),
            escape(&c[..c.len().min(10)])
        ),
        None => String::new(),
    };
    let generated = r.generated.replace('T', " ").replace('Z', " UTC");
    let _ = write!(
        s,
        "<header class=\"top\">\n<p class=\"kicker\">GenAI disclosure register</p>\n<h1>{title}</h1>\n{}\
         <p class=\"meta\">{} {commit}{} \u{00B7} generated {} \u{00B7} {} checked</p>\n{}</header>\n<main>\n",
        production_subtitle(r)
            .map(|sub| format!("<p class=\"meta\">{}</p>\n", escape(&sub)))
            .unwrap_or_default(),
        match (&r.commit, r.scope) {
            (None, _) => "The work tree (not in git)",
            (Some(_), "range") => "Commit",
            (Some(_), _) => "The work tree at commit",
        },
        r.base
            .as_deref()
            .map(|b| format!(" \u{00B7} history from <code>{}</code>", escape(b)))
            .unwrap_or_default(),
        escape(&generated),
        plural(t.files_checked, "file", "files"),
        policy(r),
    );
}

/// The policy packs the production is checked against, for the header.
fn policy(r: &Register) -> String {
    if r.policy.is_empty() {
        return String::new();
    }
    let packs: Vec<String> = r
        .policy
        .iter()
        .map(|p| {
            format!(
                "<span class=\"pack\"><code>{}</code> {}</span>",
                escape(&p.id),
                escape(&pack_text(p))
            )
        })
        .collect();
    format!(
        "<p class=\"meta packs\">Policy packs: {}</p>\n",
        packs.join(" \u{00B7} ")
    )
}

/// The summary cards, and the uses by stage.
fn cards(s: &mut String, t: &Totals) {
    s.push_str("<section class=\"cards\" aria-label=\"Summary\">\n");
    let _ = writeln!(
        s,
        "<div class=\"card\"><span class=\"n\">{}</span><span class=\"what\">declared {}</span></div>",
        t.uses,
        if t.uses == 1 { "use" } else { "uses" }
    );
    let card = |class: &str, icon: &str, n: usize, what: &str| {
        format!(
            "<div class=\"card {class}\"><span class=\"n\"><span aria-hidden=\"true\">{icon}</span> {n}</span><span class=\"what\">{what}</span></div>\n"
        )
    };
    s.push_str(&card(
        "bad",
        "\u{2717}",
        t.uses_needing_action,
        if t.uses_needing_action == 1 {
            "use needs action"
        } else {
            "uses need action"
        },
    ));
    if t.files_needing_action > 0 {
        s.push_str(&card(
            "bad",
            "\u{2717}",
            t.files_needing_action,
            if t.files_needing_action == 1 {
                "file needs action"
            } else {
                "files need action"
            },
        ));
    }
    if t.uses_pending > 0 {
        s.push_str(&card(
            "pending",
            "\u{25D4}",
            t.uses_pending,
            if t.uses_pending == 1 {
                "use awaits the commit of its approval"
            } else {
                "uses await the commit of their approval"
            },
        ));
    }
    s.push_str(&card(
        "warn",
        "\u{26A0}",
        t.uses_with_warnings,
        "with warnings only",
    ));
    s.push_str(&card("ok", "\u{2713}", t.uses_clear, "clear"));
    s.push_str("</section>\n");
    let stages: Vec<String> = t
        .by_stage
        .iter()
        .filter(|st| st.uses > 0 || st.stage != "unspecified")
        .map(|st| format!("{} {}", st.stage, st.uses))
        .collect();
    let _ = writeln!(
        s,
        "<p class=\"stages\">By stage: {}</p>",
        stages.join(" \u{00B7} ")
    );
}

/// The uses and files with an error open, with their errors and fixes.
fn needs_action(s: &mut String, r: &Register) {
    let mut items = String::new();
    let mut count = 0;
    for u in r.uses.iter().filter(|u| u.status == Status::NeedsAction) {
        count += 1;
        items.push_str(&action_item(
            format!(
                "<span aria-hidden=\"true\">\u{2717}</span> <span class=\"path\">{}</span> \u{2014} use <code>{}</code>{}",
                path(u.media.as_deref().unwrap_or(&u.file)),
                escape(&u.id),
                u.description
                    .as_deref()
                    .map(|d| format!(" <span class=\"about\">{}</span>", escape(&shorten(d, 110))))
                    .unwrap_or_default()
            ),
            &u.findings,
        ));
    }
    for (f, what) in file_rows(r).filter(|(f, _)| f.has_errors()) {
        count += 1;
        items.push_str(&action_item(
            format!(
                "<span aria-hidden=\"true\">\u{2717}</span> <span class=\"path\">{}</span> \u{2014} {what}",
                escape(&f.file)
            ),
            &f.findings,
        ));
    }
    let _ = writeln!(
        s,
        "<section id=\"needs-action\">\n<h2><span aria-hidden=\"true\">\u{2717}</span> Needs action ({count})</h2>"
    );
    if count == 0 {
        s.push_str("<p class=\"none\"><span aria-hidden=\"true\">\u{2713}</span> Nothing needs action: every declared use is clear or only has warnings.</p>\n");
    } else {
        let _ = writeln!(s, "<div class=\"action\"><ol>\n{items}</ol></div>");
    }
    s.push_str("</section>\n");
}

/// The register of declared uses: filters, legend and the sortable table.
fn register_table(s: &mut String, r: &Register) {
    s.push_str("<section id=\"register\">\n<h2>Register of declared uses</h2>\n");
    s.push_str(
        "<div class=\"controls js-only\">\n\
         <label>Search<input id=\"filter-text\" type=\"search\" placeholder=\"file, use, tool, approval, rule\u{2026}\"></label>\n\
         <label>Stage<select id=\"filter-stage\"><option value=\"\">all stages</option>\
         <option value=\"ideation\">ideation</option><option value=\"previs\">previs</option>\
         <option value=\"temp\">temp</option><option value=\"final\">final</option>\
         <option value=\"unspecified\">unspecified</option></select></label>\n\
         <label>Status<select id=\"filter-status\"><option value=\"\">all statuses</option>\
         <option value=\"needs-action\">\u{2717} needs action</option>\
         <option value=\"pending\">\u{25D4} pending approval</option>\
         <option value=\"warnings\">\u{26A0} warnings</option>\
         <option value=\"clear\">\u{2713} clear</option></select></label>\n",
    );
    let mut folders: Vec<&str> = r.uses.iter().map(|u| u.folder.as_str()).collect();
    folders.dedup();
    folders.sort_unstable();
    folders.dedup();
    let _ = writeln!(
        s,
        "<label>Folder<select id=\"filter-folder\"><option value=\"\">all folders</option>{}</select></label>",
        folders
            .iter()
            .map(|f| format!(
                "<option value=\"{}\">{}</option>",
                escape(f),
                escape(&folder_text(f))
            ))
            .collect::<String>()
    );
    s.push_str(
        "<button id=\"print\" type=\"button\">Print</button>\n\
         <span class=\"count\" id=\"filter-count\" aria-live=\"polite\"></span>\n</div>\n",
    );
    let _ = writeln!(
        s,
        "<p class=\"legend\">{} an error is open: the use may not go ahead as declared \
         {} its approval is granted but not committed yet \
         {} worth fixing, does not block {} nothing open.<span class=\"noprint\"> Click a column heading to sort.</span></p>",
        status_badge(Status::NeedsAction),
        status_badge(Status::Pending),
        status_badge(Status::Warnings),
        status_badge(Status::Clear),
    );
    if r.uses.is_empty() {
        s.push_str("<p class=\"empty\">No file declares a use of generative AI.</p>\n");
    }
    s.push_str(
        "<div class=\"table-wrap\"><table id=\"register-table\">\n<colgroup><col class=\"c-status\"><col class=\"c-use\">\
         <col class=\"c-stage\"><col class=\"c-tools\"><col class=\"c-touches\"><col class=\"c-own\"><col class=\"c-approvals\">\
         <col class=\"c-findings\"><col class=\"c-history\"></colgroup>\n<thead><tr>\
         <th aria-sort=\"none\" scope=\"col\"><button type=\"button\">Status</button></th>\
         <th aria-sort=\"none\" scope=\"col\"><button type=\"button\">File and use</button></th>\
         <th aria-sort=\"none\" scope=\"col\"><button type=\"button\">Stage</button></th>\
         <th aria-sort=\"none\" scope=\"col\"><button type=\"button\">Tools</button></th>\
         <th aria-sort=\"none\" scope=\"col\"><button type=\"button\">What it touches</button></th>\
         <th aria-sort=\"none\" scope=\"col\"><button type=\"button\">The file says</button></th>\
         <th aria-sort=\"none\" scope=\"col\"><button type=\"button\">Approvals</button></th>\
         <th aria-sort=\"none\" scope=\"col\"><button type=\"button\">Open findings</button></th>\
         <th aria-sort=\"none\" scope=\"col\"><button type=\"button\">History</button></th>\
         </tr></thead>\n<tbody>\n",
    );
    for (i, u) in r.uses.iter().enumerate() {
        s.push_str(&use_row(i, u));
    }
    s.push_str("</tbody></table></div>\n</section>\n");
}

/// Findings not tied to a use, that need no action.
fn other_findings(s: &mut String, r: &Register) {
    let others: Vec<(&FileRow, &str)> = file_rows(r).filter(|(f, _)| !f.has_errors()).collect();
    if !others.is_empty() {
        s.push_str("<section id=\"other-findings\">\n<h2>Other findings</h2>\n<div class=\"table-wrap\"><table><tbody>\n");
        for (f, what) in others {
            let _ = writeln!(
                s,
                "<tr><td><div class=\"path\">{}</div><div class=\"sub\">{what}</div></td><td>{}</td></tr>",
                escape(&f.file),
                findings_list(f.findings.iter(), true)
            );
        }
        s.push_str("</tbody></table></div>\n</section>\n");
    }
}

/// The totals by stage, by rule family and by policy pack.
fn totals(s: &mut String, t: &Totals) {
    s.push_str("<section id=\"totals\">\n<h2>Totals</h2>\n<div class=\"totals\">\n");
    s.push_str("<table><thead><tr><th scope=\"col\">Stage</th><th class=\"n\" scope=\"col\">Uses</th><th class=\"n\" scope=\"col\">Need action</th></tr></thead><tbody>\n");
    for st in &t.by_stage {
        let _ = writeln!(
            s,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            st.stage, st.uses, st.needing_action
        );
    }
    s.push_str("</tbody></table>\n");
    s.push_str("<table><thead><tr><th scope=\"col\">Rule family</th><th class=\"n\" scope=\"col\">\u{2717} Errors</th><th class=\"n\" scope=\"col\">\u{26A0} Warnings</th><th class=\"n\" scope=\"col\">\u{2139} Notes</th></tr></thead><tbody>\n");
    for f in &t.by_family {
        let _ = writeln!(
            s,
            "<tr><td>{} {}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            f.family, f.name, f.errors, f.warnings, f.notes
        );
    }
    s.push_str("</tbody></table>\n");
    s.push_str("<table><thead><tr><th scope=\"col\">Policy pack</th><th class=\"n\" scope=\"col\">\u{2717} Errors</th><th class=\"n\" scope=\"col\">\u{26A0} Warnings</th><th class=\"n\" scope=\"col\">\u{2139} Notes</th></tr></thead><tbody>\n");
    for p in &t.by_pack {
        let _ = writeln!(
            s,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            p.pack.as_deref().map_or_else(
                || "aiclear\u{2019}s own checks".to_owned(),
                |p| format!("<code>{}</code>", escape(p))
            ),
            p.errors,
            p.warnings,
            p.notes
        );
    }
    s.push_str("</tbody></table>\n</div>\n</section>\n");
}

/// What each folder holds, and the files that declare no AI use: legal
/// sees what is covered, not only what is used.
fn coverage(r: &Register) -> String {
    let mut s = String::from(
        "<section id=\"coverage\">\n<h2>Coverage by folder</h2>\n<div class=\"table-wrap\"><table class=\"coverage\">\n\
         <thead><tr><th scope=\"col\">Folder</th><th scope=\"col\">Episode</th>\
         <th class=\"n\" scope=\"col\">Files with uses</th><th class=\"n\" scope=\"col\">Uses</th>\
         <th class=\"n\" scope=\"col\">\u{2717} Need action</th><th class=\"n\" scope=\"col\">\u{25D4} Pending</th>\
         <th class=\"n\" scope=\"col\">No AI use (<code>genai: none</code>)</th>\
         <th class=\"n\" scope=\"col\">No declaration</th></tr></thead><tbody>\n",
    );
    for f in &r.folders {
        let _ = writeln!(
            s,
            "<tr><td class=\"path\">{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            path(&folder_text(&f.folder)),
            f.episode.as_deref().map_or("\u{2014}".to_owned(), escape),
            f.files_with_uses,
            f.uses,
            f.uses_needing_action,
            f.uses_pending,
            f.files_declaring_none,
            f.files_without_declaration
        );
    }
    s.push_str("</tbody></table></div>\n");
    if r.files_declaring_none.is_empty() {
        s.push_str("<p class=\"empty\">No file declares <code>genai: none</code>.</p>\n");
    } else {
        let _ = write!(
            s,
            "<p>{} no use of generative AI (<code>genai: none</code>):</p>\n<ul class=\"none-files\">",
            plural(
                r.files_declaring_none.len(),
                "file declares",
                "files declare"
            )
        );
        for n in &r.files_declaring_none {
            let _ = write!(
                s,
                "<li><span class=\"path\">{}</span>{}{}</li>",
                path(n.media.as_deref().unwrap_or(&n.file)),
                n.episode
                    .as_deref()
                    .map(|e| format!(" <span class=\"sub\">episode {}</span>", escape(e)))
                    .unwrap_or_default(),
                n.media_record
                    .as_ref()
                    .map(|m| format!(
                        " <span class=\"sub\">the file says: {}</span>",
                        escape(&m.text())
                    ))
                    .unwrap_or_default()
            );
        }
        s.push_str("</ul>\n");
    }
    s.push_str("</section>\n");
    s
}

/// At most `max` characters of `s`, cut at a word with an ellipsis.
fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let cut: String = s.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!(
        "{}\u{2026}",
        cut.trim_end_matches([',', ';', ':', '.', ' '])
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<script>alert('x')&\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;)&amp;&quot;&lt;/script&gt;"
        );
    }

    #[test]
    fn base64_matches_known_values() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }
}
