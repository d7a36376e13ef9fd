//! Reading many small files with as few system calls as the kernel allows.
//!
//! A build reads 100,000 resource files and a re-import 115,000 records; on this kind of
//! machine each system call costs several microseconds of kernel time, and the path walk of
//! an `open` by full path costs more than the read itself. So a file is opened relative to
//! its folder's descriptor (one path component to look up, not the whole path), and read
//! with one `read` into a buffer big enough for the whole file: a short read of a regular
//! file is its end (POSIX: fewer bytes than asked only when fewer remain or on a signal, and
//! local file systems do not interrupt regular-file reads), so the second `read` that only
//! finds the end is saved. For anything that is not known to be a regular file (a symlink,
//! a file named on the command line) reading goes on until `read` returns 0, as before.

use std::ffi::OsStr;
use std::fs::File;
use std::io::Read;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::Path;

use rustix::fs::{Mode, OFlags};

/// What was read into the start of the buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The whole file: this many bytes.
    Whole(usize),
    /// The file has more than `limit - 1` bytes (at least this many: its size when it could
    /// be measured, else what was read).
    TooBig(u64),
}

/// Where a file is.
#[derive(Clone, Copy)]
pub enum Source<'a> {
    /// By path (a few files: site.yaml, pages, inputs on the command line).
    Path(&'a Path),
    /// A name inside an open folder; `regular` when the folder listing said it is a regular
    /// file (then a short read is its end).
    At {
        dir: BorrowedFd<'a>,
        name: &'a OsStr,
        regular: bool,
    },
}

/// Opens a folder so that its files can be opened relative to it.
pub fn open_dir(path: &Path) -> std::io::Result<OwnedFd> {
    rustix::fs::open(
        path,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .map_err(std::io::Error::from)
}

/// Opens a file for reading: the flags `std::fs::File::open` uses.
pub fn open(src: Source<'_>) -> std::io::Result<File> {
    let flags = OFlags::RDONLY | OFlags::CLOEXEC;
    let fd = match src {
        Source::Path(p) => rustix::fs::open(p, flags, Mode::empty()),
        Source::At { dir, name, .. } => rustix::fs::openat(dir, name, flags, Mode::empty()),
    }
    .map_err(std::io::Error::from)?;
    Ok(File::from(fd))
}

/// The size a thread's buffer starts at: a record file is a few KiB, so nearly every one is
/// read in one call; a larger file costs a second. (A buffer of the whole size cap, 256 KiB,
/// made the allocator set aside memory of its own per thread: about 30 MB more peak memory
/// with 16 threads.)
pub const FIRST_BUFFER: usize = 64 * 1024;

thread_local! {
    /// Each reading thread reads its files into one buffer that only grows (from the size
    /// cap to the largest file read): 100,000 files cost no allocation each for their text.
    static BUF: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
}

/// Calls `f` with this thread's read buffer.
pub fn with_buffer<R>(f: impl FnOnce(&mut Vec<u8>) -> R) -> R {
    // Taken out of the thread-local (not borrowed) so that nothing can observe it in use.
    let mut buf = BUF.take();
    let out = f(&mut buf);
    BUF.set(buf);
    out
}

/// Reads the file into the start of `buf` (grown as needed, never shrunk): at most `limit`
/// bytes; a file that fills `limit` is `TooBig` (the caller passes its cap plus one).
pub fn read_capped(src: Source<'_>, limit: usize, buf: &mut Vec<u8>) -> std::io::Result<Outcome> {
    let mut file = open(src)?;
    let regular = matches!(src, Source::At { regular: true, .. });
    if buf.len() < FIRST_BUFFER.min(limit) {
        buf.resize(FIRST_BUFFER.min(limit), 0);
    }
    let mut len = 0;
    while len < limit {
        if len == buf.len() {
            buf.resize(len.saturating_mul(2).min(limit), 0);
        }
        let end = buf.len().min(limit);
        match file.read(&mut buf[len..end]) {
            Ok(0) => break,
            Ok(n) => {
                len += n;
                if regular && len < end {
                    // A short read of a regular file: nothing more to read.
                    break;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    if len >= limit {
        // The whole size, for the message; what was read is at least over the cap.
        let size = rustix::fs::fstat(file.as_fd()).map_or(len as u64, |st| {
            u64::try_from(st.st_size).unwrap_or(0).max(len as u64)
        });
        return Ok(Outcome::TooBig(size));
    }
    Ok(Outcome::Whole(len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_whole_files_and_tells_one_over_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.yaml"), "id: a\n").unwrap();
        let big = vec![b'x'; FIRST_BUFFER * 3];
        std::fs::write(dir.path().join("big.yaml"), &big).unwrap();
        let fd = open_dir(dir.path()).unwrap();
        let mut buf = Vec::new();
        for regular in [true, false] {
            let at = |name: &'static str| Source::At {
                dir: fd.as_fd(),
                name: OsStr::new(name),
                regular,
            };
            assert_eq!(
                read_capped(at("a.yaml"), 11, &mut buf).unwrap(),
                Outcome::Whole(6)
            );
            assert_eq!(&buf[..6], b"id: a\n");
            assert_eq!(
                read_capped(at("a.yaml"), 6, &mut buf).unwrap(),
                Outcome::TooBig(6)
            );
            // Larger than the first buffer and under the limit: read whole, over several
            // calls.
            assert_eq!(
                read_capped(at("big.yaml"), usize::MAX, &mut buf).unwrap(),
                Outcome::Whole(big.len())
            );
            assert_eq!(buf[..big.len()], big[..]);
            assert_eq!(
                read_capped(at("big.yaml"), 1000, &mut buf).unwrap(),
                Outcome::TooBig(big.len() as u64)
            );
            let missing = read_capped(at("none.yaml"), 10, &mut buf).unwrap_err();
            assert_eq!(missing.kind(), std::io::ErrorKind::NotFound);
        }
        let by_path = Source::Path(&dir.path().join("a.yaml"));
        assert_eq!(
            read_capped(by_path, 100, &mut buf).unwrap(),
            Outcome::Whole(6)
        );
    }
}
