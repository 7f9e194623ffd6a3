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
    ApprovalRow, FileRow, FindingRow, Register, Status, UseRow, awaiting_text, covers_text,
    disclosed_text, folder_text, production_subtitle, talent_text,
};

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

const STYLE: &str = r#"
:root { color-scheme: light; --ink: #1a1d21; --muted: #5b6470; --line: #d5d9de; --paper: #ffffff;
  --bg: #f3f4f6; --bad: #d55e00; --bad-ink: #8a3300; --bad-bg: #fbe4d6; --warn: #e69f00;
  --warn-ink: #6b4a00; --warn-bg: #fdf0cf; --ok: #0072b2; --ok-ink: #00476f; --ok-bg: #ddeef8;
  --pend: #cc79a7; --pend-ink: #6e2a52; --pend-bg: #f7e6f0; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "Liberation Sans", "DejaVu Sans", Arial, sans-serif; }
header.top { background: #1d2733; color: #fff; padding: 14px 28px 12px; }
header.top .kicker { margin: 0; text-transform: uppercase; letter-spacing: .08em; font-size: 12px; color: #c9d3df; }
header.top h1 { margin: 0 0 2px; font-size: 26px; letter-spacing: .01em; }
header.top .meta { margin: 0; color: #dbe3ec; }
header.top code { background: rgba(255,255,255,.12); color: #fff; }
main { padding: 14px 28px 32px; }
h2 { font-size: 18px; margin: 20px 0 8px; }
code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12.5px; background: #eef0f3;
  padding: 1px 4px; border-radius: 3px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(190px, 1fr)); gap: 12px; align-items: stretch; }
.card { background: var(--paper); border: 1px solid var(--line); border-radius: 8px; padding: 8px 14px;
  display: flex; align-items: baseline; gap: 10px; }
.card .n { font-size: 26px; font-weight: 700; line-height: 1.1; white-space: nowrap; }
.card .what { color: var(--muted); }
.card.bad { border: 2px solid var(--bad); background: var(--bad-bg); color: var(--bad-ink); }
.card.warn { border: 2px dashed var(--warn); background: var(--warn-bg); color: var(--warn-ink); }
.card.ok { border: 1px solid var(--ok); background: var(--ok-bg); color: var(--ok-ink); }
.card.pending { border: 2px dotted var(--pend); background: var(--pend-bg); color: var(--pend-ink); }
.card.bad .what, .card.warn .what, .card.ok .what, .card.pending .what { color: inherit; }
.stages { margin: 8px 0 0; color: var(--muted); }
.badge { display: inline-flex; align-items: center; gap: 4px; white-space: nowrap; font-weight: 600;
  font-size: 12.5px; padding: 1px 8px; border-radius: 999px; border: 1px solid var(--line); }
.badge .i { font-size: 13px; }
.s-needs-action, .a-bad { background: var(--bad-bg); color: var(--bad-ink); border: 2px solid var(--bad); }
.s-warnings, .a-warn { background: var(--warn-bg); color: var(--warn-ink); border: 2px dashed var(--warn); }
.s-clear, .a-ok { background: var(--ok-bg); color: var(--ok-ink); border: 1px solid var(--ok); }
.s-pending, .a-pending { background: var(--pend-bg); color: var(--pend-ink); border: 2px dotted var(--pend); }
.email { white-space: nowrap; overflow-wrap: normal; word-break: normal; }
.dflt { color: var(--muted); font-style: italic; font-weight: 400; }
.stage { background: #eceef1; color: var(--ink); border: 1px solid #b9c0c8; }
.stage-final { background: #1d2733; color: #fff; border-color: #1d2733; }
.action { background: var(--paper); border: 2px solid var(--bad); border-left-width: 8px; border-radius: 8px;
  padding: 4px 16px 8px; }
.action > ol { margin: 0; padding-left: 0; list-style: none; }
.action > ol > li { padding: 6px 0; border-top: 1px solid var(--line); }
.action > ol > li:first-child { border-top: 0; }
.action .where { font-weight: 600; }
.action .about { font-weight: 400; color: var(--muted); }
.action .about::before { content: "\2014  "; }
.none { background: var(--ok-bg); color: var(--ok-ink); border: 1px solid var(--ok); border-radius: 8px; padding: 10px 16px; }
ul.findings { margin: 4px 0 0; padding-left: 0; list-style: none; }
ul.findings li { margin: 2px 0; }
.sev { font-weight: 700; }
.sev-error { color: var(--bad-ink); }
.sev-warning { color: var(--warn-ink); }
.sev-note { color: var(--muted); }
.fix { display: block; color: var(--muted); margin-left: 22px; font-size: 12.5px; line-height: 1.35; }
.controls { display: flex; flex-wrap: wrap; gap: 10px 18px; align-items: end; margin: 0 0 10px; }
.controls label { display: flex; flex-direction: column; font-size: 12px; color: var(--muted); gap: 2px; }
.controls input, .controls select, .controls button { font: inherit; padding: 5px 8px; border: 1px solid #9aa3ad;
  border-radius: 6px; background: #fff; color: var(--ink); }
.controls input { width: 280px; }
.controls .count { margin-left: auto; color: var(--muted); padding-bottom: 6px; }
.legend { color: var(--muted); margin: 0 0 10px; font-size: 12.5px; display: flex; gap: 14px; flex-wrap: wrap; align-items: center; }
.table-wrap { background: var(--paper); border: 1px solid var(--line); border-radius: 8px; overflow-x: auto; }
table { border-collapse: collapse; width: 100%; }
#register-table { table-layout: fixed; min-width: 1100px; }
col.c-status { width: 11.5%; } col.c-use { width: 18%; } col.c-stage { width: 7%; } col.c-tools { width: 12.5%; }
col.c-touches { width: 13%; } col.c-approvals { width: 12.5%; } col.c-findings { width: 16%; } col.c-history { width: 9.5%; }
#register-table td { overflow-wrap: anywhere; }
th, td { text-align: left; vertical-align: top; padding: 8px 10px; border-bottom: 1px solid var(--line); }
thead th { position: sticky; top: 0; background: #e9ecf0; font-size: 12.5px; white-space: nowrap; z-index: 1; }
th button { all: unset; cursor: pointer; font-weight: 700; }
th button:focus-visible { outline: 2px solid var(--ok); outline-offset: 2px; }
th button::after { content: " \2195"; color: #8a939d; font-weight: 400; }
th[aria-sort="ascending"] button::after { content: " \25B2"; color: var(--ink); }
th[aria-sort="descending"] button::after { content: " \25BC"; color: var(--ink); }
tbody tr:nth-child(even) td { background: #fafbfc; }
tbody tr.row-needs-action td:first-child { box-shadow: inset 6px 0 0 var(--bad); }
tbody tr.row-warnings td:first-child { box-shadow: inset 6px 0 0 var(--warn); }
tbody tr.row-clear td:first-child { box-shadow: inset 6px 0 0 var(--ok); }
tbody tr.row-pending td:first-child { box-shadow: inset 6px 0 0 var(--pend); }
.disclosed { color: var(--muted); font-size: 12.5px; margin-top: 2px; }
.disclosed.missing { color: var(--bad-ink); }
.coverage td.n, .coverage th.n { text-align: right; font-variant-numeric: tabular-nums; }
.none-files { margin: 8px 0 0; padding-left: 18px; }
td.status { padding-left: 14px; padding-right: 4px; }
td.status .badge { white-space: normal; }
.use-id { font-weight: 700; font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 13px; }
.desc { color: var(--ink); margin-top: 2px; }
.human { color: var(--muted); font-size: 12.5px; }
.path { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12.5px; overflow-wrap: anywhere; }
td .path { color: var(--muted); }
.sub { color: var(--muted); font-size: 12.5px; }
.facts { margin: 0; padding: 0; list-style: none; font-size: 13px; }
.facts b { font-weight: 600; color: var(--muted); }
.tool { margin-bottom: 4px; }
.tool .name { font-weight: 600; }
.flag { font-size: 12px; white-space: nowrap; }
.flag-bad { color: var(--bad-ink); }
.flag-ok { color: var(--ok-ink); }
td.findings .fix { margin-left: 0; }
.approval { margin: 0 0 4px; }
.empty { color: var(--muted); }
.totals { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 16px; }
.totals table { background: var(--paper); border: 1px solid var(--line); }
.totals td.n, .totals th.n { text-align: right; font-variant-numeric: tabular-nums; }
footer { color: var(--muted); font-size: 12.5px; margin-top: 26px; }
.js-only { display: none; }
.js .js-only { display: flex; }
@media print {
  @page { size: landscape; margin: 12mm; }
  body { background: #fff; font-size: 9.5pt; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  header.top { background: #fff; color: #000; padding: 0 0 6px; border-bottom: 2px solid #000; }
  header.top .kicker, header.top .meta { color: #000; }
  header.top code { background: none; color: #000; }
  main { padding: 8px 0 0; }
  .controls, .js .js-only, .noprint { display: none !important; }
  .table-wrap { overflow: visible; border: 0; }
  thead { display: table-header-group; }
  thead th { position: static; background: #fff; border-bottom: 2px solid #000; }
  th button::after { content: ""; }
  tr, .card, .action > ol > li { break-inside: avoid; }
  .desc { max-width: none; }
  #register-table { min-width: 0; }
  .badge { white-space: normal; }
}
"#;

const SCRIPT: &str = r#"
(function () {
  document.documentElement.classList.add("js");
  var table = document.getElementById("register-table");
  if (!table) return;
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var q = document.getElementById("filter-text");
  var stage = document.getElementById("filter-stage");
  var status = document.getElementById("filter-status");
  var folder = document.getElementById("filter-folder");
  var count = document.getElementById("filter-count");
  function key(row, i) {
    var cell = row.cells[i];
    return cell.getAttribute("data-sort") || cell.textContent.trim().toLowerCase();
  }
  function filter() {
    var text = q.value.trim().toLowerCase(), s = stage.value, st = status.value,
      f = folder ? folder.value : "", shown = 0;
    rows.forEach(function (r) {
      var ok = (!text || r.textContent.toLowerCase().indexOf(text) >= 0) &&
        (!s || r.getAttribute("data-stage") === s) &&
        (!st || r.getAttribute("data-status") === st) &&
        (!f || r.getAttribute("data-folder") === f);
      r.hidden = !ok;
      if (ok) shown++;
    });
    count.textContent = "Showing " + shown + " of " + rows.length + (rows.length === 1 ? " use" : " uses");
  }
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  heads.forEach(function (th, i) {
    var button = th.querySelector("button");
    if (!button) return;
    button.addEventListener("click", function () {
      var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
      heads.forEach(function (h) { h.setAttribute("aria-sort", "none"); });
      th.setAttribute("aria-sort", dir);
      rows.sort(function (a, b) {
        var c = key(a, i).localeCompare(key(b, i), undefined, { numeric: true });
        if (c === 0) c = Number(a.getAttribute("data-order")) - Number(b.getAttribute("data-order"));
        return dir === "ascending" ? c : -c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
  [q, stage, status, folder].forEach(function (el) {
    if (!el) return;
    el.addEventListener("input", filter);
    el.addEventListener("change", filter);
  });
  var print = document.getElementById("print");
  if (print) print.addEventListener("click", function () { window.print(); });
  filter();
})();
"#;

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

fn use_row(order: usize, u: &UseRow) -> String {
    let mut s = String::new();
    let stage = u.stage.unwrap_or("unspecified");
    let _ = write!(
        s,
        "<tr class=\"row-{status}\" data-status=\"{status}\" data-stage=\"{stage}\" data-folder=\"{folder}\" data-order=\"{order}\">",
        status = u.status.as_str(),
        stage = escape(stage),
        folder = escape(&u.folder),
    );
    // Status.
    let _ = write!(
        s,
        "<td class=\"status\" data-sort=\"{}\">{}{}</td>",
        status_rank(u.status),
        status_badge(u.status),
        awaiting_text(u)
            .map(|a| format!("<div class=\"sub\">{}</div>", escape(&a)))
            .unwrap_or_default()
    );
    // File and use.
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
    // Stage and output.
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
    // Tools.
    s.push_str("<td>");
    for t in &u.tools {
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
            "false" => {
                "<span class=\"flag flag-ok\">\u{2713} no training on inputs</span>".to_owned()
            }
            "true" => "<span class=\"flag flag-bad\">\u{2717} trains on inputs</span>".to_owned(),
            _ => format!(
                "<span class=\"flag flag-bad\">? may train on inputs{}</span>",
                mark("trains_on_inputs")
            ),
        };
        let _ = write!(
            s,
            "<div class=\"tool\"><span class=\"name\">{name}</span><br>{enterprise}<br>{training}</div>"
        );
    }
    if u.tools.is_empty() {
        s.push_str("<span class=\"empty\">none declared</span>");
    }
    s.push_str("</td>");
    // What it touches.
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
    // Approvals.
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
    // Open findings.
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
    // History.
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
    s.push_str("</tr>\n");
    s
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

    // Header.
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
         <p class=\"meta\">{} {commit}{} \u{00B7} generated {} \u{00B7} {} checked</p>\n</header>\n<main>\n",
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
    );

    // Summary cards.
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

    // Needs action.
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

    // The register.
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
         <col class=\"c-stage\"><col class=\"c-tools\"><col class=\"c-touches\"><col class=\"c-approvals\">\
         <col class=\"c-findings\"><col class=\"c-history\"></colgroup>\n<thead><tr>\
         <th aria-sort=\"none\" scope=\"col\"><button type=\"button\">Status</button></th>\
         <th aria-sort=\"none\" scope=\"col\"><button type=\"button\">File and use</button></th>\
         <th aria-sort=\"none\" scope=\"col\"><button type=\"button\">Stage</button></th>\
         <th aria-sort=\"none\" scope=\"col\"><button type=\"button\">Tools</button></th>\
         <th aria-sort=\"none\" scope=\"col\"><button type=\"button\">What it touches</button></th>\
         <th aria-sort=\"none\" scope=\"col\"><button type=\"button\">Approvals</button></th>\
         <th aria-sort=\"none\" scope=\"col\"><button type=\"button\">Open findings</button></th>\
         <th aria-sort=\"none\" scope=\"col\"><button type=\"button\">History</button></th>\
         </tr></thead>\n<tbody>\n",
    );
    for (i, u) in r.uses.iter().enumerate() {
        s.push_str(&use_row(i, u));
    }
    s.push_str("</tbody></table></div>\n</section>\n");

    // Findings not tied to a use, that need no action.
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

    s.push_str(&coverage(r));

    // Totals.
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
    s.push_str("</tbody></table>\n</div>\n</section>\n");

    let _ = write!(
        s,
        "<footer>Made by <code>aiclear report --format html</code> from the GenAI declarations in this \
         repository, checked against the approvals ledger and git history. \
         <code>aiclear explain CODE</code> explains a rule; <code>aiclear report --format json</code> \
         gives the same register for other tools.</footer>\n</main>\n<script>{SCRIPT}</script>\n</body>\n</html>\n"
    );
    s
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
                "<li><span class=\"path\">{}</span>{}</li>",
                path(n.media.as_deref().unwrap_or(&n.file)),
                n.episode
                    .as_deref()
                    .map(|e| format!(" <span class=\"sub\">episode {}</span>", escape(e)))
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
