//! `oasis check`: every validation of `build`, writing nothing.

use crate::compile;
use crate::config::Overrides;

use super::{CheckArgs, FAILURE, SUCCESS, report, report_failure};

pub fn execute(args: CheckArgs) -> u8 {
    let options = args.site.load_options(Overrides::default());
    let format = args.site.format;
    crate::render::watchdog::on_timeout(move |d| {
        let found = [d];
        report(&found, format);
        report_failure("the site has errors", &found, format);
        std::process::exit(i32::from(FAILURE));
    });
    let (compiled, diagnostics) = compile(&options);
    report(&diagnostics, args.site.format);
    let failed = compiled.is_none() || (args.strict && !diagnostics.is_empty());
    if failed {
        let what = if compiled.is_some() {
            "check --strict failed"
        } else {
            "the site has errors"
        };
        report_failure(what, &diagnostics, args.site.format);
        return FAILURE;
    }
    if args.site.format == super::OutputFormat::Human {
        let documents =
            crate::diagnostics::plural(compiled.map_or(0, |c| c.site.documents.len()), "document");
        if diagnostics.is_empty() {
            outln!("No problems found in {documents}.");
        } else {
            outln!(
                "No errors in {documents} ({}).",
                crate::diagnostics::summary(&diagnostics)
            );
        }
    }
    SUCCESS
}
