//! Plain words for the YAML parser's syntax errors.
//!
//! In: libyaml's message ("did not find expected '-' indicator at line 7
//! column 3, while parsing a block collection at line 5 column 3") and the
//! YAML block. Out: what is wrong in a writer's words, where (the parser's
//! own line and column are dropped: the location is given once, in the
//! file's numbering) and a fix that fits the case: a backslash in double
//! quotes, a Tab, a line outside its list, text after a closing quotation
//! mark, a value that starts with a character YAML reserves.

use super::fields::{ALL_KEYS, FieldError};
use super::frontmatter::quote;

/// How [`super::fields`] marks a syntax error it has no words for.
pub const UNREADABLE: &str = "the front matter is not valid YAML: ";

/// The hint for a syntax error with no better one.
const GENERIC_HINT: &str =
    "each line is `key: value`; put text in double quotes if it contains `:`, `#`, `[` or `{`";

/// libyaml's message split into its parts.
struct Parsed<'a> {
    /// What went wrong ("did not find expected key").
    problem: &'a str,
    /// What the parser was doing ("while parsing a block mapping").
    context: &'a str,
    /// Where that started: (line, column), both 1-based, in the parser's count.
    context_mark: Option<(usize, usize)>,
}

fn parse_message(raw: &str) -> Parsed<'_> {
    let (problem, context) = raw.split_once(", while ").unwrap_or((raw, ""));
    let (context, context_mark) = match context.split_once(" at line ") {
        Some((context, mark)) => {
            let mut numbers = mark.split(" column ").map(|n| n.trim().parse().ok());
            let mark = match (numbers.next().flatten(), numbers.next().flatten()) {
                (Some(line), Some(column)) => Some((line, column)),
                _ => None,
            };
            (context, mark)
        }
        None => (context, None),
    };
    let problem = problem
        .split(" at line ")
        .next()
        .unwrap_or(problem)
        .split(" at position ")
        .next()
        .unwrap_or(problem);
    Parsed {
        problem,
        context,
        context_mark,
    }
}

/// Rewrites a syntax error still in the parser's words (see [`UNREADABLE`]).
pub fn explain(error: &mut FieldError, yaml: &str) {
    let Some(raw) = error.message.strip_prefix(UNREADABLE) else {
        return;
    };
    let raw = raw.to_string();
    let parsed = parse_message(&raw);
    let lines: Vec<&str> = yaml.split('\n').map(|l| l.trim_end_matches('\r')).collect();
    // libyaml also breaks lines at a lone `\r`, U+0085, U+2028 and U+2029:
    // its line numbers are the file's only when there are none of those.
    let same_lines = !yaml
        .replace("\r\n", "\n")
        .contains(['\r', '\u{85}', '\u{2028}', '\u{2029}']);
    let context_line = parsed.context_mark.filter(|_| same_lines);
    let explained = match parsed.problem {
        p if p.starts_with("found a tab character") => tab(error, &lines),
        "unknown anchor" => unknown_anchor(error, &lines),
        "found invalid Unicode character escape code" => lone_surrogate(error, &lines),
        "did not find expected hexadecimal number" | "found unknown escape character" => {
            backslash(error, &lines)
        }
        "did not find expected alphabetic or numeric character"
            if parsed.context.contains("alias") || parsed.context.contains("anchor") =>
        {
            reserved_start(error, &lines, &['*', '&'])
        }
        "did not find expected comment or line break"
            if parsed.context.contains("block scalar") =>
        {
            reserved_start(error, &lines, &['|', '>'])
        }
        "found character that cannot start any token" => {
            tab(error, &lines) || reserved_start(error, &lines, &['@', '`', '%'])
        }
        "did not find expected '-' indicator" => not_a_list_entry(error, &lines),
        "mapping values are not allowed in this context" => colon(error, &lines),
        "did not find expected key" => {
            text_after_closing_quote(error, &lines) || misindented(error, &lines)
        }
        "could not find expected ':'" => match context_line {
            Some((line, column)) => no_colon(error, &lines, line, column),
            None => false,
        },
        "block sequence entries are not allowed in this context" => list_on_key_line(error, &lines),
        "did not find expected ',' or ']'" | "did not find expected ',' or '}'" => {
            flow_entries(error, parsed.problem.contains("']'"))
        }
        _ => false,
    };
    if !explained {
        error.message = format!("{UNREADABLE}{}", parsed.problem);
        error.hint = Some(GENERIC_HINT.to_string());
    }
}

/// The block with each surrogate pair written as two escapes in double
/// quotes (`"\ud83d\ude00"`, as JSON writers write a character beyond
/// U+FFFF) rewritten as the one escape YAML reads (`"\U0001F600"`). Each
/// pair is two characters shorter: as many spaces are added after the
/// closing quotation mark (or at the end of the line), so the columns of
/// what follows stay as written. `None` when there is nothing to rewrite.
pub fn join_surrogates(yaml: &str) -> Option<String> {
    if !yaml.contains("\\u") {
        return None;
    }
    let mut out = String::with_capacity(yaml.len());
    let mut changed = false;
    let mut double = false;
    let mut single = false;
    for raw in yaml.split_inclusive('\n') {
        let body = raw.trim_end_matches(['\n', '\r']);
        let ending = &raw[body.len()..];
        let mut deficit = 0;
        // Whether a quotation mark here would start a quoted value: only
        // indicators (`- `, `? `, `: `, `[`, `{`, `,`) are before it.
        let mut token_start = true;
        let mut chars = body.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if double {
                match c {
                    '\\' => {
                        if let Some(pair) = surrogate_pair(&body[i..]) {
                            out.push_str(&format!("\\U{pair:08X}"));
                            deficit += 2;
                            changed = true;
                            for _ in 0..11 {
                                chars.next();
                            }
                            continue;
                        }
                        out.push('\\');
                        if let Some((_, next)) = chars.next() {
                            out.push(next);
                        }
                        continue;
                    }
                    '"' => {
                        double = false;
                        out.push('"');
                        out.extend(std::iter::repeat_n(' ', deficit));
                        deficit = 0;
                        token_start = false;
                        continue;
                    }
                    _ => {}
                }
                out.push(c);
                continue;
            }
            if single {
                if c == '\'' {
                    if chars.peek().is_some_and(|(_, n)| *n == '\'') {
                        chars.next();
                        out.push_str("''");
                        continue;
                    }
                    single = false;
                    token_start = false;
                }
                out.push(c);
                continue;
            }
            let after_space = i == 0 || body[..i].ends_with([' ', '\t']);
            let next_blank = body[i + c.len_utf8()..]
                .chars()
                .next()
                .is_none_or(|n| n == ' ' || n == '\t');
            match c {
                '#' if after_space => {
                    out.push_str(&body[i..]);
                    break;
                }
                '"' if token_start => double = true,
                '\'' if token_start => single = true,
                ' ' | '\t' => {}
                '[' | '{' | ',' => token_start = true,
                '-' | '?' | ':' if next_blank && (token_start || c == ':') => token_start = true,
                _ => token_start = false,
            }
            out.push(c);
        }
        if deficit > 0 && !out.ends_with('\\') {
            // Spaces at the end of a line of quoted text are not part of it.
            out.extend(std::iter::repeat_n(' ', deficit));
        }
        out.push_str(ending);
    }
    changed.then_some(out)
}

/// The character of a surrogate pair written as two escapes at the start
/// of `text` (`\ud83d\ude00`).
fn surrogate_pair(text: &str) -> Option<u32> {
    let unit = |at: usize| -> Option<u32> {
        let escape = text.get(at..at + 6)?;
        let hex = escape.strip_prefix("\\u")?;
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        u32::from_str_radix(hex, 16).ok()
    };
    let high = unit(0).filter(|u| (0xD800..0xDC00).contains(u))?;
    let low = unit(6).filter(|u| (0xDC00..0xE000).contains(u))?;
    Some(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
}

/// `\ud83d` alone: half of a character beyond U+FFFF, without its other
/// half (a pair is joined by [`join_surrogates`]).
fn lone_surrogate(error: &mut FieldError, lines: &[&str]) -> bool {
    let Some((line, column, text)) = error_line(error, lines) else {
        return false;
    };
    let before: String = text.chars().take(column + 1).collect();
    let Some(slash) = before.rfind("\\u") else {
        return false;
    };
    let Some(escape) = text.get(slash..slash + 6) else {
        return false;
    };
    let Ok(unit) = u32::from_str_radix(&escape[2..], 16) else {
        return false;
    };
    if !(0xD800..0xE000).contains(&unit) {
        return false;
    }
    error.position = Some((line, column_of(text, slash)));
    let name = match error.field.as_deref() {
        Some(name) => format!("`{name}`"),
        None => "the value".to_string(),
    };
    error.message =
        format!("{name} has `{escape}`, half of a character's code without the other half");
    error.hint = Some(format!(
        "write the character itself in place of `{escape}` (e.g. 😀 or é, typed or pasted in)"
    ));
    true
}

/// `*contcat` where no `&contcat` above defines it: a typo of an anchor's
/// name, an alias before its anchor, or text that starts with `*`.
fn unknown_anchor(error: &mut FieldError, lines: &[&str]) -> bool {
    let Some((line, column, text)) = error_line(error, lines) else {
        return false;
    };
    let start = text
        .char_indices()
        .nth(column - 1)
        .map_or(text.len(), |(i, _)| i);
    let Some(star) = text[..(start + 1).min(text.len())]
        .rfind('*')
        .or_else(|| text[start..].find('*').map(|i| start + i))
    else {
        return false;
    };
    let name_of = |rest: &str| -> String {
        rest.chars()
            .take_while(|c| !c.is_whitespace() && !matches!(c, ',' | '[' | ']' | '{' | '}'))
            .collect()
    };
    let name = name_of(&text[star + 1..]);
    if name.is_empty() {
        return false;
    }
    // The anchors (`&name`) in the block, with their 0-based lines.
    let mut anchors: Vec<(String, usize)> = Vec::new();
    for (index, l) in lines.iter().enumerate() {
        for (i, _) in l.match_indices('&') {
            let starts_token = i == 0 || l[..i].ends_with([' ', '\t', '[', '{', ',']);
            let anchor = name_of(&l[i + 1..]);
            if starts_token && !anchor.is_empty() {
                anchors.push((anchor, index));
            }
        }
    }
    let above: Vec<&str> = anchors
        .iter()
        .filter(|(_, index)| *index < line - 1)
        .map(|(anchor, _)| anchor.as_str())
        .collect();
    error.position = Some((line, column_of(text, star)));
    error.message =
        format!("`*{name}` repeats a value marked `&{name}`, but no `&{name}` above defines it");
    let mut hint = match anchors
        .iter()
        .find(|(anchor, index)| *anchor == name && *index >= line - 1)
    {
        Some((_, index)) => format!(
            "`&{name}` is on line {}, below it: a value can only be repeated after it is marked, so move the line with `&{name}` above this one",
            super::frontmatter::file_line(*index)
        ),
        None => match crate::diagnostics::did_you_mean(&name, above.iter().copied()) {
            Some(near) => format!("if you meant the value marked `&{near}`, write *{near}"),
            None => String::new(),
        },
    };
    if !hint.is_empty() {
        hint.push_str("; ");
    }
    let value = text[star..].trim_end();
    let value = value
        .find([',', ']', '}'])
        .filter(|_| text[..star].contains(['[', '{']))
        .map_or(value, |end| value[..end].trim_end());
    hint.push_str(&format!(
        "text that starts with `*` must be in quotation marks: \"{value}\""
    ));
    error.hint = Some(hint);
    true
}

/// The 0-based line the error is on, and its text.
fn error_line<'a>(error: &FieldError, lines: &[&'a str]) -> Option<(usize, usize, &'a str)> {
    let (line, column) = error.position?;
    let text = lines.get(line.checked_sub(1)?)?;
    Some((line, column, text))
}

/// The 1-based column (in characters) of byte `i` of `text`.
fn column_of(text: &str, i: usize) -> usize {
    text[..i].chars().count() + 1
}

/// The key and the value of a `key: value` line (without its indentation,
/// or a list entry's `- `).
fn key_and_value(text: &str) -> Option<(&str, &str)> {
    let entry = text.trim_start().trim_start_matches("- ").trim_start();
    let (key, value) = entry.split_once(": ")?;
    Some((key.trim(), value.trim()))
}

fn tab(error: &mut FieldError, lines: &[&str]) -> bool {
    let Some((line, column, text)) = error_line(error, lines) else {
        return false;
    };
    // The tab is at the error, or in the line's indentation.
    let indentation = text.len() - text.trim_start_matches([' ', '\t']).len();
    let at = match text.chars().nth(column - 1) {
        Some('\t') => column,
        _ => match text[..indentation].find('\t') {
            Some(i) => column_of(text, i),
            None => return false,
        },
    };
    error.position = Some((line, at));
    error.message = "a tab is used for indentation".to_string();
    error.hint = Some(
        "YAML only allows spaces for indentation: replace the tab with spaces (as many as the lines around it use)"
            .to_string(),
    );
    true
}

/// A `\` in double quotes that does not make a known escape (`"C:\Users"`).
fn backslash(error: &mut FieldError, lines: &[&str]) -> bool {
    let Some((line, column, text)) = error_line(error, lines) else {
        return false;
    };
    // The parser points at the backslash, or just after it.
    let before: String = text.chars().take(column).collect();
    let Some(slash) = before.rfind('\\') else {
        return false;
    };
    error.position = Some((line, column_of(text, slash)));
    let name = error.field.as_deref().unwrap_or("the value");
    let shown = if error.field.is_some() {
        format!("`{name}`")
    } else {
        name.to_string()
    };
    if text[slash + 1..].starts_with('\'') {
        // `"Derby\'s fair"`: the backslash of other languages, which
        // double quotes do not need (doubling it would show it).
        error.message = format!(
            "{shown} has a backslash before an apostrophe (\\'), which YAML does not accept in double quotes"
        );
        let example = quoted_around(text, slash).map(|(start, end)| {
            let fixed = text[start..end].replace("\\'", "'");
            let before = text[..start].trim_end();
            let key = if before.ends_with(':') && !before.trim_start().starts_with(['{', '"']) {
                key_and_value(text).map(|(key, _)| key.to_string())
            } else {
                None
            };
            match (key, error.field.as_deref()) {
                (Some(key), _) => format!(": {key}: {fixed}"),
                (None, Some(field)) if before.ends_with(':') => format!(": \"{field}\": {fixed}"),
                _ => format!(": {fixed}"),
            }
        });
        error.hint = Some(format!(
            "remove the backslash, as an apostrophe needs none in double quotes{}",
            example.unwrap_or_default()
        ));
        return true;
    }
    error.message = format!(
        "{shown} has a backslash (\\) in double quotes, where it starts an escape such as \\n"
    );
    let example = key_and_value(text).and_then(|(key, value)| {
        let inner = value.strip_prefix('"')?.strip_suffix('"')?;
        let single = format!("'{}'", inner.replace('\'', "''"));
        let doubled = format!("\"{}\"", inner.replace('\\', "\\\\"));
        Some(format!(": {key}: {single}, or {key}: {doubled}"))
    });
    error.hint = Some(format!(
        "put the text in single quotes instead, or write each backslash twice{}",
        example.unwrap_or_default()
    ));
    true
}

/// The double-quoted text around byte `at` of `line`: from its opening
/// quotation mark to just after its closing one.
fn quoted_around(line: &str, at: usize) -> Option<(usize, usize)> {
    let start = line[..at].rfind('"')?;
    let bytes = line.as_bytes();
    let mut i = at;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some((start, i + 1)),
            _ => i += 1,
        }
    }
    None
}

/// A value that starts with a character YAML reserves: `*` (an alias), `&`
/// (an anchor), `|` or `>` (text on the lines below), `@`, `` ` ``, `%`.
fn reserved_start(error: &mut FieldError, lines: &[&str], marks: &[char]) -> bool {
    let Some((line, column, text)) = error_line(error, lines) else {
        return false;
    };
    let Some((key, value)) = key_and_value(text) else {
        return false;
    };
    let Some(mark) = value.chars().next().filter(|c| marks.contains(c)) else {
        return false;
    };
    let value_start =
        text.len() - text.trim_start().len() + text.trim_start().find(value).unwrap_or(0);
    if column_of(text, value_start) > column {
        return false;
    }
    error.position = Some((line, column_of(text, value_start)));
    let shown = match mark {
        '`' => "a backquote (`)".to_string(),
        mark => format!("`{mark}`"),
    };
    let meaning = match mark {
        '*' => "YAML reads as a reference to another value",
        '&' => "YAML reads as a name for the value",
        '|' | '>' => "YAML reads as the start of text written on the lines below",
        _ => "YAML does not allow at the start of text without quotes",
    };
    error.message = format!("`{key}` starts with {shown}, which {meaning}");
    let (quoted, quotes) = quote(value);
    error.hint = Some(format!("put the text in {quotes}: {key}: {quoted}"));
    true
}

/// A colon followed by a space where YAML cannot start a key: in a value
/// (`title: Derby: the plan`, `note: Fixed: a typo` under `changes`), or
/// at a key indented under the line above it (`  date: …` after `title:`).
fn colon(error: &mut FieldError, lines: &[&str]) -> bool {
    let Some((line, column, text)) = error_line(error, lines) else {
        return false;
    };
    let field = error.field.clone().unwrap_or_else(|| "value".to_string());
    let indent = text.len() - text.trim_start().len();
    let first_colon = text
        .find(": ")
        .or_else(|| text.strip_suffix(':').map(|t| t.len()));
    let at_first_colon = first_colon.is_some_and(|i| column_of(text, i) == column);
    let entry = key_and_value(text);
    // Keys that belong under `changes` and `extra` are not mistakes there.
    let nested = matches!(field.as_str(), "changes" | "extra");
    if let Some((key, value)) = entry
        && !at_first_colon
        && let Some(inner) = curly_quoted(value)
    {
        // `title: “Careers: fair”`: the writer did quote it, with marks
        // that YAML does not take for quotation marks.
        let (quoted, quotes) = quote(inner);
        let value_start = text.find(value).unwrap_or(0);
        error.position = Some((line, column_of(text, value_start)));
        error.message = format!(
            "`{key}` is in curly quotation marks ({}), which YAML does not read as quotation marks",
            curly_marks(value)
        );
        error.hint = Some(format!(
            "type straight {quotes} in place of the curly ones: {key}: {quoted}"
        ));
    } else if let Some((key, value)) = entry
        && !at_first_colon
    {
        // A later colon in the line's own value: quote the value.
        let (quoted, quotes) = quote(value);
        error.message = format!("`{key}` contains a colon that YAML cannot read");
        error.hint = Some(format!(
            "put the {key} in {quotes} because it contains a colon: {key}: {quoted}"
        ));
    } else if let Some((key, _)) = entry
        && indent > 0
        && !nested
        && ALL_KEYS.contains(&key)
    {
        error.position = Some((line, indent + 1));
        error.swallowed_key = Some(key.to_string());
        error.message = format!("`{key}` is indented, so YAML reads it as part of the line above");
        error.hint = Some(format!(
            "remove the spaces before `{key}:` so that it starts at the left margin"
        ));
    } else {
        error.message = format!("`{field}` contains a colon that YAML cannot read");
        error.hint = Some(format!(
            "if this line continues the text of `{field}`, put all of that text in double quotes; if it is a key of its own, indent it exactly like the keys above it"
        ));
    }
    true
}

/// A line indented like the entries of a list, without the entries' `- `.
fn not_a_list_entry(error: &mut FieldError, lines: &[&str]) -> bool {
    let Some((line, column, text)) = error_line(error, lines) else {
        return false;
    };
    let owner = error
        .field
        .as_deref()
        .map_or("the list".to_string(), |f| format!("the list `{f}`"));
    error.message =
        format!("this line is indented as part of {owner}, but does not start with `- `");
    let key = key_and_value(text)
        .map(|(key, _)| key)
        .filter(|key| ALL_KEYS.contains(key));
    error.hint = Some(match key {
        Some(key) => format!(
            "`{key}` is a key of its own: remove the spaces before it, so it starts at the left margin: {}",
            text.trim()
        ),
        None => format!(
            "start each entry of the list with `- `, e.g. - {}; a key of its own starts at the left margin, without spaces",
            text.trim()
        ),
    });
    error.position = Some((line, column));
    true
}

/// `title: "Careers" fair`: the closing quotation mark ends the text.
fn text_after_closing_quote(error: &mut FieldError, lines: &[&str]) -> bool {
    let Some((_, column, text)) = error_line(error, lines) else {
        return false;
    };
    let Some((key, value)) = key_and_value(text) else {
        return false;
    };
    let Some(q) = value.chars().next().filter(|c| matches!(c, '"' | '\'')) else {
        return false;
    };
    let value_start =
        text.len() - text.trim_start().len() + text.trim_start().find(value).unwrap_or(0);
    if column_of(text, value_start) >= column {
        return false;
    }
    let whole: String = value.chars().filter(|c| *c != q).collect();
    let (quoted, quotes) = quote(whole.trim());
    error.message = format!("`{key}` has more text after its closing quotation mark");
    error.hint = Some(format!(
        "a quotation mark ends the text: put all of it inside one pair of {quotes}, e.g. {key}: {quoted}"
    ));
    true
}

/// The text inside curly quotation marks (“Careers fair”, ‘Careers fair’),
/// which a word processor or a web page may have typed for straight ones.
/// Not when the text has more such marks inside (`“Yes,” said Amy, “now.”`):
/// then it starts and ends with quotations of its own.
pub fn curly_quoted(value: &str) -> Option<&str> {
    let opening = value.chars().next()?;
    let inner = value.strip_prefix(['“', '‘', '„', '«'])?;
    let inner = inner.strip_suffix(['”', '’', '“', '»'])?;
    // An apostrophe (’) inside single marks is not a quotation mark.
    let more = match opening {
        '‘' => inner.contains('‘'),
        _ => inner.contains(['“', '”', '„', '«', '»']),
    };
    (!more).then_some(inner)
}

/// The curly quotation marks around a value, for a message: "“ ”".
pub fn curly_marks(value: &str) -> String {
    let first = value.chars().next().unwrap_or('“');
    let last = value.chars().next_back().unwrap_or('”');
    format!("{first} {last}")
}

/// A line whose indentation fits none of the lines above it.
fn misindented(error: &mut FieldError, lines: &[&str]) -> bool {
    let Some((line, _, text)) = error_line(error, lines) else {
        return false;
    };
    let indent = text.len() - text.trim_start_matches(' ').len();
    let Some((above, above_text)) = lines[..line - 1]
        .iter()
        .enumerate()
        .rev()
        .find(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
    else {
        return false;
    };
    let above_indent = above_text.len() - above_text.trim_start_matches(' ').len();
    if indent == 0 {
        return false;
    }
    error.position = Some((line, indent + 1));
    let key = key_and_value(text)
        .map(|(key, _)| key)
        .filter(|key| ALL_KEYS.contains(key));
    match key {
        Some(key) => {
            error.swallowed_key = Some(key.to_string());
            error.message =
                format!("`{key}` is indented, so YAML cannot read it as a key of its own");
            error.hint = Some(format!(
                "remove the spaces before `{key}:` so that it starts at the left margin"
            ));
        }
        None => {
            error.message = "this line is indented differently from the lines above it".to_string();
            error.hint = Some(format!(
                "YAML reads what belongs together from the indentation: indent this line by {above_indent} spaces, like line {}",
                above + 2
            ));
        }
    }
    true
}

/// A line with no `key:` where YAML expects one (found at the next key).
fn no_colon(error: &mut FieldError, lines: &[&str], line: usize, column: usize) -> bool {
    let Some(text) = lines.get(line.wrapping_sub(1)) else {
        return false;
    };
    error.position = Some((line, column));
    let shown: String = text.trim().chars().take(40).collect();
    let indent = text.len() - text.trim_start().len();
    let in_list = lines[..line - 1]
        .iter()
        .rev()
        .find(|l| !l.trim().is_empty())
        .is_some_and(|above| {
            above.trim_start().starts_with("- ") && above.len() - above.trim_start().len() == indent
        });
    error.message = "this line has no key: is it the rest of the line above?".to_string();
    error.hint = Some(if in_list {
        format!(
            "if it is another entry of the list above, start it with `- `: - {shown}; if it continues the line above, join it to that line"
        )
    } else {
        format!(
            "if \"{shown}\" continues the line above, join it to that line; otherwise write it as `key: value`"
        )
    });
    true
}

/// `areas: - derby`: a list entry on the key's own line.
fn list_on_key_line(error: &mut FieldError, lines: &[&str]) -> bool {
    let Some((_, _, text)) = error_line(error, lines) else {
        return false;
    };
    let Some((key, value)) = key_and_value(text) else {
        return false;
    };
    let Some(item) = value.strip_prefix('-') else {
        return false;
    };
    let item = item.trim();
    error.message = format!("a list entry (`- `) cannot start on the same line as `{key}:`");
    let list = ["areas", "priorities", "aliases", "partners"].contains(&key);
    error.hint = Some(if list {
        format!("put the list in square brackets: {key}: [{item}]")
    } else {
        let (quoted, quotes) = quote(value);
        format!("if it is text, put it in {quotes}: {key}: {quoted}")
    });
    true
}

/// `areas: ["derby" oldham]`: entries of a `[…]` list or `{…}` map not
/// separated by commas.
fn flow_entries(error: &mut FieldError, list: bool) -> bool {
    let (what, example) = if list {
        ("list", "areas: [derby, oldham]")
    } else {
        ("map", "extra: {colour: blue, size: large}")
    };
    let owner = error
        .field
        .as_deref()
        .map_or(format!("this {what}"), |f| format!("the {what} of `{f}`"));
    error.message = format!("{owner} has an entry that is not followed by a comma");
    error.hint = Some(format!(
        "separate the entries with commas, and put an entry that has quotation marks inside in single quotes, e.g. {example}"
    ));
    true
}

#[cfg(test)]
mod tests {
    use super::super::fields::parse;
    use super::super::frontmatter::scan;

    // Regression: `"\# not special"` (an unknown escape where the parser
    // points at the backslash) got the generic help.
    #[test]
    fn an_unknown_escape_is_explained_where_the_parser_points() {
        let (message, _, position) = first_error("title: \"\\# not special\"\n");
        assert!(message.contains("backslash"), "{message}");
        assert_eq!(position, (1, 9));
    }

    // Regression: a summary quoting two people (“Yes,” said Amy, “now.”)
    // was warned as wrapped in curly marks, with a fix that mangled it.
    #[test]
    fn only_text_wrapped_in_one_pair_of_curly_marks_counts() {
        assert_eq!(super::curly_quoted("“Careers fair”"), Some("Careers fair"));
        assert_eq!(super::curly_quoted("‘Pupils’ fair’"), Some("Pupils’ fair"));
        for quotations in [
            "“It changed my life,” says Amy, “now I want to be an engineer.”",
            "“Brilliant” and “fun”",
            "‘Yes’ and ‘no’",
            "Careers fair",
        ] {
            assert_eq!(super::curly_quoted(quotations), None, "{quotations}");
        }
    }

    // Regression: JSON written by tools (Python's json.dumps, PHP) gives a
    // character beyond U+FFFF as two escapes, a surrogate pair, which YAML
    // refused ("found invalid Unicode character escape code").
    #[test]
    fn surrogate_pairs_are_read_as_the_one_character() {
        let yaml = "{\"title\": \"Emoji \\ud83d\\uDE00 and \\ud83c\\udf89\", \"summary\": 'a \\ud83d\\ude00'}\n";
        let (keys, problems) = scan(yaml, 0);
        assert!(problems.is_empty(), "{problems:?}");
        let (front_matter, errors) = parse(yaml, &keys, Default::default());
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(front_matter.title.as_deref(), Some("Emoji 😀 and 🎉"));
        // Single quotes have no escapes: left as written.
        assert_eq!(front_matter.summary.as_deref(), Some("a \\ud83d\\ude00"));
        // Columns after a pair stay as written.
        let (message, _, position) = first_error("title: \"\\ud83d\\ude00\" x\n");
        assert!(message.contains("after"), "{message}");
        assert_eq!(position.0, 1);
        let (_, _, position) =
            first_error("{\"title\": \"\\ud83d\\ude00\", \"summary\": \"\\q\"}\n");
        assert_eq!(position, (1, 39));
    }

    #[test]
    fn a_lone_surrogate_says_to_write_the_character() {
        let (message, hint, position) = first_error("title: \"Emoji \\ud83d!\"\n");
        assert_eq!(
            message,
            "`title` has `\\ud83d`, half of a character's code without the other half"
        );
        assert!(hint.contains("write the character itself"), "{hint}");
        assert_eq!(position, (1, 15));
    }

    // Regression: `"Derby\'s fair"` was told to write `'Derby\''s fair'`
    // or `"Derby\\'s fair"`, both of which show the backslash.
    #[test]
    fn a_backslash_before_an_apostrophe_is_to_be_removed() {
        let (message, hint, position) = first_error("title: \"Derby\\'s fair\"\n");
        assert_eq!(
            message,
            "`title` has a backslash before an apostrophe (\\'), which YAML does not accept in double quotes"
        );
        assert_eq!(
            hint,
            "remove the backslash, as an apostrophe needs none in double quotes: title: \"Derby's fair\""
        );
        assert_eq!(position, (1, 14));
        let (_, hint, position) =
            first_error("{\"title\": \"Derby\\'s fair\", \"date\": \"2018-03-01\"}\n");
        assert_eq!(
            hint,
            "remove the backslash, as an apostrophe needs none in double quotes: \"title\": \"Derby's fair\""
        );
        assert_eq!(position, (1, 17));
    }

    // Regression: an alias to an anchor not defined (a typo, an alias
    // above its anchor, text starting with `*`) was "the front matter is
    // not valid YAML: unknown anchor" with a help about colons.
    #[test]
    fn an_alias_without_its_anchor_is_named() {
        let (message, hint, position) =
            first_error("extra:\n  contact: &contact a@b.c\n  again: *contcat\n");
        assert_eq!(
            message,
            "`*contcat` repeats a value marked `&contcat`, but no `&contcat` above defines it"
        );
        assert_eq!(
            hint,
            "if you meant the value marked `&contact`, write *contact; text that starts with `*` must be in quotation marks: \"*contcat\""
        );
        assert_eq!(position, (3, 10));
        let (_, hint, position) = first_error("title: T\npriorities: [*ey, b]\n");
        assert_eq!(
            hint,
            "text that starts with `*` must be in quotation marks: \"*ey\""
        );
        assert_eq!(position, (2, 14));
        let (_, hint, _) = first_error("extra:\n  b: *ey\n  a: &ey 1\n");
        assert!(
            hint.starts_with(
                "`&ey` is on line 4, below it: a value can only be repeated after it is marked"
            ),
            "{hint}"
        );
    }

    /// The message, hint and (line, column) of the first error of `yaml`.
    fn first_error(yaml: &str) -> (String, String, (usize, usize)) {
        let (keys, problems) = scan(yaml, 0);
        assert!(problems.is_empty(), "{problems:?}");
        let (_, errors) = parse(yaml, &keys, Default::default());
        let error = errors.into_iter().next().expect("an error");
        (
            error.message,
            error.hint.unwrap_or_default(),
            error.position.unwrap_or_default(),
        )
    }

    // Regression: the parser's own words reached writers, with a second,
    // conflicting line number ("did not find expected '-' indicator at
    // line 7 column 3, while parsing a block collection").
    #[test]
    fn common_syntax_errors_in_plain_words() {
        for (yaml, message, hint, position) in [
            (
                "priorities:\n  - early-years\n  organisation: \"DfE\"\n",
                "this line is indented as part of the list `priorities`, but does not start with `- `",
                "remove the spaces before it, so it starts at the left margin: organisation: \"DfE\"",
                (3, 3),
            ),
            (
                "summary: \"C:\\Users\\docs\"\n",
                "`summary` has a backslash (\\) in double quotes, where it starts an escape such as \\n",
                "summary: 'C:\\Users\\docs', or summary: \"C:\\\\Users\\\\docs\"",
                (1, 13),
            ),
            (
                "summary: |\n  Pupils met\n\temployers.\n",
                "a tab is used for indentation",
                "replace the tab with spaces",
                (3, 1),
            ),
            (
                "title: * star\n",
                "`title` starts with `*`, which YAML reads as a reference to another value",
                "put the text in double quotes: title: \"* star\"",
                (1, 8),
            ),
            (
                "title: | pipe\n",
                "`title` starts with `|`, which YAML reads as the start of text written on the lines below",
                "title: \"| pipe\"",
                (1, 8),
            ),
            (
                "summary: >\n  Pupils met\n employers.\n",
                "this line is indented differently from the lines above it",
                "indent this line by 2 spaces, like line 3",
                (3, 2),
            ),
            (
                "title: \"Careers\" fair\n",
                "`title` has more text after its closing quotation mark",
                "title: \"Careers fair\"",
                (1, 18),
            ),
            (
                "extra:\n  a: 1\n  more text\ntitle: x\n",
                "this line has no key: is it the rest of the line above?",
                "otherwise write it as `key: value`",
                (3, 3),
            ),
            (
                "changes:\n  - date: 2018-04-01\n    note: Fixed: a typo\n",
                "`note` contains a colon that YAML cannot read",
                "note: \"Fixed: a typo\"",
                (3, 16),
            ),
            (
                "title: “Careers: fair”\n",
                "`title` is in curly quotation marks (“ ”), which YAML does not read as quotation marks",
                "type straight double quotes in place of the curly ones: title: \"Careers: fair\"",
                (1, 8),
            ),
            (
                "title: x\n  date: 2018-01-01\n",
                "`date` is indented, so YAML reads it as part of the line above",
                "remove the spaces before `date:`",
                (2, 3),
            ),
            (
                "areas: - derby\n",
                "a list entry (`- `) cannot start on the same line as `areas:`",
                "areas: [derby]",
                (1, 8),
            ),
            (
                "areas: [\"derby\" oldham]\n",
                "the list of `areas` has an entry that is not followed by a comma",
                "separate the entries with commas",
                (1, 17),
            ),
        ] {
            let (got_message, got_hint, got_position) = first_error(yaml);
            assert_eq!(got_message, message, "{yaml}");
            assert!(got_hint.contains(hint), "{yaml}: {got_hint}");
            assert_eq!(got_position, position, "{yaml}");
        }
    }

    #[test]
    fn other_syntax_errors_lose_the_parsers_line_numbers() {
        let (message, _, position) = first_error("areas: [,]\n");
        assert_eq!(
            message,
            "the front matter is not valid YAML: did not find expected node content"
        );
        assert_eq!(position, (1, 9));
    }
}
