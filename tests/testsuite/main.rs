//! oasis's integration tests: each test copies a fixture site into a temp
//! folder, runs the real `oasis` binary on it and checks the output files,
//! the exit status and the exact text of the messages.

mod bad_input;
mod build;
mod guide;
mod init;
mod markdown_safety;
mod output_folder;
mod real_site;
mod search;
mod staging;
mod support;
mod symlinks;
mod workflow;
