//! `oasis serve`: a live preview that rebuilds on every change.

pub mod rebuild;
pub mod request_path;
pub mod templates;
