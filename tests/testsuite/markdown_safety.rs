//! What a body may put on a page: no `javascript:`, `vbscript:` or `data:`
//! address even where the site allows raw HTML, and ids that no other part
//! of the page has (SPEC §2).

use std::collections::BTreeMap;

use crate::support::SiteTest;

/// The base site with `[markdown] unsafe_html = true`.
fn site_with_raw_html() -> SiteTest {
    let site = SiteTest::base();
    site.write(
        "site.toml",
        format!(
            "{}\n[markdown]\nunsafe_html = true\n",
            site.read("site.toml")
        ),
    );
    site
}

fn announcement(title: &str, body: &str) -> String {
    format!(
        "---\ntitle: \"{title}\"\ndate: 2018-01-01\nsummary: \"{title}.\"\nareas: [derby]\n---\n\n{body}"
    )
}

/// Raw HTML a browser would read as going to a script or `data:` address,
/// written the ways that slip past a plain text search.
const SCRIPT_ADDRESSES: &str = r#"<a href="javascript:alert(1)">plain</a>

<a href="JaVaScRiPt:alert(1)">mixed case</a>

<a href="  &#106;avascript:alert(1)">decimal reference</a>

<a href="&#x6A&#x61vascript&colon;alert(1)">hex references without semicolons</a>

<a href="java&#x09;script:alert(1)">a tab inside</a>

<a href="java&NewLine;script:alert(1)">a named line break inside</a>

<form action="vbscript:msgbox(1)"><button formaction="javascript:alert(1)">go</button></form>

<iframe src="data:text/html,<script>alert(1)</script>" title="frame"></iframe>

<object data="javascript:alert(1)"></object>

<svg><a xlink:href="javascript:alert(1)"><text>svg</text></a></svg>

<img src="https://example.org/a.png" srcset="https://example.org/a.png 1x, data:image/svg+xml;base64,PHN2Zz4= 2x" alt="srcset">

<iframe
  src="DATA:text/html,x" title="split over lines"></iframe>
"#;

// Regression: raw HTML allowed by `unsafe_html` used to pass through with its
// `javascript:` links, though SPEC §2 says they are never emitted.
#[test]
fn raw_html_never_goes_to_a_script_address() {
    let site = site_with_raw_html();
    site.write(
        "content/announcements/raw.md",
        announcement("Raw", SCRIPT_ADDRESSES),
    );
    let run = site.expect(&["build"], 0);
    let page = site
        .read("public/announcements/raw/index.html")
        .to_lowercase();
    for bad in [
        "javascript",
        "vbscript",
        "data:",
        "&#106",
        "&#x6a",
        "&colon;",
    ] {
        assert!(!page.contains(bad), "{bad} in {page}");
    }
    for kept in [
        "plain</a>",
        "<form>",
        "<button>go</button>",
        "<img src=\"https://example.org/a.png\" alt=\"srcset\">",
    ] {
        assert!(page.contains(kept), "{kept} not in {page}");
    }
    assert_eq!(run.stderr.matches("warning:").count(), 13, "{}", run.stderr);
    // The arrow is indented to the width of the line number.
    let stderr = run
        .stderr
        .replace("\n  --> ", "\n--> ")
        .replace("\n --> ", "\n--> ");
    for expected in [
        "warning: `<a href>` to a `javascript:` address was removed\n--> content/announcements/raw.md:8:10\n",
        "warning: `<a href>` to a `javascript:` address was removed\n--> content/announcements/raw.md:18:10\n",
        "warning: `<button formaction>` to a `javascript:` address was removed\n--> content/announcements/raw.md:20:55\n",
        "warning: `<img srcset>` with a `data:` address was removed\n--> content/announcements/raw.md:28:46\n",
        "warning: `<iframe src>` to a `data:` address was removed\n--> content/announcements/raw.md:31:8\n",
    ] {
        assert!(stderr.contains(expected), "{expected}\n{}", run.stderr);
    }
    site.expect(&["check", "--strict"], 1);
}

#[test]
fn ordinary_addresses_in_raw_html_are_kept_byte_for_byte() {
    let site = site_with_raw_html();
    let html = [
        r#"<a href="https://www.gov.uk/government/organisations/department-for-education?tab=news&amp;page=2#latest">GOV.UK</a>"#,
        r#"<a href='/areas/derby/'>Derby</a>"#,
        "<a href=#main-content>Main content</a>",
        r#"<a href="mailto:derby@example.org?subject=Plan">Write to us</a>"#,
        r#"<a href="/plans/derby-plan.pdf" data-kind="javascript:not-a-link" title="data: a report">The plan</a>"#,
        r#"<img src="/img/a.png" srcset="/img/a.png 1x,/img/a@2x.png 2x" alt="A chart">"#,
        r#"<iframe src="https://www.youtube-nocookie.com/embed/x" title="A film"></iframe>"#,
    ];
    site.write(
        "content/announcements/raw.md",
        announcement("Raw", &format!("{}\n", html.join("\n\n"))),
    );
    // Root-relative addresses in raw HTML are checked like Markdown links'.
    site.write("content/img/a.png", "png");
    let run = site.expect(&["build"], 0);
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    let page = site.read("public/announcements/raw/index.html");
    for piece in html {
        assert!(page.contains(piece), "{piece} not in {page}");
    }
}

#[test]
fn root_relative_addresses_in_raw_html_are_checked_and_given_the_base_path() {
    let site = site_with_raw_html();
    site.write(
        "content/announcements/raw.md",
        announcement(
            "Raw",
            "<p><a href=\"/areas/derby/\">Derby</a>\n<a href=\"/areas/darby/\">Darby</a></p>\n",
        ),
    );
    let check = site.expect(&["check"], 1);
    assert!(
        check.stderr.contains("content/announcements/raw.md:9:10"),
        "{}",
        check.stderr
    );
    assert!(check.stderr.contains("/areas/darby/"), "{}", check.stderr);
    assert!(check.stderr.contains("1 error"), "{}", check.stderr);

    site.write(
        "content/announcements/raw.md",
        announcement("Raw", "<p><a href=\"/areas/derby/#plans\">Derby</a></p>\n"),
    );
    site.expect(&["build", "--base-url", "https://oa.example/preview/"], 0);
    let page = site.read("public/announcements/raw/index.html");
    assert!(
        page.contains("href=\"/preview/areas/derby/#plans\""),
        "{page}"
    );
}

/// Regression: with a base path, a Markdown link in a body that also had
/// raw HTML was read again with the raw HTML, already given the base path:
/// `/preview/areas/derby/` was then "a page this site does not have" and
/// would have become `/preview/preview/areas/derby/`.
#[test]
fn markdown_links_beside_raw_html_get_the_base_path_once() {
    let site = site_with_raw_html();
    site.write(
        "content/announcements/raw.md",
        announcement(
            "Raw",
            "[Derby](/areas/derby/) <b>and</b> <a href=\"/areas/oldham/\">Oldham</a>\n\n[Timeline](/timeline/#y2018)\n\n<noscript><a href=\"/areas/\">Areas</a></noscript>\n",
        ),
    );
    site.expect(&["build", "--base-url", "https://oa.example/preview/"], 0);
    let page = site.read("public/announcements/raw/index.html");
    for link in [
        "/preview/areas/derby/",
        "/preview/areas/oldham/",
        "/preview/timeline/#y2018",
        "/preview/areas/",
    ] {
        assert!(page.contains(&format!("href=\"{link}\"")), "{link}: {page}");
    }
    assert!(!page.contains("/preview/preview/"), "{page}");
}

/// Regression: with raw HTML allowed, `<a href="@/plans/nope.md">` was
/// published as it stood: neither resolved nor checked.
#[test]
fn internal_links_in_raw_html_are_resolved_and_checked() {
    let site = site_with_raw_html();
    site.write(
        "content/announcements/raw.md",
        announcement(
            "Raw",
            "<p><a href=\"@/plans/derby.md#early-years\">Plan</a> <a href=\"@/plans/nope.md\">Nope</a></p>\n\n<noscript><img src=\"@/announcements/nope.png\" alt=\"\"></noscript>\n",
        ),
    );
    let check = site.expect(&["check"], 1);
    for expected in [
        "error: `@/plans/nope.md` does not exist\n --> content/announcements/raw.md:8:61\n",
        "error: `@/announcements/nope.png` does not exist\n  --> content/announcements/raw.md:10:",
    ] {
        assert!(
            check.stderr.contains(expected),
            "{expected}: {}",
            check.stderr
        );
    }
    assert!(check.stderr.contains("2 errors"), "{}", check.stderr);

    site.write(
        "content/announcements/raw.md",
        announcement(
            "Raw",
            "<p><a href=\"@/plans/derby.md#early-years\">Plan</a></p>\n",
        ),
    );
    site.expect(&["build", "--base-url", "https://oa.example/preview/"], 0);
    let page = site.read("public/announcements/raw/index.html");
    assert!(
        page.contains("href=\"/preview/plans/derby/#early-years\""),
        "{page}"
    );
}

/// Regression: with raw HTML allowed, its same-page and relative links
/// (`href="#nope"`, `href="plans/derby/"`, `src="chart.png"`) were
/// published unchecked, where Markdown's are errors.
#[test]
fn same_page_and_relative_links_in_raw_html_are_checked() {
    let site = site_with_raw_html();
    site.write(
        "content/announcements/raw.md",
        announcement(
            "Raw",
            "## Aims\n\n<p><a href=\"#aims\">fine</a> <a href=\"#nope\">a</a> <a href=\"plans/derby/\">b</a> <img src=\"chart.png\" alt=\"c\"> <a href=\"mailto:a@b.example\">m</a></p>\n",
        ),
    );
    let check = site.expect(&["check"], 1);
    for expected in [
        "error: this page has no heading `#nope`",
        "error: the link `plans/derby/` is relative",
        "error: the image `chart.png` is relative",
    ] {
        assert!(
            check.stderr.contains(expected),
            "{expected}: {}",
            check.stderr
        );
    }
    assert!(check.stderr.contains("3 errors"), "{}", check.stderr);
}

/// Every `id` of an HTML page, in order.
fn ids(html: &str) -> Vec<String> {
    let mut ids = Vec::new();
    lol_html::rewrite_str(
        html,
        lol_html::RewriteStrSettings::new().append_element_content_handler(lol_html::element!(
            "[id]",
            |element| {
                ids.extend(element.get_attribute("id"));
                Ok(())
            }
        )),
    )
    .expect("a built page parses");
    ids
}

/// Every `href="#…"` of an HTML page, without the `#`.
fn anchors(html: &str) -> Vec<String> {
    html.split("href=\"#")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap_or(rest.len())].to_string())
        .collect()
}

// Regression: a heading could take an id the theme puts on the same page
// (`## Main content`), and `## Sources` beside a footnote `[^sources]` gave
// two `id="sources"`.
#[test]
fn every_id_on_every_page_is_unique_and_every_anchor_is_on_its_page() {
    let site = SiteTest::base();
    let theme_like =
        "## Main content\n\n## Contents heading\n\n## Related heading\n\n## Header search q\n\n";
    site.write(
        "content/announcements/ids.md",
        announcement(
            "Ids",
            &format!(
                "A claim.[^sources] Another.[^Note]\n\n{theme_like}## Sources\n\n## Sources\n\n## Fn sources\n\n[^sources]: A source.\n[^note]: A note.\n"
            ),
        ),
    );
    site.write(
        "content/plans/ids.md",
        "---\ntitle: \"Ids plan\"\ndate: 2018-01-01\nsummary: \"A plan.\"\nareas: [oldham]\ndocument: ids-plan.pdf\n---\n\n## Documents\n\n## Priorities\n",
    );
    std::fs::copy(
        site.path("content/plans/derby-plan.pdf"),
        site.path("content/plans/ids-plan.pdf"),
    )
    .expect("copy the plan's document");
    for (file, headings) in [
        (
            "content/_index.md",
            "## Latest\n\n## Areas\n\n## Priorities\n",
        ),
        (
            "content/areas/derby.md",
            "## Delivery plan\n\n## Funding\n\n## Projects\n\n## Announcements\n\n## Funding by priority caption\n",
        ),
        (
            "content/priorities/early-years.md",
            "## Delivery plans\n\n## Funding\n\n## Projects\n\n## Funding by area title\n",
        ),
        ("content/pages/accessibility.md", theme_like),
    ] {
        site.write(file, format!("{}\n{headings}{theme_like}", site.read(file)));
    }
    site.expect(&["build"], 0);

    let mut checked = BTreeMap::new();
    for (path, bytes) in site.snapshot_dir("public") {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).expect("pages are UTF-8");
        let ids = ids(&html);
        let mut seen = std::collections::BTreeSet::new();
        for id in &ids {
            assert!(seen.insert(id), "{path}: id=\"{id}\" twice\n{html}");
        }
        for anchor in anchors(&html) {
            assert!(
                seen.contains(&anchor),
                "{path}: #{anchor} is not on the page"
            );
        }
        checked.insert(path, ids);
    }
    let announcement = &checked["announcements/ids/index.html"];
    for id in [
        "main-content",
        "main-content-1",
        "contents-heading",
        "contents-heading-1",
        "sources",
        "sources-1",
        "fn-sources",
        "fn-sources-1",
        "fn-note",
    ] {
        assert!(
            announcement.iter().any(|i| i == id),
            "{id}: {announcement:?}"
        );
    }
    // Only the ids of the page a body is on are kept from it.
    let plan = &checked["plans/ids/index.html"];
    for id in ["documents", "documents-1", "priorities"] {
        assert!(plan.iter().any(|i| i == id), "{id}: {plan:?}");
    }
    assert!(
        checked["areas/derby/index.html"]
            .iter()
            .any(|i| i == "funding-1")
    );
    assert!(checked["index.html"].iter().any(|i| i == "latest-1"));
}

/// Regression: raw HTML that left an element open (`<span>`, or `<x>` meant
/// as text) was published without a word, and the minifier's fallback then
/// dropped the page's own closing tags after it: the "Related content" box
/// ended up inside the text column, the rest of a table's page inside the
/// table. Each is now a warning at the tag, and such a page is left as it
/// was rendered, closing tags and all.
#[test]
fn raw_html_that_does_not_close_what_it_opens_is_warned_about() {
    let site = site_with_raw_html();
    site.write(
        "content/announcements/raw.md",
        announcement(
            "Raw",
            "Some <span>text left open.\n\n| Name | Mark |\n|---|---|\n| Ann | <x> |\n\n<div class=\"box\">\n\nA box.\n\n</section>\n\n<b>bold <i>crossed</b></i>\n\n<details><summary>More</summary>\n\nClosed as it should be.\n\n</details>\n",
        ),
    );
    let run = site.expect(&["build"], 0);
    insta::assert_snapshot!(site.redact(&run.stderr));
    let page = site.read("public/announcements/raw/index.html");
    // Left as rendered: the theme's closing tags are all there.
    assert!(page.contains("Some <span>text left open.</p>"), "{page}");
    assert_eq!(
        page.matches("<div").count(),
        page.matches("</div>").count() + 1,
        "only the writer's <div> is left open: {page}"
    );
    // A well-formed page of the same site is still minified.
    let other = site.read("public/index.html");
    assert!(!other.contains("\n  <"), "{other}");
}
