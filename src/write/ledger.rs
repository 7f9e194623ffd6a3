//! Appending an entry to the approvals ledger (`aiclear approve`).
//!
//! The ledger is a YAML list that people also edit by hand, with comments
//! and notes in their own style, so a new entry is appended as text at the end
//! of the file: the existing bytes are kept, the entry follows the file's line
//! ending and the indentation of its list, and every string that YAML could
//! read as something else is double-quoted. The result is read back with
//! [`crate::approvals::parse`] and the new entry must read back exactly as
//! written, without a finding, before it is returned.

use crate::approvals;
use crate::config::LEDGER_PATH;
use crate::declaration::Date;
use crate::source::Source;
use crate::write::{LineEnding, bom_len, ends_with_line_break, yaml_string};
use crate::yaml;

/// The comment a new ledger starts with.
pub const HEADER: &str = "\
# Written GenAI approvals.
#
# Each entry clears the approval-level findings it covers (path, use and rules).
# Add entries with `aiclear approve`, which also records a digest of each covered
# use so that any later change to that use makes the approval stale (GA504).
# Only the approvers listed in .aiclear/config.yml may add entries (GA601).
";

/// A ledger entry to write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewEntry {
    pub id: String,
    pub granted_by: String,
    pub granted_on: Date,
    pub expires_on: Option<Date>,
    pub document: Option<String>,
    pub note: Option<String>,
    pub covers: Vec<NewCover>,
}

/// What a new entry covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewCover {
    pub path: String,
    pub use_id: Option<String>,
    /// Rule codes; empty for every rule.
    pub rules: Vec<String>,
    pub digest: Option<String>,
}

impl NewEntry {
    /// The entry as YAML lines (`\n` line endings, no indentation).
    pub fn to_yaml(&self) -> String {
        let mut s = format!("- id: {}\n", yaml_string(&self.id));
        s.push_str(&format!(
            "  granted-by: {}\n",
            yaml_string(&self.granted_by)
        ));
        s.push_str(&format!("  granted-on: {}\n", self.granted_on));
        if let Some(d) = &self.expires_on {
            s.push_str(&format!("  expires-on: {d}\n"));
        }
        if let Some(d) = &self.document {
            s.push_str(&format!("  document: {}\n", yaml_string(d)));
        }
        if let Some(n) = &self.note {
            s.push_str(&format!("  note: {}\n", yaml_string(n)));
        }
        s.push_str("  covers:\n");
        for c in &self.covers {
            s.push_str(&format!("    - path: {}\n", yaml_string(&c.path)));
            if let Some(u) = &c.use_id {
                s.push_str(&format!("      use: {}\n", yaml_string(u)));
            }
            if !c.rules.is_empty() {
                let rules: Vec<String> = c.rules.iter().map(|r| yaml_string(r)).collect();
                s.push_str(&format!("      rules: [{}]\n", rules.join(", ")));
            }
            if let Some(d) = &c.digest {
                s.push_str(&format!("      digest: {}\n", yaml_string(d)));
            }
        }
        s
    }

    /// Whether a parsed ledger entry says exactly what this one says.
    fn reads_as(&self, e: &approvals::Entry) -> bool {
        let text = |v: &Option<crate::declaration::At<String>>| v.as_ref().map(|a| a.value.clone());
        !e.broken
            && e.id.value == self.id
            && text(&e.granted_by).as_deref() == Some(self.granted_by.as_str())
            && e.granted_on.as_ref().map(|d| d.value) == Some(self.granted_on)
            && e.expires_on.as_ref().map(|d| d.value) == self.expires_on
            && text(&e.document) == self.document
            && text(&e.note) == self.note
            && e.covers.len() == self.covers.len()
            && e.covers.iter().zip(&self.covers).all(|(got, want)| {
                got.path.value == want.path
                    && text(&got.use_id) == want.use_id
                    && got
                        .rules
                        .iter()
                        .map(|r| r.value.as_str())
                        .eq(want.rules.iter().map(String::as_str))
                    && text(&got.digest) == want.digest
            })
    }
}

/// The ledger with `entry` appended; `existing` is the current file, if any.
/// An error says why the entry cannot be appended safely.
pub fn append(existing: Option<&[u8]>, entry: &NewEntry) -> Result<Vec<u8>, String> {
    let mut out: Vec<u8>;
    let le;
    let mut indent = String::new();
    match existing {
        None => {
            out = HEADER.as_bytes().to_vec();
            out.push(b'\n');
            le = LineEnding::Lf;
        }
        Some(bytes) => {
            let text = std::str::from_utf8(bytes)
                .map_err(|_| format!("`{LEDGER_PATH}` is not valid UTF-8"))?;
            let start = bom_len(bytes);
            let root = yaml::parse(&text[start..], start)
                .map_err(|e| format!("`{LEDGER_PATH}` is not valid YAML ({e}); fix it first"))?;
            let content = text[start..].lines().map(str::trim_end).find(|l| {
                let t = l.trim_start();
                !t.is_empty() && !t.starts_with('#') && !t.starts_with('%') && *l != "---"
            });
            let has_entries = match &root.value {
                yaml::Value::Null => false,
                // An empty flow list (`[]`) becomes an empty block list: the
                // `[]` goes, its comments stay.
                yaml::Value::Seq(items) if items.is_empty() => {
                    let Some(without) = without_empty_flow_list(text) else {
                        return Err(format!(
                            "`{LEDGER_PATH}` is written as a flow list (`[...]`); write it as a block list (`- id: ...`) to add entries"
                        ));
                    };
                    return append(Some(without.as_bytes()), entry);
                }
                yaml::Value::Seq(items) => {
                    let line = content.unwrap_or_default();
                    let t = line.trim_start();
                    if !(t == "-" || t.starts_with("- ") || t.starts_with("-\t")) {
                        return Err(format!(
                            "`{LEDGER_PATH}` is written as a flow list (`[...]`); write it as a block list (`- id: ...`) to add entries"
                        ));
                    }
                    indent = line[..line.len() - t.len()].to_owned();
                    if !indent.bytes().all(|b| b == b' ') {
                        return Err(format!(
                            "cannot tell the indentation of the list in `{LEDGER_PATH}`"
                        ));
                    }
                    !items.is_empty()
                }
                other => {
                    return Err(format!(
                        "`{LEDGER_PATH}` holds {}, not a list of approvals",
                        other.kind()
                    ));
                }
            };
            le = LineEnding::detect(bytes);
            out = bytes.to_vec();
            if !ends_with_line_break(bytes) {
                out.extend_from_slice(le.as_str().as_bytes());
            }
            // A blank line between entries, unless there is one already.
            let tail = &text[text.trim_end_matches(['\n', '\r', ' ', '\t']).len()..];
            let breaks = tail.matches("\r\n").count()
                + tail.replace("\r\n", "").matches(['\n', '\r']).count();
            let ends_blank = breaks >= 2;
            if has_entries && !ends_blank {
                out.extend_from_slice(le.as_str().as_bytes());
            }
        }
    }
    let yaml_text: String = entry
        .to_yaml()
        .split_inclusive('\n')
        .map(|l| format!("{indent}{l}"))
        .collect();
    out.extend_from_slice(le.apply(&yaml_text).as_bytes());

    let (ledger, _) = crate::rules::read_ledger(&Source::new(LEDGER_PATH, out.clone()));
    match ledger.get(&entry.id) {
        Some(e) if entry.reads_as(e) => Ok(out),
        Some(_) => Err(format!(
            "the new entry did not read back as written from `{LEDGER_PATH}`; nothing was written"
        )),
        None => Err(format!(
            "the new entry was not found when `{LEDGER_PATH}` was read back; nothing was written"
        )),
    }
}

/// `text` without the empty flow list `[]` that is its only content, when
/// that list is written on one line (spaces and a comment may follow it on
/// that line). Every other byte is kept; a line left blank goes whole.
fn without_empty_flow_list(text: &str) -> Option<String> {
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let t = body.trim_start_matches([' ', '\t', '\u{feff}']);
        if t.is_empty() || t.starts_with('#') || t.starts_with('%') || t == "---" {
            at += line.len();
            continue;
        }
        let open = at + (body.len() - t.len());
        let inner = t.strip_prefix('[')?;
        let after = inner.trim_start_matches([' ', '\t']).strip_prefix(']')?;
        let rest = after.trim_start_matches([' ', '\t']);
        if !(rest.is_empty() || rest.starts_with('#')) {
            return None;
        }
        let close = open + (t.len() - after.len());
        let kept_on_line = format!("{}{}", &text[at..open], &text[close..at + body.len()]);
        let mut out = text[..at].to_owned();
        if kept_on_line.trim().is_empty() {
            // The line held only the list: drop it with its line break.
        } else {
            out.push_str(kept_on_line.trim_start_matches([' ', '\t']));
            out.push_str(&line[body.len()..]);
        }
        out.push_str(&text[at + line.len()..]);
        return Some(out);
    }
    None
}

/// The ledger with the entry `entry.id` replaced by `entry`, in place: the
/// bytes before and after it are kept. An error says why it cannot be done
/// safely.
pub fn replace(existing: &[u8], entry: &NewEntry) -> Result<Vec<u8>, String> {
    let text =
        std::str::from_utf8(existing).map_err(|_| format!("`{LEDGER_PATH}` is not valid UTF-8"))?;
    let (ledger, _) = crate::rules::read_ledger(&Source::new(LEDGER_PATH, existing.to_vec()));
    let old = ledger
        .get(&entry.id)
        .ok_or_else(|| format!("approval `{}` is not in `{LEDGER_PATH}`", entry.id))?;
    // The item runs from the start of the line of its `- ` to the end of
    // the line its last value ends on.
    let spans = entry_spans(old);
    let (Some(first), Some(last)) = (
        spans.iter().map(|s| s.start).min(),
        spans.iter().map(|s| s.end).max(),
    ) else {
        return Err(format!(
            "cannot find approval `{}` in `{LEDGER_PATH}`",
            entry.id
        ));
    };
    let mut start = text[..first].rfind('\n').map_or(0, |i| i + 1);
    while !text[start..].trim_start_matches(' ').starts_with("- ") {
        if start == 0 {
            break;
        }
        start = text[..start - 1].rfind('\n').map_or(0, |i| i + 1);
    }
    let head = &text[start..];
    let item = head.trim_start_matches(' ');
    if !item.starts_with("- ") {
        return Err(format!(
            "approval `{}` is not written as a block list item (`- id: ...`) in `{LEDGER_PATH}`; edit it by hand",
            entry.id
        ));
    }
    let indent = &head[..head.len() - item.len()];
    let end = text[last..].find('\n').map_or(text.len(), |i| last + i + 1);
    let le = LineEnding::detect(existing);
    let yaml_text: String = entry
        .to_yaml()
        .split_inclusive('\n')
        .map(|l| format!("{indent}{l}"))
        .collect();
    let mut out = text.as_bytes()[..start].to_vec();
    out.extend_from_slice(le.apply(&yaml_text).as_bytes());
    if end == text.len() && !text.ends_with('\n') {
        // Keep a file that did not end in a line break that way.
        let trimmed = out.len() - le.as_str().len();
        out.truncate(trimmed);
    }
    out.extend_from_slice(&text.as_bytes()[end..]);
    // The entry reads back as written and every other entry as it was.
    let (after, _) = crate::rules::read_ledger(&Source::new(LEDGER_PATH, out.clone()));
    let others = |l: &approvals::Ledger| -> Vec<String> {
        l.entries
            .iter()
            .filter(|e| e.id.value != entry.id)
            .map(|e| e.content.clone())
            .collect()
    };
    match after.get(&entry.id) {
        Some(e)
            if entry.reads_as(e)
                && after.entries.len() == ledger.entries.len()
                && others(&after) == others(&ledger) =>
        {
            Ok(out)
        }
        _ => Err(format!(
            "the renewed entry did not read back as written from `{LEDGER_PATH}`; nothing was written"
        )),
    }
}

/// The spans of an entry's values.
fn entry_spans(e: &approvals::Entry) -> Vec<std::ops::Range<usize>> {
    let mut spans = vec![e.id.span.clone()];
    spans.extend(e.granted_by.iter().map(|a| a.span.clone()));
    spans.extend(e.granted_on.iter().map(|a| a.span.clone()));
    spans.extend(e.expires_on.iter().map(|a| a.span.clone()));
    spans.extend(e.document.iter().map(|a| a.span.clone()));
    spans.extend(e.note.iter().map(|a| a.span.clone()));
    for c in &e.covers {
        spans.push(c.path.span.clone());
        spans.extend(c.use_id.iter().map(|a| a.span.clone()));
        spans.extend(c.rules.iter().map(|a| a.span.clone()));
        spans.extend(c.digest.iter().map(|a| a.span.clone()));
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> NewEntry {
        NewEntry {
            id: "NFX-2025-0142".into(),
            granted_by: "mei.chen@netflix.example.com".into(),
            granted_on: "2025-09-05".parse().unwrap(),
            expires_on: Some("2027-12-31".parse().unwrap()),
            document: Some("legal/NFX 0142.pdf".into()),
            note: Some("line one\nline \"two\": # not a comment".into()),
            covers: vec![NewCover {
                path: "scripts/ep101.fountain".into(),
                use_id: Some("aria-design".into()),
                rules: vec!["GA201".into(), "GA203".into()],
                digest: Some(format!("sha256:{}", "0".repeat(64))),
            }],
        }
    }

    #[test]
    fn new_ledger() {
        let out = append(None, &entry()).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with(HEADER));
        assert!(text.contains("\n- id: NFX-2025-0142\n"), "{text}");
        assert!(text.contains("      rules: [GA201, GA203]\n"), "{text}");
    }

    #[test]
    fn appends_keeping_crlf_comments_and_indentation() {
        let old = "# approvals\r\n  - id: A-1 # first\r\n    granted-by: a@b.c\r\n    granted-on: 2025-01-01\r\n    covers: [{path: x.fountain}]";
        let out = append(Some(old.as_bytes()), &entry()).unwrap();
        assert!(out.starts_with(old.as_bytes()));
        let tail = String::from_utf8(out[old.len()..].to_vec()).unwrap();
        assert!(
            tail.starts_with("\r\n\r\n  - id: NFX-2025-0142\r\n"),
            "{tail:?}"
        );
        assert!(!tail.replace("\r\n", "").contains('\n'));
    }

    #[test]
    fn refuses_what_it_cannot_append_to() {
        assert!(append(Some(b"[{id: A}]\n"), &entry()).is_err());
        assert!(append(Some(b"[\n]\n"), &entry()).is_err());
        assert!(append(Some(b"a: 1\n"), &entry()).is_err());
        assert!(append(Some(b"- [\n"), &entry()).is_err());
        // An end-of-document marker: the entry would not read back.
        assert!(append(Some(b"- id: A\n  granted-by: a@b.c\n  granted-on: 2025-01-01\n  covers: [{path: x}]\n...\n"), &entry()).is_err());
        assert!(append(Some(b"# nothing yet\n"), &entry()).is_ok());
    }

    #[test]
    fn an_empty_flow_list_becomes_a_block_list() {
        let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
        let new = entry().to_yaml();
        assert_eq!(text(append(Some(b"[]\n"), &entry()).unwrap()), new);
        assert_eq!(text(append(Some(b"[]"), &entry()).unwrap()), new);
        let old = "# Written GenAI approvals.\r\n\r\n[ ]  # none yet\r\n# end\r\n";
        let out = text(append(Some(old.as_bytes()), &entry()).unwrap());
        assert_eq!(
            out,
            format!(
                "# Written GenAI approvals.\r\n\r\n# none yet\r\n# end\r\n{}",
                new.replace('\n', "\r\n")
            )
        );
        let old = "---\n[]\n";
        assert_eq!(
            text(append(Some(old.as_bytes()), &entry()).unwrap()),
            format!("---\n{new}")
        );
    }

    #[test]
    fn replaces_an_entry_in_place() {
        let old = "# approvals\r\n- id: A-1 # first\r\n  granted-by: a@b.c\r\n  granted-on: 2025-01-01\r\n  covers: [{path: x.fountain}]\r\n\r\n- id: NFX-2025-0142\r\n  granted-by: x@y.z\r\n  granted-on: 2024-01-01\r\n  covers: [{path: y.fountain}]\r\n# tail\r\n";
        let out = String::from_utf8(replace(old.as_bytes(), &entry()).unwrap()).unwrap();
        let before = "# approvals\r\n- id: A-1 # first\r\n  granted-by: a@b.c\r\n  granted-on: 2025-01-01\r\n  covers: [{path: x.fountain}]\r\n\r\n";
        assert!(out.starts_with(before), "{out:?}");
        assert!(out.ends_with("# tail\r\n"), "{out:?}");
        assert!(
            out.contains("- id: NFX-2025-0142\r\n  granted-by: mei.chen@netflix.example.com\r\n"),
            "{out:?}"
        );
        assert!(!out.contains("x@y.z"));
        assert!(replace(b"[{id: NFX-2025-0142, granted-by: a, granted-on: 2025-01-01, covers: [{path: x}]}]", &entry()).is_err());
    }
}
