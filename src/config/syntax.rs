//! `site.toml`'s syntax errors, told in plain words.
//!
//! In: the TOML parser's error and the text of `site.toml`. Out: one
//! diagnostic. The mistakes people make typing TOML by hand (curly
//! quotation marks, `[areas]` for `[[areas]]`, a key given twice, text
//! without quotation marks, `:` for `=`, a comma after a value) are named at
//! the parser's place, or at the mistake when the parser finds it later,
//! with the line to write instead. Anything else keeps the parser's words
//! and points to the TOML documentation.

use super::shape::{self, Kind};
use crate::diagnostics::{Diagnostic, SourceText, did_you_mean};

/// How many dotted parts the TOML parser allows in a key (its `LIMIT`).
const TOML_KEY_PARTS: usize = 80;

const CURLY: [char; 4] = ['“', '”', '‘', '’'];

/// The diagnostic for a TOML error in `site.toml`.
pub fn explain(source: &SourceText, error: &toml::de::Error) -> Diagnostic {
    let message = error.message().trim();
    let Some(span) = error.span() else {
        if message == "recursion limit"
            && let Some((line, column, width)) = deepest_dotted_key(source.text())
        {
            // The parser gives no place for a key of too many parts.
            return Diagnostic::error(format!(
                "site.toml: a key or table header with more than {TOML_KEY_PARTS} dotted parts"
            ))
            .at(source.locate_line_col(line, column, width))
            .hint("shorten the key: site.toml's tables are [markdown], [[areas]], [[priorities]] and [extra]");
        }
        return unexplained(message).at(source.locate_line_col(1, 1, 1));
    };
    let lines = Lines::new(source.text());
    let line = lines.at(span.start);
    let duplicate = || {
        message
            .starts_with("duplicate key")
            .then(|| duplicate_key(source, &lines, line, span.clone()))
            .flatten()
    };
    curly_quotes(source, line)
        .or_else(duplicate)
        .or_else(|| in_words(message, source, &lines, line, span.start))
        .unwrap_or_else(|| {
            unexplained(message).at(source.locate(span.start, span.end.max(span.start + 1)))
        })
}

fn unexplained(message: &str) -> Diagnostic {
    Diagnostic::error(format!("site.toml: {message}"))
        .hint("site.toml is TOML: see https://toml.io for its syntax")
}

/// One line of the file: its number (from 1), where it starts, and its
/// text without the line break.
#[derive(Clone, Copy)]
struct Line<'a> {
    number: usize,
    start: usize,
    text: &'a str,
}

impl<'a> Line<'a> {
    /// The line without leading space, and where that starts in the file.
    fn content(&self) -> (usize, &'a str) {
        let text = self.text.trim_start_matches('\u{feff}');
        let trimmed = text.trim_start();
        (
            self.start + self.text.len() - trimmed.len(),
            trimmed.trim_end(),
        )
    }

    /// The key of a `key = value` line, without quotes.
    fn key(&self) -> Option<&'a str> {
        let (_, content) = self.content();
        if content.starts_with(['[', '#']) {
            return None;
        }
        let (key, _) = content.split_once('=')?;
        Some(unquote(key.trim()))
    }

    /// The value of a `key = value` line, as written, and where it starts.
    fn value(&self) -> Option<(usize, &'a str)> {
        self.key()?;
        let equals = self.text.find('=')?;
        let after = &self.text[equals + 1..];
        let value = after.trim_start();
        let start = self.start + equals + 1 + after.len() - value.len();
        Some((start, value.trim_end()))
    }

    /// A `[table]` line's name and whether it has double brackets.
    fn header(&self) -> Option<(&'a str, bool)> {
        let (_, content) = self.content();
        let content = content.split('#').next().unwrap_or_default().trim_end();
        if let Some(inner) = content.strip_prefix("[[") {
            return Some((unquote(inner.strip_suffix("]]")?.trim()), true));
        }
        let inner = content.strip_prefix('[')?.strip_suffix(']')?;
        Some((unquote(inner.trim()), false))
    }
}

fn unquote(key: &str) -> &str {
    key.strip_prefix('"')
        .and_then(|k| k.strip_suffix('"'))
        .or_else(|| key.strip_prefix('\'').and_then(|k| k.strip_suffix('\'')))
        .unwrap_or(key)
}

struct Lines<'a> {
    lines: Vec<Line<'a>>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        let mut start = 0;
        let lines = text
            .split('\n')
            .enumerate()
            .map(|(index, raw)| {
                let line = Line {
                    number: index + 1,
                    start,
                    text: raw.strip_suffix('\r').unwrap_or(raw),
                };
                start += raw.len() + 1;
                line
            })
            .collect();
        Lines { lines }
    }

    /// The line that holds byte `offset`.
    fn at(&self, offset: usize) -> Line<'a> {
        let index = self
            .lines
            .partition_point(|line| line.start <= offset)
            .saturating_sub(1);
        self.lines[index]
    }

    /// The lines before `line`, nearest first.
    fn before(&self, line: Line<'a>) -> impl Iterator<Item = Line<'a>> + '_ {
        self.lines[..line.number - 1].iter().rev().copied()
    }
}

/// A value in curly quotation marks (`title = “Opportunity Areas”`), or
/// ending with one (`"Derby”`): word processors type them, TOML does not
/// read them as quotation marks.
fn curly_quotes(source: &SourceText, line: Line) -> Option<Diagnostic> {
    let key = line.key()?;
    let (start, value) = line.value()?;
    let first = value.chars().next()?;
    let last = value.chars().next_back()?;
    let opens = CURLY.contains(&first);
    let closes = value.chars().count() > 1
        && CURLY.contains(&last)
        && (opens || matches!(first, '"' | '\'') && value.matches(first).count() == 1);
    if !opens && !closes {
        return None;
    }
    let single = [first, last].iter().any(|c| matches!(c, '‘' | '’'))
        && ![first, last].iter().any(|c| matches!(c, '“' | '”'));
    let marks = if single { "(‘ ’)" } else { "(“ ”)" };
    let inner = value[first.len_utf8()..]
        .strip_suffix(|c: char| c == last && (CURLY.contains(&c) || c == '"' || c == '\''))
        .unwrap_or(&value[first.len_utf8()..]);
    let fixed = format!("{key} = \"{}\"", escape(inner));
    let (message, hint) = if opens && (closes || last == '"' || last == '\'') {
        (
            format!(
                "`{key}` is in curly quotation marks {marks}, which TOML does not read as quotation marks"
            ),
            format!("type straight double quotes in place of the curly ones: {fixed}"),
        )
    } else {
        let which = if opens { first } else { last };
        (
            format!(
                "`{key}` has a curly quotation mark ({which}), which TOML does not read as a quotation mark"
            ),
            format!("type a straight double quote in its place: {fixed}"),
        )
    };
    Some(
        Diagnostic::error(message)
            .at(source.locate(start, start + value.len()))
            .field(key)
            .hint(hint),
    )
}

/// Text made ready to go between double quotes.
fn escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

/// "duplicate key": `[areas]` written for `[[areas]]`, a `[table]` given
/// twice, or a key given twice in one table, named with both its lines.
fn duplicate_key(
    source: &SourceText,
    lines: &Lines,
    line: Line,
    span: std::ops::Range<usize>,
) -> Option<Diagnostic> {
    let name = unquote(source.text().get(span.clone())?.trim());
    let at = source.locate(span.start, span.end.max(span.start + 1));
    if line.header().is_some() {
        if matches!(name, "areas" | "priorities") {
            // `[areas]` makes one table, which the next `[[areas]]` (or the
            // previous one) then clashes with: the mistake is the single one.
            let single = lines
                .lines
                .iter()
                .find(|l| l.header() == Some((name, false)))?;
            let (start, content) = single.content();
            let content = content.split('#').next().unwrap_or_default().trim_end();
            return Some(shape::single_brackets(
                name,
                source.locate(start, start + content.len()),
            ));
        }
        let Some(first) = lines
            .before(line)
            .find(|l| l.header().is_some_and(|(n, _)| n == name))
        else {
            // `markdown = …` and then `[markdown]`.
            return Some(
                Diagnostic::error(format!("`{name}` is given twice"))
                    .at(at)
                    .field(name)
                    .hint(format!(
                        "keep either the [{name}] line, with its keys below it, or the line `{name} = …`, and delete the other"
                    )),
            );
        };
        return Some(
            Diagnostic::error(format!(
                "`[{name}]` appears twice, on lines {} and {}",
                first.number, line.number
            ))
            .at(at)
            .field(name)
            .hint(format!(
                "keep one [{name}] line, with all its keys below it, and delete the other"
            )),
        );
    }
    // The table the key is in: the nearest header above it.
    let mut first = None;
    let mut table = None;
    for before in lines.before(line) {
        if before.header().is_some() {
            table = Some(before);
            break;
        }
        if before.key() == Some(name) {
            first = Some(before.number);
        }
    }
    let lines_named = first.map_or(String::new(), |first| {
        format!(", on lines {first} and {}", line.number)
    });
    let (message, hint) = match table.and_then(|t| t.header()) {
        Some((list @ ("areas" | "priorities"), true)) => {
            let one = if list == "areas" { "area" } else { "priority" };
            (
                format!("`{name}` is given twice in one {one}{lines_named}"),
                format!(
                    "{} {one} has one `{name}`: keep the right line and delete the other; if the second line starts another {one}, put a [[{list}]] line above it",
                    if one == "area" { "an" } else { "a" }
                ),
            )
        }
        Some((table, double)) => {
            let shown = if double {
                format!("[[{table}]]")
            } else {
                format!("[{table}]")
            };
            (
                format!("`{name}` is given twice in {shown}{lines_named}"),
                "each key may be given once in a table: keep the right line and delete the other"
                    .to_string(),
            )
        }
        None => (
            format!("`{name}` is given twice{lines_named}"),
            "each setting may be given once: keep the right line and delete the other".to_string(),
        ),
    };
    Some(
        Diagnostic::error(message)
            .at(at)
            .field(name)
            .label(format!("the second `{name}`"))
            .hint(hint),
    )
}

/// The parser's other errors that people make by hand, named in words.
fn in_words(
    message: &str,
    source: &SourceText,
    lines: &Lines,
    line: Line,
    offset: usize,
) -> Option<Diagnostic> {
    let at = || source.locate(offset, offset + 1);
    let description = message.split(", expected").next().unwrap_or(message);
    if message.starts_with("unclosed table")
        || message.starts_with("unclosed array table")
        || line.content().1.starts_with('[') && description == "unexpected key or value"
    {
        return Some(brackets(source, line));
    }
    if matches!(
        description,
        "missing comma between array elements" | "unclosed array"
    ) {
        return list_problem(source, lines, line, offset, description == "unclosed array");
    }
    if description.starts_with("invalid multi-line") {
        return unclosed_triple_quotes(source, lines);
    }
    if description == "key with no value" {
        return Some(no_equals(source, lines, line, offset));
    }
    if matches!(
        description,
        "invalid unquoted key" | "unquoted keys cannot be empty"
    ) {
        return Some(bad_key(source, line));
    }
    let key = line.key()?;
    if description == "extra `=`" {
        let value = line.value()?.1.trim_start_matches(['=', ' ', '\t']);
        return Some(
            Diagnostic::error(format!("`{key}` is followed by more than one `=`"))
                .at(at())
                .field(key)
                .hint(format!("write one: {key} = {value}")),
        );
    }
    let (value_start, value) = line.value()?;
    let value_at = || {
        let value = value.split(" #").next().unwrap_or(value).trim_end();
        source.locate(value_start, value_start + value.len().max(1))
    };
    let value_error = [
        "string values must be quoted",
        "invalid float",
        "invalid boolean",
        "invalid integer",
        "invalid date",
        "invalid time",
        "invalid mantissa",
        "invalid fraction",
        "invalid exponent",
        "unexpected leading zero",
        "missing value",
    ]
    .iter()
    .any(|start| description.starts_with(start));
    if value_error && offset >= value_start {
        return Some(bad_value(key, value, value_at()));
    }
    if description.starts_with("invalid basic string")
        || description.starts_with("invalid literal string")
    {
        let quote = if value.starts_with('\'') { "'" } else { "\"" };
        // Just after the text, where the quotation mark is missing (the
        // parser points at the line's end, past a CRLF file's `\r`).
        let end = value_start + value.len();
        return Some(
            Diagnostic::error(format!("the text of `{key}` has no closing quotation mark"))
                .at(source.locate(end, end + 1))
                .field(key)
                .hint(format!(
                    "end the text with {quote} on the same line: {key} = {value}{quote}"
                )),
        );
    }
    if description.starts_with("missing escaped value")
        || description.starts_with("too few unicode value digits")
        || message.contains("unicode hexadecimal value")
    {
        let text = value
            .strip_prefix('"')
            .map(|v| v.strip_suffix('"').unwrap_or(v))
            .unwrap_or(value);
        return Some(
            Diagnostic::error(format!(
                "the text of `{key}` has a backslash (\\), which starts a special character in double quotes"
            ))
            .at(at())
            .field(key)
            .hint(if text.contains('\'') {
                format!("write two backslashes for one: {key} = \"{}\"", text.replace('\\', "\\\\"))
            } else {
                format!("put the text in single quotes, which read a backslash as it is: {key} = '{text}'")
            }),
        );
    }
    if description == "missing opening quote"
        && let Some(text) = value.strip_suffix('"')
        && !text.contains('"')
    {
        return Some(
            Diagnostic::error(format!("the text of `{key}` has no opening quotation mark"))
                .at(at())
                .field(key)
                .hint(format!(
                    "put a quotation mark at the start too: {key} = \"{}\"",
                    text.trim()
                )),
        );
    }
    if description == "unexpected key or value" {
        return Some(after_value(key, value, source.text().get(offset..)?, at()));
    }
    None
}

/// A value that TOML cannot read: text without quotation marks, `yes` for
/// `true`, a date written another way.
fn bad_value(key: &str, value: &str, at: crate::diagnostics::Location) -> Diagnostic {
    let written = value.split(" #").next().unwrap_or(value).trim();
    if written.is_empty() {
        let example = match shape::kind_of(key) {
            Some(Kind::Bool) => "true".to_string(),
            Some(Kind::Integer) => shape::example_number(key).to_string(),
            Some(Kind::Date) => "2016-10-04".to_string(),
            _ => format!("\"{}\"", shape::example_text(key)),
        };
        return Diagnostic::error(format!("`{key}` has no value"))
            .at(at)
            .field(key)
            .hint(format!("write its value after `=`, e.g. {key} = {example}"));
    }
    let (message, hint) = match shape::kind_of(key) {
        Some(Kind::Bool) => (
            format!("`{key}` must be true or false, not {written}"),
            match shape::bool_answer(written) {
                "true or false" => {
                    format!("write {key} = true or {key} = false, in lower case and without quotes")
                }
                answer => format!("write {key} = {answer}, in lower case and without quotes"),
            },
        ),
        Some(Kind::Integer) => (
            format!("`{key}` must be a whole number, not {written}"),
            match written.replace([' ', ',', '_'], "").parse::<i64>() {
                Ok(n) => format!("write the number without spaces or commas: {key} = {n}"),
                Err(_) => format!(
                    "write a whole number in figures, e.g. {key} = {}",
                    shape::example_number(key)
                ),
            },
        ),
        Some(Kind::Date) => (
            format!("`{key}` must be a date written year-month-day, not {written}"),
            match shape::padded_date(written).or_else(|| day_first(written)) {
                Some(date) => format!(
                    "write the year first, with two-digit months and days, and no quotes: {key} = {date}"
                ),
                None => format!(
                    "write the date as year-month-day, without quotes, e.g. {key} = 2016-10-04"
                ),
            },
        ),
        _ => (
            format!("the text of `{key}` is not in quotation marks"),
            shape::quote_hint(key, written),
        ),
    };
    Diagnostic::error(message).at(at).field(key).hint(hint)
}

/// `4/10/2016` or `04.10.2016` (day first, as in Britain) → `2016-10-04`.
fn day_first(text: &str) -> Option<String> {
    let parts: Vec<&str> = text.split(['/', '.', '-']).collect();
    let [day, month, year] = parts[..] else {
        return None;
    };
    let (day, month, year): (u8, u8, u16) =
        (day.parse().ok()?, month.parse().ok()?, year.parse().ok()?);
    ((1..=31).contains(&day) && (1..=12).contains(&month) && year >= 1000)
        .then(|| format!("{year:04}-{month:02}-{day:02}"))
}

/// A line with no `=` where the parser wanted one: `title: "…"` (the
/// front-matter way), `page size = 10`, `title "…"`, or the second half of
/// text broken over two lines.
fn no_equals(source: &SourceText, lines: &Lines, line: Line, offset: usize) -> Diagnostic {
    let (content_start, content) = line.content();
    let at = source.locate(offset, offset + 1);
    if let Some((key, rest)) = content.split_once(':')
        && !key.contains(['"', '\'', '='])
        && !key.trim().contains(char::is_whitespace)
    {
        let key = key.trim();
        return Diagnostic::error(format!(
            "`{key}` is followed by `:`; site.toml joins a key to its value with `=`"
        ))
        .at(at)
        .field(key)
        .hint(format!("write {key} = {}", rest.trim()));
    }
    if let Some((key, _)) = content.split_once('=')
        && let key = key.trim()
        && key.contains(char::is_whitespace)
        && !key.contains(['"', '\''])
    {
        let joined = key.split_whitespace().collect::<Vec<_>>().join("_");
        let known = shape::every_key();
        let suggestion = did_you_mean(&joined, known.iter().copied());
        return Diagnostic::error(format!("a key cannot have spaces: `{key}`"))
            .at(source.locate(content_start, content_start + key.len()))
            .maybe_label(suggestion.map(|s| format!("did you mean `{s}`?")))
            .hint(format!(
                "a key is one word, or words joined by underscores, as in per_page = 20: {} = …",
                suggestion.unwrap_or(&joined)
            ));
    }
    // Text whose closing quotation mark is on the next line: TOML reads the
    // rest of the line above as text, and this line as a key.
    if let Some(above) = lines.before(line).next()
        && let (Some(key), Some((start, value))) = (above.key(), above.value())
        && value.starts_with('"')
        && !value.starts_with("\"\"\"")
        && value.matches('"').count() == 1
    {
        return Diagnostic::error(format!(
            "the text of `{key}` runs on to line {}",
            line.number
        ))
        .at(source.locate(start, start + value.len()))
        .field(key)
        .hint(format!(
            "text in site.toml stays on one line: join the two lines, with the closing quotation mark at the end ({key} = {value} {}); for text over several lines, put three quotation marks (\"\"\") at each end",
            content
        ));
    }
    match content.split_once(char::is_whitespace) {
        Some((key, rest)) if !rest.trim().is_empty() => Diagnostic::error(format!(
            "this line has no `=` between `{key}` and its value"
        ))
        .at(at)
        .hint(format!("write {key} = {}", rest.trim())),
        _ => Diagnostic::error("this line has a word but no `=` and value")
            .at(at)
            .hint("each line of site.toml is a key, `=` and a value (title = \"Opportunity Areas\"), a [table] line, or a comment starting with #; if this line continues the one above, join them"),
    }
}

/// Something after a value on its line: a comma, or text that goes on
/// after a quotation mark inside it.
fn after_value(key: &str, value: &str, rest: &str, at: crate::diagnostics::Location) -> Diagnostic {
    if rest.starts_with(',') {
        let number = matches!(shape::kind_of(key), Some(Kind::Integer))
            .then(|| value.replace([',', '_', ' '], "").parse::<i64>().ok())
            .flatten();
        let before_comma = value.split(',').next().unwrap_or(value).trim_end();
        return Diagnostic::error(format!("there is a comma after the value of `{key}`"))
            .at(at)
            .field(key)
            .hint(match number {
                Some(n) if value.trim_end_matches(',').contains(',') => {
                    format!("write the number without commas: {key} = {n}")
                }
                _ => format!(
                    "remove the comma: each key and its value go on a line of their own, with nothing after them: {key} = {before_comma}"
                ),
            });
    }
    // Text that goes on after a quotation mark inside it: `"The "best" areas"`.
    let text_in = |quote: char| {
        value
            .strip_prefix(quote)
            .and_then(|v| v.strip_suffix(quote))
            .filter(|inner| inner.contains(quote))
    };
    if let Some(inner) = text_in('\'') {
        return Diagnostic::error(format!(
            "the text of `{key}` ends at its second single quotation mark"
        ))
        .at(at)
        .field(key)
        .hint(format!(
            "put text with an apostrophe in double quotes: {key} = \"{}\"",
            escape(inner)
        ));
    }
    if let Some(inner) = text_in('"') {
        let fixed = if inner.contains('\'') {
            format!("\"{}\"", escape(inner))
        } else {
            format!("'{inner}'")
        };
        return Diagnostic::error(format!(
            "the text of `{key}` ends at its second quotation mark, and the rest of the line cannot be read"
        ))
        .at(at)
        .field(key)
        .hint(format!(
            "for quotation marks inside text, put the text in single quotes, or a backslash before each inner quotation mark: {key} = {fixed}"
        ));
    }
    Diagnostic::error(format!(
        "there is more on this line after the value of `{key}`"
    ))
    .at(at)
    .field(key)
    .hint("put each key and its value on a line of their own; a note after a value starts with #")
}

/// A list whose `]` is missing (the parser finds out on a later line,
/// where the next key is), or with no comma between two items.
fn list_problem(
    source: &SourceText,
    lines: &Lines,
    line: Line,
    offset: usize,
    unclosed: bool,
) -> Option<Diagnostic> {
    let opened = std::iter::once(line)
        .chain(lines.before(line))
        .find(|l| l.value().is_some_and(|(_, v)| v.starts_with('[')))?;
    let key = opened.key()?;
    let (start, value) = opened.value()?;
    if !unclosed && (opened.number == line.number || line.key().is_none()) {
        return Some(
            Diagnostic::error(format!(
                "a comma is missing between two items of the list of `{key}`"
            ))
            .at(source.locate(offset, offset + 1))
            .field(key)
            .hint(format!(
                "put a comma after each item but the last: {key} = [\"first\", \"second\"]"
            )),
        );
    }
    let hint = match shape::kind_of(key) {
        Some(Kind::Text) => format!(
            "`{key}` takes one piece of text, not a list: {key} = \"{}\"",
            shape::example_text(key)
        ),
        _ => format!("end the list with ] after its last item: {key} = [\"first\", \"second\"]"),
    };
    Some(
        Diagnostic::error(format!("the list of `{key}` has no closing `]`"))
            .at(source.locate(start, start + value.len()))
            .field(key)
            .hint(hint),
    )
}

/// Text opened with three quotation marks and never closed: the parser
/// finds out at the end of the file.
fn unclosed_triple_quotes(source: &SourceText, lines: &Lines) -> Option<Diagnostic> {
    let mut open: Option<Line> = None;
    for line in &lines.lines {
        for _ in 0..line.text.matches("\"\"\"").count() + line.text.matches("'''").count() {
            open = if open.is_some() { None } else { Some(*line) };
        }
    }
    let line = open?;
    let key = line.key()?;
    let (start, value) = line.value()?;
    let quotes = if value.starts_with("'''") {
        "'''"
    } else {
        "\"\"\""
    };
    Some(
        Diagnostic::error(format!(
            "the text of `{key}` opens with {quotes} and is never closed"
        ))
        .at(source.locate(start, start + value.len()))
        .field(key)
        .hint(format!(
            "end the text with {quotes}, or, for text on one line, use one quotation mark at each end: {key} = \"…\""
        )),
    )
}

/// A key with characters a key cannot have (`“title”`, `title)`), or none.
fn bad_key(source: &SourceText, line: Line) -> Diagnostic {
    let (start, content) = line.content();
    let key = content.split('=').next().unwrap_or_default().trim_end();
    if key.is_empty() {
        return Diagnostic::error("this line has no key before its `=`")
            .at(source.locate(start, start + 1))
            .hint(
                "write the key before =, e.g. title = \"Opportunity Areas\", or delete the line",
            );
    }
    let at = source.locate(start, start + key.len());
    let bare: String = key
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
        .collect();
    if key.contains(CURLY) {
        return Diagnostic::error(format!(
            "the key `{key}` is in curly quotation marks, which TOML does not read as quotation marks"
        ))
        .at(at)
        .field(bare.as_str())
        .hint(format!("keys need no quotation marks: {bare} = …"));
    }
    let known = shape::every_key();
    let suggestion = did_you_mean(&bare, known.iter().copied());
    Diagnostic::error(format!(
        "`{key}` is not a key: keys are made of letters, digits, `_` and `-`"
    ))
    .at(at)
    .maybe_label(suggestion.map(|s| format!("did you mean `{s}`?")))
    .hint(format!(
        "write the key alone before =, e.g. {} = …",
        suggestion.unwrap_or(if bare.is_empty() { "title" } else { &bare })
    ))
}

/// A `[table]` line whose brackets do not match: `[markdown`, `[[areas]`,
/// `[markdown]]`.
fn brackets(source: &SourceText, line: Line) -> Diagnostic {
    let (start, content) = line.content();
    let content = content.split('#').next().unwrap_or_default().trim_end();
    let name = content.trim_matches(['[', ']', ' ']);
    let fixed = if matches!(name, "areas" | "priorities") {
        format!("[[{name}]]")
    } else {
        format!("[{name}]")
    };
    Diagnostic::error("the square brackets of this table line do not match")
        .at(source.locate(start, start + content.len()))
        .label(format!("write {fixed}"))
        .hint("a table line has one square bracket on each side, as in [markdown]; each area and each priority starts with a line with two on each side, [[areas]] or [[priorities]]")
}

/// The line, column and width of the first key or table header whose dotted
/// parts pass the parser's limit, counted roughly (a dot in a quoted part
/// counts too): enough to point at the line the parser refused.
fn deepest_dotted_key(text: &str) -> Option<(usize, usize, usize)> {
    text.lines().enumerate().find_map(|(index, line)| {
        let key = line.split(['=', '#']).next().unwrap_or_default();
        let start = key.len() - key.trim_start().len();
        let key = key.trim();
        (key.matches('.').count() + 1 >= TOML_KEY_PARTS).then(|| {
            (
                index + 1,
                line[..start].chars().count() + 1,
                key.chars().count(),
            )
        })
    })
}

#[cfg(test)]
mod tests {
    use crate::config::{Overrides, parse};

    const AREA: &str = "[[areas]]\nslug = \"derby\"\nname = \"Derby\"\n";

    /// The one error for `top` followed by an area: its message, help, line and column.
    fn error_for(top: &str) -> (String, String, usize, usize) {
        let text = format!("title = \"T\"\nbase_url = \"https://x.example/\"\n{top}\n{AREA}");
        let errors = parse(&text, &Overrides::default()).unwrap_err();
        assert_eq!(errors.len(), 1, "{top}: {errors:?}");
        let location = errors[0].location.clone().expect("a location");
        (
            errors[0].message.clone(),
            errors[0].hint.clone().unwrap_or_default(),
            location.line,
            location.column,
        )
    }

    #[test]
    fn mistakes_made_by_hand_are_told_in_words() {
        for (top, message, hint, column) in [
            (
                "language = “en-GB”",
                "`language` is in curly quotation marks (“ ”), which TOML does not read as quotation marks",
                "language = \"en-GB\"",
                12,
            ),
            (
                "theme = ‘opportunity’",
                "`theme` is in curly quotation marks (‘ ’), which TOML does not read as quotation marks",
                "theme = \"opportunity\"",
                9,
            ),
            (
                "theme = \"opportunity”",
                "`theme` has a curly quotation mark (”), which TOML does not read as a quotation mark",
                "theme = \"opportunity\"",
                9,
            ),
            (
                "description = Twelve areas",
                "the text of `description` is not in quotation marks",
                "description = \"Twelve areas\"",
                15,
            ),
            (
                "timezone = GMT+1",
                "the text of `timezone` is not in quotation marks",
                "e.g. timezone = \"Europe/London\"",
                12,
            ),
            (
                "minify = yes",
                "`minify` must be true or false, not yes",
                "minify = true",
                10,
            ),
            (
                "per_page = 1 0",
                "`per_page` must be a whole number, not 1 0",
                "per_page = 10",
                12,
            ),
            (
                "per_page = 1,000",
                "there is a comma after the value of `per_page`",
                "per_page = 1000",
                13,
            ),
            (
                "description =",
                "`description` has no value",
                "description = \"",
                14,
            ),
            (
                "description = \"Twelve areas",
                "the text of `description` has no closing quotation mark",
                "description = \"Twelve areas\"",
                28,
            ),
            (
                "description: \"Twelve areas\"",
                "`description` is followed by `:`; site.toml joins a key to its value with `=`",
                "write description = \"Twelve areas\"",
                14,
            ),
            (
                "per page = 10",
                "a key cannot have spaces: `per page`",
                "per_page",
                1,
            ),
            (
                "description \"Twelve areas\"",
                "this line has no `=` between `description` and its value",
                "write description = \"Twelve areas\"",
                13,
            ),
            (
                "description = \"The \"best\" areas\"",
                "the text of `description` ends at its second quotation mark, and the rest of the line cannot be read",
                "description = 'The \"best\" areas'",
                21,
            ),
            (
                "description = 'Derby's areas'",
                "the text of `description` ends at its second single quotation mark",
                "description = \"Derby's areas\"",
                22,
            ),
            (
                "description = \"C:\\q\"",
                "the text of `description` has a backslash (\\), which starts a special character in double quotes",
                "description = 'C:\\q'",
                19,
            ),
            (
                "[markdown\nunsafe_html = true",
                "the square brackets of this table line do not match",
                "[markdown]",
                1,
            ),
            (
                "description = Twelve areas\"",
                "the text of `description` has no opening quotation mark",
                "description = \"Twelve areas\"",
                15,
            ),
            (
                "“description” = \"Twelve areas\"",
                "the key `“description”` is in curly quotation marks, which TOML does not read as quotation marks",
                "description = …",
                1,
            ),
            (
                "descripton) = \"Twelve areas\"",
                "`descripton)` is not a key: keys are made of letters, digits, `_` and `-`",
                "description = …",
                1,
            ),
            (
                "= \"Twelve areas\"",
                "this line has no key before its `=`",
                "or delete the line",
                1,
            ),
            (
                "description == \"Twelve areas\"",
                "`description` is followed by more than one `=`",
                "description = \"Twelve areas\"",
                14,
            ),
            (
                "description = \"\"\"Twelve areas",
                "the text of `description` opens with \"\"\" and is never closed",
                "end the text with \"\"\"",
                15,
            ),
            (
                "[extra]\npartners = [\"a\", \"b\"\nfunder = \"DfE\"",
                "the list of `partners` has no closing `]`",
                "end the list with ]",
                12,
            ),
            (
                "[extra]\npartners = [\n  \"a\"\n  \"b\"\n]",
                "a comma is missing between two items of the list of `partners`",
                "put a comma after each item but the last",
                3,
            ),
        ] {
            let (got_message, got_hint, line, got_column) = error_for(top);
            assert_eq!(got_message, message, "{top}");
            assert!(got_hint.contains(hint), "{top}: {got_hint}");
            assert!(!got_hint.contains("toml.io"), "{top}: {got_hint}");
            // The line of the mistake: the top's last line for a list, else its first.
            let expected_line = match message {
                m if m.starts_with("the list of") => 4,
                m if m.starts_with("a comma is missing") => 6,
                _ => 3,
            };
            assert_eq!((line, got_column), (expected_line, column), "{top}");
        }
    }

    /// Regression: in a file with CRLF line endings the caret was one
    /// column right, on the `\r`.
    #[test]
    fn a_missing_closing_quote_is_shown_after_the_text_with_either_line_ending() {
        for ending in ["\n", "\r\n"] {
            let text = [
                "title = \"OA",
                "base_url = \"https://x.example/\"",
                "[[areas]]",
            ]
            .join(ending);
            let errors = parse(&text, &Overrides::default()).unwrap_err();
            let location = errors[0].location.clone().expect("a location");
            assert_eq!((location.line, location.column), (1, 12), "{ending:?}");
        }
    }

    #[test]
    fn a_date_written_another_way_is_shown_as_toml_writes_it() {
        for (written, fixed) in [("2016-10-4", "2016-10-04"), ("4/10/2016", "2016-10-04")] {
            let text = format!(
                "title = \"T\"\nbase_url = \"https://x.example/\"\n{AREA}announced = {written}\n"
            );
            let errors = parse(&text, &Overrides::default()).unwrap_err();
            assert_eq!(
                errors[0].message,
                format!("`announced` must be a date written year-month-day, not {written}")
            );
            let hint = errors[0].hint.as_deref().unwrap_or_default();
            assert!(hint.ends_with(&format!("announced = {fixed}")), "{hint}");
        }
    }

    #[test]
    fn text_broken_over_two_lines_is_shown_where_it_starts() {
        let (message, hint, line, column) = error_for("description = \"Twelve\nareas\"");
        assert_eq!(message, "the text of `description` runs on to line 4");
        assert!(hint.contains("description = \"Twelve areas\""), "{hint}");
        assert_eq!((line, column), (3, 15));
    }

    #[test]
    fn a_table_or_setting_given_twice_names_both_lines() {
        let (message, _, line, _) = error_for("per_page = 2\nper_page = 3");
        assert_eq!(message, "`per_page` is given twice, on lines 3 and 4");
        assert_eq!(line, 4);
        let (message, hint, line, _) =
            error_for("[markdown]\nunsafe_html = true\n[markdown]\nunsafe_html = false");
        assert_eq!(message, "`[markdown]` appears twice, on lines 3 and 5");
        assert!(hint.starts_with("keep one [markdown] line"), "{hint}");
        assert_eq!(line, 5);
        let (message, _, line, _) =
            error_for("[markdown]\nunsafe_html = true\n# a comment\nunsafe_html = false");
        assert_eq!(
            message,
            "`unsafe_html` is given twice in [markdown], on lines 4 and 6"
        );
        assert_eq!(line, 6);
    }

    #[test]
    fn single_brackets_before_or_after_double_ones() {
        for text in [
            format!(
                "title = \"T\"\nbase_url = \"https://x.example/\"\n[areas]\nslug = \"a\"\nname = \"A\"\n{AREA}"
            ),
            format!(
                "title = \"T\"\nbase_url = \"https://x.example/\"\n{AREA}[areas]\nslug = \"a\"\nname = \"A\"\n"
            ),
            // The only area, in single brackets: the parser reads it, the shape check refuses it.
            "title = \"T\"\nbase_url = \"https://x.example/\"\n[areas]\nslug = \"a\"\nname = \"A\"\n"
                .to_string(),
        ] {
            let errors = parse(&text, &Overrides::default()).unwrap_err();
            assert_eq!(errors.len(), 1, "{text}: {errors:?}");
            assert_eq!(
                errors[0].message,
                "`[areas]` has single square brackets: an area starts with `[[areas]]`"
            );
            let location = errors[0].location.as_ref().unwrap();
            let line = text.lines().position(|l| l == "[areas]").unwrap() + 1;
            assert_eq!(
                (location.line, location.column, location.width),
                (line, 1, 7)
            );
        }
    }
}
