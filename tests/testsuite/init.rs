//! `oasis init`: the new site builds at once, and nothing is ever written
//! over an existing folder's files.

use crate::support::SiteTest;

#[test]
fn a_new_site_builds_and_passes_a_strict_check() {
    let parent = SiteTest::empty();
    let dir = parent.path("my-site");
    let dir_arg = dir.to_string_lossy().into_owned();
    let init = parent.expect(&["init", &dir_arg], 0);
    assert!(
        init.stdout
            .contains("content/announcements/derby-careers-fair.md")
    );
    let check = parent.expect(&["check", "--strict", "--root", &dir_arg], 0);
    assert_eq!(check.stderr, "");
    parent.expect(&["build", "--root", &dir_arg], 0);
    for page in [
        "my-site/public/announcements/derby-careers-fair/index.html",
        "my-site/public/plans/derby/index.html",
        "my-site/public/plans/derby-delivery-plan.pdf",
        "my-site/public/projects/derby-primary-maths/index.html",
        "my-site/public/accessibility/index.html",
        "my-site/public/areas/derby/index.html",
        "my-site/public/priorities/early-years/index.html",
        "my-site/public/areas/stoke-on-trent/index.html",
    ] {
        assert!(parent.exists(page), "{page} was not built");
    }
}

#[test]
fn every_kind_of_document_has_an_example() {
    let site = SiteTest::empty();
    let dir = site.root().to_string_lossy().into_owned();
    site.expect(&["init", &dir], 0);
    for file in [
        "site.toml",
        "README.md",
        ".gitignore",
        "content/_index.md",
        "content/announcements/derby-careers-fair.md",
        "content/plans/derby.md",
        "content/projects/derby-primary-maths.md",
        "content/pages/accessibility.md",
        "content/areas/derby.md",
        "content/priorities/early-years.md",
    ] {
        assert!(site.exists(file), "oasis init did not write {file}");
    }
    let config = site.read("site.toml");
    assert_eq!(config.matches("[[areas]]").count(), 12);
    assert_eq!(config.matches("[[priorities]]").count(), 9);
}

#[test]
fn a_folder_with_files_is_refused_and_left_alone() {
    let site = SiteTest::empty();
    site.write("notes.txt", "mine");
    let dir = site.root().to_string_lossy().into_owned();
    let run = site.expect(&["init", &dir], 1);
    assert_eq!(
        site.redact(&run.stderr),
        "error: the folder `[ROOT]` is not empty, so oasis init writes nothing there\n  \
         = help: name a new folder, e.g. oasis init [ROOT]-2, or empty `[ROOT]` first\n\n"
    );
    assert!(!site.exists("site.toml"));
    assert_eq!(site.read("notes.txt"), "mine");
}

#[test]
fn a_file_is_refused() {
    let site = SiteTest::empty();
    site.write("site", "not a folder");
    let file = site.path("site").to_string_lossy().into_owned();
    let run = site.expect(&["init", &file], 1);
    assert!(
        run.stderr.contains("is a file, not a folder"),
        "{}",
        run.stderr
    );
}
