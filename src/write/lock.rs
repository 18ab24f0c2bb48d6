//! Which builds are running: each holds a lock on a file of its own beside
//! the output (`.public.oasis-<tag>.lock`) for as long as it has folders
//! there. A build that can take another's lock knows that build is gone
//! (killed, or its machine stopped) and that its folders may be removed.
//!
//! A lock says this across containers that share the folder, where process
//! ids do not: two builds may both be process 1. A lock file is only ever
//! removed by whoever holds its lock, so a build never holds a lock on a
//! file that is no longer there.

use std::fs::File;
use std::io;
use std::path::Path;

/// A lock held until it is dropped.
pub struct Lock {
    _file: File,
}

impl Lock {
    /// Whether the lock's file is still the one at `path`: no one removed
    /// it (only a holder may, and this one holds it).
    pub fn is_at(&self, path: &Path) -> bool {
        same_file(&self._file, path)
    }
}

/// What [`take`] found at a lock file's path.
pub enum Taken {
    /// No build holds it: now this one does, until the guard is dropped
    /// (remove the file first).
    Free(Lock),
    /// A running build holds it.
    Held,
    /// There is no lock file.
    Missing,
    /// Something other than a plain file is there (a folder, a link, a
    /// named pipe): not oasis's, left alone.
    Other,
}

/// Makes the lock file at `path` (which must not exist) and locks it. On a
/// file system that cannot lock (NFS without its lock service, some
/// network shares), the file is made all the same: no other build then
/// takes this one's folders for abandoned, as no lock there is ever free.
pub fn hold(path: &Path) -> io::Result<Lock> {
    loop {
        let file = open(path, true)?;
        match lock(&file, true) {
            Ok(()) => {}
            Err(e) if cannot_lock(&e) => return Ok(Lock { _file: file }),
            Err(e) => return Err(e),
        }
        // Removed by another build between its making and its locking
        // (only one that held its lock could remove it, so that build took
        // it for a dead build's): made again.
        if same_file(&file, path) {
            return Ok(Lock { _file: file });
        }
        let _ = std::fs::remove_file(path);
    }
}

/// Takes the lock at `path` if no build holds it.
pub fn take(path: &Path) -> Taken {
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Taken::Missing,
        Ok(found) if found.is_file() => {}
        _ => return Taken::Other,
    }
    let Ok(file) = open(path, false) else {
        return Taken::Other;
    };
    if lock(&file, false).is_err() {
        return Taken::Held;
    }
    if same_file(&file, path) {
        Taken::Free(Lock { _file: file })
    } else {
        // Replaced meanwhile: whoever made the new one holds it.
        Taken::Held
    }
}

/// Opens a lock file for writing without following a link to it; `new`
/// makes it, and fails if something is there.
fn open(path: &Path, new: bool) -> io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if new {
        options.create_new(true);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // A named pipe put there would otherwise block the open.
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    options.open(path)
}

/// Whether the error says the file system has no locks.
fn cannot_lock(error: &io::Error) -> bool {
    #[cfg(unix)]
    if matches!(
        error.raw_os_error(),
        Some(libc::ENOLCK | libc::EOPNOTSUPP | libc::ENOSYS)
    ) {
        return true;
    }
    error.kind() == io::ErrorKind::Unsupported
}

/// Whether `file` is the file at `path` now.
#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::symlink_metadata(path)) {
        (Ok(open), Ok(named)) => (open.dev(), open.ino()) == (named.dev(), named.ino()),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &File, path: &Path) -> bool {
    path.exists()
}

#[cfg(unix)]
fn lock(file: &File, wait: bool) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    let operation = if wait {
        libc::LOCK_EX
    } else {
        libc::LOCK_EX | libc::LOCK_NB
    };
    // SAFETY: the descriptor is the open file's, valid for the call.
    if unsafe { libc::flock(file.as_raw_fd(), operation) } == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Elsewhere no lock is taken, and no other build's folders are taken for
/// abandoned.
#[cfg(not(unix))]
fn lock(_: &File, wait: bool) -> io::Result<()> {
    if wait {
        Ok(())
    } else {
        Err(io::ErrorKind::Unsupported.into())
    }
}

#[cfg(test)]
mod tests {
    use super::Taken;

    #[test]
    fn a_held_lock_is_not_free_and_a_dropped_one_is() {
        let folder = tempfile::tempdir().expect("tempdir");
        let path = folder.path().join("x.lock");
        assert!(matches!(super::take(&path), Taken::Missing));
        let held = super::hold(&path).expect("lock");
        if cfg!(unix) {
            assert!(matches!(super::take(&path), Taken::Held));
        }
        drop(held);
        assert!(matches!(super::take(&path), Taken::Free(_)));
        // Not a plain file: left alone, never opened.
        let pipe = folder.path().join("pipe.lock");
        std::fs::create_dir(&pipe).expect("mkdir");
        assert!(matches!(super::take(&pipe), Taken::Other));
        // `hold` refuses a path that is taken.
        assert!(super::hold(&pipe).is_err());
    }
}
