//! Media files checked against the record they keep of their own making
//! (GA701–GA703), on the signed fixtures in `tests/corpus/media/`: in the
//! work tree, in the index (`--staged`) and in a range (`--base`), read from
//! the same snapshot as the sidecar.

mod common;

use std::path::{Path, PathBuf};

use common::git::{TestRepo, WRITER};
use common::*;
use serde_json::Value;

const NONE: &str = "# Plate 0420, sky replacement pass\ngenai: none\n";

/// A declared image use of generative AI with `source-type` as given.
fn declared(source_type: &str) -> String {
    format!(
        "genai:\n  disclosed: {{ to: \"M. Chen, Netflix creative production\", on: 2025-09-02 }}\n  uses:\n    - id: plate-0420-sky\n      stage: previs\n      output: image\n      source-type: {source_type}\n      tools: [{{ name: \"Adobe Firefly\", enterprise: true, trains-on-inputs: false }}]\n"
    )
}

fn corpus(rel: &str) -> Vec<u8> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/media");
    std::fs::read(dir.join(rel)).unwrap()
}

/// A signed JPEG whose C2PA store no longer parses.
fn corrupt() -> Vec<u8> {
    let mut jpeg = corpus("generated/trained.jpg");
    let at = jpeg.windows(4).position(|w| w == b"cbor").unwrap();
    for b in &mut jpeg[at + 4..at + 40] {
        *b = 0xff;
    }
    jpeg
}

/// Each diagnostic's code, path and line.
fn found(report: &Value) -> Vec<(String, String, u64)> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or_default().to_owned(),
                d["path"].as_str().unwrap().to_owned(),
                d["line"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

fn at(code: &str, path: &str, line: u64) -> (String, String, u64) {
    (code.to_owned(), path.to_owned(), line)
}

/// The one finding of `plate_0420.jpg` recording generative AI while its
/// sidecar says `genai: none`: GA701 at the sidecar's `genai` key.
fn assert_generated_but_none(report: &Value) {
    assert_eq!(
        found(report),
        [at("GA701", "vfx/ep101/plate_0420.jpg.genai.yml", 2)],
        "{report:#}"
    );
}

/// A plate and its sidecar in `vfx/ep101/`.
fn plate(dir: &Path, name: &str, media: &[u8], sidecar: &str) {
    write(dir, &format!("vfx/ep101/{name}"), media);
    write(dir, &format!("vfx/ep101/{name}.genai.yml"), sidecar);
}

#[test]
fn a_generated_plate_declared_none_is_an_error_at_its_genai_key() {
    let repo = TestRepo::new();
    plate(
        repo.path(),
        "plate_0420.jpg",
        &corpus("generated/trained.jpg"),
        NONE,
    );
    let (report, code) = check_json(repo.path(), &[]);
    assert_eq!(code, 1, "{report:#}");
    assert_generated_but_none(&report);
    let d = &report["diagnostics"][0];
    assert_eq!(
        d["message"],
        "vfx/ep101/plate_0420.jpg says it was made with generative AI, but its declaration says `genai: none`"
    );
    let notes = d["notes"].to_string();
    assert!(notes.contains("C2PA `c2pa.created` action in JPEG APP11: digitalSourceType trainedAlgorithmicMedia, signed by \\\"aiclear-fixtures/1.0\\\""), "{notes}");
}

#[test]
fn what_each_fixture_records_gives_exactly_its_findings() {
    let repo = TestRepo::new();
    let dir = repo.path();
    // WebP too (the default globs name no WebP).
    repo.write(
        ".aiclear/config.yml",
        "files:\n  media: ['vfx/**/*.{jpg,png,tif,webp,wav,mp4,heic}']\n",
    );
    plate(
        dir,
        "declared.jpg",
        &corpus("generated/trained.jpg"),
        &declared("trainedAlgorithmicMedia"),
    );
    plate(dir, "algorithmic.jpg", &corpus("CACAE-uri-CA.jpg"), NONE);
    plate(dir, "camera.webp", &corpus("generated/capture.webp"), NONE);
    plate(
        dir,
        "algorithmic.tif",
        &corpus("generated/algorithmic.tif"),
        NONE,
    );
    plate(dir, "plain.png", &corpus("generated/plain.png"), NONE);
    plate(
        dir,
        "contradicted.jpg",
        &corpus("generated/trained.jpg"),
        &declared("digitalCapture"),
    );
    plate(dir, "corrupt.jpg", &corrupt(), NONE);
    plate(
        dir,
        "composite.png",
        &corpus("generated/composite.png"),
        NONE,
    );
    plate(dir, "xmp.jpg", &corpus("generated/xmp-only.jpg"), NONE);
    plate(dir, "still.heic", &corpus("generated/trained.heic"), NONE);
    plate(dir, "sound.wav", &corpus("generated/trained.wav"), NONE);
    plate(dir, "shot.mp4", &corpus("generated/trained.mp4"), NONE);
    // An unsigned JPEG whose manifest store sits beside it.
    plate(dir, "beside.jpg", &corpus("generated/sidecar.jpg"), NONE);
    write(
        dir,
        "vfx/ep101/beside.c2pa",
        corpus("generated/sidecar.c2pa"),
    );
    let (report, _) = check_json(dir, &[]);
    let side = |n: &str| format!("vfx/ep101/{n}.genai.yml");
    assert_eq!(
        found(&report),
        [
            at("GA701", &side("beside.jpg"), 2),
            at("GA701", &side("composite.png"), 2),
            at("GA702", &side("contradicted.jpg"), 7),
            at("GA703", &side("corrupt.jpg"), 2),
            at("GA701", &side("shot.mp4"), 2),
            at("GA701", &side("sound.wav"), 2),
            at("GA701", &side("still.heic"), 2),
            at("GA701", &side("xmp.jpg"), 2),
        ],
        "{report:#}"
    );
}

#[test]
fn the_index_is_read_not_the_work_tree() {
    let repo = TestRepo::new();
    plate(
        repo.path(),
        "plate_0420.jpg",
        &corpus("generated/trained.jpg"),
        NONE,
    );
    repo.git(&["add", "-A"]);
    // The work tree holds another plate; the staged one is generated.
    write(
        repo.path(),
        "vfx/ep101/plate_0420.jpg",
        corpus("generated/capture.webp"),
    );
    let (report, code) = check_json(repo.path(), &["--staged"]);
    assert_eq!(code, 1, "{report:#}");
    assert_generated_but_none(&report);
    let (report, code) = check_json(repo.path(), &[]);
    assert_eq!((found(&report), code), (Vec::new(), 0));
}

#[test]
fn a_range_reads_the_head_commit() {
    let repo = TestRepo::new();
    plate(
        repo.path(),
        "plate_0420.jpg",
        &corpus("generated/capture.webp"),
        NONE,
    );
    repo.commit(WRITER, "Plate 0420");
    let base = repo.git(&["rev-parse", "HEAD"]);
    write(
        repo.path(),
        "vfx/ep101/plate_0420.jpg",
        corpus("generated/trained.jpg"),
    );
    repo.commit(WRITER, "Plate 0420, sky pass");
    // Back in the work tree, the camera plate again: the commit is judged.
    write(
        repo.path(),
        "vfx/ep101/plate_0420.jpg",
        corpus("generated/capture.webp"),
    );
    let (report, code) = check_json(repo.path(), &["--base", &base]);
    assert_eq!(code, 1, "{report:#}");
    assert_generated_but_none(&report);
    // The declared use in a second commit clears it.
    write(
        repo.path(),
        "vfx/ep101/plate_0420.jpg",
        corpus("generated/trained.jpg"),
    );
    write(
        repo.path(),
        "vfx/ep101/plate_0420.jpg.genai.yml",
        declared("trainedAlgorithmicMedia"),
    );
    repo.commit(WRITER, "Declare the sky pass");
    let (report, code) = check_json(repo.path(), &["--base", &base]);
    assert_eq!((found(&report), code), (Vec::new(), 0), "{report:#}");
}

#[test]
fn a_corrupt_store_warns_in_every_mode() {
    let repo = TestRepo::new();
    repo.write("README.md", "x\n");
    repo.commit(WRITER, "Start");
    let base = repo.git(&["rev-parse", "HEAD"]);
    plate(repo.path(), "plate_0420.jpg", &corrupt(), NONE);
    repo.git(&["add", "-A"]);
    let want = [at("GA703", "vfx/ep101/plate_0420.jpg.genai.yml", 2)];
    for args in [&[][..], &["--staged"][..]] {
        let (report, code) = check_json(repo.path(), args);
        assert_eq!((found(&report), code), (want.to_vec(), 0), "{args:?}");
    }
    repo.commit(WRITER, "Plate 0420");
    let (report, _) = check_json(repo.path(), &["--base", &base]);
    assert_eq!(found(&report), want);
}

#[test]
fn embedded_provenance_false_reads_no_media() {
    let repo = TestRepo::new();
    plate(
        repo.path(),
        "plate_0420.jpg",
        &corpus("generated/trained.jpg"),
        NONE,
    );
    repo.write(".aiclear/config.yml", "embedded-provenance: false\n");
    let (report, code) = check_json(repo.path(), &[]);
    assert_eq!((found(&report), code), (Vec::new(), 0));
}

/// A Git LFS pointer to `content`.
fn pointer(content: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let oid: String = Sha256::digest(content)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!(
        "version https://git-lfs.github.com/spec/v1\noid sha256:{oid}\nsize {}\n",
        content.len()
    )
}

#[test]
fn an_lfs_pointer_is_read_through_the_same_version_in_the_work_tree() {
    let repo = TestRepo::new();
    let trained = corpus("generated/trained.jpg");
    plate(
        repo.path(),
        "plate_0420.jpg",
        pointer(&trained).as_bytes(),
        NONE,
    );
    repo.git(&["add", "-A"]);
    // Not fetched: the work tree holds the pointer too.
    let (report, code) = check_json(repo.path(), &["--staged"]);
    assert_eq!((found(&report), code), (Vec::new(), 0));
    let register =
        String::from_utf8(run(repo.path(), &["report", "--format", "json"]).stdout).unwrap();
    let register: Value = serde_json::from_str(&register).unwrap();
    assert_eq!(
        register["files_declaring_none"][0]["media_record"]["says"],
        "in Git LFS, not read"
    );
    // Fetched: the work-tree file is the pointer's content.
    write(repo.path(), "vfx/ep101/plate_0420.jpg", &trained);
    let (report, code) = check_json(repo.path(), &["--staged"]);
    assert_eq!(code, 1);
    assert_generated_but_none(&report);
    // Another version in the work tree is not the staged one.
    write(
        repo.path(),
        "vfx/ep101/plate_0420.jpg",
        corpus("generated/xmp-only.jpg"),
    );
    let (report, code) = check_json(repo.path(), &["--staged"]);
    assert_eq!((found(&report), code), (Vec::new(), 0));
}

#[test]
fn the_register_says_what_each_file_records_and_whether_it_agrees() {
    let repo = TestRepo::new();
    let dir = repo.path();
    plate(
        dir,
        "declared.jpg",
        &corpus("generated/trained.jpg"),
        &declared("trainedAlgorithmicMedia"),
    );
    plate(
        dir,
        "plate_0420.jpg",
        &corpus("generated/trained.jpg"),
        NONE,
    );
    plate(
        dir,
        "algorithmic.tif",
        &corpus("generated/algorithmic.tif"),
        NONE,
    );
    plate(dir, "plain.png", &corpus("generated/plain.png"), NONE);
    let out = run(dir, &["report", "--format", "json"]);
    let register: Value = serde_json::from_slice(&out.stdout).unwrap();
    let record = &register["uses"][0]["media_record"];
    assert_eq!(
        record["says"],
        "C2PA: trainedAlgorithmicMedia (aiclear-fixtures/1.0)"
    );
    assert_eq!(record["agrees"], true);
    let none: Vec<(String, Value, String)> = register["files_declaring_none"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            let m = &n["media_record"];
            (
                m["says"].as_str().unwrap().to_owned(),
                m["agrees"].clone(),
                m["agreement"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        none,
        [
            (
                "C2PA: algorithmicMedia (aiclear-fixtures/1.0)".to_owned(),
                Value::Bool(true),
                "agrees".to_owned()
            ),
            (
                "none found".to_owned(),
                Value::Null,
                "nothing to compare".to_owned()
            ),
            (
                "C2PA: trainedAlgorithmicMedia (aiclear-fixtures/1.0)".to_owned(),
                Value::Bool(false),
                "contradicts: generated, declared `genai: none`".to_owned()
            ),
        ]
    );
    let csv = String::from_utf8(run(dir, &["report", "--format", "csv"]).stdout).unwrap();
    assert!(
        csv.contains("C2PA: trainedAlgorithmicMedia (aiclear-fixtures/1.0),yes"),
        "{csv}"
    );
}

#[test]
fn a_generated_plate_without_a_sidecar_says_what_it_records() {
    let repo = TestRepo::new();
    write(
        repo.path(),
        "vfx/ep101/plate_0420.jpg",
        corpus("generated/trained.jpg"),
    );
    let (report, code) = check_json(repo.path(), &[]);
    assert_eq!(code, 1);
    let d = &report["diagnostics"][0];
    assert_eq!(d["code"], "GA001");
    assert!(
        d["notes"].to_string().contains(
            "the file's own record says it was made with generative AI (C2PA: trainedAlgorithmicMedia (aiclear-fixtures/1.0))"
        ),
        "{d:#}"
    );
    assert_eq!(
        d["help"],
        "run `aiclear annotate vfx/ep101/plate_0420.jpg` for a template to fill in with the use it records"
    );
}
