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

#[test]
fn incremental_rebuilds_match_a_full_build_after_every_edit() {
    let site = real_site();
    let root = site.path().canonicalize().expect("root");
    let content = root.join("content");
    let mut rebuilder = Rebuilder::new(options(&root));
    let first = rebuilder.rebuild(&Changes::default());
    assert!(first.built.is_some(), "{:#?}", first.diagnostics);
    assert_same("first build", &incremental(&rebuilder), &full_build(&root));

    let edit = |path: &Path, from: &str, to: &str| {
        let text = std::fs::read_to_string(path).expect("read");
        assert!(text.contains(from), "{} has no `{from}`", path.display());
        std::fs::write(path, text.replacen(from, to, 1)).expect("write");
    };
    let plan = content.join("plans/derby.md");
    let steps: Vec<(&str, Box<dyn Fn() -> Vec<PathBuf>>)> = vec![
        ("body edit", Box::new(|| {
            let text = std::fs::read_to_string(&plan).expect("read");
            std::fs::write(&plan, format!("{text}\nA new closing paragraph.\n")).expect("write");
            vec![plan.clone()]
        })),
        ("title edit", Box::new(|| {
            let path = content.join("announcements/cornerstone-employers.md");
            edit(&path, "title: \"More than 40", "title: \"Over 40");
            vec![path]
        })),
    ];
    for (step, apply) in steps {
        let paths = apply();
        let rebuilt = rebuilder.rebuild(&changes(&paths));
        assert!(rebuilt.built.is_some(), "{step}: {:#?}", rebuilt.diagnostics);
        assert_same(step, &incremental(&rebuilder), &full_build(&root));
        eprintln!("{step}: rendered {:?}", rebuilt.built.as_ref().map(|b| b.rendered.len()));
    }
}
