//! The examples in `docs/GUIDE.md` are real: each one is run against a site
//! made by `oasis init`, with the real binary.
//!
//! The guide marks its examples with the info string of a fenced block:
//!
//! - ```` ```markdown file=PATH [with=PATH,…] [name=NAME] ````: a document
//!   that builds with no message (or with exactly the `output=NAME` block);
//!   `with` files are created empty beside it (a plan's PDF).
//! - ```` ```markdown broken name=NAME file=PATH ````: a document whose build
//!   fails with exactly the text of the ```` ```text output=NAME ```` block.
//! - ```` ```yaml fix=NAME line=N ```` (or `insert=N`): lines that replace
//!   the broken document's lines from N (or go in before line N); the fixed
//!   document must build cleanly.
//! - ```` ```yaml fields=KIND ````: front-matter lines laid over the `oasis
//!   init` example of that kind (announcement, plan, project), replacing
//!   the keys they name; the result must build cleanly.
//! - ```` ```console run ````: `$ oasis …` commands run in an empty folder;
//!   the lines after each are the start of what it prints.
//!
//! `OASIS_UPDATE_GUIDE=1 cargo test --test testsuite guide` writes the real
//! output into the guide's `output=` blocks instead of failing on them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{self, SiteTest, copy_dir};

/// A fenced block of the guide.
#[derive(Debug)]
struct Block {
    /// 1-based line of the opening fence.
    line: usize,
    language: String,
    flags: BTreeSet<String>,
    attributes: BTreeMap<String, String>,
    /// The lines between the fences, each ending in `\n`.
    body: String,
    /// 0-based lines of the body in the guide: first..end.
    body_lines: std::ops::Range<usize>,
}

impl Block {
    fn attribute(&self, key: &str) -> Option<&str> {
        self.attributes.get(key).map(String::as_str)
    }

    fn describe(&self) -> String {
        format!("docs/GUIDE.md:{} ({})", self.line, self.language)
    }
}

fn guide_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/GUIDE.md")
}

fn parse(text: &str) -> Vec<Block> {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut blocks = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let ticks = line.chars().take_while(|c| *c == '`').count();
        if ticks < 3 {
            i += 1;
            continue;
        }
        let fence = &line[..ticks];
        let mut words = line[ticks..].split_whitespace();
        let language = words.next().unwrap_or("").to_string();
        let mut flags = BTreeSet::new();
        let mut attributes = BTreeMap::new();
        for word in words {
            match word.split_once('=') {
                Some((key, value)) => {
                    attributes.insert(key.to_string(), value.to_string());
                }
                None => {
                    flags.insert(word.to_string());
                }
            }
        }
        let start = i + 1;
        let mut end = start;
        while end < lines.len() && lines[end].trim_end() != fence {
            end += 1;
        }
        assert!(
            end < lines.len(),
            "docs/GUIDE.md:{}: the fenced block is never closed",
            i + 1
        );
        let body: String = lines[start..end].iter().map(|l| format!("{l}\n")).collect();
        blocks.push(Block {
            line: i + 1,
            language,
            flags,
            attributes,
            body,
            body_lines: start..end,
        });
        i = end + 1;
    }
    blocks
}

/// What running the examples found.
#[derive(Default)]
struct Outcome {
    failures: Vec<String>,
    /// Real output for each `output=NAME` block, for update mode.
    actual_outputs: BTreeMap<String, String>,
    /// Front-matter keys shown in examples that were tested.
    keys_shown: BTreeSet<String>,
    broken_examples: usize,
}

/// A site made by `oasis init`, copied for each example.
struct Template {
    site: SiteTest,
}

impl Template {
    fn new() -> Self {
        let site = SiteTest::empty();
        let dir = site.root().to_string_lossy().into_owned();
        site.expect(&["init", &dir], 0);
        Template { site }
    }

    fn fresh(&self) -> SiteTest {
        let copy = SiteTest::empty();
        copy_dir(self.site.root(), copy.root());
        copy
    }

    fn read(&self, relative: &str) -> String {
        self.site.read(relative)
    }
}

#[test]
fn every_example_in_the_guide_does_what_the_guide_says() {
    let guide = std::fs::read_to_string(guide_path()).expect("docs/GUIDE.md");
    let blocks = parse(&guide);
    let template = Template::new();
    let mut outcome = Outcome::default();

    let outputs: BTreeMap<&str, &Block> = blocks
        .iter()
        .filter_map(|b| b.attribute("output").map(|name| (name, b)))
        .collect();
    let mut used_outputs = BTreeSet::new();

    for block in &blocks {
        if block.language == "markdown" && block.attribute("file").is_some() {
            let output = block.attribute("name").and_then(|n| {
                used_outputs.insert(n.to_string());
                outputs.get(n).copied()
            });
            if block.flags.contains("broken") {
                outcome.broken_examples += 1;
                let fixes: Vec<&Block> = blocks
                    .iter()
                    .filter(|b| {
                        b.attribute("fix").is_some()
                            && b.attribute("fix") == block.attribute("name")
                    })
                    .collect();
                broken_example(&template, block, output, &fixes, &mut outcome);
            } else {
                document_example(&template, block, output, &mut outcome);
            }
        } else if let Some(kind) = block.attribute("fields") {
            fields_example(&template, block, kind, &mut outcome);
        } else if block.language == "console" && block.flags.contains("run") {
            console_example(block, &mut outcome);
        }
    }

    for (name, block) in &outputs {
        if !used_outputs.contains(*name) {
            outcome.failures.push(format!(
                "{}: `output={name}` belongs to no example",
                block.describe()
            ));
        }
    }
    for key in FRONT_MATTER_KEYS {
        if !outcome.keys_shown.contains(*key) {
            outcome
                .failures
                .push(format!("no tested example in the guide shows `{key}`"));
        }
    }
    if outcome.broken_examples < 10 {
        outcome.failures.push(format!(
            "\"When the build says no\" should show ten mistakes; it shows {}",
            outcome.broken_examples
        ));
    }

    if std::env::var_os("OASIS_UPDATE_GUIDE").is_some() {
        update_outputs(&guide, &outputs, &outcome.actual_outputs);
        outcome.failures.retain(|f| !f.contains("(output differs)"));
    }
    assert!(
        outcome.failures.is_empty(),
        "{} problem(s) with the guide's examples:\n\n{}",
        outcome.failures.len(),
        outcome.failures.join("\n\n")
    );
}

/// Every front-matter key of SPEC §2, each of which the guide must show.
const FRONT_MATTER_KEYS: &[&str] = &[
    "title",
    "date",
    "summary",
    "areas",
    "priorities",
    "updated",
    "changes",
    "draft",
    "slug",
    "aliases",
    "extra",
    "starts",
    "ends",
    "document",
    "status",
    "funding",
    "funder",
    "provider",
    "partners",
    "website",
    "organisation",
];

fn document_example(
    template: &Template,
    block: &Block,
    output: Option<&Block>,
    outcome: &mut Outcome,
) {
    let file = block.attribute("file").expect("checked by the caller");
    let site = template.fresh();
    add_with_files(&site, block);
    site.write(file, &block.body);
    let run = site.run(&["build"]);
    let expected = output.map_or("", |o| o.body.as_str());
    if let Some(name) = block.attribute("name") {
        outcome
            .actual_outputs
            .insert(name.to_string(), run.stderr.clone());
    }
    if run.code != 0 || run.stderr != expected {
        outcome.failures.push(format!(
            "{}: `{file}` should build{} but `oasis build` exited with {} and printed:\n{}{}",
            block.describe(),
            if expected.is_empty() {
                " with no message"
            } else {
                " with the guide's message"
            },
            run.code,
            run.stderr,
            if run.code == 0 {
                "(output differs)"
            } else {
                ""
            }
        ));
        return;
    }
    outcome
        .keys_shown
        .extend(top_level_keys(front_matter(&block.body)));
    let published = !block.body.contains("\ndraft: true\n") && output.is_none();
    if published
        && let Some(page) = page_of(file)
        && !site.exists(&page)
    {
        outcome.failures.push(format!(
            "{}: `{file}` built, but `{page}` was not written",
            block.describe()
        ));
    }
}

fn broken_example(
    template: &Template,
    block: &Block,
    output: Option<&Block>,
    fixes: &[&Block],
    outcome: &mut Outcome,
) {
    let file = block.attribute("file").expect("checked by the caller");
    let name = block.attribute("name").unwrap_or("(no name)");
    let Some(output) = output else {
        outcome.failures.push(format!(
            "{}: the broken example `{name}` has no ```text output={name} block",
            block.describe()
        ));
        return;
    };
    let site = template.fresh();
    add_with_files(&site, block);
    site.write(file, &block.body);
    // The guide tells writers to run `oasis check`: its output is the one shown.
    let check = site.run(&["check"]);
    outcome
        .actual_outputs
        .insert(name.to_string(), check.stderr.clone());
    if check.code != 1 || check.stderr != output.body {
        outcome.failures.push(format!(
            "{}: `{name}` should fail with the message at docs/GUIDE.md:{}, but `oasis check` exited with {} and printed:\n{}{}",
            block.describe(),
            output.line,
            check.code,
            check.stderr,
            if check.code == 1 { "(output differs)" } else { "" }
        ));
    }
    let build = site.run(&["build"]);
    if build.code != 1 {
        outcome.failures.push(format!(
            "{}: `oasis build` exited with {} on the broken example `{name}`",
            block.describe(),
            build.code
        ));
    }
    if fixes.is_empty() {
        outcome.failures.push(format!(
            "{}: the broken example `{name}` has no ```yaml fix={name} block",
            block.describe()
        ));
    }
    let mut fixed = block.body.clone();
    for fix in fixes {
        match apply_fix(&fixed, fix) {
            Ok(text) => fixed = text,
            Err(why) => {
                outcome.failures.push(format!("{}: {why}", fix.describe()));
                return;
            }
        }
    }
    site.write(file, &fixed);
    let build = site.run(&["build"]);
    if build.code != 0 || !build.stderr.is_empty() {
        outcome.failures.push(format!(
            "{}: after the fix, `{name}` should build with no message, but `oasis build` exited with {} and printed:\n{}\nThe fixed document:\n{fixed}",
            fixes.first().map_or_else(|| block.describe(), |f| f.describe()),
            build.code,
            build.stderr
        ));
    }
}

fn fields_example(template: &Template, block: &Block, kind: &str, outcome: &mut Outcome) {
    let base = match kind {
        "announcement" => "content/announcements/derby-careers-fair.md",
        "plan" => "content/plans/derby.md",
        "project" => "content/projects/derby-primary-maths.md",
        other => {
            outcome.failures.push(format!(
                "{}: unknown kind `fields={other}`",
                block.describe()
            ));
            return;
        }
    };
    let site = template.fresh();
    let document = merge_front_matter(&template.read(base), &block.body);
    site.write(base, &document);
    let run = site.run(&["build"]);
    if run.code != 0 || !run.stderr.is_empty() {
        outcome.failures.push(format!(
            "{}: the example of a {kind}'s fields should build with no message, but `oasis build` exited with {} and printed:\n{}\nThe document:\n{document}",
            block.describe(),
            run.code,
            run.stderr
        ));
        return;
    }
    outcome.keys_shown.extend(top_level_keys(&block.body));
}

fn console_example(block: &Block, outcome: &mut Outcome) {
    let folder = SiteTest::empty();
    let mut lines = block.body.lines().peekable();
    while let Some(line) = lines.next() {
        let Some(command) = line.strip_prefix("$ ") else {
            continue;
        };
        let mut expected = Vec::new();
        while let Some(next) = lines.peek().filter(|l| !l.starts_with("$ ")) {
            expected.push(next.to_string());
            lines.next();
        }
        let words = split_words(command);
        if words.first().map(String::as_str) != Some("oasis") {
            outcome.failures.push(format!(
                "{}: only oasis commands can be run: `{command}`",
                block.describe()
            ));
            continue;
        }
        let mut oasis = Command::new(env!("CARGO_BIN_EXE_oasis"));
        oasis.args(&words[1..]).current_dir(folder.root());
        let run = support::run(oasis);
        let printed: Vec<&str> = run.stdout.lines().collect();
        let matches = run.code == 0
            && printed.len() == expected.len()
            && printed.iter().zip(&expected).all(|(a, b)| a == b);
        if !matches {
            outcome.failures.push(format!(
                "{}: `{command}` exited with {} and printed:\n{}{}\nbut the guide shows:\n{}",
                block.describe(),
                run.code,
                run.stdout,
                run.stderr,
                expected.join("\n")
            ));
        }
    }
}

/// Splits a command line into words; double quotes group words.
fn split_words(command: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    let mut started = false;
    for c in command.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                started = true;
            }
            c if c.is_whitespace() && !quoted => {
                if started {
                    words.push(std::mem::take(&mut word));
                    started = false;
                }
            }
            c => {
                word.push(c);
                started = true;
            }
        }
    }
    if started {
        words.push(word);
    }
    words
}

fn add_with_files(site: &SiteTest, block: &Block) {
    for path in block
        .attribute("with")
        .into_iter()
        .flat_map(|w| w.split(','))
    {
        site.write(path, b"%PDF-1.4\n");
    }
}

/// The front-matter lines of a document (between the `---` lines).
fn front_matter(document: &str) -> &str {
    let Some(rest) = document.strip_prefix("---\n") else {
        return "";
    };
    match rest.find("\n---\n") {
        Some(end) => &rest[..=end],
        None => rest,
    }
}

/// The names of the top-level keys in some front-matter lines.
fn top_level_keys(yaml: &str) -> Vec<String> {
    yaml.lines()
        .filter(|l| !l.starts_with([' ', '-', '#']))
        .filter_map(|l| l.split_once(':').map(|(key, _)| key.trim().to_string()))
        .filter(|k| !k.is_empty())
        .collect()
}

/// Lays `snippet` over the front matter of `document`: the keys it names are
/// removed (with their indented lines) and its lines added at the end.
fn merge_front_matter(document: &str, snippet: &str) -> String {
    let replaced: BTreeSet<String> = top_level_keys(snippet).into_iter().collect();
    let yaml = front_matter(document);
    let body = &document[4 + yaml.len()..];
    let mut kept = String::new();
    let mut skipping = false;
    for line in yaml.lines() {
        let continuation = line.starts_with([' ', '-']);
        if !continuation {
            skipping = line
                .split_once(':')
                .is_some_and(|(key, _)| replaced.contains(key.trim()));
        }
        if !skipping {
            kept.push_str(line);
            kept.push('\n');
        }
    }
    format!("---\n{kept}{snippet}{body}")
}

/// Applies a `fix=NAME line=N` or `insert=N` block to a broken document.
fn apply_fix(document: &str, fix: &Block) -> Result<String, String> {
    let mut lines: Vec<&str> = document.lines().collect();
    let new: Vec<&str> = fix.body.lines().collect();
    let number = |key: &str| {
        fix.attribute(key)
            .map(|n| {
                n.parse::<usize>()
                    .map_err(|_| format!("`{key}={n}` is not a line number"))
            })
            .transpose()
    };
    match (number("line")?, number("insert")?) {
        (Some(line), None) if line >= 1 && line - 1 + new.len() <= lines.len() => {
            lines.splice(line - 1..line - 1 + new.len(), new);
        }
        (None, Some(line)) if line >= 1 && line - 1 <= lines.len() => {
            lines.splice(line - 1..line - 1, new);
        }
        _ => return Err("a fix needs `line=N` or `insert=N` within the document".to_string()),
    }
    Ok(lines.join("\n") + "\n")
}

/// The page a content file is published at, under the site root.
fn page_of(file: &str) -> Option<String> {
    let relative = file.strip_prefix("content/")?.strip_suffix(".md")?;
    if relative == "_index" {
        return Some("public/index.html".to_string());
    }
    let (folder, slug) = relative.split_once('/')?;
    Some(match folder {
        "pages" => format!("public/{slug}/index.html"),
        _ => format!("public/{folder}/{slug}/index.html"),
    })
}

/// Rewrites the guide's `output=` blocks with what oasis really printed.
fn update_outputs(
    guide: &str,
    outputs: &BTreeMap<&str, &Block>,
    actual: &BTreeMap<String, String>,
) {
    let mut lines: Vec<String> = guide.split('\n').map(str::to_string).collect();
    let mut blocks: Vec<&&Block> = outputs.values().collect();
    blocks.sort_by_key(|b| std::cmp::Reverse(b.line));
    for block in blocks {
        let Some(text) = block.attribute("output").and_then(|n| actual.get(n)) else {
            continue;
        };
        let new: Vec<String> = text
            .strip_suffix('\n')
            .unwrap_or(text)
            .split('\n')
            .map(str::to_string)
            .collect();
        lines.splice(block.body_lines.clone(), new);
    }
    std::fs::write(guide_path(), lines.join("\n")).expect("write docs/GUIDE.md");
}

#[test]
fn merging_fields_replaces_keys_with_their_indented_lines() {
    let document = "---\ntitle: \"A\"\nchanges:\n  - date: 2018-01-01\n    note: \"x\"\nareas: [derby]\n---\n\nBody.\n";
    assert_eq!(
        merge_front_matter(document, "changes: []\n"),
        "---\ntitle: \"A\"\nareas: [derby]\nchanges: []\n---\n\nBody.\n"
    );
}

#[test]
fn fixes_replace_or_insert_lines() {
    let block = |attribute: &str, body: &str| Block {
        line: 1,
        language: "yaml".into(),
        flags: BTreeSet::new(),
        attributes: [(attribute.to_string(), "2".to_string())].into(),
        body: body.into(),
        body_lines: 0..0,
    };
    assert_eq!(
        apply_fix("a\nb\nc\n", &block("line", "B\n")),
        Ok("a\nB\nc\n".to_string())
    );
    assert_eq!(
        apply_fix("a\nb\nc\n", &block("insert", "x\n")),
        Ok("a\nx\nb\nc\n".to_string())
    );
}

#[test]
fn the_guide_links_only_to_its_own_headings() {
    let guide = std::fs::read_to_string(guide_path()).expect("docs/GUIDE.md");
    // GitHub's anchors: lower case, punctuation dropped, spaces to hyphens.
    let anchors: BTreeSet<String> = guide
        .lines()
        .filter_map(|l| l.strip_prefix('#'))
        .map(|l| {
            l.trim_start_matches('#')
                .trim()
                .to_lowercase()
                .chars()
                .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
                .map(|c| if c == ' ' { '-' } else { c })
                .collect()
        })
        .collect();
    let broken: Vec<&str> = guide
        .split("](#")
        .skip(1)
        .filter_map(|rest| rest.split(')').next())
        .filter(|anchor| !anchors.contains(*anchor))
        .collect();
    assert!(broken.is_empty(), "links to no heading: {broken:?}");
}
