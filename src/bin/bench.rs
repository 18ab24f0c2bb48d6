//! `bench`: builds generated Opportunity Area corpora and reports how fast.
//!
//! For each size N it generates a corpus of N documents once (with
//! `bench/gen_corpus.py --flavour oa`, which also writes a `site.toml`
//! declaring the corpus's areas and priorities), then runs the real `oasis
//! build` on it `--runs` times with minification on and off, interleaved.
//! Each run is a child process; its wall time is measured around it and its
//! CPU time and peak memory come from the kernel (`wait4`), so the figures are
//! those of the build alone. Prints the median of each and documents/second.
//!
//!     cargo build --release && target/release/bench --docs 1000,10000 --out /tmp/bench-tmpfs
//!
//! Put `--out` on a tmpfs for stable figures (see docs/PERFORMANCE.md).

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

use clap::{Parser, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "bench",
    about = "Builds generated corpora with oasis and reports wall time, documents/s and peak memory"
)]
struct Args {
    /// Corpus sizes, in documents.
    #[arg(long, value_delimiter = ',', default_values_t = [1000, 10000])]
    docs: Vec<usize>,
    /// Timed builds per size and mode (after one untimed warm-up).
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// Which builds to time.
    #[arg(long, value_enum, default_value_t = Minify::Both)]
    minify: Minify,
    /// Where corpora are generated (and kept for the next run).
    #[arg(long, default_value = "/tmp/oasis-bench")]
    work: PathBuf,
    /// Where builds are written (default: <work>/out); a tmpfs gives stable figures.
    #[arg(long)]
    out: Option<PathBuf>,
    /// The oasis binary (default: the one next to this program).
    #[arg(long)]
    oasis: Option<PathBuf>,
    /// Corpus seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Build the search index too (`oasis build` does by default; the
    /// benchmark leaves it out unless asked, as Hugo builds none).
    #[arg(long)]
    search: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Minify {
    On,
    Off,
    Both,
}

/// What one build cost.
struct Run {
    wall: f64,
    cpu: f64,
    max_rss_kb: i64,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match bench(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("bench: {message}");
            ExitCode::FAILURE
        }
    }
}

fn bench(args: &Args) -> Result<(), String> {
    let oasis = match &args.oasis {
        Some(path) => path.clone(),
        None => std::env::current_exe()
            .map_err(|e| format!("cannot find this program: {e}"))?
            .with_file_name("oasis"),
    };
    if !oasis.is_file() {
        return Err(format!(
            "no oasis binary at `{}`: run `cargo build --release` first",
            oasis.display()
        ));
    }
    let out_base = args.out.clone().unwrap_or_else(|| args.work.join("out"));
    let modes: &[bool] = match args.minify {
        Minify::On => &[true],
        Minify::Off => &[false],
        Minify::Both => &[true, false],
    };
    println!(
        "{:>7} {:<7} {:>8} {:>7} {:>7} {:>9} {:>7} {:>7} {:>7}",
        "docs", "minify", "wall s", "min", "max", "docs/s", "CPU s", "RSS MB", "out MB"
    );
    for &n in &args.docs {
        let corpus = corpus(&args.work, n, args.seed)?;
        let out = out_base.join(format!("oasis-{n}"));
        let log = args.work.join(format!("build-{n}.log"));
        for &minify in modes {
            build(&oasis, &corpus, &out, minify, args.search, &log)?;
        }
        let mut runs: Vec<Vec<Run>> = modes.iter().map(|_| Vec::new()).collect();
        for round in 0..args.runs {
            // Alternate the order so that neither mode always runs on a warmer machine.
            for i in 0..modes.len() {
                let i = (i + round) % modes.len();
                runs[i].push(build(&oasis, &corpus, &out, modes[i], args.search, &log)?);
            }
        }
        let out_mb = folder_bytes(&out) as f64 / 1e6;
        for (minify, runs) in modes.iter().zip(&runs) {
            let wall = median(runs.iter().map(|r| r.wall));
            let min = runs.iter().map(|r| r.wall).fold(f64::INFINITY, f64::min);
            let max = runs.iter().map(|r| r.wall).fold(0.0, f64::max);
            let cpu = median(runs.iter().map(|r| r.cpu));
            let rss = median(runs.iter().map(|r| r.max_rss_kb as f64)) / 1024.0;
            println!(
                "{n:>7} {:<7} {wall:>8.2} {min:>7.2} {max:>7.2} {:>9.0} {cpu:>7.2} {rss:>7.0} {out_mb:>7.1}",
                if *minify { "on" } else { "off" },
                n as f64 / wall,
            );
        }
        let _ = std::fs::remove_dir_all(&out);
    }
    println!(
        "medians of {} runs; CPU = user + system; RSS = peak resident memory of the build process; out MB = last build (minify {})",
        args.runs,
        if modes.last() == Some(&true) {
            "on"
        } else {
            "off"
        }
    );
    Ok(())
}

/// Generates the corpus of `n` documents once; later runs reuse it.
fn corpus(work: &Path, n: usize, seed: u64) -> Result<PathBuf, String> {
    let dir = work.join(n.to_string());
    let marker = dir.join(format!(".corpus-{seed}"));
    if marker.is_file() {
        return Ok(dir);
    }
    let _ = std::fs::remove_dir_all(&dir);
    let generator = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/gen_corpus.py");
    eprintln!("bench: generating {n} documents into {}", dir.display());
    let status = Command::new("python3")
        .arg(&generator)
        .args([
            "--flavour",
            "oa",
            "--pages",
            &n.to_string(),
            "--seed",
            &seed.to_string(),
            "--out",
        ])
        .arg(&dir)
        .status()
        .map_err(|e| format!("cannot run python3 {}: {e}", generator.display()))?;
    if !status.success() {
        return Err(format!("{} failed ({status})", generator.display()));
    }
    std::fs::write(&marker, "").map_err(|e| format!("cannot write `{}`: {e}", marker.display()))?;
    Ok(dir)
}

/// Runs one `oasis build` into a fresh `out` and measures it.
fn build(
    oasis: &Path,
    corpus: &Path,
    out: &Path,
    minify: bool,
    search: bool,
    log: &Path,
) -> Result<Run, String> {
    if out.exists() {
        std::fs::remove_dir_all(out)
            .map_err(|e| format!("cannot remove `{}`: {e}", out.display()))?;
    }
    let log_file =
        std::fs::File::create(log).map_err(|e| format!("cannot write `{}`: {e}", log.display()))?;
    let mut command = Command::new(oasis);
    command
        .args(["build", "--root"])
        .arg(corpus)
        .arg("--output")
        .arg(out)
        .stdout(Stdio::null())
        .stderr(log_file);
    if !minify {
        command.arg("--no-minify");
    }
    if !search {
        command.arg("--no-search");
    }
    let started = Instant::now();
    let child = command
        .spawn()
        .map_err(|e| format!("cannot run `{}`: {e}", oasis.display()))?;
    let (status, usage) = wait_with_usage(child.id())?;
    let wall = started.elapsed().as_secs_f64();
    if status != 0 {
        return Err(format!(
            "oasis build of {} failed (status {status}); see {}",
            corpus.display(),
            log.display()
        ));
    }
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    Ok(Run {
        wall,
        cpu: seconds(usage.ru_utime) + seconds(usage.ru_stime),
        max_rss_kb: usage.ru_maxrss,
    })
}

/// Waits for a child and returns its exit status and resource usage.
fn wait_with_usage(pid: u32) -> Result<(i32, libc::rusage), String> {
    let mut status = 0;
    // SAFETY: rusage is plain old data, for which all-zero bytes are a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child, not yet waited for (std's `Child` is
    // dropped without waiting); both pointers are to live locals.
    let reaped = unsafe { libc::wait4(pid as libc::pid_t, &mut status, 0, &mut usage) };
    if reaped < 0 {
        return Err(format!(
            "waiting for the build failed: {}",
            std::io::Error::last_os_error()
        ));
    }
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    Ok((code, usage))
}

fn folder_bytes(dir: &Path) -> u64 {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.len())
        .sum()
}

fn median(values: impl Iterator<Item = f64>) -> f64 {
    let mut values: Vec<f64> = values.collect();
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => 0.0,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}
