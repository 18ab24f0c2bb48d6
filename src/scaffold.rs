//! `oasis new`: a new document with valid front matter.
//!
//! In: the site root, the kind of document, its title and the areas and
//! priorities it is about. Out: `content/<kind>s/<slug>.md` written with the
//! front matter that kind needs — today's date in the site's time zone
//! (`OASIS_TODAY` when set), the areas and priorities checked against
//! `site.toml` with a did-you-mean — and a placeholder summary and body to
//! replace; or diagnostics, and nothing written. An existing file is never
//! overwritten. The file passes `oasis check` as written.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::config::{Config, Overrides};
use crate::diagnostics::{Diagnostic, did_you_mean};
use crate::document::Kind;
use crate::load;
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
    write_new(&folder, &root.join(&relative), &relative, &text)?;
    Ok(relative)
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
    if new.areas.is_empty() {
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
    let mut check =
        |given: &[String], known: &[&str], (what, whats): (&str, &str), option: &str| {
            for slug in given.iter().filter(|s| !(what == "area" && *s == "all")) {
                if !known.contains(&slug.as_str()) {
                    let suggestion = did_you_mean(slug, known.iter().copied());
                    problems.push(Diagnostic::error(format!("unknown {what} `{slug}`")).hint(
                        match suggestion {
                            Some(s) => format!(
                                "did you mean {option} {s}? The {whats} in site.toml are: {}",
                                known.join(", ")
                            ),
                            None => format!("the {whats} in site.toml are: {}", known.join(", ")),
                        },
                    ));
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
        text.push_str(&format!(
            "summary: {}\n",
            quote(&format!(
                "One or two sentences about this {what}, shown in listings and feeds."
            ))
        ));
        if new.areas.iter().any(|a| a == "all") {
            text.push_str("areas: all\n");
        } else {
            text.push_str(&format!("areas: [{}]\n", new.areas.join(", ")));
        }
        if !new.priorities.is_empty() {
            text.push_str(&format!("priorities: [{}]\n", new.priorities.join(", ")));
        }
    } else {
        text.push_str(&format!(
            "summary: {}\n",
            quote("One or two sentences about this page, for search engines and link previews.")
        ));
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
