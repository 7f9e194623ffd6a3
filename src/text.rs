//! Small pieces of wording shared by every output.

/// `1 file`, `2 files`.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// What a closed pipe (`aiclear check | head`) leaves of a write: success,
/// since the reader has all it wanted; any other error stays.
pub fn ignore_broken_pipe(written: std::io::Result<()>) -> std::io::Result<()> {
    match written {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plurals() {
        assert_eq!(plural(0, "file", "files"), "0 files");
        assert_eq!(plural(1, "file", "files"), "1 file");
        assert_eq!(plural(2, "entry", "entries"), "2 entries");
    }

    #[test]
    fn only_a_broken_pipe_is_ignored() {
        use std::io::{Error, ErrorKind};
        assert!(ignore_broken_pipe(Err(Error::from(ErrorKind::BrokenPipe))).is_ok());
        let denied = ignore_broken_pipe(Err(Error::from(ErrorKind::PermissionDenied)));
        assert_eq!(denied.unwrap_err().kind(), ErrorKind::PermissionDenied);
        assert!(ignore_broken_pipe(Ok(())).is_ok());
    }
}
