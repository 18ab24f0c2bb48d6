//! Real-browser tests of the `opportunity` theme.
//!
//! Builds the repository's own site and the small fixture site in
//! `tests/browser/fixture/` with the real binary, serves each on a free
//! loopback port, and runs `tests/browser/run.js` in headless Chromium:
//! axe-core's WCAG 2.0/2.1/2.2 A and AA rules on every page type, keyboard
//! focus checks, and screenshots written to `target/screenshots/`.
//!
//! Needs `node`, Chromium (`/usr/bin/chromium`, or `OASIS_CHROMIUM`) and
//! `npm ci --prefix tests/browser`. Without them the test prints why and
//! passes, unless `OASIS_REQUIRE_BROWSER=1` (set by `.ci/run`), when it fails.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const OASIS: &str = env!("CARGO_BIN_EXE_oasis");

fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// What the browser suite needs that may be missing, in words.
fn missing_tools(suite: &Path, chromium: &Path) -> Vec<String> {
    let mut missing = Vec::new();
    let node = Command::new("node").arg("--version").output();
    if !node.is_ok_and(|o| o.status.success()) {
        missing.push("`node` is not on PATH (apt-get install -y nodejs)".to_string());
    }
    if !chromium.is_file() {
        missing.push(format!(
            "Chromium is not at {} (apt-get install -y chromium, or set OASIS_CHROMIUM)",
            chromium.display()
        ));
    }
    for package in ["playwright-core", "axe-core"] {
        if !suite
            .join("node_modules")
            .join(package)
            .join("package.json")
            .is_file()
        {
            missing.push(format!(
                "{package} is not installed (npm ci --prefix tests/browser)"
            ));
        }
    }
    missing
}

fn build(root: &Path, output: &Path) {
    let result = Command::new(OASIS)
        .arg("build")
        .arg("--root")
        .arg(root)
        .arg("--output")
        .arg(output)
        .output()
        .expect("the oasis binary runs");
    assert!(
        result.status.success(),
        "oasis build --root {} failed:\n{}",
        root.display(),
        String::from_utf8_lossy(&result.stderr)
    );
}

/// Serves `dir` on a free loopback port from a background thread; returns the base URL.
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

/// Answers one request for a file of the built site; 404 with `404.html` otherwise.
fn respond(mut stream: TcpStream, dir: &Path) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(s) => s,
        Err(_) => return,
    });
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    // Skip the headers.
    let mut header = String::new();
    while reader.read_line(&mut header).is_ok_and(|n| n > 0) && header.trim() != "" {
        header.clear();
    }
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or_default();
    let target = parts.next().unwrap_or("/");
    let path = percent_decode(target.split(['?', '#']).next().unwrap_or("/"));
    let file = if path.split('/').any(|segment| segment == "..") {
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
    let (status, file) = match file {
        Some(file) => ("200 OK", file),
        None => ("404 Not Found", dir.join("404.html")),
    };
    let body = std::fs::read(&file).unwrap_or_default();
    let content_type = match file.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("xml") => "application/xml; charset=utf-8",
        Some("txt") => "text/plain; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("pdf") => "application/pdf",
        _ => "application/octet-stream",
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    if method != "HEAD" {
        let _ = stream.write_all(&body);
    }
}

fn percent_decode(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn every_page_type_passes_axe_and_keyboard_checks_in_chromium() {
    let suite = repository().join("tests/browser");
    let chromium = std::env::var_os("OASIS_CHROMIUM")
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    let required = std::env::var("OASIS_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
    let missing = missing_tools(&suite, &chromium);
    if !missing.is_empty() {
        let why = missing.join("\n  - ");
        assert!(
            !required,
            "OASIS_REQUIRE_BROWSER=1 but the browser tests cannot run:\n  - {why}"
        );
        eprintln!(
            "SKIPPED: the browser tests cannot run here:\n  - {why}\nSet OASIS_REQUIRE_BROWSER=1 to make this a failure (.ci/run does)."
        );
        return;
    }

    let out = tempfile::tempdir().expect("a temporary folder");
    let real = out.path().join("real");
    let fixture = out.path().join("fixture");
    build(&repository(), &real);
    build(&suite.join("fixture"), &fixture);
    let real_url = serve(real);
    let fixture_url = serve(fixture);

    // target/debug/oasis → target/screenshots
    let screenshots = Path::new(OASIS)
        .parent()
        .and_then(Path::parent)
        .map_or_else(|| repository().join("target"), Path::to_path_buf)
        .join("screenshots");
    let result = Command::new("node")
        .current_dir(&suite)
        .arg("run.js")
        .arg("--site")
        .arg(format!("real={real_url}"))
        .arg("--site")
        .arg(format!("fixture={fixture_url}"))
        .arg("--screenshots")
        .arg(&screenshots)
        .env("OASIS_CHROMIUM", &chromium)
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&result.stdout);
    let stderr = String::from_utf8_lossy(&result.stderr);
    println!("{stdout}");
    assert!(
        result.status.success(),
        "the browser checks failed:\n{stdout}\n{stderr}"
    );
    println!("screenshots: {}", screenshots.display());
}

/// The theme's stylesheet is hand-written, small and self-contained.
#[test]
fn the_stylesheet_is_under_30_kb_with_no_web_fonts_or_imports() {
    let css = std::fs::read_to_string(repository().join("themes/opportunity/static/css/oasis.css"))
        .expect("the theme has a stylesheet");
    assert!(
        css.len() < 30_000,
        "oasis.css is {} bytes; keep it under 30 kB",
        css.len()
    );
    for banned in ["@font-face", "@import", "url(http", "url(//"] {
        assert!(!css.contains(banned), "oasis.css must not use {banned}");
    }
    for needed in [
        "prefers-reduced-motion",
        "@media print",
        ":focus-visible",
        "#ffdd00",
    ] {
        assert!(css.contains(needed), "oasis.css lacks {needed}");
    }
}

/// The search page in Chromium, on `tests/fixtures/search`: a query typed in
/// the header finds the expected document, an area filters the results, and
/// the rest of `tests/browser/search.js` (keyboard only, live region, drafts
/// not found, axe with results shown, the page without JavaScript).
#[test]
fn search_finds_typed_queries_and_filters_by_area_in_chromium() {
    let suite = repository().join("tests/browser");
    let chromium = std::env::var_os("OASIS_CHROMIUM")
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    let required = std::env::var("OASIS_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
    let missing = missing_tools(&suite, &chromium);
    if !missing.is_empty() {
        let why = missing.join("\n  - ");
        assert!(
            !required,
            "OASIS_REQUIRE_BROWSER=1 but the search browser tests cannot run:\n  - {why}"
        );
        eprintln!(
            "SKIPPED: the search browser tests cannot run here:\n  - {why}\nSet OASIS_REQUIRE_BROWSER=1 to make this a failure (.ci/run does)."
        );
        return;
    }

    let out = tempfile::tempdir().expect("a temporary folder");
    let site = out.path().join("search");
    build(&repository().join("tests/fixtures/search"), &site);
    let url = serve(site);
    let result = Command::new("node")
        .current_dir(&suite)
        .arg("search.js")
        .arg("--site")
        .arg(&url)
        .env("OASIS_CHROMIUM", &chromium)
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&result.stdout);
    let stderr = String::from_utf8_lossy(&result.stderr);
    println!("{stdout}");
    assert!(
        result.status.success(),
        "the search checks failed:\n{stdout}\n{stderr}"
    );
}
