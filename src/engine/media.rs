//! The media file a sidecar describes: what it records of its own making,
//! read from the same snapshot as the sidecar (GA701–GA703).
//!
//! In the work tree the file is opened (never through a link out of the
//! project) and walked by [`embedded::read`], which seeks past pixel and
//! sample data; this runs on the worker threads. From the index or a commit
//! the blob's bytes are given to [`embedded::read_bytes`] where they are
//! read, so that no more than one media blob is held at a time. A `.c2pa`
//! manifest store beside the file (`plate.c2pa` or `plate.jpg.c2pa`) is read
//! too and merged into the record.
//!
//! A Git LFS pointer is not media: its work-tree file is read instead, but
//! only when its SHA-256 is the pointer's `oid` (the same version);
//! otherwise the record is [`Own::InLfs`].

use std::collections::{HashMap, HashSet};
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};

use super::read::{Content, Files, Opened, open_worktree};
use super::targets::Target;
use crate::embedded::{self, Record};
use crate::kind::{self, List};
use crate::rules::media::{MediaFile, Own};

/// Largest media blob read from git, where it is read whole.
pub(super) const MAX_BLOB_BYTES: u64 = 256 << 20;
/// Largest `.c2pa` manifest store read from git.
const MAX_STORE_BYTES: u64 = 16 << 20;
/// How a Git LFS pointer starts.
const LFS: &[u8] = b"version https://git-lfs.github.com/spec/v1";
/// Pointers are small; a file this large is content, whatever it starts with.
const MAX_POINTER_BYTES: u64 = 1024;

/// The media file a target describes, when its record is worth reading:
/// a sidecar of a media file (not of a script format aiclear cannot read).
pub(super) fn described(target: &Target) -> Option<&str> {
    let media = target.media.as_deref()?;
    kind::row_of(media)
        .is_none_or(|row| row.list == List::Media)
        .then_some(media)
}

/// The `.c2pa` stores that may sit beside `media`: `plate.c2pa`, then
/// `plate.jpg.c2pa`.
pub(super) fn store_paths(media: &str) -> [String; 2] {
    let (dir, name) = media.rsplit_once('/').map_or(("", media), |(d, n)| (d, n));
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    let stem = if dir.is_empty() {
        stem.to_owned()
    } else {
        format!("{dir}/{stem}")
    };
    [format!("{stem}.c2pa"), format!("{media}.c2pa")]
}

/// The `.c2pa` stores in the work tree's folders, each folder listed once
/// and shared by the workers: most folders have none, and a listing is
/// cheaper than two failed opens for every plate.
#[derive(Default)]
pub(super) struct Stores<'a> {
    /// Every store of the work tree, when the check lists all its files.
    listed: Option<&'a HashSet<String>>,
    folders: Mutex<HashMap<String, Arc<[String]>>>,
}

impl<'a> Stores<'a> {
    /// The stores among `listed`, every store of the work tree; without
    /// it, folders are listed as plates are read.
    pub(super) fn new(listed: Option<&'a HashSet<String>>) -> Self {
        Stores {
            listed,
            folders: Mutex::default(),
        }
    }

    /// The stores of [`store_paths`] that exist beside `media`.
    pub(super) fn beside(&self, root: &Path, media: &str) -> Vec<String> {
        if let Some(listed) = self.listed {
            return store_paths(media)
                .into_iter()
                .filter(|p| listed.contains(p))
                .collect();
        }
        let folder = media.rsplit_once('/').map_or("", |(d, _)| d);
        let known = self
            .folders
            .lock()
            .ok()
            .and_then(|f| f.get(folder).cloned());
        let names = known.unwrap_or_else(|| {
            let names: Arc<[String]> = std::fs::read_dir(root.join(folder))
                .into_iter()
                .flatten()
                .flatten()
                .filter_map(|e| e.file_name().into_string().ok())
                .filter(|n| n.ends_with(".c2pa"))
                .collect();
            if let Ok(mut f) = self.folders.lock() {
                f.insert(folder.to_owned(), Arc::clone(&names));
            }
            names
        });
        store_paths(media)
            .into_iter()
            .filter(|p| {
                let name = p.rsplit('/').next().unwrap_or(p);
                names.iter().any(|n| n == name)
            })
            .collect()
    }
}

/// The record of `media` in the work tree under `root`.
pub(super) fn in_worktree(root: &Path, media: &str, stores: &Stores) -> MediaFile {
    let mut own = match open_worktree(root, media) {
        Ok(Opened::File(file)) => of_file(file, None),
        Ok(Opened::Absent) => Own::NotRead("the file is not there".into()),
        Ok(Opened::Refused(why)) => Own::NotRead(why),
        Err(e) => Own::NotRead(format!("{e:#}")),
    };
    for store in stores.beside(root, media) {
        if let Ok(Opened::File(file)) = open_worktree(root, &store)
            && let Own::Read(r) = of_file(file, None)
        {
            merge(&mut own, r);
        }
    }
    MediaFile {
        path: media.to_owned(),
        own,
    }
}

/// The record of `media` in the index or a commit; a Git LFS pointer's
/// content is looked for in the work tree under `worktree`.
pub(super) fn in_git(files: &Files, worktree: Option<&Path>, media: &str) -> MediaFile {
    let mut own = match files.read_within(media, MAX_BLOB_BYTES, MAX_BLOB_BYTES) {
        Ok(Content::Bytes(b)) => match lfs_pointer(&b) {
            Some(pointer) => from_lfs(worktree, media, &pointer),
            None => Own::Read(embedded::read_bytes(&b)),
        },
        Ok(Content::Absent) => Own::NotRead("the file is not there".into()),
        Ok(Content::Refused(why)) => Own::NotRead(why),
        Err(e) => Own::NotRead(format!("{e:#}")),
    };
    for store in store_paths(media) {
        if let Ok(Content::Bytes(b)) = files.read_within(&store, MAX_STORE_BYTES, MAX_STORE_BYTES) {
            merge(&mut own, embedded::read_bytes(&b));
        }
    }
    MediaFile {
        path: media.to_owned(),
        own,
    }
}

/// A `.c2pa` store's marks, manifests and problems, added to the file's.
fn merge(own: &mut Own, store: Record) {
    if store.is_empty() {
        return;
    }
    match own {
        Own::Read(r) => {
            r.marks.extend(store.marks);
            r.manifests.extend(store.manifests);
            r.unreadable.extend(store.unreadable);
        }
        // The store speaks for the file when the file could not be read.
        Own::InLfs | Own::NotRead(_) => *own = Own::Read(store),
    }
}

/// Read an open work-tree file: a Git LFS pointer is [`Own::InLfs`] unless
/// `expect` (the pointer a git snapshot holds) says it is that content.
fn of_file(file: std::fs::File, expect: Option<&Pointer>) -> Own {
    let Ok(meta) = file.metadata() else {
        return Own::NotRead("its metadata cannot be read".into());
    };
    if !meta.is_file() {
        return Own::NotRead("it is not a regular file".into());
    }
    let mut file = file;
    if let Some(p) = expect
        && !same_content(&mut file, meta.len(), p)
    {
        return Own::InLfs;
    }
    if meta.len() <= MAX_POINTER_BYTES {
        let mut head = Vec::new();
        if (&file)
            .take(MAX_POINTER_BYTES)
            .read_to_end(&mut head)
            .is_err()
        {
            return Own::NotRead("it cannot be read".into());
        }
        if lfs_pointer(&head).is_some() {
            return Own::InLfs;
        }
    }
    match embedded::read_file(&file, meta.len()) {
        Ok(r) => Own::Read(r),
        Err(e) => Own::NotRead(format!("reading it failed: {e}")),
    }
}

/// A Git LFS pointer's object.
#[derive(Debug, PartialEq, Eq)]
struct Pointer {
    /// Lower-case hex SHA-256.
    oid: String,
    size: u64,
}

/// The object a Git LFS pointer file names.
fn lfs_pointer(bytes: &[u8]) -> Option<Pointer> {
    if !bytes.starts_with(LFS) || bytes.len() as u64 > MAX_POINTER_BYTES {
        return None;
    }
    let text = std::str::from_utf8(bytes).ok()?;
    let mut oid = None;
    let mut size = None;
    for line in text.lines() {
        if let Some(hex) = line.strip_prefix("oid sha256:") {
            let hex = hex.trim();
            if hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                oid = Some(hex.to_ascii_lowercase());
            }
        } else if let Some(n) = line.strip_prefix("size ") {
            size = n.trim().parse().ok();
        }
    }
    Some(Pointer {
        oid: oid?,
        size: size?,
    })
}

/// The work-tree file of an LFS pointer from git, read when it is the
/// pointer's content.
fn from_lfs(worktree: Option<&Path>, media: &str, pointer: &Pointer) -> Own {
    match worktree.map(|root| open_worktree(root, media)) {
        Some(Ok(Opened::File(file))) => of_file(file, Some(pointer)),
        _ => Own::InLfs,
    }
}

/// Whether a file is the content a pointer names: its size, then its
/// SHA-256, streamed.
fn same_content<R: Read + Seek>(file: &mut R, len: u64, p: &Pointer) -> bool {
    if len != p.size {
        return false;
    }
    let mut hash = Sha256::new();
    let mut buf = vec![0u8; 64 << 10];
    loop {
        match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => hash.update(&buf[..n]),
            Err(_) => return false,
        }
    }
    let digest: [u8; 32] = hash.finalize().into();
    crate::digest::hex(&digest) == p.oid && file.seek(SeekFrom::Start(0)).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pointer_text(oid: &str, size: u64) -> String {
        format!("version https://git-lfs.github.com/spec/v1\noid sha256:{oid}\nsize {size}\n")
    }

    #[test]
    fn stores_sit_beside_the_file_by_stem_or_whole_name() {
        assert_eq!(
            store_paths("vfx/ep1/plate.jpg"),
            ["vfx/ep1/plate.c2pa", "vfx/ep1/plate.jpg.c2pa"]
        );
        assert_eq!(store_paths("plate.jpg"), ["plate.c2pa", "plate.jpg.c2pa"]);
    }

    #[test]
    fn stores_are_found_by_listing_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("v")).unwrap();
        std::fs::write(dir.path().join("v/p.jpg.c2pa"), b"x").unwrap();
        std::fs::write(dir.path().join("q.c2pa"), b"x").unwrap();
        let stores = Stores::default();
        assert_eq!(stores.beside(dir.path(), "v/p.jpg"), ["v/p.jpg.c2pa"]);
        assert!(stores.beside(dir.path(), "v/q.jpg").is_empty());
        assert_eq!(stores.beside(dir.path(), "q.png"), ["q.c2pa"]);
    }

    #[test]
    fn stores_are_taken_from_a_full_listing_without_reading_folders() {
        let listed: HashSet<String> = ["v/p.c2pa".to_owned()].into();
        let stores = Stores::new(Some(&listed));
        // No such folder: the listing answers.
        let root = Path::new("/nonexistent");
        assert_eq!(stores.beside(root, "v/p.jpg"), ["v/p.c2pa"]);
        assert!(stores.beside(root, "v/q.jpg").is_empty());
    }

    #[test]
    fn pointers_are_read_and_bounded() {
        let oid = "a".repeat(64);
        let p = lfs_pointer(pointer_text(&oid, 12).as_bytes()).unwrap();
        assert_eq!(p, Pointer { oid, size: 12 });
        assert!(lfs_pointer(b"\xff\xd8\xff\xe0").is_none());
        assert!(lfs_pointer(pointer_text("xyz", 1).as_bytes()).is_none());
    }

    #[test]
    fn a_pointer_in_the_work_tree_is_in_lfs_and_its_content_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let content = b"not a pointer, the plate itself";
        let digest: [u8; 32] = Sha256::digest(content).into();
        let oid = crate::digest::hex(&digest);
        std::fs::write(dir.path().join("p.jpg"), pointer_text(&oid, 31)).unwrap();
        assert_eq!(
            in_worktree(dir.path(), "p.jpg", &Stores::default()).own,
            Own::InLfs
        );
        std::fs::write(dir.path().join("p.jpg"), content).unwrap();
        assert!(matches!(
            in_worktree(dir.path(), "p.jpg", &Stores::default()).own,
            Own::Read(_)
        ));
        // From git: the work tree holds the pointer's content, or another.
        let p = Pointer {
            oid,
            size: content.len() as u64,
        };
        assert!(matches!(
            from_lfs(Some(dir.path()), "p.jpg", &p),
            Own::Read(_)
        ));
        std::fs::write(dir.path().join("p.jpg"), b"another version of the plate").unwrap();
        assert_eq!(from_lfs(Some(dir.path()), "p.jpg", &p), Own::InLfs);
        assert_eq!(from_lfs(None, "p.jpg", &p), Own::InLfs);
    }

    #[test]
    fn a_missing_file_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            in_worktree(dir.path(), "gone.jpg", &Stores::default()).own,
            Own::NotRead("the file is not there".into())
        );
    }
}
