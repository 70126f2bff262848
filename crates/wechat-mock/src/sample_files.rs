//! Files to upload in tests and demos: a small valid PDF, and a file for any media type the
//! spec's file parts name, so a test built from the spec alone can fill every upload.

use crate::upload::MAGIC;

/// A small, valid one-page PDF showing `text` (printable ASCII; other characters become `?`),
/// e.g. the PDF of a bill to upload with setpdf.
pub fn sample_pdf(text: &str) -> Vec<u8> {
    let text: String = text
        .chars()
        .map(|c| if c.is_ascii_graphic() || c == ' ' { c } else { '?' })
        // Parentheses and backslashes would end or escape the PDF string.
        .filter(|c| !matches!(c, '(' | ')' | '\\'))
        .collect();
    let content = format!("BT /F1 18 Tf 72 760 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_owned(),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (number, object) in (1..).zip(&objects) {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{number} 0 obj\n{object}\nendobj\n").as_bytes());
    }
    let xref = pdf.len();
    let size = objects.len() + 1;
    // Each cross-reference entry is exactly 20 bytes, its trailing space included.
    pdf.extend_from_slice(format!("xref\n0 {size}\n0000000000 65535 f \n").as_bytes());
    for offset in offsets {
        pdf.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!("trailer\n<< /Size {size} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n").as_bytes(),
    );
    pdf
}

/// A file name and contents the mock accepts for a file part of `content_type`: a PDF for
/// `application/pdf`, otherwise a few bytes starting as files of that type must.
pub fn sample_upload(content_type: &str) -> (String, Vec<u8>) {
    let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    if essence == "application/pdf" {
        return ("sample.pdf".to_owned(), sample_pdf("wechat-mock sample"));
    }
    let mut bytes = MAGIC
        .iter()
        .find(|(media_type, _)| *media_type == essence)
        .map(|(_, m)| m.to_vec())
        .unwrap_or_default();
    bytes.extend_from_slice(b"wechat-mock sample file");
    let extension = essence
        .rsplit('/')
        .next()
        .filter(|e| !e.is_empty() && e.chars().all(|c| c.is_ascii_alphanumeric()))
        .unwrap_or("bin");
    (format!("sample.{extension}"), bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pdf_is_well_formed() {
        let pdf = sample_pdf("Bill (2024) \\ 票据");
        let text = String::from_utf8(pdf.clone()).expect("ASCII");
        assert!(text.starts_with("%PDF-1.4\n") && text.ends_with("%%EOF\n"));
        assert!(text.contains("(Bill 2024  ??) Tj"), "{text}");
        // The cross-reference table points at each object.
        let xref_at: usize = text
            .rsplit("startxref\n")
            .next()
            .and_then(|t| t.lines().next())
            .and_then(|n| n.parse().ok())
            .expect("startxref");
        assert!(text[xref_at..].starts_with("xref\n0 6\n"));
        let entries = text[xref_at..].lines().skip(3).take(5);
        for (number, entry) in (1..).zip(entries) {
            let offset: usize = entry[..10].parse().expect("an offset");
            assert!(text[offset..].starts_with(&format!("{number} 0 obj\n")), "object {number} at {offset}");
        }
    }

    #[test]
    fn uploads_fit_their_media_type() {
        let (name, bytes) = sample_upload("Application/PDF; x=y");
        assert!(name == "sample.pdf" && bytes.starts_with(b"%PDF-"));
        let (name, bytes) = sample_upload("image/png");
        assert!(name == "sample.png" && !bytes.is_empty());
        assert_eq!(sample_upload("").0, "sample.bin");
    }
}
