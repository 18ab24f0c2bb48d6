//! The command line: arguments (clap) and one screen per command.

/// `println!` that ignores a closed stdout (`oasis build | head -1`): the
/// run's exit status must say how the build went, not that the reader left.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// `eprintln!` that ignores a closed stderr, as [`outln!`] does stdout.
macro_rules! errln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

pub mod build;
pub mod check;
pub mod init;
pub mod new;
pub mod serve;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::Overrides;
use crate::diagnostics::{self, Diagnostic, Format};
use crate::load;

/// Exit status: success.
pub const SUCCESS: u8 = 0;
/// Exit status: content, template or configuration errors.
pub const FAILURE: u8 = 1;
/// Exit status: wrong usage.
pub const USAGE: u8 = 2;

#[derive(Debug, Parser)]
#[command(name = "oasis", version = version(), about = "Builds the Opportunity Areas publications site", long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

fn version() -> &'static str {
    concat!(env!("CARGO_PKG_VERSION"), " (", env!("OASIS_COMMIT"), ")")
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder (public/ by default).
    Build(BuildArgs),
    /// Run every check of `build` and write nothing.
    Check(CheckArgs),
    /// Preview the site in a browser, rebuilding it on every change.
    Serve(ServeArgs),
    /// Create a new announcement, plan, project or page.
    New(NewArgs),
    /// Start a new site in an empty folder, with an example of every kind of document.
    Init(InitArgs),
}

/// Options shared by every command that reads a site.
#[derive(Debug, Args)]
pub struct SiteArgs {
    /// The site's folder (holding site.toml and content/).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// Include documents marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
    /// Include documents dated after today.
    #[arg(long)]
    pub future: bool,
    /// How to print problems: `human` (default) or `json` (one object per line).
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Human,
    Json,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// Where to write the site (default: <root>/public).
    #[arg(long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Use this address instead of `base_url` from site.toml (e.g. for a preview).
    #[arg(long, value_name = "URL", value_parser = base_url)]
    pub base_url: Option<String>,
    /// Do not minify HTML, whatever site.toml says.
    #[arg(long)]
    pub no_minify: bool,
    /// Do not build the search index (a quicker build, e.g. for a preview:
    /// /search/ then says that search could not start).
    #[arg(long)]
    pub no_search: bool,
    /// Replace the output folder even if oasis did not create it.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// Fail on warnings too.
    #[arg(long)]
    pub strict: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// The address to listen on: 127.0.0.1 is this computer only; 0.0.0.0
    /// lets other computers on the network see the preview.
    #[arg(long, value_name = "ADDRESS", default_value = "127.0.0.1", value_parser = bind_address)]
    pub bind: std::net::IpAddr,
    /// The port to listen on (0 picks a free one).
    #[arg(long, default_value_t = crate::serve::DEFAULT_PORT)]
    pub port: u16,
    /// Do not index the site for search (on a large site the index takes
    /// seconds of a core and some memory after each save).
    #[arg(long)]
    pub no_search: bool,
}

/// The kinds of document `oasis new` creates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum NewKind {
    Announcement,
    Plan,
    Project,
    Page,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// What to create.
    #[arg(value_enum)]
    pub kind: NewKind,
    /// The title, in quotes; the file name is made from it.
    pub title: String,
    /// An area the document is about (repeat for more, or `all`).
    #[arg(long = "area", value_name = "SLUG")]
    pub areas: Vec<String>,
    /// A priority the document is about (repeat for more).
    #[arg(long = "priority", value_name = "SLUG")]
    pub priorities: Vec<String>,
    /// The site's folder (holding site.toml and content/).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// How to print problems: `human` (default) or `json` (one object per line).
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder for the new site; it must be empty or not exist yet.
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
}

/// Runs a command and returns its exit status.
pub fn run(cli: Cli) -> u8 {
    match cli.command {
        Command::Build(args) => build::execute(args),
        Command::Check(args) => check::execute(args),
        Command::Serve(args) => serve::execute(args),
        Command::New(args) => new::execute(args),
        Command::Init(args) => init::execute(args),
    }
}

impl SiteArgs {
    pub fn load_options(&self, overrides: Overrides) -> load::Options {
        load::Options {
            root: self.root.clone(),
            drafts: self.drafts,
            future: self.future,
            overrides,
        }
    }
}

/// Prints diagnostics to stderr in the chosen format, and as workflow
/// annotations on stdout when running under GitHub Actions.
pub fn report(diagnostics: &[Diagnostic], format: OutputFormat) {
    let stderr = std::io::stderr();
    let format = match format {
        OutputFormat::Json => Format::Json,
        OutputFormat::Human => Format::Human {
            colour: stderr.is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        },
    };
    let mut err = stderr.lock();
    for diagnostic in diagnostics {
        let text = match format {
            Format::Json => diagnostics::render_json(diagnostic) + "\n",
            Format::Human { colour } => diagnostics::render_human(diagnostic, colour) + "\n",
        };
        let _ = err.write_all(text.as_bytes());
    }
    if std::env::var("GITHUB_ACTIONS").as_deref() == Ok("true") {
        let mut out = std::io::stdout().lock();
        for diagnostic in diagnostics {
            let _ = writeln!(out, "{}", diagnostics::render_github(diagnostic));
        }
    }
}

/// The last line of a failed run.
pub fn report_failure(what: &str, diagnostics: &[Diagnostic], format: OutputFormat) {
    if format == OutputFormat::Human {
        errln!("error: {what}: {}", diagnostics::summary(diagnostics));
    }
}

/// `--base-url`: an unusable address is wrong usage (exit status 2), found
/// as the command line is read, like any other bad option value.
fn base_url(url: &str) -> Result<String, String> {
    crate::config::normalise_base_url(url)
        .map(|_| url.to_string())
        .map_err(|why| {
            format!("{why}; pass an absolute address, e.g. https://example.org/preview/")
        })
}

/// `--bind`: an IP address, or `localhost` for 127.0.0.1.
fn bind_address(text: &str) -> Result<std::net::IpAddr, String> {
    if text.eq_ignore_ascii_case("localhost") {
        return Ok(std::net::Ipv4Addr::LOCALHOST.into());
    }
    text.parse().map_err(|_| {
        format!("`{text}` is not an IP address: use 127.0.0.1 (this computer only) or 0.0.0.0 (every network interface)")
    })
}
