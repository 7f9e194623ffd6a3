//! File names as aiclear shows them: `/`-separated, and readable even when
//! they are not UTF-8.

use std::fmt::Write as _;
use std::path::Path;

/// A name's bytes as text: valid UTF-8 as it is, every other byte as `\xNN`.
pub fn escape(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02x}");
        }
    }
    out
}

/// A name as UTF-8 text, or `Err` with its escaped form when it is not.
pub fn utf8(bytes: &[u8]) -> Result<&str, String> {
    std::str::from_utf8(bytes).map_err(|_| escape(bytes))
}

/// A relative path with `/` between its parts, any part that is not UTF-8
/// read lossily.
pub fn slash_lossy(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// A relative path with `/` between its parts, or `Err` with its escaped
/// form when a part is not UTF-8.
pub fn slash(p: &Path) -> Result<String, String> {
    // Already in that form: the parts are what `components` would give.
    #[cfg(unix)]
    if let Some(s) = p.to_str()
        && s.split('/').all(|part| !part.is_empty() && part != ".")
    {
        return Ok(s.to_owned());
    }
    let mut valid = true;
    let parts: Vec<String> = p
        .components()
        .map(|c| {
            let os = c.as_os_str();
            match os.to_str() {
                Some(s) => s.to_owned(),
                None => {
                    valid = false;
                    escape(os.as_encoded_bytes())
                }
            }
        })
        .collect();
    let joined = parts.join("/");
    if valid { Ok(joined) } else { Err(joined) }
}

/// A list of files and the names among them that are not UTF-8 (escaped),
/// which cannot be read by name and are reported instead.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Listing {
    pub files: Vec<String>,
    pub bad_names: Vec<String>,
}

impl Listing {
    /// Add a path given as bytes.
    pub fn push_bytes(&mut self, bytes: &[u8]) {
        match utf8(bytes) {
            Ok(s) => self.files.push(s.to_owned()),
            Err(e) => self.bad_names.push(e),
        }
    }

    pub fn sort(&mut self) {
        // A stable sort merges runs already in order in one pass.
        self.files.sort();
        self.files.dedup();
        self.bad_names.sort();
        self.bad_names.dedup();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_bytes_are_escaped_and_the_rest_kept() {
        assert_eq!(
            escape(b"scripts/\xe9p103.fountain"),
            "scripts/\\xe9p103.fountain"
        );
        assert_eq!(escape("é.fountain".as_bytes()), "é.fountain");
        assert_eq!(utf8(b"a\xff\xfeb"), Err("a\\xff\\xfeb".to_owned()));
        assert_eq!(utf8(b"plain"), Ok("plain"));
    }

    #[cfg(unix)]
    #[test]
    fn paths_with_a_bad_part_are_escaped() {
        use std::os::unix::ffi::OsStrExt as _;
        let p = Path::new(std::ffi::OsStr::from_bytes(b"scripts/\xe9p.fountain"));
        assert_eq!(slash(p), Err("scripts/\\xe9p.fountain".to_owned()));
        assert_eq!(slash(Path::new("a/b")), Ok("a/b".to_owned()));
    }
}
