//! Atomic output: every file of a build goes into a staging directory next to the
//! output directory, and only a complete build is swapped in (rename the old tree away,
//! rename the new one in, remove the old). A build that fails at any point drops the
//! staging directory and leaves the previous `public/` exactly as it was.
//!
//! Staging sits in the same parent as the output so both renames stay on one
//! filesystem (a rename across filesystems would fail, or degrade into a copy).
//!
//! The old tree is removed by a background thread once the new one is in place:
//! deleting 100,000 files costs the disk about as much as writing them (more with
//! online discard), and nobody needs to wait for it. If the process ends first, the
//! next build sweeps the leftover `.public.old-*` directory, again in the background.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("出力先 {path} を用意できません: {source}")]
    Prepare { path: PathBuf, source: io::Error },
    #[error("{path} を書き込めません: {source}")]
    File { path: PathBuf, source: io::Error },
    #[error("出力先 {path} を新しい内容に入れ替えられません: {source}")]
    Swap { path: PathBuf, source: io::Error },
    #[error("出力ファイルの名前 {0:?} が不正です（public/ の外を指しています）")]
    BadPath(String),
    /// The writer thread stopped on an error of its own, which is reported instead.
    #[error("書き込みが中断されました")]
    WriterStopped,
}

/// A staging directory being filled; [`Staging::commit`] swaps it in.
pub struct Staging {
    out: PathBuf,
    tmp: PathBuf,
    committed: bool,
    files: AtomicU64,
    bytes: AtomicU64,
    /// The output being replaced, when unchanged files may be reused from it.
    previous: Option<PathBuf>,
    reused: AtomicU64,
}

fn sibling(out: &Path, tag: &str) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    out.with_file_name(format!(".{name}.{tag}-{}-{nanos}", std::process::id()))
}

/// Creates `path` (which must not exist yet) with `bytes`.
fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?
        .write_all(bytes)
}

/// Rejects absolute paths and `..`: output paths come from content (ids, tags, town
/// names), and nothing may land outside the output directory.
fn check_rel(rel: &str) -> Result<(), WriteError> {
    let bad = rel.is_empty()
        || rel.starts_with('/')
        || rel.contains('\\')
        || rel
            .split('/')
            .any(|c| c.is_empty() || c == "." || c == "..");
    if bad {
        Err(WriteError::BadPath(rel.to_string()))
    } else {
        Ok(())
    }
}

impl Staging {
    /// Creates an empty staging directory beside `out` (whose parent is created if needed).
    pub fn new(out: &Path) -> Result<Self, WriteError> {
        let out = if out.is_absolute() {
            out.to_path_buf()
        } else {
            std::env::current_dir()
                .map_err(|source| WriteError::Prepare {
                    path: out.to_path_buf(),
                    source,
                })?
                .join(out)
        };
        if let Some(parent) = out.parent() {
            fs::create_dir_all(parent).map_err(|source| WriteError::Prepare {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        sweep_leftovers(&out);
        let tmp = sibling(&out, "tmp");
        fs::create_dir(&tmp).map_err(|source| WriteError::Prepare {
            path: tmp.clone(),
            source,
        })?;
        Ok(Self {
            out,
            tmp,
            committed: false,
            files: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
            previous: None,
            reused: AtomicU64::new(0),
        })
    }

    /// Reuse files of the current output whose bytes are unchanged: they are hard-linked
    /// into staging instead of written again. The comparison is on the bytes themselves
    /// (length first, then content), never on a cached hash, so a file edited by hand
    /// in `public/` is simply rewritten. Both trees stay complete on their own: removing
    /// the old one after the swap only drops a link.
    pub fn reuse_previous(mut self) -> Self {
        if self.out.is_dir() {
            self.previous = Some(self.out.clone());
        }
        self
    }

    /// Files reused from the previous output so far.
    pub fn reused(&self) -> u64 {
        self.reused.load(Ordering::Relaxed)
    }

    /// Hard-links `rel` from the previous output when its bytes equal `bytes`.
    fn try_reuse(&self, rel: &str, dest: &Path, bytes: &[u8]) -> bool {
        let Some(prev) = &self.previous else {
            return false;
        };
        let old = prev.join(rel);
        // Length first: a changed page usually changes length, and a stat is cheaper
        // than reading the file.
        match fs::symlink_metadata(&old) {
            Ok(m) if m.is_file() && m.len() == bytes.len() as u64 => {}
            _ => return false,
        }
        if fs::read(&old).ok().as_deref() != Some(bytes) {
            return false;
        }
        let linked = match fs::hard_link(&old, dest) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let parent = dest.parent().expect("joined path has a parent");
                fs::create_dir_all(parent).and_then(|()| fs::hard_link(&old, dest))
            }
            other => other,
        };
        // A filesystem without hard links (or across devices) just gets a normal write.
        linked.is_ok()
    }

    pub fn path(&self) -> &Path {
        &self.tmp
    }

    /// Creates a directory (and its parents) inside staging.
    pub fn mkdir(&self, rel: &str) -> Result<(), WriteError> {
        check_rel(rel)?;
        let dir = self.tmp.join(rel);
        fs::create_dir_all(&dir).map_err(|source| WriteError::File { path: dir, source })
    }

    /// Writes one file at `rel` (a `/`-separated path). Safe to call from many threads.
    /// Parent directories are created on demand: the first attempt assumes they exist,
    /// which saves a syscall per file in directories already made.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), WriteError> {
        check_rel(rel)?;
        let path = self.tmp.join(rel);
        if self.try_reuse(rel, &path, bytes) {
            self.reused.fetch_add(1, Ordering::Relaxed);
            self.files.fetch_add(1, Ordering::Relaxed);
            self.bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
            return Ok(());
        }
        let result = match write_new(&path, bytes) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let parent = path.parent().expect("joined path has a parent");
                fs::create_dir_all(parent).and_then(|()| write_new(&path, bytes))
            }
            // Written twice in one build (a site asset over a theme asset): the first
            // may be a hard link into the previous output, which must never be written
            // through, so unlink it and create a fresh file.
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                fs::remove_file(&path).and_then(|()| write_new(&path, bytes))
            }
            other => other,
        };
        result.map_err(|source| WriteError::File {
            path: self.out.join(rel),
            source,
        })?;
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        Ok(())
    }

    /// Writes a file whose directory is most likely not made yet, such as a page's
    /// `<url>/index.html` (100,000 of them for 100,000 resources): the directory is
    /// made first, so the file is created at the first attempt instead of after a
    /// failed `open` (one path lookup and syscall less per page). A directory that
    /// exists already is fine; safe to call from many threads.
    pub fn write_in_new_dir(&self, rel: &str, bytes: &[u8]) -> Result<(), WriteError> {
        check_rel(rel)?;
        self.make_dir_of(rel)?;
        self.write(rel, bytes)
    }

    /// Makes the directory `rel` will be written in (and its parents); one that exists
    /// already is fine.
    fn make_dir_of(&self, rel: &str) -> Result<(), WriteError> {
        let Some((dir, _)) = rel.rsplit_once('/') else {
            return Ok(());
        };
        let path = self.tmp.join(dir);
        let made = match fs::create_dir(&path) {
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
            // A parent is missing too (e.g. `tags/<tag>/page/2/`).
            Err(e) if e.kind() == io::ErrorKind::NotFound => fs::create_dir_all(&path),
            other => other,
        };
        made.map_err(|source| WriteError::File {
            path: self.out.join(dir),
            source,
        })
    }

    /// Creates the file `rel` to be written in parts (a file too large to hold whole):
    /// never reused from the previous output, since its bytes are not known in advance.
    pub fn create(&self, rel: &str) -> Result<StagedFile<'_>, WriteError> {
        check_rel(rel)?;
        let path = self.tmp.join(rel);
        let create = |p: &Path| fs::OpenOptions::new().write(true).create_new(true).open(p);
        let file = match create(&path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let parent = path.parent().expect("joined path has a parent");
                fs::create_dir_all(parent).and_then(|()| create(&path))
            }
            other => other,
        };
        let file = file.map_err(|source| WriteError::File {
            path: self.out.join(rel),
            source,
        })?;
        self.files.fetch_add(1, Ordering::Relaxed);
        Ok(StagedFile {
            file,
            path: self.out.join(rel),
            written: 0,
            staging: self,
        })
    }

    /// Runs `f` with a [`Writer`] that hands files to two threads in a row, which make
    /// every directory and file of the stage while `f` goes on producing them (rendering
    /// on every core): the first makes the directories of files queued with
    /// [`Writer::write_batch_in_new_dirs`], the second creates and writes the files, in the
    /// order they were queued.
    ///
    /// Not more threads on purpose: making entries in one directory takes that
    /// directory's lock, and two threads making pages side by side in `resources/` spin
    /// on it (measured at 100,000 pages on 2 cores, the page stage's kernel time was 8.9 s
    /// with both render threads writing, 5.7 s with one thread writing). The two threads
    /// here take different locks: new page directories lock `resources/`, a new file
    /// locks only its own page directory. On ext4 each is seconds of kernel time at
    /// 100,000 pages, and one thread doing both was what the page stage waited for.
    /// At most `depth` messages (a file, or a batch of them) wait in each queue, which
    /// bounds the memory they hold.
    ///
    /// Returns the writers' error if they stopped on one (the producers then see
    /// [`WriteError::WriterStopped`]), otherwise what `f` returned.
    pub fn with_writer<R>(
        &self,
        depth: usize,
        f: impl FnOnce(&Writer) -> R,
    ) -> Result<R, WriteError> {
        let spawn_err = |source| WriteError::Prepare {
            path: self.tmp.clone(),
            source,
        };
        std::thread::scope(|scope| {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Queued>>(depth);
            let (files_tx, files_rx) = std::sync::mpsc::sync_channel::<Vec<Queued>>(depth);
            let files = std::thread::Builder::new()
                .name("tsunagu-write".into())
                .spawn_scoped(scope, move || -> Result<(), WriteError> {
                    for batch in files_rx {
                        for q in batch {
                            self.write(&q.rel, &q.bytes)?;
                        }
                    }
                    Ok(())
                })
                .map_err(spawn_err)?;
            let dirs = std::thread::Builder::new()
                .name("tsunagu-mkdir".into())
                .spawn_scoped(scope, move || -> Result<(), WriteError> {
                    for batch in rx {
                        for q in batch.iter().filter(|q| q.new_dir) {
                            self.make_dir_of(&q.rel)?;
                        }
                        if files_tx.send(batch).is_err() {
                            // The file thread stopped; its error is the one reported.
                            break;
                        }
                    }
                    Ok(())
                })
                .map_err(spawn_err)?;
            let writer = Writer { tx };
            let out = f(&writer);
            // Closing the queue ends the threads' loops once they have written the rest.
            drop(writer);
            let dirs = dirs
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            let files = files
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            files.and(dirs).map(|()| out)
        })
    }

    /// Files written so far.
    pub fn files(&self) -> u64 {
        self.files.load(Ordering::Relaxed)
    }

    pub fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }

    /// Swaps the staging directory in as the output directory. The previous output is
    /// removed in the background; [`Cleanup::wait`] waits for that.
    pub fn commit(mut self) -> Result<Cleanup, WriteError> {
        let mut cleanup = Cleanup(None);
        let swap_err = |source| WriteError::Swap {
            path: self.out.clone(),
            source,
        };
        match fs::symlink_metadata(&self.out) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                fs::rename(&self.tmp, &self.out).map_err(swap_err)?;
            }
            Err(e) => return Err(swap_err(e)),
            Ok(_) => {
                let old = sibling(&self.out, "old");
                fs::rename(&self.out, &old).map_err(swap_err)?;
                if let Err(e) = fs::rename(&self.tmp, &self.out) {
                    // Put the previous portal back; if even that fails, say where it is.
                    if let Err(back) = fs::rename(&old, &self.out) {
                        return Err(WriteError::Swap {
                            path: self.out.clone(),
                            source: io::Error::other(format!(
                                "{e}; 以前の出力は {} に残っています ({back})",
                                old.display()
                            )),
                        });
                    }
                    return Err(swap_err(e));
                }
                cleanup = Cleanup(Some(remove_in_background(old)));
            }
        }
        self.committed = true;
        Ok(cleanup)
    }
}

/// A file of the staging directory being written in parts (see [`Staging::create`]).
pub struct StagedFile<'a> {
    file: fs::File,
    /// Where it will be once swapped in, for messages.
    path: PathBuf,
    written: u64,
    staging: &'a Staging,
}

impl StagedFile<'_> {
    pub fn append(&mut self, bytes: &[u8]) -> Result<(), WriteError> {
        use std::io::Write;
        self.file
            .write_all(bytes)
            .map_err(|source| WriteError::File {
                path: self.path.clone(),
                source,
            })?;
        self.written += bytes.len() as u64;
        self.staging
            .bytes
            .fetch_add(bytes.len() as u64, Ordering::Relaxed);
        Ok(())
    }

    /// Bytes written so far.
    pub fn written(&self) -> u64 {
        self.written
    }
}

struct Queued {
    rel: String,
    bytes: Vec<u8>,
    new_dir: bool,
}

impl Queued {
    /// The path is checked here too, so a bad one is reported by the page that made it.
    fn new(rel: String, bytes: Vec<u8>, new_dir: bool) -> Result<Self, WriteError> {
        check_rel(&rel)?;
        Ok(Queued {
            rel,
            bytes,
            new_dir,
        })
    }
}

/// Hands files to the writer thread of [`Staging::with_writer`]; shared by the threads
/// that make them.
pub struct Writer {
    tx: std::sync::mpsc::SyncSender<Vec<Queued>>,
}

impl Writer {
    /// Queues a file, as [`Staging::write`] writes it.
    pub fn write(&self, rel: String, bytes: Vec<u8>) -> Result<(), WriteError> {
        self.send(rel, bytes, false)
    }

    /// Queues files whose directories are most likely new, in one message: a writer
    /// thread that waits for work is woken once for all of them, not once a file (at
    /// 100,000 pages the wake-ups were about 3 % of the build's CPU time).
    pub fn write_batch_in_new_dirs(&self, files: Vec<(String, Vec<u8>)>) -> Result<(), WriteError> {
        let batch = files
            .into_iter()
            .map(|(rel, bytes)| Queued::new(rel, bytes, true))
            .collect::<Result<Vec<_>, WriteError>>()?;
        self.tx.send(batch).map_err(|_| WriteError::WriterStopped)
    }

    fn send(&self, rel: String, bytes: Vec<u8>, new_dir: bool) -> Result<(), WriteError> {
        self.tx
            .send(vec![Queued::new(rel, bytes, new_dir)?])
            .map_err(|_| WriteError::WriterStopped)
    }
}

/// The background removal of a replaced output tree.
pub struct Cleanup(Option<std::thread::JoinHandle<()>>);

impl Cleanup {
    /// Waits until the previous output is gone (tests; a process that must not leave it).
    pub fn wait(self) {
        if let Some(handle) = self.0
            && handle.join().is_err()
        {
            eprintln!("警告: 古い出力の削除が途中で止まりました（次のビルドで削除します）");
        }
    }
}

fn remove_in_background(dir: PathBuf) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        if let Err(e) = fs::remove_dir_all(&dir) {
            // Not fatal: the portal is already in place; the next build sweeps it again.
            if e.kind() != io::ErrorKind::NotFound {
                eprintln!("警告: 古い出力 {} を削除できません: {e}", dir.display());
            }
        }
    })
}

/// Starts removing `.public.old-*` trees a previous process left behind, and the
/// `.public.tmp-<pid>-*` staging of builds that were killed (their process is gone;
/// checked through /proc, so where there is no /proc staging is never swept, as it
/// could belong to a build running right now).
fn sweep_leftovers(out: &Path) {
    let (Some(parent), Some(name)) = (out.parent(), out.file_name()) else {
        return;
    };
    let name = name.to_string_lossy();
    let old = format!(".{name}.old-");
    let tmp = format!(".{name}.tmp-");
    let can_check_pids = Path::new("/proc/self").exists();
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for e in entries.flatten() {
        let file = e.file_name().to_string_lossy().into_owned();
        let dead_staging = can_check_pids
            && file
                .strip_prefix(&tmp)
                .and_then(|rest| rest.split('-').next())
                .is_some_and(|pid| {
                    pid.parse::<u32>().is_ok_and(|p| {
                        p != std::process::id() && !Path::new(&format!("/proc/{p}")).exists()
                    })
                });
        if file.starts_with(&old) || dead_staging {
            // Detached on purpose: dropping the handle lets the build go on meanwhile.
            drop(remove_in_background(e.path()));
        }
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            // Best effort: a leftover staging directory is harmless (a hidden sibling of
            // the output, never served) and Drop cannot report an error anyway.
            if let Err(e) = fs::remove_dir_all(&self.tmp) {
                eprintln!(
                    "警告: 一時ディレクトリ {} を削除できません: {e}",
                    self.tmp.display()
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_swaps_and_drop_discards() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let s = Staging::new(&out).unwrap();
        s.write("a/b/index.html", b"one").unwrap();
        s.commit().unwrap().wait();
        assert_eq!(fs::read(out.join("a/b/index.html")).unwrap(), b"one");

        let s = Staging::new(&out).unwrap();
        s.write("a/b/index.html", b"two").unwrap();
        drop(s);
        assert_eq!(fs::read(out.join("a/b/index.html")).unwrap(), b"one");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1, "no leftovers");

        let s = Staging::new(&out).unwrap();
        s.write("x.txt", b"three").unwrap();
        s.commit().unwrap().wait();
        assert!(!out.join("a").exists());
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "old tree removed"
        );
    }

    #[test]
    fn unchanged_files_are_linked_from_the_previous_output() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let s = Staging::new(&out).unwrap();
        s.write("same/index.html", b"same").unwrap();
        s.write("changed.html", b"old").unwrap();
        s.commit().unwrap().wait();
        let ino = fs::metadata(out.join("same/index.html")).unwrap().ino();

        let s = Staging::new(&out).unwrap().reuse_previous();
        s.write("same/index.html", b"same").unwrap();
        s.write("changed.html", b"new").unwrap();
        assert_eq!(s.reused(), 1);
        s.commit().unwrap().wait();
        assert_eq!(
            fs::metadata(out.join("same/index.html")).unwrap().ino(),
            ino,
            "linked, not rewritten"
        );
        assert_eq!(fs::read(out.join("changed.html")).unwrap(), b"new");
        assert_eq!(
            fs::metadata(out.join("same/index.html")).unwrap().nlink(),
            1,
            "old tree removed"
        );

        // Writing the same path twice never writes through a link into the old tree.
        let s = Staging::new(&out).unwrap().reuse_previous();
        s.write("same/index.html", b"same").unwrap();
        s.write("same/index.html", b"other").unwrap();
        drop(s);
        assert_eq!(
            fs::read(out.join("same/index.html")).unwrap(),
            b"same",
            "previous output intact"
        );
    }

    #[test]
    fn staging_of_killed_builds_is_swept_and_live_staging_kept() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        // No process has pid 999999999 (Linux caps pids at 2^22).
        let dead = dir.path().join(".public.tmp-999999999-1");
        let live = dir
            .path()
            .join(format!(".public.tmp-{}-1", std::process::id()));
        let old = dir.path().join(".public.old-1-1");
        for d in [&dead, &live, &old] {
            fs::create_dir_all(d.join("a")).unwrap();
        }
        let s = Staging::new(&out).unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while (dead.exists() || old.exists()) && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        assert!(!dead.exists() && !old.exists(), "leftovers swept");
        assert!(live.exists(), "a running build's staging is left alone");
        drop(s);
    }

    #[test]
    fn pages_in_new_and_existing_directories() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let s = Staging::new(&out).unwrap();
        // Deeper first, then its parent page, then a root file: each directory is made
        // when missing and an existing one is no error.
        s.write_in_new_dir("tags/a/page/2/index.html", b"2")
            .unwrap();
        s.write_in_new_dir("tags/a/index.html", b"1").unwrap();
        s.write_in_new_dir("resources/x/index.html", b"x").unwrap();
        s.write_in_new_dir("404.html", b"404").unwrap();
        assert!(matches!(
            s.write_in_new_dir("../x/index.html", b""),
            Err(WriteError::BadPath(_))
        ));
        assert_eq!(s.files(), 4);
        s.commit().unwrap().wait();
        for (rel, bytes) in [
            ("tags/a/page/2/index.html", &b"2"[..]),
            ("tags/a/index.html", b"1"),
            ("resources/x/index.html", b"x"),
            ("404.html", b"404"),
        ] {
            assert_eq!(fs::read(out.join(rel)).unwrap(), bytes, "{rel}");
        }
    }

    #[test]
    fn the_writer_thread_writes_what_many_threads_queue() {
        use rayon::prelude::*;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let s = Staging::new(&out).unwrap();
        let made = s
            .with_writer(4, |w| {
                (0..200).into_par_iter().chunks(7).try_for_each(|batch| {
                    w.write_batch_in_new_dirs(
                        batch
                            .into_iter()
                            .map(|i| (format!("resources/r{i}/index.html"), vec![b'x'; i]))
                            .collect(),
                    )
                })
            })
            .unwrap();
        assert!(made.is_ok());
        assert_eq!(s.files(), 200);
        s.commit().unwrap().wait();
        for i in [0, 7, 199] {
            let page = out.join(format!("resources/r{i}/index.html"));
            assert_eq!(fs::read(page).unwrap().len(), i);
        }
    }

    #[test]
    fn a_failed_write_stops_the_writer_and_is_what_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let s = Staging::new(&out).unwrap();
        let result = s.with_writer(1, |w| {
            w.write("a".into(), b"file".to_vec())?;
            // `a` is a file, so nothing can be made under it.
            for i in 0..100 {
                w.write(format!("a/{i}.html"), Vec::new())?;
            }
            Ok::<_, WriteError>(())
        });
        match result {
            Err(WriteError::File { path, .. }) => assert!(path.ends_with("a/0.html"), "{path:?}"),
            other => panic!("expected the writer's own error, got {other:?}"),
        }
        // The same when the page's directory cannot be made.
        let result = s.with_writer(1, |w| {
            (0..100).try_for_each(|i| {
                w.write_batch_in_new_dirs(vec![(format!("a/{i}/index.html"), Vec::new())])
            })
        });
        match result {
            Err(WriteError::File { path, .. }) => assert!(path.ends_with("a/0"), "{path:?}"),
            other => panic!("expected the directory's error, got {other:?}"),
        }
        assert!(
            matches!(
                s.with_writer(1, |w| w.write("../x".into(), Vec::new())),
                Ok(Err(WriteError::BadPath(_)))
            ),
            "a bad path is refused by the one who queued it"
        );
    }

    #[test]
    fn paths_outside_output_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let s = Staging::new(&dir.path().join("public")).unwrap();
        for bad in ["../x", "/etc/x", "a/../../x", "a//b", ""] {
            assert!(
                matches!(s.write(bad, b""), Err(WriteError::BadPath(_))),
                "{bad}"
            );
        }
    }
}
