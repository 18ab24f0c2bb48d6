//! The `oasis` command: parses arguments and maps results to exit codes
//! (0 success, 1 content, template or configuration errors, 2 wrong usage).

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = oasis::cli::Cli::parse();
    ExitCode::from(oasis::cli::run(args))
}
