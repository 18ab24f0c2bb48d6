//! From one Markdown file to a [`Document`]: front matter checked against
//! the document's kind and the site's vocabularies, body rendered.
//!
//! In: the file's text, its kind and path, the config and the attachments.
//! Out: a [`Document`] (when the front matter is usable) and diagnostics, each
//! located at the exact key or list item at fault.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use crate::config::{Config, is_slug};
use crate::diagnostics::{Diagnostic, SourceText, did_you_mean, invisible_format, retype_hint};
use crate::document::{Alias, AttachedFile, Document, Kind, PlanDetails, ProjectDetails};
use crate::markdown;

use super::fields::{self, AreaList, FrontMatter};
use super::frontmatter::{self, TopKey};

/// Keys every announcement, plan and project may use.
const PUBLICATION_KEYS: &[&str] = &[
    "title",
    "date",
    "summary",
    "areas",
    "priorities",
    "updated",
    "changes",
    "draft",
    "slug",
    "aliases",
    "extra",
];

/// The keys a kind may use, in the order the docs list them.
pub fn allowed_keys(kind: Kind) -> Vec<&'static str> {
    let mut keys = match kind {
        Kind::Announcement | Kind::Plan | Kind::Project => PUBLICATION_KEYS.to_vec(),
        Kind::Page => vec!["title", "summary", "draft", "slug", "aliases", "extra"],
        Kind::AreaIntro | Kind::PriorityIntro | Kind::Home => {
            vec!["title", "summary", "draft", "aliases", "extra"]
        }
    };
    match kind {
        Kind::Announcement => keys.push("organisation"),
        Kind::Plan => keys.extend(["starts", "ends", "document"]),
        Kind::Project => keys.extend([
            "status", "funding", "funder", "provider", "partners", "starts", "ends", "website",
        ]),
        _ => {}
    }
    keys
}

/// Which kinds use a key, for "`status` is only used by projects".
fn kinds_using(key: &str) -> Vec<&'static str> {
    [Kind::Announcement, Kind::Plan, Kind::Project, Kind::Page]
        .into_iter()
        .filter(|kind| allowed_keys(*kind).contains(&key))
        .map(|kind| kind.plural_title())
        .collect()
}

/// An attachment under `content/`, by its path relative to `content/`.
pub struct AttachmentInfo {
    pub size: u64,
}

/// What a document needs from the rest of the site while loading.
pub struct LoadContext<'a> {
    pub config: &'a Config,
    pub attachments: &'a HashMap<String, AttachmentInfo>,
    /// Documents dated after this day are scheduled.
    pub today: jiff::civil::Date,
    /// `--future`: scheduled documents are built.
    pub future: bool,
    /// The content paths of the site's Markdown files, when known: a
    /// suggested name must not be one already taken.
    pub markdown: &'a HashSet<String>,
}

/// Parses and validates one Markdown file.
pub fn load_document(
    text: &str,
    file: &str,
    content_path: &str,
    kind: Kind,
    cx: &LoadContext,
) -> (Option<Document>, Vec<Diagnostic>) {
    let source = SourceText::new(file, text);
    let mut diagnostics = Vec::new();
    let split = match frontmatter::split(text) {
        Ok(split) => split,
        Err(problem) => {
            let d = Diagnostic::error(problem.message)
                .at(source.locate(problem.range.start, problem.range.end))
                .hint(problem.hint);
            return (None, vec![d]);
        }
    };
    if split.yaml.trim().is_empty() && kind.is_publication() {
        let required = match kind {
            Kind::Project => "title, date, summary, areas and status",
            _ => "title, date, summary and areas",
        };
        return (
            None,
            vec![
                Diagnostic::error("the front matter is empty")
                    .at(source.locate(0, 3.min(text.len())))
                    .hint(format!(
                        "{} needs at least {required} between the two `---` lines, e.g.\ntitle: \"Careers fair in Derby\"\ndate: 2018-03-01\nsummary: \"One plain sentence.\"\nareas: [derby]",
                        kind.with_article()
                    )),
            ],
        );
    }
    let (keys, problems) = frontmatter::scan(split.yaml, split.yaml_offset);
    // A problem confined to some lines hides them from the parser; the rest
    // of the block is still checked, so a writer sees every problem at once.
    let fatal = problems.iter().any(|p| p.skip.is_none());
    // A line that belongs to no key may be the one meant for a missing key:
    // do not also report keys as missing.
    let keyless_line = problems.iter().any(|p| p.field.is_none());
    let mut hidden = frontmatter::Hidden::default();
    let mut hidden_keys = Vec::new();
    for problem in problems {
        let mut d = Diagnostic::error(problem.message)
            .at(source.locate(problem.range.start, problem.range.end))
            .hint(problem.hint);
        if let Some(field) = problem.field {
            d = d.field(field);
        }
        diagnostics.push(d);
        hidden.lines.extend(problem.skip);
        hidden.entries.extend(problem.entry);
        hidden_keys.extend(problem.hidden_keys);
    }
    if fatal {
        return (None, diagnostics);
    }

    // Keys this kind does not use: all reported, with suggestions, before parsing.
    let allowed = allowed_keys(kind);
    let yaml_line = line_of(text, split.yaml_offset);
    let mut usable_keys = Vec::new();
    let mut mistyped_keys: Vec<String> = hidden_keys;
    for key in &keys {
        if allowed.contains(&key.name.as_str()) {
            usable_keys.push(key.clone());
            continue;
        }
        if let Some((d, visible)) = invisible_in_key(key, &source) {
            // `title` with a zero-width space: not also missing.
            mistyped_keys.push(visible);
            diagnostics.push(d);
            hidden.key(key);
            continue;
        }
        let d = unknown_key(key, kind, &allowed, &source);
        if let Some(suggested) = d.label.as_deref().and_then(|l| l.split('`').nth(1)) {
            // "titel" for "title": do not also report "title" as missing.
            mistyped_keys.push(suggested.to_string());
        }
        diagnostics.push(d);
        hidden.key(key);
    }

    let (front_matter, errors) = fields::parse(split.yaml, &usable_keys, hidden);
    let mut broken_keys: std::collections::HashSet<String> = mistyped_keys.into_iter().collect();
    // An error outside any key (aliases, nesting) leaves nothing parsed: do not
    // also report every required key as missing.
    let unparsed = keyless_line || errors.iter().any(|e| e.field.is_none());
    // Front matter written as one `{…}` map: a comma ends a value.
    let flow_map = keys.iter().any(|k| k.entry.is_some());
    for error in errors {
        let location = match error.position {
            Some((line, column)) => {
                let line = yaml_line + line - 1;
                let width = if error.message.contains("colon") {
                    1
                } else {
                    token_width(&source, line, column, flow_map)
                };
                source.locate_line_col(line, column, width)
            }
            None => match first_alias(split.yaml).filter(|_| error.message.contains("aliases")) {
                Some(i) => source.locate(split.yaml_offset + i, split.yaml_offset + i + 1),
                None => source.locate(split.yaml_offset, split.yaml_offset + 1),
            },
        };
        if let Some(field) = &error.field {
            broken_keys.insert(field.clone());
        }
        broken_keys.extend(error.swallowed_key.clone());
        let mut hint = error.hint;
        if error.field.as_deref() == Some("areas") && error.message.contains("not the text") {
            let written = keys.iter().find(|k| k.name == "areas");
            if let Some(slugs) = written.and_then(|k| area_slugs(&text[k.value.clone()], cx.config))
            {
                hint = Some(format!(
                    "put the areas' slugs in square brackets: areas: [{}]",
                    slugs.join(", ")
                ));
            }
        }
        let mut d = Diagnostic::error(error.message)
            .at(location)
            .maybe_hint(hint);
        if let Some(field) = error.field {
            d = d.field(field);
        }
        diagnostics.push(d);
    }

    let checker = Checker {
        cx,
        kind,
        source: &source,
        keys: &keys,
        opening: 0..3usize.min(text.len()),
        broken: &broken_keys,
        unparsed,
        file,
        content_path,
    };
    let document = checker.build(
        front_matter,
        &mut diagnostics,
        split.body,
        split.body_offset,
    );
    (document, diagnostics)
}

/// `areas: Derby, Oldham` or `areas: North Yorkshire Coast`: the slugs of
/// the areas named, when each is a declared area's slug or name, so that
/// the hint works as written (`[Derby, Oldham]` would be unknown areas).
fn area_slugs(written: &str, config: &Config) -> Option<Vec<String>> {
    let written = written.split(" #").next().unwrap_or(written).trim();
    written
        .trim_matches(['"', '\''])
        .split(',')
        .flat_map(|part| part.split(" and "))
        .map(|part| {
            let wanted = crate::slug::slugify(part.trim().trim_matches(['"', '\'']));
            config
                .areas
                .iter()
                .find(|area| area.slug == wanted || crate::slug::slugify(&area.name) == wanted)
                .map(|area| area.slug.clone())
        })
        .collect()
}

/// Byte offset of the first YAML alias (`*name`) in a block.
fn first_alias(yaml: &str) -> Option<usize> {
    yaml.match_indices('*')
        .map(|(i, _)| i)
        .find(|&i| i == 0 || matches!(yaml.as_bytes()[i - 1], b' ' | b'[' | b',' | b'\n'))
}

/// 1-based line number of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text[..offset].bytes().filter(|b| *b == b'\n').count() + 1
}

/// The width of the token at a 1-based line and column, for the caret.
/// `flow_map`: the front matter is one `{…}` map, where a comma ends a value.
fn token_width(source: &SourceText, line: usize, column: usize, flow_map: bool) -> usize {
    let loc = source.locate_line_col(line, column, 1);
    let Some(line_text) = loc.source_line else {
        return 1;
    };
    let rest: String = line_text.chars().skip(column.saturating_sub(1)).collect();
    let rest = rest.trim_end();
    if let Some(q) = rest.chars().next().filter(|c| matches!(c, '"' | '\'')) {
        // Up to the closing mark when an entry of a `{…}` map or a `[…]`
        // list follows it (`"2018-02-30", "summary": …`).
        let mut chars = rest.char_indices().skip(1);
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' if q == '"' => {
                    chars.next();
                }
                c if c == q && rest[i + 1..].starts_with(q) && q == '\'' => {
                    chars.next();
                }
                c if c == q => {
                    if rest[i + 1..].trim_start().starts_with([',', ']', '}']) {
                        return rest[..=i].chars().count();
                    }
                    break;
                }
                _ => {}
            }
        }
        return rest.chars().count().max(1);
    }
    // A comma ends a value only inside `[…]` or `{…}` (`funding: 150,000`
    // is one value).
    let before: String = line_text.chars().take(column.saturating_sub(1)).collect();
    let in_flow =
        flow_map || before.matches(['[', '{']).count() > before.matches([']', '}']).count();
    let width = rest
        .chars()
        .take_while(|c| !(matches!(c, ']' | '}' | '#') || (in_flow && *c == ',')))
        .count();
    rest.chars()
        .take(width)
        .collect::<String>()
        .trim_end()
        .chars()
        .count()
        .max(1)
}

/// A key with an invisible character in it (`title` and a zero-width
/// space), at that character, and the key without it.
fn invisible_in_key(key: &TopKey, source: &SourceText) -> Option<(Diagnostic, String)> {
    let found = invisible_format(&key.name)?;
    let start = key.key.start + found.offset;
    let location = source.locate(start, start + found.len);
    let hint = retype_hint(location.source_line.as_deref().unwrap_or(&key.name));
    let d = Diagnostic::error(format!(
        "the key `{}` has an invisible character in it: {}, {}",
        found.visible, found.name, found.place
    ))
    .at(location)
    .field(found.visible.clone())
    .hint(hint);
    Some((d, found.visible))
}

/// `derby oldham` in `areas: [derby oldham]`: slugs that `known` knows,
/// written without the comma between them; their parts, if so.
fn without_commas(slug: &str, known: impl Fn(&str) -> bool) -> Option<Vec<&str>> {
    let parts: Vec<&str> = slug.split_whitespace().collect();
    (parts.len() > 1 && parts.iter().all(|p| known(p))).then_some(parts)
}

/// The Markdown in a plain-text field that Markdown would read as such
/// (`**bold**`, `*italics*`, `` `code` ``, a `[link](…)`), named, and the
/// text without it; `None` without any. Read by pulldown-cmark itself, so
/// that `C++ club`, `Year 7 [pilot]`, `__init__` inside a word or `5 * 3`
/// are not taken for Markdown.
fn markdown_in_plain_text(value: &str) -> Option<(String, String)> {
    use pulldown_cmark::{Event, Parser, Tag};
    // Most titles and summaries have none of Markdown's marks: not parsed.
    if !value.contains(['*', '_', '`', '[']) {
        return None;
    }
    let mut marks: Vec<&str> = Vec::new();
    let mut plain = String::new();
    for event in Parser::new(value) {
        let mark = match &event {
            Event::Start(Tag::Strong) => Some("bold"),
            Event::Start(Tag::Emphasis) => Some("italics"),
            Event::Code(_) => Some("backticks"),
            Event::Start(Tag::Link { .. }) => Some("a [link](…)"),
            _ => None,
        };
        if let Some(mark) = mark
            && !marks.contains(&mark)
        {
            marks.push(mark);
        }
        match event {
            Event::Text(text) | Event::Code(text) => plain.push_str(&text),
            Event::SoftBreak | Event::HardBreak => plain.push(' '),
            _ => {}
        }
    }
    (!marks.is_empty()).then(|| (marks.join(", "), plain.trim().to_string()))
}

fn unknown_key(key: &TopKey, kind: Kind, allowed: &[&str], source: &SourceText) -> Diagnostic {
    let location = source.locate(key.key.start, key.key.end);
    let users = kinds_using(&key.name);
    if !users.is_empty() {
        let who = match users.as_slice() {
            [one] => one.to_string(),
            [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
            [] => String::new(),
        }
        .to_lowercase();
        return Diagnostic::error(format!("`{}` is not used in {}s", key.name, kind.name()))
            .at(location)
            .field(key.name.clone())
            .label(format!("only {who} use `{}`", key.name))
            .hint(format!(
                "remove this {}; {} can have: {}",
                if key.entry.is_some() { "entry" } else { "line" },
                kind.with_article(),
                allowed.join(", ")
            ));
    }
    // Names other tools (Hugo, Zola, Jekyll) or plain English use for a key
    // oasis names otherwise; misspellings are left to `did_you_mean`.
    const SYNONYMS: &[(&str, &str)] = &[
        ("updates", "changes"),
        ("history", "changes"),
        ("changelog", "changes"),
        ("description", "summary"),
        ("excerpt", "summary"),
        ("lastmod", "updated"),
        ("modified", "updated"),
        ("last_updated", "updated"),
        ("published", "date"),
        ("publishdate", "date"),
        ("publish_date", "date"),
        ("pubdate", "date"),
        ("start", "starts"),
        ("end", "ends"),
        ("url", "slug"),
        ("tags", "priorities"),
        ("categories", "priorities"),
        ("themes", "priorities"),
        ("area", "areas"),
        ("priority", "priorities"),
        ("author", "organisation"),
        ("publisher", "organisation"),
        ("organization", "organisation"),
        ("budget", "funding"),
        ("amount", "funding"),
        ("cost", "funding"),
        ("partner", "partners"),
        ("link", "website"),
        ("url_website", "website"),
        ("pdf", "document"),
        ("file", "document"),
    ];
    let lower = key.name.to_lowercase();
    // `updates:` is `updated` with a date, `changes` with a list of them.
    let value = source.text().get(key.value.clone()).unwrap_or_default();
    let is_history = value.contains("date:") || value.contains("note:");
    let suggestion = SYNONYMS
        .iter()
        .find(|(other, ours)| *other == lower && allowed.contains(ours))
        .map(|(_, ours)| *ours)
        .filter(|ours| *ours != "changes" || is_history)
        .or_else(|| did_you_mean(&key.name, allowed.iter().copied()));
    Diagnostic::error(format!("unknown key `{}`", key.name))
        .at(location)
        .field(key.name.clone())
        .maybe_label(suggestion.map(|s| format!("did you mean `{s}`?")))
        .hint(format!(
            "{} can have: {}; put your own data under `extra:`",
            kind.with_article(),
            allowed.join(", ")
        ))
}

/// The most a project's `funding` may be: £1 trillion less a pound, far
/// above any programme's, so that no area's or priority's total can
/// overflow (at 10,000 projects it is under a millionth of the limit).
pub const MAX_FUNDING: u64 = 999_999_999_999;

/// The longest part of a web address between slashes, in bytes: a folder
/// of the output is named after it, and file systems allow 255.
pub const MAX_SEGMENT: usize = 255;

struct Checker<'a> {
    cx: &'a LoadContext<'a>,
    kind: Kind,
    source: &'a SourceText<'a>,
    keys: &'a [TopKey],
    opening: Range<usize>,
    broken: &'a std::collections::HashSet<String>,
    unparsed: bool,
    file: &'a str,
    content_path: &'a str,
}

impl Checker<'_> {
    fn key(&self, name: &str) -> Option<&TopKey> {
        self.keys.iter().find(|k| k.name == name)
    }

    /// Where a key's value (or, failing that, the key) is.
    fn at_value(&self, name: &str) -> crate::diagnostics::Location {
        match self.key(name) {
            Some(key) => {
                let text = &self.source_text()[key.value.clone()];
                let skip = text.len() - text.trim_start().len();
                let value = text.trim();
                if value.is_empty() {
                    self.source.locate(key.key.start, key.key.end)
                } else {
                    let start = key.value.start + skip;
                    let end = start + value.find('\n').unwrap_or(value.len());
                    self.source.locate(start, end)
                }
            }
            None => self.source.locate(self.opening.start, self.opening.end),
        }
    }

    /// Where one item (`darby`) of a key's list is.
    fn at_item(&self, name: &str, item: &str) -> crate::diagnostics::Location {
        match self.item_range(name, item) {
            Some(range) => self.source.locate(range.start, range.end),
            None => self.at_value(name),
        }
    }

    /// An error for a value with an invisible character in it (a zero-width
    /// space copied with it), at that character: otherwise the value looks
    /// right, and "unknown area `derby`, did you mean `derby`?" cannot be acted on.
    fn invisible(&self, name: &str, what: &str, value: &str) -> Option<Diagnostic> {
        let found = invisible_format(value)?;
        let location = match self.item_range(name, value) {
            Some(range) => {
                let start = range.start + found.offset;
                self.source.locate(start, start + found.len)
            }
            None => self.at_value(name),
        };
        let hint = retype_hint(location.source_line.as_deref().unwrap_or(value));
        Some(
            Diagnostic::error(format!(
                "{what} `{}` has an invisible character in it: {}, {}",
                found.visible, found.name, found.place
            ))
            .at(location)
            .field(name)
            .hint(hint),
        )
    }

    /// A warning for text wrapped in curly quotation marks without straight
    /// ones (`title: “Careers fair”`): YAML keeps the curly marks as part of
    /// the text, so the page shows them.
    fn curly_quotes(&self, name: &str, value: &str, diagnostics: &mut Vec<Diagnostic>) {
        let Some(inner) = super::syntax::curly_quoted(value) else {
            return;
        };
        let Some(range) = self.item_range(name, value) else {
            return;
        };
        let text = self.source_text();
        if text[..range.start]
            .trim_end_matches(' ')
            .ends_with(['"', '\''])
        {
            // Curly marks inside straight ones are meant to show.
            return;
        }
        let (quoted, _) = frontmatter::quote(inner);
        let (what, fix) = match name {
            "partners" => ("a name in `partners`".to_string(), quoted),
            "changes" => (
                "the `note` of a change".to_string(),
                format!("note: {quoted}"),
            ),
            _ => (format!("`{name}`"), format!("{name}: {quoted}")),
        };
        diagnostics.push(
            Diagnostic::warning(format!(
                "{what} is wrapped in curly quotation marks ({}), which will show on the page",
                super::syntax::curly_marks(value)
            ))
            .at(self.source.locate(range.start, range.end))
            .field(name)
            .hint(format!(
                "YAML reads only straight quotation marks as quotes: write {fix}"
            )),
        );
    }

    /// The byte range of one item (`darby`) of a key's list, or of its value.
    fn item_range(&self, name: &str, item: &str) -> Option<Range<usize>> {
        self.nth_item_range(name, item, 0)
    }

    /// The place of the `nth` (from 0) entry `item` of the list `name`: an
    /// entry written twice is found the second time at its second place.
    fn nth_item_range(&self, name: &str, item: &str, mut nth: usize) -> Option<Range<usize>> {
        if let Some(key) = self.key(name) {
            let region = &self.source_text()[key.value.clone()];
            let mut search = 0;
            while let Some(found) = region[search..].find(item) {
                let start = search + found;
                let end = start + item.len();
                let before = region[..start].chars().next_back();
                let after = region[end..].chars().next();
                let opens =
                    before.is_none_or(|c| matches!(c, '"' | '\'' | '[' | ',' | ' ' | '\t' | '\n'));
                let closes = after.is_none_or(|c| {
                    matches!(c, '"' | '\'' | ']' | ',' | ' ' | '\t' | '\n' | '\r' | '#')
                });
                if opens && closes {
                    if nth == 0 {
                        return Some(key.value.start + start..key.value.start + end);
                    }
                    nth -= 1;
                }
                search = end;
            }
        }
        None
    }

    fn source_text(&self) -> &str {
        self.source.text()
    }

    /// The change history agrees with itself: no change before the document
    /// was published or after its `updated` date, and neither date after
    /// today (a typo the page would show as "Last updated: 1 January 2100"
    /// and the feeds would date the entry by).
    fn check_history(&self, front_matter: &FrontMatter, diagnostics: &mut Vec<Diagnostic>) {
        let changes = front_matter.changes.as_deref().unwrap_or_default();
        for change in changes {
            let at = || self.at_item("changes", &change.date.to_string());
            if let Some(published) = front_matter.date
                && change.date < published
            {
                diagnostics.push(
                    Diagnostic::error(format!(
                        "a change is dated {}, before the document was published ({published})",
                        change.date
                    ))
                    .at(at())
                    .field("changes")
                    .hint("`changes` lists what changed after publication; check the change's date, or the document's `date`"),
                );
            }
            if let Some(updated) = front_matter.updated
                && change.date > updated
            {
                diagnostics.push(
                    Diagnostic::error(format!(
                        "a change is dated {}, after `updated` ({updated})",
                        change.date
                    ))
                    .at(at())
                    .field("changes")
                    .hint(format!(
                        "`updated` is the date of the latest change: set updated: {}, or check the change's date",
                        changes.iter().map(|c| c.date).max().unwrap_or(change.date)
                    )),
                );
            }
        }
        let today = self.cx.today;
        let published = front_matter.date.is_none_or(|date| date <= today);
        let latest = front_matter
            .updated
            .map(|date| ("updated", date))
            .into_iter()
            .chain(changes.iter().map(|c| ("changes", c.date)))
            .filter(|(_, date)| *date > today)
            .max_by_key(|(_, date)| *date);
        if let Some((field, date)) = latest
            && published
        {
            let at = if field == "updated" {
                self.at_value("updated")
            } else {
                self.at_item("changes", &date.to_string())
            };
            diagnostics.push(
                Diagnostic::warning(format!(
                    "the document says it was updated on {date}, which is after today ({today})"
                ))
                .at(at)
                .field(field)
                .hint("pages show it as the last update and feeds date the entry by it; check the year, or set it on the day of the change"),
            );
        }
    }

    /// Whether `funding`, which YAML read as `pounds`, is written in plain
    /// digits and is a plausible sum. YAML also reads `0x10`, `0o10`,
    /// `+150000` and `1_000` as numbers, which the guide's "digits only"
    /// rules out; and a figure over [`MAX_FUNDING`] is a slip of the keys,
    /// which would also make an area's total meaningless.
    fn funding_is_plain(&self, pounds: u64, diagnostics: &mut Vec<Diagnostic>) -> bool {
        const HINT: &str =
            "write whole pounds in digits only, without £ or commas, e.g. funding: 22000000";
        let written = self
            .key("funding")
            .map(|key| {
                let text = &self.source_text()[key.value.clone()];
                let text = text.split(" #").next().unwrap_or(text);
                text.trim().to_string()
            })
            .unwrap_or_default();
        if !written.is_empty() && !written.bytes().all(|b| b.is_ascii_digit()) {
            diagnostics.push(
                Diagnostic::error(format!(
                    "`funding` must be written in digits only, not `{written}`"
                ))
                .at(self.at_value("funding"))
                .field("funding")
                .hint(format!("{HINT}; `{written}` reads as {pounds}")),
            );
            return false;
        }
        if pounds > MAX_FUNDING {
            diagnostics.push(
                Diagnostic::error(format!(
                    "`funding` is {}, more than oasis accepts ({})",
                    crate::render::format::format_money(pounds),
                    crate::render::format::format_money(MAX_FUNDING)
                ))
                .at(self.at_value("funding"))
                .field("funding")
                .hint("check for extra digits: funding is written in whole pounds, e.g. £22 million is funding: 22000000"),
            );
            return false;
        }
        true
    }

    fn missing(&self, name: &str, example: &str, diagnostics: &mut Vec<Diagnostic>) {
        if self.unparsed || self.broken.contains(name) {
            return;
        }
        diagnostics.push(
            Diagnostic::error(format!("this {} has no `{name}`", self.kind.name()))
                .at(self.source.locate(self.opening.start, self.opening.end))
                .field(name)
                .hint(format!("add a line to the front matter, e.g. {example}")),
        );
    }
}

impl Checker<'_> {
    fn build(
        &self,
        front_matter: FrontMatter,
        diagnostics: &mut Vec<Diagnostic>,
        body: &str,
        body_offset: usize,
    ) -> Option<Document> {
        let config = self.cx.config;
        let kind = self.kind;
        if front_matter.title.is_none() {
            self.missing("title", "title: \"Derby's delivery plan\"", diagnostics);
        }
        if kind.is_publication() {
            if front_matter.date.is_none() {
                self.missing("date", "date: 2017-10-09", diagnostics);
            }
            if front_matter.summary.is_none() {
                self.missing(
                    "summary",
                    "summary: \"One plain sentence on what this is.\"",
                    diagnostics,
                );
            }
            if front_matter.areas.is_none() {
                self.missing("areas", "areas: [derby]", diagnostics);
            }
        }
        if kind == Kind::Project && front_matter.status.is_none() {
            self.missing("status", "status: active", diagnostics);
        }
        if let Some(date) = front_matter.date
            && kind.is_publication()
            && date > self.cx.today
            && !self.cx.future
        {
            diagnostics.push(
                Diagnostic::warning(format!(
                    "scheduled for {}: left out of this build",
                    crate::render::format_date(date)
                ))
                .at(self.at_value("date"))
                .field("date")
                .hint("it is published by the first build on or after that date; pass --future to preview it now"),
            );
        }
        if let Some(summary) = &front_matter.summary {
            let length = summary.chars().count();
            if length > 160 {
                diagnostics.push(
                    Diagnostic::warning(format!(
                        "the summary is {length} characters long; listings and search engines show about 160"
                    ))
                    .at(self.at_value("summary"))
                    .field("summary")
                    .hint("shorten it to one plain sentence of 160 characters or fewer"),
                );
            }
        }

        for (name, value) in [
            ("title", &front_matter.title),
            ("summary", &front_matter.summary),
            ("organisation", &front_matter.organisation),
            ("funder", &front_matter.funder),
            ("provider", &front_matter.provider),
        ] {
            if let Some(value) = value {
                self.curly_quotes(name, value, diagnostics);
            }
        }
        for partner in front_matter.partners.iter().flatten() {
            self.curly_quotes("partners", partner, diagnostics);
        }
        // Plain-text fields written as Markdown show their marks as typed.
        let notes = front_matter
            .changes
            .iter()
            .flatten()
            .map(|c| ("changes", &c.note));
        for (name, value) in [
            ("title", &front_matter.title),
            ("summary", &front_matter.summary),
        ]
        .into_iter()
        .filter_map(|(name, value)| value.as_ref().map(|v| (name, v)))
        .chain(notes)
        {
            if let Some((marks, plain)) = markdown_in_plain_text(value) {
                let at = match self.item_range(name, value) {
                    Some(range) => self.source.locate(range.start, range.end),
                    None => self.at_value(name),
                };
                let what = if name == "changes" {
                    "a change's `note`".to_string()
                } else {
                    format!("`{name}`")
                };
                diagnostics.push(
                    Diagnostic::warning(format!(
                        "{what} is plain text, so its Markdown ({marks}) would show as typed"
                    ))
                    .at(at)
                    .field(name)
                    .hint(format!("write it without: {plain}")),
                );
            }
        }
        if let Some(summary) = &front_matter.summary
            && crate::scaffold::is_example_summary(summary)
        {
            diagnostics.push(
                Diagnostic::warning("the summary is still the example `oasis new` wrote")
                    .at(self.at_value("summary"))
                    .field("summary")
                    .hint("write one or two sentences of your own about what this is"),
            );
        }
        for change in front_matter.changes.iter().flatten() {
            self.curly_quotes("changes", &change.note, diagnostics);
        }

        let (all_areas, areas) = self.areas(front_matter.areas.as_ref(), diagnostics);
        let priorities = self.priorities(front_matter.priorities.as_deref(), diagnostics);
        let slug = self.slug(front_matter.slug.as_deref(), diagnostics);
        let slug_location = front_matter.slug.as_ref().map(|_| self.at_value("slug"));
        let url = match kind {
            Kind::Home => "/".to_string(),
            Kind::Page => format!("/{slug}/"),
            _ => format!("/{}/{slug}/", kind.folder()),
        };
        let aliases = self.aliases(front_matter.aliases.as_deref(), diagnostics);

        for (earlier, later) in [("date", "updated"), ("starts", "ends")] {
            let pick = |name: &str| match name {
                "date" => front_matter.date,
                "updated" => front_matter.updated,
                "starts" => front_matter.starts,
                _ => front_matter.ends,
            };
            if let (Some(a), Some(b)) = (pick(earlier), pick(later))
                && b < a
            {
                diagnostics.push(
                    Diagnostic::error(format!("`{later}` ({b}) is before `{earlier}` ({a})"))
                        .at(self.at_value(later))
                        .field(later)
                        .hint(format!(
                            "check both dates: `{later}` cannot come before `{earlier}`"
                        )),
                );
            }
        }

        self.check_history(&front_matter, diagnostics);

        // Templates get `extra` as written, in its order; a key that is not
        // a list or a map (`[a]: b`) has no name in a template.
        let extra = match &front_matter.extra {
            None => serde_yaml::Value::Mapping(Default::default()),
            Some(value) => match serde_json::to_value(value) {
                Ok(_) => value.clone(),
                Err(error) => {
                    diagnostics.push(
                        Diagnostic::error(format!(
                            "`extra` cannot be passed to templates: {error}"
                        ))
                        .at(self.at_value("extra"))
                        .field("extra")
                        .hint("use text keys in `extra`, e.g.\nextra:\n  colour: blue"),
                    );
                    serde_yaml::Value::Null
                }
            },
        };

        let website = front_matter.website.clone().filter(|site| {
            // A scheme in capitals (`HTTPS://`) is the same scheme.
            let lower = site.to_ascii_lowercase();
            let ok = (lower.starts_with("https://") || lower.starts_with("http://"))
                && site.split("://").nth(1).is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'))
                && !site.contains(char::is_whitespace);
            if !ok {
                diagnostics.push(
                    Diagnostic::error(format!("`website` must be a web address, not `{site}`"))
                        .at(self.at_value("website"))
                        .field("website")
                        .hint("write the full address starting with https://, e.g. website: \"https://example.org/\""),
                );
            }
            ok
        });

        let plan = (kind == Kind::Plan).then(|| PlanDetails {
            starts: front_matter.starts,
            ends: front_matter.ends,
            document: front_matter
                .document
                .as_deref()
                .and_then(|name| self.attached_file(name, diagnostics)),
        });
        let project = (kind == Kind::Project).then(|| ProjectDetails {
            status: front_matter.status.unwrap_or(fields::Status::Active),
            funding: front_matter
                .funding
                .filter(|&pounds| self.funding_is_plain(pounds, diagnostics)),
            funder: front_matter.funder.clone(),
            provider: front_matter.provider.clone(),
            partners: front_matter.partners.clone().unwrap_or_default(),
            starts: front_matter.starts,
            ends: front_matter.ends,
            website,
        });

        let attachments = self.cx.attachments;
        let options = markdown::Options {
            unsafe_html: config.unsafe_html,
            kind: self.kind,
            base_path: &config.base_path,
            content_path: self.content_path,
            is_file: &|path| attachments.contains_key(path),
            files: &|| attachments.keys().cloned().collect(),
        };
        let placeholder = body.trim();
        if placeholder.starts_with("Write the ")
            && placeholder.ends_with(" here.")
            && placeholder.len() < 40
        {
            let line = self.source.text()[..body_offset].matches('\n').count()
                + body[..body.find(placeholder).unwrap_or(0)]
                    .matches('\n')
                    .count()
                + 1;
            diagnostics.push(
                Diagnostic::warning("the text is still the example `oasis new` wrote")
                    .at(self
                        .source
                        .locate_line_col(line, 1, placeholder.chars().count()))
                    .hint("write the text below the second `---` line in place of this one"),
            );
        }
        let (body, body_diagnostics) = markdown::render(body, body_offset, self.source, &options);
        diagnostics.extend(body_diagnostics);

        Some(Document {
            kind,
            file: self.file.to_string(),
            content_path: self.content_path.to_string(),
            slug,
            slug_location,
            url,
            title: front_matter.title.unwrap_or_default(),
            summary: front_matter.summary,
            date: front_matter.date,
            updated: front_matter.updated,
            changes: front_matter.changes.unwrap_or_default(),
            all_areas,
            areas,
            priorities,
            draft: front_matter.draft.unwrap_or(false),
            aliases,
            extra,
            organisation: front_matter.organisation,
            plan,
            project,
            body,
        })
    }

    fn areas(
        &self,
        list: Option<&AreaList>,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> (bool, Vec<String>) {
        let config = self.cx.config;
        let declared = || config.areas.iter().map(|a| a.slug.as_str());
        let (all, slugs) = match list {
            None => return (false, Vec::new()),
            Some(AreaList::All) => (true, declared().map(String::from).collect::<Vec<_>>()),
            Some(AreaList::Slugs(slugs)) => {
                if slugs.is_empty() {
                    diagnostics.push(
                        Diagnostic::error("`areas` is an empty list")
                            .at(self.at_value("areas"))
                            .field("areas")
                            .hint(
                                "name at least one area, e.g. areas: [derby], or write areas: all",
                            ),
                    );
                }
                let mut kept = Vec::new();
                for slug in slugs {
                    if config.area(slug).is_none()
                        && let Some(d) = self.invisible("areas", "the area", slug)
                    {
                        diagnostics.push(d);
                    } else if config.area(slug).is_none() {
                        let missing_comma = without_commas(slug, |p| config.area(p).is_some());
                        let suggestion = match missing_comma {
                            Some(_) => None,
                            None => did_you_mean(slug, declared()),
                        };
                        diagnostics.push(
                            Diagnostic::error(format!("unknown area `{slug}`"))
                                .at(self.at_item("areas", slug))
                                .field("areas")
                                .maybe_label(suggestion.map(|s| format!("did you mean `{s}`?")))
                                .hint(if let Some(parts) = &missing_comma {
                                    format!(
                                        "put a comma between areas: areas: [{}]",
                                        parts.join(", ")
                                    )
                                } else if slug.eq_ignore_ascii_case("all") {
                                    "for every area, write areas: all (without square brackets)"
                                        .to_string()
                                } else {
                                    format!(
                                        "areas are declared in site.toml: {}",
                                        declared().collect::<Vec<_>>().join(", ")
                                    )
                                }),
                        );
                    } else if kept.contains(slug) {
                        diagnostics.push(
                            Diagnostic::warning(format!("area `{slug}` is listed twice"))
                                .at(self.at_item("areas", slug))
                                .field("areas")
                                .hint("remove one of them"),
                        );
                    } else {
                        kept.push(slug.clone());
                    }
                }
                (false, kept)
            }
        };
        if self.kind == Kind::Plan && (all || slugs.len() > 1) {
            diagnostics.push(
                Diagnostic::error("a delivery plan belongs to exactly one area")
                    .at(self.at_value("areas"))
                    .field("areas")
                    .hint("name one area, e.g. areas: [derby]; write one plan per area"),
            );
        }
        (all, slugs)
    }

    fn priorities(
        &self,
        list: Option<&[String]>,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Vec<String> {
        let config = self.cx.config;
        let declared = || config.priorities.iter().map(|p| p.slug.as_str());
        let mut kept: Vec<String> = Vec::new();
        for slug in list.unwrap_or_default() {
            if config.priority(slug).is_none()
                && let Some(d) = self.invisible("priorities", "the priority", slug)
            {
                diagnostics.push(d);
            } else if config.priority(slug).is_none() {
                let missing_comma = without_commas(slug, |p| config.priority(p).is_some());
                let suggestion = match missing_comma {
                    Some(_) => None,
                    None => did_you_mean(slug, declared()),
                };
                let known: Vec<&str> = declared().collect();
                diagnostics.push(
                    Diagnostic::error(format!("unknown priority `{slug}`"))
                        .at(self.at_item("priorities", slug))
                        .field("priorities")
                        .maybe_label(suggestion.map(|s| format!("did you mean `{s}`?")))
                        .hint(if let Some(parts) = &missing_comma {
                            format!(
                                "put a comma between priorities: priorities: [{}]",
                                parts.join(", ")
                            )
                        } else if known.is_empty() {
                            "site.toml declares no priorities; add [[priorities]] tables to it"
                                .to_string()
                        } else {
                            format!("priorities are declared in site.toml: {}", known.join(", "))
                        }),
                );
            } else if kept.contains(slug) {
                diagnostics.push(
                    Diagnostic::warning(format!("priority `{slug}` is listed twice"))
                        .at(self.at_item("priorities", slug))
                        .field("priorities")
                        .hint("remove one of them"),
                );
            } else {
                kept.push(slug.clone());
            }
        }
        kept
    }

    /// The document's URL segment: `slug:` or the file name.
    fn slug(&self, explicit: Option<&str>, diagnostics: &mut Vec<Diagnostic>) -> String {
        let name = self.content_path.rsplit('/').next().unwrap_or_default();
        // One extension, in any case: `x.md.md` is `x-md`, `Notes.Md` is `notes`.
        let stem = match name.len().checked_sub(3) {
            Some(dot) if name.is_char_boundary(dot) && name[dot..].eq_ignore_ascii_case(".md") => {
                &name[..dot]
            }
            _ => name,
        };
        match self.kind {
            Kind::Home => return String::new(),
            Kind::AreaIntro | Kind::PriorityIntro => {
                let (what, declared): (&str, Vec<&str>) = if self.kind == Kind::AreaIntro {
                    (
                        "area",
                        self.cx
                            .config
                            .areas
                            .iter()
                            .map(|a| a.slug.as_str())
                            .collect(),
                    )
                } else {
                    (
                        "priority",
                        self.cx
                            .config
                            .priorities
                            .iter()
                            .map(|p| p.slug.as_str())
                            .collect(),
                    )
                };
                if !declared.contains(&stem) {
                    let folder = self.content_path.split('/').next().unwrap_or_default();
                    let suggestion = did_you_mean(
                        stem,
                        declared
                            .iter()
                            .copied()
                            .filter(|s| !self.cx.markdown.contains(&format!("{folder}/{s}.md"))),
                    );
                    diagnostics.push(
                        Diagnostic::error(format!(
                            "`{}` introduces an {what} that site.toml does not declare: `{stem}`",
                            self.file
                        ).replace("an priority", "a priority"))
                        .in_file(self.file)
                        .hint({
                            let slug = crate::slug::slugify(stem);
                            if stem == "all" {
                                // `areas: all` means every area: no area can be `all`.
                                format!(
                                    "`all` is kept for `areas: all` in front matter, so no {what} can be called that: name the file after a declared {what} slug ({})",
                                    declared.join(", ")
                                )
                            } else if let Some(suggestion) = suggestion
                                && (slug == stem || slug.is_empty())
                            {
                                format!(
                                    "did you mean `{suggestion}.md`? An introduction's file is named after a declared {what} slug ({})",
                                    declared.join(", ")
                                )
                            } else if slug != stem && !slug.is_empty() {
                                // `Derby.md`: `Derby` is no slug to declare.
                                format!(
                                    "an introduction's file is named after its {what}'s slug, in lower case with hyphens: rename it `{slug}.md`{}",
                                    if declared.contains(&slug.as_str()) {
                                        String::new()
                                    } else {
                                        format!(", and declare `{slug}` in site.toml if it is a new {what}")
                                    }
                                )
                            } else {
                                format!(
                                    "name the file after a declared {what} slug ({}), or declare `{stem}` in site.toml",
                                    declared.join(", ")
                                )
                            }
                        }),
                    );
                }
                return stem.to_string();
            }
            _ => {}
        }
        if let Some(slug) = explicit {
            if slug.len() > MAX_SEGMENT {
                diagnostics.push(
                    Diagnostic::error(format!(
                        "`slug` is {} characters long; a web address's part may be at most {MAX_SEGMENT}",
                        slug.len()
                    ))
                    .at(self.at_value("slug"))
                    .field("slug")
                    .hint("use a few words of the title, e.g. slug: derby-careers-fair"),
                );
                // As if there were no `slug:`, so that nothing fails later on it.
                return crate::slug::slugify(stem);
            }
            if is_slug(slug) {
                return slug.to_string();
            }
            if let Some(d) = self.invisible("slug", "the slug", slug) {
                diagnostics.push(d);
                return crate::slug::slugify(slug);
            }
            diagnostics.push(
                Diagnostic::error(format!(
                    "`slug` must be lower-case letters, digits and hyphens, not `{slug}`"
                ))
                .at(self.at_value("slug"))
                .field("slug")
                .hint(format!("write slug: {}", crate::slug::slugify(slug))),
            );
            return crate::slug::slugify(slug);
        }
        let slug = crate::slug::slugify(stem);
        if slug.is_empty() {
            diagnostics.push(
                Diagnostic::error(format!("the file name `{stem}.md` gives no web address"))
                    .in_file(self.file)
                    .hint("rename the file with letters or digits, e.g. derby-plan.md, or set slug: in the front matter"),
            );
            // A stand-in that no file name gives (a slug never starts with
            // `-`), so that the page does not also seem to clash with the
            // home page or a listing (`/` for a page with an empty slug).
            return stem.bytes().map(|b| format!("-{b:02x}")).collect();
        }
        slug
    }

    fn aliases(&self, list: Option<&[String]>, diagnostics: &mut Vec<Diagnostic>) -> Vec<Alias> {
        let mut aliases = Vec::new();
        let list = list.unwrap_or_default();
        for (index, alias) in list.iter().enumerate() {
            // The same alias written twice is pointed at where it is again.
            let nth = list[..index].iter().filter(|a| *a == alias).count();
            let location = match self.nth_item_range("aliases", alias, nth) {
                Some(range) => self.source.locate(range.start, range.end),
                None => self.at_item("aliases", alias),
            };
            match alias_output(alias) {
                Ok(output) => aliases.push(Alias { output, location }),
                Err(why) => diagnostics.push(
                    Diagnostic::error(format!("alias `{alias}` {why}"))
                        .at(location)
                        .field("aliases")
                        .hint("an alias is an old address on this site, starting with /, e.g. aliases: [\"/news/derby-plan/\"]"),
                ),
            }
        }
        aliases
    }

    fn attached_file(&self, name: &str, diagnostics: &mut Vec<Diagnostic>) -> Option<AttachedFile> {
        let folder = self
            .content_path
            .rsplit_once('/')
            .map_or("", |(folder, _)| folder);
        let relative = name.trim_start_matches("./");
        // An example named after this plan (`oldham-delivery-plan.pdf`).
        let stem = self.content_path.rsplit('/').next().unwrap_or_default();
        let stem = stem.get(..stem.len().saturating_sub(3)).unwrap_or(stem);
        let example = if stem.ends_with("plan") {
            format!("{stem}.pdf")
        } else {
            format!("{stem}-delivery-plan.pdf")
        };
        let path = if folder.is_empty() {
            relative.to_string()
        } else {
            format!("{folder}/{relative}")
        };
        let safe = !relative.starts_with('/')
            && !relative.contains('\\')
            && relative
                .split('/')
                .all(|part| part != ".." && !part.is_empty());
        if !safe {
            diagnostics.push(
                Diagnostic::error(format!(
                    "the plan's `document` must be the name of a file next to the plan, not the path `{name}`"
                ))
                .at(self.at_value("document"))
                .field("document")
                .hint(format!(
                    "put the file in content/{folder}/, beside the plan, and give its name alone, e.g. document: {example}"
                )),
            );
            return None;
        }
        if path == self.content_path {
            diagnostics.push(
                Diagnostic::error("the plan's `document` names the plan's own Markdown file")
                    .at(self.at_value("document"))
                    .field("document")
                    .hint(format!(
                        "`document` is the published file (a PDF, a spreadsheet…) to put next to the plan, in content/{folder}/, e.g. document: {example}; remove the line if there is none"
                    )),
            );
            return None;
        }
        if path.to_ascii_lowercase().ends_with(".md") {
            diagnostics.push(
                Diagnostic::error(format!(
                    "the plan's `document` names a Markdown file, `{name}`, not a file to download"
                ))
                .at(self.at_value("document"))
                .field("document")
                .hint(format!(
                    "`document` is the published file (a PDF, a spreadsheet…) next to the plan, in content/{folder}/, e.g. document: {example}; to point to another document, link to it in the body with [its title](@/{path})"
                )),
            );
            return None;
        }
        // `plans/x.pdf` or `content/plans/x.pdf`: the file's path, where
        // its name alone is wanted.
        let without_folder = [format!("content/{folder}/"), format!("{folder}/")]
            .iter()
            .find_map(|prefix| relative.strip_prefix(prefix.as_str()))
            .filter(|rest| {
                !folder.is_empty()
                    && self
                        .cx
                        .attachments
                        .contains_key(&format!("{folder}/{rest}"))
            });
        if !self.cx.attachments.contains_key(&path)
            && let Some(rest) = without_folder
        {
            diagnostics.push(
                Diagnostic::error(format!(
                    "the plan's `document` is written with its folder, `{name}`, so it is looked for at `content/{path}`"
                ))
                .at(self.at_value("document"))
                .field("document")
                .hint(format!("give the file's name alone, as it is next to the plan: document: {rest}")),
            );
            return None;
        }
        match self.cx.attachments.get(&path) {
            Some(info) => Some(AttachedFile {
                url: format!("/{path}"),
                file_type: file_type(&path),
                size: info.size,
            }),
            _ if relative.split('/').any(crate::files::is_ignored) => {
                // `.plan.pdf`, `plan.pdf~`: such files are never read, so
                // "does not exist" would be wrong if it is there.
                let name = relative.rsplit('/').next().unwrap_or(relative);
                let renamed = name
                    .trim_start_matches(['.', '~', '$', '#'])
                    .trim_end_matches(['~', '#']);
                diagnostics.push(
                    Diagnostic::error(format!(
                        "the plan's `document` file `content/{path}` is left out of the site: files named like `{name}` are not published"
                    ))
                    .at(self.at_value("document"))
                    .field("document")
                    .hint(format!(
                        "names starting with `.` (hidden files) and editors' leftovers (`~`, `.swp`, `.tmp`) are left out: rename the file, e.g. to `{renamed}`, and write that name here"
                    )),
                );
                None
            }
            _ => {
                let siblings: Vec<&str> = self
                    .cx
                    .attachments
                    .keys()
                    .filter_map(|p| p.strip_prefix(&format!("{folder}/")))
                    .filter(|p| !p.contains('/'))
                    .collect();
                let suggestion = did_you_mean(relative, siblings.iter().copied());
                let mut hint = format!(
                    "put the file next to the plan, in content/{folder}/, and give its name, e.g. document: {example}"
                );
                // With no close match, the names that are there are the next best help.
                if suggestion.is_none() && !siblings.is_empty() {
                    let mut names: Vec<&str> = siblings
                        .iter()
                        .copied()
                        .filter(|s| {
                            s.rsplit_once('.').map(|(_, e)| e)
                                == relative.rsplit_once('.').map(|(_, e)| e)
                        })
                        .collect();
                    // The likeliest first: `oldham-plan.pdf` lists
                    // `oldham-delivery-plan.pdf` before `derby-…`.
                    names.sort_unstable_by(|a, b| {
                        let likeness = |name: &str| strsim::jaro_winkler(name, relative);
                        likeness(b).total_cmp(&likeness(a)).then(a.cmp(b))
                    });
                    if !names.is_empty() && names.len() <= 12 {
                        hint = format!(
                            "the files like it in content/{folder}/ are: {}; or {hint}",
                            names.join(", ")
                        );
                    }
                }
                diagnostics.push(
                    Diagnostic::error(format!(
                        "the plan's `document` file `content/{path}` does not exist"
                    ))
                    .at(self.at_value("document"))
                    .field("document")
                    .maybe_label(suggestion.map(|s| format!("did you mean `{s}`?")))
                    .hint(hint),
                );
                None
            }
        }
    }
}

/// "PDF", "CSV"… from a file name.
fn file_type(path: &str) -> String {
    path.rsplit_once('.')
        .map(|(_, ext)| ext.to_uppercase())
        .unwrap_or_else(|| "File".to_string())
}

/// The output file of an alias, or why the alias is refused.
pub fn alias_output(alias: &str) -> Result<String, &'static str> {
    if alias.contains("://")
        || alias
            .split('/')
            .next()
            .is_some_and(|first| first.contains(':'))
    {
        return Err("has a scheme; aliases are addresses on this site only");
    }
    if alias.starts_with("//") {
        return Err("names another host; aliases are addresses on this site only");
    }
    if !alias.starts_with('/') {
        return Err("must start with `/`");
    }
    let decoded = percent_decode(alias).ok_or("has a broken %-escape")?;
    if decoded.contains('\\') {
        return Err("contains a backslash");
    }
    if decoded.contains(['?', '#']) || decoded.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err("may not contain spaces, `?` or `#`");
    }
    if decoded.split('/').any(|part| part == ".." || part == ".") {
        return Err("may not contain `..` or `.` segments");
    }
    if decoded.split('/').any(|part| part.len() > MAX_SEGMENT) {
        return Err(
            "has a part between slashes longer than 255 bytes, which no file system can store",
        );
    }
    if decoded.split('/').skip(1).any(|part| part.starts_with('.')) || decoded.contains("//") {
        return Err("may not contain hidden or empty segments");
    }
    let trimmed = decoded.trim_end_matches('/');
    if trimmed.is_empty() {
        return Err("would replace the home page");
    }
    if trimmed.ends_with(".html") || trimmed.ends_with(".htm") {
        Ok(trimmed.to_string())
    } else {
        Ok(format!("{trimmed}/index.html"))
    }
}

pub fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::{LoadContext, alias_output, load_document};
    use crate::document::Kind;

    // Found while fuzzing: thousands of repeated keys re-joined the whole front
    // matter once per key (minutes for 64 KiB); they are now blanked in one pass.
    #[test]
    fn thousands_of_repeated_keys() {
        let config = crate::config::parse(
            "title = \"T\"\nbase_url = \"https://oa.example/\"\n[[areas]]\nslug = \"derby\"\nname = \"Derby\"\n",
            &Default::default(),
        )
        .expect("a valid config");
        let cx = LoadContext {
            config: &config,
            attachments: &HashMap::new(),
            today: jiff::civil::date(2024, 1, 1),
            future: false,
            markdown: &Default::default(),
        };
        let text = format!(
            "---\ntitle: \"First\"\ndate: 2018-03-01\nsummary: \"S.\"\nareas: [derby]\n{}colour: blue\n---\n",
            "title: \"Again\"\n".repeat(4000)
        );
        let (document, diagnostics) = load_document(
            &text,
            "content/announcements/a.md",
            "announcements/a.md",
            Kind::Announcement,
            &cx,
        );
        let repeated = diagnostics
            .iter()
            .filter(|d| d.message == "`title` is given twice")
            .count();
        assert_eq!(repeated, 4000);
        assert!(
            diagnostics
                .iter()
                .any(|d| d.message == "unknown key `colour`")
        );
        assert_eq!(document.expect("the first title is kept").title, "First");
    }

    #[test]
    fn aliases_stay_on_the_site() {
        assert_eq!(
            alias_output("/old/derby/").unwrap(),
            "/old/derby/index.html"
        );
        assert_eq!(alias_output("/old.html").unwrap(), "/old.html");
        for bad in [
            "old",
            "/../etc",
            "/a/%2e%2e/b",
            "https://x.org/a",
            "//evil.org/a",
            "/a\\b",
            "/",
            "javascript:alert(1)",
        ] {
            assert!(alias_output(bad).is_err(), "{bad}");
        }
    }
}
