//! Writing to the user's files: `aiclear annotate`, `approve` and `init`.
//!
//! Scripts, shot sheets and ledgers belong to the people who write them, so a
//! writer here never re-serialises a file. Each one finds a single insertion
//! point and splices new text in; every other byte (comments, key order,
//! indentation, line endings, a BOM, a Latin-1 script body) stays as it was.
//! Inserted lines use the file's own line ending.
//!
//! Every writer checks its result before anything touches the disk: the new
//! bytes are read back with the same parsers `aiclear check` uses, and the
//! insertion must be found there and must not change what the rest of the
//! file says. A file is then replaced in one step (a temporary file renamed
//! over it), so an interrupted write never leaves half a screenplay.

pub mod config;
pub mod declare;
pub mod json;
pub mod ledger;

use std::io::Write as _;
use std::path::Path;

use crate::config::Settings;
use crate::declaration::FileKind;

/// A line ending.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineEnding {
    Lf,
    CrLf,
    Cr,
}

impl LineEnding {
    /// The most common line ending of a file (LF when it has none, or on a tie
    /// the first of LF, CRLF, CR).
    pub fn detect(bytes: &[u8]) -> LineEnding {
        let (mut lf, mut crlf, mut cr) = (0usize, 0usize, 0usize);
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => lf += 1,
                b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                    crlf += 1;
                    i += 1;
                }
                b'\r' => cr += 1,
                _ => {}
            }
            i += 1;
        }
        if crlf > lf && crlf >= cr {
            LineEnding::CrLf
        } else if cr > lf && cr > crlf {
            LineEnding::Cr
        } else {
            LineEnding::Lf
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            LineEnding::Lf => "\n",
            LineEnding::CrLf => "\r\n",
            LineEnding::Cr => "\r",
        }
    }

    /// `text` (written with `\n`) with this line ending.
    pub fn apply(self, text: &str) -> String {
        match self {
            LineEnding::Lf => text.to_owned(),
            _ => text.replace('\n', self.as_str()),
        }
    }
}

/// Whether `bytes` ends with a line break (or is empty).
pub fn ends_with_line_break(bytes: &[u8]) -> bool {
    bytes.is_empty() || matches!(bytes.last(), Some(b'\n' | b'\r'))
}

/// Length of a leading UTF-8 byte order mark.
pub fn bom_len(bytes: &[u8]) -> usize {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    }
}

/// A YAML scalar that reads back as exactly `s`, as a string: plain when `s`
/// is a simple word, path or email address that YAML cannot take for
/// anything else, double-quoted with escapes otherwise.
pub fn yaml_string(s: &str) -> String {
    let plain = s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | '@' | '+'))
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true"
                | "false"
                | "yes"
                | "no"
                | "on"
                | "off"
                | "y"
                | "n"
                | "null"
                | "nan"
                | "inf"
                | "infinity"
        );
    if plain {
        s.to_owned()
    } else {
        double_quoted(s)
    }
}

/// A double-quoted YAML (and JSON) string.
pub fn double_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}') => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Media extensions whose declaration lives in a sidecar, whatever the
/// configuration says (a writer annotating `poster.psd` means its sidecar).
pub const MEDIA_EXTENSIONS: &[&str] = &[
    "exr", "dpx", "tif", "tiff", "png", "jpg", "jpeg", "webp", "psd", "mov", "mp4", "mxf", "avi",
    "mkv", "wav", "aif", "aiff", "mp3", "flac",
];

/// The suffix of a media file's sidecar.
pub const SIDECAR_SUFFIX: &str = ".genai.yml";

/// How a project-relative path declares its AI use: the kind, and the file
/// that holds the declaration (the sidecar for media).
pub fn declaration_file(settings: &Settings, rel: &str) -> Option<(FileKind, String)> {
    if rel.ends_with(SIDECAR_SUFFIX) {
        return Some((FileKind::Sidecar, rel.to_owned()));
    }
    let ext = rel
        .rsplit('/')
        .next()
        .and_then(|name| name.rsplit_once('.'))
        .map(|(_, e)| e.to_ascii_lowercase());
    let media_ext = ext
        .as_deref()
        .is_some_and(|e| MEDIA_EXTENSIONS.contains(&e));
    if settings.files.media.is_match(rel) || media_ext {
        return Some((FileKind::Sidecar, format!("{rel}{SIDECAR_SUFFIX}")));
    }
    FileKind::of_path(rel).map(|k| (k, rel.to_owned()))
}

/// Replace a file's content in one step: write a temporary file beside it and
/// rename it over the original, keeping the original's permissions. A
/// symbolic link is written through, so the link stays a link.
pub fn replace_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let meta = std::fs::symlink_metadata(path).ok();
    if meta.as_ref().is_some_and(|m| m.file_type().is_symlink()) {
        return std::fs::write(path, bytes);
    }
    if meta.as_ref().is_some_and(|m| m.permissions().readonly()) {
        return Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            "the file is read-only",
        ));
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let tmp = dir.join(format!(".{name}.aiclear-{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        if let Some(m) = &meta {
            std::fs::set_permissions(&tmp, m.permissions())?;
        }
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Create a new file; fails if it exists.
pub fn create_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    f.write_all(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_endings() {
        assert_eq!(LineEnding::detect(b"a\r\nb\r\nc\n"), LineEnding::CrLf);
        assert_eq!(LineEnding::detect(b"a\nb\r\n"), LineEnding::Lf);
        assert_eq!(LineEnding::detect(b"a\rb\r"), LineEnding::Cr);
        assert_eq!(LineEnding::detect(b"abc"), LineEnding::Lf);
        assert_eq!(LineEnding::CrLf.apply("a\nb\n"), "a\r\nb\r\n");
    }

    #[test]
    fn yaml_strings_read_back() {
        for (s, quoted) in [
            ("NFX-2025-0142", false),
            ("mei.chen@netflix.example.com", false),
            ("scripts/ep101.fountain", false),
            ("2025-0142", true),
            ("yes", true),
            ("sha256:00", true),
            ("a \"b\"\n\tc\\", true),
            ("", true),
            ("café", true),
            ("#x", true),
        ] {
            let y = yaml_string(s);
            assert_eq!(y.starts_with('"'), quoted, "{s:?} -> {y}");
            let node = crate::yaml::parse(&format!("k: {y}\n"), 0).unwrap();
            let crate::yaml::Value::Map(entries) = node.value else {
                panic!()
            };
            assert_eq!(entries[0].1.as_str(), Some(s), "{y}");
        }
    }

    #[test]
    fn media_goes_to_a_sidecar() {
        let s = Settings::default();
        assert_eq!(
            declaration_file(&s, "vfx/a.EXR"),
            Some((FileKind::Sidecar, "vfx/a.EXR.genai.yml".into()))
        );
        assert_eq!(
            declaration_file(&s, "vfx/a.exr.genai.yml"),
            Some((FileKind::Sidecar, "vfx/a.exr.genai.yml".into()))
        );
        assert_eq!(
            declaration_file(&s, "cut.otio"),
            Some((FileKind::Json, "cut.otio".into()))
        );
        assert_eq!(declaration_file(&s, "notes.txt"), None);
    }
}
