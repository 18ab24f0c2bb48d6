//! Render: the linked site to output files, in parallel.
//!
//! In: a [`Site`] and a [`Theme`]. Out: every [`OutputFile`] of SPEC §4 but
//! `/search/`'s index — pages, listings with pagination, area, priority and
//! timeline pages, Atom feeds, sitemap, robots.txt, 404, alias redirects,
//! theme static files and attachments — and diagnostics for template errors.
//! Each page is one job; jobs run on rayon's pool and HTML is minified in the
//! same job when the site asks for it. Every job's output path is known
//! before it runs ([`Renderer::place`]), so the paths are checked for
//! collisions ([`crate::link::collisions`]) before any file is handed on.

mod arguments;
pub mod context;
pub mod format;
pub mod minify;
pub mod theme;
pub mod watchdog;

use std::collections::HashMap;
use std::path::PathBuf;

use rayon::prelude::*;
use serde::Serialize;

use crate::config::{Area, Priority};
use crate::diagnostics::{Diagnostic, Location};
use crate::document::Kind;
use crate::link::{self, Claim, DocId, Site};

use self::context::*;
pub use self::format::format_date;
use self::minify::minify;
use self::theme::{StaticContent, Theme};

/// How many entries a feed carries.
pub const FEED_LIMIT: usize = 20;

/// How many related documents a document page lists.
const RELATED_LIMIT: usize = 5;

/// The output paths of the site-wide files that are not pages.
pub const SITE_FEED: &str = "feed.xml";
pub const SITEMAP: &str = "sitemap.xml";
pub const ROBOTS: &str = "robots.txt";

/// How many pages either side of the current one a listing links to.
const PAGE_NEIGHBOURS: usize = 2;

/// How many announcements the home page lists.
const HOME_LATEST: usize = 6;

/// One file of the built site.
#[derive(Debug)]
pub struct OutputFile {
    /// Path under the output folder, with `/`: `areas/derby/index.html`.
    pub path: String,
    pub content: OutputContent,
    /// The source file that made it, for collision messages.
    pub owner: Option<String>,
    /// The line that gave it this path (`slug:`, an alias), if not the file name.
    pub origin: Option<Location>,
}

#[derive(Debug)]
pub enum OutputContent {
    Bytes(Vec<u8>),
    Builtin(&'static [u8]),
    Copy(PathBuf),
    /// Already handed on (written to the staging folder by `oasis build`)
    /// by the [`Emit`] callback; only the path and owner are kept.
    Emitted,
}

/// What happens to each output file as soon as it is made, on the thread
/// that made it; what it returns is what [`render_with`] keeps.
pub type Emit<'e> = dyn Fn(OutputFile) -> Result<OutputFile, Diagnostic> + Sync + 'e;

impl OutputFile {
    /// The site path readers see: `/areas/derby/` for `areas/derby/index.html`.
    pub fn url_path(&self) -> String {
        match self.path.strip_suffix("index.html") {
            Some(dir) => format!("/{dir}"),
            None => format!("/{}", self.path),
        }
    }
}

/// Renders every page of the site, keeping every file in memory.
pub fn render(site: &Site, theme: &Theme) -> (Vec<OutputFile>, Vec<Diagnostic>) {
    let (outputs, diagnostics, _) = render_with(site, theme, &Ok);
    (outputs, diagnostics)
}

/// Renders every page of the site and hands each file to `emit` as soon as
/// it is made. `oasis build` writes it there and keeps only its path, so a
/// big site's pages are never all in memory at once.
/// Also returns the paths of the pages whose templates failed: they are
/// the site's pages all the same, and links to them are not broken.
pub fn render_with(
    site: &Site,
    theme: &Theme,
    emit: &Emit,
) -> (Vec<OutputFile>, Vec<Diagnostic>, Vec<String>) {
    let renderer = Renderer::new(site, theme, summaries(site));
    let jobs = renderer.jobs();
    let copied = copied_files(site, theme);
    // Every path is checked before any file is handed on: otherwise a page
    // whose folder is another's file (an alias `/feed.xml`) only fails when
    // it is written, with an I/O error that names neither source. On a
    // collision the pages are still rendered, to report every template
    // error of the run, but none is handed on.
    let places: Vec<Place> = jobs.par_iter().map(|job| renderer.place(job)).collect();
    let sitemap = Claim {
        path: SITEMAP,
        owner: None,
        origin: None,
    };
    let scheduled = scheduled_places(site);
    let mut diagnostics = link::collisions(
        site,
        places
            .iter()
            .map(Claim::from)
            .chain(std::iter::once(sitemap))
            .chain(copied.iter().map(Claim::from))
            .chain(scheduled.iter().map(Claim::from)),
    );
    let emit: &Emit = if diagnostics.is_empty() { emit } else { &Ok };
    let results: Vec<Result<OutputFile, Vec<Diagnostic>>> = jobs
        .par_iter()
        .map(|job| {
            renderer
                .run(job)
                .and_then(|file| emit(file).map_err(|d| vec![d]))
        })
        .collect();
    let mut outputs = Vec::with_capacity(results.len() + copied.len() + 1);
    let mut failed = Vec::new();
    for (result, place) in results.into_iter().zip(places) {
        match result {
            Ok(output) => outputs.push(output),
            Err(found) => {
                diagnostics.extend(found);
                failed.push(place.path);
            }
        }
    }
    match renderer
        .sitemap(&outputs)
        .and_then(|file| emit(file).map_err(|d| vec![d]))
    {
        Ok(output) => outputs.push(output),
        Err(found) => diagnostics.extend(found),
    }
    let emitted: Vec<Result<OutputFile, Diagnostic>> = copied.into_par_iter().map(emit).collect();
    for result in emitted {
        match result {
            Ok(output) => outputs.push(output),
            Err(found) => diagnostics.push(found),
        }
    }
    (outputs, diagnostics, failed)
}

/// Template errors with the page they were met on (`path` under the
/// output folder) and the file it comes from, if any.
fn on_page(errors: Vec<Diagnostic>, path: &str, owner: Option<&str>) -> Vec<Diagnostic> {
    let address = format!("/{}", path.strip_suffix("index.html").unwrap_or(path));
    let page = match owner {
        Some(file) => format!("{address} (from {file})"),
        None => address,
    };
    errors
        .into_iter()
        .map(|d| d.on_page(page.clone()))
        .collect()
}

/// What oasis makes at an output path that no source file makes, as
/// collision messages name it.
pub fn generated_name(path: &str) -> String {
    let feed_of = |folder: &str, what: &str| {
        path.strip_prefix(folder)
            .and_then(|rest| rest.strip_suffix("/feed.xml"))
            .filter(|slug| !slug.contains('/'))
            .map(|slug| format!("the Atom feed of the {what} `{slug}`"))
    };
    match path {
        SITE_FEED => "the site's Atom feed".to_string(),
        SITEMAP => "the sitemap".to_string(),
        ROBOTS => "the site's robots.txt".to_string(),
        _ => feed_of("areas/", "area")
            .or_else(|| feed_of("priorities/", "priority"))
            .unwrap_or_else(|| "a page oasis generates".to_string()),
    }
}

/// The [`DocSummary`] of every document, by [`DocId`], as template values.
pub fn summaries(site: &Site) -> Vec<tera::Value> {
    site.documents
        .par_iter()
        .map(|d| summary(&site.config, d))
        .collect()
}

/// One document's [`DocSummary`] as a template value.
pub fn summary(
    config: &crate::config::Config,
    document: &crate::document::Document,
) -> tera::Value {
    tera::Value::from_serializable(&DocSummary::new(config, document))
}

/// The outputs that are copied rather than rendered: the theme's static
/// files and the attachments under `content/`.
pub fn copied_files(site: &Site, theme: &Theme) -> Vec<OutputFile> {
    let mut copied = Vec::with_capacity(theme.static_files.len() + site.attachments.len());
    for file in &theme.static_files {
        // With `minify`, a theme's scripts are minified as its pages are
        // (the search script is fetched before a first result). One that
        // cannot be read is copied, and the write reports it.
        let script = (site.config.minify && file.path.ends_with(".js"))
            .then(|| match &file.content {
                StaticContent::Builtin(bytes) => Some(bytes.to_vec()),
                StaticContent::File(path) => std::fs::read(path).ok(),
            })
            .flatten();
        copied.push(OutputFile {
            path: file.path.clone(),
            content: match (script, &file.content) {
                (Some(script), _) => OutputContent::Bytes(minify::minify_script(&script)),
                (None, StaticContent::Builtin(bytes)) => OutputContent::Builtin(bytes),
                (None, StaticContent::File(path)) => OutputContent::Copy(path.clone()),
            },
            owner: Some(file.display.clone()),
            origin: None,
        });
    }
    for attachment in &site.attachments {
        copied.push(OutputFile {
            path: attachment.url.trim_start_matches('/').to_string(),
            content: OutputContent::Copy(attachment.source.clone()),
            owner: Some(attachment.file.clone()),
            origin: None,
        });
    }
    copied
}

/// One page to render.
pub enum Job<'a> {
    Home,
    Listing {
        kind: Kind,
        page: usize,
    },
    Document(DocId),
    Areas,
    Area(&'a Area),
    Priorities,
    Priority(&'a Priority),
    Timeline,
    TimelineYear(usize),
    SiteFeed,
    AreaFeed(&'a Area),
    PriorityFeed(&'a Priority),
    Search,
    Robots,
    NotFound,
    Alias {
        output: String,
        target: String,
        owner: String,
        origin: Option<Location>,
    },
}

/// Renders the pages of one site, one [`Job`] at a time. [`render`] runs
/// every job; `oasis serve` runs only the jobs whose inputs changed.
pub struct Renderer<'a> {
    site: &'a Site,
    theme: &'a Theme,
    tera: tera::Tera,
    /// A [`DocSummary`] of every document, by [`DocId`].
    summaries: Vec<tera::Value>,
}

#[derive(Serialize)]
struct HomeContext<'a> {
    page: PageMeta,
    intro: Option<IntroView<'a>>,
    latest: Vec<&'a tera::Value>,
    areas: Vec<AreaSummary>,
    priorities: Vec<PrioritySummary>,
    counts: Counts,
}

#[derive(Serialize)]
struct ListContext<'a> {
    page: PageMeta,
    kind: KindView,
    documents: Vec<&'a tera::Value>,
    pagination: Pagination,
}

#[derive(Serialize)]
struct DocumentContext<'a> {
    page: PageMeta,
    doc: DocView<'a>,
    related: Vec<&'a tera::Value>,
}

#[derive(Serialize)]
struct AreasContext {
    page: PageMeta,
    areas: Vec<AreaSummary>,
    chart: Chart,
}

#[derive(Serialize)]
struct AreaContext<'a> {
    page: PageMeta,
    area: AreaSummary,
    intro: Option<IntroView<'a>>,
    plans: Vec<&'a tera::Value>,
    project_groups: Vec<Group<'a>>,
    announcements: Vec<&'a tera::Value>,
    funding: FundingView,
    chart: Chart,
}

#[derive(Serialize)]
struct PrioritiesContext {
    page: PageMeta,
    priorities: Vec<PrioritySummary>,
}

#[derive(Serialize)]
struct PriorityContext<'a> {
    page: PageMeta,
    priority: PrioritySummary,
    intro: Option<IntroView<'a>>,
    plans: Vec<&'a tera::Value>,
    project_groups: Vec<Group<'a>>,
    announcements: Vec<&'a tera::Value>,
    funding: FundingView,
    chart: Chart,
}

#[derive(Serialize)]
struct TimelineContext<'a> {
    page: PageMeta,
    years: Vec<YearView<'a>>,
    milestones: Vec<Milestone>,
    /// The milestones laid out for the timeline picture.
    chart: TimelineChart,
}

#[derive(Serialize)]
struct TimelineYearContext<'a> {
    page: PageMeta,
    year: YearView<'a>,
    years: Vec<YearLink>,
}

#[derive(Serialize)]
struct FeedContext {
    feed: FeedView,
}

#[derive(Serialize)]
struct SitemapContext {
    urls: Vec<SitemapUrl>,
}

#[derive(Serialize)]
struct RobotsContext {
    sitemap_url: String,
}

#[derive(Serialize)]
struct PlainContext {
    page: PageMeta,
}

#[derive(Serialize)]
struct AliasContext {
    page: PageMeta,
    target: AliasTarget,
}

#[derive(Serialize)]
struct AliasTarget {
    url: String,
    absolute: String,
}

/// Where a page goes and what made it, for collision messages (see
/// [`OutputFile`]).
pub struct Place {
    pub path: String,
    pub owner: Option<String>,
    pub origin: Option<Location>,
}

/// Where the scheduled documents will go when they are published: their
/// pages and their aliases. Nothing is rendered there today; the paths are
/// checked for collisions with today's.
pub fn scheduled_places(site: &Site) -> Vec<Place> {
    let mut places = Vec::new();
    for document in &site.scheduled {
        if matches!(
            document.kind,
            Kind::Announcement | Kind::Plan | Kind::Project | Kind::Page
        ) {
            places.push(Place {
                path: format!("{}index.html", document.url.trim_start_matches('/')),
                owner: Some(document.file.clone()),
                origin: document.slug_location.clone(),
            });
        }
        places.extend(document.aliases.iter().map(|alias| Place {
            path: alias.output.trim_start_matches('/').to_string(),
            owner: Some(document.file.clone()),
            origin: Some(alias.location.clone()),
        }));
    }
    places
}

/// A page ready to render: where it goes, with which template and context.
/// The output is a function of the template, the `site` value every
/// template sees, this context and `minify`, nothing else.
pub struct Prepared {
    pub path: String,
    pub template: &'static str,
    pub context: tera::Context,
    pub owner: Option<String>,
    pub origin: Option<Location>,
}

impl<'a> Renderer<'a> {
    /// A renderer for `site`, given the [`summaries`] of its documents.
    pub fn new(site: &'a Site, theme: &'a Theme, summaries: Vec<tera::Value>) -> Self {
        let mut tera = theme.tera.clone();
        tera.global_context().insert("site", &SiteView::new(site));
        Renderer {
            site,
            theme,
            tera,
            summaries,
        }
    }

    /// Every page of the site, in output order.
    pub fn jobs(&self) -> Vec<Job<'a>> {
        let site = self.site;
        let config = &site.config;
        let mut jobs = vec![
            Job::Home,
            Job::Areas,
            Job::Priorities,
            Job::Timeline,
            Job::SiteFeed,
            Job::Search,
            Job::Robots,
            Job::NotFound,
        ];
        for kind in Kind::PUBLICATIONS {
            let count = site.by_kind.get(&kind).map_or(0, Vec::len);
            let pages = count.div_ceil(config.per_page).max(1);
            jobs.extend((1..=pages).map(|page| Job::Listing { kind, page }));
            jobs.push(Job::Alias {
                output: format!("/{}/page/1/index.html", kind.folder()),
                target: format!("/{}/", kind.folder()),
                owner: format!("the {} listing", kind.name()),
                origin: None,
            });
        }
        for (id, document) in site.documents.iter().enumerate() {
            if matches!(
                document.kind,
                Kind::Announcement | Kind::Plan | Kind::Project | Kind::Page
            ) {
                jobs.push(Job::Document(id));
            }
            for alias in &document.aliases {
                jobs.push(Job::Alias {
                    output: alias.output.clone(),
                    target: document.url.clone(),
                    owner: document.file.clone(),
                    origin: Some(alias.location.clone()),
                });
            }
        }
        for area in &config.areas {
            jobs.push(Job::Area(area));
            jobs.push(Job::AreaFeed(area));
        }
        for priority in &config.priorities {
            jobs.push(Job::Priority(priority));
            jobs.push(Job::PriorityFeed(priority));
        }
        jobs.extend((0..site.by_year.len()).map(Job::TimelineYear));
        jobs
    }

    /// The pages that show a document's body: its own page, or for an
    /// introduction the page it introduces. Every other page reads
    /// documents through their summaries and front matter only; `oasis
    /// serve` relies on this to re-render just these pages after an edit
    /// that leaves a document's front matter and headings as they were, so
    /// a new page that shows bodies must be listed here.
    pub fn body_readers(&self, id: DocId) -> Vec<Job<'a>> {
        let site = self.site;
        let document = site.document(id);
        match document.kind {
            Kind::Announcement | Kind::Plan | Kind::Project | Kind::Page => vec![Job::Document(id)],
            Kind::Home => vec![Job::Home],
            Kind::AreaIntro => site
                .config
                .areas
                .iter()
                .filter(|area| site.area_intros.get(&area.slug) == Some(&id))
                .map(Job::Area)
                .collect(),
            Kind::PriorityIntro => site
                .config
                .priorities
                .iter()
                .filter(|priority| site.priority_intros.get(&priority.slug) == Some(&id))
                .map(Job::Priority)
                .collect(),
        }
    }

    /// For a page made from one area's or one priority's documents (its
    /// page or its feed): the page's output path and those documents, its
    /// introduction included. Such a page's context is a function of these
    /// documents, the config and the build date only; `oasis serve` relies
    /// on this to keep the page without building its context when none of
    /// them changed, so a new input of these pages must be listed here.
    pub fn sources(&self, job: &Job) -> Option<(String, Vec<DocId>)> {
        let site = self.site;
        let with_intro = |ids: &[DocId], intro: Option<&DocId>| {
            ids.iter().chain(intro).copied().collect::<Vec<DocId>>()
        };
        let feed = |ids: &[DocId]| ids.iter().take(FEED_LIMIT).copied().collect();
        match job {
            Job::Area(area) => Some((
                format!("areas/{}/index.html", area.slug),
                with_intro(
                    site.by_area.get(&area.slug)?,
                    site.area_intros.get(&area.slug),
                ),
            )),
            Job::Priority(priority) => Some((
                format!("priorities/{}/index.html", priority.slug),
                with_intro(
                    site.by_priority.get(&priority.slug)?,
                    site.priority_intros.get(&priority.slug),
                ),
            )),
            Job::AreaFeed(area) => Some((
                format!("areas/{}/feed.xml", area.slug),
                feed(site.by_area.get(&area.slug)?),
            )),
            Job::PriorityFeed(priority) => Some((
                format!("priorities/{}/feed.xml", priority.slug),
                feed(site.by_priority.get(&priority.slug)?),
            )),
            _ => None,
        }
    }

    /// Renders one page.
    pub fn run(&self, job: &Job) -> Result<OutputFile, Vec<Diagnostic>> {
        self.finish(self.prepare(job)?)
    }

    /// Where one page goes and what made it, known without rendering it:
    /// [`render_with`] checks every page's place for collisions before it
    /// writes any.
    pub fn place(&self, job: &Job) -> Place {
        let site = self.site;
        let intro = |id: Option<&DocId>| id.map(|id| site.document(*id).file.clone());
        let (path, owner, origin) = match job {
            Job::Home => ("index.html".to_string(), intro(site.home.as_ref()), None),
            Job::Listing { kind, page } => (listing_path(*kind, *page), None, None),
            Job::Document(id) => {
                let document = site.document(*id);
                (
                    format!("{}index.html", document.url.trim_start_matches('/')),
                    Some(document.file.clone()),
                    document.slug_location.clone(),
                )
            }
            Job::Areas => ("areas/index.html".to_string(), None, None),
            Job::Area(area) => (
                format!("areas/{}/index.html", area.slug),
                intro(site.area_intros.get(&area.slug)),
                None,
            ),
            Job::Priorities => ("priorities/index.html".to_string(), None, None),
            Job::Priority(priority) => (
                format!("priorities/{}/index.html", priority.slug),
                intro(site.priority_intros.get(&priority.slug)),
                None,
            ),
            Job::Timeline => ("timeline/index.html".to_string(), None, None),
            Job::TimelineYear(index) => (
                format!("timeline/{}/index.html", site.by_year[*index].0),
                None,
                None,
            ),
            Job::SiteFeed => (SITE_FEED.to_string(), None, None),
            Job::AreaFeed(area) => (format!("areas/{}/feed.xml", area.slug), None, None),
            Job::PriorityFeed(priority) => {
                (format!("priorities/{}/feed.xml", priority.slug), None, None)
            }
            Job::Search => ("search/index.html".to_string(), None, None),
            Job::Robots => (ROBOTS.to_string(), None, None),
            Job::NotFound => ("404.html".to_string(), None, None),
            Job::Alias {
                output,
                owner,
                origin,
                ..
            } => (
                output.trim_start_matches('/').to_string(),
                Some(owner.clone()),
                origin.clone(),
            ),
        };
        Place {
            path,
            owner,
            origin,
        }
    }

    /// Builds one page's context without rendering it.
    pub fn prepare(&self, job: &Job) -> Result<Prepared, Vec<Diagnostic>> {
        let site = self.site;
        let config = &site.config;
        let (template, context) = match job {
            Job::Home => ("home.html", self.home()),
            Job::Listing { kind, page } => ("list.html", self.listing(*kind, *page)),
            Job::Document(id) => (site.document(*id).kind.template(), self.document(*id)),
            Job::Areas => ("areas.html", self.areas()),
            Job::Area(area) => ("area.html", self.area(area)),
            Job::Priorities => ("priorities.html", self.priorities()),
            Job::Priority(priority) => ("priority.html", self.priority(priority)),
            Job::Timeline => ("timeline.html", self.timeline()),
            Job::TimelineYear(index) => ("timeline_year.html", self.timeline_year(*index)),
            Job::SiteFeed => (
                "atom.xml",
                self.feed(config.title.clone(), "/", "/feed.xml", &site.publications),
            ),
            Job::AreaFeed(area) => (
                "atom.xml",
                self.feed(
                    format!("{}: {}", config.title, area.name),
                    &format!("/areas/{}/", area.slug),
                    &format!("/areas/{}/feed.xml", area.slug),
                    &site.by_area[&area.slug],
                ),
            ),
            Job::PriorityFeed(priority) => (
                "atom.xml",
                self.feed(
                    format!("{}: {}", config.title, priority.name),
                    &format!("/priorities/{}/", priority.slug),
                    &format!("/priorities/{}/feed.xml", priority.slug),
                    &site.by_priority[&priority.slug],
                ),
            ),
            Job::Search => (
                "search.html",
                context(&PlainContext {
                    page: self.meta(
                        "Search",
                        "Search the site",
                        "/search/",
                        vec![self.home_crumb()],
                        "search",
                        None,
                    ),
                }),
            ),
            Job::Robots => (
                "robots.txt",
                context(&RobotsContext {
                    sitemap_url: config.absolute_url("/sitemap.xml"),
                }),
            ),
            Job::NotFound => (
                "404.html",
                context(&PlainContext {
                    page: self.meta(
                        "Page not found",
                        "This page does not exist.",
                        "/404.html",
                        vec![self.home_crumb()],
                        "",
                        None,
                    ),
                }),
            ),
            Job::Alias { target, .. } => (
                "alias.html",
                context(&AliasContext {
                    page: self.meta(
                        "This page has moved",
                        "This page has moved.",
                        target,
                        vec![],
                        "",
                        None,
                    ),
                    target: AliasTarget {
                        url: config.link(target),
                        absolute: config.absolute_url(target),
                    },
                }),
            ),
        };
        let Place {
            path,
            owner,
            origin,
        } = self.place(job);
        let context =
            context.map_err(|e| on_page(self.theme.error(&e), &path, owner.as_deref()))?;
        Ok(Prepared {
            path,
            template,
            context,
            owner,
            origin,
        })
    }

    /// Renders a prepared page (and minifies it when the site asks for it).
    pub fn finish(&self, prepared: Prepared) -> Result<OutputFile, Vec<Diagnostic>> {
        let Prepared {
            path,
            template,
            context,
            owner,
            origin,
        } = prepared;
        let shown = self
            .theme
            .sources
            .get(template)
            .map_or(template, |source| source.display.as_str());
        let html = watchdog::watch(&path, shown, || self.tera.render(template, &context))
            .map_err(|e| on_page(self.theme.error(&e), &path, owner.as_deref()))?;
        let bytes = if self.site.config.minify && path.ends_with(".html") {
            minify(html.as_bytes())
        } else {
            html.into_bytes()
        };
        Ok(OutputFile {
            path,
            content: OutputContent::Bytes(bytes),
            owner,
            origin,
        })
    }

    fn summaries<'i>(&self, ids: impl IntoIterator<Item = &'i DocId>) -> Vec<&tera::Value> {
        ids.into_iter().map(|id| &self.summaries[*id]).collect()
    }

    fn home_crumb(&self) -> Crumb {
        Crumb {
            title: "Home".to_string(),
            url: self.site.config.link("/"),
        }
    }

    fn crumb(&self, title: &str, path: &str) -> Crumb {
        Crumb {
            title: title.to_string(),
            url: self.site.config.link(path),
        }
    }

    fn meta(
        &self,
        title: &str,
        description: &str,
        path: &str,
        breadcrumbs: Vec<Crumb>,
        section: &'static str,
        feed: Option<(String, &str)>,
    ) -> PageMeta {
        let config = &self.site.config;
        PageMeta {
            title: title.to_string(),
            description: description.to_string(),
            url: config.link(path),
            canonical: config.absolute_url(path),
            breadcrumbs,
            section,
            feed: feed.map(|(title, url)| FeedLink {
                title,
                url: config.link(url),
            }),
            og_type: "website",
        }
    }

    fn intro(&self, id: Option<&DocId>) -> Option<IntroView<'a>> {
        id.map(|id| {
            let d = self.site.document(*id);
            IntroView {
                title: &d.title,
                summary: d.summary.as_deref(),
                content: &d.body.html,
            }
        })
    }

    fn home(&self) -> tera::TeraResult<tera::Context> {
        let site = self.site;
        let config = &site.config;
        let intro = self.intro(site.home.as_ref());
        // The home page's summary, else the site's description, else (never
        // an empty description) what the site publishes.
        let description = site
            .home
            .and_then(|id| site.document(id).summary.clone())
            .or_else(|| {
                Some(&config.description)
                    .filter(|d| !d.trim().is_empty())
                    .cloned()
            })
            .unwrap_or_else(|| match config.areas.len() {
                1 => format!(
                    "{}: announcements, delivery plans and projects of {}.",
                    config.title, config.areas[0].name
                ),
                n => format!(
                    "{}: announcements, delivery plans and projects of {n} areas.",
                    config.title
                ),
            });
        let announcements = &site.by_kind[&Kind::Announcement];
        context(&HomeContext {
            page: self.meta(
                &config.title,
                &description,
                "/",
                vec![],
                "",
                Some((format!("{}: all publications", config.title), "/feed.xml")),
            ),
            intro,
            latest: self.summaries(announcements.iter().take(HOME_LATEST)),
            areas: config.areas.iter().map(|a| self.area_summary(a)).collect(),
            priorities: config
                .priorities
                .iter()
                .map(|p| self.priority_summary(p))
                .collect(),
            counts: self.counts(&site.publications),
        })
    }

    fn listing(&self, kind: Kind, page: usize) -> tera::TeraResult<tera::Context> {
        let config = &self.site.config;
        let ids = &self.site.by_kind[&kind];
        let per_page = config.per_page;
        let total = ids.len().div_ceil(per_page).max(1);
        let start = (page - 1) * per_page;
        let shown = &ids[start.min(ids.len())..(start + per_page).min(ids.len())];
        let url_of = |n: usize| config.link(&listing_url(kind, n));
        let (title, description, breadcrumbs) = if page == 1 {
            (
                kind.plural_title().to_string(),
                format!(
                    "{} from the Opportunity Areas programme, newest first.",
                    kind.plural_title()
                ),
                vec![self.home_crumb()],
            )
        } else {
            // Each page its own description, and a way back to the first.
            (
                format!("{} (page {page} of {total})", kind.plural_title()),
                format!(
                    "{} from the Opportunity Areas programme, newest first: page {page} of {total}.",
                    kind.plural_title()
                ),
                vec![
                    self.home_crumb(),
                    self.crumb(kind.plural_title(), &listing_url(kind, 1)),
                ],
            )
        };
        context(&ListContext {
            page: self.meta(
                &title,
                &description,
                &listing_url(kind, page),
                breadcrumbs,
                kind.folder(),
                Some((format!("{}: all publications", config.title), "/feed.xml")),
            ),
            kind: KindView {
                key: kind_key(kind),
                folder: kind.folder(),
                title: kind.plural_title(),
                url: url_of(1),
            },
            documents: self.summaries(shown),
            pagination: Pagination {
                current: page,
                total,
                previous_url: (page > 1).then(|| url_of(page - 1)),
                next_url: (page < total).then(|| url_of(page + 1)),
                pages: page_window(page, total)
                    .into_iter()
                    .scan(0, |previous, n| {
                        let gap_before = n > *previous + 1;
                        *previous = n;
                        Some(PageLink {
                            number: n,
                            url: url_of(n),
                            current: n == page,
                            gap_before,
                        })
                    })
                    .collect(),
                first_item: if shown.is_empty() { 0 } else { start + 1 },
                last_item: start + shown.len(),
                total_items: ids.len(),
            },
        })
    }

    fn document(&self, id: DocId) -> tera::TeraResult<tera::Context> {
        let site = self.site;
        let config = &site.config;
        let document = site.document(id);
        let mut breadcrumbs = vec![self.home_crumb()];
        let section = if document.kind == Kind::Page {
            ""
        } else {
            breadcrumbs.push(self.crumb(
                document.kind.plural_title(),
                &format!("/{}/", document.kind.folder()),
            ));
            document.kind.folder()
        };
        // Else the body's first words, which no other page has; else the
        // site's description; else the title: never empty.
        let description = document
            .summary
            .clone()
            .or_else(|| format::lead_text(&document.body.html, 160))
            .or_else(|| Some(config.description.clone()).filter(|d| !d.trim().is_empty()))
            .unwrap_or_else(|| document.title.clone());
        let mut page = self.meta(
            &document.title,
            &description,
            &document.url,
            breadcrumbs,
            section,
            None,
        );
        page.og_type = if document.kind.is_publication() {
            "article"
        } else {
            "website"
        };
        context(&DocumentContext {
            page,
            doc: DocView::new(config, document),
            related: self.summaries(self.related(id).iter()),
        })
    }

    /// Up to five other publications sharing an area or a priority, newest first.
    ///
    /// A document page is made of its document, the config and the summaries
    /// of these documents only: `oasis serve` reuses the page while all three
    /// are unchanged, so read any other document here, not in `document`.
    /// Up to [`RELATED_LIMIT`] other publications that share an area or a
    /// priority with `id`, the closest first: a shared priority counts
    /// three, a shared area one, and an area shared only because one of the
    /// two is for every area (`areas: all`) nothing, so that programme-wide
    /// news does not crowd out what is about the same place. Ties go to the
    /// newest. The candidates are the newest few of each of its areas and
    /// priorities, so the cost does not grow with the site.
    pub fn related(&self, id: DocId) -> Vec<DocId> {
        const CANDIDATES: usize = 4 * RELATED_LIMIT;
        let site = self.site;
        let document = site.document(id);
        if !document.kind.is_publication() {
            return Vec::new();
        }
        let mut candidates: Vec<DocId> = Vec::new();
        let lists = document
            .areas
            .iter()
            .filter_map(|a| site.by_area.get(a))
            .chain(
                document
                    .priorities
                    .iter()
                    .filter_map(|p| site.by_priority.get(p)),
            );
        for list in lists {
            candidates.extend(list.iter().filter(|other| **other != id).take(CANDIDATES));
        }
        candidates.sort_unstable();
        candidates.dedup();
        let score = |other: DocId| {
            let other = site.document(other);
            let priorities = other
                .priorities
                .iter()
                .filter(|p| document.priorities.contains(p))
                .count();
            let areas = if document.all_areas || other.all_areas {
                0
            } else {
                other
                    .areas
                    .iter()
                    .filter(|a| document.areas.contains(a))
                    .count()
            };
            3 * priorities + areas
        };
        let mut scored: Vec<(usize, DocId)> =
            candidates.into_iter().map(|c| (score(c), c)).collect();
        let order = |(score_a, a): &(usize, DocId), (score_b, b): &(usize, DocId)| {
            score_b
                .cmp(score_a)
                .then_with(|| crate::link::newest_first(site.document(*a), site.document(*b)))
                .then_with(|| a.cmp(b))
        };
        // The best few, then those in order: not every candidate sorted.
        if scored.len() > RELATED_LIMIT {
            scored.select_nth_unstable_by(RELATED_LIMIT - 1, order);
            scored.truncate(RELATED_LIMIT);
        }
        scored.sort_by(order);
        scored.into_iter().map(|(_, id)| id).collect()
    }

    fn counts(&self, ids: &[DocId]) -> Counts {
        let mut counts = Counts::default();
        for id in ids {
            match self.site.document(*id).kind {
                Kind::Announcement => counts.announcements += 1,
                Kind::Plan => counts.plans += 1,
                Kind::Project => counts.projects += 1,
                _ => {}
            }
        }
        counts.total = counts.announcements + counts.plans + counts.projects;
        counts
    }

    fn funding(&self, ids: &[DocId]) -> FundingView {
        let mut total = 0u64;
        let mut with_funding = 0;
        let mut shared = false;
        for id in ids {
            let document = self.site.document(*id);
            if let Some(amount) = document.project.as_ref().and_then(|p| p.funding) {
                total = total.saturating_add(amount);
                with_funding += 1;
                shared |= document.areas.len() > 1;
            }
        }
        FundingView {
            total: MoneyView::new(total),
            projects_with_funding: with_funding,
            includes_shared: shared,
        }
    }

    fn area_summary(&self, area: &Area) -> AreaSummary {
        let site = self.site;
        let ids = &site.by_area[&area.slug];
        AreaSummary {
            slug: area.slug.clone(),
            name: area.name.clone(),
            region: area.region.clone(),
            wave: area.wave,
            announced: area.announced.map(DateView::new),
            url: site.config.link(&format!("/areas/{}/", area.slug)),
            feed_url: site.config.link(&format!("/areas/{}/feed.xml", area.slug)),
            summary: site
                .area_intros
                .get(&area.slug)
                .and_then(|id| site.document(*id).summary.clone()),
            counts: self.counts(ids),
            funding: self.funding(ids).total,
        }
    }

    fn priority_summary(&self, priority: &Priority) -> PrioritySummary {
        let site = self.site;
        let ids = &site.by_priority[&priority.slug];
        PrioritySummary {
            slug: priority.slug.clone(),
            name: priority.name.clone(),
            name_in_sentence: in_sentence(&priority.name, &self.site.config),
            description: priority.description.clone(),
            url: site.config.link(&format!("/priorities/{}/", priority.slug)),
            feed_url: site
                .config
                .link(&format!("/priorities/{}/feed.xml", priority.slug)),
            summary: site
                .priority_intros
                .get(&priority.slug)
                .and_then(|id| site.document(*id).summary.clone()),
            counts: self.counts(ids),
            funding: self.funding(ids).total,
        }
    }

    /// A bar chart of `rows`: label, page and amount, `None` when none of
    /// the row's projects gives one (shown as such, not as £0).
    fn chart(&self, title: String, rows: Vec<ChartInput>) -> Chart {
        let max = rows.iter().filter_map(|r| r.2).max().unwrap_or(0);
        let total = rows
            .iter()
            .filter_map(|r| r.2)
            .fold(0u64, u64::saturating_add);
        Chart {
            title,
            rows: rows
                .into_iter()
                .map(|(label, url, value)| ChartRow {
                    label,
                    url,
                    percent: match value {
                        Some(value) if max > 0 => {
                            (value as f64 * 1000.0 / max as f64).round() / 10.0
                        }
                        _ => 0.0,
                    },
                    given: value.is_some(),
                    value: MoneyView::new(value.unwrap_or(0)),
                })
                .collect(),
            max: MoneyView::new(max),
            total: MoneyView::new(total),
        }
    }

    fn of_kind(&self, ids: &[DocId], kind: Kind) -> Vec<DocId> {
        ids.iter()
            .copied()
            .filter(|id| self.site.document(*id).kind == kind)
            .collect()
    }

    fn areas(&self) -> tera::TeraResult<tera::Context> {
        let config = &self.site.config;
        let areas: Vec<AreaSummary> = config.areas.iter().map(|a| self.area_summary(a)).collect();
        let chart = self.chart(
            "Listed project funding by area".to_string(),
            areas
                .iter()
                .zip(&config.areas)
                .map(|(a, area)| {
                    let given = self
                        .funding(&self.site.by_area[&area.slug])
                        .projects_with_funding
                        > 0;
                    (
                        a.name.clone(),
                        a.url.clone(),
                        given.then_some(a.funding.pounds),
                    )
                })
                .collect(),
        );
        context(&AreasContext {
            page: self.meta(
                "Areas",
                &match config.areas.len() {
                    1 => "The Opportunity Area and what was published for it.".to_string(),
                    n => format!("The {n} Opportunity Areas and what was published for each."),
                },
                "/areas/",
                vec![self.home_crumb()],
                "areas",
                None,
            ),
            areas,
            chart,
        })
    }

    fn area(&self, area: &Area) -> tera::TeraResult<tera::Context> {
        let site = self.site;
        let config = &site.config;
        let ids = &site.by_area[&area.slug];
        let projects = self.of_kind(ids, Kind::Project);
        let (mut groups, funding_rows) = self.project_groups(
            &projects,
            config
                .priorities
                .iter()
                .map(|p| (p.slug.as_str(), p.name.as_str(), "priorities")),
            |document, slug| document.priorities.iter().any(|p| p == slug),
        );
        let unprioritised: Vec<DocId> = projects
            .iter()
            .copied()
            .filter(|id| site.document(*id).priorities.is_empty())
            .collect();
        if !unprioritised.is_empty() {
            groups.push(Group {
                title: "Other projects".to_string(),
                url: None,
                documents: self.summaries(unprioritised.iter()),
            });
        }
        let intro_id = site.area_intros.get(&area.slug);
        let description = intro_id
            .and_then(|id| site.document(*id).summary.clone())
            .unwrap_or_else(|| {
                format!(
                    "Announcements, delivery plans and projects for {}.",
                    area.name
                )
            });
        let plans = self.of_kind(ids, Kind::Plan);
        let announcements = self.of_kind(ids, Kind::Announcement);
        context(&AreaContext {
            page: self.meta(
                &area.name,
                &description,
                &format!("/areas/{}/", area.slug),
                vec![self.home_crumb(), self.crumb("Areas", "/areas/")],
                "areas",
                Some((
                    format!("{}: {}", config.title, area.name),
                    &format!("/areas/{}/feed.xml", area.slug),
                )),
            ),
            area: self.area_summary(area),
            intro: self.intro(intro_id),
            plans: self.summaries(plans.iter()),
            project_groups: groups,
            announcements: self.summaries(announcements.iter()),
            funding: self.funding(&projects),
            chart: self.chart(
                format!("Listed project funding in {} by priority", area.name),
                funding_rows,
            ),
        })
    }

    /// `projects` grouped under each of `groups` (slug, name, and the
    /// folder of its page: `areas` or `priorities`) that they are `in`, in
    /// that order, leaving out empty groups; and for the funding chart, each
    /// group's name, page and listed funding.
    fn project_groups<'g>(
        &self,
        projects: &[DocId],
        groups: impl Iterator<Item = (&'g str, &'g str, &'g str)>,
        in_group: impl Fn(&crate::document::Document, &str) -> bool,
    ) -> (Vec<Group<'_>>, Vec<ChartInput>) {
        let config = &self.site.config;
        let mut found = Vec::new();
        let mut funding_rows = Vec::new();
        for (slug, name, folder) in groups {
            let members: Vec<DocId> = projects
                .iter()
                .copied()
                .filter(|id| in_group(self.site.document(*id), slug))
                .collect();
            if members.is_empty() {
                continue;
            }
            let url = config.link(&format!("/{folder}/{slug}/"));
            let funding = self.funding(&members);
            funding_rows.push((
                name.to_string(),
                url.clone(),
                (funding.projects_with_funding > 0).then_some(funding.total.pounds),
            ));
            found.push(Group {
                title: name.to_string(),
                url: Some(url),
                documents: self.summaries(members.iter()),
            });
        }
        (found, funding_rows)
    }

    fn priorities(&self) -> tera::TeraResult<tera::Context> {
        let config = &self.site.config;
        context(&PrioritiesContext {
            page: self.meta(
                "Priorities",
                "The priorities the Opportunity Areas work on.",
                "/priorities/",
                vec![self.home_crumb()],
                "priorities",
                None,
            ),
            priorities: config
                .priorities
                .iter()
                .map(|p| self.priority_summary(p))
                .collect(),
        })
    }

    fn priority(&self, priority: &Priority) -> tera::TeraResult<tera::Context> {
        let site = self.site;
        let config = &site.config;
        let ids = &site.by_priority[&priority.slug];
        let projects = self.of_kind(ids, Kind::Project);
        let (groups, funding_rows) = self.project_groups(
            &projects,
            config
                .areas
                .iter()
                .map(|a| (a.slug.as_str(), a.name.as_str(), "areas")),
            |document, slug| document.areas.iter().any(|a| a == slug),
        );
        let intro_id = site.priority_intros.get(&priority.slug);
        let description = intro_id
            .and_then(|id| site.document(*id).summary.clone())
            .or_else(|| priority.description.clone())
            .unwrap_or_else(|| {
                format!(
                    "Publications about {}.",
                    in_sentence(&priority.name, config)
                )
            });
        let plans = self.of_kind(ids, Kind::Plan);
        let announcements = self.of_kind(ids, Kind::Announcement);
        context(&PriorityContext {
            page: self.meta(
                &priority.name,
                &description,
                &format!("/priorities/{}/", priority.slug),
                vec![self.home_crumb(), self.crumb("Priorities", "/priorities/")],
                "priorities",
                Some((
                    format!("{}: {}", config.title, priority.name),
                    &format!("/priorities/{}/feed.xml", priority.slug),
                )),
            ),
            priority: self.priority_summary(priority),
            intro: self.intro(intro_id),
            plans: self.summaries(plans.iter()),
            project_groups: groups,
            announcements: self.summaries(announcements.iter()),
            funding: self.funding(&projects),
            chart: self.chart(
                format!(
                    "Listed project funding for {} by area",
                    in_sentence(&priority.name, config)
                ),
                funding_rows,
            ),
        })
    }

    fn year_view(&self, index: usize) -> YearView<'_> {
        let (year, ids) = &self.site.by_year[index];
        let mut months: Vec<MonthView> = Vec::new();
        for id in ids {
            let month = self.site.document(*id).date.map_or(1, |d| d.month());
            match months.last_mut() {
                Some(last) if last.number == month => last.documents.push(&self.summaries[*id]),
                _ => months.push(MonthView {
                    number: month,
                    name: crate::load::fields::month_name(month),
                    documents: vec![&self.summaries[*id]],
                }),
            }
        }
        YearView {
            year: *year,
            url: self.site.config.link(&format!("/timeline/{year}/")),
            count: ids.len(),
            months,
        }
    }

    fn timeline(&self) -> tera::TeraResult<tera::Context> {
        let site = self.site;
        let config = &site.config;
        let mut milestones: Vec<Milestone> = Vec::new();
        let mut announced: HashMap<jiff::civil::Date, Vec<&str>> = HashMap::new();
        for area in &config.areas {
            if let Some(date) = area.announced {
                announced.entry(date).or_default().push(&area.name);
            }
        }
        for (date, names) in announced {
            milestones.push(Milestone {
                date: DateView::new(date),
                label: format!(
                    "{} {} announced: {}",
                    names.len(),
                    if names.len() == 1 { "area" } else { "areas" },
                    names.join(", ")
                ),
                url: None,
                kind: "areas-announced",
                day: date,
            });
        }
        for id in &site.publications {
            let document = site.document(*id);
            if matches!(document.kind, Kind::Announcement | Kind::Plan)
                && let Some(date) = document.date
            {
                milestones.push(Milestone {
                    date: DateView::new(date),
                    label: document.title.clone(),
                    url: Some(config.link(&document.url)),
                    kind: kind_key(document.kind),
                    day: date,
                });
            }
        }
        milestones.sort_by(|a, b| {
            a.date
                .iso
                .cmp(&b.date.iso)
                .then_with(|| a.label.cmp(&b.label))
        });
        context(&TimelineContext {
            page: self.meta(
                "Timeline",
                "Everything the programme published, by year and month, newest first.",
                "/timeline/",
                vec![self.home_crumb()],
                "timeline",
                None,
            ),
            years: (0..site.by_year.len()).map(|i| self.year_view(i)).collect(),
            chart: TimelineChart::new(&milestones),
            milestones,
        })
    }

    fn timeline_year(&self, index: usize) -> tera::TeraResult<tera::Context> {
        let site = self.site;
        let year = site.by_year[index].0;
        context(&TimelineYearContext {
            page: self.meta(
                &format!("Timeline: {year}"),
                &format!("Everything the programme published in {year}, newest first."),
                &format!("/timeline/{year}/"),
                vec![self.home_crumb(), self.crumb("Timeline", "/timeline/")],
                "timeline",
                None,
            ),
            year: self.year_view(index),
            years: site
                .by_year
                .iter()
                .map(|(y, ids)| YearLink {
                    year: *y,
                    url: site.config.link(&format!("/timeline/{y}/")),
                    count: ids.len(),
                    current: *y == year,
                })
                .collect(),
        })
    }

    fn feed(
        &self,
        title: String,
        page: &str,
        path: &str,
        ids: &[DocId],
    ) -> tera::TeraResult<tera::Context> {
        let site = self.site;
        let config = &site.config;
        let tz = &config.timezone;
        let entries: Vec<FeedEntry> = ids
            .iter()
            .take(FEED_LIMIT)
            .map(|id| {
                let document = site.document(*id);
                let date = document.date.unwrap_or(site.today);
                let updated = document.last_updated().unwrap_or(date).max(date);
                FeedEntry {
                    title: document.title.clone(),
                    url: config.absolute_url(&document.url),
                    published: format::rfc3339(date, tz),
                    updated: format::rfc3339(updated, tz),
                    summary: document.summary.clone().unwrap_or_default(),
                    kind_title: kind_title(document.kind),
                    categories: document
                        .areas
                        .iter()
                        .filter_map(|a| config.area(a).map(|a| a.name.clone()))
                        .chain(
                            document
                                .priorities
                                .iter()
                                .filter_map(|p| config.priority(p).map(|p| p.name.clone())),
                        )
                        .collect(),
                }
            })
            .collect();
        let newest = ids
            .iter()
            .take(FEED_LIMIT)
            .filter_map(|id| {
                let d = site.document(*id);
                d.last_updated().max(d.date)
            })
            .max();
        // A feed with no entries is as recent as the site's newest
        // document, else the newest area; a site with neither has only the
        // programme's first year to go on.
        let updated = newest
            .or_else(|| {
                site.documents
                    .iter()
                    .filter_map(|d| d.last_updated().max(d.date))
                    .max()
            })
            .or_else(|| config.areas.iter().filter_map(|a| a.announced).max())
            .unwrap_or(jiff::civil::date(2016, 1, 1));
        context(&FeedContext {
            feed: FeedView {
                title,
                id: config.absolute_url(path),
                self_url: config.absolute_url(path),
                alternate_url: config.absolute_url(page),
                updated: format::rfc3339(updated, tz),
                entries,
            },
        })
    }

    /// The summary of one document, as listings see it.
    pub fn summary(&self, id: DocId) -> &tera::Value {
        &self.summaries[id]
    }

    /// Renders `sitemap.xml` from the other outputs.
    pub fn sitemap(&self, outputs: &[OutputFile]) -> Result<OutputFile, Vec<Diagnostic>> {
        self.finish(self.prepare_sitemap(outputs)?)
    }

    /// Builds the context of `sitemap.xml` from the other outputs.
    pub fn prepare_sitemap(&self, outputs: &[OutputFile]) -> Result<Prepared, Vec<Diagnostic>> {
        let site = self.site;
        let config = &site.config;
        let lastmod: HashMap<&str, jiff::civil::Date> = site
            .documents
            .iter()
            .filter_map(|d| {
                d.last_updated()
                    .max(d.date)
                    .map(|date| (d.url.as_str(), date))
            })
            .collect();
        // Alias redirects are not pages of their own.
        let aliases: std::collections::HashSet<&str> = site
            .documents
            .iter()
            .flat_map(|d| d.aliases.iter().map(|a| a.output.trim_start_matches('/')))
            .collect();
        let mut urls: Vec<SitemapUrl> = outputs
            .iter()
            .filter(|o| o.path.ends_with("index.html") && !o.path.ends_with("/page/1/index.html"))
            .filter(|o| !aliases.contains(o.path.as_str()))
            .map(|o| {
                let path = o.url_path();
                SitemapUrl {
                    loc: config.absolute_url(&path),
                    lastmod: lastmod.get(path.as_str()).map(|d| d.to_string()),
                }
            })
            .collect();
        urls.sort_by(|a, b| a.loc.cmp(&b.loc));
        let context = context(&SitemapContext { urls }).map_err(|e| self.theme.error(&e))?;
        Ok(Prepared {
            path: SITEMAP.to_string(),
            template: "sitemap.xml",
            context,
            owner: None,
            origin: None,
        })
    }
}

fn listing_url(kind: Kind, page: usize) -> String {
    if page == 1 {
        format!("/{}/", kind.folder())
    } else {
        format!("/{}/page/{page}/", kind.folder())
    }
}

/// The page numbers a listing's page links to: the first, the last, and
/// those within [`PAGE_NEIGHBOURS`] of the current one (and a page that
/// would be the only one left out between them). Listing every page would
/// make each page's size, and so the whole listing's, grow with the square
/// of the number of documents (3,000 pages of 3,000 links each at 60,000
/// announcements).
fn page_window(current: usize, total: usize) -> Vec<usize> {
    let near =
        current.saturating_sub(PAGE_NEIGHBOURS).max(1)..=(current + PAGE_NEIGHBOURS).min(total);
    let mut pages: Vec<usize> = Vec::with_capacity(2 * PAGE_NEIGHBOURS + 4);
    for n in std::iter::once(1).chain(near).chain(std::iter::once(total)) {
        match pages.last() {
            Some(&last) if n <= last => continue,
            Some(&last) if n == last + 2 => pages.push(last + 1),
            _ => {}
        }
        pages.push(n);
    }
    pages
}

fn listing_path(kind: Kind, page: usize) -> String {
    format!(
        "{}index.html",
        listing_url(kind, page).trim_start_matches('/')
    )
}

/// A bar chart's row before it is drawn: label, page, and amount (`None`
/// when none of the row's projects gives one).
type ChartInput = (String, String, Option<u64>);

fn context<T: Serialize>(value: &T) -> tera::TeraResult<tera::Context> {
    tera::Context::from_serialize(value)
}

/// A name written in sentence case ("Early years") as it reads inside a
/// sentence ("Publications about early years."): its first letter in lower
/// case, unless its first word is an acronym or otherwise has capitals
/// after its first letter ("STEM and the NHS", "GCSE results", "iPad
/// loans"), is a single letter ("A level choices", "I can"), names a place
/// of the site ("Blackpool pride": an area's name or region) or is a word
/// always written with a capital ("English and maths"). Only the first
/// letter changes: "Maths and English" becomes "maths and English", not
/// "maths and english".
pub fn in_sentence(name: &str, config: &crate::config::Config) -> String {
    const CAPITALISED: &[&str] = &[
        "English",
        "Welsh",
        "Scottish",
        "British",
        "French",
        "German",
        "Spanish",
        "Latin",
        "Mandarin",
        "Opportunity",
    ];
    let first_word = name.split_whitespace().next().unwrap_or_default();
    let mut letters = first_word.chars();
    let Some(first) = letters.next() else {
        return name.to_string();
    };
    let word = first_word.trim_end_matches(|c: char| !c.is_alphanumeric());
    let place = config.areas.iter().any(|area| {
        std::iter::once(area.name.as_str())
            .chain(area.region.as_deref())
            .any(|place| place.split_whitespace().any(|w| w == word))
    });
    if !first.is_uppercase()
        || letters.any(char::is_uppercase)
        || word.chars().count() == 1
        || place
        || CAPITALISED.contains(&word)
    {
        return name.to_string();
    }
    let rest = &name.trim_start()[first.len_utf8()..];
    first.to_lowercase().chain(rest.chars()).collect()
}

#[cfg(test)]
mod tests {
    use super::{in_sentence, page_window};

    #[test]
    fn names_read_inside_a_sentence_keep_their_acronyms_and_proper_nouns() {
        let config = crate::config::parse(
            "title = \"T\"\nbase_url = \"https://x.example/\"\n[[areas]]\nslug = \"blackpool\"\nname = \"Blackpool\"\nregion = \"North West\"\n",
            &crate::config::Overrides::default(),
        )
        .expect("a configuration");
        for (name, in_text) in [
            ("Early years", "early years"),
            (
                "Careers and the world of work",
                "careers and the world of work",
            ),
            ("Maths and English", "maths and English"),
            ("English and maths", "English and maths"),
            ("English, maths", "English, maths"),
            ("STEM and the NHS", "STEM and the NHS"),
            ("GCSE results", "GCSE results"),
            ("iPad loans", "iPad loans"),
            ("early years", "early years"),
            ("Élan", "élan"),
            ("", ""),
            ("A level choices", "A level choices"),
            ("I can do it", "I can do it"),
            ("Blackpool pride", "Blackpool pride"),
            ("Coastal schools", "coastal schools"),
        ] {
            assert_eq!(in_sentence(name, &config), in_text, "{name}");
        }
    }

    #[test]
    fn page_window_links_first_last_and_neighbours() {
        assert_eq!(page_window(1, 1), [1]);
        assert_eq!(page_window(3, 7), [1, 2, 3, 4, 5, 6, 7]);
        assert_eq!(page_window(1, 300), [1, 2, 3, 300]);
        assert_eq!(page_window(5, 8), [1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(page_window(150, 300), [1, 148, 149, 150, 151, 152, 300]);
        assert_eq!(page_window(300, 300), [1, 298, 299, 300]);
    }
}
