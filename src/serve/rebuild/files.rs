//! The load cache: each Markdown file's load result, by path.
//!
//! In: the files a load walks, and the paths the watcher saw change. Out:
//! each file's [`FileResult`], from the cache when the file is as the cache
//! last saw it — not named by the watcher (nor a folder above it), same
//! size, or same content hash if it was read again — and loaded afresh
//! otherwise. Results depend on more than the file (the config, the
//! attachments, the date, `--future`), so a fingerprint of those guards the
//! whole cache.

use std::collections::HashMap;

use crate::document::Kind;
use crate::files::SourceFile;
use crate::load::document::AttachmentInfo;
use crate::load::{self, FileResult, LoadContext};

use super::{Changes, fingerprint};

/// Per-file load results, by path relative to the root.
#[derive(Default)]
pub(super) struct FileCache {
    /// Fingerprint of what loading depends on besides the file itself.
    pub context: Option<u64>,
    /// The attachments' sizes, by path under `content/`, as loading saw them.
    pub attachments: Vec<(String, u64)>,
    pub entries: HashMap<String, CachedFile>,
}

pub(super) struct CachedFile {
    pub size: u64,
    pub hash: u64,
    pub kind: Kind,
    pub content_path: String,
    pub result: FileResult,
}

/// How a file's load result was found.
pub(super) enum Lookup {
    /// From the cache: the file is as the cache last saw it.
    Cached,
    /// Loaded again; cache this.
    Fresh(Box<CachedFile>),
    /// Loaded again but not cacheable (the file could not be read).
    Uncached,
}

impl FileCache {
    /// Whether the last load saw a file at `relative` (a path under the
    /// root), or inside it if it is a folder.
    pub fn knows(&self, relative: &str) -> bool {
        let folder = format!("{relative}/");
        let attachment = |path: &String| {
            let path = format!("content/{path}");
            path == relative || path.starts_with(&folder)
        };
        self.entries.contains_key(relative)
            || self.entries.keys().any(|path| path.starts_with(&folder))
            || self.attachments.iter().any(|(path, _)| attachment(path))
    }

    /// The attachments as loading needs them.
    pub fn attachment_infos(&self) -> HashMap<String, AttachmentInfo> {
        self.attachments
            .iter()
            .map(|(path, size)| (path.clone(), AttachmentInfo { size: *size }))
            .collect()
    }

    /// One Markdown file's load result, from the cache when the file is as
    /// the cache last saw it.
    pub fn lookup(
        &self,
        context: u64,
        changes: &Changes,
        file: &SourceFile,
        content_path: &str,
        kind: Kind,
        cx: &LoadContext,
    ) -> (FileResult, Lookup) {
        let cached = self.entries.get(&file.relative).filter(|c| {
            self.context == Some(context) && c.kind == kind && c.content_path == content_path
        });
        if let Some(cached) = cached
            && cached.size == file.size
            && !changes.touches(&file.path)
        {
            return (cached.result.clone(), Lookup::Cached);
        }
        let bytes = match std::fs::read(&file.path) {
            Ok(bytes) => bytes,
            Err(_) => {
                return (
                    load::load_file(file, content_path, kind, cx),
                    Lookup::Uncached,
                );
            }
        };
        let size = bytes.len() as u64;
        let hash = fingerprint(&bytes);
        if let Some(cached) = cached
            && cached.hash == hash
            && cached.size == size
        {
            return (cached.result.clone(), Lookup::Cached);
        }
        let result = load::load_bytes(bytes, &file.relative, content_path, kind, cx);
        (
            result.clone(),
            Lookup::Fresh(Box::new(CachedFile {
                size,
                hash,
                kind,
                content_path: content_path.to_string(),
                result,
            })),
        )
    }
}

/// Fingerprint of what loading a file depends on besides the file: the
/// config, the attachments (plans show their document's size), the date
/// and `--future`; and the attachments' sizes.
pub(super) fn load_context(cx: &LoadContext) -> (u64, Vec<(String, u64)>) {
    let mut attachments: Vec<(String, u64)> = cx
        .attachments
        .iter()
        .map(|(path, info)| (path.clone(), info.size))
        .collect();
    attachments.sort();
    let context = fingerprint(&(
        format!("{:?}", cx.config),
        &attachments,
        cx.today,
        cx.future,
    ));
    (context, attachments)
}
