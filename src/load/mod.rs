//! Load: `site.toml` and `content/` into typed values.
//!
//! In: the site root and the build options. Out: [`Loaded`] — the config,
//! every published document (parsed in parallel), the attachments to copy,
//! and what was left out (drafts, scheduled documents) — plus every
//! diagnostic found on the way. Nothing is written.

pub mod document;
pub mod fields;
pub mod frontmatter;
mod indentation;
mod json;
mod syntax;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use rayon::prelude::*;

use crate::config::{self, CONFIG_FILE, Config, Overrides};
use crate::diagnostics::{Diagnostic, SourceText};
use crate::document::{Document, Kind};
use crate::files::{self, SourceFile};

pub use self::document::LoadContext;
use self::document::{AttachmentInfo, load_document};

/// What the user asked for on the command line.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub root: PathBuf,
    pub drafts: bool,
    pub future: bool,
    pub overrides: Overrides,
}

/// A non-Markdown file under `content/`, copied to the same path in the output.
#[derive(Clone, Debug)]
pub struct Attachment {
    pub source: PathBuf,
    /// Path relative to the root: `content/plans/derby.pdf`.
    pub file: String,
    /// Site path: `/plans/derby.pdf`.
    pub url: String,
}

/// Why a valid document is not in this build.
#[derive(Clone, Debug)]
pub enum Excluded {
    Draft,
    Scheduled(Date),
}

/// The loaded site, before linking.
pub struct Loaded {
    pub root: PathBuf,
    pub config: Config,
    pub today: Date,
    pub documents: Vec<Document>,
    pub attachments: Vec<Attachment>,
    /// Documents left out, by their path relative to `content/`.
    pub excluded: HashMap<String, Excluded>,
    /// The scheduled documents among them: not built, but their links and
    /// paths are checked now, so that the build which publishes them on
    /// their day, with nobody watching, cannot fail on them.
    pub scheduled: Vec<Document>,
    /// The drafts among them, by address and file: a link to one's address
    /// is told to be a link to a draft.
    pub drafts: Vec<(String, String)>,
}

/// Reads `site.toml`; the first stage of every command.
pub fn read_config(root: &Path, overrides: &Overrides) -> Result<Config, Vec<Diagnostic>> {
    match read_config_partial(root, overrides) {
        (Some(config), errors) if errors.is_empty() => Ok(config),
        (_, errors) => Err(errors),
    }
}

/// Reads `site.toml` like [`read_config`], giving a configuration too when
/// its mistakes leave its areas and priorities whole
/// ([`config::parse_partial`]).
pub fn read_config_partial(
    root: &Path,
    overrides: &Overrides,
) -> (Option<Config>, Vec<Diagnostic>) {
    if let Err(error) = root.canonicalize() {
        return (None, vec![files::site_folder_error(root, &error)]);
    }
    let path = root.join(CONFIG_FILE);
    if let Some(error) = files::leaves_root(root, &path) {
        return (None, vec![error]);
    }
    let text = match std::fs::read(&path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(error) => {
                return (
                    None,
                    vec![not_utf8(CONFIG_FILE, error.as_bytes(), error.utf8_error())],
                );
            }
        },
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return (
                None,
                vec![Diagnostic::error(format!(
                    "there is no site.toml in `{}`",
                    root.display()
                ))
                .hint("run oasis in the site's folder, or pass --root DIR; `oasis init DIR` creates a new site")],
            );
        }
        Err(error) => {
            return (
                None,
                vec![
                    Diagnostic::error(format!("cannot read site.toml: {error}"))
                        .in_file(CONFIG_FILE),
                ],
            );
        }
    };
    config::parse_partial(&text, overrides)
}

/// The date that decides what is scheduled: today in the site's time zone,
/// or `OASIS_TODAY` (YYYY-MM-DD) when set and not empty, for reproducible
/// builds and tests.
pub fn today(config: &Config) -> Result<Date, Diagnostic> {
    // Set but empty counts as not set: CI templates pass empty values.
    if let Ok(value) = std::env::var("OASIS_TODAY")
        && !value.trim().is_empty()
    {
        return fields::parse_date(value.trim()).map_err(|(message, hint)| {
            Diagnostic::error(format!("OASIS_TODAY {message}")).hint(hint)
        });
    }
    Ok(jiff::ZonedDateTime::now()
        .with_time_zone(config.timezone.clone())
        .date())
}

/// Loads the whole site. Returns `None` when the configuration is unusable.
pub fn load(options: &Options) -> (Option<Loaded>, Vec<Diagnostic>) {
    load_with(options, &load_file)
}

/// What loading one Markdown file gives: the document, if its front matter
/// is usable, and the file's diagnostics.
pub type FileResult = (Option<Document>, Vec<Diagnostic>);

/// Loads the whole site like [`load`], asking `parse` for each Markdown
/// file's result. `load` passes [`load_file`]; `oasis serve` answers from a
/// cache for the files that did not change since its last build.
pub fn load_with(
    options: &Options,
    parse: &(dyn Fn(&SourceFile, &str, Kind, &LoadContext) -> FileResult + Sync),
) -> (Option<Loaded>, Vec<Diagnostic>) {
    let root = options.root.as_path();
    // With mistakes in site.toml that leave its areas and priorities whole,
    // the content is still checked, so that every error is reported at once;
    // nothing is built.
    let (config, config_errors) = read_config_partial(root, &options.overrides);
    let Some(config) = config else {
        return (None, config_errors);
    };
    let config_failed = config_errors.iter().any(Diagnostic::is_error);
    let today = match today(&config) {
        Ok(today) => today,
        Err(d) => return (None, config_errors.into_iter().chain([d]).collect()),
    };
    let content_dir = root.join("content");
    if !content_dir.is_dir() {
        return (
            None,
            vec![
                Diagnostic::error(format!(
                    "there is no content/ folder in `{}`",
                    root.display()
                ))
                .hint("create content/ with announcements/, plans/, projects/ and pages/ in it"),
            ],
        );
    }
    let (files, mut diagnostics) = files::walk(root, &content_dir);
    diagnostics.extend(config_errors);

    let mut markdown = Vec::new();
    let mut attachments = Vec::new();
    let mut attachment_info = HashMap::new();
    for file in files {
        let content_path = file
            .relative
            .strip_prefix("content/")
            .unwrap_or(&file.relative)
            .to_string();
        if content_path.to_ascii_lowercase().ends_with(".md") {
            match classify(&content_path) {
                Ok(kind) => markdown.push((file, content_path, kind)),
                Err(d) => diagnostics.push(d.in_file(file.relative.clone())),
            }
        } else if let Some(stem) = markdown_by_another_name(&content_path) {
            // Published as a file, front matter and all, draft or not.
            diagnostics.push(
                Diagnostic::error(format!(
                    "`{}` looks like a document, but only names ending in `.md` are read as documents",
                    file.relative
                ))
                .in_file(file.relative.clone())
                .hint(format!(
                    "rename it to `{stem}.md`{}; as it is, it would be published as a file, as written",
                    if content_path.to_ascii_lowercase().ends_with(".txt") {
                        " (an editor may have added `.txt`)"
                    } else {
                        ""
                    }
                )),
            );
        } else {
            // Still listed when it cannot be read, so that links to it are
            // not reported as broken too.
            diagnostics.extend(files::unreadable(&file));
            attachment_info.insert(content_path.clone(), AttachmentInfo { size: file.size });
            attachments.push(Attachment {
                url: format!("/{content_path}"),
                file: file.relative,
                source: file.path,
            });
        }
    }

    let markdown_paths: HashSet<String> = markdown
        .iter()
        .map(|(_, content_path, _)| content_path.clone())
        .collect();
    let cx = LoadContext {
        config: &config,
        attachments: &attachment_info,
        today,
        future: options.future,
        markdown: &markdown_paths,
    };
    let results: Vec<(Option<Document>, Vec<Diagnostic>)> = markdown
        .par_iter()
        .map(|(file, content_path, kind)| parse(file, content_path, *kind, &cx))
        .collect();

    let mut documents = Vec::new();
    let mut excluded = HashMap::new();
    let mut scheduled = Vec::new();
    let mut drafts = Vec::new();
    for (document, file_diagnostics) in results {
        diagnostics.extend(file_diagnostics);
        let Some(document) = document else { continue };
        match exclusion(&document, options, today) {
            Some(why) => {
                excluded.insert(document.content_path.clone(), why.clone());
                match why {
                    Excluded::Scheduled(_) => scheduled.push(document),
                    Excluded::Draft => drafts.push((document.url, document.file)),
                }
            }
            None => documents.push(document),
        }
    }
    if config_failed {
        return (None, diagnostics);
    }
    (
        Some(Loaded {
            root: root.to_path_buf(),
            config,
            today,
            documents,
            attachments,
            excluded,
            scheduled,
            drafts,
        }),
        diagnostics,
    )
}

/// The name without its extension of a file named as Markdown but not
/// `.md` (`plan.md.txt`, which editors make, `plan.markdown`), which would
/// be copied into the site as it is.
fn markdown_by_another_name(content_path: &str) -> Option<&str> {
    let name = content_path.rsplit('/').next().unwrap_or(content_path);
    let lower = name.to_ascii_lowercase();
    [
        ".md.txt",
        ".markdown",
        ".mdown",
        ".mkd",
        ".mkdn",
        ".mdwn",
        ".md.rtf",
    ]
    .iter()
    .find(|extension| lower.ends_with(*extension))
    .map(|extension| &name[..name.len() - extension.len()])
}

/// Why a loaded document is left out of this build, if it is: a draft
/// (without `--drafts`), or dated after `today` (without `--future`).
pub fn exclusion(document: &Document, options: &Options, today: Date) -> Option<Excluded> {
    if document.draft && !options.drafts {
        return Some(Excluded::Draft);
    }
    match document.date {
        Some(date) if date > today && !options.future => Some(Excluded::Scheduled(date)),
        _ => None,
    }
}

/// The kind of a Markdown file, from its folder under `content/`.
fn classify(content_path: &str) -> Result<Kind, Diagnostic> {
    if content_path == "_index.md" {
        return Ok(Kind::Home);
    }
    let (folder, rest) = content_path.split_once('/').unwrap_or(("", content_path));
    let hint = "documents go in content/announcements/, content/plans/, content/projects/ or content/pages/; area and priority introductions in content/areas/ and content/priorities/";
    let Some(kind) = Kind::from_folder(folder) else {
        return Err(if folder.is_empty() {
            Diagnostic::error(format!("`content/{content_path}` is not in a folder"))
        } else {
            let suggestion = crate::diagnostics::did_you_mean(
                folder,
                [
                    "announcements",
                    "plans",
                    "projects",
                    "pages",
                    "areas",
                    "priorities",
                ],
            );
            Diagnostic::error(format!("`content/{folder}/` is not a folder oasis knows"))
                .maybe_label(suggestion.map(|s| format!("did you mean `{s}`?")))
        }
        .hint(hint));
    };
    if rest.rsplit('/').next() == Some("_index.md") {
        return Err(Diagnostic::error(format!(
            "`content/{content_path}`: only the home page has an `_index.md`"
        ))
        .hint("introductions of areas and priorities are content/areas/<area>.md and content/priorities/<priority>.md"));
    }
    if matches!(kind, Kind::AreaIntro | Kind::PriorityIntro | Kind::Page) && rest.contains('/') {
        return Err(Diagnostic::error(format!(
            "`content/{content_path}` is in a sub-folder of content/{folder}/"
        ))
        .hint(format!("move it directly into content/{folder}/")));
    }
    Ok(kind)
}

/// Reads and loads one Markdown file of `kind`; `content_path` is its path
/// relative to `content/`.
pub fn load_file(
    file: &SourceFile,
    content_path: &str,
    kind: Kind,
    cx: &LoadContext,
) -> FileResult {
    match std::fs::read(&file.path) {
        Ok(bytes) => load_bytes(bytes, &file.relative, content_path, kind, cx),
        Err(error) => (None, vec![files::read_error(&file.relative, &error)]),
    }
}

/// Loads one Markdown file from its bytes; `relative` is its path relative
/// to the root.
pub fn load_bytes(
    bytes: Vec<u8>,
    relative: &str,
    content_path: &str,
    kind: Kind,
    cx: &LoadContext,
) -> FileResult {
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            return (
                None,
                vec![not_utf8(relative, error.as_bytes(), error.utf8_error())],
            );
        }
    };
    if let Some(nul) = text.find('\0') {
        let source = SourceText::new(relative, &text);
        return (
            None,
            vec![
                Diagnostic::error("the file contains a NUL byte")
                    .at(source.locate(nul, nul + 1))
                    .hint("the file is probably not text: save it again as plain UTF-8 text"),
            ],
        );
    }
    load_document(&text, relative, content_path, kind, cx)
}

/// An error for bytes that are not UTF-8, at the first bad byte.
fn not_utf8(file: &str, bytes: &[u8], error: std::str::Utf8Error) -> Diagnostic {
    let valid = error.valid_up_to();
    let line = bytes[..valid].iter().filter(|b| **b == b'\n').count() + 1;
    let line_start = bytes[..valid]
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&bytes[line_start..valid])
        .chars()
        .count()
        + 1;
    let mut d = Diagnostic::error(format!(
        "`{file}` is not UTF-8 text (byte 0x{:02x} at line {line}, column {column})",
        bytes[valid]
    ))
    .hint("save the file as UTF-8 (in most editors: Save As… → Encoding → UTF-8)");
    d.location = Some(crate::diagnostics::Location {
        file: file.to_string(),
        line,
        column,
        width: 1,
        source_line: None,
    });
    d
}
