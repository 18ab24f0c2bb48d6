//! Watching the site's files (notify, debounced by notify-debouncer-full).
//!
//! In: the site root. Out: batches of [`Changes`] — the paths under
//! `content/`, `themes/` and `site.toml` that were created, modified,
//! renamed or removed, once the burst of events a save makes has settled —
//! and problems worth telling the user, such as running out of inotify
//! watches (with the `fs.inotify.max_user_watches` fix). Hidden files and
//! editor leftovers are ignored by the same rule as the build
//! ([`files::is_ignored`]). `content/` and `themes/` are watched
//! recursively, and again if they are created or replaced later.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

use notify_debouncer_full::notify::{self, EventKind, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

use crate::config::CONFIG_FILE;
use crate::diagnostics::Diagnostic;
use crate::files;

use super::rebuild::Changes;

/// How long the files must be quiet before a rebuild starts. Editors save
/// in a burst of events a few milliseconds long; a rebuild should follow a
/// save quickly.
pub const DEBOUNCE: Duration = Duration::from_millis(20);

/// The folders under the root that are watched recursively.
const FOLDERS: [&str; 2] = ["content", "themes"];

/// What the watcher sends to the rebuild loop.
pub enum Notice {
    Changed(Changes),
    Problem(Diagnostic),
}

/// Watches a site until dropped.
pub struct Watcher {
    debouncer: Debouncer<notify::RecommendedWatcher, RecommendedCache>,
    root: PathBuf,
    watched: HashSet<PathBuf>,
}

impl Watcher {
    /// Starts watching `root` (an absolute path); notices go to `sender`.
    pub fn start(root: &Path, sender: Sender<Notice>) -> Result<Watcher, Diagnostic> {
        let filter_root = root.to_path_buf();
        let handler = move |result: DebounceEventResult| match result {
            Ok(events) => {
                let changes = changes(&filter_root, &events);
                if !changes.is_empty() {
                    let _ = sender.send(Notice::Changed(changes));
                }
            }
            Err(errors) => {
                for error in errors {
                    let _ = sender.send(Notice::Problem(problem(&error)));
                }
            }
        };
        let mut debouncer =
            new_debouncer(DEBOUNCE, Some(DEBOUNCE / 4), handler).map_err(|e| problem(&e))?;
        debouncer
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(|e| problem(&e))?;
        let mut watcher = Watcher {
            debouncer,
            root: root.to_path_buf(),
            watched: HashSet::new(),
        };
        if let Some(problem) = watcher.refresh(&Changes::default()).into_iter().next() {
            return Err(problem);
        }
        Ok(watcher)
    }

    /// Watches `content/` and `themes/` if they exist and are not watched:
    /// they may have been created, or removed and created again, since.
    pub fn refresh(&mut self, changes: &Changes) -> Vec<Diagnostic> {
        let mut problems = Vec::new();
        for folder in FOLDERS {
            let path = self.root.join(folder);
            if (changes.paths.contains(&path) || !path.is_dir()) && self.watched.remove(&path) {
                let _ = self.debouncer.unwatch(&path);
            }
            if path.is_dir() && !self.watched.contains(&path) {
                match self.debouncer.watch(&path, RecursiveMode::Recursive) {
                    Ok(()) => {
                        self.watched.insert(path);
                    }
                    Err(error) => problems.push(problem(&error)),
                }
            }
        }
        problems
    }
}

/// The changes of a batch of events that matter to the build.
fn changes(root: &Path, events: &[notify_debouncer_full::DebouncedEvent]) -> Changes {
    let mut changes = Changes::default();
    for event in events {
        if event.need_rescan() {
            changes.rescan = true;
        }
        if matches!(event.kind, EventKind::Access(_)) {
            continue;
        }
        changes.paths.extend(
            event
                .paths
                .iter()
                .filter(|path| matters(root, path))
                .cloned(),
        );
    }
    changes
}

/// Whether a changed path can change the build: `site.toml`, or a file or
/// folder under `content/` or `themes/` that the build does not ignore.
pub fn matters(root: &Path, path: &Path) -> bool {
    let Ok(relative) = path.strip_prefix(root) else {
        return false;
    };
    let names: Vec<String> = relative
        .components()
        .map(|c| match c {
            Component::Normal(name) => name.to_string_lossy().into_owned(),
            _ => String::new(),
        })
        .collect();
    match names.first().map(String::as_str) {
        Some(CONFIG_FILE) => names.len() == 1,
        Some(folder) if FOLDERS.contains(&folder) => names
            .iter()
            .all(|name| !name.is_empty() && !files::is_ignored(name)),
        _ => false,
    }
}

/// A watcher error as the user should see it.
fn problem(error: &notify::Error) -> Diagnostic {
    let paths: Vec<String> = error
        .paths
        .iter()
        .map(|p| format!("`{}`", p.display()))
        .collect();
    let place = if paths.is_empty() {
        String::new()
    } else {
        format!(" ({})", paths.join(", "))
    };
    match &error.kind {
        notify::ErrorKind::MaxFilesWatch => Diagnostic::error(format!(
            "the system's limit on watched folders (inotify watches) was reached{place}: changes there will not be seen"
        ))
        .hint(
            "raise the limit with `sudo sysctl fs.inotify.max_user_watches=524288` \
             (add `fs.inotify.max_user_watches=524288` to /etc/sysctl.conf to keep it), then restart oasis serve",
        ),
        notify::ErrorKind::Io(io) if io.raw_os_error() == Some(24) => Diagnostic::error(format!(
            "too many files are open to watch the site{place}: {io}"
        ))
        .hint(
            "raise the limit on inotify instances with `sudo sysctl fs.inotify.max_user_instances=1024` \
             (add it to /etc/sysctl.conf to keep it), or close other programs that watch files, then restart oasis serve",
        ),
        _ => Diagnostic::warning(format!("watching the site's files failed{place}: {error}"))
            .hint("changes may be missed: save again, or restart oasis serve"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_site_s_sources_matter() {
        let root = Path::new("/site");
        for path in [
            "/site/site.toml",
            "/site/content/plans/derby.md",
            "/site/content/plans",
            "/site/themes/opportunity/templates/base.html",
        ] {
            assert!(matters(root, Path::new(path)), "{path}");
        }
        for path in [
            "/site/public/index.html",
            "/site/README.md",
            "/site",
            "/elsewhere/content/x.md",
            "/site/content/plans/.derby.md.swp",
            "/site/content/plans/derby.md~",
            "/site/content/plans/#derby.md#",
            "/site/content/plans/derby.md.tmp",
            "/site/content/.git/index",
            "/site/site.toml/x",
        ] {
            assert!(!matters(root, Path::new(path)), "{path}");
        }
    }

    #[test]
    fn running_out_of_watches_names_the_fix() {
        let d = problem(&notify::Error::new(notify::ErrorKind::MaxFilesWatch));
        assert!(d.is_error());
        assert!(
            d.hint
                .as_deref()
                .is_some_and(|h| h.contains("fs.inotify.max_user_watches"))
        );
    }
}
