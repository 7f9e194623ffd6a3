//! OpenEXR: the header's attributes (`name\0type\0size value`), up to the
//! empty name that ends it (one header per part in a multi-part file);
//! the offset table and pixels are never read. OpenEXR has no specified
//! C2PA embedding, so a digital source type can only be a string
//! attribute's value: an IPTC URI, or an IPTC term written out.

use std::io;

use super::source::{At, Source, size};
use super::{Mark, Origin, Record};

/// A header longer than this is not one a tool wrote.
const MAX_HEADER: u64 = 16 << 20;
const MAX_ATTRIBUTES: usize = 10_000;
const MAX_PARTS: usize = 1_000;
/// String values longer than this are skipped (a preview, a script).
const MAX_VALUE: u64 = 1 << 20;
const MULTIPART: u32 = 0x1000;

pub fn walk<R: At>(src: &mut Source<R>, record: &mut Record) -> io::Result<()> {
    let Ok(head) = src.array::<8>()? else {
        return Ok(());
    };
    let flags = u32::from_le_bytes([head[4], head[5], head[6], head[7]]);
    let parts = if flags & MULTIPART != 0 { MAX_PARTS } else { 1 };
    let mut attributes = 0usize;
    for _ in 0..parts {
        let mut first = true;
        loop {
            if src.pos() > MAX_HEADER {
                return Ok(());
            }
            let Some(name) = zstring(src)? else {
                return Ok(());
            };
            if name.is_empty() {
                break;
            }
            first = false;
            attributes += 1;
            if attributes > MAX_ATTRIBUTES {
                return Ok(());
            }
            let Some(kind) = zstring(src)? else {
                return Ok(());
            };
            let Ok(len) = src.array::<4>()? else {
                return Ok(());
            };
            let len = u64::from(u32::from_le_bytes(len));
            if len > src.left() {
                let reason = format!("the attribute claims {}", size(len));
                record.unreadable.push(super::Unreadable {
                    place: format!("OpenEXR header attribute `{name}`"),
                    reason,
                    c2pa: false,
                });
                return Ok(());
            }
            let start = src.pos();
            if matches!(kind.as_str(), "string" | "stringvector")
                && len <= MAX_VALUE
                && let Ok(value) = src.take(len)?
            {
                let place = format!("OpenEXR header attribute `{name}`");
                for text in strings(&kind, &value) {
                    for found in source_types_in(&text) {
                        record.marks.push(Mark::new(&found, place.clone(), false));
                    }
                }
            }
            if src.seek_to(start + len)?.is_err() {
                return Ok(());
            }
        }
        // An empty header ends the list of parts.
        if first {
            break;
        }
    }
    Ok(())
}

/// A NUL-terminated name of at most 255 bytes, or `None` when the file
/// ends first or the name runs on.
fn zstring<R: At>(src: &mut Source<R>) -> io::Result<Option<String>> {
    let mut out = Vec::new();
    loop {
        let Ok([b]) = src.array::<1>()? else {
            return Ok(None);
        };
        if b == 0 {
            return Ok(Some(String::from_utf8_lossy(&out).into_owned()));
        }
        if out.len() == 255 {
            return Ok(None);
        }
        out.push(b);
    }
}

/// The texts of a `string` (the bytes) or `stringvector` (length-prefixed
/// strings) value.
fn strings(kind: &str, value: &[u8]) -> Vec<String> {
    if kind == "string" {
        return vec![String::from_utf8_lossy(value).into_owned()];
    }
    let mut out = Vec::new();
    let mut rest = value;
    while let Some(len) = super::source::get::<4>(rest, 0).map(u32::from_le_bytes) {
        let Some(s) = rest.get(4..4 + len as usize) else {
            break;
        };
        out.push(String::from_utf8_lossy(s).into_owned());
        rest = &rest[4 + len as usize..];
    }
    out
}

/// The digital source types a free text gives: each IPTC URI
/// (`…/digitalsourcetype/term`) in it; else each IPTC term written as a
/// word, a one-word term (`print`, `composite`) only when it is the whole
/// text.
pub fn source_types_in(text: &str) -> Vec<String> {
    const NEEDLE: &str = "digitalsourcetype/";
    let lower = text.to_ascii_lowercase();
    let mut uris = Vec::new();
    let mut from = 0;
    while let Some(i) = lower[from..].find(NEEDLE) {
        let at = from + i;
        let end = at + NEEDLE.len();
        let term_len = text[end..]
            .bytes()
            .take_while(u8::is_ascii_alphabetic)
            .count();
        let begin = text[..at]
            .rfind(|c: char| c.is_whitespace() || "\"'<>=(),;".contains(c))
            .map_or(0, |b| b + 1);
        if term_len > 0 {
            uris.push(text[begin..end + term_len].to_owned());
        }
        from = end + term_len;
    }
    if !uris.is_empty() {
        return uris;
    }
    let whole = text.trim();
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| Origin::of(w) != Origin::Unrecognised)
        .filter(|w| w.bytes().any(|b| b.is_ascii_uppercase()) || *w == whole)
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::tests::terms;
    use super::super::{Format, read_bytes};
    use super::*;

    fn attr(name: &str, kind: &str, value: &[u8]) -> Vec<u8> {
        let mut out = format!("{name}\0{kind}\0").into_bytes();
        out.extend_from_slice(&(value.len() as u32).to_le_bytes());
        out.extend_from_slice(value);
        out
    }

    fn exr(flags: u32, attrs: &[Vec<u8>]) -> Vec<u8> {
        let mut out = vec![0x76, 0x2f, 0x31, 0x01];
        out.extend_from_slice(&(2 | flags).to_le_bytes());
        for a in attrs {
            out.extend_from_slice(a);
        }
        out.push(0);
        out.extend_from_slice(&[0xAB; 64]);
        out
    }

    #[test]
    fn reads_string_attributes_only() {
        let uri =
            b"made by http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia.";
        let file = exr(
            0,
            &[
                attr("channels", "chlist", b"R\0\0\0\0\0"),
                attr("comments", "string", uri),
                attr(
                    "owner",
                    "string",
                    b"Studio; compositeWithTrainedAlgorithmicMedia",
                ),
                attr("note", "string", b"print this frame"),
                attr("aiclear:dst", "string", b"digitalCapture"),
                attr("other", "int", b"trainedAlgorithmicMedia"),
            ],
        );
        let r = read_bytes(&file);
        assert_eq!(r.format, Some(Format::Exr));
        assert_eq!(
            terms(&r),
            [
                "trainedAlgorithmicMedia",
                "compositeWithTrainedAlgorithmicMedia",
                "digitalCapture"
            ]
        );
        assert_eq!(r.marks[0].place, "OpenEXR header attribute `comments`");
        assert_eq!(
            r.marks[0].value,
            "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
        );
    }

    #[test]
    fn reads_every_part_of_a_multipart_file() {
        let mut file = exr(MULTIPART, &[attr("name", "string", b"left")]);
        file.truncate(file.len() - 64);
        file.extend(attr("comments", "string", b"trainedAlgorithmicMedia"));
        file.extend_from_slice(&[0, 0]);
        assert_eq!(terms(&read_bytes(&file)), ["trainedAlgorithmicMedia"]);
    }

    #[test]
    fn hostile_headers_never_panic() {
        let mut giant = exr(0, &[attr("comments", "string", b"x")]);
        let at = 8 + "comments\0string\0".len();
        giant[at..at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        let r = read_bytes(&giant);
        assert_eq!(r.unreadable.len(), 1);
        let mut long_name = vec![0x76, 0x2f, 0x31, 0x01, 2, 0, 0, 0];
        long_name.extend_from_slice(&[b'a'; 10_000]);
        assert!(read_bytes(&long_name).is_empty());
        let endless = exr(0, &vec![attr("a", "int", &[0; 4]); 20_000]);
        assert!(read_bytes(&endless).is_empty());
        assert!(read_bytes(&[0x76, 0x2f, 0x31, 0x01]).is_empty());
    }
}
