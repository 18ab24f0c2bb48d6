//! The shape of `site.toml`, checked before it is read into typed structs.
//!
//! In: the parsed document with a byte span for every key and value. Out:
//! one diagnostic for every unknown key and every value of the wrong type,
//! each removed from the document, so that reading what is left cannot fail
//! and the checks after it still run: a `site.toml` with five mistakes gets
//! five messages in one run, not one per run.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diagnostics::{Diagnostic, SourceText, did_you_mean, invisible_control};

/// What a key's value must be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Text,
    Bool,
    Integer,
    Date,
    /// Any table (`[extra]`): not looked into.
    AnyTable,
    /// A table with these keys.
    Table(&'static [Key]),
    /// An array of tables with these keys (`[[areas]]`), the first
    /// `required` of them required.
    Tables(&'static [Key], usize),
}

pub type Key = (&'static str, Kind);

const MARKDOWN: &[Key] = &[("unsafe_html", Kind::Bool)];

/// `slug` and `name` first: they are required.
const AREA: &[Key] = &[
    ("slug", Kind::Text),
    ("name", Kind::Text),
    ("region", Kind::Text),
    ("announced", Kind::Date),
    ("wave", Kind::Integer),
];

const PRIORITY: &[Key] = &[
    ("slug", Kind::Text),
    ("name", Kind::Text),
    ("description", Kind::Text),
];

/// Every key of `site.toml`, in the order the docs list them.
pub const TOP: &[Key] = &[
    ("title", Kind::Text),
    ("description", Kind::Text),
    ("base_url", Kind::Text),
    ("language", Kind::Text),
    ("theme", Kind::Text),
    ("timezone", Kind::Text),
    ("minify", Kind::Bool),
    ("per_page", Kind::Integer),
    ("markdown", Kind::Table(MARKDOWN)),
    ("areas", Kind::Tables(AREA, 2)),
    ("priorities", Kind::Tables(PRIORITY, 2)),
    ("extra", Kind::AnyTable),
];

/// Checks `table` (the whole document, or a table in it, named `within`
/// in messages) against `keys`, removing what is wrong and reporting it.
/// Returns the keys it removed.
pub fn check(
    table: &mut DeTable<'_>,
    keys: &[Key],
    within: &str,
    source: &SourceText,
    errors: &mut Vec<Diagnostic>,
) -> Vec<String> {
    let mut wrong = Vec::new();
    for (key, value) in table.iter_mut() {
        let name = key.get_ref().as_ref();
        let Some(&(_, kind)) = keys.iter().find(|(k, _)| *k == name) else {
            errors.push(unknown_key(key, keys, within, source));
            wrong.push(key.clone());
            continue;
        };
        if let Some(problem) = check_value(name, kind, value, source, errors) {
            errors.push(problem);
            wrong.push(key.clone());
        }
    }
    wrong
        .into_iter()
        .map(|key| {
            table.remove(&key);
            key.into_inner().into_owned()
        })
        .collect()
}

/// The diagnostic for a value of the wrong type, or `None` if it has the
/// right one (a table or array of tables is checked inside, and its own
/// problems go to `errors`).
fn check_value(
    key: &str,
    kind: Kind,
    value: &mut Spanned<DeValue<'_>>,
    source: &SourceText,
    errors: &mut Vec<Diagnostic>,
) -> Option<Diagnostic> {
    let span = value.span();
    let at = source.locate(span.start, span.end.max(span.start + 1));
    let found = describe(value.get_ref());
    let problem = |expected: &str, hint: String| {
        Some(
            Diagnostic::error(format!("`{key}` must be {expected}, not {found}"))
                .at(at.clone())
                .field(key)
                .hint(hint),
        )
    };
    if let (Kind::Text, DeValue::String(text)) = (kind, value.get_ref())
        && let Some(c) = invisible_control(text)
    {
        return Some(
            Diagnostic::error(format!(
                "`{key}` contains an invisible control character (U+{:04X})",
                c as u32
            ))
            .at(at)
            .field(key)
            .hint("delete it (a `\\u` escape makes one): feeds and pages cannot carry it"),
        );
    }
    match (kind, value.get_mut()) {
        (Kind::Text, DeValue::String(_))
        | (Kind::Bool, DeValue::Boolean(_))
        | (Kind::Integer, DeValue::Integer(_))
        | (Kind::Date, DeValue::Datetime(_))
        | (Kind::AnyTable, DeValue::Table(_)) => None,
        (Kind::Table(keys), DeValue::Table(inner)) => {
            check(inner, keys, &format!("[{key}]"), source, errors);
            None
        }
        (Kind::Tables(keys, required), DeValue::Array(items))
            if items.iter().all(|item| item.get_ref().is_table()) =>
        {
            for item in items.iter_mut() {
                // The span of a `[[areas]]` table is its header.
                let header = item.span();
                if let DeValue::Table(inner) = item.get_mut() {
                    let present: Vec<&str> =
                        inner.iter().map(|(k, _)| k.get_ref().as_ref()).collect();
                    for (name, _) in &keys[..required] {
                        if !present.contains(name) && !misspelt(name, &present, keys) {
                            errors.push(missing(name, key, header.clone(), source));
                        }
                    }
                    check(inner, keys, &format!("[[{key}]]"), source, errors);
                }
            }
            None
        }
        (Kind::Text, DeValue::Array(items)) => {
            let first = items
                .iter()
                .find_map(|item| item.get_ref().as_str().map(str::to_string));
            problem(
                "text",
                format!(
                    "write one piece of text in double quotes, without brackets: {key} = \"{}\"",
                    first.unwrap_or_else(|| example_text(key).to_string())
                ),
            )
        }
        (Kind::Text, DeValue::Table(_)) => problem(
            "text",
            format!(
                "write one piece of text in double quotes, e.g. {key} = \"{}\"",
                example_text(key)
            ),
        ),
        (Kind::Text, _) => problem(
            "text",
            format!(
                "put it in double quotes: {key} = \"{}\"",
                source_text(source, span.clone())
            ),
        ),
        (Kind::Bool, DeValue::String(text)) => {
            let answer = match text.to_ascii_lowercase().as_str() {
                "yes" | "true" | "on" | "1" => "true",
                "no" | "false" | "off" | "0" => "false",
                _ => "true or false",
            };
            problem(
                "true or false",
                format!("write {key} = {answer}, without quotes"),
            )
        }
        (Kind::Bool, _) => problem(
            "true or false",
            format!("write {key} = true or {key} = false"),
        ),
        (Kind::Integer, DeValue::String(text)) if text.trim().parse::<i64>().is_ok() => problem(
            "a whole number",
            format!("remove the quotes: {key} = {}", text.trim()),
        ),
        (Kind::Integer, _) => problem(
            "a whole number",
            format!(
                "write a whole number without quotes, e.g. {key} = {}",
                example_number(key)
            ),
        ),
        (Kind::Date, DeValue::String(text)) => problem(
            "a date",
            match padded_date(text) {
                Some(date) => format!(
                    "write dates without quotes, with two-digit months and days: {key} = {date}"
                ),
                None => format!("write dates without quotes, e.g. {key} = 2016-10-04"),
            },
        ),
        (Kind::Date, _) => problem(
            "a date",
            format!("write the date without quotes, e.g. {key} = 2016-10-04"),
        ),
        (Kind::Table(_) | Kind::AnyTable, _) => problem(
            "a table",
            format!("write it as a table: a line [{key}] with its keys on the lines below"),
        ),
        (Kind::Tables(..), _) => problem(
            "a list of tables",
            format!("declare each one in a table of its own, starting with a line [[{key}]]"),
        ),
    }
}

/// Whether one of the `present` keys is an unknown one whose did-you-mean
/// is `name` (`nme` for `name`): it is reported as unknown, with the
/// suggestion, and `name` should not be reported again as missing.
pub fn misspelt(name: &str, present: &[&str], keys: &[Key]) -> bool {
    present.iter().any(|p| {
        !keys.iter().any(|(k, _)| k == p)
            && did_you_mean(p, keys.iter().map(|(k, _)| *k)) == Some(name)
    })
}

fn unknown_key(
    key: &Spanned<std::borrow::Cow<'_, str>>,
    keys: &[Key],
    within: &str,
    source: &SourceText,
) -> Diagnostic {
    let name = key.get_ref().as_ref();
    let span = key.span();
    let names: Vec<&str> = keys.iter().map(|(k, _)| *k).collect();
    let suggestion = did_you_mean(name, names.iter().copied());
    let place = if within.is_empty() {
        "site.toml".to_string()
    } else {
        format!("{within} in site.toml")
    };
    Diagnostic::error(format!("unknown key `{name}` in {place}"))
        .at(source.locate(span.start, span.end.max(span.start + 1)))
        .field(name)
        .maybe_label(suggestion.map(|s| format!("did you mean `{s}`?")))
        .hint(format!("the keys allowed here are: {}", names.join(", ")))
}

/// How a value is named in a message: "the text \"yes\"", "the number 3".
fn describe(value: &DeValue<'_>) -> String {
    match value {
        DeValue::String(text) => format!("the text \"{}\"", clip(text)),
        DeValue::Integer(n) => format!("the number {}", n.as_str()),
        DeValue::Float(n) => format!("the number {}", n.as_str()),
        DeValue::Boolean(b) => format!("`{b}`"),
        DeValue::Datetime(d) => format!("the date {d}"),
        DeValue::Array(_) => "a list".to_string(),
        DeValue::Table(_) => "a table".to_string(),
    }
}

fn clip(text: &str) -> String {
    match text.char_indices().nth(40) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

fn source_text(source: &SourceText, span: Range<usize>) -> String {
    source.text().get(span).unwrap_or_default().to_string()
}

fn example_text(key: &str) -> &'static str {
    match key {
        "slug" => "derby",
        "title" => "Opportunity Areas",
        "base_url" => "https://opportunity-areas.example/",
        "timezone" => "Europe/London",
        "language" => "en-GB",
        "theme" => "opportunity",
        _ => "Derby",
    }
}

/// A required key missing from the `[[within]]` table whose header is at
/// `header`.
fn missing(key: &str, within: &str, header: Range<usize>, source: &SourceText) -> Diagnostic {
    let what = match within {
        "areas" => "area",
        "priorities" => "priority",
        _ => within,
    };
    Diagnostic::error(format!("this {what} has no `{key}`"))
        .at(source.locate(header.start, header.end.max(header.start + 1)))
        .field(key)
        .hint(format!(
            "add a line under [[{within}]], e.g. {key} = \"{}\"",
            match (what, key) {
                ("priority", "slug") => "early-years",
                ("priority", _) => "Early years",
                (_, "slug") => "derby",
                _ => "Derby",
            }
        ))
}

fn example_number(key: &str) -> &'static str {
    match key {
        "wave" => "1",
        _ => "20",
    }
}

/// `2016-10-4` → `2016-10-04`, if the text is a date written loosely.
fn padded_date(text: &str) -> Option<String> {
    let mut parts = text.trim().split('-');
    let year: u16 = parts.next()?.parse().ok()?;
    let month: u8 = parts.next()?.parse().ok()?;
    let day: u8 = parts.next()?.parse().ok()?;
    if parts.next().is_some() || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    Some(format!("{year:04}-{month:02}-{day:02}"))
}
