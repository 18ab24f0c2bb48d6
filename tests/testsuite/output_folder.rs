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
pub fn staging_folders(site: &SiteTest) -> Vec<String> {
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
    // Named by this oasis (`<pid>-<time>`, with a lock file): one whose
    // lock is free, and a lock file left alone.
    site.write(".public.oasis-new-1-18a2b3c4d5e6f/index.html", "killed");
    site.write(".public.oasis-1-18a2b3c4d5e6f.lock", "");
    // Without its lock file: by its process, which is gone…
    site.write(
        ".public.oasis-old-4294967293-18a2b3c4d5e70/index.html",
        "old site",
    );
    site.write(".public.oasis-9-18a2b3c4d5e71.lock", "");
    // …or running (this test's): left alone, as is a name oasis does not
    // make.
    let unlocked = format!(".public.oasis-new-{}-18a2b3c4d5e72", std::process::id());
    site.write(&format!("{unlocked}/index.html"), "a build under way");
    site.write(".public.oasis-new-notes/index.html", "the writer's");
    site.expect(&["build"], 0);
    let mut left = vec![".public.oasis-new-notes".to_string(), running, unlocked];
    left.sort();
    assert_eq!(staging_folders(&site), left);
}

/// Regression: the staging folder was `.public.oasis-new-<pid>`, and a
/// folder whose process was not running was taken for abandoned. Builds in
/// containers of their own, into one shared folder, are all process 1: the
/// second removed the first's folder while it was writing, and the first
/// published a site with files missing. A running build is known by its
/// lock, whatever its process id.
#[cfg(target_os = "linux")]
#[test]
fn a_folder_whose_build_holds_its_lock_is_left_alone() {
    let site = SiteTest::base();
    let lock = site.path(".public.oasis-1-18a2b3c4d5e6f.lock");
    site.write(".public.oasis-1-18a2b3c4d5e6f.lock", "");
    site.write(".public.oasis-new-1-18a2b3c4d5e6f/index.html", "writing");
    // Another process holds the lock, as a running build does.
    // `-o`: `sleep` does not inherit it, so killing `flock` frees it.
    let mut holder = std::process::Command::new("flock")
        .arg("-o")
        .arg(&lock)
        .args(["sleep", "30"])
        .spawn();
    let Ok(holder) = holder.as_mut() else {
        eprintln!("skipped: flock(1) is not installed");
        return;
    };
    let held = std::time::Instant::now();
    // Until `flock` has the lock.
    while std::process::Command::new("flock")
        .args(["-n"])
        .arg(&lock)
        .arg("true")
        .status()
        .is_ok_and(|status| status.success())
    {
        assert!(held.elapsed().as_secs() < 10, "flock never took the lock");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    site.expect(&["build"], 0);
    let _ = holder.kill();
    let _ = holder.wait();
    assert_eq!(
        staging_folders(&site),
        vec![
            ".public.oasis-1-18a2b3c4d5e6f.lock".to_string(),
            ".public.oasis-new-1-18a2b3c4d5e6f".to_string()
        ]
    );
    // Once it is gone, the next build removes both.
    site.expect(&["build"], 0);
    assert_eq!(staging_folders(&site), Vec::<String>::new());
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
    // With --force it is replaced, and the build says so.
    let run = site.expect(&["build", "--force"], 0);
    assert!(
        run.stderr.contains(
            "was not made by oasis; --force: it is replaced, and what it held is deleted"
        ),
        "{}",
        run.stderr
    );
    assert!(!site.exists("public/precious.txt"));
    assert!(site.exists("public/index.html"));
}

/// Regression: the marker was a fixed text, so a build copied into a folder
/// of one's own (`cp -r public/. www/`) brought it along, and the next
/// build into `www` deleted what else was there without a word.
#[test]
fn a_copied_marker_does_not_give_away_a_folder_it_did_not_make() {
    let site = SiteTest::base();
    site.expect(&["build"], 0);
    let www = site.path("www");
    std::fs::create_dir_all(&www).expect("mkdir");
    site.write("www/mine.txt", "keep me");
    for entry in walkdir::WalkDir::new(site.path("public")).min_depth(1) {
        let entry = entry.expect("entry");
        let to = www.join(
            entry
                .path()
                .strip_prefix(site.path("public"))
                .expect("inside"),
        );
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &to).expect("copy");
        }
    }
    let run = site.expect(&["build", "--output", &www.to_string_lossy()], 1);
    assert!(
        run.stderr
            .contains("holds `mine.txt`, which oasis did not write, so it is not replaced"),
        "{}",
        run.stderr
    );
    assert_eq!(site.read("www/mine.txt"), "keep me");
    // A file put into the default output is named the same way, and a copy
    // of the build alone (the site moved) is replaced as before.
    site.write("public/notes.txt", "mine");
    let run = site.expect(&["build"], 1);
    assert!(run.stderr.contains("holds `notes.txt`"), "{}", run.stderr);
    std::fs::remove_file(site.path("public/notes.txt")).expect("remove");
    // What a desktop adds when the folder is opened is not the writer's.
    site.write("public/.DS_Store", "finder");
    site.write("public/Thumbs.db", "explorer");
    site.expect(&["build"], 0);
}

/// Regression (review): a marker that lists nothing (an older oasis's, an
/// empty file, a folder) turned the check off, so `thesis.docx` beside an
/// empty `.oasis-build` was deleted. What such a marker cannot say is
/// checked against what the build wrote, just before the swap.
#[test]
fn a_marker_that_lists_nothing_does_not_give_away_other_files() {
    let site = SiteTest::base();
    for marker in [
        "",
        "This folder is written by `oasis build` and replaced on every build.\n",
    ] {
        site.write("www/thesis.docx", "precious");
        site.write("www/.oasis-build", marker);
        let run = site.expect(
            &["build", "--output", &site.path("www").to_string_lossy()],
            1,
        );
        assert!(
            run.stderr
                .contains("holds `thesis.docx`, which oasis did not write, so it is not replaced"),
            "{}",
            run.stderr
        );
        assert_eq!(site.read("www/thesis.docx"), "precious");
    }
    // What the build itself writes is fine: an older oasis's output is
    // replaced, once, as before.
    std::fs::remove_file(site.path("www/thesis.docx")).expect("remove");
    site.write("www/index.html", "an older build");
    site.expect(
        &["build", "--output", &site.path("www").to_string_lossy()],
        0,
    );
    site.expect(
        &["build", "--output", &site.path("www").to_string_lossy()],
        0,
    );
    assert_eq!(staging_folders(&site), Vec::<String>::new());
}

/// Regression (review): the marker listed one name to a line, so a file
/// named with a line break made every later build refuse its own output;
/// a named pipe for a marker blocked the build for ever.
#[cfg(unix)]
#[test]
fn odd_names_and_markers_do_not_stop_the_next_build() {
    let site = SiteTest::base();
    site.write("content/a\nb.txt", "two lines");
    site.expect(&["build"], 0);
    assert!(site.exists("public/a\nb.txt"));
    site.expect(&["build"], 0);
    let marker = site.path("public/.oasis-build");
    std::fs::remove_file(&marker).expect("remove");
    let made = std::process::Command::new("mkfifo").arg(&marker).status();
    if made.is_ok_and(|status| status.success()) {
        // A marker that is not a file lists nothing: the build goes on,
        // and replaces what it wrote itself.
        site.expect(&["build"], 0);
        assert!(site.path("public/.oasis-build").is_file());
    }
}

/// Regression: the output folder was replaced by one with the default
/// permissions: a private folder (`chmod 700`) became readable by all.
#[cfg(unix)]
#[test]
fn the_output_folder_keeps_its_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let site = SiteTest::base();
    site.expect(&["build"], 0);
    // The output's mode after a build of a folder with mode `before`.
    let rebuilt = |before: u32| {
        std::fs::set_permissions(site.path("public"), std::fs::Permissions::from_mode(before))
            .expect("chmod");
        site.expect(&["build"], 0);
        std::fs::metadata(site.path("public"))
            .expect("public")
            .permissions()
            .mode()
            & 0o777
    };
    assert_eq!(rebuilt(0o700), 0o700);
    // One its owner may not write to keeps the owner's rights: the next
    // build must be able to remove the old site.
    assert_eq!(rebuilt(0o555), 0o755);
    site.expect(&["build"], 0);
    assert_eq!(staging_folders(&site), Vec::<String>::new());
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

/// Runs `oasis build --output <output>` with and without `--force` and
/// checks that both fail with `expected` (the site's root as `[ROOT]`),
/// announce no build, and leave no staging folder beside the output.
fn refused(site: &SiteTest, output: &std::path::Path, expected: &str) {
    let output = output.to_string_lossy();
    for force in [false, true] {
        let mut args = vec!["build", "--output", &*output];
        if force {
            args.push("--force");
        }
        let run = site.expect(&args, 1);
        assert_eq!(site.redact(&run.stderr), expected, "{args:?}");
        assert!(!run.stdout.contains("Built"), "{}", run.stdout);
        assert_eq!(staging_folders(site), Vec::<String>::new());
    }
}

/// Regression: `--output` naming a named pipe printed "Built …", exited 0
/// and moved the pipe aside, putting a folder in its place.
#[cfg(unix)]
#[test]
fn a_named_pipe_is_not_replaced_even_with_force() {
    use std::os::unix::fs::FileTypeExt;
    let site = SiteTest::base();
    let pipe = site.path("pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&pipe)
        .status()
        .expect("run mkfifo");
    assert!(made.success());
    refused(
        &site,
        &pipe,
        "error: the output `[ROOT]/pipe` is a named pipe (FIFO), not a folder\n  = help: choose a folder name for --output: oasis only ever replaces a folder, so it leaves a named pipe (FIFO) alone, even with --force\n\nerror: the site was not built: 1 error\n",
    );
    let found = std::fs::symlink_metadata(&pipe).expect("the pipe is still there");
    assert!(found.file_type().is_fifo());
}

/// Regression: the same for a socket, and for a link to one.
#[cfg(unix)]
#[test]
fn a_socket_is_not_replaced_even_with_force() {
    use std::os::unix::fs::FileTypeExt;
    let site = SiteTest::base();
    let socket = site.path("socket");
    let _listener = std::os::unix::net::UnixListener::bind(&socket).expect("a socket");
    let expected = "error: the output `[ROOT]/socket` is a socket, not a folder\n  = help: choose a folder name for --output: oasis only ever replaces a folder, so it leaves a socket alone, even with --force\n\nerror: the site was not built: 1 error\n";
    refused(&site, &socket, expected);
    std::os::unix::fs::symlink(&socket, site.path("link")).expect("a link");
    refused(&site, &site.path("link"), expected);
    assert!(
        std::fs::symlink_metadata(&socket)
            .expect("the socket is still there")
            .file_type()
            .is_socket()
    );
}

/// Regression: as root, `--output /dev/null` replaced the null device with
/// a folder. A device node of the same kind is made in a temp folder (only
/// root may), never the real one.
#[cfg(unix)]
#[test]
fn a_device_is_not_replaced_even_with_force() {
    use std::os::unix::fs::FileTypeExt;
    let site = SiteTest::base();
    let device = site.path("null");
    let made = std::process::Command::new("mknod")
        .arg(&device)
        .args(["c", "1", "3"])
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !made {
        eprintln!("skipped: only root may make a device node");
        return;
    }
    refused(
        &site,
        &device,
        "error: the output `[ROOT]/null` is a device (a character device), not a folder\n  = help: choose a folder name for --output: oasis only ever replaces a folder, so it leaves a device (a character device) alone, even with --force\n\nerror: the site was not built: 1 error\n",
    );
    assert!(
        std::fs::symlink_metadata(&device)
            .expect("the device is still there")
            .file_type()
            .is_char_device()
    );
}

/// Regression: a file among the output's parents failed after the whole
/// build with "could not create …: File exists" and a disk-full hint.
#[test]
fn an_output_inside_a_file_is_explained() {
    let site = SiteTest::base();
    site.write("afile", "not a folder");
    refused(
        &site,
        &site.path("afile/sub"),
        "error: the output folder `[ROOT]/afile/sub` cannot be made: `[ROOT]/afile` is a file, not a folder\n  = help: every part of the output's path must be a folder or not exist yet: choose another --output, or move `[ROOT]/afile` out of the way\n\nerror: the site was not built: 1 error\n",
    );
    assert_eq!(site.read("afile"), "not a folder");
}

/// Regression: a link to nothing as the output failed after the whole
/// build with "Not a directory" and a disk-full hint.
#[cfg(unix)]
#[test]
fn a_link_to_nothing_as_the_output_is_explained() {
    let site = SiteTest::base();
    std::os::unix::fs::symlink(site.path("gone"), site.path("public")).expect("a link");
    refused(
        &site,
        &site.path("public"),
        "error: `[ROOT]/public` is a symbolic link to `[ROOT]/gone`, which does not exist\n  = help: create the folder the link points to (the site is built into it), remove the link, or choose another --output\n\nerror: the site was not built: 1 error\n",
    );
    assert!(!site.exists("gone"));
    // With the folder it points to, the site is built there.
    std::fs::create_dir(site.path("gone")).expect("mkdir");
    site.expect(&["build"], 0);
    assert!(site.exists("gone/index.html"));
}

/// Runs `script` (sh, with `$OASIS` the binary and `$ROOT` the site) in a
/// mount namespace of its own, where it may mount without touching the
/// system's mounts. `None` when that is not allowed (not root).
#[cfg(target_os = "linux")]
fn in_mount_namespace(site: &SiteTest, script: &str) -> Option<crate::support::Run> {
    let allowed = std::process::Command::new("unshare")
        .args(["-m", "mount", "-t", "tmpfs", "probe", "/mnt"])
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !allowed {
        eprintln!("skipped: mounting needs root and unshare");
        return None;
    }
    let mut command = std::process::Command::new("unshare");
    command
        .args(["-m", "sh", "-c", script])
        .env("OASIS", env!("CARGO_BIN_EXE_oasis"))
        .env("ROOT", site.root());
    Some(crate::support::run(command))
}

/// Regression: an output folder that is a mount point (a Docker volume)
/// failed after the whole build with "could not move aside …: Device or
/// resource busy" and a disk-full hint. A separate file system is found
/// by its device, a bind mount of a folder by the system's list of mounts.
#[cfg(target_os = "linux")]
#[test]
fn a_mount_point_as_the_output_is_explained() {
    let site = SiteTest::base();
    std::fs::create_dir(site.path("public")).expect("mkdir");
    for mount in [
        "mount -t tmpfs oasis-test \"$ROOT/public\"",
        "mount --bind \"$ROOT/public\" \"$ROOT/public\"",
    ] {
        let script = format!("{mount} && \"$OASIS\" build --root \"$ROOT\" --force");
        let Some(run) = in_mount_namespace(&site, &script) else {
            return;
        };
        assert_eq!(run.code, 1, "{mount}: {}", run.stderr);
        assert_eq!(
            site.redact(&run.stderr),
            "error: the output folder `[ROOT]/public` is a mount point (a disk, share or volume is mounted there), so it cannot be replaced\n  = help: oasis builds the site into a new folder beside the output and swaps the two in one step, and a mount point cannot be moved: build into a folder inside it (e.g. --output [ROOT]/public/site) or into another folder, and publish that\n\nerror: the site was not built: 1 error\n",
            "{mount}"
        );
        assert_eq!(staging_folders(&site), Vec::<String>::new());
    }
    // Inside the mount point, the build goes ahead.
    let script = "mount -t tmpfs oasis-test \"$ROOT/public\" && \"$OASIS\" build --root \"$ROOT\" --output \"$ROOT/public/site\" && test -f \"$ROOT/public/site/index.html\"";
    let run = in_mount_namespace(&site, script).expect("allowed above");
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// Regression: a failed build into `--output new/out` left an empty `new/`.
#[test]
fn a_failed_build_makes_no_folder_on_the_way_to_the_output() {
    let site = SiteTest::base();
    site.write("content/announcements/broken.md", "---\ntitle: 2024\n---\n");
    let output = site.path("new/parent/out");
    site.expect(&["build", "--output", &output.to_string_lossy()], 1);
    assert!(!site.exists("new"));
    site.remove("content/announcements/broken.md");
    site.expect(&["build", "--output", &output.to_string_lossy()], 0);
    assert!(site.exists("new/parent/out/index.html"));
}
