//! The typed contexts templates are rendered with.
//!
//! Every template sees `site` ([`SiteView`]) and `page` ([`PageMeta`]);
//! each page type adds its own keys, listed in `docs/TEMPLATES.md`. Lists of
//! documents are [`DocSummary`] values converted once per build and shared
//! between listings (Tera values are reference-counted), so a listing costs
//! time in proportion to its length, never a copy of every document.

use jiff::civil::Date;
use serde::Serialize;

use crate::config::{Area, Config, Priority};
use crate::document::{Document, Kind};
use crate::link::Site;

use super::format::{format_date, format_money, format_size};

/// A date as templates show it.
#[derive(Clone, Debug, Serialize)]
pub struct DateView {
    /// "2017-10-09", for `<time datetime>`.
    pub iso: String,
    /// "9 October 2017"
    pub text: String,
    pub year: i16,
    pub month: i8,
    /// "October"
    pub month_name: &'static str,
}

impl DateView {
    pub fn new(date: Date) -> Self {
        DateView {
            iso: date.to_string(),
            text: format_date(date),
            year: date.year(),
            month: date.month(),
            month_name: crate::load::fields::month_name(date.month()),
        }
    }
}

/// An amount of money.
#[derive(Clone, Debug, Serialize)]
pub struct MoneyView {
    pub pounds: u64,
    /// "£22,000,000"
    pub text: String,
}

impl MoneyView {
    pub fn new(pounds: u64) -> Self {
        MoneyView {
            pounds,
            text: format_money(pounds),
        }
    }
}

/// A link to an area or a priority.
#[derive(Clone, Debug, Serialize)]
pub struct TermRef {
    pub slug: String,
    pub name: String,
    pub url: String,
}

/// A navigation entry of the header.
#[derive(Clone, Debug, Serialize)]
pub struct NavItem {
    /// Matches `page.section` on the pages of this section.
    pub key: &'static str,
    pub title: &'static str,
    pub url: String,
}

/// `site`: the same on every page.
#[derive(Clone, Debug, Serialize)]
pub struct SiteView {
    pub title: String,
    pub description: String,
    /// Absolute, ending in `/`.
    pub base_url: String,
    /// Prefix of every link: `/` or `/preview/`.
    pub base_path: String,
    pub language: String,
    /// The language as Open Graph writes a locale (`en_GB`), or `None` for
    /// a bare language oasis cannot place (the tag is then left out rather
    /// than wrong).
    pub og_locale: Option<String>,
    pub areas: Vec<TermRef>,
    pub priorities: Vec<TermRef>,
    pub nav: Vec<NavItem>,
    /// Link to the accessibility statement (`content/pages/accessibility.md`), if there is one.
    pub accessibility_url: Option<String>,
    /// Other standalone pages, for the footer.
    pub pages: Vec<TermRef>,
    pub feed_url: String,
    pub search_url: String,
    /// Prefix of the theme's static files (`/` or the base path).
    pub static_url: String,
    /// `[extra]` from site.toml.
    pub extra: serde_yaml::Value,
    pub generator: String,
}

/// A breadcrumb link.
#[derive(Clone, Debug, Serialize)]
pub struct Crumb {
    pub title: String,
    pub url: String,
}

/// A feed a page announces with `<link rel="alternate">`.
#[derive(Clone, Debug, Serialize)]
pub struct FeedLink {
    pub title: String,
    pub url: String,
}

/// `page`: what every page says about itself.
#[derive(Clone, Debug, Serialize)]
pub struct PageMeta {
    pub title: String,
    /// For `<meta name="description">` and Open Graph.
    pub description: String,
    /// Link to this page (under the base path).
    pub url: String,
    /// Absolute URL of this page.
    pub canonical: String,
    /// Parents of this page, from the home page down; empty on the home page.
    pub breadcrumbs: Vec<Crumb>,
    /// The navigation key this page belongs to (`areas`, `announcements`…), or "".
    pub section: &'static str,
    pub feed: Option<FeedLink>,
    /// "website" or "article", for Open Graph.
    pub og_type: &'static str,
}

/// A document in a list: everything a listing, a feed or a card needs.
#[derive(Clone, Debug, Serialize)]
pub struct DocSummary {
    /// "announcement", "plan", "project", "page"
    pub kind: &'static str,
    /// "Announcement", "Delivery plan", "Project"
    pub kind_title: &'static str,
    pub title: String,
    pub url: String,
    pub date: Option<DateView>,
    pub updated: Option<DateView>,
    pub summary: Option<String>,
    /// `areas: all`
    pub all_areas: bool,
    pub areas: Vec<TermRef>,
    pub priorities: Vec<TermRef>,
    pub organisation: Option<String>,
    /// Projects only: "planned", "active" or "completed".
    pub status: Option<&'static str>,
    /// Projects only: "Planned", "Active", "Completed".
    pub status_text: Option<&'static str>,
    pub funding: Option<MoneyView>,
    pub funder: Option<String>,
}

/// A change-history entry.
#[derive(Clone, Debug, Serialize)]
pub struct ChangeView {
    pub date: DateView,
    pub note: String,
}

/// A heading of a document's body.
#[derive(Clone, Debug, Serialize)]
pub struct HeadingView {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// The file a plan links to.
#[derive(Clone, Debug, Serialize)]
pub struct FileView {
    pub url: String,
    /// "PDF"
    pub file_type: String,
    pub size: u64,
    /// "2.1 MB"
    pub size_text: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct PlanView {
    pub starts: Option<DateView>,
    pub ends: Option<DateView>,
    pub document: Option<FileView>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ProjectView {
    pub status: &'static str,
    pub status_text: &'static str,
    pub funding: Option<MoneyView>,
    pub funder: Option<String>,
    pub provider: Option<String>,
    pub partners: Vec<String>,
    pub starts: Option<DateView>,
    pub ends: Option<DateView>,
    pub website: Option<String>,
}

/// `doc`: one whole document.
#[derive(Clone, Debug, Serialize)]
pub struct DocView<'a> {
    #[serde(flatten)]
    pub summary: DocSummary,
    /// The body as HTML (already safe).
    pub content: &'a str,
    pub headings: Vec<HeadingView>,
    /// Newest first.
    pub changes: Vec<ChangeView>,
    pub plan: Option<PlanView>,
    pub project: Option<ProjectView>,
    /// `extra:` from the front matter.
    pub extra: &'a serde_yaml::Value,
}

/// Counts of each kind of publication.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Counts {
    pub announcements: usize,
    pub plans: usize,
    pub projects: usize,
    pub total: usize,
}

/// An area with its counts and funding, for `/areas/` and area pages.
#[derive(Clone, Debug, Serialize)]
pub struct AreaSummary {
    pub slug: String,
    pub name: String,
    pub region: Option<String>,
    pub wave: Option<u8>,
    pub announced: Option<DateView>,
    pub url: String,
    pub feed_url: String,
    /// From `content/areas/<slug>.md`, if it has one.
    pub summary: Option<String>,
    pub counts: Counts,
    /// Sum of the funding of projects listed in this area.
    pub funding: MoneyView,
}

/// A priority with its counts and funding.
#[derive(Clone, Debug, Serialize)]
pub struct PrioritySummary {
    pub slug: String,
    pub name: String,
    /// The name as it reads inside a sentence: "early years", but "STEM
    /// and the NHS" and "maths and English" ([`in_sentence`]).
    ///
    /// [`in_sentence`]: super::in_sentence
    pub name_in_sentence: String,
    pub description: Option<String>,
    pub url: String,
    pub feed_url: String,
    pub summary: Option<String>,
    pub counts: Counts,
    pub funding: MoneyView,
}

/// An introduction file's title and body.
#[derive(Clone, Debug, Serialize)]
pub struct IntroView<'a> {
    pub title: &'a str,
    pub summary: Option<&'a str>,
    pub content: &'a str,
}

/// Bar-chart data: templates draw it as SVG and as a table.
#[derive(Clone, Debug, Serialize)]
pub struct Chart {
    pub title: String,
    pub rows: Vec<ChartRow>,
    pub max: MoneyView,
    pub total: MoneyView,
}

#[derive(Clone, Debug, Serialize)]
pub struct ChartRow {
    pub label: String,
    pub url: String,
    pub value: MoneyView,
    /// Share of the largest row, 0–100.
    pub percent: f64,
    /// Whether any of the row's projects gives an amount: when none does,
    /// `value` is £0 but the amount is not known.
    pub given: bool,
}

/// Projects under one heading of an area or priority page.
#[derive(Clone, Debug, Serialize)]
pub struct Group<'v> {
    pub title: String,
    pub url: Option<String>,
    pub documents: Vec<&'v tera::Value>,
}

/// What the funding total on an area or priority page is made of.
#[derive(Clone, Debug, Serialize)]
pub struct FundingView {
    pub total: MoneyView,
    /// How many listed projects give an amount.
    pub projects_with_funding: usize,
    /// Whether some counted projects also cover other areas (their whole amount is counted).
    pub includes_shared: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct Pagination {
    pub current: usize,
    pub total: usize,
    pub previous_url: Option<String>,
    pub next_url: Option<String>,
    pub pages: Vec<PageLink>,
    /// 1-based index of the first and last document shown, and how many there are.
    pub first_item: usize,
    pub last_item: usize,
    pub total_items: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct PageLink {
    pub number: usize,
    pub url: String,
    pub current: bool,
    /// Pages were left out before this one (show an ellipsis): a listing
    /// links to its first and last pages and those near the current one.
    pub gap_before: bool,
}

/// A listing's kind.
#[derive(Clone, Debug, Serialize)]
pub struct KindView {
    /// "announcement"
    pub key: &'static str,
    /// "announcements"
    pub folder: &'static str,
    /// "Announcements"
    pub title: &'static str,
    pub url: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct MonthView<'v> {
    pub number: i8,
    /// "October"
    pub name: &'static str,
    pub documents: Vec<&'v tera::Value>,
}

#[derive(Clone, Debug, Serialize)]
pub struct YearView<'v> {
    pub year: i16,
    pub url: String,
    pub count: usize,
    /// Newest month first.
    pub months: Vec<MonthView<'v>>,
}

#[derive(Clone, Debug, Serialize)]
pub struct YearLink {
    pub year: i16,
    pub url: String,
    pub count: usize,
    pub current: bool,
}

/// A dated event of the programme, for the timeline picture.
#[derive(Clone, Debug, Serialize)]
pub struct Milestone {
    pub date: DateView,
    pub label: String,
    pub url: Option<String>,
    /// "areas-announced", "plan", "announcement"
    pub kind: &'static str,
    /// The date itself, for placing the milestone on the chart's axis.
    #[serde(skip)]
    pub day: Date,
}

/// The programme's timeline as a picture: a time axis of whole years and
/// one lane per kind of milestone, with milestones of the same kind on the
/// same day drawn as one point. Positions are percentages of the axis, so
/// templates draw it without arithmetic.
#[derive(Clone, Debug, Serialize)]
pub struct TimelineChart {
    /// Every year the axis covers, oldest first.
    pub years: Vec<AxisYear>,
    /// Only kinds that have milestones, in the order
    /// areas named, delivery plans, announcements.
    pub lanes: Vec<TimelineLane>,
}

#[derive(Clone, Debug, Serialize)]
pub struct AxisYear {
    pub year: i16,
    /// Where the year starts on the axis, 0–100.
    pub start: f64,
    /// Where the middle of the year is, for its label.
    pub middle: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct TimelineLane {
    /// The milestones' `kind`.
    pub kind: &'static str,
    /// "Areas named", "Delivery plans published", "Announcements"
    pub title: &'static str,
    /// Oldest first.
    pub points: Vec<TimelinePoint>,
}

#[derive(Clone, Debug, Serialize)]
pub struct TimelinePoint {
    pub date: DateView,
    /// Position on the axis, 0–100.
    pub percent: f64,
    /// How many milestones fall on this day.
    pub count: usize,
    pub labels: Vec<String>,
}

impl TimelineChart {
    /// Lays out `milestones` (any order) on an axis from 1 January of the
    /// first year to 1 January after the last.
    pub fn new(milestones: &[Milestone]) -> Self {
        let (Some(first), Some(last)) = (
            milestones.iter().map(|m| m.day).min(),
            milestones.iter().map(|m| m.day).max(),
        ) else {
            return TimelineChart {
                years: Vec::new(),
                lanes: Vec::new(),
            };
        };
        let start = jiff::civil::date(first.year(), 1, 1);
        let end = jiff::civil::date(last.year().saturating_add(1), 1, 1);
        let days = |date: Date| start.until(date).map_or(0, |span| span.get_days());
        let length = f64::from(days(end).max(1));
        let percent = |date: Date| (f64::from(days(date)) * 1000.0 / length).round() / 10.0;
        let years = (first.year()..=last.year())
            .map(|year| {
                let from = jiff::civil::date(year, 1, 1);
                let to = jiff::civil::date(year.saturating_add(1), 1, 1);
                AxisYear {
                    year,
                    start: percent(from),
                    middle: ((percent(from) + percent(to)) * 5.0).round() / 10.0,
                }
            })
            .collect();
        let lanes = [
            ("areas-announced", "Areas named"),
            ("plan", "Delivery plans published"),
            ("announcement", "Announcements"),
        ]
        .into_iter()
        .filter_map(|(kind, title)| {
            let mut of_kind: Vec<&Milestone> =
                milestones.iter().filter(|m| m.kind == kind).collect();
            of_kind.sort_by(|a, b| a.day.cmp(&b.day).then_with(|| a.label.cmp(&b.label)));
            let mut points: Vec<TimelinePoint> = Vec::new();
            for milestone in of_kind {
                match points.last_mut() {
                    Some(point) if point.date.iso == milestone.date.iso => {
                        point.count += 1;
                        point.labels.push(milestone.label.clone());
                    }
                    _ => points.push(TimelinePoint {
                        date: milestone.date.clone(),
                        percent: percent(milestone.day),
                        count: 1,
                        labels: vec![milestone.label.clone()],
                    }),
                }
            }
            (!points.is_empty()).then_some(TimelineLane {
                kind,
                title,
                points,
            })
        })
        .collect();
        TimelineChart { years, lanes }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct FeedView {
    pub title: String,
    /// Absolute URL of the feed itself.
    pub id: String,
    pub self_url: String,
    /// Absolute URL of the page the feed belongs to.
    pub alternate_url: String,
    /// RFC 3339.
    pub updated: String,
    pub entries: Vec<FeedEntry>,
}

#[derive(Clone, Debug, Serialize)]
pub struct FeedEntry {
    pub title: String,
    pub url: String,
    pub published: String,
    pub updated: String,
    pub summary: String,
    pub kind_title: &'static str,
    pub categories: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct SitemapUrl {
    pub loc: String,
    pub lastmod: Option<String>,
}

pub fn kind_title(kind: Kind) -> &'static str {
    match kind {
        Kind::Announcement => "Announcement",
        Kind::Plan => "Delivery plan",
        Kind::Project => "Project",
        Kind::Page => "Page",
        Kind::AreaIntro => "Area",
        Kind::PriorityIntro => "Priority",
        Kind::Home => "Home",
    }
}

pub fn kind_key(kind: Kind) -> &'static str {
    match kind {
        Kind::Announcement => "announcement",
        Kind::Plan => "plan",
        Kind::Project => "project",
        Kind::Page => "page",
        Kind::AreaIntro => "area",
        Kind::PriorityIntro => "priority",
        Kind::Home => "home",
    }
}

pub fn area_ref(config: &Config, area: &Area) -> TermRef {
    TermRef {
        slug: area.slug.clone(),
        name: area.name.clone(),
        url: config.link(&format!("/areas/{}/", area.slug)),
    }
}

pub fn priority_ref(config: &Config, priority: &Priority) -> TermRef {
    TermRef {
        slug: priority.slug.clone(),
        name: priority.name.clone(),
        url: config.link(&format!("/priorities/{}/", priority.slug)),
    }
}

fn status_text(status: crate::document::Status) -> &'static str {
    match status {
        crate::document::Status::Planned => "Planned",
        crate::document::Status::Active => "Active",
        crate::document::Status::Completed => "Completed",
    }
}

impl DocSummary {
    pub fn new(config: &Config, document: &Document) -> Self {
        let areas = document
            .areas
            .iter()
            .filter_map(|slug| config.area(slug))
            .map(|area| area_ref(config, area))
            .collect();
        let priorities = document
            .priorities
            .iter()
            .filter_map(|slug| config.priority(slug))
            .map(|priority| priority_ref(config, priority))
            .collect();
        let project = document.project.as_ref();
        DocSummary {
            kind: kind_key(document.kind),
            kind_title: kind_title(document.kind),
            title: document.title.clone(),
            url: config.link(&document.url),
            date: document.date.map(DateView::new),
            updated: document.last_updated().map(DateView::new),
            summary: document.summary.clone(),
            all_areas: document.all_areas,
            areas,
            priorities,
            organisation: document.organisation.clone(),
            status: project.map(|p| p.status.as_str()),
            status_text: project.map(|p| status_text(p.status)),
            funding: project.and_then(|p| p.funding).map(MoneyView::new),
            funder: project.and_then(|p| p.funder.clone()),
        }
    }
}

impl<'a> DocView<'a> {
    pub fn new(config: &Config, document: &'a Document) -> Self {
        let mut changes: Vec<ChangeView> = document
            .changes
            .iter()
            .map(|c| ChangeView {
                date: DateView::new(c.date),
                note: c.note.clone(),
            })
            .collect();
        changes.sort_by(|a, b| b.date.iso.cmp(&a.date.iso));
        DocView {
            summary: DocSummary::new(config, document),
            content: &document.body.html,
            headings: document
                .body
                .headings
                .iter()
                .map(|h| HeadingView {
                    level: h.level,
                    id: h.id.clone(),
                    text: h.text.clone(),
                })
                .collect(),
            changes,
            plan: document.plan.as_ref().map(|plan| PlanView {
                starts: plan.starts.map(DateView::new),
                ends: plan.ends.map(DateView::new),
                document: plan.document.as_ref().map(|file| FileView {
                    url: crate::link::encode_path(&config.link(&file.url)).into_owned(),
                    file_type: file.file_type.clone(),
                    size: file.size,
                    size_text: format_size(file.size),
                }),
            }),
            project: document.project.as_ref().map(|p| ProjectView {
                status: p.status.as_str(),
                status_text: status_text(p.status),
                funding: p.funding.map(MoneyView::new),
                funder: p.funder.clone(),
                provider: p.provider.clone(),
                partners: p.partners.clone(),
                starts: p.starts.map(DateView::new),
                ends: p.ends.map(DateView::new),
                website: p.website.clone(),
            }),
            extra: &document.extra,
        }
    }
}

impl SiteView {
    pub fn new(site: &Site) -> Self {
        let config = &site.config;
        let nav = [
            ("areas", "Areas", "/areas/"),
            ("priorities", "Priorities", "/priorities/"),
            ("timeline", "Timeline", "/timeline/"),
            ("announcements", "Announcements", "/announcements/"),
            ("plans", "Plans", "/plans/"),
            ("projects", "Projects", "/projects/"),
            ("search", "Search", "/search/"),
        ]
        .into_iter()
        .map(|(key, title, url)| NavItem {
            key,
            title,
            url: config.link(url),
        })
        .collect();
        SiteView {
            title: config.title.clone(),
            description: config.description.clone(),
            base_url: config.base_url.clone(),
            base_path: config.base_path.clone(),
            language: config.language.clone(),
            og_locale: og_locale(&config.language),
            areas: config.areas.iter().map(|a| area_ref(config, a)).collect(),
            priorities: config
                .priorities
                .iter()
                .map(|p| priority_ref(config, p))
                .collect(),
            nav,
            accessibility_url: site
                .page_by_slug("accessibility")
                .map(|d| config.link(&d.url)),
            pages: site
                .pages
                .iter()
                .map(|id| site.document(*id))
                .map(|d| TermRef {
                    slug: d.slug.clone(),
                    name: d.title.clone(),
                    url: config.link(&d.url),
                })
                .collect(),
            feed_url: config.link("/feed.xml"),
            search_url: config.link("/search/"),
            static_url: config.base_path.clone(),
            extra: config.extra.clone(),
            generator: format!("oasis {}", env!("CARGO_PKG_VERSION")),
        }
    }
}

/// `language` as an Open Graph locale, `ll_TT`: `en-GB` → `en_GB`; a bare
/// language gets the territory it is most read in from a UK public body
/// (`en` → `en_GB`, `cy` → `cy_GB`), else `None`.
fn og_locale(language: &str) -> Option<String> {
    let mut parts = language.split('-');
    let lang = parts.next()?.to_ascii_lowercase();
    if let Some(region) = parts.find(|p| p.len() == 2 && p.chars().all(|c| c.is_ascii_alphabetic()))
    {
        return Some(format!("{lang}_{}", region.to_ascii_uppercase()));
    }
    let territory = match lang.as_str() {
        "en" | "cy" | "gd" => "GB",
        "ga" => "IE",
        "fr" => "FR",
        "de" => "DE",
        "es" => "ES",
        "it" => "IT",
        "pl" => "PL",
        "pt" => "PT",
        "nl" => "NL",
        "ur" => "PK",
        "pa" => "IN",
        "bn" => "BD",
        _ => return None,
    };
    Some(format!("{lang}_{territory}"))
}

#[cfg(test)]
mod og_locale_tests {
    use super::og_locale;

    /// Regression: `language = "cy"` gave `og:locale` "cy", not `ll_TT`.
    #[test]
    fn languages_become_open_graph_locales() {
        for (language, locale) in [
            ("en-GB", Some("en_GB")),
            ("en", Some("en_GB")),
            ("cy", Some("cy_GB")),
            ("cy-GB", Some("cy_GB")),
            ("zh-Hant-TW", Some("zh_TW")),
            ("eo", None),
        ] {
            assert_eq!(og_locale(language).as_deref(), locale, "{language}");
        }
    }
}
