//! What the runtime needs to know about an endpoint to call it. Generated code implements
//! [`Operation`] on each request type; the runtime never sees the spec.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{ErrorCode, Multipart};

/// A request the client can send: implemented by every generated request type.
pub trait Operation: Serialize + Send + Sync {
    /// The decoded answer, without `errcode`/`errmsg`.
    type Response: DeserializeOwned + Send;
    /// The operation's error codes.
    type ErrorCode: ErrorCode;
    /// How to reach the endpoint.
    const ENDPOINT: Endpoint;
    /// How a successful answer is written: JSON (the default), or text such as a CSV
    /// statement, which [`decode_response`](crate::decode_response) puts in the response's
    /// `text` field.
    const RESPONSE_BODY: ResponseBody = ResponseBody::Json;

    /// Query parameters taken from the request's own fields, besides `access_token` and the
    /// endpoint's fixed ones.
    fn query(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }

    /// The parts of a `multipart/form-data` body; implemented by the request types of
    /// endpoints whose body is [`BodyKind::Multipart`], which are sent from this instead of
    /// their JSON serialization.
    fn multipart(&self) -> Option<Multipart<'_>> {
        None
    }

    /// The first value outside the limits the spec states; the client refuses such a request
    /// with [`Error::Invalid`](crate::Error::Invalid) before anything is sent. Generated for
    /// the requests that hold limited fields.
    fn check(&self) -> Result<(), crate::Invalid> {
        Ok(())
    }
}

/// The static facts of an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Endpoint {
    /// snake_case operation name, used in logs, spans and errors; unique within its group.
    pub name: &'static str,
    /// The group (module and cargo feature) the operation belongs to.
    pub group: &'static str,
    /// HTTP method.
    pub method: Method,
    /// The host WeChat documents for it; requests go to the client's base URL when this is
    /// the default host.
    pub host: &'static str,
    /// Path starting with `/`.
    pub path: &'static str,
    /// Query parameters always sent with the same value.
    pub fixed_query: &'static [(&'static str, &'static str)],
    /// The token the endpoint takes.
    pub token: TokenUse,
    /// How the body is encoded.
    pub body: BodyKind,
}

/// HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// `GET`.
    Get,
    /// `POST`.
    Post,
}

/// Which token goes into `access_token`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenUse {
    /// No token.
    None,
    /// The account's own access token only; an authorizer token is refused before sending.
    AccessToken,
    /// The account's access token, or a third-party platform's authorizer token.
    AccessTokenOrAuthorizer,
}

/// How a request body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// JSON.
    Json,
    /// `multipart/form-data`.
    Multipart,
    /// No body.
    None,
}

/// How an endpoint writes a successful answer. Error answers are JSON either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseBody {
    /// A JSON object whose fields are the response's.
    Json,
    /// The body itself, as UTF-8 text (a CSV statement): the response type has one field,
    /// `text`, holding it. A JSON object with a non-zero `errcode` is still an error.
    Text,
}
