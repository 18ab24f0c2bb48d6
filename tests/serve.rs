//! `oasis serve`: incremental rebuilds give what a full build gives.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use oasis::render::{OutputContent, OutputFile};
use oasis::serve::rebuild::{Changes, Rebuilder};

/// A copy of the repository's own site in a temporary folder.
fn real_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(repo.join("site.toml"), dir.path().join("site.toml")).expect("copy site.toml");
    copy_tree(&repo.join("content"), &dir.path().join("content"));
    dir
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create folder");
    for entry in std::fs::read_dir(from).expect("read folder") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

fn options(root: &Path) -> oasis::load::Options {
    oasis::load::Options {
        root: root.canonicalize().expect("root"),
        ..Default::default()
    }
}

fn bytes(output: &OutputFile) -> Vec<u8> {
    match &output.content {
        OutputContent::Bytes(bytes) => bytes.clone(),
        OutputContent::Builtin(bytes) => bytes.to_vec(),
        OutputContent::Copy(path) => std::fs::read(path).expect("read copied file"),
        OutputContent::Emitted => panic!("{} was handed on, not kept in memory", output.path),
    }
}

fn full_build(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let (compiled, diagnostics) = oasis::compile(&options(root));
    let compiled = compiled.unwrap_or_else(|| panic!("full build failed: {diagnostics:#?}"));
    compiled
        .outputs
        .iter()
        .map(|o| (o.path.clone(), bytes(o)))
        .collect()
}

fn incremental(rebuilder: &Rebuilder) -> BTreeMap<String, Vec<u8>> {
    rebuilder
        .outputs()
        .map(|o| (o.path.clone(), bytes(o)))
        .collect()
}

fn assert_same(
    step: &str,
    incremental: &BTreeMap<String, Vec<u8>>,
    full: &BTreeMap<String, Vec<u8>>,
) {
    let a: HashSet<&String> = incremental.keys().collect();
    let b: HashSet<&String> = full.keys().collect();
    assert_eq!(
        a, b,
        "{step}: the incremental build has other files than a full build"
    );
    for (path, bytes) in full {
        assert!(
            incremental[path] == *bytes,
            "{step}: `{path}` differs from a full build"
        );
    }
}

fn changes<P: AsRef<Path>>(paths: &[P]) -> Changes {
    Changes {
        paths: paths.iter().map(|p| p.as_ref().to_path_buf()).collect(),
        rescan: false,
    }
}

/// The rendered outputs of a rebuild, sorted.
fn rendered(rebuilder: &mut Rebuilder, paths: &[PathBuf]) -> Vec<String> {
    let rebuilt = rebuilder.rebuild(&changes(paths));
    let built = rebuilt
        .built
        .unwrap_or_else(|| panic!("the rebuild failed: {:#?}", rebuilt.diagnostics));
    let mut rendered: Vec<String> = built.rendered.into_iter().collect();
    rendered.sort();
    rendered
}

fn replace_in(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).expect("read");
    assert!(text.contains(from), "{} has no `{from}`", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).expect("write");
}

fn append_to(path: &Path, text: &str) {
    let before = std::fs::read_to_string(path).expect("read");
    std::fs::write(path, format!("{before}{text}")).expect("write");
}

/// A site's own template for standalone pages.
const OWN_PAGE_TEMPLATE: &str = "<!DOCTYPE html><html lang=\"en\"><head><title>{{ doc.title }}</title></head><body><h1>{{ doc.title }}</h1>{{ doc.content | safe }}</body></html>\n";

const SECOND_ANNOUNCEMENT: &str = "---\ntitle: \"Summer school for year 6\"\ndate: 2019-07-01\nsummary: \"A summer school helps pupils move to secondary school.\"\nareas: [oldham, derby]\npriorities: [transitions-and-pathways]\n---\n\nPupils spend a week at their new school.\n";

const NEW_ANNOUNCEMENT: &str = "---\ntitle: \"Careers fair in Derby\"\ndate: 2018-03-01\nsummary: \"Schools in Derby meet local employers.\"\nareas: [derby]\npriorities: [careers-and-the-world-of-work]\n---\n\nA careers fair for pupils in Derby.\n";

#[test]
fn a_body_edit_renders_that_page_alone() {
    let site = real_site();
    let root = site.path().canonicalize().expect("root");
    let mut rebuilder = Rebuilder::new(options(&root));
    assert!(rebuilder.rebuild(&Changes::default()).built.is_some());
    let plan = root.join("content/plans/derby.md");
    append_to(&plan, "\nA new closing paragraph.\n");
    let rebuilt = rebuilder.rebuild(&changes(&[&plan]));
    let built = rebuilt.built.expect("rebuilt");
    assert!(
        built.only_rendered_changed,
        "a body edit takes the short path"
    );
    assert_eq!(
        built.rendered.into_iter().collect::<Vec<_>>(),
        ["plans/derby/index.html"]
    );
    // Files an editor writes and removes while saving change nothing.
    append_to(&plan, "\nAnother paragraph.\n");
    let rebuilt = rebuilder.rebuild(&changes(&[plan.clone(), root.join("content/plans/4913")]));
    assert!(
        rebuilt
            .built
            .is_some_and(|b| b.only_rendered_changed && b.rendered.len() == 1)
    );
    // Saving without a change renders nothing.
    assert_eq!(rendered(&mut rebuilder, &[plan]), Vec::<String>::new());
}

// Regression: after a failed rebuild, a body edit elsewhere was rebuilt in
// place over the last good build and the errors vanished.
#[test]
fn after_a_failed_rebuild_an_edit_elsewhere_keeps_the_errors() {
    let site = real_site();
    let root = site.path().canonicalize().expect("root");
    let mut rebuilder = Rebuilder::new(options(&root));
    assert!(rebuilder.rebuild(&Changes::default()).built.is_some());
    // A page links to another, which is then deleted: the rebuild fails.
    let target = root.join("content/pages/linked-target.md");
    std::fs::write(&target, "---\ntitle: \"Target\"\n---\nB.\n").expect("write");
    let linker = root.join("content/pages/linker.md");
    std::fs::write(
        &linker,
        "---\ntitle: \"Linker\"\n---\nSee [B](@/pages/linked-target.md).\n",
    )
    .expect("write");
    assert!(
        rebuilder
            .rebuild(&changes(&[&target, &linker]))
            .built
            .is_some()
    );
    std::fs::remove_file(&target).expect("remove");
    let failed = rebuilder.rebuild(&changes(&[&target]));
    assert!(failed.built.is_none(), "{:#?}", failed.diagnostics);
    // A body edit to another document: the site on disk is still broken.
    let plan = root.join("content/plans/derby.md");
    append_to(&plan, "\nA new closing paragraph.\n");
    let again = rebuilder.rebuild(&changes(&[&plan]));
    assert!(again.built.is_none(), "an edit elsewhere hid the error");
    assert!(
        again
            .diagnostics
            .iter()
            .any(|d| d.message.contains("@/pages/linked-target.md")),
        "{:#?}",
        again.diagnostics
    );
    // Fixed: good again, and the next edit is made in place.
    std::fs::remove_file(&linker).expect("remove");
    assert!(rebuilder.rebuild(&changes(&[&linker])).built.is_some());
    append_to(&plan, "\nOne more.\n");
    let built = rebuilder
        .rebuild(&changes(&[&plan]))
        .built
        .expect("rebuilt");
    assert!(built.only_rendered_changed);
}

/// Regression: a template that failed on the listing pages left them out
/// of the set of pages, and every link to them was "a page this site does
/// not have", in the content files, before the one real error.
#[test]
fn a_template_error_does_not_make_links_to_its_pages_broken() {
    let site = real_site();
    let root = site.path().canonicalize().expect("root");
    let mut rebuilder = Rebuilder::new(options(&root));
    assert!(rebuilder.rebuild(&Changes::default()).built.is_some());
    let templates = root.join("themes/opportunity/templates");
    std::fs::create_dir_all(&templates).expect("mkdir");
    let list = templates.join("list.html");
    std::fs::write(
        &list,
        "{% extends \"base.html\" %}{% block content %}{{ kind.nmae }}{% endblock content %}",
    )
    .expect("write");
    let failed = rebuilder.rebuild(&changes(&[&list]));
    assert!(failed.built.is_none());
    let messages: Vec<&str> = failed
        .diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    assert!(
        messages.iter().all(|m| !m.contains("does not have")),
        "{messages:#?}"
    );
    assert!(messages.iter().any(|m| m.contains("nmae")), "{messages:#?}");
    // An edit to a document while the template is still broken: the same.
    let plan = root.join("content/plans/derby.md");
    append_to(&plan, "\nA new closing paragraph.\n");
    let again = rebuilder.rebuild(&changes(&[&plan]));
    assert!(again.built.is_none());
    assert!(
        again
            .diagnostics
            .iter()
            .all(|d| !d.message.contains("does not have")),
        "{:#?}",
        again.diagnostics
    );
}

#[test]
fn a_title_edit_renders_the_pages_that_show_the_title() {
    let site = real_site();
    let root = site.path().canonicalize().expect("root");
    let mut rebuilder = Rebuilder::new(options(&root));
    assert!(rebuilder.rebuild(&Changes::default()).built.is_some());
    let plan = root.join("content/plans/norwich.md");
    let text = std::fs::read_to_string(&plan).expect("read");
    let title = text
        .lines()
        .find(|l| l.starts_with("title:"))
        .expect("a title")
        .to_string();
    replace_in(&plan, &title, "title: \"Norwich's plan, renamed\"");
    let rebuilt = rebuilder.rebuild(&changes(&[&plan]));
    let built = rebuilt.built.expect("rebuilt");
    assert!(
        built.only_rendered_changed,
        "a title edit is rebuilt in place"
    );
    for page in [
        "plans/norwich/index.html",
        "plans/index.html",
        "areas/norwich/index.html",
        "timeline/index.html",
    ] {
        assert!(
            built.rendered.contains(page),
            "{page} not rendered: {:?}",
            built.rendered
        );
    }
    for page in [
        "about/index.html",
        "areas/derby/index.html",
        "projects/index.html",
    ] {
        assert!(
            !built.rendered.contains(page),
            "{page} rendered for nothing"
        );
    }
    assert_same("title edit", &incremental(&rebuilder), &full_build(&root));
}

#[test]
fn an_introduction_s_body_edit_renders_the_page_it_introduces() {
    let site = real_site();
    let root = site.path().canonicalize().expect("root");
    let mut rebuilder = Rebuilder::new(options(&root));
    assert!(rebuilder.rebuild(&Changes::default()).built.is_some());
    let intro = root.join("content/areas/derby.md");
    append_to(&intro, "\nMore about Derby.\n");
    assert_eq!(
        rendered(&mut rebuilder, &[intro]),
        ["areas/derby/index.html"]
    );
    let home = root.join("content/_index.md");
    append_to(&home, "\nMore about the programme.\n");
    assert_eq!(rendered(&mut rebuilder, &[home]), ["index.html"]);
    assert_same(
        "introductions edited",
        &incremental(&rebuilder),
        &full_build(&root),
    );
}

#[test]
fn a_template_edit_renders_the_pages_that_use_it() {
    let site = real_site();
    let root = site.path().canonicalize().expect("root");
    let mut rebuilder = Rebuilder::new(options(&root));
    assert!(rebuilder.rebuild(&Changes::default()).built.is_some());
    let templates = root.join("themes/opportunity/templates");
    std::fs::create_dir_all(&templates).expect("create theme");
    std::fs::write(templates.join("page.html"), OWN_PAGE_TEMPLATE).expect("write");
    assert_eq!(
        rendered(&mut rebuilder, &[root.join("themes")]),
        [
            "about/index.html",
            "accessibility/index.html",
            "contact/index.html"
        ]
    );
    assert_same(
        "template override",
        &incremental(&rebuilder),
        &full_build(&root),
    );
}

#[test]
fn incremental_rebuilds_match_a_full_build_after_every_edit() {
    let site = real_site();
    let root = site.path().canonicalize().expect("root");
    let content = root.join("content");
    let mut rebuilder = Rebuilder::new(options(&root));
    let first = rebuilder.rebuild(&Changes::default());
    assert!(first.built.is_some(), "{:#?}", first.diagnostics);
    assert_same("first build", &incremental(&rebuilder), &full_build(&root));

    let c = |path: &str| content.join(path);
    let override_page = root.join("themes/opportunity/templates/page.html");
    type Step<'a> = (&'a str, Box<dyn Fn() -> Vec<PathBuf> + 'a>);
    let steps: Vec<Step> = vec![
        (
            "body edit",
            Box::new(|| {
                append_to(&c("plans/derby.md"), "\nA new closing paragraph.\n");
                vec![c("plans/derby.md")]
            }),
        ),
        (
            "title edit of a document in every area",
            Box::new(|| {
                replace_in(
                    &c("announcements/cornerstone-employers.md"),
                    "title: \"More than 40",
                    "title: \"Over 40",
                );
                vec![c("announcements/cornerstone-employers.md")]
            }),
        ),
        (
            "summary edit of a project",
            Box::new(|| {
                replace_in(
                    &c("projects/research-schools.md"),
                    "Eleven Research Schools",
                    "Eleven research schools",
                );
                vec![c("projects/research-schools.md")]
            }),
        ),
        (
            // An area's or priority's pages are kept when the documents
            // they are made from did not change: a project moved to another
            // priority must still change both priorities' pages.
            "priority of a project changed",
            Box::new(|| {
                replace_in(
                    &c("projects/research-schools.md"),
                    "priorities: [teaching-and-leadership, school-improvement]",
                    "priorities: [teaching-and-leadership, early-years]",
                );
                vec![c("projects/research-schools.md")]
            }),
        ),
        (
            "summary of an area introduction edited",
            Box::new(|| {
                replace_in(
                    &c("areas/derby.md"),
                    "One of the first six",
                    "One of the six first",
                );
                vec![c("areas/derby.md")]
            }),
        ),
        (
            "new document",
            Box::new(|| {
                std::fs::write(c("announcements/careers-fair.md"), NEW_ANNOUNCEMENT)
                    .expect("write");
                vec![c("announcements/careers-fair.md")]
            }),
        ),
        (
            "second new document",
            Box::new(|| {
                std::fs::write(c("announcements/summer-school.md"), SECOND_ANNOUNCEMENT)
                    .expect("write");
                vec![c("announcements/summer-school.md")]
            }),
        ),
        (
            "renamed document",
            Box::new(|| {
                let (from, to) = (
                    c("announcements/summer-school.md"),
                    c("announcements/year-6-summer-school.md"),
                );
                std::fs::rename(&from, &to).expect("rename");
                vec![from, to]
            }),
        ),
        (
            "slug of a much-linked document",
            Box::new(|| {
                replace_in(
                    &c("plans/derby.md"),
                    "ends: 2022-08-31",
                    "ends: 2022-08-31\nslug: derby-delivery-plan",
                );
                vec![c("plans/derby.md")]
            }),
        ),
        (
            "document moved into a new folder",
            Box::new(|| {
                std::fs::create_dir_all(c("announcements/2018")).expect("mkdir");
                std::fs::rename(
                    c("announcements/careers-fair.md"),
                    c("announcements/2018/careers-fair.md"),
                )
                .expect("rename");
                vec![c("announcements/careers-fair.md"), c("announcements/2018")]
            }),
        ),
        (
            "folder renamed",
            Box::new(|| {
                std::fs::rename(c("announcements/2018"), c("announcements/archive"))
                    .expect("rename");
                vec![c("announcements/2018"), c("announcements/archive")]
            }),
        ),
        (
            "document in the folder edited",
            Box::new(|| {
                replace_in(
                    &c("announcements/archive/careers-fair.md"),
                    "date: 2018-03-01",
                    "date: 2019-03-01",
                );
                vec![c("announcements/archive/careers-fair.md")]
            }),
        ),
        (
            "folder deleted",
            Box::new(|| {
                std::fs::remove_dir_all(c("announcements/archive")).expect("remove");
                vec![c("announcements/archive")]
            }),
        ),
        (
            "area introduction edited",
            Box::new(|| {
                append_to(&c("areas/derby.md"), "\nMore about Derby.\n");
                vec![c("areas/derby.md")]
            }),
        ),
        (
            "home introduction edited",
            Box::new(|| {
                replace_in(&c("_index.md"), "twelve places", "12 places");
                vec![c("_index.md")]
            }),
        ),
        (
            "document made a draft",
            Box::new(|| {
                replace_in(
                    &c("announcements/year-6-summer-school.md"),
                    "areas: [oldham, derby]",
                    "areas: [oldham, derby]\ndraft: true",
                );
                vec![c("announcements/year-6-summer-school.md")]
            }),
        ),
        (
            "draft published again",
            Box::new(|| {
                replace_in(
                    &c("announcements/year-6-summer-school.md"),
                    "\ndraft: true",
                    "",
                );
                vec![c("announcements/year-6-summer-school.md")]
            }),
        ),
        (
            "document deleted",
            Box::new(|| {
                std::fs::remove_file(c("announcements/year-6-summer-school.md")).expect("remove");
                vec![c("announcements/year-6-summer-school.md")]
            }),
        ),
        (
            "area renamed in site.toml",
            Box::new(|| {
                replace_in(
                    &root.join("site.toml"),
                    "name = \"Derby\"",
                    "name = \"Derby City\"",
                );
                vec![root.join("site.toml")]
            }),
        ),
        (
            "pagination changed in site.toml",
            Box::new(|| {
                replace_in(&root.join("site.toml"), "per_page = 20", "per_page = 3");
                vec![root.join("site.toml")]
            }),
        ),
        (
            "attachment added and used",
            Box::new(|| {
                std::fs::write(c("plans/derby-plan.pdf"), b"%PDF-1.4 not really").expect("write");
                replace_in(
                    &c("plans/derby.md"),
                    "ends: 2022-08-31",
                    "ends: 2022-08-31\ndocument: derby-plan.pdf",
                );
                vec![c("plans/derby-plan.pdf"), c("plans/derby.md")]
            }),
        ),
        (
            "template override added",
            Box::new(|| {
                std::fs::create_dir_all(override_page.parent().expect("parent")).expect("mkdir");
                std::fs::write(&override_page, OWN_PAGE_TEMPLATE).expect("write");
                vec![root.join("themes")]
            }),
        ),
        (
            "template override edited",
            Box::new(|| {
                replace_in(&override_page, "<h1>", "<h1 class=\"own\">");
                vec![override_page.clone()]
            }),
        ),
        (
            "theme static file added",
            Box::new(|| {
                std::fs::create_dir_all(root.join("themes/opportunity/static/css")).expect("mkdir");
                std::fs::write(
                    root.join("themes/opportunity/static/css/extra.css"),
                    "body{}",
                )
                .expect("write");
                vec![root.join("themes/opportunity/static/css/extra.css")]
            }),
        ),
        (
            "template override removed",
            Box::new(|| {
                std::fs::remove_file(&override_page).expect("remove");
                vec![override_page.clone()]
            }),
        ),
    ];
    for (step, apply) in steps {
        let paths = apply();
        let rebuilt = rebuilder.rebuild(&changes(&paths));
        assert!(
            rebuilt.built.is_some(),
            "{step}: {:#?}",
            rebuilt.diagnostics
        );
        assert_same(step, &incremental(&rebuilder), &full_build(&root));
    }

    // A date moved to another year: the old year's page goes, the new
    // one's comes; a link to the old one breaks the build until the date
    // is put back.
    let extension = c("announcements/programme-extended-to-august-2022.md");
    replace_in(&extension, "date: 2021-06-01", "date: 2020-06-01");
    let moved = rebuilder.rebuild(&changes(&[&extension]));
    assert!(moved.built.is_some(), "{:#?}", moved.diagnostics);
    assert_same(
        "date moved to another year",
        &incremental(&rebuilder),
        &full_build(&root),
    );
    let about = c("pages/about.md");
    append_to(&about, "\nSee [2020](/timeline/2020/).\n");
    assert!(rebuilder.rebuild(&changes(&[&about])).built.is_some());
    replace_in(&extension, "date: 2020-06-01", "date: 2021-06-01");
    let broken = rebuilder.rebuild(&changes(&[&extension]));
    assert!(
        broken.built.is_none(),
        "the link to /timeline/2020/ should break"
    );
    let (_, full_diagnostics) = oasis::compile(&options(&root));
    assert_eq!(broken.diagnostics, full_diagnostics);
    replace_in(&extension, "date: 2021-06-01", "date: 2020-06-01");
    let fixed = rebuilder.rebuild(&changes(&[&extension]));
    assert!(fixed.built.is_some(), "{:#?}", fixed.diagnostics);
    assert_same(
        "date moved back",
        &incremental(&rebuilder),
        &full_build(&root),
    );

    // A body edit that breaks a link fails; fixing it brings the page back.
    let careers = c("announcements/cornerstone-employers.md");
    append_to(
        &careers,
        "\nSee [the plan](@/plans/no-such-plan.md) and [areas](/no-such-page/).\n",
    );
    let broken = rebuilder.rebuild(&changes(&[&careers]));
    assert!(broken.built.is_none());
    let (_, full_diagnostics) = oasis::compile(&options(&root));
    assert_eq!(
        broken.diagnostics, full_diagnostics,
        "the diagnostics differ from a full build's"
    );
    let messages: Vec<&str> = broken
        .diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    assert!(
        messages.iter().any(|m| m.contains("no-such-plan")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("/no-such-page/")),
        "{messages:?}"
    );
    replace_in(&careers, "@/plans/no-such-plan.md", "@/plans/oldham.md");
    replace_in(&careers, "(/no-such-page/)", "(/areas/)");
    let fixed = rebuilder.rebuild(&changes(&[&careers]));
    assert!(fixed.built.is_some(), "{:#?}", fixed.diagnostics);
    assert_same(
        "body edit with links fixed",
        &incremental(&rebuilder),
        &full_build(&root),
    );

    // A broken document keeps the last good build; edits made meanwhile are
    // not lost when it is fixed.
    let project = c("projects/national-citizen-service.md");
    replace_in(&project, "title:", "title: ~\nold_title:");
    let broken = rebuilder.rebuild(&changes(&[&project]));
    assert!(broken.built.is_none());
    assert!(broken.diagnostics.iter().any(|d| d.is_error()));
    append_to(
        &c("plans/norwich.md"),
        "\nEdited while another file was broken.\n",
    );
    replace_in(
        &c("announcements/cornerstone-employers.md"),
        "title: \"Over 40",
        "title: \"Forty or more",
    );
    let still_broken = rebuilder.rebuild(&changes(&[
        c("plans/norwich.md"),
        c("announcements/cornerstone-employers.md"),
    ]));
    assert!(still_broken.built.is_none());
    replace_in(&project, "title: ~\nold_title:", "title:");
    let fixed = rebuilder.rebuild(&changes(&[project]));
    assert!(fixed.built.is_some(), "{:#?}", fixed.diagnostics);
    assert_same(
        "fixed after edits made while broken",
        &incremental(&rebuilder),
        &full_build(&root),
    );

    // Without site.toml nothing builds; with it back, all is as before.
    let config = root.join("site.toml");
    let saved = std::fs::read(&config).expect("read site.toml");
    std::fs::remove_file(&config).expect("remove site.toml");
    let missing = rebuilder.rebuild(&changes(&[&config]));
    assert!(missing.built.is_none());
    assert!(
        missing
            .diagnostics
            .iter()
            .any(|d| d.message.contains("site.toml"))
    );
    std::fs::write(&config, saved).expect("write site.toml");
    let back = rebuilder.rebuild(&changes(&[&config]));
    assert!(back.built.is_some(), "{:#?}", back.diagnostics);
    assert_same(
        "site.toml back",
        &incremental(&rebuilder),
        &full_build(&root),
    );

    // A change the watcher missed is found by a rescan.
    append_to(&c("pages/about.md"), "\nMissed by the watcher.\n");
    let rescan = rebuilder.rebuild(&Changes {
        paths: HashSet::new(),
        rescan: true,
    });
    assert!(rescan.built.is_some());
    assert_same("rescan", &incremental(&rebuilder), &full_build(&root));
}

// ---------------------------------------------------------------------------
// The real binary: `oasis serve` on a free port, spoken to over raw HTTP
// (a client library would clean up the hostile paths before sending them).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long to wait for anything the server does; generous, never a timing assertion.
const PATIENCE: Duration = Duration::from_secs(90);

/// The date the tests build as of, so that nothing becomes scheduled.
const TODAY: &str = "2024-01-01";

fn oasis() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_oasis"));
    command.env("OASIS_TODAY", TODAY).env("NO_COLOR", "1");
    command
}

/// A copy of `tests/fixtures/serve-site`.
fn fixture_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/serve-site"),
        dir.path(),
    );
    dir
}

/// `oasis serve` running on a site; killed when dropped.
struct Server {
    child: Child,
    port: u16,
    stderr: Arc<Mutex<String>>,
}

impl Server {
    fn start(root: &Path, extra: &[&str]) -> Server {
        let mut child = oasis()
            .args(["serve", "--port", "0", "--root"])
            .arg(root)
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start oasis serve");
        let stdout = child.stdout.take().expect("stdout");
        let stderr = child.stderr.take().expect("stderr");
        let collected = Arc::new(Mutex::new(String::new()));
        let sink = collected.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                sink.lock().expect("stderr").push_str(&(line + "\n"));
            }
        });
        let (lines, received) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = lines.send(line);
            }
        });
        let port = wait_for_port(&received, &collected);
        Server {
            child,
            port,
            stderr: collected,
        }
    }

    fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// Sends a raw request; the target is sent exactly as given.
    fn raw(&self, request: &str) -> Response {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        stream.set_read_timeout(Some(PATIENCE)).expect("timeout");
        stream.write_all(request.as_bytes()).expect("send");
        let mut bytes = Vec::new();
        let _ = stream.read_to_end(&mut bytes);
        Response::parse(&bytes)
    }

    fn request(&self, method: &str, target: &str, host: &str) -> Response {
        self.raw(&format!(
            "{method} {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        ))
    }

    fn get(&self, target: &str) -> Response {
        self.request("GET", target, &self.host())
    }

    /// Subscribes to the live-reload events.
    fn events(&self) -> Events {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        // HTTP/1.0: the stream comes unchunked, ended by closing.
        write!(
            stream,
            "GET /__oasis/events HTTP/1.0\r\nHost: {}\r\n\r\n",
            self.host()
        )
        .expect("send");
        let (sender, received) = mpsc::channel();
        std::thread::spawn(move || {
            let mut buffer = [0u8; 8192];
            while let Ok(n) = stream.read(&mut buffer) {
                if n == 0 || sender.send(buffer[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        Events {
            received,
            text: String::new(),
            seen: 0,
        }
    }

    fn stderr(&self) -> String {
        self.stderr.lock().expect("stderr").clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn wait_for_port(lines: &Receiver<String>, stderr: &Arc<Mutex<String>>) -> u16 {
    let deadline = Instant::now() + PATIENCE;
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match lines.recv_timeout(left) {
            Ok(line) => {
                if let Some(rest) = line
                    .split("http://127.0.0.1:")
                    .nth(1)
                    .or_else(|| line.split("http://localhost:").nth(1))
                {
                    let port: String = rest.chars().take_while(char::is_ascii_digit).collect();
                    return port.parse().expect("port");
                }
            }
            Err(_) => break,
        }
    }
    panic!(
        "oasis serve did not start: {}",
        stderr.lock().expect("stderr")
    );
}

struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn parse(bytes: &[u8]) -> Response {
        let end = bytes
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or(bytes.len());
        let head = String::from_utf8_lossy(&bytes[..end]);
        let mut lines = head.lines();
        let status = lines
            .next()
            .and_then(|l| l.split(' ').nth(1))
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        let body = bytes.get(end + 4..).unwrap_or_default().to_vec();
        Response {
            status,
            headers,
            body,
        }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// The live-reload event stream of one (pretend) browser.
struct Events {
    received: Receiver<Vec<u8>>,
    text: String,
    /// How much of `text` earlier waits have consumed.
    seen: usize,
}

impl Events {
    /// Waits for the next event named `name` and returns its data.
    fn next(&mut self, name: &str) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let needle = format!("event: {name}\n");
            if let Some(at) = self.text[self.seen..].find(&needle) {
                let start = self.seen + at + needle.len();
                if let Some(end) = self.text[start..].find("\n\n") {
                    let data = self.text[start..start + end]
                        .lines()
                        .map(|l| {
                            l.strip_prefix("data: ")
                                .or_else(|| l.strip_prefix("data:"))
                                .unwrap_or(l)
                        })
                        .collect::<Vec<_>>()
                        .join("\n");
                    self.seen = start + end;
                    return data;
                }
            }
            let left = deadline
                .checked_duration_since(Instant::now())
                .unwrap_or_else(|| panic!("no `{name}` event; the stream so far:\n{}", self.text));
            match self.received.recv_timeout(left) {
                Ok(bytes) => self.text.push_str(&String::from_utf8_lossy(&bytes)),
                Err(_) => panic!("no `{name}` event; the stream so far:\n{}", self.text),
            }
        }
    }
}

impl Events {
    /// How many events named `name` have come so far, waiting `settle`
    /// for any still on their way.
    fn count(&mut self, name: &str, settle: Duration) -> usize {
        let deadline = Instant::now() + settle;
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            if let Ok(bytes) = self.received.recv_timeout(left) {
                self.text.push_str(&String::from_utf8_lossy(&bytes));
            }
        }
        self.text.matches(&format!("event: {name}\n")).count()
    }
}

/// Polls until `check` passes.
fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + PATIENCE;
    while Instant::now() < deadline {
        if check() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("timed out waiting until {what}");
}

/// A served page without the live-reload script `build` does not write.
fn without_live_script(body: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(body);
    // The end tag after the live script's start: a page may have scripts
    // of its own before it (the search page does).
    let start = text.find("<script data-oasis-live>");
    let end = start.and_then(|start| text[start..].find("</script>").map(|end| start + end));
    match (start, end) {
        (Some(start), Some(end)) if end > start => {
            let mut out = text[..start].to_string();
            out.push_str(&text[end + "</script>".len()..]);
            out.into_bytes()
        }
        _ => body.to_vec(),
    }
}

/// Builds the site with `oasis build` and checks that the server serves
/// exactly those files (and nothing at `gone`).
fn assert_serves_the_build(server: &Server, root: &Path, gone: &[&str]) {
    let out = tempfile::tempdir().expect("temp dir");
    let output = out.path().join("public");
    let status = oasis()
        .args(["build", "--root"])
        .arg(root)
        .arg("--output")
        .arg(&output)
        .output()
        .expect("run oasis build");
    assert!(
        status.status.success(),
        "oasis build failed: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    let mut files = Vec::new();
    collect_files(&output, &output, &mut files);
    assert!(files.len() > 10, "the build is too small: {files:?}");
    for file in files {
        if file == ".oasis-build" {
            continue;
        }
        let url = match file.strip_suffix("index.html") {
            Some(folder) => format!("/{folder}"),
            None => format!("/{file}"),
        };
        // `serve` indexes for search on a thread of its own after a build:
        // the index appears a moment after the pages.
        if file.starts_with("pagefind/") {
            eventually(&format!("the search index file {url}"), || {
                server.get(&url).status == 200
            });
        }
        let built = std::fs::read(output.join(&file)).expect("read built file");
        let served = server.get(&url);
        assert_eq!(served.status, 200, "{url} is not served");
        let body = if file.ends_with(".html") {
            without_live_script(&served.body)
        } else {
            served.body.clone()
        };
        assert!(body == built, "{url} is not what `oasis build` wrote");
    }
    for url in gone {
        assert_eq!(server.get(url).status, 404, "{url} is still served");
    }
}

fn collect_files(base: &Path, dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).expect("read folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_files(base, &path, out);
        } else {
            out.push(oasis::files::relative_to(base, &path));
        }
    }
}

#[test]
fn no_search_serves_no_index() {
    let site = fixture_site();
    let without = Server::start(site.path(), &["--no-search"]);
    let with = Server::start(site.path(), &[]);
    // Once the server that indexes has its index, the other would have
    // had one too by now.
    eventually("the indexing server serves its index", || {
        with.get("/pagefind/pagefind.js").status == 200
    });
    assert_eq!(without.get("/search/").status, 200);
    assert_eq!(without.get("/pagefind/pagefind.js").status, 404);
}

#[test]
fn serves_the_bytes_build_writes() {
    let site = fixture_site();
    let server = Server::start(site.path(), &[]);
    assert_serves_the_build(&server, site.path(), &[]);
    let page = server.get("/announcements/careers-fair/");
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(page.text().contains("<script data-oasis-live>"));
    assert_eq!(
        server.get("/feed.xml").header("content-type"),
        Some("application/atom+xml; charset=utf-8")
    );
    assert_eq!(
        server
            .get("/plans/derby-leaflet.pdf")
            .header("content-type"),
        Some("application/pdf")
    );
    // A folder without its slash is redirected to it.
    let folder = server.get("/areas/derby");
    assert_eq!(folder.status, 301);
    assert_eq!(folder.header("location"), Some("/areas/derby/"));
    // The query goes along (a shared search address).
    assert_eq!(
        server
            .get("/search?q=careers&area=derby")
            .header("location"),
        Some("/search/?q=careers&area=derby")
    );
    // HEAD: the headers of GET, no body.
    let get = server.get("/areas/");
    let head = server.request("HEAD", "/areas/", &server.host());
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(
        head.header("content-length"),
        Some(get.body.len().to_string().as_str())
    );
    // What the build does not have is the site's 404 page.
    let missing = server.get("/no/such/page/");
    assert_eq!(missing.status, 404);
    assert!(missing.text().contains("<script data-oasis-live>"));
}

#[test]
fn edits_renames_and_deletions_are_served_after_a_reload_event() {
    let site = fixture_site();
    let root = site.path();
    let content = root.join("content");
    let server = Server::start(root, &[]);
    let mut browser = server.events();
    let generation: u64 = browser.next("hello").parse().expect("generation");

    // A body edit.
    append_to(
        &content.join("plans/derby.md"),
        "\nA paragraph added while serving.\n",
    );
    let reloaded: u64 = browser.next("reload").parse().expect("generation");
    assert!(reloaded > generation);
    assert!(
        server
            .get("/plans/derby/")
            .text()
            .contains("A paragraph added while serving.")
    );

    // A new document appears in its listing and its area.
    std::fs::write(
        content.join("announcements/summer-school.md"),
        SECOND_ANNOUNCEMENT
            .replace("[oldham, derby]", "[oldham]")
            .replace("transitions-and-pathways", "careers"),
    )
    .expect("write");
    browser.next("reload");
    assert_eq!(server.get("/announcements/summer-school/").status, 200);
    assert!(
        server
            .get("/announcements/")
            .text()
            .contains("Summer school for year 6")
    );
    assert!(
        server
            .get("/areas/oldham/")
            .text()
            .contains("Summer school for year 6")
    );

    // A rename: the old address goes, the new one comes.
    std::fs::rename(
        content.join("announcements/summer-school.md"),
        content.join("announcements/year-6.md"),
    )
    .expect("rename");
    browser.next("reload");
    assert_eq!(server.get("/announcements/summer-school/").status, 404);
    assert_eq!(server.get("/announcements/year-6/").status, 200);

    // A document moved into a folder (same address, so nothing changes),
    // edited there; the folder renamed, the document edited again; then
    // the folder deleted.
    std::fs::create_dir(content.join("announcements/archive")).expect("mkdir");
    std::fs::rename(
        content.join("announcements/year-6.md"),
        content.join("announcements/archive/year-6.md"),
    )
    .expect("move");
    replace_in(
        &content.join("announcements/archive/year-6.md"),
        "Summer school for year 6",
        "Summer school (archived)",
    );
    eventually("the moved document's edit is served", || {
        server
            .get("/announcements/year-6/")
            .text()
            .contains("Summer school (archived)")
    });
    std::fs::rename(
        content.join("announcements/archive"),
        content.join("announcements/old"),
    )
    .expect("rename folder");
    replace_in(
        &content.join("announcements/old/year-6.md"),
        "Summer school (archived)",
        "Summer school (old)",
    );
    eventually("the renamed folder's document is served", || {
        server
            .get("/announcements/year-6/")
            .text()
            .contains("Summer school (old)")
    });
    std::fs::remove_dir_all(content.join("announcements/old")).expect("remove folder");
    eventually("the deleted folder's document is gone", || {
        server.get("/announcements/year-6/").status == 404
    });
    assert!(
        !server
            .get("/announcements/")
            .text()
            .contains("Summer school")
    );

    // Editor leftovers change nothing.
    std::fs::write(content.join("plans/.derby.md.swp"), "swap").expect("write");
    std::fs::write(content.join("plans/derby.md~"), "backup").expect("write");

    // A title edit shows everywhere the title is listed.
    replace_in(
        &content.join("announcements/early-years-fund.md"),
        "Early years fund for Oldham",
        "Nursery fund for Oldham",
    );
    eventually("the new title is in the listing", || {
        server
            .get("/announcements/")
            .text()
            .contains("Nursery fund for Oldham")
    });
    assert!(
        server
            .get("/areas/oldham/")
            .text()
            .contains("Nursery fund for Oldham")
    );
    assert!(
        server
            .get("/feed.xml")
            .text()
            .contains("Nursery fund for Oldham")
    );

    // After all that, the server holds exactly what a full build makes.
    std::fs::remove_file(content.join("plans/.derby.md.swp")).expect("remove");
    std::fs::remove_file(content.join("plans/derby.md~")).expect("remove");
    assert_serves_the_build(
        &server,
        root,
        &["/announcements/summer-school/", "/announcements/year-6/"],
    );
}

// Regression: 20 saves 10 ms apart made 16 rebuilds and reloads.
#[test]
fn a_burst_of_saves_is_one_rebuild() {
    let site = fixture_site();
    let plan = site.path().join("content/plans/derby.md");
    let server = Server::start(site.path(), &[]);
    let mut browser = server.events();
    browser.next("hello");
    // An editor saving every 10 ms for 200 ms (the watcher's own debounce,
    // 20 ms per event, let each through).
    for n in 0..20 {
        append_to(&plan, &format!("\nSaved {n}.\n"));
        std::thread::sleep(Duration::from_millis(10));
    }
    browser.next("reload");
    let reloads = browser.count("reload", Duration::from_millis(1500));
    assert!(reloads <= 2, "{reloads} reloads for one burst of saves");
    assert!(server.get("/plans/derby/").text().contains("Saved 19."));
}

#[test]
fn a_broken_document_shows_the_overlay_until_it_is_fixed() {
    let site = fixture_site();
    let root = site.path();
    let plan = root.join("content/plans/derby.md");
    let server = Server::start(root, &[]);
    let mut browser = server.events();
    browser.next("hello");
    let good = server.get("/plans/derby/").text();

    replace_in(&plan, "areas: [derby]", "areas: [\"<b>darby</b>\"]");
    let overlay = browser.next("failed");
    assert!(overlay.contains("id=\"oasis-overlay\""), "{overlay}");
    assert!(
        overlay.contains("&lt;b&gt;darby&lt;/b&gt;"),
        "the overlay is not escaped: {overlay}"
    );
    assert!(
        !overlay.contains("<b>darby"),
        "the overlay is not escaped: {overlay}"
    );
    assert!(overlay.contains("content/plans/derby.md"), "{overlay}");
    eventually("the error is printed", || {
        server.stderr().contains("content/plans/derby.md")
    });

    // The last good build is still served, with the overlay over it.
    let page = server.get("/plans/derby/");
    assert_eq!(page.status, 200);
    let before_script = |text: &str| {
        text.split("<script data-oasis-live>")
            .next()
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(before_script(&page.text()), before_script(&good));
    assert!(page.text().contains("<div id=\"oasis-overlay\""));
    assert!(page.text().contains("&lt;b&gt;darby&lt;/b&gt;"));
    assert!(page.text().contains("Derby delivery plan"));

    // Fixed: the overlay goes.
    replace_in(&plan, "areas: [\"<b>darby</b>\"]", "areas: [derby]");
    browser.next("ok");
    let fixed = server.get("/plans/derby/");
    assert!(!fixed.text().contains("<div id=\"oasis-overlay\""));
    assert_eq!(
        without_live_script(&fixed.body),
        without_live_script(good.as_bytes())
    );
}

#[test]
fn a_site_broken_at_start_shows_its_errors_until_it_is_fixed() {
    let site = fixture_site();
    let plan = site.path().join("content/plans/derby.md");
    replace_in(&plan, "title: \"Derby delivery plan\"", "title: 2017");
    let server = Server::start(site.path(), &[]);
    let page = server.get("/plans/derby/");
    assert_eq!(page.status, 503);
    assert!(
        page.text().contains("<div id=\"oasis-overlay\""),
        "{}",
        page.text()
    );
    assert!(page.text().contains("content/plans/derby.md"));
    let mut browser = server.events();
    browser.next("hello");
    replace_in(&plan, "title: 2017", "title: \"Derby delivery plan\"");
    browser.next("reload");
    let fixed = server.get("/plans/derby/");
    assert_eq!(fixed.status, 200);
    assert!(!fixed.text().contains("<div id=\"oasis-overlay\""));
}

#[test]
fn hostile_requests_are_refused_without_harm() {
    let site = fixture_site();
    let server = Server::start(site.path(), &[]);
    let long = format!("/{}", "a/".repeat(5000));
    let bad_requests = [
        "/../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        "/..%2f..%2fetc%2fpasswd",
        "/areas/..%2F..%2F..%2Fetc/passwd",
        "/..\\..\\etc\\passwd",
        "/..%5c..%5cetc%5cpasswd",
        "//etc/passwd",
        "/index.html%00",
        "/index.html%00.css",
        "/%",
        "/%c0%ae%c0%ae/etc/passwd",
        long.as_str(),
    ];
    for target in bad_requests {
        let response = server.get(target);
        assert_eq!(response.status, 400, "{target}");
        assert!(!response.text().contains("root:"), "{target}");
    }
    for target in [
        "/etc/passwd",
        "/%252e%252e/%252e%252e/etc/passwd",
        "/C:/Windows/win.ini",
        "/content/plans/derby.md",
        "/site.toml",
    ] {
        assert_eq!(server.get(target).status, 404, "{target}");
    }
    // Absolute paths in the request line.
    for target in ["/tmp", site.path().to_str().expect("utf-8 path")] {
        assert_eq!(server.get(target).status, 404, "{target}");
    }
    // Only GET and HEAD.
    for method in ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"] {
        let response = server.request(method, "/", &server.host());
        assert_eq!(response.status, 405, "{method}");
        assert_eq!(response.header("allow"), Some("GET, HEAD"), "{method}");
    }
    // DNS rebinding: a page on another name must not read the preview.
    for host in [
        "evil.example",
        "evil.example:1111",
        "127.0.0.1.evil.example",
        "localhost.evil.example",
    ] {
        assert_eq!(server.request("GET", "/", host).status, 403, "{host}");
    }
    assert_eq!(server.raw("GET / HTTP/1.0\r\n\r\n").status, 403, "no Host");
    // Regression: a whole address in the request line names the host that
    // counts, and it was not checked.
    assert_eq!(
        server
            .raw("GET http://evil.example/index.html HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            .status,
        403
    );
    assert_eq!(
        server
            .request("GET", "/", &format!("localhost:{}", server.port))
            .status,
        200
    );
    // A part of a file, as a video player or PDF viewer asks for it (Safari
    // plays no video without); pages come whole.
    let css = server.get("/css/oasis.css");
    assert_eq!(css.header("accept-ranges"), Some("bytes"));
    let ranged = |range: &str, target: &str| {
        server.raw(&format!(
            "GET {target} HTTP/1.1\r\nHost: {}\r\nRange: {range}\r\nConnection: close\r\n\r\n",
            server.host()
        ))
    };
    let part = ranged("bytes=0-9", "/css/oasis.css");
    assert_eq!(part.status, 206);
    assert_eq!(part.body, css.body[..10]);
    assert_eq!(
        part.header("content-range"),
        Some(format!("bytes 0-9/{}", css.body.len()).as_str())
    );
    assert_eq!(ranged("bytes=999999999-", "/css/oasis.css").status, 416);
    assert_eq!(ranged("bytes=0-9", "/").status, 200);
    // A URL far longer than any page's: refused, and the server lives on.
    let huge = format!("/{}", "x".repeat(100_000));
    let response = server.get(&huge);
    assert!(
        (400..500).contains(&response.status) || response.status == 0,
        "{}",
        response.status
    );
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let site = fixture_site();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("address").port().to_string();
    let output = oasis()
        .args(["serve", "--root"])
        .arg(site.path())
        .args(["--port", &port])
        .output()
        .expect("run oasis serve");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&format!("port {port}")), "{stderr}");
    assert!(stderr.contains("--port"), "{stderr}");
    // Nothing was built: it does not say it is building.
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!stdout.contains("Building"), "{stdout}");
}

#[test]
fn a_site_with_a_base_path_is_served_under_it() {
    let site = fixture_site();
    replace_in(
        &site.path().join("site.toml"),
        "base_url = \"https://test.example/\"",
        "base_url = \"https://test.example/preview/\"",
    );
    let server = Server::start(site.path(), &[]);
    let home = server.get("/preview/");
    assert_eq!(home.status, 200);
    assert!(
        home.text().contains("href=/preview/areas/")
            || home.text().contains("href=\"/preview/areas/\"")
    );
    assert_eq!(server.get("/preview/areas/derby/").status, 200);
    assert_eq!(server.get("/preview").header("location"), Some("/preview/"));
    assert_eq!(server.get("/").header("location"), Some("/preview/"));
    assert_eq!(
        server.get("/?q=x").header("location"),
        Some("/preview/?q=x")
    );
    assert_eq!(server.get("/areas/derby/").status, 404);
}

#[test]
fn serving_on_every_interface_warns() {
    let site = fixture_site();
    let server = Server::start(site.path(), &["--bind", "0.0.0.0"]);
    assert_eq!(server.get("/").status, 200);
    eventually("the warning is printed", || {
        server.stderr().contains("every network interface")
    });
}

#[test]
fn bind_takes_localhost_and_explains_a_name() {
    let site = fixture_site();
    let server = Server::start(site.path(), &["--bind", "localhost"]);
    assert_eq!(server.get("/").status, 200);
    let refused = oasis()
        .args(["serve", "--bind", "my-laptop", "--root"])
        .arg(site.path())
        .output()
        .expect("run oasis");
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("`my-laptop` is not an IP address: use 127.0.0.1"),
        "{stderr}"
    );
}

/// Live reload and the overlay in a real browser (`tests/browser/live.js`):
/// needs node, Chromium and `npm ci --prefix tests/browser`, like
/// `tests/browser.rs`; without them it is skipped, unless
/// `OASIS_REQUIRE_BROWSER=1` (set by `.ci/run`).
#[test]
fn live_reload_and_the_overlay_work_in_chromium() {
    let suite = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    let chromium = std::env::var_os("OASIS_CHROMIUM")
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    let node = Command::new("node").arg("--version").output();
    let ready = node.is_ok_and(|o| o.status.success())
        && chromium.is_file()
        && suite
            .join("node_modules/playwright-core/package.json")
            .is_file();
    if !ready {
        let required = std::env::var("OASIS_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
        assert!(
            !required,
            "OASIS_REQUIRE_BROWSER=1 but node, Chromium or playwright-core is missing"
        );
        eprintln!(
            "SKIPPED: node, Chromium or playwright-core (npm ci --prefix tests/browser) is missing"
        );
        return;
    }
    let site = fixture_site();
    let server = Server::start(site.path(), &[]);
    let output = Command::new("node")
        .arg(suite.join("live.js"))
        .arg("--url")
        .arg(format!("http://{}/plans/derby/", server.host()))
        .arg("--file")
        .arg(site.path().join("content/plans/derby.md"))
        .env("OASIS_CHROMIUM", &chromium)
        .output()
        .expect("run node");
    let report = String::from_utf8_lossy(&output.stdout);
    eprintln!("{report}");
    assert!(
        output.status.success(),
        "{report}{}\nserver:\n{}",
        String::from_utf8_lossy(&output.stderr),
        server.stderr()
    );
}
