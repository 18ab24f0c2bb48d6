//! Raw HTML that does not close what it opens: with `unsafe_html`, a
//! writer's `<span>` left open, or `<x>` meant as text, makes the browser
//! close it wherever it can, and the page's own parts (the text column,
//! the "Related content" box, the footer) end up inside it. The build
//! goes on; a warning at the tag says what to close.
//!
//! In: the rendered body and where each piece of raw HTML came from. Out:
//! warnings. The body is read as a sequence of tags with a stack of open
//! elements: pulldown-cmark's own HTML is balanced, so whatever does not
//! balance is the raw HTML's. Elements whose end tag HTML lets a page
//! leave out (`p`, `li`, `td`…) may stay open; void elements (`br`,
//! `img`) and `<x/>` open nothing.

use std::ops::Range;

use super::{RawHtml, Renderer};
use crate::diagnostics::Diagnostic;

/// Elements that have no content and no end tag.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr", "param", "keygen", "basefont", "bgsound", "frame",
];

/// Elements whose end tag may be left out.
const OPTIONAL_END: &[&str] = &[
    "p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "option", "optgroup",
    "colgroup", "rb", "rt", "rtc", "rp", "caption",
];

/// Elements that may hold paragraphs: the only ones a writer can open in
/// one piece of raw HTML and close in another, with Markdown between.
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "details",
    "dialog",
    "div",
    "dl",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "header",
    "main",
    "nav",
    "ol",
    "section",
    "table",
    "ul",
];

/// Elements whose text is not read for tags.
const RAW_TEXT: &[&str] = &["script", "style", "textarea", "title", "xmp", "noembed"];

/// Reports stop after this many for one body: they usually follow from the
/// first.
const MOST_REPORTED: usize = 10;

/// A problem with the body's tags, at its tag's bytes in the HTML.
#[derive(Debug, PartialEq)]
enum Problem {
    /// `<name>` at this tag is never closed.
    NeverClosed(String, Range<usize>),
    /// `</name>` at this tag closes no open element.
    ClosesNothing(String, Range<usize>),
    /// `<name>` at this tag is closed after `</outer>` of an element around
    /// it (`<b><i>…</b></i>`).
    Crossed(String, String, Range<usize>),
}

impl Problem {
    fn tag(&self) -> &Range<usize> {
        match self {
            Problem::NeverClosed(_, tag)
            | Problem::ClosesNothing(_, tag)
            | Problem::Crossed(_, _, tag) => tag,
        }
    }
}

impl Renderer<'_, '_> {
    /// Warns of each element the raw HTML opens and does not close, and of
    /// each end tag with nothing to close.
    pub(super) fn check_raw_structure(&mut self, html: &str, raw_html: &[RawHtml]) {
        let in_raw = |tag: &Range<usize>| {
            raw_html
                .iter()
                .any(|piece| piece.html.start <= tag.start && tag.end <= piece.html.end)
        };
        let problems = unbalanced(html);
        for problem in problems
            .into_iter()
            .filter(|problem| in_raw(problem.tag()))
            .take(MOST_REPORTED)
        {
            let diagnostic = match problem {
                Problem::NeverClosed(name, tag) => Diagnostic::warning(format!(
                    "the HTML element `<{name}>` is never closed"
                ))
                .at(self.raw_html_location(Some(tag), raw_html))
                .hint(format!(
                    "close it with `</{name}>` where it should end{}; if `<{name}>` is meant as text, write it as `&lt;{name}>`. Left open, it takes in the rest of the page (the browser closes it where it can)",
                    if BLOCKS.contains(&name.as_str()) { "" } else { ", in the same paragraph" }
                )),
                Problem::ClosesNothing(name, tag) => Diagnostic::warning(format!(
                    "`</{name}>` closes no `<{name}>`"
                ))
                .at(self.raw_html_location(Some(tag), raw_html))
                .hint(format!(
                    "remove it, or open the element with `<{name}>` before it, in the same paragraph (an element opened in one paragraph is closed at its end)"
                )),
                Problem::Crossed(name, outer, tag) => Diagnostic::warning(format!(
                    "`<{name}>` is closed after `</{outer}>`, outside the element it is in"
                ))
                .at(self.raw_html_location(Some(tag), raw_html))
                .hint(format!(
                    "close the inner element first: `</{name}></{outer}>`"
                )),
            };
            self.diagnostics.push(diagnostic);
        }
    }
}

/// The problems with `html`'s tags, in the order of the tags they are at.
fn unbalanced(html: &str) -> Vec<Problem> {
    let bytes = html.as_bytes();
    let mut open: Vec<(String, Range<usize>)> = Vec::new();
    let mut problems = Vec::new();
    // Problems that are elements closed by an outer element's end tag,
    // with that element's name.
    let mut closed_by: Vec<(usize, String)> = Vec::new();
    let mut i = 0;
    while let Some(found) = memchr::memchr(b'<', &bytes[i..]) {
        let start = i + found;
        let rest = &html[start..];
        if rest.starts_with("<!--") {
            i = rest.find("-->").map_or(bytes.len(), |end| start + end + 3);
            continue;
        }
        // Text in SVG and MathML.
        if rest.starts_with("<![CDATA[") {
            i = rest.find("]]>").map_or(bytes.len(), |end| start + end + 3);
            continue;
        }
        let closing = rest.starts_with("</");
        let name_start = start + if closing { 2 } else { 1 };
        if !bytes
            .get(name_start)
            .is_some_and(|b| b.is_ascii_alphabetic())
        {
            i = start + 1;
            continue;
        }
        let end = tag_end(bytes, name_start);
        let tag = start..end;
        let name: String = html[name_start..end]
            .split(|c: char| c.is_ascii_whitespace() || matches!(c, '/' | '>' | '<'))
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        i = end;
        if closing {
            if VOID.contains(&name.as_str()) {
                continue;
            }
            match open.iter().rposition(|(open_name, _)| *open_name == name) {
                Some(at) => {
                    for (inner, inner_tag) in open.drain(at..).skip(1) {
                        if !OPTIONAL_END.contains(&inner.as_str()) {
                            closed_by.push((problems.len(), name.clone()));
                            problems.push(Problem::NeverClosed(inner, inner_tag));
                        }
                    }
                }
                None => {
                    // The end tag of an element closed early by an outer
                    // one's: the two cross.
                    let crossed = closed_by.iter().rposition(|(index, _)| {
                        matches!(&problems[*index], Problem::NeverClosed(inner, _) if *inner == name)
                    });
                    match crossed {
                        Some(at) => {
                            let (index, outer) = closed_by.remove(at);
                            let tag = problems[index].tag().clone();
                            problems[index] = Problem::Crossed(name, outer, tag);
                        }
                        None => problems.push(Problem::ClosesNothing(name, tag)),
                    }
                }
            }
            continue;
        }
        // `<x/>` closes itself only in SVG and MathML: in HTML a browser
        // opens a `<span/>` as it does a `<span>`.
        let foreign = name == "svg"
            || name == "math"
            || open
                .iter()
                .any(|(open_name, _)| open_name == "svg" || open_name == "math");
        let self_closing = foreign && html[..end].ends_with("/>");
        if VOID.contains(&name.as_str()) || self_closing {
            continue;
        }
        if RAW_TEXT.contains(&name.as_str()) {
            // Its text runs to its end tag.
            let close = format!("</{name}");
            match find_ignoring_case(&html[end..], &close) {
                Some(at) => i = tag_end(bytes, end + at + 2),
                None => problems.push(Problem::NeverClosed(name, tag)),
            }
            continue;
        }
        open.push((name, tag));
    }
    problems.extend(
        open.into_iter()
            .filter(|(name, _)| !OPTIONAL_END.contains(&name.as_str()))
            .map(|(name, tag)| Problem::NeverClosed(name, tag)),
    );
    problems.sort_by_key(|problem| problem.tag().start);
    problems
}

/// The end of the tag whose name starts at `from`: after its `>`, quoted
/// attribute values skipped, or the end of the HTML.
fn tag_end(bytes: &[u8], from: usize) -> usize {
    let mut quote = None;
    // Whether the last character that was not a space was `=`: only there
    // does a quote start a value (`title=it's` has none).
    let mut after_equals = false;
    for (at, &b) in bytes.iter().enumerate().skip(from) {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') if after_equals => quote = Some(b),
            (None, b'>') => return at + 1,
            _ => {}
        }
        if quote.is_none() && !b.is_ascii_whitespace() {
            after_equals = b == b'=';
        }
    }
    bytes.len()
}

fn find_ignoring_case(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|window| window.eq_ignore_ascii_case(needle.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::{Problem, unbalanced};

    fn names(html: &str) -> Vec<String> {
        unbalanced(html)
            .into_iter()
            .map(|problem| match problem {
                Problem::NeverClosed(name, _) => format!("<{name}>"),
                Problem::ClosesNothing(name, _) => format!("</{name}>"),
                Problem::Crossed(name, outer, _) => format!("<{name}> after </{outer}>"),
            })
            .collect()
    }

    #[test]
    fn balanced_html_and_html_that_may_leave_out_end_tags_pass() {
        assert!(names("<div><p>a<br>b<img src=x alt=\"a>b\"><p>c</div>").is_empty());
        assert!(names("<ul><li>a<li>b</ul><table><tr><td>1<td>2</table>").is_empty());
        assert!(
            names("<svg><path d=\"M0\"/></svg><!-- <span> --><script>if (a<b) {}</script>")
                .is_empty()
        );
        assert!(names("<DETAILS><summary>x</summary><p>y</p></details></br>").is_empty());
        // Review: a void `param`, CDATA in SVG, a quote in an unquoted value.
        assert!(names("<object><param name=x value=y></object>").is_empty());
        assert!(names("<svg><text><![CDATA[a <b> c]]></text></svg>").is_empty());
        assert!(names("<a href=/x title=it's>link</a> and <span>x</span>").is_empty());
        assert!(names("<math><mi/><mo>+</mo></math>").is_empty());
    }

    #[test]
    fn unclosed_and_stray_tags_are_found_where_they_are() {
        assert_eq!(names("<p>Some <span>text</p>"), ["<span>"]);
        assert_eq!(names("<p>a</span></p>"), ["</span>"]);
        assert_eq!(names("<table><tr><th><x></th></tr></table>"), ["<x>"]);
        assert_eq!(names("<div><p>a</p>"), ["<div>"]);
        // `/>` closes nothing in HTML.
        assert_eq!(names("<p>a <span/> b</p>"), ["<span>"]);
        assert_eq!(names("<p><b>a <i>b</b></i></p>"), ["<i> after </b>"]);
        assert_eq!(
            names("<div><span>a</div></span></div>"),
            ["<span> after </div>", "</div>"]
        );
        let problems = unbalanced("<p>x <em>y</p>");
        assert_eq!(problems, [Problem::NeverClosed("em".to_string(), 5..9)]);
    }
}
