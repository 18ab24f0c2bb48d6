//! Splitting a document into front matter and body, and a lexical guard over
//! the YAML before any parser sees it.
//!
//! In: a file's text. Out: the YAML block and the body with their byte
//! offsets in the file (so every later diagnostic has the file's own line
//! numbers), the top-level keys with their spans, and errors for what oasis
//! refuses outright: unclosed or oversized front matter, tab indentation,
//! YAML tags, merge keys, duplicate keys and deep nesting. The guard runs in
//! linear time, so no input can make the YAML parser slow or overflow.

use std::ops::Range;

use super::indentation::{Indentation, Misaligned};
use super::json;

/// Front matter larger than this is refused before parsing.
pub const MAX_FRONT_MATTER: usize = 64 * 1024;

/// Flow collections (`[`, `{`) nested deeper than this are refused.
const MAX_FLOW_DEPTH: usize = 16;

/// Block sequences opened on one line (`- - - x`) beyond this are refused.
const MAX_LINE_NESTING: usize = 16;

/// Lines indented further than this are refused (deep block nesting).
const MAX_INDENT: usize = 128;

/// A document split at its front-matter fences. Offsets are into the whole file.
#[derive(Debug)]
pub struct Split<'a> {
    pub yaml: &'a str,
    pub yaml_offset: usize,
    pub body: &'a str,
    pub body_offset: usize,
}

/// A problem found while splitting or scanning, as a byte range in the file.
#[derive(Debug, PartialEq, Eq)]
pub struct Problem {
    pub range: Range<usize>,
    pub message: String,
    pub hint: String,
    pub field: Option<String>,
    /// The lines of the YAML block (0-based) to hide from the parser so that
    /// the rest of the block can still be checked: the line at fault and the
    /// lines of the key it belongs to. `None` when nothing of the block may
    /// be parsed.
    pub skip: Option<Range<usize>>,
    /// Keys whose values are hidden with `skip` (not to be reported missing).
    pub hidden_keys: Vec<String>,
    /// An entry of a `{…}` map to hide from the parser too (see
    /// [`TopKey::entry`]).
    pub entry: Option<Range<usize>>,
}

impl Problem {
    pub(super) fn new(
        range: Range<usize>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Self {
        Problem {
            range,
            message: message.into(),
            hint: hint.into(),
            field: None,
            skip: None,
            hidden_keys: Vec::new(),
            entry: None,
        }
    }

    /// A problem confined to one line (and the key it belongs to): the rest
    /// of the block is still parsed.
    fn on_line(mut self, line_index: usize) -> Self {
        self.skip = Some(line_index..line_index + 1);
        self
    }
}

/// A top-level front-matter key, with where it and its value stand in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TopKey {
    pub name: String,
    /// The key itself.
    pub key: Range<usize>,
    /// From just after the colon to the end of the key's last line.
    pub value: Range<usize>,
    /// 0-based index of the key's line within the YAML block, and of the line after its region.
    pub lines: Range<usize>,
    /// For an entry of front matter written as one `{…}` map (JSON), its
    /// bytes in the YAML block: the key, the value and the comma after
    /// them. The entry is hidden from the parser by these, as its lines may
    /// hold other entries; a `key: value` line's key is hidden by its lines.
    pub entry: Option<Range<usize>>,
}

/// What of the YAML block the parser is not to see: the lines of the keys
/// (and lines) with a mistake, and the entries of a `{…}` map with one.
#[derive(Clone, Debug, Default)]
pub struct Hidden {
    /// 0-based line ranges in the block.
    pub lines: Vec<Range<usize>>,
    /// Byte ranges in the block (see [`TopKey::entry`]).
    pub entries: Vec<Range<usize>>,
}

impl Hidden {
    /// Hides a key: its entry of a `{…}` map, or its lines.
    pub fn key(&mut self, key: &TopKey) {
        match &key.entry {
            Some(entry) => self.entries.push(entry.clone()),
            None => self.lines.push(key.lines.clone()),
        }
    }

    /// The block with its hidden lines emptied and each character of its
    /// hidden entries made a space, in one pass: the line and column of
    /// everything else stay as they were.
    pub fn apply(&self, yaml: &str) -> String {
        let mut blank_line = vec![false; yaml.split('\n').count()];
        for range in &self.lines {
            for line in range.clone() {
                if let Some(flag) = blank_line.get_mut(line) {
                    *flag = true;
                }
            }
        }
        let entries_len = if self.entries.is_empty() {
            0
        } else {
            yaml.len()
        };
        let mut blank_byte = vec![false; entries_len];
        for range in &self.entries {
            for flag in blank_byte.iter_mut().take(range.end).skip(range.start) {
                *flag = true;
            }
        }
        let mut out = String::with_capacity(yaml.len());
        let mut line_start = 0;
        for (line, blank) in yaml.split('\n').zip(blank_line) {
            if line_start > 0 {
                out.push('\n');
            }
            if !blank {
                for (i, c) in line.char_indices() {
                    let hidden = blank_byte.get(line_start + i).is_some_and(|b| *b);
                    out.push(if hidden && c != '\r' { ' ' } else { c });
                }
            }
            line_start += line.len() + 1;
        }
        out
    }
}

/// Splits `text` at its front-matter fences.
pub fn split(text: &str) -> Result<Split<'_>, Problem> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut lines = LineIter::new(text, start);
    let Some((first_start, first)) = lines.next() else {
        return Err(Problem::new(
            start..start,
            "the file is empty",
            "start the file with a line `---`, then the front matter (title, date, …), then another `---`",
        ));
    };
    if first.trim_end() != "---" {
        if has_lone_carriage_return(first) {
            return Err(old_mac_line_endings(first_start));
        }
        let (message, hint) = if first.trim_end() == "+++" {
            (
                "front matter in TOML (`+++`) is not supported",
                "write the front matter in YAML between two lines of `---`",
            )
        } else {
            (
                "the file does not start with front matter",
                "the first line must be `---`, followed by the front matter (title: …) and another line `---`",
            )
        };
        return Err(Problem::new(
            first_start..first_start + first.len().max(1),
            message,
            hint,
        ));
    }
    let yaml_offset = lines.position();
    // A line `...` (which ends a document in YAML) where `---` was meant.
    let mut dots = None;
    for (line_start, line) in lines.by_ref() {
        if line.trim_end() == "..." && dots.is_none() {
            dots = Some(line_start);
        }
        if line.trim_end() == "---" {
            let body_offset = lines.position();
            let yaml = &text[yaml_offset..line_start];
            if yaml.len() > MAX_FRONT_MATTER {
                return Err(Problem::new(
                    first_start..first_start + 3,
                    format!(
                        "the front matter is {} KiB; the limit is {} KiB",
                        yaml.len().div_ceil(1024),
                        MAX_FRONT_MATTER / 1024
                    ),
                    "keep long text in the body, below the closing `---`",
                ));
            }
            return Ok(Split {
                yaml,
                yaml_offset,
                body: &text[body_offset..],
                body_offset,
            });
        }
    }
    if has_lone_carriage_return(&text[yaml_offset..]) {
        return Err(old_mac_line_endings(first_start));
    }
    if let Some(dots) = dots {
        return Err(Problem::new(
            dots..dots + 3,
            "the front matter ends with `...`, but oasis needs `---` there",
            "replace `...` with `---`",
        ));
    }
    Err(Problem::new(
        first_start..first_start + 3,
        "the front matter is never closed",
        "add a line with just `---` after the last front-matter line (e.g. after `areas: …`)",
    ))
}

/// Whether `text` has a carriage return that is not part of a CRLF.
fn has_lone_carriage_return(text: &str) -> bool {
    text.match_indices('\r')
        .any(|(i, _)| text.as_bytes().get(i + 1) != Some(&b'\n'))
}

/// Lines ended by a carriage return alone (as on Macs before 2001) are one
/// long line to oasis, whose first line then is not `---` though it looks it.
fn old_mac_line_endings(first_start: usize) -> Problem {
    Problem::new(
        first_start..first_start + 3,
        "the file's lines end with a carriage return alone (old Mac line endings), which oasis does not read as line breaks",
        "save the file with Unix (LF) or Windows (CRLF) line endings, which most editors offer (in Notepad++: Edit > EOL Conversion > Unix (LF), then save)",
    )
}

/// Iterates over lines with their byte offsets, without the `\n`.
struct LineIter<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> LineIter<'a> {
    fn new(text: &'a str, pos: usize) -> Self {
        LineIter { text, pos }
    }

    fn position(&self) -> usize {
        self.pos
    }
}

impl<'a> Iterator for LineIter<'a> {
    type Item = (usize, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.text.len() {
            return None;
        }
        let start = self.pos;
        let rest = &self.text[start..];
        let (line, advance) = match rest.find('\n') {
            Some(i) => (&rest[..i], i + 1),
            None => (rest, rest.len()),
        };
        self.pos += advance;
        Some((start, line))
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Quote {
    Single,
    Double,
}

/// Scans the YAML block: finds the top-level keys and refuses what oasis does
/// not accept. `offset` is the block's byte offset in the file.
pub fn scan(yaml: &str, offset: usize) -> (Vec<TopKey>, Vec<Problem>) {
    let mut keys: Vec<TopKey> = Vec::new();
    let mut problems = Vec::new();
    let mut quote: Option<Quote> = None;
    let mut flow_depth = 0usize;
    let mut block_scalar_indent: Option<usize> = None;
    // The problem of the latest line at the margin that is not a key, while
    // the lines after it are its own (indented under it), not the key's above.
    let mut stray: Option<usize> = None;
    let mut plain: Option<PlainText> = None;
    let mut indentation = Indentation::default();
    // After `? key` (an explicit key), the `: value` line still to come;
    // then the line it came on.
    let mut explicit_value_pending = false;
    let mut explicit_value_line: Option<usize> = None;
    // After a `?` alone on its line, that line: the key is on the next line,
    // indented.
    let mut bare_explicit: Option<usize> = None;
    // The latest line of a list entry of plain text (`  - derby`): the
    // column of its `-`, its text and its line.
    let mut plain_entry: Option<(usize, String, usize)> = None;

    for (line_index, (line_start, raw_line)) in LineIter::new(yaml, 0).enumerate() {
        let line = raw_line.trim_end_matches('\r');
        let at = |i: usize, len: usize| offset + line_start + i..offset + line_start + i + len;
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();

        if let Some(parent) = block_scalar_indent {
            if line.trim().is_empty() || indent > parent {
                extend_last(
                    &mut keys,
                    &mut problems,
                    stray,
                    offset + line_start + line.len(),
                    line_index,
                );
                continue;
            }
            block_scalar_indent = None;
        }

        if quote.is_none() && flow_depth == 0 && !line.trim().is_empty() {
            // A line indented no further than a plain value's key ends the
            // value, and so does a comment line once the text has started
            // (YAML ends a plain value there, whatever its indentation).
            if plain.as_ref().is_some_and(|value| {
                indent <= value.indent
                    || (value.start.is_some() && line.trim_start().starts_with('#'))
            }) {
                problems.extend(plain.take().and_then(PlainText::finish));
            } else if let Some(value) = plain.as_mut() {
                value.continues(line, line_index);
            }
        }
        if quote.is_none() && flow_depth == 0 {
            if let Some(tab) = line[..indent].find('\t') {
                // The line is hidden from the parser with the key it belongs
                // to; the rest of the block is still checked.
                let mut problem = Problem::new(
                    at(tab, 1),
                    "a tab is used for indentation",
                    "YAML only allows spaces for indentation: replace the tab with spaces",
                )
                .on_line(line_index);
                if let Some((name, _)) = top_level_key(&line[indent..]) {
                    problem.hidden_keys.push(name);
                }
                problems.push(problem);
            }
            if indent > MAX_INDENT {
                let token = line[indent..]
                    .find([':', ' '])
                    .unwrap_or(line.len() - indent)
                    .max(1);
                problems.push(Problem::new(
                    at(indent, token),
                    "the front matter is nested too deeply",
                    format!(
                        "front matter only needs a few levels of indentation: a line may be indented at most {MAX_INDENT} spaces"
                    ),
                ));
                return (keys, problems);
            }
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                // Blank lines and comments are not compared.
            } else if line[..indent].contains('\t') {
                indentation.skip();
            } else if let Some(misaligned) = indentation.line(line, line_index) {
                problems.push(misaligned_key(misaligned, at).on_line(line_index));
            }
            if !line.trim().is_empty() && !line.trim_start().starts_with('#') {
                let entry = list_entry_text(&line[indent..]);
                if let (Some((column, above, above_line)), Some(text)) = (&plain_entry, entry)
                    && indent > *column
                {
                    // `   - oldham` under `  - derby`: YAML reads
                    // `derby - oldham`, one entry.
                    problems.push(
                        misindented_entry(
                            indent - column,
                            text,
                            above,
                            *above_line,
                            line_index,
                            at(indent, line.len() - indent),
                        )
                        .on_line(line_index),
                    );
                    plain_entry = None;
                } else {
                    plain_entry = entry
                        .filter(|text| is_plain_text(text))
                        .map(|text| (indent, text.to_string(), line_index));
                }
            }
            // The line's key, and whether it is explicit (`? key`).
            let key = match indent {
                0 => top_level_key(line)
                    .map(|key| (key, false))
                    .or_else(|| explicit_key(line).map(|key| (key, true))),
                _ => None,
            };
            // `?` alone, then the key on the next line, indented: the key
            // is read as if it followed the `? `.
            let bare_key = match bare_explicit {
                Some(_) if line.trim().is_empty() || line.trim_start().starts_with('#') => None,
                Some(first) => {
                    bare_explicit = None;
                    (indent > 0)
                        .then(|| explicit_key(&format!("? {}", &line[indent..])))
                        .flatten()
                        .map(|(name, range)| {
                            (
                                name,
                                range.start - 2 + indent..range.end - 2 + indent,
                                first,
                            )
                        })
                }
                None => None,
            };
            if key.is_none() && indent == 0 && is_bare_explicit(line) {
                bare_explicit = Some(line_index);
            }
            let key = key.or_else(|| {
                bare_key
                    .as_ref()
                    .map(|(name, range, _)| ((name.clone(), range.clone()), true))
            });
            let first_line = bare_key.as_ref().map_or(line_index, |(_, _, first)| *first);
            if let Some(((name, name_range), explicit)) = key {
                if name == "<<" {
                    problems.push(Problem::new(
                        at(name_range.start, 2),
                        "YAML merge keys (`<<`) are not allowed in front matter",
                        "write each key out in full",
                    ));
                } else {
                    if let Some(first) = keys.iter().find(|k| k.name == name) {
                        let mut problem = Problem::new(
                            at(name_range.start, name_range.len()),
                            format!("`{name}` is given twice"),
                            format!(
                                "the first `{name}` is on line {}; keep one of them",
                                file_line(first.lines.start)
                            ),
                        );
                        problem.field = Some(name.clone());
                        problems.push(problem.on_line(line_index));
                    }
                    stray = None;
                    // An explicit key's value is on its `: ` line, to come.
                    let value_start = if explicit {
                        line.len()
                    } else {
                        name_range.end + line[name_range.end..].find(':').unwrap_or(0) + 1
                    };
                    explicit_value_pending = explicit;
                    keys.push(TopKey {
                        name,
                        key: at(name_range.start, name_range.len()),
                        value: offset + line_start + value_start..offset + line_start + line.len(),
                        lines: first_line..line_index + 1,
                        entry: None,
                    });
                }
            } else if indent == 0
                && is_value_indicator(line)
                && std::mem::take(&mut explicit_value_pending)
                && let Some(key) = keys.last_mut()
            {
                // `: value` after `? key`: the key's value.
                key.value = offset + line_start + 1..offset + line_start + line.len();
                key.lines.end = line_index + 1;
                explicit_value_line = Some(line_index);
            } else if indent == 0 && is_value_indicator(line) {
                // `: value` with no `? key` above it: the key is left out.
                stray = Some(problems.len());
                problems.push(
                    Problem::new(
                        at(0, 1),
                        "this line has no key before its colon",
                        "write the key before the colon, e.g. title: \"Careers fair\" (a line that starts with `: ` gives the value of a `? key` line just above it)",
                    )
                    .on_line(line_index),
                );
            } else if bare_explicit == Some(line_index) {
                // `?` alone: its key is on the next line.
            } else if indent == 0
                && !is_allowed_unkeyed(line)
                // Front matter written as one `{…}` map, as JSON is.
                && !(keys.is_empty() && line.starts_with('{'))
            {
                stray = Some(problems.len());
                problems.push(not_a_key_line(line, line_index, &keys, at));
            } else if !line.trim().is_empty() && !line.trim_start().starts_with('#') {
                extend_last(
                    &mut keys,
                    &mut problems,
                    stray,
                    offset + line_start + line.len(),
                    line_index,
                );
            }
        } else {
            indentation.skip();
            extend_last(
                &mut keys,
                &mut problems,
                stray,
                offset + line_start + line.len(),
                line_index,
            );
        }

        // Character scan: quotes, flow depth, tags, comments, block scalars.
        let bytes = line.as_bytes();
        // A later line of plain text is text, whatever it starts with
        // (`  !important employers`).
        let continuation = plain
            .as_ref()
            .is_some_and(|value| value.start.is_some_and(|(first, _)| first < line_index));
        let mut i = 0;
        let mut token_start = quote.is_none();
        let mut dashes = 0;
        let mut token_begin = 0;
        while i < bytes.len() {
            let c = bytes[i];
            if let Some(q) = quote {
                match (q, c) {
                    (Quote::Double, b'\\') => i += 1,
                    (Quote::Double, b'"') => quote = None,
                    (Quote::Single, b'\'') if bytes.get(i + 1) == Some(&b'\'') => i += 1,
                    (Quote::Single, b'\'') => quote = None,
                    _ => {}
                }
                i += 1;
                continue;
            }
            match c {
                b' ' | b'\t' => {
                    i += 1;
                    continue;
                }
                _ => {}
            }
            let comment =
                c == b'#' && (token_start || i == 0 || matches!(bytes[i - 1], b' ' | b'\t'));
            if let Some(value) = plain.as_mut() {
                if comment {
                    value.comment_at(line, line_index, i, at(i, line[i..].trim_end().len()));
                } else if !value.read(line, line_index, i) {
                    plain = None;
                }
            }
            if comment && flow_depth > 0 && line[i..].contains([']', '}']) {
                // `[Derby #1, Oldham]`: the comment takes the closing `]`
                // with it. The line is hidden, so the list ends with it.
                let name = keys.last().map_or("the value", |k| k.name.as_str());
                problems.push(
                    hash_in_flow(line, i, name, at(i, line[i..].trim_end().len()))
                        .on_line(line_index),
                );
                flow_depth = 0;
                break;
            }
            if comment {
                break;
            }
            if token_start {
                match c {
                    b'!' if !continuation => {
                        let len = bytes[i..]
                            .iter()
                            .take_while(|b| !matches!(b, b' ' | b',' | b']' | b'}'))
                            .count();
                        problems.push(Problem::new(
                            at(i, len),
                            format!(
                                "YAML tags such as `{}` are not allowed in front matter",
                                &line[i..i + len]
                            ),
                            "remove the tag; if the value starts with `!`, put it in quotes",
                        ));
                        return (keys, problems);
                    }
                    b'"' => {
                        token_begin = i;
                        quote = Some(Quote::Double);
                        token_start = false;
                        i += 1;
                        continue;
                    }
                    b'\'' => {
                        token_begin = i;
                        quote = Some(Quote::Single);
                        token_start = false;
                        i += 1;
                        continue;
                    }
                    b'|' | b'>' if flow_depth == 0 => {
                        let rest = line[i + 1..].split(" #").next().unwrap_or_default();
                        if rest
                            .trim()
                            .bytes()
                            .all(|b| b == b'+' || b == b'-' || b.is_ascii_digit())
                        {
                            block_scalar_indent = Some(indent);
                            break;
                        }
                    }
                    b'-' if bytes.get(i + 1).is_none_or(|b| *b == b' ') && flow_depth == 0 => {
                        dashes += 1;
                        if keys.last().is_some_and(|k| k.name == "partners") {
                            plain = Some(PlainText::new(PlainField::Partner, i, line_index));
                        }
                        if dashes > MAX_LINE_NESTING {
                            problems.push(Problem::new(
                                at(i, 1),
                                "the front matter is nested too deeply",
                                format!(
                                    "front matter only needs a few levels of lists: a line may open at most {MAX_LINE_NESTING} (`- - …`)"
                                ),
                            ));
                            return (keys, problems);
                        }
                        i += 1;
                        continue;
                    }
                    b'<' if bytes.get(i + 1) == Some(&b'<')
                        && line[i + 2..].trim_start().starts_with(':') =>
                    {
                        problems.push(Problem::new(
                            at(i, 2),
                            "YAML merge keys (`<<`) are not allowed in front matter",
                            "write each key out in full",
                        ));
                        return (keys, problems);
                    }
                    _ => {}
                }
            }
            if token_start {
                token_begin = i;
            }
            token_start = false;
            match c {
                b'[' | b'{' if flow_depth > 0 || i == 0 || is_after_indicator(bytes, i) => {
                    flow_depth += 1;
                    token_start = true;
                    if flow_depth > MAX_FLOW_DEPTH {
                        problems.push(Problem::new(
                            at(i, 1),
                            "the front matter is nested too deeply",
                            format!(
                                "lists and maps in brackets (`[…]`, `{{…}}`) may be nested at most {MAX_FLOW_DEPTH} levels deep"
                            ),
                        ));
                        return (keys, problems);
                    }
                }
                b']' | b'}' if flow_depth > 0 => flow_depth -= 1,
                b',' if flow_depth > 0 => token_start = true,
                b':' if bytes.get(i + 1).is_none_or(|b| *b == b' ' || *b == b'\t')
                    || (flow_depth > 0 && bytes.get(i + 1).is_some_and(|b| b",]}".contains(b))) =>
                {
                    token_start = true;
                    if flow_depth == 0 {
                        let top = keys.last().map(|k| k.name.as_str());
                        let key = if i == 0 && explicit_value_line == Some(line_index) {
                            // `: value` after `? key`.
                            top.unwrap_or_default()
                        } else {
                            line[token_begin..i].trim_end().trim_matches(['"', '\''])
                        };
                        plain = PlainField::of(key, token_begin, top)
                            .map(|field| PlainText::new(field, token_begin, line_index));
                    }
                }
                b'?' if bytes.get(i + 1).is_none_or(|b| *b == b' ') => token_start = true,
                _ => {}
            }
            i += 1;
        }
    }
    problems.extend(plain.and_then(PlainText::finish));
    if json::is_flow_map(yaml) {
        // Front matter written as one `{…}` map (JSON): the checks of
        // `key: value` lines above do not apply to it; its own do.
        return json::scan(yaml, offset);
    }
    hide_whole_regions(&keys, &mut problems);
    (keys, problems)
}

/// A `#` inside a list or map written on one line, at byte `hash` of
/// `line`: YAML reads from there to the end of the line as a comment.
pub(super) fn hash_in_flow(line: &str, hash: usize, key: &str, span: Range<usize>) -> Problem {
    let start = line[..hash].rfind(['[', '{', ',']).map_or(0, |i| i + 1);
    let end = line[hash..]
        .find([',', ']', '}'])
        .map_or(line.len(), |i| hash + i);
    let entry = line[start..end].trim();
    // In a map (`{size: x #1}`), the value is the text.
    let (key_part, text) = match entry.split_once(": ") {
        Some((k, v)) => (format!("{k}: "), v.trim()),
        None => (String::new(), entry),
    };
    let (quoted, quotes) = quote(text);
    let quoted = format!("{key_part}{quoted}");
    let space = if line[..start].ends_with(',') {
        " "
    } else {
        ""
    };
    let fixed = format!(
        "{}{space}{quoted}{}",
        line[..start].trim_end_matches(' '),
        &line[end..]
    );
    let mut problem = Problem::new(
        span,
        format!(
            "`{key}` is cut short at `#`: YAML reads the rest of the line, with its closing bracket, as a comment"
        ),
        format!(
            "`#` after a space starts a comment; put the entry in {quotes} to keep it: {}",
            fixed.trim()
        ),
    );
    problem.field = Some(key.to_string());
    problem
}

/// Widens each problem's hidden lines to the whole region its line belongs
/// to (a key with the lines under it, or a line at the margin that is not a
/// key with the lines under that), so the parser sees no half of a value.
fn hide_whole_regions(keys: &[TopKey], problems: &mut [Problem]) {
    let strays: Vec<Range<usize>> = problems.iter().filter_map(|p| p.skip.clone()).collect();
    for problem in problems.iter_mut() {
        let Some(skip) = problem.skip.as_mut() else {
            continue;
        };
        if skip.start == skip.end {
            continue;
        }
        let line = skip.start;
        if let Some(key) = keys.iter().find(|k| k.lines.contains(&line)) {
            *skip = skip.start.min(key.lines.start)..skip.end.max(key.lines.end);
            problem.field.get_or_insert_with(|| key.name.clone());
            problem.hidden_keys.push(key.name.clone());
        }
        for stray in strays.iter().filter(|s| s.contains(&line)) {
            *skip = skip.start.min(stray.start)..skip.end.max(stray.end);
        }
    }
}

/// A nested key that lines up with no key above it (see [`Indentation`]).
fn misaligned_key(misaligned: Misaligned, at: impl Fn(usize, usize) -> Range<usize>) -> Problem {
    let Misaligned {
        key,
        name,
        under,
        under_line,
        spaces,
        deeper,
    } = misaligned;
    let message = if deeper {
        format!(
            "`{name}` is indented further than `{under}` on line {}, so YAML reads it as more of the value of `{under}`",
            file_line(under_line)
        )
    } else {
        format!(
            "`{name}` does not line up with `{under}` on line {}",
            file_line(under_line)
        )
    };
    Problem::new(
        at(key.start, key.len()),
        message,
        format!(
            "start the line with {spaces} spaces, so that `{name}` is exactly under `{under}`: YAML reads what belongs together from the indentation"
        ),
    )
}

/// The text of a list entry (`- derby` gives `derby`), without a comment.
fn list_entry_text(line: &str) -> Option<&str> {
    let text = line.strip_prefix("- ")?.trim_start();
    let text = match text.find(" #") {
        Some(i) => &text[..i],
        None => text,
    };
    Some(text.trim_end()).filter(|text| !text.is_empty())
}

/// Whether a list entry's text is plain text, which YAML continues on a
/// line indented further (not quoted, not a list, a map or a `key: value`).
fn is_plain_text(text: &str) -> bool {
    !text.starts_with(['"', '\'', '[', '{', '|', '>', '&', '*', '!', '-', '?', ':'])
        && !text.contains(": ")
        && !text.ends_with(':')
}

/// A list entry indented further than the entry of plain text above it.
fn misindented_entry(
    spaces: usize,
    text: &str,
    above: &str,
    above_line: usize,
    line_index: usize,
    range: Range<usize>,
) -> Problem {
    let (more, the_spaces) = if spaces == 1 {
        ("one space".to_string(), "the space".to_string())
    } else {
        (format!("{spaces} spaces"), format!("{spaces} spaces"))
    };
    Problem::new(
        range,
        format!(
            "line {} is indented {more} more than the entry above it (line {}), so YAML reads `{above} - {text}` as one entry",
            file_line(line_index),
            file_line(above_line)
        ),
        format!(
            "remove {the_spaces} before `- {text}`, so that its `-` is exactly under the `-` above it"
        ),
    )
}

/// The line in the file of a 0-based line of the YAML block, which starts
/// on the file's second line, after the opening `---`.
pub(super) fn file_line(yaml_line: usize) -> usize {
    yaml_line + 2
}

/// Whether a line that starts at the left margin may lack a `key:`: blank
/// lines, comments, the entries of a list given under its key (`- derby`),
/// and YAML's rarer markers (`? `, `: `, `...`), left to the parser.
fn is_allowed_unkeyed(line: &str) -> bool {
    line.trim().is_empty() || line.starts_with(['#', '-', '?', ':']) || line.starts_with("...")
}

/// What is wrong with a line at the left margin that is not `key: value`.
/// Each of these is an error YAML would also make, but YAML reports it on a
/// later line (where it gave up) and in its own terms: a missing space after
/// the colon, a space that is not an ordinary one, a value wrapped onto a
/// line of its own, or a line of text with no key. The line (and the key it
/// seems to belong to) is hidden from the parser; the rest is still checked.
fn not_a_key_line(
    line: &str,
    line_index: usize,
    keys: &[TopKey],
    at: impl Fn(usize, usize) -> Range<usize>,
) -> Problem {
    let mut problem = not_a_key_line_problem(line, line_index, keys, at).on_line(line_index);
    if let Some(previous) = keys.last().filter(|k| k.lines.end == line_index)
        && problem.field.is_none()
    {
        // A wrapped value: hide the key it was wrapped from too.
        problem.skip = Some(previous.lines.start..line_index + 1);
    }
    problem
}

fn not_a_key_line_problem(
    line: &str,
    line_index: usize,
    keys: &[TopKey],
    at: impl Fn(usize, usize) -> Range<usize>,
) -> Problem {
    let word = line
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(line.len());
    let after_word = &line[word..];
    if word > 0
        && let Some(rest) = after_word.strip_prefix(':')
        && let Some(next) = rest.chars().next()
    {
        let key = &line[..word];
        let with_key = |mut problem: Problem| {
            problem.field = Some(key.to_string());
            problem.hidden_keys.push(key.to_lowercase());
            problem
        };
        if next.is_whitespace() {
            let name = match next {
                '\u{a0}' => "a non-breaking space".to_string(),
                c => format!("an unusual space (U+{:04X})", c as u32),
            };
            return with_key(Problem::new(
                at(word + 1, next.len_utf8()),
                format!("there is {name} after `{key}:`"),
                "replace it with an ordinary space (typed with the space bar; text copied from a web page or a document can bring others)",
            ));
        }
        let known = crate::load::fields::ALL_KEYS
            .iter()
            .any(|k| k.eq_ignore_ascii_case(key));
        if known {
            let value = rest.trim_end();
            return with_key(Problem::new(
                at(word, 1),
                format!("`{key}:` needs a space after the colon"),
                format!(
                    "write `{key}: {value}`: YAML reads a key only when its colon is followed by a space"
                ),
            ));
        }
    }
    let shown: String = line.trim_end().chars().take(40).collect();
    let width = line.trim_end().len().max(1);
    if let Some(previous) = keys.last().filter(|k| k.lines.end == line_index) {
        return Problem::new(
            at(0, width),
            format!(
                "this line has no key: is it the rest of `{}`?",
                previous.name
            ),
            format!(
                "if \"{shown}\" belongs to `{}` on line {}, join it to that line or indent it with two spaces; otherwise write it as `key: value`",
                previous.name,
                file_line(previous.lines.start)
            ),
        );
    }
    Problem::new(
        at(0, width),
        "this line is not `key: value`",
        "each front-matter line is a key, a colon and a space, then the value, e.g. title: \"Careers week in Derby\"",
    )
}

/// A text field whose value can be written without quotes.
#[derive(Clone, Copy)]
enum PlainField {
    /// A top-level key: `title`, `summary`, `organisation`, `funder`, `provider`.
    Top(&'static str),
    /// The `note` of an entry of `changes`.
    ChangeNote,
    /// An entry of `partners`.
    Partner,
}

impl PlainField {
    /// The text field a key at `column` names, if it is one; `top` is the
    /// top-level key whose lines these are.
    fn of(key: &str, column: usize, top: Option<&str>) -> Option<PlainField> {
        const TOP: [&str; 5] = ["title", "summary", "organisation", "funder", "provider"];
        match TOP.iter().find(|name| **name == key) {
            Some(name) if column == 0 => Some(PlainField::Top(name)),
            _ if key == "note" && column > 0 && top == Some("changes") => {
                Some(PlainField::ChangeNote)
            }
            _ => None,
        }
    }

    fn key(self) -> &'static str {
        match self {
            PlainField::Top(name) => name,
            PlainField::ChangeNote => "changes",
            PlainField::Partner => "partners",
        }
    }

    /// How a message names the value: "`title`", "the `note` of a change".
    fn shown(self) -> String {
        match self {
            PlainField::Top(name) => format!("`{name}`"),
            PlainField::ChangeNote => "the `note` of a change".to_string(),
            PlainField::Partner => "a name in `partners`".to_string(),
        }
    }

    /// How a hint names the value: "the title", "the note".
    fn noun(self) -> String {
        match self {
            PlainField::Top(name) => format!("the {name}"),
            PlainField::ChangeNote => "the note".to_string(),
            PlainField::Partner => "the name".to_string(),
        }
    }
}

/// A plain (unquoted) value of a text field, read line by line. A `#` after
/// a space in it starts a YAML comment, which cuts the text short (or, at
/// its start, empties it) without a word from YAML: the writer's `#1` or
/// `#proud` would silently vanish from the page.
struct PlainText {
    field: PlainField,
    /// Lines indented further than this continue the value.
    indent: usize,
    /// Where the text starts, when it has: its line in the block and its
    /// byte offset in that line.
    start: Option<(usize, usize)>,
    /// The line of the value's key, and the value's last line, in the block.
    key_line: usize,
    last_line: usize,
    /// Whether the text has a `"` or a `\\`, so that it needs single quotes.
    needs_single_quotes: bool,
    /// The first comment: its span in the file, its line in the block, and
    /// that line's text before and from the `#`.
    comment: Option<Comment>,
}

struct Comment {
    span: Range<usize>,
    line_index: usize,
    before: String,
    from_hash: String,
}

impl PlainText {
    fn new(field: PlainField, indent: usize, line_index: usize) -> Self {
        PlainText {
            field,
            indent,
            start: None,
            key_line: line_index,
            last_line: line_index,
            needs_single_quotes: false,
            comment: None,
        }
    }

    /// Reads the character at `i` (not a space, not a comment); false when
    /// it starts a value that is not plain text (quoted, a list, a block).
    fn read(&mut self, line: &str, line_index: usize, i: usize) -> bool {
        if self.start.is_some() {
            return true;
        }
        let next = line.as_bytes().get(i + 1);
        let other = match line.as_bytes()[i] {
            b'"' | b'\'' | b'|' | b'>' | b'[' | b'{' | b'&' | b'*' | b'!' => true,
            b'-' | b'?' => next.is_none_or(|b| *b == b' '),
            _ => false,
        };
        if !other {
            // Text below a comment (`title: # x`, then the text indented on
            // the next line) is the value: the comment was not in it.
            self.comment = None;
            self.start = Some((line_index, i));
            self.continues(&line[i..], line_index);
        }
        !other
    }

    /// Another line of the value.
    fn continues(&mut self, text: &str, line_index: usize) {
        self.last_line = line_index;
        if text.contains(['"', '\\']) {
            self.needs_single_quotes = true;
        }
    }

    /// A comment starts at byte `i` of `line` (`span` in the file).
    fn comment_at(&mut self, line: &str, line_index: usize, i: usize, span: Range<usize>) {
        self.comment.get_or_insert_with(|| Comment {
            span,
            line_index,
            before: line[..i].to_string(),
            from_hash: line[i..].trim_end().to_string(),
        });
    }

    /// The value has ended: the problem if a comment cut its text short or
    /// took all of it.
    fn finish(self) -> Option<Problem> {
        let comment = self.comment?;
        let noun = self.field.noun();
        let key = match self.field {
            PlainField::Top(name) => format!("{name}:"),
            PlainField::ChangeNote => "note:".to_string(),
            PlainField::Partner => "-".to_string(),
        };
        let mut problem = match self.start {
            None => {
                let (quoted, quotes) = quote(&comment.from_hash);
                let mut problem = Problem::new(
                    comment.span,
                    format!(
                        "{} has no text: a value that starts with `#` is read as a comment",
                        self.field.shown()
                    ),
                    format!(
                        "`#` at the start of a value or after a space starts a comment, which is left out; put the text in {quotes} to keep it: {key} {quoted}"
                    ),
                );
                problem.hidden_keys.push(self.field.key().to_string());
                // Hide the empty value (and its key's lines) from the
                // parser, which would only say it is empty.
                problem.on_line(comment.line_index)
            }
            Some((first_line, start)) => {
                let hint = if first_line == self.last_line {
                    let kept = comment.before[start..].trim_end();
                    let whole = format!("{kept} {}", comment.from_hash);
                    let (quoted, quotes) = quote(&whole);
                    let key = if first_line == self.key_line {
                        format!("{key} ")
                    } else {
                        String::new()
                    };
                    format!(
                        "`#` after a space starts a comment, which is left out, so {noun} would be only \"{kept}\"; put the whole text in {quotes} to keep it: {key}{quoted}"
                    )
                } else {
                    let quotes = if self.needs_single_quotes {
                        "single quotes (writing each ' in it twice)"
                    } else {
                        "double quotes"
                    };
                    format!(
                        "`#` after a space starts a comment, which is left out; put the whole of {noun}, from line {} to line {}, in {quotes} to keep it",
                        file_line(first_line),
                        file_line(self.last_line)
                    )
                };
                let mut problem = Problem::new(
                    comment.span,
                    format!(
                        "{} is cut short at `#`: YAML reads the rest of the line as a comment",
                        self.field.shown()
                    ),
                    hint,
                );
                if self.last_line > comment.line_index {
                    // The lines after the comment cannot be read either:
                    // hide the value rather than report them too.
                    problem.hidden_keys.push(self.field.key().to_string());
                    problem.on_line(comment.line_index)
                } else {
                    // Nothing to hide: the text before `#` is readable.
                    problem.skip = Some(comment.line_index..comment.line_index);
                    problem
                }
            }
        };
        problem.field = Some(self.field.key().to_string());
        Some(problem)
    }
}

/// Text in double quotes, or in single quotes when it has a `"` or a `\`
/// (which double quotes would read as an escape); with the quotes' name.
pub fn quote(text: &str) -> (String, &'static str) {
    if text.contains(['"', '\\']) {
        (format!("'{}'", text.replace('\'', "''")), "single quotes")
    } else {
        (format!("\"{text}\""), "double quotes")
    }
}

/// Whether the byte before `i` (ignoring spaces) ends an indicator after which a value starts.
fn is_after_indicator(bytes: &[u8], i: usize) -> bool {
    bytes[..i]
        .iter()
        .rev()
        .find(|b| **b != b' ' && **b != b'\t')
        .is_none_or(|b| matches!(b, b':' | b'-' | b'[' | b'{' | b',' | b'?'))
}

/// Adds a line to the region above it: the line at the margin that is not a
/// key (`stray`), or else the last key.
fn extend_last(
    keys: &mut [TopKey],
    problems: &mut [Problem],
    stray: Option<usize>,
    value_end: usize,
    line_index: usize,
) {
    if let Some(skip) = stray.and_then(|i| problems[i].skip.as_mut()) {
        skip.end = line_index + 1;
    } else if let Some(last) = keys.last_mut() {
        last.value.end = value_end;
        last.lines.end = line_index + 1;
    }
}

/// Whether a line starts with YAML's `: ` that gives the value of the
/// explicit key (`? key`) above it.
pub(super) fn is_value_indicator(line: &str) -> bool {
    indicator(line, ':').is_some()
}

/// The rest of a line that starts with the indicator `c` followed by a
/// space, a tab or nothing (`? key`, `: value`), from after its spaces.
fn indicator(line: &str, c: char) -> Option<usize> {
    let rest = line.strip_prefix(c)?;
    if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None;
    }
    Some(line.len() - rest.trim_start_matches([' ', '\t']).len())
}

/// Whether a line is YAML's `?` alone (an explicit key whose key is on the
/// next line), perhaps with a comment.
fn is_bare_explicit(line: &str) -> bool {
    indicator(line, '?').is_some_and(|start| {
        let rest = line[start..].trim_end();
        rest.is_empty() || rest.starts_with('#')
    })
}

/// The key of a line such as `? title` (YAML's explicit key, whose value is
/// on the next line, `: "Careers fair"`), with its byte range; `None` for a
/// key that is not plain text or quoted text (a list, a map, a block).
pub(super) fn explicit_key(line: &str) -> Option<(String, Range<usize>)> {
    let start = indicator(line, '?')?;
    let rest = &line[start..];
    let first = *rest.as_bytes().first()?;
    if first == b'"' || first == b'\'' {
        let close = rest[1..].find(first as char)? + 1;
        let after = rest[close + 1..].trim_start();
        if !(after.is_empty() || after.starts_with('#')) {
            return None;
        }
        return Some((rest[1..close].to_string(), start + 1..start + close));
    }
    if b"#-[]{}|>!&*?:%@`,".contains(&first) {
        return None;
    }
    let comment = rest
        .match_indices('#')
        .map(|(i, _)| i)
        .find(|&i| rest[..i].ends_with([' ', '\t']));
    let name = rest[..comment.unwrap_or(rest.len())].trim_end();
    if name.contains(": ") || name.contains(":\t") || name.ends_with(':') {
        // `? title: x`: the key is itself a map.
        return None;
    }
    Some((name.to_string(), start..start + name.len()))
}

/// The key of a line such as `title: x` or `"title": x`, with its byte range.
pub(super) fn top_level_key(line: &str) -> Option<(String, Range<usize>)> {
    let first = line.as_bytes().first()?;
    if matches!(
        first,
        b'#' | b'-' | b'[' | b'{' | b' ' | b'\t' | b'|' | b'>'
    ) {
        return None;
    }
    if indicator(line, '?').is_some() || indicator(line, ':').is_some() {
        // `? key` and `: value`, YAML's explicit key and its value.
        return None;
    }
    if *first == b'"' || *first == b'\'' {
        let close = line[1..].find(*first as char)? + 1;
        let rest = line[close + 1..].trim_start();
        if !rest.starts_with(':') {
            return None;
        }
        return Some((line[1..close].to_string(), 1..close));
    }
    let mut search = 0;
    while let Some(found) = line[search..].find(':') {
        let colon = search + found;
        let next = line.as_bytes().get(colon + 1);
        if next.is_none_or(|b| *b == b' ' || *b == b'\t') {
            let name = line[..colon].trim_end();
            if name.contains(" #") {
                return None;
            }
            // `extra:{a: 1}`: a known key without its space, not a key `extra:{a`.
            if let Some((known, _)) = name.split_once(':')
                && crate::load::fields::ALL_KEYS
                    .iter()
                    .any(|k| k.eq_ignore_ascii_case(known))
            {
                return None;
            }
            return Some((name.to_string(), 0..name.len()));
        }
        search = colon + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_with_bom_and_crlf() {
        let text = "\u{feff}---\r\ntitle: x\r\n---\r\nbody\r\n";
        let split = split(text).unwrap();
        assert_eq!(split.yaml, "title: x\r\n");
        assert_eq!(split.body, "body\r\n");
        assert_eq!(&text[split.yaml_offset..split.yaml_offset + 5], "title");
    }

    #[test]
    fn closing_fence_may_have_trailing_spaces_as_the_opening_may() {
        let split = split("--- \ntitle: x\n---  \t\nbody\n").unwrap();
        assert_eq!(split.yaml, "title: x\n");
        assert_eq!(split.body, "body\n");
    }

    #[test]
    fn refuses_unclosed_front_matter() {
        let problem = split("---\ntitle: x\nbody\n").unwrap_err();
        assert_eq!(problem.message, "the front matter is never closed");
    }

    // Regression: `...` at the end of the front matter was "never closed"
    // at line 1, and old Mac line endings were "the first line must be
    // `---`" though it looked it.
    #[test]
    fn names_a_closing_dots_line_and_old_mac_line_endings() {
        let problem = split("---\ntitle: x\n...\nbody\n").unwrap_err();
        assert_eq!(
            problem.message,
            "the front matter ends with `...`, but oasis needs `---` there"
        );
        assert_eq!(problem.range, 13..16);
        for text in ["---\rtitle: x\r---\rbody\r", "---\ntitle: x\r---\rbody\r"] {
            let problem = split(text).unwrap_err();
            assert!(problem.message.contains("old Mac line endings"), "{text:?}");
            assert_eq!(problem.range, 0..3);
        }
        // A `...` before the closing `---` is YAML's, and fine.
        assert!(split("---\ntitle: x\n...\n---\nbody\n").is_ok());
    }

    #[test]
    fn finds_keys_and_their_values() {
        let yaml = "title: \"a: b\"\nareas:\n  - derby\n  - oldham\ndraft: true\n";
        let (keys, problems) = scan(yaml, 4);
        assert!(problems.is_empty(), "{problems:?}");
        let names: Vec<&str> = keys.iter().map(|k| k.name.as_str()).collect();
        assert_eq!(names, ["title", "areas", "draft"]);
        assert_eq!(
            &yaml[keys[1].value.start - 4..keys[1].value.end - 4],
            "\n  - derby\n  - oldham"
        );
        assert_eq!(keys[1].lines, 1..4);
    }

    #[test]
    fn reports_a_duplicate_at_the_second_key() {
        let (_, problems) = scan("title: a\ndate: 2017-01-01\ntitle: b\n", 0);
        assert_eq!(problems[0].message, "`title` is given twice");
        assert_eq!(problems[0].range, 26..31);
    }

    #[test]
    fn refuses_tags_merge_keys_and_deep_nesting() {
        assert!(scan("title: !foo x\n", 0).1[0].message.contains("tags"));
        assert!(scan("extra:\n  <<: *a\n", 0).1[0].message.contains("merge"));
        let deep = format!("extra: {}{}\n", "[".repeat(100), "]".repeat(100));
        assert!(scan(&deep, 0).1[0].message.contains("nested too deeply"));
    }

    /// The messages of the problems `scan` finds in `yaml`.
    // Regression: `   - oldham` one space further than `  - derby` above
    // it was "unknown area `derby - oldham`".
    #[test]
    fn a_list_entry_indented_further_than_the_one_above_is_named() {
        let (_, problems) = scan("areas:\n  - derby\n   - oldham\n", 0);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(
            problems[0].message,
            "line 4 is indented one space more than the entry above it (line 3), so YAML reads `derby - oldham` as one entry"
        );
        assert_eq!(
            problems[0].hint,
            "remove the space before `- oldham`, so that its `-` is exactly under the `-` above it"
        );
        assert_eq!(problems[0].range, 20..28);
        assert_eq!(problems[0].skip, Some(0..3));
        assert_eq!(
            messages("priorities:\n- early-years # first\n   - maths\n")[0],
            "line 4 is indented 3 spaces more than the entry above it (line 3), so YAML reads `early-years - maths` as one entry"
        );
        // Entries that line up, and lists under a map entry, are fine.
        for yaml in [
            "areas:\n  - derby\n  - oldham\n",
            "extra:\n  people:\n    - name: A\n      - x\n",
            "extra:\n  - \"a\"\n  - b\n",
            "areas:\n  - derby\n  -   oldham\n",
        ] {
            assert!(
                !messages(yaml)
                    .iter()
                    .any(|m| m.contains("more than the entry")),
                "{yaml}"
            );
        }
    }

    fn messages(yaml: &str) -> Vec<String> {
        scan(yaml, 0).1.into_iter().map(|p| p.message).collect()
    }

    #[test]
    fn names_lines_at_the_margin_that_are_not_keys() {
        let problems = messages;
        assert_eq!(
            problems("title: x\ndate:2018-01-01\n"),
            ["`date:` needs a space after the colon"]
        );
        assert_eq!(
            problems("summary: A long\nsummary\n"),
            ["this line has no key: is it the rest of `summary`?"]
        );
        // Regression: this was "unknown key `extra:{a`".
        assert_eq!(
            problems("extra:{a: 1,\n  b: 2}\ntitle: x\n"),
            ["`extra:` needs a space after the colon"]
        );
        assert_eq!(
            problems("organisation:\u{a0}DfE\n"),
            ["there is a non-breaking space after `organisation:`"]
        );
        assert_eq!(
            problems("Careers week\n"),
            ["this line is not `key: value`"]
        );
        // What YAML allows at the margin without a key is left alone.
        let fine = "areas:\n- derby\n# a comment\n\ntitle: \"two\nlines\"\nsummary: >\n  folded\nextra: {a: 1,\nb: 2}\n...\n";
        assert_eq!(problems(fine), Vec::<String>::new());
    }

    // Regression: a missing space after a colon, a tab used for indentation
    // or a non-breaking space stopped the file's checking, hiding its other errors.
    #[test]
    fn a_line_mistake_hides_only_its_own_lines() {
        let yaml = "title: x\ndate:2018-03-01\npriorities:\n\t- a\n\t- b\nsummary: A long\nsummary\n  more\nareas: [derby]\n";
        let (keys, problems) = scan(yaml, 0);
        let skips: Vec<_> = problems.iter().map(|p| p.skip.clone().unwrap()).collect();
        assert_eq!(skips, [1..2, 2..5, 2..5, 5..8]);
        let hidden: Vec<_> = problems.iter().map(|p| p.hidden_keys.join(",")).collect();
        assert_eq!(hidden, ["date", "priorities", "priorities", "summary"]);
        let names: Vec<&str> = keys.iter().map(|k| k.name.as_str()).collect();
        assert_eq!(names, ["title", "priorities", "summary", "areas"]);
        // What the parser must not see at all still stops the block.
        assert!(scan("title: !foo x\n", 0).1[0].skip.is_none());
    }

    // Regression: `title: Careers fair #1 in Derby` became "Careers fair"
    // without a word, and `title: #news` was only "empty".
    // Regression: an indented comment line after an unquoted value (a
    // `# TODO`, a commented-out partner) was taken for a `#` in the text.
    #[test]
    fn a_comment_line_after_unquoted_text_ends_it() {
        for yaml in [
            "title: T\nsummary: Pupils from 12 schools\n  met employers.\n  # TODO add numbers\ndate: 2018-03-01\n",
            "title: Careers fair\n  # indented comment line\nsummary: S\n",
            "partners:\n  - Derby City Council\n    # - University of Derby (left)\n  - Oldham Council\n",
            "changes:\n  - date: 2018-01-01\n    note: Fixed a typo\n      # was wrong before\n",
            "title:\n  # the title below\n  Careers fair\n",
            "summary: Pupils met\n  !important employers\n",
        ] {
            assert!(scan(yaml, 0).1.is_empty(), "{yaml}: {:?}", scan(yaml, 0).1);
        }
    }

    // Regression: front matter written as one `{…}` map (JSON, which is
    // YAML) was refused line by line.
    #[test]
    fn front_matter_may_be_one_flow_map() {
        let json = "{\"title\": \"Careers fair\", \"date\": \"2018-03-01\",\n \"summary\": \"A fair.\", \"areas\": [\"derby\"]}\n";
        assert_eq!(messages(json), Vec::<String>::new());
        // Only as the whole block: a `{` line after keys is not a key.
        assert_eq!(messages("title: T\n{a: 1}\n").len(), 1);
    }

    // Regression: `? title` then `: Careers fair` (YAML's explicit key) was
    // a key named `` and a title left empty.
    #[test]
    fn explicit_keys_are_keys() {
        let yaml = "? title\n: \"Careers fair\"\n? 'date' # when\n\n:   2018-03-01\nsummary: S\n? extra\n:\n  colour: blue\n  ? size\n  : large\n  shape: round\n? draft\n";
        let (keys, problems) = scan(yaml, 0);
        assert_eq!(problems, []);
        let found: Vec<(&str, &str, Range<usize>)> = keys
            .iter()
            .map(|k| {
                (
                    k.name.as_str(),
                    yaml[k.value.clone()].trim(),
                    k.lines.clone(),
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                ("title", "\"Careers fair\"", 0..2),
                ("date", "2018-03-01", 2..5),
                ("summary", "S", 5..6),
                (
                    "extra",
                    "colour: blue\n  ? size\n  : large\n  shape: round",
                    6..12
                ),
                ("draft", "", 12..13),
            ]
        );
        assert_eq!(&yaml[keys[0].key.clone()], "title");
        // The checks of `key: value` lines hold for them too.
        assert_eq!(
            messages("title: T\n? title\n: U\n"),
            ["`title` is given twice"]
        );
        assert_eq!(
            messages("? title\n: Careers fair #1 in Derby\n"),
            ["`title` is cut short at `#`: YAML reads the rest of the line as a comment"]
        );
        assert_eq!(
            messages("? extra\n: \n  a: 1\n   b: 2\n"),
            [
                "`b` is indented further than `a` on line 4, so YAML reads it as more of the value of `a`"
            ]
        );
        // A value without its key.
        assert_eq!(
            messages("title: T\n: U\n"),
            ["this line has no key before its colon"]
        );
        // A key that is itself a list or a map is left to YAML.
        for yaml in ["? [a, b]\n: x\n", "? a: b\n: x\n", "? |\n  title\n: x\n"] {
            assert_eq!(scan(yaml, 0).0, [], "{yaml}");
        }
    }

    #[test]
    fn a_comment_in_unquoted_text_is_an_error() {
        assert_eq!(
            messages("title: Careers fair #1 in Derby\n"),
            ["`title` is cut short at `#`: YAML reads the rest of the line as a comment"]
        );
        assert_eq!(
            messages("summary: We raised\n  £5,000 #proud\n"),
            ["`summary` is cut short at `#`: YAML reads the rest of the line as a comment"]
        );
        assert_eq!(
            messages("title: #news\ndate: 2018-01-01\n"),
            ["`title` has no text: a value that starts with `#` is read as a comment"]
        );
        assert_eq!(
            messages("changes:\n  - date: 2018-01-01\n    note: Fixed #2\n"),
            [
                "the `note` of a change is cut short at `#`: YAML reads the rest of the line as a comment"
            ]
        );
        let (_, problems) = scan("title: Careers fair #1 in Derby\n", 0);
        assert_eq!(problems[0].range, 20..31);
        assert!(
            problems[0]
                .hint
                .ends_with("keep it: title: \"Careers fair #1 in Derby\""),
            "{}",
            problems[0].hint
        );
        // Comments after quoted text, after other values, on their own line,
        // and `#` inside a word, are fine.
        let fine = "# about\ntitle: \"Fair #1\" # checked\ndraft: true  # until approved\nareas: [derby] # only\nsummary: C# and F# clubs\nextra:\n  title: x #y\norganisation: # nothing\n  Real text\n";
        assert_eq!(messages(fine), Vec::<String>::new());
    }

    // Regression: `partners: [Derby #1, Oldham]` was "the list of `partners`
    // is never closed", with a hint that added a second `]`.
    #[test]
    fn a_comment_inside_a_one_line_list_is_an_error() {
        let yaml = "partners: [Derby #1, Oldham]\nstarts: 2018-01-01\n";
        let (keys, problems) = scan(yaml, 0);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].range, 17..28);
        assert!(
            problems[0]
                .hint
                .ends_with("keep it: partners: [\"Derby #1\", Oldham]"),
            "{}",
            problems[0].hint
        );
        let names: Vec<&str> = keys.iter().map(|k| k.name.as_str()).collect();
        assert_eq!(names, ["partners", "starts"]);
        let hint = |yaml: &str| scan(yaml, 0).1[0].hint.clone();
        assert!(hint("partners: [#1 Derby]\n").ends_with("partners: [\"#1 Derby\"]"));
        assert!(hint("extra: {a: x #1}\n").ends_with("extra: {a: \"x #1\"}"));
        // A comment after an entry of a list written over several lines is fine.
        let (_, problems) = scan("partners: [\n  Derby, # the council\n  Oldham]\n", 0);
        assert_eq!(problems, []);
    }

    // Regression: only the first misaligned key under each top-level key
    // was reported.
    #[test]
    fn every_misaligned_key_is_reported_once() {
        let yaml = "title: T\nchanges:\n  - date: 2018-04-01\n     note: x\n  - date: 2018-05-01\n   note: y\nextra:\n  a: 1\n   b: 2\n";
        let (_, problems) = scan(yaml, 0);
        let lines: Vec<usize> = problems
            .iter()
            .map(|p| yaml[..p.range.start].matches('\n').count())
            .collect();
        assert_eq!(lines, [3, 5, 8], "{problems:?}");
        assert_eq!(
            problems[1].message,
            "`note` does not line up with `date` on line 6"
        );
    }

    #[test]
    fn valid_nesting_is_not_misaligned() {
        let yaml = "extra:\n  intro: |\n    Text with: colons\n      deeper: line\n    - not a list\n  people:\n    - name: a # who\n      # a comment\n        # another, deeper\n      role: b\n      teams:\n        - name: c\n          size: 2\n  data: {a: 1,\n     b: 2}\n  list: [1,\n      2]\n  after: x\nchanges:\n  - date: 2018-04-01\n    note: >\n      folded\n       more: text\n  - date: 2018-05-01\n    note: y\n";
        assert_eq!(messages(yaml), Vec::<String>::new());
    }

    #[test]
    fn hiding_keeps_every_other_line_and_column() {
        let yaml = "{\"titel\": \"Café\", \"date\": 1,\n \"draft\": x}\nsummary: s\n";
        let mut hidden = Hidden::default();
        hidden.lines.push(2..3);
        hidden.entries.push(1..18);
        assert_eq!(
            hidden.apply(yaml),
            "{                 \"date\": 1,\n \"draft\": x}\n\n"
        );
    }

    #[test]
    fn accepts_punctuation_inside_values() {
        let yaml = "title: Fund [round 2] is here!\nsummary: 'It''s #1: great'\nextra: {a: [1, 2]}\nbody: |\n  !not a tag\n  - x\n";
        let (keys, problems) = scan(yaml, 0);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(keys.len(), 4);
    }
}
