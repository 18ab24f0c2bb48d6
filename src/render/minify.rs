//! Minify: one rendered HTML page in, its minified bytes out.
//!
//! minify-html's one-pass variant does the work: it rewrites the page in
//! place in a single streaming pass and builds no parse tree, so it costs a
//! fraction of minify-html's time and no memory beyond a copy of the page
//! (the timeline page lists every document; minify-html's tree of it was the
//! build's memory peak). It omits the closing tags HTML lets a page omit.
//! It is strict: a page it cannot parse (malformed raw HTML in a document
//! written with `unsafe_html`, or a theme's) is left as rendered. minify-html
//! itself, which was the fallback, reads such a page into a tree of its own
//! and drops the closing tags a browser uses to recover (a writer's unclosed
//! `<span>` took the page's `</p></div></div>` with it, and the sidebar
//! ended up inside the text column). See docs/PERFORMANCE.md for the
//! measurements behind this choice.

/// Minifies one HTML page, inline `<style>` CSS included.
pub fn minify(html: &[u8]) -> Vec<u8> {
    let cfg = minify_html_onepass::Cfg {
        minify_js: false,
        minify_css: true,
    };
    // The one-pass minifier overwrites its input as it goes, so it works on a
    // copy and the original stays intact for a page it cannot read.
    match minify_html_onepass::copy(html, &cfg) {
        Ok(minified) => spaced_attributes(&minified),
        Err(_) => html.to_vec(),
    }
}

/// Minifies a theme's JavaScript file with oxc (the minifier minify-html
/// carries): whitespace and comments go (licence comments, `/*!`, stay),
/// local names are shortened and expressions compressed with its safest
/// options. A classic script's top-level names are kept, as other scripts
/// may use them; an ES module's (one with `import` or `export`) are
/// shortened, its exports keeping their names. A file that is not UTF-8, that oxc cannot parse, or that
/// would not get smaller comes back byte for byte.
pub fn minify_script(js: &[u8]) -> Vec<u8> {
    use oxc_codegen::{CodegenOptions, CommentOptions, LegalComment};
    use oxc_minifier::{CompressOptions, MangleOptions, Minifier, MinifierOptions};
    let Ok(source) = std::str::from_utf8(js) else {
        return js.to_vec();
    };
    let allocator = oxc_allocator::Allocator::default();
    let parsed =
        oxc_parser::Parser::new(&allocator, source, oxc_span::SourceType::unambiguous()).parse();
    if parsed.panicked || !parsed.errors.is_empty() {
        return js.to_vec();
    }
    // A module's own top-level names are private to it and may be
    // shortened too; a classic script's are globals other scripts may use.
    let module = parsed.module_record.has_module_syntax;
    let mut program = parsed.program;
    let minified = Minifier::new(MinifierOptions {
        mangle: Some(MangleOptions {
            top_level: module,
            ..MangleOptions::default()
        }),
        compress: Some(CompressOptions::safest()),
    })
    .minify(&allocator, &mut program);
    let code = oxc_codegen::Codegen::new()
        .with_options(CodegenOptions {
            minify: true,
            comments: CommentOptions {
                legal: LegalComment::Inline,
                ..CommentOptions::disabled()
            },
            ..CodegenOptions::default()
        })
        .with_scoping(minified.scoping)
        .build(&program)
        .code;
    if code.len() < js.len() {
        code.into_bytes()
    } else {
        js.to_vec()
    }
}

/// The page with a space put back between a quoted attribute value and the
/// attribute after it (`title="a b"href=x`), which the one-pass minifier
/// leaves out and has no setting to keep. Browsers read the page the same
/// either way, but HTML calls the missing space a parse error, and the
/// validators that public-sector accessibility audits run report it on
/// every page. Comments and the text of `<script>` and `<style>` are copied
/// as they are.
fn spaced_attributes(html: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(html.len() + html.len() / 64);
    let mut i = 0;
    while let Some(found) = memchr::memchr(b'<', &html[i..]) {
        let start = i + found;
        push_text(&mut out, &html[i..start]);
        i = start;
        let rest = &html[i..];
        if rest.starts_with(b"<!--") {
            let end = memchr::memmem::find(rest, b"-->").map_or(rest.len(), |e| e + 3);
            out.extend_from_slice(&rest[..end]);
            i += end;
            continue;
        }
        if !rest.get(1).is_some_and(u8::is_ascii_alphabetic) {
            // An end tag or `<!DOCTYPE` stays; any other `<` is text the
            // minifier unescaped (`< 50%`), which HTML calls a parse error.
            let markup = match rest.get(1) {
                Some(b'!') => true,
                Some(b'/') => rest.get(2).is_some_and(u8::is_ascii_alphabetic),
                _ => false,
            };
            out.extend_from_slice(if markup { b"<" } else { b"&lt;" });
            i += 1;
            continue;
        }
        // A start tag: its name, then attributes up to `>`.
        let name_end = rest
            .iter()
            .position(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'/' | b'>'))
            .unwrap_or(rest.len());
        let name = &rest[1..name_end];
        let raw_text: Option<&[u8]> = if name.eq_ignore_ascii_case(b"script") {
            Some(b"</script")
        } else if name.eq_ignore_ascii_case(b"style") {
            Some(b"</style")
        } else {
            None
        };
        out.extend_from_slice(&rest[..name_end]);
        i += name_end;
        while let Some(next) = memchr::memchr2(b'=', b'>', &html[i..]) {
            out.extend_from_slice(&html[i..i + next]);
            i += next;
            out.push(html[i]);
            i += 1;
            if html[i - 1] == b'>' {
                break;
            }
            // An attribute's value, after its `=`.
            match html.get(i) {
                Some(&quote @ (b'"' | b'\'')) => {
                    let close =
                        memchr::memchr(quote, &html[i + 1..]).map_or(html.len(), |e| i + 1 + e);
                    let end = (close + 1).min(html.len());
                    out.push(quote);
                    push_text(&mut out, &html[i + 1..close.min(html.len())]);
                    out.extend_from_slice(&html[close.min(html.len())..end]);
                    i = end;
                    if html.get(i).is_some_and(|b| {
                        !matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'/' | b'>')
                    }) {
                        out.push(b' ');
                    }
                }
                _ => {
                    // HTML allows none of `"'=<` and the backtick in a value
                    // without quotes (`id=a'b`, `href=/x?a=b`): the minifier
                    // leaves them. One pass finds the value's end and them.
                    let mut end = i;
                    let mut needs_quotes = false;
                    while let Some(&b) = html.get(end) {
                        match b {
                            b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'>' => break,
                            b'"' | b'\'' | b'=' | b'<' | b'`' => needs_quotes = true,
                            _ => {}
                        }
                        end += 1;
                    }
                    let mut value = Vec::with_capacity(end - i);
                    push_text(&mut value, &html[i..end]);
                    if needs_quotes {
                        out.push(b'"');
                        for &b in &value {
                            if b == b'"' {
                                out.extend_from_slice(b"&quot;");
                            } else {
                                out.push(b);
                            }
                        }
                        out.push(b'"');
                    } else {
                        out.extend_from_slice(&value);
                    }
                    i = end;
                }
            }
        }
        // Raw text: copied up to its end tag.
        if let Some(closing) = raw_text {
            let end = html[i..]
                .windows(closing.len())
                .position(|w| w.eq_ignore_ascii_case(closing))
                .map_or(html.len(), |e| i + e);
            out.extend_from_slice(&html[i..end]);
            i = end;
        }
    }
    push_text(&mut out, &html[i..]);
    out
}

/// Text between tags, or an attribute's value, with the `;` put back after
/// each character reference the minifier shortened before a letter or
/// digit (`R&ampD`, `1&LT2`). In text browsers read them the same, but
/// HTML calls the missing `;` a parse error; in an attribute they are not
/// read as references at all, so `href="?a=1&ampregion=north"` (from
/// `&amp;region`, as `&reg` is a reference) asked for `ampregion`. Only names no longer reference starts with are completed, so a
/// reference such as `&ltimes;` is left alone.
fn push_text(out: &mut Vec<u8>, text: &[u8]) {
    const SHORTENED: [&[u8]; 6] = [b"amp", b"AMP", b"LT", b"GT", b"quot", b"QUOT"];
    let mut i = 0;
    while let Some(found) = memchr::memchr(b'&', &text[i..]) {
        let after = i + found + 1;
        out.extend_from_slice(&text[i..after]);
        i = after;
        let rest = &text[i..];
        if let Some(name) = SHORTENED.iter().find(|name| rest.starts_with(name))
            && rest.get(name.len()) != Some(&b';')
        {
            out.extend_from_slice(name);
            out.push(b';');
            i += name.len();
        } else if let Some(length) = numeric_reference(rest)
            && rest.get(length) != Some(&b';')
        {
            // `&#39` and `&#34`, in a value with both kinds of quote.
            out.extend_from_slice(&rest[..length]);
            out.push(b';');
            i += length;
        }
    }
    out.extend_from_slice(&text[i..]);
}

/// The length of a numeric character reference at the start of `text`,
/// after its `&` and without its `;` (`#39`, `#x27`).
fn numeric_reference(text: &[u8]) -> Option<usize> {
    let (prefix, hex) = match text {
        [b'#', b'x' | b'X', ..] => (2, true),
        [b'#', ..] => (1, false),
        _ => return None,
    };
    let digits = text[prefix..]
        .iter()
        .take_while(|b| {
            if hex {
                b.is_ascii_hexdigit()
            } else {
                b.is_ascii_digit()
            }
        })
        .count();
    (digits > 0).then_some(prefix + digits)
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
    fn keeps_a_space_after_each_quoted_attribute_value() {
        let page = b"<html><head><style>a[title=\"x\"]{color:red}</style></head><body><!-- a=\"b\"c --><a title=\"A b\" href=\"/x y/\" class=c>1 < 2</a><img alt='x y' src=a.png><script src=s.js></script><script>var q=\"a\"+'b'</script></body></html>";
        let out = String::from_utf8(minify(page)).expect("minified HTML is UTF-8");
        assert_eq!(
            out,
            "<html><head><style>a[title=x]{color:red}</style><body><a title=\"A b\" href=\"/x y/\" class=c>1 &lt; 2</a><img alt=\"x y\" src=a.png><script src=s.js></script><script>var q=\"a\"+'b'</script>"
        );
        // Comments, CSS and scripts are left as they are.
        assert_eq!(
            super::spaced_attributes(b"<p a=\"1\"b=\"2\"c>x=\"y\"z</p>"),
            b"<p a=\"1\" b=\"2\" c>x=\"y\"z</p>"
        );
        assert_eq!(
            super::spaced_attributes(b"<!-- <p a=\"1\"b> --><p>"),
            b"<!-- <p a=\"1\"b> --><p>"
        );
        assert_eq!(
            super::spaced_attributes(b"<style>p[a=\"1\"]b{}</style><i a=\"1\"/>"),
            b"<style>p[a=\"1\"]b{}</style><i a=\"1\"/>"
        );
    }

    #[test]
    fn quotes_a_value_html_does_not_allow_without_quotes() {
        assert_eq!(
            super::spaced_attributes(b"<h2 id=a'b><a href=/x?a=b&c=d class=k>x</a><i t=a\"b>"),
            b"<h2 id=\"a'b\"><a href=\"/x?a=b&c=d\" class=k>x</a><i t=\"a&quot;b\">"
        );
        let out = String::from_utf8(minify(
            b"<p><a href=\"/search/?q=a&amp;area=b\" id=\"a&#39;b\">x</a></p>",
        ))
        .expect("UTF-8");
        assert!(out.contains("href=\"/search/?q=a&area=b\""), "{out}");
        assert!(out.contains("id=\"a'b\""), "{out}");
    }

    #[test]
    fn completes_the_character_references_it_shortened() {
        let page = b"<html><body><p>R&amp;D 1&lt;2 &amp;amp; 3 &gt; 2 &lt;x &ltimes; caf\xc3\xa9</p></body></html>";
        let out = String::from_utf8(minify(page)).expect("minified HTML is UTF-8");
        assert!(out.contains("<p>R&D 1&LT;2 &amp;amp; 3 > 2 &LT;x"), "{out}");
        let mut text = Vec::new();
        super::push_text(&mut text, b"R&ampD 1&LT2 &amp; &ltimes; &QUOTx &");
        assert_eq!(text, b"R&amp;D 1&LT;2 &amp; &ltimes; &QUOT;x &");
    }

    // Regression: `&amp;region=` became `&ampregion=`, which a browser does
    // not decode in an attribute.
    #[test]
    fn an_attribute_keeps_each_ampersand_it_had() {
        let page = b"<p><a href=\"https://x.example/r?a=1&amp;region=north&amp;section=3&amp;lang=en\" title=\"Tom &amp;copy2 &amp;lt;b&amp;gt;\" data-q=\"a&amp;sect\">x</a><a href=\"/s?q=a&amp;reg=b\">y</a></p>";
        let out = String::from_utf8(minify(page)).expect("minified HTML is UTF-8");
        assert!(
            out.contains("href=\"https://x.example/r?a=1&amp;region=north&amp;section=3&lang=en\"")
                && out.contains("title=\"Tom &amp;copy2 &amp;lt;b&amp;gt;\"")
                && out.contains("data-q=a&amp;sect>")
                && out.contains("href=\"/s?q=a&amp;reg=b\""),
            "{out}"
        );
    }

    #[test]
    fn a_script_loses_comments_and_long_local_names_but_not_its_globals() {
        let js = b"/*! Licence: MIT */\n// A note for readers.\nfunction shout(message) {\n  const loudMessage = message.toUpperCase();\n  return loudMessage + \"!\";\n}\nvar counter = 1;\n";
        let out = String::from_utf8(super::minify_script(js)).expect("UTF-8");
        assert!(out.contains("/*! Licence: MIT */"), "{out}");
        assert!(
            !out.contains("A note") && !out.contains("loudMessage"),
            "{out}"
        );
        assert!(
            out.contains("function shout(") && out.contains("counter"),
            "{out}"
        );
        // A module's top-level names are its own: shortened, exports kept.
        let module = b"function searchEverything(query) { return query; }\nexport { searchEverything as search };\n";
        let out = String::from_utf8(super::minify_script(module)).expect("UTF-8");
        assert!(
            !out.contains("searchEverything") && out.contains("as search"),
            "{out}"
        );
        // Not JavaScript oxc can read: left exactly as it was.
        let broken = b"function (  {\n  \n";
        assert_eq!(super::minify_script(broken), broken);
    }

    #[test]
    fn minifies_inline_css() {
        let page =
            b"<html><head><style>p {  color : red ; }</style></head><body><p>x</p></body></html>";
        let out = String::from_utf8(minify(page)).expect("minified HTML is UTF-8");
        assert!(out.contains("<style>p{color:red}</style>"), "{out}");
    }

    // Regression: raw HTML with a stray closing tag made the one-pass
    // minifier fail; the page must still come out. minify-html, the old
    // fallback, dropped closing tags the browser uses to recover from an
    // unclosed `<span>` and moved the page's parts: it is left as it is.
    #[test]
    fn malformed_html_is_left_as_it_was_rendered() {
        for page in [
            &b"<html><head></head><body><div>\n  <p>text</span>\n</div></body></html>"[..],
            b"<html><body><div><div><p>Some <span>text</p></div></div><div>side</div></body></html>",
        ] {
            assert!(
                minify_html_onepass::copy(page, &minify_html_onepass::Cfg::new()).is_err(),
                "the fixture must be one the one-pass minifier rejects"
            );
            assert_eq!(minify(page), page);
        }
    }

    #[test]
    fn text_and_values_are_written_without_parse_errors() {
        let page = "<html><body><p>where &lt; 50% &lt;3 a&lt;b x &lt;/ y</p><p title=\"it&#39;s &quot;new&quot;\">a</p></body></html>";
        let out = String::from_utf8(minify(page.as_bytes())).expect("UTF-8");
        assert!(
            out.contains("where &lt; 50% &LT;3 a&LT;b x &LT;/ y"),
            "{out}"
        );
        // Every numeric reference keeps its `;`.
        let bytes = out.as_bytes();
        for (at, _) in out.match_indices("&#") {
            let digits = bytes[at + 2..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
            assert_eq!(bytes.get(at + 2 + digits), Some(&b';'), "{out}");
        }
        let mut text = Vec::new();
        super::push_text(&mut text, b"&#39s &#x27s &#39; &#a &#");
        assert_eq!(text, b"&#39;s &#x27;s &#39; &#a &#");
    }
}
