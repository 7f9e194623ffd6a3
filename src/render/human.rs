//! rustc-style output, drawn by annotate-snippets.
//!
//! annotate-snippets wants a `&str` and byte offsets into it, and prints the
//! ` --> path:line:col` header from the line and character it finds the primary
//! annotation at. A [`Source`] is bytes that may hold invalid UTF-8, CRLF or
//! lone CR line endings and a BOM, and may be very large. So each diagnostic
//! gets one or more [`Window`]s: only the lines its spans touch, decoded with
//! one U+FFFD per invalid byte (as [`crate::source::count_chars`] counts them),
//! lines joined with `\n`, started at the file's own line number, with the
//! spans translated into the window. Line and character counts in a window
//! are those of [`Source::line_col`], so the header agrees with `short` and
//! `json`. Spans far apart get a window each (the later ones print as
//! `::: path:line:col`); a span over very many lines is shown by its first
//! line; a very long line is cut some way after its last annotation, where
//! annotate-snippets would have elided it anyway (never before it: the
//! header's column is counted from the start of the line). A BOM is left out
//! of line 1 unless `line_col` counts it as a character.

use std::io;

use annotate_snippets::renderer::{DEFAULT_ERROR_STYLE, DEFAULT_WARNING_STYLE};
use annotate_snippets::{
    AnnotationKind, Element, Group, Level, Origin, Padding, Renderer, Snippet,
};
use anstyle::{Effects, Style};

use super::plural;
use crate::diagnostic::{Diagnostic, Report, Severity};
use crate::source::{Source, Span};

/// Two spans at most this many lines apart share a window.
const MERGE_GAP: usize = 8;
/// A span over more lines than this is shown by its first line only.
const MAX_SPAN_LINES: usize = 64;
/// Bytes of a line kept after its last annotation (or from its start, for a
/// line that has none): well over the 140 columns annotate-snippets shows.
const LINE_CONTEXT: usize = 1024;
const BOM: &[u8] = b"\xEF\xBB\xBF";
/// Longest stretch of a span that is underlined.
const MAX_MARK_BYTES: usize = 512;

/// Whether a byte offset starts a UTF-8 character (or ends the bytes).
trait CharBoundary {
    fn is_char_boundary_at(&self, at: usize) -> bool;
}

impl CharBoundary for [u8] {
    fn is_char_boundary_at(&self, at: usize) -> bool {
        at >= self.len() || (self[at] as i8) >= -0x40
    }
}

/// From this many files without a declaration (of one severity), they are
/// shown under one heading with the one command that declares them all.
const GROUP_MISSING_FROM: usize = 3;
/// Files listed by name under that heading; the command names them all.
const GROUP_LISTED: usize = 50;

pub(super) fn render(report: &Report, color: bool, out: &mut dyn io::Write) -> io::Result<()> {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let groups = missing_groups(report);
    for (i, d) in report.diagnostics.iter().enumerate() {
        if let Some(g) = groups.iter().find(|g| g.members.contains(&i)) {
            if g.members[0] == i {
                let paths: Vec<String> = g
                    .members
                    .iter()
                    .map(|&m| super::inert(&report.diagnostics[m].path))
                    .collect();
                let command = g
                    .members
                    .iter()
                    .filter_map(|&m| {
                        crate::rules::missing_declaration::annotate_path(&report.diagnostics[m])
                    })
                    .map(crate::rules::shell_word)
                    .collect::<Vec<_>>()
                    .join(" ");
                let command = super::inert(&command);
                let member_notes: Vec<Vec<String>> = g
                    .members
                    .iter()
                    .map(|&m| super::notes_with_pack(&report.diagnostics[m]))
                    .collect();
                let notes: Vec<String> = super::notes_with_pack(d)
                    .iter()
                    .filter(|n| member_notes.iter().all(|notes| notes.contains(n)))
                    .map(|n| super::inert(n))
                    .collect();
                let message = format!("{} files have no generative-AI declaration", paths.len());
                let group = missing_group(d, &message, &paths, &notes, &command);
                writeln!(out, "{}\n", renderer.render(&[group]))?;
            }
            continue;
        }
        // The path and the message can carry text from the checked files
        // (a file name with terminal escapes, say); they are printed inert.
        let shown = Diagnostic {
            path: super::inert(&d.path),
            message: super::inert(&d.message),
            label: d.label.as_deref().map(super::inert),
            secondary: d
                .secondary
                .iter()
                .map(|l| crate::diagnostic::Label {
                    span: l.span.clone(),
                    message: super::inert(&l.message),
                })
                .collect(),
            ..d.clone()
        };
        let ws = match (&d.span, report.sources.get(&d.path)) {
            (Some(span), Some(source)) => windows(&shown, span, source),
            _ => Vec::new(),
        };
        let group = group(&shown, &ws);
        writeln!(out, "{}\n", renderer.render(&[group]))?;
    }
    summary(report, color, out)
}

/// Files without a declaration that `aiclear annotate` would declare, by
/// severity, when there are enough of them to show as one.
struct MissingGroup {
    /// Indices into the report's diagnostics, in order.
    members: Vec<usize>,
}

fn missing_groups(report: &Report) -> Vec<MissingGroup> {
    let mut by_severity: Vec<(Severity, Vec<usize>)> = Vec::new();
    for (i, d) in report.diagnostics.iter().enumerate() {
        if crate::rules::missing_declaration::annotate_path(d).is_none() {
            continue;
        }
        match by_severity.iter_mut().find(|(s, _)| *s == d.severity) {
            Some((_, members)) => members.push(i),
            None => by_severity.push((d.severity, vec![i])),
        }
    }
    by_severity
        .into_iter()
        .filter(|(_, members)| members.len() >= GROUP_MISSING_FROM)
        .map(|(_, members)| MissingGroup { members })
        .collect()
}

/// One heading for many files without a declaration: the files, the notes
/// they share, and the command that declares them all.
fn missing_group<'a>(
    first: &'a Diagnostic,
    message: &'a str,
    paths: &'a [String],
    notes: &'a [String],
    command: &str,
) -> Group<'a> {
    let level = match first.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Note => Level::NOTE,
    };
    let mut title = level.primary_title(message);
    if let Some(code) = first.code() {
        title = title.id(code);
    }
    let mut elements: Vec<Element<'a>> = paths
        .iter()
        .take(GROUP_LISTED)
        .map(|p| Origin::path(p.as_str()).into())
        .collect();
    elements.push(Padding.into());
    for note in notes {
        elements.push(Level::NOTE.message(note.as_str()).into());
    }
    if paths.len() > GROUP_LISTED {
        elements.push(
            Level::NOTE
                .message(format!(
                    "and {} more (`aiclear check --format short` lists each one)",
                    paths.len() - GROUP_LISTED
                ))
                .into(),
        );
    }
    elements.push(
        Level::HELP
            .message(format!(
                "if none of them uses generative AI: `aiclear annotate --none {command}`"
            ))
            .into(),
    );
    elements.push(
        Level::HELP
            .message("for one that does, `aiclear annotate PATH` writes a template to fill in")
            .into(),
    );
    Group::with_title(title).elements(elements)
}

/// The annotate-snippets group for one diagnostic.
fn group<'a>(d: &'a Diagnostic, windows: &'a [Window<'a>]) -> Group<'a> {
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Note => Level::NOTE,
    };
    let mut title = level.primary_title(d.message.as_str());
    if let Some(code) = d.code() {
        title = title.id(code);
    }

    let notes = super::notes_with_pack(d);
    let mut elements: Vec<Element<'a>> = Vec::new();
    if windows.is_empty() && !d.path.is_empty() {
        // About the whole file, or its text is not at hand: name it only.
        elements.push(Origin::path(d.path.as_str()).into());
        if !notes.is_empty() || d.help.is_some() {
            elements.push(Padding.into());
        }
    }
    for w in windows {
        let annotations = w.marks.iter().map(|m| {
            m.kind
                .span(w.to_window(m.start, m.first)..w.to_window(m.end, m.last))
                .label(m.label)
        });
        elements.push(
            Snippet::source(w.text.as_str())
                .line_start(w.first_line)
                .path(d.path.as_str())
                .annotations(annotations)
                .into(),
        );
    }
    // Messages are not normalised by annotate-snippets; the text may come from
    // the checked files.
    for note in notes {
        elements.push(Level::NOTE.message(super::inert(&note)).into());
    }
    if let Some(help) = &d.help {
        elements.push(Level::HELP.message(super::inert(help)).into());
    }
    Group::with_title(title).elements(elements)
}

/// One annotated span, clamped to the file, with the lines it covers.
#[derive(Clone, Debug)]
struct Mark<'a> {
    kind: AnnotationKind,
    label: Option<&'a str>,
    /// Byte offsets into the file.
    start: usize,
    end: usize,
    /// 1-based lines of the first and the last byte.
    first: usize,
    last: usize,
}

/// A contiguous run of the file's lines, decoded, with its annotations.
#[derive(Debug)]
struct Window<'a> {
    source: &'a Source,
    first_line: usize,
    text: String,
    /// Per line: the bytes of the file kept, and where they start in `text`.
    lines: Vec<(Span, usize)>,
    marks: Vec<Mark<'a>>,
}

impl Window<'_> {
    /// The offset in `text` of byte `offset` of the file, which lies on `line`
    /// (offsets in a line ending or a cut-off tail map to the end of the line).
    fn to_window(&self, offset: usize, line: usize) -> usize {
        let (kept, start) = &self.lines[line - self.first_line];
        let offset = offset.clamp(kept.start, kept.end);
        let mut at = start + decoded_len(&self.source.bytes[kept.start..offset]);
        // A span that splits a character: move back to its start.
        while !self.text.is_char_boundary(at) {
            at -= 1;
        }
        at
    }
}

/// The windows for a diagnostic with a span, the one holding the primary span
/// first, then the others in file order.
fn windows<'a>(d: &'a Diagnostic, span: &Span, source: &'a Source) -> Vec<Window<'a>> {
    // Where line 1 starts: after the BOM, unless `line_col` counts the BOM as
    // a character (then it is kept, and counted by annotate-snippets too).
    let text_start = if source.bytes.starts_with(BOM) && source.line_col(BOM.len()).column == 1 {
        BOM.len()
    } else {
        0
    };
    let mark = |span: &Span, kind: AnnotationKind, label: Option<&'a str>| {
        let start = span.start.clamp(text_start, source.bytes.len());
        // A huge value is underlined by its start only: the window (and the
        // line annotate-snippets lays out) stays small.
        let mut end = span
            .end
            .clamp(start, source.bytes.len())
            .min(start + MAX_MARK_BYTES);
        while !source.bytes.is_char_boundary_at(end) {
            end -= 1;
        }
        let first = source.line_col(start).line;
        let mut last = if end > start {
            source.line_col(end - 1).line
        } else {
            first
        };
        if last - first >= MAX_SPAN_LINES {
            last = first;
            end = source.line_span(first).end.max(start);
        }
        Mark {
            kind,
            label,
            start,
            end,
            first,
            last,
        }
    };
    let mut marks = vec![mark(span, AnnotationKind::Primary, d.label.as_deref())];
    marks.extend(
        d.secondary
            .iter()
            .map(|l| mark(&l.span, AnnotationKind::Context, Some(l.message.as_str()))),
    );
    marks.sort_by_key(|m| (m.first, m.start));

    // Group marks whose lines are close; remember which group has the primary.
    let mut groups: Vec<Vec<Mark<'a>>> = Vec::new();
    for m in marks {
        match groups.last_mut() {
            Some(g) if m.first <= g.iter().map(|m| m.last).max().unwrap_or(0) + MERGE_GAP + 1 => {
                g.push(m)
            }
            _ => groups.push(vec![m]),
        }
    }
    let primary = groups
        .iter()
        .position(|g| g.iter().any(|m| m.kind == AnnotationKind::Primary))
        .unwrap_or(0);
    let first = groups.remove(primary);
    std::iter::once(first)
        .chain(groups)
        .map(|marks| window(source, text_start, marks))
        .collect()
}

fn window<'a>(source: &'a Source, text_start: usize, marks: Vec<Mark<'a>>) -> Window<'a> {
    let first_line = marks.iter().map(|m| m.first).min().unwrap_or(1);
    let last_line = marks.iter().map(|m| m.last).max().unwrap_or(first_line);
    let mut text = String::new();
    let mut lines = Vec::with_capacity(last_line - first_line + 1);
    for line in first_line..=last_line {
        let span = source.line_span(line);
        let start = span.start.max(text_start).min(span.end);
        // The rightmost annotation boundary on this line, if any.
        let rightmost = marks
            .iter()
            .flat_map(|m| {
                let s = (m.first == line).then_some(m.start);
                let e = (m.last == line).then_some(m.end);
                s.into_iter().chain(e)
            })
            .max()
            .unwrap_or(start)
            .clamp(start, span.end);
        let mut end = rightmost.saturating_add(LINE_CONTEXT).min(span.end);
        while end < span.end && is_continuation(source.bytes[end]) {
            end += 1;
        }
        lines.push((start..end, text.len()));
        push_decoded(&mut text, &source.bytes[start..end]);
        text.push('\n');
    }
    Window {
        source,
        first_line,
        text,
        lines,
        marks,
    }
}

fn is_continuation(byte: u8) -> bool {
    byte & 0b1100_0000 == 0b1000_0000
}

/// Appends `bytes` as text, one U+FFFD for each invalid byte.
fn push_decoded(text: &mut String, bytes: &[u8]) {
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        for _ in chunk.invalid() {
            text.push(char::REPLACEMENT_CHARACTER);
        }
    }
}

/// The length of what [`push_decoded`] appends for `bytes`.
fn decoded_len(bytes: &[u8]) -> usize {
    bytes
        .utf8_chunks()
        .map(|c| c.valid().len() + c.invalid().len() * char::REPLACEMENT_CHARACTER.len_utf8())
        .sum()
}

/// The last line: `error: 2 errors and 1 warning in 5 files checked`, or
/// `checked 5 files: no problems found`.
fn summary(report: &Report, color: bool, out: &mut dyn io::Write) -> io::Result<()> {
    counts(report, color, out)?;
    if let Some(history) = &report.history {
        writeln!(out, "{history}")?;
    }
    Ok(())
}

fn counts(report: &Report, color: bool, out: &mut dyn io::Write) -> io::Result<()> {
    let (errors, warnings) = (report.errors(), report.warnings());
    let files = plural(report.files_checked, "file", "files");
    let (level, style) = match (errors, warnings) {
        (0, 0) => return writeln!(out, "checked {files}: no problems found"),
        (0, _) => ("warning", DEFAULT_WARNING_STYLE),
        _ => ("error", DEFAULT_ERROR_STYLE),
    };
    let counts = match (errors, warnings) {
        (e, 0) => plural(e, "error", "errors"),
        (0, w) => plural(w, "warning", "warnings"),
        (e, w) => format!(
            "{} and {}",
            plural(e, "error", "errors"),
            plural(w, "warning", "warnings")
        ),
    };
    let message = format!("{counts} in {files} checked");
    if color {
        let bold = Style::new().effects(Effects::BOLD);
        writeln!(out, "{style}{level}{style:#}{bold}: {message}{bold:#}")
    } else {
        writeln!(out, "{level}: {message}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Label;
    use crate::render::fixture::{self, KEY_CREATIVE_ELEMENT, find};

    fn human(report: &Report) -> String {
        let mut out = Vec::new();
        render(report, false, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// A report with one file and one diagnostic on it.
    fn one(path: &str, bytes: &[u8], span: Span) -> (Report, Diagnostic) {
        let mut report = Report {
            files_checked: 1,
            ..Report::default()
        };
        report
            .sources
            .insert(path.into(), Source::new(path, bytes.to_vec()));
        let mut d = fixture::diagnostic(Some(&KEY_CREATIVE_ELEMENT), Severity::Error, path);
        d.message = "bad value".into();
        d.span = Some(span);
        d.label = Some("here".into());
        (report, d)
    }

    fn with(mut report: Report, d: Diagnostic) -> String {
        report.diagnostics.push(d);
        human(&report)
    }

    #[test]
    fn header_agrees_with_line_col_after_multibyte_and_invalid_bytes() {
        let report = fixture::report();
        let out = human(&report);
        for d in &report.diagnostics[..2] {
            let at = report.sources[&d.path].line_col(d.span.clone().unwrap().start);
            assert!(
                out.contains(&format!(" --> {}:{}:{}\n", d.path, at.line, at.column)),
                "{out}"
            );
        }
    }

    #[test]
    fn crlf_lines_are_the_files_lines() {
        let bytes = b"a: 1\r\nb: 2\r\nc: 3\r\n";
        let (report, d) = one("x.yaml", bytes, find(bytes, "3"));
        let out = with(report, d);
        assert!(out.contains(" --> x.yaml:3:4\n"), "{out}");
        assert!(out.contains("3 | c: 3\n  |    ^ here\n"), "{out}");
        assert!(!out.contains('\r'), "{out:?}");
    }

    #[test]
    fn lone_cr_ends_a_line() {
        let bytes = b"a: 1\rb: 2\rc: 3\r";
        let (report, d) = one("x.yaml", bytes, find(bytes, "b"));
        let out = with(report, d);
        assert!(out.contains(" --> x.yaml:2:1\n"), "{out}");
        assert!(out.contains("2 | b: 2\n  | ^ here\n"), "{out}");
    }

    #[test]
    fn empty_span_still_has_a_caret() {
        let bytes = b"key: value\nnext: 1\n";
        // At the end of the first line, before its newline.
        let (report, d) = one("x.yaml", bytes, 10..10);
        let out = with(report, d);
        assert!(out.contains(" --> x.yaml:1:11\n"), "{out}");
        assert!(
            out.contains("1 | key: value\n  |           ^ here\n"),
            "{out}"
        );
    }

    #[test]
    fn bom_does_not_shift_the_caret() {
        let bytes = b"\xEF\xBB\xBFtitle: x\n";
        let (report, d) = one("x.yaml", bytes, find(bytes, "title"));
        let column = report.sources["x.yaml"].line_col(3).column;
        let out = with(report, d);
        assert!(out.contains(&format!(" --> x.yaml:1:{column}\n")), "{out}");
        assert!(out.contains("  | ^^^^^ here\n"), "{out}");
    }

    #[test]
    fn secondary_labels_near_and_far() {
        let mut bytes = b"id: u1\nkind: main\n".to_vec();
        bytes.extend(b"filler: x\n".repeat(100));
        bytes.extend(b"id: u1\n");
        let primary = bytes.len() - 3..bytes.len() - 1;
        let (report, mut d) = one("x.yaml", &bytes, primary);
        d.secondary.push(Label {
            span: 4..6,
            message: "first declared here".into(),
        });
        d.secondary.push(Label {
            span: find(&bytes, "main"),
            message: "of this kind".into(),
        });
        let out = with(report, d);
        // The primary's window comes first, the far one after it.
        let primary_at = out.find(" --> x.yaml:103:5\n").expect(&out);
        let far_at = out.find("::: x.yaml:1:5\n").expect(&out);
        assert!(primary_at < far_at, "{out}");
        assert!(
            out.contains("1 | id: u1\n    |     -- first declared here\n"),
            "{out}"
        );
        assert!(
            out.contains("2 | kind: main\n    |       ---- of this kind\n"),
            "{out}"
        );
        assert!(!out.contains("filler"), "{out}");
    }

    #[test]
    fn only_the_lines_around_the_span_are_read() {
        let mut bytes = b"x: 1\n".repeat(100_000);
        let at = bytes.len() / 2;
        bytes.extend(b"invalid \xFF\xFE end\n");
        let (report, d) = one("big.yaml", &bytes, at..at + 1);
        let source = &report.sources["big.yaml"];
        let ws = windows(&d, d.span.as_ref().unwrap(), source);
        assert_eq!(ws.len(), 1);
        assert_eq!(ws[0].first_line, 50_001);
        assert_eq!(ws[0].text, "x: 1\n");
        let out = with(report, d);
        assert!(out.contains(" --> big.yaml:50001:1\n"), "{out}");
        assert!(out.contains("50001 | x: 1\n      | ^ here\n"), "{out}");
    }

    #[test]
    fn long_span_shows_its_first_line() {
        let bytes = b"a: |\n"
            .iter()
            .copied()
            .chain(b"  text\n".repeat(200))
            .collect::<Vec<_>>();
        let (report, d) = one("x.yaml", &bytes, 3..bytes.len());
        let source = &report.sources["x.yaml"];
        let ws = windows(&d, d.span.as_ref().unwrap(), source);
        assert_eq!(ws[0].text, "a: |\n");
        let out = with(report, d);
        assert!(out.contains("1 | a: |\n  |    ^ here\n"), "{out}");
    }

    #[test]
    fn long_line_is_cut_after_the_span() {
        let mut bytes = b"key: ".to_vec();
        bytes.extend("é".repeat(5_000).as_bytes());
        let (report, d) = one("x.json", &bytes, 0..3);
        let source = &report.sources["x.json"];
        let ws = windows(&d, d.span.as_ref().unwrap(), source);
        assert!(
            ws[0].text.len() <= 3 + LINE_CONTEXT + 2,
            "{}",
            ws[0].text.len()
        );
        let out = with(report, d);
        assert!(out.contains(" --> x.json:1:1\n"), "{out}");
        assert!(out.contains("  | ^^^ here\n"), "{out}");
    }

    #[test]
    fn spans_past_the_end_are_clamped() {
        let bytes = b"a: 1\n";
        let (report, d) = one("x.yaml", bytes, 3..99);
        let out = with(report, d);
        assert!(out.contains("1 | a: 1\n  |    ^ here\n"), "{out}");
    }

    #[test]
    fn empty_file_and_bom_only_file() {
        for bytes in [&b""[..], b"\xEF\xBB\xBF"] {
            let (report, d) = one("x.yaml", bytes, 0..0);
            let out = with(report, d);
            assert!(out.contains(" --> x.yaml:1:1\n"), "{out}");
            assert!(out.contains("  | ^ here\n"), "{out}");
        }
    }

    #[test]
    fn missing_source_and_whole_file_print_the_path_only() {
        let mut report = Report::default();
        let mut d = fixture::diagnostic(Some(&KEY_CREATIVE_ELEMENT), Severity::Error, "gone.yaml");
        d.message = "bad".into();
        d.span = Some(0..1);
        report.diagnostics.push(d);
        let out = human(&report);
        assert_eq!(
            out,
            "error[GA201]: bad\n--> gone.yaml\n |\n = note: from policy pack `netflix-2025-08`\n\n\
             error: 1 error in 0 files checked\n"
        );
    }

    #[test]
    fn untrusted_text_cannot_inject_escapes() {
        let bytes = b"a: \x1b[31mred\n";
        let (report, mut d) = one("x.yaml", bytes, find(bytes, "red"));
        d.message = "value \x1b[2J".into();
        d.notes.push("note \x1b[2J".into());
        let out = with(report, d);
        assert!(!out.contains('\x1b'), "{out:?}");
    }

    #[test]
    fn a_pack_rule_says_its_pack_after_the_guideline() {
        let note_lines = |d: Diagnostic| {
            let mut report = Report::default();
            report.diagnostics.push(d);
            human(&report)
                .lines()
                .filter(|l| l.contains("= note:"))
                .map(str::to_owned)
                .collect::<Vec<_>>()
        };
        let rule = &KEY_CREATIVE_ELEMENT;
        let mut d = fixture::diagnostic(Some(rule), Severity::Error, "a.yaml");
        d.notes = vec![rule.guideline.into(), "another".into()];
        assert_eq!(
            note_lines(d.clone()),
            [
                " = note: guideline 4.2: key creative elements need written approval \
                 (policy pack `netflix-2025-08`)",
                " = note: another"
            ]
        );
        // Without the guideline note, a note of its own, first.
        d.notes.remove(0);
        assert_eq!(
            note_lines(d.clone()),
            [
                " = note: from policy pack `netflix-2025-08`",
                " = note: another"
            ]
        );
        d.notes.clear();
        assert_eq!(
            note_lines(d),
            [" = note: from policy pack `netflix-2025-08`"]
        );
        // aiclear's own checks come from no pack.
        let own = &fixture::MISSING_DECLARATION;
        let mut d = fixture::diagnostic(Some(own), Severity::Warning, "a.yaml");
        d.notes = vec![own.guideline.into()];
        assert_eq!(
            note_lines(d),
            [" = note: guideline 2.1: every use is declared"]
        );
    }

    #[test]
    fn summary_wording() {
        let mut report = Report {
            files_checked: 1,
            ..Report::default()
        };
        assert_eq!(human(&report), "checked 1 file: no problems found\n");
        let mut d = fixture::diagnostic(None, Severity::Warning, "");
        d.message = "w".into();
        report.diagnostics.push(d.clone());
        assert!(human(&report).ends_with("\nwarning: 1 warning in 1 file checked\n"));
        d.severity = Severity::Error;
        report.diagnostics.push(d.clone());
        report.diagnostics.push(d);
        assert!(
            human(&report).ends_with("\nerror: 2 errors and 1 warning in 1 file checked\n"),
            "{}",
            human(&report)
        );
    }

    fn missing(path: &str, severity: Severity) -> Diagnostic {
        use crate::rules::missing_declaration::{MISSING_DECLARATION, annotate_help};
        let mut d = fixture::diagnostic(Some(&MISSING_DECLARATION), severity, path);
        d.message = "file has no generative-AI declaration".into();
        d.notes = vec!["guideline".into(), format!("or by hand: {path}")];
        d.help = Some(annotate_help(path));
        d
    }

    #[test]
    fn many_missing_declarations_share_one_heading() {
        let mut report = Report {
            files_checked: 60,
            ..Report::default()
        };
        for i in 0..52 {
            report
                .diagnostics
                .push(missing(&format!("s/ep{i:02}.fountain"), Severity::Error));
        }
        // A sidecar that does not declare is annotated through its file.
        report
            .diagnostics
            .push(missing("v/a.exr.genai.yml", Severity::Error));
        // Of another severity, and too few: one by one.
        report
            .diagnostics
            .push(missing("w/b.fountain", Severity::Warning));
        let out = human(&report);
        assert_eq!(out.matches("error[GA001]").count(), 1, "{out}");
        assert!(
            out.starts_with("error[GA001]: 53 files have no generative-AI declaration\n--> s/ep00.fountain\n::: s/ep01.fountain\n"),
            "{out}"
        );
        assert!(out.contains("::: s/ep49.fountain\n |\n"), "{out}");
        assert!(!out.contains("s/ep50.fountain\n"), "{out}");
        // Only the notes they all share.
        assert!(out.contains(" = note: guideline\n"), "{out}");
        let group = out.split("warning[GA001]").next().unwrap();
        assert!(!group.contains("or by hand"), "{out}");
        assert!(
            out.contains("= note: and 3 more (`aiclear check --format short` lists each one)"),
            "{out}"
        );
        let command: Vec<String> = (0..52).map(|i| format!("s/ep{i:02}.fountain")).collect();
        assert!(
            out.contains(&format!(
                "= help: if none of them uses generative AI: `aiclear annotate --none {} v/a.exr`\n",
                command.join(" ")
            )),
            "{out}"
        );
        assert_eq!(
            out.matches("warning[GA001]: file has no").count(),
            1,
            "{out}"
        );
        assert!(
            out.ends_with("error: 53 errors and 1 warning in 60 files checked\n"),
            "{out}"
        );
    }

    #[test]
    fn color_only_when_asked() {
        let report = fixture::report();
        assert!(!human(&report).contains('\x1b'));
        let mut out = Vec::new();
        render(&report, true, &mut out).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(out.contains('\x1b'));
        assert!(out.ends_with(&format!(
            "{DEFAULT_ERROR_STYLE}error{DEFAULT_ERROR_STYLE:#}\u{1b}[1m: 2 errors and 2 warnings in 3 files checked\u{1b}[0m\n"
        )));
    }
}
