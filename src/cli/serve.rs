//! `oasis serve`: prints what the live preview does.

use std::sync::{Arc, Mutex};

use crate::config::Overrides;
use crate::diagnostics::{self, Diagnostic, plural};
use crate::serve::{self, Event, Reporter};

use super::{FAILURE, OutputFormat, SUCCESS, ServeArgs, report};

pub fn execute(args: ServeArgs) -> u8 {
    let format = args.site.format;
    let options = serve::Options {
        site: args.site.load_options(Overrides::default()),
        bind: args.bind,
        port: args.port,
        search: !args.no_search,
    };
    // Warnings (such as scheduled documents) are printed when they change,
    // not again on every rebuild.
    let warnings: Mutex<Vec<Diagnostic>> = Mutex::new(Vec::new());
    let reporter: Reporter = Arc::new(move |event| print(event, format, &warnings));
    // A page that takes for ever stops the rebuilds; the writer is told.
    crate::render::watchdog::on_timeout(move |mut d| {
        d.hint = Some(format!(
            "{}; the preview shows the last good build meanwhile: fix the template, then stop `oasis serve` (Ctrl+C) and start it again",
            d.hint.as_deref().unwrap_or_default()
        ));
        report(&[d], format);
    });
    match serve::run(options, reporter) {
        Ok(()) => SUCCESS,
        Err(problem) => {
            report(std::slice::from_ref(&problem), format);
            super::report_failure("the preview could not start", &[problem], format);
            FAILURE
        }
    }
}

fn print(event: Event, format: OutputFormat, warnings: &Mutex<Vec<Diagnostic>>) {
    let human = format == OutputFormat::Human;
    match event {
        // Once the port is bound: a port in use is said before anything else.
        Event::Building if human => outln!("Building the site…"),
        Event::Building => {}
        Event::Listening {
            url,
            network_url,
            all_interfaces,
        } => {
            if all_interfaces {
                report(
                    &[Diagnostic::warning("the preview is served on every network interface")
                        .hint("anyone who can reach this computer can read it; use --bind 127.0.0.1 to keep it to yourself")],
                    format,
                );
            }
            // Printed in every format: tools need the address too.
            match network_url {
                Some(network) => outln!(
                    "Serving the site at {url}, and to other computers at {network} (press Ctrl+C to stop)"
                ),
                None => outln!("Serving the site at {url} (press Ctrl+C to stop)"),
            }
        }
        Event::Built {
            rebuilt,
            changed,
            outputs,
        } => {
            let mut shown = warnings.lock().unwrap_or_else(|e| e.into_inner());
            if *shown != rebuilt.diagnostics {
                report(&rebuilt.diagnostics, format);
                *shown = rebuilt.diagnostics.clone();
            }
            if !human {
                return;
            }
            let ms = rebuilt.timings.total.as_secs_f64() * 1000.0;
            let documents = rebuilt.built.as_ref().map_or(0, |b| b.documents);
            if changed.is_empty() {
                outln!(
                    "Built {} ({}) in {ms:.0} ms",
                    plural(documents, "document"),
                    plural(outputs.len(), "file")
                );
            } else {
                let pages = rebuilt.built.as_ref().map_or(0, |b| b.rendered.len());
                outln!(
                    "{} {}: rebuilt in {ms:.0} ms, {pages} {} rendered, {} {} changed",
                    time(),
                    names(changed),
                    if pages == 1 { "page" } else { "pages" },
                    outputs.len(),
                    if outputs.len() == 1 { "file" } else { "files" },
                );
            }
        }
        Event::Failed {
            rebuilt,
            changed,
            serving,
        } => {
            report(&rebuilt.diagnostics, format);
            warnings.lock().unwrap_or_else(|e| e.into_inner()).clear();
            if human {
                let what = if changed.is_empty() {
                    String::new()
                } else {
                    format!("{}: ", names(changed))
                };
                let meanwhile = if serving {
                    "the browser shows them over the last good build"
                } else {
                    "the browser shows them until they are fixed"
                };
                errln!(
                    "{} {what}the site has errors ({}); {meanwhile}",
                    time(),
                    diagnostics::summary(&rebuilt.diagnostics)
                );
            }
        }
        Event::Problem(problem) => report(std::slice::from_ref(problem), format),
    }
}

/// The changed files, shortened when there are many.
fn names(changed: &[String]) -> String {
    match changed {
        [one] => one.clone(),
        [first, rest @ ..] => format!("{first} and {} more", rest.len()),
        [] => String::new(),
    }
}

fn time() -> String {
    jiff::ZonedDateTime::now().strftime("%H:%M:%S").to_string()
}
