//! Turning an answer body into the operation's response or its typed error.

use serde::Deserialize;
use serde::de::value::MapDeserializer;

use crate::envelope::{AnyObject, Envelope, Tap};
use crate::error::{ApiError, DecodeError, Error, excerpt_without};
use crate::lenient::Lenient;
use crate::redact::redact;
use crate::{ErrorCode, Operation, ResponseBody};

/// Decodes an answer body for operation `O`: a non-zero `errcode` becomes
/// [`Error::Api`] with the typed code; otherwise the body decodes into `O::Response`, and a
/// field that does not fit is named by its JSON path. For an operation that answers text
/// ([`ResponseBody::Text`]), a JSON object with a non-zero `errcode` is the error and any other
/// body is the text, which must be UTF-8.
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
    if O::RESPONSE_BODY == ResponseBody::Text {
        return decode_text::<O>(body, secrets);
    }
    // One pass: the response decodes while its top-level errcode and errmsg are taken out.
    let mut envelope = Envelope::default();
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let decoded =
        O::Response::deserialize(Lenient::new(Tap { inner: &mut deserializer, envelope: &mut envelope }))
            .and_then(|response| deserializer.end().map(|()| response));
    let api_error = |envelope: Envelope| -> Option<Error<O::ErrorCode>> {
        let code = envelope.errcode.filter(|c| *c != 0)?;
        Some(Error::Api(ApiError {
            operation,
            code: O::ErrorCode::from_code(code),
            errmsg: redact(&envelope.errmsg.unwrap_or_default(), secrets),
        }))
    };
    // An error answer may decode when every response field is optional; when it does not,
    // its errcode was still taken out before the missing fields were noticed.
    if let Some(error) = api_error(std::mem::take(&mut envelope)) {
        return Err(error);
    }
    match decoded {
        Ok(response) => Ok(response),
        Err(_) => {
            // The slow path: the errcode may sit after a field that failed to decode, so read
            // the envelope on its own; failing that, decode again tracking the JSON path.
            let mut deserializer = serde_json::Deserializer::from_slice(body);
            AnyObject::deserialize(Tap { inner: &mut deserializer, envelope: &mut envelope })
                .and_then(|AnyObject| deserializer.end())
                .map_err(|e| decode_error(String::new(), e.to_string()))?;
            if let Some(error) = api_error(std::mem::take(&mut envelope)) {
                return Err(error);
            }
            let mut deserializer = serde_json::Deserializer::from_slice(body);
            serde_path_to_error::deserialize(Lenient::new(&mut deserializer))
                .map_err(|e| decode_error(e.path().to_string(), e.inner().to_string()))
        }
    }
}

/// The answer of an operation that answers text: WeChat's JSON error, or the body as the
/// response's `text`.
fn decode_text<O: Operation>(body: &[u8], secrets: &[&str]) -> Result<O::Response, Error<O::ErrorCode>> {
    let operation = O::ENDPOINT.name;
    let decode_error = |message: String| {
        let message = redact(&message, secrets);
        Error::Decode(DecodeError {
            operation,
            path: String::new(),
            message,
            excerpt: excerpt_without(body, secrets),
        })
    };
    // Only a JSON object can be WeChat's error; a statement never starts with `{`.
    if body.trim_ascii_start().starts_with(b"{") {
        let mut envelope = Envelope::default();
        let mut deserializer = serde_json::Deserializer::from_slice(body);
        let read = AnyObject::deserialize(Tap { inner: &mut deserializer, envelope: &mut envelope })
            .and_then(|AnyObject| deserializer.end());
        if let (Ok(()), Some(code)) = (read, envelope.errcode.filter(|c| *c != 0)) {
            return Err(Error::Api(ApiError {
                operation,
                code: O::ErrorCode::from_code(code),
                errmsg: redact(&envelope.errmsg.unwrap_or_default(), secrets),
            }));
        }
    }
    let text =
        std::str::from_utf8(body).map_err(|e| decode_error(format!("the answer is not UTF-8 text: {e}")))?;
    let fields = std::iter::once(("text", text));
    O::Response::deserialize(MapDeserializer::<_, serde::de::value::Error>::new(fields))
        .map_err(|e| decode_error(format!("the text answer does not fit the response: {e}")))
}

#[cfg(test)]
mod tests {
    use std::fmt;

    use serde::{Deserialize, Serialize};

    use super::decode_response;
    use crate::{BodyKind, Endpoint, Error, ErrorCode, Method, Operation, ResponseBody, Retry, TokenUse};

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    struct Code(i64);

    impl fmt::Display for Code {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            self.fmt_code(f)
        }
    }

    impl ErrorCode for Code {
        fn from_code(code: i64) -> Self {
            Self(code)
        }
        fn code(&self) -> i64 {
            self.0
        }
        fn message(&self) -> &'static str {
            "test"
        }
        fn retry(&self) -> Retry {
            Retry::Never
        }
    }

    const ENDPOINT: Endpoint = Endpoint {
        name: "test",
        group: "test",
        method: Method::Post,
        host: "api.weixin.qq.com",
        path: "/test",
        fixed_query: &[],
        token: TokenUse::None,
        body: BodyKind::Json,
    };

    /// An operation whose answer has a required field.
    #[derive(Serialize)]
    struct Required;

    #[derive(Debug, Deserialize, PartialEq)]
    struct RequiredAnswer {
        code: String,
    }

    impl Operation for Required {
        type Response = RequiredAnswer;
        type ErrorCode = Code;
        const ENDPOINT: Endpoint = ENDPOINT;
    }

    /// An operation whose answer has only optional fields, so an error answer fits it too.
    #[derive(Serialize)]
    struct Optional;

    #[derive(Debug, Deserialize, PartialEq)]
    struct OptionalAnswer {
        url: Option<String>,
    }

    impl Operation for Optional {
        type Response = OptionalAnswer;
        type ErrorCode = Code;
        const ENDPOINT: Endpoint = ENDPOINT;
    }

    /// An operation that answers a CSV statement.
    #[derive(Serialize)]
    struct Statement;

    #[derive(Debug, Deserialize, PartialEq)]
    struct StatementAnswer {
        text: String,
    }

    impl Operation for Statement {
        type Response = StatementAnswer;
        type ErrorCode = Code;
        const ENDPOINT: Endpoint = ENDPOINT;
        const RESPONSE_BODY: ResponseBody = ResponseBody::Text;
    }

    fn code<T: fmt::Debug>(result: Result<T, Error<Code>>) -> Option<i64> {
        result.err().and_then(|e| e.api_code()).map(|c| c.0)
    }

    #[test]
    fn errcode_and_errmsg_are_taken_wherever_they_stand() {
        let ok = decode_response::<Required>(br#"{"code": "c", "errcode": 0, "errmsg": "ok"}"#).unwrap();
        assert_eq!(ok, RequiredAnswer { code: "c".into() });
        assert_eq!(
            decode_response::<Required>(br#"{"code": "c"}"#).unwrap().code,
            "c",
            "no errcode is success"
        );
        assert_eq!(code(decode_response::<Required>(br#"{"errcode": 72038, "errmsg": "x"}"#)), Some(72038));
        assert_eq!(code(decode_response::<Required>(br#"{"errmsg": "x", "errcode": "72038"}"#)), Some(72038));
        assert_eq!(code(decode_response::<Optional>(br#"{"errcode": 40001, "errmsg": "x"}"#)), Some(40001));
        let Err(Error::Api(api)) = decode_response::<Optional>(br#"{"errcode": 1, "errmsg": "why"}"#) else {
            panic!("expected an API error")
        };
        assert_eq!(api.errmsg, "why");
    }

    #[test]
    fn an_errcode_after_a_bad_field_is_still_found() {
        let body = br#"{"code": 5, "errcode": 72038, "errmsg": "x"}"#;
        assert_eq!(code(decode_response::<Required>(body)), Some(72038));
    }

    #[test]
    fn only_an_object_carries_an_errcode() {
        // serde lets a derived struct decode from an array, so `[40001, "x"]` once read as
        // errcode 40001 and `[[[…` as a bad errcode.
        for body in [&br#"[40001, "x"]"#[..], b"[[[[]]]]", b"40001", br#""errcode""#] {
            let Err(Error::Decode(e)) = decode_response::<Optional>(body) else {
                panic!("{body:?} must be refused")
            };
            assert!(e.message.contains("expected a JSON object"), "{}", e.message);
        }
    }

    #[test]
    fn a_bad_errcode_or_errmsg_is_named() {
        for (body, field) in [
            (&br#"{"errcode": "4000x", "code": "c"}"#[..], "errcode"),
            (br#"{"code": "c", "errcode": 1.5}"#, "errcode"),
            (br#"{"code": "c", "errmsg": [1]}"#, "errmsg"),
        ] {
            let Err(Error::Decode(e)) = decode_response::<Required>(body) else {
                panic!("{body:?} must be refused")
            };
            assert!(e.message.starts_with(&format!("{field}: ")), "{}", e.message);
        }
    }

    #[test]
    fn escaped_keys_and_trailing_garbage() {
        assert_eq!(decode_response::<Required>(br#"{"co\u0064e": "c"}"#).unwrap().code, "c");
        let Err(Error::Decode(e)) = decode_response::<Required>(br#"{"code": "c"} trailing"#) else {
            panic!("trailing characters must be refused")
        };
        assert!(e.message.contains("trailing"), "{}", e.message);
        // Read leniently, a number is a fine string; an array is not.
        assert_eq!(decode_response::<Required>(br#"{"code": 5}"#).unwrap().code, "5");
        let Err(Error::Decode(e)) = decode_response::<Required>(br#"{"code": [5]}"#) else {
            panic!("a wrong type must be refused")
        };
        assert_eq!(e.path, "code");
    }

    #[test]
    fn a_text_answer_is_the_body_and_a_json_errcode_its_error() {
        let csv = "交易时间,公众账号ID\n`2017-09-25 10:00:00,`wx6cc9648de104270d\n";
        assert_eq!(
            decode_response::<Statement>(csv.as_bytes()).unwrap(),
            StatementAnswer { text: csv.to_owned() }
        );
        assert_eq!(
            code(decode_response::<Statement>(br#" {"errcode": 40001, "errmsg": "invalid credential"}"#)),
            Some(40001)
        );
        // A JSON answer without an errcode is text like any other body.
        let ok = br#"{"errcode": 0, "errmsg": "ok"}"#;
        assert_eq!(decode_response::<Statement>(ok).unwrap().text, r#"{"errcode": 0, "errmsg": "ok"}"#);
        let Err(Error::Decode(e)) = decode_response::<Statement>(b"\xff\xfe,1\n") else {
            panic!("bytes that are not UTF-8 must be refused")
        };
        assert!(e.message.contains("not UTF-8"), "{}", e.message);
    }
}
