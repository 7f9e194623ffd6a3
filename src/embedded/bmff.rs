//! ISO base media (MP4, MOV, HEIC, AVIF): top-level boxes, seeking past
//! `mdat` and every box that cannot hold provenance. A C2PA store is a
//! `uuid` box D8FEC3D6-1B0E-483C-9297-5828877EC481 (a full box, a purpose
//! string, a merkle offset, then the JUMBF store); XMP is a `uuid` box
//! BE7ACFCB-97A9-42E8-9C71-999491E3AFAC, `moov/udta/XMP_`, or in HEIF an
//! item of the `meta` box.

use std::io;

use super::source::{At, MAX_STORE, MAX_XMP, Source, be64, size, thousands};
use super::{Record, heif, jumbf};

const C2PA_UUID: [u8; 16] = [
    0xD8, 0xFE, 0xC3, 0xD6, 0x1B, 0x0E, 0x48, 0x3C, 0x92, 0x97, 0x58, 0x28, 0x87, 0x7E, 0xC4, 0x81,
];
const XMP_UUID: [u8; 16] = [
    0xBE, 0x7A, 0xCF, 0xCB, 0x97, 0xA9, 0x42, 0xE8, 0x9C, 0x71, 0x99, 0x94, 0x91, 0xE3, 0xAF, 0xAC,
];
const MAX_BOXES: usize = 100_000;
/// A HEIF `meta` box larger than this is not read (it lists items; the
/// image data sits in `mdat`).
const MAX_META: u64 = 4 << 20;
/// The C2PA box's purpose is looked for in this many bytes first.
const PURPOSE_WINDOW: u64 = 256;

/// How places name the file: `MP4`, `MOV`, `HEIC`, `AVIF`.
struct Walk<'a> {
    title: &'static str,
    record: &'a mut Record,
    boxes: usize,
}

pub fn walk<R: At>(src: &mut Source<R>, record: &mut Record) -> io::Result<()> {
    let Ok(head) = src.array::<12>()? else {
        return Ok(());
    };
    let title = match &head[8..12] {
        b"qt  " => "MOV",
        b"heic" | b"heix" | b"heim" | b"heis" | b"hevc" | b"mif1" | b"msf1" => "HEIC",
        b"avif" | b"avis" => "AVIF",
        _ => "MP4",
    };
    let _ = src.seek_to(0)?;
    let end = src.len();
    let mut w = Walk {
        title,
        record,
        boxes: 0,
    };
    boxes(src, end, &[], &mut w)
}

/// The boxes from the reader's position to `end`, inside `path`.
fn boxes<R: At>(src: &mut Source<R>, end: u64, path: &[&[u8; 4]], w: &mut Walk) -> io::Result<()> {
    while src.pos().saturating_add(8) <= end {
        w.boxes += 1;
        if w.boxes > MAX_BOXES {
            return Ok(());
        }
        let at = src.pos();
        let Ok(head) = src.array::<8>()? else {
            return Ok(());
        };
        let kind: [u8; 4] = [head[4], head[5], head[6], head[7]];
        let (header, len) = match u32::from_be_bytes([head[0], head[1], head[2], head[3]]) {
            0 => (8, end - at),
            1 => {
                let Ok(large) = src.array::<8>()? else {
                    return Ok(());
                };
                (16, u64::from_be_bytes(large))
            }
            n => (8, u64::from(n)),
        };
        let Some(box_end) = at.checked_add(len).filter(|&e| len >= header && e <= end) else {
            if kind == *b"uuid" {
                note_uuid(src, w, at, len)?;
            }
            return Ok(());
        };
        let body = len - header;
        match (&kind, path) {
            (b"uuid", _) => uuid(src, w, body)?,
            (b"moov", []) => boxes(src, box_end, &[b"moov"], w)?,
            (b"meta", []) => heif_xmp(src, w, body)?,
            (b"udta", [b"moov"]) => boxes(src, box_end, &[b"moov", b"udta"], w)?,
            (b"XMP_", [b"moov", b"udta"]) => {
                let carrier = format!("{} moov/udta/XMP_ box", w.title);
                if body > MAX_XMP {
                    w.record
                        .unreadable_xmp(&carrier, format!("the box claims {}", size(body)));
                } else if let Ok(packet) = src.take(body)? {
                    w.record.xmp(&packet, &carrier);
                }
            }
            _ => {}
        }
        if src.seek_to(box_end)?.is_err() {
            return Ok(());
        }
    }
    Ok(())
}

/// A top-level `meta` box of `body` bytes (HEIF): its XMP items.
fn heif_xmp<R: At>(src: &mut Source<R>, w: &mut Walk, body: u64) -> io::Result<()> {
    let carrier = format!("{} XMP item", w.title);
    if body > MAX_META {
        return Ok(());
    }
    let Ok(meta) = src.take(body)? else {
        return Ok(());
    };
    let extents = match heif::xmp_extents(meta.get(4..).unwrap_or_default()) {
        Ok(extents) => extents,
        Err(reason) => {
            w.record.unreadable_xmp(&carrier, reason);
            return Ok(());
        }
    };
    let mut packet = Vec::new();
    for (offset, len) in extents {
        match src.seek_to(offset)? {
            Ok(()) => match src.take(len)? {
                Ok(bytes) => packet.extend(bytes),
                Err(_) => {
                    let reason = format!("the item claims {} past the end of the file", size(len));
                    w.record.unreadable_xmp(&carrier, reason);
                    return Ok(());
                }
            },
            Err(_) => {
                w.record.unreadable_xmp(
                    &carrier,
                    "the item is placed past the end of the file".to_owned(),
                );
                return Ok(());
            }
        }
    }
    if !packet.is_empty() {
        w.record.xmp(&packet, &carrier);
    }
    Ok(())
}

/// A `uuid` box of `body` bytes after its header.
fn uuid<R: At>(src: &mut Source<R>, w: &mut Walk, body: u64) -> io::Result<()> {
    let Ok(id) = src.array::<16>()? else {
        return Ok(());
    };
    let carrier = format!("{} `uuid` box", w.title);
    let body = body.saturating_sub(16);
    if id == XMP_UUID {
        if body > MAX_XMP {
            w.record
                .unreadable_xmp(&carrier, format!("the box claims {}", size(body)));
        } else if let Ok(packet) = src.take(body)? {
            w.record.xmp(&packet, &carrier);
        }
    } else if id == C2PA_UUID {
        if body > MAX_STORE {
            w.record
                .unreadable_store(&carrier, format!("the box claims {}", size(body)));
        } else if body <= src.left() {
            c2pa_box_at(src, body, &carrier, w.record)?;
        }
    }
    Ok(())
}

/// [`c2pa_box`] for the `body` bytes at the reader's position, reading the
/// store in place when its purpose ends early in the box.
fn c2pa_box_at<R: At>(
    src: &mut Source<R>,
    body: u64,
    carrier: &str,
    record: &mut Record,
) -> io::Result<()> {
    let start = src.pos();
    let Ok(head) = src.take(body.min(PURPOSE_WINDOW))? else {
        return Ok(());
    };
    let purpose_end = head.get(4..).and_then(|b| b.iter().position(|&c| c == 0));
    let store = purpose_end.map(|p| p as u64 + 4 + 9);
    match store {
        Some(from) if from <= body && &head[4..from as usize - 9] == b"manifest" => {
            jumbf::read_store_at(src, start + from, body - from, carrier, record)
        }
        Some(_) => {
            c2pa_box(&head, carrier, record);
            Ok(())
        }
        None => {
            let _ = src.seek_to(start)?;
            if let Ok(bytes) = src.take(body)? {
                c2pa_box(&bytes, carrier, record);
            }
            Ok(())
        }
    }
}

/// The C2PA `uuid` box's payload: version and flags, a purpose, and for
/// the `manifest` purpose a merkle offset before the store.
fn c2pa_box(bytes: &[u8], carrier: &str, record: &mut Record) {
    let purpose_end = bytes.get(4..).and_then(|b| b.iter().position(|&c| c == 0));
    let Some(purpose_end) = purpose_end.map(|p| p + 4) else {
        record.unreadable_store(carrier, "the box has no purpose".to_owned());
        return;
    };
    // Other purposes (`merkle`, for fragmented media) hold no claim.
    if &bytes[4..purpose_end] == b"manifest" {
        match be64(bytes, purpose_end + 1) {
            Some(_) => jumbf::read_store(&bytes[purpose_end + 9..], carrier, record),
            None => record.unreadable_store(carrier, "the box is cut short".to_owned()),
        }
    }
}

/// A `uuid` box that runs past its container: unreadable if it is ours.
fn note_uuid<R: At>(src: &mut Source<R>, w: &mut Walk, at: u64, len: u64) -> io::Result<()> {
    let Ok(id) = src.array::<16>()? else {
        return Ok(());
    };
    let carrier = format!("{} `uuid` box", w.title);
    let reason = format!(
        "the box at byte {} claims {}, past its end",
        thousands(at),
        size(len)
    );
    if id == C2PA_UUID {
        w.record.unreadable_store(&carrier, reason);
    } else if id == XMP_UUID {
        w.record.unreadable_xmp(&carrier, reason);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::tests::{action_store, jbox, terms, xmp};
    use super::super::{Format, read_bytes};
    use super::*;

    fn uuid_box(id: &[u8; 16], body: &[u8]) -> Vec<u8> {
        jbox(b"uuid", &[id.as_slice(), body].concat())
    }

    fn c2pa(store: &[u8]) -> Vec<u8> {
        let body = [&[0u8; 4][..], b"manifest\0", &[0; 8], store].concat();
        uuid_box(&C2PA_UUID, &body)
    }

    fn mp4(brand: &[u8; 4], boxes: &[Vec<u8>]) -> Vec<u8> {
        let mut out = jbox(b"ftyp", &[brand.as_slice(), &[0; 4], b"isom"].concat());
        for b in boxes {
            out.extend_from_slice(b);
        }
        out
    }

    #[test]
    fn reads_uuid_boxes_and_udta_xmp_past_mdat() {
        let store = action_store(&[(
            "urn:c2pa:a",
            "g/1",
            "c2pa.created",
            "trainedAlgorithmicMedia",
        )]);
        let udta = jbox(b"udta", &jbox(b"XMP_", &xmp("digitalCapture")));
        let moov = jbox(b"moov", &[jbox(b"mvhd", &[0; 20]), udta].concat());
        let file = mp4(
            b"isom",
            &[
                moov,
                jbox(b"mdat", &[9; 5000]),
                c2pa(&store),
                uuid_box(&XMP_UUID, &xmp("algorithmicMedia")),
            ],
        );
        let r = read_bytes(&file);
        assert_eq!(r.format, Some(Format::Bmff));
        assert!(r.unreadable.is_empty(), "{:?}", r.unreadable);
        assert_eq!(
            terms(&r),
            [
                "digitalCapture",
                "trainedAlgorithmicMedia",
                "algorithmicMedia"
            ]
        );
        assert_eq!(r.manifests[0].place, "MP4 `uuid` box");
        assert_eq!(
            r.marks[0].place,
            "XMP `Iptc4xmpExt:DigitalSourceType` in MP4 moov/udta/XMP_ box"
        );
        let heic = read_bytes(&mp4(b"heic", &[c2pa(&store)]));
        assert_eq!(heic.manifests[0].place, "HEIC `uuid` box");
    }

    #[test]
    fn hostile_boxes_never_panic() {
        let store = action_store(&[("urn:c2pa:a", "g/1", "c2pa.created", "x")]);
        // A large size past the end of the file.
        let mut big = mp4(b"isom", &[c2pa(&store)]);
        let at = big.len() - c2pa(&store).len();
        big[at..at + 4].copy_from_slice(&u32::MAX.to_be_bytes());
        let r = read_bytes(&big);
        assert!(
            r.unreadable[0].c2pa && r.unreadable[0].reason.contains("3 GiB"),
            "{r:?}"
        );
        // 64-bit size of 2^64 - 1, zero and tiny sizes.
        let mut huge = mp4(b"isom", &[]);
        huge.extend_from_slice(&[0, 0, 0, 1, b'm', b'd', b'a', b't']);
        huge.extend_from_slice(&u64::MAX.to_be_bytes());
        assert!(read_bytes(&huge).is_empty());
        let tiny = mp4(b"isom", &[vec![0, 0, 0, 3, b'f', b'r', b'e', b'e', 0, 0]]);
        assert!(read_bytes(&tiny).is_empty());
        let zero = mp4(
            b"isom",
            &[vec![0, 0, 0, 0, b'm', b'd', b'a', b't', 1, 2, 3]],
        );
        assert!(read_bytes(&zero).is_empty());
        let no_purpose = mp4(b"isom", &[uuid_box(&C2PA_UUID, &[0, 0, 0, 0, b'm'])]);
        assert!(read_bytes(&no_purpose).unreadable[0].c2pa);
        // Deep nesting is not followed.
        let mut nested = jbox(b"XMP_", &xmp("trainedAlgorithmicMedia"));
        for _ in 0..50 {
            nested = jbox(b"moov", &nested);
        }
        assert!(read_bytes(&mp4(b"isom", &[nested])).is_empty());
    }

    #[test]
    fn the_store_read_in_place_agrees_with_the_box_read_whole() {
        let store = action_store(&[("urn:c2pa:a", "g/1", "c2pa.created", "x")]);
        let long = vec![b'p'; 2 * PURPOSE_WINDOW as usize];
        let bodies = [
            [&[0u8; 4][..], b"manifest\0", &[0; 8], &store].concat(),
            [&[0u8; 4][..], b"manifest\0", &[0; 3]].concat(),
            [&[0u8; 4][..], b"manifest\0"].concat(),
            [&[0u8; 4][..], b"merkle\0", &[0; 8], &store].concat(),
            [&[0u8; 4][..], &long, b"\0", &store].concat(),
            [&[0u8; 4][..], &long].concat(),
            vec![0; 3],
        ];
        for body in bodies {
            let file = mp4(b"isom", &[uuid_box(&C2PA_UUID, &body)]);
            let mut whole = Record {
                format: Some(Format::Bmff),
                ..Record::default()
            };
            c2pa_box(&body, "MP4 `uuid` box", &mut whole);
            assert_eq!(read_bytes(&file), whole, "{body:?}");
        }
    }
}
