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

use crate::diagnostics::{Diagnostic, Location, SourceText, did_you_mean, invisible_control};

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

/// What `key` takes, wherever it is (a key of two tables takes text in both).
pub fn kind_of(key: &str) -> Option<Kind> {
    TOP.iter()
        .chain(MARKDOWN)
        .chain(AREA)
        .chain(PRIORITY)
        .find(|(k, _)| *k == key)
        .map(|(_, kind)| *kind)
}

/// Every key of `site.toml`, in any table.
pub fn every_key() -> Vec<&'static str> {
    let mut keys: Vec<&str> = TOP
        .iter()
        .chain(MARKDOWN)
        .chain(AREA)
        .chain(PRIORITY)
        .map(|(k, _)| *k)
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// Checks the whole document against [`TOP`], removing what is wrong and
/// reporting it. Returns the site-wide keys it reported: those it removed,
/// and those written inside a table by mistake (`per_page` after the last
/// `[[priorities]]`), which are not reported again as missing.
pub fn check(
    document: &mut DeTable<'_>,
    source: &SourceText,
    errors: &mut Vec<Diagnostic>,
) -> Vec<String> {
    let mut cx = Context::new(document, source);
    let within = Within {
        name: String::new(),
        header_line: None,
    };
    let mut reported = check_table(document, TOP, &within, &mut cx, errors);
    settings_in_extra(document, &mut cx, errors);
    reported.append(&mut cx.misplaced);
    reported
}

/// Site-wide settings written after the `[extra]` line, which TOML reads
/// as part of `[extra]`: templates would see `extra.minify` and the site
/// would keep its default. A setting missing from the top that is required
/// is an error there (and not reported again as missing); one that has a
/// default, a warning. One that is also set at the top is left alone: it
/// may well be meant for templates.
fn settings_in_extra(document: &DeTable<'_>, cx: &mut Context, errors: &mut Vec<Diagnostic>) {
    let Some(extra) = document.get("extra") else {
        return;
    };
    let DeValue::Table(extra) = extra.get_ref() else {
        return;
    };
    let Some(header) = cx.header_of("extra") else {
        return;
    };
    for (key, _) in extra.iter() {
        let name = key.get_ref().as_ref();
        let setting = TOP.iter().any(|(k, kind)| {
            *k == name && !matches!(kind, Kind::Table(_) | Kind::Tables(..) | Kind::AnyTable)
        });
        if !setting || document.contains_key(name) {
            continue;
        }
        let required = matches!(name, "title" | "base_url");
        let message = if required {
            format!("`{name}` is a site-wide setting, but here it is inside [extra]")
        } else {
            format!(
                "`{name}` is a site-wide setting, but here it is inside [extra], so it does not set the site's `{name}`"
            )
        };
        let diagnostic = if required {
            cx.misplaced.push(name.to_string());
            Diagnostic::error(message)
        } else {
            Diagnostic::warning(message)
        };
        let span = key.span();
        errors.push(
            diagnostic
                .at(cx.source.locate(span.start, span.end.max(span.start + 1)))
                .field(name)
                .label(format!(
                    "read as part of the [extra] that starts on line {header}: templates see it as `extra.{name}`"
                ))
                .hint(match &cx.first_header {
                    Some((line, text)) => format!(
                        "every line after a [table] or [[table]] line belongs to that table: move this line above line {line} ({text}), with the other site-wide settings"
                    ),
                    None => "move it to the top of site.toml, with the other site-wide settings".to_string(),
                }),
        );
    }
}

/// What the checks of every table share.
struct Context<'s, 't> {
    source: &'s SourceText<'t>,
    /// The line number and text of the first `[table]` or `[[table]]` line:
    /// site-wide settings go above it.
    first_header: Option<(usize, String)>,
    /// The line of each table's first header: `markdown` → 5.
    headers: Vec<(String, usize)>,
    /// Site-wide keys found inside a table.
    misplaced: Vec<String>,
}

impl<'s, 't> Context<'s, 't> {
    fn new(document: &DeTable<'_>, source: &'s SourceText<'t>) -> Self {
        // Each table's header lines, as (line, text); inline tables
        // (`markdown = { … }`) and dotted keys have none.
        let mut headers: Vec<(String, usize, &str)> = Vec::new();
        for (key, value) in document.iter() {
            let starts: Vec<usize> = match value.get_ref() {
                DeValue::Table(_) => vec![value.span().start],
                DeValue::Array(items) if items.iter().all(|i| i.get_ref().is_table()) => {
                    items.iter().map(|i| i.span().start).collect()
                }
                _ => continue,
            };
            if let Some((line, text)) = starts
                .into_iter()
                .map(|start| source.line_at(start))
                .filter(|(_, text)| text.trim_start().starts_with('['))
                .min()
            {
                headers.push((key.get_ref().to_string(), line, text));
            }
        }
        let first_header = headers
            .iter()
            .min_by_key(|(_, line, _)| *line)
            .map(|(_, line, text)| (*line, text.trim().to_string()));
        Context {
            source,
            first_header,
            headers: headers
                .into_iter()
                .map(|(name, line, _)| (name, line))
                .collect(),
            misplaced: Vec::new(),
        }
    }

    fn header_of(&self, table: &str) -> Option<usize> {
        self.headers
            .iter()
            .find(|(name, _)| name == table)
            .map(|(_, line)| *line)
    }
}

/// The table whose keys are checked: `[[areas]]` in messages (empty for
/// the site-wide settings), and the line of its header, if it has one.
struct Within {
    name: String,
    header_line: Option<usize>,
}

/// The 1-based line of `offset` if that line is a `[table]` or `[[table]]` header.
fn header_line(source: &SourceText, offset: usize) -> Option<usize> {
    let (number, line) = source.line_at(offset);
    line.trim_start().starts_with('[').then_some(number)
}

/// Checks `table` against `keys`, removing what is wrong and reporting it.
/// Returns the keys it removed.
fn check_table(
    table: &mut DeTable<'_>,
    keys: &[Key],
    within: &Within,
    cx: &mut Context,
    errors: &mut Vec<Diagnostic>,
) -> Vec<String> {
    let mut wrong = Vec::new();
    for (key, value) in table.iter_mut() {
        let name = key.get_ref().as_ref();
        let Some(&(_, kind)) = keys.iter().find(|(k, _)| *k == name) else {
            let homes = homes(name, &within.name);
            if homes.is_empty() {
                errors.push(unknown_key(key, keys, &within.name, cx.source));
            } else {
                if homes.contains(&SITE_WIDE) {
                    cx.misplaced.push(name.to_string());
                }
                errors.push(misplaced_key(key, &homes, within, cx));
            }
            wrong.push(key.clone());
            continue;
        };
        if let Some(problem) = check_value(name, kind, value, cx, errors) {
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

/// How the site-wide settings are named among the places a key belongs.
const SITE_WIDE: &str = "";

/// The places other than `within` where `name` is a key: [`SITE_WIDE`],
/// `[markdown]`, `[[areas]]`, `[[priorities]]`. Tables themselves
/// (`markdown`, `areas`…) are left out: a key of that name inside a table
/// is something else.
fn homes(name: &str, within: &str) -> Vec<&'static str> {
    let mut homes = Vec::new();
    if !within.is_empty()
        && TOP.iter().any(|(k, kind)| {
            *k == name && !matches!(kind, Kind::Table(_) | Kind::Tables(..) | Kind::AnyTable)
        })
    {
        homes.push(SITE_WIDE);
    }
    for (table, kind) in TOP {
        let (keys, shown) = match kind {
            Kind::Table(keys) => (keys, table_name(table, false)),
            Kind::Tables(keys, _) => (keys, table_name(table, true)),
            _ => continue,
        };
        if shown != within && keys.iter().any(|(k, _)| *k == name) {
            homes.push(shown);
        }
    }
    homes
}

fn table_name(table: &str, list: bool) -> &'static str {
    match (table, list) {
        ("markdown", false) => "[markdown]",
        ("areas", true) => "[[areas]]",
        ("priorities", true) => "[[priorities]]",
        _ => "a table",
    }
}

/// A key written in the wrong place: a site-wide setting after a table's
/// header (TOML reads it as part of that table), or a key of another table.
fn misplaced_key(
    key: &Spanned<std::borrow::Cow<'_, str>>,
    homes: &[&str],
    within: &Within,
    cx: &Context,
) -> Diagnostic {
    let name = key.get_ref().as_ref();
    let span = key.span();
    let here = if within.name.is_empty() {
        "among the site-wide settings".to_string()
    } else {
        format!("in {}", within.name)
    };
    let message = match homes {
        [SITE_WIDE] => format!(
            "`{name}` is a site-wide setting, but here it is inside {}",
            within.name
        ),
        _ => {
            let places: Vec<String> = homes
                .iter()
                .map(|home| {
                    if *home == SITE_WIDE {
                        "among the site-wide settings".to_string()
                    } else {
                        format!("in {home}")
                    }
                })
                .collect();
            format!("`{name}` belongs {}, not {here}", places.join(" or "))
        }
    };
    let label = within.header_line.map(|line| {
        format!(
            "read as part of the {} that starts on line {line}",
            within.name
        )
    });
    let hint = match homes {
        [SITE_WIDE] => match (&cx.first_header, within.header_line) {
            (Some((line, text)), Some(_)) => format!(
                "every line after a [table] or [[table]] line belongs to that table: move this line above line {line} ({text}), with the other site-wide settings"
            ),
            _ => format!(
                "move it out of {}, to the top of site.toml with the other site-wide settings",
                within.name
            ),
        },
        ["[markdown]"] => match cx.header_of("markdown") {
            Some(line) => {
                format!("move this line to just below the [markdown] line (line {line})")
            }
            None => {
                let line = cx
                    .source
                    .text()
                    .get(span.start..)
                    .and_then(|rest| rest.lines().next())
                    .unwrap_or(name)
                    .trim();
                format!(
                    "put it below a [markdown] line at the end of site.toml:\n[markdown]\n{line}"
                )
            }
        },
        ["[[areas]]"] => {
            "move this line into the [[areas]] table of the area it describes".to_string()
        }
        ["[[priorities]]"] => {
            "move this line into the [[priorities]] table of the priority it describes".to_string()
        }
        _ => {
            let allowed = TOP
                .iter()
                .find_map(|(table, kind)| match kind {
                    Kind::Table(keys) if table_name(table, false) == within.name => Some(*keys),
                    Kind::Tables(keys, _) if table_name(table, true) == within.name => Some(*keys),
                    _ => None,
                })
                .unwrap_or(TOP);
            let names: Vec<&str> = allowed.iter().map(|(k, _)| *k).collect();
            format!(
                "move this line there, or delete it; the keys allowed {here} are: {}",
                names.join(", ")
            )
        }
    };
    Diagnostic::error(message)
        .at(cx.source.locate(span.start, span.end.max(span.start + 1)))
        .field(name)
        .maybe_label(label)
        .hint(hint)
}

/// The diagnostic for a value of the wrong type, or `None` if it has the
/// right one (a table or array of tables is checked inside, and its own
/// problems go to `errors`).
fn check_value(
    key: &str,
    kind: Kind,
    value: &mut Spanned<DeValue<'_>>,
    cx: &mut Context,
    errors: &mut Vec<Diagnostic>,
) -> Option<Diagnostic> {
    let source = cx.source;
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
    if let (Kind::Integer, DeValue::Integer(n)) = (kind, value.get_ref())
        && i64::from_str_radix(n.as_str(), n.radix()).is_err()
    {
        // Past what a whole number can hold: the typed read would fail.
        let (message, hint) = super::number_out_of_range(key, n.as_str());
        return Some(Diagnostic::error(message).at(at).field(key).hint(hint));
    }
    if let (Kind::Tables(..), DeValue::Table(_)) = (kind, value.get_ref())
        && header_line(source, span.start).is_some()
        && !source_text(source, span.clone()).starts_with("[[")
    {
        return Some(single_brackets(key, at));
    }
    match (kind, value.get_mut()) {
        (Kind::Text, DeValue::String(_))
        | (Kind::Bool, DeValue::Boolean(_))
        | (Kind::Integer, DeValue::Integer(_))
        | (Kind::Date, DeValue::Datetime(_))
        | (Kind::AnyTable, DeValue::Table(_)) => None,
        (Kind::Table(keys), DeValue::Table(inner)) => {
            let within = Within {
                name: format!("[{key}]"),
                header_line: header_line(source, span.start),
            };
            check_table(inner, keys, &within, cx, errors);
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
                    let within = Within {
                        name: format!("[[{key}]]"),
                        header_line: header_line(source, header.start),
                    };
                    check_table(inner, keys, &within, cx, errors);
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
        (Kind::Text, _) => problem("text", quote_hint(key, &source_text(source, span.clone()))),
        (Kind::Bool, DeValue::String(text)) => problem(
            "true or false",
            format!("write {key} = {}, without quotes", bool_answer(text)),
        ),
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

/// `true` or `false` for a word meaning yes or no (`Yes`, `off`), or
/// "true or false".
pub fn bool_answer(text: &str) -> &'static str {
    match text.trim().to_ascii_lowercase().as_str() {
        "yes" | "true" | "on" | "1" | "y" => "true",
        "no" | "false" | "off" | "0" | "n" => "false",
        _ => "true or false",
    }
}

/// How to write `written` as text: in double quotes, when that gives a
/// value the key takes; for a key that would still refuse it (`timezone =
/// 5`), an example instead.
pub fn quote_hint(key: &str, written: &str) -> String {
    let written = written.trim();
    if super::accepts_text(key, written) {
        let escaped = written.replace('\\', "\\\\").replace('"', "\\\"");
        format!("put it in double quotes: {key} = \"{escaped}\"")
    } else {
        format!(
            "write it in double quotes, e.g. {key} = \"{}\"",
            example_text(key)
        )
    }
}

/// The error for `[areas]` written with one bracket on each side, located
/// at that line.
pub fn single_brackets(table: &str, at: Location) -> Diagnostic {
    let one = match table {
        "priorities" => "priority",
        _ => "area",
    };
    let article = if one == "area" { "an" } else { "a" };
    Diagnostic::error(format!(
        "`[{table}]` has single square brackets: {article} {one} starts with `[[{table}]]`"
    ))
    .at(at)
    .field(table)
    .label(format!("write [[{table}]]"))
    .hint(format!(
        "every {one} in site.toml starts with its own [[{table}]] line, with two square brackets on each side; with one on each side, [{table}] is a single table, not one {one} of a list"
    ))
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

pub fn example_text(key: &str) -> &'static str {
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

pub fn example_number(key: &str) -> &'static str {
    match key {
        "wave" => "1",
        _ => "20",
    }
}

/// `2016-10-4` → `2016-10-04`, if the text is a date written loosely.
pub fn padded_date(text: &str) -> Option<String> {
    let mut parts = text.trim().split('-');
    let year: u16 = parts.next()?.parse().ok()?;
    let month: u8 = parts.next()?.parse().ok()?;
    let day: u8 = parts.next()?.parse().ok()?;
    if parts.next().is_some() || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    Some(format!("{year:04}-{month:02}-{day:02}"))
}
