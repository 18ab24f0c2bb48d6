//! Link: resolve internal links and build the site's indexes.
//!
//! In: [`Loaded`] documents. Out: a [`Site`] — documents in a stable order,
//! `@/` links replaced by real URLs (missing targets and anchors reported at
//! the link's own line and column), and the indexes every listing page is
//! made from: per kind, per area, per priority and per year, newest first.
//! Each index is built in one pass over the documents, so index pages cost
//! time linear in the number of documents.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;

use jiff::civil::Date;
use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostics::{Diagnostic, did_you_mean};
use crate::document::{Document, Kind};
use crate::load::{Attachment, Excluded, Loaded};
use crate::markdown::{PLACEHOLDER, escape};

/// Index of a document in [`Site::documents`].
pub type DocId = usize;

/// The linked site: everything the render stage needs.
pub struct Site {
    pub root: PathBuf,
    pub config: Config,
    pub today: Date,
    /// Sorted by path under `content/`.
    pub documents: Vec<Document>,
    /// Announcements, plans and projects, newest first.
    pub publications: Vec<DocId>,
    /// Per kind (announcement, plan, project), newest first.
    pub by_kind: BTreeMap<Kind, Vec<DocId>>,
    /// Standalone pages, by title.
    pub pages: Vec<DocId>,
    pub home: Option<DocId>,
    pub area_intros: HashMap<String, DocId>,
    pub priority_intros: HashMap<String, DocId>,
    /// Publications per area slug, newest first.
    pub by_area: HashMap<String, Vec<DocId>>,
    /// Publications per priority slug, newest first.
    pub by_priority: HashMap<String, Vec<DocId>>,
    /// Publications per year, newest year first, each newest first.
    pub by_year: Vec<(i16, Vec<DocId>)>,
    pub attachments: Vec<Attachment>,
}

impl Site {
    pub fn document(&self, id: DocId) -> &Document {
        &self.documents[id]
    }

    /// The standalone page with a slug, if there is one (e.g. `accessibility`).
    pub fn page_by_slug(&self, slug: &str) -> Option<&Document> {
        self.pages
            .iter()
            .map(|id| &self.documents[*id])
            .find(|d| d.slug == slug)
    }
}

/// Links the loaded documents into a site.
pub fn link(loaded: Loaded) -> (Site, Vec<Diagnostic>) {
    let Loaded {
        root,
        config,
        today,
        mut documents,
        attachments,
        excluded,
    } = loaded;
    documents.sort_by(|a, b| a.content_path.cmp(&b.content_path));

    let targets = Targets::new(&documents, &attachments, &excluded, &config);
    let resolved: Vec<(Option<String>, Vec<Diagnostic>)> = documents
        .par_iter()
        .map(|document| resolve_links(document, &targets, &config))
        .collect();
    let mut diagnostics = Vec::new();
    for (document, (html, found)) in documents.iter_mut().zip(resolved) {
        if let Some(html) = html {
            document.body.html = html;
        }
        diagnostics.extend(found);
    }
    let site = index(root, config, today, documents, attachments);
    (site, diagnostics)
}

/// Builds the indexes of a site from its linked documents, sorted by path
/// under `content/`: [`link`] ends with it, and `oasis serve` calls it
/// again after an edit that may move a document in them.
pub fn index(
    root: PathBuf,
    config: Config,
    today: Date,
    documents: Vec<Document>,
    attachments: Vec<Attachment>,
) -> Site {
    let mut publications: Vec<DocId> = (0..documents.len())
        .filter(|id| documents[*id].kind.is_publication())
        .collect();
    publications.sort_by(|a, b| newest_first(&documents[*a], &documents[*b]));

    let mut by_kind: BTreeMap<Kind, Vec<DocId>> = Kind::PUBLICATIONS
        .iter()
        .map(|k| (*k, Vec::new()))
        .collect();
    let mut by_area: HashMap<String, Vec<DocId>> = config
        .areas
        .iter()
        .map(|a| (a.slug.clone(), Vec::new()))
        .collect();
    let mut by_priority: HashMap<String, Vec<DocId>> = config
        .priorities
        .iter()
        .map(|p| (p.slug.clone(), Vec::new()))
        .collect();
    let mut by_year: Vec<(i16, Vec<DocId>)> = Vec::new();
    for &id in &publications {
        let document = &documents[id];
        by_kind.entry(document.kind).or_default().push(id);
        for area in &document.areas {
            by_area.entry(area.clone()).or_default().push(id);
        }
        for priority in &document.priorities {
            by_priority.entry(priority.clone()).or_default().push(id);
        }
        let year = document.date.map_or(0, |d| d.year());
        match by_year.last_mut() {
            Some((last, ids)) if *last == year => ids.push(id),
            _ => by_year.push((year, vec![id])),
        }
    }

    let mut pages: Vec<DocId> = (0..documents.len())
        .filter(|id| documents[*id].kind == Kind::Page)
        .collect();
    pages.sort_by(|a, b| documents[*a].title.cmp(&documents[*b].title));
    let home = documents.iter().position(|d| d.kind == Kind::Home);
    let intros = |kind: Kind| -> HashMap<String, DocId> {
        documents
            .iter()
            .enumerate()
            .filter(|(_, d)| d.kind == kind)
            .map(|(id, d)| (d.slug.clone(), id))
            .collect()
    };
    let area_intros = intros(Kind::AreaIntro);
    let priority_intros = intros(Kind::PriorityIntro);

    Site {
        root,
        config,
        today,
        documents,
        publications,
        by_kind,
        pages,
        home,
        area_intros,
        priority_intros,
        by_area,
        by_priority,
        by_year,
        attachments,
    }
}

/// Newest first; ties broken by title, then URL, so the order is stable.
pub fn newest_first(a: &Document, b: &Document) -> std::cmp::Ordering {
    b.date
        .cmp(&a.date)
        .then_with(|| a.title.cmp(&b.title))
        .then_with(|| a.url.cmp(&b.url))
}

/// Resolves the `@/` links of one document against a linked site, as
/// [`link`] does for every document: `oasis serve` relinks an edited
/// document this way. Returns the body's HTML and the links' diagnostics.
pub fn relink(
    document: &Document,
    site: &Site,
    excluded: &HashMap<String, Excluded>,
) -> (String, Vec<Diagnostic>) {
    let targets = Targets::new(&site.documents, &site.attachments, excluded, &site.config);
    let (html, diagnostics) = resolve_links(document, &targets, &site.config);
    (
        html.unwrap_or_else(|| document.body.html.clone()),
        diagnostics,
    )
}

/// Everything an `@/` link may point at, by path under `content/`.
struct Targets<'a> {
    documents: HashMap<&'a str, &'a Document>,
    attachments: HashMap<&'a str, &'a str>,
    excluded: &'a HashMap<String, Excluded>,
    /// Declared areas and priorities without an introduction file still have a page.
    virtual_pages: HashMap<String, String>,
}

impl<'a> Targets<'a> {
    fn new(
        documents: &'a [Document],
        attachments: &'a [Attachment],
        excluded: &'a HashMap<String, Excluded>,
        config: &Config,
    ) -> Self {
        let mut virtual_pages = HashMap::new();
        for area in &config.areas {
            virtual_pages.insert(
                format!("areas/{}.md", area.slug),
                format!("/areas/{}/", area.slug),
            );
        }
        for priority in &config.priorities {
            virtual_pages.insert(
                format!("priorities/{}.md", priority.slug),
                format!("/priorities/{}/", priority.slug),
            );
        }
        virtual_pages.insert("_index.md".to_string(), "/".to_string());
        Targets {
            documents: documents
                .iter()
                .map(|d| (d.content_path.as_str(), d))
                .collect(),
            attachments: attachments
                .iter()
                .map(|a| (a.url.trim_start_matches('/'), a.url.as_str()))
                .collect(),
            excluded,
            virtual_pages,
        }
    }

    fn all_paths(&self) -> impl Iterator<Item = &str> {
        self.documents
            .keys()
            .copied()
            .chain(self.attachments.keys().copied())
            .chain(self.virtual_pages.keys().map(String::as_str))
    }
}

/// Replaces the `@/N` placeholders of one document's body with URLs: the new
/// body, or `None` when it has none.
fn resolve_links(
    document: &Document,
    targets: &Targets,
    config: &Config,
) -> (Option<String>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut urls = Vec::with_capacity(document.body.internal_links.len());
    for link in &document.body.internal_links {
        let path = link.path.trim_start_matches('/');
        let url = if let Some(target) = targets.documents.get(path) {
            if let Some(anchor) = &link.anchor
                && !target.body.headings.iter().any(|h| &h.id == anchor)
            {
                let ids = target.body.headings.iter().map(|h| h.id.as_str());
                let suggestion = did_you_mean(anchor, ids);
                let known: Vec<&str> = target.body.headings.iter().map(|h| h.id.as_str()).collect();
                diagnostics.push(
                    Diagnostic::error(format!("`@/{path}` has no heading `#{anchor}`"))
                        .at(link.location.clone())
                        .maybe_label(suggestion.map(|s| format!("did you mean `#{s}`?")))
                        .hint(if known.is_empty() {
                            format!("`content/{path}` has no headings to link to; link to the page without `#{anchor}`")
                        } else {
                            format!("the headings of `content/{path}` are: {}", known.iter().map(|k| format!("#{k}")).collect::<Vec<_>>().join(", "))
                        }),
                );
            }
            Some(target.url.as_str())
        } else if let Some(url) = targets.attachments.get(path) {
            Some(*url)
        } else if let Some(url) = targets.virtual_pages.get(path) {
            Some(url.as_str())
        } else {
            let (message, hint) = match targets.excluded.get(path) {
                Some(Excluded::Draft) => (
                    format!("`@/{path}` is a draft, so the link would be broken"),
                    "publish it (remove `draft: true`) or remove the link".to_string(),
                ),
                Some(Excluded::Scheduled(date)) => (
                    format!(
                        "`@/{path}` is scheduled for {}, so the link would be broken until then",
                        crate::render::format_date(*date)
                    ),
                    "link to it once it is published, or schedule both for the same day".to_string(),
                ),
                None => (
                    format!("`@/{path}` does not exist"),
                    "an internal link names a file under content/, e.g. [Derby's plan](@/plans/derby.md)".to_string(),
                ),
            };
            let suggestion = if targets.excluded.contains_key(path) {
                None
            } else {
                did_you_mean(path, targets.all_paths())
            };
            diagnostics.push(
                Diagnostic::error(message)
                    .at(link.location.clone())
                    .maybe_label(suggestion.map(|s| format!("did you mean `@/{s}`?")))
                    .hint(hint),
            );
            None
        };
        urls.push(match url {
            Some(url) => {
                let mut href = config.link(url);
                if let Some(anchor) = &link.anchor {
                    href.push('#');
                    href.push_str(anchor);
                }
                escape(&href)
            }
            None => "#".to_string(),
        });
    }
    (splice(&document.body.html, &urls), diagnostics)
}

/// Replaces `="@/N"` placeholders with the N-th URL; `None` when there are
/// none, so that the bodies of most documents are not copied (at 100,000
/// documents a copy of every body is most of a gigabyte).
fn splice(html: &str, urls: &[String]) -> Option<String> {
    if urls.is_empty() {
        return None;
    }
    let needle = format!("=\"{PLACEHOLDER}");
    let mut out = String::with_capacity(html.len() + urls.iter().map(String::len).sum::<usize>());
    let mut rest = html;
    while let Some(found) = rest.find(&needle) {
        let value_start = found + 2;
        let digits_start = value_start + PLACEHOLDER.len();
        let digits = rest[digits_start..]
            .bytes()
            .take_while(u8::is_ascii_digit)
            .count();
        let index = rest[digits_start..digits_start + digits]
            .parse::<usize>()
            .ok();
        let closes = rest[digits_start + digits..].starts_with('"');
        match index.and_then(|i| urls.get(i)) {
            Some(url) if closes => {
                out.push_str(&rest[..value_start]);
                out.push_str(url);
                rest = &rest[digits_start + digits..];
            }
            _ => {
                out.push_str(&rest[..digits_start]);
                rest = &rest[digits_start..];
            }
        }
    }
    out.push_str(rest);
    Some(out)
}

/// Checks what only the finished output can tell: two sources on one URL,
/// and root-relative links to pages that were not built.
pub fn verify(site: &Site, outputs: &[crate::render::OutputFile]) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let mut seen: HashMap<String, &crate::render::OutputFile> =
        HashMap::with_capacity(outputs.len());
    for output in outputs {
        let key = fold(&output.path);
        match seen.get(&key) {
            None => {
                seen.insert(key, output);
            }
            Some(first) => diagnostics.push(collision(first, output)),
        }
    }
    let built: HashSet<&str> = outputs.iter().map(|o| o.path.as_str()).collect();
    let pages = PageList::new(|| {
        outputs
            .iter()
            .filter(|o| o.path.ends_with("index.html"))
            .map(|o| o.url_path())
            .collect()
    });
    for document in &site.documents {
        diagnostics.extend(check_site_links(document, &built, &pages));
    }
    diagnostics
}

/// The site's pages, listed on first use and then kept: broken links are
/// rare, but when there are many the list must not be built once for each.
pub struct PageList<'a> {
    pages: std::cell::OnceCell<Vec<String>>,
    list: Box<dyn Fn() -> Vec<String> + 'a>,
}

impl<'a> PageList<'a> {
    pub fn new(list: impl Fn() -> Vec<String> + 'a) -> Self {
        PageList {
            pages: std::cell::OnceCell::new(),
            list: Box::new(list),
        }
    }

    fn get(&self) -> &[String] {
        self.pages.get_or_init(|| (self.list)())
    }
}

/// The root-relative links of one document that go to no built output
/// (`built` holds the output paths; `pages` lists the site's pages for a
/// suggestion). [`verify`] runs it for every document, `oasis serve` for an
/// edited one.
pub fn check_site_links(
    document: &Document,
    built: &HashSet<&str>,
    pages: &PageList,
) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for link in &document.body.site_links {
        let decoded = crate::load::document::percent_decode(&link.path).unwrap_or_default();
        let exists = [link.path.as_str(), decoded.as_str()].iter().any(|raw| {
            let path = raw.trim_start_matches('/');
            path.is_empty()
                || built.contains(path)
                || built.contains(format!("{}/index.html", path.trim_end_matches('/')).as_str())
        });
        if !exists {
            let pages = pages.get();
            let suggestion = did_you_mean(&link.path, pages.iter().map(String::as_str));
            diagnostics.push(
                Diagnostic::error(format!("the link `{}` goes to a page this site does not have", link.path))
                    .at(link.location.clone())
                    .maybe_label(suggestion.map(|s| format!("did you mean `{s}`?")))
                    .hint("link to another document with `@/`, e.g. [Derby's plan](@/plans/derby.md), or check the address"),
            );
        }
    }
    diagnostics
}

/// The error for two outputs on one path, at the line that caused it when known.
fn collision(first: &crate::render::OutputFile, second: &crate::render::OutputFile) -> Diagnostic {
    let describe = |o: &crate::render::OutputFile| match &o.owner {
        Some(owner) => format!("`{owner}`"),
        None => "a page oasis generates".to_string(),
    };
    let how = if first.path == second.path {
        ""
    } else {
        " (the names differ only in capital letters or in how accents are encoded)"
    };
    let same_owner = first.owner.is_some() && first.owner == second.owner;
    let mut d = if same_owner {
        Diagnostic::error(format!(
            "{} makes `/{}` twice{how}",
            describe(first),
            second.path
        ))
    } else {
        Diagnostic::error(format!(
            "{} and {} both make `/{}`{how}",
            describe(first),
            describe(second),
            second.path
        ))
    };
    let generated = first.owner.is_none() || second.owner.is_none();
    d = d.hint(if same_owner {
        "two of its addresses are the same page (`/old` and `/old/` are one address): remove one alias"
    } else if generated {
        "oasis uses this address for one of its own pages: give the document another file name or `slug:`"
    } else {
        "give one of them another file name or `slug:`, or change the alias"
    });
    let blamed = [second, first]
        .into_iter()
        .find(|o| o.origin.is_some())
        .or_else(|| [second, first].into_iter().find(|o| o.owner.is_some()));
    match blamed {
        Some(o) if o.origin.is_some() => d.at(o.origin.clone().expect("checked")),
        Some(o) => d.in_file(o.owner.clone().expect("checked")),
        None => d,
    }
}

/// Case- and normalisation-insensitive form of an output path.
fn fold(path: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    path.nfc().collect::<String>().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::splice;

    #[test]
    fn splices_placeholders_in_order() {
        let html = r#"<a href="@/1">b</a> <a href="@/0">a</a> <img src="@/0"> "@/x""#;
        let out = splice(html, &["/a/".into(), "/b/".into()]);
        assert_eq!(
            out.as_deref().expect("there are placeholders"),
            r#"<a href="/b/">b</a> <a href="/a/">a</a> <img src="/a/"> "@/x""#
        );
    }
}
