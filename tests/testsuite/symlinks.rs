//! Symbolic links and file names that could lead a build astray (SPEC §5,
//! §6): an output folder reached through a linked `content/` or theme, a
//! linked `themes/` or `site.toml` that leaves the root, and names that are
//! not UTF-8. The links and names are made at run time, so Unix only.
#![cfg(unix)]

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::symlink;
use std::path::Path;

use crate::support::SiteTest;

/// The base site with its `content/` moved to `src/content` and linked back.
fn site_with_linked_content() -> SiteTest {
    let site = SiteTest::base();
    std::fs::create_dir(site.path("src")).expect("mkdir src");
    std::fs::rename(site.path("content"), site.path("src/content")).expect("move content");
    symlink("src/content", site.path("content")).expect("symlink");
    site
}

/// The base site with a theme in `mytheme/`, linked as `themes/opportunity`.
fn site_with_linked_theme() -> SiteTest {
    let site = SiteTest::base();
    site.write("mytheme/static/theme.txt", "from the theme");
    std::fs::create_dir(site.path("themes")).expect("mkdir themes");
    symlink("../mytheme", site.path("themes/opportunity")).expect("symlink");
    site
}

fn shown(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// `build --output OUTPUT` fails with `expected`, with and without `--force`.
fn refused(site: &SiteTest, output: &str, expected: &str) {
    for force in [false, true] {
        let target = shown(&site.path(output));
        let mut args = vec!["build", "--output", &target];
        if force {
            args.push("--force");
        }
        let run = site.expect(&args, 1);
        assert_eq!(
            site.redact(&run.stderr),
            format!("{expected}\nerror: the site was not built: 1 error\n"),
            "--output {output}"
        );
    }
}

/// Regression: the output checks compared `--output`, links resolved, with
/// `content/` as named, so `src/content/x` was written into the content and
/// `--output src --force` deleted it.
#[test]
fn an_output_in_or_around_a_linked_content_folder_is_refused() {
    let site = site_with_linked_content();
    site.expect(&["build"], 0);
    for (output, expected) in [
        (
            "src/content/x",
            "error: the output folder `[ROOT]/src/content/x` is inside content/, which links to `[ROOT]/src/content`\n  = help: write the site somewhere else, e.g. --output public\n",
        ),
        (
            "content/x",
            "error: the output folder `[ROOT]/src/content/x` is inside content/, which links to `[ROOT]/src/content`\n  = help: write the site somewhere else, e.g. --output public\n",
        ),
        (
            "src/content",
            "error: the output folder `[ROOT]/src/content` is inside content/, which links to `[ROOT]/src/content`\n  = help: write the site somewhere else, e.g. --output public\n",
        ),
        (
            "src",
            "error: the output folder `[ROOT]/src` contains content/, which links to `[ROOT]/src/content`\n  = help: building there would delete content/; write the site somewhere else, e.g. --output public\n",
        ),
    ] {
        refused(&site, output, expected);
    }
    assert!(!site.exists("src/content/x"));
    assert!(site.exists("src/content/announcements/first-areas.md"));
    assert_eq!(
        std::fs::read_dir(site.path("src"))
            .expect("src")
            .map(|e| e.expect("an entry").file_name())
            .collect::<Vec<_>>(),
        vec!["content"]
    );
}

/// Regression: as above, through `themes/opportunity -> ../mytheme`.
#[test]
fn an_output_in_or_around_a_linked_theme_is_refused() {
    let site = site_with_linked_theme();
    site.expect(&["build"], 0);
    assert_eq!(site.read("public/theme.txt"), "from the theme");
    for (output, expected) in [
        (
            "mytheme/static/out",
            "error: the output folder `[ROOT]/mytheme/static/out` is inside themes/opportunity/, which links to `[ROOT]/mytheme`\n  = help: write the site somewhere else, e.g. --output public\n",
        ),
        (
            "mytheme",
            "error: the output folder `[ROOT]/mytheme` is inside themes/opportunity/, which links to `[ROOT]/mytheme`\n  = help: write the site somewhere else, e.g. --output public\n",
        ),
    ] {
        refused(&site, output, expected);
    }
    assert!(!site.exists("mytheme/static/out"));
    assert_eq!(site.read("mytheme/static/theme.txt"), "from the theme");
}

/// A folder that holds a linked theme's real folder is refused too.
#[test]
fn an_output_holding_a_linked_themes_folder_is_refused() {
    let site = SiteTest::base();
    site.write("src/themes/opportunity/static/theme.txt", "from the theme");
    symlink("src/themes", site.path("themes")).expect("symlink");
    let target = shown(&site.path("src"));
    let run = site.expect(&["build", "--output", &target, "--force"], 1);
    assert_eq!(
        site.redact(&run.stderr),
        "error: the output folder `[ROOT]/src` contains themes/, which links to `[ROOT]/src/themes`\n  = help: building there would delete themes/; write the site somewhere else, e.g. --output public\n\nerror: the site was not built: 1 error\n"
    );
    assert_eq!(
        site.read("src/themes/opportunity/static/theme.txt"),
        "from the theme"
    );
}

/// The build and check both fail with `expected` (the root as `[ROOT]`,
/// `outside` as `[OUTSIDE]`), and nothing is published.
fn fails_with(site: &SiteTest, outside: &tempfile::TempDir, expected: &str) {
    let outside = outside.path().canonicalize().expect("canonical");
    let outside = outside.to_string_lossy();
    let build = site.expect(&["build"], 1);
    assert_eq!(
        site.redact(&build.stderr).replace(&*outside, "[OUTSIDE]"),
        format!("{expected}\nerror: the site was not built: 1 error\n")
    );
    let check = site.expect(&["check"], 1);
    assert_eq!(
        site.redact(&check.stderr).replace(&*outside, "[OUTSIDE]"),
        format!("{expected}\nerror: the site has errors: 1 error\n")
    );
    assert!(!site.exists("public"));
}

/// Regression: a `themes` link out of the root was followed, and the files
/// of the theme it led to were published.
#[test]
fn a_linked_themes_folder_out_of_the_root_is_an_error() {
    let outside = tempfile::tempdir().expect("a temp folder");
    let theme = outside.path().join("opportunity/static");
    std::fs::create_dir_all(&theme).expect("mkdir");
    std::fs::write(theme.join("secret.txt"), "secret").expect("write");
    let site = SiteTest::base();
    symlink(outside.path(), site.path("themes")).expect("symlink");
    fails_with(
        &site,
        &outside,
        "error: the symbolic link `themes` points outside the site folder, to `[OUTSIDE]`\n --> themes\n  = help: only files inside the site folder are read: copy the file in instead of linking to it\n",
    );
}

/// Regression: a `site.toml` link out of the root was read.
#[test]
fn a_linked_site_toml_out_of_the_root_is_an_error() {
    let outside = tempfile::tempdir().expect("a temp folder");
    let site = SiteTest::base();
    std::fs::rename(site.path("site.toml"), outside.path().join("site.toml")).expect("move");
    symlink(outside.path().join("site.toml"), site.path("site.toml")).expect("symlink");
    fails_with(
        &site,
        &outside,
        "error: the symbolic link `site.toml` points outside the site folder, to `[OUTSIDE]/site.toml`\n --> site.toml\n  = help: only files inside the site folder are read: copy the file in instead of linking to it\n",
    );
}

/// Links that stay inside the root are read as before.
#[test]
fn linked_themes_and_site_toml_inside_the_root_are_allowed() {
    let site = SiteTest::base();
    site.write("real/themes/opportunity/static/theme.txt", "from the theme");
    symlink("real/themes", site.path("themes")).expect("symlink");
    std::fs::rename(site.path("site.toml"), site.path("real/site.toml")).expect("move");
    symlink("real/site.toml", site.path("site.toml")).expect("symlink");
    site.expect(&["build"], 0);
    assert_eq!(site.read("public/theme.txt"), "from the theme");
}

/// Writes a file whose name is given as bytes, under the site root.
fn write_raw(site: &SiteTest, folder: &str, name: &[u8], contents: &str) {
    let path = site.path(folder).join(OsStr::from_bytes(name));
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
    std::fs::write(path, contents).expect("write");
}

/// Regression: names that are not UTF-8 were read lossily: `bad\xff.pdf`
/// was published as `bad\u{FFFD}.pdf`, `caf\xe9.md` built as
/// `/announcements/caf/`, and two such names made a collision error.
#[test]
fn names_that_are_not_utf8_are_errors() {
    let site = SiteTest::base();
    site.expect(&["build"], 0);
    let before = site.snapshot_dir("public");
    write_raw(&site, "content/plans", b"bad\xff.pdf", "one");
    write_raw(&site, "content/plans", b"bad\xfe.pdf", "two");
    write_raw(
        &site,
        "content/announcements",
        b"caf\xe9.md",
        "---\ntitle: Caf\ndate: 2018-03-01\nsummary: \"A fair.\"\nareas: [derby]\n---\nHello.\n",
    );
    write_raw(&site, "content/pages", b"d\xe8r/notes.txt", "notes");
    write_raw(
        &site,
        "themes/opportunity/static",
        b"logo\xff.svg",
        "<svg/>",
    );
    let rename = "  = help: rename the {}, e.g. with letters, digits and hyphens only (it was probably named on a system with another encoding)\n";
    let error = |what: &str, path: &str, byte: &str| {
        format!(
            "error: the name of the {what} `{path}` is not UTF-8 (byte {byte}), so it is left out\n --> {path}\n{}\n",
            rename.replace("{}", what)
        )
    };
    let expected = [
        error("file", "content/announcements/caf\u{fffd}.md", "0xe9"),
        error("folder", "content/pages/d\u{fffd}r", "0xe8"),
        error("file", "content/plans/bad\u{fffd}.pdf", "0xfe"),
        error("file", "content/plans/bad\u{fffd}.pdf", "0xff"),
        error("file", "themes/opportunity/static/logo\u{fffd}.svg", "0xff"),
    ]
    .concat();
    let build = site.expect(&["build"], 1);
    assert_eq!(
        build.stderr,
        format!("{expected}error: the site was not built: 5 errors\n")
    );
    let check = site.expect(&["check"], 1);
    assert_eq!(
        check.stderr,
        format!("{expected}error: the site has errors: 5 errors\n")
    );
    assert!(site.snapshot_dir("public") == before);
}
