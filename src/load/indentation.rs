//! Which nested lines of the front matter line up with which.
//!
//! In: the lines under a top-level key, one at a time (those in block
//! context: not inside quotes or `[…]`, not after a tab). Out: each key
//! whose indentation fits none of the keys above it, with the key it
//! should line up under. YAML reads a `note` indented one space too far
//! under `- date: …` as more of the date, and one too few as no part of the
//! entry at all; its own messages ("must be a date without a time", "has no
//! `note`") then name the wrong line and the wrong fix.

use std::ops::Range;

use super::frontmatter::{explicit_key, is_value_indicator, top_level_key};

/// A key that does not line up, and the key above it that it should.
#[derive(Debug, PartialEq, Eq)]
pub struct Misaligned {
    /// The key, as a byte range in its line.
    pub key: Range<usize>,
    pub name: String,
    /// The key to line up under, and its 0-based line in the block.
    pub under: String,
    pub under_line: usize,
    /// How many spaces start the line when it lines up.
    pub spaces: usize,
    /// Whether the key is indented further than `under`, whose value it
    /// then reads as more of.
    pub deeper: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Collection {
    Map,
    List,
}

/// Where a misaligned key should be: the key to line up under, its
/// 0-based line, its column, and whether the key is deeper than it.
#[derive(Clone)]
struct Target {
    under: String,
    under_line: usize,
    spaces: usize,
    deeper: bool,
}

/// A map or a list still open at a column.
struct Level {
    column: usize,
    collection: Collection,
    /// For a map, its latest key and that key's line.
    key: Option<(String, usize)>,
    /// For a map started by a misaligned key, where that key should have
    /// been: the keys that line up with it are just as misaligned.
    misaligned: Option<Target>,
}

/// The key line just read, when the next line may be compared with it.
struct Above {
    name: String,
    column: usize,
    line_index: usize,
    /// Whether its value is still to come on the lines below (`extra:`).
    opens: bool,
}

/// The nesting of one top-level key's lines, as YAML reads it.
#[derive(Default)]
pub struct Indentation {
    open: Vec<Level>,
    above: Option<Above>,
}

/// A line split into its indentation, its `: ` or `- ` and its key.
struct Parsed<'a> {
    indent: usize,
    /// Whether the line starts with `: `, the value of an explicit key.
    explicit_value: bool,
    dash: Option<usize>,
    /// The key and its byte range in the line.
    key: Option<(String, Range<usize>)>,
    /// Where the key starts, with its quotation mark if it has one.
    key_column: usize,
    value: &'a str,
}

fn parse(line: &str) -> Option<Parsed<'_>> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    let mut rest = &line[indent..];
    if rest.starts_with('\t') {
        return None;
    }
    if let Some((name, range)) = explicit_key(rest) {
        // `? key`: YAML's explicit key, at the column of its `?`, with its
        // value on a `: ` line.
        return Some(Parsed {
            indent,
            explicit_value: false,
            dash: None,
            key: Some((name, range.start + indent..range.end + indent)),
            key_column: indent,
            value: "",
        });
    }
    let mut column = indent;
    // `: value`: the explicit key's value, which may start a map or a
    // list after the `: `, as after a `- `.
    let explicit_value = is_value_indicator(rest);
    if explicit_value {
        let after = &rest[1..];
        let spaces = after.len() - after.trim_start_matches(' ').len();
        column += 1 + spaces;
        rest = &after[spaces..];
    }
    let mut dash = None;
    if rest == "-" || rest.starts_with("- ") {
        dash = Some(column);
        let after = &rest[1..];
        let spaces = after.len() - after.trim_start_matches(' ').len();
        column += 1 + spaces;
        rest = &after[spaces..];
        if rest == "-" || rest.starts_with("- ") {
            // `- - x`: lists in lists, which front matter has no use for.
            return None;
        }
    }
    let key = top_level_key(rest);
    let value = match &key {
        Some((_, range)) => {
            let colon = range.end + rest[range.end..].find(':').unwrap_or(0);
            &rest[(colon + 1).min(rest.len())..]
        }
        None => rest,
    };
    Some(Parsed {
        indent,
        explicit_value,
        dash,
        key: key.map(|(name, range)| (name, range.start + column..range.end + column)),
        key_column: column,
        value,
    })
}

/// Whether a value written after `key:` leaves the value to the lines below:
/// nothing (or a comment), or an anchor or tag alone.
fn opens(value: &str) -> bool {
    let value = value.trim();
    let value = if value.starts_with('#') {
        ""
    } else {
        value.split(" #").next().unwrap_or(value).trim()
    };
    value.is_empty() || value.starts_with(['&', '!'])
}

impl Indentation {
    /// Opens the map a key (`name`, at `key_column`) starts at `column`,
    /// and makes the key the one the next line is compared with.
    fn open_map(
        &mut self,
        column: usize,
        name: String,
        key_column: usize,
        line_index: usize,
        value: &str,
    ) {
        self.open.push(Level {
            column,
            collection: Collection::Map,
            key: Some((name.clone(), line_index)),
            misaligned: None,
        });
        self.above = Some(Above {
            name,
            column: key_column,
            line_index,
            opens: opens(value),
        });
    }

    /// A line that cannot be compared (in quotes, in a `[…]` list, after a
    /// tab): the next line is not compared with it.
    pub fn skip(&mut self) {
        self.above = None;
    }

    /// Reads one line in block context; a key that lines up with nothing
    /// above it is returned (and so is each key that lines up with it).
    pub fn line(&mut self, line: &str, line_index: usize) -> Option<Misaligned> {
        let above = self.above.take();
        let parsed = parse(line)?;
        if parsed.indent == 0 && parsed.dash.is_none() && !parsed.explicit_value {
            // A top-level key (or a line the scanner reports itself).
            self.open.clear();
            if let Some((name, _)) = parsed.key {
                self.open_map(0, name, parsed.key_column, line_index, parsed.value);
            }
            return None;
        }
        if let Some(dash) = parsed.dash {
            while self.open.last().is_some_and(|level| level.column > dash) {
                self.open.pop();
            }
            let sibling = self
                .open
                .last()
                .is_some_and(|level| level.column == dash && level.collection == Collection::List);
            if !sibling {
                self.open.push(Level {
                    column: dash,
                    collection: Collection::List,
                    key: None,
                    misaligned: None,
                });
            }
            if let Some((name, _)) = parsed.key {
                let column = parsed.key_column;
                self.open_map(column, name, column, line_index, parsed.value);
            }
            return None;
        }
        if parsed.explicit_value {
            // After the `: ` of `? key`: the map of the key's value, if any.
            while self
                .open
                .last()
                .is_some_and(|level| level.column > parsed.indent)
            {
                self.open.pop();
            }
            if let Some((name, _)) = parsed.key {
                let column = parsed.key_column;
                self.open_map(column, name, column, line_index, parsed.value);
            }
            return None;
        }
        // A key on a line of its own (text continuing a value is left to YAML).
        let (name, range) = parsed.key?;
        let column = parsed.key_column;
        // The nearest map that the line has left, when it is less indented.
        let mut left: Option<(String, usize, usize)> = None;
        while let Some(level) = self.open.last() {
            let closes = level.column > column
                || (level.column == column && level.collection == Collection::List);
            if !closes {
                break;
            }
            if let Some((key, key_line)) = &level.key {
                left = Some((key.clone(), *key_line, level.column));
            }
            self.open.pop();
        }
        let aligned = self
            .open
            .last_mut()
            .filter(|level| level.column == column)
            .map(|level| {
                level.key = Some((name.clone(), line_index));
                level.misaligned.clone()
            });
        self.above = Some(Above {
            name: name.clone(),
            column,
            line_index,
            opens: opens(parsed.value),
        });
        let target = match aligned {
            // In line with a key above: misaligned only if that key is.
            Some(target) => target,
            None => {
                let target = match (left, above) {
                    (Some((under, under_line, spaces)), _) => Some(Target {
                        under,
                        under_line,
                        spaces,
                        deeper: false,
                    }),
                    // Deeper than a key whose value is on its own line.
                    (None, Some(above)) if !above.opens && column > above.column => Some(Target {
                        under: above.name,
                        under_line: above.line_index,
                        spaces: above.column,
                        deeper: true,
                    }),
                    _ => None,
                }
                // A key at the margin is the scanner's and YAML's to report.
                .filter(|target| target.spaces > 0);
                self.open.push(Level {
                    column,
                    collection: Collection::Map,
                    key: Some((name.clone(), line_index)),
                    misaligned: target.clone(),
                });
                target
            }
        };
        let Target {
            under,
            under_line,
            spaces,
            deeper,
        } = target?;
        Some(Misaligned {
            key: range,
            name,
            under,
            under_line,
            spaces,
            deeper,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (key, key to line up under, spaces, deeper) for each misaligned key.
    fn misaligned(yaml: &str) -> Vec<(String, String, usize, bool)> {
        let mut indentation = Indentation::default();
        yaml.lines()
            .enumerate()
            .filter(|(_, line)| !line.trim().is_empty())
            .filter_map(|(i, line)| indentation.line(line, i))
            .map(|m| (m.name, m.under, m.spaces, m.deeper))
            .collect()
    }

    fn one(
        name: &str,
        under: &str,
        spaces: usize,
        deeper: bool,
    ) -> Vec<(String, String, usize, bool)> {
        vec![(name.to_string(), under.to_string(), spaces, deeper)]
    }

    #[test]
    fn a_change_note_must_line_up_under_its_date() {
        let change = |spaces: usize| {
            format!(
                "changes:\n  - date: 2018-04-01\n{}note: \"Fixed a typo\"\n",
                " ".repeat(spaces)
            )
        };
        assert_eq!(misaligned(&change(5)), one("note", "date", 4, true));
        assert_eq!(misaligned(&change(3)), one("note", "date", 4, false));
        assert_eq!(misaligned(&change(2)), one("note", "date", 4, false));
        assert!(misaligned(&change(4)).is_empty());
    }

    #[test]
    fn a_key_of_extra_must_line_up_with_its_siblings() {
        assert_eq!(
            misaligned("extra:\n  a: 1\n   b: 2\n"),
            one("b", "a", 2, true)
        );
    }

    #[test]
    fn what_yaml_reads_is_left_alone() {
        for yaml in [
            "changes:\n  - date: 2018-04-01\n    note: x\n  - date: 2018-05-01\n    note: y\n",
            "changes:\n- date: 2018-04-01\n  note: x\n",
            "extra:\n  people:\n  - name: a\n    role: b\n  other: 1\n",
            "extra:\n  a:\n    b: 1\n  c: 2\n",
            "extra:\n  a: # later\n    b: 1\n",
            "extra:\n  a: &x\n    b: 1\n",
            "extra:\n  \"k\": 1\n  k: 2\n",
            "summary: a\n  b\n",
            // At the margin, YAML's own message is explained elsewhere.
            "title: x\n  date: 2018-01-01\n",
            "priorities:\n  - early-years\n  organisation: x\n",
        ] {
            assert_eq!(misaligned(yaml), [], "{yaml}");
        }
    }

    // Regression: only the first misaligned key under a top-level key was
    // reported, so a writer fixed one line and was stopped at the next.
    #[test]
    fn every_misaligned_key_is_reported_once() {
        let yaml =
            "changes:\n  - date: 2018-04-01\n     note: x\n  - date: 2018-05-01\n   note: y\n";
        assert_eq!(
            misaligned(yaml),
            [
                ("note".to_string(), "date".to_string(), 4, true),
                ("note".to_string(), "date".to_string(), 4, false),
            ]
        );
        // Keys in line with a misaligned key are as misaligned, and told
        // where the first of them should be; a key back in line is not.
        let yaml = "extra:\n  a: 1\n   b: 2\n   c: 3\n  d: 4\n";
        assert_eq!(
            misaligned(yaml),
            [
                ("b".to_string(), "a".to_string(), 2, true),
                ("c".to_string(), "a".to_string(), 2, true),
            ]
        );
        let yaml = "extra:\n    a: 1\n  b: 2\n  c: 3\ntitle: x\n  date: 2018-01-01\n";
        assert_eq!(
            misaligned(yaml),
            [
                ("b".to_string(), "a".to_string(), 4, false),
                ("c".to_string(), "a".to_string(), 4, false),
            ]
        );
    }

    #[test]
    fn valid_nesting_has_no_misaligned_key() {
        for yaml in [
            // Lists of maps, nested lists of maps.
            "extra:\n  people:\n    - name: a\n      roles:\n        - title: b\n          since: 2017\n      team: c\n    - name: d\n  other: 1\n",
            "changes:\n  - date: 2018-04-01\n    note: x\n  -   date: 2018-05-01\n      note: y\n",
            // A map whose first key is deeper than its siblings' parent needs.
            "extra:\n      a: 1\n      b:\n          c: 2\n      d: 3\n",
            // A key after a nested map closes it.
            "extra:\n  a:\n    b:\n      c: 1\n  d: 2\n",
            // Explicit keys (`? key`, then `: value`), and maps in their values.
            "extra:\n  ? a\n  : 1\n  b: 2\n",
            "extra:\n  ? \"a\"\n  :\n    x: 1\n    y: 2\n  b: 2\n",
            "? extra\n: a: 1\n  b: 2\n",
            "? changes\n:\n  - date: 2018-04-01\n    note: x\n",
            "changes:\n  - ? date\n    : 2018-04-01\n    note: x\n",
        ] {
            assert_eq!(misaligned(yaml), [], "{yaml}");
        }
    }
}
