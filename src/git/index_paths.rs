//! The paths of an index file, read the way git reads it: without hashing
//! the whole file to check its trailing SHA-1 (git checks it in `git fsck`,
//! libgit2 on every load, which is most of a first check's listing).
//!
//! Only an index libgit2 would load the same way is read here: anything
//! else (another version, an extension libgit2 rejects or reads, an entry
//! that does not add up, a path libgit2 could refuse) is left to libgit2,
//! which then lists it or fails as before.

use crate::names::Listing;

/// The size of a SHA-1 object id and of the trailing hash.
const HASH: usize = 20;
/// Stat data (ten 32-bit numbers), the object id and the flags.
const FIXED: usize = 40 + HASH + 2;
const EXTENDED: u16 = 0x4000;
const NAME_MASK: u16 = 0x0fff;

/// The entries' paths under `prefix`, in index order; `None` when libgit2
/// must read this index.
pub(super) fn paths(bytes: &[u8], prefix: &[u8]) -> Option<Listing> {
    if bytes.get(..4)? != b"DIRC" {
        return None;
    }
    let version = be32(bytes.get(4..8)?);
    if !(2..=4).contains(&version) {
        return None;
    }
    let count = be32(bytes.get(8..12)?);
    let end = bytes.len().checked_sub(HASH)?;
    let mut rest = bytes.get(12..end)?;
    // The path of the entry just read (version 4 names each entry from the
    // one before it).
    let mut path: Vec<u8> = Vec::new();
    let mut listing = Listing::default();
    for _ in 0..count {
        let size = entry(rest, version, &mut path)?;
        if !plain(&path) {
            return None;
        }
        if path.starts_with(prefix) {
            listing.push_bytes(&path);
        }
        rest = rest.get(size..)?;
    }
    // Extensions: only those libgit2 skips unread.
    while !rest.is_empty() {
        let signature = rest.get(..4)?;
        let size = usize::try_from(be32(rest.get(4..8)?)).ok()?;
        // libgit2 rejects a required extension and checks the entries of
        // a resolved conflict; a cached tree is read only to serve writes.
        if !signature[0].is_ascii_uppercase() || signature == b"REUC" || signature == b"NAME" {
            return None;
        }
        rest = rest.get(size.checked_add(8)?..)?;
    }
    Some(listing)
}

/// One entry's size in bytes; its path replaces the one before in `path`.
fn entry(rest: &[u8], version: u32, path: &mut Vec<u8>) -> Option<usize> {
    let flags = u16::from_be_bytes(rest.get(FIXED - 2..FIXED)?.try_into().ok()?);
    let at = if flags & EXTENDED == 0 {
        FIXED
    } else {
        FIXED + 2
    };
    let tail = rest.get(at..)?;
    if version < 4 {
        let len = usize::from(flags & NAME_MASK);
        let nul = if len == usize::from(NAME_MASK) {
            tail.iter().position(|&b| b == 0)?
        } else {
            len
        };
        if tail.get(nul) != Some(&0) || tail[..nul].contains(&0) {
            return None;
        }
        let size = (at + nul + 8) & !7;
        path.clear();
        path.extend_from_slice(&tail[..nul]);
        (size <= rest.len()).then_some(size)
    } else {
        let (strip, used) = varint(tail)?;
        let keep = path.len().checked_sub(usize::try_from(strip).ok()?)?;
        let suffix = &tail[used..];
        let nul = suffix.iter().position(|&b| b == 0)?;
        path.truncate(keep);
        path.extend_from_slice(&suffix[..nul]);
        Some(at + used + nul + 1)
    }
}

/// git's variable-length number of index version 4 (each continuation adds
/// one before shifting), and the bytes it took.
fn varint(bytes: &[u8]) -> Option<(u64, usize)> {
    let mut used = 0;
    let mut byte = *bytes.first()?;
    let mut value = u64::from(byte & 0x7f);
    while byte & 0x80 != 0 {
        used += 1;
        value = value.checked_add(1)?;
        if value >> 57 != 0 {
            return None;
        }
        byte = *bytes.get(used)?;
        value = (value << 7) + u64::from(byte & 0x7f);
    }
    Some((value, used + 1))
}

/// Whether libgit2 is sure to take this path as it is: no empty, `.` or
/// `..` part, nothing it could read as `.git` on some file system (any
/// part naming `git` once bytes outside ASCII are left out, a `~`, `:` or
/// `\`), no part ending in a dot or a space, and shorter than libgit2's
/// limit.
fn plain(path: &[u8]) -> bool {
    if path.is_empty() || path.len() >= 4096 {
        return false;
    }
    // The byte before, and the last two ASCII bytes of the part, lowercased.
    let (mut prev, mut before, mut last) = (b'/', 0, 0);
    for &b in path {
        match b {
            b'/' if matches!(prev, b'/' | b'.' | b' ') => return false,
            b'/' => (before, last) = (0, 0),
            b'~' | b':' | b'\\' => return false,
            _ if b.is_ascii() => {
                let b = b.to_ascii_lowercase();
                if (before, last, b) == (b'g', b'i', b't') {
                    return false;
                }
                (before, last) = (last, b);
            }
            _ => {}
        }
        prev = b;
    }
    !matches!(prev, b'/' | b'.' | b' ')
}

fn be32(bytes: &[u8]) -> u32 {
    u32::from_be_bytes(bytes.try_into().unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;
    use std::process::Command;

    fn git(dir: &Path, args: &[&str]) {
        let status = Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env_remove("GIT_INDEX_FILE")
            .env_remove("GIT_DIR")
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    }

    fn libgit2_paths(index: &Path, prefix: &[u8]) -> Vec<String> {
        let index = git2::Index::open(index).unwrap();
        let mut listing = Listing::default();
        for entry in index.iter() {
            if entry.path.starts_with(prefix) {
                listing.push_bytes(&entry.path);
            }
        }
        listing.sort();
        listing.files
    }

    #[test]
    fn every_index_version_lists_what_libgit2_lists() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        git(root, &["init", "-q"]);
        for name in [
            "a.fountain",
            "scripts/ep101.fountain",
            "scripts/ep101.fountain.bak",
            "scripts/sub dir/b.md",
            "scripts/é.yml",
            "z/y/x/w.json",
        ] {
            let path = root.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, name).unwrap();
        }
        git(root, &["add", "--", "a.fountain", "scripts", "z"]);
        // A name too long for its length to fit the flags: in the index only.
        let blob = Command::new("git")
            .args(["hash-object", "-w", "a.fountain"])
            .current_dir(root)
            .output()
            .unwrap();
        let blob = String::from_utf8(blob.stdout).unwrap();
        let long = format!("scripts/{}/ab.fountain", ["d"; 2038].join("/"));
        assert_eq!(long.len(), 4095);
        let info = format!("100644,{},{long}", blob.trim());
        git(root, &["update-index", "--add", "--cacheinfo", &info]);
        std::fs::write(root.join("scripts/new.md"), "new").unwrap();
        // An intent to add has an extended entry.
        git(root, &["add", "-N", "--", "scripts/new.md"]);
        let index = root.join(".git/index");
        for version in ["2", "3", "4", "2"] {
            git(root, &["update-index", "--index-version", version]);
            let bytes = std::fs::read(&index).unwrap();
            for prefix in [&b""[..], b"scripts/", b"q/"] {
                let mut ours = paths(&bytes, prefix).expect(version);
                ours.sort();
                assert_eq!(ours.files, libgit2_paths(&index, prefix), "{version}");
            }
        }
        // A cached tree, as after a commit.
        git(
            root,
            &[
                "-c",
                "user.name=a",
                "-c",
                "user.email=a@b",
                "commit",
                "-qm",
                "a",
            ],
        );
        let bytes = std::fs::read(&index).unwrap();
        assert!(bytes.windows(4).any(|w| w == b"TREE"));
        let mut ours = paths(&bytes, b"").unwrap();
        ours.sort();
        assert_eq!(ours.files, libgit2_paths(&index, b""));
    }

    #[test]
    fn anything_unusual_is_left_to_libgit2() {
        for path in [
            &b".git/config"[..],
            b"a/.GIT/x",
            b"GIT~1/x",
            b"a/../b",
            b"./a",
            b"a//b",
            b"/a",
            b"a/",
            b".g\xe2\x80\x8cit/x",
            b"a:b",
            b"a\\b",
            b"a./b",
            b"a /b",
            b"",
        ] {
            assert!(!plain(path), "{}", String::from_utf8_lossy(path));
        }
        assert!(plain(b"scripts/ep101.fountain"));
        assert!(plain("vfx/é.yml".as_bytes()));
        // No header, another version, a truncated entry, a required extension.
        let mut index = b"DIRC\0\0\0\x02\0\0\0\0".to_vec();
        index.extend([0; HASH]);
        assert!(paths(&index, b"").is_some());
        assert!(paths(&index[1..], b"").is_none());
        index[7] = 5;
        assert!(paths(&index, b"").is_none());
        index[7] = 2;
        index[11] = 1;
        assert!(paths(&index, b"").is_none());
        index[11] = 0;
        let trailer = index.split_off(12);
        index.extend(b"link\0\0\0\0");
        index.extend(&trailer);
        assert!(paths(&index, b"").is_none());
    }
}
