//! Typed front matter: the YAML block deserialised into [`FrontMatter`].
//!
//! In: the YAML text of one document and its top-level keys (from
//! [`super::frontmatter::scan`]). Out: a [`FrontMatter`] plus diagnostics.
//! Every field goes through a deserializer that refuses coercions YAML would
//! otherwise allow (`title: 2024`, `title: ~`, `draft: yes`, `2019-02-30`).
//! After a type error the offending key is blanked out and parsing resumes,
//! so one run reports every broken key of a file, each at its own line.

use std::fmt;
use std::ops::Range;

use jiff::civil::Date;
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

use super::frontmatter::{Hidden, TopKey};

/// Separates a message from its hint inside a serde error string.
const HINT_SEPARATOR: char = '\u{1f}';

/// The project status vocabulary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Planned,
    Active,
    Completed,
}

impl Status {
    pub const ALL: [(&'static str, Status); 3] = [
        ("planned", Status::Planned),
        ("active", Status::Active),
        ("completed", Status::Completed),
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Planned => "planned",
            Status::Active => "active",
            Status::Completed => "completed",
        }
    }
}

/// `areas:` is a list of slugs, or the word `all`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AreaList {
    All,
    Slugs(Vec<String>),
}

/// One entry of `changes:`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Change {
    #[serde(deserialize_with = "required_date")]
    pub date: Date,
    #[serde(deserialize_with = "required_text")]
    pub note: String,
}

/// Every front-matter key of every kind. Which keys a kind may use is
/// checked separately (see [`super::document`]) so that a key of the wrong
/// kind gets its own message.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    #[serde(default, deserialize_with = "text")]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "date")]
    pub date: Option<Date>,
    #[serde(default, deserialize_with = "text")]
    pub summary: Option<String>,
    #[serde(default, deserialize_with = "areas")]
    pub areas: Option<AreaList>,
    #[serde(default, deserialize_with = "text_list")]
    pub priorities: Option<Vec<String>>,
    #[serde(default, deserialize_with = "date")]
    pub updated: Option<Date>,
    #[serde(default, deserialize_with = "change_list")]
    pub changes: Option<Vec<Change>>,
    #[serde(default, deserialize_with = "boolean")]
    pub draft: Option<bool>,
    #[serde(default, deserialize_with = "text")]
    pub slug: Option<String>,
    #[serde(default, deserialize_with = "text_list")]
    pub aliases: Option<Vec<String>>,
    #[serde(default, deserialize_with = "extra_map")]
    pub extra: Option<serde_yaml::Value>,
    #[serde(default, deserialize_with = "date")]
    pub starts: Option<Date>,
    #[serde(default, deserialize_with = "date")]
    pub ends: Option<Date>,
    #[serde(default, deserialize_with = "text")]
    pub document: Option<String>,
    #[serde(default, deserialize_with = "status")]
    pub status: Option<Status>,
    #[serde(default, deserialize_with = "pounds")]
    pub funding: Option<u64>,
    #[serde(default, deserialize_with = "text")]
    pub funder: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub provider: Option<String>,
    #[serde(default, deserialize_with = "text_list")]
    pub partners: Option<Vec<String>>,
    #[serde(default, deserialize_with = "text")]
    pub website: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub organisation: Option<String>,
}

/// Every key [`FrontMatter`] knows.
pub const ALL_KEYS: &[&str] = &[
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

/// A front-matter problem, with a 1-based line and column in the YAML block.
#[derive(Debug)]
pub struct FieldError {
    pub field: Option<String>,
    pub message: String,
    pub hint: Option<String>,
    /// (line, column), both 1-based, in the YAML block.
    pub position: Option<(usize, usize)>,
    /// Another key the error took with it (`date` indented under `title`):
    /// not to be reported missing.
    pub swallowed_key: Option<String>,
}

/// The message and hint for aliases that expand too far.
fn too_much_data() -> (String, Option<String>) {
    (
        "YAML aliases in the front matter expand to too much data".to_string(),
        Some("write values out instead of repeating them with `*aliases`".to_string()),
    )
}

/// How large a front matter may grow once its YAML aliases (`*name`) are
/// expanded: each value counts one, and a text one more per byte. Written
/// out, the largest front matter allowed (64 KiB) comes to less than
/// 100,000 (a value takes at least two bytes), so only aliases reach this.
const EXPANDED_VALUES: usize = 1_000_000;

/// Whether the YAML's aliases expand it beyond [`EXPANDED_VALUES`].
/// serde_yaml's own limit counts an alias once however large the value it
/// repeats, so `b: [*a, *a, …]` with a long `a` got past it and took
/// seconds and gigabytes. Counting stops at the budget, so this is quick
/// either way. YAML that does not parse is left to the parser's messages.
fn expands_too_far(yaml: &str) -> bool {
    if !(yaml.contains('&') && yaml.contains('*')) {
        return false;
    }
    let mut left = EXPANDED_VALUES;
    let counted = de::DeserializeSeed::deserialize(
        Count { left: &mut left },
        serde_yaml::Deserializer::from_str(yaml),
    );
    matches!(counted, Err(e) if e.to_string().contains(OVER_BUDGET))
}

const OVER_BUDGET: &str = "over the budget of expanded values";

/// Counts values down from `left`, failing when none are left.
struct Count<'a> {
    left: &'a mut usize,
}

impl Count<'_> {
    fn one<E: de::Error>(&mut self) -> Result<(), E> {
        self.take(1)
    }

    fn take<E: de::Error>(&mut self, size: usize) -> Result<(), E> {
        *self.left = self
            .left
            .checked_sub(size)
            .ok_or_else(|| E::custom(OVER_BUDGET))?;
        Ok(())
    }
}

impl<'de> de::DeserializeSeed<'de> for Count<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Count<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E: de::Error>(mut self, _: bool) -> Result<(), E> {
        self.one()
    }
    fn visit_i64<E: de::Error>(mut self, _: i64) -> Result<(), E> {
        self.one()
    }
    fn visit_u64<E: de::Error>(mut self, _: u64) -> Result<(), E> {
        self.one()
    }
    fn visit_f64<E: de::Error>(mut self, _: f64) -> Result<(), E> {
        self.one()
    }
    fn visit_str<E: de::Error>(mut self, text: &str) -> Result<(), E> {
        self.take(1 + text.len())
    }
    fn visit_unit<E: de::Error>(mut self) -> Result<(), E> {
        self.one()
    }
    fn visit_none<E: de::Error>(mut self) -> Result<(), E> {
        self.one()
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        self.one()?;
        while seq.next_element_seed(Count { left: self.left })?.is_some() {}
        Ok(())
    }
    fn visit_map<A: de::MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        self.one()?;
        while map.next_key_seed(Count { left: self.left })?.is_some() {
            map.next_value_seed(Count { left: self.left })?;
        }
        Ok(())
    }
    fn visit_enum<A: de::EnumAccess<'de>>(mut self, data: A) -> Result<(), A::Error> {
        // A tagged value (`!tag value`).
        self.one()?;
        let (_, variant): (de::IgnoredAny, _) = data.variant()?;
        de::VariantAccess::newtype_variant_seed(variant, Count { left: self.left })
    }
}

/// Parses the YAML block, without what `hidden` hides. Broken keys are
/// reported and left unset.
pub fn parse(yaml: &str, keys: &[TopKey], mut hidden: Hidden) -> (FrontMatter, Vec<FieldError>) {
    if expands_too_far(yaml) {
        let (message, hint) = too_much_data();
        let error = FieldError {
            field: None,
            message,
            hint,
            position: None,
            swallowed_key: None,
        };
        return (FrontMatter::default(), vec![error]);
    }
    let mut errors = Vec::new();
    // Each round hides one broken key, or one of the first few broken
    // entries of a list such as `changes` (each round parses the whole
    // block again: a list of thousands of broken entries must not take
    // thousands of rounds).
    const ENTRIES: usize = 20;
    let mut entries_hidden = 0;
    for _ in 0..=keys.len() + ENTRIES {
        let text = hidden.apply(yaml);
        let text = super::syntax::join_surrogates(&text).unwrap_or(text);
        match serde_yaml::from_str::<Option<FrontMatter>>(&text) {
            Ok(front_matter) => return (front_matter.unwrap_or_default(), errors),
            Err(error) => {
                let mut field_error = describe(&error, &text, yaml, keys);
                explain_quote_inside_quotes(&mut field_error, &text);
                explain_unreadable(&mut field_error, &text);
                super::syntax::explain(&mut field_error, &text);
                indented_key_after_value(&mut field_error, &text, keys);
                let key = key_at(
                    keys,
                    yaml,
                    field_error.position,
                    field_error.field.as_deref(),
                );
                // A broken entry of a list written one entry per `- ` line
                // is hidden alone, so that the other entries are still read
                // and each broken one reported.
                let entry = key.and_then(|key| list_entry(&error, key, &text, yaml));
                if let (Some(key), Some(entry)) = (key, &entry) {
                    // Counted among all the entries, hidden ones included.
                    field_error.message = field_error.message.replace(
                        &format!("`{}[{}]", key.name, entry.parsed),
                        &format!("`{}[{}]", key.name, entry.written),
                    );
                }
                errors.push(field_error);
                let Some(key) = key else {
                    return (FrontMatter::default(), errors);
                };
                match entry.and_then(|entry| entry.lines) {
                    Some(lines) if entries_hidden < ENTRIES => {
                        entries_hidden += 1;
                        hidden.lines.push(lines);
                    }
                    _ => hidden.key(key),
                }
            }
        }
    }
    (FrontMatter::default(), errors)
}

/// An entry of a list that a parse error is about.
struct ListEntry {
    /// Its 0-based lines in the block, unless it is the only entry left.
    lines: Option<Range<usize>>,
    /// Its index among the entries the parser saw, and among all of them.
    parsed: usize,
    written: usize,
}

/// The entry of `key`'s list that `error` is about (`changes[1]: missing
/// field `note``), if the list is written one entry per `- ` line. `text`
/// is the block as parsed, with hidden lines empty; `yaml` as written.
fn list_entry(
    error: &serde_yaml::Error,
    key: &TopKey,
    text: &str,
    yaml: &str,
) -> Option<ListEntry> {
    let full = error.to_string();
    let (path, _) = split_path(&full);
    let parsed: usize = path?
        .strip_prefix(key.name.as_str())?
        .strip_prefix('[')?
        .split(']')
        .next()?
        .parse()
        .ok()?;
    let starts = entry_starts(key, text)?;
    let start = *starts.get(parsed)?;
    let end = starts.get(parsed + 1).copied().unwrap_or(key.lines.end);
    let written = entry_starts(key, yaml)?
        .iter()
        .filter(|n| **n < start)
        .count();
    Some(ListEntry {
        // Hiding the last entry would leave an empty list ("`areas` is
        // empty"): the whole key is hidden instead.
        lines: (starts.len() > 1).then_some(start..end),
        parsed,
        written,
    })
}

/// The lines where the entries of `key`'s list start: its least indented
/// `- ` lines.
fn entry_starts(key: &TopKey, text: &str) -> Option<Vec<usize>> {
    let lines: Vec<&str> = text.split('\n').collect();
    let starts: Vec<(usize, usize)> = (key.lines.start + 1..key.lines.end)
        .filter_map(|n| {
            let line = lines.get(n)?.trim_end_matches('\r');
            let entry = line.trim_start();
            (entry == "-" || entry.starts_with("- ")).then(|| (n, line.len() - entry.len()))
        })
        .collect();
    let indent = starts.iter().map(|(_, indent)| *indent).min()?;
    Some(
        starts
            .into_iter()
            .filter(|(_, i)| *i == indent)
            .map(|(n, _)| n)
            .collect(),
    )
}

/// `date: 2018-03-01` with `  summary: S` indented below it: the parser
/// reads `2018-03-01 summary` as the date (or `active funding` as the
/// status, `true funder` as `draft`) and the value is refused before the
/// colon is reached. The mistake is the indented key, as after text.
fn indented_key_after_value(error: &mut FieldError, text: &str, keys: &[TopKey]) {
    let Some(field) = error.field.as_deref() else {
        return;
    };
    let Some(key) = keys.iter().find(|k| k.name == field && k.entry.is_none()) else {
        return;
    };
    let lines: Vec<&str> = text.split('\n').map(|l| l.trim_end_matches('\r')).collect();
    let Some(first) = lines.get(key.lines.start) else {
        return;
    };
    let Some((_, value)) = first.split_once(':') else {
        return;
    };
    let value = value.trim();
    if first.starts_with(['?', ' '])
        || value.is_empty()
        || value.starts_with(['"', '\'', '[', '{', '|', '>', '&', '*', '!', '#'])
    {
        return;
    }
    for (index, line) in lines
        .iter()
        .enumerate()
        .take(key.lines.end)
        .skip(key.lines.start + 1)
    {
        let indent = line.len() - line.trim_start().len();
        let entry = line.trim_start();
        if entry.is_empty() || entry.starts_with('#') {
            continue;
        }
        let Some((name, _)) = entry
            .split_once(": ")
            .or_else(|| entry.strip_suffix(':').map(|name| (name, "")))
        else {
            return;
        };
        let name = name.trim();
        if indent == 0 || !ALL_KEYS.contains(&name) {
            return;
        }
        error.position = Some((index + 1, indent + 1));
        error.swallowed_key = Some(name.to_string());
        error.message = format!("`{name}` is indented, so YAML reads it as part of the line above");
        error.hint = Some(format!(
            "remove the spaces before `{name}:` so that it starts at the left margin"
        ));
        return;
    }
}

/// Where an error that names a key of `key: value` lines (`title` is
/// empty) is, when the parser places it on another key's line: where it
/// found the next token, after `? title` without its `: ` line. It is then
/// placed at the end of the named key's line, as for `title:` alone.
fn at_the_named_key(
    position: Option<(usize, usize)>,
    named: &str,
    keys: &[TopKey],
    yaml: &str,
) -> Option<(usize, usize)> {
    let Some(key) = keys.iter().find(|k| k.name == named && k.entry.is_none()) else {
        return position;
    };
    // On another key's line, or past the last key (`? title` as the last
    // line, where the parser stops at the end of the block).
    let elsewhere = position.is_some_and(|(line, _)| match key_at_line(keys, line) {
        Some(k) => k.name != key.name,
        None => line > key.lines.end,
    });
    match yaml.split('\n').nth(key.lines.start) {
        Some(text) if elsewhere => Some((key.lines.start + 1, text.trim_end().chars().count() + 1)),
        _ => position,
    }
}

fn key_at_line(keys: &[TopKey], line: usize) -> Option<&TopKey> {
    keys.iter().find(|k| k.lines.contains(&(line - 1)))
}

/// The key an error at `position` (1-based line and column, in characters,
/// in `yaml`) belongs to: the key whose lines hold it, or in front matter
/// written as one `{…}` map, the entry that holds it (else the entry of
/// `field`, the key the error names).
fn key_at<'k>(
    keys: &'k [TopKey],
    yaml: &str,
    position: Option<(usize, usize)>,
    field: Option<&str>,
) -> Option<&'k TopKey> {
    if !keys.iter().any(|k| k.entry.is_some()) {
        return key_at_line(keys, position?.0);
    }
    position
        .and_then(|(line, column)| {
            let line_start: usize = yaml.split('\n').take(line - 1).map(|l| l.len() + 1).sum();
            let text = yaml.get(line_start..)?.split('\n').next()?;
            let i = text
                .char_indices()
                .nth(column - 1)
                .map_or(text.len(), |(i, _)| i);
            let offset = line_start + i;
            keys.iter()
                .find(|k| k.entry.as_ref().is_some_and(|e| e.contains(&offset)))
        })
        .or_else(|| keys.iter().find(|k| Some(k.name.as_str()) == field))
}

/// Turns a serde_yaml error into a message a writer can act on.
/// `text` is the block as parsed, `yaml` the block as written.
fn describe(error: &serde_yaml::Error, text: &str, yaml: &str, keys: &[TopKey]) -> FieldError {
    let position = error.location().map(|l| position_of(text, l.index()));
    let full = error.to_string();
    let without_location = match full.rfind(" at line ") {
        Some(i) => &full[..i],
        None => &full,
    };
    let (path, message) = split_path(without_location);
    let field_from_line = key_at(keys, yaml, position, None).map(|k| k.name.clone());
    let named = path.map(|p| p.split(['.', '[']).next().unwrap_or(p).to_string());
    let position = match &named {
        Some(named) => at_the_named_key(position, named, keys, text),
        None => position,
    };
    let field = named.or(field_from_line);
    let field_name = field.as_deref().unwrap_or("value");
    let shown = path.unwrap_or(field_name);

    let (message, hint) = if let Some((message, hint)) = message.split_once(HINT_SEPARATOR) {
        let key = shown.rsplit('.').next().unwrap_or(shown);
        let hint = match message {
            "is empty" => empty_hint(key).unwrap_or(hint),
            _ => hint,
        };
        // An entry of a list (`areas[1]`): removing the line would remove
        // the whole list when it is written `[derby, ~]`.
        let hint = if shown.ends_with(']') {
            hint.replace("or remove the line", "or remove the entry from the list")
        } else {
            hint.to_string()
        };
        (format!("`{shown}` {message}"), Some(hint))
    } else if let Some(found) = message
        .strip_prefix("invalid type: ")
        .and_then(|rest| rest.strip_suffix(", expected struct FrontMatter"))
    {
        // The whole front matter is something other than `key: value` lines.
        let (what, hint) = if found == "sequence" {
            (
                "a list",
                "remove the `- ` at the start of each line: front matter is `key: value` lines, e.g. title: \"Careers week\"",
            )
        } else {
            (
                "not `key: value` lines",
                "each front-matter line is a key, a colon and a space, then the value, e.g. title: \"Careers week\"",
            )
        };
        (
            format!("the front matter is {what}"),
            Some(hint.to_string()),
        )
    } else if let Some(rest) = message.strip_prefix("invalid type: ") {
        let (found, expected) = rest
            .split_once(", expected ")
            .unwrap_or((rest, "something else"));
        // Serde names the Rust type: say what to write instead.
        let expected = match expected {
            "struct Change" => "an entry with a date and a note",
            "a sequence" => "a list",
            other => other,
        };
        (
            format!(
                "`{shown}` must be {expected}, not {}",
                describe_found(found)
            ),
            hint_for(field_name),
        )
    } else if message.starts_with("unknown field") {
        // Unknown keys are reported with suggestions before parsing; this is a nested one.
        (
            message.replace("unknown field", "unknown key"),
            hint_for(field_name),
        )
    } else if message.starts_with("missing field") {
        let missing = message.split('`').nth(1).unwrap_or("a key");
        (
            format!("an entry of `{field_name}` has no `{missing}`"),
            Some(
                "each entry needs a `date` and a `note`, one exactly under the other, e.g.\nchanges:\n  - date: 2019-11-01\n    note: \"What changed\""
            .to_string()),
        )
    } else if message.contains("recursion limit exceeded") {
        (
            "the front matter is nested too deeply".to_string(),
            Some("front matter only needs a few levels of nesting".to_string()),
        )
    } else if message.contains("repetition limit exceeded") {
        too_much_data()
    } else if message.contains("more than one document") {
        (
            "the front matter contains a second `---` document".to_string(),
            Some("front matter ends at the first line that is exactly `---`".to_string()),
        )
    } else {
        // A syntax error, in the parser's words and with its own line
        // numbers: see `syntax::explain`.
        (format!("{}{full}", super::syntax::UNREADABLE), None)
    };
    FieldError {
        field,
        message,
        hint,
        swallowed_key: None,
        position,
    }
}

/// The 1-based line and column (in characters) of a byte offset in the YAML,
/// counting lines at `\n` as the rest of oasis does. libyaml's own line and
/// column also break at a lone `\r`, U+0085, U+2028 and U+2029, so they can
/// name a line the file does not have.
fn position_of(yaml: &str, index: usize) -> (usize, usize) {
    let mut index = index.min(yaml.len());
    while !yaml.is_char_boundary(index) {
        index -= 1;
    }
    let before = &yaml[..index];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        before.matches('\n').count() + 1,
        before[line_start..].chars().count() + 1,
    )
}

/// A quotation mark inside quoted text ends the text early, and YAML then
/// reports a puzzling "did not find expected key" just after it. Writers
/// quoting someone hit this often, so name the real cause and the fix.
fn explain_quote_inside_quotes(error: &mut FieldError, yaml: &str) {
    let Some((line, column)) = error.position else {
        return;
    };
    let Some(text) = yaml.split('\n').nth(line.saturating_sub(1)) else {
        return;
    };
    let Some((key, value)) = text.split_once(':') else {
        return;
    };
    let key = key.trim();
    let value_start = text.len() - value.trim_start().len();
    let Some(quote) = value
        .trim_start()
        .chars()
        .next()
        .filter(|c| matches!(c, '"' | '\''))
    else {
        return;
    };
    // The error points just after the quotation mark that closed the text.
    let before_error: Vec<char> = text.chars().take(column.saturating_sub(1)).collect();
    let closed_early = before_error.len() > text[..value_start].chars().count() + 1
        && before_error.last() == Some(&quote);
    if !closed_early || key.is_empty() {
        return;
    }
    if quote == '"' {
        error.message = format!("`{key}` has a double quotation mark inside double quotes");
        error.hint = Some(format!(
            "a \" inside the text ends it early: put the whole text in single quotes instead, e.g. {key}: 'Pupils said it was \"brilliant\".'"
        ));
    } else {
        error.message = format!("`{key}` has an apostrophe inside single quotes");
        error.hint = Some(format!(
            "a ' inside the text ends it early: put the whole text in double quotes instead, e.g. {key}: \"Derby's careers fair\""
        ));
    }
    error.field = Some(key.to_string());
}

/// YAML reports some mistakes where it gave up rather than where they are,
/// in its own words: a quotation mark or a list left open runs on to the
/// closing `---`, and a key given twice in a nested map is reported at the
/// map's first key. Point at the mistake itself and say how to fix it.
fn explain_unreadable(error: &mut FieldError, yaml: &str) {
    if !error.message.starts_with(super::syntax::UNREADABLE) {
        return;
    }
    let lines: Vec<&str> = yaml.split('\n').map(|l| l.trim_end_matches('\r')).collect();
    let duplicate = error
        .message
        .split_once("duplicate entry with key \"")
        .or_else(|| error.message.split_once("duplicate field `"))
        .and_then(|(_, rest)| rest.split(['"', '`']).next())
        .map(str::to_string);
    match duplicate {
        Some(key) => explain_nested_duplicate(error, &lines, &key),
        None => explain_left_open(error, &lines),
    }
}

/// A key given twice in a nested map: YAML points at the map's first key;
/// its entries are the lines that start at that column (the first may
/// follow a `- `), and the second with `key` (quoted or not) is the
/// mistake. In a map written on one line (`{k: 1, k: 2}`), the second `key`
/// on that line is.
fn explain_nested_duplicate(error: &mut FieldError, lines: &[&str], key: &str) {
    let Some((line, column)) = error.position else {
        return;
    };
    let indent = column - 1;
    let mut found = lines
        .iter()
        .enumerate()
        .skip(line - 1)
        .take_while(|(i, l)| *i == line - 1 || l.trim().is_empty() || leading_spaces(l) >= indent)
        .filter(|(i, l)| {
            (*i == line - 1 || leading_spaces(l) == indent)
                && l.get(indent..).and_then(entry_key) == Some(key)
        })
        .map(|(i, _)| (i, indent));
    let pair = match (found.next(), found.next()) {
        (Some(first), Some(second)) => Some((first, second)),
        _ => {
            // One line: every place a key may start (after `{`, `,` or a
            // space) whose key is `key`.
            let text = lines.get(line - 1).copied().unwrap_or_default();
            let mut keys = text
                .char_indices()
                .filter(|(i, _)| *i >= indent && text[..*i].trim_end().ends_with(['{', ',']))
                .filter(|(i, _)| {
                    text[*i..]
                        .chars()
                        .next()
                        .is_some_and(|c| !c.is_whitespace())
                        && entry_key(&text[*i..]) == Some(key)
                })
                .map(|(i, _)| (line - 1, text[..i].chars().count()));
            match (keys.next(), keys.next()) {
                (Some(first), Some(second)) => Some((first, second)),
                _ => None,
            }
        }
    };
    if let Some(((first, _), (second, second_column))) = pair {
        error.position = Some((second + 1, second_column + 1));
        error.message = match &error.field {
            Some(field) => format!("`{field}` has the key `{key}` twice"),
            None => format!("`{key}` is given twice"),
        };
        // The block starts on the file's second line.
        error.hint = Some(if first == second {
            "the same key is given twice on this line; keep one of them".to_string()
        } else {
            format!(
                "the first `{key}` is on line {}; keep one of them",
                first + 2
            )
        });
    }
}

/// The key of a `key: value` entry at the start of `text`, without its
/// quotation marks (`"k": 1` and `k: 1` both give `k`).
fn entry_key(text: &str) -> Option<&str> {
    let (key, rest) = match text.chars().next()? {
        quote @ ('"' | '\'') => {
            let end = text[1..].find(quote)? + 1;
            (&text[1..end], &text[end + 1..])
        }
        _ => {
            let end = text.find(':')?;
            (text[..end].trim_end(), &text[end..])
        }
    };
    rest.trim_start().starts_with(':').then_some(key)
}

/// A quotation mark or a list left open on a key's line: YAML reads on to
/// where it gives up (often the closing `---`); the mistake is the first
/// such line before that.
fn explain_left_open(error: &mut FieldError, lines: &[&str]) {
    let error_line = error.position.map_or(lines.len(), |(line, _)| line);
    for (i, line) in lines.iter().enumerate().take(error_line) {
        // A key of a map under a key (`extra:`) is at its own indentation.
        let indent = leading_spaces(line);
        let Some((key, value)) = line[indent..].split_once(": ") else {
            continue;
        };
        if indent > 0 && (key.is_empty() || key.starts_with(['-', '#', '"', '\'', '?'])) {
            continue;
        }
        // `: value` after `? key` (an explicit key) is that key's value.
        let name = match key {
            "" => match lines[..i]
                .iter()
                .rfind(|l| !l.trim().is_empty())
                .and_then(|l| super::frontmatter::explicit_key(l))
            {
                Some((name, _)) => name,
                None => continue,
            },
            key => key.to_string(),
        };
        let next_is_key = lines[i + 1..]
            .iter()
            .find(|l| !l.trim().is_empty())
            .is_none_or(|l| leading_spaces(l) <= indent);
        if !next_is_key {
            continue;
        }
        let value_column =
            indent + key.chars().count() + 2 + (value.len() - value.trim_start().len());
        let value = value.trim_start();
        let (message, hint) = match value.chars().next() {
            Some(q @ ('"' | '\'')) if !closes_quote(&value[1..], q) => (
                format!("the text of `{name}` has no closing quotation mark"),
                format!(
                    "end the text with {q} on the same line: {key}: {}{q}",
                    value.trim_end()
                ),
            ),
            Some(open @ ('[' | '{')) if !closes_flow(value) => {
                let (what, close) = if open == '[' {
                    ("list", ']')
                } else {
                    ("map", '}')
                };
                (
                    format!("the {what} of `{name}` is never closed"),
                    format!(
                        "end it with `{close}` on the same line: {key}: {}{close}",
                        value.trim_end()
                    ),
                )
            }
            _ => continue,
        };
        error.position = Some((i + 1, value_column + 1));
        error.message = message;
        error.hint = Some(hint);
        // What follows was read as part of this value: do not also report
        // the keys it swallowed as missing.
        error.field = None;
        return;
    }
}

fn leading_spaces(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// Whether quoted text that opened just before `rest` closes in it.
fn closes_quote(rest: &str, quote: char) -> bool {
    let mut chars = rest.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if quote == '"' => {
                chars.next();
            }
            '\'' if quote == '\'' && chars.peek() == Some(&'\'') => {
                chars.next();
            }
            c if c == quote => return true,
            _ => {}
        }
    }
    false
}

/// Whether the brackets opened in `value` all close in it (quoted text aside).
fn closes_flow(value: &str) -> bool {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some('"'), '\\') => {
                chars.next();
            }
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') => depth = depth.saturating_sub(1),
            (None, '#') => break,
            _ => {}
        }
    }
    depth == 0
}

/// Splits `title: invalid type…` into its key path and its message.
fn split_path(text: &str) -> (Option<&str>, &str) {
    if let Some((path, rest)) = text.split_once(": ")
        && !path.is_empty()
        && path
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '[' | ']'))
    {
        return (Some(path), rest);
    }
    (None, text)
}

/// What to write in a required key left empty: "or remove the line", as
/// for other keys, would only lead to "this announcement has no `title`".
fn empty_hint(key: &str) -> Option<&'static str> {
    Some(match key {
        "title" => {
            "a title is needed: write it in double quotes, e.g. title: \"Careers fair in Derby\""
        }
        "summary" => {
            "write one plain sentence in double quotes, e.g. summary: \"Pupils met local employers.\""
        }
        "date" => "a date is needed: write it as year, month, day, e.g. date: 2017-10-09",
        "note" => {
            "each change needs a note: write what changed in double quotes, e.g. note: \"Corrected the funding figure\""
        }
        _ => return None,
    })
}

fn describe_found(found: &str) -> String {
    match found {
        "unit value" => "empty".to_string(),
        "sequence" => "a list".to_string(),
        "map" => "a map of keys".to_string(),
        f if f.starts_with("string ") => format!("the text {}", &f[7..]),
        f if f.starts_with("integer ") => format!("the number {}", &f[8..]),
        f if f.starts_with("floating point ") => format!("the number {}", &f[15..]),
        f if f.starts_with("boolean ") => f[8..].to_string(),
        f => f.to_string(),
    }
}

fn hint_for(field: &str) -> Option<String> {
    let hint = match field {
        "title" => "put the title in double quotes, e.g. title: \"Derby's delivery plan\"",
        "summary" => {
            "write one plain sentence in double quotes, e.g. summary: \"What the plan does.\""
        }
        "date" | "updated" | "starts" | "ends" => "dates are written 2017-10-09 (year, month, day)",
        "areas" => {
            "list area slugs from site.toml, e.g. areas: [derby, oldham], or write areas: all"
        }
        "priorities" => "list priority slugs from site.toml, e.g. priorities: [early-years]",
        "aliases" => "list old addresses, e.g. aliases: [\"/old/derby-plan/\"]",
        "partners" => "list names, e.g. partners: [\"Derby City Council\"]",
        "changes" => {
            "list changes, e.g.\nchanges:\n  - date: 2019-11-01\n    note: \"Added the extension\""
        }
        "draft" => "write draft: true or draft: false",
        "funding" => "write whole pounds as a number, without £ or commas, e.g. funding: 22000000",
        "status" => "write status: planned, status: active or status: completed",
        "extra" => "extra holds keys and values for custom templates, e.g.\nextra:\n  colour: blue",
        _ => "put text values in double quotes",
    };
    Some(hint.to_string())
}

fn fail<E: de::Error>(message: &str, hint: &str) -> E {
    E::custom(format!("{message}{HINT_SEPARATOR}{hint}"))
}

/// A non-empty string; numbers, booleans and null are refused, not coerced.
struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("text")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<String, E> {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            return Err(fail("is empty", "write some text, or remove the line"));
        }
        if let Some(c) = crate::diagnostics::invisible_control(trimmed) {
            return Err(fail(
                &format!(
                    "contains an invisible control character (U+{:04X})",
                    c as u32
                ),
                "delete it (a `\\u` or `\\x` escape in double quotes makes one): feeds and pages cannot carry it",
            ));
        }
        Ok(trimmed.to_string())
    }

    fn visit_unit<E: de::Error>(self) -> Result<String, E> {
        Err(fail(
            "is empty",
            "write some text in double quotes, or remove the line",
        ))
    }

    fn visit_none<E: de::Error>(self) -> Result<String, E> {
        self.visit_unit()
    }
}

fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    d.deserialize_any(TextVisitor).map(Some)
}

fn required_text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    d.deserialize_any(TextVisitor)
}

/// A list of non-empty strings.
#[derive(Debug)]
struct Text(String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TextVisitor).map(Text)
    }
}

/// `extra`: keys and values for custom templates (SPEC §2: a map).
fn extra_map<'de, D: Deserializer<'de>>(d: D) -> Result<Option<serde_yaml::Value>, D::Error> {
    struct ExtraVisitor;
    impl<'de> Visitor<'de> for ExtraVisitor {
        type Value = Option<serde_yaml::Value>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a map of keys and values")
        }
        fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            serde_yaml::Value::deserialize(de::value::MapAccessDeserializer::new(map)).map(Some)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
    }
    d.deserialize_any(ExtraVisitor)
}

/// `changes:` with nothing after it is empty, as every other list is
/// (it was taken as "no changes" while `priorities:` was an error).
fn change_list<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<Change>>, D::Error> {
    struct ChangesVisitor;
    impl<'de> Visitor<'de> for ChangesVisitor {
        type Value = Vec<Change>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            // What serde says for a `Vec`, so the other messages stay.
            f.write_str("a sequence")
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Vec<Change>, A::Error> {
            Vec::deserialize(de::value::SeqAccessDeserializer::new(seq))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Vec<Change>, E> {
            Err(fail(
                "is empty",
                "list each change under it, e.g.\nchanges:\n  - date: 2019-11-01\n    note: \"Added the extension\"\nor remove the line",
            ))
        }
    }
    d.deserialize_any(ChangesVisitor).map(Some)
}

fn text_list<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    struct ListVisitor;
    impl<'de> Visitor<'de> for ListVisitor {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a list, e.g. [first, second]")
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<String>, A::Error> {
            let mut items = Vec::new();
            while let Some(Text(item)) = seq.next_element()? {
                items.push(item);
            }
            Ok(items)
        }
        fn visit_str<E: de::Error>(self, value: &str) -> Result<Vec<String>, E> {
            let hint = match value.trim().strip_prefix('-') {
                // `  -early-years` under the key is text, not a list entry.
                Some(item) => format!("put a space after the dash: - {}", item.trim()),
                // `areas: all` is the only `all`.
                None if value.trim().eq_ignore_ascii_case("all") => {
                    "only `areas` can be `all`; list each one in square brackets, e.g. priorities: [early-years, careers-and-the-world-of-work]".to_string()
                }
                // Quotes inside the brackets keep a name with a comma,
                // colon or `#` whole: [Smith, Jones] is two names.
                None if value.contains([',', ':', '#']) => {
                    let quoted = format!("[\"{}\"]", value.replace('"', "\\\""));
                    if value.contains(',') {
                        format!(
                            "put it in square brackets: {quoted} if it is one name; [{value}] if the commas separate names"
                        )
                    } else {
                        format!("put it in square brackets, in quotes: {quoted}")
                    }
                }
                None => format!("put the value in square brackets: [{value}]"),
            };
            Err(fail(
                &format!("must be a list, not the text \"{value}\""),
                &hint,
            ))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Vec<String>, E> {
            Err(fail(
                "is empty",
                "write a list in square brackets, or remove the line",
            ))
        }
    }
    d.deserialize_any(ListVisitor).map(Some)
}

fn areas<'de, D: Deserializer<'de>>(d: D) -> Result<Option<AreaList>, D::Error> {
    struct AreasVisitor;
    impl<'de> Visitor<'de> for AreasVisitor {
        type Value = AreaList;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a list of area slugs, or `all`")
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<AreaList, A::Error> {
            let mut items = Vec::new();
            while let Some(Text(item)) = seq.next_element()? {
                items.push(item);
            }
            Ok(AreaList::Slugs(items))
        }
        fn visit_str<E: de::Error>(self, value: &str) -> Result<AreaList, E> {
            let hint = if value.trim().eq_ignore_ascii_case("all") {
                "write `all` in small letters: areas: all".to_string()
            } else if let Some(item) = value.trim().strip_prefix('-') {
                // `  -derby` under `areas:` is text, not a list entry.
                format!("put a space after the dash: - {}", item.trim())
            } else {
                format!("put the areas in square brackets: areas: [{value}]")
            };
            if value.trim() == "all" {
                Ok(AreaList::All)
            } else {
                Err(fail(
                    &format!("must be a list of areas or `all`, not the text \"{value}\""),
                    &hint,
                ))
            }
        }
        fn visit_unit<E: de::Error>(self) -> Result<AreaList, E> {
            Err(fail(
                "is empty",
                "name at least one area, e.g. areas: [derby], or write areas: all",
            ))
        }
    }
    d.deserialize_any(AreasVisitor).map(Some)
}

fn boolean<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    struct BoolVisitor;
    impl<'de> Visitor<'de> for BoolVisitor {
        type Value = bool;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("true or false")
        }
        fn visit_bool<E: de::Error>(self, value: bool) -> Result<bool, E> {
            Ok(value)
        }
        fn visit_str<E: de::Error>(self, value: &str) -> Result<bool, E> {
            let lower = value.trim().to_lowercase();
            if lower == "true" || lower == "false" {
                return Err(fail(
                    &format!("must be true or false without quotes, not the text \"{value}\""),
                    &format!("remove the quotes: {lower}"),
                ));
            }
            Err(fail(
                &format!("must be true or false, not `{value}`"),
                "write true or false without quotes (yes, no, on and off are not accepted)",
            ))
        }
        fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
            Err(fail("is empty", "write true or false, or remove the line"))
        }
    }
    d.deserialize_any(BoolVisitor).map(Some)
}

struct DateVisitor;

impl<'de> Visitor<'de> for DateVisitor {
    type Value = Date;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a date such as 2017-10-09")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Date, E> {
        parse_date(value.trim()).map_err(|(message, hint)| fail::<E>(&message, &hint))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Date, E> {
        Err(fail(
            "is empty",
            "write a date such as 2017-10-09, or remove the line",
        ))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Date, E> {
        Err(fail(
            &format!("must be a date, not the number {value}"),
            "dates are written 2017-10-09 (year, month, day)",
        ))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Date, E> {
        self.visit_u64(value.unsigned_abs())
    }
}

fn date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
    d.deserialize_any(DateVisitor).map(Some)
}

fn required_date<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
    d.deserialize_any(DateVisitor)
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Parses `YYYY-MM-DD`, explaining what is wrong with anything else.
pub fn parse_date(value: &str) -> Result<Date, (String, String)> {
    let shape = "dates are written 2017-10-09 (year, month, day)".to_string();
    let bytes = value.as_bytes();
    let date_shaped = |bytes: &[u8]| {
        bytes.len() == 10
            && bytes[4] == b'-'
            && bytes[7] == b'-'
            && bytes
                .iter()
                .enumerate()
                .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit())
    };
    if !date_shaped(bytes) {
        // Only `2017-10-09T10:00` or `2017-10-09 10:00` is a date with a time;
        // "5 February 2018" also has a space at byte 10.
        if bytes.len() > 10 && date_shaped(&bytes[..10]) && matches!(bytes[10], b'T' | b' ') {
            return Err((
                format!("must be a date without a time, not `{value}`"),
                format!("write only the day: {}", &value[..10]),
            ));
        }
        // Pasted from a word processor: dashes that are not hyphens
        // (‐ ‑ ‒ – — −) or full-width digits (２０１９), which look right.
        let plain: String = value
            .chars()
            .map(|c| match c {
                '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}' => '-',
                '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
                c => c,
            })
            .collect();
        if plain != value && date_shaped(plain.as_bytes()) {
            return Err((
                format!(
                    "is not a date: `{value}` has dashes or digits that only look like the usual ones"
                ),
                format!("retype the date with the keyboard's own hyphens and digits: {plain}"),
            ));
        }
        let hint = match written_out(value) {
            Some(date) => format!("write it as {date} (year, month, day)"),
            None => shape,
        };
        return Err((format!("is not a date: `{value}`"), hint));
    }
    let year: i16 = value[0..4].parse().expect("four digits");
    let month: i8 = value[5..7].parse().expect("two digits");
    let day: i8 = value[8..10].parse().expect("two digits");
    if !(1..=12).contains(&month) {
        return Err((
            format!("`{value}` is not a real date: there is no month {month}"),
            shape,
        ));
    }
    if !YEARS.contains(&year) {
        return Err(year_out_of_range(value, year));
    }
    if day == 0 {
        return Err((
            format!("`{value}` is not a real date: there is no day 0"),
            shape,
        ));
    }
    match Date::new(year, month, day) {
        Ok(date) => Ok(date),
        Err(_) => {
            let days = jiff::civil::date(year, month, 1).days_in_month();
            Err((
                format!(
                    "`{value}` is not a real date: {} {year} has {days} days",
                    MONTHS[month as usize - 1]
                ),
                shape,
            ))
        }
    }
}

/// The years a date may have. Opportunity Areas were announced in 2016;
/// a year outside these is a typo (`0217`, `2107`), and the timeline, its
/// chart and the feeds' RFC 3339 dates need a year of four digits and a
/// whole-hour time zone, which London had only from 1847.
pub const YEARS: std::ops::RangeInclusive<i16> = 1900..=2099;

/// The error for a date whose year is outside [`YEARS`], and its hint.
pub fn year_out_of_range(value: &str, year: i16) -> (String, String) {
    (
        format!(
            "`{value}` is outside the years oasis accepts ({} to {}): the year is {year}",
            YEARS.start(),
            YEARS.end()
        ),
        "check the year for a typo; dates are written 2017-10-09 (year, month, day)".to_string(),
    )
}

/// Reads dates as people write them ("9 October 2017", "9 Oct 2017",
/// "09/10/2017", UK order; "2017-10-9") to suggest the `2017-10-09` form.
fn written_out(value: &str) -> Option<Date> {
    if let [year, month, day] = value.split('-').collect::<Vec<_>>()[..]
        && year.len() == 4
    {
        // Year first without the leading zeros: 2018-2-5.
        return Date::new(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?).ok();
    }
    let parts: Vec<&str> = value
        .split(|c: char| c.is_whitespace() || c == '/' || c == ',' || c == '.')
        .filter(|p| !p.is_empty())
        .collect();
    let [day, month, year] = parts[..] else {
        return None;
    };
    let day: i8 = day
        .trim_end_matches(|c: char| c.is_alphabetic())
        .parse()
        .ok()?;
    let year: i16 = year.parse().ok()?;
    let month: i8 = match month.parse() {
        Ok(number) => number,
        Err(_) => {
            let lower = month.to_lowercase();
            let index = MONTHS
                .iter()
                .position(|m| lower.len() >= 3 && m.to_lowercase().starts_with(&lower))?;
            index as i8 + 1
        }
    };
    if year < 1000 {
        return None;
    }
    Date::new(year, month, day).ok()
}

/// The English name of a month, 1-based.
pub fn month_name(month: i8) -> &'static str {
    MONTHS[(month as usize).clamp(1, 12) - 1]
}

fn status<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Status>, D::Error> {
    struct StatusVisitor;
    impl<'de> Visitor<'de> for StatusVisitor {
        type Value = Status;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("planned, active or completed")
        }
        fn visit_str<E: de::Error>(self, value: &str) -> Result<Status, E> {
            if let Some(found) = crate::diagnostics::invisible_format(value) {
                return Err(fail(
                    &format!(
                        "has an invisible character in it: {}, {}",
                        found.name, found.place
                    ),
                    &crate::diagnostics::retype_hint(&format!("status: {}", found.visible)),
                ));
            }
            let wanted = value.trim().to_lowercase();
            if let Some((_, status)) = Status::ALL.iter().find(|(name, _)| *name == wanted) {
                return Ok(*status);
            }
            // Other words for the three statuses.
            let meaning = match wanted.as_str() {
                "done" | "finished" | "complete" | "closed" | "ended" | "over" => Some("completed"),
                "in progress" | "in-progress" | "ongoing" | "running" | "live" | "open"
                | "current" | "started" | "underway" | "under way" => Some("active"),
                "proposed" | "upcoming" | "future" | "not started" | "scheduled" | "pending" => {
                    Some("planned")
                }
                _ => None,
            };
            let suggestion = meaning
                .or_else(|| crate::diagnostics::did_you_mean(&wanted, Status::ALL.map(|(n, _)| n)));
            let hint = match suggestion {
                Some(s) => format!("did you mean `{s}`? A status is planned, active or completed"),
                None => "a status is planned, active or completed".to_string(),
            };
            Err(fail(&format!("is not a known status: `{value}`"), &hint))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Status, E> {
            Err(fail("is empty", "write planned, active or completed"))
        }
    }
    d.deserialize_any(StatusVisitor).map(Some)
}

fn pounds<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    struct PoundsVisitor;
    const HINT: &str =
        "write whole pounds as a number, without £ or commas, e.g. funding: 22000000";
    impl<'de> Visitor<'de> for PoundsVisitor {
        type Value = u64;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("whole pounds")
        }
        fn visit_u64<E: de::Error>(self, value: u64) -> Result<u64, E> {
            Ok(value)
        }
        fn visit_i64<E: de::Error>(self, value: i64) -> Result<u64, E> {
            u64::try_from(value).map_err(|_| fail(&format!("cannot be negative ({value})"), HINT))
        }
        fn visit_f64<E: de::Error>(self, value: f64) -> Result<u64, E> {
            if value.is_finite() && value.fract() == 0.0 && (0.0..1e15).contains(&value) {
                // `1e9` or `22000000.0`: whole, but written as a decimal.
                return Err(fail(
                    &format!("must be written as a whole number, not as a decimal ({value})"),
                    &format!("write every digit, with no point or `e`: funding: {value:.0}"),
                ));
            }
            Err(fail(&format!("must be whole pounds, not {value}"), HINT))
        }
        fn visit_u128<E: de::Error>(self, value: u128) -> Result<u64, E> {
            Err(fail(&format!("is too large ({value})"), HINT))
        }
        fn visit_i128<E: de::Error>(self, value: i128) -> Result<u64, E> {
            Err(fail(&format!("is out of range ({value})"), HINT))
        }
        fn visit_str<E: de::Error>(self, value: &str) -> Result<u64, E> {
            let digits: String = value.chars().filter(|c| c.is_ascii_digit()).collect();
            let hint = if let Some(pounds) = amount_in_words(value) {
                format!("write the amount in figures: funding: {pounds}")
            } else if !digits.is_empty() && !value.contains(['m', 'k', '.']) {
                match digits.trim_start_matches('0') {
                    // `0150000`, which YAML reads as text, needs its zero gone.
                    significant if value.trim().starts_with('0') && !significant.is_empty() => {
                        format!("write the number without a leading zero: funding: {significant}")
                    }
                    _ => format!("write the number alone: funding: {digits}"),
                }
            } else {
                HINT.to_string()
            };
            Err(fail(
                &format!("must be a number of pounds, not \"{value}\""),
                &hint,
            ))
        }
        fn visit_unit<E: de::Error>(self) -> Result<u64, E> {
            Err(fail("is empty", HINT))
        }
    }
    d.deserialize_any(PoundsVisitor).map(Some)
}

/// An amount written as people write money (`£1.5m`, `2 million`,
/// `£500k`, `1.2 bn`), in whole pounds; `None` for anything else.
fn amount_in_words(value: &str) -> Option<u64> {
    let text = value
        .trim()
        .trim_start_matches('£')
        .replace([',', ' '], "")
        .to_ascii_lowercase();
    let (number, zeros) = [
        ("million", 6),
        ("mn", 6),
        ("m", 6),
        ("thousand", 3),
        ("k", 3),
        ("billion", 9),
        ("bn", 9),
    ]
    .iter()
    .find_map(|(suffix, zeros)| text.strip_suffix(suffix).map(|n| (n.to_string(), *zeros)))?;
    // In whole digits, so that 1.15m is 1,150,000 exactly.
    let (whole, fraction) = number.split_once('.').unwrap_or((&number, ""));
    if whole.is_empty() && fraction.is_empty()
        || !whole
            .chars()
            .chain(fraction.chars())
            .all(|c| c.is_ascii_digit())
        || fraction.len() > zeros
    {
        return None;
    }
    let digits = format!("{whole}{fraction}{}", "0".repeat(zeros - fraction.len()));
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::super::frontmatter::scan;

    #[test]
    fn amounts_in_words_are_worked_out() {
        for (written, pounds) in [
            ("1.5m", Some(1_500_000)),
            ("£22 million", Some(22_000_000)),
            ("£500k", Some(500_000)),
            ("1.2 bn", Some(1_200_000_000)),
            ("2 Million", Some(2_000_000)),
            ("1.2345k", None),
            ("1.15m", Some(1_150_000)),
            (".5m", Some(500_000)),
            ("lots", None),
            ("m", None),
        ] {
            assert_eq!(super::amount_in_words(written), pounds, "{written}");
        }
    }
    use super::*;

    #[test]
    fn aliases_within_the_budget_are_read() {
        let yaml = "title: \"R&D *notes*\"\nextra:\n  a: &a {x: 1, y: [1, 2, 3]}\n  b: *a\n  c: [*a, *a]\n";
        assert!(!expands_too_far(yaml));
        let (front_matter, errors) = parse_all(yaml);
        assert!(errors.is_empty(), "{errors:?}");
        let extra = front_matter.extra.expect("extra");
        assert_eq!(extra["c"][1]["y"][2], serde_yaml::Value::from(3));
        // The largest front matter written out, with `&` and `*` in it.
        let long = format!("title: \"&*\"\nextra: [{}]\n", vec!["x"; 32_000].join(","));
        assert!(!expands_too_far(&long));
        let long = format!("title: \"&*\"\nextra: \"{}\"\n", "x".repeat(65_000));
        assert!(!expands_too_far(&long));
    }

    #[test]
    fn aliases_beyond_the_budget_are_refused() {
        let wide = format!(
            "extra:\n  a: &a [{}]\n  b: [{}]\n",
            vec!["1"; 4000].join(","),
            vec!["*a"; 16_000].join(",")
        );
        let (_, errors) = parse_all(&wide);
        assert_eq!(errors.len(), 1);
        assert!(errors[0].message.contains("aliases"), "{:?}", errors[0]);
        // Inside a tagged value too.
        let tagged = format!(
            "extra: !x\n  a: &a \"{}\"\n  b: [{}]\n",
            "y".repeat(10_000),
            vec!["*a"; 200].join(",")
        );
        assert!(expands_too_far(&tagged));
    }

    // Regression: a key indented by mistake after a date, a status, a
    // number, `areas: all` or a yes/no was read into that value (`date`
    // "must be a date without a time, not `2018-03-01 summary`", with a
    // help that changed nothing).
    #[test]
    fn a_key_indented_after_a_value_that_is_not_text_is_named() {
        for (yaml, key, line) in [
            ("date: 2018-03-01\n  summary: S\ntitle: T\n", "summary", 2),
            ("title: T\nstatus: active\n  funding: 1000\n", "funding", 3),
            ("funding: 1000\n  funder: DfE\n", "funder", 2),
            ("areas: all\n  priorities: [early-years]\n", "priorities", 2),
            ("draft: true\n\n  date: 2018-03-01\n", "date", 3),
        ] {
            let (_, errors) = parse_all(yaml);
            let found: Vec<_> = errors
                .iter()
                .map(|e| (e.message.as_str(), e.hint.as_deref(), e.position))
                .collect();
            let message =
                format!("`{key}` is indented, so YAML reads it as part of the line above");
            let hint =
                format!("remove the spaces before `{key}:` so that it starts at the left margin");
            assert_eq!(
                found,
                [(message.as_str(), Some(hint.as_str()), Some((line, 3)))],
                "{yaml}"
            );
            assert_eq!(errors[0].swallowed_key.as_deref(), Some(key));
        }
    }

    // Regression: `tags: [a, b` left open under `extra:` was "the list of
    // `extra` has an entry that is not followed by a comma", with an
    // `areas:` example.
    #[test]
    fn a_list_left_open_under_a_key_is_named_by_its_own_key() {
        let (_, errors) = parse_all("title: T\nextra:\n  tags: [a, b\n  other: 1\n");
        assert_eq!(errors[0].message, "the list of `tags` is never closed");
        assert_eq!(
            errors[0].hint.as_deref(),
            Some("end it with `]` on the same line: tags: [a, b]")
        );
        assert_eq!(errors[0].position, Some((3, 9)));
        let (_, errors) = parse_all("extra:\n  tags: {a: 1\n  other: 1\n");
        assert_eq!(errors[0].message, "the map of `tags` is never closed");
    }

    fn parse_all(yaml: &str) -> (FrontMatter, Vec<FieldError>) {
        let (keys, problems) = scan(yaml, 0);
        assert!(problems.is_empty(), "{problems:?}");
        parse(yaml, &keys, Default::default())
    }

    // Regression: an explicit key's value (`? title`, then `: "Careers`)
    // left open was "the text of `` has no closing quotation mark".
    #[test]
    fn an_explicit_keys_value_left_open_is_named_by_its_key() {
        let (front_matter, errors) = parse_all("? title\n: Careers fair\n? 'date'\n: 2018-03-01\n");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(front_matter.title.as_deref(), Some("Careers fair"));
        assert!(front_matter.date.is_some());
        // Regression: `? title` without its value was "`title` is empty" at
        // each line below it in turn, each of them hidden.
        let (front_matter, errors) = parse_all("? title\ndate: 2018-03-01\ndraft: true\n");
        let found: Vec<_> = errors
            .iter()
            .map(|e| (e.message.as_str(), e.position))
            .collect();
        assert_eq!(found, [("`title` is empty", Some((1, 8)))]);
        assert!(front_matter.date.is_some() && front_matter.draft.is_some());
        // Regression: `? organisation` without its value as the last line
        // was placed past the block, and every other key left unread.
        let (front_matter, errors) = parse_all("title: T\ndate: 2018-03-01\n? organisation\n");
        let found: Vec<_> = errors
            .iter()
            .map(|e| (e.message.as_str(), e.position))
            .collect();
        assert_eq!(found, [("`organisation` is empty", Some((3, 15)))]);
        assert_eq!(front_matter.title.as_deref(), Some("T"));
        assert!(front_matter.date.is_some());
        let (_, errors) = parse_all("? title\n: \"Careers fair\ndate: 2018-03-01\n");
        assert_eq!(
            errors[0].message,
            "the text of `title` has no closing quotation mark"
        );
        assert_eq!(errors[0].position, Some((2, 3)));
        assert!(
            errors[0]
                .hint
                .as_deref()
                .is_some_and(|h| h.ends_with(": \"Careers fair\"")),
            "{errors:?}"
        );
    }

    // Regression: in front matter written as one `{…}` map, the first
    // wrong value stopped the parsing, and every other key was reported
    // missing.
    #[test]
    fn each_wrong_entry_of_a_flow_map_is_reported_and_the_rest_read() {
        let (front_matter, errors) = parse_all(
            "{\"title\": \"Café\", \"date\": 2018, \"draft\": \"yes\",\n \"summary\": 5, \"areas\": [derby]}\n",
        );
        let messages: Vec<(&str, Option<(usize, usize)>)> = errors
            .iter()
            .map(|e| (e.message.as_str(), e.position))
            .collect();
        assert_eq!(
            messages,
            [
                ("`date` must be a date, not the number 2018", Some((1, 27))),
                ("`draft` must be true or false, not `yes`", Some((1, 42))),
                ("`summary` must be text, not the number `5`", Some((2, 13))),
            ]
        );
        assert_eq!(front_matter.title.as_deref(), Some("Café"));
        assert!(front_matter.areas.is_some());
    }

    #[test]
    fn refuses_coercions() {
        for (yaml, message) in [
            (
                "title: 2024\n",
                "`title` must be text, not the number `2024`",
            ),
            ("title: ~\n", "`title` is empty"),
            ("title: null\n", "`title` is empty"),
            ("title: \"\"\n", "`title` is empty"),
            ("draft: yes\n", "`draft` must be true or false, not `yes`"),
            (
                "date: 2019-02-30\n",
                "`date` `2019-02-30` is not a real date: February 2019 has 28 days",
            ),
            (
                "funding: \"£22m\"\n",
                "`funding` must be a number of pounds, not \"£22m\"",
            ),
            (
                "status: complete\n",
                "`status` is not a known status: `complete`",
            ),
        ] {
            let (_, errors) = parse_all(yaml);
            assert_eq!(errors.len(), 1, "{yaml}");
            assert_eq!(errors[0].message, message, "{yaml}");
            assert_eq!(errors[0].position.unwrap().0, 1, "{yaml}");
        }
    }

    // Regression: "write some text, or remove the line" for an empty
    // `title`; removing it gave "this announcement has no `title`".
    #[test]
    fn an_empty_required_key_is_not_told_to_go() {
        for yaml in [
            "title:\n",
            "title: null\n",
            "summary: \"\"\n",
            "date: ~\n",
            "changes:\n  - date: 2018-01-01\n    note:\n",
        ] {
            let (_, errors) = parse_all(yaml);
            let hint = errors[0].hint.as_deref().unwrap_or_default();
            assert!(errors[0].message.ends_with("is empty"), "{yaml}");
            assert!(hint.contains("write "), "{yaml}: {hint}");
            assert!(!hint.contains("remove"), "{yaml}: {hint}");
        }
        let (_, errors) = parse_all("updated:\n");
        assert!(
            errors[0]
                .hint
                .as_deref()
                .unwrap()
                .ends_with("or remove the line")
        );
    }

    // Regression: "e.g. - date: 2019-11-01" then "note: …" on the next line
    // did not line up once printed, and YAML copied from it was broken.
    #[test]
    fn yaml_examples_in_hints_start_on_a_line_of_their_own() {
        let (_, errors) = parse_all("changes:\n  - date: 2018-01-01\n");
        let missing_note = errors[0].hint.clone().unwrap_or_default();
        let hints = ALL_KEYS.iter().filter_map(|key| hint_for(key));
        for hint in hints.chain([missing_note]).filter(|h| h.contains('\n')) {
            let (sentence, example) = hint.split_once('\n').unwrap();
            assert!(sentence.ends_with("e.g."), "{hint}");
            let (_, errors) = parse_all(&format!("{example}\n"));
            assert!(errors.is_empty(), "{hint}: {errors:?}");
        }
    }

    #[test]
    fn suggests_the_iso_form_of_a_written_date() {
        for written in [
            "9 October 2017",
            "9th Oct 2017",
            "09/10/2017",
            "9.10.2017",
            "2017-10-9",
        ] {
            let (_, hint) = parse_date(written).unwrap_err();
            assert_eq!(
                hint, "write it as 2017-10-09 (year, month, day)",
                "{written}"
            );
        }
    }

    // Regression: "5 February 2018" has a space at byte 10 and was taken for
    // a date with a time ("write only the day: 5 February"); a non-ASCII
    // character there could also cut a character in two.
    #[test]
    fn a_long_written_date_is_not_a_date_with_a_time() {
        for (written, hint) in [
            (
                "5 February 2018",
                "write it as 2018-02-05 (year, month, day)",
            ),
            (
                "12 September 2017",
                "write it as 2017-09-12 (year, month, day)",
            ),
            (
                "5 Février 2018",
                "dates are written 2017-10-09 (year, month, day)",
            ),
            (
                "05 févr. 2018",
                "dates are written 2017-10-09 (year, month, day)",
            ),
        ] {
            let (message, shown) = parse_date(written).unwrap_err();
            assert_eq!(message, format!("is not a date: `{written}`"));
            assert_eq!(shown, hint, "{written}");
        }
        let (message, hint) = parse_date("2017-10-09 10:00").unwrap_err();
        assert_eq!(
            message,
            "must be a date without a time, not `2017-10-09 10:00`"
        );
        assert_eq!(hint, "write only the day: 2017-10-09");
    }

    /// Regression: dashes and digits pasted from a word processor, which
    /// look like a date's, got the generic hint; day 0 was "October has 31 days".
    #[test]
    fn dates_with_look_alike_characters_are_told_to_retype_them() {
        for written in [
            "2019\u{2010}01\u{2010}01",
            "2019–01–01",
            "2019—01—01",
            "２０１９-01-01",
        ] {
            let (message, hint) = parse_date(written).unwrap_err();
            assert!(
                message.contains("only look like the usual ones"),
                "{written}: {message}"
            );
            assert_eq!(
                hint,
                "retype the date with the keyboard's own hyphens and digits: 2019-01-01"
            );
        }
        let (message, _) = parse_date("2018-10-00").unwrap_err();
        assert_eq!(
            message,
            "`2018-10-00` is not a real date: there is no day 0"
        );
    }

    /// Regression: an empty entry of a list was told "or remove the line",
    /// which for `areas: [derby, ~]` removes every area.
    #[test]
    fn an_empty_entry_of_a_list_is_told_to_remove_the_entry() {
        let (_, errors) = parse_all("title: \"T\"\nareas: [derby, ~]\n");
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].message, "`areas[1]` is empty");
        let hint = errors[0].hint.as_deref().unwrap_or_default();
        assert!(
            hint.ends_with("or remove the entry from the list"),
            "{hint}"
        );
    }

    #[test]
    fn reports_every_broken_key() {
        let (front_matter, errors) =
            parse_all("title: 2024\ndate: 2017-10-09\ndraft: yes\nsummary: \"fine\"\n");
        let lines: Vec<usize> = errors.iter().map(|e| e.position.unwrap().0).collect();
        assert_eq!(lines, [1, 3]);
        assert_eq!(front_matter.summary.as_deref(), Some("fine"));
        assert_eq!(front_matter.date, Some(jiff::civil::date(2017, 10, 9)));
    }

    #[test]
    fn reads_areas_all_and_lists() {
        assert_eq!(parse_all("areas: all\n").0.areas, Some(AreaList::All));
        assert_eq!(
            parse_all("areas:\n  - derby\n").0.areas,
            Some(AreaList::Slugs(vec!["derby".into()]))
        );
    }

    // Found by fuzzing: a lone `\r` made libyaml report line 2 of a one-line block.
    #[test]
    fn lone_carriage_return_keeps_the_line() {
        for separator in ["\r", "\u{85}", "\u{2028}"] {
            let yaml = format!("title: \"a\"{separator}date: 2019-02-30\n");
            let (_, errors) = parse_all(&yaml);
            let column = yaml.find("2019").unwrap() + 1 - separator.len() + 1;
            assert_eq!(errors[0].position, Some((1, column)), "{separator:?}");
        }
    }

    #[test]
    fn explains_an_unquoted_colon() {
        let (keys, _) = scan("title: Derby: the plan\n", 0);
        let (_, errors) = parse("title: Derby: the plan\n", &keys, Default::default());
        assert_eq!(
            errors[0].message,
            "`title` contains a colon that YAML cannot read"
        );
        assert!(
            errors[0]
                .hint
                .as_ref()
                .unwrap()
                .ends_with("title: \"Derby: the plan\"")
        );
    }
}
