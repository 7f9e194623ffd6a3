//! What a media file records about its own making: the IPTC digital source
//! type in XMP, C2PA manifest stores and OpenEXR header attributes.
//!
//! The container is sniffed from its first bytes, not its extension, and
//! walked segment by segment or box by box: pixel and sample data are
//! skipped with a seek, never read, and every length is bounded before
//! anything is allocated. Nothing here decides policy; the GA7xx rules
//! compare a [`Record`] with the file's declaration.

mod bmff;
mod claim;
mod exr;
mod heif;
mod jpeg;
mod jumbf;
mod png;
mod riff;
mod source;
mod tiff;
mod xmp;

use std::io::{Read, Seek};
use std::path::Path;

use source::{At, Source};

/// A media file's own record of how it was made.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Record {
    /// The container, as sniffed; `None` for a kind aiclear does not walk.
    pub format: Option<Format>,
    /// Every digital source type found, in file order.
    pub marks: Vec<Mark>,
    /// The C2PA manifests found, in store order (the active one last).
    pub manifests: Vec<Manifest>,
    /// Provenance that is present but could not be read: a C2PA store or
    /// an XMP packet that does not parse, a segment that runs past the end
    /// of the file or past a bound.
    pub unreadable: Vec<Unreadable>,
}

/// A container aiclear walks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    Jpeg,
    Png,
    Tiff,
    /// ISO base media: MP4, MOV, HEIC, AVIF.
    Bmff,
    /// RIFF: WAV, WebP, AVI.
    Riff,
    Exr,
    /// A `.c2pa` manifest store on its own.
    C2pa,
}

impl Format {
    /// How messages name the container.
    pub const fn title(self) -> &'static str {
        match self {
            Format::Jpeg => "JPEG",
            Format::Png => "PNG",
            Format::Tiff => "TIFF",
            Format::Bmff => "ISO media (MP4, MOV, HEIC)",
            Format::Riff => "RIFF (WAV, WebP)",
            Format::Exr => "OpenEXR",
            Format::C2pa => "C2PA manifest store",
        }
    }
}

/// One digital source type a file records.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mark {
    /// The value as written: an IPTC URI
    /// (`http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia`)
    /// or a bare term.
    pub value: String,
    /// The IPTC term, the URI's last segment (`trainedAlgorithmicMedia`).
    pub term: String,
    pub origin: Origin,
    /// What carries it and where, for messages: ``XMP `Iptc4xmpExt:DigitalSourceType` in JPEG APP1``,
    /// ``C2PA `c2pa.created` action in JPEG APP11``, ``OpenEXR header attribute `comments` ``.
    pub place: String,
    /// From a C2PA manifest other than the active one (an ingredient's).
    pub ingredient: bool,
}

/// What a digital source type says about generative AI.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Origin {
    /// Made with a model trained on data: `trainedAlgorithmicMedia`,
    /// `compositeWithTrainedAlgorithmicMedia`.
    Generative,
    /// Made by an algorithm not trained on data (`algorithmicMedia`), or
    /// enhanced by one: not generative AI.
    Algorithmic,
    /// Captured or made by people (`digitalCapture`, `humanEdits`, …).
    Human,
    /// A term that is not in the IPTC vocabulary.
    Unrecognised,
}

impl Origin {
    /// The origin an IPTC digital source type term names.
    pub fn of(term: &str) -> Origin {
        match term {
            "trainedAlgorithmicMedia" | "compositeWithTrainedAlgorithmicMedia" => {
                Origin::Generative
            }
            "algorithmicMedia" | "algorithmicallyEnhanced" | "dataDrivenMedia" => {
                Origin::Algorithmic
            }
            "digitalCapture"
            | "computationalCapture"
            | "negativeFilm"
            | "positiveFilm"
            | "print"
            | "humanEdits"
            | "minorHumanEdits"
            | "compositeCapture"
            | "compositeSynthetic"
            | "composite"
            | "digitalCreation"
            | "digitalArt"
            | "virtualRecording"
            | "screenCapture"
            | "softwareImage" => Origin::Human,
            _ => Origin::Unrecognised,
        }
    }
}

/// One C2PA manifest of a store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Manifest {
    /// The manifest's JUMBF label (`urn:c2pa:…` or `urn:uuid:…`).
    pub label: Option<String>,
    /// The claim generator (`claim_generator`, or the name and version of
    /// `claim_generator_info`): the tool that signed it.
    pub claim_generator: Option<String>,
    /// Where the store sits: `JPEG APP11`, `PNG caBX`, `.c2pa sidecar`.
    pub place: String,
    /// The last manifest of the store: the file as it is.
    pub active: bool,
}

/// Provenance found but not read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unreadable {
    /// Where it sits, as in [`Mark::place`].
    pub place: String,
    /// Why, lowercase: `the JUMBF box at byte 1,204 claims 9 GiB`.
    pub reason: String,
    /// A C2PA manifest store (GA703 warns of it), as opposed to XMP.
    pub c2pa: bool,
}

impl Record {
    /// The first generative mark, the active manifest's before an
    /// ingredient's.
    pub fn generative(&self) -> Option<&Mark> {
        self.marks
            .iter()
            .filter(|m| m.origin == Origin::Generative)
            .min_by_key(|m| m.ingredient)
    }

    /// Whether the file records nothing about its making.
    pub fn is_empty(&self) -> bool {
        self.marks.is_empty() && self.manifests.is_empty() && self.unreadable.is_empty()
    }
}

/// Reads what a file records about its making, seeking past media data.
/// A container that is not recognised gives an empty record; one that is
/// malformed gives what could be read and an [`Unreadable`].
pub fn read<R: Read + Seek>(file: &mut R) -> std::io::Result<Record> {
    walk(&mut source::Seeking::new(file))
}

/// [`read`] over an open file of `len` bytes (its metadata's length), with
/// positional reads: no seek calls.
pub fn read_file(file: &std::fs::File, len: u64) -> std::io::Result<Record> {
    walk(&mut source::Positional::new(file, len))
}

fn walk<R: At>(file: &mut R) -> std::io::Result<Record> {
    let mut src = Source::new(file)?;
    let head: Vec<u8> = src.take(src.len().min(16))?.unwrap_or_default();
    let mut record = Record {
        format: sniff(&head),
        ..Record::default()
    };
    let _ = src.seek_to(0)?;
    let walked = match record.format {
        Some(Format::Jpeg) => jpeg::walk(&mut src, &mut record),
        Some(Format::Png) => png::walk(&mut src, &mut record),
        Some(Format::Tiff) => tiff::walk(&mut src, &mut record),
        Some(Format::Bmff) => bmff::walk(&mut src, &mut record),
        Some(Format::Riff) => riff::walk(&mut src, &mut record),
        Some(Format::Exr) => exr::walk(&mut src, &mut record),
        Some(Format::C2pa) => whole_store(&mut src, &mut record),
        None => Ok(()),
    };
    match walked {
        // The container ended inside a structure: what was read stands.
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Ok(record),
        Err(e) => Err(e),
        Ok(()) => Ok(record),
    }
}

/// [`read`] over bytes already in memory (a blob from git).
pub fn read_bytes(bytes: &[u8]) -> Record {
    read(&mut std::io::Cursor::new(bytes)).unwrap_or_default()
}

/// [`read`] over a file on disk.
pub fn read_path(path: &Path) -> std::io::Result<Record> {
    // Unbuffered: the reader keeps its own window of the file.
    let file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    read_file(&file, len)
}

/// The container the first bytes of a file announce (8 bytes are enough;
/// ISO media and a bare JUMBF store name themselves at bytes 4 to 8).
pub fn sniff(head: &[u8]) -> Option<Format> {
    let at = |from: usize, magic: &[u8]| head.get(from..from + magic.len()) == Some(magic);
    if at(0, &[0xFF, 0xD8, 0xFF]) {
        Some(Format::Jpeg)
    } else if at(0, b"\x89PNG\r\n\x1a\n") {
        Some(Format::Png)
    } else if at(0, b"II*\0") || at(0, b"MM\0*") || at(0, b"II+\0") || at(0, b"MM\0+") {
        Some(Format::Tiff)
    } else if at(4, b"ftyp") {
        Some(Format::Bmff)
    } else if at(0, b"RIFF") {
        Some(Format::Riff)
    } else if at(0, &[0x76, 0x2f, 0x31, 0x01]) {
        Some(Format::Exr)
    } else if at(4, b"jumb") {
        Some(Format::C2pa)
    } else {
        None
    }
}

/// A `.c2pa` file: one JUMBF manifest store.
fn whole_store<R: At>(src: &mut Source<R>, record: &mut Record) -> std::io::Result<()> {
    const PLACE: &str = ".c2pa sidecar";
    if src.len() > source::MAX_STORE {
        record.unreadable_store(PLACE, format!("the store is {}", source::size(src.len())));
        return Ok(());
    }
    jumbf::read_store_at(src, 0, src.len(), PLACE, record)
}

impl Record {
    /// A C2PA store at `carrier` that could not be read.
    fn unreadable_store(&mut self, carrier: &str, reason: String) {
        self.unreadable.push(Unreadable {
            place: format!("C2PA manifest store in {carrier}"),
            reason,
            c2pa: true,
        });
    }

    /// An XMP packet at `carrier` that could not be read.
    fn unreadable_xmp(&mut self, carrier: &str, reason: String) {
        self.unreadable.push(Unreadable {
            place: format!("XMP packet in {carrier}"),
            reason,
            c2pa: false,
        });
    }

    /// The marks of an XMP packet found at `carrier`.
    fn xmp(&mut self, packet: &[u8], carrier: &str) {
        match xmp::source_types(packet) {
            Ok(values) => {
                for value in values {
                    let place = format!("XMP `Iptc4xmpExt:DigitalSourceType` in {carrier}");
                    self.marks.push(Mark::new(&value, place, false));
                }
            }
            Err(reason) => self.unreadable_xmp(carrier, reason),
        }
    }
}

impl Mark {
    /// The mark for `value` (an IPTC URI or term) found at `place`.
    pub fn new(value: &str, place: String, ingredient: bool) -> Mark {
        let value = value.trim();
        let term = term_of(value).to_owned();
        Mark {
            value: value.to_owned(),
            origin: Origin::of(&term),
            term,
            place,
            ingredient,
        }
    }
}

/// The IPTC term of a digital source type value: the last segment of a URI
/// (`…/digitalsourcetype/trainedAlgorithmicMedia`), or the value itself.
pub fn term_of(value: &str) -> &str {
    let value = value.trim().trim_end_matches('/');
    value.rsplit(['/', '#', ':']).next().unwrap_or(value)
}

#[cfg(test)]
mod tests;
