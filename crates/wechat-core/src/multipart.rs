//! `multipart/form-data` bodies, described without reqwest's types so generated code stays
//! independent of the transport: the runtime checks them before sending and builds the
//! form anew for every attempt.

use std::fmt;

use bytes::Bytes;

/// A file to upload: its name and its bytes. The bytes are shared, not copied: cloning the
/// file, or sending it again on a retry, reuses the same buffer.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct UploadFile {
    file_name: String,
    bytes: Bytes,
}

impl UploadFile {
    /// A file named `file_name` (the name WeChat sees, e.g. `invoice.pdf`) holding `bytes`: a
    /// `Vec<u8>`, a `&'static [u8]` (or byte-string literal), a `Box<[u8]>`, or [`Bytes`] the
    /// caller already holds. Never a string: `UploadFile::new(bytes, "invoice.pdf")`, or a file
    /// name passed as its contents, does not compile.
    ///
    /// ```compile_fail
    /// // `Bytes` would take a `&'static str`; `FileContents` does not.
    /// let swapped = wechat_core::UploadFile::new("invoice.pdf", "invoice.pdf");
    /// ```
    pub fn new(file_name: impl Into<String>, bytes: impl FileContents) -> Self {
        Self { file_name: file_name.into(), bytes: bytes.into_bytes() }
    }

    /// The name sent with the file.
    pub fn file_name(&self) -> &str {
        &self.file_name
    }

    /// The file's contents.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Its size in bytes.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// True when the file has no bytes.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
}

/// What a file's contents can be given as: bytes, never text, so that a file name cannot be
/// passed where the contents go. Sealed: implemented for `Vec<u8>`, `Box<[u8]>`,
/// `&'static [u8]`, `&'static [u8; N]` and [`Bytes`].
pub trait FileContents: sealed::Sealed {
    /// The contents, shared rather than copied where the type allows.
    fn into_bytes(self) -> Bytes;
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for Vec<u8> {}
    impl Sealed for Box<[u8]> {}
    impl Sealed for &'static [u8] {}
    impl<const N: usize> Sealed for &'static [u8; N] {}
    impl Sealed for bytes::Bytes {}
}

impl FileContents for Vec<u8> {
    fn into_bytes(self) -> Bytes {
        Bytes::from(self)
    }
}

impl FileContents for Box<[u8]> {
    fn into_bytes(self) -> Bytes {
        Bytes::from(self)
    }
}

impl FileContents for &'static [u8] {
    fn into_bytes(self) -> Bytes {
        Bytes::from_static(self)
    }
}

impl<const N: usize> FileContents for &'static [u8; N] {
    fn into_bytes(self) -> Bytes {
        Bytes::from_static(self)
    }
}

impl FileContents for Bytes {
    fn into_bytes(self) -> Bytes {
        self
    }
}

/// The bytes are left out: a PDF in a log line helps nobody.
impl fmt::Debug for UploadFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UploadFile").field("file_name", &self.file_name).field("len", &self.len()).finish()
    }
}

/// The parts of a `multipart/form-data` body, borrowed from a request.
#[derive(Debug, Clone, Default)]
pub struct Multipart<'a> {
    parts: Vec<Part<'a>>,
}

#[derive(Debug, Clone)]
struct Part<'a> {
    name: &'static str,
    value: PartValue<'a>,
}

#[derive(Debug, Clone)]
enum PartValue<'a> {
    Text(String),
    File { file: &'a UploadFile, content_type: &'static str, max_size: u64 },
}

impl<'a> Multipart<'a> {
    /// An empty form.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a text field.
    pub fn text(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.parts.push(Part { name, value: PartValue::Text(value.into()) });
        self
    }

    /// Adds a file field with its content type; a file larger than `max_size` bytes is refused
    /// by [`check`](Self::check) before anything is sent.
    pub fn file(
        mut self,
        name: &'static str,
        file: &'a UploadFile,
        content_type: &'static str,
        max_size: u64,
    ) -> Self {
        self.parts.push(Part { name, value: PartValue::File { file, content_type, max_size } });
        self
    }

    /// Why the form must not be sent: an empty file, one over its size limit, or an invalid
    /// content type.
    pub fn check(&self) -> Result<(), String> {
        for part in &self.parts {
            let PartValue::File { file, max_size, content_type } = &part.value else { continue };
            reqwest::multipart::Part::text("").mime_str(content_type).map_err(|e| {
                format!("the file `{}` has an invalid content type `{content_type}`: {e}", part.name)
            })?;
            let size = u64::try_from(file.len()).unwrap_or(u64::MAX);
            if file.is_empty() {
                return Err(format!("the file `{}` ({}) is empty", part.name, file.file_name()));
            }
            if size > *max_size {
                return Err(format!(
                    "the file `{}` ({}) is {size} bytes, over this endpoint's limit of {max_size} bytes; \
                     nothing was sent",
                    part.name,
                    file.file_name()
                ));
            }
        }
        Ok(())
    }

    /// The form as reqwest sends it; built per attempt, since a sent form is consumed.
    pub(crate) fn to_form(&self) -> Result<reqwest::multipart::Form, String> {
        let mut form = reqwest::multipart::Form::new();
        for part in &self.parts {
            form = match &part.value {
                PartValue::Text(text) => form.text(part.name, text.clone()),
                PartValue::File { file, content_type, .. } => {
                    // A clone of `Bytes` is a reference count, not a copy of the file.
                    let body = reqwest::multipart::Part::stream(file.bytes.clone())
                        .file_name(file.file_name().to_owned())
                        .mime_str(content_type)
                        .map_err(|e| format!("content type `{content_type}`: {e}"))?;
                    form.part(part.name, body)
                }
            };
        }
        Ok(form)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_empty_and_oversize_files() {
        let small = UploadFile::new("a.pdf", b"%PDF-1.4".to_vec());
        let big = UploadFile::new("b.pdf", vec![0u8; 11]);
        let empty = UploadFile::new("c.pdf", Vec::new());
        assert!(Multipart::new().file("pdf", &small, "application/pdf", 10).check().is_ok());
        let err = Multipart::new().file("pdf", &big, "application/pdf", 10).check().unwrap_err();
        assert!(err.contains("11 bytes") && err.contains("limit of 10 bytes"), "{err}");
        let err = Multipart::new().file("pdf", &empty, "application/pdf", 10).check().unwrap_err();
        assert!(err.contains("empty"), "{err}");
    }

    #[test]
    fn the_bytes_are_shared_not_copied() {
        let pdf = Bytes::from(b"%PDF-1.4 a bill".to_vec());
        let file = UploadFile::new("a.pdf", pdf.clone());
        assert_eq!(file.bytes().as_ptr(), pdf.as_ptr(), "the caller's buffer is kept");
        assert_eq!(file.clone().bytes().as_ptr(), pdf.as_ptr(), "a clone shares it");
    }

    #[test]
    fn debug_leaves_the_bytes_out() {
        let file = UploadFile::new("a.pdf", b"secret-bytes".to_vec());
        let printed = format!("{file:?}");
        assert!(printed.contains("a.pdf") && printed.contains("len: 12"), "{printed}");
        assert!(!printed.contains("secret"), "{printed}");
    }
}
