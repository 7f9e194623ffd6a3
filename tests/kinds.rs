//! The script and asset formats declared in sidecars (Final Draft, Fade In,
//! Highland, PDF drafts, USD assets) and text USD layers, which declare in
//! their `customLayerData`: found by default, annotated, and found by
//! `init`.

mod common;
#[path = "common/write.rs"]
mod support;

use common::*;
use support::*;

/// Files of every sidecar kind, where the built-in globs look for them.
const SIDECAR_KINDS: &[&str] = &[
    "drafts/ep101.fdx",
    "ep102.FDX",
    "writing/ep103.fadein",
    "ep104.highland",
    "scripts/ep105-draft.pdf",
    "assets/car.usdz",
    "set/stage.usdc",
    "teapot.usd",
];

#[test]
fn sidecar_kinds_without_a_sidecar_are_ga001_by_default() {
    let dir = project();
    for rel in SIDECAR_KINDS {
        write(dir.path(), rel, b"PK\x03\x04 not read");
    }
    // A PDF outside `scripts/` is a manual, not a draft.
    write(dir.path(), "docs/manual.pdf", b"%PDF-1.7");
    let (report, code) = check_json(dir.path(), &[]);
    assert_eq!(code, 1, "{report}");
    let mut found: Vec<String> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| {
            assert_eq!(d["code"], "GA001", "{d}");
            let mut all = vec![d["path"].as_str().unwrap().to_owned()];
            if let Some(more) = d["also"].as_array() {
                all.extend(
                    more.iter()
                        .map(|p| p["path"].as_str().unwrap_or("").to_owned()),
                );
            }
            all
        })
        .collect();
    found.sort();
    let mut want: Vec<String> = SIDECAR_KINDS.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(found, want, "{report}");
}

#[test]
fn annotate_writes_a_sidecar_for_each_and_check_is_clean() {
    let dir = project();
    for rel in SIDECAR_KINDS {
        write(dir.path(), rel, b"binary");
    }
    let mut args = vec!["annotate", "--none"];
    args.extend(SIDECAR_KINDS);
    let out = ok(&run(dir.path(), &args));
    for rel in SIDECAR_KINDS {
        assert!(out.contains(&format!("created {rel}.genai.yml")), "{out}");
        let sidecar = std::fs::read_to_string(dir.path().join(format!("{rel}.genai.yml"))).unwrap();
        assert!(sidecar.ends_with("genai: none\n"), "{sidecar}");
    }
    let (report, code) = check_json(dir.path(), &[]);
    assert_eq!(code, 0, "{report}");
}

/// `check` says to run `annotate` on a PDF draft; `annotate` does it.
#[test]
fn a_pdf_draft_is_annotated_as_check_says() {
    let dir = project();
    write(dir.path(), "scripts/a.pdf", b"%PDF-1.7");
    let (report, _) = check_json(dir.path(), &[]);
    let help = report["diagnostics"][0]["help"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(help.contains("aiclear annotate"), "{report}");
    let out = ok(&run(dir.path(), &["annotate", "scripts/a.pdf"]));
    assert!(out.contains("created scripts/a.pdf.genai.yml"), "{out}");
    let (report, _) = check_json(dir.path(), &[]);
    let paths = paths(&report);
    assert!(
        paths.iter().all(|p| *p == "scripts/a.pdf.genai.yml"),
        "{report}"
    );
    assert!(codes(&report).contains(&"GA004".to_owned()), "{report}");
}

fn usd_layers() -> Vec<(String, Vec<u8>)> {
    let dir = corpus().join("usd");
    let mut layers: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "usda"))
        .map(|p| (format!("assets/{}", name(&p)), std::fs::read(&p).unwrap()))
        .collect();
    layers.sort();
    // A layer without a metadata block, and one whose block has no
    // `customLayerData` (the corpus's text `.usd`, as a `.usda`).
    layers.push((
        "assets/bare.usda".into(),
        b"#usda 1.0\n\ndef Xform \"a\"\n{\n}\n".to_vec(),
    ));
    let teapot = std::fs::read(dir.join("intent-vfx_teapot.usd")).unwrap();
    layers.push(("assets/teapot.usda".into(), teapot));
    layers
}

#[test]
fn real_layers_are_ga001_then_annotated_in_place() {
    let dir = project();
    let layers = usd_layers();
    for (rel, bytes) in &layers {
        write(dir.path(), rel, bytes);
    }
    let (report, code) = check_json(dir.path(), &[]);
    assert_eq!(code, 1);
    assert!(codes(&report).iter().all(|c| c == "GA001"), "{report}");

    let mut args = vec!["annotate", "--none"];
    args.extend(layers.iter().map(|(r, _)| r.as_str()));
    let out = ok(&run(dir.path(), &args));
    assert_eq!(out.lines().count(), layers.len(), "{out}");
    for (rel, before) in &layers {
        let after = std::fs::read(dir.path().join(rel)).unwrap();
        let added = String::from_utf8(inserted(before, &after).to_vec()).unwrap();
        assert!(
            added.contains("string genai = \"none\""),
            "{rel}: {added:?}"
        );
    }
    let (report, code) = check_json(dir.path(), &[]);
    assert_eq!(code, 0, "{report}");

    // Annotating again changes nothing.
    let out = ok(&run(dir.path(), &args));
    assert!(
        out.lines().all(|l| l.contains("already has a declaration")),
        "{out}"
    );
}

#[test]
fn the_template_in_a_layer_points_at_each_placeholder() {
    let dir = project();
    let (rel, bytes) = &usd_layers()[0];
    write(dir.path(), rel, bytes);
    ok(&run(dir.path(), &["annotate", rel]));
    let (report, code) = check_json(dir.path(), &[]);
    assert_eq!(code, 1);
    // The template's placeholders, and the tool rules that read them as
    // a tool without its terms, as for a YAML template.
    assert_eq!(
        codes(&report).iter().filter(|c| *c == "GA004").count(),
        8,
        "{report}"
    );
    let text = std::fs::read_to_string(dir.path().join(rel)).unwrap();
    for d in report["diagnostics"].as_array().unwrap() {
        let line = d["line"].as_u64().unwrap() as usize;
        let shown = text.lines().nth(line - 1).unwrap();
        assert!(shown.contains("\"TODO\""), "{line}: {shown}");
    }
}

#[test]
fn a_broken_layer_is_not_annotated() {
    let dir = project();
    write(
        dir.path(),
        "assets/a.usda",
        b"#usda 1.0\n(\n    customLayerData = {\n        string a = \"open\n    }\n)\n",
    );
    let out = run(dir.path(), &["annotate", "--none", "assets/a.usda"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("cannot annotate"), "{}", stderr(&out));
}

#[test]
fn init_globs_every_new_kind() {
    let dir = tempfile::tempdir().unwrap();
    for rel in SIDECAR_KINDS {
        write(dir.path(), rel, b"x");
    }
    write(dir.path(), "drafts/ep106.pdf", b"%PDF");
    write(dir.path(), "assets/set.usda", b"#usda 1.0\n");
    let out = ok(&run(dir.path(), &["init"]));
    let config = std::fs::read_to_string(dir.path().join(".aiclear/config.yml")).unwrap();
    for glob in [
        "\"**/*.fdx\"",
        "\"**/*.fadein\"",
        "\"**/*.highland\"",
        "\"scripts/**/*.pdf\"",
        "\"drafts/**/*.pdf\"",
        "\"**/*.usda\"",
        "\"**/*.{usd,usdc,usdz}\"",
    ] {
        assert!(config.contains(glob), "{glob}\n{config}");
    }
    assert!(out.contains("**/*.usda (1 file)"), "{out}");
    let (report, _) = check_json(dir.path(), &[]);
    let flagged = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "GA001")
        .count();
    assert!(flagged >= 1, "{report}");
}

/// A layer larger than aiclear reads of any file is still checked: only
/// its header is read.
#[test]
fn a_layer_of_any_size_is_read_by_its_header() {
    let dir = project();
    let path = dir.path().join("assets/city.usda");
    write(
        dir.path(),
        "assets/city.usda",
        b"#usda 1.0\n(\n    customLayerData = {\n        string genai = \"none\"\n    }\n)\n\ndef Xform \"city\"\n{\n",
    );
    let f = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    f.set_len(80 << 20).unwrap();
    let (report, code) = check_json(dir.path(), &[]);
    assert_eq!(code, 0, "{report}");
}
