//! Builds of valid sites: what is written, and that it follows the SPEC.

use crate::support::SiteTest;

#[test]
fn builds_every_page_type_of_the_spec() {
    let site = SiteTest::base();
    let run = site.expect(&["build"], 0);
    assert!(run.stdout.contains("Built 10 documents"), "{}", run.stdout);
    for page in [
        "index.html",
        "announcements/index.html",
        "announcements/page/2/index.html",
        "announcements/page/1/index.html",
        "announcements/first-areas/index.html",
        "plans/index.html",
        "plans/derby/index.html",
        "projects/index.html",
        "projects/life-skills/index.html",
        "areas/index.html",
        "areas/derby/index.html",
        "areas/hastings/index.html",
        "areas/derby/feed.xml",
        "priorities/index.html",
        "priorities/careers/index.html",
        "priorities/careers/feed.xml",
        "timeline/index.html",
        "timeline/2017/index.html",
        "accessibility/index.html",
        "feed.xml",
        "sitemap.xml",
        "robots.txt",
        "404.html",
        "old/derby-plan/index.html",
        "plans/derby-plan.pdf",
        "css/oasis.css",
    ] {
        assert!(site.exists(&format!("public/{page}")), "missing {page}");
    }
}

#[test]
fn pages_snapshot() {
    let site = SiteTest::base();
    site.expect(&["build"], 0);
    for page in [
        "announcements/plans-published/index.html",
        "plans/derby/index.html",
        "projects/life-skills/index.html",
        "announcements/page/2/index.html",
        "areas/derby/index.html",
        "timeline/index.html",
        "old/derby-plan/index.html",
        "feed.xml",
        "sitemap.xml",
        "robots.txt",
    ] {
        let name = page.replace(['/', '.'], "_");
        insta::assert_snapshot!(name, site.read(&format!("public/{page}")));
    }
}

#[test]
fn output_is_deterministic() {
    let site = SiteTest::base();
    site.write(
        "site.toml",
        site.read("site.toml")
            .replace("minify = false", "minify = true"),
    );
    let a = tempfile::tempdir().expect("tmp");
    let b = tempfile::tempdir().expect("tmp");
    site.expect(
        &["build", "--output", &a.path().join("o").to_string_lossy()],
        0,
    );
    site.expect(
        &["build", "--output", &b.path().join("o").to_string_lossy()],
        0,
    );
    let read = |dir: &std::path::Path| {
        walkdir::WalkDir::new(dir)
            .sort_by_file_name()
            .into_iter()
            .map(|e| e.expect("entry"))
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                (
                    e.path().strip_prefix(dir).expect("under").to_path_buf(),
                    std::fs::read(e.path()).expect("read"),
                )
            })
            .collect::<Vec<_>>()
    };
    let first = read(&a.path().join("o"));
    assert!(first.len() > 30);
    assert!(first == read(&b.path().join("o")), "two builds differ");
}

#[test]
fn minifies_when_asked() {
    let site = SiteTest::base();
    site.write(
        "site.toml",
        site.read("site.toml")
            .replace("minify = false", "minify = true"),
    );
    site.expect(&["build"], 0);
    let minified = site.read("public/plans/derby/index.html");
    let minified_script = site.read("public/js/search.js");
    site.expect(&["build", "--no-minify"], 0);
    let plain = site.read("public/plans/derby/index.html");
    assert!(minified.len() < plain.len());
    assert!(minified.contains("Derby delivery plan"));
    // The theme's script too (the browser suite runs it minified).
    let script = site.read("public/js/search.js");
    assert!(
        minified_script.len() < script.len() * 3 / 4,
        "{} against {} bytes",
        minified_script.len(),
        script.len()
    );
    assert!(minified_script.contains("pagefind.js"));
}

#[test]
fn resolves_internal_links_and_heading_ids() {
    let site = SiteTest::base();
    site.expect(&["build"], 0);
    let announcement = site.read("public/announcements/first-areas/index.html");
    assert!(
        announcement.contains(r#"<a href="/plans/derby/#early-years">Derby’s plan</a>"#),
        "{announcement}"
    );
    let plan = site.read("public/plans/derby/index.html");
    assert!(plan.contains(r#"<h2 id="early-years">Early years</h2>"#));
    assert!(plan.contains(r#"<h2 id="early-years-1">Early years</h2>"#));
    assert!(plan.contains(r##"href="#early-years-1""##));
}

#[test]
fn base_url_override_prefixes_every_link() {
    let site = SiteTest::base();
    site.expect(&["build", "--base-url", "https://preview.example/pr-7"], 0);
    let page = site.read("public/announcements/plans-published/index.html");
    assert!(page.contains(r#"href="/pr-7/areas/derby/""#), "{page}");
    assert!(
        page.contains(r#"href="/pr-7/projects/life-skills/""#),
        "{page}"
    );
    assert!(page.contains(r#"<link rel="canonical" href="https://preview.example/pr-7/announcements/plans-published/">"#));
    assert!(!page.contains(r#"href="/areas/"#), "{page}");
    assert!(
        site.read("public/feed.xml")
            .contains("https://preview.example/pr-7/announcements/")
    );
}

#[test]
fn slugs_come_from_file_names() {
    let site = SiteTest::base();
    site.write(
        "content/announcements/Café Plan 2018.md",
        "---\ntitle: \"Café\"\ndate: 2018-01-01\nsummary: \"A café.\"\nareas: [derby]\n---\n",
    );
    // One `.md`, in any case, comes off.
    for file in ["Notes.Md", "minutes.md.md", "RECAP.MD"] {
        site.write(
            &format!("content/announcements/{file}"),
            "---\ntitle: \"Notes\"\ndate: 2018-01-01\nsummary: \"Notes.\"\nareas: [derby]\n---\n",
        );
    }
    site.expect(&["build"], 0);
    assert!(site.exists("public/announcements/cafe-plan-2018/index.html"));
    for slug in ["notes", "minutes-md", "recap"] {
        assert!(
            site.exists(&format!("public/announcements/{slug}/index.html")),
            "{slug}"
        );
    }
}

#[test]
fn accepts_a_byte_order_mark_and_crlf_line_endings() {
    let site = SiteTest::base();
    site.write(
        "content/announcements/windows.md",
        "\u{feff}---\r\ntitle: \"Written on Windows\"\r\ndate: 2018-01-01\r\nsummary: \"CRLF.\"\r\nareas: [derby]\r\n---\r\n\r\n## A heading\r\n\r\nText.\r\n",
    );
    site.expect(&["build"], 0);
    let page = site.read("public/announcements/windows/index.html");
    assert!(page.contains("Written on Windows"));
    assert!(page.contains(r#"id="a-heading""#));
}

// Regression: `? title` then `: …` on the next line, YAML's explicit key,
// was refused as a key named `` and a title left empty.
#[test]
fn explicit_keys_are_read_as_yaml_reads_them() {
    let site = SiteTest::base();
    site.write(
        "content/announcements/explicit.md",
        "---\n? title\n: \"Careers fair, with explicit keys\"\n? 'date'\n: 2018-01-01\nsummary: \"Explicit.\"\n? areas\n:\n  - derby\n---\n\nText.\n",
    );
    let build = site.expect(&["build"], 0);
    assert!(!build.stderr.contains("warning"), "{}", build.stderr);
    let page = site.read("public/announcements/explicit/index.html");
    assert!(
        page.contains("<title>Careers fair, with explicit keys"),
        "{page}"
    );
    assert!(page.contains("1 January 2018"));
}

// Regression: `?` alone on its line, with the key on the next line
// indented, was refused as a line with no key and a title left empty.
#[test]
fn an_explicit_key_on_the_line_after_its_question_mark_is_read() {
    let site = SiteTest::base();
    site.write(
        "content/announcements/explicit.md",
        "---\n?\n  title\n: \"Careers fair, key below\"\ndate: 2018-03-01\n? # the summary\n  'summary'\n: S\nareas: [derby]\n---\n\nText.\n",
    );
    let build = site.expect(&["build"], 0);
    assert!(!build.stderr.contains("warning"), "{}", build.stderr);
    let page = site.read("public/announcements/explicit/index.html");
    assert!(page.contains("<title>Careers fair, key below"), "{page}");
    assert!(page.contains("1 March 2018"));
}

// What YAML reads in front matter written as JSON, the way a writer used
// to JSON or a tool writes it, is read as meant.
#[test]
fn front_matter_written_as_json_is_read_as_meant() {
    let site = SiteTest::base();
    site.write(
        "content/announcements/json.md",
        "---\n# written by a tool\n{\n  'title': 'Derby''s careers fair',\n  date: \"2018-01-01\", # publication\n  \"summary\": \"Pupils met \\\"employers\\\".\",\n  \"areas\": [\"derby\",],\n}\n---\n\nText.\n",
    );
    let build = site.expect(&["build"], 0);
    assert!(!build.stderr.contains("warning"), "{}", build.stderr);
    let page = site.read("public/announcements/json/index.html");
    assert!(page.contains("<title>Derby&#39;s careers fair"), "{page}");
    assert!(page.contains("Pupils met &quot;employers&quot;."), "{page}");
    assert!(page.contains("1 January 2018"));
}

#[test]
fn drafts_and_scheduled_documents_are_left_out_unless_asked() {
    let site = SiteTest::base();
    site.write(
        "content/announcements/draft.md",
        "---\ntitle: \"Draft\"\ndate: 2018-01-01\nsummary: \"Not ready.\"\nareas: [derby]\ndraft: true\n---\n",
    );
    site.write(
        "content/announcements/scheduled.md",
        "---\ntitle: \"Scheduled\"\ndate: 2030-05-01\nsummary: \"Later.\"\nareas: [derby]\n---\n",
    );
    let run = site.expect(&["build"], 0);
    assert!(!site.exists("public/announcements/draft/index.html"));
    assert!(!site.exists("public/announcements/scheduled/index.html"));
    insta::assert_snapshot!("scheduled_warning", run.stderr);
    site.expect(&["build", "--drafts", "--future"], 0);
    assert!(site.exists("public/announcements/draft/index.html"));
    assert!(site.exists("public/announcements/scheduled/index.html"));
    let strict = site.expect(&["check", "--strict"], 1);
    assert!(
        strict.stderr.contains("check --strict failed: 1 warning"),
        "{}",
        strict.stderr
    );
    site.expect(&["check"], 0);
}

#[test]
fn script_links_are_dropped_with_a_warning() {
    let site = SiteTest::base();
    site.write(
        "content/announcements/links.md",
        "---\ntitle: \"Links\"\ndate: 2018-01-01\nsummary: \"Links.\"\nareas: [derby]\n---\n\n[a](javascript:alert(1)) [b](<JAVASCRIPT:alert(1)>) ![c](data:image/png;base64,AAAA) <vbscript:x> [d](https://example.org/)\n",
    );
    let run = site.expect(&["build"], 0);
    let page = site
        .read("public/announcements/links/index.html")
        .to_lowercase();
    for bad in ["javascript:", "vbscript:", "data:"] {
        for attribute in ["href=\"", "src=\""] {
            assert!(
                !page.contains(&format!("{attribute}{bad}")),
                "{attribute}{bad} in {page}"
            );
        }
    }
    assert!(page.contains("https://example.org/"));
    assert_eq!(run.stderr.matches("warning:").count(), 4, "{}", run.stderr);
}

#[test]
fn raw_html_is_escaped_unless_the_site_allows_it() {
    let site = SiteTest::base();
    site.write(
        "content/announcements/html.md",
        "---\ntitle: \"HTML\"\ndate: 2018-01-01\nsummary: \"HTML.\"\nareas: [derby]\n---\n\n<script>alert(1)</script>\n\nA <em>word</em>.\n",
    );
    site.expect(&["build"], 0);
    let page = site.read("public/announcements/html/index.html");
    assert!(!page.contains("<script>alert"), "{page}");
    assert!(page.contains("&lt;em&gt;word"));
    site.write(
        "site.toml",
        format!(
            "{}\n[markdown]\nunsafe_html = true\n",
            site.read("site.toml")
        ),
    );
    site.expect(&["build"], 0);
    assert!(
        site.read("public/announcements/html/index.html")
            .contains("A <em>word</em>.")
    );
}

#[test]
fn feeds_are_valid_atom_with_absolute_urls() {
    let site = SiteTest::base();
    site.expect(&["build"], 0);
    for feed in [
        "feed.xml",
        "areas/derby/feed.xml",
        "priorities/careers/feed.xml",
        "areas/hastings/feed.xml",
    ] {
        let text = site.read(&format!("public/{feed}"));
        let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{feed}: {e}"));
        let root = doc.root_element();
        assert_eq!(
            root.tag_name().namespace(),
            Some("http://www.w3.org/2005/Atom")
        );
        assert_eq!(root.tag_name().name(), "feed");
        let child = |node: roxmltree::Node, name: &str| {
            node.children()
                .filter(|c| c.tag_name().name() == name)
                .count()
        };
        for required in ["id", "title", "updated", "author"] {
            assert_eq!(child(root, required), 1, "{feed} needs one <{required}>");
        }
        for entry in root.children().filter(|c| c.tag_name().name() == "entry") {
            for required in ["id", "title", "updated", "link", "summary"] {
                assert!(
                    child(entry, required) >= 1,
                    "{feed}: an entry needs <{required}>"
                );
            }
        }
        for link in doc.descendants().filter(|n| n.tag_name().name() == "link") {
            assert!(
                link.attribute("href")
                    .is_some_and(|h| h.starts_with("https://oa.example/"))
            );
        }
        for stamp in doc
            .descendants()
            .filter(|n| ["updated", "published"].contains(&n.tag_name().name()))
        {
            let text = stamp.text().unwrap_or_default();
            assert!(
                text.parse::<jiff::Timestamp>().is_ok(),
                "{feed}: bad date {text}"
            );
        }
    }
    let feed = site.read("public/areas/derby/feed.xml");
    assert!(feed.contains("<title>Derby outreach</title>"));
    assert!(
        !site
            .read("public/areas/oldham/feed.xml")
            .contains("Derby outreach")
    );
}

#[test]
fn sitemap_lists_pages_but_not_redirects() {
    let site = SiteTest::base();
    site.expect(&["build"], 0);
    let sitemap = site.read("public/sitemap.xml");
    roxmltree::Document::parse(&sitemap).expect("valid XML");
    assert!(
        sitemap.contains("<loc>https://oa.example/plans/derby/</loc><lastmod>2017-10-09</lastmod>")
    );
    assert!(!sitemap.contains("old/derby-plan"));
    assert!(!sitemap.contains("page/1/"));
    assert!(!sitemap.contains("404"));
}

#[test]
fn json_format_prints_one_object_per_line() {
    let site = SiteTest::base();
    site.write(
        "content/announcements/broken.md",
        "---\ntitle: 2024\ndate: 2018-01-01\nsummary: \"x\"\nareas: [darby]\n---\n",
    );
    let run = site.expect(&["check", "--format", "json"], 1);
    let lines: Vec<serde_json::Value> = run
        .stderr
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect();
    assert_eq!(lines.len(), 2, "{}", run.stderr);
    assert_eq!(lines[0]["file"], "content/announcements/broken.md");
    assert_eq!(lines[0]["line"], 2);
    assert_eq!(lines[0]["column"], 8);
    assert_eq!(lines[0]["field"], "title");
    assert_eq!(lines[1]["message"], "unknown area `darby`");
    assert_eq!(lines[1]["label"], "did you mean `derby`?");
}

#[test]
fn github_actions_get_workflow_annotations() {
    let site = SiteTest::base();
    site.write(
        "content/announcements/broken.md",
        "---\ntitle: \"x\"\ndate: 2018-01-01\nsummary: \"x\"\nareas: [darby]\n---\n",
    );
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_oasis"));
    command.args(["check", "--root"]).arg(site.root());
    let run = crate::support::run_with_env(command, &[("GITHUB_ACTIONS", "true")]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stdout.trim(),
        "::error file=content/announcements/broken.md,line=5,col=9,title=oasis::unknown area `darby`: did you mean `derby`?%0Aareas are declared in site.toml: derby, oldham, hastings"
    );
}

#[test]
fn wrong_usage_exits_2() {
    let site = SiteTest::base();
    assert_eq!(site.run(&["bulid"]).code, 2);
    assert_eq!(site.run(&["build", "--no-such-flag"]).code, 2);
    assert_eq!(site.run(&["check", "--format", "xml"]).code, 2);
    let bad_url = site.run(&["build", "--base-url", "preview.example"]);
    assert_eq!(bad_url.code, 2);
    assert!(
        bad_url
            .stderr
            .contains("it must start with https:// or http://"),
        "{}",
        bad_url.stderr
    );
}

#[test]
fn version_names_the_commit() {
    let site = SiteTest::base();
    let run = site.expect(&["--version"], 0);
    assert!(
        run.stdout
            .starts_with(&format!("oasis {} (", env!("CARGO_PKG_VERSION"))),
        "{}",
        run.stdout
    );
}

#[test]
fn a_site_without_a_theme_folder_uses_the_built_in_theme() {
    let site = SiteTest::base();
    assert!(!site.exists("themes"));
    site.expect(&["build"], 0);
    assert!(site.exists("public/css/oasis.css"));
}

#[test]
fn one_template_can_be_overridden() {
    let site = SiteTest::base();
    site.write(
        "themes/opportunity/templates/page.html",
        "{% extends \"base.html\" %}{% block content %}<h1>Custom: {{ doc.title }}</h1>{% endblock content %}",
    );
    site.expect(&["build"], 0);
    assert!(
        site.read("public/accessibility/index.html")
            .contains("<h1>Custom: Accessibility statement</h1>")
    );
    assert!(
        site.read("public/plans/derby/index.html")
            .contains("Derby delivery plan")
    );
}

/// Regression: Tera 2 has no `json_encode`, and auto-escaping is HTML
/// escaping, so a theme could not write JSON (structured data): a title
/// ending in `\` broke it, and quotes came out as `&quot;`.
#[test]
fn json_encode_writes_json_a_script_cannot_be_broken_out_of() {
    let site = SiteTest::base();
    site.write(
        "themes/opportunity/templates/page.html",
        "{% extends \"base.html\" %}{% block content %}<script type=\"application/ld+json\">{{ {\"name\": doc.title, \"n\": 3} | json_encode }}</script><p data-x='{{ doc.title | json_encode }}'>x</p>{% endblock content %}",
    );
    site.write(
        "content/pages/json.md",
        "---\ntitle: \"Evil \\\\ </script><b>'x' & \\\"y\\\"\"\n---\nBody.\n",
    );
    site.expect(&["build", "--no-minify"], 0);
    let page = site.read("public/json/index.html");
    let start = page.find("ld+json\">").expect("script") + "ld+json\">".len();
    let end = start + page[start..].find("</script>").expect("end");
    let json: serde_json::Value = serde_json::from_str(&page[start..end]).expect("JSON");
    assert_eq!(json["name"], "Evil \\ </script><b>'x' & \"y\"");
    assert_eq!(json["n"], 3);
    assert!(page.contains("data-x='\"Evil"), "{page}");
}

// Regression: looping over a map gave another order on every build, and
// `[extra]` dates reached templates as an internal map.
#[test]
fn extra_reaches_templates_as_written_and_in_order() {
    let site = SiteTest::base();
    let page = site.read("content/pages/accessibility.md").replacen(
        "---\n",
        "---\nextra:\n  facts: {pupils: 1200, schools: 12, employers: 40, events: 3, year: 10}\n  when: 2019-01-02\n",
        1,
    );
    site.write("content/pages/accessibility.md", page);
    let config = site.read("site.toml").replacen(
        "[[areas]]",
        "[extra]\nzeta = 1\nalpha = 2\nwhen = 2024-01-01\nmoment = 1985-05-27T07:32:00Z\n\n[[areas]]",
        1,
    );
    site.write("site.toml", config);
    site.write(
        "themes/opportunity/templates/page.html",
        "{% extends \"base.html\" %}{% block content %}<p id=facts>{% for k, v in doc.extra.facts %}{{ k }}={{ v }};{% endfor %}{{ doc.extra.facts | keys | join(sep=\",\") }}</p><p id=site>{% for k, v in site.extra %}{{ k }}={{ v }};{% endfor %}</p>{% endblock content %}",
    );
    // Twice: a map iterated in a different order each run would show.
    for _ in 0..2 {
        site.expect(&["build"], 0);
        let page = site.read("public/accessibility/index.html");
        assert!(
            page.contains("<p id=facts>pupils=1200;schools=12;employers=40;events=3;year=10;pupils,schools,employers,events,year</p>"),
            "{page}"
        );
        assert!(
            page.contains(
                "<p id=site>zeta=1;alpha=2;when=2024-01-01;moment=1985-05-27T07:32:00Z;</p>"
            ),
            "{page}"
        );
    }
}

// Regression: only `[a-z0-9-]` theme names were allowed, and the message
// said the folder was not a folder name.
#[test]
fn a_theme_folder_may_have_any_name() {
    let site = SiteTest::base();
    let config = site
        .read("site.toml")
        .replacen("\n", "\ntheme = \"Council_Theme.v2\"\n", 1);
    site.write("site.toml", config);
    site.write(
        "themes/Council_Theme.v2/templates/page.html",
        "{% extends \"base.html\" %}{% block content %}<h1>Council: {{ doc.title }}</h1>{% endblock content %}",
    );
    site.expect(&["build"], 0);
    assert!(
        site.read("public/accessibility/index.html")
            .contains("<h1>Council: Accessibility statement</h1>")
    );
}

// Regression: with its output piped to a reader that stopped early
// (`oasis build 2>&1 | head -1`), a good build exited 101 (a panic).
#[test]
fn a_reader_that_stops_early_does_not_change_the_exit_status() {
    let site = SiteTest::base();
    for n in 0..400 {
        site.write(
            &format!("content/pages/page-{n}.md"),
            format!("---\ntitle: \"Page {n}\"\n---\n\n# A level-1 heading\n"),
        );
    }
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_oasis"))
        .args(["build", "--no-search"])
        .current_dir(site.root())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run oasis");
    // The reader goes away at once: the 400 warnings and the summary meet
    // closed pipes.
    drop(child.stdout.take());
    drop(child.stderr.take());
    let status = child.wait().expect("wait for oasis");
    assert_eq!(status.code(), Some(0));
}

#[test]
fn a_missing_site_toml_is_explained() {
    let site = SiteTest::empty();
    let run = site.expect(&["build"], 1);
    assert!(
        site.redact(&run.stderr)
            .contains("there is no site.toml in `[ROOT]`"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_areas_page_gives_each_area_its_wave() {
    let site = SiteTest::base();
    site.expect(&["build"], 0);
    let areas = site.read("public/areas/index.html");
    // Derby: wave 1, named 4 October 2016; Hastings: wave 2, no date.
    assert!(areas.contains("First wave, named <time"), "{areas}");
    assert!(areas.contains("Second wave</td>"), "{areas}");
}

#[test]
fn the_home_page_always_has_a_description() {
    let site = SiteTest::base();
    let toml = site.read("site.toml");
    let without: String = toml
        .lines()
        .filter(|l| !l.starts_with("description"))
        .map(|l| format!("{l}\n"))
        .collect();
    site.write("site.toml", without);
    site.expect(&["build"], 0);
    let home = site.read("public/index.html");
    assert!(!home.contains("content=\"\""), "{home}");
    assert!(
        home.contains("announcements, delivery plans and projects of 3 areas"),
        "{home}"
    );
}

#[test]
fn a_site_without_an_accessibility_statement_is_warned() {
    let site = SiteTest::base();
    site.remove("content/pages/accessibility.md");
    let check = site.expect(&["check"], 0);
    assert!(
        check
            .stderr
            .contains("warning: the site has no accessibility statement"),
        "{}",
        check.stderr
    );
    site.expect(&["check", "--strict"], 1);
}

#[test]
fn an_empty_feed_is_as_recent_as_the_site() {
    let site = SiteTest::base();
    let toml = site.read("site.toml");
    site.write(
        "site.toml",
        format!(
            "{toml}\n[[priorities]]\nslug = \"quiet\"\nname = \"A priority with nothing yet\"\n"
        ),
    );
    site.expect(&["build"], 0);
    let updated = |feed: &str| -> String {
        let xml = site.read(feed);
        let start = xml.find("<updated>").expect("an updated date") + "<updated>".len();
        xml[start..start + 25].to_string()
    };
    let empty = site.read("public/priorities/quiet/feed.xml");
    assert!(!empty.contains("<entry>"), "{empty}");
    assert_eq!(
        updated("public/priorities/quiet/feed.xml"),
        updated("public/feed.xml")
    );
}

#[test]
fn a_template_saved_with_a_byte_order_mark_works() {
    // As Notepad saves UTF-8: Tera took the mark for text before `extends`,
    // and a partial copied it into every page that includes it.
    let site = SiteTest::base();
    let theme = crate::support::fixtures().join("../../themes/opportunity/templates");
    for template in ["page.html", "partials/summary.html"] {
        let text = std::fs::read_to_string(theme.join(template)).expect("a built-in template");
        site.write(
            &format!("themes/opportunity/templates/{template}"),
            format!("\u{feff}{text}"),
        );
    }
    site.expect(&["build"], 0);
    for page in [
        "public/accessibility/index.html",
        "public/areas/derby/index.html",
    ] {
        let html = site.read(page);
        assert!(!html.contains('\u{feff}'), "{page}: {html}");
    }
}

/// Regression: `build --root <missing folder>` said "cannot read the site
/// folder" with no help and no summary line, unlike `check` and `serve`.
#[test]
fn a_missing_site_folder_is_explained_alike_by_every_command() {
    let site = SiteTest::empty();
    let missing = site.path("no-such-site").to_string_lossy().into_owned();
    let expected = "error: cannot read the site folder `[ROOT]/no-such-site`: No such file or directory (os error 2)\n  = help: run oasis in the site's folder (the one holding site.toml and content/), or pass it with --root DIR; `oasis init DIR` creates a new site\n\n";
    for (command, summary) in [
        ("build", "the site was not built"),
        ("check", "the site has errors"),
        ("serve", "the preview could not start"),
    ] {
        let mut args = vec![command, "--root", &missing];
        if command == "serve" {
            args.extend(["--port", "0"]);
        }
        let run = site.expect(&args, 1);
        assert_eq!(
            site.redact(&run.stderr),
            format!("{expected}error: {summary}: 1 error\n"),
            "{command}"
        );
    }
    assert!(!site.exists("no-such-site"));
}

/// Regression: `OASIS_TODAY=` (set but empty, as CI templates pass unset
/// values) was an error ("OASIS_TODAY is not a date"); it means today.
#[test]
fn an_empty_oasis_today_means_today() {
    let site = SiteTest::base();
    for value in ["", " "] {
        for command in ["check", "build"] {
            let mut oasis = std::process::Command::new(env!("CARGO_BIN_EXE_oasis"));
            oasis.args([command, "--root"]).arg(site.root());
            let run = crate::support::run_with_env(oasis, &[("OASIS_TODAY", value)]);
            assert_eq!(run.code, 0, "{command} with {value:?}: {}", run.stderr);
        }
    }
}

/// Regression: a priority's name was lower-cased whole inside sentences
/// ("Get updates about stem and the nhs").
#[test]
fn priority_names_keep_their_acronyms_inside_sentences() {
    let site = SiteTest::base();
    let config = site
        .read("site.toml")
        .replace(
            "name = \"Careers and the world of work\"",
            "name = \"STEM and the NHS\"",
        )
        .replace("description = \"Encounters with employers.\"\n", "");
    site.write("site.toml", config);
    site.expect(&["build", "--no-minify"], 0);
    let page = site.read("public/priorities/careers/index.html");
    for text in [
        "content=\"Publications about STEM and the NHS.\"",
        "Get updates about STEM and the NHS (Atom feed)",
    ] {
        assert!(page.contains(text), "{text}: {page}");
    }
    let early_years = site.read("public/priorities/early-years/index.html");
    assert!(
        early_years.contains("Get updates about early years (Atom feed)"),
        "{early_years}"
    );
}

/// Regression: a site with one area said "The 1 Opportunity Areas", "All 1
/// Opportunity Areas" and "projects of 1 areas".
#[test]
fn a_site_with_one_area_speaks_of_it_in_the_singular() {
    let site = SiteTest::empty();
    site.write(
        "site.toml",
        "title = \"Derby OA\"\nbase_url = \"https://oa.example/\"\n\n[[areas]]\nslug = \"derby\"\nname = \"Derby\"\n",
    );
    site.write(
        "content/announcements/news.md",
        "---\ntitle: \"News\"\ndate: 2019-01-01\nsummary: \"News.\"\nareas: all\n---\n\nNews.\n",
    );
    site.expect(&["build", "--no-minify"], 0);
    let home = site.read("public/index.html");
    assert!(home.contains("projects of Derby."), "{home}");
    let areas = site.read("public/areas/index.html");
    assert!(
        areas.contains("The Opportunity Area and what was published for it"),
        "{areas}"
    );
    let news = site.read("public/announcements/news/index.html");
    assert!(
        news.contains("<a class=\"link\" href=\"/areas/derby/\">Derby</a>"),
        "{news}"
    );
    for page in [home, areas, news] {
        assert!(!page.contains(" 1 Opportunity Areas"), "{page}");
        assert!(!page.contains(" 1 areas"), "{page}");
    }
}

/// Regression: `@/` links to files named with a space, `?`, `%` or `#`
/// were written into the page as they stand (`/plans/what?.pdf` asks for
/// `/plans/what`), `#` could not be linked at all, and a name saved
/// decomposed (NFD, as macOS and zip files save them) was "does not exist"
/// when typed composed, with a suggestion that looked the same.
#[test]
fn internal_links_to_files_with_unusual_names_are_encoded_and_found() {
    use unicode_normalization::UnicodeNormalization;
    let site = SiteTest::base();
    for name in ["what?.pdf", "100%.pdf", "Derby Plan 2017.pdf", "Q&A #1.pdf"] {
        site.write(&format!("content/plans/{name}"), "%PDF");
    }
    let decomposed: String = "résumé.pdf".nfd().collect();
    site.write(&format!("content/pages/{decomposed}"), "%PDF");
    site.write(
        "content/pages/links.md",
        "---\ntitle: \"Links\"\n---\n\n[a](<@/plans/what?.pdf>) [b](@/plans/100%.pdf) [c](<@/plans/Derby Plan 2017.pdf>) [d](@/plans/Derby%20Plan%202017.pdf) [e](@/plans/Q&A%20%231.pdf) [f](@/pages/résumé.pdf)\n",
    );
    site.expect(&["build", "--no-minify"], 0);
    let page = site.read("public/links/index.html");
    for href in [
        "/plans/what%3F.pdf",
        "/plans/100%25.pdf",
        "/plans/Derby%20Plan%202017.pdf",
        "/plans/Q&amp;A%20%231.pdf",
        "/pages/re%CC%81sume%CC%81.pdf",
    ] {
        assert!(page.contains(&format!("href=\"{href}\"")), "{href}: {page}");
    }

    site.write(
        "content/pages/links.md",
        "---\ntitle: \"Links\"\n---\n\n[x](@/plans/Derby-Plan-2017.pdf)\n",
    );
    let check = site.expect(&["check"], 1);
    assert!(
        check.stderr.contains(
            "did you mean `<@/plans/Derby Plan 2017.pdf>`, in angle brackets for its spaces?"
        ),
        "{}",
        check.stderr
    );
}

/// Regression: a funding chart showed £0 for a priority whose projects give
/// no amount, as if they had none.
#[test]
fn a_chart_row_without_any_amount_says_so_rather_than_0() {
    let site = SiteTest::base();
    site.remove("content/projects/derby-outreach.md");
    site.write(
        "content/projects/derby-outreach.md",
        "---\ntitle: \"Derby outreach\"\ndate: 2017-01-15\nsummary: \"Summer schools.\"\nareas: [derby]\npriorities: [early-years]\nstatus: active\n---\n\nOutreach.\n",
    );
    site.expect(&["build", "--no-minify"], 0);
    let derby = site.read("public/areas/derby/index.html");
    assert!(
        derby.contains("<span class=\"bar-chart__value\">No amount given</span>"),
        "the chart: {derby}"
    );
    assert!(
        derby.contains("<td class=\"table__cell table__cell--numeric\">No amount given</td>"),
        "{derby}"
    );
    assert!(!derby.contains(">£0<"), "{derby}");
}

/// Regression: "Related content" was the five newest publications sharing
/// any area or priority, so programme-wide news (`areas: all`) filled it on
/// every page and a project about the same place was left out.
#[test]
fn related_content_prefers_shared_priorities_and_places_to_programme_news() {
    let site = SiteTest::base();
    for n in 0..6 {
        site.write(
            &format!("content/announcements/programme-news-{n}.md"),
            format!(
                "---\ntitle: \"Programme news {n}\"\ndate: 2021-0{}-01\nsummary: \"News.\"\nareas: all\n---\n\nNews.\n",
                n + 1
            ),
        );
    }
    site.expect(&["build", "--no-minify"], 0);
    let plan = site.read("public/plans/derby/index.html");
    let related = plan
        .split("id=\"related-heading\"")
        .nth(1)
        .and_then(|rest| rest.split("</aside>").next())
        .expect("a related list");
    assert!(related.contains("Derby outreach"), "{related}");
    assert!(related.contains("Essential Life Skills"), "{related}");
    assert!(
        related.find("Derby outreach") < related.find("Programme news"),
        "{related}"
    );
}

/// Regression: `@/…#id` accepted only the target's headings, where the same
/// link written from the root (`/areas/derby/#funding`) accepted any id of
/// the page, its template's included.
#[test]
fn internal_links_accept_any_id_of_the_target_page() {
    let site = SiteTest::base();
    site.write(
        "content/pages/links.md",
        "---\ntitle: \"Links\"\n---\n\n[a](@/plans/derby.md#main-content) [b](@/areas/derby.md#funding) [c](/areas/derby/#funding)\n",
    );
    site.expect(&["build", "--no-minify"], 0);
    let page = site.read("public/links/index.html");
    assert!(
        page.contains("href=\"/plans/derby/#main-content\""),
        "{page}"
    );
    assert!(page.contains("href=\"/areas/derby/#funding\""), "{page}");
}

/// Regression: on a site published under a base path, a link written with
/// it (`/preview/areas/derby/`) was "a page this site does not have",
/// without saying that oasis adds the base path itself.
#[test]
fn a_link_written_with_the_base_path_is_told_to_leave_it_out() {
    let site = SiteTest::base();
    site.write(
        "content/pages/links.md",
        "---\ntitle: \"Links\"\n---\n\n[Derby](/preview/areas/derby/)\n",
    );
    let run = site.expect(&["build", "--base-url", "https://oa.example/preview/"], 1);
    assert!(
        run.stderr.contains(
            "error: the link `/preview/areas/derby/` starts with the site's base path, `/preview/`, which oasis adds to every link itself"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("help: write the address from the site's root: /areas/derby/"),
        "{}",
        run.stderr
    );
}

/// Regression: a template named otherwise than the built-in one it was
/// meant to replace (`Page.html`) was ignored without a word.
#[test]
fn a_template_nothing_uses_is_warned_about() {
    let site = SiteTest::base();
    let templates = "themes/opportunity/templates";
    site.write(
        &format!("{templates}/Page.html"),
        "{% extends \"base.html\" %}",
    );
    site.write(&format!("{templates}/partials/notes.html"), "<p>Notes</p>");
    site.write(
        &format!("{templates}/partials/unused.html"),
        "<p>Unused</p>",
    );
    site.write(
        &format!("{templates}/404.html"),
        "{% extends \"base.html\" %}{% block content %}{% include \"partials/notes.html\" %}{% endblock content %}",
    );
    let run = site.expect(&["build"], 0);
    let stderr = site.redact(&run.stderr);
    assert!(
        stderr
            .contains("warning: the template `themes/opportunity/templates/Page.html` is not used"),
        "{stderr}"
    );
    assert!(
        stderr.contains("help: to replace the built-in `page.html`, name the file exactly so (names are case-sensitive): templates/page.html"),
        "{stderr}"
    );
    assert!(
        stderr.contains("`themes/opportunity/templates/partials/unused.html` is not used"),
        "{stderr}"
    );
    assert!(!stderr.contains("notes.html"), "{stderr}");
}

/// Regression (review): loops inside loops over long ranges (ten billion
/// passes) kept `check` and `build` running for ever without a word. A
/// page that takes longer than the limit (a minute; here two seconds) is
/// an error naming the template and page, and the output is as it was.
#[test]
fn a_template_that_takes_for_ever_is_an_error() {
    let site = SiteTest::base();
    site.expect(&["build", "--no-search"], 0);
    let before = site.snapshot_dir("public");
    site.write(
        "themes/opportunity/templates/404.html",
        "{% extends \"base.html\" %}{% block content %}{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% endfor %}{% endfor %}{% endblock content %}",
    );
    for (command, failure) in [
        ("check", "error: the site has errors: 1 error"),
        ("build", "error: the site was not built: 1 error"),
    ] {
        let mut run = std::process::Command::new(env!("CARGO_BIN_EXE_oasis"));
        run.args([command, "--root"]).arg(site.root());
        let run = crate::support::run_with_env(run, &[("OASIS_RENDER_TIMEOUT", "2")]);
        assert_eq!(run.code, 1, "{}", run.stderr);
        let stderr = site.redact(&run.stderr);
        assert!(
            stderr.starts_with("error: the template `themes/opportunity/templates/404.html` has been making the page /404.html for 2 s, and is not done\n"),
            "{stderr}"
        );
        assert!(stderr.contains(failure), "{stderr}");
    }
    assert!(site.snapshot_dir("public") == before);
    assert_eq!(
        crate::output_folder::staging_folders(&site),
        Vec::<String>::new()
    );
}

/// Regression (review): Tera ignores an argument a filter does not take,
/// so `join(sepp="-")` joined with nothing, without a word.
#[test]
fn a_misspelt_argument_of_a_filter_is_warned_about() {
    let site = SiteTest::base();
    site.write(
        "themes/opportunity/templates/404.html",
        "{% extends \"base.html\" %}{% block content %}{{ [\"a\", \"b\"] | join(sepp=\"-\") }} {{ page.title | truncate(length=3, ending=\"..\") }} {% if 3 == 3 and page.title is starting_with(pat=\"P\") %}ok{% endif %}{% endblock content %}",
    );
    let run = site.expect(&["check"], 0);
    let stderr = site.redact(&run.stderr);
    for expected in [
        "warning: `join` has no argument `sepp`, so it is ignored",
        "did you mean `sep`?",
        "warning: `truncate` has no argument `ending`, so it is ignored",
        "help: the arguments `truncate` takes: `length`, `end` (docs/TEMPLATES.md)",
    ] {
        assert!(stderr.contains(expected), "{expected}: {stderr}");
    }
    assert!(!stderr.contains("`pat`"), "{stderr}");
    assert!(run.stdout.contains("2 warnings"), "{}", run.stdout);
}

/// Regression (review): only `.html` templates were looked at, and a name
/// inside a longer one counted as a use (`data.html` in `metadata.html`);
/// an empty page template made empty pages without a word.
#[test]
fn unused_feeds_named_parts_and_empty_templates_are_warned_about() {
    let site = SiteTest::base();
    let templates = "themes/opportunity/templates";
    site.write(&format!("{templates}/feed.xml"), "<feed/>");
    site.write(&format!("{templates}/data.html"), "<p>data</p>");
    site.write(&format!("{templates}/404.html"), "\n");
    // A partial emptied on purpose is fine.
    site.write(&format!("{templates}/partials/contents.html"), "");
    let run = site.expect(&["check"], 0);
    let stderr = site.redact(&run.stderr);
    for expected in [
        "the template `themes/opportunity/templates/feed.xml` is not used",
        "help: to replace the built-in `atom.xml`, name the file exactly so (names are case-sensitive): templates/atom.xml",
        "the template `themes/opportunity/templates/data.html` is not used",
        "warning: the template `themes/opportunity/templates/404.html` is empty",
    ] {
        assert!(stderr.contains(expected), "{expected}: {stderr}");
    }
    assert!(!stderr.contains("contents.html"), "{stderr}");
}

/// Regression: Markdown in a title, summary or change note was published
/// with its marks as typed, without a word.
#[test]
fn markdown_in_plain_text_fields_is_warned_about() {
    let site = SiteTest::base();
    site.write(
        "content/announcements/marks.md",
        "---\ntitle: \"The **big** fair\"\ndate: 2019-01-01\nsummary: \"See [the plan](https://x.example/) and `this`.\"\nareas: [derby]\nchanges:\n  - date: 2019-02-01\n    note: \"Fixed __that__.\"\n---\n\nText.\n",
    );
    let run = site.expect(&["check"], 0);
    for expected in [
        "warning: `title` is plain text, so its Markdown (bold) would show as typed",
        "help: write it without: The big fair",
        "warning: `summary` is plain text, so its Markdown (a [link](…), backticks) would show as typed",
        "help: write it without: See the plan and this.",
        "warning: a change's `note` is plain text, so its Markdown (bold) would show as typed",
    ] {
        assert!(run.stderr.contains(expected), "{expected}: {}", run.stderr);
    }
    site.expect(&["check", "--strict"], 1);
}

/// Regression (false alarms of the check above): text that only looks like
/// Markdown, a component file used by calling it, a link with a space in an
/// HTML comment, an old-style `<a name>` anchor, a summary that starts like
/// `oasis new`'s example, and a priority named after a place.
#[test]
fn valid_content_that_looks_like_a_mistake_is_not_warned_about() {
    let site = SiteTest::base();
    site.write(
        "site.toml",
        format!(
            "{}\n[markdown]\nunsafe_html = true\n",
            site.read("site.toml")
        ),
    );
    site.write(
        "content/pages/looks-wrong.md",
        "---\ntitle: \"C++ club: Stars ** and more ** [pilot]\"\nsummary: \"One or two sentences about this programme, written on purpose.\"\n---\n\nText <!-- [old](@/plans/Derby Plan.pdf) --> here.\n\n<a name=\"old-place\"></a>Jump [back](#old-place).\n",
    );
    site.write(
        "themes/opportunity/templates/components/note.html",
        "{% component note(text) %}<p class=\"note\">{{ text }}</p>{% endcomponent note %}",
    );
    let run = site.expect(&["check", "--strict"], 0);
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
}
