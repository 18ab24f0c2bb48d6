//! The staging folder beside the output: removed when a build is stopped,
//! ignored by git, and an old build that cannot be removed is told.

#![cfg(unix)]

use std::path::Path;

use crate::output_folder::staging_folders;
use crate::support::{SiteTest, chmod, permissions_enforced};

/// Regression: Ctrl+C during a build left `.public.oasis-new-<pid>/` in
/// the site's folder.
#[test]
fn a_build_stopped_with_ctrl_c_leaves_no_staging_folder() {
    use std::os::unix::process::ExitStatusExt;
    let site = SiteTest::base();
    site.expect(&["build"], 0);
    let before = site.snapshot_dir("public");
    add_many_announcements(&site);
    for (signal, name) in [(libc::SIGINT, "INT"), (libc::SIGTERM, "TERM")] {
        let mut child = spawn_build(&site, &[]);
        // `.public.oasis-new-<pid>-<time>`.
        let prefix = format!(".public.oasis-new-{}-", child.id());
        let writing = || {
            staging_folders(&site).iter().any(|name| {
                name.starts_with(&prefix) && site.path(name).join("announcements").exists()
            })
        };
        // Stopped once it is writing pages: its threads are running.
        let started = std::time::Instant::now();
        while !writing() {
            assert!(
                child.try_wait().expect("poll oasis").is_none(),
                "the build ended before it could be stopped"
            );
            assert!(started.elapsed().as_secs() < 60, "no page was written");
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        let sent = std::process::Command::new("kill")
            .arg(format!("-{name}"))
            .arg(child.id().to_string())
            .status()
            .expect("run kill");
        assert!(sent.success());
        let run = child.wait_with_output().expect("wait for oasis");
        let status = run.status;
        assert_eq!(status.signal(), Some(signal), "{status:?}");
        // The writer is told that nothing was published.
        assert_eq!(
            site.redact(&String::from_utf8_lossy(&run.stderr)),
            "error: the site was not built: the build was stopped (Ctrl+C or SIGTERM) before it finished; `[ROOT]/public` is as it was\n",
            "SIG{name}"
        );
        assert_eq!(staging_folders(&site), Vec::<String>::new(), "SIG{name}");
        assert!(site.snapshot_dir("public") == before, "SIG{name}");
    }
}

/// Regression: when the old site could not be removed after the swap, the
/// build said nothing and left it at `.public.oasis-new-<pid>`, and later
/// builds failed to remove it without a word.
#[test]
fn an_old_build_that_cannot_be_removed_is_a_warning() {
    if !permissions_enforced() {
        return;
    }
    let site = SiteTest::base();
    site.expect(&["build"], 0);
    // Its entries cannot be removed once the folder is read-only.
    chmod(&site.path("public/announcements"), 0o555);
    let run = site.expect(&["build"], 0);
    let leftovers = staging_folders(&site);
    assert_eq!(leftovers.len(), 1, "{leftovers:?}");
    let leftover = leftovers[0].clone();
    // Named as what it holds (it was `.public.oasis-new-…`).
    assert!(leftover.starts_with(".public.oasis-old-"), "{leftover}");
    let stderr = site.redact(&run.stderr);
    let expected = format!(
        "warning: the new build is in place, but the previous one, moved to `[ROOT]/{leftover}`, could not be removed: Permission denied (os error 13)\n  = help: it is not part of the site: remove it yourself, e.g. `rm -rf '[ROOT]/{leftover}'` (if that is refused, first make it writable: `chmod -R u+w '[ROOT]/{leftover}'`)\n"
    );
    assert!(stderr.starts_with(&expected), "{stderr}");
    assert!(run.stdout.contains("(1 warning)"), "{}", run.stdout);
    assert!(site.exists("public/index.html"));

    // The next build tries again, and says so again.
    let run = site.expect(&["build"], 0);
    let stderr = site.redact(&run.stderr);
    assert!(
        stderr.contains(&format!(
            "warning: `[ROOT]/{leftover}`, left by an earlier build, could not be removed: Permission denied (os error 13)\n"
        )),
        "{stderr}"
    );

    // Once it may be removed, it is.
    chmod(&site.path(&format!("{leftover}/announcements")), 0o755);
    let run = site.expect(&["build"], 0);
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    assert_eq!(staging_folders(&site), Vec::<String>::new());
}

/// Whether git ignores `path` (made as an empty file) under the rules of
/// the `.gitignore` file `rules`; `None` when git is not installed.
fn git_ignores(rules: &Path, path: &str) -> Option<bool> {
    let repo = tempfile::tempdir().expect("a temp folder");
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .arg("-C")
            .arg(repo.path())
            .args(args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .ok()
    };
    git(&["init", "-q"])?;
    std::fs::copy(rules, repo.path().join(".gitignore")).expect("copy the .gitignore");
    let file = repo.path().join(path);
    std::fs::create_dir_all(file.parent().expect("a parent")).expect("mkdir");
    std::fs::write(&file, "").expect("write a file to check");
    Some(git(&["check-ignore", "-q", "--no-index", path])?.success())
}

/// Regression: the staging folder a killed build leaves (or an old build
/// that could not be removed) was not ignored by git, in a new site nor in
/// this repository.
#[test]
fn git_ignores_the_staging_folders() {
    let site = SiteTest::empty();
    site.expect(&["init", &site.path("new").to_string_lossy()], 0);
    let repository = Path::new(env!("CARGO_MANIFEST_DIR")).join(".gitignore");
    for rules in [site.path("new/.gitignore"), repository] {
        for path in [
            ".public.oasis-new-4242/index.html",
            ".public.oasis-old-4242/index.html",
            ".public.oasis-new-4242-18a2b3c4d5e6f/index.html",
            ".public.oasis-4242-18a2b3c4d5e6f.lock",
            "public/index.html",
        ] {
            match git_ignores(&rules, path) {
                Some(ignored) => assert!(ignored, "{} does not ignore {path}", rules.display()),
                None => {
                    eprintln!("skipped: git is not installed");
                    return;
                }
            }
        }
        assert_eq!(
            git_ignores(&rules, "content/plans/derby.md"),
            Some(false),
            "{}",
            rules.display()
        );
    }
}

/// Regression (review): with its lock file removed by hand, a build's
/// folder counted as abandoned, another build removed files from it, and
/// the first published a site with files missing, with exit 0. A build
/// whose lock file is gone when it is done publishes nothing.
#[test]
fn a_build_whose_lock_file_was_removed_publishes_nothing() {
    let site = SiteTest::base();
    site.expect(&["build"], 0);
    let before = site.snapshot_dir("public");
    add_many_announcements(&site);
    let child = spawn_build(&site, &["--no-search"]);
    let prefix = format!(".public.oasis-{}-", child.id());
    let started = std::time::Instant::now();
    let lock = loop {
        let found = staging_folders(&site)
            .into_iter()
            .find(|name| name.starts_with(&prefix) && name.ends_with(".lock"));
        if let Some(lock) = found {
            break lock;
        }
        assert!(started.elapsed().as_secs() < 60, "no lock file");
        std::thread::sleep(std::time::Duration::from_millis(2));
    };
    std::fs::remove_file(site.path(&lock)).expect("remove the lock file");
    let run = child.wait_with_output().expect("wait for oasis");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("was removed while the site was built"),
        "{stderr}"
    );
    assert!(site.snapshot_dir("public") == before);
}

/// Enough pages that a build is still writing when it is stopped.
fn add_many_announcements(site: &SiteTest) {
    for n in 0..3000 {
        site.write(
            &format!("content/announcements/news-{n}.md"),
            format!(
                "---\ntitle: \"News {n}\"\ndate: 2019-11-01\nsummary: \"Number {n}.\"\nareas: all\n---\n\nThe news.\n"
            ),
        );
    }
}

/// Starts `oasis build` on `site` in the background, its errors captured.
fn spawn_build(site: &SiteTest, args: &[&str]) -> std::process::Child {
    std::process::Command::new(env!("CARGO_BIN_EXE_oasis"))
        .arg("build")
        .args(args)
        .arg("--root")
        .arg(site.root())
        .env("OASIS_TODAY", crate::support::TODAY)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run oasis")
}
