//! A C2PA manifest store: a JUMBF superbox tree (ISO/IEC 19566-5). Each
//! superbox (`jumb`) opens with a description box (`jumd`: a type UUID and
//! a label); the store (`c2pa`) holds manifests (`c2ma`), each with an
//! assertion store (`c2pa.assertions`) and a claim (`c2pa.claim`). Only
//! the claim and the actions assertions are decoded.
//!
//! The tree is walked by offsets: box headers, description boxes and the
//! decoded `cbor` boxes are fetched, everything else (thumbnails, the
//! signature) is passed over, so a store in a file is read in place.

use std::borrow::Cow;
use std::io;

use super::source::{At, Source, be32, be64, get, size, thousands};
use super::{Manifest, Mark, Record, claim};

/// More boxes than this at one level is not a manifest store.
const MAX_BOXES: usize = 100_000;

/// A store's bytes, fetched by offset from its start.
trait Bytes {
    /// The store's length.
    fn len(&self) -> u64;
    /// `n` bytes from `at`; the caller keeps them within the store.
    fn fetch(&mut self, at: u64, n: u64) -> io::Result<Cow<'_, [u8]>>;
}

/// A store in memory.
struct Mem<'a>(&'a [u8]);

impl Bytes for Mem<'_> {
    fn len(&self) -> u64 {
        self.0.len() as u64
    }

    fn fetch(&mut self, at: u64, n: u64) -> io::Result<Cow<'_, [u8]>> {
        let range = usize::try_from(at)
            .ok()
            .zip(at.checked_add(n).and_then(|e| usize::try_from(e).ok()));
        range
            .and_then(|(from, to)| self.0.get(from..to))
            .map(Cow::Borrowed)
            .ok_or_else(past_the_store)
    }
}

/// Reads of at most this many bytes are served from blocks this size read
/// from the store: the headers and descriptions of neighbouring boxes come
/// in one read.
const BLOCK: u64 = 1 << 10;
/// Blocks kept: the walk returns to a superbox's boxes after reading its
/// description and headers.
const BLOCKS: usize = 8;

/// A store in the file, read as it is walked: one run of bytes, or the
/// pieces of a store split over segments (JPEG APP11), in order.
struct Window<'s, 'r, R> {
    src: &'s mut Source<'r, R>,
    /// Each piece's place in the file and length; the store is them end to
    /// end.
    pieces: Vec<(u64, u64)>,
    len: u64,
    /// Blocks read, by where they start in the store, oldest first.
    blocks: Vec<(u64, Vec<u8>)>,
}

impl<'s, 'r, R: At> Window<'s, 'r, R> {
    fn new(src: &'s mut Source<'r, R>, pieces: Vec<(u64, u64)>) -> Self {
        let len = pieces.iter().map(|(_, n)| n).sum();
        Window {
            src,
            pieces,
            len,
            blocks: Vec::new(),
        }
    }

    /// `n` bytes from `at` in the store, which the caller keeps within it.
    fn read(&mut self, at: u64, n: u64) -> io::Result<Vec<u8>> {
        let mut out = Vec::with_capacity(n as usize);
        let mut piece_at = 0u64;
        for &(pos, len) in &self.pieces {
            let (from, to) = (at.max(piece_at), (at + n).min(piece_at + len));
            if from < to {
                if self.src.seek_to(pos + (from - piece_at))?.is_err() {
                    return Err(io::ErrorKind::UnexpectedEof.into());
                }
                let part = self
                    .src
                    .take(to - from)?
                    .map_err(|_| io::Error::from(io::ErrorKind::UnexpectedEof))?;
                out.extend_from_slice(&part);
            }
            piece_at += len;
        }
        Ok(out)
    }
}

impl<R: At> Bytes for Window<'_, '_, R> {
    fn len(&self) -> u64 {
        self.len
    }

    fn fetch(&mut self, at: u64, n: u64) -> io::Result<Cow<'_, [u8]>> {
        if at.checked_add(n).is_none_or(|end| end > self.len) {
            return Err(past_the_store());
        }
        if n > BLOCK {
            return Ok(Cow::Owned(self.read(at, n)?));
        }
        let held = self
            .blocks
            .iter()
            .position(|(from, b)| at >= *from && at + n <= from + b.len() as u64);
        let i = match held {
            Some(i) => i,
            None => {
                let block = self.read(at, BLOCK.min(self.len - at))?;
                if self.blocks.len() == BLOCKS {
                    self.blocks.remove(0);
                }
                self.blocks.push((at, block));
                self.blocks.len() - 1
            }
        };
        let (from, block) = &self.blocks[i];
        let skip = (at - from) as usize;
        Ok(Cow::Borrowed(&block[skip..skip + n as usize]))
    }
}

fn past_the_store() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        "a read past the end of the store",
    )
}

/// Why a walk stopped: the store does not parse, or the file failed.
enum Stop {
    Bad(String),
    Io(io::Error),
}

impl From<String> for Stop {
    fn from(reason: String) -> Stop {
        Stop::Bad(reason)
    }
}

impl From<&str> for Stop {
    fn from(reason: &str) -> Stop {
        Stop::Bad(reason.to_owned())
    }
}

impl From<io::Error> for Stop {
    fn from(e: io::Error) -> Stop {
        Stop::Io(e)
    }
}

type Step<T> = Result<T, Stop>;

/// A box: its type, and where its payload starts in the store and how
/// long it is.
struct Jbox {
    kind: [u8; 4],
    at: u64,
    len: u64,
}

/// A superbox: its description's type (the UUID's first four bytes, such
/// as `c2ma`), label, and the boxes after the description.
struct Super {
    kind: [u8; 4],
    label: Option<String>,
    content: Vec<Jbox>,
}

/// One manifest as read.
struct Parsed {
    label: Option<String>,
    generator: Option<String>,
    actions: Vec<claim::Action>,
}

/// Adds the manifests of `store`, found at `carrier`, and their actions'
/// digital source types to `record`; a store that does not parse is an
/// [`super::Unreadable`].
pub fn read_store(store: &[u8], carrier: &str, record: &mut Record) {
    if let Ok((parsed, problem)) = parse(&mut Mem(store)) {
        report(parsed, problem, carrier, record);
    }
}

/// [`read_store`] for the store of `len` bytes at `at` in the file,
/// reading only the boxes it decodes. The caller has bounded `len` and
/// checked the store lies within the file.
pub fn read_store_at<R: At>(
    src: &mut Source<R>,
    at: u64,
    len: u64,
    carrier: &str,
    record: &mut Record,
) -> io::Result<()> {
    #[cfg(test)]
    if tests::WHOLE.get() {
        src.seek_to(at)?
            .map_err(|_| io::Error::from(io::ErrorKind::UnexpectedEof))?;
        if let Ok(store) = src.take(len)? {
            read_store(&store, carrier, record);
        }
        return Ok(());
    }
    let (parsed, problem) = parse(&mut Window::new(src, vec![(at, len)]))?;
    report(parsed, problem, carrier, record);
    Ok(())
}

/// [`read_store_at`] over a store split into `pieces` (each a place in the
/// file and a length, in order), such as the payloads of JPEG APP11
/// segments; the caller has bounded their sum.
pub fn read_pieces_at<R: At>(
    src: &mut Source<R>,
    pieces: Vec<(u64, u64)>,
    carrier: &str,
    record: &mut Record,
) -> io::Result<()> {
    #[cfg(test)]
    if tests::WHOLE.get() {
        let mut store = Vec::new();
        for (at, len) in pieces {
            src.seek_to(at)?
                .map_err(|_| io::Error::from(io::ErrorKind::UnexpectedEof))?;
            if let Ok(part) = src.take(len)? {
                store.extend_from_slice(&part);
            }
        }
        read_store(&store, carrier, record);
        return Ok(());
    }
    let (parsed, problem) = parse(&mut Window::new(src, pieces))?;
    report(parsed, problem, carrier, record);
    Ok(())
}

fn report(parsed: Vec<Parsed>, problem: Option<String>, carrier: &str, record: &mut Record) {
    let last = parsed.len().saturating_sub(1);
    for (i, m) in parsed.into_iter().enumerate() {
        let active = i == last && problem.is_none();
        for action in m.actions {
            let Some(value) = action.source_type else {
                continue;
            };
            let name = action.action.as_deref().unwrap_or("unnamed");
            let place = format!("C2PA `{name}` action in {carrier}");
            record.marks.push(Mark::new(&value, place, !active));
        }
        record.manifests.push(Manifest {
            label: m.label,
            claim_generator: m.generator,
            place: carrier.to_owned(),
            active,
        });
    }
    if let Some(reason) = problem {
        record.unreadable_store(carrier, reason);
    }
}

/// The manifests read, and why the store stopped parsing if it did.
fn parse(store: &mut impl Bytes) -> io::Result<(Vec<Parsed>, Option<String>)> {
    let mut out = Vec::new();
    let problem = match manifests(store, &mut out) {
        Ok(()) => None,
        Err(Stop::Bad(reason)) => Some(reason),
        Err(Stop::Io(e)) => return Err(e),
    };
    Ok((out, problem))
}

/// Reads the store's manifests into `out`, in order.
fn manifests(store: &mut impl Bytes, out: &mut Vec<Parsed>) -> Step<()> {
    let end = store.len();
    let top = boxes(store, 0, end)?;
    let first = top.first().ok_or("the store is empty")?;
    let root = superbox(store, first)?;
    if &root.kind != b"c2pa" {
        return Err(Stop::Bad(format!(
            "the first JUMBF box is `{}`, not a C2PA manifest store",
            root.label.as_deref().unwrap_or("unlabelled")
        )));
    }
    for b in root.content.iter().filter(|b| &b.kind == b"jumb") {
        let s = superbox(store, b)?;
        if matches!(&s.kind, b"c2ma" | b"c2um") {
            out.push(manifest(store, &s)?);
        }
    }
    if out.is_empty() {
        return Err("the store holds no manifest".into());
    }
    Ok(())
}

fn manifest(store: &mut impl Bytes, m: &Super) -> Step<Parsed> {
    let name = m.label.as_deref().unwrap_or("unlabelled");
    let mut parsed = Parsed {
        label: m.label.clone(),
        generator: None,
        actions: Vec::new(),
    };
    let mut claimed = false;
    for b in m.content.iter().filter(|b| &b.kind == b"jumb") {
        let s = superbox(store, b)?;
        let label = s.label.as_deref();
        // By label, or by the description's type when the label is odd.
        let is_claim = matches!(label, Some("c2pa.claim" | "c2pa.claim.v2"));
        if is_claim || (&s.kind == b"c2cl" && !claimed) {
            parsed.generator = claim::generator(&cbor(store, &s)?)?;
            claimed = true;
        } else if label == Some("c2pa.assertions") || &s.kind == b"c2as" {
            for a in s.content.iter().filter(|b| &b.kind == b"jumb") {
                let a = superbox(store, a)?;
                let label = a.label.as_deref();
                let base = label.map(|l| l.split("__").next().unwrap_or(l));
                if matches!(base, Some("c2pa.actions" | "c2pa.actions.v2")) {
                    parsed.actions.extend(claim::actions(&cbor(store, &a)?)?);
                }
            }
        }
    }
    if !claimed {
        return Err(Stop::Bad(format!("manifest `{name}` has no claim")));
    }
    Ok(parsed)
}

/// The payload of a superbox's `cbor` content box.
fn cbor<'s>(store: &'s mut impl Bytes, s: &Super) -> Step<Cow<'s, [u8]>> {
    let b = s
        .content
        .iter()
        .find(|b| &b.kind == b"cbor")
        .ok_or_else(|| {
            format!(
                "`{}` has no CBOR box",
                s.label.as_deref().unwrap_or("unlabelled")
            )
        })?;
    Ok(store.fetch(b.at, b.len)?)
}

/// The boxes from `from` to `end` in the store.
fn boxes(store: &mut impl Bytes, from: u64, end: u64) -> Step<Vec<Jbox>> {
    let mut out = Vec::new();
    let mut next = from;
    while next < end {
        if out.len() == MAX_BOXES {
            return Err(Stop::Bad(format!(
                "more than {} JUMBF boxes",
                thousands(MAX_BOXES as u64)
            )));
        }
        let at = next;
        let short = || format!("the JUMBF box at byte {} is cut short", thousands(at));
        let left = end - at;
        let head = store.fetch(at, left.min(16))?;
        let lbox = be32(&head, 0).ok_or_else(short)?;
        let kind: [u8; 4] = get(&head, 4).ok_or_else(short)?;
        let (header, len) = match lbox {
            0 => (8, left),
            1 => (16, be64(&head, 8).ok_or_else(short)?),
            n => (8, u64::from(n)),
        };
        if len < header {
            return Err(Stop::Bad(format!(
                "the JUMBF box at byte {} has a length of {len}",
                thousands(at)
            )));
        }
        if len > left {
            return Err(Stop::Bad(format!(
                "the JUMBF box at byte {} claims {}, past the end of its store",
                thousands(at),
                size(len)
            )));
        }
        out.push(Jbox {
            kind,
            at: at + header,
            len: len - header,
        });
        next = at + len;
    }
    Ok(out)
}

/// A `jumb` box read as a superbox.
fn superbox(store: &mut impl Bytes, b: &Jbox) -> Step<Super> {
    let at = thousands(b.at);
    if &b.kind != b"jumb" {
        return Err(Stop::Bad(format!(
            "the box at byte {at} is not a JUMBF superbox"
        )));
    }
    let mut children = boxes(store, b.at, b.at + b.len)?.into_iter();
    let desc = children
        .next()
        .filter(|d| &d.kind == b"jumd" && d.len >= 17)
        .ok_or_else(|| format!("the superbox at byte {at} has no description box"))?;
    let body = store.fetch(desc.at, desc.len)?;
    let kind: [u8; 4] = get(&body, 0).unwrap_or_default();
    let toggles = body[16];
    let label = if toggles & 0x02 != 0 {
        let rest = &body[17..];
        let end = rest
            .iter()
            .position(|&c| c == 0)
            .ok_or_else(|| format!("the label of the superbox at byte {at} is not terminated"))?;
        let label = std::str::from_utf8(&rest[..end])
            .map_err(|_| format!("the label of the superbox at byte {at} is not UTF-8"))?;
        Some(label.to_owned())
    } else {
        None
    };
    Ok(Super {
        kind,
        label,
        content: children.collect(),
    })
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::path::{Path, PathBuf};

    use super::super::tests::{action_store, jbox, superbox as sb};
    use super::*;

    thread_local! {
        /// Stores in files are copied whole and read as slices, as the
        /// in-memory path reads them.
        pub static WHOLE: Cell<bool> = const { Cell::new(false) };
    }

    fn read(store: &[u8]) -> Record {
        let mut r = Record::default();
        read_store(store, "PNG caBX", &mut r);
        r
    }

    /// `bytes` read in place and read whole.
    fn both(bytes: &[u8]) -> (Record, Record) {
        let lazy = super::super::read_bytes(bytes);
        WHOLE.set(true);
        let whole = super::super::read_bytes(bytes);
        WHOLE.set(false);
        (lazy, whole)
    }

    fn png(store: &[u8]) -> Vec<u8> {
        let chunk = |kind: &[u8; 4], data: &[u8]| {
            let mut out = (data.len() as u32).to_be_bytes().to_vec();
            out.extend_from_slice(kind);
            out.extend_from_slice(data);
            out.extend_from_slice(&[0; 4]);
            out
        };
        let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
        out.extend(chunk(b"IHDR", &[0; 13]));
        out.extend(chunk(b"caBX", store));
        out.extend(chunk(b"IDAT", &[7; 300]));
        out.extend(chunk(b"IEND", &[]));
        out
    }

    fn hostile() -> Vec<Vec<u8>> {
        let good = action_store(&[("urn:c2pa:a", "g/1", "c2pa.created", "x")]);
        let mut cut = good.clone();
        cut.truncate(good.len() - 3);
        let mut giant = good.clone();
        giant[..4].copy_from_slice(&u32::MAX.to_be_bytes());
        let mut tiny = good.clone();
        tiny[..4].copy_from_slice(&3u32.to_be_bytes());
        let mut xl = good.clone();
        xl[..4].copy_from_slice(&1u32.to_be_bytes());
        let not_c2pa = sb(b"c2ma", "urn:x", &[]);
        let empty = sb(b"c2pa", "c2pa", &[]);
        let no_claim = sb(b"c2pa", "c2pa", &[sb(b"c2ma", "urn:m", &[])]);
        let stray = sb(b"c2pa", "c2pa", &[jbox(b"free", &[0; 4])]);
        vec![
            cut,
            giant,
            tiny,
            xl,
            not_c2pa,
            empty,
            no_claim,
            stray,
            vec![],
            vec![0; 7],
        ]
    }

    /// A store whose one manifest carries a thumbnail of `thumb` bytes
    /// before its actions.
    fn thumbnail_store(thumb: usize) -> Vec<u8> {
        let mut actions = vec![0xA1];
        actions.extend(super::super::tests::text("actions"));
        actions.push(0x81);
        actions.extend(super::super::tests::map(&[
            ("action", "c2pa.created"),
            ("digitalSourceType", "trainedAlgorithmicMedia"),
        ]));
        let image = jbox(b"bidb", &vec![0xD8; thumb]);
        let thumbnail = sb(b"bidb", "c2pa.thumbnail.claim.jpeg", &[image]);
        let assertion = sb(b"cbor", "c2pa.actions.v2", &[jbox(b"cbor", &actions)]);
        let assertions = sb(b"c2as", "c2pa.assertions", &[thumbnail, assertion]);
        let claim = super::super::tests::map(&[("claim_generator", "thumbs/1")]);
        let claim = sb(b"c2cl", "c2pa.claim.v2", &[jbox(b"cbor", &claim)]);
        let signature = sb(b"c2cs", "c2pa.signature", &[jbox(b"cbor", &[0x40; 9000])]);
        let manifest = sb(b"c2ma", "urn:c2pa:t", &[assertions, claim, signature]);
        sb(b"c2pa", "c2pa", &[manifest])
    }

    /// A file in memory that counts the bytes read from it.
    struct Counting {
        bytes: Vec<u8>,
        read: u64,
    }

    impl At for Counting {
        fn size(&mut self) -> io::Result<u64> {
            Ok(self.bytes.len() as u64)
        }

        fn read_exact_at(&mut self, buf: &mut [u8], offset: u64) -> io::Result<()> {
            let from = offset as usize;
            let part = self.bytes.get(from..from + buf.len());
            buf.copy_from_slice(part.ok_or(io::ErrorKind::UnexpectedEof)?);
            self.read += buf.len() as u64;
            Ok(())
        }
    }

    fn files(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                files(&path, out);
            } else {
                out.push(path);
            }
        }
    }

    #[test]
    fn the_last_manifest_is_active_and_the_others_ingredients() {
        let store = action_store(&[
            (
                "urn:c2pa:one",
                "old/1",
                "c2pa.created",
                "trainedAlgorithmicMedia",
            ),
            ("urn:c2pa:two", "new/2", "c2pa.opened", "digitalCapture"),
        ]);
        let r = read(&store);
        assert!(r.unreadable.is_empty(), "{:?}", r.unreadable);
        assert_eq!(r.manifests.len(), 2);
        assert!(!r.manifests[0].active && r.manifests[1].active);
        assert_eq!(r.manifests[1].claim_generator.as_deref(), Some("new/2"));
        assert_eq!(r.marks[0].place, "C2PA `c2pa.created` action in PNG caBX");
        assert!(r.marks[0].ingredient && !r.marks[1].ingredient);
        assert_eq!(r.marks[1].term, "digitalCapture");
    }

    #[test]
    fn hostile_stores_are_unreadable_never_a_pass() {
        let good = action_store(&[("urn:c2pa:a", "g/1", "c2pa.created", "x")]);
        for store in hostile() {
            let r = read(&store);
            assert_eq!(r.unreadable.len(), 1, "{store:?}");
            assert!(r.unreadable[0].c2pa);
            assert_eq!(r.unreadable[0].place, "C2PA manifest store in PNG caBX");
        }
        let r = read(&{
            let mut g = good.clone();
            g[..4].copy_from_slice(&u32::MAX.to_be_bytes());
            g
        });
        assert!(
            r.unreadable[0].reason.contains("claims 3 GiB"),
            "{:?}",
            r.unreadable
        );
    }

    #[test]
    fn stores_read_in_place_and_whole_agree() {
        let mut stores = hostile();
        stores.push(action_store(&[
            ("urn:c2pa:one", "old/1", "c2pa.created", "x"),
            ("urn:c2pa:two", "new/2", "c2pa.opened", "digitalCapture"),
        ]));
        stores.push(thumbnail_store(70_000));
        for store in stores {
            let (lazy, whole) = both(&png(&store));
            assert_eq!(lazy, whole, "{store:?}");
            let sliced = read(&store);
            assert_eq!(lazy.manifests, sliced.manifests);
            assert_eq!(lazy.marks, sliced.marks);
            assert_eq!(lazy.unreadable, sliced.unreadable);
        }
    }

    #[test]
    fn every_media_fixture_reads_the_same_in_place_and_whole() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/media");
        let mut paths = Vec::new();
        files(&root, &mut paths);
        paths.sort();
        let mut stores = 0;
        for path in paths {
            let bytes = std::fs::read(&path).unwrap();
            let (lazy, whole) = both(&bytes);
            assert_eq!(lazy, whole, "{}", path.display());
            stores += usize::from(!lazy.manifests.is_empty());
        }
        assert!(stores >= 5, "{stores} fixtures with manifests");
    }

    #[test]
    fn a_large_thumbnail_is_passed_over() {
        let store = thumbnail_store(8 << 20);
        let mut file = Counting {
            bytes: png(&store),
            read: 0,
        };
        let r = super::super::walk(&mut file).unwrap();
        assert!(r.unreadable.is_empty(), "{:?}", r.unreadable);
        assert_eq!(r.manifests[0].claim_generator.as_deref(), Some("thumbs/1"));
        assert_eq!(r.marks[0].term, "trainedAlgorithmicMedia");
        assert!(file.read < 16 << 10, "{} bytes read", file.read);
        assert_eq!(read(&store).marks, r.marks);
    }
}
