//! JPEG: the marker segments before the image data. XMP sits in APP1
//! (`http://ns.adobe.com/xap/1.0/`), extended XMP in further APP1 segments
//! (`http://ns.adobe.com/xmp/extension/`, by GUID and offset), a C2PA store
//! in APP11 JUMBF segments (`JP`, box instance, sequence number). The walk
//! stops at the first scan (SOS): the compressed image is never read.

use std::collections::BTreeMap;
use std::io;

use super::source::{At, MAX_STORE, MAX_XMP, Short, Source, be16, be32, size};
use super::{Record, jumbf};

const XMP: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
const EXTENDED: &[u8] = b"http://ns.adobe.com/xmp/extension/\0";
/// More segments than this before the image is not a JPEG a tool wrote.
const MAX_SEGMENTS: usize = 100_000;
const APP11: &str = "JPEG APP11";

/// One APP11 segment of a JUMBF box instance: its sequence number, where
/// its payload sits in the file and how long it is, and the payload's first
/// bytes (`JP`, instance, sequence, then the box header and description).
struct Part {
    seq: u32,
    at: u64,
    len: u64,
    head: Vec<u8>,
}

/// The APP11 segments of one JUMBF box instance.
type Parts = Vec<Part>;

/// Extended XMP by GUID: the full length and the parts by offset.
type Extended = BTreeMap<Vec<u8>, (u32, Vec<(u32, Vec<u8>)>)>;

pub fn walk<R: At>(src: &mut Source<R>, record: &mut Record) -> io::Result<()> {
    let mut jumbf: BTreeMap<u16, Parts> = BTreeMap::new();
    let mut extended = Extended::new();
    // Bytes kept for reassembly, bounded like the stores and packets.
    let (mut kept_jumbf, mut kept_extended) = (0u64, 0u64);
    if src.skip(2)?.is_err() {
        return Ok(());
    }
    for _ in 0..MAX_SEGMENTS {
        let Ok(marker) = marker(src)? else { break };
        match marker {
            0xD8 | 0x01 | 0xD0..=0xD7 => continue,
            0xD9 | 0xDA => break,
            _ => {}
        }
        let Ok(len) = src.array::<2>()? else { break };
        let len = u64::from(u16::from_be_bytes(len));
        if len < 2 {
            break;
        }
        let body_len = len - 2;
        if !matches!(marker, 0xE1 | 0xEB) {
            if src.skip(body_len)?.is_err() {
                break;
            }
            continue;
        }
        // The signature first: Exif and other APP1 segments are skipped.
        let start = src.pos();
        let Ok(head) = src.take(body_len.min(src.left()).min(EXTENDED.len() as u64))? else {
            break;
        };
        let ours = if marker == 0xEB {
            head.starts_with(b"JP")
        } else {
            head.starts_with(XMP) || head.starts_with(EXTENDED)
        };
        if !ours {
            if src.seek_to(start.saturating_add(body_len))?.is_err() {
                break;
            }
            continue;
        }
        let whole = start.saturating_add(body_len) <= src.len();
        if marker == 0xEB && whole {
            // The store is read where it lies once its segments are known.
            kept_jumbf += body_len;
            if kept_jumbf > MAX_STORE {
                record
                    .unreadable_store(APP11, format!("the segments hold over {}", size(MAX_STORE)));
                return Ok(());
            }
            app11(start, body_len, head, &mut jumbf);
            if src.seek_to(start + body_len)?.is_err() {
                break;
            }
            continue;
        }
        let _ = src.seek_to(start)?;
        let Ok(body) = src.take(body_len.min(src.left()))? else {
            break;
        };
        if !whole {
            let reason = format!(
                "the segment claims {} past the end of the file",
                size(body_len)
            );
            if marker == 0xEB {
                record.unreadable_store(APP11, reason);
            } else {
                record.unreadable_xmp("JPEG APP1", reason);
            }
            break;
        }
        if let Some(packet) = body.strip_prefix(XMP) {
            record.xmp(packet, "JPEG APP1");
        } else if let Some(part) = body.strip_prefix(EXTENDED) {
            kept_extended += body_len;
            if kept_extended > MAX_XMP {
                let reason = format!("the segments hold over {}", size(MAX_XMP));
                record.unreadable_xmp("JPEG APP1 extended XMP", reason);
                extended.clear();
                kept_extended = 0;
                continue;
            }
            extended_part(part, &mut extended);
        }
    }
    for (guid, (full, parts)) in extended {
        match reassemble_xmp(full, parts) {
            Ok(packet) => record.xmp(&packet, "JPEG APP1 extended XMP"),
            Err(reason) => {
                let guid = String::from_utf8_lossy(&guid).into_owned();
                record.unreadable_xmp("JPEG APP1 extended XMP", format!("{reason} (GUID {guid})"));
            }
        }
    }
    for parts in jumbf.into_values() {
        match reassemble_store(parts) {
            Ok(Some(pieces)) => jumbf::read_pieces_at(src, pieces, APP11, record)?,
            Ok(None) => {}
            Err(reason) => record.unreadable_store(APP11, reason),
        }
    }
    Ok(())
}

/// The next marker code, past any fill bytes.
fn marker<R: At>(src: &mut Source<R>) -> io::Result<Result<u8, Short>> {
    let Ok([ff]) = src.array::<1>()? else {
        return Ok(Err(Short));
    };
    if ff != 0xFF {
        return Ok(Err(Short));
    }
    loop {
        match src.array::<1>()? {
            Ok([0xFF]) => continue,
            Ok([code]) => return Ok(Ok(code)),
            Err(short) => return Ok(Err(short)),
        }
    }
}

/// Files an APP11 segment under its box instance.
fn app11(at: u64, len: u64, head: Vec<u8>, jumbf: &mut BTreeMap<u16, Parts>) {
    if len < 16 || !head.starts_with(b"JP") {
        return;
    }
    let (Some(instance), Some(seq)) = (be16(&head, 2), be32(&head, 4)) else {
        return;
    };
    jumbf
        .entry(instance)
        .or_default()
        .push(Part { seq, at, len, head });
}

/// Where the JUMBF box of one instance's segments lies, piece by piece in
/// sequence, or `None` when it is not a C2PA store. The first segment
/// carries the box header; the others repeat it (8 bytes) before their
/// share of the payload.
fn reassemble_store(mut parts: Parts) -> Result<Option<Vec<(u64, u64)>>, String> {
    parts.sort_by_key(|p| p.seq);
    let first = parts[0].seq;
    if first != 1 {
        return Err("the first APP11 segment of the store is missing".to_owned());
    }
    // The superbox's description box (at byte 8 of the box, after the 8
    // bytes of `JP`, instance and sequence) has a type UUID starting `c2pa`.
    let head = &parts[0].head;
    if head.get(12..16) != Some(b"jumb") || head.get(24..28) != Some(b"c2pa") {
        return Ok(None);
    }
    let mut pieces = Vec::new();
    let mut total = 0u64;
    for (i, part) in parts.iter().enumerate() {
        if u64::from(part.seq) != u64::from(first) + i as u64 {
            return Err(format!(
                "APP11 segment {} of the store is missing or repeated",
                u64::from(first) + i as u64
            ));
        }
        let from = if i == 0 { 8 } else { 16 };
        total += part.len;
        if total > MAX_STORE {
            return Err(format!("the store is over {}", size(MAX_STORE)));
        }
        pieces.push((part.at + from, part.len - from));
    }
    Ok(Some(pieces))
}

/// Files an extended XMP segment under its GUID.
fn extended_part(part: &[u8], extended: &mut Extended) {
    if part.len() < 40 {
        return;
    }
    let guid = part[..32].to_vec();
    let (Some(full), Some(offset)) = (be32(part, 32), be32(part, 36)) else {
        return;
    };
    let entry = extended.entry(guid).or_insert((full, Vec::new()));
    entry.1.push((offset, part[40..].to_vec()));
}

/// The extended XMP packet from its parts, which must tile it.
fn reassemble_xmp(full: u32, mut parts: Vec<(u32, Vec<u8>)>) -> Result<Vec<u8>, String> {
    if u64::from(full) > MAX_XMP {
        return Err(format!("the packet claims {}", size(u64::from(full))));
    }
    parts.sort_by_key(|(offset, _)| *offset);
    let mut packet = Vec::with_capacity(full as usize);
    for (offset, data) in parts {
        if offset as usize != packet.len() {
            return Err(format!("the part at byte {offset} does not follow on"));
        }
        packet.extend_from_slice(&data);
        if packet.len() > full as usize {
            return Err("the parts run past the packet's length".to_owned());
        }
    }
    if packet.len() != full as usize {
        return Err("parts of the packet are missing".to_owned());
    }
    Ok(packet)
}

#[cfg(test)]
mod tests {
    use super::super::tests::{action_store, terms, xmp};
    use super::super::{Format, read_bytes};
    use super::*;

    fn segment(marker: u8, body: &[u8]) -> Vec<u8> {
        let mut out = vec![0xFF, marker];
        out.extend_from_slice(&((body.len() + 2) as u16).to_be_bytes());
        out.extend_from_slice(body);
        out
    }

    /// The store split into APP11 segments of at most `chunk` payload bytes.
    fn app11_segments(store: &[u8], chunk: usize) -> Vec<u8> {
        let mut out = Vec::new();
        let (header, payload) = store.split_at(8);
        for (i, part) in payload.chunks(chunk).enumerate() {
            let mut body = b"JP\x00\x01".to_vec();
            body.extend_from_slice(&(i as u32 + 1).to_be_bytes());
            body.extend_from_slice(header);
            body.extend_from_slice(part);
            out.extend(segment(0xEB, &body));
        }
        out
    }

    fn jpeg(segments: &[Vec<u8>]) -> Vec<u8> {
        let mut out = vec![0xFF, 0xD8];
        for s in segments {
            out.extend_from_slice(s);
        }
        out.extend(segment(0xDA, &[0; 10]));
        out.extend_from_slice(&[0x12; 100]);
        out.extend_from_slice(&[0xFF, 0xD9]);
        out
    }

    #[test]
    fn reads_xmp_and_a_store_split_over_segments() {
        let store = action_store(&[(
            "urn:c2pa:a",
            "gen/1",
            "c2pa.created",
            "trainedAlgorithmicMedia",
        )]);
        let mut app1 = XMP.to_vec();
        app1.extend(xmp("digitalCapture"));
        let file = jpeg(&[
            segment(0xE0, b"JFIF\0"),
            segment(0xE1, &app1),
            app11_segments(&store, 40),
        ]);
        let r = read_bytes(&file);
        assert_eq!(r.format, Some(Format::Jpeg));
        assert!(r.unreadable.is_empty(), "{:?}", r.unreadable);
        assert_eq!(terms(&r), ["digitalCapture", "trainedAlgorithmicMedia"]);
        assert_eq!(
            r.marks[0].place,
            "XMP `Iptc4xmpExt:DigitalSourceType` in JPEG APP1"
        );
        assert_eq!(r.marks[1].place, "C2PA `c2pa.created` action in JPEG APP11");
        assert_eq!(r.manifests[0].claim_generator.as_deref(), Some("gen/1"));
    }

    #[test]
    fn reassembles_extended_xmp_by_offset() {
        let packet = xmp("compositeWithTrainedAlgorithmicMedia");
        let (a, b) = packet.split_at(50);
        let part = |offset: usize, data: &[u8]| {
            let mut body = EXTENDED.to_vec();
            body.extend_from_slice(&[b'A'; 32]);
            body.extend_from_slice(&(packet.len() as u32).to_be_bytes());
            body.extend_from_slice(&(offset as u32).to_be_bytes());
            body.extend_from_slice(data);
            segment(0xE1, &body)
        };
        let r = read_bytes(&jpeg(&[part(50, b), part(0, a)]));
        assert_eq!(terms(&r), ["compositeWithTrainedAlgorithmicMedia"]);
        assert_eq!(
            r.marks[0].place,
            "XMP `Iptc4xmpExt:DigitalSourceType` in JPEG APP1 extended XMP"
        );
        let r = read_bytes(&jpeg(&[part(50, b)]));
        assert!(r.marks.is_empty() && !r.unreadable[0].c2pa);
    }

    #[test]
    fn hostile_segments_never_panic() {
        let store = action_store(&[("urn:c2pa:a", "g", "c2pa.created", "x")]);
        let segs = app11_segments(&store, 30);
        // A segment that claims more than the file holds.
        let mut cut = jpeg(std::slice::from_ref(&segs));
        cut.truncate(20);
        assert!(read_bytes(&cut).unreadable[0].c2pa);
        // A missing sequence number.
        let one = segment(
            0xEB,
            &[b"JP\x00\x01\x00\x00\x00\x01".to_vec(), store[..20].to_vec()].concat(),
        );
        let three = segment(
            0xEB,
            &[b"JP\x00\x01\x00\x00\x00\x03".to_vec(), store[..20].to_vec()].concat(),
        );
        let r = read_bytes(&jpeg(&[one, three]));
        assert!(
            r.unreadable[0].reason.contains("segment 2"),
            "{:?}",
            r.unreadable
        );
        // Zero and one-byte lengths, fill bytes, a stray byte.
        for bytes in [
            vec![0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x00],
            vec![0xFF, 0xD8, 0xFF, 0xFF, 0xFF, 0xE1, 0x00, 0x01],
            vec![0xFF, 0xD8, 0x00, 0x00],
            vec![0xFF, 0xD8, 0xFF, 0xEB, 0xFF, 0xFF],
        ] {
            let r = read_bytes(&bytes);
            assert!(r.marks.is_empty());
        }
        // A JUMBF box that is not a C2PA store is not ours.
        let other = super::super::tests::superbox(b"json", "other", &[]);
        assert!(read_bytes(&jpeg(&[app11_segments(&other, 100)])).is_empty());
    }
}
