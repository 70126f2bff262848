//! Problems found in the spec, each tied to the place it was found.

use std::fmt;

use crate::source::{Location, SourceFile, Span};

/// One problem in a spec file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// Where the problem is.
    pub location: Location,
    /// What is wrong, in one sentence.
    pub message: String,
}

impl Diagnostic {
    /// A problem at a span of a file.
    pub fn at(file: &SourceFile, span: Span, message: impl Into<String>) -> Self {
        Self { location: file.location(span.start), message: message.into() }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// Reading a file is where its first problem can arise, so it lives beside the problem type:
/// the source module stays free of diagnostics.
impl SourceFile {
    /// A source file from the bytes read from disk; a file that is not UTF-8 is a problem
    /// located at its first bad byte (line and column of the valid text before it).
    pub fn from_bytes(path: impl Into<String>, bytes: Vec<u8>) -> Result<Self, Diagnostic> {
        let path = path.into();
        match String::from_utf8(bytes) {
            Ok(text) => Ok(Self { path, text }),
            Err(error) => {
                let bytes = error.as_bytes();
                let valid = error.utf8_error().valid_up_to();
                let before = Self { path, text: String::from_utf8_lossy(&bytes[..valid]).into_owned() };
                let message = format!(
                    "the file is not UTF-8: byte 0x{:02x} cannot start or continue a character; save it as UTF-8",
                    bytes[valid]
                );
                Err(Diagnostic { location: before.location(valid), message })
            }
        }
    }
}

/// Every problem found in one run, sorted by file and position.
#[derive(Debug, Clone, PartialEq, Eq, Default, thiserror::Error)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Adds a problem.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    /// Adds a problem at a span of a file.
    pub fn error(&mut self, file: &SourceFile, span: Span, message: impl Into<String>) {
        self.push(Diagnostic::at(file, span, message));
    }

    /// True when nothing was found.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(value)` when nothing was found, otherwise the sorted problems.
    pub fn into_result<T>(mut self, value: T) -> Result<T, Diagnostics> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            self.0.sort();
            self.0.dedup();
            Err(self)
        }
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, diagnostic) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{diagnostic}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_that_is_not_utf8_is_located_at_its_first_bad_byte() {
        let mut bytes = "a = 1\nb = \"灌".as_bytes().to_vec();
        bytes.extend([0xff, b'"', b'\n']);
        let problem = SourceFile::from_bytes("spec/g/x.toml", bytes).unwrap_err();
        assert_eq!(
            problem.to_string(),
            "spec/g/x.toml:2:7: the file is not UTF-8: byte 0xff cannot start or continue a character; \
             save it as UTF-8"
        );
        assert!(SourceFile::from_bytes("spec/g/y.toml", b"a = 1".to_vec()).is_ok());
    }
}
