//! Incremental rebuilds: the same output as `oasis build`, made from what
//! changed.
//!
//! In: the build options once, then for each rebuild the paths the watcher
//! saw change. Out: every output of the site, byte for byte what
//! [`crate::compile`] makes from the same files, or the diagnostics of a
//! failed build, with the last good build kept.
//!
//! Edits to documents that keep every address — typing in a body, fixing
//! a title — are rebuilt in place (`in_place`): without walking the site
//! or loading and linking its other documents. A body-only edit renders
//! just the pages that show that body.
//!
//! Every other change runs the stages of `compile` — load, link, render,
//! verify — and reuses what cannot have changed since the last good build:
//! each Markdown file's load result (`files`) and each page's output
//! (`pages`), kept while what the page is made from is unchanged.
//!
//! So a body-only edit re-renders that document's page alone, and an edit
//! to a title re-renders exactly the pages whose content changed.

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use crate::diagnostics::{self, Diagnostic};
use crate::link::{self, Site};
use crate::load::{self, Excluded};
use crate::render::OutputFile;
use crate::render::theme::{self, Theme};

use self::files::{FileCache, Lookup, load_context};
use self::pages::{Changed, Memo};

mod files;
mod in_place;
mod pages;

/// What the watcher saw change since the last rebuild.
#[derive(Clone, Debug, Default)]
pub struct Changes {
    /// Absolute paths of files and folders created, modified, renamed
    /// (both names) or removed.
    pub paths: HashSet<PathBuf>,
    /// Events may have been lost: trust nothing cached.
    pub rescan: bool,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.paths.is_empty() && !self.rescan
    }

    pub fn extend(&mut self, other: Changes) {
        self.paths.extend(other.paths);
        self.rescan |= other.rescan;
    }

    /// Whether `path` or a folder above it changed.
    fn touches(&self, path: &Path) -> bool {
        match self.paths.len() {
            0 => false,
            // The usual case, a save or two: cheaper than hashing every ancestor.
            1..=8 => self.paths.iter().any(|changed| path.starts_with(changed)),
            _ => path.ancestors().any(|a| self.paths.contains(a)),
        }
    }
}

/// The result of one rebuild.
pub struct Rebuilt {
    /// `None` when the build failed; the last good build is kept.
    pub built: Option<Built>,
    /// Errors and warnings, sorted, as `compile` reports them.
    pub diagnostics: Vec<Diagnostic>,
    pub timings: Timings,
}

/// What a successful rebuild made.
pub struct Built {
    /// Output paths rendered afresh; every other rendered output is byte
    /// for byte what the last good build made.
    pub rendered: HashSet<String>,
    /// Whether the outputs other than `rendered` are exactly the last good
    /// build's (same paths, copied files unchanged), as after edits to
    /// documents that keep their addresses.
    pub only_rendered_changed: bool,
    /// How many outputs were rendered (pages, feeds, sitemap) in all.
    pub pages: usize,
    pub documents: usize,
}

/// Where a rebuild's time went (stages are zero for a rebuild in place).
#[derive(Clone, Copy, Debug, Default)]
pub struct Timings {
    pub load: Duration,
    pub link: Duration,
    pub render: Duration,
    pub verify: Duration,
    pub total: Duration,
}

/// Rebuilds one site again and again, reusing what did not change.
pub struct Rebuilder {
    options: load::Options,
    files: FileCache,
    /// Files read again since the last good build: they may differ from it.
    pending: HashSet<String>,
    /// Whether the last rebuild failed: then the files on disk differ from
    /// the last good build in ways `pending` does not record (a file
    /// deleted, a template broken), and only a whole rebuild can tell.
    failed: bool,
    last: Option<LastBuild>,
}

/// The last good build.
struct LastBuild {
    /// Fingerprint of the config.
    config: u64,
    site: Site,
    theme: Theme,
    /// The documents left out (drafts, scheduled), for relinking.
    excluded: HashMap<String, Excluded>,
    /// Its diagnostics (warnings only: the build was good).
    diagnostics: Vec<Diagnostic>,
    /// What its outputs were made from, and the outputs.
    memo: Memo,
}

impl Rebuilder {
    /// A rebuilder for the site `options` describes; the first
    /// [`rebuild`](Self::rebuild) builds everything.
    pub fn new(options: load::Options) -> Self {
        Rebuilder {
            options,
            files: FileCache::default(),
            pending: HashSet::new(),
            failed: false,
            last: None,
        }
    }

    /// The site's root.
    pub fn root(&self) -> &Path {
        &self.options.root
    }

    /// The options it builds with.
    pub fn options(&self) -> &load::Options {
        &self.options
    }

    /// Every output of the last good build, in no particular order.
    pub fn outputs(&self) -> impl Iterator<Item = &OutputFile> {
        self.last.iter().flat_map(|last| last.memo.outputs.values())
    }

    /// One output of the last good build.
    pub fn output(&self, path: &str) -> Option<&OutputFile> {
        self.last
            .as_ref()
            .and_then(|last| last.memo.outputs.get(path))
    }

    /// The last good build's site.
    pub fn site(&self) -> Option<&Site> {
        self.last.as_ref().map(|last| &last.site)
    }

    /// The base path the last good build's links start with (`/` or `/preview/`).
    pub fn base_path(&self) -> Option<&str> {
        self.last
            .as_ref()
            .map(|last| last.site.config.base_path.as_str())
    }

    /// Rebuilds after `changes`.
    pub fn rebuild(&mut self, changes: &Changes) -> Rebuilt {
        let rebuilt = self.rebuild_once(changes);
        self.failed = rebuilt.diagnostics.iter().any(Diagnostic::is_error);
        rebuilt
    }

    fn rebuild_once(&mut self, changes: &Changes) -> Rebuilt {
        let started = Instant::now();
        if !self.failed
            && let Some(rebuilt) = in_place::rebuild(self, changes, started)
        {
            return rebuilt;
        }
        let mut timings = Timings::default();
        if changes.rescan {
            self.files = FileCache::default();
        }
        let (loaded, mut diagnostics) = self.load(changes);
        timings.load = started.elapsed();
        let failed = |mut diagnostics: Vec<Diagnostic>, mut timings: Timings| {
            diagnostics::sort(&mut diagnostics);
            timings.total = started.elapsed();
            Rebuilt {
                built: None,
                diagnostics,
                timings,
            }
        };
        let Some(loaded) = loaded else {
            return failed(diagnostics, timings);
        };
        let theme = theme::load(&loaded.root, &loaded.config);
        let config = fingerprint(&format!("{:?}", loaded.config));
        let excluded = loaded.excluded.clone();
        let (site, found) = link::link(loaded);
        diagnostics.extend(found);
        let theme = match theme {
            Ok(theme) => theme,
            Err(found) => {
                diagnostics.extend(found);
                return failed(diagnostics, timings);
            }
        };
        diagnostics.extend(theme.warnings.iter().cloned());
        timings.link = started.elapsed() - timings.load;

        let changed = self.changed(&site, config);
        let mut rendering = pages::render(
            self.last.as_mut().map(|last| &mut last.memo),
            &site,
            &theme,
            &changed,
        );
        diagnostics.append(&mut rendering.diagnostics);
        timings.render = started.elapsed() - timings.load - timings.link;
        diagnostics.extend(link::verify(&site, &rendering.outputs, &rendering.failed));
        diagnostics::sort(&mut diagnostics);
        timings.verify = started.elapsed() - timings.load - timings.link - timings.render;

        if diagnostics.iter().any(Diagnostic::is_error) {
            if let Some(last) = &mut self.last {
                rendering.give_back(&mut last.memo);
            }
            return failed(diagnostics, timings);
        }

        let pages = rendering.pages;
        let (memo, rendered) = rendering.into_memo(&site);
        let documents = site.documents.len();
        self.last = Some(LastBuild {
            config,
            site,
            theme,
            excluded,
            diagnostics: diagnostics.clone(),
            memo,
        });
        self.pending.clear();
        timings.total = started.elapsed();
        Rebuilt {
            built: Some(Built {
                pages,
                rendered,
                only_rendered_changed: false,
                documents,
            }),
            diagnostics,
            timings,
        }
    }

    /// Loads the site, reusing cached results of unchanged files.
    fn load(&mut self, changes: &Changes) -> (Option<load::Loaded>, Vec<Diagnostic>) {
        let looked_up: Mutex<Vec<(String, Lookup)>> = Mutex::new(Vec::new());
        let context: OnceLock<(u64, Vec<(String, u64)>)> = OnceLock::new();
        let files = &self.files;
        let (loaded, diagnostics) =
            load::load_with(&self.options, &|file, content_path, kind, cx| {
                let context = context.get_or_init(|| load_context(cx)).0;
                let (result, lookup) = files.lookup(context, changes, file, content_path, kind, cx);
                if let Ok(mut looked_up) = looked_up.lock() {
                    looked_up.push((file.relative.clone(), lookup));
                }
                result
            });
        let looked_up = looked_up.into_inner().unwrap_or_else(|e| e.into_inner());
        let seen: HashSet<&str> = looked_up.iter().map(|(path, _)| path.as_str()).collect();
        self.files
            .entries
            .retain(|path, _| seen.contains(path.as_str()));
        match context.into_inner() {
            Some((context, attachments)) => {
                self.files.context = Some(context);
                self.files.attachments = attachments;
            }
            None => self.files.context = None,
        }
        for (path, lookup) in looked_up {
            match lookup {
                Lookup::Cached => {}
                Lookup::Fresh(entry) => {
                    self.files.entries.insert(path.clone(), *entry);
                    self.pending.insert(path);
                }
                Lookup::Uncached => {
                    self.files.entries.remove(&path);
                    self.pending.insert(path);
                }
            }
        }
        (loaded, diagnostics)
    }

    /// The documents that may differ from the last good build.
    fn changed(&self, site: &Site, config: u64) -> Changed {
        let Some(last) = &self.last else {
            return Changed::All;
        };
        if last.config != config || last.site.today != site.today {
            return Changed::All;
        }
        let mut files: HashSet<String> = self.pending.clone();
        let linked: Vec<&crate::document::Document> = site
            .documents
            .iter()
            .filter(|d| !d.body.internal_links.is_empty() && !files.contains(&d.file))
            .collect();
        if !linked.is_empty() {
            // A document's links resolve to other documents' URLs: its HTML
            // can change when only those did.
            let before: HashMap<&str, &str> = last
                .site
                .documents
                .iter()
                .map(|d| (d.file.as_str(), d.body.html.as_str()))
                .collect();
            for document in linked {
                if before.get(document.file.as_str()) != Some(&document.body.html.as_str()) {
                    files.insert(document.file.clone());
                }
            }
        }
        for document in &site.documents {
            if !last.memo.ids.contains_key(&document.file) {
                files.insert(document.file.clone());
            }
        }
        Changed::Files(files)
    }
}

fn fingerprint<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}
