//! `SiteTest`: a fixture site in a temp folder, and the real binary run on it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The date the tests treat as today, so scheduled content is stable.
pub const TODAY: &str = "2024-01-01";

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A site in a temp folder.
pub struct SiteTest {
    dir: tempfile::TempDir,
}

/// What a run of the binary printed and returned.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl SiteTest {
    /// A copy of `tests/fixtures/base`, a small valid site.
    pub fn base() -> Self {
        Self::fixture("base")
    }

    pub fn fixture(name: &str) -> Self {
        let dir = tempfile::tempdir().expect("a temp folder");
        copy_dir(&fixtures().join(name), dir.path());
        SiteTest { dir }
    }

    pub fn empty() -> Self {
        SiteTest {
            dir: tempfile::tempdir().expect("a temp folder"),
        }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    /// Writes (or overwrites) a file under the site root.
    pub fn write(&self, relative: &str, contents: impl AsRef<[u8]>) -> &Self {
        let path = self.path(relative);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("create folders");
        std::fs::write(&path, contents).expect("write a fixture file");
        self
    }

    pub fn remove(&self, relative: &str) -> &Self {
        std::fs::remove_file(self.path(relative)).expect("remove a fixture file");
        self
    }

    /// Copies every file of `tests/fixtures/<overlay>` over the site.
    pub fn overlay(&self, overlay: &Path) -> &Self {
        copy_dir(overlay, self.dir.path());
        self
    }

    pub fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path(relative))
            .unwrap_or_else(|e| panic!("cannot read {relative}: {e}"))
    }

    pub fn exists(&self, relative: &str) -> bool {
        self.path(relative).exists()
    }

    /// Runs `oasis <args> --root <site>` (no `--root` for `--version` and
    /// `init`) with a fixed today and no colour.
    pub fn run(&self, args: &[&str]) -> Run {
        let mut command = Command::new(env!("CARGO_BIN_EXE_oasis"));
        command.args(args);
        let reads_a_site = args
            .first()
            .is_some_and(|a| !matches!(*a, "--version" | "init"));
        if reads_a_site && !args.contains(&"--root") {
            command.arg("--root").arg(self.root());
        }
        run(command)
    }

    /// `run`, then asserts the exit status.
    pub fn expect(&self, args: &[&str], code: i32) -> Run {
        let run = self.run(args);
        assert_eq!(
            run.code, code,
            "oasis {args:?} exited with {}\n--- stdout\n{}\n--- stderr\n{}",
            run.code, run.stdout, run.stderr
        );
        run
    }

    /// Every file under `relative` with its bytes, for byte-for-byte comparisons.
    pub fn snapshot_dir(&self, relative: &str) -> BTreeMap<String, Vec<u8>> {
        let mut files = BTreeMap::new();
        let base = self.path(relative);
        for entry in walkdir::WalkDir::new(&base).sort_by_file_name() {
            let entry = entry.expect("walk the output");
            if entry.file_type().is_file() {
                let relative = entry
                    .path()
                    .strip_prefix(&base)
                    .expect("under the base")
                    .to_string_lossy()
                    .into_owned();
                files.insert(relative, std::fs::read(entry.path()).expect("read output"));
            }
        }
        files
    }

    /// Replaces the temp folder's path with `[ROOT]` in a text.
    pub fn redact(&self, text: &str) -> String {
        let root = self.root().to_string_lossy().into_owned();
        let canonical = self
            .root()
            .canonicalize()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_else(|_| root.clone());
        text.replace(&canonical, "[ROOT]").replace(&root, "[ROOT]")
    }
}

pub fn run(command: Command) -> Run {
    run_with_env(command, &[])
}

/// `run` with extra environment variables.
pub fn run_with_env(mut command: Command, env: &[(&str, &str)]) -> Run {
    command
        .env("OASIS_TODAY", TODAY)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_ACTIONS");
    for (key, value) in env {
        command.env(key, value);
    }
    let Output {
        status,
        stdout,
        stderr,
    } = command.output().expect("run the oasis binary");
    Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

/// Copies a folder tree into an existing folder.
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk a fixture");
        let target = to.join(entry.path().strip_prefix(from).expect("under the fixture"));
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("create a folder");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy a fixture file");
        }
    }
}

/// Whether file permissions are enforced for these tests: not when they
/// run as root, who may read any file. A test of an unreadable file skips
/// itself, saying so, when they are not.
#[cfg(unix)]
pub fn permissions_enforced() -> bool {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("a temp folder");
    let probe = dir.path().join("unreadable");
    std::fs::write(&probe, "x").expect("write a probe");
    std::fs::set_permissions(&probe, std::fs::Permissions::from_mode(0o000))
        .expect("chmod the probe");
    let enforced = std::fs::File::open(&probe).is_err();
    if !enforced {
        eprintln!("skipped: running as root, who may read any file");
    }
    enforced
}

/// Sets a file's or folder's permission bits (`0o000`: unreadable).
#[cfg(unix)]
pub fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .unwrap_or_else(|e| panic!("chmod {}: {e}", path.display()));
}
