//! What the fuzz targets share: the site they load documents into, and the
//! properties every run must keep, asserted so that a violation is a crash
//! libFuzzer records, not a silent pass.
//!
//! - Every diagnostic location lies inside the text it names: a real line,
//!   the line's own text, a column at most one past its end, a caret that
//!   `render_human` draws under that line.
//! - With `unsafe_html` off, rendered HTML has only the tags oasis and
//!   pulldown-cmark emit (so never `<script`), and no `href`/`src` whose
//!   scheme is `javascript:`, `vbscript:` or `data:`, however it is spelled.

use std::collections::HashMap;
use std::sync::OnceLock;

use oasis::config::{Config, Overrides};
use oasis::diagnostics::{Diagnostic, render_github, render_human, render_json};
use oasis::load::document::{AttachmentInfo, LoadContext};

/// The real site's configuration: its areas and priorities are the vocabularies.
pub fn config() -> &'static Config {
    static CONFIG: OnceLock<Config> = OnceLock::new();
    CONFIG.get_or_init(|| {
        oasis::config::parse(include_str!("../../site.toml"), &Overrides::default())
            .expect("the repository's site.toml is valid")
    })
}

/// The attachments a plan's `document:` may name.
pub fn attachments() -> &'static HashMap<String, AttachmentInfo> {
    static ATTACHMENTS: OnceLock<HashMap<String, AttachmentInfo>> = OnceLock::new();
    ATTACHMENTS.get_or_init(|| {
        HashMap::from([(
            "plans/derby-plan.pdf".to_string(),
            AttachmentInfo { size: 1234 },
        )])
    })
}

/// A load context on a fixed day, so a run is reproducible.
pub fn context() -> LoadContext<'static> {
    LoadContext {
        config: config(),
        attachments: attachments(),
        today: jiff::civil::date(2024, 1, 1),
        future: false,
    }
}

/// A file's text split into lines once, to check every diagnostic against.
pub struct Source<'a> {
    pub file: &'a str,
    lines: Vec<&'a str>,
}

impl<'a> Source<'a> {
    pub fn new(file: &'a str, text: &'a str) -> Self {
        Source {
            file,
            lines: text.split('\n').collect(),
        }
    }

    /// Checks a diagnostic's location against the text, then renders it every
    /// way the command line can.
    pub fn check(&self, diagnostic: &Diagnostic) {
        if let Some(loc) = &diagnostic.location {
            assert_eq!(loc.file, self.file, "{diagnostic:?}");
            if loc.line > 0 {
                assert!(
                    loc.line <= self.lines.len(),
                    "line {} of a {}-line text: {diagnostic:?}",
                    loc.line,
                    self.lines.len()
                );
                // Shown without its line ending, and without stray `\r`s before it.
                let line = self.lines[loc.line - 1].trim_end_matches('\r');
                // `None` once the file's budget for copied lines is spent.
                if let Some(source_line) = &loc.source_line {
                    assert_eq!(
                        source_line, line,
                        "the source line is not line {} of the text: {diagnostic:?}",
                        loc.line
                    );
                }
                assert!(loc.column >= 1, "{diagnostic:?}");
                assert!(
                    loc.column <= line.chars().count() + 1,
                    "column {} is past the end of line {} ({} characters): {diagnostic:?}",
                    loc.column,
                    loc.line,
                    line.chars().count()
                );
                assert!(loc.width >= 1, "{diagnostic:?}");
                if loc.source_line.is_some() {
                    check_caret(diagnostic);
                }
            }
        }
        // `check_caret` renders without colour; render everything with it.
        let shown = render_human(diagnostic, true);
        assert!(shown.ends_with('\n'));
        let json = render_json(diagnostic);
        assert!(!json.contains('\n'), "JSON lines must be one line: {json}");
        let annotation = render_github(diagnostic);
        assert!(
            !annotation.contains(['\n', '\r']),
            "a workflow command must be one line: {annotation}"
        );
    }
}

/// Renders the frame alone (no message, label or hint, whose text may contain
/// anything) and checks the caret sits under the shown line.
fn check_caret(diagnostic: &Diagnostic) {
    let mut frame = diagnostic.clone();
    frame.message = "m".to_string();
    frame.label = None;
    frame.hint = None;
    let shown = render_human(&frame, false);
    let lines: Vec<&str> = shown.split('\n').collect();
    assert_eq!(lines.len(), 6, "{shown}");
    let gutter = format!("{} | ", frame.location.as_ref().expect("checked").line);
    let source = lines[3]
        .strip_prefix(&gutter)
        .unwrap_or_else(|| panic!("no source line in:\n{shown}"));
    let caret = lines[4]
        .trim_start_matches(' ')
        .strip_prefix("| ")
        .unwrap_or_else(|| panic!("no caret line in:\n{shown}"));
    let offset = caret.chars().take_while(|c| *c == ' ').count();
    let width = caret[offset..].chars().take_while(|c| *c == '^').count();
    assert_eq!(
        offset + width,
        caret.chars().count(),
        "a caret line has only spaces and carets:\n{shown}"
    );
    let length = source.chars().count();
    assert!(width >= 1, "no caret:\n{shown}");
    assert!(
        offset <= length && offset + width <= length.max(offset) + 1,
        "the caret is not under the line:\n{shown}"
    );
}

/// The tags oasis and pulldown-cmark write; anything else in HTML rendered
/// with `unsafe_html` off came from the content, unescaped.
const KNOWN_TAGS: &[&str] = &[
    "a",
    "blockquote",
    "br",
    "code",
    "del",
    "div",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "img",
    "input",
    "li",
    "ol",
    "p",
    "pre",
    "span",
    "strong",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
];

/// The tags of HTML rendered with `unsafe_html` off, as `(name, tag text)`.
/// Text there has every `<` escaped, so each `<` opens a tag; attribute
/// values are escaped too, so the first `>` closes it.
pub fn tags(html: &str) -> impl Iterator<Item = (String, &str)> {
    html.match_indices('<').map(move |(i, _)| {
        let end = html[i..].find('>').map_or(html.len(), |end| i + end + 1);
        let tag = &html[i..end];
        let rest = &tag[1..];
        let rest = rest.strip_prefix('/').unwrap_or(rest);
        let name = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        (name, tag)
    })
}

/// The values of an attribute (`href`, `src`) in one tag.
pub fn attribute_values<'t>(tag: &'t str, name: &str) -> Vec<&'t str> {
    let needle = format!(" {name}=\"");
    let lower = tag.to_ascii_lowercase();
    lower
        .match_indices(&needle)
        .map(|(i, _)| {
            let start = i + needle.len();
            let end = tag[start..].find('"').map_or(tag.len(), |end| start + end);
            &tag[start..end]
        })
        .collect()
}

/// Checks HTML rendered with `unsafe_html` off.
pub fn check_safe_html(html: &str) {
    assert!(
        !html.to_ascii_lowercase().contains("<script"),
        "raw <script in:\n{html}"
    );
    for (name, tag) in tags(html) {
        assert!(
            KNOWN_TAGS.contains(&name.as_str()),
            "unexpected tag `{tag}` in:\n{html}"
        );
        for attribute in ["href", "src"] {
            for value in attribute_values(tag, attribute) {
                assert!(
                    !is_script_url(value),
                    "a script address survived: {tag} in:\n{html}"
                );
            }
        }
    }
}

/// Whether a browser would run an attribute value as script (or inline data):
/// entities decoded, tabs and newlines removed, leading controls and spaces
/// skipped, case ignored.
pub fn is_script_url(value: &str) -> bool {
    let decoded = decode_entities(value);
    let compact: String = decoded
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .skip_while(|c| *c <= ' ')
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:"]
        .iter()
        .any(|scheme| compact.starts_with(scheme))
}

/// Decodes `&amp;`-style and numeric character references.
fn decode_entities(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest[1..].find(';').map(|e| e + 1) else {
            break;
        };
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "colon" => Some(':'),
            "Tab" => Some('\t'),
            "NewLine" => Some('\n'),
            _ => entity.strip_prefix('#').and_then(|number| {
                match number.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                    None => number.parse().ok(),
                }
                .and_then(char::from_u32)
            }),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::is_script_url;

    #[test]
    fn spots_script_urls_however_spelled() {
        for value in [
            "javascript:alert(1)",
            " JaVaScRiPt:x",
            "java&#x09;script:x",
            "jav&#97;script&colon;x",
            "\u{1}data:text/html,x",
        ] {
            assert!(is_script_url(value), "{value}");
        }
        assert!(!is_script_url("/areas/derby/"));
        assert!(!is_script_url("java%09script:x"));
    }
}
