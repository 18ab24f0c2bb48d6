//! The repository's own site: the real Opportunity Areas publications must
//! build cleanly and be complete.

use std::path::Path;

use crate::support::run;

fn repository() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

const AREAS: [&str; 12] = [
    "blackpool",
    "bradford",
    "derby",
    "doncaster",
    "fenland-and-east-cambridgeshire",
    "hastings",
    "ipswich",
    "north-yorkshire-coast",
    "norwich",
    "oldham",
    "stoke-on-trent",
    "west-somerset",
];

#[test]
fn check_reports_no_errors_or_warnings() {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_oasis"));
    command
        .args(["check", "--strict", "--root"])
        .arg(repository());
    let result = run(command);
    assert_eq!(result.code, 0, "{}", result.stderr);
    assert_eq!(result.stderr, "", "the real site has warnings");
}

/// The visible text inside `<main>`, tags removed.
fn main_text(html: &str) -> String {
    let start = html.find("<main").expect("every page has a <main>");
    let end = html[start..]
        .find("</main>")
        .map_or(html.len(), |e| start + e);
    let mut text = String::new();
    let mut in_tag = false;
    for c in html[start..end].chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn every_area_has_a_page_that_links_a_document_and_no_page_is_empty() {
    let out = tempfile::tempdir().expect("a temp folder");
    let public = out.path().join("public");
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_oasis"));
    command
        .args(["build", "--no-minify", "--root"])
        .arg(repository())
        .arg("--output")
        .arg(&public);
    let result = run(command);
    assert_eq!(result.code, 0, "{}", result.stderr);

    for area in AREAS {
        let page = std::fs::read_to_string(public.join(format!("areas/{area}/index.html")))
            .unwrap_or_else(|e| panic!("no page for {area}: {e}"));
        let main = &page[page.find("<main").expect("a <main>")..];
        let links_a_document = ["/announcements/", "/plans/", "/projects/"]
            .iter()
            .any(|kind| {
                main.match_indices(&format!("href=\"{kind}")).any(|(i, _)| {
                    let rest = &main[i + 6 + kind.len()..];
                    !rest.starts_with('"') && !rest.starts_with("page/")
                })
            });
        assert!(links_a_document, "the {area} page links no document");
    }

    let mut pages = 0;
    for entry in walkdir::WalkDir::new(&public) {
        let entry = entry.expect("walk the output");
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "html") {
            let html = std::fs::read_to_string(path).expect("read a page");
            if html.contains("http-equiv=\"refresh\"") {
                continue;
            }
            pages += 1;
            let text = main_text(&html);
            assert!(
                text.len() > 40,
                "{} is (nearly) empty: {text:?}",
                path.display()
            );
        }
    }
    assert!(pages > 50, "only {pages} pages");
}
