//! `oasis new`: new documents with valid front matter, never overwriting.

use std::path::Path;
use std::process::{Command, Output};

/// The date the tests run as of.
const TODAY: &str = "2024-01-01";

fn oasis(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_oasis"))
        .args(args)
        .arg("--root")
        .arg(root)
        .env("OASIS_TODAY", TODAY)
        .env("NO_COLOR", "1")
        .output()
        .expect("run oasis")
}

/// A copy of `tests/fixtures/serve-site`.
fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/serve-site"),
        dir.path(),
    );
    dir
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create folder");
    for entry in std::fs::read_dir(from).expect("read folder").flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// `oasis check` passes, and its only warnings are that the new file's
/// summary and text are still the examples `oasis new` wrote (so that
/// `check --strict` in CI keeps them from being published).
fn assert_check_passes(root: &Path) {
    let check = oasis(root, &["check"]);
    assert!(
        check.status.success(),
        "oasis check failed:\n{}",
        stderr(&check)
    );
    let text = stderr(&check);
    let warnings: Vec<&str> = text.lines().filter(|l| l.starts_with("warning:")).collect();
    assert!(
        warnings.iter().all(|w| [
            "warning: the summary is still the example `oasis new` wrote",
            "warning: the text is still the example `oasis new` wrote"
        ]
        .contains(w)),
        "{text}"
    );
    assert!(
        text.contains("warning: the text is still the example `oasis new` wrote"),
        "{text}"
    );
}

#[test]
fn writes_an_announcement_that_passes_check() {
    let site = site();
    let output = oasis(
        site.path(),
        &[
            "new",
            "announcement",
            "Café opens for Derby's parents",
            "--area",
            "derby",
            "--priority",
            "early-years",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let path = site
        .path()
        .join("content/announcements/cafe-opens-for-derby-s-parents.md");
    assert_eq!(stdout(&output).trim(), path.display().to_string());
    let text = std::fs::read_to_string(&path).expect("the new file");
    assert!(
        text.starts_with("---\ntitle: \"Café opens for Derby's parents\"\ndate: 2024-01-01\n"),
        "{text}"
    );
    assert!(
        text.contains("areas: [derby]\npriorities: [early-years]\n"),
        "{text}"
    );
    assert_check_passes(site.path());
}

#[test]
fn every_kind_passes_check() {
    let site = site();
    for args in [
        &[
            "new",
            "plan",
            "Oldham delivery plan 2019",
            "--area",
            "oldham",
        ][..],
        &[
            "new",
            "project",
            "Maths hub: \"more\" teachers",
            "--area",
            "all",
            "--priority",
            "careers",
        ],
        &["new", "page", "Privacy notice"],
        &[
            "new",
            "announcement",
            "A fund for both areas",
            "--area",
            "derby",
            "--area",
            "oldham",
        ],
    ] {
        let output = oasis(site.path(), args);
        assert!(output.status.success(), "{args:?}: {}", stderr(&output));
    }
    assert!(
        site.path()
            .join("content/plans/oldham-delivery-plan-2019.md")
            .is_file()
    );
    assert!(
        site.path()
            .join("content/projects/maths-hub-more-teachers.md")
            .is_file()
    );
    assert!(
        site.path()
            .join("content/pages/privacy-notice.md")
            .is_file()
    );
    let project = std::fs::read_to_string(
        site.path()
            .join("content/projects/maths-hub-more-teachers.md"),
    )
    .expect("read");
    assert!(
        project.contains("areas: all\n") && project.contains("status: planned\n"),
        "{project}"
    );
    assert_check_passes(site.path());
}

#[test]
fn never_overwrites_a_file() {
    let site = site();
    let path = site.path().join("content/announcements/careers-fair.md");
    let before = std::fs::read(&path).expect("read");
    let output = oasis(
        site.path(),
        &["new", "announcement", "Careers fair", "--area", "derby"],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("`content/announcements/careers-fair.md` already exists"),
        "{}",
        stderr(&output)
    );
    assert_eq!(std::fs::read(&path).expect("read"), before);
    // Nor a file whose name makes the same address.
    std::fs::write(
        site.path().join("content/pages/Contact Us.md"),
        "---\ntitle: \"Contact\"\n---\n",
    )
    .expect("write");
    let output = oasis(site.path(), &["new", "page", "Contact us"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("Contact Us.md"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn unknown_areas_and_priorities_get_a_did_you_mean() {
    let site = site();
    let output = oasis(
        site.path(),
        &[
            "new",
            "announcement",
            "A title",
            "--area",
            "darby",
            "--priority",
            "carers",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(
        err.contains("unknown area `darby`") && err.contains("did you mean --area derby?"),
        "{err}"
    );
    assert!(
        err.contains("unknown priority `carers`")
            && err.contains("did you mean --priority careers?"),
        "{err}"
    );
    assert!(
        !site
            .path()
            .join("content/announcements/a-title.md")
            .exists()
    );
}

#[test]
fn refuses_what_the_kind_does_not_allow() {
    let site = site();
    for (args, message) in [
        (
            &["new", "announcement", "No area"][..],
            "needs at least one area",
        ),
        (
            &[
                "new",
                "plan",
                "Two areas",
                "--area",
                "derby",
                "--area",
                "oldham",
            ],
            "exactly one area",
        ),
        (
            &["new", "page", "A page", "--area", "derby"],
            "has no areas or priorities",
        ),
        (&["new", "page", "!!!"], "no letters or digits"),
    ] {
        let output = oasis(site.path(), args);
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        assert!(
            stderr(&output).contains(message),
            "{args:?}: {}",
            stderr(&output)
        );
    }
}

#[test]
fn needs_a_site_and_a_known_kind() {
    let empty = tempfile::tempdir().expect("temp dir");
    let output = oasis(empty.path(), &["new", "page", "About"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("site.toml"), "{}", stderr(&output));
    let output = oasis(empty.path(), &["new", "newsletter", "About"]);
    assert_eq!(output.status.code(), Some(2));
}

/// Runs `oasis new` expecting a refusal: exit status 1, stderr containing
/// every one of `expected`, `would_be` not written, and `oasis check` still
/// passing (with warnings: some tests schedule a document). Returns stderr.
fn assert_refused(root: &Path, args: &[&str], would_be: &str, expected: &[&str]) -> String {
    let output = oasis(root, args);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{args:?}: {err}");
    for text in expected {
        assert!(err.contains(text), "{args:?}: no {text:?} in\n{err}");
    }
    assert!(err.contains("nothing was created"), "{err}");
    assert!(!root.join(would_be).exists(), "{would_be} was written");
    let check = oasis(root, &["check"]);
    assert!(check.status.success(), "{}", stderr(&check));
    err
}

/// An announcement in `content/announcements/` with extra front matter.
fn announcement(root: &Path, path: &str, extra: &str) {
    let path = root.join("content/announcements").join(path);
    std::fs::create_dir_all(path.parent().expect("a folder")).expect("create folder");
    std::fs::write(
        path,
        format!("---\ntitle: \"Other\"\ndate: 2018-01-01\nsummary: \"Other news.\"\nareas: [derby]\n{extra}---\n\nBody.\n"),
    )
    .expect("write");
}

#[test]
fn refuses_a_page_at_an_address_oasis_generates() {
    // Regression: `oasis new page "Areas"` wrote a page that collided with
    // `/areas/` and exited 0.
    let site = site();
    for (title, slug) in [
        ("Areas", "areas"),
        ("Search", "search"),
        ("Timeline", "timeline"),
        ("Announcements", "announcements"),
        ("Plans", "plans"),
        ("Projects", "projects"),
        ("Priorities", "priorities"),
    ] {
        assert_refused(
            site.path(),
            &["new", "page", title],
            &format!("content/pages/{slug}.md"),
            &[
                &format!(
                    "`content/pages/{slug}.md` would be at `/{slug}/`, which is already the address of a page oasis generates"
                ),
                "choose another title",
            ],
        );
    }
}

#[test]
fn refuses_a_page_in_the_search_index_folder() {
    // Regression: `oasis new page "Pagefind"` wrote a page into `/pagefind/`,
    // which only the search index may use.
    let site = site();
    assert_refused(
        site.path(),
        &["new", "page", "Pagefind"],
        "content/pages/pagefind.md",
        &["inside `/pagefind/`, the search index's folder"],
    );
}

#[test]
fn refuses_the_address_of_a_document_in_a_sub_folder() {
    // Regression: a document in a sub-folder keeps `/announcements/<slug>/`,
    // and `oasis new` wrote a second one there.
    let site = site();
    announcement(site.path(), "2018/sub-doc.md", "");
    assert_refused(
        site.path(),
        &["new", "announcement", "Sub doc", "--area", "derby"],
        "content/announcements/sub-doc.md",
        &[
            "`content/announcements/sub-doc.md` would be at `/announcements/sub-doc/`, which is already the address of `content/announcements/2018/sub-doc.md`",
            "--> content/announcements/2018/sub-doc.md",
        ],
    );
}

#[test]
fn refuses_an_address_another_document_takes_with_slug() {
    // Regression: another document's `slug:` was not seen, nor a draft's
    // or a scheduled document's, which are published at theirs one day.
    let site = site();
    announcement(site.path(), "other.md", "slug: \"taken-slug\"\n");
    announcement(site.path(), "draft.md", "slug: draft-slug\ndraft: true\n");
    announcement(site.path(), "later.md", "slug: later-slug\n");
    let later = site.path().join("content/announcements/later.md");
    let text = std::fs::read_to_string(&later).expect("read");
    std::fs::write(&later, text.replace("2018-01-01", "2030-01-01")).expect("write");
    assert_refused(
        site.path(),
        &["new", "announcement", "Taken slug", "--area", "derby"],
        "content/announcements/taken-slug.md",
        &[
            "which is already the address of `content/announcements/other.md`",
            "--> content/announcements/other.md:6:7",
            "slug: \"taken-slug\"",
        ],
    );
    for (title, would_be, file) in [
        ("Draft slug", "draft-slug.md", "draft.md"),
        ("Later slug", "later-slug.md", "later.md"),
    ] {
        assert_refused(
            site.path(),
            &["new", "announcement", title, "--area", "derby"],
            &format!("content/announcements/{would_be}"),
            &[&format!(
                "which is already the address of `content/announcements/{file}`"
            )],
        );
    }
}

#[test]
fn refuses_the_address_of_an_alias() {
    // Regression: an alias of another document at the new address was a
    // URL collision in `oasis check`.
    let site = site();
    announcement(
        site.path(),
        "old.md",
        "aliases: [\"/announcements/new-one/\"]\n",
    );
    assert_refused(
        site.path(),
        &["new", "announcement", "New one", "--area", "derby"],
        "content/announcements/new-one.md",
        &[
            "which is already the address of an alias in `content/announcements/old.md`",
            "--> content/announcements/old.md:6:12",
            "or change the alias in `content/announcements/old.md`",
        ],
    );
}

#[test]
fn refuses_a_title_with_a_control_character() {
    // Regression: the title was written as `"ctl\u0001x"`, which `oasis
    // check` refuses.
    let site = site();
    assert_refused(
        site.path(),
        &["new", "page", "ctl\u{1}x"],
        "content/pages/ctl-x.md",
        &["the title contains an invisible control character (U+0001)"],
    );
}

#[test]
fn checks_only_its_own_address_in_a_site_with_errors() {
    let site = site();
    std::fs::write(
        site.path().join("content/pages/broken.md"),
        "---\ntitle: 3\n---\n",
    )
    .expect("write");
    let output = oasis(site.path(), &["new", "page", "Privacy notice"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let output = oasis(site.path(), &["new", "page", "Areas"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(
        err.contains("a page oasis generates") && !err.contains("broken.md"),
        "{err}"
    );
    // A site without content/ yet has the pages oasis generates, too.
    let empty = tempfile::tempdir().expect("temp dir");
    std::fs::copy(
        site.path().join("site.toml"),
        empty.path().join("site.toml"),
    )
    .expect("copy");
    let output = oasis(empty.path(), &["new", "page", "Search"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(!empty.path().join("content").exists());
    let output = oasis(empty.path(), &["new", "page", "Privacy notice"]);
    assert!(output.status.success(), "{}", stderr(&output));
}

/// Regression: `--area derby,oldham`, `--area All`, `--area Derby` and an
/// empty `--area` got "unknown area" with the list, and a plan without
/// `--area` was told it could repeat it or pass `--area all`.
#[test]
fn areas_written_otherwise_are_told_how_to_pass_them() {
    let site = site();
    for (area, hint) in [
        (
            "derby,oldham",
            "give each area its own --area: --area derby --area oldham",
        ),
        ("All", "write it in lower case: --area all"),
        ("Derby", "slugs are in lower case: --area derby"),
        ("", "write the area's slug after --area"),
    ] {
        let output = oasis(
            site.path(),
            &["new", "announcement", "A title", "--area", area],
        );
        assert_eq!(output.status.code(), Some(1), "{area}");
        assert!(
            stderr(&output).contains(hint),
            "{area}: {}",
            stderr(&output)
        );
    }
    let output = oasis(site.path(), &["new", "plan", "A plan"]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.contains("a new delivery plan needs its area"), "{err}");
    assert!(!err.contains("--area all"), "{err}");
}
