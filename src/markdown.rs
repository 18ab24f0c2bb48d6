//! Markdown bodies to HTML, with the site's rules applied on the way.
//!
//! In: a document's body and where it starts in the file. Out: a [`Body`]
//! (HTML, heading ids, links to check) and diagnostics. CommonMark with
//! tables, footnotes, strikethrough, task lists and smart punctuation; every
//! heading gets a unique id and an anchor link; raw HTML is escaped unless
//! the site allows it; `javascript:`, `vbscript:` and `data:` targets are
//! dropped, from Markdown links and from allowed raw HTML alike; `@/` links
//! become numbered placeholders that the link stage resolves; root-relative
//! links get the base path and are recorded for checking.

use std::cell::Cell;
use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Parser, Tag, TagEnd};

use crate::diagnostics::{Diagnostic, SourceText};
use crate::document::{Body, Heading, InternalLink, Kind, SiteLink};
use crate::slug::slugify;

mod raw_structure;
mod script_addresses;
use script_addresses::script_scheme;

/// Site settings the renderer needs.
pub struct Options<'a> {
    pub unsafe_html: bool,
    /// The kind of the document: which theme ids its page has ([`theme_ids`]).
    pub kind: Kind,
    /// Prefix for root-relative links: `/` or `/preview/`.
    pub base_path: &'a str,
    /// The document's path under `content/` (`announcements/fair.md`), to
    /// suggest an `@/` link for a relative one.
    pub content_path: &'a str,
    /// Whether a file other than Markdown is at this path under `content/`
    /// (`plans/derby.pdf`): the `@/` link suggested for a relative one is
    /// one that works.
    pub is_file: &'a dyn Fn(&str) -> bool,
    /// Every such file's path, to find a file a relative link names by its
    /// name alone (`./derby.pdf` written in a page about Derby's plan).
    pub files: &'a dyn Fn() -> Vec<String>,
}

/// How deeply a body may nest lists, quotes, emphasis and (with
/// `unsafe_html`) HTML elements. Far beyond any real document, and far
/// below the depth at which the HTML minifier, which recurses, would run
/// out of stack.
pub const MAX_NESTING: usize = 100;

/// An event of the body, with the offset in the body of the raw HTML it
/// carries, if any.
type Placed<'s> = (Event<'s>, Option<usize>);

/// What a body's table is put in: a box that scrolls, named for screen
/// readers, which a keyboard can reach.
const TABLE_OPEN: &str =
    "<div class=\"table-wrapper\" role=\"region\" aria-label=\"Table\" tabindex=\"0\">";

/// `html` without its HTML comments (`<!-- … -->`), or `None` when it has
/// none. `in_comment` says whether a comment opened in an earlier piece of
/// raw HTML is still open, and is updated for the next piece.
fn without_comments(html: &str, in_comment: &mut bool) -> Option<String> {
    if !*in_comment && !html.contains("<!--") {
        return None;
    }
    let mut out = String::new();
    let mut rest = html;
    loop {
        if *in_comment {
            match rest.find("-->") {
                Some(end) => {
                    rest = &rest[end + 3..];
                    *in_comment = false;
                }
                None => break,
            }
        } else {
            match rest.find("<!--") {
                Some(start) => {
                    out.push_str(&rest[..start]);
                    rest = &rest[start + 4..];
                    // `<!-->` and `<!--->` end where they start.
                    if let Some(after) = rest.strip_prefix('>').or(rest.strip_prefix("->")) {
                        rest = after;
                    } else {
                        *in_comment = true;
                    }
                }
                None => {
                    out.push_str(rest);
                    break;
                }
            }
        }
    }
    // A comment that filled its lines leaves no blank line behind.
    if out.trim().is_empty() {
        out.clear();
    }
    Some(out)
}

/// The box of a table whose header cells are `cells`, named after them
/// ("Table: Year, Visits"), so that each table's region has a name of its
/// own among a page's landmarks, not one "Table" for all.
fn table_open(cells: &[String]) -> String {
    let mut label = format!("Table: {}", cells.join(", "));
    if label.chars().count() > 80 {
        label = label.chars().take(79).collect::<String>() + "…";
    }
    format!(
        "<div class=\"table-wrapper\" role=\"region\" aria-label=\"{}\" tabindex=\"0\">",
        escape(&label)
    )
}

/// The placeholder prefix of an unresolved `@/` link in rendered HTML.
pub const PLACEHOLDER: &str = "@/";

fn parser_options() -> pulldown_cmark::Options {
    use pulldown_cmark::Options as O;
    O::ENABLE_TABLES
        | O::ENABLE_FOOTNOTES
        | O::ENABLE_STRIKETHROUGH
        | O::ENABLE_TASKLISTS
        | O::ENABLE_SMART_PUNCTUATION
        | O::ENABLE_HEADING_ATTRIBUTES
}

/// Renders a body. `offset` is the body's byte offset in `source`.
pub fn render(
    body: &str,
    offset: usize,
    source: &SourceText,
    options: &Options,
) -> (Body, Vec<Diagnostic>) {
    let mut ids: HashMap<String, usize> = theme_ids(options.kind)
        .iter()
        .map(|id| (id.to_string(), 0))
        .collect();
    if options.unsafe_html {
        // Ids written in the body's HTML, wherever they are, so that no
        // heading takes one (`<span id="funding">` and `## Funding`).
        for id in raw_ids(body) {
            ids.entry(id).or_insert(0);
        }
    }
    let mut renderer = Renderer {
        source,
        offset,
        body,
        options,
        out: Body::default(),
        diagnostics: Vec::new(),
        ids,
        dropped_links: Vec::new(),
        depth: 0,
        too_deep: false,
        same_page: Vec::new(),
        link_texts: Vec::new(),
        code: Vec::new(),
        links: Vec::new(),
    };
    let mut events = renderer.transform(Parser::new_ext(body, parser_options()).into_offset_iter());
    renderer.report_unread_links();
    renderer.name_footnotes(&mut events);
    let events = renderer.gather_footnotes(events);
    // A body nested too deeply is an error; its HTML is left out so that
    // nothing after this stage (the minifier, which recurses) has to
    // take it in.
    if !renderer.too_deep {
        let (mut html, mut raw_html) = write_html(events, body.len() * 3 / 2);
        if html.contains("></th>") {
            empty_header_cells_as_data(&mut html, &raw_html);
        }
        renderer.out.html = if raw_html.is_empty() {
            html
        } else {
            // A piece places messages only if its bytes in the HTML are the
            // file's at the offset it carries (not so for one that was not
            // found in its range, or was escaped as an image's text); every
            // piece is checked all the same.
            raw_html.retain(|piece| {
                let rendered = html.get(piece.html.clone());
                rendered.is_some()
                    && rendered == body.get(piece.source..piece.source + piece.html.len())
            });
            renderer.check_raw_structure(&html, &raw_html);
            renderer.remove_script_addresses(&html, &raw_html)
        };
    }
    renderer.check_same_page_links();
    let theme = theme_ids(options.kind);
    let mut ids: Vec<String> = renderer
        .ids
        .keys()
        .filter(|id| !theme.contains(&id.as_str()))
        .cloned()
        .collect();
    ids.sort_unstable();
    renderer.out.ids = ids;
    // Every body stays in memory until the end of the build: give back what
    // the guess above over-reserved.
    renderer.out.html.shrink_to_fit();
    (renderer.out, renderer.diagnostics)
}

/// The ids the built-in theme (`themes/opportunity/templates`) puts on the
/// page that shows a body of `kind`, besides the body's own: a heading or a
/// footnote never takes one of them, so every id on the page stays unique.
/// Pages that show no body (lists, the timeline, search) do not count. A
/// theme of one's own may use other ids: docs/TEMPLATES.md asks it to
/// choose ids no heading can take.
pub fn theme_ids(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Announcement | Kind::Project | Kind::Page => &[
            "main-content",
            "header-search-q",
            "contents-heading",
            "related-heading",
        ],
        Kind::Plan => &[
            "main-content",
            "header-search-q",
            "contents-heading",
            "related-heading",
            "documents",
        ],
        Kind::Home => &[
            "main-content",
            "header-search-q",
            "latest",
            "areas",
            "priorities",
        ],
        Kind::AreaIntro => &[
            "main-content",
            "header-search-q",
            "contents-heading",
            "delivery-plan",
            "funding",
            "funding-by-priority-caption",
            "funding-by-priority-title",
            "funding-by-priority-desc",
            "projects",
            "announcements",
        ],
        Kind::PriorityIntro => &[
            "main-content",
            "header-search-q",
            "contents-heading",
            "delivery-plans",
            "funding",
            "funding-by-area-caption",
            "funding-by-area-title",
            "funding-by-area-desc",
            "projects",
            "announcements",
        ],
    }
}

/// Where a piece of raw HTML from the body landed in the rendered HTML.
struct RawHtml {
    /// Its bytes in the rendered HTML, which holds them unchanged.
    html: Range<usize>,
    /// The body offset of its first byte.
    source: usize,
}

/// Renders events to HTML as `pulldown_cmark::html::push_html` does, and
/// notes where each piece of raw HTML (an event carrying its body offset)
/// landed, so that a problem found in the HTML can be reported in the file.
fn write_html(events: Vec<(Event<'_>, Option<usize>)>, capacity: usize) -> (String, Vec<RawHtml>) {
    /// A `String` that shares its length with the event iterator.
    struct Counted<'a> {
        html: String,
        len: &'a Cell<usize>,
    }
    impl std::fmt::Write for Counted<'_> {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            self.html.push_str(s);
            self.len.set(self.html.len());
            Ok(())
        }
    }
    let len = Cell::new(0);
    let mut out = Counted {
        html: String::with_capacity(capacity),
        len: &len,
    };
    let mut raw_html = Vec::new();
    // The writer writes each event in full before taking the next, and raw
    // HTML verbatim: its bytes start where the HTML ends when it is taken.
    let events = events.into_iter().map(|(event, source)| {
        if let (Some(source), Event::Html(text) | Event::InlineHtml(text)) = (source, &event) {
            let start = len.get();
            raw_html.push(RawHtml {
                html: start..start + text.len(),
                source,
            });
        }
        event
    });
    pulldown_cmark::html::write_html_fmt(&mut out, events)
        .expect("writing to a String cannot fail");
    (out.html, raw_html)
}

/// Makes each empty header cell (a table's top-left corner, when both its
/// rows and its columns have headers) a data cell: a header that names
/// nothing is read out as an empty label (axe's `empty-table-header`).
/// The HTML keeps its length, so raw HTML keeps its place, and raw HTML's
/// own cells are left as written.
fn empty_header_cells_as_data(html: &mut String, raw_html: &[RawHtml]) {
    let mut from = 0;
    while let Some(found) = html[from..].find("></th>") {
        let close = from + found + 1;
        from = close + "</th>".len();
        let Some(open) = html[..close].rfind('<') else {
            continue;
        };
        let tag = &html[open..close];
        if (tag == "<th>" || tag.starts_with("<th "))
            && !raw_html.iter().any(|piece| piece.html.contains(&open))
        {
            html.replace_range(open + 2..open + 3, "d");
            html.replace_range(close + 3..close + 4, "d");
        }
    }
}

struct Renderer<'s, 'o> {
    source: &'s SourceText<'s>,
    offset: usize,
    body: &'s str,
    options: &'o Options<'o>,
    out: Body,
    diagnostics: Vec<Diagnostic>,
    /// Every id taken on the page (the theme's, then the headings' and the
    /// footnotes'), with how many times it was wanted as a base.
    ids: HashMap<String, usize>,
    /// Whether each open link/image was dropped (unsafe target).
    dropped_links: Vec<bool>,
    /// How many elements are open, counting raw HTML ones.
    depth: usize,
    /// Whether `MAX_NESTING` was passed (reported once).
    too_deep: bool,
    /// Links to an id on this page (`#funding`), checked once every id is known.
    same_page: Vec<(String, crate::diagnostics::Location)>,
    /// The open links' starts and the text met in them so far.
    link_texts: Vec<(usize, String)>,
    /// Where the body's code spans and blocks are: `[^x]` in them is code.
    code: Vec<Range<usize>>,
    /// Where the body's links and images are.
    links: Vec<Range<usize>>,
}

impl<'s> Renderer<'s, '_> {
    /// The body's events with the site's rules applied. Raw HTML that is
    /// let through carries its offset in the body.
    fn transform(
        &mut self,
        events: impl Iterator<Item = (Event<'s>, Range<usize>)>,
    ) -> Vec<(Event<'s>, Option<usize>)> {
        let mut out: Vec<Placed<'s>> = Vec::new();
        let mut heading: Option<(HeadingLevel, Option<CowStr<'s>>, Vec<_>, usize)> = None;
        // Whether escaped raw HTML is inside an HTML comment that an earlier
        // piece opened.
        let mut in_comment = false;
        // The open table's box (its index in `out`) and, while its header
        // row is read, the header cells' text: the box is named after them.
        let mut table: Option<(usize, Option<Vec<String>>)> = None;
        for (event, range) in events {
            if let Some((at, head)) = &mut table {
                match &event {
                    Event::Start(Tag::TableHead) => *head = Some(vec![String::new()]),
                    Event::Text(text) | Event::Code(text) => {
                        if let Some(cell) = head.as_mut().and_then(|cells| cells.last_mut()) {
                            cell.push_str(text);
                        }
                    }
                    Event::End(TagEnd::TableCell) => {
                        if let Some(cells) = head.as_mut() {
                            cells.push(String::new());
                        }
                    }
                    Event::End(TagEnd::TableHead) => {
                        let cells: Vec<String> = head
                            .take()
                            .unwrap_or_default()
                            .into_iter()
                            .map(|cell| cell.trim().to_string())
                            .filter(|cell| !cell.is_empty())
                            .collect();
                        if !cells.is_empty() {
                            out[*at].0 = Event::Html(CowStr::from(table_open(&cells)));
                        }
                    }
                    _ => {}
                }
            }
            if matches!(event, Event::Code(_) | Event::Start(Tag::CodeBlock(_))) {
                self.code.push(range.clone());
            }
            if matches!(event, Event::Start(Tag::Link { .. } | Tag::Image { .. })) {
                self.links.push(range.clone());
            }
            self.nest(&event, &range);
            self.name_links(&event, &range);
            let source = match &event {
                Event::Html(html) | Event::InlineHtml(html) if self.options.unsafe_html => {
                    Some(self.text_start(html, &range))
                }
                _ => None,
            };
            let event = match event {
                // A wide table scrolls inside a box a keyboard can reach
                // and scroll, rather than widening the page (WCAG 1.4.10,
                // 2.1.1).
                Event::Start(Tag::Table(alignments)) => {
                    table = Some((out.len(), None));
                    out.push((Event::Html(CowStr::Borrowed(TABLE_OPEN)), None));
                    Event::Start(Tag::Table(alignments))
                }
                Event::End(TagEnd::Table) => {
                    out.push((Event::End(TagEnd::Table), None));
                    out.push((Event::Html(CowStr::Borrowed("</div>\n")), None));
                    continue;
                }
                // Code scrolls inside its box too: focusable, for the same reason.
                Event::Start(Tag::CodeBlock(kind)) => {
                    let language = match &kind {
                        pulldown_cmark::CodeBlockKind::Fenced(info) => info
                            .split([' ', ','])
                            .next()
                            .unwrap_or_default()
                            .to_string(),
                        pulldown_cmark::CodeBlockKind::Indented => String::new(),
                    };
                    let open = if language.is_empty() {
                        "<pre tabindex=\"0\"><code>".to_string()
                    } else {
                        format!(
                            "<pre tabindex=\"0\"><code class=\"language-{}\">",
                            escape(&language)
                        )
                    };
                    Event::Html(CowStr::from(open))
                }
                Event::End(TagEnd::CodeBlock) => Event::Html(CowStr::Borrowed("</code></pre>\n")),
                Event::Start(Tag::Heading { level, id, .. }) => {
                    if level == HeadingLevel::H1 {
                        self.diagnostics.push(
                            Diagnostic::warning("a level-1 heading (`#`) in the body")
                                .at(self.locate(range.start, range.start + 1))
                                .hint("the title is the page's only level-1 heading: start body headings with `##`"),
                        );
                    }
                    // The title is the page's level 1; each heading may go at
                    // most one level below the one before (WCAG 1.3.1).
                    let shown = (level as u8).max(2);
                    let previous = self.out.headings.last().map_or(1, |h| h.level);
                    if shown > previous + 1 {
                        self.diagnostics.push(
                            Diagnostic::warning(format!(
                                "a level-{shown} heading follows a level-{previous} heading"
                            ))
                            .at(self.locate(range.start, range.start + shown as usize))
                            .hint(format!(
                                "headings go down one level at a time, so that screen readers can follow the page's outline: use `{}` here",
                                "#".repeat(previous as usize + 1)
                            )),
                        );
                    }
                    heading = Some((level, id, Vec::new(), range.start));
                    continue;
                }
                Event::End(TagEnd::Heading(_)) => {
                    if let Some((level, id, inner, start)) = heading.take() {
                        // Invisible characters (a zero-width space, a
                        // soft hyphen) show nothing either.
                        let text = heading_text(&inner);
                        let visible = text.chars().any(|c| {
                            !c.is_whitespace()
                                && !matches!(
                                    c,
                                    '\u{200B}'..='\u{200F}' | '\u{00AD}' | '\u{2060}' | '\u{FEFF}'
                                )
                        });
                        if !visible {
                            // Nothing for a reader, a screen reader's list of
                            // headings or the contents to show (WCAG 2.4.6).
                            self.diagnostics.push(
                                Diagnostic::warning("an empty heading")
                                    .at(self.locate(start, start + 1))
                                    .hint("write the heading's words after the `#` signs, or remove the line; it is left out of the page"),
                            );
                        } else {
                            self.heading(level, id, inner, start, &mut out);
                        }
                    }
                    continue;
                }
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => {
                    let Some(dest_url) = self.keep_link(&dest_url, link_type, &range, false) else {
                        continue;
                    };
                    Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    })
                }
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => {
                    // WCAG 1.1.1: a screen reader says nothing, or the file
                    // name, for an image with no text.
                    let source = &self.body[range.clone()];
                    if let Some(rest) = source.strip_prefix("![")
                        && rest
                            .split(']')
                            .next()
                            .is_some_and(|alt| alt.trim().is_empty())
                    {
                        self.diagnostics.push(
                            Diagnostic::warning("an image without a description")
                                .at(self.locate(range.start, range.start + 3))
                                .hint(if title.is_empty() {
                                    "write what the image shows between the brackets, for screen readers and when it does not load: ![Pupils at the Derby careers fair](fair.jpg)"
                                } else {
                                    "write what the image shows between the brackets: the title in quotes is only shown on hover, and screen readers treat an image without a description as decoration"
                                }),
                        );
                    }
                    let Some(dest_url) = self.keep_link(&dest_url, link_type, &range, true) else {
                        continue;
                    };
                    Event::Start(Tag::Image {
                        link_type,
                        dest_url,
                        title,
                        id,
                    })
                }
                Event::End(TagEnd::Link) | Event::End(TagEnd::Image) => {
                    if self.dropped_links.pop().unwrap_or(false) {
                        continue;
                    }
                    event
                }
                Event::Html(html) | Event::InlineHtml(html) if !self.options.unsafe_html => {
                    // A comment is a note to other writers (`<!-- check the
                    // figure -->`), which a browser never shows: escaped,
                    // it would be shown on the page. It is dropped.
                    match without_comments(&html, &mut in_comment) {
                        Some(text) if text.is_empty() => continue,
                        Some(text) => Event::Text(CowStr::from(text)),
                        None => Event::Text(html),
                    }
                }
                Event::TaskListMarker(done) => Event::InlineHtml(CowStr::Borrowed(if done {
                    "<input type=\"checkbox\" disabled checked aria-label=\"Done\"> "
                } else {
                    "<input type=\"checkbox\" disabled aria-label=\"Not done\"> "
                })),
                other => other,
            };
            match &mut heading {
                Some((_, _, inner, _)) => inner.push((event, source)),
                None => out.push((event, source)),
            }
        }
        out
    }

    /// The body offset where an event's `text` starts: its first occurrence
    /// in the event's source range (which may hold more, such as a quote's
    /// `>`), or the range's start.
    fn text_start(&self, text: &str, range: &Range<usize>) -> usize {
        range.start + self.body[range.clone()].find(text).unwrap_or(0)
    }

    /// Gives every footnote an id of its own, `fn-` and its label as a slug,
    /// unique among the page's ids once the headings have theirs: a footnote
    /// `[^sources]` beside a heading `## Sources` would otherwise take the
    /// heading's id. Labels match whatever their case, as the parser matches
    /// them, so a reference and its definition always get the same id.
    fn name_footnotes(&mut self, events: &mut [(Event<'s>, Option<usize>)]) {
        let mut names: HashMap<String, CowStr<'s>> = HashMap::new();
        for (event, _) in events {
            let (Event::FootnoteReference(label) | Event::Start(Tag::FootnoteDefinition(label))) =
                event
            else {
                continue;
            };
            let key = label.to_lowercase();
            let name = match names.get(&key) {
                Some(name) => name.clone(),
                None => {
                    let slug = slugify(label);
                    let base = if slug.is_empty() {
                        "fn".to_string()
                    } else {
                        format!("fn-{slug}")
                    };
                    let name = CowStr::from(self.unique_id(base));
                    names.insert(key, name.clone());
                    name
                }
            };
            *label = name;
        }
    }

    /// Footnotes as a list at the end of the body, each reference a link
    /// named "Footnote 1" with an id, each note with a link back to every
    /// reference to it ("Back to reference 1"), so that a keyboard or
    /// screen-reader user can go to a note and return (WCAG 2.4.4, 1.3.1).
    /// Notes are numbered in the order they are first referred to; a note
    /// nothing refers to comes last, with a warning, as does a reference
    /// to a note that does not exist (the parser leaves it as text).
    fn gather_footnotes(
        &mut self,
        events: Vec<(Event<'s>, Option<usize>)>,
    ) -> Vec<(Event<'s>, Option<usize>)> {
        // The notes' numbers, in order of first reference, and their
        // references' ids.
        let mut order: Vec<String> = Vec::new();
        let mut references: HashMap<String, Vec<String>> = HashMap::new();
        let mut defined: Vec<String> = Vec::new();
        for (event, _) in &events {
            match event {
                Event::FootnoteReference(id) => {
                    if !references.contains_key(id.as_ref()) {
                        order.push(id.to_string());
                    }
                    let base = format!("{id}-ref");
                    let reference = self.unique_id(base);
                    references
                        .entry(id.to_string())
                        .or_default()
                        .push(reference);
                }
                Event::Start(Tag::FootnoteDefinition(id)) => defined.push(id.to_string()),
                _ => {}
            }
        }
        self.report_footnote_mistakes(&defined, &references);
        if defined.is_empty() && references.is_empty() {
            return events;
        }
        let number = |id: &str| order.iter().position(|o| o == id).map(|i| i + 1);
        let mut out = Vec::with_capacity(events.len() + 8);
        let mut notes: HashMap<String, Vec<Placed<'s>>> = HashMap::new();
        let mut uses: HashMap<String, usize> = HashMap::new();
        let mut note: Option<(String, Vec<Placed<'s>>)> = None;
        for (event, source) in events {
            match event {
                Event::Start(Tag::FootnoteDefinition(id)) => {
                    note = Some((id.to_string(), Vec::new()))
                }
                Event::End(TagEnd::FootnoteDefinition) => {
                    if let Some((id, body)) = note.take() {
                        notes.entry(id).or_insert(body);
                    }
                }
                Event::FootnoteReference(id) => {
                    let used = uses.entry(id.to_string()).or_default();
                    let reference = &references[id.as_ref()][*used];
                    *used += 1;
                    let n = number(&id).unwrap_or_default();
                    let html = format!(
                        "<sup class=\"footnote-reference\"><a href=\"#{}\" id=\"{}\" aria-label=\"Footnote {n}\">{n}</a></sup>",
                        escape(&id),
                        escape(reference)
                    );
                    let event = (Event::InlineHtml(CowStr::from(html)), None);
                    match &mut note {
                        Some((_, body)) => body.push(event),
                        None => out.push(event),
                    }
                }
                event => match &mut note {
                    Some((_, body)) => body.push((event, source)),
                    None => out.push((event, source)),
                },
            }
        }
        // Referred-to notes in number order, then the rest as written.
        let mut listed: Vec<String> = order
            .iter()
            .filter(|id| notes.contains_key(*id))
            .cloned()
            .collect();
        listed.extend(
            defined
                .iter()
                .filter(|id| !references.contains_key(*id))
                .cloned(),
        );
        if listed.is_empty() {
            return out;
        }
        out.push((
            Event::Html(CowStr::Borrowed("<section class=\"footnotes\" aria-label=\"Footnotes\"><ol class=\"footnotes__list\">\n")),
            None,
        ));
        for (position, id) in listed.iter().enumerate() {
            let Some(body) = notes.remove(id) else {
                continue;
            };
            out.push((
                Event::Html(CowStr::from(format!("<li id=\"{}\">", escape(id)))),
                None,
            ));
            out.extend(body);
            let n = position + 1;
            let back = references.get(id).map(Vec::as_slice).unwrap_or_default();
            let mut links = String::new();
            for (k, reference) in back.iter().enumerate() {
                let label = if back.len() == 1 {
                    format!("Back to reference {n}")
                } else {
                    format!("Back to reference {n} ({})", k + 1)
                };
                links.push_str(&format!(
                    " <a class=\"footnote-back\" href=\"#{}\" aria-label=\"{label}\">↩</a>",
                    escape(reference)
                ));
            }
            out.push((Event::Html(CowStr::from(format!("{links}</li>\n"))), None));
        }
        out.push((Event::Html(CowStr::Borrowed("</ol></section>\n")), None));
        out
    }

    /// A warning for each `[text](address)` that Markdown did not read as a
    /// link because its address has a space (`@/plans/Derby Plan.pdf`,
    /// `https://www.gov .uk`): the page would show it as typed.
    fn report_unread_links(&mut self) {
        let body = self.body;
        if !body.contains("](") {
            return;
        }
        let looks_like_an_address = |address: &str| {
            ["@/", "/", "http://", "https://", "mailto:", "www."]
                .iter()
                .any(|start| address.starts_with(start))
        };
        // HTML comments are left out of the page: nothing in them shows.
        let mut comments: Vec<Range<usize>> = Vec::new();
        let mut from = 0;
        while let Some(open) = body[from..].find("<!--").map(|o| from + o) {
            let close = body[open + 4..]
                .find("-->")
                .map_or(body.len(), |c| open + 4 + c + 3);
            comments.push(open..close);
            from = close;
        }
        for (at, _) in body.match_indices("](") {
            let start = at + 2;
            let inside = |ranges: &[Range<usize>]| ranges.iter().any(|r| r.contains(&at));
            if inside(&self.code) || inside(&self.links) || inside(&comments) {
                continue;
            }
            let line = body[start..].split('\n').next().unwrap_or_default();
            let Some(close) = line.find(')') else {
                continue;
            };
            let address = &line[..close];
            if !address.contains(char::is_whitespace) || !looks_like_an_address(address) {
                continue;
            }
            let first = address.split_whitespace().next().unwrap_or_default();
            let hint = if first == "@/" || address.starts_with("@/ ") {
                "remove the space after `@/`".to_string()
            } else if first.starts_with("http") || first.starts_with("www.") {
                "a web address has no spaces: remove them".to_string()
            } else {
                format!(
                    "put the address in angle brackets, which allow spaces: [text](<{address}>)"
                )
            };
            self.diagnostics.push(
                Diagnostic::warning(
                    "this is not read as a link, because its address has a space: the page shows it as typed",
                )
                .at(self.locate(start, start + close))
                .hint(hint),
            );
        }
    }

    /// Warnings for a note nothing refers to, and for a reference to a
    /// note that does not exist (left in the text as `[^label]`).
    fn report_footnote_mistakes(
        &mut self,
        defined: &[String],
        references: &HashMap<String, Vec<String>>,
    ) {
        let body = self.body;
        let in_code = |at: usize| self.code.iter().any(|code| code.contains(&at));
        for id in defined.iter().filter(|id| !references.contains_key(*id)) {
            // The note's definition as written (`[^İx]:`), found by its id.
            let written = body.match_indices("[^").find_map(|(at, _)| {
                let (label, _) = body[at + 2..].split_once("]:")?;
                (!label.contains([']', '\n']) && format!("fn-{}", slugify(label)) == *id)
                    .then_some((at, label))
            });
            let (at, label) = written.unwrap_or((0, id.strip_prefix("fn-").unwrap_or(id)));
            self.diagnostics.push(
                Diagnostic::warning(format!("the footnote `[^{label}]` is not referred to"))
                    .at(self.locate(at, at + 1))
                    .hint(format!("refer to it in the text with [^{label}], or remove the note; it is listed after the others")),
            );
        }
        let mut search = 0;
        while let Some(found) = body[search..].find("[^") {
            let start = search + found;
            search = start + 2;
            if in_code(start) {
                continue;
            }
            let Some(end) = body[search..].find(']').map(|e| search + e) else {
                break;
            };
            let label = &body[search..end];
            if label.is_empty() || label.contains(['[', '\n']) || body[end + 1..].starts_with(':') {
                continue;
            }
            let id = format!("fn-{}", slugify(label));
            let known = defined
                .iter()
                .any(|d| *d == id || d.starts_with(&format!("{id}-")));
            if !known {
                self.diagnostics.push(
                    Diagnostic::warning(format!("there is no footnote `[^{label}]`"))
                        .at(self.locate(start, end + 1))
                        .hint(format!(
                            "add the note on a line of its own: [^{label}]: The text of the note."
                        )),
                );
            }
        }
    }

    /// The target a link or image keeps ([`Self::link_target`]), or `None`
    /// if it is dropped; either way remembered until the link's end.
    fn keep_link(
        &mut self,
        dest_url: &CowStr<'s>,
        link_type: LinkType,
        range: &Range<usize>,
        image: bool,
    ) -> Option<CowStr<'s>> {
        let kept = self.link_target(dest_url, link_type, range, image);
        self.dropped_links.push(kept.is_none());
        kept
    }

    /// Follows the text of each link, and warns about one a screen reader
    /// could only call "link" or "number sign" (WCAG 2.4.4): no text (an
    /// image without a description counts as none), or only `#`.
    fn name_links(&mut self, event: &Event<'s>, range: &Range<usize>) {
        match event {
            Event::Start(Tag::Link { .. }) => self.link_texts.push((range.start, String::new())),
            Event::Text(text) | Event::Code(text) => {
                if let Some((_, seen)) = self.link_texts.last_mut() {
                    seen.push_str(text);
                }
            }
            Event::End(TagEnd::Link) => {
                let Some((start, text)) = self.link_texts.pop() else {
                    return;
                };
                let message = match text.trim() {
                    "" => "a link without text",
                    "#" => "a link whose only text is `#`",
                    _ => return,
                };
                self.diagnostics.push(
                    Diagnostic::warning(message)
                        .at(self.locate(start, start + 1))
                        .hint("put words between the brackets that say where the link goes, e.g. [Derby's delivery plan](@/plans/derby.md); screen readers list links by their text"),
                );
            }
            _ => {}
        }
    }

    /// Follows how deeply the body nests, and reports the first place it
    /// goes beyond [`MAX_NESTING`].
    fn nest(&mut self, event: &Event<'s>, range: &Range<usize>) {
        // The deepest this event goes: raw HTML may open and close within it.
        let deepest = match event {
            Event::Start(_) => {
                self.depth += 1;
                self.depth
            }
            Event::End(_) => {
                self.depth = self.depth.saturating_sub(1);
                self.depth
            }
            Event::Html(html) | Event::InlineHtml(html) if self.options.unsafe_html => {
                let (depth, deepest) = html_nesting(self.depth, html);
                self.depth = depth;
                deepest
            }
            _ => self.depth,
        };
        if deepest > MAX_NESTING && !self.too_deep {
            self.too_deep = true;
            self.diagnostics.push(
                Diagnostic::error(format!(
                    "the text here is nested more than {MAX_NESTING} levels deep"
                ))
                .at(self.locate(range.start, range.start + 1))
                .hint("lists, quotes, emphasis or HTML elements inside one another this deeply cannot be shown: take some levels away"),
            );
        }
    }

    fn locate(&self, start: usize, end: usize) -> crate::diagnostics::Location {
        self.source.locate(self.offset + start, self.offset + end)
    }

    /// Emits a heading with a unique id and an anchor link.
    fn heading(
        &mut self,
        level: HeadingLevel,
        explicit_id: Option<CowStr<'s>>,
        inner: Vec<(Event<'s>, Option<usize>)>,
        start: usize,
        out: &mut Vec<(Event<'s>, Option<usize>)>,
    ) {
        let text = heading_text(&inner);
        let explicit = explicit_id.map(|id| id.to_string());
        let base = explicit.clone().unwrap_or_else(|| slugify(&text));
        let base = if base.is_empty() {
            "section".to_string()
        } else {
            base
        };
        let id = self.unique_id(base);
        // An id the writer chose is one links may already use: say so when
        // it cannot be kept.
        if let Some(explicit) = explicit.filter(|e| *e != id) {
            self.diagnostics.push(
                Diagnostic::warning(format!(
                    "the heading's id `{explicit}` is taken on this page, so it is `{id}`"
                ))
                .at(self.locate(start, start + 1))
                .hint(format!(
                    "choose another id after the heading, e.g. {{#{explicit}-more}}; links to #{explicit} go to the first one"
                )),
            );
        }
        let level = match level {
            HeadingLevel::H1 => 2,
            other => other as u8,
        };
        let escaped_id = escape(&id);
        out.push((
            Event::Html(CowStr::from(format!(
                "<div class=\"heading\"><h{level} id=\"{escaped_id}\">"
            ))),
            None,
        ));
        out.extend(inner);
        out.push((
            Event::Html(CowStr::from(format!(
                "</h{level}><a class=\"heading-anchor\" href=\"#{escaped_id}\"><span aria-hidden=\"true\">#</span><span class=\"visually-hidden\">Link to this section: {}</span></a></div>\n",
                escape(&text)
            ))),
            None,
        ));
        self.out.headings.push(Heading { level, id, text });
    }

    fn unique_id(&mut self, base: String) -> String {
        let mut candidate = base.clone();
        while let Some(count) = self.ids.get_mut(&candidate) {
            *count += 1;
            let next = format!("{base}-{count}");
            if !self.ids.contains_key(&next) {
                candidate = next;
                break;
            }
        }
        self.ids.entry(candidate.clone()).or_insert(0);
        candidate
    }

    /// The href to emit for a link, or `None` to drop the link.
    fn link_target(
        &mut self,
        dest: &CowStr<'s>,
        link_type: LinkType,
        range: &Range<usize>,
        image: bool,
    ) -> Option<CowStr<'s>> {
        let span = self.dest_span(dest, range);
        if let Some(scheme) = script_scheme(dest) {
            self.diagnostics.push(
                Diagnostic::warning(format!(
                    "{} to a `{scheme}:` address was removed",
                    if image { "an image" } else { "a link" }
                ))
                .at(self.locate(span.start, span.end))
                .hint("links may go to web pages, email addresses and files; the text is kept without the link"),
            );
            return None;
        }
        if let Some(problem) = unusable_address(dest) {
            let location = self.locate(span.start, span.end);
            self.diagnostics.push(problem.at(location));
            return Some(dest.clone());
        }
        if let Some(target) = dest.strip_prefix("@/") {
            let (path, anchor) = match target.split_once('#') {
                Some((path, anchor)) => (path, Some(anchor.to_string())),
                None => (target, None),
            };
            let index = self.out.internal_links.len();
            self.out.internal_links.push(InternalLink {
                path: path.to_string(),
                anchor,
                location: self.locate(span.start, span.end),
            });
            return Some(CowStr::from(format!("{PLACEHOLDER}{index}")));
        }
        if let Some(anchor) = dest.strip_prefix('#') {
            if !anchor.is_empty() {
                let location = self.locate(span.start, span.end);
                self.same_page.push((anchor.to_string(), location));
            }
            return Some(dest.clone());
        }
        if is_relative(dest) && link_type != LinkType::Email {
            let location = self.locate(span.start, span.end);
            self.relative_link(dest, location, image);
            return Some(dest.clone());
        }
        if dest.starts_with('/') && !dest.starts_with("//") && link_type != LinkType::Email {
            let path = dest
                .split(['#', '?'])
                .next()
                .unwrap_or_default()
                .to_string();
            let anchor = dest
                .split_once('#')
                .map(|(_, anchor)| anchor.to_string())
                .filter(|anchor| !anchor.is_empty());
            self.out.site_links.push(SiteLink {
                path,
                anchor,
                location: self.locate(span.start, span.end),
            });
            if self.options.base_path != "/" {
                return Some(CowStr::from(format!(
                    "{}{}",
                    self.options.base_path,
                    &dest[1..]
                )));
            }
        }
        Some(dest.clone())
    }

    /// The error for a relative link (`plans/derby/`, `chart.png`): the
    /// page of `content/announcements/fair.md` is `/announcements/fair/`,
    /// so it is read from there, not from the file's folder, and breaks.
    fn relative_link(&mut self, dest: &str, location: crate::diagnostics::Location, image: bool) {
        let what = if image { "image" } else { "link" };
        let folder = self
            .options
            .content_path
            .rsplit_once('/')
            .map_or("", |(folder, _)| folder);
        let path = dest.split(['#', '?']).next().unwrap_or_default();
        let mut parts: Vec<&str> = folder.split('/').filter(|p| !p.is_empty()).collect();
        for part in path.split('/') {
            match part {
                "" | "." => {}
                ".." => {
                    parts.pop();
                }
                part => parts.push(part),
            }
        }
        let joined = parts.join("/");
        let looks_like_a_host = path.split('/').next().is_some_and(|first| {
            first.starts_with("www.")
                || first.ends_with(".uk")
                || first.ends_with(".com")
                || first.ends_with(".org")
        });
        let lower = dest.to_ascii_lowercase();
        let is_email = !dest.contains('/')
            && dest
                .split_once('@')
                .is_some_and(|(name, host)| !name.is_empty() && host.contains('.'));
        let hint = if is_email {
            format!("for an email address, write mailto: in front: mailto:{dest}")
        } else if let Some(rest) = ["https//", "http//", "https:/", "http:/"]
            .iter()
            .find_map(|start| lower.starts_with(start).then(|| &dest[start.len()..]))
        {
            let scheme = if lower.starts_with("https") {
                "https"
            } else {
                "http"
            };
            format!(
                "write the address's start in full, with a colon and two slashes: {scheme}://{}",
                rest.trim_start_matches('/')
            )
        } else if let Some(rest) = dest.strip_prefix('@') {
            format!(
                "an internal link starts with @ and a slash: @/{}",
                rest.trim_start_matches('/')
            )
        } else if let Some(rest) = path.strip_prefix("content/") {
            format!("write the path from inside content/, after @/: @/{rest}")
        } else if looks_like_a_host {
            format!("for another website, write the whole address: https://{dest}")
        } else if !path.rsplit('/').next().unwrap_or_default().contains('.') {
            // A page's address is written as if from the site's root.
            let page: Vec<&str> = path
                .split('/')
                .filter(|p| !matches!(*p, "" | "." | ".."))
                .collect();
            let page = page.join("/");
            if page.is_empty() {
                "write / for the site's home page, or the page's whole address from /, as in /areas/derby/".to_string()
            } else {
                format!(
                    "start the address of a page of this site with /, as in /{page}/, or link to its file with @/, as in @/{page}.md"
                )
            }
        } else if path.to_ascii_lowercase().ends_with(".md") && !path.starts_with('.') {
            // `plans/derby.md` names another document: writers mean it
            // from content/, not from this document's folder.
            format!(
                "link to the document from content/ with @/: @/{}",
                path.trim_start_matches('/')
            )
        } else if (self.options.is_file)(&joined) {
            format!("link to the file from content/ with @/: @/{joined}")
        } else {
            // Not beside this document: a file of that name elsewhere?
            let name = joined.rsplit('/').next().unwrap_or_default();
            let found: Vec<String> = (self.options.files)()
                .into_iter()
                .filter(|file| file.rsplit('/').next() == Some(name))
                .collect();
            match found.as_slice() {
                [file] => format!("link to the file from content/ with @/: @/{file}"),
                _ => format!(
                    "link to the file from content/ with @/, as in @/{joined} (there is no such file yet: put it there, or correct the name)"
                ),
            }
        };
        let message = if is_email {
            format!(
                "the {what} `{dest}` is an email address without `mailto:`, so it would be read as a page's address and break"
            )
        } else {
            format!(
                "the {what} `{dest}` is relative, so it would be read from this page's own address and break"
            )
        };
        self.diagnostics
            .push(Diagnostic::error(message).at(location).hint(hint));
    }

    /// Same-page links (`#funding`) to an id the page does not have: its
    /// headings', its footnotes', the theme's and, with `unsafe_html`, any
    /// in the body's HTML.
    fn check_same_page_links(&mut self) {
        if self.same_page.is_empty() {
            return;
        }
        let mut ids: Vec<String> = self.ids.keys().cloned().collect();
        if self.options.unsafe_html {
            let html = &self.out.html;
            for (at, _) in html.match_indices(" id=\"") {
                let value = &html[at + 5..];
                if let Some(end) = value.find('"') {
                    ids.push(value[..end].to_string());
                }
            }
            // `<a name="top">`, as old pages mark a place: browsers go there too.
            ids.extend(raw_attribute(self.body, "name"));
        }
        for (anchor, location) in std::mem::take(&mut self.same_page) {
            let decoded = crate::load::document::percent_decode(&anchor).unwrap_or_default();
            if ids.iter().any(|id| *id == anchor || *id == decoded) {
                continue;
            }
            let headings: Vec<&str> = self.out.headings.iter().map(|h| h.id.as_str()).collect();
            let suggestion = crate::diagnostics::did_you_mean(&anchor, headings.iter().copied());
            self.diagnostics.push(
                Diagnostic::error(format!("this page has no heading `#{anchor}`"))
                    .at(location)
                    .maybe_label(suggestion.map(|s| format!("did you mean `#{s}`?")))
                    .hint(if headings.is_empty() {
                        "this page has no headings to link to: add the heading, or remove the link"
                            .to_string()
                    } else {
                        format!(
                            "the headings of this page are: {}",
                            headings
                                .iter()
                                .map(|h| format!("#{h}"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    }),
            );
        }
    }

    /// The byte range of a link's destination within the link's source range.
    fn dest_span(&self, dest: &str, range: &Range<usize>) -> Range<usize> {
        let text = &self.body[range.clone()];
        match text.rfind(dest) {
            Some(i) if !dest.is_empty() => range.start + i..range.start + i + dest.len(),
            _ => range.clone(),
        }
    }
}

/// Whether a link's address is relative to the page (`plans/derby/`,
/// `../chart.png`, `www.example.org`): not empty, not from the root, not a
/// same-page `#id`, not `@/`, and without a scheme (`https:`, `mailto:`).
fn is_relative(dest: &str) -> bool {
    let scheme = dest.split_once(':').is_some_and(|(scheme, _)| {
        let mut chars = scheme.chars();
        chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    });
    !dest.is_empty() && !scheme && !dest.starts_with(['/', '#', '?']) && !dest.starts_with("@/")
}

/// The values of the `id` attributes of the HTML tags written in `body`
/// (`<h2 id="aims">`, `<span id='x'>`, `<a id=x>`), found by reading the
/// tags roughly: one in a code sample only makes a heading's id `-1` longer.
fn raw_ids(body: &str) -> Vec<String> {
    raw_attribute(body, "id")
}

/// The values of the attribute `attribute` (lower case) of the HTML tags
/// written in `body`, read as [`raw_ids`] reads `id`.
fn raw_attribute(body: &str, attribute: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let bytes = body.as_bytes();
    for (at, _) in body.match_indices('<') {
        if !bytes.get(at + 1).is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        let Some(end) = body[at..].find('>') else {
            break;
        };
        let tag = &body[at..at + end];
        let lower = tag.to_ascii_lowercase();
        for (found, _) in lower.match_indices(attribute) {
            let before = lower[..found].chars().next_back();
            if !before.is_some_and(char::is_whitespace) {
                continue;
            }
            let rest = tag[found + attribute.len()..].trim_start();
            let Some(value) = rest.strip_prefix('=') else {
                continue;
            };
            let value = value.trim_start();
            let id = match value.chars().next() {
                Some(quote @ ('"' | '\'')) => value[1..].split(quote).next().unwrap_or_default(),
                _ => value
                    .split(|c: char| c.is_whitespace() || c == '/')
                    .next()
                    .unwrap_or_default(),
            };
            if !id.is_empty() {
                ids.push(id.to_string());
            }
        }
    }
    ids
}

/// A problem with an address that is not relative and not a script's: a
/// file on the writer's own computer (`file:///C:/Users/…`), a web address
/// without a website (`https://`), or one without its `https:`
/// (`//www.gov.uk/…`, which works but only by the page's own scheme).
fn unusable_address(dest: &str) -> Option<Diagnostic> {
    let lower = dest.trim().to_ascii_lowercase();
    if lower.starts_with("file:") {
        return Some(
            Diagnostic::error(format!(
                "the link `{dest}` goes to a file on one computer, which readers cannot open"
            ))
            .hint("put the file under content/ (e.g. content/plans/report.pdf) and link to it with @/, as in @/plans/report.pdf"),
        );
    }
    for scheme in ["https://", "http://"] {
        if let Some(rest) = lower.strip_prefix(scheme) {
            let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
            if host.is_empty() {
                return Some(
                    Diagnostic::error(format!(
                        "the link `{dest}` has no website name after `{scheme}`"
                    ))
                    .hint(
                        "write the whole address, e.g. https://www.gov.uk/government/publications",
                    ),
                );
            }
        }
    }
    if let Some(rest) = dest.strip_prefix("//")
        && !rest.is_empty()
        && !rest.starts_with('/')
    {
        return Some(
            Diagnostic::warning(format!("the link `{dest}` has no `https:` in front"))
                .hint(format!("write the whole address: https:{dest}")),
        );
    }
    None
}

/// Escapes text for an HTML attribute or element.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The nesting depth after the raw HTML `html`, starting at `depth`, and
/// the deepest it went: each start tag opens an element unless it is void
/// (`<br>`) or closes itself (`<x/>`); each end tag closes one. A rough
/// count, made only to refuse absurd nesting.
fn html_nesting(mut depth: usize, html: &str) -> (usize, usize) {
    /// Void elements, and elements whose end tag may be left out (a writer
    /// may open a hundred `<p>` or `<li>` one after another): neither kind
    /// is counted, so only unmistakable nesting (`<div>`, `<ul>`, `<b>`…)
    /// adds up.
    const UNCOUNTED: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot",
        "option", "optgroup", "colgroup", "rb", "rt", "rtc", "rp",
    ];
    let mut deepest = depth;
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        let end = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[..end];
        if let Some(name) = tag.strip_prefix('/') {
            if name.starts_with(|c: char| c.is_ascii_alphabetic())
                && !UNCOUNTED.contains(&tag_name(name).as_str())
            {
                depth = depth.saturating_sub(1);
            }
        } else if tag.starts_with(|c: char| c.is_ascii_alphabetic())
            && !tag.ends_with('/')
            && !UNCOUNTED.contains(&tag_name(tag).as_str())
        {
            depth += 1;
            deepest = deepest.max(depth);
        }
        rest = &rest[end..];
    }
    (depth, deepest)
}

/// The element name a tag's text starts with, lower-cased (`Div class=x` → `div`).
fn tag_name(tag: &str) -> String {
    tag.split(|c: char| c.is_whitespace() || c == '/')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase()
}

/// The text of a heading's events: what its id and the contents are made of.
fn heading_text(inner: &[(Event<'_>, Option<usize>)]) -> String {
    inner
        .iter()
        .filter_map(|(e, _)| match e {
            Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The messages of what rendering `body` reports.
    fn messages(body: &str) -> Vec<String> {
        render_str(body, false)
            .1
            .into_iter()
            .map(|d| d.message)
            .collect()
    }

    pub(super) fn render_str(body: &str, unsafe_html: bool) -> (Body, Vec<Diagnostic>) {
        render_kind(Kind::Page, body, unsafe_html)
    }

    fn render_kind(kind: Kind, body: &str, unsafe_html: bool) -> (Body, Vec<Diagnostic>) {
        let source = SourceText::new("a.md", body);
        render(
            body,
            0,
            &source,
            &Options {
                unsafe_html,
                kind,
                base_path: "/",
                content_path: "announcements/a.md",
                is_file: &|path| matches!(path, "announcements/chart.png" | "plans/derby.pdf"),
                files: &|| vec!["announcements/chart.png".into(), "plans/derby.pdf".into()],
            },
        )
    }

    #[test]
    fn gives_headings_unique_ids() {
        let (body, _) = render_str(
            "## Early years\n\n## Early years\n\n## Early years\n",
            false,
        );
        let ids: Vec<&str> = body.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["early-years", "early-years-1", "early-years-2"]);
        assert!(
            body.html
                .contains("<h2 id=\"early-years-1\">Early years</h2>")
        );
    }

    #[test]
    fn escapes_raw_html_unless_allowed() {
        let (body, _) = render_str("<script>alert(1)</script>\n\nhi <b>x</b>\n", false);
        assert!(!body.html.contains("<script>"), "{}", body.html);
        assert!(body.html.contains("&lt;b&gt;"));
        let (body, _) = render_str("hi <b>x</b>\n", true);
        assert!(body.html.contains("<b>x</b>"));
    }

    /// Regression: with raw HTML allowed, a heading could take an id the
    /// body's HTML already had, and the page had it twice.
    #[test]
    fn headings_do_not_take_ids_from_the_bodys_html() {
        let (body, _) = render_str(
            "<span id=\"hello-world\">x</span>\n\n## Hello world\n\n<p id='aims'>y</p>\n\n## Aims\n\n<div ID=late>z</div>\n\n## Late\n",
            true,
        );
        let ids: Vec<&str> = body.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["hello-world-1", "aims-1", "late-1"]);
        // Escaped HTML has no ids.
        let (body, _) = render_str(
            "<span id=\"hello-world\">x</span>\n\n## Hello world\n",
            false,
        );
        assert_eq!(body.headings[0].id, "hello-world");
    }

    /// Regression: a file on the writer's computer, a web address without a
    /// website and one without its `https:` passed without a word.
    #[test]
    fn addresses_readers_cannot_follow_are_named() {
        for (dest, error, message) in [
            (
                "file:///C:/Users/jo/report.pdf",
                true,
                "goes to a file on one computer",
            ),
            (
                "FILE://server/share/a.pdf",
                true,
                "goes to a file on one computer",
            ),
            ("https://", true, "has no website name after `https://`"),
            ("http:///x", true, "has no website name after `http://`"),
            ("//www.gov.uk/x", false, "has no `https:` in front"),
        ] {
            let (_, found) = render_str(&format!("[x](<{dest}>)\n"), false);
            assert_eq!(found.len(), 1, "{dest}: {found:?}");
            assert_eq!(found[0].is_error(), error, "{dest}");
            assert!(found[0].message.contains(message), "{dest}: {found:?}");
        }
        let (_, found) = render_str("[x](https://www.gov.uk/) [y](http://a.example)\n", false);
        assert!(found.is_empty(), "{found:?}");
    }

    /// Regression: `[k](@/plans/Derby Plan.pdf)` was shown as typed, without a word.
    #[test]
    fn a_link_whose_address_has_a_space_is_warned_about() {
        let (_, diagnostics) = render_str(
            "[k](@/plans/Derby Plan.pdf), [g](https://www.gov .uk), [y](@/ plans/derby.md)\n\n`[c](@/a b)`, [ok](/areas/ \"A title\"), [z](/areas/), (see [x] (/a b))\n",
            false,
        );
        let hints: Vec<&str> = diagnostics
            .iter()
            .filter_map(|d| d.hint.as_deref())
            .collect();
        assert_eq!(
            hints,
            [
                "put the address in angle brackets, which allow spaces: [text](<@/plans/Derby Plan.pdf>)",
                "a web address has no spaces: remove them",
                "remove the space after `@/`",
            ],
            "{diagnostics:?}"
        );
    }

    /// Regression: with raw HTML escaped, a writer's `<!-- note -->` was
    /// shown on the page.
    #[test]
    fn html_comments_are_dropped_where_raw_html_is_escaped() {
        let markdown = "Before <!-- TODO check figure --> after.\n\n<!-- A block\nover lines\n-->\n\nText <b>b</b> and <!-- open\nstill --> closed. <!--> and <!---> too.\n\n`<!-- code -->`\n";
        let (body, _) = render_str(markdown, false);
        for hidden in ["TODO", "A block", "over lines", "open", "still"] {
            assert!(!body.html.contains(hidden), "{hidden}: {}", body.html);
        }
        for shown in [
            "<p>Before  after.</p>",
            "&lt;b&gt;b&lt;/b&gt; and  closed.  and  too.",
            "<code>&lt;!-- code --&gt;</code>",
        ] {
            assert!(body.html.contains(shown), "{shown}: {}", body.html);
        }
        // Raw HTML allowed: comments are HTML like the rest, left to the browser.
        let (body, _) = render_str("a <!-- note --> b\n", true);
        assert!(body.html.contains("<!-- note -->"), "{}", body.html);
    }

    #[test]
    fn drops_script_links() {
        for dest in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "vbscript:x",
            "data:text/html,x",
            "java\tscript:x",
        ] {
            let (body, diagnostics) = render_str(&format!("[click](<{dest}>)\n"), false);
            assert!(
                !body.html.to_lowercase().contains("script:"),
                "{}",
                body.html
            );
            assert!(!body.html.contains("data:"), "{}", body.html);
            assert!(body.html.contains("click"));
            assert_eq!(diagnostics.len(), 1, "{dest}");
        }
    }

    #[test]
    fn records_internal_links_with_their_position() {
        let (body, _) = render_str(
            "Intro.\n\nSee [the plan](@/plans/derby.md#early-years).\n",
            false,
        );
        assert!(body.html.contains("href=\"@/0\""));
        let link = &body.internal_links[0];
        assert_eq!(link.path, "plans/derby.md");
        assert_eq!(link.anchor.as_deref(), Some("early-years"));
        assert_eq!((link.location.line, link.location.column), (3, 16));
    }

    #[test]
    fn uses_smart_punctuation_and_extensions() {
        let (body, _) = render_str(
            "\"Derby's\" -- ~~old~~\n\n| a |\n|---|\n| b |\n\n- [x] done\n",
            false,
        );
        assert!(body.html.contains("“Derby’s”"), "{}", body.html);
        assert!(body.html.contains("<del>old</del>"));
        assert!(body.html.contains("<table>"));
        assert!(body.html.contains("checkbox"));
    }

    #[test]
    fn nesting_is_bounded_but_unclosed_paragraphs_are_not_nesting() {
        let (_, deep) = render_str(&format!("{}x", "> ".repeat(MAX_NESTING + 5)), false);
        assert!(
            deep.iter().any(|d| d.message.contains("nested")),
            "{deep:?}"
        );
        let (_, deep_html) = render_str(&"<div>".repeat(MAX_NESTING + 5), true);
        assert!(deep_html.iter().any(|d| d.message.contains("nested")));
        let (_, flat) = render_str(&"<p>one <li>two <br> <img src=/x>\n".repeat(500), true);
        assert!(flat.is_empty(), "{flat:?}");
        let (_, closed) = render_str(&"<div><b>x</b></div>\n".repeat(500), true);
        assert!(closed.is_empty(), "{closed:?}");
    }

    #[test]
    fn same_page_links_go_to_an_id_of_the_page() {
        let body = "## Funding\n\nSee [funding](#funding), [the top](#main-content) and [a note](#fn-1).[^1]\n\n[^1]: A note.\n\nBut [not this](#fundng).\n";
        let (_, found) = render_str(body, false);
        let messages: Vec<&str> = found.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(messages, ["this page has no heading `#fundng`"]);
        assert_eq!(found[0].label.as_deref(), Some("did you mean `#funding`?"));
        let (_, raw) = render_str("<div id=\"x\"></div>\n\n[x](#x)\n", true);
        assert!(raw.is_empty(), "{raw:?}");
    }

    #[test]
    fn relative_links_are_errors_with_the_fix() {
        let hint = |dest: &str| {
            let (_, found) = render_str(&format!("[x]({dest})\n"), false);
            assert_eq!(found.len(), 1, "{dest}: {found:?}");
            found[0].hint.clone().unwrap_or_default()
        };
        assert!(hint("chart.png").ends_with("@/announcements/chart.png"));
        assert!(hint("../plans/derby.pdf").ends_with("@/plans/derby.pdf"));
        assert!(hint("plans/derby/").contains("as in /plans/derby/,"));
        assert!(hint("../plans/derby").contains("@/plans/derby.md"));
        assert!(hint("www.example.org").contains("https://www.example.org"));
        assert!(hint("./").starts_with("write / for the site's home page"));
        for fine in [
            "https://x.example/",
            "mailto:a@b.example",
            "/areas/",
            "#",
            "?q=1",
            "tel:+441234",
        ] {
            let (_, found) = render_str(&format!("[x]({fine})\n"), false);
            assert!(found.is_empty(), "{fine}: {found:?}");
        }
    }

    #[test]
    fn an_image_without_a_description_is_warned_about() {
        assert_eq!(
            messages("![](/chart.png)\n"),
            ["an image without a description"]
        );
        assert_eq!(
            messages("![ ](/chart.png)\n"),
            ["an image without a description"]
        );
        assert!(messages("![A chart of funding](/chart.png)\n").is_empty());
    }

    #[test]
    fn tables_and_code_scroll_in_boxes_a_keyboard_reaches() {
        let (body, _) = render_str(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n```rust\nfn x() {}\n```\n",
            false,
        );
        // Named after its header cells, so that each table's region has
        // a name of its own; a table without header text is "Table".
        assert!(
            body.html.contains("<div class=\"table-wrapper\" role=\"region\" aria-label=\"Table: a, b\" tabindex=\"0\"><table>")
                && body.html.contains("</table>\n</div>"),
            "{}",
            body.html
        );
        assert!(
            body.html.contains(
                "<pre tabindex=\"0\"><code class=\"language-rust\">fn x() {}\n</code></pre>"
            ),
            "{}",
            body.html
        );
        let (empty, _) = render_str("| | |\n|---|---|\n| 1 | 2 |\n", false);
        assert!(
            empty.html.contains(&format!("{TABLE_OPEN}<table>")),
            "{}",
            empty.html
        );
    }

    // Regression: `|  | 2017 |` made an empty `<th>` (axe's empty-table-header).
    #[test]
    fn an_empty_header_cell_is_a_data_cell() {
        let (body, _) = render_str(
            "|  | 2017 | 2018 |\n|---|:---:|---:|\n| Derby | 1 | 2 |\n\n|   | |\n|--|--|\n| a | b |\n",
            false,
        );
        assert!(
            body.html.contains(
                "<thead><tr><td></td><th style=\"text-align: center\">2017</th><th style=\"text-align: right\">2018</th></tr></thead>"
            ) && body.html.contains("<thead><tr><td></td><td></td></tr></thead>"),
            "{}",
            body.html
        );
        // Raw HTML's own cells are as written.
        let (body, _) = render_str(
            "<table><tr><th></th></tr></table>\n\n| | a |\n|-|-|\n",
            true,
        );
        assert!(
            body.html.contains("<th></th>") && body.html.contains("<tr><td></td><th>a</th>"),
            "{}",
            body.html
        );
    }

    #[test]
    fn a_link_needs_words() {
        assert_eq!(
            messages("[](https://www.gov.uk/)\n"),
            ["a link without text"]
        );
        assert_eq!(
            messages("[#](https://www.gov.uk/)\n"),
            ["a link whose only text is `#`"]
        );
        assert_eq!(
            messages("[![](/logo.png)](https://www.gov.uk/)\n"),
            ["an image without a description", "a link without text"]
        );
        assert!(messages("[![GOV.UK](/logo.png)](https://www.gov.uk/)\n").is_empty());
        assert!(messages("[`code`](https://www.gov.uk/)\n").is_empty());
    }

    #[test]
    fn an_empty_heading_is_left_out_with_a_warning() {
        let (body, warnings) = render_str(
            "## \n\nText.\n\n##    \n\n## \u{200B}\n\n## \u{00AD}\n",
            false,
        );
        assert!(!body.html.contains("<h2"), "{}", body.html);
        assert!(body.headings.is_empty());
        let messages: Vec<&str> = warnings.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(messages, ["an empty heading"; 4]);
    }

    #[test]
    fn warns_of_skipped_heading_levels() {
        assert_eq!(
            messages("### Straight to three\n"),
            ["a level-3 heading follows a level-1 heading"]
        );
        assert_eq!(
            messages("## Two\n\n#### Four\n\n## Two again\n\n### Three\n"),
            ["a level-4 heading follows a level-2 heading"]
        );
        assert!(messages("## Two\n\n### Three\n\n## Two\n").is_empty());
    }

    #[test]
    fn headings_do_not_take_the_ids_the_theme_uses() {
        let (body, _) = render_kind(
            Kind::Page,
            "## Main content\n\n## Contents heading\n\n## Related heading\n\n## Priorities\n",
            false,
        );
        let ids: Vec<&str> = body.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "main-content-1",
                "contents-heading-1",
                "related-heading-1",
                "priorities"
            ]
        );
        assert!(
            body.html.contains("<h2 id=\"main-content-1\">Main content</h2><a class=\"heading-anchor\" href=\"#main-content-1\">"),
            "{}",
            body.html
        );
        // Each page its own: a plan's `## Priorities` is free, the home page's is not.
        let (home, _) = render_kind(
            Kind::Home,
            "## Priorities\n\n## Latest\n\n## Latest\n",
            false,
        );
        let ids: Vec<&str> = home.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["priorities-1", "latest-1", "latest-2"]);
        let (area, found) = render_kind(Kind::AreaIntro, "## Funding {#funding}\n", false);
        assert_eq!(area.headings[0].id, "funding-1");
        // An id the writer chose and did not get is said.
        assert_eq!(
            found[0].message,
            "the heading's id `funding` is taken on this page, so it is `funding-1`"
        );
    }

    // Regression: `[^a-z]` in code was warned about as a missing footnote,
    // and an unused note after non-ASCII text was placed wrongly.
    #[test]
    fn footnote_warnings_skip_code_and_find_the_note_as_written() {
        let body = "Slugs keep `[a-z0-9]`; others match `[^a-z0-9]`.\n\n```\nsed 's/[^a-z]//g'\n```\n\n    indented [^x] code\n";
        assert!(messages(body).is_empty(), "{:?}", messages(body));
        let body = "İİİİİİİİİİİİ text.\n\n[^İx]: Unused.\n";
        let (_, diagnostics) = render_str(body, false);
        assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
        assert_eq!(
            diagnostics[0].message,
            "the footnote `[^İx]` is not referred to"
        );
        let location = diagnostics[0].location.as_ref().expect("a place");
        assert_eq!((location.line, location.column), (3, 1));
    }

    #[test]
    fn footnotes_have_ids_of_their_own() {
        let (body, _) = render_str(
            "## Sources\n\nA claim[^sources] and another[^Note].\n\n## Fn note\n\n[^sources]: A source.\n[^note]: A note.\n",
            false,
        );
        let ids: Vec<&str> = body.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["sources", "fn-note"]);
        for part in [
            "<h2 id=\"sources\">",
            "<a href=\"#fn-sources\" id=\"fn-sources-ref\" aria-label=\"Footnote 1\">1</a>",
            "<a href=\"#fn-note-1\" id=\"fn-note-1-ref\" aria-label=\"Footnote 2\">2</a>",
            "<section class=\"footnotes\" aria-label=\"Footnotes\"><ol class=\"footnotes__list\">\n<li id=\"fn-sources\">",
            "<li id=\"fn-note-1\">",
            "<a class=\"footnote-back\" href=\"#fn-sources-ref\" aria-label=\"Back to reference 1\">↩</a></li>",
        ] {
            assert!(body.html.contains(part), "{part}\n{}", body.html);
        }
    }

    #[test]
    fn footnotes_are_listed_at_the_end_with_links_back() {
        let (body, found) = render_str(
            "A claim[^one] and again[^one], another[^two], a missing one[^nope].\n\n[^two]: Two.\n\n    More of two.\n\n## Later\n\n[^one]: One.\n[^unused]: Nobody.\n",
            false,
        );
        let html = &body.html;
        let later = html.find("id=\"later\"").expect("the heading");
        let notes = html
            .find("<section class=\"footnotes\"")
            .expect("the notes");
        assert!(later < notes, "the notes come after the text: {html}");
        let one = html.find("<li id=\"fn-one\">").expect("note one");
        let two = html.find("<li id=\"fn-two\">").expect("note two");
        let unused = html.find("<li id=\"fn-unused\">").expect("the unused note");
        assert!(
            one < two && two < unused,
            "numbered as first referred to: {html}"
        );
        assert!(
            html.contains("aria-label=\"Back to reference 1 (2)\""),
            "{html}"
        );
        let messages: Vec<&str> = found.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "the footnote `[^unused]` is not referred to",
                "there is no footnote `[^nope]`"
            ]
        );
    }
}
