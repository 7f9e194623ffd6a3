//! Just enough of a JSON scanner to insert a member into an object in place.
//!
//! It finds where objects open and close and where each member's key and
//! value lie, and nothing else: values are skipped, not decoded, so the
//! non-standard tokens OpenTimelineIO writes (`NaN`, `Infinity`, integers
//! wider than 64 bits) pass through untouched. Whether the result is valid is
//! left to the real parser, which reads every inserted file back.

use std::ops::Range;

/// One member of an object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    /// The key as written between its quotes (escapes not decoded).
    pub key: String,
    /// Byte offset of the key's opening quote.
    pub key_start: usize,
    /// Byte range of the value.
    pub value: Range<usize>,
}

/// An object: where its braces are, and its members.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Object {
    pub open: usize,
    pub close: usize,
    pub members: Vec<Member>,
}

impl Object {
    pub fn get(&self, key: &str) -> Option<&Member> {
        self.members.iter().find(|m| m.key == key)
    }
}

fn err(at: usize, what: &str) -> String {
    format!("{what} at byte {at}")
}

pub fn skip_ws(text: &[u8], mut i: usize) -> usize {
    while i < text.len() && matches!(text[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

/// `i` is at an opening quote; the offset after the closing quote.
fn skip_string(text: &[u8], mut i: usize) -> Result<usize, String> {
    let start = i;
    i += 1;
    while i < text.len() {
        match text[i] {
            b'\\' => i += 2,
            b'"' => return Ok(i + 1),
            _ => i += 1,
        }
    }
    Err(err(start, "unterminated string"))
}

/// The end of the value starting at `i`.
fn skip_value(text: &[u8], i: usize) -> Result<usize, String> {
    match text.get(i) {
        None => Err(err(i, "missing value")),
        Some(b'"') => skip_string(text, i),
        Some(b'{' | b'[') => {
            let mut depth = 0usize;
            let mut j = i;
            while j < text.len() {
                match text[j] {
                    b'"' => {
                        j = skip_string(text, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Ok(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            Err(err(i, "unclosed object or array"))
        }
        Some(_) => {
            let mut j = i;
            while j < text.len()
                && !matches!(text[j], b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
            {
                j += 1;
            }
            if j == i {
                Err(err(i, "missing value"))
            } else {
                Ok(j)
            }
        }
    }
}

/// The object whose `{` is at `open`.
pub fn object_at(text: &[u8], open: usize) -> Result<Object, String> {
    if text.get(open) != Some(&b'{') {
        return Err(err(open, "expected an object"));
    }
    let mut members = Vec::new();
    let mut i = skip_ws(text, open + 1);
    if text.get(i) == Some(&b'}') {
        return Ok(Object {
            open,
            close: i,
            members,
        });
    }
    loop {
        if text.get(i) != Some(&b'"') {
            return Err(err(i, "expected a key"));
        }
        let key_end = skip_string(text, i)?;
        let key = String::from_utf8_lossy(&text[i + 1..key_end - 1]).into_owned();
        let colon = skip_ws(text, key_end);
        if text.get(colon) != Some(&b':') {
            return Err(err(colon, "expected `:`"));
        }
        let vstart = skip_ws(text, colon + 1);
        let vend = skip_value(text, vstart)?;
        members.push(Member {
            key,
            key_start: i,
            value: vstart..vend,
        });
        let next = skip_ws(text, vend);
        match text.get(next) {
            Some(b',') => i = skip_ws(text, next + 1),
            Some(b'}') => {
                return Ok(Object {
                    open,
                    close: next,
                    members,
                });
            }
            _ => return Err(err(next, "expected `,` or `}`")),
        }
    }
}

/// The whitespace that separates members of `obj` before its last member
/// (after the comma, or after the `{` for a single member).
pub fn separator<'t>(text: &'t [u8], obj: &Object) -> Option<&'t [u8]> {
    let last = obj.members.last()?;
    let from = match obj.members.len() {
        1 => obj.open + 1,
        n => {
            let comma = skip_ws(text, obj.members[n - 2].value.end);
            comma + 1
        }
    };
    Some(&text[from..last.key_start])
}

/// The leading whitespace of the line that holds byte `at`.
pub fn line_indent(text: &[u8], at: usize) -> &[u8] {
    let start = text[..at]
        .iter()
        .rposition(|&b| b == b'\n' || b == b'\r')
        .map_or(0, |i| i + 1);
    let end = text[start..]
        .iter()
        .position(|&b| b != b' ' && b != b'\t')
        .map_or(text.len(), |i| start + i);
    &text[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_and_separators() {
        let text =
            b"{\n  \"a\": NaN,\n  \"metadata\": {\"x\": [1, \"}\"]},\n  \"b\": -Infinity\n}\n";
        let o = object_at(text, 0).unwrap();
        assert_eq!(
            o.members.iter().map(|m| m.key.as_str()).collect::<Vec<_>>(),
            ["a", "metadata", "b"]
        );
        let m = o.get("metadata").unwrap();
        assert_eq!(&text[m.value.clone()], b"{\"x\": [1, \"}\"]}");
        assert_eq!(separator(text, &o), Some(&b"\n  "[..]));
        assert_eq!(line_indent(text, m.key_start), b"  ");
        let inner = object_at(text, m.value.start).unwrap();
        assert_eq!(separator(text, &inner), Some(&b""[..]));
        assert_eq!(o.close, text.len() - 2);
    }

    #[test]
    fn empty_and_broken() {
        assert!(object_at(b"{ }", 0).unwrap().members.is_empty());
        assert!(object_at(b"{\"a\" 1}", 0).is_err());
        assert!(object_at(b"{\"a\": ", 0).is_err());
        assert!(object_at(b"[1]", 0).is_err());
    }
}
