//! A bounded, seekable view of the file being read: every read is checked
//! against the file's length first, so a claimed size past the end is a
//! [`Short`] answer, never an allocation of the claimed size.

use std::io::{self, Read, Seek, SeekFrom};

/// The largest XMP packet read (extended XMP reassembled included).
pub const MAX_XMP: u64 = 8 << 20;
/// The largest C2PA manifest store read (a store carries thumbnails).
pub const MAX_STORE: u64 = 64 << 20;

/// The first read of a file takes this much: the segments and chunks that
/// lead a file (and hold its metadata) mostly fit, so walking them costs
/// one read.
const FIRST_WINDOW: usize = 1 << 10;

/// After a jump past the window (over image data), reads of at most this
/// many bytes are served from a window this size at the new place: enough
/// for the next headers, little enough that skipping from chunk to chunk of
/// a large image does not read it.
const WINDOW: usize = 512;

/// A file read at offsets.
pub trait At {
    /// The file's length.
    fn size(&mut self) -> io::Result<u64>;
    /// Fills `buf` from `offset`.
    fn read_exact_at(&mut self, buf: &mut [u8], offset: u64) -> io::Result<()>;
}

/// Any seekable reader, read at offsets by seeking when it must.
pub struct Seeking<'r, R> {
    inner: &'r mut R,
    /// Where `inner` stands, when known.
    at: Option<u64>,
}

impl<'r, R> Seeking<'r, R> {
    pub fn new(inner: &'r mut R) -> Self {
        Seeking { inner, at: None }
    }
}

impl<R: Read + Seek> At for Seeking<'_, R> {
    fn size(&mut self) -> io::Result<u64> {
        let len = self.inner.seek(SeekFrom::End(0))?;
        self.at = Some(len);
        Ok(len)
    }

    fn read_exact_at(&mut self, buf: &mut [u8], offset: u64) -> io::Result<()> {
        if self.at != Some(offset) {
            self.inner.seek(SeekFrom::Start(offset))?;
        }
        self.at = None;
        self.inner.read_exact(buf)?;
        self.at = Some(offset + buf.len() as u64);
        Ok(())
    }
}

/// A file on disk, read with positional reads: no seek calls, and its
/// length from its metadata.
pub struct Positional<'f> {
    file: &'f std::fs::File,
    len: u64,
    #[cfg(not(unix))]
    at: Option<u64>,
}

impl<'f> Positional<'f> {
    /// `len` is the file's length, as its metadata gives it.
    pub fn new(file: &'f std::fs::File, len: u64) -> Self {
        Positional {
            file,
            len,
            #[cfg(not(unix))]
            at: None,
        }
    }
}

impl At for Positional<'_> {
    fn size(&mut self) -> io::Result<u64> {
        Ok(self.len)
    }

    #[cfg(unix)]
    fn read_exact_at(&mut self, buf: &mut [u8], offset: u64) -> io::Result<()> {
        std::os::unix::fs::FileExt::read_exact_at(self.file, buf, offset)
    }

    #[cfg(not(unix))]
    fn read_exact_at(&mut self, buf: &mut [u8], offset: u64) -> io::Result<()> {
        let mut file = self.file;
        let mut seeking = Seeking {
            inner: &mut file,
            at: self.at,
        };
        let read = seeking.read_exact_at(buf, offset);
        self.at = seeking.at;
        read
    }
}

/// The file, its length and where the reader stands.
pub struct Source<'r, R> {
    inner: &'r mut R,
    pos: u64,
    len: u64,
    /// The bytes of the file from `window_at`.
    window: Vec<u8>,
    window_at: u64,
}

/// A read the file cannot satisfy: it ends first.
#[derive(Debug)]
pub struct Short;

impl<'r, R: At> Source<'r, R> {
    pub fn new(inner: &'r mut R) -> io::Result<Self> {
        let len = inner.size()?;
        Ok(Source {
            inner,
            pos: 0,
            len,
            window: Vec::new(),
            window_at: 0,
        })
    }

    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn pos(&self) -> u64 {
        self.pos
    }

    /// Bytes left after the reader's position.
    pub fn left(&self) -> u64 {
        self.len.saturating_sub(self.pos)
    }

    /// Moves to `pos`, which must be within the file.
    pub fn seek_to(&mut self, pos: u64) -> io::Result<Result<(), Short>> {
        if pos > self.len {
            return Ok(Err(Short));
        }
        self.pos = pos;
        Ok(Ok(()))
    }

    /// Skips `n` bytes.
    pub fn skip(&mut self, n: u64) -> io::Result<Result<(), Short>> {
        match self.pos.checked_add(n) {
            Some(to) => self.seek_to(to),
            None => Ok(Err(Short)),
        }
    }

    /// Reads `n` bytes; the caller has bounded `n`.
    pub fn take(&mut self, n: u64) -> io::Result<Result<Vec<u8>, Short>> {
        if n > self.left() {
            return Ok(Err(Short));
        }
        let mut out = vec![0; n as usize];
        self.fill(&mut out)?;
        Ok(Ok(out))
    }

    /// Reads `N` bytes.
    pub fn array<const N: usize>(&mut self) -> io::Result<Result<[u8; N], Short>> {
        if (N as u64) > self.left() {
            return Ok(Err(Short));
        }
        let mut out = [0; N];
        self.fill(&mut out)?;
        Ok(Ok(out))
    }

    /// Fills `out` from the reader's position, which the caller has
    /// checked leaves room for it.
    fn fill(&mut self, out: &mut [u8]) -> io::Result<()> {
        let n = out.len() as u64;
        let in_window =
            self.pos >= self.window_at && self.pos + n <= self.window_at + self.window.len() as u64;
        if !in_window {
            let size = if self.window.is_empty() {
                FIRST_WINDOW
            } else {
                WINDOW
            };
            if out.len() > size {
                self.inner.read_exact_at(out, self.pos)?;
                self.pos += n;
                return Ok(());
            }
            let want = (size as u64).min(self.len - self.pos) as usize;
            self.window.resize(want, 0);
            self.inner.read_exact_at(&mut self.window, self.pos)?;
            self.window_at = self.pos;
        }
        let from = (self.pos - self.window_at) as usize;
        out.copy_from_slice(&self.window[from..from + out.len()]);
        self.pos += n;
        Ok(())
    }
}

/// `bytes[at..at + N]`, if the slice is that long.
pub fn get<const N: usize>(bytes: &[u8], at: usize) -> Option<[u8; N]> {
    bytes.get(at..at.checked_add(N)?)?.try_into().ok()
}

pub fn be16(bytes: &[u8], at: usize) -> Option<u16> {
    get(bytes, at).map(u16::from_be_bytes)
}

pub fn be32(bytes: &[u8], at: usize) -> Option<u32> {
    get(bytes, at).map(u32::from_be_bytes)
}

pub fn be64(bytes: &[u8], at: usize) -> Option<u64> {
    get(bytes, at).map(u64::from_be_bytes)
}

/// A byte count as people read it: `1,204 bytes`, `9 GiB`.
pub fn size(n: u64) -> String {
    if n >= 1 << 30 {
        format!("{} GiB", n >> 30)
    } else if n >= 1 << 20 {
        format!("{} MiB", n >> 20)
    } else {
        format!("{} bytes", thousands(n))
    }
}

/// `1204` as `1,204`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_are_bounded_by_the_file() {
        let mut cursor = io::Cursor::new(vec![1u8, 2, 3, 4]);
        let mut seeking = Seeking::new(&mut cursor);
        let mut src = Source::new(&mut seeking).unwrap();
        assert!(src.take(u64::MAX).unwrap().is_err());
        assert_eq!(src.array::<2>().unwrap().unwrap(), [1, 2]);
        assert!(src.skip(u64::MAX).unwrap().is_err());
        assert!(src.skip(3).unwrap().is_err());
        assert_eq!(src.take(2).unwrap().unwrap(), vec![3, 4]);
        assert_eq!(src.left(), 0);
    }

    #[test]
    fn reads_inside_and_past_the_window_agree() {
        let bytes: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        let mut cursor = io::Cursor::new(bytes.clone());
        let mut seeking = Seeking::new(&mut cursor);
        let mut src = Source::new(&mut seeking).unwrap();
        for (at, n) in [
            (0u64, 10u64),
            (5, 3),
            (8000, 500),
            (3, 20_000),
            (99_990, 10),
            (40, 8192),
        ] {
            src.seek_to(at).unwrap().unwrap();
            let got = src.take(n).unwrap().unwrap();
            assert_eq!(got, bytes[at as usize..(at + n) as usize], "{at} {n}");
            assert_eq!(src.pos(), at + n);
        }
    }

    #[test]
    fn sizes_read_as_people_read_them() {
        assert_eq!(size(1204), "1,204 bytes");
        assert_eq!(size(9 << 30), "9 GiB");
        assert_eq!(thousands(1_000_000), "1,000,000");
        assert_eq!(be32(&[0, 0, 1], 0), None);
    }
}
