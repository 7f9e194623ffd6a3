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
pub mod usda;

use std::io::Write as _;
use std::path::Path;

use crate::config::Settings;
use crate::kind::{self, FileKind, SIDECAR_SUFFIX};
pub use crate::yaml::quote::{double_quoted, yaml_string};

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

/// How a project-relative path declares its AI use: the kind, and the file
/// that holds the declaration (the sidecar for media: a file the `media`
/// globs match, or of a kind declared in a sidecar whatever the
/// configuration says).
pub fn declaration_file(settings: &Settings, rel: &str) -> Option<(FileKind, String)> {
    if kind::is_sidecar(rel) {
        return Some((FileKind::Sidecar, rel.to_owned()));
    }
    if settings.files.media.is_match(rel) || kind::declared_in_sidecar(rel) {
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

    /// Whatever folder a file is in, `annotate` writes its declaration where
    /// the table says it lives.
    #[test]
    fn every_kind_is_annotated_where_the_table_says() {
        let s = Settings::default();
        for row in kind::KINDS {
            for ext in row.extensions {
                for rel in [
                    format!("a.{ext}"),
                    format!("deep/er/A.{}", ext.to_uppercase()),
                ] {
                    let (k, file) = declaration_file(&s, &rel).unwrap();
                    assert_eq!(k, row.declared, "{rel}");
                    match k {
                        FileKind::Sidecar => assert_eq!(file, format!("{rel}{SIDECAR_SUFFIX}")),
                        _ => assert_eq!(file, rel),
                    }
                }
            }
        }
    }
}
