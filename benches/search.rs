//! Benchmark of the search index against issue 7's two budgets, on the
//! 10,000-document corpus of `../shared/bench/gen_corpus.py`:
//!
//! 1. indexing adds at most 30% to a full build: full builds (load, link,
//!    render, verify, write) with and without [`oasis::search::index`], run
//!    alternately, medians compared;
//! 2. a first query transfers at most 300 kB: the built site is served on
//!    loopback and `benches/search_transfer.js` runs queries in headless
//!    Chromium, counting every byte fetched (skipped, with the reason, when
//!    node, Chromium or playwright-core are missing).
//!
//! ```text
//! cargo bench --bench search                        # 10,000 documents, 3 runs each
//! cargo bench --bench search -- --pages 1000 --runs 5
//! cargo bench --bench search -- --site DIR          # an existing site instead
//! cargo bench --bench search -- --out /dev/shm/oasis-bench   # write to tmpfs
//! ```
//!
//! Wall time on a shared machine is noisy, so each build's CPU time (all
//! threads, from `/proc/self/stat`) is reported too. Writing to ext4 adds
//! seconds of kernel time per build when thousands of files are deleted and
//! created (see `../shared/bench/README.md`); `--out` on a tmpfs avoids it.
//! The corpus is generated once into `target/bench-corpus/`. Under
//! `cargo test --all-targets` (no `--bench` argument) it only checks, on the
//! repository's own site, that the measured pipeline runs.

// oasis's diagnostics are large and travel on the cold path (see src/lib.rs).
#![allow(clippy::result_large_err)]

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use oasis::config::Overrides;
use oasis::render::OutputFile;
use oasis::{compile_with, compile_with_search, load, search, write};

fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

struct Settings {
    pages: usize,
    runs: usize,
    site: Option<PathBuf>,
    out: Option<PathBuf>,
    index_only: bool,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if !args.iter().any(|a| a == "--bench") {
        return smoke();
    }
    let mut settings = Settings {
        pages: 10_000,
        runs: 3,
        site: None,
        out: None,
        // The index alone, `--runs` times: for a profiler.
        index_only: args.iter().any(|a| a == "--index-only"),
    };
    let mut rest = args
        .iter()
        .filter(|a| *a != "--bench" && *a != "--index-only");
    while let Some(arg) = rest.next() {
        let value = rest.next();
        match (arg.as_str(), value) {
            ("--pages", Some(v)) => settings.pages = v.parse().expect("--pages takes a number"),
            ("--runs", Some(v)) => settings.runs = v.parse().expect("--runs takes a number"),
            ("--site", Some(v)) => settings.site = Some(PathBuf::from(v)),
            ("--out", Some(v)) => settings.out = Some(PathBuf::from(v)),
            _ => {
                eprintln!(
                    "usage: cargo bench --bench search -- [--pages N] [--runs R] [--site DIR] [--out DIR] [--index-only]"
                );
                return ExitCode::from(2);
            }
        }
    }
    bench(&settings)
}

/// `cargo test --all-targets` runs benches without `--bench`: check that the
/// pipeline the benchmark measures works, on the repository's own site.
fn smoke() -> ExitCode {
    let out = tempfile::tempdir().expect("a temporary folder");
    let timings = build(&repository(), &out.path().join("site"), true);
    println!(
        "search bench smoke test: the repository's site builds with its index ({} search files)",
        timings.search_files
    );
    ExitCode::SUCCESS
}

fn bench(settings: &Settings) -> ExitCode {
    let site = match &settings.site {
        Some(site) => site.clone(),
        None => match corpus(settings.pages) {
            Ok(site) => site,
            Err(why) => {
                eprintln!("cannot make the corpus: {why}");
                return ExitCode::FAILURE;
            }
        },
    };
    if settings.index_only {
        let compiled = compiled(&site, false, &Ok);
        for _ in 0..settings.runs {
            let (wall, cpu, files) = index_of(&compiled.site);
            let bytes = |folder: &str| -> usize {
                files
                    .iter()
                    .filter(|f| f.path.starts_with(folder))
                    .map(|f| match &f.content {
                        oasis::render::OutputContent::Bytes(b) => b.len(),
                        _ => 0,
                    })
                    .sum()
            };
            println!(
                "the index alone: {:.2} s wall, {:.2} s CPU; index chunks {} bytes, fragments {} bytes",
                wall.as_secs_f64(),
                cpu.map_or(f64::NAN, |c| c.as_secs_f64()),
                bytes("pagefind/index/"),
                bytes("pagefind/fragment/"),
            );
        }
        return ExitCode::SUCCESS;
    }
    let parent = settings
        .out
        .clone()
        .unwrap_or_else(|| repository().join("target"));
    std::fs::create_dir_all(&parent).expect("the output's parent folder");
    let out = tempfile::tempdir_in(&parent).expect("a temporary folder");
    let output = out.path().join("site");
    println!("site: {}\noutput: {}", site.display(), output.display());
    // One warm-up build of each kind fills the page cache and rayon's pool.
    build(&site, &output, false);
    build(&site, &output, true);
    let mut without = Vec::new();
    let mut with = Vec::new();
    for run in 0..settings.runs {
        // Alternate which goes first, so drift on a shared machine hits both.
        let order = if run % 2 == 0 {
            [false, true]
        } else {
            [true, false]
        };
        for searchable in order {
            let timings = build(&site, &output, searchable);
            if searchable {
                with.push(timings);
            } else {
                without.push(timings);
            }
        }
    }
    let (without, with) = (Summary::of(&without), Summary::of(&with));
    println!(
        "medians of {} runs    wall s   CPU s   (load to verify, with pages written and the index beside render / swap: wall s)",
        settings.runs
    );
    for (name, s) in [("without search", &without), ("with search", &with)] {
        println!(
            "{name:<20} {:>7.2} {:>7.2}   ({:.2} / {:.2})",
            s.total, s.cpu, s.compile, s.write
        );
    }
    let (alone, alone_cpu) = index_alone(&site);
    println!(
        "the index alone: {:.2} s wall, {:.2} s CPU",
        alone.as_secs_f64(),
        alone_cpu.map_or(f64::NAN, |c| c.as_secs_f64())
    );
    println!(
        "indexing adds {:.0}% to a full build's wall time and {:.0}% to its CPU time (budget: 30%)",
        (with.total / without.total - 1.0) * 100.0,
        (with.cpu / without.cpu - 1.0) * 100.0
    );

    // The output now holds the last build; make sure it is one with search.
    build(&site, &output, true);
    transfer(&output)
}

struct Timings {
    compile: Duration,
    write: Duration,
    total: Duration,
    cpu: Option<Duration>,
    search_files: usize,
}

/// Medians, in seconds.
struct Summary {
    compile: f64,
    write: f64,
    total: f64,
    cpu: f64,
}

impl Summary {
    fn of(runs: &[Timings]) -> Summary {
        let median = |f: &dyn Fn(&Timings) -> f64| {
            let mut values: Vec<f64> = runs.iter().map(f).collect();
            values.sort_by(f64::total_cmp);
            values[values.len() / 2]
        };
        Summary {
            compile: median(&|t| t.compile.as_secs_f64()),
            write: median(&|t| t.write.as_secs_f64()),
            total: median(&|t| t.total.as_secs_f64()),
            cpu: median(&|t| t.cpu.map_or(f64::NAN, |c| c.as_secs_f64())),
        }
    }
}

/// One full build, as `oasis build` does it, into `output`: pages written
/// to a staging folder as they render, swapped into place at the end.
fn build(root: &Path, output: &Path, searchable: bool) -> Timings {
    let cpu_before = cpu_time();
    let started = Instant::now();
    let staging = write::Staging::create(output, false).expect("a staging folder");
    let compiled = compiled(root, searchable, &|file| staging.emit(file));
    let search_files = compiled
        .outputs
        .iter()
        .filter(|o| o.path.starts_with("pagefind/"))
        .count();
    let compile_time = started.elapsed();
    let writing = Instant::now();
    staging.commit().expect("the site is written");
    let write_time = writing.elapsed();
    Timings {
        compile: compile_time,
        write: write_time,
        total: started.elapsed(),
        cpu: cpu_time()
            .zip(cpu_before)
            .map(|(after, before)| after.saturating_sub(before)),
        search_files,
    }
}

fn compiled(root: &Path, searchable: bool, emit: &oasis::render::Emit) -> oasis::Compiled {
    let options = load::Options {
        root: root.to_path_buf(),
        drafts: false,
        future: false,
        overrides: Overrides::default(),
    };
    let (compiled, diagnostics) = if searchable {
        compile_with_search(&options, emit)
    } else {
        compile_with(&options, emit)
    };
    compiled.unwrap_or_else(|| {
        let errors: Vec<String> = diagnostics
            .iter()
            .map(|d| oasis::diagnostics::render_human(d, false))
            .collect();
        panic!("the site has errors:\n{}", errors.join("\n"));
    })
}

/// [`search::index`] on its own, after the rest: its time and CPU time.
fn index_alone(root: &Path) -> (Duration, Option<Duration>) {
    let (wall, cpu, _) = index_of(&compiled(root, false, &Ok).site);
    (wall, cpu)
}

fn index_of(site: &oasis::link::Site) -> (Duration, Option<Duration>, Vec<OutputFile>) {
    let cpu_before = cpu_time();
    let started = Instant::now();
    let files: Vec<OutputFile> = search::index(site).expect("the index builds");
    let wall = started.elapsed();
    assert!(!files.is_empty());
    let cpu = cpu_time()
        .zip(cpu_before)
        .map(|(after, before)| after.saturating_sub(before));
    (wall, cpu, files)
}

/// User and system time of this process, all threads (Linux only).
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // USER_HZ is 100 on every Linux this runs on.
    Some(Duration::from_millis(ticks * 10))
}

/// The `oa` corpus of `../shared/bench/gen_corpus.py` (with its site.toml),
/// generated once under `target/bench-corpus/`.
fn corpus(pages: usize) -> Result<PathBuf, String> {
    let dir = repository().join(format!("target/bench-corpus/oa-{pages}"));
    let done = dir.join(".complete");
    if done.is_file() {
        return Ok(dir);
    }
    let script = repository().join("../shared/bench/gen_corpus.py");
    if !script.is_file() {
        return Err(format!(
            "{} is missing; pass --site DIR instead",
            script.display()
        ));
    }
    let _ = std::fs::remove_dir_all(&dir);
    let status = Command::new("python3")
        .arg(&script)
        .args(["--pages", &pages.to_string(), "--flavour", "oa", "--out"])
        .arg(&dir)
        .status()
        .map_err(|e| format!("cannot run python3: {e}"))?;
    if !status.success() {
        return Err(format!("{} failed", script.display()));
    }
    if !dir.join("site.toml").is_file() {
        return Err("gen_corpus.py wrote no site.toml".to_string());
    }
    std::fs::write(&done, "").map_err(|e| e.to_string())?;
    Ok(dir)
}

/// Serves the built site and runs `benches/search_transfer.js` against it.
fn transfer(output: &Path) -> ExitCode {
    let script = repository().join("benches/search_transfer.js");
    let chromium = std::env::var_os("OASIS_CHROMIUM")
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    let node = Command::new("node").arg("--version").output();
    if !node.is_ok_and(|o| o.status.success()) || !chromium.is_file() {
        println!("first-query transfer: not measured (needs node and Chromium)");
        return ExitCode::SUCCESS;
    }
    let url = serve(output.to_path_buf());
    let status = Command::new("node")
        .arg(&script)
        .arg("--site")
        .arg(&url)
        .arg("--chromium")
        .arg(&chromium)
        .status();
    // A benchmark measures: over budget is reported, not a failure.
    match status {
        Ok(s) if s.success() => ExitCode::SUCCESS,
        Ok(s) if s.code() == Some(1) => {
            println!("first-query transfer: over the 300 kB budget for at least one query");
            ExitCode::SUCCESS
        }
        Ok(_) => {
            println!("first-query transfer: not measured (see above)");
            ExitCode::FAILURE
        }
        Err(e) => {
            println!("first-query transfer: not measured ({e})");
            ExitCode::SUCCESS
        }
    }
}

/// Serves `dir` on a free loopback port from background threads, without
/// compression; returns the base URL.
fn serve(dir: PathBuf) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free loopback port");
    let address = listener
        .local_addr()
        .expect("a bound listener has an address");
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let dir = dir.clone();
            std::thread::spawn(move || respond(stream, &dir));
        }
    });
    format!("http://{address}")
}

fn respond(mut stream: TcpStream, dir: &Path) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let Ok(reader) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(reader);
    let mut request = String::new();
    if reader.read_line(&mut request).is_err() {
        return;
    }
    let mut header = String::new();
    while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
        header.clear();
    }
    let target = request.split_whitespace().nth(1).unwrap_or("/");
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let file = if path.split('/').any(|s| s == "..") {
        None
    } else {
        let candidate = dir.join(path.trim_start_matches('/'));
        let candidate = if candidate.is_dir() {
            candidate.join("index.html")
        } else {
            candidate
        };
        candidate.is_file().then_some(candidate)
    };
    let (status, body) = match file.as_ref().and_then(|f| std::fs::read(f).ok()) {
        Some(body) => ("200 OK", body),
        None => ("404 Not Found", Vec::new()),
    };
    let content_type = match file.as_ref().and_then(|f| f.extension()?.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css",
        Some("js") => "text/javascript",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
}
