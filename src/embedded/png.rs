//! PNG: chunk by chunk to `IEND`, seeking past image data. XMP is an
//! `iTXt` chunk with the keyword `XML:com.adobe.xmp` (or, from some
//! writers, a `tEXt` chunk with it); a C2PA store is a `caBX` chunk.

use std::io;

use super::source::{At, MAX_STORE, MAX_XMP, Source, size};
use super::{Record, jumbf};

const KEYWORD: &[u8] = b"XML:com.adobe.xmp";
const ITXT: &str = "PNG iTXt";
const CABX: &str = "PNG caBX";
const MAX_CHUNKS: usize = 1_000_000;

pub fn walk<R: At>(src: &mut Source<R>, record: &mut Record) -> io::Result<()> {
    if src.skip(8)?.is_err() {
        return Ok(());
    }
    for _ in 0..MAX_CHUNKS {
        let Ok(head) = src.array::<8>()? else { break };
        let len = u64::from(u32::from_be_bytes([head[0], head[1], head[2], head[3]]));
        let kind = &head[4..8];
        let start = src.pos();
        match kind {
            b"IEND" => break,
            b"caBX" => {
                if len > MAX_STORE || len > src.left() {
                    let reason = format!("the chunk claims {}", size(len));
                    record.unreadable_store(CABX, reason);
                    break;
                }
                jumbf::read_store_at(src, start, len, CABX, record)?;
            }
            b"iTXt" => itxt(src, len, record)?,
            b"tEXt" => text(src, len, record)?,
            b"IDAT" => {
                // Where the run of image data chunks of this length ends.
                let last = last_of_run(src, start - 8, len)?;
                let next = last.saturating_add(len).saturating_add(12);
                if src.seek_to(next)?.is_err() {
                    break;
                }
                continue;
            }
            _ => {}
        }
        let next = start.saturating_add(len).saturating_add(4);
        if src.seek_to(next)?.is_err() {
            break;
        }
    }
    Ok(())
}

/// The header of the last `IDAT` chunk of `len` bytes in the run that
/// starts with the one whose header is at `at`. Writers cut the image data
/// into chunks of one size (8 KiB from libpng, 64 KiB from Pillow), so a
/// 4K plate holds hundreds; PNG has them back to back, with nothing
/// between. The run is crossed by doubling jumps that each land on an
/// `IDAT` header of that length, falling back to single steps when one
/// does not: a few reads a plate instead of one a chunk, and the chunks
/// after the image data are still reached.
fn last_of_run<R: At>(src: &mut Source<R>, at: u64, len: u64) -> io::Result<u64> {
    let stride = len.saturating_add(12);
    let mut last = at;
    let mut step = 1u64;
    while let Some(target) = step.checked_mul(stride).and_then(|d| last.checked_add(d)) {
        if is_idat(src, target, len)? {
            last = target;
            step = step.saturating_mul(2);
        } else if step == 1 {
            break;
        } else {
            step = 1;
        }
    }
    Ok(last)
}

/// Whether an `IDAT` chunk of `len` bytes has its header at `at`.
fn is_idat<R: At>(src: &mut Source<R>, at: u64, len: u64) -> io::Result<bool> {
    if at.saturating_add(8) > src.len() || src.seek_to(at)?.is_err() {
        return Ok(false);
    }
    let Ok(head) = src.array::<8>()? else {
        return Ok(false);
    };
    Ok(
        u64::from(u32::from_be_bytes([head[0], head[1], head[2], head[3]])) == len
            && &head[4..8] == b"IDAT",
    )
}

/// The bytes left in a text chunk of `len` bytes after the XMP keyword,
/// or `None` (nothing more read) when the keyword is another.
fn after_keyword<R: At>(src: &mut Source<R>, len: u64) -> io::Result<Option<u64>> {
    let Ok(prefix) = src.take(len.min(src.left()).min(KEYWORD.len() as u64 + 1))? else {
        return Ok(None);
    };
    if prefix.strip_suffix(b"\0") != Some(KEYWORD) {
        return Ok(None);
    }
    Ok(Some(len - prefix.len() as u64))
}

/// An `iTXt` chunk of `len` bytes: read whole only if it is XMP.
fn itxt<R: At>(src: &mut Source<R>, len: u64, record: &mut Record) -> io::Result<()> {
    let Some(rest) = after_keyword(src, len)? else {
        return Ok(());
    };
    if rest > MAX_XMP || rest > src.left() {
        record.unreadable_xmp(ITXT, format!("the chunk claims {}", size(len)));
        return Ok(());
    }
    let Ok(body) = src.take(rest)? else {
        return Ok(());
    };
    // Compression flag and method, then the language tag and the
    // translated keyword, each ended by NUL, then the text.
    let text = body.get(2..).and_then(|b| {
        let lang = b.iter().position(|&c| c == 0)?;
        let b = &b[lang + 1..];
        let translated = b.iter().position(|&c| c == 0)?;
        Some(&b[translated + 1..])
    });
    match (body.first(), text) {
        (Some(0), Some(text)) => record.xmp(text, ITXT),
        (Some(_), Some(_)) => record.unreadable_xmp(
            ITXT,
            "the packet is compressed, and aiclear does not inflate it".to_owned(),
        ),
        _ => record.unreadable_xmp(ITXT, "the chunk is cut short".to_owned()),
    }
    Ok(())
}

/// A `tEXt` chunk with the XMP keyword, which some writers use.
fn text<R: At>(src: &mut Source<R>, len: u64, record: &mut Record) -> io::Result<()> {
    let Some(rest) = after_keyword(src, len)? else {
        return Ok(());
    };
    if rest > MAX_XMP || rest > src.left() {
        record.unreadable_xmp("PNG tEXt", format!("the chunk claims {}", size(len)));
    } else if let Ok(packet) = src.take(rest)? {
        record.xmp(&packet, "PNG tEXt");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::tests::{action_store, terms, xmp};
    use super::super::{Format, read_bytes};

    fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut out = (data.len() as u32).to_be_bytes().to_vec();
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        out.extend_from_slice(&[0; 4]);
        out
    }

    fn png(chunks: &[Vec<u8>]) -> Vec<u8> {
        let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
        out.extend(chunk(b"IHDR", &[0; 13]));
        for c in chunks {
            out.extend_from_slice(c);
        }
        out.extend(chunk(b"IDAT", &[7; 300]));
        out.extend(chunk(b"IEND", &[]));
        out
    }

    fn itxt(flag: u8, text: &[u8]) -> Vec<u8> {
        let mut data = b"XML:com.adobe.xmp\0".to_vec();
        data.extend_from_slice(&[flag, 0]);
        data.extend_from_slice(b"\0\0");
        data.extend_from_slice(text);
        chunk(b"iTXt", &data)
    }

    /// The image data as a writer cuts it: `n` chunks of `size`, then the
    /// rest in a shorter one.
    fn idats(n: usize, size: usize) -> Vec<Vec<u8>> {
        let mut out: Vec<Vec<u8>> = (0..n)
            .map(|i| chunk(b"IDAT", &vec![i as u8; size]))
            .collect();
        out.push(chunk(b"IDAT", &[9; 17]));
        out
    }

    #[test]
    fn chunks_after_a_long_run_of_image_data_are_read() {
        for n in [1, 2, 3, 7, 8, 100, 257] {
            let mut chunks = idats(n, 64);
            chunks.push(itxt(0, &xmp("trainedAlgorithmicMedia")));
            let r = read_bytes(&png(&chunks));
            assert_eq!(terms(&r), ["trainedAlgorithmicMedia"], "{n} chunks");
        }
    }

    #[test]
    fn a_chunk_among_the_image_data_is_still_found() {
        for at in [0, 1, 5, 40, 99] {
            let mut chunks = idats(100, 64);
            chunks.insert(
                at + 1,
                itxt(0, &xmp("compositeWithTrainedAlgorithmicMedia")),
            );
            let r = read_bytes(&png(&chunks));
            assert_eq!(
                terms(&r),
                ["compositeWithTrainedAlgorithmicMedia"],
                "after {at}"
            );
        }
    }

    #[test]
    fn reads_itxt_xmp_and_cabx() {
        let store = action_store(&[("urn:c2pa:a", "g/1", "c2pa.created", "algorithmicMedia")]);
        let file = png(&[
            chunk(b"tEXt", b"Comment\0trainedAlgorithmicMedia"),
            chunk(
                b"tEXt",
                &[b"XML:com.adobe.xmp\0".as_slice(), &xmp("digitalArt")].concat(),
            ),
            itxt(0, &xmp("trainedAlgorithmicMedia")),
            chunk(b"caBX", &store),
        ]);
        let r = read_bytes(&file);
        assert_eq!(r.format, Some(Format::Png));
        assert!(r.unreadable.is_empty(), "{:?}", r.unreadable);
        assert_eq!(
            terms(&r),
            ["digitalArt", "trainedAlgorithmicMedia", "algorithmicMedia"]
        );
        assert_eq!(r.manifests[0].place, "PNG caBX");
    }

    #[test]
    fn compressed_xmp_is_unreadable_not_ignored() {
        let r = read_bytes(&png(&[itxt(1, b"x\x9c\x03\x00")]));
        assert_eq!(r.unreadable.len(), 1);
        assert!(!r.unreadable[0].c2pa);
        assert_eq!(r.unreadable[0].place, "XMP packet in PNG iTXt");
    }

    #[test]
    fn hostile_chunks_never_panic() {
        let mut giant = png(&[]);
        giant.truncate(33);
        giant.extend_from_slice(&u32::MAX.to_be_bytes());
        giant.extend_from_slice(b"caBX");
        let r = read_bytes(&giant);
        assert!(r.unreadable[0].c2pa && r.unreadable[0].reason.contains("3 GiB"));
        let mut cut = png(&[chunk(b"caBX", &[0; 64])]);
        cut.truncate(60);
        assert!(read_bytes(&cut).unreadable[0].c2pa);
        let broken = png(&[chunk(b"caBX", b"not a store at all")]);
        assert!(read_bytes(&broken).unreadable[0].c2pa);
        let mut short_itxt = png(&[]);
        short_itxt.truncate(33);
        short_itxt.extend(chunk(b"iTXt", b"XML:com.adobe.xmp\0"));
        assert!(!read_bytes(&short_itxt).unreadable[0].c2pa);
        // Zero-length chunks all the way.
        let mut zeros = b"\x89PNG\r\n\x1a\n".to_vec();
        for _ in 0..1000 {
            zeros.extend(chunk(b"zzZz", &[]));
        }
        assert!(read_bytes(&zeros).is_empty());
    }
}
