//! Write: output files to disk, all or nothing.
//!
//! In: the rendered [`OutputFile`]s and the output folder. Out: the folder
//! replaced by the new build, or an error and the previous output untouched.
//! Files go to a fresh staging folder beside the output ([`Staging`]),
//! during rendering as each page is made, and the folder is renamed into
//! place only when the build succeeded and every file was written. The output folder must not
//! be the site root (or contain it), nor lie in or contain `content/`, `themes/`
//! or a theme, wherever symbolic links put them; an existing folder is only
//! replaced if oasis made it (a marker file) or `--force` is given.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use crate::diagnostics::Diagnostic;
use crate::render::{OutputContent, OutputFile};

/// The file that marks a folder as oasis output.
pub const MARKER: &str = ".oasis-build";
const MARKER_TEXT: &str = "This folder is written by `oasis build` and replaced on every build.\n";

/// Checks that `output` may be written, before any work is done.
pub fn check_output(root: &Path, output: &Path, force: bool) -> Result<(), Diagnostic> {
    let root = root
        .canonicalize()
        .map_err(|e| crate::files::site_folder_error(root, &e))?;
    let output = absolute(output)?;
    let shown = output.display().to_string();
    if root.starts_with(&output) {
        return Err(Diagnostic::error(format!(
            "the output folder `{shown}` is the site folder or contains it"
        ))
        .hint(
            "building there would delete your content; use the default (public/) or another folder",
        ));
    }
    // `content/` and the themes may be symbolic links to folders anywhere,
    // so their real places are compared, not their names under the root.
    for (name, folder) in protected_folders(&root)? {
        let place = if folder == root.join(name.trim_end_matches('/')) {
            name.clone()
        } else {
            format!("{name}, which links to `{}`", folder.display())
        };
        if output.starts_with(&folder) {
            return Err(Diagnostic::error(format!(
                "the output folder `{shown}` is inside {place}"
            ))
            .hint("write the site somewhere else, e.g. --output public"));
        }
        if folder.starts_with(&output) {
            return Err(Diagnostic::error(format!(
                "the output folder `{shown}` contains {place}"
            ))
            .hint(format!(
                "building there would delete {name}; write the site somewhere else, e.g. --output public"
            )));
        }
    }
    if output.is_file() {
        return Err(
            Diagnostic::error(format!("the output `{shown}` is a file, not a folder"))
                .hint("choose a folder name for --output"),
        );
    }
    if output.is_dir() && !force && !output.join(MARKER).is_file() {
        let empty = std::fs::read_dir(&output)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !empty {
            return Err(Diagnostic::error(format!(
                "the output folder `{shown}` was not made by oasis, so it is not replaced"
            ))
            .hint("choose another folder, empty this one, or pass --force to replace it"));
        }
    }
    Ok(())
}

/// The folders the output must stay out of and away from, each with its
/// name in messages: `content/`, `themes/` and every folder in `themes/`,
/// at their real places (symbolic links resolved). `root` is canonical.
fn protected_folders(root: &Path) -> Result<Vec<(String, PathBuf)>, Diagnostic> {
    let mut folders = vec![
        ("content/".to_string(), absolute(&root.join("content"))?),
        ("themes/".to_string(), absolute(&root.join("themes"))?),
    ];
    let mut themes: Vec<_> = std::fs::read_dir(root.join("themes"))
        .map(|entries| entries.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    themes.sort();
    for theme in themes.into_iter().filter(|t| t.is_dir()) {
        let name = theme.file_name().unwrap_or_default().to_string_lossy();
        folders.push((format!("themes/{name}/"), absolute(&theme)?));
    }
    Ok(folders)
}

/// The absolute form of a path that may not exist yet: symbolic links in the
/// part that exists are resolved, `.` and `..` are applied component by component.
fn absolute(path: &Path) -> Result<PathBuf, Diagnostic> {
    use std::path::Component;
    let path = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map_err(|e| Diagnostic::error(format!("cannot read the current folder: {e}")))?
            .join(path)
    };
    let mut resolved = PathBuf::new();
    for component in path.components() {
        match component {
            Component::Prefix(_) | Component::RootDir => resolved.push(component),
            Component::CurDir => {}
            Component::ParentDir => {
                resolved.pop();
            }
            Component::Normal(name) => {
                resolved.push(name);
                if let Ok(canonical) = resolved.canonicalize() {
                    resolved = canonical;
                }
            }
        }
    }
    Ok(resolved)
}

/// Writes the files into a staging folder and swaps it in.
pub fn write(outputs: &[OutputFile], output: &Path) -> Result<(), Diagnostic> {
    let staging = Staging::create(output)?;
    outputs.par_iter().try_for_each(|file| staging.put(file))?;
    staging.commit()
}

/// A fresh staging folder beside the output, filled file by file (from any
/// thread, while the site is still rendering) and swapped into place by
/// [`Staging::commit`]. Dropped without a commit, it is removed, and the
/// previous output stays as it was.
pub struct Staging {
    output: PathBuf,
    dir: PathBuf,
    old: PathBuf,
    /// Set by the first failed write: the build has failed, so later files
    /// are not written (one error, not one per file, when the disk is full).
    failed: AtomicBool,
    committed: bool,
}

impl Staging {
    pub fn create(output: &Path) -> Result<Staging, Diagnostic> {
        let output = absolute(output)?;
        let parent = output
            .parent()
            .ok_or_else(|| Diagnostic::error("the output folder has no parent folder"))?;
        std::fs::create_dir_all(parent).map_err(|e| io_error("create", parent, &e))?;
        let name = output
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".to_string());
        remove_abandoned(parent, &name);
        let pid = std::process::id();
        let dir = parent.join(format!(".{name}.oasis-new-{pid}"));
        let old = parent.join(format!(".{name}.oasis-old-{pid}"));
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(|e| io_error("remove", &dir, &e))?;
        }
        std::fs::create_dir_all(&dir).map_err(|e| io_error("create", &dir, &e))?;
        Ok(Staging {
            output,
            dir,
            old,
            failed: AtomicBool::new(false),
            committed: false,
        })
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
        if self.failed.load(Ordering::Relaxed) {
            return Ok(());
        }
        let path = self.dir.join(&file.path);
        // Folders are made when a write first fails for want of one: one
        // failed open per folder costs less than a `stat` before every file.
        let result = match write_file(&path, &file.content) {
            Err(Failure::Write(e)) if e.kind() == std::io::ErrorKind::NotFound => path
                .parent()
                .map_or(Err(e), std::fs::create_dir_all)
                .map_err(Failure::Write)
                .and_then(|()| write_file(&path, &file.content)),
            other => other,
        };
        result.map_err(|failure| {
            self.failed.store(true, Ordering::Relaxed);
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
    pub fn commit(mut self) -> Result<(), Diagnostic> {
        let marker = self.dir.join(MARKER);
        std::fs::write(&marker, MARKER_TEXT).map_err(|e| io_error("write", &marker, &e))?;
        let (output, staging, old) = (&self.output, &self.dir, &self.old);
        if output.exists() && exchange(staging, output).is_ok() {
            // One step: there is no moment without an output folder.
            self.committed = true;
            let _ = std::fs::remove_dir_all(staging);
        } else if output.exists() {
            std::fs::rename(output, old).map_err(|e| io_error("move aside", output, &e))?;
            if let Err(e) = std::fs::rename(staging, output) {
                let _ = std::fs::rename(old, output);
                return Err(io_error("move into place", output, &e));
            }
            self.committed = true;
            // The new build is in place; the old one is only clean-up now.
            let _ = std::fs::remove_dir_all(old);
        } else {
            std::fs::rename(staging, output)
                .map_err(|e| io_error("move into place", output, &e))?;
            self.committed = true;
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
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

/// Removes the staging folders of builds that were killed before they
/// could clean up (`.public.oasis-new-<pid>` of a process that is gone).
/// Only on Linux, where `/proc` says which processes are running; a folder
/// of a running build is left alone.
fn remove_abandoned(parent: &Path, name: &str) {
    if !cfg!(target_os = "linux") || !Path::new("/proc/self").exists() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let prefix = format!(".{name}.oasis-new-");
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(pid) = file_name
            .to_str()
            .and_then(|n| n.strip_prefix(&prefix))
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Why a file could not be written: its source (a file copied from
/// `content/` or a theme) could not be read, or the copy not written.
enum Failure {
    Read(std::io::Error),
    Write(std::io::Error),
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

fn io_error(action: &str, path: &Path, error: &std::io::Error) -> Diagnostic {
    Diagnostic::error(format!("could not {action} `{}`: {error}", path.display()))
        .hint("check that the disk is not full and that you may write there")
}
