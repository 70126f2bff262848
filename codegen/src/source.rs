//! Spec files as text, and positions inside them.

use std::fmt;

/// One spec file: its path relative to the workspace root (with `/` separators) and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Path relative to the workspace root, e.g. `spec/invoice/rejectinsert.toml`.
    pub path: String,
    /// The file's full text.
    pub text: String,
}

impl SourceFile {
    /// Creates a source file from its path and text.
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Self {
        Self { path: path.into(), text: text.into() }
    }

    /// The 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        (line, column)
    }

    /// The place a byte offset stands for, ready to print.
    pub fn location(&self, offset: usize) -> Location {
        let (line, column) = self.line_col(offset);
        Location { path: self.path.clone(), line, column }
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// A byte range in a source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl From<toml_span::Span> for Span {
    fn from(span: toml_span::Span) -> Self {
        Self { start: span.start, end: span.end }
    }
}

/// A file, line and column, printed as `path:line:column`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    /// Path of the file relative to the workspace root.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.path, self.line, self.column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let file = SourceFile::new("a.toml", "a = 1\nb = \"灌哥\" x");
        assert_eq!(file.line_col(0), (1, 1));
        assert_eq!(file.line_col(6), (2, 1));
        let x = file.text.find('x').unwrap();
        assert_eq!(file.line_col(x), (2, 10));
    }
}
