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
mod lock;
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
/// Before the list of what the build wrote at the top of the folder.
const MARKER_LIST: &str = "It wrote these, at the top of the folder:\n";

/// A file name as the marker lists it, one to a line: a backslash, line
/// breaks and other control characters, and bytes that are not UTF-8 are
/// escaped (`\\`, `\u{a}`, `\xff`), so that any name a file system allows
/// comes back the same.
pub(crate) fn encoded_name(name: &std::ffi::OsStr) -> String {
    #[cfg(unix)]
    let bytes = std::os::unix::ffi::OsStrExt::as_bytes(name).to_vec();
    #[cfg(not(unix))]
    let bytes = name.to_string_lossy().into_owned().into_bytes();
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
                c => out.push(c),
            }
        }
        for byte in chunk.invalid() {
            out.push_str(&format!("\\x{byte:02x}"));
        }
    }
    out
}

/// The marker's text for a build that wrote `entries` (encoded) at the
/// top of the folder.
fn marker_text(entries: &[String]) -> String {
    let mut entries: Vec<&String> = entries.iter().collect();
    entries.sort();
    let mut text = format!("{MARKER_TEXT}{MARKER_LIST}");
    for entry in entries {
        text.push_str(entry);
        text.push('\n');
    }
    text
}

/// What a marker says its build wrote at the top of the folder; `None`
/// for the marker of an earlier oasis, which did not say.
pub(crate) fn marker_entries(marker: &str) -> Option<std::collections::HashSet<&str>> {
    let (_, list) = marker.split_once(MARKER_LIST)?;
    Some(list.lines().collect())
}

/// Writes the files into a staging folder and swaps it in; returns the
/// warnings (an old build that could not be removed).
pub fn write(outputs: &[OutputFile], output: &Path) -> Result<Vec<Diagnostic>, Diagnostic> {
    let staging = Staging::create(output, false)?;
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
    /// `--force`: the output is replaced whatever it holds.
    force: bool,
    /// The lock that says this build is running (see [`remove_abandoned`]),
    /// given up when the staging is dropped, and its file.
    lock: lock::Lock,
    lock_path: PathBuf,
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
    /// Set once the new site is in place.
    committed: AtomicBool,
    /// What a build that does not finish must remove; `None` once the new
    /// site is in place. Locked for the whole swap, so that a stopped build
    /// finishes swapping before it tidies up.
    undo: Mutex<Option<Undo>>,
}

/// The staging folder and the folders made on the way to it (the output's
/// missing parents), deepest first.
struct Undo {
    dir: PathBuf,
    /// The build's lock file, removed with its folder.
    lock: PathBuf,
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
        let _ = std::fs::remove_file(&self.lock);
        for folder in &self.made {
            // Only while empty: someone else may have put a file there.
            let _ = std::fs::remove_dir(folder);
        }
    }
}

/// The output's name as the staging folders beside it take it: at most 100
/// bytes of it, so that theirs (some 40 bytes longer) stay within the 255
/// bytes a file name may have.
fn staging_name(output: &Path) -> String {
    let mut name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".to_string());
    if name.len() > 100 {
        let mut end = 100;
        while !name.is_char_boundary(end) {
            end -= 1;
        }
        name.truncate(end);
    }
    name
}

/// A number no other build started at another moment has: the time in
/// nanoseconds.
fn unique() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
}

/// Gives the staging folder the owner, group and permissions of the output
/// folder it replaces: a private folder (`chmod 700`) stays private.
/// Best effort: only the owner (or root) may change them.
fn keep_owner_and_mode(output: &Path, staging: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let Ok(existing) = std::fs::metadata(output) else {
            return;
        };
        let Ok(made) = std::fs::metadata(staging) else {
            return;
        };
        if (existing.uid(), existing.gid()) != (made.uid(), made.gid()) {
            let _ = std::os::unix::fs::chown(staging, Some(existing.uid()), Some(existing.gid()));
        }
        // The owner keeps the right to read, write and enter it: without
        // it the next build could not remove the old site (a `chmod 555`
        // folder left a copy of the site behind on every build).
        use std::os::unix::fs::PermissionsExt;
        let mode = existing.permissions().mode() | 0o700;
        let _ = std::fs::set_permissions(staging, std::fs::Permissions::from_mode(mode));
    }
}

impl Staging {
    /// `force`: replace the output whatever it holds (`--force`).
    pub fn create(output: &Path, force: bool) -> Result<Staging, Diagnostic> {
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
        let name = staging_name(&output);
        // The process id and the time: two builds into one folder from
        // containers of their own may both be process 1.
        let tag = format!("{}-{:x}", std::process::id(), unique());
        let dir = parent.join(format!(".{name}.oasis-new-{tag}"));
        let old = parent.join(format!(".{name}.oasis-old-{tag}"));
        let lock_path = parent.join(format!(".{name}.oasis-{tag}.lock"));
        let undo = Undo {
            dir: dir.clone(),
            lock: lock_path.clone(),
            made,
        };
        if let Err(e) = std::fs::create_dir_all(parent) {
            undo.run();
            return Err(io_error("create", parent, &e));
        }
        // Held until this build has finished with its folders: a build that
        // finds the lock free knows they were left by one that was killed.
        let lock = match lock::hold(&lock_path) {
            Ok(lock) => lock,
            Err(e) => {
                undo.run();
                return Err(io_error("create", &lock_path, &e));
            }
        };
        let warnings = remove_abandoned(parent, &name);
        if let Err(e) = std::fs::create_dir(&dir) {
            undo.run();
            return Err(io_error("create", &dir, &e));
        }
        // A private output's new site is private from the start.
        keep_owner_and_mode(&output, &dir);
        Ok(Staging {
            output,
            dir,
            old,
            force,
            lock,
            lock_path,
            state: Arc::new(State {
                stopped: AtomicBool::new(false),
                interrupted: AtomicBool::new(false),
                committed: AtomicBool::new(false),
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
            use std::io::Write as _;
            state.interrupted.store(true, Ordering::SeqCst);
            state.stopped.store(true, Ordering::SeqCst);
            // Waits for a swap under way to finish.
            let undone = state.undo();
            if !undone && state.committed.load(Ordering::SeqCst) {
                // The new site is in place: stopping now would only leave
                // the old one behind and report a failure for a build that
                // is published. It finishes, and says so.
                let _ = writeln!(
                    std::io::stderr(),
                    "note: the build was asked to stop (Ctrl+C or SIGTERM) after the new site was in place in `{}`: finishing",
                    output.display()
                );
                return false;
            }
            if undone {
                let _ = writeln!(
                    std::io::stderr(),
                    "error: the site was not built: the build was stopped (Ctrl+C or SIGTERM) before it finished; `{}` is as it was",
                    output.display()
                );
            }
            true
        });
    }

    /// A way to give the build up from another thread (a page that takes
    /// for ever, see [`crate::render::watchdog`]): no file is written after
    /// it, and the staging folder is removed.
    pub fn abandon_handle(&self) -> impl Fn() + Send + Sync + 'static {
        let state = Arc::clone(&self.state);
        move || {
            state.stopped.store(true, Ordering::SeqCst);
            state.undo();
        }
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
        // Another build removes a build's folders only when its lock file
        // is free or gone: this one's must still be there, held (someone
        // may have removed it by hand; then the folder may have lost files,
        // and a site with files missing is never published).
        if !self.lock.is_at(&self.lock_path) {
            return Err(Diagnostic::error(format!(
                "the lock file `{}` was removed while the site was built, so other builds may have removed files of this one",
                self.lock_path.display()
            ))
            .hint("nothing was published; build again, and leave the `.oasis-…` files beside the output folder alone while oasis runs"));
        }
        let entries: Vec<String> = std::fs::read_dir(&self.dir)
            .map_err(|e| io_error("read", &self.dir, &e))?
            .flatten()
            .map(|entry| encoded_name(&entry.file_name()))
            .collect();
        std::fs::write(&marker, marker_text(&entries))
            .map_err(|e| io_error("write", &marker, &e))?;
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
        keep_owner_and_mode(output, staging);
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
        // What may have been put there while the site was built, and what
        // an older oasis's marker could not say: checked against what this
        // build wrote, at the last moment.
        if existing
            && !self.force
            && let Some(problem) = output_folder::what_is_in_the_way(output, Some(&entries))
        {
            return Err(output_folder::refusal(
                &output.display().to_string(),
                &problem,
            ));
        }
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
            state.committed.store(true, Ordering::SeqCst);
            *undo = None;
            let _ = std::fs::remove_file(&self.lock_path);
            return Ok(warnings);
        };
        state.committed.store(true, Ordering::SeqCst);
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
        let _ = std::fs::remove_file(&self.lock_path);
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
        // Not once the new site is in place: that build finishes.
        if self.interrupted.load(Ordering::SeqCst) && !self.committed.load(Ordering::SeqCst) {
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
/// the staging folder of a build that was killed
/// (`.public.oasis-new-<tag>`), and an old site that could not be removed
/// (`.public.oasis-old-<tag>`), with their lock files. A folder is an
/// earlier build's when the lock of its tag is free (see [`lock`]); folders
/// named by an oasis that took no lock (`<tag>` a process id alone) when,
/// on Linux, that process is not running. A folder of a running build is
/// left alone. One that cannot be removed is a warning: it is not
/// published, but it takes room and would otherwise be kept for ever
/// without anyone knowing.
fn remove_abandoned(parent: &Path, name: &str) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    let Ok(entries) = std::fs::read_dir(parent) else {
        return warnings;
    };
    let prefixes = [format!(".{name}.oasis-new-"), format!(".{name}.oasis-old-")];
    let lock_prefix = format!(".{name}.oasis-");
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in &entries {
        let Some(file_name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        // A lock file whose build is gone, left without its folders:
        // removed while its lock is held, so that no build starting now
        // can be holding it.
        if let Some(tag) = file_name
            .strip_prefix(lock_prefix.as_str())
            .and_then(|rest| rest.strip_suffix(".lock"))
            .filter(|tag| is_tag(tag))
        {
            let folders_left = prefixes
                .iter()
                .any(|prefix| parent.join(format!("{prefix}{tag}")).exists());
            if !folders_left && let lock::Taken::Free(guard) = lock::take(path) {
                let _ = std::fs::remove_file(path);
                drop(guard);
            }
            continue;
        }
        // Only names oasis makes: a tag of digits (an older oasis's
        // process id) or digits, `-` and hexadecimal digits.
        let Some(tag) = prefixes
            .iter()
            .find_map(|prefix| file_name.strip_prefix(prefix.as_str()))
            .filter(|tag| is_tag(tag))
        else {
            continue;
        };
        let lock_path = parent.join(format!("{lock_prefix}{tag}.lock"));
        let pid_gone = || {
            tag.split('-')
                .next()
                .and_then(|pid| pid.parse::<u32>().ok())
                .is_some_and(|pid| {
                    cfg!(target_os = "linux")
                        && Path::new("/proc/self").exists()
                        && pid != std::process::id()
                        && !Path::new(&format!("/proc/{pid}")).exists()
                })
        };
        let guard = match lock::take(&lock_path) {
            lock::Taken::Free(guard) => Some(guard),
            // An older oasis's folder, or one whose lock file someone
            // removed: by its process, where the system says.
            lock::Taken::Missing if pid_gone() => None,
            _ => continue,
        };
        if let Err(e) = std::fs::remove_dir_all(path) {
            warnings.push(leftover_warning(
                path,
                format!(
                    "`{}`, left by an earlier build, could not be removed: {e}",
                    path.display()
                ),
            ));
        } else if guard.is_some() {
            let _ = std::fs::remove_file(&lock_path);
        }
        drop(guard);
    }
    warnings
}

/// Whether `tag` is one oasis names its folders with: `1234` or
/// `1234-18a2b3c4d5e6f`.
fn is_tag(tag: &str) -> bool {
    let (pid, time) = tag.split_once('-').unwrap_or((tag, "0"));
    !pid.is_empty()
        && pid.bytes().all(|b| b.is_ascii_digit())
        && !time.is_empty()
        && time.bytes().all(|b| b.is_ascii_hexdigit())
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
