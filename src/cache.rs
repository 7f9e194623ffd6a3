//! Clean results of `aiclear check` in the work tree, kept between runs.
//!
//! Like git's index, a file is known by its metadata: device, inode, size,
//! modification and change times. A file whose metadata is what it was when
//! it was last found clean, under the same configuration, ledger, watchlist,
//! day and aiclear version, is clean again without being read. Any write to
//! a file moves its change time, which no tool can set back, so an edited
//! file is always read again. A file whose times are too close to the moment
//! it was read is not kept: a second write in the same clock tick would
//! leave its metadata unchanged.
//!
//! A media file's sidecar is judged against the media file too (what it
//! records of its own making, and a `.c2pa` store beside it): its clean
//! result is kept with their metadata as well, so replacing a plate checks
//! its sidecar again.
//!
//! Only clean results are kept: a file with any diagnostic is read, parsed
//! and reported every time. The results of one build are never trusted by
//! another. The cache lives in the repository's git folder
//! (`aiclear/`), never in the work tree, and is only used by `check` without
//! `--staged` or `--base`; `--no-cache` turns it off.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diagnostic::ApprovalUse;
use crate::digest;
use crate::kind::FileKind;

/// The format of the cache file; another number is an empty cache.
const FORMAT: u32 = 2;

/// What identifies a file's content without reading it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stat {
    dev: u64,
    ino: u64,
    size: u64,
    /// Nanoseconds since the epoch.
    mtime: i128,
    ctime: i128,
}

impl Stat {
    /// A regular file's metadata; `None` for links and anything else.
    pub fn of(path: &Path) -> Option<Stat> {
        let meta = std::fs::symlink_metadata(path).ok()?;
        if !meta.file_type().is_file() {
            return None;
        }
        Stat::from_metadata(&meta)
    }

    #[cfg(unix)]
    fn from_metadata(meta: &std::fs::Metadata) -> Option<Stat> {
        use std::os::unix::fs::MetadataExt as _;
        let ns = |s: i64, n: i64| i128::from(s) * 1_000_000_000 + i128::from(n);
        Some(Stat {
            dev: meta.dev(),
            ino: meta.ino(),
            size: meta.size(),
            mtime: ns(meta.mtime(), meta.mtime_nsec()),
            ctime: ns(meta.ctime(), meta.ctime_nsec()),
        })
    }

    /// Without an inode and a change time, metadata cannot vouch for content.
    #[cfg(not(unix))]
    fn from_metadata(_: &std::fs::Metadata) -> Option<Stat> {
        None
    }
}

/// One clean file.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Entry {
    stat: Stat,
    /// The file kind and the media file it describes: what it was judged as.
    kind: FileKind,
    media: Option<String>,
    /// The metadata of the files judged with it (a sidecar's media file and
    /// the `.c2pa` stores beside it), `None` for each that is absent.
    #[serde(default)]
    around: Vec<Option<Stat>>,
    approvals: Vec<ApprovalUse>,
}

#[derive(Default, Serialize, Deserialize)]
struct Stored {
    format: u32,
    inputs: String,
    entries: HashMap<String, Entry>,
}

/// What a file was judged as: its kind, the media file it describes, and
/// the metadata of the files read with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Judged<'a> {
    pub kind: FileKind,
    pub media: Option<&'a str>,
    pub around: Vec<Option<Stat>>,
}

impl<'a> Judged<'a> {
    /// A file judged on its own.
    pub fn alone(kind: FileKind, media: Option<&'a str>) -> Self {
        Judged {
            kind,
            media,
            around: Vec::new(),
        }
    }
}

/// The cache of one project, for one run.
pub struct CheckCache {
    path: PathBuf,
    inputs: String,
    entries: HashMap<String, Entry>,
    /// When this run started, in nanoseconds since the epoch.
    started: i128,
    changed: bool,
}

/// Everything besides a file's own content that a clean result depends on,
/// as one digest: `parts`, this version, and this very build (a rebuilt
/// binary may judge differently under the same version number).
pub fn inputs(parts: &[&[u8]]) -> String {
    let build = std::env::current_exe()
        .and_then(std::fs::metadata)
        .map(|meta| {
            let modified = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            format!("{} {modified}", meta.len())
        })
        .unwrap_or_default();
    let mut all: Vec<&[u8]> = vec![env!("CARGO_PKG_VERSION").as_bytes(), build.as_bytes()];
    all.extend_from_slice(parts);
    digest::hex(&digest::of_parts(&all))
}

impl CheckCache {
    /// The cache of the project at `prefix` in the repository whose git
    /// folder is `git_dir`. A missing, unreadable, damaged or outdated
    /// cache is an empty one.
    pub fn load(git_dir: &Path, prefix: &str, inputs: String) -> CheckCache {
        let name = digest::hex(&digest::of_parts(&[prefix.as_bytes()])[..8]);
        let path = git_dir.join("aiclear").join(format!("check-{name}.json"));
        let entries = std::fs::read(&path)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Stored>(&bytes).ok())
            .filter(|s| s.format == FORMAT && s.inputs == inputs)
            .map(|s| s.entries)
            .unwrap_or_default();
        let started = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as i128);
        CheckCache {
            path,
            inputs,
            entries,
            started,
            changed: false,
        }
    }

    /// The approvals a clean file relied on, when it is known clean as it
    /// is now, and so are the files `around` it that it was judged with.
    pub fn get(&self, path: &str, stat: &Stat, judged: &Judged) -> Option<Vec<ApprovalUse>> {
        let e = self.entries.get(path)?;
        (e.stat == *stat
            && e.kind == judged.kind
            && e.media.as_deref() == judged.media
            && e.around == judged.around)
            .then(|| e.approvals.clone())
    }

    /// Whether a file read with this metadata can be remembered: its times
    /// are far enough behind this run's start that a later write would
    /// show. Timestamps in whole seconds (as some file systems keep them)
    /// need two seconds; finer ones, a tenth.
    pub fn can_keep_all(&self, stat: &Stat, judged: &Judged) -> bool {
        self.can_keep(stat) && judged.around.iter().flatten().all(|s| self.can_keep(s))
    }

    /// [`CheckCache::can_keep_all`] for one file.
    pub fn can_keep(&self, stat: &Stat) -> bool {
        let whole = stat.mtime % 1_000_000_000 == 0 && stat.ctime % 1_000_000_000 == 0;
        let margin = if whole { 2_000_000_000 } else { 100_000_000 };
        stat.mtime.max(stat.ctime) < self.started - margin
    }

    /// Remember a clean file.
    pub fn keep(&mut self, path: String, stat: Stat, judged: Judged, approvals: Vec<ApprovalUse>) {
        self.entries.insert(
            path,
            Entry {
                stat,
                kind: judged.kind,
                media: judged.media.map(str::to_owned),
                around: judged.around,
                approvals,
            },
        );
        self.changed = true;
    }

    /// Forget a file that is no longer clean, or no longer cacheable.
    pub fn forget(&mut self, path: &str) {
        self.changed |= self.entries.remove(path).is_some();
    }

    /// Write the cache back when it changed: to a new file renamed into
    /// place, so that a run at the same time reads the old cache or the new
    /// one, never half of one. Failing to write it changes nothing else.
    pub fn save(self) {
        if !self.changed {
            return;
        }
        let stored = Stored {
            format: FORMAT,
            inputs: self.inputs,
            entries: self.entries,
        };
        let Ok(bytes) = serde_json::to_vec(&stored) else {
            return;
        };
        let Some(dir) = self.path.parent() else {
            return;
        };
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
        let temp = dir.join(format!(".check-{}.tmp", std::process::id()));
        if std::fs::write(&temp, bytes).is_ok() && std::fs::rename(&temp, &self.path).is_err() {
            let _ = std::fs::remove_file(&temp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stat(mtime: i128, ctime: i128) -> Stat {
        Stat {
            dev: 1,
            ino: 2,
            size: 3,
            mtime,
            ctime,
        }
    }

    fn fountain() -> Judged<'static> {
        Judged::alone(FileKind::Fountain, None)
    }

    #[test]
    fn a_sidecar_is_known_clean_only_with_its_media_file_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let (s, plate) = (stat(1, 1), stat(5, 5));
        let judged = |around: Vec<Option<Stat>>| Judged {
            kind: FileKind::Sidecar,
            media: Some("p.jpg"),
            around,
        };
        let mut cache = CheckCache::load(dir.path(), "", inputs(&[b"c"]));
        cache.keep(
            "p.jpg.genai.yml".into(),
            s,
            judged(vec![Some(plate), None]),
            Vec::new(),
        );
        let get = |c: &CheckCache, around| c.get("p.jpg.genai.yml", &s, &judged(around)).is_some();
        assert!(get(&cache, vec![Some(plate), None]));
        // Another plate in its place, or a `.c2pa` store added beside it.
        assert!(!get(&cache, vec![Some(stat(5, 6)), None]));
        assert!(!get(&cache, vec![Some(plate), Some(stat(7, 7))]));
        let now = cache.started;
        let recent = stat(now, now);
        assert!(!cache.can_keep_all(&s, &judged(vec![Some(recent)])));
        assert!(cache.can_keep_all(&s, &judged(vec![Some(plate), None])));
    }

    #[test]
    fn a_file_written_just_before_the_run_is_not_kept() {
        let dir = tempfile::tempdir().unwrap();
        let cache = CheckCache::load(dir.path(), "", inputs(&[b"x"]));
        let now = cache.started;
        assert!(cache.can_keep(&stat(now - 500_000_000, now - 500_000_000)));
        assert!(!cache.can_keep(&stat(now - 500_000_000, now - 50_000_000)));
        // Whole seconds: two seconds of margin.
        let whole = (now / 1_000_000_000 - 1) * 1_000_000_000;
        assert!(!cache.can_keep(&stat(whole, whole)));
        let older = whole - 5_000_000_000;
        assert!(cache.can_keep(&stat(older, older)));
    }

    #[test]
    fn entries_survive_a_save_under_the_same_inputs_only() {
        let dir = tempfile::tempdir().unwrap();
        let s = stat(1, 1);
        let mut cache = CheckCache::load(dir.path(), "", inputs(&[b"config"]));
        cache.keep("a.fountain".into(), s, fountain(), Vec::new());
        cache.save();
        let cache = CheckCache::load(dir.path(), "", inputs(&[b"config"]));
        assert!(cache.get("a.fountain", &s, &fountain()).is_some());
        assert!(cache.get("a.fountain", &stat(1, 2), &fountain()).is_none());
        assert!(
            cache
                .get("a.fountain", &s, &Judged::alone(FileKind::Markdown, None))
                .is_none()
        );
        // Another project in the same repository has its own cache.
        let other = CheckCache::load(dir.path(), "sub/", inputs(&[b"config"]));
        assert!(other.get("a.fountain", &s, &fountain()).is_none());
        // Another configuration: nothing is known.
        let cache = CheckCache::load(dir.path(), "", inputs(&[b"other config"]));
        assert!(cache.get("a.fountain", &s, &fountain()).is_none());
        // A damaged file is an empty cache.
        let file = std::fs::read_dir(dir.path().join("aiclear"))
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        std::fs::write(&file, b"{ not json").unwrap();
        let cache = CheckCache::load(dir.path(), "", inputs(&[b"config"]));
        assert!(cache.get("a.fountain", &s, &fountain()).is_none());
    }
}
