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
//! [`search::index`] runs in `build` ([`compile_with`] and [`Search::Index`]),
//! beside the render stage: it is the slowest optional step and `check`,
//! which writes nothing, does not need it.

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
use render::OutputFile;

/// The result of running the pipeline up to (not including) writing.
pub struct Compiled {
    pub site: link::Site,
    pub outputs: Vec<OutputFile>,
}

/// Loads, links, renders and verifies the site. Returns the output only when
/// there were no errors; the diagnostics (errors and warnings) either way.
pub fn compile(options: &load::Options) -> (Option<Compiled>, Vec<Diagnostic>) {
    compile_with(options, Search::Skip)
}

/// Whether [`compile_with`] builds the search index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Search {
    /// `build` (and anything that serves the site): the index's files are
    /// added to the output.
    Index,
    /// `check`: nothing is written, so the index is not needed.
    Skip,
}

/// [`compile`], and with [`Search::Index`] the search index too. The index
/// is built on its own thread while the pages render: it needs only the
/// linked documents, and much of its work is serial, so on a machine with
/// few cores it fills time the rendering leaves idle.
pub fn compile_with(
    options: &load::Options,
    search: Search,
) -> (Option<Compiled>, Vec<Diagnostic>) {
    let (loaded, mut diagnostics) = load::load(options);
    let Some(loaded) = loaded else {
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
    let ((mut outputs, found), index) = std::thread::scope(|scope| {
        let index = (search == Search::Index).then(|| scope.spawn(|| search::index(&site)));
        let rendered = render::render(&site, &theme);
        let index = index.map(|thread| {
            thread
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        });
        (rendered, index)
    });
    diagnostics.extend(found);
    diagnostics.extend(link::verify(&site, &outputs));
    match index {
        Some(Ok(files)) => outputs.extend(files),
        Some(Err(found)) => diagnostics.push(found),
        None => {}
    }
    diagnostics::sort(&mut diagnostics);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return (None, diagnostics);
    }
    (Some(Compiled { site, outputs }), diagnostics)
}
