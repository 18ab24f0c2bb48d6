//! `oasis serve`: a live preview that rebuilds on every change.
//!
//! In: the build options, an address and a port. Out: an HTTP server (see
//! [`http`]) serving from memory the same files `oasis build` would write,
//! rebuilt incrementally ([`rebuild`]) whenever the watcher ([`watch`]) sees
//! `content/`, `themes/` or `site.toml` change, and a stream of [`Event`]s
//! for the command line to print. Browsers reload after a good rebuild that
//! changed something; a failed rebuild keeps the last good build served and
//! shows its errors over the page ([`live`]).
//!
//! Threads: the server runs on a single-threaded tokio runtime on the
//! calling thread; rebuilds run on their own thread (and rayon's pool), one
//! at a time, with the changes seen meanwhile merged into the next one.

mod connections;
pub mod http;
pub mod live;
pub mod rebuild;
pub mod request_path;
pub mod snapshot;
pub mod templates;
pub mod watch;

use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc;

use crate::diagnostics::Diagnostic;
use crate::load;

use self::http::{Shared, Status};
use self::rebuild::{Changes, Rebuilder, Rebuilt};
use self::watch::{Notice, Watcher};

/// The default port.
pub const DEFAULT_PORT: u16 = 1111;

/// What `oasis serve` was asked for.
#[derive(Clone, Debug)]
pub struct Options {
    pub site: load::Options,
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    /// Index each good build for `/search/` (in the background).
    pub search: bool,
}

/// What happened, for the command line to print.
pub enum Event<'a> {
    /// The port is bound; the first build starts.
    Building,
    /// The server is bound; `url` is where the site is.
    Listening {
        url: String,
        /// With `--bind 0.0.0.0`, the address other computers can use.
        network_url: Option<String>,
        all_interfaces: bool,
    },
    /// A (re)build finished; `changed` lists the source files that changed
    /// (empty for the first build) and `outputs` the output files that differ.
    Built {
        rebuilt: &'a Rebuilt,
        changed: &'a [String],
        outputs: &'a [String],
    },
    /// A (re)build failed; the diagnostics are in `rebuilt`. `serving`
    /// says whether an earlier good build is still served.
    Failed {
        rebuilt: &'a Rebuilt,
        changed: &'a [String],
        serving: bool,
    },
    /// The watcher had a problem (e.g. too few inotify watches).
    Problem(&'a Diagnostic),
}

/// Receives [`Event`]s, from more than one thread.
pub type Reporter = Arc<dyn Fn(Event) + Send + Sync>;

/// Builds the site, serves it and rebuilds it on changes until the process
/// ends. Returns only when the server cannot start (the port is taken, the
/// site folder cannot be read) or stops.
pub fn run(options: Options, report: Reporter) -> Result<(), Diagnostic> {
    let root = options
        .site
        .root
        .canonicalize()
        .map_err(|error| crate::files::site_folder_error(&options.site.root, &error))?;
    let listener = bind(options.bind, options.port)?;
    let address = listener
        .local_addr()
        .map_err(|e| Diagnostic::error(format!("cannot read the server's address: {e}")))?;

    report(Event::Building);
    let shared = Arc::new(Shared::new(options.bind, options.search));
    let mut rebuilder = Rebuilder::new(load::Options {
        root: root.clone(),
        ..options.site.clone()
    });
    let first = rebuilder.rebuild(&Changes::default());
    publish(
        &shared,
        &rebuilder,
        &first,
        &Changes::default(),
        &report,
        &[],
    );
    index_search(&shared, &rebuilder, &report);

    let (sender, receiver) = mpsc::channel();
    let watcher = match Watcher::start(&root, sender) {
        Ok(watcher) => Some(watcher),
        Err(problem) => {
            report(Event::Problem(&problem));
            None
        }
    };
    {
        let shared = shared.clone();
        let report = report.clone();
        std::thread::Builder::new()
            .name("oasis rebuild".to_string())
            .spawn(move || rebuild_loop(receiver, watcher, rebuilder, &shared, &report))
            .map_err(|e| Diagnostic::error(format!("cannot start the rebuild thread: {e}")))?;
    }

    report(Event::Listening {
        url: site_url(address, &shared),
        network_url: options
            .bind
            .is_unspecified()
            .then(|| network_address(address))
            .flatten()
            .map(|ip| site_url(SocketAddr::new(ip, address.port()), &shared)),
        all_interfaces: options.bind.is_unspecified(),
    });
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Diagnostic::error(format!("cannot start the server: {e}")))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)
            .map_err(|e| Diagnostic::error(format!("cannot start the server: {e}")))?;
        axum::serve(connections::Limited::new(listener), http::app(shared))
            .await
            .map_err(|e| Diagnostic::error(format!("the server stopped: {e}")))
    })
}

/// Binds the listening socket, with errors that say what to do.
fn bind(ip: IpAddr, port: u16) -> Result<TcpListener, Diagnostic> {
    let address = SocketAddr::new(ip, port);
    let listener = TcpListener::bind(address).map_err(|error| match error.kind() {
        std::io::ErrorKind::AddrInUse => Diagnostic::error(format!(
            "port {port} on {ip} is already in use (is another `oasis serve` running?)"
        ))
        .hint(format!(
            "stop the program using it, or choose another port with --port, e.g. --port {}",
            port.checked_add(1).unwrap_or(DEFAULT_PORT)
        )),
        std::io::ErrorKind::PermissionDenied => Diagnostic::error(format!("not allowed to use port {port} on {ip}"))
            .hint(format!("ports below 1024 need administrator rights: choose another with --port, e.g. --port {DEFAULT_PORT}")),
        std::io::ErrorKind::AddrNotAvailable => Diagnostic::error(format!("{ip} is not an address of this computer"))
            .hint("use --bind 127.0.0.1 (this computer only) or --bind 0.0.0.0 (every network interface)"),
        _ => Diagnostic::error(format!("cannot listen on {address}: {error}")),
    })?;
    listener
        .set_nonblocking(true)
        .map_err(|e| Diagnostic::error(format!("cannot listen on {address}: {e}")))?;
    Ok(listener)
}

/// This computer's address on its network (the one it would reach other
/// hosts from), for a preview bound to every interface. Nothing is sent:
/// connecting a UDP socket only picks the route.
fn network_address(listening: SocketAddr) -> Option<std::net::IpAddr> {
    let probe = if listening.is_ipv6() {
        std::net::UdpSocket::bind("[::]:0").and_then(|s| s.connect("[2001:db8::1]:80").map(|()| s))
    } else {
        std::net::UdpSocket::bind("0.0.0.0:0").and_then(|s| s.connect("192.0.2.1:80").map(|()| s))
    };
    let ip = probe.ok()?.local_addr().ok()?.ip();
    (!ip.is_loopback() && !ip.is_unspecified()).then_some(ip)
}

/// The address to open in a browser.
fn site_url(address: SocketAddr, shared: &Shared) -> String {
    let host = if address.ip().is_unspecified() {
        "localhost".to_string()
    } else if address.is_ipv6() {
        format!("[{}]", address.ip())
    } else {
        address.ip().to_string()
    };
    let base = match shared.snapshot.read() {
        Ok(snapshot) if !snapshot.base_path.is_empty() => snapshot.base_path.clone(),
        _ => "/".to_string(),
    };
    format!("http://{host}:{}{base}", address.port())
}

/// How long the files must stay quiet after a change before the rebuild.
const QUIET: std::time::Duration = std::time::Duration::from_millis(40);

/// How long a steady stream of changes may hold a rebuild back.
const HOLD_AT_MOST: std::time::Duration = std::time::Duration::from_millis(1000);

/// Rebuilds on every batch of changes until the watcher goes away.
fn rebuild_loop(
    receiver: mpsc::Receiver<Notice>,
    mut watcher: Option<Watcher>,
    mut rebuilder: Rebuilder,
    shared: &Arc<Shared>,
    report: &Reporter,
) {
    while let Ok(first) = receiver.recv() {
        let mut changes = Changes::default();
        let mut absorb = |notice: Notice| match notice {
            Notice::Changed(more) => changes.extend(more),
            Notice::Problem(problem) => report(Event::Problem(&problem)),
        };
        absorb(first);
        // The watcher delays each event but does not merge a burst (a
        // folder copied in, files deleted one by one, an editor saving
        // every few milliseconds): wait until the files are quiet, so the
        // burst is one rebuild, however long it lasts up to a limit.
        let burst = std::time::Instant::now();
        loop {
            let left = HOLD_AT_MOST.saturating_sub(burst.elapsed());
            match receiver.recv_timeout(QUIET.min(left)) {
                Ok(more) if !left.is_zero() => absorb(more),
                Ok(more) => {
                    absorb(more);
                    break;
                }
                Err(_) => break,
            }
        }
        if changes.is_empty() {
            continue;
        }
        if let Some(watcher) = &mut watcher {
            for problem in watcher.refresh(&changes) {
                report(Event::Problem(&problem));
            }
        }
        let changed = relative_names(rebuilder.root(), &changes);
        let attempt =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| rebuilder.rebuild(&changes)));
        let rebuilt = attempt.unwrap_or_else(|_| {
            // A bug, not the site's fault: start again from nothing, so the
            // next change rebuilds everything.
            rebuilder = Rebuilder::new(rebuilder.options().clone());
            Rebuilt {
                built: None,
                diagnostics: vec![
                    Diagnostic::error("oasis failed while rebuilding (this is a bug in oasis)")
                        .hint("save again to rebuild everything; if it keeps happening, restart oasis serve and report it"),
                ],
                timings: rebuild::Timings::default(),
            }
        });
        publish(shared, &rebuilder, &rebuilt, &changes, report, &changed);
        if rebuilt.built.is_some() {
            index_search(shared, &rebuilder, report);
        }
    }
}

/// How long after a good build its search index is started, unless a newer
/// build has come by then.
const INDEX_AFTER: std::time::Duration = std::time::Duration::from_millis(500);

/// Indexes the last good build for `/search/` on a thread of its own and
/// adds the index to what is served, unless a newer build was published in
/// the meantime (its own indexing follows it). Pages are served at once;
/// search catches up when its index is ready, without a reload. One index
/// is made at a time, and none for a generation that already has one.
fn index_search(shared: &Arc<Shared>, rebuilder: &Rebuilder, report: &Reporter) {
    if !shared.search {
        return;
    }
    let Some(site) = rebuilder.site() else {
        return;
    };
    let generation = shared.status.borrow().generation;
    if *lock(&shared.indexed) == generation {
        return;
    }
    let records = crate::search::records(site);
    let shared = shared.clone();
    let reporter = report.clone();
    let spawned = std::thread::Builder::new()
        .name("oasis search index".to_string())
        .spawn(move || {
            // Let a burst of saves settle first: on a large site an index
            // takes seconds of a core, wasted if the next save comes soon.
            std::thread::sleep(INDEX_AFTER);
            let _indexing = lock(&shared.indexing);
            let stale = || {
                *lock(&shared.indexed) == generation
                    || shared.status.borrow().generation != generation
            };
            if stale() {
                return;
            }
            let files = match index_pool().map(|pool| pool.install(|| records.index())) {
                Ok(Ok(files)) => files,
                Ok(Err(problem)) => return reporter(Event::Problem(&problem)),
                Err(error) => {
                    return reporter(Event::Problem(&Diagnostic::error(format!(
                        "cannot start indexing for search: {error}"
                    ))));
                }
            };
            let mut current = match shared.snapshot.write() {
                Ok(current) => current,
                Err(poisoned) => poisoned.into_inner(),
            };
            if current.generation == generation {
                *current = Arc::new(current.with_files(files));
                *lock(&shared.indexed) = generation;
            }
        });
    if let Err(error) = spawned {
        report(Event::Problem(&Diagnostic::error(format!(
            "cannot start indexing for search: {error}"
        ))));
    }
}

/// The threads a search index is made on in `serve`: a pool of its own, one
/// core short of the machine's (at least one), so that an index never holds
/// up a rebuild, whose work goes to rayon's global pool.
fn index_pool() -> Result<rayon::ThreadPool, rayon::ThreadPoolBuildError> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    rayon::ThreadPoolBuilder::new()
        .num_threads(cores.saturating_sub(1).max(1))
        .thread_name(|i| format!("oasis search index {i}"))
        .build()
}

/// The value behind `mutex`, even if a thread panicked holding it.
fn lock<T>(mutex: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Makes a rebuild's result what the server serves and browsers are told.
fn publish(
    shared: &Shared,
    rebuilder: &Rebuilder,
    rebuilt: &Rebuilt,
    changes: &Changes,
    report: &Reporter,
    changed: &[String],
) {
    let previous = match shared.snapshot.read() {
        Ok(snapshot) => snapshot.clone(),
        Err(poisoned) => poisoned.into_inner().clone(),
    };
    let next = rebuilt.built.as_ref().map(|built| {
        if built.only_rendered_changed && previous.generation > 0 {
            Ok(previous.patch(
                built
                    .rendered
                    .iter()
                    .filter_map(|path| rebuilder.output(path)),
            ))
        } else {
            previous.next(
                rebuilder.outputs(),
                &built.rendered,
                rebuilder.base_path().unwrap_or("/"),
                &|path: &Path| changes.paths.iter().any(|p| path.starts_with(p)),
            )
        }
    });
    match next {
        Some(Ok((snapshot, outputs))) => {
            let generation = snapshot.generation;
            match shared.snapshot.write() {
                Ok(mut current) => *current = Arc::new(snapshot),
                Err(poisoned) => *poisoned.into_inner() = Arc::new(snapshot),
            }
            shared.status.send_replace(Status {
                generation,
                failure: None,
            });
            report(Event::Built {
                rebuilt,
                changed,
                outputs: &outputs,
            });
        }
        Some(Err(problem)) => {
            let failed = Rebuilt {
                built: None,
                diagnostics: vec![problem],
                timings: rebuilt.timings,
            };
            fail(shared, &failed, report, changed);
        }
        None => fail(shared, rebuilt, report, changed),
    }
}

fn fail(shared: &Shared, rebuilt: &Rebuilt, report: &Reporter, changed: &[String]) {
    let overlay = live::overlay(&rebuilt.diagnostics);
    let mut serving = false;
    shared.status.send_modify(|status| {
        serving = status.generation > 0;
        // Pages open before any good build show the overlay the event
        // brings: it must not promise a last good build either.
        status.failure = Some(if serving {
            overlay.into()
        } else {
            live::without_a_good_build(&overlay).into()
        });
    });
    report(Event::Failed {
        rebuilt,
        changed,
        serving,
    });
}

/// The changed paths, relative to the root, sorted.
fn relative_names(root: &Path, changes: &Changes) -> Vec<String> {
    let mut names: Vec<String> = changes
        .paths
        .iter()
        .map(|p: &PathBuf| crate::files::relative_to(root, p))
        .collect();
    names.sort();
    names
}
