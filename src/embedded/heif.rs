//! HEIF (HEIC, AVIF) keeps XMP as an item of the top-level `meta` box: an
//! `infe` entry of type `mime` and content type `application/rdf+xml`,
//! whose bytes `iloc` places in the file.

use super::source::{MAX_XMP, be16, be32, size};

/// More items than this is not a still image a camera or tool wrote.
const MAX_ITEMS: usize = 10_000;

/// A box inside `bytes`: its type and its payload.
fn children(bytes: &[u8]) -> Vec<([u8; 4], &[u8])> {
    let mut out = Vec::new();
    let mut i = 0usize;
    while let (Some(len), Some(kind)) = (be32(bytes, i), super::source::get::<4>(bytes, i + 4)) {
        let len = len as usize;
        let Some(end) = i.checked_add(len).filter(|&e| len >= 8 && e <= bytes.len()) else {
            break;
        };
        out.push((kind, &bytes[i + 8..end]));
        i = end;
        if out.len() > MAX_ITEMS {
            break;
        }
    }
    out
}

/// The XMP items' extents (file offset, length) in the payload of a `meta`
/// box (after its version and flags); an `Err` reason when they cannot be
/// placed.
pub fn xmp_extents(meta: &[u8]) -> Result<Vec<(u64, u64)>, String> {
    let boxes = children(meta);
    let find = |kind: &[u8; 4]| boxes.iter().find(|(k, _)| k == kind).map(|(_, b)| *b);
    let (Some(iinf), Some(iloc)) = (find(b"iinf"), find(b"iloc")) else {
        return Ok(Vec::new());
    };
    let ids = xmp_items(iinf);
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let extents = locations(iloc, &ids).ok_or("the item locations are cut short")?;
    let total: u64 = extents.iter().map(|e| e.1).fold(0, u64::saturating_add);
    if total > MAX_XMP {
        return Err(format!("the XMP item claims {}", size(total)));
    }
    Ok(extents)
}

/// The IDs of the `application/rdf+xml` items of an `iinf` box.
fn xmp_items(iinf: &[u8]) -> Vec<u32> {
    let version = iinf.first().copied().unwrap_or(0);
    let skip = if version == 0 { 6 } else { 8 };
    let Some(entries) = iinf.get(skip..) else {
        return Vec::new();
    };
    let mut ids = Vec::new();
    for (kind, infe) in children(entries) {
        if &kind != b"infe" || infe.first().copied().unwrap_or(0) < 2 {
            continue;
        }
        let (id, at) = if infe[0] == 2 {
            (be16(infe, 4).map(u32::from), 8)
        } else {
            (be32(infe, 4), 10)
        };
        let (Some(id), Some(b"mime")) = (id, infe.get(at..at + 4)) else {
            continue;
        };
        let rest = &infe[at + 4..];
        // item_name\0 content_type\0
        let name_end = rest.iter().position(|&c| c == 0);
        let content = name_end.and_then(|n| {
            let r = &rest[n + 1..];
            r.iter().position(|&c| c == 0).map(|e| &r[..e])
        });
        if content == Some(b"application/rdf+xml") {
            ids.push(id);
        }
    }
    ids
}

/// Reads an unsigned number of `n` bytes (0, 4 or 8) at `*at`.
fn uint(b: &[u8], at: &mut usize, n: usize) -> Option<u64> {
    let v = match n {
        0 => 0,
        2 => u64::from(be16(b, *at)?),
        4 => u64::from(be32(b, *at)?),
        8 => super::source::be64(b, *at)?,
        _ => return None,
    };
    *at += n;
    Some(v)
}

/// The extents of the items `ids` in an `iloc` box, in file offsets; only
/// items stored in the file itself (construction method 0).
fn locations(iloc: &[u8], ids: &[u32]) -> Option<Vec<(u64, u64)>> {
    let version = *iloc.first()?;
    let sizes = be16(iloc, 4)?;
    let (offset_size, length_size) = (usize::from(sizes >> 12), usize::from((sizes >> 8) & 15));
    let (base_size, index_size) = (usize::from((sizes >> 4) & 15), usize::from(sizes & 15));
    let mut at = 6;
    let count = if version < 2 {
        uint(iloc, &mut at, 2)?
    } else {
        uint(iloc, &mut at, 4)?
    };
    let mut out = Vec::new();
    for _ in 0..count.min(MAX_ITEMS as u64) {
        let id = if version < 2 {
            uint(iloc, &mut at, 2)?
        } else {
            uint(iloc, &mut at, 4)?
        };
        let method = if version >= 1 {
            uint(iloc, &mut at, 2)? & 15
        } else {
            0
        };
        at += 2; // data reference index
        let base = uint(iloc, &mut at, base_size)?;
        let extents = uint(iloc, &mut at, 2)?;
        for _ in 0..extents {
            if version >= 1 && index_size > 0 {
                uint(iloc, &mut at, index_size)?;
            }
            let offset = uint(iloc, &mut at, offset_size)?;
            let length = uint(iloc, &mut at, length_size)?;
            if method == 0 && ids.contains(&(id as u32)) {
                out.push((base.saturating_add(offset), length));
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::super::read_bytes;
    use super::super::tests::{jbox, terms, xmp};

    /// A HEIC with one XMP item placed after the `meta` box.
    pub fn heic(packet: &[u8]) -> Vec<u8> {
        let ftyp = jbox(b"ftyp", b"heic\0\0\0\0mif1heic");
        let infe = jbox(
            b"infe",
            &[
                &[2, 0, 0, 0, 0, 7, 0, 0][..],
                b"mime",
                b"XMP\0application/rdf+xml\0",
            ]
            .concat(),
        );
        let iinf = jbox(b"iinf", &[&[0, 0, 0, 0, 0, 1][..], &infe].concat());
        let iloc_len = 8 + 4 + 2 + 2 + 2 + 2 + 2 + 4 + 4;
        let meta_len = 8 + 4 + iinf.len() + iloc_len;
        let offset = (ftyp.len() + meta_len) as u32;
        let iloc = jbox(
            b"iloc",
            &[
                &[0u8, 0, 0, 0, 0x44, 0x00, 0, 1, 0, 7, 0, 0, 0, 1][..],
                &offset.to_be_bytes(),
                &(packet.len() as u32).to_be_bytes(),
            ]
            .concat(),
        );
        assert_eq!(iloc.len(), iloc_len);
        let meta = jbox(b"meta", &[&[0u8; 4][..], &iinf, &iloc].concat());
        [ftyp, meta, packet.to_vec(), jbox(b"mdat", &[0; 100])].concat()
    }

    #[test]
    fn reads_the_xmp_item() {
        let r = read_bytes(&heic(&xmp("trainedAlgorithmicMedia")));
        assert!(r.unreadable.is_empty(), "{:?}", r.unreadable);
        assert_eq!(terms(&r), ["trainedAlgorithmicMedia"]);
        assert_eq!(
            r.marks[0].place,
            "XMP `Iptc4xmpExt:DigitalSourceType` in HEIC XMP item"
        );
    }

    #[test]
    fn hostile_items_never_panic() {
        let good = heic(&xmp("digitalCapture"));
        for cut in 0..good.len() {
            let _ = read_bytes(&good[..cut]);
        }
        for at in 0..good.len() {
            let mut bad = good.clone();
            bad[at] = 0xFF;
            let _ = read_bytes(&bad);
        }
        assert!(super::xmp_extents(&[]).unwrap().is_empty());
    }
}
