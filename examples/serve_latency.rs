//! Benchmark (not a test): from saving a file to `oasis serve` serving the
//! rebuilt page, end to end.
//!
//! ```text
//! cargo build --release --bin oasis --example serve_latency
//! target/release/examples/serve_latency CORPUS [EDITS] [OASIS]
//! ```
//!
//! CORPUS is a site (e.g. made by `gen_corpus.py --flavour oa`); OASIS the
//! binary to run (default `target/release/oasis`). The example copies the
//! corpus, starts `oasis serve` on it, then EDITS times (default 20) edits
//! one announcement — its body, then its title — and after each save polls
//! the document's page every millisecond until it shows the edit. It prints
//! each save-to-served time, including the watcher's debounce.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(corpus) = args.next() else {
        eprintln!("usage: serve_latency CORPUS [EDITS] [OASIS]");
        std::process::exit(2);
    };
    let edits: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(20);
    let binary = args
        .next()
        .unwrap_or_else(|| "target/release/oasis".to_string());
    let copy = tempfile::tempdir().expect("temp dir");
    copy_tree(Path::new(&corpus), copy.path());
    let document =
        first_markdown(&copy.path().join("content/announcements")).expect("an announcement");
    let slug = document
        .file_stem()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    let url = format!("/announcements/{slug}/");

    let started = Instant::now();
    let mut server = Command::new(&binary)
        .args(["serve", "--port", "0", "--root"])
        .arg(copy.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start oasis serve");
    let stdout = server.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let port: u16 = loop {
        let line = lines.next().expect("oasis serve stopped").expect("read");
        if let Some(rest) = line.split("http://127.0.0.1:").nth(1) {
            break rest
                .chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
                .parse()
                .expect("port");
        }
    };
    std::thread::spawn(move || lines.for_each(drop));
    println!(
        "serving {} documents after {:.1} s; editing {url}",
        count_markdown(&copy.path().join("content")),
        started.elapsed().as_secs_f64()
    );

    let original = std::fs::read_to_string(&document).expect("read");
    for (what, edit) in [
        (
            "body",
            Box::new(|i: usize| {
                (
                    format!("{original}\nEdit number {i}.\n"),
                    format!("Edit number {i}."),
                )
            }) as Box<dyn Fn(usize) -> (String, String)>,
        ),
        (
            "title",
            Box::new(|i: usize| {
                (
                    original.replacen("title: \"", &format!("title: \"Edit {i}: "), 1),
                    format!("Edit {i}: "),
                )
            }),
        ),
    ] {
        let mut times = Vec::new();
        for i in 0..edits {
            let (text, marker) = edit(i);
            std::fs::write(&document, text).expect("write");
            let saved = Instant::now();
            loop {
                if get(port, &url).contains(&marker) {
                    break;
                }
                assert!(
                    saved.elapsed() < Duration::from_secs(120),
                    "the edit never showed"
                );
                std::thread::sleep(Duration::from_millis(1));
            }
            let ms = saved.elapsed().as_secs_f64() * 1000.0;
            println!("{what} edit {i:2}: served after {ms:7.1} ms");
            times.push(ms);
            std::thread::sleep(Duration::from_millis(300));
        }
        times.sort_by(f64::total_cmp);
        println!(
            "{what} edits: median {:.1} ms, min {:.1} ms, max {:.1} ms",
            times[times.len() / 2],
            times[0],
            times[times.len() - 1]
        );
    }
    let _ = server.kill();
    let _ = server.wait();
}

fn get(port: u16, path: &str) -> String {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return String::new();
    };
    let _ = write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    );
    let mut body = String::new();
    let _ = stream.read_to_string(&mut body);
    body
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

fn count_markdown(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| {
                    let path = e.path();
                    if path.is_dir() {
                        count_markdown(&path)
                    } else {
                        usize::from(path.extension().is_some_and(|x| x == "md"))
                    }
                })
                .sum()
        })
        .unwrap_or(0)
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
