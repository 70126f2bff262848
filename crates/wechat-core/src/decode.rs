//! Turning an answer body into the operation's response or its typed error.

use serde::Deserialize;

use crate::error::{ApiError, DecodeError, Error, excerpt_without};
use crate::redact::redact;
use crate::{ErrorCode, Operation};

/// The part every WeChat answer shares. A missing `errcode` means success: some endpoints
/// leave it out when all is well.
#[derive(Deserialize)]
struct Envelope {
    #[serde(default, deserialize_with = "crate::lenient::option_integer")]
    errcode: Option<i64>,
    #[serde(default, deserialize_with = "crate::lenient::option_string")]
    errmsg: Option<String>,
}

/// Decodes an answer body for operation `O`: a non-zero `errcode` becomes
/// [`Error::Api`] with the typed code; otherwise the body decodes into `O::Response`, and a
/// field that does not fit is named by its JSON path.
pub fn decode_response<O: Operation>(body: &[u8]) -> Result<O::Response, Error<O::ErrorCode>> {
    decode_without::<O>(body, &[])
}

/// [`decode_response`], with `secrets` (the call's token) masked in any text the error quotes.
pub(crate) fn decode_without<O: Operation>(
    body: &[u8],
    secrets: &[&str],
) -> Result<O::Response, Error<O::ErrorCode>> {
    let operation = O::ENDPOINT.name;
    let decode_error = |path: String, message: String| {
        let message = redact(&message, secrets);
        Error::Decode(DecodeError { operation, path, message, excerpt: excerpt_without(body, secrets) })
    };
    let envelope: Envelope =
        serde_json::from_slice(body).map_err(|e| decode_error(String::new(), e.to_string()))?;
    if let Some(code) = envelope.errcode.filter(|c| *c != 0) {
        return Err(Error::Api(ApiError {
            operation,
            code: O::ErrorCode::from_code(code),
            errmsg: redact(&envelope.errmsg.unwrap_or_default(), secrets),
        }));
    }
    // Tracking the JSON path costs about as much as decoding itself, so the path is only
    // worked out, by decoding a second time, when the first decode failed.
    serde_json::from_slice(body).or_else(|_| {
        let mut deserializer = serde_json::Deserializer::from_slice(body);
        serde_path_to_error::deserialize(&mut deserializer)
            .map_err(|e| decode_error(e.path().to_string(), e.inner().to_string()))
    })
}
