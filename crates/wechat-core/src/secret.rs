//! Secrets that cannot leak through formatting: `Debug` and `Display` print `***`.

use std::fmt;
use std::sync::Arc;

/// An appsecret, or any credential the caller hands the client.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Arc<str>);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(Arc::from(value.into()))
    }

    /// The secret itself, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// The empty secret, for request types whose query fields serde skips.
impl Default for Secret {
    fn default() -> Self {
        Self::new(String::new())
    }
}

/// Sent as the plain string: serialization is how a secret reaches WeChat.
impl serde::Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.expose())
    }
}

/// Read as [`crate::lenient::string`] reads any string, numbers included.
impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::lenient::string(deserializer).map(Self::new)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// An `access_token` (or `authorizer_access_token`): cheap to clone, never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessToken {
    value: Secret,
    /// Whether the value goes into a query as it is (WeChat's tokens do): found once, not
    /// at every call.
    form_safe: bool,
}

impl AccessToken {
    /// Wraps a token value.
    pub fn new(value: impl Into<String>) -> Self {
        let value = Secret::new(value);
        let form_safe = crate::form::is_safe(value.expose());
        Self { value, form_safe }
    }

    /// The token itself, for the query string.
    pub fn expose(&self) -> &str {
        self.value.expose()
    }

    /// True when the token goes into a query string as it is, without encoding.
    pub(crate) fn is_form_safe(&self) -> bool {
        self.form_safe
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken(***)")
    }
}

impl fmt::Display for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatting_never_shows_the_value() {
        let secret = Secret::new("s3cr3t-appsecret");
        let token = AccessToken::new("tok-123456");
        let printed = format!("{secret} {secret:?} {token} {token:?} {:?}", Some(&token));
        assert!(!printed.contains("s3cr3t"), "{printed}");
        assert!(!printed.contains("tok-123456"), "{printed}");
        assert_eq!(token.expose(), "tok-123456");
    }

    #[test]
    fn serde_carries_the_value_itself() {
        let secret: Secret = serde_json::from_str("\"s3cr3t\"").unwrap();
        assert_eq!(secret.expose(), "s3cr3t");
        assert_eq!(serde_json::to_string(&secret).unwrap(), "\"s3cr3t\"");
        let numeric: Secret = serde_json::from_str("12345678901234567890").unwrap();
        assert_eq!(numeric.expose(), "12345678901234567890");
    }
}
