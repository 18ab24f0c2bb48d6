//! From a request's path to a file of the build, safely.
//!
//! In: the raw (percent-encoded) path of an HTTP request and the site's base
//! path. Out: the output path to look up (`areas/derby/index.html`), or why
//! the request is refused. The path is decoded exactly once and then checked
//! component by component: no `.` or `..`, no empty component, no backslash,
//! NUL or other control character, and a length limit. So `%2e%2e`, `..%2f`,
//! `..\`, `//etc/passwd` and NUL never name anything, and `%252e` stays the
//! literal name `%2e`. The lookup itself is in the in-memory build, which
//! holds nothing but the build's own files.

/// The longest request path served; longer ones are refused.
pub const MAX_PATH: usize = 2048;

/// Where a request path leads.
#[derive(Debug, PartialEq, Eq)]
pub enum Resolved {
    /// A file of the build, by its output path: `areas/derby/index.html`,
    /// `feed.xml`. It may not exist.
    File(String),
    /// A name without a trailing `/` that may be a folder (`/areas/derby`):
    /// the file itself if it exists, else a redirect to the folder.
    FileOrFolder(String),
    /// The base path without its trailing `/` (`/preview` for `/preview/`).
    BaseWithoutSlash,
    /// Outside the site's base path.
    Outside,
}

/// Why a request path is refused (400 Bad Request).
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    TooLong,
    /// A `%` not followed by two hex digits, or bytes that are not UTF-8.
    BadEncoding,
    /// `.`, `..`, an empty component, a backslash or a control character.
    Forbidden,
}

impl Refusal {
    /// A short explanation for the response body.
    pub fn message(&self) -> &'static str {
        match self {
            Refusal::TooLong => "the address is too long",
            Refusal::BadEncoding => "the address is not validly encoded",
            Refusal::Forbidden => "the address contains a forbidden path component",
        }
    }
}

/// Resolves a raw request path (`/areas/derby/`) under `base_path` (`/` or
/// `/preview/`).
pub fn resolve(raw: &str, base_path: &str) -> Result<Resolved, Refusal> {
    if raw.len() > MAX_PATH {
        return Err(Refusal::TooLong);
    }
    let decoded = percent_decode(raw)?;
    let Some(rest) = decoded.strip_prefix('/') else {
        return Err(Refusal::Forbidden);
    };
    let components: Vec<&str> = rest.split('/').collect();
    let last = components.len() - 1;
    for (index, component) in components.iter().enumerate() {
        let empty_allowed = index == last;
        if (component.is_empty() && !empty_allowed)
            || *component == "."
            || *component == ".."
            || component.contains('\\')
            || component.chars().any(char::is_control)
        {
            return Err(Refusal::Forbidden);
        }
    }
    // The base path is written percent-encoded (`/caf%C3%A9/`); requests
    // are compared decoded.
    let base = percent_decode(base_path).unwrap_or_else(|_| base_path.to_string());
    let base = base.trim_start_matches('/');
    let relative = if base.is_empty() {
        rest
    } else if let Some(inner) = rest.strip_prefix(base) {
        inner
    } else if format!("{rest}/") == base {
        return Ok(Resolved::BaseWithoutSlash);
    } else {
        return Ok(Resolved::Outside);
    };
    if relative.is_empty() || relative.ends_with('/') {
        Ok(Resolved::File(format!("{relative}index.html")))
    } else {
        Ok(Resolved::FileOrFolder(relative.to_string()))
    }
}

/// Decodes `%XX` escapes once. Anything else is kept as it is.
fn percent_decode(raw: &str) -> Result<String, Refusal> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let high = bytes.get(i + 1).and_then(|b| hex(*b));
            let low = bytes.get(i + 2).and_then(|b| hex(*b));
            match (high, low) {
                (Some(high), Some(low)) => out.push(high * 16 + low),
                _ => return Err(Refusal::BadEncoding),
            }
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| Refusal::BadEncoding)
}

fn hex(byte: u8) -> Option<u8> {
    (byte as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str) -> Result<Resolved, Refusal> {
        Ok(Resolved::File(path.to_string()))
    }

    #[test]
    fn maps_folders_to_their_index() {
        assert_eq!(resolve("/", "/"), file("index.html"));
        assert_eq!(
            resolve("/areas/derby/", "/"),
            file("areas/derby/index.html")
        );
        assert_eq!(
            resolve("/feed.xml", "/"),
            Ok(Resolved::FileOrFolder("feed.xml".into()))
        );
        assert_eq!(
            resolve("/areas/derby", "/"),
            Ok(Resolved::FileOrFolder("areas/derby".into()))
        );
    }

    #[test]
    fn decodes_once() {
        assert_eq!(
            resolve("/plans/caf%C3%A9.pdf", "/"),
            Ok(Resolved::FileOrFolder("plans/café.pdf".into()))
        );
        // `%252e` is the literal name `%2e`, never a dot.
        assert_eq!(
            resolve("/%252e%252e/etc/passwd", "/"),
            Ok(Resolved::FileOrFolder("%2e%2e/etc/passwd".into()))
        );
    }

    #[test]
    fn refuses_traversal_in_every_spelling() {
        for raw in [
            "/../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E/%2E%2E/etc/passwd",
            "/..%2f..%2fetc/passwd",
            "/areas/..%2F..%2F/etc/passwd",
            "/..\\..\\etc\\passwd",
            "/..%5c..%5cetc%5cpasswd",
            "//etc/passwd",
            "/areas//derby/",
            "/./index.html",
            "/areas/.",
            "/index.html%00.txt",
            "/a%0d%0aSet-Cookie:x",
        ] {
            assert_eq!(resolve(raw, "/"), Err(Refusal::Forbidden), "{raw}");
        }
    }

    #[test]
    fn refuses_bad_encoding_and_long_paths() {
        assert_eq!(resolve("/%zz", "/"), Err(Refusal::BadEncoding));
        assert_eq!(resolve("/%", "/"), Err(Refusal::BadEncoding));
        assert_eq!(resolve("/%ff%fe", "/"), Err(Refusal::BadEncoding));
        assert_eq!(
            resolve(&format!("/{}", "a".repeat(MAX_PATH)), "/"),
            Err(Refusal::TooLong)
        );
    }

    #[test]
    fn refuses_paths_that_are_not_absolute() {
        assert_eq!(resolve("*", "/"), Err(Refusal::Forbidden));
        assert_eq!(resolve("etc/passwd", "/"), Err(Refusal::Forbidden));
        assert_eq!(resolve("", "/"), Err(Refusal::Forbidden));
    }

    #[test]
    fn serves_under_the_base_path() {
        assert_eq!(resolve("/preview/", "/preview/"), file("index.html"));
        assert_eq!(
            resolve("/preview/areas/", "/preview/"),
            file("areas/index.html")
        );
        assert_eq!(
            resolve("/preview", "/preview/"),
            Ok(Resolved::BaseWithoutSlash)
        );
        assert_eq!(resolve("/areas/", "/preview/"), Ok(Resolved::Outside));
        assert_eq!(resolve("/previewx/", "/preview/"), Ok(Resolved::Outside));
        // A base path written percent-encoded matches either spelling.
        assert_eq!(
            resolve("/caf%C3%A9/areas/", "/caf%C3%A9/"),
            file("areas/index.html")
        );
        assert_eq!(resolve("/caf%c3%a9/", "/caf%C3%A9/"), file("index.html"));
    }
}
