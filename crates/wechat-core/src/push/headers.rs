//! What a push's HTTP headers say about its body, read as `(name, value)` pairs from any web
//! framework. Content-Type is not looked at: WeChat's is not reliable (`text/xml`,
//! `application/xml`, or none at all).

use super::error::PushError;

/// The headers that matter before and after the body is read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Headers {
    /// `Content-Length`, if sent.
    pub(crate) content_length: Option<u64>,
}

impl Headers {
    /// Reads the pairs (names in any case). Refuses a Content-Length that is not a number or
    /// that is sent twice with different values (a request two readers would cut in different
    /// places), and a Content-Encoding other than `identity`: WeChat never compresses, and a
    /// compressed body would not read as XML.
    pub(crate) fn read<N, V>(headers: impl IntoIterator<Item = (N, V)>) -> Result<Headers, PushError>
    where
        N: AsRef<str>,
        V: AsRef<[u8]>,
    {
        let mut read = Headers::default();
        for (name, value) in headers {
            let (name, value) = (name.as_ref(), value.as_ref());
            if name.eq_ignore_ascii_case("content-length") {
                let length = parse_length(value)?;
                if read.content_length.is_some_and(|earlier| earlier != length) {
                    return Err(PushError::BadHeader {
                        name: "Content-Length",
                        reason: "is sent twice with different values",
                    });
                }
                read.content_length = Some(length);
            } else if name.eq_ignore_ascii_case("content-encoding") {
                let identity = value.split(|&b| b == b',').all(|coding| {
                    coding.trim_ascii().is_empty() || coding.trim_ascii().eq_ignore_ascii_case(b"identity")
                });
                if !identity {
                    return Err(PushError::BadHeader {
                        name: "Content-Encoding",
                        reason: "names a compression; WeChat sends push bodies uncompressed",
                    });
                }
            }
        }
        Ok(read)
    }
}

/// A Content-Length value: decimal digits only, as HTTP requires (no sign, no spaces inside).
fn parse_length(value: &[u8]) -> Result<u64, PushError> {
    let digits = value.trim_ascii();
    let bad = PushError::BadHeader { name: "Content-Length", reason: "is not a number of bytes" };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return Err(bad);
    }
    std::str::from_utf8(digits).ok().and_then(|text| text.parse().ok()).ok_or(bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_content_length_in_any_case_and_refuses_what_cannot_be_trusted() {
        let read = Headers::read([("Content-Type", "text/plain"), ("content-LENGTH", " 42 ")]);
        assert_eq!(read, Ok(Headers { content_length: Some(42) }));
        assert_eq!(Headers::read(Vec::<(&str, &str)>::new()), Ok(Headers::default()));
        // The same length twice is what some proxies do; two different ones is smuggling.
        assert!(Headers::read([("Content-Length", "7"), ("content-length", "7")]).is_ok());
        for value in ["", "-1", "+7", "7 7", "0x10", "99999999999999999999999", "七"] {
            assert_eq!(
                Headers::read([("Content-Length", value)]),
                Err(PushError::BadHeader { name: "Content-Length", reason: "is not a number of bytes" }),
                "{value:?}"
            );
        }
        assert!(matches!(
            Headers::read([("Content-Length", "7"), ("Content-Length", "8")]),
            Err(PushError::BadHeader { name: "Content-Length", .. })
        ));
        assert!(Headers::read([("Content-Encoding", "identity")]).is_ok());
        for coding in ["gzip", "identity, br", "deflate"] {
            assert!(
                matches!(
                    Headers::read([("content-encoding", coding)]),
                    Err(PushError::BadHeader { name: "Content-Encoding", .. })
                ),
                "{coding}"
            );
        }
        // Content-Type is never a reason to refuse: WeChat's varies.
        assert!(Headers::read([("Content-Type", "application/octet-stream")]).is_ok());
        // Values as bytes, the way http::HeaderValue hands them over.
        assert_eq!(Headers::read([("Content-Length", &b"12"[..])]), Ok(Headers { content_length: Some(12) }));
    }
}
