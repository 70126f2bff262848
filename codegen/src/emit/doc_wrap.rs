//! Wrapping the generated doc comments at the project's line width, as rustfmt's
//! `wrap_comments` would: a `///` or `//!` line longer than [`WIDTH`] characters is broken at
//! spaces, and a list item's continuation lines are indented under its text. What Markdown
//! would read differently once broken is left as it is: tables, headings, code blocks, and a
//! word longer than the line.

/// The line width of the project's rustfmt configuration (`max_width`).
pub(crate) const WIDTH: usize = 110;

/// `text` (a formatted Rust file) with its long doc comment lines wrapped.
pub(crate) fn wrap_doc_lines(text: String) -> String {
    if !lines(&text).any(too_wide) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + text.len() / 32);
    // Inside a fenced code block of a doc comment: nothing is wrapped there.
    let mut in_code = false;
    for line in split_lines_inclusive(&text) {
        let body = line.strip_suffix('\n').unwrap_or(line);
        let Some((prefix, content)) = doc_parts(body) else {
            in_code = false;
            out.push_str(line);
            continue;
        };
        if content.trim_start().starts_with("```") {
            in_code = !in_code;
        }
        if in_code || !too_wide(body) || !wrappable(content) {
            out.push_str(line);
            continue;
        }
        wrap_line(prefix, content, &mut out);
    }
    out
}

/// A doc comment line split after its marker and the space that follows it: `("    /// ",
/// "text")`; `None` for any other line.
fn doc_parts(line: &str) -> Option<(&str, &str)> {
    let trimmed = trim_indent(line);
    // An empty doc line (a blank line of a code block, too) has no space after its marker.
    if trimmed == "///" || trimmed == "//!" {
        return Some((line, ""));
    }
    let marker = ["/// ", "//! "].into_iter().find(|marker| trimmed.starts_with(marker))?;
    let at = line.len() - trimmed.len() + marker.len();
    Some((&line[..at], &line[at..]))
}

/// `text.lines()`: the lines without their `\n` (or `\r\n`), the line ends found by `memchr`,
/// whose search costs less than `str::lines`' on the short lines of code.
pub(crate) fn lines(text: &str) -> impl Iterator<Item = &str> {
    split_lines_inclusive(text).map(|line| match line.strip_suffix('\n') {
        Some(line) => line.strip_suffix('\r').unwrap_or(line),
        None => line,
    })
}

/// `text.split_inclusive('\n')`, the line ends found by `memchr`.
pub(crate) fn split_lines_inclusive(text: &str) -> impl Iterator<Item = &str> {
    let mut start = 0;
    let mut ends = memchr::memchr_iter(b'\n', text.as_bytes());
    std::iter::from_fn(move || {
        if start >= text.len() {
            return None;
        }
        let end = ends.next().map_or(text.len(), |at| at + 1);
        let line = &text[start..end];
        start = end;
        Some(line)
    })
}

/// `line.trim_start()`, the common case first: generated lines are indented with spaces,
/// which a byte loop skips faster than `trim_start` decodes characters.
pub(crate) fn trim_indent(line: &str) -> &str {
    let spaces = line.bytes().take_while(|&b| b == b' ').count();
    let rest = &line[spaces..];
    match rest.as_bytes().first() {
        Some(b) if !b.is_ascii_graphic() => rest.trim_start(),
        _ => rest,
    }
}

/// Whether Markdown reads the line the same once broken: not a table row, a heading or an
/// indented code line.
fn wrappable(content: &str) -> bool {
    !(content.starts_with('|') || content.starts_with('#') || content.starts_with("    "))
}

/// Writes `prefix content` as lines of at most [`WIDTH`] characters, broken at spaces; the
/// lines after the first keep the first's indentation (a list item's continuation), and a
/// list item's are indented under its text.
fn wrap_line(prefix: &str, content: &str, out: &mut String) {
    let text = content.trim_start();
    let lead = &content[..content.len() - text.len()];
    let hanging = format!("{lead}{}", " ".repeat(list_indent(text)));
    let mut line = format!("{prefix}{lead}");
    let mut used = width(&line);
    let mut empty = true;
    for word in text.split(' ').filter(|word| !word.is_empty()) {
        let word_width = width(word);
        if !empty && used + 1 + word_width > WIDTH {
            out.push_str(&line);
            out.push('\n');
            line.clear();
            line.push_str(prefix);
            line.push_str(&hanging);
            used = width(&line);
            empty = true;
        }
        if !empty {
            line.push(' ');
            used += 1;
        }
        line.push_str(word);
        used += word_width;
        empty = false;
    }
    out.push_str(&line);
    out.push('\n');
}

/// Whether `line` runs past [`WIDTH`]. A character takes at most two columns and a wide one
/// three bytes, so a line of no more bytes than that is never counted.
fn too_wide(line: &str) -> bool {
    line.len() > WIDTH && width(line) > WIDTH
}

/// The columns `text` takes in a terminal or an editor, as rustfmt counts them: two for each
/// East Asian wide or full-width character (汉字, full-width punctuation), one for the rest.
fn width(text: &str) -> usize {
    // ASCII, as most lines are: a column per byte, without decoding characters.
    if text.is_ascii() {
        return text.len();
    }
    text.chars().map(|c| if wide(c) { 2 } else { 1 }).sum()
}

/// Whether `c` is East Asian wide or full-width (the ranges of Unicode's `EastAsianWidth`
/// W and F that text in these docs uses).
fn wide(c: char) -> bool {
    matches!(
        u32::from(c),
        0x1100..=0x115F
            | 0x2E80..=0x303E
            | 0x3041..=0x33FF
            | 0x3400..=0x4DBF
            | 0x4E00..=0x9FFF
            | 0xA000..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6
            | 0x20000..=0x3FFFD
    )
}

/// How far a list item's text is indented from its marker (`- `, `* `, `1. `), 0 for a line
/// that is not one.
fn list_indent(content: &str) -> usize {
    let marker = content.split(' ').next().unwrap_or_default();
    let bullet = matches!(marker, "-" | "*" | "+");
    let numbered = marker
        .strip_suffix('.')
        .is_some_and(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()));
    if (bullet || numbered) && content.len() > marker.len() { marker.len() + 1 } else { 0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_split_as_the_standard_library_splits_them() {
        for text in ["", "\n", "a", "a\n", "a\r\nb", "a\r", "a\n\nb\n", "\r\n\r\n", "x\ry\n中文\n", "\n\na"]
        {
            assert_eq!(lines(text).collect::<Vec<_>>(), text.lines().collect::<Vec<_>>(), "{text:?}");
            let inclusive: Vec<&str> = split_lines_inclusive(text).collect();
            assert_eq!(inclusive, text.split_inclusive('\n').collect::<Vec<_>>(), "{text:?}");
        }
    }

    #[test]
    fn the_indent_is_trimmed_as_trim_start_trims_it() {
        let lines = [
            "",
            "    ",
            "x",
            "    fn f() {",
            "  \t  /// tab",
            "\u{b}  vertical tab",
            "  \u{a0}no-break space",
            "\u{85}next line",
            "    \u{3000}ideographic space",
            "    中文",
            "   \r\n",
        ];
        for line in lines {
            assert_eq!(trim_indent(line), line.trim_start(), "{line:?}");
        }
    }

    fn long(words: usize) -> String {
        (0..words).map(|i| format!("word{i}")).collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn a_long_doc_line_is_broken_at_spaces_within_the_width() {
        let text = format!("    /// {}\nfn f() {{}}\n", long(40));
        let wrapped = wrap_doc_lines(text.clone());
        let lines: Vec<&str> = wrapped.lines().collect();
        assert!(lines.len() > 3, "{wrapped}");
        for line in &lines[..lines.len() - 1] {
            assert!(line.starts_with("    /// "), "{line:?}");
            assert!(line.chars().count() <= WIDTH, "{line:?}");
        }
        // The words are all there, in order.
        let words: Vec<&str> =
            lines.iter().filter_map(|l| l.strip_prefix("    /// ")).flat_map(|l| l.split(' ')).collect();
        assert_eq!(words.join(" "), long(40));
    }

    #[test]
    fn list_items_continue_under_their_text() {
        let wrapped = wrap_doc_lines(format!("/// - {}\n/// 12. {}\n", long(30), long(30)));
        let lines: Vec<&str> = wrapped.lines().collect();
        assert!(lines[1].starts_with("///   word"), "{wrapped}");
        let numbered = lines.iter().position(|l| l.starts_with("/// 12. ")).unwrap();
        assert!(lines[numbered + 1].starts_with("///     word"), "{wrapped}");
        // A continuation line of an item keeps its indentation.
        let wrapped = wrap_doc_lines(format!("/// - item\n///   {}\n", long(30)));
        assert!(wrapped.lines().skip(1).all(|l| l.starts_with("///   word")), "{wrapped}");
    }

    #[test]
    fn tables_headings_code_and_short_lines_are_kept() {
        let table = format!("/// | {} |\n", long(30));
        let heading = format!("//! # {}\n", long(30));
        let code = format!("/// ```json\n/// {}\n/// ```\n", long(30));
        // A blank line inside a code block does not end it.
        let spaced =
            format!("    /// ```no_run\n    /// use x;\n    ///\n    /// {}\n    /// ```\n", long(30));
        let indented = format!("///     {}\n", long(30));
        let plain = format!("let s = \"{}\";\n", long(30));
        let short = "/// Short.\n".to_owned();
        for text in [table, heading, code, spaced, indented, plain, short] {
            assert_eq!(wrap_doc_lines(text.clone()), text);
        }
    }

    #[test]
    fn a_word_longer_than_the_line_stays_whole() {
        let url = format!("https://example.com/{}", "x".repeat(120));
        let wrapped = wrap_doc_lines(format!("/// See {url} now.\n"));
        assert_eq!(wrapped, format!("/// See\n/// {url}\n/// now.\n"));
    }

    #[test]
    fn width_counts_columns_not_bytes() {
        assert_eq!(width("a卡（"), 5);
        assert_eq!(width("é"), 1);
        // 27 wide words of 2 characters, 3 columns each with the space: over the width.
        let text = format!("/// {}\n", vec!["卡券"; 27].join(" "));
        let wrapped = wrap_doc_lines(text);
        assert_eq!(wrapped.lines().count(), 2, "{wrapped}");
        assert!(wrapped.lines().all(|line| width(line) <= WIDTH), "{wrapped}");
    }
}
