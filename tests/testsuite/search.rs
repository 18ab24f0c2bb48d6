//! The search index `oasis build` writes under `pagefind/`: which documents
//! it holds, what it shows and filters on, and that it is reproducible.
//!
//! pagefind's chunks are gzip files whose data starts with `pagefind_dcd`:
//! fragments are JSON (one document: URL, text, meta, filters), index
//! chunks are CBOR holding the indexed words as plain strings.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;

use crate::support::{SiteTest, fixtures};

const DRAFT: &str = "---\ntitle: \"Draft story\"\ndate: 2018-01-01\nsummary: \"Not ready.\"\nareas: [derby]\ndraft: true\n---\n\nThe quokkadraft word is only in the draft.\n";
const SCHEDULED: &str = "---\ntitle: \"Scheduled story\"\ndate: 2030-01-01\nsummary: \"Not yet.\"\nareas: [derby]\n---\n\nThe quokkascheduled word is only in the scheduled story.\n";

/// The published documents of `tests/fixtures/base`, by URL.
const PUBLISHED: [&str; 10] = [
    "/",
    "/accessibility/",
    "/announcements/extension/",
    "/announcements/first-areas/",
    "/announcements/plans-published/",
    "/areas/derby/",
    "/plans/derby/",
    "/priorities/early-years/",
    "/projects/derby-outreach/",
    "/projects/life-skills/",
];

fn unpack(bytes: &[u8]) -> Vec<u8> {
    let mut data = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut data)
        .expect("a pagefind chunk is gzip");
    data.strip_prefix(b"pagefind_dcd")
        .expect("pagefind's marker")
        .to_vec()
}

/// Every file under `public/pagefind/<folder>/`, unpacked.
fn chunks(site: &SiteTest, folder: &str) -> Vec<Vec<u8>> {
    let dir = site.path(&format!("public/pagefind/{folder}"));
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    entries
        .map(|e| unpack(&std::fs::read(e.expect("a chunk").path()).expect("read a chunk")))
        .collect()
}

/// The indexed documents: URL → fragment JSON.
fn fragments(site: &SiteTest) -> BTreeMap<String, serde_json::Value> {
    chunks(site, "fragment")
        .into_iter()
        .map(|data| {
            let json: serde_json::Value =
                serde_json::from_slice(&data).expect("a fragment is JSON");
            let url = json["url"]
                .as_str()
                .expect("a fragment has a URL")
                .to_string();
            (url, json)
        })
        .collect()
}

fn indexes_word(site: &SiteTest, word: &str) -> bool {
    chunks(site, "index")
        .iter()
        .any(|data| data.windows(word.len()).any(|w| w == word.as_bytes()))
}

#[test]
fn the_index_holds_every_published_document_and_no_draft_or_scheduled_one() {
    let site = SiteTest::base();
    site.write("content/announcements/draft.md", DRAFT);
    site.write("content/announcements/scheduled.md", SCHEDULED);
    site.expect(&["build"], 0);

    let indexed: BTreeSet<String> = fragments(&site).into_keys().collect();
    let published: BTreeSet<String> = PUBLISHED.iter().map(|u| u.to_string()).collect();
    assert_eq!(indexed, published);
    assert!(indexes_word(&site, "outreach"), "a body word is indexed");
    assert!(
        !indexes_word(&site, "quokkadraft"),
        "a draft's words leaked"
    );
    assert!(
        !indexes_word(&site, "quokkascheduled"),
        "a scheduled story's words leaked"
    );

    // The same site with --drafts --future indexes them: the test can fail.
    site.expect(&["build", "--drafts", "--future"], 0);
    let indexed: BTreeSet<String> = fragments(&site).into_keys().collect();
    assert!(indexed.contains("/announcements/draft/"));
    assert!(indexed.contains("/announcements/scheduled/"));
    assert!(indexes_word(&site, "quokkadraft"));
}

#[test]
fn each_result_carries_its_title_kind_date_areas_and_filters() {
    let site = SiteTest::base();
    site.expect(&["build"], 0);
    let fragments = fragments(&site);

    let plan = &fragments["/plans/derby/"];
    let shown = serde_json::json!({
        "url": plan["url"],
        "meta": plan["meta"],
        "filters": plan["filters"],
    });
    insta::assert_snapshot!(
        "search_fragment_meta_and_filters",
        serde_json::to_string_pretty(&shown).expect("JSON")
    );
    let content = plan["content"].as_str().expect("text");
    assert!(
        !content.contains("Link to this section"),
        "heading anchors are not indexed: {content}"
    );

    // `areas: all` shows as "All areas" and matches every area filter.
    let extension = &fragments["/announcements/extension/"];
    assert_eq!(extension["meta"]["areas"], "All areas");
    assert_eq!(
        extension["filters"]["area"],
        serde_json::json!(["derby", "oldham", "hastings"])
    );

    // An area's introduction is its page: found by its area's filter.
    let area = &fragments["/areas/derby/"];
    assert_eq!(area["filters"]["area"], serde_json::json!(["derby"]));
    assert_eq!(area["meta"]["areas"], "Derby");
}

#[test]
fn table_header_cells_are_separate_words() {
    let site = SiteTest::base();
    site.write(
        "content/announcements/table.md",
        "---\ntitle: \"Funding rounds\"\ndate: 2018-03-01\nsummary: \"Two rounds.\"\nareas: [derby]\n---\n\n| Round | Funding |\n|---|---|\n| First | £1 |\n",
    );
    site.expect(&["build"], 0);
    let fragments = fragments(&site);
    let content = fragments["/announcements/table/"]["content"]
        .as_str()
        .expect("text");
    assert!(content.contains("Round. Funding."), "{content}");
}

#[test]
fn the_bundle_has_only_what_the_search_page_uses_and_nothing_from_elsewhere() {
    let site = SiteTest::base();
    site.expect(&["build"], 0);
    let files = site.snapshot_dir("public/pagefind");
    let top: BTreeSet<&str> = files
        .keys()
        .map(|name| name.split('/').next().expect("a name"))
        .map(|name| {
            if name.ends_with(".pf_meta") {
                "*.pf_meta"
            } else {
                name
            }
        })
        .collect();
    assert_eq!(
        top,
        BTreeSet::from([
            "*.pf_meta",
            "filter",
            "fragment",
            "index",
            "pagefind-entry.json",
            "pagefind.js",
            "wasm.en.pagefind",
        ])
    );
    let page = site.read("public/search/index.html");
    for needed in [
        "data-bundle=\"/pagefind/\"",
        "src=\"/js/search.js\"",
        "role=\"status\"",
        "<label class=\"search-form__label\" for=\"search-q\">",
        "href=\"/areas/\"",
        "href=\"/priorities/\"",
        "href=\"/timeline/\"",
    ] {
        assert!(page.contains(needed), "the search page lacks {needed}");
    }
    let script = site.read("public/js/search.js");
    assert!(
        !script.contains("http"),
        "search.js fetches from another host"
    );
}

#[test]
fn every_page_but_search_has_a_search_box_in_its_header() {
    let site = SiteTest::base();
    site.expect(&["build"], 0);
    let form = "<form class=\"header-search\" role=\"search\" aria-label=\"Site\" action=\"/search/\" method=\"get\">";
    for page in ["index.html", "plans/derby/index.html", "404.html"] {
        assert!(
            site.read(&format!("public/{page}")).contains(form),
            "{page} has no search box"
        );
    }
    assert!(!site.read("public/search/index.html").contains(form));
}

#[test]
fn a_site_under_a_base_path_finds_its_bundle_there() {
    let site = SiteTest::base();
    site.expect(&["build", "--base-url", "https://oa.example/preview/"], 0);
    let page = site.read("public/search/index.html");
    assert!(
        page.contains("data-bundle=\"/preview/pagefind/\""),
        "{page}"
    );
    assert!(page.contains("data-base-url=\"/preview/\""), "{page}");
    // Result URLs stay site-relative; pagefind prefixes the base path.
    assert!(fragments(&site).contains_key("/plans/derby/"));
}

#[test]
fn check_writes_no_index() {
    let site = SiteTest::base();
    site.expect(&["check"], 0);
    assert!(!site.exists("public"));
}

#[test]
fn the_index_is_byte_identical_across_builds() {
    // Enough documents for several index chunks, with accented words
    // (pagefind keeps diacritic variants apart) and shared words.
    let site = SiteTest::base();
    for i in 0..150 {
        let words: String = (0..160)
            .map(|w| format!("word{} café cafe Derby careers ", (i * 7 + w) % 900))
            .collect();
        site.write(
            &format!("content/announcements/generated-{i:03}.md"),
            format!(
                "---\ntitle: \"Generated story {i}\"\ndate: 2019-0{}-1{}\nsummary: \"Story number {i}.\"\nareas: [{}]\npriorities: [careers]\n---\n\n{words}\n",
                i % 9 + 1,
                i % 10,
                ["derby", "oldham", "hastings"][i % 3]
            ),
        );
    }
    let a = tempfile::tempdir().expect("tmp");
    let b = tempfile::tempdir().expect("tmp");
    for out in [&a, &b] {
        site.expect(
            &["build", "--output", &out.path().join("o").to_string_lossy()],
            0,
        );
    }
    let read = |dir: &std::path::Path| -> BTreeMap<String, Vec<u8>> {
        walkdir::WalkDir::new(dir.join("o/pagefind"))
            .sort_by_file_name()
            .into_iter()
            .map(|e| e.expect("walk"))
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                (
                    e.path()
                        .strip_prefix(dir)
                        .expect("under")
                        .display()
                        .to_string(),
                    std::fs::read(e.path()).expect("read"),
                )
            })
            .collect()
    };
    let (first, second) = (read(a.path()), read(b.path()));
    assert!(
        first.keys().filter(|k| k.contains("/index/")).count() > 1,
        "the test site should need several index chunks"
    );
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        second.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &first {
        assert!(&second[name] == bytes, "{name} differs between builds");
    }
}

#[test]
fn no_search_builds_every_page_but_no_index() {
    let site = SiteTest::base();
    site.expect(&["build", "--no-search"], 0);
    assert!(site.exists("public/search/index.html"));
    assert!(site.exists("public/announcements/index.html"));
    assert!(!site.exists("public/pagefind"));
    site.expect(&["build"], 0);
    assert!(site.exists("public/pagefind/pagefind.js"));
}

/// oasis builds with a patched pagefind (vendor/pagefind/OASIS-PATCHES.md):
/// its batch path — pages parsed in parallel, moved rather than copied into
/// the build — must index exactly what the published one-page-at-a-time
/// path does. The pages have diacritics (so words have variant spellings),
/// compound and dotted words, headings with ids, metadata and filters, and
/// more words than one index chunk holds. Both paths share the other
/// patches (word memo, chunking, encoding), so the bundle must also be the
/// one the published crate made from these pages (its file names, which are
/// hashes of the contents, are in `tests/fixtures/pagefind/`).
#[test]
fn the_patched_batch_path_indexes_what_one_page_at_a_time_does() {
    use pagefind::api::PagefindIndex;
    use pagefind::options::PagefindServiceConfig;

    let words = [
        "café",
        "cafe",
        "well-being",
        "e-mail",
        "sysconfig.is_python_build",
        "careersHub",
        "£22",
        "million",
        "Derby",
        "schools",
        "naïve",
        "naive",
        "résumé",
        "summer",
    ];
    let pages: Vec<(String, String)> = (0..400)
        .map(|i| {
            let body: Vec<String> = (0..60)
                .map(|j| format!("{}{}", words[(i * 7 + j) % words.len()], if j % 9 == 0 { "" } else { " x" }))
                .collect();
            let html = format!(
                "<!DOCTYPE html><html lang=\"en\"><body>\
                 <span data-pagefind-filter=\"area\">area{}</span>\
                 <h1 data-pagefind-meta=\"title\">Page {i} {}</h1>\
                 <h2 id=\"part-{i}\">Part <a class=\"heading-anchor\" href=\"#part-{i}\">hidden</a></h2>\
                 <p>{} word{i}unique</p></body></html>",
                i % 3,
                words[i % words.len()],
                body.join(" ")
            );
            (format!("/page/{i}/"), html)
        })
        .collect();

    let options = || {
        PagefindServiceConfig::builder()
            .force_language("en".to_string())
            .exclude_selectors(vec![".heading-anchor".to_string()])
            .build()
    };
    let unpacked = |files: Vec<pagefind::api::SyntheticFile>| -> BTreeMap<String, Vec<u8>> {
        files
            .into_iter()
            .map(|file| {
                let name = file.filename.to_string_lossy().replace('\\', "/");
                let gzipped = name.ends_with("pf_meta")
                    || name.ends_with("pf_fragment")
                    || name.ends_with("pf_index")
                    || name.ends_with("pf_filter");
                let contents = if gzipped {
                    unpack(&file.contents)
                } else {
                    file.contents
                };
                (name, contents)
            })
            .collect()
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");

    let mut one_by_one = PagefindIndex::new(Some(options())).expect("an index");
    let published = runtime.block_on(async {
        for (url, html) in pages.clone() {
            one_by_one
                .add_html_file(None, Some(url), html)
                .await
                .expect("a page indexed");
        }
        one_by_one.get_files().await.expect("the files")
    });
    let mut batch = PagefindIndex::new(Some(options())).expect("an index");
    assert_eq!(batch.add_html_files(pages).expect("pages indexed"), 400);
    let patched = runtime.block_on(batch.take_files()).expect("the files");

    let (published, patched) = (unpacked(published), unpacked(patched));
    assert!(
        published
            .keys()
            .filter(|name| name.ends_with("pf_index"))
            .count()
            > 1,
        "the pages fill more than one index chunk: {:?}",
        published.keys().collect::<Vec<_>>()
    );
    assert_eq!(
        published.keys().collect::<Vec<_>>(),
        patched.keys().collect::<Vec<_>>()
    );
    assert!(published == patched, "same names, different contents");

    // Every name is a hash of its file's uncompressed bytes (the metadata's
    // of the others' names too): the published crate made these.
    let expected = std::fs::read_to_string(fixtures().join("pagefind/published-1.6.0-names.txt"))
        .expect("the published crate's names");
    assert_eq!(
        patched.keys().map(String::as_str).collect::<Vec<_>>(),
        expected.lines().collect::<Vec<_>>(),
        "the patched pagefind's bundle differs from the published crate's \
         (tests/fixtures/pagefind/README.md)"
    );
}

/// pagefind's batch path (`add_html_files`, which oasis uses) reads a plain,
/// well-formed page with a quick reader of its own (an oasis patch,
/// `vendor/pagefind/src/fossick/quick.rs`) and any other page with lol_html,
/// as the one-page path always does. Rendered documents with every kind of
/// Markdown and raw HTML must come out of both the same, and the untidy
/// one (unclosed tags, scripts, upper-case tags) must go to lol_html.
#[test]
fn the_quick_reader_reads_rendered_documents_as_pagefinds_parser_does() {
    use pagefind::api::PagefindIndex;

    let options = oasis::load::Options {
        root: fixtures().join("search-markup"),
        drafts: false,
        future: false,
        overrides: Default::default(),
    };
    let (compiled, diagnostics) = oasis::compile(&options);
    let site = compiled
        .unwrap_or_else(|| panic!("the fixture builds: {diagnostics:?}"))
        .site;
    let records = oasis::search::records(&site);
    let one_by_one = PagefindIndex::new(Some(records.config())).expect("an index");
    let read_quickly: Vec<&str> = records
        .pages()
        .iter()
        .filter(|(_, html)| one_by_one.reads_quickly(html))
        .map(|(url, _)| url.as_str())
        .collect();
    assert_eq!(
        read_quickly,
        ["/announcements/tidy/", "/accessibility/"],
        "which pages the quick reader reads"
    );
    let tidy = &records.pages()[0].1;
    for markup in [
        "<details>",
        "<!--",
        "<img",
        "<table>",
        "<sup class=\"footnote-reference\">",
        "&amp;",
    ] {
        assert!(tidy.contains(markup), "the tidy page has {markup}: {tidy}");
    }

    let (parsed, quick) = both_ways(records.pages(), &|| records.config());
    assert!(
        parsed.len() > 5,
        "the bundle has chunks: {:?}",
        parsed.keys()
    );
    assert_eq!(
        parsed.keys().collect::<Vec<_>>(),
        quick.keys().collect::<Vec<_>>()
    );
    assert!(parsed == quick, "same names, different contents");
}

/// The quick reader against lol_html on random pages made of the pieces
/// writers' Markdown and raw HTML give (well and badly nested tags, ids,
/// entities, comments, ignored and excluded elements, meta and filters):
/// the bundles of the two paths must be the same. (pagefind's own tests,
/// which CI does not run, compare the readers' results page by page.)
#[test]
fn the_quick_reader_reads_random_pages_as_pagefinds_parser_does() {
    use pagefind::api::PagefindIndex;
    use pagefind::options::PagefindServiceConfig;

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
        "<table>",
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
        "<sup id=fn-1>",
        "<b id=\"x\">",
        "<div class=\"x footnote-back\">",
    ];
    let single = [
        "<br>",
        "<hr>",
        "<img src=\"/a.png\" alt=\"An image\">",
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
        "schools",
        "Derby",
        "<P>",
        "</p>",
        "<script>x</script>",
    ];
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    let pages: Vec<(String, String)> = (0..1500)
        .map(|i| {
            let mut body = String::new();
            let mut open: Vec<&str> = Vec::new();
            for _ in 0..next(40) {
                match next(3) {
                    0 => {
                        let tag = opening[next(opening.len())];
                        body.push_str(tag);
                        open.push(tag[1..].split([' ', '>']).next().expect("a name"));
                    }
                    1 if !open.is_empty() => {
                        body.push_str(&format!("</{}>", open.pop().expect("open")));
                    }
                    _ => body.push_str(single[next(single.len())]),
                }
            }
            while let Some(name) = open.pop() {
                body.push_str(&format!("</{name}>"));
            }
            let html = format!(
                "<!DOCTYPE html><html lang=\"en\"><body><h1 data-pagefind-meta=\"title\">Page {i}</h1>{body}</body></html>"
            );
            (format!("/random/{i}/"), html)
        })
        .collect();
    let options = || {
        PagefindServiceConfig::builder()
            .force_language("en".to_string())
            .exclude_selectors(vec![
                ".heading-anchor".to_string(),
                ".footnote-back".to_string(),
            ])
            .build()
    };
    let one_by_one = PagefindIndex::new(Some(options())).expect("an index");
    let quickly = pages
        .iter()
        .filter(|(_, html)| one_by_one.reads_quickly(html))
        .count();
    assert!(
        quickly > 500,
        "the quick reader reads {quickly} of 1,500 pages"
    );
    let (parsed, quick) = both_ways(&pages, &options);
    assert_eq!(
        parsed.keys().collect::<Vec<_>>(),
        quick.keys().collect::<Vec<_>>()
    );
    assert!(parsed == quick, "same names, different contents");
}

/// The unpacked bundles of `pages` indexed one page at a time (lol_html) and
/// in one batch (the quick reader where it can), with pagefind set up by
/// `config`.
fn both_ways(
    pages: &[(String, String)],
    config: &dyn Fn() -> pagefind::options::PagefindServiceConfig,
) -> (BTreeMap<String, Vec<u8>>, BTreeMap<String, Vec<u8>>) {
    use pagefind::api::PagefindIndex;

    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let mut one_by_one = PagefindIndex::new(Some(config())).expect("an index");
    let parsed = runtime.block_on(async {
        for (url, html) in pages.iter().cloned() {
            one_by_one
                .add_html_file(None, Some(url), html)
                .await
                .expect("a page indexed");
        }
        one_by_one.get_files().await.expect("the files")
    });
    let mut batch = PagefindIndex::new(Some(config())).expect("an index");
    batch.add_html_files(pages.to_vec()).expect("pages indexed");
    let quick = runtime.block_on(batch.take_files()).expect("the files");
    let unpacked = |files: Vec<pagefind::api::SyntheticFile>| -> BTreeMap<String, Vec<u8>> {
        files
            .into_iter()
            .filter(|file| {
                file.filename
                    .extension()
                    .is_some_and(|e| e.to_string_lossy().starts_with("pf_"))
            })
            .map(|file| {
                (
                    file.filename.to_string_lossy().into_owned(),
                    unpack(&file.contents),
                )
            })
            .collect()
    };
    (unpacked(parsed), unpacked(quick))
}
