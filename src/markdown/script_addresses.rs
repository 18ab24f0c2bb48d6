//! Raw HTML's addresses: with `unsafe_html`, a body's HTML must not keep
//! an address a browser would run (`javascript:`, `vbscript:`) or read as a
//! document of its own (`data:`), as Markdown links may not (SPEC §2).
//!
//! In: the rendered body and where each piece of raw HTML came from. Out:
//! the body without those attributes (elements kept, other bytes
//! untouched), and a warning for each, at its place in the file. lol_html
//! reads the whole body as a browser would, so an element split across
//! pieces of raw HTML, entity-encoded addresses and `srcset` lists are all
//! seen.

use std::cell::RefCell;
use std::ops::Range;

use super::{PLACEHOLDER, RawHtml, Renderer};
use crate::diagnostics::Diagnostic;
use crate::document::{InternalLink, SiteLink};

impl Renderer<'_, '_> {
    /// The body's HTML without any address attribute that goes to a
    /// `javascript:`, `vbscript:` or `data:` address, each removal reported
    /// at its place in the file. Only HTML from the body's raw HTML can hold
    /// one (Markdown links were dealt with in [`Self::link_target`]), but
    /// the whole body is read at once: an element may open in one piece of
    /// raw HTML and go on in the next, and only an HTML parser reads it as a
    /// browser will. Elements left alone keep their bytes.
    pub(super) fn remove_script_addresses(&mut self, html: &str, raw_html: &[RawHtml]) -> String {
        let removed = RefCell::new(Found {
            internal_base: self.out.internal_links.len(),
            ..Found::default()
        });
        let rewritten =
            without_script_addresses(html, 0, self.options.base_path, raw_html, &removed);
        let Found {
            removed,
            site_links,
            internal_links,
            same_page,
            relative,
            ..
        } = removed.into_inner();
        for (anchor, html) in same_page {
            let location = self.raw_html_location(html, raw_html);
            self.same_page.push((anchor, location));
        }
        for (address, image, html) in relative {
            let location = self.raw_html_location(html, raw_html);
            self.relative_link(&address, location, image);
        }
        for (path, anchor, html) in internal_links {
            let location = self.raw_html_location(html, raw_html);
            self.out.internal_links.push(InternalLink {
                path,
                anchor,
                location,
            });
        }
        for (path, html) in site_links {
            let location = self.raw_html_location(html, raw_html);
            // Raw HTML's anchors are not checked: its ids may come from
            // raw HTML elsewhere.
            self.out.site_links.push(SiteLink {
                path,
                anchor: None,
                location,
            });
        }
        for RemovedAttribute {
            element,
            attribute,
            scheme,
            list,
            html,
        } in removed
        {
            let location = self.raw_html_location(html, raw_html);
            let to = if list { "with" } else { "to" };
            self.diagnostics.push(
                Diagnostic::warning(format!(
                    "`<{element} {attribute}>` {to} a `{scheme}:` address was removed"
                ))
                .at(location)
                .hint(format!("links may go to web pages, email addresses and files; the `<{element}>` is kept without its `{attribute}`")),
            );
        }
        match rewritten {
            Ok(rewritten) => rewritten,
            Err(error) => {
                let location = self.raw_html_location(None, raw_html);
                self.diagnostics.push(
                    Diagnostic::error(format!(
                        "the HTML in this body could not be checked for `javascript:` addresses: {error}"
                    ))
                    .at(location)
                    .hint("simplify the HTML written in the document"),
                );
                String::new()
            }
        }
    }

    /// Where in the file the rendered HTML at `html` came from: within the
    /// piece of raw HTML that holds it, or, for a value that is not all in
    /// one piece, the start of the piece before it.
    pub(super) fn raw_html_location(
        &self,
        html: Option<Range<usize>>,
        raw_html: &[RawHtml],
    ) -> crate::diagnostics::Location {
        let at = html.unwrap_or(0..0);
        let Some(piece) = raw_html
            .partition_point(|piece| piece.html.start <= at.start)
            .checked_sub(1)
            .and_then(|i| raw_html.get(i))
            .or(raw_html.first())
        else {
            return self.locate(0, 0);
        };
        if piece.html.start <= at.start && at.end <= piece.html.end {
            let start = piece.source + (at.start - piece.html.start);
            self.locate(start, start + at.len())
        } else {
            self.locate(piece.source, piece.source + 1)
        }
    }
}

/// What reading the raw HTML found: the attributes removed, and the
/// root-relative addresses (`/areas/derby/`), to be checked against the
/// built pages as Markdown links' are, with their values' places.
#[derive(Default)]
struct Found {
    removed: Vec<RemovedAttribute>,
    site_links: Vec<(String, Option<Range<usize>>)>,
    /// `@/` addresses (`@/plans/derby.md#early-years`), as path and
    /// anchor, each replaced by a placeholder numbered from `internal_base`
    /// on, as Markdown's `@/` links are.
    internal_links: Vec<(String, Option<String>, Option<Range<usize>>)>,
    internal_base: usize,
    /// Same-page addresses (`#funding`), checked against the page's ids,
    /// and relative ones (`plans/derby/`), which break, as Markdown's are.
    same_page: Vec<(String, Option<Range<usize>>)>,
    relative: Vec<(String, bool, Option<Range<usize>>)>,
}

/// An attribute of raw HTML removed for its address.
struct RemovedAttribute {
    element: String,
    attribute: String,
    scheme: &'static str,
    /// Whether the attribute holds a list of addresses (`srcset`).
    list: bool,
    /// Its value in the rendered HTML.
    html: Option<Range<usize>>,
}

/// Attributes whose value is an address a browser may follow or load.
/// `style` is not among them: CSS `url()` is left to the writer who
/// allowed raw HTML.
const ADDRESS_ATTRIBUTES: &[&str] = &[
    "action",
    "background",
    "cite",
    "classid",
    "codebase",
    "data",
    "dynsrc",
    "formaction",
    "href",
    "icon",
    "longdesc",
    "lowsrc",
    "manifest",
    "poster",
    "src",
    "xlink:href",
    // SVG animation (`<set attributeName="href" to="…">`) can set a link.
    "by",
    "from",
    "to",
];

/// Attributes whose value is a list of addresses, with sizes in `srcset`.
const ADDRESS_LIST_ATTRIBUTES: &[&str] = &["archive", "imagesrcset", "ping", "srcset", "values"];

/// `html` without the address attributes that go to a `javascript:`,
/// `vbscript:` or `data:` address, each noted in `removed` with its place in
/// `html` moved on by `offset`. A browser with scripts off reads the text of
/// a `<noscript>` as HTML: so is it read here, one level down.
fn without_script_addresses(
    html: &str,
    offset: usize,
    base_path: &str,
    raw_html: &[RawHtml],
    found: &RefCell<Found>,
) -> Result<String, lol_html::errors::RewritingError> {
    let mut noscript = String::new();
    let mut noscript_start = None;
    let settings = lol_html::RewriteStrSettings::new()
        .with_strict(false)
        .with_enable_esi_tags(false)
        .append_element_content_handler(lol_html::element!("*", |element| {
            remove_script_attributes(
                element,
                offset,
                base_path,
                raw_html,
                &mut found.borrow_mut(),
            );
            Ok(())
        }))
        .append_element_content_handler(lol_html::text!("noscript", |chunk| {
            let start = *noscript_start.get_or_insert(chunk.source_location().bytes().start);
            noscript.push_str(chunk.as_str());
            if chunk.last_in_text_node() {
                let inner = without_script_addresses(
                    &noscript,
                    offset + start,
                    base_path,
                    raw_html,
                    found,
                )?;
                chunk.replace(&inner, lol_html::html_content::ContentType::Html);
                noscript.clear();
                noscript_start = None;
            } else {
                chunk.remove();
            }
            Ok(())
        }));
    lol_html::rewrite_str(html, settings)
}

/// Removes from an element every address attribute that goes to a
/// `javascript:`, `vbscript:` or `data:` address, and notes each (its place
/// moved on by `offset`); notes each root-relative address of an element
/// written in raw HTML and puts the site's base path in front of it, as for
/// Markdown links. (The elements Markdown made have had theirs already:
/// read again, `/preview/areas/` would be checked as a page of its own and
/// become `/preview/preview/areas/`.)
fn remove_script_attributes(
    element: &mut lol_html::html_content::Element<'_, '_>,
    offset: usize,
    base_path: &str,
    raw_html: &[RawHtml],
    found: &mut Found,
) {
    let tag = element.tag_name();
    let start = offset + element.source_location().bytes().start;
    let written_as_html = raw_html.iter().any(|piece| piece.html.contains(&start));
    // `<meta http-equiv="refresh" content="0; url=…">` goes to an address too.
    let refresh = tag == "meta"
        && element.get_attribute("http-equiv").is_some_and(|value| {
            decode_character_references(&value)
                .trim()
                .eq_ignore_ascii_case("refresh")
        });
    let mut names = Vec::new();
    let mut rebased = Vec::new();
    for attribute in element.attributes() {
        let name = attribute.name();
        let list = if ADDRESS_ATTRIBUTES.contains(&name.as_str()) {
            false
        } else if ADDRESS_LIST_ATTRIBUTES.contains(&name.as_str()) || (refresh && name == "content")
        {
            true
        } else {
            continue;
        };
        let value = decode_character_references(&attribute.value()).into_owned();
        let scheme = if list {
            value
                .split(|c: char| {
                    c.is_ascii_whitespace() || matches!(c, ',' | ';' | '=' | '\'' | '"')
                })
                .find_map(script_scheme)
        } else {
            script_scheme(&value)
        };
        let html = attribute
            .value_source_location()
            .map(|at| offset + at.bytes().start..offset + at.bytes().end);
        if written_as_html && !list && scheme.is_none() {
            if let Some(anchor) = value.strip_prefix('#').filter(|a| !a.is_empty()) {
                found.same_page.push((anchor.to_string(), html.clone()));
            } else if super::is_relative(&value) && matches!(name.as_str(), "href" | "src") {
                found
                    .relative
                    .push((value.clone(), name == "src", html.clone()));
            }
        }
        if written_as_html
            && !list
            && let Some(target) = value.strip_prefix(PLACEHOLDER)
        {
            let (path, anchor) = match target.split_once('#') {
                Some((path, anchor)) => (path, Some(anchor.to_string())),
                None => (target, None),
            };
            let index = found.internal_base + found.internal_links.len();
            found
                .internal_links
                .push((path.to_string(), anchor, html.clone()));
            rebased.push((name.clone(), format!("{PLACEHOLDER}{index}")));
        }
        if written_as_html
            && scheme.is_none()
            && !list
            && value.starts_with('/')
            && !value.starts_with("//")
        {
            let path = value.split(['#', '?']).next().unwrap_or_default();
            found.site_links.push((path.to_string(), html.clone()));
            let raw = attribute.value();
            if base_path != "/"
                && let Some(rest) = raw.strip_prefix('/')
            {
                rebased.push((name.clone(), format!("{base_path}{rest}")));
            }
        }
        if let Some(scheme) = scheme {
            found.removed.push(RemovedAttribute {
                element: tag.clone(),
                attribute: name.clone(),
                scheme,
                list,
                html,
            });
            names.push(name);
        }
    }
    for name in names {
        element.remove_attribute(&name);
    }
    for (name, value) in rebased {
        // The value is already written as HTML: set it as it stands.
        let _ = element.set_attribute(&name, &value);
    }
}

/// The scheme of an address that is never emitted (`javascript`,
/// `vbscript`, `data`), read as a browser would read it and then some:
/// case does not matter, and white space and control characters are left
/// out wherever they are (a browser ignores them at the ends, and tabs and
/// line breaks anywhere).
pub(super) fn script_scheme(address: &str) -> Option<&'static str> {
    let start: String = address
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take("javascript:".len())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    ["javascript", "vbscript", "data"]
        .into_iter()
        .find(|scheme| {
            start
                .strip_prefix(scheme)
                .is_some_and(|rest| rest.starts_with(':'))
        })
}

/// An attribute value with its character references decoded, as far as an
/// address's scheme goes: numeric ones (`&#106;`, `&#x6A`, with or without
/// `;`, as a browser reads them in an attribute) and the named ones that
/// stand for a colon, a tab or a line break. No named reference stands for
/// an ASCII letter of `javascript`, `vbscript` or `data`, so the others are
/// kept as written.
fn decode_character_references(value: &str) -> std::borrow::Cow<'_, str> {
    if !value.contains('&') {
        return std::borrow::Cow::Borrowed(value);
    }
    let mut decoded = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(at) = rest.find('&') {
        decoded.push_str(&rest[..at]);
        rest = &rest[at..];
        let (c, len) = character_reference(rest).unwrap_or(('&', 1));
        decoded.push(c);
        rest = &rest[len..];
    }
    decoded.push_str(rest);
    std::borrow::Cow::Owned(decoded)
}

/// The character that the reference at the start of `text` stands for, and
/// the reference's length; `None` if `text` does not start with one.
fn character_reference(text: &str) -> Option<(char, usize)> {
    const NAMED: [(&str, char); 3] = [("&colon;", ':'), ("&Tab;", '\t'), ("&NewLine;", '\n')];
    if let Some((name, c)) = NAMED.iter().find(|(name, _)| text.starts_with(name)) {
        return Some((*c, name.len()));
    }
    let number = text.strip_prefix("&#")?;
    let (digits, radix, prefix) = match number.strip_prefix(['x', 'X']) {
        Some(hex) => (hex, 16, "&#x".len()),
        None => (number, 10, "&#".len()),
    };
    let len = digits
        .find(|c: char| !c.is_digit(radix))
        .unwrap_or(digits.len());
    if len == 0 {
        return None;
    }
    let code = digits[..len].chars().fold(0u32, |code, digit| {
        code.saturating_mul(radix)
            .saturating_add(digit.to_digit(radix).unwrap_or_default())
    });
    // As a browser does: NUL and the C1 range (which it maps to
    // Windows-1252 characters, none of them ASCII) are not what they say.
    let c = match code {
        0 | 0x80..=0x9F => '\u{FFFD}',
        code => char::from_u32(code).unwrap_or('\u{FFFD}'),
    };
    let semicolon = usize::from(digits[len..].starts_with(';'));
    Some((c, prefix + len + semicolon))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::tests::render_str;
    use crate::markdown::{MAX_NESTING, parser_options};
    use pulldown_cmark::Parser;

    /// Raw HTML, allowed by the site, that a browser would read as going to
    /// a `javascript:`, `vbscript:` or `data:` address.
    const SCRIPT_ADDRESSES: &[&str] = &[
        "<a href=\"javascript:alert(1)\">x</a>",
        "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
        "<A HREF='javascript:alert(1)'>x</A>",
        "<a href=javascript:alert(1)>x</a>",
        "<a href=\" \u{1}javascript:alert(1) \">x</a>",
        "<a href=\"&#106;avascript:alert(1)\">x</a>",
        "<a href=\"&#0000106&#0000097vascript:alert(1)\">x</a>",
        "<a href=\"&#x6A;avascript&colon;alert(1)\">x</a>",
        "<a href=\"&#X6a&#X61vascript:alert(1)\">x</a>",
        "<a href=\"java&#x09;script:alert(1)\">x</a>",
        "<a href=\"java&Tab;script&NewLine;:alert(1)\">x</a>",
        "<a href=\"java\nscript:alert(1)\">x</a>",
        "<a href=\"vbscript:msgbox(1)\">x</a>",
        "<a href=\"data:text/html;base64,PHNjcmlwdD4=\">x</a>",
        "<form action=\"javascript:alert(1)\"><button>go</button></form>",
        "<form><button formaction=\"javascript:alert(1)\">go</button></form>",
        "<iframe src=\"data:text/html,x\"></iframe>",
        "<object data=\"javascript:alert(1)\"></object>",
        "<embed src=\"javascript:alert(1)\">",
        "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>",
        "<svg><a href=\"javascript:alert(1)\"><text>x</text></a></svg>",
        "<svg><a><set attributeName=\"href\" to=\"javascript:alert(1)\"/><text>x</text></a></svg>",
        "<svg><a><animate attributeName=\"href\" values=\"#a;javascript:alert(1)\"/></a></svg>",
        "<img srcset=\"a.png 1x, javascript:alert(1) 2x\" alt=\"\">",
        "<img src=\"/a.png\" srcset=\"data:image/png;base64,AAAA 2x\" alt=\"\">",
        "<picture><source srcset=\"a.png, data:image/svg+xml,x 2x\"><img src=\"/a.png\" alt=\"\"></picture>",
        "<video poster=\"javascript:alert(1)\"></video>",
        "<blockquote cite=\"javascript:alert(1)\">q</blockquote>",
        "<table background=\"javascript:alert(1)\"><tr><td>x</td></tr></table>",
        "<img lowsrc=\"javascript:alert(1)\" dynsrc=\"javascript:alert(1)\" alt=\"\">",
        "<a href=\"/ok\" ping=\"/count javascript:alert(1)\">x</a>",
        "<meta http-equiv=\"refresh\" content=\"0; url=javascript:alert(1)\">",
        "<base href=\"javascript:alert(1)//\">",
        "<div>\n<a href=\"javascript:alert(1)\">\n\n*opened in one piece of HTML, closed in another*\n\n</a>\n</div>",
        "<iframe\nsrc=\"data:text/html,x\"></iframe>",
        "<svg><style><a href=\"javascript:alert(1)\">x</a></style></svg>",
        "<math><style><a href=\"javascript:alert(1)\">x</a></style></math>",
        "<noscript><a href=\"javascript:alert(1)\">x</a></noscript>",
        "<template><a href=\"javascript:alert(1)\">x</a></template>",
        "<select><option><a href=\"javascript:alert(1)\">x</a></option></select>",
        "<table><a href=\"javascript:alert(1)\">x</a></table>",
        "<svg><foreignObject><a href=\"javascript:alert(1)\">x</a></foreignObject></svg>",
    ];

    #[test]
    fn raw_html_never_goes_to_a_script_address() {
        for html in SCRIPT_ADDRESSES {
            let (body, diagnostics) = render_str(&format!("Before.\n\n{html}\n\nAfter.\n"), true);
            let lower = body.html.to_lowercase();
            for scheme in ["javascript", "vbscript", "data:", "&#"] {
                assert!(!lower.contains(scheme), "{html}\n=> {}", body.html);
            }
            assert!(
                body.html.contains("Before.") && body.html.contains("After."),
                "{}",
                body.html
            );
            assert!(!diagnostics.is_empty(), "{html}: no warning");
            assert!(
                diagnostics.iter().all(|d| !d.is_error()
                    && d.message.ends_with("address was removed")
                    && d.location.as_ref().is_some_and(|l| l.file == "a.md")),
                "{html}: {diagnostics:?}"
            );
        }
    }

    #[test]
    fn noscript_read_within_noscript_stays_within_the_nesting_limit() {
        // Each `<noscript>` is read again as HTML, one level down.
        let deepest = format!(
            "{}<a href=\"javascript:alert(1)\">x</a>",
            "<noscript>".repeat(MAX_NESTING)
        );
        let (body, diagnostics) = render_str(&deepest, true);
        assert!(!body.html.contains("javascript"), "{}", body.html);
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        let (body, diagnostics) = render_str(&format!("<noscript>{deepest}"), true);
        assert!(body.html.is_empty());
        assert!(diagnostics[0].message.contains("nested"), "{diagnostics:?}");
    }

    #[test]
    fn removing_a_script_address_keeps_the_element_and_says_where() {
        let (body, diagnostics) = render_str(
            "Intro.\n\nSee <a class=\"x\" href=\"javascript:alert(1)\">this</a>.\n\n<iframe\n  src=\"data:text/html,x\" title=\"t\"></iframe>\n\n<noscript>\n<a href=\"vbscript:x\">no scripts</a></noscript>\n",
            true,
        );
        assert!(
            body.html.contains("See <a class=\"x\">this</a>."),
            "{}",
            body.html
        );
        assert!(
            body.html.contains("<iframe title=\"t\"></iframe>"),
            "{}",
            body.html
        );
        let found: Vec<_> = diagnostics
            .iter()
            .map(|d| {
                let at = d.location.as_ref().expect("a location");
                (d.message.as_str(), at.line, at.column, at.width)
            })
            .collect();
        assert_eq!(
            found,
            [
                (
                    "`<a href>` to a `javascript:` address was removed",
                    3,
                    24,
                    19
                ),
                ("`<iframe src>` to a `data:` address was removed", 6, 8, 16),
                ("`<a href>` to a `vbscript:` address was removed", 9, 10, 10),
            ]
        );
        assert_eq!(
            diagnostics[0].hint.as_deref(),
            Some(
                "links may go to web pages, email addresses and files; the `<a>` is kept without its `href`"
            )
        );
    }

    #[test]
    fn raw_html_without_script_addresses_is_emitted_as_written() {
        // What pulldown-cmark alone makes of it: the bytes before this check existed.
        let body = "<p class=x>Links: <a href=\"https://example.org/a?b=1&amp;c=2#top\">web</a>,\n\
            <A HREF='/areas/derby/'>relative</A>, <a href=#main-content>anchor</a>,\n\
            <a href=\"mailto:derby@example.org\" title=\"javascript: a talk\">mail</a>,\n\
            <a href=\"/data/report.pdf\" data-note=\"javascript:x\">file</a>,\n\
            <a href=\"/javascript-guide/\">guide</a> <a href=\"metadata:x\">x</a></p>\n\
            \n\
            <img src=\"/pic.png\" srcset=\"pic.png 1x,pic@2x.png  2x\" alt=\"A &amp; B\"><br/>\n\
            <!-- a comment with <a href=\"javascript:x\"> in it -->\n\
            <script>let u = \"<a href='javascript:x'>\";</script>\n\
            <svg viewBox=\"0 0 1 1\"><a xlink:href=\"#main-content\"><text>t</text></a></svg>\n\
            <noscript><p>Turn on <a href=\"/help/scripts/\">scripts</a> &amp; reload</p></noscript>\n\
            <details><summary>More</summary>\n\
            \n\
            Some *Markdown* and <span style=\"color: red\">a span</span>.\n\
            \n\
            </details>\n";
        let mut expected = String::new();
        pulldown_cmark::html::push_html(&mut expected, Parser::new_ext(body, parser_options()));
        let (rendered, diagnostics) = render_str(body, true);
        assert_eq!(rendered.html, expected);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
    }

    #[test]
    fn character_references_are_read_as_a_browser_reads_them() {
        for (value, decoded) in [
            ("&#106;", "j"),
            ("&#x6a;&#X6A", "jj"),
            ("&#0000106avascript", "javascript"),
            ("&colon;&Tab;&NewLine;", ":\t\n"),
            ("&amp;#106;", "&amp;#106;"),
            ("&#;&#x;&", "&#;&#x;&"),
            ("&#0;&#x80;&#99999999999;", "\u{FFFD}\u{FFFD}\u{FFFD}"),
            ("&colon", "&colon"),
        ] {
            assert_eq!(decode_character_references(value), decoded, "{value}");
        }
        assert_eq!(script_scheme(" \u{1}JAVA\tSCRIPT:x"), Some("javascript"));
        assert_eq!(script_scheme("javascript-guide/"), None);
        assert_eq!(script_scheme("data"), None);
    }
}
