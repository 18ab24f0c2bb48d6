//! A template that never seems to finish: loops inside loops over long
//! ranges (`range(end=100000)` twice is ten billion passes) kept `check`
//! and `build` running for ever, with nothing said. Tera cannot be stopped
//! in the middle of a page, so a thread watches the pages being made, and
//! one that takes longer than [`limit`] (a minute; Hugo's `timeout` is 30
//! seconds) is an error naming the template and the page: the command
//! reports it, removes what it wrote and ends (see [`on_timeout`]).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, Once, OnceLock};
use std::time::{Duration, Instant};

use crate::diagnostics::Diagnostic;

/// A page being made: its number, when it started, its path and the
/// template's path as messages show it.
type Running = (u64, Instant, String, String);

static RUNNING: Mutex<Vec<Running>> = Mutex::new(Vec::new());
static NEXT: AtomicU64 = AtomicU64::new(0);
static HANDLER: OnceLock<Box<dyn Fn(Diagnostic) + Send + Sync>> = OnceLock::new();
static WATCHER: Once = Once::new();

/// How long a page may take: a minute, or `OASIS_RENDER_TIMEOUT` seconds
/// (for tests).
pub fn limit() -> Duration {
    std::env::var("OASIS_RENDER_TIMEOUT")
        .ok()
        .and_then(|seconds| seconds.trim().parse::<f64>().ok())
        .and_then(|seconds| Duration::try_from_secs_f64(seconds).ok())
        .filter(|limit| !limit.is_zero())
        .unwrap_or(Duration::from_secs(60))
}

/// What to do with the error when a page takes too long: the command
/// reports it and ends. Without a handler (a library user) nothing is
/// done. The first handler set stays.
pub fn on_timeout(handler: impl Fn(Diagnostic) + Send + Sync + 'static) {
    let _ = HANDLER.set(Box::new(handler));
}

/// Runs `make` (a page made with the template shown as `template`),
/// watched.
pub fn watch<T>(page: &str, template: &str, make: impl FnOnce() -> T) -> T {
    if HANDLER.get().is_none() {
        return make();
    }
    WATCHER.call_once(start);
    let id = NEXT.fetch_add(1, Ordering::Relaxed);
    lock().push((id, Instant::now(), page.to_string(), template.to_string()));
    let made = make();
    lock().retain(|running| running.0 != id);
    made
}

fn lock() -> std::sync::MutexGuard<'static, Vec<Running>> {
    RUNNING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn start() {
    let limit = limit();
    let tick = (limit / 4).clamp(Duration::from_millis(20), Duration::from_secs(1));
    let _ = std::thread::Builder::new()
        .name("oasis-watchdog".to_string())
        .spawn(move || {
            let mut last = Instant::now();
            loop {
                std::thread::sleep(tick);
                // A process stopped (Ctrl+Z) and resumed made no pages
                // meanwhile: the time it was stopped is not counted.
                let now = Instant::now();
                let stopped = now.duration_since(last).saturating_sub(tick * 2);
                last = now;
                if !stopped.is_zero() {
                    for running in lock().iter_mut() {
                        running.1 += stopped;
                    }
                }
                let stuck = lock()
                    .iter()
                    .find(|running| running.1.elapsed() > limit)
                    .cloned();
                let Some((_, _, page, template)) = stuck else {
                    continue;
                };
                let seconds = limit.as_secs_f64();
                let diagnostic = Diagnostic::error(format!(
                    "the template `{template}` has been making the page /{page} for {seconds} s, and is not done"
                ))
                .in_file(template)
                .hint("a loop inside a loop over long lists or ranges (`range(end=100000)` twice is ten billion passes) takes for ever: loop over less, or move the work out of the inner loop");
                if let Some(handler) = HANDLER.get() {
                    handler(diagnostic);
                }
                // The handler ends the process; one that does not (the
                // preview) is told once.
                return;
            }
        });
}
