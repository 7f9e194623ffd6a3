// Shared by the fuzz targets (included with `#[path]`).
#![allow(dead_code)]

use aiclear::declaration::FileKind;

/// The file kind chosen by the input's first byte, the rest being the file.
pub fn split(data: &[u8]) -> Option<(FileKind, &[u8])> {
    let (&first, rest) = data.split_first()?;
    let kind = match first % 6 {
        0 => FileKind::Fountain,
        1 => FileKind::Markdown,
        2 => FileKind::Yaml,
        3 => FileKind::Json,
        4 => FileKind::Usda,
        _ => FileKind::Sidecar,
    };
    Some((kind, rest))
}

/// A path of the right extension for a kind.
pub fn path_of(kind: FileKind) -> &'static str {
    match kind {
        FileKind::Fountain => "scripts/ep101.fountain",
        FileKind::Markdown => "scripts/bible.md",
        FileKind::Yaml => "vfx/shots/sh010.yml",
        FileKind::Json => "vfx/edit/cut.otio",
        FileKind::Usda => "assets/set.usda",
        FileKind::Sidecar => "vfx/plates/plate.exr.genai.yml",
    }
}

/// Every span a parser reports must lie inside the file.
pub fn assert_spans_in(findings: &[aiclear::rules::Finding], len: usize) {
    for f in findings {
        if let Some(s) = &f.span {
            assert!(
                s.start <= s.end && s.end <= len,
                "{} span {s:?} outside a file of {len} bytes: {}",
                f.rule.code,
                f.message
            );
        }
    }
}
