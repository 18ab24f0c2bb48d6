//! Which builds are running: each holds a lock on a file of its own beside
//! the output (`.public.oasis-<tag>.lock`) for as long as it has folders
//! there. A build that can take another's lock knows that build is gone
//! (killed, or its machine stopped) and that its folders may be removed.
//!
//! A lock says this across containers that share the folder, where process
//! ids do not: two builds may both be process 1.

use std::fs::File;
use std::io;
use std::path::Path;

/// A lock held until it is dropped.
pub struct Lock {
    _file: File,
}

/// Creates the lock file at `path` and locks it. On a file system that
/// cannot lock (NFS without its lock service, some network shares), the
/// file is made all the same: no other build then takes this one's folders
/// for abandoned, as no lock there is ever free.
pub fn hold(path: &Path) -> io::Result<Lock> {
    loop {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)?;
        match lock(&file, true) {
            Ok(()) => {}
            Err(e) if cannot_lock(&e) => return Ok(Lock { _file: file }),
            Err(e) => return Err(e),
        }
        // Another build may have taken the file for a dead build's and
        // removed it between its making and its locking: then the lock is
        // on a file no one else can find, and it is made again.
        if same_file(&file, path) {
            return Ok(Lock { _file: file });
        }
    }
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
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(open), Ok(named)) => (open.dev(), open.ino()) == (named.dev(), named.ino()),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &File, path: &Path) -> bool {
    path.exists()
}

/// Whether no running build holds the lock at `path` (or there is none).
pub fn is_free(path: &Path) -> bool {
    match std::fs::OpenOptions::new().write(true).open(path) {
        Ok(file) => lock(&file, false).is_ok(),
        Err(e) => e.kind() == io::ErrorKind::NotFound,
    }
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
    #[test]
    fn a_held_lock_is_not_free_and_a_dropped_one_is() {
        let folder = tempfile::tempdir().expect("tempdir");
        let path = folder.path().join("x.lock");
        assert!(super::is_free(&path), "no lock file");
        let held = super::hold(&path).expect("lock");
        if cfg!(unix) {
            assert!(!super::is_free(&path));
        }
        drop(held);
        assert!(super::is_free(&path));
    }
}
