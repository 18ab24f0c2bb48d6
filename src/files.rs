//! Walking the site's folders safely.
//!
//! In: the site root and a folder under it (`content/`, a theme). Out: the
//! files in it, sorted, with paths relative to the root, and diagnostics for
//! what must not be read: symbolic links that leave the root, link loops,
//! broken links and unreadable folders. Editor and hidden files are skipped.

use std::cell::RefCell;
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
    name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.starts_with("#") && name.ends_with('#')
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

/// Lists the files under `dir` (which lies under `root`).
pub fn walk(root: &Path, dir: &Path) -> (Vec<SourceFile>, Vec<Diagnostic>) {
    let diagnostics = RefCell::new(Vec::new());
    let mut files = Vec::new();
    let canonical_root = match root.canonicalize() {
        Ok(root) => root,
        Err(error) => {
            return (
                files,
                vec![Diagnostic::error(format!(
                    "cannot read the site folder `{}`: {error}",
                    root.display()
                ))],
            );
        }
    };
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| {
            let name = entry.file_name().to_string_lossy();
            if entry.depth() > 0 && is_ignored(&name) {
                return false;
            }
            if entry.path_is_symlink() {
                let relative = relative_to(root, entry.path());
                match entry.path().canonicalize() {
                    Ok(target) if target.starts_with(&canonical_root) => {}
                    Ok(target) => {
                        diagnostics.borrow_mut().push(
                            Diagnostic::error(format!(
                                "the symbolic link `{relative}` points outside the site folder, to `{}`",
                                target.display()
                            ))
                            .in_file(relative)
                            .hint("only files inside the site folder are read: copy the file in instead of linking to it"),
                        );
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
