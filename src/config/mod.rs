//! `site.toml`: the site's configuration, parsed strictly.
//!
//! In: the text of `site.toml`. Out: a [`Config`] with every default filled
//! in, or diagnostics pointing at the offending key (unknown keys get a
//! did-you-mean, slugs are checked for shape and uniqueness).

use std::collections::HashSet;
use std::ops::Range;

use jiff::civil::Date;
use serde::Deserialize;
use toml::Spanned;

use crate::diagnostics::{Diagnostic, SourceText, did_you_mean};

mod shape;
mod syntax;

pub const CONFIG_FILE: &str = "site.toml";

/// The site's configuration with defaults applied.
#[derive(Clone, Debug)]
pub struct Config {
    pub title: String,
    pub description: String,
    /// Absolute, always ending in `/`.
    pub base_url: String,
    /// The path part of `base_url`, always starting and ending in `/`.
    pub base_path: String,
    pub language: String,
    pub theme: String,
    pub timezone_name: String,
    pub timezone: jiff::tz::TimeZone,
    pub minify: bool,
    pub per_page: usize,
    pub unsafe_html: bool,
    pub areas: Vec<Area>,
    pub priorities: Vec<Priority>,
    /// Free-form data for custom templates (`[extra]`).
    pub extra: serde_yaml::Value,
}

/// An Opportunity Area, from `[[areas]]`.
#[derive(Clone, Debug)]
pub struct Area {
    pub slug: String,
    pub name: String,
    pub region: Option<String>,
    pub announced: Option<Date>,
    pub wave: Option<u8>,
}

/// A priority, from `[[priorities]]`.
#[derive(Clone, Debug)]
pub struct Priority {
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: Option<Spanned<String>>,
    description: Option<String>,
    base_url: Option<Spanned<String>>,
    language: Option<Spanned<String>>,
    theme: Option<Spanned<String>>,
    timezone: Option<Spanned<String>>,
    minify: Option<bool>,
    per_page: Option<Spanned<i64>>,
    markdown: Option<RawMarkdown>,
    #[serde(default)]
    areas: Vec<RawArea>,
    #[serde(default)]
    priorities: Vec<RawPriority>,
    extra: Option<toml::Table>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMarkdown {
    unsafe_html: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawArea {
    slug: Option<Spanned<String>>,
    name: Option<Spanned<String>>,
    region: Option<String>,
    announced: Option<Spanned<toml::value::Datetime>>,
    wave: Option<Spanned<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPriority {
    slug: Option<Spanned<String>>,
    name: Option<Spanned<String>>,
    description: Option<String>,
}

/// Options from the command line that change the configuration.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub base_url: Option<String>,
    pub no_minify: bool,
}

/// Parses `site.toml`. `text` is the file's content.
pub fn parse(text: &str, overrides: &Overrides) -> Result<Config, Vec<Diagnostic>> {
    match parse_partial(text, overrides) {
        (Some(config), errors) if !errors.iter().any(Diagnostic::is_error) => Ok(config),
        (_, errors) => Err(errors),
    }
}

/// Parses `site.toml` like [`parse`], and also gives a configuration when
/// it has mistakes that leave its areas and priorities as written (a
/// misspelt setting, a wrong type, an unknown time zone: the setting's
/// default stands in), so that the content can be checked against them and
/// every error of the run reported together. No configuration when the
/// TOML cannot be read or an area or priority is missing or broken: the
/// content would then name areas that seem unknown.
pub fn parse_partial(text: &str, overrides: &Overrides) -> (Option<Config>, Vec<Diagnostic>) {
    match parse_config(text, overrides) {
        Ok((config, errors, vocabulary_intact)) => (vocabulary_intact.then_some(config), errors),
        Err(errors) => (None, errors),
    }
}

/// The configuration, its errors, and whether its areas and priorities are
/// whole; `Err` when `site.toml` is not TOML or not in the shape of one.
fn parse_config(
    text: &str,
    overrides: &Overrides,
) -> Result<(Config, Vec<Diagnostic>, bool), Vec<Diagnostic>> {
    let source = SourceText::new(CONFIG_FILE, text);
    let mut document =
        toml::de::DeTable::parse(text).map_err(|e| vec![syntax::explain(&source, &e)])?;
    let mut errors = Vec::new();
    let removed = shape::check(document.get_mut(), &source, &mut errors);
    // A key whose value had the wrong type, or misspelt (`titel`), was
    // reported with the shape and is not reported again as missing.
    let removed: Vec<&str> = removed.iter().map(String::as_str).collect();
    let reported = |key: &str| removed.contains(&key) || shape::misspelt(key, &removed, shape::TOP);
    let raw = RawConfig::deserialize(toml::de::Deserializer::from(document))
        .map_err(|e| vec![syntax::explain(&source, &e)])?;
    let at = |span: Range<usize>| source.locate(span.start, span.end);

    let title = match &raw.title {
        Some(t) if !t.get_ref().trim().is_empty() => t.get_ref().trim().to_string(),
        Some(t) => {
            errors.push(
                Diagnostic::error("the site's `title` is empty")
                    .at(at(t.span()))
                    .field("title")
                    .hint("write the site's name, e.g. title = \"Opportunity Areas\""),
            );
            String::new()
        }
        None if reported("title") => String::new(),
        None => {
            errors.push(missing_key(
                "title",
                "title = \"Opportunity Areas\"",
                &source,
            ));
            String::new()
        }
    };

    let base_url = match (&overrides.base_url, &raw.base_url) {
        (Some(url), _) => match normalise_base_url(url) {
            Ok(url) => url,
            Err(why) => {
                errors.push(
                    Diagnostic::error(format!("`--base-url {url}` is not usable: {why}")).hint(
                        "pass an absolute address, e.g. --base-url https://example.org/preview/",
                    ),
                );
                String::new()
            }
        },
        (None, Some(url)) => match normalise_base_url(url.get_ref()) {
            Ok(url) => url,
            Err(why) => {
                errors.push(
                    Diagnostic::error(format!("`base_url` is not usable: {why}"))
                        .at(at(url.span()))
                        .field("base_url")
                        .hint("write the address the site is published at, e.g. base_url = \"https://opportunity-areas.example/\""),
                );
                String::new()
            }
        },
        (None, None) if reported("base_url") => String::new(),
        (None, None) => {
            errors.push(missing_key(
                "base_url",
                "base_url = \"https://opportunity-areas.example/\"",
                &source,
            ));
            String::new()
        }
    };
    let base_path = base_path_of(&base_url);
    let language = match &raw.language {
        None => "en-GB".to_string(),
        Some(language) => language_tag(language.get_ref().trim()).unwrap_or_else(|why| {
            let span = language.span();
            errors.push(
                Diagnostic::error(format!(
                    "`language` is not a language tag: `{}`",
                    language.get_ref()
                ))
                .at(source.locate(span.start, span.end))
                .field("language")
                .hint(format!(
                    "{why}; write the language the site is written in, e.g. language = \"en-GB\" (or \"cy\" for Welsh)"
                )),
            );
            "en-GB".to_string()
        }),
    };

    let timezone_name = raw
        .timezone
        .as_ref()
        .map_or("Europe/London".to_string(), |t| t.get_ref().clone());
    let timezone = match jiff::tz::TimeZone::get(&timezone_name) {
        Ok(tz) => tz,
        Err(_) => {
            let suggestion = nearest_time_zone(&timezone_name);
            let hint = match &suggestion {
                Some(name) => format!(
                    "write timezone = \"{name}\": time zones are named as in the IANA time zone database"
                ),
                None => {
                    "use a name from the IANA time zone database, e.g. timezone = \"Europe/London\""
                        .to_string()
                }
            };
            let message = if timezone_name.trim().is_empty() {
                "`timezone` is empty".to_string()
            } else {
                format!("unknown time zone `{timezone_name}`")
            };
            let mut d = Diagnostic::error(message)
                .field("timezone")
                .maybe_label(suggestion.map(|name| format!("did you mean `{name}`?")))
                .hint(hint);
            if let Some(t) = &raw.timezone {
                d = d.at(at(t.span()));
            }
            errors.push(d);
            jiff::tz::TimeZone::UTC
        }
    };

    let per_page = match &raw.per_page {
        None => 20,
        Some(n) if (1..=1000).contains(n.get_ref()) => *n.get_ref() as usize,
        Some(n) => {
            let (message, hint) = number_out_of_range("per_page", &n.get_ref().to_string());
            errors.push(
                Diagnostic::error(message)
                    .at(at(n.span()))
                    .field("per_page")
                    .hint(hint),
            );
            20
        }
    };

    let mut theme = raw
        .theme
        .as_ref()
        .map_or("opportunity".to_string(), |t| t.get_ref().clone());
    if let Some(t) = &raw.theme
        && !is_folder_name(t.get_ref())
    {
        errors.push(
            Diagnostic::error(format!(
                "the theme `{}` is not the name of a folder under themes/",
                t.get_ref()
            ))
            .at(at(t.span()))
            .field("theme")
            .hint("write only the folder's own name, without `/`, `\\` or `..`: for themes/my-theme/, theme = \"my-theme\""),
        );
        // Nothing outside themes/ is read: the templates are checked
        // against the built-in theme.
        theme = "opportunity".to_string();
    }

    // Errors from here on, and areas or priorities left out, break the
    // vocabulary the content is checked against.
    let errors_before_vocabulary = errors.len();
    let vocabulary_reported = reported("areas") || reported("priorities");
    let mut areas = Vec::new();
    let mut seen = HashSet::new();
    if raw.areas.is_empty() && !reported("areas") {
        errors.push(
            Diagnostic::error("site.toml declares no areas")
                .in_file(CONFIG_FILE)
                .field("areas")
                .hint("add at least one [[areas]] table with a slug and a name, e.g.\n[[areas]]\nslug = \"derby\"\nname = \"Derby\""),
        );
    }
    let mut area_names = HashSet::new();
    for raw_area in &raw.areas {
        // A missing slug or name was reported with the shape.
        let (Some(slug), Some(name)) = (&raw_area.slug, &raw_area.name) else {
            continue;
        };
        check_slug(slug, name, "area", &mut seen, &source, &mut errors);
        check_name(name, "area", &mut area_names, &source, &mut errors);
        let announced = raw_area.announced.as_ref().and_then(|d| {
            let date = toml_date(d.get_ref());
            if let Some(year) = date.map(|date| date.year())
                && !crate::load::fields::YEARS.contains(&year)
            {
                let (message, hint) =
                    crate::load::fields::year_out_of_range(&d.get_ref().to_string(), year);
                errors.push(
                    Diagnostic::error(format!("`announced`: {message}"))
                        .at(at(d.span()))
                        .field("announced")
                        .hint(hint),
                );
                return None;
            }
            date.or_else(|| {
                errors.push(
                    Diagnostic::error("`announced` must be a date")
                        .at(at(d.span()))
                        .field("announced")
                        .hint("write the date alone, without a time, e.g. announced = 2016-10-04"),
                );
                None
            })
        });
        let wave = raw_area
            .wave
            .as_ref()
            .and_then(|w| match u8::try_from(*w.get_ref()) {
                Ok(wave) if wave >= 1 => Some(wave),
                _ => {
                    let (message, hint) = number_out_of_range("wave", &w.get_ref().to_string());
                    errors.push(
                        Diagnostic::error(message)
                            .at(at(w.span()))
                            .field("wave")
                            .hint(hint),
                    );
                    None
                }
            });
        areas.push(Area {
            slug: slug.get_ref().clone(),
            name: name.get_ref().trim().to_string(),
            region: raw_area.region.clone(),
            announced,
            wave,
        });
    }

    let mut priorities = Vec::new();
    let mut seen = HashSet::new();
    let mut names = HashSet::new();
    for raw_priority in &raw.priorities {
        let (Some(slug), Some(name)) = (&raw_priority.slug, &raw_priority.name) else {
            continue;
        };
        check_slug(slug, name, "priority", &mut seen, &source, &mut errors);
        check_name(name, "priority", &mut names, &source, &mut errors);
        priorities.push(Priority {
            slug: slug.get_ref().clone(),
            name: name.get_ref().trim().to_string(),
            description: raw_priority.description.clone(),
        });
    }

    // `announced` and `wave` are about an area, not which areas there are.
    let vocabulary_intact = !vocabulary_reported
        && areas.len() == raw.areas.len()
        && priorities.len() == raw.priorities.len()
        && !errors[errors_before_vocabulary..]
            .iter()
            .any(|e| !matches!(e.field.as_deref(), Some("announced" | "wave")));
    let extra = raw.extra.map_or_else(
        || serde_yaml::Value::Mapping(Default::default()),
        |table| template_value(toml::Value::Table(table)),
    );
    let config = Config {
        title,
        description: raw.description.unwrap_or_default(),
        base_url,
        base_path,
        language,
        theme,
        timezone_name,
        timezone,
        minify: raw.minify.unwrap_or(true) && !overrides.no_minify,
        per_page,
        unsafe_html: raw.markdown.and_then(|m| m.unsafe_html).unwrap_or(false),
        areas,
        priorities,
        extra,
    };
    Ok((config, errors, vocabulary_intact))
}

impl Config {
    pub fn area(&self, slug: &str) -> Option<&Area> {
        self.areas.iter().find(|a| a.slug == slug)
    }

    pub fn priority(&self, slug: &str) -> Option<&Priority> {
        self.priorities.iter().find(|p| p.slug == slug)
    }

    /// The absolute URL of a site path such as `/areas/derby/`.
    pub fn absolute_url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path.trim_start_matches('/'))
    }

    /// The URL to put in links: the site path under the base path.
    pub fn link(&self, path: &str) -> String {
        format!("{}{}", self.base_path, path.trim_start_matches('/'))
    }
}

/// `[extra]` as templates see it, in the file's order: a date or time is
/// the text written in the file (`2024-01-01`), as in front matter.
fn template_value(value: toml::Value) -> serde_yaml::Value {
    use serde_yaml::Value as Y;
    match value {
        toml::Value::String(text) => Y::String(text),
        toml::Value::Integer(number) => Y::Number(number.into()),
        toml::Value::Float(number) => Y::Number(number.into()),
        toml::Value::Boolean(yes) => Y::Bool(yes),
        toml::Value::Datetime(datetime) => Y::String(datetime.to_string()),
        toml::Value::Array(items) => Y::Sequence(items.into_iter().map(template_value).collect()),
        toml::Value::Table(table) => Y::Mapping(
            table
                .into_iter()
                .map(|(key, value)| (Y::String(key), template_value(value)))
                .collect(),
        ),
    }
}

/// Whether `name` names one folder inside another: not empty, no path
/// separator, not `.` or `..` (nor hidden, as the walk skips those), no
/// control character.
fn is_folder_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 255
        && !name.starts_with('.')
        && !name.contains(['/', '\\', ':'])
        && !name.chars().any(char::is_control)
}

fn toml_date(datetime: &toml::value::Datetime) -> Option<Date> {
    match (datetime.date, datetime.time) {
        (Some(d), None) => Date::new(d.year as i16, d.month as i8, d.day as i8).ok(),
        _ => None,
    }
}

fn missing_key(key: &str, example: &str, source: &SourceText) -> Diagnostic {
    Diagnostic::error(format!("site.toml has no `{key}`"))
        .at(source.locate_line_col(1, 1, 1))
        .field(key)
        .hint(format!("add a line near the top, e.g. {example}"))
}

fn check_slug(
    slug: &Spanned<String>,
    name: &Spanned<String>,
    what: &str,
    seen: &mut HashSet<String>,
    source: &SourceText,
    errors: &mut Vec<Diagnostic>,
) {
    let span = slug.span();
    let value = slug.get_ref();
    if value == "all" {
        errors.push(
            Diagnostic::error(format!("`all` cannot be {} {what} slug", if what == "area" { "an" } else { "a" }))
                .at(source.locate(span.start, span.end))
                .field("slug")
                .hint(if what == "area" {
                    "`areas: all` in front matter means every area; give this one another slug".to_string()
                } else {
                    format!("`all` is kept from {what} slugs, as from area slugs, where `areas: all` means every area; give this one another slug")
                }),
        );
    } else if !is_slug(value) {
        // The slug made from what was written, else from the name: never
        // an example that repeats the mistake (`slug = ""`).
        let example = [value.as_str(), name.get_ref().as_str()]
            .into_iter()
            .map(crate::slug::slugify)
            .find(|example| is_slug(example))
            .unwrap_or_else(|| {
                if what == "area" {
                    "derby"
                } else {
                    "early-years"
                }
                .to_string()
            });
        let message = if value.trim().is_empty() {
            format!("this {what}'s `slug` is empty")
        } else {
            format!("{what} slug `{value}` is not a valid slug")
        };
        errors.push(
            Diagnostic::error(message)
                .at(source.locate(span.start, span.end))
                .field("slug")
                .hint(format!(
                    "the slug is the {what}'s name in web addresses and front matter: lower-case letters, digits and hyphens only, e.g. slug = \"{example}\""
                )),
        );
    } else if !seen.insert(value.clone()) {
        errors.push(
            Diagnostic::error(format!("{what} slug `{value}` is declared twice"))
                .at(source.locate(span.start, span.end))
                .field("slug")
                .hint(format!(
                    "each {what} needs its own slug; remove or rename one of them"
                )),
        );
    }
}

fn check_name(
    name: &Spanned<String>,
    what: &str,
    seen: &mut HashSet<String>,
    source: &SourceText,
    errors: &mut Vec<Diagnostic>,
) {
    let span = name.span();
    let value = name.get_ref().trim();
    if value.is_empty() {
        errors.push(
            Diagnostic::error(format!("{what} `name` is empty"))
                .at(source.locate(span.start, span.end))
                .field("name")
                .hint(format!("write the {what}'s name as readers should see it")),
        );
    } else if !seen.insert(value.to_lowercase()) {
        // Two rows of /areas/ or of a funding table would read the same.
        errors.push(
            Diagnostic::error(format!("{what} name `{value}` is declared twice"))
                .at(source.locate(span.start, span.end))
                .field("name")
                .hint(format!(
                    "each {what} needs its own name, as readers tell them apart by it; remove or rename one of them"
                )),
        );
    }
}

/// The site's language as a BCP 47 tag in its usual case (`en-GB` for
/// `en-gb`), or why it is not one. It goes in every page's `lang`, which
/// screen readers pick their voice by (WCAG 3.1.1), and in `og:locale`.
pub fn language_tag(text: &str) -> Result<String, &'static str> {
    let mut subtags = text.split('-');
    let primary = subtags.next().unwrap_or_default();
    if !(2..=3).contains(&primary.len()) || !primary.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(
            "it must start with a language code of two or three letters, such as `en` or `cy`",
        );
    }
    let mut tag = primary.to_ascii_lowercase();
    for subtag in subtags {
        if subtag.is_empty()
            || subtag.len() > 8
            || !subtag.bytes().all(|b| b.is_ascii_alphanumeric())
        {
            return Err(
                "each part after a hyphen must be one to eight letters or digits, as in `en-GB`",
            );
        }
        tag.push('-');
        match subtag.len() {
            // A region: `GB` (`419` has no case).
            2 if subtag.bytes().all(|b| b.is_ascii_alphabetic()) => {
                tag.push_str(&subtag.to_ascii_uppercase());
            }
            // A script: `Latn`.
            4 if subtag.bytes().all(|b| b.is_ascii_alphabetic()) => {
                tag.push_str(&subtag[..1].to_ascii_uppercase());
                tag.push_str(&subtag[1..].to_ascii_lowercase());
            }
            _ => tag.push_str(&subtag.to_ascii_lowercase()),
        }
    }
    Ok(tag)
}

/// Whether `key` takes `text` as its value: for the keys whose text has a
/// form (a time zone, an address, a language tag); any text for the others.
fn accepts_text(key: &str, text: &str) -> bool {
    match key {
        "timezone" => jiff::tz::TimeZone::get(text).is_ok(),
        "base_url" => normalise_base_url(text).is_ok(),
        "language" => language_tag(text).is_ok(),
        "slug" => is_slug(text) && text != "all",
        _ => true,
    }
}

/// The message and hint for a whole number outside what `key` allows;
/// `written` is the number as written.
fn number_out_of_range(key: &str, written: &str) -> (String, String) {
    let negative = written.trim_start().starts_with('-');
    let zero = written.trim_start_matches(['+', '-', '0', '_']).is_empty();
    match key {
        "wave" if negative || zero => (
            format!("`wave` must be a positive whole number, not {written}"),
            "waves are numbered from 1 to 255: 1 for the first six areas (2016), 2 for the second six (2017)".to_string(),
        ),
        "wave" => (
            format!("`wave` is too large: {written}"),
            "waves are numbered from 1 to 255: 1 for the first six areas (2016), 2 for the second six (2017)".to_string(),
        ),
        _ => (
            format!("`{key}` must be between 1 and 1000, not {written}"),
            format!(
                "the number of documents on each page of a listing, e.g. {key} = {}",
                shape::example_number(key)
            ),
        ),
    }
}

/// The time zone of the IANA database nearest to `name`, a name that is
/// not one: `London` → `Europe/London`, `Europe/Lndon` → `Europe/London`.
fn nearest_time_zone(name: &str) -> Option<String> {
    let name = name.trim();
    if name.is_empty() {
        return None;
    }
    let known: Vec<String> = jiff::tz::db()
        .available()
        .map(|zone| zone.as_str().to_string())
        .collect();
    // The city alone, or written with spaces (`New York`).
    let city = name.replace(' ', "_");
    if let Some(zone) = known.iter().find(|zone| {
        zone.eq_ignore_ascii_case(&city)
            || zone
                .rsplit_once('/')
                .is_some_and(|(_, last)| last.eq_ignore_ascii_case(&city))
    }) {
        return Some(zone.clone());
    }
    did_you_mean(&city, known.iter().map(String::as_str)).map(str::to_string)
}

/// Whether `text` is a URL segment made of `[a-z0-9-]`.
pub fn is_slug(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

pub fn normalise_base_url(url: &str) -> Result<String, &'static str> {
    let url = url.trim();
    // A scheme is case-insensitive; the address is written with it in lower case.
    let lowered;
    let url = match url.get(..8) {
        Some(start) if start.eq_ignore_ascii_case("https://") => {
            lowered = format!("https://{}", &url[8..]);
            lowered.as_str()
        }
        _ => match url.get(..7) {
            Some(start) if start.eq_ignore_ascii_case("http://") => {
                lowered = format!("http://{}", &url[7..]);
                lowered.as_str()
            }
            _ => url,
        },
    };
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or("it must start with https:// or http://")?;
    let host = rest.split('/').next().unwrap_or_default();
    if host.is_empty() {
        return Err("it has no host name");
    }
    if url.contains(['?', '#', ' ', '"', '<', '>', '\\']) {
        return Err("it may not contain spaces, quotes, `?` or `#`");
    }
    if host.contains('@') {
        // It would be printed in every page's canonical link.
        return Err("it may not contain a user name or password (`user:password@`)");
    }
    if !host.is_ascii() {
        // Feeds and the sitemap need the host as DNS knows it.
        return Err(
            "its host name has letters outside a–z: write it in its ASCII form (`xn--…`), as the site's domain registrar shows it",
        );
    }
    // `https://x.example//` would make every link `//areas/…`, which a
    // browser reads as another host; `.` and `..` would leave the site.
    let path = &rest[host.len()..];
    let segments = path.trim_start_matches('/');
    let segments = segments.strip_suffix('/').unwrap_or(segments);
    if path.starts_with("//")
        || (!segments.is_empty()
            && segments
                .split('/')
                .any(|segment| segment.is_empty() || segment == "." || segment == ".."))
    {
        return Err("its path may not have an empty, `.` or `..` part (`//`, `/./`, `/../`)");
    }
    // A path with letters outside ASCII (`/café/`) is percent-encoded, as
    // feeds and the sitemap require and browsers read it.
    let mut encoded = String::with_capacity(url.len());
    for c in url.chars() {
        if c.is_ascii() {
            encoded.push(c);
        } else {
            for byte in c.to_string().bytes() {
                encoded.push_str(&format!("%{byte:02X}"));
            }
        }
    }
    Ok(if encoded.ends_with('/') {
        encoded
    } else {
        format!("{encoded}/")
    })
}

fn base_path_of(base_url: &str) -> String {
    let after_scheme = base_url.split_once("://").map_or("", |(_, rest)| rest);
    match after_scheme.find('/') {
        Some(i) => after_scheme[i..].to_string(),
        None => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = "title = \"T\"\nbase_url = \"https://x.example/sub\"\n[[areas]]\nslug = \"derby\"\nname = \"Derby\"\n";

    #[test]
    fn fills_in_defaults() {
        let config = parse(MINIMAL, &Overrides::default()).unwrap();
        assert_eq!(config.base_url, "https://x.example/sub/");
        assert_eq!(config.base_path, "/sub/");
        assert_eq!(config.language, "en-GB");
        assert_eq!(config.per_page, 20);
        assert!(config.minify);
    }

    #[test]
    fn a_language_is_a_tag_in_its_usual_case() {
        assert_eq!(language_tag("en-GB").unwrap(), "en-GB");
        assert_eq!(language_tag("en-gb").unwrap(), "en-GB");
        assert_eq!(language_tag("CY").unwrap(), "cy");
        assert_eq!(language_tag("sr-latn-rs").unwrap(), "sr-Latn-RS");
        assert_eq!(language_tag("es-419").unwrap(), "es-419");
        for bad in [
            "",
            "english",
            "en_GB",
            "en-",
            "e",
            "en-GB-toolongsubtag",
            "en GB",
        ] {
            assert!(language_tag(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_base_url_must_stay_on_its_site() {
        for good in [
            "https://x.example",
            "https://x.example/",
            "https://x.example/sub",
            "https://x.example/a/b/",
            "http://localhost:1111/",
        ] {
            assert!(normalise_base_url(good).is_ok(), "{good}");
        }
        assert_eq!(
            normalise_base_url("HTTPS://x.example").unwrap(),
            "https://x.example/"
        );
        assert_eq!(
            normalise_base_url("https://x.example/café").unwrap(),
            "https://x.example/caf%C3%A9/"
        );
        assert!(normalise_base_url("https://bücher.example/").is_err());
        assert_eq!(
            normalise_base_url("Http://x.example/a").unwrap(),
            "http://x.example/a/"
        );
        for bad in [
            "https://x.example//",
            "https://x.example//sub/",
            "https://x.example/a//b/",
            "https://x.example/a/./b/",
            "https://x.example/../",
            "https://x.example/a/..",
            "https://user:pw@x.example/",
            "https://user@x.example/",
            "ftp://x.example/",
            "https:///sub/",
        ] {
            assert!(normalise_base_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn suggests_a_key_for_a_typo() {
        let text = MINIMAL.replace("title", "titel");
        let errors = parse(&text, &Overrides::default()).unwrap_err();
        assert_eq!(errors[0].message, "unknown key `titel` in site.toml");
        assert_eq!(errors[0].label.as_deref(), Some("did you mean `title`?"));
        assert_eq!(errors[0].location.as_ref().unwrap().line, 1);
    }

    #[test]
    fn rejects_a_duplicate_area_slug() {
        let text = format!("{MINIMAL}[[areas]]\nslug = \"derby\"\nname = \"Derby 2\"\n");
        let errors = parse(&text, &Overrides::default()).unwrap_err();
        assert_eq!(errors[0].message, "area slug `derby` is declared twice");
        assert_eq!(errors[0].location.as_ref().unwrap().line, 7);
    }

    // Regression: `title` after the last table was reported there and again as missing.
    #[test]
    fn a_setting_after_a_table_is_reported_once() {
        let text = "base_url = \"https://x.example/\"\n[[areas]]\nslug = \"derby\"\nname = \"Derby\"\ntitle = \"T\"\nunsafe_html = true\n";
        let errors = parse(text, &Overrides::default()).unwrap_err();
        let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "`title` is a site-wide setting, but here it is inside [[areas]]",
                "`unsafe_html` belongs in [markdown], not in [[areas]]",
            ]
        );
        assert!(
            errors[0]
                .hint
                .as_deref()
                .unwrap()
                .contains("above line 2 ([[areas]])"),
            "{:?}",
            errors[0].hint
        );
    }

    #[test]
    fn a_time_zone_is_suggested_from_the_database() {
        assert_eq!(
            nearest_time_zone("Europe/Lndon").as_deref(),
            Some("Europe/London")
        );
        assert_eq!(
            nearest_time_zone("london").as_deref(),
            Some("Europe/London")
        );
        assert_eq!(
            nearest_time_zone("New York").as_deref(),
            Some("America/New_York")
        );
        assert_eq!(nearest_time_zone(""), None);
        assert_eq!(nearest_time_zone("Somewhere else entirely"), None);
    }

    // Regression: `slug = ""` was told `e.g. slug = ""`.
    #[test]
    fn an_empty_slug_gets_an_example_made_from_the_name() {
        let text = MINIMAL.replace("slug = \"derby\"", "slug = \"\"");
        let errors = parse(&text, &Overrides::default()).unwrap_err();
        assert_eq!(errors[0].message, "this area's `slug` is empty");
        assert!(
            errors[0]
                .hint
                .as_deref()
                .unwrap()
                .ends_with("slug = \"derby\""),
            "{:?}",
            errors[0].hint
        );
    }

    // Regression: a number past what a whole number holds was the parser's
    // "invalid type: integer … as i128, expected i64", with a link to toml.io.
    #[test]
    fn a_wave_too_large_for_any_number_says_so() {
        for wave in ["99999999999", "99999999999999999999999"] {
            let text = format!("{MINIMAL}wave = {wave}\n");
            let errors = parse(&text, &Overrides::default()).unwrap_err();
            assert_eq!(errors[0].message, format!("`wave` is too large: {wave}"));
            assert!(
                errors[0].hint.as_deref().unwrap().contains("from 1 to 255"),
                "{:?}",
                errors[0].hint
            );
        }
    }

    // Regression: the parser's "recursion limit" was reported at 1:1.
    #[test]
    fn a_key_of_too_many_parts_is_located() {
        for key in [
            format!("[{}]", vec!["a"; 200].join(".")),
            format!("  {} = 1", vec!["b"; 90].join(" . ")),
        ] {
            let text = format!("{MINIMAL}\n{key}\n");
            let errors = parse(&text, &Overrides::default()).unwrap_err();
            assert_eq!(
                errors[0].message,
                "site.toml: a key or table header with more than 80 dotted parts"
            );
            let location = errors[0].location.as_ref().unwrap();
            assert_eq!(
                (location.line, location.column),
                (7, key.len() - key.trim_start().len() + 1),
                "{key}"
            );
        }
    }
}
