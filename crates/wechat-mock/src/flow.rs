//! The operations answered by hand-written Rust, keyed by operation name, for what the spec's
//! steps cannot declare: the uploaded PDFs (judging a file's bytes, serving it) and the
//! third-party platform's tokens (issuing and checking credentials). Each step gets a call
//! already checked against the operation's schema, and returns the fields to put over the
//! spec's success example, or the `errcode` to answer (whose message comes from the spec's
//! error tables).
//!
//! Every other operation of the spec answers from the steps its spec declares, or its
//! success example.

use serde_json::{Map, Value};

use crate::media::{DOWNLOAD_PATH, PDF_URL_LIFETIME};
use crate::platform_tokens::PlatformToken;
use crate::spec_table::Operation;
use crate::state::Shared;
use crate::tokens::TokenCheck;
use crate::upload::ReceivedFile;

/// What a step reads of a call, checked against the spec already.
pub(crate) struct Call<'a> {
    /// The operation called.
    pub(crate) op: &'static Operation,
    /// The JSON body, or a multipart body's text parts as an object of strings.
    pub(crate) body: &'a Value,
    /// The query parameters.
    pub(crate) query: &'a [(String, String)],
    /// The files of a multipart body.
    pub(crate) files: &'a [ReceivedFile],
    /// The base URL the caller reached the mock at, for links in answers.
    pub(crate) base_url: &'a str,
}

/// A stateful step: the answer's fields, or an `errcode`.
pub(crate) type Step = fn(&Shared, &Call<'_>) -> Result<Map<String, Value>, i64>;

/// The stateful steps by operation name.
pub(crate) const STEPS: &[(&str, Step)] = &[
    ("platform/set_pdf", set_pdf),
    ("platform/get_pdf", get_pdf),
    ("token/get_component_access_token", get_component_access_token),
    ("token/get_authorizer_access_token", get_authorizer_access_token),
];

/// Every `errcode` a step may answer; each is in its operation's spec error table.
#[cfg(test)]
pub(crate) const CODES: &[(&str, &[i64])] = &[
    ("platform/set_pdf", &[]),
    ("platform/get_pdf", &[INVALID_MEDIA_ID]),
    ("token/get_component_access_token", &[INVALID_TICKET]),
    ("token/get_authorizer_access_token", &[INVALID_REFRESH_TOKEN]),
];

/// The code an upload answers for a file that is not of its part's type, by operation:
/// setpdf's "invoice pdf error". Uploads not listed answer 47001.
const INVALID_FILE: &[(&str, i64)] = &[("platform/set_pdf", 72040)];

/// getpdf's code for an `s_media_id` the mock does not hold ("invalid params").
const INVALID_MEDIA_ID: i64 = 72031;

/// The code for an uploaded file that is not of its part's type, if `operation` has its own.
pub(crate) fn invalid_file_code(operation: &str) -> Option<i64> {
    INVALID_FILE.iter().find(|(name, _)| *name == operation).map(|(_, code)| *code)
}

/// The stateful step of `operation`, if it has one.
pub(crate) fn handler(operation: &str) -> Option<Step> {
    STEPS.iter().find(|(name, _)| *name == operation).map(|(_, step)| *step)
}

/// The string at a JSON pointer of a checked body; a schema that changed under the step reads
/// as empty rather than panicking.
fn text<'b>(body: &'b Value, pointer: &str) -> &'b str {
    body.pointer(pointer).and_then(Value::as_str).unwrap_or_default()
}

/// Keeps the uploaded file and answers its id as a JSON number above 2^53, as WeChat may send
/// it: a client that reads it through a float loses digits.
fn set_pdf(shared: &Shared, call: &Call<'_>) -> Result<Map<String, Value>, i64> {
    // The upload was checked against the spec, which names exactly one file part.
    let Some(file) = call.files.first() else { return Err(DATA_FORMAT_ERROR) };
    let id = shared.media.upload(&file.file_name, &file.content_type, file.bytes.clone());
    let mut fields = Map::new();
    fields.insert("s_media_id".to_owned(), Value::from(id));
    Ok(fields)
}

/// A link to download the file, valid for two hours, or 72031 for an id the mock does not hold.
fn get_pdf(shared: &Shared, call: &Call<'_>) -> Result<Map<String, Value>, i64> {
    let key = shared.media.link(text(call.body, "/s_media_id")).ok_or(INVALID_MEDIA_ID)?;
    let mut fields = Map::new();
    let url = format!("{}{DOWNLOAD_PATH}?action=media_pdf&media_key={key}", call.base_url);
    fields.insert("pdf_url".to_owned(), Value::from(url));
    fields.insert("pdf_url_expire_time".to_owned(), Value::from(PDF_URL_LIFETIME.as_secs()));
    Ok(fields)
}

/// A new component_access_token for any platform (the mock plays every platform), with a
/// verify ticket the mock pushed to it once it has pushed any (61006 otherwise).
fn get_component_access_token(shared: &Shared, call: &Call<'_>) -> Result<Map<String, Value>, i64> {
    let component_appid = text(call.body, "/component_appid");
    shared.token_requests.record(call.op.path, component_appid);
    if !shared
        .platform_tokens
        .accepts_verify_ticket(component_appid, text(call.body, "/component_verify_ticket"))
    {
        return Err(INVALID_TICKET);
    }
    let lifetime = shared.config.token_lifetime;
    let token = shared.platform_tokens.issue(PlatformToken::Component, lifetime);
    let mut fields = Map::new();
    fields.insert("component_access_token".to_owned(), Value::from(token));
    fields.insert("expires_in".to_owned(), Value::from(lifetime.as_secs()));
    Ok(fields)
}

/// A new authorizer_access_token, for a component_access_token the mock issued (40001 for
/// another, 42001 once it expired) and the authorizer's current refresh token (61023 for a
/// stale one); the answer carries the next refresh token, and the one sent stops working.
fn get_authorizer_access_token(shared: &Shared, call: &Call<'_>) -> Result<Map<String, Value>, i64> {
    let authorizer_appid = text(call.body, "/authorizer_appid");
    shared.token_requests.record(call.op.path, authorizer_appid);
    let component = call.query.iter().find(|(k, _)| k == "component_access_token").map(|(_, v)| v.as_str());
    let check = shared.platform_tokens.check(PlatformToken::Component, component);
    if check != TokenCheck::Valid {
        return Err(check.errcode());
    }
    let presented = text(call.body, "/authorizer_refresh_token");
    let refresh = shared
        .platform_tokens
        .rotate_refresh_token(authorizer_appid, presented)
        .ok_or(INVALID_REFRESH_TOKEN)?;
    let lifetime = shared.config.token_lifetime;
    let token = shared.platform_tokens.issue(PlatformToken::Authorizer, lifetime);
    let mut fields = Map::new();
    fields.insert("authorizer_access_token".to_owned(), Value::from(token));
    fields.insert("expires_in".to_owned(), Value::from(lifetime.as_secs()));
    fields.insert("authorizer_refresh_token".to_owned(), Value::from(refresh));
    Ok(fields)
}

/// api_component_token's code for a verify ticket WeChat did not issue to the platform:
/// "component ticket is invalid" (WxJava's and WeChat's return-code tables).
const INVALID_TICKET: i64 = 61006;

/// api_authorizer_token's code for a refresh token that is not the authorizer's current one.
const INVALID_REFRESH_TOKEN: i64 = 61023;

const DATA_FORMAT_ERROR: i64 = 47001;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec_table::operation;

    #[test]
    fn every_step_belongs_to_a_spec_operation_and_answers_its_codes() {
        assert_eq!(STEPS.len(), CODES.len());
        for ((name, _), (coded, codes)) in STEPS.iter().zip(CODES) {
            assert_eq!(name, coded);
            let op = operation(name).unwrap_or_else(|| panic!("`{name}` is not in the spec"));
            for code in *codes {
                assert!(op.errors.iter().any(|e| e.code == *code), "{name}: {code} is not in its spec table");
            }
        }
        for (name, code) in INVALID_FILE {
            let op = operation(name).unwrap_or_else(|| panic!("`{name}` is not in the spec"));
            assert!(!op.files.is_empty(), "{name} takes no file");
            assert!(op.errors.iter().any(|e| e.code == *code), "{name}: {code} is not in its spec table");
        }
    }

    #[test]
    fn steps_read_fields_the_spec_declares() {
        for (name, pointers) in [
            ("get_pdf", &["/s_media_id"][..]),
            ("get_component_access_token", &["/component_appid", "/component_verify_ticket"][..]),
            ("get_authorizer_access_token", &["/authorizer_appid", "/authorizer_refresh_token"][..]),
        ] {
            let op = operation(name).unwrap();
            let sample = Value::Object(crate::sample::sample_object(op.types, op.request));
            for pointer in pointers {
                assert!(sample.pointer(pointer).is_some_and(Value::is_string), "{name}: {pointer}");
            }
        }
    }
}
