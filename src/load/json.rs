//! Front matter written as one `{…}` map, as JSON is.
//!
//! JSON is YAML, so a tool, or a writer used to JSON, may give the front
//! matter as `{"title": "…", "date": "…", …}`. In: such a YAML block (after
//! [`super::frontmatter::scan`]'s guards). Out: its entries as top-level
//! keys, each with the bytes that hide it from the parser when its value is
//! wrong (its lines may hold other entries), and the mistakes of JSON
//! written by hand, where they are, in plain words, with the fix: a comma or
//! a colon left out, a comma with no entry before it, a key without
//! quotation marks whose colon has no space after it, `\'` in single quotes,
//! a quotation mark inside quoted text, text, a list or a map left open, a
//! key given twice, text after the closing `}`. The parser would stop at
//! the first of these, often further on and in its own words. What YAML
//! reads as the writer meant is left alone: a comma after the last entry,
//! single quotes, keys without quotation marks, comments.

use std::collections::HashMap;
use std::ops::Range;

use super::fields::ALL_KEYS;
use super::frontmatter::{Problem, TopKey, file_line, hash_in_flow, quote};

/// Whether the block is one `{…}` map: its first line that is not blank or
/// a comment starts with `{`.
pub fn is_flow_map(yaml: &str) -> bool {
    yaml.lines()
        .map(str::trim)
        .find(|line| !line.is_empty() && !line.starts_with('#'))
        .is_some_and(|line| line.starts_with('{'))
}

/// Finds the entries of a block that [`is_flow_map`], and its mistakes.
/// `offset` is the block's byte offset in the file.
pub fn scan(yaml: &str, offset: usize) -> (Vec<TopKey>, Vec<Problem>) {
    let mut scanner = Scanner {
        yaml,
        offset,
        line_starts: std::iter::once(0)
            .chain(yaml.match_indices('\n').map(|(i, _)| i + 1))
            .collect(),
        pos: 0,
        keys: Vec::new(),
        problems: Vec::new(),
        duplicates: Vec::new(),
    };
    scanner.skip_blank();
    if scanner.peek() == Some(b'{') {
        let open = scanner.pos;
        scanner.pos += 1;
        if scanner.map(open, None).is_ok() {
            scanner.after_the_map(open);
        }
    }
    // A key given twice hides its second entry only: the rest is checked.
    for (problem, key) in std::mem::take(&mut scanner.duplicates) {
        let entry = scanner.keys[key].entry.clone();
        scanner.problems[problem].entry = entry;
    }
    (scanner.keys, scanner.problems)
}

/// A mistake after which the map cannot be read on: it is reported, and
/// the scan ends.
struct Stop;

/// A key as written.
struct Key {
    name: String,
    /// The name, without its quotation marks, in the block.
    name_range: Range<usize>,
    /// The key with its quotation marks, in the block.
    written: Range<usize>,
}

struct Scanner<'a> {
    yaml: &'a str,
    offset: usize,
    line_starts: Vec<usize>,
    pos: usize,
    keys: Vec<TopKey>,
    problems: Vec<Problem>,
    /// (problem, key) for each key given twice, to hide its entry.
    duplicates: Vec<(usize, usize)>,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.yaml.as_bytes().get(self.pos).copied()
    }

    fn byte(&self, i: usize) -> Option<u8> {
        self.yaml.as_bytes().get(i).copied()
    }

    /// The 0-based line of byte `i` of the block.
    fn line(&self, i: usize) -> usize {
        self.line_starts.partition_point(|start| *start <= i) - 1
    }

    /// The text of the line that byte `i` is on, without its line break.
    fn line_text(&self, i: usize) -> (usize, &str) {
        let start = self.line_starts[self.line(i)];
        let end = self.yaml[start..]
            .find('\n')
            .map_or(self.yaml.len(), |n| start + n);
        (start, self.yaml[start..end].trim_end_matches('\r'))
    }

    /// Whether a `#` at byte `i` starts a comment (it follows a space or a
    /// line break, or starts the block).
    fn starts_comment(&self, i: usize) -> bool {
        self.byte(i) == Some(b'#')
            && (i == 0 || matches!(self.byte(i - 1), Some(b' ' | b'\t' | b'\n' | b'\r')))
    }

    /// Skips spaces, line breaks and comments.
    fn skip_blank(&mut self) {
        while let Some(c) = self.peek() {
            match c {
                b' ' | b'\t' | b'\r' | b'\n' => self.pos += 1,
                b'#' if self.starts_comment(self.pos) => {
                    self.pos = self.yaml[self.pos..]
                        .find('\n')
                        .map_or(self.yaml.len(), |n| self.pos + n);
                }
                _ => break,
            }
        }
    }

    fn skip_spaces(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
    }

    /// Reports a mistake at `range` of the block; `field` is the key it
    /// belongs to, if any.
    fn report(
        &mut self,
        range: Range<usize>,
        message: String,
        hint: String,
        field: Option<&str>,
    ) -> usize {
        let mut problem = Problem::new(
            self.offset + range.start..self.offset + range.end.max(range.start + 1),
            message,
            hint,
        );
        problem.field = field.map(str::to_string);
        self.problems.push(problem);
        self.problems.len() - 1
    }

    /// A `//` or `/* */` comment, which some tools write in JSON: YAML
    /// reads it as text (a key). Reported and hidden from the parser, and
    /// the entries after it read on.
    fn js_comment(&mut self) {
        let start = self.pos;
        let rest = &self.yaml[start..];
        let (mark, end) = if rest.starts_with("//") {
            ("//", rest.find('\n').map_or(self.yaml.len(), |n| start + n))
        } else {
            (
                "/* */",
                rest.find("*/").map_or(self.yaml.len(), |n| start + n + 2),
            )
        };
        let mut problem = Problem::new(
            self.offset + start..self.offset + end,
            format!("front matter has no `{mark}` comments: YAML reads this as text"),
            "start a comment with `#` instead, on a line of its own or after a space, or remove it",
        );
        problem.entry = Some(start..end);
        self.problems.push(problem);
        self.pos = end;
    }

    /// Reads a map's entries up to its `}`; `open` is its `{`, `owner` the
    /// top-level key it is the value of (`None` for the front matter).
    fn map(&mut self, open: usize, owner: Option<&str>) -> Result<(), Stop> {
        let mut first_lines: HashMap<String, usize> = HashMap::new();
        // After `{` or a comma, an entry may come; after an entry, a comma.
        let mut expecting = true;
        // The latest entry: its key and where it ends.
        let mut previous: Option<(String, Range<usize>)> = None;
        loop {
            self.skip_blank();
            let Some(c) = self.peek() else {
                return Err(self.map_never_closed(open, owner, previous.as_ref()));
            };
            match c {
                b'}' => {
                    self.pos += 1;
                    return Ok(());
                }
                b']' => {
                    let what = owner.map_or("the front matter".to_string(), |o| {
                        format!("the map of `{o}`")
                    });
                    self.report(
                        self.pos..self.pos + 1,
                        format!(
                            "{what}, which starts with `{{` on line {}, is closed with `]`",
                            file_line(self.line(open))
                        ),
                        "a `{` is closed with `}`: replace this `]` with `}`".to_string(),
                        owner,
                    );
                    return Err(Stop);
                }
                b',' => {
                    if expecting {
                        let after = match &previous {
                            Some((key, _)) => format!("after the `{key}` entry"),
                            None => "after the `{`".to_string(),
                        };
                        self.report(
                            self.pos..self.pos + 1,
                            format!("there is a comma with no entry before it, {after}"),
                            "remove this comma: commas go between entries, one after each entry but the last".to_string(),
                            owner,
                        );
                    } else if owner.is_none()
                        && let Some(last) = self.keys.last_mut()
                        && last.entry.as_ref().is_some_and(|e| e.end <= self.pos)
                    {
                        // Hiding the entry hides its comma too.
                        last.entry = last.entry.clone().map(|e| e.start..self.pos + 1);
                    }
                    self.pos += 1;
                    expecting = true;
                }
                b'/' if self.yaml[self.pos..].starts_with("//")
                    || self.yaml[self.pos..].starts_with("/*") =>
                {
                    self.js_comment();
                }
                _ => {
                    let yaml = self.yaml;
                    let start = self.pos;
                    let key = self.key(owner)?;
                    if self.pos == start {
                        // Nothing read: step over the character, so that
                        // this always ends.
                        self.pos += yaml[self.pos..].chars().next().map_or(1, char::len_utf8);
                        continue;
                    }
                    if !expecting && let Some((previous_key, previous_range)) = &previous {
                        self.missing_comma(previous_key, previous_range.clone(), &key.name, owner);
                    }
                    let colon = self.colon(&key, owner);
                    let value_owner = owner.unwrap_or(&key.name).to_string();
                    let written = &yaml[key.written.clone()];
                    let value = self.value(&value_owner, &format!("{written}: "), false)?;
                    if !colon {
                        let value_text = yaml[value.clone()].lines().next().unwrap_or("");
                        self.report(
                            key.written.end..key.written.end + 1,
                            format!("there is no colon after the key `{}`", key.name),
                            format!(
                                "put a colon and a space between the key and its value: {written}: {value_text}"
                            ),
                            Some(&value_owner),
                        );
                    }
                    previous = Some((key.name.clone(), start..value.end));
                    if owner.is_none() {
                        self.top_level_key(key, start, value, &mut first_lines);
                    }
                    expecting = false;
                }
            }
        }
    }

    /// Records an entry of the front matter, reporting a key given twice.
    fn top_level_key(
        &mut self,
        key: Key,
        start: usize,
        value: Range<usize>,
        first_lines: &mut HashMap<String, usize>,
    ) {
        let line = self.line(key.name_range.start);
        if let Some(&first) = first_lines.get(&key.name) {
            let place = if first == line {
                "before it on the same line".to_string()
            } else {
                format!("on line {}", file_line(first))
            };
            let problem = self.report(
                key.name_range.clone(),
                format!("`{}` is given twice", key.name),
                format!("the first `{}` is {place}; keep one of them", key.name),
                Some(&key.name),
            );
            // Not fatal: the second entry is hidden, the rest is checked.
            self.problems[problem].skip = Some(line..line);
            self.duplicates.push((problem, self.keys.len()));
        } else {
            first_lines.insert(key.name.clone(), line);
        }
        self.keys.push(TopKey {
            name: key.name,
            key: self.offset + key.name_range.start..self.offset + key.name_range.end,
            value: self.offset + value.start..self.offset + value.end,
            lines: self.line(start)..self.line(value.end.max(start + 1) - 1) + 1,
            entry: Some(start..value.end),
        });
    }

    /// Reads a key (quoted or not), up to its colon.
    fn key(&mut self, owner: Option<&str>) -> Result<Key, Stop> {
        let start = self.pos;
        let rest = &self.yaml[start..];
        if let Some(q @ (b'"' | b'\'')) = self.peek() {
            let content = self.quoted(q, true, "", owner)?;
            return Ok(Key {
                name: self.yaml[content.clone()].to_string(),
                name_range: content,
                written: start..self.pos,
            });
        }
        if let Some(curly) = rest
            .chars()
            .next()
            .filter(|c| matches!(c, '“' | '‘' | '„' | '«'))
        {
            let inside = curly.len_utf8();
            let close = rest[inside..]
                .find(['”', '’', '“', '»'])
                .map(|i| inside + i);
            let end = match close {
                Some(i) => i + rest[i..].chars().next().map_or(1, char::len_utf8),
                None => rest.find([':', ',', '\n']).unwrap_or(rest.len()),
            };
            let inner = rest[inside..close.unwrap_or(end)].trim().to_string();
            self.report(
                start..start + end,
                format!(
                    "the key `{inner}` is in curly quotation marks ({}), which YAML does not read as quotation marks",
                    super::syntax::curly_marks(&rest[..end])
                ),
                format!("type straight double quotes in place of the curly ones: \"{inner}\""),
                owner,
            );
            return Err(Stop);
        }
        if matches!(self.peek(), Some(b'[' | b'{')) {
            self.report(
                start..start + 1,
                "a key is written where a list or a map starts".to_string(),
                "each entry is a key, a colon and a value, e.g. \"areas\": [\"derby\"]; is a key or a comma missing before it?".to_string(),
                owner,
            );
            return Err(Stop);
        }
        // `? key`, YAML's explicit key: the key is what follows.
        let skip = if rest.starts_with("? ") { 2 } else { 0 };
        let bytes = self.yaml.as_bytes();
        let mut i = start + skip;
        while let Some(&c) = bytes.get(i) {
            match c {
                b',' | b'{' | b'}' | b'[' | b']' | b'\n' | b'\r' => break,
                b'#' if self.starts_comment(i) => break,
                b':' => {
                    let next = bytes.get(i + 1);
                    if next.is_none_or(|n| n.is_ascii_whitespace()) {
                        break;
                    }
                    let name = self.yaml[start + skip..i].trim();
                    let known = owner.is_none() && ALL_KEYS.contains(&name);
                    if known || next.is_some_and(|n| b"\"'[{".contains(n)) {
                        // JSON's `"title":"x"` without the quotation marks.
                        let value_end = self.yaml[i..]
                            .find([',', '}', '\n'])
                            .map_or(self.yaml.len(), |n| i + n);
                        let value = self.yaml[i + 1..value_end].trim_end();
                        self.report(
                            i..i + 1,
                            format!("`{name}:` needs a space after the colon"),
                            format!(
                                "write `{name}: {value}`, or put the key in double quotes as JSON does, `\"{name}\":{value}`: YAML reads a key without quotation marks only when its colon is followed by a space"
                            ),
                            Some(owner.unwrap_or(name)),
                        );
                        break;
                    }
                    i += 1;
                }
                _ => i += 1,
            }
        }
        let written = &self.yaml[start + skip..i];
        let name = written.trim_end();
        // `title "Careers fair"`: a colon left out before quoted text.
        if let Some(space) = name.find([' ', '\t'])
            && name[space..].trim_start().starts_with(['"', '\''])
        {
            self.pos = start + skip + space;
            let name = name[..space].to_string();
            return Ok(Key {
                name_range: start + skip..start + skip + name.len(),
                written: start + skip..start + skip + name.len(),
                name,
            });
        }
        self.pos = start + skip + name.len();
        Ok(Key {
            name: name.to_string(),
            name_range: start + skip..self.pos,
            written: start + skip..self.pos,
        })
    }

    /// Reads the colon after a key; false if there is none before its value.
    fn colon(&mut self, key: &Key, owner: Option<&str>) -> bool {
        self.skip_spaces();
        match self.peek() {
            Some(b':') => {
                self.pos += 1;
                true
            }
            Some(b'=') => {
                let written = &self.yaml[key.written.clone()];
                self.report(
                    self.pos..self.pos + 1,
                    format!(
                        "there is `=` after the key `{}`, where YAML needs a colon",
                        key.name
                    ),
                    format!("write a colon in place of `=`: {written}: …"),
                    Some(owner.unwrap_or(&key.name)),
                );
                self.pos += 1;
                true
            }
            // `{"draft"}`: a key without a value, which YAML reads as empty.
            None | Some(b',' | b'}' | b']') => true,
            _ => false,
        }
    }

    /// Reads a value; `owner` is the top-level key it belongs to, `prefix`
    /// its key as written with its colon (`"title": `), for the hints, and
    /// `in_list` whether it is an entry of a list.
    fn value(&mut self, owner: &str, prefix: &str, in_list: bool) -> Result<Range<usize>, Stop> {
        self.skip_blank();
        let start = self.pos;
        match self.peek() {
            None | Some(b',' | b'}' | b']') => Ok(start..start),
            Some(q @ (b'"' | b'\'')) => {
                self.quoted(q, false, prefix, Some(owner))?;
                Ok(start..self.pos)
            }
            Some(b'[') => self.list(owner, prefix),
            Some(b'{') => {
                self.pos += 1;
                self.map(start, Some(owner))?;
                Ok(start..self.pos)
            }
            Some(_) => Ok(self.plain(owner, prefix, in_list)),
        }
    }

    /// Reads a list up to its `]`.
    fn list(&mut self, owner: &str, prefix: &str) -> Result<Range<usize>, Stop> {
        let yaml = self.yaml;
        let open = self.pos;
        self.pos += 1;
        let mut expecting = true;
        let mut previous: Option<Range<usize>> = None;
        loop {
            self.skip_blank();
            match self.peek() {
                None | Some(b'}') => {
                    let last = previous.as_ref().map_or(open + 1, |p| p.end);
                    let written = &yaml[open..last];
                    let hint = if written.contains('\n') {
                        format!(
                            "end it with `]` after its last entry, on line {}",
                            file_line(self.line(last - 1))
                        )
                    } else {
                        format!("end it with `]` after its last entry: {prefix}{written}]")
                    };
                    self.report(
                        open..open + 1,
                        format!("the list of `{owner}` is never closed"),
                        hint,
                        Some(owner),
                    );
                    return Err(Stop);
                }
                Some(b']') => {
                    self.pos += 1;
                    return Ok(open..self.pos);
                }
                Some(b',') => {
                    if expecting {
                        self.report(
                            self.pos..self.pos + 1,
                            format!("the list of `{owner}` has a comma with no entry before it"),
                            "remove this comma: commas go between the entries of a list"
                                .to_string(),
                            Some(owner),
                        );
                    }
                    self.pos += 1;
                    expecting = true;
                }
                Some(_) => {
                    let before = self.pos;
                    let item = self.value(owner, "", true)?;
                    if self.pos == before {
                        // Nothing read: step over the character, so that
                        // this always ends.
                        self.pos += yaml[self.pos..].chars().next().map_or(1, char::len_utf8);
                        continue;
                    }
                    if !expecting && let Some(previous) = &previous {
                        let before = &yaml[previous.clone()];
                        let after = yaml[item.clone()].lines().next().unwrap_or("");
                        self.report(
                            previous.end..previous.end + 1,
                            format!("the list of `{owner}` has no comma after {before}"),
                            format!(
                                "separate the entries of a list with commas: [{before}, {after}]"
                            ),
                            Some(owner),
                        );
                    }
                    // `[a: 1]`: a one-entry map in a list.
                    self.skip_spaces();
                    if self.peek() == Some(b':') {
                        self.pos += 1;
                        self.value(owner, "", false)?;
                    }
                    previous = Some(item);
                    expecting = false;
                }
            }
        }
    }

    /// Reads quoted text from its opening mark `q`, a key's or a value's;
    /// returns the text inside.
    fn quoted(
        &mut self,
        q: u8,
        is_key: bool,
        prefix: &str,
        owner: Option<&str>,
    ) -> Result<Range<usize>, Stop> {
        let yaml = self.yaml;
        let bytes = yaml.as_bytes();
        let open = self.pos;
        let mut i = open + 1;
        let close = loop {
            match bytes.get(i) {
                None => break None,
                Some(b'\\') if q == b'"' => i += 2,
                Some(&c) if c == q && q == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
                Some(&c) if c == q => break Some(i),
                Some(_) => i += 1,
            }
        };
        let mark = q as char;
        let open_text = match (is_key, owner) {
            (true, _) => "a key has no closing quotation mark".to_string(),
            (false, Some(owner)) => format!("the text of `{owner}` has no closing quotation mark"),
            (false, None) => "this text has no closing quotation mark".to_string(),
        };
        let Some(close) = close else {
            let (line_start, line) = self.line_text(open);
            let rest = line[open - line_start..].trim_end();
            let text = rest.trim_end_matches([',', ']', '}', ' ']);
            let after = &rest[text.len()..];
            self.report(
                open..open + 1,
                open_text,
                format!("end the text with {mark} on the same line: {prefix}{text}{mark}{after}"),
                owner,
            );
            return Err(Stop);
        };
        self.pos = close + 1;
        let content = open + 1..close;
        // After the closing mark comes a space, a comma, a colon or a
        // bracket; text means that the mark ended the text early.
        if self
            .peek()
            .is_none_or(|c| c.is_ascii_whitespace() || b",:]}#".contains(&c))
        {
            return Ok(content);
        }
        // `"title": "T"; "date": …`: a semicolon (or a full stop) where a
        // comma goes, not a quotation mark inside the text.
        if let Some(c @ (b';' | b'.')) = self.peek()
            && bytes
                .get(self.pos + 1)
                .is_none_or(|n| n.is_ascii_whitespace() || matches!(n, b'"' | b'\''))
            && !is_key
        {
            let written = &yaml[open..self.pos];
            let (message, hint) = if c == b';' {
                (
                    format!(
                        "there is a `;` after {}, where entries are separated by commas",
                        shown(owner)
                    ),
                    format!("replace it with a comma: {prefix}{written},"),
                )
            } else {
                let (text, mark) = written.split_at(written.len() - 1);
                (
                    format!(
                        "there is a full stop after the closing quotation mark of {}",
                        shown(owner)
                    ),
                    format!("put it inside the quotation marks: {prefix}{text}.{mark},"),
                )
            };
            self.report(self.pos..self.pos + 1, message, hint, owner);
            return Err(Stop);
        }
        let inner = &yaml[content];
        let (message, hint) = if inner.contains('\n') || inner.trim_end().ends_with(',') {
            // The mark was the opening one of the next text: this one is open.
            let text = inner.lines().next().unwrap_or("").trim_end();
            let (text, comma) = match text.strip_suffix(',') {
                Some(text) => (text.trim_end(), ","),
                None => (text, ""),
            };
            (
                open_text,
                format!("end the text with {mark}: {prefix}{mark}{text}{mark}{comma}"),
            )
        } else if q == b'\'' && inner.ends_with('\\') {
            // `'Derby\'s fair'`: the text runs to the first `'` after no `\`.
            let (line_start, line) = self.line_text(open);
            let rest = &line[open + 1 - line_start..];
            let mut end = rest.len();
            let mut escaped = false;
            for (i, c) in rest.char_indices() {
                if c == '\'' && !escaped {
                    end = i;
                    break;
                }
                escaped = c == '\\';
            }
            let text = rest[..end].replace("\\'", "'");
            (
                format!(
                    "{} has `\\'` in single quotes, where a backslash is not an escape",
                    shown(owner)
                ),
                format!(
                    "in single quotes, write an apostrophe twice: {prefix}'{}', or put the text in double quotes: {prefix}\"{text}\"",
                    text.replace('\'', "''")
                ),
            )
        } else if q == b'"' {
            (
                format!(
                    "{} has a double quotation mark inside double quotes",
                    shown(owner)
                ),
                format!(
                    "a \" inside the text ends it early: write each \" inside it as \\\", or put the whole text in single quotes, e.g. {prefix}'Pupils said it was \"brilliant\".'"
                ),
            )
        } else {
            (
                format!("{} has an apostrophe inside single quotes", shown(owner)),
                format!(
                    "a ' inside the text ends it early: write each ' inside it twice (''), or put the whole text in double quotes, e.g. {prefix}\"Derby's careers fair\""
                ),
            )
        };
        self.report(open..close + 1, message, hint, owner);
        Err(Stop)
    }

    /// Reads text without quotation marks, up to the comma or bracket that
    /// ends it (in a list, or the colon of a one-entry map: `[a: 1]`).
    fn plain(&mut self, owner: &str, prefix: &str, in_list: bool) -> Range<usize> {
        let yaml = self.yaml;
        let bytes = yaml.as_bytes();
        let start = self.pos;
        let mut i = start;
        let mut colon = None;
        while let Some(&c) = bytes.get(i) {
            match c {
                b',' | b']' | b'}' => break,
                b'\n' if starts_with_key(&yaml[i + 1..]) => {
                    // The next line is an entry of its own: a comma is
                    // missing, which the map reports.
                    break;
                }
                b'#' if self.starts_comment(i) => {
                    let (line_start, line) = self.line_text(i);
                    if !line[i - line_start..].contains([',', ']', '}']) {
                        // A comment at the end of the line, after the value.
                        break;
                    }
                    // `Derby #1, Oldham`: the comment would take the comma
                    // or the bracket with it. Read on as the writer meant.
                    let span = self.offset + i..self.offset + line_start + line.len();
                    self.problems
                        .push(hash_in_flow(line, i - line_start, owner, span));
                    i += 1;
                }
                b':' if bytes.get(i + 1).is_none_or(|n| n.is_ascii_whitespace()) => {
                    if in_list {
                        break;
                    }
                    colon.get_or_insert(i);
                    i += 1;
                }
                _ => i += 1,
            }
        }
        let end = start + yaml[start..i].trim_end().len();
        // Only blanks YAML does not skip (a no-break space): read past
        // them, or the list or map reading this would never move on.
        self.pos = if end > start { end } else { i };
        if let Some(colon) = colon {
            let (quoted, quotes) = quote(&yaml[start..end]);
            self.report(
                colon..colon + 1,
                format!("`{owner}` contains a colon that YAML cannot read"),
                format!("put the text in {quotes} because it contains a colon: {prefix}{quoted}"),
                Some(owner),
            );
        }
        start..end
    }

    /// A comma left out between two entries of a map.
    fn missing_comma(
        &mut self,
        previous: &str,
        previous_entry: Range<usize>,
        next: &str,
        owner: Option<&str>,
    ) {
        let written = &self.yaml[previous_entry.clone()];
        let hint = if written.contains('\n') {
            format!(
                "put a comma after the `{previous}` entry, at the end of line {}: entries are separated by commas",
                file_line(self.line(previous_entry.end - 1))
            )
        } else {
            format!("end the entry with a comma: {written},")
        };
        let within = owner.map_or(String::new(), |o| format!(" in the map of `{o}`"));
        self.report(
            previous_entry.end..previous_entry.end + 1,
            format!("a comma is missing between `{previous}` and `{next}`{within}"),
            hint,
            Some(owner.unwrap_or(previous)),
        );
    }

    /// The end of the block came inside a map.
    fn map_never_closed(
        &mut self,
        open: usize,
        owner: Option<&str>,
        previous: Option<&(String, Range<usize>)>,
    ) -> Stop {
        let what = owner.map_or("the front matter's `{`".to_string(), |o| {
            format!("the map of `{o}`")
        });
        let hint = match previous {
            Some((_, entry)) if !self.yaml[entry.clone()].contains('\n') => format!(
                "end it with `}}` after its last entry: {}}}",
                &self.yaml[entry.clone()]
            ),
            Some((_, entry)) => format!(
                "end it with `}}` after its last entry, on line {}",
                file_line(self.line(entry.end - 1))
            ),
            None => "end it with `}`".to_string(),
        };
        self.report(
            open..open + 1,
            format!("{what} is never closed"),
            hint,
            owner,
        );
        Stop
    }

    /// What follows the front matter's closing `}`.
    fn after_the_map(&mut self, open: usize) {
        let close = self.pos - 1;
        self.skip_blank();
        if self.peek().is_none() {
            return;
        }
        if self.yaml[self.pos..].starts_with("...") {
            // YAML's end of a document, and what may follow it.
            let (_, line) = self.line_text(self.pos);
            if line.trim_end() == "..." {
                return;
            }
        }
        let start = self.pos;
        let (line_start, line) = self.line_text(start);
        let end = line_start + line.len();
        let (message, hint) = if self.peek() == Some(b'}') {
            (
                "there is a `}` too many".to_string(),
                format!(
                    "remove it: the front matter's `{{` on line {} is closed by the `}}` before it",
                    file_line(self.line(open)),
                ),
            )
        } else {
            (
                "there is more after the `}` that closes the front matter".to_string(),
                format!(
                    "front matter written in braces is one map, from `{{` to `}}`: move this inside it, before the `}}` on line {}, with a comma, or remove it",
                    file_line(self.line(close))
                ),
            )
        };
        self.report(start..end, message, hint, None);
    }
}

/// How a message names the key a value belongs to.
fn shown(owner: Option<&str>) -> String {
    owner.map_or("the text".to_string(), |o| format!("`{o}`"))
}

/// Whether a line starts (after its spaces) with a key: quoted text, or a
/// word and a colon followed by a space.
fn starts_with_key(line: &str) -> bool {
    let line = line.trim_start_matches([' ', '\t']);
    if line.starts_with(['"', '\'']) {
        return true;
    }
    let word = line
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(line.len());
    word > 0
        && line[word..]
            .strip_prefix(':')
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\r', '\n']))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The messages of the problems `scan` finds in `yaml`.
    fn messages(yaml: &str) -> Vec<String> {
        scan(yaml, 0).1.into_iter().map(|p| p.message).collect()
    }

    /// The first problem's message, hint and text at its range.
    fn first(yaml: &str) -> (String, String, String) {
        let (_, problems) = scan(yaml, 0);
        let problem = problems.into_iter().next().expect("a problem");
        let at = yaml[problem.range.clone()].to_string();
        (problem.message, problem.hint, at)
    }

    #[test]
    fn finds_the_entries_and_what_hides_each() {
        let yaml = "# made by a tool\n{\"title\": \"Careers fair\", \"date\": \"2018-03-01\",\n \"areas\": [\"derby\", \"oldham\"],\n 'extra': {a: [1, {b: null}]}, draft: true,\n}\n";
        let (keys, problems) = scan(yaml, 10);
        assert_eq!(problems, []);
        let found: Vec<(&str, &str, &str, Range<usize>)> = keys
            .iter()
            .map(|k| {
                (
                    k.name.as_str(),
                    &yaml[k.key.start - 10..k.key.end - 10],
                    &yaml[k.value.start - 10..k.value.end - 10],
                    k.lines.clone(),
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                ("title", "title", "\"Careers fair\"", 1..2),
                ("date", "date", "\"2018-03-01\"", 1..2),
                ("areas", "areas", "[\"derby\", \"oldham\"]", 2..3),
                ("extra", "extra", "{a: [1, {b: null}]}", 3..4),
                ("draft", "draft", "true", 3..4),
            ]
        );
        let entries: Vec<&str> = keys
            .iter()
            .map(|k| &yaml[k.entry.clone().expect("an entry")])
            .collect();
        assert_eq!(
            entries,
            [
                "\"title\": \"Careers fair\",",
                "\"date\": \"2018-03-01\",",
                "\"areas\": [\"derby\", \"oldham\"],",
                "'extra': {a: [1, {b: null}]},",
                "draft: true,",
            ]
        );
    }

    // What YAML reads as the writer meant is not a mistake.
    #[test]
    fn what_yaml_reads_is_left_alone() {
        for yaml in [
            "{\"title\":\"Careers fair\",\"date\":\"2018-03-01\"}\n",
            "{title: Careers fair, date: 2018-03-01, areas: [derby,],}\n",
            "{'title': 'It''s a fair', \"summary\": \"A \\\"fair\\\".\"}\n",
            "{\n  \"title\": \"Careers fair\", # the title\n  # a comment line\n  \"summary\": Pupils met\n    employers,\n}\n",
            "{website: https://example.org/a, title: C# club, \"extra\": {\"a:b\": 1, c:d: 2}}\n",
            "{\"changes\": [{\"date\": \"2018-04-01\", \"note\": \"Fixed\"}], \"draft\": false}\n",
            "{\"title\": \"Two\n  lines\"}\n",
            "{}\n",
            "{\"draft\"}\n",
            "{\"extra\": {\"pairs\": [a: 1, \"b\": [2]]}}\n...\n",
        ] {
            assert_eq!(messages(yaml), Vec::<String>::new(), "{yaml}");
        }
    }

    // Regression: JSON's mistakes got the parser's words, often at a later
    // line ("did not find expected ',' or '}'" at the closing `---`), or
    // none (`{title:"x"}` read as a key `title:"x"`).
    #[test]
    fn the_mistakes_of_json_in_plain_words() {
        for (yaml, message, hint, at) in [
            (
                "{\n  \"title\": \"Careers fair\"\n  \"date\": \"2018-03-01\"\n}\n",
                "a comma is missing between `title` and `date`",
                "end the entry with a comma: \"title\": \"Careers fair\",",
                "\n",
            ),
            (
                "{\"title\": \"Careers fair\",, \"date\": \"2018-03-01\"}\n",
                "there is a comma with no entry before it, after the `title` entry",
                "remove this comma",
                ",",
            ),
            (
                "{title:\"Careers fair\"}\n",
                "`title:` needs a space after the colon",
                "write `title: \"Careers fair\"`, or put the key in double quotes as JSON does, `\"title\":\"Careers fair\"`",
                ":",
            ),
            (
                "{\"title\" \"Careers fair\"}\n",
                "there is no colon after the key `title`",
                "put a colon and a space between the key and its value: \"title\": \"Careers fair\"",
                " ",
            ),
            (
                "{\"title\" = \"Careers fair\"}\n",
                "there is `=` after the key `title`, where YAML needs a colon",
                "write a colon in place of `=`",
                "=",
            ),
            (
                "{'title': 'Derby\\'s fair'}\n",
                "`title` has `\\'` in single quotes, where a backslash is not an escape",
                "write an apostrophe twice: 'title': 'Derby''s fair', or put the text in double quotes: 'title': \"Derby's fair\"",
                "'Derby\\'",
            ),
            (
                "{\"summary\": \"Pupils said \"great\".\"}\n",
                "`summary` has a double quotation mark inside double quotes",
                "write each \" inside it as \\\"",
                "\"Pupils said \"",
            ),
            (
                "{\"title\": \"Careers fair, \"date\": \"2018-03-01\"}\n",
                "the text of `title` has no closing quotation mark",
                "end the text with \": \"title\": \"Careers fair\",",
                "\"Careers fair, \"",
            ),
            (
                "{\n  \"title\": \"Careers fair\n  \"date\": \"2018-03-01\"\n}\n",
                "the text of `title` has no closing quotation mark",
                "end the text with \": \"title\": \"Careers fair\"",
                "\"Careers fair\n  \"",
            ),
            (
                "{\"title\": \"Careers fair\", \"areas\": [\"derby\"]\n",
                "the front matter's `{` is never closed",
                "end it with `}` after its last entry: \"areas\": [\"derby\"]}",
                "{",
            ),
            (
                "{\n  \"areas\": [\"derby\"\n}\n",
                "the list of `areas` is never closed",
                "end it with `]` after its last entry: \"areas\": [\"derby\"]",
                "[",
            ),
            (
                "{\"areas\": [\"derby\" \"oldham\"]}\n",
                "the list of `areas` has no comma after \"derby\"",
                "[\"derby\", \"oldham\"]",
                " ",
            ),
            (
                "{\"extra\": {\"colour\": \"blue\" \"size\": 2}}\n",
                "a comma is missing between `colour` and `size` in the map of `extra`",
                "\"colour\": \"blue\",",
                " ",
            ),
            (
                "{title: Derby: the plan}\n",
                "`title` contains a colon that YAML cannot read",
                "put the text in double quotes because it contains a colon: title: \"Derby: the plan\"",
                ":",
            ),
            (
                "{\"title\": Careers fair #1, \"date\": \"2018-03-01\"}\n",
                "`title` is cut short at `#`: YAML reads the rest of the line, with its closing bracket, as a comment",
                "{\"title\": \"Careers fair #1\", \"date\": \"2018-03-01\"}",
                "#1, \"date\": \"2018-03-01\"}",
            ),
            (
                "{“title”: “Careers fair”}\n",
                "the key `title` is in curly quotation marks (“ ”), which YAML does not read as quotation marks",
                "type straight double quotes",
                "“title”",
            ),
            (
                "{\"title\": \"Careers fair\"}}\n",
                "there is a `}` too many",
                "remove it",
                "}",
            ),
            (
                "{\"title\": \"Careers fair\"}\nareas: [derby]\n",
                "there is more after the `}` that closes the front matter",
                "move this inside it, before the `}` on line 2, with a comma, or remove it",
                "areas: [derby]",
            ),
        ] {
            let (got_message, got_hint, got_at) = first(yaml);
            assert_eq!(got_message, message, "{yaml}");
            assert!(got_hint.contains(hint), "{yaml}: {got_hint}");
            assert_eq!(got_at, at, "{yaml}");
        }
    }

    // Any text cut short, or with a character left out or doubled, gives
    // problems or none, never a panic or a scan that does not end.
    #[test]
    fn a_semicolon_for_a_comma_is_named() {
        let (message, hint, at) = first("{\"title\": \"T\"; \"date\": \"2018-03-01\"}\n");
        assert_eq!(
            message,
            "there is a `;` after `title`, where entries are separated by commas"
        );
        assert_eq!(hint, "replace it with a comma: \"title\": \"T\",");
        assert_eq!(at, ";");
        let (message, hint, _) = first("{\"summary\": \"A fair\". \"date\": \"2018-03-01\"}\n");
        assert_eq!(
            message,
            "there is a full stop after the closing quotation mark of `summary`"
        );
        assert_eq!(
            hint,
            "put it inside the quotation marks: \"summary\": \"A fair.\","
        );
    }

    #[test]
    fn comments_in_the_manner_of_javascript_are_named() {
        let yaml = "{\n  // written by the CMS\n  \"title\": \"T\", /* the date */ \"date\": \"2018-03-01\"\n}\n";
        assert_eq!(
            messages(yaml),
            [
                "front matter has no `//` comments: YAML reads this as text",
                "front matter has no `/* */` comments: YAML reads this as text",
            ]
        );
        let (keys, _) = scan(yaml, 0);
        let names: Vec<&str> = keys.iter().map(|k| k.name.as_str()).collect();
        assert_eq!(names, ["title", "date"]);
    }

    /// Regression (found by fuzzing): a no-break space after the last
    /// comma of a list left open made the reading of the list loop, each
    /// round reporting a missing comma, until memory ran out.
    #[test]
    fn blanks_yaml_does_not_skip_end_the_reading() {
        for yaml in [
            "{\n  \"areas\": [\n    \"derby\",\u{a0}\n",
            "{\n  \"areas\": [\"derby\", \u{a0}\u{2003}]\n}\n",
            "{\u{a0}\n",
            "{\"title\": \"T\", \u{a0}}\n",
            "{\"areas\": [ : ]}\n",
        ] {
            let found = messages(yaml);
            assert!(found.len() < 5, "{yaml:?}: {found:?}");
        }
        assert_eq!(
            messages("{\n  \"areas\": [\n    \"derby\",\u{a0}\n"),
            ["the list of `areas` is never closed"]
        );
    }

    #[test]
    fn no_mistake_makes_it_panic() {
        let json = "# x\n{\"title\": \"Café \\\" ‘a’\", 'b': 'it''s', c: d #e, f\n, \"g\": [1, {h: [“i”]}, j: k], “l”: m:n, o:\"p\"}\n...\n";
        let boundaries: Vec<usize> = json.char_indices().map(|(i, _)| i).collect();
        for (n, &i) in boundaries.iter().enumerate() {
            let next = boundaries.get(n + 1).copied().unwrap_or(json.len());
            for text in [
                json[..i].to_string(),
                format!("{}{}", &json[..i], &json[next..]),
                format!("{}{}", &json[..next], &json[i..]),
            ] {
                let (keys, problems) = scan(&text, 3);
                for key in &keys {
                    assert!(
                        key.entry.clone().is_some_and(|e| e.end <= text.len()),
                        "{text}"
                    );
                }
                let mut hidden = super::super::frontmatter::Hidden::default();
                for problem in &problems {
                    assert!(problem.range.end <= text.len() + 4, "{text}");
                    hidden.entries.extend(problem.entry.clone());
                }
                super::super::fields::parse(&text, &keys, hidden);
            }
        }
    }

    #[test]
    fn reports_every_mistake_it_can_read_past() {
        let yaml = "{title:\"Careers fair\"\n \"date\" \"2018-03-01\",, \"areas\": [\"derby\" \"oldham\"]}\n";
        assert_eq!(
            messages(yaml),
            [
                "`title:` needs a space after the colon",
                "a comma is missing between `title` and `date`",
                "there is no colon after the key `date`",
                "there is a comma with no entry before it, after the `date` entry",
                "the list of `areas` has no comma after \"derby\"",
            ]
        );
        // Every problem stops the parser, but a key given twice, whose
        // second entry alone is hidden.
        let (keys, problems) = scan("{\"title\": \"a\", \"title\": \"b\", \"date\": 1}\n", 0);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].message, "`title` is given twice");
        assert_eq!(
            problems[0].hint,
            "the first `title` is before it on the same line; keep one of them"
        );
        assert_eq!(problems[0].entry, keys[1].entry);
        assert!(problems[0].skip.as_ref().is_some_and(|s| s.is_empty()));
    }
}
