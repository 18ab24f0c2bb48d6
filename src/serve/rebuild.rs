//! Incremental rebuilds: the same output as `oasis build`, made from what
//! changed.
//!
//! In: the build options once, then for each rebuild the paths the watcher
//! saw change. Out: every output of the site, byte for byte what
//! [`crate::compile`] makes from the same files, or the diagnostics of a
//! failed build, with the last good build kept.
//!
//! Edits that leave every edited document's front matter and headings as
//! they were — typing in a body, the common case — take a short path: the
//! edited files are loaded again, relinked against the last good site, put
//! in its place, and only the pages that show their bodies
//! ([`Renderer::body_readers`]) are rendered.
//!
//! Every other change runs the stages of `compile` — load, link, render,
//! verify — and reuses what cannot have changed since the last good build:
//!
//! - **load**: each Markdown file's result is cached by path and read again
//!   only when the watcher named it (or a folder above it), its size
//!   changed, or what loading depends on (the config, the attachments)
//!   changed; a file saved unchanged (same content hash) keeps its result.
//! - **render**: each page remembers its template and the context it was
//!   rendered from. The output of a page is a function of its template (and
//!   the templates that one uses), the `site` value, its context and
//!   `minify`; when all are equal, the page keeps its bytes. Summaries of
//!   unchanged documents stay the same reference-counted values, so equal
//!   listings compare pointer by pointer. A document page whose document and
//!   related documents are unchanged does not even build its context.
//!
//! So a body-only edit re-renders that document's page alone, and an edit
//! to a title re-renders exactly the pages whose content changed.

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::diagnostics::{self, Diagnostic, Location};
use crate::document::Kind;
use crate::files::SourceFile;
use crate::link::{self, Site};
use crate::load::document::AttachmentInfo;
use crate::load::{self, Excluded, FileResult, LoadContext};
use crate::render::context::SiteView;
use crate::render::theme::{self, Theme};
use crate::render::{self, Job, OutputFile, Prepared, Renderer};

use super::templates;

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
    /// build's (same paths, copied files unchanged): true after an edit
    /// that only touched bodies.
    pub only_rendered_changed: bool,
    /// How many outputs were rendered (pages, feeds, sitemap) in all.
    pub pages: usize,
    pub documents: usize,
}

/// Where a rebuild's time went.
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
    last: Option<LastBuild>,
}

/// Per-file load results, by path relative to the root.
#[derive(Default)]
struct FileCache {
    /// Fingerprint of what loading depends on besides the file itself.
    context: Option<u64>,
    /// The attachments' sizes, by path under `content/`, as loading saw them.
    attachments: Vec<(String, u64)>,
    entries: HashMap<String, CachedFile>,
}

struct CachedFile {
    size: u64,
    hash: u64,
    kind: Kind,
    content_path: String,
    result: FileResult,
}

/// How a file's load result was found.
enum Lookup {
    /// From the cache: the file is as the cache last saw it.
    Cached,
    /// Loaded again; cache this.
    Fresh(Box<CachedFile>),
    /// Loaded again but not cacheable (the file could not be read).
    Uncached,
}

/// What the last good build was made of.
struct LastBuild {
    /// Fingerprint of the config.
    config: u64,
    today: jiff::civil::Date,
    /// The `site` value every template saw.
    global: tera::Value,
    minify: bool,
    theme: Theme,
    fingerprints: HashMap<String, u64>,
    site: Site,
    /// The documents left out (drafts, scheduled), for relinking.
    excluded: HashMap<String, Excluded>,
    /// Each document's id, by file.
    ids: HashMap<String, usize>,
    /// Summaries, by document id.
    summaries: Vec<tera::Value>,
    /// Rendered pages, by output path.
    pages: HashMap<String, PageMemo>,
    /// Document pages, by document file.
    documents: HashMap<String, DocumentMemo>,
    /// Every output, by path.
    outputs: HashMap<String, OutputFile>,
    /// The build's diagnostics (warnings only: the build was good).
    diagnostics: Vec<Diagnostic>,
}

impl LastBuild {
    /// The summary the last build gave a document.
    fn summary(&self, file: &str) -> Option<&tera::Value> {
        self.ids.get(file).and_then(|id| self.summaries.get(*id))
    }
}

#[derive(Clone)]
struct PageMemo {
    template: &'static str,
    context: tera::Context,
}

#[derive(Clone)]
struct DocumentMemo {
    path: String,
    /// Summaries of the related documents the page lists.
    related: Vec<tera::Value>,
}

/// Which documents may differ from the last good build.
enum Changed {
    All,
    Files(HashSet<String>),
}

impl Changed {
    fn contains(&self, file: &str) -> bool {
        match self {
            Changed::All => true,
            Changed::Files(files) => files.contains(file),
        }
    }
}

/// One job's result before the outputs are put together.
enum JobOutcome {
    /// The last good build's output is still right.
    Kept {
        path: String,
        /// The output's new owner and origin (they may have moved within
        /// their file), or `None` when the output's source is unchanged.
        source: Option<(Option<String>, Option<Location>)>,
        page: PageMemo,
        document: Option<(String, DocumentMemo)>,
    },
    Rendered {
        output: OutputFile,
        page: PageMemo,
        document: Option<(String, DocumentMemo)>,
    },
    Failed(Vec<Diagnostic>),
}

impl Rebuilder {
    /// A rebuilder for the site `options` describes; the first
    /// [`rebuild`](Self::rebuild) builds everything.
    pub fn new(options: load::Options) -> Self {
        Rebuilder {
            options,
            files: FileCache::default(),
            pending: HashSet::new(),
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
        self.last.iter().flat_map(|last| last.outputs.values())
    }

    /// One output of the last good build.
    pub fn output(&self, path: &str) -> Option<&OutputFile> {
        self.last.as_ref().and_then(|last| last.outputs.get(path))
    }

    /// The base path the last good build's links start with (`/` or `/preview/`).
    pub fn base_path(&self) -> Option<&str> {
        self.last
            .as_ref()
            .map(|last| last.site.config.base_path.as_str())
    }

    /// Rebuilds after `changes`.
    pub fn rebuild(&mut self, changes: &Changes) -> Rebuilt {
        let started = Instant::now();
        if let Some(rebuilt) = self.rebuild_bodies(changes, started) {
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
        timings.link = started.elapsed() - timings.load;

        let changed = self.changed(&site, config);
        let mut render = self.render(&site, &theme, &changed);
        diagnostics.append(&mut render.diagnostics);
        timings.render = started.elapsed() - timings.load - timings.link;
        diagnostics.extend(link::verify(&site, &render.outputs));
        diagnostics::sort(&mut diagnostics);
        timings.verify = started.elapsed() - timings.load - timings.link - timings.render;

        if diagnostics.iter().any(Diagnostic::is_error) {
            // Put the outputs this attempt took from the last good build back.
            if let Some(last) = &mut self.last {
                for output in render.outputs {
                    if render.kept.contains(&output.path) {
                        last.outputs.insert(output.path.clone(), output);
                    }
                }
            }
            return failed(diagnostics, timings);
        }

        let documents = site.documents.len();
        self.last = Some(LastBuild {
            config,
            today: site.today,
            global: render.global,
            minify: site.config.minify,
            theme,
            fingerprints: render.fingerprints,
            ids: site
                .documents
                .iter()
                .enumerate()
                .map(|(id, d)| (d.file.clone(), id))
                .collect(),
            summaries: render.summaries,
            pages: render.pages,
            documents: render.documents,
            outputs: render
                .outputs
                .into_iter()
                .map(|o| (o.path.clone(), o))
                .collect(),
            site,
            excluded,
            diagnostics: diagnostics.clone(),
        });
        self.pending.clear();
        timings.total = started.elapsed();
        Rebuilt {
            built: Some(Built {
                pages: render.pages_rendered,
                rendered: render.rendered,
                only_rendered_changed: false,
                documents,
            }),
            diagnostics,
            timings,
        }
    }

    /// The short path: rebuilds after edits that leave every edited
    /// document's front matter and headings as they were, by rendering only
    /// the pages that show those bodies. Returns `None`, having changed
    /// nothing, for any other change.
    fn rebuild_bodies(&mut self, changes: &Changes, started: Instant) -> Option<Rebuilt> {
        if changes.rescan || changes.paths.is_empty() || !self.pending.is_empty() {
            return None;
        }
        let root = self.options.root.clone();
        let last = self.last.as_mut()?;
        if load::today(&last.site.config).ok()? != last.site.today {
            return None;
        }
        // Every path must be a Markdown file of a document in the site, or
        // a file under content/ that came and went between two builds
        // (editors write such files while saving: vim's `4913`, JetBrains'
        // `___jb_tmp___`).
        let mut edits = Vec::new();
        for path in &changes.paths {
            if !path.starts_with(&root) {
                return None;
            }
            let relative = crate::files::relative_to(&root, path);
            if relative.starts_with("content/")
                && std::fs::symlink_metadata(path).is_err()
                && !self.files.knows(&relative)
            {
                continue;
            }
            let cached = self.files.entries.get(&relative)?;
            let id = *last.ids.get(&relative)?;
            if !std::fs::symlink_metadata(path).ok()?.is_file() {
                return None;
            }
            let bytes = std::fs::read(path).ok()?;
            let hash = fingerprint(&bytes);
            if hash != cached.hash || bytes.len() as u64 != cached.size {
                edits.push((id, relative, bytes, hash));
            }
        }
        let attachments: HashMap<String, AttachmentInfo> = self
            .files
            .attachments
            .iter()
            .map(|(path, size)| (path.clone(), AttachmentInfo { size: *size }))
            .collect();
        let cx = LoadContext {
            config: &last.site.config,
            attachments: &attachments,
            today: last.site.today,
            future: self.options.future,
        };
        let mut fresh = Vec::new();
        for (id, relative, bytes, hash) in edits {
            let cached = self.files.entries.get(&relative)?;
            let size = bytes.len() as u64;
            let result = load::load_bytes(bytes, &relative, &cached.content_path, cached.kind, &cx);
            let (Some(before), Some(after)) = (&cached.result.0, &result.0) else {
                return None;
            };
            if !same_but_body(before, after) {
                return None;
            }
            let document = after.clone();
            let entry = CachedFile {
                size,
                hash,
                kind: cached.kind,
                content_path: cached.content_path.clone(),
                result,
            };
            fresh.push((id, relative, entry, document));
        }

        // From here on nothing returns early: the site is changed in place,
        // and put back as it was if the build fails.
        let mut found = Vec::new();
        let mut replaced = Vec::new();
        let mut entries = Vec::new();
        for (id, relative, entry, mut document) in fresh {
            found.extend(entry.result.1.iter().cloned());
            let (html, link_diagnostics) = link::relink(&document, &last.site, &last.excluded);
            document.body.html = html;
            found.extend(link_diagnostics);
            replaced.push((
                id,
                std::mem::replace(&mut last.site.documents[id], document),
            ));
            entries.push((relative, entry));
        }

        // Render the pages that show their bodies, and check their links.
        let rendered: Vec<Result<(OutputFile, PageMemo), Vec<Diagnostic>>> = {
            let renderer = Renderer::new(&last.site, &last.theme, last.summaries.clone());
            let jobs: Vec<Job> = replaced
                .iter()
                .flat_map(|(id, _)| renderer.body_readers(*id))
                .collect();
            jobs.par_iter()
                .map(|job| {
                    let prepared = renderer.prepare(job)?;
                    let page = PageMemo {
                        template: prepared.template,
                        context: prepared.context.clone(),
                    };
                    Ok((renderer.finish(prepared)?, page))
                })
                .collect()
        };
        {
            let built: HashSet<&str> = last.outputs.keys().map(String::as_str).collect();
            let pages = || {
                last.outputs
                    .values()
                    .filter(|o| o.path.ends_with("index.html"))
                    .map(|o| o.url_path())
                    .collect()
            };
            for (id, _) in &replaced {
                found.extend(link::check_site_links(
                    &last.site.documents[*id],
                    &built,
                    &pages,
                ));
            }
        }
        let mut outputs = Vec::new();
        for result in rendered {
            match result {
                Ok(output) => outputs.push(output),
                Err(errors) => found.extend(errors),
            }
        }

        // The last build's diagnostics, with the edited files' found again.
        let edited: HashSet<&str> = entries
            .iter()
            .map(|(relative, _)| relative.as_str())
            .collect();
        let mut diagnostics: Vec<Diagnostic> = last
            .diagnostics
            .iter()
            .filter(|d| {
                !d.location
                    .as_ref()
                    .is_some_and(|l| edited.contains(l.file.as_str()))
            })
            .cloned()
            .chain(found)
            .collect();
        diagnostics::sort(&mut diagnostics);
        let timings = Timings {
            total: started.elapsed(),
            ..Timings::default()
        };
        let failed = diagnostics.iter().any(Diagnostic::is_error);
        if failed {
            for (id, document) in replaced {
                last.site.documents[id] = document;
            }
        } else {
            last.diagnostics = diagnostics.clone();
        }
        let mut paths = HashSet::new();
        for (output, page) in outputs.into_iter().filter(|_| !failed) {
            paths.insert(output.path.clone());
            last.pages.insert(output.path.clone(), page);
            last.outputs.insert(output.path.clone(), output);
        }
        let documents = last.site.documents.len();
        for (relative, entry) in entries {
            if failed {
                self.pending.insert(relative.clone());
            }
            self.files.entries.insert(relative, entry);
        }
        Some(Rebuilt {
            built: (!failed).then(|| Built {
                pages: paths.len(),
                rendered: paths,
                only_rendered_changed: true,
                documents,
            }),
            diagnostics,
            timings,
        })
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
        if last.config != config || last.today != site.today {
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
            if !last.ids.contains_key(&document.file) {
                files.insert(document.file.clone());
            }
        }
        Changed::Files(files)
    }

    /// Renders the pages whose inputs changed and keeps the others.
    fn render(&mut self, site: &Site, theme: &Theme, changed: &Changed) -> Rendering {
        let last = self.last.as_mut();
        let summaries: Vec<tera::Value> = site
            .documents
            .par_iter()
            .map(|d| {
                let old = last.as_ref().and_then(|l| l.summary(&d.file));
                match old {
                    Some(old) if !changed.contains(&d.file) => old.clone(),
                    _ => {
                        let new = render::summary(&site.config, d);
                        match old {
                            Some(old) if *old == new => old.clone(),
                            _ => new,
                        }
                    }
                }
            })
            .collect();
        let global = tera::Value::from_serializable(&SiteView::new(site));
        let fingerprints = templates::fingerprints(&theme.sources);
        let mut last = last.filter(|l| {
            l.global == global && l.minify == site.config.minify && l.today == site.today
        });
        let renderer = Renderer::new(site, theme, summaries.clone());
        let jobs = renderer.jobs();
        let outcomes: Vec<JobOutcome> = {
            let reuse = Reuse {
                last: last.as_deref(),
                fingerprints: &fingerprints,
                changed,
            };
            jobs.par_iter()
                .map(|job| reuse.run(&renderer, site, job))
                .collect()
        };

        let mut previous = last
            .as_mut()
            .map(|l| std::mem::take(&mut l.outputs))
            .unwrap_or_default();
        let mut rendering = Rendering {
            outputs: Vec::with_capacity(
                jobs.len() + site.attachments.len() + theme.static_files.len() + 1,
            ),
            diagnostics: Vec::new(),
            rendered: HashSet::new(),
            kept: HashSet::new(),
            pages: HashMap::with_capacity(jobs.len() + 1),
            documents: HashMap::with_capacity(site.documents.len()),
            summaries,
            global,
            fingerprints: HashMap::new(),
            pages_rendered: 0,
        };
        for (job, outcome) in jobs.iter().zip(outcomes) {
            if !rendering.add(outcome, &mut previous) {
                rendering.add_again(renderer.run(job));
            }
        }
        let sitemap = match renderer.prepare_sitemap(&rendering.outputs) {
            Ok(prepared) => {
                let reuse = Reuse {
                    last: last.as_deref(),
                    fingerprints: &fingerprints,
                    changed,
                };
                reuse.finish(&renderer, prepared, None)
            }
            Err(found) => JobOutcome::Failed(found),
        };
        if !rendering.add(sitemap, &mut previous) {
            let again = renderer.sitemap(&rendering.outputs);
            rendering.add_again(again);
        }
        rendering.outputs.extend(render::copied_files(site, theme));
        if let Some(last) = last {
            // Outputs not taken stay with the last good build, in case this one fails.
            last.outputs = previous;
        }
        rendering.fingerprints = fingerprints;
        rendering
    }
}

/// The outcome of rendering, before verifying.
struct Rendering {
    outputs: Vec<OutputFile>,
    diagnostics: Vec<Diagnostic>,
    rendered: HashSet<String>,
    /// Outputs taken from the last good build.
    kept: HashSet<String>,
    pages: HashMap<String, PageMemo>,
    documents: HashMap<String, DocumentMemo>,
    summaries: Vec<tera::Value>,
    global: tera::Value,
    fingerprints: HashMap<String, u64>,
    pages_rendered: usize,
}

impl Rendering {
    /// Adds one job's output, taking kept outputs from `previous`. Returns
    /// false when a kept output is not there: two jobs made the same path
    /// (verify reports it), and this one must be rendered again so that the
    /// report names both.
    fn add(&mut self, outcome: JobOutcome, previous: &mut HashMap<String, OutputFile>) -> bool {
        self.pages_rendered += 1;
        match outcome {
            JobOutcome::Kept {
                path,
                source,
                page,
                document,
            } => {
                let Some(mut output) = previous.remove(&path) else {
                    return false;
                };
                if let Some((owner, origin)) = source {
                    output.owner = owner;
                    output.origin = origin;
                }
                self.kept.insert(path.clone());
                self.pages.insert(path, page);
                self.documents.extend(document);
                self.outputs.push(output);
            }
            JobOutcome::Rendered {
                output,
                page,
                document,
            } => {
                self.rendered.insert(output.path.clone());
                self.pages.insert(output.path.clone(), page);
                self.documents.extend(document);
                self.outputs.push(output);
            }
            JobOutcome::Failed(found) => self.diagnostics.extend(found),
        }
        true
    }

    /// Adds an output rendered again after [`add`](Self::add) returned false.
    fn add_again(&mut self, result: Result<OutputFile, Vec<Diagnostic>>) {
        match result {
            Ok(output) => {
                self.rendered.insert(output.path.clone());
                self.outputs.push(output);
            }
            Err(found) => self.diagnostics.extend(found),
        }
    }
}

/// What a job may reuse from the last good build.
struct Reuse<'l> {
    /// `None` when nothing may be reused (first build, or the `site` value,
    /// `minify` or the date changed).
    last: Option<&'l LastBuild>,
    fingerprints: &'l HashMap<String, u64>,
    changed: &'l Changed,
}

impl Reuse<'_> {
    fn template_unchanged(&self, last: &LastBuild, template: &str) -> bool {
        last.fingerprints.contains_key(template)
            && last.fingerprints.get(template) == self.fingerprints.get(template)
    }

    fn run(&self, renderer: &Renderer, site: &Site, job: &Job) -> JobOutcome {
        let document = match job {
            Job::Document(id) => {
                let related: Vec<tera::Value> = renderer
                    .related(*id)
                    .iter()
                    .map(|r| renderer.summary(*r).clone())
                    .collect();
                Some((*id, related))
            }
            _ => None,
        };
        if let (Some(last), Some((id, related))) = (self.last, &document) {
            let doc = site.document(*id);
            let template = doc.kind.template();
            if !self.changed.contains(&doc.file)
                && self.template_unchanged(last, template)
                && let Some(memo) = last.documents.get(&doc.file)
                && memo.related == *related
                && let Some(page) = last.pages.get(&memo.path)
                && page.template == template
            {
                return JobOutcome::Kept {
                    path: memo.path.clone(),
                    source: None,
                    page: page.clone(),
                    document: Some((doc.file.clone(), memo.clone())),
                };
            }
        }
        match renderer.prepare(job) {
            Ok(prepared) => {
                let document = document.map(|(id, related)| {
                    (
                        site.document(id).file.clone(),
                        DocumentMemo {
                            path: prepared.path.clone(),
                            related,
                        },
                    )
                });
                self.finish(renderer, prepared, document)
            }
            Err(found) => JobOutcome::Failed(found),
        }
    }

    /// Keeps the last output if its inputs are equal, else renders.
    fn finish(
        &self,
        renderer: &Renderer,
        prepared: Prepared,
        document: Option<(String, DocumentMemo)>,
    ) -> JobOutcome {
        if let Some(last) = self.last
            && self.template_unchanged(last, prepared.template)
            && let Some(page) = last.pages.get(&prepared.path)
            && page.template == prepared.template
            && page.context == prepared.context
        {
            return JobOutcome::Kept {
                path: prepared.path,
                source: Some((prepared.owner, prepared.origin)),
                page: PageMemo {
                    template: prepared.template,
                    context: prepared.context,
                },
                document,
            };
        }
        let page = PageMemo {
            template: prepared.template,
            context: prepared.context.clone(),
        };
        match renderer.finish(prepared) {
            Ok(output) => JobOutcome::Rendered {
                output,
                page,
                document,
            },
            Err(found) => JobOutcome::Failed(found),
        }
    }
}

impl FileCache {
    /// Whether the last load saw a file at `relative` (a path under the
    /// root), or inside it if it is a folder.
    fn knows(&self, relative: &str) -> bool {
        let folder = format!("{relative}/");
        let attachment = |path: &String| {
            let path = format!("content/{path}");
            path == relative || path.starts_with(&folder)
        };
        self.entries.contains_key(relative)
            || self.entries.keys().any(|path| path.starts_with(&folder))
            || self.attachments.iter().any(|(path, _)| attachment(path))
    }

    /// One Markdown file's load result, from the cache when the file is as
    /// the cache last saw it.
    fn lookup(
        &self,
        context: u64,
        changes: &Changes,
        file: &SourceFile,
        content_path: &str,
        kind: Kind,
        cx: &LoadContext,
    ) -> (FileResult, Lookup) {
        let cached = self.entries.get(&file.relative).filter(|c| {
            self.context == Some(context) && c.kind == kind && c.content_path == content_path
        });
        if let Some(cached) = cached
            && cached.size == file.size
            && !changes.touches(&file.path)
        {
            return (cached.result.clone(), Lookup::Cached);
        }
        let bytes = match std::fs::read(&file.path) {
            Ok(bytes) => bytes,
            Err(_) => {
                return (
                    load::load_file(file, content_path, kind, cx),
                    Lookup::Uncached,
                );
            }
        };
        let size = bytes.len() as u64;
        let hash = fingerprint(&bytes);
        if let Some(cached) = cached
            && cached.hash == hash
            && cached.size == size
        {
            return (cached.result.clone(), Lookup::Cached);
        }
        let result = load::load_bytes(bytes, &file.relative, content_path, kind, cx);
        (
            result.clone(),
            Lookup::Fresh(Box::new(CachedFile {
                size,
                hash,
                kind,
                content_path: content_path.to_string(),
                result,
            })),
        )
    }
}

/// Fingerprint of what loading a file depends on besides the file: the
/// config, the attachments (plans show their document's size), the date
/// and `--future`; and the attachments' sizes.
fn load_context(cx: &LoadContext) -> (u64, Vec<(String, u64)>) {
    let mut attachments: Vec<(String, u64)> = cx
        .attachments
        .iter()
        .map(|(path, info)| (path.clone(), info.size))
        .collect();
    attachments.sort();
    let context = fingerprint(&(
        format!("{:?}", cx.config),
        &attachments,
        cx.today,
        cx.future,
    ));
    (context, attachments)
}

/// Whether two loads of a document differ at most in their body's text and
/// links: same front matter, same headings.
fn same_but_body(before: &crate::document::Document, after: &crate::document::Document) -> bool {
    let mut probe = after.clone();
    probe.body.html.clone_from(&before.body.html);
    probe
        .body
        .internal_links
        .clone_from(&before.body.internal_links);
    probe.body.site_links.clone_from(&before.body.site_links);
    probe == *before
}

fn fingerprint<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}
