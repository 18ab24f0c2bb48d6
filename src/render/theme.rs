//! Themes: the built-in `opportunity` theme, overridden file by file by the
//! site's own `themes/<name>/`.
//!
//! In: the site root and config. Out: a [`Theme`] — a Tera instance with
//! every template parsed and checked (syntax, unknown filters and functions,
//! missing parents and includes, include cycles) and the static files to
//! copy — or diagnostics naming the template, line and column.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Location, SourceText, did_you_mean};
use crate::files;

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin_theme.rs"));
}

/// The name of the built-in theme.
pub const BUILTIN: &str = "opportunity";

/// Where a template's text came from.
#[derive(Clone, Debug)]
pub struct TemplateSource {
    /// Path shown in messages: `themes/opportunity/templates/base.html`.
    pub display: String,
    pub text: String,
}

/// A theme file copied to the output.
#[derive(Clone, Debug)]
pub enum StaticContent {
    Builtin(&'static [u8]),
    File(PathBuf),
}

#[derive(Clone, Debug)]
pub struct StaticFile {
    /// Path under `static/`, which is its path in the output.
    pub path: String,
    pub content: StaticContent,
    pub display: String,
}

pub struct Theme {
    pub tera: tera::Tera,
    pub sources: BTreeMap<String, TemplateSource>,
    pub static_files: Vec<StaticFile>,
    /// What does not stop the build: a template of the site's that nothing
    /// uses (`Page.html`, meant to replace `page.html`).
    pub warnings: Vec<Diagnostic>,
}

/// Loads and checks the theme.
pub fn load(root: &Path, config: &Config) -> Result<Theme, Vec<Diagnostic>> {
    let mut diagnostics = Vec::new();
    let mut sources: BTreeMap<String, TemplateSource> = BTreeMap::new();
    let mut statics: BTreeMap<String, StaticFile> = BTreeMap::new();
    for (path, bytes) in builtin::FILES {
        let display = format!("themes/{BUILTIN}/{path} (built into oasis)");
        if let Some(name) = path.strip_prefix("templates/") {
            let text = String::from_utf8_lossy(bytes).into_owned();
            sources.insert(name.to_string(), TemplateSource { display, text });
        } else if let Some(name) = path.strip_prefix("static/") {
            statics.insert(
                name.to_string(),
                StaticFile {
                    path: name.to_string(),
                    content: StaticContent::Builtin(bytes),
                    display,
                },
            );
        }
    }

    let theme_dir = root.join("themes").join(&config.theme);
    if theme_dir.is_dir() {
        let (files, found) = files::walk(root, &theme_dir);
        diagnostics.extend(found);
        let prefix = format!("themes/{}/", config.theme);
        for file in files {
            let inner = file
                .relative
                .strip_prefix(&prefix)
                .unwrap_or(&file.relative);
            if let Some(name) = inner.strip_prefix("templates/") {
                match std::fs::read(&file.path).map(String::from_utf8) {
                    Ok(Ok(mut text)) => {
                        // Notepad saves UTF-8 with a byte-order mark, which
                        // Tera would take for text before `extends` (and a
                        // partial would copy into every page).
                        if text.starts_with('\u{feff}') {
                            text.drain(..'\u{feff}'.len_utf8());
                        }
                        sources.insert(
                            name.to_string(),
                            TemplateSource {
                                display: file.relative.clone(),
                                text,
                            },
                        );
                    }
                    Ok(Err(_)) => diagnostics.push(
                        Diagnostic::error(format!(
                            "the template `{}` is not UTF-8 text",
                            file.relative
                        ))
                        .in_file(file.relative.clone())
                        .hint("save the template as UTF-8"),
                    ),
                    Err(error) => diagnostics.push(files::read_error(&file.relative, &error)),
                }
            } else if let Some(name) = inner.strip_prefix("static/") {
                diagnostics.extend(files::unreadable(&file));
                statics.insert(
                    name.to_string(),
                    StaticFile {
                        path: name.to_string(),
                        content: StaticContent::File(file.path.clone()),
                        display: file.relative.clone(),
                    },
                );
            }
        }
    } else if config.theme != BUILTIN {
        // The site's theme folders and the built-in theme, each once, sorted.
        let available: Vec<String> = std::fs::read_dir(root.join("themes"))
            .map(|entries| {
                entries
                    .flatten()
                    .filter(|e| e.path().is_dir())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .chain(std::iter::once(BUILTIN.to_string()))
                    .collect::<std::collections::BTreeSet<_>>()
                    .into_iter()
                    .collect()
            })
            .unwrap_or_else(|_| vec![BUILTIN.to_string()]);
        let suggestion = did_you_mean(&config.theme, available.iter().map(String::as_str));
        let error = Diagnostic::error(format!(
            "the theme `{}` has no folder themes/{}/",
            config.theme, config.theme
        ));
        let error = match theme_setting(root) {
            Some(location) => error.at(location),
            None => error.in_file(crate::config::CONFIG_FILE),
        };
        return Err(vec![
            error
                .field("theme")
                .maybe_label(suggestion.map(|s| format!("did you mean `{s}`?")))
                .hint(format!(
                    "the themes available are: {}; or remove `theme` to use the built-in one",
                    available.join(", ")
                )),
        ]);
    }

    diagnostics.extend(unused_templates(&sources));
    diagnostics.extend(super::arguments::unknown_arguments(&sources));
    diagnostics.extend(component_cycles(&sources));
    diagnostics.extend(too_deep(&sources));
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(diagnostics);
    }

    let mut tera = tera::Tera::new();
    tera.autoescape_on(vec![".html", ".htm", ".xml", ".json"]);
    tera.register_filter("json_encode", json_encode);
    // Add templates; after an error, drop the broken template and retry so
    // that one run reports every broken template.
    let mut pending: BTreeMap<String, TemplateSource> = sources.clone();
    let mut removed: Vec<String> = Vec::new();
    for _ in 0..=sources.len() {
        match tera.add_raw_templates(pending.iter().map(|(n, s)| (n.as_str(), s.text.as_str()))) {
            Ok(()) => break,
            Err(error) => {
                let found = template_error(&error, &sources);
                let broken: Vec<String> =
                    found.iter().filter_map(|(name, _)| name.clone()).collect();
                // A template dropped after an earlier error is not missing: skip
                // the follow-on "Unknown template" errors it causes.
                let follow_on = |d: &Diagnostic| {
                    removed.iter().any(|r| {
                        (d.message.starts_with("Unknown template")
                            && d.message.contains(&format!("`{r}`")))
                            || d.message
                                .contains(&format!("extends `{r}`, which does not exist"))
                            || d.message == format!("there is no template `{r}`")
                    })
                };
                diagnostics.extend(found.into_iter().map(|(_, d)| d).filter(|d| !follow_on(d)));
                removed.extend(broken.iter().cloned());
                if broken.is_empty() || !broken.iter().any(|b| pending.remove(b).is_some()) {
                    break;
                }
            }
        }
    }
    if diagnostics.iter().any(Diagnostic::is_error) {
        // One error for a block the site's own parent lacks, not one for
        // each built-in template that fills it.
        crate::diagnostics::sort(&mut diagnostics);
        diagnostics.dedup();
        return Err(diagnostics);
    }
    Ok(Theme {
        tera,
        sources,
        static_files: statics.into_values().collect(),
        warnings: diagnostics,
    })
}

/// `{{ value | json_encode }}`: the value as JSON (Tera 2 has no such
/// filter; Tera 1 and Zola had it), for structured data
/// (`<script type="application/ld+json">`) and scripts. Auto-escaping
/// would turn its quotes into `&quot;`, so its output is marked safe, and
/// is made safe: `<`, `>`, `&` and `'` are written as `\u003c`… (the same
/// JSON), so that no text in it can close the `<script>` or a
/// single-quoted attribute. `pretty=true` indents it.
fn json_encode(
    value: &tera::Value,
    kwargs: tera::Kwargs,
    _: &tera::State,
) -> tera::TeraResult<tera::Value> {
    let pretty = kwargs.get::<bool>("pretty")?.unwrap_or(false);
    let json = if pretty {
        serde_json::to_string_pretty(value)
    } else {
        serde_json::to_string(value)
    }
    .map_err(|e| tera::Error::message(format!("cannot write this value as JSON: {e}")))?;
    let mut safe = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => safe.push_str("\\u003c"),
            '>' => safe.push_str("\\u003e"),
            '&' => safe.push_str("\\u0026"),
            '\'' => safe.push_str("\\u0027"),
            '\u{2028}' => safe.push_str("\\u2028"),
            '\u{2029}' => safe.push_str("\\u2029"),
            c => safe.push(c),
        }
    }
    Ok(tera::Value::safe_string(&safe))
}

/// A warning for each template of the site's own that oasis never renders
/// and no template names (in `include`, `extends`, `import`, or a string):
/// a file meant to replace a built-in template but named otherwise
/// (`Page.html`, `pages.html`) is otherwise ignored without a word.
fn unused_templates(sources: &BTreeMap<String, TemplateSource>) -> Vec<Diagnostic> {
    let builtin: Vec<&str> = builtin::FILES
        .iter()
        .filter_map(|(path, _)| path.strip_prefix("templates/"))
        .collect();
    let mut warnings = Vec::new();
    for (name, source) in sources {
        if source.display.ends_with("(built into oasis)") {
            continue;
        }
        if builtin.contains(&name.as_str()) {
            // A page's template left empty makes empty pages (a partial
            // may be emptied on purpose, to leave its part out).
            if source.text.trim().is_empty() && !name.starts_with("partials/") {
                warnings.push(
                    Diagnostic::warning(format!("the template `{}` is empty", source.display))
                        .in_file(source.display.clone())
                        .hint("the pages it makes would be empty files: copy the built-in template to start from (docs/TEMPLATES.md), or delete this file to use it as it is"),
                );
            }
            continue;
        }
        // Only templates are looked for by name; a file of components is
        // used by calling them (`{{ <card … /> }}`), not by its name, and
        // a note (`README.md`) is not a template at all.
        let template = [".html", ".htm", ".xml", ".txt", ".json"]
            .iter()
            .any(|extension| name.to_ascii_lowercase().ends_with(extension));
        if !template
            || source.text.contains("{% component")
            || source.text.contains("{%- component")
        {
            continue;
        }
        // Named in quotes, as `include` and `extends` name it: not merely
        // contained in a longer name (`data.html` in `metadata.html`).
        let named = sources.iter().any(|(other, s)| {
            other != name
                && (s.text.contains(&format!("\"{name}\""))
                    || s.text.contains(&format!("'{name}'")))
        });
        if named {
            continue;
        }
        // `Page.html`, `pages.html`: close enough to be meant as it.
        let stem = |n: &str| {
            let lower = n.to_ascii_lowercase();
            let without = lower
                .rsplit_once('.')
                .map_or(lower.as_str(), |(stem, _)| stem);
            without.trim_end_matches('s').to_string()
        };
        let suggestion = builtin
            .iter()
            .copied()
            .find(|b| b.eq_ignore_ascii_case(name))
            .or_else(|| builtin.iter().copied().find(|b| stem(b) == stem(name)))
            // The feed is `/feed.xml`, made by `atom.xml`.
            .or_else(|| {
                matches!(stem(name).as_str(), "feed" | "atom" | "rss")
                    .then_some("atom.xml")
                    .filter(|atom| builtin.contains(atom))
            });
        warnings.push(
            Diagnostic::warning(format!(
                "the template `{}` is not used: oasis renders its pages with templates of fixed names, and no template includes this one",
                source.display
            ))
            .in_file(source.display.clone())
            .hint(match suggestion {
                Some(builtin) => format!(
                    "to replace the built-in `{builtin}`, name the file exactly so (names are case-sensitive): templates/{builtin}"
                ),
                None => "name it after the built-in template it replaces (docs/TEMPLATES.md lists them), include it from one, or delete it".to_string(),
            }),
        );
    }
    warnings
}

impl Theme {
    /// Turns a rendering error into diagnostics pointing into the template.
    pub fn error(&self, error: &tera::Error) -> Vec<Diagnostic> {
        template_error(error, &self.sources)
            .into_iter()
            .map(|(_, d)| d)
            .collect()
    }
}

/// Diagnostics for a Tera error, each with the template it blames.
fn template_error(
    error: &tera::Error,
    sources: &BTreeMap<String, TemplateSource>,
) -> Vec<(Option<String>, Diagnostic)> {
    use tera::ErrorKind;
    let available = || sources.keys().cloned().collect::<Vec<_>>().join(", ");
    let display = |name: &str| {
        sources
            .get(name)
            .map_or_else(|| format!("template `{name}`"), |s| s.display.clone())
    };
    let mut found = match error.kind() {
        ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
            vec![(
                Some(report.filename().to_string()),
                located(
                    report.message(),
                    report.filename(),
                    report.span().start_line,
                    report.span().start_col + 1,
                    report
                        .span()
                        .end_col
                        .saturating_sub(report.span().start_col),
                    sources,
                ),
            )]
        }
        ErrorKind::Msg(text) if text.contains("\n") && text.contains("--> ") => {
            parse_reports(text, sources)
        }
        ErrorKind::CircularInclude { tpl, include_chain } => {
            let message = format!(
                "templates include each other in a loop: {}",
                include_chain.join(" → ")
            );
            // At the include that closes the loop.
            let closing = match include_chain.as_slice() {
                [.., from, to] => tag_in(sources, from, "include", to),
                _ => None,
            };
            let d = match closing {
                Some((from, line, column, width)) => {
                    located(&message, from, line, column, width, sources)
                }
                None => Diagnostic::error(message).in_file(display(tpl)),
            };
            vec![(
                Some(tpl.clone()),
                d.hint("remove one of the includes so the chain ends"),
            )]
        }
        ErrorKind::CircularExtend {
            tpl,
            inheritance_chain,
        } => {
            // The loop alone, from its first template by name, so that the
            // same loop met from any of its templates (or a template that
            // extends one of them) is told once, at the same tag.
            let mut walk: Vec<&str> = vec![tpl.as_str()];
            while let Some(parent) = parent_of(sources, walk.last().expect("not empty")) {
                if let Some(start) = walk.iter().position(|t| *t == parent) {
                    walk.drain(..start);
                    break;
                }
                walk.push(parent);
            }
            let cycle: Option<Vec<&str>> = walk
                .iter()
                .enumerate()
                .min_by_key(|(_, t)| **t)
                .map(|(first, _)| {
                    walk[first..]
                        .iter()
                        .chain(&walk[..first])
                        .copied()
                        .collect()
                })
                .filter(|cycle: &Vec<&str>| {
                    parent_of(sources, cycle[cycle.len() - 1]) == Some(cycle[0])
                });
            let (names, closing) = match &cycle {
                Some(cycle) => (
                    cycle.join(" → ") + " → " + cycle[0],
                    tag_in(
                        sources,
                        cycle[0],
                        "extends",
                        cycle.get(1).unwrap_or(&cycle[0]),
                    ),
                ),
                None => (format!("{} → {tpl}", inheritance_chain.join(" → ")), None),
            };
            let message = format!("templates extend each other in a loop: {names}");
            let d = match closing {
                Some((from, line, column, width)) => {
                    located(&message, from, line, column, width, sources)
                }
                None => Diagnostic::error(message).in_file(display(tpl)),
            };
            vec![(
                Some(tpl.clone()),
                d.hint("a template may extend a parent, but the chain must end at a template that extends nothing"),
            )]
        }
        ErrorKind::MissingParent { current, parent } => {
            let suggestion = did_you_mean(parent, sources.keys().map(String::as_str));
            let message = format!("`{current}` extends `{parent}`, which does not exist");
            let d = match tag_in(sources, current, "extends", parent) {
                Some((from, line, column, width)) => {
                    located(&message, from, line, column, width, sources)
                }
                None => Diagnostic::error(message).in_file(display(current)),
            };
            vec![(
                Some(current.clone()),
                d.maybe_label(suggestion.map(|s| format!("did you mean `{s}`?")))
                    .hint(format!("the templates available are: {}", available())),
            )]
        }
        ErrorKind::TemplateNotFound(name) => {
            let suggestion = did_you_mean(name, sources.keys().map(String::as_str));
            vec![(
                None,
                Diagnostic::error(format!("there is no template `{name}`"))
                    .maybe_label(suggestion.map(|s| format!("did you mean `{s}`?")))
                    .hint(format!("the templates available are: {}", available())),
            )]
        }
        other => vec![(None, Diagnostic::error(format!("template error: {other}")))],
    };
    // Rendering errors may wrap the real cause.
    let mut cause = std::error::Error::source(error);
    while let Some(inner) = cause {
        if let Some(d) = found.last_mut() {
            d.1.message.push_str(&format!(": {inner}"));
        }
        cause = inner.source();
    }
    // Tera says "Unknown tag" at a closing tag that does not match the open
    // one, and "Unexpected end of input" for one never closed: say which
    // tag is open, or which tag is unknown.
    for (name, d) in &mut found {
        if !matches!(
            d.message.as_str(),
            "Unknown tag" | "Unexpected end of input"
        ) {
            continue;
        }
        if let Some(source) = name.as_ref().and_then(|n| sources.get(n))
            && let Some(problem) = tag_problem(&source.text)
        {
            let text = SourceText::new(&source.display, &source.text);
            *d = Diagnostic::error(problem.message)
                .at(text.locate(problem.at.start, problem.at.end))
                .hint(problem.hint);
        }
    }
    for (_, d) in &mut found {
        add_template_hint(d, sources);
    }
    found
}

/// A component's call of another, at `offset` in `template`'s text.
struct Call<'s> {
    callee: &'s str,
    template: &'s str,
    offset: usize,
}

/// Each component's calls of other components (`{{ <name … /> }}` in its
/// body), by the component's name.
fn component_calls(sources: &BTreeMap<String, TemplateSource>) -> BTreeMap<&str, Vec<Call<'_>>> {
    let mut calls: BTreeMap<&str, Vec<Call>> = BTreeMap::new();
    for (name, source) in sources {
        let text = source.text.as_str();
        let mut rest = 0;
        while let Some(found) = text[rest..].find("component ") {
            let start = rest + found;
            rest = start + 10;
            let before = text[..start].trim_end_matches([' ', '-']);
            if !before.ends_with("{%") {
                continue;
            }
            let definition = &text[rest..];
            let component = definition
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .next()
                .unwrap_or_default();
            let end = definition
                .find("endcomponent")
                .map_or(text.len(), |e| rest + e);
            let body = &text[rest..end];
            let mut search = 0;
            // Calls as `{{ <name … /> }}` and, with a body, `{% <name …> %}`.
            while let Some(open) = body[search..]
                .match_indices('{')
                .map(|(i, _)| search + i)
                .find(|&i| matches!(body.as_bytes().get(i + 1), Some(b'{' | b'%')))
            {
                let after = open + 2;
                search = after;
                let expression = body[after..].trim_start_matches([' ', '-', '\n']);
                if let Some(call) = expression.strip_prefix('<').filter(|c| !c.starts_with('/')) {
                    let callee = call
                        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                        .next()
                        .unwrap_or_default();
                    if !callee.is_empty() {
                        let offset = rest + after + (body[after..].len() - expression.len());
                        calls.entry(component).or_default().push(Call {
                            callee,
                            template: name,
                            offset,
                        });
                    }
                }
            }
            rest = end;
        }
    }
    calls
}

/// Components that call each other in a loop, found before Tera sees them:
/// Tera would only stop such a loop at its recursion limit while rendering.
/// Without a loop, a chain of calls deeper than Tera renders.
fn component_cycles(sources: &BTreeMap<String, TemplateSource>) -> Vec<Diagnostic> {
    let calls = component_calls(sources);
    // Depth-first search from each component for a path back to it.
    fn find_cycle<'c, 's>(
        calls: &'c BTreeMap<&'s str, Vec<Call<'s>>>,
        start: &str,
        node: &str,
        path: &mut Vec<&'c Call<'s>>,
        seen: &mut std::collections::HashSet<&'s str>,
    ) -> bool {
        for call in calls.get(node).map_or(&[][..], Vec::as_slice) {
            path.push(call);
            if call.callee == start
                || (seen.insert(call.callee) && find_cycle(calls, start, call.callee, path, seen))
            {
                return true;
            }
            path.pop();
        }
        false
    }
    let mut diagnostics = Vec::new();
    let mut reported: Vec<Vec<&str>> = Vec::new();
    for start in calls.keys() {
        let mut path = Vec::new();
        if !find_cycle(&calls, start, start, &mut path, &mut Default::default()) {
            continue;
        }
        let mut members: Vec<&str> = path.iter().map(|c| c.callee).collect();
        members.sort_unstable();
        if reported.contains(&members) {
            continue;
        }
        reported.push(members);
        let chain: Vec<&str> = std::iter::once(*start)
            .chain(path.iter().map(|c| c.callee))
            .collect();
        let first = path[0];
        let source = &sources[first.template];
        let text = SourceText::new(&source.display, &source.text);
        diagnostics.push(
            Diagnostic::error(format!(
                "components call each other in a loop: {}",
                chain.join(" → ")
            ))
            .at(text.locate(first.offset, first.offset + 1 + first.callee.len()))
            .hint("a component may not call itself, directly or through others; remove one of the calls"),
        );
    }
    if diagnostics.is_empty() {
        diagnostics.extend(components_too_deep(&calls, sources));
    }
    diagnostics
}

/// The longest chain from each node of `edges` (every node a key), counting
/// the node itself: leaves first (Kahn's order on the reversed graph),
/// without recursion, as a chain may be thousands long. Nodes on a loop,
/// or that reach one, are left out.
fn longest_chains<'a>(edges: &BTreeMap<&'a str, Vec<&'a str>>) -> BTreeMap<&'a str, usize> {
    let mut waiting: BTreeMap<&str, usize> = edges.iter().map(|(n, to)| (*n, to.len())).collect();
    let mut reached_from: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (node, targets) in edges {
        for target in targets {
            reached_from.entry(target).or_default().push(node);
        }
    }
    let mut ready: Vec<&str> = waiting
        .iter()
        .filter(|(_, n)| **n == 0)
        .map(|(node, _)| *node)
        .collect();
    let mut longest: BTreeMap<&str, usize> = BTreeMap::new();
    while let Some(node) = ready.pop() {
        let below = edges[node].iter().map(|t| longest[t]).max().unwrap_or(0);
        longest.insert(node, below + 1);
        for from in reached_from.get(node).map_or(&[][..], Vec::as_slice) {
            let count = waiting.get_mut(from).expect("every node is a key");
            *count -= 1;
            if *count == 0 {
                ready.push(from);
            }
        }
    }
    longest
}

/// How many components deep Tera renders (its interpreter's
/// `MAX_COMPONENT_RECURSION_DEPTH`); it stops a deeper page with an error
/// that names no place.
const MAX_COMPONENT_DEPTH: usize = 20;

/// A chain of component calls deeper than [`MAX_COMPONENT_DEPTH`], at the
/// call one component too deep. `calls` has no loop.
fn components_too_deep(
    calls: &BTreeMap<&str, Vec<Call>>,
    sources: &BTreeMap<String, TemplateSource>,
) -> Option<Diagnostic> {
    let mut edges: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (caller, its_calls) in calls {
        for call in its_calls {
            edges.entry(caller).or_default().push(call.callee);
            edges.entry(call.callee).or_default();
        }
    }
    let longest = longest_chains(&edges);
    let (&start, &depth) = longest
        .iter()
        .max_by_key(|(name, depth)| (**depth, std::cmp::Reverse(**name)))?;
    if depth <= MAX_COMPONENT_DEPTH {
        return None;
    }
    // Follow the chain down to the call that goes one too deep.
    let mut chain = vec![start];
    let mut too_deep = None;
    while let Some(call) = calls
        .get(chain.last().expect("not empty"))
        .and_then(|its| its.iter().max_by_key(|c| longest[c.callee]))
    {
        if chain.len() == MAX_COMPONENT_DEPTH {
            too_deep = Some(call);
        }
        chain.push(call.callee);
    }
    let call = too_deep.expect("the chain is deeper than the limit");
    let source = &sources[call.template];
    let text = SourceText::new(&source.display, &source.text);
    Some(
        Diagnostic::error(format!(
            "components are nested {depth} deep ({} → … → {}); Tera renders {MAX_COMPONENT_DEPTH}",
            chain[0],
            chain[chain.len() - 1]
        ))
        .at(text.locate(call.offset, call.offset + 1 + call.callee.len()))
        .hint(format!(
            "this call goes one level deeper than the {MAX_COMPONENT_DEPTH} allowed; write some of these components' markup in the ones that call them"
        )),
    )
}

/// How many templates deep a page may be made, through `extends` and
/// `include`: far more than a theme needs, and few enough that rendering
/// stays well inside a thread's stack (a chain of 200 includes overflowed
/// it).
pub const MAX_TEMPLATE_DEPTH: usize = 32;

/// A chain of `extends` and `include` longer than [`MAX_TEMPLATE_DEPTH`],
/// at the tag that goes one template too deep. Loops are left to Tera,
/// which reports them where they close.
fn too_deep(sources: &BTreeMap<String, TemplateSource>) -> Vec<Diagnostic> {
    // Each template's `extends` and `include` targets that exist.
    let mut uses: BTreeMap<&str, Vec<(&str, &'static str)>> = BTreeMap::new();
    for (name, source) in sources {
        let text = source.text.as_str();
        let mut targets = Vec::new();
        for keyword in ["extends", "include"] {
            let mut search = 0;
            while let Some(found) = text[search..].find(keyword) {
                let at = search + found;
                search = at + keyword.len();
                if !text[..at].trim_end_matches([' ', '-']).ends_with("{%") {
                    continue;
                }
                let rest = text[search..].trim_start();
                let Some(quote) = rest.chars().next().filter(|c| matches!(c, '"' | '\'')) else {
                    continue;
                };
                let Some(target) = rest[1..].split(quote).next() else {
                    continue;
                };
                if let Some((target, _)) = sources.get_key_value(target) {
                    targets.push((target.as_str(), keyword));
                }
            }
        }
        uses.insert(name.as_str(), targets);
    }
    let edges: BTreeMap<&str, Vec<&str>> = uses
        .iter()
        .map(|(name, targets)| (*name, targets.iter().map(|(t, _)| *t).collect()))
        .collect();
    let longest = longest_chains(&edges);
    // One error, for the deepest chain: fixing it may fix the others.
    let Some((&start, &depth)) = longest
        .iter()
        .max_by_key(|(name, depth)| (**depth, std::cmp::Reverse(**name)))
    else {
        return Vec::new();
    };
    if depth <= MAX_TEMPLATE_DEPTH {
        return Vec::new();
    }
    let mut chain = vec![(start, "")];
    while let Some(&(next, keyword)) = uses[chain.last().expect("not empty").0]
        .iter()
        .filter(|(t, _)| longest.contains_key(t))
        .max_by_key(|(t, _)| longest[t])
    {
        chain.push((next, keyword));
    }
    let (from, _) = chain[MAX_TEMPLATE_DEPTH - 1];
    let (to, keyword) = chain[MAX_TEMPLATE_DEPTH];
    let message = format!(
        "templates are nested {depth} deep through `extends` and `include` ({} → … → {}); oasis allows {MAX_TEMPLATE_DEPTH}",
        chain[0].0,
        chain[chain.len() - 1].0
    );
    let d = match tag_in(sources, from, keyword, to) {
        Some((from, line, column, width)) => located(&message, from, line, column, width, sources),
        None => Diagnostic::error(message).in_file(sources[from].display.clone()),
    };
    vec![d.hint(format!(
        "this `{keyword}` goes one level deeper than the {MAX_TEMPLATE_DEPTH} allowed; put the text of some of these templates in the ones that include them"
    ))]
}

/// The template `name` extends, if it names one that exists.
fn parent_of<'s>(sources: &'s BTreeMap<String, TemplateSource>, name: &str) -> Option<&'s str> {
    let text = sources.get(name)?.text.as_str();
    let mut search = 0;
    while let Some(found) = text[search..].find("extends") {
        let at = search + found;
        search = at + "extends".len();
        if !text[..at].trim_end_matches([' ', '-']).ends_with("{%") {
            continue;
        }
        let rest = text[search..].trim_start();
        let quote = rest.chars().next().filter(|c| matches!(c, '"' | '\''))?;
        let target = rest[1..].split(quote).next()?;
        return sources.get_key_value(target).map(|(name, _)| name.as_str());
    }
    None
}

/// Where template `from` names `target` in a `{% keyword "target" %}` tag:
/// the template, and the 1-based line, column and width of the quoted name.
fn tag_in<'s>(
    sources: &'s BTreeMap<String, TemplateSource>,
    from: &str,
    keyword: &str,
    target: &str,
) -> Option<(&'s str, usize, usize, usize)> {
    let (name, source) = sources.get_key_value(from)?;
    let text = source.text.as_str();
    let mut search = 0;
    while let Some(found) = text[search..].find(keyword) {
        let at = search + found;
        search = at + keyword.len();
        let rest = text[search..].trim_start();
        let quoted = [('"', '"'), ('\'', '\'')].iter().any(|(open, close)| {
            rest.strip_prefix(*open)
                .and_then(|r| r.strip_prefix(target))
                .is_some_and(|r| r.starts_with(*close))
        });
        if quoted && text[..at].trim_end_matches([' ', '-']).ends_with("{%") {
            let start = text.len() - rest.len();
            let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
            let line = text[..start].matches('\n').count() + 1;
            let column = text[line_start..start].chars().count() + 1;
            return Some((name.as_str(), line, column, target.chars().count() + 2));
        }
    }
    None
}

fn located(
    message: &str,
    name: &str,
    line: usize,
    column: usize,
    width: usize,
    sources: &BTreeMap<String, TemplateSource>,
) -> Diagnostic {
    let d = Diagnostic::error(message.to_string());
    match sources.get(name) {
        Some(source) => {
            let text = SourceText::new(&source.display, &source.text);
            d.at(text.locate_line_col(line, column, width.max(1)))
        }
        None => d.at(Location {
            file: format!("template `{name}`"),
            line,
            column,
            width: width.max(1),
            source_line: None,
        }),
    }
}

/// Parses Tera's joined text reports (`error: …\n --> name:line:col`).
fn parse_reports(
    text: &str,
    sources: &BTreeMap<String, TemplateSource>,
) -> Vec<(Option<String>, Diagnostic)> {
    let mut found = Vec::new();
    let mut message: Option<&str> = None;
    for line in text.lines() {
        if let Some(m) = line.strip_prefix("error: ") {
            message = Some(m);
        } else if let Some(place) = line.trim_start().strip_prefix("--> ") {
            let mut parts = place.rsplitn(3, ':');
            let column = parts.next().and_then(|c| c.parse().ok()).unwrap_or(1);
            let line_number = parts.next().and_then(|l| l.parse().ok()).unwrap_or(1);
            let name = parts.next().unwrap_or(place).to_string();
            let width = text_width_hint(message.unwrap_or_default());
            found.push((
                Some(name.clone()),
                located(
                    message.unwrap_or("template error"),
                    &name,
                    line_number,
                    column,
                    width,
                    sources,
                ),
            ));
            message = None;
        }
    }
    if found.is_empty() {
        found.push((None, Diagnostic::error(format!("template error: {text}"))));
    }
    found
}

/// A tag out of place in a template, found by following its tags.
struct TagProblem {
    message: String,
    hint: String,
    /// The tag's name, in the template's text.
    at: std::ops::Range<usize>,
}

/// The first closing tag that does not close the innermost open tag, the
/// first unknown tag, or the innermost tag never closed. Tags in `{% raw %}`
/// and comments are skipped.
fn tag_problem(text: &str) -> Option<TagProblem> {
    const OPENERS: [&str; 6] = ["block", "for", "if", "filter", "component", "set"];
    const OTHERS: [&str; 8] = [
        "elif",
        "else",
        "extends",
        "include",
        "break",
        "continue",
        "set_global",
        "raw",
    ];
    let line_of = |offset: usize| text[..offset].matches('\n').count() + 1;
    let mut open: Vec<(&str, usize)> = Vec::new();
    let mut at = 0;
    while let Some(found) = text[at..].find('{') {
        let start = at + found;
        let rest = &text[start..];
        // The closing `#}` or `%}` is looked for after the opening one:
        // `{%}` opens a tag, it does not close one.
        if let Some(comment) = rest.strip_prefix("{#") {
            at = comment.find("#}").map_or(text.len(), |e| start + 2 + e + 2);
            continue;
        }
        let Some(tag) = rest.strip_prefix("{%") else {
            at = start + 1;
            continue;
        };
        let end = tag.find("%}").map_or(text.len(), |e| start + 2 + e);
        let inner = &text[start + 2..end];
        let trimmed = inner.trim_start_matches('-').trim_start();
        let name = trimmed
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .next()
            .unwrap_or_default();
        let name_at = start + 2 + (inner.len() - trimmed.len());
        let span = name_at.min(text.len())..(name_at + name.len().max(1)).min(text.len());
        at = (end + 2).min(text.len());
        if name == "raw" {
            at = text[at..].find("endraw").map_or(text.len(), |e| at + e);
            continue;
        }
        // `{% set x = … %}` has no body; `{% set x %}…{% endset %}` has.
        let has_body =
            |name: &str| OPENERS.contains(&name) && !((name == "set") && trimmed.contains('='));
        if let Some(closed) = name
            .strip_prefix("end")
            .filter(|n| OPENERS.contains(n) || *n == "raw")
        {
            match open.last() {
                Some((innermost, _)) if *innermost == closed => {
                    open.pop();
                }
                Some((innermost, opened)) if open.iter().any(|(n, _)| *n == closed) => {
                    return Some(TagProblem {
                        message: format!(
                            "`{{% {innermost} %}}` on line {} is not closed before this `{{% {name} %}}`",
                            line_of(*opened)
                        ),
                        hint: format!(
                            "add `{{% end{innermost} %}}` where the `{innermost}` part ends, before this tag"
                        ),
                        at: span,
                    });
                }
                _ => {
                    return Some(TagProblem {
                        message: format!(
                            "`{{% {name} %}}` closes nothing: no `{{% {closed} %}}` is open here"
                        ),
                        hint: format!("remove it, or add the `{{% {closed} … %}}` it should close"),
                        at: span,
                    });
                }
            }
        } else if has_body(name) || (name == "set_global" && !trimmed.contains('=')) {
            open.push((if name == "set_global" { "set" } else { name }, name_at));
        } else if !OPENERS.contains(&name) && !OTHERS.contains(&name) {
            let hint = if matches!(name, "macro" | "import" | "endmacro") {
                "Tera 2 has components instead of macros: {% component name(arg) %}…{% endcomponent name %}, called as {{ <name arg={value} /> }}; see docs/TEMPLATES.md".to_string()
            } else {
                "the tags are block, extends, include, if/elif/else, for, set, filter, raw and component, each with its `end` tag; see docs/TEMPLATES.md".to_string()
            };
            return Some(TagProblem {
                message: format!("unknown tag `{name}`"),
                hint,
                at: span,
            });
        }
    }
    open.last().map(|(name, opened)| TagProblem {
        message: format!("`{{% {name} %}}` is never closed"),
        hint: format!("add `{{% end{name} %}}` where the `{name}` part ends"),
        at: *opened..*opened + name.len(),
    })
}

/// The width of the name quoted in a message such as "Unknown filter `foo`".
fn text_width_hint(message: &str) -> usize {
    message
        .split('`')
        .nth(1)
        .map_or(1, |name| name.chars().count())
}

fn add_template_hint(d: &mut Diagnostic, sources: &BTreeMap<String, TemplateSource>) {
    if d.hint.is_some() {
        return;
    }
    let message = d.message.clone();
    let name = message.split('`').nth(1).unwrap_or_default();
    if message.starts_with("Unknown filter") {
        d.hint = Some("the filters available are Tera's built-in ones (safe, default, upper, lower, trim, truncate, length, join, first, last, sort, replace, …); see docs/TEMPLATES.md".to_string());
    } else if message.starts_with("Unknown template") {
        let suggestion = did_you_mean(name, sources.keys().map(String::as_str));
        d.label = suggestion.map(|s| format!("did you mean `{s}`?"));
        d.hint = Some(format!(
            "the templates available are: {}",
            sources.keys().cloned().collect::<Vec<_>>().join(", ")
        ));
    } else if message.starts_with("Block `") && message.contains("not defined in any parent") {
        // `{% block contnet %}`: the blocks the parents have.
        let template = d.location.as_ref().and_then(|at| {
            sources
                .iter()
                .find(|(_, s)| s.display == at.file)
                .map(|(n, _)| n.as_str())
        });
        let mut blocks: Vec<String> = Vec::new();
        let mut parent = template.and_then(|t| parent_of(sources, t));
        let mut seen = 0;
        while let Some(name) = parent
            && seen < sources.len()
        {
            seen += 1;
            if let Some(source) = sources.get(name) {
                blocks.extend(block_names(&source.text));
            }
            parent = parent_of(sources, name);
        }
        blocks.sort();
        blocks.dedup();
        // A built-in template whose parent is the site's own (an emptied
        // `base.html`): the fix is in that parent, which the built-in
        // templates' errors did not name, one error for each of them.
        let builtin = |t: &str| {
            sources
                .get(t)
                .is_some_and(|s| s.display.ends_with("(built into oasis)"))
        };
        let own_parent = template.filter(|t| builtin(t)).and_then(|t| {
            let mut parent = parent_of(sources, t);
            let mut seen = 0;
            while let Some(candidate) = parent
                && seen < sources.len()
            {
                seen += 1;
                if !builtin(candidate) {
                    return sources
                        .get_key_value(candidate)
                        .map(|(n, s)| (n.as_str(), s));
                }
                parent = parent_of(sources, candidate);
            }
            None
        });
        if let Some((own_name, own)) = own_parent {
            // Every block the built-in template it replaces has and it
            // lacks, so that one error names them all.
            let builtin_text = builtin::FILES
                .iter()
                .find(|(path, _)| path.strip_prefix("templates/") == Some(own_name))
                .and_then(|(_, bytes)| std::str::from_utf8(bytes).ok())
                .unwrap_or_default();
            let has = block_names(&own.text);
            let mut missing: Vec<String> = block_names(builtin_text)
                .into_iter()
                .filter(|block| !has.contains(block))
                .collect();
            if !missing.iter().any(|block| block == name) {
                missing.push(name.to_string());
            }
            missing.sort();
            missing.dedup();
            let listed = missing
                .iter()
                .map(|block| format!("`{block}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let example = missing
                .iter()
                .map(|block| format!("{{% block {block} %}}{{% endblock {block} %}}"))
                .collect::<Vec<_>>()
                .join(" ");
            *d = Diagnostic::error(format!(
                "`{}` lacks blocks that the built-in templates extending it fill: {listed}",
                own.display
            ))
            .in_file(own.display.clone())
            .hint(format!(
                "it replaces the built-in `{own_name}`, which has them: add {example}, each where that part of the page goes (copy the built-in one to start from: docs/TEMPLATES.md)"
            ));
            return;
        }
        let suggestion = did_you_mean(name, blocks.iter().map(String::as_str));
        d.label = suggestion.map(|s| format!("did you mean `{s}`?"));
        d.hint = Some(if blocks.is_empty() {
            "a child template fills blocks its parent has: see docs/TEMPLATES.md".to_string()
        } else {
            format!(
                "a child template fills blocks its parent has; the blocks are: {}",
                blocks.join(", ")
            )
        });
    } else if let Some((expected, got)) = message
        .strip_prefix("Invalid type for the value, expected `")
        .and_then(|rest| rest.split_once("` but got `"))
        .map(|(expected, got)| (expected, got.trim_end_matches('`')))
    {
        // Tera names Rust's types, and not the filter: the filters of the
        // expression at the caret are named instead.
        let filters = d
            .location
            .as_ref()
            .map(|at| filters_at(at.source_line.as_deref().unwrap_or(""), at.column))
            .unwrap_or_default();
        d.message = format!(
            "a value of the wrong kind for {}: {} was expected, but it got {}",
            match filters.as_slice() {
                [] => "a filter".to_string(),
                [one] => format!("the filter `{one}` or its arguments"),
                many => format!(
                    "one of the filters {} or their arguments",
                    many.iter()
                        .map(|f| format!("`{f}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            },
            kind_of_value(expected),
            kind_of_value(got)
        );
        d.hint = Some("each filter takes one kind of value (text, a number, a list) and its arguments theirs: docs/TEMPLATES.md lists them; `| str` turns a value into text, `| int` and `| float` text into a number".to_string());
    } else if let Some(kind) = message
        .strip_prefix("Value of type ")
        .and_then(|rest| rest.strip_suffix(" has no length"))
    {
        d.message = format!(
            "`length` counts text, a list or a map, but it got {}",
            kind_of_value(kind)
        );
        d.hint = Some("use `length` on a list (`doc.areas | length`) or on text".to_string());
    } else if message.starts_with("Missing keyword argument `") {
        let call = d.location.as_ref().and_then(|at| {
            let line = at.source_line.as_deref()?;
            let name: String = line
                .chars()
                .skip(at.column.saturating_sub(1))
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            (!name.is_empty()).then_some(name)
        });
        d.hint = Some(match call {
            Some(call) => format!(
                "`{call}` needs `{name}=…` among its arguments (docs/TEMPLATES.md lists them)"
            ),
            None => format!("give `{name}=…` (docs/TEMPLATES.md lists each filter's arguments)"),
        });
    } else if message.starts_with("Iteration not possible on type `undefined`") {
        // The caret is on the start of the list's name: name all of it.
        let list: Option<String> = d.location.as_ref().and_then(|at| {
            let line = at.source_line.as_deref()?;
            let name: String = line
                .chars()
                .skip(at.column.saturating_sub(1))
                .take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '.'))
                .collect();
            (!name.is_empty()).then_some(name)
        });
        if let Some(list) = list {
            d.message = format!("`{list}` is not defined, so the `for` loop cannot go through it");
            d.hint = Some(format!(
                "check the name against docs/TEMPLATES.md; for a list that may be missing, write {{% for x in {list} | default(value=[]) %}}"
            ));
        }
    } else if let Some((_, fields)) = message.split_once("Available fields: ") {
        let fields: Vec<&str> = fields.split(", ").map(str::trim).collect();
        let suggestion = did_you_mean(name, fields.iter().copied());
        d.label = suggestion.map(|s| format!("did you mean `{s}`?"));
        d.hint = Some(
            "the variables each template receives are listed in docs/TEMPLATES.md".to_string(),
        );
    } else if message.contains("not found")
        || message.contains("undefined")
        || message.contains("not defined")
    {
        // Tera lists the page's own variables, not `site`, which every
        // page has (a global of the renderer).
        if let Some((before, listed)) = message.split_once("Available variables: ") {
            let mut variables: Vec<&str> = listed.trim_end_matches('.').split(", ").collect();
            if !variables.contains(&"site") {
                variables.push("site");
                variables.sort_unstable();
            }
            let suggestion = did_you_mean(name, variables.iter().copied());
            d.label = suggestion.map(|s| format!("did you mean `{s}`?"));
            d.message = format!("{before}Available variables: {}", variables.join(", "));
        }
        d.hint = Some("the variables each template receives are listed in docs/TEMPLATES.md; use `{% if x is defined %}` for optional ones".to_string());
    } else if d.location.as_ref().is_some_and(|at| {
        at.source_line.as_deref().is_some_and(|line| {
            line.chars()
                .skip(at.column.saturating_sub(1))
                .collect::<String>()
                .starts_with("throw(")
        })
    }) {
        // `throw(message=…)`: the template stopped on purpose, and its
        // message says why.
    } else {
        d.hint = Some("templates use Tera 2 syntax; see docs/TEMPLATES.md".to_string());
    }
}

/// What a type Tera names is, in words: `string` is text, `usize` a whole
/// number.
fn kind_of_value(kind: &str) -> String {
    match kind {
        "string" | "str" | "String" => "text".to_string(),
        "array" | "list" | "vec" => "a list".to_string(),
        "map" | "object" => "a map (keys and values)".to_string(),
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" | "u8" | "u16" | "u32" | "u64" | "u128"
        | "usize" | "integer" => "a whole number".to_string(),
        "f32" | "f64" | "float" | "number" => "a number".to_string(),
        "bool" | "boolean" => "true or false".to_string(),
        "none" | "null" => "none (no value)".to_string(),
        "undefined" => "an undefined value".to_string(),
        other => format!("`{other}`"),
    }
}

/// The filters of the expression that starts at `column` (1-based, in
/// characters) of `line`: `site.areas | upper | trim` → upper, trim.
fn filters_at(line: &str, column: usize) -> Vec<String> {
    let rest: String = line.chars().skip(column.saturating_sub(1)).collect();
    let expression = rest.split(['}', '%']).next().unwrap_or_default();
    expression
        .split('|')
        .skip(1)
        .filter_map(|part| {
            let name: String = part
                .trim_start()
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            (!name.is_empty()).then_some(name)
        })
        .collect()
}

/// The names of the blocks a template defines (`{% block content %}`).
fn block_names(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    for (at, _) in text.match_indices("{%") {
        let tag = text[at + 2..].trim_start_matches(['-', ' ', '\t', '\n']);
        if let Some(rest) = tag.strip_prefix("block ") {
            let name: String = rest
                .trim_start()
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                names.push(name);
            }
        }
    }
    names
}

/// Where site.toml sets `theme = "…"`: its value, for an error about it.
fn theme_setting(root: &Path) -> Option<Location> {
    let text = std::fs::read_to_string(root.join(crate::config::CONFIG_FILE)).ok()?;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with('[') {
            // `theme` is a top-level key: past the first table, it is not set.
            return None;
        }
        if let Some(rest) = trimmed.strip_prefix("theme")
            && let Some(value) = rest.trim_start().strip_prefix('=')
        {
            let value = value.trim();
            // `value` is a part of `line`.
            let start = offset + (value.as_ptr() as usize - line.as_ptr() as usize);
            let source = SourceText::new(crate::config::CONFIG_FILE, &text);
            return Some(source.locate(start, start + value.len()));
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{TemplateSource, component_cycles, tag_problem};

    #[test]
    fn an_unknown_variable_is_told_site_exists() {
        let mut d = crate::diagnostics::Diagnostic::error(
            "Variable `sit` is not defined. Available variables: area, page",
        );
        super::add_template_hint(&mut d, &Default::default());
        assert_eq!(
            d.message,
            "Variable `sit` is not defined. Available variables: area, page, site"
        );
        assert_eq!(d.label.as_deref(), Some("did you mean `site`?"));
    }

    #[test]
    fn a_loop_of_components_called_with_a_body_is_found() {
        let text = "{% component wrap(n) %}{% <inner n={n}> %}x{% </inner> %}{% endcomponent wrap %}\n{% component inner(n) %}{% <wrap n={n}> %}y{% </wrap> %}{% endcomponent inner %}\n";
        let sources = [(
            "page.html".to_string(),
            TemplateSource {
                display: "themes/t/templates/page.html".to_string(),
                text: text.to_string(),
            },
        )]
        .into_iter()
        .collect();
        let found = component_cycles(&sources);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            found[0].message.contains("inner → wrap → inner"),
            "{}",
            found[0].message
        );
    }

    fn problem(text: &str) -> Option<(String, &str)> {
        tag_problem(text).map(|p| (p.message, &text[p.at]))
    }

    #[test]
    fn finds_the_tag_out_of_place() {
        assert_eq!(
            problem("{% block a %}{% if x %}y{% endblock a %}"),
            Some((
                "`{% if %}` on line 1 is not closed before this `{% endblock %}`".to_string(),
                "endblock"
            ))
        );
        assert_eq!(
            problem("{% block a %}\n{%- for x in y -%}\nz"),
            Some(("`{% for %}` is never closed".to_string(), "for"))
        );
        assert_eq!(
            problem("{% block a %}x{% endif %}{% endblock a %}"),
            Some((
                "`{% endif %}` closes nothing: no `{% if %}` is open here".to_string(),
                "endif"
            ))
        );
        assert_eq!(
            problem("{% import \"m.html\" as m %}"),
            Some(("unknown tag `import`".to_string(), "import"))
        );
        // Regression (found by fuzzing): `{%}` and `{#}` panicked.
        let _ = problem("{%}{#}{% if x %}{%}");
        let _ = problem("{%");
        // Bodies, raw text, comments and bodiless tags are followed right.
        assert_eq!(
            problem(
                "{% raw %}{% if %}{% endraw %}{# {% endif %} #}{% set x = 1 %}{% set y %}a{% endset %}{%- if x -%}a{% elif z %}{% else %}b{% endif -%}{% for a in b %}{% break %}{% else %}{% endfor %}{% component c(a) %}{% endcomponent c %}{% include \"x\" %}"
            ),
            None
        );
    }
}
