//! The build as the server sees it: every output file's bytes, in memory.
//!
//! In: the outputs of a good build and which of them were rendered afresh.
//! Out: a [`Snapshot`] — output path to bytes — and the paths whose bytes
//! changed since the previous snapshot. Freshly rendered pages are copied in
//! once; pages a rebuild kept share the previous snapshot's bytes; copied
//! files (theme static files, attachments) are read again only when the
//! watcher named them or their size or modification time changed.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use axum::body::Bytes;

use crate::diagnostics::Diagnostic;
use crate::render::{OutputContent, OutputFile};

/// The files of one good build.
#[derive(Clone, Debug, Default)]
pub struct Snapshot {
    files: HashMap<String, Served>,
    /// The prefix of every link of the site (`/` or `/preview/`).
    pub base_path: String,
    /// How many good builds changed something, starting at 1 for the first:
    /// pages carry it so that a browser knows whether it shows the latest.
    /// 0 before the first good build.
    pub generation: u64,
    /// Files added after their build was published (the search index):
    /// a rebuild keeps them until their own next version replaces them,
    /// and their coming or going is no change that needs a reload.
    late: HashSet<String>,
}

#[derive(Clone, Debug)]
struct Served {
    bytes: Bytes,
    /// For a copied file: where it was read from, and when.
    source: Option<(PathBuf, Stamp)>,
}

/// What tells a copied file's source apart from its earlier self.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
}

impl Stamp {
    fn of(path: &Path) -> std::io::Result<Stamp> {
        let metadata = std::fs::metadata(path)?;
        Ok(Stamp {
            len: metadata.len(),
            modified: metadata.modified().ok(),
        })
    }
}

impl Snapshot {
    /// The bytes of an output file (`areas/derby/index.html`).
    pub fn get(&self, path: &str) -> Option<&Bytes> {
        self.files.get(path).map(|served| &served.bytes)
    }

    pub fn contains(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The snapshot of a new good build, and the output paths that differ
    /// from this one (added, removed or changed). Outputs not in `rendered`
    /// and not copied are byte for byte this snapshot's. `touched` says
    /// whether the watcher saw a path change.
    pub fn next<'a>(
        &self,
        outputs: impl Iterator<Item = &'a OutputFile>,
        rendered: &HashSet<String>,
        base_path: &str,
        touched: &dyn Fn(&Path) -> bool,
    ) -> Result<(Snapshot, Vec<String>), Diagnostic> {
        let mut files = HashMap::with_capacity(self.files.len());
        let mut changed = Vec::new();
        for output in outputs {
            let before = self.files.get(&output.path);
            let served = match &output.content {
                OutputContent::Bytes(bytes) => match before {
                    Some(before) if !rendered.contains(&output.path) => before.clone(),
                    _ => Served {
                        bytes: Bytes::copy_from_slice(bytes),
                        source: None,
                    },
                },
                OutputContent::Builtin(bytes) => Served {
                    bytes: Bytes::from_static(bytes),
                    source: None,
                },
                OutputContent::Copy(source) => {
                    let name = output.owner.as_deref().unwrap_or(&output.path);
                    copied(source, name, before, touched)?
                }
                // `serve` renders into memory and never hands files on.
                OutputContent::Emitted => {
                    return Err(Diagnostic::error(format!(
                        "`{}` was written elsewhere instead of being kept for the server",
                        output.path
                    )));
                }
            };
            if before.is_none_or(|before| before.bytes != served.bytes) {
                changed.push(output.path.clone());
            }
            files.insert(output.path.clone(), served);
        }
        for path in &self.late {
            if let Some(served) = self.files.get(path)
                && !files.contains_key(path)
            {
                files.insert(path.clone(), served.clone());
            }
        }
        changed.extend(
            self.files
                .keys()
                .filter(|path| !files.contains_key(*path))
                .cloned(),
        );
        changed.sort();
        let generation = if changed.is_empty() && self.generation > 0 {
            self.generation
        } else {
            self.generation + 1
        };
        Ok((
            Snapshot {
                files,
                base_path: base_path.to_string(),
                generation,
                late: self.late.clone(),
            },
            changed,
        ))
    }
}

impl Snapshot {
    /// This snapshot with `outputs` in place of the files an earlier call
    /// added, as the same generation: for files made after the build was
    /// published (the search index), which need no reload.
    pub fn with_files(&self, outputs: Vec<OutputFile>) -> Snapshot {
        let mut next = self.clone();
        // The files of the earlier index go: the new one replaces it whole.
        for path in std::mem::take(&mut next.late) {
            next.files.remove(&path);
        }
        for output in outputs {
            if let OutputContent::Bytes(bytes) = output.content {
                next.late.insert(output.path.clone());
                next.files.insert(
                    output.path,
                    Served {
                        bytes: Bytes::from(bytes),
                        source: None,
                    },
                );
            }
        }
        next
    }

    /// The snapshot of a good build that changed only `outputs` (rendered
    /// pages, every other file as in this snapshot), and the paths whose
    /// bytes differ.
    pub fn patch<'a>(
        &self,
        outputs: impl Iterator<Item = &'a OutputFile>,
    ) -> (Snapshot, Vec<String>) {
        let mut next = self.clone();
        let mut changed = Vec::new();
        for output in outputs {
            let bytes = match &output.content {
                OutputContent::Bytes(bytes) => Bytes::copy_from_slice(bytes),
                OutputContent::Builtin(bytes) => Bytes::from_static(bytes),
                // Copied files are never rendered, and `serve` never hands
                // files on: keep what is there.
                OutputContent::Copy(_) | OutputContent::Emitted => continue,
            };
            if self.get(&output.path) != Some(&bytes) {
                changed.push(output.path.clone());
            }
            next.files.insert(
                output.path.clone(),
                Served {
                    bytes,
                    source: None,
                },
            );
        }
        changed.sort();
        if !changed.is_empty() || next.generation == 0 {
            next.generation += 1;
        }
        (next, changed)
    }
}

/// A copied file (`name`, as the root's files are named in messages), read
/// again only if it may have changed.
fn copied(
    source: &Path,
    name: &str,
    before: Option<&Served>,
    touched: &dyn Fn(&Path) -> bool,
) -> Result<Served, Diagnostic> {
    let unreadable = |error: std::io::Error| {
        Diagnostic::error(format!("cannot read `{name}`: {error}"))
            .in_file(name)
            .hint("if it was being moved or deleted, the next rebuild follows on its own; otherwise check that the file can be read")
    };
    let stamp = Stamp::of(source).map_err(unreadable)?;
    if let Some(before) = before
        && let Some((path, old)) = &before.source
        && path == source
        && *old == stamp
        && !touched(source)
    {
        return Ok(before.clone());
    }
    let bytes = std::fs::read(source).map_err(unreadable)?;
    Ok(Served {
        bytes: Bytes::from(bytes),
        source: Some((source.to_path_buf(), stamp)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(path: &str, text: &str) -> OutputFile {
        OutputFile {
            path: path.to_string(),
            content: OutputContent::Bytes(text.as_bytes().to_vec()),
            owner: None,
            origin: None,
        }
    }

    #[test]
    fn reports_added_changed_and_removed_files() {
        let none = |_: &Path| false;
        let all: HashSet<String> = ["a.html", "b.html"].map(String::from).into();
        let first = [page("a.html", "a"), page("b.html", "b")];
        let (one, changed) = Snapshot::default()
            .next(first.iter(), &all, "/", &none)
            .expect("snapshot");
        assert_eq!(changed, ["a.html", "b.html"]);
        assert_eq!(one.generation, 1);

        let second = [page("a.html", "a"), page("c.html", "c")];
        let rendered: HashSet<String> = ["a.html", "c.html"].map(String::from).into();
        let (two, changed) = one
            .next(second.iter(), &rendered, "/", &none)
            .expect("snapshot");
        assert_eq!(changed, ["b.html", "c.html"]);
        assert_eq!(two.generation, 2);
        assert_eq!(two.get("c.html").map(|b| b.as_ref()), Some(&b"c"[..]));
        assert!(two.get("b.html").is_none());

        // Rendered again to the same bytes: nothing changed.
        let (three, changed) = two
            .next(second.iter(), &rendered, "/", &none)
            .expect("snapshot");
        assert!(changed.is_empty());
        assert_eq!(three.generation, 2);
    }

    #[test]
    fn late_files_survive_rebuilds_until_replaced() {
        let none = |_: &Path| false;
        let all: HashSet<String> = ["a.html"].map(String::from).into();
        let pages = [page("a.html", "a")];
        let (one, _) = Snapshot::default()
            .next(pages.iter(), &all, "/", &none)
            .expect("snapshot");
        let indexed = one.with_files(vec![page("pagefind/old.pf", "1")]);
        assert_eq!(indexed.generation, one.generation);

        // A rebuild that changes nothing keeps the index and the generation.
        let (two, changed) = indexed
            .next(pages.iter(), &all, "/", &none)
            .expect("snapshot");
        assert!(changed.is_empty(), "{changed:?}");
        assert_eq!(two.generation, one.generation);
        assert!(two.contains("pagefind/old.pf"));

        // A new index replaces the old one whole.
        let three = two.with_files(vec![page("pagefind/new.pf", "2")]);
        assert!(!three.contains("pagefind/old.pf"));
        assert!(three.contains("pagefind/new.pf"));
    }
}
