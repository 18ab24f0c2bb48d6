//! Link: resolve internal links and build the site's indexes.
//!
//! In: [`Loaded`] documents. Out: a [`Site`] — documents in a stable order,
//! `@/` links replaced by real URLs (missing targets and anchors reported at
//! the link's own line and column), and the indexes every listing page is
//! made from: per kind, per area, per priority and per year, newest first.
//! Each index is built in one pass over the documents, so index pages cost
//! time linear in the number of documents.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;

use jiff::civil::Date;
use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Location, did_you_mean};
use crate::document::{Document, Kind};
use crate::load::{Attachment, Excluded, Loaded};
use crate::markdown::{PLACEHOLDER, escape};
use crate::render::{OutputFile, Place};
use crate::search;

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
    /// Documents dated after `today` (without `--future`): not built, but
    /// checked as if they were ([`link`], [`crate::render::scheduled_places`]), by path
    /// under `content/`.
    pub scheduled: Vec<Document>,
    /// The drafts left out (without `--drafts`), by address and file.
    pub drafts: Vec<(String, String)>,
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
        mut scheduled,
        mut drafts,
    } = loaded;
    drafts.sort();
    documents.sort_by(|a, b| a.content_path.cmp(&b.content_path));
    scheduled.sort_by(|a, b| a.content_path.cmp(&b.content_path));

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
    // A scheduled document's links are checked as they will be on its day,
    // when the documents scheduled with it are published too.
    let future = Targets::new(
        documents.iter().chain(&scheduled),
        &attachments,
        &excluded,
        &config,
    );
    let resolved: Vec<(Option<String>, Vec<Diagnostic>)> = scheduled
        .iter()
        .map(|document| resolve_links(document, &future, &config))
        .collect();
    drop(future);
    for (document, (html, found)) in scheduled.iter_mut().zip(resolved) {
        if let Some(html) = html {
            document.body.html = html;
        }
        diagnostics.extend(found.into_iter().map(|d| when_published(d, document)));
    }
    let mut site = index(root, config, today, documents, attachments);
    site.scheduled = scheduled;
    site.drafts = drafts;
    if site.page_by_slug("accessibility").is_none() {
        // SPEC §4: every page's footer links to it; the theme leaves the
        // link out when there is none.
        diagnostics.push(
            Diagnostic::warning("the site has no accessibility statement")
                .in_file("content/pages/")
                .hint("add content/pages/accessibility.md: public-sector sites must publish one (see GOV.UK's sample statement), and every page's footer then links to it"),
        );
    }
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
        scheduled: Vec::new(),
        drafts: Vec::new(),
    }
}

/// A problem in a scheduled document, said to be one: it is not built
/// today, but would fail the build that publishes it.
pub fn when_published(mut diagnostic: Diagnostic, document: &Document) -> Diagnostic {
    let date = document
        .date
        .map(crate::render::format_date)
        .unwrap_or_default();
    let note = format!(
        "this document is scheduled for {date}: fix this now, or the build that publishes it will fail"
    );
    diagnostic.hint = Some(match diagnostic.hint.take() {
        Some(hint) => format!("{hint}\n{note}"),
        None => note,
    });
    diagnostic
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
        documents: impl IntoIterator<Item = &'a Document>,
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
                .into_iter()
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

    /// Whether `path` is exactly the path of a target, or of a draft or
    /// scheduled document.
    fn contains(&self, path: &str) -> bool {
        self.documents.contains_key(path)
            || self.attachments.contains_key(path)
            || self.virtual_pages.contains_key(path)
            || self.excluded.contains_key(path)
    }

    /// Whether `written` names a target, or a draft or scheduled document
    /// ([`Self::known`]).
    fn has(&self, written: &str) -> bool {
        self.contains(self.known(written))
    }

    /// The path of a target, or of a draft or scheduled document, that
    /// `written` names: as written; else percent-decoded (`Derby%20Plan.pdf`
    /// for a name with a space, `Q%26A%20%231.pdf` for one with `#`); else
    /// in the same Unicode normalisation (a name saved decomposed, as macOS
    /// and zip files save them, and typed composed, which look the same).
    fn known<'p>(&'p self, written: &'p str) -> &'p str {
        use unicode_normalization::UnicodeNormalization;
        if self.contains(written) {
            return written;
        }
        let every_path = || {
            self.all_paths()
                .chain(self.excluded.keys().map(String::as_str))
        };
        let decoded = crate::load::document::percent_decode(written);
        if let Some(decoded) = decoded.as_deref()
            && self.contains(decoded)
        {
            return every_path()
                .find(|path| *path == decoded)
                .unwrap_or(written);
        }
        let candidates = [Some(written), decoded.as_deref()];
        if candidates.iter().flatten().all(|c| c.is_ascii()) {
            return written;
        }
        let composed: Vec<String> = candidates
            .iter()
            .flatten()
            .map(|c| c.nfc().collect())
            .collect();
        every_path()
            .find(|path| !path.is_ascii() && composed.contains(&path.nfc().collect::<String>()))
            .unwrap_or(written)
    }
}

/// A site path as it goes into an `href`: every byte that is not allowed
/// in a URL's path (a space, `?`, `#`, `%`, quotation marks, letters
/// outside ASCII…) percent-encoded, so that a copied file named `What
/// next?.pdf` is linked as `What%20next%3F.pdf`. The paths oasis makes
/// from slugs have none of them and come out as they are.
pub fn encode_path(path: &str) -> std::borrow::Cow<'_, str> {
    let allowed = |b: u8| {
        b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'/' | b'-'
                    | b'.'
                    | b'_'
                    | b'~'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b':'
                    | b'@'
            )
    };
    if path.bytes().all(allowed) {
        return std::borrow::Cow::Borrowed(path);
    }
    let mut out = String::with_capacity(path.len() + 16);
    for b in path.bytes() {
        if allowed(b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    std::borrow::Cow::Owned(out)
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
        let path = targets.known(link.path.trim_start_matches('/'));
        let url = if let Some(target) = targets.documents.get(path) {
            // Any id of the target's page: its body's (headings, footnotes,
            // raw HTML) and its template's (`#main-content`, an area page's
            // `#funding`), as for a root-relative link's anchor.
            if let Some(anchor) = &link.anchor
                && !target.body.ids.iter().any(|id| id == anchor)
                && !crate::markdown::theme_ids(target.kind).contains(&anchor.as_str())
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
            let without_query = path
                .split_once('?')
                .map(|(file, _)| file)
                .filter(|file| targets.has(file));
            let (message, hint) = match targets.excluded.get(path) {
                None if without_query.is_some() => (
                    format!("`@/{path}` has a `?…` after the file's name, which an `@/` link cannot have"),
                    format!("link to @/{} without the `?` and what follows it", without_query.unwrap_or_default()),
                ),
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
            // A page is suggested for a page, a file for a file.
            let is_page = |p: &str| p.to_ascii_lowercase().ends_with(".md");
            let with_md = format!("{path}.md");
            let suggestion = if targets.excluded.contains_key(path) || without_query.is_some() {
                None
            } else if !path.contains('.') && targets.has(&with_md) {
                // `@/plans/derby`: the file's name without its `.md`.
                Some(with_md.as_str())
            } else if !path.contains('.') {
                // A document's name without `.md`, misspelt too.
                did_you_mean(&with_md, targets.all_paths().filter(|p| is_page(p)))
            } else {
                did_you_mean(
                    path,
                    targets.all_paths().filter(|p| is_page(p) == is_page(path)),
                )
            };
            diagnostics.push(
                Diagnostic::error(message)
                    .at(link.location.clone())
                    .maybe_label(suggestion.map(|s| {
                        if s.contains(' ') {
                            // Markdown ends a link's address at a space
                            // unless it is in angle brackets.
                            format!("did you mean `<@/{s}>`, in angle brackets for its spaces?")
                        } else {
                            format!("did you mean `@/{s}`?")
                        }
                    }))
                    .hint(hint),
            );
            None
        };
        urls.push(match url {
            Some(url) => {
                let mut href = encode_path(&config.link(url)).into_owned();
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

/// Checks what only the finished output can tell: two sources on one path
/// ([`collisions`]), and root-relative links to pages that were not built
/// ([`check_links`]). `oasis serve` renders without
/// [`render::render_with`], which checks the paths before rendering, so it
/// checks them here.
///
/// [`render::render_with`]: crate::render::render_with
pub fn verify(site: &Site, outputs: &[OutputFile], failed: &[String]) -> Vec<Diagnostic> {
    let scheduled = crate::render::scheduled_places(site);
    let mut diagnostics = collisions(
        site,
        outputs
            .iter()
            .map(Claim::from)
            .chain(scheduled.iter().map(Claim::from)),
    );
    diagnostics.extend(check_links(site, outputs, failed));
    diagnostics
}

/// Root-relative links (`/areas/derby/`) to pages that were not built.
/// `failed` are the paths of pages whose templates failed: the site has
/// them, and a link to one is not reported along with the template error.
pub fn check_links(site: &Site, outputs: &[OutputFile], failed: &[String]) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let built: HashSet<&str> = outputs
        .iter()
        .map(|o| o.path.as_str())
        .chain(failed.iter().map(String::as_str))
        .collect();
    let pages = PageList::new(|| {
        outputs
            .iter()
            .filter(|o| o.path.ends_with("index.html"))
            .map(|o| o.url_path())
            .collect()
    });
    let by_url: std::cell::OnceCell<HashMap<&str, &Document>> = std::cell::OnceCell::new();
    for document in &site.documents {
        diagnostics.extend(check_site_links(document, &built, &pages, site));
        diagnostics.extend(check_site_anchors(site, document, &by_url));
    }
    if !site.scheduled.is_empty() {
        // As on their day: with their own pages and aliases built.
        let scheduled = crate::render::scheduled_places(site);
        let mut built = built;
        built.extend(scheduled.iter().map(|place| place.path.as_str()));
        for document in &site.scheduled {
            let mut found = check_site_links(document, &built, &pages, site);
            found.extend(check_site_anchors(site, document, &by_url));
            diagnostics.extend(found.into_iter().map(|d| when_published(d, document)));
        }
    }
    diagnostics
}

/// One file the build writes and what makes it, as [`collisions`] sees it.
#[derive(Clone, Copy)]
pub struct Claim<'a> {
    /// Path under the output folder, with `/`: `areas/derby/index.html`.
    pub path: &'a str,
    /// The source file that makes it (`content/…`, `themes/…`) or what does
    /// (`the search index`); `None` for a page or feed oasis generates.
    pub owner: Option<&'a str>,
    /// The line that gave it this path (`slug:`, an alias), if not the file name.
    pub origin: Option<&'a Location>,
}

impl<'a> From<&'a OutputFile> for Claim<'a> {
    fn from(file: &'a OutputFile) -> Self {
        Claim {
            path: &file.path,
            owner: file.owner.as_deref(),
            origin: file.origin.as_ref(),
        }
    }
}

impl<'a> From<&'a Place> for Claim<'a> {
    fn from(place: &'a Place) -> Self {
        Claim {
            path: &place.path,
            owner: place.owner.as_deref(),
            origin: place.origin.as_ref(),
        }
    }
}

/// The errors for output paths that cannot all be written: two on one path
/// (also when they differ only in case or Unicode normalisation), a file
/// where another needs a folder (an alias `/feed.xml` makes
/// `feed.xml/index.html`, but the site's feed is the file `feed.xml`), and
/// anything but the search index under [`search::BUNDLE`], which is kept for
/// it whether or not this build makes one. `oasis build` and `check` run it
/// on every path before anything is written ([`render::render_with`]),
/// `oasis serve` on what it rendered ([`verify`]). Of two claims on one path
/// the first is named first.
///
/// [`render::render_with`]: crate::render::render_with
pub fn collisions<'a>(site: &Site, claims: impl IntoIterator<Item = Claim<'a>>) -> Vec<Diagnostic> {
    let claims: Vec<Claim> = claims.into_iter().collect();
    // A claim of a scheduled document ([`scheduled_places`]) says so.
    let scheduled = |claim: &Claim| {
        site.scheduled
            .iter()
            .find(|d| Some(d.file.as_str()) == claim.owner)
    };
    let note = |d: Diagnostic, claims: [&Claim; 2]| match claims.into_iter().find_map(scheduled) {
        Some(document) => when_published(d, document),
        None => d,
    };
    let diagnostics = collisions_among(site, &claims);
    diagnostics
        .into_iter()
        .map(|(d, pair)| note(d, pair.map(|i| &claims[i])))
        .collect()
}

/// [`collisions`], each error with the two claims it is about (the same
/// twice when it is about one).
fn collisions_among(site: &Site, claims: &[Claim]) -> Vec<(Diagnostic, [usize; 2])> {
    let folded: Vec<String> = claims.iter().map(|c| fold(c.path)).collect();
    let mut diagnostics = Vec::new();
    let mut reserved = vec![false; claims.len()];
    let mut files: HashMap<&str, usize> = HashMap::with_capacity(claims.len());
    for (i, (claim, path)) in claims.iter().zip(&folded).enumerate() {
        let in_bundle = path
            .strip_prefix(search::BUNDLE)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'));
        if in_bundle && claim.owner != Some(search::OWNER) {
            reserved[i] = true;
            diagnostics.push((in_search_folder(site, claim), [i, i]));
            continue;
        }
        match files.entry(path) {
            Entry::Vacant(entry) => {
                entry.insert(i);
            }
            Entry::Occupied(first) => {
                let first = *first.get();
                diagnostics.push((collision(site, &claims[first], claim), [first, i]));
            }
        }
    }
    // A file in the way of a folder is reported once, not for every page
    // that would go in the folder, when the fix is to move the file.
    let mut moved: HashSet<usize> = HashSet::new();
    for (i, (claim, path)) in claims.iter().zip(&folded).enumerate() {
        if reserved[i] {
            continue;
        }
        let file = path
            .match_indices('/')
            .find_map(|(end, _)| files.get(&path[..end]));
        if let Some(&file) = file {
            let (d, blames_file) = file_as_folder(site, &claims[file], claim);
            if !blames_file || moved.insert(file) {
                diagnostics.push((d, [file, i]));
            }
        }
    }
    diagnostics
}

/// What makes an output, as messages name it.
fn describe(claim: &Claim) -> String {
    match claim.owner {
        None => crate::render::generated_name(claim.path),
        Some(owner) if owner.starts_with("themes/") => match owner.strip_suffix(BUILT_IN) {
            Some(file) => format!("the theme's static file `{file}`{BUILT_IN}"),
            None => format!("the theme's static file `{owner}`"),
        },
        Some(owner) if owner.starts_with("content/") => format!("`{owner}`"),
        Some(owner) => owner.to_string(),
    }
}

/// How the built-in theme's files are named in messages.
const BUILT_IN: &str = " (built into oasis)";

/// Whether a claim is one of a document's `aliases`.
pub fn is_alias(site: &Site, claim: &Claim) -> bool {
    claim.origin.is_some_and(|origin| {
        site.documents
            .iter()
            .chain(&site.scheduled)
            .filter(|d| Some(d.file.as_str()) == claim.owner)
            .any(|d| d.aliases.iter().any(|a| &a.location == origin))
    })
}

/// Whether a claim is a document's own page.
fn is_document(claim: &Claim) -> bool {
    claim
        .owner
        .is_some_and(|o| o.starts_with("content/") && o.to_ascii_lowercase().ends_with(".md"))
}

/// An alias the writer could use instead of the one that made `path`.
fn alias_example(path: &str) -> String {
    match path.strip_suffix("/index.html") {
        Some(folder) => format!("`/old/{folder}/`"),
        None => format!("`/old/{path}`"),
    }
}

/// The hint for the claim a collision is blamed on: `why` it cannot stay,
/// then how to move it: another alias, file name or folder.
fn hint(site: &Site, blamed: &Claim, why: &str) -> String {
    if is_alias(site, blamed) {
        format!(
            "{why}: choose another alias, e.g. {}",
            alias_example(blamed.path)
        )
    } else if is_document(blamed) {
        format!("{why}: give the document another file name or `slug:`")
    } else if blamed.owner.is_some_and(|o| o.starts_with("themes/")) {
        format!("{why}: rename or remove the theme's file")
    } else {
        format!("{why}: rename the file or move it to another folder")
    }
}

/// Points a diagnostic at the line that gave an output its path, or else at
/// the file that makes it, when there is one.
fn locate(d: Diagnostic, claim: &Claim) -> Diagnostic {
    match (claim.origin, claim.owner) {
        (Some(origin), _) => d.at(origin.clone()),
        (None, Some(owner)) if owner.starts_with("content/") || owner.starts_with("themes/") => {
            d.in_file(owner)
        }
        _ => d,
    }
}

/// Of two claims, the one the writer should change: the one with a line
/// (`slug:`, an alias), else a file of theirs, else the second.
fn blamed<'c, 'a>(first: &'c Claim<'a>, second: &'c Claim<'a>) -> &'c Claim<'a> {
    // A site's own static file is the likelier mistake than a document,
    // which is likelier than the built-in theme's files.
    let rank = |c: &Claim| match (c.origin, c.owner) {
        (Some(_), _) => 0,
        (None, Some(o)) if o.starts_with("themes/") && !o.ends_with(BUILT_IN) => 1,
        (None, Some(o)) if o.starts_with("content/") => 2,
        (None, Some(o)) if o.starts_with("themes/") => 3,
        _ => 4,
    };
    if rank(first) < rank(second) {
        first
    } else {
        second
    }
}

/// The error for an output under the search index's folder.
fn in_search_folder(site: &Site, claim: &Claim) -> Diagnostic {
    let folder = search::BUNDLE;
    let d = Diagnostic::error(format!(
        "{} makes `/{}`, but `/{folder}/` is the search index's folder",
        describe(claim),
        claim.path
    ))
    .hint(hint(
        site,
        claim,
        &format!("oasis writes the search index into `/{folder}/` and nothing else may go there"),
    ));
    locate(d, claim)
}

/// The error for an output that needs a folder where another is a file, and
/// whether it is blamed on the file.
fn file_as_folder(site: &Site, file: &Claim, inside: &Claim) -> (Diagnostic, bool) {
    let how = if inside.path.starts_with(file.path) {
        ""
    } else {
        " (the names differ only in capital letters or in how accents are encoded)"
    };
    let d = Diagnostic::error(format!(
        "{} needs `/{}/` to be a folder (for `/{}`), but `/{}` is a file: {}{how}",
        describe(inside),
        file.path,
        inside.path,
        file.path,
        describe(file),
    ));
    let blamed = blamed(file, inside);
    let blames_file = std::ptr::eq(blamed, file);
    let why = if blames_file {
        format!("`/{}` must stay a folder", file.path)
    } else {
        format!("the site already has a file at `/{}`", file.path)
    };
    (
        locate(d.hint(hint(site, blamed, &why)), blamed),
        blames_file,
    )
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
    site: &Site,
) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for link in &document.body.site_links {
        let decoded = crate::load::document::percent_decode(&link.path).unwrap_or_default();
        let is_built = |raw: &str| {
            let path = raw.trim_start_matches('/');
            path.is_empty()
                || built.contains(path)
                || built.contains(format!("{}/index.html", path.trim_end_matches('/')).as_str())
        };
        let exists = is_built(&link.path) || is_built(&decoded);
        // `/preview/areas/derby/` written on a site published under
        // `/preview/`: the base path is added to every link.
        let base_path = site.config.base_path.as_str();
        let without_base = link
            .path
            .strip_prefix(base_path)
            .filter(|rest| base_path != "/" && is_built(rest));
        if !exists && let Some(d) = unpublished(site, &link.path, &decoded) {
            diagnostics.push(d.at(link.location.clone()));
        } else if !exists && let Some(rest) = without_base {
            diagnostics.push(
                Diagnostic::error(format!(
                    "the link `{}` starts with the site's base path, `{base_path}`, which oasis adds to every link itself",
                    link.path
                ))
                .at(link.location.clone())
                .hint(format!("write the address from the site's root: /{rest}")),
            );
        } else if !exists {
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

/// The error for a root-relative link to the address of a draft or a
/// scheduled document, which is not built today.
fn unpublished(site: &Site, path: &str, decoded: &str) -> Option<Diagnostic> {
    let same = |url: &str| {
        [path, decoded]
            .iter()
            .any(|p| p.trim_end_matches('/') == url.trim_end_matches('/'))
    };
    if let Some((url, file)) = site.drafts.iter().find(|(url, _)| same(url)) {
        return Some(
            Diagnostic::error(format!(
                "the link `{url}` goes to a draft (`{file}`), so it would be broken"
            ))
            .hint("publish it (remove `draft: true`) or remove the link for now"),
        );
    }
    let document = site.scheduled.iter().find(|d| same(&d.url))?;
    let when = document.date.map_or_else(String::new, |date| {
        format!(" for {}", crate::render::format_date(date))
    });
    Some(
        Diagnostic::error(format!(
            "the link `{}` goes to a document scheduled{when} (`{}`), so it would be broken until then",
            document.url, document.file
        ))
        .hint("link to it once it is published, or schedule both for the same day"),
    )
}

/// Root-relative links with an anchor (`/plans/derby/#early-years`) to a
/// page that shows a document's body, checked against the ids that page
/// has: the body's headings and footnotes and the theme's. Links to other
/// pages (lists, the timeline) are not: their ids are the theme's alone.
/// `by_url` is made on the first anchor met.
pub fn check_site_anchors<'a>(
    site: &'a Site,
    document: &Document,
    by_url: &std::cell::OnceCell<HashMap<&'a str, &'a Document>>,
) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for link in &document.body.site_links {
        let Some(anchor) = &link.anchor else { continue };
        let by_url =
            by_url.get_or_init(|| site.documents.iter().map(|d| (d.url.as_str(), d)).collect());
        let path = if link.path.ends_with('/') {
            link.path.clone()
        } else {
            format!("{}/", link.path)
        };
        let Some(target) = by_url.get(path.as_str()) else {
            continue;
        };
        let decoded = crate::load::document::percent_decode(anchor).unwrap_or_default();
        let ids = &target.body.ids;
        let known = |id: &str| {
            ids.iter().any(|i| i == id) || crate::markdown::theme_ids(target.kind).contains(&id)
        };
        if known(anchor) || known(&decoded) {
            continue;
        }
        let headings: Vec<&str> = target.body.headings.iter().map(|h| h.id.as_str()).collect();
        let suggestion = did_you_mean(anchor, headings.iter().copied());
        diagnostics.push(
            Diagnostic::error(format!(
                "the page `{}` has no heading `#{anchor}`",
                link.path
            ))
            .at(link.location.clone())
            .maybe_label(suggestion.map(|s| format!("did you mean `#{s}`?")))
            .hint(if headings.is_empty() {
                format!(
                    "`{}` has no headings to link to; link to the page without `#{anchor}`",
                    target.file
                )
            } else {
                format!(
                    "the headings of `{}` are: {}",
                    target.file,
                    headings
                        .iter()
                        .map(|h| format!("#{h}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }),
        );
    }
    diagnostics
}

/// The error for two outputs on one path, at the line that caused it when known.
fn collision(site: &Site, first: &Claim, second: &Claim) -> Diagnostic {
    // Names that look the same or differ only in case: say why they meet.
    let alike = match (first.owner, second.owner) {
        (Some(a), Some(b)) => a != b && fold(a) == fold(b),
        _ => false,
    };
    let how = if first.path != second.path || alike {
        " (the names differ only in capital letters or in how accents are encoded)"
    } else {
        ""
    };
    let same_owner = first.owner.is_some() && first.owner == second.owner;
    // `aliases: ["/announcements/x/"]` in `x.md`: its own address.
    let own_address = same_owner && is_alias(site, first) != is_alias(site, second);
    let d = if own_address {
        Diagnostic::error(format!(
            "this alias is {}'s own address, `/{}`{how}",
            describe(first),
            second.path.trim_end_matches("index.html")
        ))
    } else if same_owner {
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
    let blamed = blamed(first, second);
    let other = if std::ptr::eq(blamed, first) {
        second
    } else {
        first
    };
    let generated = first.owner.is_none() || second.owner.is_none();
    let d = d.hint(if own_address {
        "remove it: an alias is an old address that leads to the document, and the document is already here".to_string()
    } else if same_owner {
        "two of its addresses are the same page (`/old` and `/old/` are one address): remove one alias".to_string()
    } else if !is_document(other) && is_alias(site, blamed) {
        hint(site, blamed, "an alias cannot take the address of a page or file the site already has")
    } else if generated {
        hint(site, blamed, "oasis uses this address for one of its own pages")
    } else if is_document(first) && is_document(second) && !is_alias(site, blamed) {
        "give one of them another file name or `slug:`".to_string()
    } else {
        hint(site, blamed, "each address belongs to one page or file")
    });
    locate(d, blamed)
}

/// Case- and normalisation-insensitive form of an output path. Folding
/// keeps every `/` where it is, so the folded form of a folder is the
/// start of the folded forms of the paths in it.
fn fold(path: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    if path.is_ascii() {
        // Most paths: NFC leaves ASCII as it is.
        return path.to_ascii_lowercase();
    }
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
