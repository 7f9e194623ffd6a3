//! Text USD layers against USD itself (Pixar's `usd-core` from PyPI): a
//! layer that USD writes with a `genai` entry in its `customLayerData` is
//! read by aiclear as that declaration, and what `aiclear annotate` writes
//! into a real layer is a layer USD opens, with the entry where USD reads it.

mod common;

use std::path::Path;
use std::process::Command;

use common::{check_json, codes, corpus, project, run};

const USD_CORE: &str = "usd-core==26.11";

/// Run `script` with USD's Python bindings; its standard output.
fn usd_python(script: &str, args: &[&Path]) -> String {
    let python = common::tools::python_module(USD_CORE, "pxr");
    let out = Command::new(python)
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Writes a layer with USD's own writer: the declaration as typed
/// dictionaries, a bool, a string array.
const WRITE: &str = r#"
import sys
from pxr import Sdf, Vt
layer = Sdf.Layer.CreateNew(sys.argv[1])
layer.customLayerData = {
    "creator": "a pipeline tool",
    "genai": {
        "disclosed": {"to": "M. Chen, Netflix creative production", "on": "2025-09-02"},
        "uses": {
            "relay-sky": {
                "stage": "temp",
                "output": "image",
                "elements": Vt.StringArray(["background"]),
                "tools": {"Firefly": {"enterprise": True, "trains-on-inputs": sys.argv[2] == "1"}},
            }
        },
    },
}
layer.defaultPrim = "World"
layer.Save()
"#;

/// Prints the `genai` entry USD reads from a layer's `customLayerData`, as
/// JSON.
const READ: &str = r#"
import json, sys
from pxr import Sdf, Vt
layer = Sdf.Layer.FindOrOpen(sys.argv[1])
def plain(v):
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    if isinstance(v, Vt.StringArray):
        return list(v)
    return v
print(json.dumps(plain(dict(layer.customLayerData).get("genai"))))
"#;

#[test]
fn a_layer_usd_writes_is_read_as_its_declaration() {
    let p = project();
    std::fs::create_dir_all(p.path().join("vfx")).unwrap();
    let clean = p.path().join("vfx/set_clean.usda");
    let training = p.path().join("vfx/set_training.usda");
    usd_python(&WRITE.replace("sys.argv[2]", "'0'"), &[&clean]);
    usd_python(&WRITE.replace("sys.argv[2]", "'1'"), &[&training]);
    let (report, code) = check_json(p.path(), &[]);
    // The tool that may train on inputs is GA101, at the value USD wrote.
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(codes(&report), ["GA101"], "{report:#}");
    let d = &report["diagnostics"][0];
    assert_eq!(d["path"], "vfx/set_training.usda");
    let text = std::fs::read_to_string(&training).unwrap();
    let line = text.lines().nth(d["line"].as_u64().unwrap() as usize - 1);
    assert_eq!(
        line.map(str::trim),
        Some("bool \"trains-on-inputs\" = 1"),
        "{text}"
    );
}

#[test]
fn what_annotate_writes_usd_opens_and_reads() {
    let p = project();
    let layer = p.path().join("vfx/scene.usda");
    std::fs::create_dir_all(layer.parent().unwrap()).unwrap();
    std::fs::copy(corpus().join("usd/standard_shader_ball_scene.usda"), &layer).unwrap();
    let out = run(p.path(), &["annotate", "vfx/scene.usda"]);
    assert!(out.status.success(), "{out:?}");
    let genai: serde_json::Value = serde_json::from_str(&usd_python(READ, &[&layer])).unwrap();
    // The template's placeholders, where USD finds them.
    assert_eq!(genai["disclosed"]["to"], "TODO");
    assert_eq!(genai["uses"]["TODO"]["stage"], "TODO");
    assert_eq!(genai["uses"]["TODO"]["tools"]["TODO"]["enterprise"], "TODO");
    // And the layer's own entries are still there.
    let all = usd_python(
        "import sys\nfrom pxr import Sdf\nprint(sorted(Sdf.Layer.FindOrOpen(sys.argv[1]).customLayerData))",
        &[&layer],
    );
    assert_eq!(all.trim(), "['License', 'Version', 'genai']");

    // `genai: none` the same way.
    let none = p.path().join("vfx/camera.usda");
    std::fs::copy(corpus().join("usd/standard_shader_ball_camera.usda"), &none).unwrap();
    let out = run(p.path(), &["annotate", "--none", "vfx/camera.usda"]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(usd_python(READ, &[&none]).trim(), "\"none\"");
}
