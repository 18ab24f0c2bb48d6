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
    }
}

fn full_build(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let (compiled, diagnostics) = oasis::compile(&options(root));
    let compiled = compiled.unwrap_or_else(|| panic!("full build failed: {diagnostics:#?}"));
    compiled.outputs.iter().map(|o| (o.path.clone(), bytes(o))).collect()
}

fn incremental(rebuilder: &Rebuilder) -> BTreeMap<String, Vec<u8>> {
    rebuilder.outputs().map(|o| (o.path.clone(), bytes(o))).collect()
}

fn assert_same(step: &str, incremental: &BTreeMap<String, Vec<u8>>, full: &BTreeMap<String, Vec<u8>>) {
    let a: HashSet<&String> = incremental.keys().collect();
    let b: HashSet<&String> = full.keys().collect();
    assert_eq!(a, b, "{step}: the incremental build has other files than a full build");
    for (path, bytes) in full {
        assert!(incremental[path] == *bytes, "{step}: `{path}` differs from a full build");
    }
}

fn changes(paths: &[PathBuf]) -> Changes {
    Changes {
        paths: paths.iter().cloned().collect(),
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
    assert_eq!(rendered(&mut rebuilder, &[plan.clone()]), ["plans/derby/index.html"]);
    // Saving without a change renders nothing.
    assert_eq!(rendered(&mut rebuilder, &[plan]), Vec::<String>::new());
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
        ["about/index.html", "accessibility/index.html", "contact/index.html"]
    );
    assert_same("template override", &incremental(&rebuilder), &full_build(&root));
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
        ("body edit", Box::new(|| {
            append_to(&c("plans/derby.md"), "\nA new closing paragraph.\n");
            vec![c("plans/derby.md")]
        })),
        ("title edit of a document in every area", Box::new(|| {
            replace_in(&c("announcements/cornerstone-employers.md"), "title: \"More than 40", "title: \"Over 40");
            vec![c("announcements/cornerstone-employers.md")]
        })),
        ("summary edit of a project", Box::new(|| {
            replace_in(&c("projects/research-schools.md"), "Eleven Research Schools", "Eleven research schools");
            vec![c("projects/research-schools.md")]
        })),
        ("new document", Box::new(|| {
            std::fs::write(c("announcements/careers-fair.md"), NEW_ANNOUNCEMENT).expect("write");
            vec![c("announcements/careers-fair.md")]
        })),
        ("second new document", Box::new(|| {
            std::fs::write(c("announcements/summer-school.md"), SECOND_ANNOUNCEMENT).expect("write");
            vec![c("announcements/summer-school.md")]
        })),
        ("renamed document", Box::new(|| {
            let (from, to) = (c("announcements/summer-school.md"), c("announcements/year-6-summer-school.md"));
            std::fs::rename(&from, &to).expect("rename");
            vec![from, to]
        })),
        ("slug of a much-linked document", Box::new(|| {
            replace_in(&c("plans/derby.md"), "ends: 2022-08-31", "ends: 2022-08-31\nslug: derby-delivery-plan");
            vec![c("plans/derby.md")]
        })),
        ("document moved into a new folder", Box::new(|| {
            std::fs::create_dir_all(c("announcements/2018")).expect("mkdir");
            std::fs::rename(c("announcements/careers-fair.md"), c("announcements/2018/careers-fair.md")).expect("rename");
            vec![c("announcements/careers-fair.md"), c("announcements/2018")]
        })),
        ("folder renamed", Box::new(|| {
            std::fs::rename(c("announcements/2018"), c("announcements/archive")).expect("rename");
            vec![c("announcements/2018"), c("announcements/archive")]
        })),
        ("document in the folder edited", Box::new(|| {
            replace_in(&c("announcements/archive/careers-fair.md"), "date: 2018-03-01", "date: 2019-03-01");
            vec![c("announcements/archive/careers-fair.md")]
        })),
        ("folder deleted", Box::new(|| {
            std::fs::remove_dir_all(c("announcements/archive")).expect("remove");
            vec![c("announcements/archive")]
        })),
        ("area introduction edited", Box::new(|| {
            append_to(&c("areas/derby.md"), "\nMore about Derby.\n");
            vec![c("areas/derby.md")]
        })),
        ("home introduction edited", Box::new(|| {
            replace_in(&c("_index.md"), "twelve places", "12 places");
            vec![c("_index.md")]
        })),
        ("document made a draft", Box::new(|| {
            replace_in(&c("announcements/year-6-summer-school.md"), "areas: [oldham, derby]", "areas: [oldham, derby]\ndraft: true");
            vec![c("announcements/year-6-summer-school.md")]
        })),
        ("draft published again", Box::new(|| {
            replace_in(&c("announcements/year-6-summer-school.md"), "\ndraft: true", "");
            vec![c("announcements/year-6-summer-school.md")]
        })),
        ("document deleted", Box::new(|| {
            std::fs::remove_file(c("announcements/year-6-summer-school.md")).expect("remove");
            vec![c("announcements/year-6-summer-school.md")]
        })),
        ("area renamed in site.toml", Box::new(|| {
            replace_in(&root.join("site.toml"), "name = \"Derby\"", "name = \"Derby City\"");
            vec![root.join("site.toml")]
        })),
        ("pagination changed in site.toml", Box::new(|| {
            replace_in(&root.join("site.toml"), "per_page = 20", "per_page = 3");
            vec![root.join("site.toml")]
        })),
        ("attachment added and used", Box::new(|| {
            std::fs::write(c("plans/derby-plan.pdf"), b"%PDF-1.4 not really").expect("write");
            replace_in(&c("plans/derby.md"), "ends: 2022-08-31", "ends: 2022-08-31\ndocument: derby-plan.pdf");
            vec![c("plans/derby-plan.pdf"), c("plans/derby.md")]
        })),
        ("template override added", Box::new(|| {
            std::fs::create_dir_all(override_page.parent().expect("parent")).expect("mkdir");
            std::fs::write(&override_page, OWN_PAGE_TEMPLATE).expect("write");
            vec![root.join("themes")]
        })),
        ("template override edited", Box::new(|| {
            replace_in(&override_page, "<h1>", "<h1 class=\"own\">");
            vec![override_page.clone()]
        })),
        ("theme static file added", Box::new(|| {
            std::fs::create_dir_all(root.join("themes/opportunity/static/css")).expect("mkdir");
            std::fs::write(root.join("themes/opportunity/static/css/extra.css"), "body{}").expect("write");
            vec![root.join("themes/opportunity/static/css/extra.css")]
        })),
        ("template override removed", Box::new(|| {
            std::fs::remove_file(&override_page).expect("remove");
            vec![override_page.clone()]
        })),
    ];
    for (step, apply) in steps {
        let paths = apply();
        let rebuilt = rebuilder.rebuild(&changes(&paths));
        assert!(rebuilt.built.is_some(), "{step}: {:#?}", rebuilt.diagnostics);
        assert_same(step, &incremental(&rebuilder), &full_build(&root));
    }

    // A broken document keeps the last good build; edits made meanwhile are
    // not lost when it is fixed.
    let project = c("projects/national-citizen-service.md");
    replace_in(&project, "title:", "title: ~\nold_title:");
    let broken = rebuilder.rebuild(&changes(&[project.clone()]));
    assert!(broken.built.is_none());
    assert!(broken.diagnostics.iter().any(|d| d.is_error()));
    append_to(&c("plans/norwich.md"), "\nEdited while another file was broken.\n");
    replace_in(&c("announcements/cornerstone-employers.md"), "title: \"Over 40", "title: \"Forty or more");
    let still_broken = rebuilder.rebuild(&changes(&[c("plans/norwich.md"), c("announcements/cornerstone-employers.md")]));
    assert!(still_broken.built.is_none());
    replace_in(&project, "title: ~\nold_title:", "title:");
    let fixed = rebuilder.rebuild(&changes(&[project]));
    assert!(fixed.built.is_some(), "{:#?}", fixed.diagnostics);
    assert_same("fixed after edits made while broken", &incremental(&rebuilder), &full_build(&root));

    // A change the watcher missed is found by a rescan.
    append_to(&c("pages/about.md"), "\nMissed by the watcher.\n");
    let rescan = rebuilder.rebuild(&Changes {
        paths: HashSet::new(),
        rescan: true,
    });
    assert!(rescan.built.is_some());
    assert_same("rescan", &incremental(&rebuilder), &full_build(&root));
}
