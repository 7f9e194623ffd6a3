//! What the GA7xx rules compare a declaration with: the record a media
//! file keeps of its own making ([`crate::embedded`]), and which declared
//! outputs are about the file.
//!
//! The register (`aiclear report`) words the same facts with [`Own::summary`]
//! and [`agreement`], so a rule and the register never tell two stories.

use crate::declaration::{Declaration, Output, Use};
use crate::embedded::{Format, Mark, Origin, Record};

/// A media file a sidecar describes, and what it says of itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MediaFile {
    /// Relative to the project root (`vfx/ep101/plate_0420.jpg`).
    pub path: String,
    pub own: Own,
}

/// What a media file records of its own making, as far as it was read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Own {
    /// Read: the file and any `.c2pa` sidecar beside it.
    Read(Record),
    /// A Git LFS pointer whose content is not at hand (not fetched, or the
    /// work-tree file is another version): nothing to compare.
    InLfs,
    /// Not read, and why (`it is larger than 256 MiB in git`).
    NotRead(String),
}

impl Own {
    /// The record, when the file was read.
    pub fn record(&self) -> Option<&Record> {
        match self {
            Own::Read(r) => Some(r),
            _ => None,
        }
    }

    /// For the register: `C2PA: trainedAlgorithmicMedia (Adobe Firefly)`,
    /// `XMP: digitalCapture`, `none found`, `in Git LFS, not read`,
    /// `unreadable C2PA`.
    pub fn summary(&self) -> String {
        let r = match self {
            Own::Read(r) => r,
            Own::InLfs => return "in Git LFS, not read".to_owned(),
            Own::NotRead(why) => return format!("not read: {why}"),
        };
        let mark = r
            .generative()
            .or_else(|| r.marks.iter().min_by_key(|m| m.ingredient));
        let mut s = match mark {
            Some(m) => {
                let mut s = format!("{}: {}", carrier(m), m.term);
                if let Some(by) = signer(r, m) {
                    s.push_str(&format!(" ({by})"));
                }
                if m.ingredient {
                    s.push_str(", in an ingredient");
                }
                s
            }
            None if r.manifests.is_empty() => String::new(),
            None => match active_signer(r) {
                Some(by) => format!("C2PA without a source type ({by})"),
                None => "C2PA without a source type".to_owned(),
            },
        };
        if r.unreadable.iter().any(|u| u.c2pa) {
            if !s.is_empty() {
                s.push_str("; ");
            }
            s.push_str("unreadable C2PA");
        } else if s.is_empty() && !r.unreadable.is_empty() {
            s.push_str("unreadable XMP");
        }
        if s.is_empty() {
            s.push_str("none found");
        }
        s
    }
}

/// `C2PA` or `XMP` (or what else carries a mark), from its place.
fn carrier(m: &Mark) -> &'static str {
    if m.place.starts_with("C2PA") {
        "C2PA"
    } else if m.place.starts_with("XMP") {
        "XMP"
    } else if m.place.contains("OpenEXR") {
        "EXR header"
    } else {
        "metadata"
    }
}

/// Who signed the manifest a C2PA mark comes from, when known: the active
/// manifest's claim generator for the file's own marks.
pub fn signer<'r>(r: &'r Record, m: &Mark) -> Option<&'r str> {
    if !m.place.starts_with("C2PA") || m.ingredient {
        return None;
    }
    active_signer(r)
}

fn active_signer(r: &Record) -> Option<&str> {
    r.manifests
        .iter()
        .rev()
        .find(|m| m.active)
        .or(r.manifests.last())
        .and_then(|m| m.claim_generator.as_deref())
}

/// Where a mark was found and what it says, for notes:
/// ``C2PA `c2pa.created` action in JPEG APP11: digitalSourceType
/// trainedAlgorithmicMedia, signed by "Adobe Firefly 1.0"``.
pub fn describe(r: &Record, m: &Mark) -> String {
    let mut s = format!("{}: digitalSourceType {}", m.place, m.term);
    if let Some(by) = signer(r, m) {
        s.push_str(&format!(", signed by \"{by}\""));
    }
    if m.ingredient {
        s.push_str(", from the manifest of an ingredient");
    }
    s
}

/// The mark a file's origin is judged by: its own (the active manifest's,
/// or its XMP) before an ingredient's, generative before any other.
pub fn leading_mark(r: &Record) -> Option<&Mark> {
    r.generative().filter(|m| !m.ingredient).or_else(|| {
        r.marks
            .iter()
            .find(|m| !m.ingredient && m.origin != Origin::Unrecognised)
    })
}

/// The output a media file is, by its extension, else by its container:
/// image for JPEG, PNG, TIFF, WebP, HEIC, EXR, DPX and PSD, video for MP4,
/// MOV, MXF, AVI and MKV, audio for WAV, AIFF, FLAC and MP3.
pub fn output_of(path: &str, format: Option<Format>) -> Option<Output> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let by_ext = match ext.as_str() {
        "jpg" | "jpeg" | "png" | "tif" | "tiff" | "webp" | "heic" | "heif" | "avif" | "exr"
        | "dpx" | "psd" => Some(Output::Image),
        "mp4" | "m4v" | "mov" | "mxf" | "avi" | "mkv" => Some(Output::Video),
        "wav" | "aif" | "aiff" | "flac" | "mp3" | "m4a" => Some(Output::Audio),
        _ => None,
    };
    by_ext.or(match format {
        Some(Format::Jpeg | Format::Png | Format::Tiff | Format::Exr) => Some(Output::Image),
        Some(Format::Bmff) => Some(Output::Video),
        Some(Format::Riff | Format::C2pa) | None => None,
    })
}

/// Whether a use's outputs include `output` (`voice` is audio).
pub fn outputs(u: &Use, output: Output) -> bool {
    u.output
        .iter()
        .any(|o| o.value == output || (output == Output::Audio && o.value == Output::Voice))
}

/// The uses of a declaration that are about the media file: those whose
/// output matches it (every use when the file's kind is not known).
pub fn matching<'d>(decl: &'d Declaration, media: &MediaFile) -> Vec<&'d Use> {
    let format = media.own.record().and_then(|r| r.format);
    match output_of(&media.path, format) {
        Some(out) => decl.uses.iter().filter(|u| outputs(u, out)).collect(),
        None => decl.uses.iter().collect(),
    }
}

/// Whether a declared use's `source-type` contradicts the file's own mark:
/// one says generative AI, algorithmic or human-made and the other says
/// another of the three.
pub fn contradicts(u: &Use, mark: &Mark) -> bool {
    let Some(declared) = &u.source_type else {
        return false;
    };
    let declared = Origin::of(declared.value.as_str());
    mark.origin != Origin::Unrecognised
        && declared != Origin::Unrecognised
        && declared != mark.origin
}

/// Whether the file's own record agrees with its declaration, for the
/// register: `Some(true)` (`agrees`), `Some(false)` (`contradicts: …`), or
/// `None` when there is nothing to compare or it cannot be told.
pub fn agreement(decl: &Declaration, media: &MediaFile) -> (Option<bool>, String) {
    let Some(r) = media.own.record() else {
        return (None, "nothing to compare".to_owned());
    };
    let Some(mark) = leading_mark(r) else {
        return if r.unreadable.iter().any(|u| u.c2pa) {
            (None, "cannot tell: unreadable C2PA".to_owned())
        } else {
            (None, "nothing to compare".to_owned())
        };
    };
    let uses = matching(decl, media);
    if mark.origin == Origin::Generative && uses.is_empty() {
        let why = if decl.none || decl.uses.is_empty() {
            "contradicts: generated, declared `genai: none`".to_owned()
        } else {
            "contradicts: generated, but no use declares its output".to_owned()
        };
        return (Some(false), why);
    }
    if let Some(u) = uses.iter().find(|u| contradicts(u, mark)) {
        let declared = u.source_type.as_ref().map_or("", |s| s.value.as_str());
        return (
            Some(false),
            format!("contradicts: use `{}` declares {declared}", u.id.value),
        );
    }
    (Some(true), "agrees".to_owned())
}

#[cfg(test)]
pub mod testing {
    //! Records for the GA7xx tests.

    use super::{MediaFile, Own};
    use crate::embedded::{Format, Manifest, Mark, Origin, Record, Unreadable};
    use crate::rules::Context;

    pub const FIREFLY: &str = "Adobe Firefly 1.0";

    /// A mark of `term` at `place`.
    pub fn mark(term: &str, place: &str) -> Mark {
        Mark {
            value: format!("http://cv.iptc.org/newscodes/digitalsourcetype/{term}"),
            term: term.to_owned(),
            origin: Origin::of(term),
            place: place.to_owned(),
            ingredient: false,
        }
    }

    /// A JPEG signed by Firefly whose `c2pa.created` action has `term`.
    pub fn signed(term: &str) -> Record {
        Record {
            format: Some(Format::Jpeg),
            marks: vec![mark(term, "C2PA `c2pa.created` action in JPEG APP11")],
            manifests: vec![Manifest {
                label: Some("urn:uuid:1".into()),
                claim_generator: Some(FIREFLY.into()),
                place: "JPEG APP11".into(),
                active: true,
            }],
            unreadable: Vec::new(),
        }
    }

    /// A JPEG whose C2PA store does not parse.
    pub fn corrupt() -> Record {
        Record {
            format: Some(Format::Jpeg),
            unreadable: vec![Unreadable {
                place: "C2PA manifest store in JPEG APP11".into(),
                reason: "the JUMBF box at byte 1,204 claims 9 GiB".into(),
                c2pa: true,
            }],
            ..Record::default()
        }
    }

    /// The test context for the sidecar of `vfx/ep101/plate_0420.jpg`.
    pub fn plate(record: Record) -> Context {
        Context {
            path: "vfx/ep101/plate_0420.jpg.genai.yml".into(),
            media: Some(MediaFile {
                path: "vfx/ep101/plate_0420.jpg".into(),
                own: Own::Read(record),
            }),
            ..Context::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testing::*;
    use super::*;

    #[test]
    fn outputs_by_extension_then_container() {
        assert_eq!(output_of("a/b.JPG", None), Some(Output::Image));
        assert_eq!(output_of("a/b.exr", None), Some(Output::Image));
        assert_eq!(output_of("a/b.mov", None), Some(Output::Video));
        assert_eq!(
            output_of("a/b.wav", Some(Format::Riff)),
            Some(Output::Audio)
        );
        assert_eq!(output_of("a/b", Some(Format::Png)), Some(Output::Image));
        assert_eq!(output_of("a/b", Some(Format::Riff)), None);
    }

    #[test]
    fn summaries_say_what_the_file_says() {
        let read = |r| Own::Read(r).summary();
        assert_eq!(
            read(signed("trainedAlgorithmicMedia")),
            "C2PA: trainedAlgorithmicMedia (Adobe Firefly 1.0)"
        );
        let xmp = Record {
            marks: vec![mark(
                "digitalCapture",
                "XMP `Iptc4xmpExt:DigitalSourceType` in JPEG APP1",
            )],
            ..Record::default()
        };
        assert_eq!(read(xmp), "XMP: digitalCapture");
        assert_eq!(read(Record::default()), "none found");
        assert_eq!(read(corrupt()), "unreadable C2PA");
        assert_eq!(Own::InLfs.summary(), "in Git LFS, not read");
    }

    #[test]
    fn a_note_names_the_marker_where_it_was_found_and_who_signed() {
        let r = signed("trainedAlgorithmicMedia");
        assert_eq!(
            describe(&r, &r.marks[0]),
            "C2PA `c2pa.created` action in JPEG APP11: digitalSourceType trainedAlgorithmicMedia, signed by \"Adobe Firefly 1.0\""
        );
    }
}
