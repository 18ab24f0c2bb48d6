//! Search: a full-text index of the published documents, for `/search/`.
//!
//! In: the linked [`Site`]. Out: the [`OutputFile`]s of a pagefind bundle
//! under `pagefind/` — the entry file, the metadata, word index, filter and
//! fragment chunks, the WebAssembly search engine and its JavaScript — which
//! `build` writes with the rest of the site, in the same atomic swap. The
//! theme's `search.html` and `js/search.js` query it in the browser; nothing
//! runs on a server and nothing is fetched from another host.
//!
//! Each document is handed to pagefind's library API as a small HTML page made
//! from its rendered body (not the themed page, whose navigation, breadcrumbs
//! and related links would pollute results): title, summary and body are
//! searched; kind, date and area names are shown with each result; area,
//! priority and kind are filters. Only what `load` kept is indexed, so drafts
//! and scheduled documents never reach the index.
//!
//! The bundle is byte-identical for identical input: documents go in in the
//! site's stable order, pagefind names every chunk after a hash of its
//! content, and the files come back sorted by path. Indexing is the slowest
//! optional step of a build, so `check` (which writes nothing) skips it.

use std::fmt::Write as _;

use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;

use crate::diagnostics::Diagnostic;
use crate::document::{Document, Kind};
use crate::link::Site;
use crate::markdown::escape;
use crate::render::context::{kind_key, kind_title};
use crate::render::{OutputContent, OutputFile, format_date};

/// The folder of the bundle under the output folder (and under the base path).
/// It is the index's alone, in every build, with or without `--no-search`:
/// another file under it is an error ([`crate::link::collisions`]).
pub const BUNDLE: &str = "pagefind";

/// What the bundle's files are made by, as collision messages name it.
pub const OWNER: &str = "the search index";

/// Files of pagefind's bundle that oasis does not use: its ready-made user
/// interfaces (the theme has its own, smaller and accessible one), the
/// highlighter for destination pages, and the web worker (the theme's
/// script searches on the page's thread: one less file to fetch).
const UNUSED: [&str; 8] = [
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
    "pagefind-worker.js",
];

/// The filters a document carries, as the search page names them.
pub mod filter {
    pub const AREA: &str = "area";
    pub const PRIORITY: &str = "priority";
    pub const KIND: &str = "kind";
}

/// Builds the search index of every document of the site.
pub fn index(site: &Site) -> Result<Vec<OutputFile>, Diagnostic> {
    records(site).index()
}

/// What the index is made from: one small page per document. Making it is
/// quick and needs the site; indexing it is slow and needs only this, so
/// `oasis serve` can index on another thread while it goes on rebuilding.
pub struct Records {
    language: String,
    /// (URL, page) of every searchable document, in the site's order.
    pages: Vec<(String, String)>,
    /// Whether the site is minified: then so is pagefind's script.
    minify: bool,
}

/// The records of every searchable document of the site.
pub fn records(site: &Site) -> Records {
    Records {
        minify: site.config.minify,
        language: index_language(&site.config.language),
        pages: site
            .documents
            .iter()
            .filter(|d| is_searchable(d))
            .map(|d| (d.url.clone(), page(site, d)))
            .collect(),
    }
}

impl Records {
    /// (URL, page) of every searchable document, in the site's order.
    pub fn pages(&self) -> &[(String, String)] {
        &self.pages
    }

    /// How pagefind is set up to index them.
    pub fn config(&self) -> PagefindServiceConfig {
        config(self.language.clone())
    }

    /// Runs pagefind over the records: the bundle's files, sorted by path.
    /// Parsing, building and compressing run in parallel on the rayon pool
    /// of the calling thread (the global one, unless it is in
    /// `ThreadPool::install`).
    pub fn index(self) -> Result<Vec<OutputFile>, Diagnostic> {
        let Records {
            language,
            pages,
            minify,
        } = self;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .map_err(|e| failure(&format!("cannot start its worker: {e}")))?;
        let options = config(language);
        let files = PagefindIndex::new(Some(options)).and_then(|mut index| {
            index.add_html_files(pages)?;
            runtime.block_on(index.take_files())
        });
        let files = files.map_err(|e| failure(&format!("{e:#}")))?;
        let has_language_wasm = files.iter().any(|f| {
            let name = f.filename.to_string_lossy();
            name.starts_with("wasm.") && name != "wasm.unknown.pagefind"
        });
        let mut outputs: Vec<OutputFile> = files
            .into_iter()
            .filter_map(|file| {
                let name = file
                    .filename
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                let unused = UNUSED.contains(&name.as_str())
                    || (has_language_wasm && name == "wasm.unknown.pagefind");
                // pagefind's script comes unminified (47 kB), and every
                // first query fetches it.
                let contents = if minify && name == "pagefind.js" {
                    crate::render::minify::minify_script(&file.contents)
                } else {
                    file.contents
                };
                (!unused).then(|| OutputFile {
                    path: format!("{BUNDLE}/{name}"),
                    content: OutputContent::Bytes(contents),
                    owner: Some(OWNER.to_string()),
                    origin: None,
                })
            })
            .collect();
        outputs.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(outputs)
    }
}

/// pagefind's settings: the language, and what it leaves out of the text.
fn config(language: String) -> PagefindServiceConfig {
    PagefindServiceConfig::builder()
        .force_language(language)
        // The hidden "Link to this section: …" of every heading, and the
        // "↩" back from each footnote.
        .exclude_selectors(vec![
            ".heading-anchor".to_string(),
            ".footnote-back".to_string(),
        ])
        .build()
}

/// The language pagefind indexes in: the primary subtag of the site's
/// (`en` for `en-GB`). Its stemmer is the same, every chunk's name is
/// shorter (the metadata lists one per document), and pagefind's script
/// falls back from the page's `en-gb` to `en` by itself.
fn index_language(language: &str) -> String {
    language
        .split(['-', '_'])
        .next()
        .filter(|primary| !primary.is_empty())
        .unwrap_or("unknown")
        .to_ascii_lowercase()
}

/// Whether a document is a page of its own that a reader can land on.
fn is_searchable(document: &Document) -> bool {
    // Every kind has a page: publications and standalone pages their own,
    // introductions the area, priority or home page they open.
    matches!(
        document.kind,
        Kind::Announcement
            | Kind::Plan
            | Kind::Project
            | Kind::Page
            | Kind::AreaIntro
            | Kind::PriorityIntro
            | Kind::Home
    )
}

/// The page pagefind reads for one document: what is searched (title,
/// summary, body) and, in an ignored block, what is shown and filtered on.
fn page(site: &Site, document: &Document) -> String {
    let config = &site.config;
    let mut html = String::with_capacity(document.body.html.len() + 1024);
    let _ = write!(
        html,
        "<!DOCTYPE html><html lang=\"{}\"><body><div data-pagefind-ignore>",
        escape(&config.language)
    );
    let kind = match document.kind {
        Kind::Home => Kind::Page,
        kind => kind,
    };
    meta(&mut html, "kind", kind_title(kind));
    if let Some(date) = document.date {
        meta(&mut html, "date", &format_date(date));
    }
    // An area's or a priority's introduction is its page: found by its
    // own area or priority filter, and showing the area's name.
    let (area_filters, priority_filters): (Vec<&str>, Vec<&str>) = match document.kind {
        Kind::AreaIntro => (vec![document.slug.as_str()], Vec::new()),
        Kind::PriorityIntro => (Vec::new(), vec![document.slug.as_str()]),
        _ => (
            document.areas.iter().map(String::as_str).collect(),
            document.priorities.iter().map(String::as_str).collect(),
        ),
    };
    let areas = if document.all_areas {
        "All areas".to_string()
    } else {
        // In site.toml's order, as area pages and listings show them.
        config
            .areas
            .iter()
            .filter(|area| area_filters.contains(&area.slug.as_str()))
            .map(|area| area.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !areas.is_empty() {
        meta(&mut html, "areas", &areas);
    }
    filter(&mut html, filter::KIND, kind_key(kind));
    for area in area_filters {
        filter(&mut html, filter::AREA, area);
    }
    for priority in priority_filters {
        filter(&mut html, filter::PRIORITY, priority);
    }
    let _ = write!(
        html,
        "</div><h1 data-pagefind-meta=\"title\">{}</h1>",
        escape(&document.title)
    );
    if let Some(summary) = &document.summary {
        let _ = write!(html, "<p>{}</p>", escape(summary));
    }
    html.push_str(&document.body.html);
    html.push_str("</body></html>");
    html
}

fn meta(html: &mut String, name: &str, value: &str) {
    let _ = write!(
        html,
        "<span data-pagefind-meta=\"{name}\">{}</span>",
        escape(value)
    );
}

fn filter(html: &mut String, name: &str, value: &str) {
    let _ = write!(
        html,
        "<span data-pagefind-filter=\"{name}\">{}</span>",
        escape(value)
    );
}

fn failure(why: &str) -> Diagnostic {
    Diagnostic::error(format!("could not build the search index: {why}"))
        .hint("this is a fault in oasis, not in your content; please report it with this message")
}

#[cfg(test)]
mod tests {
    use super::index_language;

    #[test]
    fn the_index_language_is_the_primary_subtag() {
        assert_eq!(index_language("en-GB"), "en");
        assert_eq!(index_language("cy"), "cy");
        assert_eq!(index_language("EN_gb"), "en");
        assert_eq!(index_language(""), "unknown");
    }
}
