//! oasis: a static site generator for Opportunity Area publications.
//!
//! The build is one linear pass over owned data:
//!
//! ```text
//! site.toml + content/ ──load──▶ Loaded (config, documents, attachments)
//!                      ──link──▶ Site (resolved @/ links, indexes)
//!                      ──render─▶ Vec<OutputFile>, in parallel
//!                      ──write──▶ staging folder, swapped in atomically
//! ```
//!
//! `build`, `check` and `serve` share [`compile`]; only `build` writes.

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
    let (outputs, found) = render::render(&site, &theme);
    diagnostics.extend(found);
    diagnostics.extend(link::verify(&site, &outputs));
    diagnostics::sort(&mut diagnostics);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return (None, diagnostics);
    }
    (Some(Compiled { site, outputs }), diagnostics)
}
