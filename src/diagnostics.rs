//! Diagnostics: every content, configuration and template problem of a run.
//!
//! A [`Diagnostic`] is data, not a panic: the stages collect them, the command
//! line sorts them by file and prints them all at once, like rustc does —
//! the message, `--> path:line:col`, the source line, a caret under the exact
//! span and a plain-English hint. The same values print as JSON lines for
//! tools (`--format json`) and as GitHub Actions workflow annotations.

use std::cell::Cell;
use std::fmt::Write as _;

use serde::Serialize;

/// How bad a diagnostic is. Errors stop a build; warnings fail only `check --strict`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// Where a diagnostic points: a file relative to the site root, and a span on one line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Location {
    /// Path relative to the site root, with `/` separators.
    pub file: String,
    /// 1-based line number in the file (not in the front-matter block).
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
    /// Width of the span in characters (at least 1).
    #[serde(skip)]
    pub width: usize,
    /// The text of the line, for the caret display.
    #[serde(skip)]
    pub source_line: Option<String>,
}

/// One problem found in the site, with everything a writer needs to fix it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// The front-matter key or site.toml key concerned, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// A short note printed after the caret ("did you mean `derby`?").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// A sentence on how to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// For a template error found while making a page, that page and the
    /// file it comes from: the fix may be in the content, not the template.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Self {
        Self::new(Severity::Error, message.into())
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, message.into())
    }

    fn new(severity: Severity, message: String) -> Self {
        Diagnostic {
            severity,
            message,
            location: None,
            field: None,
            label: None,
            hint: None,
            page: None,
        }
    }

    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }

    /// Points at a whole file, with no line.
    pub fn in_file(mut self, file: impl Into<String>) -> Self {
        self.location = Some(Location {
            file: file.into(),
            line: 0,
            column: 0,
            width: 0,
            source_line: None,
        });
        self
    }

    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The page being made: `/announcements/x/ (from content/announcements/x.md)`.
    pub fn on_page(mut self, page: impl Into<String>) -> Self {
        self.page = Some(page.into());
        self
    }

    pub fn maybe_hint(self, hint: Option<String>) -> Self {
        match hint {
            Some(hint) => self.hint(hint),
            None => self,
        }
    }

    pub fn maybe_label(self, label: Option<String>) -> Self {
        match label {
            Some(label) => self.label(label),
            None => self,
        }
    }

    /// Whether the two differ in their page only.
    fn same_but_page(&self, other: &Diagnostic) -> bool {
        self.severity == other.severity
            && self.message == other.message
            && self.location == other.location
            && self.field == other.field
            && self.label == other.label
            && self.hint == other.hint
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    fn sort_key(&self) -> (&str, usize, usize, Severity, &str) {
        match &self.location {
            Some(loc) => (
                &loc.file,
                loc.line,
                loc.column,
                self.severity,
                &self.message,
            ),
            None => ("", 0, 0, self.severity, &self.message),
        }
    }
}

/// How many bytes of source lines one file's locations may copy in all. Past
/// this, a location keeps its line and column but not the line's text, so
/// thousands of problems on one long line cannot take gigabytes.
const SOURCE_LINE_BUDGET: usize = 1024 * 1024;

/// A file's text with a line index, to turn byte offsets into locations.
pub struct SourceText<'a> {
    file: &'a str,
    text: &'a str,
    line_starts: Vec<usize>,
    /// The last located byte offset and its column: spans located in order
    /// along one long line cost time linear in the line, not quadratic.
    last: Cell<(usize, usize)>,
    /// What is left of [`SOURCE_LINE_BUDGET`].
    budget: Cell<usize>,
}

impl<'a> SourceText<'a> {
    pub fn new(file: &'a str, text: &'a str) -> Self {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SourceText {
            file,
            text,
            line_starts,
            last: Cell::new((0, 1)),
            budget: Cell::new(SOURCE_LINE_BUDGET),
        }
    }

    /// A copy of a line for a location, while the budget lasts.
    fn copy_line(&self, line: &str) -> Option<String> {
        let left = self.budget.get().checked_sub(line.len())?;
        self.budget.set(left);
        Some(line.to_string())
    }

    pub fn text(&self) -> &'a str {
        self.text
    }

    /// The length of the byte-order mark the file starts with (0 or 3): not
    /// a column of line 1, nor a character to show.
    fn bom(&self) -> usize {
        if self.text.starts_with('\u{feff}') {
            '\u{feff}'.len_utf8()
        } else {
            0
        }
    }

    /// The text of a line (0-based) to show, without its line break and,
    /// on line 1, without a byte-order mark.
    fn shown_line(&self, line_index: usize, line_start: usize, line_end: usize) -> &'a str {
        let line_text = self.text[line_start..line_end].trim_end_matches('\r');
        if line_index == 0 {
            line_text.trim_start_matches('\u{feff}')
        } else {
            line_text
        }
    }

    /// The 1-based number and the text of the line that holds byte `offset`
    /// (without its line break or a byte-order mark).
    pub fn line_at(&self, offset: usize) -> (usize, &'a str) {
        let index = match self.line_starts.binary_search(&offset.min(self.text.len())) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let end = self
            .line_starts
            .get(index + 1)
            .map_or(self.text.len(), |&next| next - 1);
        (
            index + 1,
            self.shown_line(index, self.line_starts[index], end),
        )
    }

    /// The location of a byte range; the span is clipped to its first line.
    pub fn locate(&self, start: usize, end: usize) -> Location {
        let start = start.max(self.bom()).min(self.text.len());
        let end = end.clamp(start, self.text.len());
        let line_index = match self.line_starts.binary_search(&start) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let line_start = self.line_starts[line_index];
        let line_end = self
            .line_starts
            .get(line_index + 1)
            .map_or(self.text.len(), |&next| next - 1);
        // Columns on line 1 count from after the byte-order mark.
        let line_start = if line_index == 0 {
            self.bom()
        } else {
            line_start
        };
        let line_text = self.shown_line(line_index, line_start, line_end);
        let start_char = floor_char(self.text, start);
        let (last_offset, last_column) = self.last.get();
        let column = if (line_start..=start_char).contains(&last_offset) {
            last_column + self.text[last_offset..start_char].chars().count()
        } else {
            self.text[line_start..start_char].chars().count() + 1
        };
        self.last.set((start_char, column));
        let span_end = floor_char(self.text, end.min(line_start + line_text.len()));
        let width = self.text[start_char..span_end.max(start)]
            .chars()
            .count()
            .max(1);
        Location {
            file: self.file.to_string(),
            line: line_index + 1,
            column,
            width,
            source_line: self.copy_line(line_text),
        }
    }

    /// The location of a 1-based line and column (in characters), `width` characters wide.
    pub fn locate_line_col(&self, line: usize, column: usize, width: usize) -> Location {
        let line_index = line.clamp(1, self.line_starts.len()) - 1;
        let line_start = self.line_starts[line_index];
        let line_end = self
            .line_starts
            .get(line_index + 1)
            .map_or(self.text.len(), |&next| next - 1);
        let line_text = self.shown_line(line_index, line_start, line_end);
        Location {
            file: self.file.to_string(),
            line: line_index + 1,
            column: column.max(1),
            width: width.max(1),
            source_line: self.copy_line(line_text),
        }
    }
}

fn floor_char(text: &str, mut index: usize) -> usize {
    index = index.min(text.len());
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

/// Sorts diagnostics by file, line and column, and drops exact duplicates.
pub fn sort(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(|a, b| (a.sort_key(), &a.page).cmp(&(b.sort_key(), &b.page)));
    diagnostics.dedup();
    // A template error met on many pages is told once, naming the first.
    let mut merged: Vec<Diagnostic> = Vec::with_capacity(diagnostics.len());
    let mut others = 0;
    for diagnostic in diagnostics.drain(..) {
        if let Some(last) = merged.last_mut()
            && last.page.is_some()
            && diagnostic.page.is_some()
            && diagnostic.same_but_page(last)
        {
            others += 1;
            continue;
        }
        name_others(merged.last_mut(), others);
        others = 0;
        merged.push(diagnostic);
    }
    name_others(merged.last_mut(), others);
    *diagnostics = merged;
}

/// Adds "and N other pages" to a merged diagnostic's page.
fn name_others(diagnostic: Option<&mut Diagnostic>, others: usize) {
    if let Some(page) = diagnostic.and_then(|d| d.page.as_mut())
        && others > 0
    {
        let s = if others == 1 { "" } else { "s" };
        page.push_str(&format!(", and {others} other page{s}"));
    }
}

/// How diagnostics are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// rustc-style frames with a caret, for people.
    Human { colour: bool },
    /// One JSON object per line, for tools.
    Json,
}

/// Renders one diagnostic in the rustc style.
pub fn render_human(diagnostic: &Diagnostic, colour: bool) -> String {
    let paint = |code: &str, text: &str| {
        if colour {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    };
    let (word, code) = match diagnostic.severity {
        Severity::Error => ("error", "1;31"),
        Severity::Warning => ("warning", "1;33"),
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}{}",
        paint(code, word),
        paint("1", &format!(": {}", diagnostic.message))
    );
    let gutter_width = diagnostic
        .location
        .as_ref()
        .map_or(1, |loc| loc.line.to_string().len());
    let pad = " ".repeat(gutter_width);
    let bar = paint("1;34", "|");
    if let Some(loc) = &diagnostic.location {
        if loc.line == 0 {
            let _ = writeln!(out, "{pad}{} {}", paint("1;34", "-->"), loc.file);
        } else {
            let _ = writeln!(
                out,
                "{pad}{} {}:{}:{}",
                paint("1;34", "-->"),
                loc.file,
                loc.line,
                loc.column
            );
        }
        if let Some(line) = &loc.source_line {
            // A carriage return alone (old Mac line endings) would send the
            // terminal's cursor back to the start of the line: show it as ␍.
            let line = line.replace('\r', "␍");
            let (shown, caret_offset, caret_width) = expand_tabs(&line, loc.column, loc.width);
            let (shown, caret_offset, caret_width) = clip(&shown, caret_offset, caret_width);
            let (caret_offset, caret_width) = cells(&shown, caret_offset, caret_width);
            let _ = writeln!(out, "{pad} {bar}");
            let _ = writeln!(
                out,
                "{} {bar} {}",
                paint("1;34", &loc.line.to_string()),
                shown
            );
            let carets = paint(code, &"^".repeat(caret_width));
            let label = diagnostic
                .label
                .as_deref()
                .map(|l| format!(" {}", paint(code, l)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "{pad} {bar} {}{carets}{label}",
                " ".repeat(caret_offset)
            );
        } else if let Some(label) = &diagnostic.label {
            let _ = writeln!(out, "{pad} {} {label}", paint("1;34", "="));
        }
    } else if let Some(label) = &diagnostic.label {
        let _ = writeln!(out, "{pad} {} {label}", paint("1;34", "="));
    }
    if let Some(page) = &diagnostic.page {
        let _ = writeln!(out, "{pad} {} making {page}", paint("1;34", "= note:"));
    }
    if let Some(hint) = &diagnostic.hint {
        // Continuation lines of a multi-line hint line up after "= help: ".
        let indent = format!("\n{pad}         ");
        let hint = hint.replace('\n', &indent);
        let _ = writeln!(out, "{pad} {} {hint}", paint("1;34", "= help:"));
    }
    out
}

/// Longest source line shown whole; longer lines show a window around the caret.
const MAX_SHOWN: usize = 100;

/// Cuts a long line down to a window around the caret, marked with `…`.
fn clip(line: &str, caret_offset: usize, caret_width: usize) -> (String, usize, usize) {
    let chars: Vec<char> = line.chars().collect();
    if chars.len() <= MAX_SHOWN {
        return (line.to_string(), caret_offset, caret_width);
    }
    let width = caret_width.min(MAX_SHOWN / 2);
    let start = caret_offset.saturating_sub(MAX_SHOWN / 4).min(chars.len());
    let end = (start + MAX_SHOWN).min(chars.len());
    let mut shown = String::new();
    let mut offset = caret_offset - start;
    if start > 0 {
        shown.push('…');
        offset += 1;
    }
    shown.extend(&chars[start..end]);
    if end < chars.len() {
        shown.push('…');
    }
    (shown, offset, width)
}

/// The caret's offset and width, given in characters of `shown`, in the
/// terminal's cells: a Chinese or Japanese character (or an emoji) takes
/// two, an accent written as a combining mark none, so that the caret stays
/// under its text.
fn cells(shown: &str, offset: usize, width: usize) -> (usize, usize) {
    use unicode_width::UnicodeWidthChar;
    let cell = |c: char| c.width().unwrap_or(0);
    let count = shown.chars().count();
    let before: usize =
        shown.chars().take(offset).map(cell).sum::<usize>() + offset.saturating_sub(count);
    let within: usize = shown.chars().skip(offset).take(width).map(cell).sum();
    (before, within.max(1))
}

/// Replaces tabs with four spaces and moves the caret to match.
fn expand_tabs(line: &str, column: usize, width: usize) -> (String, usize, usize) {
    let mut shown = String::with_capacity(line.len());
    let mut caret_offset = 0;
    let mut caret_width = 0;
    let start = column.saturating_sub(1);
    let line_chars = line.chars().count();
    for (i, c) in line.chars().enumerate() {
        let cell = if c == '\t' { 4 } else { 1 };
        if i < start {
            caret_offset += cell;
        } else if i < start + width {
            caret_width += cell;
        }
        if c == '\t' {
            shown.push_str("    ");
        } else {
            shown.push(c);
        }
    }
    if start >= line_chars {
        caret_offset += start - line_chars;
    }
    (shown, caret_offset, caret_width.max(1))
}

/// Renders one diagnostic as a JSON object on one line.
pub fn render_json(diagnostic: &Diagnostic) -> String {
    serde_json::to_string(diagnostic).expect("a diagnostic always serialises")
}

/// Renders one diagnostic as a GitHub Actions workflow command, so the error
/// shows on the changed line of a pull request.
pub fn render_github(diagnostic: &Diagnostic) -> String {
    let command = match diagnostic.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut properties = Vec::new();
    if let Some(loc) = &diagnostic.location {
        properties.push(format!("file={}", escape_github_property(&loc.file)));
        if loc.line > 0 {
            properties.push(format!("line={}", loc.line));
            properties.push(format!("col={}", loc.column));
        }
    }
    properties.push("title=oasis".to_string());
    let mut message = diagnostic.message.clone();
    if let Some(label) = &diagnostic.label {
        let _ = write!(message, ": {label}");
    }
    if let Some(page) = &diagnostic.page {
        let _ = write!(message, "\nmaking {page}");
    }
    if let Some(hint) = &diagnostic.hint {
        let _ = write!(message, "\n{hint}");
    }
    format!(
        "::{command} {}::{}",
        properties.join(","),
        escape_github_data(&message)
    )
}

fn escape_github_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_github_property(text: &str) -> String {
    escape_github_data(text)
        .replace(':', "%3A")
        .replace(',', "%2C")
}

/// A count line such as "2 errors and 1 warning".
pub fn summary(diagnostics: &[Diagnostic]) -> String {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    match (errors, warnings) {
        (0, w) => plural(w, "warning"),
        (e, 0) => plural(e, "error"),
        (e, w) => format!("{} and {}", plural(e, "error"), plural(w, "warning")),
    }
}

/// The first character of `text` that XML 1.0 forbids and nobody can see:
/// a C0 control other than tab, line feed and carriage return, or U+FFFE
/// and U+FFFF. Text with one would make an invalid feed.
pub fn invisible_control(text: &str) -> Option<char> {
    text.chars().find(|&c| {
        (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{FFFE}' || c == '\u{FFFF}'
    })
}

/// An invisible formatting character in a value, such as a zero-width space
/// that came with text copied from a web page: `derby` with one after it
/// looks like `derby`, but names no area.
#[derive(Debug, PartialEq, Eq)]
pub struct Invisible {
    /// Its byte offset in the value, and its length in bytes.
    pub offset: usize,
    pub len: usize,
    /// "U+200B (zero-width space)".
    pub name: String,
    /// Where it is, in words: "after `derby`", "between `der` and `by`".
    pub place: String,
    /// The value without its invisible characters.
    pub visible: String,
}

/// The invisible formatting characters writers meet, with their names.
const INVISIBLE: &[(char, &str)] = &[
    ('\u{00AD}', "soft hyphen"),
    ('\u{061C}', "Arabic letter mark"),
    ('\u{180E}', "Mongolian vowel separator"),
    ('\u{200B}', "zero-width space"),
    ('\u{200C}', "zero-width non-joiner"),
    ('\u{200D}', "zero-width joiner"),
    ('\u{200E}', "left-to-right mark"),
    ('\u{200F}', "right-to-left mark"),
    ('\u{202A}', "left-to-right embedding"),
    ('\u{202B}', "right-to-left embedding"),
    ('\u{202C}', "pop directional formatting"),
    ('\u{202D}', "left-to-right override"),
    ('\u{202E}', "right-to-left override"),
    ('\u{2060}', "word joiner"),
    ('\u{2066}', "left-to-right isolate"),
    ('\u{2067}', "right-to-left isolate"),
    ('\u{2068}', "first strong isolate"),
    ('\u{2069}', "pop directional isolate"),
    ('\u{FEFF}', "zero-width no-break space"),
];

fn invisible_name(c: char) -> Option<&'static str> {
    INVISIBLE
        .iter()
        .find(|(invisible, _)| *invisible == c)
        .map(|(_, name)| *name)
}

/// `text` without its invisible formatting characters.
pub fn without_invisible(text: &str) -> String {
    text.chars()
        .filter(|c| invisible_name(*c).is_none())
        .collect()
}

/// What to do about an invisible character in `line`: type the line again.
pub fn retype_hint(line: &str) -> String {
    format!(
        "delete the line and type it again by hand, not pasted: {}; text copied from a web page or a document can bring characters that do not show",
        without_invisible(line.trim())
    )
}

/// The first invisible formatting character in `value`, if it has one.
pub fn invisible_format(value: &str) -> Option<Invisible> {
    let (offset, c) = value
        .char_indices()
        .find(|(_, c)| invisible_name(*c).is_some())?;
    let name = invisible_name(c).expect("found above");
    let before = without_invisible(&value[..offset]);
    let after = without_invisible(&value[offset + c.len_utf8()..]);
    let place = match (before.is_empty(), after.is_empty()) {
        (true, true) => "and nothing else".to_string(),
        (true, false) => format!("before `{after}`"),
        (false, true) => format!("after `{before}`"),
        (false, false) => format!("between `{before}` and `{after}`"),
    };
    Some(Invisible {
        offset,
        len: c.len_utf8(),
        name: format!("U+{:04X} ({name})", c as u32),
        place,
        visible: format!("{before}{after}"),
    })
}

/// `n` and `word`, in the plural unless `n` is 1: "1 error", "3 pages".
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The closest candidate to `word`, if one is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let word_lower = word.to_lowercase();
    let word_length = word.chars().count();
    let word_lower_length = word_lower.chars().count();
    candidates
        .into_iter()
        .filter_map(|candidate| {
            let longest = word_length.max(candidate.chars().count());
            let close_enough = (longest / 3).max(1);
            let candidate_lower = candidate.to_lowercase();
            let prefix = candidate.starts_with(&word_lower);
            // The distance is at least the difference in length: skip the
            // quadratic comparison when it cannot pass (a 60 KB `@/` link).
            if !prefix && word_lower_length.abs_diff(candidate_lower.chars().count()) > close_enough
            {
                return None;
            }
            let distance = strsim::damerau_levenshtein(&word_lower, &candidate_lower);
            (distance <= close_enough || prefix).then_some((distance, candidate))
        })
        .min_by_key(|&(distance, candidate)| (distance, candidate))
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_byte_offsets_on_later_lines() {
        let text = "---\ntitle: x\nareas: [darby]\n---\n";
        let source = SourceText::new("a.md", text);
        let start = text.find("darby").unwrap();
        let loc = source.locate(start, start + 5);
        assert_eq!((loc.line, loc.column, loc.width), (3, 9, 5));
        assert_eq!(loc.source_line.as_deref(), Some("areas: [darby]"));
    }

    // Regression: a byte-order mark was counted as a column of line 1
    // (`Just body` was reported at 1:2) and shown in the source line.
    #[test]
    fn a_byte_order_mark_is_not_a_column() {
        let text = "\u{feff}Just body\nline two\n";
        let source = SourceText::new("a.md", text);
        let loc = source.locate(3, 12);
        assert_eq!((loc.line, loc.column, loc.width), (1, 1, 9));
        assert_eq!(loc.source_line.as_deref(), Some("Just body"));
        assert_eq!(source.locate(0, 12).column, 1);
        assert_eq!(source.locate(8, 9).column, 6);
        assert_eq!(source.locate(text.find("two").unwrap(), 0).column, 6);
        let loc = source.locate_line_col(1, 1, 4);
        assert_eq!(loc.source_line.as_deref(), Some("Just body"));
    }

    // Found while fuzzing: 12,000 bad aliases on one 60 KB line copied the
    // line 12,000 times (720 MB) and counted its columns from the start each time.
    #[test]
    fn many_spans_on_one_long_line() {
        let text = "[x](javascript:1) ".repeat(100_000);
        let source = SourceText::new("a.md", &text);
        let mut copied = 0;
        for i in 0..100_000 {
            let start = i * 18 + 4;
            let loc = source.locate(start, start + 12);
            assert_eq!((loc.line, loc.column, loc.width), (1, start + 1, 12));
            copied += loc.source_line.map_or(0, |line| line.len());
        }
        assert!(copied <= SOURCE_LINE_BUDGET, "{copied} bytes copied");
        let early = source.locate(4, 5);
        assert_eq!(early.column, 5, "a span before the last one");
    }

    #[test]
    fn renders_a_caret_under_the_span() {
        let text = "areas: [darby]\n";
        let source = SourceText::new("content/a.md", text);
        let d = Diagnostic::error("unknown area `darby`")
            .at(source.locate(8, 13))
            .label("did you mean `derby`?");
        assert_eq!(
            render_human(&d, false),
            "error: unknown area `darby`\n --> content/a.md:1:9\n  |\n1 | areas: [darby]\n  |         ^^^^^ did you mean `derby`?\n"
        );
    }

    // Regression: the lines of a YAML example in a hint must keep their
    // indentation relative to each other, so that the example can be copied.
    #[test]
    fn a_multi_line_hint_keeps_its_indentation() {
        let d = Diagnostic::error("x")
            .in_file("a.md")
            .hint("e.g.\nchanges:\n  - date: 2019-11-01\n    note: \"What changed\"");
        let shown = render_human(&d, false);
        let column = |word: &str| {
            let line = shown.lines().find(|l| l.contains(word)).unwrap();
            line.find(word).unwrap()
        };
        assert_eq!(column("note:"), column("date:"), "{shown}");
        assert_eq!(column("- date") + 2, column("changes:") + 4, "{shown}");
    }

    /// Regression: after wide characters (Chinese, emoji) the caret drifted left.
    #[test]
    fn carets_count_the_terminals_cells() {
        assert_eq!(cells("title: \"中文\" x", 11, 1), (13, 1));
        assert_eq!(cells("a 🎉b", 3, 1), (4, 1));
        assert_eq!(cells("中文", 0, 2), (0, 4));
        assert_eq!(cells("abc", 5, 1), (5, 1));
        assert_eq!(cells("e\u{301}x", 2, 1), (1, 1));
    }

    #[test]
    fn clips_long_lines_around_the_caret() {
        let line = format!("{}X{}", "a".repeat(300), "b".repeat(300));
        let (shown, offset, width) = clip(&line, 300, 1);
        assert!(shown.starts_with('…') && shown.ends_with('…'));
        assert_eq!(shown.chars().nth(offset), Some('X'));
        assert_eq!(width, 1);
    }

    #[test]
    fn suggests_close_words_only() {
        assert_eq!(did_you_mean("darby", ["derby", "oldham"]), Some("derby"));
        assert_eq!(did_you_mean("london", ["derby", "oldham"]), None);
        assert_eq!(did_you_mean("titel", ["title", "date"]), Some("title"));
    }

    // Found by fuzzing: a 16 KB `@/` link took seconds, compared in full with every page;
    // skipping hopeless candidates must not change any answer.
    #[test]
    fn long_words_are_not_compared_in_full() {
        let long = "a".repeat(200_000);
        let candidates = ["plans/derby.md", "areas/oldham.md"];
        assert_eq!(did_you_mean(&long, candidates), None);
        assert_eq!(
            did_you_mean("plans/derbi.md", candidates),
            Some("plans/derby.md")
        );
        assert_eq!(did_you_mean("plans/", candidates), Some("plans/derby.md"));
    }

    #[test]
    fn names_an_invisible_character_and_where_it_is() {
        let found = invisible_format("derby\u{200b}").unwrap();
        assert_eq!((found.offset, found.len), (5, 3));
        assert_eq!(found.name, "U+200B (zero-width space)");
        assert_eq!(found.place, "after `derby`");
        assert_eq!(found.visible, "derby");
        let found = invisible_format("ear\u{ad}ly-years").unwrap();
        assert_eq!(found.place, "between `ear` and `ly-years`");
        assert_eq!(invisible_format("derby"), None);
        assert_eq!(invisible_format("café"), None);
    }

    #[test]
    fn escapes_github_annotations() {
        let d = Diagnostic::error("bad: 100%\nnext").in_file("a,b.md");
        assert_eq!(
            render_github(&d),
            "::error file=a%2Cb.md,title=oasis::bad: 100%25%0Anext"
        );
    }
}
