//! Rebuilding in place: edits to documents that keep every address.
//!
//! In: the paths the watcher saw change, when each is a Markdown file of a
//! document in the last good build (or a file under `content/` that came
//! and went while an editor saved). Out: the rebuild, made without walking
//! the site or loading and linking its other documents — or `None`, having
//! changed nothing, when the edits are of another kind.
//!
//! The edited files are loaded again and must keep their document's kind,
//! address, aliases and headings and stay published, so no other document's
//! links or the set of outputs can change because of them. Then:
//!
//! - if only bodies changed (front matter as it was), the edited documents
//!   are relinked and put in the last good site, and only the pages that
//!   show their bodies ([`Renderer::body_readers`]) are rendered;
//! - otherwise the site's indexes are built again around the edited
//!   documents ([`link::index`]) and every page is compared with what it was
//!   made from ([`pages::render`]), as in a full rebuild.
//!
//! Diagnostics are the last good build's, with the edited files' found
//! again: nothing else can have changed.

use std::collections::HashSet;
use std::time::Instant;

use rayon::prelude::*;

use crate::diagnostics::{self, Diagnostic};
use crate::document::Document;
use crate::link;
use crate::load::{self, LoadContext};
use crate::render::{Job, OutputFile, Renderer};

use super::files::CachedFile;
use super::pages::{self, Changed, PageMemo};
use super::{Built, Changes, LastBuild, Rebuilder, Rebuilt, Timings, fingerprint};

/// One edited document, loaded again.
struct Edit {
    /// Its id in the last good site.
    id: usize,
    /// Its file, relative to the root.
    file: String,
    entry: CachedFile,
    document: Document,
    /// Whether only the body changed.
    body_only: bool,
}

/// Rebuilds after `changes` in place, or returns `None` (having changed
/// nothing) when they are not edits that keep every address.
pub(super) fn rebuild(
    rebuilder: &mut Rebuilder,
    changes: &Changes,
    started: Instant,
) -> Option<Rebuilt> {
    if changes.rescan || changes.paths.is_empty() || !rebuilder.pending.is_empty() {
        return None;
    }
    let last = rebuilder.last.as_ref()?;
    if load::today(&last.site.config).ok()? != last.site.today {
        return None;
    }
    let edits = edits(rebuilder, last, changes)?;
    let mut last = rebuilder.last.take()?;
    let rebuilt = if edits.is_empty() {
        Rebuilt {
            built: Some(Built {
                rendered: HashSet::new(),
                only_rendered_changed: true,
                pages: 0,
                documents: last.site.documents.len(),
            }),
            diagnostics: last.diagnostics.clone(),
            timings: timings(started),
        }
    } else if edits.iter().all(|edit| edit.body_only) {
        bodies(rebuilder, &mut last, edits, started)
    } else {
        return Some(documents(rebuilder, last, edits, started));
    };
    rebuilder.last = Some(last);
    Some(rebuilt)
}

/// The edited documents, loaded again; `None` if a change is of another
/// kind than an edit that keeps the document's addresses.
fn edits(rebuilder: &Rebuilder, last: &LastBuild, changes: &Changes) -> Option<Vec<Edit>> {
    let root = &rebuilder.options.root;
    let attachments = rebuilder.files.attachment_infos();
    let cx = LoadContext {
        config: &last.site.config,
        attachments: &attachments,
        today: last.site.today,
        future: rebuilder.options.future,
        markdown: &Default::default(),
    };
    let mut edits = Vec::new();
    for path in &changes.paths {
        if !path.starts_with(root) {
            return None;
        }
        let file = crate::files::relative_to(root, path);
        // Editors write files while saving that are gone a moment later
        // (vim's `4913`, JetBrains' `___jb_tmp___`): the build never saw them.
        if file.starts_with("content/")
            && std::fs::symlink_metadata(path).is_err()
            && !rebuilder.files.knows(&file)
        {
            continue;
        }
        let cached = rebuilder.files.entries.get(&file)?;
        let id = *last.memo.ids.get(&file)?;
        if !std::fs::symlink_metadata(path).ok()?.is_file() {
            return None;
        }
        let bytes = std::fs::read(path).ok()?;
        let hash = fingerprint(&bytes);
        let size = bytes.len() as u64;
        if hash == cached.hash && size == cached.size {
            continue;
        }
        let result = load::load_bytes(bytes, &file, &cached.content_path, cached.kind, &cx);
        let (Some(before), Some(after)) = (&cached.result.0, &result.0) else {
            return None;
        };
        if !same_addresses(before, after) || !published(after, rebuilder, last) {
            return None;
        }
        let body_only = same_but_body(before, after);
        let document = after.clone();
        let entry = CachedFile {
            size,
            hash,
            kind: cached.kind,
            content_path: cached.content_path.clone(),
            result,
        };
        edits.push(Edit {
            id,
            file,
            entry,
            document,
            body_only,
        });
    }
    Some(edits)
}

/// Relinks the edited documents against the last good site; their
/// diagnostics go to `found`.
fn relink(edits: &[Edit], last: &LastBuild, found: &mut Vec<Diagnostic>) -> Vec<(usize, Document)> {
    edits
        .iter()
        .map(|edit| {
            found.extend(edit.entry.result.1.iter().cloned());
            let mut document = edit.document.clone();
            let (html, link_diagnostics) = link::relink(&document, &last.site, &last.excluded);
            document.body.html = html;
            found.extend(link_diagnostics);
            (edit.id, document)
        })
        .collect()
}

/// Only bodies changed: put the edited documents in the last good site and
/// render the pages that show their bodies.
fn bodies(
    rebuilder: &mut Rebuilder,
    last: &mut LastBuild,
    edits: Vec<Edit>,
    started: Instant,
) -> Rebuilt {
    let mut found = Vec::new();
    let relinked = relink(&edits, last, &mut found);
    let replaced: Vec<(usize, Document)> = relinked
        .into_iter()
        .map(|(id, document)| {
            (
                id,
                std::mem::replace(&mut last.site.documents[id], document),
            )
        })
        .collect();

    let rendered: Vec<Result<(OutputFile, PageMemo), Vec<Diagnostic>>> = {
        let renderer = Renderer::new(&last.site, &last.theme, last.memo.summaries.clone());
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
    let mut outputs = Vec::new();
    for result in rendered {
        match result {
            Ok(output) => outputs.push(output),
            Err(errors) => found.extend(errors),
        }
    }
    {
        let built: HashSet<&str> = last.memo.outputs.keys().map(String::as_str).collect();
        let pages = link::PageList::new(|| {
            last.memo
                .outputs
                .values()
                .filter(|o| o.path.ends_with("index.html"))
                .map(|o| o.url_path())
                .collect()
        });
        let by_url = std::cell::OnceCell::new();
        for (id, _) in &replaced {
            let document = &last.site.documents[*id];
            found.extend(link::check_site_links(document, &built, &pages, &last.site));
            found.extend(link::check_site_anchors(&last.site, document, &by_url));
        }
    }

    let diagnostics = merged(last, &edits, found);
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
        last.memo.pages.insert(output.path.clone(), page);
        last.memo.outputs.insert(output.path.clone(), output);
    }
    let documents = last.site.documents.len();
    remember(rebuilder, edits, failed);
    Rebuilt {
        built: (!failed).then(|| Built {
            pages: paths.len(),
            rendered: paths,
            only_rendered_changed: true,
            documents,
        }),
        diagnostics,
        timings: timings(started),
    }
}

/// Front matter changed: index the site again around the edited documents
/// and render every page whose inputs changed.
fn documents(
    rebuilder: &mut Rebuilder,
    mut last: LastBuild,
    edits: Vec<Edit>,
    started: Instant,
) -> Rebuilt {
    let mut found = Vec::new();
    let relinked = relink(&edits, &last, &mut found);
    let mut documents = std::mem::take(&mut last.site.documents);
    let replaced: Vec<(usize, Document)> = relinked
        .into_iter()
        .map(|(id, document)| (id, std::mem::replace(&mut documents[id], document)))
        .collect();
    let mut site = link::index(
        last.site.root.clone(),
        last.site.config.clone(),
        last.site.today,
        documents,
        last.site.attachments.clone(),
    );
    // An edit to a scheduled document rebuilds the whole site; these are as
    // they were.
    site.scheduled = std::mem::take(&mut last.site.scheduled);
    site.drafts = std::mem::take(&mut last.site.drafts);
    let changed = Changed::Files(edits.iter().map(|edit| edit.file.clone()).collect());
    let paths_before: HashSet<String> = last.memo.outputs.keys().cloned().collect();
    let mut rendering = pages::render(Some(&mut last.memo), &site, &last.theme, &changed);
    found.append(&mut rendering.diagnostics);
    let same_paths = rendering.outputs.len() + rendering.failed.len() == paths_before.len()
        && rendering
            .outputs
            .iter()
            .map(|o| &o.path)
            .chain(&rendering.failed)
            .all(|path| paths_before.contains(path));
    if same_paths {
        let built: HashSet<&str> = rendering
            .outputs
            .iter()
            .map(|o| o.path.as_str())
            .chain(rendering.failed.iter().map(String::as_str))
            .collect();
        let pages = link::PageList::new(|| {
            rendering
                .outputs
                .iter()
                .filter(|o| o.path.ends_with("index.html"))
                .map(|o| o.url_path())
                .collect()
        });
        let by_url = std::cell::OnceCell::new();
        for (id, _) in &replaced {
            let document = site.document(*id);
            found.extend(link::check_site_links(document, &built, &pages, &site));
            found.extend(link::check_site_anchors(&site, document, &by_url));
        }
    } else {
        // A timeline year came or went: check every link against the new
        // set of pages.
        found.extend(link::verify(&site, &rendering.outputs, &rendering.failed));
    }

    let diagnostics = merged(&last, &edits, found);
    let failed = diagnostics.iter().any(Diagnostic::is_error);
    if failed {
        rendering.give_back(&mut last.memo);
        let mut documents = site.documents;
        for (id, document) in replaced {
            documents[id] = document;
        }
        last.site.documents = documents;
        rebuilder.last = Some(last);
        remember(rebuilder, edits, true);
        return Rebuilt {
            built: None,
            diagnostics,
            timings: timings(started),
        };
    }
    let pages = rendering.pages;
    let (memo, rendered) = rendering.into_memo(&site);
    let documents = site.documents.len();
    rebuilder.last = Some(LastBuild {
        config: last.config,
        site,
        theme: last.theme,
        excluded: last.excluded,
        diagnostics: diagnostics.clone(),
        memo,
    });
    remember(rebuilder, edits, false);
    Rebuilt {
        built: Some(Built {
            rendered,
            only_rendered_changed: same_paths,
            pages,
            documents,
        }),
        diagnostics,
        timings: timings(started),
    }
}

/// The last good build's diagnostics, with the edited files' found again.
fn merged(last: &LastBuild, edits: &[Edit], found: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let edited: HashSet<&str> = edits.iter().map(|edit| edit.file.as_str()).collect();
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
    diagnostics
}

/// Caches the edited files' new results; after a failed build they differ
/// from the last good one.
fn remember(rebuilder: &mut Rebuilder, edits: Vec<Edit>, failed: bool) {
    for edit in edits {
        if failed {
            rebuilder.pending.insert(edit.file.clone());
        }
        rebuilder.files.entries.insert(edit.file, edit.entry);
    }
}

fn timings(started: Instant) -> Timings {
    Timings {
        total: started.elapsed(),
        ..Timings::default()
    }
}

/// Whether a document keeps what other documents and the set of outputs
/// depend on: its kind, address, aliases and headings (link anchors).
fn same_addresses(before: &Document, after: &Document) -> bool {
    before.kind == after.kind
        && before.url == after.url
        && before.slug == after.slug
        && before.body.headings == after.body.headings
        && before
            .aliases
            .iter()
            .map(|a| &a.output)
            .eq(after.aliases.iter().map(|a| &a.output))
}

/// Whether a document is in the build (not a draft, not scheduled).
fn published(document: &Document, rebuilder: &Rebuilder, last: &LastBuild) -> bool {
    load::exclusion(document, &rebuilder.options, last.site.today).is_none()
}

/// Whether two loads of a document differ at most in their body's text and
/// links: same front matter, same headings.
fn same_but_body(before: &Document, after: &Document) -> bool {
    let mut probe = after.clone();
    probe.body.html.clone_from(&before.body.html);
    probe
        .body
        .internal_links
        .clone_from(&before.body.internal_links);
    probe.body.site_links.clone_from(&before.body.site_links);
    probe == *before
}
