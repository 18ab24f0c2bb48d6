//! Live reload and the error overlay, added to served HTML only.
//!
//! In: a page's HTML, the generation of the build it comes from, and the
//! diagnostics of a failed rebuild if there is one. Out: the page with a
//! small script that listens to the server's events (server-sent events at
//! [`EVENTS_PATH`]) and, while the site has errors, an overlay listing them,
//! HTML-escaped. `oasis build` never adds any of this.
//!
//! Events: `hello` (on connecting: the current generation), `reload` (a good
//! build changed the site: the new generation), `failed` (a rebuild failed:
//! the overlay's HTML) and `ok` (the errors are gone and nothing changed).
//! A page reloads only when the generation differs from its own.

use crate::diagnostics::{self, Diagnostic};

/// Where browsers listen for rebuilds.
pub const EVENTS_PATH: &str = "/__oasis/events";

/// The `id` of the overlay element.
pub const OVERLAY_ID: &str = "oasis-overlay";

/// The page with the live-reload script (and the overlay, while failing)
/// inserted before `</body>`, or at the end when there is none.
pub fn inject(html: &[u8], generation: u64, overlay: Option<&str>) -> Vec<u8> {
    let mut insert = script(generation);
    if let Some(overlay) = overlay {
        insert.push_str(overlay);
    }
    let at = rfind_ascii_case_insensitive(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + insert.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(insert.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// The script that reloads the page after a good rebuild and shows or
/// hides the overlay. Hidden tabs close their connection (browsers allow
/// only six per server) and reopen it when shown again; the `hello` on
/// reopening tells them whether they missed a rebuild.
fn script(generation: u64) -> String {
    format!(
        concat!(
            r#"<script data-oasis-live>(function(){{var g={generation},id="{id}",s=null;"#,
            r#"function r(e){{if(+e.data!==g)location.reload()}}"#,
            r#"function h(){{var o=document.getElementById(id);if(o)o.remove()}}"#,
            r#"function open(){{if(s)return;s=new EventSource("{events}");"#,
            r#"s.addEventListener("hello",function(e){{h();r(e)}});s.addEventListener("reload",r);s.addEventListener("ok",h);"#,
            r#"s.addEventListener("failed",function(e){{h();document.body.insertAdjacentHTML("beforeend",e.data)}})}}"#,
            r#"document.addEventListener("visibilitychange",function(){{if(document.hidden){{if(s){{s.close();s=null}}}}else open()}});"#,
            r#"if(!document.hidden)open()}})();</script>"#,
        ),
        generation = generation,
        id = OVERLAY_ID,
        events = EVENTS_PATH,
    )
}

/// What the overlay says is behind it, on a page of the last good build…
const LAST_GOOD: &str = "Until then the last good build is shown.";
/// …and on the page shown before there is one.
const NO_GOOD_BUILD: &str = "There is no good build to show until then.";

/// The overlay listing a failed rebuild's diagnostics.
pub fn overlay(diagnostics: &[Diagnostic]) -> String {
    let errors: Vec<&Diagnostic> = diagnostics.iter().filter(|d| d.is_error()).collect();
    let text = errors
        .iter()
        .map(|d| diagnostics::render_human(d, false))
        .collect::<Vec<_>>()
        .join("\n");
    let summary = diagnostics::summary(diagnostics);
    format!(
        concat!(
            r#"<div id="{id}" role="alertdialog" aria-modal="true" aria-labelledby="{id}-title" "#,
            r#"style="position:fixed;inset:0;z-index:2147483647;overflow:auto;margin:0;padding:2rem;"#,
            r#"background:#0b0c0c;color:#fff;font:16px/1.5 system-ui,sans-serif;text-align:left">"#,
            r#"<h2 id="{id}-title" style="margin:0 0 .5rem;font-size:1.5rem;color:#fff">The site has errors ({summary})</h2>"#,
            r#"<p style="margin:0 0 1rem">Fix them and save: this page updates by itself. {LAST_GOOD}</p>"#,
            r#"<pre style="white-space:pre-wrap;font:14px/1.45 ui-monospace,monospace;background:#1d1f20;color:#fff;padding:1rem;margin:0 0 1rem">{text}</pre>"#,
            r#"<button type="button" onclick="this.parentNode.remove()" style="font:inherit;padding:.25rem 1rem">Hide</button></div>"#,
        ),
        id = OVERLAY_ID,
        summary = escape(&summary),
        text = escape(&text),
        LAST_GOOD = LAST_GOOD,
    )
}

/// The overlay as shown while there is no good build behind it.
pub fn without_a_good_build(overlay: &str) -> String {
    overlay.replace(LAST_GOOD, NO_GOOD_BUILD)
}

/// The page shown for every HTML request before the first good build.
pub fn error_page(overlay: &str) -> Vec<u8> {
    let html = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>The site has errors</title></head><body></body></html>";
    inject(html.as_bytes(), 0, Some(&without_a_good_build(overlay)))
}

/// Escapes text for HTML. Carriage returns are dropped: server-sent events
/// cannot carry them, and they show nothing.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

fn rfind_ascii_case_insensitive(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.len() > haystack.len() {
        return None;
    }
    (0..=haystack.len() - needle.len())
        .rev()
        .find(|&i| haystack[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_before_any_good_build_does_not_promise_one() {
        let overlay = overlay(&[Diagnostic::error("broken")]);
        assert!(overlay.contains(LAST_GOOD));
        let page = String::from_utf8(error_page(&overlay)).unwrap();
        assert!(
            page.contains(NO_GOOD_BUILD) && !page.contains(LAST_GOOD),
            "{page}"
        );
    }

    #[test]
    fn injects_before_the_last_body_end() {
        let html = b"<html><body><p>x</p></BODY></html>";
        let out = String::from_utf8(inject(html, 3, None)).expect("utf-8");
        assert!(out.starts_with("<html><body><p>x</p><script data-oasis-live>"));
        assert!(out.ends_with("</script></BODY></html>"));
        assert!(out.contains("var g=3,"));
        assert!(out.contains("new EventSource(\"/__oasis/events\")"));
    }

    #[test]
    fn appends_when_there_is_no_body_end() {
        let out = String::from_utf8(inject(b"<p>x", 1, Some("<div>o</div>"))).expect("utf-8");
        assert!(out.starts_with("<p>x<script"));
        assert!(out.ends_with("<div>o</div>"));
    }

    #[test]
    fn the_overlay_escapes_diagnostics() {
        let d = Diagnostic::error("unknown area `<script>alert(1)</script>`")
            .hint("use \"derby\" & co\r");
        let html = overlay(&[d]);
        assert!(!html.contains("<script>"));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("&quot;derby&quot; &amp; co"));
        assert!(!html.contains('\r'));
    }
}
