//! The preview's HTTP server (axum): the last good build, from memory.
//!
//! In: requests. Out: the build's files with their content types, the
//! live-reload events, and refusals: 403 for a `Host` that is neither the
//! bound address nor `localhost` (a DNS-rebinding guard), 405 for methods
//! other than GET and HEAD, 400 for a path that is badly encoded or tries to
//! leave the build (see [`request_path`]), 404 (with the site's `404.html`)
//! for what the build does not have. HTML responses get the live-reload
//! script, and the error overlay while the last rebuild failed.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, RwLock};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use tokio::sync::watch;

use super::live::{self, EVENTS_PATH};
use super::request_path::{self, Resolved};
use super::snapshot::Snapshot;

/// What the server shares with the rebuild loop.
pub struct Shared {
    /// The last good build.
    pub snapshot: RwLock<Arc<Snapshot>>,
    /// What browsers are told.
    pub status: watch::Sender<Status>,
    /// The address the server is bound to.
    pub bind: IpAddr,
    /// Whether each good build is indexed for `/search/`.
    pub search: bool,
    /// The generation whose search index is served (0: none yet).
    pub indexed: Mutex<u64>,
    /// Held while indexing, so that one index is made at a time.
    pub indexing: Mutex<()>,
}

/// The state browsers follow.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Status {
    /// The generation of the last good build ([`Snapshot::generation`]).
    pub generation: u64,
    /// The overlay's HTML while the last rebuild failed.
    pub failure: Option<Arc<str>>,
}

impl Shared {
    pub fn new(bind: IpAddr, search: bool) -> Self {
        Shared {
            search,
            snapshot: RwLock::new(Arc::new(Snapshot::default())),
            status: watch::Sender::new(Status::default()),
            bind,
            indexed: Mutex::new(0),
            indexing: Mutex::new(()),
        }
    }

    fn snapshot(&self) -> Arc<Snapshot> {
        match self.snapshot.read() {
            Ok(snapshot) => snapshot.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }
}

/// The server's routes: everything goes through one handler.
pub fn app(shared: Arc<Shared>) -> Router {
    Router::new().fallback(handle).with_state(shared)
}

async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok());
    // A request line with a whole address (`GET http://evil.example/ …`)
    // names its host there, and HTTP says that one wins over `Host`.
    let named = request
        .uri()
        .authority()
        .map(|authority| authority.as_str());
    if !host_allowed(host, shared.bind)
        || named.is_some_and(|named| !host_allowed(Some(named), shared.bind))
    {
        return text(
            StatusCode::FORBIDDEN,
            "This preview only answers requests addressed to localhost or the address it is bound to.\n",
        );
    }
    let method = request.method().clone();
    if method != Method::GET && method != Method::HEAD {
        let mut response = text(
            StatusCode::METHOD_NOT_ALLOWED,
            "Only GET and HEAD are allowed.\n",
        );
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    let raw = request.uri().path();
    let response = if raw == EVENTS_PATH {
        events(&shared)
    } else {
        let range = request
            .headers()
            .get(header::RANGE)
            .and_then(|range| range.to_str().ok());
        page(&shared, raw, request.uri().query(), range)
    };
    if method == Method::HEAD {
        head(response)
    } else {
        response
    }
}

/// A file of the build, a redirect (keeping the query, `/search?q=x` to
/// `/search/?q=x`) or a refusal.
fn page(shared: &Shared, raw: &str, query: Option<&str>, range: Option<&str>) -> Response {
    let query = query.map_or(String::new(), |q| format!("?{q}"));
    let snapshot = shared.snapshot();
    let status = shared.status.borrow().clone();
    let resolved = match request_path::resolve(raw, &snapshot.base_path) {
        Ok(resolved) => resolved,
        Err(refusal) => {
            return text(
                StatusCode::BAD_REQUEST,
                &format!("Bad request: {}.\n", refusal.message()),
            );
        }
    };
    if snapshot.generation == 0 {
        // No good build yet: every page shows the errors.
        let overlay = status.failure.as_deref().unwrap_or("");
        let mut response = html(StatusCode::SERVICE_UNAVAILABLE, live::error_page(overlay));
        no_store(&mut response);
        return response;
    }
    let found = match &resolved {
        Resolved::File(path) => Some(path.clone()),
        Resolved::FileOrFolder(path) if snapshot.contains(path) => Some(path.clone()),
        Resolved::FileOrFolder(path) if snapshot.contains(&format!("{path}/index.html")) => {
            return redirect(&format!("{raw}/{query}"));
        }
        Resolved::BaseWithoutSlash => return redirect(&format!("{}{query}", snapshot.base_path)),
        // The site lives under its base path: send the root there.
        Resolved::Outside if raw == "/" => {
            return redirect(&format!("{}{query}", snapshot.base_path));
        }
        Resolved::FileOrFolder(_) | Resolved::Outside => None,
    };
    match found
        .as_deref()
        .and_then(|path| snapshot.get(path).map(|bytes| (path, bytes)))
    {
        Some((path, bytes)) => match range {
            // A part of a file (a video or PDF read as it plays or
            // scrolls); pages always whole, for their live-reload script.
            Some(range) if !content_type(path).starts_with("text/html") => part(path, bytes, range),
            _ => file(StatusCode::OK, path, bytes, &snapshot, &status),
        },
        None => match snapshot.get("404.html") {
            Some(bytes) => file(StatusCode::NOT_FOUND, "404.html", bytes, &snapshot, &status),
            None => text(StatusCode::NOT_FOUND, "Not found.\n"),
        },
    }
}

/// One file, with the live-reload script when it is HTML.
fn file(
    code: StatusCode,
    path: &str,
    bytes: &Bytes,
    snapshot: &Snapshot,
    status: &Status,
) -> Response {
    let content_type = content_type(path);
    let html = content_type.starts_with("text/html");
    let body = if html {
        Bytes::from(live::inject(
            bytes,
            snapshot.generation,
            status.failure.as_deref(),
        ))
    } else {
        bytes.clone()
    };
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = code;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if !html && code == StatusCode::OK {
        accept_ranges(&mut response);
    }
    no_store(&mut response);
    response
}

/// The part of a file a `Range: bytes=…` header asks for: `206` with it,
/// `416` when it starts past the end, the whole file when the header asks
/// for several parts or cannot be read (HTTP allows a server to ignore it).
fn part(path: &str, bytes: &Bytes, range: &str) -> Response {
    let length = bytes.len();
    let whole = || {
        let mut response = Response::new(Body::from(bytes.clone()));
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(content_type(path)),
        );
        accept_ranges(&mut response);
        no_store(&mut response);
        response
    };
    let Some(wanted) = byte_range(range, length) else {
        return whole();
    };
    let mut response = match wanted {
        Ok(part) => {
            let header = format!("bytes {}-{}/{length}", part.start, part.end - 1);
            let mut response = Response::new(Body::from(bytes.slice(part)));
            *response.status_mut() = StatusCode::PARTIAL_CONTENT;
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(content_type(path)),
            );
            if let Ok(value) = HeaderValue::from_str(&header) {
                response.headers_mut().insert(header::CONTENT_RANGE, value);
            }
            response
        }
        Err(()) => {
            let mut response = Response::new(Body::empty());
            *response.status_mut() = StatusCode::RANGE_NOT_SATISFIABLE;
            if let Ok(value) = HeaderValue::from_str(&format!("bytes */{length}")) {
                response.headers_mut().insert(header::CONTENT_RANGE, value);
            }
            response
        }
    };
    accept_ranges(&mut response);
    no_store(&mut response);
    response
}

fn accept_ranges(response: &mut Response) {
    response
        .headers_mut()
        .insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
}

/// The bytes one `bytes=first-last`, `bytes=first-` or `bytes=-suffix`
/// range asks for in a file of `length` bytes: `None` for a header to
/// ignore (several ranges, another unit, not a number), `Err` for a range
/// that starts past the end.
fn byte_range(header: &str, length: usize) -> Option<Result<std::ops::Range<usize>, ()>> {
    let spec = header.trim().strip_prefix("bytes=")?.trim();
    if spec.contains(',') {
        return None;
    }
    let (first, last) = spec.split_once('-')?;
    let number = |text: &str| -> Option<usize> {
        let text = text.trim();
        (!text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()))
            .then(|| text.parse().unwrap_or(usize::MAX))
    };
    if first.trim().is_empty() {
        let suffix = number(last)?;
        if suffix == 0 || length == 0 {
            return Some(Err(()));
        }
        return Some(Ok(length.saturating_sub(suffix)..length));
    }
    let first = number(first)?;
    let last = match last.trim() {
        "" => length.saturating_sub(1),
        text => number(text)?.min(length.saturating_sub(1)),
    };
    if first >= length {
        return Some(Err(()));
    }
    if last < first {
        return None;
    }
    Some(Ok(first..last + 1))
}

/// The live-reload event stream.
fn events(shared: &Shared) -> Response {
    let mut receiver = shared.status.subscribe();
    let now = receiver.borrow_and_update().clone();
    let mut queue = VecDeque::from([Event::default()
        .event("hello")
        .data(now.generation.to_string())]);
    if let Some(failure) = &now.failure {
        queue.push_back(Event::default().event("failed").data(failure.as_ref()));
    }
    let stream = futures_util::stream::unfold(
        (receiver, now, queue),
        |(mut receiver, mut shown, mut queue)| async move {
            loop {
                if let Some(event) = queue.pop_front() {
                    return Some((Ok::<Event, Infallible>(event), (receiver, shown, queue)));
                }
                receiver.changed().await.ok()?;
                let now = receiver.borrow_and_update().clone();
                queue.extend(transition(&shown, &now));
                shown = now;
            }
        },
    );
    let mut response = Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response();
    no_store(&mut response);
    response
}

/// The events that take a browser from one status to the next.
fn transition(before: &Status, now: &Status) -> Vec<Event> {
    if now.generation != before.generation {
        return vec![
            Event::default()
                .event("reload")
                .data(now.generation.to_string()),
        ];
    }
    match (&before.failure, &now.failure) {
        (_, Some(failure)) if before.failure.as_ref() != Some(failure) => {
            vec![Event::default().event("failed").data(failure.as_ref())]
        }
        (Some(_), None) => vec![Event::default().event("ok").data("ok")],
        _ => Vec::new(),
    }
}

/// Whether a `Host` header names the bound address or `localhost`. With
/// `--bind 0.0.0.0` (or `::`) any IP address is accepted, never a name but
/// `localhost`: a DNS-rebinding page always sends its own name.
pub fn host_allowed(host: Option<&str>, bind: IpAddr) -> bool {
    let Some(host) = host else {
        return false;
    };
    let name = if let Some(rest) = host.strip_prefix('[') {
        // [::1]:1111
        match rest.split_once(']') {
            Some((address, port)) if port.is_empty() || port.starts_with(':') => address,
            _ => return false,
        }
    } else {
        match host.rsplit_once(':') {
            Some((name, port))
                if !name.contains(':') && port.bytes().all(|b| b.is_ascii_digit()) =>
            {
                name
            }
            Some(_) => return false,
            None => host,
        }
    };
    let name = name.strip_suffix('.').unwrap_or(name);
    if name.eq_ignore_ascii_case("localhost") {
        return true;
    }
    match name.parse::<IpAddr>() {
        Ok(address) => address == bind || bind.is_unspecified(),
        Err(_) => false,
    }
}

/// The content type of an output file, by its extension.
pub fn content_type(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path);
    let extension = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" if name == "feed.xml" => "application/atom+xml; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "wasm" => "application/wasm",
        "zip" => "application/zip",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "odt" => "application/vnd.oasis.opendocument.text",
        _ => "application/octet-stream",
    }
}

fn text(code: StatusCode, message: &str) -> Response {
    let mut response = Response::new(Body::from(message.to_string()));
    *response.status_mut() = code;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    no_store(&mut response);
    response
}

fn html(code: StatusCode, bytes: Vec<u8>) -> Response {
    let mut response = Response::new(Body::from(bytes));
    *response.status_mut() = code;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}

fn redirect(location: &str) -> Response {
    let mut response = text(StatusCode::MOVED_PERMANENTLY, "Moved.\n");
    match HeaderValue::from_str(location) {
        Ok(value) => {
            response.headers_mut().insert(header::LOCATION, value);
            response
        }
        Err(_) => text(StatusCode::BAD_REQUEST, "Bad request.\n"),
    }
}

/// Previews change all the time: browsers must not keep old copies.
fn no_store(response: &mut Response) {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
}

/// A HEAD response: the GET response's headers, with its length, no body.
fn head(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    if parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        == Some("text/event-stream")
    {
        return Response::from_parts(parts, Body::empty());
    }
    if let Some(length) = axum::body::HttpBody::size_hint(&body).exact() {
        parts
            .headers
            .insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    }
    Response::from_parts(parts, Body::empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_one_byte_range_and_ignores_what_it_cannot_serve() {
        use super::byte_range;
        assert_eq!(byte_range("bytes=0-9", 100), Some(Ok(0..10)));
        assert_eq!(byte_range("bytes=90-", 100), Some(Ok(90..100)));
        assert_eq!(byte_range("bytes=90-500", 100), Some(Ok(90..100)));
        assert_eq!(byte_range("bytes=-10", 100), Some(Ok(90..100)));
        assert_eq!(byte_range("bytes=-500", 100), Some(Ok(0..100)));
        assert_eq!(byte_range("bytes=100-", 100), Some(Err(())));
        assert_eq!(byte_range("bytes=-0", 100), Some(Err(())));
        assert_eq!(byte_range("bytes=0-1,5-6", 100), None);
        assert_eq!(byte_range("items=0-1", 100), None);
        assert_eq!(byte_range("bytes=9-3", 100), None);
        assert_eq!(byte_range("bytes=a-3", 100), None);
        assert_eq!(
            byte_range("bytes=99999999999999999999999-", 100),
            Some(Err(()))
        );
    }

    #[test]
    fn accepts_the_bound_address_and_localhost_only() {
        let loopback: IpAddr = [127, 0, 0, 1].into();
        for host in [
            "127.0.0.1:1111",
            "127.0.0.1",
            "localhost:1111",
            "LOCALHOST",
            "localhost.:1111",
        ] {
            assert!(host_allowed(Some(host), loopback), "{host}");
        }
        for host in [
            "evil.example:1111",
            "evil.example",
            "127.0.0.1.evil.example",
            "localhost.evil.example",
            "192.168.1.10:1111",
            "[::1]:1111",
            "127.0.0.1:1111:1",
            "127.0.0.1:abc",
            "",
        ] {
            assert!(!host_allowed(Some(host), loopback), "{host}");
        }
        assert!(!host_allowed(None, loopback));
    }

    #[test]
    fn on_all_interfaces_accepts_any_address_but_no_other_name() {
        let any: IpAddr = [0, 0, 0, 0].into();
        assert!(host_allowed(Some("192.168.1.10:1111"), any));
        assert!(host_allowed(Some("[fe80::1]:1111"), any));
        assert!(host_allowed(Some("localhost:1111"), any));
        assert!(!host_allowed(Some("evil.example:1111"), any));
    }

    #[test]
    fn knows_the_site_s_file_types() {
        assert_eq!(
            content_type("areas/derby/index.html"),
            "text/html; charset=utf-8"
        );
        assert_eq!(
            content_type("feed.xml"),
            "application/atom+xml; charset=utf-8"
        );
        assert_eq!(
            content_type("areas/derby/feed.xml"),
            "application/atom+xml; charset=utf-8"
        );
        assert_eq!(
            content_type("sitemap.xml"),
            "application/xml; charset=utf-8"
        );
        assert_eq!(content_type("plans/derby.PDF"), "application/pdf");
        assert_eq!(content_type("LICENSE"), "application/octet-stream");
    }
}
