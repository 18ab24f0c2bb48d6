//! Tidying up when a build is stopped: Ctrl+C (SIGINT) in a terminal, or
//! SIGTERM from a CI job's time limit.
//!
//! In: what to do before the process ends. Out: a thread that waits for
//! either signal, does it, and then ends the process as the signal would
//! have (a shell or CI still sees "killed by SIGINT"). Without it a stopped
//! build leaves its half-written staging folder behind (the next build
//! removes it, but a writer sees it first). Signals are received with
//! `sigwait` on a thread of its own rather than in a signal handler, where
//! removing a folder is not allowed; so the clean-up may lock and allocate.

/// Runs `clean_up` on the first SIGINT or SIGTERM, then ends the process,
/// unless `clean_up` returns false (the build is as good as finished and
/// may end as it would have).
///
/// Call it before the build starts its threads: the signals are blocked in
/// the calling thread and so in every thread started after it, and only
/// the waiting thread receives them. A signal the process was started to
/// ignore (a background job's SIGINT) stays ignored.
#[cfg(unix)]
pub fn on_interrupt(clean_up: impl FnOnce() -> bool + Send + 'static) {
    let signals: Vec<libc::c_int> = [libc::SIGINT, libc::SIGTERM]
        .into_iter()
        .filter(|signal| !ignored(*signal))
        .collect();
    if signals.is_empty() {
        return;
    }
    // SAFETY: `sigemptyset` and `sigaddset` fill the set they are given;
    // a zeroed `sigset_t` is a valid value to start from.
    let set = unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for signal in &signals {
            libc::sigaddset(&mut set, *signal);
        }
        set
    };
    // SAFETY: `set` is initialised; the old mask is not wanted.
    if unsafe { libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()) } != 0 {
        return;
    }
    let waiter = std::thread::Builder::new()
        .name("oasis-interrupt".to_string())
        .spawn(move || {
            let mut signal: libc::c_int = 0;
            // SAFETY: `set` is initialised and `signal` is a valid place
            // for the signal's number.
            if unsafe { libc::sigwait(&set, &mut signal) } != 0 {
                return;
            }
            // A build that finishes after all still ends on a second signal.
            // SAFETY: as above.
            if !clean_up() && unsafe { libc::sigwait(&set, &mut signal) } != 0 {
                return;
            }
            // SAFETY: the signal's default action (ending the process) is
            // restored, then the signal is unblocked in this thread and
            // raised in it.
            unsafe {
                libc::signal(signal, libc::SIG_DFL);
                libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
                libc::raise(signal);
            }
            std::process::exit(128 + signal);
        });
    if waiter.is_err() {
        // No thread to receive them: the signals end the process as before.
        // SAFETY: as above.
        unsafe { libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut()) };
    }
}

/// Whether `signal` is ignored (`SIG_IGN`), as it was when the process began.
#[cfg(unix)]
fn ignored(signal: libc::c_int) -> bool {
    // SAFETY: a null new action only reads the current one into `current`.
    unsafe {
        let mut current: libc::sigaction = std::mem::zeroed();
        libc::sigaction(signal, std::ptr::null(), &mut current) == 0
            && current.sa_sigaction == libc::SIG_IGN
    }
}

/// Elsewhere a stopped build leaves its staging folder for the next build
/// to remove.
#[cfg(not(unix))]
pub fn on_interrupt(_clean_up: impl FnOnce() -> bool + Send + 'static) {}
