//! oasis patch: a quick reader for plain, well-formed HTML pages.
//!
//! [`DomParser`](super::parser::DomParser) runs lol_html's rewriter with
//! about twenty selectors and a closure per element and per text chunk; at
//! 10,000 pages that was a fifth of the index's time. Pages made by a
//! generator (oasis hands pagefind a small page per document: a `<div
//! data-pagefind-ignore>` of meta and filter spans, an `h1` and the body
//! rendered from Markdown) are plain HTML whose every element is closed in
//! order, and for those this module computes the same [`DomParserResult`]
//! in one pass over the bytes, with one buffer for the whole text instead
//! of a string per element.
//!
//! It reads only what it is sure to read as `DomParser` does, and returns
//! `None` for anything else, so that the caller parses the page with
//! `DomParser` instead: an end tag that does not close the innermost open
//! element, an element left open, raw-text elements (`script`, `style`,
//! `textarea`, `title`, …), foreign content (`svg`, `math`), a
//! `data-pagefind-*` attribute other than a plain `meta`, `filter` or
//! `ignore`, a character reference in an attribute this reads, a
//! carriage return or NUL, and selectors other than `.class` or a tag name.
//! `tests::quick_reads_as_the_parser_does` and oasis's
//! `the_patched_batch_path_indexes_what_one_page_at_a_time_does` compare
//! the two.

use std::collections::BTreeMap;

use super::normalize_content;
use super::parser::{
    DomParserResult, ALL_SPACES, INLINE_SELECTORS, REMOVE_SELECTORS, SENTENCE_CHARS,
    SENTENCE_SELECTORS, SPACE_SELECTORS,
};
use crate::SearchOptions;

/// Elements lol_html gives no end tag handlers (HTML's void elements) that
/// this reads. Rarer void elements send the page to `DomParser`.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

/// Elements whose content the HTML tokenizer does not read as markup, or
/// that lol_html treats apart: left to `DomParser`.
const SPECIAL: &[&str] = &[
    "script",
    "style",
    "textarea",
    "title",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "noscript",
    "plaintext",
    "svg",
    "math",
    "basefont",
    "bgsound",
    "frame",
    "image",
    "keygen",
    "param",
    "menuitem",
];

/// What the options exclude, when it is only classes and tag names.
struct Exclusions<'o> {
    classes: Vec<&'o str>,
    tags: Vec<&'o str>,
}

impl<'o> Exclusions<'o> {
    fn of(options: &'o SearchOptions) -> Option<Exclusions<'o>> {
        let mut classes = Vec::new();
        let mut tags: Vec<&str> = REMOVE_SELECTORS.to_vec();
        for selector in &options.exclude_selectors {
            let selector = selector.trim();
            let plain = |s: &str| {
                !s.is_empty()
                    && s.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            };
            if let Some(class) = selector.strip_prefix('.').filter(|c| plain(c)) {
                classes.push(class);
            } else if plain(selector) && selector.bytes().all(|b| !b.is_ascii_uppercase()) {
                tags.push(selector);
            } else {
                return None;
            }
        }
        Some(Exclusions { classes, tags })
    }

    fn matches(&self, tag: &str, class: Option<&str>) -> bool {
        self.tags.contains(&tag)
            || class.is_some_and(|class| {
                class
                    .split_ascii_whitespace()
                    .any(|c| self.classes.contains(&c))
            })
    }
}

/// An open element.
struct Open<'h> {
    tag: &'h str,
    /// Ignored: its text and its children's are dropped at its end tag
    /// (meta and filters inside it still count).
    ignored: bool,
    /// Where its own text starts in the buffer, after what was put before it
    /// (its anchor marker goes to its parent; a heading's weight marker and
    /// a block's space are its own).
    own: usize,
    /// Where its text starts: after the markers.
    start: usize,
    heading_weight: Option<&'static str>,
    sentence: bool,
    anchor_ids: Option<Vec<String>>,
    meta: Option<&'h str>,
    filter: Option<&'h str>,
}

/// The attributes of a start tag that matter here.
#[derive(Default)]
struct Attributes<'h> {
    id: Option<&'h str>,
    class: Option<&'h str>,
    lang: Option<&'h str>,
    src: Option<&'h str>,
    alt: Option<&'h str>,
    ignore: Option<&'h str>,
    meta: Option<&'h str>,
    filter: Option<&'h str>,
}

/// The page's [`DomParserResult`] as `DomParser` gives it, or `None` when
/// the page holds something this does not read (see the module's notes).
pub(crate) fn read(html: &str, options: &SearchOptions) -> Option<DomParserResult> {
    if options.root_selector != "html" || memchr::memchr2(b'\r', 0, html.as_bytes()).is_some() {
        return None;
    }
    let exclusions = Exclusions::of(options)?;
    let bytes = html.as_bytes();
    let mut text = String::with_capacity(html.len());
    let mut stack: Vec<Open> = Vec::with_capacity(16);
    let mut meta: BTreeMap<String, String> = BTreeMap::new();
    let mut filters: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut anchor_content: BTreeMap<String, String> = BTreeMap::new();
    let mut language = None;
    let mut has_html_element = false;
    let mut anchor_counter = 0usize;
    let mut inside_html = 0usize;
    let mut at = 0;
    while at < bytes.len() {
        let Some(lt) = memchr_lt(&bytes[at..]).map(|i| at + i) else {
            push_text(
                &html[at..],
                &stack,
                inside_html,
                &mut text,
                &mut anchor_content,
            );
            break;
        };
        if lt > at {
            push_text(
                &html[at..lt],
                &stack,
                inside_html,
                &mut text,
                &mut anchor_content,
            );
        }
        let rest = &bytes[lt + 1..];
        match rest.first() {
            Some(b'!') => {
                // A comment, or a doctype (which is only allowed first).
                if rest.starts_with(b"!--") {
                    let body = &html[lt + 4..];
                    // `<!-->` and `<!--->` are comments that end at once;
                    // leave such oddities to the parser.
                    if body.starts_with('>') || body.starts_with("->") {
                        return None;
                    }
                    let end = body.find("-->")?;
                    if body[..end].contains("--!") {
                        return None;
                    }
                    at = lt + 4 + end + 3;
                } else if lt == 0
                    && rest
                        .get(1..9)
                        .is_some_and(|d| d.eq_ignore_ascii_case(b"doctype "))
                {
                    at = lt + memchr(b'>', rest)? + 2;
                } else {
                    return None;
                }
            }
            Some(b'/') => {
                let (name, end) = tag_name(html, lt + 2)?;
                let close = end + memchr(b'>', &bytes[end..])?;
                if !bytes[end..close].iter().all(|b| b.is_ascii_whitespace()) {
                    return None;
                }
                at = close + 1;
                let open = stack.pop()?;
                if open.tag != name {
                    return None;
                }
                if open.tag == "html" {
                    inside_html -= 1;
                }
                close_element(open, &mut text, &mut meta, &mut filters);
            }
            Some(b) if b.is_ascii_alphabetic() => {
                let (name, end) = tag_name(html, lt + 1)?;
                if SPECIAL.contains(&name) {
                    return None;
                }
                let (attributes, self_closing, next) = attributes(html, end)?;
                at = next;
                let void = VOID.contains(&name);
                if self_closing && !void {
                    return None;
                }
                if name == "html" {
                    has_html_element = true;
                    if let Some(lang) = attributes.lang {
                        language = Some(lang.to_lowercase());
                    }
                    inside_html += 1;
                } else if inside_html == 0 {
                    // Outside `html`, DomParser makes no element at all.
                    return None;
                }
                let ignored = match attributes.ignore {
                    None => false,
                    Some("" | "index" | "true") => true,
                    Some(_) => return None,
                };
                let excluded = exclusions.matches(name, attributes.class);
                if void && (excluded || attributes.meta.is_some() || attributes.filter.is_some()) {
                    return None;
                }
                // An element with an id marks where it starts, unless it is
                // ignored by its own attribute (not by an exclusion).
                let mut anchor_id = None;
                if !ignored {
                    if let Some(id) = attributes.id {
                        let id = ALL_SPACES.replace_all(id, "");
                        text.push_str(&format!(
                            " ___PAGEFIND_ANCHOR___{name}:{anchor_counter}:{id} "
                        ));
                        anchor_id = Some(format!("{anchor_counter}:{id}"));
                        anchor_counter += 1;
                    }
                }
                if SPACE_SELECTORS.contains(&name) {
                    text.push(' ');
                }
                if void {
                    // The first image after the title is the page's image.
                    if name == "img"
                        && !meta.contains_key("auto_image")
                        && (meta.contains_key("auto_title") || meta.contains_key("title"))
                    {
                        if let Some(src) = attributes.src {
                            meta.insert("auto_image".into(), normalize_content(src));
                            if let Some(alt) = attributes.alt {
                                meta.insert("auto_image_alt".into(), normalize_content(alt));
                            }
                        }
                    }
                    continue;
                }
                let mut anchor_ids = match stack.last() {
                    Some(parent) if INLINE_SELECTORS.contains(&name) => parent.anchor_ids.clone(),
                    _ => None,
                };
                if let Some(id) = anchor_id {
                    anchor_ids.get_or_insert_with(Vec::new).push(id);
                }
                let own = text.len();
                let heading_weight = match name {
                    "h1" => Some("7"),
                    "h2" => Some("6"),
                    "h3" => Some("5"),
                    "h4" => Some("4"),
                    "h5" => Some("3"),
                    "h6" => Some("2"),
                    _ => None,
                };
                if let Some(weight) = heading_weight {
                    text.push_str(" ___PAGEFIND_AUTO_WEIGHT___");
                    text.push_str(weight);
                    text.push(' ');
                }
                let sentence = SENTENCE_SELECTORS.contains(&name);
                if sentence {
                    text.push(' ');
                }
                stack.push(Open {
                    tag: name,
                    ignored: ignored || excluded,
                    own,
                    start: text.len(),
                    heading_weight,
                    sentence,
                    anchor_ids,
                    meta: attributes.meta,
                    filter: attributes.filter,
                });
            }
            Some(b'?') => return None,
            // A `<` that starts no tag is text.
            _ => {
                push_text(
                    &html[lt..lt + 1],
                    &stack,
                    inside_html,
                    &mut text,
                    &mut anchor_content,
                );
                at = lt + 1;
            }
        }
    }
    if !stack.is_empty() {
        return None;
    }

    if let Some(image) = meta.remove("auto_image") {
        let alt = meta.remove("auto_image_alt").unwrap_or_default();
        if !meta.contains_key("image") {
            meta.insert("image".into(), image);
            meta.insert("image_alt".into(), alt);
        }
    }
    if let Some(title) = meta.remove("auto_title") {
        if !meta.contains_key("title") {
            meta.insert("title".into(), title);
        }
    }
    Some(DomParserResult {
        digest: normalize_content(&text),
        filters,
        sort: BTreeMap::new(),
        meta,
        anchor_content,
        anchor_titles: BTreeMap::new(),
        has_custom_body: false,
        force_inclusion: false,
        has_html_element,
        has_old_bundle_reference: false,
        has_default_ui_reference: false,
        language: language
            .filter(|lang: &String| !lang.is_empty())
            .unwrap_or_else(|| "unknown".into()),
    })
}

/// Text goes to the innermost open element, and to the anchors it belongs
/// to; outside `html` it is not read.
fn push_text(
    chunk: &str,
    stack: &[Open],
    inside_html: usize,
    text: &mut String,
    anchor_content: &mut BTreeMap<String, String>,
) {
    if inside_html == 0 {
        return;
    }
    text.push_str(chunk);
    if let Some(Open {
        ignored: false,
        anchor_ids: Some(ids),
        ..
    }) = stack.last()
    {
        for id in ids {
            anchor_content
                .entry(id.clone())
                .or_default()
                .push_str(chunk);
        }
    }
}

/// An element's end tag: its meta and filters, then its text kept (with a
/// block's full stop and a heading's weight) or dropped.
fn close_element(
    open: Open,
    text: &mut String,
    meta: &mut BTreeMap<String, String>,
    filters: &mut BTreeMap<String, Vec<String>>,
) {
    let own_text = &text[open.start..];
    if let Some(name) = open.filter {
        if !own_text.is_empty() {
            filters
                .entry(name.to_string())
                .or_default()
                .push(normalize_content(own_text));
        }
    }
    if let Some(name) = open.meta {
        if !own_text.is_empty() {
            meta.insert(name.to_string(), normalize_content(own_text));
        }
    }
    if open.tag == "h1" && !meta.contains_key("auto_title") && !own_text.trim().is_empty() {
        meta.insert("auto_title".into(), normalize_content(own_text));
    }
    if open.ignored {
        text.truncate(open.own);
        return;
    }
    if open.sentence {
        // The last character of the element's text, after the space put
        // before it (so an empty block gets no full stop).
        if let Some(last) = text[open.own..].chars().last() {
            let mut buffer = [0; 4];
            if SENTENCE_CHARS.is_match(last.encode_utf8(&mut buffer)) {
                text.push('.');
            }
        }
        text.push(' ');
    }
    if open.heading_weight.is_some() {
        text.push_str(" ___END_PAGEFIND_WEIGHT___ ");
    }
}

fn memchr_lt(bytes: &[u8]) -> Option<usize> {
    memchr::memchr(b'<', bytes)
}

fn memchr(needle: u8, bytes: &[u8]) -> Option<usize> {
    memchr::memchr(needle, bytes)
}

/// A tag's name from `from` (lowercase ASCII letters and digits, as this
/// reads them) and where it ends.
fn tag_name(html: &str, from: usize) -> Option<(&str, usize)> {
    let bytes = html.as_bytes();
    let mut end = from;
    while end < bytes.len() && bytes[end].is_ascii_alphanumeric() {
        if bytes[end].is_ascii_uppercase() {
            return None;
        }
        end += 1;
    }
    match bytes.get(end) {
        Some(b) if end > from && (b.is_ascii_whitespace() || *b == b'>' || *b == b'/') => {
            Some((&html[from..end], end))
        }
        _ => None,
    }
}

/// The attributes of a start tag from `from` (after its name): those that
/// matter, whether it ends in `/>`, and where the tag ends.
fn attributes(html: &str, from: usize) -> Option<(Attributes<'_>, bool, usize)> {
    let bytes = html.as_bytes();
    let mut attributes = Attributes::default();
    let mut seen: Vec<&str> = Vec::new();
    let mut at = from;
    loop {
        while at < bytes.len() && bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        match bytes.get(at)? {
            b'>' => return Some((attributes, false, at + 1)),
            b'/' => {
                return (bytes.get(at + 1) == Some(&b'>')).then_some((attributes, true, at + 2));
            }
            _ => {}
        }
        let name_start = at;
        while at < bytes.len()
            && !bytes[at].is_ascii_whitespace()
            && !matches!(bytes[at], b'/' | b'>' | b'=')
        {
            if matches!(bytes[at], b'"' | b'\'' | b'<') || bytes[at].is_ascii_uppercase() {
                return None;
            }
            at += 1;
        }
        let name = &html[name_start..at];
        if name.is_empty() || seen.contains(&name) {
            return None;
        }
        seen.push(name);
        while at < bytes.len() && bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        let mut value = "";
        if bytes.get(at) == Some(&b'=') {
            at += 1;
            while at < bytes.len() && bytes[at].is_ascii_whitespace() {
                at += 1;
            }
            match bytes.get(at)? {
                quote @ (b'"' | b'\'') => {
                    let end = at + 1 + memchr(*quote, &bytes[at + 1..])?;
                    value = &html[at + 1..end];
                    at = end + 1;
                }
                _ => {
                    let start = at;
                    while at < bytes.len() && !bytes[at].is_ascii_whitespace() && bytes[at] != b'>'
                    {
                        if matches!(bytes[at], b'"' | b'\'' | b'<' | b'=' | b'`') {
                            return None;
                        }
                        at += 1;
                    }
                    value = &html[start..at];
                }
            }
        }
        let slot = match name {
            "id" => &mut attributes.id,
            "class" => &mut attributes.class,
            "lang" => &mut attributes.lang,
            "src" => &mut attributes.src,
            "alt" => &mut attributes.alt,
            "data-pagefind-ignore" => &mut attributes.ignore,
            "data-pagefind-meta" => &mut attributes.meta,
            "data-pagefind-filter" => &mut attributes.filter,
            _ if name.starts_with("data-pagefind") => return None,
            _ => continue,
        };
        // Character references are decoded in attribute values; and meta
        // and filter names may take values and attributes (`name:value`,
        // `a, b`, `name[attr]`) this does not read.
        let meta_like = matches!(name, "data-pagefind-meta" | "data-pagefind-filter");
        if value.contains('&')
            || (meta_like && (value.is_empty() || value.contains([':', ',', '[', ']'])))
        {
            return None;
        }
        *slot = Some(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fossick::parser::DomParser;
    use crate::options::{PagefindInboundConfig, SearchOptions};

    fn options(exclude: &[&str]) -> SearchOptions {
        let mut config: PagefindInboundConfig =
            serde_json::from_str("{}").expect("All fields have serde defaults");
        config.service = true;
        config.exclude_selectors = exclude.iter().map(|s| s.to_string()).collect();
        SearchOptions::load(config).expect("options")
    }

    fn parsed(html: &str, options: &SearchOptions) -> DomParserResult {
        let mut parser = DomParser::new(options);
        parser.write(html.as_bytes()).expect("parsed");
        parser.wrap()
    }

    /// Pages the quick reader reads must come out as DomParser reads them.
    #[test]
    fn quick_reads_as_the_parser_does() {
        let options = options(&[".heading-anchor", ".footnote-back"]);
        let pages = [
            "<!DOCTYPE html><html lang=\"en-GB\"><body><div data-pagefind-ignore><span data-pagefind-meta=\"kind\">Delivery plan</span><span data-pagefind-meta=\"date\">9 October 2017</span><span data-pagefind-filter=\"area\">derby</span><span data-pagefind-filter=\"area\">oldham</span><span data-pagefind-filter=\"kind\">plan</span></div><h1 data-pagefind-meta=\"title\">Careers &amp; skills</h1><p>A summary.</p><h2 id=\"why-it-matters\">Why it <em>matters</em><a class=\"heading-anchor\" href=\"#why-it-matters\"><span>Link to this section</span></a></h2><p>Text with <strong>bold</strong>, <a href=\"/x/\">a link</a> and &lt;angle&gt; &#8212; entities</p><ul><li>one</li><li>two <code>x &lt; y</code></li></ul><table><thead><tr><th>Round</th><th>Funding</th></tr></thead><tbody><tr><td>1</td><td>£22 million</td></tr></tbody></table><p>Line<br>break<br/>again</p><blockquote><p>Quoted \u{201c}text\u{201d}</p></blockquote><pre><code>code   block\n  kept</code></pre><p><img src=\"/a.png\" alt=\"An image\"> after</p><section class=\"footnotes\"><ol><li id=\"fn-1\"><p>Note <a class=\"footnote-back\" href=\"#r\">↩</a></p></li></ol></section><h3 id=\"a b\"></h3><p></p><p>?</p><div><span id=\"inline-anchor\">inline <b>bold</b></span> tail</div><!-- a comment --><p>a < b and c < d</p><hr><h6>Last</h6></body></html>",
            "<html><body><h1>Auto title</h1><p>No lang, no meta.</p><h1>Second h1</h1></body></html>",
            "<html lang=\"cy\"><body><div data-pagefind-ignore=\"index\"><h2 id=\"hidden\">Hidden <span data-pagefind-meta=\"note\">a note</span></h2></div><p>Shown.</p><label>Label text</label><form><p>Form text</p></form><nav>Nav</nav><footer>Foot</footer></body></html>",
            "<html><body><p>Empty spans: <span data-pagefind-meta=\"empty\"></span><span data-pagefind-filter=\"none\"></span></p><ul><li><p>Nested <em id=\"x\">emphasis <code>code</code></em></p></li></ul><dl><dt>Term</dt><dd>Def</dd></dl></body></html>",
        ];
        for page in pages {
            let quick = read(page, &options).expect("the quick reader reads it");
            let slow = parsed(page, &options);
            assert_eq!(format!("{quick:?}"), format!("{slow:?}"), "page: {page}");
        }
    }

    /// Random pages made of the pieces writers' Markdown and raw HTML give:
    /// whenever the quick reader reads one, it reads it as DomParser does.
    #[test]
    fn quick_reads_random_pages_as_the_parser_does() {
        const ROUNDS: usize = 20_000;
        let options = options(&[".heading-anchor", ".footnote-back"]);
        let opening = [
            "<p>",
            "<h1>",
            "<h2 id=\"a\">",
            "<h3 id='b c'>",
            "<div>",
            "<div data-pagefind-ignore>",
            "<span>",
            "<em>",
            "<strong>",
            "<a href=\"/x/?a=1&amp;b=2\">",
            "<code>",
            "<li>",
            "<ul>",
            "<ol>",
            "<table>",
            "<tr>",
            "<td>",
            "<th>",
            "<blockquote>",
            "<pre>",
            "<section>",
            "<span data-pagefind-meta=\"m\">",
            "<span data-pagefind-filter=\"f\">",
            "<a class=\"heading-anchor\" href=\"#a\">",
            "<nav>",
            "<label>",
            "<details>",
            "<summary>",
            "<sup id=fn-1>",
            "<b id=\"x\">",
            "<div class=\"x footnote-back\">",
            "<h1 data-pagefind-meta=\"title\">",
        ];
        let single = [
            "<br>",
            "<br/>",
            "<hr>",
            "<img src=\"/a.png\" alt=\"An image\">",
            "<img src=x>",
            "<!-- note -->",
            "text",
            " ",
            "\n",
            "Word.",
            "?",
            "&amp;",
            "&lt;b&gt;",
            "&nbsp;",
            "£22",
            "café",
            "“quoted”",
            "a < b",
            "x)",
            "$",
            "*",
            "'",
            "\u{200B}",
            "___PAGEFIND_X",
            "<P>",
            "</p>",
            "<script>x</script>",
            "<x-y>",
            "<p/>",
        ];
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = move |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let mut read = 0;
        for _ in 0..ROUNDS {
            let mut body = String::new();
            let mut open: Vec<&str> = Vec::new();
            for _ in 0..next(40) {
                match next(3) {
                    0 => {
                        let tag = opening[next(opening.len())];
                        body.push_str(tag);
                        let name = tag[1..].split([' ', '>']).next().unwrap();
                        open.push(name);
                    }
                    1 if !open.is_empty() => {
                        body.push_str(&format!("</{}>", open.pop().unwrap()));
                    }
                    _ => body.push_str(single[next(single.len())]),
                }
            }
            while let Some(name) = open.pop() {
                body.push_str(&format!("</{name}>"));
            }
            let page = format!("<!DOCTYPE html><html lang=\"en\"><body>{body}</body></html>");
            if let Some(quick) = read_page(&page, &options) {
                read += 1;
                let slow = parsed(&page, &options);
                assert_eq!(format!("{quick:?}"), format!("{slow:?}"), "page: {page}");
            }
        }
        // Most pages are plain enough for the quick reader.
        assert!(read > 4_000, "read {read}");
    }

    fn read_page(page: &str, options: &SearchOptions) -> Option<DomParserResult> {
        read(page, options)
    }

    /// Pages it cannot be sure of go to DomParser.
    #[test]
    fn the_quick_reader_leaves_what_it_does_not_read() {
        let options = options(&[".heading-anchor"]);
        for page in [
            "<html><body><p>Unclosed</body></html>",
            "<html><body><p><em>Misnested</p></em></body></html>",
            "<html><body><script>var x = '<p>';</script></body></html>",
            "<html><body><svg><text>t</text></svg></body></html>",
            "<html><body><p data-pagefind-weight=\"2\">w</p></body></html>",
            "<html><body><p data-pagefind-meta=\"a:b\">w</p></body></html>",
            "<html><body><p id=\"a&amp;b\">w</p></body></html>",
            "<html><body><div/></body></html>",
            "<html><body><P>Upper</P></body></html>",
            "<html><body>CR\r\n</body></html>",
            "<p>Outside html</p>",
            "<html><body><p>c<d</p></body></html>",
            "<html><body><img class=\"heading-anchor\" src=\"x\"></body></html>",
        ] {
            assert!(read(page, &options).is_none(), "read: {page}");
        }
        assert!(read(
            "<html><body><p>x</p></body></html>",
            &self::options(&["main > p"])
        )
        .is_none());
    }
}
