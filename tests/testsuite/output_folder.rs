//! The output folder's safety rules and the atomic swap (SPEC §5).

use crate::support::SiteTest;

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let site = SiteTest::base();
    site.expect(&["build"], 0);
    let before = site.snapshot_dir("public");
    site.write("content/announcements/broken.md", "---\ntitle: 2024\n---\n");
    site.expect(&["build"], 1);
    assert!(site.snapshot_dir("public") == before);
    let leftovers = staging_folders(&site);
    assert!(
        leftovers.is_empty(),
        "staging folders left behind: {leftovers:?}"
    );
}

#[test]
fn a_new_build_replaces_the_old_one_completely() {
    let site = SiteTest::base();
    site.expect(&["build"], 0);
    assert!(site.exists("public/announcements/extension/index.html"));
    site.remove("content/announcements/extension.md");
    site.expect(&["build"], 0);
    assert!(!site.exists("public/announcements/extension/index.html"));
    assert!(site.exists("public/.oasis-build"));
}

/// The names in the site's root that look like oasis staging folders.
fn staging_folders(site: &SiteTest) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(site.root())
        .expect("the root")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| name.contains("oasis-"))
        .collect();
    names.sort();
    names
}

#[test]
fn a_second_build_leaves_no_staging_folder() {
    let site = SiteTest::base();
    site.expect(&["build"], 0);
    site.expect(&["build"], 0);
    assert_eq!(staging_folders(&site), Vec::<String>::new());
}

#[cfg(target_os = "linux")]
#[test]
fn the_staging_folder_of_a_killed_build_is_removed_by_the_next() {
    let site = SiteTest::base();
    // A process id that is not running (above any pid_max), and this
    // test's own, which is.
    let gone = ".public.oasis-new-4294967294";
    let running = format!(".public.oasis-new-{}", std::process::id());
    site.write(&format!("{gone}/index.html"), "half a site");
    site.write(&format!("{running}/index.html"), "a build under way");
    site.expect(&["build"], 0);
    assert_eq!(staging_folders(&site), vec![running]);
}

#[test]
fn refuses_to_replace_a_folder_it_did_not_make() {
    let site = SiteTest::base();
    site.write("public/precious.txt", "keep me");
    let run = site.expect(&["build"], 1);
    assert!(
        run.stderr.contains("was not made by oasis"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--force"), "{}", run.stderr);
    assert_eq!(site.read("public/precious.txt"), "keep me");
    site.expect(&["build", "--force"], 0);
    assert!(!site.exists("public/precious.txt"));
    assert!(site.exists("public/index.html"));
}

#[test]
fn an_empty_output_folder_is_used() {
    let site = SiteTest::base();
    std::fs::create_dir_all(site.path("public")).expect("mkdir");
    site.expect(&["build"], 0);
    assert!(site.exists("public/index.html"));
}

#[test]
fn refuses_the_root_its_parent_content_and_themes() {
    let site = SiteTest::base();
    let parent = site
        .root()
        .parent()
        .expect("a parent")
        .to_string_lossy()
        .into_owned();
    let root = site.root().to_string_lossy().into_owned();
    for (output, expected) in [
        (root.clone(), "is the site folder or contains it"),
        (format!("{root}/."), "is the site folder or contains it"),
        (parent, "is the site folder or contains it"),
        (format!("{root}/content"), "is inside content/"),
        (format!("{root}/content/out"), "is inside content/"),
        (
            format!("{root}/themes/opportunity/static"),
            "is inside themes/",
        ),
        (format!("{root}/public/../content/x"), "is inside content/"),
    ] {
        for force in [false, true] {
            let mut args = vec!["build", "--output", output.as_str()];
            if force {
                args.push("--force");
            }
            let run = site.expect(&args, 1);
            assert!(run.stderr.contains(expected), "{output}: {}", run.stderr);
        }
    }
    assert!(site.exists("content/announcements/first-areas.md"));
    assert!(!site.exists("content/out"));
}

#[test]
fn builds_into_another_folder() {
    let site = SiteTest::base();
    let out = tempfile::tempdir().expect("a temp folder");
    let target = out.path().join("site");
    site.expect(&["build", "--output", &target.to_string_lossy()], 0);
    assert!(target.join("index.html").is_file());
    assert!(!site.exists("public"));
}

#[test]
fn check_writes_nothing() {
    let site = SiteTest::base();
    let run = site.expect(&["check"], 0);
    assert!(
        run.stdout.contains("No problems found in 10 documents"),
        "{}",
        run.stdout
    );
    assert!(!site.exists("public"));
}
