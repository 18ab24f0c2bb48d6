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

/// Creates the lock file at `path` and locks it.
pub fn hold(path: &Path) -> io::Result<Lock> {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)?;
    lock(&file, true)?;
    Ok(Lock { _file: file })
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
