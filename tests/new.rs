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

fn assert_check_passes(root: &Path) {
    let check = oasis(root, &["check", "--strict"]);
    assert!(
        check.status.success(),
        "oasis check failed:\n{}",
        stderr(&check)
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
