//! TIFF (and BigTIFF, DNG): the first image file directory only. XMP is
//! tag 700, a C2PA store tag 0xCD41 (52545); each is read at its offset,
//! the strips and tiles never.

use std::io;

use super::source::{At, MAX_STORE, MAX_XMP, Source, size};
use super::{Record, jumbf};

const XMP_TAG: u16 = 700;
const C2PA_TAG: u16 = 0xCD41;
const MAX_ENTRIES: u64 = 4096;

/// How the file writes numbers.
#[derive(Clone, Copy)]
struct Layout {
    little: bool,
    big_tiff: bool,
}

impl Layout {
    fn u16(self, b: &[u8]) -> u16 {
        let b = [b[0], b[1]];
        if self.little {
            u16::from_le_bytes(b)
        } else {
            u16::from_be_bytes(b)
        }
    }

    fn u32(self, b: &[u8]) -> u32 {
        let b = [b[0], b[1], b[2], b[3]];
        if self.little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        }
    }

    fn u64(self, b: &[u8]) -> u64 {
        let b: [u8; 8] = b[..8].try_into().unwrap_or_default();
        if self.little {
            u64::from_le_bytes(b)
        } else {
            u64::from_be_bytes(b)
        }
    }

    /// An offset or a count: 4 bytes, or 8 in BigTIFF.
    fn word(self, b: &[u8]) -> u64 {
        if self.big_tiff {
            self.u64(b)
        } else {
            u64::from(self.u32(b))
        }
    }
}

pub fn walk<R: At>(src: &mut Source<R>, record: &mut Record) -> io::Result<()> {
    let Ok(head) = src.array::<16>()? else {
        return Ok(());
    };
    let little = head[0] == b'I';
    let big_tiff = Layout {
        little,
        big_tiff: false,
    }
    .u16(&head[2..])
        == 43;
    let lay = Layout { little, big_tiff };
    let ifd = if big_tiff {
        lay.u64(&head[8..])
    } else {
        u64::from(lay.u32(&head[4..]))
    };
    if src.seek_to(ifd)?.is_err() {
        return Ok(());
    }
    let count = if big_tiff {
        let Ok(b) = src.array::<8>()? else {
            return Ok(());
        };
        lay.u64(&b)
    } else {
        let Ok(b) = src.array::<2>()? else {
            return Ok(());
        };
        u64::from(lay.u16(&b))
    };
    let entry_len = if big_tiff { 20 } else { 12 };
    let Ok(entries) = src.take(count.min(MAX_ENTRIES) * entry_len)? else {
        return Ok(());
    };
    let mut found = Vec::new();
    for e in entries.chunks_exact(entry_len as usize) {
        let tag = lay.u16(e);
        if tag == XMP_TAG || tag == C2PA_TAG {
            found.push((tag, value_at(lay, e)));
        }
    }
    for (tag, (offset, len, inline)) in found {
        let (carrier, bound) = if tag == XMP_TAG {
            ("TIFF tag 700", MAX_XMP)
        } else {
            ("TIFF tag 0xCD41", MAX_STORE)
        };
        let in_file = offset <= src.len() && len <= src.len() - offset;
        if tag == C2PA_TAG && inline.is_none() && len <= bound && in_file {
            jumbf::read_store_at(src, offset, len, carrier, record)?;
            continue;
        }
        let bytes = match inline {
            Some(bytes) => Some(bytes),
            None if len <= bound && src.seek_to(offset)?.is_ok() => src.take(len)?.ok(),
            None => None,
        };
        match (tag, bytes) {
            (XMP_TAG, Some(b)) => record.xmp(&b, carrier),
            (_, Some(b)) => jumbf::read_store(&b, carrier, record),
            (XMP_TAG, None) => record.unreadable_xmp(carrier, claims(len, offset)),
            (_, None) => record.unreadable_store(carrier, claims(len, offset)),
        }
    }
    Ok(())
}

fn claims(len: u64, offset: u64) -> String {
    format!(
        "the tag claims {} at byte {}",
        size(len),
        super::source::thousands(offset)
    )
}

/// Where an entry's value sits: offset, byte length, and the bytes if
/// they fit in the entry itself.
fn value_at(lay: Layout, e: &[u8]) -> (u64, u64, Option<Vec<u8>>) {
    let unit = match lay.u16(&e[2..]) {
        3 | 8 => 2,
        4 | 9 | 11 | 13 => 4,
        5 | 10 | 12 | 16 | 17 | 18 => 8,
        _ => 1,
    };
    let (count, field) = if lay.big_tiff {
        (lay.u64(&e[4..]), &e[12..20])
    } else {
        (u64::from(lay.u32(&e[4..])), &e[8..12])
    };
    let len = count.saturating_mul(unit);
    if len <= field.len() as u64 {
        return (0, len, Some(field[..len as usize].to_vec()));
    }
    (lay.word(field), len, None)
}

#[cfg(test)]
mod tests {
    use super::super::tests::{action_store, terms, xmp};
    use super::super::{Format, read_bytes};

    /// A little-endian TIFF whose IFD0 holds `entries` (tag, type, data),
    /// the data placed after the IFD.
    fn tiff(entries: &[(u16, u16, Vec<u8>)]) -> Vec<u8> {
        let mut out = b"II*\0\x08\0\0\0".to_vec();
        out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        let mut data_at = 8 + 2 + entries.len() * 12 + 4;
        let mut data = Vec::new();
        for (tag, kind, bytes) in entries {
            out.extend_from_slice(&tag.to_le_bytes());
            out.extend_from_slice(&kind.to_le_bytes());
            out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
            out.extend_from_slice(&(data_at as u32).to_le_bytes());
            data.extend_from_slice(bytes);
            data_at += bytes.len();
        }
        out.extend_from_slice(&[0; 4]);
        out.extend(data);
        out
    }

    #[test]
    fn reads_tag_700_and_0xcd41() {
        let store = action_store(&[(
            "urn:c2pa:a",
            "g/1",
            "c2pa.created",
            "trainedAlgorithmicMedia",
        )]);
        let file = tiff(&[
            (256, 4, vec![0; 8]),
            (700, 1, xmp("digitalCapture")),
            (0xCD41, 7, store),
        ]);
        let r = read_bytes(&file);
        assert_eq!(r.format, Some(Format::Tiff));
        assert!(r.unreadable.is_empty(), "{:?}", r.unreadable);
        assert_eq!(terms(&r), ["digitalCapture", "trainedAlgorithmicMedia"]);
        assert_eq!(r.manifests[0].place, "TIFF tag 0xCD41");
        assert_eq!(
            r.marks[0].place,
            "XMP `Iptc4xmpExt:DigitalSourceType` in TIFF tag 700"
        );
    }

    #[test]
    fn hostile_directories_never_panic() {
        let mut giant = tiff(&[(0xCD41, 7, vec![0; 4])]);
        giant[14..18].copy_from_slice(&u32::MAX.to_le_bytes());
        let r = read_bytes(&giant);
        assert!(r.unreadable[0].c2pa && r.unreadable[0].reason.contains("3 GiB"));
        let mut past = tiff(&[(700, 1, vec![0; 16])]);
        past[18..22].copy_from_slice(&1_000_000u32.to_le_bytes());
        assert!(!read_bytes(&past).unreadable[0].c2pa);
        for bytes in [
            b"II*\0\xff\xff\xff\xff".to_vec(),
            b"MM\0*\0\0\0\x08\xff\xff".to_vec(),
            b"II+\0\x08\0\0\0\x10\0\0\0\0\0\0\0".to_vec(),
            b"II*\0".to_vec(),
        ] {
            assert!(read_bytes(&bytes).is_empty());
        }
    }
}
