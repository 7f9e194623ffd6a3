//! Text USD layers: the declaration in `customLayerData`, read with spans
//! into the layer, and every problem at its line.

mod common;

use aiclear::declaration::usda::{header, read_layer};
use aiclear::kind::FileKind;
use aiclear::rules::{Finding, Read, read_declaration};

fn read(text: &str) -> Read {
    read_declaration(FileKind::Usda, text.as_bytes())
}

/// The code and the text pointed at, for each finding.
fn found<'a>(text: &'a str, r: &Read) -> Vec<(&'static str, &'a str)> {
    r.findings
        .iter()
        .map(|f| (f.rule.code, f.span.clone().map_or("", |s| &text[s])))
        .collect()
}

fn line_of(text: &str, f: &Finding) -> usize {
    aiclear::yaml::line_of(text.as_bytes(), f.span.clone().unwrap().start)
}

const FULL: &str = r#"#usda 1.0
(
    customLayerData = {
        string creator = "Houdini 20.5"
        dictionary genai = {
            dictionary disclosed = {
                string to = "M. Chen, Netflix creative production"
                string on = "2025-09-02"
            }
            dictionary uses = {
                dictionary "aria-design" = {
                    string stage = "final"
                    string output = "image"
                    string[] elements = ["background"]
                    string "human-input" = "set dressers repainted the sky"
                    dictionary tools = {
                        dictionary "Firefly" = {
                            bool enterprise = 1
                            bool "trains-on-inputs" = 0
                        }
                    }
                }
            }
        }
    }
    defaultPrim = "World"
    upAxis = "Y"
)

def Xform "World"
{
}
"#;

#[test]
fn a_full_declaration_reads_like_yaml() {
    let r = read(FULL);
    assert!(r.findings.is_empty(), "{:?}", r.findings);
    let d = r.declaration.unwrap();
    assert_eq!(&FULL[d.key_span.clone()], "genai");
    let disclosed = d.disclosed.unwrap();
    assert_eq!(
        disclosed.to.unwrap().value,
        "M. Chen, Netflix creative production"
    );
    assert_eq!(d.uses.len(), 1);
    let u = &d.uses[0];
    assert_eq!(u.id.value, "aria-design");
    assert_eq!(&FULL[u.id.span.clone()], "\"aria-design\"");
    assert_eq!(u.tools.len(), 1);
    assert_eq!(u.tools[0].name.value, "Firefly");
    assert!(u.tools[0].enterprise.as_ref().unwrap().value);
    assert_eq!(&FULL[u.tools[0].enterprise.clone().unwrap().span], "1");
    assert_eq!(u.elements.len(), 1);
    assert!(u.human_input.is_some());
}

/// The same use reads to the same digest as its YAML form, so an approval
/// granted for one covers the other.
#[test]
fn the_use_digests_as_in_yaml() {
    let yaml = "genai:\n  uses:\n    - id: aria-design\n      stage: final\n      output: image\n      elements: [background]\n      human-input: set dressers repainted the sky\n      tools: [{ name: Firefly, enterprise: true, trains-on-inputs: false }]\n";
    let y = read_declaration(FileKind::Yaml, yaml.as_bytes());
    let u = read(FULL).declaration.unwrap().uses.remove(0);
    assert_eq!(
        aiclear::approvals::digest(&u),
        aiclear::approvals::digest(&y.declaration.unwrap().uses[0])
    );
}

#[test]
fn none() {
    for text in [
        "#usda 1.0\n(\n    customLayerData = {\n        string genai = \"none\"\n    }\n)\n",
        "#usda 1.0\n( customLayerData = { token genai = \"none\" } )\n",
        "\u{feff}#usda 1.0\r\n(\r\n  customLayerData = {\r\n    string genai = 'none'\r\n  }\r\n)\r\n",
    ] {
        let r = read(text);
        assert!(r.findings.is_empty(), "{text:?}: {:?}", r.findings);
        assert!(r.declaration.unwrap().none, "{text:?}");
    }
}

#[test]
fn unknown_keys_and_wrong_types_point_into_the_layer() {
    let text = FULL
        .replace("string[] elements", "string[] elemnts")
        .replace("bool enterprise = 1", "string enterprise = \"yes\"")
        .replace("string stage = \"final\"", "string stage = \"finale\"");
    let r = read(&text);
    let f = found(&text, &r);
    assert_eq!(
        f,
        [
            ("GA003", "elemnts"),
            ("GA004", "\"finale\""),
            ("GA004", "\"yes\""),
        ],
        "{:#?}",
        r.findings
    );
    assert_eq!(
        r.findings[0].help.as_deref(),
        Some("did you mean `elements`?")
    );
    assert_eq!(line_of(&text, &r.findings[0]), 14);
    assert_eq!(line_of(&text, &r.findings[1]), 12);
    assert_eq!(line_of(&text, &r.findings[2]), 18);
    // Told in USD's terms: a boolean is a `bool` entry.
    assert_eq!(
        r.findings[2].help.as_deref(),
        Some("write `bool enterprise = 1` (or `0`)")
    );
}

#[test]
fn syntax_errors_at_their_line() {
    let cases = [
        // A value its own type refuses.
        (FULL.replace("bool enterprise = 1", "bool enterprise = \"maybe\""), 18, "\"maybe\""),
        // A dictionary never closed.
        (
            "#usda 1.0\n(\n    customLayerData = {\n        dictionary genai = {\n            string a = \"b\"\n)\n".to_owned(),
            6,
            ")",
        ),
        // An unknown type, with a suggestion.
        (FULL.replace("string stage", "strin stage"), 12, "strin"),
        // Two entries on one line without `;`.
        (FULL.replace("string stage = \"final\"", "string stage = \"final\" string x = \"y\""), 12, "string"),
        // A string never closed in the metadata.
        ("#usda 1.0\n(\n    doc = \"\"\"never\n".to_owned(), 3, "\"\"\""),
        // A list in the metadata never closed.
        (
            "#usda 1.0\n(\n    subLayers = [\n        @./a.usda@\n".to_owned(),
            3,
            "[",
        ),
        // A key twice.
        (FULL.replace("string output = \"image\"", "string stage = \"temp\""), 13, "stage"),
    ];
    for (text, line, at) in &cases {
        let r = read(text);
        assert_eq!(r.findings.len(), 1, "{text}\n{:#?}", r.findings);
        let f = &r.findings[0];
        assert_eq!(f.rule.code, "GA002", "{f:?}");
        assert_eq!(line_of(text, f), *line, "{text}\n{f:?}");
        assert_eq!(&text[f.span.clone().unwrap()], *at, "{f:?}");
        assert!(f.message.contains("cannot be read"), "{}", f.message);
    }
    assert!(
        read(&cases[2].0).findings[0]
            .help
            .as_deref()
            .unwrap()
            .contains("`string`")
    );
}

#[test]
fn no_declaration_and_near_misses() {
    for text in [
        "#usda 1.0\n",
        "#usda 1.0\n\ndef Xform \"a\" {\n}\n",
        "#usda 1.0\n(\n    upAxis = \"Y\"\n)\n",
        "#usda 1.0\n(\n    customLayerData = {\n        string creator = \"x\"\n    }\n)\n",
    ] {
        let r = read(text);
        assert_eq!(
            found(text, &r),
            [("GA001", "")],
            "{text:?}: {:?}",
            r.findings
        );
    }
    let text = "#usda 1.0\n(\n    customLayerData = {\n        string GenAI = \"none\"\n    }\n)\n";
    assert_eq!(found(text, &read(text)), [("GA003", "GenAI")]);
    let lfs = "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a\nsize 12345\n";
    assert!(read(lfs).findings[0].message.contains("Git LFS pointer"));
    for text in ["PXR-USDC\0\0\0", "", "# usda\n"] {
        assert_eq!(read(text).findings[0].rule.code, "GA002", "{text:?}");
    }
}

#[test]
fn ids_are_dictionary_keys() {
    let text = FULL.replace(
        "string stage = \"final\"",
        "string id = \"other\"\n                    string stage = \"final\"",
    );
    let r = read(&text);
    assert_eq!(found(&text, &r), [("GA004", "id")], "{:#?}", r.findings);
    assert_eq!(r.declaration.unwrap().uses[0].id.value, "aria-design");
    // A tool written as a name only, and a use that is not a dictionary.
    let text = FULL.replace(
        "dictionary tools = {",
        "string[] tools = [\"Firefly\"]\n                    dictionary unused = {",
    );
    assert!(found(&text, &read(&text)).contains(&("GA004", "\"Firefly\"")));
}

#[test]
fn strings_with_hashes_and_brackets_are_not_syntax() {
    let text = "#usda 1.0\n(\n    doc = \"\"\"# not a comment ) { [\n\"\"\" # a comment )\n    customLayerData = {\n        string source = '''a # b ''' // c\n        /* ) */ string genai = \"none\"\n    }\n)\n";
    let r = read(text);
    assert!(r.findings.is_empty(), "{:?}", r.findings);
    assert!(r.declaration.unwrap().none);
}

#[test]
fn real_layers_read_to_missing_declarations() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/usd");
    for name in [
        "standard_shader_ball_scene.usda",
        "standard_shader_ball_camera.usda",
        "sedanGeo.usda",
        "intent-vfx_teapot.usd",
    ] {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        let layer = read_layer(&bytes).unwrap();
        assert!(layer.block.is_some(), "{name}");
        let r = read_declaration(FileKind::Usda, &bytes);
        assert_eq!(r.findings.len(), 1, "{name}: {:?}", r.findings);
        assert_eq!(r.findings[0].rule.code, "GA001", "{name}");
    }
}

/// A layer of megabytes is read as far as its header, whatever follows it.
#[test]
fn only_the_header_is_read() {
    let mut text = String::from(
        "#usda 1.0\n(\n    customLayerData = {\n        string genai = \"none\"\n    }\n)\n\ndef Mesh \"m\"\n{\n    point3f[] points = [",
    );
    while text.len() < 8 << 20 {
        text.push_str("(1.5, 2.5, 3.5), ");
    }
    text.push_str("\"unterminated");
    let start = std::time::Instant::now();
    let r = read(&text);
    assert!(r.findings.is_empty());
    assert!(
        start.elapsed() < std::time::Duration::from_millis(200),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(
        header(text.as_bytes()).len(),
        text.find(")\n\ndef").unwrap() + 1
    );
}

#[test]
fn hostile_inputs_are_bounded() {
    let deep = format!(
        "#usda 1.0\n(\n    customLayerData = {{\n        {}\n",
        "dictionary genai = {".repeat(100)
    );
    assert_eq!(read(&deep).findings[0].rule.code, "GA002");
    let wide = format!(
        "#usda 1.0\n(\n    customLayerData = {{\n        string[] genai = [{}\"a\"]\n    }}\n)\n",
        "\"a\", ".repeat(300_000)
    );
    assert_eq!(read(&wide).findings[0].rule.code, "GA002");
    let nested = format!("#usda 1.0\n(\n    x = {}\n)\n", "[".repeat(10_000));
    assert_eq!(read(&nested).findings[0].rule.code, "GA002");
    for text in [
        "#usda 1.0\n(",
        "#usda 1.0\n( customLayerData",
        "#usda 1.0\n( customLayerData = { string",
        "#usda 1.0\n( customLayerData = { string genai = ",
        "#usda 1.0\n(\n a = @x\n)",
    ] {
        assert_eq!(read(text).findings[0].rule.code, "GA002", "{text:?}");
    }
}

/// The example in docs/usd.md reads without a finding, to the same use as
/// the YAML beside it.
#[test]
fn the_documented_example_reads_as_its_yaml() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/usd.md")).unwrap();
    let example = doc.split("## A full example").nth(1).unwrap();
    let block = |fence: &str| {
        let start = example.find(fence).unwrap() + fence.len();
        let len = example[start..].find("```").unwrap();
        example[start..start + len].to_owned()
    };
    let (yaml, usda) = (block("```yaml\n"), block("```text\n"));
    let u = read(&usda);
    assert!(u.findings.is_empty(), "{:?}", u.findings);
    let y = read_declaration(FileKind::Yaml, yaml.as_bytes());
    assert!(y.findings.is_empty(), "{:?}", y.findings);
    assert_eq!(
        aiclear::approvals::digest(&u.declaration.unwrap().uses[0]),
        aiclear::approvals::digest(&y.declaration.unwrap().uses[0])
    );
}

#[test]
fn tools_own_keys_are_not_near_misses() {
    for key in ["generator", "creator", "gen", "general"] {
        let text = format!(
            "#usda 1.0\n(\n    customLayerData = {{\n        string {key} = \"x\"\n    }}\n)\n"
        );
        assert_eq!(read(&text).findings[0].rule.code, "GA001", "{key}");
    }
    for key in ["gen_ai", "GenAI", "\"gen-ai\"", "gena"] {
        let text = format!(
            "#usda 1.0\n(\n    customLayerData = {{\n        string {key} = \"none\"\n    }}\n)\n"
        );
        assert_eq!(read(&text).findings[0].rule.code, "GA003", "{key}");
    }
}

/// Mutated layers never panic, never point outside the file, and annotate
/// either refuses them or writes a declaration that reads back.
#[test]
fn mutated_layers_are_read_safely() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/usd");
    let mut seeds = vec![FULL.as_bytes().to_vec()];
    for name in ["standard_shader_ball_scene.usda", "intent-vfx_teapot.usd"] {
        seeds.push(std::fs::read(dir.join(name)).unwrap());
    }
    const PIECES: &[&[u8]] = &[
        b"\"",
        b"'",
        b"\"\"\"",
        b"'''",
        b"{",
        b"}",
        b"(",
        b")",
        b"[",
        b"]",
        b"#",
        b"//",
        b"/*",
        b"*/",
        b"@",
        b"@@@",
        b"<",
        b">",
        b"=",
        b";",
        b",",
        b"\n",
        b"\r",
        b"\\",
        b"dictionary ",
        b"string[] ",
        b"bool ",
        b"genai",
        b"customLayerData",
        b"\xff",
        b"\xc3\xa9",
        b"-",
        b"1e",
    ];
    let mut rng = common::Rng(0x9E37_79B9_7F4A_7C15);
    let mut next = |n: usize| rng.below(n);
    for round in 0..3000 {
        let mut bytes = seeds[round % seeds.len()].clone();
        for _ in 0..1 + next(3) {
            let at = next(bytes.len().min(700) + 1);
            match next(3) {
                0 => {
                    let end = (at + 1 + next(8)).min(bytes.len());
                    bytes.drain(at..end);
                }
                _ => {
                    let piece = PIECES[next(PIECES.len())];
                    bytes.splice(at..at, piece.iter().copied());
                }
            }
        }
        let r = read_declaration(FileKind::Usda, &bytes);
        for f in &r.findings {
            if let Some(s) = &f.span {
                assert!(s.start <= s.end && s.end <= bytes.len(), "{f:?}");
            }
        }
        for form in [
            aiclear::write::declare::Form::None,
            aiclear::write::declare::Form::Template,
        ] {
            if let Ok(aiclear::write::declare::Outcome::Inserted {
                bytes: new,
                at,
                len,
                ..
            }) = aiclear::write::declare::insert(FileKind::Usda, &bytes, form)
            {
                assert_eq!(&new[..at], &bytes[..at]);
                assert_eq!(&new[at + len..], &bytes[at..]);
                assert!(read_declaration(FileKind::Usda, &new).declaration.is_some());
            }
        }
    }
}

/// A layer's metadata that does not end within what is read is reported,
/// not taken for an unclosed block.
#[test]
fn a_header_past_the_read_limit_is_reported() {
    let limit = aiclear::declaration::usda::MAX_HEADER_BYTES;
    let mut text = String::from("#usda 1.0\n(\n    doc = \"\"\"");
    text.push_str(&"a long note\n".repeat(limit / 12 + 10));
    text.push_str("\"\"\"\n    customLayerData = {\n        string genai = \"none\"\n    }\n)\n");
    let r = read(&text);
    assert_eq!(r.findings.len(), 1, "{:?}", r.findings);
    assert_eq!(r.findings[0].rule.code, "GA002");
    assert!(
        r.findings[0].message.contains("runs past its first 8 MiB"),
        "{}",
        r.findings[0].message
    );
}
