//! The embedded-provenance reader on real files: the c2pa-rs test images in
//! `tests/corpus/media/` and the files signed with c2pa-python in
//! `tests/corpus/media/generated/` (made by `make_fixtures.py`). What
//! aiclear reads is checked against a table, and against c2pa-python's own
//! reader over the same files, and over a file signed afresh with a source
//! type picked at random.

#[path = "../common/mod.rs"]
mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use aiclear::embedded::{self, Format, Origin, Record};

const C2PA_PYTHON: &str = "c2pa-python==0.38.1";
const FIXTURES_GENERATOR: &str = "aiclear-fixtures/1.0";

fn media(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus/media")
        .join(name)
}

fn read(name: &str) -> Record {
    embedded::read_path(&media(name)).unwrap()
}

/// The IPTC terms of a record's C2PA actions.
fn c2pa_terms(r: &Record) -> BTreeSet<String> {
    r.marks
        .iter()
        .filter(|m| m.place.starts_with("C2PA "))
        .map(|m| m.term.clone())
        .collect()
}

fn active_generator(r: &Record) -> Option<&str> {
    r.manifests
        .iter()
        .find(|m| m.active)
        .and_then(|m| m.claim_generator.as_deref())
}

/// A file, its container, its C2PA source types, how many manifests it
/// has and the active manifest's claim generator.
type Row = (
    &'static str,
    Format,
    &'static [&'static str],
    usize,
    Option<&'static str>,
);

const TABLE: &[Row] = &[
    (
        "CA.jpg",
        Format::Jpeg,
        &[],
        1,
        Some("make_test_images/0.33.1 c2pa-rs/0.33.1"),
    ),
    (
        "CACAE-uri-CA.jpg",
        Format::Jpeg,
        &["algorithmicMedia"],
        3,
        Some("make_test_images/0.36.0 c2pa-rs/0.36.0"),
    ),
    ("earth_apollo17.jpg", Format::Jpeg, &[], 0, None),
    (
        "generated/trained.jpg",
        Format::Jpeg,
        &["trainedAlgorithmicMedia"],
        1,
        Some(FIXTURES_GENERATOR),
    ),
    (
        "generated/composite.png",
        Format::Png,
        &["compositeWithTrainedAlgorithmicMedia"],
        1,
        Some(FIXTURES_GENERATOR),
    ),
    (
        "generated/algorithmic.tif",
        Format::Tiff,
        &["algorithmicMedia"],
        1,
        Some(FIXTURES_GENERATOR),
    ),
    (
        "generated/capture.webp",
        Format::Riff,
        &["digitalCapture"],
        1,
        Some(FIXTURES_GENERATOR),
    ),
    (
        "generated/trained.wav",
        Format::Riff,
        &["trainedAlgorithmicMedia"],
        1,
        Some(FIXTURES_GENERATOR),
    ),
    (
        "generated/trained.mp4",
        Format::Bmff,
        &["trainedAlgorithmicMedia"],
        1,
        Some(FIXTURES_GENERATOR),
    ),
    (
        "generated/trained.heic",
        Format::Bmff,
        &["trainedAlgorithmicMedia"],
        1,
        Some(FIXTURES_GENERATOR),
    ),
    ("generated/xmp-only.heic", Format::Bmff, &[], 0, None),
    (
        "generated/sidecar.c2pa",
        Format::C2pa,
        &["trainedAlgorithmicMedia"],
        1,
        Some(FIXTURES_GENERATOR),
    ),
    ("generated/sidecar.jpg", Format::Jpeg, &[], 0, None),
    ("generated/xmp-only.jpg", Format::Jpeg, &[], 0, None),
    ("generated/plain.png", Format::Png, &[], 0, None),
];

#[test]
fn every_fixture_reads_as_its_table_row_says() {
    for (name, format, terms, manifests, generator) in TABLE {
        let r = read(name);
        assert_eq!(r.format, Some(*format), "{name}");
        assert!(r.unreadable.is_empty(), "{name}: {:?}", r.unreadable);
        let want: BTreeSet<String> = terms.iter().map(|t| t.to_string()).collect();
        assert_eq!(c2pa_terms(&r), want, "{name}");
        assert_eq!(r.manifests.len(), *manifests, "{name}");
        assert_eq!(active_generator(&r), *generator, "{name}");
        if *manifests > 0 {
            assert!(r.manifests.last().unwrap().active, "{name}");
        }
    }
}

#[test]
fn generative_fixtures_say_so_and_others_do_not() {
    let trained = read("generated/trained.jpg");
    let mark = trained.generative().unwrap();
    assert_eq!(mark.place, "C2PA `c2pa.created` action in JPEG APP11");
    assert!(!mark.ingredient);
    assert_eq!(
        read("generated/composite.png").generative().unwrap().place,
        "C2PA `c2pa.created` action in PNG caBX"
    );
    assert_eq!(
        read("generated/trained.mp4").generative().unwrap().place,
        "C2PA `c2pa.created` action in MP4 `uuid` box"
    );
    assert_eq!(
        read("generated/trained.wav").generative().unwrap().place,
        "C2PA `c2pa.created` action in WAV `C2PA` chunk"
    );
    for name in [
        "generated/algorithmic.tif",
        "generated/capture.webp",
        "CACAE-uri-CA.jpg",
    ] {
        assert!(read(name).generative().is_none(), "{name}");
    }
    let xmp = read("generated/xmp-only.jpg");
    assert_eq!(xmp.marks.len(), 1);
    assert_eq!(xmp.marks[0].origin, Origin::Generative);
    assert_eq!(
        xmp.marks[0].place,
        "XMP `Iptc4xmpExt:DigitalSourceType` in JPEG APP1"
    );
    // The older manifests of a store are ingredients.
    let cacae = read("CACAE-uri-CA.jpg");
    assert!(cacae.marks.iter().any(|m| m.ingredient));
}

#[test]
fn bytes_and_files_read_the_same() {
    for (name, ..) in TABLE {
        let bytes = std::fs::read(media(name)).unwrap();
        assert_eq!(embedded::read_bytes(&bytes), read(name), "{name}");
    }
}

/// What c2pa-python's Reader says of `file` (with `sidecar` as its external
/// manifest store, if given): one line of JSON with the source types of
/// every manifest's actions, the number of manifests and the active
/// manifest's claim generator.
const READER: &str = r#"
import json, sys, c2pa
path, sidecar = sys.argv[1], sys.argv[2]
if sidecar:
    reader = c2pa.Reader("image/jpeg", open(path, "rb"), open(sidecar, "rb").read())
else:
    try:
        reader = c2pa.Reader(path)
    except Exception as e:
        if "ManifestNotFound" in type(e).__name__ or "not found" in str(e).lower():
            print(json.dumps({"terms": [], "manifests": 0, "generator": None}))
            sys.exit(0)
        raise
store = json.loads(reader.json())
terms = set()
for m in store["manifests"].values():
    for a in m.get("assertions", []):
        if a["label"].split("__")[0] in ("c2pa.actions", "c2pa.actions.v2"):
            for act in a["data"].get("actions", []):
                if "digitalSourceType" in act:
                    terms.add(act["digitalSourceType"].rstrip("/").rsplit("/", 1)[-1])
active = store["manifests"][store["active_manifest"]]
gen = active.get("claim_generator")
if not gen and active.get("claim_generator_info"):
    info = active["claim_generator_info"][0]
    gen = info["name"] + ("/" + info["version"] if info.get("version") else "")
print(json.dumps({"terms": sorted(terms), "manifests": len(store["manifests"]), "generator": gen}))
"#;

fn c2pa_python() -> PathBuf {
    common::tools::python_module(C2PA_PYTHON, "c2pa")
}

fn python_reads(python: &Path, file: &Path, sidecar: Option<&Path>) -> serde_json::Value {
    let out = Command::new(python)
        .args(["-c", READER])
        .arg(file)
        .arg(sidecar.map(|s| s.as_os_str()).unwrap_or_default())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "c2pa-python on {}: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn assert_agree(python: &Path, file: &Path, sidecar: Option<&Path>, ours: &Record) {
    let theirs = python_reads(python, file, sidecar);
    let terms: BTreeSet<String> = theirs["terms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_owned())
        .collect();
    let what = file.display();
    assert_eq!(c2pa_terms(ours), terms, "source types of {what}");
    assert_eq!(
        ours.manifests.len() as u64,
        theirs["manifests"].as_u64().unwrap(),
        "manifests of {what}"
    );
    assert_eq!(
        active_generator(ours),
        theirs["generator"].as_str(),
        "claim generator of {what}"
    );
}

#[test]
fn c2pa_python_reads_the_fixtures_as_aiclear_does() {
    let python = c2pa_python();
    for (name, ..) in TABLE {
        if name.ends_with(".c2pa") {
            let jpeg = media("generated/sidecar.jpg");
            assert_agree(&python, &jpeg, Some(&media(name)), &read(name));
        } else {
            assert_agree(&python, &media(name), None, &read(name));
        }
    }
}

#[test]
fn a_freshly_signed_file_agrees_with_c2pa_python() {
    const TERMS: [&str; 5] = [
        "trainedAlgorithmicMedia",
        "compositeWithTrainedAlgorithmicMedia",
        "algorithmicMedia",
        "digitalCapture",
        "digitalArt",
    ];
    const SOURCES: [(&str, &str); 3] = [
        ("generated/plain.png", "image/png"),
        ("generated/sidecar.jpg", "image/jpeg"),
        ("generated/trained.wav", "audio/wav"),
    ];
    let python = c2pa_python();
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos() as usize;
    let term = TERMS[seed % TERMS.len()];
    let (source, mime) = SOURCES[(seed / 7) % SOURCES.len()];
    let dir = tempfile::tempdir().unwrap();
    let signed = dir.path().join(Path::new(source).file_name().unwrap());
    let script = format!(
        "import sys; sys.path.insert(0, {here:?}); import make_fixtures; \
         make_fixtures.sign({src:?}, {dst:?}, {mime:?}, {term:?})",
        here = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/embedded"),
        src = media(source),
        dst = signed,
    );
    let out = Command::new(&python)
        .args(["-c", &script])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "signing {source} with {term}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ours = embedded::read_path(&signed).unwrap();
    let active: BTreeSet<&str> = ours
        .marks
        .iter()
        .filter(|m| !m.ingredient && m.place.starts_with("C2PA "))
        .map(|m| m.term.as_str())
        .collect();
    assert_eq!(
        active,
        BTreeSet::from([term]),
        "{source} signed with {term}"
    );
    assert_agree(&python, &signed, None, &ours);
}

#[test]
fn damaged_fixtures_never_panic() {
    let mut rng = common::Rng(0x9E37_79B9_7F4A_7C15);
    for (name, ..) in TABLE {
        let good = std::fs::read(media(name)).unwrap();
        // Cut short anywhere, denser near the start where the headers are.
        for cut in (0..good.len().min(4096))
            .step_by(97)
            .chain((0..good.len()).step_by(1021))
        {
            let _ = embedded::read_bytes(&good[..cut]);
        }
        for _ in 0..1500 {
            let mut bad = good.clone();
            let at = rng.below(bad.len());
            match rng.below(4) {
                0 => bad[at] ^= 1 << rng.below(8),
                1 => {
                    let end = (at + 4).min(bad.len());
                    bad[at..end].fill(0xFF);
                }
                2 => {
                    let end = (at + 4).min(bad.len());
                    bad[at..end].fill(0);
                }
                _ => bad.truncate(at),
            }
            let r = embedded::read_bytes(&bad);
            assert!(r.marks.len() < 1000, "{name}");
        }
    }
}
