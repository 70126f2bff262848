//! Form encoding (`application/x-www-form-urlencoded`) of query pairs, as
//! `Url::query_pairs_mut` writes them: ASCII letters, digits and `*-._` as they are, a space as
//! `+`, every other byte as `%XX`. The encoder is `form_urlencoded`'s, the one `url` uses.

/// True when `text` is written as it is: every byte is a letter, a digit or one of `*-._`.
pub(crate) fn is_safe(text: &str) -> bool {
    text.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'*' | b'-' | b'.' | b'_'))
}

/// Appends `text` form-encoded.
pub(crate) fn encode(text: &str, out: &mut String) {
    out.extend(form_urlencoded::byte_serialize(text.as_bytes()));
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::{encode, is_safe};

    const VALUES: [&str; 6] =
        ["", "BENCH-TOKEN", "a b+c&d=e/f?g#h", "灌哥 发票", "~!*'()_.-%41", "\u{7f}\t\r\n"];

    /// The URL written by hand is the one `Url::query_pairs_mut` writes, whatever the values.
    #[test]
    fn query_pairs_are_encoded_as_url_encodes_them() {
        for value in VALUES {
            let mut expected = reqwest::Url::parse("http://127.0.0.1:1/nontax/insertbill").unwrap();
            expected.query_pairs_mut().append_pair("access_token", value).append_pair("x y", "1");
            let mut text = "http://127.0.0.1:1/nontax/insertbill?".to_owned();
            encode("access_token", &mut text);
            text.push('=');
            encode(value, &mut text);
            text.push('&');
            encode("x y", &mut text);
            text.push_str("=1");
            assert_eq!(reqwest::Url::parse(&text).unwrap(), expected, "{value:?}");
        }
        let mut bare = reqwest::Url::parse("http://127.0.0.1:1/p").unwrap();
        bare.query_pairs_mut();
        assert_eq!(bare.as_str(), "http://127.0.0.1:1/p?", "no pairs: an empty query, as before");
    }

    /// A safe text is exactly one that encoding leaves as it is.
    #[test]
    fn safe_means_written_as_it_is() {
        for value in VALUES.into_iter().chain(["MOCK_abc-XYZ_09", "a*b.c", "a+b", "a~b"]) {
            let mut encoded = String::new();
            encode(value, &mut encoded);
            assert_eq!(is_safe(value), encoded == value, "{value:?}");
        }
    }
}
