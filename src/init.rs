//! `oasis init`: a new site that builds at once with the built-in theme.
//!
//! In: a folder that is empty or does not exist. Out: that folder holding a
//! `site.toml` (the twelve Opportunity Areas and the priorities, taken from
//! this repository's own `site.toml` when oasis is compiled), one example
//! document of each kind, a README for writers and a `.gitignore`; or an
//! error naming the folder, with nothing written. The example files live in
//! `src/init/` and are compiled into the binary.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::config::{self, Area, Overrides, Priority};
use crate::diagnostics::Diagnostic;

/// This repository's own configuration, the source of the vocabularies.
const REPOSITORY_SITE_TOML: &str = include_str!("../site.toml");

/// The settings at the top of a new `site.toml`, before the vocabularies.
const SITE_HEADER: &str = include_str!("init/site-header.toml");

/// Every file of a new site but `site.toml`: (path in the site, bytes).
const FILES: &[(&str, &[u8])] = &[
    ("README.md", include_bytes!("init/README.md")),
    (".gitignore", include_bytes!("init/gitignore")),
    (
        "content/_index.md",
        include_bytes!("init/content/_index.md"),
    ),
    (
        "content/announcements/derby-careers-fair.md",
        include_bytes!("init/content/announcements/derby-careers-fair.md"),
    ),
    (
        "content/plans/derby.md",
        include_bytes!("init/content/plans/derby.md"),
    ),
    (
        "content/plans/derby-delivery-plan.pdf",
        include_bytes!("init/content/plans/derby-delivery-plan.pdf"),
    ),
    (
        "content/projects/derby-primary-maths.md",
        include_bytes!("init/content/projects/derby-primary-maths.md"),
    ),
    (
        "content/pages/accessibility.md",
        include_bytes!("init/content/pages/accessibility.md"),
    ),
    (
        "content/areas/derby.md",
        include_bytes!("init/content/areas/derby.md"),
    ),
    (
        "content/priorities/early-years.md",
        include_bytes!("init/content/priorities/early-years.md"),
    ),
];

/// Writes a new site into `dir` and returns the files written, relative to
/// `dir`, in the order they were written.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    refuse_unless_empty(dir)?;
    let mut written = Vec::new();
    let site_toml = site_toml();
    let files = std::iter::once(("site.toml", site_toml.as_bytes())).chain(FILES.iter().copied());
    for (relative, bytes) in files {
        let path = dir.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io_error("create", parent, &e))?;
        }
        std::fs::write(&path, bytes).map_err(|e| io_error("write", &path, &e))?;
        written.push(PathBuf::from(relative));
    }
    Ok(written)
}

/// The text of a new site's `site.toml`: the header, then every area and
/// priority of this repository's `site.toml`.
pub fn site_toml() -> String {
    let config = config::parse(REPOSITORY_SITE_TOML, &Overrides::default())
        .expect("the repository's site.toml is valid: tests/testsuite builds it");
    let mut text = String::from(SITE_HEADER);
    text.push_str("\n# The Opportunity Areas. Wave 1 areas were named in 2016, wave 2 in 2017.\n");
    for area in &config.areas {
        push_area(&mut text, area);
    }
    text.push_str("\n# The priorities that plans, projects and announcements are tagged with.\n");
    for priority in &config.priorities {
        push_priority(&mut text, priority);
    }
    text
}

fn push_area(text: &mut String, area: &Area) {
    text.push_str("\n[[areas]]\n");
    push_string(text, "slug", &area.slug);
    push_string(text, "name", &area.name);
    if let Some(region) = &area.region {
        push_string(text, "region", region);
    }
    if let Some(announced) = area.announced {
        writeln!(text, "announced = {announced}").expect("writing to a string");
    }
    if let Some(wave) = area.wave {
        writeln!(text, "wave = {wave}").expect("writing to a string");
    }
}

fn push_priority(text: &mut String, priority: &Priority) {
    text.push_str("\n[[priorities]]\n");
    push_string(text, "slug", &priority.slug);
    push_string(text, "name", &priority.name);
    if let Some(description) = &priority.description {
        push_string(text, "description", description);
    }
}

/// Appends `key = "value"` as a TOML basic string.
fn push_string(text: &mut String, key: &str, value: &str) {
    text.push_str(key);
    text.push_str(" = \"");
    for c in value.chars() {
        match c {
            '"' => text.push_str("\\\""),
            '\\' => text.push_str("\\\\"),
            c if c.is_control() => {
                write!(text, "\\u{:04X}", u32::from(c)).expect("writing to a string")
            }
            c => text.push(c),
        }
    }
    text.push_str("\"\n");
}

/// A folder beside `dir` that does not exist yet (`my-site-2`), for the
/// example in a hint: not the name that was just refused.
fn fresh_name(dir: &Path) -> String {
    let base = dir
        .to_string_lossy()
        .trim_end_matches(['/', '\\'])
        .to_string();
    let base = if base.is_empty() || base == "." {
        "my-site".to_string()
    } else {
        base
    };
    (2..100)
        .map(|n| format!("{base}-{n}"))
        .find(|name| !Path::new(name).exists())
        .unwrap_or_else(|| "my-new-site".to_string())
}

fn refuse_unless_empty(dir: &Path) -> Result<(), Diagnostic> {
    let shown = dir.display();
    let fresh = fresh_name(dir);
    match std::fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(Diagnostic::error(format!(
                    "the folder `{shown}` is not empty, so oasis init writes nothing there"
                ))
                .hint(format!(
                    "name a new folder, e.g. oasis init {fresh}, or empty `{shown}` first"
                )));
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(_) if dir.is_file() => Err(Diagnostic::error(format!(
            "`{shown}` is a file, not a folder"
        ))
        .hint(format!("name a new folder, e.g. oasis init {fresh}"))),
        Err(e) => Err(io_error("read", dir, &e)),
    }
}

fn io_error(action: &str, path: &Path, error: &std::io::Error) -> Diagnostic {
    Diagnostic::error(format!("could not {action} `{}`: {error}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_new_site_toml_declares_the_repository_vocabularies() {
        let repository = config::parse(REPOSITORY_SITE_TOML, &Overrides::default())
            .expect("the repository's site.toml parses");
        let new =
            config::parse(&site_toml(), &Overrides::default()).expect("the new site.toml parses");
        assert_eq!(new.areas.len(), 12);
        let slugs = |c: &config::Config| {
            (
                c.areas
                    .iter()
                    .map(|a| {
                        (
                            a.slug.clone(),
                            a.name.clone(),
                            a.region.clone(),
                            a.announced,
                            a.wave,
                        )
                    })
                    .collect::<Vec<_>>(),
                c.priorities
                    .iter()
                    .map(|p| (p.slug.clone(), p.name.clone(), p.description.clone()))
                    .collect::<Vec<_>>(),
            )
        };
        assert_eq!(slugs(&new), slugs(&repository));
    }

    #[test]
    fn strings_are_escaped() {
        let mut text = String::new();
        push_string(&mut text, "name", "A \"quoted\" \\ name\n");
        assert_eq!(text, "name = \"A \\\"quoted\\\" \\\\ name\\u000A\"\n");
    }
}
