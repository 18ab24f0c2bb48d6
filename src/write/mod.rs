//! Write: output files to disk, all or nothing.
//!
//! In: the rendered [`OutputFile`]s and the output folder. Out: the folder
//! replaced by the new build, or an error and the previous output untouched.
//! Before any work, [`check_output`] makes sure the output may be replaced
//! (see [`output_folder`]). Files go to a fresh staging folder beside the
//! output ([`Staging`]), during rendering as each page is made, and the
//! folder is swapped into place only when the build succeeded and every
//! file was written. A failed or stopped build removes the staging folder
//! and any folder it made on the way to the output.

mod interrupt;
pub mod output_folder;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use rayon::prelude::*;

use crate::diagnostics::Diagnostic;
use crate::render::{OutputContent, OutputFile};

pub use output_folder::check_output;

/// The file that marks a folder as oasis output.
pub const MARKER: &str = ".oasis-build";
const MARKER_TEXT: &str = "This folder is written by `oasis build` and replaced on every build.\n";

/// Writes the files into a staging folder and swaps it in; returns the
/// warnings (an old build that could not be removed).
pub fn write(outputs: &[OutputFile], output: &Path) -> Result<Vec<Diagnostic>, Diagnostic> {
    let staging = Staging::create(output)?;
    outputs.par_iter().try_for_each(|file| staging.put(file))?;
    staging.commit()
}

/// A fresh staging folder beside the output, filled file by file (from any
/// thread, while the site is still rendering) and swapped into place by
/// [`Staging::commit`]. Dropped without a commit, it is removed, with the
/// folders made for it, and the previous output stays as it was.
pub struct Staging {
    output: PathBuf,
    dir: PathBuf,
    old: PathBuf,
    /// Shared with the thread that tidies up if the build is stopped
    /// ([`Staging::remove_on_interrupt`]).
    state: Arc<State>,
    /// Problems met on the way that do not stop the build: an old build's
    /// folder that could not be removed.
    warnings: Vec<Diagnostic>,
}

struct State {
    /// Set by the first failed write, or when the build is stopped: later
    /// files are not written (one error, not one per file, when the disk is
    /// full).
    stopped: AtomicBool,
    /// Set by Ctrl+C or SIGTERM: the thread that received it tidies up and
    /// then ends the process, which the build's own thread must not do
    /// first (the staging folder would be left half removed).
    interrupted: AtomicBool,
    /// What a build that does not finish must remove; `None` once the new
    /// site is in place. Locked for the whole swap, so that a stopped build
    /// finishes swapping before it tidies up.
    undo: Mutex<Option<Undo>>,
}

/// The staging folder and the folders made on the way to it (the output's
/// missing parents), deepest first.
struct Undo {
    dir: PathBuf,
    made: Vec<PathBuf>,
}

impl Undo {
    fn run(&self) {
        // Files still being written may land after a first removal: once
        // `stopped` is set no new one starts, so a few tries suffice.
        for _ in 0..20 {
            match std::fs::remove_dir_all(&self.dir) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    std::thread::sleep(std::time::Duration::from_millis(25));
                }
                _ => break,
            }
        }
        for folder in &self.made {
            // Only while empty: someone else may have put a file there.
            let _ = std::fs::remove_dir(folder);
        }
    }
}

impl Staging {
    pub fn create(output: &Path) -> Result<Staging, Diagnostic> {
        let output = output_folder::absolute(output)?;
        let parent = output
            .parent()
            .ok_or_else(|| Diagnostic::error("the output folder has no parent folder"))?;
        // The folders that do not exist yet are made now, so that a folder
        // that cannot be written fails the build before its work; a failed
        // build removes them again.
        let made: Vec<PathBuf> = parent
            .ancestors()
            .take_while(|folder| std::fs::symlink_metadata(folder).is_err())
            .map(Path::to_path_buf)
            .collect();
        let name = output
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".to_string());
        let pid = std::process::id();
        let dir = parent.join(format!(".{name}.oasis-new-{pid}"));
        let old = parent.join(format!(".{name}.oasis-old-{pid}"));
        let undo = Undo {
            dir: dir.clone(),
            made,
        };
        if let Err(e) = std::fs::create_dir_all(parent) {
            undo.run();
            return Err(io_error("create", parent, &e));
        }
        let warnings = remove_abandoned(parent, &name);
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(|e| io_error("remove", &dir, &e))?;
        }
        if let Err(e) = std::fs::create_dir(&dir) {
            undo.run();
            return Err(io_error("create", &dir, &e));
        }
        Ok(Staging {
            output,
            dir,
            old,
            state: Arc::new(State {
                stopped: AtomicBool::new(false),
                interrupted: AtomicBool::new(false),
                undo: Mutex::new(Some(undo)),
            }),
            warnings,
        })
    }

    /// Removes the staging folder (and the folders made for it) if the
    /// build is stopped by Ctrl+C or SIGTERM before the new site is in
    /// place, then says so: the writer learns that nothing was published
    /// and the output is as it was. Call it before the build starts its
    /// threads.
    pub fn remove_on_interrupt(&self) {
        let state = Arc::clone(&self.state);
        let output = self.output.clone();
        interrupt::on_interrupt(move || {
            state.interrupted.store(true, Ordering::SeqCst);
            state.stopped.store(true, Ordering::SeqCst);
            if state.undo() {
                use std::io::Write as _;
                let _ = writeln!(
                    std::io::stderr(),
                    "error: the site was not built: the build was stopped (Ctrl+C or SIGTERM) before it finished; `{}` is as it was",
                    output.display()
                );
            }
        });
    }

    /// Writes one file, and returns it without its bytes: the [`Emit`]
    /// callback of `oasis build`.
    ///
    /// [`Emit`]: crate::render::Emit
    pub fn emit(&self, file: OutputFile) -> Result<OutputFile, Diagnostic> {
        self.put(&file)?;
        Ok(OutputFile {
            content: OutputContent::Emitted,
            ..file
        })
    }

    /// Writes one file into the staging folder.
    pub fn put(&self, file: &OutputFile) -> Result<(), Diagnostic> {
        if self.state.stopped.load(Ordering::Relaxed) {
            return Ok(());
        }
        let path = self.dir.join(&file.path);
        // Folders are made when a write first fails for want of one: one
        // failed open per folder costs less than a `stat` before every file.
        let result = match write_file(&path, &file.content) {
            Err(Failure::Write(e)) if e.kind() == std::io::ErrorKind::NotFound => {
                make_folders(&self.dir, &path)
                    .map_err(Failure::Write)
                    .and_then(|()| write_file(&path, &file.content))
            }
            other => other,
        };
        result.map_err(|failure| {
            self.state.stopped.store(true, Ordering::Relaxed);
            match (failure, &file.content) {
                (Failure::Read(e), OutputContent::Copy(source)) => {
                    let shown = file
                        .owner
                        .clone()
                        .unwrap_or_else(|| source.display().to_string());
                    crate::files::read_error(&shown, &e)
                }
                (Failure::Read(e) | Failure::Write(e), _) => io_error("write", &path, &e),
            }
        })
    }

    /// Marks the staging folder as oasis output and swaps it into place.
    /// Returns the warnings: an old build that could not be removed.
    pub fn commit(mut self) -> Result<Vec<Diagnostic>, Diagnostic> {
        let marker = self.dir.join(MARKER);
        std::fs::write(&marker, MARKER_TEXT).map_err(|e| io_error("write", &marker, &e))?;
        let mut warnings = std::mem::take(&mut self.warnings);
        let state = Arc::clone(&self.state);
        let mut undo = state.undo.lock().unwrap_or_else(PoisonError::into_inner);
        if undo.is_none() {
            // Stopped (Ctrl+C) while the last files were written.
            drop(undo);
            state.wait_if_interrupted();
            return Err(Diagnostic::error("the build was stopped"));
        }
        let (output, staging, old) = (&self.output, &self.dir, &self.old);
        // Checked again at the last moment: something else may have been
        // put there since `check_output`, and only a folder is replaced.
        let existing = match std::fs::symlink_metadata(output) {
            Ok(found) if found.is_dir() => true,
            Ok(found) => {
                let what = output_folder::kind(&found.file_type());
                return Err(Diagnostic::error(format!(
                    "the output `{}` is {what}, not a folder",
                    output.display()
                ))
                .hint("choose a folder name for --output: oasis only ever replaces a folder"));
            }
            Err(_) => false,
        };
        // The folder that holds the old site once the new one is in place.
        let previous = if existing && exchange(staging, output).is_ok() {
            // One step: there is no moment without an output folder. The
            // old site, now in the staging folder, takes the old one's name,
            // so that a warning about it names it as what it is.
            if std::fs::rename(staging, old).is_ok() {
                old
            } else {
                staging
            }
        } else if existing {
            std::fs::rename(output, old).map_err(|e| swap_error("move aside", output, &e))?;
            if let Err(e) = std::fs::rename(staging, output) {
                let _ = std::fs::rename(old, output);
                return Err(swap_error("move into place", output, &e));
            }
            old
        } else {
            std::fs::rename(staging, output)
                .map_err(|e| swap_error("move into place", output, &e))?;
            *undo = None;
            return Ok(warnings);
        };
        *undo = None;
        drop(undo);
        // The new build is in place; the old one is only clean-up now.
        if let Err(e) = std::fs::remove_dir_all(previous) {
            warnings.push(leftover_warning(
                previous,
                format!(
                    "the new build is in place, but the previous one, moved to `{}`, could not be removed: {e}",
                    previous.display()
                ),
            ));
        }
        Ok(warnings)
    }

    /// The warnings met so far (see [`Staging::commit`]), for a build that
    /// failed and does not commit.
    pub fn take_warnings(&mut self) -> Vec<Diagnostic> {
        std::mem::take(&mut self.warnings)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        self.state.undo();
        self.state.wait_if_interrupted();
    }
}

impl State {
    /// After Ctrl+C or SIGTERM, waits for the thread that received it to
    /// finish tidying up and end the process, rather than returning (and
    /// ending it before the staging folder is gone).
    fn wait_if_interrupted(&self) {
        if self.interrupted.load(Ordering::SeqCst) {
            loop {
                std::thread::park();
            }
        }
    }

    /// Removes what an unfinished build made, once (nothing after the
    /// swap); whether there was anything to remove.
    fn undo(&self) -> bool {
        let undo = self
            .undo
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        undo.map(|undo| undo.run()).is_some()
    }
}

/// Why a file could not be written: its source (a file copied from
/// `content/` or a theme) could not be read, or the copy not written.
enum Failure {
    Read(std::io::Error),
    Write(std::io::Error),
}

/// Makes the folders from `dir` (which must still exist) down to `path`'s
/// parent: once a stopped build has removed the staging folder, a file
/// still being written cannot make it again.
fn make_folders(dir: &Path, path: &Path) -> std::io::Result<()> {
    let Some(parent) = path.parent() else {
        return Ok(());
    };
    let relative = parent.strip_prefix(dir).unwrap_or(Path::new(""));
    let mut folder = dir.to_path_buf();
    for component in relative.components() {
        folder.push(component);
        match std::fs::create_dir(&folder) {
            Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => return Err(e),
            _ => {}
        }
    }
    Ok(())
}

/// Swaps two folders in one step, where the system can (Linux's
/// `renameat2` with `RENAME_EXCHANGE`): a web server publishing the output
/// folder never finds it missing, and a build killed at that moment leaves
/// the old or the new site in place, never neither.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let path = |p: &Path| {
        CString::new(p.as_os_str().as_bytes())
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))
    };
    let (a, b) = (path(a)?, path(b)?);
    // SAFETY: both are valid NUL-terminated paths that outlive the call.
    let done = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if done == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// Elsewhere (or on a file system without the exchange) the output is
/// moved aside and the new one moved in: two renames in a row.
#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

/// Removes the folders of earlier builds that did not finish tidying up:
/// the staging folder of a build that was killed (`.public.oasis-new-<pid>`
/// of a process that is gone), and an old site that could not be removed
/// (`.public.oasis-old-<pid>`, or the `-new-` folder it was swapped into).
/// Only on Linux, where `/proc` says which processes are running; a folder
/// of a running build is left alone. One that cannot be removed is a
/// warning: it is not published, but it takes room and would otherwise be
/// kept for ever without anyone knowing.
fn remove_abandoned(parent: &Path, name: &str) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    if !cfg!(target_os = "linux") || !Path::new("/proc/self").exists() {
        return warnings;
    }
    let Ok(entries) = std::fs::read_dir(parent) else {
        return warnings;
    };
    let prefixes = [format!(".{name}.oasis-new-"), format!(".{name}.oasis-old-")];
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        let Some(pid) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| prefixes.iter().find_map(|p| n.strip_prefix(p.as_str())))
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if pid == std::process::id() || Path::new(&format!("/proc/{pid}")).exists() {
            continue;
        }
        if let Err(e) = std::fs::remove_dir_all(&path) {
            warnings.push(leftover_warning(
                &path,
                format!(
                    "`{}`, left by an earlier build, could not be removed: {e}",
                    path.display()
                ),
            ));
        }
    }
    warnings
}

/// The warning for a folder oasis meant to remove and could not, with
/// how to remove it by hand.
fn leftover_warning(folder: &Path, message: String) -> Diagnostic {
    let shown = folder.display();
    Diagnostic::warning(message)
    .hint(format!(
        "it is not part of the site: remove it yourself, e.g. `rm -rf '{shown}'` (if that is refused, first make it writable: `chmod -R u+w '{shown}'`)"
    ))
}

fn write_file(path: &Path, content: &OutputContent) -> Result<(), Failure> {
    match content {
        OutputContent::Bytes(bytes) => std::fs::write(path, bytes).map_err(Failure::Write),
        OutputContent::Builtin(bytes) => std::fs::write(path, bytes).map_err(Failure::Write),
        OutputContent::Copy(source) => std::fs::copy(source, path).map(|_| ()).map_err(|e| {
            // Which end failed, the copy does not say: the source is
            // opened again to tell (only when the copy failed).
            match std::fs::File::open(source) {
                Err(read) => Failure::Read(read),
                Ok(_) => Failure::Write(e),
            }
        }),
        OutputContent::Emitted => Ok(()),
    }
}

/// An error writing the output, with the fix for its likely cause.
fn io_error(action: &str, path: &Path, error: &std::io::Error) -> Diagnostic {
    use std::io::ErrorKind;
    let hint = match error.kind() {
        ErrorKind::PermissionDenied => {
            "you may not write there: choose an --output in a folder you may write to, or ask for permission to write in this one"
        }
        ErrorKind::StorageFull | ErrorKind::QuotaExceeded => {
            "the disk is full: free some space, or choose an --output on another disk"
        }
        ErrorKind::ReadOnlyFilesystem => {
            "that disk is read-only: choose an --output on a disk you may write to"
        }
        _ => "check that the disk is not full and that you may write there",
    };
    Diagnostic::error(format!("could not {action} `{}`: {error}", path.display())).hint(hint)
}

/// An error swapping the new site in: a mount point cannot be moved (EBUSY:
/// a bind mount that [`check_output`] could not tell from a folder).
fn swap_error(action: &str, output: &Path, error: &std::io::Error) -> Diagnostic {
    if error.kind() == std::io::ErrorKind::ResourceBusy {
        output_folder::mount_point_error(output)
    } else {
        io_error(action, output, error)
    }
}
