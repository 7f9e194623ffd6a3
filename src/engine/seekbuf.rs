//! A read buffer that survives seeks.
//!
//! `std::io::BufReader` drops its buffer on every absolute seek, and the
//! media walkers seek to every segment and box: each would cost a system
//! call and a fresh read. Here a seek only moves a position; a read inside
//! the buffered window is served from it, and a read outside refills the
//! window at the new position (or, when larger than the window, reads
//! straight into the caller's buffer).

use std::io::{self, Read, Seek, SeekFrom};

pub(super) struct SeekBuf<R> {
    inner: R,
    /// Where `inner` stands, when known.
    at: Option<u64>,
    buf: Vec<u8>,
    /// The file offset of `buf[0]`.
    start: u64,
    /// The reader's position.
    pos: u64,
    /// The file's length, as `SeekFrom::End` needs it.
    len: u64,
    cap: usize,
}

impl<R: Read + Seek> SeekBuf<R> {
    /// `inner` stands at its start; `len` is the file's length (from its
    /// metadata).
    pub(super) fn new(inner: R, len: u64, cap: usize) -> Self {
        SeekBuf {
            inner,
            at: Some(0),
            buf: Vec::new(),
            start: 0,
            pos: 0,
            len,
            cap,
        }
    }

    fn place(&mut self, to: u64) -> io::Result<()> {
        if self.at != Some(to) {
            self.inner.seek(SeekFrom::Start(to))?;
            self.at = Some(to);
        }
        Ok(())
    }

    /// Read into `out` from `inner` at `self.pos`, at most `out.len()`.
    fn direct(&mut self, out: &mut [u8]) -> io::Result<usize> {
        self.place(self.pos)?;
        let n = self.inner.read(out)?;
        self.at = Some(self.pos + n as u64);
        self.pos += n as u64;
        Ok(n)
    }
}

impl<R: Read + Seek> Read for SeekBuf<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let end = self.start + self.buf.len() as u64;
        if self.pos < self.start || self.pos >= end {
            if out.len() >= self.cap {
                return self.direct(out);
            }
            // Refill the window at the position.
            self.place(self.pos)?;
            // No larger than what is left of the file: most are small.
            let want = (self.len.saturating_sub(self.pos)).clamp(1, self.cap as u64) as usize;
            self.buf.resize(want, 0);
            let n = self.inner.read(&mut self.buf)?;
            self.buf.truncate(n);
            self.start = self.pos;
            self.at = Some(self.pos + n as u64);
            if n == 0 {
                return Ok(0);
            }
        }
        let from = (self.pos - self.start) as usize;
        let n = out.len().min(self.buf.len() - from);
        out[..n].copy_from_slice(&self.buf[from..from + n]);
        self.pos += n as u64;
        Ok(n)
    }
}

impl<R: Read + Seek> Seek for SeekBuf<R> {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let target = match to {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::End(d) => self.len.checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        let Some(target) = target else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "a seek before the start of the file",
            ));
        };
        self.pos = target;
        Ok(target)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    #[test]
    fn reads_and_seeks_read_what_the_file_holds() {
        let data: Vec<u8> = (0..=255u8).cycle().take(10_000).collect();
        let mut b = SeekBuf::new(Cursor::new(data.clone()), data.len() as u64, 64);
        let mut two = [0u8; 2];
        b.read_exact(&mut two).unwrap();
        assert_eq!(two, [0, 1]);
        b.seek(SeekFrom::Start(300)).unwrap();
        b.read_exact(&mut two).unwrap();
        assert_eq!(two, [data[300], data[301]]);
        b.seek(SeekFrom::Current(-4)).unwrap();
        b.read_exact(&mut two).unwrap();
        assert_eq!(two, [data[298], data[299]]);
        assert_eq!(b.seek(SeekFrom::End(-1)).unwrap(), 9_999);
        let mut rest = Vec::new();
        b.read_to_end(&mut rest).unwrap();
        assert_eq!(rest, [data[9_999]]);
        // A read larger than the window, across it.
        b.seek(SeekFrom::Start(10)).unwrap();
        let mut big = vec![0u8; 500];
        b.read_exact(&mut big).unwrap();
        assert_eq!(big, data[10..510]);
        assert!(b.seek(SeekFrom::Current(-100_000)).is_err());
    }
}
