//! Arguments Tera does not know: `join(sepp="-")` or `truncate(length=3,
//! ending="…")`. Tera ignores an argument a filter does not take, so a
//! misspelt one silently falls back to its default and the page comes out
//! wrong without a word. Each is a warning at its place in the template.
//!
//! In: the site's own templates. Out: warnings. The names each built-in
//! filter, test and function takes are Tera 2.4's (read from its source),
//! and `json_encode`'s, oasis's own.

use std::collections::BTreeMap;

use super::theme::TemplateSource;
use crate::diagnostics::{Diagnostic, SourceText};

/// What a filter, test or function is called with, and the names it takes.
const TAKES: &[(&str, &[&str])] = &[
    ("default", &["value", "boolean"]),
    ("pluralize", &["singular", "plural"]),
    ("trim", &["pat"]),
    ("trim_start", &["pat"]),
    ("trim_end", &["pat"]),
    ("replace", &["from", "to"]),
    ("truncate", &["length", "end"]),
    ("indent", &["width", "first", "blank", "indentation"]),
    ("int", &["base"]),
    ("split", &["pat"]),
    ("round", &["method", "precision"]),
    ("nth", &["n"]),
    ("join", &["sep"]),
    ("sort", &["attribute"]),
    ("get", &["key", "default"]),
    ("group_by", &["attribute"]),
    ("json_encode", &["pretty"]),
    ("range", &["start", "end", "step_by"]),
    ("throw", &["message"]),
    ("divisible_by", &["divisor"]),
    ("starting_with", &["pat"]),
    ("ending_with", &["pat"]),
    ("containing", &["pat"]),
    ("safe", &[]),
    ("upper", &[]),
    ("lower", &[]),
    ("wordcount", &[]),
    ("escape", &[]),
    ("escape_html", &[]),
    ("escape_xml", &[]),
    ("newlines_to_br", &[]),
    ("capitalize", &[]),
    ("title", &[]),
    ("str", &[]),
    ("float", &[]),
    ("length", &[]),
    ("reverse", &[]),
    ("abs", &[]),
    ("first", &[]),
    ("last", &[]),
    ("unique", &[]),
    ("values", &[]),
    ("keys", &[]),
    ("pairs", &[]),
];

/// Tera's functions, called by name alone.
const FUNCTIONS: &[&str] = &["range", "throw"];

/// A warning for each argument of a built-in filter, test or function in
/// the site's own templates that it does not take.
pub fn unknown_arguments(sources: &BTreeMap<String, TemplateSource>) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    for source in sources.values() {
        if source.display.ends_with("(built into oasis)") {
            continue;
        }
        let text = SourceText::new(&source.display, &source.text);
        for (start, end) in tags(&source.text) {
            for call in calls(&source.text, start, end) {
                let Some((_, takes)) = TAKES.iter().find(|(name, _)| *name == call.name) else {
                    continue;
                };
                for (argument, at) in call.arguments {
                    if takes.contains(&argument.as_str()) {
                        continue;
                    }
                    let suggestion =
                        crate::diagnostics::did_you_mean(&argument, takes.iter().copied());
                    let takes_text = match takes {
                        [] => "none".to_string(),
                        names => names
                            .iter()
                            .map(|n| format!("`{n}`"))
                            .collect::<Vec<_>>()
                            .join(", "),
                    };
                    warnings.push(
                        Diagnostic::warning(format!(
                            "`{}` has no argument `{argument}`, so it is ignored",
                            call.name
                        ))
                        .at(text.locate(at, at + argument.len()))
                        .maybe_label(suggestion.map(|s| format!("did you mean `{s}`?")))
                        .hint(format!(
                            "the arguments `{}` takes: {takes_text} (docs/TEMPLATES.md)",
                            call.name
                        )),
                    );
                }
            }
        }
    }
    warnings
}

/// The byte ranges of the `{{ … }}` and `{% … %}` tags of a template, but
/// what `{% raw %}` keeps as text and comments.
fn tags(text: &str) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(open) = text[i..].find('{') {
        let start = i + open;
        let close = match text[start..].get(..2) {
            Some("{{") => "}}",
            Some("{%") => "%}",
            Some("{#") => {
                i = text[start..]
                    .find("#}")
                    .map_or(text.len(), |e| start + e + 2);
                continue;
            }
            _ => {
                i = start + 1;
                continue;
            }
        };
        let end = text[start + 2..]
            .find(close)
            .map_or(text.len(), |e| start + 2 + e);
        let inner = text[start + 2..end].trim_matches(|c: char| c == '-' || c.is_whitespace());
        if close == "%}" && inner == "raw" {
            i = text[end..].find("endraw").map_or(text.len(), |e| end + e);
            continue;
        }
        found.push((start + 2, end));
        i = (end + 2).min(text.len());
    }
    found
}

/// A call with named arguments: `join(sep=", ")`, each argument's name
/// with its byte offset.
struct Call {
    name: String,
    arguments: Vec<(String, usize)>,
}

/// The calls in `text[start..end]`: a name directly followed by `(`.
fn calls(text: &str, start: usize, end: usize) -> Vec<Call> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut quote: Option<u8> = None;
    let mut i = start;
    while i < end {
        if let Some(next) = in_quotes(bytes, i, &mut quote) {
            i = next;
            continue;
        }
        if bytes[i] == b'(' {
            let name_start = text[start..i]
                .trim_end()
                .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .map_or(start, |p| start + p + 1);
            let name = text[name_start..i].trim_end();
            // A filter (`| join(`), a test (`is divisible_by(`) or a
            // function (`range(`): not a component's definition
            // (`{% component title(level=2) %}`) or a call of one.
            let before = text[start..name_start].trim_end();
            let placed = before.ends_with('|')
                || before.ends_with(" is")
                || before.ends_with(" not")
                || FUNCTIONS.contains(&name);
            if placed
                && !before.trim_start().starts_with("component")
                && !name.is_empty()
                && !name.starts_with(|c: char| c.is_ascii_digit())
            {
                found.push(Call {
                    name: name.to_string(),
                    arguments: arguments(text, i + 1, end),
                });
            }
        }
        i += 1;
    }
    found
}

/// Steps through quoted text: the index to go on from when `bytes[i]` is
/// in quotes (`quote` is the open one) or opens them, or `None`.
fn in_quotes(bytes: &[u8], i: usize, quote: &mut Option<u8>) -> Option<usize> {
    let b = bytes[i];
    match *quote {
        Some(_) if b == b'\\' => Some(i + 2),
        Some(q) => {
            if b == q {
                *quote = None;
            }
            Some(i + 1)
        }
        None if matches!(b, b'"' | b'\'' | b'`') => {
            *quote = Some(b);
            Some(i + 1)
        }
        None => None,
    }
}

/// The names given to arguments (`name=`, not `==`) at the top level of the
/// parentheses opened just before `from`.
fn arguments(text: &str, from: usize, end: usize) -> Vec<(String, usize)> {
    let bytes = text.as_bytes();
    let mut names = Vec::new();
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    let mut i = from;
    while i < end {
        if let Some(next) = in_quotes(bytes, i, &mut quote) {
            i = next;
            continue;
        }
        match bytes[i] {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' if depth == 0 => break,
            b')' | b']' | b'}' => depth -= 1,
            b'=' if depth == 0
                && bytes.get(i + 1) != Some(&b'=')
                && !matches!(
                    bytes.get(i.wrapping_sub(1)),
                    Some(b'=' | b'!' | b'<' | b'>')
                ) =>
            {
                let before = text[from..i].trim_end();
                let name_start = before
                    .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .map_or(0, |p| p + 1);
                let name = &before[name_start..];
                if !name.is_empty() {
                    names.push((name.to_string(), from + name_start));
                }
            }
            _ => {}
        }
        i += 1;
    }
    names
}

#[cfg(test)]
mod tests {
    use super::{arguments, calls, tags};

    fn named(template: &str) -> Vec<(String, Vec<String>)> {
        tags(template)
            .into_iter()
            .flat_map(|(start, end)| calls(template, start, end))
            .map(|call| {
                (
                    call.name,
                    call.arguments.into_iter().map(|(name, _)| name).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn finds_each_call_and_the_names_of_its_arguments() {
        assert_eq!(
            named("{{ a | join(sepp=\"-\") }} text (x=1) {% for i in range(end=3, step_by=1) %}"),
            [
                ("join".to_string(), vec!["sepp".to_string()]),
                (
                    "range".to_string(),
                    vec!["end".to_string(), "step_by".to_string()]
                ),
            ]
        );
        // Comparisons, strings, nested calls and raw text are not names.
        assert_eq!(
            named(
                "{% if x == 1 and y | f(a=\"b=c\", d=[1, 2]) %}{# join(q=1) #}{% raw %}{{ join(z=1) }}{% endraw %}"
            ),
            [("f".to_string(), vec!["a".to_string(), "d".to_string()])]
        );
        // A component's definition is not a call of a filter.
        assert!(named("{% component title(text, level=2) %}{% endcomponent title %}").is_empty());
        assert_eq!(
            named("{% if loop.index is divisible_by(divisor=3) %}"),
            [("divisible_by".to_string(), vec!["divisor".to_string()])]
        );
        let text = "truncate(length=3, ending=\"..\")";
        assert_eq!(
            arguments(text, 9, text.len()),
            [("length".to_string(), 9), ("ending".to_string(), 19)]
        );
    }
}
