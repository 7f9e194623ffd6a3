//! RIFF (WAV, WebP, AVI): top-level chunks, seeking past sample and image
//! data. A C2PA store is a `C2PA` chunk; XMP is WebP's `XMP ` chunk or
//! WAV's `_PMX` chunk.

use std::io;

use super::source::{At, MAX_STORE, MAX_XMP, Source, size};
use super::{Record, jumbf};

const MAX_CHUNKS: usize = 100_000;

pub fn walk<R: At>(src: &mut Source<R>, record: &mut Record) -> io::Result<()> {
    let Ok(head) = src.array::<12>()? else {
        return Ok(());
    };
    let title = match &head[8..12] {
        b"WAVE" => "WAV",
        b"WEBP" => "WebP",
        b"AVI " => "AVI",
        _ => "RIFF",
    };
    let declared = u64::from(u32::from_le_bytes([head[4], head[5], head[6], head[7]]));
    let end = declared.saturating_add(8).min(src.len());
    for _ in 0..MAX_CHUNKS {
        if src.pos().saturating_add(8) > end {
            break;
        }
        let Ok(h) = src.array::<8>()? else { break };
        let id = [h[0], h[1], h[2], h[3]];
        let len = u64::from(u32::from_le_bytes([h[4], h[5], h[6], h[7]]));
        let start = src.pos();
        let fits = len <= end - start;
        let carrier = format!("{title} `{}` chunk", String::from_utf8_lossy(&id));
        match &id {
            b"C2PA" if !fits || len > MAX_STORE => {
                record.unreadable_store(&carrier, format!("the chunk claims {}", size(len)));
                break;
            }
            b"C2PA" => jumbf::read_store_at(src, start, len, &carrier, record)?,
            b"XMP " | b"_PMX" if !fits || len > MAX_XMP => {
                record.unreadable_xmp(&carrier, format!("the chunk claims {}", size(len)));
                break;
            }
            b"XMP " | b"_PMX" => {
                if let Ok(packet) = src.take(len)? {
                    record.xmp(&packet, &carrier);
                }
            }
            _ => {}
        }
        let next = start.saturating_add(len).saturating_add(len & 1);
        if next > end || src.seek_to(next)?.is_err() {
            break;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::tests::{action_store, terms, xmp};
    use super::super::{Format, read_bytes};

    fn chunk(id: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut out = id.to_vec();
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(data);
        if data.len() % 2 == 1 {
            out.push(0);
        }
        out
    }

    fn riff(form: &[u8; 4], chunks: &[Vec<u8>]) -> Vec<u8> {
        let body: Vec<u8> = chunks.concat();
        let mut out = b"RIFF".to_vec();
        out.extend_from_slice(&(body.len() as u32 + 4).to_le_bytes());
        out.extend_from_slice(form);
        out.extend(body);
        out
    }

    #[test]
    fn reads_wav_and_webp_chunks() {
        let store = action_store(&[(
            "urn:c2pa:a",
            "g/1",
            "c2pa.created",
            "trainedAlgorithmicMedia",
        )]);
        let wav = riff(
            b"WAVE",
            &[
                chunk(b"fmt ", &[0; 16]),
                chunk(b"data", &[1; 4001]),
                chunk(b"C2PA", &store),
            ],
        );
        let r = read_bytes(&wav);
        assert_eq!(r.format, Some(Format::Riff));
        assert_eq!(terms(&r), ["trainedAlgorithmicMedia"]);
        assert_eq!(r.manifests[0].place, "WAV `C2PA` chunk");
        let webp = riff(
            b"WEBP",
            &[chunk(b"VP8X", &[0; 10]), chunk(b"XMP ", &xmp("digitalArt"))],
        );
        let r = read_bytes(&webp);
        assert_eq!(terms(&r), ["digitalArt"]);
        assert_eq!(
            r.marks[0].place,
            "XMP `Iptc4xmpExt:DigitalSourceType` in WebP `XMP ` chunk"
        );
    }

    #[test]
    fn hostile_chunks_never_panic() {
        let mut giant = riff(b"WAVE", &[chunk(b"C2PA", &[0; 8])]);
        giant[16..20].copy_from_slice(&u32::MAX.to_le_bytes());
        let r = read_bytes(&giant);
        assert!(r.unreadable[0].c2pa, "{r:?}");
        let zeros = riff(b"WEBP", &vec![chunk(b"JUNK", &[]); 500]);
        assert!(read_bytes(&zeros).is_empty());
        let mut lying = riff(b"WAVE", &[chunk(b"data", &[0; 10])]);
        lying[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(read_bytes(&lying).is_empty());
        assert!(read_bytes(b"RIFF\x04\0\0\0WAVE").is_empty());
    }
}
