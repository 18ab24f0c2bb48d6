//! Front matter: `split`, `scan` and `fields::parse` on arbitrary text, then
//! the whole `load_document` as the build runs it. The document's kind is
//! picked by the input's length, so every kind's key rules are exercised.

#![no_main]

use libfuzzer_sys::fuzz_target;
use oasis::diagnostics::Severity;
use oasis::document::Kind;
use oasis::load::document::load_document;
use oasis::load::fields;
use oasis::load::frontmatter::{self, MAX_FRONT_MATTER};
use oasis_fuzz::{Source, check_safe_html, context};

const KINDS: [(Kind, &str); 7] = [
    (Kind::Announcement, "announcements/fuzz.md"),
    (Kind::Plan, "plans/derby.md"),
    (Kind::Project, "projects/fuzz.md"),
    (Kind::Page, "pages/fuzz.md"),
    (Kind::AreaIntro, "areas/derby.md"),
    (Kind::PriorityIntro, "priorities/early-years.md"),
    (Kind::Home, "_index.md"),
];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    split_scan_parse(text);

    let (kind, content_path) = KINDS[data.len() % KINDS.len()];
    let file = format!("content/{content_path}");
    let (document, diagnostics) = load_document(text, &file, content_path, kind, &context());
    let source = Source::new(&file, text);
    for diagnostic in &diagnostics {
        source.check(diagnostic);
    }
    let failed = diagnostics.iter().any(|d| d.severity == Severity::Error);
    assert!(
        failed || document.is_some(),
        "no error and no document: {diagnostics:?}"
    );
    if let Some(document) = document {
        assert_eq!(document.kind, kind);
        check_safe_html(&document.body.html);
        if !failed {
            assert!(!document.title.is_empty(), "a document without a title");
            if kind.is_publication() {
                assert!(document.date.is_some(), "a publication without a date");
                assert!(!document.areas.is_empty(), "a publication without areas");
            }
        }
    }
});

/// The three steps of the front-matter reader, each checked against the text.
fn split_scan_parse(text: &str) {
    let split = match frontmatter::split(text) {
        Ok(split) => split,
        Err(problem) => {
            assert_range(text, &problem.range);
            return;
        }
    };
    let yaml_region = split.yaml_offset..split.yaml_offset + split.yaml.len();
    assert_eq!(&text[yaml_region.clone()], split.yaml);
    assert_eq!(&text[split.body_offset..], split.body);
    assert!(split.yaml.len() <= MAX_FRONT_MATTER);
    assert!(yaml_region.end <= split.body_offset);

    let (keys, problems) = frontmatter::scan(split.yaml, split.yaml_offset);
    for problem in &problems {
        assert_range(text, &problem.range);
        assert!(
            yaml_region.start <= problem.range.start && problem.range.end <= yaml_region.end,
            "a problem outside the front matter: {problem:?}"
        );
    }
    let yaml_lines = split.yaml.split('\n').count();
    for key in &keys {
        assert_range(text, &key.key);
        assert_range(text, &key.value);
        assert_eq!(&text[key.key.clone()], key.name, "{key:?}");
        assert!(key.key.end <= key.value.start, "{key:?}");
        assert!(key.value.end <= yaml_region.end, "{key:?}");
        assert!(
            key.lines.start < key.lines.end && key.lines.end <= yaml_lines,
            "{key:?} in {yaml_lines} lines"
        );
    }
    if !problems.is_empty() {
        // What the scan refuses never reaches the parser, and the build blanks
        // repeated keys first; `load_document` below covers that path.
        return;
    }
    let (_, errors) = fields::parse(split.yaml, &keys);
    for error in &errors {
        if let Some((line, column)) = error.position {
            assert!(line >= 1 && column >= 1, "{error:?}");
            assert!(line <= yaml_lines + 1, "{error:?} in {yaml_lines} lines");
        }
    }
}

/// A range in `text` that can be sliced.
fn assert_range(text: &str, range: &std::ops::Range<usize>) {
    assert!(
        range.start <= range.end && text.get(range.clone()).is_some(),
        "{range:?} is not a slice of a text of {} bytes",
        text.len()
    );
}
