//! Rendering what changed: every page's inputs remembered and compared.
//!
//! In: a linked site, its theme, the [`Memo`] of the last good build and
//! which documents may differ from it. Out: every output of the site
//! ([`Rendering`]), each either rendered afresh or taken from the last good
//! build, and the memo for the next rebuild.
//!
//! A page's output is a function of its template (and the templates that
//! one uses, see [`templates`](super::super::templates)), the `site` value,
//! its context and `minify`. When all four are as in the last good build,
//! the page keeps its bytes. Summaries of unchanged documents stay the same
//! reference-counted values, so equal listings compare pointer by pointer.
//! A document page whose document and related documents are unchanged
//! ([`Renderer::related`]) does not even build its context, nor does an
//! area's or a priority's page or feed when the documents it is made from
//! ([`Renderer::sources`]) are the same files, in the same order, and none
//! of them changed: after an edit to one document, the pages of areas and
//! priorities it is not in cost nothing.

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};

use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Location};
use crate::link::Site;
use crate::render::context::SiteView;
use crate::render::theme::Theme;
use crate::render::{self, Job, OutputFile, Prepared, Renderer};
use crate::serve::templates;

/// What the last good build's outputs were made from.
#[derive(Default)]
pub(super) struct Memo {
    pub today: Option<jiff::civil::Date>,
    /// The `site` value every template saw.
    pub global: Option<tera::Value>,
    pub minify: bool,
    pub fingerprints: HashMap<String, u64>,
    /// Each document's id, by file.
    pub ids: HashMap<String, usize>,
    /// Summaries, by document id.
    pub summaries: Vec<tera::Value>,
    /// Rendered pages, by output path.
    pub pages: HashMap<String, PageMemo>,
    /// Document pages, by document file.
    pub documents: HashMap<String, DocumentMemo>,
    /// For the pages made from one area's or priority's documents
    /// ([`Renderer::sources`]): a fingerprint of those documents' files, in
    /// order, by output path.
    pub sources: HashMap<String, u64>,
    /// Every output, by path.
    pub outputs: HashMap<String, OutputFile>,
}

impl Memo {
    /// The summary the last build gave a document.
    fn summary(&self, file: &str) -> Option<&tera::Value> {
        self.ids.get(file).and_then(|id| self.summaries.get(*id))
    }

    fn template_unchanged(&self, template: &str, fingerprints: &HashMap<String, u64>) -> bool {
        self.fingerprints.contains_key(template)
            && self.fingerprints.get(template) == fingerprints.get(template)
    }
}

#[derive(Clone)]
pub(super) struct PageMemo {
    pub template: &'static str,
    pub context: tera::Context,
}

#[derive(Clone)]
pub(super) struct DocumentMemo {
    pub path: String,
    /// Summaries of the related documents the page lists.
    pub related: Vec<tera::Value>,
}

/// Which documents may differ from the last good build.
pub(super) enum Changed {
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

/// Every output of a rendering, before verifying.
pub(super) struct Rendering {
    pub outputs: Vec<OutputFile>,
    pub diagnostics: Vec<Diagnostic>,
    /// Output paths rendered afresh.
    pub rendered: HashSet<String>,
    /// Output paths taken from the last good build.
    pub kept: HashSet<String>,
    /// How many pages (jobs and the sitemap) there are.
    pub pages: usize,
    /// The paths of the pages whose templates failed (see
    /// [`render::render_with`]).
    pub failed: Vec<String>,
    /// The memo of this rendering, but its outputs.
    memo: Memo,
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

/// Renders the pages of `site` whose inputs changed since the build `last`
/// remembers, and takes the others' outputs from it.
pub(super) fn render(
    last: Option<&mut Memo>,
    site: &Site,
    theme: &Theme,
    changed: &Changed,
) -> Rendering {
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
    // Nothing is reused when every page may differ.
    let mut last = last.filter(|l| {
        l.global.as_ref() == Some(&global)
            && l.minify == site.config.minify
            && l.today == Some(site.today)
    });
    let renderer = Renderer::new(site, theme, summaries.clone());
    let jobs = renderer.jobs();
    let mut previous = last
        .as_mut()
        .map(|l| std::mem::take(&mut l.outputs))
        .unwrap_or_default();
    let reuse = Reuse {
        last: last.as_deref(),
        fingerprints: &fingerprints,
        changed,
    };
    let (outcomes, sources): (Vec<JobOutcome>, HashMap<String, u64>) = rayon::join(
        || {
            jobs.par_iter()
                .map(|job| reuse.run(&renderer, site, job))
                .collect()
        },
        || {
            jobs.iter()
                .filter_map(|job| renderer.sources(job))
                .map(|(path, ids)| (path, sources_fingerprint(site, &ids)))
                .collect()
        },
    );
    let mut rendering = Rendering {
        outputs: Vec::with_capacity(
            jobs.len() + site.attachments.len() + theme.static_files.len() + 1,
        ),
        diagnostics: Vec::new(),
        rendered: HashSet::new(),
        kept: HashSet::new(),
        pages: 0,
        failed: Vec::new(),
        memo: Memo {
            today: Some(site.today),
            global: Some(global),
            minify: site.config.minify,
            fingerprints: fingerprints.clone(),
            ids: HashMap::new(),
            summaries,
            pages: HashMap::with_capacity(jobs.len() + 1),
            documents: HashMap::with_capacity(site.documents.len()),
            sources,
            outputs: HashMap::new(),
        },
    };
    for (job, outcome) in jobs.iter().zip(outcomes) {
        let failed = matches!(outcome, JobOutcome::Failed(_));
        let failed = if rendering.add(outcome, &mut previous) {
            failed
        } else {
            let again = renderer.run(job);
            let failed = again.is_err();
            rendering.add_again(again);
            failed
        };
        if failed {
            rendering.failed.push(renderer.place(job).path);
        }
    }
    let sitemap = match renderer.prepare_sitemap(&rendering.outputs) {
        Ok(prepared) => reuse.finish(&renderer, prepared, None),
        Err(found) => JobOutcome::Failed(found),
    };
    if !rendering.add(sitemap, &mut previous) {
        let again = renderer.sitemap(&rendering.outputs);
        rendering.add_again(again);
    }
    rendering.outputs.extend(render::copied_files(site, theme));
    if let Some(last) = last {
        // Outputs not taken stay with the last good build, in case this
        // one fails.
        last.outputs = previous;
    }
    rendering
}

impl Rendering {
    /// Adds one job's output, taking kept outputs from `previous`. Returns
    /// false when a kept output is not there: two jobs made the same path
    /// (verify reports it), and this one must be rendered again so that the
    /// report names both.
    fn add(&mut self, outcome: JobOutcome, previous: &mut HashMap<String, OutputFile>) -> bool {
        self.pages += 1;
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
                self.memo.pages.insert(path, page);
                self.memo.documents.extend(document);
                self.outputs.push(output);
            }
            JobOutcome::Rendered {
                output,
                page,
                document,
            } => {
                self.rendered.insert(output.path.clone());
                self.memo.pages.insert(output.path.clone(), page);
                self.memo.documents.extend(document);
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

    /// Puts the outputs taken from the last good build back into its memo:
    /// this build failed.
    pub fn give_back(self, last: &mut Memo) {
        for output in self.outputs {
            if self.kept.contains(&output.path) {
                last.outputs.insert(output.path.clone(), output);
            }
        }
    }

    /// The memo of this rendering, now the last good build of `site`, and
    /// the paths it rendered afresh.
    pub fn into_memo(self, site: &Site) -> (Memo, HashSet<String>) {
        let mut memo = self.memo;
        memo.ids = site
            .documents
            .iter()
            .enumerate()
            .map(|(id, d)| (d.file.clone(), id))
            .collect();
        memo.outputs = self
            .outputs
            .into_iter()
            .map(|o| (o.path.clone(), o))
            .collect();
        (memo, self.rendered)
    }
}

/// What a job may reuse from the last good build.
struct Reuse<'l> {
    /// `None` when nothing may be reused (first build, or the `site` value,
    /// `minify` or the date changed).
    last: Option<&'l Memo>,
    fingerprints: &'l HashMap<String, u64>,
    changed: &'l Changed,
}

impl Reuse<'_> {
    fn run(&self, renderer: &Renderer, site: &Site, job: &Job) -> JobOutcome {
        if let Some(kept) = self.same_sources(renderer, site, job) {
            return kept;
        }
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
                && last.template_unchanged(template, self.fingerprints)
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

    /// Keeps an area's or a priority's page or feed without building its
    /// context when it is made from the same unchanged documents as in the
    /// last good build (and the config and date are the same, as they are
    /// whenever only some files changed).
    fn same_sources(&self, renderer: &Renderer, site: &Site, job: &Job) -> Option<JobOutcome> {
        let (last, Changed::Files(changed)) = (self.last?, self.changed) else {
            return None;
        };
        let (path, ids) = renderer.sources(job)?;
        let page = last.pages.get(&path)?;
        let unchanged = last.template_unchanged(page.template, self.fingerprints)
            && last.sources.get(&path) == Some(&sources_fingerprint(site, &ids))
            && ids
                .iter()
                .all(|id| !changed.contains(&site.document(*id).file));
        unchanged.then(|| JobOutcome::Kept {
            page: page.clone(),
            path,
            source: None,
            document: None,
        })
    }

    /// Keeps the last output if its inputs are equal, else renders.
    fn finish(
        &self,
        renderer: &Renderer,
        prepared: Prepared,
        document: Option<(String, DocumentMemo)>,
    ) -> JobOutcome {
        if let Some(last) = self.last
            && last.template_unchanged(prepared.template, self.fingerprints)
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

/// Fingerprint of the files of `ids`, in order.
fn sources_fingerprint(site: &Site, ids: &[crate::link::DocId]) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for id in ids {
        site.document(*id).file.hash(&mut hasher);
    }
    hasher.finish()
}
