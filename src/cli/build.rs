//! `oasis build`: the whole pipeline, written atomically to the output folder.

use std::time::Instant;

use crate::config::Overrides;
use crate::diagnostics::{Diagnostic, plural};
use crate::{compile_with, compile_with_search, write};

use super::{BuildArgs, FAILURE, SUCCESS, report, report_failure};

pub fn execute(args: BuildArgs) -> u8 {
    let started = Instant::now();
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| args.site.root.join("public"));
    let forced = match write::check_output(&args.site.root, &output, args.force) {
        Ok(warnings) => warnings,
        Err(d) => {
            report(std::slice::from_ref(&d), args.site.format);
            report_failure("the site was not built", &[d], args.site.format);
            return FAILURE;
        }
    };
    let options = args.site.load_options(Overrides {
        base_url: args.base_url.clone(),
        no_minify: args.no_minify,
    });
    let mut staging = match write::Staging::create(&output, args.force) {
        Ok(staging) => staging,
        Err(d) => {
            report(std::slice::from_ref(&d), args.site.format);
            report_failure("the site was not built", &[d], args.site.format);
            return FAILURE;
        }
    };
    // Before the build starts its threads (see `remove_on_interrupt`).
    staging.remove_on_interrupt();
    let abandon = staging.abandon_handle();
    let format = args.site.format;
    crate::render::watchdog::on_timeout(move |d| {
        abandon();
        let found = [d];
        report(&found, format);
        report_failure("the site was not built", &found, format);
        std::process::exit(i32::from(FAILURE));
    });
    // Pages are written to the staging folder as they are rendered, so they
    // are never all in memory; a failed build drops (removes) the folder.
    // The search index's files go the same way once it is built.
    let emit = |file| staging.emit(file);
    let (compiled, mut diagnostics) = if args.no_search {
        compile_with(&options, &emit)
    } else {
        compile_with_search(&options, &emit)
    };
    diagnostics.extend(forced);
    let Some(compiled) = compiled else {
        diagnostics.extend(staging.take_warnings());
        report(&diagnostics, args.site.format);
        report_failure("the site was not built", &diagnostics, args.site.format);
        return FAILURE;
    };
    match staging.commit() {
        Ok(warnings) => diagnostics.extend(warnings),
        Err(d) => {
            diagnostics.push(d);
            report(&diagnostics, args.site.format);
            report_failure("the site was not built", &diagnostics, args.site.format);
            return FAILURE;
        }
    }
    report(&diagnostics, args.site.format);
    let pages = compiled
        .outputs
        .iter()
        .filter(|o| o.path.ends_with(".html"))
        .count();
    if args.site.format == super::OutputFormat::Human {
        let warnings = if diagnostics.is_empty() {
            String::new()
        } else {
            format!(" ({})", crate::diagnostics::summary(&diagnostics))
        };
        outln!(
            "Built {}, {} and {} in all into {} in {:.2} s{warnings}",
            plural(compiled.site.documents.len(), "document"),
            plural(pages, "page"),
            plural(compiled.outputs.len(), "file"),
            output.display(),
            started.elapsed().as_secs_f64()
        );
    }
    let _: &[Diagnostic] = &diagnostics;
    SUCCESS
}
