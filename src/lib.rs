//! oasis: a static site generator for Opportunity Area publications.
//!
//! The build is one linear pass over owned data:
//!
//! ```text
//! site.toml + content/ ──load──▶ Loaded (config, documents, attachments)
//!                      ──link──▶ Site (resolved @/ links, indexes)
//!                      ──render─▶ Vec<OutputFile>, in parallel
//!                      ──search─▶ the search index's files (build only,
//!                                 beside render)
//!                      ──write──▶ staging folder, swapped in atomically
//! ```
//!
//! `build`, `check` and `serve` share [`compile`]; only `build` writes.
//! [`search::index`] runs in `build` only ([`compile_with_search`]), beside
//! the render stage: it is the slowest optional step and `check`, which
//! writes nothing, does not need it.

// Diagnostics are large (a location, a source line, a hint) but only travel on
// the cold path where a writer must be told what is wrong; boxing them would
// complicate every stage for no measurable gain.
#![allow(clippy::result_large_err)]

pub mod cli;
pub mod config;
pub mod diagnostics;
pub mod document;
pub mod files;
pub mod init;
pub mod link;
pub mod load;
pub mod markdown;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod slug;
pub mod write;

use diagnostics::Diagnostic;
use rayon::prelude::*;
use render::OutputFile;

/// The result of running the pipeline up to (not including) writing.
pub struct Compiled {
    pub site: link::Site,
    pub outputs: Vec<OutputFile>,
}

/// Loads, links, renders and verifies the site. Returns the output only when
/// there were no errors; the diagnostics (errors and warnings) either way.
pub fn compile(options: &load::Options) -> (Option<Compiled>, Vec<Diagnostic>) {
    compile_with(options, &Ok)
}

/// [`compile`], handing each output file to `emit` as soon as it is rendered
/// (see [`render::render_with`]); the outputs returned are what `emit`
/// returned.
pub fn compile_with(
    options: &load::Options,
    emit: &render::Emit,
) -> (Option<Compiled>, Vec<Diagnostic>) {
    pipeline(options, emit, false)
}

/// [`compile_with`], and the search index too ([`search::index`]), its files
/// handed to `emit` like the pages. `build` uses it; `check`, which writes
/// nothing, does not need the index. The index is built on its own thread
/// while the pages render: it needs only the linked documents, and much of
/// its work is serial, so it fills time the rendering leaves idle.
pub fn compile_with_search(
    options: &load::Options,
    emit: &render::Emit,
) -> (Option<Compiled>, Vec<Diagnostic>) {
    pipeline(options, emit, true)
}

fn pipeline(
    options: &load::Options,
    emit: &render::Emit,
    with_search: bool,
) -> (Option<Compiled>, Vec<Diagnostic>) {
    let (loaded, mut diagnostics) = load::load(options);
    let Some(loaded) = loaded else {
        // The templates are checked all the same when `site.toml` can be
        // read at all (a mistake in it stops the content being linked), so
        // that their errors come in this run too.
        if let (Some(config), _) = load::read_config_partial(&options.root, &options.overrides)
            && let Err(found) = render::theme::load(&options.root, &config)
        {
            diagnostics.extend(found);
            diagnostics.dedup();
        }
        diagnostics::sort(&mut diagnostics);
        return (None, diagnostics);
    };
    let theme = render::theme::load(&loaded.root, &loaded.config);
    let (site, found) = link::link(loaded);
    diagnostics.extend(found);
    let theme = match theme {
        Ok(theme) => theme,
        Err(found) => {
            diagnostics.extend(found);
            diagnostics::sort(&mut diagnostics);
            return (None, diagnostics);
        }
    };
    diagnostics.extend(theme.warnings.iter().cloned());
    let ((mut outputs, found, _), verified, index) = std::thread::scope(|scope| {
        let index = with_search.then(|| scope.spawn(|| search::index(&site)));
        let rendered = render::render_with(&site, &theme, emit);
        // Checked while the index is still being made; `render_with` has
        // checked every path for collisions already.
        let verified = link::check_links(&site, &rendered.0, &rendered.2);
        let index = index.map(|thread| {
            thread
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        });
        (rendered, verified, index)
    });
    diagnostics.extend(found);
    diagnostics.extend(verified);
    match index {
        // A failed build writes nothing more into the staging folder.
        Some(Ok(_)) if diagnostics.iter().any(Diagnostic::is_error) => {}
        Some(Ok(files)) => {
            // In parallel, as the pages were: some 20,000 files at 10,000
            // documents.
            let emitted: Vec<_> = files.into_par_iter().map(emit).collect();
            for file in emitted {
                match file {
                    Ok(file) => outputs.push(file),
                    Err(found) => diagnostics.push(found),
                }
            }
        }
        Some(Err(found)) => diagnostics.push(found),
        None => {}
    }
    diagnostics::sort(&mut diagnostics);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return (None, diagnostics);
    }
    (Some(Compiled { site, outputs }), diagnostics)
}
