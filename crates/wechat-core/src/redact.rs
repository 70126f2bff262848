//! Removing secrets from text that enters an error: a body quoted in an error may echo the
//! request (a proxy's error page often repeats the URL, and the URL carries the token).

/// `text` with every occurrence of each of `secrets`, and every value written after an
/// `access_token` key (`access_token=…` in a query, `"access_token": "…"` in JSON, also as
/// part of `authorizer_access_token` and the like), replaced by `***`.
pub(crate) fn redact(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_owned();
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        if out.contains(secret) {
            out = out.replace(secret, "***");
        }
    }
    mask_token_values(&out)
}

const TOKEN_KEY: &str = "access_token";

/// Replaces the value after each `access_token` key; the key stays so the reader knows
/// what was there.
fn mask_token_values(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(TOKEN_KEY) {
        let after_key = at + TOKEN_KEY.len();
        out.push_str(&rest[..after_key]);
        rest = &rest[after_key..];
        let separator = separator_len(rest);
        if separator == 0 {
            continue;
        }
        out.push_str(&rest[..separator]);
        rest = &rest[separator..];
        let value = rest.find(ends_value).unwrap_or(rest.len());
        if value > 0 {
            out.push_str("***");
        }
        rest = &rest[value..];
    }
    out.push_str(rest);
    out
}

/// The length of `=` (query) or `": "` (JSON, spaces optional) opening `text`; 0 when the
/// key is not followed by a value.
fn separator_len(text: &str) -> usize {
    let bytes = text.as_bytes();
    if bytes.first() == Some(&b'=') {
        return 1;
    }
    let mut i = usize::from(bytes.first() == Some(&b'"'));
    while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
        i += 1;
    }
    if bytes.get(i) != Some(&b':') {
        return 0;
    }
    i += 1;
    while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
        i += 1;
    }
    if bytes.get(i) == Some(&b'"') {
        i += 1;
    }
    i
}

fn ends_value(c: char) -> bool {
    c.is_whitespace() || matches!(c, '&' | '"' | '\'' | '\\' | '<' | '>' | '#' | ',' | '}' | ';' | '…')
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn known_secrets_and_token_values_are_masked() {
        let page = "<p>GET /card/invoice/getauthdata?access_token=TOK-1&x=1 failed for SECRET-2</p>";
        assert_eq!(
            redact(page, &["SECRET-2"]),
            "<p>GET /card/invoice/getauthdata?access_token=***&x=1 failed for ***</p>"
        );
        let json = r#"{"access_token" : "TOK-1","expires_in":7200,"authorizer_access_token":"TOK-2"}"#;
        assert_eq!(
            redact(json, &[]),
            r#"{"access_token" : "***","expires_in":7200,"authorizer_access_token":"***"}"#
        );
    }

    #[test]
    fn text_without_secrets_is_unchanged() {
        for text in ["", "access_token", "access_token missing", "no access_token=", "a=1&b=2", "日本語"] {
            assert_eq!(redact(text, &["", "absent"]), text);
        }
    }
}
