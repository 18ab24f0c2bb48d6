//! Markdown bodies: `markdown::render` on arbitrary text with raw HTML off and
//! on, then the same body as a page of a small site through `link::link`, so
//! `@/` placeholders are spliced with real URLs. Every diagnostic is rendered
//! with `render_human`, so the span and caret code runs on every input, and
//! every rendered body goes through the build's HTML minifier as a page.

#![no_main]

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use oasis::diagnostics::{Diagnostic, SourceText};
use oasis::document::{Document, Kind};
use oasis::link;
use oasis::load::document::load_document;
use oasis::load::{Attachment, Excluded, Loaded};
use oasis::markdown::{self, Options};
use oasis::render;
use oasis_fuzz::{Source, attribute_values, check_safe_html, config, context, tags};

const FILE: &str = "content/pages/fuzz.md";
const FRONT_MATTER: &str = "---\ntitle: \"Fuzz\"\n---\n";

/// A plan the fuzzed page can link to, with headings to link to by anchor.
const TARGET_FILE: &str = "content/plans/derby.md";
const TARGET: &str = "---\ntitle: \"Derby's plan\"\ndate: 2017-10-09\nsummary: \"The plan.\"\nareas: [derby]\n---\n\n## Early years\n\n## Early years\n\n### Careers {#careers}\n";

fn target() -> &'static Document {
    static DOCUMENT: OnceLock<Document> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        let (document, diagnostics) = load_document(
            TARGET,
            TARGET_FILE,
            "plans/derby.md",
            Kind::Plan,
            &context(),
        );
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        document.expect("the target plan loads")
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(body) = std::str::from_utf8(data) else {
        return;
    };
    render_alone(body);
    render_linked(body);
});

/// The body rendered on its own, as the whole file.
fn render_alone(body: &str) {
    let source = SourceText::new(FILE, body);
    let checked = Source::new(FILE, body);
    for (unsafe_html, base_path) in [(false, "/"), (true, "/preview/")] {
        let options = Options {
            unsafe_html,
            base_path,
        };
        let (rendered, diagnostics) = markdown::render(body, 0, &source, &options);
        for diagnostic in &diagnostics {
            checked.check(diagnostic);
        }
        if !unsafe_html {
            check_safe_html(&rendered.html);
        }
        // As a page, through the minifier a build uses: it recurses once per
        // level of nesting, which the renderer bounds (MAX_NESTING).
        let page = format!(
            "<!DOCTYPE html><html lang=en><head><title>Fuzz</title></head><body><main><div><div>{}</div></div></main></body></html>",
            rendered.html
        );
        let _ = render::minify::minify(page.as_bytes());
        let mut ids: Vec<&str> = rendered.headings.iter().map(|h| h.id.as_str()).collect();
        let count = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(
            ids.len(),
            count,
            "heading ids repeat: {:?}",
            rendered.headings
        );
        for link in &rendered.internal_links {
            checked.check(&Diagnostic::error("link").at(link.location.clone()));
        }
    }
}

/// The body as a page next to a plan, loaded and linked as a build does.
fn render_linked(body: &str) {
    let text = format!("{FRONT_MATTER}{body}");
    let (document, diagnostics) =
        load_document(&text, FILE, "pages/fuzz.md", Kind::Page, &context());
    let page = Source::new(FILE, &text);
    for diagnostic in &diagnostics {
        page.check(diagnostic);
    }
    let Some(document) = document else {
        // Only a body that closes the front matter differently can do this.
        return;
    };
    let loaded = Loaded {
        root: PathBuf::new(),
        config: config().clone(),
        today: jiff::civil::date(2024, 1, 1),
        documents: vec![document, target().clone()],
        attachments: vec![Attachment {
            source: PathBuf::from("content/plans/derby-plan.pdf"),
            file: "content/plans/derby-plan.pdf".to_string(),
            url: "/plans/derby-plan.pdf".to_string(),
        }],
        excluded: HashMap::from([
            ("announcements/draft.md".to_string(), Excluded::Draft),
            (
                "announcements/later.md".to_string(),
                Excluded::Scheduled(jiff::civil::date(2030, 1, 1)),
            ),
        ]),
    };
    let (site, diagnostics) = link::link(loaded);
    let target = Source::new(TARGET_FILE, TARGET);
    for diagnostic in &diagnostics {
        match &diagnostic.location {
            Some(location) if location.file == FILE => page.check(diagnostic),
            _ => target.check(diagnostic),
        }
    }
    for document in &site.documents {
        let html = &document.body.html;
        check_safe_html(html);
        for (_, tag) in tags(html) {
            for attribute in ["href", "src"] {
                for value in attribute_values(tag, attribute) {
                    assert!(
                        !value.starts_with("@/"),
                        "an unresolved placeholder {tag} in {}:\n{html}",
                        document.file
                    );
                }
            }
        }
    }
}
