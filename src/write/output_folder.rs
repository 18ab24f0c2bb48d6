//! Where the build may go: the checks on `--output` made before any work.
//!
//! In: the site root, the output path and `--force`. Out: nothing, or the
//! one error that says what is in the way and what to do. The output must
//! not be the site root (or contain it), nor lie in or contain `content/`,
//! `themes/` or a theme, wherever symbolic links put them. Whatever is
//! already there must be a folder (or a link to one) that oasis made (a
//! marker file) or that `--force` gives up, and not a mount point: the
//! build swaps a new folder in for the old one, and a mount point cannot be
//! moved. Anything else (a file, a named pipe, a device, a socket, a link
//! to nothing) is never replaced, `--force` or not.

use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostic;

use super::MARKER;

/// Checks that `output` may be written, before any work is done. Returns
/// a warning when `--force` lets the build replace a folder oasis did not
/// make.
pub fn check_output(
    root: &Path,
    output: &Path,
    force: bool,
) -> Result<Vec<Diagnostic>, Diagnostic> {
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
    check_the_way(&output)?;
    if !output.is_dir() {
        return Ok(Vec::new());
    }
    if is_mount_point(&output) {
        return Err(mount_point_error(&output));
    }
    if let Some(inside) = mount_point_inside(&output) {
        return Err(Diagnostic::error(format!(
            "`{}`, inside the output folder, is a mount point (a disk, share or volume is mounted there)",
            inside.display()
        ))
        .hint("oasis replaces the whole output folder and would delete what is mounted there: unmount it or mount it elsewhere (files the site should publish go in content/)"));
    }
    match what_is_in_the_way(&output, None) {
        None => Ok(Vec::new()),
        Some(problem) if force => Ok(vec![Diagnostic::warning(format!(
            "the output folder `{shown}` {problem}; --force: it is replaced, and what it held is deleted"
        ))]),
        Some(problem) => Err(refusal(&shown, &problem)),
    }
}

/// The error for an output folder that holds what oasis did not write.
pub(super) fn refusal(shown: &str, problem: &str) -> Diagnostic {
    Diagnostic::error(format!(
        "the output folder `{shown}` {problem}, so it is not replaced"
    ))
    .hint("choose another folder, move what is yours out of this one (files the site should publish go in content/), or pass --force to replace it and everything in it")
}

/// What in the existing folder `output` oasis may not replace, said as
/// the end of a sentence ("holds `notes.txt`, which oasis did not write"),
/// or `None`. Its marker lists what the build that made it wrote at the
/// top; anything else came from elsewhere (a file put there, or the marker
/// copied with a build into a folder of one's own). `new` lists what the
/// build about to replace it wrote, once known: a marker of an older
/// oasis, which listed nothing, lets only that through.
pub(super) fn what_is_in_the_way(output: &Path, new: Option<&[String]>) -> Option<String> {
    let Ok(entries) = std::fs::read_dir(output) else {
        return None;
    };
    let entries: Vec<String> = entries
        .flatten()
        .map(|entry| super::encoded_name(&entry.file_name()))
        .filter(|name| name != MARKER)
        .collect();
    let marker = read_marker(&output.join(MARKER));
    let marker = match marker {
        None if entries.is_empty() => return None,
        None => return Some("was not made by oasis".to_string()),
        Some(marker) => marker,
    };
    let written = super::marker_entries(&marker);
    let mut foreign: Vec<&String> = entries
        .iter()
        .filter(|name| !is_desktop_file(name))
        .filter(|name| match (&written, new) {
            (Some(written), _) => !written.contains(name.as_str()),
            (None, Some(new)) => !new.contains(name),
            // An older oasis's marker: known once the build is done.
            (None, None) => false,
        })
        .collect();
    foreign.sort();
    match foreign.as_slice() {
        [] => None,
        [one] => Some(format!("holds `{one}`, which oasis did not write")),
        [first, rest @ ..] => Some(format!(
            "holds `{first}` and {} other {}, which oasis did not write",
            rest.len(),
            if rest.len() == 1 { "entry" } else { "entries" }
        )),
    }
}

/// The marker's text, if it is a plain file (not a named pipe, which would
/// block the read) of reasonable size; an empty text for one that is not
/// readable text.
fn read_marker(path: &Path) -> Option<String> {
    use std::io::Read as _;
    let found = std::fs::symlink_metadata(path).ok()?;
    if !found.is_file() {
        // A folder or link of that name: a marker all the same, which lists
        // nothing.
        return Some(String::new());
    }
    let mut text = Vec::new();
    std::fs::File::open(path)
        .ok()?
        .take(1 << 20)
        .read_to_end(&mut text)
        .ok()?;
    Some(String::from_utf8(text).unwrap_or_default())
}

/// A file a desktop puts in any folder it shows (macOS's Finder, Windows'
/// Explorer): not the writer's, and replaced with the folder without a
/// word, or opening `public` in the Finder would stop the next build.
/// `.well-known`, which a web server's certificate tool (certbot) writes
/// into the folder it serves, is the server's, and goes as it always did.
fn is_desktop_file(name: &str) -> bool {
    matches!(
        name,
        ".DS_Store" | "Thumbs.db" | "desktop.ini" | ".directory" | ".well-known"
    ) || name.starts_with("._")
}

/// The first mount point strictly inside `folder` (canonical), on Linux,
/// which lists them all.
fn mount_point_inside(folder: &Path) -> Option<PathBuf> {
    #[cfg(target_os = "linux")]
    if let Ok(mounts) = std::fs::read_to_string("/proc/self/mountinfo") {
        return mounts
            .lines()
            .filter_map(|line| line.split(' ').nth(4))
            .map(|point| PathBuf::from(unescape_mount_point(point)))
            .find(|point| point != folder && point.starts_with(folder));
    }
    // Elsewhere (macOS has no bind mounts): a folder on another device.
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let device = std::fs::metadata(folder).ok()?.dev();
        return walkdir::WalkDir::new(folder)
            .min_depth(1)
            .into_iter()
            .flatten()
            .filter(|entry| entry.file_type().is_dir())
            .find(|entry| entry.metadata().is_ok_and(|m| m.dev() != device))
            .map(|entry| entry.into_path());
    }
    #[allow(unreachable_code)]
    {
        let _ = folder;
        None
    }
}

/// Checks the output path and each folder on the way to it, from the top:
/// each must be a folder or not exist yet. A link to nothing is refused
/// (the build would fail on it after all the work), and so is anything
/// that is not a folder, whatever `--force` says.
fn check_the_way(output: &Path) -> Result<(), Diagnostic> {
    let shown = output.display();
    for place in output.ancestors().collect::<Vec<_>>().into_iter().rev() {
        let is_output = place == output;
        match std::fs::metadata(place) {
            Ok(found) if found.is_dir() => {}
            Ok(found) => {
                let what = kind(&found.file_type());
                return Err(if is_output {
                    Diagnostic::error(format!("the output `{shown}` is {what}, not a folder"))
                        .hint(format!(
                            "choose a folder name for --output: oasis only ever replaces a folder, so it leaves {what} alone, even with --force"
                        ))
                } else {
                    Diagnostic::error(format!(
                        "the output folder `{shown}` cannot be made: `{}` is {what}, not a folder",
                        place.display()
                    ))
                    .hint(format!(
                        "every part of the output's path must be a folder or not exist yet: choose another --output, or move `{}` out of the way",
                        place.display()
                    ))
                });
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return match std::fs::read_link(place) {
                    // A link to nothing (`public -> /srv/www/site` before
                    // the folder exists).
                    Ok(target) => Err(Diagnostic::error(format!(
                        "`{}` is a symbolic link to `{}`, which does not exist",
                        place.display(),
                        target.display()
                    ))
                    .hint(if is_output {
                        "create the folder the link points to (the site is built into it), remove the link, or choose another --output"
                    } else {
                        "create the folder the link points to, remove the link, or choose another --output"
                    })),
                    // The rest of the way is made by the build.
                    Err(_) => Ok(()),
                };
            }
            Err(error) => {
                return Err(Diagnostic::error(format!(
                    "cannot use the output folder `{shown}`: `{}` cannot be opened: {error}",
                    place.display()
                ))
                .hint(if error.kind() == std::io::ErrorKind::PermissionDenied {
                    "you may not open that folder: choose an --output in a folder you may write to"
                } else {
                    "choose another --output"
                }));
            }
        }
    }
    Ok(())
}

/// What a thing that is not a folder is, in words, with its article.
pub(super) fn kind(file_type: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if file_type.is_char_device() {
            return "a device (a character device)";
        }
        if file_type.is_block_device() {
            return "a device (a block device, such as a disk)";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    if file_type.is_symlink() {
        "a symbolic link"
    } else if file_type.is_file() {
        "a file"
    } else {
        "something other than a folder"
    }
}

/// Whether `folder` (canonical) is a mount point: another file system
/// (or a bind mount) is mounted on it, so it cannot be renamed.
fn is_mount_point(folder: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let device = |p: &Path| std::fs::metadata(p).map(|m| m.dev()).ok();
        if let Some(parent) = folder.parent()
            && device(folder) != device(parent)
        {
            return true;
        }
    }
    // A bind mount of a folder of the same file system has the same
    // device as its parent: Linux lists every mount point.
    #[cfg(target_os = "linux")]
    if let Ok(mounts) = std::fs::read_to_string("/proc/self/mountinfo") {
        return mounts
            .lines()
            .filter_map(|line| line.split(' ').nth(4))
            .any(|point| Path::new(&unescape_mount_point(point)) == folder);
    }
    false
}

/// A mount point as `/proc/self/mountinfo` writes it: space, tab, newline
/// and backslash as octal escapes (`\040`).
#[cfg(target_os = "linux")]
fn unescape_mount_point(escaped: &str) -> String {
    let bytes = escaped.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let octal = bytes
            .get(i + 1..i + 4)
            .and_then(|digits| std::str::from_utf8(digits).ok())
            .and_then(|digits| u8::from_str_radix(digits, 8).ok());
        match (bytes[i], octal) {
            (b'\\', Some(byte)) => {
                out.push(byte);
                i += 4;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The error for an output folder that is a mount point.
pub(super) fn mount_point_error(output: &Path) -> Diagnostic {
    let shown = output.display();
    Diagnostic::error(format!(
        "the output folder `{shown}` is a mount point (a disk, share or volume is mounted there), so it cannot be replaced"
    ))
    .hint(format!(
        "oasis builds the site into a new folder beside the output and swaps the two in one step, and a mount point cannot be moved: build into a folder inside it (e.g. --output {shown}/site) or into another folder, and publish that"
    ))
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
pub(super) fn absolute(path: &Path) -> Result<PathBuf, Diagnostic> {
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

#[cfg(all(test, target_os = "linux"))]
mod tests {
    #[test]
    fn mount_points_are_unescaped_as_the_kernel_escapes_them() {
        assert_eq!(
            super::unescape_mount_point(r"/srv/my\040site\134x"),
            r"/srv/my site\x"
        );
        assert_eq!(super::unescape_mount_point(r"/a\0"), r"/a\0");
    }
}
