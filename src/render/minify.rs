//! Minify: one rendered HTML page in, its minified bytes out.
//!
//! minify-html's one-pass variant does the work: it rewrites the page in
//! place in a single streaming pass and builds no parse tree, so it costs a
//! fraction of minify-html's time and no memory beyond a copy of the page
//! (the timeline page lists every document; minify-html's tree of it was the
//! build's memory peak). It omits the closing tags HTML lets a page omit.
//! It is stricter than minify-html: a page it cannot parse (malformed raw
//! HTML in a document written with `unsafe_html`, or a theme's) is minified
//! by minify-html instead, which accepts anything a browser does. See
//! docs/PERFORMANCE.md for the measurements behind this choice.

/// Minifies one HTML page, inline `<style>` CSS included.
pub fn minify(html: &[u8]) -> Vec<u8> {
    let cfg = minify_html_onepass::Cfg {
        minify_js: false,
        minify_css: true,
    };
    // The one-pass minifier overwrites its input as it goes, so it works on a
    // copy and the original stays intact for the fallback.
    minify_html_onepass::copy(html, &cfg).unwrap_or_else(|_| tolerant(html))
}

/// minify-html with its parse tree: slower, but accepts any HTML.
fn tolerant(html: &[u8]) -> Vec<u8> {
    let mut cfg = minify_html::Cfg::new();
    cfg.keep_closing_tags = true;
    cfg.keep_html_and_head_opening_tags = true;
    cfg.minify_css = true;
    minify_html::minify(html, &cfg)
}

#[cfg(test)]
mod tests {
    use super::minify;

    #[test]
    fn collapses_whitespace_and_omits_optional_closing_tags() {
        let page = b"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n  <title>A</title>\n</head>\n<body>\n  <ul>\n    <li>one</li>\n    <li>two</li>\n  </ul>\n</body>\n</html>\n";
        let out = String::from_utf8(minify(page)).expect("minified HTML is UTF-8");
        assert_eq!(
            out,
            "<!DOCTYPE html><html lang=en><head><title>A</title><body><ul><li>one<li>two</ul>"
        );
    }

    #[test]
    fn minifies_inline_css() {
        let page =
            b"<html><head><style>p {  color : red ; }</style></head><body><p>x</p></body></html>";
        let out = String::from_utf8(minify(page)).expect("minified HTML is UTF-8");
        assert!(out.contains("<style>p{color:red}</style>"), "{out}");
    }

    // Regression: raw HTML with a stray closing tag made the one-pass
    // minifier fail; the page must still come out, minified.
    #[test]
    fn malformed_html_falls_back_to_the_tolerant_minifier() {
        let page = b"<html><head></head><body><div>\n  <p>text</span>\n</div></body></html>";
        assert!(
            minify_html_onepass::copy(page, &minify_html_onepass::Cfg::new()).is_err(),
            "the fixture must be one the one-pass minifier rejects"
        );
        let out = String::from_utf8(minify(page)).expect("minified HTML is UTF-8");
        assert_eq!(
            out,
            "<html><head></head><body><div><p>text</div></body></html>"
        );
    }
}
