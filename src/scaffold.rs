//! `oasis new`: a new document with valid front matter.
//!
//! In: the site root, the kind of document, its title and the areas and
//! priorities it is about. Out: `content/<kind>s/<slug>.md` written with the
//! front matter that kind needs — today's date in the site's time zone
//! (`OASIS_TODAY` when set), the areas and priorities checked against
//! `site.toml` with a did-you-mean — and a placeholder summary and body to
//! replace; or diagnostics, and nothing written. An existing file is never
//! overwritten. The file passes `oasis check` as written: before it is
//! written, its text goes through the loader, and its address is checked
//! against every address the site already has (`address_taken`).

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::config::{Config, Overrides};
use crate::diagnostics::{Diagnostic, did_you_mean, invisible_control};
use crate::document::{Document, Kind};
use crate::link::{self, Claim, Site};
use crate::load::{self, LoadContext};
use crate::render::{self, Renderer, theme::Theme};
use crate::search;
use crate::slug::slugify;

/// What to create.
#[derive(Clone, Debug)]
pub struct NewDocument {
    /// Announcement, plan, project or page.
    pub kind: Kind,
    pub title: String,
    /// Area slugs, or `all`.
    pub areas: Vec<String>,
    pub priorities: Vec<String>,
}

/// The longest slug `oasis new` makes from a title, in characters: a whole
/// headline makes an unwieldy address, and a file name may have 255 bytes.
const SLUG_LENGTH: usize = 80;

/// `slug` cut after its last whole word within [`SLUG_LENGTH`].
fn shortened(slug: &str) -> String {
    if slug.len() <= SLUG_LENGTH {
        return slug.to_string();
    }
    let cut = &slug[..SLUG_LENGTH];
    match cut.rfind('-') {
        Some(end) if slug.as_bytes()[SLUG_LENGTH] != b'-' => cut[..end].to_string(),
        _ => cut.to_string(),
    }
}

/// Writes the new document under `root` and returns its path relative to
/// the root (`content/announcements/careers-fair.md`).
pub fn create(root: &Path, new: &NewDocument) -> Result<String, Vec<Diagnostic>> {
    let config = load::read_config(root, &Overrides::default())?;
    let date = load::today(&config).map_err(|d| vec![d])?;
    let mut problems = Vec::new();
    let title = new.title.trim();
    let slug = shortened(&slugify(title));
    if title.is_empty() {
        problems.push(Diagnostic::error("the title is empty").hint(
            "give the title in quotes, e.g. oasis new announcement \"Careers fair in Derby\"",
        ));
    } else if slug.is_empty() {
        problems.push(
            Diagnostic::error(format!(
                "the title `{title}` has no letters or digits to make a file name from"
            ))
            .hint("use a title with words in it; you can change the title in the file afterwards"),
        );
    } else if let Some(c) = invisible_control(title) {
        // The same test as the front matter's `title` (`load::fields`).
        problems.push(
            Diagnostic::error(format!(
                "the title contains an invisible control character (U+{:04X})",
                c as u32
            ))
            .hint("delete it from the title: pages and feeds cannot carry it"),
        );
    }
    problems.extend(check_terms(&config, new));
    if !problems.is_empty() {
        return Err(problems);
    }
    let relative = format!("content/{}/{slug}.md", new.kind.folder());
    let folder = root.join("content").join(new.kind.folder());
    if let Some(existing) = same_slug(&folder, &slug) {
        return Err(vec![
            Diagnostic::error(format!(
                "`content/{}/{existing}` already exists",
                new.kind.folder()
            ))
            .in_file(format!("content/{}/{existing}", new.kind.folder()))
            .hint("oasis new never overwrites a file: edit that one, or choose another title"),
        ]);
    }
    let text = front_matter(new, title, date);
    let document = as_loaded(&config, date, new.kind, &relative, &text)?;
    let taken = address_taken(root, config, date, &document);
    if !taken.is_empty() {
        return Err(taken);
    }
    write_new(&folder, &root.join(&relative), &relative, &text)?;
    Ok(relative)
}

/// The new file's text as `oasis check` will load it, or its errors, which
/// point at no line: the file is not written.
fn as_loaded(
    config: &Config,
    today: jiff::civil::Date,
    kind: Kind,
    relative: &str,
    text: &str,
) -> Result<Document, Vec<Diagnostic>> {
    let cx = LoadContext {
        config,
        attachments: &HashMap::new(),
        today,
        future: false,
        markdown: &Default::default(),
    };
    let content_path = relative.strip_prefix("content/").unwrap_or(relative);
    let (document, diagnostics) =
        load::load_bytes(text.as_bytes().to_vec(), relative, content_path, kind, &cx);
    let errors: Vec<Diagnostic> = diagnostics
        .into_iter()
        .filter(Diagnostic::is_error)
        .map(|mut d| {
            d.location = None;
            d
        })
        .collect();
    match document {
        Some(document) if errors.is_empty() => Ok(document),
        _ => Err(errors),
    }
}

/// The errors for a new document whose address the site already has: a
/// page oasis generates, another document (in a sub-folder, by `slug:`, or
/// scheduled or a draft), an alias, an attachment or a theme file, or the
/// search index's folder. The site is loaded and its pages placed as `oasis
/// check` does ([`Renderer::place`]), and the new page's place is checked
/// against each with [`link::collisions`], so the rules are the check's
/// own. Errors elsewhere in the site do not matter here: `oasis check`
/// reports them.
fn address_taken(
    root: &Path,
    config: Config,
    today: jiff::civil::Date,
    document: &Document,
) -> Vec<Diagnostic> {
    let options = load::Options {
        root: root.to_path_buf(),
        // A draft will be published at its address one day.
        drafts: true,
        future: false,
        overrides: Overrides::default(),
    };
    // Without it (no content/ folder yet) the site still has the pages
    // oasis generates.
    let (documents, attachments, scheduled) = match load::load(&options).0 {
        Some(loaded) => (loaded.documents, loaded.attachments, loaded.scheduled),
        None => Default::default(),
    };
    let mut site = link::index(root.to_path_buf(), config, today, documents, attachments);
    site.scheduled = scheduled;
    // Placing pages needs no templates; a broken theme only loses its
    // static files here, and `oasis check` reports it.
    let theme = render::theme::load(root, &site.config).unwrap_or_else(|_| Theme {
        tera: tera::Tera::new(),
        sources: Default::default(),
        static_files: Vec::new(),
        warnings: Vec::new(),
    });
    let renderer = Renderer::new(&site, &theme, Vec::new());
    let places: Vec<render::Place> = renderer
        .jobs()
        .iter()
        .map(|job| renderer.place(job))
        .collect();
    let copied = render::copied_files(&site, &theme);
    let scheduled = render::scheduled_places(&site);
    let sitemap = Claim {
        path: render::SITEMAP,
        owner: None,
        origin: None,
    };
    let claims = places
        .iter()
        .map(Claim::from)
        .chain(std::iter::once(sitemap))
        .chain(copied.iter().map(Claim::from))
        .chain(scheduled.iter().map(Claim::from));

    let path = format!("{}index.html", document.url.trim_start_matches('/'));
    let new = Claim {
        path: &path,
        owner: Some(&document.file),
        origin: None,
    };
    let start = format!("`{}` would be at `{}`", document.file, document.url);
    let hint = "choose another title (the file name and the address are made from it; you can change the title in the file afterwards)";
    if !link::collisions(&site, [new]).is_empty() {
        return vec![
            Diagnostic::error(format!(
                "{start}, inside `/{}/`, the search index's folder",
                search::BUNDLE
            ))
            .hint(format!(
                "oasis writes the search index there and nothing else: {hint}"
            )),
        ];
    }
    let mut problems = Vec::new();
    for claim in claims {
        // A claim that is wrong on its own (in the search index's folder)
        // is the site's problem, not the new document's.
        let together = link::collisions(&site, [claim, new]).len();
        if together == 0 || together == link::collisions(&site, [claim]).len() {
            continue;
        }
        let owner = describe(&site, &claim);
        let message = if claim.path == path {
            format!("{start}, which is already the address of {owner}")
        } else {
            format!(
                "{start}, which clashes with `/{}`, made by {owner}",
                claim.path
            )
        };
        let d = Diagnostic::error(message);
        let d = match (claim.origin, claim.owner) {
            (Some(origin), _) => d.at(origin.clone()),
            (None, Some(owner)) if owner.starts_with("content/") => d.in_file(owner),
            _ => d,
        };
        problems.push(d.hint(match claim.owner {
            None => format!("oasis uses this address for one of its own pages: {hint}"),
            Some(file) if link::is_alias(&site, &claim) => {
                format!("{hint}; or change the alias in `{file}`")
            }
            Some(_) => hint.to_string(),
        }));
    }
    problems
}

/// What makes an output, as the errors of `oasis new` name it.
fn describe(site: &Site, claim: &Claim) -> String {
    match claim.owner {
        None => render::generated_name(claim.path),
        Some(owner) if link::is_alias(site, claim) => format!("an alias in `{owner}`"),
        Some(owner) if owner.starts_with("content/") => format!("`{owner}`"),
        Some(owner) if owner.starts_with("themes/") => format!("the theme's file `{owner}`"),
        Some(owner) => owner.to_string(),
    }
}

/// Checks `--area` and `--priority` against site.toml and the kind.
fn check_terms(config: &Config, new: &NewDocument) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let areas: Vec<&str> = config.areas.iter().map(|a| a.slug.as_str()).collect();
    let priorities: Vec<&str> = config.priorities.iter().map(|p| p.slug.as_str()).collect();
    if !new.kind.is_publication() {
        if !new.areas.is_empty() || !new.priorities.is_empty() {
            problems.push(
                Diagnostic::error(format!("a {} has no areas or priorities", new.kind.name()))
                    .hint("leave out --area and --priority; they are for announcements, plans and projects"),
            );
        }
        return problems;
    }
    let all = new.areas.iter().any(|a| a == "all");
    if new.areas.is_empty() && new.kind == Kind::Plan {
        problems.push(
            Diagnostic::error("a new delivery plan needs its area").hint(format!(
                "pass --area SLUG, once: a plan is for exactly one area; the areas are: {}",
                areas.join(", ")
            )),
        );
    } else if new.areas.is_empty() {
        problems.push(
            Diagnostic::error(format!("a new {} needs at least one area", new.kind.name())).hint(
                format!(
                    "pass --area SLUG (repeat it for more, or --area all); the areas are: {}",
                    areas.join(", ")
                ),
            ),
        );
    } else if new.kind == Kind::Plan && (all || new.areas.len() != 1) {
        problems.push(
            Diagnostic::error("a delivery plan is for exactly one area")
                .hint("pass --area once, e.g. --area derby"),
        );
    } else if all && new.areas.len() > 1 {
        problems.push(
            Diagnostic::error("`--area all` already means every area")
                .hint("pass either --area all or the areas one by one"),
        );
    }
    let mut check = |given: &[String],
                     known: &[&str],
                     (what, whats): (&str, &str),
                     option: &str| {
        for slug in given.iter().filter(|s| !(what == "area" && *s == "all")) {
            if !known.contains(&slug.as_str()) {
                let parts: Vec<&str> = slug
                    .split([',', ' ', ';'])
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .collect();
                let lower = slug.to_lowercase();
                let hint = if parts.len() > 1 {
                    // `--area derby,oldham`: one option for each.
                    format!(
                        "give each {what} its own {option}: {}",
                        parts
                            .iter()
                            .map(|p| format!("{option} {p}"))
                            .collect::<Vec<_>>()
                            .join(" ")
                    )
                } else if slug.trim().is_empty() {
                    format!(
                        "write the {what}'s slug after {option}; the {whats} in site.toml are: {}",
                        known.join(", ")
                    )
                } else if what == "area" && lower == "all" {
                    format!("write it in lower case: {option} all")
                } else if known.contains(&lower.as_str()) {
                    format!("slugs are in lower case: {option} {lower}")
                } else {
                    match did_you_mean(slug, known.iter().copied()) {
                        Some(s) => format!(
                            "did you mean {option} {s}? The {whats} in site.toml are: {}",
                            known.join(", ")
                        ),
                        None => format!("the {whats} in site.toml are: {}", known.join(", ")),
                    }
                };
                problems.push(Diagnostic::error(format!("unknown {what} `{slug}`")).hint(hint));
            }
        }
    };
    check(&new.areas, &areas, ("area", "areas"), "--area");
    check(
        &new.priorities,
        &priorities,
        ("priority", "priorities"),
        "--priority",
    );
    let mut seen = std::collections::HashSet::new();
    for slug in new.areas.iter().chain(&new.priorities) {
        if !seen.insert(slug) {
            problems.push(
                Diagnostic::error(format!("`{slug}` is given twice"))
                    .hint("give each area and priority once"),
            );
        }
    }
    problems
}

/// An existing Markdown file in `folder` whose name makes the same slug.
fn same_slug(folder: &Path, slug: &str) -> Option<String> {
    let entries = std::fs::read_dir(folder).ok()?;
    entries.flatten().find_map(|entry| {
        let name = entry.file_name().to_string_lossy().into_owned();
        let stem = name
            .strip_suffix(".md")
            .or_else(|| name.strip_suffix(".MD"))?;
        (slugify(stem) == slug).then_some(name)
    })
}

/// The example summaries [`front_matter`] writes, one for each kind.
fn example_summary(what: &str) -> String {
    if what == "page" {
        "One or two sentences about this page, for search engines and link previews.".to_string()
    } else {
        format!("One or two sentences about this {what}, shown in listings and feeds.")
    }
}

/// Whether `summary` is still one of the examples `oasis new` writes.
pub fn is_example_summary(summary: &str) -> bool {
    ["announcement", "delivery plan", "project", "page"]
        .iter()
        .any(|what| summary.trim() == example_summary(what))
}

/// The file's text: front matter for the kind and a placeholder body.
fn front_matter(new: &NewDocument, title: &str, date: jiff::civil::Date) -> String {
    let mut text = String::from("---\n");
    text.push_str(&format!("title: {}\n", quote(title)));
    let what = match new.kind {
        Kind::Announcement => "announcement",
        Kind::Plan => "delivery plan",
        Kind::Project => "project",
        _ => "page",
    };
    if new.kind.is_publication() {
        text.push_str(&format!("date: {date}\n"));
        text.push_str(&format!("summary: {}\n", quote(&example_summary(what))));
        if new.areas.iter().any(|a| a == "all") {
            text.push_str("areas: all\n");
        } else {
            text.push_str(&format!("areas: [{}]\n", new.areas.join(", ")));
        }
        if !new.priorities.is_empty() {
            text.push_str(&format!("priorities: [{}]\n", new.priorities.join(", ")));
        }
    } else {
        text.push_str(&format!("summary: {}\n", quote(&example_summary(what))));
    }
    if new.kind == Kind::Project {
        text.push_str("status: planned\n");
    }
    text.push_str("---\n\n");
    text.push_str(&format!("Write the {what} here.\n"));
    text
}

/// A YAML double-quoted string (JSON strings are valid YAML).
fn quote(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| format!("\"{}\"", text.replace(['"', '\\'], "")))
}

/// Creates the file, refusing to replace one that exists.
fn write_new(
    folder: &Path,
    path: &PathBuf,
    relative: &str,
    text: &str,
) -> Result<(), Vec<Diagnostic>> {
    let io = |action: &str, error: std::io::Error| {
        vec![
            Diagnostic::error(format!("could not {action} `{relative}`: {error}"))
                .hint("check that you may write in the site's content/ folder"),
        ]
    };
    std::fs::create_dir_all(folder).map_err(|e| io("create the folder of", e))?;
    let mut file = match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
    {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(vec![
                Diagnostic::error(format!("`{relative}` already exists"))
                    .in_file(relative)
                    .hint(
                        "oasis new never overwrites a file: edit that one, or choose another title",
                    ),
            ]);
        }
        Err(error) => return Err(io("create", error)),
    };
    file.write_all(text.as_bytes()).map_err(|e| io("write", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_titles_as_yaml() {
        assert_eq!(
            quote("Derby's \"new\" plan: 2017\\18"),
            r#""Derby's \"new\" plan: 2017\\18""#
        );
    }
    #[test]
    fn a_long_title_makes_a_slug_of_whole_words() {
        let title = "the opportunity area programme ".repeat(10);
        let slug = shortened(&slugify(&title));
        assert!(slug.len() <= SLUG_LENGTH, "{slug}");
        assert!(slug.starts_with("the-opportunity-area-programme-the-"));
        assert!(!slug.ends_with('-'));
        assert!(title.replace(' ', "-").starts_with(&slug));
        assert_eq!(shortened("derby-careers-fair"), "derby-careers-fair");
        assert_eq!(shortened(&"a".repeat(100)), "a".repeat(SLUG_LENGTH));
    }
}
