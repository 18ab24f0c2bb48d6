//! Walking the site's folders safely.
//!
//! In: the site root and a folder under it (`content/`, a theme). Out: the
//! files in it, sorted, with paths relative to the root, and diagnostics for
//! what must not be read: symbolic links that leave the root (the folder's
//! own, such as a linked `themes/`, included), link loops, broken links,
//! names that are not UTF-8 and unreadable folders. Editor and hidden files
//! are skipped.

use std::cell::RefCell;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostic;

/// A file found under the root.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// Where to read it (may be a symbolic link inside the root).
    pub path: PathBuf,
    /// Path relative to the root, with `/` separators: `content/plans/derby.md`.
    pub relative: String,
    pub size: u64,
}

/// Whether a file or folder name is skipped: hidden files and editor leftovers.
pub fn is_ignored(name: &str) -> bool {
    let ends_with = |suffix: &str| {
        name.len() >= suffix.len()
            && name.is_char_boundary(name.len() - suffix.len())
            && name[name.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
    };
    name.starts_with('.')
        || name.ends_with('~')
        || ends_with(".swp")
        || ends_with(".swx")
        || ends_with(".tmp")
        || name.starts_with("#") && name.ends_with('#')
        // Office's lock files and Windows' folder files.
        || name.starts_with("~$")
        || name.eq_ignore_ascii_case("thumbs.db")
        || name.eq_ignore_ascii_case("desktop.ini")
}

/// The root-relative display form of a path.
pub fn relative_to(root: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The error for a path under `root` (`site.toml`, `themes/opportunity`)
/// that leads outside it: it names the first symbolic link on the way that
/// does, which may be a folder above the path (`themes`). `None` when the
/// path stays inside, or does not exist (reading it then says so).
pub fn leaves_root(root: &Path, path: &Path) -> Option<Diagnostic> {
    let canonical_root = root.canonicalize().ok()?;
    let inner = path.strip_prefix(root).ok()?;
    let mut prefix = root.to_path_buf();
    for component in inner.components() {
        prefix.push(component);
        match prefix.canonicalize() {
            Ok(target) if target.starts_with(&canonical_root) => {}
            Ok(target) => return Some(outside_error(&relative_to(root, &prefix), &target)),
            Err(_) => return None,
        }
    }
    None
}

/// The error for a `--root` that cannot be read, the same in every command.
pub fn site_folder_error(root: &Path, error: &std::io::Error) -> Diagnostic {
    Diagnostic::error(format!(
        "cannot read the site folder `{}`: {error}",
        root.display()
    ))
    .hint(if error.kind() == std::io::ErrorKind::PermissionDenied {
        "you may not open that folder: ask for permission to read it, or work on a copy of the site"
    } else {
        "run oasis in the site's folder (the one holding site.toml and content/), or pass it with --root DIR; `oasis init DIR` creates a new site"
    })
}

/// The error for a file under the root that cannot be read (`relative` to
/// the root), with the fix for the usual causes.
pub fn read_error(relative: &str, error: &std::io::Error) -> Diagnostic {
    let hint = if error.kind() == std::io::ErrorKind::PermissionDenied {
        format!(
            "the file's permissions do not let oasis read it: make it readable (e.g. `chmod a+r {relative}`), or ask whoever owns it to"
        )
    } else {
        "check that the file exists and can be read".to_string()
    };
    Diagnostic::error(format!("cannot read `{relative}`: {error}"))
        .in_file(relative)
        .hint(hint)
}

/// The error for a file that is copied into the site as it is (a PDF in
/// `content/`, a theme's static file) if it cannot be read, found as the
/// site is loaded: `check` must find what would stop `build`, and `build`
/// must blame the file, not the copy.
pub fn unreadable(file: &SourceFile) -> Option<Diagnostic> {
    std::fs::File::open(&file.path)
        .err()
        .map(|error| read_error(&file.relative, &error))
}

/// Lists the files under `dir` (which lies under `root`).
pub fn walk(root: &Path, dir: &Path) -> (Vec<SourceFile>, Vec<Diagnostic>) {
    let diagnostics = RefCell::new(Vec::new());
    let mut files = Vec::new();
    let canonical_root = match root.canonicalize() {
        Ok(root) => root,
        Err(error) => {
            return (files, vec![site_folder_error(root, &error)]);
        }
    };
    // A link above `dir` (`themes -> /elsewhere`) is not an entry of the
    // walk, so it is checked here.
    if let Some(error) = leaves_root(root, dir) {
        return (files, vec![error]);
    }
    let canonical_dir = dir.canonicalize().ok();
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| {
            let name = entry.file_name().to_string_lossy();
            if entry.depth() > 0 && is_ignored(&name) {
                return false;
            }
            // A name that is not UTF-8 has no address: read lossily it would
            // be published under another name, or collide with another.
            if entry.depth() > 0 && entry.file_name().to_str().is_none() {
                let relative = relative_to(root, entry.path());
                let folder = entry.file_type().is_dir();
                diagnostics
                    .borrow_mut()
                    .push(not_utf8_name(relative, entry.file_name(), folder));
                return false;
            }
            if entry.path_is_symlink() {
                let relative = relative_to(root, entry.path());
                match entry.path().canonicalize() {
                    // A link to the walked folder or a folder above it (the
                    // site folder): walkdir sees the loop only once it is
                    // back in the walked folder, after reading everything
                    // above it.
                    Ok(target)
                        if entry.depth() > 0
                            && target.is_dir()
                            && canonical_dir
                                .as_ref()
                                .is_some_and(|d| d.starts_with(&target)) =>
                    {
                        let back = match relative_to(&canonical_root, &target) {
                            above if above.is_empty() => "the site folder".to_string(),
                            above => format!("`{above}`"),
                        };
                        diagnostics.borrow_mut().push(
                            Diagnostic::error(format!(
                                "the symbolic link `{relative}` makes a loop back to {back}"
                            ))
                            .in_file(relative)
                            .hint("remove the link: a folder cannot contain itself"),
                        );
                        return false;
                    }
                    Ok(target) if target.starts_with(&canonical_root) => {}
                    Ok(target) => {
                        diagnostics
                            .borrow_mut()
                            .push(outside_error(&relative, &target));
                        return false;
                    }
                    Err(error) => {
                        diagnostics.borrow_mut().push(link_error(&relative, &error));
                        return false;
                    }
                }
            }
            true
        });
    for entry in walker {
        match entry {
            Ok(entry) if entry.file_type().is_file() => {
                let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
                files.push(SourceFile {
                    relative: relative_to(root, entry.path()),
                    path: entry.into_path(),
                    size,
                });
            }
            Ok(_) => {}
            Err(error) => {
                let path = error
                    .path()
                    .map(|p| relative_to(root, p))
                    .unwrap_or_else(|| relative_to(root, dir));
                let d = if let Some(ancestor) = error.loop_ancestor() {
                    Diagnostic::error(format!(
                        "the symbolic link `{path}` makes a loop back to `{}`",
                        relative_to(root, ancestor)
                    ))
                    .in_file(path)
                    .hint("remove the link: a folder cannot contain itself")
                } else if let Some(io) = error.io_error().filter(|e| e.raw_os_error() == Some(40)) {
                    link_error(&path, io)
                } else {
                    let io = error.io_error().map(|e| e.to_string()).unwrap_or_default();
                    Diagnostic::error(format!("cannot read `{path}`: {io}"))
                        .in_file(path)
                        .hint("check that the file exists and can be read")
                };
                diagnostics.borrow_mut().push(d);
            }
        }
    }
    (files, diagnostics.into_inner())
}

fn outside_error(relative: &str, target: &Path) -> Diagnostic {
    Diagnostic::error(format!(
        "the symbolic link `{relative}` points outside the site folder, to `{}`",
        target.display()
    ))
    .in_file(relative)
    .hint("only files inside the site folder are read: copy the file in instead of linking to it")
}

/// `relative` is shown lossily (the bad bytes as `\u{FFFD}`), so the first
/// bad byte is named too: two such names can look the same.
fn not_utf8_name(relative: String, name: &OsStr, folder: bool) -> Diagnostic {
    let what = if folder { "folder" } else { "file" };
    let byte = first_bad_byte(name)
        .map(|b| format!(" (byte 0x{b:02x})"))
        .unwrap_or_default();
    Diagnostic::error(format!(
        "the name of the {what} `{relative}` is not UTF-8{byte}, so it is left out"
    ))
    .in_file(relative)
    .hint(format!(
        "rename the {what}, e.g. with letters, digits and hyphens only (it was probably named on a system with another encoding)"
    ))
}

#[cfg(unix)]
fn first_bad_byte(name: &OsStr) -> Option<u8> {
    use std::os::unix::ffi::OsStrExt;
    let bytes = name.as_bytes();
    let error = std::str::from_utf8(bytes).err()?;
    bytes.get(error.valid_up_to()).copied()
}

/// Elsewhere names are not bytes (Windows: UTF-16 with a lone surrogate).
#[cfg(not(unix))]
fn first_bad_byte(_: &OsStr) -> Option<u8> {
    None
}

fn link_error(relative: &str, error: &std::io::Error) -> Diagnostic {
    // ELOOP: too many levels of symbolic links.
    if error.raw_os_error() == Some(40) {
        Diagnostic::error(format!("the symbolic link `{relative}` makes a loop"))
            .in_file(relative)
            .hint("remove the link or point it at a real file")
    } else {
        Diagnostic::error(format!("the symbolic link `{relative}` is broken: {error}"))
            .in_file(relative)
            .hint("remove the link or point it at a file that exists")
    }
}

#[cfg(test)]
mod tests {
    // Regression: `PLAN.SWP` and `x.TMP` were copied into the site.
    #[test]
    fn editor_leftovers_are_ignored_in_any_case() {
        for name in [
            ".git",
            "plan.md~",
            "plan.md.swp",
            "PLAN.SWP",
            "x.Tmp",
            "#plan.md#",
            "a.swx",
            "~$plan.docx",
            "Thumbs.db",
            "desktop.ini",
        ] {
            assert!(super::is_ignored(name), "{name}");
        }
        for name in ["plan.md", "report.pdf", "tmp", "swp.md", "é.tmp.md"] {
            assert!(!super::is_ignored(name), "{name}");
        }
    }
}
