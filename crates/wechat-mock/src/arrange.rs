//! Setting up what a call needs to succeed, by operation name, where a spec example's `given`
//! cannot say it: a PDF kept as if uploaded, and the credentials only the mock knows. A test
//! built from a spec example (or a sample body) seeds the example's `given` and arranges
//! first, then calls with the body and query parameters it gets back.

use std::collections::BTreeMap;

use axum::body::Bytes;
use serde_json::Value;

use crate::media::StoredFile;
use crate::platform_tokens::PlatformToken;
use crate::sample::sample_object;
use crate::sample_files::sample_pdf;
use crate::spec_table::operation;
use crate::state::Shared;

/// What to send once a call is arranged.
#[derive(Clone, PartialEq)]
pub struct Arranged {
    /// The request body to send: the one given, with the mock's own credentials where the
    /// operation takes them in the body.
    pub body: Value,
    /// A value for each query parameter the operation takes besides `access_token` and its
    /// fixed ones: a sample, or what the mock requires (its appid and appsecret, a component
    /// token it issued).
    pub query: BTreeMap<String, String>,
}

// Arranged values hold credentials and tokens: Debug names the query parameters only.
impl std::fmt::Debug for Arranged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Arranged").field("query", &self.query.keys()).finish_non_exhaustive()
    }
}

impl Arranged {
    /// The value of query parameter `name`, empty if the operation takes no such parameter.
    pub fn query(&self, name: &str) -> &str {
        self.query.get(name).map_or("", String::as_str)
    }
}

/// Why a call could not be arranged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArrangeError {
    /// The spec has no operation of that name.
    #[error("no operation named `{0}` in the spec")]
    UnknownOperation(String),
}

/// An arrangement: changes the body or the query, or records state, for one operation.
type Step = fn(&Shared, &mut Arranged) -> Result<(), ArrangeError>;

/// The operations that need more than a well-formed request.
const STEPS: &[(&str, Step)] = &[
    ("platform/get_pdf", stored_pdf),
    ("token/get_authorizer_access_token", component_token),
    ("token/get_access_token", query_credentials),
    ("token/get_stable_access_token", body_credentials),
];

pub(crate) fn arrange(shared: &Shared, name: &str, body: &Value) -> Result<Arranged, ArrangeError> {
    // The server's own table first: a test's table may hold operations the spec does not yet.
    let op = shared
        .table
        .iter()
        .find(|op| op.key == name)
        .or_else(|| operation(name))
        .ok_or_else(|| ArrangeError::UnknownOperation(name.to_owned()))?;
    let query = sample_object(op.types, op.query)
        .into_iter()
        .map(|(name, value)| {
            let text = value.as_str().map_or_else(|| value.to_string(), str::to_owned);
            (name, text)
        })
        .collect();
    let mut arranged = Arranged { body: body.clone(), query };
    if let Some((_, step)) = STEPS.iter().find(|(step, _)| *step == op.key) {
        step(shared, &mut arranged)?;
    }
    Ok(arranged)
}

/// The string at a JSON pointer of the body, empty when absent.
fn text<'b>(body: &'b Value, pointer: &str) -> &'b str {
    body.pointer(pointer).and_then(Value::as_str).unwrap_or_default()
}

/// getpdf: a PDF is kept under the body's `s_media_id`, as if it had been uploaded.
fn stored_pdf(shared: &Shared, arranged: &mut Arranged) -> Result<(), ArrangeError> {
    let s_media_id = text(&arranged.body, "/s_media_id");
    if shared.media.get(s_media_id).is_none() {
        shared.media.insert(StoredFile {
            s_media_id: s_media_id.to_owned(),
            file_name: "arranged.pdf".to_owned(),
            content_type: "application/pdf".to_owned(),
            bytes: Bytes::from(sample_pdf(&format!("s_media_id {s_media_id}"))),
        });
    }
    Ok(())
}

/// The authorizer token endpoint: a component token the mock issued, in the query.
fn component_token(shared: &Shared, arranged: &mut Arranged) -> Result<(), ArrangeError> {
    let token = shared.platform_tokens.issue(PlatformToken::Component, shared.config.token_lifetime);
    arranged.query.insert("component_access_token".to_owned(), token);
    Ok(())
}

/// `GET /cgi-bin/token`: the mock's appid and appsecret in the query.
fn query_credentials(shared: &Shared, arranged: &mut Arranged) -> Result<(), ArrangeError> {
    arranged.query.insert("appid".to_owned(), shared.config.appid.clone());
    arranged.query.insert("secret".to_owned(), shared.config.secret.expose().to_owned());
    Ok(())
}

/// `POST /cgi-bin/stable_token`: the mock's appid and appsecret in the body.
fn body_credentials(shared: &Shared, arranged: &mut Arranged) -> Result<(), ArrangeError> {
    if let Value::Object(body) = &mut arranged.body {
        body.insert("appid".to_owned(), Value::from(shared.config.appid.clone()));
        body.insert("secret".to_owned(), Value::from(shared.config.secret.expose()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_arrangement_belongs_to_a_spec_operation() {
        for (name, _) in STEPS {
            assert!(operation(name).is_some(), "`{name}` is not in the spec");
        }
    }

    #[test]
    fn debug_leaves_credentials_out() {
        let arranged = Arranged {
            body: serde_json::json!({"secret": "s3cr3t"}),
            query: BTreeMap::from([("secret".to_owned(), "s3cr3t".to_owned())]),
        };
        let printed = format!("{arranged:?}");
        assert!(printed.contains("\"secret\"") && !printed.contains("s3cr3t"), "{printed}");
        assert_eq!((arranged.query("secret"), arranged.query("other")), ("s3cr3t", ""));
    }
}
