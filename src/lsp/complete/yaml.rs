//! The cursor's context in YAML, from indentation.
//!
//! A key sits at the column where its mapping's keys start. Walking up from
//! the cursor's line, a line at that column is a sibling (a key already
//! written); a `- ` line whose content starts there is the first line of a
//! list item, whose list belongs to the nearest line above at or left of
//! its dash that is not another item; a line further left is the key whose
//! value the mapping is. The chain of those keys, from the top, is the
//! mapping's [`Place`]. Blank and comment lines are skipped, deeper lines
//! (a sibling's value) too. Only a parent written as a bare `key:` counts:
//! a key with a value on its line has no block below it.
//!
//! The cursor's own line is read up to the cursor with the flow scanner,
//! starting from that block mapping, so `key: `, `- `, `tools: [{ name: x, `
//! and `elements: [crowd, ` all come out of the same reading.

use std::ops::Range;

use super::flow::{self, Frame};
use super::{Context, Found, Place, after_word};
use crate::declaration::fountain::Lines;

/// A non-blank, non-comment line above or below the cursor's.
#[derive(Debug)]
struct Line<'a> {
    /// Where its first mark is (its dash, for a list item).
    col: usize,
    /// Whether it is a list item (`- `).
    dash: bool,
    /// Where its content starts, after the dash.
    kcol: usize,
    /// The key it writes, if it is `key: ...`.
    key: Option<&'a str>,
    /// What follows the key's `:`, or the whole content when it has no key;
    /// without a comment and trimmed.
    rest: &'a str,
}

/// The width of the blanks `s` starts with.
fn indent(s: &str) -> usize {
    s.len() - s.trim_start_matches([' ', '\t']).len()
}

/// Whether `s` (after indentation) opens a list item: `- ` or a lone `-`.
fn dash_width(s: &str, lone: bool) -> Option<usize> {
    let rest = s.strip_prefix('-')?;
    if rest.starts_with([' ', '\t']) || (lone && rest.is_empty()) {
        Some(1 + indent(rest))
    } else {
        None
    }
}

impl<'a> Line<'a> {
    fn parse(s: &'a str) -> Option<Self> {
        let col = indent(s);
        let mark = &s[col..];
        if mark.is_empty() || mark.starts_with('#') {
            return None;
        }
        let (dash, kcol) = match dash_width(mark, true) {
            Some(w) => (true, col + w),
            None => (false, col),
        };
        let body = without_comment(&s[kcol..]).trim_end();
        let (key, rest) = split_key(body);
        Some(Line {
            col,
            dash,
            kcol,
            key,
            rest,
        })
    }

    /// The key whose value is the block below: a `key:` with nothing after.
    fn block_key(&self) -> Option<&'a str> {
        self.key.filter(|_| self.rest.is_empty())
    }

    /// A list item's scalar (`- crowd`), unquoted.
    fn item(&self) -> Option<&'a str> {
        match self.key {
            None if !self.rest.is_empty() => Some(unquote(self.rest)),
            _ => None,
        }
    }
}

fn unquote(s: &str) -> &str {
    for q in ['"', '\''] {
        if let Some(inner) = s.strip_prefix(q).and_then(|s| s.strip_suffix(q)) {
            return inner;
        }
    }
    s
}

/// `s` without a trailing ` # comment`; quotes that open a scalar are
/// followed, an apostrophe inside a word is not one.
fn without_comment(s: &str) -> &str {
    let b = s.as_bytes();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let starts = i == 0 || matches!(b[i - 1], b' ' | b'\t' | b'[' | b'{' | b',' | b':');
        match quote {
            Some(b'"') if c == b'\\' => i += 1,
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == b'#' && (i == 0 || b[i - 1].is_ascii_whitespace()) => return &s[..i],
            None if matches!(c, b'"' | b'\'') && starts => quote = Some(c),
            None => {}
        }
        i += 1;
    }
    s
}

/// `key: rest` split at the key's `:`; a body with no key is all rest.
fn split_key(body: &str) -> (Option<&str>, &str) {
    let quoted = ['"', '\'']
        .into_iter()
        .find(|&q| body.starts_with(q))
        .and_then(|q| {
            body[1..]
                .find(q)
                .map(|end| (&body[1..=end], &body[end + 2..]))
        });
    let (key, after) = match quoted {
        Some((key, after)) => match after.trim_start().strip_prefix(':') {
            Some(after) => (key, after),
            None => return (None, body),
        },
        None => {
            let b = body.as_bytes();
            let colon = (0..b.len())
                .find(|&i| b[i] == b':' && b.get(i + 1).is_none_or(|n| n.is_ascii_whitespace()));
            match colon {
                Some(i) if !body.starts_with(['[', '{']) => (body[..i].trim_end(), &body[i + 1..]),
                _ => return (None, body),
            }
        }
    };
    if !after.is_empty() && !after.starts_with([' ', '\t']) {
        return (None, body);
    }
    (Some(key).filter(|k| !k.is_empty()), after.trim())
}

/// The line that owns the list whose items' dashes are at column `dc`,
/// among `lines` (those above an item): the nearest at or left of it that
/// is not another item, or further in.
fn list_owner(lines: &[Line<'_>], dc: usize) -> Option<usize> {
    lines
        .iter()
        .rposition(|l| l.col < dc || (l.col == dc && !l.dash))
}

/// The place of the mapping whose keys sit at column `kc`, read from
/// `lines` (those above the cursor's), and the keys written in it there.
fn mapping<'a>(lines: &[Line<'a>], kc: usize) -> Option<(Place, Vec<&'a str>)> {
    let mut written = Vec::new();
    // The keys from the mapping up, the innermost first.
    let mut chain = Vec::new();
    let (mut end, mut kc, mut first) = (lines.len(), kc, true);
    while end > 0 {
        end -= 1;
        let l = &lines[end];
        let item = l.dash && l.kcol == kc && l.col < kc;
        if (!l.dash && l.col == kc) || item {
            if first {
                written.extend(l.key);
            }
            if !item {
                continue;
            }
            // The mapping is a list item: on to the list's owner.
            end = list_owner(&lines[..end], l.col)?;
        } else if l.col >= kc {
            continue;
        }
        let owner = &lines[end];
        chain.push(owner.block_key()?);
        (kc, first) = (owner.kcol, false);
        // The owner is a key of its own mapping: read it again as one.
        end += 1;
    }
    let place = chain.iter().rev().fold(Place::Root, |p, k| p.child(k));
    Some((place, written))
}

/// The keys written at column `kc` in the lines below the cursor's, up to
/// the end of its mapping.
fn keys_below<'a>(lines: &[Line<'a>], kc: usize) -> Vec<&'a str> {
    lines
        .iter()
        .take_while(|l| l.col >= kc)
        .filter(|l| !l.dash && l.col == kc)
        .filter_map(|l| l.key)
        .collect()
}

/// The items of the list whose dashes are at column `dc`, in `lines`,
/// up to its end.
fn items<'a, 'l>(lines: impl Iterator<Item = &'l Line<'a>>, dc: usize) -> Vec<&'a str>
where
    'a: 'l,
{
    lines
        .take_while(|l| l.col > dc || (l.col == dc && l.dash))
        .filter(|l| l.col == dc)
        .filter_map(Line::item)
        .collect()
}

/// The parsed lines of `text` between `from` and `to`.
fn lines_between(text: &str, from: usize, to: usize) -> Vec<Line<'_>> {
    Lines::new(text.as_bytes(), from)
        .take_while(|&(s, _, _)| s < to)
        .filter_map(|(s, e, _)| text.get(s..e.min(to)).and_then(Line::parse))
        .collect()
}

/// The context at `at` in the YAML of `region`, the word typed before the
/// cursor starting at `word`.
pub(super) fn context(
    text: &str,
    region: Range<usize>,
    word: usize,
    at: usize,
) -> Option<Found<'_>> {
    let bytes = text.as_bytes();
    let is_break = |b: &u8| matches!(b, b'\n' | b'\r');
    let start = region.start
        + bytes
            .get(region.start..word)?
            .iter()
            .rposition(is_break)
            .map_or(0, |i| i + 1);
    let end = at
        + bytes
            .get(at..region.end)?
            .iter()
            .position(is_break)
            .unwrap_or(region.end - at);
    let above = lines_between(text, region.start, start);
    let below = lines_between(text, end, region.end);
    let prefix = &text[start..word];
    let col = indent(prefix);
    let dash = dash_width(&prefix[col..], false);
    let kc = col + dash.unwrap_or(0);
    if dash.is_some() && dash_width(&prefix[kc..], false).is_some() {
        return None;
    }
    // The list the line is an item of: the place of its owner's mapping,
    // the owner's key, and the items written in it.
    let mut list = None;
    let (place, written) = if dash.is_some() {
        let owner = list_owner(&above, col)?;
        let (place, _) = mapping(&above[..=owner], above[owner].kcol)?;
        let key = above[owner].block_key()?;
        let mut written = items(above[owner + 1..].iter(), col);
        written.extend(items(below.iter(), col));
        list = Some((place, key, written));
        (place.child(key), keys_below(&below, kc))
    } else {
        let (place, mut written) = mapping(&above, kc)?;
        written.extend(keys_below(&below, kc));
        (place, written)
    };
    let scan = flow::scan(&prefix[kc..], Frame::map(place, false))?;
    let context = match (scan.at_line_start(), list) {
        // `- ` under a key whose value is not a list of mappings.
        (true, Some((owner, key, written))) if !matches!(owner.child(key), Place::In(_)) => {
            Context::Value {
                place: owner,
                key,
                written,
            }
        }
        (true, _) => Context::Key { place, written },
        (false, _) if scan.in_root() => scan.context("")?,
        (false, _) => scan.context(&text[after_word(text, at, scan.quote).min(end)..end])?,
    };
    Some(Found {
        context,
        quote: scan.quote,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_read_their_key_dash_and_comment() {
        let l = Line::parse("    - id: aria  # the slug").unwrap();
        assert_eq!((l.col, l.dash, l.kcol), (4, true, 6));
        assert_eq!((l.key, l.rest), (Some("id"), "aria"));
        let l = Line::parse("  uses:   # all of them").unwrap();
        assert_eq!(l.block_key(), Some("uses"));
        let l = Line::parse("  - \"main-character\"").unwrap();
        assert_eq!((l.key, l.item()), (None, Some("main-character")));
        let l = Line::parse("  \"genai\": none").unwrap();
        assert_eq!((l.key, l.rest), (Some("genai"), "none"));
        let l = Line::parse("  url: http://x, it's #1").unwrap();
        assert_eq!((l.key, l.rest), (Some("url"), "http://x, it's"));
        assert!(Line::parse("   # a comment").is_none());
        assert!(Line::parse(" \t ").is_none());
    }
}
