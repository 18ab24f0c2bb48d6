//! Benchmark (not a test): how long an incremental rebuild takes in-process.
//!
//! ```text
//! cargo run --release --example rebuild_latency -- CORPUS [EDITS]
//! ```
//!
//! CORPUS is a site (e.g. made by `gen_corpus.py --flavour oa`). The example
//! builds it once, then edits one document EDITS times (default 20) — its
//! body, then its title — and prints the time each rebuild took, by stage.
//! It edits a copy: the corpus itself is left as it was.

use std::path::{Path, PathBuf};
use std::time::Instant;

use oasis::serve::rebuild::{Changes, Rebuilder};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(corpus) = args.next() else {
        eprintln!("usage: rebuild_latency CORPUS [EDITS]");
        std::process::exit(2);
    };
    let edits: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(20);
    let copy = tempfile::tempdir().expect("temp dir");
    copy_tree(Path::new(&corpus), copy.path());
    let root = copy.path().canonicalize().expect("root");
    let document = first_markdown(&root.join("content/announcements")).expect("an announcement");
    println!("document edited: {}", document.display());

    let mut rebuilder = Rebuilder::new(oasis::load::Options {
        root: root.clone(),
        ..Default::default()
    });
    let started = Instant::now();
    let first = rebuilder.rebuild(&Changes::default());
    assert!(first.built.is_some(), "{:#?}", first.diagnostics);
    println!(
        "first build: {:.0} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );

    let original = std::fs::read_to_string(&document).expect("read");
    for (what, edit) in [
        (
            "body",
            Box::new(|i: usize| format!("{original}\nEdit number {i}.\n"))
                as Box<dyn Fn(usize) -> String>,
        ),
        (
            "title",
            Box::new(|i: usize| original.replacen("title: \"", &format!("title: \"Edit {i}: "), 1)),
        ),
    ] {
        let mut totals = Vec::new();
        for i in 0..edits {
            std::fs::write(&document, edit(i)).expect("write");
            let changes = Changes {
                paths: [document.clone()].into_iter().collect(),
                rescan: false,
            };
            let rebuilt = rebuilder.rebuild(&changes);
            let built = rebuilt.built.expect("the rebuild failed");
            let t = rebuilt.timings;
            let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
            println!(
                "{what} edit {i:2}: {:6.1} ms (load {:5.1}, link {:5.1}, render {:5.1}, verify {:5.1}), {} pages rendered",
                ms(t.total),
                ms(t.load),
                ms(t.link),
                ms(t.render),
                ms(t.verify),
                built.rendered.len()
            );
            totals.push(ms(t.total));
        }
        totals.sort_by(f64::total_cmp);
        println!(
            "{what} edits: median {:.1} ms, min {:.1} ms, max {:.1} ms",
            totals[totals.len() / 2],
            totals[0],
            totals[totals.len() - 1]
        );
    }
}

fn first_markdown(dir: &Path) -> Option<PathBuf> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    names.sort();
    names.into_iter().next()
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create folder");
    for entry in std::fs::read_dir(from).expect("read folder").flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}
