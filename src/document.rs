//! The site's documents as the rest of the pipeline sees them.
//!
//! A [`Document`] is one Markdown file under `content/` after loading: its
//! kind, address, validated front matter and rendered body. Internal links in
//! the body are still placeholders here; the link stage resolves them.

use jiff::civil::Date;

use crate::diagnostics::Location;
pub use crate::load::fields::{Change, Status};

/// What a Markdown file under `content/` is, by the folder it is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Announcement,
    Plan,
    Project,
    Page,
    AreaIntro,
    PriorityIntro,
    Home,
}

impl Kind {
    /// The three dated kinds, in the order the site lists them.
    pub const PUBLICATIONS: [Kind; 3] = [Kind::Announcement, Kind::Plan, Kind::Project];

    /// The folder under `content/` (and the URL prefix) of a kind.
    pub fn folder(self) -> &'static str {
        match self {
            Kind::Announcement => "announcements",
            Kind::Plan => "plans",
            Kind::Project => "projects",
            Kind::Page => "pages",
            Kind::AreaIntro => "areas",
            Kind::PriorityIntro => "priorities",
            Kind::Home => "",
        }
    }

    pub fn from_folder(folder: &str) -> Option<Kind> {
        [
            Kind::Announcement,
            Kind::Plan,
            Kind::Project,
            Kind::Page,
            Kind::AreaIntro,
            Kind::PriorityIntro,
        ]
        .into_iter()
        .find(|kind| kind.folder() == folder)
    }

    /// Announcements, plans and projects: dated, with areas and a summary.
    pub fn is_publication(self) -> bool {
        matches!(self, Kind::Announcement | Kind::Plan | Kind::Project)
    }

    /// The singular name used in templates and messages: `announcement`, `plan`…
    pub fn name(self) -> &'static str {
        match self {
            Kind::Announcement => "announcement",
            Kind::Plan => "plan",
            Kind::Project => "project",
            Kind::Page => "page",
            Kind::AreaIntro => "area introduction",
            Kind::PriorityIntro => "priority introduction",
            Kind::Home => "home page introduction",
        }
    }

    /// The name with its article: "an announcement", "a plan"…
    pub fn with_article(self) -> String {
        let name = self.name();
        let article = if name.starts_with(['a', 'e', 'i', 'o', 'u']) {
            "an"
        } else {
            "a"
        };
        format!("{article} {name}")
    }

    /// The heading of a kind's listing: `Announcements`, `Delivery plans`, `Projects`.
    pub fn plural_title(self) -> &'static str {
        match self {
            Kind::Announcement => "Announcements",
            Kind::Plan => "Delivery plans",
            Kind::Project => "Projects",
            Kind::Page => "Pages",
            Kind::AreaIntro => "Areas",
            Kind::PriorityIntro => "Priorities",
            Kind::Home => "Home",
        }
    }

    /// The template that renders one document of this kind.
    pub fn template(self) -> &'static str {
        match self {
            Kind::Announcement => "announcement.html",
            Kind::Plan => "plan.html",
            Kind::Project => "project.html",
            Kind::Page => "page.html",
            Kind::AreaIntro => "area.html",
            Kind::PriorityIntro => "priority.html",
            Kind::Home => "home.html",
        }
    }
}

/// One Markdown file, loaded and validated.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    pub kind: Kind,
    /// Path relative to the site root: `content/plans/derby.md`.
    pub file: String,
    /// Path relative to `content/`, as `@/` links name it: `plans/derby.md`.
    pub content_path: String,
    pub slug: String,
    /// Where `slug:` is set, when the front matter overrides the file name.
    pub slug_location: Option<Location>,
    /// The site path of the page: `/plans/derby/`.
    pub url: String,
    pub title: String,
    pub summary: Option<String>,
    pub date: Option<Date>,
    pub updated: Option<Date>,
    pub changes: Vec<Change>,
    /// `areas: all`
    pub all_areas: bool,
    /// Area slugs, declared in site.toml; every area when `all_areas`.
    pub areas: Vec<String>,
    pub priorities: Vec<String>,
    pub draft: bool,
    pub aliases: Vec<Alias>,
    pub extra: serde_yaml::Value,
    pub organisation: Option<String>,
    pub plan: Option<PlanDetails>,
    pub project: Option<ProjectDetails>,
    pub body: Body,
}

/// An old address that redirects to a document.
#[derive(Clone, Debug, PartialEq)]
pub struct Alias {
    /// Site path of the redirect page's file: `/old/derby/index.html`.
    pub output: String,
    pub location: Location,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct PlanDetails {
    pub starts: Option<Date>,
    pub ends: Option<Date>,
    pub document: Option<AttachedFile>,
}

/// A file attached to a plan: shown as "PDF, 2.1 MB".
#[derive(Clone, Debug, PartialEq)]
pub struct AttachedFile {
    pub url: String,
    pub file_type: String,
    pub size: u64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ProjectDetails {
    pub status: Status,
    pub funding: Option<u64>,
    pub funder: Option<String>,
    pub provider: Option<String>,
    pub partners: Vec<String>,
    pub starts: Option<Date>,
    pub ends: Option<Date>,
    pub website: Option<String>,
}

/// A rendered Markdown body.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Body {
    /// HTML; `@/` links are numbered placeholders (`href="@/0"`) until linked.
    pub html: String,
    pub headings: Vec<Heading>,
    /// `@/` links, in placeholder order.
    pub internal_links: Vec<InternalLink>,
    /// Root-relative links (`/areas/derby/`), checked against the built URLs.
    pub site_links: Vec<SiteLink>,
    /// Every id the body puts on its page (headings', footnotes'), sorted,
    /// for links to `…/#id` from other documents.
    pub ids: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// `[text](@/plans/derby.md#early-years)`
#[derive(Clone, Debug, PartialEq)]
pub struct InternalLink {
    /// Path relative to `content/`: `plans/derby.md`.
    pub path: String,
    pub anchor: Option<String>,
    pub location: Location,
}

/// `[text](/areas/derby/)`
#[derive(Clone, Debug, PartialEq)]
pub struct SiteLink {
    /// The path without query or fragment: `/areas/derby/`.
    pub path: String,
    /// The fragment, if any: `funding` for `/areas/derby/#funding`.
    pub anchor: Option<String>,
    pub location: Location,
}

impl Document {
    /// The date shown as "last updated": `updated`, or the newest change.
    pub fn last_updated(&self) -> Option<Date> {
        self.updated
            .or_else(|| self.changes.iter().map(|c| c.date).max())
    }
}
